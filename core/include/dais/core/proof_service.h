#pragma once
// The proof service: zero-knowledge proofs that a computation was run as claimed, for layers that
// buy computation from parties they do not trust (a compute market's providers).
//
// A statement is a computation described by its work: `flops` FLOPs, taken as flops / 2
// multiply-adds (one multiply-add is two FLOPs), each one constraint of the proof's circuit (two
// PLONK gates). That is all a job that knows only its work can say; the fixed-point rescales and
// activations a model's circuit also needs are not counted, so a statement by its FLOPs alone is
// a lower bound on the circuit. Its digest names what is computed, on which input. cost() says
// what a proof of it costs in a proof system (Groth16, PLONK or a STARK): the prover's and the
// verifier's seconds on the hardware of the published benchmarks the provider's cost model is
// calibrated to, and the proof's bytes. As elsewhere, the service spends no simulated time: the
// caller runs the prover's work on the prover's node and the verifier's on the verifier's.
//
// Proofs are simulated; only their costs are modelled. prove() issues a tag, a keyed BLAKE2b
// MAC over the system, the statement's digest and the result's, under a key that only the
// service holds; verify() recomputes it. An honest execution (the simulation knows which) gets
// the valid tag, so its proof verifies; a dishonest prover gets a tag that is not, so its proof
// of a wrong result never verifies, and no caller can forge one. That is what soundness promises:
// a real proof system accepts a false statement with a probability of 2^-100 or less, far below
// anything a run can observe, so treating it as never is exact at the scale of a simulation.
// Any changed byte of the statement's or the result's digest, or of the tag, fails verification.
// Zero knowledge (the verifier learns nothing of the computation's private inputs) needs no
// model: nothing in a run reads them.

#include <cstdint>
#include <optional>
#include <string_view>

#include "dais/core/digest.h"
#include "dais/core/result.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"

namespace dais::core {

class ProofService : public Service {
  public:
    static constexpr std::string_view kId = "proofs";

    /// The proof systems whose costs the provider models.
    enum class System : std::uint8_t {
        Groth16,  ///< pairing-based, constant 128-byte proofs, a trusted setup per circuit
        Plonk,    ///< pairing-based, a universal setup
        Stark,    ///< hash-based, transparent, proofs of about a hundred kilobytes
    };
    /// "groth16", "plonk" or "stark".
    static std::string_view systemName(System s) {
        return s == System::Groth16 ? "groth16" : s == System::Plonk ? "plonk" : "stark";
    }
    /// The system named "groth16", "plonk" or "stark"; nullopt for any other name.
    static std::optional<System> parseSystem(std::string_view name) {
        if (name == "groth16") return System::Groth16;
        if (name == "plonk") return System::Plonk;
        if (name == "stark") return System::Stark;
        return std::nullopt;
    }

    /// A computation to prove.
    struct Statement {
        Digest digest{};               ///< names it: what is computed, on which input
        double flops = 0;              ///< its work, finite and > 0: flops / 2 multiply-adds
        std::optional<System> system;  ///< unset: the provider's own choice
    };

    /// What one proof of a statement costs.
    struct Cost {
        System system = System::Plonk;
        std::int64_t circuitSize = 0;  ///< R1CS constraints (Groth16, STARK) or PLONK gates
        double proveSeconds = 0;       ///< on the benchmarks' hardware
        double verifySeconds = 0;      ///< on the same
        std::uint64_t proofBytes = 0;
        /// The speed those seconds are at, in the run's FLOP/s (the provider's reference for
        /// this system): a node of CPU speed s proves in proveSeconds x this / s.
        double referenceFlopsPerSecond = 0;
        /// The work, in FLOPs on a node's CPU, that takes the prover's and the verifier's time.
        double proveFlops() const { return proveSeconds * referenceFlopsPerSecond; }
        double verifyFlops() const { return verifySeconds * referenceFlopsPerSecond; }
    };

    /// A proof, as it travels with a result.
    struct Proof {
        System system = System::Plonk;
        std::uint64_t bytes = 0;  ///< its size on a wire (the system's, for its statement)
        Digest tag{};
    };

    /// The system a statement without one is proven in.
    virtual System system() const = 0;
    /// The cost of proving `statement`. An error names what is wrong: work that is not finite
    /// and positive, or a circuit beyond the cost model's range.
    virtual Result<Cost> cost(const Statement& statement) const = 0;
    /// Node `prover`'s proof that `statement` gives `result`. `honest`: the prover ran the
    /// computation as the statement says and `result` is what it gave (the simulation's truth,
    /// which a real prover cannot lie about); only then does the proof verify. An error, as
    /// cost(), or for a node the network does not have.
    virtual Result<Proof> prove(sim::NodeIndex prover, const Statement& statement,
                                const Digest& result, bool honest) = 0;
    /// Whether `proof` shows that the statement with digest `statement` gives `result`.
    virtual bool verify(const Proof& proof, const Digest& statement,
                        const Digest& result) const = 0;
};

}  // namespace dais::core
