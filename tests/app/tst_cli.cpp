// The dais command line as a user meets it: help, exit codes, messages on stderr, summaries.
#include <QtTest>

#include <sys/stat.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
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
                                "10,001 nodes: 5 groups of 10,000 and 1 single node; about "),
                 qPrintable(o.out));
        QVERIFY2(dais({"validate", scenario("single-link-queue.dais.json")})
                     .out.contains("\"One link as a queue\", 2 nodes; about "),
                 "a network of single nodes only");
        QVERIFY(
            dais({"validate", "--quiet", scenario("regional-outage-10k.dais.json")}).out.isEmpty());
        // A scenario with money says how much it starts with.
        QFile queue(scenario("single-link-queue.dais.json"));
        QVERIFY(queue.open(QIODevice::ReadOnly));
        QByteArray text = queue.readAll();
        text.insert(text.lastIndexOf('}'),
                    R"(, "payments": {"token": {"symbol": "USDC", "decimals": 2}, "endowments":
                       [{"nodes": ["client", "server"], "amount": "12.25"},
                        {"account": "treasury", "amount": 1000}]})");
        const Outcome money = dais({"validate", writeFile("money.dais.json", text)});
        QCOMPARE(money.code, kOk);
        QVERIFY2(
            money.out.contains("\"One link as a queue\", 2 nodes; 1,024.5 USDC endowed; about "),
            qPrintable(money.out + money.err));
    }

    void runPrintsSummary() {
        const Outcome o = dais({"run", scenario("single-link-queue.dais.json"), "--until", "20s"});
        QCOMPARE(o.code, kOk);
        for (const char* field :
             {"events", "simulated", "wall time", "events/s", "fingerprint", "net.latency"})
            QVERIFY2(o.out.contains(field), field);
        QVERIFY(o.err.isEmpty());  // no progress bar when stderr is not a terminal
    }

    // Node metrics read per node: a count as the total over the nodes, a fraction as their mean
    // (accuracies do not add up), both with their spread over the nodes that have a value.
    void runSummarisesNodeMetrics() {
        const Outcome o =
            dais({"run", scenario("hospitals.dais.json"), "--set", "layers.federated.rounds=3"});
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.out.contains(QRegularExpression(
                     "federated\\.client_updates +total 30 updates  per node: min 0  p50 3  max 3  "
                     "\\(11 nodes\\)")),
                 qPrintable(o.out));
        QVERIFY2(o.out.contains(QRegularExpression(
                     "federated\\.local_accuracy +mean [0-9.]+%  per node: min .*\\(10 nodes\\)")),
                 qPrintable(o.out));
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
            << "/layers/federated: client \"hospitals[3]\" computes at 1e-15 GFLOP/s (its "
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

    // Scenarios too big for the memory are refused by validate and run alike, before anything
    // is allocated, naming the value that makes them big. A limit is set where the machine's
    // would make the message depend on the machine.
    void memoryRefusals_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("limit");  // DAIS_MEMORY_LIMIT, or "" for the machine's
        QTest::addColumn<QString>("message");
        QString groups;
        for (int g = 0; g < 4; ++g)
            groups += QString(g ? ", " : "") + "{\"id\": \"phones" + QString::number(g) +
                      "\", \"count\": 10000000, \"role\": \"phone\", \"attach\": \"gw\"}";
        QTest::newRow("fourGroupsOfTenMillionNodesRefused")
            << writeFile("four.dais.json",
                         R"({"format": "dais-scenario", "version": 1, "network": {
                              "nodes": [{"id": "gw"}], "groups": [)" +
                             groups.toUtf8() + R"(]}, "run": {"until": "10s"}})")
            << "1GiB"
            << "four.dais.json: /network/groups/0/count: about 6.9 GiB for 40,000,001 nodes and "
               "40,000,000 links, more than the 1 GiB allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("waxmanHugeBetaRefused")
            << writeFile("waxman.dais.json", R"({"format": "dais-scenario", "version": 1,
                 "network": {"regions": [{"id": "r", "center": [0, 0], "radius": 1000}],
                   "groups": [{"id": "peers", "count": 100000, "role": "peer", "region": "r"}],
                   "topologies": [{"generator": "waxman", "members": ["peers"], "alpha": 1,
                                   "beta": 1000000}]}, "run": {"until": "1s"}})")
            << "64GiB"
            << "waxman.dais.json: /network/topologies/0/beta: about 671 GiB for about "
               "5,000,000,000 links expected from the waxman topology over 100,000 nodes (alpha "
               "1, beta 1e+06), more than the 64 GiB allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("trafficRate1e9Refused")
            << scenario("single-link-queue.dais.json") + "|network.traffic.probe.rate=1e9"
            << "64GiB"
            << "single-link-queue.dais.json: /network/traffic/0/rate: about 16 TiB for about "
               "120,000,000,000 messages of traffic \"probe\" piled up in flight by 120.000 s: "
               "it sends 100 Tbit/s, and the links of its sources and destinations carry at most "
               "100 Mbit/s, more than the 64 GiB allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("dataFileDevZeroRefused")
            << scenario("hospitals.dais.json") + "|layers.federated.data_file=/dev/zero"
            << ""
            << "hospitals.dais.json: /layers/federated/data_file: layer \"federated\" failed to "
               "set up: data: /dev/zero: not a regular file (a character device)";
        QTest::newRow("maximalModelRefused")
            << scenario("hospitals.dais.json") + "|layers.federated.model=mlp" +
                   "|layers.federated.hidden=100000,100000,100000"
            << "64GiB"
            << "hospitals.dais.json: /layers/federated/hidden: about ";
        QTest::newRow("badMemoryLimit")
            << scenario("single-link-queue.dais.json") << "lots"
            << "single-link-queue.dais.json: DAIS_MEMORY_LIMIT: expected a number of bytes or a "
               "size such as 512MiB, got \"lots\"";
    }
    void memoryRefusals() {
        QFETCH(QString, file);
        QFETCH(QString, limit);
        QFETCH(QString, message);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DAIS_MEMORY_LIMIT");
        if (!limit.isEmpty()) env.insert("DAIS_MEMORY_LIMIT", limit);
        QStringList sets = file.split('|');
        file = sets.takeFirst();
        for (const char* command : {"validate", "run"}) {
            QStringList args{command, file};
            if (QString(command) == "run") args << "--no-store";
            for (const QString& set : sets)
                args << "--set" << set;
            QElapsedTimer clock;
            clock.start();
            const Outcome o = cli_test::runProgram(DAIS_EXE, args, env);
            QCOMPARE(o.code, kBadInput);
            QVERIFY2(o.err.startsWith(message), qPrintable(o.err));
            QVERIFY(o.out.isEmpty());
            // Refused from the numbers: nothing big is built (a build of what these describe
            // takes minutes where it fits at all).
            QVERIFY2(clock.elapsed() < 30'000, qPrintable(QString::number(clock.elapsed())));
        }
    }

    // Runs whose messages in flight outgrow the memory left fail: exit code 1, the failure
    // naming the flow or layer and the time, the run stored as failed, never "internal error".
    void memoryOutgrownFailsTheRun_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("trafficRate1e9FailsCleanly")
            << writeFile("flood.dais.json", R"({"format": "dais-scenario", "version": 1,
                 "network": {"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
                   "links": [{"from": "a", "to": "b", "latency": "10us", "bandwidth": "10Gbps"},
                             {"from": "b", "to": "c", "latency": "10us", "bandwidth": "1Mbps"},
                             {"from": "c", "to": "d", "latency": "10us", "bandwidth": "10Gbps"}],
                   "traffic": [{"id": "flood", "from": ["a"], "to": ["d"], "rate": 1e9,
                                "size": 1}]}, "run": {"until": "10s"}})")
            << "the run failed: /network/traffic/0 (\"flood\"): at t=";
        QTest::newRow("gossipStormFailsCleanly")
            << writeFile("storm.dais.json", R"({"format": "dais-scenario", "version": 1,
                 "network": {"nodes": [{"id": "hub"}],
                   "groups": [{"id": "peers", "count": 2000, "role": "peer", "attach": "hub",
                               "access": {"latency": "1ms", "bandwidth": "1Gbps"}}]},
                 "layers": {"gossip": {"role": "peer", "fanout": 1000, "mode": "mongering",
                            "stop_k": 1000, "rumour_rate": 1000000, "rumours": 1000000000}},
                 "run": {"until": "10s"}})")
            << "the run failed: /layers/gossip: at t=";
    }
    void memoryOutgrownFailsTheRun() {
        QFETCH(QString, file);
        QFETCH(QString, message);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DAIS_MEMORY_LIMIT", "64MiB");
        const QString store = tmp_.filePath(QString(QTest::currentDataTag()) + ".sqlite");
        const Outcome o = cli_test::runProgram(DAIS_EXE, {"run", file, "--store", store}, env);
        QCOMPARE(o.code, kFailure);
        QVERIFY2(o.err.startsWith("dais: " + message), qPrintable(o.err));
        QVERIFY2(o.err.contains(" of memory left to the run (the network and the layers take "
                                "about ") &&
                     o.err.endsWith(" of the 64 MiB allowed by DAIS_MEMORY_LIMIT)\n"),
                 qPrintable(o.err));
        QVERIFY(!o.err.contains("internal error"));
        QVERIFY2(o.out.contains("status       failed: " + message), qPrintable(o.out));
        const Outcome stored =
            dais({"runs", "list", "--status", "failed", "--json", "--store", store});
        QCOMPARE(stored.code, kOk);
        const QJsonArray runs = QJsonDocument::fromJson(stored.out.toUtf8()).array();
        QCOMPARE(runs.size(), 1);
        QVERIFY(runs[0].toObject()["error"].toString().startsWith(message));
    }

    // The bundled scenarios fit: on this machine, and within a gigabyte.
    void bundledScenariosAreNotRefused() {
        const QStringList files =
            QDir(QString(DAIS_SOURCE_DIR) + "/scenarios").entryList({"*.dais.json"});
        QVERIFY(files.size() >= 8);
        for (const QString& limit : {QString(), QString("1GiB")}) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove("DAIS_MEMORY_LIMIT");
            if (!limit.isEmpty()) env.insert("DAIS_MEMORY_LIMIT", limit);
            for (const QString& f : files) {
                const Outcome o = cli_test::runProgram(
                    DAIS_EXE, {"validate", scenario(f.toUtf8().constData())}, env);
                QCOMPARE(o.code, kOk);
                QVERIFY2(o.out.contains(QRegularExpression("; about [0-9.,]+ (bytes|KiB|MiB) of "
                                                           "memory\\)")),
                         qPrintable(o.out));
            }
        }
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
