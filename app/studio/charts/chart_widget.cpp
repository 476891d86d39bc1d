#include "charts/chart_widget.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QGraphicsLayout>
#include <QImage>
#include <QImageWriter>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace dais::studio {

namespace {

constexpr int kMinRefreshMs = 33;  // at most about 30 redraws a second
constexpr double kHoverRadius = 12;

// A fixed palette, one shade per theme: the same hue order in both, each shade chosen to read
// on its background (darker on white, lighter on near-black).
struct Shade {
    const char* light;
    const char* dark;
};
constexpr Shade kPalette[] = {
    {"#2f6db5", "#5fa0ec"},  // blue
    {"#e0701b", "#ff9d52"},  // orange
    {"#2a9456", "#4fc985"},  // green
    {"#c8323c", "#f2666e"},  // red
    {"#7a52bd", "#ab8ef0"},  // purple
    {"#168ea1", "#3fcbe0"},  // teal
    {"#a57a08", "#e5bb3e"},  // ochre
    {"#c94b91", "#f287c4"},  // pink
    {"#5f707d", "#a3b4c2"},  // slate
    {"#8a5433", "#cc9470"},  // brown
};
constexpr int kPaletteSize = static_cast<int>(std::size(kPalette));

// A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals over `span`.
double niceStep(double span, double ticks) {
    if (!(span > 0) || !std::isfinite(span)) return 1;
    const double raw = span / std::max(ticks, 1.0);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double m = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return m * magnitude;
}

QString number(double v) {
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

core::Error failure(const QString& message) {
    return core::Error{message.toStdString()};
}

// The view: forwards the interactions Qt Charts lacks (wheel, double click, Home, hover, the
// context menu) to the widget, and keeps the right button for the menu.
class PlotView : public QChartView {
  public:
    std::function<void()> onReset;
    std::function<void(QPoint, int)> onWheel;
    std::function<void(QPoint, QPoint)> onHover;
    std::function<void(QPoint)> onMenu;

    explicit PlotView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {}

  protected:
    void mousePressEvent(QMouseEvent* e) override {
        if (e->button() == Qt::RightButton) return e->accept();
        QChartView::mousePressEvent(e);
    }
    void mouseReleaseEvent(QMouseEvent* e) override {
        if (e->button() == Qt::RightButton) return e->accept();
        QChartView::mouseReleaseEvent(e);
    }
    void mouseMoveEvent(QMouseEvent* e) override {
        QChartView::mouseMoveEvent(e);
        if (onHover && e->buttons() == Qt::NoButton)
            onHover(e->position().toPoint(), e->globalPosition().toPoint());
    }
    void mouseDoubleClickEvent(QMouseEvent* e) override {
        if (e->button() == Qt::LeftButton && onReset) {
            onReset();
            return e->accept();
        }
        QChartView::mouseDoubleClickEvent(e);
    }
    void wheelEvent(QWheelEvent* e) override {
        if (onWheel && e->angleDelta().y() != 0) {
            onWheel(e->position().toPoint(), e->angleDelta().y());
            return e->accept();
        }
        QChartView::wheelEvent(e);
    }
    void keyPressEvent(QKeyEvent* e) override {
        if (e->key() == Qt::Key_Home && onReset) {
            onReset();
            return e->accept();
        }
        QChartView::keyPressEvent(e);
    }
    void leaveEvent(QEvent* e) override {
        QToolTip::hideText();
        QChartView::leaveEvent(e);
    }
    void contextMenuEvent(QContextMenuEvent* e) override {
        if (onMenu) onMenu(e->globalPos());
        e->accept();
    }
};

}  // namespace

struct ChartWidget::Impl {
    struct Entry {
        QString name;
        QColor color;
        int paletteIndex = -1;  // -1: a colour the caller chose
        bool interval = false;
        SeriesData data;
        std::vector<IntervalPoint> intervals;
        QLineSeries* line = nullptr;
        QAreaSeries* band = nullptr;
        std::vector<QLineSeries*> bars;  // error bars (categorical x)
        bool dirty = true;
        int drawn = 0;
    };

    ChartWidget* q;
    QChart* chart = nullptr;
    PlotView* view = nullptr;
    QAbstractAxis* xAxis = nullptr;  // QValueAxis or QCategoryAxis
    QAbstractAxis* yAxis = nullptr;  // QValueAxis or QLogValueAxis
    std::vector<std::unique_ptr<Entry>> entries;
    QStringList categories;
    QString xTitle = QObject::tr("Simulated time (s)"), yTitle;
    int nextPaletteIndex = 0;
    bool logY = false;
    bool zoomed = false;   // the x range is the user's
    bool yLocked = false;  // the y range is the user's too (rubber band)
    bool updatingAxes = false;
    QTimer timer;
    QElapsedTimer sinceRefresh;
    double lastX0 = 0, lastX1 = -1;
    int lastBuckets = 0;

    explicit Impl(ChartWidget* owner) : q(owner) {}

    bool dark() const { return q->palette().color(QPalette::Window).lightness() < 128; }
    QColor paletteColor(int i) const {
        const Shade& s = kPalette[i % kPaletteSize];
        return QColor(QLatin1String(dark() ? s.dark : s.light));
    }
    bool valid(int i) const { return i >= 0 && i < static_cast<int>(entries.size()); }

    void attach(QAbstractSeries* s) {
        chart->addSeries(s);
        s->attachAxis(xAxis);
        s->attachAxis(yAxis);
    }
    void hideFromLegend(QAbstractSeries* s) {
        for (QLegendMarker* m : chart->legend()->markers(s))
            m->setVisible(false);
    }
    void hideAuxiliaryMarkers() {
        for (auto& e : entries) {
            if (e->band) hideFromLegend(e->band);
            for (QLineSeries* b : e->bars)
                hideFromLegend(b);
        }
        if (chart->legend()->isVisible() != !entries.empty())
            chart->legend()->setVisible(!entries.empty());
    }

    // ---- axes ---------------------------------------------------------------------------
    void watchRange(QAbstractAxis* axis, bool isX) {
        auto changed = [this, axis, isX](auto lo, auto hi) {
            prepareTicks(axis, lo, hi, isX);
            if (updatingAxes) return;
            zoomed = true;
            if (!isX) yLocked = true;
            schedule();
        };
        if (auto* v = qobject_cast<QValueAxis*>(axis))
            QObject::connect(v, &QValueAxis::rangeChanged, q, changed);
        else if (auto* l = qobject_cast<QLogValueAxis*>(axis))
            QObject::connect(l, &QLogValueAxis::rangeChanged, q, changed);
    }

    void replaceAxis(QAbstractAxis*& slot, QAbstractAxis* axis, Qt::Alignment align, bool isX) {
        if (slot) {
            // Hidden first: Qt Charts deletes the axis' graphics later, and until then an
            // export would draw them.
            slot->setVisible(false);
            for (QAbstractSeries* s : chart->series())
                s->detachAxis(slot);
            chart->removeAxis(slot);
            delete slot;
        }
        slot = axis;
        chart->addAxis(axis, align);
        for (QAbstractSeries* s : chart->series())
            s->attachAxis(axis);
        watchRange(axis, isX);
        axis->setTitleText(isX ? xTitle : yTitle);
        styleAxis(axis);
    }

    void makeXAxis() {
        QAbstractAxis* axis;
        if (categories.isEmpty()) {
            auto* v = new QValueAxis;
            v->setLabelFormat(QStringLiteral("%g"));
            v->setTickType(QValueAxis::TicksDynamic);
            v->setTickAnchor(0);
            axis = v;
        } else {
            auto* c = new QCategoryAxis;
            c->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
            c->setStartValue(-0.5);
            for (int i = 0; i < categories.size(); ++i)
                c->append(categories[i], i);
            c->setRange(-0.5, categories.size() - 0.5);
            axis = c;
        }
        replaceAxis(xAxis, axis, Qt::AlignBottom, true);
    }

    void makeYAxis() {
        QAbstractAxis* axis;
        if (logY) {
            auto* l = new QLogValueAxis;
            l->setBase(10);
            l->setLabelFormat(QStringLiteral("%g"));
            l->setMinorTickCount(8);
            axis = l;
        } else {
            auto* v = new QValueAxis;
            v->setLabelFormat(QStringLiteral("%g"));
            v->setTickType(QValueAxis::TicksDynamic);
            v->setTickAnchor(0);
            axis = v;
        }
        replaceAxis(yAxis, axis, Qt::AlignLeft, false);
    }

    // Tick spacing for the current ranges: about one label per 90 px across, 45 px up.
    void updateTicks() {
        if (auto* x = qobject_cast<QValueAxis*>(xAxis)) prepareTicks(x, x->min(), x->max(), true);
        if (auto* y = qobject_cast<QValueAxis*>(yAxis)) prepareTicks(y, y->min(), y->max(), false);
    }

    QPointF xRange() const {
        if (auto* v = qobject_cast<QValueAxis*>(xAxis)) return {v->min(), v->max()};
        return {0, 1};
    }
    QPointF yRange() const {
        if (auto* v = qobject_cast<QValueAxis*>(yAxis)) return {v->min(), v->max()};
        if (auto* l = qobject_cast<QLogValueAxis*>(yAxis)) return {l->min(), l->max()};
        return {0, 1};
    }
    // Sets the tick spacing for a range before the range itself: with dynamic ticks, a range
    // far wider than the old spacing would otherwise lay out thousands of labels first.
    void prepareTicks(QAbstractAxis* axis, double lo, double hi, bool isX) {
        auto* v = qobject_cast<QValueAxis*>(axis);
        if (!v || qobject_cast<QCategoryAxis*>(axis)) return;
        const QRectF area = chart->plotArea();
        const double size = isX ? (area.width() > 50 ? area.width() : 600) / 90
                                : (area.height() > 50 ? area.height() : 300) / 45;
        const double step = niceStep(hi - lo, size);
        if (step != v->tickInterval()) v->setTickInterval(step);
    }

    void setRanges(double x0, double x1, double y0, double y1, bool setX, bool setY) {
        updatingAxes = true;
        if (setX) prepareTicks(xAxis, x0, x1, true);
        if (setY) prepareTicks(yAxis, y0, y1, false);
        // A hair of slack at the top: dynamic ticks are found by repeated addition, which can
        // overshoot a maximum that is itself a tick and drop its label.
        if (setX && categories.isEmpty()) xAxis->setRange(x0, x1 + (x1 - x0) * 1e-9);
        if (setY) yAxis->setRange(y0, logY ? y1 : y1 + (y1 - y0) * 1e-9);
        updatingAxes = false;
        updateTicks();
    }

    // ---- theme --------------------------------------------------------------------------
    void styleAxis(QAbstractAxis* axis) {
        const QPalette pal = q->palette();
        const QColor text = pal.color(QPalette::Text);
        QColor grid = text, minor = text, line = text;
        grid.setAlpha(dark() ? 46 : 34);
        minor.setAlpha(dark() ? 20 : 14);
        line.setAlpha(110);
        QFont labels = q->font();
        labels.setPointSizeF(std::max(8.0, q->font().pointSizeF() - 0.5));
        QFont title = q->font();
        axis->setLabelsFont(labels);
        axis->setLabelsColor(text);
        axis->setTitleFont(title);
        axis->setTitleBrush(text);
        axis->setGridLinePen(QPen(grid, 1));
        axis->setMinorGridLinePen(QPen(minor, 1));
        axis->setLinePen(QPen(line, 1));
        axis->setShadesVisible(false);
    }

    void applyTheme() {
        const QPalette pal = q->palette();
        const QColor base = pal.color(QPalette::Base);
        const QColor text = pal.color(QPalette::Text);
        chart->setBackgroundBrush(base);
        chart->setBackgroundPen(Qt::NoPen);
        chart->setBackgroundRoundness(0);
        chart->setPlotAreaBackgroundVisible(false);
        chart->setTitleBrush(text);
        QFont title = q->font();
        title.setBold(true);
        title.setPointSizeF(q->font().pointSizeF() + 1.5);
        chart->setTitleFont(title);
        chart->legend()->setLabelColor(text);
        chart->legend()->setFont(q->font());
        view->setBackgroundBrush(base);
        if (xAxis) styleAxis(xAxis);
        if (yAxis) styleAxis(yAxis);
        for (auto& e : entries) {
            if (e->paletteIndex >= 0) e->color = paletteColor(e->paletteIndex);
            styleEntry(*e);
        }
    }

    void styleEntry(Entry& e) {
        QPen pen(e.color, e.interval ? 2.0 : 1.6);
        pen.setCapStyle(Qt::RoundCap);
        pen.setJoinStyle(Qt::RoundJoin);
        e.line->setPen(pen);
        e.line->setColor(e.color);
        if (e.band) {
            QColor fill = e.color;
            fill.setAlpha(dark() ? 70 : 50);
            e.band->setBrush(fill);
            e.band->setPen(Qt::NoPen);
        }
        for (QLineSeries* b : e.bars)
            b->setPen(QPen(e.color, 1.4));
    }

    // ---- data ---------------------------------------------------------------------------
    void schedule() {
        if (timer.isActive()) return;
        const qint64 elapsed = sinceRefresh.isValid() ? sinceRefresh.elapsed() : kMinRefreshMs;
        timer.start(static_cast<int>(std::max<qint64>(0, kMinRefreshMs - elapsed)));
    }

    // The bounds of every stored point; false when there is none.
    bool dataBounds(double& x0, double& x1, double& y0, double& y1, double& yPos) const {
        bool any = false;
        x0 = y0 = yPos = std::numeric_limits<double>::infinity();
        x1 = y1 = -x0;
        auto take = [&](double x, double lo, double hi) {
            any = true;
            x0 = std::min(x0, x);
            x1 = std::max(x1, x);
            y0 = std::min(y0, lo);
            y1 = std::max(y1, hi);
        };
        for (const auto& e : entries) {
            if (e->interval) {
                for (const IntervalPoint& p : e->intervals) {
                    take(p.x, std::min(p.low, p.mean), std::max(p.high, p.mean));
                    for (double v : {p.low, p.mean, p.high})
                        if (v > 0) yPos = std::min(yPos, v);
                }
            } else if (!e->data.empty()) {
                take(e->data.minX(), e->data.minY(), e->data.maxY());
                take(e->data.maxX(), e->data.minY(), e->data.maxY());
                if (e->data.minPositiveY() > 0) yPos = std::min(yPos, e->data.minPositiveY());
            }
        }
        return any;
    }

    static void niceRange(double& lo, double& hi, double ticks, bool margin) {
        if (!(hi > lo)) {
            const double pad = std::max(1.0, std::abs(lo) * 0.1);
            lo -= pad;
            hi += pad;
            return;
        }
        if (margin) {
            const bool nonNegative = lo >= 0;
            const double pad = (hi - lo) * 0.05;
            lo -= pad;
            hi += pad;
            if (nonNegative) lo = std::max(lo, 0.0);
        }
        const double step = niceStep(hi - lo, ticks);
        lo = std::floor(lo / step + 1e-9) * step;
        hi = std::ceil(hi / step - 1e-9) * step;
    }

    int bucketCount() const {
        double w = chart->plotArea().width();
        if (w < 50) w = view->width() > 100 ? view->width() - 80 : 600;
        return std::max(32, static_cast<int>(w / 2));
    }

    QList<QPointF> positiveOnly(QList<QPointF> pts) const {
        if (!logY) return pts;
        pts.removeIf([](const QPointF& p) { return !(p.y() > 0); });
        return pts;
    }

    void drawInterval(Entry& e, double floorY) {
        QList<QPointF> means, upper, lower;
        for (const IntervalPoint& p : e.intervals) {
            if (!std::isfinite(p.x) || !std::isfinite(p.mean)) continue;
            double lo = std::isfinite(p.low) ? p.low : p.mean;
            double hi = std::isfinite(p.high) ? p.high : p.mean;
            if (logY) {
                if (!(p.mean > 0)) continue;
                lo = std::max(lo, floorY);
                hi = std::max(hi, floorY);
            }
            means.push_back({p.x, p.mean});
            lower.push_back({p.x, lo});
            upper.push_back({p.x, hi});
        }
        std::sort(means.begin(), means.end(),
                  [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
        e.line->replace(means);
        e.drawn = static_cast<int>(means.size());
        const bool bars = !categories.isEmpty();
        // Error bars for categories (a band between categories would suggest values between
        // them), a band for numbers.
        if (e.band && bars) {
            chart->removeSeries(e.band);
            delete e.band;
            e.band = nullptr;
        }
        for (QLineSeries* b : e.bars) {
            chart->removeSeries(b);
            delete b;
        }
        e.bars.clear();
        if (bars) {
            const double cap = 0.08;
            for (qsizetype i = 0; i < lower.size(); ++i) {
                auto* b = new QLineSeries;
                const double x = lower[i].x(), lo = lower[i].y(), hi = upper[i].y();
                b->append(
                    {{x - cap, lo}, {x + cap, lo}, {x, lo}, {x, hi}, {x - cap, hi}, {x + cap, hi}});
                b->setName(e.name);
                attach(b);
                e.bars.push_back(b);
            }
        } else {
            std::sort(lower.begin(), lower.end(),
                      [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
            std::sort(upper.begin(), upper.end(),
                      [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
            if (!e.band) {
                auto* up = new QLineSeries;
                auto* low = new QLineSeries;
                e.band = new QAreaSeries(up, low);
                up->setParent(e.band);
                low->setParent(e.band);
                e.band->setName(e.name);
                // Behind the line of means.
                chart->removeSeries(e.line);
                attach(e.band);
                attach(e.line);
            }
            e.band->upperSeries()->replace(upper);
            e.band->lowerSeries()->replace(lower);
        }
        styleEntry(e);
        hideAuxiliaryMarkers();
    }

    // Lays out the legend and the plot area now rather than at the next turn of the event loop,
    // so the bucket count, hover positions and exports see the chart as it will be drawn.
    void settleLayout() {
        QCoreApplication::sendPostedEvents(chart->legend(), QEvent::LayoutRequest);
        QCoreApplication::sendPostedEvents(chart, QEvent::LayoutRequest);
    }

    void refresh() {
        timer.stop();
        sinceRefresh.start();
        settleLayout();
        double dx0, dx1, dy0, dy1, dyPos;
        const bool any = dataBounds(dx0, dx1, dy0, dy1, dyPos);
        if (!any) {
            dx0 = 0;
            dx1 = 1;
            dy0 = 0;
            dy1 = 1;
            dyPos = 1;
        }
        const double floorY = std::isfinite(dyPos) ? dyPos / 10 : 1e-3;
        double x0, x1;
        if (!categories.isEmpty()) {
            x0 = -0.5;
            x1 = categories.size() - 0.5;
        } else if (zoomed) {
            const QPointF r = xRange();
            x0 = r.x();
            x1 = r.y();
        } else {
            x0 = dx0;
            x1 = dx1;
            const double w = chart->plotArea().width() > 50 ? chart->plotArea().width() : 600;
            // Sparse points (intervals) get a margin so the markers at the ends show whole.
            const bool sparse = std::any_of(entries.begin(), entries.end(),
                                            [](const auto& e) { return e->interval; });
            niceRange(x0, x1, w / 90, sparse);
        }
        const int buckets = bucketCount();
        const bool viewChanged = x0 != lastX0 || x1 != lastX1 || buckets != lastBuckets;
        double vy0 = std::numeric_limits<double>::infinity(), vy1 = -vy0;
        for (auto& e : entries) {
            if (e->interval) {
                if (e->dirty) drawInterval(*e, floorY);
                for (const IntervalPoint& p : e->intervals)
                    if (p.x >= x0 && p.x <= x1) {
                        vy0 = std::min({vy0, p.low, p.mean});
                        vy1 = std::max({vy1, p.high, p.mean});
                    }
            } else {
                if (e->dirty || viewChanged) {
                    const QList<QPointF> pts = positiveOnly(e->data.decimated(x0, x1, buckets));
                    e->line->replace(pts);
                    e->drawn = static_cast<int>(pts.size());
                }
                // The decimated points keep every bucket's extremes: the visible y range.
                for (const QPointF& p : e->line->points())
                    if (p.x() >= x0 && p.x() <= x1) {
                        vy0 = std::min(vy0, p.y());
                        vy1 = std::max(vy1, p.y());
                    }
            }
            e->dirty = false;
        }
        lastX0 = x0;
        lastX1 = x1;
        lastBuckets = buckets;
        if (!std::isfinite(vy0)) {
            vy0 = dy0;
            vy1 = dy1;
        }
        const double h = chart->plotArea().height() > 50 ? chart->plotArea().height() : 300;
        if (!yLocked) {
            double y0 = zoomed ? vy0 : dy0, y1 = zoomed ? vy1 : dy1;
            if (logY) {
                y0 = std::pow(10.0, std::floor(std::log10(std::max(floorY * 10, 1e-300))));
                y1 = std::pow(10.0, std::ceil(std::log10(std::max(y1, y0 * 10))));
                if (!(y1 > y0)) y1 = y0 * 10;
            } else {
                niceRange(y0, y1, h / 45, true);
            }
            setRanges(x0, x1, y0, y1, !zoomed, true);
        } else {
            updateTicks();
        }
        settleLayout();
        emit q->refreshed();
    }

    // ---- interaction --------------------------------------------------------------------
    void reset() {
        zoomed = false;
        yLocked = false;
        lastX1 = lastX0 - 1;  // force a new decimation
        refresh();
    }

    void wheel(QPoint pos, int delta) {
        if (!categories.isEmpty()) return;
        const QPointF value = chart->mapToValue(view->mapToScene(pos), nullptr);
        const QPointF r = xRange();
        const double factor = delta > 0 ? 0.8 : 1.25;
        double x0 = value.x() - (value.x() - r.x()) * factor;
        double x1 = value.x() + (r.y() - value.x()) * factor;
        if (!(x1 - x0 > 1e-12)) return;
        zoomX(x0, x1);
    }

    void zoomX(double x0, double x1) {
        if (!(x1 > x0) || !std::isfinite(x0) || !std::isfinite(x1)) return;
        zoomed = true;
        yLocked = false;
        updatingAxes = true;
        prepareTicks(xAxis, x0, x1, true);
        xAxis->setRange(x0, x1);
        updatingAxes = false;
        refresh();
    }

    QString valueText(QPoint viewPos) const {
        const QPointF scenePos = view->mapToScene(viewPos);
        const QPointF chartPos = chart->mapFromScene(scenePos);
        if (!chart->plotArea()
                 .adjusted(-kHoverRadius, -kHoverRadius, kHoverRadius, kHoverRadius)
                 .contains(chartPos))
            return {};
        double best = kHoverRadius * kHoverRadius;
        const Entry* found = nullptr;
        QPointF point;
        for (const auto& e : entries) {
            const QList<QPointF> pts = e->line->points();
            if (pts.isEmpty()) continue;
            // Only points within the hover radius across can be nearest: search from there.
            const QPointF leftValue =
                chart->mapToValue(chartPos - QPointF(kHoverRadius, 0), e->line);
            auto it = std::lower_bound(pts.begin(), pts.end(), leftValue.x(),
                                       [](const QPointF& p, double v) { return p.x() < v; });
            for (; it != pts.end(); ++it) {
                const QPointF at = chart->mapToPosition(*it, e->line);
                if (at.x() > chartPos.x() + kHoverRadius) break;
                const QPointF d = at - chartPos;
                const double dist = d.x() * d.x() + d.y() * d.y();
                if (dist <= best) {
                    best = dist;
                    found = e.get();
                    point = *it;
                }
            }
        }
        if (!found) return {};
        QString x = number(point.x());
        if (!categories.isEmpty()) {
            const int i = static_cast<int>(std::lround(point.x()));
            if (i >= 0 && i < categories.size()) x = categories[i];
        } else if (xTitle.contains(QLatin1String("(s)"))) {
            x += QLatin1String(" s");
        }
        QString text = found->name + QLatin1Char('\n') + xTitleShort() + QLatin1String(" = ") + x;
        if (found->interval) {
            for (const IntervalPoint& p : found->intervals)
                if (p.x == point.x() && p.mean == point.y()) {
                    text += QLatin1String("\nmean = ") + number(p.mean) +
                            QLatin1String("\n95% interval = ") + number(p.low) +
                            QString::fromUtf8(" \u2013 ") + number(p.high);
                    return text;
                }
        }
        return text + QLatin1Char('\n') + yTitleShort() + QLatin1String(" = ") + number(point.y());
    }
    static QString shortTitle(const QString& t, const char* fallback) {
        if (t.isEmpty()) return QLatin1String(fallback);
        const qsizetype paren = t.indexOf(QLatin1String(" ("));
        return paren > 0 ? t.left(paren) : t;
    }
    QString xTitleShort() const { return shortTitle(xTitle, "x"); }
    QString yTitleShort() const { return shortTitle(yTitle, "y"); }

    void contextMenu(QPoint globalPos) {
        QMenu menu(q);
        QAction* log = menu.addAction(QObject::tr("Logarithmic y axis"));
        log->setCheckable(true);
        log->setChecked(logY);
        QAction* resetAction = menu.addAction(QObject::tr("Reset zoom"));
        resetAction->setShortcut(QKeySequence(Qt::Key_Home));
        resetAction->setEnabled(zoomed);
        menu.addSeparator();
        QAction* png = menu.addAction(QObject::tr("Export PNG\u2026"));
        QAction* svg = menu.addAction(QObject::tr("Export SVG\u2026"));
        QAction* csv = menu.addAction(QObject::tr("Export CSV\u2026"));
        QAction* chosen = menu.exec(globalPos);
        if (!chosen) return;
        if (chosen == log) return q->setLogY(!logY);
        if (chosen == resetAction) return reset();
        const bool isPng = chosen == png, isSvg = chosen == svg;
        if (!isPng && !isSvg && chosen != csv) return;
        const QString filter = isPng   ? QObject::tr("PNG image (*.png)")
                               : isSvg ? QObject::tr("SVG image (*.svg)")
                                       : QObject::tr("CSV table (*.csv)");
        const QString suffix = isPng   ? QStringLiteral(".png")
                               : isSvg ? QStringLiteral(".svg")
                                       : QStringLiteral(".csv");
        QString base = chart->title().isEmpty() ? QStringLiteral("chart") : chart->title();
        base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
        QString path =
            QFileDialog::getSaveFileName(q, QObject::tr("Export chart"), base + suffix, filter);
        if (path.isEmpty()) return;
        if (!path.endsWith(suffix, Qt::CaseInsensitive)) path += suffix;
        const core::Result<void> written = isPng   ? q->exportPng(path)
                                           : isSvg ? q->exportSvg(path)
                                                   : q->exportCsv(path);
        if (!written)
            QMessageBox::warning(q, QObject::tr("Export failed"),
                                 QString::fromStdString(written.error().message));
    }

    // Draws the chart as the view shows it into a painter of the view's size (in logical pixels,
    // whatever the device's pixel ratio).
    void drawInto(QPainter& painter, QSize size) {
        const QRectF target(QPointF(0, 0), size);
        painter.fillRect(target, q->palette().color(QPalette::Base));
        chart->scene()->render(&painter, target, chart->geometry());
    }

    // Before drawing into a file: a view that was never shown has no size of its own yet.
    QSize renderSize() {
        if (!q->isVisible() && (view->width() < 320 || view->height() < 200)) {
            const QSize size(960, 600);
            q->resize(size);
            if (q->layout()) q->layout()->activate();
            view->resize(size);
            chart->resize(QSizeF(size));
            view->setSceneRect(QRectF(QPointF(0, 0), QSizeF(size)));
            settleLayout();
        }
        q->refreshNow();
        return chart->size().toSize();
    }
};

ChartWidget::ChartWidget(QWidget* parent) : QWidget(parent), d(std::make_unique<Impl>(this)) {
    d->chart = new QChart;
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->setMargins(QMargins(6, 6, 10, 4));
    d->chart->layout()->setContentsMargins(0, 0, 0, 0);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->legend()->setMarkerShape(QLegend::MarkerShapeRectangle);
    d->view = new PlotView(d->chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setRubberBand(QChartView::RectangleRubberBand);
    d->view->setFrameShape(QFrame::NoFrame);
    d->view->setMouseTracking(true);
    d->view->viewport()->setMouseTracking(true);
    d->view->setFocusPolicy(Qt::StrongFocus);
    d->view->onReset = [this] { d->reset(); };
    d->view->onWheel = [this](QPoint p, int delta) { d->wheel(p, delta); };
    d->view->onHover = [this](QPoint p, QPoint global) {
        const QString text = d->valueText(p);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(global, text, d->view);
    };
    d->view->onMenu = [this](QPoint global) { d->contextMenu(global); };
    setFocusProxy(d->view);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view);
    d->makeXAxis();
    d->makeYAxis();
    d->applyTheme();
    d->timer.setSingleShot(true);
    connect(&d->timer, &QTimer::timeout, this, [this] { d->refresh(); });
    setMinimumSize(240, 160);
    d->refresh();
}

ChartWidget::~ChartWidget() = default;

void ChartWidget::setTitle(const QString& title) {
    d->chart->setTitle(title);
}

void ChartWidget::setAxisTitles(const QString& x, const QString& y) {
    d->xTitle = x;
    d->yTitle = y;
    d->xAxis->setTitleText(x);
    d->yAxis->setTitleText(y);
}

int ChartWidget::addSeries(const QString& name, QColor color) {
    auto e = std::make_unique<Impl::Entry>();
    e->name = name;
    if (color.isValid()) {
        e->color = color;
    } else {
        e->paletteIndex = d->nextPaletteIndex++;
        e->color = d->paletteColor(e->paletteIndex);
    }
    e->line = new QLineSeries;
    e->line->setName(name);
    d->attach(e->line);
    d->styleEntry(*e);
    d->entries.push_back(std::move(e));
    d->hideAuxiliaryMarkers();
    d->schedule();
    return static_cast<int>(d->entries.size()) - 1;
}

void ChartWidget::append(int series, double x, double y) {
    if (!d->valid(series) || d->entries[series]->interval) return;
    d->entries[series]->data.append(x, y);
    d->entries[series]->dirty = true;
    d->schedule();
}

void ChartWidget::append(int series, std::span<const QPointF> points) {
    if (!d->valid(series) || d->entries[series]->interval || points.empty()) return;
    d->entries[series]->data.append(points);
    d->entries[series]->dirty = true;
    d->schedule();
}

int ChartWidget::addIntervalSeries(const QString& name, const std::vector<IntervalPoint>& points,
                                   QColor color) {
    const int index = addSeries(name, color);
    Impl::Entry& e = *d->entries[index];
    e.interval = true;
    e.intervals = points;
    std::sort(e.intervals.begin(), e.intervals.end(),
              [](const IntervalPoint& a, const IntervalPoint& b) { return a.x < b.x; });
    e.line->setPointsVisible(true);
    d->styleEntry(e);
    return index;
}

void ChartWidget::removeSeries(int series) {
    if (!d->valid(series)) return;
    Impl::Entry& e = *d->entries[series];
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{e.line, e.band})
        if (s) {
            d->chart->removeSeries(s);
            delete s;
        }
    for (QLineSeries* b : e.bars) {
        d->chart->removeSeries(b);
        delete b;
    }
    d->entries.erase(d->entries.begin() + series);
    d->hideAuxiliaryMarkers();
    d->lastX1 = d->lastX0 - 1;
    d->schedule();
}

void ChartWidget::clear() {
    while (!d->entries.empty())
        removeSeries(static_cast<int>(d->entries.size()) - 1);
    d->nextPaletteIndex = 0;
}

int ChartWidget::seriesCount() const {
    return static_cast<int>(d->entries.size());
}

QString ChartWidget::seriesName(int series) const {
    return d->valid(series) ? d->entries[series]->name : QString();
}

QColor ChartWidget::seriesColor(int series) const {
    return d->valid(series) ? d->entries[series]->color : QColor();
}

std::size_t ChartWidget::pointCount(int series) const {
    if (!d->valid(series)) return 0;
    const Impl::Entry& e = *d->entries[series];
    return e.interval ? e.intervals.size() : e.data.size();
}

int ChartWidget::drawnPointCount(int series) const {
    return d->valid(series) ? d->entries[series]->drawn : 0;
}

void ChartWidget::refreshNow() {
    d->refresh();
}

void ChartWidget::setXCategories(const QStringList& labels) {
    d->categories = labels;
    d->makeXAxis();
    for (auto& e : d->entries)
        e->dirty = true;
    d->refresh();
}

void ChartWidget::setLogY(bool on) {
    if (on == d->logY) return;
    d->logY = on;
    d->yLocked = false;
    // Emptied first: a logarithmic axis must never see a point at or below zero.
    for (auto& e : d->entries) {
        e->line->clear();
        if (e->band) {
            e->band->upperSeries()->clear();
            e->band->lowerSeries()->clear();
        }
        for (QLineSeries* b : e->bars)
            b->clear();
    }
    d->makeYAxis();
    for (auto& e : d->entries)
        e->dirty = true;
    d->refresh();
}

bool ChartWidget::logY() const {
    return d->logY;
}
bool ChartWidget::isZoomed() const {
    return d->zoomed;
}
void ChartWidget::resetZoom() {
    d->reset();
}
void ChartWidget::zoomToX(double x0, double x1) {
    d->zoomX(x0, x1);
}
QPointF ChartWidget::xRange() const {
    return d->xRange();
}
QPointF ChartWidget::yRange() const {
    return d->yRange();
}

QString ChartWidget::valueTextAt(QPoint pos) const {
    return d->valueText(d->view->mapFrom(this, pos));
}

QChart* ChartWidget::chart() const {
    return d->chart;
}

core::Result<void> ChartWidget::exportPng(const QString& path) {
    const QSize size = d->renderSize();
    constexpr qreal scale = 2;  // crisp on high-density screens and in documents
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(palette().color(QPalette::Base));
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        d->drawInto(painter, size);
    }
    QImageWriter writer(path, "png");
    if (!writer.write(image))
        return failure(tr("Cannot write the image %1: %2").arg(path, writer.errorString()));
    return {};
}

core::Result<void> ChartWidget::exportSvg(const QString& path) {
    const QSize size = d->renderSize();
    {
        // Fails early with a clear message where QSvgGenerator would only warn.
        QSaveFile probe(path);
        if (!probe.open(QIODevice::WriteOnly))
            return failure(tr("Cannot write the image %1: %2").arg(path, probe.errorString()));
        probe.cancelWriting();
    }
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(d->view->logicalDpiX());
    generator.setTitle(d->chart->title().isEmpty() ? tr("DAIS chart") : d->chart->title());
    generator.setDescription(tr("Drawn by DAIS"));
    QPainter painter;
    if (!painter.begin(&generator)) return failure(tr("Cannot write the image %1").arg(path));
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    d->drawInto(painter, size);
    painter.end();
    return {};
}

core::Result<void> ChartWidget::exportCsv(const QString& path) {
    bool intervals = false, plain = false;
    for (const auto& e : d->entries)
        (e->interval ? intervals : plain) = true;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return failure(tr("Cannot write the table %1: %2").arg(path, file.errorString()));
    QByteArray out;
    out += intervals && !plain ? "series,x,mean,low,high\n"
           : intervals         ? "series,x,y,low,high\n"
                               : "series,x,y\n";
    auto flush = [&] {
        if (file.write(out) != out.size()) return false;
        out.clear();
        return true;
    };
    for (const auto& e : d->entries) {
        const QByteArray name = csvField(e->name).toUtf8() + ',';
        if (e->interval) {
            for (const IntervalPoint& p : e->intervals)
                out += name + number(p.x).toLatin1() + ',' + number(p.mean).toLatin1() + ',' +
                       number(p.low).toLatin1() + ',' + number(p.high).toLatin1() + '\n';
        } else {
            for (const QPointF& p : e->data.points()) {
                out += name + number(p.x()).toLatin1() + ',' + number(p.y()).toLatin1();
                out += intervals ? ",,\n" : "\n";
                if (out.size() > (1 << 20) && !flush()) break;
            }
        }
    }
    if (!flush() || !file.commit())
        return failure(tr("Cannot write the table %1: %2").arg(path, file.errorString()));
    return {};
}

void ChartWidget::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    switch (event->type()) {
        case QEvent::PaletteChange:
        case QEvent::ApplicationPaletteChange:
        case QEvent::FontChange:
        case QEvent::ApplicationFontChange:
            if (d && d->view) d->applyTheme();
            break;
        default:
            break;
    }
}

QString axisUnit(const QString& unit) {
    return unit == QLatin1String("1") ? QString() : unit;
}

QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) &&
        !s.contains(QLatin1Char('\n')) && !s.contains(QLatin1Char('\r')))
        return s;
    QString quoted = s;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace dais::studio
