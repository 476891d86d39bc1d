#include "ui/canvas_items.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "ui/canvas_labels.h"
#include "ui/network_canvas.h"
#include "ui/network_view.h"

namespace dais::studio {

namespace {

constexpr int kNodeSize = 30;
constexpr int kGroupSize = 40;

/// The painter's scale from scene units to device pixels.
double deviceScale(const QPainter* p) {
    const QTransform& t = p->worldTransform();
    return std::sqrt(std::abs(t.determinant()));
}

/// The font labels are measured and drawn with (bold for regions' names).
QFont labelFont(bool bold) {
    QFont f = QApplication::font();
    f.setBold(bold);
    return f;
}

/// The label as placed by the canvas; else, while its item is hovered or selected, at its first
/// position; else a null rectangle (not drawn).
QRectF shownLabel(const ItemLabel& label, const std::vector<QRectF>& candidates, bool show) {
    if (!label.placed().isNull()) return label.placed();
    return show && !candidates.empty() ? candidates.front() : QRectF();
}

void drawLabel(QPainter* p, const QString& text, const QRectF& r, bool selected) {
    p->setFont(labelFont(false));
    const QPalette pal = QApplication::palette();
    QColor bg = pal.color(QPalette::Base);
    bg.setAlpha(200);
    p->setPen(Qt::NoPen);
    p->setBrush(selected ? pal.color(QPalette::Highlight) : bg);
    p->drawRoundedRect(r, 3, 3);
    p->setPen(selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text));
    p->drawText(r, Qt::AlignCenter, text);
}

void drawBadges(QPainter* p, const std::vector<QColor>& badges, const QPointF& at) {
    QPointF c = at;
    for (const QColor& b : badges) {
        p->setPen(QPen(Qt::white, 1));
        p->setBrush(b);
        p->drawEllipse(c, 3.5, 3.5);
        c.rx() -= 8;
    }
}

/// What a node's icon covers, relative to its centre (its label sits just under it).
const QRectF kNodeIcon(-kNodeSize / 2.0, -kNodeSize / 2.0, kNodeSize, kNodeSize - 2);

QRectF unitedWith(QRectF r, const std::vector<QRectF>& others) {
    for (const QRectF& o : others)
        r |= o;
    return r;
}

}  // namespace

// --- ItemLabel -------------------------------------------------------------------------------
ItemLabel::ItemLabel(QString text, bool bold) : text_(std::move(text)), bold_(bold) {
    const QFontMetricsF fm(labelFont(bold));
    // Regions' names are bare text; the others sit on a rounded plate.
    size_ = bold ? QSizeF(fm.horizontalAdvance(text_) + 4, fm.height() + 2)
                 : QSizeF(fm.horizontalAdvance(text_) + 8, fm.height() + 2);
}

bool ItemLabel::setPlaced(const QRectF& r) {
    if (r == placed_ && r.isNull() == placed_.isNull()) return false;
    placed_ = r;
    return true;
}

// --- NodeItem --------------------------------------------------------------------------------
NodeItem::NodeItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t node,
                   std::string pointer, bool movable)
    : canvas_(canvas),
      role_(std::move(role)),
      label_(std::move(label), false),
      node_(node),
      pointer_(std::move(pointer)) {
    setFlag(ItemIgnoresTransformations);
    setFlag(ItemIsSelectable, !pointer_.empty());
    setFlag(ItemIsMovable, movable);
    setFlag(ItemSendsGeometryChanges, movable);
    setData(kPointer, QString::fromStdString(pointer_));
    setData(kNodeIndex, node);
    setData(kKind, static_cast<int>(ItemKind::Node));
    setZValue(10);
    setAcceptHoverEvents(true);
    setToolTip(role_.isEmpty() ? label_.text()
                               : QStringLiteral("%1 (%2)").arg(label_.text(), role_));
}

QRectF NodeItem::iconRect() const {
    return QRectF(-kNodeSize / 2.0, -kNodeSize / 2.0, kNodeSize, kNodeSize);
}

std::vector<QRectF> NodeItem::labelCandidates() const {
    return labelsAroundIcon(label_.size(), kNodeIcon);
}

QRectF NodeItem::boundingRect() const {
    const QRectF icon(-kNodeSize / 2.0 - 2, -kNodeSize / 2.0 - 2, kNodeSize + 4, kNodeSize + 4);
    return unitedWith(icon, labelCandidates());
}

QPainterPath NodeItem::shape() const {
    // The icon and the label as drawn: the places a label did not take are not the node's.
    QPainterPath path;
    path.addRect(QRectF(-kNodeSize / 2.0, -kNodeSize / 2.0, kNodeSize, kNodeSize));
    if (const QRectF l = shownLabel(label_, labelCandidates(), hovered_ || isSelected());
        !l.isNull())
        path.addRect(l);
    return path;
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget* widget) {
    const qreal dpr = widget ? widget->devicePixelRatioF() : 1.0;
    const QPixmap& icon = roleIcon(role_, kNodeSize, down_ ? NodeState::Down : NodeState::Idle,
                                   isSelected(), dpr, fill_);
    p->drawPixmap(QPointF(-kNodeSize / 2.0, -kNodeSize / 2.0), icon);
    if (ring_.isValid() && !down_) {
        p->setPen(QPen(ring_, 3.2));
        p->setBrush(Qt::NoBrush);
        p->drawEllipse(QPointF(0, 0), 0.38 * kNodeSize, 0.38 * kNodeSize);
    }
    drawBadges(p, badges_, QPointF(kNodeSize / 2.0 - 2, -kNodeSize / 2.0 + 3));
    // Where the canvas placed the label (it leaves it out while nodes are too close together on
    // screen to read it, or where it has no room).
    if (const QRectF l = shownLabel(label_, labelCandidates(), hovered_ || isSelected());
        !l.isNull())
        drawLabel(p, label_.text(), l, isSelected());
}

void NodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event) {
    hovered_ = true;
    update();
    QGraphicsItem::hoverEnterEvent(event);
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event) {
    hovered_ = false;
    update();
    QGraphicsItem::hoverLeaveEvent(event);
}

void NodeItem::setLook(bool down, const QColor& ring, const QColor& fill) {
    if (down == down_ && ring == ring_ && fill == fill_) return;
    down_ = down;
    ring_ = ring;
    fill_ = fill;
    update();
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged && scene()) {
        canvas_->rebuildLinks();
        canvas_->labelsChanged();
    }
    return QGraphicsItem::itemChange(change, value);
}

// --- GroupItem -------------------------------------------------------------------------------
GroupItem::GroupItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t count,
                     std::string pointer, bool expanded)
    : canvas_(canvas),
      role_(std::move(role)),
      id_(label),
      label_(QStringLiteral("%1  ×%2").arg(label).arg(count), false),
      count_(count),
      pointer_(std::move(pointer)),
      expanded_(expanded) {
    setFlag(ItemIgnoresTransformations);
    setFlag(ItemIsSelectable);
    setFlag(ItemIsMovable);
    setFlag(ItemSendsGeometryChanges);
    setData(kPointer, QString::fromStdString(pointer_));
    setData(kKind, static_cast<int>(ItemKind::Group));
    setZValue(9);
    setAcceptHoverEvents(true);
    tip_ = QObject::tr("%1: %2 × %3. Double-click to %4.")
               .arg(label)
               .arg(count_)
               .arg(role_.isEmpty() ? QObject::tr("nodes") : role_)
               .arg(expanded_ ? QObject::tr("collapse") : QObject::tr("expand"));
    setToolTip(tip_);
}

QRectF GroupItem::iconRect() const {
    // Collapsed: the stack of icons (drawn up and to the right) and the bar under it. Expanded:
    // the item marks the top of its members' disc, and its label is centred just under it.
    if (expanded_) return QRectF(-8, -18, 16, 8);
    return QRectF(-kGroupSize / 2.0 + 2, -kGroupSize / 2.0 - 6, kGroupSize + 4, kGroupSize + 6);
}

std::vector<QRectF> GroupItem::labelCandidates() const {
    return labelsAroundIcon(label_.size(), iconRect());
}

QRectF GroupItem::boundingRect() const {
    return unitedWith(iconRect().adjusted(-2, -2, 2, 2), labelCandidates());
}

QPainterPath GroupItem::shape() const {
    QPainterPath path;
    path.addRect(iconRect());
    if (const QRectF l = shownLabel(label_, labelCandidates(), hovered_ || isSelected());
        !l.isNull())
        path.addRect(l);
    return path;
}

void GroupItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget* widget) {
    const qreal dpr = widget ? widget->devicePixelRatioF() : 1.0;
    const bool sel = isSelected();
    if (!expanded_) {
        // A stack of three icons reads as "many of these".
        const QPixmap& icon = roleIcon(role_, kGroupSize - 8, NodeState::Idle, false, dpr, fill_);
        for (int i = 2; i >= 1; --i)
            p->drawPixmap(QPointF(-(kGroupSize - 8) / 2.0 + 4 * i, -(kGroupSize - 8) / 2.0 - 4 * i),
                          icon);
        p->drawPixmap(QPointF(-(kGroupSize - 8) / 2.0, -(kGroupSize - 8) / 2.0),
                      roleIcon(role_, kGroupSize - 8, NodeState::Idle, sel, dpr, fill_));
        // The members' rings (busy, down, a layer's states) as shares of a bar under the icon.
        const QRectF bar(-18, kGroupSize / 2.0 - 5, 36, 4);
        if (!rings_.empty()) {
            p->setPen(Qt::NoPen);
            p->setBrush(QColor(128, 128, 128, 80));
            p->drawRect(bar);
            double x = bar.left();
            for (const auto& [colour, f] : rings_) {
                p->setBrush(colour);
                p->drawRect(QRectF(x, bar.top(), bar.width() * f, bar.height()));
                x += bar.width() * f;
            }
        }
        drawBadges(p, badges_, QPointF(kGroupSize / 2.0, -kGroupSize / 2.0));
    }
    if (const QRectF l = shownLabel(label_, labelCandidates(), hovered_ || sel); !l.isNull())
        drawLabel(p, label_.text(), l, sel);
}

void GroupItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event) {
    hovered_ = true;
    update();
    QGraphicsItem::hoverEnterEvent(event);
}

void GroupItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event) {
    hovered_ = false;
    update();
    QGraphicsItem::hoverLeaveEvent(event);
}

void GroupItem::setRings(std::vector<std::pair<QColor, double>> shares) {
    if (shares == rings_) return;
    rings_ = std::move(shares);
    update();
}

void GroupItem::setFill(const QColor& fill, const QString& spread) {
    if (fill == fill_ && spread == spread_) return;
    fill_ = fill;
    spread_ = spread;
    setToolTip(spread_.isEmpty() ? tip_ : tip_ + "\n" + spread_);
    update();
}

QVariant GroupItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged && scene()) {
        canvas_->rebuildLinks();
        canvas_->labelsChanged();
    }
    return QGraphicsItem::itemChange(change, value);
}

// --- MemberCloudItem -------------------------------------------------------------------------
MemberCloudItem::MemberCloudItem(QColor color, std::vector<QPointF> points, std::uint32_t firstNode)
    : color_(color), points_(std::move(points)), first_(firstNode) {
    // Every member's point (a rectangle of no size is null: united, it would be dropped).
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    for (std::size_t i = 0; i < points_.size(); ++i) {
        const QPointF& pt = points_[i];
        x0 = i == 0 ? pt.x() : std::min(x0, pt.x());
        y0 = i == 0 ? pt.y() : std::min(y0, pt.y());
        x1 = i == 0 ? pt.x() : std::max(x1, pt.x());
        y1 = i == 0 ? pt.y() : std::max(y1, pt.y());
    }
    bounds_ = QRectF(QPointF(x0, y0), QPointF(x1, y1)).adjusted(-1, -1, 1, 1);
    setZValue(5);
    // Painting thousands of dots once per zoom level, then blitting, keeps frames cheap.
    setCacheMode(DeviceCoordinateCache);
}

void MemberCloudItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    // Dots of a fixed size on screen: a cosmetic pen's width is in device pixels.
    const double scale = deviceScale(p);
    const double px = scale > 0 ? 1.0 / scale : 1.0;
    QPen pen(color_, 4.5, Qt::SolidLine, Qt::SquareCap);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->drawPoints(points_.data(), static_cast<int>(points_.size()));
    if (highlighted_ >= 0 && highlighted_ < static_cast<int>(points_.size())) {
        QPen ring(QApplication::palette().color(QPalette::Highlight), 2.5);
        ring.setCosmetic(true);
        p->setPen(ring);
        p->setBrush(Qt::NoBrush);
        p->drawEllipse(points_[static_cast<std::size_t>(highlighted_)], 7 * px, 7 * px);
    }
}

int MemberCloudItem::memberAt(const QPointF& scenePos, double radius) const {
    int best = -1;
    double bestD = radius * radius;
    for (std::size_t i = 0; i < points_.size(); ++i) {
        const QPointF d = points_[i] - scenePos;
        const double dd = d.x() * d.x() + d.y() * d.y();
        if (dd <= bestD) {
            bestD = dd;
            best = static_cast<int>(i);
        }
    }
    return best;
}

// --- LinkItem --------------------------------------------------------------------------------
LinkItem::LinkItem(const QLineF& line, std::string pointer)
    : QGraphicsLineItem(line), pointer_(std::move(pointer)) {
    setFlag(ItemIsSelectable);
    setData(kPointer, QString::fromStdString(pointer_));
    setData(kKind, static_cast<int>(ItemKind::Link));
    QPen pen(QColor(110, 120, 135), 1.6);
    pen.setCosmetic(true);
    setPen(pen);
    setZValue(3);
}

void LinkItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    QPen pen = this->pen();
    if (isSelected()) {
        pen.setColor(QApplication::palette().color(QPalette::Highlight));
        pen.setWidthF(3.5);
    }
    p->setPen(pen);
    p->drawLine(line());
}

// --- LinkTileItem ----------------------------------------------------------------------------
LinkTileItem::LinkTileItem(std::vector<QLineF> lines, std::vector<QLineF> bundles)
    : lines_(std::move(lines)), bundles_(std::move(bundles)) {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    for (const auto* set : {&lines_, &bundles_})
        for (const QLineF& l : *set) {
            x0 = std::min({x0, l.x1(), l.x2()});
            y0 = std::min({y0, l.y1(), l.y2()});
            x1 = std::max({x1, l.x1(), l.x2()});
            y1 = std::max({y1, l.y1(), l.y2()});
        }
    bounds_ = x0 <= x1 ? QRectF(QPointF(x0, y0), QPointF(x1, y1)).adjusted(-1, -1, 1, 1) : QRectF();
    setZValue(2);
    setCacheMode(DeviceCoordinateCache);
}

void LinkTileItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    QColor c = QApplication::palette().color(QPalette::Text);
    c.setAlpha(60);
    QPen pen(c, 0);
    p->setPen(pen);
    p->drawLines(lines_.data(), static_cast<int>(lines_.size()));
    c.setAlpha(130);
    QPen thick(c, 3);
    thick.setCosmetic(true);
    p->setPen(thick);
    p->drawLines(bundles_.data(), static_cast<int>(bundles_.size()));
}

// --- RegionItem ------------------------------------------------------------------------------
RegionItem::RegionItem(const QPointF& centre, double radius, QString label, std::string pointer)
    : radius_(std::max(radius, 1e-9)),
      label_(std::move(label), true),
      pointer_(std::move(pointer)) {
    setPos(centre);
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setData(kPointer, QString::fromStdString(pointer_));
    setData(kKind, static_cast<int>(ItemKind::Region));
    setZValue(0);
}

std::vector<QRectF> RegionItem::labelCandidates(double scale) const {
    return labelsAroundDisc(label_.size(), 2 * radius_ * scale);
}

void RegionItem::setLabelScale(double scale) {
    if (scale == labelScale_ || !(scale > 0)) return;
    prepareGeometryChange();
    labelScale_ = scale;
}

QRectF RegionItem::boundingRect() const {
    QRectF r = QRectF(-radius_, -radius_, 2 * radius_, 2 * radius_).adjusted(-2, -2, 2, 2);
    if (labelScale_ > 0)
        for (const QRectF& l : labelCandidates(labelScale_))
            r |= QRectF(l.x() / labelScale_, l.y() / labelScale_ - radius_, l.width() / labelScale_,
                        l.height() / labelScale_);
    return r;
}

QPainterPath RegionItem::shape() const {
    QPainterPath path;
    path.addRect(QRectF(-radius_, -radius_, 2 * radius_, 2 * radius_).adjusted(-2, -2, 2, 2));
    return path;
}

void RegionItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event) {
    hovered_ = true;
    update();
    QGraphicsItem::hoverEnterEvent(event);
}

void RegionItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event) {
    hovered_ = false;
    update();
    QGraphicsItem::hoverLeaveEvent(event);
}

void RegionItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    QColor accent = QApplication::palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(isSelected() ? 45 : 18);
    accent.setAlpha(isSelected() ? 220 : 110);
    QPen pen(accent, isSelected() ? 2 : 1.2, Qt::DashLine);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->setBrush(fill);
    p->drawEllipse(QPointF(0, 0), radius_, radius_);
    // The name where the canvas placed it around the disc, at a fixed size on screen.
    const double scale = deviceScale(p);
    if (scale <= 0) return;
    const QRectF l = shownLabel(label_, labelCandidates(scale), hovered_ || isSelected());
    if (l.isNull()) return;
    p->save();
    p->translate(0, -radius_);
    p->scale(1 / scale, 1 / scale);
    p->setFont(labelFont(true));
    p->setPen(accent.darker(110));
    p->drawText(l, Qt::AlignCenter, label_.text());
    p->restore();
}

// --- NodeMarkItem ----------------------------------------------------------------------------
QColor NodeMarkItem::colour() {
    return QColor(0xe0, 0x31, 0x31);
}

NodeMarkItem::NodeMarkItem(std::uint32_t node, double radius, QString name, QPointF outward,
                           QString why)
    : node_(node), radius_(radius), label_(std::move(name), false) {
    setFlag(ItemIgnoresTransformations);
    setAcceptedMouseButtons(Qt::NoButton);
    setData(kNodeIndex, node);
    setData(kKind, static_cast<int>(ItemKind::Mark));
    setZValue(21);  // over the run's activity: what is marked is what to look at
    setToolTip(why);
    if (label_.text().isEmpty()) return;
    // Eight sides of the halo, the one `outward` points to first (out of a group's disc, where
    // the other members are not), then the nearest ones; touching the halo, then one and two
    // lines further out.
    const double length = std::hypot(outward.x(), outward.y());
    const double toward = length > 0 ? std::atan2(outward.y(), outward.x()) : 0;
    std::vector<std::pair<double, QPointF>> sides;
    for (int k = 0; k < 8; ++k) {
        const double angle = k * std::numbers::pi / 4;
        const double off = std::remainder(angle - toward, 2 * std::numbers::pi);
        sides.emplace_back(std::abs(off), QPointF(std::cos(angle), std::sin(angle)));
    }
    std::stable_sort(sides.begin(), sides.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const QSizeF size = label_.size();
    for (int tier = 0; tier < 3; ++tier)
        for (const auto& [off, u] : sides) {
            const QPointF at = u * (radius_ + 3 + tier * (size.height() + 2));
            // The label's side or corner nearest the halo at `at`.
            const double x = u.x() > 0.3    ? at.x()
                             : u.x() < -0.3 ? at.x() - size.width()
                                            : at.x() - size.width() / 2;
            const double y = u.y() > 0.3    ? at.y()
                             : u.y() < -0.3 ? at.y() - size.height()
                                            : at.y() - size.height() / 2;
            candidates_.emplace_back(x, y, size.width(), size.height());
            leaders_.push_back(tier == 0 ? QLineF() : QLineF(u * (radius_ + 1), at));
        }
}

QRectF NodeMarkItem::halo() const {
    const double r = radius_ + 3;
    return QRectF(-r, -r, 2 * r, 2 * r);
}

QRectF NodeMarkItem::boundingRect() const {
    return unitedWith(halo().adjusted(-1, -1, 1, 1), candidates_);
}

QPainterPath NodeMarkItem::shape() const {
    QPainterPath path;  // odd-even: the ring between the two circles
    path.addEllipse(QPointF(0, 0), radius_ + 3, radius_ + 3);
    path.addEllipse(QPointF(0, 0), std::max(radius_ - 3, 0.0), std::max(radius_ - 3, 0.0));
    if (!label_.placed().isNull()) path.addRect(label_.placed());
    return path;
}

void NodeMarkItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    p->setRenderHint(QPainter::Antialiasing);
    const QPalette pal = QApplication::palette();
    // A pale ring under the dashes keeps them apart from links and dots, on light and dark.
    QColor under = pal.color(QPalette::Base);
    under.setAlpha(200);
    p->setBrush(Qt::NoBrush);
    p->setPen(QPen(under, 5));
    p->drawEllipse(QPointF(0, 0), radius_, radius_);
    QPen dashes(colour(), 2.5, Qt::CustomDashLine, Qt::FlatCap);
    dashes.setDashPattern({2.2, 1.4});
    p->setPen(dashes);
    QColor tint = colour();
    tint.setAlpha(28);
    p->setBrush(tint);
    p->drawEllipse(QPointF(0, 0), radius_, radius_);
    const QRectF l = label_.placed();
    if (l.isNull()) return;
    for (std::size_t c = 0; c < candidates_.size(); ++c)
        if (candidates_[c] == l && !leaders_[c].isNull()) {
            p->setPen(QPen(colour(), 1));
            p->drawLine(leaders_[c]);
        }
    QColor plate = pal.color(QPalette::Base);
    plate.setAlpha(235);
    p->setPen(QPen(colour(), 1));
    p->setBrush(plate);
    p->drawRoundedRect(l.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
    p->setFont(labelFont(false));
    p->setPen(colour().darker(125));
    p->drawText(l, Qt::AlignCenter, label_.text());
}

// --- ActivityOverlay -------------------------------------------------------------------------
void ActivityOverlay::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    // Rings as larger dots, under the members' own dots (their fill, or their role's colour).
    for (const Points& r : rings) {
        QPen pen(r.colour, 8, Qt::SolidLine, Qt::SquareCap);
        pen.setCosmetic(true);
        p->setPen(pen);
        p->drawPoints(r.at.data(), static_cast<int>(r.at.size()));
    }
    for (const Points& f : fills) {
        QPen pen(f.colour, 4.5, Qt::SolidLine, Qt::SquareCap);
        pen.setCosmetic(true);
        p->setPen(pen);
        p->drawPoints(f.at.data(), static_cast<int>(f.at.size()));
    }
    if (dots.empty()) return;
    std::vector<QPointF> at;
    at.reserve(dots.size());
    for (const Dot& d : dots) {
        if (d.start > now || d.arrive < now) continue;
        const double f = d.arrive > d.start ? (now - d.start) / (d.arrive - d.start) : 1.0;
        at.push_back(d.from + (d.to - d.from) * f);
    }
    QPen halo(QColor(255, 255, 255, 200), 7, Qt::SolidLine, Qt::RoundCap);
    halo.setCosmetic(true);
    p->setPen(halo);
    p->drawPoints(at.data(), static_cast<int>(at.size()));
    QPen pen(QColor(0xff, 0x7a, 0x00), 4.5, Qt::SolidLine, Qt::RoundCap);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->drawPoints(at.data(), static_cast<int>(at.size()));
}

}  // namespace dais::studio
