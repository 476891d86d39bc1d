// Several stored runs side by side: their chart, the parameters that differ, their final
// metrics.
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <set>

#include "charts/chart_widget.h"
#include "dais/store/parameter_difference.h"
#include "history/compare_view.h"
#include "history/history_util.h"
#include "history/view_helpers.h"

namespace dais::studio {

using history::makeBanner;
using history::qs;
using history::setBanner;

namespace {

double finalValue(const core::MetricReport& m) {
    return m.type == sim::MetricType::Distribution ? m.mean : m.value;
}

core::Result<void> writeTableCsv(const QTableWidget* table, const QString& path) {
    QSaveFile file(path);
    auto failed = [&] {
        return core::Error{QObject::tr("Cannot write the table %1: %2")
                               .arg(path, file.errorString())
                               .toStdString()};
    };
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return failed();
    QStringList header;
    for (int c = 0; c < table->columnCount(); ++c) {
        const QTableWidgetItem* h = table->horizontalHeaderItem(c);
        header << csvField(h ? h->text() : QString());
    }
    QByteArray out = header.join(QLatin1Char(',')).toUtf8() + '\n';
    for (int r = 0; r < table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < table->columnCount(); ++c) {
            const QTableWidgetItem* item = table->item(r, c);
            cells << csvField(item ? item->text() : QString());
        }
        out += cells.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    if (file.write(out) != out.size() || !file.commit()) return failed();
    return {};
}

QTableWidgetItem* cell(const QString& text, const QString& tip = {}) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (!tip.isEmpty()) item->setToolTip(tip);
    return item;
}

}  // namespace

struct CompareView::Run {
    store::RunRecord record;
    std::vector<store::SampledMetric> sampled;
    std::vector<core::MetricReport> finals;
    store::RunValues values;  // what it ran with, by JSON pointer
    QString label;            // "#id scenario seed s" + differences
    QString shortLabel;       // "#id" + differences, where room is short
};

CompareView::CompareView(std::shared_ptr<store::RunStore> store, QWidget* parent)
    : QWidget(parent), store_(std::move(store)) {
    banner_ = makeBanner(this);
    metric_ = new QComboBox(this);
    metric_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    metric_->setMinimumContentsLength(28);  // room for a metric's name before runs are chosen
    chart_ = new ChartWidget(this);
    distribution_ = new ChartWidget(this);
    distribution_->hide();
    parameters_ = new QTableWidget(this);
    finals_ = new QTableWidget(this);
    for (QTableWidget* t : {parameters_, finals_}) {
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setAlternatingRowColors(true);
        t->verticalHeader()->hide();
        t->horizontalHeader()->setStretchLastSection(true);
    }
    auto button = [this](const QString& text) {
        auto* b = new QPushButton(text, this);
        b->setAutoDefault(false);
        return b;
    };
    QPushButton* png = button(tr("Chart PNG\u2026"));
    QPushButton* svg = button(tr("Chart SVG\u2026"));
    QPushButton* paramsCsv = button(tr("Parameters CSV\u2026"));
    QPushButton* metricsCsv = button(tr("Final metrics CSV\u2026"));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Metric:"), this));
    top->addWidget(metric_);
    top->addStretch(1);
    top->addWidget(png);
    top->addWidget(svg);
    top->addWidget(paramsCsv);
    top->addWidget(metricsCsv);
    auto* tabs = new QTabWidget(this);
    tabs->addTab(parameters_, tr("Parameters that differ"));
    tabs->addTab(finals_, tr("Final metrics"));
    charts_ = new QSplitter(Qt::Horizontal, this);
    charts_->addWidget(chart_);
    charts_->addWidget(distribution_);
    charts_->setStretchFactor(0, 3);
    charts_->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(charts_);
    split->addWidget(tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 300});  // the chart first: the tables would take more than they need
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(banner_);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(metric_, &QComboBox::currentIndexChanged, this, [this] { plot(); });
    auto saveAs = [this](const QString& title, const QString& filter, const QString& suffix,
                         const std::function<core::Result<void>(const QString&)>& write) {
        QString path =
            QFileDialog::getSaveFileName(this, title, QStringLiteral("compare") + suffix, filter);
        if (path.isEmpty()) return;
        if (!path.endsWith(suffix, Qt::CaseInsensitive)) path += suffix;
        if (auto written = write(path); !written)
            QMessageBox::warning(this, tr("Export failed"), qs(written.error().message));
    };
    connect(png, &QPushButton::clicked, this, [this, saveAs] {
        saveAs(tr("Export chart"), tr("PNG image (*.png)"), QStringLiteral(".png"),
               [this](const QString& p) { return chart_->exportPng(p); });
    });
    connect(svg, &QPushButton::clicked, this, [this, saveAs] {
        saveAs(tr("Export chart"), tr("SVG image (*.svg)"), QStringLiteral(".svg"),
               [this](const QString& p) { return chart_->exportSvg(p); });
    });
    connect(paramsCsv, &QPushButton::clicked, this, [this, saveAs] {
        saveAs(tr("Export parameters"), tr("CSV table (*.csv)"), QStringLiteral(".csv"),
               [this](const QString& p) { return exportParametersCsv(p); });
    });
    connect(metricsCsv, &QPushButton::clicked, this, [this, saveAs] {
        saveAs(tr("Export final metrics"), tr("CSV table (*.csv)"), QStringLiteral(".csv"),
               [this](const QString& p) { return exportMetricsCsv(p); });
    });
}

bool CompareView::setRuns(const QList<qint64>& runIds) {
    ids_.clear();
    runs_.clear();
    setBanner(banner_, {});
    QStringList problems;
    if (!store_) problems << tr("no run store is open");
    for (qint64 id : runIds) {
        if (!store_) break;
        auto record = store_->run(id);
        if (!record) {
            problems << tr("run #%1: %2").arg(id).arg(qs(record.error().message));
            continue;
        }
        auto run = std::make_shared<Run>();
        run->record = std::move(record).value();
        if (auto s = store_->sampledMetrics(id))
            run->sampled = std::move(s).value();
        else
            problems << tr("run #%1's metrics: %2").arg(id).arg(qs(s.error().message));
        if (auto f = store_->finalMetrics(id))
            run->finals = std::move(f).value();
        else
            problems << tr("run #%1's final metrics: %2").arg(id).arg(qs(f.error().message));
        if (auto values = store::runValues(*store_, run->record)) {
            run->values = std::move(values).value();
        } else {
            problems << tr("run #%1's scenario: %2").arg(id).arg(qs(values.error().message));
            run->values = store::runValues(run->record, nlohmann::json());
        }
        ids_.push_back(id);
        runs_.push_back(std::move(run));
    }
    if (runs_.size() < 2 && problems.isEmpty()) problems << tr("choose two runs or more");

    // Series labels: the run, then the run parameters in which it differs from the others.
    std::set<std::string> keys;
    for (const auto& r : runs_)
        for (const auto& [k, v] : r->record.parameters.items())
            keys.insert(k);
    for (const auto& r : runs_) {
        r->label = history::runLabel(r->record);
        r->shortLabel = QStringLiteral("#%1").arg(r->record.id);
        for (const std::string& k : keys) {
            const nlohmann::json mine =
                r->record.parameters.contains(k) ? r->record.parameters[k] : nlohmann::json();
            const bool differs = std::any_of(runs_.begin(), runs_.end(), [&](const auto& o) {
                const nlohmann::json theirs =
                    o->record.parameters.contains(k) ? o->record.parameters[k] : nlohmann::json();
                return theirs != mine;
            });
            if (differs && !mine.is_null()) {
                const QString difference = QStringLiteral(" %1=%2").arg(history::lastSegment(qs(k)),
                                                                        history::jsonText(mine));
                r->label += difference;
                r->shortLabel += difference;
            }
        }
    }

    const QString previous = metric_->currentText();
    metric_->blockSignals(true);
    metric_->clear();
    const QStringList common = commonMetrics();
    metric_->addItems(common);
    const QString chosen = common.contains(previous) ? previous : history::preferredMetric(common);
    metric_->setCurrentIndex(std::max(0, static_cast<int>(common.indexOf(chosen))));
    metric_->blockSignals(false);
    fillParameters();
    fillFinals();
    plot();
    if (!problems.isEmpty()) {
        setBanner(banner_,
                  tr("Cannot compare everything: %1").arg(problems.join(QStringLiteral("; "))));
        return false;
    }
    return true;
}

QStringList CompareView::commonMetrics() const {
    QStringList out;
    if (runs_.empty()) return out;
    for (const store::SampledMetric& m : runs_.front()->sampled) {
        const bool everywhere = std::all_of(runs_.begin(), runs_.end(), [&](const auto& r) {
            return std::any_of(r->sampled.begin(), r->sampled.end(),
                               [&](const store::SampledMetric& o) { return o.name == m.name; });
        });
        if (everywhere) out << qs(m.name);
    }
    return out;
}

QString CompareView::currentMetric() const {
    return metric_->currentText();
}

void CompareView::setMetric(const QString& metric) {
    const int i = metric_->findText(metric);
    if (i >= 0) metric_->setCurrentIndex(i);
}

QString CompareView::bannerText() const {
    return banner_->isHidden() ? QString() : banner_->text();
}

void CompareView::plot() {
    chart_->clear();
    const QString metric = currentMetric();
    QString unit;
    QStringList problems;
    if (!metric.isEmpty()) {
        for (const auto& r : runs_) {
            for (const store::SampledMetric& m : r->sampled)
                if (qs(m.name) == metric) unit = axisUnit(qs(m.unit));
            auto samples = store_->samples(r->record.id, metric.toStdString());
            if (!samples) {
                problems << tr("run #%1: %2").arg(r->record.id).arg(qs(samples.error().message));
                continue;
            }
            const int s = chart_->addSeries(r->label);
            const std::vector<QPointF> points = history::samplePoints(*samples);
            chart_->append(s, points);
        }
    }
    chart_->setTitle(metric.isEmpty() ? tr("No metric sampled in every run") : metric);
    chart_->setAxisTitles(tr("Simulated time (s)"),
                          unit.isEmpty() ? metric : QStringLiteral("%1 (%2)").arg(metric, unit));
    chart_->refreshNow();
    plotDistribution();
    if (!problems.isEmpty())
        setBanner(banner_,
                  tr("Samples could not be read: %1").arg(problems.join(QStringLiteral("; "))));
}

void CompareView::plotDistribution() {
    // Quantiles read left to right: the spread of each run's values at the end, so two runs'
    // tails (a cloud's p95 against an edge's) compare at a glance.
    distribution_->clear();
    const std::string metric = currentMetric().toStdString();
    QString unit;
    bool any = false;
    for (const auto& r : runs_) {
        const auto it = std::find_if(r->finals.begin(), r->finals.end(),
                                     [&](const core::MetricReport& m) { return m.name == metric; });
        if (it == r->finals.end() || it->type != sim::MetricType::Distribution || it->count == 0)
            continue;
        unit = axisUnit(qs(it->unit));
        std::vector<IntervalPoint> points;
        const double values[] = {it->min, it->p50, it->p95, it->p99, it->max};
        for (std::size_t i = 0; i < std::size(values); ++i)
            points.push_back({static_cast<double>(i), values[i], values[i], values[i]});
        distribution_->addIntervalSeries(r->shortLabel, points);
        any = true;
    }
    const bool appears = any && distribution_->isHidden();
    distribution_->setVisible(any);
    if (!any) return;
    if (appears) {  // a splitter gives a widget shown again no room: three parts to two
        const int width = std::max(charts_->width(), 500);
        charts_->setSizes({width * 3 / 5, width * 2 / 5});
    }
    distribution_->setXCategories({tr("min"), tr("p50"), tr("p95"), tr("p99"), tr("max")});
    distribution_->setTitle(tr("%1 at the end: quantiles").arg(currentMetric()));
    distribution_->setAxisTitles(
        tr("Quantile"),
        unit.isEmpty() ? currentMetric() : QStringLiteral("%1 (%2)").arg(currentMetric(), unit));
    distribution_->refreshNow();
}

void CompareView::fillParameters() {
    parameters_->clear();
    QStringList header{tr("Parameter")};
    for (const auto& r : runs_)
        header << QStringLiteral("#%1").arg(r->record.id);
    parameters_->setColumnCount(static_cast<int>(header.size()));
    parameters_->setHorizontalHeaderLabels(header);
    std::vector<store::RunValues> values;
    for (const auto& r : runs_)
        values.push_back(r->values);
    const std::vector<store::ParameterDifference> rows = store::parameterDifferences(values);
    parameters_->setRowCount(static_cast<int>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const int r = static_cast<int>(i);
        const QString tip = rows[i].pointer == "/run/seed" ? tr("The run's seed")
                            : rows[i].given
                                ? tr("A value set for the run (as --set gives it), by JSON pointer")
                                : tr("A value of the effective scenario, by JSON pointer");
        parameters_->setItem(r, 0, cell(qs(rows[i].pointer), tip));
        for (std::size_t c = 0; c < rows[i].values.size(); ++c)
            parameters_->setItem(r, static_cast<int>(c) + 1,
                                 cell(rows[i].values[c] ? history::jsonText(*rows[i].values[c])
                                                        : QStringLiteral("\u2013")));
    }
    parameters_->resizeColumnsToContents();
}

void CompareView::fillFinals() {
    finals_->clear();
    QStringList header{tr("Metric"), tr("Unit")};
    for (const auto& r : runs_)
        header << QStringLiteral("#%1").arg(r->record.id);
    finals_->setColumnCount(static_cast<int>(header.size()));
    finals_->setHorizontalHeaderLabels(header);
    std::vector<std::string> names;
    std::map<std::string, std::string> units;
    for (const auto& r : runs_)
        for (const core::MetricReport& m : r->finals)
            if (units.emplace(m.name, m.unit).second) names.push_back(m.name);
    finals_->setRowCount(static_cast<int>(names.size()));
    for (std::size_t i = 0; i < names.size(); ++i) {
        const int row = static_cast<int>(i);
        const QString name = qs(names[i]);
        finals_->setItem(row, 0, cell(name));
        finals_->setItem(row, 1, cell(qs(units[names[i]])));
        const int direction = history::metricDirection(name);
        std::optional<double> best;
        std::vector<std::optional<double>> values;
        for (const auto& r : runs_) {
            const auto it =
                std::find_if(r->finals.begin(), r->finals.end(),
                             [&](const core::MetricReport& m) { return m.name == names[i]; });
            values.push_back(it == r->finals.end() ? std::nullopt
                                                   : std::optional<double>(finalValue(*it)));
            if (values.back() && std::isfinite(*values.back()) && direction != 0 &&
                (!best || (direction > 0 ? *values.back() > *best : *values.back() < *best)))
                best = values.back();
        }
        const bool allSame = std::all_of(values.begin(), values.end(),
                                         [&](const auto& v) { return v == values.front(); });
        for (std::size_t c = 0; c < values.size(); ++c) {
            QTableWidgetItem* item =
                cell(values[c] ? history::formatNumber(*values[c]) : QStringLiteral("\u2013"));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (best && values[c] == best && !allSame) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setToolTip(tr("The best of these runs"));
            }
            finals_->setItem(row, static_cast<int>(c) + 2, item);
        }
    }
    finals_->resizeColumnsToContents();
}

core::Result<void> CompareView::exportParametersCsv(const QString& path) const {
    return writeTableCsv(parameters_, path);
}

core::Result<void> CompareView::exportMetricsCsv(const QString& path) const {
    return writeTableCsv(finals_, path);
}

}  // namespace dais::studio
