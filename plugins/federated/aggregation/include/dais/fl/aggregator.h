#pragma once
// Aggregation rules: how the server turns the n client updates of one round into one update.
// Updates are the columns of a d x n matrix (one client per column, contiguous in memory);
// weights are the clients' sample counts. Every rule checks its precondition first and throws
// AggregationError with the numbers that broke it.

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace dais::fl {

/// The result of one aggregation: the combined update and, for rules that pick clients (Krum,
/// Multi-Krum, Bulyan), the columns they picked in the order they picked them. Rules that use
/// every client (means, coordinate-wise rules) leave `selected` empty.
struct Aggregate {
    Eigen::VectorXd value;
    std::vector<Eigen::Index> selected;
};

class Aggregator {
  public:
    virtual ~Aggregator() = default;
    /// The rule's name as messages show it ("Bulyan", "trimmed mean").
    virtual std::string name() const = 0;
    /// Throws AggregationError if n client updates cannot be aggregated by this rule.
    virtual void check(Eigen::Index n) const = 0;
    /// Checks the shape (one weight per column, weights finite and >= 0), the rule's
    /// precondition and that every update is finite, then aggregates. Client numbers in
    /// messages are column positions.
    Aggregate aggregate(const Eigen::MatrixXd& updates, const Eigen::VectorXd& weights) const;
    /// The same with equal weights.
    Aggregate aggregate(const Eigen::MatrixXd& updates) const;

  protected:
    /// Called with a checked, non-empty input.
    virtual Aggregate compute(const Eigen::MatrixXd& updates,
                              const Eigen::VectorXd& weights) const = 0;
};

/// The mean of the updates: weighted by sample counts (FedAvg, McMahan et al. 2017:
/// sum_k n_k u_k / sum_k n_k) or uniform (1/n sum_k u_k, as Reddi et al. 2021, Algorithm 2).
class WeightedMean final : public Aggregator {
  public:
    enum class Weighting { Samples, Uniform };
    explicit WeightedMean(Weighting weighting = Weighting::Samples) : weighting_(weighting) {}
    std::string name() const override;
    void check(Eigen::Index n) const override;
    Weighting weighting() const { return weighting_; }

  protected:
    Aggregate compute(const Eigen::MatrixXd& updates,
                      const Eigen::VectorXd& weights) const override;

  private:
    Weighting weighting_;
};

/// The n x n matrix of squared Euclidean distances between the columns, computed once from the
/// Gram matrix of the centred columns (one matrix product, O(n^2 d) in a blocked kernel rather
/// than n^2 scalar loops): D_ij = |c_i|^2 + |c_j|^2 - 2 c_i.c_j with c_i = u_i - mean. Centring
/// keeps the cancellation small when the updates lie far from the origin. Symmetric, zero
/// diagonal, entries clamped at 0.
Eigen::MatrixXd pairwiseSquaredDistances(const Eigen::MatrixXd& columns);

}  // namespace dais::fl
