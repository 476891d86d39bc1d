// The layers' tables on the command line: `dais run --inspect` after the summary (aligned, long
// tables cut short, JSON), names checked before the run, `dais layers` listing them, and
// `dais runs show` reading them back from the store.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "cli_process.h"

namespace {

using cli_test::dais;
using cli_test::Outcome;
using cli_test::scenario;

constexpr int kOk = 0, kUsage = 2, kBadInput = 3;

/// The lines of the block that starts with `title` in `out`, up to the next empty line.
QStringList block(const QString& out, const QString& title) {
    const QStringList lines = out.split('\n');
    QStringList found;
    bool in = false;
    for (const QString& l : lines) {
        if (l.startsWith(title)) in = true;
        if (!in) continue;
        if (l.isEmpty()) break;
        found << l;
    }
    return found;
}

/// The lines of a printed table whose every column (but the last, left-aligned one) ends where
/// the header's does: each header name's right edge, or left edge, lines up with its cells.
void checkAligned(const QStringList& table, const QString& lastColumn) {
    QVERIFY(table.size() >= 3);
    const QString& header = table[1];
    const int last = header.indexOf(" " + lastColumn) + 1;
    QVERIFY2(last > 0, qPrintable(header));
    for (int i = 2; i < table.size(); ++i) {
        const QString& row = table[i];
        if (row.startsWith("  …")) continue;
        QVERIFY2(row.size() > last && row[last - 1] == ' ' && row[last] != ' ',
                 qPrintable(header + "\n" + row));
    }
}

}  // namespace

class TestCliInspect : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QStringList hospitals(const QStringList& more) {
        return QStringList{"run", scenario("hospitals.dais.json"), "--no-store", "--set",
                           "layers.federated.rounds=2"} +
               more;
    }

  private slots:
    void inspectPrintsTablesAfterTheSummary() {
        const Outcome o =
            dais(hospitals({"--inspect", "clients", "--inspect", "federated.rounds"}));
        QCOMPARE(o.code, kOk);
        QVERIFY2(o.err.isEmpty(), qPrintable(o.err));
        const int summary = o.out.indexOf("fingerprint");
        const int clientsAt = o.out.indexOf("federated.clients: Clients, 10 rows at t=");
        const int roundsAt = o.out.indexOf("federated.rounds: Rounds, 2 rows at t=");
        QVERIFY2(summary >= 0 && clientsAt > summary && roundsAt > clientsAt, qPrintable(o.out));
        const QStringList clients = block(o.out, "federated.clients:");
        QCOMPARE(clients.size(), 12);  // title, header, 10 clients
        QVERIFY2(clients[1].contains(QRegularExpression(
                     "^  node +samples +selected +delivered +dropouts +late +rejected +loss +"
                     "accuracy +attacker +banned +up$")),
                 qPrintable(clients[1]));
        QVERIFY2(clients[2].startsWith("  hospitals[0] "), qPrintable(clients[2]));
        QVERIFY2(clients[2].contains(QRegularExpression(" no +yes$")), qPrintable(clients[2]));
        checkAligned(clients, "up");
        const QStringList rounds = block(o.out, "federated.rounds:");
        QCOMPARE(rounds.size(), 4);
        QVERIFY2(rounds[1].contains("start (s)") && rounds[1].contains("end (s)"),
                 qPrintable(rounds[1]));
        QVERIFY2(rounds[2].contains(QRegularExpression("^ +1 +0 +[0-9.]+ +10 +10 +0 +0 +0 "
                                                       "+[0-9.]+% +[0-9.]+ +aggregated "
                                                       "+[0-9a-f]{16} +-$")),
                 qPrintable(rounds[2]));
        checkAligned(rounds, "outcome");
    }

    void longTablesAreCutShort() {
        const QStringList base = {"run", scenario("gossip-epidemic.dais.json"), "--no-store",
                                  "--inspect", "rumours"};
        const Outcome cut = dais(base);
        QCOMPARE(cut.code, kOk);
        const QStringList table = block(cut.out, "gossip.rumours:");
        QCOMPARE(table.size(), 2 + 25 + 1);
        QVERIFY2(table.last().contains(QRegularExpression("^  … [0-9]+ more rows \\(--rows all "
                                                          "shows every row\\)$")),
                 qPrintable(table.last()));
        QVERIFY2(table[2].contains(QRegularExpression("^ +1  peers-[a-z-]+\\[[0-9]+\\] ")),
                 qPrintable(table[2]));
        checkAligned(table, "spreading");
        const int rows = table[0].section(' ', 2, 2).toInt();
        QVERIFY2(rows > 150, qPrintable(table[0]));
        QCOMPARE(table.last().section(' ', 3, 3).toInt(), rows - 25);

        const Outcome three = dais(base + QStringList{"--rows", "3"});
        QCOMPARE(block(three.out, "gossip.rumours:").size(), 2 + 3 + 1);
        const Outcome all = dais(base + QStringList{"--rows", "all"});
        const QStringList every = block(all.out, "gossip.rumours:");
        QCOMPARE(every.size(), 2 + rows);
        // Rumours still spreading when the run ended have no time of last receipt.
        QVERIFY2(every.last().endsWith(" -  yes"), qPrintable(every.last()));
    }

    void unknownTablesAreRefusedBeforeTheRun_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << hospitals({"--inspect", "rumours"})
                                 << "dais: --inspect: no table \"rumours\" in this scenario (its "
                                    "layers have: federated.clients, federated.rounds)\n";
        QTest::newRow("another layer's")
            << hospitals({"--inspect", "gossip.rumours"})
            << "dais: --inspect: no table \"gossip.rumours\" in this scenario (its layers have: "
               "federated.clients, federated.rounds)\n";
        QTest::newRow("no tables")
            << QStringList{"run", scenario("single-link-queue.dais.json"), "--no-store",
                           "--inspect", "clients"}
            << "dais: --inspect: no table \"clients\" in this scenario (its layers have none)\n";
        QTest::newRow("rows alone")
            << hospitals({"--rows", "5"})
            << "dais: --rows: only with --inspect TABLE or --events KINDS\n";
        QTest::newRow("rows zero") << hospitals({"--inspect", "clients", "--rows", "0"})
                                   << "dais: --rows: expected a whole number from 1, or all, got "
                                      "\"0\"\n";
        QTest::newRow("no name") << hospitals({"--inspect"})
                                 << "dais: option --inspect needs a value\n";
    }
    void unknownTablesAreRefusedBeforeTheRun() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Outcome o = dais(args);
        QCOMPARE(o.code, kUsage);
        QCOMPARE(o.err, message);
        QVERIFY2(!o.out.contains("fingerprint"), qPrintable(o.out));  // nothing ran
    }

    void inspectGoesIntoTheJson() {
        const Outcome o = dais(hospitals({"--json", "--inspect", "clients"}));
        QCOMPARE(o.code, kOk);
        const QJsonObject doc = QJsonDocument::fromJson(o.out.toUtf8()).object();
        QVERIFY(!doc["fingerprint"].toString().isEmpty());
        const QJsonObject tables = doc["tables"].toObject();
        QCOMPARE(tables.keys(), QStringList{"federated.clients"});
        const QJsonObject clients = tables["federated.clients"].toObject();
        QCOMPARE(clients["title"].toString(), QString("Clients"));
        QCOMPARE(clients["key"].toString(), QString("node"));
        QCOMPARE(clients["rows"].toInt(), 10);
        QVERIFY(clients["filled_at"].toDouble() > 0);
        QCOMPARE(clients["columns"].toArray()[1].toObject()["type"].toString(), QString("integer"));
        const QJsonArray data = clients["data"].toArray();
        QCOMPARE(data.size(), 10);
        const QJsonObject first = data[0].toObject();
        QCOMPARE(first["node"].toString(), QString("hospitals[0]"));
        QCOMPARE(first["selected"].toInt(), 2);
        QCOMPARE(first["up"].toBool(), true);
        QVERIFY(first["accuracy"].toDouble() > 0.5);
        // --rows limits the JSON too when it is given.
        const Outcome two = dais(hospitals({"--json", "--inspect", "clients", "--rows", "2"}));
        const QJsonObject limited = QJsonDocument::fromJson(two.out.toUtf8()).object();
        QCOMPARE(
            limited["tables"].toObject()["federated.clients"].toObject()["data"].toArray().size(),
            2);
    }

    void layersListTheirTables() {
        const Outcome one = dais({"layers", "federated"});
        QCOMPARE(one.code, kOk);
        QVERIFY2(one.out.contains("table federated.clients: Clients (dais run --inspect "
                                  "federated.clients)"),
                 qPrintable(one.out));
        QVERIFY2(one.out.contains(QRegularExpression("\n  node +node +The client\\. \\(key\\)\n")),
                 qPrintable(one.out));
        QVERIFY2(one.out.contains(QRegularExpression("\n  start +time +s +When it started")),
                 qPrintable(one.out));
        const Outcome list = dais({"layers"});
        QVERIFY2(list.out.contains("table gossip.rumours (rumour, origin, started, reached, "
                                   "coverage, sent, last_reached, spreading)"),
                 qPrintable(list.out));
        const Outcome json = dais({"layers", "gossip", "--json"});
        const QJsonArray tables = QJsonDocument::fromJson(json.out.toUtf8())["tables"].toArray();
        QCOMPARE(tables.size(), 1);
        QCOMPARE(tables[0]["name"].toString(), QString("gossip.rumours"));
        QCOMPARE(tables[0]["key"].toString(), QString("rumour"));
        QCOMPARE(tables[0]["columns"].toArray().size(), 8);
    }

    void runsShowReadsTheStoredTables() {
        const QString store = tmp_.filePath("inspect.sqlite");
        const Outcome ran = dais({"run", scenario("hospitals.dais.json"), "--store", store, "--set",
                                  "layers.federated.rounds=2", "--inspect", "clients"});
        QCOMPARE(ran.code, kOk);
        const Outcome show = dais({"runs", "show", "1", "--store", store});
        QCOMPARE(show.code, kOk);
        QVERIFY2(show.out.contains("\ntables (dais runs show 1 --table NAME)\n"
                                   "  federated.clients  Clients, 10 rows\n"
                                   "  federated.rounds   Rounds, 2 rows\n"),
                 qPrintable(show.out));
        // The stored table prints as the run printed it.
        const Outcome table = dais({"runs", "show", "1", "--table", "clients", "--store", store});
        QCOMPARE(table.code, kOk);
        QCOMPARE(table.out.split('\n').mid(0, 12), block(ran.out, "federated.clients:"));
        const Outcome json =
            dais({"runs", "show", "1", "--table", "federated.rounds", "--json", "--store", store});
        QCOMPARE(json.code, kOk);
        const QJsonObject rounds = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(rounds["data"].toArray().size(), 2);
        QCOMPARE(rounds["data"].toArray()[1].toObject()["outcome"].toString(),
                 QString("aggregated"));
        const Outcome listed = dais({"runs", "show", "1", "--json", "--store", store});
        const QJsonArray tables =
            QJsonDocument::fromJson(listed.out.toUtf8()).object()["tables"].toArray();
        QCOMPARE(tables.size(), 2);
        QCOMPARE(tables[0].toObject()["rows"].toInt(), 10);

        const Outcome unknown = dais({"runs", "show", "1", "--table", "rumours", "--store", store});
        QCOMPARE(unknown.code, kUsage);
        QCOMPARE(unknown.err, QString("dais: runs show: --table: no table \"rumours\" in run 1 (it "
                                      "has: federated.clients, federated.rounds)\n"));
        QCOMPARE(dais({"runs", "show", "1", "--rows", "3", "--store", store}).code, kUsage);
        QCOMPARE(dais({"runs", "list", "--table", "x", "--store", store}).code, kUsage);
        QCOMPARE(dais({"runs", "show", "7", "--table", "clients", "--store", store}).code,
                 kBadInput);
    }
};

QTEST_GUILESS_MAIN(TestCliInspect)
#include "tst_cli_inspect.moc"
