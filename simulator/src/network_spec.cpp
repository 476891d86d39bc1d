// Definitions for the declarations of network_spec.h.
#include "dais/sim/network_spec.h"

#include <cmath>
#include <limits>

namespace dais::sim {

std::string_view topologyName(TopologySpec::Kind k) {
    switch (k) {
        case TopologySpec::Kind::FullMesh:
            return "full-mesh";
        case TopologySpec::Kind::Star:
            return "star";
        case TopologySpec::Kind::Ring:
            return "ring";
        case TopologySpec::Kind::Tree:
            return "tree";
        case TopologySpec::Kind::ErdosRenyi:
            return "erdos-renyi";
        case TopologySpec::Kind::BarabasiAlbert:
            return "barabasi-albert";
        case TopologySpec::Kind::Waxman:
            return "waxman";
        case TopologySpec::Kind::Regions:
            return "regions";
    }
    return "?";
}

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
