// Reading a run store: runs, their metrics, samples, trace and annotations, scenarios and sweeps.
#include "dais/store/run_store.h"

#include <optional>
#include <string>
#include <vector>

#include "run_process.h"
#include "sqlite_util.h"
#include "store_impl.h"

namespace dais::store {

using detail::firstKey;
using detail::lastKey;
using detail::processAlive;
using detail::Stmt;
using detail::thisHost;

namespace {

sim::MetricType parseMetricType(std::string_view s) {
    for (auto t : {sim::MetricType::Counter, sim::MetricType::Gauge, sim::MetricType::Distribution})
        if (sim::metricTypeName(t) == s) return t;
    return sim::MetricType::Gauge;
}

sim::MetricScope parseMetricScope(std::string_view s) {
    for (auto c : {sim::MetricScope::Global, sim::MetricScope::Node, sim::MetricScope::Group,
                   sim::MetricScope::Link, sim::MetricScope::Flow})
        if (sim::metricScopeName(c) == s) return c;
    return sim::MetricScope::Global;
}

nlohmann::json parseObject(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

std::optional<std::int64_t> optionalInt(const Stmt& s, int c) {
    if (s.isNull(c)) return std::nullopt;
    return s.colInt(c);
}

}  // namespace

RunRecord RunStore::Impl::runFromRow(const Stmt& s) {
    RunRecord r;
    r.id = s.colInt(0);
    r.scenarioHash = s.colText(1);
    r.scenarioName = s.colText(2);
    r.seed = static_cast<std::uint64_t>(s.colInt(3));
    r.parameters = parseObject(s.colText(4));
    r.layerVersions = parseObject(s.colText(5));
    r.host = s.colText(6);
    r.pid = s.colInt(7);
    const std::int64_t pidStart = s.colInt(8);
    r.status = parseRunStatus(s.colText(9)).value_or(RunStatus::Interrupted);
    r.error = s.colText(10);
    // A run whose process is gone reads as interrupted even before a writer marks it.
    if (r.status == RunStatus::Running && r.host == thisHost() && !processAlive(r.pid, pidStart)) {
        r.status = RunStatus::Interrupted;
        if (r.error.empty())
            r.error = "process " + std::to_string(r.pid) + " on " + r.host +
                      " ended before the run finished";
    }
    r.startedAt = s.colInt(11);
    r.finishedAt = optionalInt(s, 12);
    r.wallSeconds = s.colDouble(13);
    r.events = static_cast<std::uint64_t>(s.colInt(14));
    r.simulatedTime = s.colInt(15);
    r.fingerprint = s.colText(16);
    r.sweep = optionalInt(s, 17);
    r.pointIndex = s.colInt(18);
    r.replicate = s.colInt(19);
    return r;
}

core::Result<std::optional<RunRecord>> RunStore::Impl::findRun(RunId id) const {
    return read([&](sqlite3* db) -> core::Result<std::optional<RunRecord>> {
        Stmt s(db, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
        if (!s.ok()) return sqlError(db, s.prepareCode());
        s.bind(1, id);
        const int rc = s.step();
        if (rc == SQLITE_ROW) return std::optional<RunRecord>(runFromRow(s));
        if (rc == SQLITE_DONE) return std::optional<RunRecord>();
        return sqlError(db, rc);
    });
}

RunStore::WriterStats RunStore::writerStats() const {
    return {impl_->commits.load(std::memory_order_relaxed),
            impl_->committedRows.load(std::memory_order_relaxed)};
}

core::Result<std::vector<RunRecord>> RunStore::listRuns(const RunFilter& filter) const {
    // Running and interrupted are told apart by asking whether the process lives, so those two
    // filters (and their limit) are applied here rather than in SQL.
    const bool liveness = filter.status && (*filter.status == RunStatus::Running ||
                                            *filter.status == RunStatus::Interrupted);
    std::string sql = std::string("SELECT ") + Impl::kRunColumns + " FROM runs WHERE 1";
    if (filter.status)
        sql += liveness ? " AND status IN ('running', 'interrupted')" : " AND status = ?1";
    if (filter.scenario) sql += " AND (scenario_name = ?2 OR scenario_hash = ?2)";
    if (filter.sweep) sql += " AND sweep_id = ?3";
    sql += " ORDER BY id DESC";
    if (filter.limit > 0 && !liveness) sql += " LIMIT " + std::to_string(filter.limit);
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<RunRecord>> {
        Stmt s(db, sql);
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        if (filter.status && !liveness) s.bind(1, runStatusName(*filter.status));
        if (filter.scenario) s.bind(2, std::string_view(*filter.scenario));
        if (filter.sweep) s.bind(3, *filter.sweep);
        std::vector<RunRecord> runs;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            RunRecord r = Impl::runFromRow(s);
            if (liveness && r.status != *filter.status) continue;
            runs.push_back(std::move(r));
            if (filter.limit > 0 && runs.size() >= filter.limit) break;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return runs;
    });
}

core::Result<std::optional<RunRecord>> RunStore::findRun(RunId id) const {
    return impl_->findRun(id);
}

core::Result<RunRecord> RunStore::run(RunId id) const {
    auto r = impl_->findRun(id);
    if (!r) return r.error();
    if (!r->has_value()) return impl_->noRun(id);
    return std::move(**r);
}

core::Result<std::vector<core::MetricReport>> RunStore::finalMetrics(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<core::MetricReport>> {
        Stmt s(db,
               "SELECT name, unit, help, type, scope, value, count, mean, stddev, min, max, p50, "
               "p95, p99 FROM final_metrics WHERE run_id = ? ORDER BY position");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<core::MetricReport> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            core::MetricReport m;
            m.name = s.colText(0);
            m.unit = s.colText(1);
            m.help = s.colText(2);
            m.type = parseMetricType(s.colText(3));
            m.scope = parseMetricScope(s.colText(4));
            m.value = s.colDouble(5);
            m.count = static_cast<std::uint64_t>(s.colInt(6));
            m.mean = s.colDouble(7);
            m.stddev = s.colDouble(8);
            m.min = s.colDouble(9);
            m.max = s.colDouble(10);
            m.p50 = s.colDouble(11);
            m.p95 = s.colDouble(12);
            m.p99 = s.colDouble(13);
            out.push_back(std::move(m));
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<std::vector<SampledMetric>> RunStore::sampledMetrics(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<SampledMetric>> {
        Stmt s(db,
               "SELECT idx, name, unit, help, type, scope FROM metrics WHERE run_id = ? ORDER BY "
               "idx");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<SampledMetric> out;
        std::unordered_map<std::int64_t, std::size_t> byIdx;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            byIdx[s.colInt(0)] = out.size();
            out.push_back({s.colText(1), s.colText(2), s.colText(3), parseMetricType(s.colText(4)),
                           parseMetricScope(s.colText(5)), 0});
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        Stmt c(db, "SELECT metric, count(*) FROM samples WHERE id BETWEEN ? AND ? GROUP BY metric");
        c.bind(1, firstKey(id));
        c.bind(2, lastKey(id));
        while ((rc = c.step()) == SQLITE_ROW)
            if (auto it = byIdx.find(c.colInt(0)); it != byIdx.end())
                out[it->second].samples = static_cast<std::uint64_t>(c.colInt(1));
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        std::erase_if(out, [](const SampledMetric& m) { return m.samples == 0; });
        return out;
    });
}

core::Result<std::vector<Sample>> RunStore::samples(RunId id, std::string_view metric) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<Sample>> {
        Stmt s(db,
               "SELECT t, value, count, p50, p95, p99 FROM samples WHERE id BETWEEN ?1 AND ?2 AND "
               "metric = (SELECT idx FROM metrics WHERE run_id = ?3 AND name = ?4) ORDER BY id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, firstKey(id));
        s.bind(2, lastKey(id));
        s.bind(3, id);
        s.bind(4, metric);
        std::vector<Sample> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            Sample x;
            x.time = s.colInt(0);
            x.value = s.colDouble(1);
            if (!s.isNull(2)) {
                x.count = static_cast<std::uint64_t>(s.colInt(2));
                x.p50 = s.colDouble(3);
                x.p95 = s.colDouble(4);
                x.p99 = s.colDouble(5);
            }
            out.push_back(x);
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<void> RunStore::visitSamples(
    RunId id, const std::function<void(const SampledMetric&, const Sample&)>& visit) const {
    return impl_->read([&](sqlite3* db) -> core::Result<void> {
        Stmt m(db, "SELECT idx, name, unit, help, type, scope FROM metrics WHERE run_id = ?");
        if (!m.ok()) return impl_->sqlError(db, m.prepareCode());
        m.bind(1, id);
        std::unordered_map<std::int64_t, SampledMetric> metrics;
        int rc;
        while ((rc = m.step()) == SQLITE_ROW)
            metrics[m.colInt(0)] = {m.colText(1),
                                    m.colText(2),
                                    m.colText(3),
                                    parseMetricType(m.colText(4)),
                                    parseMetricScope(m.colText(5)),
                                    0};
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        Stmt s(db,
               "SELECT metric, t, value, count, p50, p95, p99 FROM samples WHERE id BETWEEN ? AND "
               "? ORDER BY id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, firstKey(id));
        s.bind(2, lastKey(id));
        while ((rc = s.step()) == SQLITE_ROW) {
            const auto it = metrics.find(s.colInt(0));
            if (it == metrics.end()) continue;
            Sample x;
            x.time = s.colInt(1);
            x.value = s.colDouble(2);
            if (!s.isNull(3)) {
                x.count = static_cast<std::uint64_t>(s.colInt(3));
                x.p50 = s.colDouble(4);
                x.p95 = s.colDouble(5);
                x.p99 = s.colDouble(6);
            }
            visit(it->second, x);
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return {};
    });
}

core::Result<std::vector<TraceEntry>> RunStore::trace(RunId id, std::size_t limit) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<TraceEntry>> {
        Stmt s(db,
               "SELECT t, node, category, text FROM trace WHERE id BETWEEN ? AND ? ORDER BY id "
               "LIMIT ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, firstKey(id));
        s.bind(2, lastKey(id));
        s.bind(3, limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(limit));
        std::vector<TraceEntry> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(
                {s.colInt(0), static_cast<std::uint64_t>(s.colInt(1)), s.colText(2), s.colText(3)});
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<std::vector<Annotation>> RunStore::annotations(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<Annotation>> {
        Stmt s(db, "SELECT id, created_at, text FROM annotations WHERE run_id = ? ORDER BY id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<Annotation> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back({s.colInt(0), s.colInt(1), s.colText(2)});
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<StoredScenario> RunStore::scenario(std::string_view hash) const {
    return impl_->read([&](sqlite3* db) -> core::Result<StoredScenario> {
        Stmt s(db, "SELECT hash, name, document FROM scenarios WHERE hash = ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, hash);
        const int rc = s.step();
        if (rc == SQLITE_DONE) return impl_->error("no scenario with hash " + std::string(hash));
        if (rc != SQLITE_ROW) return impl_->sqlError(db, rc);
        return StoredScenario{s.colText(0), s.colText(1), s.colText(2)};
    });
}

core::Result<SweepRecord> RunStore::sweep(SweepId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<SweepRecord> {
        Stmt s(db,
               "SELECT id, scenario_hash, experiment, description, created_at FROM sweeps WHERE "
               "id = ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        const int rc = s.step();
        if (rc == SQLITE_DONE) return impl_->error("no sweep " + std::to_string(id));
        if (rc != SQLITE_ROW) return impl_->sqlError(db, rc);
        SweepRecord r;
        r.id = s.colInt(0);
        r.scenarioHash = s.colText(1);
        r.experiment = s.colText(2);
        r.description = nlohmann::json::parse(s.colText(3), nullptr, false);
        if (r.description.is_discarded()) r.description = nlohmann::json::object();
        r.createdAt = s.colInt(4);
        return r;
    });
}

core::Result<std::vector<RunRecord>> RunStore::sweepRuns(SweepId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<RunRecord>> {
        Stmt s(db, std::string("SELECT ") + Impl::kRunColumns +
                       " FROM runs WHERE sweep_id = ? ORDER BY point_index, replicate, id");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<RunRecord> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(Impl::runFromRow(s));
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

}  // namespace dais::store
