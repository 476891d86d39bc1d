// What the main window opens from runs: the central tabs (the design canvas, then a tab per
// stored run or comparison), the sweep dialog, and exporting the current chart or the current
// run's metrics.
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>

#include "charts/chart_widget.h"
#include "history/compare_view.h"
#include "history/run_charts_view.h"
#include "history/run_history_panel.h"
#include "history/sweep_dialog.h"
#include "run/live_chart_panel.h"
#include "run/live_metrics.h"
#include "ui/main_window.h"
#include "ui/network_canvas.h"
#include "ui/scenario_document.h"

namespace dais::studio {

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

}  // namespace dais::studio
