// dais bench: the benchmarks, each in its own file of this folder.
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "cli.h"
#include "commands.h"

namespace dais::app {

const char* const kBenchHelp = R"(usage: dais bench BENCHMARK [options]

benchmarks:
  phold    the simulation kernel on the PHOLD benchmark, against its own queues
  runner   PHOLD through the runner (worker thread, observers) against the bare kernel
  store    the run store's writer against plain SQLite, while a simulation runs
  fl       a federated-learning round through the layer against a plain training loop
  payments transfers through the payments service against a plain loop
  messages typed records through a message channel against plain sends with a payload word
  depin    a DePIN market of 100,000 providers and 10 million jobs; an M/M/c queue through the
           layer against a plain loop
  ledger   the Bitcoin scenario (10,000 nodes in six regions, a block every 600 s, compact
           blocks) through the ledger layer; optionally beside SimBlock
  crypto   real secure aggregation (SecAgg of 100 clients, SecAgg+ of 1,000) against the PRG
           it uses; Ed25519 signatures and Merkle proofs per second

`dais bench BENCHMARK --help` lists each one's options.
)";

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
    if (which == "payments") return benchPayments(rest);
    if (which == "messages") return benchMessages(rest);
    if (which == "depin") return benchDepin(rest);
    if (which == "ledger") return benchLedger(rest);
    if (which == "crypto") return benchCrypto(rest);
    printError("bench: unknown benchmark \"" + which +
               "\" (available: phold, runner, store, fl, payments, messages, depin, ledger, "
               "crypto)");
    return kExitUsage;
}

}  // namespace dais::app
