// Complete graphs and shuffled Harary graphs.
#include "dais/crypto/secagg/neighbourhood.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dais::crypto::secagg {

std::size_t defaultNeighbours(std::size_t parties) {
    const double n = std::max(2.0, static_cast<double>(parties));
    return 2 * static_cast<std::size_t>(std::ceil(1.5 * std::log2(n)));
}

Neighbourhood Neighbourhood::complete(std::size_t parties) {
    Neighbourhood g;
    g.parties_ = parties;
    g.k_ = parties == 0 ? 0 : parties - 1;
    g.complete_ = true;
    return g;
}

Neighbourhood Neighbourhood::harary(std::size_t parties, std::size_t k, RandomWords& random) {
    if (parties == 0 || k + 1 >= parties) return complete(parties);
    Neighbourhood g;
    g.parties_ = parties;
    g.k_ = k - (k % 2);  // even: k / 2 on either side
    if (g.k_ == 0) g.k_ = 2;
    g.complete_ = false;
    std::vector<std::uint32_t> order(parties);
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = parties - 1; i > 0; --i)  // Fisher-Yates
        std::swap(order[i], order[random.next() % (i + 1)]);
    g.neighbours_.assign(parties * g.k_, 0);
    const std::size_t half = g.k_ / 2;
    for (std::size_t pos = 0; pos < parties; ++pos) {
        const std::uint32_t party = order[pos];
        std::uint32_t* out = &g.neighbours_[party * g.k_];
        std::size_t w = 0;
        for (std::size_t d = 1; d <= half; ++d) {
            out[w++] = order[(pos + d) % parties];
            out[w++] = order[(pos + parties - d) % parties];
        }
        std::sort(out, out + g.k_);
    }
    return g;
}

std::vector<std::uint32_t> Neighbourhood::of(std::uint32_t party) const {
    std::vector<std::uint32_t> out;
    if (party >= parties_) return out;
    if (complete_) {
        out.reserve(parties_ - 1);
        for (std::uint32_t v = 0; v < parties_; ++v)
            if (v != party) out.push_back(v);
        return out;
    }
    out.assign(neighbours_.begin() + static_cast<std::ptrdiff_t>(party * k_),
               neighbours_.begin() + static_cast<std::ptrdiff_t>((party + 1) * k_));
    return out;
}

bool Neighbourhood::adjacent(std::uint32_t a, std::uint32_t b) const {
    if (a == b || a >= parties_ || b >= parties_) return false;
    if (complete_) return true;
    const auto first = neighbours_.begin() + static_cast<std::ptrdiff_t>(a * k_);
    return std::binary_search(first, first + static_cast<std::ptrdiff_t>(k_), b);
}

}  // namespace dais::crypto::secagg
