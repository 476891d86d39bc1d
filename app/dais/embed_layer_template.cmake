# Writes a C++ source that holds the layer template's files for `dais new-layer`. Run as a
# script: cmake -DTEMPLATE_LIST=<LayerTemplate.cmake> -DOUTPUT=<file.cpp> -P embed_layer_template.cmake
include("${TEMPLATE_LIST}")
set(files ${DAIS_LAYER_TEMPLATE_FILES})
list(LENGTH files n)
math(EXPR last "${n} - 1")
set(arrays "")
set(table "")
set(k 0)
foreach(i RANGE 0 ${last} 2)
  math(EXPR j "${i} + 1")
  list(GET files ${i} template)
  list(GET files ${j} target)
  file(READ "${DAIS_LAYER_TEMPLATE_ROOT}/${template}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(REGEX REPLACE "(('[^']+',){20})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "const char kFile${k}[] = {\n    ${bytes}'\\0'};\n")
  string(APPEND table "    {\"${target}\", {kFile${k}, ${size}}},\n")
  math(EXPR k "${k} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from plugins/layer-template by embed_layer_template.cmake. Do not edit.\n"
  "#include \"layer_template.h\"\n\n"
  "namespace dais::app {\nnamespace {\n\n${arrays}\n"
  "const LayerTemplateFile kFiles[] = {\n${table}};\n\n}  // namespace\n\n"
  "std::span<const LayerTemplateFile> layerTemplateFiles() {\n    return kFiles;\n}\n\n"
  "}  // namespace dais::app\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
