// The main window's construction and state: the parts built in order, the run store opened,
// the window layout restored and saved, the theme, and closing with unsaved changes asked about.
// What each of its other files holds is listed in main_window_helpers.h.
#include "ui/main_window.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QMessageBox>
#include <QSettings>

#include "dais/store/run_store.h"
#include "run/live_metrics.h"
#include "run/run_controller.h"
#include "ui/main_window_helpers.h"
#include "ui/network_canvas.h"
#include "ui/scenario_document.h"

// The studio's resources (the guide) live in this static library: registered once, from the
// global namespace as Qt requires.
static void initStudioResources() {
    Q_INIT_RESOURCE(studio);
}

namespace dais::studio {

QStringList problemLines(const std::vector<Problem>& problems) {
    QStringList lines;
    for (const Problem& p : problems)
        lines << QString::fromStdString(p.pointer.empty() ? p.message
                                                          : p.pointer + ": " + p.message);
    return lines;
}

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

void MainWindow::setTheme(Theme theme) {
    theme_ = theme;
    applyTheme(theme);
    QSettings().setValue("ui/theme", themeName(theme));
    if (QAction* a = action("theme-" + themeName(theme))) a->setChecked(true);
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

}  // namespace dais::studio
