#pragma once
// Running a sweep: the runs of a SweepPlan (experiment.h) on a pool of worker threads, each run
// building its own simulation from the plan's scenario text, the point's overrides and its seed.
// A run is a pure function of those, so its results (fingerprint, metrics, samples) are the same
// on any thread, in any process and on any machine; results are handed on in run order, so what
// a sweep writes does not depend on how many threads or processes ran it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "dais/core/experiment.h"
#include "dais/core/result.h"
#include "dais/core/scenario_run.h"
#include "dais/sim/metrics.h"
#include "dais/sim/time.h"

namespace dais::core {

/// The metric samples a run took (at the scenario's run.sample_interval), kept apart from the
/// simulation so they outlive it and can travel to another process.
struct RecordedSamples {
    /// The sampled metrics; column i of every row is metrics[i].
    std::vector<sim::MetricInfo> metrics;
    struct Row {
        sim::SimTime time = 0;
        /// One value per metric (a row may be shorter than `metrics` if metrics were defined
        /// later in the run). `info` is null: the column says which metric it is.
        std::vector<sim::MetricValue> values;
    };
    std::vector<Row> rows;

    /// Row `i`'s values with their `info` pointing into `metrics`, as an observer expects them.
    std::vector<sim::MetricValue> valuesOf(std::size_t i) const;
};

/// How one run of a sweep ended.
enum class SweepRunStatus {
    Completed,  ///< ran to its horizon (or until no events were left)
    Failed,     ///< could not be built or failed while running; see `error`
    Cancelled,  ///< the sweep was cancelled before or while it ran (see stoppedWhileRunning)
};
std::string_view sweepRunStatusName(SweepRunStatus s);

/// One run's outcome.
struct SweepRunResult {
    std::size_t index = 0, point = 0, replicate = 0;
    std::uint64_t seed = 0;
    SweepRunStatus status = SweepRunStatus::Cancelled;
    std::string error;  ///< Failed: why, as the loader, the network or a layer said it
    /// The run's report: complete for Completed runs; for a run that failed while running,
    /// what it did until then.
    RunReport report;
    RecordedSamples samples;

    /// A Cancelled run that was stopped while it ran: its `report` (status Stopped) and
    /// `samples` hold what it did until then. False for a run skipped before it started.
    bool stoppedWhileRunning() const {
        return status == SweepRunStatus::Cancelled && report.status == RunStatus::Stopped;
    }
};

/// What a sweep has done so far. Safe to read from any thread.
struct SweepProgress {
    std::size_t total = 0;     ///< runs this executor runs
    std::size_t finished = 0;  ///< of which finished (completed, failed or cancelled)
    std::size_t failed = 0;    ///< of which failed
    bool cancelled = false;
};

struct SweepOptions {
    unsigned jobs = 1;  ///< worker threads (at least 1)
    /// The plan's runs to execute, by index (e.g. one process's share); nullopt: all of them.
    std::optional<std::vector<std::size_t>> runs;
    bool recordSamples = true;  ///< keep each run's metric samples in its result
};

/// Runs a plan's runs on `jobs` worker threads, starting at construction. Results come out of
/// next() as runs finish (in any order; ResultSequencer puts them in run order). cancel() stops
/// the runs in progress and skips the rest, each reported as Cancelled. The plan must outlive
/// the executor; destroying it cancels and waits for the workers. No exception leaves a worker:
/// a run that throws is a failed run.
class SweepExecutor {
  public:
    SweepExecutor(const SweepPlan& plan, SweepOptions options);
    ~SweepExecutor();
    SweepExecutor(const SweepExecutor&) = delete;
    SweepExecutor& operator=(const SweepExecutor&) = delete;

    /// The next finished run, waiting for it; nullopt once every run has been handed out.
    std::optional<SweepRunResult> next();
    /// The same, waiting at most `timeout`; nullopt if none is ready by then (see done()).
    std::optional<SweepRunResult> next(std::chrono::milliseconds timeout);
    /// True once every run has been handed out by next().
    bool done() const;

    /// Stops the runs in progress and skips the rest. Safe from any thread, repeatedly.
    void cancel();
    bool cancelled() const { return cancel_.load(); }
    SweepProgress progress() const;

  private:
    void work(std::size_t worker);
    SweepRunResult runOne(const SweepRunSpec& spec, std::size_t worker);

    const SweepPlan& plan_;
    SweepOptions options_;
    std::vector<std::size_t> order_;  // run indices to execute
    std::atomic<std::size_t> nextRun_{0};
    std::atomic<bool> cancel_{false};
    std::atomic<std::size_t> finished_{0}, failed_{0};

    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<SweepRunResult> results_;  // finished, not yet handed out
    std::size_t handedOut_ = 0;
    std::vector<ScenarioRun*> active_;  // per worker: the run in progress, for cancel()
    std::vector<std::thread> workers_;
};

/// Takes results in any order and gives them back in run-index order, each once.
class ResultSequencer {
  public:
    /// `indices`: the run indices to expect, in the order to give them back.
    explicit ResultSequencer(std::vector<std::size_t> indices);
    /// Every index from 0 to count - 1.
    explicit ResultSequencer(std::size_t count);

    void push(SweepRunResult result);
    /// The next result in order if it has arrived.
    std::optional<SweepRunResult> pop();
    bool done() const { return position_ == order_.size(); }

  private:
    std::vector<std::size_t> order_;
    std::size_t position_ = 0;
    std::map<std::size_t, SweepRunResult> waiting_;
};

/// Runs a whole plan and hands every result to `sink` in run order, on the calling thread.
/// `cancel` (optional) is polled: set it to stop the sweep (remaining runs come out Cancelled).
/// `onProgress` (optional) is called on the calling thread whenever a run finishes.
void runSweep(const SweepPlan& plan, const SweepOptions& options,
              const std::function<void(SweepRunResult&&)>& sink,
              const std::atomic<bool>* cancel = nullptr,
              const std::function<void(const SweepProgress&)>& onProgress = {});

// ---- summaries ------------------------------------------------------------------------------

/// The value a metric selector ("net.latency", "net.latency.p99") reads from a report:
/// counters and gauges give their value, distributions their mean or the named statistic.
/// nullopt if the report has no such metric.
std::optional<double> selectMetric(const RunReport& report, std::string_view selector);

/// One metric at one point, over the point's completed runs.
struct MetricSummary {
    std::string selector;
    std::string unit;  ///< the metric's unit ("s", "messages", "1"); "" if no run reported it
    SampleStats stats;
};

struct PointSummary {
    std::size_t point = 0;
    std::size_t completed = 0, failed = 0, cancelled = 0;
    std::vector<MetricSummary> metrics;  ///< in SweepPlan::metrics order
};

/// Summarises every point of a sweep from its results (any order; one per run at most).
std::vector<PointSummary> summarizeSweep(const SweepPlan& plan,
                                         std::span<const SweepRunResult> results);

// ---- moving results between processes ------------------------------------------------------

/// A result as bytes (CBOR), with every number bit for bit, so a result computed in another
/// process is indistinguishable from one computed here.
std::vector<std::uint8_t> encodeRunResult(const SweepRunResult& result);
Result<SweepRunResult> decodeRunResult(std::span<const std::uint8_t> bytes);

}  // namespace dais::core
