#include "dais/fl/train.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "dais/fl/random.h"

namespace dais::fl {

TrainStats LocalTrainer::train(const Model& model, const Eigen::VectorXd& start,
                               const DataView& data, const TrainOptions& options,
                               sim::RngStream& rng, Eigen::VectorXd& out) {
    if (options.batchSize == 0) throw std::invalid_argument("trainLocal: batch size 0");
    if (static_cast<std::size_t>(start.size()) != model.parameterCount())
        throw std::invalid_argument("trainLocal: parameter vector of the wrong size");
    if (data.size() > 0 && data.data->dimension() != model.inputs())
        throw std::invalid_argument("trainLocal: data dimension does not match the model");
    out = start;
    TrainStats stats;
    const std::size_t n = data.size();
    if (n == 0 || options.epochs == 0) return stats;

    const std::size_t cap = std::min(options.batchSize, n);
    const auto d = static_cast<Eigen::Index>(model.inputs());
    if (batch_.rows() != d || batch_.cols() < static_cast<Eigen::Index>(cap))
        batch_.resize(d, static_cast<Eigen::Index>(
                             std::max<std::size_t>(cap, static_cast<std::size_t>(batch_.cols()))));
    if (batchLabels_.size() < cap) batchLabels_.resize(cap);
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), 0u);
    model.reserve(ws_, cap);
    const bool momentum = options.momentum != 0.0;
    if (momentum) velocity_.setZero(start.size());

    const Eigen::MatrixXd& X = data.data->features;
    double lossSum = 0;
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
        if (options.shuffle) shuffle(rng, std::span<std::uint32_t>(order_));
        for (std::size_t s = 0; s < n; s += cap) {
            if (options.maxSteps != 0 && stats.steps == options.maxSteps) goto done;
            const std::size_t b = std::min(cap, n - s);
            for (std::size_t j = 0; j < b; ++j) {
                const std::uint32_t r = data.row(order_[s + j]);
                batch_.col(static_cast<Eigen::Index>(j)) = X.col(r);
                batchLabels_[j] = data.data->labels[r];
            }
            const double loss = model.lossAndGradient(
                out, batch_.leftCols(static_cast<Eigen::Index>(b)),
                std::span<const std::int32_t>(batchLabels_.data(), b), &grad_, ws_);
            if (options.weightDecay != 0.0) grad_ += options.weightDecay * out;
            if (options.proximalMu != 0.0) grad_ += options.proximalMu * (out - start);
            if (momentum) {
                velocity_ = options.momentum * velocity_ + grad_;
                out -= options.learningRate * velocity_;
            } else {
                out -= options.learningRate * grad_;
            }
            lossSum += loss * static_cast<double>(b);
            stats.samples += b;
            ++stats.steps;
        }
    }
done:
    stats.meanLoss = stats.samples > 0 ? lossSum / static_cast<double>(stats.samples) : 0.0;
    return stats;
}

TrainResult trainLocal(const Model& model, const Eigen::VectorXd& params, const DataView& data,
                       const TrainOptions& options, sim::RngStream& rng) {
    LocalTrainer trainer;
    TrainResult r;
    const TrainStats s = trainer.train(model, params, data, options, rng, r.params);
    r.samples = s.samples;
    r.meanLoss = s.meanLoss;
    r.steps = s.steps;
    return r;
}

namespace {

template <class F>
void forBatches(const DataView& data, std::size_t batch, std::size_t dim, F&& f) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(dim),
                      static_cast<Eigen::Index>(std::min(batch, data.size())));
    std::vector<std::int32_t> y(static_cast<std::size_t>(x.cols()));
    for (std::size_t s = 0; s < data.size(); s += batch) {
        const std::size_t b = std::min(batch, data.size() - s);
        for (std::size_t j = 0; j < b; ++j) {
            const std::uint32_t r = data.row(s + j);
            x.col(static_cast<Eigen::Index>(j)) = data.data->features.col(r);
            y[j] = data.data->labels[r];
        }
        f(x.leftCols(static_cast<Eigen::Index>(b)), std::span<const std::int32_t>(y.data(), b), s);
    }
}

}  // namespace

Evaluation evaluate(const Model& model, const Eigen::VectorXd& params, const DataView& data,
                    std::size_t batch) {
    Evaluation e;
    if (data.size() == 0) return e;
    Workspace ws;
    std::size_t correct = 0;
    double lossSum = 0;
    forBatches(data, std::max<std::size_t>(batch, 1), model.inputs(),
               [&](const auto& x, std::span<const std::int32_t> y, std::size_t) {
                   lossSum += model.lossAndGradient(params, x, y, nullptr, ws) *
                              static_cast<double>(y.size());
                   const Eigen::MatrixXd& Z = ws.logits();
                   for (std::size_t j = 0; j < y.size(); ++j) {
                       Eigen::Index arg = 0;
                       Z.col(static_cast<Eigen::Index>(j)).maxCoeff(&arg);
                       correct += arg == y[j];
                   }
               });
    e.samples = data.size();
    e.loss = lossSum / static_cast<double>(e.samples);
    e.accuracy = static_cast<double>(correct) / static_cast<double>(e.samples);
    return e;
}

std::vector<std::int32_t> predict(const Model& model, const Eigen::VectorXd& params,
                                  const DataView& data) {
    std::vector<std::int32_t> out(data.size());
    Workspace ws;
    forBatches(data, 256, model.inputs(),
               [&](const auto& x, std::span<const std::int32_t> y, std::size_t s) {
                   const auto Z = model.logits(params, x, ws);
                   for (std::size_t j = 0; j < y.size(); ++j) {
                       Eigen::Index arg = 0;
                       Z.col(static_cast<Eigen::Index>(j)).maxCoeff(&arg);
                       out[s + j] = static_cast<std::int32_t>(arg);
                   }
               });
    return out;
}

}  // namespace dais::fl
