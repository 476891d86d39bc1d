#pragma once
// Local training: mini-batch SGD with momentum, weight decay and an optional proximal term,
// the work a federated client does between receiving the global model and sending an update.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dais/fl/dataset.h"
#include "dais/fl/model.h"
#include "dais/sim/rng.h"

namespace dais::fl {

struct TrainOptions {
    double learningRate = 0.05;
    double momentum = 0.0;     ///< heavy ball, v := momentum v + g; w := w - lr v (v starts at 0)
    double weightDecay = 0.0;  ///< adds weightDecay * w to the gradient (every parameter)
    double proximalMu = 0.0;   ///< FedProx: adds mu (w - w_start) to the gradient
    std::size_t epochs = 1;
    std::size_t batchSize = 32;  ///< the last batch of an epoch may be smaller
    bool shuffle = true;         ///< a new permutation of the rows every epoch
    std::size_t maxSteps = 0;    ///< partial work: stop after this many steps (0: no limit)
};

struct TrainStats {
    std::size_t samples = 0;  ///< samples seen, over all steps (counted again every epoch)
    std::size_t steps = 0;    ///< SGD steps taken
    double meanLoss = 0;      ///< mean cross-entropy of the batches, before each step, per sample
};

struct TrainResult {
    Eigen::VectorXd params;
    std::size_t samples = 0;
    double meanLoss = 0;
    std::size_t steps = 0;
};

/// A reusable local trainer: holds the scratch memory (batch, gradient, momentum, permutation)
/// so that training many clients one after another allocates only when a client needs more
/// than any before. One per thread.
class LocalTrainer {
  public:
    /// Trains from `start` (also the proximal anchor w_start, the global model) on `data`,
    /// writing the new parameters into `out` (resized if needed). Draws come from `rng` only
    /// for shuffling.
    TrainStats train(const Model& model, const Eigen::VectorXd& start, const DataView& data,
                     const TrainOptions& options, sim::RngStream& rng, Eigen::VectorXd& out);

  private:
    Workspace ws_;
    Eigen::MatrixXd batch_;
    std::vector<std::int32_t> batchLabels_;
    std::vector<std::uint32_t> order_;
    Eigen::VectorXd grad_, velocity_;
};

/// One client's local training with a trainer of its own (convenience for tests and tools).
TrainResult trainLocal(const Model& model, const Eigen::VectorXd& params, const DataView& data,
                       const TrainOptions& options, sim::RngStream& rng);

/// Mean cross-entropy and accuracy of a model on some rows, in batches of `batch`.
struct Evaluation {
    double loss = 0;
    double accuracy = 0;
    std::size_t samples = 0;
};
Evaluation evaluate(const Model& model, const Eigen::VectorXd& params, const DataView& data,
                    std::size_t batch = 256);
/// The predicted class (largest logit; the first on ties) of every row of `data`.
std::vector<std::int32_t> predict(const Model& model, const Eigen::VectorXd& params,
                                  const DataView& data);

}  // namespace dais::fl
