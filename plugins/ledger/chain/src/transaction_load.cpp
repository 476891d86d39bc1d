// The everyday transactions: a Poisson process of arrivals by fee class, kept as counts and a
// short window of recent arrivals, and the greedy, best-paying-first fill of a block.
#include "dais/ledger/transaction_load.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dais::ledger {

std::uint64_t ClassCounts::total() const {
    return std::accumulate(count.begin(), count.end(), std::uint64_t{0});
}

TransactionLoad::TransactionLoad(Settings settings, sim::RngStream rng)
    : settings_(std::move(settings)), rng_(rng) {
    std::vector<double> shares;
    for (const FeeClass& c : settings_.classes)
        shares.push_back(c.share);
    if (!shares.empty()) classOf_ = sim::CategoricalSampler(shares);
    before_.assign(settings_.classes.size(), 0);
    window_.resize(settings_.classes.size());
    if (settings_.ratePerSecond > 0) {
        meanGapNs_ = 1e9 / settings_.ratePerSecond;
        next_ = static_cast<sim::SimTime>(rng_.exponential(meanGapNs_));
    } else {
        next_ = sim::kTimeNever;
    }
}

void TransactionLoad::advance(sim::SimTime now) {
    while (next_ <= now) {
        window_[classOf_(rng_)].push_back(next_);
        next_ += std::max<sim::SimTime>(1, static_cast<sim::SimTime>(rng_.exponential(meanGapNs_)));
    }
    const sim::SimTime keepFrom = now > settings_.spread ? now - settings_.spread : 0;
    for (std::size_t c = 0; c < window_.size(); ++c)
        while (!window_[c].empty() && window_[c].front() < keepFrom) {
            ++before_[c];
            window_[c].pop_front();
        }
}

std::uint64_t TransactionLoad::arrived(std::size_t c, sim::SimTime t) const {
    const auto& w = window_[c];
    return before_[c] +
           static_cast<std::uint64_t>(std::upper_bound(w.begin(), w.end(), t) - w.begin());
}

ClassCounts TransactionLoad::fill(sim::SimTime horizon, const ClassCounts& taken,
                                  std::uint64_t capacityBytes, std::uint64_t reservedBytes) const {
    ClassCounts take;
    take.count.assign(classes(), 0);
    if (reservedBytes >= capacityBytes || settings_.meanBytes <= 0) return take;
    auto room = static_cast<std::uint64_t>(static_cast<double>(capacityBytes - reservedBytes) /
                                           settings_.meanBytes);
    std::vector<std::size_t> order(classes());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return settings_.classes[a].feeRate > settings_.classes[b].feeRate;
    });
    for (const std::size_t c : order) {
        if (room == 0) break;
        const std::uint64_t have = arrived(c, horizon);
        const std::uint64_t used = c < taken.count.size() ? taken.count[c] : 0;
        const std::uint64_t waiting = have > used ? have - used : 0;
        take.count[c] = std::min(waiting, room);
        room -= take.count[c];
    }
    return take;
}

std::uint64_t TransactionLoad::missing(const ClassCounts& take, const ClassCounts& before,
                                       sim::SimTime producerHorizon,
                                       sim::SimTime receiverHorizon) const {
    if (receiverHorizon >= producerHorizon) return 0;
    double lacking = 0;
    for (std::size_t c = 0; c < take.count.size(); ++c) {
        if (take.count[c] == 0) continue;
        const std::uint64_t atProducer = arrived(c, producerHorizon);
        const std::uint64_t atReceiver = arrived(c, receiverHorizon);
        const std::uint64_t used = c < before.count.size() ? before.count[c] : 0;
        const std::uint64_t waiting = atProducer > used ? atProducer - used : 0;
        if (waiting == 0) continue;
        const double share =
            static_cast<double>(take.count[c]) / static_cast<double>(waiting);  // <= 1
        lacking += static_cast<double>(atProducer - atReceiver) * share;
    }
    return static_cast<std::uint64_t>(std::llround(lacking));
}

}  // namespace dais::ledger
