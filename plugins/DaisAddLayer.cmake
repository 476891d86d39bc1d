# dais_add_layer(NAME <layer> SOURCES <files...> PLUGIN_SOURCES <files...>
#                [INCLUDE_DIRS <dirs...>] [PRIVATE_INCLUDE_DIRS <dirs...>] [LIBS <targets...>])
#
# Builds a layer the way every layer is built, twice over one set of sources:
#  - dais_layer_<NAME>, a static library: the layer, for programs and tests that link it
#    directly (its INCLUDE_DIRS are public, LIBS private);
#  - <NAME>, the plugin: a MODULE library in ${DAIS_PLUGIN_OUTPUT_DIR} holding only the entry
#    point (PLUGIN_SOURCES, usually src/plugin.cpp) and the static layer. It links the shared
#    dais_core and dais_simulator instead of carrying copies, exports only its entry point, has
#    no "lib" prefix, finds the DAIS libraries relative to itself once installed, and installs
#    to ${DAIS_PLUGIN_INSTALL_DIR}, where the registry looks for plugins.
function(dais_add_layer)
  cmake_parse_arguments(L "" "NAME" "SOURCES;PLUGIN_SOURCES;INCLUDE_DIRS;PRIVATE_INCLUDE_DIRS;LIBS"
                        ${ARGN})
  if(NOT L_NAME OR NOT L_SOURCES OR NOT L_PLUGIN_SOURCES)
    message(FATAL_ERROR "dais_add_layer: NAME, SOURCES and PLUGIN_SOURCES are required")
  endif()
  set(layer dais_layer_${L_NAME})

  add_library(${layer} STATIC ${L_SOURCES})
  target_include_directories(${layer} PUBLIC ${L_INCLUDE_DIRS} PRIVATE ${L_PRIVATE_INCLUDE_DIRS})
  target_link_libraries(${layer} PUBLIC dais_core PRIVATE ${L_LIBS} dais_warnings)

  add_library(${L_NAME} MODULE ${L_PLUGIN_SOURCES})
  target_link_libraries(${L_NAME} PRIVATE ${layer} dais_core dais_warnings)

  # Only the entry point is exported; the registry finds the plugin by it.
  set_target_properties(${layer} ${L_NAME} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  set_target_properties(${L_NAME} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY "${DAIS_PLUGIN_OUTPUT_DIR}"
    INSTALL_RPATH "$ORIGIN/../..")
  # A layer built only for the tests (DAIS_LAYER_NO_INSTALL) stays out of installs and packages.
  if(NOT DAIS_LAYER_NO_INSTALL)
    install(TARGETS ${L_NAME} LIBRARY DESTINATION ${DAIS_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
