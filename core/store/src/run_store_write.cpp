// Writing to a run store: scenarios, sweeps, runs begun, annotated and deleted, and flushes.
#include "dais/store/run_store.h"

#include <unistd.h>
#include <string>

#include "run_process.h"
#include "sqlite_util.h"
#include "store_impl.h"

namespace dais::store {

using detail::firstKey;
using detail::kMaxRunId;
using detail::lastKey;
using detail::nowMs;
using detail::processAlive;
using detail::processStart;
using detail::Stmt;
using detail::thisHost;

core::Result<std::string> RunStore::putScenario(std::string_view name,
                                                std::string_view documentText) {
    std::string hash = scenarioHash(documentText);
    auto r = impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt ins(db,
                 "INSERT OR IGNORE INTO scenarios (hash, name, document, created_at) VALUES (?, ?, "
                 "?, ?)");
        ins.bind(1, std::string_view(hash));
        ins.bind(2, name);
        ins.bind(3, documentText);
        ins.bind(4, nowMs());
        if (const int rc = ins.step(); rc != SQLITE_DONE) return s.fail(rc);
        if (sqlite3_changes(db) > 0) return {};
        Stmt get(db, "SELECT document FROM scenarios WHERE hash = ?");
        get.bind(1, std::string_view(hash));
        if (const int rc = get.step(); rc != SQLITE_ROW) return s.fail(rc);
        if (get.colText(0) != documentText)
            return s.error("two different scenario documents share the hash " + hash);
        return {};
    });
    if (!r) return r.error();
    return hash;
}

core::Result<SweepId> RunStore::createSweep(const SweepStart& sweep) {
    SweepId id = 0;
    auto r = impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt ins(db,
                 "INSERT INTO sweeps (scenario_hash, experiment, description, created_at) VALUES "
                 "(?, ?, ?, ?)");
        ins.bind(1, std::string_view(sweep.scenarioHash));
        ins.bind(2, std::string_view(sweep.experiment));
        ins.bind(3, std::string_view(sweep.description.dump()));
        ins.bind(4, nowMs());
        if (const int rc = ins.step(); rc != SQLITE_DONE) return s.fail(rc);
        id = sqlite3_last_insert_rowid(db);
        return {};
    });
    if (!r) return r.error();
    return id;
}

core::Result<std::unique_ptr<RunWriter>> RunStore::beginRun(const RunStart& run) {
    RunId id = 0;
    auto r = impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt known(db, "SELECT 1 FROM scenarios WHERE hash = ?");
        known.bind(1, std::string_view(run.scenarioHash));
        int rc = known.step();
        if (rc == SQLITE_DONE)
            return s.error("no scenario with hash \"" + run.scenarioHash +
                           "\" (store the scenario before its runs)");
        if (rc != SQLITE_ROW) return s.fail(rc);
        const std::int64_t pid = run.pid != 0 ? run.pid : static_cast<std::int64_t>(::getpid());
        Stmt ins(db,
                 "INSERT INTO runs (scenario_hash, scenario_name, seed, parameters, "
                 "layer_versions, host, pid, pid_start, status, started_at, sweep_id, "
                 "point_index, replicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)");
        ins.bind(1, std::string_view(run.scenarioHash));
        ins.bind(2, std::string_view(run.scenarioName));
        ins.bind(3, static_cast<std::int64_t>(run.seed));
        ins.bind(4, std::string_view(run.parameters.is_object() ? run.parameters.dump() : "{}"));
        ins.bind(5,
                 std::string_view(run.layerVersions.is_object() ? run.layerVersions.dump() : "{}"));
        ins.bind(6, std::string_view(run.host.empty() ? thisHost() : run.host));
        ins.bind(7, pid);
        ins.bind(8, processStart(pid));
        ins.bind(9, nowMs());
        if (run.sweep)
            ins.bind(10, *run.sweep);
        else
            ins.bindNull(10);
        ins.bind(11, run.pointIndex);
        ins.bind(12, run.replicate);
        if (rc = ins.step(); rc != SQLITE_DONE) return s.fail(rc);
        id = sqlite3_last_insert_rowid(db);
        if (id > kMaxRunId) {
            s.txError = "run ids are exhausted";
            return s.error("run ids are exhausted");
        }
        return {};
    });
    if (!r) return r.error();
    return std::unique_ptr<RunWriter>(new RunWriter(impl_, id));
}

core::Result<void> RunStore::annotate(RunId run, std::string_view text) {
    return impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt known(db, "SELECT 1 FROM runs WHERE id = ?");
        known.bind(1, run);
        const int rc = known.step();
        if (rc == SQLITE_DONE) return s.noRun(run);
        if (rc != SQLITE_ROW) return s.fail(rc);
        Stmt ins(db, "INSERT INTO annotations (run_id, created_at, text) VALUES (?, ?, ?)");
        ins.bind(1, run);
        ins.bind(2, nowMs());
        ins.bind(3, text);
        if (const int r = ins.step(); r != SQLITE_DONE) return s.fail(r);
        return {};
    });
}

core::Result<void> RunStore::deleteRun(RunId run) {
    return impl_->runTask([&](Impl& s) -> core::Result<void> {
        sqlite3* db = s.writeDb.get();
        Stmt get(db, "SELECT scenario_hash, status, host, pid, pid_start FROM runs WHERE id = ?");
        get.bind(1, run);
        int rc = get.step();
        if (rc == SQLITE_DONE) return s.noRun(run);
        if (rc != SQLITE_ROW) return s.fail(rc);
        const std::string hash = get.colText(0);
        if (get.colText(1) == "running" &&
            (get.colText(2) != thisHost() || processAlive(get.colInt(3), get.colInt(4))))
            return s.error("run " + std::to_string(run) + " is still running (process " +
                           std::to_string(get.colInt(3)) + " on " + get.colText(2) + ")");
        const std::pair<const char*, bool> steps[] = {
            {"DELETE FROM samples WHERE id BETWEEN ?1 AND ?2", true},
            {"DELETE FROM trace WHERE id BETWEEN ?1 AND ?2", true},
            {"DELETE FROM inspector_rows WHERE id BETWEEN ?1 AND ?2", true},
            {"DELETE FROM run_events WHERE id BETWEEN ?1 AND ?2", true},
            {"DELETE FROM run_event_counts WHERE run_id = ?3", false},
            {"DELETE FROM inspector_tables WHERE run_id = ?3", false},
            {"DELETE FROM node_names WHERE run_id = ?3", false},
            {"DELETE FROM metrics WHERE run_id = ?3", false},
            {"DELETE FROM final_metrics WHERE run_id = ?3", false},
            {"DELETE FROM annotations WHERE run_id = ?3", false},
            {"DELETE FROM runs WHERE id = ?3", false},
        };
        for (const auto& [sql, ranged] : steps) {
            Stmt d(db, sql);
            if (!d.ok()) return s.fail(d.prepareCode());
            if (ranged) {
                d.bind(1, firstKey(run));
                d.bind(2, lastKey(run));
            } else {
                d.bind(3, run);
            }
            if (rc = d.step(); rc != SQLITE_DONE) return s.fail(rc);
        }
        Stmt orphan(db,
                    "DELETE FROM scenarios WHERE hash = ?1 AND NOT EXISTS (SELECT 1 FROM runs "
                    "WHERE scenario_hash = ?1)");
        orphan.bind(1, std::string_view(hash));
        if (rc = orphan.step(); rc != SQLITE_DONE) return s.fail(rc);
        return {};
    });
}

core::Result<void> RunStore::flush() {
    auto r = impl_->runTask([](Impl&) -> core::Result<void> { return {}; });
    if (!r) return r;
    if (std::string e = impl_->writeErrorCopy(); !e.empty()) return core::Error{e};
    return {};
}

}  // namespace dais::store
