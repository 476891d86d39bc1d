// A plugin that needs a symbol nothing provides, so it cannot be loaded.
#include "dais/core/plugin.h"

extern "C" void dais_symbol_nobody_defines(void);

namespace {
void registerLayers(dais::core::PluginRegistrar&) {
    dais_symbol_nobody_defines();
}
}  // namespace

DAIS_PLUGIN("unresolved", "1.0.0", registerLayers)
