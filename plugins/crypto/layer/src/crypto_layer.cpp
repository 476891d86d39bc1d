// The privacy layer as the run sees it: it offers the secure-aggregation, integrity and proof
// services, builds them and the layer's own workloads (encrypted inference, joint training by
// SMPC) at set-up, starts the workloads, and shows its sessions and its threat view.
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "config.h"
#include "dais/core/services.h"
#include "dais/crypto/fhe_security.h"
#include "dais/layers/crypto.h"
#include "fhe_inference.h"
#include "integrity_service.h"
#include "proof_service.h"
#include "secure_aggregation_service.h"
#include "smpc_training.h"
#include "threat_view.h"

namespace dais::layers::crypto {

namespace {

namespace costs = dais::crypto;

/// "60,40,60" as numbers; false on anything else.
bool parseList(const std::string& text, std::vector<std::int64_t>& out) {
    out.clear();
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        char* end = nullptr;
        const long long v = std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || end == item.c_str() || *end != '\0' || v <= 0) return false;
        out.push_back(v);
    }
    return !out.empty();
}

class CryptoLayer final : public core::Layer {
  public:
    void provideServices(core::ServiceRegistry& services, const core::LayerContext&) override {
        services.provide(static_cast<core::SecureAggregator*>(&proxy_),
                         definition().descriptor().id);
        services.provide(static_cast<core::IntegrityService*>(&integrity_),
                         definition().descriptor().id);
        services.provide(static_cast<core::ProofService*>(&proofs_), definition().descriptor().id);
    }

    void setup(core::LayerContext& ctx) override {
        cfg_ = definition().read(ctx.params());
        m_ = definition().defineMetrics(ctx);
        // The integrity and proof services keep no events: their keys come from the run seed.
        integrity_.configure(ctx.simulation(), ctx.network().nodeCount(), cfg_);
        proofs_.configure(ctx.simulation().seed(), ctx.network().nodeCount(), cfg_);
        runtime_ = std::make_unique<core::SimNodeRuntime>(ctx);
        proxy_.service = std::make_unique<SecureAggregationService>(ctx, *runtime_, cfg_, m_);
        if (cfg_.fheRate > 0) setupInference(ctx);
        if (!cfg_.smpcRole.empty()) setupSmpc(ctx);
    }

    void start(core::LayerContext&) override {
        if (fhe_) fhe_->begin();
        if (smpc_) smpc_->begin();
    }

    void inspect(std::string_view table, core::TableWriter& out) override {
        if (!proxy_.service) return;
        if (table == "crypto.sessions") proxy_.service->inspect(out);
        if (table == "crypto.threats") {
            ThreatFacts f = proxy_.service->threatFacts();
            f.encryptedInference = fhe_ != nullptr;
            f.fheSecurityBits = static_cast<int>(cfg_.fheSecurity);
            f.smpcParties = smpc_ ? smpc_->parties() : 0;
            f.smpcMacs = cfg_.smpcSecurity == costs::SmpcSecurity::MaliciousSpdz;
            writeThreats(f, out);
        }
    }

  private:
    void setupInference(core::LayerContext& ctx) {
        FheInference::Settings s;
        s.clients = ctx.nodesWithRole(cfg_.fheClientRole);
        s.providers = ctx.nodesWithRole(cfg_.fheProviderRole);
        if (s.clients.empty())
            ctx.failParam("fhe_client_role", "no node has the role \"" + cfg_.fheClientRole + "\"");
        if (s.providers.empty())
            ctx.failParam("fhe_provider_role",
                          "no node has the role \"" + cfg_.fheProviderRole + "\"");
        std::vector<std::int64_t> widths, primes;
        if (!parseList(cfg_.fheModel, widths) || widths.size() < 2)
            ctx.failParam("fhe_model",
                          "expected two or more layer widths, comma-separated "
                          "(\"64,32,10\"), got \"" +
                              cfg_.fheModel + "\"");
        auto model = costs::denseNetwork(widths, cfg_.fheActivation,
                                         cfg_.fheActivation == costs::Activation::Polynomial
                                             ? static_cast<int>(cfg_.fheDegree)
                                             : 0);
        if (!model) ctx.failParam("fhe_model", model.error().message);
        if (!parseList(cfg_.fheModulus, primes))
            ctx.failParam("fhe_modulus",
                          "expected prime bit sizes, comma-separated "
                          "(\"60,40,40,60\"), got \"" +
                              cfg_.fheModulus + "\"");
        s.model = model.value();
        s.parameters.scheme = cfg_.fheScheme;
        s.parameters.ringDimension = static_cast<std::uint32_t>(cfg_.fheRingDimension);
        for (const std::int64_t b : primes)
            s.parameters.modulusBits.push_back(static_cast<int>(b));
        s.parameters.scaleBits = static_cast<int>(cfg_.fheScaleBits);
        if (cfg_.fheScheme == costs::FheScheme::Bfv)
            s.parameters.plaintextModulus = static_cast<std::uint64_t>(cfg_.fhePlainModulus);
        if (auto ok = costs::validate(s.parameters); !ok)
            ctx.failParam("fhe_modulus", ok.error().message);
        if (auto secure = costs::checkSecurity(s.parameters, cfg_.fheSecurity); !secure)
            ctx.failParam("fhe_modulus", secure.error().message);
        s.options.security = cfg_.fheSecurity;
        s.options.allowBootstrapping = cfg_.fheBootstrap;
        s.options.babyStepGiantStep = cfg_.fheBabySteps;
        s.options.costs.nttSecondsPerNLogN = cfg_.fheNttSeconds;
        s.options.costs.productSecondsPerCoefficient = cfg_.fheProductSeconds;
        s.options.costs.bootstrapSeconds = cfg_.fheBootstrapSeconds;
        s.rate = cfg_.fheRate;
        s.start = cfg_.fheStart;
        s.stop = cfg_.fheStop;
        s.referenceFlops = cfg_.referenceGflops * 1e9;
        FheInference::Handles h{m_.fheRequests,
                                m_.fheDone,
                                m_.fheLatency,
                                m_.fheProviderTime,
                                m_.fheBytes,
                                m_.fheKeyBytes,
                                m_.fheSlowdown,
                                ctx.nodeState("encrypting"),
                                ctx.nodeState("evaluating encrypted")};
        auto made = FheInference::make(*runtime_, ctx.simulation(), ctx.display(),
                                       ctx.rng(0, "fhe"), std::move(s), h);
        if (!made) ctx.failParam("fhe_model", made.error().message);
        fhe_ = std::move(made.value());
    }

    void setupSmpc(core::LayerContext& ctx) {
        SmpcTraining::Settings s;
        s.parties = ctx.nodesWithRole(cfg_.smpcRole);
        if (s.parties.size() < 2)
            ctx.failParam("smpc_role", "SMPC needs two parties or more; " +
                                           std::to_string(s.parties.size()) +
                                           " node(s) have the role \"" + cfg_.smpcRole + "\"");
        s.problem.samples = cfg_.smpcSamples;
        s.problem.features = cfg_.smpcFeatures;
        s.problem.split = cfg_.smpcSplit;
        s.problem.regression = cfg_.smpcRegression;
        s.problem.sigmoidDegree = static_cast<int>(cfg_.smpcSigmoidDegree);
        s.problem.batchSize = cfg_.smpcBatch;
        s.problem.epochs = static_cast<int>(cfg_.smpcEpochs);
        s.setup.fieldBits = static_cast<int>(cfg_.smpcFieldBits);
        s.setup.security = cfg_.smpcSecurity;
        s.setup.pattern = cfg_.smpcOpening;
        s.start = cfg_.smpcStart;
        s.secondsPerOperation = cfg_.costFieldOperation;
        s.constants.secondsPerTripleTwoParties = cfg_.smpcTripleSeconds;
        s.referenceFlops = cfg_.referenceGflops * 1e9;
        SmpcTraining::Handles h{m_.smpcTime,
                                m_.smpcOnlineTime,
                                m_.smpcOfflineTime,
                                m_.smpcBytes,
                                m_.smpcRounds,
                                m_.smpcFinished,
                                ctx.nodeState("preprocessing"),
                                ctx.nodeState("computing jointly"),
                                ctx.nodeState("waiting for shares")};
        auto made = SmpcTraining::make(*runtime_, ctx.simulation(), ctx.display(), std::move(s), h);
        if (!made) ctx.failParam("smpc_role", made.error().message);
        smpc_ = std::move(made.value());
    }

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
    std::unique_ptr<core::SimNodeRuntime> runtime_;
    Proxy proxy_;
    IntegrityService integrity_;
    ProofService proofs_;
    std::unique_ptr<FheInference> fhe_;
    std::unique_ptr<SmpcTraining> smpc_;
};

}  // namespace

core::LayerFactory factory() {
    core::LayerFactory f;
    f.descriptor = definition().descriptor();
    f.create = []() -> std::unique_ptr<core::Layer> { return std::make_unique<CryptoLayer>(); };
    return f;
}

}  // namespace dais::layers::crypto
