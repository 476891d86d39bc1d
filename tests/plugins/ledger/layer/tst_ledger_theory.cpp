// The ledger against theory: the stale rate of proof of work with equal miners and a fixed
// delay between any two of them, the revenue of a selfish miner, and the success of double
// spending against k confirmations.
//
// The model: n miners of equal hash power find blocks at total rate lambda; any block reaches
// every other miner exactly D after it is found. For large n (a miner's own blocks are a small
// share), a block found at t builds on the highest block found before t - D, so the first block
// of height h + 1 is the first one found more than D after the first block of height h: heights
// advance every D + Exp(lambda), the best chain grows at lambda / (1 + lambda D) blocks a second,
// and the share of blocks left stale is
//
//     s = 1 - 1 / (1 + lambda D) = lambda D / (1 + lambda D)
//
// (the growth rate of Pass, Seeman and shelat's analysis of Nakamoto consensus with delay D,
// Eurocrypt 2017, and of Sompolinsky and Zohar's GHOST paper for a fixed delay; for small
// lambda D, s ~ lambda D, Decker and Wattenhofer's first-order fork rate).
//
// Tolerance: with N blocks the stale share has a standard deviation near sqrt(s (1 - s) / N);
// the runs below make about 3,000 blocks, so 0.7 points at s = 0.2 and 0.5 points at s = 0.09.
// A finite n lets a miner build on its own block unseen by others, which lowers s by at most
// about lambda D / n (0.6 points for 40 miners at lambda D = 0.25). The tests allow 2.5 points:
// over three standard deviations plus that bias, and far from what a wrong delay would give
// (with 3 D, s would be 0.43; with D / 2, 0.11).
#include <QtTest>

#include <cmath>

#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

class TestLedgerTheory : public QObject {
    Q_OBJECT

  private slots:
    void staleRateMatchesFixedDelayModel_data() {
        QTest::addColumn<QString>("relay");
        QTest::addColumn<QString>("latency");  // one hop; a block takes 1 hop (push) or 3 (inv)
        QTest::addColumn<double>("delay");     // seconds from a block's making to every miner
        QTest::newRow("push, D = 2.5 s") << "push"
                                         << "2500ms" << 2.5;
        QTest::newRow("push, D = 1 s") << "push"
                                       << "1000ms" << 1.0;
        QTest::newRow("inv, D = 3 x 0.8 s") << "inv"
                                            << "800ms" << 2.4;
    }
    void staleRateMatchesFixedDelayModel() {
        QFETCH(QString, relay);
        QFETCH(QString, latency);
        QFETCH(double, delay);
        const double interval = 10;
        nlohmann::json doc = meshScenario(40, latency.toStdString(),
                                          {{"relay", relay.toStdString()}, {"interval", "10s"}});
        doc["run"]["until"] = "30000s";
        const core::RunReport r = run(doc);
        const double blocks = metric(r, "ledger.blocks").value;
        const double stale = metric(r, "ledger.stale_rate").value;
        const double ld = delay / interval;
        const double expected = ld / (1 + ld);
        qInfo("%s: %.0f blocks, stale rate %.4f, model %.4f", qPrintable(relay), blocks, stale,
              expected);
        QVERIFY(blocks > 2500 && blocks < 3500);
        QVERIFY2(std::abs(stale - expected) < 0.025,
                 qPrintable(QString("stale rate %1, model %2").arg(stale).arg(expected)));
        // Heights advance every D + Exp(lambda): the best chain's mean block interval.
        QVERIFY(std::abs(metric(r, "ledger.block_interval").value - (interval + delay)) <
                0.08 * (interval + delay));
    }

    /// Selfish mining against Eyal and Sirer's relative revenue (FC 2014, eq. 8):
    ///   R = [a (1 - a)^2 (4a + g (1 - 2a)) - a^3] / [1 - a (1 + (2 - a) a)]
    /// for a selfish share a and a share g of honest miners that mine on its block in a race.
    /// Here g = 0: ten honest miners 10 ms apart, the selfish one 400 ms from each, so in a race
    /// every honest miner has the honest block first. About 4,000 best-chain blocks: the
    /// revenue's standard deviation is near 0.01 (races make neighbouring blocks dependent, so
    /// the test allows 0.035), while honest mining would give R = a (0.084 and 0.055 away).
    void selfishMiningRevenue_data() {
        QTest::addColumn<double>("share");
        QTest::newRow("a = 0.40: pays") << 0.40;
        QTest::newRow("a = 0.25: does not") << 0.25;
    }
    void selfishMiningRevenue() {
        QFETCH(double, share);
        const double a = share, g = 0;
        const double expected = (a * (1 - a) * (1 - a) * (4 * a + g * (1 - 2 * a)) - a * a * a) /
                                (1 - a * (1 + (2 - a) * a));
        nlohmann::json doc = meshScenario(10, "10ms", {{"relay", "push"}, {"interval", "100s"}});
        doc["network"]["nodes"] = {{{"id", "pool"}, {"role", "miner"}}};
        doc["network"]["topologies"].push_back(
            {{"generator", "star"},
             {"hub", "pool"},
             {"members", {"pool", "miners"}},
             {"link", {{"latency", "400ms"}, {"bandwidth", "1Tbps"}}}});
        doc["layers"]["ledger"]["selfish_miner"] = "pool";
        doc["layers"]["ledger"]["selfish_share"] = a;
        doc["run"]["until"] = "600000s";
        const core::RunReport r = run(doc);
        const double revenue = metric(r, "ledger.selfish_revenue").value;
        qInfo("share %.2f: revenue %.4f, Eyal and Sirer %.4f (%.0f blocks, %.0f on the chain)", a,
              revenue, expected, metric(r, "ledger.blocks").value,
              metric(r, "ledger.height").value);
        QVERIFY2(std::abs(revenue - expected) < 0.035,
                 qPrintable(QString("revenue %1, theory %2").arg(revenue).arg(expected)));
        QCOMPARE(metric(r, "ledger.verified_height").value, metric(r, "ledger.height").value);
    }

    /// Double spending against a merchant who waits for n confirmations, against Rosenfeld's
    /// probability ("Analysis of Hashrate-Based Double Spending", 2014, eq. 1) for an attacker
    /// of share q (p = 1 - q) who pre-mines one block:
    ///   P = 1 - sum_{m=0..n} C(m + n - 1, m) (p^n q^m - q^n p^m).
    /// Ten honest miners and the attacker 10 ms apart, 100 s blocks for 2,400,000 s: 500 to
    /// 800 attempts, so the share that succeeds has a standard deviation near 0.015; the test
    /// allows 0.05. Giving up 20 blocks behind loses at most (q/p)^20 of the successes.
    void doubleSpendSuccessRate_data() {
        QTest::addColumn<double>("share");
        QTest::addColumn<int>("confirmations");
        QTest::newRow("q = 0.10, n = 1") << 0.10 << 1;
        QTest::newRow("q = 0.25, n = 3") << 0.25 << 3;
        QTest::newRow("q = 0.30, n = 6") << 0.30 << 6;
    }
    void doubleSpendSuccessRate() {
        QFETCH(double, share);
        QFETCH(int, confirmations);
        const double q = share, p = 1 - q;
        const int n = confirmations;
        double sum = 0;
        for (int m = 0; m <= n; ++m) {
            double c = 1;  // C(m + n - 1, m)
            for (int i = 1; i <= m; ++i)
                c = c * (n - 1 + i) / i;
            sum += c * (std::pow(p, n) * std::pow(q, m) - std::pow(q, n) * std::pow(p, m));
        }
        const double expected = 1 - sum;
        nlohmann::json doc = meshScenario(10, "10ms",
                                          {{"relay", "push"},
                                           {"interval", "100s"},
                                           {"confirmations", n},
                                           {"double_spender", "attacker"},
                                           {"double_spend_share", q}});
        doc["network"]["nodes"] = {{{"id", "attacker"}, {"role", "miner"}}};
        doc["network"]["topologies"].push_back(
            {{"generator", "star"},
             {"hub", "attacker"},
             {"members", {"attacker", "miners"}},
             {"link", {{"latency", "10ms"}, {"bandwidth", "1Tbps"}}}});
        doc["run"]["until"] = "2400000s";
        const core::RunReport r = run(doc);
        const double attempts = metric(r, "ledger.double_spends").value;
        const double success = metric(r, "ledger.double_spend_success").value;
        qInfo("q %.2f, n %d: %.0f attempts, %.4f succeeded; Rosenfeld %.4f", q, n, attempts,
              success, expected);
        QVERIFY(attempts > 200);
        QVERIFY2(std::abs(success - expected) < 0.05,
                 qPrintable(QString("success %1, theory %2").arg(success).arg(expected)));
        QCOMPARE(metric(r, "ledger.verified_height").value, metric(r, "ledger.height").value);
    }
};

QTEST_GUILESS_MAIN(TestLedgerTheory)
#include "tst_ledger_theory.moc"
