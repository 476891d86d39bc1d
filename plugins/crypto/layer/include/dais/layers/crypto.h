#pragma once
// The privacy-cryptography layer: secure aggregation run for real (libsodium) on the simulated
// network, offered to other layers as the secure-aggregation service. plugins/crypto/README.md
// explains the protocols, the cost model and its sources.

#include "dais/core/layer.h"

namespace dais::layers::crypto {

/// The layer's descriptor and create function. Programs and tests that link the layer
/// statically add it to a core::LayerRegistry; the plugin library registers the same factory.
core::LayerFactory factory();

}  // namespace dais::layers::crypto
