#pragma once
// A model's inference described by what it costs to compute, not by its weights: how many
// multiply-adds, how many activations of which kind, how many inputs, outputs and parameters.
// The zero-knowledge and homomorphic-encryption cost models both start from this description;
// the FHE model also needs the dense layers' shapes, which the helpers here keep.
//
// Dense layers only: a layer of `inputs` x `outputs` weights costs inputs * outputs multiply-adds
// and outputs biases; each of its outputs is a dot product, rescaled once in fixed point.
// plugins/crypto/costs/README.md describes how each cost model reads these counts.

#include <cstdint>
#include <string_view>
#include <vector>

#include "dais/core/result.h"

namespace dais::crypto {

/// What follows a dense layer.
enum class Activation {
    None,        ///< the layer's outputs as they are (regression, logits)
    Relu,        ///< max(0, x): a comparison, not a polynomial
    Polynomial,  ///< a polynomial of a given degree (a square, or an approximation of a
                 ///< sigmoid or tanh)
};

/// "none", "relu" or "polynomial".
std::string_view activationName(Activation activation);

/// One dense layer and the activation after it.
struct DenseLayer {
    std::int64_t inputs = 0;
    std::int64_t outputs = 0;
    Activation activation = Activation::None;
    int degree = 0;  ///< the polynomial's degree (>= 1) for Activation::Polynomial, else 0
};

/// A model's inference as operation counts. Every polynomial activation has the same degree.
struct ModelOperations {
    std::int64_t multiplyAdds = 0;           ///< weight times input, accumulated
    std::int64_t rescales = 0;               ///< dot-product outputs, each truncated once
    std::int64_t reluActivations = 0;        ///< ReLUs evaluated
    std::int64_t polynomialActivations = 0;  ///< polynomial activations evaluated
    int polynomialDegree = 0;                ///< their degree; 0 when there are none
    std::int64_t inputs = 0;                 ///< values fed to the model
    std::int64_t outputs = 0;                ///< values it returns
    std::int64_t parameters = 0;             ///< weights and biases
    std::vector<DenseLayer> layers;          ///< the shapes, first layer first; may be empty
                                             ///< when the counts were written by hand
};

/// The counts of a stack of dense layers. Checks that each layer's inputs are the previous
/// layer's outputs, that sizes are positive and that polynomial activations have a degree
/// (the same for all of them).
core::Result<ModelOperations> fromLayers(std::vector<DenseLayer> layers);

/// A dense multilayer perceptron with the given widths, input first (e.g. {784, 128, 10}):
/// `hidden` after every layer but the last, nothing after the last (logits). `degree` is the
/// polynomial's degree when `hidden` is Activation::Polynomial.
core::Result<ModelOperations> denseNetwork(const std::vector<std::int64_t>& widths,
                                           Activation hidden, int degree = 0);

/// Linear regression on `features` inputs: one dot product and a bias.
core::Result<ModelOperations> linearRegression(std::int64_t features);

/// Logistic regression on `features` inputs with the sigmoid replaced by a polynomial of
/// degree `sigmoidDegree` (>= 1).
core::Result<ModelOperations> logisticRegression(std::int64_t features, int sigmoidDegree);

/// Checks counts written by hand: nothing negative, at least one input and output, a degree
/// when there are polynomial activations; if `layers` is not empty, that it agrees with the
/// counts.
core::Result<void> validate(const ModelOperations& operations);

}  // namespace dais::crypto
