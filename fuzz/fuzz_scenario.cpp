// Fuzz target: a scenario file, as `dais validate` and `dais run` read it. The bytes are the
// file's text: loaded and validated (JSON syntax, the schema, the references, the layers'
// settings against the installed plugins), its experiments expanded and checked as `dais
// validate` does, and, when the scenario is valid and small, its run built (network and layers
// set up, no events run). The points of its grids are also checked both ways a point can be
// checked, by what it changes and by a whole load: the two must say the same, word for word.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dais/core/experiment.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "scenario_variants.h"

namespace {

using namespace dais;

// Bounds that keep one input's work small; beyond them the input is only validated. Building a
// network or checking a sweep costs time in proportion to what the file asks for, which is not
// a fault: a scenario of a million nodes is allowed to take long to build.
constexpr std::uint64_t kMaxNodesToBuild = 500;
constexpr std::uint64_t kMaxPointsToPlan = 64;

/// The input is named as a file in the bundled scenarios' folder, so that the data files they
/// name ("data/digits.csv") are found as they are for the bundled scenarios.
const std::string kSourceName = std::string(DAIS_FUZZ_SOURCE_DIR) + "/scenarios/fuzz.dais.json";

std::uint64_t nodesOf(const core::Scenario& s) {
    std::uint64_t n = s.network.nodes.size();
    for (const sim::GroupSpec& g : s.network.groups)
        n += g.count;
    return n;
}

/// The points a sweep of `x` would check (saturating).
std::uint64_t pointsOf(const core::Experiment& x) {
    switch (x.kind) {
        case core::Experiment::Kind::Replicates:
            return 1;
        case core::Experiment::Kind::Random:
            return x.samples;
        case core::Experiment::Kind::Grid:
            break;
    }
    std::uint64_t points = 1;
    for (const auto& [path, values] : x.grid) {
        if (values.empty()) return 0;
        if (points > kMaxPointsToPlan) return points;
        points *= values.size();
    }
    return points;
}

/// What a whole load says of the document with `overrides`: "" when it loads.
std::string wholeLoad(const nlohmann::ordered_json& doc,
                      const std::vector<std::string>& overrides) {
    const core::Result<core::Scenario> s = core::loadScenarioDocument(doc, kSourceName, overrides);
    return s ? std::string() : s.error().message;
}

/// Each value of each grid parameter, and the grid's first point, checked by ScenarioVariants
/// and by a whole load; a difference aborts.
void checkVariants(std::string_view text, const std::vector<core::Experiment>& experiments) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, false);
    if (doc.is_discarded()) return;
    const nlohmann::ordered_json before = doc;
    core::detail::ScenarioVariants variants(doc, kSourceName, core::LayerRegistry::installed());
    const auto compare = [&](const std::vector<std::string>& overrides) {
        const core::Result<void> checked = variants.check(overrides);
        const std::string got = checked ? std::string() : checked.error().message;
        if (got != wholeLoad(doc, overrides) || doc != before) std::abort();
    };
    std::size_t budget = kMaxPointsToPlan;
    for (const core::Experiment& x : experiments) {
        std::vector<std::string> first;
        for (const auto& [path, values] : x.grid) {
            if (values.empty()) continue;
            first.push_back(core::ParameterValue{path, values.front()}.assignment());
            for (const nlohmann::json& value : values) {
                if (budget-- == 0) return;
                compare({core::ParameterValue{path, value}.assignment()});
            }
        }
        if (first.size() > 1) compare(first);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const core::Result<core::Scenario> scenario = core::loadScenarioText(text, kSourceName);
    if (!scenario) return 0;

    // The experiments, as `dais validate` checks them: every point of every sweep.
    const core::Result<std::vector<core::Experiment>> experiments =
        core::loadExperiments(text, kSourceName);
    if (experiments) {
        for (const core::Experiment& x : *experiments) {
            const std::uint64_t seeds = x.seedList.empty() ? x.seedCount : x.seedList.size();
            if (pointsOf(x) > kMaxPointsToPlan || seeds > kMaxPointsToPlan) continue;
            (void)core::planSweep(text, kSourceName, {}, x.id);
        }
        checkVariants(text, *experiments);
    }

    if (nodesOf(*scenario) > kMaxNodesToBuild) return 0;
    (void)core::ScenarioRun::prepare(*scenario);
    return 0;
}
