#pragma once
// What a zero-knowledge proof that a model was run costs, for three proof systems: Groth16
// (pairing-based, R1CS, a circuit-specific trusted setup), PLONK (pairing-based with a universal
// setup, fan-in-two gates) and a STARK (hash-based, transparent). Proving is far too expensive
// to run inside a simulation, so the layer asks these models instead.
//
// Two steps. First the circuit: how many R1CS constraints (Groth16, and the STARK's size in
// R1CS-equivalent constraints) or PLONK gates the model's operations take in fixed point. Then
// the proof: prover time, verifier time and proof size as functions of that size, calibrated to
// published benchmarks. Every constant is a field of a plain struct whose default is the cited
// figure (or a figure derived from one); a scenario may override any of them. Times are seconds
// on the hardware of the cited benchmark. plugins/crypto/costs/README.md lists every constant
// with its source and says which are derived and how.

#include <cstdint>
#include <string_view>

#include "dais/core/result.h"
#include "dais/crypto/model_operations.h"

namespace dais::crypto {

enum class ProofSystem { Groth16, Plonk, Stark };

/// "groth16", "plonk" or "stark".
std::string_view proofSystemName(ProofSystem system);

/// The pairing-friendly curve a Groth16 or PLONK proof lives on.
enum class PairingCurve { Bn254, Bls12_381 };

/// Bytes of one group element or scalar on a curve (point compression halves a point).
struct CurveSizes {
    int g1Compressed = 0, g1Uncompressed = 0;
    int g2Compressed = 0, g2Uncompressed = 0;
    int scalar = 0;  ///< an element of the scalar field
};

/// BN254: G1 32/64 bytes, G2 64/128, scalars 32. BLS12-381: G1 48/96, G2 96/192, scalars 32.
CurveSizes curveSizes(PairingCurve curve);

/// How a model's operations become constraints. The counts per operation are the textbook
/// encodings, not a particular compiler's output:
///  - multiply-add: one R1CS constraint (the product; the running sum is a linear combination,
///    free in R1CS); two PLONK gates (a product gate and an addition gate: a standard gate has
///    three wires and cannot take the product's two inputs and the running sum at once);
///  - rescale after a dot product (fixed-point truncation): decompose the dropped bits, one
///    booleanity constraint per bit, plus one recomposition check: bits + 1 constraints;
///  - ReLU: decompose the value to find its sign (bits + 1 as above) and select x or 0 with one
///    product: bits + 2 constraints, "about the bit width";
///  - polynomial of degree d by Horner's rule: d products, each one constraint and one PLONK gate
///    (acc * x + c fits one gate), then one rescale.
/// In PLONK every bit costs two gates (booleanity and accumulation into the recomposed value).
struct CircuitConstants {
    int fixedPointBits = 16;  ///< width of the fixed-point values (modelling choice)
    int r1csPerMultiplyAdd = 1;
    int plonkGatesPerMultiplyAdd = 2;
    int plonkGatesPerBit = 2;
    int rescaleExtraConstraints = 1;     ///< the recomposition check after the bits
    int reluExtraConstraints = 2;        ///< recomposition and the select product
    int hornerConstraintsPerDegree = 1;  ///< one product (one gate) per Horner step
    bool publicInputsAndOutputs = true;  ///< the model's inputs and outputs are public inputs
};

/// A circuit's size: R1CS constraints or PLONK gates, and its public inputs.
struct CircuitSize {
    std::int64_t size = 0;
    std::int64_t publicInputs = 0;
};

/// R1CS constraints of the model's inference (Groth16; the STARK's R1CS equivalent).
core::Result<CircuitSize> r1csConstraints(const ModelOperations& operations,
                                          const CircuitConstants& constants = {});
/// PLONK gates (additions included) of the model's inference.
core::Result<CircuitSize> plonkGates(const ModelOperations& operations,
                                     const CircuitConstants& constants = {});

/// Groth16 (Groth, "On the Size of Pairing-based Non-interactive Arguments", Eurocrypt 2016).
/// Proof: 2 G1 + 1 G2 elements, whatever the circuit. Verifier: 3 pairings and a multi-scalar
/// multiplication over the public inputs. Prover: multi-scalar multiplications (3n + m G1 and n
/// G2 exponentiations for n constraints and m variables) and FFTs.
struct Groth16Constants {
    PairingCurve curve = PairingCurve::Bn254;
    bool compressed = true;
    /// Derived: PLONK's measured 22.83 s for 2^20 gates (Gabizon, Williamson and Ciobotaru,
    /// benchmark figure, Barretenberg, BN254) times 7/9, the ratio of Groth16's to PLONK's
    /// G1-equivalent exponentiations per constraint in the PLONK paper's prover table (Groth16
    /// 3n + m G1 and n G2 at 3 G1 each, with m = n: 7n; PLONK 9n).
    double proverSecondsPerConstraint = 22.83 / 1048576.0 * 7.0 / 9.0;
    /// Coefficient of n log2(n) (the FFTs); 0: the measurement it is derived from grows
    /// linearly (see PlonkConstants).
    double proverSecondsPerConstraintLog = 0.0;
    int verifierPairings = 3;
    /// Derived: PLONK's measured 1.3 ms verifier is 2 pairings and 18 G1 exponentiations; with
    /// an exponentiation assumed to cost a tenth of a pairing, a pairing costs 1.3 ms / 3.8.
    double pairingSeconds = 1.3e-3 / 3.8;
    /// A tenth of a pairing (the assumption above).
    double g1ExponentiationSeconds = 1.3e-3 / 3.8 / 10.0;
};

/// PLONK (Gabizon, Williamson and Ciobotaru, "PLONK: Permutations over Lagrange-bases for
/// Oecumenical Noninteractive arguments of Knowledge", IACR ePrint 2019/953), the "fast prover"
/// variant the paper benchmarks, on BN254 with the Barretenberg library.
struct PlonkConstants {
    PairingCurve curve = PairingCurve::Bn254;
    bool compressed = true;
    int g1Elements = 9;     ///< proof: 9 G1 elements (paper's prover table, fast prover)
    int fieldElements = 6;  ///< and 6 field elements (7 in versions before July 2021)
    /// Measured: 22.83 s to prove 2^20 gates (paper's benchmark figure; Surface Pro 6, Intel
    /// Core i7-8650U, 4 cores / 8 threads, 16 GB). Through the largest point, a line meets
    /// the figure's other points from 2^13 to 2^19 gates within 11% (all but 2^15 within 7%),
    /// so the default has no n log n term.
    double proverSecondsPerGate = 22.83 / 1048576.0;
    double proverSecondsPerGateLog = 0.0;  ///< coefficient of n log2(n)
    /// Measured: 1.2 to 1.4 ms at every size from 2^13 to 2^20 gates (same figure).
    double verifierSeconds = 1.3e-3;
    double verifierSecondsPerPublicInput = 0.0;
};

/// A STARK, calibrated to the Winterfell prover's published benchmark (Rescue hash chains,
/// 128-bit security, "Intel Core i9-9980KH @ 2.4 GHz", 8 cores, 32 GB; README "Performance"),
/// whose table gives each computation's size in R1CS-equivalent constraints, a rough estimate
/// by the README's own account (about 120 constraints per Rescue hash in the June 2021 table
/// used here). Proof size grows with log2(n)^2 (FRI: about log n layers, each queried with
/// Merkle paths of about log n hashes), the prover with n log2 n, the verifier
/// polylogarithmically.
struct StarkConstants {
    /// The STARK's size in the table's units per R1CS constraint of the model (modelling
    /// choice, no source): 1 takes a model's constraint to cost what a hash chain's
    /// R1CS-equivalent constraint costs, which flatters the STARK if multiply-adds arithmetise
    /// less compactly than Rescue rounds do.
    double sizeMultiplier = 1.0;
    /// Fitted exactly through the table's end points, 2^17 constraints: 102 KB and 2^27:
    /// 252 KB (KB = 1024 bytes): bytes = base + perLogSquared * log2(n)^2.
    double proofBytesBase = 1024.0 * (102.0 - 289.0 * 150.0 / 440.0);
    double proofBytesPerLogSquared = 1024.0 * 150.0 / 440.0;
    /// Through the largest point: 89 s for 2^27 R1CS-equivalent constraints.
    double proverSecondsPerConstraintLog = 89.0 / (134217728.0 * 27.0);
    /// The README gives 2 to 6 ms on one core for every size; 6 ms at 2^27.
    double verifierSecondsPerLogSquared = 6e-3 / (27.0 * 27.0);
};

/// What one proof costs.
struct ProofCost {
    ProofSystem system = ProofSystem::Groth16;
    std::int64_t circuitSize = 0;  ///< constraints (Groth16, STARK) or gates (PLONK)
    std::int64_t publicInputs = 0;
    double proverSeconds = 0;
    double verifierSeconds = 0;
    double proofBytes = 0;
};

/// Groth16 for `constraints` R1CS constraints and `publicInputs` public inputs.
core::Result<ProofCost> groth16Cost(std::int64_t constraints, std::int64_t publicInputs,
                                    const Groth16Constants& constants = {});
/// PLONK for `gates` gates.
core::Result<ProofCost> plonkCost(std::int64_t gates, std::int64_t publicInputs,
                                  const PlonkConstants& constants = {});
/// The STARK for `constraints` R1CS-equivalent constraints (before sizeMultiplier).
core::Result<ProofCost> starkCost(std::int64_t constraints, const StarkConstants& constants = {});

/// All the constants of the ZKP models, for scenario overrides.
struct ZkpConstants {
    CircuitConstants circuit;
    Groth16Constants groth16;
    PlonkConstants plonk;
    StarkConstants stark;
};

/// The proof of a model's inference in `system`: the circuit from the model's operations, then
/// the proof's cost.
core::Result<ProofCost> modelProofCost(ProofSystem system, const ModelOperations& operations,
                                       const ZkpConstants& constants = {});

}  // namespace dais::crypto
