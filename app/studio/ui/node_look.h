#pragma once
// What the canvas shows of each node while a run goes, apart from where it is: whether it is
// down; what it is busy with, over all layers (working while any layer has it working, else
// waiting while any has it waiting); each layer's own node states (a ring in the state's
// colour, for the layer chosen); and the value of one node-scoped metric (a fill from a
// colour scale). It keeps what the run reported and answers per node; the canvas draws it and
// the legend explains it.

#include <QColor>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dais/core/runner.h"
#include "dais/sim/network.h"
#include "run/run_controller.h"
#include "ui/role_icons.h"

namespace dais::studio {

/// One entry of the legend: a colour and what it means.
struct LookEntry {
    QString name;
    QColor colour;
    QString help;
};

/// A colour scale from a node metric's lowest to its highest value (perceptually uniform,
/// dark to light, readable in grey and by most colour-blind readers).
QColor scaleColour(double fraction);

class NodeLook {
  public:
    /// What rings nodes: the activity every layer reports, or one layer's own states.
    static constexpr int kActivityRing = -1;

    /// A new run (or none): `nodes` nodes, all up and idle, no states, no metric values.
    /// `layers`: the run's layers by activity source (NetworkStructure::layers).
    void reset(std::size_t nodes, std::vector<std::string> layers);
    /// Marks node i down from the start (the structure says so).
    void setInitiallyDown(std::uint32_t node);
    /// Applies one change the run reported. True when what is drawn may have changed.
    bool apply(const ActivityBatch::NodeChange& change);

    std::size_t nodeCount() const { return down_.size(); }
    /// Down, or what it is busy with over all layers.
    NodeState activity(std::uint32_t node) const;

    // --- rings
    /// The layers of the run that declare node states: their index in `layers` and name.
    struct StateLayer {
        int layer = 0;  ///< index into the run's layers (activity source - 1)
        QString id, name;
        std::vector<LookEntry> states;
    };
    const std::vector<StateLayer>& stateLayers() const { return stateLayers_; }
    /// kActivityRing, or an index into stateLayers().
    void setRing(int ring);
    int ring() const { return ring_; }
    /// The ring of a node: its activity's colour, or its state's in the layer chosen; invalid
    /// for none.
    QColor ringColour(std::uint32_t node) const;
    /// The entries of what rings nodes now (activity: working, waiting, down).
    std::vector<LookEntry> ringEntries() const;

    // --- fill by a node metric
    /// Colours nodes by the node metric of this index in the run's catalog (nullopt: by role).
    void setFillMetric(std::optional<std::uint32_t> metric);
    std::optional<std::uint32_t> fillMetric() const { return fillMetric_; }
    /// The latest snapshot: its node values of the metric chosen. True when they changed.
    bool applySnapshot(const core::RunnerSnapshot& snapshot);
    /// The scale's ends: the lowest and highest value seen since the metric was chosen.
    double low() const { return low_; }
    double high() const { return high_; }
    bool hasValues() const { return values_ != nullptr; }
    /// A node's value of the metric chosen; NaN where it has none (a gauge never set there).
    double value(std::uint32_t node) const;
    /// The colour of a value on the scale.
    QColor colourOf(double value) const;
    /// The fill of a node: its value's colour; invalid while nodes are filled by role, and for
    /// a node without a value.
    QColor fillColour(std::uint32_t node) const;

  private:
    std::vector<std::string> layers_;
    std::vector<char> down_;
    // Per node, a bit per layer (source 1..32; later sources share the last bit).
    std::vector<std::uint32_t> working_, waiting_;
    // Per layer that declares states: each node's state code (sim::kNoNodeState: none).
    std::vector<std::vector<std::uint16_t>> states_;
    std::vector<StateLayer> stateLayers_;
    std::vector<int> stateLayerOf_;  // per layer: its index in stateLayers_, or -1
    int ring_ = kActivityRing;
    std::optional<std::uint32_t> fillMetric_;
    std::shared_ptr<const std::vector<double>> values_;
    double low_ = 0, high_ = 0;
    bool ranged_ = false;  // low_ and high_ hold a value seen
};

}  // namespace dais::studio
