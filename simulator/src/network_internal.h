#pragma once
// What the network model's builder (network_build.cpp) and its runtime (network.cpp) share:
// the bound on routing weights and the conversion of nanoseconds held as doubles. Internal to
// dais_simulator.

#include <cmath>

#include "dais/sim/network.h"

namespace dais::sim::net {

constexpr SimTime kMaxRouteWeight = SimTime(1) << 50;  // per link, so path sums cannot overflow
constexpr PortId kTrafficPort = 0;                     // the port background traffic is sent to

/// A routing weight from nanoseconds held as a double: rounded and clamped to
/// [0, kMaxRouteWeight] (NaN gives 0). Only routes use it; times never are clamped.
inline SimTime routeWeightNs(double v) {
    if (!(v > 0)) return 0;  // also NaN
    if (v >= static_cast<double>(kMaxRouteWeight)) return kMaxRouteWeight;
    return static_cast<SimTime>(std::llround(v));
}

/// A duration from nanoseconds held as a double (a drawn latency or gap), rounded; below zero
/// gives 0 (a normal draw may be negative). False when it is not a duration simulated time can
/// hold (2^63 ns or more, or NaN): the caller fails the run naming what it drew.
[[nodiscard]] inline bool durationNs(double v, SimTime& out) {
    if (!(v < 9223372036854775808.0)) return false;  // 2^63; also NaN
    out = v > 0 ? static_cast<SimTime>(std::llround(v)) : 0;
    return true;
}

}  // namespace dais::sim::net
