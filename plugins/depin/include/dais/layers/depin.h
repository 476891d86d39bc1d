#pragma once
// The DePIN layer: a market of pooled compute (GPUs and CPUs at the edge and in the cloud) on the
// network model. Jobs arrive at the clients, wait in the market's order book and run on the
// providers' processors. plugins/depin/README.md explains the model, its theory and its sources.

#include "dais/core/layer.h"

namespace dais::layers::depin {

/// The layer's descriptor and create function. Programs and tests that link the layer
/// statically add it to a core::LayerRegistry; the plugin library registers the same factory.
core::LayerFactory factory();

}  // namespace dais::layers::depin
