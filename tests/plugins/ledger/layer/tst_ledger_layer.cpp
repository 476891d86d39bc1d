// The ledger layer in runs: reproducible, every chain verifies and honest nodes agree; records
// made through the ledger service become final with receipts that verify (and fail once
// tampered with), are listed by query, and are dropped with a reason when their sender is cut
// off; the relay modes and announcements.
#include <QtTest>

#include <memory>
#include <vector>

#include "dais/core/ledger_service.h"
#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

namespace {

/// Records `count` digests through the ledger service from node `from`, one every `every`
/// seconds from the start, and keeps the receipts for the test.
class RecorderLayer final : public core::Layer {
  public:
    struct Made {
        core::LedgerService::Transaction tx;
        core::LedgerService::Receipt receipt;
        bool told = false;
        // Checked as the run ends, while the ledger is still there:
        bool verifies = false;          // the receipt verifies against the best chain
        bool tamperedVerifies = false;  // any changed field (digest, proof, block) verifies
        std::size_t found = 0;          // entries query finds for its digest
    };
    static inline std::vector<Made> made;
    static inline std::vector<core::LedgerService::Entry> listed;  // query by topic, at the end

    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "recorder";
        d.name = "Recorder";
        d.version = "0.1.0";
        d.summary = "Records digests on a ledger; for tests.";
        d.params = {{"count", core::ParamType::Integer, 4, {}, {}, "", "Digests to record.", {}},
                    {"every", core::ParamType::Duration, "300s", {}, {}, "s", "Between two.", {}},
                    {"from", core::ParamType::String, "", {}, {}, "", "The sender's node id.", {}}};
        d.uses = {{std::string(core::LedgerService::kId), true, "it records digests"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new RecorderLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        ledger_ = ctx.services().find<core::LedgerService>();
        sim_ = &ctx.simulation();
        count_ = ctx.params().integer("count");
        every_ = ctx.params().duration("every");
        from_ = ctx.network().findNode(ctx.params().text("from"));
        DAIS_CHECK(from_ != sim::kNone, "no such node");
        kind_ = sim_->registerKind<&RecorderLayer::onTick>("recorder.tick", *this);
        made.clear();
    }
    void start(core::LayerContext&) override { sim_->scheduleIn(every_, from_, kind_, 0); }
    void finish(core::LayerContext&) override {
        for (Made& m : made) {
            if (!m.receipt.final()) continue;
            m.verifies = ledger_->verify(m.tx, m.receipt);
            auto tx = m.tx;
            tx.digest[0] ^= 1;
            m.tamperedVerifies = ledger_->verify(tx, m.receipt);
            auto receipt = m.receipt;
            receipt.proof[0][5] ^= 0x10;
            m.tamperedVerifies = m.tamperedVerifies || ledger_->verify(m.tx, receipt);
            receipt = m.receipt;
            receipt.blockHash[0] ^= 1;
            m.tamperedVerifies = m.tamperedVerifies || ledger_->verify(m.tx, receipt);
            core::LedgerService::Query q;
            q.digest = m.tx.digest;
            m.found = ledger_->query(q).size();
        }
        core::LedgerService::Query q;
        q.topic = "test.record";
        listed = ledger_->query(q);
    }

  private:
    void onTick(sim::Simulation&, const sim::Event& e) {
        const std::size_t i = made.size();
        made.push_back({});
        Made& m = made.back();
        m.tx.from = from_;
        m.tx.topic = "test.record";
        m.tx.digest = core::sha256("record " + std::to_string(i));
        m.tx.bytes = 100;
        ledger_->record(m.tx, [i](const core::LedgerService::Receipt& r) {
            made[i].receipt = r;
            made[i].told = true;
        });
        if (static_cast<std::int64_t>(e.data) + 1 < count_)
            sim_->scheduleIn(every_, from_, kind_, e.data + 1);
    }
    core::LedgerService* ledger_ = nullptr;
    sim::Simulation* sim_ = nullptr;
    std::int64_t count_ = 0;
    sim::SimTime every_ = 0;
    sim::NodeIndex from_ = 0;
    sim::KindId kind_ = 0;
};

const core::LayerRegistry& registryWithRecorder() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        for (const auto& f :
             {layers::crypto::factory(), layers::ledger::factory(), RecorderLayer::factory()})
            if (auto added = reg->add(f); !added) qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

/// 60 peers in two regions behind gateways (20 ms access links, 100 Mbit/s), a client of
/// role "client" in the first region that does not run the ledger, 60 s blocks.
nlohmann::json regionsScenario(const nlohmann::json& ledger) {
    nlohmann::json l = {
        {"role", "peer"}, {"interval", "60s"}, {"tx_rate", 20}, {"confirmations", 3}};
    l.update(ledger);
    return {
        {"format", "dais-scenario"},
        {"version", 1},
        {"network",
         {{"regions",
           {{{"id", "east"}, {"center", {0, 0}}, {"radius", 100}},
            {{"id", "west"}, {"center", {5000, 0}}, {"radius", 100}}}},
          {"nodes", {{{"id", "client"}, {"role", "client"}, {"region", "east"}}}},
          {"groups",
           {{{"id", "east-peers"}, {"count", 30}, {"role", "peer"}, {"region", "east"}},
            {{"id", "west-peers"}, {"count", 30}, {"role", "peer"}, {"region", "west"}}}},
          {"topologies",
           {{{"generator", "regions"},
             {"members", {"client", "east-peers", "west-peers"}},
             {"link", {{"latency", "20ms"}, {"bandwidth", "100Mbps"}}},
             {"latency_matrix",
              {{"order", {"east", "west"}},
               {"latency", nlohmann::json::array({nlohmann::json::array({"0ms", "40ms"}),
                                                  nlohmann::json::array({"40ms", "0ms"})})}}}}}}}},
        {"layers", {{"crypto", nlohmann::json::object()}, {"ledger", l}}},
        {"run", {{"seed", 3}, {"until", "3600s"}}},
    };
}

}  // namespace

class TestLedgerLayer : public QObject {
    Q_OBJECT

  private slots:
    void reproducibleAndSeedDependent() {
        const nlohmann::json doc = regionsScenario({{"relay", "compact"}});
        const core::RunReport a = run(doc), b = run(doc), c = run(doc, 4);
        QCOMPARE(a.fingerprint, b.fingerprint);
        QCOMPARE(value(a, "ledger.blocks"), value(b, "ledger.blocks"));
        QVERIFY(a.fingerprint != c.fingerprint);
    }

    /// Every relay mode: the best chain verifies block by block, every node that is up
    /// follows it to within a block or two, every block reached every node.
    void chainsVerifyAndNodesAgree_data() {
        QTest::addColumn<QString>("relay");
        QTest::newRow("inv") << "inv";
        QTest::newRow("push") << "push";
        QTest::newRow("compact") << "compact";
    }
    void chainsVerifyAndNodesAgree() {
        QFETCH(QString, relay);
        const core::RunReport r = run(regionsScenario({{"relay", relay.toStdString()}}));
        const double height = value(r, "ledger.height");
        QVERIFY(height > 30);  // 3600 s of 60 s blocks
        QCOMPARE(value(r, "ledger.verified_height"), height);
        QVERIFY(value(r, "ledger.divergence") < 3);
        QCOMPARE(value(r, "ledger.blocks"), height + value(r, "ledger.blocks.stale"));
        // Every block but the last few reached all 60 nodes.
        QVERIFY(metric(r, "ledger.propagation_all").count >= value(r, "ledger.blocks") - 3);
        QCOMPARE(value(r, "ledger.messages.lost"), 0.0);
        if (relay == "push") QVERIFY(value(r, "ledger.duplicates") > 0);
        if (relay == "compact") {
            QVERIFY(value(r, "ledger.messages.compact") > 0);
            QCOMPARE(value(r, "ledger.messages.block"), 0.0);
        } else {
            QCOMPARE(value(r, "ledger.messages.compact"), 0.0);
        }
        // Final at 3 confirmations: two more blocks, about two intervals of 60 s.
        const auto& finality = metric(r, "ledger.finality_time");
        QVERIFY(finality.count >= height - 3);
        QVERIFY2(finality.mean > 80 && finality.mean < 180,
                 qPrintable(QString::number(finality.mean)));
        // The everyday load: 20 a second, all of it on the chain but the last blocks' worth.
        QVERIFY(std::abs(value(r, "ledger.tps") - 20) < 3);
    }

    /// Records become final after `confirmations` blocks, with receipts that verify against
    /// the best chain and fail once any field is changed; query lists them in chain order.
    void recordsBecomeFinalWithReceipts() {
        nlohmann::json doc = regionsScenario({{"relay", "compact"}});
        doc["layers"]["recorder"] = {{"count", 5}, {"every", "120s"}, {"from", "client"}};
        const core::RunReport r = run(doc, std::nullopt, registryWithRecorder());
        QCOMPARE(value(r, "ledger.records.submitted"), 5.0);
        QCOMPARE(value(r, "ledger.records.final"), 5.0);
        // Final takes the record's block and two more: about three intervals.
        QVERIFY(metric(r, "ledger.record_latency").mean > 60);
        QVERIFY(metric(r, "ledger.record_latency").mean < 600);
        QCOMPARE(RecorderLayer::made.size(), std::size_t{5});
        for (const auto& m : RecorderLayer::made) {
            QVERIFY(m.told);
            QVERIFY(m.receipt.final());
            QVERIFY(m.receipt.finalAt >= m.receipt.submittedAt);
            QVERIFY(!m.receipt.proof.empty());
            QVERIFY(m.verifies);
            QVERIFY(!m.tamperedVerifies);
            QCOMPARE(m.found, std::size_t{1});
        }
        const auto& entries = RecorderLayer::listed;
        QCOMPARE(entries.size(), std::size_t{5});
        for (std::size_t i = 1; i < entries.size(); ++i)
            QVERIFY(entries[i - 1].receipt.height <= entries[i].receipt.height);
    }

    /// A sender cut off from every ledger node: its records never reach a miner and are
    /// dropped at record_timeout, saying so.
    void recordsOfACutOffSenderAreDropped() {
        nlohmann::json doc = regionsScenario({{"relay", "compact"}, {"record_timeout", "600s"}});
        // The client alone in a region of its own, cut off for the whole run.
        doc["network"]["regions"].push_back(
            {{"id", "island"}, {"center", {9000, 0}}, {"radius", 10}});
        doc["network"]["nodes"][0]["region"] = "island";
        doc["network"]["topologies"][0]["latency_matrix"] = {
            {"order", {"east", "west", "island"}},
            {"latency", nlohmann::json::array({nlohmann::json::array({"0ms", "40ms", "40ms"}),
                                               nlohmann::json::array({"40ms", "0ms", "40ms"}),
                                               nlohmann::json::array({"40ms", "40ms", "0ms"})})}};
        doc["network"]["faults"] = {{{"at", "1s"}, {"kind", "partition"}, {"targets", {"island"}}}};
        doc["layers"]["recorder"] = {{"count", 2}, {"every", "60s"}, {"from", "client"}};
        const core::RunReport r = run(doc, std::nullopt, registryWithRecorder());
        QCOMPARE(value(r, "ledger.records.final"), 0.0);
        QCOMPARE(value(r, "ledger.records.dropped"), 2.0);
        for (const auto& m : RecorderLayer::made) {
            QVERIFY(m.told);
            QCOMPARE(m.receipt.status, core::LedgerService::Status::Dropped);
            QVERIFY2(m.receipt.reason.find("cut off") != std::string::npos,
                     m.receipt.reason.c_str());
        }
    }

    /// Announcements to peers that hold or fetch the block are counted, not sent: the same
    /// requests and forks as with every announcement on the wire, the same announcements but for
    /// a few noted early, the same propagation times but for the microseconds their bytes held
    /// the links.
    void elidedAnnouncementsChangeNothingThatMatters() {
        const core::RunReport a = run(regionsScenario({{"relay", "inv"}}));
        const core::RunReport b = run(regionsScenario({{"relay", "inv"}, {"announce_all", true}}));
        QCOMPARE(value(a, "ledger.blocks"), value(b, "ledger.blocks"));
        QCOMPARE(value(a, "ledger.height"), value(b, "ledger.height"));
        // A few announcements that would have queued behind others are noted a little early.
        QVERIFY(std::abs(value(a, "ledger.messages.inv") - value(b, "ledger.messages.inv")) <
                0.005 * value(b, "ledger.messages.inv"));
        QCOMPARE(value(a, "ledger.messages.getdata"), value(b, "ledger.messages.getdata"));
        QCOMPARE(value(a, "ledger.blocks.stale"), value(b, "ledger.blocks.stale"));
        QVERIFY(value(a, "net.messages.sent") < value(b, "net.messages.sent"));
        const double pa = metric(a, "ledger.propagation_90").mean;
        const double pb = metric(b, "ledger.propagation_90").mean;
        QVERIFY(std::abs(pa - pb) < 0.01 * pb);
    }

    /// Half the miners crash: blocks come half as often until the next retarget, which halves
    /// the difficulty (the interval aimed at over the time the last blocks took) and brings the
    /// interval back; the crashed miners' rate leaves the draw, so the others find every block.
    void difficultyRetargetsAfterHalfTheMinersStop() {
        nlohmann::json doc =
            meshScenario(20, "5ms", {{"relay", "push"}, {"interval", "10s"}, {"retarget", 50}});
        doc["network"]["groups"] = {{{"id", "miners"}, {"count", 10}, {"role", "miner"}},
                                    {{"id", "leavers"}, {"count", 10}, {"role", "miner"}}};
        doc["network"]["topologies"][0]["members"] = {"miners", "leavers"};
        doc["network"]["faults"] = {{{"at", "2000s"}, {"kind", "crash"}, {"targets", {"leavers"}}}};
        doc["run"]["until"] = "20000s";
        const core::RunReport r = run(doc);
        // About 200 blocks at 10 s, then about 25 at 20 s until the retarget, then 10 s again.
        const double blocks = metric(r, "ledger.blocks").value;
        qInfo("%.0f blocks in 20,000 s", blocks);
        QVERIFY2(blocks > 1750 && blocks < 2000, qPrintable(QString::number(blocks)));
        // Without the retarget, the 18,000 s after the crash would hold about 900 blocks.
        doc["layers"]["ledger"]["retarget"] = 0;
        const double fixed = metric(run(doc), "ledger.blocks").value;
        QVERIFY2(fixed > 1000 && fixed < 1250, qPrintable(QString::number(fixed)));
    }

    /// A relay network: forty miners in a ring of 50 ms links, and a node linked to each of
    /// them by a 20 ms link. As a plain full node it checks a block (100 ms) and announces it;
    /// as a relay node it passes the block on the moment it has it, so blocks reach most
    /// miners sooner.
    void relayNodesPassBlocksOnAtOnce() {
        const auto scenario = [](bool relay) {
            nlohmann::json doc = meshScenario(40, "50ms",
                                              {{"role", ""},
                                               {"relay", "inv"},
                                               {"interval", "60s"},
                                               {"block_check", "100ms"},
                                               {"relay_role", relay ? "relay" : ""}});
            doc["network"]["nodes"] = {{{"id", "relay"}, {"role", "relay"}}};
            doc["network"]["topologies"] = {
                {{"generator", "ring"},
                 {"members", {"miners"}},
                 {"link", {{"latency", "50ms"}, {"bandwidth", "1Gbps"}}}},
                {{"generator", "star"},
                 {"hub", "relay"},
                 {"members", {"relay", "miners"}},
                 {"link", {{"latency", "20ms"}, {"bandwidth", "1Gbps"}}}}};
            doc["run"]["until"] = "6000s";
            return doc;
        };
        const core::RunReport plain = run(scenario(false)), relayed = run(scenario(true));
        const double before = metric(plain, "ledger.propagation_90").mean;
        const double after = metric(relayed, "ledger.propagation_90").mean;
        qInfo("to 90%% of the nodes: %.3f s through a full node, %.3f s through a relay node",
              before, after);
        QVERIFY2(after < 0.8 * before, qPrintable(QString("%1 s, %2 s").arg(after).arg(before)));
        QCOMPARE(metric(relayed, "ledger.verified_height").value,
                 metric(relayed, "ledger.height").value);
    }

    /// Thirty of the sixty nodes are light clients: they follow the best chain by headers
    /// alone (their bytes a fraction of a full node's), nobody gets a block from them, and the
    /// chain they follow verifies.
    void lightClientsFollowTheChainByHeaders() {
        const auto scenario = [](bool light) {
            nlohmann::json doc = regionsScenario({{"relay", "compact"}, {"light_role", "light"}});
            doc["network"]["groups"][1]["role"] = light ? "light" : "peer";
            doc["layers"]["ledger"]["role"] = "";
            doc["network"]["nodes"][0]["role"] = "";  // the client plays no part here
            return doc;
        };
        const core::RunReport full = run(scenario(false)), light = run(scenario(true));
        QCOMPARE(metric(full, "ledger.messages.header").value, 0.0);
        const double headers = metric(light, "ledger.messages.header").value;
        const double height = metric(light, "ledger.height").value;
        qInfo("%.0f headers for %.0f blocks; %.0f bytes against %.0f with sixty full nodes",
              headers, height, metric(light, "ledger.bytes").value,
              metric(full, "ledger.bytes").value);
        // Each light client fetched every header of the best chain (and those of lost blocks).
        QVERIFY(headers >= 30 * (height - 2));
        QVERIFY(metric(light, "ledger.bytes").value < 0.75 * metric(full, "ledger.bytes").value);
        QVERIFY(metric(light, "ledger.divergence").value < 3);
        QCOMPARE(metric(light, "ledger.verified_height").value, height);
        // Blocks still reached every node, light ones included.
        QVERIFY(metric(light, "ledger.propagation_all").count >=
                metric(light, "ledger.blocks").value - 3);
    }

    void badParametersAreNamed() {
        nlohmann::json doc = regionsScenario({{"fee_classes", "10:0.5,oops"}});
        auto s = load(doc);
        QVERIFY(s.ok());
        core::RunOptions o;
        auto prepared = core::ScenarioRun::prepare(*s, o);
        QVERIFY(!prepared.ok());
        const std::string& e = prepared.error().message;
        QVERIFY2(e.find("/layers/ledger/fee_classes") != std::string::npos, e.c_str());
        QVERIFY2(e.find("oops") != std::string::npos, e.c_str());

        prepared = core::ScenarioRun::prepare(*load(regionsScenario({{"role", "nobody"}})), o);
        QVERIFY(!prepared.ok());
        QVERIFY2(prepared.error().message.find("/layers/ledger/role") != std::string::npos,
                 prepared.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLedgerLayer)
#include "tst_ledger_layer.moc"
