// Per-node code: the simulator's node runtime (timers lost in a crash, messages from a node,
// work on its processors) and requests with timeouts.
#include <QtTest>

#include <string>
#include <vector>

#include "../simulator/network_test_util.h"
#include "dais/core/layer.h"
#include "dais/core/node_context.h"
#include "dais/core/pending_requests.h"
#include "dais/core/scenario.h"
#include "dais/core/services.h"
#include "dais/core/sim_node_runtime.h"

using namespace dais;
using namespace nettest;

namespace {

constexpr SimTime s = 1'000'000'000;

/// A run of one layer over a network, with the layer's node runtime.
struct Rig {
    Simulation sim{{1, QueueKind::Heap}};
    std::unique_ptr<Network> net;
    core::LayerDescriptor descriptor;
    core::LayerSettings settings;
    core::Scenario scenario;
    core::ServiceRegistry services;
    std::unique_ptr<core::LayerContext> ctx;
    std::unique_ptr<core::SimNodeRuntime> runtime;

    explicit Rig(const NetworkSpec& spec) {
        net = buildOk(sim, spec);
        descriptor.id = "toy";
        settings.id = "toy";
        settings.descriptor = &descriptor;
        ctx = std::make_unique<core::LayerContext>(settings, scenario, sim, *net, services);
        runtime = std::make_unique<core::SimNodeRuntime>(*ctx);
    }
    core::NodeContext node(NodeIndex i) { return core::NodeContext(*runtime, i); }
};

/// Two nodes 10 ms apart; B computes at 1 GFLOP/s.
NetworkSpec pair(std::vector<FaultSpec> faults = {}) {
    NetworkSpec spec;
    NodeSpec b = node("B");
    b.resources.cpuGflops = 1;
    spec.nodes = {node("A"), b};
    spec.links = {link("A", "B", props(10'000'000))};
    spec.faults = std::move(faults);
    return spec;
}

FaultSpec crashB(SimTime at, SimTime down) {
    FaultSpec f;
    f.kind = FaultSpec::Kind::Crash;
    f.at = at;
    f.duration = down;
    f.targets = {"B"};
    return f;
}

struct Fired {
    std::vector<std::pair<SimTime, std::uint64_t>> at;
    Simulation* sim = nullptr;
    static void onTimer(void* self, NodeIndex, std::uint64_t data) {
        auto& f = *static_cast<Fired*>(self);
        f.at.emplace_back(f.sim->now(), data);
    }
};

struct Ping {
    core::RequestId request = 0;
    std::uint64_t wireBytes() const { return 100; }
};

/// A asks B; B answers after `think`; A waits until its timeout.
struct Pinger {
    Rig* rig = nullptr;
    core::MessageChannel<Ping> asks, answers;
    core::PendingRequests<std::string> waiting;
    SimTime think = 0;
    std::vector<std::string> answered, timedOut, late;
    static void onAsk(void* self, const sim::Delivery& d, Ping& p) {
        auto& me = *static_cast<Pinger*>(self);
        me.rig->node(d.to).after(me.think, &Pinger::onThought, self, p.request);
    }
    static void onThought(void* self, NodeIndex node, std::uint64_t request) {
        auto& me = *static_cast<Pinger*>(self);
        me.rig->node(node).send(me.answers, 0, Ping{request});
    }
    static void onAnswer(void* self, const sim::Delivery&, Ping& p) {
        auto& me = *static_cast<Pinger*>(self);
        if (std::optional<std::string> what = me.waiting.answer(p.request))
            me.answered.push_back(*what);
        else
            me.late.push_back(std::to_string(p.request));
    }
    static void onTimeout(void* self, NodeIndex, std::string& what) {
        static_cast<Pinger*>(self)->timedOut.push_back(what);
    }
    void open() {
        asks.open(rig->runtime->transport(), "toy.ask", &Pinger::onAsk, this);
        answers.open(rig->runtime->transport(), "toy.answer", &Pinger::onAnswer, this);
        waiting.open(rig->runtime->clock(), &Pinger::onTimeout, this);
    }
    void ask(std::string what, SimTime timeout) {
        core::NodeContext a = rig->node(0);
        const core::RequestId id = waiting.expect(0, a.now() + timeout, std::move(what));
        a.send(asks, 1, Ping{id});
    }
};

}  // namespace

class TestNodeRuntime : public QObject {
    Q_OBJECT

  private slots:
    void timersFireInTimeOrderUnlessStopped() {
        Rig rig(pair());
        Fired f;
        f.sim = &rig.sim;
        core::NodeContext a = rig.node(0);
        QCOMPARE(a.self(), NodeIndex(0));
        a.at(3 * s, &Fired::onTimer, &f, 3);
        a.after(1 * s, &Fired::onTimer, &f, 1);
        const core::TimerId two = a.after(2 * s, &Fired::onTimer, &f, 2);
        QCOMPARE(rig.runtime->timersPending(), std::size_t(3));
        QVERIFY(a.cancel(two));
        QVERIFY(!a.cancel(two));  // stopped already
        QVERIFY(!a.cancel(0));
        QVERIFY(!a.cancel(12345));  // never set
        QCOMPARE(a.after(kTimeNever, &Fired::onTimer, &f, 9), core::TimerId(0));
        rig.sim.run();
        QCOMPARE(f.at.size(), std::size_t(2));
        QCOMPARE(f.at[0], std::make_pair(1 * s, std::uint64_t(1)));
        QCOMPARE(f.at[1], std::make_pair(3 * s, std::uint64_t(3)));
        QCOMPARE(rig.runtime->timersPending(), std::size_t(0));
        // A timer in the past fires at once, after the call.
        rig.node(1).at(0, &Fired::onTimer, &f, 7);
        QCOMPARE(f.at.size(), std::size_t(2));
        rig.sim.run();
        QCOMPARE(f.at.back(), std::make_pair(3 * s, std::uint64_t(7)));
    }

    void aCrashLosesTheNodesTimers() {
        // B is down from 5 s to 6 s: its timer for 10 s is lost with the crash, one set after it
        // recovers fires, and A's timers are not touched.
        Rig rig(pair({crashB(5 * s, 1 * s)}));
        Fired f;
        f.sim = &rig.sim;
        rig.node(1).at(10 * s, &Fired::onTimer, &f, 1);
        rig.node(0).at(10 * s, &Fired::onTimer, &f, 2);
        rig.sim.runUntil(5 * s + s / 2);
        QVERIFY(!rig.node(1).up());
        QCOMPARE(rig.node(1).after(1 * s, &Fired::onTimer, &f, 3), core::TimerId(0));
        rig.sim.runUntil(7 * s);
        QVERIFY(rig.node(1).up());
        rig.node(1).at(8 * s, &Fired::onTimer, &f, 4);
        rig.sim.run();
        QCOMPARE(f.at.size(), std::size_t(2));
        QCOMPARE(f.at[0], std::make_pair(8 * s, std::uint64_t(4)));
        QCOMPARE(f.at[1], std::make_pair(10 * s, std::uint64_t(2)));
    }

    void workRunsOnTheNodesProcessor() {
        Rig rig(pair());
        core::NodeContext b = rig.node(1);
        QCOMPARE(b.resources()->cpuGflops, 1.0);
        QCOMPARE(b.fastestUnit(), core::NodeCompute::Unit::Cpu);
        QCOMPARE(b.estimate(2e9, core::NodeCompute::Unit::Cpu), 2 * s);
        struct Done {
            std::vector<SimTime> at;
            Simulation* sim;
            static void onDone(void* self, const core::NodeCompute::Finished& fin) {
                auto& d = *static_cast<Done*>(self);
                if (fin.completed) d.at.push_back(d.sim->now());
            }
        } done{{}, &rig.sim};
        // Two tasks share the processor: each goes at half speed while both run.
        QVERIFY(b.compute(2e9, core::NodeCompute::Unit::Cpu, &Done::onDone, &done) != 0);
        QVERIFY(b.compute(1e9, core::NodeCompute::Unit::Cpu, &Done::onDone, &done) != 0);
        // A has no processor: nothing starts.
        QCOMPARE(rig.node(0).compute(1e9, core::NodeCompute::Unit::Cpu, &Done::onDone, &done),
                 core::NodeCompute::TaskId(0));
        rig.sim.run();
        QCOMPARE(done.at, (std::vector<SimTime>{2 * s, 3 * s}));
    }

    void answersBeforeTheDeadlineComeBack() {
        Rig rig(pair());
        Pinger p;
        p.rig = &rig;
        p.think = 100'000'000;  // 0.1 s: the round trip is 0.12 s
        p.open();
        p.ask("quick", 1 * s);
        p.ask("waits", kTimeNever);
        QCOMPARE(p.waiting.pending(), std::size_t(2));
        rig.sim.run();
        QCOMPARE(p.answered, (std::vector<std::string>{"quick", "waits"}));
        QVERIFY(p.timedOut.empty());
        QVERIFY(p.late.empty());
        QCOMPARE(p.waiting.pending(), std::size_t(0));
        QCOMPARE(rig.runtime->timersPending(), std::size_t(0));  // the timeout was stopped
    }

    void aTimeoutFiresOnceAndALateAnswerIsRefused() {
        Rig rig(pair());
        Pinger p;
        p.rig = &rig;
        p.think = 2 * s;
        p.open();
        p.ask("slow", 1 * s);
        rig.sim.run();
        QCOMPARE(p.timedOut, std::vector<std::string>{"slow"});
        QVERIFY(p.answered.empty());
        QCOMPARE(p.late.size(), std::size_t(1));  // the answer came after the timeout
        QCOMPARE(p.waiting.pending(), std::size_t(0));
        // Ids that were never made, or that a slot reuse made stale, find nothing.
        QVERIFY(!p.waiting.answer(0).has_value());
        QVERIFY(!p.waiting.answer(std::stoull(p.late[0])).has_value());
        const core::RequestId again = p.waiting.expect(0, kTimeNever, "again");
        QVERIFY(again != std::stoull(p.late[0]));  // the same slot, another generation
        QVERIFY(p.waiting.find(again) != nullptr);
        QCOMPARE(*p.waiting.forget(again), std::string("again"));
        QVERIFY(p.waiting.find(again) == nullptr);
    }

    void aCrashedAskersRequestsAreForgotten() {
        // B asks A and crashes before the answer: its timeout is lost with the crash, and the
        // layer forgets its requests.
        Rig rig(pair({crashB(s / 2, 10 * s)}));
        core::PendingRequests<int> waiting;
        std::vector<int> timedOut;
        struct Out {
            static void onTimeout(void* self, NodeIndex, int& v) {
                static_cast<std::vector<int>*>(self)->push_back(v);
            }
        };
        waiting.open(rig.runtime->clock(), &Out::onTimeout, &timedOut);
        QVERIFY(waiting.expect(1, 1 * s, 1) != 0);
        QVERIFY(waiting.expect(0, 1 * s, 2) != 0);
        rig.sim.runUntil(s / 2 + 1);
        QCOMPARE(waiting.expect(1, 2 * s, 3), core::RequestId(0));  // B is down
        std::vector<int> forgotten;
        waiting.forgetNode(1, [&](core::RequestId, int v) { forgotten.push_back(v); });
        QCOMPARE(forgotten, std::vector<int>{1});
        rig.sim.run();
        QCOMPARE(timedOut, std::vector<int>{2});
        QCOMPARE(waiting.pending(), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestNodeRuntime)
#include "tst_node_runtime.moc"
