#include "dais/fl/qfedavg.h"

#include <cmath>

#include "dais/fl/error.h"

namespace dais::fl {

QFedAvg::QFedAvg(Eigen::VectorXd initial, Options options)
    : Strategy(std::move(initial)), options_(options) {
    require(std::isfinite(options_.q) && options_.q >= 0, "q >= 0", "q", options_.q);
    require(std::isfinite(options_.lipschitz) && options_.lipschitz > 0,
            "a Lipschitz estimate L > 0", "L", options_.lipschitz);
}

void QFedAvg::setAggregator(std::shared_ptr<const Aggregator>) {
    throw AggregationError(
        "q-FedAvg combines the updates by its own rule: it takes no "
        "aggregator");
}

void QFedAvg::advance(const Round& round, Eigen::VectorXd& x) {
    const double q = options_.q;
    const double L = options_.lipschitz;
    if (q > 0)
        for (const ClientResult& r : round.results)
            if (!(std::isfinite(r.lossBefore) && r.lossBefore > 0))
                throw AggregationError(
                    "q-FedAvg with q > 0 needs each client's loss before training, finite and "
                    "> 0: client " +
                    std::to_string(r.id) + " reports " + formatNumber(r.lossBefore));
    Eigen::VectorXd sumDelta = Eigen::VectorXd::Zero(x.size());
    double sumH = 0.0;
    for (Eigen::Index k = 0; k < round.updates.cols(); ++k) {
        // Delta w_k = L (x - x_k) = -L (x_k - x).
        const Eigen::VectorXd dw = -L * round.updates.col(k);
        if (q == 0) {
            sumDelta += dw;
            sumH += L;
        } else {
            const double F = round.results[static_cast<std::size_t>(k)].lossBefore;
            const double Fq = std::pow(F, q);
            sumDelta += Fq * dw;
            sumH += q * std::pow(F, q - 1.0) * dw.squaredNorm() + L * Fq;
        }
    }
    x -= sumDelta / sumH;
}

}  // namespace dais::fl
