#include "dais/core/scenario_run.h"

#include <chrono>

namespace dais::core {

const MetricReport* RunReport::metric(std::string_view name) const {
    for (const MetricReport& m : metrics)
        if (m.name == name) return &m;
    return nullptr;
}

Result<std::unique_ptr<ScenarioRun>> ScenarioRun::prepare(const Scenario& scenario,
                                                          const RunOptions& options) {
    const std::string& file = scenario.sourceName;
    std::unique_ptr<ScenarioRun> run(new ScenarioRun());
    run->name_ = scenario.meta.name.empty() ? file : scenario.meta.name;
    run->horizon_ = options.until.value_or(scenario.run.until);
    if (run->horizon_ == sim::kTimeNever) {
        // Traffic without an end would run forever: say which flow, and what to do.
        for (const sim::TrafficSpec& t : scenario.network.traffic)
            if (t.stop == sim::kTimeNever)
                return Error{file + ": the run never ends: traffic \"" + t.id +
                             "\" has no stop time and run.until is not set (add \"until\" to "
                             "\"run\", or pass --until)"};
    }
    run->sim_ = std::make_unique<sim::Simulation>(sim::Simulation::Config{
        options.seed.value_or(scenario.run.seed), options.queue.value_or(scenario.run.queue)});
    if (options.observer) run->sim_->addObserver(options.observer);
    std::string error;
    run->network_ = sim::Network::build(*run->sim_, scenario.network, error);
    if (!run->network_) return Error{file + ": /network: " + error};
    if (scenario.run.sampleInterval > 0) run->sim_->setSampleInterval(scenario.run.sampleInterval);
    return run;
}

RunReport ScenarioRun::run() {
    sim::Simulation& sim = *sim_;
    const auto t0 = std::chrono::steady_clock::now();
    const sim::StopReason stop = horizon_ == sim::kTimeNever ? sim.run() : sim.runUntil(horizon_);
    const auto t1 = std::chrono::steady_clock::now();
    network_->finish();
    sim.notifyRunEnd();

    RunReport r;
    r.scenarioName = name_;
    r.seed = sim.seed();
    r.queue = sim.queueKind();
    r.horizon = horizon_;
    r.nodes = network_->nodeCount();
    r.links = network_->linkCount();
    r.events = sim.executed();
    r.simulatedTime = sim.now();
    r.stopReason = stop;
    r.wallSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.fingerprint = sim.fingerprint().hex();
    for (const sim::MetricValue& v : sim.metrics().readAll()) {
        MetricReport m;
        m.name = v.info->name;
        m.unit = v.info->unit;
        m.help = v.info->help;
        m.type = v.info->type;
        m.scope = v.info->scope;
        m.value = v.value;
        m.count = v.count;
        m.mean = v.value;
        m.stddev = v.stddev;
        m.min = v.min;
        m.max = v.max;
        m.p50 = v.p50;
        m.p95 = v.p95;
        m.p99 = v.p99;
        r.metrics.push_back(std::move(m));
    }
    r.busiestLinks = network_->busiestLinks(5);
    return r;
}

}  // namespace dais::core
