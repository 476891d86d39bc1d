#include "run/network_structure.h"

#include "dais/sim/simulation.h"

namespace dais::studio {

NetworkStructure NetworkStructure::of(const sim::Network& network) {
    NetworkStructure out;
    const std::size_t n = network.nodeCount();
    out.regions.reserve(network.regions().size());
    for (const sim::RegionSpec& r : network.regions())
        out.regions.push_back(r);
    out.groups.reserve(network.groupCount());
    for (sim::GroupIndex g = 0; g < network.groupCount(); ++g) {
        const sim::GroupView v = network.group(g);
        Group group;
        group.id = std::string(v.id);
        group.first = v.first;
        group.count = v.count;
        if (v.count > 0) {
            group.role = std::string(network.role(v.first));
            // A member of an attached group has exactly one link, to the attachment node.
            if (network.degree(v.first) == 1)
                group.attachTo = network.adjacency(v.first).front().node;
        }
        out.groups.push_back(std::move(group));
    }
    out.nodes.resize(n);
    for (sim::NodeIndex i = 0; i < n; ++i) {
        Node& node = out.nodes[i];
        node.group = network.groupOf(i);
        if (node.group == kNone) {
            node.id = network.nodeName(i);
            node.role = std::string(network.role(i));
        } else {
            node.role = out.groups[node.group].role;
        }
        node.region = network.regionOf(i);
        node.x = network.x(i);
        node.y = network.y(i);
        node.up = network.nodeUp(i);
    }
    out.links.reserve(network.linkCount());
    for (sim::LinkIndex l = 0; l < network.linkCount(); ++l) {
        const sim::LinkView v = network.link(l);
        out.links.push_back({v.a, v.b});
    }
    return out;
}

core::Result<NetworkStructure> NetworkStructure::build(const sim::NetworkSpec& spec,
                                                       std::uint64_t seed) {
    sim::Simulation sim({seed, sim::QueueKind::Heap});
    const auto network = sim::Network::build(sim, spec);
    if (!network) return network.error();
    return of(**network);
}

std::string NetworkStructure::name(std::uint32_t node) const {
    if (node >= nodes.size()) return "#" + std::to_string(node);
    const Node& n = nodes[node];
    if (n.group == kNone) return n.id;
    const Group& g = groups[n.group];
    return g.id + "[" + std::to_string(node - g.first) + "]";
}

}  // namespace dais::studio
