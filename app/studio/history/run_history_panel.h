#pragma once
// The run history: every run of a run store in a filterable, sortable table, with the actions
// a person takes on past runs (open one's charts, compare several, annotate, delete, refresh).
// Opening and comparing are requests, signalled to whoever shows the views; annotating and
// deleting happen here, each confirmed and each failure shown in a banner naming what failed.

#include <QList>
#include <QWidget>

#include <memory>

#include "dais/store/run_store.h"

QT_BEGIN_NAMESPACE
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
QT_END_NAMESPACE

namespace dais::studio {

class RunListModel;

class RunHistoryPanel : public QWidget {
    Q_OBJECT
  public:
    explicit RunHistoryPanel(std::shared_ptr<store::RunStore> store = {},
                             QWidget* parent = nullptr);

    /// Shows another store (nullptr: none) and reads its runs.
    void setStore(std::shared_ptr<store::RunStore> store);
    std::shared_ptr<store::RunStore> store() const;
    /// Opens the store file at `path` and shows it; when it cannot be opened (missing, not a
    /// store, damaged, from a newer DAIS) the banner says why and false is returned.
    bool openStore(const QString& path);

    /// The selected runs, in the table's order.
    QList<qint64> selectedRunIds() const;
    /// Selects these runs (those present), the first one current.
    void selectRuns(const QList<qint64>& runIds);

    /// The message shown in the banner (empty when hidden).
    QString bannerText() const;

    RunListModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QLineEdit* filterEdit() const { return filter_; }
    QComboBox* statusFilter() const { return status_; }
    QAction* openAction() const { return open_; }
    QAction* compareAction() const { return compare_; }
    QAction* annotateAction() const { return annotate_; }
    QAction* deleteAction() const { return delete_; }
    QAction* refreshAction() const { return refresh_; }
    /// Rows shown after filtering.
    int visibleRunCount() const;

  public slots:
    /// Reads the runs again, keeping the selection where it can.
    void refresh();
    /// Asks for a note and stores it on the current run.
    void annotateSelected();
    /// Asks for confirmation, naming the runs, and deletes them.
    void deleteSelected();

  signals:
    void openRunRequested(qint64 runId);
    void compareRequested(QList<qint64> runIds);

  private:
    void showBanner(const QString& text);
    void updateActions();
    void updateCount();

    RunListModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QLineEdit* filter_;
    QComboBox* status_;
    QLabel* banner_;
    QLabel* count_;
    QAction *open_, *compare_, *annotate_, *delete_, *refresh_;
};

}  // namespace dais::studio
