// Fixed point in Z_(2^R).
#include "dais/crypto/secagg/ring.h"

#include <cmath>

namespace dais::crypto::secagg {

unsigned ceilLog2(std::uint64_t n) {
    unsigned b = 0;
    while (b < 64 && (1ull << b) < n)
        ++b;
    return n > (1ull << 63) ? 64 : b;
}

Ring Ring::forParties(unsigned valueBits, std::size_t parties, double scale) {
    Ring r;
    r.valueBits = valueBits;
    r.bits = valueBits + ceilLog2(parties);
    r.scale = scale;
    return r;
}

std::size_t Ring::encode(std::span<const double> values, std::span<std::uint64_t> out) const {
    const double hi = std::ldexp(1.0, static_cast<int>(valueBits) - 1) - 1;
    const double lo = -std::ldexp(1.0, static_cast<int>(valueBits) - 1);
    std::size_t saturated = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        double q = std::round(values[i] * scale);
        if (!(q <= hi)) {  // NaN saturates high
            q = hi;
            ++saturated;
        } else if (q < lo) {
            q = lo;
            ++saturated;
        }
        out[i] = static_cast<std::uint64_t>(static_cast<std::int64_t>(q));
    }
    return saturated;
}

double Ring::decode(std::uint64_t word) const {
    std::uint64_t w = word & mask();
    std::int64_t v;
    if (bits >= 64)
        v = static_cast<std::int64_t>(w);
    else if (w >> (bits - 1))
        v = static_cast<std::int64_t>(w) - static_cast<std::int64_t>(1ull << bits);
    else
        v = static_cast<std::int64_t>(w);
    return static_cast<double>(v) / scale;
}

}  // namespace dais::crypto::secagg
