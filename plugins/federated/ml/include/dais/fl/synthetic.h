#pragma once
// The Synthetic(alpha, beta) federated data of Li et al. (FedProx, MLSys 2020, section 5.1),
// and its IID variant. Every device is generated on demand from its own random stream, so a
// federation of 100,000 devices costs nothing until a device is asked for, and device k is the
// same whichever devices were generated before it and on whichever thread.

#include <cstddef>
#include <cstdint>

#include "dais/fl/dataset.h"

namespace dais::fl {

struct SyntheticConfig {
    double alpha = 1.0;  ///< spread of the device models: u_k ~ N(0, alpha^2)
    double beta = 1.0;   ///< spread of the device inputs: B_k ~ N(0, beta^2)
    bool iid = false;    ///< Synthetic IID: one W, b for all devices, x ~ N(0, Sigma)
    std::size_t devices = 30;
    std::size_t dimension = 60;
    std::size_t classes = 10;
    std::uint64_t seed = 1;
    /// Device sizes. Lognormal: floor(exp(N(mu, sigma))) + minimum, the generator the
    /// authors released (mu 4, sigma 2, minimum 50). PowerLaw: floor(Pareto(minimum, shape)).
    enum class Sizes { Lognormal, PowerLaw } sizes = Sizes::Lognormal;
    double sizeMu = 4.0, sizeSigma = 2.0;
    double powerShape = 1.5;
    std::size_t minimum = 50;
    std::size_t maximum = 0;  ///< cap on a device's size (0: none)
};

class SyntheticFederated {
  public:
    /// Throws DataError for negative alpha or beta, zero devices, dimension or fewer than two
    /// classes, or a non-positive power-law shape.
    explicit SyntheticFederated(SyntheticConfig config);

    const SyntheticConfig& config() const { return config_; }
    std::size_t devices() const { return config_.devices; }
    /// Samples of device k, from its own stream, O(1).
    std::size_t deviceSize(std::size_t k) const;
    /// Device k's samples (dimension x size, labels in [0, classes)).
    Dataset device(std::size_t k) const;

  private:
    SyntheticConfig config_;
};

}  // namespace dais::fl
