#pragma once
// The event log of a run: its trace records, the layers' structured events (with their kind and
// digest) and its nodes going down and up, as a table that can be filtered by layer, node, kind,
// digest prefix and text. Hops and activities are not logged (there are far too many); the
// canvas shows them. Memory is bounded: the newest rows are kept (a million by default) and the
// log says how many older rows it let go, and how many events the run itself did not keep.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QWidget>

#include "dais/core/run_events.h"
#include "run/network_structure.h"
#include "run/run_controller.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace dais::studio {

/// The rows of the event log, appended one batch at a time (GUI thread).
class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        TimeColumn,
        NodeColumn,
        LayerColumn,
        KindColumn,
        DigestColumn,
        TextColumn,
        ColumnCount
    };
    /// Event: a layer's structured event (its kind in Row::eventKind).
    enum class Kind : std::uint8_t { Trace, Down, Up, Event };
    /// Item data roles beyond the display: the row's node index (quint32) and time (seconds).
    enum Role { NodeRole = Qt::UserRole + 1, TimeRole };

    static constexpr std::size_t kDefaultCapacity = 1'000'000;

    struct Row {
        sim::SimTime time = 0;
        std::uint32_t node = 0;
        std::uint16_t layer = 0;  ///< index into layers()
        Kind kind = Kind::Trace;
        std::uint16_t eventKind = 0;  ///< Event rows: index into eventKinds()
        bool hasDigest = false;
        core::Digest digest{};
        std::string text;
    };

    explicit EventLogModel(QObject* parent = nullptr);

    /// Follows a controller: cleared when a run is prepared, filled by its traces and the
    /// up/down changes of its activity feed.
    void attach(RunController* controller);
    /// Empties the log (a new run); `structure` names the nodes (nullptr: "#index").
    void reset(std::shared_ptr<const NetworkStructure> structure);
    /// Names the nodes of the rows with `structure` (the run's network, once prepared).
    void setStructure(std::shared_ptr<const NetworkStructure> structure);
    const std::shared_ptr<const NetworkStructure>& structure() const { return structure_; }

    void appendTraces(const TraceBatch& batch);
    /// Logs the Down and Up changes of a batch; the rest is not logged.
    void appendActivity(const ActivityBatch& batch);
    /// Logs the layers' structured events of a batch.
    void appendEvents(const core::RunEvents& batch);

    /// The newest rows kept; older rows are removed in chunks of a tenth.
    void setCapacity(std::size_t rows);
    std::size_t capacity() const { return capacity_; }
    /// Rows removed to stay within the capacity since the last reset.
    std::uint64_t removedRows() const { return removed_; }
    /// Trace records the controller could not deliver (a very fast run), since the last reset.
    std::uint64_t droppedTraces() const { return droppedTraces_; }
    /// Events the run itself did not keep (beyond its limit), since the last reset.
    std::uint64_t droppedEvents() const { return droppedEvents_; }

    const Row& row(int r) const { return rows_[static_cast<std::size_t>(r)]; }
    /// Layers (trace categories) in the order they first appeared.
    const std::vector<QString>& layers() const { return layerNames_; }
    /// The full names of the event kinds ("federated.update_poisoned") in the order they
    /// first appeared.
    const std::vector<QString>& eventKinds() const { return eventKindNames_; }
    static QString kindName(Kind kind);
    /// What the Kind column shows: "trace", "down", "up", or an event's kind without its
    /// layer's prefix ("update_poisoned").
    QString kindText(const Row& r) const;
    QString nodeName(std::uint32_t node) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

  signals:
    /// A layer appeared for the first time since the last reset.
    void layerAdded(const QString& layer);
    /// An event kind (its full name) appeared for the first time since the last reset.
    void eventKindAdded(const QString& kind);
    /// Rows were added or removed, or trace records were dropped.
    void countsChanged();

  private:
    std::uint16_t layerIndex(std::string_view name);
    std::uint16_t eventKindIndex(const std::string& name);
    void append(std::vector<Row>&& rows);

    std::deque<Row> rows_;
    std::size_t capacity_ = kDefaultCapacity;
    std::uint64_t removed_ = 0;
    std::uint64_t droppedTraces_ = 0;
    std::uint64_t droppedEvents_ = 0;
    std::vector<QString> eventKindNames_;
    std::unordered_map<std::string, std::uint16_t> eventKindIds_;
    std::vector<QString> layerNames_;
    std::unordered_map<std::string, std::uint16_t> layerIds_;
    std::shared_ptr<const NetworkStructure> structure_;
};

/// Filters the event log. Empty filters let everything through; text filters ignore case.
class EventLogFilter : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    explicit EventLogFilter(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    /// Only this layer (exact name); empty: every layer.
    void setLayer(const QString& layer);
    /// Only nodes whose name contains this text.
    void setNode(const QString& text);
    /// Only this kind ("trace", "down", "up", or an event kind's full name,
    /// "federated.update_poisoned"); empty: every kind.
    void setKind(const QString& kind);
    /// Only events whose digest starts with these hex digits (either case); empty: every row.
    /// Text that is not hex matches nothing.
    void setDigest(const QString& prefix);
    /// Only rows whose text contains this text.
    void setText(const QString& text);

  protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

  private:
    const std::vector<char>& nodeMatches() const;

    EventLogModel* log_ = nullptr;
    QString layer_;
    QString node_;
    int kind_ = -1;                            ///< EventLogModel::Kind, -1: any
    QString eventKind_;                        ///< kind_ Event: the event kind's full name
    std::vector<std::uint8_t> digestNibbles_;  ///< the digest prefix, one hex digit each
    bool digestFilter_ = false;
    std::string text_;  ///< lower case, UTF-8
    // Which nodes match node_, computed once per structure and filter text.
    mutable std::vector<char> nodeMatches_;
    mutable const NetworkStructure* matchedStructure_ = nullptr;
    mutable bool matchesValid_ = false;
};

/// The event log as a panel: a filter bar over the table. Follows the newest row unless the
/// user has scrolled up. Activating a row (click, double click, Enter) names its node.
class EventLogView : public QWidget {
    Q_OBJECT
  public:
    explicit EventLogView(QWidget* parent = nullptr);

    /// Shows the runs of `controller` (see EventLogModel::attach).
    void attach(RunController* controller);

    EventLogModel* model() const { return model_; }
    EventLogFilter* filter() const { return filter_; }
    QTableView* table() const { return table_; }
    QComboBox* layerBox() const { return layerBox_; }
    QLineEdit* nodeEdit() const { return nodeEdit_; }
    QComboBox* kindBox() const { return kindBox_; }
    QLineEdit* digestEdit() const { return digestEdit_; }
    QLineEdit* textEdit() const { return textEdit_; }
    QLabel* statusLabel() const { return status_; }

  signals:
    /// The user activated a row about this node, so the canvas can select it.
    void nodeActivated(quint32 node);

  private:
    void activate(const QModelIndex& index, bool click);
    void updateStatus();

    EventLogModel* model_;
    EventLogFilter* filter_;
    QTableView* table_;
    QComboBox* layerBox_;
    QLineEdit* nodeEdit_;
    QComboBox* kindBox_;
    QLineEdit* digestEdit_;
    QLineEdit* textEdit_;
    QLabel* status_;
    bool follow_ = true;
    QPersistentModelIndex lastClick_;
    qint64 lastClickAt_ = 0;
};

}  // namespace dais::studio
