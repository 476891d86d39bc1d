#pragma once
// A layer for the ledger suites that reads a ledger as the run ends: the final records of one
// topic (the federated rounds unless told otherwise), and how many of their receipts verify.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/layer.h"
#include "dais/core/ledger_service.h"

namespace ledgertest {

class AuditorLayer final : public dais::core::Layer {
  public:
    static inline std::string topic = "federated.round";
    static inline std::vector<dais::core::LedgerService::Entry> rounds;
    static inline int verified = 0;

    static dais::core::LayerFactory factory() {
        dais::core::LayerDescriptor d;
        d.id = "auditor";
        d.name = "Auditor";
        d.version = "0.1.0";
        d.summary = "Reads a ledger's records of one topic as the run ends; for tests.";
        d.uses = {{std::string(dais::core::LedgerService::kId), true, "it reads the records"}};
        return {d, [] { return std::unique_ptr<dais::core::Layer>(new AuditorLayer()); }};
    }
    void setup(dais::core::LayerContext& ctx) override {
        ledger_ = ctx.services().find<dais::core::LedgerService>();
        rounds.clear();
        verified = 0;
    }
    void finish(dais::core::LayerContext&) override {
        dais::core::LedgerService::Query q;
        q.topic = topic;
        rounds = ledger_->query(q);
        for (const auto& e : rounds)
            verified += ledger_->verify(e.tx, e.receipt);
    }

  private:
    dais::core::LedgerService* ledger_ = nullptr;
};

/// A federated run of six rounds (a server and eight clients 10 ms away) on a ledger of these
/// parameters, with the auditor reading it.
inline nlohmann::json federatedAuditScenario(const nlohmann::json& ledger) {
    return {
        {"format", "dais-scenario"},
        {"version", 1},
        {"network",
         {{"nodes", {{{"id", "server"}, {"role", "server"}}}},
          {"groups",
           {{{"id", "clients"},
             {"count", 8},
             {"role", "client"},
             {"attach", "server"},
             {"access", {{"latency", "10ms"}, {"bandwidth", "1Gbps"}}}}}}}},
        {"layers",
         {{"crypto", nlohmann::json::object()},
          {"ledger", ledger},
          {"federated", {{"rounds", 6}, {"data", "synthetic"}}},
          {"auditor", nlohmann::json::object()}}},
        {"run", {{"seed", 1}, {"until", "3600s"}}},
    };
}

}  // namespace ledgertest
