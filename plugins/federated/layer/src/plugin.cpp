// The plugin library's only code: its entry point. The layer is in dais_layer_federated.
#include "dais/core/plugin.h"
#include "dais/layers/federated.h"

namespace {

void registerLayers(dais::core::PluginRegistrar& registrar) {
    registrar.add(dais::layers::federated::factory());
}

}  // namespace

DAIS_PLUGIN("federated", "0.2.0", registerLayers)
