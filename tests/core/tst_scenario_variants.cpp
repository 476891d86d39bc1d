// Checking an experiment's points by what they change (ScenarioVariants) finds exactly what
// loading each point whole finds: the same messages for good and bad values all over the
// bundled scenarios, the document left as it was, and no whole load for the common changes.
#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dais/core/scenario.h"
#include "scenario_variants.h"

using namespace dais;
using Json = nlohmann::ordered_json;

namespace {

std::string scenarioPath(const std::string& file) {
    return std::string(DAIS_SOURCE_DIR) + "/scenarios/" + file;
}

Json readDocument(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return Json::parse(text.str());
}

/// What loading the whole document with `overrides` says: "" when it loads.
std::string wholeLoad(const Json& doc, const std::string& path,
                      const std::vector<std::string>& overrides) {
    const core::Result<core::Scenario> s = core::loadScenarioDocument(doc, path, overrides);
    return s.ok() ? std::string() : s.error().message;
}

}  // namespace

class TestScenarioVariants : public QObject {
    Q_OBJECT

  private slots:
    void sameAsWholeLoad_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("overrides");
        QTest::addColumn<bool>("whole");    // expected to need a whole load
        QTest::addColumn<bool>("refused");  // the whole load refuses it
        bool refused = false;
        const auto row = [&refused](const char* name, const char* file, QStringList overrides,
                                    bool whole = false) {
            QTest::newRow(name) << QString(file) << overrides << whole << refused;
        };
        // Good values.
        row("run seed", "single-link-queue.dais.json", {"run.seed=9"});
        row("traffic rate", "single-link-queue.dais.json", {"network.traffic.probe.rate=100"});
        row("link latency", "single-link-queue.dais.json", {"network.links.0.latency=\"2ms\""});
        row("two at once", "single-link-queue.dais.json",
            {"network.traffic.probe.rate=100", "network.links.0.bandwidth=\"1Gbps\""});
        row("group count", "phones.dais.json", {"network.groups.eu-new.count=20"});
        row("group access", "phones.dais.json", {"network.groups.0.access.bandwidth=\"1Mbps\""});
        row("layer parameter", "hospitals.dais.json", {"layers.federated.rounds=3"});
        row("gossip fanout", "gossip-epidemic.dais.json", {"layers.gossip.fanout=4"});
        row("fault time", "regional-outage-10k.dais.json", {"network.faults.0.at=\"10s\""});
        row("topology link", "continental-edge-cloud.dais.json",
            {"network.topologies.0.link.latency=\"3ms\""});
        row("meta name", "hospitals.dais.json", {"meta.name=\"x\""});
        row("new run member", "single-link-queue.dais.json", {"run.sample_interval=\"1s\""});
        // Bad values: the schema's messages.
        refused = true;
        row("negative rate", "single-link-queue.dais.json", {"network.traffic.probe.rate=-1"});
        row("bad latency", "single-link-queue.dais.json", {"network.links.0.latency=\"fast\""});
        row("bad distribution", "single-link-queue.dais.json",
            {"network.traffic.probe.size={\"dist\":\"pareto\"}"});
        row("rounds zero", "hospitals.dais.json", {"layers.federated.rounds=0"});
        row("unknown layer parameter", "hospitals.dais.json", {"layers.federated.roundz=3"});
        row("bad choice", "gossip-epidemic.dais.json", {"layers.gossip.mode=\"shout\""});
        row("group count zero", "phones.dais.json", {"network.groups.0.count=0"});
        row("two bad values", "single-link-queue.dais.json",
            {"network.traffic.probe.rate=-1", "run.until=\"soon\""});
        // Bad values: the semantic pass's messages.
        row("until zero", "single-link-queue.dais.json", {"run.until=\"0s\""});
        row("sampling too fine", "hospitals.dais.json", {"run.sample_interval=\"1ns\""});
        row("zero bandwidth", "single-link-queue.dais.json",
            {"network.links.0.bandwidth=\"0bps\""});
        row("unknown link end", "single-link-queue.dais.json", {"network.links.0.to=\"sever\""});
        row("link to itself", "single-link-queue.dais.json", {"network.links.0.to=\"client\""});
        row("traffic to a stranger", "single-link-queue.dais.json",
            {"network.traffic.0.to=[\"nobody\"]"});
        row("stop before start", "single-link-queue.dais.json",
            {"network.traffic.0.start=\"10s\"", "network.traffic.0.stop=\"5s\""});
        row("fault on an unknown region", "regional-outage-10k.dais.json",
            {"network.faults.0.targets=[\"mars\"]"});
        row("fault duration zero", "regional-outage-10k.dais.json",
            {"network.faults.0.duration=\"0s\""});
        row("member out of range after a smaller group", "continental-edge-cloud.dais.json",
            {"network.groups.phones-eu-west.count=1",
             "network.traffic.0.from=[\"phones-eu-west[5]\"]"});
        row("too many nodes", "regional-outage-10k.dais.json",
            {"network.groups.0.count=10000000", "network.groups.1.count=10000000",
             "network.groups.2.count=10000000", "network.groups.3.count=10000000",
             "network.groups.4.count=10000000"});
        // Changes to what the rest is declared against: loaded whole.
        row("regions gateway", "continental-edge-cloud.dais.json",
            {"network.topologies.0.latency_matrix.order=[\"a\",\"b\",\"c\",\"d\"]"}, true);
        row("node id", "single-link-queue.dais.json", {"network.nodes.0.id=\"c\""}, true);
        row("format", "single-link-queue.dais.json", {"format=\"other\""}, true);
        row("version", "single-link-queue.dais.json", {"version=99"}, true);
        refused = false;
        row("group id", "hospitals.dais.json", {"network.groups.0.id=\"x\""}, true);
        row("template", "gossip-epidemic.dais.json", {"network.templates.0.role=\"server\""}, true);
        row("role", "fedprox.dais.json",
            {"network.groups.0.role=\"observer\"", "network.groups.1.role=\"observer\""});
        // Overrides that cannot be applied.
        refused = true;
        row("no such element", "single-link-queue.dais.json", {"network.traffic.nope.rate=1"});
        row("no such member", "single-link-queue.dais.json", {"run.speed=1"});
    }

    void sameAsWholeLoad() {
        QFETCH(QString, file);
        QFETCH(QStringList, overrides);
        QFETCH(bool, whole);
        QFETCH(bool, refused);
        const std::string path = scenarioPath(file.toStdString());
        Json doc = readDocument(path);
        const std::string before = doc.dump();
        std::vector<std::string> assignments;
        for (const QString& o : overrides)
            assignments.push_back(o.toStdString());
        const std::string expected = wholeLoad(doc, path, assignments);
        QCOMPARE(!expected.empty(), refused);

        core::detail::ScenarioVariants variants(doc, path, core::LayerRegistry::installed());
        const core::Result<void> checked = variants.check(assignments);
        const std::string got = checked.ok() ? std::string() : checked.error().message;
        QCOMPARE(QString::fromStdString(got), QString::fromStdString(expected));
        QCOMPARE(QString::fromStdString(doc.dump()), QString::fromStdString(before));
        const bool applies = expected.find("--set") == std::string::npos;
        if (applies) QCOMPARE(variants.wholeLoads(), std::size_t{whole ? 1u : 0u});
    }

    /// Many points in a row leave the document as it was and agree with whole loads.
    void aSequenceOfPoints() {
        const std::string path = scenarioPath("single-link-queue.dais.json");
        Json doc = readDocument(path);
        const std::string before = doc.dump();
        core::detail::ScenarioVariants variants(doc, path, core::LayerRegistry::installed());
        for (int rate : {-5, 0, 10, 1000}) {
            for (const char* latency : {"1ms", "-1ms", "x", "20ms"}) {
                const std::vector<std::string> point = {
                    "network.traffic.probe.rate=" + std::to_string(rate),
                    std::string("network.links.0.latency=\"") + latency + "\""};
                const core::Result<void> checked = variants.check(point);
                QCOMPARE(QString::fromStdString(checked.ok() ? "" : checked.error().message),
                         QString::fromStdString(wholeLoad(doc, path, point)));
            }
        }
        QCOMPARE(QString::fromStdString(doc.dump()), QString::fromStdString(before));
        QCOMPARE(variants.wholeLoads(), std::size_t{0});
    }
};

QTEST_GUILESS_MAIN(TestScenarioVariants)
#include "tst_scenario_variants.moc"
