// The privacy layer as a person reads it in the studio, on the secure-hospitals scenario (twenty
// hospitals sum their updates by secure aggregation every federated round). Run until 1 s, in
// the fifth round: the sequence chart between the coordinator and one hospital shows a round's
// four steps in protocol order, secagg.keys to secagg.unmask; the canvas's rings, switched to
// the crypto layer's states in the legend, colour the hospitals by the step they are in, with
// the legend naming each state beside a swatch of its colour; the inspector shows the sessions
// while the run goes. Run on to the end: one session per round, all revealed, and the threat
// view says what the server sees. The window, the canvas, the chart and the inspector are
// written to PNG in the test's temporary folder (and to DAIS_CANVAS_SNAPSHOTS when set), to look
// at.

#include <QtTest>

#include "window_test.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDockWidget>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTimer>
#include <QWheelEvent>

#include <functional>
#include <memory>

#include "dais/core/layer_registry.h"
#include "run/inspector_model.h"
#include "run/inspector_panel.h"
#include "run/message_log.h"
#include "run/run_controller.h"
#include "run/sequence_chart.h"
#include "ui/canvas_items.h"
#include "ui/canvas_legend.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"

using namespace dais;
using namespace dais::studio;

namespace {

/// The steps of one secure-aggregation round as one hospital takes part in them: the port of
/// each message, and whether the hospital sends it (else the coordinator sends it to it).
struct Step {
    const char* port;
    bool fromHospital;
};
constexpr Step kRound[] = {
    {"secagg.keys", true},         {"secagg.key_list", false},    {"secagg.shares", true},
    {"secagg.share_inbox", false}, {"secagg.masked_input", true}, {"secagg.survivors", false},
    {"secagg.unmask", true},
};

/// The states the crypto layer gives the parties of a session, step by step.
const char* const kPartyStates[] = {"advertising keys", "sharing keys", "masking", "unmasking",
                                    "dropped out"};

int column(const InspectorModel* m, const QString& name) {
    for (int c = 0; c < m->columnCount(); ++c)
        if (m->headerData(c, Qt::Horizontal).toString().startsWith(name)) return c;
    return -1;
}

QString cell(const InspectorModel* m, int row, int col) {
    return m->data(m->index(row, col)).toString();
}

}  // namespace

class TestStudioPrivacy : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> w_;
    const core::LayerFactory* crypto_ = nullptr;
    /// The simulated time and state of the latest snapshot of the run.
    sim::SimTime now_ = 0;
    core::RunnerState state_ = core::RunnerState::Ready;
    std::shared_ptr<const core::RunReport> report_;

    /// Writes a widget as drawn to the test's folder (and to DAIS_CANVAS_SNAPSHOTS when set).
    void snapshot(QWidget* widget, const QString& name) {
        studiotest::snapshot(widget, dir_, "privacy-" + name);
    }

    QColor stateColour(const char* state) const {
        const auto& d = crypto_->descriptor;
        return QColor(QString::fromStdString(d.nodeStates[d.nodeState(state)].colour));
    }

    /// The hospitals' group on the canvas (drawn as one item while collapsed).
    GroupItem* hospitals() const {
        for (QGraphicsItem* item : w_->canvas()->scene()->items())
            if (item->data(kKind).toInt() == int(ItemKind::Group))
                return static_cast<GroupItem*>(item);
        return nullptr;
    }

  private slots:
    // The window on secure-hospitals, run through Run > Run until… to 1 s: paused in the fifth
    // round (each round takes about 0.2 s), its session open.
    void initTestCase() {
        studiotest::useTemporaryStoreAndSettings(dir_);
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
        crypto_ = core::LayerRegistry::installed().find("crypto");
        QVERIFY2(crypto_, "the crypto plugin is not installed");
        QVERIFY(core::LayerRegistry::installed().find("federated"));

        w_ = std::make_unique<MainWindow>();
        w_->resize(1400, 950);
        w_->show();
        QVERIFY(QTest::qWaitForWindowExposed(w_.get()));
        QVERIFY(w_->openFile(QFINDTESTDATA("../../../scenarios/secure-hospitals.dais.json")));
        QTRY_VERIFY(w_->canvas()->nodeItemCount() > 0);
        connect(w_->controller(), &RunController::snapshot, this,
                [this](std::shared_ptr<const core::RunnerSnapshot> s) {
                    now_ = s->now;
                    state_ = s->state;
                });
        connect(w_->controller(), &RunController::finished, this,
                [this](std::shared_ptr<const core::RunReport> r) { report_ = std::move(r); });

        QString asked;
        studiotest::whenModal([&asked](QWidget* modal) {
            auto* input = qobject_cast<QInputDialog*>(modal);
            if (!input) {
                modal->close();
                return;
            }
            asked = input->labelText();
            input->setTextValue("1s");
            input->accept();
        });
        w_->action("runUntil")->trigger();
        QVERIFY2(!asked.isEmpty(), "Run until… asked nothing");
        QTRY_VERIFY_WITH_TIMEOUT(now_ == sim::kSecond && state_ == core::RunnerState::Paused,
                                 30000);
        QVERIFY(!report_);  // paused inside the run, not at its end
    }

    // The sequence chart between the coordinator and hospitals[0]: from the first round on,
    // the seven messages of each round's secure aggregation in the protocol's order, each sent
    // once the one before it had arrived, every one drawn and labelled by its kind.
    void sequenceChartShowsARoundInProtocolOrder() {
        QVERIFY(w_);
        QVERIFY(w_->showPanel("sequence-chart"));
        // With room to read it: a third of the window's height at least, once laid out.
        QTRY_VERIFY2(w_->sequenceChartDock()->height() >= w_->height() / 3,
                     qPrintable(QString("%1 of %2 pixels")
                                    .arg(w_->sequenceChartDock()->height())
                                    .arg(w_->height())));
        SequenceChart* chart = w_->sequenceChart();
        SequenceChartArea* area = chart->area();
        const MessageLog* log = nullptr;
        for (MessageLog* l : w_->findChildren<MessageLog*>())
            log = l;
        QVERIFY(log);
        QVERIFY(!log->records().empty());

        // Chosen as a person does: typed into the nodes field.
        QLineEdit* nodes = chart->nodesEdit();
        nodes->selectAll();
        QTest::keyClicks(nodes, "coordinator, hospitals[0]");
        QTest::keyClick(nodes, Qt::Key_Return);
        QCOMPARE(area->nodes().size(), std::size_t{2});
        QCOMPARE(log->nodeName(area->nodes()[0]), QString("coordinator"));
        QCOMPARE(log->nodeName(area->nodes()[1]), QString("hospitals[0]"));
        QVERIFY(!area->rows().empty());

        // The rows in the order they ended; the secure-aggregation ones of the first rounds
        // follow kRound, round after round (four rounds ended before 1 s).
        std::size_t step = 0, rounds = 0;
        sim::SimTime previousArrived = 0, firstRoundEnd = 0;
        QStringList seen;
        for (const std::uint32_t r : area->rows()) {
            const sim::MessageEnd& m = log->records()[r];
            const QString port = log->portName(m.port);
            if (!port.startsWith("secagg.")) continue;
            if (seen.size() < 8) seen << port;
            const Step& expected = kRound[step];
            QVERIFY2(port == expected.port,
                     qPrintable(QString("round %1: %2 where %3 was due; the first: %4")
                                    .arg(rounds + 1)
                                    .arg(port, expected.port, seen.join(", "))));
            QVERIFY(m.delivered);
            const QString from = log->nodeName(m.from), to = log->nodeName(m.to);
            QCOMPARE(from, QString(expected.fromHospital ? "hospitals[0]" : "coordinator"));
            QCOMPARE(to, QString(expected.fromHospital ? "coordinator" : "hospitals[0]"));
            if (step > 0)
                QVERIFY2(m.sentAt >= previousArrived, qPrintable(port));  // it answers the last
            previousArrived = m.endedAt;
            if (rounds == 0 && step + 1 == std::size(kRound)) firstRoundEnd = m.endedAt;
            if (++step == std::size(kRound)) {
                step = 0;
                ++rounds;
            }
        }
        qInfo("hospitals[0]'s first secure-aggregation messages: %s", qPrintable(seen.join(", ")));
        QVERIFY2(rounds >= 4, qPrintable(QString("%1 whole rounds before 1 s").arg(rounds)));

        // The first round from its start, zoomed out with Ctrl+wheel until all of it is in
        // view: every arrow drawn, and every one labelled.
        area->scrollToTime(0);
        const auto inView = [&] {
            const double bottom =
                area->topTime() + (area->viewport()->height() - 40) * area->secondsPerPixel();
            return sim::toSeconds(firstRoundEnd) <= bottom;
        };
        for (int notch = 0; notch < 20 && !inView(); ++notch) {
            const QPointF at(area->viewport()->width() / 2.0, 30);
            QWheelEvent wheel(at, area->viewport()->mapToGlobal(at), QPoint(), QPoint(0, -120),
                              Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(area->viewport(), &wheel);
        }
        QVERIFY(inView());
        area->scrollToTime(0);
        QApplication::processEvents();
        area->viewport()->repaint();
        qInfo("the first round: %zu arrows, %zu labels, at %.3g ms a pixel", area->drawn().arrows,
              area->drawn().labels, area->secondsPerPixel() * 1e3);
        QVERIFY2(area->drawn().arrows > std::size(kRound),  // the model too
                 qPrintable(QString("%1 arrows").arg(area->drawn().arrows)));
        QVERIFY2(area->drawn().labels == area->drawn().arrows,
                 qPrintable(QString("%1 labels on %2 arrows")
                                .arg(area->drawn().labels)
                                .arg(area->drawn().arrows)));
        QCOMPARE(area->drawn().left, std::size_t{0});
        auto* status = chart->findChild<QLabel*>("sequenceStatus");
        QVERIFY(status);
        QVERIFY2(!status->text().startsWith("no node"), qPrintable(status->text()));
        snapshot(chart, "sequence-chart.png");
    }

    // The canvas during the fifth round: the ring choice offers the crypto layer's states; the
    // legend, once they are chosen, lists each party state beside a ring of its colour; and the
    // hospitals wear the colour of the step they are in (none dropped out: dropout is 0 here).
    void canvasRingsShowTheProtocolSteps() {
        QVERIFY(w_);
        NetworkCanvas* canvas = w_->canvas();
        CanvasLegend* legend = canvas->legend();
        QTRY_VERIFY(legend->isVisible());
        QComboBox* ring = legend->ringChoice();
        const QString choice = QString::fromStdString(crypto_->descriptor.name) + " states";
        const int cryptoRing = ring->findText(choice);
        QVERIFY2(cryptoRing > 0, qPrintable(choice));
        QVERIFY(ring->findText("Federated learning states") > 0);

        // Chosen in the combo box as a person does: open it, pick the entry.
        ring->setFocus();
        ring->showPopup();
        QTRY_VERIFY(ring->view()->isVisible());
        ring->view()->setCurrentIndex(ring->model()->index(cryptoRing, 0));
        QTest::keyClick(ring->view(), Qt::Key_Return);
        QTRY_COMPARE(ring->currentIndex(), cryptoRing);
        QTRY_VERIFY(canvas->look().ring() >= 0);
        QCOMPARE(canvas->look().stateLayers()[std::size_t(canvas->look().ring())].id,
                 QString("crypto"));

        // Each state in the legend: its name, with a ring of its colour beside it.
        for (const char* state : kPartyStates) {
            const auto shown = [&]() -> QLabel* {
                for (QLabel* l : legend->findChildren<QLabel*>())
                    if (l->text() == state && l->isVisible()) return l;
                return nullptr;
            };
            QTRY_VERIFY2(shown(), state);
            QLabel* name = shown();
            QLabel* swatch = nullptr;
            for (QLabel* l : name->parentWidget()->findChildren<QLabel*>())
                if (!l->pixmap().isNull()) swatch = l;
            QVERIFY2(swatch, state);
            // The ring's left edge, half way down: fully inside the 3-pixel pen.
            const QImage img = swatch->pixmap().toImage();
            const qreal dpr = swatch->pixmap().devicePixelRatio();
            const QColor drawn = img.pixelColor(int(2.5 * dpr), img.height() / 2);
            const QColor declared = stateColour(state);
            QVERIFY2(qAbs(drawn.red() - declared.red()) <= 8 &&
                         qAbs(drawn.green() - declared.green()) <= 8 &&
                         qAbs(drawn.blue() - declared.blue()) <= 8,
                     qPrintable(QString("%1: drawn %2, declared %3")
                                    .arg(state, drawn.name(), declared.name())));
            QVERIFY2(!name->parentWidget()->toolTip().isEmpty(), state);
        }
        snapshot(canvas, "canvas.png");
        // Each entry with the room its text needs, none written over another: the legend grows
        // to hold the rows of the states just chosen, also while the run is paused.
        QString squeezed;
        for (QLabel* l : legend->findChildren<QLabel*>())
            if (l->isVisible() && !l->text().isEmpty() && l->height() < l->sizeHint().height())
                squeezed += QString(" '%1' %2 of %3 px;")
                                .arg(l->text())
                                .arg(l->height())
                                .arg(l->sizeHint().height());
        QVERIFY2(squeezed.isEmpty(), qPrintable("squeezed:" + squeezed));

        // The hospitals, drawn as one group, ringed by the share of them in each step.
        GroupItem* group = hospitals();
        QVERIFY(group);
        double inStep = 0;
        QStringList shares;
        for (const auto& [colour, share] : group->rings()) {
            for (const char* state : kPartyStates)
                if (colour == stateColour(state)) {
                    shares << QString("%1 %2").arg(state).arg(share);
                    QVERIFY2(QString(state) != "dropped out", "a hospital dropped out");
                    inStep += share;
                }
        }
        qInfo("the hospitals at 1 s: %s", qPrintable(shares.join(", ")));
        QVERIFY2(inStep > 0, "no hospital is in a step of secure aggregation at 1 s");

        // Expanded, each hospital wears its own ring.
        canvas->expandAllGroups(true);
        QTRY_VERIFY(canvas->activityOverlay() != nullptr);
        std::size_t ringed = 0;
        for (const auto& p : canvas->activityOverlay()->rings)
            for (const char* state : kPartyStates)
                if (p.colour == stateColour(state)) ringed += p.at.size();
        QVERIFY2(ringed > 0, "no hospital ringed in a step's colour");
        QCOMPARE(double(ringed) / 20, inStep);
        snapshot(canvas, "canvas-expanded.png");
        snapshot(w_.get(), "window-round5.png");

        canvas->expandAllGroups(false);
    }

    // The inspector while the run is paused: the sessions so far, the last one still open;
    // then, run to the end, one session per round, every one revealed; and the threat view.
    void inspectorListsSessionsAndThreats() {
        QVERIFY(w_);
        QVERIFY(w_->showPanel("inspector"));
        InspectorPanel* panel = w_->inspector();
        InspectorModel* model = panel->model();
        QComboBox* tables = panel->tableChoice();
        const auto choose = [&](const char* table) {
            const int i = tables->findText(QString("(%1)").arg(table), Qt::MatchEndsWith);
            QVERIFY2(i >= 0, table);
            tables->setCurrentIndex(i);
            QCOMPARE(panel->currentTable(), QString(table));
        };

        // Paused in the fifth round: four sessions revealed and the fifth under way.
        choose("crypto.sessions");
        QTRY_VERIFY(model->rowCount() > 0);
        int state = column(model, "state");
        QVERIFY(state >= 0);
        QTRY_COMPARE(model->rowCount(), 5);
        QStringList states;
        for (int r = 0; r < model->rowCount(); ++r)
            states << cell(model, r, state);
        QCOMPARE(states.count("revealed"), 4);
        snapshot(panel, "inspector-sessions-round5.png");

        // Run to the end, fast.
        w_->action("fast")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(report_ != nullptr, 60000);
        QCOMPARE(report_->status, core::RunStatus::Completed);
        const auto* rounds = report_->metric("federated.round");
        const auto* revealed = report_->metric("crypto.secagg_revealed");
        QVERIFY(rounds && revealed);
        QCOMPARE(rounds->value, 30.0);
        QCOMPARE(revealed->value, 30.0);
        QTRY_COMPARE(model->rowCount(), 30);
        state = column(model, "state");
        const int session = column(model, "session"), unmasked = column(model, "unmasked");
        QVERIFY(session >= 0 && unmasked >= 0);
        for (int r = 0; r < model->rowCount(); ++r) {
            QVERIFY2(cell(model, r, state) == "revealed",
                     qPrintable(cell(model, r, session) + ": " + cell(model, r, state)));
            QCOMPARE(cell(model, r, unmasked), QString("20"));
        }
        snapshot(panel, "inspector-sessions.png");

        // Who can see what: the server, under secure aggregation, which this run uses.
        choose("crypto.threats");
        QTRY_VERIFY(model->rowCount() > 0);
        const int observer = column(model, "observer"), protection = column(model, "protection"),
                  inRun = column(model, "in_run"), collusion = column(model, "collusion");
        QVERIFY(observer >= 0 && protection >= 0 && inRun >= 0 && collusion >= 0);
        int server = -1;
        for (int r = 0; r < model->rowCount(); ++r)
            if (cell(model, r, observer) == "the server") server = r;
        QVERIFY2(server >= 0, "no row for the server");
        QCOMPARE(cell(model, server, protection), QString("secure aggregation"));
        QCOMPARE(cell(model, server, inRun), QString("yes"));
        // The weakest session's threshold: 12 of 20, so up to 11 colluding parties.
        QVERIFY2(cell(model, server, collusion).contains("11 of 20"),
                 qPrintable(cell(model, server, collusion)));
        for (int r = 0; r < model->rowCount(); ++r)
            if (cell(model, r, protection) != "secure aggregation")
                QVERIFY2(cell(model, r, inRun) == "no", qPrintable(cell(model, r, observer)));
        snapshot(panel, "inspector-threats.png");
        snapshot(w_.get(), "window-end.png");
    }

    void cleanupTestCase() { w_.reset(); }
};

QTEST_MAIN(TestStudioPrivacy)
#include "tst_studio_privacy.moc"
