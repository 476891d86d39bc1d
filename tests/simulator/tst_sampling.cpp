// Periodic metric samples cost a bounded amount whatever the interval and however long the run
// (Simulation::setSampleInterval): 1 ns samples of a run that never ends do not fill the disk.
#include <QtTest>

#include <vector>

#include "dais/sim/observer.h"
#include "dais/sim/simulation.h"

using namespace dais::sim;

namespace {

struct Counter : Observer {
    std::vector<SimTime> times;
    void onSample(SimTime t, std::span<const MetricValue>) override { times.push_back(t); }
};

/// A model that keeps the run going: one event every `gap`, `count` times.
struct Ticker {
    SimTime gap = 0;
    std::uint64_t left = 0;
    KindId kind = 0;
    void onTick(Simulation& sim, const Event&) {
        if (--left > 0) sim.scheduleIn(gap, 0, kind);
    }
};

}  // namespace

class TestSampling : public QObject {
    Q_OBJECT

  private slots:
    void aTinyIntervalIsThinnedNotRunaway() {
        Simulation sim(Simulation::Config{1, QueueKind::Ladder});
        Counter c;
        sim.addObserver(&c);
        Ticker t{kSecond, 3600};  // an hour of model events
        t.kind = sim.registerKind<&Ticker::onTick>("tick", t);
        sim.scheduleIn(0, 0, t.kind);
        sim.setSampleInterval(1);  // 1 ns: 3.6e12 samples if nothing bounded them
        sim.run();
        // Budget 100,000, then 50,000, 25,000, ... down to 1,000 a stretch, each stretch
        // covering 100,000 ns: 3.6e12 ns need 17 stretches above the floor (199,000 samples
        // in 1.7 ms) and then doubling stretches of 1,000 until past an hour.
        QVERIFY2(c.times.size() < 263'000, qPrintable(QString::number(c.times.size())));
        QVERIFY(c.times.size() > 199'000);
        // The asked interval is honoured for the whole first stretch.
        QCOMPARE(c.times[0], SimTime{1});
        QCOMPARE(c.times[99'999], SimTime{100'000});
        QCOMPARE(c.times[100'000] - c.times[99'999], SimTime{2});
        QVERIFY(sim.sampleInterval() > 1);
        // Samples keep coming until the model's last event.
        QVERIFY(c.times.back() > 3000 * kSecond);
    }

    void anIntervalWithinTheBudgetIsKept() {
        Simulation sim(Simulation::Config{1, QueueKind::Heap});
        Counter c;
        sim.addObserver(&c);
        Ticker t{kSecond, 100};
        t.kind = sim.registerKind<&Ticker::onTick>("tick", t);
        sim.scheduleIn(0, 0, t.kind);
        sim.setSampleInterval(10 * kMillisecond);  // 9,900 samples over 99 s
        sim.run();
        QCOMPARE(c.times.size(), std::size_t{9'900});
        QCOMPARE(sim.sampleInterval(), 10 * kMillisecond);
        for (std::size_t i = 1; i < c.times.size(); ++i)
            QCOMPARE(c.times[i] - c.times[i - 1], 10 * kMillisecond);
    }
};

QTEST_GUILESS_MAIN(TestSampling)
#include "tst_sampling.moc"
