#pragma once
// The inside of ChartWidget, shared by the files that implement it: the view that forwards
// mouse and keyboard to the widget, and ChartWidget::Impl with the series, the axes and the
// state of zoom and redraw. What each part does lives in its own file:
//   chart_widget.cpp       the series (adding, appending, removing) and the widget's set-up
//   chart_axes.cpp         the axes: value, category or logarithmic; ticks and ranges
//   chart_theme.cpp        the palette and the colours and fonts of the theme
//   chart_refresh.cpp      redrawing: decimation, interval bands and error bars, autoscaling
//   chart_interaction.cpp  zoom, wheel, hover tooltip and the context menu
//   chart_export.cpp       PNG, SVG and CSV export

#include <QAbstractAxis>
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QList>
#include <QLocale>
#include <QPainter>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

#include "charts/chart_widget.h"
#include "charts/series_data.h"

namespace dais::studio {

/// The chart's view: forwards the interactions Qt Charts lacks (wheel, double click, Home,
/// hover, the context menu) to the widget, and keeps the right button for the menu.
class ChartPlotView : public QChartView {
  public:
    std::function<void()> onReset;
    std::function<void(QPoint, int)> onWheel;
    std::function<void(QPoint, QPoint)> onHover;
    std::function<void(QPoint)> onMenu;

    explicit ChartPlotView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {}

  protected:
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void leaveEvent(QEvent* e) override;
    void contextMenuEvent(QContextMenuEvent* e) override;
};

/// The shortest text that reads back as the same number (hover text and CSV).
inline QString chartNumber(double v) {
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

struct ChartWidget::Impl {
    /// One series as the caller sees it, with the Qt Charts series that draw it.
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
    ChartPlotView* view = nullptr;
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

    bool valid(int i) const { return i >= 0 && i < static_cast<int>(entries.size()); }

    // ---- series (chart_widget.cpp) ---------------------------------------------------------
    void attach(QAbstractSeries* s);
    void hideFromLegend(QAbstractSeries* s);
    /// Keeps bands and error bars out of the legend; hides an empty legend.
    void hideAuxiliaryMarkers();

    // ---- axes (chart_axes.cpp) -------------------------------------------------------------
    void watchRange(QAbstractAxis* axis, bool isX);
    void replaceAxis(QAbstractAxis*& slot, QAbstractAxis* axis, Qt::Alignment align, bool isX);
    void makeXAxis();
    void makeYAxis();
    /// Tick spacing for the current ranges: about one label per 90 px across, 45 px up.
    void updateTicks();
    QPointF xRange() const;
    QPointF yRange() const;
    /// Sets the tick spacing for a range before the range itself: with dynamic ticks, a range
    /// far wider than the old spacing would otherwise lay out thousands of labels first.
    void prepareTicks(QAbstractAxis* axis, double lo, double hi, bool isX);
    void setRanges(double x0, double x1, double y0, double y1, bool setX, bool setY);
    /// Widens [lo, hi] to whole steps of about `ticks` intervals (with a 5% margin first when
    /// asked); an empty range gets some room around its value.
    static void niceRange(double& lo, double& hi, double ticks, bool margin);

    // ---- theme (chart_theme.cpp) -----------------------------------------------------------
    bool dark() const;
    QColor paletteColor(int i) const;
    void styleAxis(QAbstractAxis* axis);
    void applyTheme();
    void styleEntry(Entry& e);

    // ---- redrawing (chart_refresh.cpp) -----------------------------------------------------
    /// Asks for a redraw, at most about 30 a second.
    void schedule();
    /// The bounds of every stored point; false when there is none.
    bool dataBounds(double& x0, double& x1, double& y0, double& y1, double& yPos) const;
    int bucketCount() const;
    QList<QPointF> positiveOnly(QList<QPointF> pts) const;
    void drawInterval(Entry& e, double floorY);
    /// Lays out the legend and the plot area now rather than at the next turn of the event
    /// loop, so the bucket count, hover positions and exports see the chart as it will be drawn.
    void settleLayout();
    /// The x range to show: the categories, the user's zoom, or the data with round ends.
    void xWindow(double dataX0, double dataX1, double& x0, double& x1) const;
    /// Hands each series' points in [x0, x1] to Qt Charts (decimated to `buckets`) and widens
    /// [y0, y1] to the visible values.
    void drawSeries(double x0, double x1, int buckets, double floorY, double& y0, double& y1);
    void refresh();

    // ---- interaction (chart_interaction.cpp) -----------------------------------------------
    void reset();
    void wheel(QPoint pos, int delta);
    void zoomX(double x0, double x1);
    QString valueText(QPoint viewPos) const;
    QString xTitleShort() const;
    QString yTitleShort() const;
    void contextMenu(QPoint globalPos);

    // ---- export (chart_export.cpp) ---------------------------------------------------------
    /// Draws the chart as the view shows it into a painter of the view's size (in logical
    /// pixels, whatever the device's pixel ratio).
    void drawInto(QPainter& painter, QSize size);
    /// Before drawing into a file: a view that was never shown has no size of its own yet.
    QSize renderSize();
};

}  // namespace dais::studio
