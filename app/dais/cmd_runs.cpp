// dais runs: list, show, compare, export, annotate and delete the runs kept in the run store.
// This file holds the help, the options every subcommand reads, the run ids and the store they
// name, and the choice of subcommand; each subcommand has its own file (runs_subcommands.h).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "runs_subcommands.h"

namespace dais::app {

const char* const kRunsHelp = R"(usage: dais runs COMMAND [ARGS...] [--store PATH]

The run store keeps every `dais run` (unless it was given --no-store): its scenario, seed,
parameters, layer versions, outcome, final metrics, metric samples over time and its layers'
tables as the run ended.

commands:
  list                  the stored runs, newest first
      --status S        only runs of that status: running, completed, failed, stopped or
                        interrupted (a run whose process ended before it finished)
      --scenario NAME   only runs of that scenario (its name or content hash)
      --sweep ID        only the runs of that sweep
      --limit N         at most N runs
  show ID               one run: its record, parameters, layer versions, final metrics,
                        sampled metrics, the layers' tables kept with it (their names and
                        rows) and annotations
      --table NAME      instead, one of those tables as the run ended, as `dais run --inspect`
                        prints it (the part of NAME after the dot is enough when unique)
      --events          instead, the events its layers recorded (time, layer, kind, node,
                        the first 16 hex digits of the digest, detail), in the order recorded
      --kind KINDS      only events of these kinds (update_accepted, gossip.rumour_started...,
                        separated by commas)
      --node NAME       only events about this node (its name, as the events show it)
      --digest HEX      only events whose digest starts with these hex digits: the way to
                        follow one update, block or job from event to event
      --rows N          at most N of its rows or events (default 25; all: every row; with
                        --json every row unless --rows is given)
  trace ID              from an accuracy drop back to its cause, over the federated rounds
                        the run recorded on its ledger: the rounds that lost accuracy, and
                        the nodes whose updates stood out there (or, where secure aggregation
                        hid the updates, whose presence goes with the losses), with the
                        evidence and their updates' digests
      --round N,...     the anomalous rounds, as you name them (default: every round that
                        lost more than --drop against the round before)
      --drop X          the accuracy lost that marks a round, 0..1 (default 0.05)
  diff ID ID            two runs side by side: the parameters that differ (every value of
                        the two effective scenarios with the runs' seeds and parameters over
                        them, by JSON pointer) and the final metrics with their difference
  export ID... [--format csv|json] [--output FILE]
                        the runs' metric samples and final metrics (default: CSV on stdout;
                        FILE is replaced only once the export is complete)
  annotate ID TEXT      attach a note to a run
  delete ID...          delete runs with their samples, traces and notes (all or none)

options:
  --store PATH          the run store (default: $DAIS_STORE, else
                        $XDG_DATA_HOME/dais/runs.sqlite, else ~/.local/share/dais/runs.sqlite)
  --json                list, show, trace, diff: print JSON

exit codes: 0 success, 1 the work failed (an I/O error), 2 the command line is wrong,
3 the store is missing, not a run store, damaged or too new, or a run id is unknown
)";

using store::RunId;
using store::RunStore;

int RunsArgs::parse(Args& args, const std::string& sub) {
    bool optionsDone = false;
    while (!args.done()) {
        std::string error;
        if (optionsDone) {
            words.push_back(args.take());
            continue;
        }
        auto take = [&](const char* name, std::string& into) {
            auto given = args.option(name);
            if (!given) return false;
            if (*given)
                into = **given;
            else
                error = given->error().message;
            return true;
        };
        if (args.peek() == "--") {
            args.take();
            optionsDone = true;
        } else if (take("store", store)) {
            storeGiven = true;
        } else if (take("format", format) || take("output", output) || take("status", status) ||
                   take("scenario", scenario) || take("sweep", sweep) || take("limit", limit) ||
                   take("table", table) || take("rows", rows) || take("kind", kind) ||
                   take("node", node) || take("digest", digest) || take("round", round) ||
                   take("drop", drop)) {
        } else if (args.flag("json")) {
            json = true;
        } else if (args.flag("events")) {
            events = true;
        } else if (args.peek().rfind("--", 0) == 0) {
            printError("runs " + sub + ": unknown option " + args.peek() +
                       " (see dais runs --help)");
            return kExitUsage;
        } else {
            words.push_back(args.take());
        }
        if (!error.empty()) return printError(error), kExitUsage;
    }
    if (storeGiven && store.empty()) return printError("--store: the path is empty"), kExitUsage;
    if (!storeGiven) store = store::defaultStorePath();
    return kExitOk;
}

int RunsArgs::allowOnly(const std::string& sub,
                        std::initializer_list<std::string_view> allowed) const {
    const std::pair<const char*, bool> given[] = {{"json", json},
                                                  {"format", !format.empty()},
                                                  {"output", !output.empty()},
                                                  {"status", !status.empty()},
                                                  {"scenario", !scenario.empty()},
                                                  {"sweep", !sweep.empty()},
                                                  {"limit", !limit.empty()},
                                                  {"table", !table.empty()},
                                                  {"rows", !rows.empty()},
                                                  {"events", events},
                                                  {"kind", !kind.empty()},
                                                  {"node", !node.empty()},
                                                  {"digest", !digest.empty()},
                                                  {"round", !round.empty()},
                                                  {"drop", !drop.empty()}};
    for (const auto& [name, set] : given)
        if (set && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            printError("runs " + sub + ": --" + name + " does not apply here");
            return kExitUsage;
        }
    return kExitOk;
}

int fail(const std::string& message, int code) {
    printError(message);
    return code;
}

std::optional<RunId> parseRunId(const std::string& word) {
    const auto n = parseUnsigned(word);
    if (!n || *n == 0 || *n > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<RunId>(*n);
}

std::optional<std::vector<RunId>> parseRunIds(const std::vector<std::string>& words,
                                              const std::string& sub) {
    std::vector<RunId> ids;
    for (const auto& w : words) {
        const auto id = parseRunId(w);
        if (!id) {
            printError("runs " + sub + ": expected a run id (a whole number from 1), got \"" + w +
                       "\"");
            return std::nullopt;
        }
        ids.push_back(*id);
    }
    return ids;
}

core::Result<std::unique_ptr<RunStore>> openStore(const std::string& path, bool write) {
    if (write && !std::filesystem::exists(path)) {
        // Writing commands change an existing store; they never create one.
        return core::Error{path + ": no such file (no run has been stored there)"};
    }
    store::StoreOptions options;
    options.mode =
        write ? store::StoreOptions::Mode::ReadWrite : store::StoreOptions::Mode::ReadOnly;
    return RunStore::open(path, options);
}

int openRuns(const std::string& path, const std::vector<RunId>& ids, bool write, StoredRuns& out) {
    auto opened = openStore(path, write);
    if (!opened) return fail(opened.error().message, kExitBadInput);
    out.store = std::move(opened).value();
    for (const RunId id : ids) {
        auto r = out.store->findRun(id);
        if (!r) return fail(r.error().message, kExitFailure);
        if (!r->has_value())
            return fail(out.store->path() + ": no run " + std::to_string(id), kExitBadInput);
        out.runs.push_back(std::move(**r));
    }
    return kExitOk;
}

int commandRuns(Args& args) {
    if (args.done() || args.peek() == "--help" || args.peek() == "help") {
        std::fputs(kRunsHelp, stdout);
        return args.done() ? kExitUsage : kExitOk;
    }
    const std::string sub = args.take();
    using Handler = int (*)(RunsArgs&);
    const std::pair<const char*, Handler> subs[] = {
        {"list", runsList},     {"show", runsShow},     {"trace", runsTrace},
        {"diff", runsDiff},     {"export", runsExport}, {"annotate", runsAnnotate},
        {"delete", runsDelete},
    };
    for (const auto& [name, handler] : subs) {
        if (sub != name) continue;
        // --help anywhere asks for help rather than doing anything.
        RunsArgs parsed;
        Args probe = args;
        while (!probe.done())
            if (probe.flag("help"))
                return std::fputs(kRunsHelp, stdout), kExitOk;
            else
                probe.take();
        if (const int code = parsed.parse(args, sub); code != kExitOk) return code;
        return handler(parsed);
    }
    printError("runs: unknown command \"" + sub +
               "\" (commands: list, show, trace, diff, export, annotate, delete)");
    return kExitUsage;
}

}  // namespace dais::app
