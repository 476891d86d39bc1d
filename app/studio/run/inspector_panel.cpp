#include "run/inspector_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QStackedWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "dais/core/layer_registry.h"
#include "run/inspector_model.h"
#include "run/network_structure.h"
#include "run/run_controller.h"

namespace dais::studio {

namespace {
/// Trees are drawn item by item: bounded, beyond it the flat table is the way to read them.
constexpr std::size_t kMaxTreeRows = 20'000;
}  // namespace

InspectorPanel::InspectorPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("inspector");
    tables_ = new QComboBox(this);
    tables_->setObjectName("inspectorTables");
    tables_->setToolTip(tr("The tables the run's layers publish"));
    tables_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    filter_ = new QLineEdit(this);
    filter_->setObjectName("inspectorFilter");
    filter_->setPlaceholderText(tr("filter rows"));
    filter_->setClearButtonEnabled(true);
    status_ = new QLabel(this);
    status_->setObjectName("inspectorStatus");
    model_ = new InspectorModel(this);
    view_ = new QTableView(this);
    view_->setObjectName("inspectorTable");
    view_->setModel(model_);
    view_->setSortingEnabled(true);
    view_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->verticalHeader()->setVisible(false);
    view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
    view_->setAlternatingRowColors(true);
    view_->setWordWrap(false);
    tree_ = new QTreeWidget(this);
    tree_->setObjectName("inspectorTree");
    // A tree keeps the order of its rows: its structure is what it shows.
    tree_->setSortingEnabled(false);
    stack_ = new QStackedWidget(this);
    stack_->addWidget(view_);
    stack_->addWidget(tree_);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Table"), this));
    bar->addWidget(tables_);
    bar->addWidget(filter_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(stack_, 1);
    layout->addWidget(status_);

    connect(tables_, &QComboBox::currentIndexChanged, this, [this] { tableChosen(); });
    connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        model_->setFilter(text);
        showStatus();
    });
    // A row with a node selects it on the canvas; the row is followed across refreshes by key.
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!current.isValid()) return;
                selectedKey_ = model_->keyOf(current.row());
                const std::uint32_t node = model_->nodeOf(current.row());
                if (node != InspectorModel::kNoNode) emit nodeActivated(node);
            });
    connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (!item) return;
        selectedKey_ = item->data(0, Qt::UserRole + 1).toString();
        const QVariant node = item->data(0, Qt::UserRole);
        if (node.isValid()) emit nodeActivated(node.toUInt());
    });
    showStatus();
}

void InspectorPanel::attach(RunController* controller) {
    connect(controller, &RunController::prepared, this,
            [this](std::shared_ptr<const NetworkStructure> s) {
                report_.reset();
                setLayers(s->layers);
            });
    connect(controller, &RunController::finished, this,
            [this](std::shared_ptr<const core::RunReport> r) { applyReport(std::move(r)); });
    connect(controller, &RunController::snapshot, this,
            [this](std::shared_ptr<const core::RunnerSnapshot> s) { applySnapshot(*s); });
    connect(this, &InspectorPanel::watch, controller, &RunController::watchTables);
}

void InspectorPanel::setLayers(const std::vector<std::string>& layers) {
    std::vector<core::TableSpec> tables;
    for (const std::string& id : layers)
        if (const core::LayerFactory* f = core::LayerRegistry::installed().find(id))
            tables.insert(tables.end(), f->descriptor.tables.begin(), f->descriptor.tables.end());
    setTables(tables);
}

void InspectorPanel::setTables(const std::vector<core::TableSpec>& tables) {
    const QString keep = currentTable();
    const QSignalBlocker block(tables_);
    tables_->clear();
    for (const core::TableSpec& t : tables) {
        tables_->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(t.title),
                                                       QString::fromStdString(t.name)),
                         QString::fromStdString(t.name));
        tables_->setItemData(tables_->count() - 1, QString::fromStdString(t.help), Qt::ToolTipRole);
    }
    const int again = tables_->findData(keep);
    tables_->setCurrentIndex(again >= 0 ? again : 0);
    tables_->setEnabled(tables_->count() > 0);
    model_->setTable(nullptr);
    tree_->clear();
    tableChosen();
}

bool InspectorPanel::showTable(const QString& name) {
    const int i = tables_->findData(name);
    if (i < 0) return false;
    tables_->setCurrentIndex(i);
    return true;
}

QString InspectorPanel::currentTable() const {
    return tables_->currentData().toString();
}

void InspectorPanel::tableChosen() {
    model_->setTable(nullptr);
    tree_->clear();
    selectedKey_.clear();
    const QString name = currentTable();
    emit watch(name.isEmpty() ? std::vector<std::string>{}
                              : std::vector<std::string>{name.toStdString()});
    // After the run, its final tables: any can be chosen.
    if (report_)
        for (const auto& table : report_->tables)
            display(table);
    showStatus();
}

void InspectorPanel::applySnapshot(const core::RunnerSnapshot& snapshot) {
    for (const auto& table : snapshot.tables)
        display(table);
}

void InspectorPanel::applyReport(std::shared_ptr<const core::RunReport> report) {
    report_ = std::move(report);
    if (!report_) return;
    for (const auto& table : report_->tables)
        display(table);
}

void InspectorPanel::display(const std::shared_ptr<const core::InspectorTable>& table) {
    if (!table || table->name() != currentTable().toStdString() || table == model_->table()) return;
    const bool tree = table->spec().parent.has_value() && table->rowCount() <= kMaxTreeRows;
    const bool first = !model_->table() || model_->table()->name() != table->name();
    model_->setTable(table);
    if (first && !tree) fitColumns();
    stack_->setCurrentWidget(tree ? static_cast<QWidget*>(tree_) : view_);
    if (tree) {
        refreshTree();
    } else if (const int row = model_->rowOfKey(selectedKey_); row >= 0) {
        // The row selected before the refresh, selected again (without signalling it as the
        // user's choice: the canvas already shows its node).
        const QSignalBlocker block(view_->selectionModel());
        view_->selectionModel()->setCurrentIndex(
            model_->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    showStatus();
}

void InspectorPanel::fitColumns() {
    // Wide enough for the header and the first rows: measuring every row of a table of 100,000
    // would stall the window.
    const QFontMetrics fm(view_->font());
    const QFontMetrics header(view_->horizontalHeader()->font());
    const int rows = std::min(model_->rowCount(), 100);
    for (int c = 0; c < model_->columnCount(); ++c) {
        int width = header.horizontalAdvance(model_->headerData(c, Qt::Horizontal).toString()) + 28;
        for (int r = 0; r < rows; ++r)
            width = std::max(
                width, fm.horizontalAdvance(model_->data(model_->index(r, c)).toString()) + 14);
        view_->setColumnWidth(c, std::min(width, 320));
    }
}

void InspectorPanel::refreshTree() {
    const core::InspectorTable& t = *model_->table();
    const QSignalBlocker block(tree_);
    tree_->clear();
    QStringList headers;
    for (int c = 0; c < model_->columnCount(); ++c)
        headers << model_->headerData(c, Qt::Horizontal).toString();
    tree_->setHeaderLabels(headers);
    const std::vector<std::size_t> parents = t.parentRows();
    const auto nodeColumn = t.spec().nodeColumn();
    const std::size_t n = t.rowCount();
    // Children by row; a row whose parent is missing, itself, or on a cycle of parent keys is a
    // root.
    constexpr std::size_t kNone = core::InspectorTable::kNoRow;
    std::vector<std::size_t> parent(n, kNone);
    for (std::size_t r = 0; r < n; ++r) {
        std::size_t p = parents[r];
        if (p == kNone || p == r) continue;
        // A cycle: walking up from p comes back to r.
        std::size_t up = p, steps = 0;
        while (up != kNone && up != r && steps++ < n)
            up = parents[up] == up ? kNone : parents[up];
        if (up != r) parent[r] = p;
    }
    std::vector<std::vector<std::size_t>> children(n);
    for (std::size_t r = 0; r < n; ++r)
        if (parent[r] != kNone) children[parent[r]].push_back(r);
    // How deep each row's subtree goes, children before parents (no recursion: a chain of
    // blocks is thousands deep).
    std::vector<std::size_t> depth(n, 0), order;
    order.reserve(n);
    for (std::size_t r = 0; r < n; ++r)
        if (parent[r] == kNone) order.push_back(r);
    for (std::size_t i = 0; i < order.size(); ++i)
        for (std::size_t c : children[order[i]])
            order.push_back(c);
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        if (parent[*it] != kNone) depth[parent[*it]] = std::max(depth[parent[*it]], depth[*it] + 1);
    const auto makeItem = [&](std::size_t r, QTreeWidgetItem* under) {
        QStringList cells;
        for (std::size_t c = 0; c < t.columnCount(); ++c)
            cells << QString::fromStdString(t.text(r, c));
        auto* item = under ? new QTreeWidgetItem(under, cells) : new QTreeWidgetItem(cells);
        if (!under) tree_->addTopLevelItem(item);
        item->setData(0, Qt::UserRole + 1, QString::fromStdString(t.text(r, t.spec().key)));
        if (nodeColumn && !t.isEmpty(r, *nodeColumn))
            item->setData(0, Qt::UserRole, static_cast<uint>(t.integer(r, *nodeColumn)));
        return item;
    };
    // A chain reads down the page, not ever deeper: a row's deepest child follows it at its own
    // level, and only its other children (the forks) open under it as branches.
    std::vector<std::pair<std::size_t, QTreeWidgetItem*>> pending;  // (row, the item it goes under)
    for (std::size_t r = 0; r < n; ++r)
        if (parent[r] == kNone) pending.emplace_back(r, nullptr);
    std::reverse(pending.begin(), pending.end());
    while (!pending.empty()) {
        auto [r, under] = pending.back();
        pending.pop_back();
        // r and its line of deepest children at this level; their other children to do.
        std::vector<std::pair<std::size_t, QTreeWidgetItem*>> branches;
        for (std::size_t row = r; row != kNone;) {
            QTreeWidgetItem* item = makeItem(row, under);
            std::size_t next = kNone;
            for (std::size_t c : children[row])
                if (next == kNone || depth[c] > depth[next]) next = c;
            for (std::size_t c : children[row])
                if (c != next) branches.emplace_back(c, item);
            row = next;
        }
        for (auto it = branches.rbegin(); it != branches.rend(); ++it)
            pending.push_back(*it);
    }
    tree_->expandAll();
}

void InspectorPanel::showStatus() {
    const auto& table = model_->table();
    if (tables_->count() == 0) {
        status_->setText(tr("The run's layers publish no tables."));
        return;
    }
    if (!table) {
        status_->setText(tr("The table appears while the run goes."));
        return;
    }
    const QString at = QString::number(sim::toSeconds(table->filledAt()), 'f', 3);
    status_->setText(
        model_->filter().isEmpty()
            ? tr("%1 rows, at %2 s").arg(table->rowCount()).arg(at)
            : tr("%1 of %2 rows, at %3 s").arg(model_->rowCount()).arg(table->rowCount()).arg(at));
}

}  // namespace dais::studio
