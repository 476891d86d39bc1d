#pragma once
// Helpers shared by the network model's tests: spec shorthands, a recording port and a
// scheduled sender.

#include <QtTest>

#include <memory>
#include <string>
#include <vector>

#include "dais/sim/network.h"

Q_DECLARE_METATYPE(dais::sim::QueueKind)

namespace nettest {

using namespace dais::sim;

inline void addQueueColumn() {
    QTest::addColumn<QueueKind>("queue");
    QTest::newRow("heap") << QueueKind::Heap;
    QTest::newRow("ladder") << QueueKind::Ladder;
}

inline NodeSpec node(std::string id, std::string region = {}) {
    NodeSpec n;
    n.id = std::move(id);
    n.region = std::move(region);
    return n;
}

inline NodeSpec nodeAt(std::string id, double x, double y) {
    NodeSpec n;
    n.id = std::move(id);
    n.x = x;
    n.y = y;
    return n;
}

inline LinkProps props(SimTime latency, double bandwidthBps = 1e9, double loss = 0) {
    LinkProps p;
    p.latency = Variate::constant(static_cast<double>(latency));
    p.bandwidthBps = bandwidthBps;
    p.loss = loss;
    return p;
}

inline LinkSpec link(std::string a, std::string b, LinkProps p) {
    return {std::move(a), std::move(b), p};
}

inline RegionSpec region(std::string id, double x, double y, double r) {
    return {std::move(id), x, y, r};
}

/// Builds or fails the test.
inline std::unique_ptr<Network> buildOk(Simulation& sim, const NetworkSpec& spec) {
    auto net = Network::build(sim, spec);
    if (!net) {
        qWarning("build failed: %s", net.error().message.c_str());
        return nullptr;
    }
    return std::move(*net);
}

/// A port that records what reaches it and what is lost on the way.
struct Sink {
    std::vector<Delivery> got;
    std::vector<Loss> lost;
    PortId port = 0;
    static void onDeliver(void* self, Network&, const Delivery& d) {
        static_cast<Sink*>(self)->got.push_back(d);
    }
    static void onLoss(void* self, Network&, const Loss& l) {
        static_cast<Sink*>(self)->lost.push_back(l);
    }
    void attach(Network& net) {
        port = net.registerPort("sink", &Sink::onDeliver, this, &Sink::onLoss);
    }
};

/// Sends planned messages at planned times (payload = the plan's index).
struct Sender {
    struct Plan {
        SimTime at;
        NodeIndex from, to;
        std::uint64_t bytes;
    };
    Network* net = nullptr;
    PortId port = 0;
    KindId kind = 0;
    std::vector<Plan> plans;
    std::vector<MessageId> ids;
    void onEvent(Simulation&, const Event& e) {
        const Plan& p = plans[e.data];
        ids.push_back(net->send(p.from, p.to, p.bytes, port, e.data));
    }
    void start(Simulation& sim, Network& n, PortId p) {
        net = &n;
        port = p;
        kind = sim.registerKind<&Sender::onEvent>("test.send", *this);
        for (std::size_t i = 0; i < plans.size(); ++i)
            sim.scheduleAt(plans[i].at, 0, kind, i);
    }
    void add(SimTime at, NodeIndex from, NodeIndex to, std::uint64_t bytes) {
        plans.push_back({at, from, to, bytes});
    }
};

inline double metric(const Simulation& sim, const char* name) {
    const auto id = sim.metrics().find(name);
    return id < 0 ? -1.0 : sim.metrics().value(static_cast<MetricId>(id));
}

inline const Summary& summary(const Simulation& sim, const char* name) {
    return sim.metrics().summary(static_cast<MetricId>(sim.metrics().find(name)));
}

/// Number of connected components (over all links, up or down) among all nodes.
inline std::size_t components(const Network& net) {
    std::vector<char> seen(net.nodeCount(), 0);
    std::vector<NodeIndex> stack;
    std::size_t comps = 0;
    for (NodeIndex s = 0; s < net.nodeCount(); ++s) {
        if (seen[s]) continue;
        ++comps;
        seen[s] = 1;
        stack.push_back(s);
        while (!stack.empty()) {
            const NodeIndex v = stack.back();
            stack.pop_back();
            for (const Adjacent& a : net.adjacency(v))
                if (!seen[a.node]) {
                    seen[a.node] = 1;
                    stack.push_back(a.node);
                }
        }
    }
    return comps;
}

}  // namespace nettest
