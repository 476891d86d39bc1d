// The plugin library's only code: its entry point. The layer itself is in the static library
// dais_layer_crypto, which programs and tests can also link directly.
#include "dais/core/plugin.h"
#include "dais/layers/crypto.h"

namespace {

void registerLayers(dais::core::PluginRegistrar& registrar) {
    registrar.add(dais::layers::crypto::factory());
}

}  // namespace

DAIS_PLUGIN("crypto", "0.2.0", registerLayers)
