#include "run_summary.h"

#include <algorithm>
#include <cstdio>

#include "cli.h"
#include "metric_text.h"

namespace dais::app {

namespace {

/// A byte count with an SI prefix: "0 B", "512 B", "2.4 GB".
std::string bytesText(std::uint64_t bytes) {
    const std::string n = siNumber(static_cast<double>(bytes));
    return n + (n.back() >= '0' && n.back() <= '9' ? " B" : "B");
}

}  // namespace

void printSummary(const core::RunReport& r, const std::string& file) {
    std::printf("scenario     %s (%s)\n", r.scenarioName.c_str(), file.c_str());
    std::printf("network      %s nodes, %s links\n", groupDigits(r.nodes).c_str(),
                groupDigits(r.links).c_str());
    std::printf("seed         %llu   queue %s\n", static_cast<unsigned long long>(r.seed),
                std::string(sim::queueKindName(r.queue)).c_str());
    std::printf("events       %s\n", groupDigits(r.events).c_str());
    std::printf("simulated    %s (%s)\n", sim::formatTime(r.simulatedTime).c_str(),
                std::string(sim::stopReasonName(r.stopReason)).c_str());
    std::printf("wall time    %.3f s\n", r.wallSeconds);
    std::printf(
        "events/s     %s\n",
        siNumber(r.wallSeconds > 0 ? static_cast<double>(r.events) / r.wallSeconds : 0).c_str());
    std::printf("fingerprint  %s\n", r.fingerprint.c_str());
    if (r.status != core::RunStatus::Completed)
        std::printf("status       %s%s%s\n", std::string(core::runStatusName(r.status)).c_str(),
                    r.error.empty() ? "" : ": ", r.error.c_str());
    if (!r.layerVersions.empty()) {
        std::string layers;
        for (const auto& [id, version] : r.layerVersions)
            layers += (layers.empty() ? "" : ", ") + id + " " + version;
        std::printf("layers       %s\n", layers.c_str());
    }
    if (!r.metrics.empty()) {
        std::size_t width = 0;
        for (const auto& m : r.metrics)
            width = std::max(width, m.name.size());
        std::printf("\nmetrics\n");
        // Distributions nothing was observed for (a kind of job that never came) share one
        // line at the end instead of a line each.
        std::string empty;
        for (const auto& m : r.metrics) {
            if (m.type == sim::MetricType::Distribution && m.count == 0) {
                empty += (empty.empty() ? "" : ", ") + m.name;
                continue;
            }
            std::printf("  %-*s  %s\n", static_cast<int>(width), m.name.c_str(),
                        metricLine(m).c_str());
        }
        if (!empty.empty()) std::printf("  no samples: %s\n", empty.c_str());
    }
    if (!r.busiestLinks.empty()) {
        std::printf("\nbusiest links (share of time transmitting)\n");
        for (const auto& l : r.busiestLinks)
            std::printf("  %-24s -> %-24s %7s  %s\n", l.from.c_str(), l.to.c_str(),
                        percent(l.utilisation).c_str(), bytesText(l.bytes).c_str());
    }
}

nlohmann::json summaryJson(const core::RunReport& r, const std::string& file) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& m : r.metrics)
        metrics[m.name] = metricJson(m);
    nlohmann::json links = nlohmann::json::array();
    for (const auto& l : r.busiestLinks)
        links.push_back(
            {{"from", l.from}, {"to", l.to}, {"utilisation", l.utilisation}, {"bytes", l.bytes}});
    return {{"scenario", r.scenarioName},
            {"file", file},
            {"status", std::string(core::runStatusName(r.status))},
            {"error", r.error},
            {"layers", r.layerVersions},
            {"seed", r.seed},
            {"queue", std::string(sim::queueKindName(r.queue))},
            {"nodes", r.nodes},
            {"links", r.links},
            {"events", r.events},
            {"simulated_seconds", sim::toSeconds(r.simulatedTime)},
            {"stop_reason", std::string(sim::stopReasonName(r.stopReason))},
            {"wall_seconds", r.wallSeconds},
            {"events_per_second",
             r.wallSeconds > 0 ? static_cast<double>(r.events) / r.wallSeconds : 0.0},
            {"fingerprint", r.fingerprint},
            {"metrics", metrics},
            {"busiest_links", links}};
}

}  // namespace dais::app
