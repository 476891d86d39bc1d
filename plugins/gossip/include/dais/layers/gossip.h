#pragma once
// The gossip layer: push gossip (epidemic broadcast) over the network model. Rumours start at
// random participating nodes; a node that hears a rumour for the first time pushes it to
// `fanout` random peers, every copy a real message over the simulated links. Two forwarding
// modes: infect-and-die ("once") and rumour mongering with feedback and a coin ("mongering",
// Demers et al. 1987). plugins/gossip/README.md explains the model, its theory and how the
// layer is written.

#include "dais/core/layer.h"

namespace dais::layers::gossip {

/// The layer's descriptor and create function. Programs and tests that link the layer
/// statically add it to a core::LayerRegistry; the plugin library registers the same factory.
core::LayerFactory factory();

}  // namespace dais::layers::gossip
