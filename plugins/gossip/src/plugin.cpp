// The plugin library's only code: its entry point. The layer itself is in the static library
// dais_layer_gossip, which programs and tests can also link directly.
#include "dais/core/plugin.h"
#include "dais/layers/gossip.h"

namespace {

void registerLayers(dais::core::PluginRegistrar& registrar) {
    registrar.add(dais::layers::gossip::factory());
}

}  // namespace

DAIS_PLUGIN("gossip", "1.0.0", registerLayers)
