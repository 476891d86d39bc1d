#pragma once
// Measurements in a fresh child process, shared by the benchmarks: a process that holds
// nothing but one measurement gives its own wall time and peak memory.

#include <string>
#include <vector>

#include "dais/core/result.h"

namespace dais::app {

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
/// forked copy.
core::Result<Measurement> runMeasurement(const std::string& benchmark,
                                         const std::vector<std::string>& childArgs,
                                         ChildMain fallback);
/// The median (0 for none).
double median(std::vector<double> v);

}  // namespace dais::app
