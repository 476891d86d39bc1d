#include "run/network_structure.h"

#include <charconv>

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

std::uint32_t NetworkStructure::find(std::string_view name) const {
    // "<group>[<k>]": the group's k-th member.
    if (const std::size_t open = name.rfind('[');
        open != std::string_view::npos && open > 0 && name.back() == ']') {
        const std::string_view digits = name.substr(open + 1, name.size() - open - 2);
        std::uint32_t k = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
        if (!digits.empty() && error == std::errc() && end == digits.data() + digits.size())
            for (const Group& g : groups)
                if (g.id == name.substr(0, open)) return k < g.count ? g.first + k : kNone;
    }
    for (std::uint32_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].group == kNone && nodes[i].id == name) return i;
    return kNone;
}

}  // namespace dais::studio
