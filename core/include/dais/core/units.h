#pragma once
// Quantities written with units in scenario files and on command lines: durations ("10ms"),
// bandwidths ("100Mbps") and sizes ("4KiB"). One parser per kind, so every place that reads a
// quantity accepts exactly the same spellings.

#include <string_view>

#include "dais/core/result.h"
#include "dais/sim/time.h"

namespace dais::core {

/// A duration: a non-negative number followed by ns, us (or µs), ms, s, min or h, with
/// optional spaces between ("10ms", "1.5 s", "2e3 us"). A number without a unit is seconds.
/// Rounded to the nearest nanosecond; values of about 292 years or more are an error.
Result<sim::SimTime> parseDuration(std::string_view text);

/// A bandwidth in bit/s: a non-negative number followed by bps, kbps (or Kbps), Mbps, Gbps or
/// Tbps, or the same prefixes with "bit/s" ("56kbps", "1 Gbps", "10 Mbit/s"). A number without
/// a unit is bit/s. Values above 1e18 bit/s are an error.
Result<double> parseBandwidth(std::string_view text);

/// A size in bytes: a non-negative number followed by B, kB (or KB), MB, GB, TB (powers of
/// 1000) or KiB, MiB, GiB, TiB (powers of 1024) ("1500B", "10kB", "4KiB"). A number without a
/// unit is bytes. Values above 1e18 bytes are an error.
Result<double> parseSize(std::string_view text);

}  // namespace dais::core
