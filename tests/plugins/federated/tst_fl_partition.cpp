// Partitioners: every row used exactly once, per-client train/test sides, determinism, the
// label skew each scheme promises (statistically, with tolerances from the Dirichlet moments),
// shards giving k classes per client, power-law sizes, and the memory of an idle client.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "dais/fl/dataset.h"
#include "dais/fl/partition.h"
#include "dais/fl/random.h"

using namespace dais;
using namespace dais::fl;

Q_DECLARE_METATYPE(dais::fl::PartitionScheme)

namespace {

/// Labels only (one zero feature): `perClass[c]` rows of class c, classes interleaved.
Dataset labelled(const std::vector<std::size_t>& perClass) {
    Dataset d;
    d.classes = perClass.size();
    std::vector<std::size_t> left = perClass;
    for (bool any = true; any;) {
        any = false;
        for (std::size_t c = 0; c < left.size(); ++c)
            if (left[c] > 0) {
                --left[c];
                d.labels.push_back(static_cast<std::int32_t>(c));
                any = true;
            }
    }
    d.features = Eigen::MatrixXd::Zero(1, static_cast<Eigen::Index>(d.labels.size()));
    return d;
}

/// Class counts of client k (training and test sides).
std::vector<std::size_t> clientCounts(const Partition& p, const Dataset& d, std::size_t k) {
    std::vector<std::size_t> c(d.classes, 0);
    const ClientSlice& s = p.slice(k);
    for (std::uint32_t i = 0; i < s.size(); ++i)
        ++c[static_cast<std::size_t>(d.labels[p.indices()[s.offset + i]])];
    return c;
}

const std::vector<std::size_t> kUnbalanced{1500, 1200, 1000, 1000, 900, 800, 800, 700, 600, 500};

}  // namespace

class TestFlPartition : public QObject {
    Q_OBJECT

  private slots:
    void everyRowOnce_data() {
        QTest::addColumn<PartitionScheme>("scheme");
        QTest::newRow("iid") << PartitionScheme::Iid;
        QTest::newRow("dirichlet-client") << PartitionScheme::DirichletClient;
        QTest::newRow("dirichlet-class") << PartitionScheme::DirichletClass;
        QTest::newRow("shards") << PartitionScheme::Shards;
        QTest::newRow("power-law") << PartitionScheme::PowerLaw;
    }
    /// Every scheme hands out every row exactly once; slices tile the index array; each client
    /// keeps round(0.2 size) test rows; the same seed gives the same partition, another seed
    /// another one.
    void everyRowOnce() {
        QFETCH(PartitionScheme, scheme);
        const Dataset d = labelled(kUnbalanced);
        PartitionOptions o;
        o.scheme = scheme;
        o.clients = 50;
        o.alpha = 0.3;
        o.testFraction = 0.2;
        o.seed = 7;
        const Partition p = Partition::make(DataView::all(d), o);
        QCOMPARE(p.clients(), std::size_t(50));
        std::vector<int> seen(d.size(), 0);
        std::uint32_t offset = 0;
        for (std::size_t k = 0; k < p.clients(); ++k) {
            const ClientSlice& s = p.slice(k);
            QCOMPARE(s.offset, offset);
            offset += s.size();
            QCOMPARE(s.test, static_cast<std::uint32_t>(std::llround(0.2 * s.size())));
            QCOMPARE(p.trainView(d, k).size(), std::size_t(s.train));
            QCOMPARE(p.testView(d, k).size(), std::size_t(s.test));
            for (std::uint32_t i = 0; i < s.size(); ++i)
                ++seen[p.indices()[s.offset + i]];
        }
        QCOMPARE(std::size_t(offset), d.size());
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](int x) { return x == 1; }));

        const Partition again = Partition::make(DataView::all(d), o);
        QVERIFY(std::equal(p.indices().begin(), p.indices().end(), again.indices().begin()));
        o.seed = 8;
        const Partition other = Partition::make(DataView::all(d), o);
        QVERIFY(!std::equal(p.indices().begin(), p.indices().end(), other.indices().begin()));
    }

    /// A partition of some rows (a training split) only hands out those rows.
    void partitionOfAView() {
        const Dataset d = labelled({100, 100, 100});
        std::vector<std::uint32_t> rows;
        for (std::uint32_t i = 0; i < d.size(); i += 3)
            rows.push_back(i);
        PartitionOptions o;
        o.clients = 7;
        const Partition p = Partition::make(DataView::of(d, rows), o);
        std::vector<std::uint32_t> got(p.indices().begin(), p.indices().end());
        std::sort(got.begin(), got.end());
        QCOMPARE(got, rows);
    }

    void iidSizes() {
        const Dataset d = labelled(kUnbalanced);  // 9,000 rows
        PartitionOptions o;
        o.clients = 7;  // 9000 = 7 * 1285 + 5
        const Partition p = Partition::make(DataView::all(d), o);
        for (std::size_t k = 0; k < 7; ++k)
            QVERIFY(p.slice(k).size() == 1285 || p.slice(k).size() == 1286);
    }

    /// The Dirichlet sampler itself: Dir(a) has E[x_i] = a_i / A and
    /// Var[x_i] = a_i (A - a_i) / (A^2 (A + 1)). With 20,000 draws the sample mean is within
    /// 5 standard errors (sd / sqrt(20000)), the variance within 10% (relative SE of a
    /// variance of such bounded variables is about sqrt((kurtosis - 1) / n), under 2.5%).
    void dirichletMoments() {
        const std::vector<double> a{0.05, 0.3, 1.0, 2.65};  // A = 4
        const double A = 4.0;
        sim::RngStream rng(1, "test", 0, "dirichlet");
        const int n = 20000;
        std::vector<double> x(4), sum(4, 0.0), sq(4, 0.0);
        for (int i = 0; i < n; ++i) {
            dirichlet(rng, a, x);
            QVERIFY(std::abs(std::accumulate(x.begin(), x.end(), 0.0) - 1.0) < 1e-12);
            for (int j = 0; j < 4; ++j) {
                sum[static_cast<std::size_t>(j)] += x[static_cast<std::size_t>(j)];
                sq[static_cast<std::size_t>(j)] +=
                    x[static_cast<std::size_t>(j)] * x[static_cast<std::size_t>(j)];
            }
        }
        for (std::size_t j = 0; j < 4; ++j) {
            const double mean = sum[j] / n, var = sq[j] / n - mean * mean;
            const double em = a[j] / A, ev = a[j] * (A - a[j]) / (A * A * (A + 1));
            QVERIFY2(
                std::abs(mean - em) < 5 * std::sqrt(ev / n),
                qPrintable(QString("component %1: mean %2, expected %3").arg(j).arg(mean).arg(em)));
            QVERIFY2(
                std::abs(var / ev - 1) < 0.1,
                qPrintable(QString("component %1: var %2, expected %3").arg(j).arg(var).arg(ev)));
        }
        // Tiny concentrations still give points of the simplex (computed in logs).
        const std::vector<double> tiny(5, 1e-3);
        std::vector<double> y(5);
        dirichlet(rng, tiny, y);
        QVERIFY(
            std::all_of(y.begin(), y.end(), [](double v) { return std::isfinite(v) && v >= 0; }));
        QVERIFY(std::abs(std::accumulate(y.begin(), y.end(), 0.0) - 1.0) < 1e-12);
    }

    /// "dirichlet-client" (Hsu et al. 2019): client k's class mix q_k ~ Dir(alpha p), p the
    /// prior. A client of m rows then holds a share of class c with mean p_c and variance
    /// Var(q_c)(1 - 1/m) + p_c(1 - p_c)/m, Var(q_c) = p_c(1 - p_c)/(alpha + 1). Measured over
    /// 200 clients and pooled over the 10 classes: the mean share within 0.02 of p_c and the
    /// pooled variance near the formula. Handing out every row exactly once pulls the variance
    /// down: a client whose classes have run out takes rows of the others (the round robin
    /// spreads this over all clients, but it grows as alpha falls): the ratio measured is 0.81
    /// at alpha 0.1, 0.82 at 1, 0.85 at 10, 0.97 at 1000. Its relative standard error over 200
    /// clients is about 10%, so the bounds are [0.6, 1.2].
    void dirichletClientSkew_data() {
        QTest::addColumn<double>("alpha");
        QTest::newRow("alpha 0.1") << 0.1;
        QTest::newRow("alpha 1") << 1.0;
        QTest::newRow("alpha 10") << 10.0;
        QTest::newRow("alpha 1000") << 1000.0;
    }
    void dirichletClientSkew() {
        QFETCH(double, alpha);
        std::vector<std::size_t> per(10);
        for (std::size_t c = 0; c < 10; ++c)
            per[c] = 2000 * (c + 1);  // 110,000 rows, prior (c + 1) / 55
        const Dataset d = labelled(per);
        PartitionOptions o;
        o.scheme = PartitionScheme::DirichletClient;
        o.clients = 200;  // 550 rows each
        o.alpha = alpha;
        o.seed = 3;
        const Partition p = Partition::make(DataView::all(d), o);
        const double m = 550;
        double measured = 0, expected = 0;
        for (std::size_t c = 0; c < 10; ++c) {
            const double pc = static_cast<double>(c + 1) / 55.0;
            double s = 0, s2 = 0;
            for (std::size_t k = 0; k < p.clients(); ++k) {
                QCOMPARE(p.slice(k).size(), std::uint32_t(550));
                const double share = static_cast<double>(clientCounts(p, d, k)[c]) / m;
                s += share;
                s2 += share * share;
            }
            const double mean = s / 200, var = s2 / 200 - mean * mean;
            QVERIFY2(
                std::abs(mean - pc) < 0.02,
                qPrintable(QString("class %1: mean share %2, prior %3").arg(c).arg(mean).arg(pc)));
            const double vq = pc * (1 - pc) / (alpha + 1);
            measured += var;
            expected += vq * (1 - 1 / m) + pc * (1 - pc) / m;
        }
        qInfo("alpha %g: pooled variance of class shares %.5f, Dirichlet-multinomial %.5f", alpha,
              measured, expected);
        QVERIFY2(measured / expected > 0.6 && measured / expected < 1.2,
                 qPrintable(QString("%1 vs %2").arg(measured).arg(expected)));
    }

    /// "dirichlet-class" (the convention of Flower's DirichletPartitioner): each class is split
    /// over the K clients by p ~ Dir(alpha 1_K), so client k holds a share of class c with mean
    /// 1/K and variance (1/K)(1 - 1/K)/(K alpha + 1). Over 40 classes of 1,250 rows and 20
    /// clients (800 shares, 40 independent draws) the pooled variance is within 25% (its
    /// relative standard error is about 7%, up to 9% for the heavy tails of alpha = 0.1).
    void dirichletClassSkew_data() {
        QTest::addColumn<double>("alpha");
        QTest::newRow("alpha 0.1") << 0.1;
        QTest::newRow("alpha 0.5") << 0.5;
        QTest::newRow("alpha 5") << 5.0;
    }
    void dirichletClassSkew() {
        QFETCH(double, alpha);
        const Dataset d = labelled(std::vector<std::size_t>(40, 1250));
        PartitionOptions o;
        o.scheme = PartitionScheme::DirichletClass;
        o.clients = 20;
        o.alpha = alpha;
        o.seed = 4;
        const Partition p = Partition::make(DataView::all(d), o);
        double s = 0, s2 = 0;
        for (std::size_t k = 0; k < 20; ++k) {
            const auto counts = clientCounts(p, d, k);
            for (std::size_t c = 0; c < 40; ++c) {
                const double share = static_cast<double>(counts[c]) / 1250.0;
                s += share;
                s2 += share * share;
            }
        }
        const double mean = s / 800, var = s2 / 800 - mean * mean;
        const double K = 20, expected = (1 / K) * (1 - 1 / K) / (K * alpha + 1);
        qInfo("alpha %g: variance of per-class client shares %.5f, Dirichlet %.5f", alpha, var,
              expected);
        QVERIFY(std::abs(mean - 1 / K) < 1e-12);  // each class fully handed out
        QVERIFY2(std::abs(var / expected - 1) < 0.25,
                 qPrintable(QString("%1 vs %2").arg(var).arg(expected)));
    }

    /// With a minimum client size the draw is repeated until every client has it; a minimum no
    /// draw can meet is refused with a message.
    void dirichletClassMinimum() {
        const Dataset d = labelled(std::vector<std::size_t>(10, 100));
        PartitionOptions o;
        o.scheme = PartitionScheme::DirichletClass;
        o.clients = 10;
        o.alpha = 0.5;
        o.minClientSize = 20;
        const Partition p = Partition::make(DataView::all(d), o);
        for (std::size_t k = 0; k < 10; ++k)
            QVERIFY(p.slice(k).size() >= 20);
        o.minClientSize = 101;  // 1,000 rows cannot give 10 clients 101 each
        try {
            Partition::make(DataView::all(d), o);
            QFAIL("no error");
        } catch (const DataError& e) {
            QCOMPARE(QString(e.what()),
                     QString("dirichlet-class: no draw in 1000 gave every client at least 101 "
                             "rows; raise alpha or lower the minimum"));
        }
    }

    /// McMahan et al.'s shards: 10 classes of 200 rows, 50 clients with 2 shards of 20 rows:
    /// every shard holds one class, so every client has exactly 40 rows of at most 2 classes,
    /// and the 100 shards cover the classes evenly. With uneven classes a shard can straddle
    /// two classes, so a client has at most 2k.
    void shardsGiveKClasses_data() {
        QTest::addColumn<std::size_t>("k");
        QTest::newRow("k = 1") << std::size_t(1);
        QTest::newRow("k = 2") << std::size_t(2);
        QTest::newRow("k = 4") << std::size_t(4);
    }
    void shardsGiveKClasses() {
        QFETCH(std::size_t, k);
        const Dataset d = labelled(std::vector<std::size_t>(10, 200));
        PartitionOptions o;
        o.scheme = PartitionScheme::Shards;
        o.clients = 50;
        o.shardsPerClient = k;
        const Partition p = Partition::make(DataView::all(d), o);
        std::size_t exactlyK = 0;
        for (std::size_t c = 0; c < 50; ++c) {
            QCOMPARE(p.slice(c).size(), std::uint32_t(2000 / 50));
            const auto counts = clientCounts(p, d, c);
            const auto classes = static_cast<std::size_t>(
                std::count_if(counts.begin(), counts.end(), [](std::size_t x) { return x > 0; }));
            QVERIFY(classes >= 1 && classes <= k);
            for (std::size_t x : counts)
                QVERIFY(x % (2000 / (50 * k)) == 0);  // whole shards
            exactlyK += classes == k;
        }
        // Two shards of one client share a class only by chance: most clients have k classes.
        QVERIFY(k == 1 || exactlyK > 25);

        const Dataset u = labelled(kUnbalanced);
        o.clients = 30;
        const Partition q = Partition::make(DataView::all(u), o);
        for (std::size_t c = 0; c < 30; ++c) {
            const auto counts = clientCounts(q, u, c);
            QVERIFY(std::count_if(counts.begin(), counts.end(),
                                  [](std::size_t x) { return x > 0; }) <= static_cast<long>(2 * k));
        }
    }

    /// Power-law quantity skew: client weights ~ Pareto(1, a). For a = 3 the largest 10% of
    /// clients hold a share 0.1^(1 - 1/a) = 0.215 of the rows above the minimum; over 1,000
    /// clients the measured share is within 15% of it (the share's standard error is about 5%
    /// of it for a = 3, where the variance is finite). Every client has at least the minimum.
    void powerLawSizes() {
        const Dataset d = labelled(std::vector<std::size_t>(10, 20000));
        PartitionOptions o;
        o.scheme = PartitionScheme::PowerLaw;
        o.clients = 1000;
        o.powerExponent = 3;
        o.minClientSize = 10;
        o.seed = 5;
        const Partition p = Partition::make(DataView::all(d), o);
        std::vector<double> above;
        for (std::size_t k = 0; k < 1000; ++k) {
            QVERIFY(p.slice(k).size() >= 10);
            above.push_back(p.slice(k).size() - 10.0);
        }
        std::sort(above.rbegin(), above.rend());
        const double top = std::accumulate(above.begin(), above.begin() + 100, 0.0) /
                           std::accumulate(above.begin(), above.end(), 0.0);
        qInfo("share of the largest 10%% of clients: %.3f (Pareto(1, 3): 0.215)", top);
        QVERIFY2(std::abs(top / 0.215 - 1) < 0.15, qPrintable(QString::number(top)));
        o.minClientSize = 201;
        QVERIFY_THROWS_EXCEPTION(DataError, Partition::make(DataView::all(d), o));
    }

    /// An idle client is its 12-byte slice; its rows are 4-byte entries of the one shared
    /// index array (the data itself is shared and not counted). 100,000 clients over a million
    /// rows: 1.2 MB of slices and 4 MB of indices, 52 bytes per client.
    void memoryPerClient() {
        QCOMPARE(Partition::bytesPerClient(), std::size_t(12));
        QCOMPARE(sizeof(DataView), std::size_t(32));  // a client's view, made when it trains
        Dataset d;
        d.classes = 10;
        d.labels.resize(1000000);
        for (std::size_t i = 0; i < d.labels.size(); ++i)
            d.labels[i] = static_cast<std::int32_t>(i % 10);
        d.features = Eigen::MatrixXd::Zero(1, 1000000);
        PartitionOptions o;
        o.clients = 100000;
        const Partition p = Partition::make(DataView::all(d), o);
        const double perClient = static_cast<double>(Partition::bytesPerClient()) +
                                 static_cast<double>(p.indexBytes()) / 100000.0;
        qInfo("bytes per idle client: %zu (slice) + %.0f (its row numbers) = %.0f",
              Partition::bytesPerClient(), static_cast<double>(p.indexBytes()) / 100000.0,
              perClient);
        QVERIFY(perClient < 1024);
    }

    void schemeNames() {
        for (auto s :
             {PartitionScheme::Iid, PartitionScheme::DirichletClient,
              PartitionScheme::DirichletClass, PartitionScheme::Shards, PartitionScheme::PowerLaw})
            QCOMPARE(schemeFromName(schemeName(s)), s);
        try {
            schemeFromName("dirichlet");
            QFAIL("no error");
        } catch (const DataError& e) {
            QCOMPARE(QString(e.what()),
                     QString("unknown partition scheme \"dirichlet\" (known: iid, "
                             "dirichlet-client, dirichlet-class, shards, power-law)"));
        }
    }

    void refusals() {
        const Dataset d = labelled({5, 5});
        PartitionOptions o;
        o.clients = 11;
        try {
            Partition::make(DataView::all(d), o);
            QFAIL("no error");
        } catch (const DataError& e) {
            QCOMPARE(QString(e.what()), QString("iid: 11 clients but only 10 rows"));
        }
        o.clients = 3;
        o.scheme = PartitionScheme::Shards;
        o.shardsPerClient = 4;
        try {
            Partition::make(DataView::all(d), o);
            QFAIL("no error");
        } catch (const DataError& e) {
            QCOMPARE(QString(e.what()),
                     QString("shards: 12 shards need at least as many rows, the data has 10"));
        }
        o.scheme = PartitionScheme::DirichletClient;
        o.alpha = 0;
        QVERIFY_THROWS_EXCEPTION(DataError, Partition::make(DataView::all(d), o));
    }
};

QTEST_GUILESS_MAIN(TestFlPartition)
#include "tst_fl_partition.moc"
