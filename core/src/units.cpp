#include "dais/core/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace dais::core {
namespace {

struct Unit {
    std::string_view name;
    double factor;  ///< base units per one of this unit
};

constexpr std::array kDurationUnits{
    Unit{"ns", 1.0}, Unit{"us", 1e3},   Unit{"\u00b5s", 1e3}, Unit{"ms", 1e6},
    Unit{"s", 1e9},  Unit{"min", 60e9}, Unit{"h", 3600e9},
};

constexpr std::array kBandwidthUnits{
    Unit{"bps", 1.0},    Unit{"kbps", 1e3},   Unit{"Kbps", 1e3},   Unit{"Mbps", 1e6},
    Unit{"Gbps", 1e9},   Unit{"Tbps", 1e12},  Unit{"bit/s", 1.0},  Unit{"kbit/s", 1e3},
    Unit{"Kbit/s", 1e3}, Unit{"Mbit/s", 1e6}, Unit{"Gbit/s", 1e9}, Unit{"Tbit/s", 1e12},
};

constexpr std::array kSizeUnits{
    Unit{"B", 1.0},
    Unit{"kB", 1e3},
    Unit{"KB", 1e3},
    Unit{"MB", 1e6},
    Unit{"GB", 1e9},
    Unit{"TB", 1e12},
    Unit{"KiB", 1024.0},
    Unit{"MiB", 1048576.0},
    Unit{"GiB", 1073741824.0},
    Unit{"TiB", 1099511627776.0},
};

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// Moves `i` past the digits that start at s[i]; returns how many there were.
std::size_t skipDigits(std::string_view s, std::size_t& i) {
    const std::size_t start = i;
    while (i < s.size() && isDigit(s[i]))
        ++i;
    return i - start;
}

/// Length of the leading decimal number in `s` (digits, optional fraction, optional exponent),
/// or 0 if `s` does not start with one. Signs, "inf" and "nan" are not numbers here.
std::size_t numberLength(std::string_view s) {
    std::size_t i = 0;
    std::size_t digits = skipDigits(s, i);
    if (i < s.size() && s[i] == '.') {
        ++i;
        digits += skipDigits(s, i);
    }
    if (digits == 0) return 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (skipDigits(s, j) > 0) i = j;
    }
    return i;
}

/// Parses "<number> <unit>" into base units (number times the unit's factor). No unit means
/// `bareFactor`. `kind` names the quantity in messages.
template <std::size_t N>
Result<double> parseQuantity(std::string_view text, const std::array<Unit, N>& units,
                             double bareFactor, std::string_view kind) {
    const std::string_view s = trim(text);
    const std::size_t len = numberLength(s);
    if (len == 0) {
        return Error{"\"" + std::string(text) + "\" is not a " + std::string(kind) +
                     " (it must start with a non-negative number)"};
    }
    double number = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + len, number);
    if (ec != std::errc() || end != s.data() + len || !std::isfinite(number)) {
        return Error{"\"" + std::string(text) + "\": the number is out of range"};
    }
    const std::string_view unitText = trim(s.substr(len));
    double factor = bareFactor;
    if (!unitText.empty()) {
        factor = 0;
        for (const Unit& u : units) {
            if (u.name == unitText) factor = u.factor;
        }
        if (factor == 0) {
            std::string names;
            for (const Unit& u : units)
                names += (names.empty() ? "" : ", ") + std::string(u.name);
            return Error{"\"" + std::string(text) + "\": unknown " + std::string(kind) +
                         " unit \"" + std::string(unitText) + "\" (use " + names + ")"};
        }
    }
    return number * factor;
}

Result<double> checkAtMost(Result<double> value, double limit, std::string_view text) {
    if (value.ok() && !(value.value() <= limit)) {
        return Error{"\"" + std::string(text) + "\" is too large"};
    }
    return value;
}

}  // namespace

Result<sim::SimTime> parseDuration(std::string_view text) {
    // 9.2e18 ns is just below the largest SimTime (about 292 years).
    Result<double> ns =
        checkAtMost(parseQuantity(text, kDurationUnits, 1e9, "duration"), 9.2e18, text);
    if (!ns.ok()) return ns.error();
    return static_cast<sim::SimTime>(std::nearbyint(ns.value()));
}

Result<double> parseBandwidth(std::string_view text) {
    return checkAtMost(parseQuantity(text, kBandwidthUnits, 1.0, "bandwidth"), 1e18, text);
}

Result<double> parseSize(std::string_view text) {
    return checkAtMost(parseQuantity(text, kSizeUnits, 1.0, "size"), 1e18, text);
}

}  // namespace dais::core
