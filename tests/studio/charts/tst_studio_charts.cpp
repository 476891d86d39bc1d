// The chart widget: decimation that keeps peaks, bounded drawing of a million points, redraws
// coalesced to at most about 30 a second, axes that follow the data, zoom and hover, exports
// that really hold the chart, and both palettes. Rendered charts are saved to
// $DAIS_CHART_SNAPSHOTS when it is set, for people to look at.
#include <QtTest>

#include "../private_runtime_dir.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMenu>
#include <QToolTip>
#include <QValueAxis>
#include <QXmlStreamReader>

#include <cmath>
#include <limits>

#include "charts/chart_widget.h"

using namespace dais::studio;

namespace {

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x20, 0x22, 0x25), base(0x18, 0x19, 0x1b), text(0xe8, 0xea, 0xed);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    return p;
}

// Pixels that differ clearly from the image's corner (its background).
int foregroundPixels(const QImage& image) {
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    const QRgb bg = img.pixel(1, 1);
    int n = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            const QRgb c = img.pixel(x, y);
            if (std::abs(qRed(c) - qRed(bg)) + std::abs(qGreen(c) - qGreen(bg)) +
                    std::abs(qBlue(c) - qBlue(bg)) >
                60)
                ++n;
        }
    return n;
}

// Pixels close to a colour.
int pixelsNear(const QImage& image, QColor color) {
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb c = img.pixel(x, y);
            if (std::abs(qRed(c) - color.red()) + std::abs(qGreen(c) - color.green()) +
                    std::abs(qBlue(c) - color.blue()) <
                40)
                ++n;
        }
    return n;
}

QChartView* viewOf(ChartWidget& w) {
    return w.findChild<QChartView*>();
}

// A noisy signal of n points over [0, n / 1000) s with one spike up and one down.
std::vector<QPointF> spiky(std::size_t n, std::size_t up, std::size_t down) {
    std::vector<QPointF> pts(n);
    for (std::size_t i = 0; i < n; ++i)
        pts[i] = QPointF(static_cast<double>(i) / 1000.0,
                         std::sin(static_cast<double>(i) * 0.001) + 0.1 * std::sin(i * 0.37));
    pts[up].setY(1000);
    pts[down].setY(-500);
    return pts;
}

double maxY(const QList<QPointF>& pts) {
    double m = -std::numeric_limits<double>::infinity();
    for (const QPointF& p : pts)
        m = std::max(m, p.y());
    return m;
}
double minY(const QList<QPointF>& pts) {
    double m = std::numeric_limits<double>::infinity();
    for (const QPointF& p : pts)
        m = std::min(m, p.y());
    return m;
}

void showChart(ChartWidget& w, QSize size = {900, 520}) {
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

}  // namespace

class TestStudioCharts : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString snapshots_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    void keep(const QString& file) {
        if (snapshots_.isEmpty()) return;
        QDir().mkpath(snapshots_);
        const QString target = QDir(snapshots_).filePath(QFileInfo(file).fileName());
        QFile::remove(target);
        QFile::copy(file, target);
    }

  private slots:
    void initTestCase() {
        studiotest::usePrivateRuntimeDir();
        QVERIFY(dir_.isValid());
        QVERIFY2(!QApplication::font().family().isEmpty(), "no font: install fonts-dejavu-core");
        snapshots_ = qEnvironmentVariable("DAIS_CHART_SNAPSHOTS");
    }

    void seriesDataKeepsOrderAndIgnoresBadPoints() {
        SeriesData s;
        QCOMPARE(s.decimated(0, 1, 10).size(), 0);
        s.append(1, 5);
        s.append(0.5, 7);  // x below the last: raised to it
        s.append(std::numeric_limits<double>::quiet_NaN(), 1);
        s.append(2, std::numeric_limits<double>::infinity());
        QCOMPARE(s.size(), std::size_t{2});
        QCOMPARE(s.points()[1], QPointF(1, 7));
        QCOMPARE(s.minX(), 1.0);
        QCOMPARE(s.maxY(), 7.0);
        QCOMPARE(s.minY(), 5.0);
        QCOMPARE(s.decimated(2, 1, 10).size(), 0);  // reversed range
        QCOMPARE(s.decimated(0, 5, 0).size(), 2);   // buckets clamped to 1
        s.clear();
        QCOMPARE(s.size(), std::size_t{0});
        QCOMPARE(s.maxX(), 0.0);
    }

    void decimationKeepsSpikesOfAMillionPoints() {
        const std::size_t n = 1'000'000;
        SeriesData s;
        const auto pts = spiky(n, 654'321, 123'457);
        s.append(pts);
        QCOMPARE(s.size(), n);
        QElapsedTimer t;
        t.start();
        const QList<QPointF> d = s.decimated(s.minX(), s.maxX(), 500);
        qInfo("decimating 1e6 points to 500 buckets took %.2f ms", t.nsecsElapsed() / 1e6);
        QVERIFY(d.size() <= 4 * 500 + 2);
        QVERIFY(d.size() > 500);
        QCOMPARE(maxY(d), 1000.0);
        QCOMPARE(minY(d), -500.0);
        for (qsizetype i = 1; i < d.size(); ++i)
            QVERIFY(d[i - 1].x() <= d[i].x());
        // A window: only its points, plus one neighbour at each end.
        const QList<QPointF> w = s.decimated(100.0, 200.0, 50);
        QVERIFY(w.size() <= 4 * 50 + 2);
        QVERIFY(w.front().x() <= 100.0 && w.front().x() >= 99.99);
        QVERIFY(w.back().x() >= 200.0 && w.back().x() <= 200.01);
        QVERIFY(maxY(w) < 2);
        // Few points come back whole.
        const QList<QPointF> few = s.decimated(1.0, 1.01, 100);
        QCOMPARE(few.size(), 11 + 2);
        QCOMPARE(s.nearestIndex(654.3212), std::size_t{654'321});
    }

    void millionPointChartDrawsBoundedAndFast() {
        ChartWidget w;
        showChart(w);
        const int i = w.addSeries(QStringLiteral("latency"));
        const auto pts = spiky(1'000'000, 800'000, 10);
        QElapsedTimer t;
        t.start();
        w.append(i, pts);
        w.refreshNow();
        const double first = t.nsecsElapsed() / 1e6;
        t.restart();
        w.refreshNow();
        qInfo("1e6-point append + refresh: %.1f ms; a second refresh: %.1f ms", first,
              t.nsecsElapsed() / 1e6);
        QCOMPARE(w.pointCount(i), std::size_t{1'000'000});
        QVERIFY2(w.drawnPointCount(i) <= 2 * w.width() + 8,
                 qPrintable(QString::number(w.drawnPointCount(i))));
        QVERIFY(w.drawnPointCount(i) > 200);
        auto* line = qobject_cast<QLineSeries*>(w.chart()->series().value(0));
        QVERIFY(line);
        QCOMPARE(line->count(), w.drawnPointCount(i));
        QCOMPARE(maxY(line->points()), 1000.0);
        QVERIFY(w.yRange().y() >= 1000.0);
        QVERIFY(w.yRange().x() <= -500.0);
        // A narrower widget draws fewer points.
        w.resize(400, 300);
        QTest::qWait(20);
        w.refreshNow();
        QVERIFY(w.drawnPointCount(i) <= 2 * 400 + 8);
        QCOMPARE(maxY(line->points()), 1000.0);
    }

    void liveAppendsAreCoalesced() {
        ChartWidget w;
        showChart(w);
        const int a = w.addSeries(QStringLiteral("a"));
        QSignalSpy spy(&w, &ChartWidget::refreshed);
        QElapsedTimer t;
        t.start();
        int n = 0;
        while (t.elapsed() < 400) {
            w.append(a, n * 0.01, std::sqrt(n));
            ++n;
            QTest::qWait(2);
        }
        QTRY_COMPARE(w.drawnPointCount(a), n);
        const double seconds = t.elapsed() / 1000.0;
        qInfo("%d appends in %.2f s gave %d redraws", n, seconds, int(spy.count()));
        QVERIFY(spy.count() >= 2);
        QVERIFY2(spy.count() <= 30 * seconds + 3, qPrintable(QString::number(spy.count())));
        QCOMPARE(w.pointCount(a), std::size_t(n));
    }

    void axesFollowTheData() {
        ChartWidget w;
        showChart(w);
        auto* x = qobject_cast<QValueAxis*>(w.chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(x);
        QCOMPARE(x->titleText(), QStringLiteral("Simulated time (s)"));
        const int s = w.addSeries(QStringLiteral("queue"));
        for (int i = 0; i <= 100; ++i)
            w.append(s, i * 0.1, 2 + 6 * (i % 2));
        w.refreshNow();
        QVERIFY(w.xRange().x() <= 0 && w.xRange().y() >= 10);
        QVERIFY(w.xRange().y() < 12);
        QVERIFY(w.yRange().x() < 2 && w.yRange().x() >= 0);
        QVERIFY(w.yRange().y() > 8 && w.yRange().y() < 10);
        // Growing data grows the axes.
        w.append(s, 50, 40);
        w.refreshNow();
        QVERIFY(w.xRange().y() >= 50);
        QVERIFY(w.yRange().y() > 40);
        w.setAxisTitles(QStringLiteral("Round"), QStringLiteral("Accuracy"));
        QCOMPARE(x->titleText(), QStringLiteral("Round"));
    }

    void zoomAndReset() {
        ChartWidget w;
        showChart(w);
        const int s = w.addSeries(QStringLiteral("signal"));
        w.append(s, spiky(200'000, 150'000, 5));
        w.refreshNow();
        const QPointF full = w.xRange();
        QChartView* view = viewOf(w);
        QVERIFY(view);
        const QRectF area = w.chart()->plotArea();
        const QPoint from = view->mapFromScene(area.topLeft() + QPointF(area.width() * 0.3, 10));
        const QPoint to =
            view->mapFromScene(area.topLeft() + QPointF(area.width() * 0.5, area.height() - 10));
        // Rubber band.
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
        QTest::mouseMove(view->viewport(), (from + to) / 2);
        QTest::mouseMove(view->viewport(), to);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
        QTRY_VERIFY(w.isZoomed());
        const QPointF zoomed = w.xRange();
        QVERIFY(zoomed.y() - zoomed.x() < (full.y() - full.x()) * 0.3);
        // Re-decimated at the new range: the window is drawn in full detail.
        w.refreshNow();
        const double span = zoomed.y() - zoomed.x();
        QVERIFY(w.drawnPointCount(s) <= 2 * w.width() + 8);
        QVERIFY(span * 1000 < 4 * w.drawnPointCount(s) || w.drawnPointCount(s) > 500);
        // Double click resets.
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, (from + to) / 2);
        QVERIFY(!w.isZoomed());
        QCOMPARE(w.xRange(), full);
        // Wheel zooms in around the cursor, Home resets.
        const QPoint centre = view->mapFromScene(area.center());
        QWheelEvent wheel(centre, view->viewport()->mapToGlobal(centre), {}, {0, 120}, Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(view->viewport(), &wheel);
        QVERIFY(w.isZoomed());
        QVERIFY(w.xRange().y() - w.xRange().x() < (full.y() - full.x()) * 0.85);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Home);
        QVERIFY(!w.isZoomed());
        QCOMPARE(w.xRange(), full);
        // Zooming to a window around the spike keeps it and fits y to what is visible.
        w.zoomToX(149.0, 151.0);
        QVERIFY(w.isZoomed());
        QVERIFY(w.yRange().y() >= 1000);
        w.zoomToX(10.0, 20.0);
        QVERIFY(w.yRange().y() < 5);
        // Live data does not undo the user's zoom.
        w.append(s, 500, 1);
        w.refreshNow();
        QCOMPARE(w.xRange(), QPointF(10.0, 20.0));
        w.resetZoom();
        QVERIFY(w.xRange().y() >= 500);
    }

    void hoverNamesTheNearestPoint() {
        ChartWidget w;
        showChart(w);
        const int a = w.addSeries(QStringLiteral("delivered"));
        const int b = w.addSeries(QStringLiteral("lost"));
        for (int i = 0; i <= 10; ++i) {
            w.append(a, i, 10 * i);
            w.append(b, i, 3);
        }
        w.refreshNow();
        QChartView* view = viewOf(w);
        auto* line = qobject_cast<QLineSeries*>(w.chart()->series().value(a));
        const QPoint at = view->mapFromScene(w.chart()->mapToPosition(QPointF(5, 50), line));
        const QPoint inWidget = view->mapTo(&w, at) + QPoint(2, 1);
        const QString text = w.valueTextAt(inWidget);
        QVERIFY2(text.contains(QStringLiteral("delivered")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("= 50")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("5 s")), qPrintable(text));
        const QPoint low = view->mapFromScene(w.chart()->mapToPosition(QPointF(8, 3), line));
        QVERIFY(w.valueTextAt(view->mapTo(&w, low)).contains(QStringLiteral("lost")));
        // Far from any point: nothing.
        const QPoint empty = view->mapFromScene(w.chart()->mapToPosition(QPointF(1, 90), line));
        QVERIFY(w.valueTextAt(view->mapTo(&w, empty)).isEmpty());
        // A real mouse move shows the tooltip.
        QMouseEvent move(QEvent::MouseMove, at, view->viewport()->mapToGlobal(at), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view->viewport(), &move);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().contains(QStringLiteral("delivered")));
    }

    void logarithmicY() {
        ChartWidget w;
        showChart(w);
        const int s = w.addSeries(QStringLiteral("loss"));
        w.append(s, 0, 0);  // not drawable on a log axis
        for (int i = 1; i <= 50; ++i)
            w.append(s, i, std::pow(10.0, -i / 10.0));
        w.refreshNow();
        QCOMPARE(w.drawnPointCount(s), 51);
        w.setLogY(true);
        QVERIFY(w.logY());
        QVERIFY(qobject_cast<QLogValueAxis*>(w.chart()->axes(Qt::Vertical).value(0)));
        QCOMPARE(w.drawnPointCount(s), 50);
        QVERIFY(w.yRange().x() > 0 && w.yRange().x() <= 1e-5);
        QVERIFY(w.yRange().y() >= 0.79);
        w.setLogY(false);
        QVERIFY(qobject_cast<QValueAxis*>(w.chart()->axes(Qt::Vertical).value(0)));
        QCOMPARE(w.drawnPointCount(s), 51);
    }

    void contextMenuSwitchesToLogY() {
        ChartWidget w;
        showChart(w);
        const int s = w.addSeries(QStringLiteral("loss"));
        for (int i = 1; i <= 20; ++i)
            w.append(s, i, 1.0 / i);
        w.refreshNow();
        QStringList seen;
        QTimer::singleShot(50, &w, [&seen] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) return;
            for (QAction* a : menu->actions())
                seen << a->text();
            for (QAction* a : menu->actions())
                if (a->text().startsWith(QStringLiteral("Logarithmic"))) {
                    menu->setActiveAction(a);
                    QTest::keyClick(menu, Qt::Key_Return);
                    return;
                }
            menu->close();
        });
        QChartView* view = viewOf(w);
        const QPoint centre = view->viewport()->rect().center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, centre,
                                view->viewport()->mapToGlobal(centre));
        QCoreApplication::sendEvent(view->viewport(), &event);
        QVERIFY2(seen.contains(QStringLiteral("Reset zoom")), qPrintable(seen.join(',')));
        QVERIFY(seen.contains(QStringLiteral("Export SVG…")));
        QVERIFY(w.logY());
    }

    void intervalsAsBandOrErrorBars() {
        ChartWidget w;
        showChart(w);
        const std::vector<IntervalPoint> pts = {
            {0, 0.5, 0.4, 0.6}, {1, 0.7, 0.65, 0.75}, {2, 0.8, 0.7, 0.9}};
        const int s = w.addIntervalSeries(QStringLiteral("accuracy"), pts);
        w.refreshNow();
        QCOMPARE(w.pointCount(s), std::size_t{3});
        QCOMPARE(w.drawnPointCount(s), 3);
        QCOMPARE(w.chart()->series().size(), 2);  // the band and the means
        QVERIFY(qobject_cast<QAreaSeries*>(w.chart()->series().value(0)));
        QVERIFY(w.yRange().x() <= 0.4 && w.yRange().y() >= 0.9);
        int visibleMarkers = 0;
        for (QLegendMarker* m : w.chart()->legend()->markers())
            visibleMarkers += m->isVisible();
        QCOMPARE(visibleMarkers, 1);
        w.setXCategories(
            {QStringLiteral("fedavg"), QStringLiteral("median"), QStringLiteral("krum")});
        QVERIFY(qobject_cast<QCategoryAxis*>(w.chart()->axes(Qt::Horizontal).value(0)));
        QCOMPARE(w.chart()->axes(Qt::Horizontal).size(), 1);
        QCOMPARE(w.chart()->axes(Qt::Vertical).size(), 1);
        QCOMPARE(w.chart()->series().size(), 1 + 3);  // the means and three error bars
        visibleMarkers = 0;
        for (QLegendMarker* m : w.chart()->legend()->markers())
            visibleMarkers += m->isVisible();
        QCOMPARE(visibleMarkers, 1);
        QChartView* view = viewOf(w);
        auto* line = qobject_cast<QLineSeries*>(w.chart()->series().value(0));
        QVERIFY(line);
        const QPoint at = view->mapFromScene(w.chart()->mapToPosition(QPointF(1, 0.7), line));
        const QString text = w.valueTextAt(view->mapTo(&w, at));
        QVERIFY2(text.contains(QStringLiteral("median")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("0.65")), qPrintable(text));
    }

    void switchingAxesLeavesOne() {
        ChartWidget w;
        showChart(w);
        w.setXCategories({});
        w.addIntervalSeries(QStringLiteral("n"), {{300, 1, 0.5, 1.5}, {800, 2, 1.5, 2.5}});
        w.refreshNow();
        w.clear();
        w.setXCategories({QStringLiteral("heap"), QStringLiteral("ladder")});
        w.addIntervalSeries(QStringLiteral("c"), {{0, 1, 0.5, 1.5}, {1, 2, 1.5, 2.5}});
        w.refreshNow();
        QCOMPARE(w.chart()->axes(Qt::Horizontal).size(), 1);
        QVERIFY(w.exportPng(path("switch.png")));
        keep(path("switch.png"));
    }

    void removeAndClear() {
        ChartWidget w;
        const int a = w.addSeries(QStringLiteral("a"));
        const int b = w.addSeries(QStringLiteral("b"));
        const int c = w.addSeries(QStringLiteral("c"));
        QCOMPARE(c, 2);
        w.append(c, 1, 1);
        w.removeSeries(b);
        QCOMPARE(w.seriesCount(), 2);
        QCOMPARE(w.seriesName(1), QStringLiteral("c"));
        QCOMPARE(w.pointCount(1), std::size_t{1});
        QCOMPARE(w.seriesName(a), QStringLiteral("a"));
        // Out of range: ignored.
        w.removeSeries(7);
        w.append(9, 1, 1);
        w.append(-1, 1, 1);
        QCOMPARE(w.seriesName(5), QString());
        QCOMPARE(w.pointCount(5), std::size_t{0});
        QCOMPARE(w.drawnPointCount(-2), 0);
        w.clear();
        QCOMPARE(w.seriesCount(), 0);
        QCOMPARE(w.chart()->series().size(), 0);
        w.refreshNow();
        // Colours of the fixed palette come in order and differ.
        const int x = w.addSeries(QStringLiteral("x"));
        const int y = w.addSeries(QStringLiteral("y"));
        QVERIFY(w.seriesColor(x) != w.seriesColor(y));
        const int z = w.addSeries(QStringLiteral("z"), Qt::magenta);
        QCOMPARE(w.seriesColor(z), QColor(Qt::magenta));
    }

    void exportsHoldTheChart() {
        ChartWidget w;
        showChart(w);
        w.setTitle(QStringLiteral("Messages over time"));
        w.setAxisTitles(QStringLiteral("Simulated time (s)"), QStringLiteral("Messages"));
        const int a = w.addSeries(QStringLiteral("net.delivered"));
        const int b = w.addSeries(QStringLiteral("net, \"lost\""));
        for (int i = 0; i < 500; ++i) {
            w.append(a, i * 0.02, i * 1.5);
            w.append(b, i * 0.02, std::sqrt(i));
        }
        QVERIFY(w.exportPng(path("chart.png")));
        QImage png(path("chart.png"));
        QVERIFY(!png.isNull());
        QCOMPARE(png.size(), w.size() * 2);
        QVERIFY(foregroundPixels(png) > 2000);
        QVERIFY(pixelsNear(png, w.seriesColor(a)) > 200);
        keep(path("chart.png"));

        QVERIFY(w.exportSvg(path("chart.svg")));
        QFile svg(path("chart.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&svg);
        bool sawName = false, sawTitle = false;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::Characters) {
                sawName = sawName || xml.text().contains(QStringLiteral("net.delivered"));
                sawTitle = sawTitle || xml.text().contains(QStringLiteral("Messages over time"));
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawName);
        QVERIFY(sawTitle);

        QVERIFY(w.exportCsv(path("chart.csv")));
        QFile csv(path("chart.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines =
            QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 1000);
        QCOMPARE(lines[0], QStringLiteral("series,x,y"));
        QCOMPARE(lines[2], QStringLiteral("net.delivered,0.02,1.5"));
        QCOMPARE(lines[501], QStringLiteral("\"net, \"\"lost\"\"\",0,0"));

        // Where nothing can be written: false and a message naming the file.
        const QString bad = path("missing-folder/chart");
        for (const auto& failed :
             {w.exportPng(bad + ".png"), w.exportSvg(bad + ".svg"), w.exportCsv(bad + ".csv")}) {
            QVERIFY(!failed);
            const QString message = QString::fromStdString(failed.error().message);
            QVERIFY2(message.contains(bad), qPrintable(message));
        }
    }

    void intervalCsvAndHiddenExport() {
        ChartWidget w;  // never shown
        w.addIntervalSeries(QStringLiteral("accuracy"), {{1, 0.5, 0.4, 0.6}, {2, 0.7, 0.6, 0.8}});
        QVERIFY(w.exportCsv(path("intervals.csv")));
        QFile csv(path("intervals.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines =
            QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines, QStringList({QStringLiteral("series,x,mean,low,high"),
                                     QStringLiteral("accuracy,1,0.5,0.4,0.6"),
                                     QStringLiteral("accuracy,2,0.7,0.6,0.8")}));
        QVERIFY(w.exportPng(path("hidden.png")));
        keep(path("hidden.png"));
        const QImage png(path("hidden.png"));
        QVERIFY(png.width() >= 640);
        QVERIFY(foregroundPixels(png) > 1000);
    }

    void followsLightAndDarkPalettes() {
        const QPalette original = QApplication::palette();
        auto render = [this](const QString& name, QColor& color, QImage& image) {
            ChartWidget w;
            w.setTitle(QStringLiteral("Federated training: test accuracy by aggregator"));
            w.setAxisTitles(QStringLiteral("Simulated time (s)"), QStringLiteral("Accuracy"));
            const char* names[] = {"fedavg", "median",     "trimmed mean",
                                   "krum",   "multi-krum", "bulyan"};
            for (int k = 0; k < 6; ++k) {
                const int s =
                    w.addSeries(QString::fromLatin1(names[k]) + QStringLiteral(" (seed 1)"));
                for (int i = 0; i <= 400; ++i) {
                    const double t = i * 0.25;
                    w.append(s, t,
                             (0.55 + 0.07 * k) * (1 - std::exp(-t / (8.0 + 3 * k))) +
                                 0.01 * std::sin(i * 0.9 + k));
                }
            }
            w.addIntervalSeries(QStringLiteral("mean of 5 seeds"), {{10, 0.42, 0.38, 0.46},
                                                                    {30, 0.62, 0.57, 0.66},
                                                                    {60, 0.7, 0.67, 0.74},
                                                                    {90, 0.73, 0.71, 0.76}});
            showChart(w, {960, 560});
            const QString file = path(name);
            if (const auto png = w.exportPng(file); !png)
                qWarning("%s", png.error().message.c_str());
            keep(file);
            QVERIFY(w.exportSvg(path(QString(name).replace(".png", ".svg"))));
            keep(path(QString(name).replace(".png", ".svg")));
            color = w.seriesColor(0);
            image = QImage(file);
        };
        QColor lightColor, darkColor;
        QImage light, dark;
        render(QStringLiteral("chart-light.png"), lightColor, light);
        QApplication::setPalette(darkPalette());
        render(QStringLiteral("chart-dark.png"), darkColor, dark);
        // A chart made before the switch follows it too.
        QApplication::setPalette(original);
        ChartWidget live;
        live.addSeries(QStringLiteral("s"));
        const QColor before = live.seriesColor(0);
        QApplication::setPalette(darkPalette());
        QCoreApplication::processEvents();  // palettes reach widgets through posted events
        const QColor after = live.seriesColor(0);
        QApplication::setPalette(original);
        QVERIFY(!light.isNull() && !dark.isNull());
        QVERIFY(qGray(light.pixel(2, 2)) > 200);
        QVERIFY(qGray(dark.pixel(2, 2)) < 60);
        QVERIFY(foregroundPixels(light) > 5000);
        QVERIFY(foregroundPixels(dark) > 5000);
        QVERIFY(lightColor != darkColor);
        QVERIFY(darkColor.lightness() > lightColor.lightness());
        QCOMPARE(before, lightColor);
        QCOMPARE(after, darkColor);
    }
};

QTEST_MAIN(TestStudioCharts)
#include "tst_studio_charts.moc"
