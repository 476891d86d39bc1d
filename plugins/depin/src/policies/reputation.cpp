// reputation: a candidate drawn with probability proportional to its reputation, so trusted
// providers get most of the work and new or penalised ones still get some (a candidate with
// reputation 0 gets none, unless all have 0).
#include "policy.h"

namespace dais::layers::depin {

namespace {
class ReputationPolicy final : public Policy {
  public:
    Pick choose(const JobView&, std::span<const std::uint32_t> candidates, const ProviderTable& p,
                sim::RngStream& rng) const override {
        double total = 0;
        for (std::uint32_t c : candidates)
            total += p.reputation(c);
        if (total <= 0)
            return posted(candidates[static_cast<std::size_t>(rng.below(candidates.size()))], p);
        double u = rng.uniform() * total;
        for (std::uint32_t c : candidates) {
            u -= p.reputation(c);
            if (u < 0) return posted(c, p);
        }
        return posted(candidates.back(), p);
    }
};
}  // namespace

std::unique_ptr<Policy> reputationPolicy() {
    return std::make_unique<ReputationPolicy>();
}

}  // namespace dais::layers::depin
