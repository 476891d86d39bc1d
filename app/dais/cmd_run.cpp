// dais run: run a scenario, print a summary, and record the run in the run store.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "commands.h"
#include "dais/core/runner.h"
#include "dais/core/scenario_run.h"
#include "dais/core/units.h"
#include "dais/store/run_recorder.h"
#include "event_text.h"
#include "progress_bar.h"
#include "recording_store.h"
#include "run_summary.h"
#include "scenario_args.h"
#include "table_text.h"
#include "trace_printer.h"

namespace dais::app {

const char* const kRunHelp = R"(usage: dais run FILE [options]

Runs a scenario and prints a summary: events, simulated time, wall time, events per second,
the run's fingerprint and the scenario's metrics. The same scenario and seed always give the
same fingerprint, on any machine.

Memory: a scenario whose estimated memory exceeds what the machine has available is refused
before anything is built (exit code 3), naming the value that makes it so big; a run whose
messages in flight or pending events outgrow what is left fails (exit code 1), naming the flow
or layer. DAIS_MEMORY_LIMIT sets another limit, in bytes or with a unit (512MiB, 2GB).

options:
  --seed N           the run's random seed (default: the scenario's run.seed)
  --until T          stop at simulated time T, e.g. 30s, 1.5min, 250ms (default: run.until)
  --set PATH=VALUE   change one value of the scenario; may be repeated. PATH is dotted
                     (network.groups.0.count) or a JSON pointer (/run/seed); an array
                     element can be named by its id (network.groups.phones.count). VALUE is
                     JSON when it parses as JSON, otherwise a string (--set run.until=30s).
  --queue KIND       event queue: ladder or heap (default: run.queue, else ladder)
  --speed X          real-time pacing: X simulated seconds per wall-clock second, from 0.1
                     to 1000 (default: as fast as possible)
  --progress         always show the progress bar (default: only on a terminal)
  --no-progress      never show the progress bar
  --json             print the summary as JSON on stdout
  --store PATH       record the run in this run store (default: $DAIS_STORE, else
                     $XDG_DATA_HOME/dais/runs.sqlite, else ~/.local/share/dais/runs.sqlite);
                     see `dais help runs`
  --no-store         do not record the run
  --trace CATEGORIES print the run's trace records on stderr as they happen: an enabled
                     layer's id (federated, gossip...), fault (the network's faults), several
                     separated by commas, or all
  --inspect TABLE    after the summary, print one of the layers' tables as the run ended
                     (federated.clients, gossip.rumours...: `dais layers ID` lists them); the
                     part after the dot is enough when only one table has it. May be repeated.
                     With --json the tables go into the JSON output.
  --events KINDS     after the summary, print the events the layers recorded, of these
                     kinds (update_accepted, federated.round_closed...: `dais layers ID` lists
                     them; several separated by commas) or all: time, layer, kind, node, the
                     first 16 hex digits of the digest and the detail. With --json the events
                     go into the JSON output, each with its whole digest.
  --rows N           print at most N rows of each table and N events (default 25; all: every
                     row; with --json every row unless --rows is given)
)";

namespace {

/// What `dais run` was asked for.
struct RunArgs {
    ScenarioArgs scenario{"run", {}, {}};
    core::RunOptions options;
    bool json = false;
    double speed = 0;
    int progress = -1;      // -1: on a terminal only
    std::string storePath;  // empty: the default store
    bool noStore = false;
    std::vector<std::string> parameters;  // the run's choices as "PATH=VALUE", for the store
    std::optional<TracePrinter> tracer;
    std::vector<std::string> inspect;   // tables asked for, as written
    std::optional<std::string> events;  // --events, as written
    std::optional<std::size_t> rows;    // --rows (nullopt: all)
    bool rowsGiven = false;
};

// The options that take a value: each checks it and sets it, or says what is wrong.

core::Result<void> setSeed(RunArgs& a, const std::string& value) {
    const auto seed = parseUnsigned(value);
    if (!seed)
        return core::Error{
            "--seed: expected a whole number from 0 to 18446744073709551615, got \"" + value +
            "\""};
    a.options.seed = *seed;
    return {};
}

core::Result<void> setUntil(RunArgs& a, const std::string& value) {
    const auto t = core::parseDuration(value);
    if (!t || *t <= 0)
        return core::Error{"--until: expected a positive duration like 30s or 1.5min, got \"" +
                           value + "\""};
    a.options.until = *t;
    a.parameters.push_back("run.until=" + value);
    return {};
}

core::Result<void> setQueue(RunArgs& a, const std::string& value) {
    sim::QueueKind q;
    if (!sim::parseQueueKind(value, q))
        return core::Error{"--queue: expected heap or ladder, got \"" + value + "\""};
    a.options.queue = q;
    a.parameters.push_back("run.queue=" + value);
    return {};
}

core::Result<void> setSpeed(RunArgs& a, const std::string& value) {
    char* end = nullptr;
    a.speed = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(a.speed >= 0.1 && a.speed <= 1000))
        return core::Error{"--speed: expected a number from 0.1 to 1000, got \"" + value + "\""};
    return {};
}

core::Result<void> setStore(RunArgs& a, const std::string& value) {
    if (value.empty()) return core::Error{"--store: the path is empty"};
    a.storePath = value;
    return {};
}

core::Result<void> setInspect(RunArgs& a, const std::string& value) {
    if (value.empty())
        return core::Error{"--inspect: name a table (federated.clients, gossip.rumours...)"};
    a.inspect.push_back(value);
    return {};
}

core::Result<void> setEvents(RunArgs& a, const std::string& value) {
    if (value.empty())
        return core::Error{
            "--events: name the event kinds (update_accepted, round_closed...) or all"};
    a.events = value;
    return {};
}

core::Result<void> setRows(RunArgs& a, const std::string& value) {
    auto rows = parseRowLimit(value);
    if (!rows) return rows.error();
    a.rows = *rows;
    a.rowsGiven = true;
    return {};
}

core::Result<void> setTrace(RunArgs& a, const std::string& value) {
    if (value.empty())
        return core::Error{"--trace: name the categories (federated, fault, ...) or all"};
    a.tracer.emplace(value);
    return {};
}

/// Reads the words of `dais run` into `a`. Returns an exit code when the command ends here
/// (help shown, or a usage error said), nullopt to go on.
std::optional<int> parseRunArgs(Args& args, RunArgs& a) {
    using Setter = core::Result<void> (*)(RunArgs&, const std::string&);
    static constexpr std::pair<const char*, Setter> kValued[] = {
        {"seed", setSeed},       {"until", setUntil}, {"queue", setQueue},
        {"speed", setSpeed},     {"store", setStore}, {"trace", setTrace},
        {"inspect", setInspect}, {"rows", setRows},   {"events", setEvents},
    };
    const std::pair<const char*, bool*> flags[] = {{"json", &a.json}, {"no-store", &a.noStore}};
    while (!args.done()) {
        if (args.flag("help")) return std::fputs(kRunHelp, stdout), kExitOk;
        bool taken = false;
        for (const auto& [name, set] : kValued) {
            auto value = args.option(name);
            if (!value) continue;
            taken = true;
            if (!*value) return printError(value->error().message), kExitUsage;
            if (auto r = set(a, **value); !r) return printError(r.error().message), kExitUsage;
            break;
        }
        for (const auto& [name, on] : flags)
            if (!taken && args.flag(name)) taken = *on = true;
        if (taken) continue;
        if (args.flag("progress"))
            a.progress = 1;
        else if (args.flag("no-progress"))
            a.progress = 0;
        else if (const int code = a.scenario.take(args); code != kExitOk)
            return code;
    }
    return std::nullopt;
}

/// Runs to the end on the runner's worker thread while this thread draws progress and turns
/// Ctrl-C into a stop, so an interrupted run still finishes its layers and reports.
core::RunReport runToEnd(std::unique_ptr<core::ScenarioRun> run, const RunArgs& a,
                         sim::Observer* recorder) {
    const sim::Simulation& sim = run->simulation();
    const sim::SimTime horizon = run->horizon();
    core::Runner runner(std::move(run));
    runner.setSpeed(a.speed);
    if (recorder) runner.addObserver(recorder);
    // The bar and trace lines share stderr: with a trace, only an asked-for bar.
    const bool showBar = a.progress == 1 || (a.progress == -1 && !a.tracer && stderrIsTerminal());
    std::optional<ProgressBar> bar;
    if (showBar) bar.emplace(sim, horizon, a.progress == 1);
    const InterruptWatch interrupt;
    runner.start();
    bool stopping = false;
    while (!runner.wait(std::chrono::milliseconds(50)))
        if (!stopping && interrupt.requested()) {
            stopping = true;
            runner.stop();
        }
    return *runner.report();
}

/// The exit code of a finished run; says why a failed one failed.
int exitCodeOf(const core::RunReport& report) {
    switch (report.status) {
        case core::RunStatus::Completed:
            return kExitOk;
        case core::RunStatus::Stopped:
            return kExitInterrupted;
        case core::RunStatus::Failed:
            // Failures caught while running already say so; set-up failures do not.
            printError(report.error.starts_with("the run failed")
                           ? report.error
                           : "the run failed: " + report.error);
            return kExitFailure;
    }
    return kExitFailure;
}

}  // namespace

int commandRun(Args& args) {
    RunArgs a;
    if (const auto done = parseRunArgs(args, a)) return *done;
    if (const int code = a.scenario.requireFile(); code != kExitOk) return code;
    const auto scenario = a.scenario.load();
    if (!scenario)
        return std::fprintf(stderr, "%s\n", scenario.error().message.c_str()), kExitBadInput;
    if (a.noStore && !a.storePath.empty())
        return printError("--store and --no-store contradict each other"), kExitUsage;
    if (a.tracer) {
        std::vector<std::string> layers;
        for (const core::LayerSettings& l : scenario->layerSettings)
            if (l.enabled) layers.push_back(l.id);
        if (const auto unknown = a.tracer->unknownCategories(layers); !unknown.empty()) {
            std::string known = std::string(sim::Network::kFaultTraceCategory);
            for (const std::string& id : layers)
                known += ", " + id;
            return printError("--trace: no trace category \"" + unknown.front() +
                              "\" in this scenario (it has: " + known + "; or all)"),
                   kExitUsage;
        }
    }
    if (a.rowsGiven && a.inspect.empty() && !a.events)
        return printError("--rows: only with --inspect TABLE or --events KINDS"), kExitUsage;
    // The event kinds asked for, checked before anything runs (empty: all).
    std::vector<std::string> eventKinds;
    if (a.events) {
        std::vector<std::string> known;
        for (const core::LayerSettings& l : scenario->layerSettings)
            if (l.enabled && l.descriptor != nullptr)
                for (const core::EventKindSpec& k : l.descriptor->eventKinds)
                    known.push_back(k.name);
        if (known.empty())
            return printError("--events: the scenario's enabled layers record no events"),
                   kExitUsage;
        auto kinds = resolveEventKinds(*a.events, known, "in this scenario");
        if (!kinds) return printError("--events: " + kinds.error().message), kExitUsage;
        eventKinds = std::move(kinds).value();
    }
    // The tables asked for, by their full names, checked before anything runs.
    std::vector<std::string> tables;
    {
        std::vector<std::string> names;
        for (const core::TableSpec* t : core::scenarioTables(*scenario))
            names.push_back(t->name);
        for (const std::string& word : a.inspect) {
            auto name = resolveTableName(word, names, "in this scenario", "its layers have");
            if (!name) return printError("--inspect: " + name.error().message), kExitUsage;
            if (std::find(tables.begin(), tables.end(), *name) == tables.end())
                tables.push_back(*name);
        }
    }
    std::unique_ptr<store::RunStore> runStore;
    std::optional<store::RunRecorder> recorder;
    if (!a.noStore) {
        auto opened = openRecordingStore(a.storePath);
        if (!opened) return printError(opened.error().message), kExitBadInput;
        runStore = std::move(opened).value();
        recorder.emplace(*runStore);
    }
    if (a.tracer) {
        a.options.observer = &*a.tracer;
        a.options.trace = true;
    }
    auto run = core::ScenarioRun::prepare(*scenario, a.options);
    if (!run) return std::fprintf(stderr, "%s\n", run.error().message.c_str()), kExitBadInput;
    if (a.tracer) a.tracer->nameNodes((*run)->network());
    a.parameters.insert(a.parameters.begin(), a.scenario.overrides.begin(),
                        a.scenario.overrides.end());
    if (recorder) {
        auto begun = recorder->begin(*scenario, a.options.seed.value_or(scenario->run.seed),
                                     a.parameters, a.options.until);
        if (!begun) return printError(begun.error().message), kExitFailure;
    }
    const core::RunReport report =
        runToEnd(std::move(run).value(), a, recorder ? recorder->observer() : nullptr);
    EventListing events;
    if (a.events && report.runEvents) {
        events.rows = eventRows(*report.runEvents, eventKinds);
        events.dropped = report.runEvents->dropped;
        events.limit = report.runEvents->limit;
    }
    if (a.json) {
        nlohmann::json out = summaryJson(report, a.scenario.file);
        if (a.events) out["run_events"] = eventsJson(events, a.rowsGiven ? a.rows : std::nullopt);
        if (!tables.empty()) {
            out["tables"] = nlohmann::json::object();
            for (const std::string& name : tables)
                if (const core::InspectorTable* t = report.table(name))
                    out["tables"][name] = tableJson(*t, a.rowsGiven ? a.rows : std::nullopt);
        }
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        printSummary(report, a.scenario.file);
        for (const std::string& name : tables)
            if (const core::InspectorTable* t = report.table(name)) {
                std::printf("\n");
                printTable(*t,
                           a.rowsGiven ? a.rows : std::optional<std::size_t>(kDefaultTableRows));
            }
        if (a.events) {
            std::printf("\n");
            printEvents(events,
                        a.rowsGiven ? a.rows : std::optional<std::size_t>(kDefaultTableRows));
        }
    }
    for (const std::string& name : tables)
        if (report.table(name) == nullptr)
            printError("--inspect: the table \"" + name +
                       "\" could not be filled (the run's error says why)");
    if (recorder) {
        if (auto finished = recorder->finish(report); !finished)
            return printError(finished.error().message), kExitFailure;
        std::fprintf(a.json ? stderr : stdout, "%sstored as run %lld in %s\n", a.json ? "" : "\n",
                     static_cast<long long>(recorder->id()), runStore->path().c_str());
    }
    return exitCodeOf(report);
}

}  // namespace dais::app
