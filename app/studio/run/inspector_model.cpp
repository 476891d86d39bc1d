#include "run/inspector_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dais::studio {

namespace {

bool numeric(core::ColumnType t) {
    return t != core::ColumnType::Text && t != core::ColumnType::Node;
}

}  // namespace

InspectorModel::InspectorModel(QObject* parent) : QAbstractTableModel(parent) {}

void InspectorModel::setTable(std::shared_ptr<const core::InspectorTable> table) {
    if (table == table_) return;
    const bool sameColumns = table && table_ && table->name() == table_->name();
    beginResetModel();
    table_ = std::move(table);
    if (!sameColumns) sortColumn_ = -1;
    arrange();
    endResetModel();
}

void InspectorModel::setFilter(const QString& text) {
    if (text == filter_) return;
    beginResetModel();
    filter_ = text;
    arrange();
    endResetModel();
}

void InspectorModel::sort(int column, Qt::SortOrder order) {
    beginResetModel();
    sortColumn_ = column;
    sortOrder_ = order;
    arrange();
    endResetModel();
}

void InspectorModel::arrange() {
    order_.clear();
    if (!table_) return;
    const core::InspectorTable& t = *table_;
    const std::size_t rows = t.rowCount();
    if (filter_.isEmpty()) {
        order_.resize(rows);
        std::iota(order_.begin(), order_.end(), std::size_t{0});
    } else {
        const std::string needle = filter_.toLower().toStdString();
        const auto contains = [&](const std::string& text) {
            return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                               [](char a, char b) {
                                   return std::tolower(static_cast<unsigned char>(a)) == b;
                               }) != text.end();
        };
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < t.columnCount(); ++c)
                if (contains(t.text(r, c))) {
                    order_.push_back(r);
                    break;
                }
    }
    if (sortColumn_ < 0 || static_cast<std::size_t>(sortColumn_) >= t.columnCount()) return;
    const auto c = static_cast<std::size_t>(sortColumn_);
    const bool descending = sortOrder_ == Qt::DescendingOrder;
    // Empty cells last whichever way; numbers as numbers; text and node names as text.
    if (numeric(t.spec().columns[c].type)) {
        std::vector<double> key(rows);
        for (std::size_t r : order_)
            key[r] = t.isEmpty(r, c) ? std::nan("") : t.number(r, c);
        std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
            const double x = key[a], y = key[b];
            if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
            return descending ? x > y : x < y;
        });
    } else {
        std::vector<std::string> key(rows);
        for (std::size_t r : order_)
            key[r] = t.text(r, c);
        std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
            const std::string &x = key[a], &y = key[b];
            if (x.empty() || y.empty()) return !x.empty() && y.empty();
            // Node names such as clients[9] and clients[10] in their numeric order.
            if (x.size() != y.size() && x.back() == ']' && y.back() == ']' &&
                x.substr(0, x.find('[')) == y.substr(0, y.find('[')))
                return descending ? x.size() > y.size() : x.size() < y.size();
            return descending ? x > y : x < y;
        });
    }
}

int InspectorModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(order_.size());
}

int InspectorModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || !table_ ? 0 : static_cast<int>(table_->columnCount());
}

QVariant InspectorModel::data(const QModelIndex& index, int role) const {
    if (!table_ || !index.isValid() || index.row() >= rowCount()) return {};
    const std::size_t r = tableRow(index.row());
    const auto c = static_cast<std::size_t>(index.column());
    switch (role) {
        case Qt::DisplayRole:
            return QString::fromStdString(table_->text(r, c));
        case Qt::TextAlignmentRole:
            return numeric(table_->spec().columns[c].type)
                       ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                       : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        case Qt::UserRole:
            return nodeOf(index.row());
        default:
            return {};
    }
}

QVariant InspectorModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (!table_ || orientation != Qt::Horizontal || section < 0 ||
        static_cast<std::size_t>(section) >= table_->columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    const core::ColumnSpec& col = table_->spec().columns[static_cast<std::size_t>(section)];
    if (role == Qt::DisplayRole) {
        const QString name = QString::fromStdString(col.name);
        return col.unit.empty() || col.unit == "1"
                   ? name
                   : QStringLiteral("%1 (%2)").arg(name, QString::fromStdString(col.unit));
    }
    if (role == Qt::ToolTipRole) return QString::fromStdString(col.help);
    return {};
}

std::uint32_t InspectorModel::nodeOf(int row) const {
    if (!table_ || row < 0 || row >= rowCount()) return kNoNode;
    const auto column = table_->spec().nodeColumn();
    if (!column) return kNoNode;
    const std::size_t r = tableRow(row);
    if (table_->isEmpty(r, *column)) return kNoNode;
    return static_cast<std::uint32_t>(table_->integer(r, *column));
}

QString InspectorModel::keyOf(int row) const {
    if (!table_ || row < 0 || row >= rowCount()) return {};
    return QString::fromStdString(table_->text(tableRow(row), table_->spec().key));
}

int InspectorModel::rowOfKey(const QString& key) const {
    if (!table_ || key.isEmpty()) return -1;
    const std::string k = key.toStdString();
    for (std::size_t i = 0; i < order_.size(); ++i)
        if (table_->text(order_[i], table_->spec().key) == k) return static_cast<int>(i);
    return -1;
}

}  // namespace dais::studio
