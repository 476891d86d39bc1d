// Validation against queueing theory: one link with no propagation delay, Poisson arrivals and
// exponentially distributed message sizes is an M/M/1 queue, whose mean time in system is
// W = 1 / (mu - lambda).
//
// Set-up. Sizes have mean S = 125,000 bytes on B = 1 Gbit/s, so a mean service time of
// 8 S / B = 1 ms (mu = 1000 per second); lambda = rho mu. At 1 Gbit/s a byte takes exactly
// 8 ns, so the only rounding is of sizes to whole bytes (|error| <= 0.5 B against a mean of
// 125,000 B: under 4e-6 of a service time) and of Poisson gaps to whole nanoseconds (under 5e-7
// of the smallest mean gap, 1.05 ms). Both are negligible next to the 3% precision below.
//
// Statistics. Sojourn times of successive messages are strongly correlated near saturation,
// so their plain standard error would be far too optimistic. We use batch means: the run is
// cut into K = 32 batches (after one warm-up batch that is discarded, since the queue starts
// empty), each many times longer than the queue's relaxation time 1 / (mu (1 - sqrt(rho))^2)
// (Cohen; about 12 ms, 90 ms and 1.6 s at rho = 0.5, 0.8, 0.95), so batch means are nearly
// independent and SE = sd(batch means) / sqrt(K). We assert
//   |mean - W| < 4 SE   (t with 31 degrees of freedom: a false alarm about once in 3,000), and
//   SE < 3% of W       (so the test cannot pass just because the estimate is vague).
// Run lengths follow from the asymptotic variance of the M/M/1 delay (Daley 1968;
// Whitt 1989), rho (2 + 5 rho - 4 rho^2 + rho^3) / (1 - rho)^4 in units of 1/mu^2 per message:
// at rho = 0.95 about 1,500 W^2 per message, so a 1.6% SE needs about 6 million messages.
#include <QtTest>

#include <chrono>
#include <cmath>

#include "network_test_util.h"

using namespace dais::sim;
using namespace nettest;

class TestMM1 : public QObject {
    Q_OBJECT

  private slots:
    void meanTimeInSystem_data() {
        QTest::addColumn<QueueKind>("queue");
        QTest::addColumn<double>("rho");
        QTest::addColumn<double>("batchSeconds");
        for (QueueKind q : {QueueKind::Heap, QueueKind::Ladder}) {
            const char* qn = q == QueueKind::Heap ? "heap" : "ladder";
            // Batches of ~1000, ~430 and ~130 relaxation times.
            QTest::newRow(qPrintable(QString("%1 rho=0.5").arg(qn))) << q << 0.5 << 12.5;
            QTest::newRow(qPrintable(QString("%1 rho=0.8").arg(qn))) << q << 0.8 << 39.0;
            QTest::newRow(qPrintable(QString("%1 rho=0.95").arg(qn))) << q << 0.95 << 200.0;
        }
    }

    void meanTimeInSystem() {
        QFETCH(QueueKind, queue);
        QFETCH(double, rho);
        QFETCH(double, batchSeconds);
        constexpr int kBatches = 32;
        const double meanBytes = 125'000, bandwidth = 1e9;
        const double mu = bandwidth / (8 * meanBytes);
        const double lambda = rho * mu;
        const double theory = 1.0 / (mu - lambda);
        const SimTime batch = fromSeconds(batchSeconds);

        NetworkSpec s;
        s.nodes = {node("A"), node("B")};
        s.links = {link("A", "B", props(0, bandwidth))};
        TrafficSpec t;
        t.id = "mm1";
        t.from = {"A"};
        t.to = {"B"};
        t.process = TrafficSpec::Process::Poisson;
        t.ratePerSecond = lambda;
        t.sizeBytes = {Variate::Kind::Exponential, meanBytes, 0};
        t.stop = batch * (kBatches + 1);
        s.traffic = {t};
        Simulation sim({2024, queue});
        auto net = buildOk(sim, s);
        QVERIFY(net);
        const Summary& latency = summary(sim, "traffic.mm1.latency");

        const auto t0 = std::chrono::steady_clock::now();
        sim.runUntil(batch);  // warm-up, discarded
        double prevSum = latency.sum();
        std::uint64_t prevCount = latency.count();
        std::vector<double> means;
        for (int b = 1; b <= kBatches; ++b) {
            sim.runUntil(batch * (b + 1));
            const double sum = latency.sum();
            const std::uint64_t count = latency.count();
            QVERIFY(count > prevCount);
            means.push_back((sum - prevSum) / double(count - prevCount));
            prevSum = sum;
            prevCount = count;
        }
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        net->finish();
        double mean = 0;
        for (double m : means)
            mean += m;
        mean /= kBatches;
        double var = 0;
        for (double m : means)
            var += (m - mean) * (m - mean);
        var /= (kBatches - 1);
        const double se = std::sqrt(var / kBatches);
        qInfo(
            "rho %.2f: W = %.4f ms, simulated %.4f ms (SE %.4f ms, %.2f%%), %.2f sigma; %llu "
            "messages, "
            "link utilisation %.4f, %.2f s",
            rho, theory * 1e3, mean * 1e3, se * 1e3, 100 * se / theory, (mean - theory) / se,
            static_cast<unsigned long long>(latency.count()), net->utilisation(0, 0), wall);
        QVERIFY2(se < 0.03 * theory, "the run is too short to say anything");
        QVERIFY2(std::abs(mean - theory) < 4 * se,
                 qPrintable(QString("%1 vs %2").arg(mean).arg(theory)));
        // The link was busy a fraction rho of the time (over ~10^5..10^6 services the busy
        // fraction's sd is well under 0.5%).
        QVERIFY(std::abs(net->utilisation(0, 0) - rho) < 0.01);
        QCOMPARE(metric(sim, "net.messages.lost"), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestMM1)
#include "tst_mm1.moc"
