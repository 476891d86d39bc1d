#pragma once
// The semantic pass over a scenario document that already matches the schema: it builds the
// Scenario (NetworkSpec, RunSpec, meta) and checks what a schema cannot: unique ids, references
// between nodes, groups, templates and regions, template cycles, the latency matrix, ranges that
// depend on other fields. Internal to dais_core.

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/json_schema.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"

namespace dais::core::detail {

/// Fills `out` from `doc` (schema-valid) and returns the problems found, in document order, at
/// most `maxIssues` of them.
std::vector<JsonIssue> buildScenario(const nlohmann::ordered_json& doc, Scenario& out,
                                     std::size_t maxIssues, const LayerRegistry& layers);

}  // namespace dais::core::detail
