#pragma once
// The dais commands that live in their own files; each takes the words after its name and
// returns an exit code (cli.h).

#include <string>
#include <vector>

#include "cli.h"

namespace dais::app {

/// `dais validate FILE ...`: checks a scenario file and reports every problem in it.
int commandValidate(Args& args);
extern const char* const kValidateHelp;

/// `dais run FILE ...`: runs a scenario, prints a summary and records the run in the store.
int commandRun(Args& args);
extern const char* const kRunHelp;

/// `dais bench BENCHMARK ...`: the benchmarks of bench/ (phold, runner, store, fl).
int commandBench(Args& args);
extern const char* const kBenchHelp;

/// `dais layers [ID] [--json]`: the installed layers, their parameters and metrics, and
/// plugins that failed to load.
int commandLayers(Args& args);
extern const char* const kLayersHelp;

/// `dais new-layer ID [--name NAME] [--root DIR]`: a new layer made from the layer template.
int commandNewLayer(Args& args);
extern const char* const kNewLayerHelp;

/// `dais runs list|show|diff|export|annotate|delete ...`: the runs kept in the run store.
int commandRuns(Args& args);
extern const char* const kRunsHelp;

/// `dais sweep FILE ...`: the experiments of a scenario, on threads and (under mpirun) on many
/// processes, every run stored, and a summary per point.
int commandSweep(Args& args);
extern const char* const kSweepHelp;
/// Checks every point of every experiment of a valid scenario file, as `dais sweep` does before
/// running. Prints the problems and returns kExitBadInput, or fills `summary` with one line per
/// experiment ("experiment load: 3 points x 3 seeds = 9 runs") and returns kExitOk.
int checkExperiments(const std::string& file, const std::vector<std::string>& overrides,
                     std::vector<std::string>& summary);

}  // namespace dais::app
