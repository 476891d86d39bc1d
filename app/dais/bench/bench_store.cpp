// dais bench store: metric rows per second into the run store, while a simulation runs in the
// same process, against plain SQLite inserting the same rows.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/sim/simulation.h"
#include "dais/store/run_store.h"
#include "dais/store/store_observer.h"
#include "measurement.h"

namespace dais::app {
namespace {

constexpr const char* kBenchStoreHelp = R"(usage: dais bench store [options]

Measures metric rows per second (one row = one metric's sample at one time) written
(1) by plain SQLite: one prepared INSERT, 1,000-row transactions, WAL mode, synchronous=NORMAL,
    a connection without SQLite's own mutex (as the store's),
    into a table of the same columns as the store's samples, in a temporary file;
(2) through the run store: a producer thread queues samples of --metrics metrics per call and
    the store's writer thread commits them, while a PHOLD simulation runs flat out on another
    thread and records its own samples (every simulated second) into the same store;
    rows per second counts every row committed from the first queued one until flush()
    returns;
and (3) their ratio, against the bar of the store being within 2x of plain SQLite. Each figure
is the median of --repeats measurements.

options:
  --rows N         rows per measurement (default 2000000)
  --repeats N      measurements of each kind (default 5)
  --metrics N      metrics per sample (default 40)
  --json           print the figures as JSON
)";

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/// A fresh folder for one measurement's files, removed afterwards.
struct TempDir {
    std::string path;
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl =
            std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/dais-bench-XXXXXX";
        if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
};

/// The values a sample row carries: a quarter of the metrics are distributions.
struct RowValues {
    double value, p50, p95, p99;
    std::uint64_t count;
    bool distribution;
};
RowValues rowValues(std::uint64_t i, std::uint32_t metrics) {
    const bool dist = i % metrics % 4 == 0;
    return {static_cast<double>(i) * 0.5, 1.5, 2.5, 3.5, i / metrics, dist};
}

/// (1) Plain SQLite. Returns rows per second, or a negative number after printing an error.
double plainSqlite(std::uint64_t rows, std::uint32_t metrics) {
    TempDir dir;
    if (dir.path.empty()) return printError("bench store: cannot create a temporary folder"), -1;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2((dir.path + "/plain.sqlite").c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        printError(std::string("bench store: ") + sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE samples "
                 "(run_id INTEGER, metric INTEGER, t INTEGER, value REAL, count INTEGER, p50 REAL, "
                 "p95 REAL, p99 REAL)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &ins,
                       nullptr);
    const auto start = Clock::now();
    for (std::uint64_t i = 0; i < rows;) {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (int k = 0; k < 1000 && i < rows; ++k, ++i) {
            const RowValues v = rowValues(i, metrics);
            sqlite3_bind_int64(ins, 1, 1);
            sqlite3_bind_int64(ins, 2, static_cast<sqlite3_int64>(i % metrics));
            sqlite3_bind_int64(ins, 3, static_cast<sqlite3_int64>(i / metrics * 1'000'000));
            sqlite3_bind_double(ins, 4, v.value);
            if (v.distribution) {
                sqlite3_bind_int64(ins, 5, static_cast<sqlite3_int64>(v.count));
                sqlite3_bind_double(ins, 6, v.p50);
                sqlite3_bind_double(ins, 7, v.p95);
                sqlite3_bind_double(ins, 8, v.p99);
            } else {
                for (int c = 5; c <= 8; ++c)
                    sqlite3_bind_null(ins, c);
            }
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    const double s = seconds(start, Clock::now());
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return static_cast<double>(rows) / s;
}

/// PHOLD: every event schedules one more at a random target after an exponential delay.
struct Phold {
    static constexpr std::uint32_t kTargets = 1000;
    sim::Simulation sim;
    sim::KindId kind = 0;
    sim::MetricId hops = 0, delay = 0, pending = 0;
    sim::RngStream rng{1, "bench", 0, "phold"};

    Phold() {
        kind = sim.registerKind<&Phold::onEvent>("phold.hop", *this);
        hops = sim.metrics().define({"phold.hops", "events", "events run", sim::MetricType::Counter,
                                     sim::MetricScope::Global});
        delay = sim.metrics().define({"phold.delay", "s", "delay to the next event",
                                      sim::MetricType::Distribution, sim::MetricScope::Global});
        pending = sim.metrics().define({"phold.pending", "events", "events pending",
                                        sim::MetricType::Gauge, sim::MetricScope::Global});
        for (std::uint32_t t = 0; t < kTargets; ++t)
            for (int k = 0; k < 4; ++k)
                sim.scheduleAt(sim::fromSeconds(rng.exponential(1.0)), t, kind);
        sim.setSampleInterval(sim::fromSeconds(1.0));
    }
    void onEvent(sim::Simulation& s, const sim::Event&) {
        const double d = rng.exponential(1.0);
        s.metrics().add(hops, 1);
        s.metrics().observe(delay, d);
        s.scheduleIn(sim::fromSeconds(d) + 1, static_cast<sim::TargetId>(rng.below(kTargets)),
                     kind);
    }
};

struct StoreFigures {
    double rowsPerSecond = -1;
    double simulationShare = 0;  ///< of the rows, those the simulation recorded
    double simEventsPerSecond = 0;
};

/// (2) Through the store, while a simulation runs.
StoreFigures throughStore(std::uint64_t rows, std::uint32_t metrics) {
    StoreFigures f;
    TempDir dir;
    if (dir.path.empty()) return printError("bench store: cannot create a temporary folder"), f;
    auto opened = store::RunStore::open(dir.path + "/runs.sqlite");
    if (!opened) return printError(opened.error().message), f;
    store::RunStore& s = **opened;
    auto hash = s.putScenario("bench store", "{\"format\": \"dais-scenario\"}");
    if (!hash) return printError(hash.error().message), f;
    store::RunStart start;
    start.scenarioHash = *hash;
    start.scenarioName = "bench store";
    auto producer = s.beginRun(start);
    auto simRun = s.beginRun(start);
    if (!producer || !simRun) return printError("bench store: cannot begin the runs"), f;

    Phold phold;
    store::StoreObserver observer(**simRun);
    phold.sim.addObserver(&observer);
    std::atomic<bool> simStarted{false};
    std::thread simThread([&] {
        simStarted = true;
        phold.sim.run();
    });
    while (!simStarted.load())
        std::this_thread::yield();

    std::vector<sim::MetricInfo> infos(metrics);
    for (std::uint32_t m = 0; m < metrics; ++m)
        infos[m] = {"bench.m" + std::to_string(m), "1", "",
                    m % 4 == 0 ? sim::MetricType::Distribution : sim::MetricType::Counter,
                    sim::MetricScope::Global};
    std::vector<sim::MetricValue> values(metrics);
    for (std::uint32_t m = 0; m < metrics; ++m)
        values[m].info = &infos[m];

    const auto before = s.writerStats();
    const std::uint64_t eventsBefore = phold.sim.progress().executed;
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < rows; i += metrics) {
        for (std::uint32_t m = 0; m < metrics; ++m) {
            const RowValues v = rowValues(i + m, metrics);
            values[m].value = v.value;
            values[m].count = v.count;
            values[m].p50 = v.p50;
            values[m].p95 = v.p95;
            values[m].p99 = v.p99;
        }
        (*producer)->sample(static_cast<sim::SimTime>(i / metrics * 1'000'000), values);
    }
    const auto flushed = s.flush();
    const auto t1 = Clock::now();
    const auto after = s.writerStats();
    const std::uint64_t eventsAfter = phold.sim.progress().executed;
    phold.sim.stop();
    simThread.join();
    if (!flushed) return printError(flushed.error().message), f;
    (void)(*producer)->finish({});
    (void)(*simRun)->finish({});

    const double elapsed = seconds(t0, t1);
    const double committed = static_cast<double>(after.rows - before.rows);
    f.rowsPerSecond = committed / elapsed;
    f.simulationShare = committed > 0 ? (committed - static_cast<double>(rows)) / committed : 0;
    f.simEventsPerSecond = static_cast<double>(eventsAfter - eventsBefore) / elapsed;
    return f;
}

}  // namespace

int benchStore(const std::vector<std::string>& words) {
    Args args(words);
    std::uint64_t rows = 2'000'000, repeats = 5, metrics = 40;
    bool json = false;
    while (!args.done()) {
        auto number = [&](const char* name, std::uint64_t& into, std::uint64_t lo,
                          std::uint64_t hi) { return takeWholeNumber(args, name, into, lo, hi); };
        if (args.flag("help")) return std::fputs(kBenchStoreHelp, stdout), kExitOk;
        int r;
        if ((r = number("rows", rows, 1000, 1'000'000'000)) ||
            (r = number("repeats", repeats, 1, 100)) ||
            (r = number("metrics", metrics, 1, 10'000))) {
            if (r == 2) return kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench store: unknown option " + args.peek() +
                       " (see dais bench store --help)");
            return kExitUsage;
        }
    }
    const auto m = static_cast<std::uint32_t>(metrics);
    std::vector<double> plain, stored, share, events;
    for (std::uint64_t i = 0; i < repeats; ++i) {
        // Alternate the two, so a change in the machine's load affects both alike.
        const double p = plainSqlite(rows, m);
        if (p < 0) return kExitFailure;
        const StoreFigures s = throughStore(rows, m);
        if (s.rowsPerSecond < 0) return kExitFailure;
        plain.push_back(p);
        stored.push_back(s.rowsPerSecond);
        share.push_back(s.simulationShare);
        events.push_back(s.simEventsPerSecond);
        if (!json)
            std::fprintf(stderr, "  repeat %llu: plain %s rows/s, store %s rows/s\n",
                         static_cast<unsigned long long>(i + 1), siNumber(p).c_str(),
                         siNumber(s.rowsPerSecond).c_str());
    }
    const double p = median(plain), s = median(stored), ratio = p / s;
    const bool within = ratio <= 2.0;
    if (json) {
        const nlohmann::json out = {{"rows", rows},
                                    {"repeats", repeats},
                                    {"metrics", metrics},
                                    {"plain_rows_per_second", p},
                                    {"store_rows_per_second", s},
                                    {"ratio", ratio},
                                    {"within_2x", within},
                                    {"simulation_row_share", median(share)},
                                    {"simulation_events_per_second", median(events)}};
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    std::printf("rows per measurement   %s (%llu metrics per sample), median of %llu\n",
                groupDigits(rows).c_str(), static_cast<unsigned long long>(metrics),
                static_cast<unsigned long long>(repeats));
    std::printf("plain SQLite           %s rows/s  (1,000-row transactions, WAL)\n",
                siNumber(p).c_str());
    std::printf(
        "run store              %s rows/s  (writer thread, simulation running: %s "
        "events/s, %.1f%% of the rows its samples)\n",
        siNumber(s).c_str(), siNumber(median(events)).c_str(), 100 * median(share));
    std::printf("ratio                  %.2fx slower than plain SQLite: %s the 2x bar\n", ratio,
                within ? "within" : "outside");
    return kExitOk;
}

}  // namespace dais::app
