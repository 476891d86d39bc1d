#pragma once
// Records a running simulation into the run store: an Observer that forwards metric samples and
// trace records to a RunWriter. Attach it to a Simulation (or pass it as RunOptions::observer);
// it only queues work, so the simulation's thread never waits for SQLite.

#include "dais/sim/observer.h"
#include "dais/store/run_store.h"

namespace dais::store {

class StoreObserver : public sim::Observer {
  public:
    /// `writer` is not owned and must outlive the observer's use.
    explicit StoreObserver(RunWriter& writer) : writer_(writer) {}

    void onSample(sim::SimTime time, std::span<const sim::MetricValue> values) override;
    void onTrace(const sim::TraceRecord& r) override;

  private:
    RunWriter& writer_;
};

}  // namespace dais::store
