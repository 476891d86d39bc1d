#pragma once
// What the network model's builder (network_build.cpp) and its runtime (network.cpp) share:
// limits on delays and the conversion of nanoseconds held as doubles. Internal to
// dais_simulator.

#include <cmath>

#include "dais/sim/network.h"

namespace dais::sim::net {

constexpr SimTime kMaxDelay = SimTime(1) << 60;  // ~36 years; sums of a few stay below 2^63
constexpr PortId kTrafficPort = 0;               // the port background traffic is sent to

/// Nanoseconds held as a double, rounded and clamped to [0, kMaxDelay] (NaN gives 0).
inline SimTime clampNs(double v) {
    if (!(v > 0)) return 0;  // also NaN
    if (v >= static_cast<double>(kMaxDelay)) return kMaxDelay;
    return static_cast<SimTime>(std::llround(v));
}

}  // namespace dais::sim::net
