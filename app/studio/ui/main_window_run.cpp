// Running the scenario from the main window: the Run menu and toolbar (run, fast, step, run
// until, pause, stop, restart), the speed slider, starting a run from the document, and the
// status bar and canvas following the run as it goes.
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>

#include <cmath>
#include <optional>

#include "dais/core/units.h"
#include "history/run_history_panel.h"
#include "run/run_controller.h"
#include "ui/main_window.h"
#include "ui/main_window_helpers.h"
#include "ui/network_canvas.h"
#include "ui/scenario_document.h"

namespace dais::studio {

namespace {

/// The speed slider: 0 is real time (1x); steps of a quarter decade up to 1000x and down to
/// 0.1x.
double speedOf(int slider) {
    return std::pow(10.0, slider / 4.0);
}

QString formatSeconds(double s) {
    if (s < 60) return QStringLiteral("%1 s").arg(s, 0, 'f', 3);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(int(s / 60)).arg(std::fmod(s, 60), 0, 'f', 1);
    return QStringLiteral("%1 h %2 min").arg(int(s / 3600)).arg(std::fmod(s / 60, 60), 0, 'f', 0);
}

}  // namespace

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

void MainWindow::setSpeedFromSlider() {
    const double s = speedOf(speed_->value());
    speedLabel_->setText(s >= 1 ? QStringLiteral("%1x").arg(s, 0, 'g', 3)
                                : QStringLiteral("%1x").arg(s, 0, 'f', 2));
    if (running_ && controller_->animate()) controller_->setSpeed(s);
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
            [this](std::shared_ptr<const core::RunnerSnapshot> s) {
                showSnapshot(*s);
                canvas_->applySnapshot(std::move(s));
            });
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

void MainWindow::startRun(bool fast) {
    doc_->validate();
    if (!doc_->valid()) {
        QMessageBox::warning(
            this, tr("The scenario has problems"),
            tr("Fix these before running:\n\n%1").arg(problemLines(doc_->problems()).join('\n')));
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
