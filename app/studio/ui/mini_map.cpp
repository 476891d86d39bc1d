#include "ui/mini_map.h"

#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

#include "ui/network_canvas.h"
#include "ui/network_view.h"

namespace dais::studio {

MiniMap::MiniMap(NetworkCanvas* canvas, QWidget* parent) : QWidget(parent), canvas_(canvas) {
    setFixedSize(200, 140);
    setCursor(Qt::PointingHandCursor);
    setToolTip(QObject::tr("Overview: click or drag to move the view"));
}

void MiniMap::refresh() {
    QGraphicsScene* scene = canvas_->scene();
    const QRectF r = canvas_->contentBounds();
    pixmap_ = QPixmap(size() * devicePixelRatioF());
    pixmap_.setDevicePixelRatio(devicePixelRatioF());
    pixmap_.fill(Qt::transparent);
    sceneRect_ = r.isEmpty() ? QRectF(-1, -1, 2, 2)
                             : r.adjusted(-r.width() * 0.05, -r.height() * 0.05, r.width() * 0.05,
                                          r.height() * 0.05);
    QPainter p(&pixmap_);
    scene->render(&p, QRectF(QPointF(0, 0), size()), sceneRect_, Qt::KeepAspectRatio);
    update();
}

void MiniMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    QColor bg = palette().color(QPalette::Base);
    bg.setAlpha(235);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.setBrush(bg);
    p.drawRoundedRect(rect().adjusted(0, 0, -1, -1), 4, 4);
    p.drawPixmap(0, 0, pixmap_);
    // The part of the scene in view.
    const QRectF visible =
        canvas_->view()->mapToScene(canvas_->view()->viewport()->rect()).boundingRect();
    const QTransform t = toWidget();
    p.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlpha(40);
    p.setBrush(fill);
    p.drawRect(t.mapRect(visible).intersected(QRectF(rect()).adjusted(1, 1, -1, -1)));
}

void MiniMap::mousePressEvent(QMouseEvent* e) {
    centreOn(e->position());
}

void MiniMap::mouseMoveEvent(QMouseEvent* e) {
    if (e->buttons() & Qt::LeftButton) centreOn(e->position());
}

QTransform MiniMap::toWidget() const {
    const double s = std::min(width() / sceneRect_.width(), height() / sceneRect_.height());
    const double ox = (width() - sceneRect_.width() * s) / 2,
                 oy = (height() - sceneRect_.height() * s) / 2;
    return QTransform(s, 0, 0, s, ox - sceneRect_.left() * s, oy - sceneRect_.top() * s);
}

void MiniMap::centreOn(const QPointF& p) {
    canvas_->view()->centerOn(toWidget().inverted().map(p));
    update();
}

}  // namespace dais::studio
