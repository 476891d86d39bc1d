#include "dais/crypto/fhe_cost.h"

#include <cmath>
#include <string>

namespace dais::crypto {

namespace {

using core::Error;

KernelCounts operator+(KernelCounts a, const KernelCounts& b) {
    a.ntts += b.ntts;
    a.products += b.products;
    a.additions += b.additions;
    return a;
}

// Hybrid key switching with one special prime and one digit per data prime (SEAL's
// switch_key_inplace): for each of the l digits, an inverse NTT on its own prime and a forward
// NTT onto each of the other l - 1 data primes and the special prime (1 + l NTTs), then a
// product with each of the key's two polynomials on l + 1 primes, accumulated. Dividing the
// two results by the special prime ("mod down"): an inverse NTT on the special prime and a
// forward NTT onto the l data primes per polynomial, a product and a subtraction per residue.
KernelCounts keySwitch(double l) {
    KernelCounts k;
    k.ntts = l * (1.0 + l) + 2.0 * (1.0 + l);
    k.products = 2.0 * l * (l + 1.0) + 2.0 * l;
    k.additions = 2.0 * l * (l + 1.0) + 2.0 * l;
    return k;
}

core::Result<void> checkConstant(double value, const char* name) {
    if (!std::isfinite(value) || value < 0)
        return Error{std::string(name) + " must be finite and >= 0, got " + std::to_string(value)};
    return {};
}

double nLogN(std::uint32_t n) {
    return static_cast<double>(n) * std::log2(static_cast<double>(n));
}

core::Result<void> checkBootstrap(const FheParameters& p, const FheCostConstants& c) {
    if (auto ok = validate(p); !ok) return ok.error();
    if (p.scheme != FheScheme::Ckks)
        return Error{
            "bootstrapping is modelled for CKKS only; BFV computations must fit their "
            "noise budget"};
    if (auto ok = checkConstant(c.bootstrapSeconds, "the bootstrapping time"); !ok)
        return ok.error();
    const std::uint32_t ref = c.bootstrapReferenceRingDimension;
    if (ref < 2 || (ref & (ref - 1)) != 0)
        return Error{"the bootstrapping reference ring dimension must be a power of two, got " +
                     std::to_string(ref)};
    if (p.ringDimension < c.bootstrapMinRingDimension)
        return Error{
            "CKKS bootstrapping is modelled from N=" + std::to_string(c.bootstrapMinRingDimension) +
            " up (the cited measurement's ring dimension); this set has N=" +
            std::to_string(p.ringDimension)};
    return {};
}

}  // namespace

std::string_view fheOperationName(FheOperation operation) {
    switch (operation) {
        case FheOperation::Add:
            return "add";
        case FheOperation::PlainMultiply:
            return "plain-multiply";
        case FheOperation::Multiply:
            return "multiply";
        case FheOperation::Rotate:
            return "rotate";
        case FheOperation::Rescale:
            return "rescale";
        case FheOperation::Encrypt:
            return "encrypt";
        case FheOperation::Decrypt:
            return "decrypt";
    }
    return "unknown";
}

core::Result<KernelCounts> operationKernels(FheScheme scheme, FheOperation operation,
                                            int activePrimes) {
    if (activePrimes < 1 || activePrimes > 256)
        return Error{"a ciphertext holds 1 to 256 data primes, got " +
                     std::to_string(activePrimes)};
    const auto l = static_cast<double>(activePrimes);
    KernelCounts k;
    const bool ckks = scheme == FheScheme::Ckks;
    switch (operation) {
        case FheOperation::Add:
            // Two polynomials, l residues each.
            k.additions = 2 * l;
            return k;
        case FheOperation::PlainMultiply:
            if (ckks) {
                // Both in NTT form: a product per residue of each polynomial.
                k.products = 2 * l;
            } else {
                // SEAL keeps BFV ciphertexts in coefficient form: transform the two
                // polynomials and the plaintext, multiply, transform back.
                k.ntts = 5 * l;
                k.products = 2 * l;
            }
            return k;
        case FheOperation::Multiply:
            if (ckks) {
                // Tensor product in NTT form: c0d0, c0d1 + c1d0, c1d1 (4 products, 1 addition
                // per residue), then relinearise the third polynomial and add it in.
                k.products = 4 * l;
                k.additions = l + 2 * l;
                return k + keySwitch(l);
            }
            // RNS BFV (Bajard et al.; Halevi, Polyakov and Shoup): extend the four input
            // polynomials from the l primes of q to q and an auxiliary base of l + 1 primes
            // (l (l + 1) conversion products each), NTT them on 2l + 1 primes, tensor (4
            // products on 2l + 1 primes), inverse-NTT the three results, scale them back to
            // q ((l + 1) l conversion products each); then relinearise.
            k.ntts = 4 * (2 * l + 1) + 3 * (2 * l + 1);
            k.products = 4 * l * (l + 1) + 4 * (2 * l + 1) + 3 * l * (l + 1);
            k.additions = (2 * l + 1) + 2 * l;
            return k + keySwitch(l);
        case FheOperation::Rotate:
            // The automorphism permutes both polynomials' coefficients (counted as additions),
            // then the second polynomial is key-switched and added in.
            k.additions = 2 * l + l;
            return k + keySwitch(l);
        case FheOperation::Rescale:
            if (ckks) {
                // Per polynomial: inverse NTT of the last residue, forward NTT of it onto the
                // other l - 1 primes, subtract and multiply by the last prime's inverse.
                k.ntts = 2 * l;
                k.products = 2 * (l - 1);
                k.additions = 2 * (l - 1);
            } else {
                // BFV modulus switching in coefficient form: no transforms.
                k.products = 2 * (l - 1);
                k.additions = 2 * (l - 1);
            }
            return k;
        case FheOperation::Encrypt:
            // c = (p0 u + e0 + m, p1 u + e1): transform u and the two errors (3l NTTs), two
            // products, three additions per residue; BFV also scales m by floor(q/t) and
            // returns to coefficient form (2l more NTTs). Sampling is not counted.
            k.ntts = ckks ? 3 * l : 5 * l;
            k.products = ckks ? 2 * l : 3 * l;
            k.additions = 3 * l;
            return k;
        case FheOperation::Decrypt:
            // m = c0 + c1 s: a product and an addition per residue and an inverse NTT per
            // residue; BFV transforms c1 first and scales and rounds by t/q. CRT composition
            // and decoding are not counted.
            k.ntts = ckks ? l : 2 * l;
            k.products = ckks ? l : 3 * l;
            k.additions = l;
            return k;
    }
    return Error{"unknown FHE operation"};
}

core::Result<double> operationSeconds(const FheParameters& p, FheOperation operation,
                                      int activePrimes, const FheCostConstants& c) {
    if (auto ok = validate(p); !ok) return ok.error();
    for (auto [value, name] : {std::pair{c.nttSecondsPerNLogN, "the NTT cost"},
                               std::pair{c.productSecondsPerCoefficient, "the product cost"},
                               std::pair{c.additionSecondsPerCoefficient, "the addition cost"}})
        if (auto ok = checkConstant(value, name); !ok) return ok.error();
    const int top = dataPrimeCount(p);
    const int l = activePrimes == 0 ? top : activePrimes;
    if (l < 1 || l > top)
        return Error{"a ciphertext of this set holds 1 to " + std::to_string(top) +
                     " data primes, asked for " + std::to_string(l)};
    if (operation == FheOperation::Rescale && l < 2)
        return Error{"a ciphertext with one data prime has no prime left to drop"};
    if ((operation == FheOperation::Multiply || operation == FheOperation::Rotate) &&
        p.specialPrimes < 1)
        return Error{
            "relinearisation and rotation need a special prime for key switching; the "
            "chain " +
            chainText(p) + " has none"};
    auto kernels = operationKernels(p.scheme, operation, l);
    if (!kernels) return kernels.error();
    const auto n = static_cast<double>(p.ringDimension);
    return kernels->ntts * c.nttSecondsPerNLogN * nLogN(p.ringDimension) +
           kernels->products * c.productSecondsPerCoefficient * n +
           kernels->additions * c.additionSecondsPerCoefficient * n;
}

core::Result<double> bootstrapSeconds(const FheParameters& p, const FheCostConstants& c) {
    if (auto ok = checkBootstrap(p, c); !ok) return ok.error();
    if (auto primes = primesAfterBootstrap(p, c); !primes) return primes.error();
    return c.bootstrapSeconds * nLogN(p.ringDimension) / nLogN(c.bootstrapReferenceRingDimension);
}

core::Result<int> primesAfterBootstrap(const FheParameters& p, const FheCostConstants& c) {
    if (auto ok = checkBootstrap(p, c); !ok) return ok.error();
    int bits = 0, primes = 0;
    for (int i = 0; i < dataPrimeCount(p); ++i) {
        bits += p.modulusBits[static_cast<std::size_t>(i)];
        if (bits > c.bootstrapOutputModulusBits) break;
        ++primes;
    }
    if (primes < 2)
        return Error{"after bootstrapping (" + std::to_string(c.bootstrapOutputModulusBits) +
                     " bits of modulus left) the chain " + chainText(p) +
                     " would have no level to compute with"};
    if (primes >= dataPrimeCount(p))
        return Error{"the chain " + chainText(p) + " has no room for the bootstrapping circuit: " +
                     "its data primes (" + std::to_string(*modulusBitsAt(p, dataPrimeCount(p))) +
                     " bits) do not exceed the bootstrapping's output modulus (" +
                     std::to_string(c.bootstrapOutputModulusBits) + " bits)"};
    return primes;
}

}  // namespace dais::crypto
