#pragma once
// DP-FedAvg with user-level differential privacy (McMahan, Ramage, Talwar and Zhang, "Learning
// Differentially Private Recurrent Language Models", ICLR 2018): each participant's model
// update is clipped to L2 norm at most C (flat clipping); the server adds Gaussian noise
// N(0, (z C)^2 I) to the sum of the clipped updates and divides by the expected number of
// participants q N (the paper's fixed-denominator estimator). One user changes the sum by at
// most C in L2 norm, so with Poisson sampling at rate q a round is one application of the
// Sampled Gaussian Mechanism with noise multiplier z, which RdpAccountant accounts for.
//
// Every draw comes from a counter-based sim::RngStream: the noise of a round is a function of
// the stream's key alone, the same on every machine and under any thread schedule.
// plugins/federated/privacy/README.md explains the mechanism, the accounting and the choices.

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "dais/sim/rng.h"

namespace dais::fl {

/// One update after clipping.
struct ClipResult {
    Eigen::VectorXd clipped;  ///< update * factor
    double norm = 0;          ///< L2 norm of the update before clipping
    double factor = 1;        ///< min(1, C / norm): the scale applied
    bool wasClipped = false;  ///< norm > C
};

/// Flat clipping: scales `update` by min(1, C / ||update||_2). Throws std::invalid_argument if
/// C is not finite and > 0 or the update has a non-finite entry.
ClipResult clipUpdate(const Eigen::VectorXd& update, double clipNorm);

/// A round's clipping, summarised for metrics: how many updates were clipped and how large
/// they were before clipping (so outliers and attackers show).
struct ClipSummary {
    std::size_t clients = 0;
    std::size_t clipped = 0;
    double clippedFraction = 0;  ///< clipped / clients; 0 for no clients
    double meanNorm = 0;
    double medianNorm = 0;  ///< the mean of the two middle norms for an even count
    double maxNorm = 0;
};

/// Summarises the pre-clipping norms of one round's updates against the clip norm C
/// (an update counts as clipped when its norm is strictly above C).
ClipSummary summarizeClipping(std::span<const double> norms, double clipNorm);

/// How the noised sum is turned into an average.
enum class Denominator {
    /// Divide by the expected number of participants q N, a constant that does not depend on
    /// who took part (McMahan et al. 2018's fixed-denominator estimator). The noised average is
    /// then post-processing of the Gaussian mechanism on the sum, which is what the accountant
    /// covers. The default.
    Expected,
    /// Divide by the actual number of participants. The average is less noisy when the count
    /// varies, but the count itself depends on whether a given user took part, so the
    /// accountant's guarantee holds only if that count is treated as public.
    Actual,
};

struct DpFedAvgConfig {
    double clipNorm = 1.0;         ///< C > 0
    double noiseMultiplier = 1.0;  ///< z >= 0; the noise standard deviation on the sum is z C
    Denominator denominator = Denominator::Expected;
};

/// The per-round server side of DP-FedAvg. Stateless apart from its settings, so clip() may be
/// called from several threads at once.
class DpFedAvg {
  public:
    /// Throws std::invalid_argument when C is not finite and > 0 or z is not finite and >= 0.
    explicit DpFedAvg(DpFedAvgConfig config);

    const DpFedAvgConfig& config() const { return config_; }

    /// Clips one participant's update to norm C.
    ClipResult clip(const Eigen::VectorXd& update) const {
        return clipUpdate(update, config_.clipNorm);
    }

    /// The divisor of the round under the configured policy: `expected` (q N) or `actual`.
    double divisor(double expected, std::size_t actual) const;

    /// The noised average (sum + N(0, (z C)^2 I)) / divisor, with the d Gaussian coordinates
    /// drawn in order from `rng` (divisor > 0, typically divisor(q N, participants)).
    Eigen::VectorXd noise(const Eigen::VectorXd& sum, double divisor, sim::RngStream& rng) const;

    /// Standard deviation of each coordinate of the noise in the average: z C / divisor.
    double noiseStddev(double divisor) const;

  private:
    DpFedAvgConfig config_;
};

/// The stream the server of `aggregator` draws round `round`'s noise from, keyed by the run
/// seed: layer "federated", node `aggregator`, purpose "dp-noise/<round>".
sim::RngStream dpNoiseStream(std::uint64_t seed, std::uint64_t aggregator, std::uint64_t round);

}  // namespace dais::fl
