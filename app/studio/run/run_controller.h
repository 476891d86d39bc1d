#pragma once
// Drives one run of a scenario for the studio. Preparing (building the network, setting the
// layers up, which may load data for seconds) and running both happen off the GUI thread: the
// GUI thread only sends commands to the core::Runner, which is thread-safe, and receives
// immutable batches (snapshots, metric samples, trace lines, network activity) through at most
// one queued call at a time, at the runner's publishing rate (<= 30 Hz). What arrives while the
// GUI thread is busy is merged into the next delivery, so a fast run never floods its queue.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QMetaType>
#include <QObject>
#include <QString>

#include "dais/core/runner.h"
#include "dais/core/scenario.h"
#include "dais/sim/time.h"
#include "run/network_structure.h"

namespace dais::store {
class RunStore;
}  // namespace dais::store

namespace dais::studio {

/// One trace record of a run ("federated", "fault"...), copied off the simulation's thread.
struct TraceLine {
    sim::SimTime time = 0;
    std::uint32_t node = 0;
    std::string category;
    std::string text;
};

/// The trace records made since the previous batch. A batch holds at most
/// RunController::kMaxTraceLines lines; the records beyond are counted in `dropped` (the run
/// store, when the run is stored, still keeps them all).
struct TraceBatch {
    std::vector<TraceLine> lines;
    std::uint64_t dropped = 0;
};

/// What the network did since the previous batch, for animation and node colours.
struct ActivityBatch {
    /// A message crossing one link: it leaves `from` at `start` and reaches `to` at `arrive`.
    struct Hop {
        sim::SimTime start = 0, arrive = 0;
        std::uint32_t from = 0, to = 0, link = 0;
        std::uint64_t bytes = 0;
    };
    /// A node going down or up, what a layer reports it is busy with (`value`: a
    /// sim::NodeActivity), or a layer's own state of it (`value`: the state's code, or
    /// sim::kNoNodeState). `source` tells the layers apart (NetworkStructure::layers).
    struct NodeChange {
        enum Kind : std::uint8_t { Down, Up, Activity, State };
        sim::SimTime time = 0;
        std::uint32_t node = 0;
        Kind kind = Up;
        sim::ActivitySource source = 0;
        std::uint16_t value = 0;
    };
    sim::SimTime now = 0;  ///< the simulated time the batch reaches
    std::vector<Hop> hops;
    /// Messages that ended (delivered or lost), in the order they ended: the first
    /// RunController::kMaxRecordedMessages of a run, for the sequence chart.
    std::vector<sim::MessageEnd> messages;
    std::uint64_t droppedMessages = 0;  ///< ended beyond that bound, not delivered
    /// In time order. Never dropped: when a batch would exceed its bound, only the latest
    /// change per node of each kind (up/down, each layer's activity, each layer's state) is kept.
    std::vector<NodeChange> changes;
    std::uint64_t droppedHops = 0;  ///< hops beyond RunController::kMaxHops, not delivered
};

/// Runs scenarios for the GUI: one run at a time, commands from the GUI thread, results as
/// signals on the GUI thread. Starting while a run goes on stops that run first.
class RunController : public QObject {
    Q_OBJECT
  public:
    /// Bounds of one delivery; beyond them trace lines and hops are counted, not kept.
    static constexpr std::size_t kMaxTraceLines = 20'000;
    static constexpr std::size_t kMaxHops = 50'000;
    /// Messages recorded end to end in one run (ActivityBatch::messages); the rest are counted.
    static constexpr std::size_t kMaxRecordedMessages = 1'000'000;
    /// Node changes in one delivery beyond which they are reduced to the latest per node.
    static constexpr std::size_t kCompactChanges = 50'000;

    struct StartOptions {
        std::optional<std::uint64_t> seed;  ///< nullopt: the scenario's seed
        std::optional<sim::SimTime> until;  ///< nullopt: the scenario's horizon
        /// Simulated seconds per wall second in [0.1, 1000]; 0: as fast as possible.
        double speed = 0;
        bool startPaused = false;
        /// Hops for the activity feed (node changes are always delivered: they are rare and
        /// needed to colour nodes correctly).
        bool animate = true;
        bool trace = true;  ///< trace records for the event log (and the store)
        std::shared_ptr<store::RunStore> store;  ///< nullptr: the run is not stored
        std::vector<std::string> parameters;     ///< "PATH=VALUE" choices recorded with the run
        /// The layers' tables the snapshots carry (core::Runner::watchTables).
        std::vector<std::string> watchTables;
    };

    explicit RunController(QObject* parent = nullptr);
    /// Stops a run that still goes on and waits for its threads.
    ~RunController() override;

    /// Prepares `scenario` off the GUI thread, then runs it. Emits preparing() now, then
    /// prepared() or failed(). A run still going on is stopped first (without blocking).
    void start(const core::Scenario& scenario, const StartOptions& options);

    // Commands: GUI thread, any time; ignored when they do not apply.
    void resume();
    void pause();
    /// Runs n events, then pauses.
    void step(std::uint64_t n = 1);
    /// Runs to simulated time t, then pauses.
    void runUntil(sim::SimTime t);
    void stop();
    /// See StartOptions::speed; out-of-range values are ignored.
    void setSpeed(double speed);
    /// Turns the hops of the activity feed on or off, at once (also for later runs).
    void setAnimate(bool on);
    /// The layers' tables snapshots carry from now on (also for later runs): those an
    /// inspector shows. A table the run does not have is left out.
    void watchTables(std::vector<std::string> tables);
    /// Tables another viewer follows (the trace panel, the ledger's records), by its name:
    /// snapshots carry them as well as watchTables()'s, each table once, until that viewer asks
    /// for others (or none). Also for later runs.
    void watchMoreTables(const QString& viewer, std::vector<std::string> tables);
    /// Stops the current run and, once it has ended (the GUI keeps going meanwhile), starts
    /// the same scenario again with `seed` (nullopt: a new random seed).
    void restart(std::optional<std::uint64_t> seed = std::nullopt);

    /// A run is being prepared, is running or paused, or is about to be started again.
    bool busy() const;
    /// The state of the current run, as the signals so far told it.
    core::RunnerState state() const { return state_; }
    /// The seed of the current (or last) run.
    std::optional<std::uint64_t> seed() const { return seed_; }
    /// The run-store id of the current (or last) run, once it is recorded.
    std::optional<qint64> storedRunId() const { return storedRunId_; }
    double speed() const { return options_.speed; }
    bool animate() const { return options_.animate; }

  signals:
    void preparing();
    /// The network of the run, copied before it starts (snapshots follow).
    void prepared(std::shared_ptr<const dais::studio::NetworkStructure> layout);
    /// The run could not be prepared (a bad scenario, a layer that failed to set up).
    void failed(QString message);
    /// Something went wrong that does not end the run (e.g. the run store refused a write).
    void warning(QString message);
    void stateChanged(dais::core::RunnerState state);
    void snapshot(std::shared_ptr<const dais::core::RunnerSnapshot> snapshot);
    void metrics(std::shared_ptr<const dais::core::MetricBatch> batch);
    void traces(std::shared_ptr<const dais::studio::TraceBatch> batch);
    /// The layers' structured events recorded since the previous delivery, in order (the
    /// batches of the runner merged while the GUI thread was busy).
    void events(std::shared_ptr<const dais::core::RunEvents> batch);
    void activity(std::shared_ptr<const dais::studio::ActivityBatch> batch);
    /// Last signal of a run that started: its report (stored already when the run is stored).
    void finished(std::shared_ptr<const dais::core::RunReport> report);

  private:
    class Session;  // one run's threads and buffers (run_controller.cpp)

    void launch();
    /// What snapshots carry: watchTables()'s, then the other viewers' not among them.
    std::vector<std::string> watchedTables() const;
    /// Emits what `session` produced since its previous delivery (GUI thread).
    void deliverFrom(Session* session);
    void retire();

    std::shared_ptr<const core::Scenario> scenario_;
    StartOptions options_;
    std::shared_ptr<Session> current_;
    std::vector<std::shared_ptr<Session>> retiring_;  ///< stopped, their threads not yet ended
    bool pendingStart_ = false;
    core::RunnerState state_ = core::RunnerState::Ready;
    std::optional<std::uint64_t> seed_;
    std::optional<qint64> storedRunId_;
    std::map<QString, std::vector<std::string>> viewerTables_;  ///< watchMoreTables()
};

}  // namespace dais::studio

Q_DECLARE_METATYPE(dais::core::RunnerState)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::studio::NetworkStructure>)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::core::RunnerSnapshot>)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::core::MetricBatch>)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::studio::TraceBatch>)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::core::RunEvents>)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::studio::ActivityBatch>)
Q_DECLARE_METATYPE(std::shared_ptr<const dais::core::RunReport>)
