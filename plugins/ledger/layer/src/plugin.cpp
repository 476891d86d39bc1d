// The plugin library's only code: its entry point. The layer itself is in the static library
// dais_layer_ledger, which programs and tests can also link directly.
#include "dais/core/plugin.h"
#include "dais/layers/ledger.h"

namespace {

void registerLayers(dais::core::PluginRegistrar& registrar) {
    registrar.add(dais::layers::ledger::factory());
}

}  // namespace

DAIS_PLUGIN("ledger", "0.1.0", registerLayers)
