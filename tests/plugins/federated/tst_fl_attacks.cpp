// The update-level attacks by hand and by their statistics, and the robust aggregators against
// them: 20% of the clients flip and scale their updates; FedAvg is dragged far from the truth,
// the robust rules are not.
#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

#include "dais/fl/attacks.h"
#include "dais/fl/error.h"
#include "dais/fl/fedavg.h"
#include "dais/fl/robust.h"
#include "fl_test_util.h"

using namespace dais::fl;
using fltest::vec;

class TestFlAttacks : public QObject {
    Q_OBJECT

  private slots:
    void signFlipping() {
        FL_COMPARE_VEC(signFlip(vec({1, -2}), 3), vec({-3, 6}));
        AttackOptions o;
        o.kind = AttackOptions::Kind::SignFlip;
        o.scale = 3;
        const UpdateAttack attack(o, 1);
        // As an update: (1, -2) -> (-3, 6).
        ClientResult d = ClientResult::delta(9, vec({1, -2}), 10);
        attack.apply(d, vec({1, 1}), 0);
        FL_COMPARE_VEC(d.vector, vec({-3, 6}));
        QCOMPARE(d.samples, 10.0);
        // As parameters from x = (1, 1): (2, -1) is the update (1, -2) -> x + (-3, 6).
        ClientResult p = ClientResult::parameters(9, vec({2, -1}), 10);
        attack.apply(p, vec({1, 1}), 0);
        QCOMPARE(p.kind, ClientResult::Kind::Parameters);
        FL_COMPARE_VEC(p.vector, vec({-2, 7}));
    }

    void modelReplacementPlantsTheTarget() {
        // x = (1, 1), target X = (3, 0), gamma = 5: the update 5 (X - x) = (10, -5).
        FL_COMPARE_VEC(modelReplacement(vec({1, 1}), vec({3, 0}), 5), vec({10, -5}));
        // With n = 5 equal clients, eta = 1 and the four honest updates at 0, FedAvg's new
        // model is x + (10, -5) / 5 = X exactly (gamma = n / eta, Bagdasaryan et al.).
        AttackOptions o;
        o.kind = AttackOptions::Kind::ModelReplacement;
        o.boost = 5;
        o.target = vec({3, 0});
        const UpdateAttack attack(o, 1);
        std::vector<ClientResult> r;
        for (std::uint64_t k = 0; k < 5; ++k)
            r.push_back(ClientResult::parameters(k, vec({1, 1}), 20));
        const std::vector<std::uint64_t> malicious = {3};
        attack.apply(r, malicious, vec({1, 1}), 0);
        FL_COMPARE_VEC(r[3].vector, vec({11, -4}));
        FL_COMPARE_VEC(r[2].vector, vec({1, 1}));
        FedAvg s(vec({1, 1}));
        FL_COMPARE_VEC(s.step(r), vec({3, 0}));
    }

    void gaussianNoise() {
        // 20,000 coordinates of N(0, sigma^2), sigma = 2, added to an update of 5s. The sample
        // mean's standard error is sigma / sqrt(d) = 0.014 and the sample variance's is
        // sigma^2 sqrt(2 / d) = 0.04: 5 standard errors (0.07 and 0.2) leave room for no flake
        // while a wrong sigma (or a missing factor) is caught.
        const Eigen::Index d = 20000;
        AttackOptions o;
        o.kind = AttackOptions::Kind::GaussianNoise;
        o.sigma = 2;
        const UpdateAttack attack(o, 77);
        ClientResult r = ClientResult::delta(4, Eigen::VectorXd::Constant(d, 5.0), 1);
        attack.apply(r, Eigen::VectorXd::Zero(d), 3);
        const Eigen::VectorXd noise = r.vector.array() - 5.0;
        const double mean = noise.mean();
        const double var = (noise.array() - mean).square().sum() / static_cast<double>(d - 1);
        QVERIFY2(std::abs(mean) < 0.07, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(var - 4.0) < 0.2, qPrintable(QString::number(var)));

        // The same (seed, client, round) gives the same noise; another round or client not.
        ClientResult again = ClientResult::delta(4, Eigen::VectorXd::Constant(d, 5.0), 1);
        attack.apply(again, Eigen::VectorXd::Zero(d), 3);
        QVERIFY(again.vector == r.vector);
        ClientResult otherRound = ClientResult::delta(4, Eigen::VectorXd::Constant(d, 5.0), 1);
        attack.apply(otherRound, Eigen::VectorXd::Zero(d), 4);
        QVERIFY(otherRound.vector != r.vector);
        ClientResult otherClient = ClientResult::delta(5, Eigen::VectorXd::Constant(d, 5.0), 1);
        attack.apply(otherClient, Eigen::VectorXd::Zero(d), 3);
        QVERIFY(otherClient.vector != r.vector);

        // replace: pure noise, the update is dropped; the noise itself is the same draws.
        o.replace = true;
        ClientResult pure = ClientResult::delta(4, Eigen::VectorXd::Constant(d, 5.0), 1);
        UpdateAttack(o, 77).apply(pure, Eigen::VectorXd::Zero(d), 3);
        FL_COMPARE_VEC(pure.vector, noise);
    }

    void onlyTheMaliciousChange() {
        AttackOptions o;
        o.kind = AttackOptions::Kind::SignFlip;
        std::vector<ClientResult> r;
        for (std::uint64_t k = 10; k < 15; ++k)
            r.push_back(ClientResult::delta(k, vec({1, 2}), 1));
        const std::vector<std::uint64_t> malicious = {14, 11, 99};
        UpdateAttack(o, 1).apply(r, malicious, vec({0, 0}), 0);
        for (const ClientResult& c : r)
            FL_COMPARE_VEC(c.vector, (c.id == 11 || c.id == 14) ? vec({-1, -2}) : vec({1, 2}));
    }

    void attackPreconditions_data() {
        FL_ERROR_COLUMNS();
        auto row = [](const char* name, fltest::Action a, const char* message) {
            QTest::newRow(name) << a << QString(message);
        };
        row(
            "sign flipping: scale 0",
            [] {
                AttackOptions o;
                o.kind = AttackOptions::Kind::SignFlip;
                o.scale = 0;
                UpdateAttack(o, 1);
            },
            "sign flipping needs scale > 0: got 0");
        row(
            "Gaussian noise: sigma < 0",
            [] {
                AttackOptions o;
                o.kind = AttackOptions::Kind::GaussianNoise;
                o.sigma = -1;
                UpdateAttack(o, 1);
            },
            "Gaussian noise needs sigma >= 0: got -1");
        row(
            "model replacement: no target",
            [] {
                AttackOptions o;
                o.kind = AttackOptions::Kind::ModelReplacement;
                UpdateAttack(o, 1);
            },
            "model replacement needs a target model: got none");
        row(
            "model replacement: target of another size",
            [] {
                AttackOptions o;
                o.kind = AttackOptions::Kind::ModelReplacement;
                o.target = vec({1, 2, 3});
                ClientResult r = ClientResult::delta(1, vec({1, 2}), 1);
                UpdateAttack(o, 1).apply(r, vec({0, 0}), 0);
            },
            "model replacement needs a target of the model's size: got 3 values; the model "
            "has 2");
        row(
            "result of another size",
            [] {
                AttackOptions o;
                o.kind = AttackOptions::Kind::SignFlip;
                ClientResult r = ClientResult::delta(5, vec({1, 2}), 1);
                UpdateAttack(o, 1).apply(r, vec({0, 0, 0}), 0);
            },
            "sign flipping: client 5 has 2 values; the model has 3");
    }

    void attackPreconditions() { FL_ERROR_ROW_CHECK(); }

    void robustnessUnderSignFlipping() {
        // n = 20 clients, f = 4 (20%) flip their update and scale it by 10. Honest updates are
        // truth + N(0, sigma^2 I) with truth = (1, ..., 1) in d = 10 (|truth| = 3.16) and
        // sigma = 0.5. Expected outcomes:
        //  - FedAvg: 0.8 truth - 0.2 * 10 truth = -1.2 truth, 2.2 |truth| = 7 from the truth;
        //    it must be more than 1.5 |truth| away.
        //  - median, trimmed mean (beta = 0.2), Multi-Krum (f = 4) and Bulyan (f = 4): the 4
        //    flipped values sit at about -10 in every coordinate and are trimmed or out-scored;
        //    what is left is an estimate from 16 honest draws, biased by at most the shift of
        //    an order statistic (median: the 37.5% quantile of N(1, 0.25), 0.16 per coordinate)
        //    with a standard error of about 1.25 sigma / 4 = 0.16 per coordinate: over 10
        //    coordinates about 0.5 of bias and 0.5 of noise, some 0.7 in norm, 0.9 at the worst
        //    of these 20 seeds x 4 rules. The tolerance 0.4 |truth| = 1.26 is more than 3
        //    standard deviations of that norm above its typical value, while a rule that lets
        //    the attackers in (2 |truth| = 6.3 off) fails by far.
        const Eigen::Index d = 10;
        const int n = 20;
        const std::size_t f = 4;
        const Eigen::VectorXd truth = Eigen::VectorXd::Ones(d);
        const double tolerance = 0.4 * truth.norm();
        AttackOptions o;
        o.kind = AttackOptions::Kind::SignFlip;
        o.scale = 10;
        const UpdateAttack attack(o, 1);
        struct Rule {
            const char* name;
            std::shared_ptr<const Aggregator> aggregator;
        };
        const std::vector<Rule> robust = {
            {"median", std::make_shared<CoordinateMedian>()},
            {"trimmed mean", std::make_shared<TrimmedMean>(0.2, f)},
            {"Multi-Krum", std::make_shared<MultiKrum>(f)},
            {"Bulyan", std::make_shared<Bulyan>(f)},
        };
        double worst = 0.0;
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
            dais::sim::RngStream rng(seed, "tst_fl_attacks", 0, "honest");
            std::vector<ClientResult> results;
            for (int k = 0; k < n; ++k) {
                Eigen::VectorXd u(d);
                for (Eigen::Index i = 0; i < d; ++i)
                    u[i] = truth[i] + rng.normal(0.0, 0.5);
                results.push_back(ClientResult::delta(static_cast<std::uint64_t>(k), u,
                                                      static_cast<double>(10 + rng.below(20))));
            }
            // The layer picks the attackers; here every fifth client.
            const std::vector<std::uint64_t> malicious = {2, 7, 12, 17};
            attack.apply(results, malicious, Eigen::VectorXd::Zero(d), 0);

            FedAvg plain(Eigen::VectorXd::Zero(d));
            const double plainError = (plain.step(results) - truth).norm();
            QVERIFY2(
                plainError > 1.5 * truth.norm(),
                qPrintable(
                    QString("seed %1: FedAvg only %2 from the truth").arg(seed).arg(plainError)));
            for (const Rule& rule : robust) {
                FedAvg s(Eigen::VectorXd::Zero(d));
                s.setAggregator(rule.aggregator);
                const double error = (s.step(results) - truth).norm();
                worst = std::max(worst, error);
                QVERIFY2(error < tolerance, qPrintable(QString("seed %1: %2 is %3 from the truth")
                                                           .arg(seed)
                                                           .arg(rule.name)
                                                           .arg(error)));
                for (Eigen::Index c : s.lastSelected())
                    QVERIFY2(c % 5 != 2,
                             qPrintable(QString("%1 selected an attacker").arg(rule.name)));
            }
        }
        qInfo("worst robust error over 20 seeds: %.3f (tolerance %.3f)", worst, tolerance);
    }
};

QTEST_APPLESS_MAIN(TestFlAttacks)
#include "tst_fl_attacks.moc"
