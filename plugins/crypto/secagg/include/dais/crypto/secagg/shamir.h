#pragma once
// Shamir secret sharing of 32-byte secrets (the seeds of secure aggregation), t out of n.
//
// A secret is four 64-bit limbs, each an element of the prime field GF(p), p = 2^64 - 59 (the
// largest prime below 2^64), so a share is four field elements: 32 bytes, as large as the secret
// (the share size Bonawitz et al. count in their communication model). Each limb is shared with
// its own random polynomial of degree t - 1 whose constant term is the limb; holder i gets the
// polynomials' values at x = i + 1. Any t shares give the secret back by Lagrange interpolation
// at 0; fewer say nothing about it. Secrets must be made of limbs below p: makeSecret() draws
// such secrets.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "dais/core/result.h"

namespace dais::crypto::secagg {

inline constexpr std::uint64_t kFieldPrime = 0xffffffffffffffc5ull;  // 2^64 - 59

/// A 32-byte secret as four field elements.
using Secret = std::array<std::uint64_t, 4>;

struct Share {
    std::uint32_t holder = 0;  ///< evaluation point x = holder + 1
    Secret value{};
    static constexpr std::uint64_t kWireBytes = 32;
};

std::uint64_t fieldAdd(std::uint64_t a, std::uint64_t b);
std::uint64_t fieldSub(std::uint64_t a, std::uint64_t b);
std::uint64_t fieldMul(std::uint64_t a, std::uint64_t b);
std::uint64_t fieldInverse(std::uint64_t a);  ///< a != 0

/// Random words from a generator (the party's own keyed stream).
class RandomWords {
  public:
    virtual ~RandomWords() = default;
    virtual std::uint64_t next() = 0;
};

/// A uniformly random secret (every limb uniform below p).
Secret makeSecret(RandomWords& random);
/// The secret's 32 bytes, little-endian limbs (a seed or a key).
std::array<std::uint8_t, 32> secretBytes(const Secret& s);

/// Shares `secret` among `holders` (distinct) with threshold t in 1..holders.size(); the shares
/// come in the holders' order.
std::vector<Share> split(const Secret& secret, std::span<const std::uint32_t> holders,
                         std::size_t threshold, RandomWords& random);

/// Lagrange coefficients at 0 for the evaluation points of `holders` (distinct): what
/// reconstruct() weighs each share by. Computed once for a set of holders, they serve every
/// secret shared among the same set.
std::vector<std::uint64_t> lagrangeAtZero(std::span<const std::uint32_t> holders);

/// The secret from shares of distinct holders (at least the threshold it was split with; more
/// are fine). Refused: no shares, a holder twice.
core::Result<Secret> reconstruct(std::span<const Share> shares);
/// The same with coefficients from lagrangeAtZero over exactly these shares' holders.
Secret reconstruct(std::span<const Share> shares, std::span<const std::uint64_t> coefficients);

}  // namespace dais::crypto::secagg
