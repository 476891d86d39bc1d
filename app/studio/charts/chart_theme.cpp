// The chart's looks: a fixed palette of series colours with a shade for light and one for dark
// themes, and the background, text, grid and line colours and fonts taken from the widget's
// palette and font (so the chart follows View ▸ Theme).
#include <QLegend>
#include <QPen>

#include <algorithm>
#include <iterator>

#include "charts/chart_widget_impl.h"

namespace dais::studio {

namespace {

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

}  // namespace

bool ChartWidget::Impl::dark() const {
    return q->palette().color(QPalette::Window).lightness() < 128;
}

QColor ChartWidget::Impl::paletteColor(int i) const {
    const Shade& s = kPalette[i % kPaletteSize];
    return QColor(QLatin1String(dark() ? s.dark : s.light));
}

void ChartWidget::Impl::styleAxis(QAbstractAxis* axis) {
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

void ChartWidget::Impl::applyTheme() {
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

void ChartWidget::Impl::styleEntry(Entry& e) {
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

}  // namespace dais::studio
