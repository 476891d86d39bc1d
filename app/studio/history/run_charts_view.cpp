// One stored run, looked at again: its metrics to plot and its details.
#include <QDateTime>
#include <QLocale>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>

#include "charts/chart_widget.h"
#include "history/history_util.h"
#include "history/run_charts_view.h"
#include "history/view_helpers.h"

namespace dais::studio {

using history::makeBanner;
using history::qs;
using history::setBanner;

namespace {

QString finalValueText(const core::MetricReport& m) {
    if (m.type == sim::MetricType::Distribution) {
        if (m.count == 0) return QStringLiteral("\u2013");
        return QObject::tr("mean %1, p95 %2 (n=%3)")
            .arg(history::formatNumber(m.mean), history::formatNumber(m.p95))
            .arg(static_cast<qulonglong>(m.count));
    }
    return history::formatNumber(m.value);
}

}  // namespace

RunChartsView::RunChartsView(std::shared_ptr<store::RunStore> store, QWidget* parent)
    : QWidget(parent), store_(std::move(store)) {
    banner_ = makeBanner(this);
    metricList_ = new QTreeWidget(this);
    metricList_->setHeaderLabels({tr("Metric"), tr("Unit")});
    metricList_->setRootIsDecorated(true);
    metricList_->setUniformRowHeights(true);
    chart_ = new ChartWidget(this);
    details_ = new QTextBrowser(this);
    details_->setOpenLinks(false);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(chart_);
    right->addWidget(details_);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(metricList_);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(banner_);
    layout->addWidget(split, 1);

    connect(metricList_, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int) {
        if (!updating_ && item->parent()) replot();
    });
}

bool RunChartsView::setRun(qint64 runId) {
    runId_ = runId;
    sampled_.clear();
    updating_ = true;
    metricList_->clear();
    updating_ = false;
    chart_->clear();
    details_->clear();
    setBanner(banner_, {});
    if (!store_) {
        setBanner(banner_, tr("No run store is open."));
        return false;
    }
    auto run = store_->run(runId);
    if (!run) {
        setBanner(banner_, tr("Cannot show run #%1: %2").arg(runId).arg(qs(run.error().message)));
        return false;
    }
    QStringList problems;
    if (auto sampled = store_->sampledMetrics(runId))
        sampled_ = std::move(sampled).value();
    else
        problems << tr("its metrics: %1").arg(qs(sampled.error().message));
    std::vector<core::MetricReport> finals;
    if (auto f = store_->finalMetrics(runId))
        finals = std::move(f).value();
    else
        problems << tr("its final metrics: %1").arg(qs(f.error().message));
    std::vector<store::Annotation> notes;
    if (auto a = store_->annotations(runId))
        notes = std::move(a).value();
    else
        problems << tr("its annotations: %1").arg(qs(a.error().message));

    fillMetricList();
    details_->setHtml(detailsHtml(*run, finals, notes));
    chart_->setTitle(history::runLabel(*run));
    replot();
    if (!problems.isEmpty()) {
        setBanner(banner_, tr("Run #%1 could not be read whole: %2")
                               .arg(runId)
                               .arg(problems.join(QStringLiteral("; "))));
        return false;
    }
    return true;
}

void RunChartsView::fillMetricList() {
    updating_ = true;
    std::map<QString, QTreeWidgetItem*> groups;
    QStringList names;
    for (const store::SampledMetric& m : sampled_) {
        const QString name = qs(m.name);
        names << name;
        const QString group = history::metricGroup(name);
        QTreeWidgetItem*& g = groups[group];
        if (!g) {
            g = new QTreeWidgetItem(metricList_, {group});
            g->setFlags(Qt::ItemIsEnabled);
            g->setFirstColumnSpanned(true);
        }
        auto* item = new QTreeWidgetItem(g, {name, qs(m.unit)});
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(0, Qt::Unchecked);
        item->setData(0, Qt::UserRole, name);
        QString tip = QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped());
        if (!m.unit.empty()) tip += QStringLiteral(" (%1)").arg(qs(m.unit).toHtmlEscaped());
        if (!m.help.empty()) tip += QStringLiteral("<br>%1").arg(qs(m.help).toHtmlEscaped());
        tip += tr("<br>%1 samples, %2")
                   .arg(static_cast<qulonglong>(m.samples))
                   .arg(qs(sim::metricTypeName(m.type)));
        item->setToolTip(0, tip);
        item->setToolTip(1, tip);
    }
    metricList_->expandAll();
    metricList_->resizeColumnToContents(0);
    if (QTreeWidgetItem* first = itemOf(history::preferredMetric(names)))
        first->setCheckState(0, Qt::Checked);
    updating_ = false;
}

QString RunChartsView::detailsHtml(const store::RunRecord& r,
                                   const std::vector<core::MetricReport>& finals,
                                   const std::vector<store::Annotation>& notes) {
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing='0' cellpadding='2'>")
                       .arg(history::runLabel(r).toHtmlEscaped());
    auto row = [&html](const QString& key, const QString& value) {
        html += QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>")
                    .arg(key.toHtmlEscaped(), value.toHtmlEscaped());
    };
    row(tr("Seed"), QString::number(r.seed));
    row(tr("Status"), qs(store::runStatusName(r.status)));
    if (!r.error.empty()) row(tr("Error"), qs(r.error));
    row(tr("Started"), QDateTime::fromMSecsSinceEpoch(r.startedAt)
                           .toLocalTime()
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    row(tr("Wall time"), tr("%1 s").arg(r.wallSeconds, 0, 'f', 3));
    row(tr("Simulated"), tr("%1 s").arg(history::toSeconds(r.simulatedTime)));
    row(tr("Events"), QLocale().toString(static_cast<qulonglong>(r.events)));
    row(tr("Fingerprint"), qs(r.fingerprint));
    if (r.sweep)
        row(tr("Sweep"),
            tr("#%1, point %2, replicate %3").arg(*r.sweep).arg(r.pointIndex).arg(r.replicate));
    html += QStringLiteral("</table>");
    auto section = [&html](const QString& title) {
        html += QStringLiteral("<h4>%1</h4><table cellspacing='0' cellpadding='2'>")
                    .arg(title.toHtmlEscaped());
    };
    section(tr("Parameters"));
    if (r.parameters.empty()) row(tr("(none)"), tr("the scenario as written"));
    for (const auto& [k, v] : r.parameters.items())
        row(qs(k), history::jsonText(v));
    html += QStringLiteral("</table>");
    section(tr("Layers"));
    if (r.layerVersions.empty()) row(tr("(none)"), QString());
    for (const auto& [k, v] : r.layerVersions.items())
        row(qs(k), history::jsonText(v));
    html += QStringLiteral("</table>");
    section(tr("Final metrics"));
    for (const core::MetricReport& m : finals)
        row(qs(m.name),
            finalValueText(m) + (m.unit.empty() ? QString() : QLatin1Char(' ') + qs(m.unit)));
    html += QStringLiteral("</table>");
    if (!notes.empty()) {
        html += QStringLiteral("<h4>%1</h4>").arg(tr("Annotations"));
        for (const store::Annotation& a : notes)
            html += QStringLiteral("<p><i>%1</i><br>%2</p>")
                        .arg(QDateTime::fromMSecsSinceEpoch(a.createdAt)
                                 .toLocalTime()
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                             qs(a.text).toHtmlEscaped().replace(QLatin1Char('\n'),
                                                                QStringLiteral("<br>")));
    }
    return html;
}

QStringList RunChartsView::metrics() const {
    QStringList names;
    for (const store::SampledMetric& m : sampled_)
        names << qs(m.name);
    return names;
}

QTreeWidgetItem* RunChartsView::itemOf(const QString& metric) const {
    for (int g = 0; g < metricList_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = metricList_->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (group->child(i)->data(0, Qt::UserRole).toString() == metric) return group->child(i);
    }
    return nullptr;
}

QStringList RunChartsView::checkedMetrics() const {
    QStringList out;
    for (const QString& m : metrics())
        if (const QTreeWidgetItem* item = itemOf(m); item && item->checkState(0) == Qt::Checked)
            out << m;
    return out;
}

void RunChartsView::setMetricChecked(const QString& metric, bool checked) {
    if (QTreeWidgetItem* item = itemOf(metric))
        item->setCheckState(0, checked ? Qt::Checked : Qt::Unchecked);
}

QString RunChartsView::bannerText() const {
    return banner_->isHidden() ? QString() : banner_->text();
}

void RunChartsView::replot() {
    chart_->clear();
    const QStringList checked = checkedMetrics();
    QStringList problems;
    QString unit;
    for (const QString& name : checked) {
        auto samples = store_->samples(runId_, name.toStdString());
        if (!samples) {
            problems << tr("%1: %2").arg(name, qs(samples.error().message));
            continue;
        }
        for (const store::SampledMetric& m : sampled_)
            if (qs(m.name) == name) unit = axisUnit(qs(m.unit));
        const int s = chart_->addSeries(name);
        const std::vector<QPointF> points = history::samplePoints(*samples);
        chart_->append(s, points);
    }
    const QString y = checked.size() == 1
                          ? (unit.isEmpty() ? checked.front()
                                            : QStringLiteral("%1 (%2)").arg(checked.front(), unit))
                          : tr("Value");
    chart_->setAxisTitles(tr("Simulated time (s)"), y);
    chart_->refreshNow();
    if (!problems.isEmpty())
        setBanner(banner_,
                  tr("Samples could not be read: %1").arg(problems.join(QStringLiteral("; "))));
}

}  // namespace dais::studio
