// The run store at work: runs written and read back, listing, interrupted runs, the writer's
// batching, many runs written at once, annotations and deletion, sweeps, and a real simulation
// recorded through StoreObserver.
#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include <cmath>
#include <limits>
#include <thread>

#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/store/run_store.h"
#include "dais/store/store_observer.h"

using namespace dais;
using store::RunStatus;
using store::RunStore;
using store::StoreOptions;

namespace {

constexpr const char* kDocument = R"({"format": "dais-scenario", "run": {"seed": 3}})";

std::string message(const core::Error& e) {
    return e.message;
}

#define REQUIRE_OK(expr)                                               \
    do {                                                               \
        const auto& r_ = (expr);                                       \
        QVERIFY2(r_.ok(), r_.ok() ? "" : message(r_.error()).c_str()); \
    } while (false)

/// Metrics of each kind, as a simulation would declare them.
struct FakeMetrics {
    std::vector<sim::MetricInfo> infos;
    std::vector<sim::MetricValue> values;
    explicit FakeMetrics(int n) {
        infos.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            infos.push_back({"m" + std::to_string(i), i % 3 == 0 ? "s" : "messages", "help",
                             i % 3 == 0 ? sim::MetricType::Distribution : sim::MetricType::Counter,
                             sim::MetricScope::Global});
        values.resize(infos.size());
        for (std::size_t i = 0; i < infos.size(); ++i)
            values[i].info = &infos[i];
    }
    std::span<const sim::MetricValue> at(int k) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            values[i].value = k * 100.0 + static_cast<double>(i);
            values[i].count = static_cast<std::uint64_t>(k + 1);
            values[i].p50 = k + 0.5;
            values[i].p95 = k + 0.95;
            values[i].p99 = k + 0.99;
        }
        return values;
    }
};

/// A table of one column per type, with empty cells, a tree's parent column and node names
/// ("hub" and the group "phones"): what a layer's table may hold.
std::shared_ptr<const core::InspectorTable> sampleTable(std::size_t rows, sim::SimTime at) {
    auto spec = std::make_shared<core::TableSpec>();
    spec->name = "demo.things";
    spec->title = "Things";
    spec->help = "One row per thing.";
    spec->columns = {{"id", core::ColumnType::Integer, "", "Its number."},
                     {"parent", core::ColumnType::Integer, "", "Its parent."},
                     {"node", core::ColumnType::Node, "", "Where it is."},
                     {"weight", core::ColumnType::Real, "kg", "Its weight."},
                     {"label", core::ColumnType::Text, "", "A label \"quoted\"."},
                     {"at", core::ColumnType::Time, "s", "When."},
                     {"size", core::ColumnType::Bytes, "B", "How big."},
                     {"ok", core::ColumnType::Flag, "", "Whether it is."}};
    spec->parent = 1;
    auto names =
        core::NodeNames::fromJson({{"nodes", 4},
                                   {"explicit", {"hub"}},
                                   {"groups", {{{"id", "phones"}, {"first", 1}, {"count", 3}}}}});
    if (!names) qFatal("%s", names.error().message.c_str());
    auto t = std::make_shared<core::InspectorTable>(
        std::move(spec), at, std::make_shared<const core::NodeNames>(std::move(*names)));
    core::TableWriter w(*t);
    for (std::size_t i = 0; i < rows; ++i) {
        auto row = w.row().integer(static_cast<std::int64_t>(i));
        if (i == 0)
            row.none();
        else
            row.integer(static_cast<std::int64_t>(i / 2));
        row.node(static_cast<std::uint32_t>(i % 4));
        if (i % 3 == 2)
            row.none();
        else
            row.real(0.1 * static_cast<double>(i) - 1e-300);
        row.text(i == 1 ? "tab\tand \"quotes\" and ünïcode" : "thing " + std::to_string(i))
            .time(static_cast<sim::SimTime>(i) * 1'234'567)
            .bytes(i == 2 ? std::numeric_limits<std::uint64_t>::max() : i << 20)
            .flag(i % 2 == 0);
    }
    return t;
}

/// Every cell of two tables, and their specs and times, are the same.
void compareTables(const core::InspectorTable& a, const core::InspectorTable& b) {
    QCOMPARE(core::tableSpecJson(a.spec()), core::tableSpecJson(b.spec()));
    QCOMPARE(a.filledAt(), b.filledAt());
    QCOMPARE(a.rowCount(), b.rowCount());
    for (std::size_t r = 0; r < a.rowCount(); ++r)
        for (std::size_t c = 0; c < a.columnCount(); ++c) {
            QCOMPARE(a.isEmpty(r, c), b.isEmpty(r, c));
            QCOMPARE(a.text(r, c), b.text(r, c));
            QCOMPARE(a.json(r, c), b.json(r, c));
            QCOMPARE(a.integer(r, c), b.integer(r, c));
        }
}

}  // namespace

class TestRunStore : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int serial_ = 0;

    std::string freshPath() {
        return tmp_.filePath(QString("runs-%1.sqlite").arg(++serial_)).toStdString();
    }
    static std::unique_ptr<RunStore> openStore(const std::string& path,
                                               const StoreOptions& options = {}) {
        auto s = RunStore::open(path, options);
        if (!s) qFatal("%s", s.error().message.c_str());
        return std::move(s).value();
    }
    static store::RunStart startOf(RunStore& s, std::string name = "demo", std::uint64_t seed = 1) {
        auto hash = s.putScenario(name, std::string(kDocument) + name);
        if (!hash) qFatal("%s", hash.error().message.c_str());
        store::RunStart start;
        start.scenarioHash = *hash;
        start.scenarioName = std::move(name);
        start.seed = seed;
        return start;
    }
    static std::unique_ptr<store::RunWriter> begin(RunStore& s, const store::RunStart& start) {
        auto w = s.beginRun(start);
        if (!w) qFatal("%s", w.error().message.c_str());
        return std::move(w).value();
    }

  private slots:
    void helpers() {
        QCOMPARE(store::scenarioHash(""), std::string("cbf29ce484222325"));  // FNV-1a 64 basis
        QCOMPARE(store::scenarioHash("a"), std::string("af63dc4c8601ec8c"));
        const auto p = store::overridesToParameters({"run.seed=7", "run.until=30s", "x.y=[1,2]"});
        QCOMPARE(p["run.seed"].get<int>(), 7);
        QCOMPARE(p["run.until"].get<std::string>(), std::string("30s"));
        QCOMPARE(p["x.y"].size(), std::size_t{2});
        for (auto s : {RunStatus::Running, RunStatus::Completed, RunStatus::Failed,
                       RunStatus::Stopped, RunStatus::Interrupted})
            QCOMPARE(store::parseRunStatus(store::runStatusName(s)), std::optional(s));
        QVERIFY(!store::parseRunStatus("done").has_value());
    }

    void defaultPath() {
        const QByteArray store = qgetenv("DAIS_STORE"), xdg = qgetenv("XDG_DATA_HOME"),
                         home = qgetenv("HOME");
        qputenv("DAIS_STORE", "/data/mine.sqlite");
        QCOMPARE(store::defaultStorePath(), std::string("/data/mine.sqlite"));
        qunsetenv("DAIS_STORE");
        qputenv("XDG_DATA_HOME", "/xdg");
        QCOMPARE(store::defaultStorePath(), std::string("/xdg/dais/runs.sqlite"));
        qunsetenv("XDG_DATA_HOME");
        qputenv("HOME", "/home/ada");
        QCOMPARE(store::defaultStorePath(), std::string("/home/ada/.local/share/dais/runs.sqlite"));
        qputenv("HOME", home);
        if (!xdg.isEmpty()) qputenv("XDG_DATA_HOME", xdg);
        if (!store.isEmpty()) qputenv("DAIS_STORE", store);
    }

    void roundTrip() {
        auto s = openStore(freshPath());
        store::RunStart start = startOf(*s, "demo", 42);
        start.parameters = store::overridesToParameters({"network.links.0.latency=\"5ms\""});
        start.layerVersions = {{"federated", "1.0.0"}};
        auto w = begin(*s, start);
        {
            auto running = s->run(w->id());
            REQUIRE_OK(running);
            QCOMPARE(running->status, RunStatus::Running);
            QCOMPARE(running->pid, static_cast<std::int64_t>(::getpid()));
            QVERIFY(!running->host.empty());
        }
        FakeMetrics m(6);
        for (int k = 0; k < 50; ++k)
            w->sample(k * 1'000'000'000LL, m.at(k));
        m.values[1].value = std::numeric_limits<double>::quiet_NaN();
        w->sample(50'000'000'000LL, m.values);
        w->trace(7, 3, "fault", "node 3 crashed");
        w->trace(9, 4, "net", "link up");

        store::RunFinish f;
        f.wallSeconds = 0.25;
        f.events = 12345;
        f.simulatedTime = 50'000'000'000LL;
        f.fingerprint = "00112233aabbccdd";
        core::MetricReport latency;
        latency.name = "net.latency";
        latency.unit = "s";
        latency.type = sim::MetricType::Distribution;
        latency.count = 10;
        latency.mean = 0.5;
        latency.p95 = 0.9;
        f.metrics = {latency};
        f.layerVersions = {{"federated", "1.0.1"}};
        REQUIRE_OK(w->finish(f));
        QVERIFY(!w->finish(f).ok());  // once only

        auto r = s->run(w->id());
        REQUIRE_OK(r);
        QCOMPARE(r->status, RunStatus::Completed);
        QCOMPARE(r->seed, std::uint64_t{42});
        QCOMPARE(r->scenarioName, std::string("demo"));
        QCOMPARE(r->parameters["network.links.0.latency"].get<std::string>(), std::string("5ms"));
        QCOMPARE(r->layerVersions["federated"].get<std::string>(), std::string("1.0.1"));
        QCOMPARE(r->events, std::uint64_t{12345});
        QCOMPARE(r->simulatedTime, sim::SimTime{50'000'000'000LL});
        QCOMPARE(r->fingerprint, std::string("00112233aabbccdd"));
        QVERIFY(r->finishedAt.has_value());
        QVERIFY(*r->finishedAt >= r->startedAt);

        auto sampled = s->sampledMetrics(w->id());
        REQUIRE_OK(sampled);
        QCOMPARE(sampled->size(), std::size_t{6});
        QCOMPARE(sampled->front().name, std::string("m0"));
        QCOMPARE(sampled->front().type, sim::MetricType::Distribution);
        QCOMPARE(sampled->front().samples, std::uint64_t{51});

        auto d = s->samples(w->id(), "m0");
        REQUIRE_OK(d);
        QCOMPARE(d->size(), std::size_t{51});
        QCOMPARE((*d)[7].time, sim::SimTime{7'000'000'000LL});
        QCOMPARE((*d)[7].value, 700.0);
        QCOMPARE((*d)[7].count, std::uint64_t{8});
        QCOMPARE((*d)[7].p50, 7.5);
        QCOMPARE((*d)[7].p95, 7.95);
        QCOMPARE((*d)[7].p99, 7.99);
        auto c = s->samples(w->id(), "m1");
        REQUIRE_OK(c);
        QCOMPARE((*c)[3].value, 301.0);
        QCOMPARE((*c)[3].count, std::uint64_t{0});  // counters keep their value only
        QVERIFY(std::isnan(c->back().value));
        // All samples in one pass, in the order written.
        std::vector<std::pair<std::string, sim::SimTime>> visited;
        REQUIRE_OK(
            s->visitSamples(w->id(), [&](const store::SampledMetric& sm, const store::Sample& x) {
                visited.emplace_back(sm.name, x.time);
            }));
        QCOMPARE(visited.size(), std::size_t{51 * 6});
        QCOMPARE(visited[7], std::make_pair(std::string("m1"), sim::SimTime{1'000'000'000}));
        auto none = s->samples(w->id(), "no.such.metric");
        REQUIRE_OK(none);
        QVERIFY(none->empty());

        auto t = s->trace(w->id());
        REQUIRE_OK(t);
        QCOMPARE(t->size(), std::size_t{2});
        QCOMPARE(t->front().node, std::uint64_t{3});
        QCOMPARE(t->front().category, std::string("fault"));
        QCOMPARE(t->front().text, std::string("node 3 crashed"));
        QCOMPARE(s->trace(w->id(), 1)->size(), std::size_t{1});

        auto finals = s->finalMetrics(w->id());
        REQUIRE_OK(finals);
        QCOMPARE(finals->size(), std::size_t{1});
        QCOMPARE(finals->front().name, std::string("net.latency"));
        QCOMPARE(finals->front().type, sim::MetricType::Distribution);
        QCOMPARE(finals->front().p95, 0.9);

        auto sc = s->scenario(r->scenarioHash);
        REQUIRE_OK(sc);
        QCOMPARE(sc->document, std::string(kDocument) + "demo");
        QVERIFY(!s->run(999).ok());
        QVERIFY(!s->findRun(999)->has_value());
    }

    void scenariosAreKeyedByContent() {
        auto s = openStore(freshPath());
        auto a = s->putScenario("a", "{\"x\": 1}");
        auto b = s->putScenario("renamed", "{\"x\": 1}");
        auto c = s->putScenario("a", "{\"x\": 2}");
        REQUIRE_OK(a);
        REQUIRE_OK(b);
        REQUIRE_OK(c);
        QCOMPARE(*a, *b);
        QVERIFY(*a != *c);
        QCOMPARE(s->scenario(*a)->name, std::string("a"));  // the first name stays
        store::RunStart start;
        start.scenarioHash = "ffffffffffffffff";
        auto refused = s->beginRun(start);
        QVERIFY(!refused.ok());
        QVERIFY2(message(refused.error()).find("store the scenario before its runs") !=
                     std::string::npos,
                 message(refused.error()).c_str());
    }

    void listing() {
        auto s = openStore(freshPath());
        std::vector<store::RunId> ids;
        const RunStatus outcomes[] = {RunStatus::Completed, RunStatus::Failed, RunStatus::Stopped,
                                      RunStatus::Completed};
        for (int i = 0; i < 4; ++i) {
            auto w = begin(*s, startOf(*s, i < 2 ? "alpha" : "beta", static_cast<unsigned>(i)));
            ids.push_back(w->id());
            store::RunFinish f;
            f.status = outcomes[i];
            if (f.status == RunStatus::Failed) f.error = "layer federated: diverged";
            REQUIRE_OK(w->finish(f));
        }
        auto live = begin(*s, startOf(*s, "beta", 9));
        auto all = s->listRuns();
        REQUIRE_OK(all);
        QCOMPARE(all->size(), std::size_t{5});
        QCOMPARE(all->front().id, live->id());  // newest first
        QCOMPARE(all->back().id, ids.front());
        auto failed = s->listRuns({.status = RunStatus::Failed});
        QCOMPARE(failed->size(), std::size_t{1});
        QCOMPARE(failed->front().error, std::string("layer federated: diverged"));
        QCOMPARE(s->listRuns({.status = RunStatus::Running})->size(), std::size_t{1});
        QCOMPARE(s->listRuns({.status = RunStatus::Interrupted})->size(), std::size_t{0});
        QCOMPARE(s->listRuns({.scenario = "alpha"})->size(), std::size_t{2});
        const std::string betaHash = s->run(ids[2])->scenarioHash;
        QCOMPARE(s->listRuns({.scenario = betaHash})->size(), std::size_t{3});  // with the live one
        auto limited = s->listRuns({.limit = 2});
        QCOMPARE(limited->size(), std::size_t{2});
        QCOMPARE(limited->back().id, ids[3]);
        REQUIRE_OK(live->finish({}));
    }

    void interruptedRuns() {
        const std::string path = freshPath();
        // A process that begins a run and exits without finishing it.
        QProcess p;
        p.start(STORE_WRITER_EXE, {QString::fromStdString(path), "leave"});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 0);
        const QList<QByteArray> words = p.readAllStandardOutput().trimmed().split(' ');
        QCOMPARE(words.size(), 2);
        const store::RunId dead = words[1].toLongLong();

        store::RunId mine = 0, remote = 0;
        {
            auto s = openStore(path, {.mode = StoreOptions::Mode::ReadOnly});
            // Read-only: reported so, though not written.
            QCOMPARE(s->run(dead)->status, RunStatus::Interrupted);
            QCOMPARE(s->interruptedAtOpen(), std::size_t{0});
        }
        auto s = openStore(path);
        QCOMPARE(s->interruptedAtOpen(), std::size_t{1});
        auto r = s->run(dead);
        QCOMPARE(r->status, RunStatus::Interrupted);
        QVERIFY2(r->error.find("ended before the run finished") != std::string::npos,
                 r->error.c_str());
        QCOMPARE(s->samples(dead, "m0")->size(), std::size_t{10});  // its samples are kept

        // A run of this (living) process and one of another machine stay running.
        auto w = begin(*s, startOf(*s));
        mine = w->id();
        store::RunStart elsewhere = startOf(*s);
        elsewhere.host = "another-machine";
        elsewhere.pid = 1;
        auto w2 = begin(*s, elsewhere);
        remote = w2->id();
        auto again = openStore(path);
        QCOMPARE(again->interruptedAtOpen(), std::size_t{0});
        QCOMPARE(again->run(mine)->status, RunStatus::Running);
        QCOMPARE(again->run(remote)->status, RunStatus::Running);
        REQUIRE_OK(w->finish({}));
        REQUIRE_OK(w2->finish({}));
    }

    void abandonedWriterMarksItsRun() {
        auto s = openStore(freshPath());
        store::RunId id;
        {
            auto w = begin(*s, startOf(*s));
            id = w->id();
        }
        REQUIRE_OK(s->flush());
        QCOMPARE(s->run(id)->status, RunStatus::Interrupted);
        QCOMPARE(s->run(id)->error, std::string("the run was abandoned before it finished"));
    }

    void progressIsKeptUntilTheRunFinishes() {
        auto s = openStore(freshPath());
        auto w = begin(*s, startOf(*s));
        FakeMetrics m(3);
        w->sample(1'000'000'000, m.at(0));
        w->progress({1200, 1'000'000'000, 0.25});
        w->progress({2500, 2'000'000'000, 0.5});  // the latest of a commit is what it keeps
        REQUIRE_OK(s->flush());
        auto running = s->run(w->id());
        REQUIRE_OK(running);
        QCOMPARE(running->status, RunStatus::Running);
        QCOMPARE(running->events, std::uint64_t{2500});
        QCOMPARE(running->simulatedTime, sim::SimTime{2'000'000'000});
        QCOMPARE(running->wallSeconds, 0.5);

        // Progress queued with the finish does not replace the outcome, nor does any after it.
        store::RunFinish outcome;
        outcome.events = 4000;
        outcome.simulatedTime = 3'000'000'000;
        outcome.wallSeconds = 0.75;
        w->progress({3900, 2'900'000'000, 0.7});
        REQUIRE_OK(w->finish(outcome));
        w->progress({9999, 9'000'000'000, 9});
        REQUIRE_OK(s->flush());
        auto done = s->run(w->id());
        REQUIRE_OK(done);
        QCOMPARE(done->status, RunStatus::Completed);
        QCOMPARE(done->events, std::uint64_t{4000});
        QCOMPARE(done->simulatedTime, sim::SimTime{3'000'000'000});
        QCOMPARE(done->wallSeconds, 0.75);

        // An abandoned run keeps the progress it reported last.
        store::RunId abandoned;
        {
            auto a = begin(*s, startOf(*s));
            abandoned = a->id();
            a->progress({700, 500'000'000, 0.1});
        }
        REQUIRE_OK(s->flush());
        auto left = s->run(abandoned);
        REQUIRE_OK(left);
        QCOMPARE(left->status, RunStatus::Interrupted);
        QCOMPARE(left->events, std::uint64_t{700});
        QCOMPARE(left->simulatedTime, sim::SimTime{500'000'000});
    }

    void writerBatchesByRows() {
        // An interval long enough never to elapse here: only the row count commits.
        auto s =
            openStore(freshPath(), {.commitInterval = std::chrono::hours(1), .commitRows = 1000});
        auto w = begin(*s, startOf(*s));
        const auto before = s->writerStats();
        FakeMetrics m(10);
        for (int k = 0; k < 99; ++k)
            w->sample(k, m.at(k));
        // 990 rows queued: below the batch size, nothing is committed yet.
        QCOMPARE(s->writerStats().rows, before.rows);
        QCOMPARE(s->samples(w->id(), "m0")->size(), std::size_t{0});
        w->sample(99, m.at(99));  // the 1000th row
        QTRY_COMPARE_WITH_TIMEOUT(s->writerStats().rows, before.rows + 1000, 30'000);
        QCOMPARE(s->samples(w->id(), "m0")->size(), std::size_t{100});
        QVERIFY(s->writerStats().commits >= before.commits + 1);
        w->sample(100, m.at(100));
        REQUIRE_OK(w->finish({}));  // finishing flushes
        QCOMPARE(s->samples(w->id(), "m0")->size(), std::size_t{101});
    }

    void writerCommitsWithinTheInterval() {
        // A batch size never reached: only the interval commits.
        auto s = openStore(freshPath(), {.commitInterval = std::chrono::milliseconds(20),
                                         .commitRows = 1'000'000});
        auto w = begin(*s, startOf(*s));
        FakeMetrics m(4);
        for (int k = 0; k < 5; ++k)
            w->sample(k, m.at(k));
        QTRY_COMPARE_WITH_TIMEOUT(s->samples(w->id(), "m3")->size(), std::size_t{5}, 30'000);
        REQUIRE_OK(w->finish({}));
    }

    void manyRunsAtOnce() {
        // Parallel simulations share one writer thread.
        auto s = openStore(freshPath(), {.commitRows = 512, .maxQueuedRows = 4096});
        constexpr int kThreads = 4, kSamples = 2000;
        std::vector<store::RunId> ids(kThreads);
        std::vector<std::thread> threads;
        std::atomic<int> failures{0};
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                auto w = s->beginRun(startOf(*s, "parallel", static_cast<unsigned>(t)));
                if (!w) return void(++failures);
                ids[static_cast<std::size_t>(t)] = (*w)->id();
                FakeMetrics m(10);
                for (int k = 0; k < kSamples; ++k) {
                    (*w)->sample(k * 1000, m.at(k));
                    if (k % 100 == 0) (*w)->trace(k, 0, "t", "tick");
                }
                if (!(*w)->finish({})) ++failures;
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(failures.load(), 0);
        for (const auto id : ids) {
            auto m9 = s->samples(id, "m9");
            REQUIRE_OK(m9);
            QCOMPARE(m9->size(), std::size_t{kSamples});
            QCOMPARE(m9->back().value, (kSamples - 1) * 100.0 + 9);
            QCOMPARE(s->trace(id)->size(), std::size_t{kSamples / 100});
            QCOMPARE(s->run(id)->status, RunStatus::Completed);
        }
    }

    void annotateAndDelete() {
        auto s = openStore(freshPath());
        auto a = begin(*s, startOf(*s, "shared"));
        auto b = begin(*s, startOf(*s, "shared"));
        auto c = begin(*s, startOf(*s, "alone"));
        FakeMetrics m(3);
        for (auto* w : {a.get(), b.get(), c.get()}) {
            w->sample(0, m.at(0));
            w->trace(0, 1, "x", "y");
            REQUIRE_OK(w->finish({}));
        }
        REQUIRE_OK(s->annotate(a->id(), "baseline"));
        REQUIRE_OK(s->annotate(a->id(), "second thoughts"));
        auto notes = s->annotations(a->id());
        REQUIRE_OK(notes);
        QCOMPARE(notes->size(), std::size_t{2});
        QCOMPARE(notes->front().text, std::string("baseline"));
        QVERIFY(notes->front().createdAt > 0);
        auto unknown = s->annotate(999, "x");
        QVERIFY(!unknown.ok());
        QVERIFY2(message(unknown.error()).find("no run 999") != std::string::npos,
                 message(unknown.error()).c_str());

        const std::string shared = s->run(a->id())->scenarioHash;
        const std::string alone = s->run(c->id())->scenarioHash;
        REQUIRE_OK(s->deleteRun(a->id()));
        QVERIFY(!s->findRun(a->id())->has_value());
        QVERIFY(s->annotations(a->id())->empty());
        QVERIFY(s->samples(a->id(), "m0")->empty());
        QVERIFY(s->trace(a->id())->empty());
        QVERIFY(s->finalMetrics(a->id())->empty());
        QVERIFY(s->scenario(shared).ok());  // run b still uses it
        QCOMPARE(s->samples(b->id(), "m0")->size(), std::size_t{1});
        REQUIRE_OK(s->deleteRun(c->id()));
        QVERIFY(!s->scenario(alone).ok());  // no run uses it any more
        QVERIFY(!s->deleteRun(c->id()).ok());

        // A run that is still going cannot be deleted.
        auto live = begin(*s, startOf(*s));
        auto refused = s->deleteRun(live->id());
        QVERIFY(!refused.ok());
        QVERIFY2(message(refused.error()).find("is still running") != std::string::npos,
                 message(refused.error()).c_str());
        REQUIRE_OK(live->finish({}));
        REQUIRE_OK(s->deleteRun(live->id()));
    }

    void tablesRoundTrip() {
        auto s = openStore(freshPath());
        auto w = begin(*s, startOf(*s));
        const auto things = sampleTable(200, 7 * sim::kSecond);
        auto emptySpec = std::make_shared<core::TableSpec>();
        emptySpec->name = "demo.none";
        emptySpec->title = "None";
        emptySpec->help = "Nothing.";
        emptySpec->columns = {{"id", core::ColumnType::Text, "", "Its id."}};
        const auto none = std::make_shared<const core::InspectorTable>(emptySpec);
        store::RunFinish finish;
        finish.tables = {things, none};
        REQUIRE_OK(w->finish(finish));

        auto listed = s->tables(w->id());
        REQUIRE_OK(listed);
        QCOMPARE(listed->size(), std::size_t{2});
        QCOMPARE((*listed)[0].name, std::string("demo.things"));
        QCOMPARE((*listed)[0].title, std::string("Things"));
        QCOMPARE((*listed)[0].rows, std::size_t{200});
        QCOMPARE((*listed)[0].filledAt, 7 * sim::kSecond);
        QCOMPARE((*listed)[1].rows, std::size_t{0});

        auto back = s->table(w->id(), "demo.things");
        REQUIRE_OK(back);
        compareTables(*things, *back);
        QCOMPARE(back->text(5, 2), std::string("phones[0]"));  // node names came along
        QCOMPARE(back->text(2, 6), std::string("16 EiB"));
        QCOMPARE(back->parentRows(), things->parentRows());
        auto empty = s->table(w->id(), "demo.none");
        REQUIRE_OK(empty);
        QCOMPARE(empty->rowCount(), std::size_t{0});

        auto missing = s->table(w->id(), "demo.other");
        QVERIFY(!missing.ok());
        QVERIFY2(message(missing.error())
                     .ends_with("run " + std::to_string(w->id()) +
                                " has no table \"demo.other\" (it has: "
                                "demo.things, demo.none)"),
                 message(missing.error()).c_str());

        // A run without tables lists none; deleting a run deletes its tables.
        auto plain = begin(*s, startOf(*s));
        REQUIRE_OK(plain->finish({}));
        QVERIFY(s->tables(plain->id())->empty());
        REQUIRE_OK(s->deleteRun(w->id()));
        QVERIFY(s->tables(w->id())->empty());
        QVERIFY(!s->table(w->id(), "demo.things").ok());
        auto other = begin(*s, startOf(*s));
        store::RunFinish again;
        again.tables = {sampleTable(3, 0)};
        REQUIRE_OK(other->finish(again));
        QCOMPARE(s->table(other->id(), "demo.things")->rowCount(), std::size_t{3});
    }

    void sweeps() {
        auto s = openStore(freshPath());
        const store::RunStart base = startOf(*s, "swept");
        auto sweep = s->createSweep({base.scenarioHash,
                                     "latency-vs-load",
                                     {{"parameters", {"network.traffic.probe.rate"}}}});
        REQUIRE_OK(sweep);
        for (int point : {1, 0})
            for (int rep : {1, 0}) {
                store::RunStart start = base;
                start.sweep = *sweep;
                start.pointIndex = point;
                start.replicate = rep;
                REQUIRE_OK(begin(*s, start)->finish({}));
            }
        REQUIRE_OK(begin(*s, base)->finish({}));  // not in the sweep
        auto runs = s->sweepRuns(*sweep);
        REQUIRE_OK(runs);
        QCOMPARE(runs->size(), std::size_t{4});
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE((*runs)[i].pointIndex, static_cast<std::int64_t>(i / 2));
            QCOMPARE((*runs)[i].replicate, static_cast<std::int64_t>(i % 2));
            QCOMPARE((*runs)[i].sweep, std::optional<store::SweepId>(*sweep));
        }
        QCOMPARE(s->listRuns({.sweep = *sweep})->size(), std::size_t{4});
        auto record = s->sweep(*sweep);
        REQUIRE_OK(record);
        QCOMPARE(record->experiment, std::string("latency-vs-load"));
        QCOMPARE(record->description["parameters"][0].get<std::string>(),
                 std::string("network.traffic.probe.rate"));
        QVERIFY(!s->sweep(*sweep + 1).ok());
    }

    void readOnlyRefusesWrites() {
        const std::string path = freshPath();
        store::RunStart start;
        {
            auto s = openStore(path);
            start = startOf(*s);
        }
        auto s = openStore(path, {.mode = StoreOptions::Mode::ReadOnly});
        QVERIFY(s->readOnly());
        for (const bool ok : {s->putScenario("x", "{}").ok(), s->beginRun(start).ok(),
                              s->annotate(1, "x").ok(), s->deleteRun(1).ok(), s->flush().ok()})
            QVERIFY(!ok);
        QVERIFY2(message(s->annotate(1, "x").error()).find("opened read-only") != std::string::npos,
                 message(s->annotate(1, "x").error()).c_str());
    }

    void observerRecordsASimulation_data() {
        QTest::addColumn<sim::QueueKind>("queue");
        QTest::newRow("ladder") << sim::QueueKind::Ladder;
        QTest::newRow("heap") << sim::QueueKind::Heap;
    }
    void observerRecordsASimulation() {
        QFETCH(sim::QueueKind, queue);
        const std::vector<std::string> overrides = {"run.until=10s", "run.sample_interval=1s"};
        auto scenario = core::loadScenarioFile(
            std::string(DAIS_SOURCE_DIR) + "/scenarios/single-link-queue.dais.json", overrides);
        REQUIRE_OK(scenario);
        auto s = openStore(freshPath());
        auto hash = s->putScenario(scenario->meta.name, scenario->document.dump());
        REQUIRE_OK(hash);
        store::RunStart start;
        start.scenarioHash = *hash;
        start.scenarioName = scenario->meta.name;
        start.seed = scenario->run.seed;
        start.parameters = store::overridesToParameters(overrides);
        auto w = begin(*s, start);
        store::StoreObserver observer(*w);
        core::RunOptions options;
        options.queue = queue;
        options.observer = &observer;
        auto run = core::ScenarioRun::prepare(*scenario, options);
        REQUIRE_OK(run);
        const core::RunReport report = (*run)->run();
        REQUIRE_OK(w->finish(store::RunFinish::fromReport(report)));

        auto r = s->run(w->id());
        REQUIRE_OK(r);
        QCOMPARE(r->status, RunStatus::Completed);
        QCOMPARE(r->fingerprint, report.fingerprint);
        QCOMPARE(r->events, report.events);
        QCOMPARE(r->parameters["run.sample_interval"].get<std::string>(), std::string("1s"));
        auto finals = s->finalMetrics(w->id());
        REQUIRE_OK(finals);
        QCOMPARE(finals->size(), report.metrics.size());
        for (std::size_t i = 0; i < finals->size(); ++i) {
            QCOMPARE((*finals)[i].name, report.metrics[i].name);
            QCOMPARE((*finals)[i].count, report.metrics[i].count);
            if (!std::isnan(report.metrics[i].value))
                QCOMPARE((*finals)[i].value, report.metrics[i].value);
        }
        // One sample a simulated second, of every metric the simulation defines.
        auto sampled = s->sampledMetrics(w->id());
        REQUIRE_OK(sampled);
        QCOMPARE(sampled->size(), (*run)->simulation().metrics().size());
        for (const auto& m : *sampled) {
            QVERIFY2(m.samples >= 9 && m.samples <= 11, m.name.c_str());
            auto series = s->samples(w->id(), m.name);
            REQUIRE_OK(series);
            for (std::size_t k = 1; k < series->size(); ++k)
                QCOMPARE((*series)[k].time - (*series)[k - 1].time, sim::SimTime{1'000'000'000});
            // A counter never decreases.
            if (m.type == sim::MetricType::Counter)
                for (std::size_t k = 1; k < series->size(); ++k)
                    QVERIFY((*series)[k].value >= (*series)[k - 1].value);
        }
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
