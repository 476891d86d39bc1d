#pragma once
// The run store's file format: the SQLite application id that marks a file as a DAIS run store
// and the schema, kept as a list of steps. Step k takes a store from version k-1 to version k;
// `PRAGMA user_version` holds the version of a file. Opening an older store applies the missing
// steps one at a time, each in its own transaction.

#include <string>
#include <string_view>

#include "dais/core/result.h"

namespace dais::store {

/// `PRAGMA application_id` of a run store: "DAIS" in ASCII.
inline constexpr int kApplicationId = 0x44414953;

/// The schema version this build writes and the newest it reads.
int currentSchemaVersion();

/// The SQL of step `version` (1 .. currentSchemaVersion()).
std::string_view schemaStep(int version);

/// Creates a new store file at `path` with schema steps 1..version applied and nothing else,
/// as an older build would have left it (for migration tests and tools). Refuses an existing
/// file.
core::Result<void> createStoreAtVersion(const std::string& path, int version);

}  // namespace dais::store
