#pragma once
// One run of a scenario: the simulation, its network and its layers built from a validated
// Scenario, run to its horizon (in one go or piece by piece), and summarised in a report that
// outlives them. A layer's failure (an exception, DAIS_CHECK) ends the run as failed with the
// layer's message; it never escapes to the caller.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dais/core/inspector.h"
#include "dais/core/layer.h"
#include "dais/core/memory_estimate.h"
#include "dais/core/memory_limit.h"
#include "dais/core/result.h"
#include "dais/core/run_events.h"
#include "dais/core/scenario.h"
#include "dais/sim/network.h"
#include "dais/sim/simulation.h"

namespace dais::core {

class InstantPayments;

/// Choices made at run time that override the scenario's "run" section.
struct RunOptions {
    std::optional<std::uint64_t> seed;
    std::optional<sim::SimTime> until;
    std::optional<sim::QueueKind> queue;
    /// Watches the run (metric samples at the scenario's sample interval); not owned.
    sim::Observer* observer = nullptr;
    /// Tracing on from the start, so the observer also hears the layers' set-up (their trace
    /// records and events).
    bool trace = false;
    /// The memory the run may take (default: currentMemoryLimit(), which DAIS_MEMORY_LIMIT
    /// sets).
    std::optional<MemoryLimit> memoryLimit;
    /// Fill every table of the enabled layers when the run finishes, into RunReport::tables (for
    /// the run store and `dais run --inspect`). Sweeps, which keep no tables, turn it off.
    bool finalTables = true;
    /// Keep the events the layers record (run_events.h), into RunReport::runEvents: at most
    /// RunEventLog::kDefaultLimit unless the runner or limitEvents() says otherwise. Sweeps turn
    /// it off; a layer's record then costs one test.
    bool events = true;
};

/// One metric's final value, copied out of the simulation.
struct MetricReport {
    std::string name, unit, help;
    sim::MetricType type = sim::MetricType::Counter;
    sim::MetricScope scope = sim::MetricScope::Global;
    /// Counter total or gauge value (distributions: see the fields below). A node-scoped counter
    /// or gauge: the total over the nodes, with count the nodes, mean the value per node and
    /// stddev, min, max and the quantiles the spread over the nodes.
    double value = 0;
    std::uint64_t count = 0;
    double mean = 0, stddev = 0, min = 0, max = 0, p50 = 0, p95 = 0, p99 = 0;
};

/// How a run ended.
enum class RunStatus { Completed, Stopped, Failed };
std::string_view runStatusName(RunStatus s);

/// What a run did, for summaries, JSON output and tests.
struct RunReport {
    RunStatus status = RunStatus::Completed;
    std::string error;  ///< why the run failed (status Failed), naming the layer
    std::string scenarioName;
    std::uint64_t seed = 0;
    sim::QueueKind queue = sim::QueueKind::Heap;
    sim::SimTime horizon = sim::kTimeNever;
    std::size_t nodes = 0, links = 0;
    std::uint64_t events = 0;
    sim::SimTime simulatedTime = 0;
    sim::StopReason stopReason = sim::StopReason::QueueEmpty;
    double wallSeconds = 0;   ///< the event loop only
    std::string fingerprint;  ///< 16 hex digits
    std::vector<MetricReport> metrics;
    std::vector<sim::LinkLoad> busiestLinks;           ///< the five busiest link directions
    std::map<std::string, std::string> layerVersions;  ///< enabled layers: id -> version
    /// Every table of the enabled layers as the run ended, in declaration order (unless
    /// RunOptions::finalTables was off). Also after a failure, but without the tables a failed
    /// layer could not fill.
    std::vector<std::shared_ptr<const InspectorTable>> tables;
    /// The events the layers recorded, in order, as many as the run kept (with how many it
    /// did not); null when the run kept none (RunOptions::events off, or no layers).
    std::shared_ptr<const RunEvents> runEvents;

    /// The metric of that name, or nullptr.
    const MetricReport* metric(std::string_view name) const;
    /// The final table of that name, or nullptr.
    const InspectorTable* table(std::string_view name) const;
};

/// The tables of a scenario's enabled layers, in the order of its layers and their
/// declarations.
std::vector<const TableSpec*> scenarioTables(const Scenario& scenario);

/// Something the runner can drive: a simulation run piece by piece. ScenarioRun is one;
/// KernelSession (runner.h) wraps a bare Simulation.
class RunSession {
  public:
    virtual ~RunSession() = default;
    virtual sim::Simulation& simulation() = 0;
    virtual sim::SimTime horizon() const = 0;
    /// Runs events up to min(t, horizon()); returns why it returned. Never throws.
    virtual sim::StopReason advance(sim::SimTime t) = 0;
    /// Runs one event. Never throws.
    virtual bool step() = 0;
    /// Nothing left to do (horizon reached, no events, or failed).
    virtual bool done() const = 0;
    /// Ends the run and reports. Never throws.
    virtual RunReport finish(bool stopped) = 0;
    /// Wall seconds spent in the event loop so far.
    virtual double wallSeconds() const = 0;
    /// The tables its layers publish (none by default). Any thread: they never change.
    virtual std::vector<std::string> tableNames() const { return {}; }
    /// One table as it stands now; between events, on the thread that runs the session.
    virtual Result<InspectorTable> inspect(std::string_view name);
    /// Where its layers record their events (none by default); read on the thread that runs
    /// the session.
    virtual const RunEventLog* eventLog() const { return nullptr; }
    /// The most events the session keeps (RunEventLog::setLimit).
    virtual void limitEvents(std::size_t /*limit*/) {}
};

/// A scenario made ready to run: network built, layers created and set up. prepare() does
/// every check that needs the built network, and reports a layer that fails to set up; another
/// thread may watch simulation().progress() or call simulation().stop().
///
/// Memory: before anything is built, prepare() estimates what the run will need (the network's
/// nodes, links, routes and background messages in flight, and each layer's own estimate) and
/// refuses a scenario whose estimate exceeds the memory limit, naming the value to change
/// (memoryRefusal). What the estimate leaves of the limit is the budget for what grows while the
/// run goes (pending events, messages in flight, layers' growing state); a run that spends it
/// fails, naming what grew. Running out of memory anyway (std::bad_alloc) is reported as "FILE:
/// out of memory while building the network" (or setting up a layer, or running at a time),
/// never thrown.
class ScenarioRun final : public RunSession {
  public:
    static Result<std::unique_ptr<ScenarioRun>> prepare(const Scenario& scenario,
                                                        const RunOptions& options = {});
    ~ScenarioRun() override;

    /// Runs to the horizon (or until no events are left, or stop()) and reports.
    RunReport run();

    // Piece by piece, as the runner drives a run.
    /// Runs the events up to min(t, horizon()). Returns why it returned; a layer failure ends
    /// the run (failed() becomes true).
    sim::StopReason advance(sim::SimTime t) override;
    /// Runs one event; false if there was none (or it failed).
    bool step() override;
    /// True once the run has nothing left to do: horizon reached, no events left, or failed.
    bool done() const override { return done_ || ended_ || failed(); }
    bool failed() const { return !failure_.empty(); }
    const std::string& failure() const { return failure_; }
    /// Ends the run (layers finish, final metrics) and reports. `stopped`: the user ended it
    /// early. Call once.
    RunReport finish(bool stopped = false) override;
    /// Wall seconds spent in the event loop so far.
    double wallSeconds() const override { return wallSeconds_; }

    sim::Simulation& simulation() override { return *sim_; }
    const sim::Simulation& simulation() const { return *sim_; }
    sim::Network& network() { return *network_; }
    /// The ids of the run's layers in the order they were set up: layer k tags what it shows of
    /// its nodes with activity source k + 1 (NodeDisplay).
    std::vector<std::string> layerIds() const;
    /// The services of the run: those layers provide and those core adds (payments).
    ServiceRegistry& services() { return *services_; }
    /// The simulated time the run stops at (kTimeNever: when no events are left).
    sim::SimTime horizon() const override { return horizon_; }
    /// What the run was estimated to need, and the limit it was held to.
    const MemoryEstimate& memoryEstimate() const { return estimate_; }
    const MemoryLimit& memoryLimit() const { return limit_; }

    /// The tables of the enabled layers, in declaration order.
    std::vector<std::string> tableNames() const override;
    /// Has the layer that declares table `name` fill it as things stand now (between events,
    /// or once the run has ended). An unknown name is an error listing the tables there are. A
    /// layer that fails to fill its table (an exception, a row of the wrong shape) fails the
    /// run, as any failure of a layer does, unless the run has already ended.
    Result<InspectorTable> inspect(std::string_view name) override;
    /// The events its layers have recorded so far; null when the run keeps none.
    const RunEventLog* eventLog() const override { return events_.get(); }
    void limitEvents(std::size_t limit) override;

  private:
    struct LayerSlot;
    struct TableSlot {
        std::shared_ptr<const TableSpec> spec;
        std::size_t layer = 0;  // index into layers_
    };
    ScenarioRun();
    /// Calls f, turning a layer's exception into the run's failure: "<what>: <message>", or
    /// "FILE: out of memory while <phase>" (phase "": running at the current time).
    template <class F>
    bool guarded(std::string_view what, std::string_view phase, F&& f);
    /// What a MemoryExhausted message adds: the limit, and what the network and layers take of it.
    std::string memoryNote() const;

    Scenario scenario_;
    std::string name_;
    sim::SimTime horizon_ = sim::kTimeNever;
    std::unique_ptr<sim::Simulation> sim_;
    std::unique_ptr<sim::Network> network_;
    // The nodes' processors, shared by the layers; made when a layer first asks for them, so a
    // run that computes nothing registers nothing for them.
    std::unique_ptr<sim::ComputeOccupancy> compute_;
    std::unique_ptr<ServiceRegistry> services_;
    std::unique_ptr<InstantPayments> payments_;  // when a layer uses payments and none provides
    std::vector<LayerSlot> layers_;
    std::vector<TableSlot> tables_;
    std::shared_ptr<const NodeNames> nodeNames_;  // for events, or once a table names nodes
    bool finalTables_ = true;
    std::vector<std::shared_ptr<const InspectorTable>> endTables_;  // filled by finish()
    std::unique_ptr<RunEventLog> events_;  // null when the run keeps no events
    bool reported_ = false;  // finish() has made the report: a failure can no longer change it
    std::string failure_;
    std::string failurePointer_;  // what in the scenario the failure points at, if it says
    bool outOfMemory_ = false;    // the failure is std::bad_alloc: its message says it all
    MemoryEstimate estimate_;
    MemoryLimit limit_;
    bool done_ = false;
    bool ended_ = false;  // an event was abandoned because the run was asked to end
    bool finished_ = false;
    double wallSeconds_ = 0;
};

}  // namespace dais::core
