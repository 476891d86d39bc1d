#include "dais/store/sweep_recorder.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/scenario.h"
#include "dais/store/store_observer.h"

namespace dais::store {

using Json = nlohmann::json;

core::Result<SweepId> SweepRecorder::begin(const core::SweepPlan& plan) {
    points_.clear();
    auto hash = store_.putScenario(plan.scenarioName, plan.baseDocument.dump());
    if (!hash) return hash.error();
    Json points = Json::array();
    for (const core::SweepPoint& p : plan.points) {
        Json values = Json::object();
        for (const core::ParameterValue& v : p.values)
            values[v.path] = v.value;
        points.push_back({{"index", p.index}, {"values", values}});
    }
    SweepStart start;
    start.scenarioHash = *hash;
    start.experiment = plan.experiment.id;
    start.description = {
        {"file", plan.sourceName},         {"description", plan.experiment.description},
        {"overrides", plan.baseOverrides}, {"parameters", plan.parameters},
        {"points", std::move(points)},     {"seeds", plan.seeds},
        {"metrics", plan.metrics},         {"runs", plan.runs.size()}};
    auto sweep = store_.createSweep(start);
    if (!sweep) return sweep.error();
    baseHash_ = *hash;
    sweep_ = *sweep;
    return *sweep;
}

core::Result<void> SweepRecorder::record(const core::SweepPlan& plan,
                                         const core::SweepRunResult& r) {
    if (r.status == core::SweepRunStatus::Cancelled && !(keepStopped_ && r.stoppedWhileRunning()))
        return {};
    const core::SweepRunSpec& spec = plan.runs.at(r.index);
    auto hash = pointHash(plan, spec);
    if (!hash) return hash.error();
    RunStart start;
    start.scenarioHash = *hash;
    start.scenarioName = plan.scenarioName;
    start.seed = r.seed;
    start.parameters = overridesToParameters(plan.overridesOf(spec));
    start.layerVersions = Json(r.report.layerVersions);
    start.sweep = sweep_;
    start.pointIndex = static_cast<std::int64_t>(r.point);
    start.replicate = static_cast<std::int64_t>(r.replicate);
    auto writer = store_.beginRun(start);
    if (!writer) return writer.error();
    // The samples the run took, wherever it ran, go in as a live run's would.
    StoreObserver observer(**writer);
    for (std::size_t i = 0; i < r.samples.rows.size(); ++i) {
        const std::vector<sim::MetricValue> values = r.samples.valuesOf(i);
        observer.onSample(r.samples.rows[i].time, values);
    }
    RunFinish finish;
    if (r.status != core::SweepRunStatus::Failed || !r.report.fingerprint.empty())
        finish = RunFinish::fromReport(r.report);
    if (r.status == core::SweepRunStatus::Failed) {
        finish.status = RunStatus::Failed;
        finish.error = r.error;
    } else if (r.status == core::SweepRunStatus::Cancelled) {
        finish.status = RunStatus::Stopped;
    }
    return (*writer)->finish(finish);
}

core::Result<std::string> SweepRecorder::pointHash(const core::SweepPlan& plan,
                                                   const core::SweepRunSpec& spec) {
    if (const auto it = points_.find(spec.point); it != points_.end()) return it->second;
    std::string hash = baseHash_;
    auto s = core::loadScenarioText(plan.scenarioText, plan.sourceName, plan.overridesOf(spec),
                                    plan.layers);
    if (s.ok()) {
        auto h = store_.putScenario(plan.scenarioName, s->document.dump());
        if (!h) return h.error();
        hash = *h;
    }
    points_[spec.point] = hash;
    return hash;
}

}  // namespace dais::store
