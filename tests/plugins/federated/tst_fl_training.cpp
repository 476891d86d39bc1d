// Local training: one full-batch epoch is one gradient-descent step computed by hand; momentum,
// weight decay and the proximal term against the update rules applied step by step; partial
// work; determinism; and centralised logistic regression on the bundled UCI data sets against
// the published reference accuracies.
#include <QtTest>

#include <Eigen/Core>
#include <cmath>
#include <vector>

#include "dais/fl/dataset.h"
#include "dais/fl/model.h"
#include "dais/fl/train.h"

using namespace dais;
using namespace dais::fl;

namespace {

/// Four samples, two features, three classes:
/// (1,0) -> 0, (0,1) -> 1, (1,1) -> 2, (2,0) -> 0.
Dataset tiny() {
    Dataset d;
    d.classes = 3;
    d.features.resize(2, 4);
    d.features << 1, 0, 1, 2,  //
        0, 1, 1, 0;
    d.labels = {0, 1, 2, 0};
    return d;
}

Dataset randomData(std::size_t n, std::size_t dim, std::size_t classes, std::uint64_t seed) {
    sim::RngStream rng(seed, "test", 0, "data");
    return makeBlobs(n, dim, classes, 2.0, 3.0, rng);
}

Eigen::VectorXd gradient(const Model& m, const Eigen::VectorXd& w, const Dataset& d) {
    Workspace ws;
    Eigen::VectorXd g;
    m.lossAndGradient(w, d.features, d.labels, &g, ws);
    return g;
}

void compareVectors(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double tol) {
    QCOMPARE(a.size(), b.size());
    const double err = (a - b).cwiseAbs().maxCoeff();
    QVERIFY2(err <= tol, qPrintable(QString("largest difference %1 > %2").arg(err).arg(tol)));
}

Dataset loadBundled(const char* file, const char* label) {
    return loadCsv(std::string(DAIS_SOURCE_DIR) + "/scenarios/data/" + file, label);
}

/// Standardise from the training rows, train logistic regression, return test accuracy.
double centralisedAccuracy(Dataset d, std::uint64_t seed, const TrainOptions& o) {
    sim::RngStream split(seed, "test", 0, "split");
    const Split s = stratifiedSplit(DataView::all(d), 0.2, split);
    Standardizer::fit(DataView::of(d, s.train)).apply(d);
    const Model m(ModelSpec::logistic(d.dimension(), d.classes));
    sim::RngStream rng(seed, "test", 0, "train");
    const TrainResult r = trainLocal(m, m.initialParameters(rng), DataView::of(d, s.train), o, rng);
    return evaluate(m, r.params, DataView::of(d, s.test)).accuracy;
}

}  // namespace

class TestFlTraining : public QObject {
    Q_OBJECT

  private slots:
    /// At w = 0 every class has probability 1/3, so the gradient is
    /// dW_cj = (1/4) sum_i (1/3 - [y_i = c]) x_ij and db_c = 1/3 - n_c / 4:
    ///   dW(:,0) = (-5/12, 1/3, 1/12), dW(:,1) = (1/6, -1/12, -1/12), db = (-1/6, 1/12, 1/12).
    /// One step of learning rate 0.5 gives w = -0.5 g (layout: W column-major, then b).
    void fullBatchEpochIsOneGradientStep() {
        const Dataset d = tiny();
        const Model m(ModelSpec::logistic(2, 3));
        TrainOptions o;
        o.learningRate = 0.5;
        o.batchSize = 4;
        o.epochs = 1;
        Eigen::VectorXd expected(9);
        expected << 5.0 / 24, -1.0 / 6, -1.0 / 24,  // W(:,0)
            -1.0 / 12, 1.0 / 24, 1.0 / 24,          // W(:,1)
            1.0 / 12, -1.0 / 24, -1.0 / 24;         // b
        for (bool shuffle : {false, true}) {
            o.shuffle = shuffle;
            sim::RngStream rng(1, "test", 0, "train");
            const TrainResult r = trainLocal(m, Eigen::VectorXd::Zero(9), DataView::all(d), o, rng);
            compareVectors(r.params, expected, 1e-15);
            QCOMPARE(r.steps, std::size_t(1));
            QCOMPARE(r.samples, std::size_t(4));
            QVERIFY(qFuzzyCompare(r.meanLoss, std::log(3.0)));
        }
    }

    /// Two full-batch steps with momentum 0.9 and weight decay 0.01 from a non-zero start,
    /// against the update rule written out: g_t = grad(w_t) + wd w_t, v_1 = g_0,
    /// v_2 = m v_1 + g_1, w_{t+1} = w_t - lr v_{t+1}.
    void momentumAndWeightDecayTwoSteps() {
        const Dataset d = randomData(40, 5, 3, 2);
        const Model m(ModelSpec::mlp(5, {6}, 3));
        sim::RngStream init(2, "test", 0, "init");
        const Eigen::VectorXd w0 = m.initialParameters(init);
        const double lr = 0.1, mom = 0.9, wd = 0.01;
        const Eigen::VectorXd v1 = gradient(m, w0, d) + wd * w0;
        const Eigen::VectorXd w1 = w0 - lr * v1;
        const Eigen::VectorXd v2 = mom * v1 + gradient(m, w1, d) + wd * w1;
        const Eigen::VectorXd w2 = w1 - lr * v2;

        TrainOptions o;
        o.learningRate = lr;
        o.momentum = mom;
        o.weightDecay = wd;
        o.batchSize = 40;
        o.epochs = 2;
        o.shuffle = false;
        sim::RngStream rng(2, "test", 0, "train");
        const TrainResult r = trainLocal(m, w0, DataView::all(d), o, rng);
        QCOMPARE(r.steps, std::size_t(2));
        compareVectors(r.params, w2, 1e-14);
        // Without momentum the second step uses the plain gradient.
        o.momentum = 0;
        const Eigen::VectorXd w2plain = w1 - lr * (gradient(m, w1, d) + wd * w1);
        compareVectors(trainLocal(m, w0, DataView::all(d), o, rng).params, w2plain, 1e-14);
    }

    /// FedProx adds mu (w - w_start) to the gradient: zero on the first step, then pulling
    /// towards the starting (global) model. Three steps written out.
    void proximalTerm() {
        const Dataset d = randomData(30, 4, 3, 3);
        const Model m(ModelSpec::logistic(4, 3));
        sim::RngStream init(3, "test", 0, "init");
        Eigen::VectorXd w0(m.parameterCount());
        for (Eigen::Index i = 0; i < w0.size(); ++i)
            w0[i] = init.normal(0.0, 0.5);
        const double lr = 0.2, mu = 1.5;
        Eigen::VectorXd w = w0;
        for (int t = 0; t < 3; ++t)
            w = w - lr * (gradient(m, w, d) + mu * (w - w0));
        TrainOptions o;
        o.learningRate = lr;
        o.proximalMu = mu;
        o.batchSize = 30;
        o.epochs = 3;
        sim::RngStream rng(3, "test", 0, "train");
        compareVectors(trainLocal(m, w0, DataView::all(d), o, rng).params, w, 1e-14);

        // The proximal gradient alone: on a dataset view with no rows nothing moves, so take
        // one row and subtract the data gradient: the difference of the steps with and
        // without mu after one plain step is lr^2 mu g_0 (second step).
        TrainOptions p = o;
        p.epochs = 2;
        p.proximalMu = 0;
        const Eigen::VectorXd plain = trainLocal(m, w0, DataView::all(d), p, rng).params;
        p.proximalMu = mu;
        const Eigen::VectorXd prox = trainLocal(m, w0, DataView::all(d), p, rng).params;
        // w1 is the same (w1 - w0 = -lr g0); the second step differs by lr mu (w1 - w0).
        const Eigen::VectorXd g0 = gradient(m, w0, d);
        compareVectors(prox - plain, lr * lr * mu * g0, 1e-14);
    }

    /// Mini-batches: ceil(n / B) steps per epoch, the last batch smaller, each sample once per
    /// epoch; partial work stops after k steps and equals the first k steps of a full run.
    void batchesAndPartialWork() {
        const Dataset d = randomData(50, 3, 4, 4);
        const Model m(ModelSpec::logistic(3, 4));
        TrainOptions o;
        o.batchSize = 8;
        o.epochs = 3;
        sim::RngStream r1(4, "test", 0, "train");
        const TrainResult full = trainLocal(m, Eigen::VectorXd::Zero(16), DataView::all(d), o, r1);
        QCOMPARE(full.steps, std::size_t(21));  // 3 x ceil(50 / 8)
        QCOMPARE(full.samples, std::size_t(150));

        o.maxSteps = 10;
        sim::RngStream r2(4, "test", 0, "train");
        const TrainResult part = trainLocal(m, Eigen::VectorXd::Zero(16), DataView::all(d), o, r2);
        QCOMPARE(part.steps, std::size_t(10));
        QCOMPARE(part.samples, std::size_t(7 * 8 - 6 + 3 * 8));  // one epoch (50) + 3 batches
        // The first 7 steps of both runs are one epoch: equal to training one epoch.
        o.maxSteps = 7;
        sim::RngStream r3(4, "test", 0, "train");
        const TrainResult seven = trainLocal(m, Eigen::VectorXd::Zero(16), DataView::all(d), o, r3);
        o.maxSteps = 0;
        o.epochs = 1;
        sim::RngStream r4(4, "test", 0, "train");
        const TrainResult epoch = trainLocal(m, Eigen::VectorXd::Zero(16), DataView::all(d), o, r4);
        QCOMPARE(seven.params, epoch.params);
        QCOMPARE(seven.samples, std::size_t(50));
    }

    /// The same stream gives the same parameters to the bit; another seed other shuffles.
    void deterministic() {
        const Dataset d = randomData(100, 6, 3, 5);
        const Model m(ModelSpec::mlp(6, {8}, 3));
        TrainOptions o;
        o.batchSize = 10;
        o.epochs = 2;
        o.momentum = 0.5;
        sim::RngStream i1(5, "test", 0, "init"), i2(5, "test", 0, "init");
        const Eigen::VectorXd w0 = m.initialParameters(i1);
        QCOMPARE(w0, m.initialParameters(i2));
        sim::RngStream a(5, "test", 0, "train"), b(5, "test", 0, "train"), c(6, "test", 0, "train");
        const TrainResult ra = trainLocal(m, w0, DataView::all(d), o, a);
        const TrainResult rb = trainLocal(m, w0, DataView::all(d), o, b);
        const TrainResult rc = trainLocal(m, w0, DataView::all(d), o, c);
        QCOMPARE(ra.params, rb.params);
        QCOMPARE(ra.meanLoss, rb.meanLoss);
        QVERIFY(ra.params != rc.params);
        // A LocalTrainer reused across clients (and models) gives what a fresh one gives.
        {
            const Model other(ModelSpec::mlp(6, {20}, 3));  // same depth, wider
            sim::RngStream oi(1, "test", 0, "init");
            LocalTrainer shared;
            Eigen::VectorXd o1;
            sim::RngStream x(1, "test", 0, "train");
            shared.train(other, other.initialParameters(oi), DataView::all(d), o, x, o1);
            sim::RngStream y(5, "test", 0, "train");
            shared.train(m, w0, DataView::all(d), o, y, o1);
            QCOMPARE(o1, ra.params);
        }
        LocalTrainer t;
        Eigen::VectorXd out;
        sim::RngStream warm(9, "test", 0, "train");
        t.train(m, w0, DataView::all(randomData(37, 6, 3, 8)), o, warm, out);
        sim::RngStream again(5, "test", 0, "train");
        t.train(m, w0, DataView::all(d), o, again, out);
        QCOMPARE(out, ra.params);
    }

    void evaluateAndPredict() {
        const Dataset d = tiny();
        const Model m(ModelSpec::logistic(2, 3));
        // W = identity on the first two classes, class 2 from the sum: logits (x0, x1, 0.8(x0+x1)).
        Eigen::VectorXd w(9);
        w << 1, 0, 0.8, 0, 1, 0.8, 0, 0, 0;
        const std::vector<std::int32_t> p = predict(m, w, DataView::all(d));
        // (1,0): (1, 0, .8) -> 0; (0,1) -> 1; (1,1): (1, 1, 1.6) -> 2; (2,0): (2, 0, 1.6) -> 0.
        QCOMPARE(p, (std::vector<std::int32_t>{0, 1, 2, 0}));
        const Evaluation e = evaluate(m, w, DataView::all(d), 3);  // two batches
        QCOMPARE(e.accuracy, 1.0);
        QCOMPARE(e.samples, std::size_t(4));
        Workspace ws;
        QVERIFY(qFuzzyCompare(e.loss, m.lossAndGradient(w, d.features, d.labels, nullptr, ws)));
    }

    /// Centralised logistic regression on standardised features, stratified 80/20 splits, five
    /// seeds. The reference (L2-regularised logistic regression, five splits) is 96.4-98.1%
    /// for digits and 97.4-99.1% for breast cancer. Each split's test set has 360 (114)
    /// samples, so one split's accuracy has a standard error of about 0.9 (1.3) points; the
    /// mean over five is asserted against the reference's lower end.
    void centralisedDigits() {
        TrainOptions o;
        o.learningRate = 0.02;
        o.momentum = 0.9;
        o.weightDecay = 2e-3;
        o.batchSize = 32;
        o.epochs = 40;
        const Dataset d = loadBundled("digits.csv", "digit");
        QCOMPARE(d.size(), std::size_t(1797));
        QCOMPARE(d.dimension(), std::size_t(64));
        QCOMPARE(d.classes, std::size_t(10));
        double sum = 0;
        QString all;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            const double acc = centralisedAccuracy(d, seed, o);
            sum += acc;
            all += QString::number(100 * acc, 'f', 1) + " ";
        }
        qInfo("digits test accuracy per split: %s(mean %.2f%%)", qPrintable(all), 20 * sum);
        QVERIFY2(sum / 5 >= 0.964, qPrintable(all));
    }

    void centralisedBreastCancer() {
        TrainOptions o;
        o.learningRate = 0.01;
        o.momentum = 0.9;
        o.weightDecay = 1e-3;
        o.batchSize = 16;
        o.epochs = 30;
        const Dataset d = loadBundled("breast_cancer_wisconsin.csv", "diagnosis");
        QCOMPARE(d.size(), std::size_t(569));
        QCOMPARE(d.classNames, (std::vector<std::string>{"benign", "malignant"}));
        QCOMPARE(d.classCounts(), (std::vector<std::size_t>{357, 212}));
        double sum = 0;
        QString all;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            const double acc = centralisedAccuracy(d, seed, o);
            sum += acc;
            all += QString::number(100 * acc, 'f', 1) + " ";
        }
        qInfo("breast cancer test accuracy per split: %s(mean %.2f%%)", qPrintable(all), 20 * sum);
        QVERIFY2(sum / 5 >= 0.965, qPrintable(all));
    }
};

QTEST_GUILESS_MAIN(TestFlTraining)
#include "tst_fl_training.moc"
