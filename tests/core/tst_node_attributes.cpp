// Node attributes: what a layer declares it reads of each node, written in a scenario per node,
// group or template, checked by the loader like parameters and read at run time by handle.
#include <QtTest>

#include <string>

#include "dais/core/node_attributes.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "test_layers.h"

using namespace dais;
using testing::PricerLayer;

namespace {

/// A scenario running the pricer: a template "gpu-box", nodes a (from it, price overridden),
/// b (its own hardware), c (nothing), and a group of three from the template.
std::string pricerScenario(const std::string& extra = "") {
    return R"({"format": "dais-scenario", "version": 1, "meta": {"name": "t"},
      "network": {
        "templates": [{"id": "gpu-box", "attributes": {"pricer": {"hardware": "gpu", "price": 2.5,
                       "warmup": "250ms"}}}],
        "nodes": [{"id": "a", "template": "gpu-box", "attributes": {"pricer": {"price": 4}}},
                  {"id": "b", "attributes": {"pricer": {"hardware": "gpu", "stake": 1000}}},
                  {"id": "c"})" +
           extra + R"(],
        "groups": [{"id": "racks", "count": 3, "template": "gpu-box",
                    "attributes": {"pricer": {"stake": 7}}}]},
      "layers": {"pricer": {}}, "run": {"seed": 1, "until": "1s"}})";
}

}  // namespace

class TestNodeAttributes : public QObject {
    Q_OBJECT
    std::unique_ptr<core::LayerRegistry> registry_ = testing::testRegistry();

    QString errorOf(const std::string& text) {
        auto s = core::loadScenarioText(text, "t.dais.json", {}, registry_.get());
        return s.ok() ? QString("(loaded)") : QString::fromStdString(s.error().message);
    }

  private slots:
    void declaredAttributesAreChecked() {
        QVERIFY(core::checkDescriptor(PricerLayer::factory().descriptor).empty());
        core::LayerDescriptor d = PricerLayer::factory().descriptor;
        d.attributes.push_back(d.attributes.front());
        d.attributes.back().defaultValue = 500;
        const auto problems = core::checkDescriptor(d);
        QCOMPARE(problems.size(), std::size_t(2));
        QCOMPARE(problems[0], std::string("layer \"pricer\": attribute \"price\": declared twice"));
        QVERIFY(problems[1].find("the default is invalid") != std::string::npos);
    }

    void valuesComeFromNodeGroupTemplateOrDefault() {
        auto s = core::loadScenarioText(pricerScenario(), "t.dais.json", {}, registry_.get());
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().message.c_str());
        const auto& seen = PricerLayer::seen;
        QCOMPARE(seen.size(), std::size_t(6));  // a, b, c, racks[0..2]
        // a: the template's hardware and warm-up, its own price.
        QCOMPARE(seen[0].price, 4.0);
        QCOMPARE(seen[0].hardware, std::string("gpu"));
        QCOMPARE(seen[0].warmup, 250 * sim::kMillisecond);
        QCOMPARE(seen[0].stake, std::int64_t(0));
        QVERIFY(seen[0].priceGiven);
        // b: its own hardware and stake, the declared defaults for the rest.
        QCOMPARE(seen[1].price, 1.0);
        QVERIFY(!seen[1].priceGiven);
        QCOMPARE(seen[1].hardware, std::string("gpu"));
        QCOMPARE(seen[1].stake, std::int64_t(1000));
        QCOMPARE(seen[1].warmup, sim::kSecond);
        // c: defaults only.
        QCOMPARE(seen[2].hardware, std::string("cpu"));
        QVERIFY(!seen[2].priceGiven);
        // Every member of the group: the template's values and the group's stake.
        for (std::size_t i = 3; i < 6; ++i) {
            QCOMPARE(seen[i].price, 2.5);
            QCOMPARE(seen[i].hardware, std::string("gpu"));
            QCOMPARE(seen[i].stake, std::int64_t(7));
            QCOMPARE(seen[i].warmup, 250 * sim::kMillisecond);
        }
    }

    void badValuesAreNamedWhereTheyAreWritten_data() {
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("problem");
        QTest::newRow("out of range")
            << R"(, {"id": "d", "attributes": {"pricer": {"price": 500}}})"
            << "t.dais.json: /network/nodes/3/attributes/pricer/price: expected a number in "
               "[0, 100], got 500";
        QTest::newRow("wrong type")
            << R"(, {"id": "d", "attributes": {"pricer": {"warmup": true}}})"
            << "t.dais.json: /network/nodes/3/attributes/pricer/warmup:";
        QTest::newRow("not a choice")
            << R"(, {"id": "d", "attributes": {"pricer": {"hardware": "gpus"}}})"
            << "t.dais.json: /network/nodes/3/attributes/pricer/hardware: expected";
        QTest::newRow("undeclared")
            << R"(, {"id": "d", "attributes": {"pricer": {"prise": 2}}})"
            << "t.dais.json: /network/nodes/3/attributes/pricer/prise: layer \"pricer\" has no "
               "node attribute \"prise\" (it declares price, hardware, stake, warmup) (did you "
               "mean \"price\"?)";
        QTest::newRow("unknown layer")
            << R"(, {"id": "d", "attributes": {"pricr": {"price": 2}}})"
            << "t.dais.json: /network/nodes/3/attributes/pricr: attributes for unknown layer "
               "\"pricr\" (did you mean \"pricer\"?)";
        QTest::newRow("not an object") << R"(, {"id": "d", "attributes": {"pricer": 3}})"
                                       << "t.dais.json: /network/nodes/3/attributes/pricer:";
    }
    void badValuesAreNamedWhereTheyAreWritten() {
        QFETCH(QString, extra);
        QFETCH(QString, problem);
        const QString error = errorOf(pricerScenario(extra.toStdString()));
        QVERIFY2(error.contains(problem), qPrintable(error));
    }

    void aTemplatesBadValueIsNamedInTheTemplate() {
        std::string text = pricerScenario();
        const std::string from = R"("price": 2.5,)";
        text.replace(text.find(from), from.size(), R"("price": -1,)");
        const QString error = errorOf(text);
        QVERIFY2(error.contains("/network/templates/0/attributes/pricer/price: expected a number "
                                "in [0, 100]"),
                 qPrintable(error));
    }

    void readingAnUndeclaredAttributeIsADefect() {
        auto s = core::loadScenarioText(pricerScenario(), "t.dais.json", {}, registry_.get());
        QVERIFY(s.ok());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(run.ok());
        sim::Simulation sim;
        sim::NetworkSpec spec;
        spec.nodes.push_back(sim::NodeSpec{"a", "", "", {}, {}, {}});
        auto net = sim::Network::build(sim, spec);
        QVERIFY(net.ok());
        const core::LayerDescriptor descriptor = PricerLayer::factory().descriptor;
        const auto attrs = core::NodeAttributes::build(descriptor, *s, *net.value());
        QVERIFY_THROWS_EXCEPTION(core::LayerError, attrs->id("colour"));
        QVERIFY_THROWS_EXCEPTION(core::LayerError, attrs->text(0, attrs->id("price")));
        QVERIFY_THROWS_EXCEPTION(core::LayerError, attrs->number(0, attrs->id("hardware")));
        QVERIFY_THROWS_EXCEPTION(core::LayerError, attrs->duration(0, attrs->id("stake")));
        // Node "a" of this network takes the scenario's values for "a".
        QCOMPARE(attrs->number(0, attrs->id("price")), 4.0);
    }
};

QTEST_GUILESS_MAIN(TestNodeAttributes)
#include "tst_node_attributes.moc"
