#include "ui/network_canvas.h"

#include <QComboBox>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QPainter>
#include <QSvgGenerator>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

#include "dais/core/json_pointer.h"
#include "dais/core/layer_registry.h"
#include "run/run_controller.h"
#include "ui/canvas_items.h"
#include "ui/canvas_labels.h"
#include "ui/canvas_legend.h"
#include "ui/mini_map.h"
#include "ui/network_view.h"

namespace dais::studio {

namespace {

constexpr std::uint32_t kNone = NetworkStructure::kNone;

/// Colours of the layers' badges, by layer id.
QColor layerColor(const std::string& id) {
    static const QColor colors[] = {QColor(0x2b, 0x7a, 0xd6), QColor(0xd6, 0x6b, 0x2b),
                                    QColor(0x3b, 0xa5, 0x5c), QColor(0x9b, 0x59, 0xb6),
                                    QColor(0xc0, 0x39, 0x2b)};
    return colors[qHash(QString::fromStdString(id)) % 5];
}

}  // namespace

NetworkCanvas::NetworkCanvas(ScenarioDocument* document, QWidget* parent)
    : QWidget(parent), doc_(document), editor_(document) {
    scene_ = new QGraphicsScene(this);
    scene_->setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    view_ = new NetworkView(scene_, this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    miniMap_ = new MiniMap(this, this);
    legend_ = new CanvasLegend(this);
    legend_->hide();
    connect(legend_, &CanvasLegend::ringChosen, this, [this](int ring) {
        look_.setRing(ring);
        refreshActivity();
    });
    connect(legend_, &CanvasLegend::fillChosen, this, [this](std::optional<std::uint32_t> m) {
        look_.setFillMetric(m);
        if (lastSnapshot_) look_.applySnapshot(*lastSnapshot_);
        refreshActivity();
    });
    connect(miniMap_, &MiniMap::cornerChanged, this, &NetworkCanvas::miniMapCornerChanged);
    connect(miniMap_, &MiniMap::hideRequested, this, [this] { setMiniMapVisible(false); });
    overlay_ = new ActivityOverlay;
    overlay_->setZValue(20);
    scene_->addItem(overlay_);
    frameTimer_ = new QTimer(this);
    frameTimer_->setInterval(16);
    connect(frameTimer_, &QTimer::timeout, this, &NetworkCanvas::tick);
    connect(scene_, &QGraphicsScene::selectionChanged, this, &NetworkCanvas::updateSelection);
    // The structure follows the document: built again when an edit validates.
    connect(doc_, &ScenarioDocument::validated, this, &NetworkCanvas::documentValidated);
    connect(doc_, &ScenarioDocument::reset, this, [this] {
        expanded_.clear();
        builtNetwork_.clear();
        structure_.reset();
        fitPending_ = true;
    });
    connect(doc_, &ScenarioDocument::changed, this, [this](const QStringList& pointers) {
        for (const QString& p : pointers)
            if (p.startsWith("/ui")) {
                if (structure_) rebuild();
                return;
            }
    });
    setAcceptDrops(true);
}

void NetworkCanvas::documentValidated() {
    const auto scenario = doc_->scenario();
    if (!scenario) return;
    const std::string network =
        doc_->json().contains("network")
            ? doc_->json()["network"].dump() + std::to_string(scenario->run.seed)
            : std::string();
    if (structure_ && network == builtNetwork_) {
        rebuild();  // only the studio's positions changed
        return;
    }
    auto built = NetworkStructure::build(scenario->network, scenario->run.seed);
    if (!built) {
        emit message(tr("The network cannot be drawn: %1")
                         .arg(QString::fromStdString(built.error().message)));
        return;
    }
    builtNetwork_ = network;
    setNetworkStructure(std::make_shared<const NetworkStructure>(std::move(built.value())));
}

NetworkCanvas::~NetworkCanvas() {
    // The scene's items go before the canvas: their selection changes are nobody's news.
    disconnect(scene_, nullptr, this, nullptr);
    rebuilding_ = true;
}

void NetworkCanvas::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    miniMap_->place();
    // Fitted to the network until someone zooms or pans: a window that grows shows it whole.
    if (fitting_) fitAll();
}

void NetworkCanvas::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() != QEvent::PaletteChange && event->type() != QEvent::ApplicationPaletteChange)
        return;
    for (QGraphicsItem* item : scene_->items())
        if (item->cacheMode() != QGraphicsItem::NoCache) item->update();
    view_->viewport()->update();
    miniMap_->update();
}

void NetworkCanvas::setMiniMapVisible(bool visible) {
    if (visible == miniMapVisible()) return;
    miniMap_->setVisible(visible);
    if (visible) miniMap_->place();
    emit miniMapVisibilityChanged(visible);
}

bool NetworkCanvas::miniMapVisible() const {
    return !miniMap_->isHidden();
}

void NetworkCanvas::setMiniMapCorner(Qt::Corner corner) {
    miniMap_->setCorner(corner);
}

Qt::Corner NetworkCanvas::miniMapCorner() const {
    return miniMap_->corner();
}

void NetworkCanvas::setNetworkStructure(std::shared_ptr<const NetworkStructure> structure) {
    structure_ = std::move(structure);
    // A member highlighted stays so only if the new network has it as a member too.
    if (highlightedMember_ != kNone &&
        (!structure_ || highlightedMember_ >= structure_->nodes.size() ||
         structure_->nodes[highlightedMember_].group == kNone))
        highlightedMember_ = kNone;
    // Marks name nodes of the network they were put on.
    marked_.clear();
    markWhy_.clear();
    legend_->setMarks(QString());
    resetLook();
    rebuild();
    if (fitPending_) {
        fitPending_ = false;
        fitAll();
    }
}

QPointF NetworkCanvas::displayPos(std::uint32_t node) const {
    if (!structure_ || node >= structure_->nodes.size()) return {};
    const NetworkStructure::Node& n = structure_->nodes[node];
    if (n.group == kNone) return positions_.nodes[node];
    const std::string& gid = structure_->groups[n.group].id;
    return expanded_.count(gid) ? positions_.members[node] : positions_.groupCentres[n.group];
}

QPointF NetworkCanvas::nodeScenePos(std::uint32_t node) const {
    return displayPos(node);
}

void NetworkCanvas::rebuild() {
    if (!structure_) return;
    rebuilding_ = true;
    // Keep the selection across the rebuild, by what it names.
    std::set<std::string> selected;
    for (QGraphicsItem* item : scene_->selectedItems())
        selected.insert(item->data(kPointer).toString().toStdString());
    scene_->removeItem(overlay_);
    scene_->clear();
    nodeItems_.clear();
    groupItems_.clear();
    clouds_.clear();
    linkItems_.clear();
    tiles_.clear();
    regionItems_.clear();
    markItems_.clear();  // went with the scene's items
    scene_->addItem(overlay_);

    positions_ = CanvasLayout::compute(*structure_, editor_, true);
    // Badges: the enabled layers that act on a role.
    std::map<std::string, std::vector<QColor>> badges;
    if (const auto scenario = doc_->scenario())
        for (const core::LayerSettings& s : scenario->layerSettings)
            if (s.enabled && s.descriptor)
                for (const core::RoleSpec& r : s.descriptor->roles)
                    badges[r.role].push_back(layerColor(s.id));
    addRegionItems();
    addNodeItems(badges);
    addGroupItems(badges);
    // The member highlighted, on its group's cloud drawn anew.
    if (highlightedMember_ != kNone)
        if (MemberCloudItem* cloud = clouds_[structure_->nodes[highlightedMember_].group])
            cloud->setHighlighted(static_cast<int>(highlightedMember_ - cloud->firstNode()));
    addMarkItems();
    rebuildLinks();

    for (QGraphicsItem* item : scene_->items())
        if (selected.count(item->data(kPointer).toString().toStdString()) &&
            item->flags() & QGraphicsItem::ItemIsSelectable)
            item->setSelected(true);
    const QRectF bounds = contentBounds();
    const double m = std::max(bounds.width(), bounds.height()) * 0.5 + positions_.unit;
    scene_->setSceneRect(bounds.adjusted(-m, -m, m, m));
    overlay_->setBounds(scene_->sceneRect());
    rebuilding_ = false;
    labelScale_ = -1;  // new items: all of them are drawn anew
    labelsDirty_ = true;
    refreshActivity();
    miniMap_->refresh();
    updateSelection();
}

void NetworkCanvas::addRegionItems() {
    for (const sim::RegionSpec& reg : structure_->regions) {
        auto* item = new RegionItem(
            sceneFromScenario({reg.x, reg.y}), std::max(reg.radius, positions_.unit * 0.3),
            QString::fromStdString(reg.id), editor_.pointerOf("regions", reg.id));
        scene_->addItem(item);
        regionItems_.push_back(item);
    }
}

void NetworkCanvas::addNodeItems(const std::map<std::string, std::vector<QColor>>& badges) {
    const NetworkStructure& S = *structure_;
    nodeItems_.assign(S.nodes.size(), nullptr);
    for (std::uint32_t i = 0; i < S.nodes.size(); ++i) {
        const NetworkStructure::Node& node = S.nodes[i];
        if (node.group != kNone) continue;
        const std::string pointer = editor_.pointerOf("nodes", node.id);
        // Nodes placed by their region are where the run puts them; the others can be moved.
        const bool movable =
            !pointer.empty() && (node.region == kNone || editor_.hasPosition(node.id));
        auto* item = new NodeItem(this, QString::fromStdString(node.role),
                                  QString::fromStdString(node.id), i, pointer, movable);
        if (const auto b = badges.find(node.role); b != badges.end()) item->setBadges(b->second);
        item->setPos(positions_.nodes[i]);
        item->setLook(look_.activity(i) == NodeState::Down, look_.ringColour(i),
                      look_.fillColour(i));
        scene_->addItem(item);
        nodeItems_[i] = item;
    }
}

void NetworkCanvas::addGroupItems(const std::map<std::string, std::vector<QColor>>& badges) {
    const NetworkStructure& S = *structure_;
    groupItems_.assign(S.groups.size(), nullptr);
    clouds_.assign(S.groups.size(), nullptr);
    for (std::uint32_t k = 0; k < S.groups.size(); ++k) {
        const NetworkStructure::Group& grp = S.groups[k];
        const bool expanded = expanded_.count(grp.id) > 0;
        auto* item =
            new GroupItem(this, QString::fromStdString(grp.role), QString::fromStdString(grp.id),
                          grp.count, editor_.pointerOf("groups", grp.id), expanded);
        if (const auto b = badges.find(grp.role); b != badges.end()) item->setBadges(b->second);
        const QPointF centre = positions_.groupCentres[k];
        item->setPos(centre);
        if (expanded) {
            // Members placed by a region are where a run puts them: the group is not moved.
            item->setFlag(QGraphicsItem::ItemIsMovable, false);
            item->setPos(centre - QPointF(0, positions_.groupRadii[k]));
            std::vector<QPointF> pts(positions_.members.begin() + grp.first,
                                     positions_.members.begin() + grp.first + grp.count);
            auto* cloud = new MemberCloudItem(roleColor(QString::fromStdString(grp.role)),
                                              std::move(pts), grp.first);
            scene_->addItem(cloud);
            clouds_[k] = cloud;
        }
        scene_->addItem(item);
        groupItems_[k] = item;
    }
}

void NetworkCanvas::markNodes(std::vector<std::uint32_t> nodes, const QString& why) {
    const std::size_t n = structure_ ? structure_->nodes.size() : 0;
    std::erase_if(nodes, [n](std::uint32_t node) { return node >= n; });
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    if (nodes == marked_ && (nodes.empty() || why == markWhy_)) return;
    marked_ = std::move(nodes);
    markWhy_ = why;
    legend_->setMarks(marked_.empty() ? QString() : why);
    // Members are seen only in an expanded group.
    bool expand = false;
    for (const std::uint32_t node : marked_)
        if (const std::uint32_t g = structure_->nodes[node].group; g != kNone)
            expand = expanded_.insert(structure_->groups[g].id).second || expand;
    if (expand) {
        rebuild();
        // A view fitted to the network shows the members just drawn.
        if (fitting_) fitAll();
    } else {
        addMarkItems();
        miniMap_->refresh();
    }
}

void NetworkCanvas::addMarkItems() {
    for (NodeMarkItem* m : markItems_)
        delete m;
    markItems_.clear();
    labelsDirty_ = true;
    if (!structure_ || marked_.empty()) return;
    const NetworkStructure& S = *structure_;
    const auto tip = [this](const std::string& name) {
        return tr("%1: %2").arg(QString::fromStdString(name), markWhy_);
    };
    std::map<std::uint32_t, std::vector<std::uint32_t>> collapsed;  // group -> marked members
    for (const std::uint32_t node : marked_) {
        const std::uint32_t g = S.nodes[node].group;
        NodeMarkItem* mark = nullptr;
        if (g == kNone) {
            if (!nodeItems_[node]) continue;
            // Around the icon, moving with it; the node's own label names it.
            mark = new NodeMarkItem(node, 21, QString(), QPointF(), tip(S.name(node)));
            mark->setParentItem(nodeItems_[node]);
            mark->setFlag(QGraphicsItem::ItemStacksBehindParent);  // under its icon and label
        } else if (expanded_.count(S.groups[g].id)) {
            const QPointF at = positions_.members[node];
            mark = new NodeMarkItem(node, 10, QString::fromStdString(S.name(node)),
                                    at - positions_.groupCentres[g], tip(S.name(node)));
            mark->setPos(at);
            scene_->addItem(mark);
        } else {
            collapsed[g].push_back(node);
            continue;
        }
        markItems_.push_back(mark);
    }
    // A group collapsed by hand: one mark on its icons, naming the members in its tooltip.
    for (const auto& [g, members] : collapsed) {
        if (!groupItems_[g]) continue;
        QStringList names;
        for (std::size_t i = 0; i < members.size() && i < 8; ++i)
            names << QString::fromStdString(S.name(members[i]));
        if (members.size() > 8) names << tr("%1 more").arg(members.size() - 8);
        auto* mark = new NodeMarkItem(members.front(), 30, QString(), QPointF(),
                                      tr("%1 of its members %2: %3")
                                          .arg(members.size())
                                          .arg(markWhy_, names.join(QStringLiteral(", "))));
        mark->setParentItem(groupItems_[g]);
        mark->setFlag(QGraphicsItem::ItemStacksBehindParent);
        mark->setPos(groupItems_[g]->drawnIcon().center());
        markItems_.push_back(mark);
    }
}

void NetworkCanvas::rebuildLinks() {
    if (!structure_ || linksPending_) return;
    // Moving an item calls this for every mouse move: coalesce into one rebuild per frame.
    linksPending_ = true;
    QTimer::singleShot(0, this, [this] {
        linksPending_ = false;
        buildLinks();
    });
}

void NetworkCanvas::buildLinks() {
    if (!structure_) return;
    for (LinkItem* l : linkItems_)
        delete l;
    for (LinkTileItem* t : tiles_)
        delete t;
    linkItems_.clear();
    tiles_.clear();
    const NetworkStructure& S = *structure_;
    auto posOf = [&](std::uint32_t node) {
        const NetworkStructure::Node& n = S.nodes[node];
        if (n.group == kNone && nodeItems_[node]) return nodeItems_[node]->pos();
        if (n.group != kNone && !expanded_.count(S.groups[n.group].id) && groupItems_[n.group])
            return groupItems_[n.group]->pos();
        return displayPos(node);
    };
    // Links written in the document are items; the network builds them first, in order.
    std::size_t written = 0;
    if (const Json* links = doc_->at("/network/links"); links && links->is_array())
        written = links->size();
    written = std::min(written, S.links.size());
    for (std::size_t l = 0; l < written; ++l) {
        const QLineF line(posOf(S.links[l].a), posOf(S.links[l].b));
        auto* item = new LinkItem(line, core::childPointer("/network/links", l));
        scene_->addItem(item);
        linkItems_.push_back(item);
    }
    // The rest, seen between what is drawn: links into a collapsed group become one bundle,
    // drawn once (thicker when it stands for several links).
    struct Bundle {
        std::size_t line;
        int count;
    };
    std::map<std::pair<std::int64_t, std::int64_t>, Bundle> bundles;
    std::vector<QLineF> lines;
    auto drawnId = [&](std::uint32_t node) -> std::int64_t {
        const std::uint32_t grp = S.nodes[node].group;
        if (grp != kNone && !expanded_.count(S.groups[grp].id)) return -1 - std::int64_t(grp);
        return node;
    };
    for (std::size_t l = written; l < S.links.size(); ++l) {
        std::int64_t a = drawnId(S.links[l].a), b = drawnId(S.links[l].b);
        if (a == b) continue;
        if (a < 0 || b < 0) {
            if (a > b) std::swap(a, b);
            const auto [it, fresh] = bundles.try_emplace({a, b}, Bundle{lines.size(), 0});
            ++it->second.count;
            if (!fresh) continue;
        }
        lines.push_back(QLineF(posOf(S.links[l].a), posOf(S.links[l].b)));
    }
    std::vector<bool> isBundle(lines.size(), false);
    for (const auto& entry : bundles)
        if (entry.second.count > 1) isBundle[entry.second.line] = true;
    std::vector<QLineF> thin, thick;
    for (std::size_t i = 0; i < lines.size(); ++i)
        (isBundle[i] ? thick : thin).push_back(lines[i]);
    addLinkTiles(thin, thick);
}

void NetworkCanvas::addLinkTiles(const std::vector<QLineF>& thin,
                                 const std::vector<QLineF>& thick) {
    // Spatial tiles: an update (a moving message) repaints only the tiles it touches.
    const QRectF area = scene_->sceneRect().isEmpty() ? QRectF(-1, -1, 2, 2) : scene_->sceneRect();
    constexpr int kTiles = 12;
    std::vector<std::vector<QLineF>> tileThin(kTiles * kTiles), tileThick(kTiles * kTiles);
    auto tileOf = [&](const QLineF& l) {
        const QPointF c = l.center();
        const int tx = std::clamp(static_cast<int>((c.x() - area.left()) / area.width() * kTiles),
                                  0, kTiles - 1);
        const int ty = std::clamp(static_cast<int>((c.y() - area.top()) / area.height() * kTiles),
                                  0, kTiles - 1);
        return static_cast<std::size_t>(ty * kTiles + tx);
    };
    for (const QLineF& l : thin)
        tileThin[tileOf(l)].push_back(l);
    for (const QLineF& l : thick)
        tileThick[tileOf(l)].push_back(l);
    for (std::size_t t = 0; t < tileThin.size(); ++t) {
        if (tileThin[t].empty() && tileThick[t].empty()) continue;
        auto* tile = new LinkTileItem(std::move(tileThin[t]), std::move(tileThick[t]));
        scene_->addItem(tile);
        tiles_.push_back(tile);
    }
}

void NetworkCanvas::updateSelection() {
    if (rebuilding_) return;
    labelsDirty_ = true;  // what is selected keeps its label's best place
    const QList<QGraphicsItem*> items = scene_->selectedItems();
    CanvasSelection s;
    if (items.size() > 1) {
        s.kind = CanvasSelection::Kind::Several;
        s.count = static_cast<int>(items.size());
    } else if (items.size() == 1) {
        QGraphicsItem* item = items.front();
        s.pointer = item->data(kPointer).toString().toStdString();
        switch (static_cast<ItemKind>(item->data(kKind).toInt())) {
            case ItemKind::Node:
                s.kind = CanvasSelection::Kind::Node;
                s.node = item->data(kNodeIndex).toUInt();
                break;
            case ItemKind::Group:
                s.kind = CanvasSelection::Kind::Group;
                break;
            case ItemKind::Link:
                s.kind = CanvasSelection::Kind::Link;
                break;
            case ItemKind::Region:
                s.kind = CanvasSelection::Kind::Region;
                break;
            case ItemKind::Mark:  // never selectable
                break;
        }
        s.count = 1;
    } else if (highlightedMember_ != kNone) {
        s.kind = CanvasSelection::Kind::Member;
        s.node = highlightedMember_;
        const std::uint32_t g = structure_->nodes[highlightedMember_].group;
        s.pointer = editor_.pointerOf("groups", structure_->groups[g].id);
        s.count = 1;
    }
    if (!items.isEmpty()) highlightMember(kNone);
    selection_ = s;
    emit selectionChanged(s);
}

void NetworkCanvas::highlightMember(std::uint32_t node) {
    if (highlightedMember_ == node) return;
    for (MemberCloudItem* c : clouds_)
        if (c) c->setHighlighted(-1);
    highlightedMember_ = node;
    if (node == kNone || !structure_) return;
    const std::uint32_t g = structure_->nodes[node].group;
    if (g != kNone && clouds_[g])
        clouds_[g]->setHighlighted(static_cast<int>(node - structure_->groups[g].first));
}

void NetworkCanvas::selectNode(std::uint32_t node) {
    if (!structure_ || node >= structure_->nodes.size()) return;
    const NetworkStructure::Node& n = structure_->nodes[node];
    if (n.group != kNone) {
        setGroupExpanded(structure_->groups[n.group].id, true);
        scene_->clearSelection();
        highlightMember(node);
        updateSelection();
    } else if (nodeItems_[node]) {
        scene_->clearSelection();
        highlightMember(kNone);
        nodeItems_[node]->setSelected(true);
    }
    view_->centerOn(displayPos(node));
}

void NetworkCanvas::selectPointer(const std::string& pointer) {
    scene_->clearSelection();
    for (QGraphicsItem* item : scene_->items())
        if (item->data(kPointer).toString().toStdString() == pointer &&
            item->flags() & QGraphicsItem::ItemIsSelectable) {
            item->setSelected(true);
            view_->ensureVisible(item);
            return;
        }
}

void NetworkCanvas::setGroupExpanded(const std::string& groupId, bool expanded) {
    if (expanded == (expanded_.count(groupId) > 0)) return;
    if (expanded)
        expanded_.insert(groupId);
    else
        expanded_.erase(groupId);
    rebuild();
}

bool NetworkCanvas::groupExpanded(const std::string& groupId) const {
    return expanded_.count(groupId) > 0;
}

void NetworkCanvas::expandAllGroups(bool expanded) {
    expanded_.clear();
    if (expanded && structure_)
        for (const NetworkStructure::Group& g : structure_->groups)
            expanded_.insert(g.id);
    rebuild();
}

int NetworkCanvas::drawnNodeCount() const {
    int n = 0;
    for (NodeItem* item : nodeItems_)
        n += item ? 1 : 0;
    for (MemberCloudItem* c : clouds_)
        n += c ? static_cast<int>(c->points().size()) : 0;
    for (std::size_t g = 0; g < groupItems_.size(); ++g)
        n += clouds_[g] ? 0 : 1;
    return n;
}

int NetworkCanvas::messagesInFlight() const {
    return static_cast<int>(overlay_->dots.size());
}

// --- editing ---------------------------------------------------------------------------------
void NetworkCanvas::setTool(Tool tool, const QString& role, bool group) {
    tool_ = tool;
    placeRole_ = role;
    placeGroup_ = group;
    view_->setDragMode(tool == Tool::Select ? QGraphicsView::RubberBandDrag
                                            : QGraphicsView::NoDrag);
    view_->viewport()->setCursor(tool == Tool::Select ? Qt::ArrowCursor : Qt::CrossCursor);
    switch (tool) {
        case Tool::Place:
            emit message(tr("Click on the canvas to place a %1%2; Esc to stop.")
                             .arg(role, group ? tr(" group") : QString()));
            break;
        case Tool::Connect:
            emit message(
                tr("Drag from one node to another to link them (from a group to a "
                   "node: the group's members attach to it); Esc to stop."));
            break;
        case Tool::Select:
            emit message(QString());
            break;
    }
    emit toolChanged(tool);
}

void NetworkCanvas::placeAt(const QPointF& scenePos, const QString& role, bool group) {
    const QPointF position = scenarioFromScene(scenePos);
    if (!group) {
        editor_.addNode(role, position);
        return;
    }
    editor_.addGroup(role, regionAt(scenePos), position);
}

std::string NetworkCanvas::regionAt(const QPointF& scenePos) const {
    for (const QGraphicsItem* r : regionItems_) {
        const auto* region = static_cast<const RegionItem*>(r);
        const QPointF d = scenePos - region->pos();
        if (region->contains(region->mapFromScene(scenePos)) && !region->pointer().empty() &&
            std::hypot(d.x(), d.y()) <= region->boundingRect().width() / 2)
            return editor_.idAt(region->pointer());
    }
    return {};
}

void NetworkCanvas::connectItems(const std::string& fromPointer, const std::string& toPointer) {
    if (auto linked = editor_.link(fromPointer, toPointer); !linked)
        emit message(QString::fromStdString(linked.error().message));
}

void NetworkCanvas::deleteSelection() {
    std::vector<std::string> pointers;
    for (QGraphicsItem* item : scene_->selectedItems())
        pointers.push_back(item->data(kPointer).toString().toStdString());
    editor_.remove(pointers);
}

void NetworkCanvas::itemsMoved(const std::vector<QGraphicsItem*>& items) {
    std::vector<ScenarioEditor::Move> moves;
    for (QGraphicsItem* item : items)
        moves.push_back(
            {item->data(kPointer).toString().toStdString(), scenarioFromScene(item->pos())});
    editor_.move(moves);
}

void NetworkCanvas::autoLayout() {
    if (!structure_) return;
    // Forget the studio's positions, lay out again, and keep where the layout put what nothing
    // else places.
    const CanvasPositions laidOut = CanvasLayout::compute(*structure_, editor_, false);
    const NetworkStructure& S = *structure_;
    std::vector<std::pair<std::string, QPointF>> positions;
    for (std::uint32_t i = 0; i < S.nodes.size(); ++i) {
        const NetworkStructure::Node& n = S.nodes[i];
        if (n.group != kNone || n.region != kNone) continue;
        if (editor_.pointerOf("nodes", n.id).empty() || editor_.hasPosition(n.id)) continue;
        positions.emplace_back(n.id, scenarioFromScene(laidOut.nodes[i]));
    }
    for (std::uint32_t k = 0; k < S.groups.size(); ++k) {
        const NetworkStructure::Group& grp = S.groups[k];
        if (grp.count > 0 && S.nodes[grp.first].region != kNone) continue;
        positions.emplace_back(grp.id, scenarioFromScene(laidOut.groupCentres[k]));
    }
    editor_.replaceStudioPositions(tr("Automatic layout"), positions);
    fitAll();
}

std::string NetworkCanvas::pointerAt(const QPointF& scenePos) const {
    for (QGraphicsItem* item : scene_->items(scenePos)) {
        const auto kind = static_cast<ItemKind>(item->data(kKind).toInt());
        if (kind == ItemKind::Node || kind == ItemKind::Group)
            return item->data(kPointer).toString().toStdString();
    }
    // Icons ignore the view's scale: look a few pixels around.
    const QRectF near(scenePos - QPointF(1, 1) * 12 / view_->transform().m11(),
                      QSizeF(2, 2) * 12 / view_->transform().m11());
    for (QGraphicsItem* item : scene_->items(near)) {
        const auto kind = static_cast<ItemKind>(item->data(kKind).toInt());
        if (kind == ItemKind::Node || kind == ItemKind::Group)
            return item->data(kPointer).toString().toStdString();
    }
    return {};
}

// --- view ------------------------------------------------------------------------------------
void NetworkCanvas::zoomIn() {
    fitting_ = false;
    view_->scale(1.25, 1.25);
}
void NetworkCanvas::zoomOut() {
    fitting_ = false;
    view_->scale(0.8, 0.8);
}
QRectF NetworkCanvas::contentBounds() const {
    // The overlay spans the scene rectangle: leaving it out keeps fits tight and the scene
    // from growing with every rebuild. Regions count by their discs: their names' extent in the
    // scene depends on the scale, which a fit is about to change.
    QRectF r;
    for (const QGraphicsItem* item : scene_->items()) {
        // Marks come and go without moving the view.
        if (item == overlay_ || !item->isVisible() ||
            static_cast<ItemKind>(item->data(kKind).toInt()) == ItemKind::Mark)
            continue;
        if (static_cast<ItemKind>(item->data(kKind).toInt()) == ItemKind::Region) {
            const double radius = static_cast<const RegionItem*>(item)->radius();
            r |= QRectF(item->pos() - QPointF(radius, radius), QSizeF(2 * radius, 2 * radius));
            continue;
        }
        r |= item->sceneBoundingRect();
    }
    return r;
}

void NetworkCanvas::placeLabelsIfNeeded() {
    const double scale = view_->transform().m11();
    const bool rescaled = scale != labelScale_;
    // What is in view, in the labels' coordinates (scene coordinates at the view's scale).
    const QRectF visible = view_->mapToScene(view_->viewport()->rect()).boundingRect();
    const QRectF bounds(visible.topLeft() * scale, visible.bottomRight() * scale);
    if (!rescaled && !labelsDirty_ && bounds == labelBounds_) return;
    labelScale_ = scale;
    labelBounds_ = bounds;
    labelsDirty_ = false;
    std::vector<LabelRequest> requests;
    std::vector<std::pair<QGraphicsItem*, ItemLabel*>> owners;
    const auto request = [&](QGraphicsItem* item, ItemLabel& label, const QPointF& sceneAnchor,
                             std::vector<QRectF> candidates, const QRectF& icon) {
        requests.push_back({sceneAnchor * scale, std::move(candidates), icon, item->isSelected()});
        owners.emplace_back(item, &label);
    };
    // Node ids only once nodes are far enough apart on screen to read them.
    const bool nodeIds = scale * unit() > 70;
    // Marks first: they are what to look at. Other labels keep off their halos.
    for (NodeMarkItem* m : markItems_)
        request(m, m->label(), m->scenePos(), m->labelCandidates(),
                m->labelCandidates().empty() ? QRectF() : m->halo());
    for (const bool selected : {true, false}) {
        for (QGraphicsItem* item : regionItems_) {
            auto* region = static_cast<RegionItem*>(item);
            region->setLabelScale(scale);
            if (region->isSelected() == selected)
                request(region, region->label(), region->pos() - QPointF(0, region->radius()),
                        region->labelCandidates(scale), QRectF());
        }
        for (GroupItem* g : groupItems_)
            if (g && g->isSelected() == selected)
                request(g, g->label(), g->pos(), g->labelCandidates(), g->drawnIcon());
        // A node whose id is not shown still keeps other labels off its icon.
        for (NodeItem* n : nodeItems_)
            if (n && n->isSelected() == selected)
                request(n, n->label(), n->pos(),
                        selected || nodeIds ? n->labelCandidates() : std::vector<QRectF>(),
                        n->iconRect());
    }
    const std::vector<int> chosen = placeLabels(requests, 1, bounds);
    // After a change of scale every item is painted anew; otherwise only those whose label moved.
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const int c = chosen[i];
        const QRectF r = c >= 0 ? requests[i].candidates[static_cast<std::size_t>(c)] : QRectF();
        if (owners[i].second->setPlaced(r) && !rescaled) owners[i].first->update();
    }
}

std::vector<NetworkCanvas::DrawnLabel> NetworkCanvas::drawnLabels() {
    placeLabelsIfNeeded();
    std::vector<DrawnLabel> out;
    const QTransform toViewport = view_->viewportTransform();
    const auto add = [&](ItemLabel& label, const QPointF& sceneAnchor) {
        if (!label.placed().isNull())
            out.push_back({label.text(), label.placed().translated(toViewport.map(sceneAnchor))});
    };
    for (QGraphicsItem* item : regionItems_) {
        auto* region = static_cast<RegionItem*>(item);
        add(region->label(), region->pos() - QPointF(0, region->radius()));
    }
    for (GroupItem* g : groupItems_)
        if (g) add(g->label(), g->pos());
    for (NodeItem* n : nodeItems_)
        if (n) add(n->label(), n->pos());
    for (NodeMarkItem* m : markItems_)
        add(m->label(), m->scenePos());
    return out;
}

void NetworkCanvas::fitAll() {
    fitting_ = true;
    QRectF r = contentBounds();
    const double unit = positions_.unit;
    r = r.isEmpty() ? QRectF(-unit, -unit, 2 * unit, 2 * unit) : r;
    view_->fitInView(r.adjusted(-r.width() * 0.08 - 1, -r.height() * 0.08 - 1, r.width() * 0.08 + 1,
                                r.height() * 0.08 + 1),
                     Qt::KeepAspectRatio);
    miniMap_->update();
}

core::Result<void> NetworkCanvas::exportImage(const QString& path) {
    const core::Error unwritable{tr("%1: cannot be written").arg(path).toStdString()};
    placeLabelsIfNeeded();
    QRectF r = contentBounds();
    r = r.adjusted(-r.width() * 0.05 - 1, -r.height() * 0.05 - 1, r.width() * 0.05 + 1,
                   r.height() * 0.05 + 1);
    // Icons keep their size on screen: render the scene as the view shows it, not the items'
    // scene extent at scale 1.
    const QRect source = view_->mapFromScene(r).boundingRect();
    const QSize size = source.size().boundedTo(QSize(8000, 8000)).expandedTo(QSize(200, 150));
    const bool svg = QFileInfo(path).suffix().compare("svg", Qt::CaseInsensitive) == 0;
    if (svg) {
        QSvgGenerator gen;
        gen.setFileName(path);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        gen.setResolution(view_->logicalDpiX());
        gen.setTitle(doc_->displayName());
        QPainter p;
        if (!p.begin(&gen)) return unwritable;
        p.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));
        view_->render(&p, QRectF(QPointF(0, 0), size), source);
        p.end();
        return {};
    }
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    view_->render(&p, QRectF(QPointF(0, 0), size), source);
    p.end();
    if (!image.save(path)) return unwritable;
    return {};
}

// --- animation -------------------------------------------------------------------------------
void NetworkCanvas::resetLook() {
    const std::size_t n = structure_ ? structure_->nodes.size() : 0;
    look_.reset(n, structure_ ? structure_->layers : std::vector<std::string>{});
    for (std::size_t i = 0; i < n; ++i)
        if (!structure_->nodes[i].up) look_.setInitiallyDown(static_cast<std::uint32_t>(i));
    lastSnapshot_.reset();
    // The legend belongs to a run: a network drawn from the document alone has no layers' reports.
    const bool run = structure_ && !structure_->layers.empty();
    legend_->setCatalog(nullptr);
    legend_->describe(look_);
    legend_->setVisible(run && legendWanted_);
}

void NetworkCanvas::setLegendVisible(bool visible) {
    legendWanted_ = visible;
    legend_->setVisible(visible && structure_ && !structure_->layers.empty());
}

void NetworkCanvas::resetActivity() {
    resetLook();
    clearMarks();
    overlay_->dots.clear();
    frameTimer_->stop();
    refreshActivity();
}

void NetworkCanvas::applySnapshot(std::shared_ptr<const core::RunnerSnapshot> snapshot) {
    if (!snapshot) return;
    lastSnapshot_ = std::move(snapshot);
    legend_->setCatalog(lastSnapshot_->catalog);
    if (look_.applySnapshot(*lastSnapshot_)) refreshActivity();
}

void NetworkCanvas::applyActivity(const ActivityBatch& batch) {
    if (!structure_) return;
    const std::size_t n = look_.nodeCount();
    bool changed = false;
    for (const ActivityBatch::NodeChange& c : batch.changes)
        changed = look_.apply(c) || changed;
    previousNow_ = displayNow_;
    batchNow_ = sim::toSeconds(batch.now);
    batchClock_.start();
    if (animateMessages_) {
        auto& dots = overlay_->dots;
        // Forget what has arrived; keep at most a few thousand on the way.
        std::erase_if(dots, [&](const ActivityOverlay::Dot& d) { return d.arrive < displayNow_; });
        constexpr std::size_t kMaxDots = 4000;
        const std::size_t room = dots.size() < kMaxDots ? kMaxDots - dots.size() : 0;
        const std::size_t take = std::min(room, batch.hops.size());
        const double stride = take ? static_cast<double>(batch.hops.size()) / take : 1;
        for (std::size_t k = 0; k < take; ++k) {
            const auto& h = batch.hops[static_cast<std::size_t>(k * stride)];
            if (h.from >= n || h.to >= n) continue;
            const QPointF a = displayPos(h.from), b = displayPos(h.to);
            if (a == b) continue;
            dots.push_back({a, b, sim::toSeconds(h.start), sim::toSeconds(h.arrive)});
        }
        overlay_->hidden = static_cast<int>(batch.hops.size() - take + batch.droppedHops);
        if (!frameTimer_->isActive()) frameTimer_->start();
    }
    if (changed) refreshActivity();
}

namespace {
/// Adds a point to the set of its colour (a few colours: a linear search is quickest).
void addPoint(std::vector<ActivityOverlay::Points>& sets, const QColor& colour, const QPointF& at) {
    for (ActivityOverlay::Points& s : sets)
        if (s.colour == colour) {
            s.at.push_back(at);
            return;
        }
    sets.push_back({colour, {at}});
}
}  // namespace

void NetworkCanvas::refreshActivity() {
    if (!structure_) return;
    const NetworkStructure& S = *structure_;
    for (std::size_t i = 0; i < nodeItems_.size(); ++i)
        if (nodeItems_[i]) {
            const auto node = static_cast<std::uint32_t>(i);
            nodeItems_[i]->setLook(look_.activity(node) == NodeState::Down, look_.ringColour(node),
                                   look_.fillColour(node));
        }
    overlay_->fills.clear();
    overlay_->rings.clear();
    const bool filled = look_.fillMetric() && look_.hasValues();
    for (std::uint32_t k = 0; k < S.groups.size(); ++k) {
        const NetworkStructure::Group& g = S.groups[k];
        std::vector<std::pair<QColor, double>> shares;
        double sum = 0, low = 0, high = 0;
        std::uint32_t valued = 0;  // members with a value
        for (std::uint32_t m = 0; m < g.count; ++m) {
            const std::uint32_t node = g.first + m;
            const QColor ring = look_.ringColour(node);
            if (ring.isValid()) {
                auto it = std::find_if(shares.begin(), shares.end(),
                                       [&](const auto& s) { return s.first == ring; });
                if (it == shares.end())
                    shares.emplace_back(ring, 1.0);
                else
                    it->second += 1;
                if (clouds_[k]) addPoint(overlay_->rings, ring, positions_.members[node]);
            }
            // A member's dot on top of its ring: its value's colour, else its role's.
            const double v = filled ? look_.value(node) : std::nan("");
            if (!std::isnan(v)) {
                sum += v;
                low = valued == 0 ? v : std::min(low, v);
                high = valued == 0 ? v : std::max(high, v);
                ++valued;
            }
            if (clouds_[k] && (!std::isnan(v) || ring.isValid()))
                addPoint(overlay_->fills, std::isnan(v) ? clouds_[k]->color() : look_.colourOf(v),
                         positions_.members[node]);
        }
        if (!groupItems_[k] || g.count == 0) continue;
        for (auto& s : shares)
            s.second /= g.count;
        groupItems_[k]->setRings(std::move(shares));
        if (valued > 0) {
            const double mean = sum / valued;
            groupItems_[k]->setFill(look_.colourOf(mean),
                                    tr("%1: mean %2, from %3 to %4 over %5 of %6 members")
                                        .arg(legend_->fillChoice()->currentText())
                                        .arg(mean, 0, 'g', 4)
                                        .arg(low, 0, 'g', 4)
                                        .arg(high, 0, 'g', 4)
                                        .arg(valued)
                                        .arg(g.count));
        } else {
            groupItems_[k]->setFill(QColor(), QString());
        }
    }
    legend_->describe(look_);
    overlay_->update();
}

void NetworkCanvas::tick() {
    // Between two batches, the display clock moves from the previous batch's time to the
    // latest over one publishing interval, so messages glide instead of jumping.
    const double f = std::min(1.0, batchClock_.isValid() ? batchClock_.elapsed() / 33.0 : 1.0);
    displayNow_ = previousNow_ + (batchNow_ - previousNow_) * f;
    overlay_->now = displayNow_;
    auto& dots = overlay_->dots;
    std::erase_if(dots, [&](const ActivityOverlay::Dot& d) { return d.arrive < displayNow_; });
    overlay_->update();
    if (dots.empty() && f >= 1.0) frameTimer_->stop();
}

}  // namespace dais::studio
