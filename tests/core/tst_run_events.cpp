// Structured run events: the digest they carry (SHA-256 against FIPS 180-4's examples), the
// declaration and its checks, recording (an undeclared kind, a bad code or node is a defect of
// the layer), the report (in order, named nodes, cut details), the bound and what it drops, the
// runner's batches, and that keeping events or not changes nothing in the run.
#include <QtTest>
#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/layer_definition.h"
#include "dais/core/runner.h"
#include "dais/core/scenario.h"
#include "test_layers.h"

using namespace dais;

namespace {

/// Records `per_tick` events of kind "echo.tick" at every tick (one a second, `ticks` of them),
/// about nodes 0 and 1 in turn, each with the digest of the tick's number and a detail "tick T
/// event E", then one "echo.done" about no node and without digest. `misuse` makes it a
/// defective layer: "undeclared" asks for a kind it does not declare, "code" records with a
/// code it never got, "node" about a node the network does not have, "long" records a detail
/// of 300 bytes.
class EchoLayer final : public core::Layer {
  public:
    struct Config {
        std::int64_t ticks = 0, perTick = 0;
        std::string misuse;
    };
    using Definition = core::LayerDefinition<Config>;
    static const Definition& definition() {
        static const Definition once = [] {
            Definition d("echo", "Echo", "1.0.0");
            d.summary("Records events as it ticks; for tests.");
            d.integer("ticks", &Config::ticks, 3, "ticks", "Ticks, one a second.").range(0, 1e6);
            d.integer("per_tick", &Config::perTick, 2, "events", "Events a tick.").range(0, 1e6);
            d.text("misuse", &Config::misuse, "", "", "How to misuse events.");
            d.eventKind("echo.tick", "A tick's event.");
            d.eventKind("echo.done", "The last tick.");
            return d;
        }();
        return once;
    }
    static core::LayerFactory factory() {
        return {definition().descriptor(),
                [] { return std::unique_ptr<core::Layer>(new EchoLayer()); }};
    }
    static core::Digest tickDigest(std::int64_t tick) {
        const std::string text = "tick " + std::to_string(tick);
        return core::sha256(std::as_bytes(std::span(text.data(), text.size())));
    }

    void setup(core::LayerContext& ctx) override {
        cfg_ = definition().read(ctx.params());
        events_ = ctx.events();
        tick_ = ctx.eventKind("echo.tick");
        done_ = ctx.eventKind("echo.done");
        if (cfg_.misuse == "undeclared") (void)ctx.eventKind("echo.nothing");
        kind_ = ctx.simulation().registerKind<&EchoLayer::onTick>("echo.tick", *this);
        if (cfg_.ticks > 0) ctx.simulation().scheduleIn(sim::kSecond, 0, kind_);
    }

  private:
    void onTick(sim::Simulation& sim, const sim::Event&) {
        ++ticks_;
        for (std::int64_t i = 0; i < cfg_.perTick; ++i)
            events_.record(tick_, static_cast<sim::NodeIndex>(i % 2), tickDigest(ticks_),
                           "tick " + std::to_string(ticks_) + " event " + std::to_string(i));
        if (cfg_.misuse == "code") events_.record(core::EventKind{7}, 0);
        if (cfg_.misuse == "node") events_.record(tick_, sim::NodeIndex{99});
        if (cfg_.misuse == "long")
            events_.record(tick_, 0, std::string(199, 'x') + "\xc3\xa9" + std::string(100, 'y'));
        if (ticks_ < cfg_.ticks)
            sim.scheduleIn(sim::kSecond, 0, kind_);
        else
            events_.record(done_, core::kNoEventNode, "done");
    }

    Config cfg_;
    core::EventRecorder events_;
    core::EventKind tick_ = 0, done_ = 0;
    sim::KindId kind_ = 0;
    std::int64_t ticks_ = 0;
};

/// Keeps the runner's event batches.
class EventBatches final : public core::RunnerListener {
  public:
    void onEvents(const std::shared_ptr<const core::RunEvents>& batch) override {
        std::lock_guard lock(mutex);
        all.push_back(batch);
    }
    std::mutex mutex;
    std::vector<std::shared_ptr<const core::RunEvents>> all;
};

}  // namespace

class TestRunEvents : public QObject {
    Q_OBJECT

    std::unique_ptr<core::LayerRegistry> registry_ = testing::testRegistry();

    core::Scenario load(const std::string& echo) {
        const std::string text = testing::scenarioWithLayers(R"({"echo": )" + echo + "}",
                                                             R"({"seed": 1, "until": "60s"})");
        auto s = core::loadScenarioText(text, "echo.dais.json", {}, registry_.get());
        if (!s) qFatal("%s", s.error().message.c_str());
        return std::move(s).value();
    }
    std::unique_ptr<core::ScenarioRun> prepare(const std::string& echo,
                                               const core::RunOptions& options = {}) {
        auto r = core::ScenarioRun::prepare(load(echo), options);
        if (!r) qFatal("%s", r.error().message.c_str());
        return std::move(r).value();
    }

  private slots:
    void initTestCase() { QVERIFY(registry_->add(EchoLayer::factory()).ok()); }

    // --- declaring -------------------------------------------------------------------------

    void kindsHaveTheirCodesInOrder() {
        const core::LayerDescriptor& d = EchoLayer::definition().descriptor();
        QCOMPARE(d.eventKinds.size(), std::size_t{2});
        QCOMPARE(d.eventKind("echo.tick"), core::EventKind{0});
        QCOMPARE(d.eventKind("echo.done"), core::EventKind{1});
        QCOMPARE(d.eventKind("tick"), core::kNoEventKind);
        QVERIFY(core::checkDescriptor(d).empty());
    }

    void badKindsAreReported_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("help");
        QTest::addColumn<QString>("problem");
        QTest::newRow("no prefix") << "tick"
                                   << "h"
                                   << "names are the layer id, a dot";
        QTest::newRow("other layer") << "gossip.tick"
                                     << "h"
                                     << "names are the layer id, a dot";
        QTest::newRow("upper case") << "echo.Tick"
                                    << "h"
                                    << "names are the layer id, a dot";
        QTest::newRow("space") << "echo.a tick"
                               << "h"
                               << "names are the layer id, a dot";
        QTest::newRow("nothing after the dot") << "echo."
                                               << "h"
                                               << "names are the layer id";
        QTest::newRow("no help") << "echo.quiet"
                                 << ""
                                 << "has no help text";
        QTest::newRow("twice") << "echo.tick"
                               << "h"
                               << "declared twice";
    }
    void badKindsAreReported() {
        QFETCH(QString, name);
        QFETCH(QString, help);
        QFETCH(QString, problem);
        core::LayerDescriptor d = EchoLayer::definition().descriptor();
        d.eventKinds.push_back({name.toStdString(), help.toStdString()});
        const auto problems = core::checkDescriptor(d);
        QCOMPARE(problems.size(), std::size_t{1});
        const QString p = QString::fromStdString(problems.front());
        QVERIFY2(p.startsWith("layer \"echo\": event kind \"" + name + "\": "), qPrintable(p));
        QVERIFY2(p.contains(problem), qPrintable(p));
    }

    // --- recording -------------------------------------------------------------------------

    void undeclaredKindFailsTheSetUp() {
        auto r = core::ScenarioRun::prepare(load(R"({"misuse": "undeclared"})"));
        QVERIFY(!r.ok());
        const QString m = QString::fromStdString(r.error().message);
        QVERIFY2(m.contains("layer \"echo\" records events of kind \"echo.nothing\", which its "
                            "descriptor does not declare"),
                 qPrintable(m));
        QVERIFY2(m.contains("/layers/echo"), qPrintable(m));
    }

    void badCodeOrNodeFailsTheRun_data() {
        QTest::addColumn<QString>("misuse");
        QTest::addColumn<QString>("message");
        QTest::newRow("code") << "code"
                              << "records an event of kind code 7, which its descriptor";
        QTest::newRow("node") << "node"
                              << "about node 99, but the network has 2 nodes";
    }
    void badCodeOrNodeFailsTheRun() {
        QFETCH(QString, misuse);
        QFETCH(QString, message);
        auto run = prepare("{\"misuse\": \"" + misuse.toStdString() + "\"}");
        const core::RunReport report = run->run();
        QCOMPARE(report.status, core::RunStatus::Failed);
        QVERIFY2(QString::fromStdString(report.error).contains(message), report.error.c_str());
        QVERIFY2(QString::fromStdString(report.error).contains("layer \"echo\""),
                 report.error.c_str());
    }

    void eventsReachTheReportInOrder() {
        auto run = prepare(R"({"ticks": 3, "per_tick": 2})");
        const core::RunReport report = run->run();
        QCOMPARE(report.status, core::RunStatus::Completed);
        QVERIFY(report.runEvents != nullptr);
        const core::RunEvents& ev = *report.runEvents;
        QCOMPARE(ev.events.size(), std::size_t{7});  // 3 ticks of 2, and "done"
        QCOMPARE(ev.dropped, std::uint64_t{0});
        QCOMPARE(ev.limit, core::RunEventLog::kDefaultLimit);
        QVERIFY(ev.catalog != nullptr);
        for (std::size_t i = 0; i < 6; ++i) {
            const core::RunEvent& e = ev.events[i];
            const auto tick = static_cast<std::int64_t>(i / 2 + 1);
            QCOMPARE(e.time, sim::SimTime{tick} * sim::kSecond);
            QCOMPARE(ev.catalog->layerId(e), std::string("echo"));
            QCOMPARE(ev.catalog->kind(e).name, std::string("echo.tick"));
            QCOMPARE(ev.catalog->shortName(e), std::string_view("tick"));
            QCOMPARE(e.node, sim::NodeIndex(i % 2));
            QVERIFY(e.hasDigest);
            QCOMPARE(e.digest, EchoLayer::tickDigest(tick));
            QCOMPARE(e.detail, "tick " + std::to_string(tick) + " event " + std::to_string(i % 2));
        }
        // Nodes by the names the scenario gives them.
        QCOMPARE(ev.nodeName(ev.events[0]), std::string("a"));
        QCOMPARE(ev.nodeName(ev.events[1]), std::string("b"));
        const core::RunEvent& done = ev.events.back();
        QCOMPARE(ev.catalog->kind(done).name, std::string("echo.done"));
        QCOMPARE(done.node, core::kNoEventNode);
        QCOMPARE(ev.nodeName(done), std::string());
        QVERIFY(!done.hasDigest);
        QCOMPARE(done.time, 3 * sim::kSecond);
    }

    void longDetailsAreCutAtACharacter() {
        auto run = prepare(R"({"ticks": 1, "per_tick": 0, "misuse": "long"})");
        const core::RunReport report = run->run();
        QVERIFY(report.runEvents != nullptr);
        QCOMPARE(report.runEvents->events.size(), std::size_t{2});
        const std::string& detail = report.runEvents->events.front().detail;
        // 199 'x', a two-byte character and 100 'y': 200 bytes would end inside the character,
        // so the cut comes before it.
        QCOMPARE(core::RunEventLog::kMaxDetail, std::size_t{200});
        QCOMPARE(detail, std::string(199, 'x'));
    }

    void theBoundKeepsTheFirstAndCountsTheRest() {
        auto run = prepare(R"({"ticks": 10, "per_tick": 3})");
        run->limitEvents(5);
        const core::RunReport report = run->run();
        QVERIFY(report.runEvents != nullptr);
        const core::RunEvents& ev = *report.runEvents;
        QCOMPARE(ev.events.size(), std::size_t{5});
        QCOMPARE(ev.dropped, std::uint64_t{31 - 5});
        QCOMPARE(ev.limit, std::size_t{5});
        QCOMPARE(ev.events.back().time, 2 * sim::kSecond);  // ticks 1 and 2 of 3 events each
        QCOMPARE(ev.events.back().detail, std::string("tick 2 event 1"));
    }

    void runnerBatchesAddUpToTheReport() {
        core::Runner::Options options;
        options.maxEvents = 50;
        core::Runner runner(prepare(R"({"ticks": 40, "per_tick": 2})"), options);
        EventBatches batches;
        runner.addListener(&batches);
        runner.start();
        QVERIFY(runner.wait());
        const auto report = runner.report();
        QVERIFY(report && report->runEvents);
        QCOMPARE(report->runEvents->events.size(), std::size_t{50});
        QCOMPARE(report->runEvents->dropped, std::uint64_t{81 - 50});
        std::vector<core::RunEvent> joined;
        std::uint64_t dropped = 0;
        for (const auto& b : batches.all) {
            QVERIFY(b->catalog != nullptr);
            QCOMPARE(b->limit, std::size_t{50});
            joined.insert(joined.end(), b->events.begin(), b->events.end());
            dropped += b->dropped;
        }
        QCOMPARE(joined.size(), std::size_t{50});
        QCOMPARE(dropped, std::uint64_t{31});
        for (std::size_t i = 0; i < joined.size(); ++i) {
            QCOMPARE(joined[i].time, report->runEvents->events[i].time);
            QCOMPARE(joined[i].detail, report->runEvents->events[i].detail);
        }
    }

    void keepingEventsChangesNothingInTheRun() {
        const core::RunReport kept = prepare(R"({"ticks": 5, "per_tick": 4})")->run();
        core::RunOptions off;
        off.events = false;
        const core::RunReport notKept = prepare(R"({"ticks": 5, "per_tick": 4})", off)->run();
        QVERIFY(kept.runEvents != nullptr);
        QCOMPARE(kept.runEvents->events.size(), std::size_t{21});
        QVERIFY(notKept.runEvents == nullptr);
        QCOMPARE(notKept.status, core::RunStatus::Completed);
        QCOMPARE(kept.fingerprint, notKept.fingerprint);
        QCOMPARE(kept.events, notKept.events);
        QCOMPARE(kept.simulatedTime, notKept.simulatedTime);
    }

    void aDefaultRecorderRecordsNothing() {
        const core::EventRecorder none;
        QVERIFY(!none.on());
        none.record(core::EventKind{3}, sim::NodeIndex{12345}, "ignored");  // no log: no defect
    }
};

QTEST_GUILESS_MAIN(TestRunEvents)
#include "tst_run_events.moc"
