// How `dais runs` shows a stored run: its times (local for people, ISO 8601 in UTC for
// programs), and its record and final metrics as JSON.
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>

#include "metric_text.h"
#include "runs_subcommands.h"

namespace dais::app {

std::string localTime(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string isoTime(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}

nlohmann::json runJson(const store::RunRecord& r) {
    nlohmann::json j = {
        {"id", r.id},
        {"scenario", r.scenarioName},
        {"scenario_hash", r.scenarioHash},
        {"seed", r.seed},
        {"status", std::string(store::runStatusName(r.status))},
        {"error", r.error},
        {"started_at", isoTime(r.startedAt)},
        {"finished_at", r.finishedAt ? nlohmann::json(isoTime(*r.finishedAt)) : nlohmann::json()},
        {"wall_seconds", r.wallSeconds},
        {"events", r.events},
        {"simulated_seconds", sim::toSeconds(r.simulatedTime)},
        {"fingerprint", r.fingerprint},
        {"parameters", r.parameters},
        {"layer_versions", r.layerVersions},
        {"host", r.host},
        {"pid", r.pid},
    };
    j["sweep"] =
        r.sweep
            ? nlohmann::json{{"id", *r.sweep}, {"point", r.pointIndex}, {"replicate", r.replicate}}
            : nlohmann::json();
    return j;
}

nlohmann::json finalMetricsJson(const std::vector<core::MetricReport>& metrics) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : metrics) {
        nlohmann::json j = metricJson(m);
        j["name"] = m.name;
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace dais::app
