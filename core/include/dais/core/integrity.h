#pragma once
// The integrity service: signatures, hashes and Merkle inclusion proofs, for layers that sign
// what they send (blocks, votes, updates), name it by its digest, or prove that an item is in a
// committed list without sending the list.
//
// Every node has an Ed25519 key pair derived from the run seed and its index, so a run is the
// same every time; the service holds the secret halves and signs only as the node it is asked
// for (a layer asks for the node it acts on, never another's, as a real node can only use its
// own key). Anyone may verify against a node's public key. Hashes are SHA-256 or BLAKE2b-256;
// Merkle trees follow RFC 6962 (SHA-256): the leaves are 32-byte digests of the items (a layer
// hashes its records first), each hashed as a leaf, H(0x00 || leaf), so no inner node can pass
// for a leaf.
//
// Nothing here takes simulated time: the service reports what each operation costs (seconds on
// its reference machine, costs()), and the caller decides when to spend it, on which node. The
// sizes are constants, so layers count the bytes a key, a signature or a proof adds to a message.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/result.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"

namespace dais::core {

class IntegrityService : public Service {
  public:
    static constexpr std::string_view kId = "integrity";

    /// Bytes on a wire.
    static constexpr std::size_t kPublicKeyBytes = 32;  ///< an Ed25519 public key
    static constexpr std::size_t kSignatureBytes = 64;  ///< an Ed25519 signature
    static constexpr std::size_t kDigestBytes = 32;     ///< a digest, a Merkle node

    using PublicKey = std::array<std::uint8_t, kPublicKeyBytes>;
    using Signature = std::array<std::uint8_t, kSignatureBytes>;

    /// The hash functions offered, both with a 32-byte output.
    enum class Hash : std::uint8_t {
        Sha256,   ///< SHA-256, FIPS 180-4 (bit for bit core's own sha256())
        Blake2b,  ///< BLAKE2b-256, RFC 7693, unkeyed: the faster on 64-bit processors
    };
    /// "sha256" or "blake2b".
    static std::string_view hashName(Hash h) { return h == Hash::Sha256 ? "sha256" : "blake2b"; }
    /// The algorithm named "sha256" or "blake2b"; nullopt for any other name.
    static std::optional<Hash> parseHash(std::string_view name) {
        if (name == "sha256") return Hash::Sha256;
        if (name == "blake2b") return Hash::Blake2b;
        return std::nullopt;
    }

    /// That leaf `index` is in a tree of `treeSize` leaves: the sibling digests from the leaf's
    /// level up to the root's children (RFC 6962 §2.1.1).
    struct InclusionProof {
        std::uint64_t index = 0;
        std::uint64_t treeSize = 0;
        std::vector<Digest> path;
        /// Bytes on a wire: index and tree size as 8-byte integers, 32 bytes a path digest.
        std::uint64_t wireBytes() const {
            return 16 + kDigestBytes * static_cast<std::uint64_t>(path.size());
        }
    };

    /// Seconds each operation takes on the reference machine (the provider's: its CPU speed is
    /// referenceFlopsPerSecond). A node of CPU speed s takes t x referenceFlopsPerSecond / s,
    /// that is, t x referenceFlopsPerSecond FLOPs of work on its CPU.
    struct Costs {
        double sign = 0;            ///< one signature of a short message (Ed25519)
        double verify = 0;          ///< one verification of a short message
        double sha256PerByte = 0;   ///< SHA-256 of long inputs, per byte
        double blake2bPerByte = 0;  ///< BLAKE2b-256 of long inputs, per byte
        double merkleLeaf = 0;      ///< a leaf's hash, H(0x00 || 32-byte digest)
        double merkleNode = 0;      ///< an inner node's hash, H(0x01 || left || right)
        double referenceFlopsPerSecond = 0;

        /// A hash of `bytes` bytes (long inputs; a short one costs about a Merkle leaf).
        double hash(Hash h, std::uint64_t bytes) const {
            return static_cast<double>(bytes) *
                   (h == Hash::Sha256 ? sha256PerByte : blake2bPerByte);
        }
        /// The root of a tree of `leaves` leaves: every leaf and every inner node hashed once.
        double merkleRoot(std::uint64_t leaves) const {
            if (leaves == 0) return 0;
            return static_cast<double>(leaves) * merkleLeaf +
                   static_cast<double>(leaves - 1) * merkleNode;
        }
        /// Checking one inclusion proof: the leaf's hash and one node per path digest.
        double verifyInclusion(const InclusionProof& proof) const {
            return merkleLeaf + static_cast<double>(proof.path.size()) * merkleNode;
        }
    };

    /// Node `node`'s public key; an error names a node the network does not have.
    virtual Result<PublicKey> publicKey(sim::NodeIndex node) const = 0;
    /// `message` signed with node `node`'s own key (deterministic: the same node and message
    /// give the same signature). An error names a node the network does not have.
    virtual Result<Signature> sign(sim::NodeIndex node, std::span<const std::byte> message) = 0;
    /// Whether `signature` is the valid signature of `message` under `key`. False, never an
    /// error, for anything else.
    virtual bool verify(const PublicKey& key, std::span<const std::byte> message,
                        const Signature& signature) const = 0;
    /// The same under node `node`'s key; false for a node the network does not have.
    bool verify(sim::NodeIndex node, std::span<const std::byte> message,
                const Signature& signature) const {
        const Result<PublicKey> key = publicKey(node);
        return key.ok() && verify(*key, message, signature);
    }

    virtual Digest hash(Hash algorithm, std::span<const std::byte> data) const = 0;

    /// The RFC 6962 root over `leaves` (SHA-256); the empty list's root is SHA-256("").
    virtual Digest merkleRoot(std::span<const Digest> leaves) const = 0;
    /// The proof that `leaves[index]` is in the tree over `leaves`; an error names an index
    /// outside the list.
    virtual Result<InclusionProof> inclusionProof(std::span<const Digest> leaves,
                                                  std::uint64_t index) const = 0;
    /// Whether `proof` shows `leaf` is leaf `proof.index` of the tree of `proof.treeSize`
    /// leaves with root `root`. False for anything else: a wrong leaf, digest, index or size
    /// (a verifier takes root and size together from a source it trusts: a proof also passes
    /// under another size that gives the leaf a path of the same shape).
    virtual bool verifyInclusion(const Digest& leaf, const InclusionProof& proof,
                                 const Digest& root) const = 0;

    /// What each operation costs (the provider's settings).
    virtual Costs costs() const = 0;
};

}  // namespace dais::core
