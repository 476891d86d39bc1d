#pragma once
// Cross-layer services. Layers never include each other: one layer provides a small interface
// declared in core (ledger_service.h, compute_market.h, secure_aggregation.h, integrity.h,
// proof_service.h, governance.h, update_review.h, payments.h), any other layer uses it. A layer
// lists what it provides and uses in its descriptor; a run whose layer requires a service nobody
// provides is refused before it starts, with a message naming the layers that could provide it.
// Optional services are looked up with find<T>(), which returns nullptr when no layer of the run
// provides them.
//
// Completions are reported through callbacks at simulated times; they run on the simulation's
// thread, inside the kernel's events.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dais::core {

/// Base of every service interface. Each interface has a static `kId`.
class Service {
  public:
    virtual ~Service() = default;
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
