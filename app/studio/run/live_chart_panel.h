#pragma once
// A live chart panel: the metrics of a running run, picked from a tree, drawn over simulated
// time as they arrive. The main window can open several, all fed by one LiveMetrics.

#include <cstddef>
#include <vector>

#include <QSet>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "dais/core/runner.h"
#include "run/live_metrics.h"

class QTreeWidget;
class QTreeWidgetItem;

namespace dais::studio {

class ChartWidget;

/// A live chart of chosen metrics: a picker (metrics by scope and name prefix, checkable; unit
/// and help as tooltips; distributions offer mean, p50 and p95) beside a chart over simulated
/// seconds that grows as the run goes. The choice is kept from run to run; a panel nobody has
/// chosen for shows the run's headline metric.
class LiveChartPanel : public QWidget {
    Q_OBJECT
  public:
    /// `metrics` (not owned) must outlive the panel.
    explicit LiveChartPanel(LiveMetrics* metrics, QWidget* parent = nullptr);

    /// Shows (or hides) a metric's statistic, as checking it in the picker does.
    void setChecked(const QString& metric, LiveMetrics::Stat stat, bool on);
    bool isChecked(const QString& metric, LiveMetrics::Stat stat) const;
    /// The shown series' keys: "name" or "name (p50)" / "name (p95)".
    QStringList checkedSeries() const;

    QTreeWidget* picker() const { return picker_; }
    ChartWidget* chart() const { return chart_; }

    /// The series a panel shows before anyone chooses: "federated.accuracy" when the run has
    /// it, else "net.messages.delivered".
    static QString defaultMetric(const core::MetricCatalog& catalog);

  private:
    struct Shown {
        QString metric;
        LiveMetrics::Stat stat = LiveMetrics::Stat::Value;
        int series = -1;         ///< index in the chart
        std::size_t pushed = 0;  ///< points handed to the chart so far
    };
    void rebuildPicker();
    void rebuildChart();
    void push();
    void itemChanged(QTreeWidgetItem* item);

    LiveMetrics* metrics_;
    QTreeWidget* picker_;
    ChartWidget* chart_;
    QSet<QString> checked_;  ///< keys of the chosen series (see checkedSeries())
    bool chosen_ = false;    ///< the user (or a caller) has chosen; no default any more
    bool building_ = false;
    std::vector<Shown> shown_;
};

}  // namespace dais::studio
