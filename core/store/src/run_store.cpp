// The run store: opening (with its refusals and migrations), the writer thread, reading.
#include "dais/store/run_store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <variant>

#include "dais/store/schema.h"
#include "dais/store/store_observer.h"
#include "schema_apply.h"
#include "sqlite_util.h"

namespace dais::store {

using detail::DbPtr;
using detail::Stmt;

namespace {

namespace fs = std::filesystem;

// Sample and trace rows are keyed by (run id << kRowBits) + the row's sequence in its run.
constexpr int kRowBits = 36;
constexpr std::int64_t kMaxRunId = (std::int64_t{1} << (62 - kRowBits)) - 1;

std::int64_t firstKey(RunId run) {
    return run << kRowBits;
}
std::int64_t lastKey(RunId run) {
    return (run << kRowBits) + ((std::int64_t{1} << kRowBits) - 1);
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const std::string& thisHost() {
    static const std::string host = [] {
        char buf[256] = {};
        if (gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
        return std::string(buf);
    }();
    return host;
}

/// A process's start time (clock ticks after boot) and state letter from /proc; 0 when unknown.
std::int64_t processStart(std::int64_t pid, char* state = nullptr) {
    const std::string file = "/proc/" + std::to_string(pid) + "/stat";
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[1024];
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return 0;
    const std::string text(buf, static_cast<std::size_t>(n));
    const auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    // After the command name come field 3 (state) .. field 22 (starttime).
    for (int i = 3; i <= 22 && (fields >> field); ++i) {
        if (i == 3 && state != nullptr) *state = field.empty() ? '?' : field[0];
        if (i == 22) return std::strtoll(field.c_str(), nullptr, 10);
    }
    return 0;
}

/// Whether the process that began a run still exists (a zombie or a new process that reuses
/// the number does not count).
bool processAlive(std::int64_t pid, std::int64_t start) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
    char state = '?';
    const std::int64_t now = processStart(pid, &state);
    if (state == 'Z' || state == 'X') return false;
    return start == 0 || now == 0 || now == start;
}

std::string_view metricTypeText(sim::MetricType t) {
    return sim::metricTypeName(t);
}

sim::MetricType parseMetricType(std::string_view s) {
    for (auto t : {sim::MetricType::Counter, sim::MetricType::Gauge, sim::MetricType::Distribution})
        if (sim::metricTypeName(t) == s) return t;
    return sim::MetricType::Gauge;
}

sim::MetricScope parseMetricScope(std::string_view s) {
    for (auto c : {sim::MetricScope::Global, sim::MetricScope::Node, sim::MetricScope::Group,
                   sim::MetricScope::Link, sim::MetricScope::Flow})
        if (sim::metricScopeName(c) == s) return c;
    return sim::MetricScope::Global;
}

nlohmann::json parseObject(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

std::optional<std::int64_t> optionalInt(const Stmt& s, int c) {
    if (s.isNull(c)) return std::nullopt;
    return s.colInt(c);
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

/// What inspecting a store file found.
struct FileState {
    bool blank = false;  // an empty database: no application id, no tables
    int version = 0;
};

}  // namespace

// --- small public functions ------------------------------------------------------------------

std::string_view runStatusName(RunStatus s) {
    switch (s) {
        case RunStatus::Running:
            return "running";
        case RunStatus::Completed:
            return "completed";
        case RunStatus::Failed:
            return "failed";
        case RunStatus::Stopped:
            return "stopped";
        case RunStatus::Interrupted:
            return "interrupted";
    }
    return "running";
}

std::optional<RunStatus> parseRunStatus(std::string_view name) {
    for (auto s : {RunStatus::Running, RunStatus::Completed, RunStatus::Failed, RunStatus::Stopped,
                   RunStatus::Interrupted})
        if (runStatusName(s) == name) return s;
    return std::nullopt;
}

std::string defaultStorePath() {
    if (const char* p = std::getenv("DAIS_STORE"); p != nullptr && *p != '\0') return p;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0')
        return (fs::path(x) / "dais" / "runs.sqlite").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home != nullptr && *home != '\0' ? home : ".") / ".local" / "share" / "dais" /
            "runs.sqlite")
        .string();
}

std::string scenarioHash(std::string_view documentText) {
    // FNV-1a, 64 bits (Fowler, Noll and Vo).
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : documentText) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

nlohmann::json overridesToParameters(const std::vector<std::string>& overrides) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& o : overrides) {
        const auto eq = o.find('=');
        const std::string path = o.substr(0, eq);
        const std::string text = eq == std::string::npos ? std::string() : o.substr(eq + 1);
        auto value = nlohmann::json::parse(text, nullptr, false);
        params[path] = value.is_discarded() ? nlohmann::json(text) : value;
    }
    return params;
}

RunFinish RunFinish::fromReport(const core::RunReport& report) {
    RunFinish f;
    switch (report.status) {
        case core::RunStatus::Completed:
            f.status = RunStatus::Completed;
            break;
        case core::RunStatus::Stopped:
            f.status = RunStatus::Stopped;
            break;
        case core::RunStatus::Failed:
            f.status = RunStatus::Failed;
            break;
    }
    f.error = report.error;
    for (const auto& [layer, version] : report.layerVersions)
        f.layerVersions[layer] = version;
    f.wallSeconds = report.wallSeconds;
    f.events = report.events;
    f.simulatedTime = report.simulatedTime;
    f.fingerprint = report.fingerprint;
    f.metrics = report.metrics;
    return f;
}

void StoreObserver::onSample(sim::SimTime time, std::span<const sim::MetricValue> values) {
    writer_.sample(time, values);
}

void StoreObserver::onTrace(const sim::TraceRecord& r) {
    writer_.trace(r.time, r.node, r.category, r.text);
}

// --- the store ---------------------------------------------------------------------------------

struct RunStore::Impl {
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
        bool empty() const { return samples.empty() && others.empty(); }
        std::size_t size() const { return samples.size() + others.size(); }
        void clear() {
            samples.clear();
            others.clear();
        }
    };

    std::string path;
    StoreOptions options;
    bool readOnly = false;
    std::size_t interrupted = 0;

    DbPtr writeDb;  // the writer thread's only (after open)
    Stmt insertSample, insertTrace, insertMetric;
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

    ~Impl() {
        if (thread.joinable()) {
            {
                std::lock_guard lock(mutex);
                stopping = true;
            }
            wake.notify_all();
            space.notify_all();
            thread.join();
        }
        // Statements go before their connection.
        insertSample = Stmt();
        insertTrace = Stmt();
        insertMetric = Stmt();
    }

    core::Error error(std::string_view what) const {
        return core::Error{path + ": " + std::string(what)};
    }
    core::Error sqlError(sqlite3* db, int rc) const {
        if (detail::isDamage(rc))
            return error("the run store is damaged (" + detail::sqliteMessage(db, rc) + ")");
        return error(detail::sqliteMessage(db, rc));
    }
    /// For tasks: records an SQLite failure that aborts the batch.
    core::Error fail(int rc) {
        if (txError.empty()) txError = detail::sqliteMessage(writeDb.get(), rc);
        return sqlError(writeDb.get(), rc);
    }

    // --- queueing (any thread) ---------------------------------------------------------------
    void push(Other op, bool urgent) {
        std::unique_lock lock(mutex);
        while (queuedRows >= options.maxQueuedRows && !stopping)
            space.wait(lock);
        const bool wasEmpty = queue.empty();
        if (wasEmpty) oldest = std::chrono::steady_clock::now();
        const bool row = std::holds_alternative<TraceRow>(op);
        queue.others.emplace_back(queue.samples.size(), std::move(op));
        if (row) ++queuedRows;  // tasks do not count towards a batch's rows
        if (urgent) ++waiting;
        const bool notify = wasEmpty || urgent || queuedRows == options.commitRows;
        lock.unlock();
        if (notify) wake.notify_one();
    }

    void pushRows(std::vector<SampleRow>& rows) {
        std::unique_lock lock(mutex);
        while (queuedRows >= options.maxQueuedRows && !stopping)
            space.wait(lock);
        const bool wasEmpty = queue.empty();
        if (wasEmpty) oldest = std::chrono::steady_clock::now();
        const std::size_t before = queuedRows;
        queue.samples.insert(queue.samples.end(), rows.begin(), rows.end());
        queuedRows += rows.size();
        const bool notify =
            wasEmpty || (before < options.commitRows && queuedRows >= options.commitRows);
        lock.unlock();
        if (notify) wake.notify_one();
    }

    /// Queues a task and waits for the commit that contains it.
    core::Result<void> runTask(std::function<core::Result<void>(Impl&)> fn) {
        if (readOnly) return error("opened read-only; this needs a store opened for writing");
        auto task = std::make_shared<Task>();
        task->run = std::move(fn);
        task->wait = true;
        push(task, true);
        std::unique_lock lock(task->mutex);
        task->cv.wait(lock, [&] { return task->done; });
        return std::move(task->result);
    }

    void postTask(std::function<core::Result<void>(Impl&)> fn) {
        if (readOnly) return;
        auto task = std::make_shared<Task>();
        task->run = std::move(fn);
        push(std::move(task), false);
    }

    // --- the writer thread -------------------------------------------------------------------
    void writerLoop() {
        Batch batch;
        std::unique_lock lock(mutex);
        for (;;) {
            while (!stopping && waiting == 0 && queuedRows < options.commitRows) {
                if (queue.empty()) {
                    wake.wait(lock);
                } else if (wake.wait_until(lock, oldest + options.commitInterval) ==
                           std::cv_status::timeout) {
                    break;
                }
            }
            if (queue.empty()) {
                if (stopping) return;
                continue;
            }
            std::swap(batch, queue);
            queuedRows = 0;
            waiting = 0;
            lock.unlock();
            space.notify_all();
            commit(batch);
            batch.clear();
            lock.lock();
        }
    }

    int writeSample(const SampleRow& r) {
        Stmt& s = insertSample;
        s.bind(1, r.key);
        s.bind(2, static_cast<std::int64_t>(r.metric));
        s.bind(3, r.t);
        s.bind(4, r.value);
        if (r.distribution) {
            s.bind(5, static_cast<std::int64_t>(r.count));
            s.bind(6, r.p50);
            s.bind(7, r.p95);
            s.bind(8, r.p99);
        } else {
            s.bindNull(5);
            s.bindNull(6);
            s.bindNull(7);
            s.bindNull(8);
        }
        const int rc = s.step();
        s.reset();
        return rc;
    }

    int writeTrace(const TraceRow& r) {
        Stmt& s = insertTrace;
        s.bind(1, r.key);
        s.bind(2, r.t);
        s.bind(3, static_cast<std::int64_t>(r.node));
        s.bindStatic(4, r.category);
        s.bindStatic(5, r.text);
        const int rc = s.step();
        s.reset();
        return rc;
    }

    void commit(Batch& batch) {
        txError.clear();
        // Another process writing to the same store holds the lock for a transaction at a
        // time; each attempt waits up to the busy timeout (10 s) before the rows are given up.
        core::Result<void> begun;
        for (int attempt = 0; attempt < 6; ++attempt) {
            begun = detail::execSql(writeDb.get(), "BEGIN IMMEDIATE");
            if (begun || (sqlite3_errcode(writeDb.get()) & 0xff) != SQLITE_BUSY) break;
        }
        bool ok = begun.ok();
        if (!ok) txError = begun.error().message;
        int rc = SQLITE_OK;
        std::size_t next = 0;  // the next sample to write
        auto samplesUpTo = [&](std::size_t end) {
            for (; ok && next < end; ++next)
                if (rc = writeSample(batch.samples[next]); rc != SQLITE_DONE) ok = false, fail(rc);
        };
        std::uint64_t rows = batch.samples.size();
        for (auto& [before, op] : batch.others) {
            samplesUpTo(before);
            if (!ok) break;
            if (const auto* t = std::get_if<TraceRow>(&op)) {
                ++rows;
                if (rc = writeTrace(*t); rc != SQLITE_DONE) ok = false, fail(rc);
            } else {
                auto& task = *std::get<std::shared_ptr<Task>>(op);
                task.result = task.run(*this);
                if (!txError.empty()) ok = false;
            }
        }
        samplesUpTo(batch.samples.size());
        if (ok) {
            if (auto committed = detail::execSql(writeDb.get(), "COMMIT"); !committed)
                ok = false, txError = committed.error().message;
        }
        if (ok) {
            commits.fetch_add(1, std::memory_order_relaxed);
            committedRows.fetch_add(rows, std::memory_order_relaxed);
        } else {
            if (sqlite3_get_autocommit(writeDb.get()) == 0)
                (void)detail::execSql(writeDb.get(), "ROLLBACK");
            const std::string message = path + ": could not write to the run store (" + txError +
                                        "); the last " + std::to_string(batch.size()) +
                                        " writes are lost";
            std::lock_guard lock(mutex);
            if (writeError.empty()) writeError = message;
        }
        for (auto& [before, op] : batch.others) {
            auto* task = std::get_if<std::shared_ptr<Task>>(&op);
            if (task == nullptr || !(*task)->wait) continue;
            std::lock_guard lock((*task)->mutex);
            if (!ok) (*task)->result = core::Error{writeErrorCopy()};
            (*task)->done = true;
            (*task)->cv.notify_all();
        }
    }

    std::string writeErrorCopy() {
        std::lock_guard lock(mutex);
        return writeError;
    }

    // --- opening -----------------------------------------------------------------------------
    /// Read-only: the reader's connection (an older store through an upgraded copy in memory).
    core::Result<void> openForReading(const FileState& state);
    /// Read-write: the writer's connection with the schema up to date and the runs of dead
    /// processes marked interrupted, its statements, and the reader's connection.
    core::Result<void> openForWriting(bool exists);
    /// Write-ahead logging, and the missing schema steps applied.
    core::Result<void> bringSchemaUpToDate();
    core::Result<void> markInterrupted() {
        std::vector<std::pair<RunId, std::string>> dead;
        {
            Stmt s(writeDb.get(),
                   "SELECT id, pid, pid_start FROM runs WHERE status = 'running' AND host = ?");
            if (!s.ok()) return sqlError(writeDb.get(), s.prepareCode());
            s.bind(1, std::string_view(thisHost()));
            int rc;
            while ((rc = s.step()) == SQLITE_ROW)
                if (!processAlive(s.colInt(1), s.colInt(2)))
                    dead.emplace_back(s.colInt(0), "process " + std::to_string(s.colInt(1)) +
                                                       " on " + thisHost() +
                                                       " ended before the run finished");
            if (rc != SQLITE_DONE) return sqlError(writeDb.get(), rc);
        }
        if (dead.empty()) return {};
        if (auto begun = detail::execSql(writeDb.get(), "BEGIN IMMEDIATE"); !begun)
            return error(begun.error().message);
        int rc = SQLITE_DONE;
        Stmt u(writeDb.get(),
               "UPDATE runs SET status = 'interrupted', error = ? WHERE id = ? AND status = "
               "'running'");
        for (const auto& [id, why] : dead) {
            u.bind(1, std::string_view(why));
            u.bind(2, id);
            rc = u.step();
            u.reset();
            if (rc != SQLITE_DONE) break;
            interrupted += static_cast<std::size_t>(sqlite3_changes(writeDb.get()));
        }
        if (rc == SQLITE_DONE) {
            if (detail::execSql(writeDb.get(), "COMMIT")) return {};
            rc = sqlite3_errcode(writeDb.get());
        }
        const auto e = sqlError(writeDb.get(), rc);
        (void)detail::execSql(writeDb.get(), "ROLLBACK");
        interrupted = 0;
        return e;
    }

    // --- reading -----------------------------------------------------------------------------
    static constexpr const char* kRunColumns =
        "id, scenario_hash, scenario_name, seed, parameters, layer_versions, host, pid, "
        "pid_start, status, error, started_at, finished_at, wall_seconds, events, simulated_ns, "
        "fingerprint, sweep_id, point_index, replicate";

    static RunRecord runFromRow(const Stmt& s) {
        RunRecord r;
        r.id = s.colInt(0);
        r.scenarioHash = s.colText(1);
        r.scenarioName = s.colText(2);
        r.seed = static_cast<std::uint64_t>(s.colInt(3));
        r.parameters = parseObject(s.colText(4));
        r.layerVersions = parseObject(s.colText(5));
        r.host = s.colText(6);
        r.pid = s.colInt(7);
        const std::int64_t pidStart = s.colInt(8);
        r.status = parseRunStatus(s.colText(9)).value_or(RunStatus::Interrupted);
        r.error = s.colText(10);
        // A run whose process is gone reads as interrupted even before a writer marks it.
        if (r.status == RunStatus::Running && r.host == thisHost() &&
            !processAlive(r.pid, pidStart)) {
            r.status = RunStatus::Interrupted;
            if (r.error.empty())
                r.error = "process " + std::to_string(r.pid) + " on " + r.host +
                          " ended before the run finished";
        }
        r.startedAt = s.colInt(11);
        r.finishedAt = optionalInt(s, 12);
        r.wallSeconds = s.colDouble(13);
        r.events = static_cast<std::uint64_t>(s.colInt(14));
        r.simulatedTime = s.colInt(15);
        r.fingerprint = s.colText(16);
        r.sweep = optionalInt(s, 17);
        r.pointIndex = s.colInt(18);
        r.replicate = s.colInt(19);
        return r;
    }

    /// Runs `fn` on the read connection under its lock.
    template <class F>
    auto read(F&& fn) const {
        std::lock_guard lock(readMutex);
        return fn(readDb.get());
    }

    core::Result<std::optional<RunRecord>> findRun(RunId id) const {
        return read([&](sqlite3* db) -> core::Result<std::optional<RunRecord>> {
            Stmt s(db, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
            if (!s.ok()) return sqlError(db, s.prepareCode());
            s.bind(1, id);
            const int rc = s.step();
            if (rc == SQLITE_ROW) return std::optional<RunRecord>(runFromRow(s));
            if (rc == SQLITE_DONE) return std::optional<RunRecord>();
            return sqlError(db, rc);
        });
    }

    core::Error noRun(RunId id) const { return error("no run " + std::to_string(id)); }
};

// --- open ----------------------------------------------------------------------------------------

namespace {

/// The folder that holds `path` (the current folder, as an absolute path, for a bare name).
std::string folderOf(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) return parent.string();
    std::error_code ec;
    const fs::path here = fs::current_path(ec);
    return ec ? std::string(".") : here.string();
}

/// Whether this process may create files in `folder` (SQLite's -wal, -shm and -journal files,
/// a new store), as the kernel would decide for this thread; the error is the reason why not.
core::Result<void> folderWritable(const std::string& folder) {
    if (::faccessat(AT_FDCWD, folder.c_str(), W_OK | X_OK, AT_EACCESS) == 0) return {};
    return core::Error{std::strerror(errno)};
}

/// `path` as an absolute SQLite URI with `query` ("file:///...?immutable=1").
std::string fileUri(const std::string& path, std::string_view query) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec) absolute = path;
    std::string uri = "file://";
    for (const char ch : absolute.string()) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            uri += ch;
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned>(c));
            uri += escaped;
        }
    }
    return uri + "?" + std::string(query);
}

/// What changes when another process writes to a file: its identity, size and times, and
/// whether its write-ahead log exists.
struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t modifiedNs = 0, changedNs = 0;
    bool log = false;
    bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stampOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    FileStamp f;
    f.device = st.st_dev;
    f.inode = st.st_ino;
    f.size = st.st_size;
    f.modifiedNs = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    f.changedNs = std::int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
    std::error_code ec;
    f.log = fs::exists(path + "-wal", ec);
    return f;
}

/// Whether `path` is a database in WAL mode with no -wal file beside it. Its content is then
/// the file alone, but SQLite creates the -wal and -shm files to read it, even read-only, and
/// leaves them behind: a reader cannot remove them. (Byte 19 of the header, the read format
/// version, is 2 in WAL mode.)
bool walWithoutLog(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    unsigned char version = 0;
    const bool read = ::pread(fd, &version, 1, 19) == 1;
    ::close(fd);
    std::error_code ec;
    return read && version == 2 && !fs::exists(path + "-wal", ec);
}

/// A read-only connection. `immutable` reads the file as it is, with no locks and no companion
/// files (SQLite's `immutable=1`): only right when nothing writes to it meanwhile.
int openReadOnly(const std::string& path, bool immutable, DbPtr& db) {
    sqlite3* raw = nullptr;
    const std::string name = immutable ? fileUri(path, "immutable=1") : path;
    const int flags =
        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (immutable ? SQLITE_OPEN_URI : 0);
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    db.reset(raw);
    if (rc == SQLITE_OK) sqlite3_busy_timeout(raw, 10'000);
    return rc;
}

/// Runs `read(immutable)`, which reads `path` through its own read-only connection and
/// returns a result, so that a short read (a check, a copy) leaves nothing beside the file. A
/// file in WAL mode without its -wal is read immutable; if it changed meanwhile (another
/// process opened it: a -wal appeared, or it was written), that result is dropped and the file
/// read again through an ordinary read-only connection, as the other process reads it.
template <class Read>
auto readBriefly(const std::string& path, Read&& read) {
    if (walWithoutLog(path)) {
        const auto before = stampOf(path);
        auto result = read(true);
        if (before && stampOf(path) == before) return result;
    }
    return read(false);
}

struct Header {
    bool exists = false;
    std::uintmax_t size = 0;
};

/// Checks the path before SQLite touches it: a regular, readable file that starts with the
/// SQLite header (or is empty), or no file at all.
core::Result<Header> inspectPath(const std::string& path, bool readOnly) {
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        return core::Error{path + ": " + ec.message()};
    Header h;
    if (!fs::exists(st)) return h;
    h.exists = true;
    if (fs::is_directory(st)) return core::Error{path + ": is a folder, not a run store file"};
    if (!fs::is_regular_file(st))
        return core::Error{path + ": not a regular file, so not a run store"};
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return core::Error{path + ": cannot read it (" + std::string(std::strerror(errno)) + ")"};
    char head[16] = {};
    std::size_t got = 0;
    while (got < sizeof head) {
        const ssize_t n = ::read(fd, head + got, sizeof head - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    h.size = fs::file_size(path, ec);
    if (got == 0 && h.size == 0) {
        if (readOnly) return core::Error{path + ": an empty file, not a run store"};
        return h;
    }
    static constexpr char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                        'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    if (got < sizeof head || std::memcmp(head, kMagic, sizeof head) != 0)
        return core::Error{path + ": not a SQLite database, so not a DAIS run store"};
    if (!readOnly && ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0)
        return core::Error{path + ": cannot write to it (" + std::string(std::strerror(errno)) +
                           ")"};
    return h;
}

/// Reads the application id and schema version through a read-only connection (immutable: see
/// openReadOnly) and checks the file's integrity. Never writes.
core::Result<FileState> inspectDatabase(const std::string& path, bool immutable, bool readOnly,
                                        std::uintmax_t size, std::uint64_t fullCheckLimit) {
    auto damaged = [&](const std::string& what) {
        return core::Error{path + ": the run store is damaged (" + what + ")"};
    };
    DbPtr db;
    int rc = openReadOnly(path, immutable, db);
    if (rc != SQLITE_OK) {
        if (detail::isDamage(rc)) return damaged(detail::sqliteMessage(db.get(), rc));
        return core::Error{path + ": cannot open it (" + detail::sqliteMessage(db.get(), rc) + ")"};
    }
    auto scalar = [&](const char* sql, std::int64_t& out) {
        Stmt s(db.get(), sql);
        if (!s.ok()) return s.prepareCode();
        const int r = s.step();
        if (r == SQLITE_ROW) out = s.colInt(0);
        return r == SQLITE_ROW ? SQLITE_OK : r;
    };
    std::int64_t appId = 0, version = 0, objects = 0;
    rc = scalar("PRAGMA application_id", appId);
    if (rc == SQLITE_OK) rc = scalar("PRAGMA user_version", version);
    if (rc == SQLITE_OK) rc = scalar("SELECT count(*) FROM sqlite_master", objects);
    if (rc != SQLITE_OK) {
        if (detail::isDamage(rc)) return damaged(detail::sqliteMessage(db.get(), rc));
        return core::Error{path + ": cannot read it (" + detail::sqliteMessage(db.get(), rc) + ")"};
    }
    FileState state;
    if (appId == 0 && objects == 0 && version == 0) {
        if (readOnly) return core::Error{path + ": an empty SQLite database, not a run store"};
        state.blank = true;
        return state;
    }
    if (appId != kApplicationId) {
        char id[32];
        std::snprintf(id, sizeof id, "0x%08llx",
                      static_cast<unsigned long long>(static_cast<std::uint32_t>(appId)));
        return core::Error{path + ": a SQLite database of another application (application id " +
                           id + "), not a DAIS run store"};
    }
    if (version > currentSchemaVersion())
        return core::Error{path + ": written by a newer DAIS: schema " + std::to_string(version) +
                           ", this build reads up to " + std::to_string(currentSchemaVersion())};
    // A whole-file check reads every page (about a second per 300 MB); above the limit only
    // the run records are checked whole, and the bulk tables where their newest rows are.
    std::vector<std::string> checks;
    if (size <= fullCheckLimit) {
        checks.push_back("PRAGMA quick_check");
    } else {
        for (const char* table :
             {"scenarios", "runs", "metrics", "final_metrics", "sweeps", "annotations"}) {
            std::int64_t present = 0;
            const std::string sql =
                std::string(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                table + "'";
            if (scalar(sql.c_str(), present) == SQLITE_OK && present > 0)
                checks.push_back(std::string("PRAGMA quick_check(") + table + ")");
        }
        checks.push_back("SELECT 'ok' FROM (SELECT max(id) FROM samples)");
    }
    for (const auto& sql : checks) {
        Stmt check(db.get(), sql);
        if (!check.ok()) return damaged(detail::sqliteMessage(db.get(), check.prepareCode()));
        rc = check.step();
        if (rc != SQLITE_ROW) return damaged(detail::sqliteMessage(db.get(), rc));
        if (const std::string first = check.colText(0); first != "ok") return damaged(first);
    }
    state.version = static_cast<int>(version);
    return state;
}

}  // namespace

RunStore::RunStore(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::~RunStore() = default;

const std::string& RunStore::path() const {
    return impl_->path;
}
bool RunStore::readOnly() const {
    return impl_->readOnly;
}
std::size_t RunStore::interruptedAtOpen() const {
    return impl_->interrupted;
}

namespace {

/// A new store's folder: there already (or created, when `options` allow it), and one this
/// process may create files in. The refusal names the folder and the reason.
core::Result<void> prepareFolder(const std::string& path, const StoreOptions& options) {
    const std::string folder = folderOf(path);
    auto refuse = [&](const std::string& why) {
        return core::Error{path + ": cannot create the run store: " + why};
    };
    std::error_code ec;
    const auto st = fs::status(folder, ec);
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
        return refuse("cannot reach the folder " + folder + " (" + ec.message() + ")");
    if (fs::exists(st) && !fs::is_directory(st)) return refuse(folder + " is not a folder");
    if (!fs::exists(st)) {
        if (!options.createDirectories) return refuse("the folder " + folder + " does not exist");
        fs::create_directories(folder, ec);
        if (ec) return refuse("cannot create the folder " + folder + " (" + ec.message() + ")");
    }
    if (auto writable = folderWritable(folder); !writable)
        return refuse("the folder " + folder + " is not writable (" + writable.error().message +
                      ")");
    return {};
}

/// Writing to an existing store needs its -wal and -shm files, which SQLite creates beside it
/// when none is there (and -journal, for a file not yet in WAL mode).
core::Result<void> checkFolderForWriting(const std::string& path) {
    std::error_code ec;
    if (fs::exists(path + "-wal", ec)) return {};
    const std::string folder = folderOf(path);
    if (auto writable = folderWritable(folder); !writable)
        return core::Error{path + ": cannot write to the run store: the folder " + folder +
                           " is not writable (" + writable.error().message +
                           "), and SQLite keeps its -wal and -shm files beside the store " +
                           "(it can still be read)"};
    return {};
}

}  // namespace

core::Result<void> RunStore::Impl::openForReading(const FileState& state) {
    if (state.version >= currentSchemaVersion()) {
        // A lasting connection must see what other processes commit, so it reads the file as
        // SQLite readers do, with the -wal and -shm beside it. When there are none and the
        // folder cannot take them (a read-only folder), no process can be writing to the file:
        // it is read as it is.
        const bool immutable = walWithoutLog(path) && !folderWritable(folderOf(path));
        const int rc = openReadOnly(path, immutable, readDb);
        if (rc != SQLITE_OK) return sqlError(readDb.get(), rc);
        return {};
    }
    // An older store is read through a copy in memory brought up to date; the file itself is
    // left as it is.
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr mem(raw);
    if (rc != SQLITE_OK) return sqlError(raw, rc);
    auto copied = readBriefly(path, [&](bool immutable) -> core::Result<void> {
        DbPtr file;
        if (const int opened = openReadOnly(path, immutable, file); opened != SQLITE_OK)
            return sqlError(file.get(), opened);
        sqlite3_backup* b = sqlite3_backup_init(mem.get(), "main", file.get(), "main");
        if (b == nullptr) return sqlError(mem.get(), sqlite3_errcode(mem.get()));
        const int stepped = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (stepped != SQLITE_DONE) return sqlError(file.get(), stepped);
        return {};
    });
    if (!copied) return copied;
    for (int v = state.version + 1; v <= currentSchemaVersion(); ++v)
        if (auto applied = detail::applyStep(mem.get(), v); !applied)
            return error("cannot read this older store (" + applied.error().message + ")");
    readDb = std::move(mem);
    return {};
}

core::Result<void> RunStore::Impl::openForWriting(bool exists) {
    sqlite3* raw = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (exists ? 0 : SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    writeDb.reset(raw);
    if (rc != SQLITE_OK) return sqlError(raw, rc);
    sqlite3_busy_timeout(raw, 10'000);
    if (auto schema = bringSchemaUpToDate(); !schema) return schema;
    if (auto marked = markInterrupted(); !marked) return marked.error();
    insertSample = Stmt(raw,
                        "INSERT INTO samples (id, metric, t, value, count, p50, p95, p99) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?)");
    insertTrace =
        Stmt(raw, "INSERT INTO trace (id, t, node, category, text) VALUES (?, ?, ?, ?, ?)");
    insertMetric = Stmt(raw,
                        "INSERT OR REPLACE INTO metrics (run_id, idx, name, unit, help, type, "
                        "scope) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const Stmt* s : {&insertSample, &insertTrace, &insertMetric})
        if (!s->ok()) return sqlError(raw, s->prepareCode());
    rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    readDb.reset(raw);
    if (rc != SQLITE_OK) return sqlError(raw, rc);
    sqlite3_busy_timeout(raw, 10'000);
    return {};
}

core::Result<void> RunStore::Impl::bringSchemaUpToDate() {
    sqlite3* db = writeDb.get();
    {
        Stmt mode(db, "PRAGMA journal_mode = WAL");
        const int rc = mode.ok() ? mode.step() : mode.prepareCode();
        if (rc != SQLITE_ROW) return sqlError(db, rc);
        if (mode.colText(0) != "wal")
            return error("cannot switch the store to write-ahead logging (journal mode " +
                         mode.colText(0) + ")");
    }
    if (auto synced = detail::execSql(db, "PRAGMA synchronous = NORMAL"); !synced)
        return error(synced.error().message);
    int version = 0;
    if (const int rc = detail::userVersion(db, version); rc != SQLITE_OK) return sqlError(db, rc);
    if (version > currentSchemaVersion())  // another process got there first
        return error("written by a newer DAIS: schema " + std::to_string(version) +
                     ", this build reads up to " + std::to_string(currentSchemaVersion()));
    for (int v = version + 1; v <= currentSchemaVersion(); ++v)
        if (auto applied = detail::applyStep(db, v); !applied)
            return error("cannot upgrade the store to schema " + std::to_string(v) + " (" +
                         applied.error().message + ")");
    return {};
}

core::Result<std::unique_ptr<RunStore>> RunStore::open(const std::string& path,
                                                       const StoreOptions& options) {
    if (path.empty()) return core::Error{"the run store's path is empty"};
    const bool readOnly = options.mode == StoreOptions::Mode::ReadOnly;
    auto header = inspectPath(path, readOnly);
    if (!header) return header.error();
    if (!header->exists) {
        if (readOnly) return core::Error{path + ": no such file (no run has been stored there)"};
        if (auto folder = prepareFolder(path, options); !folder) return folder.error();
    }
    FileState state;
    state.blank = true;
    if (header->exists && header->size > 0) {
        auto inspected = readBriefly(path, [&](bool immutable) {
            return inspectDatabase(path, immutable, readOnly, header->size, options.fullCheckLimit);
        });
        if (!inspected) return inspected.error();
        state = *inspected;
    }
    if (header->exists && !readOnly)
        if (auto folder = checkFolderForWriting(path); !folder) return folder.error();

    auto impl = std::make_shared<Impl>();
    impl->path = path;
    impl->options = options;
    impl->readOnly = readOnly;
    if (impl->options.commitRows == 0) impl->options.commitRows = 1;
    if (impl->options.maxQueuedRows < impl->options.commitRows)
        impl->options.maxQueuedRows = impl->options.commitRows;
    if (readOnly) {
        if (auto opened = impl->openForReading(state); !opened) return opened.error();
        return std::unique_ptr<RunStore>(new RunStore(std::move(impl)));
    }
    // Read-write: the writer's connection, the schema, the interrupted runs, the reader.
    if (auto opened = impl->openForWriting(header->exists); !opened) return opened.error();
    Impl* self = impl.get();
    impl->thread = std::thread([self] { self->writerLoop(); });
    return std::unique_ptr<RunStore>(new RunStore(std::move(impl)));
}

// --- writing -------------------------------------------------------------------------------------

core::Result<std::string> RunStore::putScenario(std::string_view name,
                                                std::string_view documentText) {
    std::string hash = scenarioHash(documentText);
    auto r = impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt ins(db,
                 "INSERT OR IGNORE INTO scenarios (hash, name, document, created_at) VALUES (?, ?, "
                 "?, ?)");
        ins.bind(1, std::string_view(hash));
        ins.bind(2, name);
        ins.bind(3, documentText);
        ins.bind(4, nowMs());
        if (const int rc = ins.step(); rc != SQLITE_DONE) return s.fail(rc);
        if (sqlite3_changes(db) > 0) return {};
        Stmt get(db, "SELECT document FROM scenarios WHERE hash = ?");
        get.bind(1, std::string_view(hash));
        if (const int rc = get.step(); rc != SQLITE_ROW) return s.fail(rc);
        if (get.colText(0) != documentText)
            return s.error("two different scenario documents share the hash " + hash);
        return {};
    });
    if (!r) return r.error();
    return hash;
}

core::Result<SweepId> RunStore::createSweep(const SweepStart& sweep) {
    SweepId id = 0;
    auto r = impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt ins(db,
                 "INSERT INTO sweeps (scenario_hash, experiment, description, created_at) VALUES "
                 "(?, ?, ?, ?)");
        ins.bind(1, std::string_view(sweep.scenarioHash));
        ins.bind(2, std::string_view(sweep.experiment));
        ins.bind(3, std::string_view(sweep.description.dump()));
        ins.bind(4, nowMs());
        if (const int rc = ins.step(); rc != SQLITE_DONE) return s.fail(rc);
        id = sqlite3_last_insert_rowid(db);
        return {};
    });
    if (!r) return r.error();
    return id;
}

core::Result<std::unique_ptr<RunWriter>> RunStore::beginRun(const RunStart& run) {
    RunId id = 0;
    auto r = impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt known(db, "SELECT 1 FROM scenarios WHERE hash = ?");
        known.bind(1, std::string_view(run.scenarioHash));
        int rc = known.step();
        if (rc == SQLITE_DONE)
            return s.error("no scenario with hash \"" + run.scenarioHash +
                           "\" (store the scenario before its runs)");
        if (rc != SQLITE_ROW) return s.fail(rc);
        const std::int64_t pid = run.pid != 0 ? run.pid : static_cast<std::int64_t>(::getpid());
        Stmt ins(db,
                 "INSERT INTO runs (scenario_hash, scenario_name, seed, parameters, "
                 "layer_versions, host, pid, pid_start, status, started_at, sweep_id, "
                 "point_index, replicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)");
        ins.bind(1, std::string_view(run.scenarioHash));
        ins.bind(2, std::string_view(run.scenarioName));
        ins.bind(3, static_cast<std::int64_t>(run.seed));
        ins.bind(4, std::string_view(run.parameters.is_object() ? run.parameters.dump() : "{}"));
        ins.bind(5,
                 std::string_view(run.layerVersions.is_object() ? run.layerVersions.dump() : "{}"));
        ins.bind(6, std::string_view(run.host.empty() ? thisHost() : run.host));
        ins.bind(7, pid);
        ins.bind(8, processStart(pid));
        ins.bind(9, nowMs());
        if (run.sweep)
            ins.bind(10, *run.sweep);
        else
            ins.bindNull(10);
        ins.bind(11, run.pointIndex);
        ins.bind(12, run.replicate);
        if (rc = ins.step(); rc != SQLITE_DONE) return s.fail(rc);
        id = sqlite3_last_insert_rowid(db);
        if (id > kMaxRunId) {
            s.txError = "run ids are exhausted";
            return s.error("run ids are exhausted");
        }
        return {};
    });
    if (!r) return r.error();
    return std::unique_ptr<RunWriter>(new RunWriter(impl_, id));
}

core::Result<void> RunStore::annotate(RunId run, std::string_view text) {
    return impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt known(db, "SELECT 1 FROM runs WHERE id = ?");
        known.bind(1, run);
        const int rc = known.step();
        if (rc == SQLITE_DONE) return s.noRun(run);
        if (rc != SQLITE_ROW) return s.fail(rc);
        Stmt ins(db, "INSERT INTO annotations (run_id, created_at, text) VALUES (?, ?, ?)");
        ins.bind(1, run);
        ins.bind(2, nowMs());
        ins.bind(3, text);
        if (const int r = ins.step(); r != SQLITE_DONE) return s.fail(r);
        return {};
    });
}

core::Result<void> RunStore::deleteRun(RunId run) {
    return impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt get(db, "SELECT scenario_hash, status, host, pid, pid_start FROM runs WHERE id = ?");
        get.bind(1, run);
        int rc = get.step();
        if (rc == SQLITE_DONE) return s.noRun(run);
        if (rc != SQLITE_ROW) return s.fail(rc);
        const std::string hash = get.colText(0);
        if (get.colText(1) == "running" &&
            (get.colText(2) != thisHost() || processAlive(get.colInt(3), get.colInt(4))))
            return s.error("run " + std::to_string(run) + " is still running (process " +
                           std::to_string(get.colInt(3)) + " on " + get.colText(2) + ")");
        const std::pair<const char*, bool> steps[] = {
            {"DELETE FROM samples WHERE id BETWEEN ?1 AND ?2", true},
            {"DELETE FROM trace WHERE id BETWEEN ?1 AND ?2", true},
            {"DELETE FROM metrics WHERE run_id = ?3", false},
            {"DELETE FROM final_metrics WHERE run_id = ?3", false},
            {"DELETE FROM annotations WHERE run_id = ?3", false},
            {"DELETE FROM runs WHERE id = ?3", false},
        };
        for (const auto& [sql, ranged] : steps) {
            Stmt d(db, sql);
            if (!d.ok()) return s.fail(d.prepareCode());
            if (ranged) {
                d.bind(1, firstKey(run));
                d.bind(2, lastKey(run));
            } else {
                d.bind(3, run);
            }
            if (rc = d.step(); rc != SQLITE_DONE) return s.fail(rc);
        }
        Stmt orphan(db,
                    "DELETE FROM scenarios WHERE hash = ?1 AND NOT EXISTS (SELECT 1 FROM runs "
                    "WHERE scenario_hash = ?1)");
        orphan.bind(1, std::string_view(hash));
        if (rc = orphan.step(); rc != SQLITE_DONE) return s.fail(rc);
        return {};
    });
}

core::Result<void> RunStore::flush() {
    auto r = impl_->runTask([](Impl&) -> core::Result<void> { return {}; });
    if (!r) return r;
    if (std::string e = impl_->writeErrorCopy(); !e.empty()) return core::Error{e};
    return {};
}

// --- reading -------------------------------------------------------------------------------------

RunStore::WriterStats RunStore::writerStats() const {
    return {impl_->commits.load(std::memory_order_relaxed),
            impl_->committedRows.load(std::memory_order_relaxed)};
}

core::Result<std::vector<RunRecord>> RunStore::listRuns(const RunFilter& filter) const {
    // Running and interrupted are told apart by asking whether the process lives, so those two
    // filters (and their limit) are applied here rather than in SQL.
    const bool liveness = filter.status && (*filter.status == RunStatus::Running ||
                                            *filter.status == RunStatus::Interrupted);
    std::string sql = std::string("SELECT ") + Impl::kRunColumns + " FROM runs WHERE 1";
    if (filter.status)
        sql += liveness ? " AND status IN ('running', 'interrupted')" : " AND status = ?1";
    if (filter.scenario) sql += " AND (scenario_name = ?2 OR scenario_hash = ?2)";
    if (filter.sweep) sql += " AND sweep_id = ?3";
    sql += " ORDER BY id DESC";
    if (filter.limit > 0 && !liveness) sql += " LIMIT " + std::to_string(filter.limit);
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<RunRecord>> {
        Stmt s(db, sql);
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        if (filter.status && !liveness) s.bind(1, runStatusName(*filter.status));
        if (filter.scenario) s.bind(2, std::string_view(*filter.scenario));
        if (filter.sweep) s.bind(3, *filter.sweep);
        std::vector<RunRecord> runs;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            RunRecord r = Impl::runFromRow(s);
            if (liveness && r.status != *filter.status) continue;
            runs.push_back(std::move(r));
            if (filter.limit > 0 && runs.size() >= filter.limit) break;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return runs;
    });
}

core::Result<std::optional<RunRecord>> RunStore::findRun(RunId id) const {
    return impl_->findRun(id);
}

core::Result<RunRecord> RunStore::run(RunId id) const {
    auto r = impl_->findRun(id);
    if (!r) return r.error();
    if (!r->has_value()) return impl_->noRun(id);
    return std::move(**r);
}

core::Result<std::vector<core::MetricReport>> RunStore::finalMetrics(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<core::MetricReport>> {
        Stmt s(db,
               "SELECT name, unit, help, type, scope, value, count, mean, stddev, min, max, p50, "
               "p95, p99 FROM final_metrics WHERE run_id = ? ORDER BY position");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<core::MetricReport> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            core::MetricReport m;
            m.name = s.colText(0);
            m.unit = s.colText(1);
            m.help = s.colText(2);
            m.type = parseMetricType(s.colText(3));
            m.scope = parseMetricScope(s.colText(4));
            m.value = s.colDouble(5);
            m.count = static_cast<std::uint64_t>(s.colInt(6));
            m.mean = s.colDouble(7);
            m.stddev = s.colDouble(8);
            m.min = s.colDouble(9);
            m.max = s.colDouble(10);
            m.p50 = s.colDouble(11);
            m.p95 = s.colDouble(12);
            m.p99 = s.colDouble(13);
            out.push_back(std::move(m));
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<std::vector<SampledMetric>> RunStore::sampledMetrics(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<SampledMetric>> {
        Stmt s(db,
               "SELECT idx, name, unit, help, type, scope FROM metrics WHERE run_id = ? ORDER BY "
               "idx");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<SampledMetric> out;
        std::unordered_map<std::int64_t, std::size_t> byIdx;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            byIdx[s.colInt(0)] = out.size();
            out.push_back({s.colText(1), s.colText(2), s.colText(3), parseMetricType(s.colText(4)),
                           parseMetricScope(s.colText(5)), 0});
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        Stmt c(db, "SELECT metric, count(*) FROM samples WHERE id BETWEEN ? AND ? GROUP BY metric");
        c.bind(1, firstKey(id));
        c.bind(2, lastKey(id));
        while ((rc = c.step()) == SQLITE_ROW)
            if (auto it = byIdx.find(c.colInt(0)); it != byIdx.end())
                out[it->second].samples = static_cast<std::uint64_t>(c.colInt(1));
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        std::erase_if(out, [](const SampledMetric& m) { return m.samples == 0; });
        return out;
    });
}

core::Result<std::vector<Sample>> RunStore::samples(RunId id, std::string_view metric) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<Sample>> {
        Stmt s(db,
               "SELECT t, value, count, p50, p95, p99 FROM samples WHERE id BETWEEN ?1 AND ?2 AND "
               "metric = (SELECT idx FROM metrics WHERE run_id = ?3 AND name = ?4) ORDER BY id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, firstKey(id));
        s.bind(2, lastKey(id));
        s.bind(3, id);
        s.bind(4, metric);
        std::vector<Sample> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            Sample x;
            x.time = s.colInt(0);
            x.value = s.colDouble(1);
            if (!s.isNull(2)) {
                x.count = static_cast<std::uint64_t>(s.colInt(2));
                x.p50 = s.colDouble(3);
                x.p95 = s.colDouble(4);
                x.p99 = s.colDouble(5);
            }
            out.push_back(x);
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<void> RunStore::visitSamples(
    RunId id, const std::function<void(const SampledMetric&, const Sample&)>& visit) const {
    return impl_->read([&](sqlite3* db) -> core::Result<void> {
        Stmt m(db, "SELECT idx, name, unit, help, type, scope FROM metrics WHERE run_id = ?");
        if (!m.ok()) return impl_->sqlError(db, m.prepareCode());
        m.bind(1, id);
        std::unordered_map<std::int64_t, SampledMetric> metrics;
        int rc;
        while ((rc = m.step()) == SQLITE_ROW)
            metrics[m.colInt(0)] = {m.colText(1),
                                    m.colText(2),
                                    m.colText(3),
                                    parseMetricType(m.colText(4)),
                                    parseMetricScope(m.colText(5)),
                                    0};
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        Stmt s(db,
               "SELECT metric, t, value, count, p50, p95, p99 FROM samples WHERE id BETWEEN ? AND "
               "? ORDER BY id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, firstKey(id));
        s.bind(2, lastKey(id));
        while ((rc = s.step()) == SQLITE_ROW) {
            const auto it = metrics.find(s.colInt(0));
            if (it == metrics.end()) continue;
            Sample x;
            x.time = s.colInt(1);
            x.value = s.colDouble(2);
            if (!s.isNull(3)) {
                x.count = static_cast<std::uint64_t>(s.colInt(3));
                x.p50 = s.colDouble(4);
                x.p95 = s.colDouble(5);
                x.p99 = s.colDouble(6);
            }
            visit(it->second, x);
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return {};
    });
}

core::Result<std::vector<TraceEntry>> RunStore::trace(RunId id, std::size_t limit) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<TraceEntry>> {
        Stmt s(db,
               "SELECT t, node, category, text FROM trace WHERE id BETWEEN ? AND ? ORDER BY id "
               "LIMIT ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, firstKey(id));
        s.bind(2, lastKey(id));
        s.bind(3, limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(limit));
        std::vector<TraceEntry> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(
                {s.colInt(0), static_cast<std::uint64_t>(s.colInt(1)), s.colText(2), s.colText(3)});
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<std::vector<Annotation>> RunStore::annotations(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<Annotation>> {
        Stmt s(db, "SELECT id, created_at, text FROM annotations WHERE run_id = ? ORDER BY id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<Annotation> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back({s.colInt(0), s.colInt(1), s.colText(2)});
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<StoredScenario> RunStore::scenario(std::string_view hash) const {
    return impl_->read([&](sqlite3* db) -> core::Result<StoredScenario> {
        Stmt s(db, "SELECT hash, name, document FROM scenarios WHERE hash = ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, hash);
        const int rc = s.step();
        if (rc == SQLITE_DONE) return impl_->error("no scenario with hash " + std::string(hash));
        if (rc != SQLITE_ROW) return impl_->sqlError(db, rc);
        return StoredScenario{s.colText(0), s.colText(1), s.colText(2)};
    });
}

core::Result<SweepRecord> RunStore::sweep(SweepId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<SweepRecord> {
        Stmt s(db,
               "SELECT id, scenario_hash, experiment, description, created_at FROM sweeps WHERE "
               "id = ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        const int rc = s.step();
        if (rc == SQLITE_DONE) return impl_->error("no sweep " + std::to_string(id));
        if (rc != SQLITE_ROW) return impl_->sqlError(db, rc);
        SweepRecord r;
        r.id = s.colInt(0);
        r.scenarioHash = s.colText(1);
        r.experiment = s.colText(2);
        r.description = nlohmann::json::parse(s.colText(3), nullptr, false);
        if (r.description.is_discarded()) r.description = nlohmann::json::object();
        r.createdAt = s.colInt(4);
        return r;
    });
}

core::Result<std::vector<RunRecord>> RunStore::sweepRuns(SweepId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<RunRecord>> {
        Stmt s(db, std::string("SELECT ") + Impl::kRunColumns +
                       " FROM runs WHERE sweep_id = ? ORDER BY point_index, replicate, id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<RunRecord> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(Impl::runFromRow(s));
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

// --- RunWriter -----------------------------------------------------------------------------------

struct RunWriter::Local {
    std::int64_t sampleSeq = 0, traceSeq = 0;
    // The metric index of each position of the last sample (the same span, call after call).
    std::vector<std::pair<const sim::MetricInfo*, std::uint32_t>> byPosition;
    std::unordered_map<std::string, std::uint32_t> byName;
    std::vector<SampleRow> rows;
};

RunWriter::RunWriter(std::shared_ptr<RunStore::Impl> store, RunId id)
    : store_(std::move(store)), local_(std::make_unique<Local>()), id_(id) {}

RunWriter::~RunWriter() {
    if (finished_) return;
    const RunId id = id_;
    store_->postTask([id](RunStore::Impl& s) -> core::Result<void> {
        Stmt u(s.writeDb.get(),
               "UPDATE runs SET status = 'interrupted', error = 'the run was abandoned before it "
               "finished', finished_at = ? WHERE id = ? AND status = 'running'");
        u.bind(1, nowMs());
        u.bind(2, id);
        if (const int rc = u.step(); rc != SQLITE_DONE) return s.fail(rc);
        return {};
    });
}

void RunWriter::sample(sim::SimTime t, std::span<const sim::MetricValue> values) {
    if (finished_) return;
    Local& L = *local_;
    L.rows.clear();
    if (L.byPosition.size() < values.size()) L.byPosition.resize(values.size(), {nullptr, 0});
    for (std::size_t i = 0; i < values.size(); ++i) {
        const sim::MetricValue& v = values[i];
        if (v.info == nullptr) continue;
        std::uint32_t idx;
        if (L.byPosition[i].first == v.info) {
            idx = L.byPosition[i].second;
        } else {
            auto it = L.byName.find(v.info->name);
            if (it == L.byName.end()) {
                idx = static_cast<std::uint32_t>(L.byName.size());
                L.byName.emplace(v.info->name, idx);
                store_->postTask(
                    [run = id_, idx, info = *v.info](RunStore::Impl& s) -> core::Result<void> {
                        Stmt& ins = s.insertMetric;
                        ins.bind(1, run);
                        ins.bind(2, static_cast<std::int64_t>(idx));
                        ins.bind(3, std::string_view(info.name));
                        ins.bind(4, std::string_view(info.unit));
                        ins.bind(5, std::string_view(info.help));
                        ins.bind(6, metricTypeText(info.type));
                        ins.bind(7, sim::metricScopeName(info.scope));
                        const int rc = ins.step();
                        ins.reset();
                        if (rc != SQLITE_DONE) return s.fail(rc);
                        return {};
                    });
            } else {
                idx = it->second;
            }
            L.byPosition[i] = {v.info, idx};
        }
        const bool dist = v.info->type == sim::MetricType::Distribution;
        L.rows.push_back(SampleRow{firstKey(id_) + L.sampleSeq++, t, v.value, v.p50, v.p95, v.p99,
                                   v.count, idx, dist});
    }
    if (!L.rows.empty()) store_->pushRows(L.rows);
}

void RunWriter::trace(sim::SimTime t, std::uint64_t node, std::string_view category,
                      std::string_view text) {
    if (finished_) return;
    store_->push(TraceRow{firstKey(id_) + local_->traceSeq++, t, node, std::string(category),
                          std::string(text)},
                 false);
}

core::Result<void> RunWriter::finish(const RunFinish& outcome) {
    if (finished_) return store_->error("run " + std::to_string(id_) + " was already finished");
    finished_ = true;
    const RunId id = id_;
    auto r = store_->runTask([&](RunStore::Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        RunStatus status = outcome.status;
        if (status == RunStatus::Running || status == RunStatus::Interrupted)
            status = RunStatus::Interrupted;
        Stmt u(db,
               "UPDATE runs SET status = ?, error = ?, finished_at = ?, wall_seconds = ?, events "
               "= ?, simulated_ns = ?, fingerprint = ? WHERE id = ?");
        u.bind(1, runStatusName(status));
        u.bind(2, std::string_view(outcome.error));
        u.bind(3, nowMs());
        u.bind(4, outcome.wallSeconds);
        u.bind(5, static_cast<std::int64_t>(outcome.events));
        u.bind(6, outcome.simulatedTime);
        u.bind(7, std::string_view(outcome.fingerprint));
        u.bind(8, id);
        if (const int rc = u.step(); rc != SQLITE_DONE) return s.fail(rc);
        if (sqlite3_changes(db) == 0) return s.noRun(id);
        if (outcome.layerVersions.is_object() && !outcome.layerVersions.empty()) {
            Stmt l(db, "UPDATE runs SET layer_versions = ? WHERE id = ?");
            l.bind(1, std::string_view(outcome.layerVersions.dump()));
            l.bind(2, id);
            if (const int rc = l.step(); rc != SQLITE_DONE) return s.fail(rc);
        }
        Stmt d(db, "DELETE FROM final_metrics WHERE run_id = ?");
        d.bind(1, id);
        if (const int rc = d.step(); rc != SQLITE_DONE) return s.fail(rc);
        Stmt ins(db,
                 "INSERT INTO final_metrics (run_id, position, name, unit, help, type, scope, "
                 "value, count, mean, stddev, min, max, p50, p95, p99) VALUES (?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        std::int64_t position = 0;
        for (const auto& m : outcome.metrics) {
            ins.bind(1, id);
            ins.bind(2, position++);
            ins.bind(3, std::string_view(m.name));
            ins.bind(4, std::string_view(m.unit));
            ins.bind(5, std::string_view(m.help));
            ins.bind(6, metricTypeText(m.type));
            ins.bind(7, sim::metricScopeName(m.scope));
            ins.bind(8, m.value);
            ins.bind(9, static_cast<std::int64_t>(m.count));
            ins.bind(10, m.mean);
            ins.bind(11, m.stddev);
            ins.bind(12, m.min);
            ins.bind(13, m.max);
            ins.bind(14, m.p50);
            ins.bind(15, m.p95);
            ins.bind(16, m.p99);
            const int rc = ins.step();
            ins.reset();
            if (rc != SQLITE_DONE) return s.fail(rc);
        }
        return {};
    });
    if (!r) return r;
    if (std::string e = store_->writeErrorCopy(); !e.empty()) return core::Error{e};
    return {};
}

}  // namespace dais::store
