// dais validate: check a scenario file and report every problem in it.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "dais/core/payments.h"
#include "dais/core/scenario_run.h"
#include "dais/core/services.h"
#include "scenario_args.h"

namespace dais::app {

const char* const kValidateHelp = R"(usage: dais validate FILE [--set PATH=VALUE]... [--quiet]

Checks a scenario file: JSON syntax, every field against the format's schema, the references
between nodes, groups, regions and templates, and every point of its experiments (as
`dais sweep` runs them). Then it does everything `dais run` does before the first event: it
builds the network and sets up the layers, so a file that validates will run. Every problem
is reported with the file, the JSON path, what was expected and what was found. A scenario
whose estimated memory exceeds what the machine has available (or DAIS_MEMORY_LIMIT, in
bytes or with a unit such as 512MiB) is refused, naming the value that makes it so big.

options:
  --set PATH=VALUE   change a value before validating (see `dais help run`)
  --quiet            print nothing when the file is valid
)";

namespace {

/// "1 node", "1,000 nodes".
std::string count(std::uint64_t n, const char* one, const char* many) {
    return groupDigits(n) + " " + (n == 1 ? one : many);
}

/// "FILE: valid (format version 1, "NAME", 1,003 nodes: 2 groups of 1,000 and 3 single nodes;
/// 1,012.5 USDC endowed; about 12 MiB of memory)"; the money only when the scenario has a
/// payments section.
void printValid(const std::string& file, const core::Scenario& s, core::ScenarioRun& run) {
    std::uint64_t members = 0;
    for (const auto& g : s.network.groups)
        members += g.count;
    const std::uint64_t singles = s.network.nodes.size();
    std::string network = count(members + singles, "node", "nodes");
    if (!s.network.groups.empty()) {
        network += ": " + count(s.network.groups.size(), "group", "groups") + " of " +
                   groupDigits(members);
        if (singles > 0) network += " and " + count(singles, "single node", "single nodes");
    }
    if (const auto* payments = run.services().find<core::Payments>();
        payments != nullptr && s.payments.present)
        network +=
            "; " + core::amountText(payments->totals().minted, payments->token()) + " endowed";
    std::printf("%s: valid (format version %d, \"%s\", %s; about %s of memory)\n", file.c_str(),
                s.version, s.meta.name.c_str(), network.c_str(),
                sim::memoryText(run.memoryEstimate().total()).c_str());
}

}  // namespace

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
    if (const int code = sa.requireFile(); code != kExitOk) return code;
    const auto scenario = sa.load();
    if (!scenario)
        return std::fprintf(stderr, "%s\n", scenario.error().message.c_str()), kExitBadInput;
    // What `run` does before its first event: the network built, the layers set up.
    const auto prepared = core::ScenarioRun::prepare(*scenario);
    if (!prepared)
        return std::fprintf(stderr, "%s\n", prepared.error().message.c_str()), kExitBadInput;
    // Experiments: every point of every sweep, as `dais sweep` checks them before running.
    std::vector<std::string> experiments;
    if (!scenario->experiments.empty())
        if (const int x = checkExperiments(sa.file, sa.overrides, experiments); x != kExitOk)
            return x;
    if (!quiet) {
        printValid(sa.file, *scenario, **prepared);
        for (const std::string& line : experiments)
            std::printf("  %s\n", line.c_str());
    }
    return kExitOk;
}

}  // namespace dais::app
