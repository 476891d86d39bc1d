// The observer that records a run's samples, progress and trace in the store.
#include "dais/store/store_observer.h"

#include "dais/sim/simulation.h"

namespace dais::store {

void StoreObserver::onRunStart(const sim::Simulation& sim) {
    sim_ = &sim;
    started_ = std::chrono::steady_clock::now();
}

void StoreObserver::onSample(sim::SimTime time, std::span<const sim::MetricValue> values) {
    writer_.sample(time, values);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    writer_.progress({sim_ ? sim_->executed() : 0, time, wall});
}

void StoreObserver::onTrace(const sim::TraceRecord& r) {
    writer_.trace(r.time, r.node, r.category, r.text);
}

}  // namespace dais::store
