#pragma once
// Classification models over one flat parameter vector: multinomial logistic regression and a
// multilayer perceptron (ReLU hidden layers, softmax output), trained on softmax cross-entropy.
// The flat vector is what travels over the network and what aggregation averages, so its layout
// is fixed and documented: layer by layer, the weight matrix W (outputs x inputs, column-major)
// then the bias b (outputs). Logistic regression is the MLP with no hidden layer.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dais/sim/rng.h"

namespace dais::fl {

/// How parameters are encoded in a message.
enum class WireFormat { Float32, Float64 };

/// The shape of a model: inputs, hidden layer widths (empty: logistic regression), classes.
struct ModelSpec {
    std::size_t inputs = 0;
    std::size_t classes = 0;
    std::vector<std::size_t> hidden;

    static ModelSpec logistic(std::size_t inputs, std::size_t classes) {
        return {inputs, classes, {}};
    }
    static ModelSpec mlp(std::size_t inputs, std::vector<std::size_t> hidden, std::size_t classes) {
        return {inputs, classes, std::move(hidden)};
    }
    /// "logistic(60->10)" or "mlp(64-32-16->10)".
    std::string describe() const;
};

/// Scratch memory for forward and backward passes on batches of up to `capacity()` samples.
/// Sized once; a pass on a batch that fits allocates nothing.
class Workspace {
  public:
    std::size_t capacity() const { return capacity_; }
    /// The logits of the last pass (classes x capacity(); its first b columns are the batch's).
    const Eigen::MatrixXd& logits() const { return act.back(); }

  private:
    friend class Model;
    std::size_t capacity_ = 0;
    std::vector<Eigen::MatrixXd> act;  // per layer: outputs (post-ReLU for hidden, logits last)
    Eigen::MatrixXd delta[2];          // back-propagated errors, ping-pong
    Eigen::RowVectorXd colMax, colSum;
};

/// A model: its shape, parameter layout and the arithmetic on batches. Stateless apart from the
/// shape: parameters and scratch memory are passed in, so one Model serves every client and
/// thread at once.
class Model {
  public:
    /// Throws std::invalid_argument for zero inputs, fewer than two classes or a zero width.
    explicit Model(ModelSpec spec);

    const ModelSpec& spec() const { return spec_; }
    bool isLogistic() const { return spec_.hidden.empty(); }
    std::size_t inputs() const { return spec_.inputs; }
    std::size_t classes() const { return spec_.classes; }
    /// Layers with weights (hidden layers + the output layer).
    std::size_t layers() const { return layers_.size(); }

    /// Exact number of parameters: sum over layers of out * in + out.
    std::size_t parameterCount() const { return count_; }
    /// Bytes of one full parameter vector on the wire: parameterCount() * 4 or * 8 (the
    /// parameters only; no framing).
    std::size_t wireBytes(WireFormat format) const;

    /// Initial parameters: zeros for logistic regression (its loss is convex); for an MLP, He
    /// uniform weights U(-sqrt(6/fan_in), +sqrt(6/fan_in)) for layers followed by a ReLU, Glorot
    /// uniform U(-sqrt(6/(fan_in+fan_out)), +...) for the output layer, zero biases.
    Eigen::VectorXd initialParameters(sim::RngStream& rng) const;

    /// Makes `ws` able to hold batches of `batch` samples (allocates only if it grows).
    void reserve(Workspace& ws, std::size_t batch) const;

    /// Mean softmax cross-entropy of a batch (features: inputs x b, one column per sample) and,
    /// if `gradient` is not null, its gradient with respect to the parameters, written into
    /// *gradient (resized to parameterCount() if needed). Log-sum-exp is taken with the
    /// column maximum subtracted, so large logits never overflow.
    double lossAndGradient(const Eigen::VectorXd& params,
                           const Eigen::Ref<const Eigen::MatrixXd>& features,
                           std::span<const std::int32_t> labels, Eigen::VectorXd* gradient,
                           Workspace& ws) const;

    /// The logits of a batch (classes x b) are left in the workspace and returned as a view.
    Eigen::Block<Eigen::MatrixXd, Eigen::Dynamic, Eigen::Dynamic, true> logits(
        const Eigen::VectorXd& params, const Eigen::Ref<const Eigen::MatrixXd>& features,
        Workspace& ws) const;

    /// Offsets of layer l's weights and bias in the flat vector, and its shape.
    struct LayerInfo {
        std::size_t in = 0, out = 0, weightOffset = 0, biasOffset = 0;
    };
    const LayerInfo& layer(std::size_t l) const { return layers_[l]; }

  private:
    void forward(const Eigen::VectorXd& params, const Eigen::Ref<const Eigen::MatrixXd>& x,
                 std::size_t b, Workspace& ws) const;

    ModelSpec spec_;
    std::vector<LayerInfo> layers_;
    std::size_t count_ = 0;
    std::size_t widest_ = 0;
};

}  // namespace dais::fl
