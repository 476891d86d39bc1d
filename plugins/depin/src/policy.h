#pragma once
// How the market picks a provider for a job: one interface, one file per policy (policies/).
// The market hands a policy the candidates (the free providers when jobs wait in the order book;
// every provider that is up when each provider keeps its own queue), or a uniform sample of
// `candidates` of them in a large market, and the policy names the one the job goes to. A
// researcher adds a policy with one file and one line in makePolicy().
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "dais/sim/network.h"
#include "dais/sim/rng.h"

namespace dais::layers::depin {

/// What providers of one class share: a group of identical providers is one class, so a large
/// market keeps a class index per provider and no copy of its figures.
struct ProviderClass {
    double speed = 0;            // FLOP/s of the processor it sells (sustained)
    double price = 0;            // tokens per hour of that processor
    double cost = 0;             // its own mean cost per hour (auctions, and whether it stays)
    double memoryGb = 0;         // on that processor (0: not declared, any job fits)
    std::int32_t hardware = -1;  // its catalogue class, or -1: the node's own resources
    bool gpu = false;
    friend bool operator==(const ProviderClass&, const ProviderClass&) = default;
};

/// What a policy may read of the providers, by provider index (flat arrays of the market).
struct ProviderTable {
    const std::vector<sim::NodeIndex>* nodes = nullptr;
    const std::vector<std::uint32_t>* classOf = nullptr;
    const std::vector<ProviderClass>* classes = nullptr;
    const std::vector<float>* reputations = nullptr;  // 0..1
    const std::vector<double>* backlogs = nullptr;    // FLOPs queued or running on it now
    const sim::Network* network = nullptr;

    sim::NodeIndex node(std::uint32_t p) const { return (*nodes)[p]; }
    const ProviderClass& of(std::uint32_t p) const { return (*classes)[(*classOf)[p]]; }
    double speed(std::uint32_t p) const { return of(p).speed; }
    double price(std::uint32_t p) const { return of(p).price; }
    double cost(std::uint32_t p) const { return of(p).cost; }
    double reputation(std::uint32_t p) const { return (*reputations)[p]; }
    double backlog(std::uint32_t p) const { return (*backlogs)[p]; }
};

/// The job being placed.
struct JobView {
    sim::NodeIndex client = 0;
    double flops = 0;
};

/// Where a job goes, and the price per hour it pays there.
struct Pick {
    std::uint32_t provider = 0;
    double pricePerHour = 0;
};

class Policy {
  public:
    virtual ~Policy() = default;
    /// The provider (one of `candidates`, which is never empty) the job goes to, at its posted
    /// price or at the price an auction sets.
    virtual Pick choose(const JobView& job, std::span<const std::uint32_t> candidates,
                        const ProviderTable& providers, sim::RngStream& rng) const = 0;
};

/// A provider at its posted price.
inline Pick posted(std::uint32_t provider, const ProviderTable& providers) {
    return Pick{provider, providers.price(provider)};
}

enum class PolicyKind {
    Random,
    Cheapest,
    Nearest,
    LeastLoaded,
    Reputation,
    AuctionFirst,
    AuctionSecond
};

std::unique_ptr<Policy> randomPolicy();
std::unique_ptr<Policy> cheapestPolicy();
std::unique_ptr<Policy> nearestPolicy();
std::unique_ptr<Policy> leastLoadedPolicy();
std::unique_ptr<Policy> reputationPolicy();
/// Sealed-bid reverse auctions among the candidates; each bidder's cost for the job is its mean
/// cost times a uniform draw in [1 - variation, 1 + variation].
std::unique_ptr<Policy> firstPriceAuction(double variation);
std::unique_ptr<Policy> secondPriceAuction(double variation);

inline std::unique_ptr<Policy> makePolicy(PolicyKind kind, double costVariation) {
    switch (kind) {
        case PolicyKind::AuctionFirst:
            return firstPriceAuction(costVariation);
        case PolicyKind::AuctionSecond:
            return secondPriceAuction(costVariation);
        case PolicyKind::Cheapest:
            return cheapestPolicy();
        case PolicyKind::Nearest:
            return nearestPolicy();
        case PolicyKind::LeastLoaded:
            return leastLoadedPolicy();
        case PolicyKind::Reputation:
            return reputationPolicy();
        case PolicyKind::Random:
            break;
    }
    return randomPolicy();
}

/// The candidate with the lowest score(provider); ties go to the earlier candidate.
template <class Score>
std::uint32_t lowest(std::span<const std::uint32_t> candidates, Score score) {
    std::uint32_t best = candidates[0];
    double bestScore = score(best);
    for (std::size_t i = 1; i < candidates.size(); ++i) {
        const double s = score(candidates[i]);
        if (s < bestScore) {
            bestScore = s;
            best = candidates[i];
        }
    }
    return best;
}

}  // namespace dais::layers::depin
