// dais runs (list, show, diff, export, annotate, delete) and the recording of dais run, driven
// as a user drives them: output, exit codes, messages, and files left as they were on bad input.
#include <QtTest>

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
using cli_test::writeAll;

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// A big-endian 32-bit field of the SQLite header.
void setHeaderField(QByteArray& bytes, int offset, quint32 value) {
    for (int i = 0; i < 4; ++i)
        bytes[offset + i] = static_cast<char>((value >> (8 * (3 - i))) & 0xff);
}

constexpr int kOk = 0, kFailure = 1, kUsage = 2, kBadInput = 3;

}  // namespace

class TestCliRuns : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString store_;  // two runs: 1 (seed 1, rate 800) and 2 (seed 5, rate 900)

    QStringList withStore(QStringList args) const { return args << "--store" << store_; }

  private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        store_ = tmp_.filePath("runs.sqlite");
        const QString f = scenario("single-link-queue.dais.json");
        const Outcome a = dais(withStore(
            {"run", f, "--until", "5s", "--set", "run.sample_interval=1s", "--no-progress"}));
        QCOMPARE(a.code, kOk);
        QVERIFY2(a.out.endsWith("stored as run 1 in " + store_ + "\n"), qPrintable(a.out));
        const Outcome b = dais(withStore({"run", f, "--until", "5s", "--seed", "5", "--set",
                                          "network.traffic.probe.rate=900", "--set",
                                          "run.sample_interval=1s", "--json", "--no-progress"}));
        QCOMPARE(b.code, kOk);
        QVERIFY(QJsonDocument::fromJson(b.out.toUtf8()).isObject());  // stdout stays JSON
        QVERIFY2(b.err.contains("stored as run 2 in " + store_), qPrintable(b.err));
    }

    void help() {
        for (const QStringList& args : {QStringList{"runs", "--help"}, QStringList{"help", "runs"},
                                        QStringList{"runs", "list", "--help"}}) {
            const Outcome o = dais(args);
            QCOMPARE(o.code, kOk);
            QVERIFY2(o.out.contains("annotate ID TEXT"), qPrintable(o.out));
        }
        QVERIFY(dais({"run", "--help"}).out.contains("--no-store"));
        QVERIFY(dais({"bench", "store", "--help"}).out.contains("plain SQLite"));
    }

    void list() {
        const Outcome o = dais(withStore({"runs", "list"}));
        QCOMPARE(o.code, kOk);
        const QStringList lines = o.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].contains("FINGERPRINT"));
        QVERIFY2(lines[1].trimmed().startsWith("2  completed"), qPrintable(lines[1]));  // newest
        QVERIFY(lines[2].trimmed().startsWith("1  completed"));

        const Outcome j = dais(withStore({"runs", "list", "--json"}));
        QCOMPARE(j.code, kOk);
        const QJsonArray runs = QJsonDocument::fromJson(j.out.toUtf8()).array();
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[0].toObject()["seed"].toInt(), 5);
        QCOMPARE(runs[0].toObject()["parameters"].toObject()["network.traffic.probe.rate"].toInt(),
                 900);
        QCOMPARE(runs[1].toObject()["parameters"].toObject()["run.until"].toString(), "5s");
        QCOMPARE(runs[1].toObject()["fingerprint"].toString().size(), 16);

        QCOMPARE(dais(withStore({"runs", "list", "--limit", "1", "--json"})).out.count("\"id\""),
                 1);
        QCOMPARE(dais(withStore({"runs", "list", "--status", "failed"})).out,
                 "no runs in " + store_ + "\n");
        QCOMPARE(dais(withStore({"runs", "list", "--scenario", "One link as a queue", "--json"}))
                     .out.count("\"id\""),
                 2);
    }

    void show() {
        const Outcome o = dais(withStore({"runs", "show", "1"}));
        QCOMPARE(o.code, kOk);
        for (const char* s : {"run          1 (completed)", "seed         1", "parameters",
                              "run.sample_interval", "net.latency", "samples      15 metrics"})
            QVERIFY2(o.out.contains(s), qPrintable(s + QString(" in:\n") + o.out));
        const Outcome j = dais(withStore({"runs", "show", "2", "--json"}));
        QCOMPARE(j.code, kOk);
        const QJsonObject run = QJsonDocument::fromJson(j.out.toUtf8()).object();
        QCOMPARE(run["id"].toInt(), 2);
        QVERIFY(run["final_metrics"].toArray().size() > 5);
        QVERIFY(run["sampled_metrics"].toArray().size() > 5);
    }

    void diff() {
        const Outcome o = dais(withStore({"runs", "diff", "1", "2"}));
        QCOMPARE(o.code, kOk);
        // Differences by JSON pointer: array elements by index, the seed where the scenario
        // keeps it.
        QVERIFY2(o.out.contains(QRegularExpression("/network/traffic/0/rate +800 +900")),
                 qPrintable(o.out));
        QVERIFY(o.out.contains(QRegularExpression("\\n  /run/seed +1 +5\\n")));
        QVERIFY(!o.out.contains("/run/until"));  // the same in both
        QVERIFY(o.out.contains("difference"));
        QVERIFY(o.out.contains(QRegularExpression("net\\.latency mean .*%\\)")));
        const Outcome j = dais(withStore({"runs", "diff", "1", "2", "--json"}));
        const QJsonObject d = QJsonDocument::fromJson(j.out.toUtf8()).object();
        QCOMPARE(d["parameters"].toArray().size(), 2);
        QCOMPARE(d["parameters"].toArray()[0].toObject()["path"].toString(),
                 "/network/traffic/0/rate");
        QVERIFY(d["metrics"].toArray().size() > 5);
        const Outcome same = dais(withStore({"runs", "diff", "1", "1"}));
        QVERIFY(same.out.contains("parameters\n  the same\n"));
    }

    void exportCsvAndJson() {
        const Outcome csv = dais(withStore({"runs", "export", "1", "2"}));
        QCOMPARE(csv.code, kOk);
        const QStringList lines = csv.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines[0], "run,kind,metric,unit,time_s,value,count,p50,p95,p99");
        QVERIFY(lines.contains("1,sample,net.messages.sent,messages,1,800,,,,") ||
                lines.filter(QRegularExpression("^1,sample,net\\.messages\\.sent,messages,1,"))
                        .size() == 1);
        QVERIFY(lines.filter(QRegularExpression("^2,final,net\\.latency,s,5,")).size() == 1);
        QVERIFY(lines.filter(QRegularExpression("^1,sample,net\\.latency,s,3,[0-9.e-]+,[0-9]+,"))
                    .size() == 1);

        const QString file = tmp_.filePath("export.json");
        const Outcome j =
            dais(withStore({"runs", "export", "2", "--format", "json", "--output", file}));
        QCOMPARE(j.code, kOk);
        QVERIFY(j.out.isEmpty());
        const QJsonObject doc = QJsonDocument::fromJson(readAll(file)).object();
        QCOMPARE(doc["format"].toString(), "dais-runs-export");
        const QJsonObject run = doc["runs"].toArray()[0].toObject();
        const QJsonObject latency = run["samples"].toObject()["net.latency"].toObject();
        QCOMPARE(latency["time_s"].toArray().size(), latency["p95"].toArray().size());
        QVERIFY(latency["time_s"].toArray().size() >= 4);
    }

    void killedRunShowsHowFarItGot() {
        // dais run, paced so that it is still running when killed; a store of its own.
        const QString path = tmp_.filePath("killed.sqlite");
        QProcess run;
        run.start(DAIS_EXE,
                  {"run", scenario("single-link-queue.dais.json"), "--until", "1h", "--speed", "20",
                   "--set", "run.sample_interval=1s", "--no-progress", "--store", path});
        QVERIFY2(run.waitForStarted(), qPrintable(run.errorString()));
        // Killed once a few of its samples are stored.
        const auto storedSamples = [&] {
            const Outcome o = dais({"runs", "export", "1", "--store", path});
            return o.code == kOk ? o.out.count(",sample,net.messages.sent,") : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(storedSamples() >= 3, 60'000);
        run.kill();
        QVERIFY(run.waitForFinished(30'000));
        QCOMPARE(run.exitStatus(), QProcess::CrashExit);

        const Outcome j = dais({"runs", "list", "--json", "--store", path});
        QCOMPARE(j.code, kOk);
        const QJsonObject r = QJsonDocument::fromJson(j.out.toUtf8()).array()[0].toObject();
        QCOMPARE(r["status"].toString(), "interrupted");
        QVERIFY2(r["events"].toDouble() > 0, qPrintable(j.out));
        QVERIFY2(r["simulated_seconds"].toDouble() >= 2, qPrintable(j.out));
        QVERIFY2(r["wall_seconds"].toDouble() > 0, qPrintable(j.out));
        // The table shows them too.
        const Outcome t = dais({"runs", "list", "--store", path});
        const QString line = t.out.split('\n', Qt::SkipEmptyParts).value(1);
        QVERIFY2(line.contains("interrupted") && !line.contains(" 0.000 s"), qPrintable(t.out));
    }

    void annotateAndDelete() {
        // A store of its own, so the other tests keep their two runs.
        const QString s = tmp_.filePath("deleting.sqlite");
        const QString f = scenario("single-link-queue.dais.json");
        for (int i = 0; i < 2; ++i)
            QCOMPARE(dais({"run", f, "--until", "1s", "--store", s, "--no-progress"}).code, kOk);
        const Outcome a = dais({"runs", "annotate", "1", "a", "first", "try", "--store", s});
        QCOMPARE(a.code, kOk);
        QCOMPARE(a.out, "annotated run 1\n");
        QVERIFY(dais({"runs", "show", "1", "--store", s}).out.contains("a first try"));

        // One unknown id: nothing is deleted.
        const Outcome bad = dais({"runs", "delete", "1", "7", "--store", s});
        QCOMPARE(bad.code, kBadInput);
        QCOMPARE(bad.err, "dais: " + s + ": no run 7\n");
        QCOMPARE(dais({"runs", "list", "--json", "--store", s}).out.count("\"id\""), 2);

        const Outcome d = dais({"runs", "delete", "1", "--store", s});
        QCOMPARE(d.code, kOk);
        QCOMPARE(d.out, "deleted run 1\n");
        QCOMPARE(dais({"runs", "show", "1", "--store", s}).code, kBadInput);
        QCOMPARE(dais({"runs", "list", "--json", "--store", s}).out.count("\"id\""), 1);
    }

    void badArguments_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no subcommand") << QStringList{"runs"} << kUsage << "";
        QTest::newRow("unknown subcommand")
            << QStringList{"runs", "fly"} << kUsage << "runs: unknown command \"fly\"";
        QTest::newRow("unknown option")
            << QStringList{"runs", "list", "--fast"} << kUsage << "unknown option --fast";
        QTest::newRow("show without id") << QStringList{"runs", "show"} << kUsage << "which run?";
        QTest::newRow("bad id") << QStringList{"runs", "show", "one"} << kUsage
                                << "expected a run id (a whole number from 1), got \"one\"";
        QTest::newRow("id 0") << QStringList{"runs", "delete", "0"} << kUsage
                              << "expected a run id";
        QTest::newRow("diff of one")
            << QStringList{"runs", "diff", "1"} << kUsage << "which two runs?";
        QTest::newRow("bad format") << QStringList{"runs", "export", "1", "--format", "xml"}
                                    << kUsage << "--format: expected csv or json, got \"xml\"";
        QTest::newRow("bad status") << QStringList{"runs", "list", "--status", "done"} << kUsage
                                    << "--status: expected running, completed";
        QTest::newRow("bad limit") << QStringList{"runs", "list", "--limit", "0"} << kUsage
                                   << "--limit: expected a whole number from 1";
        QTest::newRow("option of another subcommand")
            << QStringList{"runs", "show", "1", "--format", "csv"} << kUsage
            << "--format does not apply here";
        QTest::newRow("empty note")
            << QStringList{"runs", "annotate", "1", " "} << kUsage << "the note is empty";
        QTest::newRow("missing option value")
            << QStringList{"runs", "list", "--store"} << kUsage << "option --store needs a value";
        QTest::newRow("unknown run (show)")
            << QStringList{"runs", "show", "99"} << kBadInput << ": no run 99";
        QTest::newRow("unknown run (diff)")
            << QStringList{"runs", "diff", "1", "99"} << kBadInput << ": no run 99";
        QTest::newRow("unknown run (export)")
            << QStringList{"runs", "export", "99"} << kBadInput << ": no run 99";
        QTest::newRow("unknown run (annotate)")
            << QStringList{"runs", "annotate", "99", "x"} << kBadInput << ": no run 99";
    }
    void badArguments() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const QByteArray before = readAll(store_);
        if (!args.contains("--store") && args.size() > 1) args << "--store" << store_;
        const Outcome o = dais(args);
        QCOMPARE(o.code, code);
        QVERIFY2(o.err.contains(message), qPrintable(o.err));
        QVERIFY(o.err.isEmpty() || o.err.startsWith("dais: "));
        QCOMPARE(readAll(store_), before);
    }

    void exportNeverOverwritesOnError() {
        const QString file = tmp_.filePath("keep.csv");
        writeAll(file, "precious\n");
        QCOMPARE(dais(withStore({"runs", "export", "1", "99", "--output", file})).code, kBadInput);
        QCOMPARE(readAll(file), QByteArray("precious\n"));
        const Outcome self = dais(withStore({"runs", "export", "1", "--output", store_}));
        QCOMPARE(self.code, kUsage);
        QVERIFY2(self.err.contains("is the run store itself"), qPrintable(self.err));
    }

    void badStores_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "missing"
                                 << "no such file";
        QTest::newRow("folder") << "folder"
                                << "is a folder, not a run store file";
        QTest::newRow("text file") << "text file"
                                   << "not a SQLite database, so not a DAIS run store";
        QTest::newRow("foreign SQLite")
            << "foreign SQLite"
            << "a SQLite database of another application (application id 0x0badf00d)";
        QTest::newRow("newer store") << "newer store"
                                     << "written by a newer DAIS: schema 99, "
                                        "this build reads up to";
        QTest::newRow("damaged") << "damaged"
                                 << "the run store is damaged";
    }
    void badStores() {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        const QString path = tmp_.filePath("bad-" + QString(kind).replace(' ', '-') + ".sqlite");
        QByteArray bytes = readAll(store_);
        QVERIFY(bytes.size() >= 8 * 4096);
        if (kind == "folder") {
            QVERIFY(QDir().mkpath(path));
        } else if (kind == "text file") {
            writeAll(path, "this is not a database\n");
        } else if (kind == "foreign SQLite") {
            setHeaderField(bytes, 68, 0x0badf00d);  // application_id
            writeAll(path, bytes);
        } else if (kind == "newer store") {
            setHeaderField(bytes, 60, 99);  // user_version
            writeAll(path, bytes);
        } else if (kind == "damaged") {
            for (int i = 4096; i < 8 * 4096; ++i)
                bytes[i] = static_cast<char>(i * 13);
            writeAll(path, bytes);
        }
        const QByteArray before = readAll(path);
        const QStringList commands[] = {
            {"runs", "list"},
            {"runs", "show", "1"},
            {"runs", "diff", "1", "2"},
            {"runs", "export", "1"},
            {"runs", "annotate", "1", "note"},
            {"runs", "delete", "1"},
            {"run", scenario("single-link-queue.dais.json"), "--until", "1s", "--no-progress"},
        };
        for (QStringList args : commands) {
            if (kind == "missing" && args[0] == "run") continue;  // dais run creates a store
            args << "--store" << path;
            const Outcome o = dais(args);
            const QString what = args.join(' ') + ": " + o.err;
            QVERIFY2(o.code == kBadInput, qPrintable(what));
            QVERIFY2(o.err.startsWith("dais: " + path + ": "), qPrintable(what));
            QVERIFY2(o.err.contains(message), qPrintable(what));
            QVERIFY2(o.out.isEmpty(), qPrintable(what));
            QCOMPARE(QFileInfo::exists(path), kind != "missing");
            if (kind != "folder") QCOMPARE(readAll(path), before);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliRuns)
#include "tst_cli_runs.moc"
