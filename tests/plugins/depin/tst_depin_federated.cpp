// Federated learning on rented compute: the hospitals of the bundled scenario, whose own
// processors are slow, rent GPUs of a DePIN market for each round (federated compute: rent).
// Renting changes when the updates come and what the round costs, not the model: the same
// rounds reach the same accuracy as on the hospitals' own processors, sooner, and what the
// clients paid is what the market was paid.
#include <QtTest>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/layers/depin.h"
#include "dais/layers/federated.h"

using namespace dais;

class TestDepinFederated : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;
    const std::string file_ = std::string(DAIS_SOURCE_DIR) + "/scenarios/hospitals.dais.json";

    core::RunReport run(const nlohmann::json& doc) {
        auto s = core::loadScenarioText(doc.dump(), file_, {}, &registry_);
        if (!s) qFatal("%s", s.error().message.c_str());
        auto r = core::ScenarioRun::prepare(*s);
        if (!r) qFatal("%s", r.error().message.c_str());
        core::RunReport report = (*r)->run();
        if (report.status != core::RunStatus::Completed) qFatal("%s", report.error.c_str());
        return report;
    }
    static double metric(const core::RunReport& r, const char* name) {
        const auto* m = r.metric(name);
        if (m == nullptr) qFatal("no metric %s", name);
        return m->value;
    }

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(layers::depin::factory()).ok());
        QVERIFY(registry_.add(layers::federated::factory()).ok());
    }

    void hospitalsTrainOnRentedGpus() {
        std::ifstream in(file_);
        nlohmann::json doc = nlohmann::json::parse(in);
        doc.erase("experiments");
        doc["run"]["until"] = "2h";
        auto& fed = doc["layers"]["federated"];
        fed["rounds"] = 10;
        fed.erase("target_accuracy");
        // Slow hospitals: 10 kFLOP/s each (a round of their training takes seconds).
        doc["network"]["groups"][0]["resources"]["cpu_gflops"] = 1e-5;
        // A logistic model's training is a few kFLOP: at this price a round costs a client
        // about a thousandth of a token, enough to show in the accounts.
        doc["network"]["groups"].push_back(
            {{"id", "gpus"},
             {"count", 4},
             {"role", "gpu"},
             {"attach", "coordinator"},
             {"access", {{"latency", "5ms"}, {"bandwidth", "1Gbps"}}},
             {"attributes", {{"depin", {{"hardware", "rtx-4090"}, {"price", 1e10}}}}}});
        doc["layers"]["depin"] = {{"provider_role", "gpu"},
                                  {"client_role", "client"},
                                  {"arrival_rate", 1e-9},
                                  {"matching", "book"},
                                  {"policy", "least-loaded"}};
        doc["payments"] = {{"endowments", {{{"role", "client"}, {"amount", 100}}}}};
        const core::RunReport own = run(doc);
        fed["compute"] = "rent";
        const core::RunReport rented = run(doc);

        QCOMPARE(metric(own, "federated.round"), 10.0);
        QCOMPARE(metric(rented, "federated.round"), 10.0);
        // Every client of every round trained on a rented GPU, and the model is the same.
        QCOMPARE(metric(rented, "federated.rented_trainings"), 100.0);
        QCOMPARE(metric(rented, "depin.jobs_done"), 100.0);
        QCOMPARE(metric(rented, "federated.accuracy"), metric(own, "federated.accuracy"));
        QCOMPARE(metric(own, "federated.rented_trainings"), 0.0);
        // Sooner: a GPU trains far faster than 10 kFLOP/s, even with the model's trips.
        QVERIFY2(rented.metric("federated.round_time")->mean <
                     0.5 * own.metric("federated.round_time")->mean,
                 qPrintable(QString("%1 %2")
                                .arg(rented.metric("federated.round_time")->mean)
                                .arg(own.metric("federated.round_time")->mean)));
        // Paid for: what the clients spent is what the market took, to the unit.
        QVERIFY(metric(rented, "federated.rent_spent") > 0);
        QVERIFY(std::abs(metric(rented, "federated.rent_spent") - metric(rented, "depin.spent")) <
                1e-9);
    }
};

QTEST_GUILESS_MAIN(TestDepinFederated)
#include "tst_depin_federated.moc"
