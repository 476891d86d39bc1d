#pragma once
// Is a CKKS or BFV parameter set secure? The HomomorphicEncryption.org standard (Albrecht et al.,
// "Homomorphic Encryption Security Standard", 2018, tables for a uniform ternary secret and
// error of standard deviation 3.2) gives, for each ring dimension N, the largest total modulus
// log2(q) that keeps the best known lattice attacks above 2^128, 2^192 or 2^256 classical
// operations. Microsoft SEAL enforces the same numbers (CoeffModulus::MaxBitCount, hestdparms.h)
// and OpenFHE lists them in stdlatticeparms.cpp. The standard stops at N = 32768; the row for
// N = 65536 is OpenFHE's, computed by its authors the same way, and its source says so. The
// modulus counted is the whole chain, special primes included.

#include <cstdint>
#include <string>
#include <vector>

#include "dais/core/result.h"
#include "dais/crypto/fhe_parameters.h"

namespace dais::crypto {

enum class HeSecurityLevel { Classical128 = 128, Classical192 = 192, Classical256 = 256 };

/// The limits for one ring dimension.
struct HeSecurityRow {
    std::uint32_t ringDimension = 0;
    int maxBits128 = 0, maxBits192 = 0, maxBits256 = 0;  ///< largest total log2(q)
    std::string source;                                  ///< named in refusals
};

/// The table; the default holds the standard's rows (ternary secret, classical security) and
/// OpenFHE's row for 65536.
struct HeSecurityTable {
    std::vector<HeSecurityRow> rows = {
        {1024, 27, 19, 14, "HomomorphicEncryption.org standard, 2018"},
        {2048, 54, 37, 29, "HomomorphicEncryption.org standard, 2018"},
        {4096, 109, 75, 58, "HomomorphicEncryption.org standard, 2018"},
        {8192, 218, 152, 118, "HomomorphicEncryption.org standard, 2018"},
        {16384, 438, 305, 237, "HomomorphicEncryption.org standard, 2018"},
        {32768, 881, 611, 476, "HomomorphicEncryption.org standard, 2018"},
        {65536, 1772, 1228, 956,
         "OpenFHE's table, which extends the HomomorphicEncryption.org standard of 2018 to "
         "N=65536"},
    };
};

/// The largest total modulus (bits) for N at the level, or an error when the table has no row.
core::Result<int> maxModulusBits(std::uint32_t ringDimension, HeSecurityLevel level,
                                 const HeSecurityTable& table = {});

/// Accepts a set whose whole chain is within the limit; refuses it otherwise with a message
/// naming the limit and its source, e.g. "N=8192 allows at most 218 bits of modulus for 128-bit
/// security (HomomorphicEncryption.org standard, 2018); this chain has 240".
core::Result<void> checkSecurity(const FheParameters& parameters,
                                 HeSecurityLevel level = HeSecurityLevel::Classical128,
                                 const HeSecurityTable& table = {});

}  // namespace dais::crypto
