#include "ui/canvas_layout.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "ui/scenario_editor.h"

namespace dais::studio {

namespace {

constexpr std::uint32_t kNone = NetworkStructure::kNone;

/// Above this many units the force-directed layout would take too long: free units stay on
/// their starting circle.
constexpr std::size_t kMaxForceUnits = 600;

/// Force-directed placement (Fruchterman and Reingold 1991) of the movable points; fixed ones
/// only push and pull. Deterministic: it starts from the points given.
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

CanvasPositions CanvasLayout::compute(const NetworkStructure& structure,
                                      const ScenarioEditor& editor, bool useStudioPositions) {
    CanvasLayout layout(structure, editor, useStudioPositions);
    layout.addNodes();
    layout.addGroups();
    layout.chooseUnit();
    layout.spreadRegionGroups();
    layout.placeFreeUnits();
    layout.storeUnits();
    layout.placeMembers();
    return std::move(layout.out_);
}

CanvasLayout::CanvasLayout(const NetworkStructure& structure, const ScenarioEditor& editor,
                           bool useStudioPositions)
    : s_(structure),
      editor_(editor),
      useStudioPositions_(useStudioPositions),
      unitOfNode_(structure.nodes.size(), -1),
      unitOfGroup_(structure.groups.size(), -1) {
    out_.nodes.assign(s_.nodes.size(), QPointF());
    out_.members.assign(s_.nodes.size(), QPointF());
    out_.groupCentres.assign(s_.groups.size(), QPointF());
    out_.groupRadii.assign(s_.groups.size(), 0);
}

void CanvasLayout::extend(const QPointF& p) {
    x0_ = std::min(x0_, p.x());
    x1_ = std::max(x1_, p.x());
    y0_ = std::min(y0_, p.y());
    y1_ = std::max(y1_, p.y());
}

/// Nodes that are not group members: fixed by their own position, a studio position or their
/// region's placement.
void CanvasLayout::addNodes() {
    for (std::uint32_t i = 0; i < s_.nodes.size(); ++i) {
        const NetworkStructure::Node& node = s_.nodes[i];
        if (node.group != kNone) continue;
        bool fixed = false;
        QPointF p = sceneFromScenario({node.x, node.y});
        if (editor_.hasPosition(node.id)) {
            fixed = true;
        } else if (const auto ui =
                       useStudioPositions_ ? editor_.studioPosition(node.id) : std::nullopt) {
            p = sceneFromScenario(*ui);
            fixed = true;
        } else if (node.region != kNone) {
            fixed = true;
        }
        unitOfNode_[i] = static_cast<int>(units_.size());
        units_.push_back({false, i, fixed, p});
        if (fixed) extend(p);
    }
}

/// Groups: fixed by a studio position, or around their region's centre (where its gateway or
/// data centre usually stands).
void CanvasLayout::addGroups() {
    for (std::uint32_t k = 0; k < s_.groups.size(); ++k) {
        const NetworkStructure::Group& grp = s_.groups[k];
        bool fixed = false;
        QPointF p;
        if (const auto ui = useStudioPositions_ ? editor_.studioPosition(grp.id) : std::nullopt) {
            p = sceneFromScenario(*ui);
            fixed = true;
        } else if (grp.count > 0 && s_.nodes[grp.first].region != kNone) {
            const std::uint32_t region = s_.nodes[grp.first].region;
            const sim::RegionSpec& r = s_.regions[region];
            const int slot = groupsInRegion_[region]++;
            regionGroups_.push_back({k, region, slot});
            p = sceneFromScenario({r.x, r.y});
            fixed = true;
        }
        unitOfGroup_[k] = static_cast<int>(units_.size());
        units_.push_back({true, k, fixed, p});
        if (fixed) extend(p);
    }
}

/// The spacing of automatic positions: an eighth of what the fixed units and the regions span.
void CanvasLayout::chooseUnit() {
    for (const sim::RegionSpec& r : s_.regions) {
        extend(sceneFromScenario({r.x - r.radius, r.y - r.radius}));
        extend(sceneFromScenario({r.x + r.radius, r.y + r.radius}));
    }
    const double extent = hasExtent() ? std::max(x1_ - x0_, y1_ - y0_) : 0;
    out_.unit = std::max(extent / 8, 100.0);
}

/// Groups of one region on diagonal slots around its centre: a label (under its icon, wider
/// than tall) clears the gateway's label and the next group's, which sit at other heights.
void CanvasLayout::spreadRegionGroups() {
    for (const RegionSlot& rs : regionGroups_) {
        const int m = groupsInRegion_[rs.region];
        const double a = M_PI / 6 + 2 * M_PI * rs.slot / m;
        units_[static_cast<std::size_t>(unitOfGroup_[rs.group])].pos +=
            QPointF(std::cos(a), std::sin(a)) * out_.unit * 0.45;
    }
}

/// The units nothing places: started on a circle around what is fixed, then moved by force
/// over the drawn graph (a member's links count as its group's).
void CanvasLayout::placeFreeUnits() {
    auto unitOf = [&](std::uint32_t node) {
        const std::uint32_t grp = s_.nodes[node].group;
        return grp == kNone ? unitOfNode_[node] : unitOfGroup_[grp];
    };
    std::set<std::pair<int, int>> edgeSet;
    for (const NetworkStructure::Link& l : s_.links) {
        int a = unitOf(l.a), b = unitOf(l.b);
        if (a < 0 || b < 0 || a == b) continue;
        if (a > b) std::swap(a, b);
        edgeSet.insert({a, b});
    }
    const std::size_t free = static_cast<std::size_t>(
        std::count_if(units_.begin(), units_.end(), [](const Unit& u) { return !u.fixed; }));
    if (free > 0) {
        const QPointF centre = hasExtent() ? QPointF((x0_ + x1_) / 2, (y0_ + y1_) / 2) : QPointF();
        const double unit = out_.unit;
        std::vector<QPointF> pos;
        std::vector<bool> fixed;
        std::size_t k = 0;
        for (const Unit& u : units_) {
            if (u.fixed) {
                pos.push_back(u.pos);
            } else {
                const double a = 2 * M_PI * static_cast<double>(k++) / static_cast<double>(free);
                const double r = unit * std::max(1.0, std::sqrt(static_cast<double>(free)) / 2);
                pos.push_back(centre + QPointF(r * std::cos(a), r * std::sin(a)));
            }
            fixed.push_back(u.fixed);
        }
        if (units_.size() <= kMaxForceUnits)
            forceLayout(pos, fixed, {edgeSet.begin(), edgeSet.end()}, unit * 1.5);
        for (std::size_t i = 0; i < units_.size(); ++i)
            units_[i].pos = pos[i];
    }
}

void CanvasLayout::storeUnits() {
    for (const Unit& u : units_) {
        if (u.group)
            out_.groupCentres[u.index] = u.pos;
        else
            out_.nodes[u.index] = u.pos;
    }
}

/// Members: where their region placed them, else on a sunflower disc around the group.
void CanvasLayout::placeMembers() {
    for (std::uint32_t k = 0; k < s_.groups.size(); ++k) {
        const NetworkStructure::Group& grp = s_.groups[k];
        const bool placed = grp.count > 0 && s_.nodes[grp.first].region != kNone;
        const double step = out_.unit * 0.045;
        double radius = 0;
        for (std::uint32_t m = 0; m < grp.count; ++m) {
            const std::uint32_t i = grp.first + m;
            if (placed) {
                out_.members[i] = sceneFromScenario({s_.nodes[i].x, s_.nodes[i].y});
            } else {
                const double r = step * std::sqrt(m + 0.5);
                const double a = m * 2.39996322972865332;  // the golden angle
                out_.members[i] = out_.groupCentres[k] + QPointF(r * std::cos(a), r * std::sin(a));
            }
            const QPointF d = out_.members[i] - out_.groupCentres[k];
            radius = std::max(radius, std::hypot(d.x(), d.y()));
        }
        out_.groupRadii[k] = radius;
    }
}

}  // namespace dais::studio
