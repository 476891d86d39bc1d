#pragma once
// How the dais commands show a metric's value: as text for people and as JSON for programs.

#include <string>

#include <nlohmann/json.hpp>

#include "dais/core/scenario_run.h"

namespace dais::app {

/// A fraction as a percentage: "37.5%", small ones to two significant digits ("0.047%").
std::string percent(double fraction);
/// A value in the metric's unit: times as "12.5 ms", ratios (unit "1") as percentages, whole
/// numbers with thousands separators, others to four significant digits; NaN as "-".
std::string metricNumber(double v, const std::string& unit);
/// A whole metric on one line: the value, or a distribution's mean, p50, p95, p99 and max.
std::string metricLine(const core::MetricReport& m);
/// The metric's type, unit and value (or a distribution's count, mean, stddev, min, quantiles
/// and max), without its name.
nlohmann::json metricJson(const core::MetricReport& m);

}  // namespace dais::app
