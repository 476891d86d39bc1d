#include "ui/canvas_labels.h"

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dais::studio {

namespace {

/// The labels placed so far, in a grid of square cells: a candidate is checked against the
/// labels of the cells it covers only, so placing n labels costs about n checks, not n².
class PlacedLabels {
  public:
    /// Whether `r` overlaps anything taken, except what belongs to `owner`.
    bool overlaps(const QRectF& r, std::size_t owner) const {
        bool hit = false;
        forCells(r, [&](std::int64_t cell) {
            if (hit) return;
            const auto it = cells_.find(cell);
            if (it == cells_.end()) return;
            for (const auto& [other, by] : it->second)
                if (by != owner && other.intersects(r)) {
                    hit = true;
                    return;
                }
        });
        return hit;
    }
    void add(const QRectF& r, std::size_t owner) {
        forCells(r, [&](std::int64_t cell) { cells_[cell].emplace_back(r, owner); });
    }

  private:
    static constexpr double kCell = 96;

    template <class F>
    static void forCells(const QRectF& r, F&& f) {
        const auto x0 = static_cast<std::int64_t>(std::floor(r.left() / kCell)),
                   x1 = static_cast<std::int64_t>(std::floor(r.right() / kCell)),
                   y0 = static_cast<std::int64_t>(std::floor(r.top() / kCell)),
                   y1 = static_cast<std::int64_t>(std::floor(r.bottom() / kCell));
        for (std::int64_t y = y0; y <= y1; ++y)
            for (std::int64_t x = x0; x <= x1; ++x)
                f((y << 32) ^ (x & 0xffffffff));
    }

    std::unordered_map<std::int64_t, std::vector<std::pair<QRectF, std::size_t>>> cells_;
};

}  // namespace

std::vector<int> placeLabels(const std::vector<LabelRequest>& requests, double gap,
                             const QRectF& bounds) {
    std::vector<int> chosen(requests.size(), -1);
    PlacedLabels placed;
    // Icons first: no label goes over another item's icon.
    for (std::size_t i = 0; i < requests.size(); ++i)
        if (const QRectF icon = requests[i].icon.translated(requests[i].anchor);
            !requests[i].icon.isNull() && std::isfinite(icon.left()) && std::isfinite(icon.top()) &&
            std::abs(icon.left()) < 1e12 && std::abs(icon.top()) < 1e12)
            placed.add(icon, i);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const LabelRequest& req = requests[i];
        // A place the edge of the view would cut is taken only by the selection, last.
        const int passes = req.selected && bounds.isValid() ? 2 : 1;
        for (int pass = 0; pass < passes && chosen[i] < 0; ++pass) {
            for (std::size_t c = 0; c < req.candidates.size(); ++c) {
                const QRectF r = req.candidates[c].translated(req.anchor);
                // Out of reach of the grid (an absurd zoom): not placed.
                if (!std::isfinite(r.left()) || !std::isfinite(r.top()) ||
                    std::abs(r.left()) > 1e12 || std::abs(r.top()) > 1e12)
                    break;
                if (pass == 0 && bounds.isValid() && !bounds.contains(r) && bounds.intersects(r))
                    continue;
                if (placed.overlaps(r.adjusted(-gap, -gap, gap, gap), i)) continue;
                placed.add(r, i);
                chosen[i] = static_cast<int>(c);
                break;
            }
        }
    }
    return chosen;
}

std::vector<QRectF> labelsAroundIcon(const QSizeF& size, const QRectF& icon) {
    const double w = size.width(), h = size.height();
    return {QRectF(-w / 2, icon.bottom(), w, h), QRectF(-w / 2, icon.top() - h, w, h),
            QRectF(icon.right() + 2, -h / 2, w, h), QRectF(icon.left() - 2 - w, -h / 2, w, h)};
}

std::vector<QRectF> labelsAroundDisc(const QSizeF& size, double diameter) {
    const double w = size.width(), h = size.height(), r = diameter / 2;
    std::vector<QRectF> out = {
        QRectF(-w / 2, -h - 2, w, h),       QRectF(-w / 2, 2, w, h),
        QRectF(-w / 2, diameter + 2, w, h), QRectF(-w / 2, diameter - h - 2, w, h),
        QRectF(r + 4, r - h / 2, w, h),     QRectF(-r - 4 - w, r - h / 2, w, h)};
    // A small disc is crowded by the icons of what it holds: further out above and below.
    for (int k = 1; k <= 3; ++k) {
        out.emplace_back(-w / 2, -h - 2 - k * h, w, h);
        out.emplace_back(-w / 2, diameter + 2 + k * h, w, h);
    }
    return out;
}

}  // namespace dais::studio
