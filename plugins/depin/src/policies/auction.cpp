// auction-first, auction-second: a sealed-bid reverse auction among the candidates, as GPU
// marketplaces match an order to bids before a lease. Each candidate's cost of running this job,
// per hour, is private: its mean cost (the `cost` attribute) times a uniform draw in
// [1 - v, 1 + v] (`cost_variation`: power, wear, what else it could run); it bids for the whole
// job, that times the hours its processor needs. The lowest bid wins.
//
// Second price (W. Vickrey, "Counterspeculation, auctions, and competitive sealed tenders",
// Journal of Finance 16(1), 1961): each bids its cost, which is a dominant strategy, and the
// winner is paid the second-lowest bid (its own when it bids alone). First price: the winner is
// paid its own bid, and each bids the symmetric Bayes-Nash equilibrium for n bidders whose costs
// are uniform on [L, H], b(c) = c + (H - c) / n (the mirror of the first-price auction's
// b(v) = v - (v - L) / n; V. Krishna, Auction Theory, 2nd ed., 2010, chapter 2). With identical
// cost distributions both pay, on average, the expected second-lowest cost L + 2 (H - L) / (n + 1)
// (revenue equivalence); the first price varies less.
#include <limits>

#include "policy.h"

namespace dais::layers::depin {

namespace {
class ReverseAuction final : public Policy {
  public:
    ReverseAuction(double variation, bool secondPrice)
        : variation_(variation), secondPrice_(secondPrice) {}

    Pick choose(const JobView& job, std::span<const std::uint32_t> candidates,
                const ProviderTable& p, sim::RngStream& rng) const override {
        // Each bidder bids for the whole job: its cost per hour times the hours its processor
        // needs, so a fast provider can win with a dearer hour. The winner is paid its own bid or
        // the second-lowest, turned back into a price per hour of its own processor.
        const auto n = static_cast<double>(candidates.size());
        double best = std::numeric_limits<double>::infinity(), next = best;
        std::uint32_t winner = candidates[0];
        for (std::uint32_t c : candidates) {
            const double mean = p.cost(c);
            const double low = mean * (1 - variation_), high = mean * (1 + variation_);
            const double cost = low + (high - low) * rng.uniform();
            const double hours = job.flops / p.speed(c) / 3600.0;
            const double bid = (secondPrice_ ? cost : cost + (high - cost) / n) * hours;
            if (bid < best) {
                next = best;
                best = bid;
                winner = c;
            } else if (bid < next) {
                next = bid;
            }
        }
        const double paid = secondPrice_ && candidates.size() > 1 ? next : best;
        return Pick{winner, paid / (job.flops / p.speed(winner) / 3600.0)};
    }

  private:
    double variation_;
    bool secondPrice_;
};
}  // namespace

std::unique_ptr<Policy> firstPriceAuction(double variation) {
    return std::make_unique<ReverseAuction>(variation, false);
}
std::unique_ptr<Policy> secondPriceAuction(double variation) {
    return std::make_unique<ReverseAuction>(variation, true);
}

}  // namespace dais::layers::depin
