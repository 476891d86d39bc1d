// Definitions for the declarations of network_spec.h.
#include "dais/sim/network_spec.h"

#include <cmath>
#include <limits>

namespace dais::sim {

double Variate::mean() const {
    switch (kind) {
        case Kind::Constant:
            return a;
        case Kind::Uniform:
            return 0.5 * (a + b);
        case Kind::Exponential:
            return a;
        case Kind::Normal:
            return a;
        case Kind::LogNormal:
            return a * std::exp(0.5 * b * b);  // median * e^(sigma^2 / 2)
        case Kind::Pareto:
            return b > 1 ? a * b / (b - 1) : std::numeric_limits<double>::infinity();
    }
    return a;
}

}  // namespace dais::sim
