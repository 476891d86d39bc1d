// The dais command line as a user meets it: help, exit codes, messages on stderr, summaries.
#include <QtTest>

#include <sys/stat.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "cli_process.h"

namespace {

using cli_test::dais;
using cli_test::Outcome;
using cli_test::scenario;

constexpr int kOk = 0, kFailure = 1, kUsage = 2, kBadInput = 3;

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QString writeFile(const QString& name, const QByteArray& content) {
        cli_test::writeAll(tmp_.filePath(name), content);
        return tmp_.filePath(name);
    }

  private slots:
    void helpEverywhere_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("--help") << QStringList{"--help"} << "exit codes";
        QTest::newRow("help run") << QStringList{"help", "run"} << "--until";
        QTest::newRow("run --help") << QStringList{"run", "--help"} << "--set PATH=VALUE";
        QTest::newRow("validate --help") << QStringList{"validate", "--help"} << "JSON path";
        QTest::newRow("bench phold --help")
            << QStringList{"bench", "phold", "--help"} << "--config";
        QTest::newRow("bench fl --help") << QStringList{"bench", "fl", "--help"} << "--workload";
    }
    void helpEverywhere() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Outcome o = dais(args);
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.out.contains(mentions), qPrintable(o.out));
    }

    void version() {
        const Outcome o = dais({"--version"});
        QCOMPARE(o.code, kOk);
        QVERIFY(o.out.startsWith("dais "));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString f = scenario("single-link-queue.dais.json");
        QTest::newRow("nothing") << QStringList{} << "";
        QTest::newRow("unknown command") << QStringList{"fly"} << "unknown command \"fly\"";
        QTest::newRow("run without file") << QStringList{"run"} << "which scenario file?";
        QTest::newRow("unknown option")
            << QStringList{"run", f, "--fast"} << "unknown option --fast";
        QTest::newRow("bad seed") << QStringList{"run", f, "--seed", "ten"}
                                  << "--seed: expected a whole number";
        QTest::newRow("negative seed")
            << QStringList{"run", f, "--seed=-1"} << "--seed: expected a whole number";
        QTest::newRow("bad until")
            << QStringList{"run", f, "--until", "soon"} << "--until: expected a positive duration";
        QTest::newRow("zero until")
            << QStringList{"run", f, "--until", "0s"} << "--until: expected a positive duration";
        QTest::newRow("missing value")
            << QStringList{"run", f, "--until"} << "option --until needs a value";
        QTest::newRow("bad queue")
            << QStringList{"run", f, "--queue", "fast"} << "--queue: expected heap or ladder";
        QTest::newRow("two files") << QStringList{"validate", f, f} << "one file at a time";
        QTest::newRow("unknown bench") << QStringList{"bench", "nbody"} << "unknown benchmark";
        QTest::newRow("speed too high")
            << QStringList{"run", f, "--speed", "5000"} << "--speed: expected a number from 0.1";
        QTest::newRow("speed not a number")
            << QStringList{"run", f, "--speed", "fast"} << "--speed: expected a number from 0.1";
        QTest::newRow("unknown layer")
            << QStringList{"layers", "nosuchlayer"} << "no layer \"nosuchlayer\" is installed";
        QTest::newRow("layers option") << QStringList{"layers", "--all"} << "unknown option --all";
        QTest::newRow("bad bench option")
            << QStringList{"bench", "phold", "--config", "huge"} << "huge";
        QTest::newRow("--set without =")
            << QStringList{"run", f, "--set", "run.seed"} << "--set needs PATH=VALUE";
        QTest::newRow("validate --set without =")
            << QStringList{"validate", f, "--set", "run.seed"} << "--set needs PATH=VALUE";
        QTest::newRow("sweep --set without path")
            << QStringList{"sweep", f, "--set", "=3"} << "--set needs a path before";
    }

    // A named pipe is refused at once: reading it would wait for a writer forever.
    void validateOfAPipeDoesNotBlock() {
        const QString fifo = tmp_.filePath("pipe.dais.json");
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        const Outcome o = dais({"validate", fifo});
        QCOMPARE(o.code, kBadInput);
        QVERIFY2(o.err.contains("it is a named pipe, not a scenario file"), qPrintable(o.err));
    }
    void usageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Outcome o = dais(args);
        QCOMPARE(o.code, kUsage);
        QVERIFY2(o.err.contains(message) || message.isEmpty(), qPrintable(o.err));
    }

    void badInputFiles_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << tmp_.filePath("nowhere.dais.json") << "nowhere.dais.json";
        QTest::newRow("directory") << tmp_.path() << "directory";
        QTest::newRow("truncated")
            << writeFile("cut.dais.json",
                         "{\"format\": \"dais-scenario\",\n \"version\": 1,\n \"network\": {")
            << "cut.dais.json:3:";
        QTest::newRow("negative count")
            << writeFile(
                   "phones.dais.json",
                   R"({"format": "dais-scenario", "version": 1, "network": {"nodes": [{"id": "gw"}],
                            "groups": [{"id": "a", "count": 1, "attach": "gw"}, {"id": "b", "count": 2},
                                       {"id": "c", "count": -5}]}, "run": {"until": "1s"}})")
            << "phones.dais.json: /network/groups/2/count: expected an integer >= 1, got -5";
        // Found only when the network is built: validate builds it, as run does.
        const QByteArray twoNodes =
            R"({"format": "dais-scenario", "version": 1, "run": {"until": "1s"}, "network": {
                 "nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                 "links": [{"from": "a", "to": "b", "bandwidth": "10Mbps", "latency": "1ms"}], )";
        QTest::newRow("traffic flow without an id")
            << writeFile("flow.dais.json",
                         twoNodes + R"("traffic": [{"from": ["a"], "to": ["b"], "rate": 10,
                                        "size": 100}]}})")
            << "flow.dais.json: /network/traffic/0: a traffic flow has an empty id";
        QTest::newRow("fault on a link that does not exist")
            << writeFile("fault.dais.json",
                         twoNodes + R"("faults": [{"kind": "link_down", "at": "1ms",
                                       "targets": ["a", "c"]}]}})")
            << "fault.dais.json: /network/faults/0: fault 0 (link-down): no link between 'a' and "
               "'c'";
    }
    void badInputFiles() {
        QFETCH(QString, file);
        QFETCH(QString, message);
        for (const char* command : {"validate", "run"}) {
            const Outcome o = dais({command, file});
            QCOMPARE(o.code, kBadInput);
            QVERIFY2(o.err.contains(message), qPrintable(o.err));
            QVERIFY(o.out.isEmpty());
        }
    }

    void badOverride() {
        const Outcome o =
            dais({"run", scenario("single-link-queue.dais.json"), "--set", "run.sed=3"});
        QCOMPARE(o.code, kBadInput);
        QVERIFY2(o.err.contains("did you mean \"seed\""), qPrintable(o.err));
        const Outcome v = dais({"run", scenario("single-link-queue.dais.json"), "--set",
                                "network.traffic.probe.rate=-1"});
        QCOMPARE(v.code, kBadInput);
        QVERIFY2(v.err.contains("/network/traffic/0/rate"), qPrintable(v.err));
    }

    // What only a layer's set-up finds, validate finds too, pointing at the parameter.
    void validateSetsUpTheLayers_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("sets");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing data_file")
            << scenario("hospitals.dais.json")
            << QStringList{"layers.federated.data=csv", "layers.federated.data_file="}
            << "hospitals.dais.json: /layers/federated/data_file: layer \"federated\" failed to "
               "set up: data \"csv\" needs data_file";
        QTest::newRow("missing role")
            << scenario("hospitals.dais.json") << QStringList{"layers.federated.server_role=nobody"}
            << "hospitals.dais.json: /layers/federated/server_role: layer \"federated\" failed to "
               "set up: no node has the server role \"nobody\"";
        QTest::newRow("gossip role")
            << scenario("gossip-epidemic.dais.json") << QStringList{"layers.gossip.role=nobody"}
            << "gossip-epidemic.dais.json: /layers/gossip/role: ";
    }
    void validateSetsUpTheLayers() {
        QFETCH(QString, file);
        QFETCH(QStringList, sets);
        QFETCH(QString, message);
        for (const char* command : {"validate", "run"}) {
            QStringList args{command, file, "--no-store"};
            if (QString(command) == "validate") args.removeLast();
            for (const QString& set : sets)
                args << "--set" << set;
            const Outcome o = dais(args);
            QCOMPARE(o.code, kBadInput);
            QVERIFY2(o.err.contains(message), qPrintable(o.err));
        }
    }

    void validateGoodFile() {
        const Outcome o = dais({"validate", scenario("regional-outage-10k.dais.json")});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.out.contains("valid (format version 1, \"10,000 phones and a regional outage\", "
                                "10,001 nodes: 5 groups of 10,000 and 1 single node)"),
                 qPrintable(o.out));
        QVERIFY2(dais({"validate", scenario("single-link-queue.dais.json")})
                     .out.contains("\"One link as a queue\", 2 nodes)"),
                 "a network of single nodes only");
        QVERIFY(
            dais({"validate", "--quiet", scenario("regional-outage-10k.dais.json")}).out.isEmpty());
    }

    void runPrintsSummary() {
        const Outcome o = dais({"run", scenario("single-link-queue.dais.json"), "--until", "20s"});
        QCOMPARE(o.code, kOk);
        for (const char* field :
             {"events", "simulated", "wall time", "events/s", "fingerprint", "net.latency"})
            QVERIFY2(o.out.contains(field), field);
        QVERIFY(o.err.isEmpty());  // no progress bar when stderr is not a terminal
    }

    void runTracesWhatItIsAsked() {
        // The federated layer's lines, from its set-up on, named by node; nothing else.
        const Outcome o = dais({"run", scenario("hospitals.dais.json"), "--no-store", "--trace",
                                "federated", "--set", "layers.federated.rounds=2"});
        QCOMPARE(o.code, kOk);
        const QStringList lines = o.err.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].contains(QRegularExpression(
                     "^ +0\\.000000 s  coordinator +federated: data .*breast_cancer")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[2].contains("coordinator      federated: round 2: 10 of 10 clients"),
                 qPrintable(lines[2]));
        QVERIFY(o.out.contains("fingerprint"));
        // A category no record of this scenario can have is a mistake, named.
        const Outcome none = dais({"run", scenario("hospitals.dais.json"), "--no-store", "--trace",
                                   "gossip", "--set", "layers.federated.rounds=2"});
        QCOMPARE(none.code, kUsage);
        QVERIFY2(none.err.contains("no trace category \"gossip\" in this scenario (it has: "
                                   "fault, federated; or all)"),
                 qPrintable(none.err));
        QVERIFY(dais({"run", scenario("hospitals.dais.json"), "--no-store", "--trace", "fault",
                      "--set", "layers.federated.rounds=2"})
                    .err.isEmpty());
        QCOMPARE(dais({"run", scenario("hospitals.dais.json"), "--trace"}).code, kUsage);
    }

    void runJsonIsReproducible() {
        const QStringList args = {"run", scenario("single-link-queue.dais.json"), "--json",
                                  "--until", "30s"};
        const Outcome a = dais(args), b = dais(args);
        QCOMPARE(a.code, kOk);
        const QJsonObject ja = QJsonDocument::fromJson(a.out.toUtf8()).object();
        const QJsonObject jb = QJsonDocument::fromJson(b.out.toUtf8()).object();
        QCOMPARE(ja["fingerprint"].toString().size(), 16);
        QCOMPARE(ja["fingerprint"], jb["fingerprint"]);
        QCOMPARE(ja["events"], jb["events"]);
        QCOMPARE(ja["simulated_seconds"].toDouble(), 30.0);
        QCOMPARE(ja["metrics"].toObject()["net.latency"], jb["metrics"].toObject()["net.latency"]);
        const Outcome c = dais({"run", scenario("single-link-queue.dais.json"), "--json", "--until",
                                "30s", "--seed", "99"});
        QVERIFY(QJsonDocument::fromJson(c.out.toUtf8()).object()["fingerprint"] !=
                ja["fingerprint"]);
    }

    void timeBeyondTheLongestFailsTheRun_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");  // the start of the failure's message
        const QString beyond = "beyond the longest simulated time (292 years)";
        const QString huge = writeFile("huge-size.dais.json", R"({
            "format": "dais-scenario", "version": 1, "meta": {"name": "huge messages"},
            "network": {
              "nodes": [{"id": "client"}, {"id": "server"}],
              "links": [{"from": "client", "to": "server", "latency": "5ms",
                         "bandwidth": "100Mbps"}],
              "traffic": [{"id": "probe", "from": ["client"], "to": ["server"], "rate": 1000,
                           "size": 1e18}]},
            "run": {"until": "10s"}})");
        QTest::newRow("hugeTrafficSizeFailsNamingTheFlow")
            << QStringList{"run", huge}
            << "/network/links/0 (client - server): sending a message of flow \"probe\" (1e+18 "
               "bytes) at 100 Mbit/s takes 2,535 years, " +
                   beyond;
        QTest::newRow("tinyBandwidthFailsNamingTheLink")
            << QStringList{"run", scenario("single-link-queue.dais.json"), "--set",
                           "network.links.0.bandwidth=0.001bps"}
            << "/network/links/0 (client - server): sending a message of flow \"probe\" (";
        QTest::newRow("tinyCpuGflopsFailsNamingTheParameter")
            << QStringList{"run", scenario("hospitals.dais.json"), "--set",
                           "network.groups.hospitals.resources.cpu_gflops=1e-15"}
            << "/layers/federated: client \"hospitals[0]\" computes at 1e-15 GFLOP/s (its "
               "resources.cpu_gflops): 10 training steps take 943 years, " +
                   beyond;
    }
    void timeBeyondTheLongestFailsTheRun() {
        // The run fails with exit code 1 and the message, and is stored as failed with it; what
        // it did until then is reported, with no negative time.
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const QString store = tmp_.filePath(QString(QTest::currentDataTag()) + ".sqlite");
        const Outcome o = dais(args << "--store" << store);
        QCOMPARE(o.code, kFailure);
        QVERIFY2(o.err.startsWith("dais: the run failed: " + message), qPrintable(o.err));
        QVERIFY2(o.err.endsWith(", beyond the longest simulated time (292 years)\n"),
                 qPrintable(o.err));
        QVERIFY2(o.out.contains("status       failed: the run failed: " + message),
                 qPrintable(o.out));
        QVERIFY2(!o.out.contains(QRegularExpression("(mean|p50|max) -")), qPrintable(o.out));
        const Outcome stored =
            dais({"runs", "list", "--status", "failed", "--json", "--store", store});
        QCOMPARE(stored.code, kOk);
        const QJsonArray runs = QJsonDocument::fromJson(stored.out.toUtf8()).array();
        QCOMPARE(runs.size(), 1);
        QVERIFY(runs[0].toObject()["error"].toString().startsWith("the run failed: " + message));
    }

    void layersListsPluginsAndFolders() {
        const Outcome o = dais({"layers"});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.out.contains("plugin folders: "), qPrintable(o.out));
        const Outcome j = dais({"layers", "--json"});
        QCOMPARE(j.code, kOk);
        const QJsonObject doc = QJsonDocument::fromJson(j.out.toUtf8()).object();
        QVERIFY(doc["layers"].isArray());
        QVERIFY(doc["failed_plugins"].isArray());
        QVERIFY(!doc["plugin_folders"].toArray().isEmpty());
        // A broken library in a plugin folder is reported; the command still works.
        QTemporaryDir dir;
        QFile bad(dir.filePath("broken.so"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(QByteArray(4096, 'x'));
        bad.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DAIS_PLUGIN_PATH", dir.path());
        p.setProcessEnvironment(env);
        p.start(DAIS_EXE, {"layers"});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), kOk);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains("plugins that failed to load") &&
                     out.contains(bad.fileName() + ": cannot be loaded: invalid ELF header"),
                 qPrintable(out));
    }

    void terminateStopsTheRunAndReports() {
        // Paced at 10x the run would take 12 s; SIGTERM once the progress bar shows it going.
        QProcess p;
        p.start(DAIS_EXE,
                {"run", scenario("regional-outage-10k.dais.json"), "--speed", "10", "--progress"});
        QVERIFY(p.waitForStarted());
        p.setReadChannel(QProcess::StandardError);
        QVERIFY(p.waitForReadyRead(60'000));
        p.terminate();
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains("status       stopped") && out.contains("(stopped)"),
                 qPrintable(out));
    }

    void progressBarOnRequest() {
        const Outcome o = dais({"run", scenario("regional-outage-10k.dais.json"), "--progress",
                                "--set", "network.traffic.telemetry.rate=20000", "--until", "60s"});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.err.contains("%") && o.err.contains("events/s"), qPrintable(o.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
