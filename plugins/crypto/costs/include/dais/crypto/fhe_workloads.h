#pragma once
// Two computations the privacy layer runs under homomorphic encryption, costed from the
// per-operation model (fhe_cost.h):
//  - encrypted inference: a client encrypts its input, a server evaluates its own plaintext
//    model on it, the client decrypts the result;
//  - encrypted aggregation: k clients each encrypt m values, a server adds the ciphertexts,
//    the key holder decrypts the sum.
//
// Inference packs the input into the slots of one ciphertext (more when it does not fit) and
// evaluates each dense layer by the diagonal method (Halevi and Shoup, "Algorithms in HElib",
// Crypto 2014): for an n x n matrix (n = the larger of the layer's two widths), n plaintext
// multiplications by the matrix's generalised diagonals, n - 1 rotations of the input and
// n - 1 additions; wider layers are cut into blocks of the slot count. A layer consumes one
// level. A polynomial activation of degree d computes the powers x^2..x^d by a product tree
// (d - 1 multiplications, ceil(log2 d) levels), multiplies them by the coefficients and sums
// them (one more level). ReLU is not a polynomial and is refused. CKKS runs out of levels when
// the chain is used up: the computation is then bootstrapped (where the set allows it) or
// refused. BFV runs out of noise budget: it is refused.

#include <cstdint>

#include "dais/core/result.h"
#include "dais/crypto/fhe_cost.h"
#include "dais/crypto/fhe_parameters.h"
#include "dais/crypto/fhe_security.h"
#include "dais/crypto/model_operations.h"

namespace dais::crypto {

struct FheWorkloadOptions {
    HeSecurityLevel security = HeSecurityLevel::Classical128;  ///< sets are checked first
    HeSecurityTable securityTable;
    FheCostConstants costs;
    BfvNoiseConstants noise;
    bool allowBootstrapping = true;  ///< CKKS: bootstrap when levels run out
    /// Evaluate each block of the diagonal method with baby steps and giant steps (Halevi and
    /// Shoup, "Faster Homomorphic Linear Transformations in HElib", Crypto 2018): with
    /// g = ceil(sqrt(w)) and h = ceil(w / g), g - 1 rotations of each input block and h - 1
    /// rotations of each output block's partial sums instead of w - 1, and g + h - 2 rotation
    /// keys instead of w - 1; the plaintext diagonals are pre-rotated by the server.
    bool babyStepGiantStep = false;
};

/// What one encrypted inference costs.
struct EncryptedInference {
    std::int64_t inputCiphertexts = 0, outputCiphertexts = 0;
    std::int64_t rotations = 0;
    std::int64_t plainMultiplies = 0;  ///< by weights and by polynomial coefficients
    std::int64_t multiplies = 0;       ///< ciphertext by ciphertext, relinearised
    std::int64_t additions = 0;
    std::int64_t rescales = 0;  ///< CKKS rescales; 0 for BFV
    std::int64_t bootstraps = 0;
    int depthNeeded = 0;     ///< levels the model consumes end to end
    int depthAvailable = 0;  ///< CKKS: the chain's depth; BFV: multiplications the budget allows
    int outputPrimes = 0;    ///< data primes left in the result
    double noiseBudgetLeftBits = 0;  ///< BFV: what the result has left; 0 for CKKS
    double serverSeconds = 0;        ///< the evaluation, bootstrapping included
    double clientEncryptSeconds = 0;
    double clientDecryptSeconds = 0;
    double uploadBytes = 0;    ///< the encrypted input
    double downloadBytes = 0;  ///< the encrypted result (at its final level)
    /// One-time: the relinearisation key and one rotation key per distinct rotation step,
    /// which the client sends the server before the first inference (bootstrapping keys not
    /// included).
    std::int64_t rotationKeys = 0;
    double evaluationKeyBytes = 0;
};

core::Result<EncryptedInference> encryptedInference(const ModelOperations& model,
                                                    const FheParameters& parameters,
                                                    const FheWorkloadOptions& options = {});

/// What one round of encrypted aggregation costs.
struct EncryptedAggregation {
    std::int64_t ciphertextsPerClient = 0;  ///< ceil(values / slots)
    std::int64_t serverAdditions = 0;       ///< (clients - 1) * ciphertextsPerClient
    double bytesPerClient = 0;              ///< what each client uploads
    double plaintextBytesPerClient = 0;     ///< values * bytes per value
    double expansion = 0;                   ///< bytesPerClient / plaintextBytesPerClient
    double clientEncryptSeconds = 0;        ///< per client
    double serverSeconds = 0;
    double decryptSeconds = 0;  ///< the key holder, for the sum
};

/// k = `clients` clients each encrypting `values` values that would take `plainValueBytes`
/// bytes each in the clear (8 for doubles or 64-bit integers, 4 for floats).
core::Result<EncryptedAggregation> encryptedAggregation(std::int64_t values, std::int64_t clients,
                                                        int plainValueBytes,
                                                        const FheParameters& parameters,
                                                        const FheWorkloadOptions& options = {});

}  // namespace dais::crypto
