# The layer template: the files a new layer starts from, and where each goes in a project tree.
# `dais new-layer ID` writes them (the files are compiled into the program); the test suite
# instantiates them at configure time and builds the result, so the template always builds.
# A template file's @LAYER_ID@ and @LAYER_NAME@ are replaced by the layer's id and name.

set(DAIS_LAYER_TEMPLATE_DIR "${CMAKE_CURRENT_LIST_DIR}")
# The template's files live where their made files go: the layer's under plugins/, its tests
# under tests/ (which alone may use Qt Test).
get_filename_component(DAIS_LAYER_TEMPLATE_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
# Pairs of: template file and path of the made file, both relative to the project's root.
set(DAIS_LAYER_TEMPLATE_FILES
  plugins/layer-template/CMakeLists.txt.in       "plugins/@LAYER_ID@/CMakeLists.txt"
  plugins/layer-template/README.md.in            "plugins/@LAYER_ID@/README.md"
  plugins/layer-template/layer.h.in              "plugins/@LAYER_ID@/include/dais/layers/@LAYER_ID@.h"
  plugins/layer-template/layer.cpp.in            "plugins/@LAYER_ID@/src/@LAYER_ID@.cpp"
  plugins/layer-template/plugin.cpp.in           "plugins/@LAYER_ID@/src/plugin.cpp"
  plugins/layer-template/example.dais.json.in    "plugins/@LAYER_ID@/@LAYER_ID@-example.dais.json"
  tests/plugins/layer-template/CMakeLists.txt.in "tests/plugins/@LAYER_ID@/CMakeLists.txt"
  tests/plugins/layer-template/tst_layer.cpp.in  "tests/plugins/@LAYER_ID@/tst_@LAYER_ID@.cpp")

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
    configure_file("${DAIS_LAYER_TEMPLATE_ROOT}/${template}" "${T_ROOT}/${target}" @ONLY)
  endforeach()
endfunction()
