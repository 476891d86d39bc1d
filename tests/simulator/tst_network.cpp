// The network model: exact message timing (serialisation, FIFO, propagation, store-and-forward),
// routing and its cache, faults, groups, metrics, determinism, build errors, and a throughput
// figure, under every queue implementation.
#include <QtTest>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "network_test_util.h"

using namespace dais::sim;
using namespace nettest;

namespace {

constexpr SimTime ms = kMillisecond;
constexpr SimTime us = kMicrosecond;

/// A - B (1 ms, 1 Mbit/s): a 1000-byte message takes 8 ms to serialise.
NetworkSpec twoNodes() {
    NetworkSpec s;
    s.nodes = {node("A"), node("B")};
    s.links = {link("A", "B", props(1 * ms, 1e6))};
    return s;
}

/// Groups p1 and p2 of `count` phones each, hanging off gateways gw1 and gw2 by `access`.
std::vector<GroupSpec> phonesOn(const char* gw1, const char* gw2, std::uint32_t count,
                                LinkProps access) {
    GroupSpec p1;
    p1.id = "p1";
    p1.count = count;
    p1.attachTo = gw1;
    p1.access = access;
    GroupSpec p2 = p1;
    p2.id = "p2";
    p2.attachTo = gw2;
    return {p1, p2};
}

struct TraceCounter final : Observer {
    std::vector<std::pair<SimTime, std::string>> traces;
    void onTrace(const TraceRecord& r) override {
        if (r.category == "fault") traces.emplace_back(r.time, std::string(r.text));
    }
};

/// A scenario with a bit of everything, for determinism checks.
NetworkSpec richSpec(bool extra) {
    NetworkSpec s;
    s.regions = {region("eu", 0, 0, 100), region("us", 3000, 0, 100)};
    for (int i = 0; i < 20; ++i)
        s.nodes.push_back(node("r" + std::to_string(i), i % 2 ? "us" : "eu"));
    if (extra) s.nodes.push_back(node("zzz", "eu"));
    LinkProps access;
    access.latency = {Variate::Kind::Uniform, 1e6, 5e6};
    access.bandwidthBps = 50e6;
    access.loss = 0.01;
    GroupSpec pe;
    pe.id = "phones-eu";
    pe.count = 500;
    pe.member.region = "eu";
    pe.member.role = "phone";
    pe.attachTo = "r0";
    pe.access = access;
    GroupSpec pu = pe;
    pu.id = "phones-us";
    pu.member.region = "us";
    pu.attachTo = "r1";
    s.groups = {pe, pu};
    if (extra) {
        GroupSpec ex = pe;
        ex.id = "extra";
        ex.count = 10;
        ex.attachTo.clear();
        s.groups.push_back(ex);
    }
    TopologySpec ba;
    ba.kind = TopologySpec::Kind::BarabasiAlbert;
    for (int i = 0; i < 20; ++i)
        ba.members.push_back("r" + std::to_string(i));
    ba.m = 2;
    ba.link = props(100 * us, 1e9);
    ba.link.latencyFromDistance = true;
    s.topologies = {ba};
    TrafficSpec t;
    t.id = "bg";
    t.from = {"phones-eu"};
    t.to = {"phones-us"};
    t.ratePerSecond = 2000;
    t.sizeBytes = {Variate::Kind::Exponential, 2000, 0};
    t.stop = 2 * kSecond;
    TrafficSpec back = t;
    back.id = "back";
    back.from = {"phones-us"};
    back.to = {"phones-eu", "r3"};
    back.process = TrafficSpec::Process::Constant;
    back.ratePerSecond = 500;
    s.traffic = {t, back};
    FaultSpec crash;
    crash.kind = FaultSpec::Kind::Crash;
    crash.at = 500 * ms;
    crash.duration = 300 * ms;
    crash.targets = {"r5"};
    FaultSpec part;
    part.kind = FaultSpec::Kind::Partition;
    part.at = 1200 * ms;
    part.duration = 100 * ms;
    part.targets = {"us"};
    s.faults = {crash, part};
    return s;
}

struct RunResult {
    std::uint64_t fingerprint = 0;
    std::vector<double> values;
    double latencySum = 0;
};

RunResult runRich(std::uint64_t seed, QueueKind queue, bool extra) {
    Simulation sim({seed, queue});
    auto net = buildOk(sim, richSpec(extra));
    if (!net) return {};
    sim.runUntil(3 * kSecond);
    net->finish();
    RunResult r;
    r.fingerprint = sim.fingerprint().value();
    for (const char* name :
         {"net.messages.sent", "net.messages.delivered", "net.messages.lost",
          "net.messages.lost.random", "net.messages.lost.down", "net.messages.lost.unreachable",
          "net.bytes.delivered", "traffic.bg.delivered", "traffic.back.delivered",
          "net.link_utilisation.mean", "net.link_utilisation.max"})
        r.values.push_back(metric(sim, name));
    r.latencySum = summary(sim, "net.latency").sum();
    return r;
}

/// Runs to `until` and returns the message of the failure that ended the run, or "".
QString failureOf(Simulation& sim, SimTime until = kTimeNever) {
    try {
        until == kTimeNever ? sim.run() : sim.runUntil(until);
    } catch (const RunFailure& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

/// What a run leaves, failed or not, makes sense: no negative time or latency, and no link
/// direction busy for longer than the time that passed.
void checkSane(Simulation& sim, Network& net) {
    net.finish();
    QVERIFY(sim.now() >= 0);
    for (LinkIndex l = 0; l < net.linkCount(); ++l)
        for (int d = 0; d < 2; ++d) {
            const double u = net.utilisation(l, d);
            QVERIFY2(u >= 0 && u <= 1, qPrintable(QString::number(u)));
        }
    QVERIFY(metric(sim, "net.link_utilisation.max") <= 1);
    const Summary& latency = summary(sim, "net.latency");
    if (latency.count() > 0) QVERIFY(latency.min() >= 0);
}

/// client - server over one link, and a flow "probe" between them.
NetworkSpec oneLinkQueue(double bandwidthBps, Variate size, double rate) {
    NetworkSpec s;
    s.nodes = {node("client"), node("server")};
    s.links = {link("client", "server", props(5 * ms, bandwidthBps))};
    TrafficSpec t;
    t.id = "probe";
    t.from = {"client"};
    t.to = {"server"};
    t.ratePerSecond = rate;
    t.sizeBytes = size;
    s.traffic = {t};
    return s;
}

}  // namespace

class TestNetwork : public QObject {
    Q_OBJECT

  private slots:
    // --- exact timing ----------------------------------------------------------------------------
    void oneHop_data() { addQueueColumn(); }
    void oneHop() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        auto net = buildOk(sim, twoNodes());
        QVERIFY(net);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 1, 1000);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(1));
        // latency + S*8/bandwidth = 1 ms + 8 ms
        QCOMPARE(sink.got[0].now, 9 * ms);
        QCOMPARE(sink.got[0].hops, 1u);
        QCOMPARE(sink.got[0].bytes, std::uint64_t(1000));
        QCOMPARE(sink.got[0].id, tx.ids[0]);
        QCOMPARE(metric(sim, "net.messages.delivered"), 1.0);
        QCOMPARE(metric(sim, "net.bytes.delivered"), 1000.0);
        QCOMPARE(summary(sim, "net.latency").mean(), 0.009);
    }

    void fifoSerialisation_data() { addQueueColumn(); }
    void fifoSerialisation() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        auto net = buildOk(sim, twoNodes());
        Sink sink;
        sink.attach(*net);
        Sender tx;
        for (int i = 0; i < 3; ++i)
            tx.add(0, 0, 1, 1000);
        tx.add(30 * ms, 0, 1, 500);  // the link is idle again by then: no queueing
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(4));
        // Back-to-back: each waits for the one before it to finish serialising.
        QCOMPARE(sink.got[0].now, 9 * ms);
        QCOMPARE(sink.got[1].now, 17 * ms);
        QCOMPARE(sink.got[2].now, 25 * ms);
        QCOMPARE(sink.got[3].now, 30 * ms + 4 * ms + 1 * ms);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(sink.got[i].payload, std::uint64_t(i));
    }

    // The activity sink sees each hop from the start of its transmission to its arrival, in
    // the order the network starts them, the end of each message, node state changes with their
    // times, and activities and states with the source that reported them. Every sink added
    // hears everything, in the order added; a removed one hears nothing more.
    void activitySink() {
        struct Recorder final : ActivitySink {
            std::vector<std::array<SimTime, 2>> hops;
            std::vector<MessageEnd> ends;
            std::vector<std::pair<SimTime, bool>> ups;
            std::vector<std::pair<NodeActivity, ActivitySource>> activities;
            std::vector<std::array<unsigned, 3>> states;  // node, source, state
            std::vector<int>* order = nullptr;
            int name = 0;
            void onHop(SimTime start, SimTime arrive, NodeIndex from, NodeIndex to, LinkIndex,
                       PortId, std::uint64_t bytes) override {
                QCOMPARE(from, 0u);
                QCOMPARE(to, 1u);
                QCOMPARE(bytes, std::uint64_t(1000));
                hops.push_back({start, arrive});
                if (order) order->push_back(name);
            }
            void onMessageEnd(const MessageEnd& e) override { ends.push_back(e); }
            void onNodeUp(SimTime t, NodeIndex, bool up) override { ups.emplace_back(t, up); }
            void onActivity(SimTime, NodeIndex, NodeActivity a, ActivitySource source) override {
                activities.emplace_back(a, source);
            }
            void onNodeState(SimTime, NodeIndex node, ActivitySource source,
                             NodeStateCode state) override {
                states.push_back({node, source, state});
            }
        } rec, second;
        std::vector<int> order;
        rec.order = second.order = &order;
        rec.name = 1;
        second.name = 2;
        Simulation sim({1, QueueKind::Heap});
        auto net = buildOk(sim, twoNodes());
        QVERIFY(net);
        QVERIFY(!net->hasActivitySinks());
        net->addActivitySink(&rec);
        net->addActivitySink(&second);
        net->addActivitySink(&rec);  // once only
        QVERIFY(net->hasActivitySinks());
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 1, 1000);
        tx.add(0, 0, 1, 1000);  // waits 8 ms behind the first
        tx.start(sim, *net, sink.port);
        net->setActivity(1, NodeActivity::Working, 2);
        net->setActivity(7, NodeActivity::Working);  // no such node: ignored
        net->setNodeState(0, 3, 1);
        net->setNodeState(0, 3, kNoNodeState);
        net->setNodeState(9, 3, 1);  // no such node: ignored
        sim.run();
        net->removeActivitySink(&second);
        net->setNodeUp(1, false);
        net->setNodeUp(1, false);  // no change, no report
        QCOMPARE(rec.hops.size(), std::size_t(2));
        QCOMPARE(rec.hops[0][0], SimTime(0));
        QCOMPARE(rec.hops[0][1], 9 * ms);
        QCOMPARE(rec.hops[1][0], 8 * ms);
        QCOMPARE(rec.hops[1][1], 17 * ms);
        QCOMPARE(order, (std::vector<int>{1, 2, 1, 2}));
        QCOMPARE(rec.ends.size(), std::size_t(2));
        QCOMPARE(rec.ends[1].sentAt, SimTime(0));
        QCOMPARE(rec.ends[1].endedAt, 17 * ms);
        QCOMPARE(rec.ends[1].port, sink.port);
        QVERIFY(rec.ends[1].delivered);
        QCOMPARE(rec.ends[0].id + 1, rec.ends[1].id);
        QCOMPARE(rec.ups.size(), std::size_t(1));
        QCOMPARE(rec.ups[0].first, 17 * ms);
        QCOMPARE(second.ups.size(), std::size_t(0));
        QCOMPARE(rec.activities.size(), std::size_t(1));
        QCOMPARE(nodeActivityName(rec.activities[0].first), std::string_view("working"));
        QCOMPARE(rec.activities[0].second, ActivitySource(2));
        QCOMPARE(rec.states.size(), std::size_t(2));
        QCOMPARE(rec.states[0], (std::array<unsigned, 3>{0, 3, 1}));
        QCOMPARE(rec.states[1][2], unsigned(kNoNodeState));
        QCOMPARE(second.states.size(), std::size_t(2));
        // A message lost on its way ends as lost, with its reason.
        net->send(0, 1, 1000, sink.port);
        sim.run();
        QCOMPARE(rec.ends.size(), std::size_t(3));
        QVERIFY(!rec.ends[2].delivered);
        QCOMPARE(rec.ends[2].reason, LossReason::NodeDown);
    }

    void directionsIndependent_data() { addQueueColumn(); }
    void directionsIndependent() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        auto net = buildOk(sim, twoNodes());
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 1, 1000);
        tx.add(0, 1, 0, 1000);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(2));
        QCOMPARE(sink.got[0].now, 9 * ms);
        QCOMPARE(sink.got[1].now, 9 * ms);
    }

    void serialisationRoundsUp_data() { addQueueColumn(); }
    void serialisationRoundsUp() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s = twoNodes();
        s.links[0].props = props(0, 3e9);  // 1 byte = 8/3 ns -> 3 ns
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 1, 1);
        tx.add(0, 0, 1, 3);  // 24 bits / 3 Gbit/s = 8 ns exactly
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got[0].now, SimTime(3));
        QCOMPARE(sink.got[1].now, SimTime(3 + 8));
    }

    void multiHopStoreAndForward_data() { addQueueColumn(); }
    void multiHopStoreAndForward() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.nodes = {node("A"), node("B"), node("C")};
        s.links = {link("A", "B", props(1 * ms, 1e6)), link("B", "C", props(1 * ms, 2e6))};
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 2, 1000);
        tx.add(0, 0, 2, 1000);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(2));
        // First: A->B 8 ms + 1 ms, then the whole message leaves B: 4 ms + 1 ms.
        QCOMPARE(sink.got[0].now, 14 * ms);
        // Second: waits 8 ms on A->B, reaches B at 17 ms, then 4 + 1 ms.
        QCOMPARE(sink.got[1].now, 22 * ms);
        QCOMPARE(sink.got[1].hops, 2u);
        QCOMPARE(summary(sim, "net.hops").mean(), 2.0);
    }

    void backgroundFlowDelaysProbe_data() { addQueueColumn(); }
    void backgroundFlowDelaysProbe() {
        QFETCH(QueueKind, queue);
        for (bool background : {false, true}) {
            Simulation sim({1, queue});
            NetworkSpec s = twoNodes();
            if (background) {
                TrafficSpec t;  // 1000 bytes every 10 ms from t = 0: the link is busy 0-8, 10-18...
                t.id = "bg";
                t.from = {"A"};
                t.to = {"B"};
                t.process = TrafficSpec::Process::Constant;
                t.ratePerSecond = 100;
                t.sizeBytes = Variate::constant(1000);
                t.stop = 50 * ms;
                s.traffic = {t};
            }
            auto net = buildOk(sim, s);
            Sink sink;
            sink.attach(*net);
            Sender tx;
            tx.add(5 * ms, 0, 1, 1000);
            tx.add(12 * ms, 0, 1, 1000);
            tx.start(sim, *net, sink.port);
            sim.run();
            QCOMPARE(sink.got.size(), std::size_t(2));
            if (!background) {
                QCOMPARE(sink.got[0].now, 14 * ms);  // 5-13 ms on the link
                QCOMPARE(sink.got[1].now, 22 * ms);  // queues behind it: 13-21 ms
            } else {
                // One FIFO queue for everything on A -> B:
                //   bg 0 ms: 0-8, probe 5 ms: 8-16, bg 10 ms: 16-24, probe 12 ms: 24-32,
                //   bg 20 ms: 32-40, bg 30 ms: 40-48, bg 40 ms: 48-56 (+1 ms propagation each).
                QCOMPARE(sink.got[0].now, 17 * ms);
                QCOMPARE(sink.got[1].now, 33 * ms);
                QCOMPARE(metric(sim, "traffic.bg.sent"), 5.0);
                QCOMPARE(metric(sim, "traffic.bg.delivered"), 5.0);
                // bg latencies 9, 15, 21, 19, 17 ms: the probes slow the background down too.
                QCOMPARE(summary(sim, "traffic.bg.latency").mean(), 0.0162);
                QCOMPARE(metric(sim, "net.messages.delivered"), 7.0);
            }
        }
    }

    void latencyFromDistance_data() { addQueueColumn(); }
    void latencyFromDistance() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.nodes = {nodeAt("A", 0, 0), nodeAt("B", 60, 80)};  // 100 km apart
        LinkProps p = props(1 * ms, 1e9);
        p.latencyFromDistance = true;
        s.links = {link("A", "B", p)};
        auto net = buildOk(sim, s);
        QCOMPARE(net->link(0).distanceLatency, 500 * us);  // 5 us per km in fibre
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 1, 125);  // 1000 bits at 1 Gbit/s: 1 us
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got[0].now, 1 * ms + 500 * us + 1 * us);
    }

    void localDelivery_data() { addQueueColumn(); }
    void localDelivery() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        auto net = buildOk(sim, twoNodes());
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(5 * ms, 1, 1, 1 << 20);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(1));
        QCOMPARE(sink.got[0].now, 5 * ms);
        QCOMPARE(sink.got[0].hops, 0u);
        QCOMPARE(net->inFlight(), std::size_t(0));
    }

    void variableLatencyAndLoss_data() { addQueueColumn(); }
    void variableLatencyAndLoss() {
        QFETCH(QueueKind, queue);
        Simulation sim({3, queue});
        NetworkSpec s = twoNodes();
        s.links[0].props.latency = {Variate::Kind::Uniform, 1e6, 3e6};
        s.links[0].props.bandwidthBps = 8e9;  // 1 byte per ns
        s.links[0].props.loss = 0.2;
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        const int n = 10000;
        for (int i = 0; i < n; ++i)
            tx.add(i * ms, 0, 1, 1000);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size() + sink.lost.size(), std::size_t(n));
        // Lost ~ Binomial(10000, 0.2): sd = 40; 4 sd = 160.
        QVERIFY2(std::abs(double(sink.lost.size()) - 2000.0) < 160,
                 qPrintable(QString::number(sink.lost.size())));
        QCOMPARE(metric(sim, "net.messages.lost.random"), double(sink.lost.size()));
        double sum = 0;
        for (const Delivery& d : sink.got) {
            const SimTime lat = d.now - d.sentAt - 1000;  // minus 1 us of serialisation
            QVERIFY(lat >= 1 * ms && lat <= 3 * ms);
            sum += static_cast<double>(lat);
        }
        for (const Loss& l : sink.lost)
            QCOMPARE(l.reason, LossReason::Random);
        // Uniform(1, 3) ms: mean 2 ms, sd 0.577 ms; about 8000 draws: SE 6.5 us; 4 SE = 26 us.
        const double mean = sum / double(sink.got.size());
        QVERIFY2(std::abs(mean - 2e6) < 26e3, qPrintable(QString::number(mean)));
    }

    // --- routing ---------------------------------------------------------------------------------
    void routingLowestLatency_data() { addQueueColumn(); }
    void routingLowestLatency() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.nodes = {node("A"), node("B"), node("C"), node("D")};
        s.links = {link("A", "B", props(1 * ms)), link("B", "D", props(1 * ms)),
                   link("A", "C", props(1 * ms)), link("C", "D", props(5 * ms)),
                   link("A", "D", props(10 * ms))};
        auto net = buildOk(sim, s);
        QCOMPARE(net->path(0, 3), (std::vector<NodeIndex>{0, 1, 3}));
        QCOMPARE(net->path(3, 0), (std::vector<NodeIndex>{3, 1, 0}));
        QCOMPARE(net->path(2, 1), (std::vector<NodeIndex>{2, 0, 1}));
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 3, 125);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got[0].now, 2 * ms + 2 * us);

        // Equal latency: fewer hops wins; equal hops too: the lower-index neighbour.
        Simulation sim2({1, queue});
        s.links = {link("A", "B", props(1 * ms)), link("B", "D", props(1 * ms)),
                   link("A", "D", props(2 * ms)), link("A", "C", props(1 * ms)),
                   link("C", "D", props(1 * ms))};
        auto net2 = buildOk(sim2, s);
        QCOMPARE(net2->path(0, 3), (std::vector<NodeIndex>{0, 3}));
        s.links.erase(s.links.begin() + 2);
        Simulation sim3({1, queue});
        auto net3 = buildOk(sim3, s);
        QCOMPARE(net3->path(0, 3), (std::vector<NodeIndex>{0, 1, 3}));
        QCOMPARE(net3->path(3, 0), (std::vector<NodeIndex>{3, 1, 0}));
    }

    void routingAfterLinkFailure_data() { addQueueColumn(); }
    void routingAfterLinkFailure() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.nodes = {node("A"), node("B"), node("C"), node("D")};
        s.links = {link("A", "B", props(1 * ms)), link("B", "D", props(1 * ms)),
                   link("A", "C", props(1 * ms)), link("C", "D", props(5 * ms)),
                   link("A", "D", props(10 * ms))};
        FaultSpec down;
        down.kind = FaultSpec::Kind::LinkDown;
        down.at = 10 * ms;
        down.duration = 10 * ms;
        down.targets = {"B", "A"};
        s.faults = {down};
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 3, 125);
        tx.add(15 * ms, 0, 3, 125);
        tx.add(25 * ms, 0, 3, 125);
        tx.start(sim, *net, sink.port);
        sim.runUntil(15 * ms);
        QVERIFY(!net->linkUp(0));
        QCOMPARE(net->path(0, 3), (std::vector<NodeIndex>{0, 2, 3}));
        const auto before = net->routeComputations();
        net->setLinkUp(3, false);  // C - D too: only the direct link is left
        QCOMPARE(net->path(0, 3), (std::vector<NodeIndex>{0, 3}));
        QVERIFY(net->routeComputations() > before);
        net->setLinkUp(3, true);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(3));
        QCOMPARE(sink.got[0].now - sink.got[0].sentAt, 2 * ms + 2 * us);
        QCOMPARE(sink.got[1].now - sink.got[1].sentAt, 6 * ms + 2 * us);
        QCOMPARE(sink.got[2].now - sink.got[2].sentAt, 2 * ms + 2 * us);
    }

    void unreachableAfterPartition_data() { addQueueColumn(); }
    void unreachableAfterPartition() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.regions = {region("r1", 0, 0, 1), region("r2", 10, 0, 1)};
        s.nodes = {node("A", "r1"), node("B", "r1"), node("C", "r2"), node("D", "r2")};
        s.links = {link("A", "B", props(10 * ms)), link("B", "C", props(10 * ms)),
                   link("C", "D", props(10 * ms))};
        FaultSpec part;
        part.kind = FaultSpec::Kind::Partition;
        part.at = 1 * kSecond;
        part.duration = 1 * kSecond;
        part.targets = {"r1"};
        s.faults = {part};
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(500 * ms, 0, 3, 125);   // delivered
        tx.add(985 * ms, 0, 3, 125);   // on B -> C when the partition starts
        tx.add(1500 * ms, 0, 3, 125);  // no route from B
        tx.add(2500 * ms, 0, 3, 125);  // healed
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(2));
        QCOMPARE(sink.got[0].payload, std::uint64_t(0));
        QCOMPARE(sink.got[1].payload, std::uint64_t(3));
        QCOMPARE(sink.lost.size(), std::size_t(2));
        QCOMPARE(sink.lost[0].reason, LossReason::LinkDown);
        QCOMPARE(sink.lost[0].at, NodeIndex(2));
        QCOMPARE(sink.lost[1].reason, LossReason::Unreachable);
        QCOMPARE(sink.lost[1].at, NodeIndex(1));
        QCOMPARE(sink.lost[1].now, 1510 * ms + 1 * us);
        QCOMPARE(metric(sim, "net.messages.lost.unreachable"), 1.0);
        QCOMPARE(metric(sim, "net.messages.lost.down"), 1.0);
        // The same through the API; healing a partition that does not exist changes nothing.
        const RegionIndex r2 = net->findRegion("r2");
        QCOMPARE(net->partition(std::span(&r2, 1), true), std::size_t(1));
        QVERIFY(net->path(0, 3).empty());
        const RegionIndex r1 = net->findRegion("r1");
        QCOMPARE(net->partition(std::span(&r1, 1), false), std::size_t(0));
        QVERIFY(net->path(0, 3).empty());
        net->partition(std::span(&r2, 1), false);
        QCOMPARE(net->path(0, 3).size(), std::size_t(4));
    }

    void leavesRouteViaGateway_data() { addQueueColumn(); }
    void leavesRouteViaGateway() {
        QFETCH(QueueKind, queue);
        Simulation sim({5, queue});
        NetworkSpec s;
        s.nodes = {node("g1"), node("g2"), node("g3")};
        s.links = {link("g1", "g2", props(5 * ms)), link("g2", "g3", props(5 * ms)),
                   link("g1", "g3", props(20 * ms))};
        s.groups = phonesOn("g1", "g3", 1000, props(1 * ms, 100e6));
        auto net = buildOk(sim, s);
        QCOMPARE(net->nodeCount(), std::size_t(2003));
        Sink sink;
        sink.attach(*net);
        Sender tx;
        RngStream rng(9, "test", 0, "pairs");
        const NodeIndex a = net->group(0).first, b = net->group(1).first;
        for (int i = 0; i < 600; ++i) {
            const auto x = NodeIndex(rng.below(1000)), y = NodeIndex(rng.below(1000));
            if (i % 3 == 0)
                tx.add(i * us, a + x, b + y, 100);
            else if (i % 3 == 1)
                tx.add(i * us, b + y, a + x, 100);
            else if (x != y)
                tx.add(i * us, a + x, a + y, 100);
        }
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), tx.plans.size());
        for (const Delivery& d : sink.got) {
            const bool same = net->groupOf(d.from) == net->groupOf(d.to);
            QCOMPARE(d.hops, same ? 2u : 4u);  // via g2: 5 + 5 ms beats 20 ms
        }
        // Only the gateways' trees were computed (g1 and g3), not one per phone.
        QVERIFY2(net->routeComputations() <= 2,
                 qPrintable(QString::number(net->routeComputations())));
        // Trees hold entries for the three core nodes only, not for the 2000 phones.
        QCOMPARE(net->routeCacheBytes(), net->routeCacheTrees() * 3 * sizeof(LinkIndex));
        QCOMPARE(net->path(a + 7, b + 9), (std::vector<NodeIndex>{a + 7, 0, 1, 2, b + 9}));
    }

    // A port's prefetch hint names the destination of the next delivery before it runs, for
    // arrivals that are events of their own and for those that waited behind another on the
    // same link, and never a node a message only passes through. With the heap queue, which
    // always knows the next event, every delivery is hinted; the ladder queue may not know it.
    void portPrefetchHintNamesTheNextDestination_data() { addQueueColumn(); }
    void portPrefetchHintNamesTheNextDestination() {
        QFETCH(QueueKind, queue);
        Simulation sim({3, queue});
        NetworkSpec s;
        s.nodes = {node("g1"), node("g2")};
        s.links = {link("g1", "g2", props(5 * ms, 10e6))};
        s.groups = phonesOn("g1", "g2", 20, props(1 * ms, 1e6));
        auto net = buildOk(sim, s);
        QVERIFY(net);
        struct Hinted {
            Simulation* sim = nullptr;
            std::vector<std::pair<bool, NodeIndex>> log;  // (delivered, node), in order
        } h{&sim, {}};
        const PortId port = net->registerPort(
            "hinted",
            [](void* self, Network&, const Delivery& d) {
                static_cast<Hinted*>(self)->log.emplace_back(true, d.to);
            },
            &h);
        net->setPortPrefetch(port, [](void* self, NodeIndex to) {
            static_cast<Hinted*>(self)->log.emplace_back(false, to);
        });
        Sender tx;
        const NodeIndex a = net->group(0).first, b = net->group(1).first;
        // Bursts: five at once from one phone to one phone wait behind each other on every link.
        for (int burst = 0; burst < 4; ++burst)
            for (int k = 0; k < 5; ++k)
                tx.add(burst * 40 * ms, a + NodeIndex(burst), b + NodeIndex(burst), 1000);
        // And scattered ones both ways.
        for (int i = 0; i < 60; ++i)
            tx.add(200 * ms + i * 300 * us, i % 2 ? a + NodeIndex(i % 20) : b + NodeIndex(i % 20),
                   i % 2 ? b + NodeIndex((i * 7) % 20) : a + NodeIndex((i * 3) % 20), 200);
        tx.start(sim, *net, port);
        sim.run();
        // A hint may come twice for one delivery (an event scheduled in between ran first).
        std::multiset<NodeIndex> pending;
        std::set<NodeIndex> reached;
        std::size_t delivered = 0, unhinted = 0;
        for (const auto& [isDelivery, at] : h.log) {
            QVERIFY2(at != 0 && at != 1, "a gateway was hinted");
            if (!isDelivery) {
                pending.insert(at);
                continue;
            }
            ++delivered;
            reached.insert(at);
            if (auto it = pending.find(at); it != pending.end())
                pending.erase(it);
            else
                ++unhinted;
        }
        QCOMPARE(delivered, tx.plans.size());
        for (const NodeIndex n : pending)
            QVERIFY2(reached.count(n) == 1, "a node was hinted and got no delivery");
        if (queue == QueueKind::Heap) QCOMPARE(unhinted, std::size_t(0));
    }

    void routeCacheBounded_data() { addQueueColumn(); }
    void routeCacheBounded() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        const int n = 64;
        TopologySpec ring;
        ring.kind = TopologySpec::Kind::Ring;
        ring.link = props(1 * ms);
        for (int i = 0; i < n; ++i) {
            s.nodes.push_back(node("n" + std::to_string(i)));
            ring.members.push_back("n" + std::to_string(i));
        }
        s.topologies = {ring};
        auto net = buildOk(sim, s);
        const std::size_t perTree = n * sizeof(LinkIndex);
        net->setRouteCacheLimit(4 * perTree);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        for (int round = 0; round < 3; ++round)
            for (int d = 1; d <= 32; ++d)
                tx.add((round * 32 + d) * 100 * ms, 0, NodeIndex(d), 100);
        tx.start(sim, *net, sink.port);
        std::size_t maxTrees = 0;
        while (sim.step())
            maxTrees = std::max(maxTrees, net->routeCacheTrees());
        QCOMPARE(sink.got.size(), tx.plans.size());
        for (const Delivery& d : sink.got)
            QCOMPARE(d.hops, std::uint32_t(std::min<int>(int(d.to), n - int(d.to))));
        QVERIFY(maxTrees <= 4);
        QVERIFY(net->routeCacheBytes() <= 4 * perTree);
        QVERIFY(net->routeComputations() >= 96);  // the cache was too small to keep them all
        // Repeated sends to one destination hit the cache.
        const auto before = net->routeComputations();
        for (int i = 0; i < 10; ++i)
            net->path(5, 40);
        QCOMPARE(net->routeComputations(), before + 1);
    }

    // --- faults ----------------------------------------------------------------------------------
    void crashAndRecover_data() { addQueueColumn(); }
    void crashAndRecover() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;  // E - A - B - C - D, 10 ms per link
        s.nodes = {node("E"), node("A"), node("B"), node("C"), node("D")};
        s.links = {link("E", "A", props(10 * ms)), link("A", "B", props(10 * ms)),
                   link("B", "C", props(10 * ms)), link("C", "D", props(10 * ms))};
        FaultSpec crash;
        crash.kind = FaultSpec::Kind::Crash;
        crash.at = 5 * ms;
        crash.duration = 20 * ms;
        crash.targets = {"B"};
        s.faults = {crash};
        auto net = buildOk(sim, s);
        TraceCounter traces;
        sim.addObserver(&traces);
        sim.setTracing(true);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 1, 4, 125);        // reaches B after it crashed
        tx.add(12 * ms, 1, 4, 125);  // B is down: no route through it
        tx.add(12 * ms, 1, 2, 125);  // to B itself: travels, lost on arrival
        tx.add(12 * ms, 2, 1, 125);  // from B: lost at once
        tx.add(30 * ms, 1, 4, 125);  // recovered
        tx.start(sim, *net, sink.port);
        sim.runUntil(12 * ms);
        QVERIFY(!net->nodeUp(2));
        QVERIFY(!net->node(2).up);
        sim.run();
        QVERIFY(net->nodeUp(2));
        QCOMPARE(sink.got.size(), std::size_t(1));
        QCOMPARE(sink.got[0].payload, std::uint64_t(4));
        QCOMPARE(sink.got[0].now, 60 * ms + 3 * us);
        std::map<std::uint64_t, Loss> lost;
        for (const Loss& l : sink.lost)
            lost[l.payload] = l;
        QCOMPARE(lost.size(), std::size_t(4));
        QCOMPARE(lost[0].reason, LossReason::NodeDown);
        QCOMPARE(lost[0].at, NodeIndex(2));
        QCOMPARE(lost[0].now, 10 * ms + 1 * us);
        QCOMPARE(lost[1].reason, LossReason::Unreachable);
        QCOMPARE(lost[1].now, 12 * ms);
        QCOMPARE(lost[2].reason, LossReason::NodeDown);
        QCOMPARE(lost[2].now, 22 * ms + 1 * us);
        QCOMPARE(lost[3].reason, LossReason::NodeDown);
        QCOMPARE(lost[3].now, 12 * ms);
        QCOMPARE(metric(sim, "net.messages.lost"), 4.0);
        QCOMPARE(metric(sim, "net.messages.lost.down"), 3.0);
        QCOMPARE(traces.traces.size(), std::size_t(2));
        QCOMPARE(traces.traces[0].first, 5 * ms);
        QVERIFY(traces.traces[0].second.find("crash 1 node") != std::string::npos);
        QCOMPARE(traces.traces[1].first, 25 * ms);
        sim.removeObserver(&traces);
    }

    void linkDownInFlight_data() { addQueueColumn(); }
    void linkDownInFlight() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.nodes = {node("A"), node("B"), node("C")};
        s.links = {link("A", "B", props(10 * ms)), link("B", "C", props(10 * ms))};
        FaultSpec down;
        down.kind = FaultSpec::Kind::LinkDown;
        down.at = 5 * ms;
        down.duration = 1 * ms;  // back up long before the messages on it would have arrived
        down.targets = {"A", "B"};
        s.faults = {down};
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 2, 125);
        tx.add(2 * ms, 0, 2, 125);
        tx.add(5500 * us, 0, 2, 125);  // the link is down: no way out of A
        tx.add(7 * ms, 0, 2, 125);
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(1));
        QCOMPARE(sink.got[0].now, 27 * ms + 2 * us);
        QCOMPARE(sink.lost.size(), std::size_t(3));
        std::map<std::uint64_t, Loss> lost;
        for (const Loss& l : sink.lost)
            lost[l.payload] = l;
        QCOMPARE(lost[2].reason, LossReason::Unreachable);
        QCOMPARE(lost[2].now, 5500 * us);
        QCOMPARE(lost[0].reason, LossReason::LinkDown);
        QCOMPARE(lost[0].at, NodeIndex(1));
        QCOMPARE(lost[0].now, 10 * ms + 1 * us);
        QCOMPARE(lost[1].reason, LossReason::LinkDown);
    }

    /// Churn makes each node an alternating renewal process: up for Exp(mean_up), down for
    /// Exp(mean_down). Over a long run a node is up mean_up / (mean_up + mean_down) of the time,
    /// and every node comes back when the churn ends.
    void churnAlternatesEachNodeOnItsOwn() {
        struct Watch final : FaultListener {
            Simulation* sim = nullptr;
            Network* net = nullptr;
            std::vector<SimTime> downSince;
            double downTotal = 0;  // seconds of finished down periods
            std::uint64_t downs = 0, ups = 0;
            double upSamples = 0, samples = 0;
            std::vector<std::pair<SimTime, NodeIndex>> first;  // the first changes, in order
            void onNodeUp(NodeIndex n, bool up) override {
                if (first.size() < 200) first.emplace_back(sim->now(), n);
                if (!up) {
                    ++downs;
                    downSince[n] = sim->now();
                } else if (downSince[n] != kTimeNever) {
                    ++ups;
                    downTotal += toSeconds(sim->now() - downSince[n]);
                    downSince[n] = kTimeNever;
                }
            }
            void onProbe(Simulation& s, const Event&) {
                for (NodeIndex n = 0; n < net->nodeCount(); ++n)
                    upSamples += net->nodeUp(n) ? 1 : 0;
                samples += static_cast<double>(net->nodeCount());
                if (s.now() < 990 * kSecond) s.scheduleIn(kSecond, 0, probe);
            }
            KindId probe = 0;
        };
        auto churnRun = [](Watch& w) {
            auto sim = std::make_unique<Simulation>(Simulation::Config{7, QueueKind::Ladder});
            NetworkSpec s;
            GroupSpec g;
            g.id = "phones";
            g.count = 400;
            s.groups = {g};
            FaultSpec churn;
            churn.kind = FaultSpec::Kind::Churn;
            churn.at = 0;
            churn.duration = 1000 * kSecond;
            churn.meanUp = 3 * kSecond;
            churn.meanDown = 1 * kSecond;
            churn.targets = {"phones"};
            s.faults = {churn};
            auto net = Network::build(*sim, s);
            if (!net.ok()) qFatal("%s", net.error().message.c_str());
            w.sim = sim.get();
            w.net = net.value().get();
            w.downSince.assign(400, kTimeNever);
            net.value()->addFaultListener(&w);
            w.probe = sim->registerKind<&Watch::onProbe>("probe", w);
            sim->scheduleAt(100 * kSecond, 0, w.probe);
            sim->run();
            for (NodeIndex n = 0; n < 400; ++n)
                if (!net.value()->nodeUp(n)) qFatal("node %u is down after the churn", n);
            net.value()->removeFaultListener(&w);
        };
        Watch w;
        churnRun(w);
        const double availability = w.upSamples / w.samples;
        QVERIFY2(std::abs(availability - 0.75) < 0.02, qPrintable(QString::number(availability)));
        const double meanDown = w.downTotal / static_cast<double>(w.ups);
        QVERIFY2(std::abs(meanDown - 1.0) < 0.05, qPrintable(QString::number(meanDown)));
        // About 1000 s / 4 s cycles per node.
        QVERIFY2(w.downs > 400 * 230 && w.downs < 400 * 270, qPrintable(QString::number(w.downs)));
        // Each node draws from its own stream: the same seed gives the same changes.
        Watch again;
        churnRun(again);
        QCOMPARE(again.first, w.first);
        QCOMPARE(again.downs, w.downs);
    }

    void regionOutage_data() { addQueueColumn(); }
    void regionOutage() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.regions = {region("r1", 0, 0, 1), region("r2", 10, 0, 1)};
        s.nodes = {node("A", "r1"), node("C", "r2"), node("D", "r2")};
        s.links = {link("A", "C", props(10 * ms)), link("C", "D", props(10 * ms))};
        FaultSpec out;
        out.kind = FaultSpec::Kind::RegionOutage;
        out.at = 1 * kSecond;
        out.duration = 1 * kSecond;
        out.targets = {"r2"};
        s.faults = {out};
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(500 * ms, 0, 2, 125);
        tx.add(1500 * ms, 0, 2, 125);
        tx.add(2500 * ms, 0, 2, 125);
        tx.start(sim, *net, sink.port);
        sim.runUntil(1500 * ms);
        QVERIFY(net->nodeUp(0));
        QVERIFY(!net->nodeUp(1));
        QVERIFY(!net->nodeUp(2));
        sim.run();
        QVERIFY(net->nodeUp(1) && net->nodeUp(2));
        QCOMPARE(sink.got.size(), std::size_t(2));
        QCOMPARE(sink.lost.size(), std::size_t(1));
        QCOMPARE(sink.lost[0].reason, LossReason::NodeDown);
        QCOMPARE(sink.lost[0].at, NodeIndex(1));
        QCOMPARE(sink.lost[0].now, 1510 * ms + 1 * us);
    }

    // Fault listeners hear every fault at the simulated time it strikes, in the order they were
    // added, only when a node's or a link's state changes; a listener may apply faults itself,
    // and a removed one hears nothing more.
    void faultListenersHearEveryFault() {
        struct Log final : FaultListener {
            Simulation* sim = nullptr;
            Network* net = nullptr;
            std::string name;
            std::vector<std::string>* lines = nullptr;
            bool crashDWithC = false;
            void add(const std::string& what) {
                lines->push_back(name + " " + std::to_string(sim->now() / ms) + "ms " + what);
            }
            void onNodeUp(NodeIndex node, bool up) override {
                add(net->nodeName(node) + (up ? " up" : " down"));
                if (crashDWithC && node == net->findNode("C") && !up)
                    net->setNodeUp(net->findNode("D"), false);
            }
            void onLinkUp(LinkIndex l, bool up) override {
                add("link " + net->nodeName(net->link(l).a) + "-" + net->nodeName(net->link(l).b) +
                    (up ? " up" : " down"));
            }
            void onRegionsUp(std::span<const RegionIndex> regions, bool up) override {
                std::string ids;
                for (RegionIndex r : regions)
                    ids += net->regions()[r].id;
                add("regions " + ids + (up ? " up" : " down"));
            }
            void onPartition(std::span<const RegionIndex> regions, bool cut) override {
                std::string ids;
                for (RegionIndex r : regions)
                    ids += net->regions()[r].id;
                add("partition " + ids + (cut ? " cut" : " healed"));
            }
        };
        Simulation sim({1, QueueKind::Heap});
        NetworkSpec s;
        s.regions = {region("r1", 0, 0, 1), region("r2", 10, 0, 1)};
        s.nodes = {node("A", "r1"), node("B", "r1"), node("C", "r2"), node("D", "r2")};
        s.links = {link("A", "B", props(10 * ms)), link("B", "C", props(10 * ms)),
                   link("C", "D", props(10 * ms))};
        auto fault = [](FaultSpec::Kind kind, SimTime at, SimTime duration,
                        std::vector<std::string> targets) {
            FaultSpec f;
            f.kind = kind;
            f.at = at;
            if (duration > 0) f.duration = duration;
            f.targets = std::move(targets);
            return f;
        };
        s.faults = {fault(FaultSpec::Kind::Crash, 100 * ms, 100 * ms, {"B"}),
                    fault(FaultSpec::Kind::LinkDown, 300 * ms, 100 * ms, {"B", "A"}),
                    fault(FaultSpec::Kind::Partition, 500 * ms, 100 * ms, {"r1"}),
                    fault(FaultSpec::Kind::RegionOutage, 700 * ms, 100 * ms, {"r2"}),
                    // C is down already: no report
                    fault(FaultSpec::Kind::Crash, 750 * ms, 0, {"C"})};
        auto net = buildOk(sim, s);
        QVERIFY(net);
        std::vector<std::string> lines;
        Log first, second, removed;
        for (auto [log, name] : {std::pair{&first, "1"}, {&second, "2"}, {&removed, "x"}}) {
            log->sim = &sim;
            log->net = net.get();
            log->name = name;
            log->lines = &lines;
            net->addFaultListener(log);
        }
        net->addFaultListener(&first);  // a second add changes nothing
        net->removeFaultListener(&removed);
        sim.run();
        const std::vector<std::string> want = {"1 100ms B down",
                                               "2 100ms B down",
                                               "1 200ms B up",
                                               "2 200ms B up",
                                               "1 300ms link A-B down",
                                               "2 300ms link A-B down",
                                               "1 400ms link A-B up",
                                               "2 400ms link A-B up",
                                               "1 500ms partition r1 cut",
                                               "2 500ms partition r1 cut",
                                               "1 600ms partition r1 healed",
                                               "2 600ms partition r1 healed",
                                               "1 700ms C down",
                                               "2 700ms C down",
                                               "1 700ms D down",
                                               "2 700ms D down",
                                               "1 700ms regions r2 down",
                                               "2 700ms regions r2 down",
                                               "1 800ms C up",
                                               "2 800ms C up",
                                               "1 800ms D up",
                                               "2 800ms D up",
                                               "1 800ms regions r2 up",
                                               "2 800ms regions r2 up"};
        if (lines != want) {
            for (const std::string& l : lines)
                qWarning("%s", l.c_str());
        }
        QCOMPARE(lines, want);

        // A listener that crashes D when C crashes: D's crash is heard too, inside C's.
        lines.clear();
        first.crashDWithC = true;
        net->removeFaultListener(&second);
        net->setNodeUp(net->findNode("C"), false);
        QCOMPARE(lines, (std::vector<std::string>{"1 800ms C down", "1 800ms D down"}));
        QVERIFY(!net->nodeUp(net->findNode("D")));
    }

    void groupCrashDoesNotInvalidateRoutes_data() { addQueueColumn(); }
    void groupCrashDoesNotInvalidateRoutes() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s;
        s.nodes = {node("g1"), node("g2"), node("core")};
        s.links = {link("g1", "core", props(1 * ms)), link("core", "g2", props(1 * ms))};
        GroupSpec p;
        p.id = "p";
        p.count = 100;
        p.attachTo = "g1";
        p.access = props(1 * ms);
        GroupSpec q = p;
        q.id = "q";
        q.attachTo = "g2";
        s.groups = {p, q};
        auto net = buildOk(sim, s);
        const NodeIndex a = net->group(0).first, b = net->group(1).first;
        QCOMPARE(net->path(a, b + 5).size(), std::size_t(5));
        const auto before = net->routeComputations();
        net->setGroupUp(1, false);
        QVERIFY(!net->nodeUp(b + 99));
        QCOMPARE(net->path(a, b + 5).size(), std::size_t(5));  // routes towards g2 still hold
        QCOMPARE(net->routeComputations(), before);
        net->setGroupUp(1, true);
        net->setNodeUp(2, false);  // the core is on every path
        QVERIFY(net->path(a, b + 5).empty());
    }

    // --- groups, memory
    // ----------------------------------------------------------------------------
    void groupsExpand() {
        Simulation sim({11});
        NetworkSpec s;
        s.regions = {region("eu", 100, 200, 50)};
        s.nodes = {node("gw", "eu")};
        GroupSpec g;
        g.id = "phones";
        g.count = 10000;
        g.member.region = "eu";
        g.member.role = "phone";
        g.member.resources.cpuGflops = 5;
        g.attachTo = "gw";
        g.access = props(2 * ms, 20e6);
        s.groups = {g};
        auto net = buildOk(sim, s);
        QVERIFY(net);
        QCOMPARE(net->nodeCount(), std::size_t(10001));
        QCOMPARE(net->linkCount(), std::size_t(10000));
        QCOMPARE(net->groupCount(), std::size_t(1));
        QCOMPARE(net->group(0).first, NodeIndex(1));
        QCOMPARE(net->group(0).count, 10000u);
        QCOMPARE(net->nodeName(13), std::string("phones[12]"));
        QCOMPARE(net->findNode("phones[12]"), NodeIndex(13));
        QCOMPARE(net->findNode("phones[0]"), NodeIndex(1));
        QCOMPARE(net->findNode("phones[9999]"), NodeIndex(10000));
        QCOMPARE(net->findNode("phones[10000]"), kNone);
        QCOMPARE(net->findNode("phones[012]"), kNone);
        QCOMPARE(net->findNode("phones[-1]"), kNone);
        QCOMPARE(net->findNode("phones[1x]"), kNone);
        QCOMPARE(net->findNode("phone[1]"), kNone);
        QCOMPARE(net->findNode("gw"), NodeIndex(0));
        const NodeView v = net->node(13);
        QCOMPARE(v.id, std::string("phones[12]"));
        QCOMPARE(v.role, std::string_view("phone"));
        QCOMPARE(v.region, std::string_view("eu"));
        QCOMPARE(v.group, GroupIndex(0));
        QCOMPARE(v.resources->cpuGflops, 5.0);
        QCOMPARE(net->degree(0), 10000u);
        double sx = 0, sy = 0;
        for (NodeIndex i = 1; i <= 10000; ++i) {
            const double dx = net->x(i) - 100, dy = net->y(i) - 200;
            QVERIFY(dx * dx + dy * dy < 50.0 * 50.0);
            sx += dx;
            sy += dy;
        }
        // Uniform in a disc of radius R: each coordinate has sd R/2 = 25 km; the mean of 10^4
        // has SE 0.25 km; 5 SE = 1.25 km.
        QVERIFY(std::abs(sx / 1e4) < 1.25 && std::abs(sy / 1e4) < 1.25);
        // Radii: P(r < R/2) = 1/4 for a uniform disc (sd of the fraction 0.0043; 5 sd = 0.022).
        int inner = 0;
        for (NodeIndex i = 1; i <= 10000; ++i)
            inner += std::hypot(net->x(i) - 100, net->y(i) - 200) < 25.0 ? 1 : 0;
        QVERIFY(std::abs(inner / 1e4 - 0.25) < 0.022);
        const Network::MemoryUse mem = net->memoryUse();
        const double n = double(net->nodeCount()), l = double(net->linkCount());
        qInfo(
            "memory: %.1f B/node (node arrays), %.1f B/link (link, 2 directions, 2 adjacency "
            "entries), "
            "%.1f B/node all structure",
            double(mem.nodes) / n, double(mem.links) / l, double(mem.structure()) / n);
        QVERIFY(double(mem.nodes) / n <= 32);
        QVERIFY(double(mem.structure()) / n <= 160);
    }

    void placementIndependentOfOtherNodes() {
        Simulation a({5}), b({5});
        auto na = buildOk(a, richSpec(false));
        auto nb = buildOk(b, richSpec(true));
        QVERIFY(na && nb);
        QCOMPARE(nb->nodeCount(), na->nodeCount() + 11);
        for (NodeIndex i = 0; i < na->nodeCount(); ++i) {
            const std::string name = na->nodeName(i);
            const NodeIndex j = nb->findNode(name);
            QVERIFY(j != kNone);
            QCOMPARE(nb->x(j), na->x(i));
            QCOMPARE(nb->y(j), na->y(i));
        }
    }

    // --- metrics
    // -----------------------------------------------------------------------------------
    void utilisationAndBusiestLinks_data() { addQueueColumn(); }
    void utilisationAndBusiestLinks() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        NetworkSpec s = twoNodes();
        s.nodes.push_back(node("C"));
        s.links.push_back(link("B", "C", props(1 * ms, 1e6)));
        auto net = buildOk(sim, s);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, 0, 1, 1000);
        tx.add(0, 0, 1, 1000);
        tx.add(0, 2, 1, 1000);
        tx.start(sim, *net, sink.port);
        sim.runUntil(12 * ms);
        // A->B has transmitted 0-12 ms of its 16 ms (the queued rest is not counted yet).
        QCOMPARE(net->utilisation(0, 0), 1.0);
        sim.runUntil(32 * ms);
        net->finish();
        QCOMPARE(net->utilisation(0, 0), 0.5);   // 16 of 32 ms
        QCOMPARE(net->utilisation(1, 1), 0.25);  // C->B: 8 of 32 ms
        QCOMPARE(net->utilisation(0, 1), 0.0);
        QCOMPARE(metric(sim, "net.link_utilisation.max"), 0.5);
        QCOMPARE(metric(sim, "net.link_utilisation.mean"), 0.75 / 4);
        const auto top = net->busiestLinks(2);
        QCOMPARE(top.size(), std::size_t(2));
        QCOMPARE(top[0].from, std::string("A"));
        QCOMPARE(top[0].to, std::string("B"));
        QCOMPARE(top[0].bytes, std::uint64_t(2000));
        QCOMPARE(top[0].utilisation, 0.5);
        QCOMPARE(top[1].from, std::string("C"));
        QCOMPARE(net->busiestLinks(100).size(), std::size_t(4));
        QCOMPARE(metric(sim, "net.messages.sent"), 3.0);
        QCOMPARE(net->link(0).bytes[0], std::uint64_t(2000));
    }

    void samplesSeeCurrentUtilisation() {
        struct Samples final : Observer {
            std::vector<double> util;
            void onSample(SimTime, std::span<const MetricValue> values) override {
                for (const MetricValue& v : values)
                    if (v.info->name == "net.link_utilisation.max") util.push_back(v.value);
            }
        } samples;
        Simulation sim({1});
        auto net = buildOk(sim, twoNodes());
        Sink sink;
        sink.attach(*net);
        Sender tx;
        for (int i = 0; i < 10; ++i)
            tx.add(i * 10 * ms, 0, 1, 500);  // 4 ms of every 10
        tx.start(sim, *net, sink.port);
        sim.addObserver(&samples);
        sim.setSampleInterval(20 * ms);
        QCOMPARE(sim.run(), StopReason::QueueEmpty);
        QVERIFY(samples.util.size() >= 4);
        QCOMPARE(samples.util[1], 0.4);  // refreshed just before each sample
        sim.removeObserver(&samples);
        // Sampling observed the run without changing it.
        Simulation plain({1});
        auto net2 = buildOk(plain, twoNodes());
        Sink sink2;
        sink2.attach(*net2);
        Sender tx2;
        for (int i = 0; i < 10; ++i)
            tx2.add(i * 10 * ms, 0, 1, 500);
        tx2.start(plain, *net2, sink2.port);
        plain.run();
        QCOMPARE(plain.fingerprint().value(), sim.fingerprint().value());
        QCOMPARE(plain.executed(), sim.executed());
    }

    // --- determinism
    // -------------------------------------------------------------------------------
    void determinism_data() { addQueueColumn(); }
    void determinism() {
        QFETCH(QueueKind, queue);
        const RunResult a = runRich(42, queue, false);
        const RunResult b = runRich(42, queue, false);
        const RunResult c = runRich(43, queue, false);
        const RunResult other =
            runRich(42, queue == QueueKind::Heap ? QueueKind::Ladder : QueueKind::Heap, false);
        QVERIFY(a.values.size() > 0);
        QVERIFY(a.values[1] > 3000);  // delivered: the scenario did something
        QVERIFY(a.values[3] > 0);     // random losses
        QVERIFY(a.values[4] > 0);     // losses to the crash or the partition
        QCOMPARE(a.fingerprint, b.fingerprint);
        QCOMPARE(a.values, b.values);
        QCOMPARE(a.latencySum, b.latencySum);
        QCOMPARE(a.fingerprint, other.fingerprint);
        QVERIFY(a.fingerprint != c.fingerprint);
        QVERIFY(a.values != c.values);
        // An unrelated node and group shift member indices (so the fingerprint's targets) but
        // no draw, route or statistic changes.
        const RunResult d = runRich(42, queue, true);
        QCOMPARE(d.values, a.values);
        QCOMPARE(d.latencySum, a.latencySum);
    }

    // --- errors
    // --------------------------------------------------------------------------------------
    void buildErrors_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ba m")
            << 0 << "topology 0 (barabasi-albert): m (3) must be less than the member count (3)";
        QTest::newRow("unknown link node") << 1 << "link 0 (A - X): unknown node 'X'";
        QTest::newRow("group as link end") << 2 << "'phones' is a group, not a node";
        QTest::newRow("unknown region") << 3 << "node 'A': unknown region 'mars'";
        QTest::newRow("duplicate node") << 4 << "node 'A' is defined twice";
        QTest::newRow("bandwidth") << 5 << "link 0 (A - B): bandwidth must be a positive number";
        QTest::newRow("traffic member") << 6 << "traffic 'bg': to: unknown node or group 'nobody'";
        QTest::newRow("fault link") << 7 << "fault 0 (link-down): no link between 'A' and 'C'";
        QTest::newRow("attach") << 8 << "group 'phones': attachTo names no node: 'gw'";
        QTest::newRow("matrix") << 9 << "topology 0 (regions): the latency matrix needs 2 rows";
        QTest::newRow("self link") << 10 << "link 0 (A - A): a link needs two different nodes";
        QTest::newRow("waxman") << 11 << "topology 0 (waxman): alpha must be within (0, 1]";
        QTest::newRow("distance beyond the latest time")
            << 12
            << "/network/links/0 (A - B): over its length of 2e+15 km, light takes 317 years, "
               "beyond the longest simulated time (292 years)";
        QTest::newRow("fault ending beyond the latest time")
            << 13
            << "/network/faults/0 (crash): lasting 127 years from 190 years, it would end at "
               "317 years, beyond the longest simulated time (292 years)";
        QTest::newRow("first message beyond the latest time")
            << 14 << "/network/traffic/0 (\"bg\"): its next message would come ";  // a drawn gap
    }
    void buildErrors() {
        QFETCH(int, which);
        QFETCH(QString, expected);
        NetworkSpec s;
        s.regions = {region("r1", 0, 0, 1), region("r2", 5, 0, 1)};
        s.nodes = {node("A"), node("B"), node("C")};
        GroupSpec g;
        g.id = "phones";
        g.count = 3;
        TopologySpec t;
        switch (which) {
            case 0:
                t.kind = TopologySpec::Kind::BarabasiAlbert;
                t.m = 3;
                s.topologies = {t};
                break;
            case 1:
                s.links = {link("A", "X", props(ms))};
                break;
            case 2:
                s.groups = {g};
                s.links = {link("A", "phones", props(ms))};
                break;
            case 3:
                s.nodes[0].region = "mars";
                break;
            case 4:
                s.nodes.push_back(node("A"));
                break;
            case 5:
                s.links = {link("A", "B", props(ms, -1))};
                break;
            case 6: {
                TrafficSpec f;
                f.id = "bg";
                f.from = {"A"};
                f.to = {"nobody"};
                s.traffic = {f};
                break;
            }
            case 7: {
                s.links = {link("A", "B", props(ms))};
                FaultSpec f;
                f.kind = FaultSpec::Kind::LinkDown;
                f.targets = {"A", "C"};
                s.faults = {f};
                break;
            }
            case 8:
                g.attachTo = "gw";
                s.groups = {g};
                break;
            case 9:
                t.kind = TopologySpec::Kind::Regions;
                t.latencyMatrix = {{0, 1, 2}};
                s.topologies = {t};
                break;
            case 10:
                s.links = {link("A", "A", props(ms))};
                break;
            case 11:
                t.kind = TopologySpec::Kind::Waxman;
                t.alpha = 1.5;
                s.topologies = {t};
                break;
            case 12: {
                s.nodes[1].x = 2e15;
                s.nodes[1].y = 0;
                s.nodes[0].x = s.nodes[0].y = 0;
                LinkProps far = props(0);
                far.latencyFromDistance = true;
                s.links = {link("A", "B", far)};
                break;
            }
            case 13: {
                FaultSpec f;
                f.kind = FaultSpec::Kind::Crash;
                f.targets = {"A"};
                f.at = 6'000'000'000'000'000'000;
                f.duration = 4'000'000'000'000'000'000;
                s.faults = {f};
                break;
            }
            case 14: {
                s.links = {link("A", "B", props(ms))};
                TrafficSpec f;
                f.id = "bg";
                f.from = {"A"};
                f.to = {"B"};
                f.ratePerSecond = 1e-20;
                s.traffic = {f};
                break;
            }
        }
        Simulation sim;
        const auto net = Network::build(sim, s);
        QVERIFY(!net);
        const std::string& error = net.error().message;
        QVERIFY2(QString::fromStdString(error).contains(expected), error.c_str());
    }

    void secondNetworkOnOneSimulation() {
        Simulation sim;
        const auto a = Network::build(sim, twoNodes());
        QVERIFY(a);
        const auto b = Network::build(sim, twoNodes());
        QVERIFY(!b);
        QVERIFY(b.error().message.find("already has a network") != std::string::npos);
    }

    void badSendArguments() {
        Simulation sim;
        auto net = buildOk(sim, twoNodes());
        Sink sink;
        sink.attach(*net);
        QCOMPARE(net->send(0, 7, 10, sink.port), MessageId(0));
        QCOMPARE(net->send(0, 1, 10, 99), MessageId(0));
        QCOMPARE(net->send(0, 1, 10, 0), MessageId(0));  // the background-traffic port
        QCOMPARE(net->inFlight(), std::size_t(0));
    }

    // --- times beyond the longest simulated time -------------------------------------------------
    void hugeTrafficSizeFailsNamingTheFlow_data() { addQueueColumn(); }
    void hugeTrafficSizeFailsNamingTheFlow() {
        QFETCH(QueueKind, queue);
        Simulation sim({1, queue});
        auto net = buildOk(sim, oneLinkQueue(100e6, Variate::constant(1e18), 1000));
        QVERIFY(net);
        QCOMPARE(failureOf(sim, 10 * kSecond),
                 "/network/links/0 (client - server): sending a message of flow \"probe\" "
                 "(1e+18 bytes) at 100 Mbit/s takes 2,535 years, beyond the longest simulated "
                 "time (292 years)");
        checkSane(sim, *net);
        QCOMPARE(metric(sim, "net.messages.delivered"), 0.0);
    }

    void tinyBandwidthFailsNamingTheLink_data() {
        QTest::addColumn<QueueKind>("queue");
        QTest::addColumn<double>("bandwidth");
        QTest::addColumn<QString>("shown");
        QTest::newRow("0.001 bit/s, heap") << QueueKind::Heap << 0.001 << "0.001 bit/s";
        QTest::newRow("0.001 bit/s, ladder") << QueueKind::Ladder << 0.001 << "0.001 bit/s";
        QTest::newRow("0.1 bit/s, ladder") << QueueKind::Ladder << 0.1 << "0.1 bit/s";
    }
    void tinyBandwidthFailsNamingTheLink() {
        // The bundled single-link queue at a bandwidth where messages pile up for centuries: the
        // queue's end is what cannot be represented.
        QFETCH(QueueKind, queue);
        QFETCH(double, bandwidth);
        QFETCH(QString, shown);
        Simulation sim({1, queue});
        auto net =
            buildOk(sim, oneLinkQueue(bandwidth, {Variate::Kind::Exponential, 12500, 0}, 800));
        QVERIFY(net);
        const QString failure = failureOf(sim, 120 * kSecond);
        QVERIFY2(failure.startsWith("/network/links/0 (client - server): sending a message of "
                                    "flow \"probe\" (") &&
                     failure.contains(" at " + shown + " takes ") &&
                     failure.endsWith(" of messages queued before it), beyond the longest "
                                      "simulated time (292 years)"),
                 qPrintable(failure));
        QVERIFY(sim.now() < 120 * kSecond);
        checkSane(sim, *net);
        QVERIFY(net->utilisation(0, 0) > 0.9);  // it never stopped sending
    }

    void longestTransmissionsThatFitAreExact_data() {
        QTest::addColumn<quint64>("bytes");
        QTest::addColumn<int>("count");        // messages, all sent at 0 from A to B
        QTest::addColumn<QString>("failure");  // empty: all arrive
        // 8 bit/s: a byte a second. Up to 2.3e9 bytes the time is computed in integers.
        QTest::newRow("integers: four queued, 254 years") << quint64(2'000'000'000) << 4 << "";
        QTest::newRow("integers: the fifth ends beyond")
            << quint64(2'000'000'000) << 5
            << "/network/links/0 (A - B): sending a message to port \"sink\" (2,000,000,000 "
               "bytes) at 8 bit/s takes 63 years and would end at 317 years (after 254 years "
               "of messages queued before it), beyond the longest simulated time (292 years)";
        QTest::newRow("doubles: one of 292 years") << quint64(9'223'000'000) << 1 << "";
        QTest::newRow("doubles: one too long")
            << quint64(9'300'000'000) << 1
            << "/network/links/0 (A - B): sending a message to port \"sink\" (9,300,000,000 "
               "bytes) at 8 bit/s takes 295 years, beyond the longest simulated time (292 years)";
    }
    void longestTransmissionsThatFitAreExact() {
        QFETCH(quint64, bytes);
        QFETCH(int, count);
        QFETCH(QString, failure);
        Simulation sim;
        NetworkSpec spec;
        spec.nodes = {node("A"), node("B")};
        spec.links = {link("A", "B", props(1 * ms, 8))};
        auto net = buildOk(sim, spec);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        for (int i = 0; i < count; ++i)
            tx.add(0, 0, 1, bytes);
        tx.start(sim, *net, sink.port);
        QCOMPARE(failureOf(sim), failure);
        checkSane(sim, *net);
        if (!failure.isEmpty()) return;
        QCOMPARE(sink.got.size(), std::size_t(count));
        const auto each = static_cast<SimTime>(bytes) * kSecond;  // exact: 1 s a byte
        for (int i = 0; i < count; ++i)
            QCOMPARE(sink.got[i].now, (i + 1) * each + 1 * ms);
        QCOMPARE(sim.now(), count * each + 1 * ms);
        QCOMPARE(net->utilisation(0, 0),
                 static_cast<double>(count * each) / static_cast<double>(count * each + 1 * ms));
    }

    void latencyBeyondTheLatestFailsNamingTheLink_data() {
        QTest::addColumn<bool>("drawn");  // a log-normal latency with that median, else constant
        QTest::addColumn<double>("latency");
        QTest::addColumn<QString>("failure");
        QTest::newRow("constant, fits") << false << 5e18 << "";
        QTest::newRow("constant, beyond")
            << false << 7e18
            << "/network/links/0 (A - B): a message to port \"sink\" (1 byte) sent by 95 "
               "years with a propagation delay of 222 years would arrive at 317 years, beyond "
               "the longest simulated time (292 years)";
        QTest::newRow("drawn, fits") << true << 5e18 << "";
        QTest::newRow("drawn, longer than any time")
            << true << 1e20
            << "/network/links/0 (A - B): a message to port \"sink\" (1 byte) sent by 95 "
               "years with a propagation delay of 3,169 years would arrive at 3,264 years, "
               "beyond the longest simulated time (292 years)";
    }
    void latencyBeyondTheLatestFailsNamingTheLink() {
        QFETCH(bool, drawn);
        QFETCH(double, latency);
        QFETCH(QString, failure);
        Simulation sim;
        NetworkSpec spec;
        spec.nodes = {node("A"), node("B")};
        LinkProps p = props(0, 1e9);
        p.latency =
            drawn ? Variate{Variate::Kind::LogNormal, latency, 1e-12} : Variate::constant(latency);
        spec.links = {link("A", "B", p)};
        auto net = buildOk(sim, spec);
        QVERIFY(net);
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(3'000'000'000'000'000'000, 0, 1, 1);  // 95 years in; 8 ns to send
        tx.start(sim, *net, sink.port);
        QCOMPARE(failureOf(sim), failure);
        checkSane(sim, *net);
        if (!failure.isEmpty()) return;
        QCOMPARE(sink.got.size(), std::size_t(1));
        const SimTime expected = 3'000'000'000'000'000'008 + 5'000'000'000'000'000'000;
        if (drawn)  // exp(ln(median) + sigma z), sigma 1e-12: the median to within 1e-9
            QVERIFY(std::abs(sink.got[0].now - expected) < 5'000'000'000);
        else
            QCOMPARE(sink.got[0].now, expected);
    }

    void flowGapBeyondTheLatest_data() {
        QTest::addColumn<SimTime>("stop");
        QTest::addColumn<QString>("failure");
        QTest::newRow("no stop: fails")
            << kTimeNever
            << "/network/traffic/0 (\"probe\"): its next message would come 317 years after 0 s "
               "(1e-10 messages per second), at 317 years, beyond the longest simulated time "
               "(292 years)";
        QTest::newRow("a stop: the flow is over") << kHour << "";
    }
    void flowGapBeyondTheLatest() {
        // One message every 317 years: the second would come after the longest simulated time.
        QFETCH(SimTime, stop);
        QFETCH(QString, failure);
        NetworkSpec spec = oneLinkQueue(1e9, Variate::constant(100), 1e-10);
        spec.traffic[0].process = TrafficSpec::Process::Constant;
        spec.traffic[0].stop = stop;
        Simulation sim;
        auto net = buildOk(sim, spec);
        QVERIFY(net);
        QCOMPARE(failureOf(sim, 2 * kHour), failure);
        // The failure comes as the first message leaves, before it arrives.
        QCOMPARE(metric(sim, "traffic.probe.delivered"), failure.isEmpty() ? 1.0 : 0.0);
        QCOMPARE(metric(sim, "traffic.probe.sent"), 1.0);
        checkSane(sim, *net);
    }

    // --- throughput figure
    // ----------------------------------------------------------------------------
    void throughput_data() { addQueueColumn(); }
    void throughput() {
        QFETCH(QueueKind, queue);
        // 100 routers (Barabasi-Albert, m = 2) with 99 phones each: 10,000 nodes; Poisson traffic
        // between random phones. Prints hops per wall-clock second; asserts only sanity.
        NetworkSpec s;
        TopologySpec ba;
        ba.kind = TopologySpec::Kind::BarabasiAlbert;
        ba.m = 2;
        ba.link = props(2 * ms, 10e9);
        for (int i = 0; i < 100; ++i) {
            s.nodes.push_back(node("r" + std::to_string(i)));
            ba.members.push_back("r" + std::to_string(i));
            GroupSpec g;
            g.id = "p" + std::to_string(i);
            g.count = 99;
            g.attachTo = "r" + std::to_string(i);
            g.access = props(1 * ms, 100e6);
            s.groups.push_back(g);
        }
        s.topologies = {ba};
        TrafficSpec t;
        t.id = "load";
        for (int i = 0; i < 100; ++i)
            t.from.push_back("p" + std::to_string(i));
        t.to = t.from;
        t.ratePerSecond = 400000;
        t.sizeBytes = Variate::constant(1500);
        t.stop = 2 * kSecond;
        s.traffic = {t};
        Simulation sim({7, queue});
        auto net = buildOk(sim, s);
        QCOMPARE(net->nodeCount(), std::size_t(10000));
        const auto t0 = std::chrono::steady_clock::now();
        sim.run();
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const Summary& hops = summary(sim, "net.hops");
        QCOMPARE(metric(sim, "net.messages.delivered"), metric(sim, "net.messages.sent"));
        QCOMPARE(net->inFlight(), std::size_t(0));
        QVERIFY(net->routeComputations() <= 100);
        const double events = double(sim.executed());
        qInfo(
            "%s: %.0f messages, %.0f hops (%.2f per message) in %.2f s: %.2f M hops/s, %.2f M "
            "events/s, "
            "%.0f ns per event; %llu route trees",
            queue == QueueKind::Heap ? "heap" : "ladder", double(hops.count()), hops.sum(),
            hops.mean(), wall, hops.sum() / wall / 1e6, events / wall / 1e6, wall / events * 1e9,
            static_cast<unsigned long long>(net->routeComputations()));
    }
};

QTEST_GUILESS_MAIN(TestNetwork)
#include "tst_network.moc"
