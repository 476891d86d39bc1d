#pragma once
// The layers' structured run events as `dais run --events` and `dais runs show --events` print
// them: one aligned line each (time, layer, kind, node by name, the digest's first 16 hex
// digits, detail) under a header, or JSON with the whole digest.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/result.h"
#include "dais/core/run_events.h"
#include "dais/store/run_store.h"

namespace dais::app {

/// The kinds `words` names among `kinds` (full names, "layer.kind"): a comma-separated list of
/// full names or of the parts after the dot (when only one kind has it), or "all" (every kind:
/// an empty result). The error (without the option's name) says where it looked and lists the
/// kinds there are: "no event kind \"x\" " + where + " (...)".
core::Result<std::vector<std::string>> resolveEventKinds(const std::string& words,
                                                         const std::vector<std::string>& kinds,
                                                         const std::string& where);

/// A run's kept events as rows, those of `kinds` (empty: all), in order.
std::vector<store::StoredEvent> eventRows(const core::RunEvents& events,
                                          const std::vector<std::string>& kinds);

/// What the lines describe: how many events there are and how many the run let go.
struct EventListing {
    std::vector<store::StoredEvent> rows;
    std::uint64_t dropped = 0;  ///< recorded beyond the run's limit and not kept
    std::uint64_t limit = 0;    ///< the most the run kept
};

/// Prints the events on stdout: a title line, a header and at most `rows` lines (nullopt: all),
/// then how many more there are, and how many the run did not keep.
void printEvents(const EventListing& listing, std::optional<std::size_t> rows);
/// The events as JSON: {"count", "dropped", "events": [{time, layer, kind, node, digest,
/// detail}...]}, at most `rows` of them (nullopt: all).
nlohmann::json eventsJson(const EventListing& listing, std::optional<std::size_t> rows);

}  // namespace dais::app
