#pragma once
// The property panel's editor of a scenario's endowments (what accounts hold when the run
// starts, payments.endowments): one row each, saying who gets it (the nodes named, every node of
// a role, or one system account such as a treasury) and how many tokens each. Edited in place;
// Add appends a row, Remove drops the selected one. Every change hands the whole list, as the
// scenario writes it, to `edited`, which the panel makes one undoable edit; the validator then
// says under the field what it refuses (an unknown node, an amount finer than the token's
// decimals).

#include <QWidget>

#include <nlohmann/json.hpp>

class QPushButton;
class QTableWidget;

namespace dais::studio {

class EndowmentsEditor final : public QWidget {
    Q_OBJECT
  public:
    /// Columns of the table.
    enum Column { Kind = 0, Amount = 1, Who = 2 };

    /// `endowments`: the scenario's array (anything else starts empty).
    explicit EndowmentsEditor(const nlohmann::json& endowments, QWidget* parent = nullptr);

    /// The endowments as the scenario writes them.
    nlohmann::json value() const;
    QTableWidget* table() const { return table_; }
    QPushButton* addButton() const { return add_; }
    QPushButton* removeButton() const { return remove_; }
    /// Appends a row: to every node of `role`, 100 tokens each (to edit).
    void addRow();
    void removeRow(int row);

  signals:
    void edited(const nlohmann::json& endowments);

  private:
    void insertRow(const QString& kind, const QString& who, const QString& amount);

    QTableWidget* table_ = nullptr;
    QPushButton* add_ = nullptr;
    QPushButton* remove_ = nullptr;
    bool filling_ = false;
};

}  // namespace dais::studio
