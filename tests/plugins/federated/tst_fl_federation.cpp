// The federated layer's ways of running a federation: asynchronous FedBuff training, edge
// aggregators under the server, secure aggregation through another layer's service,
// checkpoints to resume and fork from, and the model-replacement attack.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../../core/test_layers.h"
#include "dais/core/layer.h"
#include "dais/core/layer_registry.h"
#include "dais/core/secure_aggregation.h"
#include "dais/core/services.h"
#include "dais/core/update_review.h"
#include "dais/layers/federated.h"
#include "dais/layers/federated_checkpoint.h"
#include "dais/sim/observer.h"
#include "fl_layer_util.h"

using namespace dais;
using fltest::metric;
using fltest::scenario;

namespace {

/// A secure-aggregation provider for tests: an input reaches the server the moment it is
/// submitted; sums the inputs in fixed point (integers, as a real protocol does in its ring) a
/// protocol time after the session closes, leaving out the first drop_first parties that
/// submitted as if they had dropped out of the protocol.
class ToySecureAggregation final : public core::Layer, public core::SecureAggregator {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "toysecagg";
        d.name = "Toy secure aggregation";
        d.version = "0.1.0";
        d.summary = "Sums vectors after a fixed protocol time; for tests.";
        d.provides = {std::string(core::SecureAggregator::kId)};
        d.params = {
            {"delay", core::ParamType::Duration, "50ms", 0.0, 100.0, "s", "Protocol time.", {}},
            {"drop_first",
             core::ParamType::Integer,
             0,
             0.0,
             1000.0,
             "parties",
             "Parties left out of every sum.",
             {}}};
        return {d, [] { return std::unique_ptr<core::Layer>(new ToySecureAggregation()); }};
    }
    void provideServices(core::ServiceRegistry& s, const core::LayerContext&) override {
        s.provide<core::SecureAggregator>(this, "toysecagg");
    }
    void setup(core::LayerContext& ctx) override {
        sim_ = &ctx.simulation();
        delay_ = ctx.params().duration("delay");
        drop_ = static_cast<std::size_t>(ctx.params().integer("drop_first"));
        kind_ = sim_->registerKind<&ToySecureAggregation::onDone>("toysecagg.done", *this);
    }
    core::Result<SessionId> open(const Session& s, Collect collect) override {
        if (const std::string problem = core::sessionProblem(s, sim_->now()); !problem.empty())
            return core::Error{problem};
        Open o;
        o.spec = s;
        o.collect = std::move(collect);
        o.sum.assign(s.length, 0);
        sessions_.push_back(std::move(o));
        const SessionId id = sessions_.size();
        if (s.deadline != sim::kTimeNever) sim_->scheduleAt(s.deadline, s.server, kind_, id, 1);
        return id;
    }
    core::Result<void> submit(SessionId id, sim::NodeIndex party,
                              std::span<const double> input) override {
        if (id == 0 || id > sessions_.size() || sessions_[id - 1].closed)
            return core::Error{"no open session " + std::to_string(id)};
        Open& o = sessions_[id - 1];
        if (std::find(o.spec.parties.begin(), o.spec.parties.end(), party) == o.spec.parties.end())
            return core::Error{"not a party"};
        if (std::find(o.submitted.begin(), o.submitted.end(), party) != o.submitted.end())
            return core::Error{"submitted twice"};
        if (input.size() != o.spec.length) return core::Error{"wrong length"};
        o.submitted.push_back(party);
        sim_->scheduleIn(0, party, kind_, id,
                         static_cast<std::uint16_t>(1 + o.submitted.size()));  // it arrives
        if (o.submitted.size() <= drop_) return {};  // drops out of the protocol later
        for (std::size_t j = 0; j < input.size(); ++j)
            o.sum[j] += std::llround(input[j] * o.spec.scale);
        return {};
    }
    bool close(SessionId id) override {
        if (id == 0 || id > sessions_.size() || sessions_[id - 1].closed) return false;
        sessions_[id - 1].closed = true;
        sim_->scheduleIn(delay_, sessions_[id - 1].spec.server, kind_, id, 0);
        return true;
    }
    std::size_t sessionsOpened() const { return sessions_.size(); }

  private:
    struct Open {
        Session spec;
        Collect collect;
        std::vector<std::int64_t> sum;
        std::vector<sim::NodeIndex> submitted;
        bool closed = false, ended = false;
    };
    void onDone(sim::Simulation& sim, const sim::Event& e) {
        Open& o = sessions_[e.data - 1];
        if (e.aux >= 2) {  // an input arrived
            if (!o.ended && o.spec.progress) o.spec.progress(o.submitted[e.aux - 2], true);
            return;
        }
        if (e.aux == 1) {  // the deadline: stop waiting
            close(e.data);
            return;
        }
        if (o.ended) return;
        o.ended = true;
        Sum r;
        r.session = e.data;
        r.finishedAt = sim.now();
        r.bytesPerParty = 32 * o.spec.parties.size();
        for (std::size_t i = 0; i < o.submitted.size(); ++i)
            (i < drop_ ? r.dropped : r.included).push_back(o.submitted[i]);
        for (const sim::NodeIndex p : o.spec.parties)
            if (std::find(o.submitted.begin(), o.submitted.end(), p) == o.submitted.end())
                r.dropped.push_back(p);
        if (r.included.size() < o.spec.threshold) {
            r.outcome = Outcome::Aborted;
            r.reason = std::to_string(r.included.size()) + " inputs, threshold " +
                       std::to_string(o.spec.threshold);
        } else {
            r.outcome = Outcome::Revealed;
            for (const std::int64_t v : o.sum)
                r.values.push_back(static_cast<double>(v) / o.spec.scale);
        }
        o.collect(r);
    }
    sim::Simulation* sim_ = nullptr;
    sim::SimTime delay_ = 0;
    std::size_t drop_ = 0;
    sim::KindId kind_ = 0;
    std::vector<Open> sessions_;
};

/// A reviewer for tests: bans the clients whose node index is below ban_below, and keeps every
/// round's report.
class ToyReviewer final : public core::Layer, public core::UpdateReview {
  public:
    static inline std::vector<Round> reports;
    static inline std::uint64_t reviewed = 0;
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "toyreviewer";
        d.name = "Toy reviewer";
        d.version = "0.1.0";
        d.summary = "Vetoes updates of banned nodes; for tests.";
        d.provides = {std::string(core::UpdateReview::kId)};
        d.params = {{"ban_below",
                     core::ParamType::Integer,
                     0,
                     0.0,
                     1e6,
                     "",
                     "Nodes below this index are banned.",
                     {}}};
        return {d, [] { return std::unique_ptr<core::Layer>(new ToyReviewer()); }};
    }
    void provideServices(core::ServiceRegistry& s, const core::LayerContext&) override {
        s.provide<core::UpdateReview>(this, "toyreviewer");
    }
    void setup(core::LayerContext& ctx) override {
        banBelow_ = static_cast<sim::NodeIndex>(ctx.params().integer("ban_below"));
        reports.clear();
        reviewed = 0;
    }
    Verdict review(const Update& u) override {
        ++reviewed;
        if (u.client < banBelow_) return {false, "node " + std::to_string(u.client) + " is banned"};
        return {};
    }
    void roundClosed(const Round& r) override {
        Round copy = r;
        copy.layer = {};  // the view does not outlive the call
        reports.push_back(std::move(copy));
    }

  private:
    sim::NodeIndex banBelow_ = 0;
};

using fltest::TraceLines;

/// Two regions, each with an edge aggregator and ten clients behind its gateway, and the
/// server in a third; the gateways are 20 ms apart.
std::string regions(const std::string& settings) {
    return std::string(
               "{\"format\": \"dais-scenario\", \"version\": 1, \"meta\": {\"name\": \"edge\"},"
               " \"network\": {\"regions\": [{\"id\": \"cloud\", \"center\": [0, 0], "
               "\"radius\": 10}, {\"id\": \"north\", \"center\": [0, 1000], \"radius\": 50}, "
               "{\"id\": \"south\", \"center\": [0, -1000], \"radius\": 50}],"
               " \"nodes\": [{\"id\": \"server\", \"role\": \"server\", \"region\": \"cloud\"},"
               " {\"id\": \"edge-north\", \"role\": \"aggregator\", \"region\": \"north\"},"
               " {\"id\": \"edge-south\", \"role\": \"aggregator\", \"region\": \"south\"}],"
               " \"groups\": [") +
           "{\"id\": \"north-clients\", \"count\": 10, \"role\": \"client\", \"region\": "
           "\"north\", "
           "\"attach\": \"north.gw\", \"resources\": {\"cpu_gflops\": 20}, \"access\": "
           "{\"latency\": \"5ms\", \"bandwidth\": \"20Mbps\"}}, "
           "{\"id\": \"south-clients\", \"count\": 10, \"role\": \"client\", \"region\": "
           "\"south\", "
           "\"attach\": \"south.gw\", \"resources\": {\"cpu_gflops\": 20}, \"access\": "
           "{\"latency\": \"5ms\", \"bandwidth\": \"20Mbps\"}}],"
           " \"topologies\": [{\"generator\": \"regions\", \"members\": [\"server\", "
           "\"edge-north\", \"edge-south\"], \"link\": {\"latency\": \"1ms\", \"bandwidth\": "
           "\"1Gbps\"}, \"latency_matrix\": {\"order\": [\"cloud\", \"north\", \"south\"], "
           "\"latency\": [[\"0ms\", \"20ms\", \"20ms\"], [\"20ms\", \"0ms\", \"30ms\"], "
           "[\"20ms\", \"30ms\", \"0ms\"]]}, \"inter_bandwidth\": \"1Gbps\"}]},"
           " \"layers\": {\"federated\": {\"data\": \"csv\", \"data_file\": \"" DAIS_SOURCE_DIR
           "/scenarios/data/digits.csv\", \"label_column\": \"digit\", \"batch_size\": 16, "
           "\"fraction\": 1.0" +
           (settings.find("\"rounds\"") == std::string::npos ? ", \"rounds\": 10" : "") +
           (settings.empty() ? "" : ", " + settings) + "}}, \"run\": {\"seed\": 1}}";
}

/// The federated settings of `text` with the toy provider enabled beside them.
std::string withSecureAggregation(std::string text, const std::string& toy) {
    const std::string anchor = "\"layers\": {";
    text.insert(text.find(anchor) + anchor.size(), "\"toysecagg\": {" + toy + "}, ");
    return text;
}

}  // namespace

class TestFlFederation : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;
    std::filesystem::path dir_;

    core::RunReport run(const std::string& text, sim::Observer* lines = nullptr) {
        return fltest::runText(text, registry_, lines);
    }
    QString errorOfPrepare(const std::string& text) {
        return fltest::errorOfPrepare(text, registry_);
    }

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(layers::federated::factory()).ok());
        QVERIFY(registry_.add(ToySecureAggregation::factory()).ok());
        QVERIFY(registry_.add(ToyReviewer::factory()).ok());
        QVERIFY(registry_.add(testing::ToyLedgerLayer::factory()).ok());
        dir_ = std::filesystem::temp_directory_path() /
               ("dais-fl-federation-" + std::to_string(QCoreApplication::applicationPid()));
        std::filesystem::remove_all(dir_);
    }
    void cleanupTestCase() { std::filesystem::remove_all(dir_); }

    // --- asynchronous training -----------------------------------------------------------------

    void asyncFedBuffLearns() {
        // Ten clients train at all times; the server steps on every five updates. Each takes
        // about a quarter of a second to train and its messages take 5 to 100 ms, so updates
        // arrive out of turn and stale.
        std::string text = scenario(
            "\"mode\": \"async\", \"concurrency\": 10, \"buffer_size\": 5, \"rounds\": 60, "
            "\"server_lr\": 1.0");
        const std::string fast = "\"resources\": {\"cpu_gflops\": 20}, ";
        text.replace(text.find(fast), fast.size(), "");
        text.replace(text.find("\"data\": \"csv\""), 13,
                     "\"data\": \"csv\", \"default_gflops\": 0.02");
        const std::string latency = "\"latency\": \"20ms\"";
        text.replace(text.find(latency), latency.size(),
                     "\"latency\": {\"dist\": \"lognormal\", \"median\": \"20ms\", \"sigma\": 1}");
        TraceLines lines;
        const core::RunReport r = run(text, &lines);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.round"), 60.0);
        QCOMPARE(metric(r, "federated.participants"), 5.0);
        QCOMPARE(r.metric("federated.staleness")->count, std::uint64_t(300));
        // With ten in flight and steps every five, an update is typically a step or two old.
        const double staleness = metric(r, "federated.staleness");
        QVERIFY2(staleness > 0.3 && staleness < 3, qPrintable(QString::number(staleness)));
        QVERIFY2(metric(r, "federated.accuracy") > 0.9,
                 qPrintable(QString::number(metric(r, "federated.accuracy"))));
        QVERIFY(lines.has("step 60: 5 of 5 clients"));
        // Every step's figures are sampled when it ends, whatever the sample interval.
        QCOMPARE(lines.sampledRounds.size(), std::size_t(60));
        QCOMPARE(lines.sampledRounds.front(), 1.0);
        QCOMPARE(lines.sampledRounds.back(), 60.0);
        // Every model sent is answered: 300 updates used, up to 10 still in flight at the end.
        const double down = metric(r, "federated.bytes.down") / 2600;
        QVERIFY2(down >= 300 && down <= 310, qPrintable(QString::number(down)));
        // Training threads do not change the run.
        text.replace(text.find("\"mode\": \"async\""), 15, "\"mode\": \"async\", \"threads\": 1");
        const core::RunReport one = run(text);
        QCOMPARE(one.fingerprint, r.fingerprint);
        QCOMPARE(metric(one, "federated.accuracy"), metric(r, "federated.accuracy"));
    }

    void asyncRefusesWhatNeedsRounds() {
        QVERIFY(
            errorOfPrepare(scenario("\"mode\": \"async\", \"concurrency\": 4, \"buffer_size\": 5"))
                .contains("buffer_size (5) is larger than concurrency (4)"));
        QVERIFY(errorOfPrepare(scenario("\"mode\": \"async\", \"deadline\": \"1s\""))
                    .contains("set deadline to 0"));
        QVERIFY(errorOfPrepare(scenario("\"mode\": \"async\", \"dp_clip\": 1"))
                    .contains("DP-FedAvg (dp_clip > 0) needs rounds"));
        QVERIFY(errorOfPrepare(scenario("\"mode\": \"async\", \"checkpoint_every\": 1"))
                    .contains("async training has no such moment"));
    }

    // --- edge aggregators ----------------------------------------------------------------------

    void edgeAggregatorsComputeTheSameAverage() {
        // FedAvg through two edge aggregators: each sends the sample-weighted mean of its ten
        // clients, the server the weighted mean of those, which is the mean over all twenty.
        TraceLines lines;
        const core::RunReport edge = run(regions(""), &lines);
        const core::RunReport flat = run(regions("\"hierarchy\": \"flat\""));
        QCOMPARE(edge.status, core::RunStatus::Completed);
        QVERIFY2(lines.has("edge aggregators: edge-north (10 clients) edge-south (10 clients); 0 "
                           "clients report to the server"),
                 lines.all().c_str());
        QCOMPARE(metric(edge, "federated.participants"), 20.0);
        QCOMPARE(metric(edge, "federated.accuracy"), metric(flat, "federated.accuracy"));
        const double a = metric(edge, "federated.loss"), b = metric(flat, "federated.loss");
        QVERIFY2(std::abs(a - b) < 1e-9 * b, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
        // Traffic: every hop carries a full model (2,600 bytes), but the server sends two and
        // receives two a round instead of twenty each.
        QCOMPARE(metric(edge, "federated.bytes.server"), 10 * 4 * 2600.0);
        QCOMPARE(metric(flat, "federated.bytes.server"), 10 * 40 * 2600.0);
        QCOMPARE(metric(edge, "federated.bytes.down"), 10 * 22 * 2600.0);
        QCOMPARE(edge.metric("federated.update_norm")->count, std::uint64_t(10 * 2));
        // Rounds take longer: two more hops each way.
        QVERIFY(metric(edge, "federated.round_time") > metric(flat, "federated.round_time"));
    }

    void edgeDeadlinesMakeStragglers() {
        // Half of each region is slow. The round deadline is 0.2 s: each edge forwards what it
        // has in time for its own upload, and its slow clients are stragglers.
        std::string text = regions("\"deadline\": \"0.2s\", \"rounds\": 3");
        const std::string north = "\"id\": \"north-clients\", \"count\": 10";
        text.replace(text.find(north), north.size(), "\"id\": \"north-clients\", \"count\": 5");
        const std::string south = "\"id\": \"south-clients\", \"count\": 10";
        text.replace(text.find(south), south.size(), "\"id\": \"south-clients\", \"count\": 5");
        const std::string slow =
            "{\"id\": \"north-slow\", \"count\": 5, \"role\": \"client\", \"region\": \"north\", "
            "\"attach\": \"north.gw\", \"resources\": {\"cpu_gflops\": 0.001}}, "
            "{\"id\": \"south-slow\", \"count\": 5, \"role\": \"client\", \"region\": \"south\", "
            "\"attach\": \"south.gw\", \"resources\": {\"cpu_gflops\": 0.001}}, ";
        text.insert(text.find("{\"id\": \"north-clients\""), slow);
        const core::RunReport r = run(text);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.participants"), 10.0);
        QCOMPARE(metric(r, "federated.stragglers"), 30.0);
        QCOMPARE(metric(r, "federated.dropouts"), 0.0);
    }

    void crashedEdgeTakesItsClientsWorkAtOnce() {
        // The northern clients are slow (about half a second of training); their aggregator
        // crashes at 0.2 s, before it could forward anything. Their work is lost then, and the
        // round closes then with the southern clients' updates, not when the northern ones
        // would have finished.
        std::string text = regions("\"rounds\": 1");
        const std::string north =
            "\"north\", \"attach\": \"north.gw\", \"resources\": "
            "{\"cpu_gflops\": 20}";
        text.replace(text.find(north), north.size(),
                     "\"north\", \"attach\": \"north.gw\", \"resources\": {\"cpu_gflops\": "
                     "0.001}");
        const std::string faults =
            ", \"faults\": [{\"at\": \"0.2s\", \"kind\": \"crash\", "
            "\"targets\": [\"edge-north\"]}]";
        text.insert(text.find("}, \"layers\""), faults);
        const core::RunReport r = run(text);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.dropouts"), 10.0);
        QCOMPARE(metric(r, "federated.participants"), 10.0);
        QCOMPARE(metric(r, "federated.round_time"), 0.2);
    }

    void edgesRefuseWhatNeedsEachUpdate() {
        QVERIFY(errorOfPrepare(regions("\"dp_clip\": 1")).contains("use hierarchy flat"));
        QVERIFY(
            errorOfPrepare(regions("\"strategy\": \"qfedavg\"")).contains("use hierarchy flat"));
        QVERIFY(errorOfPrepare(regions("\"mode\": \"async\"")).contains("edge aggregators"));
        QCOMPARE(errorOfPrepare(regions("\"mode\": \"async\", \"hierarchy\": \"flat\"")),
                 QString("(prepared)"));
    }

    // --- secure aggregation --------------------------------------------------------------------

    void secureAggregationGivesTheSameModel() {
        // The server gets only the sum of [n_k (x_k - x), n_k]; the mean update it makes of it is
        // FedAvg's, so the models are equal up to the fixed point's rounding (here 0.5e-12).
        const std::string base = scenario("\"rounds\": 8, \"secure_scale\": 1e12");
        TraceLines lines;
        const core::RunReport secure = run(withSecureAggregation(base, ""), &lines);
        const core::RunReport plain = run(base);
        QCOMPARE(secure.status, core::RunStatus::Completed);
        QVERIFY2(lines.has("updates are summed by secure aggregation (layer toysecagg)"),
                 lines.all().c_str());
        QVERIFY(lines.has("secure aggregation of 10 (0 dropped, 320 protocol bytes each)"));
        QCOMPARE(metric(secure, "federated.accuracy"), metric(plain, "federated.accuracy"));
        const double a = metric(secure, "federated.loss"), b = metric(plain, "federated.loss");
        QVERIFY2(std::abs(a - b) < 1e-9 * b, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
        // The server never sees one update, so it cannot measure their norms.
        QCOMPARE(secure.metric("federated.update_norm")->count, std::uint64_t(0));
        // The protocol's 50 ms is part of every round, and the update's upload is not: the
        // input travels in the provider's messages (this one's arrive at once).
        const double dt =
            metric(secure, "federated.round_time") - metric(plain, "federated.round_time");
        QVERIFY2(dt > 0.01 && dt < 0.05 - 1e-3, qPrintable(QString::number(dt)));
        // A coarse fixed point (whole numbers) rounds the updates visibly: the scale is applied.
        const core::RunReport coarse =
            run(withSecureAggregation(scenario("\"rounds\": 8, \"secure_scale\": 1"), ""));
        const double c0 = metric(coarse, "federated.loss");
        QVERIFY2(std::abs(c0 - b) > 1e-6 * b, qPrintable(QString("%1 vs %2").arg(c0).arg(b)));
        // Parties that drop out of the protocol are dropouts and not in the model.
        const core::RunReport dropped = run(withSecureAggregation(base, "\"drop_first\": 3"));
        QCOMPARE(metric(dropped, "federated.participants"), 7.0);
        QCOMPARE(metric(dropped, "federated.dropouts"), 8 * 3.0);
        QCOMPARE(metric(dropped, "federated.secure_aborts"), 0.0);
        // With DP-FedAvg the clients clip, the provider sums, the server adds the noise: the
        // same noised mean as without the provider.
        const std::string dp =
            scenario("\"rounds\": 8, \"dp_clip\": 5, \"dp_noise\": 0.5, \"secure_scale\": 1e12");
        const core::RunReport dpSecure = run(withSecureAggregation(dp, ""));
        const core::RunReport dpPlain = run(dp);
        QCOMPARE(dpSecure.status, core::RunStatus::Completed);
        QCOMPARE(metric(dpSecure, "federated.epsilon"), metric(dpPlain, "federated.epsilon"));
        const double c = metric(dpSecure, "federated.loss"), d = metric(dpPlain, "federated.loss");
        QVERIFY2(std::abs(c - d) < 1e-9 * d, qPrintable(QString("%1 vs %2").arg(c).arg(d)));
    }

    void secureAggregationCountsEachDropoutOnce() {
        // Three clients crash while they train: the federated layer counts them as dropouts; they
        // never submit to the session either, which the provider reports as dropped, and they
        // are not counted twice.
        const std::string crash =
            ", \"faults\": [{\"at\": \"5ms\", \"kind\": \"crash\", \"targets\": "
            "[\"clients[0]\", \"clients[1]\", \"clients[2]\"], \"duration\": \"60s\"}]";
        const std::string base =
            scenario("\"rounds\": 2, \"fraction\": 1.0, \"secure_scale\": 1e12", 10, crash);
        const core::RunReport plain = run(base);
        TraceLines lines;
        const core::RunReport secure = run(withSecureAggregation(base, ""), &lines);
        QVERIFY(metric(plain, "federated.dropouts") >= 3);
        QCOMPARE(metric(secure, "federated.dropouts"), metric(plain, "federated.dropouts"));
        QCOMPARE(metric(secure, "federated.participants"), metric(plain, "federated.participants"));
        QVERIFY2(lines.has("secure aggregation of 7 (0 dropped"), lines.all().c_str());
    }

    void secureAggregationBelowItsThresholdRevealsNothing() {
        // Six of ten clients drop out of the protocol: four inputs are fewer than the threshold
        // (half of ten), so every round aborts, the model never moves and the rounds say so.
        const std::string base = scenario("\"rounds\": 4");
        TraceLines lines;
        const core::RunReport aborted =
            run(withSecureAggregation(base, "\"drop_first\": 6"), &lines);
        QCOMPARE(aborted.status, core::RunStatus::Completed);
        QCOMPARE(metric(aborted, "federated.secure_aborts"), 4.0);
        QCOMPARE(metric(aborted, "federated.participants"), 0.0);
        QCOMPARE(aborted.metric("federated.loss_change")->max, 0.0);
        QVERIFY2(lines.has("secure aggregation aborted (6 dropped): 4 inputs, threshold 5"),
                 lines.all().c_str());
        const core::InspectorTable* rounds = aborted.table("federated.rounds");
        QVERIFY(rounds != nullptr);
        QCOMPARE(rounds->rowCount(), std::size_t(4));
        const std::optional<std::size_t> outcome = rounds->spec().column("outcome");
        QVERIFY(outcome.has_value());
        for (std::size_t r = 0; r < 4; ++r)
            QCOMPARE(rounds->text(r, *outcome), std::string("aborted"));
        // A threshold of 40% lets the four through.
        const core::RunReport revealed = run(withSecureAggregation(
            scenario("\"rounds\": 4, \"secure_threshold\": 0.4"), "\"drop_first\": 6"));
        QCOMPARE(metric(revealed, "federated.secure_aborts"), 0.0);
        QCOMPARE(metric(revealed, "federated.participants"), 4.0);
        QVERIFY(revealed.metric("federated.loss_change")->max > 0);
    }

    void reviewersVetoUpdatesAndLedgersRecordRounds() {
        // The server is node 0 and the ten clients nodes 1..10: banning nodes below 4 vetoes
        // clients 1, 2 and 3 in each of 5 rounds.
        const std::string plain = scenario("\"rounds\": 5, \"fraction\": 1.0", 10);
        std::string text = plain;
        const std::string anchor = "\"layers\": {";
        text.insert(text.find(anchor) + anchor.size(),
                    "\"toyreviewer\": {\"ban_below\": 4}, \"toyledger\": {}, ");
        TraceLines lines;
        const core::RunReport r = run(text, &lines);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "federated.rejected"), 15.0);
        QCOMPARE(metric(r, "federated.participants"), 7.0);
        QVERIFY2(lines.has("round 1: update rejected: node 1 is banned"), lines.all().c_str());
        QCOMPARE(ToyReviewer::reviewed, std::uint64_t(50));
        // Every round is reported: the new model's digest, its seven contributors with their
        // updates' digests (distinct: each client trained on its own data), the three vetoed.
        QCOMPARE(ToyReviewer::reports.size(), std::size_t(5));
        for (const core::UpdateReview::Round& round : ToyReviewer::reports) {
            QCOMPARE(round.contributors.size(), std::size_t(7));
            QCOMPARE(round.updates.size(), std::size_t(7));
            QCOMPARE(round.rejected, (std::vector<sim::NodeIndex>{1, 2, 3}));
            QVERIFY(round.updates[0] != round.updates[1]);
            QVERIFY(round.model != core::Digest{});
        }
        QVERIFY(ToyReviewer::reports[0].model != ToyReviewer::reports[1].model);
        // The ledger recorded each round, one block each, and the rounds table says where.
        QCOMPARE(metric(r, "federated.rounds_recorded"), 5.0);
        QCOMPARE(metric(r, "toyledger.records"), 5.0);
        QVERIFY2(lines.has("round 3 recorded in block 3"), lines.all().c_str());
        const core::InspectorTable* rounds = r.table("federated.rounds");
        QVERIFY(rounds != nullptr);
        const auto block = rounds->spec().column("block"),
                   rejected = rounds->spec().column("rejected");
        const auto model = rounds->spec().column("model");
        QVERIFY(block && rejected && model);
        for (std::size_t i = 0; i < 5; ++i) {
            QCOMPARE(rounds->integer(i, *block), static_cast<std::int64_t>(i + 1));
            QCOMPARE(rounds->integer(i, *rejected), std::int64_t(3));
            QCOMPARE(rounds->text(i, *model), core::shortHex(ToyReviewer::reports[i].model, 16));
        }
        // The vetoed clients' updates are not in the model: the same as a run without them.
        const core::RunReport clean = run(plain);
        QVERIFY(metric(clean, "federated.loss") != metric(r, "federated.loss"));
    }

    void secureAggregationIsUsedOnlyWhereItFits() {
        // Median looks at each update: the sum cannot serve it.
        TraceLines lines;
        const core::RunReport r =
            run(withSecureAggregation(scenario("\"rounds\": 2, \"aggregator\": \"median\""), ""),
                &lines);
        QCOMPARE(r.status, core::RunStatus::Completed);
        QVERIFY2(lines.has("secure aggregation (from layer toysecagg) not used: the median "
                           "aggregator looks at each update"),
                 lines.all().c_str());
        QVERIFY(
            errorOfPrepare(
                withSecureAggregation(
                    scenario("\"aggregator\": \"median\", \"secure_aggregation\": \"required\""),
                    ""))
                .contains("secure aggregation shows the server only the sum, but the median "
                          "aggregator looks at each update"));
        QVERIFY(errorOfPrepare(scenario("\"secure_aggregation\": \"required\""))
                    .contains("no layer of the run provides the secure-aggregation service"));
    }

    // --- checkpoints ---------------------------------------------------------------------------

    void resumingGivesTheSameRun() {
        // Eight rounds at once, against four rounds, a checkpoint, and the last four resumed.
        const std::string folder = (dir_ / "resume").string();
        const std::string settings =
            "\"rounds\": 8, \"strategy\": \"fedavgm\", \"server_momentum\": 0.5, \"dp_clip\": 5, "
            "\"dp_noise\": 0.3, \"checkpoint_every\": 4, \"checkpoint_dir\": \"" +
            folder + "\"";
        const core::RunReport whole = run(scenario(settings));
        const std::string file = folder + "/seed1-round4.dflck";
        QVERIFY(std::filesystem::exists(file));
        QVERIFY(std::filesystem::exists(folder + "/seed1-round8.dflck"));
        TraceLines lines;
        const core::RunReport resumed =
            run(scenario(settings + ", \"resume_from\": \"" + file + "\""), &lines);
        QCOMPARE(resumed.status, core::RunStatus::Completed);
        QVERIFY2(lines.has("resumed from " + file + " after round 4 at "), lines.all().c_str());
        QVERIFY(lines.has(", nothing changed"));
        QVERIFY(!lines.has("round 4:"));
        QVERIFY(lines.has("round 5:"));
        // Every metric ends as in the uninterrupted run, distributions included.
        for (const char* name :
             {"federated.accuracy", "federated.loss", "federated.epsilon", "federated.bytes.up",
              "federated.bytes.server", "federated.round", "federated.client_accuracy.p50"})
            QCOMPARE(metric(resumed, name), metric(whole, name));
        for (const char* name :
             {"federated.round_time", "federated.update_norm", "federated.loss_change"}) {
            QCOMPARE(resumed.metric(name)->count, whole.metric(name)->count);
            QCOMPARE(resumed.metric(name)->mean, whole.metric(name)->mean);
            QCOMPARE(resumed.metric(name)->p95, whole.metric(name)->p95);
        }
        QCOMPARE(resumed.simulatedTime, whole.simulatedTime);
    }

    void forkingChangesWhatItSays() {
        const std::string folder = (dir_ / "fork").string();
        const std::string base = "\"checkpoint_every\": 3, \"checkpoint_dir\": \"" + folder + "\"";
        const core::RunReport whole = run(scenario(base + ", \"rounds\": 6"));
        const std::string file = folder + "/seed1-round3.dflck";
        TraceLines lines;
        const core::RunReport fork =
            run(scenario(base + ", \"learning_rate\": 0.01, \"rounds\": 9, \"resume_from\": \"" +
                         file + "\""),
                &lines);
        QCOMPARE(fork.status, core::RunStatus::Completed);
        QVERIFY2(lines.has("; changed: learning_rate 0.05 -> 0.01; rounds 6 -> 9"),
                 lines.all().c_str());
        QCOMPARE(metric(fork, "federated.round"), 9.0);
        QVERIFY(metric(fork, "federated.loss") != metric(whole, "federated.loss"));
    }

    void badCheckpointsAreRefused() {
        const std::string folder = (dir_ / "bad").string();
        const std::string base =
            "\"rounds\": 4, \"checkpoint_every\": 2, \"checkpoint_dir\": \"" + folder + "\"";
        QCOMPARE(run(scenario(base)).status, core::RunStatus::Completed);
        const std::string good = folder + "/seed1-round2.dflck";
        auto resumeFrom = [&](const std::string& file, const std::string& extra = "") {
            return errorOfPrepare(scenario(base + extra + ", \"resume_from\": \"" + file + "\""));
        };
        QVERIFY(resumeFrom(folder + "/none.dflck").contains("none.dflck: No such file"));
        const std::string junk = folder + "/junk.dflck";
        std::ofstream(junk) << "not a checkpoint at all";
        QVERIFY(resumeFrom(junk).contains("junk.dflck: not a federated-learning checkpoint"));
        // One byte changed in the middle.
        std::string bytes(std::filesystem::file_size(good), '\0');
        std::ifstream(good, std::ios::binary).read(bytes.data(), std::streamsize(bytes.size()));
        bytes[bytes.size() / 2] ^= 0x20;
        const std::string damaged = folder + "/damaged.dflck";
        std::ofstream(damaged, std::ios::binary) << bytes;
        QVERIFY(resumeFrom(damaged).contains("the file is damaged (its checksum does not match)"));
        // Cut short.
        const std::string cut = folder + "/cut.dflck";
        std::ofstream(cut, std::ios::binary) << bytes.substr(0, 40);
        QVERIFY(resumeFrom(cut).contains("cut.dflck: the file is damaged"));
        // A state that does not fit: an MLP's parameters for logistic regression, a strategy
        // of another kind, no rounds left.
        QVERIFY(resumeFrom(good, ", \"model\": \"mlp\", \"hidden\": \"8\"")
                    .contains("its server state does not fit this run"));
        QVERIFY(resumeFrom(good, ", \"strategy\": \"fedyogi\"")
                    .contains("its server state does not fit this run"));
        QVERIFY(resumeFrom(folder + "/seed1-round4.dflck")
                    .contains("the checkpoint is of round 4, and rounds is 4"));
    }

    void checkpointTimeOutOfRangeIsRefused() {
        // A checkpoint whose next round would start before the run does (or never), with a
        // checksum that matches: refused as damaged, not scheduled in the past.
        const std::string folder = (dir_ / "time").string();
        const std::string base =
            "\"rounds\": 4, \"checkpoint_every\": 2, \"checkpoint_dir\": \"" + folder + "\"";
        QCOMPARE(run(scenario(base)).status, core::RunStatus::Completed);
        const std::string good = folder + "/seed1-round2.dflck";
        std::string bytes(std::filesystem::file_size(good), '\0');
        std::ifstream(good, std::ios::binary).read(bytes.data(), std::streamsize(bytes.size()));
        const auto read = layers::federated::readCheckpoint(bytes);
        QVERIFY(read.ok());
        QVERIFY(read->at > 0);
        // The time follows the magic, the format, the layer's version, the seed and the round.
        const std::size_t at = 8 + 4 + 8 + read->layerVersion.size() + 8 + 8;
        for (const sim::SimTime t :
             {sim::SimTime(-1), sim::SimTime(-2153283571796498480), sim::kTimeNever}) {
            std::string changed = bytes;
            std::memcpy(changed.data() + at, &t, sizeof t);
            const std::uint64_t sum = layers::federated::checkpointChecksum(
                std::string_view(changed).substr(0, changed.size() - 8));
            std::memcpy(changed.data() + changed.size() - 8, &sum, sizeof sum);
            const auto refused = layers::federated::readCheckpoint(changed);
            QVERIFY(!refused.ok());
            QCOMPARE(refused.error().message,
                     std::string("the file is damaged (its time is out of range)"));
            const std::string file = folder + "/time.dflck";
            std::ofstream(file, std::ios::binary | std::ios::trunc) << changed;
            const QString error =
                errorOfPrepare(scenario(base + ", \"resume_from\": \"" + file + "\""));
            QVERIFY2(error.contains("time.dflck: the file is damaged (its time is out of range)"),
                     qPrintable(error));
        }
    }

    // --- model replacement ---------------------------------------------------------------------

    void modelReplacementTakesOverFedAvg() {
        // One attacker among twenty trains on flipped labels and boosts its update twenty-fold,
        // so FedAvg's average becomes its model: the global model of every round is the last
        // one after two epochs of training on wrong labels, and loses about 40 points. The
        // median ignores the attacker.
        const std::string base = "\"rounds\": 15, \"fraction\": 1.0";
        const std::string attack = ", \"attack\": \"model-replacement\", \"attackers\": 0.05";
        const double clean = metric(run(scenario(base)), "federated.accuracy");
        const double fedavg = metric(run(scenario(base + attack)), "federated.accuracy");
        const double median = metric(run(scenario(base + attack + ", \"aggregator\": \"median\"")),
                                     "federated.accuracy");
        qInfo("model replacement: clean %.1f%%, FedAvg %.1f%%, median %.1f%%", 100 * clean,
              100 * fedavg, 100 * median);
        QVERIFY2(fedavg < clean - 0.3, qPrintable(QString("%1 vs %2").arg(fedavg).arg(clean)));
        QVERIFY2(median > clean - 0.03, qPrintable(QString("%1 vs %2").arg(median).arg(clean)));
    }
};

QTEST_GUILESS_MAIN(TestFlFederation)
#include "tst_fl_federation.moc"
