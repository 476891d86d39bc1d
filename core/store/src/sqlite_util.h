#pragma once
// Small RAII helpers over SQLite's C API, private to the run store.

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace dais::store::detail {

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

/// SQLite's message for the connection's last error, or for `rc` when there is no connection.
inline std::string sqliteMessage(sqlite3* db, int rc) {
    if (db != nullptr && sqlite3_errcode(db) == rc) return sqlite3_errmsg(db);
    return sqlite3_errstr(rc);
}

/// True for the result codes that mean the file's bytes are not a usable database.
inline bool isDamage(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

/// A prepared statement. bind*() take 1-based indexes, col*() 0-based, as SQLite does.
class Stmt {
  public:
    Stmt() = default;
    Stmt(sqlite3* db, std::string_view sql) {
        rc_ = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                 SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
        if (rc_ != SQLITE_OK) error_ = sqliteMessage(db, rc_);
    }
    ~Stmt() { sqlite3_finalize(stmt_); }
    Stmt(Stmt&& o) noexcept
        : stmt_(std::exchange(o.stmt_, nullptr)), rc_(o.rc_), error_(std::move(o.error_)) {}
    Stmt& operator=(Stmt&& o) noexcept {
        if (this != &o) {
            sqlite3_finalize(stmt_);
            stmt_ = std::exchange(o.stmt_, nullptr);
            rc_ = o.rc_;
            error_ = std::move(o.error_);
        }
        return *this;
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    bool ok() const { return stmt_ != nullptr && rc_ == SQLITE_OK; }
    int prepareCode() const { return rc_; }
    /// SQLite's message when the statement could not be prepared.
    const std::string& prepareError() const { return error_; }

    void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    void bind(int i, double v) {
        // SQLite stores NaN as NULL; columns that may hold NaN are nullable and read back NaN.
        sqlite3_bind_double(stmt_, i, v);
    }
    void bind(int i, std::string_view v) {
        sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void bindStatic(int i, std::string_view v) {
        sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    }
    void bindNull(int i) { sqlite3_bind_null(stmt_, i); }

    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(stmt_); }
    /// Ready to run again; every caller binds every parameter before each step.
    void reset() { sqlite3_reset(stmt_); }

    bool isNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
    std::int64_t colInt(int c) const { return sqlite3_column_int64(stmt_, c); }
    double colDouble(int c) const {
        return isNull(c) ? std::numeric_limits<double>::quiet_NaN()
                         : sqlite3_column_double(stmt_, c);
    }
    std::string colText(int c) const {
        const auto* p = sqlite3_column_text(stmt_, c);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
                 : std::string();
    }

  private:
    sqlite3_stmt* stmt_ = nullptr;
    int rc_ = SQLITE_MISUSE;
    std::string error_;
};

}  // namespace dais::store::detail
