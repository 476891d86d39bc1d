#pragma once
// One layer table (core::InspectorTable) as a Qt model: its columns with their units and help,
// its rows sorted by any column (numbers as numbers, empty cells last) and filtered by text.
// Sorting and filtering work on the table's typed columns directly, so a table of 100,000 rows
// sorts in milliseconds; a refreshed table keeps the sort and the filter.

#include <QAbstractTableModel>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

#include "dais/core/inspector.h"

namespace dais::studio {

class InspectorModel final : public QAbstractTableModel {
    Q_OBJECT
  public:
    /// The node a row's node column holds (Qt::UserRole), or none.
    static constexpr std::uint32_t kNoNode = 0xffffffffu;

    explicit InspectorModel(QObject* parent = nullptr);

    /// Shows this table (nullptr: none), sorted and filtered as before.
    void setTable(std::shared_ptr<const core::InspectorTable> table);
    const std::shared_ptr<const core::InspectorTable>& table() const { return table_; }
    /// Rows whose cells, as shown, contain `text` (any case); empty: every row.
    void setFilter(const QString& text);
    const QString& filter() const { return filter_; }

    /// The table's row shown at a view row.
    std::size_t tableRow(int row) const { return order_[static_cast<std::size_t>(row)]; }
    /// The node of a view row (the table's first node column), or kNoNode.
    std::uint32_t nodeOf(int row) const;
    /// A view row's key as text, and the view row of a key (-1: not shown).
    QString keyOf(int row) const;
    int rowOfKey(const QString& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return sortColumn_; }

  private:
    /// The rows shown: those the filter keeps, in the sort's order.
    void arrange();

    std::shared_ptr<const core::InspectorTable> table_;
    std::vector<std::size_t> order_;
    QString filter_;
    int sortColumn_ = -1;
    Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
};

}  // namespace dais::studio
