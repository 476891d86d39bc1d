// What the user does with a chart: rubber-band and wheel zoom, reset by double click or Home,
// the hover tooltip with the nearest point's value, and the context menu (log y axis, reset
// zoom, export PNG / SVG / CSV).
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QKeyEvent>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "charts/chart_widget_impl.h"

namespace dais::studio {

namespace {

constexpr double kHoverRadius = 12;

QString shortTitle(const QString& t, const char* fallback) {
    if (t.isEmpty()) return QLatin1String(fallback);
    const qsizetype paren = t.indexOf(QLatin1String(" ("));
    return paren > 0 ? t.left(paren) : t;
}

}  // namespace

// ---- the view ---------------------------------------------------------------------------

void ChartPlotView::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::RightButton) return e->accept();
    QChartView::mousePressEvent(e);
}

void ChartPlotView::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() == Qt::RightButton) return e->accept();
    QChartView::mouseReleaseEvent(e);
}

void ChartPlotView::mouseMoveEvent(QMouseEvent* e) {
    QChartView::mouseMoveEvent(e);
    if (onHover && e->buttons() == Qt::NoButton)
        onHover(e->position().toPoint(), e->globalPosition().toPoint());
}

void ChartPlotView::mouseDoubleClickEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && onReset) {
        onReset();
        return e->accept();
    }
    QChartView::mouseDoubleClickEvent(e);
}

void ChartPlotView::wheelEvent(QWheelEvent* e) {
    if (onWheel && e->angleDelta().y() != 0) {
        onWheel(e->position().toPoint(), e->angleDelta().y());
        return e->accept();
    }
    QChartView::wheelEvent(e);
}

void ChartPlotView::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Home && onReset) {
        onReset();
        return e->accept();
    }
    QChartView::keyPressEvent(e);
}

void ChartPlotView::leaveEvent(QEvent* e) {
    QToolTip::hideText();
    QChartView::leaveEvent(e);
}

void ChartPlotView::contextMenuEvent(QContextMenuEvent* e) {
    if (onMenu) onMenu(e->globalPos());
    e->accept();
}

// ---- zoom -------------------------------------------------------------------------------

void ChartWidget::Impl::reset() {
    zoomed = false;
    yLocked = false;
    lastX1 = lastX0 - 1;  // force a new decimation
    refresh();
}

void ChartWidget::Impl::wheel(QPoint pos, int delta) {
    if (!categories.isEmpty()) return;
    const QPointF value = chart->mapToValue(view->mapToScene(pos), nullptr);
    const QPointF r = xRange();
    const double factor = delta > 0 ? 0.8 : 1.25;
    double x0 = value.x() - (value.x() - r.x()) * factor;
    double x1 = value.x() + (r.y() - value.x()) * factor;
    if (!(x1 - x0 > 1e-12)) return;
    zoomX(x0, x1);
}

void ChartWidget::Impl::zoomX(double x0, double x1) {
    if (!(x1 > x0) || !std::isfinite(x0) || !std::isfinite(x1)) return;
    zoomed = true;
    yLocked = false;
    updatingAxes = true;
    prepareTicks(xAxis, x0, x1, true);
    xAxis->setRange(x0, x1);
    updatingAxes = false;
    refresh();
}

// ---- the hover tooltip ------------------------------------------------------------------

QString ChartWidget::Impl::valueText(QPoint viewPos) const {
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
        const QPointF leftValue = chart->mapToValue(chartPos - QPointF(kHoverRadius, 0), e->line);
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
    QString x = chartNumber(point.x());
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
                text += QLatin1String("\nmean = ") + chartNumber(p.mean) +
                        QLatin1String("\n95% interval = ") + chartNumber(p.low) +
                        QString::fromUtf8(" \u2013 ") + chartNumber(p.high);
                return text;
            }
    }
    return text + QLatin1Char('\n') + yTitleShort() + QLatin1String(" = ") + chartNumber(point.y());
}

QString ChartWidget::Impl::xTitleShort() const {
    return shortTitle(xTitle, "x");
}

QString ChartWidget::Impl::yTitleShort() const {
    return shortTitle(yTitle, "y");
}

// ---- the context menu -------------------------------------------------------------------

void ChartWidget::Impl::contextMenu(QPoint globalPos) {
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

// ---- the public side --------------------------------------------------------------------

bool ChartWidget::isZoomed() const {
    return d->zoomed;
}

void ChartWidget::resetZoom() {
    d->reset();
}

void ChartWidget::zoomToX(double x0, double x1) {
    d->zoomX(x0, x1);
}

QString ChartWidget::valueTextAt(QPoint pos) const {
    return d->valueText(d->view->mapFrom(this, pos));
}

}  // namespace dais::studio
