#include "dais/sim/pace_mapping.h"

#include <algorithm>
#include <limits>

namespace dais::sim {

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// `from` + `delta` (a difference scaled as a double, truncated), held to [lo, hi]: a double
// beyond the int64 range, or NaN, would be undefined to convert.
std::int64_t offset(std::int64_t from, double delta, std::int64_t lo, std::int64_t hi) {
    constexpr double kLimit = 9223372036854774784.0;  // the largest double below 2^63
    if (!(delta > -kLimit)) return lo;
    if (!(delta < kLimit)) return hi;
    std::int64_t out;
    if (__builtin_add_overflow(from, static_cast<std::int64_t>(delta), &out))
        return delta < 0 ? lo : hi;
    return std::clamp(out, lo, hi);
}

// a - b as a double, exact where it matters (differences of a few days in nanoseconds).
double difference(std::int64_t a, std::int64_t b) {
    std::int64_t d;
    if (__builtin_sub_overflow(a, b, &d)) return static_cast<double>(a) - static_cast<double>(b);
    return static_cast<double>(d);
}

}  // namespace

SimTime PaceMapping::simTimeAt(std::int64_t wallNs) const {
    if (!paced()) return simAnchor;
    return offset(simAnchor, difference(wallNs, wallAnchor) * speed, 0, kTimeLatest);
}

std::int64_t PaceMapping::wallTimeAt(SimTime t) const {
    if (!paced()) return wallAnchor;
    return offset(wallAnchor, difference(t, simAnchor) / speed, kMin, kMax);
}

}  // namespace dais::sim
