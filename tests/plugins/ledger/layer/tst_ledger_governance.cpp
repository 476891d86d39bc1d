// The ledger's DAO (the governance service): proposals and votes are records on the chain, a
// vote counts when it is final within the vote period, weights are stakes or heads, quorum and
// pass share decide; and the federation under it: a poisoned release is rejected and rolled back,
// the rounds since are traced through the ledger to the attackers, who are banned by vote, and
// training recovers.
#include <QtTest>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dais/core/governance.h"
#include "dais/layers/federated.h"
#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

namespace {

/// Puts one proposal of topic "test.topic" to the vote as the run starts, voters judging by
/// `ballot`; keeps the decisions it hears of.
class CouncilLayer final : public core::Layer {
  public:
    static inline std::function<std::optional<bool>(sim::NodeIndex)> ballot;
    static inline std::vector<core::Governance::Decision> decisions;
    static inline std::string refusal;  // why a proposal on a topic nobody acts on was refused

    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "council";
        d.name = "Council";
        d.version = "0.1.0";
        d.summary = "Puts one proposal to a DAO's vote; for tests.";
        d.uses = {{std::string(core::Governance::kId), true, "it proposes"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new CouncilLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        dao_ = ctx.services().find<core::Governance>();
        decisions.clear();
        refusal.clear();
        dao_->subscribe("test.topic",
                        [](const core::Governance::Decision& d) { decisions.push_back(d); });
        dao_->setBallot("test.topic", [](sim::NodeIndex v, core::Governance::ProposalId,
                                         const core::Governance::Proposal&) { return ballot(v); });
    }
    void start(core::LayerContext&) override {
        core::Governance::Proposal p;
        p.proposer = 0;
        p.topic = "test.topic";
        p.value = 0.5;
        p.text = "change the rate";
        if (!dao_->propose(p)) qFatal("the proposal was refused");
        p.topic = "nobody.listens";
        auto refused = dao_->propose(p);
        if (refused) qFatal("a proposal nobody acts on was taken");
        refusal = refused.error().message;
    }

  private:
    core::Governance* dao_ = nullptr;
};

const core::LayerRegistry& councilRegistry() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        for (const auto& f : {layers::crypto::factory(), layers::ledger::factory(),
                              layers::federated::factory(), CouncilLayer::factory()})
            if (auto added = reg->add(f); !added) qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

/// Ten miners 20 ms apart, blocks every 2 s final at 2 confirmations: node 0, "whale", holds
/// stake 10 and proposes; the nine others hold 1 each.
nlohmann::json councilScenario(const nlohmann::json& ledger) {
    nlohmann::json l = {{"interval", "2s"}, {"confirmations", 2}, {"vote_period", "30s"}};
    if (ledger.is_object()) l.update(ledger);
    nlohmann::json doc = meshScenario(9, "20ms", l);
    doc["network"]["nodes"] = {
        {{"id", "whale"}, {"role", "miner"}, {"attributes", {{"ledger", {{"stake", 10}}}}}}};
    doc["network"]["topologies"][0]["members"] = {"whale", "miners"};
    doc["layers"]["council"] = nlohmann::json::object();
    doc["run"]["until"] = "5min";
    return doc;
}

core::Governance::Decision decide(const nlohmann::json& ledger,
                                  std::function<std::optional<bool>(sim::NodeIndex)> ballot) {
    CouncilLayer::ballot = std::move(ballot);
    run(councilScenario(ledger), std::nullopt, councilRegistry());
    if (CouncilLayer::decisions.size() != 1) qFatal("expected one decision");
    return CouncilLayer::decisions.front();
}

}  // namespace

class TestLedgerGovernance : public QObject {
    Q_OBJECT

  private slots:
    /// The whale alone says yes: by stake 10 against 9 it passes, by head 1 against 9 it fails.
    void stakeAndHeadWeighVotesDifferently() {
        const auto whale = [](sim::NodeIndex v) { return std::optional<bool>(v == 0); };
        const auto byStake = decide({}, whale);
        QCOMPARE(byStake.yes, 10.0);
        QCOMPARE(byStake.no, 9.0);
        QCOMPARE(byStake.turnout, 1.0);
        QVERIFY(byStake.passed);
        QCOMPARE(byStake.outcome, std::string("passed"));
        QVERIFY(CouncilLayer::refusal.find("nobody acts on") != std::string::npos);
        // Decided one vote period after the proposal was final (2 confirmations of 2 s blocks).
        QVERIFY(byStake.decidedAt > sim::fromSeconds(30));
        QVERIFY(byStake.decidedAt < sim::fromSeconds(30 + 60));

        const auto byHead = decide({{"vote_weight", "head"}}, whale);
        QCOMPARE(byHead.yes, 1.0);
        QCOMPARE(byHead.no, 9.0);
        QVERIFY(!byHead.passed);
        QCOMPARE(byHead.outcome, std::string("rejected"));
    }

    /// Votes below the quorum decide nothing; a two-thirds bar needs two thirds.
    void quorumAndPassShare() {
        // Only miners[1..3] vote (3 of 19 stake): no quorum at 0.5, whatever they say.
        const auto few = [](sim::NodeIndex v) {
            return v >= 1 && v <= 3 ? std::optional<bool>(true) : std::nullopt;
        };
        const auto d = decide({}, few);
        QVERIFY(!d.passed);
        QCOMPARE(d.outcome, std::string("no quorum"));
        QCOMPARE(d.yes, 3.0);
        QVERIFY(std::abs(d.turnout - 3.0 / 19.0) < 1e-12);
        QVERIFY(decide({{"quorum", 0.1}}, few).passed);

        // By head: 6 yes of 10 passes a majority, not two thirds; 7 passes both.
        const auto six = [](sim::NodeIndex v) { return std::optional<bool>(v < 6); };
        const auto seven = [](sim::NodeIndex v) { return std::optional<bool>(v < 7); };
        QVERIFY(decide({{"vote_weight", "head"}}, six).passed);
        QVERIFY(!decide({{"vote_weight", "head"}, {"pass_share", 0.6667}}, six).passed);
        QVERIFY(decide({{"vote_weight", "head"}, {"pass_share", 0.6667}}, seven).passed);
    }

    /// A vote that is final only after the period does not count: with a period shorter than
    /// the time to finality (2 confirmations of 20 s blocks), nobody's vote is in time.
    void lateVotesDoNotCount() {
        const auto all = [](sim::NodeIndex) { return std::optional<bool>(true); };
        const auto d =
            decide({{"interval", "20s"}, {"vote_period", "5s"}, {"vote_weight", "head"}}, all);
        QCOMPARE(d.yes + d.no, 0.0);
        QCOMPARE(d.outcome, std::string("no quorum"));
    }

    /// poisoning-traced: the poisoned release is rejected and rolled back, the trace names the
    /// four attackers, the DAO bans exactly them, and accuracy recovers; without the DAO it
    /// does not.
    void poisonedReleaseIsRolledBackAndItsAttackersBanned() {
        const std::string file =
            std::string(DAIS_SOURCE_DIR) + "/scenarios/poisoning-traced.dais.json";
        const auto runFile = [&](const std::vector<std::string>& overrides) {
            auto scenario = core::loadScenarioFile(file, overrides, &councilRegistry());
            if (!scenario) qFatal("%s", scenario.error().message.c_str());
            auto prepared = core::ScenarioRun::prepare(*scenario, {});
            if (!prepared) qFatal("%s", prepared.error().message.c_str());
            return (*prepared)->run();
        };
        const core::RunReport r = runFile({});
        QCOMPARE(r.status, core::RunStatus::Completed);
        QVERIFY(metric(r, "federated.rollbacks").value >= 1);
        QCOMPARE(metric(r, "federated.banned").value, 4.0);
        QVERIFY2(metric(r, "federated.accuracy").value > 0.9,
                 std::to_string(metric(r, "federated.accuracy").value).c_str());
        // Banned are exactly the attackers.
        const core::InspectorTable* clients = r.table("federated.clients");
        QVERIFY(clients != nullptr);
        const auto attacker = clients->spec().column("attacker");
        const auto banned = clients->spec().column("banned");
        const auto selected = clients->spec().column("selected");
        QVERIFY(attacker && banned && selected);
        int bannedCount = 0;
        for (std::size_t row = 0; row < clients->rowCount(); ++row) {
            QCOMPARE(clients->integer(row, *banned), clients->integer(row, *attacker));
            bannedCount += clients->integer(row, *banned) != 0;
            // A banned client sat out the rounds after its ban.
            if (clients->integer(row, *banned) != 0) QVERIFY(clients->integer(row, *selected) < 40);
        }
        QCOMPARE(bannedCount, 4);

        const core::RunReport u = runFile({"layers.federated.release_every=0"});
        QCOMPARE(metric(u, "federated.banned").value, 0.0);
        QVERIFY(metric(u, "federated.accuracy").value < 0.5);
    }
};

QTEST_GUILESS_MAIN(TestLedgerGovernance)
#include "tst_ledger_governance.moc"
