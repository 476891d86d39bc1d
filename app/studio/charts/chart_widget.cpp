// The chart widget's set-up and its series: adding line and interval series, appending
// points, removing series, and what the callers can ask about them. The rest of the widget is
// in the files chart_widget_impl.h lists.
#include "charts/chart_widget.h"

#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <initializer_list>

#include "charts/chart_widget_impl.h"

namespace dais::studio {

void ChartWidget::Impl::attach(QAbstractSeries* s) {
    chart->addSeries(s);
    s->attachAxis(xAxis);
    s->attachAxis(yAxis);
}

void ChartWidget::Impl::hideFromLegend(QAbstractSeries* s) {
    for (QLegendMarker* m : chart->legend()->markers(s))
        m->setVisible(false);
}

void ChartWidget::Impl::hideAuxiliaryMarkers() {
    for (auto& e : entries) {
        if (e->band) hideFromLegend(e->band);
        for (QLineSeries* b : e->bars)
            hideFromLegend(b);
    }
    if (chart->legend()->isVisible() != !entries.empty())
        chart->legend()->setVisible(!entries.empty());
}

ChartWidget::ChartWidget(QWidget* parent) : QWidget(parent), d(std::make_unique<Impl>(this)) {
    d->chart = new QChart;
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->setMargins(QMargins(6, 6, 10, 4));
    d->chart->layout()->setContentsMargins(0, 0, 0, 0);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->legend()->setMarkerShape(QLegend::MarkerShapeRectangle);
    d->view = new ChartPlotView(d->chart, this);
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

QChart* ChartWidget::chart() const {
    return d->chart;
}

QString axisUnit(const QString& unit) {
    return unit == QLatin1String("1") ? QString() : unit;
}

}  // namespace dais::studio
