// Data for the federated-learning core: the CSV loader and its messages, standardisation from
// training rows only, the stratified split, Gaussian blobs, and Li et al.'s Synthetic(alpha,
// beta) generator (devices on demand, deterministic, heterogeneity growing with alpha, beta).
#include <QtTest>

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "dais/fl/dataset.h"
#include "dais/fl/synthetic.h"

using namespace dais;
using namespace dais::fl;

namespace {

/// Total variation distance between a device's label distribution and the pooled one.
double tvDistance(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += std::abs(a[i] - b[i]);
    return s / 2;
}

std::vector<double> labelShares(const Dataset& d) {
    std::vector<double> p(d.classes, 0.0);
    for (std::size_t c = 0; c < d.classes; ++c)
        p[c] = static_cast<double>(d.classCounts()[c]) / static_cast<double>(d.size());
    return p;
}

struct Spread {
    double labels = 0;    ///< mean TV distance of device label distributions from the pooled
    double features = 0;  ///< mean squared distance between device feature means (pairs)
};

/// 100 devices of at most 400 samples.
Spread heterogeneity(double alpha, double beta, bool iid = false) {
    SyntheticConfig c;
    c.alpha = alpha;
    c.beta = beta;
    c.iid = iid;
    c.devices = 100;
    c.maximum = 400;
    c.seed = 42;
    const SyntheticFederated s(c);
    std::vector<std::vector<double>> shares;
    std::vector<Eigen::VectorXd> means;
    std::vector<double> pooled(10, 0.0);
    double total = 0;
    for (std::size_t k = 0; k < c.devices; ++k) {
        const Dataset d = s.device(k);
        shares.push_back(labelShares(d));
        means.push_back(d.features.rowwise().mean());
        for (std::size_t j = 0; j < 10; ++j)
            pooled[j] += shares.back()[j] * static_cast<double>(d.size());
        total += static_cast<double>(d.size());
    }
    for (double& p : pooled)
        p /= total;
    Spread r;
    for (const auto& sh : shares)
        r.labels += tvDistance(sh, pooled);
    r.labels /= static_cast<double>(c.devices);
    double pairs = 0;
    for (std::size_t a = 0; a < means.size(); ++a)
        for (std::size_t b = a + 1; b < means.size(); ++b, ++pairs)
            r.features += (means[a] - means[b]).squaredNorm();
    r.features /= pairs;
    return r;
}

}  // namespace

class TestFlData : public QObject {
    Q_OBJECT

  private slots:
    void csvParses() {
        const Dataset d =
            parseCsv("a, b ,label\r\n1,2,cat\n\n3.5,-4e-1,dog\n5,6,cat\n", "t.csv", "label");
        QCOMPARE(d.size(), std::size_t(3));
        QCOMPARE(d.dimension(), std::size_t(2));
        QCOMPARE(d.featureNames, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(d.classNames, (std::vector<std::string>{"cat", "dog"}));
        QCOMPARE(d.labels, (std::vector<std::int32_t>{0, 1, 0}));
        QCOMPARE(d.features(0, 1), 3.5);
        QCOMPARE(d.features(1, 1), -0.4);
        // Integer labels are class numbers; the label column may be anywhere.
        const Dataset n = parseCsv("y,x\n2,0.5\n0,1\n", "n.csv", "y");
        QCOMPARE(n.classes, std::size_t(3));
        QCOMPARE(n.labels, (std::vector<std::int32_t>{2, 0}));
        QCOMPARE(n.features(0, 0), 0.5);
    }

    void csvErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing label column")
            << "a,b,c\n1,2,3\n"
            << "label"
            << "d.csv:1:1: no column named \"label\" in the header";
        QTest::newRow("non-numeric cell")
            << "a,b,label\n1,2,0\n1,x2,1\n"
            << "label"
            << "d.csv:3:3: expected a number in column \"b\", found \"x2\"";
        QTest::newRow("trailing garbage")
            << "a,b,label\n1,2.5kg,0\n"
            << "label"
            << "d.csv:2:3: expected a number in column \"b\", found \"2.5kg\"";
        QTest::newRow("empty cell") << "a,b,label\n1,,0\n"
                                    << "label"
                                    << "d.csv:2:3: empty value in column \"b\"";
        QTest::newRow("empty label") << "a,b,label\n1,2, \n"
                                     << "label"
                                     << "d.csv:2:5: empty label in column \"label\"";
        QTest::newRow("not finite") << "a,b,label\n1,2,0\n  nan,2,1\n"
                                    << "label"
                                    << "d.csv:3:3: \"nan\" in column \"a\" is not a finite number";
        QTest::newRow("too few fields") << "a,b,label\n1,2\n"
                                        << "label"
                                        << "d.csv:2:4: expected 3 fields, found 2";
        QTest::newRow("too many fields") << "a,b,label\n1,2,0,7\n"
                                         << "label"
                                         << "d.csv:2:7: expected 3 fields, found 4";
        QTest::newRow("empty file") << ""
                                    << "label"
                                    << "d.csv: empty file, expected a header line";
        QTest::newRow("no rows") << "a,label\n\n"
                                 << "label"
                                 << "d.csv: no data rows after the header";
        QTest::newRow("one class") << "a,label\n1,x\n2,x\n"
                                   << "label"
                                   << "d.csv: the label column \"label\" has only one class";
        QTest::newRow("header not first") << "\na,label\n1,0\n"
                                          << "label"
                                          << "d.csv:2:1: the header must be the first line";
    }
    void csvErrors() {
        QFETCH(QString, text);
        QFETCH(QString, label);
        QFETCH(QString, message);
        try {
            parseCsv(text.toStdString(), "d.csv", label.toStdString());
            QFAIL("no error");
        } catch (const DataError& e) {
            QCOMPARE(QString(e.what()), message);
        }
    }

    void csvMissingFile() {
        try {
            loadCsv("/nonexistent/x.csv", "y");
            QFAIL("no error");
        } catch (const DataError& e) {
            QCOMPARE(QString(e.what()), QString("/nonexistent/x.csv: cannot open: No such file or "
                                                "directory"));
        }
    }

    /// Mean and standard deviation come from the training rows alone; a constant feature
    /// standardises to 0.
    void standardiseFromTrainingRows() {
        Dataset d;
        d.classes = 2;
        d.features.resize(2, 4);
        d.features << 1, 3, 100, 5,  //
            7, 7, 7, 7;
        d.labels = {0, 1, 0, 1};
        const std::vector<std::uint32_t> train{0, 1};
        const Standardizer s = Standardizer::fit(DataView::of(d, train));
        QCOMPARE(s.mean[0], 2.0);
        QCOMPARE(s.stddev[0], 1.0);  // population std of {1, 3}
        QCOMPARE(s.stddev[1], 1.0);  // zero spread -> 1
        s.apply(d);
        QCOMPARE(d.features(0, 0), -1.0);
        QCOMPARE(d.features(0, 1), 1.0);
        QCOMPARE(d.features(0, 2), 98.0);  // a test row: the training statistics, not its own
        QCOMPARE(d.features(1, 3), 0.0);
    }

    /// Every class keeps round(0.2 n_c) test rows; the sides are disjoint and cover all rows.
    void stratifiedSplitKeepsClassShares() {
        sim::RngStream rng(1, "test", 0, "blobs");
        Dataset d = makeBlobs(1000, 2, 3, 1.0, 5.0, rng);  // classes 334, 333, 333
        for (std::size_t i = 0; i < 100; ++i)
            d.labels[i] = 0;  // unbalance: class 0 has 334 + 66 = 400
        const std::vector<std::size_t> counts = d.classCounts();
        sim::RngStream s1(5, "test", 0, "split"), s2(5, "test", 0, "split");
        const Split a = stratifiedSplit(DataView::all(d), 0.2, s1);
        const Split b = stratifiedSplit(DataView::all(d), 0.2, s2);
        QCOMPARE(a.test, b.test);
        QCOMPARE(a.train.size() + a.test.size(), d.size());
        std::vector<int> seen(d.size(), 0);
        std::vector<std::size_t> testCounts(3, 0);
        for (std::uint32_t r : a.train)
            ++seen[r];
        for (std::uint32_t r : a.test) {
            ++seen[r];
            ++testCounts[static_cast<std::size_t>(d.labels[r])];
        }
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](int x) { return x == 1; }));
        for (std::size_t c = 0; c < 3; ++c)
            QCOMPARE(testCounts[c],
                     static_cast<std::size_t>(std::llround(0.2 * static_cast<double>(counts[c]))));
    }

    void blobs() {
        sim::RngStream r1(3, "test", 0, "blobs"), r2(3, "test", 0, "blobs");
        const Dataset a = makeBlobs(301, 4, 3, 0.5, 10.0, r1);
        const Dataset b = makeBlobs(301, 4, 3, 0.5, 10.0, r2);
        QCOMPARE(a.features, b.features);
        QCOMPARE(a.classCounts(), (std::vector<std::size_t>{101, 100, 100}));
        QCOMPARE(a.dimension(), std::size_t(4));
    }

    /// Device k depends on (seed, k) alone: generated after others, or by a second object.
    void syntheticDeterministicPerDevice() {
        SyntheticConfig c;
        c.devices = 100000;
        c.seed = 9;
        const SyntheticFederated s(c);
        const Dataset d7 = s.device(77777);
        s.device(3);
        const SyntheticFederated t(c);
        const Dataset again = t.device(77777);
        QCOMPARE(again.features, d7.features);
        QCOMPARE(again.labels, d7.labels);
        QCOMPARE(d7.dimension(), std::size_t(60));
        QCOMPARE(d7.classes, std::size_t(10));
        QCOMPARE(d7.size(), s.deviceSize(77777));
        QVERIFY(d7.size() >= 50);
        QVERIFY(std::all_of(d7.labels.begin(), d7.labels.end(),
                            [](std::int32_t y) { return y >= 0 && y < 10; }));
        c.seed = 10;
        QVERIFY(SyntheticFederated(c).device(77777).features != d7.features);
    }

    /// Sizes: lognormal(4, 2) + 50 has median e^4 + 50 = 104.6; power law: Pareto(50, 1.5)
    /// has median 50 * 2^(1/1.5) = 79.4. Medians of 2,001 devices are within a few percent
    /// (the sample median's standard error is about 3% here; 10% is over 3 SE).
    void syntheticSizes() {
        SyntheticConfig c;
        c.devices = 2001;
        std::vector<std::size_t> sizes;
        for (std::size_t k = 0; k < c.devices; ++k)
            sizes.push_back(SyntheticFederated(c).deviceSize(k));
        std::nth_element(sizes.begin(), sizes.begin() + 1000, sizes.end());
        QVERIFY2(std::abs(static_cast<double>(sizes[1000]) / 104.6 - 1) < 0.1,
                 qPrintable(QString::number(sizes[1000])));
        c.sizes = SyntheticConfig::Sizes::PowerLaw;
        c.maximum = 1000;
        sizes.clear();
        for (std::size_t k = 0; k < c.devices; ++k)
            sizes.push_back(SyntheticFederated(c).deviceSize(k));
        QVERIFY(*std::min_element(sizes.begin(), sizes.end()) >= 50);
        QVERIFY(*std::max_element(sizes.begin(), sizes.end()) <= 1000);
        std::nth_element(sizes.begin(), sizes.begin() + 1000, sizes.end());
        QVERIFY2(std::abs(static_cast<double>(sizes[1000]) / 79.4 - 1) < 0.1,
                 qPrintable(QString::number(sizes[1000])));
    }

    /// The inputs follow N(v_k, Sigma) with Sigma_jj = j^-1.2: in Synthetic IID v = 0, so
    /// feature 1 has variance 1 and feature 60 has 60^-1.2 = 0.0074. Over 20 devices
    /// (several thousand samples) the sample variances are within 10%.
    void syntheticInputCovariance() {
        SyntheticConfig c;
        c.iid = true;
        c.devices = 20;
        const SyntheticFederated s(c);
        double n = 0, s1 = 0, s60 = 0;
        for (std::size_t k = 0; k < c.devices; ++k) {
            const Dataset d = s.device(k);
            n += static_cast<double>(d.size());
            s1 += d.features.row(0).squaredNorm();
            s60 += d.features.row(59).squaredNorm();
        }
        QVERIFY2(std::abs(s1 / n - 1.0) < 0.1, qPrintable(QString::number(s1 / n)));
        QVERIFY2(std::abs(s60 / n / std::pow(60.0, -1.2) - 1.0) < 0.1,
                 qPrintable(QString::number(s60 / n)));
    }

    /// Heterogeneity. Labels: in Synthetic IID every device shares one labelling function and
    /// one input distribution, so its devices' label mixes are far more alike than those of
    /// Synthetic(0, 0), where every device has its own W_k. Inputs: the device means v_k are
    /// N(B_k, 1) with B_k ~ N(0, beta^2), so E||v_k - v_l||^2 = 2 * 60 (1 + beta^2): 120 for
    /// beta = 0 and 240 for beta = 1 (plus the sampling noise of the means, about
    /// 2 * sum_j j^-1.2 / n, under 0.1 here). For beta = 1 half of it rests on only 100 draws
    /// B_k, whose mean squared pairwise difference has a relative standard error of about 15%
    /// (7% of the total); beta = 0 averages 6,000 draws. The bounds, 25% and 50%, are over three
    /// standard errors, and (0, 0) < (1, 1) by a factor near 2. Note that alpha moves
    /// every logit of a device by the same u_k (sum_j x_j + 1), so it does not change which
    /// class is largest: the label mixes of (0, 0) and (1, 1) differ only through beta, and
    /// little (both are printed). Pooled over devices, no class is empty or dominates.
    void syntheticHeterogeneity() {
        const Spread iid = heterogeneity(0, 0, true);
        const Spread h00 = heterogeneity(0, 0);
        const Spread h11 = heterogeneity(1, 1);
        qInfo(
            "device label mixes, mean TV distance from the pooled mix: IID %.3f, (0,0) %.3f, "
            "(1,1) %.3f; device feature means, mean squared pairwise distance: IID %.1f, "
            "(0,0) %.1f, (1,1) %.1f",
            iid.labels, h00.labels, h11.labels, iid.features, h00.features, h11.features);
        QVERIFY(iid.labels < h00.labels / 4);
        QVERIFY(iid.features < 1.0);
        QVERIFY2(std::abs(h00.features / 120.0 - 1.0) < 0.25,
                 qPrintable(QString::number(h00.features)));
        QVERIFY2(std::abs(h11.features / 240.0 - 1.0) < 0.5,
                 qPrintable(QString::number(h11.features)));
        QVERIFY(h00.features * 1.5 < h11.features);
        SyntheticConfig c;
        c.devices = 100;
        c.maximum = 400;
        std::vector<std::size_t> pooled(10, 0);
        const SyntheticFederated s(c);
        for (std::size_t k = 0; k < c.devices; ++k) {
            const auto counts = s.device(k).classCounts();
            for (std::size_t j = 0; j < 10; ++j)
                pooled[j] += counts[j];
        }
        const std::size_t total = std::accumulate(pooled.begin(), pooled.end(), std::size_t(0));
        for (std::size_t j = 0; j < 10; ++j)
            QVERIFY2(pooled[j] > 0 && pooled[j] < total / 2,
                     qPrintable(QString("class %1: %2 of %3").arg(j).arg(pooled[j]).arg(total)));
    }

    void syntheticRefusesBadSettings() {
        SyntheticConfig c;
        c.alpha = -1;
        QVERIFY_THROWS_EXCEPTION(DataError, SyntheticFederated{c});
        c.alpha = 1;
        c.classes = 1;
        QVERIFY_THROWS_EXCEPTION(DataError, SyntheticFederated{c});
    }
};

QTEST_GUILESS_MAIN(TestFlData)
#include "tst_fl_data.moc"
