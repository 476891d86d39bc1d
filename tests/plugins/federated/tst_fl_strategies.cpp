// The server strategies against values worked out by hand over one and two rounds, their
// preconditions by their exact messages, and checkpoints: a saved and restored state gives the
// same next round bit for bit.
#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

#include "dais/fl/error.h"
#include "dais/fl/fedavg.h"
#include "dais/fl/fedopt.h"
#include "dais/fl/qfedavg.h"
#include "dais/fl/robust.h"
#include "dais/sim/rng.h"
#include "fl_test_util.h"

using namespace dais::fl;
using fltest::vec;

namespace {

ClientResult withLoss(ClientResult r, double lossBefore) {
    r.lossBefore = lossBefore;
    return r;
}

/// n clients with random updates and sample counts, for round-trips.
std::vector<ClientResult> randomResults(std::uint64_t round, int n, Eigen::Index d) {
    dais::sim::RngStream rng(42, "tst_fl_strategies", round, "results");
    std::vector<ClientResult> out;
    for (int k = 0; k < n; ++k) {
        Eigen::VectorXd u(d);
        for (Eigen::Index i = 0; i < d; ++i)
            u[i] = rng.normal(0.1, 1.0);
        ClientResult r = ClientResult::delta(static_cast<std::uint64_t>(k), u,
                                             static_cast<double>(1 + rng.below(50)));
        r.lossBefore = rng.uniform(0.5, 2.0);
        out.push_back(r);
    }
    return out;
}

std::unique_ptr<Strategy> make(const QString& which, const Eigen::VectorXd& x0) {
    if (which == "FedAvg") return std::make_unique<FedAvg>(x0);
    if (which == "FedAvgM") return std::make_unique<FedAvgM>(x0);
    if (which == "FedAdagrad") return std::make_unique<FedAdagrad>(x0);
    if (which == "FedYogi") return std::make_unique<FedYogi>(x0);
    if (which == "FedAdam") return std::make_unique<FedAdam>(x0);
    return std::make_unique<QFedAvg>(x0, QFedAvg::Options{0.5, 3.0});
}

}  // namespace

class TestFlStrategies : public QObject {
    Q_OBJECT

  private slots:
    void fedAvgWeights() {
        // x = (1, 1); client models (3, 1) on 1 sample and (1, 5) on 3: updates (2, 0), (0, 4);
        // the weighted mean update (2, 12) / 4 = (0.5, 3); x = (1.5, 4).
        FedAvg s(vec({1, 1}));
        const std::vector<ClientResult> r = {ClientResult::parameters(1, vec({3, 1}), 1),
                                             ClientResult::parameters(2, vec({1, 5}), 3)};
        FL_COMPARE_VEC(s.step(r), vec({1.5, 4}));
        QCOMPARE(s.round(), std::uint64_t{1});
        // The same as updates, with a server learning rate 0.5: x = (1, 1) + 0.5 (0.5, 3).
        FedAvg half(vec({1, 1}), FedAvg::Options{0.5});
        const std::vector<ClientResult> d = {ClientResult::delta(1, vec({2, 0}), 1),
                                             ClientResult::delta(2, vec({0, 4}), 3)};
        FL_COMPARE_VEC(half.step(d), vec({1.25, 2.5}));
    }

    void fedAvgWithRobustAggregator() {
        // Median of the updates (1, 0), (2, 10), (100, -3) = (2, 0), whatever the samples.
        FedAvg s(vec({0, 0}));
        s.setAggregator(std::make_shared<CoordinateMedian>());
        const std::vector<ClientResult> r = {ClientResult::delta(1, vec({1, 0}), 5),
                                             ClientResult::delta(2, vec({2, 10}), 1),
                                             ClientResult::delta(3, vec({100, -3}), 1)};
        FL_COMPARE_VEC(s.step(r), vec({2, 0}));
        // Krum reports which result it picked.
        FedAvg k(vec({0, 0}));
        k.setAggregator(std::make_shared<Krum>(0));
        k.step(r);
        QCOMPARE(k.lastSelected(), std::vector<Eigen::Index>({0}));
    }

    void fedAvgMTwoRounds() {
        // beta = 0.5, eta = 1, x = (0, 0), v = 0.
        // Round 1: Delta = (1, 2): v = (1, 2), x = (1, 2).
        // Round 2: Delta = (-1, 1): v = 0.5 (1, 2) + (-1, 1) = (-0.5, 2), x = (0.5, 4).
        FedAvgM s(vec({0, 0}), FedAvgM::Options{1.0, 0.5});
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({1, 2}), 1)}), vec({1, 2}));
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({-1, 1}), 1)}), vec({0.5, 4}));
        FL_COMPARE_VEC(s.state().moments.at("velocity"), vec({-0.5, 2}));
        // With eta = 2 the same rounds: x = 2 (1, 2) = (2, 4), then + 2 (-0.5, 2) = (1, 8).
        FedAvgM t(vec({0, 0}), FedAvgM::Options{2.0, 0.5});
        t.step(std::vector{ClientResult::delta(1, vec({1, 2}), 1)});
        FL_COMPARE_VEC(t.step(std::vector{ClientResult::delta(1, vec({-1, 1}), 1)}), vec({1, 8}));
    }

    void fedAdamTwoRounds() {
        // eta = 1, beta1 = 0.5, beta2 = 0.5, tau = 1, v_{-1} = tau^2 = 1, x_0 = (0, 0).
        // Round 1: updates (2, 6) and (0, 8), 1 sample each: Delta = (1, 7).
        //   m = 0.5 (1, 7) = (0.5, 3.5); v = 0.5 (1, 1) + 0.5 (1, 49) = (1, 25)
        //   x = (0.5 / (1 + 1), 3.5 / (5 + 1)) = (0.25, 7/12)
        // Round 2: Delta = (-1, 5).
        //   m = 0.5 (0.5, 3.5) + 0.5 (-1, 5) = (-0.25, 4.25); v = 0.5 (1, 25) + 0.5 (1, 25)
        //   = (1, 25); x = (0.25 - 0.25 / 2, 7/12 + 4.25 / 6) = (0.125, 31/24)
        FedOptOptions o;
        o.eta = 1;
        o.beta1 = 0.5;
        o.beta2 = 0.5;
        o.tau = 1;
        FedAdam s(vec({0, 0}), o);
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({2, 6}), 1),
                                          ClientResult::delta(2, vec({0, 8}), 1)}),
                       vec({0.25, 7.0 / 12}));
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({-1, 5}), 1)}),
                       vec({0.125, 31.0 / 24}));
        FL_COMPARE_VEC(s.state().moments.at("m"), vec({-0.25, 4.25}));
        FL_COMPARE_VEC(s.state().moments.at("v"), vec({1, 25}));
    }

    void fedYogiTwoRounds() {
        // eta = 1, beta1 = 0.5, beta2 = 0.5, tau = 1, v_{-1} = 1, x_0 = 0; three coordinates.
        // Round 1: Delta = (1, 4, 0.5), Delta^2 = (1, 16, 0.25).
        //   v = v - 0.5 Delta^2 sign(v - Delta^2): sign(0) = 0 -> 1; sign(-15) -> 1 + 8 = 9;
        //   sign(0.75) -> 1 - 0.125 = 0.875.   m = (0.5, 2, 0.25).
        //   x = (0.5 / 2, 2 / 4, 0.25 / (sqrt(0.875) + 1))
        // Round 2: Delta = (4, -12, 0.5), Delta^2 = (16, 144, 0.25).
        //   v: sign(1 - 16) -> 1 + 8 = 9; sign(9 - 144) -> 9 + 72 = 81;
        //   sign(0.625) -> 0.875 - 0.125 = 0.75.   m = (2.25, -5, 0.375).
        //   x += (2.25 / 4, -5 / 10, 0.375 / (sqrt(0.75) + 1))
        FedOptOptions o;
        o.eta = 1;
        o.beta1 = 0.5;
        o.beta2 = 0.5;
        o.tau = 1;
        FedYogi s(vec({0, 0, 0}), o);
        const double x2 = 0.25 / (std::sqrt(0.875) + 1);
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({1, 4, 0.5}), 3)}),
                       vec({0.25, 0.5, x2}));
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({4, -12, 0.5}), 3)}),
                       vec({0.8125, 0, x2 + 0.375 / (std::sqrt(0.75) + 1)}));
        FL_COMPARE_VEC(s.state().moments.at("v"), vec({9, 81, 0.75}));
    }

    void fedAdagradTwoRounds() {
        // eta = 0.5, beta1 = 0.5, tau = 0.5, v_{-1} = 0.25, x_0 = (1, -1).
        // Round 1: Delta = (2, 0): m = (1, 0); v = (0.25 + 4, 0.25) = (4.25, 0.25).
        //   x = (1 + 0.5 * 1 / (sqrt(4.25) + 0.5), -1)
        // Round 2: Delta = (0, -3): m = (0.5, -1.5); v = (4.25, 9.25).
        //   x += (0.5 * 0.5 / (sqrt(4.25) + 0.5), 0.5 * -1.5 / (sqrt(9.25) + 0.5))
        FedOptOptions o;
        o.eta = 0.5;
        o.beta1 = 0.5;
        o.tau = 0.5;
        FedAdagrad s(vec({1, -1}), o);
        const double a = 1 + 0.5 / (std::sqrt(4.25) + 0.5);
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({2, 0}), 1)}), vec({a, -1}));
        FL_COMPARE_VEC(
            s.step(std::vector{ClientResult::delta(1, vec({0, -3}), 1)}),
            vec({a + 0.25 / (std::sqrt(4.25) + 0.5), -1 - 0.75 / (std::sqrt(9.25) + 0.5)}));
        FL_COMPARE_VEC(s.state().moments.at("v"), vec({4.25, 9.25}));
        FL_COMPARE_VEC(s.state().moments.at("m"), vec({0.5, -1.5}));
    }

    void fedOptInitialV() {
        // An explicit v_{-1} = 0 with beta1 = 0 makes FedAdagrad's first step
        // eta Delta / (|Delta| + tau): (3 / 4, -1 / 2) for Delta = (3, -1), tau = 1, eta = 1.
        FedOptOptions o;
        o.eta = 1;
        o.beta1 = 0;
        o.tau = 1;
        o.initialV = 0;
        FedAdagrad s(vec({0, 0}), o);
        FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({3, -1}), 1)}),
                       vec({0.75, -0.5}));
        // The default v_{-1} is tau^2.
        FedOptOptions d;
        d.tau = 0.25;
        QCOMPARE(FedYogi(vec({0, 0}), d).state().moments.at("v"),
                 Eigen::VectorXd(vec({0.0625, 0.0625})));
    }

    void qFedAvgQZero() {
        // q = 0: Delta_k = L (x - x_k), h_k = L; x - sum Delta_k / (m L) is the uniform mean of
        // the client models, for any L and any sample counts. x = (1, 1); updates (2, 0) and
        // (0, 4) (samples 1 and 3; FedAvg would weight them): x = (1, 1) + (1, 2) = (2, 3).
        for (double L : {1.0, 2.0, 10.0}) {
            QFedAvg s(vec({1, 1}), QFedAvg::Options{0.0, L});
            FL_COMPARE_VEC(s.step(std::vector{ClientResult::delta(1, vec({2, 0}), 1),
                                              ClientResult::delta(2, vec({0, 4}), 3)}),
                           vec({2, 3}));
        }
    }

    void qFedAvgQPositive() {
        // x = (0, 0); client A: update (1, 0), F_A = 2; client B: update (0, 2), F_B = 0.5.
        // q = 1, L = 1: Delta w_A = (-1, 0), Delta_A = 2 (-1, 0) = (-2, 0),
        //   h_A = 1 * 2^0 * 1 + 1 * 2 = 3; Delta w_B = (0, -2), Delta_B = (0, -1),
        //   h_B = 1 * 0.5^0 * 4 + 1 * 0.5 = 4.5; x = -(-2, -1) / 7.5.
        const std::vector<ClientResult> r = {withLoss(ClientResult::delta(1, vec({1, 0}), 1), 2.0),
                                             withLoss(ClientResult::delta(2, vec({0, 2}), 1), 0.5)};
        QFedAvg one(vec({0, 0}), QFedAvg::Options{1.0, 1.0});
        FL_COMPARE_VEC(one.step(r), vec({2 / 7.5, 1 / 7.5}));
        // q = 2, L = 2: Delta w_A = (-2, 0), F^q = 4: Delta_A = (-8, 0),
        //   h_A = 2 * 2 * 4 + 2 * 4 = 24; Delta w_B = (0, -4), F^q = 0.25: Delta_B = (0, -1),
        //   h_B = 2 * 0.5 * 16 + 2 * 0.25 = 16.5; x = (8, 1) / 40.5.
        QFedAvg two(vec({0, 0}), QFedAvg::Options{2.0, 2.0});
        FL_COMPARE_VEC(two.step(r), vec({8 / 40.5, 1 / 40.5}));
    }

    void preconditions_data() {
        FL_ERROR_COLUMNS();
        auto row = [](const char* name, fltest::Action a, const char* message) {
            QTest::newRow(name) << a << QString(message);
        };
        auto fedAvgStep = [](ClientResult r) {
            FedAvg s(vec({1, 1}));
            s.step(std::vector{std::move(r)});
        };
        row(
            "no results",
            [] {
                FedAvg(vec({1, 1})).step({});
            },
            "FedAvg needs at least one client result: got none");
        row(
            "wrong size",
            [=] {
                fedAvgStep(ClientResult::delta(4, vec({1, 2, 3}), 1));
            },
            "FedAvg: client 4 sent 3 values; the model has 2");
        row(
            "NaN",
            [=] {
                fedAvgStep(ClientResult::delta(4, vec({1, NAN}), 1));
            },
            "FedAvg: client 4 sent nan at index 1");
        row(
            "negative samples",
            [=] {
                fedAvgStep(ClientResult::delta(4, vec({1, 1}), -1));
            },
            "FedAvg: client 4 reports samples = -1; samples must be finite and >= 0");
        row(
            "no samples",
            [=] {
                fedAvgStep(ClientResult::delta(4, vec({1, 1}), 0));
            },
            "weighted mean needs a positive total of samples: got 0");
        row(
            "FedAvg eta = 0", [] { FedAvg(vec({1}), FedAvg::Options{0}); },
            "FedAvg needs a server learning rate > 0: got eta = 0");
        row(
            "FedAvgM momentum = 1",
            [] {
                FedAvgM(vec({1}), FedAvgM::Options{1, 1});
            },
            "FedAvgM needs 0 <= momentum < 1: got momentum = 1");
        row(
            "FedAdam beta1 = 1",
            [] {
                FedOptOptions o;
                o.beta1 = 1;
                FedAdam(vec({1}), o);
            },
            "FedAdam needs 0 <= beta1 < 1: got beta1 = 1");
        row(
            "FedYogi beta2 < 0",
            [] {
                FedOptOptions o;
                o.beta2 = -0.5;
                FedYogi(vec({1}), o);
            },
            "FedYogi needs 0 <= beta2 < 1: got beta2 = -0.5");
        row(
            "FedAdagrad tau = 0",
            [] {
                FedOptOptions o;
                o.tau = 0;
                FedAdagrad(vec({1}), o);
            },
            "FedAdagrad needs tau > 0: got tau = 0");
        row(
            "FedAdam eta < 0",
            [] {
                FedOptOptions o;
                o.eta = -1;
                FedAdam(vec({1}), o);
            },
            "FedAdam needs a server learning rate eta > 0: got eta = -1");
        row(
            "FedAdam initial v < 0",
            [] {
                FedOptOptions o;
                o.initialV = -1;
                FedAdam(vec({1}), o);
            },
            "FedAdam needs an initial v >= 0: got initial v = -1");
        row(
            "q-FedAvg L = 0",
            [] {
                QFedAvg(vec({1}), QFedAvg::Options{1, 0});
            },
            "q-FedAvg needs a Lipschitz estimate L > 0: got L = 0");
        row(
            "q-FedAvg q < 0",
            [] {
                QFedAvg(vec({1}), QFedAvg::Options{-1, 1});
            },
            "q-FedAvg needs q >= 0: got q = -1");
        row(
            "q-FedAvg without losses",
            [] {
                QFedAvg q(vec({1}), QFedAvg::Options{1, 1});
                q.step(std::vector{ClientResult::delta(7, vec({1}), 1)});
            },
            "q-FedAvg with q > 0 needs each client's loss before training, finite and > 0: "
            "client 7 reports nan");
        row(
            "q-FedAvg with a zero loss",
            [] {
                QFedAvg q(vec({1}), QFedAvg::Options{0.5, 1});
                q.step(std::vector{withLoss(ClientResult::delta(7, vec({1}), 1), 0.0)});
            },
            "q-FedAvg with q > 0 needs each client's loss before training, finite and > 0: "
            "client 7 reports 0");
        row(
            "q-FedAvg with an aggregator",
            [] {
                QFedAvg(vec({1}), QFedAvg::Options{1, 1})
                    .setAggregator(std::make_shared<CoordinateMedian>());
            },
            "q-FedAvg combines the updates by its own rule: it takes no aggregator");
        row(
            "no aggregator", [] { FedAvg(vec({1})).setAggregator(nullptr); },
            "FedAvg needs an aggregator: got none");
        row(
            "empty model", [] { FedAvg(Eigen::VectorXd()); },
            "a strategy needs initial parameters: got an empty vector");
        row(
            "infinite model",
            [] {
                FedAvg(vec({0, INFINITY}));
            },
            "a strategy needs finite initial parameters: got inf at index 1");
    }

    void preconditions() { FL_ERROR_ROW_CHECK(); }

    void qFedAvgZeroIgnoresLosses() {
        // q = 0 does not use the losses: none is needed.
        QFedAvg q(vec({1}), QFedAvg::Options{0, 1});
        FL_COMPARE_VEC(q.step(std::vector{ClientResult::delta(7, vec({1}), 1)}), vec({2}));
    }

    void failedRoundLeavesStateUntouched() {
        // Bulyan with f = 1 needs 7 clients; a round of 3 is refused and changes nothing.
        FedAdam s(vec({1, 2}));
        s.step(std::vector{ClientResult::delta(1, vec({1, 1}), 1)});
        const ServerState before = s.state();
        s.setAggregator(std::make_shared<Bulyan>(1));
        FL_EXPECT_ERROR(s.step(std::vector{ClientResult::delta(1, vec({1, 1}), 1),
                                           ClientResult::delta(2, vec({1, 1}), 1),
                                           ClientResult::delta(3, vec({1, 1}), 1)}),
                        "Bulyan needs n >= 4f + 3 clients: got n = 3 with f = 1");
        QVERIFY(s.state() == before);
    }

    void stateRoundTrip_data() {
        QTest::addColumn<QString>("strategy");
        for (const char* name :
             {"FedAvg", "FedAvgM", "FedAdagrad", "FedYogi", "FedAdam", "q-FedAvg"})
            QTest::newRow(name) << QString(name);
    }

    void stateRoundTrip() {
        // Three rounds straight through, against two rounds, a checkpoint (to bytes and back),
        // a fresh server restored from it, and the third round: the same bits.
        QFETCH(QString, strategy);
        const Eigen::Index d = 4;
        const Eigen::VectorXd x0 = vec({0.5, -1, 2, 0});
        auto straight = make(strategy, x0);
        for (std::uint64_t r = 0; r < 3; ++r)
            straight->step(randomResults(r, 5, d));

        auto first = make(strategy, x0);
        first->step(randomResults(0, 5, d));
        first->step(randomResults(1, 5, d));
        const std::string bytes = encodeState(first->state());
        const ServerState decoded = decodeState(bytes);
        QVERIFY(decoded == first->state());
        QCOMPARE(decoded.round, std::uint64_t{2});

        auto resumed = make(strategy, vec({0, 0, 0, 0}));
        resumed->restore(decoded);
        resumed->step(randomResults(2, 5, d));
        QVERIFY(resumed->state() == straight->state());
        for (Eigen::Index i = 0; i < d; ++i)
            QCOMPARE(std::bit_cast<std::uint64_t>(resumed->parameters()[i]),
                     std::bit_cast<std::uint64_t>(straight->parameters()[i]));
    }

    void restoreRefusals() {
        FedAdam adam(vec({1, 2}));
        FedYogi yogi(vec({1, 2}));
        FL_EXPECT_ERROR(yogi.restore(adam.state()), "FedYogi cannot restore the state of FedAdam");
        FedAdam wide(vec({1, 2, 3}));
        FL_EXPECT_ERROR(adam.restore(wide.state()),
                        "FedAdam cannot restore a state of dimension 3: the model has 2");
        ServerState s = adam.state();
        s.moments.erase("v");
        FL_EXPECT_ERROR(adam.restore(s),
                        "FedAdam cannot restore a state whose vectors differ from {m, v}");
        const std::string bytes = encodeState(adam.state());
        FL_EXPECT_ERROR(decodeState(bytes.substr(0, bytes.size() - 3)),
                        "truncated or malformed federation server state at byte 113");
        FL_EXPECT_ERROR(decodeState("DAISFLS9"),
                        "not a federation server state (bad magic or version)");
    }
};

QTEST_APPLESS_MAIN(TestFlStrategies)
#include "tst_fl_strategies.moc"
