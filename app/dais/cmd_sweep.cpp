// dais sweep: the experiments of a scenario file, run on threads and (under mpirun) on many
// processes, every run stored, and a summary per point.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "commands.h"
#include "dais/core/experiment.h"
#include "dais/core/scenario.h"
#include "dais/core/sweep.h"
#include "dais/store/run_store.h"
#include "dais/store/sweep_recorder.h"
#include "recording_store.h"
#include "scenario_args.h"
#include "sweep_cluster.h"

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

using Json = nlohmann::json;
using core::SweepRunStatus;

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

/// Whether this process prints: always, except the ranks other than 0 of an MPI job (which
/// print errors only, and only those that rank 0 cannot know about).
bool isLead() {
    if (!startedByMpirun()) return true;
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    return rank == nullptr || std::string_view(rank) == "0";
}

/// The cores this process may run on (its CPU affinity), shared with the other processes
/// mpirun started on this machine.
unsigned defaultJobs() {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        unsigned allowed = 0;
        for (int c = 0; c < CPU_SETSIZE; ++c)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
            allowed += CPU_ISSET(c, &set) ? 1 : 0;
#pragma GCC diagnostic pop
        if (allowed > 0) cores = std::min(cores, allowed);
    }
    if (startedByMpirun())
        cores = std::min(cores, std::max(1u, std::max(1u, std::thread::hardware_concurrency()) /
                                                 static_cast<unsigned>(localProcesses())));
    return std::max(1u, cores);
}

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

/// "[#####.....]  12/36 runs  1 failed  3.2 s" on stderr, redrawn from the sweep's own loop.
/// On a terminal a short sweep shows none; asked for (`always`), at least the last frame.
class SweepBar {
  public:
    SweepBar(bool enabled, bool always) : enabled_(enabled), always_(always) {}
    ~SweepBar() { finish(); }
    void update(std::size_t finished, std::size_t total, std::size_t failed) {
        finished_ = finished;
        total_ = total;
        failed_ = failed;
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        const auto due = drawn_ ? last_ + std::chrono::milliseconds(100)
                                : start_ + std::chrono::milliseconds(400);
        if (now >= due) draw(now);
    }
    void finish() {
        if (!enabled_ || finished_called_) return;
        finished_called_ = true;
        if (always_ && !drawn_) draw(std::chrono::steady_clock::now());
        if (drawn_) std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
    }

  private:
    void draw(std::chrono::steady_clock::time_point now) {
        constexpr int kWidth = 30;
        const double f =
            total_ > 0 ? static_cast<double>(finished_) / static_cast<double>(total_) : 1.0;
        std::string bar(kWidth, '.');
        for (int i = 0; i < static_cast<int>(f * kWidth); ++i)
            bar[static_cast<std::size_t>(i)] = '#';
        const double wall = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "\r\033[K[%s] %3.0f%%  %s/%s runs%s  %.1f s", bar.c_str(), f * 100,
                     groupDigits(finished_).c_str(), groupDigits(total_).c_str(),
                     failed_ == 0 ? "" : ("  " + groupDigits(failed_) + " failed").c_str(), wall);
        std::fflush(stderr);
        drawn_ = true;
        last_ = now;
    }
    bool enabled_, always_;
    bool drawn_ = false, finished_called_ = false;
    std::size_t finished_ = 0, total_ = 0, failed_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_;
};

// ---- the store --------------------------------------------------------------------------------

/// Writes a sweep into the run store: the sweep record, then each run with its samples, in run
/// order.
class SweepRecorder {
  public:
    /// Opens the store to record into (empty: the default one).
    static core::Result<std::unique_ptr<SweepRecorder>> open(const std::string& path) {
        auto s = openRecordingStore(path);
        if (!s) return s.error();
        std::unique_ptr<SweepRecorder> r(new SweepRecorder());
        r->store_ = std::move(s).value();
        r->recorder_ = std::make_unique<store::SweepRecorder>(*r->store_);
        return r;
    }

    const std::string& path() const { return store_->path(); }

    core::Result<store::SweepId> begin(const core::SweepPlan& plan) {
        return recorder_->begin(plan);
    }

    /// Stores one run. A run cancelled before it finished is not stored.
    core::Result<void> record(const core::SweepPlan& plan, const core::SweepRunResult& r) {
        return recorder_->record(plan, r);
    }

  private:
    SweepRecorder() = default;

    std::unique_ptr<store::RunStore> store_;
    std::unique_ptr<store::SweepRecorder> recorder_;
};

// ---- running --------------------------------------------------------------------------------

struct Execution {
    std::vector<core::SweepRunResult> results;  ///< the lead's: every run, in order, no samples
    double wallSeconds = 0;
    bool interrupted = false;
    std::string storeError;  ///< the first error writing the store
};

[[noreturn]] void defect(Cluster* cluster, const std::string& message) {
    printError("internal error: " + message);
    if (cluster != nullptr) cluster->abort(kExitFailure);
    std::exit(kExitFailure);
}

Execution execute(const core::SweepPlan& plan, unsigned jobs, bool recordSamples, Cluster* cluster,
                  SweepRecorder* recorder, SweepBar* bar, const InterruptWatch* interrupt) {
    const auto start = std::chrono::steady_clock::now();
    const std::size_t size = cluster != nullptr ? static_cast<std::size_t>(cluster->size()) : 1;
    const std::size_t rank = cluster != nullptr ? static_cast<std::size_t>(cluster->rank()) : 0;
    core::SweepOptions options;
    options.jobs = jobs;
    options.recordSamples = recordSamples;
    // Runs are dealt out in turn, so expensive points (high load, long horizons) spread evenly.
    std::vector<std::size_t> mine;
    for (std::size_t i = rank; i < plan.runs.size(); i += size)
        mine.push_back(i);
    options.runs = mine;
    Execution out;
    std::optional<core::SweepExecutor> executor;
    if (!mine.empty()) executor.emplace(plan, options);

    if (rank != 0) {  // the other ranks send everything to rank 0 as it finishes
        while (std::optional<core::SweepRunResult> r = executor ? executor->next() : std::nullopt)
            cluster->send(core::encodeRunResult(*r));
        return out;
    }

    core::ResultSequencer sequencer(plan.runs.size());
    std::size_t finished = 0, failed = 0;
    auto arrived = [&](core::SweepRunResult&& r) {
        ++finished;
        if (r.status == SweepRunStatus::Failed) ++failed;
        sequencer.push(std::move(r));
    };
    const auto poll = std::chrono::milliseconds(cluster != nullptr ? 2 : 50);
    while (!sequencer.done()) {
        const bool localDone = !executor || executor->done();
        if (!localDone)
            if (std::optional<core::SweepRunResult> r = executor->next(poll))
                arrived(std::move(*r));
        if (cluster != nullptr) {
            // With nothing left to run here, wait for the other ranks instead of polling.
            while (std::optional<std::vector<std::uint8_t>> bytes = cluster->receive(localDone)) {
                core::Result<core::SweepRunResult> r = core::decodeRunResult(*bytes);
                if (!r.ok()) defect(cluster, r.error().message);
                arrived(std::move(r.value()));
                if (localDone) break;
            }
        } else if (localDone && !sequencer.done()) {
            defect(cluster, "the sweep ended with runs missing");
        }
        if (interrupt != nullptr && interrupt->requested() && executor && !executor->cancelled()) {
            executor->cancel();
            out.interrupted = true;
        }
        while (std::optional<core::SweepRunResult> r = sequencer.pop()) {
            if (recorder != nullptr && out.storeError.empty())
                if (core::Result<void> stored = recorder->record(plan, *r); !stored.ok())
                    out.storeError = stored.error().message;
            r->samples = {};  // stored; the summary needs only the final figures
            out.results.push_back(std::move(*r));
        }
        if (bar != nullptr) bar->update(finished, plan.runs.size(), failed);
    }
    out.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

// ---- the summary ----------------------------------------------------------------------------

/// A parameter value as a person reads it: strings without quotes, numbers (also those of a
/// quantity, "0.0133958760s") to six digits.
std::string valueText(const Json& v) {
    char buf[32];
    if (v.is_number_float()) {
        std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
        return buf;
    }
    if (!v.is_string()) return v.dump();
    const std::string text = v.get<std::string>();
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    const auto digits = static_cast<std::size_t>(end - text.c_str());
    if (digits <= 8 || !std::isfinite(number)) return text;
    std::snprintf(buf, sizeof buf, "%.6g", number);
    return buf + text.substr(digits);
}

/// Characters on screen (UTF-8 continuation bytes take no column).
std::size_t displayWidth(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

/// How a metric column shows its numbers: one scale for the whole column.
struct Scale {
    double factor = 1;
    std::string unit;  ///< shown in the header
};

Scale scaleFor(const std::string& unit, double magnitude) {
    if (unit == "s") {
        if (magnitude >= 1 || magnitude == 0) return {1, "s"};
        if (magnitude >= 1e-3) return {1e3, "ms"};
        if (magnitude >= 1e-6) return {1e6, "us"};
        return {1e9, "ns"};
    }
    if (unit == "1") return {100, "%"};
    return {1, unit};
}

std::string number(double v, const char* format) {
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

/// v with `decimals` decimals, its whole part in digit groups: "38,220,000", "6.179".
std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string text = buf;
    const std::size_t start = text[0] == '-' ? 1 : 0;
    std::size_t point = text.find('.');
    if (point == std::string::npos) point = text.size();
    for (std::size_t i = point; i > start + 3; i -= 3)
        text.insert(i - 3, ",");
    return text;
}

/// "6.179 ± 0.059": the half-width to two significant digits and the mean to the same decimal
/// place, so the digits shown are the digits that mean something.
std::string meanAndHalfWidth(double mean, double halfWidth) {
    if (!(halfWidth > 0) || !std::isfinite(halfWidth) || !std::isfinite(mean))
        return number(mean, "%.4g") + " ± " + number(halfWidth, "%.2g");
    const int lead = static_cast<int>(std::floor(std::log10(halfWidth)));
    const double unit = std::pow(10.0, lead - 1);  // the half-width's second digit
    const int decimals = std::clamp(1 - lead, 0, 12);
    return fixed(std::round(mean / unit) * unit, decimals) + " ± " +
           fixed(std::round(halfWidth / unit) * unit, decimals);
}

std::string cell(const core::MetricSummary& m, const Scale& scale, std::size_t pointRuns) {
    const core::SampleStats& s = m.stats;
    if (s.n == 0) return "-";
    std::string text = s.n >= 2
                           ? meanAndHalfWidth(s.mean * scale.factor, s.halfWidth * scale.factor)
                           : number(s.mean * scale.factor, "%.4g");
    if (s.n != pointRuns) text += " (n=" + std::to_string(s.n) + ")";
    return text;
}

std::string seedsText(const std::vector<std::uint64_t>& seeds) {
    bool consecutive = seeds.size() > 2;
    for (std::size_t i = 1; i < seeds.size() && consecutive; ++i)
        consecutive = seeds[i] == seeds[i - 1] + 1;
    if (consecutive) return std::to_string(seeds.front()) + ".." + std::to_string(seeds.back());
    std::string out;
    for (std::size_t i = 0; i < seeds.size() && i < 10; ++i)
        out += (i == 0 ? "" : ", ") + std::to_string(seeds[i]);
    if (seeds.size() > 10) out += ", ...";
    return out;
}

void printTable(const std::vector<std::vector<std::string>>& rows, std::size_t leftAligned) {
    std::vector<std::size_t> width(rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], displayWidth(row[c]));
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string pad(width[c] - displayWidth(row[c]), ' ');
            line += (c == 0 ? "" : "  ") + (c < leftAligned ? row[c] + pad : pad + row[c]);
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

void printSummary(const SweepArgs& a, const core::SweepPlan& plan, const Execution& e,
                  const std::vector<core::PointSummary>& summary, unsigned jobs, int processes,
                  const std::optional<store::SweepId>& sweep, const std::string& storePath) {
    std::size_t completed = 0, failed = 0, cancelled = 0;
    for (const core::SweepRunResult& r : e.results) {
        completed += r.status == SweepRunStatus::Completed ? 1 : 0;
        failed += r.status == SweepRunStatus::Failed ? 1 : 0;
        cancelled += r.status == SweepRunStatus::Cancelled ? 1 : 0;
    }
    std::printf("scenario     %s (%s)\n", plan.scenarioName.c_str(), a.file.c_str());
    std::printf("experiment   %s%s%s\n", plan.experiment.id.c_str(),
                plan.experiment.description.empty() ? "" : ": ",
                plan.experiment.description.c_str());
    std::string runs = groupDigits(plan.runs.size()) + " = " + groupDigits(plan.points.size()) +
                       (plan.points.size() == 1 ? " point x " : " points x ") +
                       groupDigits(plan.seeds.size()) +
                       (plan.seeds.size() == 1 ? " seed" : " seeds") + " (" +
                       seedsText(plan.seeds) + "); " + groupDigits(completed) + " completed";
    if (failed > 0) runs += ", " + groupDigits(failed) + " failed";
    if (cancelled > 0) runs += ", " + groupDigits(cancelled) + " not run (stopped)";
    std::printf("runs         %s\n", runs.c_str());
    std::string parallel = std::to_string(jobs) + (jobs == 1 ? " job" : " jobs");
    if (processes > 1) parallel = std::to_string(processes) + " processes x " + parallel;
    std::printf("wall time    %.3f s (%s)\n\n", e.wallSeconds, parallel.c_str());

    // Columns: point, the parameters, n, then the metrics, split into several tables when
    // they would not fit a wide terminal.
    const std::size_t fixed = 2 + plan.parameters.size();
    std::vector<Scale> scales;
    for (std::size_t m = 0; m < plan.metrics.size(); ++m) {
        double magnitude = 0;
        std::string unit;
        for (const core::PointSummary& p : summary) {
            const core::MetricSummary& ms = p.metrics[m];
            if (!ms.unit.empty()) unit = ms.unit;
            if (ms.stats.n > 0) magnitude = std::max(magnitude, std::abs(ms.stats.mean));
        }
        scales.push_back(scaleFor(unit, magnitude));
    }
    auto header = [&](std::size_t m) {
        const Scale& s = scales[m];
        return plan.metrics[m] + (s.unit.empty() ? "" : " (" + s.unit + ")");
    };
    constexpr std::size_t kMaxWidth = 120;
    std::size_t m = 0;
    do {
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> head = {"point"};
        head.insert(head.end(), plan.parameters.begin(), plan.parameters.end());
        head.push_back("n");
        rows.push_back(head);
        for (const core::PointSummary& p : summary) {
            std::vector<std::string> row = {std::to_string(p.point)};
            for (const core::ParameterValue& v : plan.points[p.point].values)
                row.push_back(valueText(v.value));
            row.push_back(std::to_string(p.completed));
            rows.push_back(std::move(row));
        }
        std::size_t width = 0;
        for (std::size_t c = 0; c < fixed; ++c) {
            std::size_t w = 0;
            for (const auto& row : rows)
                w = std::max(w, displayWidth(row[c]));
            width += w + 2;
        }
        const std::size_t first = m;
        for (; m < plan.metrics.size(); ++m) {
            std::size_t w = displayWidth(header(m));
            for (const core::PointSummary& p : summary)
                w = std::max(w, displayWidth(cell(p.metrics[m], scales[m], p.completed)));
            if (m > first && width + w > kMaxWidth) break;
            width += w + 2;
            rows[0].push_back(header(m));
            for (std::size_t r = 0; r < summary.size(); ++r)
                rows[r + 1].push_back(cell(summary[r].metrics[m], scales[m], summary[r].completed));
        }
        if (first > 0) std::printf("\n");
        printTable(rows, 1);
    } while (m < plan.metrics.size());
    std::printf(
        "\nEach metric: mean ± half-width of its 95%% confidence interval over the point's "
        "n runs.\n");

    if (failed > 0) {
        std::printf("\nfailed runs\n");
        for (const core::SweepRunResult& r : e.results) {
            if (r.status != SweepRunStatus::Failed) continue;
            std::string message = r.error;
            if (const std::size_t nl = message.find('\n'); nl != std::string::npos)
                message = message.substr(0, nl) + " ...";
            std::printf("  point %zu, seed %llu: %s\n", r.point,
                        static_cast<unsigned long long>(r.seed), message.c_str());
        }
    }
    if (sweep)
        std::printf("\nsweep %lld stored in %s\n", static_cast<long long>(*sweep),
                    storePath.c_str());
}

Json summaryJson(const SweepArgs& a, const core::SweepPlan& plan, const Execution& e,
                 const std::vector<core::PointSummary>& summary, unsigned jobs, int processes,
                 const std::optional<store::SweepId>& sweep, const std::string& storePath) {
    Json points = Json::array();
    for (const core::PointSummary& p : summary) {
        Json values = Json::object();
        for (const core::ParameterValue& v : plan.points[p.point].values)
            values[v.path] = v.value;
        Json metrics = Json::object();
        for (const core::MetricSummary& m : p.metrics) {
            const core::SampleStats& s = m.stats;
            Json j = {{"unit", m.unit}, {"n", s.n}};
            if (s.n > 0) j["mean"] = s.mean;
            if (s.n > 1) {
                j["stddev"] = s.stddev;
                j["half_width"] = s.halfWidth;
                j["ci95"] = {s.lower(), s.upper()};
            }
            metrics[m.selector] = std::move(j);
        }
        points.push_back({{"index", p.point},
                          {"values", std::move(values)},
                          {"completed", p.completed},
                          {"failed", p.failed},
                          {"not_run", p.cancelled},
                          {"metrics", std::move(metrics)}});
    }
    Json runs = Json::array();
    for (const core::SweepRunResult& r : e.results) {
        Json j = {{"index", r.index},
                  {"point", r.point},
                  {"replicate", r.replicate},
                  {"seed", r.seed},
                  {"status", std::string(core::sweepRunStatusName(r.status))}};
        if (!r.error.empty()) j["error"] = r.error;
        if (!r.report.fingerprint.empty()) {
            j["fingerprint"] = r.report.fingerprint;
            j["events"] = r.report.events;
        }
        runs.push_back(std::move(j));
    }
    return {{"file", a.file},
            {"scenario", plan.scenarioName},
            {"experiment", plan.experiment.id},
            {"parameters", plan.parameters},
            {"seeds", plan.seeds},
            {"metrics", plan.metrics},
            {"wall_seconds", e.wallSeconds},
            {"jobs", jobs},
            {"processes", processes},
            {"sweep", sweep ? Json(*sweep) : Json()},
            {"store", sweep ? Json(storePath) : Json()},
            {"points", std::move(points)},
            {"runs", std::move(runs)}};
}

// ---- the command ------------------------------------------------------------------------------

/// Reads the scenario file as text (once: the planner parses it once for every point).
int readScenario(const SweepArgs& a, std::string& text) {
    auto content = core::readScenarioText(a.file);
    if (!content) {
        std::fprintf(stderr, "%s\n", content.error().message.c_str());
        return kExitBadInput;
    }
    text = std::move(content).value();
    return kExitOk;
}

/// Every experiment to run, planned and checked; `problems` lists what is wrong.
int planAll(const SweepArgs& a, const std::string& text, std::vector<core::SweepPlan>& plans,
            std::string& problems) {
    std::vector<std::string> ids;
    if (!a.experiment.empty()) {
        ids.push_back(a.experiment);
    } else {
        auto experiments = core::loadExperiments(text, a.file, a.overrides);
        if (!experiments) {
            problems = experiments.error().message;
            return kExitBadInput;
        }
        for (const core::Experiment& x : *experiments)
            ids.push_back(x.id);
        if (ids.empty()) ids.push_back("");  // planSweep explains what is missing
    }
    int code = kExitOk;
    for (const std::string& id : ids) {
        auto plan = core::planSweep(text, a.file, a.overrides, id);
        if (!plan) {
            problems += (problems.empty() ? "" : "\n") + plan.error().message;
            code = kExitBadInput;
            continue;
        }
        plans.push_back(std::move(plan.value()));
    }
    return code;
}

/// Agrees on an outcome across the processes of a job: the worst code wins. Rank 0 prints its
/// own problems; another rank prints its problems only when rank 0 did not have them (a file or
/// a plugin that differs between machines), naming itself.
int agree(Cluster* cluster, int code, const std::string& problems) {
    const bool lead = cluster == nullptr || cluster->rank() == 0;
    if (lead && !problems.empty()) std::fprintf(stderr, "%s\n", problems.c_str());
    if (cluster == nullptr) return code;
    const int leadCode = std::stoi(cluster->broadcast(std::to_string(code)));
    const int worst = cluster->maxOf(code);
    if (!lead && !problems.empty() && leadCode == kExitOk)
        std::fprintf(stderr, "dais: rank %d on %s:\n%s\n", cluster->rank(), cluster->host().c_str(),
                     problems.c_str());
    return worst;
}

int sweep(const SweepArgs& a, Cluster* cluster) {
    const bool lead = cluster == nullptr || cluster->rank() == 0;
    const int processes = cluster != nullptr ? cluster->size() : 1;

    // Rank 0 reads the file and hands it to the others, so only it needs the file.
    std::string text;
    int code = lead ? readScenario(a, text) : kExitOk;
    if (cluster != nullptr) {
        code = cluster->maxOf(code);
        if (code == kExitOk) text = cluster->broadcast(text);
    }
    if (code != kExitOk) return code;

    std::vector<core::SweepPlan> plans;
    std::string problems;
    code = agree(cluster, planAll(a, text, plans, problems), problems);
    if (code != kExitOk) return code;

    std::unique_ptr<SweepRecorder> recorder;
    if (lead && !a.noStore) {
        if (auto opened = SweepRecorder::open(a.store)) {
            recorder = std::move(opened).value();
        } else {
            printError(opened.error().message);
            code = kExitBadInput;
        }
    }
    if (cluster != nullptr) code = cluster->maxOf(code);
    if (code != kExitOk) return code;

    const unsigned jobs = a.jobs.value_or(defaultJobs());
    const bool showBar =
        lead && (a.progress == 1 || (a.progress == -1 && isatty(fileno(stderr)) != 0));
    std::optional<InterruptWatch> interrupt;
    if (cluster == nullptr) interrupt.emplace();  // under mpirun, mpirun owns the signals

    Json sweeps = Json::array();
    int result = kExitOk;
    bool storeFailed = false;
    for (const core::SweepPlan& plan : plans) {
        std::optional<store::SweepId> sweepId;
        if (recorder && !storeFailed) {
            auto id = recorder->begin(plan);
            if (!id) {
                printError(id.error().message);
                storeFailed = true;
            } else {
                sweepId = *id;
            }
        }
        Execution e;
        {
            SweepBar bar(showBar, a.progress == 1);
            e = execute(plan, jobs, !a.noStore, cluster,
                        recorder && sweepId ? recorder.get() : nullptr, lead ? &bar : nullptr,
                        interrupt ? &*interrupt : nullptr);
        }
        if (!lead) continue;
        if (!e.storeError.empty()) {
            printError(e.storeError);
            storeFailed = true;
        }
        const auto summary = core::summarizeSweep(plan, e.results);
        const std::string storePath = recorder ? recorder->path() : std::string();
        if (a.json)
            sweeps.push_back(summaryJson(a, plan, e, summary, jobs, processes, sweepId, storePath));
        else {
            if (&plan != &plans.front()) std::printf("\n");
            printSummary(a, plan, e, summary, jobs, processes, sweepId, storePath);
        }
        std::size_t failed = 0;
        for (const core::SweepRunResult& r : e.results)
            failed += r.status == SweepRunStatus::Failed ? 1 : 0;
        if (failed > 0) {
            printError("sweep " + plan.experiment.id + ": " + groupDigits(failed) + " of " +
                       groupDigits(plan.runs.size()) + " runs failed");
            result = std::max(result, static_cast<int>(kExitFailure));
        }
        if (e.interrupted) {
            result = kExitInterrupted;
            break;
        }
    }
    if (lead && a.json) std::printf("%s\n", Json{{"sweeps", sweeps}}.dump(2).c_str());
    if (storeFailed && result == kExitOk) result = kExitFailure;
    if (cluster != nullptr) result = cluster->maxOf(result);
    return result;
}

}  // namespace

int checkExperiments(const std::string& file, const std::vector<std::string>& overrides,
                     std::vector<std::string>& summary) {
    SweepArgs a;
    a.file = file;
    a.overrides = overrides;
    std::string text;
    if (const int code = readScenario(a, text); code != kExitOk) return code;
    std::vector<core::SweepPlan> plans;
    std::string problems;
    if (const int code = planAll(a, text, plans, problems); code != kExitOk) {
        std::fprintf(stderr, "%s\n", problems.c_str());
        return code;
    }
    for (const core::SweepPlan& p : plans)
        summary.push_back("experiment " + p.experiment.id + ": " + groupDigits(p.points.size()) +
                          (p.points.size() == 1 ? " point x " : " points x ") +
                          groupDigits(p.seeds.size()) + (p.seeds.size() == 1 ? " seed" : " seeds") +
                          " = " + groupDigits(p.runs.size()) +
                          (p.runs.size() == 1 ? " run" : " runs"));
    return kExitOk;
}

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
