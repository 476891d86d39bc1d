#pragma once
// The ledger layer: a chain of hashed, signed blocks made by a consensus rule (proof of work)
// and carried between peers over the simulated network, with the ledger service for other
// layers' records. plugins/ledger/README.md explains the model and its sources.

#include "dais/core/layer.h"

namespace dais::layers::ledger {

/// The layer's descriptor and create function. Programs and tests that link the layer
/// statically add it to a core::LayerRegistry; the plugin library registers the same factory.
core::LayerFactory factory();

}  // namespace dais::layers::ledger
