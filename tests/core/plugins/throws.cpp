// A plugin whose registration throws.
#include <stdexcept>

#include "dais/core/plugin.h"

namespace {
void registerLayers(dais::core::PluginRegistrar&) {
    throw std::runtime_error("out of coffee");
}
}  // namespace

DAIS_PLUGIN("throws", "1.0.0", registerLayers)
