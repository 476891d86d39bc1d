// The run history of dais-studio against a real run store filled by real runs: the list and
// its filters, annotating and deleting through their dialogs, one run's charts, runs compared,
// and sweeps run from the dialog to the end and cancelled half-way.
#include <QtTest>

#include "../private_runtime_dir.h"
#include "../ui/window_test.h"

#include <QAction>
#include <QCategoryAxis>
#include <QChart>
#include <QComboBox>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeWidget>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "charts/chart_widget.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/store/run_store.h"
#include "dais/store/store_observer.h"
#include "history/compare_view.h"
#include "history/run_charts_view.h"
#include "history/run_history_panel.h"
#include "history/run_list_model.h"
#include "history/sweep_dialog.h"

using namespace dais;
using namespace dais::studio;

namespace {

const std::string kQueue = std::string(DAIS_SOURCE_DIR) + "/scenarios/single-link-queue.dais.json";

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs a scenario file with overrides through the core API and records it as `dais run` does.
qint64 recordRun(store::RunStore& s, const std::string& file,
                 const std::vector<std::string>& overrides) {
    std::vector<std::string> all = overrides;
    all.push_back("run.sample_interval=0.25s");  // the bundled file takes no samples
    auto scenario = core::loadScenarioFile(file, all);
    if (!scenario) qFatal("%s", scenario.error().message.c_str());
    auto hash = s.putScenario(scenario->meta.name, scenario->document.dump());
    if (!hash) qFatal("%s", hash.error().message.c_str());
    store::RunStart start;
    start.scenarioHash = *hash;
    start.scenarioName = scenario->meta.name;
    start.seed = scenario->run.seed;
    start.parameters = store::overridesToParameters(overrides);
    auto writer = s.beginRun(start);
    if (!writer) qFatal("%s", writer.error().message.c_str());
    store::StoreObserver observer(**writer);
    core::RunOptions options;
    options.observer = &observer;
    auto run = core::ScenarioRun::prepare(*scenario, options);
    if (!run) qFatal("%s", run.error().message.c_str());
    const core::RunReport report = (*run)->run();
    if (auto f = (*writer)->finish(store::RunFinish::fromReport(report)); !f)
        qFatal("%s", f.error().message.c_str());
    return (*writer)->id();
}

// The queue scenario with its experiments replaced, loaded as the studio would hold it.
core::Scenario queueWithExperiments(const std::string& experiments, const std::string& until) {
    auto doc = nlohmann::ordered_json::parse(readFile(kQueue));
    doc["experiments"] = nlohmann::ordered_json::parse(experiments);
    doc["run"]["until"] = until;
    doc["run"]["sample_interval"] = "0.25s";
    auto scenario = core::loadScenarioText(doc.dump(2), kQueue);
    if (!scenario) qFatal("%s", scenario.error().message.c_str());
    return std::move(scenario).value();
}

int rowOfText(const QTableWidget* t, int column, const QString& text) {
    for (int r = 0; r < t->rowCount(); ++r)
        if (t->item(r, column) && t->item(r, column)->text() == text) return r;
    return -1;
}

}  // namespace

class TestStudioHistory : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::shared_ptr<store::RunStore> store_;
    qint64 a_ = 0, b_ = 0, c_ = 0;

  private slots:
    void initTestCase() {
        studiotest::usePrivateRuntimeDir();
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
        QVERIFY(dir_.isValid());
        auto opened = store::RunStore::open(dir_.filePath("runs.sqlite").toStdString());
        QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
        store_ = std::shared_ptr<store::RunStore>(std::move(opened).value());
        a_ = recordRun(*store_, kQueue, {"run.until=5s"});
        b_ = recordRun(*store_, kQueue, {"run.until=5s", "network.traffic.probe.rate=500"});
        c_ = recordRun(*store_, kQueue, {"run.until=3s", "run.seed=7"});
        QVERIFY(a_ > 0 && b_ > a_ && c_ > b_);
    }

    void listShowsTheRuns() {
        RunHistoryPanel panel(store_);
        RunListModel* m = panel.model();
        QCOMPARE(m->rowCount(), 3);
        const int row = m->rowOf(a_);
        QVERIFY(row >= 0);
        auto text = [&](int column) { return m->index(row, column).data().toString(); };
        QCOMPARE(text(RunListModel::Id), QString::number(a_));
        QCOMPARE(text(RunListModel::Scenario), QStringLiteral("One link as a queue"));
        QCOMPARE(text(RunListModel::Seed), QStringLiteral("1"));
        QCOMPARE(text(RunListModel::Status), QStringLiteral("completed"));
        QVERIFY(!text(RunListModel::Started).isEmpty());
        QCOMPARE(text(RunListModel::SimulatedSeconds), QStringLiteral("5"));
        QVERIFY(m->index(row, RunListModel::Events).data(RunListModel::SortRole).toULongLong() >
                1000);
        QCOMPARE(text(RunListModel::Fingerprint).size(), 16);
        QCOMPARE(m->record(m->rowOf(c_))->seed, std::uint64_t{7});
        // Newest first, and sortable by any column.
        QCOMPARE(panel.table()->model()->index(0, 0).data(RunListModel::RunIdRole).toLongLong(),
                 c_);
        panel.table()->sortByColumn(RunListModel::SimulatedSeconds, Qt::AscendingOrder);
        QCOMPARE(panel.table()->model()->index(0, 0).data(RunListModel::RunIdRole).toLongLong(),
                 c_);
        QVERIFY(panel.bannerText().isEmpty());
    }

    void annotateThroughTheDialogAndFilter() {
        RunHistoryPanel panel(store_);
        panel.resize(900, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.selectRuns({a_});
        QVERIFY(panel.annotateAction()->isEnabled());
        QString title;
        studiotest::whenModal([&title](QWidget* modal) {
            auto* input = qobject_cast<QInputDialog*>(modal);
            if (!input) {
                modal->close();
                return;
            }
            title = input->windowTitle();
            input->setTextValue(QStringLiteral("baseline at 800 messages/s\nsecond line"));
            input->accept();
        });
        panel.annotateAction()->trigger();
        QVERIFY2(title.contains(QString::number(a_)), qPrintable(title));
        auto notes = store_->annotations(a_);
        QVERIFY(notes.ok());
        QCOMPARE(notes->size(), std::size_t{1});
        QCOMPARE(notes->front().text, std::string("baseline at 800 messages/s\nsecond line"));
        // The list shows an excerpt of it.
        const int row = panel.model()->rowOf(a_);
        QCOMPARE(panel.model()->index(row, RunListModel::Annotation).data().toString(),
                 QString::fromUtf8("baseline at 800 messages/s\u2026"));

        // Text filter: annotation, scenario, status.
        QTest::keyClicks(panel.filterEdit(), QStringLiteral("baseline"));
        QCOMPARE(panel.visibleRunCount(), 1);
        panel.filterEdit()->clear();
        QCOMPARE(panel.visibleRunCount(), 3);
        panel.filterEdit()->setText(QStringLiteral("queue"));
        QCOMPARE(panel.visibleRunCount(), 3);
        panel.filterEdit()->setText(QStringLiteral("nothing-like-this"));
        QCOMPARE(panel.visibleRunCount(), 0);
        panel.filterEdit()->clear();
        // Status filter.
        panel.statusFilter()->setCurrentIndex(panel.statusFilter()->findText("failed"));
        QCOMPARE(panel.visibleRunCount(), 0);
        panel.statusFilter()->setCurrentIndex(panel.statusFilter()->findText("completed"));
        QCOMPARE(panel.visibleRunCount(), 3);
        panel.statusFilter()->setCurrentIndex(0);

        // F5 reads the store again.
        const qint64 extra = recordRun(*store_, kQueue, {"run.until=1s"});
        QCOMPARE(panel.model()->rowCount(), 3);
        panel.activateWindow();
        panel.table()->setFocus();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        QTest::keyClick(panel.table(), Qt::Key_F5);
        QCOMPARE(panel.model()->rowCount(), 4);
        QVERIFY(store_->deleteRun(extra).ok());
        panel.refresh();
        QCOMPARE(panel.model()->rowCount(), 3);
    }

    void openAndCompareRequests() {
        RunHistoryPanel panel(store_);
        QSignalSpy open(&panel, &RunHistoryPanel::openRunRequested);
        QSignalSpy compare(&panel, &RunHistoryPanel::compareRequested);
        panel.selectRuns({b_});
        QVERIFY(panel.openAction()->isEnabled());
        QVERIFY(!panel.compareAction()->isEnabled());
        panel.openAction()->trigger();
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.front().front().toLongLong(), b_);
        panel.compareAction()->trigger();
        QCOMPARE(compare.count(), 0);
        panel.selectRuns({a_, b_});
        QVERIFY(panel.compareAction()->isEnabled());
        panel.compareAction()->trigger();
        QCOMPARE(compare.count(), 1);
        const auto ids = compare.front().front().value<QList<qint64>>();
        QCOMPARE(ids.size(), 2);
        QVERIFY(ids.contains(a_) && ids.contains(b_));
        // A double click opens too.
        panel.resize(800, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QModelIndex index = panel.table()->model()->index(0, 1);
        const QRect rect = panel.table()->visualRect(index);
        QTest::mouseClick(panel.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(panel.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(open.count(), 2);
    }

    void deleteAsksFirst() {
        const qint64 doomed = recordRun(*store_, kQueue, {"run.until=1s", "run.seed=99"});
        RunHistoryPanel panel(store_);
        QCOMPARE(panel.model()->rowCount(), 4);
        panel.selectRuns({doomed});
        // Cancelled: nothing goes.
        QString question;
        studiotest::whenModal([&question](QWidget* modal) {
            auto* box = qobject_cast<QMessageBox*>(modal);
            if (!box) {
                modal->close();
                return;
            }
            question = box->text() + '\n' + box->informativeText();
            box->button(QMessageBox::Cancel)->click();
        });
        panel.deleteAction()->trigger();
        QVERIFY2(question.contains(QStringLiteral("#%1").arg(doomed)), qPrintable(question));
        QVERIFY2(question.contains(QStringLiteral("seed 99")), qPrintable(question));
        QCOMPARE(panel.model()->rowCount(), 4);
        QVERIFY(store_->findRun(doomed)->has_value());
        // Confirmed: the run is gone from the store and the list.
        studiotest::whenModal([](QWidget* modal) {
            auto* box = qobject_cast<QMessageBox*>(modal);
            if (!box) {
                modal->close();
                return;
            }
            box->button(QMessageBox::Yes)->click();
        });
        panel.deleteAction()->trigger();
        QCOMPARE(panel.model()->rowCount(), 3);
        QVERIFY(!store_->findRun(doomed)->has_value());
        QCOMPARE(panel.model()->rowOf(doomed), -1);
    }

    void badStoresAreExplained() {
        RunHistoryPanel panel;
        QCOMPARE(panel.model()->rowCount(), 0);
        const QString garbage = dir_.filePath("not-a-store.sqlite");
        {
            QFile f(garbage);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        QVERIFY(!panel.openStore(garbage));
        QVERIFY2(panel.bannerText().contains(garbage), qPrintable(panel.bannerText()));
        QCOMPARE(panel.model()->rowCount(), 0);
        QVERIFY(!panel.refreshAction()->isEnabled());
        QVERIFY(!panel.openStore(dir_.path()));  // a folder
        QVERIFY(panel.bannerText().contains(dir_.path()));
        // A good one clears the banner.
        QVERIFY(panel.openStore(QString::fromStdString(store_->path())));
        QVERIFY(panel.bannerText().isEmpty());
        QCOMPARE(panel.model()->rowCount(), 3);
        // Views name a run that is not there.
        RunChartsView charts(store_);
        QVERIFY(!charts.setRun(123456));
        QVERIFY(charts.bannerText().contains(QStringLiteral("123456")));
        CompareView compare(store_);
        QVERIFY(!compare.setRuns({a_, 123456}));
        QVERIFY(compare.bannerText().contains(QStringLiteral("#123456")));
    }

    void runChartsShowStoredSamples() {
        RunChartsView view(store_);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY2(view.setRun(a_), qPrintable(view.bannerText()));
        const QStringList metrics = view.metrics();
        QVERIFY(metrics.size() >= 3);
        // Grouped by prefix.
        QStringList groups;
        for (int i = 0; i < view.metricList()->topLevelItemCount(); ++i)
            groups << view.metricList()->topLevelItem(i)->text(0);
        QVERIFY2(groups.contains(QStringLiteral("net.")), qPrintable(groups.join(',')));
        // One sensible metric ticked and plotted from the store's samples.
        QCOMPARE(view.checkedMetrics().size(), 1);
        QVERIFY2(view.checkedMetrics().front().contains(QStringLiteral("latency")),
                 qPrintable(view.checkedMetrics().front()));
        QCOMPARE(view.chart()->seriesCount(), 1);
        const auto samples =
            store_->samples(a_, view.checkedMetrics().front().toStdString()).value();
        QVERIFY(samples.size() >= 4);
        QCOMPARE(view.chart()->pointCount(0), samples.size());
        QVERIFY(view.chart()->drawnPointCount(0) > 0);
        // Ticking another adds it.
        const QString other = QStringLiteral("net.messages.delivered");
        QVERIFY(metrics.contains(other));
        view.setMetricChecked(other, true);
        QCOMPARE(view.chart()->seriesCount(), 2);
        QVERIFY(view.chart()->seriesName(0) == other || view.chart()->seriesName(1) == other);
        view.setMetricChecked(other, false);
        QCOMPARE(view.chart()->seriesCount(), 1);
        // Details: seed, status, parameters, final metrics, annotations.
        const QString details = view.details()->toPlainText();
        QVERIFY(details.contains(QStringLiteral("Seed")));
        QVERIFY(details.contains(QStringLiteral("completed")));
        QVERIFY(details.contains(QStringLiteral("run.until")));
        QVERIFY(details.contains(QStringLiteral("Final metrics")));
        QVERIFY(details.contains(QStringLiteral("baseline at 800")));
        // The unit and help as a tooltip.
        QTreeWidgetItem* group = view.metricList()->topLevelItem(0);
        QVERIFY(!group->child(0)->toolTip(0).isEmpty());
    }

    void compareTwoRuns() {
        CompareView view(store_);
        view.resize(1100, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY2(view.setRuns({a_, b_}), qPrintable(view.bannerText()));
        QVERIFY(!view.commonMetrics().isEmpty());
        QVERIFY2(view.currentMetric().contains(QStringLiteral("latency")),
                 qPrintable(view.currentMetric()));
        ChartWidget* chart = view.chart();
        QCOMPARE(chart->seriesCount(), 2);
        QVERIFY(chart->seriesName(0).startsWith(
            QStringLiteral("#%1 One link as a queue seed 1").arg(a_)));
        QVERIFY2(chart->seriesName(1).contains(QStringLiteral("rate=500")),
                 qPrintable(chart->seriesName(1)));
        QVERIFY(chart->pointCount(0) > 0 && chart->pointCount(1) > 0);
        // Parameters that differ, by JSON pointer: the run parameter names the scenario value
        // it set (the traffic by its id), so it is one row.
        QTableWidget* p = view.parameterTable();
        QCOMPARE(p->columnCount(), 3);
        QCOMPARE(p->horizontalHeaderItem(1)->text(), QStringLiteral("#%1").arg(a_));
        QCOMPARE(rowOfText(p, 0, QStringLiteral("network.traffic.probe.rate")), -1);
        const int leaf = rowOfText(p, 0, QStringLiteral("/network/traffic/0/rate"));
        QVERIFY(leaf >= 0);
        QCOMPARE(p->item(leaf, 1)->text(), QStringLiteral("800"));
        QCOMPARE(p->item(leaf, 2)->text(), QStringLiteral("500"));
        QVERIFY(p->item(leaf, 0)->toolTip().contains(QStringLiteral("set for the run")));
        QCOMPARE(rowOfText(p, 0, QStringLiteral("/run/until")), -1);  // the same in both
        QCOMPARE(rowOfText(p, 0, QStringLiteral("/run/seed")), -1);
        // Final metrics side by side.
        QTableWidget* f = view.metricTable();
        QCOMPARE(f->columnCount(), 4);
        QVERIFY(f->rowCount() >= 3);
        const int delivered = rowOfText(f, 0, QStringLiteral("net.messages.delivered"));
        QVERIFY(delivered >= 0);
        QVERIFY(f->item(delivered, 2)->text().toDouble() >
                f->item(delivered, 3)->text().toDouble());
        // Another metric.
        view.setMetric(view.commonMetrics().back());
        QCOMPARE(view.currentMetric(), view.commonMetrics().back());
        QCOMPARE(chart->seriesCount(), 2);
        // Exports.
        QString error;
        const QString params = dir_.filePath("params.csv"), finals = dir_.filePath("finals.csv");
        for (const auto& written :
             {view.exportParametersCsv(params), view.exportMetricsCsv(finals)})
            QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        QFile pf(params), ff(finals);
        QVERIFY(pf.open(QIODevice::ReadOnly) && ff.open(QIODevice::ReadOnly));
        const QStringList plines = QString::fromUtf8(pf.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(plines.front(), QStringLiteral("Parameter,#%1,#%2").arg(a_).arg(b_));
        QCOMPARE(plines.size(), p->rowCount() + 1);
        QVERIFY(plines.contains(QStringLiteral("/network/traffic/0/rate,800,500")));
        const QStringList flines = QString::fromUtf8(ff.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(flines.size(), f->rowCount() + 1);
        QVERIFY(flines.front().startsWith(QStringLiteral("Metric,Unit,#")));
        QVERIFY(chart->exportPng(dir_.filePath("compare.png")));
        QVERIFY(!QImage(dir_.filePath("compare.png")).isNull());
        const auto refused = view.exportMetricsCsv(dir_.filePath("no/such/dir/x.csv"));
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.find("no/such/dir") != std::string::npos);
        if (const QByteArray keep = qgetenv("DAIS_CHART_SNAPSHOTS"); !keep.isEmpty()) {
            QDir().mkpath(QString::fromLocal8Bit(keep));
            static_cast<void>(
                chart->exportPng(QDir(QString::fromLocal8Bit(keep)).filePath("compare.png")));
        }
    }

    // Edge against cloud: the same city's inference served from the edge boxes and from the far
    // data centre, compared: the latency over time, and each run's quantiles side by side: the
    // edge answers sooner at the median, the cloud at the tail (its GPUs are faster, so its
    // largest jobs end sooner).
    void compareEdgeAgainstCloud() {
        const std::string file =
            std::string(DAIS_SOURCE_DIR) + "/scenarios/edge-vs-cloud.dais.json";
        const qint64 edge = recordRun(*store_, file, {"run.until=20s"});
        const qint64 cloud =
            recordRun(*store_, file, {"run.until=20s", "layers.depin.provider_role=cloud-gpu"});
        CompareView view(store_);
        view.resize(1300, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY2(view.setRuns({edge, cloud}), qPrintable(view.bannerText()));
        view.setMetric(QStringLiteral("depin.response"));
        QCOMPARE(view.currentMetric(), QStringLiteral("depin.response"));
        QCOMPARE(view.chart()->seriesCount(), 2);
        ChartWidget* quantiles = view.distributionChart();
        QVERIFY(quantiles->isVisible());
        QCOMPARE(quantiles->seriesCount(), 2);
        QCOMPARE(quantiles->pointCount(0), std::size_t{5});
        QVERIFY(qobject_cast<QCategoryAxis*>(quantiles->chart()->axes(Qt::Horizontal).value(0)));
        const std::string path = dir_.filePath("quantiles.csv").toStdString();
        QVERIFY(quantiles->exportCsv(QString::fromStdString(path)).ok());
        std::map<std::string, double> at;  // "edge p50", "cloud p99", ...
        std::ifstream csv(path);
        for (std::string line; std::getline(csv, line);) {
            const QStringList parts = QString::fromStdString(line).split(',');
            if (parts.size() < 3) continue;
            const std::string site =
                parts[0].contains(QStringLiteral("cloud-gpu")) ? "cloud" : "edge";
            if (parts[1] == QStringLiteral("1")) at[site + " p50"] = parts[2].toDouble();
            if (parts[1] == QStringLiteral("3")) at[site + " p99"] = parts[2].toDouble();
        }
        QCOMPARE(at.size(), std::size_t{4});
        QVERIFY(at["edge p50"] < at["cloud p50"]);
        QVERIFY(at["edge p99"] > at["cloud p99"]);
        // A metric that is not a distribution hides the quantiles.
        view.setMetric(QStringLiteral("depin.jobs_done"));
        QVERIFY(!quantiles->isVisible());
        view.setMetric(QStringLiteral("depin.response"));
        QVERIFY(quantiles->isVisible());
        if (const QByteArray keep = qgetenv("DAIS_CHART_SNAPSHOTS"); !keep.isEmpty()) {
            QDir().mkpath(QString::fromLocal8Bit(keep));
            static_cast<void>(view.grab().save(
                QDir(QString::fromLocal8Bit(keep)).filePath("compare-edge-cloud.png")));
        }
    }

    // Latency by policy: the edge-vs-cloud experiment over four ways of picking a box, run from
    // the dialog; the chart has a category per policy, and least-loaded's bar is the lowest.
    void sweepShowsLatencyByPolicy() {
        const std::string file =
            std::string(DAIS_SOURCE_DIR) + "/scenarios/edge-vs-cloud.dais.json";
        auto doc = nlohmann::ordered_json::parse(readFile(file));
        doc["run"]["until"] = "20s";
        doc["run"]["sample_interval"] = "1s";
        auto scenario = core::loadScenarioText(doc.dump(2), file);
        QVERIFY2(scenario.ok(), scenario ? "" : scenario.error().message.c_str());
        SweepDialog dialog(*scenario, store_);
        dialog.resize(1100, 800);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.experimentChooser()->setCurrentIndex(
            dialog.experimentChooser()->findText(QStringLiteral("policies")));
        QCOMPARE(dialog.experimentChooser()->currentText(), QStringLiteral("policies"));
        dialog.jobsBox()->setValue(2);
        QSignalSpy done(&dialog, &SweepDialog::sweepFinished);
        QTest::mouseClick(dialog.startButton(), Qt::LeftButton);
        QVERIFY(done.wait(120000));
        dialog.metricChooser()->setCurrentIndex(
            dialog.metricChooser()->findText(QStringLiteral("depin.response")));
        ChartWidget* chart = dialog.chart();
        QCOMPARE(chart->seriesCount(), 1);
        QCOMPARE(chart->pointCount(0), std::size_t{4});
        auto* axis = qobject_cast<QCategoryAxis*>(chart->chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(axis != nullptr);
        QVERIFY(axis->categoriesLabels().contains(QStringLiteral("least-loaded")));
        QTableWidget* t = dialog.resultTable();
        int response = -1;  // the column of depin.response: "mean ± half-width"
        for (int c = 0; c < t->columnCount(); ++c)
            if (t->horizontalHeaderItem(c)->text().startsWith(QStringLiteral("depin.response")))
                response = c;
        QVERIFY(response >= 0);
        double random = 0, leastLoaded = 0;
        for (int r = 0; r < t->rowCount(); ++r) {
            const double mean = t->item(r, response)->text().split(' ').front().toDouble();
            if (t->item(r, 1)->text() == QStringLiteral("random")) random = mean;
            if (t->item(r, 1)->text() == QStringLiteral("least-loaded")) leastLoaded = mean;
        }
        QVERIFY2(leastLoaded > 0 && leastLoaded < random,
                 qPrintable(QString("%1 %2").arg(leastLoaded).arg(random)));
        if (const QByteArray keep = qgetenv("DAIS_CHART_SNAPSHOTS"); !keep.isEmpty()) {
            QDir().mkpath(QString::fromLocal8Bit(keep));
            static_cast<void>(chart->exportPng(
                QDir(QString::fromLocal8Bit(keep)).filePath("latency-by-policy.png")));
        }
    }

    void sweepRunsToTheEnd() {
        const core::Scenario scenario = queueWithExperiments(
            R"([{"id": "quick", "description": "two loads, two queues",
                 "grid": {"network.traffic.probe.rate": [300, 800], "run.queue": ["heap", "ladder"]},
                 "seeds": 2, "metrics": ["traffic.probe.latency", "net.messages.delivered"]}])",
            "3s");
        SweepDialog dialog(scenario, store_);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.experimentChooser()->currentText(), QStringLiteral("quick"));
        QVERIFY(dialog.jobsBox()->value() >= 1);
        dialog.jobsBox()->setValue(2);
        QSignalSpy done(&dialog, &SweepDialog::sweepFinished);
        QTest::mouseClick(dialog.startButton(), Qt::LeftButton);
        QVERIFY(dialog.running());
        QVERIFY(dialog.cancelButton()->isEnabled());
        QVERIFY(done.wait(50000));
        QVERIFY(!dialog.running());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("8 of 8 runs completed")),
                 qPrintable(dialog.statusText()));
        QCOMPARE(dialog.progressBar()->value(), 8);
        QCOMPARE(dialog.progressBar()->text(), QStringLiteral("8 of 8 runs"));
        // The table: a row per point, the parameters, the runs, each metric's interval.
        QTableWidget* t = dialog.resultTable();
        QCOMPARE(t->rowCount(), 4);
        QCOMPARE(t->horizontalHeaderItem(1)->text(), QStringLiteral("network.traffic.probe.rate"));
        QCOMPARE(t->item(0, 3)->text(), QStringLiteral("2"));
        QVERIFY2(t->item(0, 4)->text().contains(QString::fromUtf8("\u00b1")),
                 qPrintable(t->item(0, 4)->text()));
        // The chart: latency against the rate, one series per queue, with intervals.
        QCOMPARE(dialog.metricChooser()->currentText(), QStringLiteral("traffic.probe.latency"));
        QCOMPARE(dialog.parameterChooser()->currentText(),
                 QStringLiteral("network.traffic.probe.rate"));
        ChartWidget* chart = dialog.chart();
        QCOMPARE(chart->seriesCount(), 2);
        QVERIFY(chart->seriesName(0).contains(QStringLiteral("queue=heap")));
        QCOMPARE(chart->pointCount(0), std::size_t{2});
        QVERIFY(chart->xRange().x() <= 300 && chart->xRange().y() >= 800);
        // Against the categorical parameter: categories on the axis.
        dialog.parameterChooser()->setCurrentIndex(1);
        QVERIFY(qobject_cast<QCategoryAxis*>(chart->chart()->axes(Qt::Horizontal).value(0)));
        QCOMPARE(chart->seriesCount(), 2);
        QVERIFY(chart->seriesName(0).contains(QStringLiteral("rate=300")));
        if (const QByteArray keep = qgetenv("DAIS_CHART_SNAPSHOTS"); !keep.isEmpty()) {
            QDir().mkpath(QString::fromLocal8Bit(keep));
            static_cast<void>(chart->exportPng(
                QDir(QString::fromLocal8Bit(keep)).filePath("sweep-categories.png")));
            dialog.parameterChooser()->setCurrentIndex(0);
            static_cast<void>(
                chart->exportPng(QDir(QString::fromLocal8Bit(keep)).filePath("sweep-numeric.png")));
        }
        // Stored as `dais sweep` stores it.
        QVERIFY(dialog.sweepId() > 0);
        const auto sweep = store_->sweep(dialog.sweepId());
        QVERIFY(sweep.ok());
        QCOMPARE(sweep->experiment, std::string("quick"));
        QCOMPARE(sweep->description["runs"].get<int>(), 8);
        const auto runs = store_->sweepRuns(dialog.sweepId());
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t{8});
        for (const store::RunRecord& r : *runs) {
            QCOMPARE(r.status, store::RunStatus::Completed);
            QVERIFY(r.parameters.contains("network.traffic.probe.rate"));
            QVERIFY(!store_->samples(r.id, "traffic.probe.latency")->empty());
        }
    }

    void sweepCancelledHalfWay() {
        // Two short runs, then two that would simulate for a day: cancel once the short ones
        // are in and the first long one is under way.
        const core::Scenario scenario = queueWithExperiments(
            R"([{"id": "long", "grid": {"run.until": ["1s", "2s", "100000s", "200000s"]},
                 "metrics": ["traffic.probe.latency"]}])",
            "1s");
        SweepDialog dialog(scenario, store_);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.jobsBox()->setValue(1);
        QSignalSpy done(&dialog, &SweepDialog::sweepFinished);
        dialog.startButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->value() >= 2, 30000);
        QTest::qWait(400);  // the third run is simulating by now
        QVERIFY(dialog.running());
        QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
        QVERIFY(done.wait(30000));
        const QString status = dialog.statusText();
        QVERIFY2(status.contains(QStringLiteral("cancelled")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("2 of 4 runs completed")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("1 stopped mid-way")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("1 never started")), qPrintable(status));
        const auto runs = store_->sweepRuns(dialog.sweepId());
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t{3});
        int completed = 0, stopped = 0;
        for (const store::RunRecord& r : *runs) {
            completed += r.status == store::RunStatus::Completed;
            if (r.status == store::RunStatus::Stopped) {
                ++stopped;
                QCOMPARE(r.pointIndex, std::int64_t{2});
                QVERIFY(r.simulatedTime > 0);
                QVERIFY(r.simulatedTime < 100000 * sim::kSecond);
            }
        }
        QCOMPARE(completed, 2);
        QCOMPARE(stopped, 1);
        // The table summarises what completed.
        QCOMPARE(dialog.resultTable()->rowCount(), 4);
        QVERIFY(dialog.startButton()->isEnabled());
    }

    void sweepWithoutExperimentsOrStore() {
        auto plain = core::loadScenarioFile(kQueue, {"run.until=1s"});
        QVERIFY(plain.ok());
        plain->experiments.clear();
        SweepDialog none(*plain, store_);
        QVERIFY(!none.startButton()->isEnabled());
        QVERIFY(none.statusText().contains(QStringLiteral("no experiments")));
        const core::Scenario scenario = queueWithExperiments(
            R"([{"id": "x", "grid": {"network.traffic.probe.rate": [300]}}])", "1s");
        SweepDialog noStore(scenario, nullptr);
        QVERIFY(!noStore.startButton()->isEnabled());
        QVERIFY(noStore.statusText().contains(QStringLiteral("No run store")));
    }
};

QTEST_MAIN(TestStudioHistory)
#include "tst_studio_history.moc"
