#include "dais/fl/fedavg.h"

namespace dais::fl {

FedAvg::FedAvg(Eigen::VectorXd initial, Options options)
    : Strategy(std::move(initial)), options_(options) {
    require(options_.serverLearningRate > 0, "a server learning rate > 0", "eta",
            options_.serverLearningRate);
}

void FedAvg::advance(const Round& round, Eigen::VectorXd& x) {
    x += options_.serverLearningRate * aggregate(round);
}

FedAvgM::FedAvgM(Eigen::VectorXd initial, Options options)
    : Strategy(std::move(initial)),
      options_(options),
      velocity_(addMoment("velocity", Eigen::VectorXd::Zero(dimension()))) {
    require(options_.serverLearningRate > 0, "a server learning rate > 0", "eta",
            options_.serverLearningRate);
    require(options_.momentum >= 0 && options_.momentum < 1, "0 <= momentum < 1", "momentum",
            options_.momentum);
}

void FedAvgM::advance(const Round& round, Eigen::VectorXd& x) {
    const Eigen::VectorXd delta = aggregate(round);
    velocity_ = options_.momentum * velocity_ + delta;
    x += options_.serverLearningRate * velocity_;
}

}  // namespace dais::fl
