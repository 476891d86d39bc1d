#pragma once
// Merkle trees as Certificate Transparency defines them (RFC 6962 §2.1, unchanged in RFC 9162
// §2.1), with SHA-256 (the RFCs' hash) or BLAKE2b-256:
//
//   MTH({})       = H()                           the hash of the empty string
//   MTH({d0})     = H(0x00 || d0)                 a leaf
//   MTH(D[0:n])   = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])),   k the largest power of two < n
//
// The 0x00 and 0x01 prefixes keep a leaf's hash from ever equalling an inner node's, so a proof
// cannot pass an inner node off as a leaf. When a level has an odd number of nodes the last one
// moves up unchanged; it is not paired with a copy of itself as in Bitcoin's tree, where
// [a, b, c] and [a, b, c, c] have the same root (two different lists of leaves, one commitment;
// the flaw behind CVE-2012-2459). Here every list of leaves has its own root.
//
// The tree keeps every level (about 2 n digests, 64 n bytes), so root() costs nothing and an
// inclusion proof is O(log n) digests copied, with no hashing.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/result.h"
#include "dais/crypto/hashes.h"

namespace dais::crypto {

/// A leaf's hash, H(0x00 || leaf).
core::Digest merkleLeafHash(HashAlgorithm algorithm, std::span<const std::byte> leaf);
/// An inner node's hash, H(0x01 || left || right).
core::Digest merkleNodeHash(HashAlgorithm algorithm, const core::Digest& left,
                            const core::Digest& right);

/// That leaf `index` is in the tree of `treeSize` leaves: the audit path of RFC 6962 §2.1.1,
/// the sibling hashes from the leaf's level up to the root's children.
struct InclusionProof {
    std::uint64_t index = 0;
    std::uint64_t treeSize = 0;
    std::vector<core::Digest> path;

    /// Bytes on a wire: the index and the tree size as 8-byte integers and 32 bytes per path
    /// digest (RFC 9162's InclusionProofDataV2 adds a log id, 2 bytes for the path's length and
    /// 1 per digest).
    std::uint64_t wireBytes() const { return 16 + 32 * static_cast<std::uint64_t>(path.size()); }
};

/// A Merkle tree over a fixed list of leaves.
class MerkleTree {
  public:
    /// The empty tree; its root is H() of the empty string.
    explicit MerkleTree(HashAlgorithm algorithm = HashAlgorithm::Sha256);

    /// The tree over `leaves`, each hashed as merkleLeafHash.
    static MerkleTree fromLeaves(std::span<const std::span<const std::byte>> leaves,
                                 HashAlgorithm algorithm = HashAlgorithm::Sha256);
    /// The tree whose leaf hashes (its bottom level) are `leafHashes`, as given: the same tree
    /// as fromLeaves when they are the leaves' merkleLeafHash. A list that hands its own
    /// identifiers (transaction ids) keeps RFC 6962's separation of leaves from inner nodes
    /// only if no identifier can be a 0x01-prefixed hash of two digests, which holds when the
    /// identifiers are themselves hashes of the items' encodings.
    static MerkleTree fromLeafHashes(std::vector<core::Digest> leafHashes,
                                     HashAlgorithm algorithm = HashAlgorithm::Sha256);

    HashAlgorithm algorithm() const { return algorithm_; }
    /// The number of leaves.
    std::uint64_t size() const { return levels_.empty() ? 0 : levels_.front().size(); }
    const core::Digest& root() const { return root_; }
    std::span<const core::Digest> leafHashes() const;

    /// The inclusion proof of leaf `index`; an error when there is no such leaf.
    core::Result<InclusionProof> proof(std::uint64_t index) const;

  private:
    HashAlgorithm algorithm_;
    /// levels_[0] holds the leaf hashes, each next level the parents of the one below (a last,
    /// unpaired node copied up), the last level the root alone. Empty for the empty tree.
    std::vector<std::vector<core::Digest>> levels_;
    core::Digest root_;
};

/// Whether `proof` shows that the leaf with bytes `leaf` is leaf `proof.index` of a tree of
/// `proof.treeSize` leaves with root `root`, computed as RFC 9162 §2.1.3.2 says from the index
/// and the tree size alone. False for an index not below the tree size, a path of the wrong
/// length for them, or any digest that does not lead to `root`.
///
/// The proof binds the leaf to the root, not to the tree size: the verifier takes root and
/// size together from what it trusts (a signed tree head in RFC 6962). A proof verified under
/// another size that hashes the path the same way (leaf 0 of 5 leaves and of 6: three
/// siblings, all on the right) reaches the same root, so it verifies under that size too.
bool verifyInclusion(HashAlgorithm algorithm, std::span<const std::byte> leaf,
                     const InclusionProof& proof, const core::Digest& root);
/// As above, for a leaf given by its hash (merkleLeafHash, or an identifier given to
/// MerkleTree::fromLeafHashes).
bool verifyInclusion(HashAlgorithm algorithm, const core::Digest& leafHash,
                     const InclusionProof& proof, const core::Digest& root);

}  // namespace dais::crypto
