#pragma once
// The dais commands that live in their own files; each takes the words after its name and
// returns an exit code (cli.h).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"

namespace dais::core {
struct Scenario;
struct RunReport;
}  // namespace dais::core
namespace dais::sim {
class Observer;
}  // namespace dais::sim

namespace dais::app {

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

/// Records one `dais run` into the run store: open() the store before the run, begin() the
/// record, attach observer() to the run, finish() with the report.
class RunRecorder {
  public:
    /// Opens `path` (empty: the default store, its folder created if needed). On failure
    /// prints why, sets `code` and returns nullptr.
    static std::unique_ptr<RunRecorder> open(const std::string& path, int& code);
    ~RunRecorder();
    /// Stores the scenario and records the run as running; `parameters` are "PATH=VALUE"
    /// overrides. Prints why on failure.
    bool begin(const core::Scenario& scenario, std::uint64_t seed,
               const std::vector<std::string>& parameters);
    /// Records samples and traces; valid after begin().
    sim::Observer* observer();
    /// Records the outcome and prints "stored as run N in PATH" (on stderr when `toStderr`).
    /// Prints why on failure.
    bool finish(const core::RunReport& report, bool toStderr);

  private:
    struct State;
    RunRecorder();
    std::unique_ptr<State> state_;
};

}  // namespace dais::app
