// dais sweep as a user meets it: the summary table, the store it fills (identical whatever the
// number of threads or of MPI processes, and for the federated layer whatever its number of
// training threads), and every kind of bad input with its exit code.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <bit>
#include <map>
#include <utility>

#include "dais/store/run_store.h"

#include "cli_process.h"

namespace {

using cli_test::Outcome;
using cli_test::runProgram;

Outcome cli(const QStringList& args) {
    return cli_test::dais(args);
}

const QString kFile = QString(DAIS_SOURCE_DIR) + "/tests/core/data/sweep.dais.json";

constexpr int kOk = 0, kUsage = 2, kBadInput = 3;

using dais::store::RunStore;

std::unique_ptr<RunStore> openStore(const QString& path) {
    dais::store::StoreOptions options;
    options.mode = dais::store::StoreOptions::Mode::ReadOnly;
    auto s = RunStore::open(path.toStdString(), options);
    if (!s) qFatal("%s", s.error().message.c_str());
    return std::move(s).value();
}

/// The one sweep in a store, with its runs in point and replicate order.
std::vector<dais::store::RunRecord> sweepRuns(const RunStore& store) {
    auto runs = store.listRuns();
    if (!runs || runs->empty() || !runs->front().sweep) qFatal("no sweep in the store");
    auto r = store.sweepRuns(*runs->front().sweep);
    if (!r) qFatal("%s", r.error().message.c_str());
    return std::move(r).value();
}

bool sameBits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Two stored runs went the same way: the same outcome (status, fingerprint, events, simulated
/// time), the same final metrics and the same samples, to the bit.
void compareRuns(const RunStore& a, const dais::store::RunRecord& x, const RunStore& b,
                 const dais::store::RunRecord& y) {
    QCOMPARE(x.status, y.status);
    QCOMPARE(x.fingerprint, y.fingerprint);
    QCOMPARE(x.events, y.events);
    QCOMPARE(x.simulatedTime, y.simulatedTime);
    const auto fa = a.finalMetrics(x.id), fb = b.finalMetrics(y.id);
    QVERIFY(fa.ok() && fb.ok());
    QCOMPARE(fa->size(), fb->size());
    QVERIFY(!fa->empty());
    for (std::size_t k = 0; k < fa->size(); ++k) {
        const auto& m = (*fa)[k];
        const auto& n = (*fb)[k];
        QCOMPARE(m.name, n.name);
        QVERIFY2(sameBits(m.value, n.value) && sameBits(m.mean, n.mean) &&
                     sameBits(m.stddev, n.stddev) && sameBits(m.p99, n.p99) && m.count == n.count,
                 m.name.c_str());
    }
    const auto sampledA = a.sampledMetrics(x.id), sampledB = b.sampledMetrics(y.id);
    QVERIFY(sampledA.ok() && sampledB.ok());
    QCOMPARE(sampledA->size(), sampledB->size());
    QVERIFY(!sampledA->empty());  // the scenarios sample their metrics
    for (const auto& metric : *sampledA) {
        const auto sa = a.samples(x.id, metric.name), sb = b.samples(y.id, metric.name);
        QVERIFY(sa.ok() && sb.ok());
        QCOMPARE(sa->size(), sb->size());
        for (std::size_t k = 0; k < sa->size(); ++k) {
            QCOMPARE((*sa)[k].time, (*sb)[k].time);
            QVERIFY(sameBits((*sa)[k].value, (*sb)[k].value));
        }
    }
}

/// Two stores hold the same sweep: the same runs (point, replicate, seed, parameters) and each
/// run the same as its counterpart (compareRuns).
void compareStores(const QString& pathA, const QString& pathB) {
    const auto a = openStore(pathA), b = openStore(pathB);
    const auto runsA = sweepRuns(*a), runsB = sweepRuns(*b);
    QCOMPARE(runsA.size(), runsB.size());
    QVERIFY(!runsA.empty());
    const auto sweepA = a->sweep(*runsA.front().sweep), sweepB = b->sweep(*runsB.front().sweep);
    QVERIFY(sweepA.ok() && sweepB.ok());
    QCOMPARE(sweepA->experiment, sweepB->experiment);
    QCOMPARE(sweepA->description, sweepB->description);
    QCOMPARE(sweepA->scenarioHash, sweepB->scenarioHash);
    for (std::size_t i = 0; i < runsA.size(); ++i) {
        const auto& x = runsA[i];
        const auto& y = runsB[i];
        QCOMPARE(x.pointIndex, y.pointIndex);
        QCOMPARE(x.replicate, y.replicate);
        QCOMPARE(x.seed, y.seed);
        QCOMPARE(x.parameters, y.parameters);
        QCOMPARE(x.scenarioHash, y.scenarioHash);
        compareRuns(*a, x, *b, y);
        if (QTest::currentTestFailed()) return;
    }
}

/// The printed summary of a sweep without what differs from one execution to the next.
QString printedTable(QString out) {
    out.remove(QRegularExpression("wall time[^\n]*\n"));
    out.remove(QRegularExpression("stored in [^\n]*"));
    return out;
}

/// A small federated experiment: 20 clients on the digits data, 4 of them sending sign-flipped
/// updates, FedAvg's mean against Multi-Krum, each with 1, 2 and 5 training threads.
QByteArray federatedScenario() {
    return QByteArray(R"({"format": "dais-scenario", "version": 1,
      "meta": {"name": "Federated sweep"},
      "network": {"nodes": [{"id": "server", "role": "server"}],
        "groups": [{"id": "clients", "count": 20, "role": "client", "attach": "server",
          "resources": {"cpu_gflops": 20},
          "access": {"latency": {"dist": "lognormal", "median": "20ms", "sigma": 0.3},
                     "bandwidth": "20Mbps"}}]},
      "layers": {"federated": {"data": "csv", "data_file": ")" DAIS_SOURCE_DIR
                      R"(/scenarios/data/digits.csv", "label_column": "digit",
        "rounds": 4, "fraction": 0.6, "epochs": 2, "batch_size": 16, "byzantine": 4,
        "attack": "sign-flip", "attackers": 0.2, "attack_scale": 5}},
      "experiments": [{"id": "threads",
        "grid": {"layers.federated.aggregator": ["mean", "multi-krum"],
                 "layers.federated.threads": [1, 2, 5]},
        "seeds": 2, "metrics": ["federated.accuracy", "federated.update_norm"]}],
      "run": {"seed": 1, "until": "1h", "sample_interval": "100ms"}})");
}

}  // namespace

class TestCliSweep : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QString writeFile(const QString& name, const QByteArray& content) {
        cli_test::writeAll(tmp_.filePath(name), content);
        return tmp_.filePath(name);
    }

  private slots:
    void help() {
        for (const QStringList& args :
             {QStringList{"sweep", "--help"}, QStringList{"help", "sweep"}}) {
            const Outcome o = cli(args);
            QCOMPARE(o.code, kOk);
            QVERIFY2(o.out.contains("--jobs N") && o.out.contains("mpirun") &&
                         o.out.contains("run.seed + 1"),
                     qPrintable(o.out));
        }
        QVERIFY(cli({"--help"}).out.contains("sweep FILE"));
    }

    void summaryTable() {
        const Outcome o =
            cli({"sweep", kFile, "--experiment", "load", "--no-store", "--jobs", "2"});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.err.isEmpty(), qPrintable(o.err));  // no progress bar off a terminal
        const QStringList lines = o.out.split('\n');
        QVERIFY2(lines.contains("experiment   load: Latency against the offered load."),
                 qPrintable(o.out));
        QVERIFY2(lines.contains("runs         9 = 3 points x 3 seeds (1..3); 9 completed"),
                 qPrintable(o.out));
        // One row per point: its parameter value, n, then mean ± half-width per metric.
        const QRegularExpression header(
            R"(^point  network\.traffic\.probe\.rate  n  traffic\.probe\.latency \(ms\)  )"
            R"(traffic\.probe\.latency\.p99 \(ms\)$)");
        const QRegularExpression row(
            R"(^(\d)\s+(\d+)\s+3\s+([\d.]+) ± ([\d.]+)\s+([\d.]+) ± ([\d.]+)$)");
        int headers = 0;
        std::vector<double> latency;
        for (const QString& line : lines) {
            headers += header.match(line).hasMatch() ? 1 : 0;
            const auto m = row.match(line);
            if (!m.hasMatch()) continue;
            QCOMPARE(m.captured(1).toInt(), static_cast<int>(latency.size()));
            QCOMPARE(m.captured(2), QString::number(std::vector{200, 500, 800}[latency.size()]));
            latency.push_back(m.captured(3).toDouble());
        }
        QCOMPARE(headers, 1);
        QCOMPARE(latency.size(), std::size_t{3});
        // The queueing delay grows with the load (5 ms of propagation plus the queue).
        QVERIFY(latency[0] > 5 && latency[0] < latency[1] && latency[1] < latency[2]);
        QVERIFY(o.out.contains("net.link_utilisation.max (%)"));
        QVERIFY(o.out.contains("95% confidence interval"));
        QVERIFY(!o.out.contains("stored in"));
    }

    void everyExperimentByDefault() {
        const Outcome o = cli({"sweep", kFile, "--no-store", "--json"});
        QCOMPARE(o.code, kOk);
        const QJsonArray sweeps =
            QJsonDocument::fromJson(o.out.toUtf8()).object()["sweeps"].toArray();
        QCOMPARE(sweeps.size(), 4);
        QCOMPARE(sweeps[0].toObject()["experiment"].toString(), QString("load"));
        QCOMPARE(sweeps[3].toObject()["experiment"].toString(), QString("replicates"));
        const QJsonObject load = sweeps[0].toObject();
        QCOMPARE(load["runs"].toArray().size(), 9);
        const QJsonObject point = load["points"].toArray()[2].toObject();  // rate 800: rho = 0.8
        QCOMPARE(point["values"].toObject()["network.traffic.probe.rate"].toInt(), 800);
        const QJsonObject util = point["metrics"].toObject()["net.link_utilisation.max"].toObject();
        QCOMPARE(util["n"].toInt(), 3);
        const double mean = util["mean"].toDouble();
        const QJsonArray ci = util["ci95"].toArray();
        QVERIFY(ci[0].toDouble() < mean && mean < ci[1].toDouble());
        QVERIFY(std::abs(mean - 0.8) < 0.05);
        QVERIFY(load["sweep"].isNull());
    }

    void storedResultsDoNotDependOnJobs() {
        const QString one = tmp_.filePath("jobs1.sqlite"), two = tmp_.filePath("jobs2.sqlite");
        const Outcome a =
            cli({"sweep", kFile, "--experiment", "two", "--jobs", "1", "--store", one});
        const Outcome b =
            cli({"sweep", kFile, "--experiment", "two", "--jobs", "2", "--store", two});
        QCOMPARE(a.code, kOk);
        QCOMPARE(b.code, kOk);
        QVERIFY2(a.out.contains("sweep 1 stored in " + one), qPrintable(a.out));
        compareStores(one, two);
        // The printed table is the same too (apart from the wall time line).
        QCOMPARE(printedTable(a.out), printedTable(b.out));
    }

    void federatedSweepDoesNotDependOnJobsOrThreads() {
        // Local training runs on worker threads and a sweep runs its points in parallel: neither
        // may change a result. The same sweep under 1 and 2 jobs fills identical stores.
        const QString file = writeFile("federated.dais.json", federatedScenario());
        const QString one = tmp_.filePath("fl-jobs1.sqlite"),
                      two = tmp_.filePath("fl-jobs2.sqlite");
        const Outcome a = cli({"sweep", file, "--jobs", "1", "--store", one});
        const Outcome b = cli({"sweep", file, "--jobs", "2", "--store", two});
        QCOMPARE(a.code, kOk);
        QCOMPARE(b.code, kOk);
        QVERIFY2(a.out.contains("runs         12 = 6 points x 2 seeds (1, 2); 12 completed"),
                 qPrintable(a.out));
        compareStores(one, two);
        QCOMPARE(printedTable(a.out), printedTable(b.out));
        // Within the sweep, the points that differ only in the number of training threads
        // (1, 2, 5) ran the same: the same fingerprints, final metrics and samples, to the bit.
        const auto store = openStore(one);
        const auto runs = sweepRuns(*store);
        QCOMPARE(runs.size(), std::size_t{12});
        std::map<std::pair<std::string, std::int64_t>, const dais::store::RunRecord*> byThreads1;
        for (const auto& r : runs)
            if (r.parameters.at("layers.federated.threads") == 1)
                byThreads1[{r.parameters.at("layers.federated.aggregator").get<std::string>(),
                            r.replicate}] = &r;
        QCOMPARE(byThreads1.size(), std::size_t{4});
        int compared = 0;
        for (const auto& r : runs) {
            if (r.parameters.at("layers.federated.threads") == 1) continue;
            const auto* same = byThreads1.at(
                {r.parameters.at("layers.federated.aggregator").get<std::string>(), r.replicate});
            QCOMPARE(r.seed, same->seed);
            compareRuns(*store, *same, *store, r);
            if (QTest::currentTestFailed()) return;
            ++compared;
        }
        QCOMPARE(compared, 8);
        // The comparison has teeth: the attack wrecks the mean, Multi-Krum resists it.
        auto accuracy = [&](const std::string& aggregator) {
            const auto m = store->finalMetrics(byThreads1.at({aggregator, std::int64_t{0}})->id);
            if (!m) qFatal("%s", m.error().message.c_str());
            for (const auto& metric : *m)
                if (metric.name == "federated.accuracy") return metric.value;
            qFatal("no federated.accuracy");
        };
        QVERIFY2(accuracy("mean") < 0.2 && accuracy("multi-krum") > 0.6,
                 qPrintable(QString("%1 %2").arg(accuracy("mean")).arg(accuracy("multi-krum"))));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString nowhere = tmp_.filePath("nowhere.dais.json");
        const QString notAStore = writeFile("notes.txt", "not a store\n");
        QTest::newRow("no file") << QStringList{"sweep"} << kUsage
                                 << "dais: sweep: which scenario file? (usage: dais sweep FILE)";
        QTest::newRow("missing file") << QStringList{"sweep", nowhere} << kBadInput
                                      << "cannot read \"" + nowhere + "\": no such file";
        QTest::newRow("directory")
            << QStringList{"sweep", tmp_.path()} << kBadInput
            << "cannot read \"" + tmp_.path() + "\": it is a directory, not a scenario file";
        QTest::newRow("bad --set")
            << QStringList{"sweep", kFile, "--set", "network.traffic.probe.rate=-1"} << kBadInput
            << "sweep.dais.json: /network/traffic/0/rate: expected a number > 0, got -1";
        QTest::newRow("--set of an unknown field")
            << QStringList{"sweep", kFile, "--set", "run.sed=3"} << kBadInput
            << "sweep.dais.json: --set run.sed=3: /run/sed: unknown field \"sed\" (did you mean "
               "\"seed\"?)";
        QTest::newRow("unknown experiment")
            << QStringList{"sweep", kFile, "--experiment", "lod"} << kBadInput
            << "sweep.dais.json: no experiment \"lod\" (did you mean \"load\"?) (the file has: "
               "load, two, random, replicates)";
        QTest::newRow("jobs 0")
            << QStringList{"sweep", kFile, "--jobs", "0"} << kUsage
            << "dais: --jobs: expected a whole number from 1 to 1024, got \"0\"";
        QTest::newRow("jobs text") << QStringList{"sweep", kFile, "--jobs=many"} << kUsage
                                   << "--jobs: expected a whole number from 1 to 1024, got "
                                      "\"many\"";
        QTest::newRow("unknown option")
            << QStringList{"sweep", kFile, "--fast"} << kUsage
            << "dais: sweep: unknown option --fast (see dais sweep --help)";
        QTest::newRow("store and no store")
            << QStringList{"sweep", kFile, "--store", "x.sqlite", "--no-store"} << kUsage
            << "dais: sweep: --store and --no-store contradict";
        QTest::newRow("not a store")
            << QStringList{"sweep", kFile, "--experiment", "load", "--store", notAStore}
            << kBadInput
            << "dais: " + notAStore +
                   ": not a SQLite database, so not a DAIS run store (--no-store runs without "
                   "storing)";
        const QString noExperiments =
            writeFile("plain.dais.json",
                      R"({"format": "dais-scenario", "version": 1, "run": {"until": "1s"}})");
        QTest::newRow("no experiments")
            << QStringList{"sweep", noExperiments} << kBadInput
            << "plain.dais.json: no experiments to run (add an \"experiments\" section";
        const QString badPoint = writeFile("bad-point.dais.json",
                                           R"({"format": "dais-scenario", "version": 1,
                "network": {"nodes": [{"id": "a"}, {"id": "b"}],
                            "links": [{"from": "a", "to": "b", "latency": "1ms"}]},
                "run": {"until": "1s"},
                "experiments": [{"id": "x", "grid": {"network.links.0.latency": ["1ms", "-3ms"]}}]})");
        QTest::newRow("bad value at a point")
            << QStringList{"sweep", badPoint} << kBadInput
            << "bad-point.dais.json: /experiments/0/grid/network.links.0.latency/1: "
               "/network/links/0/latency: expected a duration";
    }
    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Outcome o = cli(args);
        QCOMPARE(o.code, code);
        QVERIFY2(o.err.contains(message), qPrintable(o.err));
        QVERIFY2(o.out.isEmpty(), qPrintable(o.out));  // nothing ran, nothing is summarised
    }

    void validateChecksEveryPoint() {
        const Outcome o = cli({"validate", kFile});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.out.contains("\n  experiment load: 3 points x 3 seeds = 9 runs\n") &&
                     o.out.contains("\n  experiment replicates: 1 point x 3 seeds = 3 runs\n"),
                 qPrintable(o.out));
        const QString file =
            writeFile("validate.dais.json",
                      R"({"format": "dais-scenario", "version": 1, "run": {"until": "1s"},
                "experiments": [{"id": "x", "grid": {"run.until": ["1s", "forever"]}}]})");
        const Outcome bad = cli({"validate", file});
        QCOMPARE(bad.code, kBadInput);
        QVERIFY2(
            bad.err.contains("validate.dais.json: /experiments/0/grid/run.until/1: /run/until: "
                             "expected a duration"),
            qPrintable(bad.err));
        QVERIFY(bad.out.isEmpty());
    }

    void progressBarOnRequest() {
        const Outcome o =
            cli({"sweep", kFile, "--experiment", "replicates", "--no-store", "--progress"});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.err.contains("3/3 runs"), qPrintable(o.err));
        const Outcome quiet =
            cli({"sweep", kFile, "--experiment", "replicates", "--no-store", "--no-progress"});
        QVERIFY(quiet.err.isEmpty());
    }

    void defaultStoreIsUsed() {
        // The suite's environment points DAIS_STORE into the build tree.
        const Outcome o = cli({"sweep", kFile, "--experiment", "replicates"});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.out.contains("stored in " + qEnvironmentVariable("DAIS_STORE")),
                 qPrintable(o.out));
    }

    // ---- across processes -------------------------------------------------------------------

    void mpiGivesTheSameStore() {
        const QString mpirun = QStandardPaths::findExecutable("mpirun");
        if (mpirun.isEmpty()) QSKIP("mpirun is not installed");
        const QString single = tmp_.filePath("single.sqlite"), mpi = tmp_.filePath("mpi.sqlite");
        const Outcome a = cli({"sweep", kFile, "--experiment", "two", "--jobs", "1", "--store",
                               single, "--no-progress"});
        QCOMPARE(a.code, kOk);
        const Outcome b = runProgram(
            mpirun,
            {"--allow-run-as-root", "--oversubscribe", "-n", "2", DAIS_EXE, "sweep", kFile,
             "--experiment", "two", "--jobs", "1", "--store", mpi, "--no-progress"},
            cli_test::mpiEnvironment());
        QVERIFY2(b.code == kOk, qPrintable(b.err));
        // Rank 0 alone prints, once; the other rank prints nothing.
        QCOMPARE(b.out.count("experiment   two"), 1);
        QVERIFY2(b.out.contains("(2 processes x 1 job)"), qPrintable(b.out));
        QVERIFY2(b.err.isEmpty(), qPrintable(b.err));
        compareStores(single, mpi);
    }

    void mpiBadInputEndsEveryProcess() {
        const QString mpirun = QStandardPaths::findExecutable("mpirun");
        if (mpirun.isEmpty()) QSKIP("mpirun is not installed");
        // Every process stops (none waits for another), and the problem is reported once.
        const Outcome o = runProgram(mpirun,
                                     {"--allow-run-as-root", "--oversubscribe", "-n", "2", DAIS_EXE,
                                      "sweep", kFile, "--experiment", "lod", "--no-store"},
                                     cli_test::mpiEnvironment());
        QVERIFY(o.code != kOk);
        QCOMPARE(o.err.count("no experiment \"lod\""), 1);
        QVERIFY(o.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliSweep)
#include "tst_cli_sweep.moc"
