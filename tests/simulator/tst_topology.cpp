// Topology generators: the structure each one promises (link counts, degrees, depth), their
// statistics against theory (Erdos-Renyi degrees, Barabasi-Albert tails, Waxman's distance
// law), joining components, and the "regions" backbone with its latency matrix.
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "network_test_util.h"

using namespace dais::sim;
using namespace nettest;

namespace {

constexpr SimTime ms = kMillisecond;

/// n explicit nodes "n0".."n<n-1>" (optionally in one region) and one generator over them all.
NetworkSpec generated(std::size_t n, TopologySpec t, bool inRegion = false) {
    NetworkSpec s;
    if (inRegion) s.regions = {region("disc", 0, 0, 500)};
    for (std::size_t i = 0; i < n; ++i)
        s.nodes.push_back(node("n" + std::to_string(i), inRegion ? "disc" : ""));
    s.topologies = {std::move(t)};
    return s;
}

TopologySpec topology(TopologySpec::Kind kind) {
    TopologySpec t;
    t.kind = kind;
    t.link = props(1 * ms);
    return t;
}

std::vector<std::uint32_t> degrees(const Network& net) {
    std::vector<std::uint32_t> d(net.nodeCount());
    for (NodeIndex i = 0; i < net.nodeCount(); ++i)
        d[i] = net.degree(i);
    return d;
}

/// True if no link joins a node to itself and no pair is linked twice.
bool simpleGraph(const Network& net) {
    std::vector<std::uint64_t> pairs;
    pairs.reserve(net.linkCount());
    for (LinkIndex l = 0; l < net.linkCount(); ++l) {
        const LinkView v = net.link(l);
        if (v.a == v.b) return false;
        pairs.push_back((std::uint64_t(std::min(v.a, v.b)) << 32) | std::max(v.a, v.b));
    }
    std::sort(pairs.begin(), pairs.end());
    return std::adjacent_find(pairs.begin(), pairs.end()) == pairs.end();
}

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

class TestTopology : public QObject {
    Q_OBJECT

  private slots:
    void fullMesh() {
        Simulation sim;
        auto net = buildOk(sim, generated(20, topology(TopologySpec::Kind::FullMesh)));
        QCOMPARE(net->linkCount(), std::size_t(20 * 19 / 2));
        for (auto d : degrees(*net))
            QCOMPARE(d, 19u);
        QVERIFY(simpleGraph(*net));
    }

    void ring_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("links");
        QTest::newRow("1") << 1 << 0;
        QTest::newRow("2") << 2 << 1;
        QTest::newRow("3") << 3 << 3;
        QTest::newRow("50") << 50 << 50;
    }
    void ring() {
        QFETCH(int, n);
        QFETCH(int, links);
        Simulation sim;
        auto net = buildOk(sim, generated(std::size_t(n), topology(TopologySpec::Kind::Ring)));
        QCOMPARE(net->linkCount(), std::size_t(links));
        QCOMPARE(components(*net), std::size_t(1));
        if (n >= 3)
            for (auto d : degrees(*net))
                QCOMPARE(d, 2u);
    }

    void star() {
        Simulation sim;
        TopologySpec t = topology(TopologySpec::Kind::Star);
        t.hub = "n5";
        auto net = buildOk(sim, generated(30, t));
        QCOMPARE(net->linkCount(), std::size_t(29));
        QCOMPARE(net->degree(5), 29u);
        for (NodeIndex i = 0; i < 30; ++i)
            if (i != 5) QCOMPARE(net->degree(i), 1u);
        // Default hub: the first member; a hub outside the members links to all of them.
        Simulation sim2;
        auto net2 = buildOk(sim2, generated(10, topology(TopologySpec::Kind::Star)));
        QCOMPARE(net2->degree(0), 9u);
        NetworkSpec s = generated(10, topology(TopologySpec::Kind::Star));
        s.topologies[0].members = {"n1", "n2", "n3"};
        s.topologies[0].hub = "n9";
        Simulation sim3;
        auto net3 = buildOk(sim3, s);
        QCOMPARE(net3->linkCount(), std::size_t(3));
        QCOMPARE(net3->degree(9), 3u);
    }

    void tree_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("arity");
        QTest::addColumn<int>("depth");
        // depth = the smallest d with 1 + k + ... + k^d >= n
        QTest::newRow("1000 ternary") << 1000 << 3 << 6;
        QTest::newRow("1023 binary") << 1023 << 2 << 9;
        QTest::newRow("1024 binary") << 1024 << 2 << 10;
        QTest::newRow("10 chain") << 10 << 1 << 9;
    }
    void tree() {
        QFETCH(int, n);
        QFETCH(int, arity);
        QFETCH(int, depth);
        Simulation sim;
        TopologySpec t = topology(TopologySpec::Kind::Tree);
        t.arity = std::uint32_t(arity);
        auto net = buildOk(sim, generated(std::size_t(n), t));
        QCOMPARE(net->linkCount(), std::size_t(n - 1));
        QCOMPARE(components(*net), std::size_t(1));
        // Breadth-first depths from the root (node 0).
        std::vector<int> level(std::size_t(n), -1);
        std::vector<NodeIndex> queue{0};
        level[0] = 0;
        for (std::size_t k = 0; k < queue.size(); ++k)
            for (const Adjacent& a : net->adjacency(queue[k]))
                if (level[a.node] < 0) {
                    level[a.node] = level[queue[k]] + 1;
                    queue.push_back(a.node);
                }
        QCOMPARE(*std::max_element(level.begin(), level.end()), depth);
        for (NodeIndex i = 0; i < NodeIndex(n); ++i)
            QVERIFY(net->degree(i) <= std::uint32_t(arity) + (i == 0 ? 0 : 1));
    }

    void erdosRenyi_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("p");
        QTest::newRow("2000, 0.005") << 2000 << 0.005;
        QTest::newRow("300, 0.5") << 300 << 0.5;
        QTest::newRow("100000, 1e-4") << 100000 << 1e-4;
    }
    void erdosRenyi() {
        QFETCH(int, n);
        QFETCH(double, p);
        Simulation sim({17});
        TopologySpec t = topology(TopologySpec::Kind::ErdosRenyi);
        t.p = p;
        t.ensureConnected = false;
        NetworkSpec s = generated(std::size_t(n), t);
        const auto t0 = std::chrono::steady_clock::now();
        auto net = buildOk(sim, s);
        const double took = seconds(t0);
        QVERIFY(simpleGraph(*net));
        // The link count is Binomial(N = n(n-1)/2, p) exactly, so the mean degree 2M/n has
        // mean (n-1)p and sd 2 sqrt(N p (1-p)) / n. Four sd: a false alarm about once in 16,000.
        const double N = double(n) * (n - 1) / 2;
        const double meanDegree = 2.0 * double(net->linkCount()) / n;
        const double sd = 2.0 * std::sqrt(N * p * (1 - p)) / n;
        QVERIFY2(std::abs(meanDegree - (n - 1) * p) < 4 * sd,
                 qPrintable(QString("mean degree %1, expected %2 +- %3")
                                .arg(meanDegree)
                                .arg((n - 1) * p)
                                .arg(sd)));
        // Degrees are Binomial(n-1, p): variance (n-1)p(1-p). The sample variance of n nearly
        // independent degrees has a relative SE of about sqrt(2/n) (3% at n = 2000): allow 6 SE.
        const auto d = degrees(*net);
        double m = 0, v = 0;
        for (auto x : d)
            m += x;
        m /= n;
        for (auto x : d)
            v += (x - m) * (x - m);
        v /= (n - 1);
        const double var = (n - 1) * p * (1 - p);
        QVERIFY2(std::abs(v / var - 1) < 6 * std::sqrt(2.0 / n),
                 qPrintable(QString("variance %1 vs %2").arg(v).arg(var)));
        qInfo("G(%d, %g): %zu links in %.3f s (build of the whole network)", n, p, net->linkCount(),
              took);
    }

    void erdosRenyiEnsureConnected() {
        TopologySpec t = topology(TopologySpec::Kind::ErdosRenyi);
        t.p = 0.0005;  // mean degree ~1: many components
        t.ensureConnected = false;
        Simulation a({3});
        auto loose = buildOk(a, generated(2000, t));
        const std::size_t comps = components(*loose);
        QVERIFY(comps > 100);
        t.ensureConnected = true;
        Simulation b({3});
        auto joined = buildOk(b, generated(2000, t));
        QCOMPARE(components(*joined), std::size_t(1));
        // Same draws for G(n, p), then exactly one link per extra component.
        QCOMPARE(joined->linkCount(), loose->linkCount() + comps - 1);
        QVERIFY(simpleGraph(*joined));
    }

    void barabasiAlbert() {
        Simulation sim({5});
        TopologySpec t = topology(TopologySpec::Kind::BarabasiAlbert);
        t.m = 2;
        const int n = 10000;
        auto net = buildOk(sim, generated(n, t));
        // A clique of m+1 = 3 nodes (3 links), then m links for each of the other n - 3.
        QCOMPARE(net->linkCount(), std::size_t(3 + (n - 3) * 2));
        QVERIFY(simpleGraph(*net));
        QCOMPARE(components(*net), std::size_t(1));
        const auto d = degrees(*net);
        QCOMPARE(*std::min_element(d.begin(), d.end()), 2u);
        const auto maxDegree = *std::max_element(d.begin(), d.end());
        // Heavy tail: the largest degree of a BA graph grows like m sqrt(n) (about 200 here;
        // Barabasi and Albert 1999, Dorogovtsev et al. 2000), while in a Poisson graph with the
        // same mean degree 4 the chance that any of 10^4 nodes reaches 50 is below 1e-25.
        QVERIFY2(maxDegree >= 50, qPrintable(QString::number(maxDegree)));
        // P(k) = 2m(m+1) / (k(k+1)(k+2)): half the nodes have degree m (finite n: allow 0.42-0.58).
        const double atM = double(std::count(d.begin(), d.end(), 2u)) / n;
        QVERIFY2(atM > 0.42 && atM < 0.58, qPrintable(QString::number(atM)));
        qInfo("BA n=%d m=2: max degree %u, %.3f of nodes at degree m", n, maxDegree, atM);

        Simulation sim1;
        t.m = 1;
        auto tree = buildOk(sim1, generated(1000, t));
        QCOMPARE(tree->linkCount(), std::size_t(999));
        QCOMPARE(components(*tree), std::size_t(1));
    }

    void waxmanDistanceLaw() {
        // 3000 nodes uniform in a disc of radius 500 km; every pair is linked with probability
        // alpha exp(-d / (beta L)). Per distance bin, the number of links is a sum of
        // independent Bernoulli(p_ij): its mean and variance are computed exactly over all
        // 4.5 million pairs, and the count must lie within 5 sd (10 bins: a false alarm about
        // once in 10^5 runs).
        const int n = 3000;
        const double alpha = 0.4, beta = 0.1;
        TopologySpec t = topology(TopologySpec::Kind::Waxman);
        t.alpha = alpha;
        t.beta = beta;
        t.ensureConnected = false;
        Simulation sim({23});
        const auto t0 = std::chrono::steady_clock::now();
        auto net = buildOk(sim, generated(std::size_t(n), t, true));
        const double took = seconds(t0);
        QVERIFY(simpleGraph(*net));
        double L = 0;
        for (NodeIndex i = 0; i < NodeIndex(n); ++i)
            for (NodeIndex j = i + 1; j < NodeIndex(n); ++j)
                L = std::max(L, std::hypot(net->x(i) - net->x(j), net->y(i) - net->y(j)));
        constexpr int bins = 10;
        auto binOf = [&](double d) { return std::min(bins - 1, int(d / L * bins)); };
        std::vector<double> expected(bins, 0), variance(bins, 0), pairs(bins, 0), observed(bins, 0);
        for (NodeIndex i = 0; i < NodeIndex(n); ++i)
            for (NodeIndex j = i + 1; j < NodeIndex(n); ++j) {
                const double d = std::hypot(net->x(i) - net->x(j), net->y(i) - net->y(j));
                const double p = alpha * std::exp(-d / (beta * L));
                const int b = binOf(d);
                expected[b] += p;
                variance[b] += p * (1 - p);
                pairs[b] += 1;
            }
        for (LinkIndex l = 0; l < net->linkCount(); ++l) {
            const LinkView v = net->link(l);
            observed[binOf(std::hypot(net->x(v.a) - net->x(v.b), net->y(v.a) - net->y(v.b)))] += 1;
        }
        for (int b = 0; b < bins; ++b)
            QVERIFY2(std::abs(observed[b] - expected[b]) <= 5 * std::sqrt(variance[b]) + 1,
                     qPrintable(QString("bin %1: %2 links, expected %3 +- %4")
                                    .arg(b)
                                    .arg(observed[b])
                                    .arg(expected[b])
                                    .arg(std::sqrt(variance[b]))));
        // Short links are far more likely than long ones.
        QVERIFY(observed[0] / pairs[0] > 10 * (observed[5] + 1) / pairs[5]);
        qInfo(
            "Waxman n=%d: %zu links in %.3f s; link probability %.4f in the shortest bin, %.2g at "
            "L/2",
            n, net->linkCount(), took, observed[0] / pairs[0], observed[5] / pairs[5]);
    }

    void waxmanLargeAndConnected() {
        // 100,000 nodes: the grid keeps this far from the 5e9 pair tests of the naive method.
        TopologySpec t = topology(TopologySpec::Kind::Waxman);
        t.alpha = 0.05;
        t.beta = 0.02;
        t.ensureConnected = true;
        Simulation sim({29});
        const auto t0 = std::chrono::steady_clock::now();
        auto net = buildOk(sim, generated(100000, t, true));
        const double took = seconds(t0);
        QCOMPARE(components(*net), std::size_t(1));
        QVERIFY(simpleGraph(*net));
        qInfo("Waxman n=100000: %zu links, connected, in %.2f s", net->linkCount(), took);
        QVERIFY(took < 20);
    }

    void waxmanEnsureConnected() {
        TopologySpec t = topology(TopologySpec::Kind::Waxman);
        t.alpha = 0.01;
        t.beta = 0.05;
        t.ensureConnected = false;
        Simulation a({2});
        auto loose = buildOk(a, generated(500, t, true));
        QVERIFY(components(*loose) > 50);
        t.ensureConnected = true;
        Simulation b({2});
        auto joined = buildOk(b, generated(500, t, true));
        QCOMPARE(components(*joined), std::size_t(1));
        QCOMPARE(joined->linkCount(), loose->linkCount() + components(*loose) - 1);
    }

    void generatorsAreDeterministic() {
        TopologySpec t = topology(TopologySpec::Kind::ErdosRenyi);
        t.p = 0.01;
        auto links = [&](std::uint64_t seed) {
            Simulation sim({seed});
            auto net = buildOk(sim, generated(500, t));
            std::vector<std::pair<NodeIndex, NodeIndex>> out;
            for (LinkIndex l = 0; l < net->linkCount(); ++l)
                out.emplace_back(net->link(l).a, net->link(l).b);
            return out;
        };
        QCOMPARE(links(1), links(1));
        QVERIFY(links(1) != links(2));
    }

    void membersMixNodesAndGroups() {
        NetworkSpec s;
        s.nodes = {node("a"), node("b")};
        GroupSpec g;
        g.id = "g";
        g.count = 5;
        s.groups = {g};
        TopologySpec t = topology(TopologySpec::Kind::Ring);
        t.members = {"a", "g", "a", "g[2]"};  // repeats count once
        s.topologies = {t};
        Simulation sim;
        auto net = buildOk(sim, s);
        QCOMPARE(net->linkCount(), std::size_t(6));
        QCOMPARE(net->degree(1), 0u);  // b is not a member
        QCOMPARE(net->degree(net->findNode("g[2]")), 2u);
    }

    void regionsBackbone_data() { addQueueColumn(); }
    void regionsBackbone() {
        QFETCH(QueueKind, queue);
        NetworkSpec s;
        s.regions = {region("eu", 0, 0, 100), region("us", 5000, 0, 100),
                     region("asia", 10000, 0, 100)};
        s.nodes = {node("us.gw", "us")};  // an existing gateway is used, not duplicated
        for (const char* r : {"eu", "us", "asia"}) {
            GroupSpec g;
            g.id = std::string(r) + "-phones";
            g.count = 50;
            g.member.region = r;
            s.groups.push_back(g);
        }
        TopologySpec t = topology(TopologySpec::Kind::Regions);
        t.link = props(1 * ms, 100e6);
        t.regionOrder = {"eu", "us", "asia"};
        t.latencyMatrix = {{0, 40 * ms, 90 * ms}, {40 * ms, 0, 60 * ms}, {90 * ms, 60 * ms, 0}};
        t.interBandwidthBps = 10e9;
        s.topologies = {t};
        Simulation sim({1, queue});
        auto net = buildOk(sim, s);
        QVERIFY(net);
        QCOMPARE(net->nodeCount(), std::size_t(1 + 2 + 150));
        QCOMPARE(net->linkCount(), std::size_t(150 + 3));
        const NodeIndex eu = net->findNode("eu.gw"), us = net->findNode("us.gw"),
                        asia = net->findNode("asia.gw");
        QVERIFY(eu != kNone && asia != kNone);
        QCOMPARE(us, NodeIndex(0));
        QCOMPARE(net->node(eu).role, std::string_view("gateway"));
        QCOMPARE(net->node(asia).region, std::string_view("asia"));
        QCOMPARE(net->x(asia), 10000.0);
        QCOMPARE(net->degree(eu), 52u);
        for (GroupIndex g = 0; g < 3; ++g) {
            const NodeIndex gw = g == 0 ? eu : g == 1 ? us : asia;
            for (std::uint32_t k = 0; k < 50; ++k) {
                const NodeIndex v = net->group(g).first + k;
                QCOMPARE(net->degree(v), 1u);
                QCOMPARE(net->adjacency(v)[0].node, gw);
            }
        }
        auto latencyBetween = [&](NodeIndex a, NodeIndex b) {
            for (const Adjacent& adj : net->adjacency(a))
                if (adj.node == b) return net->link(adj.link).meanLatency;
            return SimTime(-1);
        };
        QCOMPARE(latencyBetween(eu, us), 40 * ms);
        QCOMPARE(latencyBetween(us, asia), 60 * ms);
        QCOMPARE(latencyBetween(eu, asia), 90 * ms);
        QCOMPARE(net->link(net->adjacency(eu)[0].link).props->bandwidthBps, 100e6);
        // eu phone -> asia phone: direct 90 ms beats 40 + 60 via us.
        Sink sink;
        sink.attach(*net);
        Sender tx;
        tx.add(0, net->group(0).first, net->group(2).first + 7, 1250);  // 100 us per access link
        tx.start(sim, *net, sink.port);
        sim.run();
        QCOMPARE(sink.got.size(), std::size_t(1));
        QCOMPARE(sink.got[0].hops, 3u);
        QCOMPARE(sink.got[0].now, 2 * (1 * ms + 100 * kMicrosecond) + 90 * ms + 1 * kMicrosecond);
    }
};

QTEST_GUILESS_MAIN(TestTopology)
#include "tst_topology.moc"
