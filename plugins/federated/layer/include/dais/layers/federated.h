#pragma once
// The federated-learning layer: the model travels to the data. Clients train on their own data
// with real arithmetic; only parameters cross the simulated network, as messages of their real
// size; the server aggregates with a chosen strategy and robust rule, optionally with
// differential privacy, against optional attackers. plugins/federated/README.md describes it.

#include "dais/core/layer.h"

namespace dais::layers::federated {

/// The layer's descriptor and create function.
core::LayerFactory factory();

}  // namespace dais::layers::federated
