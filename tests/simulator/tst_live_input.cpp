// Input from outside a run: the inbox (posts from several threads, its bound, bytes), keep-alive
// (waiting for input, woken by stop and end, ending at the horizon) and the fixed mapping of
// simulated to wall time that paced input follows. Waits are on handlers having run, never on
// sleeps; the mapping is checked with a clock that never sleeps.
#include <QtTest>

#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dais/sim/simulation.h"

using namespace dais::sim;

namespace {

/// A wall clock that never sleeps: sleeping just moves time forward.
struct ManualClock final : WallClock {
    std::atomic<std::int64_t> t{1'000'000'000};
    std::int64_t nowNs() override { return t.load(); }
    void sleepUntilNs(std::int64_t wall) override {
        if (wall > t.load()) t.store(wall);
    }
};

std::vector<std::byte> bytesOf(const std::string& s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    return {p, p + s.size()};
}

std::string textOf(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// Records every input it handles, and lets another thread wait until a count has arrived.
struct Sink {
    struct Seen {
        SimTime time;
        TargetId target;
        std::uint64_t data;
        std::uint16_t aux;
        std::string bytes;
    };
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Seen> seen;
    std::uint64_t stopAfter = 0;  // stop the run once this many have arrived (0: never)
    KindId kind = 0;

    void onInput(Simulation& sim, const Event& e) {
        std::lock_guard lock(mutex);
        seen.push_back({e.time, e.target, e.data, e.aux, textOf(sim.inputBytes(e))});
        if (stopAfter != 0 && seen.size() == stopAfter) sim.stop();
        cv.notify_all();
    }
    void waitFor(std::size_t n) {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return seen.size() >= n; });
    }
};

}  // namespace

class TestLiveInput : public QObject {
    Q_OBJECT

  private slots:
    void postsFromSeveralThreadsAllArriveInPostingOrder() {
        Simulation sim;
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        constexpr int kThreads = 4;
        constexpr std::uint64_t kEach = 2'000;
        sink.stopAfter = kThreads * kEach;
        sim.setKeepAlive(true);
        // The order the inputs were posted in, as one sequence over all threads.
        std::mutex postMutex;
        std::vector<std::uint64_t> posted;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                for (std::uint64_t i = 0; i < kEach; ++i) {
                    const std::uint64_t id = (std::uint64_t(t) << 32) | i;
                    const std::string body = i % 3 == 0 ? "body " + std::to_string(id) : "";
                    std::lock_guard lock(postMutex);
                    if (!sim.inbox().post(sink.kind, TargetId(t), id, std::uint16_t(i % 7),
                                          bytesOf(body)))
                        return;  // the test fails below: an input is missing
                    posted.push_back(id);
                }
            });
        QCOMPARE(sim.run(), StopReason::Stopped);  // stopped by the last input's handler
        for (auto& th : threads)
            th.join();
        QCOMPARE(posted.size(), std::size_t(kThreads * kEach));
        QCOMPARE(sink.seen.size(), posted.size());
        for (std::size_t n = 0; n < posted.size(); ++n) {
            const Sink::Seen& s = sink.seen[n];
            QCOMPARE(s.data, posted[n]);  // posting order
            const std::uint64_t i = s.data & 0xffffffffu;
            QCOMPARE(s.target, TargetId(s.data >> 32));
            QCOMPARE(s.aux, std::uint16_t(i % 7));
            QCOMPARE(s.bytes, i % 3 == 0 ? "body " + std::to_string(s.data) : std::string());
            QCOMPARE(s.time, SimTime(0));  // not paced: at now()
        }
        QCOMPARE(sim.executed(), std::uint64_t(kThreads * kEach));
        QCOMPARE(sim.inbox().waiting(), std::size_t(0));
    }

    void inputsRunInAssignedTimeThenPostingOrder() {
        // Inputs taken at one moment run after the events already due at that time, in posting
        // order; inputs at different times in time order.
        Simulation sim;
        ManualClock clock;
        sim.setWallClock(&clock);
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        struct Poster {
            Simulation* sim;
            KindId input;
            void on(Simulation&, const Event& e) {
                // Posted inside a handler: taken after it, at its time.
                sim->inbox().post(input, 9, e.data + 100);
                sim->inbox().post(input, 9, e.data + 200);
            }
        } poster{&sim, sink.kind};
        const KindId post = sim.registerKind<&Poster::on>("live.poster", poster);
        sim.scheduleAt(kSecond, 1, post, 1);
        sim.scheduleAt(kSecond, 2, sink.kind, 2);  // already due at 1 s: runs before the inputs
        sim.scheduleAt(2 * kSecond, 3, post, 3);
        QVERIFY(sim.inbox().post(sink.kind, 7, 7));  // before the run: at 0
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        std::vector<std::pair<SimTime, std::uint64_t>> got;
        for (const auto& s : sink.seen)
            got.emplace_back(s.time, s.data);
        const std::vector<std::pair<SimTime, std::uint64_t>> want{
            {0, 7},         {kSecond, 2},       {kSecond, 101},
            {kSecond, 201}, {2 * kSecond, 103}, {2 * kSecond, 203}};
        QCOMPARE(got, want);
    }

    void fullInboxRefusesAndEmptiesWhenTaken() {
        Simulation sim;
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        for (std::size_t i = 0; i < Inbox::kMaxInputs; ++i)
            QVERIFY(sim.inbox().post(sink.kind, 0, i));
        QCOMPARE(sim.inbox().waiting(), Inbox::kMaxInputs);
        QVERIFY(!sim.inbox().post(sink.kind, 0, 0));  // full
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(sink.seen.size(), Inbox::kMaxInputs);
        QCOMPARE(sink.seen.back().data, std::uint64_t(Inbox::kMaxInputs - 1));
        QVERIFY(sim.inbox().post(sink.kind, 0, 0));  // taken: room again
    }

    void badPostsAreRefused() {
        Simulation sim;
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        QVERIFY(!sim.inbox().post(0, 0));                                   // the kernel's own kind
        QVERIFY(!sim.inbox().post(static_cast<KindId>(sink.kind + 1), 0));  // not registered
        QVERIFY(sim.inbox().post(sink.kind, 0, 1));
        QVERIFY(!sim.inbox().closed());
        sim.notifyRunEnd();  // the run has ended: later posts are refused, what waited dropped
        QVERIFY(sim.inbox().closed());
        QVERIFY(!sim.inbox().post(sink.kind, 0, 2));
        QCOMPARE(sim.inbox().waiting(), std::size_t(0));
    }

    void bytesBelongOnlyToTheirInput() {
        Simulation sim;
        struct Check {
            std::vector<std::string> bodies;
            void on(Simulation& s, const Event& e) { bodies.push_back(textOf(s.inputBytes(e))); }
        } check;
        const KindId k = sim.registerKind<&Check::on>("live.check", check);
        std::string big(100'000, '\0');
        for (std::size_t i = 0; i < big.size(); ++i)
            big[i] = static_cast<char>(i * 131 % 251);
        QVERIFY(sim.inbox().post(k, 0, 0, 0, bytesOf(big)));
        sim.scheduleAt(kSecond, 0, k);  // a model event: no bytes
        QVERIFY(sim.inbox().post(k, 0, 0, 0, bytesOf("second")));
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(check.bodies, (std::vector<std::string>{big, "second", ""}));
    }

    void keepAliveWaitsForInputUntilStopped() {
        Simulation sim;
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        sim.setKeepAlive(true);
        std::atomic<int> runCalls{0};
        StopReason reason = StopReason::QueueEmpty;
        std::thread runner([&] {
            ++runCalls;
            reason = sim.run();
        });
        // Each input is handled by the one run call, which waits with an empty queue between
        // them (had it returned, the second would never be handled and the test would hang).
        QVERIFY(sim.inbox().post(sink.kind, 1, 1));
        sink.waitFor(1);
        QVERIFY(sim.inbox().post(sink.kind, 2, 2, 0, bytesOf("two")));
        sink.waitFor(2);
        sim.stop();  // wakes the waiting run at once
        runner.join();
        QCOMPARE(reason, StopReason::Stopped);
        QCOMPARE(runCalls.load(), 1);
        QCOMPARE(sink.seen.size(), std::size_t(2));
        QCOMPARE(sink.seen[1].bytes, std::string("two"));
    }

    void requestEndWakesAPacedWaitingRun() {
        Simulation sim;  // the real clock: the run waits on it without a deadline
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        sim.setKeepAlive(true);
        QVERIFY(sim.setPacing(1.0));
        StopReason reason = StopReason::QueueEmpty;
        std::thread runner([&] { reason = sim.run(); });
        QVERIFY(sim.inbox().post(sink.kind, 1, 1));
        sink.waitFor(1);
        sim.requestEnd();
        runner.join();
        QCOMPARE(reason, StopReason::Stopped);
        QVERIFY(sim.endRequested());
        // Paced, the input's time follows the wall clock from the run's anchor.
        const PaceMapping m = sim.paceMapping();
        QVERIFY(m.paced());
        QVERIFY(sink.seen[0].time >= m.simAnchor);
    }

    void keepAliveEndsAtTheHorizon() {
        Simulation sim;
        ManualClock clock;
        sim.setWallClock(&clock);
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        sim.setKeepAlive(true);
        QVERIFY(sim.setPacing(2.0));
        const std::int64_t w0 = clock.t;
        QVERIFY(sim.inbox().post(sink.kind, 0, 1));
        QCOMPARE(sim.runUntil(10 * kSecond), StopReason::Horizon);
        QCOMPARE(sim.now(), 10 * kSecond);
        // It waited for the wall clock: 10 simulated seconds at 2x.
        QCOMPARE(clock.t.load() - w0, 5'000'000'000LL);
        QCOMPARE(sink.seen.size(), std::size_t(1));
        QCOMPARE(sink.seen[0].time, SimTime(0));
        // Not paced, the queue's events lying after the horizon: the run returns at once.
        QVERIFY(sim.setPacing(0));
        sim.scheduleAt(20 * kSecond, 0, sink.kind);
        QCOMPARE(sim.runUntil(15 * kSecond), StopReason::Horizon);
        QCOMPARE(sim.now(), 15 * kSecond);
    }

    void withoutKeepAliveAnEmptyRunReturnsAtOnce() {
        Simulation sim;
        ManualClock clock;
        sim.setWallClock(&clock);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QVERIFY(sim.setPacing(1.0));
        const std::int64_t w0 = clock.t;
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(clock.t.load(), w0);  // no waiting
        sim.setKeepAlive(true);
        sim.setKeepAlive(false);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
    }

    void pacedInputGetsTheTimeItsArrivalMapsTo() {
        Simulation sim;
        ManualClock clock;
        sim.setWallClock(&clock);
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        QVERIFY(!sim.paceMapping().paced());
        QVERIFY(sim.setPacing(2.0));
        const std::int64_t w0 = clock.t;
        sim.scheduleAt(kSecond, 0, sink.kind, 1);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        const PaceMapping m = sim.paceMapping();
        QCOMPARE(m.wallAnchor, w0);
        QCOMPARE(m.simAnchor, SimTime(0));
        QCOMPARE(m.speed, 2.0);
        QCOMPARE(clock.t.load(), w0 + 500'000'000);  // 1 s at 2x
        // An input arriving at wall w0 + 3 s gets t0 + 3 s x 2.
        clock.t = w0 + 3'000'000'000LL;
        QVERIFY(sim.inbox().post(sink.kind, 0, 2));
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(sink.seen.back().time, 6 * kSecond);
        QCOMPARE(m.simTimeAt(w0 + 3'000'000'000LL), 6 * kSecond);
        QCOMPARE(m.wallTimeAt(6 * kSecond), w0 + 3'000'000'000LL);
        QCOMPARE(sim.paceMapping().wallAnchor, w0);      // the same anchor all along
        QCOMPARE(clock.t.load(), w0 + 3'000'000'000LL);  // due on arrival: no waiting
    }

    void pacedInputIsNeverBeforeNow() {
        Simulation sim;
        ManualClock clock;
        sim.setWallClock(&clock);
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        const std::int64_t w0 = clock.t;
        sim.scheduleAt(10 * kSecond, 0, sink.kind, 1);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);  // not paced: at 10 s at once
        QVERIFY(sim.inbox().post(sink.kind, 0, 2));   // arrives at w0
        clock.t = w0 + 2'000'000'000LL;
        QVERIFY(sim.setPacing(1.0));  // anchored at (w0 + 2 s, 10 s) when the run starts
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(sim.paceMapping().simTimeAt(w0), 8 * kSecond);  // maps to before now...
        QCOMPARE(sink.seen.back().time, 10 * kSecond);           // ...so it runs at now()
    }

    void speedChangeReanchorsContinuously() {
        Simulation sim;
        ManualClock clock;
        sim.setWallClock(&clock);
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        const std::int64_t w0 = clock.t;
        QVERIFY(sim.setPacing(1.0));
        sim.scheduleAt(kSecond, 0, sink.kind, 1);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        const PaceMapping before = sim.paceMapping();
        clock.t = w0 + 2'000'000'000LL;
        QVERIFY(sim.setPacing(4.0));
        sim.scheduleAt(3 * kSecond, 0, sink.kind, 2);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        const PaceMapping after = sim.paceMapping();
        // Continuous at the moment of the change: both map w0 + 2 s to 2 s.
        QCOMPARE(after.wallAnchor, w0 + 2'000'000'000LL);
        QCOMPARE(after.simAnchor, before.simTimeAt(w0 + 2'000'000'000LL));
        QCOMPARE(after.simAnchor, 2 * kSecond);
        QCOMPARE(after.speed, 4.0);
        // 1 simulated second after the change at 4x is a quarter of a wall second.
        QCOMPARE(clock.t.load(), w0 + 2'250'000'000LL);
        clock.t = w0 + 3'000'000'000LL;
        QVERIFY(sim.inbox().post(sink.kind, 0, 3));
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QCOMPARE(sink.seen.back().time, 6 * kSecond);
    }

    void interruptsDoNotMoveTheAnchor() {
        // A driver that interrupts the loop at every wait (as a runner publishing progress
        // does): the mapping stays as anchored when the run started.
        Simulation sim;
        struct Interrupting final : WallClock {
            Simulation* sim = nullptr;
            std::int64_t t = 1'000'000'000;
            std::int64_t nowNs() override { return t; }
            void sleepUntilNs(std::int64_t wall) override {
                t = std::min(wall, t + 7'000'000);
                sim->stop();
            }
        } clock;
        clock.sim = &sim;
        sim.setWallClock(&clock);
        Sink sink;
        sink.kind = sim.registerKind<&Sink::onInput>("live.input", sink);
        for (int i = 1; i <= 3; ++i)
            sim.scheduleAt(i * kSecond, 0, sink.kind, std::uint64_t(i));
        QVERIFY(sim.setPacing(0.5));
        const std::int64_t w0 = clock.t;
        int runs = 0;
        while (sim.run() == StopReason::Stopped && runs < 100'000)
            ++runs;
        QVERIFY(runs >= 100);
        QCOMPARE(sim.paceMapping().wallAnchor, w0);
        QCOMPARE(sim.paceMapping().simAnchor, SimTime(0));
        QCOMPARE(clock.t, w0 + 6'000'000'000LL);  // the last event, 3 s at 0.5x
    }

    void mappingHoldsItsRange() {
        const PaceMapping off;
        QVERIFY(!off.paced());
        QCOMPARE(off.simTimeAt(123), SimTime(0));
        const PaceMapping m{1'000, 5 * kSecond, 1000.0};
        QCOMPARE(m.simTimeAt(1'000 + 1'000'000), 5 * kSecond + kSecond);
        QCOMPARE(m.simTimeAt(std::numeric_limits<std::int64_t>::max()), kTimeLatest);
        QCOMPARE(m.simTimeAt(std::numeric_limits<std::int64_t>::min()), SimTime(0));
        QCOMPARE(m.wallTimeAt(6 * kSecond), 1'000 + 1'000'000);
        QCOMPARE(m.wallTimeAt(0), 1'000 - 5'000'000);
    }
};

QTEST_GUILESS_MAIN(TestLiveInput)
#include "tst_live_input.moc"
