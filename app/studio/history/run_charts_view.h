#pragma once
// One stored run, looked at again: its sampled metrics listed by group (tick them to plot them
// over simulated time) and a details pane with how the run was made and how it ended.

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "dais/store/run_store.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;
QT_END_NAMESPACE

namespace dais::studio {

class ChartWidget;

class RunChartsView : public QWidget {
    Q_OBJECT
  public:
    explicit RunChartsView(std::shared_ptr<store::RunStore> store, QWidget* parent = nullptr);

    /// Shows a run: its metrics, with a sensible one ticked (an accuracy if there is one, else
    /// the first), and its details. False, with the banner saying why, if it cannot be read.
    bool setRun(qint64 runId);
    qint64 runId() const { return runId_; }

    /// The run's sampled metrics, in the run's order.
    QStringList metrics() const;
    QStringList checkedMetrics() const;
    void setMetricChecked(const QString& metric, bool checked);

    ChartWidget* chart() const { return chart_; }
    QTreeWidget* metricList() const { return metricList_; }
    QTextBrowser* details() const { return details_; }
    QString bannerText() const;

  private:
    void replot();
    /// Lists sampled_ by group, in the run's order, the preferred metric ticked.
    void fillMetricList();
    /// The details pane: how the run was made and how it ended, with its notes.
    static QString detailsHtml(const store::RunRecord& r,
                               const std::vector<core::MetricReport>& finals,
                               const std::vector<store::Annotation>& notes);
    QTreeWidgetItem* itemOf(const QString& metric) const;

    std::shared_ptr<store::RunStore> store_;
    qint64 runId_ = 0;
    std::vector<store::SampledMetric> sampled_;
    ChartWidget* chart_;
    QTreeWidget* metricList_;
    QTextBrowser* details_;
    QLabel* banner_;
    bool updating_ = false;
};

}  // namespace dais::studio
