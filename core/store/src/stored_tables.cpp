// The layers' tables kept with a run: written with its finish, read whole. A table is one row of
// inspector_tables (its spec as JSON, the time it shows, its row count) and its rows in
// inspector_rows, each a JSON array of its cells (keyed like samples, a run's rows together);
// the names of the run's nodes are kept once per run in node_names.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "dais/store/run_store.h"
#include "sqlite_util.h"
#include "store_impl.h"

namespace dais::store {

using detail::firstKey;
using detail::lastKey;
using detail::Stmt;

namespace {

void appendInt(std::string& out, std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// One row's cells as a JSON array: integers as they are (Time in nanoseconds, Bytes
/// unsigned, Flag 0 or 1), reals with every digit (NaN and infinities as null), texts as JSON
/// strings, empty cells as null.
void rowText(const core::InspectorTable& t, std::size_t row, std::string& out) {
    out.clear();
    out += '[';
    for (std::size_t c = 0; c < t.columnCount(); ++c) {
        if (c > 0) out += ',';
        if (t.isEmpty(row, c)) {
            out += "null";
            continue;
        }
        switch (t.spec().columns[c].type) {
            case core::ColumnType::Real: {
                const double v = t.number(row, c);
                if (!std::isfinite(v)) {
                    out += "null";
                } else {
                    char buf[32];
                    std::snprintf(buf, sizeof buf, "%.17g", v);
                    out += buf;
                }
                break;
            }
            case core::ColumnType::Text:
                out += nlohmann::json(t.string(row, c)).dump();
                break;
            case core::ColumnType::Bytes:
                out += std::to_string(static_cast<std::uint64_t>(t.integer(row, c)));
                break;
            default:
                appendInt(out, t.integer(row, c));
                break;
        }
    }
    out += ']';
}

/// Appends one stored cell to a row, as its column's type says; false when the stored value
/// cannot be one.
bool appendCell(core::TableWriter::Row& row, core::ColumnType type, const nlohmann::json& v) {
    if (v.is_null()) {
        row.none();
        return true;
    }
    switch (type) {
        case core::ColumnType::Integer:
            if (!v.is_number_integer()) return false;
            row.integer(v.get<std::int64_t>());
            return true;
        case core::ColumnType::Real:
            if (!v.is_number()) return false;
            row.real(v.get<double>());
            return true;
        case core::ColumnType::Text:
            if (!v.is_string()) return false;
            row.text(v.get_ref<const std::string&>());
            return true;
        case core::ColumnType::Node:
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > UINT32_MAX) return false;
            row.node(static_cast<std::uint32_t>(v.get<std::uint64_t>()));
            return true;
        case core::ColumnType::Time:
            if (!v.is_number_integer()) return false;
            row.time(v.get<std::int64_t>());
            return true;
        case core::ColumnType::Bytes:
            if (!v.is_number_unsigned()) return false;
            row.bytes(v.get<std::uint64_t>());
            return true;
        case core::ColumnType::Flag:
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 1) return false;
            row.flag(v.get<std::uint64_t>() == 1);
            return true;
    }
    return false;
}

}  // namespace

core::Result<void> RunStore::Impl::writeTables(
    RunId id, const std::vector<std::shared_ptr<const core::InspectorTable>>& tables) {
    sqlite3* db = writeDb.get();
    for (const char* sql : {"DELETE FROM inspector_tables WHERE run_id = ?1",
                            "DELETE FROM node_names WHERE run_id = ?1",
                            "DELETE FROM inspector_rows WHERE id BETWEEN ?2 AND ?3"}) {
        Stmt d(db, sql);
        if (!d.ok()) return fail(d.prepareCode());
        d.bind(1, id);
        d.bind(2, firstKey(id));
        d.bind(3, lastKey(id));
        if (const int rc = d.step(); rc != SQLITE_DONE) return fail(rc);
    }
    if (tables.empty()) return {};
    Stmt head(db,
              "INSERT INTO inspector_tables (run_id, position, name, spec, filled_at, row_count) "
              "VALUES (?, ?, ?, ?, ?, ?)");
    Stmt row(db, "INSERT INTO inspector_rows (id, position, cells) VALUES (?, ?, ?)");
    if (!head.ok()) return fail(head.prepareCode());
    if (!row.ok()) return fail(row.prepareCode());
    const core::NodeNames* names = nullptr;
    std::int64_t key = firstKey(id);
    std::string cells;
    std::int64_t position = 0;
    for (const auto& t : tables) {
        if (!t) continue;
        if (!names && t->nodeNames()) names = t->nodeNames().get();
        head.bind(1, id);
        head.bind(2, position);
        head.bind(3, std::string_view(t->name()));
        head.bind(4, std::string_view(core::tableSpecJson(t->spec()).dump()));
        head.bind(5, std::int64_t{t->filledAt()});
        head.bind(6, static_cast<std::int64_t>(t->rowCount()));
        int rc = head.step();
        head.reset();
        if (rc != SQLITE_DONE) return fail(rc);
        for (std::size_t r = 0; r < t->rowCount(); ++r) {
            if (key > lastKey(id)) return error("run " + std::to_string(id) + ": too many rows");
            rowText(*t, r, cells);
            row.bind(1, key++);
            row.bind(2, position);
            row.bindStatic(3, cells);
            rc = row.step();
            row.reset();
            if (rc != SQLITE_DONE) return fail(rc);
        }
        ++position;
    }
    if (names) {
        Stmt n(db, "INSERT INTO node_names (run_id, names) VALUES (?, ?)");
        n.bind(1, id);
        n.bind(2, std::string_view(names->toJson().dump()));
        if (const int rc = n.step(); rc != SQLITE_DONE) return fail(rc);
    }
    return {};
}

core::Result<std::vector<StoredTable>> RunStore::tables(RunId id) const {
    return impl_->read([&](sqlite3* db) -> core::Result<std::vector<StoredTable>> {
        Stmt s(db,
               "SELECT name, spec, filled_at, row_count FROM inspector_tables WHERE run_id = ? "
               "ORDER BY position");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        std::vector<StoredTable> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            StoredTable t;
            t.name = s.colText(0);
            const auto spec = nlohmann::json::parse(s.colText(1), nullptr, false);
            if (spec.is_object() && spec.contains("title") && spec["title"].is_string())
                t.title = spec["title"].get<std::string>();
            t.filledAt = s.colInt(2);
            t.rows = static_cast<std::size_t>(std::max<std::int64_t>(0, s.colInt(3)));
            out.push_back(std::move(t));
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        return out;
    });
}

core::Result<core::InspectorTable> RunStore::table(RunId id, std::string_view name) const {
    return impl_->read([&](sqlite3* db) -> core::Result<core::InspectorTable> {
        const std::string which =
            "run " + std::to_string(id) + ", table \"" + std::string(name) + "\"";
        auto damaged = [&](const std::string& why) {
            return impl_->error(which + " is damaged: " + why);
        };
        Stmt s(db,
               "SELECT position, spec, filled_at, row_count FROM inspector_tables WHERE run_id = "
               "? AND name = ?");
        if (!s.ok()) return impl_->sqlError(db, s.prepareCode());
        s.bind(1, id);
        s.bind(2, name);
        int rc = s.step();
        if (rc == SQLITE_DONE) {
            std::string have;
            Stmt all(db, "SELECT name FROM inspector_tables WHERE run_id = ? ORDER BY position");
            all.bind(1, id);
            while (all.step() == SQLITE_ROW)
                have += (have.empty() ? "" : ", ") + all.colText(0);
            return impl_->error("run " + std::to_string(id) + " has no table \"" +
                                std::string(name) + "\" (" +
                                (have.empty() ? "it has none" : "it has: " + have) + ")");
        }
        if (rc != SQLITE_ROW) return impl_->sqlError(db, rc);
        const std::int64_t position = s.colInt(0);
        const auto specJson = nlohmann::json::parse(s.colText(1), nullptr, false);
        auto spec = core::tableSpecFromJson(specJson);
        if (!spec) return damaged(spec.error().message);
        const sim::SimTime filledAt = s.colInt(2);
        const std::int64_t rowCount = s.colInt(3);

        std::shared_ptr<const core::NodeNames> names;
        if (spec->nodeColumn()) {
            Stmt get(db, "SELECT names FROM node_names WHERE run_id = ?");
            get.bind(1, id);
            if (rc = get.step(); rc == SQLITE_ROW) {
                auto parsed = core::NodeNames::fromJson(
                    nlohmann::json::parse(get.colText(0), nullptr, false));
                if (!parsed) return damaged(parsed.error().message);
                names = std::make_shared<const core::NodeNames>(std::move(parsed).value());
            } else if (rc != SQLITE_DONE) {
                return impl_->sqlError(db, rc);
            }
        }
        core::InspectorTable table(std::make_shared<const core::TableSpec>(std::move(*spec)),
                                   filledAt, std::move(names));
        const core::TableSpec& ts = table.spec();
        core::TableWriter writer(table);
        if (rowCount > 0) writer.reserve(static_cast<std::size_t>(rowCount));
        Stmt rows(db,
                  "SELECT cells FROM inspector_rows WHERE id BETWEEN ? AND ? AND position = ? "
                  "ORDER BY id");
        if (!rows.ok()) return impl_->sqlError(db, rows.prepareCode());
        rows.bind(1, firstKey(id));
        rows.bind(2, lastKey(id));
        rows.bind(3, position);
        std::int64_t n = 0;
        try {
            while ((rc = rows.step()) == SQLITE_ROW) {
                ++n;
                const std::string at = "row " + std::to_string(n);
                const auto cells = nlohmann::json::parse(rows.colText(0), nullptr, false);
                if (!cells.is_array()) return damaged(at + " is not a list of cells");
                if (cells.size() != ts.columns.size())
                    return damaged(at + " has " + std::to_string(cells.size()) + " cells for " +
                                   std::to_string(ts.columns.size()) + " columns");
                core::TableWriter::Row row = writer.row();
                for (std::size_t c = 0; c < cells.size(); ++c)
                    if (!appendCell(row, ts.columns[c].type, cells[c]))
                        return damaged(at + ", column \"" + ts.columns[c].name +
                                       "\": " + cells[c].dump() + " is not a valid " +
                                       std::string(core::columnTypeName(ts.columns[c].type)) +
                                       " cell");
            }
        } catch (const core::LayerError& e) {
            return damaged(e.what());  // an empty key cell
        }
        if (rc != SQLITE_DONE) return impl_->sqlError(db, rc);
        if (n != rowCount)
            return damaged("it has " + std::to_string(n) + " rows of the " +
                           std::to_string(rowCount) + " it was stored with");
        return table;
    });
}

}  // namespace dais::store
