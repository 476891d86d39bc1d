#include "ui/canvas_items.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

#include <cmath>

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

void drawLabel(QPainter* p, const QString& text, const QPointF& topCentre, bool selected) {
    const QFontMetricsF fm(p->font());
    const double w = fm.horizontalAdvance(text) + 8, h = fm.height() + 2;
    const QRectF r(topCentre.x() - w / 2, topCentre.y(), w, h);
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

}  // namespace

// --- NodeItem --------------------------------------------------------------------------------
NodeItem::NodeItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t node,
                   std::string pointer, bool movable)
    : canvas_(canvas),
      role_(std::move(role)),
      label_(std::move(label)),
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
    setToolTip(role_.isEmpty() ? label_ : QStringLiteral("%1 (%2)").arg(label_, role_));
}

QRectF NodeItem::boundingRect() const {
    return QRectF(-60, -kNodeSize / 2.0 - 2, 120, kNodeSize + 22);
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget* widget) {
    const qreal dpr = widget ? widget->devicePixelRatioF() : 1.0;
    const QPixmap& icon = roleIcon(role_, kNodeSize, state_, isSelected(), dpr);
    p->drawPixmap(QPointF(-kNodeSize / 2.0, -kNodeSize / 2.0), icon);
    drawBadges(p, badges_, QPointF(kNodeSize / 2.0 - 2, -kNodeSize / 2.0 + 3));
    // The label only when nodes are far enough apart on screen to read it.
    if (isSelected() || canvas_->view()->transform().m11() * canvas_->unit() > 70)
        drawLabel(p, label_, QPointF(0, kNodeSize / 2.0 - 2), isSelected());
}

void NodeItem::setState(NodeState s) {
    if (s == state_) return;
    state_ = s;
    update();
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged && scene()) canvas_->rebuildLinks();
    return QGraphicsItem::itemChange(change, value);
}

// --- GroupItem -------------------------------------------------------------------------------
GroupItem::GroupItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t count,
                     std::string pointer, bool expanded)
    : canvas_(canvas),
      role_(std::move(role)),
      label_(std::move(label)),
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
    setToolTip(QObject::tr("%1: %2 × %3. Double-click to %4.")
                   .arg(label_)
                   .arg(count_)
                   .arg(role_.isEmpty() ? QObject::tr("nodes") : role_)
                   .arg(expanded_ ? QObject::tr("collapse") : QObject::tr("expand")));
}

QRectF GroupItem::boundingRect() const {
    return QRectF(-70, -kGroupSize / 2.0 - 6, 140, kGroupSize + 34);
}

void GroupItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget* widget) {
    const qreal dpr = widget ? widget->devicePixelRatioF() : 1.0;
    const bool sel = isSelected();
    if (!expanded_) {
        // A stack of three icons reads as "many of these".
        const QPixmap& icon = roleIcon(role_, kGroupSize - 8, NodeState::Idle, false, dpr);
        for (int i = 2; i >= 1; --i)
            p->drawPixmap(QPointF(-(kGroupSize - 8) / 2.0 + 4 * i, -(kGroupSize - 8) / 2.0 - 4 * i),
                          icon);
        p->drawPixmap(QPointF(-(kGroupSize - 8) / 2.0, -(kGroupSize - 8) / 2.0),
                      roleIcon(role_, kGroupSize - 8, NodeState::Idle, sel, dpr));
        // Busy and down members as a bar under the icon.
        const QRectF bar(-18, kGroupSize / 2.0 - 5, 36, 4);
        if (working_ + waiting_ + down_ > 0) {
            p->setPen(Qt::NoPen);
            p->setBrush(QColor(128, 128, 128, 80));
            p->drawRect(bar);
            double x = bar.left();
            for (const auto& [f, s] :
                 {std::pair{working_, NodeState::Working}, std::pair{waiting_, NodeState::Waiting},
                  std::pair{down_, NodeState::Down}}) {
                p->setBrush(stateColor(s));
                p->drawRect(QRectF(x, bar.top(), bar.width() * f, bar.height()));
                x += bar.width() * f;
            }
        }
        drawBadges(p, badges_, QPointF(kGroupSize / 2.0, -kGroupSize / 2.0));
    }
    const QString text = QStringLiteral("%1  ×%2").arg(label_).arg(count_);
    drawLabel(p, text, QPointF(0, expanded_ ? -10 : kGroupSize / 2.0), sel);
}

void GroupItem::setStates(double working, double waiting, double down) {
    if (working == working_ && waiting == waiting_ && down == down_) return;
    working_ = working;
    waiting_ = waiting;
    down_ = down;
    update();
}

QVariant GroupItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged && scene()) canvas_->rebuildLinks();
    return QGraphicsItem::itemChange(change, value);
}

// --- MemberCloudItem -------------------------------------------------------------------------
MemberCloudItem::MemberCloudItem(QColor color, std::vector<QPointF> points, std::uint32_t firstNode)
    : color_(color), points_(std::move(points)), first_(firstNode) {
    QRectF b;
    for (const QPointF& pt : points_)
        b = b.isNull() ? QRectF(pt, QSizeF(0, 0)) : b.united(QRectF(pt, QSizeF(0, 0)));
    bounds_ = b.adjusted(-1, -1, 1, 1);
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
    : radius_(std::max(radius, 1e-9)), label_(std::move(label)), pointer_(std::move(pointer)) {
    setPos(centre);
    setFlag(ItemIsSelectable);
    setData(kPointer, QString::fromStdString(pointer_));
    setData(kKind, static_cast<int>(ItemKind::Region));
    setZValue(0);
}

QRectF RegionItem::boundingRect() const {
    return QRectF(-radius_, -radius_, 2 * radius_, 2 * radius_).adjusted(-2, -2, 2, 2);
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
    // The name at the top of the disc, at a fixed size on screen.
    const double scale = deviceScale(p);
    if (scale <= 0) return;
    p->save();
    p->translate(0, -radius_);
    p->scale(1 / scale, 1 / scale);
    QFont f = p->font();
    f.setBold(true);
    p->setFont(f);
    p->setPen(accent.darker(110));
    p->drawText(QRectF(-150, -22, 300, 20), Qt::AlignHCenter | Qt::AlignBottom, label_);
    p->restore();
}

// --- ActivityOverlay -------------------------------------------------------------------------
void ActivityOverlay::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    const NodeState states[3] = {NodeState::Working, NodeState::Waiting, NodeState::Down};
    for (int s = 0; s < 3; ++s) {
        if (active[s].empty()) continue;
        QPen pen(stateColor(states[s]), 5.5, Qt::SolidLine, Qt::SquareCap);
        pen.setCosmetic(true);
        p->setPen(pen);
        p->drawPoints(active[s].data(), static_cast<int>(active[s].size()));
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
