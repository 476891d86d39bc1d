// The ledger as a person reads it in the studio, on the chain-split scenario (two regions of
// miners, cut apart from 120 s to 360 s). Run until 300 s, inside the partition: the canvas's
// rings, switched to the ledger's states, colour one region's miners by the best chain and the
// other's as on a fork. Run on to the end: every miner follows the best chain again, and the
// inspector draws the blocks as a tree in which the losing branch hangs off the best chain. The
// window, the canvas and the inspector are written to PNG in the test's temporary folder (and
// to DAIS_CANVAS_SNAPSHOTS when set), to look at.

#include <QtTest>

#include "window_test.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QGraphicsScene>
#include <QInputDialog>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>

#include <functional>
#include <memory>

#include "dais/core/layer_registry.h"
#include "run/inspector_model.h"
#include "run/inspector_panel.h"
#include "run/run_controller.h"
#include "ui/canvas_items.h"
#include "ui/canvas_legend.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"

using namespace dais;
using namespace dais::studio;

namespace {

/// Items of a tree, depth first.
int countItems(QTreeWidgetItem* item) {
    int n = 1;
    for (int i = 0; i < item->childCount(); ++i)
        n += countItems(item->child(i));
    return n;
}

}  // namespace

class TestStudioLedger : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> w_;
    const core::LayerFactory* ledger_ = nullptr;
    sim::SimTime now_ = 0;
    core::RunnerState state_ = core::RunnerState::Ready;
    std::shared_ptr<const core::RunReport> report_;

    void snapshot(QWidget* widget, const QString& name) {
        studiotest::snapshot(widget, dir_, "ledger-" + name);
    }

    QColor stateColour(const char* state) const {
        const auto& d = ledger_->descriptor;
        return QColor(QString::fromStdString(d.nodeStates[d.nodeState(state)].colour));
    }

    /// Miners ringed in each of the ledger's three states, with the groups expanded.
    std::array<std::size_t, 3> ringed() {
        NetworkCanvas* canvas = w_->canvas();
        canvas->expandAllGroups(true);
        std::array<std::size_t, 3> n{};
        if (!canvas->activityOverlay()) return n;
        const char* states[] = {"best chain", "behind", "fork"};
        for (const auto& p : canvas->activityOverlay()->rings)
            for (std::size_t s = 0; s < 3; ++s)
                if (p.colour == stateColour(states[s])) n[s] += p.at.size();
        return n;
    }

  private slots:
    void initTestCase() {
        studiotest::useTemporaryStoreAndSettings(dir_);
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
        ledger_ = core::LayerRegistry::installed().find("ledger");
        QVERIFY2(ledger_, "the ledger plugin is not installed");

        w_ = std::make_unique<MainWindow>();
        w_->resize(1400, 950);
        w_->show();
        QVERIFY(QTest::qWaitForWindowExposed(w_.get()));
        QVERIFY(w_->openFile(QFINDTESTDATA("../../../scenarios/chain-split.dais.json")));
        QTRY_VERIFY(w_->canvas()->nodeItemCount() > 0);
        connect(w_->controller(), &RunController::snapshot, this,
                [this](std::shared_ptr<const core::RunnerSnapshot> s) {
                    now_ = s->now;
                    state_ = s->state;
                });
        connect(w_->controller(), &RunController::finished, this,
                [this](std::shared_ptr<const core::RunReport> r) { report_ = std::move(r); });
        studiotest::whenModal([](QWidget* modal) {
            auto* input = qobject_cast<QInputDialog*>(modal);
            if (!input) {
                modal->close();
                return;
            }
            input->setTextValue("300s");
            input->accept();
        });
        w_->action("runUntil")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(now_ == 300 * sim::kSecond && state_ == core::RunnerState::Paused,
                                 30000);
    }

    // Inside the partition: each region follows its own chain; the one with more work is the
    // best chain, the other region's miners are on a fork.
    void canvasShowsWhichChainEachNodeFollows() {
        QVERIFY(w_);
        NetworkCanvas* canvas = w_->canvas();
        CanvasLegend* legend = canvas->legend();
        QTRY_VERIFY(legend->isVisible());
        QComboBox* ring = legend->ringChoice();
        const QString choice = QString::fromStdString(ledger_->descriptor.name) + " states";
        const int ledgerRing = ring->findText(choice);
        QVERIFY2(ledgerRing > 0, qPrintable(choice));
        // Chosen as a person does: from the list.
        ring->setFocus();
        ring->showPopup();
        QTRY_VERIFY(ring->view()->isVisible());
        ring->view()->setCurrentIndex(ring->model()->index(ledgerRing, 0));
        QTest::keyClick(ring->view(), Qt::Key_Return);
        QTRY_COMPARE(ring->currentIndex(), ledgerRing);
        QTRY_VERIFY(canvas->look().ring() >= 0);
        canvas->expandAllGroups(true);
        QTRY_VERIFY(canvas->activityOverlay() != nullptr);
        const auto n = ringed();
        qInfo("at 300 s: %zu on the best chain, %zu behind, %zu on a fork", n[0], n[1], n[2]);
        QVERIFY2(n[0] >= 50 && n[2] >= 50,
                 qPrintable(QString("best %1, behind %2, fork %3").arg(n[0]).arg(n[1]).arg(n[2])));
        QCOMPARE(n[0] + n[1] + n[2], std::size_t{120});
        snapshot(canvas, "canvas-partition.png");
        snapshot(w_.get(), "window-partition.png");
    }

    // After the heal: one chain again; the inspector's block tree shows the lost branch.
    void afterTheHealOneChainAndATreeWithTheLostBranch() {
        QVERIFY(w_);
        w_->action("fast")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(report_ != nullptr, 60000);
        QCOMPARE(report_->status, core::RunStatus::Completed);
        const auto* blocks = report_->metric("ledger.blocks");
        const auto* forkDepth = report_->metric("ledger.fork_depth");
        QVERIFY(blocks && forkDepth);
        QVERIFY(forkDepth->count >= 1);  // the branch the partition made, lost

        const auto n = ringed();
        QCOMPARE(n[2], std::size_t{0});
        QCOMPARE(n[0] + n[1], std::size_t{120});
        snapshot(w_->canvas(), "canvas-end.png");

        QVERIFY(w_->showPanel("inspector"));
        InspectorPanel* panel = w_->inspector();
        QComboBox* tables = panel->tableChoice();
        const int i = tables->findText("(ledger.blocks)", Qt::MatchEndsWith);
        QVERIFY(i >= 0);
        tables->setCurrentIndex(i);
        QTreeWidget* tree = panel->treeView();
        QTRY_VERIFY(tree->isVisibleTo(panel));
        // The best chain down the page from the genesis block, the lost branch under the block
        // it left from.
        const auto* height = report_->metric("ledger.height");
        QVERIFY(height);
        QTRY_COMPARE(tree->topLevelItemCount(), static_cast<int>(height->value) + 1);
        QCOMPARE(tree->topLevelItem(0)->text(2), QString("0"));  // height
        int items = 0, branches = 0;
        for (int top = 0; top < tree->topLevelItemCount(); ++top) {
            items += countItems(tree->topLevelItem(top));
            branches += tree->topLevelItem(top)->childCount();
        }
        QCOMPARE(items, static_cast<int>(blocks->value) + 1);
        QVERIFY(branches >= 1);
        snapshot(panel, "inspector-blocks.png");
        snapshot(w_.get(), "window-end.png");
    }

    void cleanupTestCase() { w_.reset(); }
};

QTEST_MAIN(TestStudioLedger)
#include "tst_studio_ledger.moc"
