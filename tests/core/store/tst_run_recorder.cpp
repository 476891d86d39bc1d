// RunRecorder: one run recorded as `dais run` and the studio record it: the scenario's name,
// the run's seed, parameters, run.until and layer versions from the start, then its outcome.
#include <QtTest>

#include <QTemporaryDir>

#include "../test_layers.h"
#include "dais/core/runner.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/store/run_recorder.h"
#include "dais/store/run_store.h"

using namespace dais;
using store::RunRecorder;
using store::RunStatus;
using store::RunStore;

namespace {

#define REQUIRE_OK(expr)                                                           \
    do {                                                                           \
        const auto& r_ = (expr);                                                   \
        QVERIFY2(r_.ok(), r_.ok() ? "" : std::string(r_.error().message).c_str()); \
    } while (false)

constexpr const char* kTicker = R"({"ticker": {"period": "1s", "count": 2}})";

/// Publishes one table: each node with its degree.
class CensusLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "census";
        d.name = "Census";
        d.version = "1.0.0";
        d.summary = "Lists the nodes; for tests.";
        core::TableSpec t;
        t.name = "census.nodes";
        t.title = "Nodes";
        t.help = "One row per node.";
        t.columns = {{"node", core::ColumnType::Node, "", "The node."},
                     {"degree", core::ColumnType::Integer, "links", "Its links."}};
        d.tables.push_back(t);
        return {d, [] { return std::unique_ptr<core::Layer>(new CensusLayer()); }};
    }
    void setup(core::LayerContext& ctx) override { net_ = &ctx.network(); }
    void inspect(std::string_view, core::TableWriter& out) override {
        for (sim::NodeIndex i = 0; i < net_->nodeCount(); ++i)
            out.row().node(i).integer(net_->degree(i));
    }

  private:
    sim::Network* net_ = nullptr;
};

}  // namespace

class TestRunRecorder : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<core::LayerRegistry> registry_ = testing::testRegistry();
    int files_ = 0;

    std::unique_ptr<RunStore> freshStore() {
        const std::string path =
            dir_.filePath(QStringLiteral("runs%1.sqlite").arg(++files_)).toStdString();
        auto s = RunStore::open(path);
        if (!s) qFatal("%s", s.error().message.c_str());
        return std::move(s).value();
    }
    core::Scenario load(const std::string& text, const std::vector<std::string>& overrides = {}) {
        auto s = core::loadScenarioText(text, "rec.dais.json", overrides, registry_.get());
        if (!s) qFatal("%s", s.error().message.c_str());
        return std::move(s).value();
    }

  private slots:
    void recordsARunWithItsChoices() {
        const std::vector<std::string> overrides = {"layers.ticker.count=3"};
        const core::Scenario scenario = load(testing::scenarioWithLayers(kTicker), overrides);
        auto s = freshStore();
        RunRecorder recorder(*s);
        QVERIFY(!recorder.begun());
        QVERIFY(recorder.observer() == nullptr);
        const sim::SimTime until = 30 * sim::kSecond;
        auto id = recorder.begin(scenario, 9, overrides, until);
        REQUIRE_OK(id);
        QVERIFY(recorder.begun());
        QCOMPARE(recorder.id(), *id);

        // The choices are there while the run goes on.
        auto running = s->run(*id);
        REQUIRE_OK(running);
        QCOMPARE(running->status, RunStatus::Running);
        QCOMPARE(running->scenarioName, std::string("t"));
        QCOMPARE(running->seed, std::uint64_t{9});
        QCOMPARE(running->parameters["layers.ticker.count"].get<int>(), 3);
        QCOMPARE(running->parameters["run.until"].get<std::string>(), std::string("30.000000s"));
        QCOMPARE(running->layerVersions["ticker"].get<std::string>(), std::string("1.0.0"));
        auto stored = s->scenario(running->scenarioHash);
        REQUIRE_OK(stored);
        QCOMPARE(stored->name, std::string("t"));
        QCOMPARE(stored->document, scenario.document.dump());

        core::RunOptions options;
        options.seed = 9;
        options.until = until;
        options.observer = recorder.observer();
        auto run = core::ScenarioRun::prepare(scenario, options);
        REQUIRE_OK(run);
        const core::RunReport report = (*run)->run();
        REQUIRE_OK(recorder.finish(report));

        auto done = s->run(*id);
        REQUIRE_OK(done);
        QCOMPARE(done->status, RunStatus::Completed);
        QCOMPARE(done->fingerprint, report.fingerprint);
        QCOMPARE(done->events, report.events);
        QCOMPARE(done->scenarioName, report.scenarioName);
        QCOMPARE(done->layerVersions["ticker"].get<std::string>(), std::string("1.0.0"));
        auto finals = s->finalMetrics(*id);
        REQUIRE_OK(finals);
        QCOMPARE(finals->size(), report.metrics.size());
    }

    void untilGivenAsAParameterIsKept() {
        const core::Scenario scenario = load(testing::scenarioWithLayers(kTicker));
        auto s = freshStore();
        RunRecorder recorder(*s);
        auto id = recorder.begin(scenario, 1, {"run.until=5s"}, 5 * sim::kSecond);
        REQUIRE_OK(id);
        auto r = s->run(*id);
        REQUIRE_OK(r);
        QCOMPARE(r->parameters.size(), std::size_t{1});
        QCOMPARE(r->parameters["run.until"].get<std::string>(), std::string("5s"));
    }

    void withoutUntilNoneIsRecorded() {
        const core::Scenario scenario = load(testing::scenarioWithLayers(kTicker));
        auto s = freshStore();
        RunRecorder recorder(*s);
        auto id = recorder.begin(scenario, 1, {});
        REQUIRE_OK(id);
        auto r = s->run(*id);
        REQUIRE_OK(r);
        QVERIFY(r->parameters.empty());
    }

    void anUnnamedScenarioIsNamedByItsSource() {
        std::string text = testing::scenarioWithLayers(kTicker);
        const std::string meta = R"("meta": {"name": "t"},)";
        text.erase(text.find(meta), meta.size());
        const core::Scenario scenario = load(text);
        QVERIFY(scenario.meta.name.empty());
        QCOMPARE(RunRecorder::scenarioName(scenario), scenario.sourceName);
        QVERIFY(!scenario.sourceName.empty());
        auto s = freshStore();
        RunRecorder recorder(*s);
        auto id = recorder.begin(scenario, 1, {});
        REQUIRE_OK(id);
        auto r = s->run(*id);
        REQUIRE_OK(r);
        QCOMPARE(r->scenarioName, scenario.sourceName);
    }

    // The studio records a run that its runner drives: the run's final tables go with it.
    void theRunnersRunKeepsItsTables() {
        QVERIFY(registry_->add(CensusLayer::factory()).ok());
        const core::Scenario scenario =
            load(testing::scenarioWithLayers(R"({"ticker": {"count": 2}, "census": {}})"));
        auto s = freshStore();
        RunRecorder recorder(*s);
        auto id = recorder.begin(scenario, 1, {});
        REQUIRE_OK(id);
        core::RunOptions options;
        options.observer = recorder.observer();
        auto run = core::ScenarioRun::prepare(scenario, options);
        REQUIRE_OK(run);
        core::Runner runner(std::move(run).value());
        runner.start();
        QVERIFY(runner.wait(std::chrono::milliseconds(20000)));
        const auto report = runner.report();
        QCOMPARE(report->status, core::RunStatus::Completed);
        REQUIRE_OK(recorder.finish(*report));

        auto tables = s->tables(*id);
        REQUIRE_OK(tables);
        QCOMPARE(tables->size(), std::size_t{1});
        QCOMPARE(tables->front().name, std::string("census.nodes"));
        QCOMPARE(tables->front().rows, std::size_t{2});
        auto stored = s->table(*id, "census.nodes");
        REQUIRE_OK(stored);
        const core::InspectorTable* ran = report->table("census.nodes");
        QVERIFY(ran != nullptr);
        QCOMPARE(stored->filledAt(), ran->filledAt());
        for (std::size_t r = 0; r < 2; ++r)
            for (std::size_t c = 0; c < 2; ++c)
                QCOMPARE(stored->text(r, c), ran->text(r, c));
        QCOMPARE(stored->text(1, 0), std::string("b"));
        QCOMPARE(stored->integer(0, 1), std::int64_t{1});
    }

    void finishWithoutBeginIsRefused() {
        auto s = freshStore();
        RunRecorder recorder(*s);
        const auto finished = recorder.finish(core::RunReport{});
        QVERIFY(!finished.ok());
        QVERIFY(finished.error().message.find(s->path()) != std::string::npos);
    }

    void aReadOnlyStoreRefusesTheRun() {
        std::string path;
        {
            auto s = freshStore();
            path = s->path();
        }
        auto ro = RunStore::open(path, {.mode = store::StoreOptions::Mode::ReadOnly});
        REQUIRE_OK(ro);
        RunRecorder recorder(**ro);
        QVERIFY(!recorder.begin(load(testing::scenarioWithLayers(kTicker)), 1, {}).ok());
        QVERIFY(!recorder.begun());
    }
};

QTEST_GUILESS_MAIN(TestRunRecorder)
#include "tst_run_recorder.moc"
