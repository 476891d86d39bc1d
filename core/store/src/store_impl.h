#pragma once
// The run store's state, shared by its parts and private to it: the reader's and the writer's
// connections, and the queue of rows and tasks that the writer thread commits in batches.

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "dais/store/run_store.h"
#include "sqlite_util.h"
#include "store_file_checks.h"

namespace dais::store {

namespace detail {

// Sample and trace rows are keyed by (run id << kRowBits) + the row's sequence in its run.
constexpr int kRowBits = 36;
constexpr std::int64_t kMaxRunId = (std::int64_t{1} << (62 - kRowBits)) - 1;

inline std::int64_t firstKey(RunId run) {
    return run << kRowBits;
}
inline std::int64_t lastKey(RunId run) {
    return (run << kRowBits) + ((std::int64_t{1} << kRowBits) - 1);
}

/// Wall-clock milliseconds since the epoch.
inline std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A queued write. Samples and traces are plain rows; everything else is a task that runs
// inside the writer's transaction.
struct SampleRow {
    std::int64_t key;
    sim::SimTime t;
    double value, p50, p95, p99;
    std::uint64_t count;
    std::uint32_t metric;
    bool distribution;
};
struct TraceRow {
    std::int64_t key;
    sim::SimTime t;
    std::uint64_t node;
    std::string category, text;
};

}  // namespace detail

struct RunStore::Impl {
    using DbPtr = detail::DbPtr;
    using Stmt = detail::Stmt;
    using SampleRow = detail::SampleRow;
    using TraceRow = detail::TraceRow;
    using FileState = detail::FileState;

    struct Task {
        /// Runs inside the writer's transaction. Returns a refusal (nothing changed) or calls
        /// fail() for an SQLite error, which rolls the whole batch back.
        std::function<core::Result<void>(Impl&)> run;
        bool wait = false;
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
        core::Result<void> result;
    };
    /// Queued writes in order: samples, and the other writes each after the samples queued
    /// before it. Samples have a vector of their own so that queueing them is a copy of plain
    /// rows.
    using Other = std::variant<TraceRow, std::shared_ptr<Task>>;
    struct Batch {
        std::vector<SampleRow> samples;
        std::vector<std::pair<std::size_t, Other>> others;  // (samples before it, the write)
        // The latest progress of each run that reported one: a run's progress always comes
        // before its finish, so it is written first in the batch.
        std::vector<std::pair<RunId, RunProgress>> progress;
        bool empty() const { return samples.empty() && others.empty() && progress.empty(); }
        std::size_t size() const { return samples.size() + others.size() + progress.size(); }
        void clear() {
            samples.clear();
            others.clear();
            progress.clear();
        }
    };

    std::string path;
    StoreOptions options;
    bool readOnly = false;
    std::size_t interrupted = 0;

    DbPtr writeDb;  // the writer thread's only (after open)
    Stmt insertSample, insertTrace, insertMetric, updateProgress;
    std::string txError;  // the SQLite error that aborts the current batch

    mutable std::mutex readMutex;
    DbPtr readDb;

    std::mutex mutex;
    std::condition_variable wake;   // the writer waits for work
    std::condition_variable space;  // producers wait while the queue is full
    Batch queue;
    std::size_t queuedRows = 0;
    std::size_t waiting = 0;  // queued tasks whose caller waits
    bool stopping = false;
    std::chrono::steady_clock::time_point oldest;
    std::string writeError;  // the first failed commit since open
    std::atomic<std::uint64_t> commits{0}, committedRows{0};
    std::thread thread;

    ~Impl();

    core::Error error(std::string_view what) const {
        return core::Error{path + ": " + std::string(what)};
    }
    core::Error sqlError(sqlite3* db, int rc) const {
        if (detail::isDamage(rc))
            return error("the run store is damaged (" + detail::sqliteMessage(db, rc) + ")");
        return error(detail::sqliteMessage(db, rc));
    }
    /// A statement of the writer's that the file's tables cannot take: refused as damage.
    core::Error damagedTables(const Stmt& s) const {
        return error("the run store is damaged: its tables are not the ones this build writes (" +
                     s.prepareError() + ")");
    }
    /// For tasks: records an SQLite failure that aborts the batch.
    core::Error fail(int rc) {
        if (txError.empty()) txError = detail::sqliteMessage(writeDb.get(), rc);
        return sqlError(writeDb.get(), rc);
    }

    // --- queueing (any thread) ---------------------------------------------------------------
    /// Queues a trace row or a task; waits while the queue is full. `urgent` wakes the writer
    /// now (its caller waits for the commit).
    void push(Other op, bool urgent);
    /// Queues sample rows; waits while the queue is full.
    void pushRows(std::vector<SampleRow>& rows);
    /// Keeps a run's latest progress for the next commit (replacing any queued before).
    void pushProgress(RunId run, const RunProgress& progress);
    /// Queues a task and waits for the commit that contains it.
    core::Result<void> runTask(std::function<core::Result<void>(Impl&)> fn);
    /// Queues a task without waiting for it.
    void postTask(std::function<core::Result<void>(Impl&)> fn);

    // --- the writer thread -------------------------------------------------------------------
    /// Takes the queue as one batch when it holds a commit's rows, a waited-for task, or rows
    /// older than the commit interval, until the store closes.
    void writerLoop();
    /// One row through its prepared statement; SQLite's result code.
    int writeSample(const SampleRow& r);
    int writeTrace(const TraceRow& r);
    int writeProgress(RunId run, const RunProgress& p);
    /// Writes a batch in one transaction, in queue order; on failure rolls it back and keeps
    /// the first error for the writers.
    void commit(Batch& batch);
    /// The first failed commit's message, read under the queue's lock.
    std::string writeErrorCopy();
    /// A run's final tables (and its nodes' names), replacing any it had; inside a task.
    core::Result<void> writeTables(
        RunId id, const std::vector<std::shared_ptr<const core::InspectorTable>>& tables);
    /// A run's events (with how many it kept and let go, and its nodes' names), replacing any
    /// it had; inside a task.
    core::Result<void> writeEvents(RunId id, const std::shared_ptr<const core::RunEvents>& events);

    // --- opening -----------------------------------------------------------------------------
    /// Read-only: the reader's connection (an older store through an upgraded copy in memory).
    core::Result<void> openForReading(const FileState& state);
    /// Read-write: the writer's connection with the schema up to date and the runs of dead
    /// processes marked interrupted, its statements, and the reader's connection.
    core::Result<void> openForWriting(bool exists);
    /// Write-ahead logging, with the syncs it needs.
    core::Result<void> useWriteAheadLog();
    /// The missing schema steps applied, inside the caller's transaction.
    core::Result<void> upgradeSchema();
    /// Marks interrupted the running runs of this host whose process has ended, inside the
    /// caller's transaction.
    core::Result<void> markInterrupted();

    // --- reading -----------------------------------------------------------------------------
    static constexpr const char* kRunColumns =
        "id, scenario_hash, scenario_name, seed, parameters, layer_versions, host, pid, "
        "pid_start, status, error, started_at, finished_at, wall_seconds, events, simulated_ns, "
        "fingerprint, sweep_id, point_index, replicate";
    /// A run record from a row of kRunColumns.
    static RunRecord runFromRow(const Stmt& s);

    /// Runs `fn` on the read connection under its lock.
    template <class F>
    auto read(F&& fn) const {
        std::lock_guard lock(readMutex);
        return fn(readDb.get());
    }

    core::Result<std::optional<RunRecord>> findRun(RunId id) const;
    core::Error noRun(RunId id) const { return error("no run " + std::to_string(id)); }
};

}  // namespace dais::store
