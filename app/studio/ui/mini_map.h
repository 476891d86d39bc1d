#pragma once
// The canvas's overview: the whole network in a small framed inset in one of the canvas's
// corners, with the part in view framed; a click or a drag on the map moves the view. The strip
// along its top is its handle: dragging it moves the inset, which settles in the corner nearest
// to where it is dropped, and its × hides it. The network is sketched (region discs, links, a
// dot per node or group) in a pixmap made when the network changes, so it costs nothing during
// a run's animation.

#include <QPixmap>
#include <QPoint>
#include <QRectF>
#include <QTransform>
#include <QWidget>

#include <optional>

namespace dais::studio {

class NetworkCanvas;

class MiniMap final : public QWidget {
    Q_OBJECT
  public:
    /// The inset takes at most this share of the canvas's width (and of its height), and never
    /// more than kMaxWidth pixels across; its height is two thirds of its width.
    static constexpr double kCanvasShare = 0.2;
    static constexpr int kMaxWidth = 180;
    static constexpr int kMinWidth = 60;
    /// Its distance from the canvas's edges, and the height of the handle along its top.
    static constexpr int kMargin = 10;
    static constexpr int kHandleHeight = 12;

    MiniMap(NetworkCanvas* canvas, QWidget* parent);
    /// Renders the network again (after the canvas rebuilt its scene).
    void refresh();
    /// Takes its size from the canvas's and moves into its corner (after the canvas resized).
    void place();
    Qt::Corner corner() const { return corner_; }
    void setCorner(Qt::Corner corner);
    /// The handle (top strip) and the × on it that hides the inset, in this widget's
    /// coordinates.
    QRect handleRect() const;
    QRect hideButtonRect() const;

  signals:
    /// The user dropped the inset in another corner.
    void cornerChanged(Qt::Corner corner);
    /// The user clicked the × on the handle.
    void hideRequested();

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

  private:
    /// Where the network is drawn: the inset below its handle.
    QRect mapRect() const;
    /// From the scene to this widget's coordinates.
    QTransform toWidget() const;
    void centreOn(const QPointF& p);
    /// The corner of the canvas nearest to the inset's centre.
    Qt::Corner nearestCorner() const;

    NetworkCanvas* canvas_;
    QPixmap pixmap_;
    QRectF sceneRect_;
    Qt::Corner corner_ = Qt::BottomRightCorner;
    std::optional<QPoint> dragOffset_;  ///< while the handle is dragged: where it was grabbed
    bool panning_ = false;              ///< a press on the map: moves follow with the view
};

}  // namespace dais::studio
