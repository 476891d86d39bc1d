// One compute occupancy per node: processor sharing of each node's CPU and GPU among the tasks
// every layer starts there, against the theory (finish times of equal and unequal tasks, the
// M/G/1-PS mean response time), crashes and cancellation.
#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

#include "dais/sim/compute_occupancy.h"
#include "dais/sim/rng.h"

using namespace dais::sim;

namespace {

/// Two nodes: "cpu" with 10 GFLOP/s and no GPU, "gpu" with 1 GFLOP/s and 2 TFLOP/s.
NetworkSpec twoNodes() {
    NetworkSpec s;
    NodeSpec cpu;
    cpu.id = "cpu";
    cpu.resources.cpuGflops = 10;
    NodeSpec gpu;
    gpu.id = "gpu";
    gpu.resources.cpuGflops = 1;
    gpu.resources.gpuTflops = 2;
    s.nodes = {cpu, gpu};
    return s;
}

struct Log {
    std::vector<ComputeOccupancy::Finished> ends;
    std::vector<SimTime> at;
    Simulation* sim = nullptr;
    static void done(void* self, const ComputeOccupancy::Finished& f) {
        auto* log = static_cast<Log*>(self);
        log->ends.push_back(f);
        log->at.push_back(log->sim->now());
    }
};

/// The two nodes built, their processors and a log of the tasks that end.
struct TwoNodes {
    Simulation sim;
    std::unique_ptr<Network> net;
    std::unique_ptr<ComputeOccupancy> compute;
    Log log;
    TwoNodes() {
        auto built = Network::build(sim, twoNodes());
        if (!built.ok()) qFatal("%s", built.error().message.c_str());
        net = std::move(built.value());
        compute = std::make_unique<ComputeOccupancy>(sim, *net);
        log.sim = &sim;
    }
};

}  // namespace

class TestComputeOccupancy : public QObject {
    Q_OBJECT
  private slots:
    void aTaskAloneRunsAtFullSpeed() {
        TwoNodes m;
        Simulation& sim = m.sim;
        ComputeOccupancy& compute = *m.compute;
        Log& log = m.log;
        QCOMPARE(compute.speed(0, ComputeOccupancy::Unit::Cpu), 10e9);
        QCOMPARE(compute.speed(1, ComputeOccupancy::Unit::Gpu), 2e12);
        QCOMPARE(compute.estimate(0, 20e9, ComputeOccupancy::Unit::Cpu), 2 * kSecond);
        QVERIFY(compute.start(0, 20e9, ComputeOccupancy::Unit::Cpu, &Log::done, &log, 7) != 0);
        QVERIFY(compute.start(1, 4e12, ComputeOccupancy::Unit::Gpu, &Log::done, &log, 8) != 0);
        // The first node has no GPU: nothing starts.
        QCOMPARE(compute.start(0, 1e9, ComputeOccupancy::Unit::Gpu, &Log::done, &log), 0u);
        sim.run();
        QCOMPARE(log.ends.size(), std::size_t(2));
        QCOMPARE(log.at[0], 2 * kSecond);
        QCOMPARE(log.ends[0].data, std::uint64_t(7));
        QVERIFY(log.ends[0].completed);
        QCOMPARE(log.at[1], 2 * kSecond);
    }

    void tasksShareTheProcessorEvenly() {
        // Two layers start 10 and 30 GFLOP at once on a 10 GFLOP/s CPU: both run at 5 until the
        // first is done at 2 s; the second has 20 left, alone at 10: done at 4 s. A third task
        // of 5 GFLOP joins at 1 s: from then on each gets 10/3, so the first (5 left at 1 s)
        // and the third (5) end together at 2.5 s; the second has 25 - 5 = 20 left then: 4.5 s.
        TwoNodes m;
        Simulation& sim = m.sim;
        ComputeOccupancy& compute = *m.compute;
        Log& log = m.log;
        const auto cpu = ComputeOccupancy::Unit::Cpu;
        compute.start(0, 10e9, cpu, &Log::done, &log, 1);
        compute.start(0, 30e9, cpu, &Log::done, &log, 2);
        QCOMPARE(compute.running(0, cpu), std::size_t(2));
        // A third of 5 GFLOP started now would end first: at 3 x 5 / 10 = 1.5 s.
        QCOMPARE(compute.estimate(0, 5e9, cpu), 1500 * kMillisecond);
        struct Joiner {
            ComputeOccupancy* c;
            Log* log;
            void join(Simulation&, const Event&) {
                c->start(0, 5e9, ComputeOccupancy::Unit::Cpu, &Log::done, log, 3);
            }
        } joiner{&compute, &log};
        sim.scheduleAt(kSecond, 0, sim.registerKind<&Joiner::join>("join", joiner));
        sim.run();
        QCOMPARE(log.ends.size(), std::size_t(3));
        QCOMPARE(log.ends[0].data, std::uint64_t(1));
        QCOMPARE(log.ends[1].data, std::uint64_t(3));
        QVERIFY(std::llabs(log.at[0] - 2500 * kMillisecond) <= 2);
        QVERIFY(std::llabs(log.at[1] - 2500 * kMillisecond) <= 2);
        QCOMPARE(log.ends[2].data, std::uint64_t(2));
        QVERIFY2(std::llabs(log.at[2] - 4500 * kMillisecond) <= 3,
                 qPrintable(QString::number(log.at[2])));
    }

    void mg1ProcessorSharingMeetsItsMeanResponseTime() {
        // M/M/1-PS: Poisson arrivals at rate lambda, exponential work of mean 1/mu seconds at
        // full speed; the mean time in system is 1 / (mu - lambda) (Kleinrock 1976, vol. 2,
        // sec. 4.4; it depends on the work's mean only). lambda = 0.5/s, mu = 1/s: 2 s.
        Simulation sim({11, QueueKind::Ladder});
        auto net = Network::build(sim, twoNodes());
        QVERIFY(net.ok());
        ComputeOccupancy compute(sim, *net.value());
        struct Source {
            ComputeOccupancy* c;
            Simulation* sim;
            RngStream rng;
            double total = 0;
            std::uint64_t count = 0, started = 0;
            static void done(void* self, const ComputeOccupancy::Finished& f) {
                auto* s = static_cast<Source*>(self);
                s->total += toSeconds(s->sim->now() - f.startedAt);
                ++s->count;
            }
            void arrive(Simulation& simulation, const Event& e) {
                // 10 GFLOP/s: a mean of 1 s is 10 GFLOP.
                c->start(0, rng.exponential(10e9), ComputeOccupancy::Unit::Cpu, &Source::done,
                         this);
                if (++started < 40000)
                    simulation.scheduleIn(fromSeconds(rng.exponential(2.0)), 0, e.kind);
            }
        } source{&compute, &sim, sim.rng("test", 0, "ps"), 0, 0, 0};
        sim.scheduleAt(0, 0, sim.registerKind<&Source::arrive>("arrive", source));
        sim.run();
        QCOMPARE(source.count, std::uint64_t(40000));
        const double mean = source.total / static_cast<double>(source.count);
        // The mean of 40,000 correlated response times: within 10% of theory.
        QVERIFY2(std::abs(mean - 2.0) < 0.2, qPrintable(QString::number(mean)));
    }

    void aCrashEndsWhatTheNodeComputesAndCancelEndsOneTask() {
        TwoNodes m;
        Simulation& sim = m.sim;
        ComputeOccupancy& compute = *m.compute;
        Log& log = m.log;
        const auto cpu = ComputeOccupancy::Unit::Cpu;
        const auto a = compute.start(0, 100e9, cpu, &Log::done, &log, 1);
        const auto b = compute.start(0, 100e9, cpu, &Log::done, &log, 2);
        compute.start(1, 1e9, cpu, &Log::done, &log, 3);  // the other node finishes at 1 s
        struct Faults {
            Network* net;
            ComputeOccupancy* c;
            ComputeOccupancy::TaskId b;
            void act(Simulation& s, const Event&) {
                if (s.now() == 2 * kSecond)
                    QVERIFY(c->cancel(b));
                else
                    net->setNodeUp(0, false);
            }
        } faults{m.net.get(), &compute, b};
        const KindId act = sim.registerKind<&Faults::act>("act", faults);
        sim.scheduleAt(2 * kSecond, 0, act);
        sim.scheduleAt(3 * kSecond, 0, act);
        sim.run();
        QCOMPARE(log.ends.size(), std::size_t(3));
        QCOMPARE(log.ends[0].data, std::uint64_t(3));
        QVERIFY(log.ends[0].completed);
        QCOMPARE(log.ends[1].data, std::uint64_t(2));  // cancelled at 2 s
        QVERIFY(!log.ends[1].completed);
        QCOMPARE(log.at[1], 2 * kSecond);
        QCOMPARE(log.ends[2].data, std::uint64_t(1));  // lost in the crash at 3 s
        QVERIFY(!log.ends[2].completed);
        QCOMPARE(log.at[2], 3 * kSecond);
        QVERIFY(!compute.cancel(a));  // already ended
        // A down node starts nothing.
        QCOMPARE(compute.start(0, 1e9, cpu, &Log::done, &log), 0u);
        QCOMPARE(compute.estimate(0, 1e9, cpu), kTimeNever);
    }

    void equipGivesAProcessorAndChangesASpeedMidTask() {
        TwoNodes m;
        Simulation& sim = m.sim;
        ComputeOccupancy& compute = *m.compute;
        Log& log = m.log;
        const auto cpu = ComputeOccupancy::Unit::Cpu, gpu = ComputeOccupancy::Unit::Gpu;
        // The first node has no GPU until it is equipped with one of 1 TFLOP/s.
        compute.equip(0, gpu, 1e12);
        QCOMPARE(compute.speed(0, gpu), 1e12);
        QVERIFY(compute.start(0, 4e12, gpu, &Log::done, &log, 1) != 0);
        // 10 GFLOP/s CPU: 20 GFLOP alone would take 2 s; at 1 s (10 GFLOP done) it becomes
        // 5 GFLOP/s, so the other 10 GFLOP take 2 s more: it ends at 3 s.
        QVERIFY(compute.start(0, 20e9, cpu, &Log::done, &log, 2) != 0);
        struct Slower {
            ComputeOccupancy* c;
            void act(Simulation&, const Event&) { c->equip(0, ComputeOccupancy::Unit::Cpu, 5e9); }
        } slower{&compute};
        sim.scheduleAt(kSecond, 0, sim.registerKind<&Slower::act>("slower", slower));
        sim.run();
        QCOMPARE(log.ends.size(), std::size_t(2));
        QCOMPARE(log.ends[0].data, std::uint64_t(2));
        QCOMPARE(log.at[0], 3 * kSecond);
        QCOMPARE(log.ends[1].data, std::uint64_t(1));
        QCOMPARE(log.at[1], 4 * kSecond);
        QCOMPARE(compute.speed(0, cpu), 5e9);
        QCOMPARE(compute.speed(1, cpu), 1e9);  // untouched: its resources
    }

    void anIdIsNeverReusedWhenItsSlotIs() {
        TwoNodes m;
        ComputeOccupancy& compute = *m.compute;
        Log& log = m.log;
        const auto cpu = ComputeOccupancy::Unit::Cpu;
        const auto first = compute.start(0, 1e9, cpu, &Log::done, &log, 1);
        QVERIFY(compute.cancel(first));
        const auto second = compute.start(0, 1e9, cpu, &Log::done, &log, 2);
        QVERIFY(second != first);
        QVERIFY(!compute.cancel(first));  // its slot holds the second task now
        QCOMPARE(compute.remaining(first), 0.0);
        QCOMPARE(compute.remaining(second), 1e9);
        QCOMPARE(compute.running(0, cpu), std::size_t(1));
        QVERIFY(compute.cancel(second));
        QCOMPARE(compute.running(0, cpu), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestComputeOccupancy)
#include "tst_compute_occupancy.moc"
