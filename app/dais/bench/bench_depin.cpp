// dais bench depin: what the DePIN market costs. A large market (100,000 providers, 10 million
// jobs) through the layer, for jobs per wall second and memory; and an M/M/c queue through the
// layer against a plain loop that simulates the same queue. Every measurement is a fresh child
// process (this program re-executed in a hidden --child mode), so its peak memory is its own.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/sim/memory_need.h"
#include "dais/sim/rng.h"
#include "measurement.h"

namespace dais::app {
namespace {

constexpr const char* kHelp = R"(usage: dais bench depin [options]

(1) A large market through the DePIN layer: --providers providers (one group, 1 GFLOP/s
    each) and 1,000 clients behind one router; jobs of 1 GFLOP on average (exponential)
    arrive as a Poisson process at 70% of the providers' capacity; each goes to the least
    loaded of two providers sampled at random and waits in that provider's queue; no
    transfers, no payment. The run lasts until --jobs jobs have arrived. Prints jobs
    finished per wall second (bar: 300,000), the peak memory, the same with a tenth of the
    jobs (memory must not grow with finished jobs), and the memory per provider: the peak
    of a market of --providers providers less that of 1,000 providers, over the difference.
    These runs keep no final tables, as a sweep's runs do; the per-provider figure is
    printed again for runs that keep them (as `dais run` does: one row per provider in the
    report).
(2) An M/M/c queue, 4 providers at rho = 0.75 (the market's order book, any free provider)
    for --mmc-jobs jobs, through the layer and as a plain loop over the same arrivals and job
    sizes (first come first served, each job to the provider that is free first): jobs per
    wall second of each, their ratio, and both mean waits against Erlang C.
Each figure is the median of --repeats fresh processes.

options:
  --providers N   providers of the large market (default 100000)
  --jobs N        jobs of the large market (default 10000000)
  --mmc-jobs N    jobs of the M/M/c queue (default 2000000)
  --repeats N     measurements of each (default 3)
  --json          print the figures as JSON
)";

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/// Erlang C: the mean wait of an M/M/c queue with service rate 1 and offered load a.
double erlangCWait(int c, double a) {
    double term = 1, sum = 0;
    for (int k = 0; k < c; ++k) {
        sum += term;
        term *= a / (k + 1);
    }
    const double tail = term / (1 - a / c);
    return tail / (sum + tail) / (c - a);
}

std::string marketScenario(std::uint64_t providers, std::uint64_t jobs) {
    const double rate = 0.7 * static_cast<double>(providers);
    nlohmann::json doc = {
        {"format", "dais-scenario"},
        {"version", 1},
        {"meta", {{"name", "bench depin market"}}},
        {"network",
         {{"nodes", {{{"id", "hub"}, {"role", "router"}}}},
          {"groups",
           {{{"id", "clients"}, {"count", 1000}, {"role", "client"}, {"attach", "hub"}},
            {{"id", "providers"},
             {"count", providers},
             {"role", "provider"},
             {"attach", "hub"},
             {"resources", {{"cpu_gflops", 1}}}}}}}},
        {"layers",
         {{"depin",
           {{"arrival_rate", rate},
            {"job_gflop", 1},
            {"matching", "queues"},
            {"policy", "least-loaded"},
            {"candidates", 2},
            {"payment", "none"}}}}},
        {"run", {{"seed", 1}, {"until", std::to_string(static_cast<double>(jobs) / rate) + "s"}}}};
    return doc.dump();
}

std::string mmcScenario(std::uint64_t jobs) {
    nlohmann::json doc = {
        {"format", "dais-scenario"},
        {"version", 1},
        {"meta", {{"name", "bench depin M/M/c"}}},
        {"network",
         {{"nodes", {{{"id", "client"}, {"role", "client"}}}},
          {"groups",
           {{{"id", "providers"},
             {"count", 4},
             {"role", "provider"},
             {"attach", "client"},
             {"resources", {{"cpu_gflops", 1}}}}}}}},
        {"layers", {{"depin", {{"arrival_rate", 3}, {"job_gflop", 1}, {"payment", "none"}}}}},
        {"run", {{"seed", 1}, {"until", std::to_string(static_cast<double>(jobs) / 3) + "s"}}}};
    return doc.dump();
}

// --- child mode: one measurement, printed as one line of numbers ---------------------------

int childLayer(const std::string& text, bool finalTables = false) {
    const core::LayerRegistry& registry = core::LayerRegistry::installed();
    if (registry.find("depin") == nullptr)
        return printError("bench depin: the depin layer is not installed"), kExitFailure;
    auto s = core::loadScenarioText(text, "bench-depin.dais.json", {}, &registry);
    if (!s) return printError("bench depin: " + s.error().message), kExitFailure;
    core::RunOptions options;
    options.events = false;
    options.finalTables = finalTables;
    auto run = core::ScenarioRun::prepare(*s, options);
    if (!run) return printError("bench depin: " + run.error().message), kExitFailure;
    const auto t0 = Clock::now();
    const core::RunReport r = (*run)->run();
    const double wall = seconds(t0, Clock::now());
    if (r.status != core::RunStatus::Completed)
        return printError("bench depin: the run failed: " + r.error), kExitFailure;
    const core::MetricReport* done = r.metric("depin.jobs_done");
    const core::MetricReport* wait = r.metric("depin.wait");
    if (done == nullptr || wait == nullptr)
        return printError("bench depin: the run reported no depin metrics"), kExitFailure;
    std::printf("%.9f %.0f %.12g\n", wall, done->value, wait->mean);
    return kExitOk;
}

/// The same M/M/c queue as a plain loop: Poisson arrivals at 3 a second, exponential work of
/// mean 1 s, four servers, first come first served, each job to the server that is free first.
int childPlain(std::uint64_t jobs) {
    sim::RngStream arrivals(1, "bench", 0, "arrivals"), sizes(1, "bench", 0, "sizes");
    double freeAt[4] = {0, 0, 0, 0};
    double now = 0, waitSum = 0;
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < jobs; ++i) {
        now += arrivals.exponential(1.0 / 3);
        int first = 0;
        for (int s = 1; s < 4; ++s)
            if (freeAt[s] < freeAt[first]) first = s;
        const double start = std::max(now, freeAt[first]);
        waitSum += start - now;
        freeAt[first] = start + sizes.exponential(1.0);
    }
    const double wall = seconds(t0, Clock::now());
    std::printf("%.9f %.0f %.12g\n", wall, static_cast<double>(jobs),
                waitSum / static_cast<double>(jobs));
    return kExitOk;
}

int runChild(const std::vector<std::string>& args) {
    auto number = [&](std::size_t i) { return std::stoull(args.at(i)); };
    try {
        if (args.size() == 4 && args[1] == "market")
            return childLayer(marketScenario(number(2), number(3)));
        if (args.size() == 4 && args[1] == "market-tables")
            return childLayer(marketScenario(number(2), number(3)), true);
        if (args.size() == 3 && args[1] == "mmc-layer") return childLayer(mmcScenario(number(2)));
        if (args.size() == 3 && args[1] == "mmc-plain") return childPlain(number(2));
    } catch (const std::exception&) {
    }
    printError("bench depin: malformed --child arguments");
    return kExitFailure;
}

// --- parent ----------------------------------------------------------------------------------

struct Figures {
    double wall = 0, jobs = 0, wait = 0, rss = 0;
};

core::Result<Figures> measure(const std::vector<std::string>& childArgs) {
    std::vector<std::string> args = {"--child"};
    args.insert(args.end(), childArgs.begin(), childArgs.end());
    auto m = runMeasurement("depin", args, runChild);
    if (!m) return m.error();
    Figures f;
    std::istringstream in(m->out);
    if (!(in >> f.wall >> f.jobs >> f.wait))
        return core::Error{"bench depin: a measurement printed no figures"};
    f.rss = m->peakRssBytes;
    return f;
}

/// The medians of `repeats` measurements.
core::Result<Figures> medianOf(std::uint64_t repeats, const std::vector<std::string>& childArgs) {
    std::vector<double> wall, jobs, wait, rss;
    for (std::uint64_t i = 0; i < repeats; ++i) {
        auto f = measure(childArgs);
        if (!f) return f.error();
        wall.push_back(f->wall);
        jobs.push_back(f->jobs);
        wait.push_back(f->wait);
        rss.push_back(f->rss);
    }
    return Figures{median(wall), median(jobs), median(wait), median(rss)};
}

}  // namespace

int benchDepin(const std::vector<std::string>& words) {
    if (!words.empty() && words[0] == "--child") return runChild(words);
    Args args(words);
    std::uint64_t providers = 100'000, jobs = 10'000'000, mmcJobs = 2'000'000, repeats = 3;
    bool json = false;
    while (!args.done()) {
        auto number = [&](const char* name, std::uint64_t& into, std::uint64_t lo,
                          std::uint64_t hi) { return takeWholeNumber(args, name, into, lo, hi); };
        if (args.flag("help")) return std::fputs(kHelp, stdout), kExitOk;
        int r;
        if ((r = number("providers", providers, 2000, 10'000'000)) ||
            (r = number("jobs", jobs, 10'000, 1'000'000'000)) ||
            (r = number("mmc-jobs", mmcJobs, 10'000, 1'000'000'000)) ||
            (r = number("repeats", repeats, 1, 100))) {
            if (r == 2) return kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench depin: unknown option " + args.peek() +
                       " (see dais bench depin --help)");
            return kExitUsage;
        }
    }
    auto fail = [](const core::Error& e) {
        printError(e.message);
        return kExitFailure;
    };
    const std::string n = std::to_string(providers);
    auto big = medianOf(repeats, {"market", n, std::to_string(jobs)});
    if (!big) return fail(big.error());
    auto tenth = medianOf(repeats, {"market", n, std::to_string(jobs / 10)});
    if (!tenth) return fail(tenth.error());
    auto small = medianOf(repeats, {"market", "1000", std::to_string(jobs / 10)});
    if (!small) return fail(small.error());
    auto tenthTables = medianOf(repeats, {"market-tables", n, std::to_string(jobs / 10)});
    if (!tenthTables) return fail(tenthTables.error());
    auto smallTables = medianOf(repeats, {"market-tables", "1000", std::to_string(jobs / 10)});
    if (!smallTables) return fail(smallTables.error());
    auto layer = medianOf(repeats, {"mmc-layer", std::to_string(mmcJobs)});
    if (!layer) return fail(layer.error());
    auto plain = medianOf(repeats, {"mmc-plain", std::to_string(mmcJobs)});
    if (!plain) return fail(plain.error());

    const double jobsPerSecond = big->jobs / big->wall;
    const double perProvider = (tenth->rss - small->rss) / static_cast<double>(providers - 1000);
    const double perProviderTables =
        (tenthTables->rss - smallTables->rss) / static_cast<double>(providers - 1000);
    const double layerRate = layer->jobs / layer->wall, plainRate = plain->jobs / plain->wall;
    const double theory = erlangCWait(4, 3);
    if (json) {
        nlohmann::json out = {{"market",
                               {{"providers", providers},
                                {"jobs", big->jobs},
                                {"jobs_per_second", jobsPerSecond},
                                {"peak_rss_bytes", big->rss},
                                {"peak_rss_bytes_tenth_of_the_jobs", tenth->rss},
                                {"bytes_per_provider", perProvider},
                                {"bytes_per_provider_with_final_tables", perProviderTables}}},
                              {"mmc",
                               {{"jobs", mmcJobs},
                                {"layer_jobs_per_second", layerRate},
                                {"plain_jobs_per_second", plainRate},
                                {"ratio", plainRate / layerRate},
                                {"layer_mean_wait", layer->wait},
                                {"plain_mean_wait", plain->wait},
                                {"erlang_c_mean_wait", theory}}}};
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    std::printf("DePIN market, median of %llu fresh processes each\n\n",
                static_cast<unsigned long long>(repeats));
    std::printf("large market: %s providers, %s jobs finished, least loaded of 2, queues\n",
                sim::countText(static_cast<double>(providers)).c_str(),
                sim::countText(big->jobs).c_str());
    std::printf("  %s jobs per wall second (bar: 300 k)\n", siNumber(jobsPerSecond).c_str());
    std::printf("  peak memory %s; with a tenth of the jobs %s (it must not grow with them)\n",
                sim::memoryText(big->rss).c_str(), sim::memoryText(tenth->rss).c_str());
    std::printf("  per provider: %.0f bytes (peak of %s providers less that of 1,000; bar: 500)\n",
                perProvider, sim::countText(static_cast<double>(providers)).c_str());
    std::printf("  per provider with the report's final tables: %.0f bytes\n\n", perProviderTables);
    std::printf("M/M/4 at rho 0.75, %s jobs: the layer against a plain loop\n",
                sim::countText(static_cast<double>(mmcJobs)).c_str());
    std::printf("  layer  %s jobs/s, mean wait %.4f s\n", siNumber(layerRate).c_str(), layer->wait);
    std::printf("  plain  %s jobs/s, mean wait %.4f s\n", siNumber(plainRate).c_str(), plain->wait);
    std::printf("  ratio  %.1fx; Erlang C mean wait %.4f s\n", plainRate / layerRate, theory);
    return kExitOk;
}

}  // namespace dais::app
