// The layers' structured events on the command line: `dais run --events` prints them after the
// summary (text and JSON, kinds checked before the run), `dais runs show --events` reads them
// back from the store and finds one poisoned update by its digest, naming the client that sent
// it, `dais layers` lists the kinds, and bad arguments say what is wrong.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "cli_process.h"

namespace {

using cli_test::dais;
using cli_test::jsonOf;
using cli_test::Outcome;
using cli_test::scenario;
using cli_test::storedRun;

constexpr int kOk = 0, kUsage = 2;
}  // namespace

class TestCliEvents : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString store_;
    QString run_;  // the poisoning run stored by initTestCase
    QJsonArray poisoned_;

    /// Two rounds of the poisoning scenario: 4 of its 20 clients send sign-flipped updates.
    QStringList poisoning(const QStringList& more) {
        return QStringList{"run", scenario("poisoning.dais.json"), "--set",
                           "layers.federated.rounds=2"} +
               more;
    }

  private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        store_ = tmp_.filePath("runs.sqlite");
        const Outcome o =
            dais(poisoning({"--store", store_, "--json", "--events", "update_poisoned"}));
        QCOMPARE(o.code, kOk);
        run_ = storedRun(o);
        const QJsonObject events = jsonOf(o)["run_events"].toObject();
        poisoned_ = events["events"].toArray();
        QCOMPARE(events["dropped"].toInt(), 0);
        QCOMPARE(events["count"].toInt(), poisoned_.size());
    }

    void runPrintsThePoisonedUpdatesWithTheirClients() {
        // 4 malicious clients, each sending one update a round.
        QCOMPARE(poisoned_.size(), 8);
        QSet<QString> clients;
        for (int i = 0; i < poisoned_.size(); ++i) {
            const QJsonObject e = poisoned_[i].toObject();
            QCOMPARE(e["kind"].toString(), QString("federated.update_poisoned"));
            QCOMPARE(e["layer"].toString(), QString("federated"));
            QVERIFY2(e["node"].toString().contains(QRegularExpression("^clients\\[\\d+\\]$")),
                     qPrintable(e["node"].toString()));
            QVERIFY(e["digest"].toString().contains(QRegularExpression("^[0-9a-f]{64}$")));
            QVERIFY2(e["detail"].toString().endsWith("poisoned (sign-flip)"),
                     qPrintable(e["detail"].toString()));
            clients.insert(e["node"].toString());
        }
        QCOMPARE(clients.size(), 4);
        // Each round's updates differ: eight digests.
        QSet<QString> digests;
        for (int i = 0; i < poisoned_.size(); ++i)
            digests.insert(poisoned_[i].toObject()["digest"].toString());
        QCOMPARE(digests.size(), 8);
    }

    void runPrintsEventsAsText() {
        const Outcome o = dais(poisoning({"--no-store", "--events", "all", "--rows", "3"}));
        QCOMPARE(o.code, kOk);
        // 20 updates sent (4 poisoned) and accepted in each of 2 rounds, and 2 rounds closed.
        QVERIFY2(o.out.contains("\nevents: 82\n"), qPrintable(o.out));
        QVERIFY2(o.out.contains(
                     QRegularExpression("\n  time \\(s\\) +layer +kind +node +digest +detail\n")),
                 qPrintable(o.out));
        QVERIFY2(o.out.contains(QRegularExpression(
                     "\n  [0-9.]+ +federated +update_(sent|poisoned) +clients\\[\\d+\\] +"
                     "[0-9a-f]{16}  round 1")),
                 qPrintable(o.out));
        QVERIFY2(o.out.contains("  ... 79 more (--rows N or --rows all)"), qPrintable(o.out));
    }

    void runsShowFollowsOneDigestToItsNode() {
        const QJsonObject first = poisoned_[0].toObject();
        const QString digest = first["digest"].toString();
        const QString node = first["node"].toString();
        // By the first 12 hex digits, as a person would copy them, in upper case.
        const Outcome o = dais({"runs", "show", run_, "--store", store_, "--events", "--digest",
                                digest.left(12).toUpper(), "--json"});
        QCOMPARE(o.code, kOk);
        const QJsonArray found = jsonOf(o)["events"].toArray();
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].toObject()["kind"].toString(), QString("federated.update_poisoned"));
        QCOMPARE(found[1].toObject()["kind"].toString(), QString("federated.update_accepted"));
        for (int i = 0; i < found.size(); ++i) {
            QCOMPARE(found[i].toObject()["node"].toString(), node);
            QCOMPARE(found[i].toObject()["digest"].toString(), digest);
        }
        // As text: the node by name beside the digest's first 16 digits.
        const Outcome text =
            dais({"runs", "show", run_, "--store", store_, "--events", "--digest", digest.left(8)});
        QCOMPARE(text.code, kOk);
        QVERIFY2(text.out.startsWith("events: 2\n"), qPrintable(text.out));
        QVERIFY2(text.out.contains(QRegularExpression(
                     "update_accepted +" + QRegularExpression::escape(node) + " +" +
                     digest.left(16) + "  round 1, poisoned \\(sign-flip\\)")),
                 qPrintable(text.out));
    }

    void runsShowFiltersByNodeAndKind() {
        const QString node = poisoned_[0].toObject()["node"].toString();
        const Outcome o = dais({"runs", "show", run_, "--store", store_, "--events", "--node", node,
                                "--kind", "update_accepted,round_closed", "--json"});
        QCOMPARE(o.code, kOk);
        const QJsonArray found = jsonOf(o)["events"].toArray();
        QCOMPARE(found.size(), 2);  // its update accepted in each round; rounds close at the server
        for (int i = 0; i < found.size(); ++i) {
            QCOMPARE(found[i].toObject()["kind"].toString(), QString("federated.update_accepted"));
            QCOMPARE(found[i].toObject()["node"].toString(), node);
        }
        const Outcome all = dais({"runs", "show", run_, "--store", store_, "--events", "--json"});
        QCOMPARE(all.code, kOk);
        QCOMPARE(jsonOf(all)["count"].toInt(), 82);
        const Outcome show = dais({"runs", "show", run_, "--store", store_});
        QVERIFY2(show.out.contains("events       82 kept (dais runs show " + run_ + " --events)"),
                 qPrintable(show.out));
    }

    void layersListTheirEventKinds() {
        const Outcome one = dais({"layers", "federated"});
        QCOMPARE(one.code, kOk);
        QVERIFY2(
            one.out.contains("\nevents (dais run --events KIND, dais runs show ID --events)\n"),
            qPrintable(one.out));
        QVERIFY2(one.out.contains(QRegularExpression(
                     "\n  federated.update_poisoned +A malicious client's update")),
                 qPrintable(one.out));
        const Outcome all = dais({"layers"});
        QCOMPARE(all.code, kOk);
        QVERIFY2(all.out.contains("event gossip.rumour_started: A rumour started"),
                 qPrintable(all.out));
        const Outcome json = dais({"layers", "gossip", "--json"});
        QCOMPARE(json.code, kOk);
        QVERIFY2(json.out.contains("\"gossip.rumour_stopped\""), qPrintable(json.out));
    }

    void badArgumentsSayWhatIsWrong_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString file = scenario("poisoning.dais.json");
        const QString gossip = scenario("gossip-epidemic.dais.json");
        QTest::newRow("unknown kind")
            << QStringList{"run", file, "--no-store", "--events", "update_lost"}
            << "--events: no event kind \"update_lost\" in this scenario (federated.update_sent, "
               "federated.update_poisoned";
        QTest::newRow("kind of a layer not in the scenario")
            << QStringList{"run", gossip, "--no-store", "--events", "update_sent"}
            << "--events: no event kind \"update_sent\" in this scenario (gossip.rumour_started";
        QTest::newRow("empty kind")
            << QStringList{"run", file, "--no-store", "--events", "update_sent,,round_closed"}
            << "--events: an empty event kind in \"update_sent,,round_closed\"";
        QTest::newRow("rows alone") << QStringList{"run", file, "--no-store", "--rows", "3"}
                                    << "--rows: only with --inspect TABLE or --events KINDS";
        QTest::newRow("bad digest")
            << QStringList{"runs", "show", "@RUN", "--events", "--digest", "12xz"}
            << "--digest: expected the start of a digest, 1 to 64 hex "
               "digits (0-9, a-f), got \"12xz\"";
        QTest::newRow("unknown node")
            << QStringList{"runs", "show", "@RUN", "--events", "--node", "clients[99]"}
            << "--node: run @RUN has no node \"clients[99]\"";
        QTest::newRow("digest without events")
            << QStringList{"runs", "show", "@RUN", "--digest", "ab"}
            << "runs show: --digest: only with --events";
        QTest::newRow("unknown kind in store")
            << QStringList{"runs", "show", "@RUN", "--events", "--kind", "rumour_started"}
            << "--kind: no event kind \"rumour_started\" among the events of run @RUN";
        QTest::newRow("events and table")
            << QStringList{"runs", "show", "@RUN", "--events", "--table", "clients"}
            << "runs show: --table and --events: one at a time";
    }
    void badArgumentsSayWhatIsWrong() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        args.replaceInStrings("@RUN", run_);
        message.replace("@RUN", run_);
        if (args.front() == "runs") args << "--store" << store_;
        const Outcome o = dais(args);
        QCOMPARE(o.code, kUsage);
        QVERIFY2(o.err.contains(message), qPrintable(o.err));
        QVERIFY2(!o.out.contains("fingerprint"), qPrintable(o.out));  // nothing ran
    }
};

QTEST_GUILESS_MAIN(TestCliEvents)
#include "tst_cli_events.moc"
