#include "dais/sim/memory_need.h"

#include <cmath>
#include <cstdio>

#include "dais/sim/number_text.h"

namespace dais::sim {

std::string memoryText(double bytes) {
    if (!(bytes >= 0)) bytes = 0;
    static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    char buf[48];
    if (bytes < 1024) {
        const auto b = static_cast<unsigned long long>(std::llround(bytes));
        std::snprintf(buf, sizeof buf, "%llu byte%s", b, b == 1 ? "" : "s");
        return buf;
    }
    double v = bytes / 1024;
    std::size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(kUnits)) {
        v /= 1024;
        ++u;
    }
    if (v < 10 && std::llround(v * 10) < 100 && std::llround(v * 10) % 10 != 0)
        std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
    else
        return countText(std::round(v)) + " " + kUnits[u];
    return buf;
}

std::string countText(double n) {
    if (!std::isfinite(n) || std::abs(n) >= 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g", n);
        return buf;
    }
    const long long v = std::llround(n);
    return groupDigits(static_cast<std::uint64_t>(v < 0 ? -v : v), v < 0);
}

}  // namespace dais::sim
