#pragma once
// The points of one chart series, kept whole so nothing a run produced is lost, and reduced on
// demand to what a plot of a given width can show. A chart of a million-point run draws a few
// thousand points and still shows every spike: each bucket keeps its first, lowest, highest and
// last point.

#include <cstddef>
#include <span>
#include <vector>

#include <QList>
#include <QPointF>

namespace dais::studio {

/// One series' points in x order, kept whole (millions of points), decimated on demand.
class SeriesData {
  public:
    /// Adds a point. An x below the last one is raised to it (the order is kept without
    /// asserting); points with a non-finite coordinate are ignored.
    void append(double x, double y);
    void append(std::span<const QPointF> points);
    std::size_t size() const { return points_.size(); }
    bool empty() const { return points_.empty(); }
    void clear();
    const std::vector<QPointF>& points() const { return points_; }

    /// The points within [x0, x1] reduced to at most about 4 * buckets: per bucket the first,
    /// the lowest, the highest and the last point, so peaks survive. The nearest point outside
    /// each end is kept too, so a line reaches the edges of the plot. One pass over the points
    /// in range (binary search for the ends).
    QList<QPointF> decimated(double x0, double x1, int buckets) const;

    /// Bounds of all points (0 when empty).
    double minX() const { return points_.empty() ? 0 : points_.front().x(); }
    double maxX() const { return points_.empty() ? 0 : points_.back().x(); }
    double minY() const { return points_.empty() ? 0 : minY_; }
    double maxY() const { return points_.empty() ? 0 : maxY_; }
    /// The smallest y above zero (for a logarithmic axis); 0 when there is none.
    double minPositiveY() const { return minPositiveY_; }

    /// The index of the stored point nearest to x (by x); size() when empty.
    std::size_t nearestIndex(double x) const;

  private:
    std::vector<QPointF> points_;
    double minY_ = 0, maxY_ = 0, minPositiveY_ = 0;
};

}  // namespace dais::studio
