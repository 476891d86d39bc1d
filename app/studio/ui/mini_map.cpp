#include "ui/mini_map.h"

#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "ui/canvas_items.h"
#include "ui/network_canvas.h"
#include "ui/network_view.h"
#include "ui/role_icons.h"

namespace dais::studio {

MiniMap::MiniMap(NetworkCanvas* canvas, QWidget* parent) : QWidget(parent), canvas_(canvas) {
    setObjectName("miniMap");
    setMouseTracking(true);  // the cursor tells the handle from the map
    setCursor(Qt::PointingHandCursor);
    setToolTip(
        tr("Overview: click or drag to move the view. Drag the top strip to move the overview to "
           "another corner; its × hides it (View ▸ Mini-map shows it again)."));
    resize(kMaxWidth, kMaxWidth * 2 / 3);
}

QRect MiniMap::handleRect() const {
    return QRect(0, 0, width(), kHandleHeight);
}

QRect MiniMap::hideButtonRect() const {
    return QRect(width() - kHandleHeight - 2, 0, kHandleHeight, kHandleHeight);
}

QRect MiniMap::mapRect() const {
    return QRect(1, kHandleHeight, width() - 2, height() - kHandleHeight - 1);
}

void MiniMap::place() {
    const QWidget* area = parentWidget();
    if (!area) return;
    const double share =
        std::min(area->width() * kCanvasShare, area->height() * kCanvasShare * 3 / 2);
    const int w = std::clamp(static_cast<int>(share), kMinWidth, kMaxWidth);
    const int h = w * 2 / 3;
    if (size() != QSize(w, h)) resize(w, h);
    const bool left = corner_ == Qt::TopLeftCorner || corner_ == Qt::BottomLeftCorner;
    const bool top = corner_ == Qt::TopLeftCorner || corner_ == Qt::TopRightCorner;
    move(left ? kMargin : area->width() - w - kMargin,
         top ? kMargin : area->height() - h - kMargin);
    raise();
}

void MiniMap::setCorner(Qt::Corner corner) {
    corner_ = corner;
    place();
}

Qt::Corner MiniMap::nearestCorner() const {
    const QWidget* area = parentWidget();
    if (!area) return corner_;
    const QPoint c = geometry().center();
    const bool left = c.x() < area->width() / 2, top = c.y() < area->height() / 2;
    return top ? (left ? Qt::TopLeftCorner : Qt::TopRightCorner)
               : (left ? Qt::BottomLeftCorner : Qt::BottomRightCorner);
}

void MiniMap::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    refresh();
}

void MiniMap::refresh() {
    QGraphicsScene* scene = canvas_->scene();
    if (!scene) return;
    const QRectF r = canvas_->contentBounds();
    const QRect area = mapRect();
    pixmap_ = QPixmap(area.size() * devicePixelRatioF());
    pixmap_.setDevicePixelRatio(devicePixelRatioF());
    pixmap_.fill(Qt::transparent);
    sceneRect_ = r.isEmpty() ? QRectF(-1, -1, 2, 2)
                             : r.adjusted(-r.width() * 0.05, -r.height() * 0.05, r.width() * 0.05,
                                          r.height() * 0.05);
    // A sketch of the network rather than the scene shrunk: icons and labels keep their size on
    // screen, so at this scale they would cover everything. Regions are discs, links lines,
    // nodes and groups dots of their role's colour, members of expanded groups specks.
    const QTransform t = toWidget() * QTransform::fromTranslate(-area.left(), -area.top());
    const double s = t.m11();
    QPainter p(&pixmap_);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette().color(QPalette::Highlight);
    QColor ink = palette().color(QPalette::Text);
    ink.setAlpha(90);
    std::vector<std::pair<QPointF, QColor>> dots;
    std::vector<QPointF> marks;
    for (QGraphicsItem* item : scene->items(Qt::AscendingOrder)) {
        if (const auto* cloud = dynamic_cast<const MemberCloudItem*>(item)) {
            QColor c = cloud->color();
            c.setAlpha(150);
            p.setPen(QPen(c, 1.5));
            for (const QPointF& pt : cloud->points())
                p.drawPoint(t.map(pt));
            continue;
        }
        switch (static_cast<ItemKind>(item->data(kKind).toInt())) {
            case ItemKind::Region: {
                const auto* region = static_cast<const RegionItem*>(item);
                QColor fill = accent;
                fill.setAlpha(30);
                QColor edge = accent;
                edge.setAlpha(120);
                p.setPen(QPen(edge, 1));
                p.setBrush(fill);
                const double radius = std::max(region->radius() * s, 2.0);
                p.drawEllipse(t.map(region->pos()), radius, radius);
                break;
            }
            case ItemKind::Link:
                p.setPen(QPen(ink, 1));
                p.drawLine(t.map(static_cast<const LinkItem*>(item)->line()));
                break;
            case ItemKind::Node:
                dots.emplace_back(t.map(item->pos()),
                                  roleColor(static_cast<const NodeItem*>(item)->role()));
                break;
            case ItemKind::Group:
                if (!static_cast<const GroupItem*>(item)->expanded())
                    dots.emplace_back(t.map(item->pos()),
                                      roleColor(static_cast<const GroupItem*>(item)->role()));
                break;
            case ItemKind::Mark:
                marks.push_back(t.map(item->scenePos()));
                break;
        }
    }
    // Dots last, over the discs and lines, and the marked nodes' rings over them.
    for (const auto& [at, color] : dots) {
        p.setPen(QPen(color.darker(130), 1));
        p.setBrush(color);
        p.drawEllipse(at, 2.5, 2.5);
    }
    p.setPen(QPen(NodeMarkItem::colour(), 1.5));
    p.setBrush(Qt::NoBrush);
    for (const QPointF& at : marks)
        p.drawEllipse(at, 4.5, 4.5);
    update();
}

void MiniMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const QRectF frame = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    // A see-through inset with a clear frame: the canvas shows under it.
    QColor bg = pal.color(QPalette::Base);
    bg.setAlpha(190);
    QColor border = pal.color(QPalette::Text);
    border.setAlpha(140);
    p.setPen(QPen(border, 1));
    p.setBrush(bg);
    p.drawRoundedRect(frame, 4, 4);
    // The handle: a strip with a grip in its middle and a × at its right.
    QColor strip = pal.color(QPalette::Mid);
    strip.setAlpha(170);
    p.save();
    p.setClipRect(handleRect());
    p.setPen(Qt::NoPen);
    p.setBrush(strip);
    p.drawRoundedRect(frame, 4, 4);
    p.restore();
    const QColor ink = pal.color(QPalette::Text);
    p.setPen(Qt::NoPen);
    p.setBrush(ink);
    for (int i = -2; i <= 2; ++i)
        p.drawEllipse(QPointF(width() / 2.0 + i * 5, kHandleHeight / 2.0), 1.1, 1.1);
    const QRectF x = QRectF(hideButtonRect()).adjusted(3.5, 3.5, -3.5, -3.5);
    p.setPen(QPen(ink, 1.3));
    p.drawLine(x.topLeft(), x.bottomRight());
    p.drawLine(x.topRight(), x.bottomLeft());

    const QRect area = mapRect();
    p.setOpacity(0.9);
    p.drawPixmap(area.topLeft(), pixmap_);
    p.setOpacity(1);
    // The part of the scene in view.
    const QRectF visible =
        canvas_->view()->mapToScene(canvas_->view()->viewport()->rect()).boundingRect();
    const QTransform t = toWidget();
    p.setPen(QPen(pal.color(QPalette::Highlight), 1.5));
    QColor fill = pal.color(QPalette::Highlight);
    fill.setAlpha(40);
    p.setBrush(fill);
    p.drawRect(t.mapRect(visible).intersected(QRectF(area).adjusted(1, 1, -1, -1)));
}

void MiniMap::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    const QPoint at = e->position().toPoint();
    if (hideButtonRect().contains(at)) {
        emit hideRequested();
        return;
    }
    if (handleRect().contains(at)) {
        dragOffset_ = at;
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    panning_ = true;
    centreOn(e->position());
}

void MiniMap::mouseMoveEvent(QMouseEvent* e) {
    const QPoint at = e->position().toPoint();
    if (dragOffset_) {
        const QWidget* area = parentWidget();
        QPoint topLeft = mapToParent(at) - *dragOffset_;
        if (area) {
            topLeft.setX(std::clamp(topLeft.x(), 0, std::max(0, area->width() - width())));
            topLeft.setY(std::clamp(topLeft.y(), 0, std::max(0, area->height() - height())));
        }
        move(topLeft);
        return;
    }
    if (panning_ && (e->buttons() & Qt::LeftButton)) {
        centreOn(e->position());
        return;
    }
    setCursor(hideButtonRect().contains(at) ? Qt::ArrowCursor
              : handleRect().contains(at)   ? Qt::OpenHandCursor
                                            : Qt::PointingHandCursor);
}

void MiniMap::mouseReleaseEvent(QMouseEvent* e) {
    panning_ = false;
    if (!dragOffset_ || e->button() != Qt::LeftButton) return;
    dragOffset_.reset();
    setCursor(Qt::OpenHandCursor);
    const Qt::Corner dropped = nearestCorner();
    const bool moved = dropped != corner_;
    setCorner(dropped);
    if (moved) emit cornerChanged(dropped);
}

QTransform MiniMap::toWidget() const {
    const QRect area = mapRect();
    const double s =
        std::min(area.width() / sceneRect_.width(), area.height() / sceneRect_.height());
    const double ox = area.left() + (area.width() - sceneRect_.width() * s) / 2,
                 oy = area.top() + (area.height() - sceneRect_.height() * s) / 2;
    return QTransform(s, 0, 0, s, ox - sceneRect_.left() * s, oy - sceneRect_.top() * s);
}

void MiniMap::centreOn(const QPointF& p) {
    canvas_->view()->centerOn(toWidget().inverted().map(p));
    update();
}

}  // namespace dais::studio
