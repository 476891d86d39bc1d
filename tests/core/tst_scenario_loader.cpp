// Loading scenario files: a file using every feature becomes exactly the expected specs, the
// bundled scenarios load, and every kind of bad input gets the promised message, word for word.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <string>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"

using namespace dais::core;
using namespace dais::sim;

namespace {

const std::string kData = DAIS_SOURCE_DIR "/tests/core/data/";

QString errorOf(const Result<Scenario>& r) {
    return r.ok() ? QString("(loaded without error)") : QString::fromStdString(r.error().message);
}

/// A valid document around `network` (and optional extra top-level members).
std::string withNetwork(const std::string& network, const std::string& extra = "") {
    return R"({"format": "dais-scenario", "version": 1, "network": )" + network +
           (extra.empty() ? "" : ", " + extra) + "}";
}

void compareVariate(const Variate& v, Variate::Kind kind, double a, double b) {
    QCOMPARE(int(v.kind), int(kind));
    QCOMPARE(v.a, a);
    QCOMPARE(v.b, b);
}

}  // namespace

class TestScenarioLoader : public QObject {
    Q_OBJECT

  private slots:
    void fullScenario() {
        const Result<Scenario> r = loadScenarioFile(kData + "full.dais.json");
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const Scenario& s = r.value();
        QCOMPARE(s.version, 1);
        QCOMPARE(s.sourceName, std::string("full.dais.json"));
        QCOMPARE(s.meta.name, std::string("Every feature"));
        QCOMPARE(s.meta.author, std::string("DAIS tests"));
        QCOMPARE(s.meta.description, std::string("Uses every part of format version 1 **once**."));
        QCOMPARE(s.meta.tags, (std::vector<std::string>{"test", "full"}));

        QCOMPARE(s.run.seed, std::uint64_t(42));
        QCOMPARE(s.run.until, 120 * kSecond);
        QVERIFY(s.run.queue == QueueKind::Ladder);
        QCOMPARE(s.run.sampleInterval, 500 * kMillisecond);
        QVERIFY(s.layers.is_object() && s.layers.empty());
        QCOMPARE(s.ui["canvas"]["zoom"], nlohmann::json(1.5));
        QCOMPARE(s.document["run"]["seed"], nlohmann::json(42));

        const NetworkSpec& n = s.network;
        QCOMPARE(n.regions.size(), std::size_t(2));
        QCOMPARE(n.regions[1].id, std::string("us-east"));
        QCOMPARE(n.regions[1].x, -6000.0);
        QCOMPARE(n.regions[1].y, 100.5);
        QCOMPARE(n.regions[1].radius, 500.0);

        // Nodes: own fields over the template's; resources merged field by field.
        QCOMPARE(n.nodes.size(), std::size_t(3));
        const NodeSpec& server = n.nodes[0];
        QCOMPARE(server.id, std::string("server"));
        QCOMPARE(server.role, std::string("cloud"));
        QCOMPARE(server.region, std::string("us-east"));
        QCOMPARE(server.x.value_or(0), -6000.0);
        QCOMPARE(server.y.value_or(0), 100.0);
        QCOMPARE(server.resources.cpuGflops, 50000.0);
        QCOMPARE(server.resources.gpuTflops, 100.0);
        QCOMPARE(server.resources.memoryGb, 1024.0);
        QCOMPARE(server.resources.storageGb, 100000.0);
        const NodeSpec& gwUs = n.nodes[2];
        QCOMPARE(gwUs.role, std::string("router"));
        QCOMPARE(gwUs.region, std::string());
        QVERIFY(!gwUs.x && !gwUs.y);

        // Groups: the member inherits through two templates (phone extends device).
        QCOMPARE(n.groups.size(), std::size_t(2));
        const GroupSpec& phones = n.groups[0];
        QCOMPARE(phones.id, std::string("phones"));
        QCOMPARE(phones.count, std::uint32_t(5000));
        QCOMPARE(phones.member.role, std::string("phone"));
        QCOMPARE(phones.member.region, std::string("eu-west"));
        QCOMPARE(phones.member.resources.cpuGflops, 10.0);
        QCOMPARE(phones.member.resources.gpuTflops, 0.0);
        QCOMPARE(phones.member.resources.memoryGb, 6.0);
        QCOMPARE(phones.member.resources.storageGb, 64.0);
        QCOMPARE(phones.attachTo, std::string("gw-eu"));
        compareVariate(phones.access.latency, Variate::Kind::Uniform, 5e6, 15e6);
        QCOMPARE(phones.access.bandwidthBps, 50e6);
        QCOMPARE(phones.access.loss, 0.01);
        const GroupSpec& sensors = n.groups[1];
        QCOMPARE(sensors.member.role, std::string("sensor"));
        QCOMPARE(sensors.member.region, std::string("us-east"));
        QCOMPARE(sensors.member.resources.cpuGflops, 0.5);
        compareVariate(sensors.access.latency, Variate::Kind::Constant, 1e6, 0);  // the default
        QCOMPARE(sensors.access.bandwidthBps, 1e9);

        QCOMPARE(n.links.size(), std::size_t(3));
        QCOMPARE(n.links[0].from, std::string("gw-eu"));
        QCOMPARE(n.links[0].to, std::string("server"));
        compareVariate(n.links[0].props.latency, Variate::Kind::Constant, 40e6, 0);
        QCOMPARE(n.links[0].props.bandwidthBps, 10e9);
        QVERIFY(n.links[0].props.latencyFromDistance);
        QCOMPARE(n.links[1].from, std::string("phones[4999]"));
        compareVariate(n.links[1].props.latency, Variate::Kind::Normal, 20e6, 2e6);
        QVERIFY(!n.links[1].props.latencyFromDistance);
        compareVariate(n.links[2].props.latency, Variate::Kind::Constant, 2e6, 0);  // 0.002 s

        QCOMPARE(n.topologies.size(), std::size_t(8));
        const auto& t = n.topologies;
        QVERIFY(t[0].kind == TopologySpec::Kind::Star);
        QCOMPARE(t[0].members, std::vector<std::string>{"sensors"});
        QCOMPARE(t[0].hub, std::string("gw-us"));
        compareVariate(t[0].link.latency, Variate::Kind::Constant, 1e6, 0);
        QVERIFY(t[1].kind == TopologySpec::Kind::ErdosRenyi);
        QCOMPARE(t[1].p, 0.05);
        QVERIFY(!t[1].ensureConnected);
        QVERIFY(t[2].kind == TopologySpec::Kind::Waxman);
        QCOMPARE(t[2].alpha, 0.5);
        QCOMPARE(t[2].beta, 0.2);
        QVERIFY(t[2].ensureConnected);
        QVERIFY(t[3].kind == TopologySpec::Kind::Tree);
        QCOMPARE(t[3].arity, std::uint32_t(3));
        QVERIFY(t[4].kind == TopologySpec::Kind::BarabasiAlbert);
        QCOMPARE(t[4].m, std::uint32_t(4));
        QVERIFY(t[4].members.empty());
        QVERIFY(t[5].kind == TopologySpec::Kind::Ring);
        QCOMPARE(t[5].members.size(), std::size_t(3));
        QVERIFY(t[6].kind == TopologySpec::Kind::FullMesh);
        compareVariate(t[6].link.latency, Variate::Kind::Exponential, 3e6, 0);
        QVERIFY(t[7].kind == TopologySpec::Kind::Regions);
        QCOMPARE(t[7].regionOrder, (std::vector<std::string>{"eu-west", "us-east"}));
        QCOMPARE(t[7].latencyMatrix, (std::vector<std::vector<SimTime>>{{0, 80 * kMillisecond},
                                                                        {80 * kMillisecond, 0}}));
        QCOMPARE(t[7].interBandwidthBps, 40e9);
        QCOMPARE(t[7].link.bandwidthBps, 100e9);

        QCOMPARE(n.traffic.size(), std::size_t(3));
        const TrafficSpec& bg = n.traffic[0];
        QCOMPARE(bg.id, std::string("bg"));
        QCOMPARE(bg.from, std::vector<std::string>{"phones"});
        QCOMPARE(bg.to, std::vector<std::string>{"server"});
        QVERIFY(bg.process == TrafficSpec::Process::Poisson);
        QCOMPARE(bg.ratePerSecond, 100.0);
        compareVariate(bg.sizeBytes, Variate::Kind::LogNormal, 200e3, 1.5);
        QCOMPARE(bg.start, 1 * kSecond);
        QCOMPARE(bg.stop, 60 * kSecond);
        const TrafficSpec& sensorFlow = n.traffic[1];
        QCOMPARE(sensorFlow.id, std::string());
        QCOMPARE(sensorFlow.to, std::vector<std::string>{"eu-west.gw"});
        QVERIFY(sensorFlow.process == TrafficSpec::Process::Constant);
        QCOMPARE(sensorFlow.ratePerSecond, 2.5);
        compareVariate(sensorFlow.sizeBytes, Variate::Kind::Constant, 4096, 0);
        QCOMPARE(sensorFlow.start, SimTime(0));
        QCOMPARE(sensorFlow.stop, kTimeNever);
        compareVariate(n.traffic[2].sizeBytes, Variate::Kind::Pareto, 1000, 1.5);
        QCOMPARE(n.traffic[2].ratePerSecond, 1.0);

        QCOMPARE(n.faults.size(), std::size_t(4));
        QVERIFY(n.faults[0].kind == FaultSpec::Kind::Crash);
        QCOMPARE(n.faults[0].at, 30 * kSecond);
        QCOMPARE(n.faults[0].duration.value_or(0), 10 * kSecond);
        QCOMPARE(n.faults[0].targets, (std::vector<std::string>{"server", "phones"}));
        QVERIFY(n.faults[1].kind == FaultSpec::Kind::LinkDown);
        QVERIFY(!n.faults[1].duration);
        QVERIFY(n.faults[2].kind == FaultSpec::Kind::Partition);
        QVERIFY(n.faults[3].kind == FaultSpec::Kind::RegionOutage);
        QCOMPARE(n.faults[3].at, 50 * kSecond);
    }

    void defaults() {
        const Result<Scenario> r =
            loadScenarioText(R"({"format": "dais-scenario", "version": 1})", "empty.dais.json");
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->run.seed, std::uint64_t(1));
        QCOMPARE(r->run.until, kTimeNever);
        QVERIFY(r->run.queue == QueueKind::Ladder);
        QCOMPARE(r->run.sampleInterval, SimTime(0));
        QVERIFY(r->network.nodes.empty());
        QVERIFY(r->ui.is_object() && r->ui.empty());
        QVERIFY(r->layers.is_object() && r->layers.empty());
    }

    void bundledScenarios_data() {
        QTest::addColumn<QString>("path");
        const QDir dir(DAIS_SOURCE_DIR "/scenarios");
        for (const QString& name : dir.entryList({"*.dais.json"}, QDir::Files)) {
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
        }
    }
    void bundledScenarios() {
        QFETCH(QString, path);
        const Result<Scenario> r = loadScenarioFile(path.toStdString());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QVERIFY(!r->meta.name.empty());
        QVERIFY(!r->meta.description.empty());
    }

    void largeNumbersStayExact() {
        const Result<Scenario> r = loadScenarioText(
            R"({"format": "dais-scenario", "version": 1, "run": {"seed": 18446744073709551615}})",
            "seed.dais.json");
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->run.seed, std::uint64_t(18446744073709551615u));
    }

    void badInput_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");

        // -- not JSON
        QTest::newRow("truncated") << "{\n  \"format\": \"dais-scenario\",\n  \"version\": 1,\n"
                                      "  \"network\": {\"nodes\": ["
                                   << "t.dais.json:4:25: invalid JSON: unexpected end of input; "
                                      "expected '[', '{', or a literal";
        QTest::newRow("truncated in a string") << "{\"format\": \"dais-sce"
                                               << "t.dais.json:1:21: invalid JSON: invalid string: "
                                                  "missing closing quote";
        QTest::newRow("bad literal") << "{\"format\": \"dais-scenario\",\n \"version\": tru}"
                                     << "t.dais.json:2:16: invalid JSON: invalid literal";
        QTest::newRow("missing colon") << "{\"format\" \"dais-scenario\"}"
                                       << "t.dais.json:1:11: invalid JSON: unexpected string "
                                          "literal; expected ':'";
        QTest::newRow("trailing comma") << "[1,]"
                                        << "t.dais.json:1:4: invalid JSON: unexpected ']'; "
                                           "expected '[', '{', or a literal";
        QTest::newRow("columns count characters, not bytes")
            << "{\"meta\": {\"name\": \"\u00e9\u00e9\u00e9\"} x"
            << "t.dais.json:1:26: invalid JSON: invalid literal; expected '}'";
        QTest::newRow("raw newline in a string")
            << "{\"a\": \"x\ny\"}"
            << "t.dais.json:1:9: invalid JSON: invalid string: "
               "control character U+000A (LF) must be escaped "
               "to \\u000A or \\n";
        QTest::newRow("number overflow") << "{\"version\":\n  1e400}"
                                         << "t.dais.json:2:3: invalid JSON: number out of range: "
                                            "1e400";
        QTest::newRow("empty") << ""
                               << "t.dais.json:1:1: invalid JSON: the file is empty";
        QTest::newRow("only white space")
            << "  \n"
            << "t.dais.json:1:1: invalid JSON: the file holds only white space";
        // The place of the bracket one level too deep.
        QTest::newRow("too deep") << QString(300, '[') + QString(300, ']')
                                  << "t.dais.json:1:201: invalid JSON: nested more than 200 levels "
                                     "deep";
        QTest::newRow("too deep, on line 2")
            << "{\"a\": \"[[[\",\n \"b\": " + QString(300, '[') + QString(300, ']') + "}"
            << "t.dais.json:2:206: invalid JSON: nested more than 200 levels deep";
        QTest::newRow("duplicate keys")
            << R"({"format": "dais-scenario", "version": 1, "meta": {"name": "a", "name": "b"}, "version": 1})"
            << "t.dais.json: /meta/name: duplicate key \"name\" (each key may appear only once in "
               "an object)\n"
               "t.dais.json: /version: duplicate key \"version\" (each key may appear only once in "
               "an object)";
        QTest::newRow("duplicate keys in an array element")
            << R"({"network": {"nodes": [{"id": "a"}, {"id": "b", "id": "c"}]}})"
            << "t.dais.json: /network/nodes/1/id: duplicate key \"id\" (each key may appear only "
               "once in an object)";

        // -- not a scenario, or not this version
        QTest::newRow("root not an object") << "[1]"
                                            << "t.dais.json: expected an object, got [1]";
        QTest::newRow("missing format and version")
            << "{}"
            << "t.dais.json: missing required field \"format\"\n"
               "t.dais.json: missing required field \"version\"";
        QTest::newRow("other format")
            << R"({"format": "geojson", "version": 1, "zebra": 1})"
            << "t.dais.json: /format: expected \"dais-scenario\", got \"geojson\" (this is not a "
               "DAIS scenario file)";
        QTest::newRow("newer version")
            << R"({"format": "dais-scenario", "version": 3, "network": {"fancy": true}})"
            << "t.dais.json: /version: written for format version 3; this build reads versions "
               "up to 1";
        QTest::newRow("version 0") << R"({"format": "dais-scenario", "version": 0})"
                                   << "t.dais.json: /version: expected an integer >= 1, got 0";
        QTest::newRow("version as a string") << R"({"format": "dais-scenario", "version": "1"})"
                                             << "t.dais.json: /version: expected an integer >= 1, "
                                                "got \"1\"";

        // -- structure (from the schema)
        QTest::newRow("wrong type")
            << R"({"format": "dais-scenario", "version": 1, "meta": {"name": 12}})"
            << "t.dais.json: /meta/name: expected a string, got 12";
        QTest::newRow("negative count")
            << QString::fromStdString(withNetwork(
                   R"({"groups": [{"id": "a", "count": 1}, {"id": "b", "count": 2}, {"id": "phones", "count": -5}]})"))
            << "t.dais.json: /network/groups/2/count: expected an integer >= 1, got -5";
        QTest::newRow("huge count")
            << QString::fromStdString(withNetwork(R"({"groups": [{"id": "a", "count": 1e30}]})"))
            << "t.dais.json: /network/groups/0/count: expected an integer <= 10000000, got 1e+30";
        QTest::newRow("sample_interval 1ns runs away")
            << R"({"format": "dais-scenario", "version": 1,
                   "run": {"until": "60s", "sample_interval": "1ns"}})"
            << "t.dais.json: /run/sample_interval: 1 ns would sample the 60.000 s run "
               "60,000,000,000 times; a run takes at most 100,000 samples at the interval asked "
               "and ever fewer after: use at least 600 us to keep them all (or 0 for no periodic "
               "samples)";
        QTest::newRow("count beyond uint64")
            << QString::fromStdString(withNetwork(
                   R"({"groups": [{"id": "a", "count": 123456789012345678901234567890}]})"))
            << "t.dais.json: /network/groups/0/count: expected an integer <= 10000000, got "
               "1.2345678901234568e+29";
        QTest::newRow("seed beyond uint64")
            << R"({"format": "dais-scenario", "version": 1, "run": {"seed": 18446744073709551616}})"
            << "t.dais.json: /run/seed: expected an integer <= 18446744073709551615, got "
               "1.8446744073709552e+19";
        QTest::newRow("bad enum")
            << R"({"format": "dais-scenario", "version": 1, "run": {"queue": "fast"}})"
            << "t.dais.json: /run/queue: expected one of \"heap\", \"ladder\", "
               "got \"fast\"";
        QTest::newRow("bad duration")
            << R"({"format": "dais-scenario", "version": 1, "run": {"until": "10 parsecs"}})"
            << "t.dais.json: /run/until: expected a duration like \"10ms\" or \"1.5s\", got \"10 "
               "parsecs\"";
        QTest::newRow("bad bandwidth")
            << QString::fromStdString(
                   withNetwork(R"({"links": [{"from": "a", "to": "b", "bandwidth": "fast"}]})"))
            << "t.dais.json: /network/links/0/bandwidth: expected a bandwidth like \"100Mbps\" or "
               "\"1 Gbps\", got \"fast\"";
        QTest::newRow("bad variate")
            << QString::fromStdString(
                   withNetwork(R"({"links": [{"from": "a", "to": "b", "latency": true}]})"))
            << "t.dais.json: /network/links/0/latency: expected a duration like \"10ms\" or "
               "\"1.5s\" or a distribution object, got true";
        QTest::newRow("bad distribution")
            << QString::fromStdString(withNetwork(
                   R"({"links": [{"from": "a", "to": "b", "latency": {"dist": "gaussian", "mean": "1ms"}}]})"))
            << "t.dais.json: /network/links/0/latency/dist: expected one of \"constant\", "
               "\"uniform\", \"exponential\", \"normal\", \"lognormal\", \"pareto\", got "
               "\"gaussian\"";
        QTest::newRow("loss above 1")
            << QString::fromStdString(
                   withNetwork(R"({"links": [{"from": "a", "to": "b", "loss": 1.5}]})"))
            << "t.dais.json: /network/links/0/loss: expected a number <= 1, got 1.5";
        QTest::newRow("unknown field with suggestion")
            << QString::fromStdString(withNetwork(R"({"grups": []})"))
            << "t.dais.json: /network/grups: unknown field \"grups\" (did you mean \"groups\"?)";
        QTest::newRow("unknown field without suggestion")
            << QString::fromStdString(withNetwork(R"({"satellites": []})"))
            << "t.dais.json: /network/satellites: unknown field \"satellites\"";
        QTest::newRow("unknown top-level field")
            << R"({"format": "dais-scenario", "version": 1, "experiment": []})"
            << "t.dais.json: /experiment: unknown field \"experiment\" (did you mean "
               "\"experiments\"?)";
        QTest::newRow("generator parameter on another generator")
            << QString::fromStdString(
                   withNetwork(R"({"topologies": [{"generator": "star", "p": 0.1}]})"))
            << "t.dais.json: /network/topologies/0/p: unknown field \"p\" (not applicable when "
               "\"generator\" is \"star\")";
        QTest::newRow("unknown generator")
            << QString::fromStdString(withNetwork(R"({"topologies": [{"generator": "mesh"}]})"))
            << "t.dais.json: /network/topologies/0/generator: expected one of \"full_mesh\", "
               "\"star\", \"ring\", \"tree\", \"erdos_renyi\", \"barabasi_albert\", \"waxman\", "
               "\"regions\", got \"mesh\"";
        QTest::newRow("missing required field")
            << QString::fromStdString(withNetwork(R"({"groups": [{"id": "phones"}]})"))
            << "t.dais.json: /network/groups/0: missing required field \"count\"";
        QTest::newRow("bad id")
            << QString::fromStdString(withNetwork(R"({"nodes": [{"id": "my server"}]})"))
            << "t.dais.json: /network/nodes/0/id: expected an id like \"gw-eu\" (letters, digits, "
               "\"_\", \"-\", \".\", \":\"), got \"my server\"";
        QTest::newRow("several structural problems in document order")
            << R"({"run": {"seed": -1}, "format": "dais-scenario", "meta": {"tags": [1]}, "version": 1, "network": {"nodes": [{"id": 5}]}})"
            << "t.dais.json: /run/seed: expected an integer >= 0, got -1\n"
               "t.dais.json: /meta/tags/0: expected a string, got 1\n"
               "t.dais.json: /network/nodes/0/id: expected an id like \"gw-eu\" (letters, digits, "
               "\"_\", \"-\", \".\", \":\"), got 5";

        // -- meaning (semantic pass)
        QTest::newRow("duplicate node id")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}, {"id": "srv"}, {"id": "b"}, {"id": "c"}, {"id": "srv"}]})"))
            << "t.dais.json: /network/nodes/4/id: duplicate node id \"srv\" (first at "
               "/network/nodes/1/id)";
        QTest::newRow("group id used by a node")
            << QString::fromStdString(
                   withNetwork(R"({"nodes": [{"id": "x"}], "groups": [{"id": "x", "count": 2}]})"))
            << "t.dais.json: /network/groups/0/id: duplicate group id \"x\" (first at "
               "/network/nodes/0/id; nodes and groups share one set of ids)";
        QTest::newRow("region and template ids are separate namespaces")
            << QString::fromStdString(withNetwork(
                   R"({"regions": [{"id": "x"}, {"id": "x"}], "templates": [{"id": "x"}, {"id": "x"}], "nodes": [{"id": "x"}]})"))
            << "t.dais.json: /network/regions/1/id: duplicate region id \"x\" (first at "
               "/network/regions/0/id)\n"
               "t.dais.json: /network/templates/1/id: duplicate template id \"x\" (first at "
               "/network/templates/0/id)";
        QTest::newRow("unknown link endpoint")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "server"}, {"id": "client"}], "links": [{"from": "client", "to": "server"}, {"from": "client", "to": "server"}, {"from": "client", "to": "server"}, {"from": "client", "to": "sever"}]})"))
            << "t.dais.json: /network/links/3/to: unknown node \"sever\" (did you mean "
               "\"server\"?)";
        QTest::newRow("unknown endpoint, nothing close")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "server"}], "links": [{"from": "server", "to": "zz"}]})"))
            << "t.dais.json: /network/links/0/to: unknown node \"zz\"";
        QTest::newRow("link to itself")
            << QString::fromStdString(
                   withNetwork(R"({"nodes": [{"id": "a"}], "links": [{"from": "a", "to": "a"}]})"))
            << "t.dais.json: /network/links/0/to: expected a node other than \"from\", got \"a\"";
        QTest::newRow("group as a link endpoint")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "gw"}], "groups": [{"id": "phones", "count": 3}], "links": [{"from": "phones", "to": "gw"}]})"))
            << "t.dais.json: /network/links/0/from: \"phones\" is a group; name one node, e.g. its "
               "member \"phones[0]\"";
        QTest::newRow("member index out of range")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "gw"}], "groups": [{"id": "phones", "count": 10}], "links": [{"from": "gw", "to": "phones[12]"}]})"))
            << "t.dais.json: /network/links/0/to: \"phones[12]\" is out of range: group "
               "\"phones\" has 10 members (phones[0] .. phones[9])";
        QTest::newRow("member index far out of range")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "gw"}], "groups": [{"id": "solo", "count": 1}], "links": [{"from": "gw", "to": "solo[99999999999999999999999]"}]})"))
            << "t.dais.json: /network/links/0/to: \"solo[99999999999999999999999]\" is out of "
               "range: group \"solo\" has 1 member (solo[0])";
        QTest::newRow("member of an unknown group")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "gw"}], "groups": [{"id": "phones", "count": 10}], "links": [{"from": "gw", "to": "phnes[1]"}]})"))
            << "t.dais.json: /network/links/0/to: unknown group \"phnes\" in \"phnes[1]\" (did you "
               "mean \"phones\"?)";
        QTest::newRow("unknown attach, hub, member, traffic and fault targets")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "hub"}], "groups": [{"id": "g", "count": 2, "attach": "hbu"}],
                       "topologies": [{"generator": "star", "members": ["g", "x"], "hub": "g"}],
                       "traffic": [{"from": ["g[2]"], "to": ["hub", "y"]}],
                       "faults": [{"at": 1, "kind": "crash", "targets": ["g", "z"]}]})"))
            << "t.dais.json: /network/groups/0/attach: unknown node \"hbu\" (did you mean "
               "\"hub\"?)\n"
               "t.dais.json: /network/topologies/0/members/1: unknown node \"x\"\n"
               "t.dais.json: /network/topologies/0/hub: \"g\" is a group; name one node, e.g. its "
               "member \"g[0]\"\n"
               "t.dais.json: /network/traffic/0/from/0: \"g[2]\" is out of range: group \"g\" has "
               "2 members (g[0] .. g[1])\n"
               "t.dais.json: /network/traffic/0/to/1: unknown node \"y\"\n"
               "t.dais.json: /network/faults/0/targets/1: unknown node \"z\"";
        QTest::newRow("semantic problems in document order")
            << R"({"format": "dais-scenario", "version": 1, "network": {"links": [{"from": "a", "to": "nowhere"}], "nodes": [{"id": "a"}, {"id": "a"}]}, "layers": {"federated": {}}, "run": {"until": 0}})"
            << "t.dais.json: /network/links/0/to: unknown node \"nowhere\"\n"
               "t.dais.json: /network/nodes/1/id: duplicate node id \"a\" (first at "
               "/network/nodes/0/id)\n"
               "t.dais.json: /layers/federated: unknown layer \"federated\" (no layers are "
               "installed)\n"
               "t.dais.json: /run/until: expected a duration > 0, got 0";
        QTest::newRow("extends cycle")
            << QString::fromStdString(withNetwork(
                   R"({"templates": [{"id": "a", "extends": "b"}, {"id": "b", "extends": "c"}, {"id": "c", "extends": "a"}]})"))
            << "t.dais.json: /network/templates/2/extends: templates form a cycle: a -> b -> c -> "
               "a";
        QTest::newRow("extends cycle seen from its earliest member")
            << QString::fromStdString(withNetwork(
                   R"({"templates": [{"id": "x", "extends": "b"}, {"id": "b", "extends": "c"}, {"id": "c", "extends": "b"}, {"id": "self", "extends": "self"}]})"))
            << "t.dais.json: /network/templates/2/extends: templates form a cycle: b -> c -> b\n"
               "t.dais.json: /network/templates/3/extends: templates form a cycle: self -> self";
        QTest::newRow("unknown template")
            << QString::fromStdString(withNetwork(
                   R"({"templates": [{"id": "phone", "extends": "devise"}], "nodes": [{"id": "n", "template": "phon"}]})"))
            << "t.dais.json: /network/templates/0/extends: unknown template \"devise\"\n"
               "t.dais.json: /network/nodes/0/template: unknown template \"phon\" (did you mean "
               "\"phone\"?)";
        QTest::newRow("unknown region")
            << QString::fromStdString(withNetwork(
                   R"({"regions": [{"id": "eu-west"}], "nodes": [{"id": "n", "region": "eu-wset"}], "faults": [{"at": 1, "kind": "partition", "targets": ["mars"]}]})"))
            << "t.dais.json: /network/nodes/0/region: unknown region \"eu-wset\" (did you mean "
               "\"eu-west\"?)\n"
               "t.dais.json: /network/faults/0/targets/0: unknown region \"mars\"";
        QTest::newRow("no regions at all")
            << QString::fromStdString(
                   withNetwork(R"({"groups": [{"id": "g", "count": 1, "region": "eu"}]})"))
            << "t.dais.json: /network/groups/0/region: unknown region \"eu\" (no regions are "
               "defined)";
        QTest::newRow("link fault needs two nodes")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "faults": [{"at": "1s", "kind": "link_down", "targets": ["a", "b", "c"]}]})"))
            << "t.dais.json: /network/faults/0/targets: expected exactly two node ids (the ends of "
               "the link), got [\"a\",\"b\",\"c\"]";
        QTest::newRow("churn without mean_down")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}], "faults": [{"at": "1s", "kind": "churn", "targets": ["a"], "mean_up": "10s"}]})"))
            << "t.dais.json: /network/faults/0: churn needs mean_down (the mean time a node "
               "stays down)";
        QTest::newRow("churn mean zero")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}], "faults": [{"at": "1s", "kind": "churn", "targets": ["a"], "mean_up": "0s", "mean_down": "1s"}]})"))
            << "t.dais.json: /network/faults/0/mean_up: expected a duration > 0, got \"0s\"";
        QTest::newRow("mean_up on a crash")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}], "faults": [{"at": "1s", "kind": "crash", "targets": ["a"], "mean_up": "3s"}]})"))
            << "t.dais.json: /network/faults/0/mean_up: mean_up applies only to churn";
        QTest::newRow("fault duration zero")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}], "faults": [{"at": "1s", "kind": "crash", "targets": ["a"], "duration": "0s"}]})"))
            << "t.dais.json: /network/faults/0/duration: expected a duration > 0, got \"0s\"";
        QTest::newRow("non-empty layers")
            << R"({"format": "dais-scenario", "version": 1, "layers": {"federated": {"rounds": 10}}})"
            << "t.dais.json: /layers/federated: unknown layer \"federated\" (no layers are "
               "installed)";
        QTest::newRow("until zero")
            << R"({"format": "dais-scenario", "version": 1, "run": {"until": "0s"}})"
            << "t.dais.json: /run/until: expected a duration > 0, got \"0s\"";
        QTest::newRow("stop before start")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}, {"id": "b"}], "traffic": [{"from": ["a"], "to": ["b"], "start": "20s", "stop": "10s"}]})"))
            << "t.dais.json: /network/traffic/0/stop: expected a time >= start (\"20s\"), got "
               "\"10s\"";
        QTest::newRow("duplicate traffic id")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}], "traffic": [{"id": "t", "from": ["a"], "to": ["a"]}, {"id": "t", "from": ["a"], "to": ["a"]}]})"))
            << "t.dais.json: /network/traffic/1/id: duplicate traffic id \"t\" (first at "
               "/network/traffic/0/id)";
        QTest::newRow("uniform min above max")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"from": "a", "to": "b", "latency": {"dist": "uniform", "min": "5ms", "max": "1ms"}}]})"))
            << "t.dais.json: /network/links/0/latency/max: expected a value >= min (\"5ms\"), got "
               "\"1ms\"";
        QTest::newRow("lognormal median zero")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}], "traffic": [{"from": ["a"], "to": ["a"], "size": {"dist": "lognormal", "median": "0B", "sigma": 1}}]})"))
            << "t.dais.json: /network/traffic/0/size/median: expected a size > 0, got \"0B\"";
        QTest::newRow("zero bandwidth")
            << QString::fromStdString(withNetwork(
                   R"({"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"from": "a", "to": "b", "bandwidth": "0Mbps"}]})"))
            << "t.dais.json: /network/links/0/bandwidth: expected a bandwidth > 0, got \"0Mbps\"";
        QTest::newRow("too many nodes")
            << QString::fromStdString(withNetwork(
                   R"({"groups": [{"id": "a", "count": 10000000}, {"id": "b", "count": 10000000}, {"id": "c", "count": 10000000},
                                  {"id": "d", "count": 10000000}, {"id": "e", "count": 10000000}, {"id": "f", "count": 10000000}]})"))
            << "t.dais.json: /network/groups/5/count: the network would have 60000000 nodes or "
               "more; this build supports at most 50000000";

        // -- the latency matrix
        const std::string regions = R"("regions": [{"id": "eu"}, {"id": "us"}], )";
        QTest::newRow("matrix not square")
            << QString::fromStdString(withNetwork(
                   "{" + regions +
                   R"("topologies": [{"generator": "regions", "latency_matrix": {"order": ["eu", "us"], "latency": [["0ms", "80ms"], ["80ms", "0ms", "1ms"]]}}]})"))
            << "t.dais.json: /network/topologies/0/latency_matrix/latency/1: expected 2 entries "
               "(one per region in \"order\"), got 3";
        QTest::newRow("matrix row count")
            << QString::fromStdString(withNetwork(
                   "{" + regions +
                   R"("topologies": [{"generator": "regions", "latency_matrix": {"order": ["eu", "us"], "latency": [["0ms", "80ms"]]}}]})"))
            << "t.dais.json: /network/topologies/0/latency_matrix/latency: expected 2 rows (one "
               "per region in \"order\"), got 1";
        QTest::newRow("matrix not symmetric")
            << QString::fromStdString(withNetwork(
                   "{" + regions +
                   R"("topologies": [{"generator": "regions", "latency_matrix": {"order": ["eu", "us"], "latency": [["0ms", "80ms"], ["0.09s", "0ms"]]}}]})"))
            << "t.dais.json: /network/topologies/0/latency_matrix/latency/1/0: expected \"80ms\" "
               "(the latency from \"eu\" to \"us\"; the matrix must be symmetric), got \"0.09s\"";
        QTest::newRow("matrix symmetric in value, not spelling")
            << QString::fromStdString(withNetwork(
                   "{" + regions +
                   R"("topologies": [{"generator": "regions", "latency_matrix": {"order": ["eu", "us"], "latency": [["0ms", "80ms"], [0.08, "0ms"]]}}], "nodes": [{"id": "x"}], "links": [{"from": "x", "to": "us.gw"}, {"from": "x", "to": "eu.gw"}]})"))
            << "(loaded without error)";
        QTest::newRow("matrix region names")
            << QString::fromStdString(withNetwork(
                   "{" + regions +
                   R"("topologies": [{"generator": "regions", "latency_matrix": {"order": ["eu", "ue", "eu"], "latency": [["0ms", "1ms", "0ms"], ["1ms", "0ms", "1ms"], ["0ms", "1ms", "0ms"]]}}]})"))
            << "t.dais.json: /network/topologies/0/latency_matrix/order/1: unknown region \"ue\" "
               "(did you mean \"eu\"?)\n"
               "t.dais.json: /network/topologies/0/latency_matrix/order/2: region \"eu\" is listed "
               "twice (first at /network/topologies/0/latency_matrix/order/0)";
    }
    void badInput() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        // An empty registry: the messages must not depend on the plugins installed.
        static const LayerRegistry noLayers;
        QCOMPARE(
            errorOf(loadScenarioText(text.toStdString(), "/some/dir/t.dais.json", {}, &noLayers)),
            expected);
    }

    void manyProblemsAreCappedAt50() {
        std::string nodes;
        for (int i = 0; i < 80; ++i)
            nodes += std::string(i ? ", " : "") + R"({"id": "n", "x": 1})";
        const QString message =
            errorOf(loadScenarioText(withNetwork("{\"nodes\": [" + nodes + "]}"), "t.dais.json"));
        const QStringList lines = message.split('\n');
        QCOMPARE(lines.size(), 51);
        QCOMPARE(lines[0], QString("t.dais.json: /network/nodes/0/x: unknown field \"x\""));
        QCOMPARE(lines[50], QString("t.dais.json: (stopped after 50 problems)"));
    }

    void missingFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("missing.dais.json").toStdString();
        QCOMPARE(errorOf(loadScenarioFile(path)),
                 QString::fromStdString("cannot read \"" + path + "\": no such file"));
    }

    void directory() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        QCOMPARE(errorOf(loadScenarioFile(path)),
                 QString::fromStdString("cannot read \"" + path +
                                        "\": it is a directory, not a scenario file"));
    }

    void unreadableFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath("secret.dais.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{}");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::Permissions()));
        if (QFile(path).open(QIODevice::ReadOnly)) QSKIP("running with rights to read any file");
        QCOMPARE(errorOf(loadScenarioFile(path.toStdString())),
                 "cannot read \"" + path + "\": permission denied");
    }

    void fileProblemsNameTheBaseName() {
        QTemporaryDir dir;
        const QString path = dir.filePath("phones.dais.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            withNetwork(
                R"({"groups": [{"id": "a", "count": 1}, {"id": "b", "count": 1}, {"id": "c", "count": -5}]})")
                .c_str());
        file.close();
        QCOMPARE(
            errorOf(loadScenarioFile(path.toStdString())),
            QString("phones.dais.json: /network/groups/2/count: expected an integer >= 1, got -5"));
    }

    /// Whatever bytes come in, the loader answers (ok or an error) and never crashes or throws.
    void neverCrashes() {
        const std::string good =
            withNetwork(R"({"nodes": [{"id": "a"}], "links": [{"from": "a", "to": "a[0]"}]})");
        for (std::size_t cut = 0; cut < good.size(); ++cut) {
            (void)loadScenarioText(good.substr(0, cut), "cut.dais.json");
            std::string flipped = good;
            flipped[cut] = static_cast<char>(~flipped[cut]);
            (void)loadScenarioText(flipped, "flipped.dais.json");
        }
        (void)loadScenarioText(std::string("\0\0\0", 3), "nul.dais.json");
        (void)loadScenarioText("\xEF\xBB\xBF{\"format\": \"dais-scenario\", \"version\": 1}",
                               "bom.dais.json");
    }
};

QTEST_APPLESS_MAIN(TestScenarioLoader)
#include "tst_scenario_loader.moc"
