// The privacy layer's cost models (plugins/crypto/costs) against their cited calibration
// points and against values worked out by hand in this file:
//  - model operations of a dense network, counted by hand;
//  - ZKP circuits by hand; Groth16 and PLONK proofs constant in size, the STARK's growing;
//    PLONK's benchmark figure (Gabizon, Williamson and Ciobotaru), Winterfell's STARK table and
//    the Groth16 figures derived from PLONK's reproduced; provers monotone and near-linear;
//  - the HomomorphicEncryption.org limits: each N at its limit accepted, one bit more refused
//    with a message naming the limit and the standard; ciphertext sizes; CKKS depth; slots;
//    OpenFHE's NTT and polynomial benchmarks reproduced; key switching quadratic in the primes;
//    Bossuat et al.'s bootstrapping time; an inference deeper than the chain refused or
//    bootstrapped; BFV's noise budget; aggregation's expansion by hand;
//  - SMPC: bytes and rounds per multiplication for n = 2, 3 and 10 by hand, MASCOT's
//    calibration reproduced, a training plan counted by hand;
//  - bad inputs refused with a message, never a crash.
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dais/crypto/fhe_cost.h"
#include "dais/crypto/fhe_parameters.h"
#include "dais/crypto/fhe_security.h"
#include "dais/crypto/fhe_workloads.h"
#include "dais/crypto/model_operations.h"
#include "dais/crypto/smpc_cost.h"
#include "dais/crypto/zkp_cost.h"

using namespace dais::crypto;

namespace {

bool near(double actual, double expected, double relative) {
    return std::abs(actual - expected) <= relative * std::abs(expected);
}

#define EXPECT_NEAR(actual, expected, relative)                    \
    QVERIFY2(near((actual), (expected), (relative)),               \
             qPrintable(QString("%1 = %2, expected %3 within %4%") \
                            .arg(#actual)                          \
                            .arg((actual), 0, 'g', 10)             \
                            .arg((expected), 0, 'g', 10)           \
                            .arg(100.0 * (relative))))

#define EXPECT_ERROR(result, fragment)                                                        \
    do {                                                                                      \
        const auto& r_ = (result);                                                            \
        QVERIFY2(!r_.ok(), "expected an error");                                              \
        QVERIFY2(r_.error().message.find(fragment) != std::string::npos,                      \
                 qPrintable(QString("message \"%1\" lacks \"%2\"")                            \
                                .arg(QString::fromStdString(r_.error().message), fragment))); \
    } while (false)

template <class T>
const T& ok(const dais::core::Result<T>& r) {
    if (!r.ok()) qFatal("unexpected error: %s", r.error().message.c_str());
    return r.value();
}

void ok(const dais::core::Result<void>& r) {
    if (!r.ok()) qFatal("unexpected error: %s", r.error().message.c_str());
}

// A chain of primes (at most 60 bits each, at least two primes, none below 2 bits) whose bits
// sum to `total`.
std::vector<int> chainOf(int total) {
    if (total <= 60) return {total - total / 2, total / 2};
    std::vector<int> chain;
    int left = total;
    while (left > 60) {
        chain.push_back(60);
        left -= 60;
    }
    if (left == 1) {
        chain.back() = 59;
        left = 2;
    }
    chain.push_back(left);
    return chain;
}

FheParameters ckks(std::uint32_t n, std::vector<int> chain, int special = 1, int scale = 40) {
    FheParameters p;
    p.scheme = FheScheme::Ckks;
    p.ringDimension = n;
    p.modulusBits = std::move(chain);
    p.specialPrimes = special;
    p.scaleBits = scale;
    return p;
}

FheParameters bfv(std::uint32_t n, std::vector<int> chain, std::uint64_t t) {
    FheParameters p;
    p.scheme = FheScheme::Bfv;
    p.ringDimension = n;
    p.modulusBits = std::move(chain);
    p.specialPrimes = 1;
    p.plaintextModulus = t;
    return p;
}

// {60, 40 x count, 60}
std::vector<int> chain40(int count) {
    std::vector<int> chain{60};
    for (int i = 0; i < count; ++i)
        chain.push_back(40);
    chain.push_back(60);
    return chain;
}

double rowSum(const std::vector<double>& row) {
    double s = 0;
    for (double b : row)
        s += b;
    return s;
}

}  // namespace

class TestCryptoCosts : public QObject {
    Q_OBJECT

  private slots:
    // ---------------------------------------------------------------- model operations
    void denseNetworkCounts() {
        const ModelOperations mlp = ok(denseNetwork({784, 128, 10}, Activation::Polynomial, 2));
        QCOMPARE(mlp.multiplyAdds, std::int64_t{784 * 128 + 128 * 10});  // 101,632
        QCOMPARE(mlp.parameters, std::int64_t{785 * 128 + 129 * 10});    // 101,770
        QCOMPARE(mlp.rescales, std::int64_t{138});
        QCOMPARE(mlp.polynomialActivations, std::int64_t{128});  // hidden layer only
        QCOMPARE(mlp.polynomialDegree, 2);
        QCOMPARE(mlp.reluActivations, std::int64_t{0});
        QCOMPARE(mlp.inputs, std::int64_t{784});
        QCOMPARE(mlp.outputs, std::int64_t{10});
        QCOMPARE(mlp.layers.size(), std::size_t{2});
        QVERIFY(mlp.layers[1].activation == Activation::None);

        const ModelOperations relu = ok(denseNetwork({784, 128, 10}, Activation::Relu));
        QCOMPARE(relu.reluActivations, std::int64_t{128});

        const ModelOperations linear = ok(linearRegression(30));
        QCOMPARE(linear.multiplyAdds, std::int64_t{30});
        QCOMPARE(linear.parameters, std::int64_t{31});
        QCOMPARE(linear.outputs, std::int64_t{1});
        const ModelOperations logistic = ok(logisticRegression(30, 3));
        QCOMPARE(logistic.polynomialActivations, std::int64_t{1});
        QCOMPARE(logistic.polynomialDegree, 3);
        ok(validate(logistic));
    }

    void modelBadInputs() {
        EXPECT_ERROR(denseNetwork({784}, Activation::None), "at least two widths");
        EXPECT_ERROR(denseNetwork({784, 0, 10}, Activation::None), "at least 1");
        EXPECT_ERROR(denseNetwork({784, -5, 10}, Activation::None), "at least 1");
        EXPECT_ERROR(denseNetwork({784, 128, 10}, Activation::Polynomial, 0), "degree");
        EXPECT_ERROR(denseNetwork({784, 128, 10}, Activation::Relu, 3), "only applies");
        EXPECT_ERROR(denseNetwork({std::int64_t{1} << 40, std::int64_t{1} << 40}, Activation::None),
                     "too large");
        EXPECT_ERROR(linearRegression(0), "at least one feature");
        EXPECT_ERROR(logisticRegression(10, 0), "degree");
        EXPECT_ERROR(fromLayers({{10, 5}, {6, 2}}), "takes 6 inputs");
        EXPECT_ERROR(fromLayers({}), "at least one layer");
        EXPECT_ERROR(
            fromLayers({{10, 5, Activation::Polynomial, 2}, {5, 2, Activation::Polynomial, 3}}),
            "one degree");
        ModelOperations bad;
        bad.inputs = 4;
        bad.outputs = 1;
        bad.multiplyAdds = -1;
        EXPECT_ERROR(validate(bad), "negative");
        ModelOperations mismatched = ok(linearRegression(4));
        mismatched.multiplyAdds = 5;
        EXPECT_ERROR(validate(mismatched), "do not match");
    }

    // ---------------------------------------------------------------- ZKP
    void circuitSizesByHand() {
        const ModelOperations relu = ok(denseNetwork({784, 128, 10}, Activation::Relu));
        // R1CS: a constraint per multiply-add, 16 + 1 per rescale, 16 + 2 per ReLU.
        const CircuitSize r1cs = ok(r1csConstraints(relu));
        QCOMPARE(r1cs.size, std::int64_t{101632 + 138 * 17 + 128 * 18});  // 106,282
        QCOMPARE(r1cs.publicInputs, std::int64_t{794});
        // PLONK: two gates per multiply-add, two per bit.
        const CircuitSize plonk = ok(plonkGates(relu));
        QCOMPARE(plonk.size, std::int64_t{2 * 101632 + 138 * 33 + 128 * 34});  // 212,170
        // Logistic regression, degree-3 sigmoid: 100 + one rescale (17) + 3 Horner steps.
        QCOMPARE(ok(r1csConstraints(ok(logisticRegression(100, 3)))).size, std::int64_t{120});
        // Every per-operation count can be overridden: a width-4 PLONK gate doing a
        // multiply-add in one.
        CircuitConstants width4;
        width4.plonkGatesPerMultiplyAdd = 1;
        QCOMPARE(ok(plonkGates(relu, width4)).size, std::int64_t{101632 + 138 * 33 + 128 * 34});
        width4.hornerConstraintsPerDegree = 0;
        EXPECT_ERROR(plonkGates(relu, width4), "Horner");
        CircuitConstants wide;
        wide.fixedPointBits = 32;
        wide.publicInputsAndOutputs = false;
        const CircuitSize r1cs32 = ok(r1csConstraints(relu, wide));
        QCOMPARE(r1cs32.size, std::int64_t{101632 + 138 * 33 + 128 * 34});
        QCOMPARE(r1cs32.publicInputs, std::int64_t{0});
    }

    void pairingProofsConstantSize() {
        for (std::int64_t n :
             {std::int64_t{1} << 10, std::int64_t{1} << 20, std::int64_t{1} << 30}) {
            QCOMPARE(ok(groth16Cost(n, 10)).proofBytes, 128.0);  // BN254: 2 x 32 + 64
            QCOMPARE(ok(plonkCost(n, 10)).proofBytes, 480.0);    // 9 x 32 + 6 x 32
        }
        Groth16Constants g;
        g.compressed = false;
        QCOMPARE(ok(groth16Cost(1000, 1, g)).proofBytes, 256.0);  // 2 x 64 + 128
        g.curve = PairingCurve::Bls12_381;
        QCOMPARE(ok(groth16Cost(1000, 1, g)).proofBytes, 384.0);  // 2 x 96 + 192
        g.compressed = true;
        QCOMPARE(ok(groth16Cost(1000, 1, g)).proofBytes, 192.0);  // 2 x 48 + 96
        PlonkConstants p;
        p.compressed = false;
        QCOMPARE(ok(plonkCost(1000, 1, p)).proofBytes, 9.0 * 64 + 6.0 * 32);
    }

    void plonkBenchmarkFigure() {
        // Gabizon, Williamson and Ciobotaru, ePrint 2019/953, benchmark figure (BN254,
        // Barretenberg, Intel Core i7-8650U): proof construction time per circuit size.
        const std::pair<int, double> prover[] = {{13, 0.19}, {14, 0.38}, {15, 0.80},  {16, 1.49},
                                                 {17, 2.89}, {18, 5.55}, {19, 11.77}, {20, 22.83}};
        for (auto [logN, seconds] : prover) {
            const ProofCost c = ok(plonkCost(std::int64_t{1} << logN, 1));
            EXPECT_NEAR(c.proverSeconds, seconds, logN == 20 ? 1e-9 : 0.11);
            // Verification: 1.2 to 1.4 ms at every size.
            QVERIFY(c.verifierSeconds >= 1.2e-3 && c.verifierSeconds <= 1.4e-3);
            QCOMPARE(c.proofBytes, 480.0);
        }
    }

    void groth16DerivedFromPlonk() {
        const Groth16Constants g;
        const PlonkConstants p;
        // 7 G1-equivalent exponentiations per Groth16 constraint against 9 per PLONK gate.
        EXPECT_NEAR(g.proverSecondsPerConstraint, p.proverSecondsPerGate * 7.0 / 9.0, 1e-12);
        EXPECT_NEAR(ok(groth16Cost(std::int64_t{1} << 20, 0)).proverSeconds, 22.83 * 7.0 / 9.0,
                    1e-9);
        // The pairing and exponentiation times rebuild PLONK's verifier: 2 P + 18 E = 1.3 ms.
        EXPECT_NEAR(2 * g.pairingSeconds + 18 * g.g1ExponentiationSeconds, 1.3e-3, 1e-9);
        // Groth16's verifier: 3 pairings plus one exponentiation per public input.
        const double three = ok(groth16Cost(1000, 0)).verifierSeconds;
        EXPECT_NEAR(three, 3 * g.pairingSeconds, 1e-12);
        EXPECT_NEAR(ok(groth16Cost(1000, 100)).verifierSeconds - three,
                    100 * g.g1ExponentiationSeconds, 1e-9);
    }

    void starkWinterfellTable() {
        // Winterfell README, Rescue hash chains at 128-bit security ("Intel Core i9-9980KH",
        // 8 cores): R1CS-equivalent constraints, proving time, proof size (KB = 1024 bytes).
        struct Point {
            int logN;
            double seconds, kilobytes;
        };
        const Point table[] = {{17, 0.07, 102}, {19, 0.25, 128}, {21, 1.0, 156},
                               {23, 4.0, 184},  {25, 18.0, 216}, {27, 89.0, 252}};
        double previousBytes = 0;
        for (const Point& pt : table) {
            const ProofCost c = ok(starkCost(std::int64_t{1} << pt.logN));
            EXPECT_NEAR(c.proofBytes, pt.kilobytes * 1024.0,
                        pt.logN == 17 || pt.logN == 27 ? 1e-9 : 0.03);
            EXPECT_NEAR(c.proverSeconds, pt.seconds, pt.logN == 27 ? 1e-9 : 0.25);
            // "between 2 ms and 6 ms using a single CPU core"
            QVERIFY(c.verifierSeconds >= 2e-3 && c.verifierSeconds <= 6e-3 + 1e-12);
            QVERIFY(c.proofBytes > previousBytes);  // grows with the circuit
            previousBytes = c.proofBytes;
        }
        // The size multiplier stands for a less compact arithmetisation: 2^20 constraints at 4
        // cost what 2^22 cost at 1.
        StarkConstants four;
        four.sizeMultiplier = 4;
        const ProofCost scaled = ok(starkCost(std::int64_t{1} << 20, four));
        const ProofCost direct = ok(starkCost(std::int64_t{1} << 22));
        EXPECT_NEAR(scaled.proverSeconds, direct.proverSeconds, 1e-12);
        EXPECT_NEAR(scaled.proofBytes, direct.proofBytes, 1e-12);
        QCOMPARE(scaled.circuitSize, std::int64_t{1} << 20);
        four.sizeMultiplier = 0;
        EXPECT_ERROR(starkCost(100, four), "size multiplier");
        // log^2 growth: doubling log2(n) from 15 to 30 multiplies the log-dependent part by 4.
        const StarkConstants s;
        const double small = ok(starkCost(std::int64_t{1} << 15)).proofBytes - s.proofBytesBase;
        const double large = ok(starkCost(std::int64_t{1} << 30)).proofBytes - s.proofBytesBase;
        EXPECT_NEAR(large / small, 4.0, 1e-12);
    }

    void proversMonotoneAndNearLinear() {
        for (int logN = 10; logN < 40; ++logN) {
            const std::int64_t n = std::int64_t{1} << logN;
            const double g1 = ok(groth16Cost(n, 0)).proverSeconds;
            const double g2 = ok(groth16Cost(2 * n, 0)).proverSeconds;
            const double p1 = ok(plonkCost(n, 0)).proverSeconds;
            const double p2 = ok(plonkCost(2 * n, 0)).proverSeconds;
            const double s1 = ok(starkCost(n)).proverSeconds;
            const double s2 = ok(starkCost(2 * n)).proverSeconds;
            EXPECT_NEAR(g2 / g1, 2.0, 1e-9);
            EXPECT_NEAR(p2 / p1, 2.0, 1e-9);
            // n log n: doubling n multiplies the time by 2 (1 + 1/log2 n).
            EXPECT_NEAR(s2 / s1, 2.0 * (logN + 1.0) / logN, 1e-9);
            QVERIFY(s2 / s1 <= 2.2 + 1e-9);
        }
        // Monotone with the n log n term switched on, too.
        Groth16Constants g;
        g.proverSecondsPerConstraintLog = 1e-7;
        double previous = 0;
        for (std::int64_t n = 1; n < (std::int64_t{1} << 30); n = n * 3 + 1) {
            const double t = ok(groth16Cost(n, 0, g)).proverSeconds;
            QVERIFY(t > previous);
            previous = t;
        }
    }

    void modelProofs() {
        const ModelOperations mlp = ok(denseNetwork({784, 128, 10}, Activation::Relu));
        const ProofCost groth = ok(modelProofCost(ProofSystem::Groth16, mlp));
        QCOMPARE(groth.circuitSize, std::int64_t{106282});
        EXPECT_NEAR(groth.proverSeconds, 106282 * Groth16Constants{}.proverSecondsPerConstraint,
                    1e-12);
        const ProofCost plonk = ok(modelProofCost(ProofSystem::Plonk, mlp));
        QCOMPARE(plonk.circuitSize, std::int64_t{212170});
        const ProofCost stark = ok(modelProofCost(ProofSystem::Stark, mlp));
        QCOMPARE(stark.circuitSize, std::int64_t{106282});
        QCOMPARE(stark.publicInputs, std::int64_t{794});
        QVERIFY(stark.proofBytes > 1000 * plonk.proofBytes / 10);
        QVERIFY(proofSystemName(ProofSystem::Stark) == "stark");
    }

    void zkpBadInputs() {
        EXPECT_ERROR(groth16Cost(0, 0), "at least one constraint");
        EXPECT_ERROR(groth16Cost(100, -1), "negative");
        EXPECT_ERROR(plonkCost(-5, 0), "at least one gate");
        EXPECT_ERROR(starkCost(std::int64_t{1} << 55), "2^50");
        Groth16Constants g;
        g.pairingSeconds = std::nan("");
        EXPECT_ERROR(groth16Cost(100, 1, g), "finite");
        g = {};
        g.verifierPairings = 0;
        EXPECT_ERROR(groth16Cost(100, 1, g), "pairing");
        PlonkConstants p;
        p.proverSecondsPerGate = -1;
        EXPECT_ERROR(plonkCost(100, 1, p), ">= 0");
        StarkConstants s;
        s.proofBytesBase = INFINITY;
        EXPECT_ERROR(starkCost(100, s), "finite");
        ZkpConstants z;
        z.circuit.fixedPointBits = 0;
        const ModelOperations mlp = ok(denseNetwork({8, 4, 2}, Activation::Relu));
        EXPECT_ERROR(modelProofCost(ProofSystem::Groth16, mlp, z), "fixed-point");
        z.circuit.fixedPointBits = 300;
        EXPECT_ERROR(modelProofCost(ProofSystem::Plonk, mlp, z), "fixed-point");
        ModelOperations bad;
        EXPECT_ERROR(modelProofCost(ProofSystem::Stark, bad), "at least one input");
    }

    // ---------------------------------------------------------------- FHE security
    void securityTableLimits() {
        struct Row {
            std::uint32_t n;
            int b128, b192, b256;
        };
        const Row rows[] = {{1024, 27, 19, 14},      {2048, 54, 37, 29},     {4096, 109, 75, 58},
                            {8192, 218, 152, 118},   {16384, 438, 305, 237}, {32768, 881, 611, 476},
                            {65536, 1772, 1228, 956}};
        for (const Row& row : rows) {
            const std::pair<HeSecurityLevel, int> levels[] = {
                {HeSecurityLevel::Classical128, row.b128},
                {HeSecurityLevel::Classical192, row.b192},
                {HeSecurityLevel::Classical256, row.b256}};
            for (auto [level, limit] : levels) {
                QCOMPARE(ok(maxModulusBits(row.n, level)), limit);
                FheParameters at = ckks(row.n, chainOf(limit), 1, 1);
                QCOMPARE(totalModulusBits(at), limit);
                ok(checkSecurity(at, level));
                FheParameters over = ckks(row.n, chainOf(limit + 1), 1, 1);
                const auto refused = checkSecurity(over, level);
                const std::string expected = "N=" + std::to_string(row.n) + " allows at most " +
                                             std::to_string(limit) + " bits of modulus for " +
                                             std::to_string(static_cast<int>(level)) +
                                             "-bit security (";
                EXPECT_ERROR(refused, expected.c_str());
                EXPECT_ERROR(refused, "HomomorphicEncryption.org standard");
                EXPECT_ERROR(refused, ("this chain has " + std::to_string(limit + 1)).c_str());
                if (row.n == 65536) EXPECT_ERROR(refused, "OpenFHE");
            }
        }
        // The standard's own example of a refusal.
        const auto refused = checkSecurity(ckks(8192, {60, 60, 60, 60}));
        QVERIFY(!refused.ok());
        QCOMPARE(QString::fromStdString(refused.error().message),
                 QString("N=8192 allows at most 218 bits of modulus for 128-bit security "
                         "(HomomorphicEncryption.org standard, 2018); this chain has 240"));
        // The table is the caller's to override.
        HeSecurityTable stricter;
        stricter.rows = {{8192, 200, 150, 100, "a stricter table"}};
        EXPECT_ERROR(checkSecurity(ckks(8192, {60, 40, 40, 40, 38}), HeSecurityLevel::Classical128,
                                   stricter),
                     "a stricter table");
        EXPECT_ERROR(maxModulusBits(4096, HeSecurityLevel::Classical128, stricter), "no row");
    }

    // ---------------------------------------------------------------- FHE sizes and depth
    void ciphertextSizes() {
        // N = 8192 with a 218-bit chain, all of it data: 2 x 8192 x 218 / 8.
        const FheParameters all = ckks(8192, {60, 40, 40, 40, 38}, 0);
        QCOMPARE(ok(ciphertextBytes(all)), 446464.0);
        // With the last prime special, a fresh ciphertext holds 60 + 40 + 40 bits, then drops a
        // prime per level.
        const FheParameters seal = ckks(8192, {60, 40, 40, 60});
        QCOMPARE(ok(ciphertextBytes(seal)), 2.0 * 8192 * 140 / 8);  // 286,720
        QCOMPARE(ok(ciphertextBytes(seal, 2)), 2.0 * 8192 * 100 / 8);
        QCOMPARE(ok(ciphertextBytes(seal, 1)), 2.0 * 8192 * 60 / 8);
        EXPECT_ERROR(ciphertextBytes(seal, 4), "1 to 3 data primes");
        // A key-switching key: one encryption over the whole chain per data prime.
        QCOMPARE(ok(keySwitchingKeyBytes(seal)), 3.0 * 2 * 8192 * 200 / 8);
    }

    void ckksDepthAndSlots() {
        QCOMPARE(ok(ckksDepth(ckks(8192, {60, 40, 40, 60}))), 2);
        QCOMPARE(ok(ckksDepth(ckks(16384, chain40(8)))), 8);
        QCOMPARE(ok(ckksDepth(ckks(8192, {60, 40, 40}, 0))), 2);
        QCOMPARE(ok(ckksDepth(ckks(8192, {60, 60}))), 0);
        EXPECT_ERROR(ckksDepth(bfv(8192, {60, 60, 60}, 65537)), "noise budget");
        QCOMPARE(ok(slotCount(ckks(8192, {60, 40, 60}))), std::int64_t{4096});
        QCOMPARE(ok(slotCount(bfv(8192, {60, 60, 60}, 65537))), std::int64_t{8192});
        QCOMPARE(ok(slotCount(bfv(8192, {60, 60, 60}, 786433))), std::int64_t{8192});
        // 32769 = 2 x 16384 + 1 = 3 x 10923: the right residue, not a prime.
        EXPECT_ERROR(slotCount(bfv(8192, {60, 60, 60}, 32769)), "prime congruent to 1");
        EXPECT_ERROR(slotCount(bfv(8192, {60, 60, 60}, 65536)), "prime congruent to 1");
        QVERIFY(!bfvBatchingSupported(65537, 65536));  // 65537 mod 131072 != 1
        QVERIFY(bfvBatchingSupported(65537, 32768));
    }

    void bfvNoiseBudget() {
        // log2 q = 174 (data primes), log2 t = 16, log2 N = 13.
        const FheParameters p = bfv(8192, {43, 43, 44, 44, 44}, 65537);
        const double logT = std::log2(65537.0);
        EXPECT_NEAR(ok(bfvFreshNoiseBudget(p)), 174 - logT - 6.5 - 7.26, 1e-12);
        EXPECT_NEAR(ok(bfvMultiplyNoiseBits(p)), logT + 13 + 3, 1e-12);
        EXPECT_NEAR(ok(bfvPlainMultiplyNoiseBits(p)), logT + 6.5, 1e-12);
        // floor-ish: the budget stays above 0 after the last multiplication.
        const double fresh = 174 - logT - 6.5 - 7.26, perMultiply = logT + 16;
        QCOMPARE(ok(bfvDepth(p)), static_cast<int>(std::ceil(fresh / perMultiply)) - 1);
        EXPECT_ERROR(bfvFreshNoiseBudget(ckks(8192, {60, 40, 60})), "BFV");
    }

    // ---------------------------------------------------------------- FHE latencies
    void openFheKernelBenchmarks() {
        // OpenFHE benchmark/src/README.md: NTTTransform4096 47.6 us, NTTTransform1024 10.1 us,
        // DCRT_ntt/towers:8 (N = 1024) 77.8 us, DCRT_mul/towers:8 24.7 us, Native_add 0.936 us.
        const FheCostConstants c;
        auto ntt = [&c](double n) { return c.nttSecondsPerNLogN * n * std::log2(n); };
        EXPECT_NEAR(ntt(4096), 47.6e-6, 1e-12);
        EXPECT_NEAR(ntt(1024), 10.1e-6, 0.03);
        EXPECT_NEAR(8 * ntt(1024), 77.8e-6, 0.03);
        EXPECT_NEAR(8 * 1024 * c.productSecondsPerCoefficient, 24.7e-6, 0.06);
        EXPECT_NEAR(1024 * c.additionSecondsPerCoefficient, 0.936e-6, 1e-12);
        // An addition of two fresh ciphertexts with one data prime at N = 1024: 2 residues.
        const FheParameters p = ckks(1024, {20, 7}, 1, 10);
        EXPECT_NEAR(ok(operationSeconds(p, FheOperation::Add)), 2 * 0.936e-6, 1e-9);
    }

    void operationScaling() {
        const FheParameters p = ckks(32768, chain40(16));  // 17 data primes
        auto at = [&p](FheOperation op, int primes) { return ok(operationSeconds(p, op, primes)); };
        // Additions and plaintext products are linear in the primes.
        EXPECT_NEAR(at(FheOperation::Add, 8) / at(FheOperation::Add, 4), 2.0, 1e-12);
        EXPECT_NEAR(at(FheOperation::PlainMultiply, 16) / at(FheOperation::PlainMultiply, 8), 2.0,
                    1e-12);
        // Key switching is quadratic: (l + 1)(l + 2) NTTs, 90 / 30 = 3 from l = 4 to 8.
        const double multiply = at(FheOperation::Multiply, 8) / at(FheOperation::Multiply, 4);
        const double rotate = at(FheOperation::Rotate, 16) / at(FheOperation::Rotate, 8);
        QVERIFY2(multiply > 2.6 && multiply < 3.4, qPrintable(QString::number(multiply)));
        QVERIFY2(rotate > 2.9 && rotate < 3.9, qPrintable(QString::number(rotate)));
        // Rescale is NTT-bound and linear in l.
        const double rescale = at(FheOperation::Rescale, 16) / at(FheOperation::Rescale, 8);
        QVERIFY(rescale > 1.9 && rescale < 2.1);
        // Ordering at a given level: add < plaintext product < rescale < multiply.
        QVERIFY(at(FheOperation::Add, 8) < at(FheOperation::PlainMultiply, 8));
        QVERIFY(at(FheOperation::PlainMultiply, 8) < at(FheOperation::Rescale, 8));
        QVERIFY(at(FheOperation::Rescale, 8) < at(FheOperation::Multiply, 8));
        // N log N per prime: the same chain at twice N costs 2 x 16/15 for an NTT-only step.
        const FheParameters half = ckks(16384, chain40(7));
        const double ntt2 = ok(operationSeconds(p, FheOperation::Decrypt, 4)) /
                            ok(operationSeconds(half, FheOperation::Decrypt, 4));
        QVERIFY(ntt2 > 2.0 && ntt2 < 2.0 * 15.0 / 14.0 + 1e-9);
        // The kernels by hand: relinearising with l = 3: (l + 1)(l + 2) = 20 NTTs.
        const KernelCounts k = ok(operationKernels(FheScheme::Ckks, FheOperation::Multiply, 3));
        QCOMPARE(k.ntts, 20.0);
        QCOMPARE(k.products, 4.0 * 3 + 2.0 * 3 * 4 + 2.0 * 3);
    }

    void bootstrapping() {
        const FheParameters p = ckks(65536, chain40(40));  // 60 + 1600 + 60 = 1720 bits
        ok(checkSecurity(p));
        // Bossuat et al.: 18 s at N = 2^16.
        QCOMPARE(ok(bootstrapSeconds(p)), 18.0);
        // 60 + 11 x 40 = 500 <= 505 bits: 12 primes, 11 levels.
        QCOMPARE(ok(primesAfterBootstrap(p)), 12);
        EXPECT_ERROR(bootstrapSeconds(ckks(32768, chain40(16))), "from N=65536");
        EXPECT_ERROR(bootstrapSeconds(bfv(65536, chain40(40), 65537)), "CKKS only");
        EXPECT_ERROR(primesAfterBootstrap(ckks(65536, chain40(8))), "no room");
        FheCostConstants lower;
        lower.bootstrapMinRingDimension = 32768;
        EXPECT_NEAR(ok(bootstrapSeconds(ckks(32768, chain40(16)), lower)), 18.0 * 15.0 / 32.0,
                    1e-12);
    }

    // ---------------------------------------------------------------- FHE workloads
    void inferenceCountsByHand() {
        // One layer 4 -> 2 and a square activation, N = 8192 (4096 slots), depth 3.
        const ModelOperations m = ok(fromLayers({{4, 2, Activation::Polynomial, 2}}));
        const FheParameters p = ckks(8192, {60, 40, 40, 40, 38});
        const EncryptedInference r = ok(encryptedInference(m, p));
        // Diagonal method, n = 4: 3 rotations, 4 products, 3 + 1 additions, a rescale; then x^2
        // (one product, one rescale), two coefficients (two products, two additions), a rescale.
        QCOMPARE(r.rotations, std::int64_t{3});
        QCOMPARE(r.plainMultiplies, std::int64_t{4 + 2});
        QCOMPARE(r.multiplies, std::int64_t{1});
        QCOMPARE(r.additions, std::int64_t{4 + 2});
        QCOMPARE(r.rescales, std::int64_t{3});
        QCOMPARE(r.bootstraps, std::int64_t{0});
        QCOMPARE(r.depthNeeded, 3);
        QCOMPARE(r.depthAvailable, 3);
        QCOMPARE(r.outputPrimes, 1);
        QCOMPARE(r.inputCiphertexts, std::int64_t{1});
        QCOMPARE(r.outputCiphertexts, std::int64_t{1});
        QCOMPARE(r.uploadBytes, 2.0 * 8192 * 180 / 8);
        QCOMPARE(r.downloadBytes, 2.0 * 8192 * 60 / 8);
        // Relinearisation key and rotation keys for steps 1..3.
        QCOMPARE(r.rotationKeys, std::int64_t{3});
        QCOMPARE(r.evaluationKeyBytes, 4 * ok(keySwitchingKeyBytes(p)));
        // The server's time is the sum of the operations at their levels.
        const double expected = 3 * ok(operationSeconds(p, FheOperation::Rotate, 4)) +
                                4 * ok(operationSeconds(p, FheOperation::PlainMultiply, 4)) +
                                4 * ok(operationSeconds(p, FheOperation::Add, 4)) +
                                ok(operationSeconds(p, FheOperation::Rescale, 4)) +
                                ok(operationSeconds(p, FheOperation::Multiply, 3)) +
                                ok(operationSeconds(p, FheOperation::Rescale, 3)) +
                                2 * ok(operationSeconds(p, FheOperation::PlainMultiply, 2)) +
                                2 * ok(operationSeconds(p, FheOperation::Add, 2)) +
                                ok(operationSeconds(p, FheOperation::Rescale, 2));
        EXPECT_NEAR(r.serverSeconds, expected, 1e-12);
        EXPECT_NEAR(r.clientEncryptSeconds, ok(operationSeconds(p, FheOperation::Encrypt)), 1e-12);
        EXPECT_NEAR(r.clientDecryptSeconds, ok(operationSeconds(p, FheOperation::Decrypt, 1)),
                    1e-12);

        // A layer wider than the slots is cut into blocks: 10000 -> 10 at N = 8192 (w = 4096).
        const EncryptedInference wide =
            ok(encryptedInference(ok(linearRegression(10000)), ckks(8192, {60, 40, 60})));
        QCOMPARE(wide.inputCiphertexts, std::int64_t{3});
        QCOMPARE(wide.rotations, std::int64_t{3 * 4095});
        QCOMPARE(wide.plainMultiplies, std::int64_t{3 * 4096});
    }

    void babyStepGiantStep() {
        // {784, 128, 10} with a square activation at N = 16384 (8192 slots, depth 5).
        const ModelOperations mlp = ok(denseNetwork({784, 128, 10}, Activation::Polynomial, 2));
        const FheParameters p = ckks(16384, {60, 40, 40, 40, 40, 40, 60});
        const EncryptedInference plain = ok(encryptedInference(mlp, p));
        QCOMPARE(plain.rotations, std::int64_t{783 + 127});
        QCOMPARE(plain.rotationKeys, std::int64_t{783});  // steps 1..783
        QCOMPARE(plain.depthNeeded, 4);
        FheWorkloadOptions bsgs;
        bsgs.babyStepGiantStep = true;
        const EncryptedInference fast = ok(encryptedInference(mlp, p, bsgs));
        // w = 784: g = 28, h = 28; w = 128: g = 12, h = 11.
        QCOMPARE(fast.rotations, std::int64_t{27 + 27 + 11 + 10});
        // Steps 1..27, 28..756 by 28, and 36, 48, 60, 72, 96, 108, 120 (12, 24 and 84 are
        // already there).
        QCOMPARE(fast.rotationKeys, std::int64_t{27 + 27 + 7});
        QCOMPARE(fast.plainMultiplies, plain.plainMultiplies);
        QVERIFY(fast.serverSeconds < plain.serverSeconds / 5);
        QCOMPARE(fast.evaluationKeyBytes, (1 + 61) * ok(keySwitchingKeyBytes(p)));
    }

    void inferenceDeeperThanChain() {
        // {64, 32, 10} with square activations: 1 + 2 + 1 = 4 levels; N = 8192 gives 2.
        const ModelOperations mlp = ok(denseNetwork({64, 32, 10}, Activation::Polynomial, 2));
        const auto refused = encryptedInference(mlp, ckks(8192, {60, 40, 40, 60}));
        EXPECT_ERROR(refused, "needs multiplicative depth 4");
        EXPECT_ERROR(refused, "gives 2");
        EXPECT_ERROR(refused, "bootstrapping is not possible");

        // Twenty layers of width 16 with squares: 20 + 19 x 2 = 58 levels; N = 2^16 with
        // 40 levels bootstraps.
        std::vector<std::int64_t> widths(21, 16);
        const ModelOperations deep = ok(denseNetwork(widths, Activation::Polynomial, 2));
        const FheParameters big = ckks(65536, chain40(40));
        const EncryptedInference r = ok(encryptedInference(deep, big));
        QCOMPARE(r.depthNeeded, 58);
        QCOMPARE(r.depthAvailable, 40);
        QVERIFY(r.bootstraps >= 2);  // 40 levels, then 11 per bootstrap
        QVERIFY(r.serverSeconds > static_cast<double>(r.bootstraps) * 18.0);
        FheWorkloadOptions noBootstrap;
        noBootstrap.allowBootstrapping = false;
        EXPECT_ERROR(encryptedInference(deep, big, noBootstrap), "bootstrapping is turned off");
        // Fits without bootstrapping when shallow enough.
        std::vector<std::int64_t> shallow(11, 16);
        QCOMPARE(ok(encryptedInference(ok(denseNetwork(shallow, Activation::Polynomial, 2)), big))
                     .bootstraps,
                 std::int64_t{0});
    }

    void bfvInference() {
        // Linear regression on 100 features: one plaintext product, 16 + 6.5 bits of budget.
        const FheParameters p = bfv(8192, {43, 43, 44, 44, 44}, 65537);
        const EncryptedInference r = ok(encryptedInference(ok(linearRegression(100)), p));
        const double logT = std::log2(65537.0);
        EXPECT_NEAR(r.noiseBudgetLeftBits, (174 - logT - 6.5 - 7.26) - (logT + 6.5), 1e-9);
        QCOMPARE(r.rescales, std::int64_t{0});
        // A square activation at N = 4096: 72 - 16 - 6 - 7.26 = 42.7 bits cannot pay
        // 22 + 31 + 22.
        const FheParameters small = bfv(4096, {36, 36, 37}, 65537);
        EXPECT_ERROR(encryptedInference(ok(logisticRegression(10, 2)), small),
                     "bits of BFV noise budget");
        EXPECT_ERROR(
            encryptedInference(ok(linearRegression(10)), bfv(8192, {43, 43, 44, 44, 44}, 65536)),
            "batching");
    }

    void aggregationExpansion() {
        // CKKS, N = 8192, {60, 40, 40, 60}: 4096 slots, 286,720-byte ciphertexts.
        const FheParameters p = ckks(8192, {60, 40, 40, 60});
        const EncryptedAggregation a = ok(encryptedAggregation(10000, 100, 4, p));
        QCOMPARE(a.ciphertextsPerClient, std::int64_t{3});  // ceil(10000 / 4096)
        QCOMPARE(a.serverAdditions, std::int64_t{99 * 3});
        QCOMPARE(a.bytesPerClient, 3.0 * 286720);
        QCOMPARE(a.plaintextBytesPerClient, 40000.0);
        EXPECT_NEAR(a.expansion, 860160.0 / 40000.0, 1e-12);  // 21.5
        EXPECT_NEAR(a.serverSeconds, 297 * ok(operationSeconds(p, FheOperation::Add)), 1e-12);
        EXPECT_NEAR(ok(encryptedAggregation(10000, 100, 8, p)).expansion, 860160.0 / 80000.0,
                    1e-12);
        // A full ciphertext of doubles: 286720 / (4096 x 8) = 8.75.
        EXPECT_NEAR(ok(encryptedAggregation(4096, 2, 8, p)).expansion, 8.75, 1e-12);
        // BFV batches N values per ciphertext.
        const FheParameters b = bfv(8192, {43, 43, 44, 44, 44}, 65537);
        QCOMPARE(ok(encryptedAggregation(10000, 10, 8, b)).ciphertextsPerClient, std::int64_t{2});
    }

    void fheBadInputs() {
        EXPECT_ERROR(validate(ckks(3000, {60, 40, 60})), "power of two");
        EXPECT_ERROR(validate(ckks(512, {20, 20})), "power of two");
        EXPECT_ERROR(validate(ckks(131072, {60, 60})), "power of two");
        EXPECT_ERROR(validate(ckks(8192, {})), "empty");
        EXPECT_ERROR(validate(ckks(8192, {61, 40, 60})), "2 to 60 bits");
        EXPECT_ERROR(validate(ckks(8192, {60, 1, 60})), "2 to 60 bits");
        EXPECT_ERROR(validate(ckks(8192, {60, 60}, 2)), "no prime is left");
        EXPECT_ERROR(validate(ckks(8192, {60, 60}, -1)), "negative");
        EXPECT_ERROR(validate(ckks(8192, {40, 40, 60}, 1, 40)), "larger than the CKKS scale");
        EXPECT_ERROR(validate(ckks(8192, {60, 40, 60}, 1, 0)), "scale");
        EXPECT_ERROR(validate(bfv(8192, {60, 60}, 1)), "at least 2");
        EXPECT_ERROR(validate(bfv(8192, {20, 60}, std::uint64_t{1} << 30)), "not below");
        EXPECT_ERROR(validate(bfv(32768, {60, 60, 60, 60}, std::uint64_t{1} << 61)), "60 bits");
        const FheParameters p = ckks(8192, {60, 40, 40, 60});
        EXPECT_ERROR(operationSeconds(p, FheOperation::Add, 4), "1 to 3 data primes");
        EXPECT_ERROR(operationSeconds(p, FheOperation::Rescale, 1), "no prime left");
        EXPECT_ERROR(operationSeconds(ckks(8192, {60, 40, 40}, 0), FheOperation::Rotate),
                     "special prime");
        FheCostConstants negative;
        negative.nttSecondsPerNLogN = -1;
        EXPECT_ERROR(operationSeconds(p, FheOperation::Add, 0, negative), ">= 0");
        EXPECT_ERROR(operationKernels(FheScheme::Ckks, FheOperation::Add, 0), "1 to 256");
        EXPECT_ERROR(encryptedAggregation(0, 10, 8, p), "1 to 2^40 values");
        EXPECT_ERROR(encryptedAggregation(10, 0, 8, p), "clients");
        EXPECT_ERROR(encryptedAggregation(10, 10, 0, p), "bytes");
        EXPECT_ERROR(encryptedAggregation(10, 10, 8, ckks(8192, {60, 60, 60, 60})),
                     "allows at most 218 bits");
        EXPECT_ERROR(encryptedInference(ok(denseNetwork({8, 4, 2}, Activation::Relu)), p),
                     "not a polynomial");
        ModelOperations counts;
        counts.inputs = 4;
        counts.outputs = 1;
        counts.multiplyAdds = 4;
        EXPECT_ERROR(encryptedInference(counts, p), "layer shapes");
    }

    // ---------------------------------------------------------------- SMPC
    void multiplicationTrafficByHand() {
        for (int bits : {64, 128}) {
            const double e = bits / 8.0;  // bytes per field element
            for (int n : {2, 3, 10}) {
                SmpcSetup s;
                s.parties = n;
                s.fieldBits = bits;
                // All to all: each party sends its shares of e and d to the n - 1 others.
                const MultiplicationCost all = ok(multiplicationCost(s));
                QCOMPARE(all.rounds, 1);
                for (double b : all.bytesSentByParty)
                    QCOMPARE(b, 2.0 * (n - 1) * e);
                QCOMPARE(all.totalBytes, 2.0 * n * (n - 1) * e);
                QCOMPARE(all.localOperationsPerParty, 6.0);
                // A thousand independent products share the round.
                const MultiplicationCost many = ok(multiplicationCost(s, 1000));
                QCOMPARE(many.rounds, 1);
                QCOMPARE(many.totalBytes, 1000 * 2.0 * n * (n - 1) * e);
                // King: shares in, opened values out, two rounds, 4 (n - 1) elements.
                s.pattern = OpeningPattern::King;
                s.king = n - 1;
                const MultiplicationCost king = ok(multiplicationCost(s));
                QCOMPARE(king.rounds, 2);
                QCOMPARE(king.totalBytes, 4.0 * (n - 1) * e);
                QCOMPARE(king.bytesSentByParty[static_cast<std::size_t>(n - 1)], 2.0 * (n - 1) * e);
                QCOMPARE(king.bytesSentByParty[0], 2.0 * e);
            }
        }
        // The values by hand for a 64-bit field: 16, 32 and 144 bytes per party.
        SmpcSetup s;
        s.parties = 10;
        QCOMPARE(ok(multiplicationCost(s)).bytesSentByParty[3], 144.0);
    }

    void mascotCalibration() {
        // MP-SPDZ issue #857: 200,000 MASCOT triples in 26.0556 s, two parties, 128-bit field.
        SmpcSetup s;
        s.parties = 2;
        s.fieldBits = 128;
        EXPECT_NEAR(ok(preprocessingSeconds(s, 200000)), 26.0556, 1e-12);
        s.parties = 3;  // pairwise OT with two others
        EXPECT_NEAR(ok(preprocessingSeconds(s, 200000)), 2 * 26.0556, 1e-12);
        s.parties = 2;
        s.fieldBits = 64;  // k^2: a quarter
        EXPECT_NEAR(ok(preprocessingSeconds(s, 200000)), 26.0556 / 4, 1e-12);
    }

    void trainingPlanByHand() {
        // Linear regression, 1000 samples x 10 features split by rows over 3 parties, full
        // batch, 5 epochs, semi-honest, 64-bit field, all to all.
        TrainingProblem t;
        t.samples = 1000;
        t.features = 10;
        t.epochs = 5;
        SmpcSetup s;
        s.parties = 3;
        s.security = SmpcSecurity::SemiHonest;
        const TrainingPlan plan = ok(trainingPlan(t, s));
        QCOMPARE(plan.setupRounds.size(), std::size_t{1});
        // Rows 334, 333, 333, each with 10 features and a label, sent to both others.
        QCOMPARE(plan.setupRounds[0].bytes[0][1], 334.0 * 11 * 8);
        QCOMPARE(plan.setupRounds[0].bytes[2][0], 333.0 * 11 * 8);
        QCOMPARE(plan.setupRounds[0].bytes[1][1], 0.0);
        QCOMPARE(plan.batchesPerEpoch, std::int64_t{1});
        QCOMPARE(plan.batchRounds.size(), std::size_t{2});  // predictions, gradient
        QVERIFY(plan.lastBatchRounds.empty());
        QCOMPARE(plan.multiplicationsPerEpoch, std::int64_t{2 * 1000 * 10});
        QCOMPARE(plan.roundsPerEpoch, std::int64_t{2});
        QCOMPARE(plan.triples, std::int64_t{5 * 20000});
        QCOMPARE(plan.totalRounds, std::int64_t{1 + 5 * 2 + 1});
        // Per multiplication round: 2 x 10,000 elements x 8 bytes to each of 2 others.
        QCOMPARE(plan.batchRounds[0].bytes[0][1], 2.0 * 10000 * 8);
        QCOMPARE(rowSum(plan.batchRounds[1].bytes[2]), 2 * 2.0 * 10000 * 8);
        const double perParty0 = 2 * 334.0 * 11 * 8 + 5 * 2 * (2 * 2.0 * 10000 * 8) + 2 * 10.0 * 8;
        QCOMPARE(plan.bytesSentByParty[0], perParty0);
        QCOMPARE(plan.preprocessedBytesPerParty, 3.0 * 100000 * 8);
        EXPECT_NEAR(plan.preprocessingSeconds, 100000 * 26.0556 / 200000 * 2 / 4, 1e-12);

        // Logistic with a degree-3 sigmoid: powers x^2 then x^3, two more rounds, 2000 more
        // products per epoch.
        t.regression = Regression::Logistic;
        t.sigmoidDegree = 3;
        const TrainingPlan logistic = ok(trainingPlan(t, s));
        QCOMPARE(logistic.batchRounds.size(), std::size_t{4});
        QCOMPARE(logistic.multiplicationsPerEpoch, std::int64_t{20000 + 2000});
        QCOMPARE(logistic.batchRounds[1].multiplications, std::int64_t{1000});

        // Mini-batches of 300: three full batches and one of 100.
        t.batchSize = 300;
        const TrainingPlan mini = ok(trainingPlan(t, s));
        QCOMPARE(mini.batchesPerEpoch, std::int64_t{3});
        QCOMPARE(mini.lastBatchRounds.size(), std::size_t{4});
        QCOMPARE(mini.lastBatchRounds[0].multiplications, std::int64_t{100 * 10});
        QCOMPARE(mini.multiplicationsPerEpoch, std::int64_t{22000});
        QCOMPARE(mini.roundsPerEpoch, std::int64_t{4 * 4});

        // SPDZ with MACs: masked inputs (two rounds), the model opened, the MAC check (two).
        s.security = SmpcSecurity::MaliciousSpdz;
        const TrainingPlan spdz = ok(trainingPlan(t, s));
        QCOMPARE(spdz.setupRounds.size(), std::size_t{2});
        QCOMPARE(spdz.finishRounds.size(), std::size_t{3});
        QCOMPARE(spdz.inputMasks, std::int64_t{1000 * 11});
        QCOMPARE(spdz.setupRounds[0].bytes[1][0], 334.0 * 11 * 8);  // party 1 to owner 0
        QCOMPARE(spdz.preprocessedBytesPerParty, (3.0 * 5 * 22000 + 11000) * 8 * 2);
        // The MACs do not change what an opening sends.
        QCOMPARE(spdz.batchRounds[0].bytes[0][1], mini.batchRounds[0].bytes[0][1]);

        // By features: party 0 holds 4 columns and the labels, parties 1 and 2 three columns.
        t.split = DataSplit::ByFeatures;
        s.security = SmpcSecurity::SemiHonest;
        const TrainingPlan vertical = ok(trainingPlan(t, s));
        QCOMPARE(vertical.setupRounds[0].bytes[0][2], (1000.0 * 4 + 1000) * 8);
        QCOMPARE(vertical.setupRounds[0].bytes[1][0], 1000.0 * 3 * 8);
        QCOMPARE(vertical.multiplicationsPerEpoch, mini.multiplicationsPerEpoch);

        // King openings double the rounds of every opening.
        s.pattern = OpeningPattern::King;
        QCOMPARE(ok(trainingPlan(t, s)).roundsPerEpoch, std::int64_t{2 * 16});
    }

    void smpcBadInputs() {
        SmpcSetup s;
        s.parties = 1;
        EXPECT_ERROR(multiplicationCost(s), "2 to 256 parties");
        s.parties = 3;
        s.fieldBits = 7;
        EXPECT_ERROR(multiplicationCost(s), "whole number of bytes");
        s.fieldBits = 64;
        s.pattern = OpeningPattern::King;
        s.king = 3;
        EXPECT_ERROR(multiplicationCost(s), "king");
        s.pattern = OpeningPattern::AllToAll;
        EXPECT_ERROR(multiplicationCost(s, 0), "1 to 2^50");
        EXPECT_ERROR(preprocessingSeconds(s, -1), "negative");
        TrainingProblem t;
        EXPECT_ERROR(trainingPlan(t, s), "at least one sample");
        t.samples = 100;
        t.features = 5;
        t.batchSize = 101;
        EXPECT_ERROR(trainingPlan(t, s), "batch size");
        t.batchSize = 0;
        t.epochs = 0;
        EXPECT_ERROR(trainingPlan(t, s), "epochs");
        t.epochs = 1;
        t.regression = Regression::Logistic;
        t.sigmoidDegree = 0;
        EXPECT_ERROR(trainingPlan(t, s), "degree");
        t.sigmoidDegree = 3;
        SmpcConstants c;
        c.secondsPerTripleTwoParties = std::nan("");
        EXPECT_ERROR(trainingPlan(t, s, c), "seconds per triple");
        ok(trainingPlan(t, s));
    }
};

QTEST_APPLESS_MAIN(TestCryptoCosts)
#include "tst_crypto_costs.moc"
