#pragma once
// Helpers shared by the federated layer's suites: scenarios of clients on the digits data, and
// running them through a registry that holds the layer.
#include <QtTest>

#include <span>
#include <string>
#include <vector>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"

namespace fltest {

/// Twenty clients behind a server, on the digits data, with layer settings added. Unless the
/// settings say otherwise: batches of 16, half the clients a round, two epochs.
inline std::string scenario(const std::string& settings, int clients = 20,
                            const std::string& extraNetwork = "") {
    auto unless = [&](const char* key, const char* setting) {
        return settings.find(key) == std::string::npos ? std::string(setting) : std::string();
    };
    return std::string(
               "{\"format\": \"dais-scenario\", \"version\": 1, \"meta\": {\"name\": "
               "\"fl\"}, \"network\": {\"nodes\": [{\"id\": \"server\", \"role\": "
               "\"server\"}], \"groups\": [{\"id\": \"clients\", \"count\": ") +
           std::to_string(clients) +
           ", \"role\": \"client\", \"attach\": \"server\", \"resources\": {\"cpu_gflops\": "
           "20}, \"access\": {\"latency\": \"20ms\", \"bandwidth\": \"20Mbps\"}}]" +
           extraNetwork +
           "}, \"layers\": {\"federated\": {\"data\": \"csv\", \"data_file\": \"" DAIS_SOURCE_DIR
           "/scenarios/data/digits.csv\", \"label_column\": \"digit\"" +
           unless("\"batch_size\"", ", \"batch_size\": 16") +
           unless("\"fraction\"", ", \"fraction\": 0.5") + unless("\"epochs\"", ", \"epochs\": 2") +
           (settings.empty() ? "" : ", " + settings) + "}}, \"run\": {\"seed\": 1}}";
}

/// Loads and runs scenario text; a scenario that does not load or prepare ends the test.
inline dais::core::RunReport runText(const std::string& text,
                                     const dais::core::LayerRegistry& registry,
                                     dais::sim::Observer* observer = nullptr) {
    auto s = dais::core::loadScenarioText(text, "fl.dais.json", {}, &registry);
    if (!s) qFatal("%s", s.error().message.c_str());
    dais::core::RunOptions o;
    o.observer = observer;
    o.trace = observer != nullptr;
    auto r = dais::core::ScenarioRun::prepare(*s, o);
    if (!r) qFatal("%s", r.error().message.c_str());
    return (*r)->run();
}

/// Why the scenario does not load or prepare, or "(prepared)".
inline QString errorOfPrepare(const std::string& text, const dais::core::LayerRegistry& registry) {
    auto s = dais::core::loadScenarioText(text, "fl.dais.json", {}, &registry);
    if (!s) return QString::fromStdString(s.error().message);
    auto r = dais::core::ScenarioRun::prepare(*s);
    return r ? QString("(prepared)") : QString::fromStdString(r.error().message);
}

/// Keeps the federated layer's trace lines, and the rounds seen in metric samples.
struct TraceLines final : dais::sim::Observer {
    void onTrace(const dais::sim::TraceRecord& r) override {
        if (r.category == "federated") text.emplace_back(r.text);
    }
    void onSample(dais::sim::SimTime, std::span<const dais::sim::MetricValue> values) override {
        for (const dais::sim::MetricValue& v : values)
            if (v.info->name == "federated.round" &&
                (sampledRounds.empty() || sampledRounds.back() != v.value))
                sampledRounds.push_back(v.value);
    }
    std::vector<double> sampledRounds;
    bool has(const std::string& part) const {
        for (const std::string& t : text)
            if (t.find(part) != std::string::npos) return true;
        return false;
    }
    std::string all() const {
        std::string out;
        for (const std::string& t : text)
            out += t + "\n";
        return out;
    }
    std::vector<std::string> text;
};

/// A metric's final value (a distribution's mean); a missing metric ends the test.
inline double metric(const dais::core::RunReport& r, const char* name) {
    const dais::core::MetricReport* m = r.metric(name);
    if (!m) qFatal("no metric %s", name);
    return m->type == dais::sim::MetricType::Distribution ? m->mean : m->value;
}

}  // namespace fltest
