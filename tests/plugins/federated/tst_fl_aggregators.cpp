// The aggregation rules against values worked out by hand on small vectors, their
// preconditions by their exact messages, and the pairwise distances against the definition.
#include <QtTest>

#include <algorithm>
#include <limits>
#include <vector>

#include "dais/fl/aggregator.h"
#include "dais/fl/error.h"
#include "dais/fl/robust.h"
#include "dais/sim/rng.h"
#include "fl_test_util.h"

using namespace dais::fl;
using fltest::columns;
using fltest::vec;

namespace {

/// Seven 2-D updates: six honest ones near (2, 2) and one far away (u6). Squared distances:
///        u0   u1   u2   u3   u4   u5   u6
///   u0    0    5    5    4   10   10  250
///   u1    5    0   18   13    1   17  221
///   u2    5   18    0    1   25    5  245
///   u3    4   13    1    0   18    2  218
///   u4   10    1   25   18    0   20  200
///   u5   10   17    5    2   20    0  180
///   u6  250  221  245  218  200  180    0
Eigen::MatrixXd sevenUpdates() {
    return columns({{1, 3}, {0, 1}, {3, 4}, {3, 3}, {0, 0}, {4, 2}, {10, -10}});
}

}  // namespace

class TestFlAggregators : public QObject {
    Q_OBJECT

  private slots:
    void weightedMean() {
        // (1*(1,2) + 2*(3,-2) + 1*(0,4)) / 4 = (7, 2) / 4.
        const Eigen::MatrixXd u = columns({{1, 2}, {3, -2}, {0, 4}});
        FL_COMPARE_VEC(WeightedMean().aggregate(u, vec({1, 2, 1})).value, vec({1.75, 0.5}));
        // Uniform: (4, 4) / 3, whatever the weights.
        FL_COMPARE_VEC(
            WeightedMean(WeightedMean::Weighting::Uniform).aggregate(u, vec({1, 2, 1})).value,
            vec({4.0 / 3, 4.0 / 3}));
        QVERIFY(WeightedMean().aggregate(u).selected.empty());
    }

    void pairwiseDistances() {
        const Eigen::MatrixXd dist = pairwiseSquaredDistances(sevenUpdates());
        const double expected[7][7] = {{0, 5, 5, 4, 10, 10, 250},        {5, 0, 18, 13, 1, 17, 221},
                                       {5, 18, 0, 1, 25, 5, 245},        {4, 13, 1, 0, 18, 2, 218},
                                       {10, 1, 25, 18, 0, 20, 200},      {10, 17, 5, 2, 20, 0, 180},
                                       {250, 221, 245, 218, 200, 180, 0}};
        for (int i = 0; i < 7; ++i)
            for (int j = 0; j < 7; ++j) {
                QVERIFY(std::abs(dist(i, j) - expected[i][j]) < 1e-12 * 250);
                QCOMPARE(dist(i, j), dist(j, i));
            }
        // Far from the origin the centring keeps the small distances: two updates 1e-3 apart
        // at 1e6 from the origin (uncentred, 2 * 1e12 cancels to the wrong digits).
        const Eigen::MatrixXd far = columns({{1e6, 1e6}, {1e6 + 1e-3, 1e6}, {1e6, 1e6 + 2e-3}});
        const Eigen::MatrixXd df = pairwiseSquaredDistances(far);
        QVERIFY(std::abs(df(0, 1) - 1e-6) < 1e-12);
        QVERIFY(std::abs(df(0, 2) - 4e-6) < 1e-12);
        QVERIFY(std::abs(df(1, 2) - 5e-6) < 1e-12);
    }

    void krumScoresByHand() {
        // n = 7, f = 1: each score sums the n - f - 2 = 4 smallest distances in its row.
        //   u0: 4+5+5+10 = 24    u1: 1+5+13+17 = 36   u2: 1+5+5+18 = 29   u3: 1+2+4+13 = 20
        //   u4: 1+10+18+20 = 49  u5: 2+5+10+17 = 34   u6: 180+200+218+221 = 819
        const Eigen::VectorXd s = krumScores(pairwiseSquaredDistances(sevenUpdates()), 1);
        FL_COMPARE_VEC(s, vec({24, 36, 29, 20, 49, 34, 819}));
    }

    void krumChoice() {
        // The lowest score is u3's (20).
        const Aggregate a = Krum(1).aggregate(sevenUpdates());
        FL_COMPARE_VEC(a.value, vec({3, 3}));
        QCOMPARE(a.selected, std::vector<Eigen::Index>({3}));
    }

    void multiKrumAverage() {
        // m = 3: the three lowest scores u3 (20), u0 (24), u2 (29); mean of (3,3), (1,3), (3,4).
        const Aggregate a = MultiKrum(1, 3).aggregate(sevenUpdates());
        QCOMPARE(a.selected, std::vector<Eigen::Index>({3, 0, 2}));
        FL_COMPARE_VEC(a.value, vec({7.0 / 3, 10.0 / 3}));
        // m = 0 means n - f = 6: everything but u6; mean of u0..u5 = (11, 13) / 6.
        const Aggregate all = MultiKrum(1).aggregate(sevenUpdates());
        QCOMPARE(all.selected, std::vector<Eigen::Index>({3, 0, 2, 5, 1, 4}));
        FL_COMPARE_VEC(all.value, vec({11.0 / 6, 13.0 / 6}));
        // m = 1 is Krum.
        FL_COMPARE_VEC(MultiKrum(1, 1).aggregate(sevenUpdates()).value, vec({3, 3}));
    }

    void medianOddAndEven() {
        // Odd n = 3: coordinate 0 {1, 3, 2} -> 2; coordinate 1 {5, -1, 0} -> 0.
        FL_COMPARE_VEC(CoordinateMedian().aggregate(columns({{1, 5}, {3, -1}, {2, 0}})).value,
                       vec({2, 0}));
        // Even n = 4: coordinate 0 {1, 2, 3, 10} -> (2 + 3) / 2; coordinate 1 {-1, 0, 2, 5} ->
        // (0 + 2) / 2. The weights do not matter.
        FL_COMPARE_VEC(
            CoordinateMedian()
                .aggregate(columns({{1, 5}, {3, -1}, {2, 0}, {10, 2}}), vec({100, 1, 1, 1}))
                .value,
            vec({2.5, 1}));
        // One client: itself.
        FL_COMPARE_VEC(CoordinateMedian().aggregate(columns({{4, -7, 0.5}})).value,
                       vec({4, -7, 0.5}));
    }

    void trimmedMean() {
        // n = 5, beta = 0.2: k = floor(1) = 1 per side. Coordinate 0 {1, 2, 3, 4, 100} ->
        // (2 + 3 + 4) / 3 = 3; coordinate 1 {-50, 0, 1, 2, 3} -> (0 + 1 + 2) / 3 = 1;
        // coordinate 2 {0, 0, 0, 9, 9} -> (0 + 0 + 9) / 3 = 3.
        const Eigen::MatrixXd u =
            columns({{100, 3, 9}, {1, -50, 0}, {2, 2, 0}, {4, 1, 9}, {3, 0, 0}});
        FL_COMPARE_VEC(TrimmedMean(0.2).aggregate(u).value, vec({3, 1, 3}));
        // beta = 0.39: k = floor(1.95) = 1 as well.
        FL_COMPARE_VEC(TrimmedMean(0.39).aggregate(u).value, vec({3, 1, 3}));
        // beta = 0.4: k = 2, only the middle value is left: the median.
        FL_COMPARE_VEC(TrimmedMean(0.4).aggregate(u).value, vec({3, 1, 0}));
        // beta = 0: the plain mean (110, -44, 18) / 5.
        FL_COMPARE_VEC(TrimmedMean(0).aggregate(u).value, vec({22, -8.8, 3.6}));
        QCOMPARE(TrimmedMean(0.25).trimmed(8), Eigen::Index{2});
    }

    void bulyan() {
        // n = 7, f = 1: theta = n - 2f = 5 updates selected by repeated Krum, then per
        // coordinate the beta = theta - 2f = 3 values closest to the median are averaged.
        // Selection (scores: sum of the |R| - f - 2 smallest distances within what remains, R):
        //  R = all,            4 neighbours: u3 20 (see krumScoresByHand)       -> u3
        //  R = {0,1,2,4,5,6},  3 neighbours: u0 5+5+10 = 20, u1 1+5+17 = 23,
        //                      u2 5+5+18 = 28, u4 1+10+20 = 31, u5 5+10+17 = 32 -> u0
        //  R = {1,2,4,5,6},    2 neighbours: u1 1+17 = 18, u2 5+18 = 23,
        //                      u4 1+20 = 21, u5 5+17 = 22, u6 180+200 = 380      -> u1
        //  R = {2,4,5,6},      1 neighbour:  u2 5, u4 20, u5 5, u6 180 (tie: lower) -> u2
        //  R = {4,5,6},        0 neighbours: all 0 (tie: lower)                 -> u4
        // Selected (3,3), (1,3), (0,1), (3,4), (0,0).
        // Coordinate 0: {0, 0, 1, 3, 3}, median 1, closest three {1, 0, 0} -> 1/3.
        // Coordinate 1: {0, 1, 3, 3, 4}, median 3, closest three {3, 3, 4} -> 10/3.
        const Aggregate a = Bulyan(1).aggregate(sevenUpdates());
        QCOMPARE(a.selected, std::vector<Eigen::Index>({3, 0, 1, 2, 4}));
        FL_COMPARE_VEC(a.value, vec({1.0 / 3, 10.0 / 3}));
    }

    void bulyanWithoutAttackers() {
        // f = 0: every update is selected (theta = beta = n): the coordinate-wise mean.
        const Eigen::MatrixXd u = columns({{1, 2}, {3, -2}, {0, 4}});
        FL_COMPARE_VEC(Bulyan(0).aggregate(u).value, vec({4.0 / 3, 4.0 / 3}));
    }

    void largeModelMatchesReference() {
        // d = 5000 crosses the blocks the rules work in (256 and 4096 coordinates): against
        // plain per-coordinate and per-pair loops on random updates (no ties).
        const Eigen::Index d = 5000, n = 11;
        dais::sim::RngStream rng(5, "tst_fl_aggregators", 0, "large");
        Eigen::MatrixXd u(d, n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < d; ++i)
                u(i, j) = rng.normal(3.0, 1.0);
        const Eigen::MatrixXd dist = pairwiseSquaredDistances(u);
        for (Eigen::Index a = 0; a < n; ++a)
            for (Eigen::Index b = 0; b < n; ++b) {
                const double direct = (u.col(a) - u.col(b)).squaredNorm();
                QVERIFY(std::abs(dist(a, b) - direct) <= 1e-12 * (1 + direct));
            }
        // Per coordinate: a sorted copy gives the median, the trimmed mean (k = 2) and, over
        // Bulyan's selected columns, the beta values nearest the median by a full sort.
        const Aggregate median = CoordinateMedian().aggregate(u);
        const Aggregate trimmed = TrimmedMean(0.2).aggregate(u);
        const Aggregate bulyan = Bulyan(2).aggregate(u);
        QCOMPARE(bulyan.selected.size(), std::size_t{7});
        for (Eigen::Index i = 0; i < d; ++i) {
            std::vector<double> v;
            for (Eigen::Index j = 0; j < n; ++j)
                v.push_back(u(i, j));
            std::sort(v.begin(), v.end());
            QCOMPARE(median.value[i], v[5]);
            const double t = (v[2] + v[3] + v[4] + v[5] + v[6] + v[7] + v[8]) / 7;
            QVERIFY(std::abs(trimmed.value[i] - t) < 1e-12 * (1 + std::abs(t)));
            std::vector<double> s;
            for (Eigen::Index c : bulyan.selected)
                s.push_back(u(i, c));
            std::sort(s.begin(), s.end());
            const double med = s[3];
            std::stable_sort(s.begin(), s.end(), [&](double a, double b) {
                return std::abs(a - med) < std::abs(b - med);
            });
            const double b = (s[0] + s[1] + s[2]) / 3;  // beta = 7 - 2 * 2 = 3
            QVERIFY(std::abs(bulyan.value[i] - b) < 1e-12 * (1 + std::abs(b)));
        }
    }

    void preconditions_data() {
        FL_ERROR_COLUMNS();
        const Eigen::MatrixXd six = sevenUpdates().leftCols(6);
        const Eigen::MatrixXd nine = Eigen::MatrixXd::Zero(3, 9);
        Eigen::MatrixXd withNan = sevenUpdates();
        withNan(1, 4) = std::numeric_limits<double>::quiet_NaN();
        auto row = [](const char* name, fltest::Action a, const char* message) {
            QTest::newRow(name) << a << QString(message);
        };
        row(
            "Krum: n < 2f + 3", [=] { Krum(2).aggregate(six); },
            "Krum needs n >= 2f + 3 clients: got n = 6 with f = 2");
        row(
            "Multi-Krum: n < 2f + 3", [=] { MultiKrum(2, 3).aggregate(six); },
            "Multi-Krum needs n >= 2f + 3 clients: got n = 6 with f = 2");
        row(
            "Multi-Krum: m > n", [] { MultiKrum(1, 8).aggregate(sevenUpdates()); },
            "Multi-Krum needs m <= n: got m = 8 with n = 7");
        row(
            "Bulyan: n < 4f + 3 (f = 2)", [=] { Bulyan(2).aggregate(nine); },
            "Bulyan needs n >= 4f + 3 clients: got n = 9 with f = 2");
        row(
            "Bulyan: n < 4f + 3 (f = 1)", [=] { Bulyan(1).aggregate(six); },
            "Bulyan needs n >= 4f + 3 clients: got n = 6 with f = 1");
        row(
            "trimmed mean: beta = 0.5", [] { TrimmedMean(0.5); },
            "trimmed mean needs 0 <= beta < 0.5: got beta = 0.5");
        row(
            "trimmed mean: beta < 0", [] { TrimmedMean(-0.1); },
            "trimmed mean needs 0 <= beta < 0.5: got beta = -0.1");
        row(
            "trimmed mean: trims fewer than f",
            [] { TrimmedMean(0.1, 2).aggregate(Eigen::MatrixXd::Zero(2, 10)); },
            "trimmed mean needs floor(beta n) >= f to trim every malicious value: got n = 10, "
            "beta = 0.1 (1 per side) with f = 2");
        row(
            "median: no clients", [] { CoordinateMedian().aggregate(Eigen::MatrixXd(2, 0)); },
            "coordinate-wise median needs at least one client: got n = 0");
        row(
            "median: NaN", [=] { CoordinateMedian().aggregate(withNan); },
            "coordinate-wise median needs finite updates: client 4 has nan at index 1");
        row(
            "mean: no clients", [] { WeightedMean().aggregate(Eigen::MatrixXd(2, 0)); },
            "weighted mean needs at least one client: got n = 0");
        row(
            "mean: zero samples",
            [=] {
                WeightedMean().aggregate(six, vec({0, 0, 0, 0, 0, 0}));
            },
            "weighted mean needs a positive total of samples: got 0");
        row(
            "mean: weights for other clients",
            [=] {
                WeightedMean().aggregate(six, vec({1, 1}));
            },
            "weighted mean needs one weight per client: got 2 weights for n = 6 clients");
        row(
            "Krum: a negative weight",
            [=] {
                Krum(1).aggregate(six, vec({1, 1, -2, 1, 1, 1}));
            },
            "Krum needs finite weights >= 0: client 2 has weight -2");
    }

    void preconditions() { FL_ERROR_ROW_CHECK(); }

    void atTheBounds() {
        // Krum with f = 1 runs on n = 2f + 3 = 5, Bulyan with f = 1 on n = 4f + 3 = 7.
        QCOMPARE(Krum(1).aggregate(sevenUpdates().leftCols(5)).selected.size(), std::size_t{1});
        QCOMPARE(Bulyan(1).aggregate(sevenUpdates()).selected.size(), std::size_t{5});
        QCOMPARE(MultiKrum(2, 7).aggregate(sevenUpdates()).selected.size(), std::size_t{7});
    }
};

QTEST_APPLESS_MAIN(TestFlAggregators)
#include "tst_fl_aggregators.moc"
