// The federated layer on the simulated network: training reaches the accuracy of the data,
// results do not depend on the number of training threads, deadlines make stragglers, crashed
// clients drop out, and bad settings are refused with their message.
#include <QtTest>

#include <algorithm>
#include <map>

#include <sys/stat.h>

#include <QTemporaryDir>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/fl/dataset.h"
#include "dais/fl/model.h"
#include "dais/fl/partition.h"
#include "dais/fl/train.h"
#include "dais/layers/federated.h"
#include "fl_layer_util.h"

using namespace dais;

using fltest::metric;
using fltest::scenario;

namespace {

/// Another layer of the run that keeps the processor of node "slow" busy from the start:
/// `flops` of work on its CPU (parameter "flops"; 0: none).
class HogLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerFactory f;
        f.descriptor.id = "hog";
        f.descriptor.name = "Hog";
        f.descriptor.version = "1.0.0";
        f.descriptor.summary = "Keeps one node's processor busy; for tests.";
        f.descriptor.params = {
            {"flops", core::ParamType::Real, 0, 0.0, 1e18, "FLOP", "Work to do.", {}}};
        f.create = []() -> std::unique_ptr<core::Layer> { return std::make_unique<HogLayer>(); };
        return f;
    }
    void setup(core::LayerContext& ctx) override { compute_ = &ctx.compute(); }
    void start(core::LayerContext& ctx) override {
        const double flops = ctx.params().real("flops");
        if (flops > 0)
            compute_->start(ctx.network().findNode("slow"), flops, sim::ComputeOccupancy::Unit::Cpu,
                            &HogLayer::onDone, this);
    }

  private:
    static void onDone(void*, const sim::ComputeOccupancy::Finished&) {}
    sim::ComputeOccupancy* compute_ = nullptr;
};

}  // namespace

class TestFlLayer : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;
    QTemporaryDir tmp_;

    core::RunReport run(const std::string& text) { return fltest::runText(text, registry_); }
    QString errorOfPrepare(const std::string& text) {
        return fltest::errorOfPrepare(text, registry_);
    }
    /// Why the scenario is refused with this memory limit, or "(prepared)".
    QString refusalWithin(const std::string& text, std::uint64_t limit) {
        auto s = core::loadScenarioText(text, "fl.dais.json", {}, &registry_);
        if (!s) return QString::fromStdString(s.error().message);
        core::RunOptions o;
        o.memoryLimit = core::MemoryLimit{limit, "allowed by DAIS_MEMORY_LIMIT"};
        auto r = core::ScenarioRun::prepare(*s, o);
        return r ? QString("(prepared)") : QString::fromStdString(r.error().message);
    }
    /// The usual scenario reading another data file.
    static std::string withDataFile(const std::string& path, const std::string& settings = "") {
        std::string text = scenario(settings);
        const std::string digits = std::string(DAIS_SOURCE_DIR) + "/scenarios/data/digits.csv";
        return text.replace(text.find(digits), digits.size(), path);
    }
    /// The usual scenario without its CSV data settings (for settings that name other data).
    static std::string withoutCsv(std::string text) {
        const std::string digits = "\"data\": \"csv\", \"data_file\": \"" +
                                   std::string(DAIS_SOURCE_DIR) +
                                   "/scenarios/data/digits.csv\", \"label_column\": \"digit\", ";
        return text.replace(text.find(digits), digits.size(), "");
    }
    static constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(layers::federated::factory()).ok());
        QVERIFY(registry_.add(HogLayer::factory()).ok());
    }

    void iidFedAvgLearnsDigits() {
        const core::RunReport r = run(scenario(R"("rounds": 30)"));
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.round"), 30.0);
        QCOMPARE(metric(r, "federated.participants"), 10.0);
        // Centralised logistic regression reaches about 97% on this split; 30 rounds of FedAvg
        // over IID clients get most of the way.
        QVERIFY2(metric(r, "federated.accuracy") > 0.92,
                 qPrintable(QString::number(metric(r, "federated.accuracy"))));
        // Every model and update is 650 float32 parameters: 2,600 bytes.
        QCOMPARE(metric(r, "federated.bytes.down"), 30 * 10 * 2600.0);
        QCOMPARE(metric(r, "federated.bytes.up"), 30 * 10 * 2600.0);
        QCOMPARE(metric(r, "federated.stragglers"), 0.0);
        // One loss change a round; training settles, so later changes are small.
        QCOMPARE(r.metric("federated.loss_change")->count, std::uint64_t(30));
        QVERIFY(r.metric("federated.loss_change")->p50 < 0.05);
    }

    void iidFedAvgMatchesCentralisedTraining() {
        // The reference: one logistic regression trained on all the training rows, on the
        // split and standardisation the layer makes (test_fraction 0.2, the layer's stream).
        fl::Dataset d = fl::loadCsv(DAIS_SOURCE_DIR "/scenarios/data/digits.csv", "digit");
        sim::RngStream split(1, "federated", 0, "data");
        const fl::Split rows = fl::stratifiedSplit(fl::DataView::all(d), 0.2, split);
        fl::Standardizer::fit(fl::DataView::of(d, rows.train)).apply(d);
        const fl::Model model(fl::ModelSpec::logistic(d.dimension(), d.classes));
        fl::TrainOptions o;
        o.learningRate = 0.05;
        o.batchSize = 16;
        o.epochs = 40;
        sim::RngStream shuffle(1, "test", 0, "centralised");
        const fl::TrainResult t =
            fl::trainLocal(model, Eigen::VectorXd::Zero(Eigen::Index(model.parameterCount())),
                           fl::DataView::of(d, rows.train), o, shuffle);
        const double central =
            fl::evaluate(model, t.params, fl::DataView::of(d, rows.test)).accuracy;
        // Twenty IID clients holding every training row between them, all in every round.
        const core::RunReport r = run(
            scenario(R"("rounds": 40, "epochs": 5, "fraction": 1.0, "client_test_fraction": 0)"));
        const double federated = metric(r, "federated.accuracy");
        qInfo("digits: centralised %.2f%%, FedAvg over 20 IID clients %.2f%%", 100 * central,
              100 * federated);
        QVERIFY(central > 0.95);
        // The test set has 360 rows: 1.5 points is 5 of them.
        QVERIFY2(federated >= central - 0.015,
                 qPrintable(QString("%1 against %2").arg(federated).arg(central)));
    }

    void oneClientFedAvgIsCentralisedSgd() {
        // With one client taking part in every round, FedAvg is that client's SGD continued
        // round after round: each round one epoch from the last model, shuffled by the
        // client's stream for the round. Replay it outside the layer, step for step.
        fl::Dataset d = fl::loadCsv(DAIS_SOURCE_DIR "/scenarios/data/digits.csv", "digit");
        sim::RngStream split(1, "federated", 0, "data");
        const fl::Split rows = fl::stratifiedSplit(fl::DataView::all(d), 0.2, split);
        fl::Standardizer::fit(fl::DataView::of(d, rows.train)).apply(d);
        fl::PartitionOptions one;
        one.clients = 1;
        one.testFraction = 0;
        one.seed = 1;
        const fl::Partition part = fl::Partition::make(fl::DataView::of(d, rows.train), one);
        const fl::Model model(fl::ModelSpec::logistic(d.dimension(), d.classes));
        fl::TrainOptions o;
        o.learningRate = 0.05;
        o.batchSize = 16;
        o.epochs = 1;
        Eigen::VectorXd w = Eigen::VectorXd::Zero(Eigen::Index(model.parameterCount()));
        for (int round = 1; round <= 5; ++round) {
            // The client is node 1 (the server is node 0).
            sim::RngStream rng(1, "federated", 1, "train/" + std::to_string(round));
            w = fl::trainLocal(model, w, part.trainView(d, 0), o, rng).params;
        }
        const fl::Evaluation central = fl::evaluate(model, w, fl::DataView::of(d, rows.test));
        const core::RunReport r = run(
            scenario(R"("rounds": 5, "epochs": 1, "fraction": 1.0, "client_test_fraction": 0)", 1));
        QCOMPARE(metric(r, "federated.participants"), 1.0);
        QCOMPARE(metric(r, "federated.accuracy"), central.accuracy);
        // The server's weighted mean of one model is that model up to rounding (w s / s).
        QVERIFY2(
            std::abs(metric(r, "federated.loss") - central.loss) < 1e-9 * central.loss,
            qPrintable(QString("%1 vs %2").arg(metric(r, "federated.loss")).arg(central.loss)));
    }

    void fedSgdIsFullBatchGradientDescent() {
        // FedSGD: each client takes one full-batch gradient step and the server averages the
        // results weighted by the clients' sizes. sum_k n_k (w - lr g_k) / n = w - lr g, with
        // g the gradient of the mean loss over all their rows: one step of gradient descent on
        // the pooled data. Client sizes are unequal (power-law partition).
        fl::Dataset d = fl::loadCsv(DAIS_SOURCE_DIR "/scenarios/data/digits.csv", "digit");
        sim::RngStream split(1, "federated", 0, "data");
        const fl::Split rows = fl::stratifiedSplit(fl::DataView::all(d), 0.2, split);
        fl::Standardizer::fit(fl::DataView::of(d, rows.train)).apply(d);
        const fl::Model model(fl::ModelSpec::logistic(d.dimension(), d.classes));
        fl::TrainOptions o;
        o.learningRate = 0.5;
        o.batchSize = rows.train.size();
        o.epochs = 1;
        Eigen::VectorXd w = Eigen::VectorXd::Zero(Eigen::Index(model.parameterCount()));
        sim::RngStream unused(1, "test", 0, "gd");
        for (int step = 0; step < 10; ++step)
            w = fl::trainLocal(model, w, fl::DataView::of(d, rows.train), o, unused).params;
        const fl::Evaluation gd = fl::evaluate(model, w, fl::DataView::of(d, rows.test));

        const core::RunReport r = run(scenario(
            R"("rounds": 10, "epochs": 1, "fraction": 1.0, "client_test_fraction": 0,
               "partition": "power-law", "batch_size": 100000, "learning_rate": 0.5)"));
        QCOMPARE(metric(r, "federated.participants"), 20.0);
        QCOMPARE(metric(r, "federated.accuracy"), gd.accuracy);
        // The same sums in another order: equal up to rounding.
        QVERIFY2(std::abs(metric(r, "federated.loss") - gd.loss) < 1e-9 * gd.loss,
                 qPrintable(QString("%1 vs %2").arg(metric(r, "federated.loss")).arg(gd.loss)));
    }

    void fedProxBeatsFedAvgWithStragglers() {
        // The FedProx paper's finding on Synthetic(1, 1) with 90% stragglers, on the bundled
        // scenario: over ten seeds FedProx (partial work kept, mu = 1) is more accurate than
        // FedAvg (stragglers dropped) every time, and its training loss moves less.
        auto runSeed = [this](std::uint64_t seed, const std::vector<std::string>& set) {
            auto s = core::loadScenarioFile(DAIS_SOURCE_DIR "/scenarios/fedprox.dais.json", set,
                                            &registry_);
            if (!s) qFatal("%s", s.error().message.c_str());
            core::RunOptions o;
            o.seed = seed;
            auto r = core::ScenarioRun::prepare(*s, o);
            if (!r) qFatal("%s", r.error().message.c_str());
            return (*r)->run();
        };
        double accAvg = 0, accProx = 0, jumpAvg = 0, jumpProx = 0;
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            const core::RunReport avg = runSeed(seed, {});
            const core::RunReport prox =
                runSeed(seed, {"layers.federated.stragglers=partial", "layers.federated.mu=1"});
            const double a = metric(avg, "federated.accuracy");
            const double p = metric(prox, "federated.accuracy");
            QVERIFY2(p > a,
                     qPrintable(QString("seed %1: FedProx %2, FedAvg %3").arg(seed).arg(p).arg(a)));
            accAvg += a / 10;
            accProx += p / 10;
            jumpAvg += avg.metric("federated.loss_change")->max / 10;
            jumpProx += prox.metric("federated.loss_change")->max / 10;
        }
        qInfo(
            "over 10 seeds: accuracy FedAvg %.1f%%, FedProx %.1f%%; largest loss change "
            "FedAvg %.3f, FedProx %.3f",
            100 * accAvg, 100 * accProx, jumpAvg, jumpProx);
        QVERIFY(accProx > accAvg + 0.3);
        QVERIFY(jumpProx < jumpAvg);
    }

    void robustRulesResistSignFlipping_data() {
        QTest::addColumn<QString>("aggregator");
        QTest::newRow("median") << "median";
        QTest::newRow("trimmed mean") << "trimmed-mean";
        QTest::newRow("Multi-Krum") << "multi-krum";
    }
    void robustRulesResistSignFlipping() {
        // Four of twenty clients send minus five times their update every round.
        QFETCH(QString, aggregator);
        const std::string base = R"("rounds": 30, "fraction": 1.0, "byzantine": 4, "trim": 0.2)";
        const std::string attack =
            R"(, "attack": "sign-flip", "attackers": 0.2, "attack_scale": 5)";
        const std::string rule = ", \"aggregator\": \"" + aggregator.toStdString() + "\"";
        const double clean = metric(run(scenario(base)), "federated.accuracy");
        const double fedavg = metric(run(scenario(base + attack)), "federated.accuracy");
        const double robust = metric(run(scenario(base + rule + attack)), "federated.accuracy");
        qInfo("%s: clean FedAvg %.1f%%, attacked FedAvg %.1f%%, attacked %s %.1f%%",
              qPrintable(aggregator), 100 * clean, 100 * fedavg, qPrintable(aggregator),
              100 * robust);
        QVERIFY2(fedavg < 0.5, qPrintable(QString::number(fedavg)));  // collapses
        QVERIFY2(robust > clean - 0.02, qPrintable(QString("%1 vs %2").arg(robust).arg(clean)));
    }

    void threadsDoNotChangeTheRun() {
        const core::RunReport a = run(scenario(R"("rounds": 5, "threads": 1)"));
        const core::RunReport b = run(scenario(R"("rounds": 5, "threads": 3)"));
        QCOMPARE(a.fingerprint, b.fingerprint);
        QCOMPARE(metric(a, "federated.accuracy"), metric(b, "federated.accuracy"));
        QCOMPARE(metric(a, "federated.loss"), metric(b, "federated.loss"));
        const core::RunReport c = run(scenario(R"("rounds": 5, "model": "mlp", "hidden": "16")"));
        QVERIFY(c.fingerprint != a.fingerprint);
        // The same messages at the same times, but another model learnt: the fingerprint
        // holds a digest of every round's global model, so it tells them apart.
        const core::RunReport d = run(scenario(R"("rounds": 5, "learning_rate": 0.1)"));
        QCOMPARE(d.events, a.events);
        QVERIFY(d.fingerprint != a.fingerprint);
    }

    void deadlineMakesStragglers() {
        // A client trains 2 epochs over about 58 rows in batches of 16: 8 steps of 6 x 650 x 16
        // floating-point operations. At 20 GFLOP/s that is microseconds; at 0.001 GFLOP/s each
        // step takes 62 ms, the round half a second, and a 0.3 s deadline cuts every client off.
        std::string slow = scenario(R"("rounds": 3, "deadline": "0.3s", "default_gflops": 0.001)");
        slow.replace(slow.find(R"("resources": {"cpu_gflops": 20}, )"),
                     std::string(R"("resources": {"cpu_gflops": 20}, )").size(), "");
        const core::RunReport dropped = run(slow);
        QCOMPARE(metric(dropped, "federated.stragglers"), 30.0);
        QCOMPARE(metric(dropped, "federated.participants"), 0.0);
        std::string partial = slow;
        partial.replace(partial.find(R"("deadline": "0.3s")"), 18,
                        R"("deadline": "0.3s", "stragglers": "partial")");
        const core::RunReport p = run(partial);
        QCOMPARE(metric(p, "federated.stragglers"), 0.0);
        QCOMPARE(metric(p, "federated.partial"), 30.0);
        QCOMPARE(metric(p, "federated.participants"), 10.0);
    }

    /// The usual scenario with a slow client ("slow", 0.001 GFLOP/s: its training takes about
    /// half a second where the others take microseconds) and faults added.
    static std::string withSlowClientAndFaults(const std::string& settings,
                                               const nlohmann::json& faults) {
        nlohmann::json doc = nlohmann::json::parse(scenario(settings));
        doc["network"]["nodes"].push_back(
            {{"id", "slow"}, {"role", "client"}, {"resources", {{"cpu_gflops", 0.001}}}});
        doc["network"]["links"] = {
            {{"from", "slow"}, {"to", "server"}, {"latency", "20ms"}, {"bandwidth", "20Mbps"}}};
        doc["network"]["faults"] = faults;
        return doc.dump();
    }

    // A client that crashes while it trains drops out when it crashes: the round closes then,
    // not when its training would have ended (nor at a deadline).
    void crashedClientDropsOutAtOnce() {
        const std::string settings = R"("rounds": 1, "fraction": 1, "deadline": "10s")";
        const core::RunReport whole =
            run(withSlowClientAndFaults(settings, nlohmann::json::array()));
        QVERIFY2(metric(whole, "federated.round_time") > 0.4,
                 qPrintable(QString::number(metric(whole, "federated.round_time"))));
        QCOMPARE(metric(whole, "federated.participants"), 21.0);
        const core::RunReport crashed = run(withSlowClientAndFaults(
            settings, {{{"at", "0.1s"}, {"kind", "crash"}, {"targets", {"slow"}}}}));
        QCOMPARE(crashed.status, core::RunStatus::Completed);
        QCOMPARE(metric(crashed, "federated.dropouts"), 1.0);
        QCOMPARE(metric(crashed, "federated.participants"), 20.0);
        QCOMPARE(metric(crashed, "federated.round_time"), 0.1);
        QCOMPARE(metric(crashed, "federated.stragglers"), 0.0);
    }

    // A client trains on its node's processor, shared with the run's other layers: while another
    // layer's task runs there too, each goes at half speed. Next to a task longer than it, the
    // slow client's training (about half a second alone) takes twice as long; next to 0.2 s of
    // work that started when the run did, it takes 0.2 s longer, less what that work did alone
    // while the model was on its way.
    void trainingSharesTheNodesProcessor() {
        const std::string settings = R"("rounds": 1, "fraction": 1)";
        auto withHog = [&](double flops) {
            nlohmann::json doc =
                nlohmann::json::parse(withSlowClientAndFaults(settings, nlohmann::json::array()));
            doc["layers"]["hog"] = {{"flops", flops}};
            return doc.dump();
        };
        auto roundTime = [](const core::RunReport& r) { return metric(r, "federated.round_time"); };
        const core::RunReport alone = run(withHog(0));
        const core::RunReport beside = run(withHog(1e9));   // 1000 s of work at 1 MFLOP/s
        const core::RunReport shorter = run(withHog(2e5));  // 0.2 s of work
        QCOMPARE(metric(beside, "federated.participants"), 21.0);
        // The round is the model's way down, the training and the update's way up, the same
        // size over the same link both ways.
        const double training = roundTime(beside) - roundTime(alone);
        const double network = roundTime(alone) - training;
        QVERIFY2(training > 0.3 && network > 0.02 && network < 0.1,
                 qPrintable(QString("training %1 s, network %2 s").arg(training).arg(network)));
        // Alone it does whole steps of 6 x 650 x 16 FLOPs at 1 MFLOP/s: 62.4 ms each.
        const double steps = training / 0.0624;
        QVERIFY2(std::abs(steps - std::round(steps)) < 1e-6, qPrintable(QString::number(steps)));
        const double expected = roundTime(alone) + 0.2 - network / 2;
        QVERIFY2(std::abs(roundTime(shorter) - expected) < 0.005,
                 qPrintable(QString("%1 s, expected %2 s").arg(roundTime(shorter)).arg(expected)));
    }

    // What the canvas shows of each client's part in the round: the slow client misses a
    // deadline (late) or crashes (dropped out); the others deliver. Every report is tagged with
    // the layer, and the local accuracy is a node metric of every client that delivered.
    void clientsShowTheirPartInTheRound() {
        struct Final final : sim::ActivitySink {
            std::map<sim::NodeIndex, sim::NodeStateCode> state;
            void onNodeState(sim::SimTime, sim::NodeIndex node, sim::ActivitySource source,
                             sim::NodeStateCode code) override {
                QCOMPARE(source, sim::ActivitySource{1});
                state[node] = code;
            }
        };
        const core::LayerDescriptor& d = registry_.find("federated")->descriptor;
        const auto finalStates = [&](const std::string& text, core::RunReport& report) {
            auto s = core::loadScenarioText(text, "fl.dais.json", {}, &registry_);
            if (!s) qFatal("%s", s.error().message.c_str());
            auto r = core::ScenarioRun::prepare(*s);
            if (!r) qFatal("%s", r.error().message.c_str());
            Final sink;
            (*r)->network().addActivitySink(&sink);
            report = (*r)->run();
            std::map<std::string, std::string> named;
            for (const auto& [node, code] : sink.state)
                named[std::string((*r)->network().nodeName(node))] =
                    code < d.nodeStates.size() ? d.nodeStates[code].name : "none";
            return named;
        };
        core::RunReport late, crashed;
        const auto a =
            finalStates(withSlowClientAndFaults(R"("rounds": 1, "fraction": 1, "deadline": "0.3s")",
                                                nlohmann::json::array()),
                        late);
        QCOMPARE(a.at("slow"), std::string("late"));
        QCOMPARE(std::count_if(a.begin(), a.end(),
                               [](const auto& x) { return x.second == "delivered"; }),
                 20);
        QCOMPARE(metric(late, "federated.client_updates"), 20.0);
        const core::MetricReport* local = late.metric("federated.local_accuracy");
        QVERIFY(local != nullptr && local->max <= 1 && local->max > 0);
        const auto b = finalStates(
            withSlowClientAndFaults(R"("rounds": 1, "fraction": 1, "deadline": "10s")",
                                    {{{"at", "0.1s"}, {"kind", "crash"}, {"targets", {"slow"}}}}),
            crashed);
        QCOMPARE(b.at("slow"), std::string("dropped out"));
    }

    // A server that crashes loses the round under way and starts nothing while it is down;
    // training resumes when it recovers, from the model it had.
    void serverCrashLosesTheRoundAndWaits() {
        const std::string text = withSlowClientAndFaults(
            R"("rounds": 4, "fraction": 0.5)",
            {{{"at", "0.1s"}, {"kind", "crash"}, {"targets", {"server"}}, {"duration", "2s"}}});
        fltest::TraceLines trace;
        const core::RunReport r = fltest::runText(text, registry_, &trace);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.server_crashes"), 1.0);
        QCOMPARE(metric(r, "federated.round"), 4.0);
        QCOMPARE(metric(r, "federated.dropouts"), 0.0);  // no client was at fault
        QVERIFY(metric(r, "federated.participants") > 0);
        QVERIFY2(trace.has("the server crashed; round 1 is lost") ||
                     trace.has("the server crashed; round 2 is lost"),
                 trace.all().c_str());
        QVERIFY(trace.has("the server recovered; training resumes"));
        QVERIFY2(dais::sim::toSeconds(r.simulatedTime) > 2.1,
                 qPrintable(QString::number(dais::sim::toSeconds(r.simulatedTime))));
        QCOMPARE(run(text).fingerprint, r.fingerprint);
    }

    // Async: a server that crashes loses its buffer and dispatches nothing while down; a client
    // that crashes while it trains drops out once, whatever becomes of its messages after.
    void asyncSurvivesCrashes() {
        const std::string text = withSlowClientAndFaults(
            R"("mode": "async", "concurrency": 21, "buffer_size": 3, "rounds": 30)",
            {{{"at", "0.01s"}, {"kind", "crash"}, {"targets", {"slow"}}},
             {{"at", "0.2s"}, {"kind", "crash"}, {"targets", {"server"}}, {"duration", "1s"}}});
        const core::RunReport r = run(text);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.server_crashes"), 1.0);
        QCOMPARE(metric(r, "federated.round"), 30.0);
        QVERIFY2(dais::sim::toSeconds(r.simulatedTime) > 1.2,
                 qPrintable(QString::number(dais::sim::toSeconds(r.simulatedTime))));
        // "slow" dropped out once when it crashed (its model, lost on the way, adds nothing);
        // the others dropped out only when their updates reached a server that was down.
        QVERIFY(metric(r, "federated.dropouts") >= 1);
        QCOMPARE(run(text).fingerprint, r.fingerprint);
    }

    void churnAndDiurnalAvailability() {
        // Clients on and off in turns of 0.2 s on average while a round takes about half a
        // second (0.01 GFLOP/s): some leave before they upload, and fewer are there to pick.
        std::string text = scenario(R"("rounds": 8, "availability": "churn", "mean_on": "0.2s",
            "mean_off": "0.2s", "default_gflops": 0.01)");
        text.replace(text.find(R"("resources": {"cpu_gflops": 20}, )"),
                     std::string(R"("resources": {"cpu_gflops": 20}, )").size(), "");
        const core::RunReport churn = run(text);
        QCOMPARE(churn.status, core::RunStatus::Completed);
        QVERIFY2(metric(churn, "federated.dropouts") > 0,
                 qPrintable(QString::number(metric(churn, "federated.dropouts"))));
        QCOMPARE(run(text).fingerprint, churn.fingerprint);
        // Diurnal: between 10% and 50% of the clients are there at any hour, and half of those
        // are picked.
        const core::RunReport day = run(scenario(R"("rounds": 5,
            "availability": "diurnal", "min_availability": 0.1, "max_availability": 0.5)"));
        QVERIFY(metric(day, "federated.participants") >= 1);
        QVERIFY(metric(day, "federated.participants") <= 10);
        QCOMPARE(errorOfPrepare(scenario(R"("availability": "diurnal", "min_availability": 0.8,
            "max_availability": 0.5)")),
                 QString("fl.dais.json: /layers/federated/min_availability: layer "
                         "\"federated\" failed to set up: min_availability is greater than "
                         "max_availability"));
    }

    // The clients and rounds tables agree with the metrics, whatever happens to the rounds:
    // stragglers at a deadline, churning clients, a server crash, asynchronous training.
    void tablesAgreeWithTheMetrics_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("async");
        std::string slow = scenario(R"("rounds": 3, "deadline": "0.3s", "default_gflops": 0.001)");
        slow.replace(slow.find(R"("resources": {"cpu_gflops": 20}, )"),
                     std::string(R"("resources": {"cpu_gflops": 20}, )").size(), "");
        QTest::newRow("stragglers") << QString::fromStdString(slow) << false;
        std::string churn = scenario(R"("rounds": 8, "availability": "churn", "mean_on": "0.2s",
            "mean_off": "0.2s", "default_gflops": 0.01)");
        churn.replace(churn.find(R"("resources": {"cpu_gflops": 20}, )"),
                      std::string(R"("resources": {"cpu_gflops": 20}, )").size(), "");
        QTest::newRow("churn") << QString::fromStdString(churn) << false;
        QTest::newRow("server crash")
            << QString::fromStdString(withSlowClientAndFaults(R"("rounds": 4, "fraction": 0.5)",
                                                              {{{"at", "0.1s"},
                                                                {"kind", "crash"},
                                                                {"targets", {"server"}},
                                                                {"duration", "2s"}}}))
            << false;
        QTest::newRow("async")
            << QString::fromStdString(withSlowClientAndFaults(
                   R"("mode": "async", "concurrency": 21, "buffer_size": 3, "rounds": 30)",
                   {{{"at", "0.01s"}, {"kind", "crash"}, {"targets", {"slow"}}},
                    {{"at", "0.2s"},
                     {"kind", "crash"},
                     {"targets", {"server"}},
                     {"duration", "1s"}}}))
            << true;
    }
    void tablesAgreeWithTheMetrics() {
        QFETCH(QString, text);
        QFETCH(bool, async);
        const core::RunReport r = run(text.toStdString());
        QCOMPARE(r.status, core::RunStatus::Completed);
        const core::InspectorTable* clients = r.table("federated.clients");
        const core::InspectorTable* rounds = r.table("federated.rounds");
        QVERIFY(clients != nullptr && rounds != nullptr);
        auto sum = [](const core::InspectorTable& t, const char* column) {
            const std::size_t c = *t.spec().column(column);
            double total = 0;
            for (std::size_t i = 0; i < t.rowCount(); ++i)
                total += t.isEmpty(i, c) ? 0 : t.number(i, c);
            return total;
        };
        auto col = [](const core::InspectorTable& t, const char* column) {
            return *t.spec().column(column);
        };
        // Every client, by name, with the samples it holds.
        QVERIFY(clients->rowCount() >= 20);
        for (std::size_t i = 0; i < clients->rowCount(); ++i) {
            const std::string name = clients->text(i, col(*clients, "node"));
            QVERIFY2(name == "slow" || name.starts_with("clients["), name.c_str());
        }
        QVERIFY(sum(*clients, "samples") > 1000);
        QCOMPARE(sum(*clients, "dropouts"), metric(r, "federated.dropouts"));
        QCOMPARE(sum(*clients, "late"), metric(r, "federated.stragglers"));
        QCOMPARE(sum(*clients, "delivered"), sum(*rounds, "delivered"));
        for (std::size_t i = 0; i < clients->rowCount(); ++i) {
            const bool delivered = clients->integer(i, col(*clients, "delivered")) > 0;
            QCOMPARE(clients->isEmpty(i, col(*clients, "loss")), !delivered);
            QVERIFY(clients->integer(i, col(*clients, "selected")) >=
                    clients->integer(i, col(*clients, "delivered")));
        }
        // Every round, in order; the last aggregated one made the final model.
        QCOMPARE(double(rounds->rowCount()), metric(r, "federated.round"));
        std::size_t lastAggregated = core::InspectorTable::kNoRow;
        double lost = 0;
        for (std::size_t i = 0; i < rounds->rowCount(); ++i) {
            QCOMPARE(rounds->integer(i, col(*rounds, "round")), std::int64_t(i + 1));
            const std::string outcome = rounds->string(i, col(*rounds, "outcome"));
            QVERIFY2(outcome == "aggregated" || outcome == "lost", outcome.c_str());
            QVERIFY(rounds->integer(i, col(*rounds, "end")) >=
                    rounds->integer(i, col(*rounds, "start")));
            if (outcome == "lost") {
                ++lost;
                QVERIFY(rounds->isEmpty(i, col(*rounds, "accuracy")));
            } else {
                lastAggregated = i;
            }
        }
        QCOMPARE(lost, async ? 0.0 : metric(r, "federated.server_crashes"));
        QVERIFY(lastAggregated != core::InspectorTable::kNoRow);
        QCOMPARE(rounds->number(lastAggregated, col(*rounds, "accuracy")),
                 metric(r, "federated.accuracy"));
        QCOMPARE(rounds->number(lastAggregated, col(*rounds, "loss")), metric(r, "federated.loss"));
        QCOMPARE(rounds->number(lastAggregated, col(*rounds, "delivered")),
                 metric(r, "federated.participants"));
        if (async) {
            // Clients sent the model, and dropouts, after the last step are in no step's row.
            QVERIFY(sum(*rounds, "selected") <= sum(*clients, "selected"));
            QVERIFY(sum(*rounds, "dropped") <= metric(r, "federated.dropouts"));
        } else {
            QCOMPARE(sum(*rounds, "selected"), sum(*clients, "selected"));
            QCOMPARE(sum(*rounds, "dropped"), metric(r, "federated.dropouts"));
            QCOMPARE(sum(*rounds, "late"), metric(r, "federated.stragglers"));
        }
        // Looking at the tables changes nothing: the same run as one nobody looked at.
        auto s = core::loadScenarioText(text.toStdString(), "fl.dais.json", {}, &registry_);
        QVERIFY(s.ok());
        core::RunOptions quiet;
        quiet.finalTables = false;
        auto plain = core::ScenarioRun::prepare(*s, quiet);
        QVERIFY(plain.ok());
        QCOMPARE((*plain)->run().fingerprint, r.fingerprint);
    }

    void tinyCpuGflopsFailsNamingTheParameter_data() {
        QTest::addColumn<QString>("resources");
        QTest::addColumn<QString>("failure");  // empty: the run completes
        // A step is 6 x 650 x 16 floating-point operations; the first client of the first round
        // trains 8 steps.
        QTest::newRow("cpu_gflops 1e-15")
            << R"("cpu_gflops": 1e-15)"
            << "the run failed: /layers/federated: client \"clients[0]\" computes at 1e-15 "
               "GFLOP/s (its resources.cpu_gflops): 8 training steps take 15,819 years, beyond "
               "the longest simulated time (292 years)";
        QTest::newRow("gpu_tflops 1e-21")
            << R"("gpu_tflops": 1e-21)"
            << "the run failed: /layers/federated: client \"clients[0]\" computes at 1e-21 "
               "TFLOP/s (its resources.gpu_tflops): 8 training steps take 15,818,693 years, "
               "beyond the longest simulated time (292 years)";
        QTest::newRow("cpu_gflops 1e-9: days a round") << R"("cpu_gflops": 1e-9)"
                                                       << "";
    }
    void tinyCpuGflopsFailsNamingTheParameter() {
        QFETCH(QString, resources);
        QFETCH(QString, failure);
        std::string text = scenario(R"("rounds": 2)");
        const std::string fast = R"("cpu_gflops": 20)";
        text.replace(text.find(fast), fast.size(), resources.toStdString());
        const core::RunReport r = run(text);
        QCOMPARE(QString::fromStdString(r.error), failure);
        QVERIFY(r.simulatedTime >= 0);
        const core::MetricReport* roundTime = r.metric("federated.round_time");
        QVERIFY(roundTime);
        if (!failure.isEmpty()) {
            QCOMPARE(r.status, core::RunStatus::Failed);
            QCOMPARE(roundTime->count, std::uint64_t(0));
            // Clients train on several threads; the failure named is the same on any number.
            std::string threaded = scenario(R"("rounds": 2, "threads": 4)");
            threaded.replace(threaded.find(fast), fast.size(), resources.toStdString());
            QCOMPARE(QString::fromStdString(run(threaded).error), failure);
            return;
        }
        // At 1 FLOP/s a step takes 62,400 s: a round lasts days, and times stay exact.
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(roundTime->count, std::uint64_t(2));
        QVERIFY2(roundTime->min > 4 * 86400 && roundTime->max < 30 * 86400,
                 qPrintable(QString::number(roundTime->min)));
        QVERIFY(r.metric("net.latency")->min >= 0);
        QVERIFY(metric(r, "net.link_utilisation.max") <= 1);
    }

    void badSettingsAreRefused() {
        auto s = core::loadScenarioText(scenario(R"("strategy": "fedmagic")"), "fl.dais.json", {},
                                        &registry_);
        QVERIFY(!s.ok());
        QVERIFY2(QString::fromStdString(s.error().message)
                     .contains("/layers/federated/strategy: expected one of \"fedavg\""),
                 s.error().message.c_str());
        auto missing = core::loadScenarioText(
            scenario(R"("rounds": 1)").replace(scenario("").find("digits.csv"), 10, "nope.csv"),
            "fl.dais.json", {}, &registry_);
        QVERIFY(missing.ok());
        auto prepared = core::ScenarioRun::prepare(*missing);
        QVERIFY(!prepared.ok());
        QVERIFY2(QString::fromStdString(prepared.error().message).contains("nope.csv"),
                 prepared.error().message.c_str());
    }

    // A data file that is not a regular file is refused before it is opened: /dev/zero would be
    // read for ever, a named pipe would block.
    void dataFileDevZeroRefused_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("kind");
        QTest::newRow("/dev/zero") << "/dev/zero"
                                   << "a character device";
        const QString fifo = tmp_.filePath("rows.csv");
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        QTest::newRow("named pipe") << fifo << "a named pipe";
        QTest::newRow("directory") << tmp_.path() << "a directory";
    }
    void dataFileDevZeroRefused() {
        QFETCH(QString, path);
        QFETCH(QString, kind);
        QCOMPARE(errorOfPrepare(withDataFile(path.toStdString())),
                 "fl.dais.json: /layers/federated/data_file: layer \"federated\" failed to set "
                 "up: data: " +
                     path + ": not a regular file (" + kind + ")");
        try {
            fl::loadCsv(path.toStdString(), "digit");
            QFAIL("read");
        } catch (const fl::DataError& e) {
            QCOMPARE(QString(e.what()), path + ": not a regular file (" + kind + ")");
        }
    }

    // A data file's size says what reading it takes, before it is read: a sparse file of 64 GiB
    // (no rows: it is read whole), and rows counted from the size and the first lines.
    void hugeDataFileRefused() {
        QFile huge(tmp_.filePath("huge.csv"));
        QVERIFY(huge.open(QIODevice::WriteOnly) && huge.resize(qint64(64) * kGiB));
        huge.close();
        QCOMPARE(refusalWithin(withDataFile(huge.fileName().toStdString()), 16 * kGiB),
                 "fl.dais.json: /layers/federated/data_file: about 192 GiB for the data file " +
                     huge.fileName() +
                     " (64 GiB, read whole), more than the 16 GiB allowed by DAIS_MEMORY_LIMIT");
        QFile rows(tmp_.filePath("rows-20000.csv"));
        QVERIFY(rows.open(QIODevice::WriteOnly));
        rows.write("a,b,c,digit\n");
        for (int i = 0; i < 20000; ++i)
            rows.write("1.5,2.5,3.5,0\n");
        rows.close();
        const QString why = refusalWithin(withDataFile(rows.fileName().toStdString()), 1 << 20);
        QVERIFY2(why.startsWith("fl.dais.json: /layers/federated/data_file: about ") &&
                     why.endsWith(" (273 KiB, about 20,000 rows of 3 features), more than the "
                                  "1 MiB allowed by DAIS_MEMORY_LIMIT"),
                 qPrintable(why));
    }

    // Models at the schema's maximum: the data set, or the hidden layers, named.
    void maximalModelRefused_data() {
        QTest::addColumn<QString>("settings");
        QTest::addColumn<QString>("message");
        QTest::newRow("blobs") << R"("data": "blobs", "blob_samples": 100000000,
                                    "blob_dimension": 100000)"
                               << "fl.dais.json: /layers/federated/blob_samples: about 87 TiB for "
                                  "the blobs data set, 100,000,000 samples of 100,000 features, "
                                  "more than the 64 GiB allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("hidden layers")
            << R"("model": "mlp", "hidden": "100000,100000,100000", "threads": 2)"
            << "fl.dais.json: /layers/federated/hidden: about 4.9 TiB for the model "
               "mlp(64-100000-100000-100000->10) of 20,007,700,010 parameters, in 34 copies (the "
               "server's, 2 training threads' and the updates of 10 clients a round), more than "
               "the 64 GiB allowed by DAIS_MEMORY_LIMIT";
    }
    void maximalModelRefused() {
        QFETCH(QString, settings);
        QFETCH(QString, message);
        const std::string text = settings.startsWith("\"data\"")
                                     ? withoutCsv(scenario(settings.toStdString()))
                                     : scenario(settings.toStdString());
        QCOMPARE(refusalWithin(text, 64 * kGiB), message);
    }

    // Forty million clients, a tenth of them a round, each sending a copy of the model.
    void fortyMillionClientsRefused() {
        std::string text =
            withoutCsv(scenario(R"("data": "synthetic", "fraction": 0.1, "rounds": 1)", 10000000));
        const std::string group = "{\"id\": \"clients\", \"count\": 10000000, ";
        std::string more;
        for (int g = 1; g < 4; ++g)
            more += "{\"id\": \"clients" + std::to_string(g) +
                    "\", \"count\": 10000000, \"role\": \"client\", \"attach\": \"server\"}, ";
        text.insert(text.find(group), more);
        QCOMPARE(refusalWithin(text, 16 * kGiB),
                 QString("fl.dais.json: /layers/federated/fraction: about 36 GiB for the updates "
                         "of 4,000,000 clients a round, each a copy of the model logistic(60->10) "
                         "of 610 parameters, about 44 GiB for the whole run, more than the 16 GiB "
                         "allowed by DAIS_MEMORY_LIMIT"));
    }
};

QTEST_GUILESS_MAIN(TestFlLayer)
#include "tst_fl_layer.moc"
