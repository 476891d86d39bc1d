#pragma once
// The process that records a run: this host's name, and whether a run's process still exists.
// Private to the run store, which marks the runs of ended processes interrupted.

#include <cstdint>
#include <string>

namespace dais::store::detail {

/// This machine's host name ("localhost" when it has none).
const std::string& thisHost();

/// A process's start time (clock ticks after boot) and state letter from /proc; 0 when unknown.
std::int64_t processStart(std::int64_t pid, char* state = nullptr);

/// Whether the process that began a run still exists (a zombie or a new process that reuses
/// the number does not count).
bool processAlive(std::int64_t pid, std::int64_t start);

}  // namespace dais::store::detail
