#pragma once
// Byzantine-robust aggregation rules. f is the number of malicious clients a rule is built to
// tolerate; each rule refuses a round whose size n does not meet its bound for f.

#include <cstddef>

#include "dais/fl/aggregator.h"

namespace dais::fl {

/// The Krum scores (Blanchard et al., NeurIPS 2017): for each client i, the sum of the squared
/// distances to its n - f - 2 nearest other clients (0 neighbours when n - f - 2 <= 0). `dist`
/// is pairwiseSquaredDistances() of the updates; `among` restricts the clients considered
/// (empty: all). Scores of clients not in `among` are +inf.
Eigen::VectorXd krumScores(const Eigen::MatrixXd& dist, std::size_t f,
                           const std::vector<Eigen::Index>& among = {});

/// Krum: the single update with the lowest score (ties: the lowest column). Needs n >= 2f + 3.
class Krum final : public Aggregator {
  public:
    explicit Krum(std::size_t f) : f_(f) {}
    std::string name() const override { return "Krum"; }
    void check(Eigen::Index n) const override;
    std::size_t f() const { return f_; }

  protected:
    Aggregate compute(const Eigen::MatrixXd& updates,
                      const Eigen::VectorXd& weights) const override;

  private:
    std::size_t f_;
};

/// Multi-Krum: the uniform mean of the m updates with the lowest Krum scores (scores computed
/// once over all n). m = 0 means n - f. Needs n >= 2f + 3 and m <= n.
class MultiKrum final : public Aggregator {
  public:
    MultiKrum(std::size_t f, std::size_t m = 0) : f_(f), m_(m) {}
    std::string name() const override { return "Multi-Krum"; }
    void check(Eigen::Index n) const override;
    std::size_t f() const { return f_; }
    /// The number of updates averaged for n clients.
    std::size_t selectedCount(Eigen::Index n) const;

  protected:
    Aggregate compute(const Eigen::MatrixXd& updates,
                      const Eigen::VectorXd& weights) const override;

  private:
    std::size_t f_;
    std::size_t m_;
};

/// Coordinate-wise median (Yin et al., ICML 2018): per coordinate, the middle value; for even n
/// the mean of the two middle values. Needs n >= 1.
class CoordinateMedian final : public Aggregator {
  public:
    std::string name() const override { return "coordinate-wise median"; }
    void check(Eigen::Index n) const override;

  protected:
    Aggregate compute(const Eigen::MatrixXd& updates,
                      const Eigen::VectorXd& weights) const override;
};

/// Coordinate-wise trimmed mean (Yin et al., ICML 2018): per coordinate, drop the k = floor(beta
/// n) largest and the k smallest values and average the n - 2k left. Needs 0 <= beta < 1/2 (so
/// at least one value is left); given f, also k >= f (Yin et al. require beta >= the fraction
/// of malicious clients), so every malicious value can be trimmed.
class TrimmedMean final : public Aggregator {
  public:
    /// f = 0 skips the k >= f check.
    explicit TrimmedMean(double beta, std::size_t f = 0);
    std::string name() const override { return "trimmed mean"; }
    void check(Eigen::Index n) const override;
    double beta() const { return beta_; }
    /// k = floor(beta n), the values dropped from each end.
    Eigen::Index trimmed(Eigen::Index n) const;

  protected:
    Aggregate compute(const Eigen::MatrixXd& updates,
                      const Eigen::VectorXd& weights) const override;

  private:
    double beta_;
    std::size_t f_;
};

/// Bulyan (El Mhamdi, Guerraoui, Rouault, ICML 2018) over Krum: theta = n - 2f updates are
/// selected one at a time, each the Krum choice (lowest score, with f) among those not yet
/// selected; then per coordinate the beta = theta - 2f selected values closest to the selected
/// values' median are averaged. Needs n >= 4f + 3.
class Bulyan final : public Aggregator {
  public:
    explicit Bulyan(std::size_t f) : f_(f) {}
    std::string name() const override { return "Bulyan"; }
    void check(Eigen::Index n) const override;
    std::size_t f() const { return f_; }

  protected:
    Aggregate compute(const Eigen::MatrixXd& updates,
                      const Eigen::VectorXd& weights) const override;

  private:
    std::size_t f_;
};

}  // namespace dais::fl
