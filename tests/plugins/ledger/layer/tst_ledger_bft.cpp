// Chained HotStuff on the ledger (consensus: bft): safety and liveness in runs.
//
// The network: n validators, every pair joined by its own link of one-way latency d = 10 ms and
// 1 Tbit/s, blocks pushed whole (one crossing), nothing to check but signatures (Ed25519 at the
// crypto layer's reference costs: 15 us to sign, 44 us to verify). In a view that succeeds the
// proposal crosses once to the replicas and their votes once to the next leader, so a view takes
// 2d plus the signature checks: the replica checks the QC the proposal carries (2f + 1
// signatures) and signs, the leader checks the votes as they arrive; under 1 ms for n = 16, 5%
// of a view. A block is committed by the leader that forms the QC of the third block of its
// three-chain, three views after it was proposed (6d); the others commit one crossing later,
// when that QC reaches them in the next proposal (7d).
//
// Every test asserts figures: commits, views and view changes against what the timing gives,
// and safety from the run's own block tree (the ledger.blocks table, hash and parent): every
// honest validator's committed block is an ancestor of, or equal to, every other's.
#include <QtTest>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "auditor_layer.h"
#include "dais/core/inspector.h"
#include "dais/core/ledger_service.h"
#include "dais/layers/federated.h"
#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

namespace {

constexpr double kDelay = 0.010;  // one-way latency of every link, seconds

/// n validators of a full mesh of 10 ms links, chained HotStuff, blocks pushed whole, a leader
/// proposing as soon as it has its certificate, views given up after 0.5 s (+ 1 ms).
nlohmann::json bftMesh(int n, const std::string& until,
                       const nlohmann::json& ledger = nlohmann::json::object()) {
    nlohmann::json l = {
        {"consensus", "bft"}, {"relay", "push"}, {"interval", "1ms"}, {"view_timeout", "500ms"}};
    l.update(ledger);
    nlohmann::json doc = meshScenario(n, "10ms", l);
    doc["run"]["until"] = until;
    return doc;
}

/// Two groups of validators in two regions, east and west, all in one full mesh of 10 ms links.
nlohmann::json bftRegions(int east, int west, const std::string& until) {
    nlohmann::json doc = bftMesh(east + west, until);
    doc["network"]["regions"] = {{{"id", "east"}, {"center", {0, 0}}, {"radius", 10}},
                                 {{"id", "west"}, {"center", {100, 0}}, {"radius", 10}}};
    doc["network"]["groups"] = {
        {{"id", "east"}, {"count", east}, {"role", "miner"}, {"region", "east"}},
        {{"id", "west"}, {"count", west}, {"role", "miner"}, {"region", "west"}}};
    doc["network"]["topologies"][0]["members"] = {"east", "west"};
    return doc;
}

using Tree = BlocksTable;

/// The validators table's rows, as the run ended.
struct ValidatorRow {
    std::string behaviour, committed;
    bool up = true;
    std::int64_t height = 0, view = 0, votes = 0, proposals = 0, timeouts = 0;
    double lastCommit = -1;  // seconds; -1: never
};

std::vector<ValidatorRow> validators(const core::RunReport& r) {
    const core::InspectorTable& t = table(r, "ledger.validators");
    std::vector<ValidatorRow> out;
    for (std::size_t row = 0; row < t.rowCount(); ++row) {
        ValidatorRow v;
        v.behaviour = t.string(row, column(t, "behaviour"));
        v.up = t.integer(row, column(t, "up")) != 0;
        v.view = t.integer(row, column(t, "view"));
        v.height = t.integer(row, column(t, "committed"));
        v.committed = t.string(row, column(t, "committed_hash"));
        const std::size_t last = column(t, "last_commit");
        v.lastCommit = t.isEmpty(row, last) ? -1 : t.number(row, last);
        v.votes = t.integer(row, column(t, "votes"));
        v.proposals = t.integer(row, column(t, "proposals"));
        v.timeouts = t.integer(row, column(t, "timeouts"));
        out.push_back(v);
    }
    return out;
}

/// Every pair of honest validators: one's committed chain is a prefix of the other's. Returns
/// the number of pairs that fail.
int conflictingPairs(const core::RunReport& r) {
    const Tree tree(r);
    const std::vector<ValidatorRow> rows = validators(r);
    int bad = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = i + 1; j < rows.size(); ++j) {
            if (rows[i].behaviour != "honest" || rows[j].behaviour != "honest") continue;
            if (!tree.oneChain(rows[i].committed, rows[j].committed)) ++bad;
        }
    return bad;
}

/// The latest making time of a block an honest validator has committed.
double latestCommittedMade(const core::RunReport& r) {
    const Tree tree(r);
    double latest = 0;
    for (const ValidatorRow& v : validators(r))
        if (v.behaviour == "honest") latest = std::max(latest, tree.made.at(v.committed));
    return latest;
}

const core::LayerRegistry& registryWithFederation() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        for (const auto& f : {layers::crypto::factory(), layers::ledger::factory(),
                              layers::federated::factory(), AuditorLayer::factory()})
            if (auto added = reg->add(f); !added) qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

}  // namespace

class TestLedgerBft : public QObject {
    Q_OBJECT

  private slots:
    /// (1) All honest: every view commits a block; honest committed chains agree pairwise; a
    /// view takes 2d and a block is final three views after its proposal.
    void honestValidatorsCommitAndAgree_data() {
        QTest::addColumn<int>("n");
        QTest::newRow("n = 4") << 4;
        QTest::newRow("n = 7") << 7;
        QTest::newRow("n = 16") << 16;
    }
    void honestValidatorsCommitAndAgree() {
        QFETCH(int, n);
        const double seconds = 4;
        const core::RunReport r = run(bftMesh(n, "4s"));
        const double views = value(r, "ledger.views");
        const double committed = value(r, "ledger.committed");
        const auto& finality = metric(r, "ledger.finality_time");
        const auto& latency = metric(r, "ledger.commit_latency");
        const double view = seconds / views;
        qInfo(
            "n = %d: %.0f views (%.2f ms each), %.0f committed, finality %.2f ms, commit latency "
            "%.2f ms, %.0f votes",
            n, views, view * 1e3, committed, finality.mean * 1e3, latency.mean * 1e3,
            value(r, "ledger.messages.vote"));
        // A view is 2d plus signature checks of under 5% of it.
        QVERIFY2(view >= 2 * kDelay && view < 1.05 * 2 * kDelay, qPrintable(QString::number(view)));
        QCOMPARE(value(r, "ledger.view_changes"), 0.0);
        QCOMPARE(value(r, "ledger.messages.new_view"), 0.0);
        // Every view's block is on the chain and committed but the last three.
        QVERIFY(value(r, "ledger.height") >= views - 1);
        QVERIFY2(committed >= views - 4, qPrintable(QString::number(committed)));
        QCOMPARE(value(r, "ledger.blocks.stale"), 0.0);
        QCOMPARE(value(r, "ledger.verified_height"), value(r, "ledger.height"));
        // Every validator votes in every view (the last one's votes may be on their way).
        QVERIFY(value(r, "ledger.messages.vote") >= n * (views - 2));
        // Final three views after the proposal at the leader that makes the third QC (6d),
        // one crossing later at the others: (6 + (n - 1) / n) d on average over validators;
        // the signature checks add under 5%.
        QVERIFY2(finality.mean >= 6 * kDelay && finality.mean < 1.05 * 6 * kDelay,
                 qPrintable(QString::number(finality.mean)));
        const double expected = 6 * kDelay + kDelay * (n - 1) / n;
        QVERIFY2(latency.mean >= expected && latency.mean < 1.05 * expected,
                 qPrintable(QString::number(latency.mean)));
        QVERIFY(latency.count >= n * (committed - 1));
        // Safety, from the block tree: committed chains are prefixes of one another.
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
        for (const ValidatorRow& v : validators(r)) {
            QVERIFY(v.height >= committed - 1);
            QVERIFY(v.proposals >= std::floor(views / n) - 1);
        }
    }

    /// (2) A crashed validator: each view it leads ends by timeout (view_timeout) and NEW-VIEW
    /// messages, the next leader proposing on the votes they carry; the others' views commit.
    /// n = 4, validator 2 crashes at 2 s, until 8 s: a cycle of four views is the failed one,
    /// T + 1 ms, then NEW-VIEW, three views of two crossings each: T + 7d = 0.571 s, so 6 s hold
    /// about 10.5 view changes, exactly one per view the crashed validator leads.
    void crashedLeaderCostsOneViewChange() {
        nlohmann::json doc = bftMesh(4, "2s");
        const core::RunReport before = run(doc);
        doc["network"]["faults"] = {{{"at", "2s"}, {"kind", "crash"}, {"targets", {"miners[2]"}}}};
        doc["run"]["until"] = "8s";
        const core::RunReport r = run(doc);
        const double views0 = value(before, "ledger.views"), views = value(r, "ledger.views");
        const double changes = value(r, "ledger.view_changes");
        const double committed0 = value(before, "ledger.committed");
        const double committed = value(r, "ledger.committed");
        // The views validator 2 leads (view % 4 == 2) after the crash, the last one perhaps
        // still running.
        int led = 0;
        for (auto v = static_cast<int>(views0) + 1; v <= static_cast<int>(views); ++v)
            led += v % 4 == 2;
        qInfo(
            "views %.0f -> %.0f, view changes %.0f (views led by the crashed validator: %d), "
            "committed %.0f -> %.0f, %.0f NEW-VIEW messages",
            views0, views, changes, led, committed0, committed,
            value(r, "ledger.messages.new_view"));
        QCOMPARE(value(before, "ledger.view_changes"), 0.0);
        QVERIFY2(std::abs(changes - led) <= 1, qPrintable(QString("%1, %2").arg(changes).arg(led)));
        const double cycle = 0.5 + 0.001 + 7 * kDelay;
        QVERIFY2(std::abs(changes - 6 / cycle) <= 1.5, qPrintable(QString::number(changes)));
        // Each cycle certifies three consecutive views, and commits them: about three blocks a
        // cycle (the failed view makes none).
        QVERIFY2(committed - committed0 >= 2.5 * changes,
                 qPrintable(QString::number(committed - committed0)));
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
        // Three honest validators each ask once per failed view, to the three others.
        QVERIFY(value(r, "ledger.messages.new_view") >= 3 * 3 * (changes - 1));
        for (const ValidatorRow& v : validators(r))
            QVERIFY(v.up ? v.height >= committed - 3 : v.height <= committed0 + 1);
    }

    /// A validator down from 2 to 5 s comes back with what it had stored: the relay brings it
    /// the blocks it missed when the next proposal reaches it (one round trip each, oldest
    /// first), it joins the view of that proposal, and from then on no view fails; by the end
    /// it has committed what the others have. At most one view fails after it is back (its
    /// own, while it still fetches), so the 3 s after hold at least (3 s - T) / 2d views.
    void crashedValidatorCatchesUp() {
        nlohmann::json doc = bftMesh(4, "5s");
        doc["network"]["faults"] = {
            {{"at", "2s"}, {"kind", "crash"}, {"targets", {"miners[2]"}}, {"duration", "3s"}}};
        const core::RunReport atRecovery = run(doc);
        doc["run"]["until"] = "8s";
        const core::RunReport r = run(doc);
        const double changes0 = value(atRecovery, "ledger.view_changes");
        const double changes = value(r, "ledger.view_changes");
        const double committed0 = value(atRecovery, "ledger.committed");
        const double committed = value(r, "ledger.committed");
        qInfo("view changes %.0f at the recovery, %.0f at the end; committed %.0f -> %.0f",
              changes0, changes, committed0, committed);
        QVERIFY(changes - changes0 <= 1);  // the view it led as it came back, at most
        QVERIFY2(committed - committed0 > 0.9 * (3 - 0.5) / (2 * kDelay),
                 qPrintable(QString::number(committed - committed0)));
        for (const ValidatorRow& v : validators(r)) {
            QVERIFY(v.up);
            QVERIFY(v.height >= committed - 3);
            QVERIFY(v.proposals > 0);
        }
        QCOMPARE(conflictingPairs(r), 0);
    }

    /// (3) f Byzantine validators, silent or equivocating: no conflicting commits, commits go
    /// on. Equivocation leaves stale twins; silence costs a view change per view it leads.
    void byzantineMinorityCannotBreakSafety_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("behaviour");
        QTest::newRow("n = 4, 1 equivocator") << 4 << "equivocate";
        QTest::newRow("n = 7, 2 equivocators") << 7 << "equivocate";
        QTest::newRow("n = 4, 1 silent") << 4 << "silent";
        QTest::newRow("n = 7, 2 silent") << 7 << "silent";
    }
    void byzantineMinorityCannotBreakSafety() {
        QFETCH(int, n);
        QFETCH(QString, behaviour);
        const int f = (n - 1) / 3;
        const core::RunReport r = run(bftMesh(
            n, "6s",
            {{"bft_byzantine", std::to_string(f)}, {"bft_behaviour", behaviour.toStdString()}}));
        const double views = value(r, "ledger.views");
        const double committed = value(r, "ledger.committed");
        const double changes = value(r, "ledger.view_changes");
        const double stale = value(r, "ledger.blocks.stale");
        qInfo("n = %d, %d %s: %.0f views, %.0f view changes, %.0f committed, %.0f stale", n, f,
              qPrintable(behaviour), views, changes, committed, stale);
        int byzantine = 0;
        for (const ValidatorRow& v : validators(r))
            byzantine += v.behaviour != "honest";
        QCOMPARE(byzantine, f);
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
        // The f Byzantine lead f views in n: those fail at worst; the honest views commit.
        QVERIFY2(committed >= 0.4 * views, qPrintable(QString::number(committed)));
        if (behaviour == "silent") {
            QVERIFY2(std::abs(changes - views * f / n) <= 2, qPrintable(QString::number(changes)));
        } else {
            // Each equivocating leader's view leaves at least one of its two blocks stale.
            QVERIFY2(stale >= views * f / n - 2, qPrintable(QString::number(stale)));
        }
    }

    /// (4) More than f validators crash: no quorum, no certificate, no commit after the crash
    /// (a proposal in flight may still land: nothing made after it is committed), no conflict.
    /// The view timer doubles: timeouts 0.5, 1 and 2 s after the last progress end three views
    /// in the 6 s that follow (the fourth would come 8 s after).
    void moreThanFCrashedStopsCommits() {
        nlohmann::json doc = bftMesh(4, "2s");
        doc["network"]["groups"] = {{{"id", "miners"}, {"count", 2}, {"role", "miner"}},
                                    {{"id", "crashers"}, {"count", 2}, {"role", "miner"}}};
        doc["network"]["topologies"][0]["members"] = {"miners", "crashers"};
        const core::RunReport before = run(doc);
        doc["network"]["faults"] = {{{"at", "2s"}, {"kind", "crash"}, {"targets", {"crashers"}}}};
        doc["run"]["until"] = "8s";
        const core::RunReport r = run(doc);
        const double committed0 = value(before, "ledger.committed");
        const double committed = value(r, "ledger.committed");
        qInfo(
            "committed %.0f at the crash, %.0f at the end; %.0f view changes; latest committed "
            "block made at %.3f s",
            committed0, committed, value(r, "ledger.view_changes"), latestCommittedMade(r));
        QVERIFY(committed0 > 80);
        QVERIFY(committed - committed0 <= 3);  // three-chains in flight at the crash
        QVERIFY(latestCommittedMade(r) < 2.0);
        for (const ValidatorRow& v : validators(r))
            if (v.up) QVERIFY(v.lastCommit < 2.0 + 3 * kDelay);
        QCOMPARE(value(r, "ledger.view_changes"), 3.0);
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
    }

    /// (5) A partition into two sides of two validators each (n = 4, quorum 3): no side can
    /// certify, so commits stop; once it heals, the validators meet in one view at their next
    /// timeout and commits resume. Cut from 2 to 4 s: timeouts at about 2.5, 3.5 and 5.5 s
    /// (the timer doubling), so the views resume near 5.5 s and the 4.5 s left hold ~220 views.
    void partitionWithoutQuorumStopsCommitsUntilHealed() {
        nlohmann::json doc = bftRegions(2, 2, "2s");
        doc["network"]["faults"] = {
            {{"at", "2s"}, {"kind", "partition"}, {"targets", {"east"}}, {"duration", "2s"}}};
        const core::RunReport atCut = run(doc);
        doc["run"]["until"] = "4s";
        const core::RunReport atHeal = run(doc);
        doc["run"]["until"] = "10s";
        const core::RunReport r = run(doc);
        const double a = value(atCut, "ledger.committed"), b = value(atHeal, "ledger.committed"),
                     c = value(r, "ledger.committed");
        qInfo("committed %.0f at the cut, %.0f at the heal, %.0f at 10 s; %.0f view changes", a, b,
              c, value(r, "ledger.view_changes"));
        QVERIFY(a > 80);
        QVERIFY(b - a <= 3);
        QVERIFY(latestCommittedMade(atHeal) < 2.0);
        const double resumed = (c - b) * 2 * kDelay;  // seconds of views after the heal
        QVERIFY2(resumed > 0.9 * (10 - 5.5) && resumed < 1.05 * (10 - 5.5),
                 qPrintable(QString::number(resumed)));
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
        for (const ValidatorRow& v : validators(r))
            QVERIFY(v.height >= c - 3);
        // With three validators on one side (a quorum), that side goes on through the cut, the
        // one cut off like a crashed validator: a view change in every four views, three
        // commits per cycle of T + 7d (0.571 s), about ten in the 2 s of the cut.
        nlohmann::json three = bftRegions(3, 1, "4s");
        three["network"]["faults"] = doc["network"]["faults"];
        const core::RunReport majority = run(three);
        const double m = value(majority, "ledger.committed");
        qInfo("three against one: committed %.0f at the heal", m);
        QVERIFY2(m >= a + 8 && m <= a + 12, qPrintable(QString::number(m)));
        QCOMPARE(conflictingPairs(majority), 0);
    }

    /// The audit trail with consensus bft: a federated run's rounds become final by BFT
    /// commits, are listed by query and their receipts verify.
    void federatedRoundsBecomeFinalByCommits() {
        const nlohmann::json doc = federatedAuditScenario(
            {{"consensus", "bft"}, {"interval", "5s"}, {"relay", "push"}, {"tx_rate", 0}});
        const core::RunReport r = run(doc, std::nullopt, registryWithFederation());
        QCOMPARE(metric(r, "federated.rounds_recorded").value, 6.0);
        QCOMPARE(metric(r, "ledger.records.final").value, 6.0);
        QCOMPARE(AuditorLayer::rounds.size(), std::size_t{6});
        QCOMPARE(AuditorLayer::verified, 6);
        // The six rounds end within the first half second and go into the first block, made
        // 5 s (interval) after the genesis block. A leader waits `interval` after the block it
        // extends, so the QC of the block two above theirs forms two intervals and two
        // crossings after it (at the leader of the view after, ledger.finality_time) and
        // reaches the other validators, the server among them, in the proposal of the view
        // after that, made at 20 s: final at the server one crossing (three links) later.
        for (const auto& e : AuditorLayer::rounds) {
            QVERIFY(e.receipt.final());
            QCOMPARE(e.receipt.height, std::uint64_t{1});
            QVERIFY(e.receipt.submittedAt < 500'000'000);
            QVERIFY2(e.receipt.finalAt > 20'000'000'000 && e.receipt.finalAt < 20'100'000'000,
                     qPrintable(QString::number(sim::toSeconds(e.receipt.finalAt))));
        }
        const double finality = metric(r, "ledger.finality_time").mean;
        qInfo("record latency %.2f s, finality %.2f s", metric(r, "ledger.record_latency").mean,
              finality);
        QVERIFY2(finality > 10 && finality < 10.2, qPrintable(QString::number(finality)));
        QCOMPARE(value(r, "ledger.view_changes"), 0.0);
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
    }

    /// The same protocol over gossip: twenty validators with eight random peers each, compact
    /// relay, 50 transactions a second, 20 ms to check a block, one block a second at most,
    /// one equivocator. Views last the 1 s interval; the equivocator's twins spread from two
    /// halves of its peers and split the honest votes, so neither gets a quorum (13 of 20) and
    /// each view it leads ends in a view change; the everyday load is all on the chain but the
    /// last block's worth; the chain verifies and honest commits agree.
    void overGossipWithTransactions() {
        nlohmann::json doc = bftMesh(20, "60s",
                                     {{"peers", "random"},
                                      {"relay", "compact"},
                                      {"tx_rate", 50},
                                      {"block_check", "20ms"},
                                      {"interval", "1s"},
                                      {"bft_byzantine", "miners[7]"},
                                      {"bft_behaviour", "equivocate"}});
        const core::RunReport r = run(doc);
        const double views = value(r, "ledger.views"), committed = value(r, "ledger.committed");
        qInfo("%.0f views, %.0f committed, %.0f view changes, finality %.2f s, %.1f tx/s", views,
              committed, value(r, "ledger.view_changes"), metric(r, "ledger.finality_time").mean,
              value(r, "ledger.tps"));
        // Views are the interval, the failed ones interval + view_timeout (1.5 s); after each
        // the next leader proposes at once on a block older than the interval.
        QVERIFY(views >= 55 && views <= 65);
        int led = 0;  // views the equivocator, validator 7, led
        for (int v = 1; v <= static_cast<int>(views); ++v)
            led += v % 20 == 7;
        QCOMPARE(value(r, "ledger.view_changes"), static_cast<double>(led));
        // A failed view breaks the consecutive views of the three-chains around it.
        QVERIFY2(committed >= views - 3 * led - 3, qPrintable(QString::number(committed)));
        QVERIFY(std::abs(value(r, "ledger.tps") - 50) < 5);
        QCOMPARE(value(r, "ledger.verified_height"), value(r, "ledger.height"));
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
    }

    void reproducible() {
        const nlohmann::json doc =
            bftMesh(4, "2s", {{"bft_byzantine", "1"}, {"bft_behaviour", "equivocate"}});
        const core::RunReport a = run(doc), b = run(doc);
        QCOMPARE(a.fingerprint, b.fingerprint);
        QCOMPARE(value(a, "ledger.committed"), value(b, "ledger.committed"));
    }

    void badParametersAreNamed_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown node") << "bft_byzantine"
                                      << "miners[1],nobody"
                                      << "/layers/ledger/bft_byzantine"
                                      << "nobody";
        QTest::newRow("too many") << "bft_byzantine"
                                  << "5"
                                  << "/layers/ledger/bft_byzantine"
                                  << "only 4";
        QTest::newRow("a pow attack") << "selfish_miner"
                                      << "miners[0]"
                                      << "/layers/ledger/selfish_miner"
                                      << "bft_byzantine";
        QTest::newRow("no validator") << "miner_role"
                                      << "nobody"
                                      << "/layers/ledger/miner_role"
                                      << "validates";
    }
    void badParametersAreNamed() {
        QFETCH(QString, param);
        QFETCH(QString, text);
        QFETCH(QString, pointer);
        QFETCH(QString, says);
        const nlohmann::json doc = bftMesh(4, "1s", {{param.toStdString(), text.toStdString()}});
        auto s = load(doc);
        QVERIFY(s.ok());
        auto prepared = core::ScenarioRun::prepare(*s, core::RunOptions{});
        QVERIFY(!prepared.ok());
        const std::string& e = prepared.error().message;
        QVERIFY2(e.find(pointer.toStdString()) != std::string::npos, e.c_str());
        QVERIFY2(e.find(says.toStdString()) != std::string::npos, e.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLedgerBft)
#include "tst_ledger_bft.moc"
