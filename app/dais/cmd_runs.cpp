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
            std::string value, error;
            if (optionsDone) {
                words.push_back(args.take());
                continue;
            }
            auto take = [&](const char* name, std::string& into) {
                if (!args.option(name, value, error)) return false;
                into = value;
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

/// Opens the store; on failure prints why and sets `code` (3: it is not a usable store).
std::unique_ptr<RunStore> openStore(const std::string& path, bool write, int& code) {
    if (write && !std::filesystem::exists(path)) {
        // Writing commands change an existing store; they never create one.
        printError(path + ": no such file (no run has been stored there)");
        code = kExitBadInput;
        return nullptr;
    }
    store::StoreOptions options;
    options.mode =
        write ? store::StoreOptions::Mode::ReadWrite : store::StoreOptions::Mode::ReadOnly;
    auto s = RunStore::open(path, options);
    if (!s) {
        printError(s.error().message);
        code = kExitBadInput;
        return nullptr;
    }
    return std::move(s).value();
}

/// Reads the runs; on failure prints why and sets `code`.
std::optional<std::vector<RunRecord>> loadRuns(const RunStore& s, const std::vector<RunId>& ids,
                                               int& code) {
    std::vector<RunRecord> runs;
    for (const RunId id : ids) {
        auto r = s.findRun(id);
        if (!r) {
            printError(r.error().message);
            code = kExitFailure;
            return std::nullopt;
        }
        if (!r->has_value()) {
            printError(s.path() + ": no run " + std::to_string(id));
            code = kExitBadInput;
            return std::nullopt;
        }
        runs.push_back(std::move(**r));
    }
    return runs;
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
    int code = kExitOk;
    const auto s = openStore(a.store, false, code);
    if (!s) return code;
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
    int code = kExitOk;
    const auto s = openStore(a.store, false, code);
    if (!s) return code;
    auto runs = loadRuns(*s, *ids, code);
    if (!runs) return code;
    const RunRecord& r = runs->front();
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

int runsDiff(RunsArgs& a) {
    if (a.words.size() != 2)
        return fail("runs diff: which two runs? (usage: dais runs diff ID ID)", kExitUsage);
    if (int c = a.allowOnly("diff", {"json"})) return c;
    const auto ids = parseRunIds(a.words, "diff");
    if (!ids) return kExitUsage;
    int code = kExitOk;
    const auto s = openStore(a.store, false, code);
    if (!s) return code;
    auto runs = loadRuns(*s, *ids, code);
    if (!runs) return code;
    const RunRecord &x = (*runs)[0], &y = (*runs)[1];

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
    // One row per compared figure: a value, or a distribution's mean and p95.
    struct Figure {
        std::string name, unit;
        std::optional<double> a, b;
    };
    std::vector<Figure> figures;
    auto addFigures = [&](const std::vector<core::MetricReport>& ms, bool first) {
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
    addFigures(*mx, true);
    addFigures(*my, false);

    if (a.json) {
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
        return kExitOk;
    }

    auto text = [](const std::optional<nlohmann::json>& v) {
        if (!v) return std::string("(absent)");
        return v->is_string() ? v->get<std::string>() : v->dump();
    };
    const std::string ha = "run " + std::to_string(x.id), hb = "run " + std::to_string(y.id);
    std::printf("%s  %s, seed %llu, %s\n", ha.c_str(), x.scenarioName.c_str(),
                static_cast<unsigned long long>(x.seed),
                std::string(runStatusName(x.status)).c_str());
    std::printf("%s  %s, seed %llu, %s\n", hb.c_str(), y.scenarioName.c_str(),
                static_cast<unsigned long long>(y.seed),
                std::string(runStatusName(y.status)).c_str());
    std::printf("\nparameters\n");
    if (changes.empty()) {
        std::printf("  the same\n");
    } else {
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
    std::printf("\nmetrics\n");
    if (figures.empty()) {
        std::printf("  (neither run has final metrics)\n");
        return kExitOk;
    }
    std::size_t w = 0;
    for (const auto& f : figures)
        w = std::max(w, f.name.size());
    std::printf("  %-*s  %16s  %16s  %16s\n", static_cast<int>(w), "", ha.c_str(), hb.c_str(),
                "difference");
    for (const auto& f : figures) {
        auto val = [&](const std::optional<double>& v) {
            return v ? metricNumber(*v, f.unit) : std::string("-");
        };
        std::string diff = "-";
        if (f.a && f.b) {
            const double d = *f.b - *f.a;
            diff = (d > 0 ? "+" : "") + metricNumber(d, f.unit);
            if (d == 0) diff = "0";
            if (*f.a != 0 && d != 0 && std::isfinite(d)) {
                char pct[32];
                std::snprintf(pct, sizeof pct, " (%+.1f%%)", 100 * d / std::abs(*f.a));
                diff += pct;
            }
        }
        std::printf("  %-*s  %16s  %16s  %16s\n", static_cast<int>(w), f.name.c_str(),
                    val(f.a).c_str(), val(f.b).c_str(), diff.c_str());
    }
    return kExitOk;
}

// --- export ------------------------------------------------------------------------------------

/// Writes `text` to `path` through a temporary file in the same folder, so an existing file is
/// only replaced by a complete export.
bool writeFileAtomically(const std::string& path, const std::string& text, std::string& error) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) {
        error = path + ": cannot write it (" + std::string(std::strerror(errno)) + ")";
        return false;
    }
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
        error = path + ": cannot write it (" +
                (ec ? ec.message() : std::string(std::strerror(errno))) + ")";
        fs::remove(tmpl, ec);
        return false;
    }
    ::chmod(path.c_str(), 0644);
    return true;
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
    int code = kExitOk;
    const auto s = openStore(a.store, false, code);
    if (!s) return code;
    auto runs = loadRuns(*s, *ids, code);
    if (!runs) return code;

    std::string out;
    nlohmann::json doc = {{"format", "dais-runs-export"}, {"version", 1}};
    nlohmann::json runList = nlohmann::json::array();
    if (format == "csv") out = "run,kind,metric,unit,time_s,value,count,p50,p95,p99\n";
    for (const RunRecord& r : *runs) {
        auto sampled = s->sampledMetrics(r.id);
        auto finals = s->finalMetrics(r.id);
        if (!sampled) return fail(sampled.error().message, kExitFailure);
        if (!finals) return fail(finals.error().message, kExitFailure);
        const std::string id = std::to_string(r.id);
        nlohmann::json series = nlohmann::json::object();
        // One pass over the run's samples (reading per metric would scan it once per metric).
        for (const auto& m : *sampled) {
            if (format == "csv") continue;
            nlohmann::json j = {{"unit", m.unit},
                                {"type", std::string(sim::metricTypeName(m.type))},
                                {"time_s", nlohmann::json::array()},
                                {"value", nlohmann::json::array()}};
            if (m.type == sim::MetricType::Distribution)
                for (const char* k : {"count", "p50", "p95", "p99"})
                    j[k] = nlohmann::json::array();
            series[m.name] = std::move(j);
        }
        auto visited =
            s->visitSamples(r.id, [&](const store::SampledMetric& m, const store::Sample& x) {
                const bool dist = m.type == sim::MetricType::Distribution;
                if (format == "csv") {
                    out += id + ",sample," + csvField(m.name) + "," + csvField(m.unit) + "," +
                           number(sim::toSeconds(x.time)) + "," + number(x.value) + ",";
                    if (dist)
                        out += std::to_string(x.count) + "," + number(x.p50) + "," + number(x.p95) +
                               "," + number(x.p99);
                    else
                        out += ",,,";
                    out += "\n";
                    return;
                }
                nlohmann::json& j = series[m.name];
                j["time_s"].push_back(sim::toSeconds(x.time));
                j["value"].push_back(x.value);
                if (dist) {
                    j["count"].push_back(x.count);
                    j["p50"].push_back(x.p50);
                    j["p95"].push_back(x.p95);
                    j["p99"].push_back(x.p99);
                }
            });
        if (!visited) return fail(visited.error().message, kExitFailure);
        if (format == "csv") {
            const std::string end = number(sim::toSeconds(r.simulatedTime));
            for (const auto& m : *finals) {
                const bool dist = m.type == sim::MetricType::Distribution;
                out += id + ",final," + csvField(m.name) + "," + csvField(m.unit) + "," + end +
                       "," + number(dist ? m.mean : m.value) + ",";
                if (dist)
                    out += std::to_string(m.count) + "," + number(m.p50) + "," + number(m.p95) +
                           "," + number(m.p99);
                else
                    out += ",,,";
                out += "\n";
            }
        } else {
            nlohmann::json j = runJson(r);
            nlohmann::json fm = nlohmann::json::array();
            for (const auto& m : *finals) {
                nlohmann::json mj = metricJson(m);
                mj["name"] = m.name;
                fm.push_back(std::move(mj));
            }
            j["final_metrics"] = fm;
            j["samples"] = series;
            runList.push_back(j);
        }
    }
    if (format == "json") {
        doc["runs"] = runList;
        out = doc.dump(2) + "\n";
    }
    if (a.output.empty()) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
    }
    std::string error;
    if (!writeFileAtomically(a.output, out, error)) return fail(error, kExitFailure);
    std::fprintf(stderr, "exported %zu run%s to %s\n", runs->size(), runs->size() == 1 ? "" : "s",
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
    int code = kExitOk;
    const auto s = openStore(a.store, true, code);
    if (!s) return code;
    if (!loadRuns(*s, *ids, code)) return code;
    if (auto r = s->annotate(ids->front(), text); !r) return fail(r.error().message, kExitFailure);
    std::printf("annotated run %lld\n", static_cast<long long>(ids->front()));
    return kExitOk;
}

int runsDelete(RunsArgs& a) {
    if (a.words.empty())
        return fail("runs delete: which runs? (usage: dais runs delete ID...)", kExitUsage);
    if (int c = a.allowOnly("delete", {})) return c;
    const auto ids = parseRunIds(a.words, "delete");
    if (!ids) return kExitUsage;
    int code = kExitOk;
    const auto s = openStore(a.store, true, code);
    if (!s) return code;
    // Every id must be known before anything is deleted.
    auto runs = loadRuns(*s, *ids, code);
    if (!runs) return code;
    for (const auto& r : *runs)
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
