#pragma once
// Applying schema steps, shared by createStoreAtVersion() and RunStore::open().

#include <sqlite3.h>

#include <string_view>

#include "dais/core/result.h"

namespace dais::store::detail {

/// Runs SQL text (several statements). On failure the error holds SQLite's message, and
/// sqlite3_errcode(db) its code.
core::Result<void> execSql(sqlite3* db, std::string_view sql);
/// Reads PRAGMA user_version.
int userVersion(sqlite3* db, int& version);
/// Applies step `version` in its own transaction, unless the file already has it (another
/// process may have migrated it meanwhile). Rolls back on failure.
core::Result<void> applyStep(sqlite3* db, int version);
/// Applies step `version` inside the caller's transaction, unless the file already has it.
core::Result<void> applyStepInTransaction(sqlite3* db, int version);

}  // namespace dais::store::detail
