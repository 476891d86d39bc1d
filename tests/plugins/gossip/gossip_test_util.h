#pragma once
// Scenarios for the gossip suites, written as JSON the way a user would write them, loaded
// through core's scenario loader with a registry that holds the statically linked layer.

#include <QtTest>

#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/layers/gossip.h"

namespace gossiptest {

using namespace dais;

/// A registry holding the gossip layer, linked into the test.
inline const core::LayerRegistry& registry() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        if (auto added = reg->add(layers::gossip::factory()); !added)
            qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

/// An ideal network: `peers` nodes of role "peer", each with its own link (1 ms, 10 Gbit/s,
/// no loss) to a hub of role "router" that does not take part. Every copy crosses two links.
inline nlohmann::json starScenario(int peers, const nlohmann::json& gossip) {
    return {
        {"format", "dais-scenario"},
        {"version", 1},
        {"network",
         {{"nodes", {{{"id", "hub"}, {"role", "router"}}}},
          {"groups",
           {{{"id", "peers"},
             {"count", peers},
             {"role", "peer"},
             {"attach", "hub"},
             {"access", {{"latency", "1ms"}, {"bandwidth", "10Gbps"}}}}}}}},
        {"layers", {{"gossip", gossip}}},
        {"run", {{"seed", 1}}},
    };
}

inline core::Result<core::Scenario> load(const nlohmann::json& doc,
                                         const core::LayerRegistry& reg = registry()) {
    return core::loadScenarioText(doc.dump(), "test.dais.json", {}, &reg);
}

/// Loads and runs a scenario that must be valid and must run.
inline core::RunReport run(const nlohmann::json& doc, sim::QueueKind queue = sim::QueueKind::Ladder,
                           std::optional<std::uint64_t> seed = std::nullopt,
                           const core::LayerRegistry& reg = registry()) {
    auto scenario = load(doc, reg);
    if (!scenario) qFatal("%s", scenario.error().message.c_str());
    core::RunOptions options;
    options.queue = queue;
    options.seed = seed;
    auto prepared = core::ScenarioRun::prepare(*scenario, options);
    if (!prepared) qFatal("%s", prepared.error().message.c_str());
    core::RunReport report = (*prepared)->run();
    if (report.status != core::RunStatus::Completed) qFatal("%s", report.error.c_str());
    return report;
}

/// A metric the run must have.
inline const core::MetricReport& metric(const core::RunReport& r, const char* name) {
    const core::MetricReport* m = r.metric(name);
    if (!m) qFatal("the run has no metric %s", name);
    return *m;
}

/// The root s in (0, 1) of s = exp(-a (1 - s)) for a > 1 (the fraction never reached), by
/// fixed-point iteration on the fraction reached c = 1 - exp(-a c) from c = 1, which converges
/// monotonically to the non-zero root.
inline double residue(double a) {
    double c = 1;
    for (int i = 0; i < 10000; ++i)
        c = 1 - std::exp(-a * c);
    return 1 - c;
}

}  // namespace gossiptest
