#pragma once
// Scenarios for the ledger suites, written as JSON the way a user would write them, loaded
// through core's scenario loader with a registry that holds the statically linked layers (the
// ledger and the privacy layer, whose integrity service signs the blocks).

#include <QtTest>

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dais/core/inspector.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/layers/crypto.h"
#include "dais/layers/ledger.h"

namespace ledgertest {

using namespace dais;

inline const core::LayerRegistry& registry() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        for (const auto& f : {layers::crypto::factory(), layers::ledger::factory()})
            if (auto added = reg->add(f); !added) qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

/// `miners` nodes of role "miner", every pair joined by its own link of one-way latency
/// `latency` and 1 Tbit/s: a block takes exactly the latency (plus nanoseconds) from any node
/// to any other. Blocks carry no everyday transactions and take no time to check.
inline nlohmann::json meshScenario(int miners, const std::string& latency,
                                   const nlohmann::json& ledger) {
    nlohmann::json l = {{"role", "miner"},     {"peers", "links"}, {"tx_rate", 0},
                        {"block_check", "0s"}, {"tx_check", "0s"}, {"retarget", 0}};
    l.update(ledger);
    return {
        {"format", "dais-scenario"},
        {"version", 1},
        {"network",
         {{"groups", {{{"id", "miners"}, {"count", miners}, {"role", "miner"}}}},
          {"topologies",
           {{{"generator", "full_mesh"},
             {"members", {"miners"}},
             {"link", {{"latency", latency}, {"bandwidth", "1Tbps"}}}}}}}},
        {"layers", {{"crypto", nlohmann::json::object()}, {"ledger", l}}},
        {"run", {{"seed", 1}}},
    };
}

inline core::Result<core::Scenario> load(const nlohmann::json& doc,
                                         const core::LayerRegistry& reg = registry()) {
    return core::loadScenarioText(doc.dump(), "test.dais.json", {}, &reg);
}

/// Loads and runs a scenario that must be valid and must run.
inline core::RunReport run(const nlohmann::json& doc,
                           std::optional<std::uint64_t> seed = std::nullopt,
                           const core::LayerRegistry& reg = registry()) {
    auto scenario = load(doc, reg);
    if (!scenario) qFatal("%s", scenario.error().message.c_str());
    core::RunOptions options;
    options.seed = seed;
    auto prepared = core::ScenarioRun::prepare(*scenario, options);
    if (!prepared) qFatal("%s", prepared.error().message.c_str());
    core::RunReport report = (*prepared)->run();
    if (report.status != core::RunStatus::Completed) qFatal("%s", report.error.c_str());
    return report;
}

inline const core::MetricReport& metric(const core::RunReport& r, const char* name) {
    const core::MetricReport* m = r.metric(name);
    if (!m) qFatal("the run has no metric %s", name);
    return *m;
}

inline double value(const core::RunReport& r, const char* name) {
    return metric(r, name).value;
}

/// A table of the run as it ended; a test that asks for one the run has not stops.
inline const core::InspectorTable& table(const core::RunReport& r, const char* name) {
    const core::InspectorTable* t = r.table(name);
    if (t == nullptr) qFatal("the run has no table %s", name);
    return *t;
}

inline std::size_t column(const core::InspectorTable& t, const char* name) {
    const auto c = t.spec().column(name);
    if (!c) qFatal("table %s has no column %s", t.name().c_str(), name);
    return *c;
}

/// The run's block tree from its blocks table (ledger.blocks): hash -> parent hash, and when
/// each block was made.
struct BlocksTable {
    std::map<std::string, std::string> parent;
    std::map<std::string, double> made;
    explicit BlocksTable(const core::RunReport& r) {
        const core::InspectorTable& t = table(r, "ledger.blocks");
        const std::size_t h = column(t, "hash"), p = column(t, "parent"), m = column(t, "made");
        for (std::size_t row = 0; row < t.rowCount(); ++row) {
            parent[t.string(row, h)] = t.string(row, p);
            made[t.string(row, h)] = t.number(row, m);
        }
    }
    /// Whether a is b or an ancestor of b.
    bool below(const std::string& a, const std::string& b) const {
        for (std::string x = b; !x.empty();) {
            if (x == a) return true;
            const auto it = parent.find(x);
            if (it == parent.end()) return false;
            x = it->second;
        }
        return false;
    }
    /// Whether a and b lie on one chain (one is the other or its ancestor).
    bool oneChain(const std::string& a, const std::string& b) const {
        return below(a, b) || below(b, a);
    }
};

}  // namespace ledgertest
