// Inspectors: a layer's tables of its entities. The writer (typed cells, counts, empty cells,
// a layer's mistakes), the declaration and its checks, a run's tables (ScenarioRun::inspect and
// the final tables of its report) and the runner (only watched tables are filled, a table not
// filled again is the same pointer, the final snapshot carries them).
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

#include "dais/core/layer_definition.h"
#include "dais/core/runner.h"
#include "dais/core/scenario.h"
#include "test_layers.h"

using namespace dais;

namespace {

/// A layer with two tables: "probe.items" (one row per item, a cell of every type, weights that
/// follow the ticks) and "probe.tree" (a tree of three rows). Counts its fills; `broken` makes it
/// fill its items table wrongly, to check that the run fails naming the table.
class ProbeLayer final : public core::Layer {
  public:
    static inline std::atomic<int> itemFills{0}, treeFills{0};

    struct Config {
        std::int64_t items = 0, ticks = 0;
        std::string broken;
    };
    struct Metrics {
        sim::MetricId ticks;
    };
    using Definition = core::LayerDefinition<Config, Metrics>;

    static const Definition& definition() {
        static const Definition definitionOnce = [] {
            Definition d("probe", "Probe", "1.0.0");
            d.summary("Publishes two tables; for tests.");
            d.integer("items", &Config::items, 3, "items", "Rows of probe.items.").range(0, 1e7);
            d.integer("ticks", &Config::ticks, 10, "ticks", "Ticks, one a second.").range(0, 1e6);
            d.text("broken", &Config::broken, "", "",
                   "How to fill probe.items wrongly: wrong_type, short_row, long_row, empty_key, "
                   "throw.");
            d.counter("probe.ticks", &Metrics::ticks, "ticks", "Ticks so far.");
            d.table("probe.items", "Items", "One row per item.")
                .integer("item", "", "Its number.")
                .node("node", "Where it is.")
                .real("weight", "kg", "The ticks so far, halved (empty for item 0).")
                .text("label", "A label.")
                .time("at", "The time it was filled.")
                .bytes("size", "A size.")
                .flag("odd", "Its number is odd.");
            d.table("probe.tree", "Tree", "A root and two children.")
                .text("id", "The row's id.")
                .text("parent", "Its parent's id.")
                .integer("depth", "", "How deep it is.")
                .parent("parent");
            return d;
        }();
        return definitionOnce;
    }
    static core::LayerFactory factory() {
        return {definition().descriptor(),
                [] { return std::unique_ptr<core::Layer>(new ProbeLayer()); }};
    }

    void setup(core::LayerContext& ctx) override {
        cfg_ = definition().read(ctx.params());
        m_ = definition().defineMetrics(ctx);
        sim_ = &ctx.simulation();
        kind_ = sim_->registerKind<&ProbeLayer::onTick>("probe.tick", *this);
        if (cfg_.ticks > 0) sim_->scheduleIn(sim::kSecond, 0, kind_);
    }

    void inspect(std::string_view table, core::TableWriter& out) override {
        if (table == "probe.tree") {
            ++treeFills;
            out.row().text("root").none().integer(0);
            out.row().text("left").text("root").integer(1);
            out.row().text("right").text("root").integer(1);
            return;
        }
        ++itemFills;
        for (std::int64_t i = 0; i < cfg_.items; ++i) {
            auto row = out.row().integer(i).node(static_cast<std::uint32_t>(i % 2));
            if (i == 0)
                row.none();
            else
                row.real(static_cast<double>(ticks_) / 2);
            row.text("item " + std::to_string(i)).time(sim_->now()).bytes(1536).flag(i % 2 == 1);
        }
        const std::string& b = cfg_.broken;
        if (b == "wrong_type") out.row().integer(99).integer(1);
        if (b == "short_row") out.row().integer(99).node(0).real(1);
        if (b == "long_row")
            out.row().integer(99).node(0).real(1).text("x").time(0).bytes(0).flag(true).flag(true);
        if (b == "empty_key") out.row().none();
        if (b == "throw") throw std::runtime_error("the probe lost its items");
    }

  private:
    void onTick(sim::Simulation& sim, const sim::Event&) {
        sim.metrics().add(m_.ticks, 1);
        if (++ticks_ < cfg_.ticks) sim.scheduleIn(sim::kSecond, 0, kind_);
    }
    Config cfg_;
    Metrics m_{};
    sim::Simulation* sim_ = nullptr;
    sim::KindId kind_ = 0;
    std::int64_t ticks_ = 0;
};

/// A spec of one column per type (item is the key).
std::shared_ptr<const core::TableSpec> everyTypeSpec() {
    return std::make_shared<const core::TableSpec>(
        ProbeLayer::definition().descriptor().tables.front());
}

/// Collects the snapshots a runner sends, on its worker thread.
class SnapshotLog final : public core::RunnerListener {
  public:
    void onSnapshot(const std::shared_ptr<const core::RunnerSnapshot>& s) override {
        std::lock_guard lock(mutex);
        all.push_back(s);
    }
    std::vector<std::shared_ptr<const core::RunnerSnapshot>> copy() {
        std::lock_guard lock(mutex);
        return all;
    }
    std::mutex mutex;
    std::vector<std::shared_ptr<const core::RunnerSnapshot>> all;
};

const core::InspectorTable* tableIn(const core::RunnerSnapshot& s, std::string_view name) {
    for (const auto& t : s.tables)
        if (t->name() == name) return t.get();
    return nullptr;
}

}  // namespace

class TestInspector : public QObject {
    Q_OBJECT

    std::unique_ptr<core::LayerRegistry> registry_ = testing::testRegistry();

    core::Scenario load(const std::string& probe, const std::string& network = {}) {
        std::string text = testing::scenarioWithLayers(R"({"probe": )" + probe + "}",
                                                       R"({"seed": 1, "until": "60s"})");
        if (!network.empty()) {
            const auto from = text.find("\"network\"");
            const auto to = text.find("\"layers\"");
            text.replace(from, to - from, "\"network\": " + network + ",\n      ");
        }
        auto s = core::loadScenarioText(text, "probe.dais.json", {}, registry_.get());
        if (!s) qFatal("%s", s.error().message.c_str());
        return std::move(s).value();
    }
    std::unique_ptr<core::ScenarioRun> prepare(const std::string& probe,
                                               const core::RunOptions& options = {}) {
        auto r = core::ScenarioRun::prepare(load(probe), options);
        if (!r) qFatal("%s", r.error().message.c_str());
        return std::move(r).value();
    }

  private slots:
    void initTestCase() { QVERIFY(registry_->add(ProbeLayer::factory()).ok()); }

    // --- the writer -----------------------------------------------------------------------

    void writerKeepsEveryTypeAndEmptyCells() {
        core::InspectorTable t(everyTypeSpec(), 2 * sim::kSecond);
        core::TableWriter w(t);
        w.row()
            .integer(-1234567)
            .node(3)
            .real(0.25)
            .text("first")
            .time(1'500'000'000)
            .bytes(1536)
            .flag(true);
        w.row().integer(2).none().none().none().none().none().none();
        w.finish();
        QCOMPARE(t.rowCount(), std::size_t{2});
        QCOMPARE(t.columnCount(), std::size_t{7});
        QCOMPARE(t.filledAt(), 2 * sim::kSecond);
        QCOMPARE(t.integer(0, 0), std::int64_t{-1234567});
        QCOMPARE(t.text(0, 0), std::string("-1,234,567"));
        QCOMPARE(t.integer(0, 1), std::int64_t{3});
        QCOMPARE(t.text(0, 1), std::string("#3"));  // no node names: its index
        QCOMPARE(t.number(0, 2), 0.25);
        QCOMPARE(t.text(0, 2), std::string("0.25"));
        QCOMPARE(t.string(0, 3), std::string("first"));
        QCOMPARE(t.integer(0, 4), std::int64_t{1'500'000'000});
        QCOMPARE(t.number(0, 4), 1.5);  // seconds
        QCOMPARE(t.text(0, 4), std::string("1.5"));
        QCOMPARE(t.number(0, 5), 1536.0);
        QCOMPARE(t.text(0, 5), std::string("1.5 KiB"));
        QCOMPARE(t.text(0, 6), std::string("yes"));
        QCOMPARE(t.json(0, 6), nlohmann::json(true));
        QCOMPARE(t.json(0, 4), nlohmann::json(1.5));
        for (std::size_t c = 0; c < 7; ++c) {
            QVERIFY(!t.isEmpty(0, c));
            QCOMPARE(t.isEmpty(1, c), c != 0);
        }
        QVERIFY(std::isnan(t.number(1, 2)));
        QVERIFY(std::isnan(t.number(1, 1)));
        QCOMPARE(t.text(1, 3), std::string());
        QCOMPARE(t.json(1, 5), nlohmann::json(nullptr));
        QCOMPARE(t.integer(1, 4), std::int64_t{0});
    }

    void writerRefusesWhatTheSpecDoesNotSay_data() {
        QTest::addColumn<QString>("mistake");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong type") << "wrong type"
                                    << "table \"probe.items\", row 1, column \"node\": expected a "
                                       "node, got an integer";
        QTest::newRow("too few cells")
            << "too few"
            << "table \"probe.items\", row 1: 2 of its 7 cells were written (the next "
               "is \"weight\")";
        QTest::newRow("too many cells")
            << "too many"
            << "table \"probe.items\", row 1: more cells than its 7 columns";
        QTest::newRow("empty key")
            << "empty key"
            << "table \"probe.items\", row 1: the key column \"item\" cannot be empty";
        QTest::newRow("last row short")
            << "last short"
            << "table \"probe.items\", row 1: 1 of its 7 cells were written (the "
               "next is \"node\")";
    }
    void writerRefusesWhatTheSpecDoesNotSay() {
        QFETCH(QString, mistake);
        QFETCH(QString, message);
        core::InspectorTable t(everyTypeSpec());
        core::TableWriter w(t);
        QString got;
        try {
            if (mistake == "wrong type") w.row().integer(1).integer(2);
            if (mistake == "too few") w.row().integer(1).node(0), w.row();
            if (mistake == "too many")
                w.row().integer(1).node(0).real(0).text("").time(0).bytes(0).flag(false).flag(true);
            if (mistake == "empty key") w.row().none();
            if (mistake == "last short") w.row().integer(1), w.finish();
        } catch (const core::LayerError& e) {
            got = e.what();
        }
        QCOMPARE(got, message);
    }

    void aHundredThousandRows() {
        // A table as big as a layer's may get. The time it takes is printed for people (the
        // bar: well under 50 ms), not asserted: timing belongs to benchmarks.
        const auto spec = everyTypeSpec();
        double best = 1e9;
        for (int attempt = 0; attempt < 3; ++attempt) {
            const auto t0 = std::chrono::steady_clock::now();
            core::InspectorTable t(spec);
            core::TableWriter w(t);
            w.reserve(100000);
            for (std::int64_t i = 0; i < 100000; ++i)
                w.row()
                    .integer(i)
                    .node(static_cast<std::uint32_t>(i % 1000))
                    .real(0.5 * double(i))
                    .text("rumour")
                    .time(i * 1000)
                    .bytes(static_cast<std::uint64_t>(i))
                    .flag(i % 2 == 1);
            w.finish();
            best = std::min(best, std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - t0)
                                      .count());
            QCOMPARE(t.rowCount(), std::size_t{100000});
            QCOMPARE(t.integer(99999, 0), std::int64_t{99999});
            QCOMPARE(t.number(77777, 2), 0.5 * 77777);
            QCOMPARE(t.number(12345, 4), 12.345e-3);
        }
        qInfo("filling 100,000 rows of 7 columns took %.1f ms", best);
    }

    void treesFindTheirParents() {
        auto run = prepare("{}");
        auto t = run->inspect("probe.tree");
        QVERIFY2(t.ok(), t ? "" : t.error().message.c_str());
        QCOMPARE(t->spec().parent, std::optional<std::size_t>(1));
        QCOMPARE(t->parentRows(), (std::vector<std::size_t>{core::InspectorTable::kNoRow, 0, 0}));
        QVERIFY(t->isEmpty(0, 1));
    }

    // --- declarations -----------------------------------------------------------------------

    void declarationMakesTheDescriptor() {
        const core::LayerDescriptor& d = ProbeLayer::definition().descriptor();
        QCOMPARE(d.tables.size(), std::size_t{2});
        const core::TableSpec& items = d.tables[0];
        QCOMPARE(items.name, std::string("probe.items"));
        QCOMPARE(items.title, std::string("Items"));
        QCOMPARE(items.key, std::size_t{0});
        QVERIFY(!items.parent);
        QCOMPARE(items.nodeColumn(), std::optional<std::size_t>(1));
        QCOMPARE(items.columns[4].unit, std::string("s"));
        QCOMPARE(items.columns[5].unit, std::string("B"));
        QCOMPARE(d.table("probe.tree"), &d.tables[1]);
        QVERIFY(core::checkDescriptor(d).empty());
        // Its description as JSON reads back the same.
        auto back = core::tableSpecFromJson(core::tableSpecJson(d.tables[1]));
        QVERIFY(back.ok());
        QCOMPARE(core::tableSpecJson(*back), core::tableSpecJson(d.tables[1]));
    }

    void descriptorChecksTables_data() {
        QTest::addColumn<QString>("mistake");
        QTest::addColumn<QString>("problem");
        QTest::newRow("prefix") << "prefix"
                                << "layer \"bad\": table \"other.things\": names are the layer id, "
                                   "a dot and lower-case letters, digits and '_' (bad.something)";
        QTest::newRow("twice") << "twice"
                               << "layer \"bad\": table \"bad.things\": declared twice";
        QTest::newRow("no columns") << "no columns"
                                    << "layer \"bad\": table \"bad.things\": has no columns";
        QTest::newRow("column twice")
            << "column twice"
            << "layer \"bad\": table \"bad.things\": column \"a\": declared twice";
        QTest::newRow("unknown key")
            << "unknown key"
            << "layer \"bad\": table \"bad.things\": its key is not one of its columns";
        QTest::newRow("real key") << "real key"
                                  << "layer \"bad\": table \"bad.things\": its key column \"a\" "
                                     "(real) must be an integer, text or node column";
        QTest::newRow("parent type")
            << "parent type"
            << "layer \"bad\": table \"bad.things\": its parent column \"b\" "
               "(text) must be of its key's type (\"a\", integer)";
        QTest::newRow("no help")
            << "no help"
            << "layer \"bad\": table \"bad.things\": column \"a\": has no help text";
    }
    void descriptorChecksTables() {
        QFETCH(QString, mistake);
        QFETCH(QString, problem);
        struct C {};
        core::LayerDefinition<C> d("bad", "Bad", "1.0.0");
        d.summary("For tests.");
        const std::string name = mistake == "prefix" ? "other.things" : "bad.things";
        auto t = d.table(name, "Things", "Things.");
        if (mistake == "real key")
            t.real("a", "", "A.");
        else if (mistake == "no help")
            t.integer("a", "", "");
        else if (mistake != "no columns")
            t.integer("a", "", "A.");
        if (mistake == "column twice") t.integer("a", "", "A again.");
        if (mistake == "parent type") t.text("b", "B.").parent("b");
        if (mistake == "unknown key") t.key("nope");
        if (mistake == "twice") d.table("bad.things", "Again", "Again.").integer("a", "", "A.");
        const auto problems = core::checkDescriptor(d.descriptor());
        QStringList got;
        for (const auto& p : problems)
            got << QString::fromStdString(p);
        QVERIFY2(got.contains(problem), qPrintable(got.join("\n")));
    }

    // --- a run's tables -----------------------------------------------------------------------

    void runInspectsBetweenEventsAndAtTheEnd() {
        auto s = load(R"({"items": 4, "ticks": 10})",
                      R"({"nodes": [{"id": "a", "role": "phone"}, {"id": "b"}],
                          "groups": [{"id": "phones", "count": 3, "role": "phone", "attach": "a",
                                      "access": {"latency": "1ms", "bandwidth": "1Gbps"}}],
                          "links": [{"from": "a", "to": "b", "latency": "5ms",
                                     "bandwidth": "10Mbps"}]})");
        auto prepared = core::ScenarioRun::prepare(s);
        QVERIFY2(prepared.ok(), prepared ? "" : prepared.error().message.c_str());
        auto run = std::move(prepared).value();
        QCOMPARE(run->tableNames(), (std::vector<std::string>{"probe.items", "probe.tree"}));
        run->advance(4 * sim::kSecond + 1);
        auto t = run->inspect("probe.items");
        QVERIFY2(t.ok(), t ? "" : t.error().message.c_str());
        QCOMPARE(t->rowCount(), std::size_t{4});
        QCOMPARE(t->filledAt(), 4 * sim::kSecond + 1);
        QCOMPARE(t->number(1, 2), 2.0);             // 4 ticks, halved
        QCOMPARE(t->text(0, 1), std::string("a"));  // nodes by name
        QCOMPARE(t->text(1, 1), std::string("b"));
        QVERIFY(t->nodeNames() != nullptr);
        QCOMPARE(t->nodeNames()->name(4), std::string("phones[2]"));
        QCOMPARE(t->nodeNames()->name(9), std::string("#9"));
        // Node names survive a trip through JSON (the store keeps them so).
        auto names = core::NodeNames::fromJson(t->nodeNames()->toJson());
        QVERIFY(names.ok());
        QCOMPARE(names->name(3), std::string("phones[1]"));

        auto unknown = run->inspect("probe.nothing");
        QVERIFY(!unknown.ok());
        QCOMPARE(
            QString::fromStdString(unknown.error().message),
            QString("no table \"probe.nothing\" in this run (it has: probe.items, probe.tree)"));
        QVERIFY(!run->failed());  // asking for a table it does not have is no failure

        const core::RunReport r = run->run();
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(r.tables.size(), std::size_t{2});
        const core::InspectorTable* end = r.table("probe.items");
        QVERIFY(end != nullptr);
        QCOMPARE(end->filledAt(), r.simulatedTime);
        QCOMPARE(end->number(3, 2), 5.0);  // 10 ticks, halved
        QVERIFY(r.table("probe.tree") != nullptr);
        // After the run, tables can still be asked for.
        QVERIFY(run->inspect("probe.tree").ok());
    }

    void finalTablesCanBeLeftOut() {
        core::RunOptions options;
        options.finalTables = false;
        const core::RunReport r = prepare("{}", options)->run();
        QCOMPARE(r.status, core::RunStatus::Completed);
        QVERIFY(r.tables.empty());
    }

    void aTableFilledWronglyFailsTheRun_data() {
        QTest::addColumn<QString>("broken");
        QTest::addColumn<QString>("error");
        QTest::newRow("wrong type")
            << "wrong_type"
            << "layer \"probe\" failed to fill table \"probe.items\": table "
               "\"probe.items\", row 4, column \"node\": expected a node, "
               "got an integer";
        QTest::newRow("short row") << "short_row"
                                   << "layer \"probe\" failed to fill table \"probe.items\": table "
                                      "\"probe.items\", row 4: 3 of its 7 cells were written (the "
                                      "next is \"label\")";
        QTest::newRow("long row") << "long_row"
                                  << "layer \"probe\" failed to fill table \"probe.items\": table "
                                     "\"probe.items\", row 4: more cells than its 7 columns";
        QTest::newRow("empty key") << "empty_key"
                                   << "layer \"probe\" failed to fill table \"probe.items\": table "
                                      "\"probe.items\", row 4: the key column \"item\" cannot be "
                                      "empty";
        QTest::newRow("throws")
            << "throw"
            << "layer \"probe\" failed to fill table \"probe.items\": the probe "
               "lost its items";
    }
    void aTableFilledWronglyFailsTheRun() {
        QFETCH(QString, broken);
        QFETCH(QString, error);
        // While the run goes: the inspection reports it, and the run fails with it.
        auto run = prepare(R"({"broken": ")" + broken.toStdString() + R"("})");
        run->advance(2 * sim::kSecond);
        auto t = run->inspect("probe.items");
        QVERIFY(!t.ok());
        QCOMPARE(QString::fromStdString(t.error().message), error);
        QVERIFY(run->failed());
        const core::RunReport failed = run->run();
        QCOMPARE(failed.status, core::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(failed.error), error);
        // The table the layer could fill is kept; the other is not.
        QVERIFY(failed.table("probe.items") == nullptr);
        QVERIFY(failed.table("probe.tree") != nullptr);
        // At the end: the final tables fail the run the same way.
        const core::RunReport atEnd =
            prepare(R"({"broken": ")" + broken.toStdString() + R"("})")->run();
        QCOMPARE(atEnd.status, core::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(atEnd.error), error);
    }

    void aFailedRunKeepsItsTables() {
        // A layer that fails in an event: the run's report still has the other layers' tables.
        auto s = core::loadScenarioText(
            testing::scenarioWithLayers(R"({"probe": {}, "ticker": {"fail_at": 3}})"),
            "f.dais.json", {}, registry_.get());
        QVERIFY(s.ok());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(run.ok());
        const core::RunReport r = (*run)->run();
        QCOMPARE(r.status, core::RunStatus::Failed);
        QCOMPARE(r.tables.size(), std::size_t{2});
        QCOMPARE(r.table("probe.items")->rowCount(), std::size_t{3});
    }

    void scenarioTablesComeFromItsEnabledLayers() {
        const core::Scenario on = load("{}");
        QCOMPARE(core::scenarioTables(on).size(), std::size_t{2});
        const core::Scenario off = load(R"({"enabled": false})");
        QVERIFY(core::scenarioTables(off).empty());
    }

    // --- the runner -----------------------------------------------------------------------------

    void runnerFillsOnlyWatchedTables() {
        ProbeLayer::itemFills = 0;
        ProbeLayer::treeFills = 0;
        core::RunOptions options;
        options.finalTables = false;
        core::Runner::Options ro;
        ro.startPaused = true;
        core::Runner runner(prepare(R"({"ticks": 20})", options), ro);
        QCOMPARE(runner.tableNames(), (std::vector<std::string>{"probe.items", "probe.tree"}));
        SnapshotLog log;
        runner.addListener(&log);
        runner.start();
        QTRY_VERIFY(!log.copy().empty());
        QVERIFY(log.copy().back()->tables.empty());  // nothing watched: nothing filled
        QCOMPARE(ProbeLayer::itemFills.load() + ProbeLayer::treeFills.load(), 0);

        // Watched while paused: the next snapshot comes at once, with the table.
        runner.watchTables({"probe.items", "probe.unknown"});
        QTRY_VERIFY(!log.copy().back()->tables.empty());
        auto first = log.copy().back();
        QCOMPARE(first->tables.size(), std::size_t{1});  // a name it has no table of is left out
        const auto items0 = first->tables.front();
        QCOMPARE(items0->name(), std::string("probe.items"));
        QCOMPARE(items0->filledAt(), sim::SimTime{0});
        QCOMPARE(ProbeLayer::itemFills.load(), 1);

        // Paused again with no event in between: the same table, not filled again.
        std::size_t before = log.copy().size();
        runner.pause();
        QTRY_VERIFY(log.copy().size() > before);
        QCOMPARE(tableIn(*log.copy().back(), "probe.items"), items0.get());
        QCOMPARE(ProbeLayer::itemFills.load(), 1);
        before = log.copy().size();
        runner.step(3);
        QTRY_VERIFY(log.copy().back()->executed == 3 &&
                    log.copy().back()->state == core::RunnerState::Paused);
        const auto stepped = log.copy().back();
        QVERIFY(tableIn(*stepped, "probe.items") != items0.get());  // events ran: filled again
        QCOMPARE(tableIn(*stepped, "probe.items")->number(1, 2), 1.5);
        QVERIFY(log.copy().size() > before);

        // Watching the tree as well keeps the items table it has, and fills the tree only.
        const int itemFillsBefore = ProbeLayer::itemFills;
        runner.watchTables({"probe.tree", "probe.items"});
        QTRY_VERIFY(log.copy().back()->tables.size() == 2);
        const auto both = log.copy().back();
        QCOMPARE(both->tables[0]->name(), std::string("probe.tree"));
        QCOMPARE(both->tables[1], stepped->tables[0]);  // the same pointer
        QCOMPARE(ProbeLayer::itemFills.load(), itemFillsBefore);
        QCOMPARE(ProbeLayer::treeFills.load(), 1);

        // Unwatched: gone from snapshots, and never filled again.
        runner.watchTables({});
        QTRY_VERIFY(log.copy().back()->tables.empty());
        const int fills = ProbeLayer::itemFills + ProbeLayer::treeFills;
        runner.resume();
        QVERIFY(runner.wait(std::chrono::milliseconds(20000)));
        QCOMPARE(ProbeLayer::itemFills + ProbeLayer::treeFills, fills);
        QVERIFY(log.copy().back()->tables.empty());
    }

    void runnerRefreshesAtItsTableRateAndAtTheEnd() {
        // Paced to last about a wall second with many snapshots; tables at most once every 100 s
        // of wall time, so every snapshot while it runs carries the first fill, and the final
        // snapshot the report's own table.
        core::Runner::Options ro;
        ro.publishRate = 60;
        ro.tableRate = 0.01;
        core::Runner runner(prepare(R"({"ticks": 50})"), ro);
        runner.setSpeed(50);
        runner.watchTables({"probe.items"});
        SnapshotLog log;
        runner.addListener(&log);
        runner.start();
        QVERIFY(runner.wait(std::chrono::milliseconds(30000)));
        const auto all = log.copy();
        QVERIFY2(all.size() > 5, qPrintable(QString::number(all.size())));
        const auto last = all.back();
        QVERIFY(core::isFinal(last->state));
        const auto report = runner.report();
        QVERIFY(report->table("probe.items") != nullptr);
        QCOMPARE(tableIn(*last, "probe.items"), report->table("probe.items"));
        QCOMPARE(tableIn(*last, "probe.items")->filledAt(), report->simulatedTime);
        const core::InspectorTable* running = tableIn(*all.front(), "probe.items");
        QVERIFY(running != nullptr);
        for (std::size_t i = 0; i + 1 < all.size(); ++i)
            QCOMPARE(tableIn(*all[i], "probe.items"), running);
    }

    void kernelSessionHasNoTables() {
        sim::Simulation s;
        core::Runner runner(std::make_unique<core::KernelSession>(s, sim::kTimeNever));
        QVERIFY(runner.tableNames().empty());
        runner.watchTables({"probe.items"});
        SnapshotLog log;
        runner.addListener(&log);
        runner.start();
        QVERIFY(runner.wait(std::chrono::milliseconds(20000)));
        QVERIFY(!log.copy().empty());
        QVERIFY(log.copy().back()->tables.empty());
        QVERIFY(runner.report()->tables.empty());
    }
};

QTEST_GUILESS_MAIN(TestInspector)
#include "tst_inspector.moc"
