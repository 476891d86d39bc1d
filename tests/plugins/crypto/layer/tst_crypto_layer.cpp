// The privacy layer's secure aggregation on the simulated network: a driver layer opens a
// session over the parties of a star, each submits a vector from its node, and the sum that
// comes back equals the plain sum of the quantised vectors exactly, whoever drops out between
// the steps; below the threshold the session aborts and reveals nothing; the protocol's bytes
// on the wire are the message sizes of the paper's rounds. Under the federated layer, a run with
// secure aggregation reaches the model a run without it reaches.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include "../../federated/fl_layer_util.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/core/secure_aggregation.h"
#include "dais/crypto/secagg/ring.h"
#include "dais/crypto/secagg/traffic.h"
#include "dais/layers/crypto.h"
#include "dais/layers/federated.h"

using namespace dais;
using Sa = core::SecureAggregator;

namespace {

constexpr std::size_t kLength = 300;
constexpr double kScale = 1 << 16;

/// Party i's input: values of both signs and several magnitudes.
std::vector<double> inputOf(std::size_t i) {
    std::vector<double> v(kLength);
    for (std::size_t j = 0; j < kLength; ++j)
        v[j] = 100.0 * std::sin(0.37 * static_cast<double>(i * 131 + j)) *
               (1 + static_cast<double>(j % 7));
    return v;
}

/// What the driver saw.
struct Seen {
    Sa::Sum sum;
    bool collected = false;
    std::size_t arrived = 0, droppedReports = 0;
    std::vector<sim::NodeIndex> parties;
    std::string refused;  // why the session could not open
};
Seen seen;

/// Opens one session at the start over the nodes of role "party" (server: the node of role
/// "server"), submits each party's input at `submit_at` from its node, and closes the session
/// at `close_at` (0: never; the deadline or the protocol ends it).
class SumDriver final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "sumdriver";
        d.name = "Sum driver";
        d.version = "0.1.0";
        d.summary = "Sums vectors through the secure-aggregation service; for tests.";
        d.uses = {{std::string(Sa::kId), true, "it sums through it"}};
        d.params = {
            {"threshold", core::ParamType::Integer, 1, 1.0, 1e6, "", "Threshold.", {}},
            {"submit_at", core::ParamType::Duration, "1s", 0.0, 1e6, "s", "When.", {}},
            {"close_at", core::ParamType::Duration, "0s", 0.0, 1e6, "s", "When to close.", {}},
            {"deadline", core::ParamType::Duration, "0s", 0.0, 1e6, "s", "0: none.", {}}};
        return {d, [] { return std::unique_ptr<core::Layer>(new SumDriver()); }};
    }
    void setup(core::LayerContext& ctx) override {
        sim_ = &ctx.simulation();
        kind_ = sim_->registerKind<&SumDriver::onEvent>("sumdriver.event", *this);
        for (sim::NodeIndex i = 0; i < ctx.network().nodeCount(); ++i) {
            if (ctx.network().role(i) == "party") parties_.push_back(i);
            if (ctx.network().role(i) == "server") server_ = i;
        }
        threshold_ = static_cast<std::size_t>(ctx.params().integer("threshold"));
        submitAt_ = ctx.params().duration("submit_at");
        closeAt_ = ctx.params().duration("close_at");
        deadline_ = ctx.params().duration("deadline");
    }
    void start(core::LayerContext& ctx) override {
        sa_ = ctx.services().find<Sa>();
        seen = Seen{};
        seen.parties = parties_;
        Sa::Session s;
        s.server = server_;
        s.parties = parties_;
        s.length = kLength;
        s.threshold = threshold_;
        s.scale = kScale;
        if (deadline_ > 0) s.deadline = deadline_;
        s.progress = [](sim::NodeIndex, bool arrived) {
            ++(arrived ? seen.arrived : seen.droppedReports);
        };
        auto id = sa_->open(s, [](const Sa::Sum& sum) {
            seen.sum = sum;
            seen.collected = true;
        });
        if (!id) {
            seen.refused = id.error().message;
            return;
        }
        session_ = id.value();
        for (std::size_t i = 0; i < parties_.size(); ++i)
            sim_->scheduleAt(submitAt_, parties_[i], kind_, i, 0);
        if (closeAt_ > 0) sim_->scheduleAt(closeAt_, server_, kind_, 0, 1);
    }

  private:
    void onEvent(sim::Simulation&, const sim::Event& e) {
        if (e.aux == 1) {
            sa_->close(session_);
            return;
        }
        const std::vector<double> v = inputOf(e.data);
        const auto ok = sa_->submit(session_, parties_[e.data], v);
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
    }
    sim::Simulation* sim_ = nullptr;
    sim::KindId kind_ = 0;
    Sa* sa_ = nullptr;
    Sa::SessionId session_ = 0;
    std::vector<sim::NodeIndex> parties_;
    sim::NodeIndex server_ = 0;
    std::size_t threshold_ = 1;
    sim::SimTime submitAt_ = 0, closeAt_ = 0, deadline_ = 0;
};

/// A star of `parties` behind a server, the crypto layer with `crypto` settings and the driver
/// with `driver` settings.
std::string starScenario(int parties, const std::string& crypto, const std::string& driver) {
    return "{\"format\": \"dais-scenario\", \"version\": 1, \"meta\": {\"name\": \"sum\"}, "
           "\"network\": {\"nodes\": [{\"id\": \"server\", \"role\": \"server\"}], \"groups\": "
           "[{\"id\": \"parties\", \"count\": " +
           std::to_string(parties) +
           ", \"role\": \"party\", \"attach\": \"server\", \"resources\": {\"cpu_gflops\": 25}, "
           "\"access\": {\"latency\": \"20ms\", \"bandwidth\": \"50Mbps\"}}]}, \"layers\": "
           "{\"crypto\": {" +
           crypto + "}, \"sumdriver\": {" + driver + "}}, \"run\": {\"seed\": 3}}";
}

double metricValue(const core::RunReport& r, const char* name) {
    const core::MetricReport* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->value;
}

}  // namespace

class TestCryptoLayer : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    core::RunReport run(const std::string& text) { return fltest::runText(text, registry_); }

    /// The plain sum of the quantised inputs of the parties the sum says it includes.
    static std::vector<double> expectedSum(const std::vector<sim::NodeIndex>& included) {
        const auto ring = crypto::secagg::Ring::forParties(40, seen.parties.size(), kScale);
        std::vector<std::uint64_t> total(kLength, 0), q(kLength);
        for (const sim::NodeIndex node : included) {
            const auto at = std::find(seen.parties.begin(), seen.parties.end(), node);
            ring.encode(inputOf(static_cast<std::size_t>(at - seen.parties.begin())), q);
            for (std::size_t j = 0; j < kLength; ++j)
                total[j] += q[j];
        }
        std::vector<double> out(kLength);
        for (std::size_t j = 0; j < kLength; ++j)
            out[j] = ring.decode(total[j]);
        return out;
    }

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(dais::layers::crypto::factory()).ok());
        QVERIFY(registry_.add(dais::layers::federated::factory()).ok());
        QVERIFY(registry_.add(SumDriver::factory()).ok());
    }

    void sumIsExactOverTheNetwork_data() {
        QTest::addColumn<QString>("crypto");
        QTest::addColumn<int>("dropped");
        QTest::newRow("secagg, nobody drops") << "" << 0;
        QTest::newRow("secagg, 10% drop after the key exchange")
            << "\"dropout\": 0.1, \"dropout_step\": \"mask\"" << -1;
        QTest::newRow("secagg, 30% drop after the key exchange")
            << "\"dropout\": 0.3, \"dropout_step\": \"mask\"" << -1;
        QTest::newRow("secagg, 30% drop before unmasking")
            << "\"dropout\": 0.3, \"dropout_step\": \"unmask\"" << 0;
        QTest::newRow("secagg+, 30% drop after the key exchange")
            << "\"secagg\": \"secagg+\", \"neighbours\": 24, \"dropout\": 0.3, "
               "\"dropout_step\": \"mask\""
            << -1;
    }
    void sumIsExactOverTheNetwork() {
        QFETCH(QString, crypto);
        QFETCH(int, dropped);
        const core::RunReport r =
            run(starScenario(40, crypto.toStdString(), "\"threshold\": 16, \"submit_at\": \"2s\""));
        QCOMPARE(r.status, core::RunStatus::Completed);
        QVERIFY(seen.collected);
        QVERIFY2(seen.sum.outcome == Sa::Outcome::Revealed, seen.sum.reason.c_str());
        if (dropped == 0) QCOMPARE(seen.sum.included.size(), std::size_t{40});
        if (dropped < 0) {
            QVERIFY(seen.sum.dropped.size() > 0);
            QCOMPARE(seen.sum.included.size() + seen.sum.dropped.size(), std::size_t{40});
            QCOMPARE(seen.droppedReports, seen.sum.dropped.size());
        }
        QCOMPARE(seen.arrived, seen.sum.included.size());
        QCOMPARE(seen.sum.values, expectedSum(seen.sum.included));
        QCOMPARE(metricValue(r, "crypto.dropouts_survived"),
                 static_cast<double>(seen.sum.dropped.size()));
        QCOMPARE(metricValue(r, "crypto.secagg_revealed"), 1.0);
    }

    void belowTheThresholdNothingIsRevealed() {
        // 30% drop after the key exchange; the threshold asks for 36 of 40.
        const core::RunReport r = run(
            starScenario(40, "\"dropout\": 0.3, \"dropout_step\": \"mask\"", "\"threshold\": 36"));
        QCOMPARE(r.status, core::RunStatus::Completed);
        QVERIFY(seen.collected);
        QCOMPARE(seen.sum.outcome, Sa::Outcome::Aborted);
        QVERIFY(seen.sum.values.empty());
        QVERIFY2(seen.sum.reason.find("threshold 36") != std::string::npos,
                 seen.sum.reason.c_str());
        QCOMPARE(metricValue(r, "crypto.secagg_aborted"), 1.0);
        QCOMPARE(metricValue(r, "crypto.secagg_revealed"), 0.0);
    }

    void trafficIsThePapersMessages() {
        const int n = 12;
        const core::RunReport r = run(starScenario(n, "", "\"threshold\": 6"));
        QCOMPARE(seen.sum.outcome, Sa::Outcome::Revealed);
        const auto ring = crypto::secagg::Ring::forParties(40, n, kScale);
        const crypto::secagg::PartyTraffic t = crypto::secagg::partyTraffic(n - 1, kLength, ring);
        QCOMPARE(metricValue(r, "crypto.protocol_bytes"), static_cast<double>(n * t.total()));
        QCOMPARE(seen.sum.bytesPerParty, t.total() - (4 + ring.packedBytes(kLength)));
    }

    void theDeadlineClosesTheInputs() {
        // Inputs come at 2 s; the deadline at 1 s leaves nobody in: the session aborts.
        run(starScenario(10, "", "\"threshold\": 5, \"deadline\": \"1s\""));
        QVERIFY(seen.collected);
        QCOMPARE(seen.sum.outcome, Sa::Outcome::Aborted);
        QVERIFY2(seen.sum.reason.find("0 masked inputs") != std::string::npos,
                 seen.sum.reason.c_str());
    }

    void badSessionsAreRefused() {
        // 60 value bits for 40 parties need 66-bit words.
        run(starScenario(40, "\"value_bits\": 60", "\"threshold\": 16"));
        QVERIFY2(seen.refused.find("66-bit words") != std::string::npos, seen.refused.c_str());
        QVERIFY(!seen.collected);
    }

    void federatedLearningReachesTheSameModel() {
        // The server gets only the sum of [n_k (x_k - x), n_k]; with a fine fixed point (2^-40,
        // in 58-bit values) the model is FedAvg's up to rounding.
        const std::string base = fltest::scenario("\"rounds\": 6, \"secure_scale\": 1e12");
        std::string secure = base;
        const std::string anchor = "\"layers\": {";
        secure.insert(secure.find(anchor) + anchor.size(), "\"crypto\": {\"value_bits\": 58}, ");
        const core::RunReport plain = fltest::runText(base, registry_);
        const core::RunReport sa = fltest::runText(secure, registry_);
        QCOMPARE(sa.status, core::RunStatus::Completed);
        QCOMPARE(metricValue(sa, "crypto.secagg_revealed"), 6.0);
        QCOMPARE(metricValue(sa, "federated.secure_aborts"), 0.0);
        QCOMPARE(metricValue(sa, "crypto.saturated_values"), 0.0);
        QCOMPARE(metricValue(sa, "federated.accuracy"), metricValue(plain, "federated.accuracy"));
        const double a = metricValue(sa, "federated.loss"),
                     b = metricValue(plain, "federated.loss");
        QVERIFY2(std::abs(a - b) < 1e-9 * b, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
        // The protocol's steps and computing take time.
        QVERIFY(metricValue(sa, "federated.round_time") >
                metricValue(plain, "federated.round_time"));

        // Clients that drop out after the key exchange are dropouts of their round; the others'
        // updates still make the step.
        std::string dropping = secure;
        const std::string bits = "\"value_bits\": 58";
        dropping.replace(dropping.find(bits), bits.size(),
                         "\"value_bits\": 58, \"dropout\": 0.3, \"dropout_step\": \"mask\"");
        const core::RunReport d = fltest::runText(dropping, registry_);
        QCOMPARE(d.status, core::RunStatus::Completed);
        QVERIFY(metricValue(d, "crypto.dropouts_survived") > 0);
        QCOMPARE(metricValue(d, "federated.dropouts"), metricValue(d, "crypto.dropouts_survived"));
        QCOMPARE(metricValue(d, "crypto.secagg_revealed"), 6.0);
    }
};

QTEST_APPLESS_MAIN(TestCryptoLayer)
#include "tst_crypto_layer.moc"
