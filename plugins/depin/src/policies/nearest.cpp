// nearest: the candidate closest to the job's client by the network's coordinates (km), the
// proxy edge simulators use for the lowest propagation latency; the edge site next door wins
// over the data centre a continent away, however busy it is.
#include <cmath>

#include "policy.h"

namespace dais::layers::depin {

namespace {
class NearestPolicy final : public Policy {
  public:
    Pick choose(const JobView& job, std::span<const std::uint32_t> candidates,
                const ProviderTable& p, sim::RngStream&) const override {
        const sim::Network& net = *p.network;
        const double x = net.x(job.client), y = net.y(job.client);
        return posted(lowest(candidates,
                             [&](std::uint32_t c) {
                                 const sim::NodeIndex n = p.node(c);
                                 return std::hypot(net.x(n) - x, net.y(n) - y);
                             }),
                      p);
    }
};
}  // namespace

std::unique_ptr<Policy> nearestPolicy() {
    return std::make_unique<NearestPolicy>();
}

}  // namespace dais::layers::depin
