#pragma once
// Applying schema steps, shared by createStoreAtVersion() and RunStore::open().

#include <sqlite3.h>

#include <string>
#include <string_view>

namespace dais::store::detail {

/// Runs SQL text (several statements); on failure sets `error` and returns the code.
int execSql(sqlite3* db, std::string_view sql, std::string& error);
/// Reads PRAGMA user_version.
int userVersion(sqlite3* db, int& version);
/// Applies step `version` in its own transaction, unless the file already has it (another
/// process may have migrated it meanwhile). Rolls back on failure.
int applyStep(sqlite3* db, int version, std::string& error);

}  // namespace dais::store::detail
