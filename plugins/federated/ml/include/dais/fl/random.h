#pragma once
// Random draws the federated-learning core needs beyond the simulator's streams: gamma and
// Dirichlet variates and shuffles. Every draw comes from a sim::RngStream, so a result depends
// only on the stream's key and position, never on the machine or on thread scheduling.

#include <cstdint>
#include <span>

#include "dais/sim/rng.h"

namespace dais::fl {

/// The layer name under which this library keys its streams: sim::RngStream(seed, kRngLayer,
/// node, purpose).
inline constexpr std::string_view kRngLayer = "fl";

/// log of a Gamma(shape, 1) variate, shape > 0 (Marsaglia and Tsang 2000, with the boost
/// G(a) = G(a + 1) U^(1/a) for a < 1 taken in logs, so tiny shapes never underflow to 0).
double logGamma01(sim::RngStream& rng, double shape);

/// A Dirichlet(concentration) vector written into `out` (same size), summing to 1. Drawn as
/// normalised gammas, in logs with a log-sum-exp, so concentrations as small as 1e-3 still give
/// a valid point of the simplex.
void dirichlet(sim::RngStream& rng, std::span<const double> concentration, std::span<double> out);

/// A uniform random permutation of `values` in place (Fisher and Yates, Durstenfeld's form).
template <class T>
void shuffle(sim::RngStream& rng, std::span<T> values) {
    for (std::size_t i = values.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng.below(i));
        std::swap(values[i - 1], values[j]);
    }
}

}  // namespace dais::fl
