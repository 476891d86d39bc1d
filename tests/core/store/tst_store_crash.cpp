// Crash safety: a process recording a run is killed (SIGKILL) twenty times at random moments.
// Each time the store must pass SQLite's integrity check, the run must read as interrupted, and
// the samples lost must all have been queued within one commit interval of the kill.
#include <QtTest>

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <signal.h>
#include <sqlite3.h>

#include <map>

#include "dais/store/run_store.h"

using namespace dais;

namespace {

constexpr int kCommitMs = 250;
// The writer thread needs the CPU to wake up and commit; on a loaded machine that can take a
// while after the interval has elapsed. Half an interval covers the waits seen under a full
// parallel build, and a lost commit would show up as a whole interval or more.
constexpr int kSchedulingSlackMs = kCommitMs / 2;

QString integrityCheck(const QString& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return "cannot open";
    }
    sqlite3_stmt* s = nullptr;
    QString result = "no result";
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        result = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return result;
}

}  // namespace

class TestStoreCrash : public QObject {
    Q_OBJECT

  private slots:
    void killedWriterLosesAtMostOneCommitInterval() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("runs.sqlite");
        QRandomGenerator rng(20240611);
        for (int round = 0; round < 20; ++round) {
            // Kill when the writer has queued a random number of samples (one per ms).
            const int killAfter = rng.bounded(30, 700);
            QProcess writer;
            writer.start(STORE_WRITER_EXE, {path, "record", QString::number(kCommitMs)});
            QVERIFY2(writer.waitForStarted(), qPrintable(writer.errorString()));

            QByteArray out;
            qint64 runId = -1;
            std::map<qint64, qint64> queuedAtUs;  // sample index -> when it was queued
            qint64 last = -1;
            auto parse = [&] {
                out += writer.readAllStandardOutput();
                qsizetype nl;
                while ((nl = out.indexOf('\n')) >= 0) {
                    const QList<QByteArray> f = out.left(nl).split(' ');
                    out.remove(0, nl + 1);
                    if (f.size() == 2 && f[0] == "run") {
                        runId = f[1].toLongLong();
                    } else if (f.size() == 2) {
                        last = f[0].toLongLong();
                        queuedAtUs[last] = f[1].toLongLong();
                    }
                }
            };
            while (last < killAfter) {
                if (!writer.waitForReadyRead(30'000))
                    QFAIL(qPrintable("the writer stopped: " + writer.readAllStandardError()));
                parse();
            }
            ::kill(static_cast<pid_t>(writer.processId()), SIGKILL);
            QVERIFY(writer.waitForFinished(30'000));
            parse();  // whatever it printed before it died
            QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
            QVERIFY(runId > 0);

            QCOMPARE(integrityCheck(path), QString("ok"));

            // Read-only, the run already reads as interrupted; opening for writing marks it.
            {
                auto ro = store::RunStore::open(path.toStdString(),
                                                {.mode = store::StoreOptions::Mode::ReadOnly});
                QVERIFY2(ro.ok(), ro.ok() ? "" : ro.error().message.c_str());
                auto r = (*ro)->run(runId);
                QVERIFY(r.ok());
                QCOMPARE(r->status, store::RunStatus::Interrupted);
            }
            auto rw = store::RunStore::open(path.toStdString());
            QVERIFY2(rw.ok(), rw.ok() ? "" : rw.error().message.c_str());
            QCOMPARE((*rw)->interruptedAtOpen(), std::size_t{1});
            auto r = (*rw)->run(runId);
            QVERIFY(r.ok());
            QCOMPARE(r->status, store::RunStatus::Interrupted);

            // Every metric has the same number of samples: a sample is stored whole or not.
            auto m0 = (*rw)->samples(runId, "m0");
            auto m9 = (*rw)->samples(runId, "m9");
            QVERIFY(m0.ok() && m9.ok());
            QCOMPARE(m0->size(), m9->size());
            const qint64 stored = static_cast<qint64>(m0->size());
            for (qint64 k = 0; k < stored; ++k)
                QCOMPARE((*m0)[static_cast<std::size_t>(k)].time, k * 1'000'000);

            // The first lost sample was queued within one commit interval of the last one the
            // writer reported (which is no later than the kill).
            if (stored <= last) {
                const qint64 lagMs = (queuedAtUs[last] - queuedAtUs[stored]) / 1000;
                QVERIFY2(lagMs <= kCommitMs + kSchedulingSlackMs,
                         qPrintable(QString("round %1: samples %2..%3 lost, queued over %4 ms")
                                        .arg(round)
                                        .arg(stored)
                                        .arg(last)
                                        .arg(lagMs)));
            }
            const qint64 lostOverMs =
                stored <= last ? (queuedAtUs[last] - queuedAtUs[stored]) / 1000 : 0;
            qInfo(
                "round %d: killed after sample %lld, %lld stored, the lost ones queued over %lld "
                "ms",
                round, static_cast<long long>(last), static_cast<long long>(stored),
                static_cast<long long>(lostOverMs));
        }
    }
};

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_store_crash.moc"
