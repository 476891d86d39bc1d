// dais bench runner: what driving a run through the runner costs. PHOLD runs twice per repeat in
// this process: on the bare kernel (one runUntil call on this thread), and through the runner
// (worker thread, a kernel observer taking metric samples, a listener receiving snapshots and
// batches 30 times a second, the loop interrupted for each). Events per second are compared.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/core/runner.h"
#include "dais/sim/phold.h"
#include "measurement.h"
#include "phold_workloads.h"

namespace dais::app {
namespace {

constexpr const char* kHelp = R"(usage: dais bench runner [options]

Measures the runner's overhead: PHOLD events per second through the full runner (worker
thread, a metric observer, a listener receiving snapshots 30 times a second) against the bare
kernel, in this process, alternating the two. The bar is an overhead within 10%.

options:
  --config NAME    small, large or dense (may be repeated; default: small and dense)
  --repeat N       runs of each, median reported (default 5)
  --json           print the figures as JSON on stdout
)";

/// Counts what reaches an observer and a listener, so their work is not optimised away.
struct Counting final : sim::Observer, core::RunnerListener {
    void onSample(sim::SimTime, std::span<const sim::MetricValue> v) override {
        samples += 1 + v.size();
    }
    void onSnapshot(const std::shared_ptr<const core::RunnerSnapshot>&) override { ++snapshots; }
    void onMetrics(const std::shared_ptr<const core::MetricBatch>& b) override {
        points += b->points.size();
    }
    std::uint64_t samples = 0, snapshots = 0, points = 0;
};

struct Run {
    double eventsPerSecond = 0;
    std::uint64_t events = 0;
    std::string fingerprint;
    std::uint64_t snapshots = 0;
};

sim::PholdConfig configOf(const PholdWorkload& w) {
    sim::PholdConfig c;
    c.lps = w.lps;
    c.eventsPerLp = w.perLp;
    c.end = w.end;
    c.queue = sim::QueueKind::Ladder;
    return c;
}

Run bare(const PholdWorkload& w) {
    const sim::PholdConfig c = configOf(w);
    sim::Simulation s({c.seed, c.queue});
    sim::Phold model(s, c);
    model.start();
    const auto t0 = std::chrono::steady_clock::now();
    s.runUntil(c.end);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return {static_cast<double>(s.executed()) / wall, s.executed(), s.fingerprint().hex(), 0};
}

Run throughRunner(const PholdWorkload& w) {
    const sim::PholdConfig c = configOf(w);
    sim::Simulation s({c.seed, c.queue});
    sim::Phold model(s, c);
    model.start();
    s.setSampleInterval(c.end / 1000);  // a thousand metric samples over the run
    Counting counting;
    core::Runner runner(std::make_unique<core::KernelSession>(s, c.end));
    runner.addObserver(&counting);
    runner.addListener(&counting);
    const auto t0 = std::chrono::steady_clock::now();
    runner.start();
    runner.wait();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto report = runner.report();
    return {static_cast<double>(report->events) / wall, report->events, report->fingerprint,
            counting.snapshots};
}

}  // namespace

int benchRunner(const std::vector<std::string>& words) {
    Args args(words);
    std::vector<PholdWorkload> configs;
    std::uint64_t repeat = 5;
    bool json = false;
    while (!args.done()) {
        if (args.flag("help")) return std::fputs(kHelp, stdout), kExitOk;
        if (auto configValue = args.option("config")) {
            if (!*configValue) return printError(configValue->error().message), kExitUsage;
            const std::string& value = **configValue;
            const auto& all = pholdWorkloads();
            const auto it = std::find_if(all.begin(), all.end(),
                                         [&](const PholdWorkload& w) { return w.name == value; });
            if (it == all.end())
                return printError("bench runner: --config: expected small, large or dense, got \"" +
                                  value + "\""),
                       kExitUsage;
            configs.push_back(*it);
        } else if (auto repeatValue = args.option("repeat")) {
            if (!*repeatValue) return printError(repeatValue->error().message), kExitUsage;
            const std::string& value = **repeatValue;
            const auto n = parseUnsigned(value);
            if (!n || *n == 0 || *n > 1000)
                return printError("bench runner: --repeat: expected 1 to 1000, got \"" + value +
                                  "\""),
                       kExitUsage;
            repeat = *n;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench runner: unknown option " + args.peek() +
                       " (see dais bench runner --help)");
            return kExitUsage;
        }
    }
    if (configs.empty())
        for (const PholdWorkload& w : pholdWorkloads())
            if (w.name != "large") configs.push_back(w);

    nlohmann::json out = nlohmann::json::array();
    bool agree = true, withinBar = true;
    if (!json)
        std::printf("%-8s %16s %16s %10s %12s\n", "config", "bare kernel", "runner", "overhead",
                    "snapshots");
    for (const PholdWorkload& w : configs) {
        std::vector<double> b, r;
        std::uint64_t snapshots = 0;
        std::string fingerprint;
        for (std::uint64_t i = 0; i < repeat; ++i) {
            const Run x = bare(w);
            const Run y = throughRunner(w);
            agree = agree && x.fingerprint == y.fingerprint && x.events == y.events;
            b.push_back(x.eventsPerSecond);
            r.push_back(y.eventsPerSecond);
            snapshots = y.snapshots;
            fingerprint = x.fingerprint;
        }
        const double mb = median(b), mr = median(r);
        const double overhead = 1 - mr / mb;
        withinBar = withinBar && overhead <= 0.10;
        if (json) {
            out.push_back({{"config", w.name},
                           {"bare_events_per_second", mb},
                           {"runner_events_per_second", mr},
                           {"overhead", overhead},
                           {"snapshots", snapshots},
                           {"fingerprint", fingerprint}});
        } else {
            std::printf("%-8s %12s ev/s %12s ev/s %9.1f%% %12llu\n", w.name.c_str(),
                        siNumber(mb).c_str(), siNumber(mr).c_str(), overhead * 100,
                        static_cast<unsigned long long>(snapshots));
        }
    }
    if (json) {
        std::printf("%s\n", nlohmann::json{{"runs", out},
                                           {"repeat", repeat},
                                           {"fingerprints_agree", agree},
                                           {"within_10_percent", withinBar}}
                                .dump(2)
                                .c_str());
    } else {
        std::printf(
            "\nmedian of %llu runs each, alternating; the bar is an overhead within 10%%: "
            "%s\nfingerprints through the runner and on the bare kernel: %s\n",
            static_cast<unsigned long long>(repeat), withinBar ? "met" : "NOT met",
            agree ? "identical" : "DIFFERENT");
    }
    return agree ? kExitOk : kExitFailure;
}

}  // namespace dais::app
