// The parameters in which runs differ, by JSON pointer, as `dais runs diff` and the studio's
// comparison list them: scenario values, run parameters over them, seeds.
#include <QtTest>

#include <QTemporaryDir>

#include "dais/store/parameter_difference.h"
#include "dais/store/run_store.h"

using namespace dais;
using nlohmann::json;
using store::parameterDifferences;
using store::parameterPointer;
using store::RunRecord;
using store::runValues;

namespace {

const json kDocument = json::parse(R"({
  "format": "dais-scenario",
  "network": {"groups": [{"id": "phones", "count": 10}, {"id": "servers", "count": 2}],
              "traffic": [{"rate": 800}]},
  "run": {"seed": 1, "until": "5s"},
  "ui": {"zoom": 2},
  "a/b": {"c~d": true},
  "empty": {}
})");

RunRecord record(std::uint64_t seed, json parameters = json::object()) {
    RunRecord r;
    r.seed = seed;
    r.parameters = std::move(parameters);
    return r;
}

}  // namespace

class TestParameterDifference : public QObject {
    Q_OBJECT

  private slots:
    void pointersOfParameters_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("pointer");
        QTest::newRow("dotted") << "run.until"
                                << "/run/until";
        QTest::newRow("index") << "network.groups.1.count"
                               << "/network/groups/1/count";
        QTest::newRow("id") << "network.groups.phones.count"
                            << "/network/groups/0/count";
        QTest::newRow("pointer") << "/run/seed"
                                 << "/run/seed";
        QTest::newRow("pointer by id") << "/network/groups/servers/count"
                                       << "/network/groups/1/count";
        QTest::newRow("escaped") << "/a~1b/c~0d"
                                 << "/a~1b/c~0d";
        QTest::newRow("unknown id") << "network.groups.tablets.count"
                                    << "/network/groups/tablets/count";
        QTest::newRow("not in the document") << "run.queue"
                                             << "/run/queue";
    }
    void pointersOfParameters() {
        QFETCH(QString, path);
        QFETCH(QString, pointer);
        QCOMPARE(QString::fromStdString(parameterPointer(path.toStdString(), kDocument)), pointer);
    }

    void valuesOfARun() {
        const auto v = runValues(
            record(7, {{"network.groups.phones.count", 20}, {"run.queue", "heap"}}), kDocument);
        QCOMPARE(v.values.at("/network/groups/0/count"), json(20));
        QCOMPARE(v.values.at("/network/groups/1/count"), json(2));
        QCOMPARE(v.values.at("/run/queue"), json("heap"));
        QCOMPARE(v.values.at("/run/seed"), json(7));
        QCOMPARE(v.values.at("/a~1b/c~0d"), json(true));  // escaped as pointers escape
        QCOMPARE(v.values.at("/empty"), json::object());  // an empty object is a value
        QVERIFY(v.values.count("/ui/zoom") == 0);         // the studio's view state is not
        QVERIFY(v.given.count("/network/groups/0/count") == 1);
        QVERIFY(v.given.count("/run/seed") == 1);  // not the scenario's
        QVERIFY(v.given.count("/network/groups/1/count") == 0);
        QVERIFY(runValues(record(1), kDocument).given.count("/run/seed") == 0);
    }

    void aParameterReplacesWhatIsBelowIt() {
        const auto v = runValues(record(1, {{"network.traffic.0", {{"rate", 5}}}}), kDocument);
        QCOMPARE(v.values.at("/network/traffic/0/rate"), json(5));
        const auto w = runValues(record(1, {{"network.groups", 3}}), kDocument);
        QCOMPARE(w.values.at("/network/groups"), json(3));
        QVERIFY(w.values.count("/network/groups/0/count") == 0);
    }

    void withoutADocumentTheParametersAndSeedRemain() {
        const auto v = runValues(record(4, {{"run.until", "9s"}}), json());
        QCOMPARE(v.values.size(), std::size_t{2});
        QCOMPARE(v.values.at("/run/until"), json("9s"));
        QCOMPARE(v.values.at("/run/seed"), json(4));
    }

    void differences() {
        const auto a = runValues(record(1), kDocument);
        const auto b = runValues(record(5, {{"network.groups.phones.count", 11}}), kDocument);
        const auto c = runValues(record(1, {{"run.queue", "heap"}}), kDocument);
        const auto d = parameterDifferences({a, b, c});
        QCOMPARE(d.size(), std::size_t{3});
        QCOMPARE(d[0].pointer, std::string("/network/groups/0/count"));
        QCOMPARE(d[0].values, (std::vector<std::optional<json>>{json(10), json(11), json(10)}));
        QVERIFY(d[0].given);
        QCOMPARE(d[1].pointer, std::string("/run/queue"));
        QCOMPARE(d[1].values,
                 (std::vector<std::optional<json>>{std::nullopt, std::nullopt, json("heap")}));
        QCOMPARE(d[2].pointer, std::string("/run/seed"));
        QVERIFY(parameterDifferences({a, a}).empty());
        QVERIFY(parameterDifferences({}).empty());
    }

    void valuesReadFromAStore() {
        QTemporaryDir dir;
        auto s = store::RunStore::open(dir.filePath("runs.sqlite").toStdString());
        QVERIFY(s.ok());
        auto hash = (*s)->putScenario("x", kDocument.dump());
        QVERIFY(hash.ok());
        RunRecord r = record(3, {{"network.groups.servers.count", 4}});
        r.scenarioHash = *hash;
        auto v = runValues(**s, r);
        QVERIFY(v.ok());
        QCOMPARE(v->values.at("/network/groups/1/count"), json(4));
        QCOMPARE(v->values.at("/run/until"), json("5s"));
        r.scenarioHash = "0000000000000000";
        QVERIFY(!runValues(**s, r).ok());  // no such scenario
    }
};

QTEST_GUILESS_MAIN(TestParameterDifference)
#include "tst_parameter_difference.moc"
