#pragma once
// How metrics and traces leave the kernel. Observers are called on the simulation's thread.

#include <span>
#include <string_view>

#include "dais/sim/event.h"
#include "dais/sim/metrics.h"

namespace dais::sim {

class Simulation;

/// A model-level trace message ("node 12 crashed"); emitted only while tracing is on.
struct TraceRecord {
    SimTime time = 0;
    TargetId node = 0;
    std::string_view category;  ///< "net", "fault", a layer id
    std::string_view text;
};

/// Receives what a run produces. Every callback has an empty default; override what you need.
/// onEvent and onTrace are only called while Simulation::setTracing(true) is in force, so an
/// untraced run pays nothing for them.
class Observer {
  public:
    virtual ~Observer() = default;
    virtual void onRunStart(const Simulation& /*sim*/) {}
    virtual void onEvent(const Simulation& /*sim*/, const Event& /*e*/) {}
    virtual void onTrace(const TraceRecord& /*r*/) {}
    /// Periodic metric samples, every Simulation::setSampleInterval() of simulated time.
    virtual void onSample(SimTime /*time*/, std::span<const MetricValue> /*values*/) {}
    virtual void onRunEnd(const Simulation& /*sim*/) {}
};

}  // namespace dais::sim
