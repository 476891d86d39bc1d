#pragma once
// The summary `dais run` prints at the end of a run: as text for people, or as JSON.

#include <string>

#include <nlohmann/json.hpp>

#include "dais/core/scenario_run.h"

namespace dais::app {

/// Prints the run's figures, layers, metrics and busiest links on stdout.
void printSummary(const core::RunReport& r, const std::string& file);
/// The same as JSON (`dais run --json`).
nlohmann::json summaryJson(const core::RunReport& r, const std::string& file);

}  // namespace dais::app
