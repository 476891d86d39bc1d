// The studio's run library: a run driven from the GUI thread through RunController (prepared
// off the GUI thread, commands, bounded signals, the store, the activity feed) and the event
// log's model, filter and view.

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include "../private_runtime_dir.h"
#include "charts/chart_widget.h"
#include "dais/core/digest.h"
#include "dais/core/layer_registry.h"
#include "dais/store/run_store.h"
#include "run/event_log.h"
#include "run/event_loop_gap_probe.h"
#include "run/live_chart_panel.h"
#include "run/live_metrics.h"
#include "run/run_controller.h"

using namespace dais;
using namespace dais::studio;
using Clock = std::chrono::steady_clock;

namespace {

std::string scenarioPath(const char* name) {
    return std::string(DAIS_SOURCE_DIR) + "/scenarios/" + name;
}

/// Loads a scenario of the repository, or fails the calling test.
std::optional<core::Scenario> load(const char* name, const std::vector<std::string>& overrides) {
    auto s = core::loadScenarioFile(scenarioPath(name), overrides);
    if (!s) {
        qWarning("%s", s.error().message.c_str());
        return std::nullopt;
    }
    return std::move(s).value();
}

/// Everything one controller emits, kept in order.
struct Recorder {
    std::vector<std::string> order;  ///< signal names, consecutive repeats folded
    std::vector<core::RunnerState> states;
    std::vector<std::shared_ptr<const core::RunnerSnapshot>> snapshots;
    std::vector<std::shared_ptr<const core::MetricBatch>> metrics;
    std::vector<std::shared_ptr<const TraceBatch>> traces;
    std::vector<std::shared_ptr<const ActivityBatch>> activity;
    std::shared_ptr<const NetworkStructure> structure;
    std::shared_ptr<const core::RunReport> report;
    QString failure;
    int prepared = 0, finished = 0;

    explicit Recorder(RunController& c) {
        auto note = [this](const char* name) {
            if (order.empty() || order.back() != name) order.push_back(name);
        };
        QObject::connect(&c, &RunController::prepared, [this, note](auto l) {
            note("prepared");
            ++prepared;
            structure = l;
        });
        QObject::connect(&c, &RunController::failed, [this, note](const QString& m) {
            note("failed");
            failure = m;
        });
        QObject::connect(&c, &RunController::stateChanged,
                         [this](core::RunnerState s) { states.push_back(s); });
        QObject::connect(&c, &RunController::snapshot, [this, note](auto s) {
            note("snapshot");
            snapshots.push_back(s);
        });
        QObject::connect(&c, &RunController::metrics, [this, note](auto m) {
            note("metrics");
            metrics.push_back(m);
        });
        QObject::connect(&c, &RunController::traces, [this](auto t) { traces.push_back(t); });
        QObject::connect(&c, &RunController::activity, [this](auto a) { activity.push_back(a); });
        QObject::connect(&c, &RunController::finished, [this, note](auto r) {
            note("finished");
            ++finished;
            report = r;
        });
    }
    /// The latest snapshot (a blank one before any).
    const core::RunnerSnapshot& last() const {
        static const core::RunnerSnapshot none{};
        return snapshots.empty() ? none : *snapshots.back();
    }
    bool lastState(core::RunnerState s) const { return !states.empty() && states.back() == s; }
    std::size_t points() const {
        std::size_t n = 0;
        for (const auto& m : metrics)
            n += m->points.size();
        return n;
    }
    std::size_t hops() const {
        std::size_t n = 0;
        for (const auto& a : activity)
            n += a->hops.size();
        return n;
    }
    void clearData() {
        activity.clear();
        traces.clear();
    }
};

/// Waits (processing events) until the controller's run has ended.
bool waitIdle(RunController& c, int ms = 20000) {
    return QTest::qWaitFor([&] { return !c.busy(); }, ms);
}

/// Waits until the run is paused with a snapshot taken after the pause.
bool waitPaused(const Recorder& r, int ms = 10000) {
    return QTest::qWaitFor(
        [&] {
            return r.lastState(core::RunnerState::Paused) && !r.snapshots.empty() &&
                   r.last().state == core::RunnerState::Paused;
        },
        ms);
}

/// A small network structure for the event log: two named nodes and a group of three.
std::shared_ptr<const NetworkStructure> smallStructure() {
    auto l = std::make_shared<NetworkStructure>();
    l->nodes.resize(5);
    l->nodes[0].id = "server";
    l->nodes[1].id = "gateway";
    NetworkStructure::Group g;
    g.id = "phones";
    g.first = 2;
    g.count = 3;
    l->groups.push_back(g);
    for (std::uint32_t i = 2; i < 5; ++i)
        l->nodes[i].group = 0;
    return l;
}

TraceLine line(double seconds, std::uint32_t node, const char* category, const char* text) {
    TraceLine t;
    t.time = sim::fromSeconds(seconds);
    t.node = node;
    t.category = category;
    t.text = text;
    return t;
}

}  // namespace

class TestStudioRun : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
        const auto& layers = core::LayerRegistry::installed();
        QVERIFY2(layers.find("gossip") != nullptr, "the gossip plugin is not built");
        QVERIFY2(layers.find("federated") != nullptr, "the federated plugin is not built");
    }

    void runDeliversPreparedThenSnapshotsAndMetrics() {
        auto s = load("single-link-queue.dais.json", {"run.until=5s", "run.sample_interval=100ms"});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        QSignalSpy preparing(&c, &RunController::preparing);
        c.start(*s, {});
        QCOMPARE(preparing.count(), 1);
        QVERIFY(c.busy());
        QVERIFY(waitIdle(c));
        QCOMPARE(r.prepared, 1);
        QCOMPARE(r.finished, 1);
        QVERIFY(r.failure.isEmpty());
        QVERIFY(r.structure);
        QCOMPARE(r.structure->nodes.size(), std::size_t{2});
        // prepared comes first, finished last, snapshots and metrics in between.
        QCOMPARE(r.order.front(), std::string("prepared"));
        QCOMPARE(r.order.back(), std::string("finished"));
        QVERIFY(!r.snapshots.empty());
        QVERIFY(!r.metrics.empty());
        QCOMPARE(r.points() % r.metrics.front()->catalog->metrics.size(), std::size_t{0});
        // 50 samples of every metric, none lost on the way.
        QCOMPARE(r.points() / r.metrics.back()->catalog->metrics.size(), std::size_t{50});
        QCOMPARE(r.last().now, sim::fromSeconds(5));
        QVERIFY(r.lastState(core::RunnerState::Completed));
        QCOMPARE(c.state(), core::RunnerState::Completed);
        QCOMPARE(r.report->status, core::RunStatus::Completed);
        QCOMPARE(r.report->seed, std::uint64_t{1});
        QCOMPARE(c.seed(), std::optional<std::uint64_t>(1));
        QVERIFY(!c.storedRunId());
    }

    void pauseStepRunUntilAndStop() {
        auto s = load("single-link-queue.dais.json", {"run.until=60s"});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        RunController::StartOptions o;
        o.startPaused = true;
        c.start(*s, o);
        QVERIFY(waitPaused(r));
        const std::uint64_t executed = r.last().executed;
        const sim::SimTime now = r.last().now;
        QTest::qWait(150);
        QCOMPARE(r.last().executed, executed);  // paused: nothing runs

        c.step(1);
        QVERIFY(QTest::qWaitFor([&] { return r.last().executed == executed + 1; }, 5000));
        QVERIFY(waitPaused(r));
        QCOMPARE(r.last().executed, executed + 1);
        c.step(3);
        QVERIFY(QTest::qWaitFor([&] { return r.last().executed == executed + 4; }, 5000));
        QVERIFY(waitPaused(r));
        QVERIFY(r.last().now >= now);

        c.runUntil(sim::fromSeconds(2));
        QVERIFY(QTest::qWaitFor([&] { return r.last().now == sim::fromSeconds(2); }, 5000));
        QVERIFY(waitPaused(r));
        QCOMPARE(r.last().now, sim::fromSeconds(2));

        // Paced running, then a pause holds simulated time still.
        c.setSpeed(5);
        c.resume();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return r.last().state == core::RunnerState::Running &&
                       r.last().now > sim::fromSeconds(2);
            },
            5000));
        c.pause();
        QVERIFY(waitPaused(r));
        const sim::SimTime held = r.last().now;
        const std::size_t snapshots = r.snapshots.size();
        QTest::qWait(250);
        QCOMPARE(r.last().now, held);
        QCOMPARE(r.snapshots.size(), snapshots);
        QVERIFY(held < sim::fromSeconds(20));

        c.stop();
        QVERIFY(waitIdle(c));
        QVERIFY(r.lastState(core::RunnerState::Stopped));
        QCOMPARE(r.report->status, core::RunStatus::Stopped);
        QCOMPARE(r.report->simulatedTime, held);
        // Commands after the end are ignored.
        c.resume();
        c.step();
        c.stop();
        QTest::qWait(50);
        QCOMPARE(r.finished, 1);
    }

    void restartUsesTheSeed() {
        auto s = load("single-link-queue.dais.json", {"run.until=60s"});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        RunController::StartOptions o;
        o.speed = 2;
        c.start(*s, o);
        QVERIFY(QTest::qWaitFor([&] { return r.prepared == 1 && !r.snapshots.empty(); }, 10000));
        c.restart(42);
        QVERIFY(c.busy());
        QCOMPARE(c.seed(), std::optional<std::uint64_t>(42));
        QVERIFY(QTest::qWaitFor([&] { return r.prepared == 2; }, 10000));
        QCOMPARE(c.speed(), 2.0);
        c.setSpeed(0);
        QVERIFY(waitIdle(c));
        // Only the new run finishes in the signals: the first was stopped and set aside.
        QCOMPARE(r.finished, 1);
        QCOMPARE(r.report->seed, std::uint64_t{42});
        QCOMPARE(r.report->status, core::RunStatus::Completed);

        c.restart();  // a new random seed
        QVERIFY(waitIdle(c));
        QCOMPARE(r.finished, 2);
        QVERIFY(c.seed());
        QCOMPARE(r.report->seed, *c.seed());
    }

    void failingPrepareSaysWhy() {
        auto s = load("single-link-queue.dais.json", {});
        QVERIFY(s);
        s->run.until = sim::kTimeNever;  // its traffic never stops: the run would never end
        RunController c;
        Recorder r(c);
        QSignalSpy failed(&c, &RunController::failed);
        c.start(*s, {});
        QVERIFY(waitIdle(c));
        QCOMPARE(failed.count(), 1);
        QVERIFY2(r.failure.contains("never ends"), qPrintable(r.failure));
        QVERIFY(r.failure.contains("single-link-queue.dais.json"));
        QCOMPARE(r.prepared, 0);
        QCOMPARE(r.finished, 0);
        QCOMPARE(c.state(), core::RunnerState::Failed);
    }

    void stopWhilePreparingAndDestroyWhileRunning() {
        auto s = load("single-link-queue.dais.json", {"run.until=60s"});
        QVERIFY(s);
        {
            RunController c;
            Recorder r(c);
            c.start(*s, {});
            c.stop();  // before the runner exists, or just after it started
            QVERIFY(waitIdle(c));
            QVERIFY(r.lastState(core::RunnerState::Stopped));
            QCOMPARE(r.finished, r.prepared);  // a run that started also finishes
        }
        QElapsedTimer timer;
        timer.start();
        {
            RunController c;
            Recorder r(c);
            RunController::StartOptions o;
            o.speed = 1;  // a minute of wall time, unless stopped
            c.start(*s, o);
            QVERIFY(QTest::qWaitFor([&] { return !r.snapshots.empty(); }, 10000));
        }  // the controller stops the run and waits for its threads
        QVERIFY(timer.elapsed() < 10000);
    }

    void storedRunKeepsSamplesAndTrace() {
        const QString path = dir_.filePath("runs.sqlite");
        auto opened = store::RunStore::open(path.toStdString());
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        std::shared_ptr<store::RunStore> st = std::move(opened).value();
        auto s = load("hospitals.dais.json", {});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        EventLogModel log;
        log.attach(&c);
        QSignalSpy warnings(&c, &RunController::warning);
        RunController::StartOptions o;
        o.store = st;
        o.seed = 7;
        o.parameters = {"layers.federated.rounds=5"};
        c.start(*s, o);
        QVERIFY(waitIdle(c, 30000));
        QCOMPARE(warnings.count(), 0);
        QCOMPARE(r.report->status, core::RunStatus::Completed);
        QVERIFY(c.storedRunId());
        const store::RunId id = *c.storedRunId();
        auto run = st->run(id);
        QVERIFY2(run, run ? "" : run.error().message.c_str());
        QCOMPARE(run->status, store::RunStatus::Completed);
        QCOMPARE(run->seed, std::uint64_t{7});
        QCOMPARE(run->events, r.report->events);
        QCOMPARE(run->fingerprint, r.report->fingerprint);
        QVERIFY(run->layerVersions.contains("federated"));
        QCOMPARE(run->parameters.value("layers.federated.rounds", 0), 5);
        auto samples = st->samples(id, "federated.accuracy");
        QVERIFY(samples);
        QVERIFY(!samples->empty());
        auto trace = st->trace(id);
        QVERIFY(trace);
        QVERIFY(!trace->empty());
        // The records of the layers' set-up (at time 0) reach the store and the event log.
        QCOMPARE(trace->front().time, sim::SimTime{0});
        QCOMPARE(trace->front().category, std::string("federated"));
        // The log has the trace records and the layers' events, as the store keeps them.
        std::size_t traceRows = 0, eventRows = 0;
        for (int i = 0; i < log.rowCount(); ++i) {
            traceRows += log.row(i).kind == EventLogModel::Kind::Trace;
            eventRows += log.row(i).kind == EventLogModel::Kind::Event;
        }
        QCOMPARE(traceRows, trace->size());
        auto events = st->events(id);
        QVERIFY(events);
        QVERIFY(!events->empty());
        QVERIFY(r.report->runEvents);
        QCOMPARE(events->size(), r.report->runEvents->events.size());
        QCOMPARE(eventRows, events->size());
        QCOMPARE(static_cast<std::size_t>(log.rowCount()), traceRows + eventRows);
        QCOMPARE(log.row(0).text, trace->front().text);
        QCOMPARE(log.row(0).time, sim::SimTime{0});
        QCOMPARE(log.nodeName(log.row(0).node),
                 QString::fromStdString(r.structure->name(log.row(0).node)));
        QCOMPARE(log.layers().front(), QString("federated"));
    }

    void storeErrorsAreWarnings() {
        const QString path = dir_.filePath("readonly.sqlite");
        QVERIFY(store::RunStore::open(path.toStdString()));  // creates the file
        store::StoreOptions ro;
        ro.mode = store::StoreOptions::Mode::ReadOnly;
        auto opened = store::RunStore::open(path.toStdString(), ro);
        QVERIFY(opened);
        auto s = load("single-link-queue.dais.json", {"run.until=2s"});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        QSignalSpy warnings(&c, &RunController::warning);
        RunController::StartOptions o;
        o.store = std::move(opened).value();
        c.start(*s, o);
        QVERIFY(waitIdle(c));
        QCOMPARE(warnings.count(), 1);
        QVERIFY2(warnings.front().front().toString().startsWith("the run is not stored"),
                 qPrintable(warnings.front().front().toString()));
        QCOMPARE(r.report->status, core::RunStatus::Completed);  // the run goes on unstored
        QVERIFY(!c.storedRunId());
    }

    void activityFeedHasHopsAndWork() {
        auto s = load("hospitals.dais.json", {});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        c.start(*s, {});
        QVERIFY(waitIdle(c, 30000));
        QVERIFY(r.hops() > 0);
        bool working = false, waiting = false, delivered = false;
        sim::SimTime lastChange = 0;
        // The run's one layer, federated, tags its reports as source 1.
        QCOMPARE(r.structure->layers, std::vector<std::string>{"federated"});
        const auto* federated = core::LayerRegistry::installed().find("federated");
        QVERIFY(federated);
        const sim::NodeStateCode deliveredCode = federated->descriptor.nodeState("delivered");
        for (const auto& a : r.activity) {
            for (const auto& h : a->hops) {
                QVERIFY(h.start <= h.arrive);
                QVERIFY(h.from < r.structure->nodes.size() && h.to < r.structure->nodes.size());
                QVERIFY(h.from != h.to);
                QVERIFY(h.bytes > 0);
            }
            for (const auto& ch : a->changes) {
                QVERIFY(ch.time >= lastChange);
                lastChange = ch.time;
                using C = ActivityBatch::NodeChange;
                if (ch.kind == C::Activity || ch.kind == C::State)
                    QCOMPARE(ch.source, sim::ActivitySource{1});
                working |= ch.kind == C::Activity &&
                           ch.value == static_cast<std::uint16_t>(sim::NodeActivity::Working);
                waiting |= ch.kind == C::Activity &&
                           ch.value == static_cast<std::uint16_t>(sim::NodeActivity::Waiting);
                delivered |= ch.kind == C::State && ch.value == deliveredCode;
            }
            QCOMPARE(a->droppedHops, std::uint64_t{0});
        }
        QVERIFY(working);
        QVERIFY(waiting);
        QVERIFY(delivered);
    }

    void animationOffStopsHops() {
        auto s = load("gossip-epidemic.dais.json", {});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        RunController::StartOptions o;
        o.startPaused = true;
        c.start(*s, o);
        QVERIFY(waitPaused(r));
        c.runUntil(sim::fromSeconds(0.5));
        QVERIFY(QTest::qWaitFor([&] { return r.last().now == sim::fromSeconds(0.5); }, 10000));
        QVERIFY(waitPaused(r));
        QVERIFY(r.hops() > 0);
        for (const auto& a : r.activity)
            for (const auto& h : a->hops)
                QVERIFY(h.start <= h.arrive);

        c.setAnimate(false);
        QVERIFY(!c.animate());
        r.clearData();
        c.runUntil(sim::fromSeconds(1));
        QVERIFY(QTest::qWaitFor([&] { return r.last().now == sim::fromSeconds(1); }, 10000));
        QVERIFY(waitPaused(r));
        QTest::qWait(50);
        QCOMPARE(r.hops(), std::size_t{0});

        c.setAnimate(true);  // the rumours still spread: hops come back
        c.runUntil(sim::fromSeconds(1.5));
        QVERIFY(QTest::qWaitFor([&] { return r.last().now == sim::fromSeconds(1.5); }, 10000));
        QVERIFY(waitPaused(r));
        QVERIFY(r.hops() > 0);
        c.stop();
        QVERIFY(waitIdle(c));
    }

    void fastRunBoundsEachDelivery() {
        // gossip-epidemic runs millions of hops in a fraction of a second: every delivery
        // stays within its bound and says what it dropped.
        auto s = load("gossip-epidemic.dais.json", {"run.until=3s"});
        QVERIFY(s);
        RunController c;
        Recorder r(c);
        c.start(*s, {});
        QVERIFY(waitIdle(c, 30000));
        std::uint64_t dropped = 0;
        for (const auto& a : r.activity) {
            QVERIFY(a->hops.size() <= RunController::kMaxHops);
            dropped += a->droppedHops;
        }
        qInfo(
            "gossip to 3 s: %zu deliveries of activity, %zu hops delivered, %llu dropped, "
            "%zu snapshots",
            r.activity.size(), r.hops(), static_cast<unsigned long long>(dropped),
            r.snapshots.size());
        QVERIFY(r.hops() > 0);
        QVERIFY(r.snapshots.size() < 200);
    }

    void eventLogFiltersAndActivatesNodes() {
        EventLogView view;
        EventLogModel& log = *view.model();
        log.reset(smallStructure());
        TraceBatch traces;
        traces.lines = {line(0, 0, "federated", "round 1 started"),
                        line(1, 2, "federated", "client phones[0] trained"),
                        line(2, 3, "fault", "Phone Crash"), line(3, 1, "net", "route changed"),
                        line(4, 0, "federated", "round 1 aggregated")};
        traces.dropped = 3;
        log.appendTraces(traces);
        ActivityBatch activity;
        activity.hops.push_back({0, 1, 0, 1, 0, 100});
        activity.changes = {{sim::fromSeconds(2), 3, ActivityBatch::NodeChange::Down},
                            {sim::fromSeconds(2), 2, ActivityBatch::NodeChange::Activity, 1,
                             static_cast<std::uint16_t>(sim::NodeActivity::Working)},
                            {sim::fromSeconds(5), 3, ActivityBatch::NodeChange::Up}};
        log.appendActivity(activity);
        QCOMPARE(log.rowCount(), 7);  // five traces, a down and an up; no hop, no activity
        QCOMPARE(log.droppedTraces(), std::uint64_t{3});
        QVERIFY(view.statusLabel()->text().contains("3 trace records"));
        QCOMPARE(log.data(log.index(1, EventLogModel::NodeColumn)).toString(),
                 QString("phones[0]"));
        QCOMPARE(log.data(log.index(5, EventLogModel::KindColumn)).toString(), QString("down"));
        QCOMPARE(log.data(log.index(0, EventLogModel::TimeColumn)).toString(), QString("0.000000"));
        QCOMPARE(log.layers().size(), std::size_t{3});  // federated, fault, net
        QCOMPARE(view.layerBox()->count(), 4);

        EventLogFilter& f = *view.filter();
        view.layerBox()->setCurrentIndex(view.layerBox()->findData(QString("federated")));
        QCOMPARE(f.rowCount(), 3);
        view.layerBox()->setCurrentIndex(view.layerBox()->findData(QString("net")));
        QCOMPARE(f.rowCount(), 3);  // the route record, the down and the up
        view.layerBox()->setCurrentIndex(0);
        QCOMPARE(f.rowCount(), 7);
        view.kindBox()->setCurrentIndex(view.kindBox()->findData(QString("down")));
        QCOMPARE(f.rowCount(), 1);
        view.kindBox()->setCurrentIndex(view.kindBox()->findData(QString("trace")));
        QCOMPARE(f.rowCount(), 5);
        view.kindBox()->setCurrentIndex(0);
        view.nodeEdit()->setText("PHONES");  // names, ignoring case
        QCOMPARE(f.rowCount(), 4);
        view.nodeEdit()->setText("phones[1]");
        QCOMPARE(f.rowCount(), 3);
        view.textEdit()->setText("crash");
        QCOMPARE(f.rowCount(), 1);
        view.nodeEdit()->clear();
        view.textEdit()->setText("ROUND 1");
        QCOMPARE(f.rowCount(), 2);
        view.textEdit()->clear();
        QCOMPARE(f.rowCount(), 7);
        QVERIFY(view.statusLabel()->text().startsWith("7 of 7"));

        // Activating a row names its node.
        view.resize(800, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy activated(&view, &EventLogView::nodeActivated);
        QTableView* table = view.table();
        const QRect rect = table->visualRect(f.index(1, EventLogModel::TextColumn));
        QVERIFY(rect.isValid());
        // A double click (press, release, double click): the row's node, named once.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.last().at(0).value<quint32>(), quint32{2});
        const int before = activated.count();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(f.index(5, EventLogModel::TextColumn)).center());
        QCOMPARE(activated.count(), before + 1);
        QCOMPARE(activated.last().at(0).value<quint32>(), quint32{3});
        emit table->activated(f.index(0, 0));  // Enter on the first row
        QCOMPARE(activated.count(), before + 2);
        QCOMPARE(activated.last().at(0).value<quint32>(), quint32{0});

        // Clearing for a new run keeps the chosen layer.
        view.layerBox()->setCurrentIndex(view.layerBox()->findData(QString("fault")));
        log.reset(smallStructure());
        QCOMPARE(log.rowCount(), 0);
        QCOMPARE(view.layerBox()->currentData().toString(), QString("fault"));
        log.appendTraces(traces);
        QCOMPARE(f.rowCount(), 1);
    }

    void eventLogShowsStructuredEventsAndFiltersThem() {
        EventLogView view;
        EventLogModel& log = *view.model();
        log.reset(smallStructure());
        TraceBatch traces;
        traces.lines = {line(0, 0, "federated", "round 1 started")};
        log.appendTraces(traces);
        // Three phones send updates (phones[2]'s poisoned), two are accepted, the round closes.
        auto catalog = std::make_shared<core::RunEventCatalog>();
        catalog->layers = {{"federated",
                            {{"federated.update_sent", "Sent."},
                             {"federated.update_poisoned", "Poisoned."},
                             {"federated.update_accepted", "Accepted."},
                             {"federated.round_closed", "Closed."}}}};
        core::RunEvents batch;
        batch.catalog = catalog;
        batch.limit = 10;
        batch.dropped = 4;
        auto digestOf = [](const std::string& text) {
            return core::sha256(std::as_bytes(std::span(text.data(), text.size())));
        };
        auto event = [&](double t, core::EventKind kind, std::uint32_t node,
                         const std::string& digestText, const std::string& detail) {
            core::RunEvent e;
            e.time = sim::fromSeconds(t);
            e.kind = kind;
            e.node = node;
            e.hasDigest = !digestText.empty();
            if (e.hasDigest) e.digest = digestOf(digestText);
            e.detail = detail;
            batch.events.push_back(e);
        };
        event(1, 0, 2, "u2", "round 1");
        event(1, 0, 3, "u3", "round 1");
        event(1, 1, 4, "u4", "round 1, poisoned (sign-flip)");
        event(2, 2, 2, "u2", "round 1");
        event(2, 2, 4, "u4", "round 1, poisoned (sign-flip)");
        event(3, 3, core::kNoEventNode, "", "round 1: 2 of 3 clients");
        log.appendEvents(batch);
        QCOMPARE(log.rowCount(), 7);
        QCOMPARE(log.droppedEvents(), std::uint64_t{4});
        QVERIFY2(view.statusLabel()->text().contains("4 events not kept"),
                 qPrintable(view.statusLabel()->text()));
        const QString u4 = QString::fromStdString(core::hexText(digestOf("u4")));
        QCOMPARE(log.data(log.index(3, EventLogModel::KindColumn)).toString(),
                 QString("update_poisoned"));
        QCOMPARE(log.data(log.index(3, EventLogModel::KindColumn), Qt::ToolTipRole).toString(),
                 QString("federated.update_poisoned"));
        QCOMPARE(log.data(log.index(3, EventLogModel::DigestColumn)).toString(), u4.left(16));
        QCOMPARE(log.data(log.index(3, EventLogModel::DigestColumn), Qt::ToolTipRole).toString(),
                 u4);
        QCOMPARE(log.data(log.index(3, EventLogModel::NodeColumn)).toString(),
                 QString("phones[2]"));
        QCOMPARE(log.data(log.index(3, EventLogModel::LayerColumn)).toString(),
                 QString("federated"));
        QCOMPARE(log.data(log.index(6, EventLogModel::NodeColumn)).toString(), QString());
        QCOMPARE(log.data(log.index(6, EventLogModel::DigestColumn)).toString(), QString());
        QCOMPARE(log.data(log.index(0, EventLogModel::DigestColumn)).toString(), QString());
        QCOMPARE(log.eventKinds().size(), std::size_t{4});

        // The kinds appear in the kind box as they come, after the built-in ones.
        QCOMPARE(view.kindBox()->count(), 4 + 4);
        const int poisonedItem = view.kindBox()->findData(QString("federated.update_poisoned"));
        QVERIFY(poisonedItem >= 4);
        QCOMPARE(view.kindBox()->itemText(poisonedItem), QString("update_poisoned"));
        EventLogFilter& f = *view.filter();
        view.kindBox()->setCurrentIndex(poisonedItem);
        QCOMPARE(f.rowCount(), 1);
        QCOMPARE(f.data(f.index(0, EventLogModel::NodeColumn)).toString(), QString("phones[2]"));
        view.kindBox()->setCurrentIndex(
            view.kindBox()->findData(QString("federated.update_accepted")));
        QCOMPARE(f.rowCount(), 2);
        view.kindBox()->setCurrentIndex(view.kindBox()->findData(QString("trace")));
        QCOMPARE(f.rowCount(), 1);
        view.kindBox()->setCurrentIndex(0);
        QCOMPARE(f.rowCount(), 7);

        // A digest prefix, in either case, follows one update: sent poisoned, then accepted.
        view.digestEdit()->setText(u4.left(5).toUpper());
        QCOMPARE(f.rowCount(), 2);
        QCOMPARE(f.data(f.index(0, EventLogModel::KindColumn)).toString(),
                 QString("update_poisoned"));
        QCOMPARE(f.data(f.index(1, EventLogModel::KindColumn)).toString(),
                 QString("update_accepted"));
        view.digestEdit()->setText(u4);
        QCOMPARE(f.rowCount(), 2);
        view.digestEdit()->setText(u4 + "0");  // longer than a digest
        QCOMPARE(f.rowCount(), 0);
        view.digestEdit()->setText("not hex");
        QCOMPARE(f.rowCount(), 0);
        view.digestEdit()->setText(u4.left(5));
        view.nodeEdit()->setText("phones[0]");  // u4 came from phones[2]
        QCOMPARE(f.rowCount(), 0);
        view.nodeEdit()->clear();
        QCOMPARE(f.rowCount(), 2);

        // Selecting an event names its node, as a trace row does; an event about no node
        // names none.
        view.digestEdit()->clear();
        view.resize(900, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy activated(&view, &EventLogView::nodeActivated);
        emit view.table()->activated(f.index(3, 0));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.last().at(0).value<quint32>(), quint32{4});
        emit view.table()->activated(f.index(6, 0));
        QCOMPARE(activated.count(), 1);

        // A new run: its own kinds; a chosen kind stays chosen.
        view.kindBox()->setCurrentIndex(poisonedItem);
        log.reset(smallStructure());
        QCOMPARE(view.kindBox()->currentData().toString(), QString("federated.update_poisoned"));
        QCOMPARE(view.kindBox()->count(), 5);
        log.appendEvents(batch);
        QCOMPARE(f.rowCount(), 1);
        QCOMPARE(view.kindBox()->count(), 8);
    }

    void eventLogFollowsARunsEvents() {
        auto s = load("gossip-epidemic.dais.json", {"run.until=2s"});
        QVERIFY(s);
        RunController c;
        EventLogView view;
        view.attach(&c);
        c.start(*s, {});
        QVERIFY(waitIdle(c, 30000));
        EventLogModel& log = *view.model();
        int started = 0, stopped = 0;
        for (int r = 0; r < log.rowCount(); ++r) {
            const EventLogModel::Row& row = log.row(r);
            if (row.kind != EventLogModel::Kind::Event) continue;
            const QString kind = log.eventKinds()[row.eventKind];
            started += kind == "gossip.rumour_started";
            stopped += kind == "gossip.rumour_stopped";
            QVERIFY(row.hasDigest);
            QVERIFY(!log.data(log.index(r, EventLogModel::NodeColumn)).toString().isEmpty());
        }
        QVERIFY2(started > 0, "no rumour started in 2 s");
        QVERIFY(stopped <= started);
        QVERIFY(view.kindBox()->findData(QString("gossip.rumour_started")) >= 4);
    }

    void eventLogKeepsTheNewestRows() {
        EventLogView view;
        EventLogModel& log = *view.model();
        log.setCapacity(100);
        std::vector<TraceLine> all;
        for (int i = 0; i < 250; ++i)
            all.push_back(line(i, 0, "net", ("record " + std::to_string(i)).c_str()));
        for (int b = 0; b < 5; ++b) {
            TraceBatch batch;
            for (int i = b * 50; i < (b + 1) * 50; ++i)
                batch.lines.push_back(all[static_cast<std::size_t>(i)]);
            log.appendTraces(batch);
            QVERIFY(static_cast<std::size_t>(log.rowCount()) <= log.capacity());
        }
        QCOMPARE(log.row(log.rowCount() - 1).text, std::string("record 249"));
        QCOMPARE(log.removedRows() + static_cast<std::uint64_t>(log.rowCount()), 250u);
        QCOMPARE(log.row(0).text, "record " + std::to_string(log.removedRows()));
        QVERIFY(view.statusLabel()->text().contains("older records"));
        // A batch larger than the log keeps its newest rows.
        TraceBatch big;
        big.lines = all;
        log.appendTraces(big);
        QCOMPARE(log.rowCount(), 100);
        QCOMPARE(log.row(0).text, std::string("record 150"));
    }

    void eventLogTakesAMillionRows() {
        // The full capacity in batches as large as a delivery, with a filter on: the time the
        // GUI thread spends per batch (printed), and the oldest rows let go in chunks.
        EventLogView view;
        view.resize(900, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.textEdit()->setText("round 7");
        EventLogModel& log = *view.model();
        QElapsedTimer timer;
        qint64 longest = 0, total = 0;
        const int batches = 60;
        for (int b = 0; b < batches; ++b) {
            TraceBatch batch;
            batch.lines.reserve(RunController::kMaxTraceLines);
            for (std::size_t i = 0; i < RunController::kMaxTraceLines; ++i)
                batch.lines.push_back(line(static_cast<double>(b), static_cast<std::uint32_t>(i),
                                           i % 2 ? "federated" : "net",
                                           i % 10 ? "client trained round 3" : "round 7 done"));
            timer.start();
            log.appendTraces(batch);
            QCoreApplication::processEvents();  // the view's repaint and scroll
            const qint64 spent = timer.nsecsElapsed();
            longest = std::max(longest, spent);
            total += spent;
        }
        qInfo("event log: %d batches of %zu rows, mean %.1f ms, longest %.1f ms per batch", batches,
              RunController::kMaxTraceLines, static_cast<double>(total) * 1e-6 / batches,
              static_cast<double>(longest) * 1e-6);
        QCOMPARE(static_cast<std::size_t>(log.rowCount()) + log.removedRows(),
                 batches * RunController::kMaxTraceLines);
        QVERIFY(static_cast<std::size_t>(log.rowCount()) <= EventLogModel::kDefaultCapacity);
        QVERIFY(log.removedRows() > 0);
        QCOMPARE(view.filter()->rowCount(), log.rowCount() / 10);
        timer.start();
        view.textEdit()->setText("round 3");
        qInfo("event log: filtering %d rows took %.1f ms", log.rowCount(),
              static_cast<double>(timer.nsecsElapsed()) * 1e-6);
        QCOMPARE(view.filter()->rowCount(), log.rowCount() - log.rowCount() / 10);
    }

    void eventLogFollowsTheNewestRow() {
        EventLogView view;
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto* bar = view.table()->verticalScrollBar();
        auto append = [&](int from) {
            TraceBatch b;
            for (int i = from; i < from + 100; ++i)
                b.lines.push_back(line(i, 0, "net", "x"));
            view.model()->appendTraces(b);
            QCoreApplication::processEvents();
        };
        append(0);
        append(100);
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
        bar->setValue(10);  // the user scrolls up: the view stays there
        append(200);
        QCOMPARE(bar->value(), 10);
        bar->setValue(bar->maximum());
        append(300);
        QCOMPARE(bar->value(), bar->maximum());
    }

    void eventLogShowsARunsFaults() {
        auto s = load("regional-outage-10k.dais.json", {"run.until=75s"});
        QVERIFY(s);
        RunController c;
        EventLogView view;
        view.attach(&c);
        c.start(*s, {});
        QVERIFY(waitIdle(c));
        EventLogFilter& f = *view.filter();
        view.kindBox()->setCurrentIndex(view.kindBox()->findData(QString("down")));
        const int down = f.rowCount();
        QVERIFY(down >= 2000);  // every node of the region (its 2000 phones) goes down
        view.kindBox()->setCurrentIndex(view.kindBox()->findData(QString("up")));
        QCOMPARE(f.rowCount(), down);
        view.kindBox()->setCurrentIndex(view.kindBox()->findData(QString("trace")));
        QVERIFY(f.rowCount() >= 2);  // the outage and its end, in the "fault" layer
        QCOMPARE(f.data(f.index(0, EventLogModel::LayerColumn)).toString(), QString("fault"));
        view.kindBox()->setCurrentIndex(0);
        view.nodeEdit()->setText("phones-sa[1999]");
        QCOMPARE(f.rowCount(), 2);
        QCOMPARE(f.data(f.index(0, EventLogModel::TimeColumn)).toString(), QString("40.000000"));
        // A new run clears the log.
        c.start(*s, {});
        QVERIFY(waitIdle(c));
        QCOMPARE(f.rowCount(), 2);
    }
    void liveMetricsKeepEveryPoint() {
        auto catalog = std::make_shared<core::MetricCatalog>();
        catalog->metrics.push_back({"net.messages.delivered", "messages", "delivered",
                                    sim::MetricType::Counter, sim::MetricScope::Global});
        catalog->metrics.push_back({"net.latency", "s", "one-way latency",
                                    sim::MetricType::Distribution, sim::MetricScope::Global});
        LiveMetrics live;
        QSignalSpy catalogs(&live, &LiveMetrics::catalogChanged);
        QSignalSpy appended(&live, &LiveMetrics::appended);
        core::MetricBatch batch;
        batch.catalog = catalog;
        for (int t = 1; t <= 3; ++t) {
            batch.points.push_back({sim::fromSeconds(t), 0, 10.0 * t, 0, 0, 0});
            batch.points.push_back({sim::fromSeconds(t), 1, 0.5, 7, 0.4, 0.9});
        }
        live.append(batch);
        QCOMPARE(catalogs.count(), 1);
        QCOMPARE(appended.count(), 1);
        QCOMPARE(live.find("net.latency"), 1);
        QCOMPARE(live.find("nope"), -1);
        QCOMPARE(live.points(0).size(), std::size_t{3});
        QCOMPARE(live.points(0)[2], QPointF(3, 30));
        QCOMPARE(live.points(0, LiveMetrics::Stat::P95).size(), std::size_t{0});  // a counter
        QCOMPARE(live.points(1, LiveMetrics::Stat::P50)[0], QPointF(1, 0.4));
        QCOMPARE(live.points(1, LiveMetrics::Stat::P95)[1], QPointF(2, 0.9));
        QCOMPARE(live.totalPoints(), std::size_t{12});
        // Once sampled, snapshots add nothing.
        core::RunnerSnapshot snap;
        snap.catalog = catalog;
        snap.now = sim::fromSeconds(4);
        snap.metrics.push_back({snap.now, 0, 40, 0, 0, 0});
        live.append(snap);
        QCOMPARE(live.points(0).size(), std::size_t{3});
        QSignalSpy cleared(&live, &LiveMetrics::cleared);
        live.clear();
        QCOMPARE(cleared.count(), 1);
        QCOMPARE(live.points(0).size(), std::size_t{0});
        QVERIFY(!live.catalog());
        // Without sampling, each snapshot gives one point per simulated time.
        live.append(snap);
        live.append(snap);
        QCOMPARE(live.points(0).size(), std::size_t{1});
        QCOMPARE(live.points(0)[0], QPointF(4, 40));
    }

    void liveMetricsFollowARun() {
        auto s = load("single-link-queue.dais.json", {"run.until=5s", "run.sample_interval=100ms"});
        QVERIFY(s);
        RunController c;
        LiveMetrics live;
        live.attach(&c);
        c.start(*s, {});
        QVERIFY(waitIdle(c));
        const int delivered = live.find("net.messages.delivered");
        QVERIFY(delivered >= 0);
        const auto points = live.points(delivered);
        // Every sample (50), after the starting snapshot's point at 0 s when it came first.
        const auto sampled =
            std::count_if(points.begin(), points.end(), [](const QPointF& p) { return p.x() > 0; });
        QCOMPARE(sampled, 50);
        QVERIFY(points.size() <= 51);
        QCOMPARE(points.back().x(), 5.0);
        for (std::size_t i = 1; i < points.size(); ++i) {
            QVERIFY(points[i].x() > points[i - 1].x());
            QVERIFY(points[i].y() >= points[i - 1].y());  // a counter
        }
        const int latency = live.find("net.latency");
        QCOMPARE(live.points(latency, LiveMetrics::Stat::P95).size(), points.size());

        // A run without sampling: points from the snapshots.
        auto unsampled = load("single-link-queue.dais.json", {"run.until=20s"});
        QVERIFY(unsampled);
        RunController::StartOptions o;
        o.speed = 100;  // 0.2 s of wall time: a few snapshots
        c.start(*unsampled, o);
        QVERIFY(waitIdle(c));
        const auto fromSnapshots = live.points(live.find("net.messages.delivered"));
        QVERIFY(fromSnapshots.size() >= 3);
        QCOMPARE(fromSnapshots.back().x(), 20.0);
    }

    void liveChartGainsPointsDuringARun() {
        auto s = load("single-link-queue.dais.json", {"run.until=10s"});
        QVERIFY(s);
        RunController c;
        LiveMetrics live;
        live.attach(&c);
        LiveChartPanel panel(&live);
        panel.resize(900, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        RunController::StartOptions o;
        o.speed = 10;  // a second of wall time
        c.start(*s, o);
        ChartWidget& chart = *panel.chart();
        QVERIFY(QTest::qWaitFor(
            [&] { return chart.seriesCount() == 1 && chart.pointCount(0) >= 2; }, 10000));
        QCOMPARE(chart.seriesName(0), QString("net.messages.delivered"));
        QVERIFY(panel.isChecked("net.messages.delivered", LiveMetrics::Stat::Value));
        const std::size_t early = chart.pointCount(0);
        QVERIFY(QTest::qWaitFor([&] { return chart.pointCount(0) >= early + 3; }, 10000));
        QCOMPARE(c.state(), core::RunnerState::Running);  // still going: the chart grew live
        QVERIFY(waitIdle(c));
        chart.refreshNow();
        QCOMPARE(chart.pointCount(0), live.points(live.find("net.messages.delivered")).size());
    }

    void liveChartPanelsPickMetrics() {
        auto s = load("hospitals.dais.json", {});
        QVERIFY(s);
        RunController c;
        LiveMetrics live;
        live.attach(&c);
        LiveChartPanel first(&live), second(&live);
        c.start(*s, {});
        QVERIFY(waitIdle(c, 30000));
        // Both panels show the federation's accuracy by default.
        const int accuracy = live.find("federated.accuracy");
        QVERIFY(accuracy >= 0);
        for (LiveChartPanel* p : {&first, &second}) {
            QCOMPARE(p->checkedSeries(), QStringList{"federated.accuracy"});
            QCOMPARE(p->chart()->seriesCount(), 1);
            QCOMPARE(p->chart()->pointCount(0), live.points(accuracy).size());
            QVERIFY(p->chart()->pointCount(0) > 10);
        }
        // The picker: scopes, then name prefixes, then metrics; distributions offer three.
        QTreeWidget& tree = *first.picker();
        QVERIFY(tree.topLevelItemCount() >= 1);
        QCOMPARE(tree.topLevelItem(0)->text(0), QString("Global"));
        for (int i = 1; i < tree.topLevelItemCount(); ++i)
            QVERIFY(QStringList({"Node", "Group", "Link", "Flow"})
                        .contains(tree.topLevelItem(i)->text(0)));
        auto child = [](QTreeWidgetItem* parent, const QString& text) -> QTreeWidgetItem* {
            for (int i = 0; parent && i < parent->childCount(); ++i)
                if (parent->child(i)->text(0) == text) return parent->child(i);
            return nullptr;
        };
        QTreeWidgetItem* fed = child(tree.topLevelItem(0), "federated");
        QTreeWidgetItem* net = child(tree.topLevelItem(0), "net");
        QVERIFY(fed && net);
        QTreeWidgetItem* acc = child(fed, "accuracy");
        QVERIFY(acc);
        QCOMPARE(acc->checkState(0), Qt::Checked);
        QVERIFY(acc->toolTip(0).contains("unit: 1"));
        QTreeWidgetItem* latency = child(net, "latency");
        QVERIFY(latency);
        QCOMPARE(latency->childCount(), 3);
        QTreeWidgetItem* p95 = child(latency, "p95");
        QVERIFY(p95);
        QVERIFY(p95->toolTip(0).contains("unit: s"));
        // Checking an item adds its series; the other panel keeps its own choice.
        p95->setCheckState(0, Qt::Checked);
        QCOMPARE(first.checkedSeries(), (QStringList{"federated.accuracy", "net.latency (p95)"}));
        QCOMPARE(first.chart()->seriesCount(), 2);
        const int latencyId = live.find("net.latency");
        QVERIFY(first.chart()->pointCount(1) > 0);
        QCOMPARE(first.chart()->pointCount(1),
                 live.points(latencyId, LiveMetrics::Stat::P95).size());
        QCOMPARE(second.chart()->seriesCount(), 1);
        acc->setCheckState(0, Qt::Unchecked);
        QCOMPARE(first.checkedSeries(), QStringList{"net.latency (p95)"});
        QCOMPARE(first.chart()->seriesCount(), 1);

        // A run without a federation: the untouched panel falls back to delivered messages,
        // the chosen one keeps its choice and refills.
        auto plain =
            load("single-link-queue.dais.json", {"run.until=5s", "run.sample_interval=1s"});
        QVERIFY(plain);
        c.start(*plain, {});
        QVERIFY(waitIdle(c));
        QCOMPARE(second.checkedSeries(), QStringList{"net.messages.delivered"});
        QVERIFY(second.chart()->pointCount(0) >= 5);
        QCOMPARE(first.checkedSeries(), QStringList{"net.latency (p95)"});
        QVERIFY(first.chart()->pointCount(0) >= 5);
    }

    void guiThreadStaysResponsiveInAFastRun() {
        // A fast run of the cross-device federation with everything on (animation, trace, the
        // event log and a live chart): how long the GUI thread spends on one signal, and the
        // longest gap between two turns of its event loop. Printed, not asserted (the machine
        // may be shared).
        auto s = load("phones.dais.json", {"run.until=5min", "layers.federated.rounds=15"});
        QVERIFY(s);
        RunController c;
        QElapsedTimer clock;
        clock.start();
        qint64 began = 0, longest = 0, handled = 0, total = 0;
        const char* longestName = "";
        auto begin = [&] { began = clock.nsecsElapsed(); };
        auto end = [&](const char* name) {
            const qint64 spent = clock.nsecsElapsed() - began;
            ++handled;
            total += spent;
            if (spent > longest) {
                longest = spent;
                longestName = name;
            }
        };
        // Connected first and last around the consumers, so the difference is their work.
        QObject::connect(&c, &RunController::snapshot, begin);
        QObject::connect(&c, &RunController::metrics, begin);
        QObject::connect(&c, &RunController::traces, begin);
        QObject::connect(&c, &RunController::activity, begin);
        EventLogView log;
        log.attach(&c);
        log.resize(900, 400);
        log.show();
        QVERIFY(QTest::qWaitForWindowExposed(&log));
        LiveMetrics live;
        live.attach(&c);
        LiveChartPanel chart(&live);
        chart.setChecked("federated.loss", LiveMetrics::Stat::Value, true);
        chart.setChecked("net.latency", LiveMetrics::Stat::P95, true);
        chart.resize(900, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        std::size_t hops = 0, changes = 0;
        std::uint64_t dropped = 0;
        QObject::connect(&c, &RunController::activity, [&](const auto& a) {
            hops += a->hops.size();
            changes += a->changes.size();
            dropped += a->droppedHops;
        });
        QObject::connect(&c, &RunController::snapshot, [&] { end("snapshot"); });
        QObject::connect(&c, &RunController::metrics, [&] { end("metrics"); });
        QObject::connect(&c, &RunController::traces, [&] { end("traces"); });
        QObject::connect(&c, &RunController::activity, [&] { end("activity"); });
        // At every turn of the event loop; the gaps longer than a 60 Hz frame are kept.
        EventLoopGapProbe turns(clock, 0, 16'000'000);
        std::shared_ptr<const core::RunReport> report;
        QObject::connect(&c, &RunController::finished, [&](const auto& r) { report = r; });
        const qint64 start = clock.nsecsElapsed();
        c.start(*s, {});
        turns.start();
        QVERIFY(waitIdle(c, 50000));
        turns.stop();
        QVERIFY(report);
        QCOMPARE(report->status, core::RunStatus::Completed);
        const double wall = static_cast<double>(clock.nsecsElapsed() - start) * 1e-9;
        qInfo("phones, 15 rounds: %.2f s wall, %llu events", wall,
              static_cast<unsigned long long>(report->events));
        qInfo("GUI thread: %lld signals handled, longest %.2f ms (%s), mean %.3f ms", handled,
              static_cast<double>(longest) * 1e-6, longestName,
              handled > 0 ? static_cast<double>(total) * 1e-6 / static_cast<double>(handled) : 0.0);
        qInfo("event loop: longest gap between turns %.2f ms, %zu gaps over 16 ms",
              static_cast<double>(turns.longest()) * 1e-6, turns.gaps().size());
        chart.chart()->refreshNow();
        QVERIFY(chart.chart()->pointCount(0) > 0);
        qInfo("activity: %zu hops delivered, %llu dropped, %zu node changes; %d log rows", hops,
              static_cast<unsigned long long>(dropped), changes, log.model()->rowCount());
        QVERIFY(handled > 0);
        QVERIFY(hops > 0);
    }
};

int main(int argc, char** argv) {
    // Keep Qt's runtime files out of shared folders (and its warning out of the output).
    studiotest::usePrivateRuntimeDir();
    QApplication app(argc, argv);
    TestStudioRun test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_studio_run.moc"
