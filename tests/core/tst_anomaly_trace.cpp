// Round records read back from their text, and the trace from an accuracy drop to its cause:
// the updates that stood out, or, with hidden updates, the node whose presence goes with losses.
#include <QtTest>

#include <cmath>
#include <random>

#include "dais/core/anomaly_trace.h"
#include "dais/core/round_audit.h"

using namespace dais::core;

namespace {

Digest digestOf(const std::string& text) {
    return sha256(text);
}

/// `rounds` rounds of `nodes` clients n0, n1, ...; `attacker` joins every round it is drawn for
/// (all, unless `perRound` < nodes); from round `from` on its updates are `scale` times as long
/// and each round it joins loses `loss` accuracy. Norms are hidden when `hidden`.
std::vector<RoundAudit> history(int rounds, int nodes, int perRound, int attacker, int from,
                                double scale, double loss, bool hidden, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> norm(1.0, 0.1), noise(0.0, 0.01);
    std::vector<RoundAudit> out;
    double accuracy = 0.5;
    for (int r = 1; r <= rounds; ++r) {
        RoundAudit a;
        a.layer = "federated";
        a.round = static_cast<std::uint64_t>(r);
        a.server = "server";
        std::vector<int> order(static_cast<std::size_t>(nodes));
        for (int i = 0; i < nodes; ++i)
            order[static_cast<std::size_t>(i)] = i;
        std::shuffle(order.begin(), order.end(), rng);
        order.resize(static_cast<std::size_t>(perRound));
        bool poisoned = false;
        for (int i : order) {
            RoundAudit::Update u;
            u.node = "n" + std::to_string(i);
            u.digest = digestOf(u.node + "/" + std::to_string(r));
            u.manifest = digestOf(u.node);
            const bool attacks = i == attacker && r >= from;
            poisoned = poisoned || attacks;
            u.norm = hidden ? std::nan("") : norm(rng) * (attacks ? scale : 1.0);
            a.updates.push_back(u);
        }
        accuracy = std::clamp(accuracy + (poisoned ? -loss : 0.02) + noise(rng), 0.05, 0.95);
        a.accuracy = accuracy;
        a.model = digestOf("model/" + std::to_string(r));
        out.push_back(a);
    }
    return out;
}

std::vector<std::string> names(const TraceResult& t) {
    std::vector<std::string> out;
    for (const TraceSuspect& s : t.suspects)
        out.push_back(s.node);
    return out;
}

}  // namespace

class TestAnomalyTrace : public QObject {
    Q_OBJECT

  private slots:
    void recordReadsBackAsWritten() {
        RoundAudit a;
        a.layer = "federated";
        a.round = 7;
        a.server = "server";
        a.model = digestOf("m");
        a.accuracy = 0.8125;
        a.updates.push_back({"h1", digestOf("u1"), 1.5, digestOf("d1")});
        a.updates.push_back({"h2", digestOf("u2"), std::nan(""), digestOf("d2")});
        a.rejected = {"h3"};
        const std::string text = encodeRoundAudit(a);
        auto back = decodeRoundAudit(text);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        const RoundAudit& b = back.value();
        QCOMPARE(b.round, 7u);
        QCOMPARE(b.server, std::string("server"));
        QVERIFY(b.model == a.model);
        QCOMPARE(b.accuracy, 0.8125);
        QCOMPARE(b.updates.size(), 2u);
        QCOMPARE(b.updates[0].node, std::string("h1"));
        QVERIFY(b.updates[0].digest == a.updates[0].digest);
        QCOMPARE(b.updates[0].norm, 1.5);
        QVERIFY(std::isnan(b.updates[1].norm));
        QVERIFY(b.updates[1].manifest == a.updates[1].manifest);
        QCOMPARE(b.rejected, std::vector<std::string>{"h3"});
        // Per update: a node, two digests and a number, about 150 bytes.
        QVERIFY(text.size() < 200 + 2 * 160);
    }

    void badRecordsNameWhatIsWrong() {
        QVERIFY(!decodeRoundAudit("{").ok());
        auto bad = decodeRoundAudit(
            R"({"layer":"federated","round":1,"server":"s","model":")" + hexText(digestOf("m")) +
            R"(","accuracy":0.5,"updates":[["h1",")" + hexText(digestOf("u")) + R"(",1,")" +
            hexText(digestOf("d")) + R"("],["h2","abc",1,"x"]]})");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.find("updates[1] digest") != std::string::npos,
                 bad.error().message.c_str());
        auto noRound = decodeRoundAudit(R"({"layer":"federated","round":-1})");
        QVERIFY(!noRound.ok());
        QVERIFY(noRound.error().message.find("round") != std::string::npos);
    }

    /// Everyone joins every round; from round 12 one client sends updates five times as long and
    /// the model drops: the trace finds round 12 and names that client alone.
    void outlyingUpdateNamesItsSender() {
        const auto rounds = history(20, 10, 10, 3, 12, 5.0, 0.3, false, 1);
        const TraceResult t = traceAnomaly(rounds);
        QVERIFY(!t.anomalies.empty());
        QCOMPARE(t.anomalies.front().round, 12u);
        QCOMPARE(names(t), std::vector<std::string>{"n3"});
        const TraceSuspect& s = t.suspects.front();
        QVERIFY(std::find(s.rounds.begin(), s.rounds.end(), 12u) != s.rounds.end());
        QCOMPARE(s.updates.size(), s.rounds.size());
        QVERIFY(s.updates.front() == digestOf("n3/12"));
        QVERIFY2(s.evidence.find("times the median") != std::string::npos, s.evidence.c_str());
        QVERIFY(s.score > 3.5);
    }

    /// Hidden updates, half the clients a round: only presence against losses tells, and it
    /// names the attacker over 60 rounds, and nobody else.
    void presenceWithLossesNamesTheHiddenAttacker() {
        int found = 0;
        for (unsigned seed = 1; seed <= 5; ++seed) {
            const auto rounds = history(60, 10, 5, 6, 1, 1.0, 0.06, true, seed);
            TraceOptions o;
            o.drop = 0.03;
            const TraceResult t = traceAnomaly(rounds, o);
            const auto n = names(t);
            QVERIFY2(n.size() <= 1, ("seed " + std::to_string(seed) + ": " +
                                     std::to_string(n.size()) + " suspects")
                                        .c_str());
            if (n == std::vector<std::string>{"n6"}) ++found;
        }
        QVERIFY2(found >= 4, std::to_string(found).c_str());
    }

    /// When every client joins every round, hidden updates leave nothing to tell them apart: the
    /// trace says so and names nobody.
    void hiddenUpdatesWithFullParticipationNameNobody() {
        const auto rounds = history(30, 8, 8, 2, 10, 1.0, 0.2, true, 3);
        const TraceResult t = traceAnomaly(rounds);
        QVERIFY(!t.anomalies.empty());
        QVERIFY(t.suspects.empty());
        QVERIFY(!t.notes.empty());
        QVERIFY(t.notes.front().find("secure aggregation") != std::string::npos);
    }

    /// Honest rounds that wobble less than the drop give no anomaly and no suspect; a round a
    /// person names is traced all the same (an attack from the first round never "drops").
    void noAnomalyUnlessNamed() {
        const auto honest = history(30, 10, 10, -1, 1, 1.0, 0.0, false, 4);
        const TraceResult t = traceAnomaly(honest);
        QVERIFY(t.anomalies.empty());
        QVERIFY(t.suspects.empty());
        QVERIFY(t.notes.front().find("never fell") != std::string::npos);

        const auto attacked = history(10, 10, 10, 4, 1, 5.0, 0.0, false, 5);
        TraceOptions o;
        o.rounds = {1, 2, 99};
        const TraceResult named = traceAnomaly(attacked, o);
        QCOMPARE(named.anomalies.size(), 2u);
        QVERIFY(named.anomalies.front().named);
        QCOMPARE(names(named), std::vector<std::string>{"n4"});
        QVERIFY(named.notes.front().find("round 99 is not recorded") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestAnomalyTrace)
#include "tst_anomaly_trace.moc"
