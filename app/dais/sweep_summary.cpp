// The summary of a sweep (sweep_summary.h): numbers to the digits that mean something, one
// scale per metric column, tables split to fit a wide terminal, and the same as JSON.
#include "sweep_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "cli.h"
#include "sweep_planning.h"

namespace dais::app {

namespace {

using Json = nlohmann::json;
using core::SweepRunStatus;

/// A parameter value as a person reads it: strings without quotes, numbers (also those of a
/// quantity, "0.0133958760s") to six digits.
std::string valueText(const Json& v) {
    char buf[32];
    if (v.is_number_float()) {
        std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
        return buf;
    }
    if (!v.is_string()) return v.dump();
    const std::string text = v.get<std::string>();
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    const auto digits = static_cast<std::size_t>(end - text.c_str());
    if (digits <= 8 || !std::isfinite(number)) return text;
    std::snprintf(buf, sizeof buf, "%.6g", number);
    return buf + text.substr(digits);
}

/// Characters on screen (UTF-8 continuation bytes take no column).
std::size_t displayWidth(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

/// How a metric column shows its numbers: one scale for the whole column.
struct Scale {
    double factor = 1;
    std::string unit;  ///< shown in the header
};

Scale scaleFor(const std::string& unit, double magnitude) {
    if (unit == "s") {
        if (magnitude >= 1 || magnitude == 0) return {1, "s"};
        if (magnitude >= 1e-3) return {1e3, "ms"};
        if (magnitude >= 1e-6) return {1e6, "us"};
        return {1e9, "ns"};
    }
    if (unit == "1") return {100, "%"};
    return {1, unit};
}

std::string number(double v, const char* format) {
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

/// v with `decimals` decimals, its whole part in digit groups: "38,220,000", "6.179".
std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string text = buf;
    const std::size_t start = text[0] == '-' ? 1 : 0;
    std::size_t point = text.find('.');
    if (point == std::string::npos) point = text.size();
    for (std::size_t i = point; i > start + 3; i -= 3)
        text.insert(i - 3, ",");
    return text;
}

/// "6.179 ± 0.059": the half-width to two significant digits and the mean to the same decimal
/// place, so the digits shown are the digits that mean something.
std::string meanAndHalfWidth(double mean, double halfWidth) {
    if (!(halfWidth > 0) || !std::isfinite(halfWidth) || !std::isfinite(mean))
        return number(mean, "%.4g") + " ± " + number(halfWidth, "%.2g");
    const int lead = static_cast<int>(std::floor(std::log10(halfWidth)));
    const double unit = std::pow(10.0, lead - 1);  // the half-width's second digit
    const int decimals = std::clamp(1 - lead, 0, 12);
    return fixed(std::round(mean / unit) * unit, decimals) + " ± " +
           fixed(std::round(halfWidth / unit) * unit, decimals);
}

std::string cell(const core::MetricSummary& m, const Scale& scale, std::size_t pointRuns) {
    const core::SampleStats& s = m.stats;
    if (s.n == 0) return "-";
    std::string text = s.n >= 2
                           ? meanAndHalfWidth(s.mean * scale.factor, s.halfWidth * scale.factor)
                           : number(s.mean * scale.factor, "%.4g");
    if (s.n != pointRuns) text += " (n=" + std::to_string(s.n) + ")";
    return text;
}

std::string seedsText(const std::vector<std::uint64_t>& seeds) {
    bool consecutive = seeds.size() > 2;
    for (std::size_t i = 1; i < seeds.size() && consecutive; ++i)
        consecutive = seeds[i] == seeds[i - 1] + 1;
    if (consecutive) return std::to_string(seeds.front()) + ".." + std::to_string(seeds.back());
    std::string out;
    for (std::size_t i = 0; i < seeds.size() && i < 10; ++i)
        out += (i == 0 ? "" : ", ") + std::to_string(seeds[i]);
    if (seeds.size() > 10) out += ", ...";
    return out;
}

void printTable(const std::vector<std::vector<std::string>>& rows, std::size_t leftAligned) {
    std::vector<std::size_t> width(rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], displayWidth(row[c]));
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string pad(width[c] - displayWidth(row[c]), ' ');
            line += (c == 0 ? "" : "  ") + (c < leftAligned ? row[c] + pad : pad + row[c]);
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

/// Each metric column's scale, from its unit and its largest mean.
std::vector<Scale> columnScales(const core::SweepPlan& plan,
                                const std::vector<core::PointSummary>& summary) {
    std::vector<Scale> scales;
    for (std::size_t m = 0; m < plan.metrics.size(); ++m) {
        double magnitude = 0;
        std::string unit;
        for (const core::PointSummary& p : summary) {
            const core::MetricSummary& ms = p.metrics[m];
            if (!ms.unit.empty()) unit = ms.unit;
            if (ms.stats.n > 0) magnitude = std::max(magnitude, std::abs(ms.stats.mean));
        }
        scales.push_back(scaleFor(unit, magnitude));
    }
    return scales;
}

/// The heading: scenario, experiment, how many runs of which seeds, and the wall time.
void printHeading(const SweepReport& report) {
    const core::SweepPlan& plan = report.plan;
    const SweepExecution& e = report.execution;
    const std::size_t completed = e.count(SweepRunStatus::Completed);
    const std::size_t failed = e.count(SweepRunStatus::Failed);
    const std::size_t cancelled = e.count(SweepRunStatus::Cancelled);
    std::printf("scenario     %s (%s)\n", plan.scenarioName.c_str(), report.file.c_str());
    std::printf("experiment   %s%s%s\n", plan.experiment.id.c_str(),
                plan.experiment.description.empty() ? "" : ": ",
                plan.experiment.description.c_str());
    std::string runs = groupDigits(plan.runs.size()) + " = " + pointsTimesSeeds(plan) + " (" +
                       seedsText(plan.seeds) + "); " + groupDigits(completed) + " completed";
    if (failed > 0) runs += ", " + groupDigits(failed) + " failed";
    if (cancelled > 0) runs += ", " + groupDigits(cancelled) + " not run (stopped)";
    std::printf("runs         %s\n", runs.c_str());
    std::string parallel = std::to_string(report.jobs) + (report.jobs == 1 ? " job" : " jobs");
    if (report.processes > 1)
        parallel = std::to_string(report.processes) + " processes x " + parallel;
    std::printf("wall time    %.3f s (%s)\n\n", e.wallSeconds, parallel.c_str());
}

/// The points: their number, the parameters, n, then the metrics, split into several tables
/// when they would not fit a wide terminal.
void printPoints(const core::SweepPlan& plan, const std::vector<core::PointSummary>& summary) {
    const std::size_t fixed = 2 + plan.parameters.size();
    const std::vector<Scale> scales = columnScales(plan, summary);
    auto header = [&](std::size_t m) {
        const Scale& s = scales[m];
        return plan.metrics[m] + (s.unit.empty() ? "" : " (" + s.unit + ")");
    };
    constexpr std::size_t kMaxWidth = 120;
    std::size_t m = 0;
    do {
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> head = {"point"};
        head.insert(head.end(), plan.parameters.begin(), plan.parameters.end());
        head.push_back("n");
        rows.push_back(head);
        for (const core::PointSummary& p : summary) {
            std::vector<std::string> row = {std::to_string(p.point)};
            for (const core::ParameterValue& v : plan.points[p.point].values)
                row.push_back(valueText(v.value));
            row.push_back(std::to_string(p.completed));
            rows.push_back(std::move(row));
        }
        std::size_t width = 0;
        for (std::size_t c = 0; c < fixed; ++c) {
            std::size_t w = 0;
            for (const auto& row : rows)
                w = std::max(w, displayWidth(row[c]));
            width += w + 2;
        }
        const std::size_t first = m;
        for (; m < plan.metrics.size(); ++m) {
            std::size_t w = displayWidth(header(m));
            for (const core::PointSummary& p : summary)
                w = std::max(w, displayWidth(cell(p.metrics[m], scales[m], p.completed)));
            if (m > first && width + w > kMaxWidth) break;
            width += w + 2;
            rows[0].push_back(header(m));
            for (std::size_t r = 0; r < summary.size(); ++r)
                rows[r + 1].push_back(cell(summary[r].metrics[m], scales[m], summary[r].completed));
        }
        if (first > 0) std::printf("\n");
        printTable(rows, 1);
    } while (m < plan.metrics.size());
    std::printf(
        "\nEach metric: mean ± half-width of its 95%% confidence interval over the point's "
        "n runs.\n");
}

/// Each failed run with the first line of its error.
void printFailedRuns(const SweepExecution& e) {
    std::printf("\nfailed runs\n");
    for (const core::SweepRunResult& r : e.results) {
        if (r.status != SweepRunStatus::Failed) continue;
        std::string message = r.error;
        if (const std::size_t nl = message.find('\n'); nl != std::string::npos)
            message = message.substr(0, nl) + " ...";
        std::printf("  point %zu, seed %llu: %s\n", r.point,
                    static_cast<unsigned long long>(r.seed), message.c_str());
    }
}

/// Each point: its values, how its runs ended, and each metric's statistics.
Json pointsJson(const core::SweepPlan& plan, const std::vector<core::PointSummary>& summary) {
    Json points = Json::array();
    for (const core::PointSummary& p : summary) {
        Json values = Json::object();
        for (const core::ParameterValue& v : plan.points[p.point].values)
            values[v.path] = v.value;
        Json metrics = Json::object();
        for (const core::MetricSummary& m : p.metrics) {
            const core::SampleStats& s = m.stats;
            Json j = {{"unit", m.unit}, {"n", s.n}};
            if (s.n > 0) j["mean"] = s.mean;
            if (s.n > 1) {
                j["stddev"] = s.stddev;
                j["half_width"] = s.halfWidth;
                j["ci95"] = {s.lower(), s.upper()};
            }
            metrics[m.selector] = std::move(j);
        }
        points.push_back({{"index", p.point},
                          {"values", std::move(values)},
                          {"completed", p.completed},
                          {"failed", p.failed},
                          {"not_run", p.cancelled},
                          {"metrics", std::move(metrics)}});
    }
    return points;
}

/// Each run: where it sits in the plan, its seed, how it ended and its fingerprint.
Json runsJson(const SweepExecution& e) {
    Json runs = Json::array();
    for (const core::SweepRunResult& r : e.results) {
        Json j = {{"index", r.index},
                  {"point", r.point},
                  {"replicate", r.replicate},
                  {"seed", r.seed},
                  {"status", std::string(core::sweepRunStatusName(r.status))}};
        if (!r.error.empty()) j["error"] = r.error;
        if (!r.report.fingerprint.empty()) {
            j["fingerprint"] = r.report.fingerprint;
            j["events"] = r.report.events;
        }
        runs.push_back(std::move(j));
    }
    return runs;
}

}  // namespace

void printSweepSummary(const SweepReport& report) {
    printHeading(report);
    printPoints(report.plan, report.points);
    if (report.execution.count(SweepRunStatus::Failed) > 0) printFailedRuns(report.execution);
    if (report.sweep)
        std::printf("\nsweep %lld stored in %s\n", static_cast<long long>(*report.sweep),
                    report.storePath.c_str());
}

Json sweepSummaryJson(const SweepReport& report) {
    const core::SweepPlan& plan = report.plan;
    const auto& sweep = report.sweep;
    return {{"file", report.file},
            {"scenario", plan.scenarioName},
            {"experiment", plan.experiment.id},
            {"parameters", plan.parameters},
            {"seeds", plan.seeds},
            {"metrics", plan.metrics},
            {"wall_seconds", report.execution.wallSeconds},
            {"jobs", report.jobs},
            {"processes", report.processes},
            {"sweep", sweep ? Json(*sweep) : Json()},
            {"store", sweep ? Json(report.storePath) : Json()},
            {"points", pointsJson(plan, report.points)},
            {"runs", runsJson(report.execution)}};
}

}  // namespace dais::app
