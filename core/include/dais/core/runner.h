#pragma once
// The runner: one run on a worker thread that any front end (the CLI, the studio, dais-node)
// drives from any thread. Commands (run, pause, step, run-until, stop, speed) go into a small
// queue and interrupt the kernel through its atomic stop flag, so the event loop takes no lock.
// What the run produces goes out to listeners on the worker thread, at a bounded rate: metric
// batches (every sample since the last batch) and immutable snapshots (time, events, rates,
// the latest value of every metric, and the layers' tables a viewer watches). No exception crosses
// a thread: a layer's failure ends the run as failed with its message, and a listener's exception
// does the same.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dais/core/scenario_run.h"
#include "dais/sim/inbox.h"
#include "dais/sim/journal.h"
#include "dais/sim/metrics.h"
#include "dais/sim/simulation.h"

namespace dais::core {

/// A bare simulation as a RunSession: a model already scheduled on `sim`, run to `horizon`.
class KernelSession final : public RunSession {
  public:
    KernelSession(sim::Simulation& sim, sim::SimTime horizon) : sim_(sim), horizon_(horizon) {}
    sim::Simulation& simulation() override { return sim_; }
    sim::SimTime horizon() const override { return horizon_; }
    sim::StopReason advance(sim::SimTime t) override;
    bool step() override;
    bool done() const override { return done_ || !failure_.empty(); }
    RunReport finish(bool stopped) override;
    double wallSeconds() const override { return wallSeconds_; }

  private:
    sim::Simulation& sim_;
    sim::SimTime horizon_;
    bool done_ = false;
    std::string failure_;
    double wallSeconds_ = 0;
};

enum class RunnerState {
    Ready,  ///< not started
    Running,
    Paused,     ///< paused, or waiting after a step or a run-until
    Completed,  ///< reached its horizon or ran out of events
    Stopped,    ///< stopped by a command before the end
    Failed,     ///< a layer (or a listener) failed; see the report's error
};
std::string_view runnerStateName(RunnerState s);
inline bool isFinal(RunnerState s) {
    return s == RunnerState::Completed || s == RunnerState::Stopped || s == RunnerState::Failed;
}

/// The metrics of a run as they were defined, copied once for other threads.
struct MetricCatalog {
    std::vector<sim::MetricInfo> metrics;  ///< indexed by metric id
};

/// One metric's value at one simulated time.
struct MetricPoint {
    sim::SimTime time = 0;
    std::uint32_t metric = 0;  ///< index into the catalog
    double value = 0;          ///< counter total, gauge value or distribution mean
    std::uint64_t count = 0;   ///< distributions: observations so far
    double p50 = 0, p95 = 0;   ///< distributions
};

/// Every sample taken since the previous batch, in time order.
struct MetricBatch {
    std::shared_ptr<const MetricCatalog> catalog;
    std::vector<MetricPoint> points;
};

/// The state of a run at one moment, immutable once published.
struct RunnerSnapshot {
    RunnerState state = RunnerState::Ready;
    sim::SimTime now = 0;
    sim::SimTime horizon = sim::kTimeNever;
    std::uint64_t executed = 0;
    std::size_t pending = 0;
    double wallSeconds = 0;      ///< in the event loop so far
    double eventsPerSecond = 0;  ///< over the last interval between snapshots
    double speed = 0;            ///< pacing: simulated s per wall s; 0 = as fast as possible
    std::shared_ptr<const MetricCatalog> catalog;
    std::vector<MetricPoint> metrics;  ///< the latest value of every metric, at `now`
    /// Each node-scoped metric's value per node (by node index), at `now`, for whoever colours
    /// or sizes nodes by it. Values that did not change since the previous snapshot are the
    /// same shared vector, so a reader can tell at a glance and nothing is copied for them.
    struct NodeValues {
        std::uint32_t metric = 0;  ///< index into the catalog
        std::shared_ptr<const std::vector<double>> values;
    };
    std::vector<NodeValues> nodeMetrics;
    /// The tables watched (Runner::watchTables), in the order asked, each as it was last
    /// filled: tables are filled at most Options::tableRate times a wall second (and on the
    /// final snapshot, from the run's report), so a table not filled again since the previous
    /// snapshot is the same pointer. A name the run has no table of is left out.
    std::vector<std::shared_ptr<const InspectorTable>> tables;
};

/// Receives a run's output on the runner's worker thread (a GUI forwards it to its own).
/// Callbacks must be quick and must not call the runner's wait().
class RunnerListener {
  public:
    virtual ~RunnerListener() = default;
    virtual void onState(RunnerState /*state*/) {}
    virtual void onMetrics(const std::shared_ptr<const MetricBatch>& /*batch*/) {}
    virtual void onSnapshot(const std::shared_ptr<const RunnerSnapshot>& /*snapshot*/) {}
    /// The events the layers recorded since the previous batch, in order (before the snapshot
    /// of the same moment); `dropped` counts those the run did not keep since then.
    virtual void onEvents(const std::shared_ptr<const RunEvents>& /*batch*/) {}
    /// Last call of a run, after the final batch and snapshot.
    virtual void onFinished(const std::shared_ptr<const RunReport>& /*report*/) {}
};

class Runner {
  public:
    struct Options {
        double publishRate = 30;  ///< batches and snapshots per wall-clock second, at most
        bool startPaused = false;
        /// Fills of the watched tables per wall-clock second, at most (a table may hold 100,000
        /// rows): a snapshot between fills carries the tables of the last one.
        double tableRate = 4;
        /// The most events the run keeps (RunReport::runEvents); those beyond are counted in
        /// RunEvents::dropped. Never unbounded.
        std::size_t maxEvents = RunEventLog::kDefaultLimit;
        /// A live or mixed run: when the run has no events left it waits for input (inbox())
        /// until stopped or, paced, until its horizon (Simulation::setKeepAlive).
        bool keepAlive = false;
        /// When not empty: the journal of the run's outside input is written to this file when
        /// the run ends (sim::writeJournalFile), for a replay (Simulation::replayJournal). A
        /// journal that cannot be written fails the run with the reason.
        std::string journalPath = {};
    };

    explicit Runner(std::unique_ptr<RunSession> session);
    Runner(std::unique_ptr<RunSession> session, Options options);
    /// Stops the run if it is still going and waits for the worker.
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    /// Before start(): listeners and kernel observers (called on the worker thread; observers
    /// see every sample, e.g. a run-store recorder). Not owned; they must outlive the run.
    void addListener(RunnerListener* listener);
    void addObserver(sim::Observer* observer);

    /// Starts the worker thread (running, or paused if Options::startPaused).
    void start();

    // Commands: from any thread, at any time; ignored once the run has ended.
    void resume();
    void pause();
    /// Runs n events, then pauses.
    void step(std::uint64_t n = 1);
    /// Runs to simulated time t (capped at the horizon), then pauses.
    void runUntil(sim::SimTime t);
    /// Ends the run early (status Stopped); finishing layers and reporting still happen. Long
    /// work inside the current event that polls Simulation::checkEnd() is abandoned.
    void stop();
    /// Pacing factor: simulated seconds per wall second in [0.1, 1000], or 0 for as fast as
    /// possible. False if out of range.
    bool setSpeed(double speed);
    /// The inbox of the run: other threads post input to it (a network receiver) from start()
    /// until the run ends; posts after that are refused.
    sim::Inbox& inbox() { return session_->simulation().inbox(); }

    /// The tables the run's layers publish (see ScenarioRun::tableNames); from any thread.
    std::vector<std::string> tableNames() const { return session_->tableNames(); }
    /// From any thread, at any time: the tables snapshots carry from now on, replacing those
    /// watched before (none by default; unwatched tables cost nothing). They are filled for
    /// the next snapshot, which comes at once when the run is paused.
    void watchTables(std::vector<std::string> names);

    RunnerState state() const { return state_.load(std::memory_order_acquire); }
    /// Waits until the run has ended; false on timeout.
    bool wait(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());
    /// The final report once the run has ended, else nullptr.
    std::shared_ptr<const RunReport> report() const;

  private:
    struct Commands {
        bool stop = false, pause = false, resume = false;
        std::uint64_t steps = 0;
        sim::SimTime until = sim::kTimeNever;
        bool hasUntil = false;
        bool tables = false;  // the watched tables changed
    };
    class Sampler;

    void post(const std::function<void(Commands&)>& change);
    void work();
    void tick();
    void setState(RunnerState s);
    /// Publishes a batch and a snapshot, unless the last one went out less than a publishing
    /// period ago (and not `force`). `final`: the run's report, whose tables the last snapshot
    /// carries.
    void publish(bool force, const RunReport* final = nullptr);
    /// Fills the watched tables again when they are due.
    void refreshTables(bool force, const RunReport* final);
    /// Sends the events recorded since the previous batch to the listeners.
    void publishEvents();
    std::shared_ptr<const MetricCatalog> catalog();
    void finishRun(bool stopped);
    template <class F>
    void notify(F&& f);

    std::unique_ptr<RunSession> session_;
    Options options_;
    std::vector<RunnerListener*> listeners_;
    std::unique_ptr<Sampler> sampler_;
    sim::Journal journal_;  // the run's outside input, when Options::journalPath is set

    mutable std::mutex mutex_;  // guards commands_, finished_, report_
    std::condition_variable wake_;
    std::condition_variable finishedCv_;
    Commands commands_;
    bool finished_ = false;
    std::shared_ptr<const RunReport> report_;
    std::vector<std::string> watchRequest_;       // guarded by mutex_
    std::atomic<std::uint64_t> watchVersion_{0};  // bumped by each watchTables()
    std::atomic<RunnerState> state_{RunnerState::Ready};
    std::atomic<bool> looping_{false};  // the worker is inside the event loop

    // worker-thread state
    std::shared_ptr<const MetricCatalog> catalog_;
    /// The per-node values last published, with the metric's version they were copied at.
    struct NodeCopy {
        std::uint64_t version = ~std::uint64_t{0};
        std::shared_ptr<const std::vector<double>> values;
    };
    std::vector<NodeCopy> nodeCopies_;  // by metric id
    // The watched tables as last filled, by position in watched_.
    std::vector<std::string> watched_;
    std::vector<std::shared_ptr<const InspectorTable>> tableCopies_;
    std::uint64_t watchSeen_ = 0;
    std::chrono::steady_clock::time_point lastTables_;
    std::uint64_t tablesExecuted_ = ~std::uint64_t{0};  // events executed at the last fill
    std::size_t eventsSent_ = 0;                        // run events sent to listeners
    std::uint64_t eventsDroppedSent_ = 0;
    std::chrono::steady_clock::time_point lastPublish_;
    std::uint64_t lastExecuted_ = 0;
    double lastWall_ = 0;
    double rate_ = 0;
    std::string listenerFailure_;

    std::thread worker_;
    std::thread ticker_;
    std::mutex tickMutex_;
    std::condition_variable tickCv_;
    bool tickerQuit_ = false;
};

}  // namespace dais::core
