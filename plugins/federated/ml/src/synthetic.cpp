#include "dais/fl/synthetic.h"

#include <algorithm>
#include <cmath>

#include "dais/fl/random.h"

namespace dais::fl {

SyntheticFederated::SyntheticFederated(SyntheticConfig config) : config_(config) {
    if (!(config_.alpha >= 0.0) || !(config_.beta >= 0.0))
        throw DataError("synthetic: alpha and beta must be >= 0");
    if (config_.devices == 0) throw DataError("synthetic: at least one device");
    if (config_.dimension == 0) throw DataError("synthetic: at least one feature");
    if (config_.classes < 2) throw DataError("synthetic: at least two classes");
    if (config_.sizes == SyntheticConfig::Sizes::PowerLaw && !(config_.powerShape > 0.0))
        throw DataError("synthetic: the power-law shape must be > 0");
    if (config_.sizes == SyntheticConfig::Sizes::PowerLaw && config_.minimum == 0)
        throw DataError("synthetic: the power-law minimum must be >= 1");
}

std::size_t SyntheticFederated::deviceSize(std::size_t k) const {
    sim::RngStream rng(config_.seed, kRngLayer, k, "synthetic.size");
    double n = 0;
    if (config_.sizes == SyntheticConfig::Sizes::Lognormal)
        n = std::floor(rng.lognormal(config_.sizeMu, config_.sizeSigma)) +
            static_cast<double>(config_.minimum);
    else
        n = std::floor(rng.pareto(static_cast<double>(config_.minimum), config_.powerShape));
    n = std::min(n, 1e9);
    if (config_.maximum > 0) n = std::min(n, static_cast<double>(config_.maximum));
    return std::max<std::size_t>(1, static_cast<std::size_t>(n));
}

Dataset SyntheticFederated::device(std::size_t k) const {
    const auto d = static_cast<Eigen::Index>(config_.dimension);
    const auto C = static_cast<Eigen::Index>(config_.classes);
    const std::size_t n = deviceSize(k);
    const auto nn = static_cast<Eigen::Index>(n);

    Eigen::MatrixXd W(C, d);
    Eigen::VectorXd b(C), v(d);
    sim::RngStream rng(config_.seed, kRngLayer, k, "synthetic.device");
    if (config_.iid) {
        // One model for all devices, from a stream of its own; inputs centred at 0.
        sim::RngStream global(config_.seed, kRngLayer, 0, "synthetic.global");
        for (Eigen::Index j = 0; j < d; ++j)
            for (Eigen::Index c = 0; c < C; ++c)
                W(c, j) = global.normal(0.0, 1.0);
        for (Eigen::Index c = 0; c < C; ++c)
            b[c] = global.normal(0.0, 1.0);
        v.setZero();
    } else {
        // Li et al.: u_k ~ N(0, alpha), W_k, b_k ~ N(u_k, 1); B_k ~ N(0, beta), v_k ~ N(B_k, 1).
        const double u = rng.normal(0.0, config_.alpha);
        const double B = rng.normal(0.0, config_.beta);
        for (Eigen::Index j = 0; j < d; ++j)
            for (Eigen::Index c = 0; c < C; ++c)
                W(c, j) = rng.normal(u, 1.0);
        for (Eigen::Index c = 0; c < C; ++c)
            b[c] = rng.normal(u, 1.0);
        for (Eigen::Index j = 0; j < d; ++j)
            v[j] = rng.normal(B, 1.0);
    }
    // x ~ N(v_k, Sigma), Sigma diagonal with Sigma_jj = j^-1.2 (j from 1): std j^-0.6.
    Eigen::VectorXd scale(d);
    for (Eigen::Index j = 0; j < d; ++j)
        scale[j] = std::pow(static_cast<double>(j + 1), -0.6);
    Dataset out;
    out.classes = config_.classes;
    out.features.resize(d, nn);
    for (Eigen::Index i = 0; i < nn; ++i)
        for (Eigen::Index j = 0; j < d; ++j)
            out.features(j, i) = v[j] + scale[j] * rng.normal(0.0, 1.0);
    // y = argmax softmax(W x + b) = argmax (W x + b).
    Eigen::MatrixXd logits = W * out.features;
    logits.colwise() += b;
    out.labels.resize(n);
    for (Eigen::Index i = 0; i < nn; ++i) {
        Eigen::Index arg = 0;
        logits.col(i).maxCoeff(&arg);
        out.labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(arg);
    }
    return out;
}

}  // namespace dais::fl
