// LayerDefinition: a layer declared once, typed. The descriptor it derives is what the rest of
// DAIS validates against; read() fills every Config field from validated settings, choices as
// enums, units converted; defineMetrics() gives each declared metric its handle.
#include <QtTest>

#include <cstdint>
#include <limits>

#include "dais/core/layer_definition.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "test_layers.h"

using namespace dais;

namespace {

enum class Shape { Round, Square, Star };

struct Config {
    bool loud = false;
    std::uint8_t small = 0;
    std::int64_t count = 0;
    double ratio = 0;
    std::string label;
    Shape shape = Shape::Round;
    sim::SimTime period = 0;
    std::uint64_t size = 0;
    double rate = 0;
};

struct Metrics {
    sim::MetricId ticks = 99, mean = 99, level = 99;
};

using Definition = core::LayerDefinition<Config, Metrics>;

const Definition& definition() {
    static const Definition d = [] {
        Definition def("probe", "Probe", "1.0.0");
        def.summary("Reads every kind of parameter; for tests.");
        def.flag("loud", &Config::loud, false, "A flag.");
        def.integer("small", &Config::small, 7, "items", "Bounded by its field only.");
        def.integer("count", &Config::count, 10, "ticks", "How many ticks.").range(0, 1000);
        def.real("ratio", &Config::ratio, 0.5, "", "A share.").range(0, 1);
        def.text("label", &Config::label, "x", "", "A text.");
        def.choice("shape", &Config::shape, Shape::Square,
                   {{"round", Shape::Round}, {"square", Shape::Square}, {"star", Shape::Star}},
                   "A choice.");
        def.duration("period", &Config::period, "1s", "Time between ticks.").range(0.001, 3600);
        def.size("size", &Config::size, "1kB", "Bytes per tick.").atLeast(1);
        def.bandwidth("rate", &Config::rate, "1Mbps", "A bandwidth.");
        def.role("phone", true, "phones tick");
        def.counter("probe.ticks", &Metrics::ticks, "1", "Ticks so far.");
        def.distribution("probe.mean", &Metrics::mean, "s", "Per tick.");
        def.gauge("probe.level", &Metrics::level, "1", "A level.", sim::MetricScope::Node);
        return def;
    }();
    return d;
}

/// What the probe layer saw in its last setup().
struct Seen {
    Config config;
    Metrics metrics;
    std::vector<std::string> metricNames;
};
Seen seen;

class Probe final : public core::Layer {
  public:
    void setup(core::LayerContext& ctx) override {
        seen.config = definition().read(ctx.params());
        seen.metrics = definition().defineMetrics(ctx);
        seen.metricNames.clear();
        for (sim::MetricId id : {seen.metrics.ticks, seen.metrics.mean, seen.metrics.level})
            seen.metricNames.push_back(ctx.simulation().metrics().info(id).name);
    }
};

core::LayerFactory probeFactory() {
    return {definition().descriptor(), [] { return std::unique_ptr<core::Layer>(new Probe()); }};
}

}  // namespace

class TestLayerDefinition : public QObject {
    Q_OBJECT

    core::Result<core::Scenario> load(const std::string& settings) {
        registry_ = std::make_unique<core::LayerRegistry>();
        (void)registry_->add(probeFactory());
        return core::loadScenarioText(testing::scenarioWithLayers(R"({"probe": )" + settings + "}"),
                                      "t.dais.json", {}, registry_.get());
    }
    void run(const std::string& settings) {
        auto s = load(settings);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        auto r = core::ScenarioRun::prepare(*s);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        (void)(*r)->run();
    }
    std::unique_ptr<core::LayerRegistry> registry_;

  private slots:
    void theDescriptorIsWhatWasDeclared() {
        const core::LayerDescriptor& d = definition().descriptor();
        QVERIFY(core::checkDescriptor(d).empty());
        QCOMPARE(d.id, std::string("probe"));
        QCOMPARE(d.params.size(), std::size_t{9});
        QCOMPARE(d.params[0].name, std::string("loud"));
        QCOMPARE(d.params[0].type, core::ParamType::Bool);
        QCOMPARE(d.params[2].min.value(), 0.0);
        QCOMPARE(d.params[2].max.value(), 1000.0);
        QCOMPARE(d.params[2].unit, std::string("ticks"));
        const core::ParamSpec& shape = *d.param("shape");
        QCOMPARE(shape.type, core::ParamType::Choice);
        QCOMPARE(shape.choices, (std::vector<std::string>{"round", "square", "star"}));
        QCOMPARE(shape.defaultValue, nlohmann::json("square"));  // the text of the enum default
        QCOMPARE(d.param("period")->unit, std::string("s"));
        QCOMPARE(d.param("size")->unit, std::string("B"));
        QCOMPARE(d.param("rate")->unit, std::string("bit/s"));
        QCOMPARE(d.roles.size(), std::size_t{1});
        QCOMPARE(d.metrics.size(), std::size_t{3});
        QCOMPARE(d.metrics[1].type, sim::MetricType::Distribution);
        QCOMPARE(d.metrics[2].scope, sim::MetricScope::Node);
    }

    void anIntegerFieldBoundsItsRange() {
        // "small" declares no range: its uint8_t field gives [0, 255], so 300 is refused by
        // validation instead of wrapping around in the layer.
        const core::ParamSpec& small = *definition().descriptor().param("small");
        QCOMPARE(small.min.value(), 0.0);
        QCOMPARE(small.max.value(), 255.0);
        auto s = load(R"({"small": 300})");
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("/layers/probe/small: expected an integer in [0, 255]") !=
                     std::string::npos,
                 s.error().message.c_str());
    }

    void defaultsFillTheConfig() {
        run("{}");
        QCOMPARE(seen.config.loud, false);
        QCOMPARE(int(seen.config.small), 7);
        QCOMPARE(seen.config.count, std::int64_t{10});
        QCOMPARE(seen.config.ratio, 0.5);
        QCOMPARE(seen.config.label, std::string("x"));
        QCOMPARE(seen.config.shape, Shape::Square);
        QCOMPARE(seen.config.period, sim::kSecond);
        QCOMPARE(seen.config.size, std::uint64_t{1000});
        QCOMPARE(seen.config.rate, 1e6);
    }

    void settingsFillTheConfigInBaseUnits() {
        run(R"({"loud": true, "small": 255, "count": 3, "ratio": 0.25, "label": "y",
                "shape": "star", "period": "250ms", "size": "2KiB", "rate": "5Gbps"})");
        QCOMPARE(seen.config.loud, true);
        QCOMPARE(int(seen.config.small), 255);
        QCOMPARE(seen.config.count, std::int64_t{3});
        QCOMPARE(seen.config.ratio, 0.25);
        QCOMPARE(seen.config.label, std::string("y"));
        QCOMPARE(seen.config.shape, Shape::Star);
        QCOMPARE(seen.config.period, 250 * sim::kMillisecond);
        QCOMPARE(seen.config.size, std::uint64_t{2048});
        QCOMPARE(seen.config.rate, 5e9);
    }

    void metricsAreDefinedByHandle() {
        run("{}");
        QCOMPARE(seen.metricNames,
                 (std::vector<std::string>{"probe.ticks", "probe.mean", "probe.level"}));
        QVERIFY(seen.metrics.ticks != seen.metrics.mean);
        QVERIFY(seen.metrics.mean != seen.metrics.level);
    }

    void aBadChoiceNamesItsChoices() {
        auto s = load(R"({"shape": "stra"})");
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("/layers/probe/shape: expected one of \"round\", "
                                        "\"square\", \"star\", got \"stra\" (did you mean "
                                        "\"star\"?)") != std::string::npos,
                 s.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLayerDefinition)
#include "tst_layer_definition.moc"
