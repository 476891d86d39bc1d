// Per-point summaries of a sweep, and results as bytes for the trip between processes.

#include <algorithm>

#include "dais/core/sweep.h"

namespace dais::core {
namespace {

using Json = nlohmann::json;

const MetricReport* baseMetric(const RunReport& report, std::string_view selector,
                               std::string_view& statistic) {
    if (const MetricReport* m = report.metric(selector)) {
        statistic = {};
        return m;
    }
    const std::size_t dot = selector.rfind('.');
    if (dot == std::string_view::npos) return nullptr;
    const MetricReport* m = report.metric(selector.substr(0, dot));
    if (m == nullptr || m->type != sim::MetricType::Distribution) return nullptr;
    statistic = selector.substr(dot + 1);
    return m;
}

}  // namespace

std::optional<double> selectMetric(const RunReport& report, std::string_view selector) {
    std::string_view stat;
    const MetricReport* m = baseMetric(report, selector, stat);
    if (m == nullptr) return std::nullopt;
    if (stat.empty()) return m->type == sim::MetricType::Distribution ? m->mean : m->value;
    if (stat == "mean") return m->mean;
    if (stat == "stddev") return m->stddev;
    if (stat == "min") return m->min;
    if (stat == "max") return m->max;
    if (stat == "p50") return m->p50;
    if (stat == "p95") return m->p95;
    if (stat == "p99") return m->p99;
    if (stat == "count") return static_cast<double>(m->count);
    return std::nullopt;
}

std::vector<PointSummary> summarizeSweep(const SweepPlan& plan,
                                         std::span<const SweepRunResult> results) {
    // Sums depend on their order: always add replicates in run order, however results came.
    std::vector<const SweepRunResult*> sorted;
    for (const SweepRunResult& r : results)
        sorted.push_back(&r);
    std::sort(sorted.begin(), sorted.end(),
              [](const SweepRunResult* a, const SweepRunResult* b) { return a->index < b->index; });

    std::vector<PointSummary> out(plan.points.size());
    std::vector<std::vector<const SweepRunResult*>> byPoint(plan.points.size());
    for (std::size_t p = 0; p < out.size(); ++p)
        out[p].point = p;
    for (const SweepRunResult* r : sorted) {
        if (r->point >= out.size()) continue;
        PointSummary& s = out[r->point];
        switch (r->status) {
            case SweepRunStatus::Completed:
                ++s.completed;
                byPoint[r->point].push_back(r);
                break;
            case SweepRunStatus::Failed:
                ++s.failed;
                break;
            case SweepRunStatus::Cancelled:
                ++s.cancelled;
                break;
        }
    }
    for (std::size_t p = 0; p < out.size(); ++p) {
        for (const std::string& selector : plan.metrics) {
            MetricSummary m;
            m.selector = selector;
            std::vector<double> values;
            bool unitKnown = false;
            for (const SweepRunResult* r : byPoint[p]) {
                const std::optional<double> v = selectMetric(r->report, selector);
                if (!v) continue;
                values.push_back(*v);
                if (!unitKnown) {
                    std::string_view stat;
                    const MetricReport* base = baseMetric(r->report, selector, stat);
                    m.unit = stat == "count" ? std::string() : base->unit;  // a count has none
                    unitKnown = true;
                }
            }
            m.stats = sampleStats(values);
            out[p].metrics.push_back(std::move(m));
        }
    }
    return out;
}

// ---- encoding -------------------------------------------------------------------------------

namespace {

Json infoJson(const sim::MetricInfo& i) {
    return Json::array(
        {i.name, i.unit, i.help, static_cast<int>(i.type), static_cast<int>(i.scope)});
}

sim::MetricInfo infoFrom(const Json& j) {
    sim::MetricInfo i;
    i.name = j.at(0).get<std::string>();
    i.unit = j.at(1).get<std::string>();
    i.help = j.at(2).get<std::string>();
    i.type = static_cast<sim::MetricType>(j.at(3).get<int>());
    i.scope = static_cast<sim::MetricScope>(j.at(4).get<int>());
    return i;
}

/// Doubles go in as JSON floats (CBOR keeps every bit of them, NaN aside).
Json number(double v) {
    return Json(v);
}

}  // namespace

std::vector<std::uint8_t> encodeRunResult(const SweepRunResult& r) {
    Json metrics = Json::array();
    for (const MetricReport& m : r.report.metrics) {
        metrics.push_back(Json::array(
            {m.name, m.unit, m.help, static_cast<int>(m.type), static_cast<int>(m.scope),
             number(m.value), m.count, number(m.mean), number(m.stddev), number(m.min),
             number(m.max), number(m.p50), number(m.p95), number(m.p99)}));
    }
    Json links = Json::array();
    for (const sim::LinkLoad& l : r.report.busiestLinks)
        links.push_back(Json::array({l.from, l.to, l.link, number(l.utilisation), l.bytes}));
    const RunReport& p = r.report;
    Json layers = Json::object();
    for (const auto& [id, version] : p.layerVersions)
        layers[id] = version;
    Json report = {{"status", static_cast<int>(p.status)},
                   {"error", p.error},
                   {"scenario", p.scenarioName},
                   {"seed", p.seed},
                   {"queue", static_cast<int>(p.queue)},
                   {"horizon", p.horizon},
                   {"nodes", p.nodes},
                   {"links", p.links},
                   {"events", p.events},
                   {"simulated", p.simulatedTime},
                   {"stop", static_cast<int>(p.stopReason)},
                   {"wall", number(p.wallSeconds)},
                   {"fingerprint", p.fingerprint},
                   {"metrics", std::move(metrics)},
                   {"busiest", std::move(links)},
                   {"layers", std::move(layers)}};
    Json sampledMetrics = Json::array();
    for (const sim::MetricInfo& i : r.samples.metrics)
        sampledMetrics.push_back(infoJson(i));
    Json rows = Json::array();
    for (const RecordedSamples::Row& row : r.samples.rows) {
        Json values = Json::array();
        for (const sim::MetricValue& v : row.values)
            values.push_back(
                Json::array({number(v.value), v.count, number(v.stddev), number(v.min),
                             number(v.max), number(v.p50), number(v.p95), number(v.p99)}));
        rows.push_back(Json::array({row.time, std::move(values)}));
    }
    const Json doc = {
        {"index", r.index},
        {"point", r.point},
        {"replicate", r.replicate},
        {"seed", r.seed},
        {"status", static_cast<int>(r.status)},
        {"error", r.error},
        {"report", std::move(report)},
        {"samples", {{"metrics", std::move(sampledMetrics)}, {"rows", std::move(rows)}}}};
    return Json::to_cbor(doc);
}

Result<SweepRunResult> decodeRunResult(std::span<const std::uint8_t> bytes) {
    try {
        const Json doc = Json::from_cbor(bytes.begin(), bytes.end());
        SweepRunResult r;
        r.index = doc.at("index").get<std::size_t>();
        r.point = doc.at("point").get<std::size_t>();
        r.replicate = doc.at("replicate").get<std::size_t>();
        r.seed = doc.at("seed").get<std::uint64_t>();
        const int status = doc.at("status").get<int>();
        if (status < 0 || status > static_cast<int>(SweepRunStatus::Cancelled))
            return Error{"a run result with an unknown status " + std::to_string(status)};
        r.status = static_cast<SweepRunStatus>(status);
        r.error = doc.at("error").get<std::string>();
        const Json& p = doc.at("report");
        const int runStatus = p.at("status").get<int>();
        if (runStatus < 0 || runStatus > static_cast<int>(RunStatus::Failed))
            return Error{"a run report with an unknown status " + std::to_string(runStatus)};
        r.report.status = static_cast<RunStatus>(runStatus);
        r.report.error = p.at("error").get<std::string>();
        r.report.scenarioName = p.at("scenario").get<std::string>();
        r.report.seed = p.at("seed").get<std::uint64_t>();
        r.report.queue = static_cast<sim::QueueKind>(p.at("queue").get<int>());
        r.report.horizon = p.at("horizon").get<sim::SimTime>();
        r.report.nodes = p.at("nodes").get<std::size_t>();
        r.report.links = p.at("links").get<std::size_t>();
        r.report.events = p.at("events").get<std::uint64_t>();
        r.report.simulatedTime = p.at("simulated").get<sim::SimTime>();
        r.report.stopReason = static_cast<sim::StopReason>(p.at("stop").get<int>());
        r.report.wallSeconds = p.at("wall").get<double>();
        r.report.fingerprint = p.at("fingerprint").get<std::string>();
        for (const Json& m : p.at("metrics")) {
            MetricReport x;
            x.name = m.at(0).get<std::string>();
            x.unit = m.at(1).get<std::string>();
            x.help = m.at(2).get<std::string>();
            x.type = static_cast<sim::MetricType>(m.at(3).get<int>());
            x.scope = static_cast<sim::MetricScope>(m.at(4).get<int>());
            x.value = m.at(5).get<double>();
            x.count = m.at(6).get<std::uint64_t>();
            x.mean = m.at(7).get<double>();
            x.stddev = m.at(8).get<double>();
            x.min = m.at(9).get<double>();
            x.max = m.at(10).get<double>();
            x.p50 = m.at(11).get<double>();
            x.p95 = m.at(12).get<double>();
            x.p99 = m.at(13).get<double>();
            r.report.metrics.push_back(std::move(x));
        }
        for (const Json& l : p.at("busiest"))
            r.report.busiestLinks.push_back({l.at(0).get<std::string>(), l.at(1).get<std::string>(),
                                             l.at(2).get<sim::LinkIndex>(), l.at(3).get<double>(),
                                             l.at(4).get<std::uint64_t>()});
        const Json& samples = doc.at("samples");
        for (const Json& i : samples.at("metrics"))
            r.samples.metrics.push_back(infoFrom(i));
        for (const Json& row : samples.at("rows")) {
            RecordedSamples::Row out;
            out.time = row.at(0).get<sim::SimTime>();
            for (const Json& v : row.at(1)) {
                sim::MetricValue x;
                x.value = v.at(0).get<double>();
                x.count = v.at(1).get<std::uint64_t>();
                x.stddev = v.at(2).get<double>();
                x.min = v.at(3).get<double>();
                x.max = v.at(4).get<double>();
                x.p50 = v.at(5).get<double>();
                x.p95 = v.at(6).get<double>();
                x.p99 = v.at(7).get<double>();
                out.values.push_back(x);
            }
            r.samples.rows.push_back(std::move(out));
        }
        for (const auto& [id, version] : p.at("layers").items())
            r.report.layerVersions[id] = version.get<std::string>();
        return r;
    } catch (const std::exception& e) {
        return Error{std::string("a damaged run result: ") + e.what()};
    }
}

}  // namespace dais::core
