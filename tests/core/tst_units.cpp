// Quantities with units: every accepted spelling gives the exact base value, and everything
// else is an error (never a silent zero, never a crash).
#include <QtTest>

#include <string>

#include "dais/core/units.h"

using namespace dais::core;

class TestUnits : public QObject {
    Q_OBJECT

  private slots:
    void durations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("ns") << "250ns" << qint64(250);
        QTest::newRow("us") << "250us" << qint64(250'000);
        QTest::newRow("micro sign") << "3\u00b5s" << qint64(3'000);
        QTest::newRow("ms") << "10ms" << qint64(10'000'000);
        QTest::newRow("s with fraction and space") << "1.5 s" << qint64(1'500'000'000);
        QTest::newRow("tenth of a second is exact") << "0.1s" << qint64(100'000'000);
        QTest::newRow("min") << "2min" << qint64(120'000'000'000);
        QTest::newRow("h") << "1h" << qint64(3'600'000'000'000);
        QTest::newRow("exponent") << "2e3us" << qint64(2'000'000);
        QTest::newRow("leading dot") << ".5ms" << qint64(500'000);
        QTest::newRow("no unit is seconds") << "3" << qint64(3'000'000'000);
        QTest::newRow("zero") << "0s" << qint64(0);
        QTest::newRow("rounds to nearest ns") << "1.6ns" << qint64(2);
        QTest::newRow("surrounding spaces") << "  7 ms " << qint64(7'000'000);
        QTest::newRow("about 290 years") << "9e9s" << qint64(9'000'000'000'000'000'000);
    }
    void durations() {
        QFETCH(QString, text);
        QFETCH(qint64, ns);
        const Result<dais::sim::SimTime> t = parseDuration(text.toStdString());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
        QCOMPARE(qint64(t.value()), ns);
    }

    void badDurations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown unit") << "10 parsecs"
                                      << "\"10 parsecs\": unknown duration unit \"parsecs\" (use "
                                         "ns, us, \u00b5s, ms, s, min, h)";
        QTest::newRow("negative") << "-5ms"
                                  << "\"-5ms\" is not a duration (it must start with a "
                                     "non-negative number)";
        QTest::newRow("empty") << ""
                               << "\"\" is not a duration (it must start with a non-negative "
                                  "number)";
        QTest::newRow("unit only") << "ms"
                                   << "\"ms\" is not a duration (it must start with a "
                                      "non-negative number)";
        QTest::newRow("inf") << "inf s"
                             << "\"inf s\" is not a duration (it must start with a non-negative "
                                "number)";
        QTest::newRow("too large") << "300000000000s"
                                   << "\"300000000000s\" is too large";
        QTest::newRow("overflowing number") << "1e999s"
                                            << "\"1e999s\": the number is out of range";
        QTest::newRow("wrong case") << "10MS"
                                    << "\"10MS\": unknown duration unit \"MS\" (use ns, us, "
                                       "\u00b5s, ms, s, min, h)";
        QTest::newRow("two numbers") << "1 2s"
                                     << "\"1 2s\": unknown duration unit \"2s\" (use ns, us, "
                                        "\u00b5s, ms, s, min, h)";
    }
    void badDurations() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const Result<dais::sim::SimTime> t = parseDuration(text.toStdString());
        QVERIFY(!t.ok());
        QCOMPARE(QString::fromStdString(t.error().message), message);
    }

    void bandwidths_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("bps");
        QTest::newRow("bps") << "10bps" << 10.0;
        QTest::newRow("kbps") << "56kbps" << 56e3;
        QTest::newRow("Kbps") << "56Kbps" << 56e3;
        QTest::newRow("Mbps") << "100Mbps" << 100e6;
        QTest::newRow("Gbps with space") << "1 Gbps" << 1e9;
        QTest::newRow("Tbps") << "1.2Tbps" << 1.2e12;
        QTest::newRow("Mbit/s") << "10 Mbit/s" << 10e6;
        QTest::newRow("no unit is bit/s") << "1500" << 1500.0;
    }
    void bandwidths() {
        QFETCH(QString, text);
        QFETCH(double, bps);
        const Result<double> b = parseBandwidth(text.toStdString());
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().message.c_str());
        QCOMPARE(b.value(), bps);
    }

    void badBandwidths_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("bytes per second") << "10MB/s";
        QTest::newRow("mbps is not Mbps") << "10mbps";
        QTest::newRow("negative") << "-1Gbps";
        QTest::newRow("too large") << "2e6Tbps";
        QTest::newRow("not a number") << "fast";
    }
    void badBandwidths() {
        QFETCH(QString, text);
        QVERIFY(!parseBandwidth(text.toStdString()).ok());
    }

    void sizes_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("bytes");
        QTest::newRow("B") << "1500B" << 1500.0;
        QTest::newRow("kB") << "10kB" << 10e3;
        QTest::newRow("KB") << "10KB" << 10e3;
        QTest::newRow("KiB") << "4KiB" << 4096.0;
        QTest::newRow("MB") << "2MB" << 2e6;
        QTest::newRow("MiB") << "1.5 MiB" << 1.5 * 1048576;
        QTest::newRow("GB") << "3GB" << 3e9;
        QTest::newRow("GiB") << "1GiB" << 1073741824.0;
        QTest::newRow("TB") << "1TB" << 1e12;
        QTest::newRow("TiB") << "1TiB" << 1099511627776.0;
        QTest::newRow("no unit is bytes") << "64" << 64.0;
    }
    void sizes() {
        QFETCH(QString, text);
        QFETCH(double, bytes);
        const Result<double> s = parseSize(text.toStdString());
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s.value(), bytes);
    }

    void badSizes_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("bits") << "10kb";
        QTest::newRow("kiB") << "4kiB";
        QTest::newRow("negative") << "-1B";
        QTest::newRow("too large") << "2e6TB";
        QTest::newRow("trailing junk") << "10kB!";
    }
    void badSizes() {
        QFETCH(QString, text);
        QVERIFY(!parseSize(text.toStdString()).ok());
    }
};

QTEST_APPLESS_MAIN(TestUnits)
#include "tst_units.moc"
