#include "dais/sim/rng.h"

#include <cassert>
#include <cmath>

namespace dais::sim {

double RngStream::normal(double mean, double stddev) {
    // Marsaglia's polar method: exact, and only log/sqrt (no trigonometry).
    for (;;) {
        const double u = 2.0 * uniform() - 1.0;
        const double v = 2.0 * uniform() - 1.0;
        const double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return mean + stddev * u * std::sqrt(-2.0 * std::log(s) / s);
    }
}

CategoricalSampler::CategoricalSampler(std::span<const double> weights) {
    const std::size_t n = weights.size();
    assert(n > 0);
    double total = 0;
    for (double w : weights)
        total += w;
    assert(total > 0);
    prob_.assign(n, 0.0);
    alias_.assign(n, 0);
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
        scaled[i] = weights[i] * static_cast<double>(n) / total;
        (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
        const std::uint32_t s = small.back(), l = large.back();
        small.pop_back();
        prob_[s] = scaled[s];
        alias_[s] = l;
        scaled[l] = (scaled[l] + scaled[s]) - 1.0;
        if (scaled[l] < 1.0) {
            large.pop_back();
            small.push_back(l);
        }
    }
    for (std::uint32_t i : large)
        prob_[i] = 1.0;
    for (std::uint32_t i : small)
        prob_[i] = 1.0;  // rounding leftovers
}

std::size_t CategoricalSampler::operator()(RngStream& rng) const {
    const std::size_t i = rng.below(prob_.size());
    return rng.uniform() < prob_[i] ? i : alias_[i];
}

// Rejection-inversion for Zipf (W. Hormann, G. Derflinger, "Rejection-inversion to generate
// variates from monotone discrete distributions", ACM TOMACS 6(3), 1996). h is an integral of
// the hat function x^-s; helper functions keep precision near s = 1.
namespace {
double helper1(double x) {  // log(1 + x) / x
    return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double helper2(double x) {  // (exp(x) - 1) / x
    return std::abs(x) > 1e-8 ? std::expm1(x) / x
                              : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}
}  // namespace

ZipfSampler::ZipfSampler(std::uint64_t n, double s) : n_(n), s_(s) {
    assert(n >= 1 && s > 0);
    hX1_ = h(1.5) - 1.0;
    hN_ = h(static_cast<double>(n) + 0.5);
    threshold_ = 2.0 - hInverse(h(2.5) - std::exp(-s * std::log(2.0)));
}

double ZipfSampler::h(double x) const {
    const double lx = std::log(x);
    return helper2((1.0 - s_) * lx) * lx;
}

double ZipfSampler::hInverse(double x) const {
    double t = x * (1.0 - s_);
    if (t < -1.0) t = -1.0;  // guards rounding at the edge of the domain
    return std::exp(helper1(t) * x);
}

std::uint64_t ZipfSampler::operator()(RngStream& rng) const {
    for (;;) {
        const double u = hN_ + rng.uniform() * (hX1_ - hN_);
        const double x = hInverse(u);
        double k = std::floor(x + 0.5);
        if (k < 1) k = 1;
        if (k > static_cast<double>(n_)) k = static_cast<double>(n_);
        if (k - x <= threshold_ || u >= h(k + 0.5) - std::exp(-s_ * std::log(k)))
            return static_cast<std::uint64_t>(k);
    }
}

}  // namespace dais::sim
