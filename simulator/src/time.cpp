#include "dais/sim/time.h"

#include <cstdio>
#include <cstdlib>

#include "dais/sim/number_text.h"

namespace dais::sim {

std::string formatTime(SimTime t) {
    if (t == kTimeNever) return "never";
    char buf[64];
    const char* sign = t < 0 ? "-" : "";
    const double a = std::abs(static_cast<double>(t));
    if (t == 0) return "0 s";
    if (a < 1e3)
        std::snprintf(buf, sizeof buf, "%s%.0f ns", sign, a);
    else if (a < 1e6)
        std::snprintf(buf, sizeof buf, "%s%.3g us", sign, a / 1e3);
    else if (a < 1e9)
        std::snprintf(buf, sizeof buf, "%s%.3g ms", sign, a / 1e6);
    else if (a < 600e9)
        std::snprintf(buf, sizeof buf, "%s%.3f s", sign, a / 1e9);
    else {
        const auto total = static_cast<long long>(a / 1e9);
        if (total < 3600 * 24)
            std::snprintf(buf, sizeof buf, "%s%lld h %02lld min %02lld s", sign, total / 3600,
                          total / 60 % 60, total % 60);
        else
            std::snprintf(buf, sizeof buf, "%s%lld d %02lld h %02lld min", sign, total / 86400,
                          total / 3600 % 24, total / 60 % 60);
    }
    return buf;
}

std::string formatSeconds(double seconds) {
    constexpr double kDay = 86400, kYear = 365.25 * kDay;
    if (std::isnan(seconds)) return "an undefined time";
    if (std::isinf(seconds)) return seconds > 0 ? "forever" : "-forever";
    const double a = std::abs(seconds);
    if (a < kDay) return formatTime(fromSeconds(seconds));
    char buf[64];
    if (a < kYear) {
        std::snprintf(buf, sizeof buf, "%.1f days", seconds / kDay);
        return buf;
    }
    const double years = seconds / kYear;
    if (a < 10 * kYear) {
        std::snprintf(buf, sizeof buf, "%.1f years", years);
        return buf;
    }
    if (a < 1e9 * kYear)
        return groupDigits(static_cast<std::uint64_t>(std::llround(a / kYear)), years < 0) +
               " years";
    std::snprintf(buf, sizeof buf, "%.2g years", years);
    return buf;
}

std::string longestTimeText() {
    return "the longest simulated time (" + formatSeconds(toSeconds(kTimeLatest)) + ")";
}

}  // namespace dais::sim
