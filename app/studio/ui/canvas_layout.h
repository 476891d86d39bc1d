#pragma once
// Where the canvas draws a network. A node or group stands where the scenario puts it (its own
// position, or its region's placement), else where the studio keeps it (a studio position),
// else where the automatic layout puts it: force-directed over the drawn graph, with a group's
// members standing for the group. Members of a group that no region places are spread on a
// disc around the group.

#include <QPointF>

#include <cstdint>
#include <map>
#include <vector>

#include "run/network_structure.h"

namespace dais::studio {

class ScenarioEditor;

/// Scene coordinates put north up: y grows downwards on screen.
inline QPointF sceneFromScenario(const QPointF& p) {
    return {p.x(), -p.y()};
}
inline QPointF scenarioFromScene(const QPointF& p) {
    return {p.x(), -p.y()};
}

/// Where everything of a network is drawn, in scene coordinates.
struct CanvasPositions {
    std::vector<QPointF> nodes;         ///< per node that is not a group member
    std::vector<QPointF> members;       ///< per node; group members only
    std::vector<QPointF> groupCentres;  ///< per group
    std::vector<double> groupRadii;     ///< per group: its members' disc on the canvas
    double unit = 100;                  ///< spacing of automatic positions, scene units
};

/// Computes CanvasPositions for a network's structure and the document it was built from.
class CanvasLayout {
  public:
    /// `useStudioPositions` false: as if the document kept no studio positions (what the
    /// automatic layout starts from).
    static CanvasPositions compute(const NetworkStructure& structure, const ScenarioEditor& editor,
                                   bool useStudioPositions);

  private:
    /// What the force-directed layout moves: a node that is not a group member, or a group.
    struct Unit {
        bool group;
        std::uint32_t index;
        bool fixed;  ///< placed by the scenario or a studio position
        QPointF pos;
    };
    /// A group placed at its region's centre, the `slot`th of its region.
    struct RegionSlot {
        std::uint32_t group, region;
        int slot;
    };

    CanvasLayout(const NetworkStructure& structure, const ScenarioEditor& editor,
                 bool useStudioPositions);
    void addNodes();
    void addGroups();
    void chooseUnit();
    void spreadRegionGroups();
    void placeFreeUnits();
    void storeUnits();
    void placeMembers();
    void extend(const QPointF& p);
    bool hasExtent() const { return x0_ <= x1_; }

    const NetworkStructure& s_;
    const ScenarioEditor& editor_;
    const bool useStudioPositions_;
    std::vector<Unit> units_;
    std::vector<int> unitOfNode_, unitOfGroup_;
    std::map<std::uint32_t, int> groupsInRegion_;
    std::vector<RegionSlot> regionGroups_;
    double x0_ = 1e300, y0_ = 1e300, x1_ = -1e300, y1_ = -1e300;  ///< what fixed units span
    CanvasPositions out_;
};

}  // namespace dais::studio
