#include "ui/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <QFile>

#include <algorithm>
#include <cmath>

#include "charts/chart_widget.h"
#include "dais/core/json_pointer.h"
#include "dais/core/layer_registry.h"
#include "dais/core/units.h"
#include "dais/store/run_store.h"
#include "history/compare_view.h"
#include "history/run_charts_view.h"
#include "history/run_history_panel.h"
#include "history/sweep_dialog.h"
#include "run/event_log.h"
#include "run/live_chart_panel.h"
#include "run/live_metrics.h"
#include "run/run_controller.h"
#include "ui/network_canvas.h"
#include "ui/property_panel.h"
#include "ui/role_palette.h"
#include "ui/scenario_document.h"
#include "ui/scenario_library.h"

// The studio's resources (the guide) live in this static library: registered once, from the
// global namespace as Qt requires.
static void initStudioResources() {
    Q_INIT_RESOURCE(studio);
}

namespace dais::studio {

namespace {

/// The speed slider: 0 is real time (1x); steps of a quarter decade up to 1000x and down to
/// 0.1x.
double speedOf(int slider) {
    return std::pow(10.0, slider / 4.0);
}

/// An action with an object name (tests and the settings find it by that name) that runs `slot`
/// when triggered.
template <class Slot>
QAction* makeAction(MainWindow* window, const QString& name, const QString& text,
                    const QKeySequence& key, Slot slot, const QIcon& icon = {}) {
    auto* a = new QAction(icon, text, window);
    a->setObjectName(name);
    if (!key.isEmpty()) a->setShortcut(key);
    QObject::connect(a, &QAction::triggered, window, slot);
    return a;
}

/// Tells the user why an export failed; nothing when it succeeded.
void warnIfFailed(QWidget* parent, const core::Result<void>& written) {
    if (!written)
        QMessageBox::warning(parent, QObject::tr("Export"),
                             QString::fromStdString(written.error().message));
}

QString formatSeconds(double s) {
    if (s < 60) return QStringLiteral("%1 s").arg(s, 0, 'f', 3);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(int(s / 60)).arg(std::fmod(s, 60), 0, 'f', 1);
    return QStringLiteral("%1 h %2 min").arg(int(s / 3600)).arg(std::fmod(s / 60, 60), 0, 'f', 0);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    initStudioResources();
    theme_ = themeFromName(QSettings().value("ui/theme").toString());
    if (theme_ != Theme::System) applyTheme(theme_);
    doc_ = new ScenarioDocument(this);
    canvas_ = new NetworkCanvas(doc_, this);
    controller_ = new RunController(this);
    metrics_ = new LiveMetrics(this);
    metrics_->attach(controller_);
    buildCentralTabs();
    openRunStore();
    buildActions();
    buildDocks();
    buildStatusBar();
    followDocument();
    followRun();
    restoreWindow();
    rebuildRecentMenu();
    updateTitle();
    updateRunActions();
    refreshLayers();
}

/// The centre: the design canvas, then a tab per stored run or comparison opened.
void MainWindow::buildCentralTabs() {
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("centralTabs");
    tabs_->setDocumentMode(true);
    tabs_->setTabsClosable(true);
    tabs_->setTabBarAutoHide(true);
    tabs_->addTab(canvas_, tr("Design"));
    tabs_->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    tabs_->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    connect(tabs_, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (index <= 0) return;
        QWidget* w = tabs_->widget(index);
        tabs_->removeTab(index);
        w->deleteLater();
    });
    setCentralWidget(tabs_);
}

/// The run store: every run of the studio is kept, as with the CLI.
void MainWindow::openRunStore() {
    if (auto opened = store::RunStore::open(store::defaultStorePath(),
                                            {store::StoreOptions::Mode::ReadWrite, true});
        opened)
        store_ = std::shared_ptr<store::RunStore>(std::move(opened.value()));
    else
        QMessageBox::warning(
            this, tr("Run store"),
            tr("Runs will not be stored: %1").arg(QString::fromStdString(opened.error().message)));
}

/// Validity, simulated time, events per second and progress, at the right of the status bar.
void MainWindow::buildStatusBar() {
    timeLabel_ = new QLabel(this);
    rateLabel_ = new QLabel(this);
    validityLabel_ = new QLabel(this);
    progress_ = new QProgressBar(this);
    progress_->setMaximumWidth(180);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    statusBar()->addPermanentWidget(validityLabel_);
    statusBar()->addPermanentWidget(timeLabel_);
    statusBar()->addPermanentWidget(rateLabel_);
    statusBar()->addPermanentWidget(progress_);
}

/// The title, the validity label, the description and the status line follow the document and the
/// canvas.
void MainWindow::followDocument() {
    connect(doc_, &ScenarioDocument::pathChanged, this, &MainWindow::updateTitle);
    connect(doc_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(doc_, &ScenarioDocument::validated, this, [this] {
        const auto& problems = doc_->problems();
        validityLabel_->setText(problems.empty()
                                    ? tr("✓ valid")
                                    : tr("✗ %n problem(s)", nullptr, int(problems.size())));
        validityLabel_->setStyleSheet(problems.empty() ? "color: #2e8b57" : "color: #d03030");
        QStringList lines;
        for (const Problem& p : problems)
            lines << QString::fromStdString(p.pointer.empty() ? p.message
                                                              : p.pointer + ": " + p.message);
        validityLabel_->setToolTip(lines.join('\n'));
        updateRunActions();
        refreshLayers();
    });
    connect(doc_, &ScenarioDocument::changed, this, [this] {
        if (!descriptionEditor_->hasFocus()) {
            const Json* d = doc_->at("/meta/description");
            const QString text =
                d && d->is_string() ? QString::fromStdString(d->get<std::string>()) : QString();
            description_->setMarkdown(text);
            if (descriptionEditor_->toPlainText() != text) descriptionEditor_->setPlainText(text);
        }
    });
    connect(canvas_, &NetworkCanvas::selectionChanged, this, &MainWindow::selectionChanged);
    connect(canvas_, &NetworkCanvas::message, this,
            [this](const QString& m) { statusBar()->showMessage(m, m.isEmpty() ? 1 : 8000); });
}

/// The run: the canvas shows its network and what it does; the status bar its progress.
void MainWindow::followRun() {
    connect(controller_, &RunController::prepared, this,
            [this](std::shared_ptr<const NetworkStructure> structure) {
                canvas_->setNetworkStructure(std::move(structure));
                canvas_->resetActivity();
                canvas_->fitAll();
                statusBar()->clearMessage();
            });
    connect(controller_, &RunController::activity, this,
            [this](std::shared_ptr<const ActivityBatch> b) { canvas_->applyActivity(*b); });
    connect(controller_, &RunController::snapshot, this,
            [this](std::shared_ptr<const core::RunnerSnapshot> s) { showSnapshot(*s); });
    connect(controller_, &RunController::stateChanged, this, [this](core::RunnerState s) {
        runState_ = s;
        updateRunActions();
    });
    connect(controller_, &RunController::preparing, this, [this] {
        statusBar()->showMessage(tr("Preparing the run…"));
        running_ = true;
        updateRunActions();
    });
    connect(controller_, &RunController::failed, this, [this](const QString& m) {
        running_ = false;
        updateRunActions();
        QMessageBox::warning(this, tr("The run cannot start"), m);
    });
    connect(controller_, &RunController::warning, this,
            [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    connect(
        controller_, &RunController::finished, this,
        [this](std::shared_ptr<const core::RunReport> r) {
            running_ = false;
            updateRunActions();
            history_->refresh();
            const QString stored = controller_->storedRunId()
                                       ? tr(", stored as run %1").arg(*controller_->storedRunId())
                                       : QString();
            statusBar()->showMessage(
                tr("Run %1: %2 events, %3 simulated in %4 s, fingerprint %5%6")
                    .arg(QString::fromStdString(std::string(core::runStatusName(r->status))))
                    .arg(r->events)
                    .arg(formatSeconds(sim::toSeconds(r->simulatedTime)))
                    .arg(r->wallSeconds, 0, 'f', 2)
                    .arg(QString::fromStdString(r->fingerprint), stored));
            if (r->status == core::RunStatus::Failed)
                QMessageBox::warning(this, tr("The run failed"), QString::fromStdString(r->error));
        });
}

/// Window geometry and docks as they were left; a first start gets a sensible layout.
void MainWindow::restoreWindow() {
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry")) resize(1400, 880);
    if (!settings.contains("window/state")) {
        // First start: the canvas gets most of the height; the log and chart share the rest.
        resizeDocks({eventLogDock_}, {250}, Qt::Vertical);
        if (QDockWidget* chart = findChild<QDockWidget*>("chartDock1"))
            resizeDocks({eventLogDock_, chart}, {560, 840}, Qt::Horizontal);
    }
}

MainWindow::~MainWindow() = default;

QAction* MainWindow::action(const QString& name) const {
    return findChild<QAction*>(name);
}

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
    QAction* mini = makeAction(this, "miniMap", tr("&Mini-map"), QKeySequence(tr("Ctrl+M")),
                               [this](bool on) { canvas_->setMiniMapVisible(on); });
    mini->setCheckable(true);
    mini->setChecked(true);
    view->addAction(mini);
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

/// The Run menu and toolbar, with the speed slider.
void MainWindow::buildRunControls() {
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    QToolBar* bar = addToolBar(tr("Run"));
    bar->setObjectName("runToolBar");
    const auto icon = [this](QStyle::StandardPixmap p) { return style()->standardIcon(p); };
    QList<QAction*> runActions = {
        makeAction(
            this, "run", tr("&Run"), QKeySequence(tr("F5")),
            [this] {
                if (running_ && runState_ == core::RunnerState::Paused) {
                    controller_->setAnimate(true);
                    setSpeedFromSlider();
                    controller_->resume();
                } else {
                    startRun(false);
                }
            },
            icon(QStyle::SP_MediaPlay)),
        makeAction(
            this, "fast", tr("&Fast (no animation)"), QKeySequence(tr("Ctrl+F5")),
            [this] {
                if (running_) {
                    controller_->setAnimate(false);
                    controller_->setSpeed(0);
                    canvas_->setAnimateMessages(false);
                    controller_->resume();
                } else {
                    startRun(true);
                }
            },
            icon(QStyle::SP_MediaSeekForward)),
        makeAction(
            this, "step", tr("S&tep"), QKeySequence(tr("F10")),
            [this] {
                if (!running_) {
                    startRun(false);
                    return;
                }
                controller_->step(1);
            },
            icon(QStyle::SP_MediaSkipForward)),
        makeAction(this, "runUntil", tr("Run &until…"), QKeySequence(tr("Ctrl+U")),
                   [this] { runUntilDialog(); }),
        makeAction(
            this, "pause", tr("&Pause"), QKeySequence(tr("F6")), [this] { controller_->pause(); },
            icon(QStyle::SP_MediaPause)),
        makeAction(
            this, "stop", tr("S&top"), QKeySequence(tr("Shift+F5")),
            [this] { controller_->stop(); }, icon(QStyle::SP_MediaStop)),
        makeAction(
            this, "restart", tr("Restart with a &new seed"), QKeySequence(tr("Ctrl+Shift+F5")),
            [this] {
                canvas_->resetActivity();
                controller_->restart(std::nullopt);
            },
            icon(QStyle::SP_BrowserReload)),
    };
    for (QAction* a : runActions) {
        run->addAction(a);
        bar->addAction(a);
    }
    run->addSeparator();
    run->addAction(makeAction(this, "sweep", tr("S&weep…"), QKeySequence(tr("Ctrl+Shift+W")),
                              [this] { openSweepDialog(); }));
    bar->addSeparator();
    buildSpeedSlider(bar);
}

/// Pacing: simulated seconds per wall-clock second, kept across sessions.
void MainWindow::buildSpeedSlider(QToolBar* bar) {
    speed_ = new QSlider(Qt::Horizontal, this);
    speed_->setObjectName("speed");
    speed_->setRange(-4, 12);
    speed_->setValue(QSettings().value("run/speed", 0).toInt());
    speed_->setMaximumWidth(160);
    speed_->setToolTip(tr("Pacing: simulated seconds per wall-clock second (1x is real time)"));
    speedLabel_ = new QLabel(this);
    speedLabel_->setMinimumWidth(70);
    bar->addWidget(new QLabel(tr(" Speed "), this));
    bar->addWidget(speed_);
    bar->addWidget(speedLabel_);
    connect(speed_, &QSlider::valueChanged, this, [this] {
        setSpeedFromSlider();
        QSettings().setValue("run/speed", speed_->value());
    });
    setSpeedFromSlider();
}

void MainWindow::buildEditToolBar() {
    QToolBar* editBar = addToolBar(tr("Edit"));
    editBar->setObjectName("editToolBar");
    editBar->addAction(action("undo"));
    editBar->addAction(action("redo"));
    editBar->addAction(action("connect"));
    editBar->addAction(action("autoLayout"));
    editBar->addAction(action("fit"));
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

void MainWindow::setSpeedFromSlider() {
    const double s = speedOf(speed_->value());
    speedLabel_->setText(s >= 1 ? QStringLiteral("%1x").arg(s, 0, 'g', 3)
                                : QStringLiteral("%1x").arg(s, 0, 'f', 2));
    if (running_ && controller_->animate()) controller_->setSpeed(s);
}

QDockWidget* MainWindow::addDock(const QString& name, const QString& title, QWidget* w,
                                 Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name);
    d->setWidget(w);
    addDockWidget(area, d);
    viewMenu_->addAction(d->toggleViewAction());
    return d;
}

void MainWindow::buildDocks() {
    QDockWidget* palette = addDock("paletteDock", tr("Palette"), new RolePalette(canvas_, this),
                                   Qt::LeftDockWidgetArea);

    // Layers: enable and pick one to configure it in the property panel.
    layers_ = new QListWidget(this);
    layers_->setObjectName("layersList");
    connect(layers_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const std::string id = item->data(Qt::UserRole).toString().toStdString();
        const bool on = item->checkState() == Qt::Checked;
        const std::string layer = core::childPointer("/layers", id);
        const Json* settings = doc_->at(layer);
        if (on && !settings)
            doc_->set(tr("Enable %1").arg(item->text()), layer, Json::object());
        else if (on && settings && settings->contains("enabled"))
            doc_->remove(tr("Enable %1").arg(item->text()), layer + "/enabled");
        else if (!on && settings &&
                 !(settings->contains("enabled") && !(*settings)["enabled"].get<bool>()))
            doc_->set(tr("Disable %1").arg(item->text()), layer + "/enabled", false);
    });
    connect(layers_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        properties_->showTarget(
            core::childPointer("/layers", item->data(Qt::UserRole).toString().toStdString()));
    });
    QDockWidget* layersDock = addDock("layersDock", tr("Layers"), layers_, Qt::LeftDockWidgetArea);
    tabifyDockWidget(palette, layersDock);
    palette->raise();

    // The description: the scenario's teaching text, shown, and edited on demand.
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(4, 4, 4, 4);
    descriptionStack_ = new QStackedWidget(box);
    description_ = new QTextBrowser(box);
    description_->setOpenExternalLinks(true);
    descriptionEditor_ = new QPlainTextEdit(box);
    descriptionEditor_->setObjectName("descriptionEditor");
    descriptionStack_->addWidget(description_);
    descriptionStack_->addWidget(descriptionEditor_);
    auto* editButton = new QPushButton(tr("Edit"), box);
    editButton->setCheckable(true);
    editButton->setToolTip(tr("Edit the description (Markdown)"));
    connect(editButton, &QPushButton::toggled, this, [this, editButton](bool on) {
        descriptionStack_->setCurrentIndex(on ? 1 : 0);
        editButton->setText(on ? tr("Done") : tr("Edit"));
    });
    connect(descriptionEditor_, &QPlainTextEdit::textChanged, this, [this] {
        const std::string text = descriptionEditor_->toPlainText().toStdString();
        const Json* d = doc_->at("/meta/description");
        if (descriptionEditor_->hasFocus() &&
            (!d || !d->is_string() || d->get<std::string>() != text)) {
            doc_->set(tr("Edit the description"), "/meta/description", text, 0x44455343);
            description_->setMarkdown(QString::fromStdString(text));
        }
    });
    v->addWidget(descriptionStack_);
    v->addWidget(editButton, 0, Qt::AlignRight);
    descriptionDock_ = addDock("descriptionDock", tr("Description"), box, Qt::LeftDockWidgetArea);

    properties_ = new PropertyPanel(doc_, this);
    addDock("propertiesDock", tr("Properties"), properties_, Qt::RightDockWidgetArea);

    eventLog_ = new EventLogView(this);
    eventLog_->attach(controller_);
    connect(eventLog_, &EventLogView::nodeActivated, canvas_, &NetworkCanvas::selectNode);
    eventLogDock_ = addDock("eventLogDock", tr("Event log"), eventLog_, Qt::BottomDockWidgetArea);

    // Live charts beside the log: as many as were open last time (at least one).
    const int count = std::clamp(QSettings().value("charts/count", 1).toInt(), 1, 12);
    for (int i = 0; i < count; ++i)
        addChartPanel();
    // Past runs: open one's charts or compare several in the centre.
    history_ = new RunHistoryPanel(store_, this);
    history_->setObjectName("runHistory");
    connect(history_, &RunHistoryPanel::openRunRequested, this,
            [this](qint64 id) { openStoredRun(id); });
    connect(history_, &RunHistoryPanel::compareRequested, this,
            [this](const QList<qint64>& ids) { compareRuns(ids); });
    QDockWidget* historyDock =
        addDock("historyDock", tr("Run history"), history_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(eventLogDock_, historyDock);
    eventLogDock_->raise();

    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        for (LiveChartPanel* p : std::as_const(charts_))
            if (now && (p == now || p->isAncestorOf(now))) lastChart_ = p;
    });
}

LiveChartPanel* MainWindow::addChartPanel() {
    auto* panel = new LiveChartPanel(metrics_, this);
    const int n = int(charts_.size()) + 1;
    panel->setObjectName(QStringLiteral("chartPanel%1").arg(n));
    QDockWidget* previous = charts_.isEmpty()
                                ? eventLogDock_
                                : qobject_cast<QDockWidget*>(charts_.back()->parentWidget());
    charts_ << panel;
    QDockWidget* d = addDock(QStringLiteral("chartDock%1").arg(n), tr("Chart %1").arg(n), panel,
                             Qt::BottomDockWidgetArea);
    if (previous) splitDockWidget(previous, d, Qt::Horizontal);
    d->show();
    return panel;
}

ChartWidget* MainWindow::currentChart() const {
    QWidget* w = tabs_->currentWidget();
    if (auto* run = qobject_cast<RunChartsView*>(w)) return run->chart();
    if (auto* compare = qobject_cast<CompareView*>(w)) return compare->chart();
    LiveChartPanel* p = lastChart_ ? lastChart_ : (charts_.isEmpty() ? nullptr : charts_.front());
    return p ? p->chart() : nullptr;
}

core::Result<void> MainWindow::exportChart(const QString& path) {
    ChartWidget* chart = currentChart();
    if (!chart) return core::Error{tr("There is no chart to export.").toStdString()};
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "csv")
        return core::Error{
            tr("%1: choose a file name ending in .png, .svg or .csv.").arg(path).toStdString()};
    if (suffix == "png") return chart->exportPng(path);
    if (suffix == "svg") return chart->exportSvg(path);
    return chart->exportCsv(path);
}

core::Result<void> MainWindow::exportRunMetrics(const QString& path) {
    return metrics_->exportCsv(path);
}

RunChartsView* MainWindow::openStoredRun(qint64 runId) {
    for (int i = 1; i < tabs_->count(); ++i)
        if (auto* v = qobject_cast<RunChartsView*>(tabs_->widget(i)); v && v->runId() == runId) {
            tabs_->setCurrentIndex(i);
            return v;
        }
    if (!store_) return nullptr;
    auto* view = new RunChartsView(store_, tabs_);
    view->setRun(runId);  // a run that cannot be read shows why in the view's banner
    tabs_->setCurrentIndex(tabs_->addTab(view, tr("Run %1").arg(runId)));
    return view;
}

CompareView* MainWindow::compareRuns(const QList<qint64>& runIds) {
    if (!store_ || runIds.size() < 2) {
        statusBar()->showMessage(tr("Select two or more runs to compare."), 6000);
        return nullptr;
    }
    auto* view = new CompareView(store_, tabs_);
    view->setRuns(runIds);
    QStringList ids;
    for (qint64 id : runIds)
        ids << QString::number(id);
    const int index = tabs_->addTab(view, tr("Compare %1").arg(ids.join(", ")));
    tabs_->setTabToolTip(index, tr("Runs %1 compared").arg(ids.join(", ")));
    tabs_->setCurrentIndex(index);
    return view;
}

SweepDialog* MainWindow::openSweepDialog() {
    doc_->validate();
    if (!doc_->valid() || !doc_->scenario()) {
        QMessageBox::warning(this, tr("Sweep"),
                             tr("The scenario has problems; fix them before sweeping it."));
        return nullptr;
    }
    auto* dialog = new SweepDialog(*doc_->scenario(), store_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SweepDialog::sweepFinished, history_, &RunHistoryPanel::refresh);
    dialog->show();
    return dialog;
}

void MainWindow::setTheme(Theme theme) {
    theme_ = theme;
    applyTheme(theme);
    QSettings().setValue("ui/theme", themeName(theme));
    if (QAction* a = action("theme-" + themeName(theme))) a->setChecked(true);
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

void MainWindow::openLibrary() {
    ScenarioLibraryDialog dialog(scenarioFolders(), this);
    if (!doc_->path().isEmpty()) dialog.choose(doc_->path());
    if (dialog.exec() != QDialog::Accepted || dialog.chosenPath().isEmpty()) return;
    if (maybeSave()) openFile(dialog.chosenPath());
}

void MainWindow::refreshLayers() {
    const QSignalBlocker block(layers_);
    layers_->clear();
    for (const core::LayerFactory* f : core::LayerRegistry::installed().layers()) {
        const core::LayerDescriptor& d = f->descriptor;
        auto* item = new QListWidgetItem(QString::fromStdString(d.name), layers_);
        item->setData(Qt::UserRole, QString::fromStdString(d.id));
        item->setToolTip(QString::fromStdString(d.summary));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        const Json* s = doc_->at(core::childPointer("/layers", d.id));
        const bool on = s && !(s->contains("enabled") && (*s)["enabled"].is_boolean() &&
                               !(*s)["enabled"].get<bool>());
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

void MainWindow::selectionChanged(const CanvasSelection& s) {
    switch (s.kind) {
        case CanvasSelection::Kind::None:
        case CanvasSelection::Kind::Several:
            properties_->showTarget("");
            break;
        default:
            properties_->showTarget(s.pointer);
            break;
    }
}

bool MainWindow::openFile(const QString& path) {
    const auto opened = doc_->open(path);
    if (!opened) {
        QMessageBox::warning(this, tr("Open"), QString::fromStdString(opened.error().message));
        return false;
    }
    addRecent(doc_->path());
    return true;
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (int i = 0; i < recent.size(); ++i) {
        QAction* a = recentMenu_->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(recent[i]).fileName()));
        a->setToolTip(recent[i]);
        const QString path = recent[i];
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave()) openFile(path);
        });
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle() {
    setWindowTitle(QStringLiteral("%1[*] — DAIS Studio").arg(doc_->displayName()));
    setWindowModified(doc_->modified());
}

bool MainWindow::save() {
    if (doc_->path().isEmpty()) return saveAs();
    const auto saved = doc_->save();
    if (!saved) {
        QMessageBox::warning(this, tr("Save"), QString::fromStdString(saved.error().message));
        return false;
    }
    return true;
}

bool MainWindow::saveAs() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save the scenario"), doc_->path(),
                                                tr("DAIS scenarios (*.dais.json)"));
    if (path.isEmpty()) return false;
    if (!path.endsWith(".json")) path += ".dais.json";
    const auto saved = doc_->saveAs(path);
    if (!saved) {
        QMessageBox::warning(this, tr("Save"), QString::fromStdString(saved.error().message));
        return false;
    }
    addRecent(doc_->path());
    return true;
}

bool MainWindow::maybeSave() {
    if (!doc_->modified()) return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved changes"),
        tr("%1 has changes that are not saved. Save them?").arg(doc_->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    controller_->stop();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

void MainWindow::startRun(bool fast) {
    doc_->validate();
    if (!doc_->valid()) {
        QStringList lines;
        for (const Problem& p : doc_->problems())
            lines << QString::fromStdString(p.pointer.empty() ? p.message
                                                              : p.pointer + ": " + p.message);
        QMessageBox::warning(this, tr("The scenario has problems"),
                             tr("Fix these before running:\n\n%1").arg(lines.join('\n')));
        return;
    }
    RunController::StartOptions options;
    options.speed = fast ? 0 : speedOf(speed_->value());
    options.animate = !fast;
    options.store = store_;
    canvas_->setAnimateMessages(!fast);
    canvas_->resetActivity();
    controller_->start(*doc_->scenario(), options);
}

void MainWindow::runUntilDialog() {
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Run until"),
                                               tr("Simulated time to run to (e.g. 30s, 5min):"),
                                               QLineEdit::Normal, "10s", &ok);
    if (!ok) return;
    const auto t = core::parseDuration(text.toStdString());
    if (!t) {
        QMessageBox::warning(this, tr("Run until"), QString::fromStdString(t.error().message));
        return;
    }
    if (!running_) {
        RunController::StartOptions options;
        options.speed = 0;
        options.startPaused = true;
        options.store = store_;
        if (!doc_->valid()) return startRun(false);
        controller_->start(*doc_->scenario(), options);
    }
    controller_->runUntil(*t);
}

void MainWindow::showSnapshot(const core::RunnerSnapshot& s) {
    const double now = sim::toSeconds(s.now);
    timeLabel_->setText(tr("t = %1").arg(formatSeconds(now)));
    rateLabel_->setText(tr("%1 events/s").arg(QLocale().toString(s.eventsPerSecond, 'f', 0)));
    if (s.horizon != sim::kTimeNever && s.horizon > 0)
        progress_->setValue(
            static_cast<int>(1000.0 * static_cast<double>(s.now) / static_cast<double>(s.horizon)));
    else
        progress_->setRange(0, 0);
}

void MainWindow::updateRunActions() {
    const bool going = running_ && runState_ == core::RunnerState::Running;
    action("run")->setEnabled(!going);
    action("fast")->setEnabled(true);
    action("step")->setEnabled(!going);
    action("pause")->setEnabled(going);
    action("stop")->setEnabled(running_);
    action("restart")->setEnabled(running_ || runState_ != core::RunnerState::Ready);
    if (!running_) progress_->setRange(0, 1000);
}

}  // namespace dais::studio
