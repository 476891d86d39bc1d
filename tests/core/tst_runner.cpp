// The runner: commands from another thread (run, pause, step, run-until, speed, stop), output
// at a bounded rate, failures ending the run and never the process. Waits are on queued signals
// (as the studio receives them), never on sleeps.
#include <QtTest>

#include <condition_variable>
#include <mutex>

#include "dais/core/runner.h"
#include "dais/core/scenario.h"
#include "test_layers.h"

using namespace dais;

/// Forwards the runner's callbacks (on its worker thread) to queued Qt signals.
class SignalListener : public QObject, public core::RunnerListener {
    Q_OBJECT
  public:
    void onState(core::RunnerState s) override { emit state(static_cast<int>(s)); }
    void onSnapshot(const std::shared_ptr<const core::RunnerSnapshot>& s) override {
        emit snapshot(s);
    }
    void onMetrics(const std::shared_ptr<const core::MetricBatch>& b) override { emit metrics(b); }
    void onFinished(const std::shared_ptr<const core::RunReport>& r) override { emit finished(r); }
  signals:
    void state(int state);
    void snapshot(std::shared_ptr<const dais::core::RunnerSnapshot> s);
    void metrics(std::shared_ptr<const dais::core::MetricBatch> b);
    void finished(std::shared_ptr<const dais::core::RunReport> r);
};

/// What the test thread has received.
class Received : public QObject {
    Q_OBJECT
  public:
    explicit Received(SignalListener& l) {
        connect(
            &l, &SignalListener::state, this, [this](int s) { states.push_back(s); },
            Qt::QueuedConnection);
        connect(
            &l, &SignalListener::snapshot, this,
            [this](std::shared_ptr<const core::RunnerSnapshot> s) {
                last = std::move(s);
                ++snapshots;
            },
            Qt::QueuedConnection);
        connect(
            &l, &SignalListener::metrics, this,
            [this](std::shared_ptr<const core::MetricBatch> b) {
                ++batches;
                for (const auto& p : b->points)
                    points.push_back(p);
            },
            Qt::QueuedConnection);
        connect(
            &l, &SignalListener::finished, this,
            [this](std::shared_ptr<const core::RunReport> r) { report = std::move(r); },
            Qt::QueuedConnection);
    }
    std::vector<int> states;
    std::shared_ptr<const core::RunnerSnapshot> last;
    int snapshots = 0, batches = 0;
    std::vector<core::MetricPoint> points;
    std::shared_ptr<const core::RunReport> report;

    bool paused() const { return last && last->state == core::RunnerState::Paused; }
};

/// Adds one to a node-scoped counter each second, to node (tick mod 2): snapshots carry the
/// values per node.
class NodeTickerLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "nodeticker";
        d.name = "Node ticker";
        d.version = "1.0.0";
        d.summary = "Counts ticks per node; for tests.";
        d.metrics = {{"nodeticker.ticks", "ticks", sim::MetricType::Counter, sim::MetricScope::Node,
                      "Ticks at each node."}};
        return {d, [] { return std::unique_ptr<core::Layer>(new NodeTickerLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        ticks_ = ctx.defineMetric("nodeticker.ticks");
        kind_ = ctx.simulation().registerKind<&NodeTickerLayer::onTick>("nodeticker.tick", *this);
        ctx.simulation().scheduleIn(sim::kSecond, 0, kind_);
    }

  private:
    void onTick(sim::Simulation& sim, const sim::Event&) {
        sim.metrics().addNode(ticks_, static_cast<std::uint32_t>(done_ % 2), 1);
        if (++done_ < 30) sim.scheduleIn(sim::kSecond, 0, kind_);
    }
    std::uint64_t done_ = 0;
    sim::MetricId ticks_ = 0;
    sim::KindId kind_ = 0;
};

/// A layer whose listener throws, to check that a failing listener fails the run only.
class ThrowingListener : public core::RunnerListener {
  public:
    void onSnapshot(const std::shared_ptr<const core::RunnerSnapshot>& s) override {
        if (s->executed > 0) throw std::runtime_error("the listener broke");
    }
};

class TestRunner : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<core::LayerRegistry> registry_ = testing::testRegistry();

    std::unique_ptr<core::ScenarioRun> prepare(
        const std::string& layers,
        const std::string& run = R"({"seed": 3, "until": "100s", "sample_interval": "1s"})") {
        auto s = core::loadScenarioText(testing::scenarioWithLayers(layers, run), "r.dais.json", {},
                                        registry_.get());
        if (!s.ok()) qFatal("%s", s.error().message.c_str());
        auto r = core::ScenarioRun::prepare(*s);
        if (!r.ok()) qFatal("%s", r.error().message.c_str());
        return std::move(r.value());
    }

  private slots:
    void initTestCase() {
        qRegisterMetaType<std::shared_ptr<const core::RunnerSnapshot>>();
        qRegisterMetaType<std::shared_ptr<const core::MetricBatch>>();
        qRegisterMetaType<std::shared_ptr<const core::RunReport>>();
        QVERIFY(registry_->add(NodeTickerLayer::factory()).ok());
    }

    // Snapshots carry node-scoped metrics per node; values that did not change between two
    // snapshots are the same shared vector.
    void snapshotsCarryValuesPerNode() {
        std::string text =
            testing::scenarioWithLayers(R"({"nodeticker": {}})", R"({"seed": 1, "until": "100s"})");
        text.insert(text.rfind(", \"run\""),
                    R"(, "payments": {"endowments": [{"nodes": ["b"], "amount": 5}]})");
        auto s = core::loadScenarioText(text, "r.dais.json", {}, registry_.get());
        QVERIFY2(s.ok(), s ? "" : s.error().message.c_str());
        auto prepared = core::ScenarioRun::prepare(*s);
        QVERIFY2(prepared.ok(), prepared ? "" : prepared.error().message.c_str());
        core::Runner runner(std::move(*prepared), {30, /*startPaused=*/true});
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY(got.paused());
        auto values = [&](const char* name) -> std::shared_ptr<const std::vector<double>> {
            const auto& cat = got.last->catalog->metrics;
            for (const auto& n : got.last->nodeMetrics)
                if (cat[n.metric].name == name) return n.values;
            return nullptr;
        };
        const auto balance0 = values("payments.balance");
        QVERIFY(balance0 != nullptr);
        QCOMPARE(*balance0, (std::vector<double>{0.0, 5.0}));
        QCOMPARE(*values("nodeticker.ticks"), (std::vector<double>{0.0, 0.0}));

        runner.runUntil(5 * sim::kSecond + sim::kMillisecond);  // ticks 1..5: nodes 0, 1, 0, 1, 0
        QTRY_VERIFY(got.paused() && got.last->executed == 5);
        const auto ticks5 = values("nodeticker.ticks");
        QCOMPARE(*ticks5, (std::vector<double>{3.0, 2.0}));
        QCOMPARE(values("payments.balance"), balance0);  // unchanged: the same vector

        runner.step(1);
        QTRY_VERIFY(got.paused() && got.last->executed == 6);
        QCOMPARE(*values("nodeticker.ticks"), (std::vector<double>{3.0, 3.0}));
        QCOMPARE(*ticks5, (std::vector<double>{3.0, 2.0}));  // an earlier snapshot keeps its own
        // Read whole, a node-scoped counter is the total over the nodes.
        const auto& cat = got.last->catalog->metrics;
        for (const core::MetricPoint& p : got.last->metrics)
            if (cat[p.metric].name == "nodeticker.ticks") QCOMPARE(p.value, 6.0);
        runner.stop();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
    }

    void runsToTheEndLikeADirectRun() {
        const std::string layers = R"({"ticker": {"count": 80}})";
        const core::RunReport direct = prepare(layers)->run();

        core::Runner runner(prepare(layers));
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QCOMPARE(got.report->status, core::RunStatus::Completed);
        QCOMPARE(got.report->fingerprint, direct.fingerprint);
        QCOMPARE(got.report->events, direct.events);
        QCOMPARE(got.report->metric("ticker.ticks")->value, 80.0);
        QCOMPARE(runner.state(), core::RunnerState::Completed);
        QCOMPARE(got.states.back(), int(core::RunnerState::Completed));
        QVERIFY(got.last && got.last->state == core::RunnerState::Completed);
        QCOMPARE(got.last->executed, direct.events);
        QVERIFY(runner.wait(std::chrono::milliseconds(0)));
        QCOMPARE(runner.report()->fingerprint, direct.fingerprint);
    }

    void stopEndsLongWorkInsideAnEvent() {
        // Tick 3 works until the run is asked to end (a training round over a million clients,
        // say): a stop must end it between two pieces of work, not after the event.
        testing::TickerLayer::busyStarted = false;
        testing::TickerLayer::busyFinished = false;
        core::Runner runner(prepare(R"({"ticker": {"count": 10, "busy_at": 3}})"));
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        // Inside the event the worker publishes nothing: wait for the work itself.
        QTRY_VERIFY(testing::TickerLayer::busyStarted);
        runner.stop();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QVERIFY(!testing::TickerLayer::busyFinished);
        QCOMPARE(got.report->status, core::RunStatus::Stopped);
        QVERIFY2(got.report->error.empty(), got.report->error.c_str());
        QCOMPARE(got.report->metric("ticker.ticks")->value, 3.0);
        QCOMPARE(runner.state(), core::RunnerState::Stopped);
    }

    void stepPauseRunUntilFromAnotherThread() {
        const std::string layers = R"({"ticker": {"count": 50}})";
        const core::RunReport direct = prepare(layers)->run();

        core::Runner runner(prepare(layers), {30, /*startPaused=*/true});
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY(got.paused());
        QCOMPARE(got.last->executed, std::uint64_t(0));

        runner.step(5);
        QTRY_VERIFY(got.paused() && got.last->executed == 5);
        QCOMPARE(got.last->now, 5 * sim::kSecond);  // a tick each second

        runner.runUntil(20 * sim::kSecond + sim::kMillisecond);
        QTRY_VERIFY(got.paused() && got.last->now == 20 * sim::kSecond + sim::kMillisecond);
        QCOMPARE(got.last->executed, std::uint64_t(20));
        // The snapshot carries the latest metrics, named by the catalog.
        const auto& cat = got.last->catalog->metrics;
        const auto it = std::find_if(cat.begin(), cat.end(), [](const sim::MetricInfo& m) {
            return m.name == "ticker.ticks";
        });
        QVERIFY(it != cat.end());
        QCOMPARE(got.last->metrics[std::size_t(it - cat.begin())].value, 20.0);

        runner.step(1);
        QTRY_VERIFY(got.paused() && got.last->executed == 21);
        runner.resume();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        // Interrupting a run never changes it.
        QCOMPARE(got.report->fingerprint, direct.fingerprint);
        QCOMPARE(got.report->status, core::RunStatus::Completed);
    }

    void pauseAndResumeWhileRunning() {
        // Paced at 1000x, 100 s take about 0.1 s of wall time: long enough to pause mid-way.
        const std::string layers = R"({"ticker": {"count": 100}})";
        const core::RunReport direct = prepare(layers)->run();
        core::Runner runner(prepare(layers));
        QVERIFY(runner.setSpeed(1000));
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        runner.pause();
        QTRY_VERIFY(got.paused() || got.report);
        if (!got.report) {
            QCOMPARE(got.last->speed, 1000.0);
            runner.setSpeed(0);
            runner.resume();
        }
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QCOMPARE(got.report->fingerprint, direct.fingerprint);
    }

    void speedIsChecked() {
        core::Runner runner(prepare(R"({"ticker": {}})"));
        QVERIFY(!runner.setSpeed(5000));
        QVERIFY(!runner.setSpeed(0.01));
        QVERIFY(!runner.setSpeed(-1));
        QVERIFY(runner.setSpeed(10));
        QVERIFY(runner.setSpeed(0));
    }

    void stopEndsTheRunEarly() {
        // A run that would take about 10 minutes of wall time when paced at 1x.
        core::Runner runner(prepare(R"({"ticker": {"count": 600}})", R"({"until": "700s"})"),
                            {30, /*startPaused=*/false});
        runner.setSpeed(1);
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY(got.last && got.last->state == core::RunnerState::Running);
        std::thread other([&runner] { runner.stop(); });
        other.join();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QCOMPARE(got.report->status, core::RunStatus::Stopped);
        QCOMPARE(runner.state(), core::RunnerState::Stopped);
        QVERIFY(got.report->metric("ticker.ticks")->value < 600);
        // Commands after the end are ignored.
        runner.resume();
        runner.step(3);
        QCOMPARE(runner.state(), core::RunnerState::Stopped);
    }

    void destroyingARunningRunnerStopsIt() {
        auto runner = std::make_unique<core::Runner>(
            prepare(R"({"ticker": {"count": 600}})", R"({"until": "700s"})"));
        runner->setSpeed(1);
        runner->start();
        runner.reset();  // must not hang or crash
        QVERIFY(true);
    }

    void layerFailureEndsTheRun() {
        core::Runner runner(prepare(R"({"ticker": {"fail_at": 7}})"));
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QCOMPARE(got.report->status, core::RunStatus::Failed);
        QVERIFY2(QString::fromStdString(got.report->error).contains("the ticker was told to fail"),
                 got.report->error.c_str());
        QCOMPARE(runner.state(), core::RunnerState::Failed);
        QCOMPARE(got.states.back(), int(core::RunnerState::Failed));
    }

    void timeBeyondTheLatestFoundWhileBuildingIsRefused() {
        // A fault that would end after the longest simulated time: found as the network is built,
        // the scenario is refused, its element named by its pointer (once).
        auto s = core::loadScenarioText(
            R"({"format": "dais-scenario", "version": 1,
                "network": {"nodes": [{"id": "a"}, {"id": "b"}],
                            "links": [{"from": "a", "to": "b"}],
                            "faults": [{"kind": "crash", "targets": ["a"], "at": 9e9,
                                        "duration": 9e9}]},
                "run": {"until": "1s"}})",
            "f.dais.json", {}, registry_.get());
        QVERIFY(s.ok());
        const auto r = core::ScenarioRun::prepare(*s);
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.error().message),
                 "f.dais.json: /network/faults/0 (crash): lasting 285 years from 285 years, it "
                 "would end at 570 years, beyond the longest simulated time (292 years)");
    }

    void listenerFailureEndsTheRun() {
        core::Runner runner(prepare(R"({"ticker": {"count": 90}})"));
        ThrowingListener bad;
        SignalListener l;
        Received got(l);
        runner.addListener(&bad);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QCOMPARE(got.report->status, core::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(got.report->error),
                 "a run listener failed: the listener broke");
    }

    void everySampleArrivesInBatches() {
        // 2,000 samples of every metric: they arrive complete, in time order, in far fewer
        // batches than samples (batches go out at most 30 times a second, plus the last one).
        core::Runner runner(prepare(R"({"ticker": {"count": 2000, "period": "1ms"}})",
                                    R"({"until": "2s", "sample_interval": "1ms"})"));
        SignalListener l;
        Received got(l);
        runner.addListener(&l);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(got.report != nullptr, 20000);
        QCOMPARE(got.report->status, core::RunStatus::Completed);
        const std::size_t metrics = got.last->catalog->metrics.size();
        QVERIFY(metrics > 1);
        QCOMPARE(got.points.size() % metrics, std::size_t(0));
        const std::size_t samples = got.points.size() / metrics;
        QVERIFY2(samples >= 2000 && samples <= 2001, qPrintable(QString::number(samples)));
        for (std::size_t i = 1; i < got.points.size(); ++i)
            QVERIFY(got.points[i].time >= got.points[i - 1].time);
        QVERIFY2(got.batches < int(samples) / 10, qPrintable(QString::number(got.batches)));
    }

    void kernelSessionRunsABareSimulation() {
        sim::Simulation s;
        struct Count {
            int n = 0;
            void on(sim::Simulation& sim, const sim::Event&) {
                if (++n < 1000) sim.scheduleIn(sim::kMillisecond, 0, kind);
            }
            sim::KindId kind = 0;
        } c;
        c.kind = s.registerKind<&Count::on>("count", c);
        s.scheduleAt(0, 0, c.kind);
        core::Runner runner(std::make_unique<core::KernelSession>(s, sim::kTimeNever));
        runner.start();
        QVERIFY(runner.wait(std::chrono::milliseconds(20000)));
        QCOMPARE(runner.report()->events, std::uint64_t(1000));
        QCOMPARE(runner.report()->status, core::RunStatus::Completed);
    }

    void keepAliveRunTakesInputAndWritesItsJournal() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        sim::Simulation s({5, sim::QueueKind::Ladder});
        struct Echo {
            std::mutex mutex;
            std::condition_variable cv;
            std::vector<std::string> bodies;
            sim::KindId kind = 0;
            void on(sim::Simulation& sim, const sim::Event& e) {
                const auto b = sim.inputBytes(e);
                std::lock_guard lock(mutex);
                bodies.emplace_back(reinterpret_cast<const char*>(b.data()), b.size());
                cv.notify_all();
            }
            void waitFor(std::size_t n) {
                std::unique_lock lock(mutex);
                cv.wait(lock, [&] { return bodies.size() >= n; });
            }
        } echo;
        echo.kind = s.registerKind<&Echo::on>("live.echo", echo);
        core::Runner::Options options;
        options.keepAlive = true;
        options.journalPath = dir.filePath("live.journal").toStdString();
        core::Runner runner(std::make_unique<core::KernelSession>(s, sim::kTimeNever), options);
        runner.start();
        const std::string body = "a message body";
        const auto* p = reinterpret_cast<const std::byte*>(body.data());
        QVERIFY(runner.inbox().post(echo.kind, 3, 42, 0, {p, body.size()}));
        echo.waitFor(1);
        // The queue is empty again, yet the run goes on: a second input is taken too.
        QVERIFY(runner.inbox().post(echo.kind, 4, 43));
        echo.waitFor(2);
        runner.stop();
        QVERIFY(runner.wait(std::chrono::milliseconds(20000)));
        QCOMPARE(runner.report()->status, core::RunStatus::Stopped);
        QCOMPARE(runner.report()->events, std::uint64_t(2));
        QCOMPARE(echo.bodies, (std::vector<std::string>{body, ""}));
        QVERIFY(!runner.inbox().post(echo.kind, 5, 44));  // the run has ended

        const sim::Result<sim::Journal> journal = sim::readJournalFile(options.journalPath);
        QVERIFY2(journal.ok(), journal.ok() ? "" : journal.error().message.c_str());
        QCOMPARE(journal->seed, std::uint64_t(5));
        QCOMPARE(journal->entries.size(), std::size_t(2));
        const sim::JournalEntry& first = journal->entries[0];
        QCOMPARE(first.kind, std::string("live.echo"));
        QCOMPARE(first.target, sim::TargetId(3));
        QCOMPARE(first.data, std::uint64_t(42));
        QCOMPARE(first.bytes, std::vector<std::byte>(p, p + body.size()));
        QCOMPARE(journal->entries[1].point, std::uint64_t(1));
    }

    void aJournalThatCannotBeWrittenFailsTheRun() {
        QTemporaryDir dir;
        sim::Simulation s;
        core::Runner::Options options;
        options.journalPath = dir.filePath("no/such/folder/run.journal").toStdString();
        core::Runner runner(std::make_unique<core::KernelSession>(s, sim::kTimeNever), options);
        runner.start();
        QVERIFY(runner.wait(std::chrono::milliseconds(20000)));
        QCOMPARE(runner.report()->status, core::RunStatus::Failed);
        QVERIFY2(
            runner.report()->error.starts_with("cannot write the journal " + options.journalPath),
            runner.report()->error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
