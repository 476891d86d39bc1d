#pragma once
// The inspector: any table a run's layers publish (federated clients and rounds, gossip
// rumours; later providers, jobs, blocks, proposals, agents), shown while the run goes and kept
// when it ends. Pick the table, sort by any column (click its header), filter by text; a row
// with a node selects that node on the canvas. A table that is a tree (a block tree with
// forks) is drawn as one. Only the table shown is filled by the run, a few times a second.

#include <QString>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dais/core/runner.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QTreeWidget;

namespace dais::studio {

class InspectorModel;
class RunController;
struct NetworkStructure;

class InspectorPanel final : public QWidget {
    Q_OBJECT
  public:
    explicit InspectorPanel(QWidget* parent = nullptr);

    /// Follows a controller's runs: their tables, the one shown refreshed from snapshots.
    void attach(RunController* controller);
    /// The tables of a run with these layers (NetworkStructure::layers), from their
    /// descriptors; keeps the table shown when the new run has it too.
    void setLayers(const std::vector<std::string>& layers);
    /// The tables to offer, by their declarations (what setLayers finds).
    void setTables(const std::vector<core::TableSpec>& tables);
    /// Shows the table of that name ("federated.clients"); false if the run has none.
    bool showTable(const QString& name);
    /// The latest snapshot: the table shown, if it carries it.
    void applySnapshot(const core::RunnerSnapshot& snapshot);
    /// The run ended: its final tables, any of which can be shown from now on.
    void applyReport(std::shared_ptr<const core::RunReport> report);

    QString currentTable() const;
    QComboBox* tableChoice() const { return tables_; }
    QLineEdit* filterEdit() const { return filter_; }
    QTableView* tableView() const { return view_; }
    QTreeWidget* treeView() const { return tree_; }
    InspectorModel* model() const { return model_; }

  signals:
    /// The user picked a row with a node (to select it on the canvas).
    void nodeActivated(std::uint32_t node);
    /// The table shown changed: the run should fill these from now on.
    void watch(std::vector<std::string> tables);

  private:
    void tableChosen();
    /// Shows `table` if it is the one chosen and not already shown.
    void display(const std::shared_ptr<const core::InspectorTable>& table);
    /// Column widths for a table newly shown.
    void fitColumns();
    void refreshTree();
    void showStatus();

    QComboBox* tables_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QLabel* status_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QTableView* view_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    InspectorModel* model_ = nullptr;
    QString selectedKey_;                            // kept across refreshes
    std::shared_ptr<const core::RunReport> report_;  // of the run that ended, if it did
};

}  // namespace dais::studio
