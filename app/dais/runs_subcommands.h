#pragma once
// What the subcommands of `dais runs` share: their parsed words, the run ids and store they
// name, and how a stored run's record reads as text and JSON. The command is spread over:
//   cmd_runs.cpp              help, options, run ids, opening the store, choosing the subcommand
//   run_record_format.cpp     times, a run's record and final metrics as JSON
//   runs_list.cpp             dais runs list
//   runs_show.cpp             dais runs show
//   runs_trace.cpp            dais runs trace
//   runs_diff.cpp             dais runs diff
//   runs_export.cpp           dais runs export (CSV and JSON)
//   runs_annotate_delete.cpp  dais runs annotate, dais runs delete

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "dais/core/result.h"
#include "dais/core/scenario_run.h"
#include "dais/store/run_store.h"

namespace dais::app {

/// The words of `dais runs SUBCOMMAND`: options, and the rest in order.
struct RunsArgs {
    std::string store;
    bool storeGiven = false;
    bool json = false;
    bool events = false;  ///< show: the run's events
    std::string format, output, status, scenario, sweep, limit, table, rows, kind, node, digest;
    std::string round, drop;  ///< trace: the anomalous rounds, the accuracy drop that marks one
    std::vector<std::string> words;

    /// Parses; on a problem prints it and returns kExitUsage.
    int parse(Args& args, const std::string& sub);
    /// Refuses the first option given that `sub` does not take, naming it in the error.
    int allowOnly(const std::string& sub, std::initializer_list<std::string_view> allowed) const;
};

/// Prints `message` as an error and returns `code`.
int fail(const std::string& message, int code);

/// A run id: a whole number from 1.
std::optional<store::RunId> parseRunId(const std::string& word);
/// Parses run ids; prints the first bad one.
std::optional<std::vector<store::RunId>> parseRunIds(const std::vector<std::string>& words,
                                                     const std::string& sub);

/// Opens the store: read-only, or (`write`) to change a store that exists. The commands map
/// an error to kExitBadInput: it is not a usable store.
core::Result<std::unique_ptr<store::RunStore>> openStore(const std::string& path, bool write);

/// A store opened for a subcommand, and the runs it names.
struct StoredRuns {
    std::unique_ptr<store::RunStore> store;
    std::vector<store::RunRecord> runs;
};

/// Opens the store (see openStore) and reads the runs `ids` into `out`. Returns kExitOk, or
/// after saying why: kExitBadInput for a store that cannot be used or a run it does not have,
/// kExitFailure for a read error.
int openRuns(const std::string& path, const std::vector<store::RunId>& ids, bool write,
             StoredRuns& out);

/// "2026-05-04 13:02:11" in local time, from Unix milliseconds.
std::string localTime(std::int64_t ms);
/// "2026-05-04T11:02:11.250Z", from Unix milliseconds.
std::string isoTime(std::int64_t ms);
/// A run's record as `list`, `show`, `diff` and `export` print it in JSON.
nlohmann::json runJson(const store::RunRecord& r);
/// Final metrics as a JSON array, each metric with its name.
nlohmann::json finalMetricsJson(const std::vector<core::MetricReport>& metrics);

/// The subcommands, each given the parsed words after its name.
int runsList(RunsArgs& a);
int runsShow(RunsArgs& a);
int runsTrace(RunsArgs& a);
int runsDiff(RunsArgs& a);
int runsExport(RunsArgs& a);
int runsAnnotate(RunsArgs& a);
int runsDelete(RunsArgs& a);

}  // namespace dais::app
