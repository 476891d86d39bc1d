#include "ui/network_canvas.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QSvgGenerator>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "dais/core/layer_registry.h"
#include "run/run_controller.h"
#include "ui/canvas_items.h"

namespace dais::studio {

namespace {

constexpr std::uint32_t kNone = NetworkStructure::kNone;

/// Scene coordinates put north up: y grows downwards on screen.
QPointF toScene(double x, double y) {
    return {x, -y};
}
Json fromScene(const QPointF& p) {
    // Positions are kept to the metre: enough for any network, and readable in the file.
    auto round = [](double v) { return std::round(v * 1000) / 1000; };
    return Json::array({round(p.x()), round(-p.y())});
}

std::string indexPointer(const char* section, std::size_t i) {
    return std::string("/network/") + section + "/" + std::to_string(i);
}

/// Index of the element with this id in /network/<section>, or -1.
int findById(const Json& doc, const char* section, const std::string& id) {
    const auto net = doc.find("network");
    if (net == doc.end() || !net->is_object()) return -1;
    const auto list = net->find(section);
    if (list == net->end() || !list->is_array()) return -1;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Json& e = (*list)[i];
        if (e.is_object() && stringAt(e, "id") == id) return static_cast<int>(i);
    }
    return -1;
}

/// A stored studio position for an id ("ui": {"positions": {"id": [x, y]}}).
std::optional<QPointF> uiPosition(const Json& doc, const std::string& id) {
    const auto ui = doc.find("ui");
    if (ui == doc.end() || !ui->is_object()) return std::nullopt;
    const auto pos = ui->find("positions");
    if (pos == ui->end() || !pos->is_object()) return std::nullopt;
    const auto it = pos->find(id);
    if (it == pos->end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() ||
        !(*it)[1].is_number())
        return std::nullopt;
    return toScene((*it)[0].get<double>(), (*it)[1].get<double>());
}

std::string uiPositionPointer(const std::string& id) {
    std::string escaped;
    for (char c : id)
        escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return "/ui/positions/" + escaped;
}

/// Colours of the layers' badges, by layer id.
QColor layerColor(const std::string& id) {
    static const QColor colors[] = {QColor(0x2b, 0x7a, 0xd6), QColor(0xd6, 0x6b, 0x2b),
                                    QColor(0x3b, 0xa5, 0x5c), QColor(0x9b, 0x59, 0xb6),
                                    QColor(0xc0, 0x39, 0x2b)};
    return colors[qHash(QString::fromStdString(id)) % 5];
}

/// Force-directed placement (Fruchterman and Reingold 1991) of the movable points; fixed ones
/// only push and pull. Deterministic: it starts from a circle.
void forceLayout(std::vector<QPointF>& pos, const std::vector<bool>& fixed,
                 const std::vector<std::pair<int, int>>& edges, double k) {
    const std::size_t n = pos.size();
    if (n == 0) return;
    double temperature = k * 2;
    std::vector<QPointF> disp(n);
    for (int iter = 0; iter < 200; ++iter) {
        std::fill(disp.begin(), disp.end(), QPointF());
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = i + 1; j < n; ++j) {
                QPointF d = pos[i] - pos[j];
                double dist = std::hypot(d.x(), d.y());
                if (dist < 1e-6) {
                    d = QPointF(1e-3 * static_cast<double>(i + 1), 1e-3);
                    dist = std::hypot(d.x(), d.y());
                }
                const QPointF f = d / dist * (k * k / dist);
                disp[i] += f;
                disp[j] -= f;
            }
        for (const auto& [a, b] : edges) {
            const QPointF d = pos[static_cast<std::size_t>(a)] - pos[static_cast<std::size_t>(b)];
            const double dist = std::max(std::hypot(d.x(), d.y()), 1e-6);
            const QPointF f = d / dist * (dist * dist / k);
            disp[static_cast<std::size_t>(a)] -= f;
            disp[static_cast<std::size_t>(b)] += f;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (fixed[i]) continue;
            const double len = std::hypot(disp[i].x(), disp[i].y());
            if (len > 0) pos[i] += disp[i] / len * std::min(len, temperature);
        }
        temperature = std::max(temperature * 0.97, k * 0.01);
    }
}

}  // namespace

// =============================================================================================
// MiniMap: the whole network in the corner, with the part in view framed. Drawn from a pixmap
// made when the network changes, so it costs nothing during animation.
class MiniMap final : public QWidget {
  public:
    MiniMap(NetworkCanvas* canvas, QWidget* parent) : QWidget(parent), canvas_(canvas) {
        setFixedSize(200, 140);
        setCursor(Qt::PointingHandCursor);
        setToolTip(QObject::tr("Overview: click or drag to move the view"));
    }
    void refresh() {
        QGraphicsScene* scene = canvas_->scene();
        const QRectF r = canvas_->contentBounds();
        pixmap_ = QPixmap(size() * devicePixelRatioF());
        pixmap_.setDevicePixelRatio(devicePixelRatioF());
        pixmap_.fill(Qt::transparent);
        sceneRect_ = r.isEmpty() ? QRectF(-1, -1, 2, 2)
                                 : r.adjusted(-r.width() * 0.05, -r.height() * 0.05,
                                              r.width() * 0.05, r.height() * 0.05);
        QPainter p(&pixmap_);
        scene->render(&p, QRectF(QPointF(0, 0), size()), sceneRect_, Qt::KeepAspectRatio);
        update();
    }

  protected:
    void paintEvent(QPaintEvent*) override {
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
    void mousePressEvent(QMouseEvent* e) override { centreOn(e->position()); }
    void mouseMoveEvent(QMouseEvent* e) override {
        if (e->buttons() & Qt::LeftButton) centreOn(e->position());
    }

  private:
    QTransform toWidget() const {
        const double s = std::min(width() / sceneRect_.width(), height() / sceneRect_.height());
        const double ox = (width() - sceneRect_.width() * s) / 2,
                     oy = (height() - sceneRect_.height() * s) / 2;
        return QTransform(s, 0, 0, s, ox - sceneRect_.left() * s, oy - sceneRect_.top() * s);
    }
    void centreOn(const QPointF& p) {
        canvas_->view()->centerOn(toWidget().inverted().map(p));
        update();
    }
    NetworkCanvas* canvas_;
    QPixmap pixmap_;
    QRectF sceneRect_;
};

// =============================================================================================
NetworkCanvas::NetworkCanvas(ScenarioDocument* document, QWidget* parent)
    : QWidget(parent), doc_(document) {
    scene_ = new QGraphicsScene(this);
    scene_->setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    view_ = new NetworkView(scene_, this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    miniMap_ = new MiniMap(this, this);
    overlay_ = new ActivityOverlay;
    overlay_->setZValue(20);
    scene_->addItem(overlay_);
    frameTimer_ = new QTimer(this);
    frameTimer_->setInterval(16);
    connect(frameTimer_, &QTimer::timeout, this, &NetworkCanvas::tick);
    connect(scene_, &QGraphicsScene::selectionChanged, this, &NetworkCanvas::updateSelection);
    // The structure follows the document: built again when an edit validates.
    connect(doc_, &ScenarioDocument::validated, this, [this] {
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
    });
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

NetworkCanvas::~NetworkCanvas() {
    // The scene's items go before the canvas: their selection changes are nobody's news.
    disconnect(scene_, nullptr, this, nullptr);
    rebuilding_ = true;
}

void NetworkCanvas::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    miniMap_->move(width() - miniMap_->width() - 12, height() - miniMap_->height() - 12);
    miniMap_->raise();
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
    miniMap_->setVisible(visible);
}

void NetworkCanvas::setNetworkStructure(std::shared_ptr<const NetworkStructure> structure) {
    structure_ = std::move(structure);
    states_.assign(structure_ ? structure_->nodes.size() : 0, NodeState::Idle);
    for (std::size_t i = 0; structure_ && i < structure_->nodes.size(); ++i)
        if (!structure_->nodes[i].up) states_[i] = NodeState::Down;
    rebuild();
    if (fitPending_) {
        fitPending_ = false;
        fitAll();
    }
}

QPointF NetworkCanvas::displayPos(std::uint32_t node) const {
    if (!structure_ || node >= structure_->nodes.size()) return {};
    const NetworkStructure::Node& n = structure_->nodes[node];
    if (n.group == kNone) return explicitPos_[node];
    const std::string& gid = structure_->groups[n.group].id;
    return expanded_.count(gid) ? memberPos_[node] : groupCentre_[n.group];
}

QPointF NetworkCanvas::nodeScenePos(std::uint32_t node) const {
    return displayPos(node);
}

void NetworkCanvas::computePositions(bool studioPositions) {
    const NetworkStructure& S = *structure_;
    const Json& doc = doc_->json();
    const std::size_t n = S.nodes.size(), g = S.groups.size();
    explicitPos_.assign(n, QPointF());
    memberPos_.assign(n, QPointF());
    groupCentre_.assign(g, QPointF());
    groupRadius_.assign(g, 0);

    // Units: explicit nodes (not members) and groups. Fixed: geography or a stored position.
    struct Unit {
        bool group;
        std::uint32_t index;
        bool fixed;
        QPointF pos;
    };
    std::vector<Unit> units;
    std::vector<int> unitOfNode(n, -1), unitOfGroup(g, -1);
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    auto extend = [&](const QPointF& p) {
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        const NetworkStructure::Node& node = S.nodes[i];
        if (node.group != kNone) continue;
        const int docIndex = findById(doc, "nodes", node.id);
        bool fixed = false;
        QPointF p = toScene(node.x, node.y);
        if (docIndex >= 0 &&
            doc["network"]["nodes"][static_cast<std::size_t>(docIndex)].contains("position")) {
            fixed = true;
        } else if (const auto ui = studioPositions ? uiPosition(doc, node.id) : std::nullopt) {
            p = *ui;
            fixed = true;
        } else if (node.region != kNone) {
            fixed = true;
        }
        unitOfNode[i] = static_cast<int>(units.size());
        units.push_back({false, i, fixed, p});
        if (fixed) extend(p);
    }
    std::map<std::uint32_t, int> groupsInRegion;
    struct RegionSlot {
        std::uint32_t group, region;
        int slot;
    };
    std::vector<RegionSlot> regionGroups;
    for (std::uint32_t k = 0; k < g; ++k) {
        const NetworkStructure::Group& grp = S.groups[k];
        bool fixed = false;
        QPointF p;
        if (const auto ui = studioPositions ? uiPosition(doc, grp.id) : std::nullopt) {
            p = *ui;
            fixed = true;
        } else if (grp.count > 0 && S.nodes[grp.first].region != kNone) {
            // Around the region's centre, where its gateway or data centre usually stands.
            const std::uint32_t region = S.nodes[grp.first].region;
            const sim::RegionSpec& r = S.regions[region];
            const int slot = groupsInRegion[region]++;
            regionGroups.push_back({k, region, slot});
            p = toScene(r.x, r.y);
            fixed = true;
        }
        unitOfGroup[k] = static_cast<int>(units.size());
        units.push_back({true, k, fixed, p});
        if (fixed) extend(p);
    }
    for (const sim::RegionSpec& r : S.regions) {
        extend(toScene(r.x - r.radius, r.y - r.radius));
        extend(toScene(r.x + r.radius, r.y + r.radius));
    }
    const double extent = x0 <= x1 ? std::max(x1 - x0, y1 - y0) : 0;
    unit_ = std::max(extent / 8, 100.0);
    for (const RegionSlot& rs : regionGroups) {
        const int m = groupsInRegion[rs.region];
        // Diagonal slots: a label (under its icon, wider than tall) clears the gateway's label
        // and the next group's, which sit at other heights.
        const double a = M_PI / 6 + 2 * M_PI * rs.slot / m;
        units[static_cast<std::size_t>(unitOfGroup[rs.group])].pos +=
            QPointF(std::cos(a), std::sin(a)) * unit_ * 0.45;
    }

    // Place the others by force over the drawn graph (members stand for their group).
    auto unitOf = [&](std::uint32_t node) {
        const std::uint32_t grp = S.nodes[node].group;
        return grp == kNone ? unitOfNode[node] : unitOfGroup[grp];
    };
    std::set<std::pair<int, int>> edgeSet;
    for (const NetworkStructure::Link& l : S.links) {
        int a = unitOf(l.a), b = unitOf(l.b);
        if (a < 0 || b < 0 || a == b) continue;
        if (a > b) std::swap(a, b);
        edgeSet.insert({a, b});
    }
    const bool anyFree =
        std::any_of(units.begin(), units.end(), [](const Unit& u) { return !u.fixed; });
    if (anyFree) {
        const QPointF centre = x0 <= x1 ? QPointF((x0 + x1) / 2, (y0 + y1) / 2) : QPointF();
        std::vector<QPointF> pos;
        std::vector<bool> fixed;
        std::size_t free = 0;
        for (const Unit& u : units)
            free += u.fixed ? 0 : 1;
        std::size_t k = 0;
        for (const Unit& u : units) {
            if (u.fixed) {
                pos.push_back(u.pos);
            } else {
                const double a = 2 * M_PI * static_cast<double>(k++) / static_cast<double>(free);
                const double r = unit_ * std::max(1.0, std::sqrt(static_cast<double>(free)) / 2);
                pos.push_back(centre + QPointF(r * std::cos(a), r * std::sin(a)));
            }
            fixed.push_back(u.fixed);
        }
        if (units.size() <= 600)
            forceLayout(pos, fixed, {edgeSet.begin(), edgeSet.end()}, unit_ * 1.5);
        for (std::size_t i = 0; i < units.size(); ++i)
            units[i].pos = pos[i];
    }
    for (const Unit& u : units) {
        if (u.group)
            groupCentre_[u.index] = u.pos;
        else
            explicitPos_[u.index] = u.pos;
    }
    // Members: where their region placed them, else on a sunflower disc around the group.
    for (std::uint32_t k = 0; k < g; ++k) {
        const NetworkStructure::Group& grp = S.groups[k];
        const bool placed = grp.count > 0 && S.nodes[grp.first].region != kNone;
        const double step = unit_ * 0.045;
        double radius = 0;
        for (std::uint32_t m = 0; m < grp.count; ++m) {
            const std::uint32_t i = grp.first + m;
            if (placed) {
                memberPos_[i] = toScene(S.nodes[i].x, S.nodes[i].y);
            } else {
                const double r = step * std::sqrt(m + 0.5);
                const double a = m * 2.39996322972865332;  // the golden angle
                memberPos_[i] = groupCentre_[k] + QPointF(r * std::cos(a), r * std::sin(a));
            }
            const QPointF d = memberPos_[i] - groupCentre_[k];
            radius = std::max(radius, std::hypot(d.x(), d.y()));
        }
        groupRadius_[k] = radius;
    }
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
    scene_->addItem(overlay_);

    computePositions();
    const NetworkStructure& S = *structure_;
    const Json& doc = doc_->json();

    // Badges: the enabled layers that act on a role.
    std::map<std::string, std::vector<QColor>> badges;
    if (const auto scenario = doc_->scenario())
        for (const core::LayerSettings& s : scenario->layerSettings)
            if (s.enabled && s.descriptor)
                for (const core::RoleSpec& r : s.descriptor->roles)
                    badges[r.role].push_back(layerColor(s.id));

    for (std::size_t r = 0; r < S.regions.size(); ++r) {
        const sim::RegionSpec& reg = S.regions[r];
        const int docIndex = findById(doc, "regions", reg.id);
        auto* item = new RegionItem(
            toScene(reg.x, reg.y), std::max(reg.radius, unit_ * 0.3),
            QString::fromStdString(reg.id),
            docIndex >= 0 ? indexPointer("regions", static_cast<std::size_t>(docIndex)) : "");
        scene_->addItem(item);
        regionItems_.push_back(item);
    }
    nodeItems_.assign(S.nodes.size(), nullptr);
    for (std::uint32_t i = 0; i < S.nodes.size(); ++i) {
        const NetworkStructure::Node& node = S.nodes[i];
        if (node.group != kNone) continue;
        const int docIndex = findById(doc, "nodes", node.id);
        const std::string pointer =
            docIndex >= 0 ? indexPointer("nodes", static_cast<std::size_t>(docIndex)) : "";
        // Nodes placed by their region are where the run puts them; the others can be moved.
        const bool movable =
            docIndex >= 0 &&
            (node.region == kNone ||
             doc["network"]["nodes"][static_cast<std::size_t>(docIndex)].contains("position"));
        auto* item = new NodeItem(this, QString::fromStdString(node.role),
                                  QString::fromStdString(node.id), i, pointer, movable);
        if (const auto b = badges.find(node.role); b != badges.end()) item->setBadges(b->second);
        item->setPos(explicitPos_[i]);
        item->setState(states_[i]);
        scene_->addItem(item);
        nodeItems_[i] = item;
    }
    groupItems_.assign(S.groups.size(), nullptr);
    clouds_.assign(S.groups.size(), nullptr);
    for (std::uint32_t k = 0; k < S.groups.size(); ++k) {
        const NetworkStructure::Group& grp = S.groups[k];
        const int docIndex = findById(doc, "groups", grp.id);
        const bool expanded = expanded_.count(grp.id) > 0;
        auto* item = new GroupItem(
            this, QString::fromStdString(grp.role), QString::fromStdString(grp.id), grp.count,
            docIndex >= 0 ? indexPointer("groups", static_cast<std::size_t>(docIndex)) : "",
            expanded);
        if (const auto b = badges.find(grp.role); b != badges.end()) item->setBadges(b->second);
        item->setPos(groupCentre_[k]);
        if (expanded) {
            // Members placed by a region are where a run puts them: the group is not moved.
            item->setFlag(QGraphicsItem::ItemIsMovable, false);
            item->setPos(groupCentre_[k] - QPointF(0, groupRadius_[k]));
            std::vector<QPointF> pts(memberPos_.begin() + grp.first,
                                     memberPos_.begin() + grp.first + grp.count);
            auto* cloud = new MemberCloudItem(roleColor(QString::fromStdString(grp.role)),
                                              std::move(pts), grp.first);
            scene_->addItem(cloud);
            clouds_[k] = cloud;
        }
        scene_->addItem(item);
        groupItems_[k] = item;
    }
    rebuildLinks();
    for (QGraphicsItem* item : scene_->items())
        if (selected.count(item->data(kPointer).toString().toStdString()) &&
            item->flags() & QGraphicsItem::ItemIsSelectable)
            item->setSelected(true);
    const QRectF bounds = contentBounds();
    const double m = std::max(bounds.width(), bounds.height()) * 0.5 + unit_;
    scene_->setSceneRect(bounds.adjusted(-m, -m, m, m));
    overlay_->setBounds(scene_->sceneRect());
    rebuilding_ = false;
    refreshActivity();
    miniMap_->refresh();
    updateSelection();
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
        auto* item = new LinkItem(line, "/network/links/" + std::to_string(l));
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
        }
        s.count = 1;
    } else if (highlightedMember_ != kNone) {
        s.kind = CanvasSelection::Kind::Member;
        s.node = highlightedMember_;
        const std::uint32_t g = structure_->nodes[highlightedMember_].group;
        const int docIndex = findById(doc_->json(), "groups", structure_->groups[g].id);
        if (docIndex >= 0) s.pointer = indexPointer("groups", static_cast<std::size_t>(docIndex));
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
    const std::string stem = role.isEmpty() ? "node" : role.toStdString();
    const std::string id = doc_->freshId(stem);
    Json element = {{"id", id}};
    if (group) {
        element["count"] = 100;
        if (!role.isEmpty()) element["role"] = role.toStdString();
        // Inside a region's disc, the group belongs to that region.
        for (const QGraphicsItem* r : regionItems_) {
            const auto* region = static_cast<const RegionItem*>(r);
            const QPointF d = scenePos - region->pos();
            if (region->contains(region->mapFromScene(scenePos)) && !region->pointer().empty() &&
                std::hypot(d.x(), d.y()) <= region->boundingRect().width() / 2) {
                if (const Json* rid = doc_->at(region->pointer() + "/id")) element["region"] = *rid;
                break;
            }
        }
        std::vector<Change> changes{{"/network/groups/-", element, true}};
        if (!element.contains("region"))
            changes.push_back({uiPositionPointer(id), fromScene(scenePos)});
        doc_->apply(tr("Add group %1").arg(QString::fromStdString(id)), std::move(changes));
    } else {
        if (!role.isEmpty()) element["role"] = role.toStdString();
        element["position"] = fromScene(scenePos);
        doc_->apply(tr("Add %1").arg(QString::fromStdString(id)),
                    {{"/network/nodes/-", element, true}});
    }
}

void NetworkCanvas::connectItems(const std::string& fromPointer, const std::string& toPointer) {
    if (fromPointer.empty() || toPointer.empty() || fromPointer == toPointer) return;
    const Json* from = doc_->at(fromPointer + "/id");
    const Json* to = doc_->at(toPointer + "/id");
    if (!from || !to || !from->is_string() || !to->is_string()) return;
    const bool fromGroup = fromPointer.rfind("/network/groups/", 0) == 0;
    const bool toGroup = toPointer.rfind("/network/groups/", 0) == 0;
    if (fromGroup && toGroup) {
        emit message(tr("Two groups cannot be linked directly: attach each to a node."));
        return;
    }
    if (fromGroup || toGroup) {
        const std::string& group = fromGroup ? fromPointer : toPointer;
        const Json* node = fromGroup ? to : from;
        doc_->set(tr("Attach %1 to %2")
                      .arg(QString::fromStdString(doc_->at(group + "/id")->get<std::string>()),
                           QString::fromStdString(node->get<std::string>())),
                  group + "/attach", *node);
        return;
    }
    const Json link = {{"from", *from}, {"to", *to}, {"latency", "5ms"}, {"bandwidth", "1Gbps"}};
    doc_->apply(tr("Link %1 and %2")
                    .arg(QString::fromStdString(from->get<std::string>()),
                         QString::fromStdString(to->get<std::string>())),
                {{"/network/links/-", link, true}});
}

void NetworkCanvas::deleteSelection() {
    // Remove from the end of each list so that the indexes of the others hold.
    std::map<std::string, std::set<std::size_t, std::greater<>>> doomed;
    std::set<std::string> ids;
    for (QGraphicsItem* item : scene_->selectedItems()) {
        const std::string p = item->data(kPointer).toString().toStdString();
        const std::size_t slash = p.rfind('/');
        if (p.empty() || slash == std::string::npos) continue;
        doomed[p.substr(0, slash)].insert(std::stoul(p.substr(slash + 1)));
        if (const Json* id = doc_->at(p + "/id"); id && id->is_string())
            ids.insert(id->get<std::string>());
    }
    if (doomed.empty()) return;
    // Links that end at a removed node go with it; groups attached to it lose the attachment.
    if (const Json* links = doc_->at("/network/links"); links && links->is_array())
        for (std::size_t i = 0; i < links->size(); ++i) {
            const Json& l = (*links)[i];
            if (ids.count(stringAt(l, "from")) || ids.count(stringAt(l, "to")))
                doomed["/network/links"].insert(i);
        }
    std::vector<Change> changes;
    if (const Json* groups = doc_->at("/network/groups"); groups && groups->is_array())
        for (std::size_t i = 0; i < groups->size(); ++i)
            if (ids.count(stringAt((*groups)[i], "attach")) && !doomed["/network/groups"].count(i))
                changes.push_back({indexPointer("groups", i) + "/attach", std::nullopt});
    int count = 0;
    for (const auto& [list, indexes] : doomed)
        for (std::size_t i : indexes) {
            changes.push_back({list + "/" + std::to_string(i), std::nullopt});
            ++count;
        }
    for (const std::string& id : ids)
        if (doc_->at(uiPositionPointer(id)))
            changes.push_back({uiPositionPointer(id), std::nullopt});
    doc_->apply(
        count == 1
            ? tr("Delete %1").arg(ids.empty() ? tr("link") : QString::fromStdString(*ids.begin()))
            : tr("Delete %1 items").arg(count),
        std::move(changes));
}

void NetworkCanvas::itemsMoved(const std::vector<QGraphicsItem*>& items) {
    std::vector<Change> changes;
    QString name;
    for (QGraphicsItem* item : items) {
        const std::string p = item->data(kPointer).toString().toStdString();
        const Json* id = doc_->at(p + "/id");
        if (!id || !id->is_string()) continue;
        name = QString::fromStdString(id->get<std::string>());
        QPointF pos = item->pos();
        if (p.rfind("/network/nodes/", 0) == 0 && doc_->at(p + "/position")) {
            changes.push_back({p + "/position", fromScene(pos)});
        } else {
            changes.push_back({uiPositionPointer(id->get<std::string>()), fromScene(pos)});
        }
    }
    if (changes.empty()) return;
    doc_->apply(
        changes.size() == 1 ? tr("Move %1").arg(name) : tr("Move %1 items").arg(changes.size()),
        std::move(changes));
}

void NetworkCanvas::autoLayout() {
    if (!structure_) return;
    // Forget the studio's positions, lay out again, and keep the result.
    std::vector<Change> changes{{"/ui/positions", std::nullopt}};
    computePositions(false);
    Json positions = Json::object();
    const NetworkStructure& S = *structure_;
    for (std::uint32_t i = 0; i < S.nodes.size(); ++i) {
        const NetworkStructure::Node& n = S.nodes[i];
        if (n.group != kNone || n.region != kNone) continue;
        const int d = findById(doc_->json(), "nodes", n.id);
        if (d < 0 ||
            doc_->json()["network"]["nodes"][static_cast<std::size_t>(d)].contains("position"))
            continue;
        positions[n.id] = fromScene(explicitPos_[i]);
    }
    for (std::uint32_t k = 0; k < S.groups.size(); ++k) {
        const NetworkStructure::Group& grp = S.groups[k];
        if (grp.count > 0 && S.nodes[grp.first].region != kNone) continue;
        positions[grp.id] = fromScene(groupCentre_[k]);
    }
    changes[0].after = positions;
    doc_->apply(tr("Automatic layout"), std::move(changes));
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
    // from growing with every rebuild.
    QRectF r;
    for (const QGraphicsItem* item : scene_->items())
        if (item != overlay_ && item->isVisible()) r |= item->sceneBoundingRect();
    return r;
}

void NetworkCanvas::fitAll() {
    fitting_ = true;
    QRectF r = contentBounds();
    r = r.isEmpty() ? QRectF(-unit_, -unit_, 2 * unit_, 2 * unit_) : r;
    view_->fitInView(r.adjusted(-r.width() * 0.08 - 1, -r.height() * 0.08 - 1, r.width() * 0.08 + 1,
                                r.height() * 0.08 + 1),
                     Qt::KeepAspectRatio);
    miniMap_->update();
}

bool NetworkCanvas::exportImage(const QString& path, QString* error) {
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
        if (!p.begin(&gen)) {
            if (error) *error = tr("%1: cannot be written").arg(path);
            return false;
        }
        p.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));
        view_->render(&p, QRectF(QPointF(0, 0), size), source);
        p.end();
        return true;
    }
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    view_->render(&p, QRectF(QPointF(0, 0), size), source);
    p.end();
    if (!image.save(path)) {
        if (error) *error = tr("%1: cannot be written").arg(path);
        return false;
    }
    return true;
}

// --- animation -------------------------------------------------------------------------------
void NetworkCanvas::resetActivity() {
    std::fill(states_.begin(), states_.end(), NodeState::Idle);
    if (structure_)
        for (std::size_t i = 0; i < structure_->nodes.size(); ++i)
            if (!structure_->nodes[i].up) states_[i] = NodeState::Down;
    overlay_->dots.clear();
    frameTimer_->stop();
    refreshActivity();
}

void NetworkCanvas::applyActivity(const ActivityBatch& batch) {
    if (!structure_) return;
    const std::size_t n = states_.size();
    bool changed = false;
    for (const ActivityBatch::NodeChange& c : batch.changes) {
        if (c.node >= n) continue;
        NodeState s = NodeState::Idle;
        switch (c.kind) {
            case ActivityBatch::NodeChange::Down:
                s = NodeState::Down;
                break;
            case ActivityBatch::NodeChange::Working:
                s = NodeState::Working;
                break;
            case ActivityBatch::NodeChange::Waiting:
                s = NodeState::Waiting;
                break;
            case ActivityBatch::NodeChange::Up:
            case ActivityBatch::NodeChange::Idle:
                break;
        }
        // A node that is down stays down until it comes up, whatever it was doing.
        if (states_[c.node] == NodeState::Down && c.kind != ActivityBatch::NodeChange::Up) continue;
        if (states_[c.node] != s) {
            states_[c.node] = s;
            changed = true;
        }
    }
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

void NetworkCanvas::refreshActivity() {
    if (!structure_) return;
    const NetworkStructure& S = *structure_;
    for (std::size_t i = 0; i < nodeItems_.size(); ++i)
        if (nodeItems_[i]) nodeItems_[i]->setState(states_[i]);
    for (auto& a : overlay_->active)
        a.clear();
    for (std::uint32_t k = 0; k < S.groups.size(); ++k) {
        const NetworkStructure::Group& g = S.groups[k];
        std::uint32_t counts[4] = {0, 0, 0, 0};
        for (std::uint32_t m = 0; m < g.count; ++m) {
            const NodeState s = states_[g.first + m];
            ++counts[static_cast<int>(s)];
            if (clouds_[k] && s != NodeState::Idle)
                overlay_->active[static_cast<int>(s) - 1].push_back(memberPos_[g.first + m]);
        }
        if (groupItems_[k] && g.count)
            groupItems_[k]->setStates(counts[1] / double(g.count), counts[2] / double(g.count),
                                      counts[3] / double(g.count));
    }
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

// =============================================================================================
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
        if (!itemAt(event->pos()) ||
            static_cast<ItemKind>(itemAt(event->pos())->data(kKind).toInt()) == ItemKind::Region) {
            const double radius = 6 / transform().m11();
            for (MemberCloudItem* c : canvas_->clouds_) {
                if (!c) continue;
                const int m = c->memberAt(scenePos, radius);
                if (m >= 0) {
                    scene()->clearSelection();
                    canvas_->highlightMember(c->firstNode() + static_cast<std::uint32_t>(m));
                    canvas_->updateSelection();
                    return;
                }
            }
            for (LinkItem* l : canvas_->linkItems_) {
                const QLineF line = l->line();
                const QPointF d = line.p2() - line.p1();
                const double len2 = d.x() * d.x() + d.y() * d.y();
                const double t =
                    len2 > 0
                        ? std::clamp(QPointF::dotProduct(scenePos - line.p1(), d) / len2, 0.0, 1.0)
                        : 0;
                const QPointF q = line.p1() + d * t - scenePos;
                if (std::hypot(q.x(), q.y()) <= radius) {
                    if (!(event->modifiers() & Qt::ControlModifier)) scene()->clearSelection();
                    l->setSelected(true);
                    return;
                }
            }
            canvas_->highlightMember(NetworkStructure::kNone);
        }
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
        const std::string id = g->label().toStdString();
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

// =============================================================================================
namespace {

/// The palette's list: items carry their role; dragging one starts a drag of that role.
class PaletteList final : public QListWidget {
  public:
    explicit PaletteList(QWidget* parent) : QListWidget(parent) {
        setDragEnabled(true);
        setDragDropMode(QAbstractItemView::DragOnly);
        setIconSize(QSize(24, 24));
        setSelectionMode(QAbstractItemView::SingleSelection);
    }

  protected:
    QMimeData* mimeData(const QList<QListWidgetItem*>& items) const override {
        if (items.isEmpty()) return nullptr;
        auto* mime = new QMimeData;
        mime->setData(kRoleMimeType, items.front()->data(Qt::UserRole).toString().toUtf8());
        return mime;
    }
    QStringList mimeTypes() const override { return {kRoleMimeType}; }
};

}  // namespace

QWidget* createPalette(NetworkCanvas* canvas, QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* hint = new QLabel(QObject::tr("Drag onto the canvas, or click and then click the "
                                        "canvas. Shift-click places several."),
                            box);
    hint->setWordWrap(true);
    hint->setStyleSheet("color: palette(mid)");
    layout->addWidget(hint);
    auto* list = new PaletteList(box);
    list->setObjectName("paletteList");
    for (const PaletteRole& r : paletteRoles()) {
        auto* item = new QListWidgetItem(roleListIcon(r.role), r.label, list);
        item->setData(Qt::UserRole, r.role);
        item->setToolTip(QObject::tr("A node with role \"%1\"").arg(r.role));
    }
    for (const PaletteRole& r : paletteRoles()) {
        if (r.role == "server" || r.role == "router" || r.role == "aggregator") continue;
        auto* item = new QListWidgetItem(roleListIcon(r.role),
                                         QObject::tr("Group of %1s").arg(r.label.toLower()), list);
        item->setData(Qt::UserRole, "group:" + r.role);
        item->setToolTip(
            QObject::tr("100 nodes with role \"%1\", drawn as one item (double-click it to "
                        "expand)")
                .arg(r.role));
    }
    layout->addWidget(list);
    QObject::connect(list, &QListWidget::itemClicked, canvas, [canvas](QListWidgetItem* item) {
        QString role = item->data(Qt::UserRole).toString();
        const bool group = role.startsWith("group:");
        canvas->setTool(NetworkCanvas::Tool::Place, group ? role.mid(6) : role, group);
        canvas->view()->setFocus();
    });
    QObject::connect(canvas, &NetworkCanvas::toolChanged, list, [list](NetworkCanvas::Tool t) {
        if (t != NetworkCanvas::Tool::Place) list->clearSelection();
    });
    return box;
}

}  // namespace dais::studio
