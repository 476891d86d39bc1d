#pragma once
// The run store: one SQLite file that keeps every run of a scenario (its parameters, layer
// versions, outcome, final metrics, metric samples over time, traces, annotations) and the
// sweeps that group runs, so runs can be listed, compared and exported long after they ended.
//
// Writes never touch SQLite on the caller's thread: they are queued for one writer thread per
// store, which commits them in batched transactions (every commit interval or every few
// thousand rows, whichever comes first). A process killed mid-run loses at most one commit
// interval of samples; its run reads as `interrupted` once the store is opened again.
// Reads use their own connection and see what has been committed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/inspector.h"
#include "dais/core/result.h"
#include "dais/core/run_events.h"
#include "dais/core/scenario_run.h"
#include "dais/sim/metrics.h"
#include "dais/sim/time.h"

namespace dais::store {

using RunId = std::int64_t;
using SweepId = std::int64_t;

/// Where a run stands. `Running` is only ever seen while its process lives; a run whose process
/// died reads as `Interrupted`.
enum class RunStatus { Running, Completed, Failed, Stopped, Interrupted };
/// "running", "completed", "failed", "stopped", "interrupted".
std::string_view runStatusName(RunStatus s);
/// The inverse of runStatusName; nullopt for anything else.
std::optional<RunStatus> parseRunStatus(std::string_view name);

/// The store used when none is named: $DAIS_STORE, else $XDG_DATA_HOME/dais/runs.sqlite, else
/// ~/.local/share/dais/runs.sqlite.
std::string defaultStorePath();

/// The content hash that keys a scenario document: FNV-1a 64 of the text, 16 hex digits.
std::string scenarioHash(std::string_view documentText);

/// `--set` overrides ("PATH=VALUE") as a run's parameters: a JSON object of "PATH": VALUE,
/// VALUE parsed as JSON when it parses, else kept as a string (the rule `--set` uses).
nlohmann::json overridesToParameters(const std::vector<std::string>& overrides);

/// How to open a store.
struct StoreOptions {
    enum class Mode {
        ReadWrite,  ///< creates the file (and its schema) when absent; migrates an older schema
        ReadOnly,   ///< the file must exist and be a store of this or an older schema version
    };
    Mode mode = Mode::ReadWrite;
    /// ReadWrite only: create the file's missing parent folders.
    bool createDirectories = false;
    /// Longest time a queued write waits for its commit; bounds what a crash loses.
    std::chrono::milliseconds commitInterval{250};
    /// A transaction is also committed once it holds this many rows.
    std::size_t commitRows = 4096;
    /// Queued rows beyond which producers wait for the writer (bounds memory if the disk is
    /// slower than the simulations feeding it).
    std::size_t maxQueuedRows = 1 << 20;
    /// Files up to this size are checked whole at open (PRAGMA quick_check); in larger ones
    /// the run records are checked whole and the samples and traces where they end (damage
    /// elsewhere is reported when a read or write meets it).
    std::uint64_t fullCheckLimit = std::uint64_t{256} << 20;
};

/// What is known when a run begins.
struct RunStart {
    std::string scenarioHash;  ///< of a scenario put with RunStore::putScenario
    std::string scenarioName;
    std::uint64_t seed = 0;
    /// Overrides that made this run: {"dotted.path": value, ...}.
    nlohmann::json parameters = nlohmann::json::object();
    /// The layers in the run and their versions: {"federated": "1.2.0", ...}.
    nlohmann::json layerVersions = nlohmann::json::object();
    std::optional<SweepId> sweep;  ///< the sweep this run belongs to, if any
    std::int64_t pointIndex = -1;  ///< the sweep point (-1: none)
    std::int64_t replicate = -1;   ///< the replicate of that point (-1: none)
    std::string host;              ///< empty: this machine's host name
    std::int64_t pid = 0;          ///< 0: this process
};

/// How a run ended.
struct RunFinish {
    RunStatus status = RunStatus::Completed;  ///< Completed, Failed or Stopped
    std::string error;                        ///< why it failed, for Failed
    double wallSeconds = 0;
    std::uint64_t events = 0;
    sim::SimTime simulatedTime = 0;
    std::string fingerprint;  ///< 16 hex digits
    std::vector<core::MetricReport> metrics;
    /// The layers' versions when they are only known at the end (replaces the run's record
    /// when not empty).
    nlohmann::json layerVersions = nlohmann::json::object();
    /// The layers' tables as the run ended (inspector.h), kept with the run, with the names of
    /// the nodes their Node cells show.
    std::vector<std::shared_ptr<const core::InspectorTable>> tables;
    /// The events the run's layers recorded, as many as it kept (run_events.h); null: none.
    std::shared_ptr<const core::RunEvents> runEvents;

    /// The outcome of a finished ScenarioRun: its status, error, figures, metrics, layers,
    /// final tables and events.
    static RunFinish fromReport(const core::RunReport& report);
};

/// How far a running run has got. The latest is stored with each commit of the run's samples,
/// so a run whose process is killed still shows how far it went.
struct RunProgress {
    std::uint64_t events = 0;
    sim::SimTime simulatedTime = 0;
    double wallSeconds = 0;
};

/// One run as stored. For a run that has not finished (running, or interrupted), `events`,
/// `simulatedTime` and `wallSeconds` are its last stored progress.
struct RunRecord {
    RunId id = 0;
    std::string scenarioHash, scenarioName;
    std::uint64_t seed = 0;
    nlohmann::json parameters = nlohmann::json::object();
    nlohmann::json layerVersions = nlohmann::json::object();
    std::optional<SweepId> sweep;
    std::int64_t pointIndex = -1, replicate = -1;
    std::string host;
    std::int64_t pid = 0;
    RunStatus status = RunStatus::Running;
    std::string error;
    std::int64_t startedAt = 0;              ///< Unix time, milliseconds
    std::optional<std::int64_t> finishedAt;  ///< Unix time, milliseconds
    double wallSeconds = 0;
    std::uint64_t events = 0;
    sim::SimTime simulatedTime = 0;
    std::string fingerprint;
};

/// Which runs to list. Unset fields do not filter.
struct RunFilter {
    std::optional<RunStatus> status = {};
    std::optional<std::string> scenario = {};  ///< a scenario name or hash
    std::optional<SweepId> sweep = {};
    std::size_t limit = 0;  ///< 0: all
};

/// A metric that has samples in a run.
struct SampledMetric {
    std::string name, unit, help;
    sim::MetricType type = sim::MetricType::Counter;
    sim::MetricScope scope = sim::MetricScope::Global;
    std::uint64_t samples = 0;
};

/// One sample of one metric. Counters and gauges fill `value` only.
struct Sample {
    sim::SimTime time = 0;
    double value = 0;  ///< counter total, gauge value, or distribution mean
    std::uint64_t count = 0;
    double p50 = 0, p95 = 0, p99 = 0;
};

struct TraceEntry {
    sim::SimTime time = 0;
    std::uint64_t node = 0;
    std::string category, text;
};

/// A layer's table kept with a run: what `dais runs show` lists.
struct StoredTable {
    std::string name, title;
    std::size_t rows = 0;
    sim::SimTime filledAt = 0;  ///< the simulated time it shows
};

/// One of a run's structured events as stored.
struct StoredEvent {
    sim::SimTime time = 0;
    std::string layer;
    std::string kind;  ///< its full name: "federated.update_accepted"
    std::optional<std::uint32_t> node;
    std::string nodeName;  ///< as the run named it; "" for an event about no node
    std::string digest;    ///< 64 lower-case hex digits; "" when it has none
    std::string detail;
};

/// Which of a run's events to read. Unset fields do not filter.
struct EventQuery {
    std::optional<std::uint32_t> node;
    /// The start of the digest's hex (either case); events without a digest never match.
    std::string digestPrefix;
    std::vector<std::string> kinds;  ///< full names; empty: every kind
    std::size_t limit = 0;           ///< 0: all
};

/// How many events a run kept, and how many beyond its limit it did not.
struct StoredEventCounts {
    std::uint64_t kept = 0, dropped = 0, limit = 0;
};

struct Annotation {
    std::int64_t id = 0;
    std::int64_t createdAt = 0;  ///< Unix time, milliseconds
    std::string text;
};

struct StoredScenario {
    std::string hash, name;
    std::string document;  ///< the effective JSON text (after overrides)
};

/// What is known when a sweep begins.
struct SweepStart {
    std::string scenarioHash;
    std::string experiment;  ///< the scenario's experiment id
    /// The sweep's points, as the sweep engine describes them.
    nlohmann::json description = nlohmann::json::object();
};

struct SweepRecord {
    SweepId id = 0;
    std::string scenarioHash, experiment;
    nlohmann::json description = nlohmann::json::object();
    std::int64_t createdAt = 0;  ///< Unix time, milliseconds
};

class RunWriter;

/// One store file. Thread-safe: any thread may write or read; each RunWriter is used by one
/// thread at a time. Every error message names the file.
class RunStore {
  public:
    /// Opens (ReadWrite: creates or migrates) a store. Refuses, with a message naming the path
    /// and the problem and without modifying the file: a directory, a missing file (ReadOnly),
    /// an unreadable file, a file that is not SQLite, a SQLite database of another application,
    /// a store written by a newer DAIS, a damaged file. ReadWrite marks runs left `running` by
    /// a process of this host that no longer exists as `interrupted`; ReadOnly reports them so.
    static core::Result<std::unique_ptr<RunStore>> open(const std::string& path,
                                                        const StoreOptions& options = {});
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    const std::string& path() const;
    bool readOnly() const;
    /// Runs marked `interrupted` by this open.
    std::size_t interruptedAtOpen() const;

    // --- writing (ReadWrite only; these wait for their own commit) ----------------------------
    /// Stores a scenario's effective document under its content hash (once per content);
    /// returns the hash.
    core::Result<std::string> putScenario(std::string_view name, std::string_view documentText);
    core::Result<SweepId> createSweep(const SweepStart& sweep);
    /// Records a run as `running` and returns the handle that feeds it.
    core::Result<std::unique_ptr<RunWriter>> beginRun(const RunStart& run);
    core::Result<void> annotate(RunId run, std::string_view text);
    /// Deletes a run with its metrics, samples, trace, tables, events and annotations, and its
    /// scenario when no
    /// other run uses it.
    core::Result<void> deleteRun(RunId run);
    /// Waits until every write queued so far (by any thread) is committed. Returns the first
    /// write error since the store was opened, if any.
    core::Result<void> flush();

    /// What the writer thread has done since open: for tests and benchmarks.
    struct WriterStats {
        std::uint64_t commits = 0;  ///< transactions committed
        std::uint64_t rows = 0;     ///< sample and trace rows committed
    };
    WriterStats writerStats() const;

    // --- reading ------------------------------------------------------------------------------
    /// Runs, newest first.
    core::Result<std::vector<RunRecord>> listRuns(const RunFilter& filter = {}) const;
    /// The run, or an error naming the store when there is no such run.
    core::Result<RunRecord> run(RunId id) const;
    /// The run, or nullopt when there is no such run (errors are I/O or damage only).
    core::Result<std::optional<RunRecord>> findRun(RunId id) const;
    core::Result<std::vector<core::MetricReport>> finalMetrics(RunId id) const;
    /// The metrics that have samples in a run, in the order the run defined them.
    core::Result<std::vector<SampledMetric>> sampledMetrics(RunId id) const;
    /// A metric's samples in time order (empty if the run never sampled it).
    core::Result<std::vector<Sample>> samples(RunId id, std::string_view metric) const;
    /// Every sample of a run in one pass, in the order written (time order, the metrics of one
    /// time together): for exports, which would otherwise read the run once per metric.
    core::Result<void> visitSamples(
        RunId id, const std::function<void(const SampledMetric&, const Sample&)>& visit) const;
    /// Trace records in the order they were written; limit 0: all.
    core::Result<std::vector<TraceEntry>> trace(RunId id, std::size_t limit = 0) const;
    core::Result<std::vector<Annotation>> annotations(RunId id) const;
    /// The layers' tables kept with a run, in the order the run had them (none for runs stored
    /// before tables were kept, and for sweeps' runs).
    core::Result<std::vector<StoredTable>> tables(RunId id) const;
    /// One of them, whole, its nodes named as in the run. A table whose stored rows are not
    /// what its columns say is reported as damaged, naming the run, the table and the row.
    core::Result<core::InspectorTable> table(RunId id, std::string_view name) const;
    /// A run's events in the order recorded, those that match `query` (found through an index
    /// by node or digest); none for runs stored before events were kept, and for sweeps' runs.
    core::Result<std::vector<StoredEvent>> events(RunId id, const EventQuery& query = {}) const;
    /// How many events a run kept and let go; nullopt when it kept none.
    core::Result<std::optional<StoredEventCounts>> eventCounts(RunId id) const;
    /// The kinds of a run's stored events, each once, in the order they first occur.
    core::Result<std::vector<std::string>> eventKinds(RunId id) const;
    /// The names of a run's nodes, as its tables and events show them; nullopt when the run
    /// kept neither.
    core::Result<std::optional<core::NodeNames>> nodeNames(RunId id) const;
    core::Result<StoredScenario> scenario(std::string_view hash) const;
    core::Result<SweepRecord> sweep(SweepId id) const;
    /// A sweep's runs by point index, then replicate.
    core::Result<std::vector<RunRecord>> sweepRuns(SweepId id) const;

    struct Impl;

  private:
    explicit RunStore(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

/// Feeds one run's samples, traces and outcome to the store. Calls only queue work: they are
/// cheap and never wait for SQLite (except when the queue is full, see maxQueuedRows). Used by
/// one thread at a time; may outlive its RunStore.
class RunWriter {
  public:
    ~RunWriter();  ///< a run never finished is recorded as `interrupted`
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    RunId id() const { return id_; }
    /// Queues one sample of every given metric at simulated time t. Distributions keep their
    /// mean, count, p50, p95 and p99. A metric is known by its MetricInfo's name.
    void sample(sim::SimTime t, std::span<const sim::MetricValue> values);
    /// Queues one trace record.
    void trace(sim::SimTime t, std::uint64_t node, std::string_view category,
               std::string_view text);
    /// Records how far the run has got; the latest is stored with the next commit (in the
    /// same transaction as the samples queued before it).
    void progress(const RunProgress& progress);
    /// Records the outcome and final metrics and waits for the commit. Returns an error if this
    /// or any earlier write of the store failed. A second call is refused.
    core::Result<void> finish(const RunFinish& outcome);
    bool finished() const { return finished_; }

  private:
    friend class RunStore;
    struct Local;
    RunWriter(std::shared_ptr<RunStore::Impl> store, RunId id);

    std::shared_ptr<RunStore::Impl> store_;
    std::unique_ptr<Local> local_;
    RunId id_;
    bool finished_ = false;
};

}  // namespace dais::store
