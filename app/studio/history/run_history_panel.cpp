// The run history panel: the runs of a store, filtered, and what can be done with them.
#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "history/history_util.h"
#include "history/run_history_panel.h"
#include "history/run_list_model.h"

namespace dais::studio {

using history::qs;

namespace {

// Filters on free text (scenario, status or annotation) and on one status.
class RunFilter : public QSortFilterProxyModel {
  public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setText(const QString& text) {
        text_ = text.trimmed();
        invalidateFilter();
    }
    void setStatus(const QString& status) {
        status_ = status;
        invalidateFilter();
    }

  protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        auto* m = static_cast<RunListModel*>(sourceModel());
        const store::RunRecord* r = m->record(row);
        if (!r || parent.isValid()) return false;
        const QString status = qs(store::runStatusName(r->status));
        if (!status_.isEmpty() && status != status_) return false;
        if (text_.isEmpty()) return true;
        for (const QString& word : text_.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const bool found = qs(r->scenarioName).contains(word, Qt::CaseInsensitive) ||
                               status.contains(word, Qt::CaseInsensitive) ||
                               m->annotation(row).contains(word, Qt::CaseInsensitive) ||
                               QString::number(r->id) == word;
            if (!found) return false;
        }
        return true;
    }

  private:
    QString text_, status_;
};

}  // namespace

RunHistoryPanel::RunHistoryPanel(std::shared_ptr<store::RunStore> store, QWidget* parent)
    : QWidget(parent), model_(new RunListModel(std::move(store), this)) {
    auto* filter = new RunFilter(this);
    proxy_ = filter;
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RunListModel::SortRole);

    auto action = [this](const QString& text, const QKeySequence& key, const QString& tip) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        addAction(a);
        return a;
    };
    open_ = action(tr("Open charts"), QKeySequence(Qt::CTRL | Qt::Key_O),
                   tr("Show the charts and details of the current run"));
    compare_ = action(tr("Compare"), QKeySequence(Qt::CTRL | Qt::Key_D),
                      tr("Compare the selected runs (two or more)"));
    annotate_ = action(tr("Annotate\u2026"), QKeySequence(Qt::CTRL | Qt::Key_E),
                       tr("Add a note to the current run"));
    delete_ = action(tr("Delete\u2026"), QKeySequence(QKeySequence::Delete),
                     tr("Delete the selected runs from the store"));
    refresh_ = action(tr("Refresh"), QKeySequence(Qt::Key_F5), tr("Read the store again"));

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(open_);
    bar->addAction(compare_);
    bar->addSeparator();
    bar->addAction(annotate_);
    bar->addAction(delete_);
    bar->addSeparator();
    bar->addAction(refresh_);

    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter by scenario, status or annotation"));
    filter_->setClearButtonEnabled(true);
    status_ = new QComboBox(this);
    status_->addItem(tr("All statuses"), QString());
    for (auto s :
         {store::RunStatus::Completed, store::RunStatus::Running, store::RunStatus::Stopped,
          store::RunStatus::Failed, store::RunStatus::Interrupted})
        status_->addItem(qs(store::runStatusName(s)), qs(store::runStatusName(s)));

    banner_ = new QLabel(this);
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->setStyleSheet(
        QStringLiteral("QLabel { background: #f8d7da; color: #58151c; border: 1px solid #f1aeb5;"
                       " border-radius: 3px; padding: 6px; }"));
    banner_->hide();

    table_ = new QTableView(this);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunListModel::Id, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

    count_ = new QLabel(this);

    auto* filters = new QHBoxLayout;
    filters->addWidget(filter_, 1);
    filters->addWidget(status_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(bar);
    layout->addWidget(banner_);
    layout->addLayout(filters);
    layout->addWidget(table_, 1);
    layout->addWidget(count_);

    connect(filter_, &QLineEdit::textChanged, this, [this, filter](const QString& text) {
        filter->setText(text);
        updateCount();
    });
    connect(status_, &QComboBox::currentIndexChanged, this, [this, filter] {
        filter->setStatus(status_->currentData().toString());
        updateCount();
    });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { updateActions(); });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        emit openRunRequested(index.data(RunListModel::RunIdRole).toLongLong());
    });
    connect(open_, &QAction::triggered, this, [this] {
        const QList<qint64> ids = selectedRunIds();
        if (!ids.isEmpty()) emit openRunRequested(ids.front());
    });
    connect(compare_, &QAction::triggered, this, [this] {
        const QList<qint64> ids = selectedRunIds();
        if (ids.size() >= 2) emit compareRequested(ids);
    });
    connect(annotate_, &QAction::triggered, this, &RunHistoryPanel::annotateSelected);
    connect(delete_, &QAction::triggered, this, &RunHistoryPanel::deleteSelected);
    connect(refresh_, &QAction::triggered, this, &RunHistoryPanel::refresh);
    refresh();
}

void RunHistoryPanel::setStore(std::shared_ptr<store::RunStore> store) {
    model_->setStore(std::move(store));
    showBanner({});
    refresh();
}

std::shared_ptr<store::RunStore> RunHistoryPanel::store() const {
    return model_->store();
}

bool RunHistoryPanel::openStore(const QString& path) {
    store::StoreOptions options;
    auto opened = store::RunStore::open(path.toStdString(), options);
    if (!opened) {
        model_->setStore({});
        updateCount();
        updateActions();
        showBanner(tr("Cannot open the run store: %1").arg(qs(opened.error().message)));
        return false;
    }
    setStore(std::shared_ptr<store::RunStore>(std::move(opened).value()));
    return true;
}

QList<qint64> RunHistoryPanel::selectedRunIds() const {
    QList<qint64> ids;
    QModelIndexList rows = table_->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& index : rows)
        ids.push_back(index.data(RunListModel::RunIdRole).toLongLong());
    if (ids.isEmpty() && table_->currentIndex().isValid() &&
        table_->selectionModel()->isSelected(table_->currentIndex()))
        ids.push_back(table_->currentIndex().data(RunListModel::RunIdRole).toLongLong());
    return ids;
}

void RunHistoryPanel::selectRuns(const QList<qint64>& runIds) {
    QItemSelection selection;
    QModelIndex first;
    for (qint64 id : runIds) {
        const int row = model_->rowOf(id);
        if (row < 0) continue;
        const QModelIndex index = proxy_->mapFromSource(model_->index(row, 0));
        if (!index.isValid()) continue;
        selection.select(index, index.siblingAtColumn(RunListModel::ColumnCount - 1));
        if (!first.isValid()) first = index;
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (first.isValid())
        table_->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    updateActions();
}

QString RunHistoryPanel::bannerText() const {
    return banner_->isHidden() ? QString() : banner_->text();
}

int RunHistoryPanel::visibleRunCount() const {
    return proxy_->rowCount();
}

void RunHistoryPanel::refresh() {
    const QList<qint64> selected = selectedRunIds();
    if (auto refreshed = model_->refresh(); !refreshed) {
        showBanner(
            tr("%1 (store %2)").arg(qs(refreshed.error().message), qs(model_->store()->path())));
    } else if (banner_->text().startsWith(tr("Could not read"))) {
        showBanner({});
    }
    table_->resizeColumnsToContents();
    selectRuns(selected);
    updateCount();
    updateActions();
}

void RunHistoryPanel::annotateSelected() {
    const QList<qint64> ids = selectedRunIds();
    if (ids.isEmpty() || !model_->store()) return;
    const qint64 id = ids.front();
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(
        this, tr("Annotate run #%1").arg(id), tr("A note kept with run #%1:").arg(id), {}, &ok);
    if (!ok || text.trimmed().isEmpty()) return;
    if (auto r = model_->store()->annotate(id, text.trimmed().toStdString()); !r) {
        showBanner(tr("Annotating run #%1 failed: %2").arg(id).arg(qs(r.error().message)));
        return;
    }
    refresh();
}

void RunHistoryPanel::deleteSelected() {
    const QList<qint64> ids = selectedRunIds();
    if (ids.isEmpty() || !model_->store()) return;
    QStringList names;
    for (qint64 id : ids) {
        const int row = model_->rowOf(id);
        names << (row >= 0 ? history::runLabel(*model_->record(row))
                           : QStringLiteral("#%1").arg(id));
    }
    QString listed = names.mid(0, 10).join(QLatin1Char('\n'));
    if (names.size() > 10) listed += tr("\n\u2026 and %1 more").arg(names.size() - 10);
    QMessageBox box(QMessageBox::Warning, tr("Delete runs"),
                    ids.size() == 1 ? tr("Delete this run from the store?")
                                    : tr("Delete these %1 runs from the store?").arg(ids.size()),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setInformativeText(listed + tr("\n\nTheir samples, traces and annotations go too. "
                                       "This cannot be undone."));
    box.setDefaultButton(QMessageBox::Cancel);
    box.button(QMessageBox::Yes)->setText(tr("Delete"));
    if (box.exec() != QMessageBox::Yes) return;
    QStringList failures;
    for (qint64 id : ids)
        if (auto r = model_->store()->deleteRun(id); !r)
            failures << tr("run #%1: %2").arg(id).arg(qs(r.error().message));
    if (!failures.isEmpty())
        showBanner(tr("Deleting failed for %1").arg(failures.join(QStringLiteral("; "))));
    refresh();
}

void RunHistoryPanel::showBanner(const QString& text) {
    banner_->setText(text);
    banner_->setVisible(!text.isEmpty());
}

void RunHistoryPanel::updateActions() {
    const int n = static_cast<int>(selectedRunIds().size());
    const bool haveStore = model_->store() != nullptr;
    open_->setEnabled(n >= 1);
    compare_->setEnabled(n >= 2);
    annotate_->setEnabled(n >= 1 && haveStore && !model_->store()->readOnly());
    delete_->setEnabled(n >= 1 && haveStore && !model_->store()->readOnly());
    refresh_->setEnabled(haveStore);
}

void RunHistoryPanel::updateCount() {
    const int all = model_->rowCount(), shown = proxy_->rowCount();
    if (shown != all)
        count_->setText(tr("%1 of %2 runs shown").arg(shown).arg(all));
    else
        count_->setText(all == 1 ? tr("1 run") : tr("%1 runs").arg(all));
}

}  // namespace dais::studio
