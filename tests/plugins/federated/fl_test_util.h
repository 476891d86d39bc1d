#pragma once
// Helpers shared by the federated-aggregation suites: small matrices written by column, and
// comparisons with a stated tolerance.
#include <QtTest>

#include <Eigen/Dense>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace fltest {

/// A d x n matrix from its columns (one client update each).
inline Eigen::MatrixXd columns(std::initializer_list<std::initializer_list<double>> cols) {
    const auto n = static_cast<Eigen::Index>(cols.size());
    const auto d = static_cast<Eigen::Index>(cols.begin()->size());
    Eigen::MatrixXd m(d, n);
    Eigen::Index j = 0;
    for (const auto& c : cols) {
        Eigen::Index i = 0;
        for (double v : c)
            m(i++, j) = v;
        ++j;
    }
    return m;
}

inline Eigen::VectorXd vec(std::initializer_list<double> values) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (double x : values)
        v[i++] = x;
    return v;
}

/// Hand-worked values are exact rationals; the arithmetic rounds a few times, so 1e-12
/// relative (plus 1e-12 absolute near zero) separates rounding from a wrong formula.
inline bool near(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double tol = 1e-12) {
    if (a.size() != b.size()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i)
        if (std::abs(a[i] - b[i]) > tol * (1.0 + std::abs(b[i]))) return false;
    return true;
}

inline QString show(const Eigen::VectorXd& v) {
    QString s = "(";
    for (Eigen::Index i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + QString::number(v[i], 'g', 17);
    return s + ")";
}

/// A call that must fail, for data-driven precondition tests.
using Action = std::function<void()>;

}  // namespace fltest

Q_DECLARE_METATYPE(fltest::Action)

/// The columns of a data-driven precondition test: the call and its exact message.
#define FL_ERROR_COLUMNS()                          \
    do {                                            \
        QTest::addColumn<fltest::Action>("action"); \
        QTest::addColumn<QString>("message");       \
    } while (0)

/// The body of a data-driven precondition test: the call throws AggregationError with exactly
/// the row's message.
#define FL_ERROR_ROW_CHECK()                                                       \
    do {                                                                           \
        QFETCH(fltest::Action, action);                                            \
        QFETCH(QString, message);                                                  \
        bool thrown_ = false;                                                      \
        try {                                                                      \
            action();                                                              \
        } catch (const dais::fl::AggregationError& e_) {                           \
            thrown_ = true;                                                        \
            QCOMPARE(QString::fromStdString(e_.what()), message);                  \
        }                                                                          \
        QVERIFY2(thrown_, qPrintable("expected an AggregationError: " + message)); \
    } while (0)

#define FL_COMPARE_VEC(actual, expected)                                                    \
    do {                                                                                    \
        const Eigen::VectorXd a_ = (actual);                                                \
        const Eigen::VectorXd e_ = (expected);                                              \
        QVERIFY2(fltest::near(a_, e_),                                                      \
                 qPrintable("got " + fltest::show(a_) + ", expected " + fltest::show(e_))); \
    } while (0)

/// Runs `statement`, which must throw dais::fl::AggregationError with exactly `message`.
#define FL_EXPECT_ERROR(statement, message)                                          \
    do {                                                                             \
        bool thrown_ = false;                                                        \
        try {                                                                        \
            statement;                                                               \
        } catch (const dais::fl::AggregationError& e_) {                             \
            thrown_ = true;                                                          \
            QCOMPARE(QString::fromStdString(e_.what()), QString::fromUtf8(message)); \
        }                                                                            \
        QVERIFY2(thrown_, "expected an AggregationError: " message);                 \
    } while (0)
