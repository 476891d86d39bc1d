#include "dais/crypto/fhe_parameters.h"

#include <cmath>

namespace dais::crypto {

namespace {

using core::Error;

constexpr std::uint32_t kMinRing = 1024;
constexpr std::uint32_t kMaxRing = 65536;
// SEAL and OpenFHE keep each residue in a 64-bit word and take primes of at most 60 bits
// (SEAL_USER_MOD_BIT_COUNT_MAX); SEAL's smallest is 2 bits.
constexpr int kMinPrimeBits = 2;
constexpr int kMaxPrimeBits = 60;
constexpr std::size_t kMaxPrimes = 256;

__extension__ typedef unsigned __int128 U128;

std::uint64_t mulMod(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
    return static_cast<std::uint64_t>(static_cast<U128>(a) * b % m);
}

std::uint64_t powMod(std::uint64_t base, std::uint64_t exp, std::uint64_t m) {
    std::uint64_t result = 1 % m;
    base %= m;
    while (exp > 0) {
        if (exp & 1U) result = mulMod(result, base, m);
        base = mulMod(base, base, m);
        exp >>= 1U;
    }
    return result;
}

// Miller-Rabin with the first twelve primes as bases: deterministic below 3.3e24, so for
// every 64-bit integer.
bool isPrime(std::uint64_t n) {
    if (n < 2) return false;
    constexpr std::uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    for (std::uint64_t p : bases) {
        if (n == p) return true;
        if (n % p == 0) return false;
    }
    std::uint64_t d = n - 1;
    int r = 0;
    while ((d & 1U) == 0) {
        d >>= 1U;
        ++r;
    }
    for (std::uint64_t a : bases) {
        std::uint64_t x = powMod(a, d, n);
        if (x == 1 || x == n - 1) continue;
        bool composite = true;
        for (int i = 1; i < r && composite; ++i) {
            x = mulMod(x, x, n);
            if (x == n - 1) composite = false;
        }
        if (composite) return false;
    }
    return true;
}

double log2N(const FheParameters& p) {
    return std::log2(static_cast<double>(p.ringDimension));
}

double log2T(const FheParameters& p) {
    return std::log2(static_cast<double>(p.plaintextModulus));
}

core::Result<void> requireBfv(const FheParameters& p, const char* what) {
    if (auto ok = validate(p); !ok) return ok.error();
    if (p.scheme != FheScheme::Bfv) return Error{std::string(what) + " is a BFV notion"};
    return {};
}

}  // namespace

std::string_view fheSchemeName(FheScheme scheme) {
    return scheme == FheScheme::Ckks ? "ckks" : "bfv";
}

std::string chainText(const FheParameters& p) {
    std::string out = "{";
    for (std::size_t i = 0; i < p.modulusBits.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(p.modulusBits[i]);
    }
    return out + "}";
}

core::Result<void> validate(const FheParameters& p) {
    const std::uint32_t n = p.ringDimension;
    if (n < kMinRing || n > kMaxRing || (n & (n - 1)) != 0)
        return Error{"the ring dimension N must be a power of two from 1024 to 65536, got " +
                     std::to_string(n)};
    if (p.modulusBits.empty()) return Error{"the modulus chain is empty"};
    if (p.modulusBits.size() > kMaxPrimes)
        return Error{"the modulus chain has " + std::to_string(p.modulusBits.size()) +
                     " primes; at most 256 are modelled"};
    for (std::size_t i = 0; i < p.modulusBits.size(); ++i)
        if (p.modulusBits[i] < kMinPrimeBits || p.modulusBits[i] > kMaxPrimeBits)
            return Error{"prime " + std::to_string(i + 1) + " of the chain " + chainText(p) +
                         " has " + std::to_string(p.modulusBits[i]) +
                         " bits; primes must have 2 to 60 bits (one 64-bit word each)"};
    if (p.specialPrimes < 0)
        return Error{"the number of special primes is negative (" +
                     std::to_string(p.specialPrimes) + ")"};
    if (p.specialPrimes >= static_cast<int>(p.modulusBits.size()))
        return Error{"the chain " + chainText(p) + " has " + std::to_string(p.modulusBits.size()) +
                     " primes, " + std::to_string(p.specialPrimes) +
                     " of them special: no prime is left for the data"};
    if (p.scheme == FheScheme::Ckks) {
        if (p.scaleBits < 1 || p.scaleBits > kMaxPrimeBits)
            return Error{"the CKKS scale must be 1 to 60 bits, got " + std::to_string(p.scaleBits)};
        if (p.modulusBits.front() <= p.scaleBits)
            return Error{"the first prime (" + std::to_string(p.modulusBits.front()) +
                         " bits) must be larger than the CKKS scale (" +
                         std::to_string(p.scaleBits) +
                         " bits), or the result's integer part does not fit"};
    } else {
        if (p.plaintextModulus < 2)
            return Error{"the BFV plaintext modulus t must be at least 2, got " +
                         std::to_string(p.plaintextModulus)};
        if (p.plaintextModulus >= (std::uint64_t{1} << kMaxPrimeBits))
            return Error{
                "the BFV plaintext modulus t must have at most 60 bits (one 64-bit "
                "word), got " +
                std::to_string(p.plaintextModulus)};
        int dataBits = 0;
        for (int i = 0; i < dataPrimeCount(p); ++i)
            dataBits += p.modulusBits[static_cast<std::size_t>(i)];
        if (log2T(p) >= static_cast<double>(dataBits))
            return Error{"the BFV plaintext modulus t = " + std::to_string(p.plaintextModulus) +
                         " is not below the data modulus (" + std::to_string(dataBits) + " bits)"};
    }
    return {};
}

int totalModulusBits(const FheParameters& p) {
    int total = 0;
    for (int bits : p.modulusBits)
        total += bits;
    return total;
}

int dataPrimeCount(const FheParameters& p) {
    return static_cast<int>(p.modulusBits.size()) - p.specialPrimes;
}

core::Result<int> modulusBitsAt(const FheParameters& p, int activePrimes) {
    if (auto ok = validate(p); !ok) return ok.error();
    if (activePrimes < 1 || activePrimes > dataPrimeCount(p))
        return Error{"a ciphertext of this set holds 1 to " + std::to_string(dataPrimeCount(p)) +
                     " data primes, asked for " + std::to_string(activePrimes)};
    int bits = 0;
    for (int i = 0; i < activePrimes; ++i)
        bits += p.modulusBits[static_cast<std::size_t>(i)];
    return bits;
}

core::Result<int> ckksDepth(const FheParameters& p) {
    if (auto ok = validate(p); !ok) return ok.error();
    if (p.scheme != FheScheme::Ckks)
        return Error{"BFV has no level-based depth: see its noise budget (bfvDepth)"};
    return dataPrimeCount(p) - 1;
}

bool bfvBatchingSupported(std::uint64_t t, std::uint32_t ringDimension) {
    const std::uint64_t twoN = 2ULL * ringDimension;
    return twoN > 0 && t % twoN == 1 && isPrime(t);
}

core::Result<std::int64_t> slotCount(const FheParameters& p) {
    if (auto ok = validate(p); !ok) return ok.error();
    if (p.scheme == FheScheme::Ckks) return static_cast<std::int64_t>(p.ringDimension / 2);
    if (!bfvBatchingSupported(p.plaintextModulus, p.ringDimension))
        return Error{"t = " + std::to_string(p.plaintextModulus) +
                     " does not allow BFV batching with N = " + std::to_string(p.ringDimension) +
                     ": it must be a prime congruent to 1 modulo 2N = " +
                     std::to_string(2ULL * p.ringDimension) + " (e.g. 65537 for N up to 32768)"};
    return static_cast<std::int64_t>(p.ringDimension);
}

core::Result<double> ciphertextBytes(const FheParameters& p, int activePrimes) {
    if (auto ok = validate(p); !ok) return ok.error();
    auto bits = modulusBitsAt(p, activePrimes == 0 ? dataPrimeCount(p) : activePrimes);
    if (!bits) return bits.error();
    return 2.0 * static_cast<double>(p.ringDimension) * static_cast<double>(*bits) / 8.0;
}

core::Result<double> keySwitchingKeyBytes(const FheParameters& p) {
    if (auto ok = validate(p); !ok) return ok.error();
    return static_cast<double>(dataPrimeCount(p)) * 2.0 * static_cast<double>(p.ringDimension) *
           static_cast<double>(totalModulusBits(p)) / 8.0;
}

core::Result<double> bfvFreshNoiseBudget(const FheParameters& p, const BfvNoiseConstants& c) {
    if (auto ok = requireBfv(p, "the noise budget"); !ok) return ok.error();
    if (!std::isfinite(c.freshExtraBits)) return Error{"the fresh-noise constant must be finite"};
    const double logQ = *modulusBitsAt(p, dataPrimeCount(p));
    return logQ - log2T(p) - 0.5 * log2N(p) - c.freshExtraBits;
}

core::Result<double> bfvMultiplyNoiseBits(const FheParameters& p, const BfvNoiseConstants& c) {
    if (auto ok = requireBfv(p, "the noise budget"); !ok) return ok.error();
    if (!std::isfinite(c.multiplyExtraBits))
        return Error{"the multiplication-noise constant must be finite"};
    const double bits = log2T(p) + log2N(p) + c.multiplyExtraBits;
    if (!(bits > 0)) return Error{"a multiplication must consume a positive number of bits"};
    return bits;
}

core::Result<double> bfvPlainMultiplyNoiseBits(const FheParameters& p, const BfvNoiseConstants& c) {
    if (auto ok = requireBfv(p, "the noise budget"); !ok) return ok.error();
    if (!std::isfinite(c.plainMultiplyExtraBits))
        return Error{"the plaintext-multiplication-noise constant must be finite"};
    const double bits = log2T(p) + 0.5 * log2N(p) + c.plainMultiplyExtraBits;
    if (!(bits > 0))
        return Error{"a plaintext multiplication must consume a positive number of bits"};
    return bits;
}

core::Result<int> bfvDepth(const FheParameters& p, const BfvNoiseConstants& c) {
    auto fresh = bfvFreshNoiseBudget(p, c);
    if (!fresh) return fresh.error();
    auto perMultiply = bfvMultiplyNoiseBits(p, c);
    if (!perMultiply) return perMultiply.error();
    if (*fresh <= 0) return 0;
    // The budget must stay above 0 after the last multiplication.
    return static_cast<int>(std::ceil(*fresh / *perMultiply)) - 1;
}

}  // namespace dais::crypto
