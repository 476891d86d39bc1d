// Experiments and sweeps: reading the "experiments" section, expanding it into runs, checking
// every point before anything runs, the statistics of the summary, and the executor (the same
// results whatever the number of threads, cancellation, results as bytes).
#include <QtTest>

#include <atomic>
#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/experiment.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/core/sweep.h"
#include "test_layers.h"

using namespace dais;
using core::SweepRunStatus;
using OrderedJson = nlohmann::ordered_json;

namespace {

const std::string kFile = std::string(DAIS_SOURCE_DIR) + "/tests/core/data/sweep.dais.json";

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::string& baseText() {
    static const std::string text = readFile(kFile);
    return text;
}

/// The test scenario with its "experiments" section replaced by `experiments` (JSON text).
std::string withExperiments(const std::string& experiments, const std::string& text = baseText()) {
    OrderedJson doc = OrderedJson::parse(text);
    doc["experiments"] = OrderedJson::parse(experiments);
    return doc.dump(2);
}

core::SweepPlan plan(const std::string& text, const std::string& id,
                     const std::vector<std::string>& overrides = {},
                     const core::LayerRegistry* layers = nullptr) {
    auto p = core::planSweep(text, "sweep.dais.json", overrides, id, layers);
    if (!p.ok()) qFatal("%s", p.error().message.c_str());
    return std::move(p.value());
}

std::string planError(const std::string& text, const std::string& id = "",
                      const std::vector<std::string>& overrides = {},
                      const core::LayerRegistry* layers = nullptr) {
    auto p = core::planSweep(text, "sweep.dais.json", overrides, id, layers);
    return p.ok() ? std::string("(no error)") : p.error().message;
}

std::vector<core::SweepRunResult> runAll(const core::SweepPlan& p, unsigned jobs) {
    std::vector<core::SweepRunResult> out;
    core::SweepOptions options;
    options.jobs = jobs;
    core::runSweep(p, options, [&](core::SweepRunResult&& r) { out.push_back(std::move(r)); });
    return out;
}

/// Bit-identical outcomes: same runs, fingerprints, events, metrics and samples.
void compareResults(const std::vector<core::SweepRunResult>& a,
                    const std::vector<core::SweepRunResult>& b) {
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const core::SweepRunResult& x = a[i];
        const core::SweepRunResult& y = b[i];
        QCOMPARE(x.index, i);
        QCOMPARE(y.index, i);
        QCOMPARE(x.status, y.status);
        QCOMPARE(x.error, y.error);
        QCOMPARE(x.seed, y.seed);
        QCOMPARE(x.report.fingerprint, y.report.fingerprint);
        QCOMPARE(x.report.events, y.report.events);
        QCOMPARE(x.report.metrics.size(), y.report.metrics.size());
        for (std::size_t k = 0; k < x.report.metrics.size(); ++k) {
            const core::MetricReport& m = x.report.metrics[k];
            const core::MetricReport& n = y.report.metrics[k];
            QCOMPARE(m.name, n.name);
            QCOMPARE(m.value, n.value);  // exact: the runs executed the same events
            QCOMPARE(m.count, n.count);
            QCOMPARE(m.mean, n.mean);
            QCOMPARE(m.stddev, n.stddev);
            QCOMPARE(m.p99, n.p99);
        }
        QCOMPARE(x.samples.rows.size(), y.samples.rows.size());
        for (std::size_t k = 0; k < x.samples.rows.size(); ++k) {
            QCOMPARE(x.samples.rows[k].time, y.samples.rows[k].time);
            QCOMPARE(x.samples.rows[k].values.size(), y.samples.rows[k].values.size());
            for (std::size_t c = 0; c < x.samples.rows[k].values.size(); ++c)
                QCOMPARE(x.samples.rows[k].values[c].value, y.samples.rows[k].values[c].value);
        }
    }
}

}  // namespace

class TestExperiment : public QObject {
    Q_OBJECT

  private slots:
    // ---- reading and expanding ---------------------------------------------------------------

    void loaderKeepsExperimentsOutOfAPlainRun() {
        // The same scenario without its experiments runs identically.
        OrderedJson doc = OrderedJson::parse(baseText());
        doc.erase("experiments");
        auto with = core::loadScenarioText(baseText(), "a.dais.json");
        auto without = core::loadScenarioText(doc.dump(), "b.dais.json");
        QVERIFY(with.ok() && without.ok());
        auto a = core::ScenarioRun::prepare(*with);
        auto b = core::ScenarioRun::prepare(*without);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE((*a)->run().fingerprint, (*b)->run().fingerprint);
    }

    void theLoaderKeepsAndChecksExperiments() {
        auto scenario = core::loadScenarioText(baseText(), "sweep.dais.json");
        QVERIFY(scenario.ok());
        QCOMPARE(scenario->experiments.size(), std::size_t{4});
        QCOMPARE(scenario->experiments[1].grid.size(), std::size_t{2});
        QCOMPARE(scenario->experiments[1].seedList, (std::vector<std::uint64_t>{5, 9}));
        // A broken experiments section makes the file invalid, also for a plain run.
        auto broken =
            core::loadScenarioText(withExperiments(R"([{"id": "a"}, {"id": "a"}])"), "s.dais.json");
        QVERIFY(!broken.ok());
        QCOMPARE(broken.error().message,
                 std::string("s.dais.json: /experiments/1/id: duplicate experiment id \"a\" "
                             "(first at /experiments/0/id)"));
    }

    void experimentsInFileOrder() {
        auto experiments = core::loadExperiments(baseText(), "sweep.dais.json");
        QVERIFY2(experiments.ok(), experiments.ok() ? "" : experiments.error().message.c_str());
        QCOMPARE(experiments->size(), std::size_t{4});
        QCOMPARE((*experiments)[0].id, std::string("load"));
        QCOMPARE((*experiments)[0].pointer, std::string("/experiments/0"));
        QCOMPARE((*experiments)[0].kind, core::Experiment::Kind::Grid);
        QCOMPARE((*experiments)[0].description, std::string("Latency against the offered load."));
        QCOMPARE((*experiments)[2].kind, core::Experiment::Kind::Random);
        QCOMPARE((*experiments)[3].kind, core::Experiment::Kind::Replicates);
    }

    void gridIsTheProductLastParameterFastest() {
        const core::SweepPlan p = plan(baseText(), "two");
        QCOMPARE(p.parameters, (std::vector<std::string>{"network.links.0.latency",
                                                         "network.traffic.probe.rate"}));
        QCOMPARE(p.points.size(), std::size_t{4});
        QCOMPARE(p.points[0].label(),
                 std::string("network.links.0.latency=\"1ms\", network.traffic.probe.rate=300"));
        QCOMPARE(p.points[1].label(),
                 std::string("network.links.0.latency=\"1ms\", network.traffic.probe.rate=600"));
        QCOMPARE(p.points[2].label(),
                 std::string("network.links.0.latency=\"20ms\", network.traffic.probe.rate=300"));
        QCOMPARE(p.points[3].overrides(),
                 (std::vector<std::string>{"network.links.0.latency=\"20ms\"",
                                           "network.traffic.probe.rate=600"}));
        QCOMPARE(p.seeds, (std::vector<std::uint64_t>{5, 9}));
        QCOMPARE(p.runs.size(), std::size_t{8});
        for (std::size_t i = 0; i < p.runs.size(); ++i) {
            QCOMPARE(p.runs[i].index, i);
            QCOMPARE(p.runs[i].point, i / 2);
            QCOMPARE(p.runs[i].replicate, i % 2);
            QCOMPARE(p.runs[i].seed, p.seeds[i % 2]);
        }
        // No metrics listed: every final metric, in the order the scenario defines them.
        QCOMPARE(p.metrics.front(), std::string("net.messages.sent"));
        QVERIFY(std::find(p.metrics.begin(), p.metrics.end(), "traffic.probe.latency") !=
                p.metrics.end());
    }

    void seedForms_data() {
        QTest::addColumn<QString>("seeds");
        QTest::addColumn<QString>("runSeed");
        QTest::addColumn<std::vector<std::uint64_t>>("expected");
        QTest::newRow("absent") << ""
                                << "" << std::vector<std::uint64_t>{1};
        QTest::newRow("count") << "3"
                               << "" << std::vector<std::uint64_t>{1, 2, 3};
        QTest::newRow("count from run.seed") << "3"
                                             << "100" << std::vector<std::uint64_t>{100, 101, 102};
        QTest::newRow("count wraps")
            << "2"
            << "18446744073709551615" << std::vector<std::uint64_t>{18446744073709551615u, 0};
        QTest::newRow("list") << "[42, 7, 1000]"
                              << "100" << std::vector<std::uint64_t>{42, 7, 1000};
    }
    void seedForms() {
        QFETCH(QString, seeds);
        QFETCH(QString, runSeed);
        QFETCH(std::vector<std::uint64_t>, expected);
        const std::string seedsMember =
            seeds.isEmpty() ? "" : ", \"seeds\": " + seeds.toStdString();
        const std::string text =
            withExperiments(R"([{"id": "s", "grid": {"network.traffic.probe.rate": [300, 600]})" +
                            seedsMember + "}]");
        std::vector<std::string> overrides;
        if (!runSeed.isEmpty()) overrides.push_back("run.seed=" + runSeed.toStdString());
        const core::SweepPlan p = plan(text, "s", overrides);
        QCOMPARE(p.seeds, expected);
        QCOMPARE(p.runs.size(), 2 * expected.size());
        // Common random numbers: every point runs the same seeds.
        for (const core::SweepRunSpec& r : p.runs)
            QCOMPARE(r.seed, expected[r.replicate]);
    }

    void replicatesRunTheScenarioAsItIs() {
        const core::SweepPlan p = plan(baseText(), "replicates");
        QCOMPARE(p.points.size(), std::size_t{1});
        QVERIFY(p.points[0].values.empty());
        QVERIFY(p.parameters.empty());
        QCOMPARE(p.seeds, (std::vector<std::uint64_t>{7, 11, 13}));
    }

    void randomPointsAreReproducible() {
        const core::SweepPlan a = plan(baseText(), "random");
        const core::SweepPlan b = plan(baseText(), "random");
        QCOMPARE(a.points.size(), std::size_t{4});
        QCOMPARE(a.runs.size(), std::size_t{8});
        for (std::size_t i = 0; i < a.points.size(); ++i)
            QCOMPARE(a.points[i].label(), b.points[i].label());
        // Within their ranges; the latency is a duration written in seconds.
        std::set<std::string> distinct;
        for (const core::SweepPoint& point : a.points) {
            const double rate = point.values[0].value.get<double>();
            QVERIFY(rate >= 100 && rate <= 900);
            const std::string latency = point.values[1].value.get<std::string>();
            QVERIFY2(latency.ends_with("s"), latency.c_str());
            const double seconds = std::stod(latency);
            QVERIFY(seconds >= 0.001 && seconds <= 0.05);
            distinct.insert(point.label());
        }
        QCOMPARE(distinct.size(), a.points.size());
        // Another run.seed draws other points.
        const core::SweepPlan c = plan(baseText(), "random", {"run.seed=2"});
        QVERIFY(c.points[0].label() != a.points[0].label());
    }

    /// The draws are fixed numbers: the same on every machine and in every build.
    void randomPointsAreTheSameEverywhere() {
        // Drawn from the counter-based streams of run.seed 1: integer arithmetic, one IEEE
        // multiply-add for the uniform range and exp/log for the log-scale one.
        const core::SweepPlan p = plan(baseText(), "random");
        const std::vector<std::string> expected = {
            R"(network.traffic.probe.rate=784.6036391249553, network.links.0.latency="0.013395876008183613s")",
            R"(network.traffic.probe.rate=197.50957185986292, network.links.0.latency="0.00250995241084684s")",
            R"(network.traffic.probe.rate=594.4135878698792, network.links.0.latency="0.004401833457761835s")",
            R"(network.traffic.probe.rate=668.322181442231, network.links.0.latency="0.007700287211491111s")"};
        QCOMPARE(p.points.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(p.points[i].label(), expected[i]);
        // Each parameter has its own stream: dropping one leaves the other's draws as they were.
        const std::string single = withExperiments(
            R"([{"id": "random", "random": {"samples": 4, "parameters": {
                  "network.links.0.latency": {"min": "1ms", "max": "50ms", "log": true}}}}])");
        const core::SweepPlan q = plan(single, "random");
        for (std::size_t i = 0; i < p.points.size(); ++i)
            QCOMPARE(q.points[i].values[0].value, p.points[i].values[1].value);
    }

    void randomIntegersAndChoices() {
        const std::string text = withExperiments(
            R"([{"id": "r", "random": {"samples": 200, "parameters": {
                  "network.traffic.probe.rate": {"min": 10.5, "max": 13.5, "integer": true},
                  "run.queue": {"choices": ["heap", "ladder"]},
                  "network.links.0.bandwidth": {"min": "1Mbps", "max": "1Gbps", "log": true,
                                                "integer": true}}}}])");
        const core::SweepPlan p = plan(text, "r");
        std::set<std::int64_t> rates;
        std::set<std::string> queues;
        double lowBandwidth = 0;
        for (const core::SweepPoint& point : p.points) {
            QVERIFY(point.values[0].value.is_number_integer());
            rates.insert(point.values[0].value.get<std::int64_t>());
            queues.insert(point.values[1].value.get<std::string>());
            const std::string bw = point.values[2].value.get<std::string>();
            QVERIFY2(bw.ends_with("bps"), bw.c_str());
            const double bits = std::stod(bw);
            QCOMPARE(bits, std::floor(bits));
            QVERIFY(bits >= 1e6 && bits <= 1e9);
            if (bits < 1e7) ++lowBandwidth;
        }
        QCOMPARE(rates, (std::set<std::int64_t>{11, 12, 13}));
        QCOMPARE(queues, (std::set<std::string>{"heap", "ladder"}));
        // Log-uniform over three decades: about a third of the draws in the first one
        // (binomial, n = 200, p = 1/3: sd 6.7; 30..104 is more than 5 sd either side).
        QVERIFY2(lowBandwidth > 30 && lowBandwidth < 104, QByteArray::number(lowBandwidth));
    }

    void layerParametersAreParameters() {
        auto registry = testing::testRegistry();
        OrderedJson doc = OrderedJson::parse(testing::scenarioWithLayers(R"({"ticker": {}})"));
        doc["experiments"] = OrderedJson::parse(
            R"([{"id": "t", "grid": {"layers.ticker.count": [2, 5]}, "metrics": ["ticker.ticks"]}])");
        const core::SweepPlan p = plan(doc.dump(), "t", {}, registry.get());
        const auto results = runAll(p, 2);
        QCOMPARE(results.size(), std::size_t{2});
        QCOMPARE(core::selectMetric(results[0].report, "ticker.ticks"), std::optional<double>(2));
        QCOMPARE(core::selectMetric(results[1].report, "ticker.ticks"), std::optional<double>(5));
        QCOMPARE(results[0].report.layerVersions.at("ticker"), std::string("1.0.0"));
    }

    // ---- every problem, before any run ---------------------------------------------------

    void invalidExperiments_data() {
        QTest::addColumn<QString>("experiments");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("message");
        const QString f = "sweep.dais.json: ";
        QTest::newRow("unknown path")
            << R"([{"id": "x", "grid": {"network.trafic.probe.rate": [1, 2]}}])"
            << ""
            << f + "/experiments/0/grid/network.trafic.probe.rate: /network/trafic: unknown "
                   "field \"trafic\" (did you mean \"traffic\"?)";
        QTest::newRow("unknown element")
            << R"([{"id": "x", "grid": {"network.traffic.prob.rate": [1, 2]}}])"
            << ""
            << f + "/experiments/0/grid/network.traffic.prob.rate: no element with id \"prob\" "
                   "in /network/traffic (did you mean \"probe\"?)";
        QTest::newRow("bad value at a point")
            << R"([{"id": "x", "grid": {"network.traffic.probe.rate": [100, -5, 200, "fast"]}}])"
            << ""
            << f +
                   "/experiments/0/grid/network.traffic.probe.rate/1: /network/traffic/0/rate: "
                   "expected a number > 0, got -5\n" +
                   f +
                   "/experiments/0/grid/network.traffic.probe.rate/3: "
                   "/network/traffic/0/rate: expected a number > 0 and <= 1000000000, got "
                   "\"fast\"";
        QTest::newRow("bad combination")
            << R"([{"id": "x", "grid": {"network.traffic.probe.start": ["1s", "9s"],
                                         "network.traffic.probe.stop": ["2s", "8s"]}}])"
            << ""
            << f +
                   "/experiments/0/grid: point 2 (network.traffic.probe.start=\"9s\", "
                   "network.traffic.probe.stop=\"2s\"): /network/traffic/0/stop: expected a time "
                   ">= "
                   "start (\"9s\"), got \"2s\"\n" +
                   f +
                   "/experiments/0/grid: point 3 (network.traffic.probe.start=\"9s\", "
                   "network.traffic.probe.stop=\"8s\"): /network/traffic/0/stop: expected a time "
                   ">= start (\"9s\"), got \"8s\"";
        QTest::newRow("empty grid") << R"([{"id": "x", "grid": {}}])"
                                    << ""
                                    << f + "/experiments/0/grid: the grid lists no parameters "
                                           "(write \"PATH\": [value, ...], e.g. "
                                           "\"network.traffic.0.rate\": [100, 200])";
        QTest::newRow("no values")
            << R"([{"id": "x", "grid": {"network.traffic.probe.rate": []}}])"
            << ""
            << f + "/experiments/0/grid/network.traffic.probe.rate: expected a non-empty array, "
                   "got []";
        QTest::newRow("zero seeds")
            << R"([{"id": "x", "seeds": 0}])"
            << "" << f + "/experiments/0/seeds: expected an integer >= 1, got 0";
        QTest::newRow("no seeds")
            << R"([{"id": "x", "seeds": []}])"
            << "" << f + "/experiments/0/seeds: expected an array of 1 to 100000 items, got []";
        QTest::newRow("negative seed")
            << R"([{"id": "x", "seeds": [3, -1]}])"
            << "" << f + "/experiments/0/seeds/1: expected an integer >= 0, got -1";
        QTest::newRow("seed twice")
            << R"([{"id": "x", "seeds": [3, 4, 3]}])"
            << ""
            << f + "/experiments/0/seeds/2: seed 3 is listed twice (first at "
                   "/experiments/0/seeds/0)";
        QTest::newRow("seeds as text")
            << R"([{"id": "x", "seeds": "three"}])"
            << ""
            << f + "/experiments/0/seeds: expected an integer from 1 to 100000 or an array of 1 "
                   "to 100000 items, got \"three\"";
        QTest::newRow("seed as a parameter")
            << R"([{"id": "x", "grid": {"run.seed": [1, 2]}}])"
            << ""
            << f + "/experiments/0/grid/run.seed: the seed is not a parameter: list the seeds "
                   "in \"seeds\" (a count or a list)";
        QTest::newRow("duplicate id")
            << R"([{"id": "x"}, {"id": "y"}, {"id": "x"}])"
            << "x"
            << f + "/experiments/2/id: duplicate experiment id \"x\" (first at "
                   "/experiments/0/id)";
        QTest::newRow("grid and random")
            << R"([{"id": "x", "grid": {"run.until": ["1s"]},
                    "random": {"samples": 2, "parameters": {"run.until": {"min": 1, "max": 2}}}}])"
            << ""
            << f + "/experiments/0: an experiment has \"grid\" or \"random\", not both (split it "
                   "in two)";
        QTest::newRow("min above max")
            << R"([{"id": "x", "random": {"samples": 2, "parameters": {
                    "network.traffic.probe.rate": {"min": 900, "max": 100}}}}])"
            << ""
            << f + "/experiments/0/random/parameters/network.traffic.probe.rate: min (900) is "
                   "greater than max (100)";
        QTest::newRow("log from zero")
            << R"([{"id": "x", "random": {"samples": 2, "parameters": {
                    "network.traffic.probe.rate": {"min": 0, "max": 100, "log": true}}}}])"
            << ""
            << f + "/experiments/0/random/parameters/network.traffic.probe.rate/min: a log scale "
                   "needs min > 0, got 0";
        QTest::newRow("bound without unit")
            << R"([{"id": "x", "random": {"samples": 2, "parameters": {
                    "network.links.0.latency": {"min": "fast", "max": "5ms"}}}}])"
            << ""
            << f + "/experiments/0/random/parameters/network.links.0.latency/min: expected a "
                   "number or a quantity with a unit (\"10ms\", \"100Mbps\", \"1500B\"), got "
                   "\"fast\"";
        QTest::newRow("bounds of two kinds")
            << R"([{"id": "x", "random": {"samples": 2, "parameters": {
                    "network.links.0.latency": {"min": "1ms", "max": "5MB"}}}}])"
            << ""
            << f + "/experiments/0/random/parameters/network.links.0.latency/max: expected a "
                   "duration like min, got \"5MB\"";
        QTest::newRow("range outside what the field takes")
            << R"([{"id": "x", "random": {"samples": 2, "parameters": {
                    "network.traffic.probe.rate": {"min": -10, "max": 100}}}}])"
            << ""
            << f + "/experiments/0/random/parameters/network.traffic.probe.rate/min: "
                   "/network/traffic/0/rate: expected a number > 0, got -10.0";
        QTest::newRow("bad choice")
            << R"([{"id": "x", "random": {"samples": 2, "parameters": {
                    "run.queue": {"choices": ["heap", "calendar"]}}}}])"
            << ""
            << f + "/experiments/0/random/parameters/run.queue/choices/1: /run/queue: expected "
                   "one of \"heap\", \"ladder\", got \"calendar\"";
        QTest::newRow("unknown metric")
            << R"([{"id": "x", "metrics": ["net.latncy", "net.latency.p42"]}])"
            << ""
            << f +
                   "/experiments/0/metrics/0: unknown metric \"net.latncy\" (did you mean "
                   "\"net.latency\"?)\n" +
                   f +
                   "/experiments/0/metrics/1: unknown metric \"net.latency.p42\" (did you "
                   "mean \"net.latency.p50\"?)";
        QTest::newRow("too many runs")
            << R"([{"id": "x", "random": {"samples": 1000000, "parameters": {
                    "network.traffic.probe.rate": {"min": 1, "max": 2}}}, "seeds": 2}])"
            << ""
            << f + "/experiments/0: more than 1,000,000 runs (points x seeds); split the "
                   "experiment";
        QTest::newRow("no experiments")
            << "[]"
            << ""
            << f + "no experiments to run (add an \"experiments\" section: a list of {\"id\", "
                   "\"grid\" or \"random\", \"seeds\", \"metrics\"})";
        QTest::newRow("which experiment")
            << R"([{"id": "a"}, {"id": "b"}])"
            << "" << f + "which experiment? the file has 2 experiments: a, b";
        QTest::newRow("unknown experiment")
            << R"([{"id": "load"}, {"id": "size"}])"
            << "lod"
            << f + "no experiment \"lod\" (did you mean \"load\"?) (the file has: load, size)";
    }
    void invalidExperiments() {
        QFETCH(QString, experiments);
        QFETCH(QString, id);
        QFETCH(QString, message);
        QCOMPARE(QString::fromStdString(
                     planError(withExperiments(experiments.toStdString()), id.toStdString())),
                 message);
    }

    void invalidLayerParameters() {
        auto registry = testing::testRegistry();
        OrderedJson doc = OrderedJson::parse(testing::scenarioWithLayers(R"({"ticker": {}})"));
        doc["experiments"] = OrderedJson::parse(
            R"([{"id": "t", "grid": {"layers.ticker.period": ["1s", "0s"],
                                     "layers.ticker.label": ["a", "c"],
                                     "layers.ticker.cout": [1, 2],
                                     "layers.nope.x": [1]}}])");
        QCOMPARE(QString::fromStdString(planError(doc.dump(), "t", {}, registry.get())),
                 QString("sweep.dais.json: /experiments/0/grid/layers.ticker.period/1: "
                         "/layers/ticker/period: expected a duration (\"250ms\", or seconds) in "
                         "[0.001, 3600] s, got \"0s\"\n"
                         "sweep.dais.json: /experiments/0/grid/layers.ticker.label/1: "
                         "/layers/ticker/label: expected one of \"a\", \"b\", got \"c\"\n"
                         "sweep.dais.json: /experiments/0/grid/layers.ticker.cout: layer "
                         "\"ticker\" has no parameter \"cout\" (did you mean \"count\"?)\n"
                         "sweep.dais.json: /experiments/0/grid/layers.nope.x/0: /layers/nope: "
                         "unknown layer \"nope\" (installed: notary, pricer, ticker, toyledger, "
                         "toyledger2)"));
    }

    void sweepOverridesApplyToEveryPoint() {
        // --set for the whole sweep changes the base; a bad one is reported as --set.
        const core::SweepPlan p = plan(baseText(), "load", {"run.until=2s"});
        QCOMPARE(p.overridesOf(p.runs[4]),
                 (std::vector<std::string>{"run.until=2s", "network.traffic.probe.rate=500"}));
        QVERIFY(planError(baseText(), "load", {"network.speed=3"})
                    .starts_with("sweep.dais.json: --set network.speed=3: /network/speed: "));
    }

    // ---- statistics -------------------------------------------------------------------------

    void sampleStatistics() {
        // 1..5: mean 3, variance 10/4 = 2.5; half-width t(0.975, 4) * sqrt(2.5) / sqrt(5)
        // = 2.7764451051977987 * 0.7071067811865476.
        const std::vector<double> v = {4, 1, 5, 2, 3};
        const core::SampleStats s = core::sampleStats(v);
        QCOMPARE(s.n, std::size_t{5});
        QCOMPARE(s.mean, 3.0);
        QVERIFY(std::abs(s.stddev - std::sqrt(2.5)) < 1e-15);
        QVERIFY(std::abs(s.halfWidth - 1.9632431614775607) < 1e-12);
        QVERIFY(std::abs(s.lower() - (3 - 1.9632431614775607)) < 1e-12);
        QVERIFY(std::abs(s.upper() - (3 + 1.9632431614775607)) < 1e-12);

        // Two values 10 and 12: mean 11, sd sqrt(2), half-width 12.706204736174703 * sqrt(2)
        // / sqrt(2) = t(0.975, 1).
        const core::SampleStats two = core::sampleStats(std::vector<double>{10, 12});
        QCOMPARE(two.mean, 11.0);
        QVERIFY(std::abs(two.halfWidth - 12.706204736174703) < 1e-10);

        // Equal values: no spread, an interval of width zero.
        const core::SampleStats same = core::sampleStats(std::vector<double>{7, 7, 7});
        QCOMPARE(same.stddev, 0.0);
        QCOMPARE(same.halfWidth, 0.0);

        // One value: a mean, no interval.
        const core::SampleStats one = core::sampleStats(std::vector<double>{4.5});
        QCOMPARE(one.n, std::size_t{1});
        QCOMPARE(one.mean, 4.5);
        QCOMPARE(one.stddev, 0.0);
        QVERIFY(std::isnan(one.halfWidth));

        const core::SampleStats none = core::sampleStats(std::vector<double>{});
        QCOMPARE(none.n, std::size_t{0});
        QVERIFY(std::isnan(none.mean));

        // Large offsets do not cancel: 1e9 + {1, 2, 3} has variance 1.
        const core::SampleStats offset =
            core::sampleStats(std::vector<double>{1e9 + 1, 1e9 + 2, 1e9 + 3});
        QCOMPARE(offset.stddev, 1.0);
    }

    /// Critical values of Student's t: NIST/SEMATECH e-Handbook of Statistical Methods,
    /// section 1.3.6.7.2 (three decimals).
    void tQuantilesMatchThePublishedTable_data() {
        QTest::addColumn<double>("df");
        QTest::addColumn<std::vector<double>>("values");  // at 0.90 0.95 0.975 0.99 0.995 0.999
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("1") << 1.0
                           << std::vector<double>{3.078, 6.314, 12.706, 31.821, 63.657, 318.309};
        QTest::newRow("2") << 2.0 << std::vector<double>{1.886, 2.920, 4.303, 6.965, 9.925, 22.327};
        QTest::newRow("3") << 3.0 << std::vector<double>{1.638, 2.353, 3.182, 4.541, 5.841, 10.215};
        QTest::newRow("4") << 4.0 << std::vector<double>{1.533, 2.132, 2.776, 3.747, 4.604, 7.173};
        QTest::newRow("5") << 5.0 << std::vector<double>{1.476, 2.015, 2.571, 3.365, 4.032, 5.893};
        QTest::newRow("10") << 10.0
                            << std::vector<double>{1.372, 1.812, 2.228, 2.764, 3.169, 4.144};
        QTest::newRow("20") << 20.0
                            << std::vector<double>{1.325, 1.725, 2.086, 2.528, 2.845, 3.552};
        QTest::newRow("30") << 30.0
                            << std::vector<double>{1.310, 1.697, 2.042, 2.457, 2.750, 3.385};
        QTest::newRow("100") << 100.0
                             << std::vector<double>{1.290, 1.660, 1.984, 2.364, 2.626, 3.174};
        QTest::newRow("infinity") << inf
                                  << std::vector<double>{1.282, 1.645, 1.960, 2.326, 2.576, 3.090};
    }
    void tQuantilesMatchThePublishedTable() {
        QFETCH(double, df);
        QFETCH(std::vector<double>, values);
        const double p[] = {0.90, 0.95, 0.975, 0.99, 0.995, 0.999};
        for (std::size_t i = 0; i < values.size(); ++i) {
            const double t = core::studentTQuantile(p[i], df);
            // The table rounds to three decimals.
            QVERIFY2(
                std::abs(t - values[i]) <= 0.0005 + 1e-12,
                qPrintable(QString("p %1: %2 vs %3").arg(p[i]).arg(t, 0, 'g', 12).arg(values[i])));
            QCOMPARE(core::studentTQuantile(1 - p[i], df), -t);  // symmetric
        }
    }

    /// Closed forms give exact quantiles for 1, 2 and 4 degrees of freedom; they hold the
    /// computation to 1e-12 anywhere in the range, and large df must approach the normal.
    void tQuantilesMatchClosedForms() {
        for (double p : {0.5000001, 0.6, 0.75, 0.9, 0.975, 0.99, 0.999, 0.99999}) {
            // tan(pi (p - 1/2)), written so that no digits are lost near p = 1.
            const double cauchy = 1 / std::tan(std::numbers::pi * (1 - p));
            QVERIFY2(
                std::abs(core::studentTQuantile(p, 1) - cauchy) <= 1e-12 * std::max(1.0, cauchy),
                qPrintable(QString::number(p)));
            const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
            QVERIFY2(std::abs(core::studentTQuantile(p, 2) - two) <= 1e-12 * std::max(1.0, two),
                     qPrintable(QString::number(p)));
            // The df = 4 form loses digits near the centre itself (acos near 1): there,
            // check F(t) = p with the closed-form distribution function instead.
            const double t4 = core::studentTQuantile(p, 4);
            if (p >= 0.6) {
                const double a = 4 * p * (1 - p);
                const double q = std::cos(std::acos(std::sqrt(a)) / 3) / std::sqrt(a);
                const double four = 2 * std::sqrt(q - 1);
                QVERIFY2(std::abs(t4 - four) <= 1e-12 * std::max(1.0, four),
                         qPrintable(QString::number(p)));
            } else {
                const double s = t4 / std::sqrt(1 + t4 * t4 / 4);
                const double cdf = 0.5 + 0.375 * s * (1 - t4 * t4 / (12 * (1 + t4 * t4 / 4)));
                QVERIFY(std::abs(cdf - p) <= 1e-15);
            }
        }
        QCOMPARE(core::studentTQuantile(0.5, 7), 0.0);
        const double z = core::studentTQuantile(0.975, std::numeric_limits<double>::infinity());
        QVERIFY(std::abs(z - 1.959963984540054) < 1e-12);
        // Either side of the switch to the large-df expansion agrees, and tends to z.
        QVERIFY(std::abs(core::studentTQuantile(0.975, 99999.0) -
                         core::studentTQuantile(0.975, 100000.0)) < 1e-9);
        QVERIFY(std::abs(core::studentTQuantile(0.975, 1e12) - z) < 1e-11);
        QVERIFY(std::isnan(core::studentTQuantile(1.0, 3)));
        QVERIFY(std::isnan(core::studentTQuantile(0.9, 0)));
    }

    // ---- the executor -----------------------------------------------------------------------

    void sameResultsWithAnyNumberOfThreads() {
        const core::SweepPlan p = plan(baseText(), "load");
        const auto one = runAll(p, 1);
        const auto three = runAll(p, 3);
        compareResults(one, three);
        QCOMPARE(one.size(), std::size_t{9});
        for (const core::SweepRunResult& r : one) {
            QCOMPARE(r.status, SweepRunStatus::Completed);
            QCOMPARE(r.samples.rows.size(), std::size_t{5});  // run.sample_interval 1s over 5s
        }
        // Different seeds at a point, the same seeds across points.
        QVERIFY(one[0].report.fingerprint != one[1].report.fingerprint);
        QCOMPARE(one[0].seed, one[3].seed);
    }

    void aSweepRunIsThePlainRun() {
        // A run of a sweep is `dais run FILE --set POINT --seed SEED`, nothing more.
        const core::SweepPlan p = plan(baseText(), "two");
        const auto results = runAll(p, 2);
        const core::SweepRunSpec& spec = p.runs[5];
        auto scenario = core::loadScenarioText(baseText(), "x.dais.json", p.overridesOf(spec));
        QVERIFY(scenario.ok());
        core::RunOptions options;
        options.seed = spec.seed;
        auto run = core::ScenarioRun::prepare(*scenario, options);
        QVERIFY(run.ok());
        const core::RunReport plain = (*run)->run();
        QCOMPARE(results[5].report.fingerprint, plain.fingerprint);
        QCOMPARE(results[5].report.events, plain.events);
    }

    void aFailedRunIsRecordedAndTheSweepGoesOn() {
        auto registry = testing::testRegistry();
        OrderedJson doc = OrderedJson::parse(testing::scenarioWithLayers(R"({"ticker": {}})"));
        doc["experiments"] = OrderedJson::parse(
            R"([{"id": "t", "grid": {"layers.ticker.fail_at": [-1, 3, -1]}, "seeds": 2,
                 "metrics": ["ticker.ticks"]}])");
        const core::SweepPlan p = plan(doc.dump(), "t", {}, registry.get());
        const auto results = runAll(p, 2);
        QCOMPARE(results.size(), std::size_t{6});
        for (const core::SweepRunResult& r : results) {
            if (r.point == 1) {
                QCOMPARE(r.status, SweepRunStatus::Failed);
                QVERIFY2(r.error.find("the ticker was told to fail") != std::string::npos,
                         r.error.c_str());
            } else {
                QCOMPARE(r.status, SweepRunStatus::Completed);
            }
        }
        const auto summary = core::summarizeSweep(p, results);
        QCOMPARE(summary[1].failed, std::size_t{2});
        QCOMPARE(summary[1].completed, std::size_t{0});
        QCOMPARE(summary[1].metrics[0].stats.n, std::size_t{0});
        QCOMPARE(summary[2].completed, std::size_t{2});
        QCOMPARE(summary[2].metrics[0].stats.mean, 10.0);
        QCOMPARE(summary[2].metrics[0].stats.stddev, 0.0);
    }

    void summaryPerPointAndMetric() {
        const core::SweepPlan p = plan(baseText(), "load");
        const auto results = runAll(p, 2);
        const auto summary = core::summarizeSweep(p, results);
        QCOMPARE(summary.size(), std::size_t{3});
        for (std::size_t point = 0; point < 3; ++point) {
            const core::PointSummary& s = summary[point];
            QCOMPARE(s.completed, std::size_t{3});
            QCOMPARE(s.metrics.size(), std::size_t{3});
            QCOMPARE(s.metrics[0].selector, std::string("traffic.probe.latency"));
            QCOMPARE(s.metrics[0].unit, std::string("s"));
            std::vector<double> latencies, p99;
            for (const auto& r : results)
                if (r.point == point) {
                    latencies.push_back(r.report.metric("traffic.probe.latency")->mean);
                    p99.push_back(r.report.metric("traffic.probe.latency")->p99);
                }
            const core::SampleStats expected = core::sampleStats(latencies);
            QCOMPARE(s.metrics[0].stats.n, std::size_t{3});
            QCOMPARE(s.metrics[0].stats.mean, expected.mean);
            QCOMPARE(s.metrics[0].stats.halfWidth, expected.halfWidth);
            QCOMPARE(s.metrics[1].stats.mean, core::sampleStats(p99).mean);
        }
        // More load, longer queues: the M/M/1 trend shows through three seeds.
        QVERIFY(summary[0].metrics[0].stats.mean < summary[2].metrics[0].stats.mean);
        QVERIFY(summary[0].metrics[2].stats.mean < summary[2].metrics[2].stats.mean);
    }

    void cancelStopsRunsInProgressAndSkipsTheRest() {
        // Run 0 is short; runs 1 and 2 would simulate for days. Cancelling as soon as run 0
        // is in ends the sweep: run 1 is stopped where it is, run 2 never starts.
        const std::string text = withExperiments(
            R"([{"id": "c", "grid": {"run.until": ["1s", "300000s", "300000s"]}}])");
        const core::SweepPlan p = plan(text, "c");
        std::atomic<bool> cancel{false};
        std::vector<core::SweepRunResult> results;
        std::vector<core::SweepProgress> progress;
        core::SweepOptions options;
        options.jobs = 1;
        core::runSweep(
            p, options,
            [&](core::SweepRunResult&& r) {
                results.push_back(std::move(r));
                cancel = true;
            },
            &cancel, [&](const core::SweepProgress& pr) { progress.push_back(pr); });
        QCOMPARE(results.size(), std::size_t{3});
        QCOMPARE(results[0].status, SweepRunStatus::Completed);
        QCOMPARE(results[1].status, SweepRunStatus::Cancelled);
        QCOMPARE(results[2].status, SweepRunStatus::Cancelled);
        QCOMPARE(results[1].error, std::string("cancelled"));
        // Run 2 never ran: nothing of it is kept.
        QVERIFY(!results[0].stoppedWhileRunning());
        QVERIFY(!results[2].stoppedWhileRunning());
        QCOMPARE(results[2].report.events, std::uint64_t{0});
        QCOMPARE(progress.back().finished, std::size_t{3});
        QCOMPARE(progress.back().total, std::size_t{3});
        QVERIFY(progress.back().cancelled);
    }

    void aRunStoppedMidWayKeepsWhatItDid() {
        // One run that would simulate for days, cancelled once it is well under way: it comes
        // out Cancelled, with the report and samples of what it did until it was stopped.
        const std::string text =
            withExperiments(R"([{"id": "c", "grid": {"run.until": ["300000s"]}}])");
        const core::SweepPlan p = plan(text, "c");
        core::SweepOptions options;
        options.jobs = 1;
        core::SweepExecutor executor(p, options);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        executor.cancel();
        const std::optional<core::SweepRunResult> r = executor.next();
        QVERIFY(r);
        QCOMPARE(r->status, SweepRunStatus::Cancelled);
        QVERIFY(r->stoppedWhileRunning());
        QCOMPARE(r->report.status, core::RunStatus::Stopped);
        QVERIFY(r->report.events > 0);
        QVERIFY(r->report.simulatedTime > 0);
        QVERIFY(r->report.simulatedTime < 300000 * sim::kSecond);
        QVERIFY(!r->samples.rows.empty());
        QVERIFY(!executor.next());
    }

    void cancelFromAnotherThread() {
        const std::string text =
            withExperiments(R"([{"id": "c", "grid": {"run.until": ["300000s"]}, "seeds": 4}])");
        const core::SweepPlan p = plan(text, "c");
        core::SweepOptions options;
        options.jobs = 2;
        core::SweepExecutor executor(p, options);
        std::thread canceller([&] { executor.cancel(); });
        std::size_t n = 0;
        while (std::optional<core::SweepRunResult> r = executor.next()) {
            QCOMPARE(r->status, SweepRunStatus::Cancelled);
            ++n;
        }
        canceller.join();
        QCOMPARE(n, std::size_t{4});
        QVERIFY(executor.done());
        QCOMPARE(executor.progress().finished, std::size_t{4});
    }

    void subsetOfRuns() {
        // What one process of a distributed sweep does: some of the runs, in order.
        const core::SweepPlan p = plan(baseText(), "load");
        const auto all = runAll(p, 1);
        core::SweepOptions options;
        options.jobs = 2;
        options.runs = std::vector<std::size_t>{7, 1, 4};
        std::vector<core::SweepRunResult> some;
        core::runSweep(p, options, [&](core::SweepRunResult&& r) { some.push_back(std::move(r)); });
        QCOMPARE(some.size(), std::size_t{3});
        QCOMPARE(some[0].index, std::size_t{1});
        QCOMPARE(some[1].index, std::size_t{4});
        QCOMPARE(some[2].index, std::size_t{7});
        QCOMPARE(some[2].report.fingerprint, all[7].report.fingerprint);
        // A share can be empty (more processes than runs).
        options.runs = std::vector<std::size_t>{};
        std::size_t none = 0;
        core::runSweep(p, options, [&](core::SweepRunResult&&) { ++none; });
        QCOMPARE(none, std::size_t{0});
    }

    void sequencerGivesRunOrder() {
        core::ResultSequencer s(4);
        auto result = [](std::size_t i) {
            core::SweepRunResult r;
            r.index = i;
            return r;
        };
        s.push(result(2));
        QVERIFY(!s.pop());
        s.push(result(0));
        QCOMPARE(s.pop()->index, std::size_t{0});
        QVERIFY(!s.pop());
        s.push(result(3));
        s.push(result(1));
        QCOMPARE(s.pop()->index, std::size_t{1});
        QCOMPARE(s.pop()->index, std::size_t{2});
        QCOMPARE(s.pop()->index, std::size_t{3});
        QVERIFY(s.done());
        QVERIFY(!s.pop());
    }

    void resultsTravelAsBytesBitForBit() {
        const core::SweepPlan p = plan(baseText(), "two");
        auto results = runAll(p, 2);
        results[1].status = SweepRunStatus::Failed;
        results[1].error = "a message";
        results[1].report.metrics[0].value = std::numeric_limits<double>::quiet_NaN();
        results[1].report.metrics[1].value = -0.0;
        results[1].report.metrics[2].mean = 0.1 + 0.2;  // not representable as a float
        results[1].report.layerVersions["x"] = "1.2.3";
        for (const core::SweepRunResult& r : results) {
            const std::vector<std::uint8_t> bytes = core::encodeRunResult(r);
            auto back = core::decodeRunResult(bytes);
            QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
            QCOMPARE(back->index, r.index);
            QCOMPARE(back->point, r.point);
            QCOMPARE(back->replicate, r.replicate);
            QCOMPARE(back->seed, r.seed);
            QCOMPARE(back->status, r.status);
            QCOMPARE(back->error, r.error);
            QCOMPARE(back->report.fingerprint, r.report.fingerprint);
            QCOMPARE(back->report.events, r.report.events);
            QCOMPARE(back->report.simulatedTime, r.report.simulatedTime);
            QCOMPARE(back->report.wallSeconds, r.report.wallSeconds);
            QCOMPARE(back->report.layerVersions, r.report.layerVersions);
            QCOMPARE(back->report.busiestLinks.size(), r.report.busiestLinks.size());
            QCOMPARE(back->report.busiestLinks[0].utilisation,
                     r.report.busiestLinks[0].utilisation);
            QCOMPARE(back->report.metrics.size(), r.report.metrics.size());
            for (std::size_t k = 0; k < r.report.metrics.size(); ++k) {
                const auto& a = r.report.metrics[k];
                const auto& b = back->report.metrics[k];
                QCOMPARE(b.name, a.name);
                QCOMPARE(b.unit, a.unit);
                QCOMPARE(b.type, a.type);
                QCOMPARE(b.scope, a.scope);
                QCOMPARE(b.count, a.count);
                for (auto [x, y] : {std::pair{a.value, b.value},
                                    {a.mean, b.mean},
                                    {a.stddev, b.stddev},
                                    {a.p50, b.p50},
                                    {a.p99, b.p99}}) {
                    if (std::isnan(x))
                        QVERIFY(std::isnan(y));
                    else
                        QCOMPARE(std::bit_cast<std::uint64_t>(y), std::bit_cast<std::uint64_t>(x));
                }
            }
            QCOMPARE(back->samples.metrics.size(), r.samples.metrics.size());
            QCOMPARE(back->samples.rows.size(), r.samples.rows.size());
            for (std::size_t k = 0; k < r.samples.rows.size(); ++k) {
                QCOMPARE(back->samples.rows[k].time, r.samples.rows[k].time);
                const auto values = back->samples.valuesOf(k);
                QCOMPARE(values.size(), r.samples.rows[k].values.size());
                QCOMPARE(values[0].info->name, r.samples.metrics[0].name);
                for (std::size_t c = 0; c < values.size(); ++c)
                    QCOMPARE(values[c].p95, r.samples.rows[k].values[c].p95);
            }
        }
        const std::vector<std::uint8_t> bytes = core::encodeRunResult(results[0]);
        const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + bytes.size() / 2);
        auto damaged = core::decodeRunResult(cut);
        QVERIFY(!damaged.ok());
        QVERIFY(damaged.error().message.starts_with("a damaged run result: "));
    }
};

QTEST_GUILESS_MAIN(TestExperiment)
#include "tst_experiment.moc"
