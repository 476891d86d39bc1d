#include "dais/fl/aggregator.h"

#include <algorithm>
#include <cmath>

#include "dais/fl/error.h"

namespace dais::fl {

Aggregate Aggregator::aggregate(const Eigen::MatrixXd& updates,
                                const Eigen::VectorXd& weights) const {
    const Eigen::Index n = updates.cols();
    if (weights.size() != n)
        throw AggregationError(name() + " needs one weight per client: got " +
                               std::to_string(weights.size()) +
                               " weights for n = " + std::to_string(n) + " clients");
    for (Eigen::Index i = 0; i < n; ++i)
        if (!std::isfinite(weights[i]) || weights[i] < 0)
            throw AggregationError(name() + " needs finite weights >= 0: client " +
                                   std::to_string(i) + " has weight " + formatNumber(weights[i]));
    check(n);
    // Sorting and distances need finite values (NaN has no order): refuse them by position.
    if (!updates.allFinite())
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < updates.rows(); ++i)
                if (!std::isfinite(updates(i, j)))
                    throw AggregationError(
                        name() + " needs finite updates: client " + std::to_string(j) + " has " +
                        formatNumber(updates(i, j)) + " at index " + std::to_string(i));
    return compute(updates, weights);
}

Aggregate Aggregator::aggregate(const Eigen::MatrixXd& updates) const {
    return aggregate(updates, Eigen::VectorXd::Ones(updates.cols()));
}

std::string WeightedMean::name() const {
    return weighting_ == Weighting::Samples ? "weighted mean" : "mean";
}

void WeightedMean::check(Eigen::Index n) const {
    if (n < 1) throw AggregationError(name() + " needs at least one client: got n = 0");
}

Aggregate WeightedMean::compute(const Eigen::MatrixXd& updates,
                                const Eigen::VectorXd& weights) const {
    Aggregate out;
    if (weighting_ == Weighting::Uniform) {
        out.value = updates.rowwise().sum() / static_cast<double>(updates.cols());
        return out;
    }
    const double total = weights.sum();
    if (!(total > 0))
        throw AggregationError(name() + " needs a positive total of samples: got " +
                               formatNumber(total));
    out.value.noalias() = updates * weights;
    out.value /= total;
    return out;
}

Eigen::MatrixXd pairwiseSquaredDistances(const Eigen::MatrixXd& columns) {
    const Eigen::Index n = columns.cols();
    if (n == 0) return Eigen::MatrixXd(0, 0);
    const Eigen::VectorXd mean = columns.rowwise().sum() / static_cast<double>(n);
    // The Gram matrix of the centred columns, accumulated over blocks of rows so the centred
    // copy stays small whatever the model's size.
    constexpr Eigen::Index kBlock = 4096;
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(n, n);
    Eigen::MatrixXd centred;
    for (Eigen::Index r = 0; r < columns.rows(); r += kBlock) {
        const Eigen::Index b = std::min(kBlock, columns.rows() - r);
        centred = columns.middleRows(r, b).colwise() - mean.segment(r, b);
        gram.noalias() += centred.transpose() * centred;
    }
    const Eigen::VectorXd sq = gram.diagonal();
    Eigen::MatrixXd dist(n, n);
    for (Eigen::Index j = 0; j < n; ++j) {
        dist(j, j) = 0.0;
        for (Eigen::Index i = 0; i < j; ++i) {
            const double d = std::max(0.0, sq[i] + sq[j] - 2.0 * gram(i, j));
            dist(i, j) = d;
            dist(j, i) = d;
        }
    }
    return dist;
}

}  // namespace dais::fl
