#include "dais/sim/time.h"

#include <cstdio>
#include <cstdlib>

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

}  // namespace dais::sim
