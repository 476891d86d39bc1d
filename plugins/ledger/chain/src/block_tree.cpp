// The block tree: blocks by id and by hash, ancestors by binary lifting (each block keeps its
// ancestors 1, 2, 4, ... levels up), chains compared by work.
#include "dais/ledger/block_tree.h"

#include <string>

namespace dais::ledger {

core::Result<BlockId> BlockTree::add(const BlockHeader& header, const Signature& signature,
                                     double work) {
    if (!(work > 0)) return core::Error{"a block's work must be > 0"};
    const core::Digest hash = blockHash(header);
    if (byHash_.count(hash) != 0)
        return core::Error{"block " + core::shortHex(hash) + " is in the tree already"};
    Block b;
    b.header = header;
    b.hash = hash;
    b.signature = signature;
    if (blocks_.empty()) {
        if (header.height != 0 || header.parent != core::Digest{})
            return core::Error{"the first block must be a genesis block: height 0, no parent"};
        b.chainWork = work;
    } else {
        const auto parent = find(header.parent);
        if (!parent)
            return core::Error{"block " + core::shortHex(hash) + " names a parent (" +
                               core::shortHex(header.parent) + ") the tree does not have"};
        if (header.height != height(*parent) + 1)
            return core::Error{"block " + core::shortHex(hash) + " has height " +
                               std::to_string(header.height) + " on a parent of height " +
                               std::to_string(height(*parent))};
        b.parent = *parent;
        b.chainWork = chainWork(*parent) + work;
        b.skip.push_back(*parent);
        for (std::size_t i = 0; i < b.skip.size(); ++i) {
            const Block& up = blocks_[b.skip[i]];
            if (i >= up.skip.size()) break;
            b.skip.push_back(up.skip[i]);
        }
    }
    const auto id = static_cast<BlockId>(blocks_.size());
    blocks_.push_back(std::move(b));
    byHash_.emplace(hash, id);
    return id;
}

std::optional<BlockId> BlockTree::find(const core::Digest& hash) const {
    const auto it = byHash_.find(hash);
    if (it == byHash_.end()) return std::nullopt;
    return it->second;
}

BlockId BlockTree::ancestorAt(BlockId b, std::uint64_t h) const {
    if (b >= blocks_.size() || h > height(b)) return kNoBlock;
    std::uint64_t up = height(b) - h;
    for (std::size_t i = 0; up != 0; ++i, up >>= 1)
        if (up & 1) b = blocks_[b].skip[i];
    return b;
}

BlockId BlockTree::commonAncestor(BlockId a, BlockId b) const {
    if (height(a) > height(b)) a = ancestorAt(a, height(b));
    if (height(b) > height(a)) b = ancestorAt(b, height(a));
    if (a == b) return a;
    // Climb by the largest jumps that keep them apart, then one step.
    for (std::size_t i = blocks_[a].skip.size(); i-- > 0;) {
        if (i < blocks_[a].skip.size() && i < blocks_[b].skip.size() &&
            blocks_[a].skip[i] != blocks_[b].skip[i]) {
            a = blocks_[a].skip[i];
            b = blocks_[b].skip[i];
        }
    }
    return blocks_[a].parent;
}

bool BlockTree::better(BlockId a, BlockId b) const {
    if (chainWork(a) != chainWork(b)) return chainWork(a) > chainWork(b);
    return a < b;  // seen first
}

std::vector<SignedBlock> BlockTree::chain(BlockId tip) const {
    std::vector<SignedBlock> out(height(tip) + 1);
    for (BlockId b = tip; b != kNoBlock; b = parent(b)) {
        SignedBlock& s = out[height(b)];
        s.header = encode(header(b));
        s.signature = signature(b);
    }
    return out;
}

std::optional<std::uint64_t> firstInvalid(std::span<const SignedBlock> chain,
                                          const ChainChecks& checks) {
    core::Digest previous{};
    for (std::uint64_t k = 0; k < chain.size(); ++k) {
        const auto header = decode(chain[k].header);
        if (!header || header->height != k || header->parent != previous) return k;
        const core::Digest hash = blockHash(*header);
        if (checks.signature && !checks.signature(*header, hash, chain[k].signature)) return k;
        previous = hash;
    }
    return std::nullopt;
}

}  // namespace dais::ledger
