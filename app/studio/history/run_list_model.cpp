// The runs of a run store as a table.
#include <QDateTime>

#include "history/history_util.h"
#include "history/run_list_model.h"

namespace dais::studio {

using history::qs;

RunListModel::RunListModel(std::shared_ptr<store::RunStore> store, QObject* parent)
    : QAbstractTableModel(parent), store_(std::move(store)) {}

void RunListModel::setStore(std::shared_ptr<store::RunStore> store) {
    beginResetModel();
    store_ = std::move(store);
    rows_.clear();
    endResetModel();
}

core::Result<void> RunListModel::refresh() {
    lastError_.clear();
    if (!store_) {
        beginResetModel();
        rows_.clear();
        endResetModel();
        return {};
    }
    auto runs = store_->listRuns();
    if (!runs) {
        lastError_ = tr("Could not read the runs: %1").arg(qs(runs.error().message));
        return core::Error{lastError_.toStdString()};
    }
    std::vector<Row> rows;
    rows.reserve(runs->size());
    for (store::RunRecord& r : *runs) {
        Row row{std::move(r), {}};
        if (auto notes = store_->annotations(row.run.id); notes && !notes->empty())
            row.annotation = qs(notes->back().text);
        rows.push_back(std::move(row));
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    return {};
}

int RunListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) return {};
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    const store::RunRecord& r = row.run;
    if (role == RunIdRole) return QVariant::fromValue<qint64>(r.id);
    const int column = index.column();
    if (role == Qt::TextAlignmentRole) {
        switch (column) {
            case Id:
            case Seed:
            case WallSeconds:
            case Events:
            case SimulatedSeconds:
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            default:
                return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == Annotation && !row.annotation.isEmpty()) return row.annotation;
        if (column == Status && !r.error.empty()) return qs(r.error);
        if (column == Scenario) return qs(r.scenarioHash);
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool sort = role == SortRole;
    switch (column) {
        case Id:
            return QVariant::fromValue<qint64>(r.id);
        case Scenario:
            return qs(r.scenarioName);
        case Seed:
            return sort ? QVariant::fromValue<qulonglong>(r.seed) : QString::number(r.seed);
        case Status:
            return qs(store::runStatusName(r.status));
        case Started:
            if (sort) return QVariant::fromValue<qint64>(r.startedAt);
            return QDateTime::fromMSecsSinceEpoch(r.startedAt)
                .toLocalTime()
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case WallSeconds:
            return sort ? QVariant(r.wallSeconds)
                        : QVariant(QString::number(r.wallSeconds, 'f', 3));
        case Events:
            return sort ? QVariant::fromValue<qulonglong>(r.events)
                        : QVariant(QLocale().toString(static_cast<qulonglong>(r.events)));
        case SimulatedSeconds: {
            const double s = history::toSeconds(r.simulatedTime);
            return sort ? QVariant(s) : QVariant(QString::number(s, 'g', 6));
        }
        case Fingerprint:
            return qs(r.fingerprint);
        case Annotation: {
            if (sort) return row.annotation;
            QString line = row.annotation.section(QLatin1Char('\n'), 0, 0);
            if (line.size() > 60)
                line = line.left(59) + QString(QChar(0x2026));
            else if (row.annotation.contains(QLatin1Char('\n')))
                line += QString(QChar(0x2026));
            return line;
        }
        default:
            return {};
    }
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Id:
            return tr("Run");
        case Scenario:
            return tr("Scenario");
        case Seed:
            return tr("Seed");
        case Status:
            return tr("Status");
        case Started:
            return tr("Started");
        case WallSeconds:
            return tr("Wall (s)");
        case Events:
            return tr("Events");
        case SimulatedSeconds:
            return tr("Simulated (s)");
        case Fingerprint:
            return tr("Fingerprint");
        case Annotation:
            return tr("Annotation");
        default:
            return {};
    }
}

const store::RunRecord* RunListModel::record(int row) const {
    if (row < 0 || row >= rowCount()) return nullptr;
    return &rows_[static_cast<std::size_t>(row)].run;
}

qint64 RunListModel::runId(int row) const {
    const store::RunRecord* r = record(row);
    return r ? r->id : 0;
}

int RunListModel::rowOf(qint64 id) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].run.id == id) return static_cast<int>(i);
    return -1;
}

QString RunListModel::annotation(int row) const {
    if (row < 0 || row >= rowCount()) return {};
    return rows_[static_cast<std::size_t>(row)].annotation;
}

}  // namespace dais::studio
