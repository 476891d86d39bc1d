// The kernel: ordering, scheduling and cancelling, run modes, stop, pacing, fingerprints and
// observers, under every queue implementation.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "dais/sim/memory_need.h"
#include "dais/sim/number_text.h"
#include "dais/sim/simulation.h"

using namespace dais::sim;

Q_DECLARE_METATYPE(dais::sim::QueueKind)

namespace {

/// Records (time, target, data) of every event it handles; optionally reschedules.
struct Recorder {
    std::vector<std::tuple<SimTime, TargetId, std::uint64_t>> seen;
    KindId kind = 0;
    void onEvent(Simulation&, const Event& e) { seen.emplace_back(e.time, e.target, e.data); }
};

/// Reschedules itself forever, one event per `gap`.
struct Ticker {
    KindId kind = 0;
    SimTime gap = kMillisecond;
    std::uint64_t ticks = 0;
    void onEvent(Simulation& sim, const Event& e) {
        ++ticks;
        sim.scheduleIn(gap, e.target, kind);
    }
};

/// A wall clock that never sleeps: sleeping just moves time forward.
struct ManualClock final : WallClock {
    std::int64_t t = 1'000'000'000;
    int sleeps = 0;
    std::int64_t nowNs() override { return t; }
    void sleepUntilNs(std::int64_t wall) override {
        ++sleeps;
        if (wall > t) t = wall;
    }
};

struct CountingObserver final : Observer {
    int starts = 0, ends = 0, events = 0, traces = 0;
    std::vector<SimTime> sampleTimes;
    void onRunStart(const Simulation&) override { ++starts; }
    void onEvent(const Simulation&, const Event&) override { ++events; }
    void onTrace(const TraceRecord&) override { ++traces; }
    void onSample(SimTime t, std::span<const MetricValue>) override { sampleTimes.push_back(t); }
    void onRunEnd(const Simulation&) override { ++ends; }
};

}  // namespace

class TestKernel : public QObject {
    Q_OBJECT

    void addQueues() {
        QTest::addColumn<QueueKind>("queue");
        QTest::newRow("heap") << QueueKind::Heap;
        QTest::newRow("ladder") << QueueKind::Ladder;
    }

  private slots:
    void equalTimesRunInInsertionOrder_data() { addQueues(); }
    void equalTimesRunInInsertionOrder() {
        QFETCH(QueueKind, queue);
        Simulation sim({7, queue});
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        // 500 events at three distinct times, interleaved; order must be (time, insertion).
        for (std::uint64_t i = 0; i < 500; ++i)
            sim.scheduleAt((i % 3) * kSecond, 0, rec.kind, i);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(rec.seen.size(), std::size_t(500));
        for (std::size_t k = 1; k < rec.seen.size(); ++k) {
            const auto& [t0, n0, d0] = rec.seen[k - 1];
            const auto& [t1, n1, d1] = rec.seen[k];
            QVERIFY(t0 < t1 || (t0 == t1 && d0 < d1));
        }
        QCOMPARE(sim.now(), 2 * kSecond);
        QCOMPARE(sim.executed(), std::uint64_t(500));
    }

    void cancel_data() { addQueues(); }
    void cancel() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        const EventId a = sim.scheduleAt(10, 0, rec.kind, 1);
        const EventId b = sim.scheduleAt(20, 0, rec.kind, 2);
        const EventId c = sim.scheduleAt(20, 0, rec.kind, 3);
        QCOMPARE(sim.pending(), std::size_t(3));
        QVERIFY(sim.cancel(b));
        QVERIFY(!sim.cancel(b));  // twice
        QCOMPARE(sim.pending(), std::size_t(2));
        QVERIFY(sim.step());
        QVERIFY(!sim.cancel(a));  // already ran
        QVERIFY(!sim.cancel(EventId{}));
        QVERIFY(!sim.cancel(EventId{5, 999}));  // never scheduled
        sim.run();
        QCOMPARE(rec.seen.size(), std::size_t(2));
        QCOMPARE(std::get<2>(rec.seen[1]), std::uint64_t(3));
        QVERIFY(!sim.cancel(c));
        QCOMPARE(sim.pending(), std::size_t(0));
    }

    void reservedEventsRunWhereTheyWouldHave_data() { addQueues(); }
    void reservedEventsRunWhereTheyWouldHave() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        // Event 2 takes its place between 1 and 3 (all at 20) though it enters the queue last,
        // after the event at 10 has run.
        sim.scheduleAt(20, 0, rec.kind, 1);
        const std::uint64_t seq = sim.reserveSeq();
        sim.scheduleAt(20, 0, rec.kind, 3);
        sim.scheduleAt(10, 0, rec.kind, 0);
        QVERIFY(sim.step());
        QCOMPARE(sim.now(), SimTime(10));
        sim.scheduleReserved(20, seq, 0, rec.kind, 2);
        sim.run();
        QCOMPARE(rec.seen.size(), std::size_t(4));
        for (std::uint64_t i = 0; i < 4; ++i)
            QCOMPARE(std::get<2>(rec.seen[i]), i);
        // A number never reserved, one whose place has passed, and a time before now: refused.
        const std::uint64_t late = sim.reserveSeq();
        sim.scheduleAt(30, 0, rec.kind, 4);
        QVERIFY(sim.step());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, sim.scheduleReserved(30, late, 0, rec.kind));
        QVERIFY_THROWS_EXCEPTION(std::logic_error,
                                 sim.scheduleReserved(40, late + 100, 0, rec.kind));
        QVERIFY_THROWS_EXCEPTION(RunFailure, sim.scheduleReserved(29, late, 0, rec.kind));
        QCOMPARE(sim.pending(), std::size_t(0));
    }

    void runUntilTimeAdvancesClock_data() { addQueues(); }
    void runUntilTimeAdvancesClock() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        for (int i = 1; i <= 10; ++i)
            sim.scheduleAt(i * kSecond, 0, rec.kind);
        QCOMPARE(sim.runUntil(fromSeconds(4.5)), StopReason::Horizon);
        QCOMPARE(rec.seen.size(), std::size_t(4));
        QCOMPARE(sim.now(), fromSeconds(4.5));
        QCOMPARE(sim.runUntil(5 * kSecond), StopReason::Horizon);  // an event exactly at t runs
        QCOMPARE(rec.seen.size(), std::size_t(5));
        QCOMPARE(sim.runUntil(100 * kSecond), StopReason::QueueEmpty);
        QCOMPARE(sim.now(), 100 * kSecond);
    }

    void runUntilCondition_data() { addQueues(); }
    void runUntilCondition() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        Ticker tick;
        tick.kind = sim.registerKind<&Ticker::onEvent>("tick", tick);
        sim.scheduleAt(0, 0, tick.kind);
        auto hundred = [&](const Simulation&) { return tick.ticks == 100; };
        QCOMPARE(sim.runUntil(hundred), StopReason::Predicate);
        QCOMPARE(tick.ticks, std::uint64_t(100));
        QCOMPARE(sim.now(), 99 * kMillisecond);
        auto never = [](const Simulation&) { return false; };
        QCOMPARE(sim.runUntil(never, kSecond), StopReason::Horizon);
        QCOMPARE(tick.ticks, std::uint64_t(1001));
    }

    void stepExecutesOneEvent_data() { addQueues(); }
    void stepExecutesOneEvent() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        sim.scheduleAt(3, 1, rec.kind);
        sim.scheduleAt(3, 2, rec.kind);
        QVERIFY(sim.step());
        QCOMPARE(rec.seen.size(), std::size_t(1));
        QVERIFY(sim.step());
        QVERIFY(!sim.step());
        QCOMPARE(rec.seen.size(), std::size_t(2));
    }

    void stopFromHandlerAndBeforeRun_data() { addQueues(); }
    void stopFromHandlerAndBeforeRun() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        struct Stopper {
            int n = 0;
            void onEvent(Simulation& s, const Event&) {
                if (++n == 3) s.stop();
            }
        } stopper;
        const KindId k = sim.registerKind<&Stopper::onEvent>("stopper", stopper);
        for (int i = 0; i < 10; ++i)
            sim.scheduleAt(i, 0, k);
        QCOMPARE(sim.run(), StopReason::Stopped);
        QCOMPARE(stopper.n, 3);
        sim.stop();  // requested while idle: the next call returns at once
        QCOMPARE(sim.run(), StopReason::Stopped);
        QCOMPARE(stopper.n, 3);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);  // and the request is consumed
        QCOMPARE(stopper.n, 10);
    }

    void stopFromAnotherThread_data() { addQueues(); }
    void stopFromAnotherThread() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        Ticker tick;
        tick.kind = sim.registerKind<&Ticker::onEvent>("tick", tick);
        sim.scheduleAt(0, 0, tick.kind);
        std::thread stopper([&] {
            // Wait (without sleeping a fixed time) until the run has visibly progressed.
            while (sim.progress().executed < 100'000)
                std::this_thread::yield();
            sim.stop();
        });
        QCOMPARE(sim.run(), StopReason::Stopped);
        stopper.join();
        QVERIFY(tick.ticks >= 100'000);
        QCOMPARE(sim.progress().executed, sim.executed());
    }

    void pacingFollowsWallClock_data() { addQueues(); }
    void pacingFollowsWallClock() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        ManualClock clock;
        sim.setWallClock(&clock);
        struct Stamp {
            ManualClock* clock;
            std::vector<std::int64_t> wall;
            void onEvent(Simulation&, const Event&) { wall.push_back(clock->t); }
        } stamp{&clock, {}};
        const KindId k = sim.registerKind<&Stamp::onEvent>("stamp", stamp);
        for (int i = 1; i <= 4; ++i)
            sim.scheduleAt(i * kSecond, 0, k);
        QVERIFY(!sim.setPacing(0.05));
        QVERIFY(!sim.setPacing(2000));
        QVERIFY(sim.setPacing(2.0));  // two simulated seconds per wall second
        const std::int64_t start = clock.t;
        sim.run();
        QCOMPARE(stamp.wall.size(), std::size_t(4));
        for (int i = 0; i < 4; ++i)
            QCOMPARE(stamp.wall[i] - start, (i + 1) * 500'000'000LL);
        QVERIFY(clock.sleeps >= 4);
        // Off again: no more sleeping.
        QVERIFY(sim.setPacing(0));
        const int sleeps = clock.sleeps;
        sim.scheduleAt(sim.now() + 100 * kSecond, 0, k);
        sim.run();
        QCOMPARE(clock.sleeps, sleeps);
    }

    void pacingSpeedChangeMidRun_data() { addQueues(); }
    void pacingSpeedChangeMidRun() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        ManualClock clock;
        sim.setWallClock(&clock);
        struct SpeedUp {
            ManualClock* clock;
            std::vector<std::int64_t> wall;
            void onEvent(Simulation& s, const Event&) {
                wall.push_back(clock->t);
                if (wall.size() == 2) s.setPacing(10.0);  // from 1x to 10x after the 2nd event
            }
        } h{&clock, {}};
        const KindId k = sim.registerKind<&SpeedUp::onEvent>("speed", h);
        for (int i = 1; i <= 4; ++i)
            sim.scheduleAt(i * kSecond, 0, k);
        sim.setPacing(1.0);
        const std::int64_t start = clock.t;
        sim.run();
        QCOMPARE(h.wall[1] - start, 2'000'000'000LL);
        QCOMPARE(h.wall[2] - h.wall[1], 100'000'000LL);  // 1 s of simulated time at 10x
        QCOMPARE(h.wall[3] - h.wall[2], 100'000'000LL);
    }

    void pacingSurvivesFrequentInterrupts_data() { addQueues(); }
    void pacingSurvivesFrequentInterrupts() {
        // A driver that stops the loop every 20 ms of wall time (as a runner publishing progress
        // does) and runs it again: events 1 s apart at 0.1x still come 10 s apart.
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        struct Interrupting final : WallClock {
            Simulation* sim = nullptr;
            std::int64_t t = 1'000'000'000;
            std::int64_t nowNs() override { return t; }
            void sleepUntilNs(std::int64_t wall) override {
                t = std::min(wall, t + 20'000'000);
                sim->stop();
            }
        } clock;
        clock.sim = &sim;
        sim.setWallClock(&clock);
        struct Stamp {
            Interrupting* clock;
            std::vector<std::int64_t> wall;
            void onEvent(Simulation&, const Event&) { wall.push_back(clock->t); }
        } stamp{&clock, {}};
        const KindId k = sim.registerKind<&Stamp::onEvent>("stamp", stamp);
        for (int i = 1; i <= 3; ++i)
            sim.scheduleAt(i * kSecond, 0, k);
        QVERIFY(sim.setPacing(0.1));
        const std::int64_t start = clock.t;
        int runs = 0;
        while (sim.run() == StopReason::Stopped && runs < 100'000)
            ++runs;
        QCOMPARE(stamp.wall.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(stamp.wall[i] - start, (i + 1) * 10'000'000'000LL);
        QVERIFY(runs >= 1000);  // it was interrupted all the way
    }

    void pacingForgetsLargeLag() {
        Simulation sim({1, QueueKind::Heap});
        ManualClock clock;
        sim.setWallClock(&clock);
        struct Slow {
            ManualClock* clock;
            std::vector<std::int64_t> wall;
            void onEvent(Simulation&, const Event&) {
                wall.push_back(clock->t);
                if (wall.size() == 1) clock->t += 3'000'000'000LL;  // a 3 s stall in the model
            }
        } h{&clock, {}};
        const KindId k = sim.registerKind<&Slow::onEvent>("slow", h);
        for (int i = 1; i <= 3; ++i)
            sim.scheduleAt(i * kSecond, 0, k);
        sim.setPacing(1.0);
        sim.run();
        // After the stall the run does not burst through the backlog: the 3rd event comes a
        // full second after the 2nd.
        QCOMPARE(h.wall[2] - h.wall[1], 1'000'000'000LL);
    }

    void fingerprintIsStableAndSensitive() {
        auto runWith = [](QueueKind q, std::uint64_t seed, SimTime shift) {
            Simulation sim({seed, q});
            Ticker tick;
            tick.kind = sim.registerKind<&Ticker::onEvent>("tick", tick);
            RngStream rng = sim.rng("test", 0, "start");
            for (TargetId i = 0; i < 50; ++i)
                sim.scheduleAt(static_cast<SimTime>(rng.below(1000)) + (i == 7 ? shift : 0), i,
                               tick.kind);
            sim.runUntil(kSecond);
            return sim.fingerprint().value();
        };
        const auto a = runWith(QueueKind::Heap, 1, 0);
        QCOMPARE(runWith(QueueKind::Heap, 1, 0), a);
        QCOMPARE(runWith(QueueKind::Ladder, 1, 0), a);
        QVERIFY(runWith(QueueKind::Heap, 2, 0) != a);
        QVERIFY(runWith(QueueKind::Heap, 1, 1) != a);  // one event one nanosecond later
        QCOMPARE(Fingerprint::toHex(0x0123456789abcdefULL), std::string("0123456789abcdef"));
    }

    void samplingDoesNotChangeTheRun_data() { addQueues(); }
    void samplingDoesNotChangeTheRun() {
        QFETCH(QueueKind, queue);
        auto runWith = [&](SimTime interval, CountingObserver* obs) {
            Simulation sim({3, queue});
            if (obs) sim.addObserver(obs);
            Recorder rec;
            rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
            for (int i = 0; i < 100; ++i)
                sim.scheduleAt(i * 37 * kMillisecond, 0, rec.kind);
            sim.setSampleInterval(interval);
            const StopReason r = sim.run();
            return std::make_tuple(sim.fingerprint().value(), sim.executed(), r, sim.now());
        };
        CountingObserver obs;
        const auto plain = runWith(0, nullptr);
        const auto sampled = runWith(kSecond, &obs);
        QCOMPARE(std::get<0>(sampled), std::get<0>(plain));
        QCOMPARE(std::get<1>(sampled), std::get<1>(plain));
        QCOMPARE(std::get<2>(sampled),
                 StopReason::QueueEmpty);  // the sampler did not keep it alive
        // Samples at 1, 2, 3 and 4 s: the last event is at 3.663 s, the 4 s sample was already
        // pending then, and nothing followed it.
        QCOMPARE(obs.sampleTimes.size(), std::size_t(4));
        QCOMPARE(obs.sampleTimes.front(), kSecond);
        QCOMPARE(std::get<3>(sampled), 4 * kSecond);
    }

    void observersAndTracing() {
        Simulation sim;
        CountingObserver obs;
        sim.addObserver(&obs);
        sim.addObserver(&obs);  // once only
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        for (int i = 0; i < 10; ++i)
            sim.scheduleAt(i, 0, rec.kind);
        sim.trace(0, "test", "not tracing");
        sim.runUntil(4);
        QCOMPARE(obs.events, 0);
        sim.setTracing(true);
        sim.trace(0, "test", "now tracing");
        sim.run();
        QCOMPARE(obs.events, 5);
        QCOMPARE(obs.traces, 1);
        QCOMPARE(obs.starts, 1);
        sim.notifyRunEnd();
        QCOMPARE(obs.ends, 1);
        QCOMPARE(sim.kindName(rec.kind), std::string_view("rec"));
        sim.removeObserver(&obs);
    }

    void scheduleDuringDispatchKeepsOrder_data() { addQueues(); }
    void scheduleDuringDispatchKeepsOrder() {
        // A handler that schedules several events, some at the current time, exercises the
        // fused replace-top path and the plain push path together.
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        struct Fan {
            KindId kind = 0;
            std::vector<std::pair<SimTime, std::uint64_t>> seen;
            void onEvent(Simulation& s, const Event& e) {
                seen.emplace_back(e.time, e.data);
                if (e.data < 4) {
                    s.scheduleIn(0, 0, kind, e.data * 10 + 4);
                    s.scheduleIn(5, 0, kind, e.data * 10 + 5);
                    s.scheduleIn(0, 0, kind, e.data * 10 + 6);
                }
            }
        } fan;
        fan.kind = sim.registerKind<&Fan::onEvent>("fan", fan);
        sim.scheduleAt(0, 0, fan.kind, 1);
        sim.scheduleAt(0, 0, fan.kind, 2);
        sim.run();
        const std::vector<std::pair<SimTime, std::uint64_t>> expected = {
            {0, 1}, {0, 2}, {0, 14}, {0, 16}, {0, 24}, {0, 26}, {5, 15}, {5, 25}};
        QCOMPARE(fan.seen, expected);
    }

    void checkedTimeArithmetic() {
        SimTime t = -1;
        QVERIFY(addTime(kSecond, 2 * kSecond, t));
        QCOMPARE(t, 3 * kSecond);
        QVERIFY(addTime(kTimeLatest - kSecond, kSecond, t));
        QCOMPARE(t, kTimeLatest);
        QVERIFY(!addTime(kTimeLatest - kSecond, kSecond + 1, t));  // lands on kTimeNever
        QVERIFY(!addTime(kTimeLatest, kTimeLatest, t));            // wraps around
        // Seconds round as fromSeconds does; what does not fit, or is no duration, is refused.
        for (const double s : {0.0, 1.5e-9, 2.5e-9, 0.1, 1234.5678901, 9.2e9, 9.2233e9}) {
            QVERIFY(durationFromSeconds(s, t));
            QCOMPARE(t, fromSeconds(s));
        }
        QCOMPARE(fromSeconds(9.2e9), SimTime{9'200'000'000'000'000'000});  // not saturated
        QCOMPARE(fromSeconds(9.3e9), kTimeNever);
        QCOMPARE(fromSeconds(-9.3e9), -kTimeNever);
        for (const double s : {9.3e9, 1e300, -1e-9, std::nan(""), HUGE_VAL})
            QVERIFY2(!durationFromSeconds(s, t), qPrintable(QString::number(s)));
        QCOMPARE(formatSeconds(8e10), std::string("2,535 years"));
        QCOMPARE(formatSeconds(-8e10), std::string("-2,535 years"));
        QCOMPARE(formatSeconds(12.5 * 86400), std::string("12.5 days"));
        QCOMPARE(formatSeconds(3e20), std::string("9.5e+12 years"));
        QCOMPARE(formatSeconds(HUGE_VAL), std::string("forever"));
        QCOMPARE(formatSeconds(1.5), std::string("1.500 s"));
        QCOMPARE(longestTimeText(), std::string("the longest simulated time (292 years)"));
    }

    void digitsGroupedInThrees() {
        QCOMPARE(groupDigits(0), std::string("0"));
        QCOMPARE(groupDigits(999), std::string("999"));
        QCOMPARE(groupDigits(1000), std::string("1,000"));
        QCOMPARE(groupDigits(60'000'000'000), std::string("60,000,000,000"));
        QCOMPARE(groupDigits(1000, true), std::string("-1,000"));
        QCOMPARE(groupDigits(0, true), std::string("0"));
        QCOMPARE(groupDigits(UINT64_MAX), std::string("18,446,744,073,709,551,615"));
        QCOMPARE(countText(-1234567.4), std::string("-1,234,567"));
    }

    void timeBeyondTheLatestFailsNamingTheEvent_data() {
        QTest::addColumn<bool>("relative");  // scheduleIn (a delay) or scheduleAt (a time)
        QTest::addColumn<SimTime>("value");
        QTest::addColumn<QString>("failure");  // empty: the event runs at the time asked
        const QString beyond = "beyond the longest simulated time (292 years)";
        QTest::newRow("in: to the latest time") << true << kTimeLatest - kSecond << QString();
        QTest::newRow("in: one past the latest")
            << true << kTimeLatest - kSecond + 1
            << "event \"timer\" for target 7: scheduled 292 years after now (1.000 s), " + beyond;
        QTest::newRow("in: wraps around")
            << true << kTimeLatest
            << "event \"timer\" for target 7: scheduled 292 years after now (1.000 s), " + beyond;
        QTest::newRow("in: before now")
            << true << -kMillisecond
            << "event \"timer\" for target 7: scheduled at 999 ms, before now (1.000 s)";
        QTest::newRow("at: the latest time") << false << kTimeLatest << QString();
        QTest::newRow("at: never")
            << false << kTimeNever
            << "event \"timer\" for target 7: scheduled at \"never\" (9223372036854775807 "
               "ns), later than the longest simulated time (292 years)";
        QTest::newRow("at: below zero, as a sum that wrapped around")
            << false << SimTime{-4}
            << "event \"timer\" for target 7: scheduled at -4 ns, before now (1.000 s)";
    }
    void timeBeyondTheLatestFailsNamingTheEvent() {
        QFETCH(bool, relative);
        QFETCH(SimTime, value);
        QFETCH(QString, failure);
        for (const QueueKind queue : {QueueKind::Heap, QueueKind::Ladder}) {
            Simulation sim({1, queue});
            // At 1 s, the handler schedules the event under test; it records when that runs.
            struct Timer {
                KindId kind = 0;
                bool relative = false;
                SimTime value = 0;
                std::vector<SimTime> ran;
                void onEvent(Simulation& s, const Event& e) {
                    ran.push_back(e.time);
                    if (e.data != 0) return;
                    if (relative)
                        s.scheduleIn(value, 7, kind, 1);
                    else
                        s.scheduleAt(value, 7, kind, 1);
                }
            } timer;
            timer.kind = sim.registerKind<&Timer::onEvent>("timer", timer);
            timer.relative = relative;
            timer.value = value;
            sim.scheduleAt(kSecond, 7, timer.kind, 0);
            QString thrown;
            try {
                QCOMPARE(sim.run(), StopReason::QueueEmpty);
            } catch (const RunFailure& e) {
                thrown = e.what();
            }
            QCOMPARE(thrown, failure);
            if (failure.isEmpty()) {
                const SimTime expected = relative ? kSecond + value : value;
                QCOMPARE(timer.ran, (std::vector<SimTime>{kSecond, expected}));
                QCOMPARE(sim.now(), expected);
            } else {
                QCOMPARE(timer.ran, std::vector<SimTime>{kSecond});  // nothing was scheduled
                QCOMPARE(sim.now(), kSecond);
                QCOMPARE(sim.pending(), std::size_t(0));
            }
        }
    }

    void samplingEndsQuietlyAtTheLatestTime() {
        // A sample that would be due at or after kTimeNever never comes: that is no failure.
        Simulation sim;
        CountingObserver obs;
        sim.addObserver(&obs);
        Recorder rec;
        rec.kind = sim.registerKind<&Recorder::onEvent>("rec", rec);
        sim.runUntil(kTimeNever - kSecond);
        sim.setSampleInterval(kSecond);
        sim.scheduleAt(kTimeLatest, 0, rec.kind);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(rec.seen.size(), std::size_t(1));
        QVERIFY(obs.sampleTimes.empty());
        // One interval before: the sample at the latest time comes, and none after it.
        Simulation late;
        CountingObserver lateObs;
        late.addObserver(&lateObs);
        Recorder lateRec;
        lateRec.kind = late.registerKind<&Recorder::onEvent>("rec", lateRec);
        late.runUntil(kTimeLatest - 2 * kSecond);
        late.setSampleInterval(kSecond);
        late.scheduleAt(kTimeLatest, 0, lateRec.kind);
        QCOMPARE(late.run(), StopReason::QueueEmpty);
        QCOMPARE(lateObs.sampleTimes, (std::vector<SimTime>{kTimeLatest - kSecond, kTimeLatest}));
    }
};

QTEST_APPLESS_MAIN(TestKernel)
#include "tst_kernel.moc"
