#pragma once
// The canvas: the scenario's network drawn by role, with its regions, links and groups, edited
// by hand (place nodes from the palette, connect them, move, delete) and animated while a run
// goes (messages travelling along links, nodes coloured by what they do).
//
// It draws from a NetworkStructure (the network as a run of the scenario builds it), so
// generated links and gateways appear as they will exist. A group is one item until it is
// expanded; then its members are drawn by one item that paints them all at once. Links that the
// user wrote are items of their own (selectable); generated ones are painted in spatial tiles.
// Where things are drawn is CanvasLayout's business; what an edit does to the document is
// ScenarioEditor's. The canvas turns clicks into those edits and draws the result.

#include <QColor>
#include <QElapsedTimer>
#include <QLineF>
#include <QWidget>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "dais/core/result.h"
#include "run/network_structure.h"
#include "ui/canvas_layout.h"
#include "ui/node_look.h"
#include "ui/role_icons.h"
#include "ui/scenario_document.h"
#include "ui/scenario_editor.h"

class QGraphicsItem;
class QGraphicsScene;
class QTimer;

namespace dais::studio {

struct ActivityBatch;
class NodeItem;
class GroupItem;
class MemberCloudItem;
class LinkItem;
class LinkTileItem;
class ActivityOverlay;
class NodeMarkItem;
class MiniMap;
class CanvasLegend;
class NetworkView;

/// What is selected on the canvas, for the property panel.
struct CanvasSelection {
    enum class Kind { None, Node, Group, Link, Region, Member, Several };
    Kind kind = Kind::None;
    std::string pointer;  ///< the JSON pointer of what is selected in the document, if any
    std::uint32_t node = NetworkStructure::kNone;  ///< Member and Node: its index in the structure
    int count = 0;                                 ///< Several: how many items
};

class NetworkCanvas : public QWidget {
    Q_OBJECT
  public:
    enum class Tool { Select, Place, Connect };

    explicit NetworkCanvas(ScenarioDocument* document, QWidget* parent = nullptr);
    ~NetworkCanvas() override;

    /// Draws this network (the document's, or a run's about to start).
    void setNetworkStructure(std::shared_ptr<const NetworkStructure> structure);
    std::shared_ptr<const NetworkStructure> networkStructure() const { return structure_; }

    void setTool(Tool tool, const QString& role = {}, bool group = false);
    Tool tool() const { return tool_; }
    /// Places a node (or a group) of `role` at a scene position, as an undoable edit.
    void placeAt(const QPointF& scenePos, const QString& role, bool group);
    /// Links two nodes (or attaches a group to a node), as an undoable edit.
    void connectItems(const std::string& fromPointer, const std::string& toPointer);
    /// Removes what is selected (and the links that end there), as one undoable edit.
    void deleteSelection();
    /// Lays out every node and group that has no geographic position, as one undoable edit.
    void autoLayout();
    void setGroupExpanded(const std::string& groupId, bool expanded);
    bool groupExpanded(const std::string& groupId) const;
    void expandAllGroups(bool expanded);

    void zoomIn();
    void zoomOut();
    void fitAll();
    /// Shows or hides the mini-map (miniMapVisibilityChanged tells when it changes).
    void setMiniMapVisible(bool visible);
    bool miniMapVisible() const;
    /// The corner the mini-map sits in.
    void setMiniMapCorner(Qt::Corner corner);
    Qt::Corner miniMapCorner() const;
    MiniMap* miniMap() const { return miniMap_; }

    /// Selects a node by its index in the structure (expanding its group) and centres it.
    void selectNode(std::uint32_t node);
    CanvasSelection selection() const { return selection_; }
    /// Selects what a JSON pointer names (a node, group, link or region of the document).
    void selectPointer(const std::string& pointer);

    /// Marks these nodes (indices in the structure) to point them out: a red dashed halo
    /// around each, its name beside a group member's, and `why` in its tooltip and in the
    /// legend ("named by the trace"). A collapsed group with a marked member is expanded so
    /// that the marks are seen (collapsed again by hand, the group's icon wears one mark for
    /// them). Replaces the marks there were; they go with the network: a new one drawn (a new
    /// run, or back to design) has none.
    void markNodes(std::vector<std::uint32_t> nodes, const QString& why);
    void clearMarks() { markNodes({}, QString()); }
    /// The nodes marked, in index order.
    const std::vector<std::uint32_t>& markedNodes() const { return marked_; }

    /// Run animation: what the network did since the last batch.
    void applyActivity(const ActivityBatch& batch);
    /// The run's latest snapshot: node metrics to fill nodes by, and the legend's choices.
    void applySnapshot(std::shared_ptr<const core::RunnerSnapshot> snapshot);
    /// What the canvas shows of nodes during a run (rings, fills), and the legend that explains
    /// and chooses it (shown while a run's network is drawn, unless hidden).
    const NodeLook& look() const { return look_; }
    CanvasLegend* legend() const { return legend_; }
    void setLegendVisible(bool visible);
    bool legendVisible() const { return legendWanted_; }
    /// Forgets node states and messages (a new run, or back to design).
    void resetActivity();
    /// While false, activity only updates node states (no travelling messages).
    void setAnimateMessages(bool on) { animateMessages_ = on; }

    /// Writes the canvas as it is drawn (whole network) to PNG or SVG.
    core::Result<void> exportImage(const QString& path);

    NetworkView* view() const { return view_; }
    QGraphicsScene* scene() const { return scene_; }
    /// Items on the scene, for tests and measurements.
    int nodeItemCount() const { return static_cast<int>(nodeItems_.size()); }
    int drawnNodeCount() const;
    const ActivityOverlay* activityOverlay() const { return overlay_; }
    int messagesInFlight() const;
    /// What the network's items cover in the scene (the activity overlay left out).
    QRectF contentBounds() const;
    /// The scene position a node is drawn at.
    QPointF nodeScenePos(std::uint32_t node) const;
    /// A label as drawn: its text and where, in the view's viewport coordinates.
    struct DrawnLabel {
        QString text;
        QRectF rect;
    };
    /// The labels drawn at the view's current scale (placed now if they are not yet), the ones
    /// shown only while their item is hovered left out.
    std::vector<DrawnLabel> drawnLabels();

  signals:
    void selectionChanged(const dais::studio::CanvasSelection& selection);
    void toolChanged(dais::studio::NetworkCanvas::Tool tool);
    /// A status line to show (what a tool does, why an edit was refused).
    void message(const QString& text);
    /// The mini-map was shown or hidden (from the menu, or by its own ×).
    void miniMapVisibilityChanged(bool visible);
    /// The user dragged the mini-map to another corner.
    void miniMapCornerChanged(Qt::Corner corner);

  protected:
    void resizeEvent(QResizeEvent* event) override;
    /// A new theme: cached items (member clouds, link tiles) are painted again.
    void changeEvent(QEvent* event) override;

  private:
    friend class NetworkView;
    friend class NodeItem;
    friend class GroupItem;
    friend class RegionItem;
    /// The structure was built again from the document (or only studio positions changed).
    void documentValidated();
    /// The scene made again from the structure and the document, keeping the selection.
    void rebuild();
    void addRegionItems();
    void addNodeItems(const std::map<std::string, std::vector<QColor>>& badges);
    void addGroupItems(const std::map<std::string, std::vector<QColor>>& badges);
    /// The marks (markNodes) on the items drawn now, made anew.
    void addMarkItems();
    /// Rebuilds the links on the next turn of the event loop (coalesces a drag's moves).
    void rebuildLinks();
    void buildLinks();
    /// Generated links, painted in spatial tiles.
    void addLinkTiles(const std::vector<QLineF>& thin, const std::vector<QLineF>& thick);
    /// The spacing of automatic positions, in scene units (node items show their labels once
    /// it is drawn wide enough).
    double unit() const { return positions_.unit; }
    void highlightMember(std::uint32_t node);
    void refreshActivity();
    /// Forgets what a run reported: every node up, idle, without states or values.
    void resetLook();
    void updateSelection();
    void itemsMoved(const std::vector<QGraphicsItem*>& items);
    std::string pointerAt(const QPointF& scenePos) const;
    /// The id of the region whose disc holds a scene point, or "".
    std::string regionAt(const QPointF& scenePos) const;
    void tick();
    QPointF displayPos(std::uint32_t node) const;
    /// Places every label for the view's scale when the scale, the items, their positions or
    /// the selection changed since the last placement (canvas_labels.h): what is selected
    /// first, then region names, groups and nodes (nodes only once they are drawn far enough
    /// apart to read their ids).
    void placeLabelsIfNeeded();
    /// An item moved: labels are placed again before the next paint.
    void labelsChanged() { labelsDirty_ = true; }

    ScenarioDocument* doc_;
    ScenarioEditor editor_;
    NetworkView* view_ = nullptr;
    QGraphicsScene* scene_ = nullptr;
    MiniMap* miniMap_ = nullptr;
    std::shared_ptr<const NetworkStructure> structure_;
    Tool tool_ = Tool::Select;
    QString placeRole_;
    bool placeGroup_ = false;
    CanvasSelection selection_;
    bool rebuilding_ = false;
    bool linksPending_ = false;
    bool fitPending_ = true;
    bool fitting_ = false;      ///< the view shows the whole network (no zoom or pan since)
    std::string builtNetwork_;  // the network (and seed) the structure was built from
    std::uint32_t highlightedMember_ = NetworkStructure::kNone;
    double labelScale_ = -1;  // the scale labels were last placed at (-1: new items)
    QRectF labelBounds_;      // what was in view then, in the labels' coordinates
    bool labelsDirty_ = true;

    CanvasPositions positions_;       // where things are drawn
    std::set<std::string> expanded_;  // ids of expanded groups

    std::vector<NodeItem*> nodeItems_;  // per node (nullptr for members)
    std::vector<GroupItem*> groupItems_;
    std::vector<MemberCloudItem*> clouds_;
    std::vector<LinkItem*> linkItems_;
    std::vector<LinkTileItem*> tiles_;
    std::vector<QGraphicsItem*> regionItems_;
    ActivityOverlay* overlay_ = nullptr;
    std::vector<std::uint32_t> marked_;  // markNodes()
    QString markWhy_;
    std::vector<NodeMarkItem*> markItems_;

    // Run state.
    NodeLook look_;
    CanvasLegend* legend_ = nullptr;
    bool legendWanted_ = true;
    std::shared_ptr<const core::RunnerSnapshot> lastSnapshot_;
    bool animateMessages_ = true;
    QTimer* frameTimer_ = nullptr;
    double batchNow_ = 0, previousNow_ = 0, displayNow_ = 0;  // simulated seconds
    QElapsedTimer batchClock_;
};

}  // namespace dais::studio
