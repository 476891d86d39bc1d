// The audit trail: a federated run on a ledger records every round (its participants, the
// digests of their updates and of the new model) as a transaction that becomes final, is listed
// by the ledger's query under federated.round, and whose receipt verifies.
#include <QtTest>

#include <cmath>
#include <memory>
#include <set>
#include <vector>

#include "auditor_layer.h"
#include "dais/core/ledger_service.h"
#include "dais/core/round_audit.h"
#include "dais/layers/depin.h"
#include "dais/layers/federated.h"
#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

namespace {

const core::LayerRegistry& registryWithFederation() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        for (const auto& f :
             {layers::crypto::factory(), layers::ledger::factory(), layers::federated::factory(),
              layers::depin::factory(), AuditorLayer::factory()})
            if (auto added = reg->add(f); !added) qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

}  // namespace

class TestLedgerAudit : public QObject {
    Q_OBJECT

  private slots:
    /// Under each consensus rule: proof of work (final at 2 confirmations), chained HotStuff
    /// (final when committed) and proof of stake (final when its epoch is finalized by FFG).
    void everyRoundIsRecordedAndVerifies_data() {
        QTest::addColumn<QString>("consensus");
        QTest::newRow("pow") << "{\"interval\": \"5s\", \"confirmations\": 2}";
        QTest::newRow("bft") << "{\"consensus\": \"bft\", \"interval\": \"1s\"}";
        QTest::newRow("pos") << "{\"consensus\": \"pos\", \"interval\": \"2s\", "
                                "\"slots_per_epoch\": 4}";
    }
    void everyRoundIsRecordedAndVerifies() {
        QFETCH(QString, consensus);
        nlohmann::json ledger = nlohmann::json::parse(consensus.toStdString());
        ledger["tx_rate"] = 0;
        const nlohmann::json doc = federatedAuditScenario(ledger);
        const core::RunReport r = run(doc, std::nullopt, registryWithFederation());
        QCOMPARE(metric(r, "federated.round").value, 6.0);
        QCOMPARE(metric(r, "federated.rounds_recorded").value, 6.0);
        QCOMPARE(metric(r, "ledger.records.final").value, 6.0);
        QCOMPARE(AuditorLayer::rounds.size(), std::size_t{6});
        QCOMPARE(AuditorLayer::verified, 6);
        std::uint64_t round = 0;
        for (const auto& e : AuditorLayer::rounds) {
            QCOMPARE(e.tx.topic, std::string("federated.round"));
            QVERIFY(e.receipt.final());
            // The record in full, named by its digest: the round, the model and its accuracy,
            // and per update its sender, digest, length and data manifest.
            QVERIFY(e.tx.digest == core::sha256(e.tx.content));
            auto audit = core::decodeRoundAudit(e.tx.content);
            QVERIFY2(audit.ok(), audit.ok() ? "" : audit.error().message.c_str());
            const core::RoundAudit& a = audit.value();
            QCOMPARE(a.round, ++round);
            QCOMPARE(a.server, std::string("server"));
            QVERIFY(a.accuracy > 0 && a.accuracy <= 1);
            QVERIFY(!a.updates.empty());
            std::set<std::string> senders;
            for (const core::RoundAudit::Update& u : a.updates) {
                QVERIFY(u.node.rfind("clients", 0) == 0);
                // The crypto layer's secure aggregation shows the server no single update.
                QVERIFY(std::isnan(u.norm));
                QVERIFY(u.manifest != core::Digest{});
                senders.insert(u.node);
            }
            QCOMPARE(senders.size(), a.updates.size());
        }
    }

    /// A compute market on the same chain: each accepted result is a record signed by its
    /// provider, and the escrow that pays for it moves on the chain too.
    void marketResultsAreRecordedAndPaidOnTheChain() {
        const nlohmann::json doc = {
            {"format", "dais-scenario"},
            {"version", 1},
            {"network",
             {{"nodes", {{{"id", "client"}, {"role", "client"}}}},
              {"groups",
               {{{"id", "providers"},
                 {"count", 4},
                 {"role", "provider"},
                 {"attach", "client"},
                 {"resources", {{"cpu_gflops", 10}}},
                 {"access", {{"latency", "10ms"}, {"bandwidth", "1Gbps"}}}}}}}},
            {"layers",
             {{"crypto", nlohmann::json::object()},
              {"ledger", {{"interval", "2s"}, {"confirmations", 2}, {"tx_rate", 0}}},
              {"depin", {{"arrival_rate", 0.2}, {"job_size", "fixed"}, {"record_results", true}}},
              {"auditor", nlohmann::json::object()}}},
            {"payments", {{"endowments", {{{"nodes", {"client"}}, {"amount", 1000}}}}}},
            {"run", {{"seed", 1}, {"until", "300s"}}},
        };
        AuditorLayer::topic = "market.result";
        const core::RunReport r = run(doc, std::nullopt, registryWithFederation());
        AuditorLayer::topic = "federated.round";
        const double done = metric(r, "depin.jobs_done").value;
        const double recorded = metric(r, "depin.results_recorded").value;
        QVERIFY2(done > 20, std::to_string(done).c_str());
        // Every result but those of the last seconds is final on the chain.
        QVERIFY2(recorded >= done - 5 && recorded <= done, std::to_string(recorded).c_str());
        QCOMPARE(static_cast<double>(AuditorLayer::rounds.size()), recorded);
        QCOMPARE(AuditorLayer::verified, static_cast<int>(recorded));
        for (const auto& e : AuditorLayer::rounds) {
            QVERIFY(e.tx.digest == core::sha256(e.tx.content));
            const auto j = nlohmann::json::parse(e.tx.content);
            QCOMPARE(j["client"].get<std::string>(), std::string("client"));
            QVERIFY(j["provider"].get<std::string>().rfind("providers[", 0) == 0);
            QVERIFY(j["price"].get<std::int64_t>() > 0);
        }
        // The escrow: a hold and a release per paid job, settled on the chain.
        QVERIFY(metric(r, "ledger.payments.settled").value >= 2 * (done - 5));
        QVERIFY(metric(r, "ledger.payment_latency").mean > 1);
    }
};

QTEST_GUILESS_MAIN(TestLedgerAudit)
#include "tst_ledger_audit.moc"
