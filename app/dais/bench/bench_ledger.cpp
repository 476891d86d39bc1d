// dais bench ledger: what the ledger layer costs on the bundled Bitcoin scenario (10,000 nodes in
// six regions, a block every 600 s, compact block relay): blocks, transactions, node-block
// deliveries and network messages per wall second, and the peak memory per node; optionally
// beside SimBlock, run once in the same sitting. Every measurement is a fresh child process
// (this program re-executed in a hidden --child mode), so its peak memory is its own.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/core/units.h"
#include "dais/sim/memory_need.h"
#include "measurement.h"

namespace dais::app {
namespace {

constexpr const char* kHelp = R"(usage: dais bench ledger [options]

The bundled Bitcoin scenario (bitcoin.dais.json) through the ledger layer: --nodes peers in
SimBlock's six regions, in the shares of its 2019 data (North America 33.16%, Europe 49.98%,
South America 0.90%, Asia-Pacific 11.77%, Japan 2.24%, Australia 1.95%; the rounding
remainder goes to Europe), each behind an access link with its region's upload bandwidth to
its regional gateway, the gateways SimBlock's mean latencies apart. Every node opens 8
connections to random others and mines with equal hash power; blocks come every 600 s on
average, carry up to --block-size of transactions (3.5 a second arrive, 250 bytes each, in
four fee classes) and are relayed as --relay says. The run lasts --blocks x 600 simulated
seconds (blocks are found at random, so about --blocks are made), keeps no events and no final
tables, as a sweep's runs do, and its wall time is that of the simulation alone (loading the
scenario and building the network are left out). Prints the blocks made, the transactions on
the best chain, the stale rate, the propagation time to half the nodes (the mean over blocks
of ledger.propagation_50), the network messages sent, and per wall second: simulated blocks,
transactions, node-block deliveries (nodes x blocks made / wall seconds) and network
messages; then the peak memory of the process and per node (peak RSS / nodes). Each figure is
the median of --repeats fresh processes.

With --simblock DIR, SimBlock (DIR/run.sh; see DIR/README.md) then runs once with the same
nodes, blocks, interval (600,000 ms) and block size, and its figures are printed beside ours
with two ratios, each against a bar of at least 10x: our node-block deliveries per wall
second over SimBlock's, and SimBlock's peak memory per node over ours. The two do not model
the same thing. SimBlock moves a block between two nodes as one message of the full block
size (or an 18 kB compact block, with a drawn share of failures), delayed by a latency drawn
for the two regions plus its size over the lesser of the sender's regional upload and the
receiver's regional download bandwidth; it carries no transactions, signatures or mempools,
and its wall time is that of its whole Java process (start-up and writing every propagation
event to its output files included). DAIS signs every block with Ed25519, names it by the
SHA-256 of its header, carries counted transactions by fee class (a block holds what the
mempool offers, up to the block size, so at 3.5 transactions a second it is about half a
megabyte), rebuilds compact blocks from each node's mempool and fetches what is missing, and
routes every message of its real size over the access links and the regional gateways with
FIFO queues.

options:
  --nodes N          peers, shared among the six regions (default 10000)
  --blocks N         the run lasts N x 600 simulated seconds (default 1008, a week)
  --relay KIND       compact (BIP 152, the default), inv (announce, then send the block
                     whole when asked) or push (send the block whole unasked)
  --block-size SIZE  most bytes of transactions a block carries: 1MB, 535kB, 2000000B
                     (default 1MB)
  --scenario FILE    the scenario (default: the bundled bitcoin.dais.json, from
                     share/dais/scenarios beside the program, else from the source tree);
                     it must have the bundled one's six groups
  --simblock DIR     run SimBlock from DIR (which holds its run.sh) once afterwards and
                     compare
  --repeats N        measurements (default 1: one takes about 70 s at the defaults)
  --json             print the figures as JSON
)";

constexpr double kIntervalSeconds = 600;

/// The six groups of the bundled scenario and their shares of the nodes (SimBlock's 2019 data).
struct Region {
    const char* group;
    double share;
};
constexpr Region kRegions[] = {
    {"peers-north-america", 0.3316}, {"peers-europe", 0.4998}, {"peers-south-america", 0.0090},
    {"peers-asia-pacific", 0.1177},  {"peers-japan", 0.0224},  {"peers-australia", 0.0195},
};
constexpr std::size_t kLargestRegion = 1;  // Europe: takes the rounding remainder

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/// The nodes of each group: the shares of `nodes`, rounded, the remainder on the largest group.
std::vector<std::int64_t> regionCounts(std::uint64_t nodes) {
    std::vector<std::int64_t> counts;
    std::int64_t sum = 0;
    for (const Region& r : kRegions) {
        counts.push_back(std::llround(static_cast<double>(nodes) * r.share));
        sum += counts.back();
    }
    counts[kLargestRegion] += static_cast<std::int64_t>(nodes) - sum;
    return counts;
}

/// The bundled scenario: share/dais/scenarios beside the program (an installed tree), else the
/// source tree's scenarios/ (a program run from its build tree); "" when neither has it.
std::string bundledScenario() {
    constexpr const char* kFile = "bitcoin.dais.json";
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto installed =
            (exe.parent_path() / ".." / "share" / "dais" / "scenarios" / kFile).lexically_normal();
        if (std::filesystem::is_regular_file(installed, ec)) return installed.string();
    }
#ifdef DAIS_SOURCE_DIR
    const auto source = std::filesystem::path(DAIS_SOURCE_DIR) / "scenarios" / kFile;
    if (std::filesystem::is_regular_file(source, ec)) return source.string();
#endif
    return "";
}

// --- child mode: one measurement, printed as one line of numbers ---------------------------

/// Runs the scenario with the benchmark's overrides; prints the wall seconds of run(), blocks
/// made, transactions on the chain, stale rate, mean propagation to half the nodes, network
/// messages sent and the mean block size.
int childRun(const std::string& file, std::uint64_t nodes, std::uint64_t blocks,
             const std::string& relay, std::uint64_t blockBytes) {
    const core::LayerRegistry& registry = core::LayerRegistry::installed();
    if (registry.find("ledger") == nullptr)
        return printError("bench ledger: the ledger layer is not installed"), kExitFailure;
    std::vector<std::string> overrides;
    const std::vector<std::int64_t> counts = regionCounts(nodes);
    for (std::size_t i = 0; i < counts.size(); ++i)
        overrides.push_back(std::string("network.groups.") + kRegions[i].group +
                            ".count=" + std::to_string(counts[i]));
    overrides.push_back(
        "run.until=" + std::to_string(static_cast<std::uint64_t>(kIntervalSeconds) * blocks) + "s");
    overrides.push_back("layers.ledger.interval=" +
                        std::to_string(static_cast<std::uint64_t>(kIntervalSeconds)) + "s");
    overrides.push_back("layers.ledger.relay=" + relay);
    overrides.push_back("layers.ledger.block_size=" + std::to_string(blockBytes) + "B");
    auto s = core::loadScenarioFile(file, overrides, &registry);
    if (!s) return printError("bench ledger: " + s.error().message), kExitFailure;
    core::RunOptions options;
    options.events = false;
    options.finalTables = false;
    auto run = core::ScenarioRun::prepare(*s, options);
    if (!run) return printError("bench ledger: " + run.error().message), kExitFailure;
    const auto t0 = Clock::now();
    const core::RunReport r = (*run)->run();
    const double wall = seconds(t0, Clock::now());
    if (r.status != core::RunStatus::Completed)
        return printError("bench ledger: the run failed: " + r.error), kExitFailure;
    const core::MetricReport* made = r.metric("ledger.blocks");
    const core::MetricReport* txs = r.metric("ledger.transactions");
    const core::MetricReport* stale = r.metric("ledger.stale_rate");
    const core::MetricReport* prop = r.metric("ledger.propagation_50");
    const core::MetricReport* messages = r.metric("net.messages.sent");
    const core::MetricReport* sizes = r.metric("ledger.block_bytes");
    if (made == nullptr || txs == nullptr || stale == nullptr || prop == nullptr ||
        messages == nullptr || sizes == nullptr)
        return printError("bench ledger: the run reported no ledger or network metrics"),
               kExitFailure;
    std::printf("%.9f %.0f %.0f %.12g %.12g %.0f %.12g\n", wall, made->value, txs->value,
                stale->value, prop->mean, messages->value, sizes->mean);
    return kExitOk;
}

int runChild(const std::vector<std::string>& args) {
    auto number = [&](std::size_t i) { return std::stoull(args.at(i)); };
    try {
        if (args.size() == 6) return childRun(args[1], number(2), number(3), args[4], number(5));
    } catch (const std::exception&) {
    }
    printError("bench ledger: malformed --child arguments");
    return kExitFailure;
}

// --- parent ----------------------------------------------------------------------------------

struct Figures {
    double wall = 0, blocks = 0, transactions = 0, stale = 0, propagation = 0, messages = 0,
           blockBytes = 0, processWall = 0, rss = 0;
};

core::Result<Figures> measure(const std::vector<std::string>& childArgs) {
    auto m = runMeasurement("ledger", childArgs, runChild);
    if (!m) return core::Error{"bench ledger: " + m.error().message};
    Figures f;
    std::istringstream in(m->out);
    if (!(in >> f.wall >> f.blocks >> f.transactions >> f.stale >> f.propagation >> f.messages >>
          f.blockBytes))
        return core::Error{"bench ledger: a measurement printed no figures"};
    f.processWall = m->wallSeconds;
    f.rss = m->peakRssBytes;
    return f;
}

/// The medians of `repeats` measurements.
core::Result<Figures> medianOf(std::uint64_t repeats, const std::vector<std::string>& childArgs) {
    std::vector<double> v[9];
    for (std::uint64_t i = 0; i < repeats; ++i) {
        auto f = measure(childArgs);
        if (!f) return f.error();
        const double each[9] = {f->wall,       f->blocks,      f->transactions,
                                f->stale,      f->propagation, f->messages,
                                f->blockBytes, f->processWall, f->rss};
        for (int k = 0; k < 9; ++k)
            v[k].push_back(each[k]);
    }
    return Figures{median(v[0]), median(v[1]), median(v[2]), median(v[3]), median(v[4]),
                   median(v[5]), median(v[6]), median(v[7]), median(v[8])};
}

/// What SimBlock's run.sh printed.
struct SimBlockFigures {
    double wall = 0, rss = 0, onChain = 0, orphans = 0, deliveriesPerSecond = 0;
};

/// A word for the shell, in single quotes.
std::string shellQuoted(const std::string& word) {
    std::string q = "'";
    for (char c : word)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// Runs `DIR/run.sh NODES BLOCKS 600000 BYTES` and reads its figures from its standard output
/// (its standard error, the Java compiler's included, goes to ours).
core::Result<SimBlockFigures> runSimBlock(const std::string& dir, std::uint64_t nodes,
                                          std::uint64_t blocks, std::uint64_t blockBytes) {
    const std::string script = (std::filesystem::path(dir) / "run.sh").string();
    if (access(script.c_str(), X_OK) != 0)
        return core::Error{"bench ledger: --simblock: no runnable " + script};
    const std::string command =
        shellQuoted(script) + " " + std::to_string(nodes) + " " + std::to_string(blocks) + " " +
        std::to_string(static_cast<std::uint64_t>(kIntervalSeconds * 1000)) + " " +
        std::to_string(blockBytes);
    std::fflush(nullptr);
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return core::Error{"bench ledger: --simblock: cannot start " + script};
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr)
        out += buf;
    const int status = pclose(pipe);
    if (status != 0)
        return core::Error{"bench ledger: --simblock: " + script + " failed (status " +
                           std::to_string(status) + ")"};
    SimBlockFigures f;
    bool wall = false, deliveries = false;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (std::sscanf(line.c_str(), "wall %lf s peak RSS %lf MB blocks on chain %lf orphans %lf",
                        &f.wall, &f.rss, &f.onChain, &f.orphans) == 4) {
            f.rss *= 1024.0 * 1024;  // run.sh prints the kilobytes of `time -v` over 1024
            wall = true;
        } else if (std::sscanf(line.c_str(), "node-block deliveries per wall second: %lf",
                               &f.deliveriesPerSecond) == 1) {
            deliveries = true;
        }
    }
    if (!wall || !deliveries)
        return core::Error{"bench ledger: --simblock: " + script +
                           " printed no wall time, peak memory or deliveries per second:\n" + out};
    return f;
}

}  // namespace

int benchLedger(const std::vector<std::string>& words) {
    if (!words.empty() && words[0] == "--child") return runChild(words);
    Args args(words);
    std::uint64_t nodes = 10'000, blocks = 1008, repeats = 1;
    std::string relay = "compact", blockSize = "1MB", scenario, simblock;
    bool json = false;
    auto text = [&](const char* name, std::string& into) {
        auto given = args.option(name);
        if (!given) return 0;
        if (!*given) return printError(given->error().message), 2;
        into = **given;
        return 1;
    };
    while (!args.done()) {
        auto number = [&](const char* name, std::uint64_t& into, std::uint64_t lo,
                          std::uint64_t hi) { return takeWholeNumber(args, name, into, lo, hi); };
        if (args.flag("help")) return std::fputs(kHelp, stdout), kExitOk;
        int r;
        if ((r = number("nodes", nodes, 100, 1'000'000)) ||
            (r = number("blocks", blocks, 1, 100'000)) ||
            (r = number("repeats", repeats, 1, 100)) || (r = text("relay", relay)) ||
            (r = text("block-size", blockSize)) || (r = text("scenario", scenario)) ||
            (r = text("simblock", simblock))) {
            if (r == 2) return kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench ledger: unknown option " + args.peek() +
                       " (see dais bench ledger --help)");
            return kExitUsage;
        }
    }
    if (relay != "compact" && relay != "inv" && relay != "push") {
        printError("--relay: expected compact, inv or push, got \"" + relay + "\"");
        return kExitUsage;
    }
    const auto size = core::parseSize(blockSize);
    if (!size || *size < 1 || *size > 1e10) {
        printError(size ? "--block-size: expected a size from 1B to 10GB, got \"" + blockSize + "\""
                        : "--block-size: " + size.error().message);
        return kExitUsage;
    }
    const auto blockBytes = static_cast<std::uint64_t>(std::llround(*size));
    std::error_code ec;
    if (scenario.empty()) {
        scenario = bundledScenario();
        if (scenario.empty()) {
            printError(
                "bench ledger: the bundled bitcoin.dais.json is neither in share/dais/scenarios "
                "beside the program nor in the source tree; name it with --scenario FILE");
            return kExitBadInput;
        }
    } else if (!std::filesystem::is_regular_file(scenario, ec)) {
        printError("--scenario: no such file: " + scenario);
        return kExitBadInput;
    }
    if (!simblock.empty() && !std::filesystem::is_directory(simblock, ec)) {
        printError("--simblock: no such folder: " + simblock);
        return kExitUsage;
    }
    auto fail = [](const core::Error& e) {
        printError(e.message);
        return kExitFailure;
    };

    auto ours = medianOf(repeats, {"--child", scenario, std::to_string(nodes),
                                   std::to_string(blocks), relay, std::to_string(blockBytes)});
    if (!ours) return fail(ours.error());
    std::optional<SimBlockFigures> theirs;
    if (!simblock.empty()) {
        auto s = runSimBlock(simblock, nodes, blocks, blockBytes);
        if (!s) return fail(s.error());
        theirs = *s;
    }

    const double n = static_cast<double>(nodes);
    const double blocksPerSecond = ours->blocks / ours->wall;
    const double txPerSecond = ours->transactions / ours->wall;
    const double deliveries = n * ours->blocks / ours->wall;
    const double messagesPerSecond = ours->messages / ours->wall;
    const double perNode = ours->rss / n;
    double deliveryRatio = 0, memoryRatio = 0, theirPerNode = 0;
    if (theirs) {
        theirPerNode = theirs->rss / n;
        deliveryRatio = deliveries / theirs->deliveriesPerSecond;
        memoryRatio = theirPerNode / perNode;
    }
    auto barText = [](double ratio) { return ratio >= 10 ? "meets the bar" : "below the bar"; };

    if (json) {
        nlohmann::json out = {{"scenario", scenario},
                              {"nodes", nodes},
                              {"blocks", blocks},
                              {"relay", relay},
                              {"block_size_bytes", blockBytes},
                              {"repeats", repeats},
                              {"dais",
                               {{"blocks_made", ours->blocks},
                                {"transactions_on_chain", ours->transactions},
                                {"stale_rate", ours->stale},
                                {"propagation_50_mean_seconds", ours->propagation},
                                {"network_messages", ours->messages},
                                {"mean_block_bytes", ours->blockBytes},
                                {"wall_seconds", ours->wall},
                                {"process_wall_seconds", ours->processWall},
                                {"blocks_per_second", blocksPerSecond},
                                {"transactions_per_second", txPerSecond},
                                {"node_block_deliveries_per_second", deliveries},
                                {"network_messages_per_second", messagesPerSecond},
                                {"peak_rss_bytes", ours->rss},
                                {"peak_rss_bytes_per_node", perNode}}}};
        if (theirs) {
            const double made = theirs->onChain + theirs->orphans;
            out["simblock"] = {{"dir", simblock},
                               {"blocks_made", made},
                               {"stale_rate", made > 0 ? theirs->orphans / made : 0},
                               {"wall_seconds", theirs->wall},
                               {"node_block_deliveries_per_second", theirs->deliveriesPerSecond},
                               {"peak_rss_bytes", theirs->rss},
                               {"peak_rss_bytes_per_node", theirPerNode},
                               {"deliveries_ratio", deliveryRatio},
                               {"deliveries_ratio_meets_bar_of_10x", deliveryRatio >= 10},
                               {"memory_per_node_ratio", memoryRatio},
                               {"memory_per_node_ratio_meets_bar_of_10x", memoryRatio >= 10}};
        }
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    std::printf("Ledger: %s, median of %llu fresh process%s\n", scenario.c_str(),
                static_cast<unsigned long long>(repeats), repeats == 1 ? "" : "es");
    std::printf(
        "  %s nodes in six regions, %s x 600 s simulated, %s relay, blocks of up to %s B\n\n",
        sim::countText(n).c_str(), sim::countText(static_cast<double>(blocks)).c_str(),
        relay.c_str(), sim::countText(static_cast<double>(blockBytes)).c_str());
    std::printf("DAIS ledger layer\n");
    std::printf("  blocks made                       %s (mean %s B on the wire)\n",
                sim::countText(ours->blocks).c_str(),
                sim::countText(std::round(ours->blockBytes)).c_str());
    std::printf("  transactions on chain             %s\n",
                sim::countText(ours->transactions).c_str());
    std::printf("  stale rate                        %.3f%%\n", 100 * ours->stale);
    std::printf("  propagation to half the nodes     %.3f s (mean over blocks)\n",
                ours->propagation);
    std::printf("  network messages sent             %s\n", sim::countText(ours->messages).c_str());
    std::printf("  wall time of run()                %.2f s (whole process %.2f s)\n", ours->wall,
                ours->processWall);
    std::printf("  simulated blocks per wall second  %.3g\n", blocksPerSecond);
    std::printf("  transactions per wall second      %s\n", siNumber(txPerSecond).c_str());
    std::printf("  node-block deliveries per wall s  %s\n", siNumber(deliveries).c_str());
    std::printf("  network messages per wall second  %s\n", siNumber(messagesPerSecond).c_str());
    std::printf("  peak memory                       %s, %s per node\n",
                sim::memoryText(ours->rss).c_str(), sim::memoryText(perNode).c_str());
    if (!theirs) return kExitOk;
    const double made = theirs->onChain + theirs->orphans;
    std::printf("\nSimBlock (%s/run.sh %llu %llu %llu %llu), once\n", simblock.c_str(),
                static_cast<unsigned long long>(nodes), static_cast<unsigned long long>(blocks),
                static_cast<unsigned long long>(kIntervalSeconds * 1000),
                static_cast<unsigned long long>(blockBytes));
    std::printf("  blocks made                       %s (all %s B)\n", sim::countText(made).c_str(),
                sim::countText(static_cast<double>(blockBytes)).c_str());
    std::printf("  stale rate                        %.3f%%\n",
                made > 0 ? 100 * theirs->orphans / made : 0.0);
    std::printf("  wall time of the Java process     %.2f s\n", theirs->wall);
    std::printf("  node-block deliveries per wall s  %s\n",
                siNumber(theirs->deliveriesPerSecond).c_str());
    std::printf("  peak memory                       %s, %s per node\n",
                sim::memoryText(theirs->rss).c_str(), sim::memoryText(theirPerNode).c_str());
    std::printf("\nDAIS against SimBlock (bar: at least 10x each)\n");
    std::printf("  deliveries per wall second, DAIS over SimBlock  %.2fx  %s\n", deliveryRatio,
                barText(deliveryRatio));
    std::printf("  memory per node, SimBlock over DAIS             %.2fx  %s\n", memoryRatio,
                barText(memoryRatio));
    return kExitOk;
}

}  // namespace dais::app
