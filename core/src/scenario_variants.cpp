#include "scenario_variants.h"

#include <algorithm>
#include <filesystem>

#include "dais/core/scenario.h"
#include "scenario_override_undo.h"

namespace dais::core::detail {

ScenarioVariants::ScenarioVariants(Json& document, std::string sourceName,
                                   const LayerRegistry& layers)
    : doc_(document),
      sourceName_(std::move(sourceName)),
      file_(std::filesystem::path(sourceName_).filename().string()),
      layers_(layers),
      rebuild_(document, layers) {
    if (file_.empty()) file_ = sourceName_;
}

Result<void> ScenarioVariants::check(const std::vector<std::string>& overrides) {
    std::vector<OverrideUndo> applied;
    std::string problems;
    for (const std::string& assignment : overrides) {
        Result<OverrideUndo> undo = applyOverrideUndoable(doc_, assignment);
        if (undo.ok()) {
            applied.push_back(std::move(undo.value()));
            continue;
        }
        if (!problems.empty()) problems += '\n';
        problems +=
            file_ + ": --set " + clipped(printable(assignment), 120) + ": " + undo.error().message;
    }
    Result<void> result = Error{problems};
    if (problems.empty()) {
        std::vector<std::string> changed;
        for (const OverrideUndo& u : applied)
            changed.push_back(u.pointer);
        try {
            result = checkApplied(changed);
        } catch (const std::exception& e) {
            result = Error{file_ + ": internal error while loading: " + e.what()};
        }
    }
    for (auto it = applied.rbegin(); it != applied.rend(); ++it)
        undoOverride(doc_, *it);
    return result;
}

Result<void> ScenarioVariants::checkApplied(const std::vector<std::string>& changed) {
    // What the file is (its format and version) is checked before the schema: load it whole.
    const bool whatItIs = std::any_of(changed.begin(), changed.end(), [](const std::string& c) {
        return c.empty() || c == "/format" || c == "/version";
    });
    if (!whatItIs) {
        const std::vector<JsonIssue> invalid =
            scenarioSchema().value().validateChanged(doc_, changed, kMaxReportedProblems + 1);
        if (!invalid.empty()) return reportIssues(file_, invalid);
        if (auto issues = rebuild_.changed(doc_, changed, kMaxReportedProblems + 1)) {
            if (issues->empty()) return {};
            return reportIssues(file_, *issues);
        }
    }
    ++wholeLoads_;
    Result<Scenario> loaded = loadScenarioDocument(doc_, sourceName_, {}, &layers_);
    if (!loaded.ok()) return loaded.error();
    return {};
}

}  // namespace dais::core::detail
