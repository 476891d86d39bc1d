#pragma once
// q-FedAvg (Li, Sanjabi, Beirami, Smith, "Fair Resource Allocation in Federated Learning",
// ICLR 2020, Algorithm 2): clients with a higher loss weigh more, by the power q.
//   Delta w_k = L (x - x_k)                  (x_k: client k's parameters after local training)
//   Delta_k   = F_k^q Delta w_k              (F_k = F_k(x): k's loss before local training)
//   h_k       = q F_k^(q-1) |Delta w_k|^2 + L F_k^q
//   x        <- x - sum_k Delta_k / sum_k h_k
// L is the Lipschitz estimate of the gradient (the paper takes L = 1/eta, eta the clients'
// local learning rate). For q = 0 this is x <- x + (1/m) sum_k (x_k - x), the uniform mean of
// the m client models, whatever L. Clients are not weighted by sample count (the paper samples
// them in proportion to their data instead), and the rule combines the updates itself: it
// takes no aggregator.

#include "dais/fl/strategy.h"

namespace dais::fl {

class QFedAvg final : public Strategy {
  public:
    struct Options {
        double q = 1.0;          // >= 0
        double lipschitz = 1.0;  // L > 0
    };
    QFedAvg(Eigen::VectorXd initial, Options options);
    std::string name() const override { return "q-FedAvg"; }
    /// Refuses: q-FedAvg combines the updates by its own rule.
    void setAggregator(std::shared_ptr<const Aggregator> aggregator) override;

  protected:
    void advance(const Round& round, Eigen::VectorXd& x) override;

  private:
    Options options_;
};

}  // namespace dais::fl
