#pragma once
// The studio's main window: the canvas in the middle (with stored runs and comparisons opened
// as further tabs); the palette, layers and description on the left; the properties on the
// right; the event log, live charts, run history, inspector and trace below; the run toolbar and a
// status bar with simulated time, events per second and progress. Window layout, recent files,
// theme and preferences are kept with QSettings.

#include <QMainWindow>

#include <memory>

#include "dais/core/result.h"
#include "dais/core/runner.h"
#include "ui/theme.h"

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QSlider;
class QTextBrowser;
class QPlainTextEdit;
class QListWidget;
class QStackedWidget;
class QTabWidget;
class QToolBar;
class QDockWidget;

namespace dais::store {
class RunStore;
}

namespace dais::studio {

class ScenarioDocument;
class NetworkCanvas;
class PropertyPanel;
class RunController;
class EventLogView;
class MessageLog;
class InspectorPanel;
class TracePanel;
class SequenceChart;
class LiveMetrics;
class LiveChartPanel;
class RunHistoryPanel;
class RunChartsView;
class CompareView;
class SweepDialog;
class ChartWidget;
struct CanvasSelection;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a scenario file; false (after telling the user why) when it cannot be read.
    bool openFile(const QString& path);

    ScenarioDocument* document() const { return doc_; }
    NetworkCanvas* canvas() const { return canvas_; }
    PropertyPanel* properties() const { return properties_; }
    RunController* controller() const { return controller_; }
    EventLogView* eventLog() const { return eventLog_; }
    SequenceChart* sequenceChart() const { return sequenceChart_; }
    InspectorPanel* inspector() const { return inspector_; }
    TracePanel* tracePanel() const { return trace_; }
    /// Shows and raises a panel by name, with room to read it: "event-log", "history",
    /// "inspector", "sequence-chart", "trace". False for a name no panel has.
    bool showPanel(const QString& name);
    /// The names showPanel() knows.
    static QStringList panelNames();
    QDockWidget* sequenceChartDock() const { return sequenceDock_; }
    QAction* action(const QString& name) const;
    QTabWidget* centralTabs() const { return tabs_; }
    LiveMetrics* liveMetrics() const { return metrics_; }
    RunHistoryPanel* history() const { return history_; }
    std::shared_ptr<store::RunStore> runStore() const { return store_; }

    /// The live chart panels, in the order they were opened.
    QList<LiveChartPanel*> chartPanels() const { return charts_; }
    /// Opens another live chart panel (a dock beside the others) and returns it.
    LiveChartPanel* addChartPanel();
    /// The chart "Export chart" writes: the current tab's when it is a stored run or a
    /// comparison, else the live chart panel used last.
    ChartWidget* currentChart() const;
    /// Writes the current chart as PNG, SVG or CSV, by the file's extension.
    core::Result<void> exportChart(const QString& path);
    /// Writes every metric point of the current run as CSV.
    core::Result<void> exportRunMetrics(const QString& path);

    /// Opens a stored run's charts in a tab (or shows its tab when it is open).
    RunChartsView* openStoredRun(qint64 runId);
    /// Compares stored runs in a tab.
    CompareView* compareRuns(const QList<qint64>& runIds);
    /// Opens the sweep dialog on the current scenario (nullptr when it has problems).
    SweepDialog* openSweepDialog();

    void setTheme(Theme theme);
    Theme theme() const { return theme_; }

    /// Starts a run: animated at the slider's speed, or as fast as possible.
    void startRun(bool fast);

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    // Building the window, in this order.
    void buildCentralTabs();
    void openRunStore();
    void buildActions();
    void buildFileMenu();
    void buildEditMenu();
    void buildViewMenu();
    void buildRunControls();
    void buildSpeedSlider(QToolBar* bar);
    void buildEditToolBar();
    void buildHelpMenu();
    void buildDocks();
    QListWidget* buildLayersList();
    QWidget* buildDescription();
    void buildStatusBar();
    void followDocument();
    void followRun();
    void restoreWindow();

    void updateTitle();
    void updateRunActions();
    void showSnapshot(const core::RunnerSnapshot& s);
    void selectionChanged(const CanvasSelection& s);
    void refreshLayers();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    bool maybeSave();
    bool save();
    bool saveAs();
    void runUntilDialog();
    void setSpeedFromSlider();
    void showGuide();
    void openLibrary();
    void raiseDescription();
    QDockWidget* addDock(const QString& name, const QString& title, QWidget* w,
                         Qt::DockWidgetArea area);

    ScenarioDocument* doc_;
    NetworkCanvas* canvas_;
    PropertyPanel* properties_ = nullptr;
    RunController* controller_;
    EventLogView* eventLog_ = nullptr;
    MessageLog* messageLog_ = nullptr;
    SequenceChart* sequenceChart_ = nullptr;
    InspectorPanel* inspector_ = nullptr;
    TracePanel* trace_ = nullptr;
    QDockWidget* sequenceDock_ = nullptr;
    std::shared_ptr<store::RunStore> store_;
    QTabWidget* tabs_ = nullptr;
    LiveMetrics* metrics_ = nullptr;
    QList<LiveChartPanel*> charts_;
    LiveChartPanel* lastChart_ = nullptr;
    RunHistoryPanel* history_ = nullptr;
    QDockWidget* eventLogDock_ = nullptr;
    QDockWidget* descriptionDock_ = nullptr;
    QListWidget* layers_ = nullptr;
    QTextBrowser* description_ = nullptr;
    QPlainTextEdit* descriptionEditor_ = nullptr;
    QStackedWidget* descriptionStack_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QSlider* speed_ = nullptr;
    QLabel* speedLabel_ = nullptr;
    QLabel* timeLabel_ = nullptr;
    QLabel* rateLabel_ = nullptr;
    QLabel* validityLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    core::RunnerState runState_ = core::RunnerState::Ready;
    bool running_ = false;
    Theme theme_ = Theme::System;
};

}  // namespace dais::studio
