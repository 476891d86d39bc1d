#pragma once
// Runs an experiment of a scenario from the studio: the sweep goes on a background thread
// (the window stays live), shows "k of n runs" as runs finish, can be cancelled (runs in
// progress stop; finished ones stay stored), stores every run and the sweep as `dais sweep`
// does, and ends with each point's metrics (mean and 95% interval) as a table and a chart.

#include <QDialog>
#include <QStringList>

#include <atomic>
#include <memory>
#include <thread>

#include "dais/core/scenario.h"
#include "dais/store/run_store.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
QT_END_NAMESPACE

namespace dais::studio {

class ChartWidget;

class SweepDialog : public QDialog {
    Q_OBJECT
  public:
    /// `scenario` is copied; its document (after any overrides) is what the sweep runs.
    SweepDialog(const core::Scenario& scenario, std::shared_ptr<store::RunStore> store,
                QWidget* parent = nullptr);
    ~SweepDialog() override;

    bool running() const { return running_; }
    /// The sweep's id in the store once it has begun (0 before).
    qint64 sweepId() const { return sweepId_; }
    /// What the status line says.
    QString statusText() const;

    QComboBox* experimentChooser() const { return experiment_; }
    QSpinBox* jobsBox() const { return jobs_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }
    /// One row per point: its parameter values, runs completed, then each metric's mean and
    /// 95% interval.
    QTableWidget* resultTable() const { return table_; }
    ChartWidget* chart() const { return chart_; }
    QComboBox* metricChooser() const { return metric_; }
    QComboBox* parameterChooser() const { return parameter_; }

  public slots:
    void start();
    /// Stops the sweep: runs in progress stop (and are stored as stopped), the rest never run.
    void cancel();
    void reject() override;

  signals:
    /// The sweep ended (completed, cancelled or failed); the table and chart are filled.
    void sweepFinished();

  private:
    struct Outcome;
    void onProgress(std::size_t done, std::size_t total);
    void onFinished(std::shared_ptr<Outcome> outcome);
    void replot();

    core::Scenario scenario_;
    std::shared_ptr<store::RunStore> store_;
    std::thread worker_;
    std::atomic<bool> stop_{false};
    bool running_ = false;
    qint64 sweepId_ = 0;
    std::shared_ptr<Outcome> outcome_;

    QComboBox* experiment_;
    QSpinBox* jobs_;
    QPushButton* start_;
    QPushButton* cancel_;
    QPushButton* close_;
    QProgressBar* progress_;
    QLabel* status_;
    QTableWidget* table_;
    ChartWidget* chart_;
    QComboBox* metric_;
    QComboBox* parameter_;
};

}  // namespace dais::studio
