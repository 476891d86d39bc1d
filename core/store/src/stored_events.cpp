// The structured events kept with a run: written with its finish, one row each in run_events
// (keyed like samples, a run's events together in the order recorded), with how many the run
// kept and let go in run_event_counts and its nodes' names in node_names (shared with its
// tables); read back whole or by node, digest prefix and kind through the table's indexes.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "dais/core/digest.h"
#include "dais/store/run_store.h"
#include "sqlite_util.h"
#include "store_impl.h"

namespace dais::store {

using detail::firstKey;
using detail::lastKey;
using detail::Stmt;

core::Result<void> RunStore::Impl::writeEvents(
    RunId id, const std::shared_ptr<const core::RunEvents>& events) {
    sqlite3* db = writeDb.get();
    for (const char* sql : {"DELETE FROM run_events WHERE id BETWEEN ?2 AND ?3",
                            "DELETE FROM run_event_counts WHERE run_id = ?1"}) {
        Stmt d(db, sql);
        if (!d.ok()) return damagedTables(d);
        d.bind(1, id);
        d.bind(2, firstKey(id));
        d.bind(3, lastKey(id));
        if (const int rc = d.step(); rc != SQLITE_DONE) return fail(rc);
    }
    if (!events || !events->catalog) return {};
    Stmt counts(db,
                "INSERT INTO run_event_counts (run_id, kept, dropped, max) VALUES (?, ?, ?, ?)");
    if (!counts.ok()) return damagedTables(counts);
    counts.bind(1, id);
    counts.bind(2, static_cast<std::int64_t>(events->events.size()));
    counts.bind(3, static_cast<std::int64_t>(events->dropped));
    counts.bind(4, static_cast<std::int64_t>(events->limit));
    if (const int rc = counts.step(); rc != SQLITE_DONE) return fail(rc);
    if (events->nodes) {
        // The run's tables may have stored them already.
        Stmt n(db, "INSERT OR IGNORE INTO node_names (run_id, names) VALUES (?, ?)");
        n.bind(1, id);
        n.bind(2, std::string_view(events->nodes->toJson().dump()));
        if (const int rc = n.step(); rc != SQLITE_DONE) return fail(rc);
    }
    Stmt row(db,
             "INSERT INTO run_events (id, run_id, t, layer, kind, node, digest, detail) VALUES "
             "(?, ?, ?, ?, ?, ?, ?, ?)");
    if (!row.ok()) return damagedTables(row);
    const core::RunEventCatalog& catalog = *events->catalog;
    std::int64_t key = firstKey(id);
    for (const core::RunEvent& e : events->events) {
        if (key > lastKey(id)) return error("run " + std::to_string(id) + ": too many events");
        row.bind(1, key++);
        row.bind(2, id);
        row.bind(3, std::int64_t{e.time});
        row.bindStatic(4, catalog.layerId(e));
        row.bindStatic(5, catalog.kind(e).name);
        if (e.node == core::kNoEventNode)
            row.bindNull(6);
        else
            row.bind(6, std::int64_t{e.node});
        if (e.hasDigest)
            row.bind(7, std::string_view(core::hexText(e.digest)));
        else
            row.bindNull(7);
        row.bindStatic(8, e.detail);
        const int rc = row.step();
        row.reset();
        if (rc != SQLITE_DONE) return fail(rc);
    }
    return {};
}

namespace {

/// The run's node names as stored, or nullopt; an error when they are damaged.
core::Result<std::optional<core::NodeNames>> readNodeNames(const RunStore::Impl& impl, sqlite3* db,
                                                           RunId id) {
    Stmt get(db, "SELECT names FROM node_names WHERE run_id = ?");
    if (!get.ok()) return impl.sqlError(db, get.prepareCode());
    get.bind(1, id);
    const int rc = get.step();
    if (rc == SQLITE_DONE) return std::optional<core::NodeNames>();
    if (rc != SQLITE_ROW) return impl.sqlError(db, rc);
    auto parsed = core::NodeNames::fromJson(nlohmann::json::parse(get.colText(0), nullptr, false));
    if (!parsed)
        return impl.error("run " + std::to_string(id) + " is damaged: " + parsed.error().message);
    return std::optional<core::NodeNames>(std::move(parsed).value());
}

}  // namespace

core::Result<std::vector<StoredEvent>> RunStore::events(RunId id, const EventQuery& q) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<StoredEvent>> {
        auto names = readNodeNames(*impl_, db, id);
        if (!names) return names.error();
        std::string sql =
            "SELECT t, layer, kind, node, digest, detail FROM run_events WHERE run_id = ?1";
        if (q.node) sql += " AND node = ?2";
        std::string prefix = q.digestPrefix;
        std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // Hex digits sort below 'g': the digests that start with the prefix lie in
        // [prefix, prefix + "g").
        if (!prefix.empty()) sql += " AND digest >= ?3 AND digest < ?4";
        if (!q.kinds.empty()) {
            sql += " AND kind IN (";
            for (std::size_t i = 0; i < q.kinds.size(); ++i)
                sql += (i ? ", ?" : "?") + std::to_string(5 + i);
            sql += ")";
        }
        sql += " ORDER BY id";
        if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
        Stmt s(db, sql);
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        if (q.node) s.bind(2, std::int64_t{*q.node});
        const std::string upper = prefix + "g";
        if (!prefix.empty()) {
            s.bindStatic(3, prefix);
            s.bindStatic(4, upper);
        }
        for (std::size_t i = 0; i < q.kinds.size(); ++i)
            s.bindStatic(static_cast<int>(5 + i), q.kinds[i]);
        std::vector<StoredEvent> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            StoredEvent e;
            e.time = s.colInt(0);
            e.layer = s.colText(1);
            e.kind = s.colText(2);
            if (!s.isNull(3)) {
                const std::int64_t node = s.colInt(3);
                if (node < 0 || node > 0xfffffffe)
                    return impl_->error("run " + std::to_string(id) +
                                        " is damaged: an event names node " + std::to_string(node));
                e.node = static_cast<std::uint32_t>(node);
                e.nodeName = *names ? (*names)->name(*e.node) : "#" + std::to_string(*e.node);
            }
            e.digest = s.colText(4);
            e.detail = s.colText(5);
            out.push_back(std::move(e));
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<std::optional<StoredEventCounts>> RunStore::eventCounts(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::optional<StoredEventCounts>> {
        Stmt s(db, "SELECT kept, dropped, max FROM run_event_counts WHERE run_id = ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        const int rc = s.step();
        if (rc == SQLITE_DONE) return std::optional<StoredEventCounts>();
        if (rc != SQLITE_ROW) return impl_->sqlError(db, rc);
        StoredEventCounts c;
        c.kept = static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.colInt(0)));
        c.dropped = static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.colInt(1)));
        c.limit = static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.colInt(2)));
        return std::optional<StoredEventCounts>(c);
    });
}

core::Result<std::vector<std::string>> RunStore::eventKinds(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<std::string>> {
        Stmt s(db, "SELECT kind FROM run_events WHERE run_id = ? GROUP BY kind ORDER BY min(id)");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<std::string> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(s.colText(0));
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<std::optional<core::NodeNames>> RunStore::nodeNames(RunId id) const {
    return impl_->read([&](sqlite3* db) { return readNodeNames(*impl_, db, id); });
}

}  // namespace dais::store
