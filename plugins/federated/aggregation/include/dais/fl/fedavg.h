#pragma once
// FedAvg and FedAvgM: the server averages the clients' updates and steps along the average,
// directly or through server momentum.

#include "dais/fl/strategy.h"

namespace dais::fl {

/// FedAvg (McMahan et al., AISTATS 2017): x <- x + eta * Delta, Delta the aggregator's
/// combination of the updates (default: the sample-weighted mean sum n_k (x_k - x) / sum n_k).
/// With eta = 1 (the default) the new model is the sample-weighted mean of the clients' models.
/// FedProx (Li et al., MLSys 2020) uses this server unchanged: its proximal term mu is part of
/// the clients' local objective.
class FedAvg final : public Strategy {
  public:
    struct Options {
        double serverLearningRate = 1.0;  // eta > 0
    };
    explicit FedAvg(Eigen::VectorXd initial) : FedAvg(std::move(initial), Options{}) {}
    FedAvg(Eigen::VectorXd initial, Options options);
    std::string name() const override { return "FedAvg"; }

  protected:
    void advance(const Round& round, Eigen::VectorXd& x) override;

  private:
    Options options_;
};

/// FedAvgM (Hsu, Qi, Brown, 2019): server momentum over the averaged update,
///   v <- beta v + Delta,   x <- x + eta v,   v_0 = 0.
/// (Written with the pseudo-gradient -Delta this is v <- beta v + (x - avg), x <- x - eta v.)
class FedAvgM final : public Strategy {
  public:
    struct Options {
        double serverLearningRate = 1.0;  // eta > 0
        double momentum = 0.9;            // beta in [0, 1)
    };
    explicit FedAvgM(Eigen::VectorXd initial) : FedAvgM(std::move(initial), Options{}) {}
    FedAvgM(Eigen::VectorXd initial, Options options);
    std::string name() const override { return "FedAvgM"; }

  protected:
    void advance(const Round& round, Eigen::VectorXd& x) override;

  private:
    Options options_;
    Eigen::VectorXd& velocity_;
};

}  // namespace dais::fl
