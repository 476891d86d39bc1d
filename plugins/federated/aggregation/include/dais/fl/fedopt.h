#pragma once
// Adaptive server optimisers (Reddi et al., "Adaptive Federated Optimization", ICLR 2021,
// Algorithm 2), exactly as written there: no bias correction, v starts at a given v_{-1}.
//   Delta_t = the aggregator's combination of the updates x_k - x_t
//   m_t     = beta1 m_{t-1} + (1 - beta1) Delta_t                     (m_{-1} = 0)
//   v_t     = v_{t-1} + Delta_t^2                                     FedAdagrad
//   v_t     = v_{t-1} - (1 - beta2) Delta_t^2 sign(v_{t-1} - Delta_t^2)  FedYogi
//   v_t     = beta2 v_{t-1} + (1 - beta2) Delta_t^2                   FedAdam
//   x_{t+1} = x_t + eta m_t / (sqrt(v_t) + tau)
// Squares, roots, sign and division are per coordinate.

#include "dais/fl/strategy.h"

namespace dais::fl {

struct FedOptOptions {
    double eta = 0.1;     // server learning rate, > 0
    double beta1 = 0.9;   // first-moment decay, in [0, 1)
    double beta2 = 0.99;  // second-moment decay, in [0, 1) (FedAdagrad ignores it)
    double tau = 1e-3;    // adaptivity, > 0
    /// v_{-1}, every coordinate; NaN means tau^2 (Algorithm 2 asks for v_{-1} >= tau^2).
    double initialV = std::numeric_limits<double>::quiet_NaN();
};

/// The shared part of the three: the moments m and v and the update of x.
class FedOpt : public Strategy {
  public:
    const FedOptOptions& options() const { return options_; }

  protected:
    FedOpt(Eigen::VectorXd initial, FedOptOptions options, const std::string& strategyName);
    void advance(const Round& round, Eigen::VectorXd& x) final;
    /// v_{t-1} -> v_t given Delta_t^2.
    virtual void updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) = 0;

    FedOptOptions options_;

  private:
    Eigen::VectorXd& m_;
    Eigen::VectorXd& v_;
};

class FedAdagrad final : public FedOpt {
  public:
    explicit FedAdagrad(Eigen::VectorXd initial, FedOptOptions options = {})
        : FedOpt(std::move(initial), options, "FedAdagrad") {}
    std::string name() const override { return "FedAdagrad"; }

  protected:
    void updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) override;
};

class FedYogi final : public FedOpt {
  public:
    explicit FedYogi(Eigen::VectorXd initial, FedOptOptions options = {})
        : FedOpt(std::move(initial), options, "FedYogi") {}
    std::string name() const override { return "FedYogi"; }

  protected:
    void updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) override;
};

class FedAdam final : public FedOpt {
  public:
    explicit FedAdam(Eigen::VectorXd initial, FedOptOptions options = {})
        : FedOpt(std::move(initial), options, "FedAdam") {}
    std::string name() const override { return "FedAdam"; }

  protected:
    void updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) override;
};

}  // namespace dais::fl
