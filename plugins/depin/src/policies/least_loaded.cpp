// least-loaded: the candidate that would finish the job first on its own processor: the work
// queued or running there plus the job's, over its speed. Sampling a few candidates and taking
// the least loaded ("the power of two choices", M. Mitzenmacher, IEEE TPDS 12(10), 2001) keeps
// queues short at the cost of d looks per job.
#include "policy.h"

namespace dais::layers::depin {

namespace {
class LeastLoadedPolicy final : public Policy {
  public:
    Pick choose(const JobView& job, std::span<const std::uint32_t> candidates,
                const ProviderTable& p, sim::RngStream&) const override {
        return posted(
            lowest(candidates,
                   [&](std::uint32_t c) { return (p.backlog(c) + job.flops) / p.speed(c); }),
            p);
    }
};
}  // namespace

std::unique_ptr<Policy> leastLoadedPolicy() {
    return std::make_unique<LeastLoadedPolicy>();
}

}  // namespace dais::layers::depin
