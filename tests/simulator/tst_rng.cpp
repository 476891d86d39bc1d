// Random streams: reproducible to the bit, independent by name, and each distribution with
// the moments it promises. Statistical checks use fixed seeds, so they are deterministic; the
// bounds are set at 5 standard errors, which a correct generator misses with probability
// below 1e-6 per check for a fresh seed.
#include <QtTest>

#include <cmath>
#include <map>
#include <vector>

#include "dais/sim/rng.h"

using namespace dais::sim;

namespace {

struct Moments {
    double mean = 0, var = 0;
};

template <class F>
Moments sample(int n, F draw) {
    double sum = 0, sumSq = 0;
    for (int i = 0; i < n; ++i) {
        const double x = draw();
        sum += x;
        sumSq += x * x;
    }
    const double mean = sum / n;
    return {mean, (sumSq - n * mean * mean) / (n - 1)};
}

/// Pearson's chi-square statistic of observed counts against expected counts.
double chiSquare(const std::vector<double>& observed, const std::vector<double>& expected) {
    double x2 = 0;
    for (std::size_t i = 0; i < observed.size(); ++i)
        x2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
    return x2;
}

/// A generous upper bound for chi-square with k degrees of freedom: mean k plus 5 standard
/// deviations sqrt(2k).
double chiBound(double k) {
    return k + 5 * std::sqrt(2 * k);
}

}  // namespace

class TestRng : public QObject {
    Q_OBJECT
  private slots:
    void goldenValues() {
        // These exact words are the contract that runs reproduce on every machine: if this
        // test fails, every stored fingerprint changes.
        RngStream s(42, "network", 7, "latency");
        const std::uint64_t first = s.next();
        const std::uint64_t second = s.next();
        RngStream again(42, "network", 7, "latency");
        QCOMPARE(again.next(), first);
        QCOMPARE(again.next(), second);
        QCOMPARE(mix64(0), std::uint64_t(0));
        QCOMPARE(mix64(1), std::uint64_t(0x5692161d100b05e5ULL));
        QCOMPARE(hashName(""), mix64(0xcbf29ce484222325ULL));
        QCOMPARE(first, std::uint64_t(0xa0f89cd203718836ULL));
    }

    void streamsAreIndependentByName() {
        const std::uint64_t base = RngStream(1, "net", 5, "loss").next();
        QVERIFY(RngStream(2, "net", 5, "loss").next() != base);
        QVERIFY(RngStream(1, "fl", 5, "loss").next() != base);
        QVERIFY(RngStream(1, "net", 6, "loss").next() != base);
        QVERIFY(RngStream(1, "net", 5, "latency").next() != base);
        // A stream depends on its own name only: creating streams for many other nodes in
        // between changes nothing (adding a node never changes another node's draws).
        std::vector<RngStream> others;
        for (std::uint64_t n = 0; n < 1000; ++n)
            others.emplace_back(1, "net", n + 100, "loss");
        QCOMPARE(RngStream(1, "net", 5, "loss").next(), base);
    }

    void neighbouringStreamsAreUncorrelated() {
        // Streams of consecutive nodes: the correlation of their uniforms is ~N(0, 1/n).
        const int n = 200'000;
        RngStream a(9, "x", 0, "p"), b(9, "x", 1, "p");
        double sab = 0, sa = 0, sb = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; ++i) {
            const double x = a.uniform(), y = b.uniform();
            sab += x * y;
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
        }
        const double cov = sab / n - (sa / n) * (sb / n);
        const double r = cov / std::sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
        QVERIFY2(std::abs(r) < 5 / std::sqrt(double(n)), qPrintable(QString::number(r)));
    }

    void uniformAndBelow() {
        RngStream s(3, "t", 0, "u");
        const int n = 400'000;
        const Moments m = sample(n, [&] { return s.uniform(); });
        QVERIFY(std::abs(m.mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
        for (int i = 0; i < 1000; ++i) {
            const double u = s.uniform();
            QVERIFY(u >= 0 && u < 1);
            const double p = s.uniformPositive();
            QVERIFY(p > 0 && p <= 1);
        }
        // below(7): chi-square over 7 cells; below(1) is always 0.
        std::vector<double> counts(7, 0);
        for (int i = 0; i < 700'000; ++i)
            counts[s.below(7)] += 1;
        QVERIFY(chiSquare(counts, std::vector<double>(7, 100'000)) < chiBound(6));
        QCOMPARE(s.below(1), std::uint64_t(0));
        // A range that does not divide 2^64 evenly, near the top: still in range.
        for (int i = 0; i < 1000; ++i)
            QVERIFY(s.below(0xffffffffffffff01ULL) < 0xffffffffffffff01ULL);
    }

    void continuousDistributions_data() {
        QTest::addColumn<QString>("dist");
        QTest::addColumn<double>("mean");
        QTest::addColumn<double>("variance");
        QTest::newRow("exponential(mean 2.5)") << "exp" << 2.5 << 6.25;
        QTest::newRow("normal(3, 2)") << "normal" << 3.0 << 4.0;
        // lognormal(mu, sigma): mean exp(mu + s^2/2), variance (exp(s^2) - 1) exp(2mu + s^2)
        QTest::newRow("lognormal(0, 0.5)")
            << "lognormal" << std::exp(0.125) << (std::exp(0.25) - 1) * std::exp(0.25);
        // Pareto(xm=1, alpha=5): mean 5/4, variance 5/(16*3) (alpha > 4 keeps the 4th moment
        // finite, so the standard error of the sample variance is meaningful).
        QTest::newRow("pareto(1, 5)") << "pareto" << 1.25 << 5.0 / 48.0;
        QTest::newRow("uniform(2, 5)") << "uniform" << 3.5 << 0.75;
    }
    void continuousDistributions() {
        QFETCH(QString, dist);
        QFETCH(double, mean);
        QFETCH(double, variance);
        RngStream s(11, "t", 0, dist.toStdString());
        const int n = 400'000;
        const Moments m = sample(n, [&]() -> double {
            if (dist == "exp") return s.exponential(2.5);
            if (dist == "normal") return s.normal(3, 2);
            if (dist == "lognormal") return s.lognormal(0, 0.5);
            if (dist == "pareto") return s.pareto(1, 5);
            return s.uniform(2, 5);
        });
        const double seMean = std::sqrt(variance / n);
        QVERIFY2(std::abs(m.mean - mean) < 5 * seMean,
                 qPrintable(QString("mean %1 vs %2").arg(m.mean).arg(mean)));
        // The variance estimate is checked loosely (its own standard error depends on the 4th
        // moment): within 5%.
        QVERIFY2(std::abs(m.var - variance) < 0.05 * variance,
                 qPrintable(QString("variance %1 vs %2").arg(m.var).arg(variance)));
    }

    void lognormalMedianAndParetoMinimum() {
        RngStream s(5, "t", 0, "m");
        std::vector<double> v(100'001);
        for (double& x : v)
            x = s.lognormal(std::log(20.0), 1.0);
        std::nth_element(v.begin(), v.begin() + 50'000, v.end());
        // The sample median of n draws has standard error ~ 1/(2 f(m) sqrt(n)); for this
        // lognormal f(m) = 1/(m sqrt(2 pi)), so the SE is about 20*2.507/(2*316) = 0.08.
        QVERIFY(std::abs(v[50'000] - 20.0) < 5 * 0.08);
        for (int i = 0; i < 10'000; ++i)
            QVERIFY(s.pareto(3.0, 1.2) >= 3.0);
    }

    void bernoulli() {
        RngStream s(8, "t", 0, "b");
        const int n = 200'000;
        int hits = 0;
        for (int i = 0; i < n; ++i)
            hits += s.bernoulli(0.3);
        QVERIFY(std::abs(hits / double(n) - 0.3) < 5 * std::sqrt(0.3 * 0.7 / n));
        for (int i = 0; i < 100; ++i) {
            QVERIFY(!s.bernoulli(0.0));
            QVERIFY(s.bernoulli(1.0));
        }
    }

    void categorical() {
        const std::vector<double> w = {1, 0, 3, 6};
        CategoricalSampler c(w);
        RngStream s(4, "t", 0, "c");
        std::vector<double> counts(4, 0);
        const int n = 500'000;
        for (int i = 0; i < n; ++i)
            counts[c(s)] += 1;
        QCOMPARE(counts[1], 0.0);  // weight 0 never drawn
        const std::vector<double> observed = {counts[0], counts[2], counts[3]};
        const std::vector<double> expected = {n * 0.1, n * 0.3, n * 0.6};
        QVERIFY(chiSquare(observed, expected) < chiBound(2));
    }

    void zipf_data() {
        QTest::addColumn<double>("s");
        QTest::newRow("s=0.8") << 0.8;
        QTest::newRow("s=1 (the classic)") << 1.0;
        QTest::newRow("s=2") << 2.0;
    }
    void zipf() {
        QFETCH(double, s);
        const std::uint64_t n = 50;
        ZipfSampler z(n, s);
        RngStream rng(6, "t", 0, "z");
        std::vector<double> counts(n, 0);
        const int draws = 500'000;
        for (int i = 0; i < draws; ++i) {
            const std::uint64_t k = z(rng);
            QVERIFY(k >= 1 && k <= n);
            counts[k - 1] += 1;
        }
        double norm = 0;
        for (std::uint64_t k = 1; k <= n; ++k)
            norm += std::pow(double(k), -s);
        // Pool the tail so every cell expects at least 50 draws.
        std::vector<double> obs, exp;
        double tailObs = 0, tailExp = 0;
        for (std::uint64_t k = 1; k <= n; ++k) {
            const double e = draws * std::pow(double(k), -s) / norm;
            if (e >= 50) {
                obs.push_back(counts[k - 1]);
                exp.push_back(e);
            } else {
                tailObs += counts[k - 1];
                tailExp += e;
            }
        }
        if (tailExp > 0) {
            obs.push_back(tailObs);
            exp.push_back(tailExp);
        }
        QVERIFY2(chiSquare(obs, exp) < chiBound(double(obs.size() - 1)),
                 qPrintable(QString::number(chiSquare(obs, exp))));
    }
};

QTEST_APPLESS_MAIN(TestRng)
#include "tst_rng.moc"
