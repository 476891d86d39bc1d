// `dais bench phold`: the PHOLD benchmark (Fujimoto 1990) over both event queues.
// Every measured run is a fresh child process (this program re-executed in a hidden --child
// mode), so its wall time and peak resident memory are those of a whole process, as
// `/usr/bin/time -v` reports them, and one run's heap cannot flatter the next.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/sim/fingerprint.h"
#include "dais/sim/phold.h"
#include "measurement.h"
#include "phold_workloads.h"

namespace dais::app {

namespace {

using sim::kSecond;
using sim::QueueKind;
using sim::SimTime;

using Workload = PholdWorkload;

// The scaling row: P = 1 and about 10^7 events at every population (T_end = 11 * 10^6 / N s).
std::vector<Workload> scalingWorkloads() {
    std::vector<Workload> w;
    for (std::uint32_t n = 1'000; n <= 1'000'000; n *= 10)
        w.push_back(
            {"N=" + std::to_string(n), n, 1, static_cast<SimTime>(11'000'000 / n) * kSecond});
    return w;
}

struct Options {
    std::vector<Workload> configs;
    std::vector<QueueKind> queues;
    int repeat = 3;
    bool scaling = false;
    std::uint64_t seed = 1;
    bool json = false;
    bool help = false;
};

// One measured child process.
struct Sample {
    std::uint64_t events = 0;
    std::uint64_t fingerprint = 0;
    std::uint64_t pending = 0;
    std::uint64_t queueBytes = 0;
    double loopSeconds = 0;  // the event loop alone, measured inside the child
    double wallSeconds = 0;  // the whole process, fork to reap
    double maxRssBytes = 0;  // ru_maxrss of the child
};

// The median over the repeats of one (workload, queue).
struct Result {
    Workload workload;
    QueueKind queue = QueueKind::Heap;
    std::vector<Sample> samples;
    bool stable = true;  // same events and fingerprint in every repeat
    double wallSeconds = 0, eventsPerSecond = 0, loopEventsPerSecond = 0, maxRssBytes = 0;
    double queueBytesPerPending = 0, rssBytesPerPending = 0;
    std::uint64_t events = 0, fingerprint = 0, pending = 0;
};

void printHelp() {
    std::printf(
        "Usage: dais bench phold [options]\n"
        "\n"
        "PHOLD (Fujimoto 1990): N logical processes pass N*P events around at random\n"
        "(remote 0.9, delay 0.1 s + Exp(1 s)) until T_end, so the run time is the cost of the\n"
        "event queue and the dispatch loop. Every run is a fresh process; the figures are those\n"
        "of the whole process (wall time, peak resident memory), medians over the repeats.\n"
        "\n"
        "Options:\n"
        "  --config small|large|dense|all  workload (default all):\n"
        "                                    small  N=1,000      P=1   T_end=11,000 s\n"
        "                                    large  N=1,000,000  P=1   T_end=11 s\n"
        "                                    dense  N=1,000      P=100 T_end=110 s\n"
        "  --queue heap|ladder|all         event queue (default all)\n"
        "  --repeat N                      runs per configuration and queue, 1..100 (default 3)\n"
        "  --scaling                       also measure N = 10^3..10^6 (P=1, ~10^7 events each)\n"
        "  --seed N                        run seed (default 1)\n"
        "  --json                          print the results as JSON instead of a table\n"
        "  --help                          print this help\n"
        "\n"
        "Columns: events handled (time <= T_end); wall s and events/s of the whole process; loop\n"
        "ev/s of the event loop alone; peak RSS of the process; queue B/pend = bytes held by the\n"
        "event queue per pending event; RSS B/pend = peak RSS per pending event (model state\n"
        "included); the run fingerprint, which must not depend on the queue or the repeat.\n");
}

// Parses the public options.
core::Result<Options> parseOptions(const std::vector<std::string>& args) {
    Options o;
    std::string config = "all", queue = "all";
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        std::string_view value;
        bool hasValue = false;
        if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string_view::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            hasValue = true;
        }
        const auto takeValue = [&]() -> bool {
            if (hasValue) return true;
            if (i + 1 >= args.size()) return false;
            value = args[++i];
            return true;
        };
        const auto noValue = [&]() -> core::Result<void> {
            if (hasValue) return core::Error{"option " + std::string(a) + " takes no value"};
            return {};
        };
        if (a == "--help" || a == "-h") {
            if (auto e = noValue(); !e) return e.error();
            o.help = true;
        } else if (a == "--json") {
            if (auto e = noValue(); !e) return e.error();
            o.json = true;
        } else if (a == "--scaling") {
            if (auto e = noValue(); !e) return e.error();
            o.scaling = true;
        } else if (a == "--config") {
            if (!takeValue())
                return core::Error{"--config needs a value: small, large, dense or all"};
            config = value;
        } else if (a == "--queue") {
            if (!takeValue()) return core::Error{"--queue needs a value: heap, ladder or all"};
            queue = value;
        } else if (a == "--repeat") {
            std::uint64_t n = 0;
            if (!takeValue())
                return core::Error{"--repeat needs a value: a whole number from 1 to 100"};
            if (const auto v = parseUnsigned(value)) n = *v;
            if (n < 1 || n > 100)
                return core::Error{"--repeat needs a whole number from 1 to 100, got \"" +
                                   std::string(value) + "\""};
            o.repeat = static_cast<int>(n);
        } else if (a == "--seed") {
            if (!takeValue())
                return core::Error{"--seed needs a value: a non-negative whole number"};
            const auto seed = parseUnsigned(value);
            if (!seed)
                return core::Error{"--seed needs a non-negative whole number below 2^64, got \"" +
                                   std::string(value) + "\""};
            o.seed = *seed;
        } else {
            return core::Error{"unknown option \"" + std::string(args[i]) +
                               "\" (see dais bench phold --help)"};
        }
    }
    if (config == "all") {
        o.configs = pholdWorkloads();
    } else {
        for (const Workload& w : pholdWorkloads())
            if (w.name == config) o.configs.push_back(w);
        if (o.configs.empty())
            return core::Error{"--config must be small, large, dense or all, got \"" + config +
                               "\""};
    }
    if (queue == "all") {
        o.queues = {QueueKind::Heap, QueueKind::Ladder};
    } else {
        QueueKind k;
        if (!sim::parseQueueKind(queue, k))
            return core::Error{"--queue must be heap, ladder or all, got \"" + queue + "\""};
        o.queues = {k};
    }
    return o;
}

// --- child mode ------------------------------------------------------------------------------
// `--child LPS PER_LP END_NS SEED QUEUE`: runs one PHOLD and prints one line of figures.
int runChild(const std::vector<std::string>& args) {
    const auto word = [&](std::size_t i) {
        return i < args.size() ? parseUnsigned(args[i]) : std::nullopt;
    };
    const auto lps = word(1), perLp = word(2), end = word(3), seed = word(4);
    sim::QueueKind queue;
    if (args.size() != 6 || !lps || !perLp || !end || !seed ||
        !sim::parseQueueKind(args[5], queue) || *lps == 0 || *lps > 0xffffffffu || *perLp == 0 ||
        *perLp > 0xffffffffu || *end > static_cast<std::uint64_t>(sim::kTimeNever)) {
        std::fprintf(stderr, "dais bench phold: malformed --child arguments\n");
        return 2;
    }
    sim::PholdConfig c;
    c.lps = static_cast<std::uint32_t>(*lps);
    c.eventsPerLp = static_cast<std::uint32_t>(*perLp);
    c.end = static_cast<SimTime>(*end);
    c.seed = *seed;
    c.queue = queue;
    const sim::PholdResult r = sim::runPhold(c);
    std::printf("%" PRIu64 " %" PRIu64 " %zu %zu %.9f\n", r.events, r.fingerprint, r.pendingAtEnd,
                r.queueBytes, r.wallSeconds);
    std::fflush(stdout);
    return 0;
}

// --- parent: one child per measurement ------------------------------------------------------

// Runs one measurement in a child process (runMeasurement), as `dais bench phold --child ...`.
core::Result<Sample> measure(const Workload& w, QueueKind q, std::uint64_t seed) {
    const std::vector<std::string> childArgs = {"--child",
                                                std::to_string(w.lps),
                                                std::to_string(w.perLp),
                                                std::to_string(w.end),
                                                std::to_string(seed),
                                                std::string(sim::queueKindName(q))};
    auto m = runMeasurement("phold", childArgs, runChild);
    if (!m) return m.error();
    Sample s;
    s.wallSeconds = m->wallSeconds;
    unsigned long long events = 0, fp = 0, pending = 0, bytes = 0;
    if (std::sscanf(m->out.c_str(), "%llu %llu %llu %llu %lf", &events, &fp, &pending, &bytes,
                    &s.loopSeconds) != 5)
        return core::Error{"unreadable output from the run: \"" + m->out + "\""};
    s.events = events;
    s.fingerprint = fp;
    s.pending = pending;
    s.queueBytes = bytes;
    s.maxRssBytes = m->peakRssBytes;
    return s;
}

void summarise(Result& r) {
    std::vector<double> wall, eps, loop, rss;
    for (const Sample& s : r.samples) {
        wall.push_back(s.wallSeconds);
        eps.push_back(static_cast<double>(s.events) / s.wallSeconds);
        loop.push_back(s.loopSeconds > 0 ? static_cast<double>(s.events) / s.loopSeconds : 0.0);
        rss.push_back(s.maxRssBytes);
        if (s.events != r.samples[0].events || s.fingerprint != r.samples[0].fingerprint)
            r.stable = false;
    }
    const Sample& first = r.samples.front();
    r.events = first.events;
    r.fingerprint = first.fingerprint;
    r.pending = first.pending;
    r.wallSeconds = median(wall);
    r.eventsPerSecond = median(eps);
    r.loopEventsPerSecond = median(loop);
    r.maxRssBytes = median(rss);
    const double pending = first.pending > 0 ? static_cast<double>(first.pending) : 1.0;
    r.queueBytesPerPending = static_cast<double>(first.queueBytes) / pending;
    r.rssBytesPerPending = r.maxRssBytes / pending;
}

double expectedEvents(const Workload& w) {
    sim::PholdConfig c;
    c.lps = w.lps;
    c.eventsPerLp = w.perLp;
    c.end = w.end;
    return sim::Phold::expectedEvents(c);
}

std::string millions(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f M", v * 1e-6);
    return b;
}

void printTableHeader() {
    std::printf("%-9s %9s %4s %8s  %-6s %10s %7s %9s %9s %8s %7s %8s  %-16s\n", "config", "N", "P",
                "T_end s", "queue", "events", "wall s", "ev/s", "loop ev/s", "RSS MB", "q B/pe",
                "RSS B/pe", "fingerprint");
}

void printRow(const Result& r) {
    const Workload& w = r.workload;
    std::printf("%-9s %9u %4u %8lld  %-6s %10" PRIu64 " %7.3f %9s %9s %8.1f %7.1f %8.1f  %s%s\n",
                w.name.c_str(), w.lps, w.perLp, static_cast<long long>(w.end / kSecond),
                std::string(sim::queueKindName(r.queue)).c_str(), r.events, r.wallSeconds,
                millions(r.eventsPerSecond).c_str(), millions(r.loopEventsPerSecond).c_str(),
                r.maxRssBytes / 1048576.0, r.queueBytesPerPending, r.rssBytesPerPending,
                sim::Fingerprint::toHex(r.fingerprint).c_str(), r.stable ? "" : " (varies!)");
}

// Checks that every repeat and every queue of one workload agree. Appends findings to notes.
bool checkAgreement(const std::vector<Result>& results, const Workload& w,
                    std::vector<std::string>& notes) {
    const Result* first = nullptr;
    bool ok = true;
    for (const Result& r : results) {
        if (r.workload.name != w.name) continue;
        if (!r.stable) {
            notes.push_back(w.name + "/" + std::string(sim::queueKindName(r.queue)) +
                            ": events or fingerprint differ between repeats");
            ok = false;
        }
        if (first == nullptr) {
            first = &r;
        } else if (r.events != first->events || r.fingerprint != first->fingerprint) {
            notes.push_back(
                w.name + ": the queues disagree (" + std::string(sim::queueKindName(first->queue)) +
                " " + std::to_string(first->events) + " events, fingerprint " +
                sim::Fingerprint::toHex(first->fingerprint) + "; " +
                std::string(sim::queueKindName(r.queue)) + " " + std::to_string(r.events) + ", " +
                sim::Fingerprint::toHex(r.fingerprint) + ")");
            ok = false;
        }
    }
    return ok;
}

void printJson(const Options& o, const std::vector<Result>& results, bool agree,
               const std::vector<std::string>& notes) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const Result& r : results) {
        const Workload& w = r.workload;
        nlohmann::ordered_json runs = nlohmann::ordered_json::array();
        for (const Sample& s : r.samples)
            runs.push_back({{"wall_s", s.wallSeconds},
                            {"loop_s", s.loopSeconds},
                            {"peak_rss_bytes", s.maxRssBytes}});
        rows.push_back({{"config", w.name},
                        {"lps", w.lps},
                        {"events_per_lp", w.perLp},
                        {"end_s", w.end / kSecond},
                        {"queue", sim::queueKindName(r.queue)},
                        {"events", r.events},
                        {"expected_events", std::round(expectedEvents(w))},
                        {"wall_s", r.wallSeconds},
                        {"events_per_s", r.eventsPerSecond},
                        {"loop_events_per_s", r.loopEventsPerSecond},
                        {"peak_rss_bytes", r.maxRssBytes},
                        {"pending", r.pending},
                        {"queue_bytes_per_pending", r.queueBytesPerPending},
                        {"rss_bytes_per_pending", r.rssBytesPerPending},
                        {"fingerprint", sim::Fingerprint::toHex(r.fingerprint)},
                        {"stable", r.stable},
                        {"runs", runs}});
    }
    const nlohmann::ordered_json doc = {{"benchmark", "phold"},
                                        {"seed", o.seed},
                                        {"repeat", o.repeat},
                                        {"remote", 0.9},
                                        {"mean_s", 1.0},
                                        {"lookahead_s", 0.1},
                                        {"fingerprints_agree", agree},
                                        {"results", rows},
                                        {"notes", notes}};
    std::printf("%s\n", doc.dump(2).c_str());
}

/// Measures every (workload, queue) `o.repeat` times. The error names the one that failed.
core::Result<std::vector<Result>> measureAll(const std::vector<Workload>& workloads,
                                             const Options& o, bool progress) {
    std::vector<Result> results;
    for (const Workload& w : workloads) {
        for (QueueKind q : o.queues) {
            Result r;
            r.workload = w;
            r.queue = q;
            results.push_back(r);
        }
    }
    // Repeats go round the whole set (A B A B ...) rather than back to back, so a slow spell
    // of a shared machine is spread over every configuration instead of hitting one.
    for (int rep = 0; rep < o.repeat; ++rep) {
        for (Result& r : results) {
            if (progress)
                std::fprintf(stderr, "\r  running %s/%s, run %d of %d ...          ",
                             r.workload.name.c_str(),
                             std::string(sim::queueKindName(r.queue)).c_str(), rep + 1, o.repeat);
            auto s = measure(r.workload, r.queue, o.seed);
            if (!s)
                return core::Error{r.workload.name + "/" +
                                   std::string(sim::queueKindName(r.queue)) + ": " +
                                   s.error().message};
            r.samples.push_back(*s);
        }
    }
    return results;
}

/// The figures as tables for people, the scaling table when asked for, and the check.
void printTables(const Options& o, const std::vector<Result>& results,
                 const std::vector<Workload>& scaling, bool agree,
                 const std::vector<std::string>& notes) {
    for (const Result& r : results) {
        const bool main = std::any_of(o.configs.begin(), o.configs.end(),
                                      [&](const Workload& w) { return w.name == r.workload.name; });
        if (main) printRow(r);
    }
    std::printf("\nexpected events (N*P*T_end/1.1 s):");
    for (const Workload& w : o.configs)
        std::printf(" %s %.0f;", w.name.c_str(), expectedEvents(w));
    std::printf("\n");
    if (o.scaling) {
        std::printf("\nScaling (P=1, ~10^7 events each): events per second of the whole process\n");
        std::printf("%-10s", "queue");
        for (const Workload& s : scaling)
            std::printf(" %12s", s.name.c_str());
        std::printf("\n");
        for (QueueKind q : o.queues) {
            std::printf("%-10s", std::string(sim::queueKindName(q)).c_str());
            for (const Workload& s : scaling) {
                for (const Result& r : results) {
                    if (r.queue == q && r.workload.lps == s.lps && r.workload.perLp == s.perLp &&
                        r.workload.end == s.end)
                        std::printf(" %12s", millions(r.eventsPerSecond).c_str());
                }
            }
            std::printf("\n");
        }
    }
    std::printf("\n");
    if (agree) {
        std::printf(
            "Check: for every configuration, events and fingerprint are identical in all %d "
            "repeat%s%s.\n",
            o.repeat, o.repeat == 1 ? "" : "s",
            o.queues.size() > 1 ? " and under both queues" : "");
    } else {
        for (const std::string& n : notes)
            std::printf("MISMATCH: %s\n", n.c_str());
    }
}

}  // namespace

int benchPhold(const std::vector<std::string>& args) {
    if (!args.empty() && args[0] == "--child") return runChild(args);

    const auto parsed = parseOptions(args);
    if (!parsed) {
        std::fprintf(stderr, "dais bench phold: %s\n", parsed.error().message.c_str());
        return 2;
    }
    const Options& o = *parsed;
    if (o.help) {
        printHelp();
        return 0;
    }

    std::vector<Workload> workloads = o.configs;
    std::vector<Workload> scaling;
    if (o.scaling) {
        scaling = scalingWorkloads();
        for (const Workload& s : scaling) {
            const bool known =
                std::any_of(workloads.begin(), workloads.end(), [&](const Workload& w) {
                    return w.lps == s.lps && w.perLp == s.perLp && w.end == s.end;
                });
            if (!known) workloads.push_back(s);
        }
    }

    const bool progress = isatty(STDERR_FILENO) != 0;
    if (!o.json) {
        std::printf("PHOLD (Fujimoto 1990): remote 0.9, delay 0.1 s + Exp(1 s), seed %" PRIu64
                    "; median of %d run%s, each a fresh process\n\n",
                    o.seed, o.repeat, o.repeat == 1 ? "" : "s");
        printTableHeader();
        std::fflush(stdout);
    }
    auto results = measureAll(workloads, o, progress);
    if (!results) {
        if (progress) std::fprintf(stderr, "\n");
        std::fprintf(stderr, "dais bench phold: %s\n", results.error().message.c_str());
        return 1;
    }
    if (progress) std::fprintf(stderr, "\r%60s\r", "");
    for (Result& r : *results)
        summarise(r);

    std::vector<std::string> notes;
    bool agree = true;
    for (const Workload& w : workloads)
        agree = checkAgreement(*results, w, notes) && agree;

    if (o.json) {
        printJson(o, *results, agree, notes);
        return agree ? 0 : 1;
    }
    printTables(o, *results, scaling, agree, notes);
    return agree ? 0 : 1;
}

}  // namespace dais::app
