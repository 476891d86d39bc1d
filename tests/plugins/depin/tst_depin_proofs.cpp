// Proof verification in the DePIN market, through the privacy layer's proof service:
// - dishonest providers' wrong results never pass: every one is caught by its failed proof
//   (cheats caught = wrong results, none accepted), slashed and its job run again; honest
//   providers' results are never rejected;
// - a provider's proof lengthens a job by the cost model's prover time for the job's work, on a
//   CPU of the reference speed; the client's check by the verifier's time; the proof's bytes
//   travel with the result and are all the market sends;
// - a job of the compute-market service verified by proof comes back verified;
// - proof verification without a proof service is refused, naming the parameter and the layer
//   that provides one, and so is a job too large to prove.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/compute_market.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/crypto/model_operations.h"
#include "dais/crypto/zkp_cost.h"
#include "dais/layers/crypto.h"
#include "dais/layers/depin.h"

using namespace dais;
using nlohmann::json;
using Market = core::ComputeMarket;

namespace {

/// A job's work: 2 MFLOP, a million multiply-adds, two million PLONK gates: 43.5 s to prove on
/// the reference machine.
constexpr double kJobGflop = 0.002;

/// n providers at 100 GFLOP/s (the proof service's reference speed) behind one client, jobs of
/// kJobGflop, arrivals stopping at `stop` so that every job ends by `until`.
json market(int providers, double rate, int seed, const std::string& stop, const std::string& until,
            bool crypto = true) {
    json doc{{"format", "dais-scenario"},
             {"version", 1},
             {"meta", {{"name", "proofs"}}},
             {"network",
              {{"nodes", {{{"id", "client"}, {"role", "client"}}}},
               {"groups",
                {{{"id", "providers"},
                  {"count", providers},
                  {"role", "provider"},
                  {"attach", "client"},
                  {"resources", {{"cpu_gflops", 100}}},
                  {"access", {{"latency", "10ms"}, {"bandwidth", "100Mbps"}}}}}}}},
             {"layers",
              {{"depin",
                {{"arrival_rate", rate},
                 {"job_gflop", kJobGflop},
                 {"job_size", "fixed"},
                 {"payment", "none"},
                 {"verification", "proof"},
                 {"stop", stop}}}}},
             {"run", {{"seed", seed}, {"until", until}}}};
    if (crypto) doc["layers"]["crypto"] = json::object();
    return doc;
}

double metric(const core::RunReport& r, const char* name) {
    const auto* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->value;
}

double mean(const core::RunReport& r, const char* name) {
    const auto* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->mean;
}

/// The cost model's PLONK proof of kJobGflop: multiply-adds are half the FLOPs.
crypto::ProofCost plonkOfJob() {
    crypto::ModelOperations ops;
    ops.multiplyAdds = std::llround(kJobGflop * 1e9 / 2);
    ops.inputs = 1;
    ops.outputs = 1;
    auto c = crypto::modelProofCost(crypto::ProofSystem::Plonk, ops);
    if (!c) qFatal("%s", c.error().message.c_str());
    return *c;
}

/// What the renter saw.
struct Seen {
    std::vector<Market::Outcome> outcomes;
    std::string proofRefused, redundantRefused;
};
Seen seen;

/// Submits a job verified by proof through the compute-market service as the run starts, and
/// one that asks for proof and redundancy together.
class RenterLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "renter";
        d.name = "Renter";
        d.version = "0.1.0";
        d.summary = "Rents proven compute through the compute-market service; for tests.";
        d.uses = {{std::string(Market::kId), true, "it rents compute"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new RenterLayer()); }};
    }
    void setup(core::LayerContext&) override {}
    void start(core::LayerContext& ctx) override {
        seen = Seen{};
        auto* market = ctx.services().find<Market>();
        QVERIFY(market != nullptr);
        Market::Job j;
        j.submitter = 0;  // the client
        j.flops = kJobGflop * 1e9;
        j.outputBytes = 1000;
        j.verification = Market::Verification::Proof;
        auto id = market->submit(j, [](const Market::Outcome& o) { seen.outcomes.push_back(o); });
        if (!id) seen.proofRefused = id.error().message;
        j.redundancy = 3;
        auto twice = market->submit(j, [](const Market::Outcome&) { qFatal("heard a refusal"); });
        if (!twice) seen.redundantRefused = twice.error().message;
    }
};

}  // namespace

class TestDepinProofs : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    core::Result<core::RunReport> tryRun(const json& doc) {
        auto s = core::loadScenarioText(doc.dump(), "proofs.dais.json", {}, &registry_);
        if (!s) return s.error();
        auto r = core::ScenarioRun::prepare(*s);
        if (!r) return r.error();
        return (*r)->run();
    }

    core::RunReport run(const json& doc) {
        auto r = tryRun(doc);
        if (!r) qFatal("%s", r.error().message.c_str());
        if (r->status != core::RunStatus::Completed)
            qFatal("the run did not complete: %s", r->error.c_str());
        return *r;
    }

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(layers::depin::factory()).ok());
        QVERIFY(registry_.add(layers::crypto::factory()).ok());
        QVERIFY(registry_.add(RenterLayer::factory()).ok());
    }

    // Six of twenty providers cheat on every job and skip both the work and the proof; each
    // locked a stake of 100 tokens and loses a tenth of it at each catch.
    void everyWrongResultIsCaught() {
        json doc = market(20, 0.2, 1, "15000s", "20000s");
        doc["layers"]["depin"].update({{"dishonest", 0.3}, {"slash_fraction", 0.1}});
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"stake", 100}}}};
        doc["payments"] = {{"endowments", {{{"role", "provider"}, {"amount", 100}}}}};
        const core::RunReport r = run(doc);
        const double wrong = metric(r, "depin.results_wrong");
        QVERIFY2(wrong > 300, qPrintable(QString::number(wrong)));
        QCOMPARE(metric(r, "depin.wrong_accepted"), 0.0);
        QCOMPARE(metric(r, "depin.cheats_caught"), wrong);
        QCOMPARE(metric(r, "depin.proofs_rejected"), wrong);
        // Every job ends with a right result, proven by an honest provider.
        QCOMPARE(metric(r, "depin.in_system"), 0.0);
        QCOMPARE(metric(r, "depin.jobs_done"), metric(r, "depin.jobs_submitted"));
        QVERIFY(metric(r, "depin.slashed") > 0);
        const core::InspectorTable* t = r.table("depin.providers");
        QVERIFY(t != nullptr);
        const std::size_t honest = *t->spec().column("honest"),
                          caught = *t->spec().column("caught"),
                          reputation = *t->spec().column("reputation"),
                          stake = *t->spec().column("stake");
        double bestCheater = 0, worstHonest = 1;
        for (std::size_t i = 0; i < t->rowCount(); ++i) {
            if (t->string(i, honest) == "no") {
                QVERIFY(t->number(i, caught) > 0);
                QVERIFY(t->number(i, stake) < 100);
                bestCheater = std::max(bestCheater, t->number(i, reputation));
            } else {
                QCOMPARE(t->number(i, caught), 0.0);
                QCOMPARE(t->number(i, stake), 100.0);
                worstHonest = std::min(worstHonest, t->number(i, reputation));
            }
        }
        QVERIFY(bestCheater < worstHonest);
    }

    void honestResultsAreNeverRejected() {
        json doc = market(20, 0.2, 2, "5000s", "8000s");
        const core::RunReport r = run(doc);
        QVERIFY(metric(r, "depin.jobs_done") > 500);
        QCOMPARE(metric(r, "depin.jobs_done"), metric(r, "depin.jobs_submitted"));
        QCOMPARE(metric(r, "depin.proofs_rejected"), 0.0);
        QCOMPARE(metric(r, "depin.cheats_caught"), 0.0);
    }

    // Jobs arrive seldom enough for none to wait: a job with a proof takes the cost model's
    // prover time longer on its provider, its proof's way back and the verifier's time at the
    // client (which has no CPU of its own: the benchmark's time) longer in all.
    void aProofCostsTheModelsTimeAndBytes() {
        const crypto::ProofCost plonk = plonkOfJob();
        QVERIFY(std::abs(plonk.proverSeconds - 2e6 * 22.83 / 1048576) < 1e-9);
        const core::RunReport proven = run(market(10, 0.002, 3, "100000s", "101000s"));
        json plainDoc = market(10, 0.002, 3, "100000s", "101000s");
        plainDoc["layers"]["depin"]["verification"] = "none";
        const core::RunReport plain = run(plainDoc);
        const double jobs = metric(proven, "depin.jobs_done");
        QVERIFY(jobs > 100);
        QCOMPARE(metric(plain, "depin.jobs_done"), jobs);  // the same arrivals
        QCOMPARE(metric(proven, "depin.jobs_waited"), 0.0);
        QCOMPARE(metric(plain, "depin.jobs_waited"), 0.0);

        const auto* proofTime = proven.metric("depin.proof_time");
        QVERIFY(proofTime != nullptr && proofTime->count == static_cast<std::uint64_t>(jobs));
        QVERIFY(std::abs(proofTime->mean - plonk.proverSeconds) < 1e-6);
        QVERIFY(std::abs(proofTime->max - plonk.proverSeconds) < 1e-6);
        QVERIFY(std::abs(mean(proven, "depin.verify_time") - plonk.verifierSeconds) < 1e-9);
        QVERIFY(std::abs(mean(proven, "depin.compute") - mean(plain, "depin.compute") -
                         plonk.proverSeconds) < 1e-6);
        const double transfer = mean(proven, "depin.transfer");
        QCOMPARE(mean(plain, "depin.transfer"), 0.0);
        QVERIFY(transfer > 0.01);  // the link's latency, and 480 bytes at 100 Mbit/s
        const double longer = mean(proven, "depin.response") - mean(plain, "depin.response");
        QVERIFY2(std::abs(longer - (plonk.proverSeconds + plonk.verifierSeconds + transfer)) < 1e-6,
                 qPrintable(QString("%1 longer, against %2 + %3 + %4")
                                .arg(longer)
                                .arg(plonk.proverSeconds)
                                .arg(plonk.verifierSeconds)
                                .arg(transfer)));
        // The proofs are every byte the market sent, and crossed the network.
        QCOMPARE(metric(proven, "depin.proof_bytes"), jobs * plonk.proofBytes);
        QCOMPARE(metric(proven, "depin.bytes"), jobs * 480);
        QCOMPARE(metric(proven, "net.bytes.delivered"), jobs * 480);
        QCOMPARE(metric(plain, "depin.proof_bytes"), 0.0);
    }

    void serviceJobsComeBackVerified() {
        json doc = market(2, 1e-9, 4, "0s", "1000s");
        doc["layers"]["depin"]["verification"] = "none";
        doc["layers"]["renter"] = json::object();
        const core::RunReport r = run(doc);
        QVERIFY2(seen.proofRefused.empty(), seen.proofRefused.c_str());
        QCOMPARE(seen.outcomes.size(), std::size_t(1));
        QVERIFY(seen.outcomes[0].done());
        QVERIFY(seen.outcomes[0].verified);
        const crypto::ProofCost plonk = plonkOfJob();
        QVERIFY(seen.outcomes[0].finishedAt > sim::fromSeconds(plonk.proverSeconds));
        QCOMPARE(metric(r, "depin.proof_bytes"), 480.0);
        QCOMPARE(metric(r, "depin.bytes"), 1480.0);  // the result and its proof
        QVERIFY2(seen.redundantRefused.find("redundancy must be 1") != std::string::npos,
                 seen.redundantRefused.c_str());
    }

    void proofWithoutAProofServiceIsRefused() {
        auto r = tryRun(market(2, 1, 5, "0s", "10s", false));
        QVERIFY(!r.ok());
        const std::string& why = r.error().message;
        QVERIFY2(why.find("verification") != std::string::npos &&
                     why.find("proof service") != std::string::npos &&
                     why.find("crypto layer") != std::string::npos,
                 why.c_str());
        // A job of the service asking for proof is refused the same way.
        json doc = market(2, 1e-9, 5, "0s", "10s", false);
        doc["layers"]["depin"]["verification"] = "none";
        doc["layers"]["renter"] = json::object();
        run(doc);
        QVERIFY2(seen.proofRefused.find("proof service") != std::string::npos &&
                     seen.proofRefused.find("crypto layer") != std::string::npos,
                 seen.proofRefused.c_str());
        QVERIFY(seen.outcomes.empty());
    }

    void aJobTooLargeToProveIsRefused() {
        json doc = market(2, 1, 6, "0s", "10s");
        doc["layers"]["depin"]["job_gflop"] = 3e6;  // 1.5e15 multiply-adds: beyond 2^50
        auto r = tryRun(doc);
        QVERIFY(!r.ok());
        const std::string& why = r.error().message;
        QVERIFY2(why.find("verification") != std::string::npos &&
                     why.find("cannot be proven") != std::string::npos &&
                     why.find("2^50") != std::string::npos,
                 why.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDepinProofs)
#include "tst_depin_proofs.moc"
