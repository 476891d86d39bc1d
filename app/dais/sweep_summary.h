#pragma once
// What `dais sweep` prints when an experiment's runs are done: for each point, every chosen
// metric's mean with the half-width of its 95% confidence interval, as tables for people or as
// JSON.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/experiment.h"
#include "dais/core/sweep.h"
#include "dais/store/run_store.h"
#include "sweep_execution.h"

namespace dais::app {

/// One experiment's sweep, as its summary reports it.
struct SweepReport {
    const std::string& file;  ///< the scenario file, as given
    const core::SweepPlan& plan;
    const SweepExecution& execution;
    const std::vector<core::PointSummary>& points;
    unsigned jobs;
    int processes;
    std::optional<store::SweepId> sweep;  ///< the stored sweep, when it was stored
    std::string storePath;
};

/// The summary for people: the scenario, the experiment, the runs and their time, the tables of
/// points, the failed runs and where the sweep is stored.
void printSweepSummary(const SweepReport& report);

/// The summary as JSON: the plan, each point's values and metrics, and each run's outcome.
nlohmann::json sweepSummaryJson(const SweepReport& report);

}  // namespace dais::app
