#pragma once
// The items the canvas draws. Internal to the canvas (NetworkCanvas and NetworkView).

#include <QGraphicsItem>

#include <string>
#include <vector>

#include "ui/role_icons.h"

namespace dais::studio {

class NetworkCanvas;

/// Item data keys.
enum ItemData { kPointer = 0, kNodeIndex = 1, kKind = 2 };
enum class ItemKind { Node = 1, Group, Link, Region };

/// One node drawn by its role's icon at a fixed size on screen, with its id below when there
/// is room. Movable when the document positions it.
class NodeItem final : public QGraphicsItem {
  public:
    NodeItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t node,
             std::string pointer, bool movable);
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    void setState(NodeState s);
    std::uint32_t node() const { return node_; }
    const std::string& pointer() const { return pointer_; }
    const QString& role() const { return role_; }
    /// Small coloured dots for the layers that act on this node's role.
    void setBadges(std::vector<QColor> badges) { badges_ = std::move(badges); }

  protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

  private:
    NetworkCanvas* canvas_;
    QString role_, label_;
    std::uint32_t node_;
    std::string pointer_;
    NodeState state_ = NodeState::Idle;
    std::vector<QColor> badges_;
};

/// A group as one item: a stack of its role's icon with the member count, and a bar of how
/// many members are busy or down during a run. Double click expands it.
class GroupItem final : public QGraphicsItem {
  public:
    GroupItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t count,
              std::string pointer, bool expanded);
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    /// Fractions of the members working, waiting and down.
    void setStates(double working, double waiting, double down);
    const std::string& pointer() const { return pointer_; }
    const QString& label() const { return label_; }
    const QString& role() const { return role_; }
    bool expanded() const { return expanded_; }
    void setBadges(std::vector<QColor> badges) { badges_ = std::move(badges); }

  protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

  private:
    NetworkCanvas* canvas_;
    QString role_, label_;
    std::uint32_t count_;
    std::string pointer_;
    bool expanded_;
    double working_ = 0, waiting_ = 0, down_ = 0;
    std::vector<QColor> badges_;
};

/// Every member of an expanded group, painted in one go as dots of the role's colour.
class MemberCloudItem final : public QGraphicsItem {
  public:
    MemberCloudItem(QColor color, std::vector<QPointF> points, std::uint32_t firstNode);
    QRectF boundingRect() const override { return bounds_; }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    /// The member nearest to a scene point within `radius`, or -1.
    int memberAt(const QPointF& scenePos, double radius) const;
    std::uint32_t firstNode() const { return first_; }
    const std::vector<QPointF>& points() const { return points_; }
    const QColor& color() const { return color_; }
    void setHighlighted(int member) {
        highlighted_ = member;
        update();
    }

  private:
    QColor color_;
    std::vector<QPointF> points_;
    std::uint32_t first_;
    QRectF bounds_;
    int highlighted_ = -1;
};

/// A link written in the document: selectable, drawn as a line between its ends.
class LinkItem final : public QGraphicsLineItem {
  public:
    LinkItem(const QLineF& line, std::string pointer);
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    const std::string& pointer() const { return pointer_; }

  private:
    std::string pointer_;
};

/// Generated links (topologies, group members' access links) of one tile of the plane, painted
/// with one call. Bundles (many links between the same two drawn items) are drawn thicker.
class LinkTileItem final : public QGraphicsItem {
  public:
    LinkTileItem(std::vector<QLineF> lines, std::vector<QLineF> bundles);
    QRectF boundingRect() const override { return bounds_; }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  private:
    std::vector<QLineF> lines_, bundles_;
    QRectF bounds_;
};

/// A region's disc with its name.
class RegionItem final : public QGraphicsItem {
  public:
    RegionItem(const QPointF& centre, double radius, QString label, std::string pointer);
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    const std::string& pointer() const { return pointer_; }
    double radius() const { return radius_; }

  private:
    double radius_;
    QString label_;
    std::string pointer_;
};

/// What moves during a run: messages on their way and the members that are busy or down.
class ActivityOverlay final : public QGraphicsItem {
  public:
    struct Dot {
        QPointF from, to;
        double start, arrive;  // simulated seconds
    };
    QRectF boundingRect() const override { return bounds_; }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    void setBounds(const QRectF& r) {
        prepareGeometryChange();
        bounds_ = r;
    }
    std::vector<Dot> dots;           // messages in flight
    std::vector<QPointF> active[3];  // members working, waiting, down
    double now = 0;                  // display time, simulated seconds
    int hidden = 0;                  // messages not drawn (too many at once)

  private:
    QRectF bounds_;
};

}  // namespace dais::studio
