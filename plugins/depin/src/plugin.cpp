// The plugin library's only code: its entry point. The layer itself is in the static library
// dais_layer_depin, which programs and tests can also link directly.
#include "dais/core/plugin.h"
#include "dais/layers/depin.h"

namespace {

void registerLayers(dais::core::PluginRegistrar& registrar) {
    registrar.add(dais::layers::depin::factory());
}

}  // namespace

DAIS_PLUGIN("depin", "0.3.0", registerLayers)
