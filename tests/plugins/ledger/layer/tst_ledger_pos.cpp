// Proof of stake on the ledger (consensus: pos, Gasper): slots, proposers by stake, FFG
// justification and finality, partitions and validators offline, in runs.
//
// The network: validators every pair joined by its own link of one-way latency 10 ms and
// 1 Tbit/s, blocks pushed whole, nothing to check but signatures; slots of 1 s and epochs of 4
// slots, so a block, its attestations (a third into the slot) and their aggregates (two thirds
// in) are everywhere long before the next slot.
//
// What the timing gives: the checkpoint of epoch e (the block of slot 4e) is justified at the
// start of epoch e + 1, when the votes of epoch e are counted, and finalized at the start of
// epoch e + 2, when epoch e + 1's checkpoint is justified from it (the k = 1 rule). The blocks
// of epoch e after its checkpoint are final with epoch e + 1's checkpoint, at the start of
// epoch e + 3. So a block of slot s is final at the start of the second epoch after the one
// that follows s's epoch: between 2 and 3 epochs after its slot (8 s to 11 s here, the last slot
// of an epoch waiting longest: 4 (e + 3) - (4e + 1) = 11).
//
// Every test asserts figures, and the agreement of the nodes' finalized checkpoints from the
// run's own block tree (the ledger.blocks table).
#include <QtTest>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "dais/core/inspector.h"
#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

namespace {

constexpr int kSlotsPerEpoch = 4;
constexpr double kSlot = 1.0;  // seconds
constexpr double kEpoch = kSlotsPerEpoch * kSlot;

/// n validators of stake 1 each on a full mesh of 10 ms links, pos with 1 s slots and 4-slot
/// epochs, blocks pushed whole.
nlohmann::json posMesh(int n, const std::string& until,
                       const nlohmann::json& ledger = nlohmann::json::object()) {
    nlohmann::json l = {{"consensus", "pos"},
                        {"relay", "push"},
                        {"interval", "1s"},
                        {"slots_per_epoch", kSlotsPerEpoch}};
    l.update(ledger);
    nlohmann::json doc = meshScenario(n, "10ms", l);
    doc["run"]["until"] = until;
    return doc;
}

/// Validators in named groups (id, count, stake), all in one full mesh of 10 ms links; groups
/// whose id starts with "west" sit in the west region, the others in the east.
nlohmann::json posGroups(const std::vector<std::tuple<std::string, int, double>>& groups,
                         const std::string& until) {
    nlohmann::json doc = posMesh(2, until);
    doc["network"]["regions"] = {{{"id", "east"}, {"center", {0, 0}}, {"radius", 10}},
                                 {{"id", "west"}, {"center", {100, 0}}, {"radius", 10}}};
    doc["network"]["groups"] = nlohmann::json::array();
    doc["network"]["topologies"][0]["members"] = nlohmann::json::array();
    for (const auto& [id, count, stake] : groups) {
        doc["network"]["groups"].push_back({{"id", id},
                                            {"count", count},
                                            {"role", "miner"},
                                            {"region", id.rfind("west", 0) == 0 ? "west" : "east"},
                                            {"attributes", {{"ledger", {{"stake", stake}}}}}});
        doc["network"]["topologies"][0]["members"].push_back(id);
    }
    return doc;
}

using Tree = BlocksTable;

/// The checkpoints table's rows, as the run ended.
struct NodeRow {
    double stake = 0;
    bool up = true;
    std::string head, finalized;
    std::int64_t headSlot = 0, justifiedEpoch = 0, finalizedEpoch = 0, proposed = 0, missed = 0,
                 attested = 0;
};

std::vector<NodeRow> nodes(const core::RunReport& r) {
    const core::InspectorTable& t = table(r, "ledger.checkpoints");
    std::vector<NodeRow> out;
    for (std::size_t row = 0; row < t.rowCount(); ++row) {
        NodeRow n;
        n.stake = t.number(row, column(t, "stake"));
        n.up = t.integer(row, column(t, "up")) != 0;
        n.head = t.string(row, column(t, "head"));
        n.headSlot = t.integer(row, column(t, "head_slot"));
        n.justifiedEpoch = t.integer(row, column(t, "justified_epoch"));
        n.finalized = t.string(row, column(t, "finalized"));
        n.finalizedEpoch = t.integer(row, column(t, "finalized_epoch"));
        n.proposed = t.integer(row, column(t, "proposed"));
        n.missed = t.integer(row, column(t, "missed"));
        n.attested = t.integer(row, column(t, "attested"));
        out.push_back(n);
    }
    return out;
}

/// Pairs of nodes whose finalized checkpoints are not on one chain.
int conflictingPairs(const core::RunReport& r) {
    const Tree tree(r);
    const std::vector<NodeRow> rows = nodes(r);
    int bad = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = i + 1; j < rows.size(); ++j)
            if (!tree.oneChain(rows[i].finalized, rows[j].finalized)) ++bad;
    return bad;
}

}  // namespace

class TestLedgerPos : public QObject {
    Q_OBJECT

  private slots:
    /// (1) Twelve honest validators for 60 s: 60 slots after the genesis block, each with its
    /// block, no fork; every validator attests once in each of the 15 epochs begun; epochs 1 to
    /// 14 are justified (each at the next epoch's start) and 1 to 13 finalized, the last at
    /// 60 s with the checkpoint of slot 52, so the 52 blocks up to it are final, each 8 to 11 s
    /// (2 to 3 epochs) after its slot.
    void honestValidatorsFinalizeEveryEpoch() {
        const core::RunReport r = run(posMesh(12, "60s"));
        QCOMPARE(value(r, "ledger.slots"), 61.0);
        QCOMPARE(value(r, "ledger.blocks"), 60.0);
        QCOMPARE(value(r, "ledger.missed_slots"), 0.0);
        QCOMPARE(value(r, "ledger.blocks.stale"), 0.0);
        QCOMPARE(value(r, "ledger.reorgs"), 0.0);
        QCOMPARE(value(r, "ledger.height"), 60.0);
        QCOMPARE(value(r, "ledger.attestations"), 12.0 * 15);
        QCOMPARE(value(r, "ledger.justified_epochs"), 14.0);
        QCOMPARE(value(r, "ledger.finalized_epochs"), 13.0);
        QCOMPARE(value(r, "ledger.epochs_without_finality"), 2.0);
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(value(r, "ledger.verified_height"), 60.0);
        const core::MetricReport& f = metric(r, "ledger.finality_time");
        qInfo("finality: %llu blocks, mean %.3f s, min %.3f s, max %.3f s",
              static_cast<unsigned long long>(f.count), f.mean, f.min, f.max);
        QCOMPARE(f.count, std::uint64_t{52});
        QVERIFY(f.min >= 2 * kEpoch - 1e-6);
        QVERIFY(f.max <= 3 * kEpoch - kSlot + 1e-6);
        // Per epoch its checkpoint block 8 s after its slot and the three after it 11, 10 and
        // 9 s (epoch 0's slots 1 to 3 go with slot 4's checkpoint: 11, 10, 9 s): mean 9.5 s.
        QVERIFY(std::abs(f.mean - 9.5) < 0.05);
        // Every node has finalized epoch 13's checkpoint and heads the last block.
        for (const NodeRow& n : nodes(r)) {
            QCOMPARE(n.finalizedEpoch, std::int64_t{13});
            QCOMPARE(n.justifiedEpoch, std::int64_t{14});
            QCOMPARE(n.attested, std::int64_t{15});
        }
        QCOMPARE(conflictingPairs(r), 0);
        // Attestations: a committee of 3 per slot, all three aggregators; each member sends to
        // the two others, each aggregator one aggregate to the 11 other nodes: 6 + 33 a slot.
        QCOMPARE(value(r, "ledger.messages.attestation"), 60.0 * (6 + 33));
    }

    /// (2) Proposers by stake: eight validators of stakes 1, 1, 2, 2, 3, 3, 4, 4 (20 in all) over
    /// 2,000 slots. Validator i proposes about 2000 s_i / 20 times; the count is binomial, with
    /// standard deviation sqrt(2000 p (1 - p)) (at most 17.9), and every validator must lie
    /// within four of them (a uniform draw, 250 each, would miss the stake-1 validators' 100 by
    /// fifteen). Every slot has its block.
    void proposersAreDrawnByStake() {
        const core::RunReport r = run(posGroups(
            {{"one", 2, 1.0}, {"two", 2, 2.0}, {"three", 2, 3.0}, {"four", 2, 4.0}}, "2000s"));
        const double count = 2000;
        QCOMPARE(value(r, "ledger.blocks"), count);
        double total = 0;
        for (const NodeRow& n : nodes(r)) {
            const double p = n.stake / 20.0;
            const double sd = std::sqrt(count * p * (1 - p));
            qInfo("stake %.0f: %lld proposals, expected %.0f +- %.1f", n.stake,
                  static_cast<long long>(n.proposed), count * p, sd);
            QVERIFY2(std::abs(static_cast<double>(n.proposed) - count * p) <= 4 * sd,
                     qPrintable(QString::number(n.proposed)));
            total += static_cast<double>(n.proposed);
        }
        QCOMPARE(total, count);
        QCOMPARE(value(r, "ledger.finalized_epochs"), 498.0);
    }

    /// (3) A partition into two halves of equal stake (six validators each) from 12.1 s, just
    /// after epoch 1 was finalized at the start of epoch 3, to 28.1 s, four epochs on: each side
    /// builds its own chain (every slot still has its block), but neither has the 2/3 of the
    /// stake that justifies, so nothing more is finalized until the heal. After it the nodes
    /// hear each other's chains and votes, LMD-GHOST brings them to one branch, and finality
    /// resumes; every node has finalized the same checkpoint, on one chain with all others.
    void partitionWithoutTwoThirdsDelaysFinality() {
        nlohmann::json doc = posGroups({{"east", 6, 1.0}, {"west", 6, 1.0}}, "12100ms");
        doc["network"]["faults"] = {
            {{"at", "12100ms"}, {"kind", "partition"}, {"targets", {"east"}}, {"duration", "16s"}}};
        const core::RunReport atCut = run(doc);
        doc["run"]["until"] = "28100ms";
        const core::RunReport atHeal = run(doc);
        doc["run"]["until"] = "60s";
        const core::RunReport r = run(doc);
        qInfo(
            "finalized epochs %.0f at the cut, %.0f at the heal, %.0f at 60 s; justified %.0f, "
            "%.0f, %.0f; %.0f epochs without finality",
            value(atCut, "ledger.finalized_epochs"), value(atHeal, "ledger.finalized_epochs"),
            value(r, "ledger.finalized_epochs"), value(atCut, "ledger.justified_epochs"),
            value(atHeal, "ledger.justified_epochs"), value(r, "ledger.justified_epochs"),
            value(r, "ledger.epochs_without_finality"));
        QCOMPARE(value(atCut, "ledger.finalized_epochs"), 1.0);
        QCOMPARE(value(atCut, "ledger.justified_epochs"), 2.0);
        // During the cut: blocks in every slot, two chains, nothing justified nor finalized.
        QCOMPARE(value(atHeal, "ledger.blocks"), 28.0);
        QCOMPARE(value(atHeal, "ledger.finalized_epochs"), 1.0);
        QCOMPARE(value(atHeal, "ledger.justified_epochs"), 2.0);
        QCOMPARE(value(atHeal, "ledger.epochs_without_finality"), 6.0);
        {
            const Tree tree(atHeal);
            const std::vector<NodeRow> rows = nodes(atHeal);
            const NodeRow& east = rows.front();
            const NodeRow& west = rows.back();
            QVERIFY(!tree.below(east.head, west.head) && !tree.below(west.head, east.head));
            for (const NodeRow& n : rows)
                QCOMPARE(n.finalizedEpoch, std::int64_t{1});
        }
        // After the heal finality resumes: the last checkpoint finalized at 60 s is that of
        // epoch 13, as without the cut, and every node agrees; their heads are on one chain (the
        // block of slot 60, made as the run ends, has not reached them all).
        // Epoch 7 (28 to 32 s) still splits: each side's attesters vote for their own chain
        // until they have heard the other side's votes, which only come with their slots; by
        // its end every node holds all twelve latest votes, six on each branch, and the tie
        // goes to the same branch everywhere (the larger hash). Epoch 8 is justified at 36 s
        // (from epoch 2's checkpoint), epoch 9 at 40 s finalizes it, and so on to epoch 13:
        // 1 + 6 epochs finalized, 2 + 7 justified, and at 40 s epoch 10 began 8 epochs after
        // the last finalized one, the longest stretch.
        QCOMPARE(value(r, "ledger.finalized_epochs"), 7.0);
        QCOMPARE(value(r, "ledger.justified_epochs"), 9.0);
        QCOMPARE(value(r, "ledger.epochs_without_finality"), 8.0);
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        const std::vector<NodeRow> rows = nodes(r);
        for (const NodeRow& n : rows) {
            QCOMPARE(n.finalizedEpoch, std::int64_t{13});
            QCOMPARE(n.finalized, rows.front().finalized);
        }
        QCOMPARE(conflictingPairs(r), 0);
        const Tree tree(r);
        for (const NodeRow& n : rows)
            QVERIFY(tree.below(n.head, rows.front().head) || tree.below(rows.front().head, n.head));
        QVERIFY(value(r, "ledger.blocks.stale") > 0);  // the losing side's blocks
    }

    /// A partition of 7 against 5 validators cut in the middle of epoch 3 (at 13.5 s, two of
    /// its four committees have voted) for 16 s: the side of seven hears 6 + its own votes of
    /// the epoch's last two committees and justifies epoch 3, the side of five does not. After
    /// the heal the two sides would vote from different sources (3 and 2), neither link with
    /// 2/3, for ever; the blocks of the side of seven carry its justified checkpoint (as the
    /// beacon state does), the side of five takes it, and finality resumes.
    void partitionThatJustifiesOnOneSideHeals() {
        nlohmann::json doc = posGroups({{"east", 5, 1.0}, {"west", 7, 1.0}}, "28400ms");
        doc["network"]["faults"] = {
            {{"at", "12500ms"}, {"kind", "partition"}, {"targets", {"east"}}, {"duration", "16s"}}};
        const core::RunReport atHeal = run(doc);
        doc["run"]["until"] = "60s";
        const core::RunReport r = run(doc);
        std::map<std::int64_t, int> justifiedAtHeal;
        for (const NodeRow& n : nodes(atHeal))
            ++justifiedAtHeal[n.justifiedEpoch];
        qInfo(
            "at the heal: %d nodes justified epoch 3, %d epoch 2; at 60 s %.0f epochs "
            "finalized, %.0f without finality",
            justifiedAtHeal[3], justifiedAtHeal[2], value(r, "ledger.finalized_epochs"),
            value(r, "ledger.epochs_without_finality"));
        QCOMPARE(justifiedAtHeal[3], 7);
        QCOMPARE(justifiedAtHeal[2], 5);
        QCOMPARE(value(atHeal, "ledger.finalized_epochs"), 2.0);
        QCOMPARE(value(r, "ledger.conflicting_commits"), 0.0);
        QCOMPARE(conflictingPairs(r), 0);
        const std::vector<NodeRow> rows = nodes(r);
        for (const NodeRow& n : rows) {
            QCOMPARE(n.finalizedEpoch, std::int64_t{13});
            QCOMPARE(n.finalized, rows.front().finalized);
        }
    }

    /// (4) Validators offline. One of twelve down from the start: the slots it is drawn for are
    /// empty, and finality goes on. Four of twelve (exactly 1/3 of the stake) down from 20.2 s
    /// (after epoch 4 is justified and epoch 3 finalized, before slot 20's committee attests):
    /// the eight left hold 2/3 and finality goes on. Five (5/12 > 1/3): the last finalized
    /// epoch is 3 (at 20 s); blocks still come from the proposers that are up.
    void offlineValidatorsMissSlotsAndStopFinalityBeyondAThird() {
        nlohmann::json one = posGroups({{"offline", 1, 1.0}, {"online", 11, 1.0}}, "60s");
        one["network"]["faults"] = {{{"at", "500ms"}, {"kind", "crash"}, {"targets", {"offline"}}}};
        const core::RunReport r1 = run(one);
        const NodeRow down = nodes(r1).front();
        qInfo("one down: missed %.0f slots (%lld its own), %.0f blocks, %.0f finalized epochs",
              value(r1, "ledger.missed_slots"), static_cast<long long>(down.missed),
              value(r1, "ledger.blocks"), value(r1, "ledger.finalized_epochs"));
        QVERIFY(!down.up);
        QCOMPARE(down.proposed, std::int64_t{0});
        QVERIFY(down.missed > 0);
        QCOMPARE(value(r1, "ledger.missed_slots"), static_cast<double>(down.missed));
        QCOMPARE(value(r1, "ledger.blocks"), 60.0 - static_cast<double>(down.missed));
        QCOMPARE(value(r1, "ledger.finalized_epochs"), 13.0);
        QCOMPARE(value(r1, "ledger.epochs_without_finality"), 2.0);

        const auto offline = [](int k) {
            nlohmann::json doc = posGroups({{"offline", k, 1.0}, {"online", 12 - k, 1.0}}, "60s");
            doc["network"]["faults"] = {
                {{"at", "20200ms"}, {"kind", "crash"}, {"targets", {"offline"}}}};
            return run(doc);
        };
        const core::RunReport third = offline(4);
        QCOMPARE(value(third, "ledger.finalized_epochs"), 13.0);
        QCOMPARE(value(third, "ledger.epochs_without_finality"), 2.0);
        QVERIFY(value(third, "ledger.missed_slots") > 0);
        const core::RunReport more = offline(5);
        qInfo("five down: %.0f justified, %.0f finalized epochs, %.0f blocks, %.0f missed",
              value(more, "ledger.justified_epochs"), value(more, "ledger.finalized_epochs"),
              value(more, "ledger.blocks"), value(more, "ledger.missed_slots"));
        QCOMPARE(value(more, "ledger.justified_epochs"), 4.0);
        QCOMPARE(value(more, "ledger.finalized_epochs"), 3.0);
        // From epoch 5 (20 s) to epoch 15 (60 s) no epoch is finalized: 15 - 3.
        QCOMPARE(value(more, "ledger.epochs_without_finality"), 12.0);
        QCOMPARE(value(more, "ledger.blocks") + value(more, "ledger.missed_slots"), 60.0);
        QVERIFY(value(more, "ledger.blocks") > 20 + 0.4 * 40);
        for (const NodeRow& n : nodes(more))
            if (n.up) QCOMPARE(n.finalizedEpoch, std::int64_t{3});
    }

    /// A pos ledger without a validator of positive stake is refused, naming the parameter.
    void noStakeIsRefused() {
        nlohmann::json doc = posGroups({{"east", 4, 0.0}}, "10s");
        auto s = load(doc);
        QVERIFY(s.ok());
        core::RunOptions o;
        auto prepared = core::ScenarioRun::prepare(*s, o);
        QVERIFY(!prepared.ok());
        const std::string& e = prepared.error().message;
        QVERIFY2(e.find("/layers/ledger/miner_role") != std::string::npos, e.c_str());
        QVERIFY2(e.find("stake") != std::string::npos, e.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLedgerPos)
#include "tst_ledger_pos.moc"
