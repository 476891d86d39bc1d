#include "history/sweep_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <cmath>
#include <map>
#include <new>

#include "charts/chart_widget.h"
#include "dais/core/experiment.h"
#include "dais/core/sweep.h"
#include "dais/store/sweep_recorder.h"
#include "history/history_util.h"

namespace dais::studio {

using history::qs;
using Json = nlohmann::json;

/// What the background thread hands back when the sweep ends.
struct SweepDialog::Outcome {
    std::string error;  // the sweep could not start (plan or store)
    std::optional<core::SweepPlan> plan;
    std::vector<core::SweepRunResult> results;  // without samples
    std::vector<core::PointSummary> summary;
    std::size_t completed = 0, failed = 0, stopped = 0, skipped = 0;
    std::string storeError;  // the first error writing the store
    bool cancelled = false;
    qint64 sweepId = 0;
};

namespace {

bool isNumber(const Json& v) {
    return v.is_number();
}

QTableWidgetItem* cell(const QString& text, bool right = false) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (right) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString meanText(const core::SampleStats& s) {
    if (s.n == 0) return QStringLiteral("\u2013");
    if (s.n < 2 || !std::isfinite(s.halfWidth)) return history::formatNumber(s.mean);
    return QStringLiteral("%1 \u00b1 %2")
        .arg(history::formatNumber(s.mean), QString::number(s.halfWidth, 'g', 2));
}

}  // namespace

SweepDialog::SweepDialog(const core::Scenario& scenario, std::shared_ptr<store::RunStore> store,
                         QWidget* parent)
    : QDialog(parent), scenario_(scenario), store_(std::move(store)) {
    setWindowTitle(tr("Sweep \u2013 %1").arg(qs(scenario_.meta.name)));
    experiment_ = new QComboBox(this);
    for (const core::Experiment& e : scenario_.experiments) {
        experiment_->addItem(qs(e.id), qs(e.id));
        experiment_->setItemData(experiment_->count() - 1, qs(e.description), Qt::ToolTipRole);
    }
    jobs_ = new QSpinBox(this);
    jobs_->setRange(1, std::max(64, QThread::idealThreadCount()));
    jobs_->setValue(std::max(1, QThread::idealThreadCount()));
    jobs_->setToolTip(tr("Runs at a time, each on its own thread"));
    start_ = new QPushButton(tr("Start"), this);
    cancel_ = new QPushButton(tr("Cancel sweep"), this);
    close_ = new QPushButton(tr("Close"), this);
    for (QPushButton* b : {start_, cancel_, close_})
        b->setAutoDefault(false);
    start_->setDefault(true);
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setFormat(tr("%v of %m runs"));
    progress_->setRange(0, 1);
    progress_->setValue(0);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    table_ = new QTableWidget(this);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    chart_ = new ChartWidget(this);
    metric_ = new QComboBox(this);
    parameter_ = new QComboBox(this);

    auto* form = new QFormLayout;
    form->addRow(tr("Experiment:"), experiment_);
    form->addRow(tr("Jobs:"), jobs_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(progress_, 1);
    buttons->addWidget(start_);
    buttons->addWidget(cancel_);
    auto* plotBar = new QHBoxLayout;
    plotBar->addWidget(new QLabel(tr("Plot"), this));
    plotBar->addWidget(metric_);
    plotBar->addWidget(new QLabel(tr("against"), this));
    plotBar->addWidget(parameter_);
    plotBar->addStretch(1);
    auto* results = new QWidget(this);
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addLayout(plotBar);
    resultsLayout->addWidget(chart_, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(results);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto* bottom = new QHBoxLayout;
    bottom->addStretch(1);
    bottom->addWidget(close_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addWidget(split, 1);
    layout->addLayout(bottom);
    resize(900, 700);

    if (scenario_.experiments.empty()) {
        start_->setEnabled(false);
        status_->setText(
            tr("This scenario has no experiments: add an \"experiments\" section "
               "to sweep its parameters."));
    } else if (!store_) {
        start_->setEnabled(false);
        status_->setText(tr("No run store is open, so the sweep's runs could not be kept."));
    } else {
        status_->setText(tr("Runs are stored in %1.").arg(qs(store_->path())));
    }
    connect(start_, &QPushButton::clicked, this, &SweepDialog::start);
    connect(cancel_, &QPushButton::clicked, this, &SweepDialog::cancel);
    connect(close_, &QPushButton::clicked, this, &SweepDialog::reject);
    connect(metric_, &QComboBox::currentIndexChanged, this, [this] { replot(); });
    connect(parameter_, &QComboBox::currentIndexChanged, this, [this] { replot(); });
}

SweepDialog::~SweepDialog() {
    stop_ = true;
    if (worker_.joinable()) worker_.join();
}

QString SweepDialog::statusText() const {
    return status_->text();
}

void SweepDialog::start() {
    if (running_ || !store_ || experiment_->currentIndex() < 0) return;
    if (worker_.joinable()) worker_.join();
    running_ = true;
    stop_ = false;
    sweepId_ = 0;
    outcome_.reset();
    table_->clear();
    table_->setRowCount(0);
    table_->setColumnCount(0);
    chart_->clear();
    metric_->clear();
    parameter_->clear();
    start_->setEnabled(false);
    experiment_->setEnabled(false);
    jobs_->setEnabled(false);
    cancel_->setEnabled(true);
    progress_->setRange(0, 0);  // busy until the plan is checked
    status_->setText(tr("Checking every point of the experiment\u2026"));

    // Everything the thread needs is copied: it never touches the dialog's widgets.
    const std::string text = scenario_.document.dump();
    const std::string source =
        scenario_.sourcePath.empty() ? scenario_.sourceName : scenario_.sourcePath;
    const std::string experiment = experiment_->currentData().toString().toStdString();
    const unsigned jobs = static_cast<unsigned>(jobs_->value());
    std::shared_ptr<store::RunStore> store = store_;
    worker_ = std::thread([this, text, source, experiment, jobs, store] {
        auto out = std::make_shared<Outcome>();
        auto post = [this](auto f) { QMetaObject::invokeMethod(this, f, Qt::QueuedConnection); };
        try {
            auto plan = core::planSweep(text, source, {}, experiment);
            if (!plan) {
                out->error = plan.error().message;
                post([this, out] { onFinished(out); });
                return;
            }
            out->plan = std::move(plan).value();
            const core::SweepPlan& p = *out->plan;
            // Stored as `dais sweep` stores them; runs a cancel stops mid-way stay, as stopped.
            store::SweepRecorder recorder(*store, true);
            auto sweep = recorder.begin(p);
            if (!sweep) {
                out->error = sweep.error().message;
                post([this, out] { onFinished(out); });
                return;
            }
            out->sweepId = *sweep;
            const std::size_t total = p.runs.size();
            post([this, total, id = *sweep] {
                sweepId_ = id;
                onProgress(0, total);
            });
            core::SweepOptions options;
            options.jobs = jobs;
            core::runSweep(
                p, options,
                [&](core::SweepRunResult&& r) {
                    if (auto w = recorder.record(p, r); !w && out->storeError.empty())
                        out->storeError = w.error().message;
                    switch (r.status) {
                        case core::SweepRunStatus::Completed:
                            ++out->completed;
                            break;
                        case core::SweepRunStatus::Failed:
                            ++out->failed;
                            break;
                        case core::SweepRunStatus::Cancelled:
                            ++(r.stoppedWhileRunning() ? out->stopped : out->skipped);
                            break;
                    }
                    r.samples = {};
                    out->results.push_back(std::move(r));
                },
                &stop_,
                [&](const core::SweepProgress& progress) {
                    const std::size_t done = progress.finished, all = progress.total;
                    post([this, done, all] { onProgress(done, all); });
                });
            out->cancelled = stop_.load();
            out->summary = core::summarizeSweep(p, out->results);
        } catch (const std::bad_alloc&) {
            out->error = source + ": out of memory while sweeping";
        } catch (const std::exception& e) {
            out->error = std::string("internal error: ") + e.what();
        }
        post([this, out] { onFinished(out); });
    });
}

void SweepDialog::cancel() {
    if (!running_) return;
    stop_ = true;
    cancel_->setEnabled(false);
    status_->setText(tr("Stopping: runs in progress are being stopped\u2026"));
}

void SweepDialog::reject() {
    if (running_) {
        cancel();
        if (worker_.joinable()) worker_.join();
        running_ = false;
    }
    QDialog::reject();
}

void SweepDialog::onProgress(std::size_t done, std::size_t total) {
    progress_->setRange(0, static_cast<int>(total));
    progress_->setValue(static_cast<int>(done));
    if (!stop_)
        status_->setText(tr("Sweep #%1: %2 of %3 runs finished, %4 at a time.")
                             .arg(sweepId_)
                             .arg(done)
                             .arg(total)
                             .arg(jobs_->value()));
}

void SweepDialog::onFinished(std::shared_ptr<Outcome> outcome) {
    if (worker_.joinable()) worker_.join();
    running_ = false;
    outcome_ = std::move(outcome);
    const Outcome& o = *outcome_;
    start_->setEnabled(true);
    experiment_->setEnabled(true);
    jobs_->setEnabled(true);
    cancel_->setEnabled(false);
    if (!o.error.empty()) {
        progress_->setRange(0, 1);
        progress_->setValue(0);
        status_->setText(tr("The sweep could not run: %1").arg(qs(o.error)));
        emit sweepFinished();
        return;
    }
    sweepId_ = o.sweepId;
    const std::size_t total = o.plan->runs.size();
    progress_->setRange(0, static_cast<int>(total));
    progress_->setValue(static_cast<int>(total - o.skipped));
    QString text;
    if (o.cancelled) {
        text = tr("Sweep #%1 cancelled: %2 of %3 runs completed and are stored")
                   .arg(o.sweepId)
                   .arg(o.completed)
                   .arg(total);
        if (o.stopped > 0) text += tr("; %1 stopped mid-way, stored as stopped").arg(o.stopped);
        if (o.skipped > 0) text += tr("; %1 never started").arg(o.skipped);
        text += QLatin1Char('.');
    } else {
        text = tr("Sweep #%1 finished: %2 of %3 runs completed and stored.")
                   .arg(o.sweepId)
                   .arg(o.completed)
                   .arg(total);
    }
    if (o.failed > 0) text += tr(" %1 runs failed (stored with their errors).").arg(o.failed);
    if (!o.storeError.empty()) text += tr(" Storing failed: %1").arg(qs(o.storeError));
    status_->setText(text);

    // The table: one row per point.
    const core::SweepPlan& plan = *o.plan;
    QStringList header{tr("Point")};
    for (const std::string& p : plan.parameters)
        header << qs(p);
    header << tr("Runs");
    for (const core::PointSummary& s :
         o.summary.empty() ? std::vector<core::PointSummary>{} : std::vector{o.summary.front()})
        for (const core::MetricSummary& m : s.metrics)
            header << (m.unit.empty() ? qs(m.selector)
                                      : QStringLiteral("%1 (%2)").arg(qs(m.selector), qs(m.unit)));
    table_->setColumnCount(static_cast<int>(header.size()));
    table_->setHorizontalHeaderLabels(header);
    table_->setRowCount(static_cast<int>(o.summary.size()));
    for (std::size_t i = 0; i < o.summary.size(); ++i) {
        const core::PointSummary& s = o.summary[i];
        const int row = static_cast<int>(i);
        int c = 0;
        table_->setItem(row, c++, cell(QString::number(s.point), true));
        for (const core::ParameterValue& v : plan.points.at(s.point).values)
            table_->setItem(row, c++, cell(history::jsonText(v.value)));
        QString runs = QString::number(s.completed);
        if (s.failed) runs += tr(" (+%1 failed)").arg(s.failed);
        if (s.cancelled) runs += tr(" (+%1 not finished)").arg(s.cancelled);
        table_->setItem(row, c++, cell(runs, true));
        for (const core::MetricSummary& m : s.metrics) {
            QTableWidgetItem* item = cell(meanText(m.stats), true);
            item->setToolTip(tr("mean over %1 runs; 95% interval half-width %2; sd %3")
                                 .arg(m.stats.n)
                                 .arg(history::formatNumber(m.stats.halfWidth))
                                 .arg(history::formatNumber(m.stats.stddev)));
            table_->setItem(row, c++, item);
        }
    }
    table_->resizeColumnsToContents();

    metric_->blockSignals(true);
    parameter_->blockSignals(true);
    for (const std::string& m : plan.metrics)
        metric_->addItem(qs(m));
    for (const std::string& p : plan.parameters)
        parameter_->addItem(qs(p));
    // A first metric worth seeing: an accuracy or a latency when there is one.
    for (const char* hint : {"accuracy", "latency"}) {
        const int i = metric_->findText(QLatin1String(hint), Qt::MatchContains);
        if (i >= 0) {
            metric_->setCurrentIndex(i);
            break;
        }
    }
    metric_->blockSignals(false);
    parameter_->blockSignals(false);
    replot();
    emit sweepFinished();
}

void SweepDialog::replot() {
    chart_->clear();
    if (!outcome_ || !outcome_->plan) return;
    const core::SweepPlan& plan = *outcome_->plan;
    const int mi = metric_->currentIndex();
    const int pi = parameter_->currentIndex();
    if (mi < 0) return;
    QString unit;
    // x: the chosen parameter's value (numbers), else its category's position.
    bool numeric = pi >= 0;
    QStringList categories;
    for (const core::SweepPoint& p : plan.points) {
        if (pi < 0) break;
        const Json& v = p.values.at(static_cast<std::size_t>(pi)).value;
        numeric = numeric && isNumber(v);
        if (!categories.contains(history::jsonText(v))) categories << history::jsonText(v);
    }
    if (pi < 0) categories = {tr("all runs")};
    // One series per combination of the other parameters.
    std::map<QString, std::vector<IntervalPoint>> series;
    std::vector<QString> order;
    for (const core::PointSummary& s : outcome_->summary) {
        const core::MetricSummary& m = s.metrics.at(static_cast<std::size_t>(mi));
        if (!m.unit.empty()) unit = qs(m.unit);
        if (m.stats.n == 0) continue;
        const core::SweepPoint& p = plan.points.at(s.point);
        QStringList others;
        double x = 0;
        for (std::size_t k = 0; k < p.values.size(); ++k) {
            if (static_cast<int>(k) == pi) {
                const Json& v = p.values[k].value;
                x = numeric ? v.get<double>()
                            : static_cast<double>(categories.indexOf(history::jsonText(v)));
            } else {
                others << QStringLiteral("%1=%2").arg(history::lastSegment(qs(p.values[k].path)),
                                                      history::jsonText(p.values[k].value));
            }
        }
        const QString key = others.isEmpty() ? metric_->currentText() : others.join(", ");
        if (!series.count(key)) order.push_back(key);
        const double hw = std::isfinite(m.stats.halfWidth) ? m.stats.halfWidth : 0;
        series[key].push_back({x, m.stats.mean, m.stats.mean - hw, m.stats.mean + hw});
    }
    chart_->setXCategories(numeric ? QStringList() : categories);
    for (const QString& key : order)
        chart_->addIntervalSeries(key, series[key]);
    const QString metric = metric_->currentText();
    chart_->setTitle(
        tr("%1: mean and 95% interval over %2 seeds").arg(metric).arg(plan.seeds.size()));
    chart_->setAxisTitles(pi >= 0 ? parameter_->currentText() : tr("Point"),
                          unit.isEmpty() ? metric : QStringLiteral("%1 (%2)").arg(metric, unit));
    chart_->refreshNow();
}

}  // namespace dais::studio
