// The models of the federated-learning core: parameter counts and wire sizes, initialisation,
// the loss and its gradient against central finite differences, numerical stability, and a
// training step that allocates nothing once its trainer is warm.
#include <QtTest>

#include <Eigen/Core>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "dais/fl/model.h"
#include "dais/fl/train.h"

using namespace dais;
using namespace dais::fl;

// Counting malloc: the executable's malloc takes the place of the C library's and forwards to
// it, so every allocation in the process (operator new and Eigen's buffers both end in malloc)
// is counted. Not under sanitizers, which bring their own malloc.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DAIS_COUNT_MALLOC 0
#else
#define DAIS_COUNT_MALLOC 1
extern "C" void* __libc_malloc(std::size_t);
namespace {
std::atomic<long> gMallocs{0};
}
extern "C" void* malloc(std::size_t n) {
    gMallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(n);
}
#endif

Q_DECLARE_METATYPE(std::vector<std::size_t>)

namespace {

Eigen::MatrixXd randomMatrix(Eigen::Index rows, Eigen::Index cols, sim::RngStream& rng,
                             double scale = 1.0) {
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            m(i, j) = rng.normal(0.0, scale);
    return m;
}

std::vector<std::int32_t> randomLabels(std::size_t n, std::size_t classes, sim::RngStream& rng) {
    std::vector<std::int32_t> y(n);
    for (auto& v : y)
        v = static_cast<std::int32_t>(rng.below(classes));
    return y;
}

}  // namespace

class TestFlModels : public QObject {
    Q_OBJECT

  private slots:
    void parameterCounts_data() {
        QTest::addColumn<std::size_t>("inputs");
        QTest::addColumn<std::vector<std::size_t>>("hidden");
        QTest::addColumn<std::size_t>("classes");
        QTest::addColumn<std::size_t>("count");
        // 60*10 + 10 = 610 (logistic regression on Synthetic).
        QTest::newRow("logistic 60->10")
            << std::size_t(60) << std::vector<std::size_t>{} << std::size_t(10) << std::size_t(610);
        // 64*10 + 10 = 650 (digits).
        QTest::newRow("logistic 64->10")
            << std::size_t(64) << std::vector<std::size_t>{} << std::size_t(10) << std::size_t(650);
        // 30*2 + 2 = 62 (breast cancer).
        QTest::newRow("logistic 30->2")
            << std::size_t(30) << std::vector<std::size_t>{} << std::size_t(2) << std::size_t(62);
        // (64*32 + 32) + (32*10 + 10) = 2080 + 330 = 2410.
        QTest::newRow("mlp 64-32->10") << std::size_t(64) << std::vector<std::size_t>{32}
                                       << std::size_t(10) << std::size_t(2410);
        // (784*200 + 200) + (200*200 + 200) + (200*10 + 10) = 157000 + 40200 + 2010 = 199210,
        // McMahan et al.'s "2NN" for MNIST.
        QTest::newRow("mlp 784-200-200->10")
            << std::size_t(784) << std::vector<std::size_t>{200, 200} << std::size_t(10)
            << std::size_t(199210);
    }
    void parameterCounts() {
        QFETCH(std::size_t, inputs);
        QFETCH(std::vector<std::size_t>, hidden);
        QFETCH(std::size_t, classes);
        QFETCH(std::size_t, count);
        const Model m(ModelSpec{inputs, classes, hidden});
        QCOMPARE(m.parameterCount(), count);
        QCOMPARE(m.wireBytes(WireFormat::Float32), 4 * count);
        QCOMPARE(m.wireBytes(WireFormat::Float64), 8 * count);
        sim::RngStream rng(1, "test", 0, "init");
        QCOMPARE(static_cast<std::size_t>(m.initialParameters(rng).size()), count);
    }

    void describeAndRefuse() {
        QCOMPARE(ModelSpec::logistic(60, 10).describe(), std::string("logistic(60->10)"));
        QCOMPARE(ModelSpec::mlp(64, {32, 16}, 10).describe(), std::string("mlp(64-32-16->10)"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Model(ModelSpec::logistic(0, 10)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Model(ModelSpec::logistic(5, 1)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Model(ModelSpec::mlp(5, {0}, 3)));
    }

    /// Logistic regression starts at zero; an MLP's hidden weights are He uniform, the output
    /// layer Glorot uniform, biases zero; the same stream gives the same parameters.
    void initialisation() {
        sim::RngStream a(7, "test", 0, "init");
        const Model lr(ModelSpec::logistic(10, 3));
        QVERIFY(lr.initialParameters(a).isZero(0.0));

        const Model mlp(ModelSpec::mlp(50, {40}, 10));
        sim::RngStream r1(7, "test", 0, "init"), r2(7, "test", 0, "init");
        const Eigen::VectorXd p = mlp.initialParameters(r1);
        QCOMPARE(p, mlp.initialParameters(r2));
        const auto& h = mlp.layer(0);
        const auto& o = mlp.layer(1);
        const auto W1 = p.segment(static_cast<Eigen::Index>(h.weightOffset), 50 * 40);
        const auto W2 = p.segment(static_cast<Eigen::Index>(o.weightOffset), 40 * 10);
        const double he = std::sqrt(6.0 / 50.0), glorot = std::sqrt(6.0 / 50.0);
        QVERIFY(W1.cwiseAbs().maxCoeff() <= he);
        QVERIFY(W2.cwiseAbs().maxCoeff() <= glorot);
        // Uniform on [-l, l] has variance l^2 / 3: 2000 draws put the sample variance within
        // a few percent (its relative standard error is sqrt(0.8 / 2000) = 2%; 10% is 5 SE).
        const double var = W1.squaredNorm() / 2000.0;
        QVERIFY2(std::abs(var / (he * he / 3.0) - 1.0) < 0.10, qPrintable(QString::number(var)));
        QVERIFY(p.segment(static_cast<Eigen::Index>(h.biasOffset), 40).isZero(0.0));
        QVERIFY(p.segment(static_cast<Eigen::Index>(o.biasOffset), 10).isZero(0.0));
    }

    /// Central differences (f(w + h e_i) - f(w - h e_i)) / 2h have truncation error h^2/6 f'''
    /// and rounding error about eps |f| / h. With h = 1e-5, f and its derivatives of order one:
    /// 2e-11 + 2e-11, so every component agrees within 1e-9 absolute. The check is
    /// ||g_fd - g|| <= 1e-7 ||g|| + 1e-9 sqrt(P): two orders of margin over that estimate,
    /// and far below the error of any wrong term (which is of the order of the gradient).
    void gradientMatchesFiniteDifferences_data() {
        QTest::addColumn<std::size_t>("inputs");
        QTest::addColumn<std::vector<std::size_t>>("hidden");
        QTest::addColumn<std::size_t>("classes");
        QTest::addColumn<std::size_t>("batch");
        QTest::newRow("logistic 5->3, batch 1")
            << std::size_t(5) << std::vector<std::size_t>{} << std::size_t(3) << std::size_t(1);
        QTest::newRow("logistic 8->2, batch 7")
            << std::size_t(8) << std::vector<std::size_t>{} << std::size_t(2) << std::size_t(7);
        QTest::newRow("logistic 20->10, batch 33")
            << std::size_t(20) << std::vector<std::size_t>{} << std::size_t(10) << std::size_t(33);
        QTest::newRow("mlp 4-6->3, batch 5")
            << std::size_t(4) << std::vector<std::size_t>{6} << std::size_t(3) << std::size_t(5);
        QTest::newRow("mlp 10-16-8->4, batch 12")
            << std::size_t(10) << std::vector<std::size_t>{16, 8} << std::size_t(4)
            << std::size_t(12);
        QTest::newRow("mlp 7-3-5-4->6, batch 1")
            << std::size_t(7) << std::vector<std::size_t>{3, 5, 4} << std::size_t(6)
            << std::size_t(1);
    }
    void gradientMatchesFiniteDifferences() {
        QFETCH(std::size_t, inputs);
        QFETCH(std::vector<std::size_t>, hidden);
        QFETCH(std::size_t, classes);
        QFETCH(std::size_t, batch);
        const Model m(ModelSpec{inputs, classes, hidden});
        sim::RngStream rng(11, "test", inputs * 100 + batch, "gradcheck");
        Eigen::VectorXd w = m.initialParameters(rng);
        for (Eigen::Index i = 0; i < w.size(); ++i)
            w[i] += rng.normal(0.0, 0.3);  // biases and logistic weights away from zero
        const Eigen::MatrixXd x =
            randomMatrix(static_cast<Eigen::Index>(inputs), static_cast<Eigen::Index>(batch), rng);
        const auto y = randomLabels(batch, classes, rng);
        Workspace ws;
        Eigen::VectorXd g;
        const double f0 = m.lossAndGradient(w, x, y, &g, ws);
        QVERIFY(std::isfinite(f0) && f0 > 0);
        QCOMPARE(static_cast<std::size_t>(g.size()), m.parameterCount());
        const double h = 1e-5;
        Eigen::VectorXd fd(w.size());
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            Eigen::VectorXd wp = w, wm = w;
            wp[i] += h;
            wm[i] -= h;
            fd[i] = (m.lossAndGradient(wp, x, y, nullptr, ws) -
                     m.lossAndGradient(wm, x, y, nullptr, ws)) /
                    (2 * h);
        }
        const double err = (fd - g).norm();
        const double bound = 1e-7 * g.norm() + 1e-9 * std::sqrt(static_cast<double>(w.size()));
        QVERIFY2(
            err <= bound,
            qPrintable(QString("error %1, bound %2, |g| %3").arg(err).arg(bound).arg(g.norm())));
    }

    /// The loss is the mean of -log softmax(z)_y; at w = 0 every class has probability 1/C.
    void lossValues() {
        const Model m(ModelSpec::logistic(3, 4));
        Workspace ws;
        const Eigen::VectorXd w =
            Eigen::VectorXd::Zero(static_cast<Eigen::Index>(m.parameterCount()));
        const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(3, 2);
        const std::vector<std::int32_t> y{0, 3};
        QCOMPARE(m.lossAndGradient(w, x, y, nullptr, ws), std::log(4.0));
        // Bias only: logits (b0..b3) = (0, 0, 0, ln 2): p = (1/5, 1/5, 1/5, 2/5).
        Eigen::VectorXd wb = w;
        wb[12 + 3] = std::log(2.0);
        QVERIFY(qFuzzyCompare(m.lossAndGradient(wb, x, y, nullptr, ws),
                              0.5 * (std::log(5.0) + std::log(5.0 / 2.0))));
    }

    /// Logits of 1e4 overflow exp() in double; log-sum-exp with the maximum taken out does not.
    void lossIsStableForHugeLogits() {
        const Model m(ModelSpec::logistic(1, 3));
        Workspace ws;
        Eigen::VectorXd w(6);
        w << 1e4, 0.0, -1e4, 0.0, 0.0, 0.0;  // W = (1e4, 0, -1e4)^T, b = 0
        Eigen::MatrixXd x(1, 2);
        x << 1.0, 1.0;
        Eigen::VectorXd g;
        // Sample 1 labelled with the largest logit: loss log(1 + e^-1e4 + e^-2e4) = 0.
        // Sample 2 labelled class 1 (logit 0): loss 1e4 + log(1 + ...) = 1e4. Mean 5e3.
        const double loss = m.lossAndGradient(w, x, std::vector<std::int32_t>{0, 1}, &g, ws);
        QCOMPARE(loss, 5e3);
        QVERIFY(g.allFinite());
        // dL/dz for sample 2: (1, -1, 0) / 2 -> dL/dW = (0.5, -0.5, 0) (x = 1), same for b.
        QCOMPARE(g[0], 0.5);
        QCOMPARE(g[1], -0.5);
        QCOMPARE(g[2], 0.0);
    }

    void refusesBadShapesAndLabels() {
        const Model m(ModelSpec::logistic(3, 2));
        Workspace ws;
        const Eigen::VectorXd w = Eigen::VectorXd::Zero(8);
        const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(3, 2);
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            m.lossAndGradient(w, x, std::vector<std::int32_t>{0}, nullptr, ws));
        QVERIFY_THROWS_EXCEPTION(
            std::out_of_range,
            m.lossAndGradient(w, x, std::vector<std::int32_t>{0, 2}, nullptr, ws));
    }

    /// Once a trainer has seen a client of a given size, training another such client
    /// allocates nothing but the result vector it is handed (already sized, so nothing).
    void trainingStepAllocatesNothing() {
#if DAIS_COUNT_MALLOC
        const Model m(ModelSpec::mlp(20, {16}, 5));
        sim::RngStream rng(3, "test", 0, "alloc");
        Dataset d;
        d.classes = 5;
        d.features = randomMatrix(20, 200, rng);
        d.labels = randomLabels(200, 5, rng);
        const Eigen::VectorXd w0 = m.initialParameters(rng);
        TrainOptions o;
        o.batchSize = 16;
        o.epochs = 2;
        o.momentum = 0.9;
        o.weightDecay = 1e-4;
        o.proximalMu = 0.1;
        LocalTrainer trainer;
        Eigen::VectorXd out;
        trainer.train(m, w0, DataView::all(d), o, rng, out);  // warm-up
        {                                                     // the counter sees Eigen's buffers
            const long start = gMallocs.load();
            Eigen::VectorXd probe(100);
            probe.setZero();
            QVERIFY(gMallocs.load() > start);
        }
        const long before = gMallocs.load();
        const TrainStats s = trainer.train(m, w0, DataView::all(d), o, rng, out);
        const long after = gMallocs.load();
        QCOMPARE(s.steps, std::size_t(26));  // 2 epochs of ceil(200 / 16) = 13 steps
        QCOMPARE(after - before, 0L);
#else
        QSKIP("malloc is not counted under sanitizers");
#endif
    }
};

QTEST_GUILESS_MAIN(TestFlModels)
#include "tst_fl_models.moc"
