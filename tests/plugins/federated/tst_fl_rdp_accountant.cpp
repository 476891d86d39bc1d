// The Renyi-DP accountant of the Sampled Gaussian Mechanism (SGM) against values derived
// independently in this file:
//  - q = 1 is the Gaussian mechanism: RDP(alpha) = alpha / (2 z^2) (Mironov 2017),
//    and the classic conversion's epsilon is worked out by hand for one case;
//  - integer orders 2 and 3 against the closed forms of the binomial expansion of
//    A_alpha = E_{x~mu0}[((1-q) + q mu1(x)/mu0(x))^alpha];
//  - fractional orders against a direct quadrature of that integral (composite Simpson rule in
//    log space), which shares no code with the library's series;
//  - the published value of Abadi et al. 2016, Section 3.1: q = 0.01, sigma = 4, delta = 1e-5,
//    T = 10,000 gives epsilon ~ 1.26 with the moments accountant, which is the classic
//    conversion over integer orders 2..33 (moment order lambda = alpha - 1 <= 32);
//  - monotonicity in T, q, z and delta; composition; exact save and restore.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "dais/fl/rdp_accountant.h"

using namespace dais::fl;

namespace {

// log A_alpha by composite Simpson quadrature of
//   A_alpha = int N(x; 0, z^2) ((1-q) + q exp((2x - 1) / (2 z^2)))^alpha dx
// over [-14 z, alpha + 14 z + 1] (the integrand peaks near x = 0 and, for the q mu1 part, near
// x = alpha; beyond 14 standard deviations it is below e^-98 of its peak). The integrand is
// evaluated as an exponent and rescaled by its maximum, so large orders do not overflow.
double logAByQuadrature(double q, double z, double alpha, int intervals = 400000) {
    const double lo = -14.0 * z, hi = alpha + 14.0 * z + 1.0;
    const double h = (hi - lo) / intervals;
    std::vector<double> f(intervals + 1);
    double peak = -INFINITY;
    for (int i = 0; i <= intervals; ++i) {
        const double x = lo + h * i;
        const double logMu0 = -x * x / (2 * z * z) - std::log(z * std::sqrt(2 * std::numbers::pi));
        const double r = (2 * x - 1) / (2 * z * z);  // log(mu1 / mu0)
        // log((1-q) + q e^r), stable for large r
        const double logMix =
            r > 0 ? r + std::log((1 - q) * std::exp(-r) + q) : std::log((1 - q) + q * std::exp(r));
        f[i] = logMu0 + alpha * logMix;
        peak = std::max(peak, f[i]);
    }
    double sum = 0;
    for (int i = 0; i <= intervals; ++i) {
        const double w = (i == 0 || i == intervals) ? 1 : (i % 2 == 1 ? 4 : 2);
        sum += w * std::exp(f[i] - peak);
    }
    return peak + std::log(sum * h / 3);
}

double classicEpsilon(double rdp, double alpha, double delta) {
    return rdp + std::log(1 / delta) / (alpha - 1);
}

}  // namespace

class TestRdpAccountant : public QObject {
    Q_OBJECT

  private slots:
    void gaussianMechanism_data() {
        QTest::addColumn<double>("z");
        QTest::newRow("z=0.5") << 0.5;
        QTest::newRow("z=1.1") << 1.1;
        QTest::newRow("z=4") << 4.0;
    }
    // q = 1: the Gaussian mechanism, alpha / (2 z^2) at every order.
    void gaussianMechanism() {
        QFETCH(double, z);
        for (double a : defaultRdpOrders()) {
            QCOMPARE(sgmRdp(1.0, z, a), a / (2 * z * z));
            QCOMPARE(sgmLogA(1.0, z, a), a * (a - 1) / (2 * z * z));
        }
    }

    // One round of the Gaussian mechanism with z = 2, delta = 1e-5, classic conversion:
    // epsilon(alpha) = alpha / 8 + log(1e5) / (alpha - 1), minimised over real alpha at
    // alpha* = 1 + sqrt(8 log(1e5)) = 10.597; of the tracked orders 10 and 11 are nearest and
    // epsilon(10) = 1.25 + 11.5129/9 = 2.5292 > epsilon(11) = 1.375 + 11.5129/10 = 2.5263.
    void gaussianMechanismEpsilonByHand() {
        RdpAccountant acc;
        acc.step(1.0, 2.0);
        const PrivacySpent e = acc.epsilon(1e-5, RdpConversion::Classic);
        QCOMPARE(e.order, 11.0);
        QVERIFY(std::abs(e.epsilon - (11.0 / 8.0 + std::log(1e5) / 10.0)) < 1e-12);
        QVERIFY(std::abs(e.epsilon - 2.52629) < 1e-5);
        // Not below the real-order optimum T/(2 z^2) + sqrt(2 T log(1/delta)) / z = 2.5243.
        QVERIFY(e.epsilon >= 0.125 + std::sqrt(2 * std::log(1e5)) / 2);
        QCOMPARE(e.conversion, RdpConversion::Classic);
        QCOMPARE(e.conversionName, conversionName(RdpConversion::Classic));
        QVERIFY(e.conversionName.find("Mironov 2017") != std::string_view::npos);
        QCOMPARE(e.delta, 1e-5);
    }

    void integerOrders_data() {
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("z");
        QTest::newRow("q=0.01 z=1.1") << 0.01 << 1.1;
        QTest::newRow("q=0.001 z=0.7") << 0.001 << 0.7;
        QTest::newRow("q=0.1 z=2") << 0.1 << 2.0;
        QTest::newRow("q=0.5 z=1") << 0.5 << 1.0;
        QTest::newRow("q=0.9 z=3") << 0.9 << 3.0;
    }
    // Binomial expansion A_n = sum_k C(n,k) (1-q)^(n-k) q^k exp((k^2-k)/(2 z^2)); as the
    // binomial weights sum to 1, A_n - 1 = sum_k C(n,k) (1-q)^(n-k) q^k (exp((k^2-k)/(2 z^2)) - 1)
    // (k = 0 and 1 contribute nothing):
    //   A_2 - 1 = q^2 (e^(1/z^2) - 1),
    //   A_3 - 1 = 3 q^2 (1-q) (e^(1/z^2) - 1) + q^3 (e^(3/z^2) - 1);
    //   RDP(n) = log1p(A_n - 1) / (n - 1), accurate even when A_n - 1 is tiny.
    // The library sums in log space instead; they agree to 1e-11 relative.
    void integerOrders() {
        QFETCH(double, q);
        QFETCH(double, z);
        const double e1 = std::expm1(1 / (z * z)), e3 = std::expm1(3 / (z * z));
        const double rdp2 = std::log1p(q * q * e1);
        const double rdp3 = std::log1p(3 * q * q * (1 - q) * e1 + q * q * q * e3) / 2;
        QVERIFY2(std::abs(sgmRdp(q, z, 2.0) - rdp2) <= 1e-11 * rdp2,
                 qPrintable(
                     QString("%1 vs %2").arg(sgmRdp(q, z, 2.0), 0, 'g', 17).arg(rdp2, 0, 'g', 17)));
        QVERIFY2(std::abs(sgmRdp(q, z, 3.0) - rdp3) <= 1e-11 * rdp3,
                 qPrintable(
                     QString("%1 vs %2").arg(sgmRdp(q, z, 3.0), 0, 'g', 17).arg(rdp3, 0, 'g', 17)));
    }

    void againstQuadrature_data() {
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("z");
        QTest::newRow("q=0.01 z=1.1") << 0.01 << 1.1;
        QTest::newRow("q=0.001 z=0.8") << 0.001 << 0.8;
        QTest::newRow("q=0.02 z=0.5") << 0.02 << 0.5;
        QTest::newRow("q=0.1 z=2") << 0.1 << 2.0;
        QTest::newRow("q=0.5 z=1") << 0.5 << 1.0;
        QTest::newRow("q=0.9 z=3") << 0.9 << 3.0;
    }
    // Fractional (series) and integer (binomial) orders against the independent quadrature.
    // Simpson's error with 400,000 intervals is far below the tolerance: relative 1e-8 of
    // log A plus 1e-12 absolute (log A can be as small as 1e-8 here).
    void againstQuadrature() {
        QFETCH(double, q);
        QFETCH(double, z);
        for (double a : {1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.25, 4.0, 7.5, 12.5, 32.0}) {
            const double lib = sgmLogA(q, z, a), quad = logAByQuadrature(q, z, a);
            QVERIFY2(std::abs(lib - quad) <= 1e-8 * std::abs(quad) + 1e-12,
                     qPrintable(QString("alpha %1: series %2, quadrature %3")
                                    .arg(a)
                                    .arg(lib, 0, 'g', 15)
                                    .arg(quad, 0, 'g', 15)));
        }
    }

    // The fractional series meets the integer binomial expansion continuously: just off an
    // integer order the series is used, at it the finite sum.
    void seriesMeetsBinomial() {
        for (double n : {2.0, 3.0, 8.0})
            for (double q : {0.01, 0.3}) {
                const double at = sgmLogA(q, 1.1, n);
                const double below = sgmLogA(q, 1.1, n - 1e-7), above = sgmLogA(q, 1.1, n + 1e-7);
                QVERIFY(below < at && at < above);
                QVERIFY(std::abs(0.5 * (below + above) - at) < 1e-9 * at);
            }
    }

    void specialCases() {
        QCOMPARE(sgmRdp(0.0, 1.0, 2.0), 0.0);
        QVERIFY(std::isinf(sgmRdp(0.1, 0.0, 2.0)));
        QVERIFY(std::isfinite(sgmRdp(0.01, 0.3, 256.0)));  // large order, small noise: no overflow
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sgmRdp(1.5, 1.0, 2.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sgmRdp(0.1, -1.0, 2.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sgmRdp(0.1, 1.0, 1.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sgmRdp(NAN, 1.0, 2.0));
        // No noise: no finite epsilon.
        RdpAccountant acc;
        acc.step(0.1, 0.0);
        const PrivacySpent e = acc.epsilon(1e-5);
        QVERIFY(std::isinf(e.epsilon));
        QVERIFY(std::isnan(e.order));
        // Nothing spent yet (or only rounds with q = 0): epsilon 0, under both conversions.
        for (RdpConversion c : {RdpConversion::Classic, RdpConversion::Improved}) {
            QCOMPARE(RdpAccountant().epsilon(1e-5, c).epsilon, 0.0);
            RdpAccountant none;
            none.step(0.0, 1.0, 100);
            QCOMPARE(none.epsilon(1e-5, c).epsilon, 0.0);
            QVERIFY(std::isnan(none.epsilon(1e-5, c).order));
        }
        try {
            RdpAccountant().epsilon(1.0);
            QFAIL("delta = 1 accepted");
        } catch (const std::invalid_argument& err) {
            QCOMPARE(QString(err.what()), QString("delta must be in (0, 1), got 1.000000"));
        }
    }

    // Abadi et al., "Deep Learning with Differential Privacy", CCS 2016, Section 3.1: "with
    // q = 0.01, sigma = 4, delta = 1e-5, and T = 10000, we have epsilon ~ 1.26 using the moments
    // accountant". The moments accountant at lambda is RDP at alpha = lambda + 1 composed, with
    // the classic conversion; the paper used lambda <= 32. The value is printed to two
    // decimals, so the tolerance is 0.005 (half a unit in the last place).
    void abadiEtAl2016() {
        std::vector<double> orders;
        for (int lambda = 1; lambda <= 32; ++lambda)
            orders.push_back(lambda + 1.0);
        RdpAccountant acc(orders);
        acc.step(0.01, 4.0, 10000);
        const PrivacySpent e = acc.epsilon(1e-5, RdpConversion::Classic);
        QVERIFY2(std::abs(e.epsilon - 1.26) <= 0.005, qPrintable(QString::number(e.epsilon)));
    }

    // The worked example of the README: q = 0.01, z = 1.1, T = 10,000, delta = 1e-5.
    void readmeExample() {
        RdpAccountant acc;
        acc.step(0.01, 1.1, 10000);
        const PrivacySpent classic = acc.epsilon(1e-5, RdpConversion::Classic);
        const PrivacySpent improved = acc.epsilon(1e-5, RdpConversion::Improved);
        QVERIFY2(std::abs(classic.epsilon - 6.2798) < 1e-4,
                 qPrintable(QString::number(classic.epsilon, 'g', 8)));
        QCOMPARE(classic.order, 5.0);
        QVERIFY2(std::abs(improved.epsilon - 5.6388) < 1e-4,
                 qPrintable(QString::number(improved.epsilon, 'g', 8)));
        QCOMPARE(improved.order, 4.5);
        // The epsilon at the reported order is the classic formula there.
        const auto& o = acc.orders();
        const std::size_t i = std::find(o.begin(), o.end(), 5.0) - o.begin();
        QVERIFY(std::abs(classic.epsilon - classicEpsilon(acc.rdp()[i], 5.0, 1e-5)) < 1e-12);
    }

    void monotonicity() {
        const auto eps = [](double q, double z, std::uint64_t t, double delta,
                            RdpConversion c = RdpConversion::Improved) {
            RdpAccountant acc;
            acc.step(q, z, t);
            return acc.epsilon(delta, c).epsilon;
        };
        for (RdpConversion c : {RdpConversion::Classic, RdpConversion::Improved}) {
            double prev = 0;
            for (std::uint64_t t : {1, 10, 100, 1000, 10000, 100000}) {
                const double e = eps(0.01, 1.1, t, 1e-5, c);
                QVERIFY(e > prev);
                prev = e;
            }
            prev = 0;
            for (double q : {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0}) {
                const double e = eps(q, 1.1, 100, 1e-5, c);
                QVERIFY(e > prev);
                prev = e;
            }
            prev = INFINITY;
            for (double z : {0.5, 0.8, 1.1, 2.0, 4.0, 10.0}) {
                const double e = eps(0.01, z, 1000, 1e-5, c);
                QVERIFY(e < prev);
                prev = e;
            }
            prev = INFINITY;
            for (double delta : {1e-10, 1e-8, 1e-6, 1e-5, 1e-3, 1e-1}) {
                const double e = eps(0.01, 1.1, 1000, delta, c);
                QVERIFY(e < prev);
                prev = e;
            }
        }
        // The improved conversion is never looser than the classic one.
        for (double q : {0.001, 0.01, 0.1, 1.0})
            QVERIFY(eps(q, 1.1, 1000, 1e-5, RdpConversion::Improved) <
                    eps(q, 1.1, 1000, 1e-5, RdpConversion::Classic));
    }

    // RDP composes additively: T rounds one by one, T rounds at once and T times one round.
    void composition() {
        RdpAccountant oneByOne, atOnce;
        for (int t = 0; t < 500; ++t)
            oneByOne.step(0.02, 0.9);
        atOnce.step(0.02, 0.9, 500);
        const std::vector<double> single = sgmRdp(0.02, 0.9, defaultRdpOrders());
        QCOMPARE(oneByOne.rounds(), std::uint64_t{500});
        QCOMPARE(atOnce.rounds(), std::uint64_t{500});
        for (std::size_t i = 0; i < single.size(); ++i) {
            QCOMPARE(atOnce.rdp()[i], 500 * single[i]);
            QVERIFY(std::abs(oneByOne.rdp()[i] - 500 * single[i]) <= 1e-12 * 500 * single[i]);
        }
        // Rounds with different settings add up too.
        RdpAccountant mixed;
        mixed.step(0.01, 1.1, 3);
        mixed.step(0.05, 2.0, 2);
        const std::vector<double> a = sgmRdp(0.01, 1.1, defaultRdpOrders());
        const std::vector<double> b = sgmRdp(0.05, 2.0, defaultRdpOrders());
        for (std::size_t i = 0; i < a.size(); ++i)
            QCOMPARE(mixed.rdp()[i], 3 * a[i] + 2 * b[i]);
    }

    void saveRestore() {
        RdpAccountant acc;
        acc.step(0.013, 1.37, 777);
        acc.step(0.1, 0.83);
        const std::string text = acc.save();
        RdpAccountant back = RdpAccountant::restore(text);
        QVERIFY(back == acc);
        QCOMPARE(back.save(), text);
        QCOMPARE(back.epsilon(1e-6).epsilon, acc.epsilon(1e-6).epsilon);
        // Continuing after a restore gives the same state as never stopping.
        acc.step(0.02, 1.0, 5);
        back.step(0.02, 1.0, 5);
        QVERIFY(back == acc);
        // Custom orders survive.
        RdpAccountant custom({1.5, 2.0, 33.0});
        custom.step(0.3, 2.5);
        QVERIFY(RdpAccountant::restore(custom.save()) == custom);
    }

    void restoreRejectsBadText_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("header") << "nonsense\n"
                                << "accountant state, line 1: expected \"dais-rdp-accountant 1\"";
        QTest::newRow("rounds") << "dais-rdp-accountant 1\nrounds x\n"
                                << "accountant state, line 2: expected \"rounds N\"";
        QTest::newRow("orders")
            << "dais-rdp-accountant 1\nrounds 3\norders 0\n"
            << "accountant state, line 3: expected \"orders N\" with 1 <= N <= 100000";
        QTest::newRow("short") << "dais-rdp-accountant 1\nrounds 3\norders 2\n"
                                  "4000000000000000 3ff0000000000000\n"
                               << "accountant state, line 5: expected two 16-digit hexadecimal "
                                  "words";
        QTest::newRow("order") << "dais-rdp-accountant 1\nrounds 3\norders 1\n"
                                  "3ff0000000000000 3ff0000000000000\n"
                               << "accountant state, line 4: order must be finite and > 1";
        QTest::newRow("rdp") << "dais-rdp-accountant 1\nrounds 3\norders 1\n"
                                "4000000000000000 bff0000000000000\n"
                             << "accountant state, line 4: RDP must be >= 0";
    }
    void restoreRejectsBadText() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            RdpAccountant::restore(text.toStdString());
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString(e.what()), message);
        }
    }
};

QTEST_APPLESS_MAIN(TestRdpAccountant)
#include "tst_fl_rdp_accountant.moc"
