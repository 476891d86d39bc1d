// Opening a run store: the checks, the connections, the schema brought up to date, and the
// runs of ended processes marked interrupted.
#include "dais/store/run_store.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dais/store/schema.h"
#include "run_process.h"
#include "schema_apply.h"
#include "sqlite_util.h"
#include "store_file_checks.h"
#include "store_impl.h"

namespace dais::store {

using detail::checkFolderForWriting;
using detail::DbPtr;
using detail::FileState;
using detail::folderOf;
using detail::folderWritable;
using detail::inspectDatabase;
using detail::inspectPath;
using detail::openReadOnly;
using detail::prepareFolder;
using detail::processAlive;
using detail::readBriefly;
using detail::Stmt;
using detail::thisHost;
using detail::walWithoutLog;

RunStore::RunStore(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::~RunStore() = default;

const std::string& RunStore::path() const {
    return impl_->path;
}
bool RunStore::readOnly() const {
    return impl_->readOnly;
}
std::size_t RunStore::interruptedAtOpen() const {
    return impl_->interrupted;
}

core::Result<void> RunStore::Impl::markInterrupted() {
    std::vector<std::pair<RunId, std::string>> dead;
    {
        Stmt s(writeDb.get(),
               "SELECT id, pid, pid_start FROM runs WHERE status = 'running' AND host = ?");
        if (!s.ok()) return damagedTables(s);
        s.bind(1, std::string_view(thisHost()));
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            if (!processAlive(s.colInt(1), s.colInt(2)))
                dead.emplace_back(s.colInt(0), "process " + std::to_string(s.colInt(1)) + " on " +
                                                   thisHost() + " ended before the run finished");
        if (rc != SQLITE_DONE) return sqlError(writeDb.get(), rc);
    }
    if (dead.empty()) return {};
    Stmt u(writeDb.get(),
           "UPDATE runs SET status = 'interrupted', error = ? WHERE id = ? AND status = "
           "'running'");
    if (!u.ok()) return damagedTables(u);
    for (const auto& [id, why] : dead) {
        u.bind(1, std::string_view(why));
        u.bind(2, id);
        const int rc = u.step();
        u.reset();
        if (rc != SQLITE_DONE) return sqlError(writeDb.get(), rc);
        interrupted += static_cast<std::size_t>(sqlite3_changes(writeDb.get()));
    }
    return {};
}

core::Result<void> RunStore::Impl::openForReading(const FileState& state) {
    if (state.version >= currentSchemaVersion()) {
        // A lasting connection must see what other processes commit, so it reads the file as
        // SQLite readers do, with the -wal and -shm beside it. When there are none and the
        // folder cannot take them (a read-only folder), no process can be writing to the file:
        // it is read as it is.
        const bool immutable = walWithoutLog(path) && !folderWritable(folderOf(path));
        const int rc = openReadOnly(path, immutable, readDb);
        if (rc != SQLITE_OK) return sqlError(readDb.get(), rc);
        return {};
    }
    // An older store is read through a copy in memory brought up to date; the file itself is
    // left as it is.
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr mem(raw);
    if (rc != SQLITE_OK) return sqlError(raw, rc);
    auto copied = readBriefly(path, [&](bool immutable) -> core::Result<void> {
        DbPtr file;
        if (const int opened = openReadOnly(path, immutable, file); opened != SQLITE_OK)
            return sqlError(file.get(), opened);
        sqlite3_backup* b = sqlite3_backup_init(mem.get(), "main", file.get(), "main");
        if (b == nullptr) return sqlError(mem.get(), sqlite3_errcode(mem.get()));
        const int stepped = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (stepped != SQLITE_DONE) return sqlError(file.get(), stepped);
        return {};
    });
    if (!copied) return copied;
    for (int v = state.version + 1; v <= currentSchemaVersion(); ++v)
        if (auto applied = detail::applyStep(mem.get(), v); !applied)
            return error("cannot read this older store (" + applied.error().message + ")");
    readDb = std::move(mem);
    return {};
}

core::Result<void> RunStore::Impl::openForWriting(bool exists) {
    sqlite3* raw = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (exists ? 0 : SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    writeDb.reset(raw);
    if (rc != SQLITE_OK) return sqlError(raw, rc);
    sqlite3_busy_timeout(raw, 10'000);
    if (auto logged = useWriteAheadLog(); !logged) return logged;
    // Everything opening writes (the schema's missing steps, the runs of ended processes marked
    // interrupted) is one transaction, and the writer's statements are prepared inside it before
    // it commits: a file refused on the way is left as it was found.
    if (auto begun = detail::execSql(raw, "BEGIN IMMEDIATE"); !begun)
        return error(begun.error().message);
    auto prepared = [&]() -> core::Result<void> {
        if (auto schema = upgradeSchema(); !schema) return schema;
        insertSample = Stmt(raw,
                            "INSERT INTO samples (id, metric, t, value, count, p50, p95, p99) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insertTrace =
            Stmt(raw, "INSERT INTO trace (id, t, node, category, text) VALUES (?, ?, ?, ?, ?)");
        insertMetric = Stmt(raw,
                            "INSERT OR REPLACE INTO metrics (run_id, idx, name, unit, help, "
                            "type, scope) VALUES (?, ?, ?, ?, ?, ?, ?)");
        // A running run's progress: its figures until it finishes (never after).
        updateProgress = Stmt(raw,
                              "UPDATE runs SET events = ?, simulated_ns = ?, wall_seconds = ? "
                              "WHERE id = ? AND status = 'running'");
        for (const Stmt* s : {&insertSample, &insertTrace, &insertMetric, &updateProgress})
            if (!s->ok()) return damagedTables(*s);
        if (auto marked = markInterrupted(); !marked) return marked;
        if (auto committed = detail::execSql(raw, "COMMIT"); !committed)
            return sqlError(raw, sqlite3_errcode(raw));
        return {};
    }();
    if (!prepared) {
        if (sqlite3_get_autocommit(raw) == 0) (void)detail::execSql(raw, "ROLLBACK");
        interrupted = 0;
        return prepared;
    }
    rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    readDb.reset(raw);
    if (rc != SQLITE_OK) return sqlError(raw, rc);
    sqlite3_busy_timeout(raw, 10'000);
    return {};
}

core::Result<void> RunStore::Impl::useWriteAheadLog() {
    sqlite3* db = writeDb.get();
    {
        Stmt mode(db, "PRAGMA journal_mode = WAL");
        const int rc = mode.ok() ? mode.step() : mode.prepareCode();
        if (rc != SQLITE_ROW) return sqlError(db, rc);
        if (mode.colText(0) != "wal")
            return error("cannot switch the store to write-ahead logging (journal mode " +
                         mode.colText(0) + ")");
    }
    if (auto synced = detail::execSql(db, "PRAGMA synchronous = NORMAL"); !synced)
        return error(synced.error().message);
    return {};
}

core::Result<void> RunStore::Impl::upgradeSchema() {
    sqlite3* db = writeDb.get();
    int version = 0;
    if (const int rc = detail::userVersion(db, version); rc != SQLITE_OK) return sqlError(db, rc);
    if (version > currentSchemaVersion())  // another process got there first
        return error("written by a newer DAIS: schema " + std::to_string(version) +
                     ", this build reads up to " + std::to_string(currentSchemaVersion()));
    for (int v = version + 1; v <= currentSchemaVersion(); ++v)
        if (auto applied = detail::applyStepInTransaction(db, v); !applied)
            return error("cannot upgrade the store to schema " + std::to_string(v) + " (" +
                         applied.error().message + ")");
    return {};
}

core::Result<std::unique_ptr<RunStore>> RunStore::open(const std::string& path,
                                                       const StoreOptions& options) {
    if (path.empty()) return core::Error{"the run store's path is empty"};
    const bool readOnly = options.mode == StoreOptions::Mode::ReadOnly;
    auto header = inspectPath(path, readOnly);
    if (!header) return header.error();
    if (!header->exists) {
        if (readOnly) return core::Error{path + ": no such file (no run has been stored there)"};
        if (auto folder = prepareFolder(path, options); !folder) return folder.error();
    }
    FileState state;
    state.blank = true;
    if (header->exists && header->size > 0) {
        auto inspected = readBriefly(path, [&](bool immutable) {
            return inspectDatabase(path, immutable, readOnly, header->size, options.fullCheckLimit);
        });
        if (!inspected) return inspected.error();
        state = *inspected;
    }
    if (header->exists && !readOnly)
        if (auto folder = checkFolderForWriting(path); !folder) return folder.error();

    auto impl = std::make_shared<Impl>();
    impl->path = path;
    impl->options = options;
    impl->readOnly = readOnly;
    if (impl->options.commitRows == 0) impl->options.commitRows = 1;
    if (impl->options.maxQueuedRows < impl->options.commitRows)
        impl->options.maxQueuedRows = impl->options.commitRows;
    if (readOnly) {
        if (auto opened = impl->openForReading(state); !opened) return opened.error();
        return std::unique_ptr<RunStore>(new RunStore(std::move(impl)));
    }
    // Read-write: the writer's connection, the schema, the interrupted runs, the reader.
    if (auto opened = impl->openForWriting(header->exists); !opened) return opened.error();
    Impl* self = impl.get();
    impl->thread = std::thread([self] { self->writerLoop(); });
    return std::unique_ptr<RunStore>(new RunStore(std::move(impl)));
}

}  // namespace dais::store
