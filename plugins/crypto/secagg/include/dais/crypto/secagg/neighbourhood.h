#pragma once
// Who shares keys and masks with whom in secure aggregation.
//
// SecAgg (Bonawitz et al., CCS 2017) pairs every party with every other: each masks its input
// with n - 1 pairwise masks and shares its secrets with all, so a party's work grows with n.
// SecAgg+ (Bell et al., CCS 2020) pairs each party only with its k neighbours in a random
// k-regular graph, a Harary graph H(k, n) over a random ordering of the parties: on a ring of the
// shuffled parties, each is joined to the k / 2 nearest on either side. With k of order log n
// the sum stays private and recoverable with high probability against a bounded share of
// corrupt and dropped parties, at O(log n) work per party.

#include <cstdint>
#include <span>
#include <vector>

#include "dais/crypto/secagg/shamir.h"

namespace dais::crypto::secagg {

/// The neighbours SecAgg+ gives each of n parties when none are asked for: the smallest even k
/// of at least 3 log2 n (k of order log n is what Bell et al. prove enough; the constant is a
/// choice, generous at small n).
std::size_t defaultNeighbours(std::size_t parties);

class Neighbourhood {
  public:
    /// Every party with every other.
    static Neighbourhood complete(std::size_t parties);
    /// A Harary graph of even degree k over a random order of the parties; complete when
    /// k >= parties - 1.
    static Neighbourhood harary(std::size_t parties, std::size_t k, RandomWords& random);

    std::size_t parties() const { return parties_; }
    bool isComplete() const { return complete_; }
    /// The neighbours of `party`, ascending, without the party itself.
    std::vector<std::uint32_t> of(std::uint32_t party) const;
    std::size_t degree() const { return complete_ ? parties_ - 1 : k_; }
    bool adjacent(std::uint32_t a, std::uint32_t b) const;

  private:
    std::size_t parties_ = 0, k_ = 0;
    bool complete_ = true;
    std::vector<std::uint32_t> neighbours_;  // harary: k per party, ascending
};

}  // namespace dais::crypto::secagg
