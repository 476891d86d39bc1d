// A run's writer: samples and trace records queued as rows, its progress, and its finish.
#include "dais/store/run_store.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "sqlite_util.h"
#include "store_impl.h"

namespace dais::store {

using detail::firstKey;
using detail::nowMs;
using detail::SampleRow;
using detail::Stmt;
using detail::TraceRow;

struct RunWriter::Local {
    std::int64_t sampleSeq = 0, traceSeq = 0;
    // The metric index of each position of the last sample (the same span, call after call).
    std::vector<std::pair<const sim::MetricInfo*, std::uint32_t>> byPosition;
    std::unordered_map<std::string, std::uint32_t> byName;
    std::vector<SampleRow> rows;
};

RunWriter::RunWriter(std::shared_ptr<RunStore::Impl> store, RunId id)
    : store_(std::move(store)), local_(std::make_unique<Local>()), id_(id) {}

RunWriter::~RunWriter() {
    if (finished_) return;
    const RunId id = id_;
    store_->postTask([id](RunStore::Impl& s) -> core::Result<void> {
        Stmt u(s.writeDb.get(),
               "UPDATE runs SET status = 'interrupted', error = 'the run was abandoned before it "
               "finished', finished_at = ? WHERE id = ? AND status = 'running'");
        u.bind(1, nowMs());
        u.bind(2, id);
        if (const int rc = u.step(); rc != SQLITE_DONE) return s.fail(rc);
        return {};
    });
}

void RunWriter::sample(sim::SimTime t, std::span<const sim::MetricValue> values) {
    if (finished_) return;
    Local& L = *local_;
    L.rows.clear();
    if (L.byPosition.size() < values.size()) L.byPosition.resize(values.size(), {nullptr, 0});
    for (std::size_t i = 0; i < values.size(); ++i) {
        const sim::MetricValue& v = values[i];
        if (v.info == nullptr) continue;
        std::uint32_t idx;
        if (L.byPosition[i].first == v.info) {
            idx = L.byPosition[i].second;
        } else {
            auto it = L.byName.find(v.info->name);
            if (it == L.byName.end()) {
                idx = static_cast<std::uint32_t>(L.byName.size());
                L.byName.emplace(v.info->name, idx);
                store_->postTask(
                    [run = id_, idx, info = *v.info](RunStore::Impl& s) -> core::Result<void> {
                        Stmt& ins = s.insertMetric;
                        ins.bind(1, run);
                        ins.bind(2, static_cast<std::int64_t>(idx));
                        ins.bind(3, std::string_view(info.name));
                        ins.bind(4, std::string_view(info.unit));
                        ins.bind(5, std::string_view(info.help));
                        ins.bind(6, sim::metricTypeName(info.type));
                        ins.bind(7, sim::metricScopeName(info.scope));
                        const int rc = ins.step();
                        ins.reset();
                        if (rc != SQLITE_DONE) return s.fail(rc);
                        return {};
                    });
            } else {
                idx = it->second;
            }
            L.byPosition[i] = {v.info, idx};
        }
        const bool dist = v.info->type == sim::MetricType::Distribution;
        L.rows.push_back(SampleRow{firstKey(id_) + L.sampleSeq++, t, v.value, v.p50, v.p95, v.p99,
                                   v.count, idx, dist});
    }
    if (!L.rows.empty()) store_->pushRows(L.rows);
}

void RunWriter::trace(sim::SimTime t, std::uint64_t node, std::string_view category,
                      std::string_view text) {
    if (finished_) return;
    store_->push(TraceRow{firstKey(id_) + local_->traceSeq++, t, node, std::string(category),
                          std::string(text)},
                 false);
}

void RunWriter::progress(const RunProgress& progress) {
    if (finished_) return;
    store_->pushProgress(id_, progress);
}

core::Result<void> RunWriter::finish(const RunFinish& outcome) {
    if (finished_) return store_->error("run " + std::to_string(id_) + " was already finished");
    finished_ = true;
    const RunId id = id_;
    auto r = store_->runTask([&](RunStore::Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        RunStatus status = outcome.status;
        if (status == RunStatus::Running || status == RunStatus::Interrupted)
            status = RunStatus::Interrupted;
        Stmt u(db,
               "UPDATE runs SET status = ?, error = ?, finished_at = ?, wall_seconds = ?, events "
               "= ?, simulated_ns = ?, fingerprint = ? WHERE id = ?");
        u.bind(1, runStatusName(status));
        u.bind(2, std::string_view(outcome.error));
        u.bind(3, nowMs());
        u.bind(4, outcome.wallSeconds);
        u.bind(5, static_cast<std::int64_t>(outcome.events));
        u.bind(6, outcome.simulatedTime);
        u.bind(7, std::string_view(outcome.fingerprint));
        u.bind(8, id);
        if (const int rc = u.step(); rc != SQLITE_DONE) return s.fail(rc);
        if (sqlite3_changes(db) == 0) return s.noRun(id);
        if (outcome.layerVersions.is_object() && !outcome.layerVersions.empty()) {
            Stmt l(db, "UPDATE runs SET layer_versions = ? WHERE id = ?");
            l.bind(1, std::string_view(outcome.layerVersions.dump()));
            l.bind(2, id);
            if (const int rc = l.step(); rc != SQLITE_DONE) return s.fail(rc);
        }
        Stmt d(db, "DELETE FROM final_metrics WHERE run_id = ?");
        d.bind(1, id);
        if (const int rc = d.step(); rc != SQLITE_DONE) return s.fail(rc);
        Stmt ins(db,
                 "INSERT INTO final_metrics (run_id, position, name, unit, help, type, scope, "
                 "value, count, mean, stddev, min, max, p50, p95, p99) VALUES (?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        std::int64_t position = 0;
        for (const auto& m : outcome.metrics) {
            ins.bind(1, id);
            ins.bind(2, position++);
            ins.bind(3, std::string_view(m.name));
            ins.bind(4, std::string_view(m.unit));
            ins.bind(5, std::string_view(m.help));
            ins.bind(6, sim::metricTypeName(m.type));
            ins.bind(7, sim::metricScopeName(m.scope));
            ins.bind(8, m.value);
            ins.bind(9, static_cast<std::int64_t>(m.count));
            ins.bind(10, m.mean);
            ins.bind(11, m.stddev);
            ins.bind(12, m.min);
            ins.bind(13, m.max);
            ins.bind(14, m.p50);
            ins.bind(15, m.p95);
            ins.bind(16, m.p99);
            const int rc = ins.step();
            ins.reset();
            if (rc != SQLITE_DONE) return s.fail(rc);
        }
        if (auto written = s.writeTables(id, outcome.tables); !written) return written;
        return s.writeEvents(id, outcome.runEvents);
    });
    if (!r) return r;
    if (std::string e = store_->writeErrorCopy(); !e.empty()) return core::Error{e};
    return {};
}

}  // namespace dais::store
