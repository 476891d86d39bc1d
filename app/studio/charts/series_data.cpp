#include "charts/series_data.h"

#include <algorithm>
#include <cmath>

namespace dais::studio {

void SeriesData::append(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    if (points_.empty()) {
        minY_ = maxY_ = y;
    } else {
        x = std::max(x, points_.back().x());
        minY_ = std::min(minY_, y);
        maxY_ = std::max(maxY_, y);
    }
    if (y > 0 && (minPositiveY_ == 0 || y < minPositiveY_)) minPositiveY_ = y;
    points_.emplace_back(x, y);
}

void SeriesData::append(std::span<const QPointF> points) {
    points_.reserve(points_.size() + points.size());
    for (const QPointF& p : points)
        append(p.x(), p.y());
}

void SeriesData::clear() {
    points_.clear();
    points_.shrink_to_fit();
    minY_ = maxY_ = minPositiveY_ = 0;
}

std::size_t SeriesData::nearestIndex(double x) const {
    if (points_.empty()) return 0;
    const auto it = std::lower_bound(points_.begin(), points_.end(), x,
                                     [](const QPointF& p, double v) { return p.x() < v; });
    if (it == points_.begin()) return 0;
    if (it == points_.end()) return points_.size() - 1;
    const auto before = std::prev(it);
    return static_cast<std::size_t>((x - before->x() <= it->x() - x ? before : it) -
                                    points_.begin());
}

QList<QPointF> SeriesData::decimated(double x0, double x1, int buckets) const {
    QList<QPointF> out;
    if (points_.empty() || !(x0 <= x1) || !std::isfinite(x0) || !std::isfinite(x1)) return out;
    buckets = std::max(buckets, 1);
    const auto byX = [](const QPointF& p, double v) { return p.x() < v; };
    auto first = std::lower_bound(points_.begin(), points_.end(), x0, byX);
    auto last = std::upper_bound(first, points_.end(), x1,
                                 [](double v, const QPointF& p) { return v < p.x(); });
    // One neighbour outside each end, so the line runs to the plot's edges.
    if (first != points_.begin()) --first;
    if (last != points_.end()) ++last;
    const std::size_t n = static_cast<std::size_t>(last - first);
    if (n <= static_cast<std::size_t>(buckets) * 4) {
        out.reserve(static_cast<qsizetype>(n));
        for (auto it = first; it != last; ++it)
            out.push_back(*it);
        return out;
    }
    out.reserve(static_cast<qsizetype>(buckets) * 4 + 2);
    const double width = x1 > x0 ? (x1 - x0) / buckets : 1.0;
    auto bucketOf = [&](double x) {
        if (x <= x0) return -1;
        if (x > x1) return buckets;
        return std::min(static_cast<int>((x - x0) / width), buckets - 1);
    };
    auto it = first;
    while (it != last) {
        const int b = bucketOf(it->x());
        auto lo = it, hi = it, end = it;
        for (++end; end != last && bucketOf(end->x()) == b; ++end) {
            if (end->y() < lo->y()) lo = end;
            if (end->y() > hi->y()) hi = end;
        }
        const auto back = std::prev(end);
        // First, then the extremes in the order they occur, then last; each point once.
        out.push_back(*it);
        const auto a = std::min(lo, hi), c = std::max(lo, hi);
        if (a != it && a != back) out.push_back(*a);
        if (c != it && c != back && c != a) out.push_back(*c);
        if (back != it) out.push_back(*back);
        it = end;
    }
    return out;
}

}  // namespace dais::studio
