#pragma once
// Whole numbers as people read them in messages: thousands separated by commas.

#include <cstdint>
#include <string>

namespace dais::sim {

/// `magnitude` with thousands separators, with a minus sign when `negative`: "2,536",
/// "60,000,000,000", "-1,000".
std::string groupDigits(std::uint64_t magnitude, bool negative = false);

}  // namespace dais::sim
