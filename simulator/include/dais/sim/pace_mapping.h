#pragma once
// The fixed mapping between simulated time and wall time of a paced run.

#include <cstdint>

#include "dais/sim/time.h"

namespace dais::sim {

/// How a paced run maps simulated time to wall time: simulated time t is due at wall time
/// wallAnchor + (t - simAnchor) / speed (nanoseconds of the run's WallClock). The kernel sets the
/// anchor when a paced run starts and moves it only when the speed or the clock changes (keeping
/// the two times continuous at that moment), so the mapping does not drift however often the
/// run is interrupted. A run without keep-alive that falls more than a quarter of a second
/// behind also moves it, forgetting the debt (see Simulation::setKeepAlive).
struct PaceMapping {
    std::int64_t wallAnchor = 0;
    SimTime simAnchor = 0;
    double speed = 0;  ///< simulated seconds per wall second; 0: not paced, no mapping

    bool paced() const { return speed > 0; }
    /// The simulated time due at wall time `wallNs`, truncated to the nanosecond; between 0 and
    /// kTimeLatest. simAnchor when not paced.
    SimTime simTimeAt(std::int64_t wallNs) const;
    /// The wall time at which simulated time `t` is due, truncated to the nanosecond; the int64
    /// range bounds it. wallAnchor when not paced.
    std::int64_t wallTimeAt(SimTime t) const;
};

}  // namespace dais::sim
