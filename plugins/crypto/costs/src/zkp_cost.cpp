#include "dais/crypto/zkp_cost.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace dais::crypto {

namespace {

using core::Error;

constexpr std::int64_t kMaxCircuit = std::int64_t{1} << 50;

bool finiteNonNegative(double x) {
    return std::isfinite(x) && x >= 0.0;
}

core::Result<void> checkSize(std::int64_t size, std::int64_t publicInputs, const char* unit) {
    if (size < 1)
        return Error{std::string("a circuit needs at least one ") + unit + ", got " +
                     std::to_string(size)};
    if (size > kMaxCircuit)
        return Error{std::string("a circuit of more than 2^50 ") + unit + "s is out of range"};
    if (publicInputs < 0)
        return Error{"the number of public inputs is negative (" + std::to_string(publicInputs) +
                     ")"};
    if (publicInputs > kMaxCircuit) return Error{"the number of public inputs is out of range"};
    return {};
}

core::Result<void> checkConstant(double value, const char* name) {
    if (!finiteNonNegative(value))
        return Error{std::string(name) + " must be finite and >= 0, got " + std::to_string(value)};
    return {};
}

// What each operation costs, in constraints (R1CS) or gates (PLONK).
struct Encoding {
    std::int64_t perMultiplyAdd = 0;
    std::int64_t perBit = 0;
    std::int64_t perHornerStep = 0;
    std::int64_t rescaleExtra = 0;
    std::int64_t reluExtra = 0;
};

core::Result<CircuitSize> countCircuit(const ModelOperations& ops, const CircuitConstants& c,
                                       const Encoding& e) {
    if (auto valid = validate(ops); !valid) return valid.error();
    if (c.fixedPointBits < 1 || c.fixedPointBits > 253)
        return Error{
            "the fixed-point width must be 1 to 253 bits (it has to fit the scalar "
            "field), got " +
            std::to_string(c.fixedPointBits)};
    if (e.perMultiplyAdd < 1 || e.perBit < 1 || e.perHornerStep < 1)
        return Error{
            "a multiply-add, a bit and a Horner step must cost at least one "
            "constraint or gate each"};
    if (e.rescaleExtra < 0 || e.reluExtra < 0)
        return Error{"the extra constraints of a rescale or a ReLU cannot be negative"};
    const long double bits = c.fixedPointBits;
    const long double rescale = bits * e.perBit + e.rescaleExtra;
    const long double relu = bits * e.perBit + e.reluExtra;
    const long double poly = static_cast<long double>(ops.polynomialDegree) * e.perHornerStep;
    const long double total = static_cast<long double>(ops.multiplyAdds) * e.perMultiplyAdd +
                              static_cast<long double>(ops.rescales) * rescale +
                              static_cast<long double>(ops.reluActivations) * relu +
                              static_cast<long double>(ops.polynomialActivations) * poly;
    if (total > static_cast<long double>(kMaxCircuit))
        return Error{"the model's circuit has more than 2^50 constraints"};
    CircuitSize size;
    size.size = static_cast<std::int64_t>(total);
    size.publicInputs = c.publicInputsAndOutputs ? ops.inputs + ops.outputs : 0;
    return size;
}

double log2Of(std::int64_t n) {
    return std::log2(static_cast<double>(n < 2 ? 2 : n));
}

}  // namespace

std::string_view proofSystemName(ProofSystem system) {
    switch (system) {
        case ProofSystem::Groth16:
            return "groth16";
        case ProofSystem::Plonk:
            return "plonk";
        case ProofSystem::Stark:
            return "stark";
    }
    return "unknown";
}

CurveSizes curveSizes(PairingCurve curve) {
    // Compressed points store x and a sign bit; G2 coordinates live in the quadratic extension
    // (two base-field elements). BN254's base field has 254 bits (32 bytes), BLS12-381's 381
    // bits (48 bytes); both scalar fields fit 32 bytes.
    if (curve == PairingCurve::Bls12_381) return {48, 96, 96, 192, 32};
    return {32, 64, 64, 128, 32};
}

core::Result<CircuitSize> r1csConstraints(const ModelOperations& ops, const CircuitConstants& c) {
    if (c.r1csPerMultiplyAdd < 1)
        return Error{"a multiply-add costs at least one R1CS constraint, got " +
                     std::to_string(c.r1csPerMultiplyAdd)};
    Encoding e;
    e.perMultiplyAdd = c.r1csPerMultiplyAdd;
    e.perBit = 1;
    e.perHornerStep = c.hornerConstraintsPerDegree;
    e.rescaleExtra = c.rescaleExtraConstraints;
    e.reluExtra = c.reluExtraConstraints;
    return countCircuit(ops, c, e);
}

core::Result<CircuitSize> plonkGates(const ModelOperations& ops, const CircuitConstants& c) {
    if (c.plonkGatesPerMultiplyAdd < 1 || c.plonkGatesPerBit < 1)
        return Error{"a multiply-add and a bit cost at least one PLONK gate each"};
    Encoding e;
    e.perMultiplyAdd = c.plonkGatesPerMultiplyAdd;
    e.perBit = c.plonkGatesPerBit;
    e.perHornerStep = c.hornerConstraintsPerDegree;
    e.rescaleExtra = c.rescaleExtraConstraints;
    e.reluExtra = c.reluExtraConstraints;
    return countCircuit(ops, c, e);
}

core::Result<ProofCost> groth16Cost(std::int64_t constraints, std::int64_t publicInputs,
                                    const Groth16Constants& c) {
    if (auto ok = checkSize(constraints, publicInputs, "constraint"); !ok) return ok.error();
    for (auto [value, name] :
         {std::pair{c.proverSecondsPerConstraint, "Groth16 prover seconds per constraint"},
          std::pair{c.proverSecondsPerConstraintLog, "Groth16 prover n log n coefficient"},
          std::pair{c.pairingSeconds, "Groth16 pairing seconds"},
          std::pair{c.g1ExponentiationSeconds, "Groth16 G1 exponentiation seconds"}})
        if (auto ok = checkConstant(value, name); !ok) return ok.error();
    if (c.verifierPairings < 1)
        return Error{"the Groth16 verifier computes at least one pairing, got " +
                     std::to_string(c.verifierPairings)};
    const auto n = static_cast<double>(constraints);
    const CurveSizes sizes = curveSizes(c.curve);
    ProofCost cost;
    cost.system = ProofSystem::Groth16;
    cost.circuitSize = constraints;
    cost.publicInputs = publicInputs;
    cost.proverSeconds = c.proverSecondsPerConstraint * n +
                         c.proverSecondsPerConstraintLog * n * log2Of(constraints);
    cost.verifierSeconds = c.verifierPairings * c.pairingSeconds +
                           static_cast<double>(publicInputs) * c.g1ExponentiationSeconds;
    cost.proofBytes = c.compressed ? 2.0 * sizes.g1Compressed + sizes.g2Compressed
                                   : 2.0 * sizes.g1Uncompressed + sizes.g2Uncompressed;
    return cost;
}

core::Result<ProofCost> plonkCost(std::int64_t gates, std::int64_t publicInputs,
                                  const PlonkConstants& c) {
    if (auto ok = checkSize(gates, publicInputs, "gate"); !ok) return ok.error();
    for (auto [value, name] :
         {std::pair{c.proverSecondsPerGate, "PLONK prover seconds per gate"},
          std::pair{c.proverSecondsPerGateLog, "PLONK prover n log n coefficient"},
          std::pair{c.verifierSeconds, "PLONK verifier seconds"},
          std::pair{c.verifierSecondsPerPublicInput, "PLONK verifier seconds per public input"}})
        if (auto ok = checkConstant(value, name); !ok) return ok.error();
    if (c.g1Elements < 0 || c.fieldElements < 0 || c.g1Elements + c.fieldElements < 1)
        return Error{
            "a PLONK proof holds a non-negative number of G1 and field elements, at "
            "least one in all"};
    const auto n = static_cast<double>(gates);
    const CurveSizes sizes = curveSizes(c.curve);
    ProofCost cost;
    cost.system = ProofSystem::Plonk;
    cost.circuitSize = gates;
    cost.publicInputs = publicInputs;
    cost.proverSeconds = c.proverSecondsPerGate * n + c.proverSecondsPerGateLog * n * log2Of(gates);
    cost.verifierSeconds =
        c.verifierSeconds + static_cast<double>(publicInputs) * c.verifierSecondsPerPublicInput;
    cost.proofBytes = static_cast<double>(c.g1Elements) *
                          (c.compressed ? sizes.g1Compressed : sizes.g1Uncompressed) +
                      static_cast<double>(c.fieldElements) * sizes.scalar;
    return cost;
}

core::Result<ProofCost> starkCost(std::int64_t constraints, const StarkConstants& c) {
    if (auto ok = checkSize(constraints, 0, "constraint"); !ok) return ok.error();
    if (!std::isfinite(c.sizeMultiplier) || c.sizeMultiplier <= 0 || c.sizeMultiplier > 1e6)
        return Error{"the STARK size multiplier must be in (0, 10^6], got " +
                     std::to_string(c.sizeMultiplier)};
    for (auto [value, name] :
         {std::pair{c.proofBytesBase, "STARK proof bytes (base)"},
          std::pair{c.proofBytesPerLogSquared, "STARK proof bytes per log^2"},
          std::pair{c.proverSecondsPerConstraintLog, "STARK prover n log n coefficient"},
          std::pair{c.verifierSecondsPerLogSquared, "STARK verifier seconds per log^2"}})
        if (auto ok = checkConstant(value, name); !ok) return ok.error();
    const double size = std::max(2.0, static_cast<double>(constraints) * c.sizeMultiplier);
    const double logN = std::log2(size);
    ProofCost cost;
    cost.system = ProofSystem::Stark;
    cost.circuitSize = constraints;
    cost.proverSeconds = c.proverSecondsPerConstraintLog * size * logN;
    cost.verifierSeconds = c.verifierSecondsPerLogSquared * logN * logN;
    cost.proofBytes = c.proofBytesBase + c.proofBytesPerLogSquared * logN * logN;
    return cost;
}

core::Result<ProofCost> modelProofCost(ProofSystem system, const ModelOperations& ops,
                                       const ZkpConstants& c) {
    switch (system) {
        case ProofSystem::Groth16: {
            auto circuit = r1csConstraints(ops, c.circuit);
            if (!circuit) return circuit.error();
            return groth16Cost(circuit->size, circuit->publicInputs, c.groth16);
        }
        case ProofSystem::Plonk: {
            auto circuit = plonkGates(ops, c.circuit);
            if (!circuit) return circuit.error();
            return plonkCost(circuit->size, circuit->publicInputs, c.plonk);
        }
        case ProofSystem::Stark: {
            auto circuit = r1csConstraints(ops, c.circuit);
            if (!circuit) return circuit.error();
            auto cost = starkCost(circuit->size, c.stark);
            if (cost) cost->publicInputs = circuit->publicInputs;
            return cost;
        }
    }
    return Error{"unknown proof system"};
}

}  // namespace dais::crypto
