#include "run/live_chart_panel.h"

#include <map>
#include <utility>

#include <QHBoxLayout>
#include <QSplitter>
#include <QTreeWidget>

#include "charts/chart_widget.h"

namespace dais::studio {

namespace {

enum ItemRole { MetricRole = Qt::UserRole + 1, StatRole };

QString statSuffix(LiveMetrics::Stat stat) {
    switch (stat) {
        case LiveMetrics::Stat::P50:
            return QStringLiteral(" (p50)");
        case LiveMetrics::Stat::P95:
            return QStringLiteral(" (p95)");
        case LiveMetrics::Stat::Value:
            break;
    }
    return {};
}

QString seriesKey(const QString& metric, LiveMetrics::Stat stat) {
    return metric + statSuffix(stat);
}

QString scopeTitle(sim::MetricScope scope) {
    switch (scope) {
        case sim::MetricScope::Global:
            return QObject::tr("Global");
        case sim::MetricScope::Node:
            return QObject::tr("Node");
        case sim::MetricScope::Group:
            return QObject::tr("Group");
        case sim::MetricScope::Link:
            return QObject::tr("Link");
        case sim::MetricScope::Flow:
            return QObject::tr("Flow");
    }
    return {};
}

QString tooltip(const sim::MetricInfo& m) {
    QString text = QString::fromStdString(m.name);
    if (!m.unit.empty()) text += QObject::tr("\nunit: %1").arg(QString::fromStdString(m.unit));
    text += QObject::tr("\n%1").arg(QString::fromStdString(std::string(metricTypeName(m.type))));
    if (!m.help.empty()) text += QStringLiteral("\n") + QString::fromStdString(m.help);
    return text;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// LiveChartPanel

LiveChartPanel::LiveChartPanel(LiveMetrics* metrics, QWidget* parent)
    : QWidget(parent),
      metrics_(metrics),
      picker_(new QTreeWidget(this)),
      chart_(new ChartWidget(this)) {
    picker_->setHeaderHidden(true);
    picker_->setColumnCount(1);
    picker_->setUniformRowHeights(true);
    picker_->setToolTip(tr("Check the metrics to plot"));
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(picker_);
    splitter->addWidget(chart_);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 600});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(picker_, &QTreeWidget::itemChanged, this,
            [this](QTreeWidgetItem* item, int) { itemChanged(item); });
    connect(metrics_, &LiveMetrics::catalogChanged, this, [this] {
        if (!chosen_ && metrics_->catalog()) {
            checked_.clear();
            checked_.insert(defaultMetric(*metrics_->catalog()));
        }
        rebuildPicker();
        rebuildChart();
    });
    connect(metrics_, &LiveMetrics::cleared, this, [this] {
        rebuildPicker();
        rebuildChart();
    });
    connect(metrics_, &LiveMetrics::appended, this, &LiveChartPanel::push);
    if (metrics_->catalog() && !chosen_) checked_.insert(defaultMetric(*metrics_->catalog()));
    rebuildPicker();
    rebuildChart();
}

QString LiveChartPanel::defaultMetric(const core::MetricCatalog& catalog) {
    for (const sim::MetricInfo& m : catalog.metrics)
        if (m.name == "federated.accuracy") return QStringLiteral("federated.accuracy");
    return QStringLiteral("net.messages.delivered");
}

void LiveChartPanel::rebuildPicker() {
    building_ = true;
    picker_->clear();
    const auto& catalog = metrics_->catalog();
    if (catalog) {
        std::map<int, QTreeWidgetItem*> scopes;
        std::map<std::pair<int, QString>, QTreeWidgetItem*> prefixes;
        auto checkable = [this](QTreeWidgetItem* item, const QString& metric,
                                LiveMetrics::Stat stat) {
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setData(0, MetricRole, metric);
            item->setData(0, StatRole, static_cast<int>(stat));
            item->setCheckState(
                0, checked_.contains(seriesKey(metric, stat)) ? Qt::Checked : Qt::Unchecked);
        };
        for (const sim::MetricInfo& m : catalog->metrics) {
            const int scope = static_cast<int>(m.scope);
            QTreeWidgetItem*& scopeItem = scopes[scope];
            if (scopeItem == nullptr) {
                scopeItem = new QTreeWidgetItem(picker_, {scopeTitle(m.scope)});
                scopeItem->setFlags(Qt::ItemIsEnabled);
            }
            const QString name = QString::fromStdString(m.name);
            const qsizetype dot = name.indexOf(QLatin1Char('.'));
            QTreeWidgetItem* parent = scopeItem;
            QString leaf = name;
            if (dot > 0) {
                const QString prefix = name.left(dot);
                QTreeWidgetItem*& prefixItem = prefixes[{scope, prefix}];
                if (prefixItem == nullptr) {
                    prefixItem = new QTreeWidgetItem(scopeItem, {prefix});
                    prefixItem->setFlags(Qt::ItemIsEnabled);
                }
                parent = prefixItem;
                leaf = name.mid(dot + 1);
            }
            auto* item = new QTreeWidgetItem(parent, {leaf});
            item->setToolTip(0, tooltip(m));
            if (m.type == sim::MetricType::Distribution) {
                item->setFlags(Qt::ItemIsEnabled);
                const std::pair<const char*, LiveMetrics::Stat> stats[] = {
                    {"mean", LiveMetrics::Stat::Value},
                    {"p50", LiveMetrics::Stat::P50},
                    {"p95", LiveMetrics::Stat::P95}};
                for (const auto& [title, stat] : stats) {
                    auto* child = new QTreeWidgetItem(item, {QString::fromLatin1(title)});
                    child->setToolTip(0, tooltip(m));
                    checkable(child, name, stat);
                }
            } else {
                checkable(item, name, LiveMetrics::Stat::Value);
            }
        }
        picker_->expandAll();
    }
    building_ = false;
}

void LiveChartPanel::itemChanged(QTreeWidgetItem* item) {
    if (building_ || !(item->flags() & Qt::ItemIsUserCheckable)) return;
    const QString key = seriesKey(item->data(0, MetricRole).toString(),
                                  static_cast<LiveMetrics::Stat>(item->data(0, StatRole).toInt()));
    const bool on = item->checkState(0) == Qt::Checked;
    if (on == checked_.contains(key)) return;
    if (on)
        checked_.insert(key);
    else
        checked_.remove(key);
    chosen_ = true;
    rebuildChart();
}

void LiveChartPanel::setChecked(const QString& metric, LiveMetrics::Stat stat, bool on) {
    chosen_ = true;
    const QString key = seriesKey(metric, stat);
    if (on == checked_.contains(key)) return;
    if (on)
        checked_.insert(key);
    else
        checked_.remove(key);
    rebuildPicker();
    rebuildChart();
}

bool LiveChartPanel::isChecked(const QString& metric, LiveMetrics::Stat stat) const {
    return checked_.contains(seriesKey(metric, stat));
}

QStringList LiveChartPanel::checkedSeries() const {
    QStringList keys(checked_.begin(), checked_.end());
    keys.sort();
    return keys;
}

void LiveChartPanel::rebuildChart() {
    chart_->clear();
    shown_.clear();
    const auto& catalog = metrics_->catalog();
    QString unit;
    bool oneUnit = true;
    for (const QString& key : checkedSeries()) {
        Shown s;
        s.stat = LiveMetrics::Stat::Value;
        s.metric = key;
        for (LiveMetrics::Stat stat : {LiveMetrics::Stat::P50, LiveMetrics::Stat::P95}) {
            const QString suffix = statSuffix(stat);
            if (key.endsWith(suffix)) {
                s.stat = stat;
                s.metric = key.chopped(suffix.size());
            }
        }
        const int id = metrics_->find(s.metric.toStdString());
        QString label = key;
        if (catalog && id >= 0) {
            const sim::MetricInfo& info = catalog->metrics[static_cast<std::size_t>(id)];
            if (info.type == sim::MetricType::Distribution && s.stat == LiveMetrics::Stat::Value)
                label += tr(" (mean)");
            const QString u = QString::fromStdString(info.unit);
            if (shown_.empty())
                unit = u;
            else if (u != unit)
                oneUnit = false;
        }
        s.series = chart_->addSeries(label);
        shown_.push_back(s);
    }
    chart_->setAxisTitles(tr("Simulated time (s)"), oneUnit ? axisUnit(unit) : QString());
    push();
}

void LiveChartPanel::push() {
    for (Shown& s : shown_) {
        const std::span<const QPointF> points =
            metrics_->points(metrics_->find(s.metric.toStdString()), s.stat);
        if (points.size() <= s.pushed) continue;
        chart_->append(s.series, points.subspan(s.pushed));
        s.pushed = points.size();
    }
}

}  // namespace dais::studio
