// --set PATH=VALUE: every way of naming a value, adding members the schema knows, refusing
// paths it does not (with a suggestion), and bad values getting the ordinary validation message.
#include <QtTest>

#include <string>
#include <vector>

#include "dais/core/scenario.h"

using namespace dais::core;
using namespace dais::sim;

namespace {

const char* const kBase = R"({
  "format": "dais-scenario", "version": 1,
  "network": {
    "nodes": [{"id": "server"}, {"id": "gw"}],
    "groups": [{"id": "phones", "count": 10, "attach": "gw"}, {"id": "cars", "count": 3}],
    "topologies": [{"generator": "star", "members": ["phones"], "hub": "server"}],
    "traffic": [{"id": "bg", "from": ["phones"], "to": ["server"], "rate": 5}]
  },
  "run": {"until": "10s"}
})";

Result<Scenario> load(const std::vector<std::string>& overrides) {
    return loadScenarioText(kBase, "t.dais.json", overrides);
}

QString errorOf(const Result<Scenario>& r) {
    return r.ok() ? QString("(loaded without error)") : QString::fromStdString(r.error().message);
}

}  // namespace

class TestScenarioOverrides : public QObject {
    Q_OBJECT

  private slots:
    void baseLoads() {
        const Result<Scenario> r = load({});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
    }

    void dotted() {
        const Result<Scenario> r = load({"network.groups.0.count=20", "run.until=30s"});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->network.groups[0].count, std::uint32_t(20));
        QCOMPARE(r->run.until, 30 * kSecond);  // "30s" is not JSON, so it is a string
        QCOMPARE(r->document["network"]["groups"][0]["count"], nlohmann::json(20));
    }

    void pointer() {
        const Result<Scenario> r = load({"/network/groups/1/count=7", "/run/until=2.5"});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->network.groups[1].count, std::uint32_t(7));
        QCOMPARE(r->run.until, 2'500'000'000);
    }

    void byId() {
        const Result<Scenario> r =
            load({"network.groups.cars.count=4", "network.traffic.bg.rate=9.5",
                  "network.nodes.gw.role=router"});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->network.groups[1].count, std::uint32_t(4));
        QCOMPARE(r->network.traffic[0].ratePerSecond, 9.5);
        QCOMPARE(r->network.nodes[1].role, std::string("router"));
    }

    void newMembersTheSchemaKnows() {
        const Result<Scenario> r =
            load({"run.seed=5", "run.queue=heap", "meta.tags=[\"a\", \"b\"]",
                  "network.groups.phones.access.latency=20ms",
                  "network.topologies.0.link.bandwidth=1Gbps", "ui.canvas.zoom=2"});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->run.seed, std::uint64_t(5));
        QVERIFY(r->run.queue == QueueKind::Heap);
        QCOMPARE(r->meta.tags, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(r->network.groups[0].access.latency.a, 20e6);
        QCOMPARE(r->network.topologies[0].link.bandwidthBps, 1e9);
        QCOMPARE(r->ui["canvas"]["zoom"], nlohmann::json(2));
    }

    void jsonValues() {
        const Result<Scenario> r =
            load({"network.nodes.server.position=[3, 4]",
                  "network.traffic.bg.size={\"dist\": \"exponential\", \"mean\": \"1kB\"}",
                  "meta.name=\"quoted\"", "meta.author=plain words = fine"});
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        QCOMPARE(r->network.nodes[0].x.value_or(0), 3.0);
        QCOMPARE(int(r->network.traffic[0].sizeBytes.kind), int(Variate::Kind::Exponential));
        QCOMPARE(r->meta.name, std::string("quoted"));
        QCOMPARE(r->meta.author, std::string("plain words = fine"));
    }

    void problems_data() {
        QTest::addColumn<QStringList>("overrides");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown field with suggestion")
            << QStringList{"run.sed=5"}
            << "t.dais.json: --set run.sed=5: /run/sed: unknown field \"sed\" (did you mean "
               "\"seed\"?)";
        QTest::newRow("unknown field, nothing close")
            << QStringList{"network.blimps=1"}
            << "t.dais.json: --set network.blimps=1: /network/blimps: unknown field \"blimps\"";
        QTest::newRow("unknown nested path")
            << QStringList{"run.until.unit=ms"}
            << "t.dais.json: --set run.until.unit=ms: /run/until is a string, so it has no member "
               "\"unit\"";
        QTest::newRow("new object path with an unknown member")
            << QStringList{"meta.colour.red=1"}
            << "t.dais.json: --set meta.colour.red=1: /meta/colour: unknown field \"colour\"";
        QTest::newRow("inside a new object")
            << QStringList{"network.groups.cars.resources.cpu_gflop=4"}
            << "t.dais.json: --set network.groups.cars.resources.cpu_gflop=4: "
               "/network/groups/1/resources/cpu_gflop: unknown field \"cpu_gflop\" (did you mean "
               "\"cpu_gflops\"?)";
        QTest::newRow("parameter of another generator")
            << QStringList{"network.topologies.0.p=0.3"}
            << "t.dais.json: --set network.topologies.0.p=0.3: /network/topologies/0/p: unknown "
               "field \"p\" (not applicable when \"generator\" is \"star\")";
        QTest::newRow("array elements are not created")
            << QStringList{"network.links.0.loss=0.5"}
            << "t.dais.json: --set network.links.0.loss=0.5: cannot create /network/links/0: "
               "/network/links does not exist, and array elements are never created";
        QTest::newRow("scalar parents are not created")
            << QStringList{"run.sample_interval.unit=s"}
            << "t.dais.json: --set run.sample_interval.unit=s: cannot create "
               "/run/sample_interval/unit: /run/sample_interval is not an object";
        QTest::newRow("no such id")
            << QStringList{"network.groups.phnes.count=5"}
            << "t.dais.json: --set network.groups.phnes.count=5: no element with id \"phnes\" in "
               "/network/groups (did you mean \"phones\"?)";
        QTest::newRow("index out of range")
            << QStringList{"network.groups.7.count=5"}
            << "t.dais.json: --set network.groups.7.count=5: index 7 is out of range: "
               "/network/groups has 2 elements";
        QTest::newRow("no equals sign") << QStringList{"run.seed"}
                                        << "t.dais.json: --set run.seed: expected PATH=VALUE, e.g. "
                                           "run.seed=7";
        QTest::newRow("empty path")
            << QStringList{"=5"} << "t.dais.json: --set =5: the path before \"=\" is empty";
        QTest::newRow("empty part") << QStringList{"run..seed=5"}
                                    << "t.dais.json: --set run..seed=5: the path \"run..seed\" has "
                                       "an empty part";
        QTest::newRow("every bad override is listed")
            << QStringList{"run.sed=1", "run.seed=2", "network.nods=3"}
            << "t.dais.json: --set run.sed=1: /run/sed: unknown field \"sed\" (did you mean "
               "\"seed\"?)\n"
               "t.dais.json: --set network.nods=3: /network/nods: unknown field \"nods\" (did you "
               "mean \"nodes\"?)";
        QTest::newRow("bad value gets the normal message")
            << QStringList{"network.groups.0.count=-5"}
            << "t.dais.json: /network/groups/0/count: expected an integer >= 1, got -5";
        QTest::newRow("bad value by id")
            << QStringList{"network.groups.phones.count=lots"}
            << "t.dais.json: /network/groups/0/count: expected an integer from 1 to 10000000, got "
               "\"lots\"";
        QTest::newRow("bad string value")
            << QStringList{"run.queue=fast"}
            << "t.dais.json: /run/queue: expected one of \"heap\", \"ladder\", got \"fast\"";
        QTest::newRow("semantic problem after an override")
            << QStringList{"network.groups.phones.attach=sever"}
            << "t.dais.json: /network/groups/0/attach: unknown node \"sever\" (did you mean "
               "\"server\"?)";
        QTest::newRow("changing the version")
            << QStringList{"version=2"}
            << "t.dais.json: /version: written for format version 2; this build reads versions up "
               "to 1";
    }
    void problems() {
        QFETCH(QStringList, overrides);
        QFETCH(QString, expected);
        std::vector<std::string> list;
        for (const QString& o : overrides)
            list.push_back(o.toStdString());
        QCOMPARE(errorOf(load(list)), expected);
    }

    /// An existing member the schema does not know may still be replaced; validation then
    /// reports it as usual.
    void existingUnknownMember() {
        nlohmann::ordered_json doc =
            nlohmann::ordered_json::parse(R"({"network": {"grups": [{"count": 1}]}})");
        const Result<void> r = applyOverride(doc, "network.grups.0.count=2");
        QVERIFY(r.ok());
        QCOMPARE(doc["network"]["grups"][0]["count"], nlohmann::ordered_json(2));
    }

    void plainJsonDocument() {
        nlohmann::json doc = nlohmann::json::parse(kBase);
        QVERIFY(applyOverride(doc, "run.seed=11").ok());
        QCOMPARE(doc["run"]["seed"], nlohmann::json(11));
        QVERIFY(applyOverride(doc, "/network/groups/0/count=3").ok());
        QCOMPARE(doc["network"]["groups"][0]["count"], nlohmann::json(3));
        QVERIFY(applyOverride(doc, "sample_interval=1s").ok() == false);
    }

    void failureLeavesDocumentUnchanged() {
        nlohmann::ordered_json doc = nlohmann::ordered_json::parse(kBase);
        const nlohmann::ordered_json before = doc;
        const Result<void> r =
            applyOverride(doc, "meta.info.x=1");  // meta is missing; info unknown
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.error().message),
                 QString("/meta/info: unknown field \"info\""));
        QCOMPARE(doc, before);
    }

    /// An assignment that is not UTF-8 (a path of "layers.fede\xffated") once created a member
    /// no JSON writer could write; it is refused, and the message shows the byte.
    void invalidUtf8AssignmentRefused() {
        nlohmann::ordered_json doc = nlohmann::ordered_json::parse(kBase);
        const nlohmann::ordered_json before = doc;
        for (const std::string& assignment :
             {std::string("layers.fede\xff"
                          "ated.x=1"),
              std::string("meta.name=caf\xc3"), std::string("meta.name=\xed\xa0\x80"),
              std::string("run.seed=\xc0\xaf")}) {
            const Result<void> r = applyOverride(doc, assignment);
            QVERIFY2(!r.ok(), assignment.c_str());
            QVERIFY(r.error().message.starts_with("not UTF-8 text: byte "));
            QVERIFY(r.error().message.find("\\x") != std::string::npos);
            QCOMPARE(doc, before);
        }
        QVERIFY(applyOverride(doc, "meta.name=caf\xc3\xa9 \xf0\x9f\x8c\x8d").ok());
        const Result<Scenario> s =
            load({"layers.fede\xff"
                  "ated.x=1"});
        QCOMPARE(errorOf(s), QString("t.dais.json: --set layers.fede\\xFFated.x=1: not UTF-8 "
                                     "text: byte 12 of the assignment (\\xFF) is not part of a "
                                     "character"));
    }

    void jsonPointerEscapes() {
        nlohmann::ordered_json doc = nlohmann::ordered_json::parse(R"({"ui": {"a/b": {"~x": 1}}})");
        QVERIFY(applyOverride(doc, "/ui/a~1b/~0x=2").ok());
        QCOMPARE(doc["ui"]["a/b"]["~x"], nlohmann::ordered_json(2));
    }
};

QTEST_APPLESS_MAIN(TestScenarioOverrides)
#include "tst_scenario_overrides.moc"
