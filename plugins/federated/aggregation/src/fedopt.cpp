#include "dais/fl/fedopt.h"

#include <cmath>

#include "dais/fl/error.h"

namespace dais::fl {

FedOpt::FedOpt(Eigen::VectorXd initial, FedOptOptions options, const std::string& strategyName)
    : Strategy(std::move(initial)),
      options_(options),
      m_(addMoment("m", Eigen::VectorXd::Zero(dimension()))),
      v_(addMoment("v", Eigen::VectorXd::Zero(dimension()))) {
    // name() is not yet the subclass's here: the messages use the name passed in.
    auto need = [&](bool ok, const std::string& what, const std::string& parameter, double value) {
        if (!ok)
            throw AggregationError(strategyName + " needs " + what + ": got " + parameter + " = " +
                                   formatNumber(value));
    };
    need(options_.eta > 0, "a server learning rate eta > 0", "eta", options_.eta);
    need(options_.beta1 >= 0 && options_.beta1 < 1, "0 <= beta1 < 1", "beta1", options_.beta1);
    need(options_.beta2 >= 0 && options_.beta2 < 1, "0 <= beta2 < 1", "beta2", options_.beta2);
    need(options_.tau > 0, "tau > 0", "tau", options_.tau);
    if (std::isnan(options_.initialV)) options_.initialV = options_.tau * options_.tau;
    need(std::isfinite(options_.initialV) && options_.initialV >= 0, "an initial v >= 0",
         "initial v", options_.initialV);
    v_.setConstant(options_.initialV);
}

void FedOpt::advance(const Round& round, Eigen::VectorXd& x) {
    const Eigen::VectorXd delta = aggregate(round);
    m_ = options_.beta1 * m_ + (1.0 - options_.beta1) * delta;
    updateSecondMoment(v_, delta.array().square().matrix());
    x.array() += options_.eta * m_.array() / (v_.array().sqrt() + options_.tau);
}

void FedAdagrad::updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) {
    v += deltaSquared;
}

void FedYogi::updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) {
    const double c = 1.0 - options_.beta2;
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        const double diff = v[i] - deltaSquared[i];
        const double sign = static_cast<double>((diff > 0) - (diff < 0));
        v[i] -= c * deltaSquared[i] * sign;
    }
}

void FedAdam::updateSecondMoment(Eigen::VectorXd& v, const Eigen::VectorXd& deltaSquared) {
    v = options_.beta2 * v + (1.0 - options_.beta2) * deltaSquared;
}

}  // namespace dais::fl
