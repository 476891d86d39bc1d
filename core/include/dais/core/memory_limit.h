#pragma once
// How much memory a run may take: set by DAIS_MEMORY_LIMIT, or what the machine has available
// (MemAvailable in /proc/meminfo) and, when lower, what the process's control group has left.
// A scenario whose estimate exceeds it is refused before anything is allocated (ScenarioRun),
// and what grows while a run goes is held to what the estimate leaves of it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dais/core/result.h"

namespace dais::core {

/// The environment variable that sets the limit: bytes ("2000000000") or a size with a unit
/// ("512MiB", "2GB"). It replaces what the machine says, in both directions.
inline constexpr const char* kMemoryLimitVariable = "DAIS_MEMORY_LIMIT";

/// How much memory a run may take, and where the figure comes from.
struct MemoryLimit {
    std::uint64_t bytes = 0;
    /// What follows "more than the 2 GiB " in a message: "allowed by DAIS_MEMORY_LIMIT", "of
    /// memory available on this machine", "left to this process's control group".
    std::string source;
};

/// The memory a run may take now: DAIS_MEMORY_LIMIT when it is set; otherwise the machine's
/// MemAvailable, or what the process's control group has left (its limit less what it uses,
/// not counting page cache it can drop) when that is lower. An error only for a
/// DAIS_MEMORY_LIMIT that is not a size.
Result<MemoryLimit> currentMemoryLimit();

/// The same from the texts it is read from, for tests: the variable's value (nullptr: unset),
/// /proc/meminfo's text, and the control group's room (nullopt: no limit).
Result<MemoryLimit> memoryLimitFrom(const char* variable, std::string_view meminfo,
                                    std::optional<std::uint64_t> cgroupRoom);

}  // namespace dais::core
