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
enum class ItemKind { Node = 1, Group, Link, Region, Mark };

/// What the node, group and region items share about their label: its text, the positions it
/// may take (canvas_labels.h) and the one the canvas placed it at. A label the canvas could not
/// place is drawn at its first position while its item is hovered or selected.
class ItemLabel {
  public:
    /// Its text, and its size on screen with the canvas's label font (bold for regions).
    ItemLabel(QString text, bool bold);
    const QString& text() const { return text_; }
    const QSizeF& size() const { return size_; }
    bool bold() const { return bold_; }
    /// Where the canvas placed it, in device pixels relative to the item's label anchor; a null
    /// rectangle when it is not drawn. True when that changed.
    bool setPlaced(const QRectF& r);
    const QRectF& placed() const { return placed_; }

  private:
    QString text_;
    bool bold_;
    QSizeF size_;
    QRectF placed_;
};

/// One node drawn by its role's icon at a fixed size on screen, with its id beside it (below
/// when there is room) once nodes are drawn far enough apart. Movable when the document
/// positions it.
class NodeItem final : public QGraphicsItem {
  public:
    NodeItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t node,
             std::string pointer, bool movable);
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    ItemLabel& label() { return label_; }
    const QString& role() const { return role_; }
    /// Where its label may go, relative to the node's centre, best first; what its icon covers.
    std::vector<QRectF> labelCandidates() const;
    QRectF iconRect() const;
    /// Down or up, the ring's colour (invalid: none) and the disc's fill (invalid: the role's).
    void setLook(bool down, const QColor& ring, const QColor& fill);
    const QColor& ring() const { return ring_; }
    const QColor& fill() const { return fill_; }
    std::uint32_t node() const { return node_; }
    const std::string& pointer() const { return pointer_; }
    /// Small coloured dots for the layers that act on this node's role.
    void setBadges(std::vector<QColor> badges) { badges_ = std::move(badges); }

  protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

  private:
    NetworkCanvas* canvas_;
    QString role_;
    ItemLabel label_;
    std::uint32_t node_;
    std::string pointer_;
    bool down_ = false;
    QColor ring_, fill_;
    std::vector<QColor> badges_;
    bool hovered_ = false;
};

/// A group as one item: a stack of its role's icon with the member count, and a bar of how
/// many members are busy or down during a run. Double click expands it.
class GroupItem final : public QGraphicsItem {
  public:
    GroupItem(NetworkCanvas* canvas, QString role, QString label, std::uint32_t count,
              std::string pointer, bool expanded);
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    /// What share of the members wear each ring colour (the bar under the icon).
    void setRings(std::vector<std::pair<QColor, double>> shares);
    /// The icon's fill (invalid: the role's), and what the tooltip says of the members' values.
    void setFill(const QColor& fill, const QString& spread);
    const std::vector<std::pair<QColor, double>>& rings() const { return rings_; }
    const QColor& fill() const { return fill_; }
    const std::string& pointer() const { return pointer_; }
    /// The group's id, and its label: "id  ×count".
    const QString& id() const { return id_; }
    const QString& role() const { return role_; }
    bool expanded() const { return expanded_; }
    ItemLabel& label() { return label_; }
    /// Where its label may go, relative to the item's position, best first.
    std::vector<QRectF> labelCandidates() const;
    /// What its icons (and bar) cover, relative to its position; null when it is expanded (its
    /// members are drawn instead).
    QRectF drawnIcon() const { return expanded_ ? QRectF() : iconRect(); }
    void setBadges(std::vector<QColor> badges) { badges_ = std::move(badges); }

  protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

  private:
    /// What the icons (or, expanded, the anchor) cover, relative to the item's position.
    QRectF iconRect() const;

    NetworkCanvas* canvas_;
    QString role_, id_;
    ItemLabel label_;
    std::uint32_t count_;
    std::string pointer_;
    bool expanded_;
    std::vector<std::pair<QColor, double>> rings_;
    QColor fill_;
    QString tip_, spread_;
    std::vector<QColor> badges_;
    bool hovered_ = false;
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

/// A region's disc with its name (above the disc when there is room).
class RegionItem final : public QGraphicsItem {
  public:
    RegionItem(const QPointF& centre, double radius, QString label, std::string pointer);
    QRectF boundingRect() const override;
    /// The disc's square: its name is no target of clicks.
    QPainterPath shape() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    const std::string& pointer() const { return pointer_; }
    double radius() const { return radius_; }
    ItemLabel& label() { return label_; }
    /// Where its name may go at a scale (device pixels per scene unit), relative to the disc's
    /// top point, best first.
    std::vector<QRectF> labelCandidates(double scale) const;
    /// The scale the view draws at: the item's bounds take in its name's positions (which are
    /// a fixed size on screen, so a size in the scene that depends on the scale).
    void setLabelScale(double scale);

  protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

  private:
    double radius_;
    ItemLabel label_;
    std::string pointer_;
    bool hovered_ = false;
    double labelScale_ = 0;  // 0: not drawn yet
};

/// A mark the canvas puts on a node to point it out (the culprits a trace names): a red dashed
/// halo at a fixed size on screen, around a node's icon, a group member's dot or a collapsed
/// group's icons, with a tooltip that says why it is marked. A group member's mark has its name
/// as a label (members have none of their own), placed by the canvas beside the halo, or a
/// little further out with a line to it where the members are crowded. Clicks go through a
/// mark to what it marks.
class NodeMarkItem final : public QGraphicsItem {
  public:
    static QColor colour();

    /// `radius`: the halo's, in pixels. `name`: the label, empty for none; its positions are
    /// tried from the side `outward` points to (null: the right) round the halo.
    NodeMarkItem(std::uint32_t node, double radius, QString name, QPointF outward, QString why);
    QRectF boundingRect() const override;
    /// The halo's ring and the label where it is drawn: the node inside stays the target of
    /// hovers.
    QPainterPath shape() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    /// The node marked (for a collapsed group: its first marked member).
    std::uint32_t node() const { return node_; }
    ItemLabel& label() { return label_; }
    /// Where its label may go, relative to the halo's centre, best first (none without a name).
    const std::vector<QRectF>& labelCandidates() const { return candidates_; }
    /// What the halo covers, relative to its centre.
    QRectF halo() const;

  private:
    std::uint32_t node_;
    double radius_;
    ItemLabel label_;
    std::vector<QRectF> candidates_;
    /// Per candidate, where a line from the halo to it starts and ends (null: it touches the
    /// halo).
    std::vector<QLineF> leaders_;
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
    /// Members of expanded groups drawn as points of a colour: rings (a state's colour) as
    /// larger points under fills (a metric's colour, or the role's over a ring).
    struct Points {
        QColor colour;
        std::vector<QPointF> at;
    };
    std::vector<Dot> dots;      // messages in flight
    std::vector<Points> fills;  // members filled by a metric
    std::vector<Points> rings;  // members with a ring: busy, down, in a layer's state
    double now = 0;             // display time, simulated seconds
    int hidden = 0;             // messages not drawn (too many at once)

  private:
    QRectF bounds_;
};

}  // namespace dais::studio
