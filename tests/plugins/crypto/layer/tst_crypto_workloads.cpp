// The privacy layer's workloads on the network, against the cost models they play: encrypted
// inference (every request's provider time is the model's, its bytes are the ciphertexts' and
// the evaluation keys go once per client and provider; an insecure parameter set is refused
// naming the standard's limit) and joint training by SMPC (the plan's rounds and bytes cross
// the links, and on fast links the training takes its preprocessing plus one round trip a
// round; a party that crashes stalls it).
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <string>

#include "../../federated/fl_layer_util.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/crypto/fhe_workloads.h"
#include "dais/crypto/model_operations.h"
#include "dais/crypto/smpc_cost.h"
#include "dais/layers/crypto.h"

using namespace dais;
namespace costs = dais::crypto;

namespace {

double metricValue(const core::RunReport& r, const char* name) {
    const core::MetricReport* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->value;
}

double metricMean(const core::RunReport& r, const char* name) {
    const core::MetricReport* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->mean;
}

/// Clients and providers behind a router, every CPU the reference machine's (50 GFLOP/s).
std::string inferenceScenario(const std::string& crypto) {
    return R"({"format": "dais-scenario", "version": 1, "meta": {"name": "fhe"},
      "network": {"nodes": [{"id": "router", "role": "router"}],
        "groups": [
          {"id": "clients", "count": 4, "role": "client", "attach": "router",
           "resources": {"cpu_gflops": 50}, "access": {"latency": "5ms", "bandwidth": "1Gbps"}},
          {"id": "providers", "count": 2, "role": "provider", "attach": "router",
           "resources": {"cpu_gflops": 50}, "access": {"latency": "5ms", "bandwidth": "1Gbps"}}]},
      "layers": {"crypto": {)" +
           crypto + R"(}}, "run": {"seed": 2, "until": "600s"}})";
}

/// Three banks behind a router on fast links of 2 ms each way.
std::string smpcScenario(const std::string& crypto, const std::string& extra = "") {
    return R"({"format": "dais-scenario", "version": 1, "meta": {"name": "smpc"},
      "network": {"nodes": [{"id": "router", "role": "router"}],
        "groups": [{"id": "banks", "count": 3, "role": "bank", "attach": "router",
           "resources": {"cpu_gflops": 50}, "access": {"latency": "2ms", "bandwidth": "100Gbps"}}])" +
           extra + R"(},
      "layers": {"crypto": {"smpc_role": "bank", )" +
           crypto + R"(}}, "run": {"seed": 2, "until": "10h"}})";
}

}  // namespace

class TestCryptoWorkloads : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    core::RunReport run(const std::string& text) { return fltest::runText(text, registry_); }

  private slots:
    void initTestCase() { QVERIFY(registry_.add(layers::crypto::factory()).ok()); }

    void encryptedInferencePlaysTheCostModel() {
        const core::RunReport r = run(
            inferenceScenario(R"("fhe_rate": 0.05, "fhe_stop": "500s", "fhe_model": "64,32,10")"));
        QCOMPARE(r.status, core::RunStatus::Completed);
        const double requests = metricValue(r, "crypto.fhe_requests");
        QVERIFY2(requests > 10 && requests < 45, qPrintable(QString::number(requests)));
        QCOMPARE(metricValue(r, "crypto.fhe_done"), requests);
        // The cost model's figures for this model and parameter set (the layer's defaults).
        costs::FheParameters p;
        p.ringDimension = 16384;
        p.modulusBits = {60, 40, 40, 40, 40, 40, 40, 60};
        p.scaleBits = 40;
        const auto model = costs::denseNetwork({64, 32, 10}, costs::Activation::Polynomial, 2);
        QVERIFY(model.ok());
        const auto cost = costs::encryptedInference(model.value(), p);
        QVERIFY(cost.ok());
        // A provider alone on the reference CPU takes the model's time for every request.
        const core::MetricReport* t = r.metric("crypto.fhe_provider_time");
        QVERIFY(std::abs(t->mean - cost.value().serverSeconds) < 1e-9 * cost.value().serverSeconds);
        // Ciphertexts both ways for each request, the keys once per client and provider used.
        const double keys = metricValue(r, "crypto.fhe_key_bytes");
        const double pairs = keys / cost.value().evaluationKeyBytes;
        QVERIFY2(std::abs(pairs - std::round(pairs)) < 1e-6 && pairs >= 1 && pairs <= 8,
                 qPrintable(QString::number(pairs)));
        const double perRequest = cost.value().uploadBytes + cost.value().downloadBytes;
        QVERIFY(std::abs(metricValue(r, "crypto.fhe_bytes") - keys - requests * perRequest) <
                requests * 2);  // each message rounded to whole bytes
        // Latency: encryption, evaluation and decryption at least, plus the transfers.
        const double floor = cost.value().clientEncryptSeconds + cost.value().serverSeconds +
                             cost.value().clientDecryptSeconds + 4 * 0.005;
        QVERIFY(metricMean(r, "crypto.fhe_latency") > floor);
        QVERIFY(metricMean(r, "crypto.fhe_slowdown") > 100);
    }

    void insecureParametersAreRefused() {
        // N = 8192 allows at most 218 bits for 128-bit security.
        auto s =
            core::loadScenarioText(inferenceScenario(R"("fhe_rate": 1, "fhe_ring_dimension": 8192,
                                 "fhe_modulus": "60,60,60,60")"),
                                   "w.dais.json", {}, &registry_);
        QVERIFY(s.ok());
        auto prepared = core::ScenarioRun::prepare(*s, {});
        QString error;
        if (!prepared) {
            error = QString::fromStdString(prepared.error().message);
        } else {
            const core::RunReport r = (*prepared)->run();
            QCOMPARE(r.status, core::RunStatus::Failed);
            error = QString::fromStdString(r.error);
        }
        QVERIFY2(error.contains("218") && error.contains("HomomorphicEncryption.org") &&
                     error.contains("fhe_modulus"),
                 qPrintable(error));
    }

    void smpcTrainingTakesItsRounds() {
        const std::string settings =
            R"("smpc_samples": 3000, "smpc_features": 10, "smpc_batch": 500, "smpc_epochs": 2,
               "cost_field_operation": 0)";
        const core::RunReport r = run(smpcScenario(settings));
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metricValue(r, "crypto.smpc_finished"), 1.0);
        costs::TrainingProblem problem;
        problem.samples = 3000;
        problem.features = 10;
        problem.batchSize = 500;
        problem.epochs = 2;
        costs::SmpcSetup setup;
        setup.parties = 3;
        const auto plan = costs::trainingPlan(problem, setup);
        QVERIFY(plan.ok());
        QCOMPARE(metricValue(r, "crypto.smpc_rounds"),
                 static_cast<double>(plan.value().totalRounds));
        QVERIFY(std::abs(metricValue(r, "crypto.smpc_bytes") - plan.value().totalBytes) <
                static_cast<double>(plan.value().totalRounds) * 6);  // whole bytes a message
        // Every round is one message each way through the router: 2 x 2 ms, the bytes
        // negligible at 100 Gbit/s; before them, the preprocessing.
        const double expected = plan.value().preprocessingSeconds +
                                static_cast<double>(plan.value().totalRounds) * 0.004;
        const double took = metricMean(r, "crypto.smpc_time");
        QVERIFY2(std::abs(took / expected - 1) < 0.02,
                 qPrintable(QString("%1 vs %2").arg(took).arg(expected)));
        QVERIFY(std::abs(metricMean(r, "crypto.smpc_offline_time") -
                         plan.value().preprocessingSeconds) < 1e-6);
    }

    void scenarioParametersOverrideTheCitedConstants() {
        // Twice the cost of a triple: twice the offline phase.
        const std::string base =
            R"("smpc_samples": 3000, "smpc_features": 10, "smpc_batch": 500, "smpc_epochs": 2)";
        const double once = metricMean(run(smpcScenario(base)), "crypto.smpc_offline_time");
        char doubled[40];
        std::snprintf(doubled, sizeof doubled, "%.17g",
                      2 * costs::SmpcConstants{}.secondsPerTripleTwoParties);
        const double twice =
            metricMean(run(smpcScenario(base + R"(, "smpc_triple_seconds": )" + doubled)),
                       "crypto.smpc_offline_time");
        QVERIFY2(std::abs(twice / once - 2) < 1e-6, qPrintable(QString::number(twice / once)));
        // Slower NTTs: a slower encrypted evaluation.
        const std::string fhe = R"("fhe_rate": 0.05, "fhe_stop": "100s")";
        const double t0 = metricMean(run(inferenceScenario(fhe)), "crypto.fhe_provider_time");
        const double t1 = metricMean(run(inferenceScenario(fhe + R"(, "fhe_ntt_seconds": 1e-8)")),
                                     "crypto.fhe_provider_time");
        QVERIFY2(t1 > 1.5 * t0, qPrintable(QString("%1 vs %2").arg(t1).arg(t0)));
    }

    void aCrashedPartyStallsTheTraining() {
        const core::RunReport r = run(smpcScenario(
            R"("smpc_samples": 3000, "smpc_features": 10, "smpc_batch": 500, "smpc_epochs": 2)",
            R"(, "faults": [{"at": "50ms", "kind": "crash", "targets": ["banks[1]"], "duration": "1h"}])"));
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metricValue(r, "crypto.smpc_finished"), 0.0);
    }

    void smpcNeedsTwoParties() {
        auto s = core::loadScenarioText(
            smpcScenario(R"("smpc_epochs": 1)")
                .replace(smpcScenario("").find("\"count\": 3"), 10, "\"count\": 1"),
            "w.dais.json", {}, &registry_);
        QVERIFY(s.ok());
        auto prepared = core::ScenarioRun::prepare(*s, {});
        QString error;
        if (!prepared)
            error = QString::fromStdString(prepared.error().message);
        else
            error = QString::fromStdString((*prepared)->run().error);
        QVERIFY2(error.contains("two parties"), qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(TestCryptoWorkloads)
#include "tst_crypto_workloads.moc"
