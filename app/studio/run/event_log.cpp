#include "run/event_log.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>

#include "dais/core/digest.h"

namespace dais::studio {

namespace {

/// Layer shown for nodes going down or up (the network's own records).
constexpr std::string_view kNetworkLayer = "net";

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

/// `needle` (already lower case) occurs in `hay`, ignoring ASCII case.
bool containsFolded(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return lower(a) == b; });
    return it != hay.end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// EventLogModel

EventLogModel::EventLogModel(QObject* parent) : QAbstractTableModel(parent) {}

void EventLogModel::attach(RunController* controller) {
    connect(controller, &RunController::preparing, this, [this] { reset(nullptr); });
    connect(controller, &RunController::prepared, this, &EventLogModel::setStructure);
    connect(controller, &RunController::traces, this,
            [this](const std::shared_ptr<const TraceBatch>& batch) { appendTraces(*batch); });
    connect(controller, &RunController::activity, this,
            [this](const std::shared_ptr<const ActivityBatch>& batch) { appendActivity(*batch); });
    connect(controller, &RunController::events, this,
            [this](const std::shared_ptr<const core::RunEvents>& batch) { appendEvents(*batch); });
}

void EventLogModel::reset(std::shared_ptr<const NetworkStructure> structure) {
    beginResetModel();
    rows_.clear();
    removed_ = 0;
    droppedTraces_ = 0;
    droppedEvents_ = 0;
    eventKindNames_.clear();
    eventKindIds_.clear();
    layerNames_.clear();
    layerIds_.clear();
    structure_ = std::move(structure);
    endResetModel();
    emit countsChanged();
}

void EventLogModel::setStructure(std::shared_ptr<const NetworkStructure> structure) {
    if (rows_.empty()) {
        structure_ = std::move(structure);
        return;
    }
    // Rows already there get their nodes' names.
    beginResetModel();
    structure_ = std::move(structure);
    endResetModel();
}

std::uint16_t EventLogModel::layerIndex(std::string_view name) {
    const std::string key(name);
    const auto it = layerIds_.find(key);
    if (it != layerIds_.end()) return it->second;
    const auto id = static_cast<std::uint16_t>(layerNames_.size());
    layerIds_.emplace(key, id);
    layerNames_.push_back(QString::fromStdString(key));
    emit layerAdded(layerNames_.back());
    return id;
}

std::uint16_t EventLogModel::eventKindIndex(const std::string& name) {
    const auto it = eventKindIds_.find(name);
    if (it != eventKindIds_.end()) return it->second;
    const auto id = static_cast<std::uint16_t>(eventKindNames_.size());
    eventKindIds_.emplace(name, id);
    eventKindNames_.push_back(QString::fromStdString(name));
    emit eventKindAdded(eventKindNames_.back());
    return id;
}

void EventLogModel::appendEvents(const core::RunEvents& batch) {
    droppedEvents_ += batch.dropped;
    std::vector<Row> rows;
    if (batch.catalog) {
        const core::RunEventCatalog& catalog = *batch.catalog;
        rows.reserve(batch.events.size());
        for (const core::RunEvent& e : batch.events) {
            Row r;
            r.time = e.time;
            r.node = e.node;  // kNoEventNode is past every node: no name, nothing to select
            r.layer = layerIndex(catalog.layerId(e));
            r.kind = Kind::Event;
            r.eventKind = eventKindIndex(catalog.kind(e).name);
            r.hasDigest = e.hasDigest;
            r.digest = e.digest;
            r.text = e.detail;
            rows.push_back(std::move(r));
        }
    }
    append(std::move(rows));
    if (batch.events.empty() && batch.dropped > 0) emit countsChanged();
}

void EventLogModel::appendTraces(const TraceBatch& batch) {
    droppedTraces_ += batch.dropped;
    std::vector<Row> rows;
    rows.reserve(batch.lines.size());
    for (const TraceLine& line : batch.lines) {
        Row r;
        r.time = line.time;
        r.node = line.node;
        r.layer = layerIndex(line.category);
        r.kind = Kind::Trace;
        r.text = line.text;
        rows.push_back(std::move(r));
    }
    append(std::move(rows));
    if (batch.lines.empty() && batch.dropped > 0) emit countsChanged();
}

void EventLogModel::appendActivity(const ActivityBatch& batch) {
    std::vector<Row> rows;
    for (const ActivityBatch::NodeChange& c : batch.changes) {
        if (c.kind != ActivityBatch::NodeChange::Down && c.kind != ActivityBatch::NodeChange::Up)
            continue;
        Row r;
        r.time = c.time;
        r.node = c.node;
        r.layer = layerIndex(kNetworkLayer);
        const bool down = c.kind == ActivityBatch::NodeChange::Down;
        r.kind = down ? Kind::Down : Kind::Up;
        r.text = down ? "node down" : "node up";
        rows.push_back(std::move(r));
    }
    append(std::move(rows));
}

void EventLogModel::append(std::vector<Row>&& rows) {
    if (rows.empty()) return;
    // A batch larger than the whole log keeps only its newest rows.
    std::size_t skip = 0;
    if (rows.size() > capacity_) {
        skip = rows.size() - capacity_;
        removed_ += skip;
    }
    const std::size_t incoming = rows.size() - skip;
    if (rows_.size() + incoming > capacity_) {
        // Remove a chunk at once (a tenth of the capacity more than needed), so that the view
        // does not shift for every batch.
        const std::size_t need = rows_.size() + incoming - capacity_;
        const std::size_t chunk = std::min(rows_.size(), need + capacity_ / 10);
        beginRemoveRows({}, 0, static_cast<int>(chunk) - 1);
        rows_.erase(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(chunk));
        removed_ += chunk;
        endRemoveRows();
    }
    const int first = static_cast<int>(rows_.size());
    beginInsertRows({}, first, first + static_cast<int>(incoming) - 1);
    for (std::size_t i = skip; i < rows.size(); ++i)
        rows_.push_back(std::move(rows[i]));
    endInsertRows();
    emit countsChanged();
}

void EventLogModel::setCapacity(std::size_t rows) {
    capacity_ = std::max<std::size_t>(rows, 1);
    if (rows_.size() <= capacity_) return;
    const std::size_t chunk = rows_.size() - capacity_;
    beginRemoveRows({}, 0, static_cast<int>(chunk) - 1);
    rows_.erase(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(chunk));
    removed_ += chunk;
    endRemoveRows();
    emit countsChanged();
}

QString EventLogModel::kindName(Kind kind) {
    switch (kind) {
        case Kind::Trace:
            return QStringLiteral("trace");
        case Kind::Down:
            return QStringLiteral("down");
        case Kind::Up:
            return QStringLiteral("up");
        case Kind::Event:
            return QStringLiteral("event");
    }
    return {};
}

QString EventLogModel::kindText(const Row& r) const {
    if (r.kind != Kind::Event) return kindName(r.kind);
    const QString& full = eventKindNames_[r.eventKind];
    const QString& layer = layerNames_[r.layer];
    if (full.startsWith(layer) && full.size() > layer.size() && full[layer.size()] == '.')
        return full.mid(layer.size() + 1);
    return full;
}

QString EventLogModel::nodeName(std::uint32_t node) const {
    if (structure_ && node < structure_->nodes.size())
        return QString::fromStdString(structure_->name(node));
    return QStringLiteral("#%1").arg(node);
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Row& r = row(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            switch (index.column()) {
                case TimeColumn:
                    return QString::number(sim::toSeconds(r.time), 'f', 6);
                case NodeColumn:
                    return r.node == core::kNoEventNode ? QString() : nodeName(r.node);
                case LayerColumn:
                    return layerNames_[r.layer];
                case KindColumn:
                    return role == Qt::ToolTipRole && r.kind == Kind::Event
                               ? eventKindNames_[r.eventKind]
                               : kindText(r);
                case DigestColumn:
                    if (!r.hasDigest) return {};
                    // The first 16 hex digits are enough to tell digests apart; the tooltip has
                    // them all.
                    return role == Qt::ToolTipRole
                               ? QString::fromStdString(core::hexText(r.digest))
                               : QString::fromStdString(core::hexText(r.digest).substr(0, 16));
                case TextColumn:
                    return QString::fromStdString(r.text);
                default:
                    return {};
            }
        case Qt::TextAlignmentRole:
            if (index.column() == TimeColumn)
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case NodeRole:
            return QVariant::fromValue<quint32>(r.node);
        case TimeRole:
            return sim::toSeconds(r.time);
        default:
            return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case TimeColumn:
            return tr("Time (s)");
        case NodeColumn:
            return tr("Node");
        case LayerColumn:
            return tr("Layer");
        case KindColumn:
            return tr("Kind");
        case DigestColumn:
            return tr("Digest");
        case TextColumn:
            return tr("Text");
        default:
            return {};
    }
}

// ---------------------------------------------------------------------------------------------
// EventLogFilter

EventLogFilter::EventLogFilter(QObject* parent) : QSortFilterProxyModel(parent) {}

void EventLogFilter::setSourceModel(QAbstractItemModel* model) {
    log_ = qobject_cast<EventLogModel*>(model);
    matchesValid_ = false;
    QSortFilterProxyModel::setSourceModel(model);
}

void EventLogFilter::setLayer(const QString& layer) {
    if (layer == layer_) return;
    layer_ = layer;
    invalidateFilter();
}

void EventLogFilter::setNode(const QString& text) {
    if (text == node_) return;
    node_ = text;
    matchesValid_ = false;
    invalidateFilter();
}

void EventLogFilter::setKind(const QString& kind) {
    int k = -1;
    QString event;
    if (kind == QLatin1String("trace")) {
        k = static_cast<int>(EventLogModel::Kind::Trace);
    } else if (kind == QLatin1String("down")) {
        k = static_cast<int>(EventLogModel::Kind::Down);
    } else if (kind == QLatin1String("up")) {
        k = static_cast<int>(EventLogModel::Kind::Up);
    } else if (!kind.isEmpty()) {
        k = static_cast<int>(EventLogModel::Kind::Event);
        event = kind;
    }
    if (k == kind_ && event == eventKind_) return;
    kind_ = k;
    eventKind_ = event;
    invalidateFilter();
}

void EventLogFilter::setDigest(const QString& prefix) {
    std::vector<std::uint8_t> nibbles;
    const std::string text = prefix.trimmed().toStdString();
    const bool hex = core::isDigestPrefix(text);
    for (char c : text) {
        const char l = lower(c);
        nibbles.push_back(static_cast<std::uint8_t>(l >= 'a' ? l - 'a' + 10 : l - '0'));
    }
    if (!hex && !text.empty()) nibbles.assign(65, 0);  // longer than any digest: matches nothing
    const bool on = !text.empty();
    if (on == digestFilter_ && nibbles == digestNibbles_) return;
    digestFilter_ = on;
    digestNibbles_ = std::move(nibbles);
    invalidateFilter();
}

void EventLogFilter::setText(const QString& text) {
    std::string folded = text.toStdString();
    std::transform(folded.begin(), folded.end(), folded.begin(), lower);
    if (folded == text_) return;
    text_ = std::move(folded);
    invalidateFilter();
}

const std::vector<char>& EventLogFilter::nodeMatches() const {
    const NetworkStructure* structure = log_->structure().get();
    if (matchesValid_ && structure == matchedStructure_) return nodeMatches_;
    matchedStructure_ = structure;
    matchesValid_ = true;
    nodeMatches_.clear();
    if (structure == nullptr) return nodeMatches_;
    std::string needle = node_.toStdString();
    std::transform(needle.begin(), needle.end(), needle.begin(), lower);
    nodeMatches_.resize(structure->nodes.size(), 0);
    for (std::uint32_t i = 0; i < structure->nodes.size(); ++i)
        nodeMatches_[i] = containsFolded(structure->name(i), needle) ? 1 : 0;
    return nodeMatches_;
}

bool EventLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (log_ == nullptr || sourceParent.isValid()) return true;
    const EventLogModel::Row& r = log_->row(sourceRow);
    if (kind_ >= 0 && static_cast<int>(r.kind) != kind_) return false;
    if (!eventKind_.isEmpty() && log_->eventKinds()[r.eventKind] != eventKind_) return false;
    if (digestFilter_) {
        if (!r.hasDigest || digestNibbles_.size() > 2 * r.digest.size()) return false;
        for (std::size_t i = 0; i < digestNibbles_.size(); ++i) {
            const std::uint8_t byte = r.digest[i / 2];
            if (((i % 2 == 0) ? byte >> 4 : byte & 15) != digestNibbles_[i]) return false;
        }
    }
    if (!layer_.isEmpty() && log_->layers()[r.layer] != layer_) return false;
    if (!node_.isEmpty()) {
        const std::vector<char>& m = nodeMatches();
        if (r.node < m.size()) {
            if (m[r.node] == 0) return false;
        } else if (!log_->nodeName(r.node).contains(node_, Qt::CaseInsensitive)) {
            return false;
        }
    }
    return containsFolded(r.text, text_);
}

// ---------------------------------------------------------------------------------------------
// EventLogView

EventLogView::EventLogView(QWidget* parent)
    : QWidget(parent),
      model_(new EventLogModel(this)),
      filter_(new EventLogFilter(this)),
      table_(new QTableView(this)),
      layerBox_(new QComboBox(this)),
      nodeEdit_(new QLineEdit(this)),
      kindBox_(new QComboBox(this)),
      digestEdit_(new QLineEdit(this)),
      textEdit_(new QLineEdit(this)),
      status_(new QLabel(this)) {
    filter_->setSourceModel(model_);

    layerBox_->addItem(tr("All layers"), QString());
    layerBox_->setToolTip(tr("Show the records of one layer only"));
    kindBox_->addItem(tr("All kinds"), QString());
    for (const char* k : {"trace", "down", "up"})
        kindBox_->addItem(QString::fromLatin1(k), QString::fromLatin1(k));
    kindBox_->setToolTip(
        tr("trace: a layer's or the network's record; down, up: a node failing or recovering; "
           "the others: the kinds of events the layers record"));
    digestEdit_->setPlaceholderText(tr("Digest"));
    digestEdit_->setClearButtonEnabled(true);
    digestEdit_->setToolTip(
        tr("Show the events whose digest starts with these hex digits: one update, block or "
           "job followed from event to event"));
    nodeEdit_->setPlaceholderText(tr("Node"));
    nodeEdit_->setClearButtonEnabled(true);
    nodeEdit_->setToolTip(tr("Show the records of nodes whose name contains this text"));
    textEdit_->setPlaceholderText(tr("Search text"));
    textEdit_->setClearButtonEnabled(true);

    auto* bar = new QHBoxLayout();
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(layerBox_);
    bar->addWidget(nodeEdit_, 1);
    bar->addWidget(kindBox_);
    bar->addWidget(digestEdit_, 1);
    bar->addWidget(textEdit_, 2);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(bar);
    column->addWidget(table_, 1);
    column->addWidget(status_);

    table_->setModel(filter_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(false);
    table_->setCornerButtonEnabled(false);
    table_->verticalHeader()->hide();
    // Fixed row heights: the view never measures rows, which matters with a million of them.
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 4);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int digit = table_->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    table_->setColumnWidth(EventLogModel::TimeColumn, digit * 14);
    table_->setColumnWidth(EventLogModel::NodeColumn, digit * 18);
    table_->setColumnWidth(EventLogModel::LayerColumn, digit * 11);
    table_->setColumnWidth(EventLogModel::KindColumn, digit * 16);
    table_->setColumnWidth(EventLogModel::DigestColumn, digit * 18);

    connect(model_, &EventLogModel::layerAdded, this, [this](const QString& layer) {
        if (layerBox_->findData(layer) < 0) layerBox_->addItem(layer, layer);
    });
    connect(model_, &EventLogModel::eventKindAdded, this, [this](const QString& kind) {
        if (kindBox_->findData(kind) < 0) {
            const auto dot = kind.indexOf('.');
            kindBox_->addItem(dot < 0 ? kind : kind.mid(dot + 1), kind);
            kindBox_->setItemData(kindBox_->count() - 1, kind, Qt::ToolTipRole);
        }
    });
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        // A new run: its layers are added as they appear; the chosen one stays chosen.
        const QString chosen = layerBox_->currentData().toString();
        const QSignalBlocker block(layerBox_);
        for (int i = layerBox_->count() - 1; i >= 1; --i)
            if (layerBox_->itemData(i).toString() != chosen) layerBox_->removeItem(i);
        for (const QString& l : model_->layers())
            if (layerBox_->findData(l) < 0) layerBox_->addItem(l, l);
        // Event kinds likewise: the built-in kinds stay, a chosen event kind stays chosen.
        const QString kind = kindBox_->currentData().toString();
        const QSignalBlocker blockKinds(kindBox_);
        for (int i = kindBox_->count() - 1; i >= 4; --i)
            if (kindBox_->itemData(i).toString() != kind) kindBox_->removeItem(i);
        follow_ = true;
    });
    connect(layerBox_, &QComboBox::currentIndexChanged, this,
            [this] { filter_->setLayer(layerBox_->currentData().toString()); });
    connect(kindBox_, &QComboBox::currentIndexChanged, this,
            [this] { filter_->setKind(kindBox_->currentData().toString()); });
    connect(nodeEdit_, &QLineEdit::textChanged, filter_, &EventLogFilter::setNode);
    connect(digestEdit_, &QLineEdit::textChanged, filter_, &EventLogFilter::setDigest);
    connect(textEdit_, &QLineEdit::textChanged, filter_, &EventLogFilter::setText);
    connect(model_, &EventLogModel::countsChanged, this, &EventLogView::updateStatus);
    connect(filter_, &QAbstractItemModel::modelReset, this, &EventLogView::updateStatus);
    connect(filter_, &QAbstractItemModel::rowsInserted, this, &EventLogView::updateStatus);
    connect(filter_, &QAbstractItemModel::rowsRemoved, this, &EventLogView::updateStatus);
    connect(filter_, &QAbstractItemModel::layoutChanged, this, &EventLogView::updateStatus);

    // Follow the newest row while the view is at the bottom; stop when the user scrolls up.
    QScrollBar* vertical = table_->verticalScrollBar();
    connect(vertical, &QScrollBar::valueChanged, this,
            [this, vertical](int value) { follow_ = value >= vertical->maximum(); });
    connect(vertical, &QScrollBar::rangeChanged, this, [this, vertical](int, int max) {
        if (follow_) vertical->setValue(max);
    });

    connect(table_, &QAbstractItemView::clicked, this,
            [this](const QModelIndex& index) { activate(index, true); });
    connect(table_, &QAbstractItemView::activated, this,
            [this](const QModelIndex& index) { activate(index, false); });
    updateStatus();
}

void EventLogView::attach(RunController* controller) {
    model_->attach(controller);
}

void EventLogView::activate(const QModelIndex& index, bool click) {
    if (!index.isValid()) return;
    const QModelIndex source = filter_->mapToSource(index);
    if (!source.isValid()) return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // A double click is a click and an activation of the same row: name the node once.
    const bool same = lastClick_.isValid() && lastClick_.row() == index.row() &&
                      now - lastClickAt_ <= 2 * QApplication::doubleClickInterval();
    if (click) {
        lastClick_ = index;
        lastClickAt_ = now;
    } else if (same) {
        return;
    }
    const std::uint32_t node = model_->row(source.row()).node;
    if (node == core::kNoEventNode) return;  // an event about no node in particular
    const auto& structure = model_->structure();
    if (structure && node >= structure->nodes.size()) return;
    emit nodeActivated(node);
}

void EventLogView::updateStatus() {
    const QLocale locale;
    QString text = tr("%1 of %2 records shown")
                       .arg(locale.toString(filter_->rowCount()))
                       .arg(locale.toString(model_->rowCount()));
    if (model_->removedRows() > 0)
        text += tr("; %1 older records let go").arg(locale.toString(model_->removedRows()));
    if (model_->droppedEvents() > 0)
        text += tr("; %1 events not kept (the run keeps its first events only)")
                    .arg(locale.toString(model_->droppedEvents()));
    if (model_->droppedTraces() > 0)
        text += tr("; %1 trace records not shown (the run went faster than the log)")
                    .arg(locale.toString(model_->droppedTraces()));
    status_->setText(text);
}

}  // namespace dais::studio
