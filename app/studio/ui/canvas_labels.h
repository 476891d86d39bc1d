#pragma once
// Where the canvas's labels go. Nodes, groups and region names are drawn at a fixed size on
// screen, so whether two labels overlap depends on the zoom. Each label has a few positions
// around what it names, in order of preference (below an icon, above it, right of it, left of
// it; a region's name above its disc, inside its top, below it, inside its bottom, beside it), and
// takes the first that covers no other item's icon and no label placed before it. A label with
// no free position is not drawn; its item shows it while hovered or selected.

#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <vector>

namespace dais::studio {

/// One label to place: the point it is placed around (device pixels at the view's scale; any
/// common origin) and the rectangles it may take relative to that point, best first.
struct LabelRequest {
    QPointF anchor;
    std::vector<QRectF> candidates;
    /// What its item's icon covers, relative to the anchor (null: no icon). Other labels keep
    /// off it; its own label may touch it.
    QRectF icon = {};
    /// The selection's labels are drawn even when the edge of the view cuts every free place.
    bool selected = false;
};

/// Places labels in the order given: for each, the index of the candidate it takes, or -1 when
/// every candidate comes within `gap` pixels of another item's icon or of a label placed before
/// it. With `bounds` (the part of the canvas in view, in the anchors' coordinates) no candidate
/// that the edge of the view would cut is taken.
std::vector<int> placeLabels(const std::vector<LabelRequest>& requests, double gap = 1,
                             const QRectF& bounds = QRectF());

/// The positions of a label of `size` around an icon that spans `icon` (relative to the item's
/// centre): centred below it, centred above it, right of it, left of it.
std::vector<QRectF> labelsAroundIcon(const QSizeF& size, const QRectF& icon);

/// The positions of a region's name of `size` around its disc, relative to the disc's top point,
/// for a disc `diameter` pixels across: above the disc, just inside its top, below it, just
/// inside its bottom, right of it, left of it, then further above and below.
std::vector<QRectF> labelsAroundDisc(const QSizeF& size, double diameter);

}  // namespace dais::studio
