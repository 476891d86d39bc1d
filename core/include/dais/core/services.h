#pragma once
// Cross-layer services. Layers never include each other: one layer provides a small interface
// declared here (a ledger that records a hash, a compute market that runs a job, a secure
// aggregator), any other layer uses it. A layer lists what it provides and uses in its
// descriptor; a run whose layer requires a service nobody provides is refused before it starts,
// with a message naming the layers that could provide it. Optional services are looked up with
// find<T>(), which returns nullptr when no layer of the run provides them.
//
// Completions are reported through callbacks at simulated times; they run on the simulation's
// thread, inside the kernel's events.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

/// Base of every service interface. Each interface has a static `kId`.
class Service {
  public:
    virtual ~Service() = default;
};

/// A 32-byte digest (SHA-256, BLAKE2b-256...) as layers hand them to a ledger.
using Digest = std::array<std::uint8_t, 32>;

/// Records digests on a ledger. "ledger".
class LedgerService : public Service {
  public:
    static constexpr std::string_view kId = "ledger";
    struct Receipt {
        bool committed = false;        ///< false: dropped (e.g. the submitter is partitioned)
        std::uint64_t height = 0;      ///< block that holds the record
        sim::SimTime committedAt = 0;  ///< simulated time of the commit
    };
    /// Submits `digest` under `topic` ("fl.round") from node `from`; `done` gets the receipt
    /// once the record is final (or dropped).
    virtual void record(sim::NodeIndex from, std::string_view topic, const Digest& digest,
                        std::function<void(const Receipt&)> done) = 0;
};

/// Runs compute jobs on providers of a market. "compute-market".
class ComputeMarket : public Service {
  public:
    static constexpr std::string_view kId = "compute-market";
    struct Job {
        sim::NodeIndex submitter = 0;
        double flops = 0;               ///< work to do
        std::uint64_t inputBytes = 0;   ///< sent from the submitter to the provider
        std::uint64_t outputBytes = 0;  ///< sent back
        sim::SimTime deadline = sim::kTimeNever;
        double maxPrice = 0;  ///< in the market's token; 0 = any price
    };
    struct Outcome {
        bool done = false;  ///< false: no provider, deadline missed or provider failed
        sim::NodeIndex provider = 0;
        sim::SimTime finishedAt = 0;
        double price = 0;
        std::string reason;  ///< why not done
    };
    virtual void submit(const Job& job, std::function<void(const Outcome&)> done) = 0;
};

/// Sums vectors from many parties without revealing any single one. "secure-aggregation".
class SecureAggregator : public Service {
  public:
    static constexpr std::string_view kId = "secure-aggregation";
    struct Round {
        sim::NodeIndex server = 0;
        std::vector<sim::NodeIndex> parties;
        std::vector<std::span<const double>> inputs;  ///< one vector per party, equal lengths
    };
    struct Result {
        std::vector<double> sum;              ///< over the parties that completed
        std::vector<sim::NodeIndex> dropped;  ///< parties whose input is not in the sum
        sim::SimTime finishedAt = 0;
        std::uint64_t bytesPerParty = 0;  ///< protocol overhead on the wire
    };
    virtual void aggregate(Round round, std::function<void(const Result&)> done) = 0;
};

/// Whether core provides `id` itself when no layer of a run does: "payments" (InstantPayments,
/// settled at once), so a layer may require it without naming a provider.
bool providedByCore(std::string_view id);

/// The services of one run: which layer provides each.
class ServiceRegistry {
  public:
    /// Called by a provider from Layer::provideServices. A service id may have several
    /// providers (a scenario with two compute markets, two chains), each a different layer;
    /// returns false (and changes nothing) for a null service or a layer that already provides
    /// that id.
    bool provide(std::string_view id, Service* service, std::string_view providerLayer);
    template <class S>
    bool provide(S* service, std::string_view providerLayer) {
        return provide(S::kId, service, providerLayer);
    }
    /// The service, or nullptr when no layer of the run provides it; with several providers,
    /// the first to offer it (layers offer in the scenario's order).
    template <class S>
    S* find() const {
        return dynamic_cast<S*>(find(S::kId));
    }
    Service* find(std::string_view id) const;
    /// The service as one layer provides it (a consumer that lets the scenario choose between
    /// providers, by a parameter naming the layer), or nullptr.
    template <class S>
    S* find(std::string_view providerLayer) const {
        return dynamic_cast<S*>(find(S::kId, providerLayer));
    }
    Service* find(std::string_view id, std::string_view providerLayer) const;
    /// The layers that provide a service, in the order they offered it.
    std::vector<std::string> providers(std::string_view id) const;
    /// The (first) layer that provides a service, or an empty string.
    std::string providerOf(std::string_view id) const;

  private:
    struct Entry {
        Service* service;
        std::string provider;
    };
    std::map<std::string, std::vector<Entry>, std::less<>> entries_;
};

}  // namespace dais::core
