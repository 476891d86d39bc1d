// The gossip layer's behaviour: reproducible runs, every copy accounted for, crashed nodes,
// TTL, network neighbours, rumours cut by the horizon, and the messages a user gets for bad
// parameters. Every test that runs a simulation runs under both event queues.
#include <QtTest>

#include <cmath>
#include <string>

#include "dais/core/layer.h"
#include "gossip_test_util.h"

using namespace dais;
using namespace gossiptest;

Q_DECLARE_METATYPE(dais::sim::QueueKind)

namespace {

/// Runs a scenario within a memory limit, whatever becomes of the run.
core::RunReport runWithin(const nlohmann::json& doc, std::uint64_t limit,
                          sim::QueueKind queue = sim::QueueKind::Ladder) {
    auto s = load(doc);
    if (!s) qFatal("%s", s.error().message.c_str());
    core::RunOptions o;
    o.queue = queue;
    o.memoryLimit = core::MemoryLimit{limit, "allowed by DAIS_MEMORY_LIMIT"};
    auto prepared = core::ScenarioRun::prepare(*s, o);
    if (!prepared) qFatal("%s", prepared.error().message.c_str());
    return (*prepared)->run();
}

void addQueues() {
    QTest::addColumn<sim::QueueKind>("queue");
    QTest::newRow("heap") << sim::QueueKind::Heap;
    QTest::newRow("ladder") << sim::QueueKind::Ladder;
}

/// 300 peers behind jittery, lossy access links, rumour mongering: every code path of the
/// layer (first receipts, duplicates, the coin, losses) runs, with random link latencies.
nlohmann::json lossyScenario() {
    nlohmann::json doc = starScenario(300, {{"role", "peer"},
                                            {"fanout", 2.5},
                                            {"mode", "mongering"},
                                            {"stop_k", 3},
                                            {"rumour_rate", 20},
                                            {"rumours", 40}});
    doc["network"]["groups"][0]["access"] = {
        {"latency", {{"dist", "lognormal"}, {"median", "20ms"}, {"sigma", 0.5}}},
        {"bandwidth", "50Mbps"},
        {"loss", 0.02}};
    return doc;
}

double value(const core::RunReport& r, const char* name) {
    return metric(r, name).value;
}

/// Every gossip metric of two runs, bit for bit.
void compareGossipMetrics(const core::RunReport& a, const core::RunReport& b) {
    int compared = 0;
    for (const core::MetricReport& x : a.metrics) {
        if (!x.name.starts_with("gossip.")) continue;
        const core::MetricReport& y = metric(b, x.name.c_str());
        QCOMPARE(x.value, y.value);
        QCOMPARE(x.count, y.count);
        QCOMPARE(x.stddev, y.stddev);
        QCOMPARE(x.min, y.min);
        QCOMPARE(x.max, y.max);
        QCOMPARE(x.p99, y.p99);
        ++compared;
    }
    QCOMPARE(compared, 18);
}

}  // namespace

class TestGossip : public QObject {
    Q_OBJECT

  private slots:
    void descriptorIsValid() {
        const core::LayerFactory f = layers::gossip::factory();
        QCOMPARE(core::checkDescriptor(f.descriptor), std::vector<std::string>{});
        QCOMPARE(f.descriptor.id, std::string("gossip"));
        QCOMPARE(f.descriptor.params.size(), std::size_t(10));
        QCOMPARE(f.descriptor.metrics.size(), std::size_t(18));
    }

    void sameSeedSameRun_data() { addQueues(); }
    void sameSeedSameRun() {
        QFETCH(sim::QueueKind, queue);
        const auto other =
            queue == sim::QueueKind::Heap ? sim::QueueKind::Ladder : sim::QueueKind::Heap;
        const core::RunReport a = run(lossyScenario(), queue);
        QVERIFY(value(a, "gossip.duplicates") > 0);
        QVERIFY(value(a, "gossip.messages.lost") > 0);
        // The other queue, and this queue again: the same events, the same metrics.
        for (const core::RunReport& b :
             {run(lossyScenario(), other), run(lossyScenario(), queue)}) {
            QCOMPARE(b.fingerprint, a.fingerprint);
            QCOMPARE(b.events, a.events);
            compareGossipMetrics(a, b);
        }
        // Another seed: another run.
        const core::RunReport c = run(lossyScenario(), queue, 2);
        QVERIFY(c.fingerprint != a.fingerprint);
        QVERIFY(metric(c, "gossip.coverage").mean != metric(a, "gossip.coverage").mean);
    }

    // Random streams are per (node, purpose), so a node's choices depend only on its own
    // history. In mode "once" a node draws its peers once per rumour it hears, in the order it
    // hears them; with rumours far apart in time (1,000 s on average) that order is the
    // rumours' order whatever the links' latencies. So slower, jittery links change when
    // peers hear a rumour but not who: coverage and traffic stay the same to the bit. (With
    // one stream shared by all nodes, any change of timing would reshuffle every choice.)
    void whoHearsDoesNotDependOnTiming_data() { addQueues(); }
    void whoHearsDoesNotDependOnTiming() {
        QFETCH(sim::QueueKind, queue);
        nlohmann::json fast = starScenario(
            400, {{"role", "peer"}, {"fanout", 2.5}, {"rumour_rate", 0.001}, {"rumours", 20}});
        nlohmann::json slow = fast;
        slow["network"]["groups"][0]["access"]["latency"] = {
            {"dist", "uniform"}, {"min", "1ms"}, {"max", "40ms"}};
        const core::RunReport a = run(fast, queue);
        const core::RunReport b = run(slow, queue);
        QVERIFY(metric(a, "gossip.delay").mean != metric(b, "gossip.delay").mean);
        for (const char* name : {"gossip.coverage", "gossip.traffic"}) {
            QCOMPARE(metric(a, name).mean, metric(b, name).mean);
            QCOMPARE(metric(a, name).min, metric(b, name).min);
            QCOMPARE(metric(a, name).max, metric(b, name).max);
        }
        QCOMPARE(value(a, "gossip.duplicates"), value(b, "gossip.duplicates"));
        QVERIFY(metric(a, "gossip.coverage").min != metric(a, "gossip.coverage").max);
    }

    // With stop_k = 1 every unnecessary push stops at once: rumour mongering is then
    // infect-and-die, event for event.
    void mongeringWithKOneIsOnce_data() { addQueues(); }
    void mongeringWithKOneIsOnce() {
        QFETCH(sim::QueueKind, queue);
        nlohmann::json once = lossyScenario();
        once["layers"]["gossip"]["mode"] = "once";
        nlohmann::json mongering = lossyScenario();
        mongering["layers"]["gossip"]["stop_k"] = 1;
        const core::RunReport a = run(once, queue);
        const core::RunReport b = run(mongering, queue);
        QCOMPARE(b.fingerprint, a.fingerprint);
        compareGossipMetrics(a, b);
    }

    // The canvas follows one rumour at a time: its origin, the nodes it informs, those that
    // stop pushing it (mongering), all cleared when it ends; then the next rumour to start.
    // Who sends how many copies is a node metric that adds up to the copies sent.
    void canvasFollowsOneRumourAtATime() {
        auto s = load(lossyScenario());
        QVERIFY(s.ok());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(run.ok());
        struct Recorder final : sim::ActivitySink {
            std::vector<std::pair<sim::NodeIndex, sim::NodeStateCode>> states;
            void onNodeState(sim::SimTime, sim::NodeIndex node, sim::ActivitySource source,
                             sim::NodeStateCode state) override {
                QCOMPARE(source, sim::ActivitySource{1});
                states.emplace_back(node, state);
            }
        } rec;
        (*run)->network().addActivitySink(&rec);
        const core::RunReport r = (*run)->run();
        QCOMPARE(r.status, core::RunStatus::Completed);
        const core::LayerFactory factory = layers::gossip::factory();
        const core::LayerDescriptor& d = factory.descriptor;
        const sim::NodeStateCode origin = d.nodeState("origin"), informed = d.nodeState("informed"),
                                 stopped = d.nodeState("stopped");
        std::vector<sim::NodeStateCode> now((*run)->network().nodeCount(), sim::kNoNodeState);
        int followed = 0, stops = 0;
        std::size_t shown = 0;  // nodes showing the rumour followed
        for (const auto& [node, state] : rec.states) {
            if (state == origin) {
                QCOMPARE(shown, std::size_t{0});  // one rumour at a time
                ++followed;
            }
            if (state == informed) QCOMPARE(now[node], sim::kNoNodeState);  // heard it first now
            if (state == stopped) {
                QVERIFY(now[node] != sim::kNoNodeState);  // stops what it heard
                ++stops;
            }
            if (state != sim::kNoNodeState && now[node] == sim::kNoNodeState) ++shown;
            if (state == sim::kNoNodeState && now[node] != sim::kNoNodeState) --shown;
            now[node] = state;
        }
        QCOMPARE(shown, std::size_t{0});  // every rumour ended, and its states with it
        QVERIFY(followed >= 2);
        QVERIFY(stops > 0);
        QCOMPARE(value(r, "gossip.node_sent"), value(r, "gossip.messages.sent"));
        const core::MetricReport& perNode = metric(r, "gossip.node_sent");
        QVERIFY(perNode.max > perNode.min);
    }

    void everyCopyIsAccountedFor_data() { addQueues(); }
    void everyCopyIsAccountedFor() {
        QFETCH(sim::QueueKind, queue);
        const core::RunReport r = run(lossyScenario(), queue);
        const double started = value(r, "gossip.rumours.started");
        QCOMPARE(started + value(r, "gossip.rumours.skipped"), 40.0);
        QCOMPARE(value(r, "gossip.rumours.finished"), started);
        QCOMPARE(value(r, "gossip.rumours.unfinished"), 0.0);
        // A copy is a first receipt, a duplicate or lost.
        const core::MetricReport& delay = metric(r, "gossip.delay");
        QCOMPARE(
            value(r, "gossip.messages.sent"),
            double(delay.count) + value(r, "gossip.duplicates") + value(r, "gossip.messages.lost"));
        QCOMPARE(value(r, "gossip.messages.lost"), value(r, "net.messages.lost"));
        QCOMPARE(value(r, "gossip.messages.sent"), value(r, "net.messages.sent"));
        // Coverage counts the origin and the first receipts.
        const core::MetricReport& coverage = metric(r, "gossip.coverage");
        QCOMPARE(std::round(coverage.mean * 300 * double(coverage.count)),
                 double(coverage.count + delay.count));
        QCOMPARE(metric(r, "gossip.hops").count, delay.count);
        QVERIFY(metric(r, "gossip.hops").min >= 1);
    }

    // A crashed node cannot hear, forward or start a rumour. With a fanout this large nearly
    // every rumour reaches every live peer, and never one that is down.
    void crashedNodesAreNeverReached_data() { addQueues(); }
    void crashedNodesAreNeverReached() {
        QFETCH(sim::QueueKind, queue);
        nlohmann::json doc = starScenario(
            500, {{"role", "peer"}, {"fanout", 12}, {"rumour_rate", 20}, {"rumours", 60}});
        doc["network"]["groups"].push_back(
            {{"id", "down"}, {"count", 100}, {"role", "peer"}, {"attach", "hub"}});
        doc["network"]["faults"] = {{{"at", "0s"}, {"kind", "crash"}, {"targets", {"down"}}}};
        const core::RunReport r = run(doc, queue);
        const core::MetricReport& coverage = metric(r, "gossip.coverage");
        QCOMPARE(coverage.max, 500.0 / 600.0);
        QVERIFY(coverage.min > 0.8);
        QVERIFY(value(r, "gossip.rumours.skipped") > 0);  // arrivals drawn among the crashed
        QCOMPARE(value(r, "gossip.rumours.started") + value(r, "gossip.rumours.skipped"), 60.0);
        QCOMPARE(value(r, "gossip.rumours.complete"), 0.0);
        QVERIFY(value(r, "gossip.messages.lost") > 0);
        QCOMPARE(value(r, "gossip.messages.lost"), value(r, "net.messages.lost.down"));
        // Of the live peers, nearly every rumour reaches every one.
        const core::MetricReport& up = metric(r, "gossip.coverage_up");
        QCOMPARE(up.count, coverage.count);
        QCOMPARE(up.max, 1.0);
        QVERIFY(std::abs(up.mean - coverage.mean * 600 / 500) < 1e-12);
    }

    // Peers that crash while rumours spread, and come back: the coverage of the live peers
    // follows them. A rumour that a crashed peer knew counts that peer again when it recovers,
    // and never more peers than are up.
    void liveCoverageFollowsCrashesAndRecoveries_data() { addQueues(); }
    void liveCoverageFollowsCrashesAndRecoveries() {
        QFETCH(sim::QueueKind, queue);
        // Access links of 50 ms: each rumour spreads for a few hundred milliseconds, so many
        // are under way when the group crashes, and when it recovers.
        nlohmann::json doc = starScenario(
            300, {{"role", "peer"}, {"fanout", 4}, {"rumour_rate", 40}, {"rumours", 200}});
        doc["network"]["groups"][0]["access"]["latency"] = "50ms";
        doc["network"]["groups"].push_back({{"id", "flaky"},
                                            {"count", 100},
                                            {"role", "peer"},
                                            {"attach", "hub"},
                                            {"access", {{"latency", "50ms"}}}});
        doc["network"]["faults"] = {
            {{"at", "1.03s"}, {"kind", "crash"}, {"targets", {"flaky"}}, {"duration", "2.01s"}}};
        const core::RunReport r = run(doc, queue);
        const core::MetricReport& all = metric(r, "gossip.coverage");
        const core::MetricReport& up = metric(r, "gossip.coverage_up");
        QCOMPARE(up.count, all.count);
        QVERIFY(up.count > 150);
        QVERIFY(up.max <= 1.0);
        QVERIFY(up.min > 0);
        // While the group is down, rumours reach at most the 300 live peers, 75% of all; their
        // live coverage is then above their coverage of all.
        QVERIFY(all.min <= 0.75);
        QVERIFY(up.mean > all.mean);
        QCOMPARE(run(doc, queue).fingerprint, r.fingerprint);
    }

    void ttlLimitsTheHops_data() {
        QTest::addColumn<sim::QueueKind>("queue");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<double>("fanout");
        QTest::addColumn<int>("ttl");
        QTest::addColumn<int>("most");   // most nodes a rumour can reach, its origin included
        QTest::addColumn<int>("least");  // least, on this ideal network
        for (auto q : {sim::QueueKind::Heap, sim::QueueKind::Ladder}) {
            const char* qn = q == sim::QueueKind::Heap ? "heap" : "ladder";
            // Peers are distinct: ttl 1 reaches exactly the fanout.
            QTest::addRow("%s once ttl=1 f=3", qn) << q << "once" << 3.0 << 1 << 4 << 4;
            QTest::addRow("%s once ttl=1 f=2.5", qn) << q << "once" << 2.5 << 1 << 4 << 3;
            QTest::addRow("%s mongering ttl=1 f=3", qn) << q << "mongering" << 3.0 << 1 << 4 << 4;
            QTest::addRow("%s once ttl=2 f=3", qn) << q << "once" << 3.0 << 2 << 13 << 4;
        }
    }
    void ttlLimitsTheHops() {
        QFETCH(sim::QueueKind, queue);
        QFETCH(QString, mode);
        QFETCH(double, fanout);
        QFETCH(int, ttl);
        QFETCH(int, most);
        QFETCH(int, least);
        constexpr double n = 200;
        const core::RunReport r = run(starScenario(200, {{"role", "peer"},
                                                         {"fanout", fanout},
                                                         {"mode", mode.toStdString()},
                                                         {"ttl", ttl},
                                                         {"rumour_rate", 20},
                                                         {"rumours", 50}}),
                                      queue);
        const core::MetricReport& coverage = metric(r, "gossip.coverage");
        QCOMPARE(coverage.count, quint64(50));
        QVERIFY(coverage.max <= most / n);
        QVERIFY(coverage.min >= least / n);
        QCOMPARE(metric(r, "gossip.hops").max, double(ttl));
        if (ttl == 1) {
            QCOMPARE(value(r, "gossip.ttl_expired"), double(metric(r, "gossip.delay").count));
            QCOMPARE(value(r, "gossip.duplicates"), 0.0);
        }
    }

    // Peers "neighbours": on a ring every peer has two, so fanout 2 is flooding: every rumour
    // reaches everyone, in at most half the ring's length of hops, with two copies per peer.
    void neighboursOnARing_data() { addQueues(); }
    void neighboursOnARing() {
        QFETCH(sim::QueueKind, queue);
        nlohmann::json doc = starScenario(
            101, {{"role", "peer"}, {"fanout", 2}, {"peers", "neighbours"}, {"rumours", 10}});
        doc["network"]["groups"][0].erase("attach");
        doc["network"]["groups"][0].erase("access");
        doc["network"]["topologies"] = {{{"generator", "ring"}, {"members", {"peers"}}}};
        const core::RunReport r = run(doc, queue);
        QCOMPARE(metric(r, "gossip.coverage").min, 1.0);
        QCOMPARE(value(r, "gossip.rumours.complete"), 10.0);
        QCOMPARE(metric(r, "gossip.hops").max, 50.0);
        QCOMPARE(value(r, "gossip.messages.sent"), 10.0 * 2 * 101);
        QCOMPARE(metric(r, "net.hops").max, 1.0);  // neighbours: one link per copy
    }

    // On a star the peers' only neighbour is the hub, which does not take part: a rumour
    // stays with its origin and ends at once.
    void neighboursWithoutAny_data() { addQueues(); }
    void neighboursWithoutAny() {
        QFETCH(sim::QueueKind, queue);
        const core::RunReport r = run(
            starScenario(50, {{"role", "peer"}, {"peers", "neighbours"}, {"rumours", 5}}), queue);
        QCOMPARE(value(r, "gossip.rumours.finished"), 5.0);
        QCOMPARE(metric(r, "gossip.coverage").max, 1.0 / 50);
        QCOMPARE(value(r, "gossip.messages.sent"), 0.0);
    }

    // The horizon cuts rumours short: they are reported as unfinished, and left out of the
    // per-rumour distributions.
    // The rumours table: one row per rumour, agreeing with the metrics; rumours cut by the
    // horizon are still spreading, without a time of last receipt.
    void rumoursTableAgreesWithTheMetrics_data() {
        QTest::addColumn<bool>("lossy");
        QTest::addColumn<bool>("cut");
        QTest::newRow("mongering over lossy links") << true << false;
        QTest::newRow("cut by the horizon") << false << true;
    }
    void rumoursTableAgreesWithTheMetrics() {
        QFETCH(bool, lossy);
        QFETCH(bool, cut);
        nlohmann::json doc =
            lossy ? lossyScenario()
                  : starScenario(500, {{"role", "peer"}, {"rumour_rate", 1000}, {"rumours", 1000}});
        if (cut) doc["run"]["until"] = "200ms";
        const core::RunReport r = run(doc);
        const core::InspectorTable* t = r.table("gossip.rumours");
        QVERIFY(t != nullptr);
        const core::TableSpec& spec = t->spec();
        const std::size_t rumour = *spec.column("rumour"), origin = *spec.column("origin"),
                          started = *spec.column("started"), reached = *spec.column("reached"),
                          coverage = *spec.column("coverage"), sent = *spec.column("sent"),
                          last = *spec.column("last_reached"),
                          spreading = *spec.column("spreading");
        QCOMPARE(double(t->rowCount()), value(r, "gossip.rumours.started"));
        const auto participants = static_cast<double>(lossy ? 300 : 500);
        double sentSum = 0, coverageSum = 0, finished = 0, complete = 0, unfinished = 0;
        for (std::size_t i = 0; i < t->rowCount(); ++i) {
            QCOMPARE(t->integer(i, rumour), std::int64_t(i + 1));
            QVERIFY(t->text(i, origin).starts_with("peers["));
            if (i > 0) QVERIFY(t->integer(i, started) >= t->integer(i - 1, started));
            QCOMPARE(t->number(i, coverage), t->number(i, reached) / participants);
            sentSum += t->number(i, sent);
            if (t->integer(i, spreading) != 0) {
                QVERIFY(t->isEmpty(i, last));
                ++unfinished;
                continue;
            }
            QVERIFY(!t->isEmpty(i, last));
            QVERIFY(t->integer(i, last) >= t->integer(i, started));
            ++finished;
            coverageSum += t->number(i, coverage);
            complete += t->number(i, reached) == participants;
        }
        QCOMPARE(sentSum, value(r, "gossip.messages.sent"));
        QCOMPARE(finished, value(r, "gossip.rumours.finished"));
        QCOMPARE(complete, value(r, "gossip.rumours.complete"));
        QCOMPARE(unfinished, value(r, "gossip.rumours.unfinished"));
        QCOMPARE(cut, unfinished > 0);
        const core::MetricReport& cov = metric(r, "gossip.coverage");
        QCOMPARE(double(cov.count), finished);
        QVERIFY2(std::abs(coverageSum / finished - cov.mean) < 1e-12,
                 qPrintable(QString("%1 vs %2").arg(coverageSum / finished).arg(cov.mean)));
    }

    // Looking at the table while the run goes changes nothing: the same fingerprint and
    // metrics as a run nobody looked at, and rumours under way read from their live state.
    void inspectingChangesNothing() {
        const nlohmann::json doc = lossyScenario();
        const core::RunReport plain = run(doc);
        auto s = load(doc);
        QVERIFY(s.ok());
        auto prepared = core::ScenarioRun::prepare(*s);
        QVERIFY(prepared.ok());
        core::ScenarioRun& live = **prepared;
        std::size_t spreadingSeen = 0;
        for (sim::SimTime t = 0; !live.done(); t += 50 * sim::kMillisecond) {
            live.advance(t);
            auto table = live.inspect("gossip.rumours");
            QVERIFY2(table.ok(), table ? "" : table.error().message.c_str());
            const std::size_t spreading = *table->spec().column("spreading");
            for (std::size_t i = 0; i < table->rowCount(); ++i)
                spreadingSeen += table->integer(i, spreading) != 0;
        }
        QVERIFY(spreadingSeen > 0);
        const core::RunReport looked = live.finish();
        QCOMPARE(looked.fingerprint, plain.fingerprint);
        compareGossipMetrics(looked, plain);
    }

    // The table keeps the latest 100,000 rumours, oldest first.
    void rumoursTableKeepsTheLatest() {
        nlohmann::json doc = starScenario(
            3, {{"role", "peer"}, {"fanout", 1}, {"rumour_rate", 10000}, {"rumours", 100050}});
        const core::RunReport r = run(doc);
        QCOMPARE(value(r, "gossip.rumours.started"), 100050.0);
        const core::InspectorTable* t = r.table("gossip.rumours");
        QVERIFY(t != nullptr);
        QCOMPARE(t->rowCount(), std::size_t{100000});
        QCOMPARE(t->integer(0, 0), std::int64_t{51});
        QCOMPARE(t->integer(99999, 0), std::int64_t{100050});
        for (std::size_t i = 1; i < t->rowCount(); ++i)
            if (t->integer(i, 0) != t->integer(i - 1, 0) + 1) QFAIL("rumours out of order");
    }

    void unfinishedRumours_data() { addQueues(); }
    void unfinishedRumours() {
        QFETCH(sim::QueueKind, queue);
        nlohmann::json doc =
            starScenario(500, {{"role", "peer"}, {"rumour_rate", 1000}, {"rumours", 1000}});
        doc["run"]["until"] = "200ms";
        const core::RunReport r = run(doc, queue);
        const double unfinished = value(r, "gossip.rumours.unfinished");
        QVERIFY(unfinished > 0);
        QCOMPARE(value(r, "gossip.rumours.finished") + unfinished,
                 value(r, "gossip.rumours.started"));
        QCOMPARE(double(metric(r, "gossip.coverage").count), value(r, "gossip.rumours.finished"));
        QVERIFY(value(r, "gossip.rumours.active_max") >= unfinished);
        // Rumours that do not overlap in time share one slot of state.
        doc["layers"]["gossip"]["rumour_rate"] = 1;
        doc["layers"]["gossip"]["rumours"] = 5;
        doc["run"].erase("until");
        QCOMPARE(value(run(doc, queue), "gossip.rumours.active_max"), 1.0);
    }

    // Rumours that would arrive after the longest simulated time fail the run, naming the rate;
    // those that fit all start.
    void rumoursBeyondTheLatestTimeFailTheRun_data() {
        QTest::addColumn<int>("rumours");
        QTest::addColumn<bool>("fails");
        QTest::newRow("100 fit") << 100 << false;
        // One every 1000 s on average: 30,000 need about 0.95 years, 0.77 are left.
        QTest::newRow("30,000 do not") << 30000 << true;
    }
    void rumoursBeyondTheLatestTimeFailTheRun() {
        QFETCH(int, rumours);
        QFETCH(bool, fails);
        nlohmann::json doc = starScenario(
            3,
            {{"role", "peer"}, {"rumour_rate", 0.001}, {"rumours", rumours}, {"start", "9.2e9s"}});
        auto s = load(doc);
        QVERIFY2(s.ok(), s ? "" : s.error().message.c_str());
        auto prepared = core::ScenarioRun::prepare(*s);
        QVERIFY2(prepared.ok(), prepared ? "" : prepared.error().message.c_str());
        const core::RunReport r = (*prepared)->run();
        QVERIFY(r.simulatedTime >= 9'200'000'000'000'000'000 &&
                r.simulatedTime <= sim::kTimeLatest);
        const double started = value(r, "gossip.rumours.started");
        if (!fails) {
            QCOMPARE(r.status, core::RunStatus::Completed);
            QCOMPARE(started, 100.0);
            return;
        }
        QCOMPARE(r.status, core::RunStatus::Failed);
        const QString error = QString::fromStdString(r.error);
        QVERIFY2(
            error.startsWith("the run failed: /layers/gossip: the next rumour would arrive ") &&
                error.contains(" (rumour_rate 0.001 per second), at 292 years, beyond the "
                               "longest simulated time (292 years)"),
            qPrintable(error));
        QVERIFY2(started > 20000 && started < 30000, qPrintable(QString::number(started)));
    }

    // A storm: a thousand pushes per copy received, a million rumours a second. Its copies in
    // flight outgrow the run's memory within a millisecond of simulated time; the run fails
    // naming the layer, with its metrics so far, and the process goes on.
    void gossipStormFailsCleanly_data() { addQueues(); }
    void gossipStormFailsCleanly() {
        QFETCH(sim::QueueKind, queue);
        nlohmann::json doc = starScenario(2000, {{"role", "peer"},
                                                 {"fanout", 1000},
                                                 {"mode", "mongering"},
                                                 {"stop_k", 1000},
                                                 {"rumour_rate", 1e6},
                                                 {"rumours", 1000000000}});
        doc["run"]["until"] = "10s";
        const core::RunReport r = runWithin(doc, 64 << 20, queue);
        QCOMPARE(r.status, core::RunStatus::Failed);
        const QString error = QString::fromStdString(r.error);
        QVERIFY2(error.startsWith("the run failed: /layers/gossip: at t=") &&
                     error.contains(" of them on port \"gossip\"; with ") &&
                     error.endsWith(" of memory left to the run (the network and the layers take "
                                    "about 479 KiB of the 64 MiB allowed by DAIS_MEMORY_LIMIT)"),
                 qPrintable(error));
        QVERIFY(value(r, "gossip.messages.sent") > 100000);
        QVERIFY(r.simulatedTime < sim::kSecond);
    }

    // Rumours that live long (100 s links) and start fast each hold a bit per participant:
    // more of them at once than the budget holds fails the run, naming the rate.
    void rumoursSpreadingAtOnceFailCleanly() {
        nlohmann::json doc = starScenario(
            100000, {{"role", "peer"}, {"fanout", 1}, {"rumour_rate", 1e5}, {"rumours", 1000000}});
        doc["network"]["groups"][0]["access"]["latency"] = "100s";
        doc["run"]["until"] = "1000s";
        const core::RunReport r = runWithin(doc, 128 << 20);
        QCOMPARE(r.status, core::RunStatus::Failed);
        const QString error = QString::fromStdString(r.error);
        QVERIFY2(
            error.startsWith("the run failed: /layers/gossip/rumour_rate: at t=") &&
                error.contains(" rumours would be spreading at once (100000 start per "
                               "second), each holding 12 KiB (a bit per participant); with ") &&
                error.contains(" of memory left to the run (the network and the layers take "
                               "about "),
            qPrintable(error));
        QVERIFY2(value(r, "gossip.rumours.started") > 1000, qPrintable(error));
    }

    void badParameters_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("fanout 0") << "fanout"
                                  << "0"
                                  << "/layers/gossip/fanout: expected a number in [0.1, 1000], "
                                     "got 0";
        QTest::newRow("fanout text") << "fanout"
                                     << "\"three\""
                                     << "/layers/gossip/fanout: expected a number, got \"three\"";
        QTest::newRow("unknown mode")
            << "mode"
            << "\"gossip\""
            << "/layers/gossip/mode: expected one of \"once\", \"mongering\", got \"gossip\"";
        QTest::newRow("misspelt peers")
            << "peers"
            << "\"neighbors\""
            << "/layers/gossip/peers: expected one of \"random\", \"neighbours\", got "
               "\"neighbors\" (did you mean \"neighbours\"?)";
        QTest::newRow("stop_k below 1") << "stop_k"
                                        << "0.5"
                                        << "/layers/gossip/stop_k: expected a number in [1, 1000], "
                                           "got 0.5";
        QTest::newRow("ttl fraction") << "ttl"
                                      << "1.5"
                                      << "/layers/gossip/ttl: expected an integer, got 1.5";
        QTest::newRow("ttl negative") << "ttl"
                                      << "-1"
                                      << "/layers/gossip/ttl: expected an integer in [0, 65535], "
                                         "got -1";
        QTest::newRow("rate 0") << "rumour_rate"
                                << "0"
                                << "/layers/gossip/rumour_rate: expected a number in [0.001, "
                                   "1000000], got 0";
        QTest::newRow("no rumours") << "rumours"
                                    << "0"
                                    << "/layers/gossip/rumours: expected an integer in [1, "
                                       "1000000000], got 0";
        QTest::newRow("size unit") << "message_size"
                                   << "\"1kb\""
                                   << "/layers/gossip/message_size: \"1kb\": unknown size unit "
                                      "\"kb\" (use B, kB, KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
        QTest::newRow("unknown parameter")
            << "fanuot"
            << "3"
            << "/layers/gossip/fanuot: layer \"gossip\" has no parameter \"fanuot\" (did you "
               "mean \"fanout\"?)";
    }
    void badParameters() {
        QFETCH(QString, param);
        QFETCH(QString, json);
        QFETCH(QString, message);
        nlohmann::json doc = starScenario(10, {{"role", "peer"}});
        doc["layers"]["gossip"][param.toStdString()] = nlohmann::json::parse(json.toStdString());
        const auto s = load(doc);
        QVERIFY(!s.ok());
        QCOMPARE(QString::fromStdString(s.error().message), "test.dais.json: " + message);
    }

    // A role no node has is found when the run is prepared, with the roles there are.
    void unknownRole() {
        const auto s = load(starScenario(10, {{"role", "validator"}}));
        QVERIFY(s.ok());
        const auto prepared = core::ScenarioRun::prepare(*s);
        QVERIFY(!prepared.ok());
        QCOMPARE(prepared.error().message,
                 std::string("test.dais.json: /layers/gossip/role: layer \"gossip\" failed to "
                             "set up: no node has role \"validator\"; the network's roles are: "
                             "peer, router"));
    }

    // An empty role means every node with a role: here the hub as well as the peers.
    void emptyRoleMeansEveryNodeWithARole() {
        const core::RunReport r =
            run(starScenario(9, {{"role", ""}, {"fanout", 20}, {"rumours", 3}}));
        QCOMPARE(metric(r, "gossip.coverage").min, 1.0);
        QCOMPARE(value(r, "gossip.messages.sent"), 3.0 * 10 * 9);  // 10 participants
    }
};

QTEST_APPLESS_MAIN(TestGossip)
#include "tst_gossip.moc"
