#pragma once
// Simulated time: integer nanoseconds, so that runs are exact and identical on every machine.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace dais::sim {

/// A point in (or span of) simulated time, in nanoseconds since the start of the run.
using SimTime = std::int64_t;

inline constexpr SimTime kNanosecond = 1;
inline constexpr SimTime kMicrosecond = 1'000;
inline constexpr SimTime kMillisecond = 1'000'000;
inline constexpr SimTime kSecond = 1'000'000'000;
inline constexpr SimTime kMinute = 60 * kSecond;
inline constexpr SimTime kHour = 60 * kMinute;
/// "Never": later than any event; also the default horizon of an unbounded run.
inline constexpr SimTime kTimeNever = std::numeric_limits<SimTime>::max();

/// Seconds (floating point) to SimTime, rounded to the nearest nanosecond and saturated.
inline SimTime fromSeconds(double seconds) {
    const double ns = std::nearbyint(seconds * 1e9);
    if (!(ns < 9.2e18)) return seconds > 0 ? kTimeNever : 0;  // also maps NaN to 0
    if (ns <= -9.2e18) return -kTimeNever;
    return static_cast<SimTime>(ns);
}

inline constexpr double toSeconds(SimTime t) {
    return static_cast<double>(t) * 1e-9;
}

/// Human-readable time with a fitting unit: "0 s", "250 us", "1.5 ms", "12.000 s", "2 h 03 min".
std::string formatTime(SimTime t);

}  // namespace dais::sim
