#pragma once
// Records a running simulation into the run store: an Observer that forwards metric samples and
// trace records to a RunWriter, and with each sample how far the run has got (events, simulated
// time, wall time since the run started). Attach it to a Simulation (or pass it as
// RunOptions::observer) before the run starts; it only queues work, so the simulation's thread
// never waits for SQLite.

#include <chrono>

#include "dais/sim/observer.h"
#include "dais/store/run_store.h"

namespace dais::store {

class StoreObserver : public sim::Observer {
  public:
    /// `writer` is not owned and must outlive the observer's use.
    explicit StoreObserver(RunWriter& writer) : writer_(writer) {}

    void onRunStart(const sim::Simulation& sim) override;
    void onSample(sim::SimTime time, std::span<const sim::MetricValue> values) override;
    void onTrace(const sim::TraceRecord& r) override;

  private:
    RunWriter& writer_;
    const sim::Simulation* sim_ = nullptr;  ///< known from onRunStart
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace dais::store
