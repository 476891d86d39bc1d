// Metric summaries and the registry.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#include "dais/sim/metrics.h"
#include "dais/sim/rng.h"

using namespace dais::sim;

class TestMetrics : public QObject {
    Q_OBJECT
  private slots:
    void momentsAreExact() {
        Summary s;
        for (double v : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
            s.add(v);
        QCOMPARE(s.count(), std::uint64_t(8));
        QCOMPARE(s.mean(), 5.0);
        QCOMPARE(s.variance(), 32.0 / 7.0);  // sample variance
        QCOMPARE(s.min(), 2.0);
        QCOMPARE(s.max(), 9.0);
        QCOMPARE(s.sum(), 40.0);
    }

    void emptyAndNonFinite() {
        Summary s;
        QCOMPARE(s.mean(), 0.0);
        QCOMPARE(s.quantile(0.5), 0.0);
        s.add(std::nan(""));
        s.add(INFINITY);
        QCOMPARE(s.count(), std::uint64_t(0));
    }

    void quantilesWithinStatedError() {
        // Log-normal data over six orders of magnitude against exact order statistics.
        RngStream rng(1, "t", 0, "q");
        std::vector<double> v;
        Summary s;
        for (int i = 0; i < 100'000; ++i) {
            const double x = rng.lognormal(0, 3);
            v.push_back(x);
            s.add(x);
        }
        std::sort(v.begin(), v.end());
        for (double q : {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999}) {
            const double exact = v[static_cast<std::size_t>(std::llround(q * (v.size() - 1)))];
            const double got = s.quantile(q);
            // A bucket spans 1/128 of its lower bound, so its mean is within 0.8%.
            QVERIFY2(std::abs(got - exact) <= 0.008 * exact,
                     qPrintable(QString("q%1: %2 vs %3").arg(q).arg(got).arg(exact)));
        }
        QCOMPARE(s.quantile(0), v.front());
        QCOMPARE(s.quantile(1), v.back());
    }

    void zerosAndNegatives() {
        Summary s;
        for (int i = 0; i < 10; ++i)
            s.add(0.0);
        for (int i = 0; i < 10; ++i)
            s.add(1.0);
        QCOMPARE(s.quantile(0.25), 0.0);
        QCOMPARE(s.quantile(0.9), 1.0);
        Summary neg;
        neg.add(-5.0);
        neg.add(-1.0);
        QCOMPARE(neg.quantile(0.0), -5.0);
        QCOMPARE(neg.min(), -5.0);
    }

    void integerDataGivesExactQuantiles() {
        // Hop counts, retries, votes: small integers fall into buckets of their own.
        Summary s;
        RngStream rng(3, "t", 0, "i");
        std::vector<double> v;
        for (int i = 0; i < 10'000; ++i) {
            const double x = static_cast<double>(1 + rng.below(200));
            v.push_back(x);
            s.add(x);
        }
        std::sort(v.begin(), v.end());
        for (double q : {0.1, 0.5, 0.9, 0.99})
            QCOMPARE(s.quantile(q), v[static_cast<std::size_t>(std::llround(q * (v.size() - 1)))]);
    }

    void mergeEqualsCombined() {
        RngStream rng(2, "t", 0, "m");
        Summary a, b, all;
        for (int i = 0; i < 5000; ++i) {
            const double x = rng.exponential(3.0);
            (i % 3 ? a : b).add(x);
            all.add(x);
        }
        a.merge(b);
        QCOMPARE(a.count(), all.count());
        QVERIFY(std::abs(a.mean() - all.mean()) < 1e-12 * all.mean());
        QVERIFY(std::abs(a.variance() - all.variance()) < 1e-9 * all.variance());
        QCOMPARE(a.min(), all.min());
        QCOMPARE(a.max(), all.max());
        for (double q : {0.1, 0.5, 0.99})
            QCOMPARE(a.quantile(q), all.quantile(q));
    }

    void encodeDecodeIsExact() {
        Summary s;
        RngStream rng(3, "metrics", 0, "encode");
        for (int i = 0; i < 1000; ++i)
            s.add(rng.lognormal(0, 2) - 0.5);  // some values <= 0, many buckets
        Summary back;
        QVERIFY(back.decode(s.encode()));
        QCOMPARE(back.encode(), s.encode());
        QCOMPARE(back.count(), s.count());
        QCOMPARE(back.quantile(0.37), s.quantile(0.37));
        back.add(1.5);
        s.add(1.5);
        QCOMPARE(back.encode(), s.encode());  // carries on as the original would
        // Anything else is refused and leaves the summary as it was.
        const std::string bytes = s.encode();
        for (std::size_t cut : {std::size_t(0), std::size_t(3), bytes.size() - 1})
            QVERIFY(!back.decode(std::string_view(bytes).substr(0, cut)));
        QVERIFY(!back.decode(bytes + "x"));
        QCOMPARE(back.encode(), s.encode());
        QVERIFY(Summary().decode(Summary().encode()));
    }

    void registry() {
        Metrics m;
        const MetricId sent = m.define(
            {"net.sent", "messages", "Messages sent", MetricType::Counter, MetricScope::Global});
        const MetricId lat = m.define(
            {"net.latency", "s", "Latency", MetricType::Distribution, MetricScope::Global});
        const MetricId util =
            m.define({"net.util", "1", "Utilisation", MetricType::Gauge, MetricScope::Link});
        QCOMPARE(m.size(), std::size_t(3));
        QCOMPARE(m.find("net.latency"), std::int64_t(lat));
        QCOMPARE(m.find("nope"), std::int64_t(-1));
        m.add(sent, 2);
        m.add(sent, 3);
        m.set(util, 0.25);
        m.observe(lat, 1.0);
        m.observe(lat, 3.0);
        QCOMPARE(m.value(sent), 5.0);
        const MetricValue v = m.read(lat);
        QCOMPARE(v.info->name, std::string("net.latency"));
        QCOMPARE(v.count, std::uint64_t(2));
        QCOMPARE(v.value, 2.0);
        QCOMPARE(v.min, 1.0);
        QCOMPARE(v.max, 3.0);
        const auto all = m.readAll();
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(all[2].value, 0.25);
        QCOMPARE(metricTypeName(MetricType::Gauge), std::string_view("gauge"));
        QCOMPARE(metricScopeName(MetricScope::Link), std::string_view("link"));
    }

    // A node-scoped counter or gauge holds a value per node; read whole it is the total over
    // the nodes, with the nodes' spread. Metrics defined before the node count is known are
    // sized with those defined after.
    void perNodeValues() {
        Metrics m;
        const MetricId balance =
            m.define({"pay.balance", "DAIS", "Balance", MetricType::Gauge, MetricScope::Node});
        const MetricId global =
            m.define({"pay.supply", "DAIS", "Supply", MetricType::Gauge, MetricScope::Global});
        QVERIFY(m.perNode(balance));
        QVERIFY(!m.perNode(global));
        QVERIFY(m.nodeValues(balance).empty());
        m.setNodeCount(100);
        const MetricId jobs =
            m.define({"jobs.done", "jobs", "Jobs", MetricType::Counter, MetricScope::Node});
        QCOMPARE(m.nodeValues(balance).size(), std::size_t(100));
        QCOMPARE(m.nodeValues(jobs).size(), std::size_t(100));
        QCOMPARE(m.nodeValues(global).size(), std::size_t(0));
        const std::uint64_t before = m.nodeVersion(balance);
        for (std::uint32_t i = 0; i < 100; ++i)
            m.setNode(balance, i, i + 1);  // 1 .. 100
        m.addNode(jobs, 7, 2);
        m.addNode(jobs, 7, 1);
        QVERIFY(m.nodeVersion(balance) > before);
        QCOMPARE(m.nodeValue(jobs, 7), 3.0);
        QCOMPARE(m.value(balance), 5050.0);
        QCOMPARE(m.value(jobs), 3.0);
        const MetricValue v = m.read(balance);
        QCOMPARE(v.value, 5050.0);
        QCOMPARE(v.count, std::uint64_t(100));
        QCOMPARE(v.min, 1.0);
        QCOMPARE(v.max, 100.0);
        QCOMPARE(v.p50, 50.0);  // nearest rank: the 50th of 100
        QCOMPARE(v.p95, 95.0);
        QCOMPARE(v.p99, 99.0);
        QVERIFY(std::abs(v.stddev - std::sqrt(100.0 * 101 / 12)) < 1e-9);  // sd of 1..100
        const MetricValue j = m.read(jobs);
        QCOMPARE(j.min, 0.0);
        QCOMPARE(j.max, 3.0);
        QCOMPARE(j.p99, 0.0);
        // A gauge has no value at a node until it is set there: its total and spread are
        // those of the nodes it is about; a counter counts from 0 everywhere.
        const MetricId accuracy =
            m.define({"fl.local", "1", "Local accuracy", MetricType::Gauge, MetricScope::Node});
        QVERIFY(std::isnan(m.nodeValue(accuracy, 3)));
        m.setNode(accuracy, 3, 0.5);
        m.setNode(accuracy, 4, 0.9);
        m.addNode(accuracy, 5, 0.7);  // from no value: the delta itself
        const MetricValue a = m.read(accuracy);
        QCOMPARE(a.count, std::uint64_t(3));
        QCOMPARE(a.min, 0.5);
        QCOMPARE(a.max, 0.9);
        QCOMPARE(a.p50, 0.7);
        QVERIFY(std::abs(m.value(accuracy) - 2.1) < 1e-12);
        QCOMPARE(m.read(jobs).count, std::uint64_t(100));
        // Distributions of node scope are a summary of observations, as any distribution.
        const MetricId wait =
            m.define({"job.wait", "s", "Wait", MetricType::Distribution, MetricScope::Node});
        QVERIFY(!m.perNode(wait));
        m.observe(wait, 2.0);
        QCOMPARE(m.read(wait).count, std::uint64_t(1));
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
