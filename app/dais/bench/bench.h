#pragma once
// The benchmarks of `dais bench`, one file each; `dais bench` (cmd_bench.cpp) picks one by name.
// Each takes the words after its name and returns an exit code.

#include <cstdint>
#include <string>
#include <vector>

namespace dais::app {

class Args;

/// Reads `--NAME N` when it is the next option: 0 if it is not, 1 when N went into `into`, 2
/// after printing why N is not a whole number from lo to hi (a usage error).
int takeWholeNumber(Args& args, const char* name, std::uint64_t& into, std::uint64_t lo,
                    std::uint64_t hi);

/// `dais bench phold [options]`; args are the words after "phold". Returns the exit code.
int benchPhold(const std::vector<std::string>& args);
/// `dais bench runner [options]`: PHOLD through the runner against the bare kernel.
int benchRunner(const std::vector<std::string>& args);
/// `dais bench store [options]`: metric rows into the run store against plain SQLite.
int benchStore(const std::vector<std::string>& args);
/// `dais bench fl [options]`: a federated round through the layer against a plain training loop.
int benchFl(const std::vector<std::string>& args);
/// `dais bench payments [options]`: transfers through the payments service against a plain loop.
int benchPayments(const std::vector<std::string>& args);
/// `dais bench messages [options]`: typed records through a MessageChannel against plain sends.
int benchMessages(const std::vector<std::string>& args);
/// `dais bench depin [options]`: a large DePIN market, and an M/M/c queue through the layer
/// against a plain loop.
int benchDepin(const std::vector<std::string>& args);
/// `dais bench ledger [options]`: the bundled Bitcoin scenario through the ledger layer,
/// optionally beside SimBlock.
int benchLedger(const std::vector<std::string>& args);
/// `dais bench crypto [options]`: real secure aggregation against its PRG, SecAgg+ at scale,
/// signatures and Merkle proofs.
int benchCrypto(const std::vector<std::string>& args);

}  // namespace dais::app
