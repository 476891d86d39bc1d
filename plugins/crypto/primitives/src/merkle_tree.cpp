// RFC 6962 Merkle trees kept level by level. Pairing the nodes of each level from the left and
// moving a last, unpaired node up unchanged gives exactly RFC 6962's tree, whose recursive
// definition splits n leaves at the largest power of two below n: the left part is a complete
// subtree, so every split falls on a pair boundary, and only the rightmost node of a level can
// be left without a partner. The ancestor of leaf m on level h is then node m >> h.
#include "dais/crypto/merkle_tree.h"

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace dais::crypto {

namespace {

constexpr std::byte kLeafPrefix{0x00};
constexpr std::byte kNodePrefix{0x01};

/// The root `proof` leads to from `leafHash`, following RFC 9162 §2.1.3.2; nullopt when the
/// index is not below the tree size or the path's length does not match them.
std::optional<core::Digest> rootFromPath(HashAlgorithm algorithm, const core::Digest& leafHash,
                                         const InclusionProof& proof) {
    if (proof.index >= proof.treeSize) return std::nullopt;
    std::uint64_t fn = proof.index;         // the node's position on its level
    std::uint64_t sn = proof.treeSize - 1;  // the last position on that level
    core::Digest r = leafHash;
    for (const core::Digest& p : proof.path) {
        if (sn == 0) return std::nullopt;  // the path is longer than the tree is high
        if ((fn & 1) == 1 || fn == sn) {
            r = merkleNodeHash(algorithm, p, r);
            // A last node without a right sibling moves up unchanged until it is a right child
            // (or reaches the left edge, where only the path's end remains).
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            r = merkleNodeHash(algorithm, r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) return std::nullopt;  // the path stops below the root
    return r;
}

}  // namespace

core::Digest merkleLeafHash(HashAlgorithm algorithm, std::span<const std::byte> leaf) {
    // Short leaves (identifiers, keys, small records) are copied behind the prefix and hashed
    // in one call, about twice as fast as hashing the two pieces in turn.
    constexpr std::size_t kShortLeafBytes = 128;
    if (leaf.size() <= kShortLeafBytes) {
        std::array<std::byte, 1 + kShortLeafBytes> input;
        input[0] = kLeafPrefix;
        if (!leaf.empty()) std::memcpy(input.data() + 1, leaf.data(), leaf.size());
        return hash(algorithm, std::span(input).first(1 + leaf.size()));
    }
    Hasher hasher(algorithm);
    hasher.add(std::span(&kLeafPrefix, 1)).add(leaf);
    return hasher.finish();
}

core::Digest merkleNodeHash(HashAlgorithm algorithm, const core::Digest& left,
                            const core::Digest& right) {
    // One contiguous 65-byte input, hashed in one call: the hot loop of building a tree.
    std::array<std::byte, 1 + 2 * sizeof(core::Digest)> input;
    input[0] = kNodePrefix;
    std::memcpy(input.data() + 1, left.data(), left.size());
    std::memcpy(input.data() + 1 + left.size(), right.data(), right.size());
    return hash(algorithm, input);
}

MerkleTree::MerkleTree(HashAlgorithm algorithm)
    : algorithm_(algorithm), root_(hash(algorithm, std::span<const std::byte>())) {}

MerkleTree MerkleTree::fromLeaves(std::span<const std::span<const std::byte>> leaves,
                                  HashAlgorithm algorithm) {
    std::vector<core::Digest> leafHashes;
    leafHashes.reserve(leaves.size());
    for (const auto& leaf : leaves)
        leafHashes.push_back(merkleLeafHash(algorithm, leaf));
    return fromLeafHashes(std::move(leafHashes), algorithm);
}

MerkleTree MerkleTree::fromLeafHashes(std::vector<core::Digest> leafHashes,
                                      HashAlgorithm algorithm) {
    MerkleTree tree(algorithm);
    if (leafHashes.empty()) return tree;
    tree.levels_.reserve(65);  // a 64-bit leaf count has at most 65 levels
    tree.levels_.push_back(std::move(leafHashes));
    while (tree.levels_.back().size() > 1) {
        const std::vector<core::Digest>& below = tree.levels_.back();
        std::vector<core::Digest> above((below.size() + 1) / 2);
        for (std::size_t i = 0; i + 1 < below.size(); i += 2)
            above[i / 2] = merkleNodeHash(algorithm, below[i], below[i + 1]);
        if (below.size() % 2 == 1) above.back() = below.back();
        tree.levels_.push_back(std::move(above));
    }
    tree.root_ = tree.levels_.back().front();
    return tree;
}

std::span<const core::Digest> MerkleTree::leafHashes() const {
    if (levels_.empty()) return {};
    return levels_.front();
}

core::Result<InclusionProof> MerkleTree::proof(std::uint64_t index) const {
    if (index >= size()) {
        const std::string leaf = "no inclusion proof for leaf " + std::to_string(index);
        if (size() == 0) return core::Error{leaf + ": the Merkle tree is empty"};
        return core::Error{leaf + ": the Merkle tree has " + std::to_string(size()) +
                           " leaves (indices 0 to " + std::to_string(size() - 1) + ")"};
    }
    InclusionProof out;
    out.index = index;
    out.treeSize = size();
    out.path.reserve(levels_.size() - 1);
    std::uint64_t position = index;
    // Every level but the root's: a node's sibling is on the path unless the node is the last,
    // unpaired one, which moves up unchanged and adds nothing.
    for (std::size_t h = 0; h + 1 < levels_.size(); ++h) {
        const std::uint64_t sibling = position ^ 1;
        if (sibling < levels_[h].size()) out.path.push_back(levels_[h][sibling]);
        position >>= 1;
    }
    return out;
}

bool verifyInclusion(HashAlgorithm algorithm, std::span<const std::byte> leaf,
                     const InclusionProof& proof, const core::Digest& root) {
    return verifyInclusion(algorithm, merkleLeafHash(algorithm, leaf), proof, root);
}

bool verifyInclusion(HashAlgorithm algorithm, const core::Digest& leafHash,
                     const InclusionProof& proof, const core::Digest& root) {
    const std::optional<core::Digest> computed = rootFromPath(algorithm, leafHash, proof);
    return computed.has_value() && *computed == root;
}

}  // namespace dais::crypto
