#pragma once
// The canvas's view of its scene: zoom with the wheel, pan with the middle button (or space and
// drag), rubber-band selection, drops from the palette, and the clicks of the canvas's tools
// (place, link, select a member of an expanded group or a generated link's line).

#include <QGraphicsView>

#include <string>
#include <vector>

namespace dais::studio {

class NetworkCanvas;

class NetworkView : public QGraphicsView {
    Q_OBJECT
  public:
    NetworkView(QGraphicsScene* scene, NetworkCanvas* canvas);
    /// Paint time of the last frames, for measurements (milliseconds).
    const std::vector<double>& frameTimes() const { return frameTimes_; }
    void clearFrameTimes() { frameTimes_.clear(); }

  protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void scrollContentsBy(int dx, int dy) override;

  private:
    /// With the select tool, a click where no item is: selects the member of an expanded group
    /// or the written link under it. True when it did.
    bool pickMemberOrLink(const QPointF& scenePos, Qt::KeyboardModifiers modifiers);

    NetworkCanvas* canvas_;
    bool panning_ = false, spaceHeld_ = false;
    QPoint panFrom_;
    std::string connectFrom_;
    QPointF connectStart_, connectEnd_;
    std::vector<QGraphicsItem*> pressedSelection_;
    std::vector<QPointF> pressedPositions_;
    std::vector<double> frameTimes_;
};

}  // namespace dais::studio
