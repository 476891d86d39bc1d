// The canvas as a new user sees it on the default scenario: the mini-map is a small inset that
// can be dragged to another corner and hidden, both remembered; no two labels are drawn over
// each other, at fit zoom or closer. Set DAIS_CANVAS_SNAPSHOTS to a folder to keep the PNGs the
// suite renders there.

#include <QtTest>

#include "window_test.h"

#include <QAction>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QSettings>
#include <QTemporaryDir>

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>

#include "dais/core/layer_registry.h"
#include "run/run_controller.h"
#include "ui/canvas_items.h"
#include "ui/canvas_legend.h"
#include "ui/main_window.h"
#include "ui/mini_map.h"
#include "ui/network_canvas.h"
#include "ui/network_view.h"
#include "ui/scenario_document.h"
#include "ui/scenario_library.h"

using namespace dais::studio;

class TestStudioCanvas : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    /// Writes a widget as drawn to a PNG (kept in DAIS_CANVAS_SNAPSHOTS when set).
    void snapshot(QWidget* widget, const QString& name) {
        studiotest::snapshot(widget, dir_, name);
    }

    /// A main window on the default scenario, drawn and fitted.
    static void openDefault(MainWindow& w) {
        w.resize(1300, 850);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(defaultScenarioPath()));
        QTRY_VERIFY(w.canvas()->nodeItemCount() > 0);
        w.canvas()->fitAll();
    }

    /// Drags the mini-map by its handle to a point of the canvas, in a few moves.
    static void dragMiniMap(NetworkCanvas* canvas, const QPoint& to) {
        MiniMap* map = canvas->miniMap();
        // Grab the handle left of its middle, away from the ×.
        const QPoint grab(map->handleRect().width() / 4, map->handleRect().center().y());
        const QPoint from = map->mapTo(canvas, grab);
        QTest::mousePress(map, Qt::LeftButton, {}, grab);
        for (int step = 1; step <= 4; ++step) {
            const QPoint at = from + (to - from) * step / 4;
            QTest::mouseMove(map, map->mapFrom(canvas, at));
        }
        QTest::mouseRelease(map, Qt::LeftButton, {}, map->mapFrom(canvas, to));
    }

  private slots:
    void initTestCase() {
        studiotest::useTemporaryStoreAndSettings(dir_);
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
    }

    void miniMapIsASmallInsetThatMovesAndHides() {
        QSettings().clear();
        MainWindow w;
        openDefault(w);
        NetworkCanvas* canvas = w.canvas();
        MiniMap* map = canvas->miniMap();
        QVERIFY(map->isVisible());
        QVERIFY(w.action("miniMap")->isChecked());

        // Small: a fifth of the canvas at most each way, and never wider than its cap.
        const auto small = [&] {
            return map->width() <= canvas->width() * MiniMap::kCanvasShare + 1 &&
                   map->height() <= canvas->height() * MiniMap::kCanvasShare + 1 &&
                   map->width() <= MiniMap::kMaxWidth;
        };
        const auto sizes = [&] {
            return QStringLiteral("%1x%2 on a %3x%4 canvas")
                .arg(map->width())
                .arg(map->height())
                .arg(canvas->width())
                .arg(canvas->height());
        };
        QVERIFY2(small(), qPrintable(sizes()));
        // In the lower right corner at first, inside the canvas.
        const int m = MiniMap::kMargin;
        QCOMPARE(canvas->miniMapCorner(), Qt::BottomRightCorner);
        QCOMPARE(map->geometry().bottomRight(),
                 QPoint(canvas->width() - 1 - m, canvas->height() - 1 - m));
        snapshot(canvas, "minimap-bottom-right.png");

        // Dragged by its handle towards the top left, it settles in that corner.
        dragMiniMap(canvas, QPoint(canvas->width() / 3, canvas->height() / 4));
        QCOMPARE(canvas->miniMapCorner(), Qt::TopLeftCorner);
        QCOMPARE(map->geometry().topLeft(), QPoint(m, m));
        QCOMPARE(QSettings().value("canvas/miniMapCorner").toInt(), int(Qt::TopLeftCorner));
        snapshot(canvas, "minimap-top-left.png");

        // Dropped just right of the middle, lower down: the lower right again.
        dragMiniMap(canvas, QPoint(canvas->width() * 3 / 5, canvas->height() * 3 / 4));
        QCOMPARE(canvas->miniMapCorner(), Qt::BottomRightCorner);
        QCOMPARE(map->geometry().bottomRight(),
                 QPoint(canvas->width() - 1 - m, canvas->height() - 1 - m));
        dragMiniMap(canvas, QPoint(canvas->width() * 4 / 5, 20));
        QCOMPARE(canvas->miniMapCorner(), Qt::TopRightCorner);

        // A smaller window: it stays small and in its corner.
        w.resize(1000, 700);
        QTRY_COMPARE(map->geometry().topRight(), QPoint(canvas->width() - 1 - m, m));
        QVERIFY2(small(), qPrintable(sizes()));

        // Its × hides it, the menu's toggle follows, and so does the next start.
        QTest::mouseClick(map, Qt::LeftButton, {}, map->hideButtonRect().center());
        QVERIFY(map->isHidden());
        QVERIFY(!w.action("miniMap")->isChecked());
        QCOMPARE(QSettings().value("canvas/miniMap").toBool(), false);
        {
            MainWindow again;
            QVERIFY(again.canvas()->miniMap()->isHidden());
            QVERIFY(!again.action("miniMap")->isChecked());
            QCOMPARE(again.canvas()->miniMapCorner(), Qt::TopRightCorner);
        }
        w.action("miniMap")->trigger();
        QVERIFY(!map->isHidden());
        QCOMPARE(QSettings().value("canvas/miniMap").toBool(), true);
        QCOMPARE(map->geometry().topRight(), QPoint(canvas->width() - 1 - m, m));
    }

    void labelsOfTheDefaultScenarioDoNotOverlap() {
        MainWindow w;
        openDefault(w);
        NetworkCanvas* canvas = w.canvas();
        canvas->scene()->clearSelection();
        QTest::qWait(0);
        snapshot(canvas->view()->viewport(), "labels-fit.png");

        // Every label drawn at fit zoom has a place of its own.
        const auto overlapping = [&]() -> QString {
            const auto labels = canvas->drawnLabels();
            for (std::size_t i = 0; i < labels.size(); ++i)
                for (std::size_t j = i + 1; j < labels.size(); ++j)
                    if (labels[i].rect.intersects(labels[j].rect))
                        return labels[i].text + " and " + labels[j].text;
            return {};
        };
        const auto drawn = [&](const QString& text) {
            for (const auto& l : canvas->drawnLabels())
                if (l.text == text) return true;
            return false;
        };
        QVERIFY2(overlapping().isEmpty(), qPrintable(overlapping()));
        // The regions' names are all there, the two close ones included: where their first
        // choice (above the disc) would overlap, one of them went elsewhere.
        for (const char* region : {"eu-west", "eu-central", "us-east", "ap-south"})
            QVERIFY2(drawn(region), region);
        QVERIFY(canvas->drawnLabels().size() >= 8);
        // And none reaches past the view's edge.
        const QRectF viewport = canvas->view()->viewport()->rect();
        for (const auto& l : canvas->drawnLabels())
            QVERIFY2(viewport.contains(l.rect), qPrintable(l.text));

        // At other zooms too, node ids included once there is room for them.
        for (int step = 0; step < 6; ++step) {
            canvas->zoomIn();
            QVERIFY2(overlapping().isEmpty(), qPrintable(overlapping()));
        }
        QVERIFY(drawn("dc-eu-west"));
        snapshot(canvas->view()->viewport(), "labels-zoomed.png");

        // Whatever is selected has its label drawn, room or not.
        canvas->fitAll();
        const Json& groups = w.document()->json()["network"]["groups"];
        for (std::size_t k = 0; k < groups.size(); ++k) {
            canvas->selectPointer("/network/groups/" + std::to_string(k));
            const QString id = QString::fromStdString(groups[k]["id"].get<std::string>());
            bool shown = false;
            for (const auto& l : canvas->drawnLabels())
                shown = shown || l.text.startsWith(id + "  ×");
            QVERIFY2(shown, qPrintable(id));
            QVERIFY2(overlapping().isEmpty(), qPrintable(overlapping()));
        }
    }

    // A run of the poisoning scenario: the federated layer's node states ring its clients, the
    // legend names them, and nodes can be filled by a node metric on a scale the legend shows.
    void layerStatesAndMetricFillsDuringARun() {
        QSettings().clear();
        MainWindow w;
        w.resize(1300, 850);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(QFINDTESTDATA("../../../scenarios/poisoning.dais.json")));
        NetworkCanvas* canvas = w.canvas();
        QTRY_VERIFY(canvas->nodeItemCount() > 0);
        QVERIFY(!canvas->legend()->isVisible());  // no run, no legend
        QSignalSpy finished(w.controller(), &RunController::finished);
        w.action("fast")->trigger();
        QVERIFY(finished.wait(60000));
        QTRY_VERIFY(!w.controller()->busy());
        QVERIFY(canvas->legend()->isVisible());

        // Rings: the activity of all layers first, then the federated layer's own states.
        QComboBox* ring = canvas->legend()->ringChoice();
        QCOMPARE(ring->count(), 2);
        QCOMPARE(ring->itemText(1), QString("Federated learning states"));
        ring->setCurrentIndex(1);
        emit ring->activated(1);
        QCOMPARE(canvas->look().ring(), 0);
        const auto* federated = dais::core::LayerRegistry::installed().find("federated");
        QVERIFY(federated);
        const auto colourOf = [&](const char* state) {
            return QColor(QString::fromStdString(
                federated->descriptor.nodeStates[federated->descriptor.nodeState(state)].colour));
        };
        // The last round: 16 honest clients delivered, the 4 attackers' updates were poisoned.
        const auto shareOf = [](const GroupItem* g, const QColor& c) {
            for (const auto& [colour, share] : g->rings())
                if (colour == c) return share;
            return 0.0;
        };
        GroupItem* clients = nullptr;
        for (QGraphicsItem* item : canvas->scene()->items())
            if (item->data(kKind).toInt() == int(ItemKind::Group))
                clients = static_cast<GroupItem*>(item);
        QVERIFY(clients);
        QCOMPARE(shareOf(clients, colourOf("delivered")), 16 / 20.0);
        QCOMPARE(shareOf(clients, colourOf("poisoned")), 4 / 20.0);
        // The legend lists the layer's states with their meaning, and "down".
        const auto listed = [&](const QString& text) {
            for (QLabel* l : canvas->legend()->findChildren<QLabel*>())
                if (l->text() == text && l->isVisible()) return true;
            return false;
        };
        for (const auto& st : federated->descriptor.nodeStates)
            QTRY_VERIFY2(listed(QString::fromStdString(st.name)), st.name.c_str());
        QVERIFY(listed("down"));
        // Expanded, each member wears its ring: four poisoned points.
        canvas->expandAllGroups(true);
        QTRY_VERIFY(canvas->activityOverlay() != nullptr);
        std::size_t poisoned = 0;
        for (const auto& p : canvas->activityOverlay()->rings)
            if (p.colour == colourOf("poisoned")) poisoned += p.at.size();
        QCOMPARE(poisoned, std::size_t{4});
        snapshot(canvas, "states-poisoned.png");

        // Fill by the accuracy each client measured: a scale from its lowest to highest value.
        canvas->expandAllGroups(false);
        QComboBox* fill = canvas->legend()->fillChoice();
        const int accuracy = fill->findText("federated.local_accuracy");
        QVERIFY(accuracy > 0);
        QVERIFY(fill->findText("federated.client_updates") > 0);
        QVERIFY(fill->findText("federated.accuracy") < 0);  // a global metric: not offered
        fill->setCurrentIndex(accuracy);
        emit fill->activated(accuracy);
        QVERIFY(canvas->look().hasValues());
        QVERIFY(canvas->look().low() < canvas->look().high());
        QVERIFY(canvas->look().low() >= 0 && canvas->look().high() <= 1);
        for (QGraphicsItem* item : canvas->scene()->items())
            if (item->data(kKind).toInt() == int(ItemKind::Group))
                clients = static_cast<GroupItem*>(item);
        QVERIFY(clients->fill().isValid());
        QVERIFY2(clients->toolTip().contains("mean"), qPrintable(clients->toolTip()));
        auto* ends = canvas->legend()->findChild<QLabel*>("scaleEnds");
        QVERIFY(ends && ends->isVisible());
        QVERIFY2(ends->text().contains(QString::number(canvas->look().high(), 'g', 4)),
                 qPrintable(ends->text()));
        // Members filled one by one: as many colours as the values call for, more than one.
        canvas->expandAllGroups(true);
        std::size_t filled = 0;
        for (const auto& p : canvas->activityOverlay()->fills)
            filled += p.at.size();
        QCOMPARE(filled, std::size_t{20});
        QVERIFY(canvas->activityOverlay()->fills.size() > 1);
        snapshot(canvas, "fill-accuracy.png");

        // Back to design: a new run's legend starts over; View > Legend hides it.
        w.action("legend")->trigger();
        QVERIFY(!canvas->legend()->isVisible());
        w.action("legend")->trigger();
        QVERIFY(canvas->legend()->isVisible());
    }
};

QTEST_MAIN(TestStudioCanvas)
#include "tst_studio_canvas.moc"
