#pragma once
// Several stored runs side by side: one metric of each over simulated time in one chart (and,
// for a distribution such as a latency, each run's quantiles in a second chart beside it), the
// parameters in which the runs differ (store::parameterDifferences: every value of their
// effective scenarios with their seeds and parameters over them, by JSON pointer, as
// `dais runs diff` lists them) and their final metrics.

#include <QList>
#include <QWidget>

#include <memory>

#include "dais/core/result.h"
#include "dais/store/run_store.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QSplitter;
class QTableWidget;
QT_END_NAMESPACE

namespace dais::studio {

class ChartWidget;

class CompareView : public QWidget {
    Q_OBJECT
  public:
    explicit CompareView(std::shared_ptr<store::RunStore> store, QWidget* parent = nullptr);

    /// Compares these runs (two or more). False, with the banner saying why, if one cannot be
    /// read; the runs that could be read are still shown.
    bool setRuns(const QList<qint64>& runIds);
    QList<qint64> runIds() const { return ids_; }

    /// The metrics sampled in every run, and the one plotted.
    QStringList commonMetrics() const;
    QString currentMetric() const;
    void setMetric(const QString& metric);

    ChartWidget* chart() const { return chart_; }
    /// Each run's final quantiles (min, p50, p95, p99, max) of the chosen metric, side by side;
    /// shown when the metric is a distribution, hidden otherwise.
    ChartWidget* distributionChart() const { return distribution_; }
    QComboBox* metricChooser() const { return metric_; }
    /// Rows: the parameters that differ; columns: "Parameter", then one per run.
    QTableWidget* parameterTable() const { return parameters_; }
    /// Rows: final metrics; columns: "Metric", "Unit", then one per run.
    QTableWidget* metricTable() const { return finals_; }
    QString bannerText() const;

    /// The tables as CSV (a header row, then the rows as shown); the error names the file.
    core::Result<void> exportParametersCsv(const QString& path) const;
    core::Result<void> exportMetricsCsv(const QString& path) const;

  private:
    void plot();
    void plotDistribution();
    void fillParameters();
    void fillFinals();

    struct Run;
    std::shared_ptr<store::RunStore> store_;
    ChartWidget* distribution_ = nullptr;
    QSplitter* charts_ = nullptr;  // the two charts, side by side
    QList<qint64> ids_;
    std::vector<std::shared_ptr<Run>> runs_;
    ChartWidget* chart_;
    QComboBox* metric_;
    QTableWidget* parameters_;
    QTableWidget* finals_;
    QLabel* banner_;
};

}  // namespace dais::studio
