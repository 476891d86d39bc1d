#include "dais/crypto/fhe_workloads.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

namespace dais::crypto {

namespace {

using core::Error;

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

// ceil(log2(d)) for d >= 1: the levels of a product tree for x^d.
int treeLevels(int degree) {
    int levels = 0;
    while ((std::int64_t{1} << levels) < degree)
        ++levels;
    return levels;
}

// Levels a degree-d activation consumes: the power tree, then the coefficients.
int activationLevels(const DenseLayer& layer) {
    return layer.activation == Activation::Polynomial ? treeLevels(layer.degree) + 1 : 0;
}

// The inference's running state: the level (data primes left), the BFV budget, the totals.
class Evaluation {
  public:
    Evaluation(const FheParameters& p, const FheWorkloadOptions& o, EncryptedInference& r)
        : p_(p), o_(o), r_(r), primes_(dataPrimeCount(p)) {}

    int primes() const { return primes_; }

    // Adds `count` operations at the current level.
    core::Result<void> run(FheOperation operation, std::int64_t count) {
        if (count <= 0) return {};
        auto seconds = operationSeconds(p_, operation, primes_, o_.costs);
        if (!seconds) return seconds.error();
        r_.serverSeconds += static_cast<double>(count) * *seconds;
        switch (operation) {
            case FheOperation::Add:
                r_.additions += count;
                break;
            case FheOperation::PlainMultiply:
                r_.plainMultiplies += count;
                break;
            case FheOperation::Multiply:
                r_.multiplies += count;
                break;
            case FheOperation::Rotate:
                r_.rotations += count;
                break;
            case FheOperation::Rescale:
                r_.rescales += count;
                break;
            case FheOperation::Encrypt:
            case FheOperation::Decrypt:
                break;
        }
        return {};
    }

    // CKKS: rescales `count` ciphertexts, one level down.
    core::Result<void> rescale(std::int64_t count) {
        if (auto ok = run(FheOperation::Rescale, count); !ok) return ok;
        --primes_;
        return {};
    }

    // CKKS: makes `levels` levels available to `live` ciphertexts, bootstrapping them if the
    // chain has fewer left and bootstrapping is allowed.
    core::Result<void> ensureLevels(int levels, std::int64_t live, const std::string& depthText) {
        if (primes_ - 1 >= levels) return {};
        if (!o_.allowBootstrapping) return Error{depthText + "; bootstrapping is turned off"};
        auto after = primesAfterBootstrap(p_, o_.costs);
        if (!after)
            return Error{depthText +
                         ", and bootstrapping is not possible: " + after.error().message};
        if (*after - 1 < levels)
            return Error{depthText + "; one step needs " + std::to_string(levels) +
                         " levels but a bootstrapped ciphertext has only " +
                         std::to_string(*after - 1)};
        auto seconds = bootstrapSeconds(p_, o_.costs);
        if (!seconds) return seconds.error();
        r_.bootstraps += live;
        r_.serverSeconds += static_cast<double>(live) * *seconds;
        primes_ = *after;
        return {};
    }

  private:
    const FheParameters& p_;
    const FheWorkloadOptions& o_;
    EncryptedInference& r_;
    int primes_;
};

}  // namespace

core::Result<EncryptedInference> encryptedInference(const ModelOperations& model,
                                                    const FheParameters& p,
                                                    const FheWorkloadOptions& o) {
    if (auto ok = validate(model); !ok) return ok.error();
    if (model.layers.empty())
        return Error{"encrypted inference needs the model's layer shapes, not only its counts"};
    for (std::size_t i = 0; i < model.layers.size(); ++i)
        if (model.layers[i].activation == Activation::Relu)
            return Error{"layer " + std::to_string(i + 1) +
                         " uses ReLU, which is not a polynomial: homomorphic encryption "
                         "evaluates additions and multiplications only; replace it by a "
                         "polynomial activation (a square, or a low-degree approximation)"};
    if (auto ok = checkSecurity(p, o.security, o.securityTable); !ok) return ok.error();
    auto slots = slotCount(p);
    if (!slots) return slots.error();
    const bool ckks = p.scheme == FheScheme::Ckks;

    EncryptedInference r;
    for (const DenseLayer& layer : model.layers)
        r.depthNeeded += 1 + activationLevels(layer);
    if (ckks) {
        r.depthAvailable = dataPrimeCount(p) - 1;
    } else {
        auto depth = bfvDepth(p, o.noise);
        if (!depth) return depth.error();
        r.depthAvailable = *depth;
    }
    const std::string depthText =
        "the model needs multiplicative depth " + std::to_string(r.depthNeeded) +
        " (one level per dense layer, ceil(log2 d) + 1 per activation of degree d); the chain " +
        chainText(p) + " gives " + std::to_string(dataPrimeCount(p) - 1) +
        " (one level per data prime beyond the first)";

    double budget = 0, multiplyBits = 0, plainBits = 0;
    if (!ckks) {
        budget = *bfvFreshNoiseBudget(p, o.noise);
        multiplyBits = *bfvMultiplyNoiseBits(p, o.noise);
        plainBits = *bfvPlainMultiplyNoiseBits(p, o.noise);
    }

    Evaluation eval(p, o, r);
    std::int64_t live = 0;
    std::set<std::int64_t> rotationSteps;
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const DenseLayer& layer = model.layers[i];
        const std::int64_t n = std::max(layer.inputs, layer.outputs);
        const std::int64_t w = std::min(n, *slots);
        const std::int64_t blocksIn = ceilDiv(layer.inputs, w);
        const std::int64_t blocksOut = ceilDiv(layer.outputs, w);
        if (i == 0) r.inputCiphertexts = blocksIn;
        live = blocksIn;

        if (ckks)
            if (auto ok = eval.ensureLevels(1, live, depthText); !ok) return ok.error();
        // The diagonal method, block by block: each input block rotated w - 1 times (shared by
        // the output blocks), a plaintext product per diagonal, the products summed, the bias
        // added. With baby and giant steps, g - 1 rotations per input block and h - 1 per
        // output block.
        std::int64_t rotations = blocksIn * (w - 1);
        if (o.babyStepGiantStep) {
            const auto g = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(w))));
            const std::int64_t h = ceilDiv(w, g);
            rotations = blocksIn * (g - 1) + blocksOut * (h - 1);
            for (std::int64_t step = 1; step < g; ++step)
                rotationSteps.insert(step);
            for (std::int64_t j = 1; j < h; ++j)
                rotationSteps.insert(j * g);
        } else {
            for (std::int64_t step = 1; step < w; ++step)
                rotationSteps.insert(step);
        }
        if (auto ok = eval.run(FheOperation::Rotate, rotations); !ok) return ok.error();
        if (auto ok = eval.run(FheOperation::PlainMultiply, blocksOut * blocksIn * w); !ok)
            return ok.error();
        if (auto ok = eval.run(FheOperation::Add, blocksOut * (blocksIn * w - 1) + blocksOut); !ok)
            return ok.error();
        live = blocksOut;
        if (ckks) {
            if (auto ok = eval.rescale(live); !ok) return ok.error();
        } else {
            budget -= plainBits;
        }

        if (layer.activation != Activation::Polynomial) continue;
        const int d = layer.degree;
        const int tree = treeLevels(d);
        if (ckks)
            if (auto ok = eval.ensureLevels(tree + 1, live, depthText); !ok) return ok.error();
        for (int j = 1; j <= tree; ++j) {
            // Powers x^e with 2^(j-1) < e <= min(d, 2^j), one product each.
            const std::int64_t powers =
                std::min<std::int64_t>(d, std::int64_t{1} << j) - (std::int64_t{1} << (j - 1));
            if (auto ok = eval.run(FheOperation::Multiply, live * powers); !ok) return ok.error();
            if (ckks)
                if (auto ok = eval.rescale(live * powers); !ok) return ok.error();
        }
        // a_1 x + ... + a_d x^d + a_0: d products by constants, d additions.
        if (auto ok = eval.run(FheOperation::PlainMultiply, live * d); !ok) return ok.error();
        if (auto ok = eval.run(FheOperation::Add, live * d); !ok) return ok.error();
        if (ckks) {
            if (auto ok = eval.rescale(live); !ok) return ok.error();
        } else {
            budget -= tree * multiplyBits + plainBits;
        }
    }
    r.outputCiphertexts = live;
    r.outputPrimes = eval.primes();

    if (!ckks) {
        if (budget <= 0)
            return Error{"the model needs about " +
                         std::to_string(static_cast<int>(
                             std::ceil(*bfvFreshNoiseBudget(p, o.noise) - budget))) +
                         " bits of BFV noise budget; N=" + std::to_string(p.ringDimension) +
                         ", the chain " + chainText(p) +
                         " and t=" + std::to_string(p.plaintextModulus) + " give " +
                         std::to_string(static_cast<int>(*bfvFreshNoiseBudget(p, o.noise))) +
                         " (BFV is not bootstrapped here: lengthen the chain or shorten the "
                         "model)"};
        r.noiseBudgetLeftBits = budget;
    }

    auto encrypt = operationSeconds(p, FheOperation::Encrypt, 0, o.costs);
    if (!encrypt) return encrypt.error();
    auto decrypt = operationSeconds(p, FheOperation::Decrypt, r.outputPrimes, o.costs);
    if (!decrypt) return decrypt.error();
    auto upload = ciphertextBytes(p, 0);
    auto download = ciphertextBytes(p, r.outputPrimes);
    auto key = keySwitchingKeyBytes(p);
    if (!upload || !download || !key) return Error{"ciphertext sizes could not be computed"};
    r.clientEncryptSeconds = static_cast<double>(r.inputCiphertexts) * *encrypt;
    r.clientDecryptSeconds = static_cast<double>(r.outputCiphertexts) * *decrypt;
    r.uploadBytes = static_cast<double>(r.inputCiphertexts) * *upload;
    r.downloadBytes = static_cast<double>(r.outputCiphertexts) * *download;
    r.rotationKeys = static_cast<std::int64_t>(rotationSteps.size());
    const std::int64_t keys = (r.multiplies > 0 ? 1 : 0) + r.rotationKeys;
    r.evaluationKeyBytes = static_cast<double>(keys) * *key;
    return r;
}

core::Result<EncryptedAggregation> encryptedAggregation(std::int64_t values, std::int64_t clients,
                                                        int plainValueBytes, const FheParameters& p,
                                                        const FheWorkloadOptions& o) {
    constexpr std::int64_t kMax = std::int64_t{1} << 40;
    if (values < 1 || values > kMax)
        return Error{"each client aggregates 1 to 2^40 values, got " + std::to_string(values)};
    if (clients < 1 || clients > kMax)
        return Error{"aggregation needs 1 to 2^40 clients, got " + std::to_string(clients)};
    if (plainValueBytes < 1 || plainValueBytes > 16)
        return Error{"a plaintext value takes 1 to 16 bytes (8 for doubles, 4 for floats), got " +
                     std::to_string(plainValueBytes)};
    if (auto ok = checkSecurity(p, o.security, o.securityTable); !ok) return ok.error();
    auto slots = slotCount(p);
    if (!slots) return slots.error();
    auto bytes = ciphertextBytes(p, 0);
    if (!bytes) return bytes.error();
    auto encrypt = operationSeconds(p, FheOperation::Encrypt, 0, o.costs);
    auto add = operationSeconds(p, FheOperation::Add, 0, o.costs);
    auto decrypt = operationSeconds(p, FheOperation::Decrypt, 0, o.costs);
    if (!encrypt) return encrypt.error();
    if (!add) return add.error();
    if (!decrypt) return decrypt.error();

    EncryptedAggregation a;
    a.ciphertextsPerClient = ceilDiv(values, *slots);
    a.serverAdditions = (clients - 1) * a.ciphertextsPerClient;
    a.bytesPerClient = static_cast<double>(a.ciphertextsPerClient) * *bytes;
    a.plaintextBytesPerClient = static_cast<double>(values) * plainValueBytes;
    a.expansion = a.bytesPerClient / a.plaintextBytesPerClient;
    a.clientEncryptSeconds = static_cast<double>(a.ciphertextsPerClient) * *encrypt;
    a.serverSeconds = static_cast<double>(a.serverAdditions) * *add;
    a.decryptSeconds = static_cast<double>(a.ciphertextsPerClient) * *decrypt;
    return a;
}

}  // namespace dais::crypto
