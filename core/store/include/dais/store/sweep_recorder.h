#pragma once
// Records a sweep in a run store: the sweep's document once, each point's effective document
// once, and every run with its samples and outcome. Used by `dais sweep` and the studio's sweep
// dialog, so both leave the same rows behind.

#include <cstddef>
#include <map>
#include <string>

#include "dais/core/result.h"
#include "dais/core/sweep.h"
#include "dais/store/run_store.h"

namespace dais::store {

class SweepRecorder {
  public:
    /// `keepStoppedRuns`: a run that a cancel stopped while it ran is stored as stopped (with
    /// what it did); otherwise cancelled runs are not stored at all. Runs that never started
    /// are never stored.
    explicit SweepRecorder(RunStore& store, bool keepStoppedRuns = false)
        : store_(store), keepStopped_(keepStoppedRuns) {}

    /// Stores the plan's document and creates the sweep; its id.
    core::Result<SweepId> begin(const core::SweepPlan& plan);
    /// Stores one finished run of the plan begun last.
    core::Result<void> record(const core::SweepPlan& plan, const core::SweepRunResult& run);

    SweepId sweep() const { return sweep_; }

  private:
    /// The scenario a run ran: the sweep's document with the point's values, stored once per
    /// point (a run that could not even load keeps the sweep's).
    core::Result<std::string> pointHash(const core::SweepPlan& plan,
                                        const core::SweepRunSpec& spec);

    RunStore& store_;
    bool keepStopped_;
    SweepId sweep_ = 0;
    std::string baseHash_;
    std::map<std::size_t, std::string> points_;
};

}  // namespace dais::store
