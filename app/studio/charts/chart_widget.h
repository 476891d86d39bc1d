#pragma once
// The studio's chart: many series over simulated time (or any x), growing live or loaded whole,
// drawn through Qt Charts from decimated data so a million-point run stays fluid. Live runs,
// the run history, comparisons and sweeps all plot through this one widget, so they share
// zooming, tooltips, export and the colours of the theme.

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "charts/series_data.h"
#include "dais/core/result.h"

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace dais::studio {

/// A mean with its 95% interval, at x.
struct IntervalPoint {
    double x = 0, mean = 0, low = 0, high = 0;
};

/// A chart (Qt Charts) of many series that may grow live, redrawn at most 30 times a second with
/// decimated data, so a million-point run stays fluid. Zoom by rubber band, reset by double click
/// or Home key, mouse wheel zoom, hover tooltip with the nearest point's value, context menu:
/// log y axis, reset zoom, export PNG / SVG / CSV. Follows the application palette (light/dark).
///
/// Series are addressed by index, like rows of a list: removeSeries(i) moves the series above
/// i down by one. An index out of range is ignored (or gives an empty answer).
class ChartWidget : public QWidget {
    Q_OBJECT
  public:
    explicit ChartWidget(QWidget* parent = nullptr);
    ~ChartWidget() override;

    void setTitle(const QString& title);
    /// Axis titles; the x axis reads "Simulated time (s)" until set.
    void setAxisTitles(const QString& x, const QString& y);
    /// Adds a line series; without a colour it takes the next one of the chart's fixed palette.
    /// Returns the series' index.
    int addSeries(const QString& name, QColor color = {});
    void append(int series, double x, double y);
    void append(int series, std::span<const QPointF> points);
    /// Adds a line of means with markers and its 95% interval: a shaded band, or error bars
    /// when the x axis shows categories (setXCategories). Returns the series' index.
    int addIntervalSeries(const QString& name, const std::vector<IntervalPoint>& points,
                          QColor color = {});
    void removeSeries(int series);
    /// Removes every series.
    void clear();
    int seriesCount() const;
    QString seriesName(int series) const;
    QColor seriesColor(int series) const;
    /// Points stored (all of them, whatever is drawn).
    std::size_t pointCount(int series) const;
    /// Points handed to Qt Charts after decimation at the last redraw.
    int drawnPointCount(int series) const;
    /// Applies pending appends at once (tests, export).
    void refreshNow();

    /// Labels x = 0, 1, ..., k-1 with these names (a categorical parameter); empty: numbers.
    void setXCategories(const QStringList& labels);
    /// Logarithmic y axis (points at or below zero are not drawn on it).
    void setLogY(bool on);
    bool logY() const;
    /// True while the user's zoom holds (live data then no longer rescales the axes).
    bool isZoomed() const;
    /// Back to the whole data, autoscaled.
    void resetZoom();
    /// Zooms to an x range (the y axis fits the visible data).
    void zoomToX(double x0, double x1);
    /// The axes' current ranges.
    QPointF xRange() const;
    QPointF yRange() const;
    /// What the hover tooltip says for a position in the widget's coordinates: the nearest
    /// drawn point's series and value within a few pixels, else empty.
    QString valueTextAt(QPoint pos) const;

    /// A PNG at twice the view's size (crisp on high-density screens and in documents).
    core::Result<void> exportPng(const QString& path);
    /// An SVG drawn at the view's logical dpi, so text keeps its size.
    core::Result<void> exportSvg(const QString& path);
    /// Every stored point: "series,x,y" rows; interval series as "series,x,mean,low,high"
    /// (with both kinds, plain series leave low and high empty).
    core::Result<void> exportCsv(const QString& path);
    QChart* chart() const;

  signals:
    /// After each redraw with new data.
    void refreshed();

  protected:
    void changeEvent(QEvent* event) override;

  private:
    struct Impl;
    friend struct Impl;
    std::unique_ptr<Impl> d;
};

/// A metric's unit as an axis shows it: "" for the dimensionless "1" (ratios, fractions).
QString axisUnit(const QString& unit);

/// A CSV field: as it is, or quoted (inner quotes doubled) when it holds a comma, a quote or a
/// line break.
QString csvField(const QString& s);

}  // namespace dais::studio
