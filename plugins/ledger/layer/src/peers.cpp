// The ledger's peer graph: random outbound connections with inbound limits, or given edges, in
// compressed rows with reverse edges.
#include "peers.h"

#include <algorithm>

namespace dais::layers::ledger {

PeerGraph PeerGraph::random(std::uint32_t nodes, std::uint32_t outbound, std::uint32_t maxInbound,
                            sim::RngStream& rng) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    std::vector<std::uint32_t> inbound(nodes, 0);
    std::vector<std::vector<std::uint32_t>> linked(nodes);
    // p opens a connection to q if q is another node, not yet its peer, with an inbound slot.
    const auto connect = [&](std::uint32_t p, std::uint32_t q) {
        const auto& l = linked[p];
        if (q == p || inbound[q] >= maxInbound || std::find(l.begin(), l.end(), q) != l.end())
            return false;
        edges.emplace_back(p, q);
        linked[p].push_back(q);
        linked[q].push_back(p);
        ++inbound[q];
        return true;
    };
    for (std::uint32_t p = 0; p < nodes; ++p) {
        std::uint32_t opened = 0;
        // Draw at random while that is likely to succeed; then walk the nodes that are left.
        for (std::uint32_t tries = 0; opened < outbound && tries < 20 * outbound; ++tries)
            opened += connect(p, static_cast<std::uint32_t>(rng.below(nodes)));
        if (opened < outbound) {
            const auto first = static_cast<std::uint32_t>(rng.below(nodes));
            for (std::uint32_t i = 0; i < nodes && opened < outbound; ++i)
                opened += connect(p, (first + i) % nodes);
        }
    }
    return fromEdges(nodes, edges);
}

PeerGraph PeerGraph::fromEdges(std::uint32_t nodes,
                               std::span<const std::pair<std::uint32_t, std::uint32_t>> edges) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> directed;
    directed.reserve(edges.size() * 2);
    for (const auto& [a, b] : edges) {
        if (a == b) continue;
        directed.emplace_back(a, b);
        directed.emplace_back(b, a);
    }
    std::sort(directed.begin(), directed.end());
    directed.erase(std::unique(directed.begin(), directed.end()), directed.end());
    PeerGraph g;
    g.start_.assign(nodes + 1, 0);
    for (const auto& [a, b] : directed)
        ++g.start_[a + 1];
    for (std::uint32_t p = 0; p < nodes; ++p)
        g.start_[p + 1] += g.start_[p];
    g.peer_.resize(directed.size());
    for (std::size_t e = 0; e < directed.size(); ++e)
        g.peer_[e] = directed[e].second;  // sorted by (from, to): rows in order
    g.reverse_.resize(directed.size());
    for (std::uint32_t p = 0; p < nodes; ++p)
        for (std::uint32_t e = g.start_[p]; e < g.start_[p + 1]; ++e) {
            const std::uint32_t q = g.peer_[e];
            const auto row = g.peer_.begin() + g.start_[q];
            const auto rowEnd = g.peer_.begin() + g.start_[q + 1];
            g.reverse_[e] =
                static_cast<std::uint32_t>(std::lower_bound(row, rowEnd, p) - g.peer_.begin());
        }
    return g;
}

std::uint32_t PeerGraph::owner(std::uint32_t e) const {
    return static_cast<std::uint32_t>(std::upper_bound(start_.begin(), start_.end(), e) -
                                      start_.begin()) -
           1;
}

}  // namespace dais::layers::ledger
