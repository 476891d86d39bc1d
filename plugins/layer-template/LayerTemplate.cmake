# The layer template: the files a new layer starts from, and where each goes in a project tree.
# `dais new-layer ID` writes them (the files are compiled into the program); the test suite
# instantiates them at configure time and builds the result, so the template always builds.
# A template file's @LAYER_ID@ and @LAYER_NAME@ are replaced by the layer's id and name.

set(DAIS_LAYER_TEMPLATE_DIR "${CMAKE_CURRENT_LIST_DIR}")
# Pairs of: template file, path of the made file relative to the project's root.
set(DAIS_LAYER_TEMPLATE_FILES
  CMakeLists.txt.in         "plugins/@LAYER_ID@/CMakeLists.txt"
  README.md.in              "plugins/@LAYER_ID@/README.md"
  layer.h.in                "plugins/@LAYER_ID@/include/dais/layers/@LAYER_ID@.h"
  layer.cpp.in              "plugins/@LAYER_ID@/src/@LAYER_ID@.cpp"
  plugin.cpp.in             "plugins/@LAYER_ID@/src/plugin.cpp"
  example.dais.json.in      "plugins/@LAYER_ID@/@LAYER_ID@-example.dais.json"
  tests.CMakeLists.txt.in   "tests/plugins/@LAYER_ID@/CMakeLists.txt"
  tst_layer.cpp.in          "tests/plugins/@LAYER_ID@/tst_@LAYER_ID@.cpp")

# dais_instantiate_layer_template(ID <id> NAME <name> ROOT <folder>): writes the template's
# files for a layer under ROOT, as `dais new-layer` would.
function(dais_instantiate_layer_template)
  cmake_parse_arguments(T "" "ID;NAME;ROOT" "" ${ARGN})
  set(LAYER_ID "${T_ID}")
  set(LAYER_NAME "${T_NAME}")
  set(files ${DAIS_LAYER_TEMPLATE_FILES})
  list(LENGTH files n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET files ${i} template)
    list(GET files ${j} target)
    string(CONFIGURE "${target}" target @ONLY)
    configure_file("${DAIS_LAYER_TEMPLATE_DIR}/${template}" "${T_ROOT}/${target}" @ONLY)
  endforeach()
endfunction()
