// The chart's axes: x is numbers or named categories, y is linear or logarithmic; each is
// replaced whole when that changes. Tick spacing follows the range (1, 2 or 5 times a power
// of ten), and a range the user changes (rubber band, wheel) marks the chart as zoomed.
#include <QCategoryAxis>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

#include "charts/chart_widget_impl.h"

namespace dais::studio {

namespace {

// A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals over `span`.
double niceStep(double span, double ticks) {
    if (!(span > 0) || !std::isfinite(span)) return 1;
    const double raw = span / std::max(ticks, 1.0);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double m = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return m * magnitude;
}

}  // namespace

void ChartWidget::Impl::watchRange(QAbstractAxis* axis, bool isX) {
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

void ChartWidget::Impl::replaceAxis(QAbstractAxis*& slot, QAbstractAxis* axis, Qt::Alignment align,
                                    bool isX) {
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

void ChartWidget::Impl::makeXAxis() {
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

void ChartWidget::Impl::makeYAxis() {
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

void ChartWidget::Impl::updateTicks() {
    if (auto* x = qobject_cast<QValueAxis*>(xAxis)) prepareTicks(x, x->min(), x->max(), true);
    if (auto* y = qobject_cast<QValueAxis*>(yAxis)) prepareTicks(y, y->min(), y->max(), false);
}

QPointF ChartWidget::Impl::xRange() const {
    if (auto* v = qobject_cast<QValueAxis*>(xAxis)) return {v->min(), v->max()};
    return {0, 1};
}

QPointF ChartWidget::Impl::yRange() const {
    if (auto* v = qobject_cast<QValueAxis*>(yAxis)) return {v->min(), v->max()};
    if (auto* l = qobject_cast<QLogValueAxis*>(yAxis)) return {l->min(), l->max()};
    return {0, 1};
}

void ChartWidget::Impl::prepareTicks(QAbstractAxis* axis, double lo, double hi, bool isX) {
    auto* v = qobject_cast<QValueAxis*>(axis);
    if (!v || qobject_cast<QCategoryAxis*>(axis)) return;
    const QRectF area = chart->plotArea();
    const double size = isX ? (area.width() > 50 ? area.width() : 600) / 90
                            : (area.height() > 50 ? area.height() : 300) / 45;
    const double step = niceStep(hi - lo, size);
    if (step != v->tickInterval()) v->setTickInterval(step);
}

void ChartWidget::Impl::setRanges(double x0, double x1, double y0, double y1, bool setX,
                                  bool setY) {
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

void ChartWidget::Impl::niceRange(double& lo, double& hi, double ticks, bool margin) {
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

// ---- the public side ----------------------------------------------------------------------

void ChartWidget::setAxisTitles(const QString& x, const QString& y) {
    d->xTitle = x;
    d->yTitle = y;
    d->xAxis->setTitleText(x);
    d->yAxis->setTitleText(y);
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

QPointF ChartWidget::xRange() const {
    return d->xRange();
}

QPointF ChartWidget::yRange() const {
    return d->yRange();
}

}  // namespace dais::studio
