#include "dais/fl/random.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace dais::fl {

double logGamma01(sim::RngStream& rng, double shape) {
    assert(shape > 0);
    if (shape < 1.0) {
        // G(a) = G(a + 1) * U^(1/a): in logs, log G(a + 1) + log(U) / a, finite for any a > 0.
        return logGamma01(rng, shape + 1.0) + std::log(rng.uniformPositive()) / shape;
    }
    // Marsaglia and Tsang (2000), "A simple method for generating gamma variables".
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        const double x = rng.normal(0.0, 1.0);
        const double t = 1.0 + c * x;
        if (t <= 0.0) continue;
        const double v = t * t * t;
        const double logU = std::log(rng.uniformPositive());
        if (logU < 0.5 * x * x + d - d * v + d * std::log(v)) return std::log(d) + std::log(v);
    }
}

void dirichlet(sim::RngStream& rng, std::span<const double> concentration, std::span<double> out) {
    assert(concentration.size() == out.size() && !out.empty());
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = logGamma01(rng, concentration[i]);
        top = std::max(top, out[i]);
    }
    double sum = 0;
    for (double& x : out) {
        x = std::exp(x - top);
        sum += x;
    }
    for (double& x : out)
        x /= sum;
}

}  // namespace dais::fl
