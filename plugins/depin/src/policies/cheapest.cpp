// cheapest: the candidate that charges least for this job: its price per hour times the hours
// its processor needs for the job's work.
#include "policy.h"

namespace dais::layers::depin {

namespace {
class CheapestPolicy final : public Policy {
  public:
    Pick choose(const JobView& job, std::span<const std::uint32_t> candidates,
                const ProviderTable& p, sim::RngStream&) const override {
        return posted(
            lowest(candidates,
                   [&](std::uint32_t c) { return p.price(c) * job.flops / p.speed(c) / 3600.0; }),
            p);
    }
};
}  // namespace

std::unique_ptr<Policy> cheapestPolicy() {
    return std::make_unique<CheapestPolicy>();
}

}  // namespace dais::layers::depin
