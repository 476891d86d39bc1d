#pragma once
// The semantic pass over a scenario document that already matches the schema: it builds the
// Scenario (NetworkSpec, RunSpec, meta) and checks what a schema cannot: unique ids, references
// between nodes, groups, templates and regions, template cycles, the latency matrix, ranges that
// depend on other fields. Internal to dais_core.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
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

/// The semantic pass kept after building a valid document, to check variants of it (the
/// document with a few values changed in place) at a cost that grows with what changed.
class ScenarioRebuild {
  public:
    /// Builds `doc`, which must have no problems.
    ScenarioRebuild(const nlohmann::ordered_json& doc, const LayerRegistry& layers);
    ~ScenarioRebuild();
    ScenarioRebuild(const ScenarioRebuild&) = delete;
    ScenarioRebuild& operator=(const ScenarioRebuild&) = delete;

    /// The problems of `doc`, the built document with the places `changed` (JSON pointers)
    /// changed and valid by the schema, as buildScenario would find them; nothing when a change
    /// reaches ids, nodes, templates, regions or gateways, which needs buildScenario.
    std::optional<std::vector<JsonIssue>> changed(const nlohmann::ordered_json& doc,
                                                  const std::vector<std::string>& changed,
                                                  std::size_t maxIssues);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

/// "file: /pointer: message" lines, at most kMaxReportedProblems of them.
Error reportIssues(const std::string& file, const std::vector<JsonIssue>& issues);

}  // namespace dais::core::detail
