#pragma once
// Every block any node of a run has made, stored once: a tree by parent, with each block's
// height and the work of the chain it ends. Nodes do not copy blocks; a node's view of the
// ledger is which blocks it has and which one is its tip, kept by the layer. Forks are branches
// of the tree; the chain a node follows is the path from the genesis block to its tip.
//
// Fork choice compares chains by cumulative work (proof of work: the sum of each block's
// expected hashes; a rule without work gives each block 1, so the longest chain wins), and
// between equal work prefers the block seen first, as Bitcoin's nodes do.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "dais/core/result.h"
#include "dais/ledger/block.h"

namespace dais::ledger {

using BlockId = std::uint32_t;
inline constexpr BlockId kNoBlock = 0xffffffffu;

struct SignedBlock {
    EncodedHeader header{};
    Signature signature{};
};

class BlockTree {
  public:
    /// Adds a block with its producer's signature and its own work (> 0). Refused: a parent the
    /// tree does not have (the genesis block, height 0 with a zero parent, only as the first
    /// block), a height other than its parent's plus one, a block it has already.
    core::Result<BlockId> add(const BlockHeader& header, const Signature& signature,
                              double work = 1);

    std::size_t size() const { return blocks_.size(); }
    std::optional<BlockId> find(const core::Digest& hash) const;
    const BlockHeader& header(BlockId b) const { return blocks_[b].header; }
    const core::Digest& hash(BlockId b) const { return blocks_[b].hash; }
    const Signature& signature(BlockId b) const { return blocks_[b].signature; }
    BlockId parent(BlockId b) const { return blocks_[b].parent; }
    std::uint64_t height(BlockId b) const { return blocks_[b].header.height; }
    double chainWork(BlockId b) const { return blocks_[b].chainWork; }

    /// b's ancestor at `height` (b itself at its own height); kNoBlock above b's height.
    BlockId ancestorAt(BlockId b, std::uint64_t height) const;
    /// Whether a is b or one of b's ancestors.
    bool isAncestor(BlockId a, BlockId b) const {
        if (a == b) return a < blocks_.size();
        if (a >= blocks_.size() || b >= blocks_.size() || height(a) >= height(b)) return false;
        return blocks_[b].parent == a || ancestorAt(b, height(a)) == a;
    }
    /// The deepest block both chains share.
    BlockId commonAncestor(BlockId a, BlockId b) const;
    /// Whether the chain ending at a wins over the one ending at b: more work, or the same work
    /// and seen first.
    bool better(BlockId a, BlockId b) const;
    /// The chain from the genesis block to `tip`, as it would be sent: encoded headers and
    /// signatures.
    std::vector<SignedBlock> chain(BlockId tip) const;

  private:
    struct Block {
        BlockHeader header;
        core::Digest hash{};
        Signature signature{};
        BlockId parent = kNoBlock;
        double chainWork = 0;
        std::vector<BlockId> skip;  // ancestors 2^i levels up, for ancestorAt in O(log n)
    };
    struct DigestHash {
        std::size_t operator()(const core::Digest& d) const noexcept {
            std::size_t h = 0;
            for (std::size_t i = 0; i < sizeof h; ++i)
                h |= static_cast<std::size_t>(d[i]) << (8 * i);
            return h;
        }
    };
    std::vector<Block> blocks_;
    std::unordered_map<core::Digest, BlockId, DigestHash> byHash_;
};

/// What a node checks of a chain it is given, block by block from the genesis block.
struct ChainChecks {
    /// Whether `signature` is the producer's signature of the block's hash.
    std::function<bool(const BlockHeader&, const core::Digest& hash, const Signature& signature)>
        signature;
};

/// The height of the first block of `chain` that fails: its header does not decode, its parent
/// is not the previous block's hash (or not zero for the genesis block), its height is not the
/// previous one's plus one, or its signature does not verify. nullopt when all pass.
std::optional<std::uint64_t> firstInvalid(std::span<const SignedBlock> chain,
                                          const ChainChecks& checks);

}  // namespace dais::ledger
