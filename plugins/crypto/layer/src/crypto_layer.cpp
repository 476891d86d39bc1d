// The privacy layer as the run sees it: it offers the secure-aggregation service, builds it at
// set-up and shows its sessions.
#include <memory>

#include "config.h"
#include "dais/core/services.h"
#include "dais/layers/crypto.h"
#include "secure_aggregation_service.h"

namespace dais::layers::crypto {

namespace {

class CryptoLayer final : public core::Layer {
  public:
    void provideServices(core::ServiceRegistry& services) override {
        services.provide(static_cast<core::SecureAggregator*>(&proxy_),
                         definition().descriptor().id);
    }

    void setup(core::LayerContext& ctx) override {
        cfg_ = definition().read(ctx.params());
        m_ = definition().defineMetrics(ctx);
        proxy_.service = std::make_unique<SecureAggregationService>(ctx, cfg_, m_);
    }

    void inspect(std::string_view table, core::TableWriter& out) override {
        if (table == "crypto.sessions" && proxy_.service) proxy_.service->inspect(out);
    }

  private:
    /// What the registry holds from before set-up: the service, built in setup() (its
    /// sessions open from the run's first event on).
    struct Proxy final : core::SecureAggregator {
        std::unique_ptr<SecureAggregationService> service;
        core::Result<SessionId> open(const Session& s, Collect collect) override {
            if (!service) return core::Error{"the secure-aggregation service is not set up yet"};
            return service->open(s, std::move(collect));
        }
        core::Result<void> submit(SessionId id, sim::NodeIndex party,
                                  std::span<const double> input) override {
            if (!service) return core::Error{"the secure-aggregation service is not set up yet"};
            return service->submit(id, party, input);
        }
        bool close(SessionId id) override { return service && service->close(id); }
    };
    Config cfg_;
    Metrics m_{};
    Proxy proxy_;
};

}  // namespace

core::LayerFactory factory() {
    core::LayerFactory f;
    f.descriptor = definition().descriptor();
    f.create = []() -> std::unique_ptr<core::Layer> { return std::make_unique<CryptoLayer>(); };
    return f;
}

}  // namespace dais::layers::crypto
