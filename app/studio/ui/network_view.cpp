#include "ui/network_view.h"

#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QKeyEvent>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <cmath>

#include "ui/canvas_items.h"
#include "ui/mini_map.h"
#include "ui/network_canvas.h"
#include "ui/role_palette.h"

namespace dais::studio {

NetworkView::NetworkView(QGraphicsScene* scene, NetworkCanvas* canvas)
    : QGraphicsView(scene, canvas), canvas_(canvas) {
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
}

void NetworkView::wheelEvent(QWheelEvent* event) {
    const double factor = std::pow(1.0015, event->angleDelta().y());
    const double scaleNow = transform().m11();
    if (scaleNow * factor > 1e6 || scaleNow * factor < 1e-7) return;
    scale(factor, factor);
    canvas_->fitting_ = false;
    canvas_->miniMap_->update();
}

void NetworkView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_)) {
        panning_ = true;
        canvas_->fitting_ = false;
        panFrom_ = event->pos();
        viewport()->setCursor(Qt::ClosedHandCursor);
        return;
    }
    const QPointF scenePos = mapToScene(event->pos());
    if (event->button() == Qt::LeftButton) {
        switch (canvas_->tool_) {
            case NetworkCanvas::Tool::Place:
                canvas_->placeAt(scenePos, canvas_->placeRole_, canvas_->placeGroup_);
                if (!(event->modifiers() & Qt::ShiftModifier))
                    canvas_->setTool(NetworkCanvas::Tool::Select);
                return;
            case NetworkCanvas::Tool::Connect:
                connectFrom_ = canvas_->pointerAt(scenePos);
                connectStart_ = connectEnd_ = scenePos;
                return;
            case NetworkCanvas::Tool::Select:
                break;
        }
        // A member of an expanded group, or a link, under the pointer?
        // Marks are no targets (what they mark is), nor are regions.
        const QGraphicsItem* under = nullptr;
        for (const QGraphicsItem* item : items(event->pos()))
            if (static_cast<ItemKind>(item->data(kKind).toInt()) != ItemKind::Mark) {
                under = item;
                break;
            }
        if ((!under || static_cast<ItemKind>(under->data(kKind).toInt()) == ItemKind::Region) &&
            pickMemberOrLink(scenePos, event->modifiers()))
            return;
    }
    QGraphicsView::mousePressEvent(event);
    pressedSelection_.clear();
    pressedPositions_.clear();
    for (QGraphicsItem* item : scene()->selectedItems())
        if (item->flags() & QGraphicsItem::ItemIsMovable) {
            pressedSelection_.push_back(item);
            pressedPositions_.push_back(item->pos());
        }
}

bool NetworkView::pickMemberOrLink(const QPointF& scenePos, Qt::KeyboardModifiers modifiers) {
    const double radius = 6 / transform().m11();
    for (MemberCloudItem* c : canvas_->clouds_) {
        if (!c) continue;
        const int m = c->memberAt(scenePos, radius);
        if (m >= 0) {
            scene()->clearSelection();
            canvas_->highlightMember(c->firstNode() + static_cast<std::uint32_t>(m));
            canvas_->updateSelection();
            return true;
        }
    }
    for (LinkItem* l : canvas_->linkItems_) {
        const QLineF line = l->line();
        const QPointF d = line.p2() - line.p1();
        const double len2 = d.x() * d.x() + d.y() * d.y();
        const double t =
            len2 > 0 ? std::clamp(QPointF::dotProduct(scenePos - line.p1(), d) / len2, 0.0, 1.0)
                     : 0;
        const QPointF q = line.p1() + d * t - scenePos;
        if (std::hypot(q.x(), q.y()) <= radius) {
            if (!(modifiers & Qt::ControlModifier)) scene()->clearSelection();
            l->setSelected(true);
            return true;
        }
    }
    canvas_->highlightMember(NetworkStructure::kNone);
    return false;
}

void NetworkView::mouseMoveEvent(QMouseEvent* event) {
    if (panning_) {
        const QPoint d = event->pos() - panFrom_;
        panFrom_ = event->pos();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        return;
    }
    if (canvas_->tool_ == NetworkCanvas::Tool::Connect && !connectFrom_.empty()) {
        connectEnd_ = mapToScene(event->pos());
        viewport()->update();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void NetworkView::mouseReleaseEvent(QMouseEvent* event) {
    if (panning_) {
        panning_ = false;
        viewport()->setCursor(spaceHeld_ ? Qt::OpenHandCursor : Qt::ArrowCursor);
        canvas_->miniMap_->update();
        return;
    }
    if (canvas_->tool_ == NetworkCanvas::Tool::Connect) {
        const std::string to = canvas_->pointerAt(mapToScene(event->pos()));
        const std::string from = connectFrom_;
        connectFrom_.clear();
        viewport()->update();
        canvas_->connectItems(from, to);
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
    // One undoable move for the whole drag.
    std::vector<QGraphicsItem*> moved;
    for (std::size_t i = 0; i < pressedSelection_.size(); ++i)
        if (pressedSelection_[i]->scene() && pressedSelection_[i]->pos() != pressedPositions_[i])
            moved.push_back(pressedSelection_[i]);
    pressedSelection_.clear();
    pressedPositions_.clear();
    if (!moved.empty()) canvas_->itemsMoved(moved);
}

void NetworkView::mouseDoubleClickEvent(QMouseEvent* event) {
    QGraphicsItem* item = itemAt(event->pos());
    if (item && static_cast<ItemKind>(item->data(kKind).toInt()) == ItemKind::Group) {
        const auto* g = static_cast<GroupItem*>(item);
        const std::string id = g->id().toStdString();
        canvas_->setGroupExpanded(id, !canvas_->groupExpanded(id));
        return;
    }
    if (!item) {
        canvas_->fitAll();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void NetworkView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
        case Qt::Key_Escape:
            canvas_->setTool(NetworkCanvas::Tool::Select);
            scene()->clearSelection();
            canvas_->highlightMember(NetworkStructure::kNone);
            canvas_->updateSelection();
            return;
        case Qt::Key_Delete:
        case Qt::Key_Backspace:
            canvas_->deleteSelection();
            return;
        case Qt::Key_Space:
            if (!event->isAutoRepeat()) {
                spaceHeld_ = true;
                viewport()->setCursor(Qt::OpenHandCursor);
            }
            return;
        default:
            break;
    }
    QGraphicsView::keyPressEvent(event);
}

void NetworkView::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = false;
        viewport()->setCursor(canvas_->tool_ == NetworkCanvas::Tool::Select ? Qt::ArrowCursor
                                                                            : Qt::CrossCursor);
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void NetworkView::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasFormat(kRoleMimeType)) event->acceptProposedAction();
}

void NetworkView::dragMoveEvent(QDragMoveEvent* event) {
    if (event->mimeData()->hasFormat(kRoleMimeType)) event->acceptProposedAction();
}

void NetworkView::dropEvent(QDropEvent* event) {
    if (!event->mimeData()->hasFormat(kRoleMimeType)) return;
    QString role = QString::fromUtf8(event->mimeData()->data(kRoleMimeType));
    const bool group = role.startsWith("group:");
    if (group) role = role.mid(6);
    canvas_->placeAt(mapToScene(event->position().toPoint()), role, group);
    event->acceptProposedAction();
}

void NetworkView::paintEvent(QPaintEvent* event) {
    QElapsedTimer t;
    t.start();
    // Labels are placed for the scale they are drawn at, before any item paints.
    canvas_->placeLabelsIfNeeded();
    QGraphicsView::paintEvent(event);
    if (frameTimes_.size() < 100000) frameTimes_.push_back(t.nsecsElapsed() / 1e6);
}

void NetworkView::drawBackground(QPainter* painter, const QRectF& rect) {
    painter->fillRect(rect, palette().color(QPalette::Base));
    // A light grid at a round number of scene units, for a sense of scale.
    const double scale = transform().m11();
    if (scale <= 0) return;
    double step = std::pow(10.0, std::ceil(std::log10(40 / scale)));
    if (step * scale > 200) step /= 2;
    QColor c = palette().color(QPalette::Text);
    c.setAlpha(14);
    QPen pen(c, 0);
    painter->setPen(pen);
    std::vector<QLineF> lines;
    for (double x = std::floor(rect.left() / step) * step; x < rect.right(); x += step)
        lines.emplace_back(x, rect.top(), x, rect.bottom());
    for (double y = std::floor(rect.top() / step) * step; y < rect.bottom(); y += step)
        lines.emplace_back(rect.left(), y, rect.right(), y);
    if (lines.size() < 2000) painter->drawLines(lines.data(), static_cast<int>(lines.size()));
}

void NetworkView::drawForeground(QPainter* painter, const QRectF& rect) {
    QGraphicsView::drawForeground(painter, rect);
    if (canvas_->tool_ == NetworkCanvas::Tool::Connect && !connectFrom_.empty()) {
        QPen pen(palette().color(QPalette::Highlight), 2, Qt::DashLine);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->drawLine(connectStart_, connectEnd_);
    }
}

void NetworkView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    canvas_->miniMap_->update();
}

}  // namespace dais::studio
