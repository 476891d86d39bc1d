#include "dais/crypto/model_operations.h"

#include <string>

namespace dais::crypto {

namespace {

using core::Error;

// Counts stay below 2^50 so that every derived figure, computed in double precision, is exact
// enough and no product of two counts overflows 64 bits.
constexpr std::int64_t kMaxCount = std::int64_t{1} << 50;
constexpr int kMaxDegree = 1024;

std::string layerName(std::size_t index) {
    return "layer " + std::to_string(index + 1);
}

// a * b + c, or an error when it leaves [0, kMaxCount].
core::Result<std::int64_t> mulAdd(std::int64_t a, std::int64_t b, std::int64_t c,
                                  const std::string& what) {
    std::int64_t product = 0, sum = 0;
    if (__builtin_mul_overflow(a, b, &product) || __builtin_add_overflow(product, c, &sum) ||
        sum > kMaxCount)
        return Error{what + " is too large to count (more than 2^50 operations)"};
    return sum;
}

}  // namespace

std::string_view activationName(Activation activation) {
    switch (activation) {
        case Activation::None:
            return "none";
        case Activation::Relu:
            return "relu";
        case Activation::Polynomial:
            return "polynomial";
    }
    return "unknown";
}

core::Result<ModelOperations> fromLayers(std::vector<DenseLayer> layers) {
    if (layers.empty()) return Error{"a model needs at least one layer"};
    ModelOperations ops;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const DenseLayer& layer = layers[i];
        if (layer.inputs < 1 || layer.outputs < 1)
            return Error{layerName(i) + " has " + std::to_string(layer.inputs) + " inputs and " +
                         std::to_string(layer.outputs) + " outputs; both must be at least 1"};
        if (layer.inputs > kMaxCount || layer.outputs > kMaxCount)
            return Error{layerName(i) + " is too wide to count"};
        if (i > 0 && layer.inputs != layers[i - 1].outputs)
            return Error{layerName(i) + " takes " + std::to_string(layer.inputs) + " inputs but " +
                         layerName(i - 1) + " gives " + std::to_string(layers[i - 1].outputs)};
        switch (layer.activation) {
            case Activation::None:
            case Activation::Relu:
                if (layer.degree != 0)
                    return Error{layerName(i) + " has a degree (" + std::to_string(layer.degree) +
                                 ") but its activation is " +
                                 std::string(activationName(layer.activation))};
                break;
            case Activation::Polynomial:
                if (layer.degree < 1 || layer.degree > kMaxDegree)
                    return Error{
                        layerName(i) + ": a polynomial activation needs a degree from 1 to " +
                        std::to_string(kMaxDegree) + ", got " + std::to_string(layer.degree)};
                if (ops.polynomialDegree != 0 && ops.polynomialDegree != layer.degree)
                    return Error{layerName(i) + " has a polynomial of degree " +
                                 std::to_string(layer.degree) + " where an earlier layer has " +
                                 std::to_string(ops.polynomialDegree) +
                                 "; the counts hold one degree for all polynomial activations"};
                ops.polynomialDegree = layer.degree;
                break;
        }
        auto macs = mulAdd(layer.inputs, layer.outputs, ops.multiplyAdds, "the model");
        if (!macs) return macs.error();
        ops.multiplyAdds = *macs;
        // weights and biases
        auto params = mulAdd(layer.inputs + 1, layer.outputs, ops.parameters, "the model");
        if (!params) return params.error();
        ops.parameters = *params;
        ops.rescales += layer.outputs;
        if (layer.activation == Activation::Relu) ops.reluActivations += layer.outputs;
        if (layer.activation == Activation::Polynomial) ops.polynomialActivations += layer.outputs;
    }
    ops.inputs = layers.front().inputs;
    ops.outputs = layers.back().outputs;
    ops.layers = std::move(layers);
    return ops;
}

core::Result<ModelOperations> denseNetwork(const std::vector<std::int64_t>& widths,
                                           Activation hidden, int degree) {
    if (widths.size() < 2)
        return Error{"a dense network needs at least two widths (inputs and outputs), got " +
                     std::to_string(widths.size())};
    if (hidden != Activation::Polynomial && degree != 0)
        return Error{"a degree (" + std::to_string(degree) + ") only applies to polynomial " +
                     "activations, not " + std::string(activationName(hidden))};
    std::vector<DenseLayer> layers;
    for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
        const bool last = i + 2 == widths.size();
        layers.push_back(
            {widths[i], widths[i + 1], last ? Activation::None : hidden, last ? 0 : degree});
    }
    // A polynomial degree given for a network without hidden layers is still checked.
    if (hidden == Activation::Polynomial && (degree < 1 || degree > kMaxDegree))
        return Error{"a polynomial activation needs a degree from 1 to " +
                     std::to_string(kMaxDegree) + ", got " + std::to_string(degree)};
    return fromLayers(std::move(layers));
}

core::Result<ModelOperations> linearRegression(std::int64_t features) {
    if (features < 1)
        return Error{"linear regression needs at least one feature, got " +
                     std::to_string(features)};
    return fromLayers({{features, 1, Activation::None, 0}});
}

core::Result<ModelOperations> logisticRegression(std::int64_t features, int sigmoidDegree) {
    if (features < 1)
        return Error{"logistic regression needs at least one feature, got " +
                     std::to_string(features)};
    if (sigmoidDegree < 1 || sigmoidDegree > kMaxDegree)
        return Error{"the sigmoid's polynomial needs a degree from 1 to " +
                     std::to_string(kMaxDegree) + ", got " + std::to_string(sigmoidDegree)};
    return fromLayers({{features, 1, Activation::Polynomial, sigmoidDegree}});
}

core::Result<void> validate(const ModelOperations& ops) {
    const std::pair<const char*, std::int64_t> counts[] = {
        {"multiply-adds", ops.multiplyAdds},
        {"rescales", ops.rescales},
        {"ReLU activations", ops.reluActivations},
        {"polynomial activations", ops.polynomialActivations},
        {"inputs", ops.inputs},
        {"outputs", ops.outputs},
        {"parameters", ops.parameters}};
    for (const auto& [name, value] : counts) {
        if (value < 0)
            return Error{std::string("the model's ") + name + " count is negative (" +
                         std::to_string(value) + ")"};
        if (value > kMaxCount)
            return Error{std::string("the model's ") + name + " count is above 2^50"};
    }
    if (ops.inputs < 1 || ops.outputs < 1)
        return Error{"a model needs at least one input and one output"};
    if (ops.polynomialActivations > 0 &&
        (ops.polynomialDegree < 1 || ops.polynomialDegree > kMaxDegree))
        return Error{"the model has polynomial activations but their degree is " +
                     std::to_string(ops.polynomialDegree) + " (must be 1 to " +
                     std::to_string(kMaxDegree) + ")"};
    if (ops.polynomialActivations == 0 && ops.polynomialDegree != 0)
        return Error{"the model gives a polynomial degree but no polynomial activations"};
    if (!ops.layers.empty()) {
        auto rebuilt = fromLayers(ops.layers);
        if (!rebuilt) return rebuilt.error();
        const ModelOperations& r = *rebuilt;
        if (r.multiplyAdds != ops.multiplyAdds || r.rescales != ops.rescales ||
            r.reluActivations != ops.reluActivations ||
            r.polynomialActivations != ops.polynomialActivations ||
            r.polynomialDegree != ops.polynomialDegree || r.inputs != ops.inputs ||
            r.outputs != ops.outputs || r.parameters != ops.parameters)
            return Error{"the model's counts do not match its layers"};
    }
    return {};
}

}  // namespace dais::crypto
