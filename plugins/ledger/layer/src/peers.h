#pragma once
// Who talks to whom on the ledger: an undirected graph over the ledger's nodes (dense indices
// 0..n-1), kept as compressed rows with, for every directed edge p -> q, the index of q -> p, so
// a message can name the edge it arrives on and the receiver finds its side at once.
#include <cstdint>
#include <span>
#include <vector>

#include "dais/core/result.h"
#include "dais/sim/rng.h"

namespace dais::layers::ledger {

class PeerGraph {
  public:
    /// Each node opens `outbound` connections to distinct nodes drawn uniformly among those that
    /// are not yet its peers and accept fewer than `maxInbound` inbound ones (Bitcoin's
    /// outbound and inbound slots). Fewer than `outbound` only when no node is left to draw.
    static PeerGraph random(std::uint32_t nodes, std::uint32_t outbound, std::uint32_t maxInbound,
                            sim::RngStream& rng);
    /// The graph of the given undirected edges (pairs of distinct nodes; repeats count once).
    static PeerGraph fromEdges(std::uint32_t nodes,
                               std::span<const std::pair<std::uint32_t, std::uint32_t>> edges);

    std::uint32_t nodes() const { return static_cast<std::uint32_t>(start_.size()) - 1; }
    std::uint32_t edges() const { return static_cast<std::uint32_t>(peer_.size()); }
    /// Node p's edges: [begin(p), end(p)).
    std::uint32_t begin(std::uint32_t p) const { return start_[p]; }
    std::uint32_t end(std::uint32_t p) const { return start_[p + 1]; }
    std::uint32_t degree(std::uint32_t p) const { return end(p) - begin(p); }
    /// The node edge e leads to.
    std::uint32_t peer(std::uint32_t e) const { return peer_[e]; }
    /// The edge back: peer(e) -> the node e starts at.
    std::uint32_t reverse(std::uint32_t e) const { return reverse_[e]; }
    /// The node edge e starts at (by search over the rows).
    std::uint32_t owner(std::uint32_t e) const;
    /// Asks the cache for the first of node p's edges (their peers and edges back), which a
    /// node answering or passing on a block reads (a hint; changes nothing).
    void prefetch(std::uint32_t p) const {
        const std::uint32_t e = start_[p];
        if (e == start_[p + 1]) return;
        __builtin_prefetch(peer_.data() + e);
        __builtin_prefetch(reverse_.data() + e);
    }

  private:
    std::vector<std::uint32_t> start_{0}, peer_, reverse_;
};

}  // namespace dais::layers::ledger
