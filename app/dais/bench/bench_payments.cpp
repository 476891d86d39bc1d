// dais bench payments: transfers per second through the payments service's instant provider,
// against a plain loop that moves the same amounts between the same balances.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/core/instant_payments.h"
#include "measurement.h"

namespace dais::app {
namespace {

constexpr const char* kBenchPaymentsHelp = R"(usage: dais bench payments [options]

Measures transfers per second between --accounts accounts, each transfer one unit from
account i mod N to account (i * 7 + 3) mod N, all funded at the start:
(1) a plain loop: the same checks a transfer makes (both accounts exist, the amount is
    positive, the payer covers it) and the two balance updates, on a vector of integers;
(2) through the payments service (InstantPayments): the same transfers with a reason,
    each kept in the movement log (bounded), counted in the totals and in the metrics a run
    keeps (transfers, volume and each node's balance: every account is a node's);
and (3) their ratio, against the bar of at least 5 million transfers per second through the
service. Each figure is the median of --repeats measurements.

options:
  --transfers N    transfers per measurement (default 10000000)
  --accounts N     accounts (default 10000)
  --repeats N      measurements of each kind (default 5)
  --json           print the figures as JSON
)";

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

std::uint32_t payee(std::uint64_t i, std::uint32_t accounts) {
    return static_cast<std::uint32_t>((i * 7 + 3) % accounts);
}

/// Transfers per second in a plain loop; the balances' sum, to keep the work observable.
double plainLoop(std::uint64_t transfers, std::uint32_t accounts, std::int64_t& checksum) {
    std::vector<core::Amount> balances(accounts, static_cast<core::Amount>(transfers));
    std::uint64_t refused = 0;
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < transfers; ++i) {
        const auto from = static_cast<std::uint32_t>(i % accounts), to = payee(i, accounts);
        const core::Amount amount = 1;
        if (from >= balances.size() || to >= balances.size() || amount <= 0 ||
            balances[from] < amount) {
            ++refused;
            continue;
        }
        balances[from] -= amount;
        balances[to] += amount;
    }
    const double s = seconds(t0, Clock::now());
    checksum = static_cast<std::int64_t>(refused);
    for (const core::Amount b : balances)
        checksum += b;
    return static_cast<double>(transfers) / s;
}

/// Transfers per second through InstantPayments; -1 if one was refused.
double throughService(std::uint64_t transfers, std::uint32_t accounts, std::int64_t& checksum) {
    core::InstantPayments payments(core::Token{}, accounts);
    sim::Metrics metrics;
    metrics.setNodeCount(accounts);
    payments.attachMetrics(metrics);
    const auto treasury = payments.systemAccount("treasury");
    for (std::uint32_t a = 0; a < accounts; ++a)
        if (!payments.mint(treasury, static_cast<core::Amount>(transfers), "endowment") ||
            !payments.transfer(treasury, a, static_cast<core::Amount>(transfers), "endowment"))
            return -1;
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < transfers; ++i)
        if (!payments.transfer(static_cast<std::uint32_t>(i % accounts), payee(i, accounts), 1,
                               "payment"))
            return -1;
    const double s = seconds(t0, Clock::now());
    checksum = payments.totals().balances;
    if (!payments.checkConservation()) return -1;
    return static_cast<double>(transfers) / s;
}

}  // namespace

int benchPayments(const std::vector<std::string>& words) {
    Args args(words);
    std::uint64_t transfers = 10'000'000, accounts = 10'000, repeats = 5;
    bool json = false;
    while (!args.done()) {
        auto number = [&](const char* name, std::uint64_t& into, std::uint64_t lo,
                          std::uint64_t hi) { return takeWholeNumber(args, name, into, lo, hi); };
        if (args.flag("help")) return std::fputs(kBenchPaymentsHelp, stdout), kExitOk;
        int r;
        if ((r = number("transfers", transfers, 1000, 1'000'000'000)) ||
            (r = number("accounts", accounts, 2, 100'000'000)) ||
            (r = number("repeats", repeats, 1, 100))) {
            if (r == 2) return kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench payments: unknown option " + args.peek() +
                       " (see dais bench payments --help)");
            return kExitUsage;
        }
    }
    const auto n = static_cast<std::uint32_t>(accounts);
    std::vector<double> plain, service;
    for (std::uint64_t i = 0; i < repeats; ++i) {
        // Alternate the two, so a change in the machine's load affects both alike.
        std::int64_t plainSum = 0, serviceSum = 0;
        const double p = plainLoop(transfers, n, plainSum);
        const double s = throughService(transfers, n, serviceSum);
        if (s < 0) {
            printError("bench payments: the payments service refused a transfer");
            return kExitFailure;
        }
        if (plainSum != serviceSum) {
            printError("bench payments: the service's balances differ from the plain loop's");
            return kExitFailure;
        }
        plain.push_back(p);
        service.push_back(s);
        if (!json)
            std::fprintf(stderr, "  repeat %llu: plain %s transfers/s, service %s transfers/s\n",
                         static_cast<unsigned long long>(i + 1), siNumber(p).c_str(),
                         siNumber(s).c_str());
    }
    const double p = median(plain), s = median(service), ratio = p / s;
    const bool bar = s >= 5e6;
    if (json) {
        const nlohmann::json out = {{"transfers", transfers},
                                    {"accounts", accounts},
                                    {"repeats", repeats},
                                    {"plain_transfers_per_second", p},
                                    {"service_transfers_per_second", s},
                                    {"ratio", ratio},
                                    {"at_least_5_million_per_second", bar}};
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    std::printf("transfers per measurement   %s between %s accounts, median of %llu\n",
                groupDigits(transfers).c_str(), groupDigits(accounts).c_str(),
                static_cast<unsigned long long>(repeats));
    std::printf("plain loop                  %s transfers/s\n", siNumber(p).c_str());
    std::printf("payments service            %s transfers/s  (%s the bar of 5 M/s)\n",
                siNumber(s).c_str(), bar ? "above" : "below");
    std::printf("ratio                       %.2fx slower than the plain loop\n", ratio);
    return kExitOk;
}

}  // namespace dais::app
