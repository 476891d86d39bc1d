// Redrawing the chart: at most about 30 times a second, each series decimated to the plot's
// width, interval series as a band (numbers on x) or error bars (categories), and the axes
// scaled to the data unless the user zoomed.
#include <QCoreApplication>
#include <QLegend>

#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_widget_impl.h"

namespace dais::studio {

namespace {

constexpr int kMinRefreshMs = 33;  // at most about 30 redraws a second

bool byX(const QPointF& a, const QPointF& b) {
    return a.x() < b.x();
}

}  // namespace

void ChartWidget::Impl::schedule() {
    if (timer.isActive()) return;
    const qint64 elapsed = sinceRefresh.isValid() ? sinceRefresh.elapsed() : kMinRefreshMs;
    timer.start(static_cast<int>(std::max<qint64>(0, kMinRefreshMs - elapsed)));
}

bool ChartWidget::Impl::dataBounds(double& x0, double& x1, double& y0, double& y1,
                                   double& yPos) const {
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

int ChartWidget::Impl::bucketCount() const {
    double w = chart->plotArea().width();
    if (w < 50) w = view->width() > 100 ? view->width() - 80 : 600;
    return std::max(32, static_cast<int>(w / 2));
}

QList<QPointF> ChartWidget::Impl::positiveOnly(QList<QPointF> pts) const {
    if (!logY) return pts;
    pts.removeIf([](const QPointF& p) { return !(p.y() > 0); });
    return pts;
}

void ChartWidget::Impl::drawInterval(Entry& e, double floorY) {
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
    std::sort(means.begin(), means.end(), byX);
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
        std::sort(lower.begin(), lower.end(), byX);
        std::sort(upper.begin(), upper.end(), byX);
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

void ChartWidget::Impl::settleLayout() {
    QCoreApplication::sendPostedEvents(chart->legend(), QEvent::LayoutRequest);
    QCoreApplication::sendPostedEvents(chart, QEvent::LayoutRequest);
}

void ChartWidget::Impl::xWindow(double dataX0, double dataX1, double& x0, double& x1) const {
    if (!categories.isEmpty()) {
        x0 = -0.5;
        x1 = categories.size() - 0.5;
    } else if (zoomed) {
        const QPointF r = xRange();
        x0 = r.x();
        x1 = r.y();
    } else {
        x0 = dataX0;
        x1 = dataX1;
        const double w = chart->plotArea().width() > 50 ? chart->plotArea().width() : 600;
        // Sparse points (intervals) get a margin so the markers at the ends show whole.
        const bool sparse =
            std::any_of(entries.begin(), entries.end(), [](const auto& e) { return e->interval; });
        niceRange(x0, x1, w / 90, sparse);
    }
}

void ChartWidget::Impl::drawSeries(double x0, double x1, int buckets, double floorY, double& y0,
                                   double& y1) {
    const bool viewChanged = x0 != lastX0 || x1 != lastX1 || buckets != lastBuckets;
    for (auto& e : entries) {
        if (e->interval) {
            if (e->dirty) drawInterval(*e, floorY);
            for (const IntervalPoint& p : e->intervals)
                if (p.x >= x0 && p.x <= x1) {
                    y0 = std::min({y0, p.low, p.mean});
                    y1 = std::max({y1, p.high, p.mean});
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
                    y0 = std::min(y0, p.y());
                    y1 = std::max(y1, p.y());
                }
        }
        e->dirty = false;
    }
    lastX0 = x0;
    lastX1 = x1;
    lastBuckets = buckets;
}

void ChartWidget::Impl::refresh() {
    timer.stop();
    sinceRefresh.start();
    settleLayout();
    double dx0, dx1, dy0, dy1, dyPos;
    if (!dataBounds(dx0, dx1, dy0, dy1, dyPos)) {
        dx0 = 0;
        dx1 = 1;
        dy0 = 0;
        dy1 = 1;
        dyPos = 1;
    }
    const double floorY = std::isfinite(dyPos) ? dyPos / 10 : 1e-3;
    double x0, x1;
    xWindow(dx0, dx1, x0, x1);
    double vy0 = std::numeric_limits<double>::infinity(), vy1 = -vy0;
    drawSeries(x0, x1, bucketCount(), floorY, vy0, vy1);
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

}  // namespace dais::studio
