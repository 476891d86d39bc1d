// dais runs export: stored runs' metric samples and final metrics, as CSV rows or one JSON
// document, on stdout or into a file that is replaced only once the export is complete.
#include <unistd.h>

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "runs_subcommands.h"

namespace dais::app {

namespace {

using store::RunRecord;
using store::RunStore;

/// The shortest text that reads back as the same double; empty for NaN.
std::string number(double v) {
    if (std::isnan(v)) return "";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// A CSV field: as it is, or quoted (inner quotes doubled) when it holds a comma, a quote or a
/// line break.
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (const char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

/// The count and quantile columns of a CSV row; empty for a metric that is not a distribution.
std::string quantileColumns(sim::MetricType type, std::uint64_t count, double p50, double p95,
                            double p99) {
    if (type != sim::MetricType::Distribution) return ",,,";
    return std::to_string(count) + "," + number(p50) + "," + number(p95) + "," + number(p99);
}

/// Writes `text` to `path` through a temporary file in the same folder, so an existing file is
/// only replaced by a complete export.
core::Result<void> writeFileAtomically(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        return core::Error{path + ": cannot write it (" + std::string(std::strerror(errno)) + ")"};
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool written = done == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    std::error_code ec;
    if (written) fs::rename(tmpl, target, ec);
    if (!written || ec) {
        const core::Error error{path + ": cannot write it (" +
                                (ec ? ec.message() : std::string(std::strerror(errno))) + ")"};
        fs::remove(tmpl, ec);
        return error;
    }
    ::chmod(path.c_str(), 0644);
    return {};
}

/// A run's sampled metrics and final metrics, read for an export.
struct ExportedRun {
    std::vector<store::SampledMetric> sampled;
    std::vector<core::MetricReport> finals;
};

core::Result<ExportedRun> readForExport(const RunStore& s, const RunRecord& r) {
    auto sampled = s.sampledMetrics(r.id);
    if (!sampled) return sampled.error();
    auto finals = s.finalMetrics(r.id);
    if (!finals) return finals.error();
    return ExportedRun{std::move(sampled).value(), std::move(finals).value()};
}

/// One run's samples, then its final metrics, as CSV rows appended to `out`.
core::Result<void> appendCsvRows(const RunStore& s, const RunRecord& r, std::string& out) {
    auto run = readForExport(s, r);
    if (!run) return run.error();
    const std::string id = std::to_string(r.id);
    // One pass over the run's samples (reading per metric would scan it once per metric).
    auto visited = s.visitSamples(r.id, [&](const store::SampledMetric& m, const store::Sample& x) {
        out += id + ",sample," + csvField(m.name) + "," + csvField(m.unit) + "," +
               number(sim::toSeconds(x.time)) + "," + number(x.value) + "," +
               quantileColumns(m.type, x.count, x.p50, x.p95, x.p99) + "\n";
    });
    if (!visited) return visited.error();
    const std::string end = number(sim::toSeconds(r.simulatedTime));
    for (const auto& m : run->finals) {
        const bool dist = m.type == sim::MetricType::Distribution;
        out += id + ",final," + csvField(m.name) + "," + csvField(m.unit) + "," + end + "," +
               number(dist ? m.mean : m.value) + "," +
               quantileColumns(m.type, m.count, m.p50, m.p95, m.p99) + "\n";
    }
    return {};
}

/// One run as the JSON export has it: its record, final metrics and samples by metric.
core::Result<nlohmann::json> exportJson(const RunStore& s, const RunRecord& r) {
    auto run = readForExport(s, r);
    if (!run) return run.error();
    nlohmann::json series = nlohmann::json::object();
    for (const auto& m : run->sampled) {
        nlohmann::json j = {{"unit", m.unit},
                            {"type", std::string(sim::metricTypeName(m.type))},
                            {"time_s", nlohmann::json::array()},
                            {"value", nlohmann::json::array()}};
        if (m.type == sim::MetricType::Distribution)
            for (const char* k : {"count", "p50", "p95", "p99"})
                j[k] = nlohmann::json::array();
        series[m.name] = std::move(j);
    }
    auto visited = s.visitSamples(r.id, [&](const store::SampledMetric& m, const store::Sample& x) {
        nlohmann::json& j = series[m.name];
        j["time_s"].push_back(sim::toSeconds(x.time));
        j["value"].push_back(x.value);
        if (m.type == sim::MetricType::Distribution) {
            j["count"].push_back(x.count);
            j["p50"].push_back(x.p50);
            j["p95"].push_back(x.p95);
            j["p99"].push_back(x.p99);
        }
    });
    if (!visited) return visited.error();
    nlohmann::json j = runJson(r);
    j["final_metrics"] = finalMetricsJson(run->finals);
    j["samples"] = series;
    return j;
}

/// The whole export of `runs` in `format` (csv or json).
core::Result<std::string> exportText(const RunStore& s, const std::vector<RunRecord>& runs,
                                     const std::string& format) {
    if (format == "csv") {
        std::string out = "run,kind,metric,unit,time_s,value,count,p50,p95,p99\n";
        for (const RunRecord& r : runs)
            if (auto added = appendCsvRows(s, r, out); !added) return added.error();
        return out;
    }
    nlohmann::json doc = {{"format", "dais-runs-export"}, {"version", 1}};
    nlohmann::json runList = nlohmann::json::array();
    for (const RunRecord& r : runs) {
        auto j = exportJson(s, r);
        if (!j) return j.error();
        runList.push_back(std::move(j).value());
    }
    doc["runs"] = runList;
    return doc.dump(2) + "\n";
}

}  // namespace

int runsExport(RunsArgs& a) {
    if (a.words.empty())
        return fail("runs export: which runs? (usage: dais runs export ID... --format csv|json)",
                    kExitUsage);
    if (int c = a.allowOnly("export", {"format", "output"})) return c;
    const std::string format = a.format.empty() ? "csv" : a.format;
    if (format != "csv" && format != "json")
        return fail("--format: expected csv or json, got \"" + a.format + "\"", kExitUsage);
    const auto ids = parseRunIds(a.words, "export");
    if (!ids) return kExitUsage;
    if (!a.output.empty()) {
        std::error_code ec;
        if (std::filesystem::is_directory(a.output, ec))
            return fail("--output: " + a.output + " is a folder", kExitUsage);
        if (std::filesystem::equivalent(a.output, a.store, ec))
            return fail("--output: " + a.output + " is the run store itself", kExitUsage);
    }
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const std::vector<RunRecord>& runs = stored.runs;
    auto text = exportText(*stored.store, runs, format);
    if (!text) return fail(text.error().message, kExitFailure);
    const std::string& out = *text;
    if (a.output.empty()) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
    }
    if (auto written = writeFileAtomically(a.output, out); !written)
        return fail(written.error().message, kExitFailure);
    std::fprintf(stderr, "exported %zu run%s to %s\n", runs.size(), runs.size() == 1 ? "" : "s",
                 a.output.c_str());
    return kExitOk;
}

}  // namespace dais::app
