// Fuzz target: a scenario file, as `dais validate` and `dais run` read it. The bytes are the
// file's text: loaded and validated (JSON syntax, the schema, the references, the layers'
// settings against the installed plugins), its experiments expanded and checked as `dais
// validate` does, and, when the scenario is valid and small, its run built (network and layers
// set up, no events run).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dais/core/experiment.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"

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
    }

    if (nodesOf(*scenario) > kMaxNodesToBuild) return 0;
    (void)core::ScenarioRun::prepare(*scenario);
    return 0;
}
