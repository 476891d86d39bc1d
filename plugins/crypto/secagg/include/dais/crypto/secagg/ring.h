#pragma once
// The ring secure aggregation computes in: Z_(2^R), fixed-point values in R-bit words.
//
// A real value v travels as q = round(v * scale), an integer of `valueBits` bits in two's
// complement, saturated at the ends of that range (a client cannot send what does not fit; the
// saturations are counted). The ring must hold the sum of n such integers without wrapping, so
// R = valueBits + ceil(log2 n) (the width Bonawitz et al. give: 16-bit inputs from 2^10 users in
// 26-bit words). Arithmetic runs on 64-bit words, whose wrap-around is arithmetic modulo 2^64,
// and so modulo 2^R after masking the low R bits; a vector crosses the network packed at R bits
// a value.

#include <cstdint>
#include <span>

namespace dais::crypto::secagg {

struct Ring {
    unsigned valueBits = 32;  ///< of one quantised input, sign included, 2..63
    unsigned bits = 32;       ///< R, valueBits + ceil(log2 parties), at most 64
    double scale = 1 << 20;   ///< v travels as round(v * scale)

    /// The ring for `parties` inputs of `valueBits` bits; bits > 64 when it cannot be.
    static Ring forParties(unsigned valueBits, std::size_t parties, double scale);
    std::uint64_t mask() const { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }
    /// Bytes of a vector of `length` values packed at R bits.
    std::uint64_t packedBytes(std::uint64_t length) const { return (length * bits + 7) / 8; }

    /// Quantises `values` into `out` (same length); returns how many saturated.
    std::size_t encode(std::span<const double> values, std::span<std::uint64_t> out) const;
    /// The signed value of a sum in the ring (its low R bits), dequantised.
    double decode(std::uint64_t word) const;
};

/// ceil(log2 n), 0 for n <= 1.
unsigned ceilLog2(std::uint64_t n);

}  // namespace dais::crypto::secagg
