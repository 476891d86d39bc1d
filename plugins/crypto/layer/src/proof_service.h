#pragma once
// The proof service of the privacy layer: core::ProofService with the costs of
// dais_crypto_costs' ZKP models (zkp_cost.h) and simulated soundness. A proof is a keyed BLAKE2b
// tag (libsodium's crypto_generichash with a 32-byte key, RFC 7693's keyed mode) over the proof
// system, the statement's digest and the result's; the key is derived from the run seed, so a
// run is reproducible, and only this object holds it. An honest prover gets the tag, a
// dishonest one a value computed without the key, which verifies with probability 2^-256.
//
// Times are the cost model's, seconds on its benchmarks' machines; Cost::referenceFlopsPerSecond
// puts them in the run's terms: proof_reference_gflops for Groth16 and PLONK (calibrated on a
// 4-core laptop), twice that for the STARK (calibrated on an 8-core machine).

#include <array>
#include <cstddef>
#include <cstdint>

#include "config.h"
#include "dais/core/proof_service.h"
#include "dais/crypto/zkp_cost.h"

namespace dais::layers::crypto {

class ProofService final : public core::ProofService {
  public:
    ProofService() = default;
    ProofService(const ProofService&) = delete;
    ProofService& operator=(const ProofService&) = delete;
    ~ProofService() override;

    /// Until configure() (the layer's set-up) cost() and prove() answer with an error and no
    /// proof verifies.
    void configure(std::uint64_t runSeed, std::size_t nodes, const Config& config);

    System system() const override { return system_; }
    core::Result<Cost> cost(const Statement& statement) const override;
    core::Result<Proof> prove(sim::NodeIndex prover, const Statement& statement,
                              const core::Digest& result, bool honest) override;
    bool verify(const Proof& proof, const core::Digest& statement,
                const core::Digest& result) const override;

  private:
    /// The valid tag of `system`, `statement` and `result`.
    core::Digest tag(System system, const core::Digest& statement,
                     const core::Digest& result) const;

    bool ready_ = false;
    std::size_t nodes_ = 0;
    System system_ = System::Plonk;
    double referenceFlopsPerSecond_ = 0;
    dais::crypto::ZkpConstants constants_;
    std::array<std::uint8_t, 32> key_{};
};

}  // namespace dais::layers::crypto
