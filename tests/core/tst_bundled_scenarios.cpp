// Every scenario shipped in scenarios/: valid, teaching, reproducible to the bit (golden
// fingerprints), identical under both event queues, and different under another seed.
#include <QtTest>

#include <filesystem>
#include <string>
#include <vector>

#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"

using namespace dais;

Q_DECLARE_METATYPE(dais::sim::QueueKind)

namespace {

struct Golden {
    const char* file;
    const char* fingerprint;
    std::uint64_t events;
};

// The reference runs (seed from the file). A change here means every stored run of these
// scenarios would reproduce differently: update only for a deliberate change of the model.
const Golden kGolden[] = {
    {"bitcoin.dais.json", "33fb7502b6beadbb", 7077568},
    {"chain-split.dais.json", "0ef0b84e3056c741", 47687},
    {"cheaters.dais.json", "577a2dd40c99310d", 171865},
    {"consortium.dais.json", "77e4ddca242770e9", 121082},
    {"continental-edge-cloud.dais.json", "d3037eca1044e04c", 158625},
    {"edge-vs-cloud.dais.json", "be4dfe5bd1e238fa", 143601},
    {"encrypted-inference.dais.json", "352f4e4cab903eee", 2264},
    {"ethereum-pos.dais.json", "e480776033063df1", 4166422},
    {"fedprox.dais.json", "99eb53d0e2c83436", 2301},
    {"gossip-epidemic.dais.json", "fb548d4ae54079ac", 2587499},
    {"gpu-market.dais.json", "37bb46ef1929d9d5", 924933},
    {"hospitals.dais.json", "f9094870abf98e35", 1240},
    {"phones.dais.json", "feb7fddd0ecb35fa", 23735},
    {"poisoning.dais.json", "5880b7e3ab93482d", 1830},
    {"poisoning-traced.dais.json", "4aacf1324092b818", 239900},
    {"regional-outage-10k.dais.json", "bf0e50863a4d871b", 443951},
    {"secure-hospitals.dais.json", "526c237257ebf38b", 10350},
    {"single-link-queue.dais.json", "6baeb5e1a8c5b99a", 192322},
    {"smpc-banks.dais.json", "163df545884a2e23", 6531},
    {"verified-inference.dais.json", "80044276d921b32a", 14403},
};

std::string scenarioPath(const char* file) {
    return std::string(DAIS_SOURCE_DIR) + "/scenarios/" + file;
}

core::RunReport runScenario(const char* file, sim::QueueKind queue,
                            std::optional<std::uint64_t> seed = std::nullopt) {
    auto scenario = core::loadScenarioFile(scenarioPath(file));
    if (!scenario) qFatal("%s", scenario.error().message.c_str());
    core::RunOptions options;
    options.queue = queue;
    options.seed = seed;
    auto run = core::ScenarioRun::prepare(*scenario, options);
    if (!run) qFatal("%s", run.error().message.c_str());
    return (*run)->run();
}

void compareMetrics(const core::RunReport& a, const core::RunReport& b) {
    QCOMPARE(a.metrics.size(), b.metrics.size());
    for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        const auto& x = a.metrics[i];
        const auto& y = b.metrics[i];
        QCOMPARE(x.name, y.name);
        // Bit-identical, not approximately equal: the runs executed the same events.
        QCOMPARE(x.value, y.value);
        QCOMPARE(x.count, y.count);
        QCOMPARE(x.p50, y.p50);
        QCOMPARE(x.p99, y.p99);
        QCOMPARE(x.max, y.max);
    }
}

}  // namespace

class TestBundledScenarios : public QObject {
    Q_OBJECT
  private slots:
    void everyBundledScenarioHasAGolden() {
        std::vector<std::string> files;
        for (const auto& e :
             std::filesystem::directory_iterator(std::string(DAIS_SOURCE_DIR) + "/scenarios"))
            if (e.path().string().ends_with(".dais.json"))
                files.push_back(e.path().filename().string());
        QVERIFY(files.size() >= 3);
        for (const std::string& f : files) {
            bool found = false;
            for (const Golden& g : kGolden)
                found = found || f == g.file;
            QVERIFY2(found, ("no golden fingerprint for scenarios/" + f).c_str());
        }
    }

    void teachesSomething_data() {
        QTest::addColumn<QString>("file");
        for (const Golden& g : kGolden)
            QTest::newRow(g.file) << QString(g.file);
    }
    void teachesSomething() {
        QFETCH(QString, file);
        auto s = core::loadScenarioFile(scenarioPath(file.toUtf8().constData()));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QVERIFY(!s->meta.name.empty());
        // A description that explains the model and says what to look for.
        QVERIFY(s->meta.description.size() > 400);
        QVERIFY(s->meta.description.find("What to look for") != std::string::npos);
        QVERIFY(s->run.until != sim::kTimeNever);
    }

    void goldenFingerprint_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fingerprint");
        QTest::addColumn<quint64>("events");
        QTest::addColumn<sim::QueueKind>("queue");
        for (const Golden& g : kGolden) {
            QTest::addRow("%s heap", g.file) << QString(g.file) << QString(g.fingerprint)
                                             << quint64(g.events) << sim::QueueKind::Heap;
            QTest::addRow("%s ladder", g.file) << QString(g.file) << QString(g.fingerprint)
                                               << quint64(g.events) << sim::QueueKind::Ladder;
        }
    }
    void goldenFingerprint() {
        QFETCH(QString, file);
        QFETCH(QString, fingerprint);
        QFETCH(quint64, events);
        QFETCH(sim::QueueKind, queue);
        const std::string f = file.toStdString();
        const core::RunReport a = runScenario(f.c_str(), queue);
        QCOMPARE(QString::fromStdString(a.fingerprint), fingerprint);
        QCOMPARE(quint64(a.events), events);
        // A run ends at its horizon, or earlier when its layers have nothing left to do.
        QVERIFY(a.stopReason == sim::StopReason::Horizon ||
                a.stopReason == sim::StopReason::QueueEmpty);
        QCOMPARE(a.status, core::RunStatus::Completed);
        // Run again: the same everything.
        const core::RunReport b = runScenario(f.c_str(), queue);
        QCOMPARE(b.fingerprint, a.fingerprint);
        compareMetrics(a, b);
        // Another seed: another run.
        const core::RunReport c = runScenario(f.c_str(), queue, a.seed + 1);
        QVERIFY(c.fingerprint != a.fingerprint);
        QVERIFY(c.metric("net.latency")->mean != a.metric("net.latency")->mean);
    }
};

QTEST_APPLESS_MAIN(TestBundledScenarios)
#include "tst_bundled_scenarios.moc"
