// The observer that records a run's samples and trace in the store.
#include "dais/store/store_observer.h"

namespace dais::store {

void StoreObserver::onSample(sim::SimTime time, std::span<const sim::MetricValue> values) {
    writer_.sample(time, values);
}

void StoreObserver::onTrace(const sim::TraceRecord& r) {
    writer_.trace(r.time, r.node, r.category, r.text);
}

}  // namespace dais::store
