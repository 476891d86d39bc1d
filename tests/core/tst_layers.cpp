// The layer API: descriptor checks, parameter validation in scenarios and --set, services
// between layers, and layer failures ending a run (never the process).
#include <QtTest>

#include <algorithm>
#include <array>

#include "dais/core/layer.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/core/services.h"
#include "test_layers.h"

using namespace dais;
using testing::scenarioWithLayers;

namespace {
/// Two ledgers, to provide one service twice.
struct ToyLedgers {
    testing::ToyLedgerLayer a{"a"}, b{"b"};
};
}  // namespace

class TestLayers : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<core::LayerRegistry> registry_ = testing::testRegistry();

    core::Result<core::Scenario> load(const std::string& layers,
                                      const std::vector<std::string>& overrides = {}) {
        return core::loadScenarioText(scenarioWithLayers(layers), "t.dais.json", overrides,
                                      registry_.get());
    }
    QString errorOf(const std::string& layers, const std::vector<std::string>& overrides = {}) {
        auto s = load(layers, overrides);
        return s.ok() ? QString("(loaded)") : QString::fromStdString(s.error().message);
    }
    core::RunReport runOf(const std::string& layers) {
        auto s = load(layers);
        if (!s.ok()) qFatal("%s", s.error().message.c_str());
        auto run = core::ScenarioRun::prepare(*s);
        if (!run.ok()) qFatal("%s", run.error().message.c_str());
        return (*run)->run();
    }

  private slots:
    void goodDescriptorHasNoProblems() {
        QVERIFY(core::checkDescriptor(testing::TickerLayer::factory().descriptor).empty());
        QVERIFY(core::checkDescriptor(testing::NotaryLayer::factory().descriptor).empty());
    }

    void descriptorMistakes_data() {
        QTest::addColumn<int>("mistake");
        QTest::addColumn<QString>("problem");
        QTest::newRow("id") << 0
                            << "layer \"Tick er\": the id must be lower-case letters, digits, '-' "
                               "or '_', starting with a letter";
        QTest::newRow("duplicate param")
            << 1 << "layer \"ticker\": parameter \"count\": declared twice";
        QTest::newRow("default out of range")
            << 2
            << "layer \"ticker\": parameter \"period\": the default is invalid: expected a "
               "duration (\"250ms\", or seconds) in [0.001, 3600] s, got \"2h\"";
        QTest::newRow("choice default") << 3
                                        << "layer \"ticker\": parameter \"label\": the default is "
                                           "invalid: expected one of \"a\", \"b\", got \"c\"";
        QTest::newRow("metric prefix") << 4
                                       << "layer \"ticker\": metric \"ticks\": names start with "
                                          "the layer id and a dot (ticker.something)";
        QTest::newRow("no help") << 5 << "layer \"ticker\": parameter \"count\": has no help text";
        QTest::newRow("range on a string")
            << 6
            << "layer \"ticker\": parameter \"label\": a range only applies to numeric parameters";
        QTest::newRow("no version") << 7 << "layer \"ticker\": the version is empty";
        QTest::newRow("state colour")
            << 8
            << "layer \"ticker\": node state \"done\": the colour is not \"#rrggbb\": \"grey\"";
        QTest::newRow("state name") << 9
                                    << "layer \"ticker\": node state \"Done\": names are "
                                       "lower-case words";
        QTest::newRow("state twice")
            << 10 << "layer \"ticker\": node state \"ticking\": declared twice";
        QTest::newRow("state help")
            << 11 << "layer \"ticker\": node state \"done\": has no help text";
    }
    void descriptorMistakes() {
        QFETCH(int, mistake);
        QFETCH(QString, problem);
        core::LayerDescriptor d = testing::TickerLayer::factory().descriptor;
        switch (mistake) {
            case 0:
                d.id = "Tick er";
                break;
            case 1:
                d.params.push_back(d.params[1]);
                break;
            case 2:
                d.params[0].defaultValue = "2h";
                break;
            case 3:
                d.params[4].defaultValue = "c";
                break;
            case 4:
                d.metrics[0].name = "ticks";
                break;
            case 5:
                d.params[1].help.clear();
                break;
            case 6:
                d.params[4].min = 1;
                break;
            case 7:
                d.version.clear();
                break;
            case 8:
                d.nodeStates[1].colour = "grey";
                break;
            case 9:
                d.nodeStates[1].name = "Done";
                break;
            case 10:
                d.nodeStates.push_back(d.nodeStates[0]);
                break;
            case 11:
                d.nodeStates[1].help.clear();
                break;
        }
        const std::vector<std::string> problems = core::checkDescriptor(d);
        QStringList got;
        for (const auto& p : problems)
            got << QString::fromStdString(p);
        QVERIFY2(got.contains(problem), qPrintable(got.join("\n")));
    }

    void registryRefusesDuplicatesAndBadDescriptors() {
        core::LayerRegistry r;
        QVERIFY(r.add(testing::TickerLayer::factory()).ok());
        auto again = r.add(testing::TickerLayer::factory(), "second.so");
        QVERIFY(!again.ok());
        QCOMPARE(
            QString::fromStdString(again.error().message),
            "layer \"ticker\" from second.so is ignored: it is already installed from built in");
        core::LayerFactory bad = testing::NotaryLayer::factory();
        bad.descriptor.version.clear();
        auto refused = r.add(bad, "bad.so");
        QVERIFY(!refused.ok());
        QCOMPARE(
            QString::fromStdString(refused.error().message),
            "layer \"notary\" from bad.so is invalid:\n  layer \"notary\": the version is empty");
        QCOMPARE(r.ids(), std::vector<std::string>{"ticker"});
    }

    void parametersGetDefaultsAndUnits() {
        auto s = load(R"({"ticker": {"period": "250ms", "count": 4}})");
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->layerSettings.size(), std::size_t(1));
        const core::LayerParams& p = s->layerSettings[0].params;
        QCOMPARE(p.duration("period"), 250 * sim::kMillisecond);
        QCOMPARE(p.integer("count"), std::int64_t(4));
        QCOMPARE(p.integer("fail_at"), std::int64_t(-1));
        QCOMPARE(QString::fromStdString(p.text("label")), QString("a"));
        // Reading a parameter as the wrong type, or one not declared, is a defect in the layer.
        QVERIFY_THROWS_EXCEPTION(core::LayerError, p.duration("count"));
        QVERIFY_THROWS_EXCEPTION(core::LayerError, p.integer("nope"));
    }

    void badSettings_data() {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown layer") << R"({"tiker": {}})"
                                       << "t.dais.json: /layers/tiker: unknown layer \"tiker\" "
                                          "(installed: notary, pricer, ticker, "
                                          "toyledger, toyledger2) (did you mean \"ticker\"?)";
        QTest::newRow("unknown parameter")
            << R"({"ticker": {"perod": "1s"}})"
            << "t.dais.json: /layers/ticker/perod: layer \"ticker\" has no parameter \"perod\" "
               "(did you mean \"period\"?)";
        QTest::newRow("not an integer")
            << R"({"ticker": {"count": "ten"}})"
            << "t.dais.json: /layers/ticker/count: expected an integer, got \"ten\"";
        QTest::newRow("fraction")
            << R"({"ticker": {"count": 2.5}})"
            << "t.dais.json: /layers/ticker/count: expected an integer, got 2.5";
        QTest::newRow("out of range") << R"({"ticker": {"period": "2h"}})"
                                      << "t.dais.json: /layers/ticker/period: expected a duration "
                                         "(\"250ms\", or seconds) in [0.001, 3600] s, got \"2h\"";
        QTest::newRow("bad unit")
            << R"({"ticker": {"period": "5 parsecs"}})"
            << "t.dais.json: /layers/ticker/period: \"5 parsecs\": unknown duration unit "
               "\"parsecs\" (use ns, us, \u00B5s, ms, s, min, h)";
        QTest::newRow("bad choice")
            << R"({"ticker": {"label": "c"}})"
            << "t.dais.json: /layers/ticker/label: expected one of \"a\", \"b\", got \"c\"";
        QTest::newRow("enabled not bool")
            << R"({"ticker": {"enabled": "yes"}})"
            << "t.dais.json: /layers/ticker/enabled: expected true or false, got \"yes\"";
        QTest::newRow("not an object")
            << R"({"ticker": 3})"
            << "t.dais.json: /layers/ticker: expected an object of parameters, got 3";
        QTest::newRow("missing service")
            << R"({"notary": {}})"
            << "t.dais.json: /layers/notary: layer \"notary\" needs the service \"ledger\" (it "
               "records digests), which no enabled layer provides; enable a layer that provides "
               "it: toyledger, toyledger2";
        QTest::newRow("provider disabled")
            << R"({"notary": {}, "toyledger": {"enabled": false}})"
            << "t.dais.json: /layers/notary: layer \"notary\" needs the service \"ledger\" (it "
               "records digests), which no enabled layer provides; enable a layer that provides "
               "it: toyledger, toyledger2";
    }
    void badSettings() {
        QFETCH(QString, layers);
        QFETCH(QString, error);
        QCOMPARE(errorOf(layers.toStdString()), error);
    }

    void missingRoleIsNamed() {
        const std::string text = R"({"format": "dais-scenario", "version": 1,
          "network": {"nodes": [{"id": "a", "role": "phone"}]},
          "layers": {"notary": {}, "toyledger": {}}, "run": {"until": "5s"}})";
        auto s = core::loadScenarioText(text, "r.dais.json", {}, registry_.get());
        QVERIFY(!s.ok());
        QCOMPARE(QString::fromStdString(s.error().message),
                 "r.dais.json: /layers/notary: layer \"notary\" needs at least one node with role "
                 "\"cloud\" (the notary runs on a cloud node); the network's roles are: phone");
    }

    void setReachesLayerParameters() {
        auto s = load(R"({"ticker": {}})", {"layers.ticker.count=3"});
        QVERIFY(s.ok());
        QCOMPARE(s->layerSettings[0].params.integer("count"), std::int64_t(3));
        QCOMPARE(errorOf(R"({"ticker": {}})", {"layers.ticker.cont=3"}),
                 "t.dais.json: /layers/ticker/cont: layer \"ticker\" has no parameter \"cont\" "
                 "(did you mean \"count\"?)");
        QCOMPARE(
            errorOf(R"({"ticker": {}})", {"layers.ticker.count=-3"}),
            "t.dais.json: /layers/ticker/count: expected an integer in [0, 1000000000], got -3");
        // A layer may be switched on from the command line.
        auto on = load("{}", {"layers.ticker.count=2"});
        QVERIFY(on.ok());
        QCOMPARE(runOf(R"({"ticker": {"count": 2}})").metric("ticker.ticks")->value, 2.0);
    }

    void disabledLayerDoesNotRun() {
        const core::RunReport r = runOf(R"({"ticker": {"enabled": false}})");
        QCOMPARE(r.status, core::RunStatus::Completed);
        QVERIFY(r.metric("ticker.ticks") == nullptr);
        QVERIFY(r.layerVersions.empty());
    }

    // The notary comes first in the scenario and uses the ledger as the run starts: by then
    // every layer is set up, the ledger too.
    void servicesConnectLayers() {
        const core::RunReport r = runOf(R"({"notary": {}, "toyledger": {}})");
        QCOMPARE(r.status, core::RunStatus::Completed);
        // Submitted as the run starts, committed one second later.
        QCOMPARE(r.metric("notary.committed_at")->value, 1.0);
        QCOMPARE(r.metric("toyledger.records")->value, 1.0);
        QCOMPARE(r.layerVersions.at("notary"), std::string("0.1.0"));
        QCOMPARE(r.layerVersions.at("toyledger"), std::string("0.1.0"));
    }

    // Two layers provide the ledger service: a consumer gets the first by default, or the one
    // it is told; the registry lists both, in the order they offered it.
    void severalProvidersOfOneService() {
        const core::RunReport first = runOf(R"({"notary": {}, "toyledger": {}, "toyledger2": {}})");
        QCOMPARE(first.status, core::RunStatus::Completed);
        QCOMPARE(first.metric("toyledger.records")->value, 1.0);
        QCOMPARE(first.metric("toyledger2.records")->value, 0.0);
        const core::RunReport chosen =
            runOf(R"({"notary": {"ledger": "toyledger2"}, "toyledger": {}, "toyledger2": {}})");
        QCOMPARE(chosen.status, core::RunStatus::Completed);
        QCOMPARE(chosen.metric("toyledger.records")->value, 0.0);
        QCOMPARE(chosen.metric("toyledger2.records")->value, 1.0);

        core::ServiceRegistry services;
        ToyLedgers ledgers;
        QVERIFY(services.provide<core::LedgerService>(&ledgers.a, "a"));
        QVERIFY(services.provide<core::LedgerService>(&ledgers.b, "b"));
        QVERIFY(!services.provide<core::LedgerService>(&ledgers.b, "b"));  // once per layer
        QCOMPARE(services.providers("ledger"), (std::vector<std::string>{"a", "b"}));
        QCOMPARE(services.find<core::LedgerService>(), &ledgers.a);
        QCOMPARE(services.find<core::LedgerService>("b"), &ledgers.b);
        QVERIFY(services.find<core::LedgerService>("c") == nullptr);
        QCOMPARE(services.providerOf("ledger"), std::string("a"));
    }

    void failedCheckEndsTheRunNotTheProcess() {
        const core::RunReport r = runOf(R"({"ticker": {"fail_at": 3}})");
        QCOMPARE(r.status, core::RunStatus::Failed);
        QCOMPARE(r.metric("ticker.ticks")->value, 3.0);
        const QString e = QString::fromStdString(r.error);
        QVERIFY2(e.startsWith("the run failed: the ticker was told to fail (check failed: "
                              "done_ != failAt_, at test_layers.h:"),
                 qPrintable(e));
    }

    void exceptionEndsTheRun() {
        const core::RunReport r = runOf(R"({"ticker": {"throw_at": 2}})");
        QCOMPARE(r.status, core::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(r.error), "the run failed: the ticker threw at tick 2");
        QCOMPARE(r.simulatedTime, 2 * sim::kSecond);
    }

    // What layers show of their nodes reaches every activity sink tagged with the layer: the
    // run numbers its layers 1, 2, ... in set-up order, and a state is its declaration's index.
    void nodeDisplayIsTaggedWithTheLayer() {
        auto s = load(R"({"notary": {}, "ticker": {"count": 3}, "toyledger": {}})");
        QVERIFY(s.ok());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(run.ok());
        const std::vector<std::string> ids = (*run)->layerIds();
        const auto ticker = std::find(ids.begin(), ids.end(), "ticker") - ids.begin() + 1;
        QVERIFY(ticker >= 1 && ticker <= 3);
        struct Recorder final : sim::ActivitySink {
            std::vector<std::array<unsigned, 3>> states;  // source, node, state
            std::vector<std::pair<unsigned, sim::NodeActivity>> activities;
            void onNodeState(sim::SimTime, sim::NodeIndex node, sim::ActivitySource source,
                             sim::NodeStateCode state) override {
                states.push_back({source, node, state});
            }
            void onActivity(sim::SimTime, sim::NodeIndex, sim::NodeActivity a,
                            sim::ActivitySource source) override {
                activities.emplace_back(source, a);
            }
        } rec;
        (*run)->network().addActivitySink(&rec);
        QCOMPARE((*run)->run().status, core::RunStatus::Completed);
        const unsigned t = static_cast<unsigned>(ticker);
        QCOMPARE(rec.states,
                 (std::vector<std::array<unsigned, 3>>{{t, 0, 0}, {t, 0, 0}, {t, 0, 1}}));
        QCOMPARE(rec.activities.size(), std::size_t{3});
        QCOMPARE(rec.activities.back(), std::make_pair(t, sim::NodeActivity::Idle));
        const auto& d = registry_->find("ticker")->descriptor;
        QCOMPARE(d.nodeState("done"), sim::NodeStateCode{1});
        QCOMPARE(d.nodeState("nothing"), sim::kNoNodeState);
    }

    // A layer that sets a state it does not declare is refused at set-up, saying which.
    void undeclaredNodeStateIsADefect() {
        auto s = load(R"({"ticker": {"label": "b"}})");
        QVERIFY(s.ok());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(!run.ok());
        QVERIFY2(
            run.error().message.find("layer \"ticker\" sets the node state \"ticked\", "
                                     "which its descriptor does not declare") != std::string::npos,
            run.error().message.c_str());
    }

    void sameScenarioSameFingerprint() {
        const core::RunReport a = runOf(R"({"ticker": {"count": 50}})");
        const core::RunReport b = runOf(R"({"ticker": {"count": 50}})");
        QCOMPARE(a.fingerprint, b.fingerprint);
        QVERIFY(a.fingerprint != runOf(R"({"ticker": {"count": 51}})").fingerprint);
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
