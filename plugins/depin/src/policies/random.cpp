// random: any candidate, uniformly. With the order book and identical providers the market is
// then an M/M/c queue; as a dispatcher to providers' own queues it is the baseline the others
// must beat.
#include "policy.h"

namespace dais::layers::depin {

namespace {
class RandomPolicy final : public Policy {
  public:
    Pick choose(const JobView&, std::span<const std::uint32_t> candidates, const ProviderTable& p,
                sim::RngStream& rng) const override {
        return posted(candidates[static_cast<std::size_t>(rng.below(candidates.size()))], p);
    }
};
}  // namespace

std::unique_ptr<Policy> randomPolicy() {
    return std::make_unique<RandomPolicy>();
}

}  // namespace dais::layers::depin
