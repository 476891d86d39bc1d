#pragma once
// Checking many variants of one scenario (its document with a few --set overrides each, as the
// points of an experiment are) without loading the whole document again for each: the cost of
// a check grows with what the overrides change, not with the size of the file. Internal to
// dais_core.

#include <memory>
#include <string>
#include <vector>

#include "dais/core/layer_registry.h"
#include "dais/core/result.h"
#include "json_util.h"
#include "scenario_build.h"

namespace dais::core::detail {

class ScenarioVariants {
  public:
    /// `document` must load without problems; it is changed while a variant is checked and
    /// restored before check() returns. `sourceName` names the file in messages.
    ScenarioVariants(Json& document, std::string sourceName, const LayerRegistry& layers);

    /// What loading the document with `overrides` applied would report (loadScenarioDocument's
    /// error, the same lines), or success. The document changes in place; the schema checks only
    /// the changed places and the semantic pass reads again only what they can affect, falling
    /// back to a whole load when a change reaches the declarations.
    Result<void> check(const std::vector<std::string>& overrides);

    /// How many checks needed a whole load (for tests and measurements).
    std::size_t wholeLoads() const { return wholeLoads_; }

  private:
    Result<void> checkApplied(const std::vector<std::string>& changed);

    Json& doc_;
    std::string sourceName_;
    std::string file_;
    const LayerRegistry& layers_;
    ScenarioRebuild rebuild_;
    std::size_t wholeLoads_ = 0;
};

}  // namespace dais::core::detail
