// Memory and the network model: what a network will need, estimated from its spec before it is
// built (nodes, links, generated links, routes, messages in flight), and a run whose messages
// in flight or pending events outgrow the simulation's budget failing cleanly, naming what grew.
// Nothing here allocates more than a few megabytes: the budgets are small and the big networks
// are only estimated.
#include <QtTest>

#include <cmath>
#include <string>

#include "network_test_util.h"

using namespace nettest;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

GroupSpec group(std::string id, std::uint32_t count, std::string attachTo = {}) {
    GroupSpec g;
    g.id = std::move(id);
    g.count = count;
    g.member.role = "phone";
    g.attachTo = std::move(attachTo);
    return g;
}

const MemoryNeed* needAt(const std::vector<MemoryNeed>& needs, const std::string& pointer) {
    for (const MemoryNeed& n : needs)
        if (n.pointer == pointer) return &n;
    return nullptr;
}

/// A chain a - b - c - d whose middle link is slow: a flow from a to d at a rate its end links
/// can carry piles up at b, which nothing in the spec's ends shows.
NetworkSpec bottleneck(double rate) {
    NetworkSpec s;
    s.nodes = {node("a"), node("b"), node("c"), node("d")};
    s.links = {link("a", "b", props(10 * kMicrosecond, 10e9)),
               link("b", "c", props(10 * kMicrosecond, 1e6)),
               link("c", "d", props(10 * kMicrosecond, 10e9))};
    TrafficSpec f;
    f.id = "flood";
    f.from = {"a"};
    f.to = {"d"};
    f.ratePerSecond = rate;
    f.sizeBytes = Variate::constant(1);
    f.process = TrafficSpec::Process::Constant;
    s.traffic = {f};
    return s;
}

/// Schedules ten events for every one it runs: a queue that only grows.
struct Spawner {
    KindId kind = 0;
    void onEvent(Simulation& sim, const Event&) {
        for (int i = 0; i < 10; ++i)
            sim.scheduleIn(kSecond, 0, kind);
    }
};

}  // namespace

class TestNetworkMemory : public QObject {
    Q_OBJECT

  private slots:
    void memoryTextIsHuman_data() {
        QTest::addColumn<double>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("bytes") << 740.0 << "740 bytes";
        QTest::newRow("one byte") << 1.0 << "1 byte";
        QTest::newRow("KiB") << 1536.0 << "1.5 KiB";
        QTest::newRow("whole") << kGiB << "1 GiB";
        QTest::newRow("GiB") << 9.4 * kGiB << "9.4 GiB";
        QTest::newRow("tens") << 48.2 * kGiB << "48 GiB";
        QTest::newRow("thousands") << 1500.0 * kGiB << "1.5 TiB";
        QTest::newRow("PiB") << 2048.0 * 1024 * kGiB << "2 PiB";
    }
    void memoryTextIsHuman() {
        QFETCH(double, bytes);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(memoryText(bytes)), text);
    }

    // Four groups of ten million phones, each attached to a gateway: estimated, never built.
    void fourGroupsOfTenMillionNodesEstimated() {
        NetworkSpec s;
        s.nodes = {node("gw")};
        for (int g = 0; g < 4; ++g)
            s.groups.push_back(group("g" + std::to_string(g), 10'000'000, "gw"));
        const auto needs = Network::estimateMemory(s);
        const MemoryNeed* n = needAt(needs, "/network/groups/0/count");
        QVERIFY(n != nullptr);
        QCOMPARE(QString::fromStdString(n->what), QString("40,000,001 nodes and 40,000,000 links"));
        // Measured: 6.0 GB of peak resident memory to build it; the estimate is a little more.
        QVERIFY2(n->bytes > 5.5 * kGiB && n->bytes < 7.5 * kGiB,
                 qPrintable(QString::number(n->bytes)));
        // Without links, a tenth of a kilobyte a node or less (measured: 1.45 GB for all).
        s.groups = {group("a", 10'000'000), group("b", 10'000'000), group("c", 10'000'000),
                    group("d", 10'000'000)};
        const auto bareNeeds = Network::estimateMemory(s);
        const MemoryNeed* bare = needAt(bareNeeds, "/network/groups/0/count");
        QVERIFY(bare != nullptr);
        QVERIFY(bare->bytes > 1.2 * kGiB && bare->bytes < 2 * kGiB);
    }

    void generatedLinksAreExpectedFromTheirParameters_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("members");
        QTest::addColumn<double>("links");
        QTest::addColumn<QString>("pointer");
        using K = TopologySpec::Kind;
        QTest::newRow("full mesh") << int(K::FullMesh) << 1000.0 << 499500.0 << "members";
        QTest::newRow("ring") << int(K::Ring) << 1000.0 << 1000.0 << "members";
        QTest::newRow("erdos-renyi") << int(K::ErdosRenyi) << 1000.0 << 4995.0 << "p";
        QTest::newRow("barabasi-albert") << int(K::BarabasiAlbert) << 1000.0 << 1997.0 << "m";
        QTest::newRow("waxman, huge beta") << int(K::Waxman) << 100000.0 << 4999950000.0 << "beta";
    }
    void generatedLinksAreExpectedFromTheirParameters() {
        QFETCH(int, kind);
        QFETCH(double, members);
        QFETCH(double, links);
        QFETCH(QString, pointer);
        TopologySpec t;
        t.kind = static_cast<TopologySpec::Kind>(kind);
        t.p = 0.01;
        t.m = 2;
        t.alpha = 1;
        t.beta = 1e6;
        QVERIFY(std::abs(Network::expectedTopologyLinks(t, members) - links) < 1e-5 * links);
        NetworkSpec s;
        s.groups = {group("peers", static_cast<std::uint32_t>(members))};
        t.members = {"peers"};
        s.topologies = {t};
        const auto needs = Network::estimateMemory(s);
        const MemoryNeed* n = needAt(needs, "/network/topologies/0/" + pointer.toStdString());
        QVERIFY(n != nullptr);
        QVERIFY(n->bytes >= links * 100);
    }

    // A nearly complete Waxman graph over a hundred thousand nodes: five billion links, refused
    // by the builder before it generates one (building the nodes takes a few megabytes).
    void waxmanHugeBetaRefused() {
        NetworkSpec s;
        s.regions = {region("r", 0, 0, 1000)};
        GroupSpec g = group("peers", 100'000);
        g.member.region = "r";
        s.groups = {g};
        TopologySpec t;
        t.kind = TopologySpec::Kind::Waxman;
        t.members = {"peers"};
        t.alpha = 1;
        t.beta = 1e6;
        s.topologies = {t};
        const auto needs = Network::estimateMemory(s);
        const MemoryNeed* n = needAt(needs, "/network/topologies/0/beta");
        QVERIFY(n != nullptr);
        QCOMPARE(QString::fromStdString(n->what),
                 QString("about 5,000,000,000 links expected from the waxman topology over "
                         "100,000 nodes (alpha 1, beta 1e+06)"));
        QVERIFY(n->bytes > 500 * kGiB);
        Simulation sim;
        auto built = Network::build(sim, s);
        QVERIFY(!built);
        QCOMPARE(QString::fromStdString(built.error().message),
                 QString("/network/topologies/0: topology 0 (waxman): at least about "
                         "5,000,000,000 links expected: too many"));
    }

    // A flow that sends more than its ends' links carry piles messages up for as long as it
    // runs: bounded from its parameters, before anything runs.
    void trafficRate1e9PileUpEstimated() {
        NetworkSpec s;
        s.nodes = {node("client"), node("server")};
        s.links = {link("client", "server", props(5 * kMillisecond, 100e6))};
        TrafficSpec f;
        f.id = "probe";
        f.from = {"client"};
        f.to = {"server"};
        f.ratePerSecond = 1e9;
        f.sizeBytes = Variate::constant(1500);
        s.traffic = {f};
        const auto needs = Network::estimateMemory(s, 60 * kSecond);
        const MemoryNeed* n = needAt(needs, "/network/traffic/0/rate");
        QVERIFY(n != nullptr);
        QVERIFY(n->whileRunning);
        QCOMPARE(QString::fromStdString(n->what),
                 QString("about 60,000,000,000 messages of traffic \"probe\" piled up in flight "
                         "by 60.000 s: it sends 12 Tbit/s, and the links of its sources and "
                         "destinations carry at most 100 Mbit/s"));
        // A flow its links can carry needs only its messages in flight: rate x latency.
        s.traffic[0].ratePerSecond = 1000;
        const auto lightNeeds = Network::estimateMemory(s, 60 * kSecond);
        const MemoryNeed* light = needAt(lightNeeds, "/network/traffic/0/rate");
        QVERIFY(light != nullptr);
        QCOMPARE(QString::fromStdString(light->what),
                 QString("about 5 messages of traffic \"probe\" in flight (1000 per second for "
                         "at least 5 ms each)"));
    }

    // The same rate behind a bottleneck in the middle of the path: nothing in the spec bounds
    // it, so the run fails when its messages in flight outgrow the budget, naming the flow.
    void trafficRate1e9FailsCleanly_data() { addQueueColumn(); }
    void trafficRate1e9FailsCleanly() {
        QFETCH(QueueKind, queue);
        const NetworkSpec s = bottleneck(1e9);
        const auto needs = Network::estimateMemory(s, 10 * kSecond);
        const MemoryNeed* n = needAt(needs, "/network/traffic/0/rate");
        QVERIFY(n != nullptr && n->bytes < 4e6);  // rate x latency: ten thousand messages
        Simulation sim(Simulation::Config{1, queue});
        sim.setMemoryBudget(16 << 20);
        auto net = buildOk(sim, s);
        QVERIFY(net);
        QString message;
        try {
            sim.runUntil(10 * kSecond);
        } catch (const MemoryExhausted& e) {
            message = e.what();
        }
        QVERIFY2(message.startsWith("/network/traffic/0 (\"flood\"): at t="), qPrintable(message));
        QVERIFY2(message.contains(" messages are in flight, ") &&
                     message.contains(" of them this flow's (1e+09 per second); with ") &&
                     message.endsWith("would take more than the 16 MiB of memory left to the run"),
                 qPrintable(message));
        // It stopped at the budget: the pool and the queue hold at most about what it allows.
        QVERIFY(sim.memoryTaken() + sim.queueMemoryBytes() <= (16u << 20) + (1u << 20));
        QVERIFY(net->inFlight() > 50'000);
        QVERIFY(sim.now() < kMillisecond);
    }

    // A queue that only grows, with no network: the kernel itself fails the run.
    void eventQueueOutgrowingItsBudgetFailsCleanly_data() { addQueueColumn(); }
    void eventQueueOutgrowingItsBudgetFailsCleanly() {
        QFETCH(QueueKind, queue);
        Simulation sim(Simulation::Config{1, queue});
        sim.setMemoryBudget(16 << 20);
        Spawner spawner;
        spawner.kind = sim.registerKind<&Spawner::onEvent>("test.spawn", spawner);
        sim.scheduleAt(0, 0, spawner.kind);
        QString message;
        try {
            sim.run();
        } catch (const MemoryExhausted& e) {
            message = e.what();
        }
        QVERIFY2(message.startsWith("the event queue: at t=") &&
                     message.contains(" events are pending (") &&
                     message.contains("the event running: \"test.spawn\"") &&
                     message.endsWith("more than the 16 MiB of memory left to the run"),
                 qPrintable(message));
        // Checked every few thousand events, so it may pass the budget by what those add.
        QVERIFY2(sim.queueMemoryBytes() < (24u << 20),
                 qPrintable(QString::number(sim.queueMemoryBytes())));
    }

    // Without a budget nothing is counted against anything: the default, as in benchmarks.
    void unlimitedBudgetNeverRefuses() {
        Simulation sim;
        QCOMPARE(sim.memoryBudget(), Simulation::kUnlimitedMemory);
        QVERIFY(sim.takeMemory(std::uint64_t{1} << 60));
        sim.giveBackMemory(std::uint64_t{1} << 60);
        QCOMPARE(sim.memoryTaken(), std::uint64_t{0});
        sim.setMemoryBudget(1000);
        QVERIFY(sim.takeMemory(600));
        QVERIFY(!sim.takeMemory(600));
        QCOMPARE(sim.memoryTaken(), std::uint64_t{600});
    }
};

QTEST_APPLESS_MAIN(TestNetworkMemory)
#include "tst_network_memory.moc"
