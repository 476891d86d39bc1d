#pragma once
// The runs of a run store as a table, for the history panel: one row per run with what tells
// runs apart at a glance (scenario, seed, status, when, how long, how many events, the
// fingerprint, the latest annotation). Read once per refresh(), so the view never waits on
// SQLite while scrolling.

#include <QAbstractTableModel>
#include <QString>

#include <memory>
#include <vector>

#include "dais/core/result.h"
#include "dais/store/run_store.h"

namespace dais::studio {

class RunListModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        Id,
        Scenario,
        Seed,
        Status,
        Started,
        WallSeconds,
        Events,
        SimulatedSeconds,
        Fingerprint,
        Annotation,
        ColumnCount
    };
    /// Role of a value to sort by (numbers as numbers, times as milliseconds).
    static constexpr int SortRole = Qt::UserRole + 1;
    /// Role of the run id (qint64) on every cell.
    static constexpr int RunIdRole = Qt::UserRole + 2;

    explicit RunListModel(std::shared_ptr<store::RunStore> store = {}, QObject* parent = nullptr);

    void setStore(std::shared_ptr<store::RunStore> store);
    const std::shared_ptr<store::RunStore>& store() const { return store_; }

    /// Reads the runs again. On a store error the rows are kept as they were and the error,
    /// naming the store, is returned (and kept in lastError()).
    core::Result<void> refresh();
    QString lastError() const { return lastError_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The run on a row (nullptr outside the rows).
    const store::RunRecord* record(int row) const;
    qint64 runId(int row) const;
    /// The row of a run, or -1.
    int rowOf(qint64 runId) const;
    /// The newest annotation of a row's run (empty if none).
    QString annotation(int row) const;

  private:
    struct Row {
        store::RunRecord run;
        QString annotation;  // newest, whole
    };
    std::shared_ptr<store::RunStore> store_;
    std::vector<Row> rows_;
    QString lastError_;
};

}  // namespace dais::studio
