#pragma once
// Planning a sweep before anything runs: the scenario file read once, every experiment to run
// planned and every point checked, and (under mpirun) the processes agreeing on the outcome.

#include <string>
#include <vector>

#include "dais/core/sweep.h"
#include "sweep_cluster.h"

namespace dais::app {

/// Reads the scenario file as text (once: the planner parses it once for every point). Prints
/// why it cannot and returns kExitBadInput, or returns kExitOk.
int readSweepScenario(const std::string& file, std::string& text);

/// Plans `experiment`, or (empty) every experiment of the file in order, into `plans`. Returns
/// kExitOk, or kExitBadInput with every problem found in `problems`, one a line.
int planExperiments(const std::string& file, const std::string& text,
                    const std::vector<std::string>& overrides, const std::string& experiment,
                    std::vector<core::SweepPlan>& plans, std::string& problems);

/// Agrees on an outcome across the processes of a job (`cluster` null: this process alone):
/// the worst code wins. Rank 0 prints its own problems; another rank prints its problems only
/// when rank 0 did not have them (a file or a plugin that differs between machines), naming
/// itself.
int agreeOnOutcome(Cluster* cluster, int code, const std::string& problems);

/// "3 points x 3 seeds": the size of a plan.
std::string pointsTimesSeeds(const core::SweepPlan& plan);

}  // namespace dais::app
