// The proof service: the ZKP cost model for a statement's work, and proofs whose soundness is a
// MAC only the service can compute.
#include "proof_service.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "dais/crypto/hashes.h"
#include "dais/crypto/model_operations.h"
#include "dais/crypto/sodium_init.h"

namespace dais::layers::crypto {

namespace {

namespace dc = dais::crypto;

constexpr std::string_view kKeyDomain = "dais/crypto/proof-key/v1";
constexpr std::string_view kTagDomain = "dais/crypto/proof-tag/v1";
constexpr std::string_view kForgedDomain = "dais/crypto/proof-forged/v1";

/// The cost model's multiply-adds are 64-bit counts, its circuits at most 2^50 constraints:
/// work beyond this is refused before it is rounded.
constexpr double kMaxMultiplyAdds = 4503599627370496.0;  // 2^52

dc::ProofSystem modelSystem(core::ProofService::System s) {
    switch (s) {
        case core::ProofService::System::Groth16:
            return dc::ProofSystem::Groth16;
        case core::ProofService::System::Plonk:
            return dc::ProofSystem::Plonk;
        case core::ProofService::System::Stark:
            return dc::ProofSystem::Stark;
    }
    return dc::ProofSystem::Plonk;
}

/// "3e+15 FLOPs", "7.2e+12 FLOPs", "1 FLOPs".
std::string flopsText(double flops) {
    char text[32];
    std::snprintf(text, sizeof text, "%g FLOPs", flops);
    return text;
}

void putLittleEndian(std::uint64_t value, std::byte* out) {
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<std::byte>(value >> (8 * i));
}

/// domain || system || statement || result, the message every tag is computed over.
struct TagMessage {
    std::array<std::byte, 64 + 1 + 32 + 32> bytes{};
    std::size_t size = 0;
    void add(std::span<const std::byte> data) {
        std::copy(data.begin(), data.end(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
        size += data.size();
    }
    std::span<const std::byte> view() const { return std::span(bytes).first(size); }
};

TagMessage tagMessage(std::string_view domain, core::ProofService::System system,
                      const core::Digest& statement, const core::Digest& result) {
    TagMessage m;
    m.add(std::as_bytes(std::span(domain)));
    const auto s = static_cast<std::byte>(system);
    m.add(std::span(&s, 1));
    m.add(std::as_bytes(std::span(statement)));
    m.add(std::as_bytes(std::span(result)));
    return m;
}

}  // namespace

ProofService::~ProofService() {
    sodium_memzero(key_.data(), key_.size());
}

void ProofService::configure(std::uint64_t runSeed, std::size_t nodes, const Config& config) {
    std::array<std::byte, kKeyDomain.size() + 8> seed{};
    std::transform(kKeyDomain.begin(), kKeyDomain.end(), seed.begin(),
                   [](char c) { return static_cast<std::byte>(c); });
    putLittleEndian(runSeed, seed.data() + kKeyDomain.size());
    key_ = dc::blake2b256(seed);
    nodes_ = nodes;
    system_ = config.proofSystem;
    referenceFlopsPerSecond_ = config.proofReferenceGflops * 1e9;
    constants_.groth16.proverSecondsPerConstraint = config.zkpGroth16Seconds;
    constants_.plonk.proverSecondsPerGate = config.zkpPlonkSeconds;
    constants_.stark.proverSecondsPerConstraintLog = config.zkpStarkSeconds;
    ready_ = true;
}

core::Result<core::ProofService::Cost> ProofService::cost(const Statement& statement) const {
    if (!ready_)
        return core::Error{"the proof service is not set up yet (the crypto layer sets it up)"};
    const System system = statement.system.value_or(system_);
    const std::string name(systemName(system));
    if (!std::isfinite(statement.flops) || statement.flops <= 0)
        return core::Error{"proofs: a statement's work must be a finite number of FLOPs > 0, got " +
                           flopsText(statement.flops)};
    const double multiplyAdds = statement.flops / 2;
    if (multiplyAdds > kMaxMultiplyAdds)
        return core::Error{"proofs: no " + name + " proof of " + flopsText(statement.flops) +
                           ": its circuit would have more than 2^50 constraints, beyond the cost "
                           "model's range"};
    // A statement is its multiply-adds; its input and its output are public, each as one
    // commitment.
    dc::ModelOperations ops;
    ops.multiplyAdds = std::max<std::int64_t>(1, std::llround(multiplyAdds));
    ops.inputs = 1;
    ops.outputs = 1;
    const core::Result<dc::ProofCost> model =
        dc::modelProofCost(modelSystem(system), ops, constants_);
    if (!model)
        return core::Error{"proofs: no " + name + " proof of " + flopsText(statement.flops) + ": " +
                           model.error().message};
    Cost c;
    c.system = system;
    c.circuitSize = model->circuitSize;
    c.proveSeconds = model->proverSeconds;
    c.verifySeconds = model->verifierSeconds;
    c.proofBytes = static_cast<std::uint64_t>(std::ceil(model->proofBytes));
    // The STARK's figures come from a machine with twice the cores of the pairing systems'.
    c.referenceFlopsPerSecond = referenceFlopsPerSecond_ * (system == System::Stark ? 2.0 : 1.0);
    return c;
}

core::Result<core::ProofService::Proof> ProofService::prove(sim::NodeIndex prover,
                                                            const Statement& statement,
                                                            const core::Digest& result,
                                                            bool honest) {
    const core::Result<Cost> c = cost(statement);
    if (!c) return c.error();
    if (prover >= nodes_)
        return core::Error{"proofs: no node " + std::to_string(prover) +
                           " to prove: the network has " + std::to_string(nodes_) + " nodes"};
    Proof proof;
    proof.system = c->system;
    proof.bytes = c->proofBytes;
    if (honest) {
        proof.tag = tag(proof.system, statement.digest, result);
        return proof;
    }
    // Without the key, the best a dishonest prover can send: a value of its own making.
    dc::Hasher forged(dc::HashAlgorithm::Blake2b256);
    std::array<std::byte, 8> who{};
    putLittleEndian(prover, who.data());
    forged.add(tagMessage(kForgedDomain, proof.system, statement.digest, result).view()).add(who);
    proof.tag = forged.finish();
    return proof;
}

bool ProofService::verify(const Proof& proof, const core::Digest& statement,
                          const core::Digest& result) const {
    if (!ready_) return false;
    return sodium_memcmp(tag(proof.system, statement, result).data(), proof.tag.data(),
                         proof.tag.size()) == 0;
}

core::Digest ProofService::tag(System system, const core::Digest& statement,
                               const core::Digest& result) const {
    dc::initSodium();
    const TagMessage m = tagMessage(kTagDomain, system, statement, result);
    core::Digest out;
    crypto_generichash(out.data(), out.size(),
                       reinterpret_cast<const unsigned char*>(m.bytes.data()), m.size, key_.data(),
                       key_.size());
    return out;
}

}  // namespace dais::layers::crypto
