#include "dais/sim/fingerprint.h"

namespace dais::sim {

std::string Fingerprint::toHex(std::uint64_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4)
        s[static_cast<std::size_t>(i)] = kDigits[v & 15];
    return s;
}

std::string Fingerprint::hex() const {
    return toHex(value());
}

}  // namespace dais::sim
