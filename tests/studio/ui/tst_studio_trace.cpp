// Tracing as a person does it in the studio, on poisoning-traced (twenty clients, four of them
// sending poisoned updates from round 10, every round recorded on the ledger). After a fast run
// to the end the trace panel lists the rounds, finds the decline with no round selected and
// names exactly the attackers (as the federated clients table's attacker column has them),
// ringed on the canvas; naming an honest round names nobody and says why; naming a poisoned
// round names the four again, and picking one selects it on the canvas. The panel follows a run
// while it goes. With secure aggregation (no update sizes recorded) it names nobody and says
// why; a run without the ledger says it kept no records, and a new run leaves no marks. The canvas,
// the panel and the window are written to PNG in the test's temporary folder (and to
// DAIS_CANVAS_SNAPSHOTS when set), to look at.

#include <QtTest>

#include "window_test.h"

#include <QDockWidget>
#include <QGraphicsScene>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>

#include <memory>
#include <set>

#include "dais/core/inspector.h"
#include "run/network_structure.h"
#include "run/run_controller.h"
#include "run/trace_panel.h"
#include "ui/canvas_items.h"
#include "ui/canvas_legend.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"
#include "ui/scenario_document.h"

using namespace dais;
using namespace dais::studio;

using Names = std::set<QString>;

class TestStudioTrace : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> w_;
    std::shared_ptr<const core::RunReport> report_;
    Names attackers_;
    std::size_t fullRounds_ = 0;  // final on the ledger at the end of the run

    void snapshot(QWidget* widget, const QString& name) {
        studiotest::snapshot(widget, dir_, "trace-" + name);
    }

    /// Opens a bundled scenario and runs it fast to its end; its report in report_.
    void runToTheEnd(const char* scenario) {
        QVERIFY(w_->openFile(QFINDTESTDATA("../../../scenarios/") + scenario));
        QSignalSpy finished(w_->controller(), &RunController::finished);
        w_->action("fast")->trigger();
        QVERIFY(finished.wait(60000));
        report_ = finished.last().at(0).value<std::shared_ptr<const core::RunReport>>();
        QVERIFY(report_);
        QCOMPARE(report_->status, core::RunStatus::Completed);
    }

    /// The nodes the panel lists as suspects (two rows each: the node, then its evidence).
    static Names suspects(const TracePanel* panel) {
        Names names;
        const QTableWidget* table = panel->suspectsView();
        for (int row = 0; row < table->rowCount(); row += 2)
            names.insert(table->item(row, 0)->text());
        return names;
    }

    /// The nodes ringed on the canvas, by name: as it says it marked them, and as drawn.
    Names marked(bool drawn) const {
        const NetworkCanvas* canvas = w_->canvas();
        const NetworkStructure& s = *canvas->networkStructure();
        Names names;
        if (!drawn) {
            for (std::uint32_t node : canvas->markedNodes())
                names.insert(QString::fromStdString(s.name(node)));
            return names;
        }
        for (const QGraphicsItem* item : canvas->scene()->items())
            if (static_cast<ItemKind>(item->data(kKind).toInt()) == ItemKind::Mark &&
                item->isVisible())
                names.insert(QString::fromStdString(s.name(item->data(kNodeIndex).toUInt())));
        return names;
    }

    int markItems() const {
        int n = 0;
        for (const QGraphicsItem* item : w_->canvas()->scene()->items())
            n += static_cast<ItemKind>(item->data(kKind).toInt()) == ItemKind::Mark;
        return n;
    }

    /// Clicks a round's row as a person does (Ctrl: added to those selected).
    static void clickRound(TracePanel* panel, std::uint64_t round,
                           Qt::KeyboardModifiers modifiers = {}) {
        QTableWidget* table = panel->roundsView();
        int row = -1;
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 0)->text() == QString::number(round)) row = r;
        QVERIFY2(row >= 0, qPrintable(QString("no row for round %1").arg(round)));
        table->scrollToItem(table->item(row, 0));
        const QRect cell = table->visualItemRect(table->item(row, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, cell.center());
    }

  private slots:
    void initTestCase() {
        studiotest::useTemporaryStoreAndSettings(dir_);
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
        w_ = std::make_unique<MainWindow>();
        w_->resize(1500, 1000);
        w_->show();
        QVERIFY(QTest::qWaitForWindowExposed(w_.get()));
        QVERIFY(w_->showPanel("trace"));
        runToTheEnd("poisoning-traced.dais.json");
        if (QTest::currentTestFailed()) return;
        // Who the attackers were, as the federated layer knows them.
        const core::InspectorTable* clients = report_->table("federated.clients");
        QVERIFY(clients);
        const auto node = clients->spec().column("node");
        const auto attacker = clients->spec().column("attacker");
        QVERIFY(node && attacker);
        for (std::size_t row = 0; row < clients->rowCount(); ++row)
            if (clients->integer(row, *attacker) != 0)
                attackers_.insert(QString::fromStdString(clients->text(row, *node)));
        QCOMPARE(attackers_.size(), std::size_t{4});
    }

    // No round selected: the trace finds the decline and names the attackers, ringed on the
    // canvas.
    void theDeclineNamesTheAttackers() {
        QVERIFY(w_ && report_);
        TracePanel* panel = w_->tracePanel();
        QVERIFY(panel->isVisible());
        QCOMPARE(panel->message(), QString());
        // One row per round final on the ledger; the decline is marked in its rounds.
        const auto* round = report_->metric("federated.round");
        QVERIFY(round);
        QTRY_VERIFY(!panel->rounds().empty());
        QTableWidget* rounds = panel->roundsView();
        QCOMPARE(rounds->rowCount(), static_cast<int>(panel->rounds().size()));
        fullRounds_ = panel->rounds().size();
        QVERIFY(rounds->rowCount() >= 40 && rounds->rowCount() <= static_cast<int>(round->value));
        QCOMPARE(rounds->item(2, 0)->text(), QString("3"));
        QCOMPARE(rounds->item(2, 3)->text(), QString());          // round 3: no decline
        QVERIFY(rounds->item(15, 3)->text().contains("points"));  // round 16: in the decline
        QVERIFY(rounds->item(15, 1)->text().endsWith('%'));
        QCOMPARE(rounds->item(15, 2)->text(), QString("20"));
        QVERIFY(panel->namedRounds().empty());
        QVERIFY(!panel->findChild<QPushButton*>("traceFindDeclines")->isEnabled());

        QCOMPARE(suspects(panel), attackers_);
        QVERIFY2(panel->summaryLabel()->text().contains("Decline found"),
                 qPrintable(panel->summaryLabel()->text()));
        // Each with the rounds it joined, its first update's digest and its evidence.
        QTableWidget* table = panel->suspectsView();
        QCOMPARE(table->rowCount(), 8);
        for (int row = 0; row < table->rowCount(); row += 2) {
            QVERIFY(table->item(row, 1)->text().startsWith("10"));
            QCOMPARE(table->item(row, 2)->text().size(), 16);
            QCOMPARE(table->columnSpan(row + 1, 0), 3);
            QVERIFY(table->item(row + 1, 0)->text().contains("stood out"));
            // Tall enough for the evidence as it wraps.
            QVERIFY(table->rowHeight(row + 1) >= table->fontMetrics().height());
        }

        // The canvas rings exactly them, in the expanded group of clients.
        NetworkCanvas* canvas = w_->canvas();
        QCOMPARE(marked(false), attackers_);
        QCOMPARE(marked(true), attackers_);
        QCOMPARE(markItems(), 4);
        QVERIFY(canvas->groupExpanded("clients"));
        QCOMPARE(canvas->legend()->marks(), QString("named by the trace"));
        QVERIFY(canvas->legend()->isVisible());
        snapshot(canvas, "canvas-decline.png");
        snapshot(panel, "panel-decline.png");
        snapshot(w_.get(), "window-decline.png");
    }

    // Naming an honest round: nobody is named, and the panel says why.
    void anHonestRoundNamesNobody() {
        QVERIFY(w_ && report_);
        TracePanel* panel = w_->tracePanel();
        QSignalSpy changed(panel, &TracePanel::suspectsChanged);
        clickRound(panel, 3);
        QCOMPARE(panel->namedRounds(), std::vector<std::uint64_t>{3});
        QCOMPARE(panel->suspectsView()->rowCount(), 0);
        QVERIFY(panel->result().suspects.empty());
        QVERIFY(!panel->result().notes.empty());
        QVERIFY(panel->notesLabel()->isVisible());
        QVERIFY2(panel->notesLabel()->text().contains("Why nobody is named"),
                 qPrintable(panel->notesLabel()->text()));
        QVERIFY2(panel->summaryLabel()->text().contains("Round 3 named"),
                 qPrintable(panel->summaryLabel()->text()));
        QVERIFY(panel->findChild<QPushButton*>("traceFindDeclines")->isEnabled());
        // The marks go with the suspects.
        QCOMPARE(changed.count(), 1);
        QVERIFY(w_->canvas()->markedNodes().empty());
        QCOMPARE(markItems(), 0);
        QCOMPARE(w_->canvas()->legend()->marks(), QString());
        snapshot(panel, "panel-round-3.png");
    }

    // Naming a poisoned round names the four; picking one selects it on the canvas.
    void aPoisonedRoundNamesTheFour() {
        QVERIFY(w_ && report_);
        TracePanel* panel = w_->tracePanel();
        clickRound(panel, 12);
        QCOMPARE(panel->namedRounds(), std::vector<std::uint64_t>{12});
        QCOMPARE(suspects(panel), attackers_);
        QVERIFY2(panel->summaryLabel()->text().contains("Round 12 named"),
                 qPrintable(panel->summaryLabel()->text()));
        for (int row = 0; row < panel->suspectsView()->rowCount(); row += 2)
            QCOMPARE(panel->suspectsView()->item(row, 1)->text(), QString("12"));
        QCOMPARE(marked(false), attackers_);
        QCOMPARE(marked(true), attackers_);
        QCOMPARE(markItems(), 4);

        // Picking a suspect (here by its evidence) selects its node on the canvas.
        QSignalSpy activated(panel, &TracePanel::nodeActivated);
        QTableWidget* table = panel->suspectsView();
        const QRect cell = table->visualItemRect(table->item(3, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(activated.count(), 1);
        NetworkCanvas* canvas = w_->canvas();
        QCOMPARE(canvas->selection().kind, CanvasSelection::Kind::Member);
        QCOMPARE(QString::fromStdString(canvas->networkStructure()->name(canvas->selection().node)),
                 table->item(2, 0)->text());
        // Both of its rows are selected.
        QCOMPARE(table->selectionModel()->selectedRows().size(), 2);
        snapshot(canvas, "canvas-round-12.png");
        snapshot(panel, "panel-round-12.png");

        // Ctrl adds a round: rounds 12 and 13 named together name the four, in both.
        clickRound(panel, 13, Qt::ControlModifier);
        QCOMPARE(panel->namedRounds(), (std::vector<std::uint64_t>{12, 13}));
        QCOMPARE(suspects(panel), attackers_);
        QCOMPARE(panel->suspectsView()->item(0, 1)->text(), QString("12–13 (2)"));

        // Back to the declines found.
        QTest::mouseClick(panel->findChild<QPushButton*>("traceFindDeclines"), Qt::LeftButton);
        QVERIFY(panel->namedRounds().empty());
        QCOMPARE(suspects(panel), attackers_);
        QCOMPARE(marked(true), attackers_);
    }

    // While a run goes, the panel follows the records it has so far: run until 150 s (rounds
    // every 10 s, final on the ledger a little later), paused there.
    void itFollowsARunWhileItGoes() {
        QVERIFY(w_);
        QVERIFY(w_->openFile(QFINDTESTDATA("../../../scenarios/poisoning-traced.dais.json")));
        TracePanel* panel = w_->tracePanel();
        sim::SimTime now = 0;
        core::RunnerState state = core::RunnerState::Ready;
        const auto watch = connect(w_->controller(), &RunController::snapshot, this,
                                   [&](std::shared_ptr<const core::RunnerSnapshot> s) {
                                       now = s->now;
                                       state = s->state;
                                   });
        studiotest::whenModal([](QWidget* modal) {
            auto* input = qobject_cast<QInputDialog*>(modal);
            if (!input) {
                modal->close();
                return;
            }
            input->setTextValue("150s");
            input->accept();
        });
        w_->action("runUntil")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(now == 150 * sim::kSecond && state == core::RunnerState::Paused,
                                 30000);
        disconnect(watch);
        QTRY_VERIFY(!panel->rounds().empty());
        QVERIFY2(panel->rounds().size() >= 5 && panel->rounds().size() < fullRounds_,
                 qPrintable(QString::number(panel->rounds().size())));
        QCOMPARE(panel->message(), QString());
        QVERIFY2(panel->statusLabel()->text().endsWith("at 150.000 s"),
                 qPrintable(panel->statusLabel()->text()));
        snapshot(panel, "panel-at-150s.png");
        QSignalSpy finished(w_->controller(), &RunController::finished);
        w_->action("stop")->trigger();
        QVERIFY(finished.wait(30000));
    }

    // With secure aggregation the server sees no update, so the ledger records no sizes: with
    // every client in every round nothing tells them apart, and the panel says so.
    void hiddenUpdatesNameNobodyAndSayWhy() {
        QVERIFY(w_);
        QVERIFY(w_->openFile(QFINDTESTDATA("../../../scenarios/poisoning-traced.dais.json")));
        w_->document()->set("Secure aggregation", "/layers/federated/secure_aggregation",
                            "required");
        QSignalSpy finished(w_->controller(), &RunController::finished);
        w_->action("fast")->trigger();
        QVERIFY(finished.wait(60000));
        TracePanel* panel = w_->tracePanel();
        QTRY_VERIFY(!panel->rounds().empty());
        QCOMPARE(panel->roundsView()->item(0, 2)->text(), QString("20, sizes hidden"));
        QVERIFY(panel->result().suspects.empty());
        QVERIFY(!panel->suspectsView()->isVisible());
        QVERIFY2(panel->notesLabel()->text().contains("hidden (secure aggregation)"),
                 qPrintable(panel->notesLabel()->text()));
        QVERIFY(w_->canvas()->markedNodes().empty());
        snapshot(panel, "panel-hidden-updates.png");
    }

    // A run without the ledger keeps no records: the panel says so, and the new run has no
    // marks.
    void aRunWithoutTheLedgerKeptNoRecords() {
        QVERIFY(w_);
        runToTheEnd("hospitals.dais.json");
        TracePanel* panel = w_->tracePanel();
        QVERIFY2(panel->message().contains("kept no ledger records"), qPrintable(panel->message()));
        QVERIFY(panel->rounds().empty());
        QVERIFY(panel->suspectNodes().empty());
        QVERIFY(w_->canvas()->markedNodes().empty());
        QCOMPARE(markItems(), 0);
        snapshot(panel, "panel-no-ledger.png");
    }

    void cleanupTestCase() { w_.reset(); }
};

QTEST_MAIN(TestStudioTrace)
#include "tst_studio_trace.moc"
