#pragma once
// One run of a scenario: the simulation and its network built from a validated Scenario, run to
// its horizon, and summarised in a report that outlives them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dais/core/result.h"
#include "dais/core/scenario.h"
#include "dais/sim/network.h"
#include "dais/sim/simulation.h"

namespace dais::core {

/// Choices made at run time that override the scenario's "run" section.
struct RunOptions {
    std::optional<std::uint64_t> seed;
    std::optional<sim::SimTime> until;
    std::optional<sim::QueueKind> queue;
    /// Watches the run (metric samples at the scenario's sample interval); not owned.
    sim::Observer* observer = nullptr;
};

/// One metric's final value, copied out of the simulation.
struct MetricReport {
    std::string name, unit, help;
    sim::MetricType type = sim::MetricType::Counter;
    sim::MetricScope scope = sim::MetricScope::Global;
    double value = 0;  ///< counter total or gauge value (distributions: see the fields below)
    std::uint64_t count = 0;
    double mean = 0, stddev = 0, min = 0, max = 0, p50 = 0, p95 = 0, p99 = 0;
};

/// What a run did, for summaries, JSON output and tests.
struct RunReport {
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
    std::vector<sim::LinkLoad> busiestLinks;  ///< the five busiest link directions

    /// The metric of that name, or nullptr.
    const MetricReport* metric(std::string_view name) const;
};

/// A scenario made ready to run. prepare() does every check that needs the built network, so
/// run() cannot fail; another thread may watch simulation().progress() or call stop().
class ScenarioRun {
  public:
    static Result<std::unique_ptr<ScenarioRun>> prepare(const Scenario& scenario,
                                                        const RunOptions& options = {});
    /// Runs to the horizon (or until no events are left, or stop()) and reports.
    RunReport run();

    sim::Simulation& simulation() { return *sim_; }
    const sim::Simulation& simulation() const { return *sim_; }
    sim::Network& network() { return *network_; }
    /// The simulated time the run stops at (kTimeNever: when no events are left).
    sim::SimTime horizon() const { return horizon_; }

  private:
    ScenarioRun() = default;
    std::string name_;
    sim::SimTime horizon_ = sim::kTimeNever;
    std::unique_ptr<sim::Simulation> sim_;
    std::unique_ptr<sim::Network> network_;
};

}  // namespace dais::core
