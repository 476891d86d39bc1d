#pragma once
// The parameters in which stored runs differ, each named by its JSON pointer in the scenario:
// every value of a run's effective scenario, with the values the run was given (its
// parameters, its seed) over them. Used by `dais runs diff` and the studio's run comparison,
// so both find the same differences and label them the same way.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/result.h"
#include "dais/store/run_store.h"

namespace dais::store {

/// What one run ran with, by JSON pointer.
struct RunValues {
    /// Every leaf (empty objects and arrays are leaves): pointer -> value.
    std::map<std::string, nlohmann::json> values;
    /// The pointers whose value the run was given (a parameter, or a seed other than the
    /// scenario's) rather than read from its scenario.
    std::set<std::string> given;
};

/// The values of `run`: every leaf of `document`, its effective scenario (the studio's view
/// state under /ui left out; null: none), each of the run's parameters at the place it names,
/// and its seed at /run/seed.
RunValues runValues(const RunRecord& run, const nlohmann::json& document);
/// The same with the run's scenario read from `store`. A stored document that is not JSON
/// gives no scenario values; a store that cannot be read, an error.
core::Result<RunValues> runValues(const RunStore& store, const RunRecord& run);

/// The JSON pointer that a parameter's path names in `document`. The path is a JSON pointer
/// ("/run/seed") or dotted ("network.groups.0.count") as --set takes it; an array element named
/// by its "id" ("network.groups.phones.count") is named by its index.
std::string parameterPointer(std::string_view path, const nlohmann::json& document);

/// One place in which runs differ.
struct ParameterDifference {
    std::string pointer;
    /// One per run, in the runs' order; nullopt where the run has no value there.
    std::vector<std::optional<nlohmann::json>> values;
    /// Whether some run was given its value there (see RunValues::given).
    bool given = false;
};

/// The places where the runs do not all have the same value, in pointer order.
std::vector<ParameterDifference> parameterDifferences(const std::vector<RunValues>& runs);

}  // namespace dais::store
