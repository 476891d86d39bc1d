#pragma once
// The journal of a run's outside input: what its inbox brought, where and when, so that the run
// can be replayed without the threads and the clock that fed it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dais/sim/event.h"
#include "dais/sim/result.h"

namespace dais::sim {

/// One input as the run took it from its inbox.
struct JournalEntry {
    /// Model events executed when the run took the input: a replay puts it back at the same
    /// point of the run, so that it takes the same place among events of equal time.
    std::uint64_t point = 0;
    SimTime time = 0;  ///< the simulated time it was assigned
    std::string kind;  ///< the name its kind was registered under
    TargetId target = 0;
    std::uint64_t data = 0;
    std::uint16_t aux = 0;
    std::vector<std::byte> bytes;
    friend bool operator==(const JournalEntry&, const JournalEntry&) = default;
};

/// Every input a run took, in the order it took them (Simulation::recordJournal), and the seed of
/// the run; Simulation::replayJournal schedules them again.
struct Journal {
    std::uint64_t seed = 0;
    std::vector<JournalEntry> entries;
    friend bool operator==(const Journal&, const Journal&) = default;
};

/// The journal file format, version 1. Binary, every integer little-endian:
///   header: the 8 bytes "DAISJRNL", u32 version (1), u32 zero, u64 seed;
///   each entry: u64 point, i64 time, u32 target, u16 aux, u16 n, u64 data, u32 m, then n bytes
///   of the kind's name, m bytes of the body, and a u64 checksum (64-bit FNV-1a of the entry's
///   bytes before it).
/// The file ends after the last entry.
inline constexpr std::uint32_t kJournalVersion = 1;

/// The bytes of the journal's file.
std::string encodeJournal(const Journal& journal);
/// Reads a journal from its file's bytes; `name` names the file in errors, which give the byte
/// offset and the entry where the bytes are truncated or corrupted.
Result<Journal> decodeJournal(std::string_view bytes, std::string_view name);
/// Writes the journal to the file at `path` (replacing it).
Result<void> writeJournalFile(const Journal& journal, const std::string& path);
/// Reads the journal file at `path`.
Result<Journal> readJournalFile(const std::string& path);

}  // namespace dais::sim
