// dais runs: list, show, compare, export, annotate and delete the runs kept in the run store.
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "dais/core/scenario_run.h"
#include "dais/store/parameter_difference.h"
#include "dais/store/run_store.h"
#include "metric_text.h"

namespace dais::app {

const char* const kRunsHelp = R"(usage: dais runs COMMAND [ARGS...] [--store PATH]

The run store keeps every `dais run` (unless it was given --no-store): its scenario, seed,
parameters, layer versions, outcome, final metrics and metric samples over time.

commands:
  list                  the stored runs, newest first
      --status S        only runs of that status: running, completed, failed, stopped or
                        interrupted (a run whose process ended before it finished)
      --scenario NAME   only runs of that scenario (its name or content hash)
      --sweep ID        only the runs of that sweep
      --limit N         at most N runs
  show ID               one run: its record, parameters, layer versions, final metrics,
                        sampled metrics and annotations
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
  --json                list, show, diff: print JSON

exit codes: 0 success, 1 the work failed (an I/O error), 2 the command line is wrong,
3 the store is missing, not a run store, damaged or too new, or a run id is unknown
)";

namespace {

using store::RunId;
using store::RunRecord;
using store::RunStore;

int fail(const std::string& message, int code) {
    printError(message);
    return code;
}

/// "2026-05-04 13:02:11" in local time, from Unix milliseconds.
std::string localTime(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

/// "2026-05-04T11:02:11.250Z", from Unix milliseconds.
std::string isoTime(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}

/// The shortest text that reads back as the same double; empty for NaN.
std::string number(double v) {
    if (std::isnan(v)) return "";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// A metric value for people: times as times, the rest with a few significant digits.
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (const char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

nlohmann::json runJson(const RunRecord& r) {
    nlohmann::json j = {
        {"id", r.id},
        {"scenario", r.scenarioName},
        {"scenario_hash", r.scenarioHash},
        {"seed", r.seed},
        {"status", std::string(store::runStatusName(r.status))},
        {"error", r.error},
        {"started_at", isoTime(r.startedAt)},
        {"finished_at", r.finishedAt ? nlohmann::json(isoTime(*r.finishedAt)) : nlohmann::json()},
        {"wall_seconds", r.wallSeconds},
        {"events", r.events},
        {"simulated_seconds", sim::toSeconds(r.simulatedTime)},
        {"fingerprint", r.fingerprint},
        {"parameters", r.parameters},
        {"layer_versions", r.layerVersions},
        {"host", r.host},
        {"pid", r.pid},
    };
    j["sweep"] =
        r.sweep
            ? nlohmann::json{{"id", *r.sweep}, {"point", r.pointIndex}, {"replicate", r.replicate}}
            : nlohmann::json();
    return j;
}

/// The words of `dais runs SUBCOMMAND`: options, and the rest in order.
struct RunsArgs {
    std::string store;
    bool storeGiven = false;
    bool json = false;
    std::string format, output, status, scenario, sweep, limit;
    std::vector<std::string> words;

    /// Parses; on a problem prints it and returns kExitUsage.
    int parse(Args& args, const std::string& sub) {
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
                       take("scenario", scenario) || take("sweep", sweep) || take("limit", limit)) {
            } else if (args.flag("json")) {
                json = true;
            } else if (args.peek().rfind("--", 0) == 0) {
                printError("runs " + sub + ": unknown option " + args.peek() +
                           " (see dais runs --help)");
                return kExitUsage;
            } else {
                words.push_back(args.take());
            }
            if (!error.empty()) return printError(error), kExitUsage;
        }
        if (storeGiven && store.empty())
            return printError("--store: the path is empty"), kExitUsage;
        if (!storeGiven) store = store::defaultStorePath();
        return kExitOk;
    }
    /// The options this subcommand does not take, named in an error.
    /// Refuses the first option given that `sub` does not take.
    int allowOnly(const std::string& sub, std::initializer_list<std::string_view> allowed) const {
        const std::pair<const char*, bool> given[] = {{"json", json},
                                                      {"format", !format.empty()},
                                                      {"output", !output.empty()},
                                                      {"status", !status.empty()},
                                                      {"scenario", !scenario.empty()},
                                                      {"sweep", !sweep.empty()},
                                                      {"limit", !limit.empty()}};
        for (const auto& [name, set] : given)
            if (set && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                printError("runs " + sub + ": --" + name + " does not apply here");
                return kExitUsage;
            }
        return kExitOk;
    }
};

std::optional<RunId> parseRunId(const std::string& word) {
    const auto n = parseUnsigned(word);
    if (!n || *n == 0 || *n > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<RunId>(*n);
}

/// Parses run ids; prints the first bad one.
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

/// Opens the store: read-only, or (`write`) to change a store that exists. The commands map
/// an error to kExitBadInput: it is not a usable store.
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

/// A store opened for a subcommand, and the runs it names.
struct StoredRuns {
    std::unique_ptr<RunStore> store;
    std::vector<RunRecord> runs;
};

/// Opens the store (see openStore) and reads the runs `ids` into `out`. Returns kExitOk, or
/// after saying why: kExitBadInput for a store that cannot be used or a run it does not have,
/// kExitFailure for a read error.
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

// --- list --------------------------------------------------------------------------------------

int runsList(RunsArgs& a) {
    if (!a.words.empty())
        return fail("runs list: unexpected argument \"" + a.words.front() + "\"", kExitUsage);
    if (int c = a.allowOnly("list", {"json", "status", "scenario", "sweep", "limit"})) return c;
    store::RunFilter filter;
    if (!a.status.empty()) {
        filter.status = store::parseRunStatus(a.status);
        if (!filter.status)
            return fail(
                "--status: expected running, completed, failed, stopped or interrupted, "
                "got \"" +
                    a.status + "\"",
                kExitUsage);
    }
    if (!a.scenario.empty()) filter.scenario = a.scenario;
    if (!a.sweep.empty()) {
        const auto id = parseRunId(a.sweep);
        if (!id) return fail("--sweep: expected a sweep id, got \"" + a.sweep + "\"", kExitUsage);
        filter.sweep = *id;
    }
    if (!a.limit.empty()) {
        const auto n = parseUnsigned(a.limit);
        if (!n || *n == 0)
            return fail("--limit: expected a whole number from 1, got \"" + a.limit + "\"",
                        kExitUsage);
        filter.limit = static_cast<std::size_t>(*n);
    }
    auto opened = openStore(a.store, false);
    if (!opened) return fail(opened.error().message, kExitBadInput);
    const auto& s = *opened;
    auto runs = s->listRuns(filter);
    if (!runs) return fail(runs.error().message, kExitFailure);
    if (a.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : *runs)
            out.push_back(runJson(r));
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    if (runs->empty()) {
        std::printf("no runs in %s\n", s->path().c_str());
        return kExitOk;
    }
    std::size_t nameWidth = 8;
    for (const auto& r : *runs)
        nameWidth = std::max(nameWidth, r.scenarioName.size());
    nameWidth = std::min<std::size_t>(nameWidth, 32);
    std::size_t seedWidth = 4;
    for (const auto& r : *runs)
        seedWidth = std::max(seedWidth, std::to_string(r.seed).size());
    std::printf("%6s  %-11s  %-19s  %-*s  %*s  %13s  %10s  %s\n", "ID", "STATUS", "STARTED",
                static_cast<int>(nameWidth), "SCENARIO", static_cast<int>(seedWidth), "SEED",
                "EVENTS", "WALL", "FINGERPRINT");
    for (const auto& r : *runs) {
        char wall[32];
        std::snprintf(wall, sizeof wall, "%.3f s", r.wallSeconds);
        const bool ended = r.status != store::RunStatus::Running;
        std::printf("%6lld  %-11s  %-19s  %-*s  %*llu  %13s  %10s  %-16s",
                    static_cast<long long>(r.id), std::string(runStatusName(r.status)).c_str(),
                    localTime(r.startedAt).c_str(), static_cast<int>(nameWidth),
                    r.scenarioName.substr(0, nameWidth).c_str(), static_cast<int>(seedWidth),
                    static_cast<unsigned long long>(r.seed),
                    ended ? groupDigits(r.events).c_str() : "-", ended ? wall : "-",
                    r.fingerprint.empty() ? "-" : r.fingerprint.c_str());
        if (r.sweep)
            std::printf("  sweep %lld point %lld replicate %lld", static_cast<long long>(*r.sweep),
                        static_cast<long long>(r.pointIndex), static_cast<long long>(r.replicate));
        std::printf("\n");
    }
    return kExitOk;
}

// --- show --------------------------------------------------------------------------------------

int runsShow(RunsArgs& a) {
    if (a.words.size() != 1)
        return fail("runs show: which run? (usage: dais runs show ID)", kExitUsage);
    if (int c = a.allowOnly("show", {"json"})) return c;
    const auto ids = parseRunIds(a.words, "show");
    if (!ids) return kExitUsage;
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const auto& s = stored.store;
    const RunRecord& r = stored.runs.front();
    auto metrics = s->finalMetrics(r.id);
    auto sampled = s->sampledMetrics(r.id);
    auto notes = s->annotations(r.id);
    if (!metrics) return fail(metrics.error().message, kExitFailure);
    if (!sampled) return fail(sampled.error().message, kExitFailure);
    if (!notes) return fail(notes.error().message, kExitFailure);

    if (a.json) {
        nlohmann::json j = runJson(r);
        nlohmann::json m = nlohmann::json::array();
        for (const auto& x : *metrics) {
            nlohmann::json mj = metricJson(x);
            mj["name"] = x.name;
            m.push_back(std::move(mj));
        }
        j["final_metrics"] = m;
        nlohmann::json sm = nlohmann::json::array();
        for (const auto& x : *sampled)
            sm.push_back({{"name", x.name}, {"unit", x.unit}, {"samples", x.samples}});
        j["sampled_metrics"] = sm;
        nlohmann::json an = nlohmann::json::array();
        for (const auto& x : *notes)
            an.push_back({{"at", isoTime(x.createdAt)}, {"text", x.text}});
        j["annotations"] = an;
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    std::printf("run          %lld (%s)\n", static_cast<long long>(r.id),
                std::string(runStatusName(r.status)).c_str());
    if (!r.error.empty()) std::printf("error        %s\n", r.error.c_str());
    std::printf("scenario     %s (hash %s)\n", r.scenarioName.c_str(), r.scenarioHash.c_str());
    std::printf("seed         %llu\n", static_cast<unsigned long long>(r.seed));
    std::printf("started      %s on %s (process %lld)\n", localTime(r.startedAt).c_str(),
                r.host.c_str(), static_cast<long long>(r.pid));
    if (r.finishedAt) std::printf("finished     %s\n", localTime(*r.finishedAt).c_str());
    if (r.sweep)
        std::printf("sweep        %lld, point %lld, replicate %lld\n",
                    static_cast<long long>(*r.sweep), static_cast<long long>(r.pointIndex),
                    static_cast<long long>(r.replicate));
    if (r.status != store::RunStatus::Running) {
        std::printf("events       %s\n", groupDigits(r.events).c_str());
        std::printf("simulated    %s\n", sim::formatTime(r.simulatedTime).c_str());
        std::printf("wall time    %.3f s\n", r.wallSeconds);
        if (!r.fingerprint.empty()) std::printf("fingerprint  %s\n", r.fingerprint.c_str());
    }
    auto printObject = [](const char* title, const nlohmann::json& o) {
        std::printf("\n%s\n", title);
        if (o.empty()) return void(std::printf("  (none)\n"));
        std::size_t width = 0;
        for (const auto& [k, v] : o.items())
            width = std::max(width, k.size());
        for (const auto& [k, v] : o.items())
            std::printf("  %-*s  %s\n", static_cast<int>(width), k.c_str(),
                        v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
    };
    printObject("parameters", r.parameters);
    printObject("layers", r.layerVersions);
    if (!metrics->empty()) {
        std::size_t width = 0;
        for (const auto& m : *metrics)
            width = std::max(width, m.name.size());
        std::printf("\nmetrics\n");
        for (const auto& m : *metrics)
            std::printf("  %-*s  %s\n", static_cast<int>(width), m.name.c_str(),
                        metricLine(m).c_str());
    }
    if (!sampled->empty()) {
        std::uint64_t most = 0;
        for (const auto& m : *sampled)
            most = std::max(most, m.samples);
        std::printf("\nsamples      %zu metrics, up to %s samples each (dais runs export %lld)\n",
                    sampled->size(), groupDigits(most).c_str(), static_cast<long long>(r.id));
    }
    if (!notes->empty()) {
        std::printf("\nannotations\n");
        for (const auto& n : *notes)
            std::printf("  %s  %s\n", localTime(n.createdAt).c_str(), n.text.c_str());
    }
    return kExitOk;
}

// --- diff --------------------------------------------------------------------------------------

/// One compared figure of two runs' final metrics: a value, or a distribution's mean or p95.
struct Figure {
    std::string name, unit;
    std::optional<double> a, b;
};

/// The figures of two runs' final metrics, in the order the runs name them.
std::vector<Figure> compareFinals(const std::vector<core::MetricReport>& ma,
                                  const std::vector<core::MetricReport>& mb) {
    std::vector<Figure> figures;
    auto add = [&](const std::vector<core::MetricReport>& ms, bool first) {
        for (const auto& m : ms) {
            std::vector<std::pair<std::string, double>> parts;
            if (m.type == sim::MetricType::Distribution)
                parts = {{m.name + " mean", m.mean}, {m.name + " p95", m.p95}};
            else
                parts = {{m.name, m.value}};
            for (const auto& [name, v] : parts) {
                auto it = std::find_if(figures.begin(), figures.end(),
                                       [&](const Figure& f) { return f.name == name; });
                if (it == figures.end()) it = figures.insert(figures.end(), {name, m.unit, {}, {}});
                (first ? it->a : it->b) = v;
            }
        }
    };
    add(ma, true);
    add(mb, false);
    return figures;
}

/// `dais runs diff --json`.
void printDiffJson(const RunRecord& x, const RunRecord& y,
                   const std::vector<store::ParameterDifference>& changes,
                   const std::vector<Figure>& figures) {
    nlohmann::json params = nlohmann::json::array();
    for (const auto& c : changes)
        params.push_back({{"path", c.pointer},
                          {"a", c.values[0].value_or(nlohmann::json())},
                          {"b", c.values[1].value_or(nlohmann::json())}});
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& f : figures) {
        nlohmann::json j = {{"name", f.name},
                            {"unit", f.unit},
                            {"a", f.a ? nlohmann::json(*f.a) : nlohmann::json()},
                            {"b", f.b ? nlohmann::json(*f.b) : nlohmann::json()}};
        j["difference"] = f.a && f.b ? nlohmann::json(*f.b - *f.a) : nlohmann::json();
        metrics.push_back(j);
    }
    const nlohmann::json out = {
        {"a", runJson(x)}, {"b", runJson(y)}, {"parameters", params}, {"metrics", metrics}};
    std::printf("%s\n", out.dump(2).c_str());
}

/// The parameters that differ, one a line: the pointer, then each run's value.
void printParameterChanges(const std::vector<store::ParameterDifference>& changes,
                           const std::string& ha, const std::string& hb) {
    std::printf("\nparameters\n");
    if (changes.empty()) return void(std::printf("  the same\n"));
    auto text = [](const std::optional<nlohmann::json>& v) {
        if (!v) return std::string("(absent)");
        return v->is_string() ? v->get<std::string>() : v->dump();
    };
    std::size_t w = 0, wa = ha.size();
    for (const auto& c : changes) {
        w = std::max(w, c.pointer.size());
        wa = std::max(wa, text(c.values[0]).size());
    }
    wa = std::min<std::size_t>(wa, 40);
    std::printf("  %-*s  %-*s  %s\n", static_cast<int>(w), "", static_cast<int>(wa), ha.c_str(),
                hb.c_str());
    for (const auto& c : changes)
        std::printf("  %-*s  %-*s  %s\n", static_cast<int>(w), c.pointer.c_str(),
                    static_cast<int>(wa), text(c.values[0]).c_str(), text(c.values[1]).c_str());
}

/// "+2.5 ms (+12.0%)": the second value less the first, and the change as a share of the first.
std::string differenceText(const Figure& f) {
    if (!f.a || !f.b) return "-";
    const double d = *f.b - *f.a;
    if (d == 0) return "0";
    std::string diff = (d > 0 ? "+" : "") + metricNumber(d, f.unit);
    if (*f.a != 0 && std::isfinite(d)) {
        char pct[32];
        std::snprintf(pct, sizeof pct, " (%+.1f%%)", 100 * d / std::abs(*f.a));
        diff += pct;
    }
    return diff;
}

/// The final metrics side by side with their difference.
void printFigures(const std::vector<Figure>& figures, const std::string& ha,
                  const std::string& hb) {
    std::printf("\nmetrics\n");
    if (figures.empty()) return void(std::printf("  (neither run has final metrics)\n"));
    std::size_t w = 0;
    for (const auto& f : figures)
        w = std::max(w, f.name.size());
    std::printf("  %-*s  %16s  %16s  %16s\n", static_cast<int>(w), "", ha.c_str(), hb.c_str(),
                "difference");
    for (const auto& f : figures) {
        auto val = [&](const std::optional<double>& v) {
            return v ? metricNumber(*v, f.unit) : std::string("-");
        };
        std::printf("  %-*s  %16s  %16s  %16s\n", static_cast<int>(w), f.name.c_str(),
                    val(f.a).c_str(), val(f.b).c_str(), differenceText(f).c_str());
    }
}

/// `dais runs diff` for people.
void printDiffText(const RunRecord& x, const RunRecord& y,
                   const std::vector<store::ParameterDifference>& changes,
                   const std::vector<Figure>& figures) {
    const std::string ha = "run " + std::to_string(x.id), hb = "run " + std::to_string(y.id);
    for (const auto& [h, r] : {std::pair{&ha, &x}, std::pair{&hb, &y}})
        std::printf("%s  %s, seed %llu, %s\n", h->c_str(), r->scenarioName.c_str(),
                    static_cast<unsigned long long>(r->seed),
                    std::string(runStatusName(r->status)).c_str());
    printParameterChanges(changes, ha, hb);
    printFigures(figures, ha, hb);
}

int runsDiff(RunsArgs& a) {
    if (a.words.size() != 2)
        return fail("runs diff: which two runs? (usage: dais runs diff ID ID)", kExitUsage);
    if (int c = a.allowOnly("diff", {"json"})) return c;
    const auto ids = parseRunIds(a.words, "diff");
    if (!ids) return kExitUsage;
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const auto& s = stored.store;
    const RunRecord &x = stored.runs[0], &y = stored.runs[1];

    // A scenario that cannot be read leaves the run's parameters and seed to compare.
    auto valuesOf = [&](const RunRecord& r) {
        auto v = store::runValues(*s, r);
        return v ? std::move(v).value() : store::runValues(r, nlohmann::json());
    };
    const std::vector<store::ParameterDifference> changes =
        store::parameterDifferences({valuesOf(x), valuesOf(y)});
    auto mx = s->finalMetrics(x.id), my = s->finalMetrics(y.id);
    if (!mx) return fail(mx.error().message, kExitFailure);
    if (!my) return fail(my.error().message, kExitFailure);
    const std::vector<Figure> figures = compareFinals(*mx, *my);
    if (a.json)
        printDiffJson(x, y, changes, figures);
    else
        printDiffText(x, y, changes, figures);
    return kExitOk;
}

// --- export ------------------------------------------------------------------------------------

/// Writes `text` to `path` through a temporary file in the same folder, so an existing file is
/// only replaced by a complete export.
core::Result<void> writeFileAtomically(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        return core::Error{path + ": cannot write it (" + std::string(std::strerror(errno)) + ")"};
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool written = done == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    std::error_code ec;
    if (written) fs::rename(tmpl, target, ec);
    if (!written || ec) {
        const core::Error error{path + ": cannot write it (" +
                                (ec ? ec.message() : std::string(std::strerror(errno))) + ")"};
        fs::remove(tmpl, ec);
        return error;
    }
    ::chmod(path.c_str(), 0644);
    return {};
}

/// A run's sampled metrics and final metrics, read for an export.
struct ExportedRun {
    std::vector<store::SampledMetric> sampled;
    std::vector<core::MetricReport> finals;
};

core::Result<ExportedRun> readForExport(const RunStore& s, const RunRecord& r) {
    auto sampled = s.sampledMetrics(r.id);
    if (!sampled) return sampled.error();
    auto finals = s.finalMetrics(r.id);
    if (!finals) return finals.error();
    return ExportedRun{std::move(sampled).value(), std::move(finals).value()};
}

/// One run's samples, then its final metrics, as CSV rows appended to `out`.
core::Result<void> appendCsvRows(const RunStore& s, const RunRecord& r, std::string& out) {
    auto run = readForExport(s, r);
    if (!run) return run.error();
    const std::string id = std::to_string(r.id);
    // One pass over the run's samples (reading per metric would scan it once per metric).
    auto visited = s.visitSamples(r.id, [&](const store::SampledMetric& m, const store::Sample& x) {
        out += id + ",sample," + csvField(m.name) + "," + csvField(m.unit) + "," +
               number(sim::toSeconds(x.time)) + "," + number(x.value) + ",";
        if (m.type == sim::MetricType::Distribution)
            out += std::to_string(x.count) + "," + number(x.p50) + "," + number(x.p95) + "," +
                   number(x.p99);
        else
            out += ",,,";
        out += "\n";
    });
    if (!visited) return visited.error();
    const std::string end = number(sim::toSeconds(r.simulatedTime));
    for (const auto& m : run->finals) {
        const bool dist = m.type == sim::MetricType::Distribution;
        out += id + ",final," + csvField(m.name) + "," + csvField(m.unit) + "," + end + "," +
               number(dist ? m.mean : m.value) + ",";
        if (dist)
            out += std::to_string(m.count) + "," + number(m.p50) + "," + number(m.p95) + "," +
                   number(m.p99);
        else
            out += ",,,";
        out += "\n";
    }
    return {};
}

/// One run as the JSON export has it: its record, final metrics and samples by metric.
core::Result<nlohmann::json> exportJson(const RunStore& s, const RunRecord& r) {
    auto run = readForExport(s, r);
    if (!run) return run.error();
    nlohmann::json series = nlohmann::json::object();
    for (const auto& m : run->sampled) {
        nlohmann::json j = {{"unit", m.unit},
                            {"type", std::string(sim::metricTypeName(m.type))},
                            {"time_s", nlohmann::json::array()},
                            {"value", nlohmann::json::array()}};
        if (m.type == sim::MetricType::Distribution)
            for (const char* k : {"count", "p50", "p95", "p99"})
                j[k] = nlohmann::json::array();
        series[m.name] = std::move(j);
    }
    auto visited = s.visitSamples(r.id, [&](const store::SampledMetric& m, const store::Sample& x) {
        nlohmann::json& j = series[m.name];
        j["time_s"].push_back(sim::toSeconds(x.time));
        j["value"].push_back(x.value);
        if (m.type == sim::MetricType::Distribution) {
            j["count"].push_back(x.count);
            j["p50"].push_back(x.p50);
            j["p95"].push_back(x.p95);
            j["p99"].push_back(x.p99);
        }
    });
    if (!visited) return visited.error();
    nlohmann::json j = runJson(r);
    nlohmann::json fm = nlohmann::json::array();
    for (const auto& m : run->finals) {
        nlohmann::json mj = metricJson(m);
        mj["name"] = m.name;
        fm.push_back(std::move(mj));
    }
    j["final_metrics"] = fm;
    j["samples"] = series;
    return j;
}

/// The whole export of `runs` in `format` (csv or json).
core::Result<std::string> exportText(const RunStore& s, const std::vector<RunRecord>& runs,
                                     const std::string& format) {
    if (format == "csv") {
        std::string out = "run,kind,metric,unit,time_s,value,count,p50,p95,p99\n";
        for (const RunRecord& r : runs)
            if (auto added = appendCsvRows(s, r, out); !added) return added.error();
        return out;
    }
    nlohmann::json doc = {{"format", "dais-runs-export"}, {"version", 1}};
    nlohmann::json runList = nlohmann::json::array();
    for (const RunRecord& r : runs) {
        auto j = exportJson(s, r);
        if (!j) return j.error();
        runList.push_back(std::move(j).value());
    }
    doc["runs"] = runList;
    return doc.dump(2) + "\n";
}

int runsExport(RunsArgs& a) {
    if (a.words.empty())
        return fail("runs export: which runs? (usage: dais runs export ID... --format csv|json)",
                    kExitUsage);
    if (int c = a.allowOnly("export", {"format", "output"})) return c;
    const std::string format = a.format.empty() ? "csv" : a.format;
    if (format != "csv" && format != "json")
        return fail("--format: expected csv or json, got \"" + a.format + "\"", kExitUsage);
    const auto ids = parseRunIds(a.words, "export");
    if (!ids) return kExitUsage;
    if (!a.output.empty()) {
        std::error_code ec;
        if (std::filesystem::is_directory(a.output, ec))
            return fail("--output: " + a.output + " is a folder", kExitUsage);
        if (std::filesystem::equivalent(a.output, a.store, ec))
            return fail("--output: " + a.output + " is the run store itself", kExitUsage);
    }
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const std::vector<RunRecord>& runs = stored.runs;
    auto text = exportText(*stored.store, runs, format);
    if (!text) return fail(text.error().message, kExitFailure);
    const std::string& out = *text;
    if (a.output.empty()) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
    }
    if (auto written = writeFileAtomically(a.output, out); !written)
        return fail(written.error().message, kExitFailure);
    std::fprintf(stderr, "exported %zu run%s to %s\n", runs.size(), runs.size() == 1 ? "" : "s",
                 a.output.c_str());
    return kExitOk;
}

// --- annotate, delete --------------------------------------------------------------------------

int runsAnnotate(RunsArgs& a) {
    if (a.words.size() < 2)
        return fail(
            "runs annotate: expected a run id and a note (usage: dais runs annotate ID "
            "TEXT)",
            kExitUsage);
    if (int c = a.allowOnly("annotate", {})) return c;
    const auto ids = parseRunIds({a.words.front()}, "annotate");
    if (!ids) return kExitUsage;
    std::string text;
    for (std::size_t i = 1; i < a.words.size(); ++i)
        text += (i > 1 ? " " : "") + a.words[i];
    if (text.find_first_not_of(" \t\n") == std::string::npos)
        return fail("runs annotate: the note is empty", kExitUsage);
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, true, stored)) return code;
    if (auto r = stored.store->annotate(ids->front(), text); !r)
        return fail(r.error().message, kExitFailure);
    std::printf("annotated run %lld\n", static_cast<long long>(ids->front()));
    return kExitOk;
}

int runsDelete(RunsArgs& a) {
    if (a.words.empty())
        return fail("runs delete: which runs? (usage: dais runs delete ID...)", kExitUsage);
    if (int c = a.allowOnly("delete", {})) return c;
    const auto ids = parseRunIds(a.words, "delete");
    if (!ids) return kExitUsage;
    // Every id must be known before anything is deleted.
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, true, stored)) return code;
    const auto& s = stored.store;
    for (const auto& r : stored.runs)
        if (r.status == store::RunStatus::Running)
            return fail(s->path() + ": run " + std::to_string(r.id) +
                            " is still running (process " + std::to_string(r.pid) + " on " +
                            r.host + ")",
                        kExitFailure);
    for (const RunId id : *ids) {
        if (auto r = s->deleteRun(id); !r) return fail(r.error().message, kExitFailure);
        std::printf("deleted run %lld\n", static_cast<long long>(id));
    }
    return kExitOk;
}

}  // namespace

int commandRuns(Args& args) {
    if (args.done() || args.peek() == "--help" || args.peek() == "help") {
        std::fputs(kRunsHelp, stdout);
        return args.done() ? kExitUsage : kExitOk;
    }
    const std::string sub = args.take();
    using Handler = int (*)(RunsArgs&);
    const std::pair<const char*, Handler> subs[] = {
        {"list", runsList},     {"show", runsShow},         {"diff", runsDiff},
        {"export", runsExport}, {"annotate", runsAnnotate}, {"delete", runsDelete},
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
               "\" (commands: list, show, diff, export, annotate, delete)");
    return kExitUsage;
}

}  // namespace dais::app
