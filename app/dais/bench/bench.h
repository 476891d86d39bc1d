#pragma once
// `dais bench ...` commands: benchmark programs that print figures.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dais/sim/time.h"

namespace dais::app {

/// A PHOLD configuration (remote 0.9, mean 1 s, lookahead 0.1 s throughout).
struct PholdWorkload {
    std::string name;
    std::uint32_t lps;
    std::uint32_t perLp;
    sim::SimTime end;
};
/// The standard configurations: small, large, dense.
const std::vector<PholdWorkload>& pholdWorkloads();

/// A benchmark's child mode: its "--child ..." arguments in, an exit code out.
using ChildMain = int (*)(const std::vector<std::string>& args);
/// What a measurement child printed, and what it cost.
struct Measurement {
    std::string out;          ///< its standard output
    double wallSeconds = 0;   ///< from fork to exit
    double peakRssBytes = 0;  ///< its own peak resident memory
};
/// Runs one measurement in a fresh process: this program re-executed as
/// `dais bench BENCHMARK CHILDARGS...` (CHILDARGS start with "--child"), so the process holds
/// nothing but that measurement; if it cannot be re-executed, fallback(childArgs) runs in the
/// forked copy. Returns an error message, or nothing with `m` filled.
std::optional<std::string> runMeasurement(const std::string& benchmark,
                                          const std::vector<std::string>& childArgs,
                                          ChildMain fallback, Measurement& m);
/// The median (0 for none).
double median(std::vector<double> v);

/// `dais bench phold [options]`; args are the words after "phold". Returns the exit code.
int benchPhold(const std::vector<std::string>& args);
/// `dais bench runner [options]`: PHOLD through the runner against the bare kernel.
int benchRunner(const std::vector<std::string>& args);
/// `dais bench store [options]`: metric rows into the run store against plain SQLite.
int benchStore(const std::vector<std::string>& args);
/// `dais bench fl [options]`: a federated round through the layer against a plain training loop.
int benchFl(const std::vector<std::string>& args);

}  // namespace dais::app
