#pragma once
// The studio's main window: the canvas in the middle; the palette, layers and description on
// the left; the properties on the right; the event log below; the run toolbar and a status bar
// with simulated time, events per second and progress. Window layout, recent files and
// preferences are kept with QSettings.

#include <QMainWindow>

#include <memory>

#include "dais/core/runner.h"

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QSlider;
class QTextBrowser;
class QPlainTextEdit;
class QListWidget;
class QStackedWidget;

namespace dais::store {
class RunStore;
}

namespace dais::studio {

class ScenarioDocument;
class NetworkCanvas;
class PropertyPanel;
class RunController;
class EventLogView;
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
    QAction* action(const QString& name) const;

    /// Starts a run: animated at the slider's speed, or as fast as possible.
    void startRun(bool fast);

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void buildActions();
    void buildDocks();
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

    ScenarioDocument* doc_;
    NetworkCanvas* canvas_;
    PropertyPanel* properties_ = nullptr;
    RunController* controller_;
    EventLogView* eventLog_ = nullptr;
    std::shared_ptr<store::RunStore> store_;
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
};

}  // namespace dais::studio
