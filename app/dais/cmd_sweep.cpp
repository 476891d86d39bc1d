// dais sweep: the experiments of a scenario file, run on threads and (under mpirun) on many
// processes, every run stored, and a summary per point. This file holds the help, the options,
// and the order of the work: planning (sweep_planning.h), running (sweep_execution.h) and the
// summary (sweep_summary.h).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "commands.h"
#include "dais/store/run_store.h"
#include "dais/store/sweep_recorder.h"
#include "progress_bar.h"
#include "recording_store.h"
#include "scenario_args.h"
#include "sweep_cluster.h"
#include "sweep_execution.h"
#include "sweep_planning.h"
#include "sweep_summary.h"

namespace dais::app {

const char* const kSweepHelp = R"(usage: dais sweep FILE [options]

Runs the experiments of a scenario file (its "experiments" section): every point of an
experiment's grid or random sample, at each of its seeds, several runs at a time. Every point
is checked before the first run starts. Each run is stored (see `dais help runs`) and a table
shows, for each point, every chosen metric as the mean over the point's runs with the
half-width of its 95% confidence interval (Student t), and n, the number of runs. A run gives
the same result on any thread, process or machine, so neither the table nor the store depend
on --jobs or on the number of processes.

options:
  --experiment ID    run this experiment only (default: every experiment of the file, in order)
  --jobs N           runs at a time (default: the cores available; under mpirun, the cores of
                     a machine shared between its processes)
  --set PATH=VALUE   change one value of the scenario for every run (see `dais help run`)
  --store PATH       record the runs in this run store (default: $DAIS_STORE, else
                     $XDG_DATA_HOME/dais/runs.sqlite, else ~/.local/share/dais/runs.sqlite)
  --no-store         do not record the runs
  --json             print the summary as JSON on stdout
  --progress         always show the progress bar (default: only on a terminal)
  --no-progress      never show the progress bar

experiments (the scenario's "experiments" section; its schema describes every field):
  "experiments": [
    {"id": "load", "grid": {"network.traffic.probe.rate": [200, 500, 800]}, "seeds": 3,
     "metrics": ["traffic.probe.latency", "traffic.probe.latency.p99"]},
    {"id": "wide", "random": {"samples": 20, "parameters": {
       "network.links.0.latency": {"min": "1ms", "max": "100ms", "log": true},
       "run.queue": {"choices": ["heap", "ladder"]}}}}]
  A parameter is a path as --set takes it: network and run fields, or layers.<id>.<param>.

seeds:
  "seeds": N runs every point with the seeds run.seed, run.seed + 1, ..., run.seed + N - 1, and
  "seeds": [...] with the seeds listed. Every point runs the same seeds (common random
  numbers), so differences between points are not blurred by different random draws.

many machines:
  mpirun -n 8 dais sweep FILE shares the runs between the 8 processes, each running its share
  --jobs at a time. Rank 0 reads the file, writes every result into its store and prints the
  summary, the same as a single process would; the other ranks print only errors.

exit codes: 0 every run completed; 1 a run failed (the others are stored and summarised) or the
store could not be written; 2 the command line is wrong; 3 the file, an experiment or the store
is invalid (every problem is listed before anything runs); 130 stopped by Ctrl-C or SIGTERM
(the runs that finished are stored and summarised).
)";

namespace {

/// The options of `dais sweep`.
struct SweepArgs {
    std::string file;
    std::string experiment;
    std::optional<unsigned> jobs;
    std::vector<std::string> overrides;
    std::string store;  ///< empty: the default store
    bool noStore = false;
    bool json = false;
    int progress = -1;  ///< -1: on a terminal only
};

/// Reads the command line into `a`: kExitOk, kExitUsage after saying why (the lead does), or
/// -1 when it asked for help (which the lead printed).
int parseArgs(Args& args, SweepArgs& a, bool lead) {
    auto usage = [lead](const std::string& message) {
        if (lead) printError(message);
        return kExitUsage;
    };
    while (!args.done()) {
        if (args.flag("help")) {
            if (lead) std::fputs(kSweepHelp, stdout);
            return -1;
        }
        if (auto experimentValue = args.option("experiment")) {
            if (!*experimentValue) return usage(experimentValue->error().message);
            const std::string& value = **experimentValue;
            a.experiment = value;
        } else if (auto jobsValue = args.option("jobs")) {
            if (!*jobsValue) return usage(jobsValue->error().message);
            const std::string& value = **jobsValue;
            const auto n = parseUnsigned(value);
            if (!n || *n < 1 || *n > 1024)
                return usage("--jobs: expected a whole number from 1 to 1024, got \"" + value +
                             "\"");
            a.jobs = static_cast<unsigned>(*n);
        } else if (auto setValue = args.option("set")) {
            if (!*setValue) return usage(setValue->error().message);
            const std::string& value = **setValue;
            if (const auto wrong = assignmentProblem(value)) return usage("--set " + *wrong);
            a.overrides.push_back(value);
        } else if (auto storeValue = args.option("store")) {
            if (!*storeValue) return usage(storeValue->error().message);
            const std::string& value = **storeValue;
            if (value.empty()) return usage("--store: expected a file name");
            a.store = value;
        } else if (args.flag("no-store")) {
            a.noStore = true;
        } else if (args.flag("json")) {
            a.json = true;
        } else if (args.flag("progress")) {
            a.progress = 1;
        } else if (args.flag("no-progress")) {
            a.progress = 0;
        } else if (args.peek().rfind("--", 0) == 0) {
            return usage("sweep: unknown option " + args.peek() + " (see dais sweep --help)");
        } else if (a.file.empty()) {
            a.file = args.take();
        } else {
            return usage("sweep: one file at a time (got \"" + a.file + "\" and \"" + args.peek() +
                         "\")");
        }
    }
    if (a.file.empty()) return usage("sweep: which scenario file? (usage: dais sweep FILE)");
    if (!a.store.empty() && a.noStore) return usage("sweep: --store and --no-store contradict");
    return kExitOk;
}

/// What a sweep runs with: the plans of its experiments, and the store the lead records into
/// (unless --no-store).
struct PreparedSweep {
    std::vector<core::SweepPlan> plans;
    std::unique_ptr<store::RunStore> store;
    std::optional<store::SweepRecorder> recorder;
};

/// Reads the file (rank 0, handing it to the others), plans every experiment on every process
/// and opens the lead's store. Returns kExitOk, or the worst outcome of any process after
/// saying why.
int prepare(const SweepArgs& a, Cluster* cluster, PreparedSweep& out) {
    const bool lead = cluster == nullptr || cluster->rank() == 0;
    // Rank 0 reads the file and hands it to the others, so only it needs the file.
    std::string text;
    int code = lead ? readSweepScenario(a.file, text) : kExitOk;
    if (cluster != nullptr) {
        code = cluster->maxOf(code);
        if (code == kExitOk) text = cluster->broadcast(text);
    }
    if (code != kExitOk) return code;

    std::string problems;
    code = agreeOnOutcome(
        cluster, planExperiments(a.file, text, a.overrides, a.experiment, out.plans, problems),
        problems);
    if (code != kExitOk) return code;

    if (lead && !a.noStore) {
        if (auto opened = openRecordingStore(a.store)) {
            out.store = std::move(opened).value();
            out.recorder.emplace(*out.store);
        } else {
            printError(opened.error().message);
            code = kExitBadInput;
        }
    }
    if (cluster != nullptr) code = cluster->maxOf(code);
    return code;
}

int sweep(const SweepArgs& a, Cluster* cluster) {
    const bool lead = cluster == nullptr || cluster->rank() == 0;
    const int processes = cluster != nullptr ? cluster->size() : 1;
    PreparedSweep prepared;
    if (const int code = prepare(a, cluster, prepared); code != kExitOk) return code;

    const unsigned jobs = a.jobs.value_or(defaultJobs());
    const bool showBar = lead && (a.progress == 1 || (a.progress == -1 && stderrIsTerminal()));
    std::optional<InterruptWatch> interrupt;
    if (cluster == nullptr) interrupt.emplace();  // under mpirun, mpirun owns the signals

    nlohmann::json sweeps = nlohmann::json::array();
    int result = kExitOk;
    bool storeFailed = false;
    for (const core::SweepPlan& plan : prepared.plans) {
        std::optional<store::SweepId> sweepId;
        if (prepared.recorder && !storeFailed) {
            auto id = prepared.recorder->begin(plan);
            if (!id) {
                printError(id.error().message);
                storeFailed = true;
            } else {
                sweepId = *id;
            }
        }
        SweepExecution e;
        {
            SweepProgressBar bar(showBar, a.progress == 1);
            e = executeSweep(plan, jobs, !a.noStore, cluster,
                             prepared.recorder && sweepId ? &*prepared.recorder : nullptr,
                             lead ? &bar : nullptr, interrupt ? &*interrupt : nullptr);
        }
        if (!lead) continue;
        if (!e.storeError.empty()) {
            printError(e.storeError);
            storeFailed = true;
        }
        const std::vector<core::PointSummary> summary = core::summarizeSweep(plan, e.results);
        const SweepReport report{
            a.file, plan,      e,       summary,
            jobs,   processes, sweepId, prepared.store ? prepared.store->path() : std::string()};
        if (a.json) {
            sweeps.push_back(sweepSummaryJson(report));
        } else {
            if (&plan != &prepared.plans.front()) std::printf("\n");
            printSweepSummary(report);
        }
        if (const std::size_t failed = e.count(core::SweepRunStatus::Failed); failed > 0) {
            printError("sweep " + plan.experiment.id + ": " + groupDigits(failed) + " of " +
                       groupDigits(plan.runs.size()) + " runs failed");
            result = std::max(result, static_cast<int>(kExitFailure));
        }
        if (e.interrupted) {
            result = kExitInterrupted;
            break;
        }
    }
    if (lead && a.json) std::printf("%s\n", nlohmann::json{{"sweeps", sweeps}}.dump(2).c_str());
    if (storeFailed && result == kExitOk) result = kExitFailure;
    if (cluster != nullptr) result = cluster->maxOf(result);
    return result;
}

}  // namespace

int commandSweep(Args& args) {
    const bool lead = isLead();
    SweepArgs a;
    if (const int code = parseArgs(args, a, lead); code != kExitOk)
        return code < 0 ? kExitOk : code;
    std::unique_ptr<Cluster> cluster;
    if (startedByMpirun()) {
        auto joined = Cluster::join();
        if (!joined) {
            if (lead) printError("sweep: " + joined.error().message);
            return kExitFailure;
        }
        cluster = std::move(joined).value();
    }
    try {
        return sweep(a, cluster.get());
    } catch (const std::bad_alloc&) {
        printError(a.file + ": out of memory while sweeping");
        if (cluster) cluster->abort(kExitFailure);
        return kExitFailure;
    } catch (const std::exception& e) {
        // A defect; under MPI the other processes must not wait for this one.
        defect(cluster.get(), e.what());
    }
}

}  // namespace dais::app
