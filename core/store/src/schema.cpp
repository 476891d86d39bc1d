// The run store's schema as a list of steps; see schema.h and core/store/README.md.
#include "dais/store/schema.h"

#include <filesystem>
#include <system_error>

#include "schema_apply.h"
#include "sqlite_util.h"

namespace dais::store {
namespace {

// Step k takes a store from version k-1 to version k. Steps are never edited once released:
// a change is a new step. Sample and trace rows are keyed by (run id << 36) + sequence, so a
// run's rows sit together in the table's own b-tree without a secondary index.
constexpr std::string_view kSteps[] = {
    // 1: scenarios, runs, per-run metric definitions, samples, final metrics.
    R"sql(
PRAGMA application_id = 1145129299;  -- 0x44414953, "DAIS"
CREATE TABLE scenarios (
    hash       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario_hash  TEXT NOT NULL,
    scenario_name  TEXT NOT NULL,
    seed           INTEGER NOT NULL,
    parameters     TEXT NOT NULL,
    layer_versions TEXT NOT NULL,
    host           TEXT NOT NULL,
    pid            INTEGER NOT NULL,
    pid_start      INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN
                       ('running', 'completed', 'failed', 'stopped', 'interrupted')),
    error          TEXT NOT NULL DEFAULT '',
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    wall_seconds   REAL NOT NULL DEFAULT 0,
    events         INTEGER NOT NULL DEFAULT 0,
    simulated_ns   INTEGER NOT NULL DEFAULT 0,
    fingerprint    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_scenario ON runs (scenario_hash);
CREATE INDEX runs_by_status ON runs (status);
CREATE TABLE metrics (
    run_id INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    name   TEXT NOT NULL,
    unit   TEXT NOT NULL,
    help   TEXT NOT NULL,
    type   TEXT NOT NULL,
    scope  TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
CREATE TABLE samples (
    id     INTEGER PRIMARY KEY,
    metric INTEGER NOT NULL,
    t      INTEGER NOT NULL,
    value  REAL,
    count  INTEGER,
    p50    REAL,
    p95    REAL,
    p99    REAL
);
CREATE TABLE final_metrics (
    run_id   INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    unit     TEXT NOT NULL,
    help     TEXT NOT NULL,
    type     TEXT NOT NULL,
    scope    TEXT NOT NULL,
    value    REAL,
    count    INTEGER NOT NULL,
    mean     REAL,
    stddev   REAL,
    min      REAL,
    max      REAL,
    p50      REAL,
    p95      REAL,
    p99      REAL,
    PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
)sql",
    // 2: trace records.
    R"sql(
CREATE TABLE trace (
    id       INTEGER PRIMARY KEY,
    t        INTEGER NOT NULL,
    node     INTEGER NOT NULL,
    category TEXT NOT NULL,
    text     TEXT NOT NULL
);
)sql",
    // 3: sweeps (and a run's place in one), annotations.
    R"sql(
CREATE TABLE sweeps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario_hash TEXT NOT NULL,
    experiment    TEXT NOT NULL,
    description   TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps (id);
ALTER TABLE runs ADD COLUMN point_index INTEGER NOT NULL DEFAULT -1;
ALTER TABLE runs ADD COLUMN replicate INTEGER NOT NULL DEFAULT -1;
CREATE INDEX runs_by_sweep ON runs (sweep_id, point_index, replicate);
CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX annotations_by_run ON annotations (run_id);
)sql",
    // 4: the tables of the run's layers as the run ended (inspectors), their rows (keyed like
    // samples: a run's rows together), and the names of the run's nodes that Node cells show.
    R"sql(
CREATE TABLE inspector_tables (
    run_id    INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    spec      TEXT NOT NULL,
    filled_at INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
CREATE TABLE inspector_rows (
    id       INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    cells    TEXT NOT NULL
);
CREATE TABLE node_names (
    run_id INTEGER PRIMARY KEY,
    names  TEXT NOT NULL
);
)sql",
    // 5: the structured events the run's layers recorded (keyed like samples: a run's events
    // together, in the order recorded), found by node or by digest through their indexes, and
    // how many a run kept and let go.
    R"sql(
CREATE TABLE run_events (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    t      INTEGER NOT NULL,
    layer  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    node   INTEGER,
    digest TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX run_events_by_node ON run_events (run_id, node);
CREATE INDEX run_events_by_digest ON run_events (run_id, digest);
CREATE TABLE run_event_counts (
    run_id  INTEGER PRIMARY KEY,
    kept    INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    max     INTEGER NOT NULL
);
)sql",
};

}  // namespace

int currentSchemaVersion() {
    return static_cast<int>(std::size(kSteps));
}

std::string_view schemaStep(int version) {
    if (version < 1 || version > currentSchemaVersion()) return {};
    return kSteps[version - 1];
}

namespace detail {

core::Result<void> execSql(sqlite3* db, std::string_view sql) {
    char* msg = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &msg);
    core::Result<void> result;
    if (rc != SQLITE_OK) result = core::Error{msg ? msg : sqlite3_errstr(rc)};
    sqlite3_free(msg);
    return result;
}

int userVersion(sqlite3* db, int& version) {
    Stmt s(db, "PRAGMA user_version");
    if (!s.ok()) return s.prepareCode();
    const int rc = s.step();
    if (rc != SQLITE_ROW) return rc;
    version = static_cast<int>(s.colInt(0));
    return SQLITE_OK;
}

core::Result<void> applyStepInTransaction(sqlite3* db, int version) {
    int now = 0;
    if (const int rc = userVersion(db, now); rc != SQLITE_OK)
        return core::Error{sqliteMessage(db, rc)};
    if (now >= version) return {};
    if (auto applied = execSql(db, schemaStep(version)); !applied) return applied;
    return execSql(db, "PRAGMA user_version = " + std::to_string(version));
}

core::Result<void> applyStep(sqlite3* db, int version) {
    if (auto begun = execSql(db, "BEGIN IMMEDIATE"); !begun) return begun;
    core::Result<void> applied = applyStepInTransaction(db, version);
    if (applied) applied = execSql(db, "COMMIT");
    if (!applied) (void)execSql(db, "ROLLBACK");
    return applied;
}

}  // namespace detail

core::Result<void> createStoreAtVersion(const std::string& path, int version) {
    if (version < 1 || version > currentSchemaVersion())
        return core::Error{path + ": no schema version " + std::to_string(version) +
                           " (this build knows 1 to " + std::to_string(currentSchemaVersion()) +
                           ")"};
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return core::Error{path + ": already exists; a store is only created as a new file"};
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    detail::DbPtr db(raw);
    if (rc != SQLITE_OK) return core::Error{path + ": " + detail::sqliteMessage(raw, rc)};
    core::Result<void> made = detail::execSql(db.get(), "PRAGMA journal_mode = WAL");
    for (int v = 1; made && v <= version; ++v)
        made = detail::applyStep(db.get(), v);
    if (!made) return core::Error{path + ": " + made.error().message};
    return {};
}

}  // namespace dais::store
