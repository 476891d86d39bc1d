#pragma once
// A CKKS or BFV parameter set in the residue-number-system form the libraries use (Microsoft
// SEAL, OpenFHE, Lattigo): a ring dimension N and a chain of primes whose product is the
// ciphertext modulus q. What follows from it without any timing: the multiplicative depth, the
// slots, the size of a ciphertext, and BFV's noise budget.
//
// The chain lists every prime's bit size, first to last. The last `specialPrimes` of them are
// key-switching ("special") primes: they count towards the security limit but never hold
// ciphertext data (SEAL's convention: the last prime of coeff_modulus is the special prime).
// The others are the data primes. A ciphertext at a level holds the data primes still in the
// chain: all of them when fresh, one fewer after each CKKS rescale or BFV modulus switch.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/result.h"

namespace dais::crypto {

enum class FheScheme {
    Ckks,  ///< approximate arithmetic on real numbers (Cheon, Kim, Kim and Song, Asiacrypt 2017)
    Bfv,   ///< exact arithmetic modulo t (Brakerski 2012; Fan and Vercauteren 2012)
};

/// "ckks" or "bfv".
std::string_view fheSchemeName(FheScheme scheme);

struct FheParameters {
    FheScheme scheme = FheScheme::Ckks;
    std::uint32_t ringDimension = 8192;  ///< N, a power of two from 1024 to 65536
    std::vector<int> modulusBits;        ///< bit size of every prime, special primes last
    int specialPrimes = 1;               ///< key-switching primes at the end of the chain
    int scaleBits = 40;                  ///< CKKS: log2 of the scale
    std::uint64_t plaintextModulus = 0;  ///< BFV: t
};

/// Checks the parameter set's shape (not its security: see fhe_security.h): N a power of two
/// from 1024 to 65536, every prime 2 to 60 bits (the libraries' 64-bit residues), at least one
/// data prime, for CKKS a scale of 1 to 60 bits below the first prime, for BFV 2 <= t < min(q,
/// 2^60).
core::Result<void> validate(const FheParameters& parameters);

/// Sum of the bit sizes of all primes, special primes included: what the security limit bounds.
int totalModulusBits(const FheParameters& parameters);

/// Data primes: the chain without its special primes.
int dataPrimeCount(const FheParameters& parameters);

/// Sum of the bit sizes of the first `activePrimes` data primes: log2 q at that level.
core::Result<int> modulusBitsAt(const FheParameters& parameters, int activePrimes);

/// CKKS: the multiplications a fresh ciphertext can take, one rescale (one prime) each: the data
/// primes beyond the first. An error for BFV, whose depth is set by its noise budget.
core::Result<int> ckksDepth(const FheParameters& parameters);

/// Values one ciphertext packs: N/2 for CKKS; N for BFV when t is a prime congruent to 1
/// modulo 2N (batching); an error for BFV otherwise.
core::Result<std::int64_t> slotCount(const FheParameters& parameters);

/// Whether t supports BFV batching for ring dimension N: t prime and t = 1 (mod 2N).
bool bfvBatchingSupported(std::uint64_t plaintextModulus, std::uint32_t ringDimension);

/// A ciphertext's size with `activePrimes` data primes: 2 polynomials of N coefficients, each
/// the sum of the active primes' bits: 2 N (sum of bits) / 8 bytes. This is the information
/// content; libraries store each residue in a 64-bit word in memory and may compress when
/// serialising. `activePrimes` = 0 means all data primes (a fresh ciphertext).
core::Result<double> ciphertextBytes(const FheParameters& parameters, int activePrimes = 0);

/// A key-switching key (relinearisation or one rotation) as hybrid key switching with one digit
/// per data prime builds it: one two-polynomial encryption over the whole chain (special primes
/// included) per data prime: data primes * 2 N (all bits) / 8 bytes.
core::Result<double> keySwitchingKeyBytes(const FheParameters& parameters);

/// BFV's noise budget in bits (SEAL's "invariant noise budget": decryption is correct while it
/// is above 0), modelled with the heuristic bounds of Fan and Vercauteren (IACR ePrint
/// 2012/144), average-case expansion factor 2 sqrt(N) for the ring product, errors bounded by
/// 6 sigma with sigma = 3.2. With log q of the data primes:
///   fresh:                 log2 q - log2 t - (log2 N) / 2 - freshExtraBits
///   per multiplication:    log2 t + log2 N + multiplyExtraBits
///   per plaintext product: log2 t + (log2 N) / 2 + plainMultiplyExtraBits
/// plugins/crypto/costs/README.md derives the extra bits. A heuristic, not a measurement:
/// libraries report budgets a few bits either side.
struct BfvNoiseConstants {
    /// log2(6 sigma) = 4.26 for the error bound, 1 for the expansion factor's 2, 1 for the two
    /// error terms of a public-key encryption, 1 because the budget ends at 1/2.
    double freshExtraBits = 4.26 + 3.0;
    /// 2 for the expansion factor 2 sqrt(N) appearing twice, 1 for the two cross terms.
    double multiplyExtraBits = 3.0;
    /// 1 for the expansion factor's 2, -1 because plaintext coefficients are at most t/2.
    double plainMultiplyExtraBits = 0.0;
};

/// BFV: the budget of a fresh ciphertext, in bits (may be negative: the set cannot decrypt).
core::Result<double> bfvFreshNoiseBudget(const FheParameters& parameters,
                                         const BfvNoiseConstants& constants = {});
/// BFV: bits one ciphertext-ciphertext multiplication (with relinearisation) consumes.
core::Result<double> bfvMultiplyNoiseBits(const FheParameters& parameters,
                                          const BfvNoiseConstants& constants = {});
/// BFV: bits one plaintext-ciphertext multiplication consumes.
core::Result<double> bfvPlainMultiplyNoiseBits(const FheParameters& parameters,
                                               const BfvNoiseConstants& constants = {});
/// BFV: how many sequential ciphertext multiplications the fresh budget allows.
core::Result<int> bfvDepth(const FheParameters& parameters,
                           const BfvNoiseConstants& constants = {});

/// The chain written as "{60, 40, 40, 60}" for messages.
std::string chainText(const FheParameters& parameters);

}  // namespace dais::crypto
