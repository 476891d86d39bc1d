#include "dais/store/run_recorder.h"

#include <algorithm>
#include <utility>

namespace dais::store {

std::string RunRecorder::scenarioName(const core::Scenario& scenario) {
    return scenario.meta.name.empty() ? scenario.sourceName : scenario.meta.name;
}

core::Result<RunId> RunRecorder::begin(const core::Scenario& scenario, std::uint64_t seed,
                                       std::vector<std::string> parameters,
                                       std::optional<sim::SimTime> until) {
    const std::string name = scenarioName(scenario);
    auto hash = store_.putScenario(name, scenario.document.dump());
    if (!hash) return hash.error();
    RunStart start;
    start.scenarioHash = *hash;
    start.scenarioName = name;
    start.seed = seed;
    const bool untilGiven = std::any_of(parameters.begin(), parameters.end(),
                                        [](const auto& p) { return p.starts_with("run.until="); });
    if (until && !untilGiven)
        parameters.push_back("run.until=" + std::to_string(sim::toSeconds(*until)) + "s");
    start.parameters = overridesToParameters(parameters);
    for (const core::LayerSettings& s : scenario.layerSettings)
        if (s.enabled && s.descriptor != nullptr) start.layerVersions[s.id] = s.descriptor->version;
    auto writer = store_.beginRun(start);
    if (!writer) return writer.error();
    writer_ = std::move(writer).value();
    observer_ = std::make_unique<StoreObserver>(*writer_);
    return writer_->id();
}

core::Result<void> RunRecorder::finish(const core::RunReport& report) {
    if (!writer_) return core::Error{store_.path() + ": no run was begun to finish"};
    return writer_->finish(RunFinish::fromReport(report));
}

}  // namespace dais::store
