#include "metric_text.h"

#include <cmath>
#include <cstdio>

#include "cli.h"

namespace dais::app {

std::string percent(double fraction) {
    char buf[32];
    const double p = fraction * 100;
    std::snprintf(buf, sizeof buf, p == 0 || std::abs(p) >= 1 ? "%.1f%%" : "%.2g%%", p);
    return buf;
}

std::string metricNumber(double v, const std::string& unit) {
    if (std::isnan(v)) return "-";
    if (unit == "s") return sim::formatTime(sim::fromSeconds(v));
    if (unit == "1") return percent(v);
    char buf[32];
    if (v == std::floor(v) && std::abs(v) < 1e15)
        return (v < 0 ? "-" : "") + groupDigits(static_cast<std::uint64_t>(std::abs(v)));
    // Six significant digits: 1012.5 tokens stay 1012.5, not 1012.
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string metricLine(const core::MetricReport& m) {
    const bool unitShown = m.unit == "s" || m.unit == "1";
    const std::string unit = unitShown ? "" : " " + m.unit;
    auto n = [&](double v) { return metricNumber(v, m.unit); };
    if (m.type != sim::MetricType::Distribution && m.scope == sim::MetricScope::Node) {
        // Fractions (an accuracy, a share) do not add up over nodes: their mean says more.
        const std::string whole = m.type == sim::MetricType::Gauge && m.unit == "1"
                                      ? "mean " + n(m.mean)
                                      : "total " + n(m.value) + unit;
        return whole + "  per node: min " + n(m.min) + "  p50 " + n(m.p50) + "  max " + n(m.max) +
               "  (" + groupDigits(m.count) + " nodes)";
    }
    if (m.type != sim::MetricType::Distribution) return metricNumber(m.value, m.unit) + unit;
    if (m.count == 0) return "no samples";
    return "mean " + n(m.mean) + "  p50 " + n(m.p50) + "  p95 " + n(m.p95) + "  p99 " + n(m.p99) +
           "  max " + n(m.max) + unit + "  (n=" + groupDigits(m.count) + ")";
}

nlohmann::json metricJson(const core::MetricReport& m) {
    nlohmann::json j = {{"type", std::string(sim::metricTypeName(m.type))}, {"unit", m.unit}};
    if (m.type == sim::MetricType::Distribution) {
        j["count"] = m.count;
        j["mean"] = m.mean;
        j["stddev"] = m.stddev;
        j["min"] = m.min;
        j["p50"] = m.p50;
        j["p95"] = m.p95;
        j["p99"] = m.p99;
        j["max"] = m.max;
    } else {
        j["value"] = m.value;
        if (m.scope == sim::MetricScope::Node) {
            j["scope"] = "node";
            j["nodes"] = m.count;
            j["min"] = m.min;
            j["p50"] = m.p50;
            j["p95"] = m.p95;
            j["max"] = m.max;
        }
    }
    return j;
}

}  // namespace dais::app
