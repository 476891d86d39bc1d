// A scenario's memory, as ScenarioRun::prepare holds it to the limit: the limit read from
// DAIS_MEMORY_LIMIT, the machine or its control group; scenarios refused before anything is
// allocated, naming the value to change; layers' own estimates; what the estimate leaves as the
// run's budget; and running out of memory reported with where it happened, never thrown. Big
// scenarios here are only estimated: no test allocates more than a few megabytes.
#include <QtTest>

#include <filesystem>
#include <new>
#include <string>

#include "dais/core/layer_registry.h"
#include "dais/core/memory_estimate.h"
#include "dais/core/memory_limit.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"

using namespace dais;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

core::MemoryLimit limitOf(std::uint64_t bytes) {
    return {bytes, "allowed by DAIS_MEMORY_LIMIT"};
}

/// Holds `holds` bytes by its own estimate, and runs out of memory where `fail` says: in its
/// set-up ("setup") or in its first event, at 1 s ("event").
class HoarderLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "hoarder";
        d.name = "Hoarder";
        d.version = "1.0.0";
        d.summary = "Says it holds memory, and runs out of it on demand; for tests.";
        d.params = {
            {"holds", core::ParamType::Size, 1000, 0.0, 1e18, "B", "Bytes it says it holds.", {}},
            {"fail",
             core::ParamType::Choice,
             "never",
             {},
             {},
             "",
             "Where it runs out of memory.",
             {"never", "setup", "event"}},
        };
        return {d, [] { return std::unique_ptr<core::Layer>(new HoarderLayer()); }};
    }
    void estimateMemory(core::LayerEstimateContext& ctx) const override {
        ctx.need("holds",
                 "what the hoarder keeps for " + std::to_string(ctx.nodeCount()) + " nodes",
                 static_cast<double>(ctx.params().bytes("holds")));
    }
    void setup(core::LayerContext& ctx) override {
        const std::string fail = ctx.params().text("fail");
        if (fail == "setup") throw std::bad_alloc();
        if (fail == "event")
            ctx.simulation().scheduleIn(
                sim::kSecond, 0,
                ctx.simulation().registerKind<&HoarderLayer::onEvent>("hoarder.grab", *this));
    }

  private:
    void onEvent(sim::Simulation&, const sim::Event&) { throw std::bad_alloc(); }
};

std::string twoNodes(const std::string& layers) {
    return R"({"format": "dais-scenario", "version": 1, "network": {
                 "nodes": [{"id": "a"}, {"id": "b"}],
                 "links": [{"from": "a", "to": "b", "latency": "1ms", "bandwidth": "1Gbps"}]},
               "layers": )" +
           layers + R"(, "run": {"until": "10s"}})";
}

/// Four groups of ten million phones, each attached to a gateway.
std::string fourGroups() {
    std::string groups;
    for (int g = 0; g < 4; ++g)
        groups += std::string(g ? ", " : "") + R"({"id": "phones)" + std::to_string(g) +
                  R"(", "count": 10000000, "role": "phone", "attach": "gw"})";
    return R"({"format": "dais-scenario", "version": 1, "network": {
                 "nodes": [{"id": "gw"}], "groups": [)" +
           groups + R"(]}, "run": {"until": "10s"}})";
}

}  // namespace

class TestMemoryLimits : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    core::Result<std::unique_ptr<core::ScenarioRun>> prepare(
        const std::string& text, std::optional<core::MemoryLimit> limit = limitOf(kGiB)) {
        auto s = core::loadScenarioText(text, "m.dais.json", {}, &registry_);
        if (!s) qFatal("%s", s.error().message.c_str());
        core::RunOptions o;
        o.memoryLimit = limit;
        return core::ScenarioRun::prepare(*s, o);
    }
    QString refusalOf(const std::string& text, std::uint64_t limit) {
        auto run = prepare(text, limitOf(limit));
        return run ? QString("(prepared)") : QString::fromStdString(run.error().message);
    }

  private slots:
    void initTestCase() { QVERIFY(registry_.add(HoarderLayer::factory()).ok()); }

    void limitComesFromTheVariableOrTheMachine_data() {
        QTest::addColumn<QString>("variable");  // "-": unset
        QTest::addColumn<QString>("meminfo");
        QTest::addColumn<qint64>("cgroup");  // -1: no limit
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("source");  // or the error
        const QString meminfo =
            "MemTotal:       24683748 kB\nMemFree:  1000 kB\n"
            "MemAvailable:   21628116 kB\n";
        QTest::newRow("bytes") << "2000000000" << meminfo << qint64(-1) << qint64(2000000000)
                               << "allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("with a unit") << " 512MiB " << meminfo << qint64(-1)
                                     << qint64(512 * 1024 * 1024) << "allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("above the machine")
            << "1TB" << meminfo << qint64(1000) << qint64(1000000000000)
            << "allowed by DAIS_MEMORY_LIMIT";
        QTest::newRow("not a size")
            << "lots" << meminfo << qint64(-1) << qint64(0)
            << "DAIS_MEMORY_LIMIT: expected a number of bytes or a size such as 512MiB, got "
               "\"lots\"";
        QTest::newRow("zero") << "0" << meminfo << qint64(-1) << qint64(0)
                              << "DAIS_MEMORY_LIMIT: expected a number of bytes or a size such as "
                                 "512MiB, got \"0\"";
        QTest::newRow("available") << "-" << meminfo << qint64(-1) << qint64(21628116) * 1024
                                   << "of memory available on this machine";
        QTest::newRow("total only")
            << "-"
            << "MemTotal: 1000 kB\n"
            << qint64(-1) << qint64(1024000) << "of memory this machine has";
        QTest::newRow("control group") << "-" << meminfo << qint64(4 * kGiB) << qint64(4 * kGiB)
                                       << "left to this process's control group";
    }
    void limitComesFromTheVariableOrTheMachine() {
        QFETCH(QString, variable);
        QFETCH(QString, meminfo);
        QFETCH(qint64, cgroup);
        QFETCH(qint64, bytes);
        QFETCH(QString, source);
        const QByteArray v = variable.toUtf8();
        const auto limit = core::memoryLimitFrom(
            variable == "-" ? nullptr : v.constData(), meminfo.toStdString(),
            cgroup < 0 ? std::nullopt : std::optional<std::uint64_t>(std::uint64_t(cgroup)));
        if (bytes == 0) {
            QVERIFY(!limit);
            QCOMPARE(QString::fromStdString(limit.error().message), source);
            return;
        }
        QVERIFY(limit.ok());
        QCOMPARE(qint64(limit->bytes), bytes);
        QCOMPARE(QString::fromStdString(limit->source), source);
    }

    // The machine's own limit is read, and is something.
    void currentLimitIsRead() {
        const auto limit = core::currentMemoryLimit();
        QVERIFY(limit.ok());
        QVERIFY(limit->bytes > 0);
    }

    // Refused in the time it takes to add up numbers: nothing of the network is built.
    void fourGroupsOfTenMillionNodesRefused() {
        QCOMPARE(refusalOf(fourGroups(), kGiB),
                 QString("m.dais.json: /network/groups/0/count: about 6.9 GiB for 40,000,001 "
                         "nodes and 40,000,000 links, more than the 1 GiB allowed by "
                         "DAIS_MEMORY_LIMIT"));
    }

    void waxmanHugeBetaRefused() {
        const std::string waxman = R"({"format": "dais-scenario", "version": 1, "network": {
            "regions": [{"id": "r", "center": [0, 0], "radius": 1000}],
            "groups": [{"id": "peers", "count": 100000, "role": "peer", "region": "r"}],
            "topologies": [{"generator": "waxman", "members": ["peers"], "alpha": 1,
                            "beta": 1000000}]}, "run": {"until": "1s"}})";
        QCOMPARE(refusalOf(waxman, 64 * kGiB),
                 QString("m.dais.json: /network/topologies/0/beta: about 671 GiB for about "
                         "5,000,000,000 links expected from the waxman topology over 100,000 "
                         "nodes (alpha 1, beta 1e+06), more than the 64 GiB allowed by "
                         "DAIS_MEMORY_LIMIT"));
    }

    // A layer says what it will hold; the largest need is named, with the whole run when the
    // rest matters.
    void layerEstimateNamesItsParameter() {
        QCOMPARE(refusalOf(twoNodes(R"({"hoarder": {"holds": "3GiB"}})"), 2 * kGiB),
                 QString("m.dais.json: /layers/hoarder/holds: about 3 GiB for what the hoarder "
                         "keeps for 2 nodes, more than the 2 GiB allowed by DAIS_MEMORY_LIMIT"));
        QCOMPARE(refusalOf(fourGroups().insert(fourGroups().size() - 1,
                                               R"(, "layers": {"hoarder": {"holds": "2GiB"}})"),
                           7 * kGiB),
                 QString("m.dais.json: /network/groups/0/count: about 6.9 GiB for 40,000,001 "
                         "nodes and 40,000,000 links, about 8.9 GiB for the whole run, more than "
                         "the 7 GiB allowed by DAIS_MEMORY_LIMIT"));
        // A disabled layer holds nothing.
        QCOMPARE(
            refusalOf(twoNodes(R"({"hoarder": {"holds": "3GiB", "enabled": false}})"), 2 * kGiB),
            QString("(prepared)"));
    }

    // What the estimate leaves of the limit is what may grow while the run goes.
    void budgetIsWhatTheEstimateLeaves() {
        auto run = prepare(twoNodes(R"({"hoarder": {"holds": "100MiB"}})"), limitOf(kGiB));
        QVERIFY(run.ok());
        const double fixed = (*run)->memoryEstimate().total();
        QVERIFY(fixed >= 100.0 * kMiB && fixed < 101.0 * kMiB);
        QCOMPARE(double((*run)->simulation().memoryBudget()), std::floor(double(kGiB) - fixed));
        QCOMPARE((*run)->memoryLimit().source, std::string("allowed by DAIS_MEMORY_LIMIT"));
    }

    void outOfMemoryIsReportedWhereItHappened() {
        auto setup = prepare(twoNodes(R"({"hoarder": {"fail": "setup"}})"));
        QVERIFY(!setup);
        QCOMPARE(QString::fromStdString(setup.error().message),
                 QString("m.dais.json: out of memory while setting up layer \"hoarder\""));
        auto run = prepare(twoNodes(R"({"hoarder": {"fail": "event"}})"));
        QVERIFY(run.ok());
        const core::RunReport report = (*run)->run();
        QCOMPARE(report.status, core::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(report.error),
                 QString("the run failed: m.dais.json: out of memory while running at t=1.000 s"));
    }

    // Every bundled scenario fits this machine, and in a modest limit too.
    void bundledScenariosAreNotRefused() {
        const auto dir = std::filesystem::path(DAIS_SOURCE_DIR) / "scenarios";
        int seen = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            const std::string path = entry.path().string();
            if (!path.ends_with(".dais.json")) continue;
            ++seen;
            auto scenario = core::loadScenarioFile(path);
            QVERIFY2(scenario.ok(), path.c_str());
            auto machine = core::ScenarioRun::prepare(*scenario);
            QVERIFY2(machine.ok(), machine ? path.c_str() : machine.error().message.c_str());
            core::RunOptions modest;
            modest.memoryLimit = limitOf(kGiB);
            auto run = core::ScenarioRun::prepare(*scenario, modest);
            QVERIFY2(run.ok(), run ? path.c_str() : run.error().message.c_str());
            QVERIFY((*run)->memoryEstimate().total() < 512.0 * kMiB);
        }
        QVERIFY(seen >= 8);
    }
};

QTEST_APPLESS_MAIN(TestMemoryLimits)
#include "tst_memory_limits.moc"
