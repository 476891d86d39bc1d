#pragma once
// A run's metrics over simulated time, kept whole on the GUI thread for live charts: every
// sample of every metric, and for distributions also their median and 95th percentile. Several
// chart panels (live_chart_panel.h) share one LiveMetrics; each picks the metrics it shows.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <QObject>
#include <QPointF>

#include "dais/core/result.h"
#include "dais/core/runner.h"
#include "run/run_controller.h"

namespace dais::studio {

/// Every metric point of the current run, per metric, x in simulated seconds (GUI thread).
/// Runs without metric sampling still get points: until the first metric batch arrives, each
/// snapshot's latest values are taken as points.
class LiveMetrics : public QObject {
    Q_OBJECT
  public:
    /// Which value of a metric: counter total, gauge value or distribution mean; or a
    /// distribution's median or 95th percentile.
    enum class Stat : std::uint8_t { Value, P50, P95 };

    explicit LiveMetrics(QObject* parent = nullptr);

    /// Follows a controller: cleared when a run starts, fed by its metrics and snapshots.
    void attach(RunController* controller);
    void clear();
    void append(const core::MetricBatch& batch);
    void append(const core::RunnerSnapshot& snapshot);

    /// The metrics of the run (nullptr before its first points).
    const std::shared_ptr<const core::MetricCatalog>& catalog() const { return catalog_; }
    /// A metric's id by name, or -1.
    int find(std::string_view name) const;
    /// The points of one metric's statistic, in time order (empty if unknown).
    std::span<const QPointF> points(int metric, Stat stat = Stat::Value) const;
    std::size_t totalPoints() const { return total_; }

    /// Writes every point as CSV, one row per point: metric, statistic ("value", "p50" or
    /// "p95"), unit, simulated time in seconds, value. An error, with the reason, when the file
    /// cannot be written or there is nothing to write.
    core::Result<void> exportCsv(const QString& path) const;

  signals:
    /// The run's metrics are known or grew (pickers rebuild their lists).
    void catalogChanged();
    /// Points were appended (charts push what they have not shown yet).
    void appended();
    /// A new run: every series is empty again.
    void cleared();

  private:
    struct Series {
        std::vector<QPointF> value, p50, p95;
    };
    void adopt(const std::shared_ptr<const core::MetricCatalog>& catalog);
    void add(const core::MetricPoint& p);

    std::shared_ptr<const core::MetricCatalog> catalog_;
    std::vector<Series> series_;
    std::map<std::string, int, std::less<>> byName_;
    std::size_t total_ = 0;
    bool sampled_ = false;  ///< a metric batch arrived: snapshots are no longer used
};

}  // namespace dais::studio
