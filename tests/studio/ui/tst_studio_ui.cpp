// The studio's design flows, driven as a user drives them: build a scenario from the palette
// with clicks, link two nodes, edit properties (and see an invalid value refused inline),
// undo and redo, save and reopen, then run a scenario and stop it.

#include <QtTest>

#include <QAction>
#include <QLineEdit>
#include <QListWidget>
#include <QTemporaryDir>

#include "dais/core/runner.h"
#include "run/run_controller.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"
#include "ui/property_panel.h"
#include "ui/scenario_document.h"

using namespace dais::studio;

class TestStudioUi : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    /// Clicks the palette entry with this text, then the canvas at a viewport point.
    static void placeFromPalette(MainWindow& w, const QString& label, QPoint at) {
        auto* list = w.findChild<QListWidget*>("paletteList");
        QVERIFY(list);
        const auto items = list->findItems(label, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        const QRect r = list->visualItemRect(items.front());
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, r.center());
        QCOMPARE(w.canvas()->tool(), NetworkCanvas::Tool::Place);
        QTest::mouseClick(w.canvas()->view()->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(w.canvas()->tool(), NetworkCanvas::Tool::Select);
    }

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        qputenv("DAIS_STORE", dir_.filePath("runs.sqlite").toUtf8());
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(!QApplication::font().family().isEmpty());
    }

    void buildEditUndoSaveReopen() {
        MainWindow w;
        w.resize(1300, 850);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ScenarioDocument* doc = w.document();
        QCOMPARE(doc->json()["network"]["nodes"].size(), std::size_t(0));

        placeFromPalette(w, "Server", QPoint(200, 200));
        placeFromPalette(w, "Hospital", QPoint(450, 260));
        const Json& nodes = doc->json()["network"]["nodes"];
        QCOMPARE(nodes.size(), std::size_t(2));
        QCOMPARE(nodes[0]["id"].get<std::string>(), std::string("server-1"));
        QCOMPARE(nodes[1]["role"].get<std::string>(), std::string("hospital"));
        QVERIFY(nodes[1]["position"].is_array());
        QTRY_VERIFY(doc->valid());
        QTRY_COMPARE(w.canvas()->nodeItemCount(), 2);

        // Link them with the link tool: press on one, release on the other.
        w.action("connect")->trigger();
        QGraphicsView* view = w.canvas()->view();
        const QPoint a = view->mapFromScene(w.canvas()->nodeScenePos(0));
        const QPoint b = view->mapFromScene(w.canvas()->nodeScenePos(1));
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, a);
        QTest::mouseMove(view->viewport(), (a + b) / 2);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, b);
        QCOMPARE(doc->json()["network"]["links"].size(), std::size_t(1));
        QCOMPARE(doc->json()["network"]["links"][0]["to"].get<std::string>(),
                 std::string("hospital-1"));

        // Select the server and edit its role in the property panel.
        w.canvas()->selectPointer("/network/nodes/0");
        QCOMPARE(w.properties()->target(), std::string("/network/nodes/0"));
        auto* role = qobject_cast<QLineEdit*>(w.properties()->editorFor("/network/nodes/0/role"));
        QVERIFY(role);
        role->selectAll();
        QTest::keyClicks(role, "aggregator");
        QTest::keyClick(role, Qt::Key_Return);
        QCOMPARE(doc->json()["network"]["nodes"][0]["role"].get<std::string>(),
                 std::string("aggregator"));

        // An invalid value: shown under its field with the validator's message, not runnable.
        w.properties()->showTarget("");
        auto* seed = qobject_cast<QLineEdit*>(w.properties()->editorFor("/run/seed"));
        QVERIFY(seed);
        seed->selectAll();
        QTest::keyClicks(seed, "-5");
        QTest::keyClick(seed, Qt::Key_Return);
        doc->validate();
        QVERIFY(!doc->valid());
        QCOMPARE(doc->problemsAt("/run/seed").size(), std::size_t(1));
        QVERIFY(QString::fromStdString(doc->problemsAt("/run/seed").front().message)
                    .contains("expected an integer >= 0"));

        // Undo takes the seed back, then the role; redo brings the role again.
        QUndoStack* undo = doc->undoStack();
        undo->undo();
        doc->validate();
        QVERIFY(doc->valid());
        QVERIFY(doc->problemsAt("/run/seed").empty());
        undo->undo();
        QCOMPARE(doc->json()["network"]["nodes"][0]["role"].get<std::string>(),
                 std::string("server"));
        undo->redo();
        QCOMPARE(doc->json()["network"]["nodes"][0]["role"].get<std::string>(),
                 std::string("aggregator"));
        QVERIFY(doc->modified());

        // Save and reopen: the same document, byte for byte.
        const QString path = dir_.filePath("built.dais.json");
        QVERIFY(doc->saveAs(path));
        QVERIFY(!doc->modified());
        const Json saved = doc->json();
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        MainWindow w2;
        QVERIFY(w2.openFile(path));
        QCOMPARE(w2.document()->json(), saved);
        QVERIFY(w2.document()->saveAs(dir_.filePath("again.dais.json")));
        QFile g(dir_.filePath("again.dais.json"));
        QVERIFY(g.open(QIODevice::ReadOnly));
        QCOMPARE(g.readAll(), bytes);
        QTRY_VERIFY(w2.document()->valid());
        QTRY_COMPARE(w2.canvas()->nodeItemCount(), 2);

        // Deleting a node takes its link with it, in one undoable step.
        w2.canvas()->selectPointer("/network/nodes/1");
        w2.canvas()->deleteSelection();
        QCOMPARE(w2.document()->json()["network"]["nodes"].size(), std::size_t(1));
        QCOMPARE(w2.document()->json()["network"]["links"].size(), std::size_t(0));
        w2.document()->undoStack()->undo();
        QCOMPARE(w2.document()->json()["network"]["nodes"].size(), std::size_t(2));
        QCOMPARE(w2.document()->json()["network"]["links"].size(), std::size_t(1));
    }

    void badFileIsRefused() {
        const QString path = dir_.filePath("broken.dais.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"dais-scenario\", ");
        f.close();
        ScenarioDocument doc;
        const auto r = doc.open(path);
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error().message).contains("broken.dais.json"));
        QVERIFY(!doc.open(dir_.filePath("missing.dais.json")));
    }

    void runAndStop() {
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(QStringLiteral(DAIS_SOURCE_DIR) + "/scenarios/hospitals.dais.json"));
        QTRY_VERIFY(w.document()->valid());
        RunController* c = w.controller();
        QSignalSpy prepared(c, &RunController::prepared);
        QSignalSpy snapshots(c, &RunController::snapshot);
        QSignalSpy activity(c, &RunController::activity);
        QSignalSpy finished(c, &RunController::finished);
        w.startRun(false);
        QVERIFY(prepared.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(activity.size() >= 1, 20000);
        QVERIFY(!w.action("run")->isEnabled() || c->state() != dais::core::RunnerState::Running);
        w.action("stop")->trigger();
        QVERIFY(finished.wait(30000));
        const auto report =
            finished.front().front().value<std::shared_ptr<const dais::core::RunReport>>();
        QVERIFY(report);
        QCOMPARE(report->status, dais::core::RunStatus::Stopped);
        QVERIFY(c->storedRunId().has_value());
        QVERIFY(w.canvas()->drawnNodeCount() > 0);
    }
};

QTEST_MAIN(TestStudioUi)
#include "tst_studio_ui.moc"
