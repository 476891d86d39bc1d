#pragma once
// The layer template's files (plugins/layer-template), compiled into the program for
// `dais new-layer`. Paths and texts hold @LAYER_ID@ and @LAYER_NAME@ where the new layer's id
// and name go.

#include <span>
#include <string_view>

namespace dais::app {

struct LayerTemplateFile {
    std::string_view path;  ///< relative to the project's root
    std::string_view text;
};

/// Every file of the template, in the order plugins/layer-template/LayerTemplate.cmake lists them.
std::span<const LayerTemplateFile> layerTemplateFiles();

}  // namespace dais::app
