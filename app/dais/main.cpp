// dais: validate, run and benchmark scenarios from the command line.
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "commands.h"
#include "dais/core/runner.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/core/units.h"
#include "dais/core/version.h"
#include "dais/store/run_recorder.h"
#include "metric_text.h"
#include "recording_store.h"

namespace dais::app {
namespace {

constexpr const char* kMainHelp = R"(dais - design, simulate and measure decentralized-AI networks

usage: dais COMMAND [ARGS...]

commands:
  validate FILE      check a scenario file and report every problem in it
  run FILE           run a scenario and print a summary
  sweep FILE         run a scenario's experiments: many runs, a summary per point
  layers [ID]        list the installed layers, or show one's parameters and metrics
  runs COMMAND       list, show, compare, export, annotate or delete stored runs
  bench phold        measure the simulation kernel on the PHOLD benchmark
  help [COMMAND]     show help for a command

options:
  --help             show this help
  --version          print the version

exit codes:
  0  success
  1  the work failed (a run error, an I/O error)
  2  the command line is wrong
  3  an input file is missing, unreadable or invalid
  130  stopped by Ctrl-C or SIGTERM (what ran so far is reported)
)";

constexpr const char* kValidateHelp = R"(usage: dais validate FILE [--set PATH=VALUE]... [--quiet]

Checks a scenario file: JSON syntax, every field against the format's schema, and the
references between nodes, groups, regions and templates, and every point of its experiments
(as `dais sweep` runs them). Every problem is reported with the file, the JSON path, what was
expected and what was found.

options:
  --set PATH=VALUE   change a value before validating (see `dais help run`)
  --quiet            print nothing when the file is valid
)";

constexpr const char* kRunHelp = R"(usage: dais run FILE [options]

Runs a scenario and prints a summary: events, simulated time, wall time, events per second,
the run's fingerprint and the scenario's metrics. The same scenario and seed always give the
same fingerprint, on any machine.

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
  --trace CATEGORIES print the run's trace records on stderr as they happen: a layer's id
                     (federated), net, fault..., several separated by commas, or all
)";

constexpr const char* kBenchHelp = R"(usage: dais bench BENCHMARK [options]

benchmarks:
  phold    the simulation kernel on the PHOLD benchmark, against its own queues
  runner   PHOLD through the runner (worker thread, observers) against the bare kernel
  store    the run store's writer against plain SQLite, while a simulation runs
  fl       a federated-learning round through the layer against a plain training loop

`dais bench BENCHMARK --help` lists each one's options.
)";

bool stderrIsTerminal() {
    return isatty(fileno(stderr)) != 0;
}

/// Draws a one-line progress bar on stderr from another thread while the run goes on. On a
/// terminal a short run shows none; asked for explicitly (`always`), the bar draws at least
/// its final frame, so a log records how the run went.
class ProgressBar {
  public:
    ProgressBar(const sim::Simulation& sim, sim::SimTime horizon, bool always)
        : sim_(sim), horizon_(horizon), always_(always) {
        thread_ = std::thread([this] { loop(); });
    }
    ~ProgressBar() { finish(); }
    void finish() {
        {
            std::lock_guard lock(mutex_);
            if (done_) return;
            done_ = true;
        }
        wake_.notify_all();
        thread_.join();
        if (always_ && !drawn_) draw(sim_.progress(), secondsSince(start_));
        if (drawn_) std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
    }

  private:
    static double secondsSince(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }
    void loop() {
        std::unique_lock lock(mutex_);
        // The first frame waits a little, so that short runs do not flash a bar.
        while (!wake_.wait_for(lock, std::chrono::milliseconds(drawn_ ? 100 : 400),
                               [this] { return done_; }))
            draw(sim_.progress(), secondsSince(start_));
    }
    void draw(const sim::Simulation::Progress& p, double wall) {
        constexpr int kWidth = 30;
        char bar[kWidth + 1] = {};
        std::string head;
        if (horizon_ != sim::kTimeNever && horizon_ > 0) {
            const double f =
                std::min(1.0, static_cast<double>(p.now) / static_cast<double>(horizon_));
            const int filled = static_cast<int>(f * kWidth);
            for (int i = 0; i < kWidth; ++i)
                bar[i] = i < filled ? '#' : '.';
            char pct[16];
            std::snprintf(pct, sizeof pct, "%3.0f%%", f * 100);
            head = std::string("[") + bar + "] " + pct + "  " + sim::formatTime(p.now) + " of " +
                   sim::formatTime(horizon_);
        } else {
            head = sim::formatTime(p.now);
        }
        const std::string rate = siNumber(wall > 0 ? static_cast<double>(p.executed) / wall : 0);
        std::fprintf(stderr, "\r\033[K%s  %s events  %s events/s", head.c_str(),
                     groupDigits(p.executed).c_str(), rate.c_str());
        std::fflush(stderr);
        drawn_ = true;
    }

    const sim::Simulation& sim_;
    sim::SimTime horizon_;
    bool always_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    bool drawn_ = false;
    std::thread thread_;
};

/// The scenario file and `--set` options that validate and run share.
struct ScenarioArgs {
    std::string command;  ///< for messages: "validate", "run"
    std::string file;
    std::vector<std::string> overrides;

    /// Consumes the next word: a --set, the file, or (an error) an unknown option or a second
    /// file. Returns kExitOk, or kExitUsage after saying why.
    int take(Args& args) {
        std::string value, error;
        if (args.option("set", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            overrides.push_back(value);
        } else if (args.peek().rfind("--", 0) == 0) {
            printError(command + ": unknown option " + args.peek() + " (see dais " + command +
                       " --help)");
            return kExitUsage;
        } else if (file.empty()) {
            file = args.take();
        } else {
            printError(command + ": one file at a time (got \"" + file + "\" and \"" + args.peek() +
                       "\")");
            return kExitUsage;
        }
        return kExitOk;
    }

    /// Loads the file with the overrides; on failure prints why and sets `exitCode`.
    std::optional<core::Scenario> load(int& exitCode) const {
        if (file.empty()) {
            printError(command + ": which scenario file? (usage: dais " + command + " FILE)");
            exitCode = kExitUsage;
            return std::nullopt;
        }
        auto scenario = core::loadScenarioFile(file, overrides);
        if (!scenario) {
            std::fprintf(stderr, "%s\n", scenario.error().message.c_str());
            exitCode = kExitBadInput;
            return std::nullopt;
        }
        return std::move(scenario).value();
    }
};

int commandValidate(Args& args) {
    ScenarioArgs sa{"validate", {}, {}};
    bool quiet = false;
    while (!args.done()) {
        if (args.flag("help")) {
            std::fputs(kValidateHelp, stdout);
            return kExitOk;
        }
        if (args.flag("quiet"))
            quiet = true;
        else if (const int code = sa.take(args); code != kExitOk)
            return code;
    }
    int code = kExitOk;
    const std::optional<core::Scenario> scenario = sa.load(code);
    if (!scenario) return code;
    // Experiments: every point of every sweep, as `dais sweep` checks them before running.
    std::vector<std::string> experiments;
    if (!scenario->experiments.empty())
        if (const int x = checkExperiments(sa.file, sa.overrides, experiments); x != kExitOk)
            return x;
    if (!quiet) {
        const core::Scenario& s = *scenario;
        std::size_t members = s.network.nodes.size();
        for (const auto& g : s.network.groups)
            members += g.count;
        std::printf(
            "%s: valid (format version %d, \"%s\", %s nodes in %zu groups and %zu single nodes)\n",
            sa.file.c_str(), s.version, s.meta.name.c_str(), groupDigits(members).c_str(),
            s.network.groups.size(), s.network.nodes.size());
        for (const std::string& line : experiments)
            std::printf("  %s\n", line.c_str());
    }
    return kExitOk;
}

/// A byte count with an SI prefix: "0 B", "512 B", "2.4 GB".
std::string bytesText(std::uint64_t bytes) {
    const std::string n = siNumber(static_cast<double>(bytes));
    return n + (n.back() >= '0' && n.back() <= '9' ? " B" : "B");
}

/// A fraction as a percentage with the digits that matter: "42.3%", "0.052%".
void printSummary(const core::RunReport& r, const std::string& file) {
    std::printf("scenario     %s (%s)\n", r.scenarioName.c_str(), file.c_str());
    std::printf("network      %s nodes, %s links\n", groupDigits(r.nodes).c_str(),
                groupDigits(r.links).c_str());
    std::printf("seed         %llu   queue %s\n", static_cast<unsigned long long>(r.seed),
                std::string(sim::queueKindName(r.queue)).c_str());
    std::printf("events       %s\n", groupDigits(r.events).c_str());
    std::printf("simulated    %s (%s)\n", sim::formatTime(r.simulatedTime).c_str(),
                std::string(sim::stopReasonName(r.stopReason)).c_str());
    std::printf("wall time    %.3f s\n", r.wallSeconds);
    std::printf(
        "events/s     %s\n",
        siNumber(r.wallSeconds > 0 ? static_cast<double>(r.events) / r.wallSeconds : 0).c_str());
    std::printf("fingerprint  %s\n", r.fingerprint.c_str());
    if (r.status != core::RunStatus::Completed)
        std::printf("status       %s%s%s\n", std::string(core::runStatusName(r.status)).c_str(),
                    r.error.empty() ? "" : ": ", r.error.c_str());
    if (!r.layerVersions.empty()) {
        std::string layers;
        for (const auto& [id, version] : r.layerVersions)
            layers += (layers.empty() ? "" : ", ") + id + " " + version;
        std::printf("layers       %s\n", layers.c_str());
    }
    if (!r.metrics.empty()) {
        std::size_t width = 0;
        for (const auto& m : r.metrics)
            width = std::max(width, m.name.size());
        std::printf("\nmetrics\n");
        for (const auto& m : r.metrics)
            std::printf("  %-*s  %s\n", static_cast<int>(width), m.name.c_str(),
                        metricLine(m).c_str());
    }
    if (!r.busiestLinks.empty()) {
        std::printf("\nbusiest links (share of time transmitting)\n");
        for (const auto& l : r.busiestLinks)
            std::printf("  %-24s -> %-24s %7s  %s\n", l.from.c_str(), l.to.c_str(),
                        percent(l.utilisation).c_str(), bytesText(l.bytes).c_str());
    }
}

nlohmann::json summaryJson(const core::RunReport& r, const std::string& file) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& m : r.metrics)
        metrics[m.name] = metricJson(m);
    nlohmann::json links = nlohmann::json::array();
    for (const auto& l : r.busiestLinks)
        links.push_back(
            {{"from", l.from}, {"to", l.to}, {"utilisation", l.utilisation}, {"bytes", l.bytes}});
    return {{"scenario", r.scenarioName},
            {"file", file},
            {"status", std::string(core::runStatusName(r.status))},
            {"error", r.error},
            {"layers", r.layerVersions},
            {"seed", r.seed},
            {"queue", std::string(sim::queueKindName(r.queue))},
            {"nodes", r.nodes},
            {"links", r.links},
            {"events", r.events},
            {"simulated_seconds", sim::toSeconds(r.simulatedTime)},
            {"stop_reason", std::string(sim::stopReasonName(r.stopReason))},
            {"wall_seconds", r.wallSeconds},
            {"events_per_second",
             r.wallSeconds > 0 ? static_cast<double>(r.events) / r.wallSeconds : 0.0},
            {"fingerprint", r.fingerprint},
            {"metrics", metrics},
            {"busiest_links", links}};
}

/// Prints trace records on stderr as the run makes them, one line each: simulated time, node,
/// category and text. Records made while the layers set up, before the network's names are
/// known, wait until nameNodes() is called.
class TracePrinter final : public sim::Observer {
  public:
    explicit TracePrinter(const std::string& categories) {
        std::size_t start = 0;
        while (start <= categories.size()) {
            const std::size_t comma = std::min(categories.find(',', start), categories.size());
            categories_.push_back(categories.substr(start, comma - start));
            start = comma + 1;
        }
        all_ = std::find(categories_.begin(), categories_.end(), "all") != categories_.end();
    }
    void nameNodes(const sim::Network& network) {
        network_ = &network;
        for (const Held& h : held_)
            print(h.time, h.node, h.category, h.text);
        held_.clear();
    }
    void onTrace(const sim::TraceRecord& r) override {
        if (!all_ &&
            std::find(categories_.begin(), categories_.end(), r.category) == categories_.end())
            return;
        if (!network_)
            held_.push_back({r.time, r.node, std::string(r.category), std::string(r.text)});
        else
            print(r.time, r.node, r.category, r.text);
    }

  private:
    struct Held {
        sim::SimTime time;
        sim::TargetId node;
        std::string category, text;
    };
    void print(sim::SimTime t, sim::TargetId node, std::string_view category,
               std::string_view text) const {
        const std::string name =
            node < network_->nodeCount() ? network_->nodeName(node) : "#" + std::to_string(node);
        std::fprintf(stderr, "%14.6f s  %-16s %.*s: %.*s\n", sim::toSeconds(t), name.c_str(),
                     static_cast<int>(category.size()), category.data(),
                     static_cast<int>(text.size()), text.data());
    }
    std::vector<std::string> categories_;
    bool all_ = false;
    const sim::Network* network_ = nullptr;
    std::vector<Held> held_;
};

int commandRun(Args& args) {
    ScenarioArgs sa{"run", {}, {}};
    core::RunOptions options;
    bool json = false;
    double speed = 0;
    int progress = -1;      // -1: on a terminal only
    std::string storePath;  // empty: the default store
    bool noStore = false;
    std::vector<std::string> parameters;  // the run's choices as "PATH=VALUE", for the store
    std::optional<TracePrinter> tracer;
    while (!args.done()) {
        std::string value, error;
        if (args.flag("help")) {
            std::fputs(kRunHelp, stdout);
            return kExitOk;
        }
        if (args.option("seed", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            const auto seed = parseUnsigned(value);
            if (!seed)
                return printError(
                           "--seed: expected a whole number from 0 to 18446744073709551615, got "
                           "\"" +
                           value + "\""),
                       kExitUsage;
            options.seed = *seed;
        } else if (args.option("until", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            const auto t = core::parseDuration(value);
            if (!t || *t <= 0)
                return printError(
                           "--until: expected a positive duration like 30s or 1.5min, got \"" +
                           value + "\""),
                       kExitUsage;
            options.until = *t;
            parameters.push_back("run.until=" + value);
        } else if (args.option("queue", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            sim::QueueKind q;
            if (!sim::parseQueueKind(value, q))
                return printError("--queue: expected heap or ladder, got \"" + value + "\""),
                       kExitUsage;
            options.queue = q;
            parameters.push_back("run.queue=" + value);
        } else if (args.option("speed", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            char* end = nullptr;
            speed = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(speed >= 0.1 && speed <= 1000))
                return printError("--speed: expected a number from 0.1 to 1000, got \"" + value +
                                  "\""),
                       kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else if (args.option("store", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            if (value.empty()) return printError("--store: the path is empty"), kExitUsage;
            storePath = value;
        } else if (args.flag("no-store")) {
            noStore = true;
        } else if (args.flag("progress")) {
            progress = 1;
        } else if (args.flag("no-progress")) {
            progress = 0;
        } else if (args.option("trace", value, error)) {
            if (!error.empty()) return printError(error), kExitUsage;
            if (value.empty())
                return printError("--trace: name the categories (federated, net, ...) or all"),
                       kExitUsage;
            tracer.emplace(value);
        } else if (const int code = sa.take(args); code != kExitOk) {
            return code;
        }
    }
    int code = kExitOk;
    const std::optional<core::Scenario> scenario = sa.load(code);
    if (!scenario) return code;
    if (noStore && !storePath.empty())
        return printError("--store and --no-store contradict each other"), kExitUsage;
    std::unique_ptr<store::RunStore> runStore;
    std::optional<store::RunRecorder> recorder;
    if (!noStore) {
        auto opened = openRecordingStore(storePath);
        if (!opened) return printError(opened.error().message), kExitBadInput;
        runStore = std::move(opened).value();
        recorder.emplace(*runStore);
    }
    if (tracer) {
        options.observer = &*tracer;
        options.trace = true;
    }
    auto run = core::ScenarioRun::prepare(*scenario, options);
    if (!run) {
        std::fprintf(stderr, "%s\n", run.error().message.c_str());
        return kExitBadInput;
    }
    if (tracer) tracer->nameNodes((*run)->network());
    parameters.insert(parameters.begin(), sa.overrides.begin(), sa.overrides.end());
    if (recorder) {
        auto begun = recorder->begin(*scenario, options.seed.value_or(scenario->run.seed),
                                     parameters, options.until);
        if (!begun) return printError(begun.error().message), kExitFailure;
    }
    // The run goes on the runner's worker thread; this thread draws progress and turns Ctrl-C
    // into a stop, so an interrupted run still finishes its layers and reports.
    const sim::Simulation& sim = (*run)->simulation();
    const sim::SimTime horizon = (*run)->horizon();
    core::Runner runner(std::move(run.value()));
    runner.setSpeed(speed);
    if (recorder) runner.addObserver(recorder->observer());
    core::RunReport report;
    {
        // The bar and trace lines share stderr: with a trace, only an asked-for bar.
        const bool showBar = progress == 1 || (progress == -1 && !tracer && stderrIsTerminal());
        std::optional<ProgressBar> bar;
        if (showBar) bar.emplace(sim, horizon, progress == 1);
        const InterruptWatch interrupt;
        runner.start();
        bool stopping = false;
        while (!runner.wait(std::chrono::milliseconds(50)))
            if (!stopping && interrupt.requested()) {
                stopping = true;
                runner.stop();
            }
        report = *runner.report();
    }
    if (json)
        std::printf("%s\n", summaryJson(report, sa.file).dump(2).c_str());
    else
        printSummary(report, sa.file);
    if (recorder) {
        if (auto finished = recorder->finish(report); !finished)
            return printError(finished.error().message), kExitFailure;
        std::fprintf(json ? stderr : stdout, "%sstored as run %lld in %s\n", json ? "" : "\n",
                     static_cast<long long>(recorder->id()), runStore->path().c_str());
    }
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

int commandBench(Args& args) {
    if (args.done() || args.peek() == "--help") {
        std::fputs(kBenchHelp, stdout);
        return args.done() ? kExitUsage : kExitOk;
    }
    const std::string which = args.take();
    std::vector<std::string> rest;
    while (!args.done())
        rest.push_back(args.take());
    if (which == "phold") return benchPhold(rest);
    if (which == "runner") return benchRunner(rest);
    if (which == "store") return benchStore(rest);
    if (which == "fl") return benchFl(rest);
    printError("bench: unknown benchmark \"" + which + "\" (available: phold, runner, store, fl)");
    return kExitUsage;
}

int dispatch(const std::string& command, Args& args) {
    if (command == "validate") return commandValidate(args);
    if (command == "run") return commandRun(args);
    if (command == "bench") return commandBench(args);
    if (command == "layers") return commandLayers(args);
    if (command == "runs") return commandRuns(args);
    if (command == "sweep") return commandSweep(args);
    printError("unknown command \"" + command +
               "\" (commands: validate, run, sweep, layers, runs, bench, help)");
    return kExitUsage;
}

}  // namespace
}  // namespace dais::app

int main(int argc, char** argv) {
    using namespace dais::app;
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "--help" || words[0] == "-h") {
        std::fputs(kMainHelp, stdout);
        return words.empty() ? kExitUsage : kExitOk;
    }
    if (words[0] == "--version") {
        std::printf("dais %s\n", std::string(dais::core::versionString()).c_str());
        return kExitOk;
    }
    if (words[0] == "help") {
        if (words.size() < 2) return std::fputs(kMainHelp, stdout), kExitOk;
        const std::string& c = words[1];
        if (c == "validate") return std::fputs(kValidateHelp, stdout), kExitOk;
        if (c == "run") return std::fputs(kRunHelp, stdout), kExitOk;
        if (c == "bench") return std::fputs(kBenchHelp, stdout), kExitOk;
        if (c == "layers") return std::fputs(kLayersHelp, stdout), kExitOk;
        if (c == "runs") return std::fputs(kRunsHelp, stdout), kExitOk;
        if (c == "sweep") return std::fputs(kSweepHelp, stdout), kExitOk;
        printError("help: unknown command \"" + c + "\"");
        return kExitUsage;
    }
    const std::string command = words[0];
    Args args(std::vector<std::string>(words.begin() + 1, words.end()));
    try {
        return dispatch(command, args);
    } catch (const std::exception& e) {
        // Only a defect gets here; say so plainly rather than abort with a core dump.
        printError(std::string("internal error: ") + e.what());
        return kExitFailure;
    }
}
