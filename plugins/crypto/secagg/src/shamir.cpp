// Shamir sharing over GF(2^64 - 59): field arithmetic in 128-bit intermediates, polynomials by
// Horner's rule, interpolation at 0 with Fermat inverses.
#include "dais/crypto/secagg/shamir.h"

#include <algorithm>
#include <string>

namespace dais::crypto::secagg {

namespace {
__extension__ typedef unsigned __int128 u128;

std::uint64_t uniformElement(RandomWords& random) {
    for (;;) {  // rejection: 59 of 2^64 words are too large
        const std::uint64_t w = random.next();
        if (w < kFieldPrime) return w;
    }
}
}  // namespace

std::uint64_t fieldAdd(std::uint64_t a, std::uint64_t b) {
    const u128 s = static_cast<u128>(a) + b;
    return static_cast<std::uint64_t>(s >= kFieldPrime ? s - kFieldPrime : s);
}

std::uint64_t fieldSub(std::uint64_t a, std::uint64_t b) {
    return a >= b ? a - b : static_cast<std::uint64_t>(static_cast<u128>(a) + kFieldPrime - b);
}

std::uint64_t fieldMul(std::uint64_t a, std::uint64_t b) {
    // 2^64 = 59 (mod p): fold the high word twice, then one conditional subtraction.
    const u128 x = static_cast<u128>(a) * b;
    u128 r = static_cast<u128>(static_cast<std::uint64_t>(x)) + static_cast<u128>(x >> 64) * 59;
    r = static_cast<u128>(static_cast<std::uint64_t>(r)) + static_cast<u128>(r >> 64) * 59;
    std::uint64_t v = static_cast<std::uint64_t>(r);
    if (r >> 64) v += 59;  // r >= 2^64 only with a low word below 2^13: no carry
    return v >= kFieldPrime ? v - kFieldPrime : v;
}

std::uint64_t fieldInverse(std::uint64_t a) {
    std::uint64_t result = 1, base = a, e = kFieldPrime - 2;
    while (e != 0) {
        if (e & 1) result = fieldMul(result, base);
        base = fieldMul(base, base);
        e >>= 1;
    }
    return result;
}

Secret makeSecret(RandomWords& random) {
    Secret s;
    for (std::uint64_t& limb : s)
        limb = uniformElement(random);
    return s;
}

std::array<std::uint8_t, 32> secretBytes(const Secret& s) {
    std::array<std::uint8_t, 32> out{};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t b = 0; b < 8; ++b)
            out[i * 8 + b] = static_cast<std::uint8_t>(s[i] >> (8 * b));
    return out;
}

std::vector<Share> split(const Secret& secret, std::span<const std::uint32_t> holders,
                         std::size_t threshold, RandomWords& random) {
    const std::size_t t =
        std::clamp<std::size_t>(threshold, 1, std::max<std::size_t>(1, holders.size()));
    // coefficients[limb][k]: the limb's polynomial's coefficient of x^k (k = 0: the limb).
    std::vector<std::uint64_t> coefficients(4 * t);
    for (std::size_t limb = 0; limb < 4; ++limb) {
        coefficients[limb * t] = secret[limb];
        for (std::size_t k = 1; k < t; ++k)
            coefficients[limb * t + k] = uniformElement(random);
    }
    std::vector<Share> shares(holders.size());
    for (std::size_t h = 0; h < holders.size(); ++h) {
        shares[h].holder = holders[h];
        const std::uint64_t x = static_cast<std::uint64_t>(holders[h]) + 1;
        for (std::size_t limb = 0; limb < 4; ++limb) {
            std::uint64_t y = 0;
            for (std::size_t k = t; k-- > 0;)
                y = fieldAdd(fieldMul(y, x), coefficients[limb * t + k]);
            shares[h].value[limb] = y;
        }
    }
    return shares;
}

std::vector<std::uint64_t> lagrangeAtZero(std::span<const std::uint32_t> holders) {
    // lambda_i = prod_{j != i} x_j / (x_j - x_i): numerators and denominators multiplied out,
    // then one inverse each.
    std::vector<std::uint64_t> lambda(holders.size());
    for (std::size_t i = 0; i < holders.size(); ++i) {
        const std::uint64_t xi = static_cast<std::uint64_t>(holders[i]) + 1;
        std::uint64_t num = 1, den = 1;
        for (std::size_t j = 0; j < holders.size(); ++j) {
            if (j == i) continue;
            const std::uint64_t xj = static_cast<std::uint64_t>(holders[j]) + 1;
            num = fieldMul(num, xj);
            den = fieldMul(den, fieldSub(xj, xi));
        }
        lambda[i] = fieldMul(num, fieldInverse(den));
    }
    return lambda;
}

Secret reconstruct(std::span<const Share> shares, std::span<const std::uint64_t> coefficients) {
    Secret s{};
    for (std::size_t i = 0; i < shares.size(); ++i)
        for (std::size_t limb = 0; limb < 4; ++limb)
            s[limb] = fieldAdd(s[limb], fieldMul(shares[i].value[limb], coefficients[i]));
    return s;
}

core::Result<Secret> reconstruct(std::span<const Share> shares) {
    if (shares.empty()) return core::Error{"no shares to reconstruct a secret from"};
    std::vector<std::uint32_t> holders;
    holders.reserve(shares.size());
    for (const Share& sh : shares)
        holders.push_back(sh.holder);
    std::vector<std::uint32_t> sorted = holders;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return core::Error{"two shares of holder " +
                           std::to_string(*std::adjacent_find(sorted.begin(), sorted.end()))};
    const std::vector<std::uint64_t> lambda = lagrangeAtZero(holders);
    return reconstruct(shares, lambda);
}

}  // namespace dais::crypto::secagg
