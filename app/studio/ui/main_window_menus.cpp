// The main window's menus: File (new, open, recent, save, library, exports, close tab, quit),
// Edit (undo, redo, delete, link tool, layout), View (zoom, groups, mini-map, new chart, theme
// and the docks) and Help (the guide, the scenario's description, about), with the edit
// toolbar. The Run menu is in main_window_run.cpp.
#include <QActionGroup>
#include <QDialog>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <utility>

#include "run/live_chart_panel.h"
#include "ui/main_window.h"
#include "ui/main_window_helpers.h"
#include "ui/network_canvas.h"
#include "ui/scenario_document.h"

namespace dais::studio {

namespace {

/// Tells the user why an export failed; nothing when it succeeded.
void warnIfFailed(QWidget* parent, const core::Result<void>& written) {
    if (!written)
        QMessageBox::warning(parent, QObject::tr("Export"),
                             QString::fromStdString(written.error().message));
}

}  // namespace

void MainWindow::buildActions() {
    buildFileMenu();
    buildEditMenu();
    buildViewMenu();
    buildRunControls();
    buildEditToolBar();
    buildHelpMenu();
}

void MainWindow::buildFileMenu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(makeAction(this, "new", tr("&New"), QKeySequence::New, [this] {
        if (maybeSave()) doc_->newScenario();
    }));
    file->addAction(makeAction(this, "open", tr("&Open…"), QKeySequence::Open, [this] {
        if (!maybeSave()) return;
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a scenario"), QFileInfo(doc_->path()).absolutePath(),
            tr("DAIS scenarios (*.dais.json *.json)"));
        if (!path.isEmpty()) openFile(path);
    }));
    recentMenu_ = file->addMenu(tr("Open &recent"));
    file->addAction(makeAction(this, "save", tr("&Save"), QKeySequence::Save, [this] { save(); }));
    file->addAction(
        makeAction(this, "saveAs", tr("Save &as…"), QKeySequence::SaveAs, [this] { saveAs(); }));
    file->addAction(makeAction(this, "library", tr("Scenario &library…"),
                               QKeySequence(tr("Ctrl+Shift+O")), [this] { openLibrary(); }));
    file->addSeparator();
    file->addAction(
        makeAction(this, "exportCanvas", tr("&Export canvas…"), QKeySequence(tr("Ctrl+E")), [this] {
            const QString path =
                QFileDialog::getSaveFileName(this, tr("Export the canvas"), QString(),
                                             tr("PNG image (*.png);;SVG drawing (*.svg)"));
            if (!path.isEmpty()) warnIfFailed(this, canvas_->exportImage(path));
        }));
    file->addAction(makeAction(
        this, "exportChart", tr("Export &chart…"), QKeySequence(tr("Ctrl+Alt+E")), [this] {
            if (!currentChart()) return;
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export the chart"), QString(),
                tr("PNG image (*.png);;SVG drawing (*.svg);;CSV table (*.csv)"));
            if (!path.isEmpty()) warnIfFailed(this, exportChart(path));
        }));
    file->addAction(makeAction(this, "exportMetrics", tr("Export run &metrics (CSV)…"),
                               QKeySequence(tr("Ctrl+Alt+M")), [this] {
                                   const QString path = QFileDialog::getSaveFileName(
                                       this, tr("Export the run's metrics"), QString(),
                                       tr("CSV table (*.csv)"));
                                   if (!path.isEmpty()) warnIfFailed(this, exportRunMetrics(path));
                               }));
    file->addSeparator();
    file->addAction(makeAction(this, "closeTab", tr("Close &tab"), QKeySequence::Close, [this] {
        if (tabs_->currentIndex() > 0) emit tabs_->tabCloseRequested(tabs_->currentIndex());
    }));
    file->addAction(makeAction(this, "quit", tr("&Quit"), QKeySequence::Quit, [this] { close(); }));
}

void MainWindow::buildEditMenu() {
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = doc_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setObjectName("undo");
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = doc_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setObjectName("redo");
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(makeAction(this, "delete", tr("&Delete"), QKeySequence::Delete,
                               [this] { canvas_->deleteSelection(); }));
    edit->addAction(makeAction(this, "connect", tr("&Link tool"), QKeySequence(tr("L")),
                               [this] { canvas_->setTool(NetworkCanvas::Tool::Connect); }));
    edit->addAction(makeAction(this, "autoLayout", tr("&Automatic layout"),
                               QKeySequence(tr("Ctrl+Shift+L")),
                               [this] { canvas_->autoLayout(); }));
}

void MainWindow::buildViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(makeAction(this, "zoomIn", tr("Zoom &in"), QKeySequence::ZoomIn,
                               [this] { canvas_->zoomIn(); }));
    view->addAction(makeAction(this, "zoomOut", tr("Zoom &out"), QKeySequence::ZoomOut,
                               [this] { canvas_->zoomOut(); }));
    view->addAction(makeAction(this, "fit", tr("&Fit the network"), QKeySequence(tr("Ctrl+0")),
                               [this] { canvas_->fitAll(); }));
    view->addAction(makeAction(this, "expandAll", tr("&Expand every group"),
                               QKeySequence(tr("Ctrl+Shift+E")),
                               [this] { canvas_->expandAllGroups(true); }));
    view->addAction(makeAction(this, "collapseAll", tr("&Collapse every group"),
                               QKeySequence(tr("Ctrl+Shift+C")),
                               [this] { canvas_->expandAllGroups(false); }));
    // The mini-map: shown or hidden here, on the edit toolbar or by its own ×, and moved by
    // dragging it; both are kept between sessions.
    QAction* mini = makeAction(this, "miniMap", tr("&Mini-map"), QKeySequence(tr("Ctrl+M")),
                               [this](bool on) { canvas_->setMiniMapVisible(on); });
    mini->setCheckable(true);
    mini->setToolTip(tr("Show or hide the overview of the network (Ctrl+M)"));
    QSettings settings;
    const int corner = settings.value("canvas/miniMapCorner", int(Qt::BottomRightCorner)).toInt();
    if (corner >= Qt::TopLeftCorner && corner <= Qt::BottomRightCorner)
        canvas_->setMiniMapCorner(static_cast<Qt::Corner>(corner));
    const bool shown = settings.value("canvas/miniMap", true).toBool();
    canvas_->setMiniMapVisible(shown);
    mini->setChecked(shown);
    connect(canvas_, &NetworkCanvas::miniMapVisibilityChanged, this, [mini](bool on) {
        mini->setChecked(on);
        QSettings().setValue("canvas/miniMap", on);
    });
    connect(canvas_, &NetworkCanvas::miniMapCornerChanged, this,
            [](Qt::Corner c) { QSettings().setValue("canvas/miniMapCorner", int(c)); });
    view->addAction(mini);
    // The legend of a run's rings and fills, which also chooses them; kept between sessions.
    QAction* legend =
        makeAction(this, "legend", tr("&Legend"), QKeySequence(tr("Ctrl+L")), [this](bool on) {
            canvas_->setLegendVisible(on);
            QSettings().setValue("canvas/legend", on);
        });
    legend->setCheckable(true);
    legend->setToolTip(tr("Show or hide what nodes' rings and fills mean during a run (Ctrl+L)"));
    legend->setChecked(settings.value("canvas/legend", true).toBool());
    canvas_->setLegendVisible(legend->isChecked());
    view->addAction(legend);
    view->addSeparator();
    view->addAction(
        makeAction(this, "newChart", tr("&New chart"), QKeySequence(tr("Ctrl+Shift+N")), [this] {
            LiveChartPanel* panel = addChartPanel();
            QSettings().setValue("charts/count", int(charts_.size()));
            lastChart_ = panel;
        }));
    QMenu* themes = view->addMenu(tr("&Theme"));
    auto* themeGroup = new QActionGroup(this);
    for (const auto& [t, label] : {std::pair{Theme::System, tr("&System")},
                                   {Theme::Light, tr("&Light")},
                                   {Theme::Dark, tr("&Dark")}}) {
        const Theme which = t;
        QAction* a = makeAction(this, "theme-" + themeName(t), label, QKeySequence(),
                                [this, which] { setTheme(which); });
        a->setCheckable(true);
        a->setChecked(t == theme_);
        themeGroup->addAction(a);
        themes->addAction(a);
    }
    view->addSeparator();
    viewMenu_ = view;
}

void MainWindow::buildEditToolBar() {
    QToolBar* editBar = addToolBar(tr("Edit"));
    editBar->setObjectName("editToolBar");
    editBar->addAction(action("undo"));
    editBar->addAction(action("redo"));
    editBar->addAction(action("connect"));
    editBar->addAction(action("autoLayout"));
    editBar->addAction(action("fit"));
    editBar->addAction(action("miniMap"));
}

void MainWindow::buildHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(makeAction(this, "guide", tr("Studio &guide"), QKeySequence::HelpContents,
                               [this] { showGuide(); }));
    help->addAction(makeAction(this, "scenarioHelp", tr("The scenario's &description"),
                               QKeySequence(tr("Shift+F1")), [this] { raiseDescription(); }));
    help->addAction(makeAction(this, "libraryHelp", tr("Scenario &library…"), QKeySequence(),
                               [this] { openLibrary(); }));
    help->addSeparator();
    help->addAction(makeAction(this, "about", tr("&About DAIS Studio"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About DAIS Studio"),
                           tr("<b>DAIS Studio</b><p>Design decentralized-AI networks, "
                              "simulate "
                              "them with a discrete-event engine and compare the runs.</p>"));
    }));
}

void MainWindow::showGuide() {
    if (auto* open = findChild<QDialog*>("guideDialog")) {
        open->show();
        open->raise();
        open->activateWindow();
        return;
    }
    auto* dialog = new QDialog(this);
    dialog->setObjectName("guideDialog");
    dialog->setWindowTitle(tr("DAIS Studio guide"));
    dialog->resize(720, 640);
    auto* text = new QTextBrowser(dialog);
    text->setObjectName("guideText");
    QFile file(":/studio/guide.md");
    if (file.open(QIODevice::ReadOnly)) text->setMarkdown(QString::fromUtf8(file.readAll()));
    auto* v = new QVBoxLayout(dialog);
    v->addWidget(text);
    dialog->show();
}

void MainWindow::raiseDescription() {
    descriptionDock_->show();
    descriptionDock_->raise();
}

}  // namespace dais::studio
