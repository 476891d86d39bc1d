#pragma once
// The canvas's overview: the whole network in a corner, with the part in view framed; a click
// or a drag there moves the view. Drawn from a pixmap made when the network changes, so it costs
// nothing during a run's animation.

#include <QPixmap>
#include <QRectF>
#include <QTransform>
#include <QWidget>

namespace dais::studio {

class NetworkCanvas;

class MiniMap final : public QWidget {
  public:
    MiniMap(NetworkCanvas* canvas, QWidget* parent);
    /// Renders the network again (after the canvas rebuilt its scene).
    void refresh();

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

  private:
    /// From the scene to this widget's coordinates.
    QTransform toWidget() const;
    void centreOn(const QPointF& p);

    NetworkCanvas* canvas_;
    QPixmap pixmap_;
    QRectF sceneRect_;
};

}  // namespace dais::studio
