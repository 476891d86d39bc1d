// The inspector as a user drives it: a fast run of the hospitals scenario, its federated
// clients table sorted by a column (numbers as numbers), filtered by text, a row selecting its
// node on the canvas; the rounds table; and a table that is a tree drawn as one. Set
// DAIS_CANVAS_SNAPSHOTS to a folder to keep the PNGs the suite renders there.

#include <QtTest>

#include "window_test.h"

#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>

#include "dais/core/inspector.h"
#include "run/inspector_model.h"
#include "run/inspector_panel.h"
#include "run/run_controller.h"
#include "ui/canvas_legend.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"

using namespace dais;
using namespace dais::studio;

class TestInspector : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    void snapshot(QWidget* widget, const QString& name) {
        studiotest::snapshot(widget, dir_, name);
    }

    static int column(const InspectorModel* m, const QString& name) {
        for (int c = 0; c < m->columnCount(); ++c)
            if (m->headerData(c, Qt::Horizontal).toString().startsWith(name)) return c;
        return -1;
    }

    /// What the last run of openAndRunFast reported.
    std::shared_ptr<const core::RunReport> report_;

    /// Shows the window with the inspector, opens a bundled scenario and runs it fast to its end.
    void openAndRunFast(MainWindow& w, const char* scenario) {
        w.resize(1300, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(QFINDTESTDATA("../../../scenarios/") + scenario));
        QVERIFY(w.showPanel("inspector"));
        QSignalSpy finished(w.controller(), &RunController::finished);
        w.action("fast")->trigger();
        QVERIFY(finished.wait(60000));
        report_ = finished.last().at(0).value<std::shared_ptr<const core::RunReport>>();
    }

  private slots:
    void initTestCase() { studiotest::useTemporaryStoreAndSettings(dir_); }

    void clientsSortFilterAndSelectANode() {
        MainWindow w;
        openAndRunFast(w, "hospitals.dais.json");
        if (QTest::currentTestFailed()) return;
        InspectorPanel* panel = w.inspector();
        QCOMPARE(panel->tableChoice()->count(), 2);
        QCOMPARE(panel->currentTable(), QString("federated.clients"));
        InspectorModel* model = panel->model();
        // The final snapshot carries the table as the run ended: one row per hospital.
        QTRY_COMPARE(model->rowCount(), 10);

        // Sorting by a number column is numeric, both ways, empty cells last.
        const int delivered = column(model, "delivered");
        QVERIFY(delivered >= 0);
        panel->tableView()->sortByColumn(delivered, Qt::DescendingOrder);
        for (int r = 1; r < model->rowCount(); ++r)
            QVERIFY(
                model->table()->number(model->tableRow(r - 1),
                                       static_cast<std::size_t>(delivered)) >=
                model->table()->number(model->tableRow(r), static_cast<std::size_t>(delivered)));
        const int node = column(model, "node");
        QVERIFY(node >= 0);
        panel->tableView()->sortByColumn(node, Qt::AscendingOrder);
        // Node names in their numeric order: hospitals[9] before hospitals[10] would be; here
        // [0] .. [9].
        QCOMPARE(model->data(model->index(0, node)).toString(), QString("hospitals[0]"));
        QCOMPARE(model->data(model->index(9, node)).toString(), QString("hospitals[9]"));
        snapshot(panel, "inspector.png");

        // Filtering by text; the status says how many rows are shown.
        panel->filterEdit()->setText("hospitals[3]");
        QCOMPARE(model->rowCount(), 1);
        QVERIFY2(panel->findChild<QLabel*>("inspectorStatus")->text().startsWith("1 of 10 rows"),
                 qPrintable(panel->findChild<QLabel*>("inspectorStatus")->text()));

        // Selecting the row selects its node on the canvas.
        QSignalSpy activated(panel, &InspectorPanel::nodeActivated);
        panel->tableView()->selectRow(0);
        QCOMPARE(activated.count(), 1);
        const std::uint32_t hospital = activated.last().at(0).value<std::uint32_t>();
        QCOMPARE(w.canvas()->selection().node, hospital);
        QCOMPARE(QString::fromStdString(w.canvas()->networkStructure()->name(hospital)),
                 QString("hospitals[3]"));
        panel->filterEdit()->clear();
        QCOMPARE(model->rowCount(), 10);

        // The rounds: one row per round the run ran.
        QVERIFY(panel->showTable("federated.rounds"));
        QTRY_VERIFY(model->rowCount() > 0);
        QCOMPARE(model->table()->name(), std::string("federated.rounds"));
        const auto* rounds = report_->metric("federated.round");
        QVERIFY(rounds);
        QCOMPARE(model->rowCount(), static_cast<int>(rounds->value));
    }

    // A table whose rows name a parent row (a block tree with a fork) is drawn as a tree: a
    // chain at one level, each fork a branch under the row it leaves from.
    void treeTablesAreDrawnAsTrees() {
        InspectorPanel panel;
        auto spec = std::make_shared<core::TableSpec>();
        spec->name = "toy.blocks";
        spec->title = "Blocks";
        spec->help = "A block tree.";
        spec->columns = {{"block", core::ColumnType::Integer, "", "The block."},
                         {"parent", core::ColumnType::Integer, "", "Its parent."},
                         {"miner", core::ColumnType::Node, "", "Who made it."}};
        spec->key = 0;
        spec->parent = 1;
        panel.setTables({*spec});
        auto table = std::make_shared<core::InspectorTable>(spec, sim::kSecond);
        core::TableWriter out(*table);
        out.row().integer(1).none().node(0);
        out.row().integer(3).integer(2).node(2);  // before its parent: drawn under it anyway
        out.row().integer(2).integer(1).node(1);
        out.row().integer(4).integer(2).node(3);  // a fork at block 2
        out.finish();
        core::RunnerSnapshot snapshot;
        snapshot.tables = {table};
        panel.applySnapshot(snapshot);
        QTreeWidget* tree = panel.treeView();
        QVERIFY(tree->isVisibleTo(&panel));
        // The chain reads down the page (1, 2, 3 at one level); the fork at block 2 opens under
        // it as a branch (4).
        QCOMPARE(tree->topLevelItemCount(), 3);
        QCOMPARE(tree->topLevelItem(0)->text(0), QString("1"));
        QCOMPARE(tree->topLevelItem(1)->text(0), QString("2"));
        QCOMPARE(tree->topLevelItem(2)->text(0), QString("3"));
        QTreeWidgetItem* second = tree->topLevelItem(1);
        QCOMPARE(tree->topLevelItem(0)->childCount(), 0);
        QCOMPARE(second->childCount(), 1);  // the fork
        QCOMPARE(second->child(0)->text(0), QString("4"));
        QSignalSpy activated(&panel, &InspectorPanel::nodeActivated);
        tree->setCurrentItem(second->child(0));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.last().at(0).value<std::uint32_t>(), std::uint32_t{3});
    }

    // A DePIN market as a user sees it: the providers table (one row per edge box, its jobs,
    // busy time and state), the jobs still in the market, and the providers' node metrics and
    // states offered by the canvas's legend.
    void depinMarketInTheInspectorAndOnTheCanvas() {
        MainWindow w;
        openAndRunFast(w, "edge-vs-cloud.dais.json");
        if (QTest::currentTestFailed()) return;
        InspectorPanel* panel = w.inspector();
        QCOMPARE(panel->tableChoice()->count(), 3);  // providers, by region and class, jobs
        QCOMPARE(panel->currentTable(), QString("depin.providers"));
        InspectorModel* model = panel->model();
        QTRY_COMPARE(model->rowCount(), 10);  // the ten edge boxes sell; the cloud does not
        const int jobs = column(model, "jobs"), state = column(model, "state");
        QVERIFY(jobs >= 0 && state >= 0);
        double total = 0;
        for (int r = 0; r < model->rowCount(); ++r) {
            const double n =
                model->table()->number(model->tableRow(r), static_cast<std::size_t>(jobs));
            QVERIFY(n > 1000);  // 24,000 jobs over ten boxes, the least loaded first
            total += n;
            const QString st = model->data(model->index(r, state)).toString();
            QVERIFY2(st == "up" || st == "busy", qPrintable(st));
        }
        QVERIFY(total > 23000);
        snapshot(panel, "inspector-depin.png");
        const int jobsTable = panel->tableChoice()->findText("Jobs in the market (depin.jobs)");
        QVERIFY(jobsTable >= 0);
        panel->tableChoice()->setCurrentIndex(jobsTable);
        QCOMPARE(panel->currentTable(), QString("depin.jobs"));

        NetworkCanvas* canvas = w.canvas();
        QTRY_VERIFY(canvas->legend()->isVisible());
        QVERIFY(canvas->legend()->ringChoice()->findText("DePIN compute market states") > 0);
        QComboBox* fill = canvas->legend()->fillChoice();
        for (const char* metric : {"depin.provider_jobs", "depin.busy_time", "depin.income"})
            QVERIFY2(fill->findText(metric) > 0, metric);
    }
};

QTEST_MAIN(TestInspector)
#include "tst_studio_inspector.moc"
