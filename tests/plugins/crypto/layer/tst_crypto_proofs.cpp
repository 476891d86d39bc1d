// The privacy layer's proof service alone, as another layer uses it through a run: its costs are
// the ZKP cost model's for a statement's multiply-adds (FLOPs / 2) in each proof system, at the
// layer's reference speed; an honest proof verifies, a dishonest prover's does not, and any
// changed byte of the statement's digest, the result's or the tag fails; a proof is bound to its
// run's key; bad statements and provers are refused with a message.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../../federated/fl_layer_util.h"
#include "dais/core/digest.h"
#include "dais/core/layer_registry.h"
#include "dais/core/proof_service.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/crypto/model_operations.h"
#include "dais/crypto/zkp_cost.h"
#include "dais/layers/crypto.h"

using namespace dais;
using Proofs = core::ProofService;
using nlohmann::json;

namespace {

const double kWorks[] = {2e3, 2e6, 1e9, 7.2e12};
const Proofs::System kSystems[] = {Proofs::System::Groth16, Proofs::System::Plonk,
                                   Proofs::System::Stark};

/// What the checker saw.
struct Seen {
    Proofs::System defaultSystem = Proofs::System::Groth16;
    std::vector<Proofs::Cost> costs;  // kWorks x kSystems, in that order
    Proofs::Cost defaultCost;         // 1e9 FLOPs in the default system
    Proofs::Proof honest, dishonest;
    bool honestVerifies = false, dishonestVerifies = true;
    std::size_t changes = 0, changesAccepted = 0;
    bool otherSystemAccepted = true, dishonestRightResultAccepted = true;
    std::string zeroWork, tooMuchWork, badProver;
    Proofs::Proof keep;  // a proof to take into another run
    bool keptVerifies = false;
};
Seen seen;
Proofs::Proof fromEarlierRun;

const core::Digest kStatement = core::sha256("job 12: 1 GFLOP of inference on input 7f3a");
const core::Digest kResult = core::sha256("its right result");

class Checker final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "checker";
        d.name = "Proof checker";
        d.version = "0.1.0";
        d.summary = "Proves and verifies through the proof service; for tests.";
        d.uses = {{std::string(Proofs::kId), true, "it checks it"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new Checker()); }};
    }
    void setup(core::LayerContext&) override {}
    void start(core::LayerContext& ctx) override {
        Proofs* p = ctx.services().find<Proofs>();
        QVERIFY(p != nullptr);
        seen = Seen{};
        seen.defaultSystem = p->system();
        for (const double flops : kWorks)
            for (const Proofs::System system : kSystems) {
                auto c = p->cost(Proofs::Statement{kStatement, flops, system});
                QVERIFY2(c.ok(), c ? "" : c.error().message.c_str());
                seen.costs.push_back(*c);
            }
        const Proofs::Statement s{kStatement, 1e9, std::nullopt};
        seen.defaultCost = p->cost(s).value();
        seen.honest = p->prove(1, s, kResult, true).value();
        seen.dishonest = p->prove(2, s, core::sha256("a wrong result"), false).value();
        seen.honestVerifies = p->verify(seen.honest, kStatement, kResult);
        seen.dishonestVerifies =
            p->verify(seen.dishonest, kStatement, core::sha256("a wrong result"));
        // A dishonest prover's proof does not verify even for the right result.
        const Proofs::Proof lying = p->prove(2, s, kResult, false).value();
        seen.dishonestRightResultAccepted = p->verify(lying, kStatement, kResult);
        // Any changed bit of the statement, the result or the tag.
        for (std::size_t b = 0; b < 32; ++b)
            for (int bit = 0; bit < 8; ++bit) {
                const auto flip = static_cast<std::uint8_t>(1 << bit);
                core::Digest statement = kStatement, result = kResult;
                statement[b] ^= flip;
                result[b] ^= flip;
                Proofs::Proof tag = seen.honest;
                tag.tag[b] ^= flip;
                seen.changes += 3;
                seen.changesAccepted += p->verify(seen.honest, statement, kResult);
                seen.changesAccepted += p->verify(seen.honest, kStatement, result);
                seen.changesAccepted += p->verify(tag, kStatement, kResult);
            }
        Proofs::Proof other = seen.honest;
        other.system = Proofs::System::Stark;
        seen.otherSystemAccepted = p->verify(other, kStatement, kResult);
        seen.keptVerifies = p->verify(fromEarlierRun, kStatement, kResult);
        seen.keep = seen.honest;
        if (auto bad = p->cost(Proofs::Statement{kStatement, 0, std::nullopt}); !bad)
            seen.zeroWork = bad.error().message;
        if (auto bad = p->cost(Proofs::Statement{kStatement, 3e15, std::nullopt}); !bad)
            seen.tooMuchWork = bad.error().message;
        if (auto bad = p->prove(99, s, kResult, true); !bad) seen.badProver = bad.error().message;
    }
};

/// The cost model's figures for `flops` FLOPs: flops / 2 multiply-adds, input and output public.
crypto::ProofCost modelCost(double flops, Proofs::System system) {
    crypto::ModelOperations ops;
    ops.multiplyAdds = std::llround(flops / 2);
    ops.inputs = 1;
    ops.outputs = 1;
    const crypto::ProofSystem s = system == Proofs::System::Groth16 ? crypto::ProofSystem::Groth16
                                  : system == Proofs::System::Plonk ? crypto::ProofSystem::Plonk
                                                                    : crypto::ProofSystem::Stark;
    auto c = crypto::modelProofCost(s, ops);
    if (!c) qFatal("%s", c.error().message.c_str());
    return *c;
}

}  // namespace

class TestCryptoProofs : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    json scenario(std::uint64_t seed, json crypto = json::object()) const {
        return json{{"format", "dais-scenario"},
                    {"version", 1},
                    {"meta", {{"name", "proofs"}}},
                    {"network",
                     {{"nodes", {{{"id", "hub"}}}},
                      {"groups", {{{"id", "nodes"}, {"count", 3}, {"attach", "hub"}}}}}},
                    {"layers", {{"crypto", std::move(crypto)}, {"checker", json::object()}}},
                    {"run", {{"seed", seed}, {"until", "1s"}}}};
    }

    void run(const json& doc) {
        const core::RunReport report = fltest::runText(doc.dump(), registry_);
        if (report.status != core::RunStatus::Completed)
            qFatal("the run did not complete: %s", report.error.c_str());
    }

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(layers::crypto::factory()).ok());
        QVERIFY(registry_.add(Checker::factory()).ok());
    }

    void costsAreTheCostModels() {
        run(scenario(5));
        QCOMPARE(seen.defaultSystem, Proofs::System::Plonk);
        std::size_t i = 0;
        for (const double flops : kWorks)
            for (const Proofs::System system : kSystems) {
                const Proofs::Cost& c = seen.costs[i++];
                const crypto::ProofCost m = modelCost(flops, system);
                QCOMPARE(c.system, system);
                QCOMPARE(c.circuitSize, m.circuitSize);
                QCOMPARE(c.proveSeconds, m.proverSeconds);
                QCOMPARE(c.verifySeconds, m.verifierSeconds);
                QCOMPARE(c.proofBytes, static_cast<std::uint64_t>(std::ceil(m.proofBytes)));
                // proof_reference_gflops (100), twice for the STARK's 8-core machine.
                QCOMPARE(c.referenceFlopsPerSecond, system == Proofs::System::Stark ? 2e11 : 1e11);
                QCOMPARE(c.proveFlops(), c.proveSeconds * c.referenceFlopsPerSecond);
            }
        // 1 GFLOP: 5e8 multiply-adds, 1e9 PLONK gates at 22.83 s per 2^20: about 21,800 s.
        QVERIFY(std::abs(seen.defaultCost.proveSeconds - 1e9 * 22.83 / 1048576) < 1e-6);
        QCOMPARE(seen.defaultCost.proofBytes, std::uint64_t(480));
        QCOMPARE(seen.costs[1].proofBytes, std::uint64_t(480));  // PLONK, whatever the size
        QCOMPARE(seen.costs[0].proofBytes, std::uint64_t(128));  // Groth16 on BN254, compressed
        QCOMPARE(seen.honest.bytes, std::uint64_t(480));

        run(scenario(5, {{"proof_system", "stark"}, {"proof_reference_gflops", 25}}));
        QCOMPARE(seen.defaultSystem, Proofs::System::Stark);
        QCOMPARE(seen.defaultCost.system, Proofs::System::Stark);
        QCOMPARE(seen.defaultCost.referenceFlopsPerSecond, 5e10);
        QCOMPARE(seen.honest.bytes, static_cast<std::uint64_t>(std::ceil(
                                        modelCost(1e9, Proofs::System::Stark).proofBytes)));
    }

    void onlyHonestUnchangedProofsVerify() {
        run(scenario(5));
        QVERIFY(seen.honestVerifies);
        QVERIFY(!seen.dishonestVerifies);
        QVERIFY(!seen.dishonestRightResultAccepted);
        QCOMPARE(seen.changes, std::size_t(3 * 256));
        QCOMPARE(seen.changesAccepted, std::size_t(0));
        QVERIFY(!seen.otherSystemAccepted);
    }

    void proofsAreBoundToTheirRunsKey() {
        run(scenario(5));
        fromEarlierRun = seen.keep;
        run(scenario(5));
        QVERIFY(seen.keptVerifies);  // the same seed: the same key, the same tag
        QVERIFY(seen.keep.tag == fromEarlierRun.tag);
        run(scenario(6));
        QVERIFY(!seen.keptVerifies);  // another seed's key
        QVERIFY(seen.honestVerifies);
    }

    void badStatementsAreRefusedWithAMessage() {
        run(scenario(5));
        QVERIFY2(seen.zeroWork.find("FLOPs > 0") != std::string::npos, seen.zeroWork.c_str());
        QVERIFY2(seen.tooMuchWork.find("plonk") != std::string::npos &&
                     seen.tooMuchWork.find("2^50") != std::string::npos,
                 seen.tooMuchWork.c_str());
        QVERIFY2(seen.badProver.find("no node 99") != std::string::npos, seen.badProver.c_str());
        QVERIFY(Proofs::parseSystem("groth16") == Proofs::System::Groth16);
        QVERIFY(!Proofs::parseSystem("snark").has_value());
        QCOMPARE(Proofs::systemName(Proofs::System::Stark), std::string_view("stark"));
    }
};

QTEST_GUILESS_MAIN(TestCryptoProofs)
#include "tst_crypto_proofs.moc"
