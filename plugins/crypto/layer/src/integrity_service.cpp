// The integrity service: keys, signatures, hashes and RFC 6962 Merkle proofs through
// dais_crypto_primitives.
#include "integrity_service.h"

#include <utility>
#include <vector>

#include "dais/crypto/hashes.h"
#include "dais/crypto/merkle_tree.h"

namespace dais::layers::crypto {

namespace {

namespace dc = dais::crypto;

/// What a keyed node costs the run's memory: the key pair and its place in the map.
constexpr std::uint64_t kKeyBytes = sizeof(dc::Ed25519KeyPair) + 64;

dc::HashAlgorithm algorithmOf(core::IntegrityService::Hash h) {
    return h == core::IntegrityService::Hash::Sha256 ? dc::HashAlgorithm::Sha256
                                                     : dc::HashAlgorithm::Blake2b256;
}

/// The RFC 6962 tree over 32-byte leaves, each hashed as a leaf.
dc::MerkleTree treeOf(std::span<const core::Digest> leaves) {
    std::vector<core::Digest> hashes;
    hashes.reserve(leaves.size());
    for (const core::Digest& leaf : leaves)
        hashes.push_back(
            dc::merkleLeafHash(dc::HashAlgorithm::Sha256, std::as_bytes(std::span(leaf))));
    return dc::MerkleTree::fromLeafHashes(std::move(hashes), dc::HashAlgorithm::Sha256);
}

}  // namespace

void IntegrityService::configure(sim::Simulation& sim, std::size_t nodes, const Config& config) {
    sim_ = &sim;
    seed_ = sim.seed();
    nodes_ = nodes;
    keys_.clear();
    costs_.sign = config.costSign;
    costs_.verify = config.costVerify;
    costs_.sha256PerByte = kSha256SecondsPerByte;
    costs_.blake2bPerByte = kBlake2bSecondsPerByte;
    costs_.merkleLeaf = kMerkleLeafSeconds;
    costs_.merkleNode = kMerkleNodeSeconds;
    costs_.referenceFlopsPerSecond = config.referenceGflops * 1e9;
}

std::string IntegrityService::nodeProblem(sim::NodeIndex node) const {
    if (sim_ == nullptr)
        return "the integrity service is not set up yet (the crypto layer sets it up)";
    if (node < nodes_) return {};
    const std::string what = "integrity: no node " + std::to_string(node);
    if (nodes_ == 0) return what + ": the network has no nodes";
    return what + ": the network has " + std::to_string(nodes_) + " nodes (0 to " +
           std::to_string(nodes_ - 1) + ")";
}

dc::Ed25519KeyPair IntegrityService::keyOf(sim::NodeIndex node) const {
    if (const auto it = keys_.find(node); it != keys_.end()) return it->second;
    dc::Ed25519KeyPair pair = dc::Ed25519KeyPair::forNode(seed_, node);
    if (sim_->takeMemory(kKeyBytes)) keys_.emplace(node, pair);
    return pair;
}

core::Result<core::IntegrityService::PublicKey> IntegrityService::publicKey(
    sim::NodeIndex node) const {
    if (std::string problem = nodeProblem(node); !problem.empty()) return core::Error{problem};
    static_assert(kPublicKeyBytes == dc::kEd25519PublicKeyBytes);
    return keyOf(node).publicKey();
}

core::Result<core::IntegrityService::Signature> IntegrityService::sign(
    sim::NodeIndex node, std::span<const std::byte> message) {
    if (std::string problem = nodeProblem(node); !problem.empty()) return core::Error{problem};
    static_assert(kSignatureBytes == dc::kEd25519SignatureBytes);
    return keyOf(node).sign(message);
}

bool IntegrityService::verify(const PublicKey& key, std::span<const std::byte> message,
                              const Signature& signature) const {
    return dc::verifySignature(key, message, signature);
}

core::Digest IntegrityService::hash(Hash algorithm, std::span<const std::byte> data) const {
    return dc::hash(algorithmOf(algorithm), data);
}

core::Digest IntegrityService::merkleRoot(std::span<const core::Digest> leaves) const {
    return treeOf(leaves).root();
}

core::Result<core::IntegrityService::InclusionProof> IntegrityService::inclusionProof(
    std::span<const core::Digest> leaves, std::uint64_t index) const {
    if (index >= leaves.size()) {
        const std::string what = "integrity: no inclusion proof for leaf " + std::to_string(index);
        if (leaves.empty()) return core::Error{what + ": the list of leaves is empty"};
        return core::Error{what + ": the list has " + std::to_string(leaves.size()) +
                           " leaves (indices 0 to " + std::to_string(leaves.size() - 1) + ")"};
    }
    core::Result<dc::InclusionProof> proof = treeOf(leaves).proof(index);
    if (!proof) return proof.error();
    return InclusionProof{proof->index, proof->treeSize, std::move(proof->path)};
}

bool IntegrityService::verifyInclusion(const core::Digest& leaf, const InclusionProof& proof,
                                       const core::Digest& root) const {
    const dc::InclusionProof p{proof.index, proof.treeSize, proof.path};
    return dc::verifyInclusion(dc::HashAlgorithm::Sha256, std::as_bytes(std::span(leaf)), p, root);
}

}  // namespace dais::layers::crypto
