#include "json_util.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace dais::core::detail {

std::vector<std::string> splitDotted(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        parts.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

std::string clipped(std::string_view text, std::size_t max) {
    if (text.size() <= max) return std::string(text);
    std::size_t cut = max > 3 ? max - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(text.substr(0, cut)) + "...";
}

namespace {
/// The length of the well-formed UTF-8 sequence at `text[i]`, or 0 (RFC 3629: no overlong
/// forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = byte(i);
    if (b < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0) lo = 0xA0;
        if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > text.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    return n;
}
}  // namespace

std::size_t invalidUtf8At(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8Length(text, i);
        if (n == 0) return i;
        i += n;
    }
    return std::string_view::npos;
}

std::string printable(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8Length(text, i);
        if (n > 0) {
            out.append(text.substr(i, n));
            i += n;
            continue;
        }
        static constexpr char kHex[] = "0123456789ABCDEF";
        const auto b = static_cast<unsigned char>(text[i++]);
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
    }
    return out;
}

std::string shownPointer(std::string_view pointer) {
    return clipped(pointer, 120);
}

std::string quote(std::string_view text) {
    constexpr std::size_t kMaxQuoted = 60;
    if (text.size() <= kMaxQuoted)
        return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    // Cut the text, not its literal, so both quotes stay: "aaaa...".
    std::string shown = clipped(text, kMaxQuoted);
    shown.resize(shown.size() - 3);
    std::string literal = Json(shown).dump(-1, ' ', false, Json::error_handler_t::replace);
    literal.insert(literal.size() - 1, "...");
    return literal;
}

std::string showValue(const Json& value) {
    if (value.is_string()) return quote(value.get_ref<const std::string&>());
    return clipped(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::size_t editDistance(std::string_view a, std::string_view b) {
    // Three rows of the classic dynamic programme: d[i][j] for prefixes a[..i), b[..j).
    std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                row[j] = std::min(row[j], prev2[j - 2] + 1);
            }
        }
        prev2.swap(prev);
        prev.swap(row);
    }
    return prev[b.size()];
}

namespace {

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace

std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates) {
    // A typo is one edit in short words (not in a single letter) and up to a third of the
    // letters in long ones; a different letter case alone always counts as a typo.
    const std::size_t allowed = word.size() < 2 ? 0 : std::max<std::size_t>(1, word.size() / 3);
    const std::string lowerWord = lowercase(word);
    const std::string* best = nullptr;
    std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
    for (const std::string& candidate : candidates) {
        const std::size_t lengthGap = candidate.size() > word.size()
                                          ? candidate.size() - word.size()
                                          : word.size() - candidate.size();
        if (candidate == word || lengthGap > allowed) continue;  // too far apart in length alone
        const std::size_t d = lowercase(candidate) == lowerWord ? 0 : editDistance(word, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = &candidate;
        }
    }
    if (best == nullptr || bestDistance > allowed) return {};
    return " (did you mean " + quote(*best) + "?)";
}

namespace {

/// Compares a finite double with an integer exactly (no rounding of either).
template <class Int>
int compareDoubleWithInt(double d, Int i) {
    constexpr double kTwo63 = 9223372036854775808.0;  // 2^63, exact in a double
    constexpr double kTwo64 = 18446744073709551616.0;
    if (std::isnan(d)) return 0;
    if (d >= kTwo64) return 1;
    if (d < -kTwo63) return -1;
    const double whole = std::trunc(d);
    const int fractionSign = d > whole ? 1 : (d < whole ? -1 : 0);
    int wholeOrder = 0;
    if (whole >= 0) {
        if constexpr (std::is_signed_v<Int>) {
            if (i < 0) return 1;
        }
        const auto w = static_cast<std::uint64_t>(whole);
        const auto u = static_cast<std::uint64_t>(i);
        wholeOrder = w < u ? -1 : (w > u ? 1 : 0);
    } else {
        if constexpr (std::is_unsigned_v<Int>) {
            return -1;
        } else {
            if (i >= 0) return -1;
            const auto w = static_cast<std::int64_t>(whole);
            wholeOrder = w < i ? -1 : (w > i ? 1 : 0);
        }
    }
    return wholeOrder != 0 ? wholeOrder : fractionSign;
}

int sign(double x) {
    return x < 0 ? -1 : (x > 0 ? 1 : 0);
}

}  // namespace

int compareNumbers(const Json& a, const Json& b) {
    if (a.is_number_float() && b.is_number_float()) {
        return sign(a.get<double>() - b.get<double>());
    }
    if (a.is_number_float()) {
        return b.is_number_unsigned()
                   ? compareDoubleWithInt(a.get<double>(), b.get<std::uint64_t>())
                   : compareDoubleWithInt(a.get<double>(), b.get<std::int64_t>());
    }
    if (b.is_number_float()) return -compareNumbers(b, a);
    if (a.is_number_unsigned() || b.is_number_unsigned()) {
        // At least one is unsigned; a negative signed value is smaller than any unsigned one.
        if (a.is_number_integer() && !a.is_number_unsigned() && a.get<std::int64_t>() < 0)
            return -1;
        if (b.is_number_integer() && !b.is_number_unsigned() && b.get<std::int64_t>() < 0) return 1;
        const auto x = a.get<std::uint64_t>();
        const auto y = b.get<std::uint64_t>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    const auto x = a.get<std::int64_t>();
    const auto y = b.get<std::int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
}

bool isIntegral(const Json& value) {
    if (value.is_number_integer()) return true;  // includes unsigned
    if (!value.is_number_float()) return false;
    const double d = value.get<double>();
    return std::isfinite(d) && std::trunc(d) == d;
}

namespace {

/// Where a pointer leads, as a path of positions (member index in key order, array index).
std::vector<std::size_t> documentPosition(const Json& doc, std::string_view pointer) {
    std::vector<std::size_t> position;
    const Json* node = &doc;
    for (const std::string& token : splitPointer(pointer)) {
        if (node->is_object()) {
            const auto it = node->find(token);
            position.push_back(static_cast<std::size_t>(std::distance(node->begin(), it)));
            if (it == node->end()) break;
            node = &*it;
        } else if (node->is_array()) {
            std::size_t index = node->size();
            if (!token.empty() && std::all_of(token.begin(), token.end(),
                                              [](char c) { return c >= '0' && c <= '9'; })) {
                index = std::min<std::size_t>(std::stoull(token.substr(0, 18)), node->size());
            }
            position.push_back(index);
            if (index >= node->size()) break;
            node = &(*node)[index];
        } else {
            break;
        }
    }
    return position;
}

}  // namespace

std::vector<std::size_t> documentOrder(const Json& doc, const std::vector<std::string>& pointers) {
    std::vector<std::vector<std::size_t>> positions;
    positions.reserve(pointers.size());
    for (const std::string& p : pointers)
        positions.push_back(documentPosition(doc, p));
    std::vector<std::size_t> order(pointers.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return positions[a] < positions[b]; });
    return order;
}

}  // namespace dais::core::detail
