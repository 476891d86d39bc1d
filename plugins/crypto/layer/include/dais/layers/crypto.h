#pragma once
// The privacy-cryptography layer: secure aggregation run for real (libsodium) on the simulated
// network, and signatures, hashes, Merkle proofs and zero-knowledge proofs, offered to other
// layers as the secure-aggregation, integrity and proof services; encrypted inference and joint
// training by SMPC played from calibrated cost models. plugins/crypto/README.md explains the
// protocols, the cost models and their sources.

#include "dais/core/layer.h"

namespace dais::layers::crypto {

/// The layer's descriptor and create function. Programs and tests that link the layer
/// statically add it to a core::LayerRegistry; the plugin library registers the same factory.
core::LayerFactory factory();

}  // namespace dais::layers::crypto
