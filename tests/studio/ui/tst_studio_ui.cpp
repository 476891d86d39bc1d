// The studio's flows, driven as a user drives them: build a scenario from the palette with
// clicks, link two nodes, edit properties (and see an invalid value refused inline), edit the
// scenario's tags as a list, undo and redo, save and reopen; run a scenario and stop it; watch a
// live chart gain points, compare two stored runs and export charts and metrics; browse the
// scenario library, read the guide and switch themes.

#include <QtTest>

#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QUndoStack>

#include "charts/chart_widget.h"
#include "dais/core/runner.h"
#include "history/compare_view.h"
#include "history/run_charts_view.h"
#include "history/run_history_panel.h"
#include "history/run_list_model.h"
#include "run/live_chart_panel.h"
#include "run/run_controller.h"
#include "ui/endowments_editor.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"
#include "ui/network_view.h"
#include "ui/property_panel.h"
#include "ui/scenario_document.h"
#include "ui/scenario_library.h"
#include "ui/string_list_editor.h"
#include "ui/theme.h"

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
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.filePath("config"));
        QVERIFY(!QApplication::font().family().isEmpty());
    }

    static QString readText(const QString& path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
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

    void invalidValueShownInline() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.properties()->showTarget("");
        auto* seed = qobject_cast<QLineEdit*>(w.properties()->editorFor("/run/seed"));
        QVERIFY(seed);
        seed->selectAll();
        QTest::keyClicks(seed, "-5");
        QTest::keyClick(seed, Qt::Key_Return);
        // The validator's message appears under the field (validation follows the edit).
        QTRY_VERIFY(w.properties()->problemFor("/run/seed").contains("expected an integer >= 0"));
        QVERIFY(!w.document()->valid());
        // The sweep refuses a scenario with problems (as the run does) and nothing starts.
        w.document()->undoStack()->undo();
        QTRY_VERIFY(w.properties()->problemFor("/run/seed").isEmpty());
        QVERIFY(w.document()->valid());
    }

    // The scenario's money in its property panel: turned on with a token, endowments edited as
    // rows (who, how many tokens each), each change one undoable edit the validator checks.
    void paymentsEditedInTheScenarioPanel() {
        MainWindow w;
        w.resize(1300, 850);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(QFINDTESTDATA("../../../scenarios/hospitals.dais.json")));
        ScenarioDocument* doc = w.document();
        QVERIFY(doc->at("/payments") == nullptr);
        w.properties()->showTarget("");
        auto* on = qobject_cast<QCheckBox*>(w.properties()->editorFor("/payments"));
        QVERIFY(on);
        QVERIFY(!on->isChecked());
        QVERIFY(w.properties()->editorFor("/payments/endowments") == nullptr);
        on->setChecked(true);
        QCOMPARE(doc->json()["payments"]["token"]["symbol"].get<std::string>(),
                 std::string("DAIS"));
        const auto editor = [&w] {
            return qobject_cast<EndowmentsEditor*>(
                w.properties()->editorFor("/payments/endowments"));
        };
        QTRY_VERIFY(editor());
        QCOMPARE(editor()->table()->rowCount(), 0);

        // A row to every client, then its amount: each a change of the document.
        QTest::mouseClick(editor()->addButton(), Qt::LeftButton);
        QCOMPARE(doc->json()["payments"]["endowments"].size(), std::size_t(1));
        QTRY_COMPARE(editor()->table()->rowCount(), 1);
        editor()->table()->item(0, EndowmentsEditor::Who)->setText("client");
        QTRY_COMPARE(editor()->table()->rowCount(), 1);
        editor()->table()->item(0, EndowmentsEditor::Amount)->setText("12.5");
        const Json e = doc->json()["payments"]["endowments"][0];
        QCOMPARE(e["role"].get<std::string>(), std::string("client"));
        QCOMPARE(e["amount"].get<std::string>(), std::string("12.5"));
        QTRY_VERIFY(doc->valid());
        // The rebuilt form shows what the document holds.
        QTRY_COMPARE(editor()->table()->item(0, EndowmentsEditor::Amount)->text(), QString("12.5"));
        // A recipient no node is refused by the validator, named under the field.
        editor()->table()->item(0, EndowmentsEditor::Who)->setText("nobody");
        QTRY_VERIFY(!doc->valid());
        QTRY_VERIFY2(w.properties()->problemFor("/payments/endowments").contains("nobody"),
                     qPrintable(w.properties()->problemFor("/payments/endowments")));
        doc->undoStack()->undo();
        QTRY_VERIFY(doc->valid());
        // Removing the row, then the section; undo brings each back.
        QTRY_VERIFY(editor());
        editor()->table()->selectRow(0);
        QTest::mouseClick(editor()->removeButton(), Qt::LeftButton);
        QCOMPARE(doc->json()["payments"]["endowments"].size(), std::size_t(0));
        QTRY_VERIFY(qobject_cast<QCheckBox*>(w.properties()->editorFor("/payments")));
        qobject_cast<QCheckBox*>(w.properties()->editorFor("/payments"))->setChecked(false);
        QVERIFY(doc->at("/payments") == nullptr);
        doc->undoStack()->undo();
        QVERIFY(doc->at("/payments") != nullptr);
    }

    void tagsEditedAsAList() {
        MainWindow w;
        w.resize(1300, 850);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(defaultScenarioPath()));
        ScenarioDocument* doc = w.document();
        const Json original = doc->json()["meta"]["tags"];
        QCOMPARE(original.size(), std::size_t(5));
        const auto tags = [doc] { return doc->json()["meta"]["tags"]; };
        // The panel's form is made again after every edit: always ask for the current editor.
        const auto editor = [&w] {
            return qobject_cast<StringListEditor*>(w.properties()->editorFor("/meta/tags"));
        };
        w.properties()->showTarget("");
        QVERIFY(editor());
        QCOMPARE(editor()->list()->count(), 5);
        QCOMPARE(editor()->list()->item(0)->text(), QString("network"));
        QUndoStack* undo = doc->undoStack();
        const int before = undo->count();

        // Add one: type it and press Add.
        QTest::keyClicks(editor()->newEntry(), "  gpu ");
        QTest::mouseClick(editor()->addButton(), Qt::LeftButton);
        QCOMPARE(tags().size(), std::size_t(6));
        QCOMPARE(tags()[5].get<std::string>(), std::string("gpu"));
        QTRY_COMPARE(editor()->list()->count(), 6);

        // An empty tag and one already there (in another case) are refused, saying why.
        QTest::mouseClick(editor()->addButton(), Qt::LeftButton);
        QCOMPARE(editor()->message(), QString("A tag cannot be empty."));
        QTest::keyClicks(editor()->newEntry(), "Edge");
        QTest::keyClick(editor()->newEntry(), Qt::Key_Return);
        QCOMPARE(editor()->message(), QString("\"edge\" is already a tag."));
        QCOMPARE(tags().size(), std::size_t(6));
        QCOMPARE(undo->count(), before + 1);

        // Rename in place: F2 on the first row, type, Return.
        QListWidget* list = editor()->list();
        list->setFocus();
        list->setCurrentRow(0);
        QTest::keyClick(list, Qt::Key_F2);
        QLineEdit* inPlace = editor()->renameLine();
        QVERIFY(inPlace && inPlace->isVisible());
        QCOMPARE(inPlace->text(), QString("network"));
        QTest::keyClicks(inPlace, "telemetry");  // its text is selected: typing replaces it
        QTest::keyClick(inPlace, Qt::Key_Return);
        QCOMPARE(tags()[0].get<std::string>(), std::string("telemetry"));
        QTRY_COMPARE(editor()->list()->item(0)->text(), QString("telemetry"));
        // A rename to a tag already there is refused, and the row keeps its name.
        QVERIFY(!editor()->rename(0, "cloud"));
        QCOMPARE(editor()->message(), QString("\"cloud\" is already a tag."));
        QCOMPARE(editor()->list()->item(0)->text(), QString("telemetry"));
        QCOMPARE(tags()[0].get<std::string>(), std::string("telemetry"));

        // Remove the one added: select it, press Remove.
        editor()->list()->setCurrentRow(5);
        QTest::mouseClick(editor()->removeButton(), Qt::LeftButton);
        QCOMPARE(tags().size(), std::size_t(5));
        QCOMPARE(tags()[4].get<std::string>(), std::string("default"));
        QCOMPARE(undo->count(), before + 3);

        // Each was one undoable edit: undo takes them back in turn, and the list follows.
        undo->undo();
        QCOMPARE(tags().size(), std::size_t(6));
        undo->undo();
        QCOMPARE(tags()[0].get<std::string>(), std::string("network"));
        QTRY_COMPARE(editor()->list()->item(0)->text(), QString("network"));
        undo->undo();
        QCOMPARE(tags(), original);
        QTRY_COMPARE(editor()->values().size(), 5);
        undo->redo();
        QCOMPARE(tags()[5].get<std::string>(), std::string("gpu"));
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
        // The opened network is drawn at once, and its group expands to its ten members.
        QVERIFY(w.canvas()->networkStructure());
        const int collapsed = w.canvas()->drawnNodeCount();
        w.canvas()->expandAllGroups(true);
        QCOMPARE(w.canvas()->drawnNodeCount(), collapsed - 1 + 10);
        w.canvas()->expandAllGroups(false);
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

    void liveChartCompareAndExport() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(QStringLiteral(DAIS_SOURCE_DIR) + "/scenarios/hospitals.dais.json"));
        ScenarioDocument* doc = w.document();
        doc->set("Fewer rounds", "/layers/federated/rounds", 6);
        doc->validate();
        QVERIFY(doc->valid());
        QVERIFY(!w.chartPanels().isEmpty());
        LiveChartPanel* panel = w.chartPanels().front();
        RunController* c = w.controller();
        QSignalSpy finished(c, &RunController::finished);

        // An animated run at 0.1x (six rounds of 50 ms last 3 s): the chart shows the accuracy and
        // gains points as it goes.
        w.findChild<QSlider*>("speed")->setValue(-4);
        w.startRun(false);
        QTRY_VERIFY_WITH_TIMEOUT(
            panel->chart()->seriesCount() > 0 && panel->chart()->pointCount(0) > 0, 30000);
        QCOMPARE(panel->checkedSeries(), QStringList{"federated.accuracy"});
        const std::size_t early = panel->chart()->pointCount(0);
        QTRY_VERIFY_WITH_TIMEOUT(panel->chart()->pointCount(0) > early, 30000);
        QVERIFY(finished.wait(60000));
        const qint64 first = c->storedRunId().value_or(0);
        QVERIFY(first > 0);

        // A second run with another learning rate, as fast as possible.
        doc->set("Learning rate", "/layers/federated/learning_rate", 0.2);
        doc->validate();
        w.startRun(true);
        QVERIFY(finished.wait(60000));
        const qint64 second = c->storedRunId().value_or(0);
        QVERIFY(second > first);

        // Both are in the history; comparing them opens a tab with the two runs overlaid.
        QTRY_VERIFY(w.history()->model()->rowCount() >= 2);
        w.history()->selectRuns({first, second});
        QVERIFY(w.history()->compareAction()->isEnabled());
        w.history()->compareAction()->trigger();
        auto* compare = qobject_cast<CompareView*>(w.centralTabs()->currentWidget());
        QVERIFY(compare);
        QList<qint64> compared = compare->runIds();
        std::sort(compared.begin(), compared.end());
        QCOMPARE(compared, (QList<qint64>{first, second}));
        QCOMPARE(compare->chart()->seriesCount(), 2);
        QStringList differing;
        for (int r = 0; r < compare->parameterTable()->rowCount(); ++r)
            differing << compare->parameterTable()->item(r, 0)->text();
        QVERIFY2(differing.join(' ').contains("learning_rate"), qPrintable(differing.join(' ')));

        // Export the comparison's chart as PNG, SVG and CSV, and check each file.
        const QString png = dir_.filePath("compare.png");
        // A failed export's message, for QVERIFY2.
        const auto why = [](const dais::core::Result<void>& r) {
            return r ? QByteArray() : QByteArray::fromStdString(r.error().message);
        };
        const auto pngWritten = w.exportChart(png);
        QVERIFY2(pngWritten, why(pngWritten).constData());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 200 && image.height() >= 150);
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 5);  // axes, text and two lines, not a blank image
        QVERIFY(w.exportChart(dir_.filePath("compare.svg")));
        QVERIFY(readText(dir_.filePath("compare.svg")).contains("<svg"));
        QVERIFY(w.exportChart(dir_.filePath("compare.csv")));
        const QStringList csv =
            readText(dir_.filePath("compare.csv")).split('\n', Qt::SkipEmptyParts);
        QVERIFY(csv.size() > 3);
        const auto txt = w.exportChart(dir_.filePath("compare.txt"));
        QVERIFY(!txt);
        QVERIFY(QString::fromStdString(txt.error().message).contains(".png"));

        // Back on the design tab, the live chart and the run's metrics export.
        w.centralTabs()->setCurrentIndex(0);
        QVERIFY(w.exportChart(dir_.filePath("live.csv")));
        QVERIFY(readText(dir_.filePath("live.csv")).contains("federated.accuracy"));
        const auto metricsWritten = w.exportRunMetrics(dir_.filePath("metrics.csv"));
        QVERIFY2(metricsWritten, why(metricsWritten).constData());
        const QString metrics = readText(dir_.filePath("metrics.csv"));
        QVERIFY(metrics.startsWith("metric,statistic,unit,time_s,value\n"));
        QVERIFY(metrics.contains("\nfederated.accuracy,value,"));

        // A stored run's charts open in their own tab; Ctrl+W closes it.
        w.history()->selectRuns({first});
        w.history()->openAction()->trigger();
        auto* run = qobject_cast<RunChartsView*>(w.centralTabs()->currentWidget());
        QVERIFY(run);
        QCOMPARE(run->runId(), first);
        QVERIFY(run->chart()->seriesCount() > 0);
        const int tabs = w.centralTabs()->count();
        w.action("closeTab")->trigger();
        QTRY_COMPARE(w.centralTabs()->count(), tabs - 1);

        // Another chart panel: a second dock over the same run.
        const auto before = w.chartPanels().size();
        w.action("newChart")->trigger();
        QCOMPARE(w.chartPanels().size(), before + 1);
        QVERIFY(w.chartPanels().back()->isVisible());
    }

    void libraryGuideAndThemes() {
        QTemporaryDir lib;
        QVERIFY(
            QFile::copy(QStringLiteral(DAIS_SOURCE_DIR) + "/scenarios/single-link-queue.dais.json",
                        lib.filePath("queue.dais.json")));
        QFile broken(lib.filePath("broken.dais.json"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"meta\": ");
        broken.close();
        qputenv("DAIS_SCENARIOS", lib.path().toUtf8());
        const QStringList folders = scenarioFolders();
        qunsetenv("DAIS_SCENARIOS");
        QCOMPARE(folders.front(), QFileInfo(lib.path()).canonicalFilePath());
        QVERIFY(folders.contains(
            QFileInfo(QStringLiteral(DAIS_SOURCE_DIR) + "/scenarios").canonicalFilePath()));
        QVERIFY(defaultScenarioPath().endsWith("/continental-edge-cloud.dais.json"));

        // The library lists both files; the broken one says why and cannot be opened.
        ScenarioLibraryDialog dialog({lib.path()});
        QCOMPARE(dialog.list()->count(), 2);
        QVERIFY(dialog.choose(lib.filePath("queue.dais.json")));
        QCOMPARE(dialog.chosenPath(), lib.filePath("queue.dais.json"));
        QVERIFY(dialog.description()->toPlainText().contains("One link as a queue"));
        QVERIFY(dialog.choose(lib.filePath("broken.dais.json")));
        QVERIFY(dialog.chosenPath().isEmpty());
        QVERIFY(dialog.description()->toPlainText().contains("cannot be opened"));
        dialog.filterEdit()->setText("queue");
        QVERIFY(dialog.list()->item(0)->isHidden() != dialog.list()->item(1)->isHidden());
        QCOMPARE(dialog.chosenPath(), lib.filePath("queue.dais.json"));

        // The guide opens from Help.
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.action("guide")->trigger();
        auto* guide = w.findChild<QTextBrowser*>("guideText");
        QVERIFY(guide && guide->isVisible());
        QVERIFY(guide->toPlainText().contains("Run it"));

        // Dark and light themes: the canvas follows, and the choice is kept.
        const auto corner = [&w] {
            return w.canvas()->view()->viewport()->grab().toImage().pixelColor(4, 4).lightness();
        };
        w.setTheme(Theme::Dark);
        QVERIFY(paletteIsDark());
        QCOMPARE(QSettings().value("ui/theme").toString(), QStringLiteral("dark"));
        QVERIFY(w.action("theme-dark")->isChecked());
        QTRY_VERIFY2(corner() < 80, qPrintable(QString::number(corner())));
        w.setTheme(Theme::Light);
        QVERIFY(!paletteIsDark());
        QTRY_VERIFY2(corner() > 200, qPrintable(QString::number(corner())));
        w.setTheme(Theme::System);
    }
};

QTEST_MAIN(TestStudioUi)
#include "tst_studio_ui.moc"
