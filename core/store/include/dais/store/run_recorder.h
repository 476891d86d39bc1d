#pragma once
// Records one run of a scenario in a run store as it happens: the scenario's effective
// document, the run's seed, parameters and layer versions when it begins, its samples and
// traces while it runs, its outcome when it ends. Used by `dais run` and the studio's run
// controller, so both leave the same rows behind.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dais/core/result.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/sim/observer.h"
#include "dais/sim/time.h"
#include "dais/store/run_store.h"
#include "dais/store/store_observer.h"

namespace dais::store {

class RunRecorder {
  public:
    /// `store` is not owned and must outlive the recorder.
    explicit RunRecorder(RunStore& store) : store_(store) {}

    /// Stores the scenario and records the run as running. The scenario is named as the run's
    /// report names it: its meta name, else its source name. `parameters` are the run's
    /// "PATH=VALUE" choices; `until`, the horizon the run was given, is recorded as run.until
    /// unless a parameter already says it. The layer versions are those of the scenario's
    /// enabled layers.
    core::Result<RunId> begin(const core::Scenario& scenario, std::uint64_t seed,
                              std::vector<std::string> parameters,
                              std::optional<sim::SimTime> until = std::nullopt);
    /// Records samples and traces; nullptr before begin() succeeded.
    sim::Observer* observer() { return observer_.get(); }
    /// Records the outcome of the run begun: status, figures, final metrics, layer versions.
    core::Result<void> finish(const core::RunReport& report);

    /// Whether begin() succeeded (and so finish() has a run to finish).
    bool begun() const { return writer_ != nullptr; }
    /// The run's id in the store; valid once begun.
    RunId id() const { return writer_ ? writer_->id() : 0; }

    /// The name a scenario is stored under: its meta name, else its source name.
    static std::string scenarioName(const core::Scenario& scenario);

  private:
    RunStore& store_;
    std::unique_ptr<RunWriter> writer_;
    std::unique_ptr<StoreObserver> observer_;
};

}  // namespace dais::store
