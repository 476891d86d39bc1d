#pragma once
// The integrity service of the privacy layer: core::IntegrityService over the layer's real
// cryptography (dais_crypto_primitives, libsodium). Each node's Ed25519 key pair is derived from
// the run seed and its index (dais/crypto/signatures.h), made the first time the node signs or
// its key is asked for, and kept while the run's memory budget allows. Hashes are SHA-256 and
// BLAKE2b-256; Merkle trees are RFC 6962's over SHA-256. Signing and verifying cost the layer's
// cost_sign and cost_verify; hashing and Merkle nodes cost the figures below.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "config.h"
#include "dais/core/integrity.h"
#include "dais/crypto/signatures.h"
#include "dais/sim/simulation.h"

namespace dais::layers::crypto {

// Seconds on the reference machine (a 2-core AMD EPYC virtual machine, Debian 12, GCC 12 -O2,
// libsodium 1.0.18, single-threaded; the best of three quiet runs, each the best of seven timed
// loops). plugins/crypto/layer/README.md lists them with cost_sign and cost_verify.
inline constexpr double kSha256SecondsPerByte = 2.7e-9;   ///< 1 MiB inputs: 370 MB/s
inline constexpr double kBlake2bSecondsPerByte = 1.6e-9;  ///< 1 MiB inputs: 610 MB/s
inline constexpr double kMerkleLeafSeconds = 1.9e-7;      ///< SHA-256 of 33 bytes: one block
inline constexpr double kMerkleNodeSeconds = 3.9e-7;      ///< SHA-256 of 65 bytes: two blocks

class IntegrityService final : public core::IntegrityService {
  public:
    /// Until configure() (the layer's set-up) there are no keys: publicKey() and sign() answer
    /// with an error, and every cost is 0.
    void configure(sim::Simulation& sim, std::size_t nodes, const Config& config);

    core::Result<PublicKey> publicKey(sim::NodeIndex node) const override;
    core::Result<Signature> sign(sim::NodeIndex node, std::span<const std::byte> message) override;
    using core::IntegrityService::verify;
    bool verify(const PublicKey& key, std::span<const std::byte> message,
                const Signature& signature) const override;
    core::Digest hash(Hash algorithm, std::span<const std::byte> data) const override;
    core::Digest merkleRoot(std::span<const core::Digest> leaves) const override;
    core::Result<InclusionProof> inclusionProof(std::span<const core::Digest> leaves,
                                                std::uint64_t index) const override;
    bool verifyInclusion(const core::Digest& leaf, const InclusionProof& proof,
                         const core::Digest& root) const override;
    Costs costs() const override { return costs_; }

  private:
    /// Node `node`'s key pair (the node exists): kept, or made afresh when the run's memory
    /// budget has no room to keep another.
    dais::crypto::Ed25519KeyPair keyOf(sim::NodeIndex node) const;
    /// "" for a node of the network, else why not.
    std::string nodeProblem(sim::NodeIndex node) const;

    sim::Simulation* sim_ = nullptr;
    std::uint64_t seed_ = 0;
    std::size_t nodes_ = 0;
    Costs costs_{};
    mutable std::unordered_map<sim::NodeIndex, dais::crypto::Ed25519KeyPair> keys_;
};

}  // namespace dais::layers::crypto
