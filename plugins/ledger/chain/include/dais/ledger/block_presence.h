#pragma once
// Which nodes have which blocks: one bit per node and block, kept per block in 64-bit words, so
// 10,000 nodes cost 1,250 bytes a block (1,008 blocks of a simulated week: 1.3 MB) instead of a
// block list per node. A block's bits are allocated when the first node gets it; a node's tip is
// kept beside, by the layer.

#include <cstdint>
#include <vector>

#include "dais/ledger/block_tree.h"

namespace dais::ledger {

class BlockPresence {
  public:
    explicit BlockPresence(std::size_t nodes) : nodes_(nodes), words_((nodes + 63) / 64) {}

    /// Node `node` has block `b` now; false when it had it already.
    bool give(BlockId b, std::uint32_t node);
    /// Node `node` no longer has block `b` (a bit used for a passing state: asked for it).
    void take(BlockId b, std::uint32_t node);
    bool has(BlockId b, std::uint32_t node) const;
    /// How many nodes have block `b`.
    std::size_t holders(BlockId b) const;
    std::size_t nodes() const { return nodes_; }
    /// Bytes held for the bits.
    std::size_t bytes() const { return bits_.size() * sizeof(std::uint64_t); }

  private:
    std::size_t nodes_, words_;
    std::vector<std::uint64_t> bits_;  // block b's words at [b * words_, (b + 1) * words_)
};

}  // namespace dais::ledger
