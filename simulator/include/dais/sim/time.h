#pragma once
// Simulated time: integer nanoseconds, so that runs are exact and identical on every machine.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
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
/// The latest time an event can have, one nanosecond before kTimeNever (about 292 years).
inline constexpr SimTime kTimeLatest = kTimeNever - 1;

/// Thrown by the kernel or a model when the run cannot go on: a time that simulated time cannot
/// hold (see addTime). The driver ends the run as failed with the message, which names the
/// element of the scenario and the value.
class RunFailure : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Checked time arithmetic. Times are exact integers, and so is every sum of a time and a
// duration, or the run fails: these return false where the result is not a time an event can
// have (later than kTimeLatest, or not a number), and the caller fails the run naming what it
// was computing. They cost one addition and a branch that is never taken in an ordinary run.

/// t + d, when it is at most kTimeLatest (t and d >= 0).
[[nodiscard]] inline bool addTime(SimTime t, SimTime d, SimTime& out) {
    return !__builtin_add_overflow(t, d, &out) && out != kTimeNever;
}

/// Seconds to a duration, rounded to the nearest nanosecond as fromSeconds rounds; false when
/// it is negative, not a number, or longer than kTimeLatest.
[[nodiscard]] inline bool durationFromSeconds(double seconds, SimTime& out) {
    const double ns = std::nearbyint(seconds * 1e9);
    if (!(ns >= 0 && ns < 9223372036854775808.0)) return false;  // 2^63; also NaN
    out = static_cast<SimTime>(ns);
    return true;
}

/// Seconds (floating point) to SimTime, rounded to the nearest nanosecond; what SimTime cannot
/// hold saturates to +-kTimeNever (durationFromSeconds says so instead).
inline SimTime fromSeconds(double seconds) {
    const double ns = std::nearbyint(seconds * 1e9);
    if (!(ns < 9223372036854775808.0)) return seconds > 0 ? kTimeNever : 0;  // 2^63; NaN gives 0
    if (ns <= -9223372036854775808.0) return -kTimeNever;
    return static_cast<SimTime>(ns);
}

inline constexpr double toSeconds(SimTime t) {
    return static_cast<double>(t) * 1e-9;
}

/// Human-readable time with a fitting unit: "0 s", "250 us", "1.5 ms", "12.000 s", "2 h 03 min".
std::string formatTime(SimTime t);
/// A span of seconds for messages, also one longer than SimTime holds: "250 ms", "12.5 days",
/// "2,536 years", "3.2e+13 years", "forever" (infinite).
std::string formatSeconds(double seconds);
/// "the longest simulated time (292 years)", for messages about times beyond kTimeLatest.
std::string longestTimeText();

}  // namespace dais::sim
