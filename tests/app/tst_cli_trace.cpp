// dais runs trace: a poisoned federation recorded on a ledger, traced from the stored run's
// ledger records back to the clients that sent the poisoned updates. The names must be the
// attackers the federated layer chose (its clients table) and nobody else, and every digest the
// trace gives must be one of the poisoned updates the run's events recorded.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>

#include "cli_process.h"

namespace {

using cli_test::dais;
using cli_test::jsonOf;
using cli_test::Outcome;
using cli_test::scenario;
using cli_test::storedRun;

constexpr int kOk = 0, kUsage = 2, kBadInput = 3;
}  // namespace

class TestCliTrace : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString store_, run_;

    Outcome trace(const QStringList& more) {
        return dais(QStringList{"runs", "trace", run_, "--store", store_} + more);
    }

  private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        store_ = tmp_.filePath("runs.sqlite");
        const Outcome o = dais({"run", scenario("poisoning-traced.dais.json"), "--store", store_,
                                "--events", "update_poisoned"});
        QVERIFY2(o.code == kOk, qPrintable(o.err));
        run_ = storedRun(o);
    }

    void namesTheAttackersAndNobodyElse() {
        QSet<QString> attackers;
        {
            const Outcome t = dais({"runs", "show", run_, "--store", store_, "--table",
                                    "federated.clients", "--rows", "all", "--json"});
            QCOMPARE(t.code, kOk);
            for (const auto& row : jsonOf(t)["data"].toArray())
                if (row.toObject()["attacker"].toBool())
                    attackers.insert(row.toObject()["node"].toString());
        }
        QCOMPARE(attackers.size(), 4);

        QSet<QString> poisoned;  // digests of the updates the attackers sent
        {
            const Outcome e = dais({"runs", "show", run_, "--store", store_, "--events", "--kind",
                                    "update_poisoned", "--rows", "all", "--json"});
            QCOMPARE(e.code, kOk);
            for (const auto& ev : jsonOf(e)["events"].toArray())
                poisoned.insert(ev.toObject()["digest"].toString());
        }
        // Four attackers from round 10 until the vote bans them (about round 27).
        QVERIFY2(poisoned.size() >= 4 * 10, qPrintable(QString::number(poisoned.size())));

        const Outcome o = trace({"--json"});
        QVERIFY2(o.code == kOk, qPrintable(o.err));
        const QJsonObject j = jsonOf(o);
        QCOMPARE(j["rounds"].toInt(), 50);
        const QJsonArray anomalies = j["anomalies"].toArray();
        QVERIFY(!anomalies.isEmpty());
        // The decline starts at the first attacked round, from the honest peak before it.
        QCOMPARE(anomalies.first().toObject()["round"].toInt(), 10);
        QVERIFY(anomalies.first().toObject()["peak_round"].toInt() < 10);
        QSet<QString> named;
        for (const auto& c : j["culprits"].toArray()) {
            const QJsonObject s = c.toObject();
            named.insert(s["node"].toString());
            const QJsonArray updates = s["updates"].toArray();
            QCOMPARE(updates.size(), s["rounds"].toArray().size());
            for (const auto& d : updates)
                QVERIFY2(poisoned.contains(d.toString()), qPrintable(d.toString()));
            QVERIFY(s["evidence"].toString().contains("times the median update's size"));
        }
        QCOMPARE(named, attackers);

        const Outcome text = trace({});
        QCOMPARE(text.code, kOk);
        QVERIFY2(text.out.contains("below the peak of round"), qPrintable(text.out));
        for (const QString& a : attackers)
            QVERIFY(text.out.contains(a));
    }

    /// A round named by hand: before the attack, nobody is named, and the trace says why.
    void anHonestRoundNamesNobody() {
        const QJsonObject j = jsonOf(trace({"--round", "3", "--json"}));
        QCOMPARE(j["anomalies"].toArray().size(), 1);
        QVERIFY(j["anomalies"].toArray().first().toObject()["named"].toBool());
        QVERIFY(j["culprits"].toArray().isEmpty());
        QVERIFY(!j["notes"].toArray().isEmpty());
    }

    void badArgumentsSayWhatIsWrong() {
        Outcome o = trace({"--round", "3,x"});
        QCOMPARE(o.code, kUsage);
        QVERIFY2(o.err.contains("--round") && o.err.contains("3,x"), qPrintable(o.err));
        o = trace({"--drop", "5"});
        QCOMPARE(o.code, kUsage);
        QVERIFY2(o.err.contains("--drop") && o.err.contains("between 0 and 1"), qPrintable(o.err));
        o = trace({"--table", "ledger.records"});
        QCOMPARE(o.code, kUsage);
        o = dais({"runs", "trace", "--store", store_});
        QCOMPARE(o.code, kUsage);
        // A run without a ledger has nothing to trace over.
        const Outcome plain = dais({"run", scenario("poisoning.dais.json"), "--store", store_,
                                    "--set", "layers.federated.rounds=1"});
        QCOMPARE(plain.code, kOk);
        o = dais({"runs", "trace", storedRun(plain), "--store", store_});
        QCOMPARE(o.code, kBadInput);
        QVERIFY2(o.err.contains("ledger.records"), qPrintable(o.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTrace)
#include "tst_cli_trace.moc"
