#pragma once
// The canvas's legend during a run: a small framed panel in the canvas's upper left corner
// that says what the rings and fills of nodes mean, and chooses them. Rings show what nodes
// are busy with over all layers, or one layer's own node states (a layer declares them with
// their colours and help); fills show the role, or a node-scoped metric on a colour scale
// whose ends and unit it shows. Hover an entry for its meaning. Marks on nodes (the culprits a
// trace names) are explained in a row of their own while there are any.

#include <QFrame>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dais/core/runner.h"
#include "ui/node_look.h"

class QComboBox;
class QLabel;
class QVBoxLayout;

namespace dais::studio {

class CanvasLegend final : public QFrame {
    Q_OBJECT
  public:
    static constexpr int kMargin = 10;

    explicit CanvasLegend(QWidget* parent);
    /// Shows what `look` draws now: the ring choices (its layers with states), the ring's
    /// entries and the fill's scale. Call after the look changed.
    void describe(const NodeLook& look);
    /// The node metrics a run has, from its catalog (kept while the catalog is the same).
    void setCatalog(const std::shared_ptr<const core::MetricCatalog>& catalog);
    /// What the marks on nodes mean ("named by the trace"), beside a mark as drawn; empty
    /// when no node is marked (the row is hidden).
    void setMarks(const QString& meaning);
    QString marks() const;
    /// Moves into the upper left corner of its parent, sized to its contents.
    void place();

    QComboBox* ringChoice() const { return ring_; }
    QComboBox* fillChoice() const { return fill_; }

  signals:
    /// The user chose what rings nodes: NodeLook::kActivityRing or a state layer's index.
    void ringChosen(int ring);
    /// The user chose what fills nodes: a metric's index in the catalog, or nullopt (role).
    void fillChosen(std::optional<std::uint32_t> metric);

  private:
    void showEntries(const std::vector<LookEntry>& entries);
    void showScale(const NodeLook& look);

    QComboBox* ring_ = nullptr;
    QComboBox* fill_ = nullptr;
    QWidget* entries_ = nullptr;
    QVBoxLayout* entriesLayout_ = nullptr;
    QLabel* scale_ = nullptr;
    QLabel* scaleEnds_ = nullptr;
    QWidget* marks_ = nullptr;
    QLabel* marksText_ = nullptr;
    std::shared_ptr<const core::MetricCatalog> catalog_;
    std::vector<LookEntry> shown_;  // the entries on show, to redraw only when they change
    int ringLayers_ = -1;           // the state layers the ring choice was filled for
};

}  // namespace dais::studio
