#pragma once
// How long a homomorphic operation takes, as a function of the ring dimension N and the number
// of data primes l at the ciphertext's level, and what CKKS bootstrapping costs.
//
// Each operation is counted in three kernels on polynomials of N coefficients modulo one prime:
// number-theoretic transforms (NTTs, N log2 N work each), coefficient-wise modular products and
// coefficient-wise additions. The counts follow the residue-number-system algorithms the
// libraries implement (full-RNS CKKS, Cheon, Han, Kim, Kim and Song, SAC 2018; RNS BFV, Bajard,
// Eynard, Hasan and Zucca, SAC 2016, and Halevi, Polyakov and Shoup, CT-RSA 2019; key switching
// with one special prime and one digit per data prime, as Microsoft SEAL does it): NTT-bound
// operations grow as l N log N, key switching (relinearisation, rotation) as l^2 N log N. The
// kernels' unit costs are calibrated to OpenFHE's published NTT and polynomial benchmarks,
// bootstrapping to Bossuat et al. (Eurocrypt 2021). plugins/crypto/costs/README.md gives every
// count's derivation and every constant's source, and says where they are uncertain.

#include <cstdint>
#include <string_view>

#include "dais/core/result.h"
#include "dais/crypto/fhe_parameters.h"

namespace dais::crypto {

enum class FheOperation {
    Add,            ///< ciphertext + ciphertext
    PlainMultiply,  ///< ciphertext * plaintext (or constant)
    Multiply,       ///< ciphertext * ciphertext, relinearised
    Rotate,         ///< slot rotation (Galois automorphism and key switch)
    Rescale,        ///< CKKS rescale / BFV modulus switch: drop the last data prime
    Encrypt,        ///< public-key encryption of an encoded plaintext
    Decrypt,
};

/// "add", "plain-multiply", "multiply", "rotate", "rescale", "encrypt" or "decrypt".
std::string_view fheOperationName(FheOperation operation);

/// An operation's work in kernels on one N-coefficient polynomial modulo one prime.
struct KernelCounts {
    double ntts = 0;       ///< forward or inverse NTTs
    double products = 0;   ///< coefficient-wise modular products (or base-conversion steps)
    double additions = 0;  ///< coefficient-wise modular additions (or permutations)
};

/// The kernels of `operation` on a ciphertext with `activePrimes` data primes (one special
/// prime for key switching).
core::Result<KernelCounts> operationKernels(FheScheme scheme, FheOperation operation,
                                            int activePrimes);

/// Unit costs and bootstrapping.
struct FheCostConstants {
    /// One NTT of size N on one prime costs nttSecondsPerNLogN * N log2 N. OpenFHE's
    /// benchmark/src/README.md publishes NTTTransform4096 = 47.6 us (and NTTTransform1024 =
    /// 10.1 us, which this reproduces within 2%); machine not stated there.
    double nttSecondsPerNLogN = 47.6e-6 / (4096.0 * 12.0);
    /// A coefficient-wise modular product: the same README's poly-benchmark "Native_mul" =
    /// 2.94 us for a ring of 1024 (the size inferred from its Native_ntt, 9.61 us, which
    /// matches NTTTransformInPlace1024).
    double productSecondsPerCoefficient = 2.94e-6 / 1024.0;
    /// A coefficient-wise modular addition: "Native_add" = 0.936 us for 1024 coefficients.
    double additionSecondsPerCoefficient = 0.936e-6 / 1024.0;
    /// CKKS bootstrapping: 18 s for a ciphertext of 2^15 complex slots (N = 2^16), output
    /// modulus 505 bits, 128-bit security (Bossuat, Mouchet, Troncoso-Pastoriza and Hubaux,
    /// "Efficient Bootstrapping for Approximate Homomorphic Encryption with Non-Sparse Keys",
    /// Eurocrypt 2021; Lattigo). Scaled by N log2 N for other ring dimensions.
    double bootstrapSeconds = 18.0;
    std::uint32_t bootstrapReferenceRingDimension = 65536;
    /// The ciphertext leaves bootstrapping with this much modulus: the data primes that fit in
    /// it, less the first, are the levels it restores.
    int bootstrapOutputModulusBits = 505;
    /// Bootstrapping is modelled only from this N up (the cited measurement's): below it the
    /// chain cannot hold the bootstrapping circuit and leave levels at 128-bit security.
    std::uint32_t bootstrapMinRingDimension = 65536;
};

/// Seconds for `operation` on a ciphertext of `parameters` with `activePrimes` data primes
/// (0: all of them, a fresh ciphertext).
core::Result<double> operationSeconds(const FheParameters& parameters, FheOperation operation,
                                      int activePrimes = 0, const FheCostConstants& constants = {});

/// Seconds to bootstrap one CKKS ciphertext of `parameters`; an error for BFV or below the
/// minimum ring dimension.
core::Result<double> bootstrapSeconds(const FheParameters& parameters,
                                      const FheCostConstants& constants = {});

/// Data primes a bootstrapped ciphertext holds: the first primes of the chain whose bits sum to
/// at most the bootstrapping's output modulus. Its depth is this less one. An error when that
/// leaves no level, for BFV, or below the minimum ring dimension.
core::Result<int> primesAfterBootstrap(const FheParameters& parameters,
                                       const FheCostConstants& constants = {});

}  // namespace dais::crypto
