#include "dais/fl/dp_fedavg.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dais::fl {

namespace {
void checkClipNorm(double clipNorm) {
    if (!(clipNorm > 0.0) || std::isinf(clipNorm))
        throw std::invalid_argument("clip norm must be finite and > 0, got " +
                                    std::to_string(clipNorm));
}
}  // namespace

ClipResult clipUpdate(const Eigen::VectorXd& update, double clipNorm) {
    checkClipNorm(clipNorm);
    if (!update.allFinite()) throw std::invalid_argument("update has a non-finite entry");
    ClipResult out;
    out.norm = update.norm();
    // The plain sum of squares overflows for entries beyond about 1e154; rescale then.
    if (std::isinf(out.norm)) out.norm = update.stableNorm();
    if (out.norm > clipNorm) {
        out.factor = clipNorm / out.norm;
        out.wasClipped = true;
        out.clipped = update * out.factor;
    } else {
        out.clipped = update;
    }
    return out;
}

ClipSummary summarizeClipping(std::span<const double> norms, double clipNorm) {
    checkClipNorm(clipNorm);
    ClipSummary s;
    s.clients = norms.size();
    if (norms.empty()) return s;
    std::vector<double> sorted(norms.begin(), norms.end());
    std::sort(sorted.begin(), sorted.end());
    double total = 0;
    for (double n : sorted) {
        total += n;
        if (n > clipNorm) ++s.clipped;
    }
    const std::size_t m = sorted.size();
    s.clippedFraction = static_cast<double>(s.clipped) / static_cast<double>(m);
    s.meanNorm = total / static_cast<double>(m);
    s.medianNorm = m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
    s.maxNorm = sorted.back();
    return s;
}

DpFedAvg::DpFedAvg(DpFedAvgConfig config) : config_(config) {
    checkClipNorm(config_.clipNorm);
    if (!(config_.noiseMultiplier >= 0.0) || std::isinf(config_.noiseMultiplier))
        throw std::invalid_argument("noise multiplier must be finite and >= 0, got " +
                                    std::to_string(config_.noiseMultiplier));
}

double DpFedAvg::divisor(double expected, std::size_t actual) const {
    return config_.denominator == Denominator::Expected ? expected : static_cast<double>(actual);
}

double DpFedAvg::noiseStddev(double divisor) const {
    if (!(divisor > 0.0) || std::isinf(divisor))
        throw std::invalid_argument("divisor must be finite and > 0, got " +
                                    std::to_string(divisor));
    return config_.noiseMultiplier * config_.clipNorm / divisor;
}

Eigen::VectorXd DpFedAvg::noise(const Eigen::VectorXd& sum, double divisor,
                                sim::RngStream& rng) const {
    noiseStddev(divisor);  // validates the divisor
    const double sigma = config_.noiseMultiplier * config_.clipNorm;
    Eigen::VectorXd out(sum.size());
    for (Eigen::Index i = 0; i < sum.size(); ++i)
        out[i] = sum[i] + (sigma > 0.0 ? rng.normal(0.0, sigma) : 0.0);
    out /= divisor;
    return out;
}

sim::RngStream dpNoiseStream(std::uint64_t seed, std::uint64_t aggregator, std::uint64_t round) {
    return sim::RngStream(seed, "federated", aggregator, "dp-noise/" + std::to_string(round));
}

}  // namespace dais::fl
