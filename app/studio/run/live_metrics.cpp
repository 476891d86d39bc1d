#include "run/live_metrics.h"

#include <QSaveFile>

#include <algorithm>

#include "charts/chart_widget.h"

namespace dais::studio {

// ---------------------------------------------------------------------------------------------
// LiveMetrics

LiveMetrics::LiveMetrics(QObject* parent) : QObject(parent) {}

void LiveMetrics::attach(RunController* controller) {
    connect(controller, &RunController::preparing, this, &LiveMetrics::clear);
    connect(controller, &RunController::metrics, this,
            [this](const std::shared_ptr<const core::MetricBatch>& b) { append(*b); });
    connect(controller, &RunController::snapshot, this,
            [this](const std::shared_ptr<const core::RunnerSnapshot>& s) { append(*s); });
}

void LiveMetrics::clear() {
    catalog_.reset();
    series_.clear();
    byName_.clear();
    total_ = 0;
    sampled_ = false;
    emit cleared();
}

void LiveMetrics::adopt(const std::shared_ptr<const core::MetricCatalog>& catalog) {
    if (!catalog || catalog == catalog_) return;
    const bool grew = !catalog_ || catalog->metrics.size() != catalog_->metrics.size();
    catalog_ = catalog;
    if (!grew) return;
    series_.resize(std::max(series_.size(), catalog->metrics.size()));
    byName_.clear();
    for (std::size_t i = 0; i < catalog->metrics.size(); ++i)
        byName_.emplace(catalog->metrics[i].name, static_cast<int>(i));
    emit catalogChanged();
}

void LiveMetrics::add(const core::MetricPoint& p) {
    if (p.metric >= series_.size()) series_.resize(p.metric + 1);
    Series& s = series_[p.metric];
    const double x = sim::toSeconds(p.time);
    s.value.emplace_back(x, p.value);
    ++total_;
    if (catalog_ && p.metric < catalog_->metrics.size() &&
        catalog_->metrics[p.metric].type == sim::MetricType::Distribution) {
        s.p50.emplace_back(x, p.p50);
        s.p95.emplace_back(x, p.p95);
        total_ += 2;
    }
}

void LiveMetrics::append(const core::MetricBatch& batch) {
    sampled_ = true;
    adopt(batch.catalog);
    for (const core::MetricPoint& p : batch.points)
        add(p);
    if (!batch.points.empty()) emit appended();
}

void LiveMetrics::append(const core::RunnerSnapshot& snapshot) {
    if (sampled_) return;
    adopt(snapshot.catalog);
    bool any = false;
    for (const core::MetricPoint& p : snapshot.metrics) {
        // A paused run repeats its snapshot: one point per simulated time.
        if (p.metric < series_.size() && !series_[p.metric].value.empty() &&
            series_[p.metric].value.back().x() >= sim::toSeconds(p.time))
            continue;
        add(p);
        any = true;
    }
    if (any) emit appended();
}

int LiveMetrics::find(std::string_view name) const {
    const auto it = byName_.find(name);
    return it == byName_.end() ? -1 : it->second;
}

std::span<const QPointF> LiveMetrics::points(int metric, Stat stat) const {
    if (metric < 0 || static_cast<std::size_t>(metric) >= series_.size()) return {};
    const Series& s = series_[static_cast<std::size_t>(metric)];
    switch (stat) {
        case Stat::P50:
            return s.p50;
        case Stat::P95:
            return s.p95;
        case Stat::Value:
            break;
    }
    return s.value;
}

core::Result<void> LiveMetrics::exportCsv(const QString& path) const {
    const auto fail = [](const QString& message) { return core::Error{message.toStdString()}; };
    if (!catalog_ || total_ == 0) return fail(tr("The run has no metric points to export yet."));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return fail(tr("Cannot write %1: %2").arg(path, file.errorString()));
    QByteArray out = "metric,statistic,unit,time_s,value\n";
    const auto row = [&out](const QByteArray& prefix, const QPointF& p) {
        out += prefix;
        out += QByteArray::number(p.x(), 'g', 17) + ',' + QByteArray::number(p.y(), 'g', 17);
        out += '\n';
    };
    for (std::size_t m = 0; m < series_.size() && m < catalog_->metrics.size(); ++m) {
        const sim::MetricInfo& info = catalog_->metrics[m];
        const QByteArray name = csvField(QString::fromStdString(info.name)).toUtf8();
        const QByteArray unit = csvField(QString::fromStdString(info.unit)).toUtf8();
        for (const auto& [stat, label] :
             {std::pair{Stat::Value, "value"}, {Stat::P50, "p50"}, {Stat::P95, "p95"}}) {
            const QByteArray prefix = name + ',' + label + ',' + unit + ',';
            for (const QPointF& p : points(static_cast<int>(m), stat))
                row(prefix, p);
        }
        if (out.size() > (1 << 20)) {
            file.write(out);
            out.clear();
        }
    }
    file.write(out);
    if (!file.commit()) return fail(tr("Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

}  // namespace dais::studio
