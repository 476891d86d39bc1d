#include "run/trace_panel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dais/core/digest.h"
#include "dais/core/inspector.h"
#include "dais/core/layer_registry.h"
#include "run/network_structure.h"
#include "run/run_controller.h"

namespace dais::studio {

namespace {

/// The viewer name the panel asks the run for its records by.
const QString kViewer = QStringLiteral("trace");

enum RoundColumn { kRound, kAccuracy, kUpdates, kDecline, kRoundColumns };
/// A suspect takes two rows: its node, rounds and first update; then its evidence, across.
enum SuspectColumn { kNode, kRounds, kFirstUpdate, kSuspectColumns };

/// A fraction as a percentage to one decimal; "?" where it is unknown.
QString percent(double v) {
    return std::isfinite(v) ? QStringLiteral("%1%").arg(100 * v, 0, 'f', 1) : QStringLiteral("?");
}

/// Rounds as ranges: "10–21, 23–32".
QString roundRanges(std::vector<std::uint64_t> rounds) {
    std::sort(rounds.begin(), rounds.end());
    rounds.erase(std::unique(rounds.begin(), rounds.end()), rounds.end());
    QStringList parts;
    for (std::size_t i = 0; i < rounds.size();) {
        std::size_t j = i;
        while (j + 1 < rounds.size() && rounds[j + 1] == rounds[j] + 1)
            ++j;
        parts << (j == i ? QString::number(rounds[i])
                         : QStringLiteral("%1–%2").arg(rounds[i]).arg(rounds[j]));
        i = j + 1;
    }
    return parts.join(QStringLiteral(", "));
}

/// A note of the trace as a sentence.
QString sentence(const std::string& text) {
    QString s = QString::fromStdString(text);
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    if (!s.endsWith('.')) s += '.';
    return s;
}

/// The item of a cell, made when the row is new; read-only.
QTableWidgetItem* cell(QTableWidget* table, int row, int column) {
    QTableWidgetItem* item = table->item(row, column);
    if (!item) {
        item = new QTableWidgetItem;
        item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
        table->setItem(row, column, item);
    }
    return item;
}

QTableWidget* makeTable(QWidget* parent, const QString& name, const QStringList& headers) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->setVisible(false);
    t->setAlternatingRowColors(true);
    t->setSortingEnabled(false);
    return t;
}

}  // namespace

TracePanel::TracePanel(QWidget* parent) : QWidget(parent) {
    setObjectName("trace");

    // Left: the rounds, to name some.
    auto* hint = new QLabel(
        tr("Select the rounds that went wrong to name them (Ctrl or Shift for several); with "
           "none selected the trace looks for declines in accuracy."),
        this);
    hint->setWordWrap(true);
    roundsView_ =
        makeTable(this, "traceRounds", {tr("Round"), tr("Accuracy"), tr("Updates"), tr("Decline")});
    roundsView_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    roundsView_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // as wide as its columns
    roundsView_->verticalHeader()->setDefaultSectionSize(roundsView_->fontMetrics().height() + 6);
    roundsView_->horizontalHeaderItem(kDecline)->setToolTip(
        tr("How far below the peak before it the round's accuracy is, where the trace finds it "
           "in a decline (once a round falls more than 5 points below an earlier peak, the "
           "rounds after that peak that stay below it)"));
    roundsView_->horizontalHeaderItem(kUpdates)->setToolTip(
        tr("Updates aggregated in the round; \"sizes hidden\" where secure aggregation kept the "
           "server from seeing them"));
    roundsView_->horizontalHeader()->setStretchLastSection(true);
    findDeclines_ = new QPushButton(tr("Find declines"), this);
    findDeclines_->setObjectName("traceFindDeclines");
    findDeclines_->setToolTip(tr("Forget the rounds selected: the trace looks for declines"));
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(roundsView_, 1);
    leftLayout->addWidget(findDeclines_, 0, Qt::AlignLeft);

    // Right: whom the trace names, and why.
    summary_ = new QLabel(this);
    summary_->setObjectName("traceSummary");
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    suspects_ = makeTable(this, "traceSuspects", {tr("Node"), tr("Rounds"), tr("First update")});
    suspects_->setSelectionMode(QAbstractItemView::SingleSelection);
    suspects_->setAlternatingRowColors(false);  // a suspect's two rows read as one
    suspects_->setShowGrid(false);
    suspects_->setWordWrap(true);
    suspects_->setTextElideMode(Qt::ElideNone);
    suspects_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    suspects_->horizontalHeader()->setStretchLastSection(true);
    suspects_->horizontalHeaderItem(kRounds)->setToolTip(
        tr("The anomalous rounds it contributed to (how many)"));
    suspects_->horizontalHeaderItem(kFirstUpdate)
        ->setToolTip(
            tr("The digest (SHA-256) of its update in the first of those rounds, as the ledger "
               "records it; hover a cell for all of them"));
    notes_ = new QLabel(this);
    notes_->setObjectName("traceNotes");
    notes_->setWordWrap(true);
    notes_->setTextFormat(Qt::RichText);
    notes_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(summary_);
    rightLayout->addWidget(suspects_, 1);
    rightLayout->addWidget(notes_);
    rightLayout->addStretch(0);  // takes the room when nobody is named (no table)

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 5);
    split->setChildrenCollapsible(false);

    message_ = new QLabel(this);
    message_->setObjectName("traceMessage");
    message_->setWordWrap(true);
    message_->setAlignment(Qt::AlignCenter);
    message_->setMargin(16);
    auto* traced = new QWidget(this);
    auto* tracedLayout = new QVBoxLayout(traced);
    tracedLayout->setContentsMargins(0, 0, 0, 0);
    tracedLayout->addWidget(hint);
    tracedLayout->addWidget(split, 1);
    stack_ = new QStackedWidget(this);
    stack_->addWidget(traced);
    stack_->addWidget(message_);
    status_ = new QLabel(this);
    status_->setObjectName("traceStatus");

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(stack_, 1);
    layout->addWidget(status_);

    connect(roundsView_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!filling_) retrace();
    });
    connect(findDeclines_, &QPushButton::clicked, roundsView_, &QTableWidget::clearSelection);
    // A suspect picked (either of its rows) selects its node on the canvas, and both its rows.
    connect(suspects_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (filling_ || !current.isValid()) return;
                const QVariant node =
                    suspects_->item(current.row() - current.row() % 2, kNode)->data(Qt::UserRole);
                if (node.isValid()) emit nodeActivated(node.toUInt());
            });
    connect(suspects_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (filling_ || suspects_->currentRow() < 0) return;
        filling_ = true;
        selectSuspectRows(suspects_->currentRow() - suspects_->currentRow() % 2);
        filling_ = false;
    });
    // The evidence wraps: its rows as tall as their text across the table.
    connect(suspects_->horizontalHeader(), &QHeaderView::sectionResized, this,
            [this] { fitEvidence(); });
    showMessage(
        tr("Run the scenario to trace its federated rounds: the trace reads what the "
           "ledger recorded of each."));
}

void TracePanel::attach(RunController* controller) {
    controller_ = controller;
    connect(
        controller, &RunController::prepared, this,
        [this](std::shared_ptr<const NetworkStructure> s) { setNetworkStructure(std::move(s)); });
    connect(controller, &RunController::snapshot, this,
            [this](std::shared_ptr<const core::RunnerSnapshot> s) { applySnapshot(*s); });
    connect(controller, &RunController::finished, this,
            [this](std::shared_ptr<const core::RunReport> r) {
                if (r) applyReport(*r);
            });
}

void TracePanel::setNetworkStructure(std::shared_ptr<const NetworkStructure> structure) {
    structure_ = std::move(structure);
    ended_ = false;
    // Whether the run's layers keep the records at all.
    recordsDeclared_ = false;
    if (structure_)
        for (const std::string& id : structure_->layers)
            if (const core::LayerFactory* f = core::LayerRegistry::installed().find(id))
                for (const core::TableSpec& t : f->descriptor.tables)
                    recordsDeclared_ = recordsDeclared_ || t.name == kRecordsTable;
    records_.reset();
    readRounds();
    showRounds();
    retrace();
    follow();
}

void TracePanel::follow() {
    if (!controller_) return;
    const bool on = isVisible() && recordsDeclared_ && !ended_;
    controller_->watchMoreTables(
        kViewer, on ? std::vector<std::string>{kRecordsTable} : std::vector<std::string>{});
}

void TracePanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    follow();
}

void TracePanel::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    follow();
}

void TracePanel::applySnapshot(const core::RunnerSnapshot& snapshot) {
    for (const auto& table : snapshot.tables)
        if (table && table->name() == kRecordsTable) setRecords(table);
}

void TracePanel::applyReport(const core::RunReport& report) {
    ended_ = true;
    follow();
    std::shared_ptr<const core::InspectorTable> records;
    for (const auto& table : report.tables)
        if (table && table->name() == kRecordsTable) records = table;
    setRecords(std::move(records));
    showResult();  // final now, whether or not the records changed
}

void TracePanel::setRecords(std::shared_ptr<const core::InspectorTable> records) {
    if (records == records_) return;
    records_ = std::move(records);
    if (readRounds()) {
        showRounds();
        retrace();
    } else {
        showStatus();
    }
}

bool TracePanel::readRounds() {
    std::vector<core::RoundAudit> rounds;
    std::size_t unfinal = 0;
    QString error;
    if (records_) {
        auto read = core::finalRoundAudits(*records_, &unfinal);
        if (read) {
            // One record per round, the last one read.
            std::map<std::uint64_t, core::RoundAudit> byRound;
            for (core::RoundAudit& r : *read)
                byRound[r.round] = std::move(r);
            for (auto& [n, r] : byRound)
                rounds.push_back(std::move(r));
        } else {
            error = QString::fromStdString(read.error().message);
        }
    }
    const auto same = [](const core::RoundAudit& a, const core::RoundAudit& b) {
        return a.round == b.round && a.model == b.model && a.updates.size() == b.updates.size();
    };
    const bool changed = error != error_ || rounds.size() != rounds_.size() ||
                         !std::equal(rounds.begin(), rounds.end(), rounds_.begin(), same);
    unfinal_ = unfinal;
    error_ = error;
    if (!changed) return false;
    rounds_ = std::move(rounds);
    found_ = core::traceAnomaly(rounds_);
    return true;
}

void TracePanel::showRounds() {
    const std::vector<std::uint64_t> named = namedRounds();
    std::map<std::uint64_t, const core::TraceResult::Anomaly*> declines;
    for (const auto& a : found_.anomalies)
        declines[a.round] = &a;
    filling_ = true;
    roundsView_->setRowCount(static_cast<int>(rounds_.size()));
    const QColor decline(0xd0, 0x30, 0x30);
    for (std::size_t i = 0; i < rounds_.size(); ++i) {
        const core::RoundAudit& r = rounds_[i];
        const int row = static_cast<int>(i);
        QTableWidgetItem* round = cell(roundsView_, row, kRound);
        round->setText(QString::number(r.round));
        round->setData(Qt::UserRole, static_cast<qulonglong>(r.round));
        round->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        QTableWidgetItem* accuracy = cell(roundsView_, row, kAccuracy);
        accuracy->setText(percent(r.accuracy));
        accuracy->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const bool hidden =
            !r.updates.empty() && std::none_of(r.updates.begin(), r.updates.end(),
                                               [](auto& u) { return std::isfinite(u.norm); });
        QTableWidgetItem* updates = cell(roundsView_, row, kUpdates);
        updates->setText(hidden ? tr("%1, sizes hidden").arg(r.updates.size())
                                : QString::number(r.updates.size()));
        updates->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        updates->setToolTip(r.rejected.empty() ? QString()
                                               : tr("%1 aggregated, %2 vetoed by a reviewer")
                                                     .arg(r.updates.size())
                                                     .arg(r.rejected.size()));
        QTableWidgetItem* fell = cell(roundsView_, row, kDecline);
        if (const auto d = declines.find(r.round); d != declines.end()) {
            const auto& a = *d->second;
            fell->setText(tr("−%1 points").arg(100 * (a.before - a.after), 0, 'f', 1));
            fell->setToolTip(tr("In a decline: %1 points below the peak of round %2 (%3)")
                                 .arg(100 * (a.before - a.after), 0, 'f', 1)
                                 .arg(a.peak)
                                 .arg(percent(a.before)));
            fell->setForeground(decline);
        } else {
            fell->setText(QString());
            fell->setToolTip(QString());
        }
    }
    roundsView_->resizeColumnsToContents();
    // Every column in view: the splitter gives the suspects the rest.
    int width =
        2 * roundsView_->frameWidth() + roundsView_->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < kRoundColumns; ++c)
        width += roundsView_->columnWidth(c);
    roundsView_->setMinimumWidth(width);
    // The rounds named before, named again.
    roundsView_->clearSelection();
    for (int row = 0; row < roundsView_->rowCount(); ++row)
        if (std::binary_search(named.begin(), named.end(),
                               roundsView_->item(row, kRound)->data(Qt::UserRole).toULongLong()))
            roundsView_->selectionModel()->select(
                roundsView_->model()->index(row, 0),
                QItemSelectionModel::Select | QItemSelectionModel::Rows);
    filling_ = false;
}

std::vector<std::uint64_t> TracePanel::namedRounds() const {
    std::vector<std::uint64_t> named;
    for (const QModelIndex& index : roundsView_->selectionModel()->selectedRows(kRound))
        named.push_back(roundsView_->item(index.row(), kRound)->data(Qt::UserRole).toULongLong());
    std::sort(named.begin(), named.end());
    return named;
}

void TracePanel::nameRounds(const std::vector<std::uint64_t>& rounds) {
    const std::set<std::uint64_t> wanted(rounds.begin(), rounds.end());
    QItemSelection selection;
    for (int row = 0; row < roundsView_->rowCount(); ++row)
        if (wanted.count(roundsView_->item(row, kRound)->data(Qt::UserRole).toULongLong()))
            selection.select(roundsView_->model()->index(row, 0),
                             roundsView_->model()->index(row, kRoundColumns - 1));
    roundsView_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty()) roundsView_->scrollTo(selection.indexes().front());
}

void TracePanel::retrace() {
    const std::vector<std::uint64_t> named = namedRounds();
    if (named.empty()) {
        result_ = found_;
    } else {
        core::TraceOptions options;
        options.rounds = named;
        result_ = core::traceAnomaly(rounds_, options);
    }
    std::vector<std::uint32_t> nodes;
    for (const core::TraceSuspect& s : result_.suspects) {
        const std::uint32_t node = structure_ ? structure_->find(s.node) : NetworkStructure::kNone;
        if (node != NetworkStructure::kNone) nodes.push_back(node);
    }
    findDeclines_->setEnabled(!named.empty());
    showResult();
    if (nodes != suspectNodes_) {
        suspectNodes_ = std::move(nodes);
        emit suspectsChanged(suspectNodes_);
    }
}

void TracePanel::showResult() {
    if (!structure_) return;  // before any run: the message says what to do
    if (!records_ && ended_) {
        showMessage(tr("This run kept no ledger records: add the ledger layer to trace rounds."));
        return;
    }
    if (!recordsDeclared_ && !records_) {
        showMessage(tr("This run keeps no ledger records: add the ledger layer to trace rounds."));
        return;
    }
    if (!error_.isEmpty()) {
        showMessage(tr("The ledger's records do not read: %1").arg(error_));
        return;
    }
    if (rounds_.empty()) {
        showMessage(ended_ ? tr("The ledger holds no federated round that is final: nothing to "
                                "trace. Rounds are recorded when the federated layer runs "
                                "beside the ledger.")
                           : tr("No federated round is final on the ledger yet."));
        return;
    }
    stack_->setCurrentIndex(0);

    // What the anomaly is.
    QString what;
    std::vector<std::uint64_t> anomalous;
    for (const auto& a : result_.anomalies)
        anomalous.push_back(a.round);
    const bool named = !result_.anomalies.empty() && result_.anomalies.front().named;
    if (named && anomalous.size() == 1) {
        const auto& a = result_.anomalies.front();
        what = tr("<b>Round %1 named:</b> accuracy %2, the round before %3.")
                   .arg(a.round)
                   .arg(percent(a.after), percent(a.before));
    } else if (named) {
        what = tr("<b>Rounds %1 named.</b>").arg(roundRanges(anomalous));
    } else if (!anomalous.empty()) {
        const auto low =
            std::min_element(result_.anomalies.begin(), result_.anomalies.end(),
                             [](const auto& a, const auto& b) { return a.after < b.after; });
        what = tr("<b>Decline found</b> in rounds %1: accuracy down to %2 at round %3, from a "
                  "peak of %4 at round %5.")
                   .arg(roundRanges(anomalous), percent(low->after))
                   .arg(low->round)
                   .arg(percent(low->before))
                   .arg(low->peak);
    } else {
        what = tr("<b>No decline found.</b> Select rounds to name them.");
    }
    const int n = static_cast<int>(result_.suspects.size());
    const QString whom =
        n == 0   ? tr("The trace names nobody.")
        : n == 1 ? tr("The trace names one node, ringed in red on the canvas; pick it to select "
                      "it there.")
                 : tr("The trace names %1 nodes, strongest evidence first, ringed in red on the "
                      "canvas; pick one to select it there.")
                       .arg(n);
    summary_->setText(what + QStringLiteral("<br>") + whom);

    filling_ = true;
    // The suspect picked before, picked again (without selecting it on the canvas again).
    const int pickedRow = suspects_->currentRow();
    const QString current =
        pickedRow >= 0 ? suspects_->item(pickedRow - pickedRow % 2, kNode)->text() : QString();
    suspects_->clearSpans();
    suspects_->setRowCount(2 * n);
    QFont bold = suspects_->font();
    bold.setBold(true);
    for (int k = 0; k < n; ++k) {
        const core::TraceSuspect& s = result_.suspects[static_cast<std::size_t>(k)];
        const int row = 2 * k;
        QTableWidgetItem* node = cell(suspects_, row, kNode);
        node->setFont(bold);
        node->setText(QString::fromStdString(s.node));
        const std::uint32_t index = structure_->find(s.node);
        node->setData(Qt::UserRole,
                      index == NetworkStructure::kNone ? QVariant() : QVariant(index));
        node->setToolTip(tr("Select %1 on the canvas").arg(node->text()));
        suspects_->setSpan(row + 1, 0, 1, kSuspectColumns);
        QTableWidgetItem* evidence = cell(suspects_, row + 1, 0);
        evidence->setText(sentence(s.evidence));
        evidence->setTextAlignment(Qt::AlignLeft | Qt::AlignTop);
        QTableWidgetItem* rounds = cell(suspects_, row, kRounds);
        rounds->setText(s.rounds.size() == 1
                            ? QString::number(s.rounds.front())
                            : tr("%1 (%2)").arg(roundRanges(s.rounds)).arg(s.rounds.size()));
        QTableWidgetItem* first = cell(suspects_, row, kFirstUpdate);
        QStringList all;
        constexpr std::size_t kListed = 12;
        for (std::size_t i = 0; i < s.updates.size() && i < kListed; ++i)
            all << tr("round %1: %2")
                       .arg(i < s.rounds.size() ? QString::number(s.rounds[i]) : QString("?"))
                       .arg(QString::fromStdString(core::hexText(s.updates[i])));
        if (s.updates.size() > kListed) all << tr("and %1 more").arg(s.updates.size() - kListed);
        // The update of the earliest round.
        const std::size_t earliest = static_cast<std::size_t>(
            std::min_element(s.rounds.begin(), s.rounds.end()) - s.rounds.begin());
        first->setText(earliest < s.updates.size()
                           ? QString::fromStdString(core::shortHex(s.updates[earliest], 16))
                           : QString());
        first->setToolTip(all.join('\n'));
        first->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    // Columns as wide as the suspects' rows need (the evidence spans them all).
    const QFontMetrics boldMetrics(bold), metrics(suspects_->font());
    const QHeaderView* header = suspects_->horizontalHeader();
    int nodeWidth = header->sectionSizeHint(kNode), roundsWidth = header->sectionSizeHint(kRounds);
    for (int row = 0; row < 2 * n; row += 2) {
        nodeWidth =
            std::max(nodeWidth, boldMetrics.horizontalAdvance(suspects_->item(row, kNode)->text()));
        roundsWidth =
            std::max(roundsWidth, metrics.horizontalAdvance(suspects_->item(row, kRounds)->text()));
    }
    suspects_->setColumnWidth(kNode, nodeWidth + 16);
    suspects_->setColumnWidth(kRounds, roundsWidth + 16);
    suspects_->setVisible(n > 0);
    for (int row = 0; row < 2 * n && !current.isEmpty(); row += 2)
        if (suspects_->item(row, kNode)->text() == current) {
            suspects_->setCurrentCell(row, kNode);
            selectSuspectRows(row);
        }
    filling_ = false;
    fitEvidence();

    QStringList notes;
    for (const std::string& note : result_.notes)
        notes << sentence(note).toHtmlEscaped();
    const QString joined = notes.join(QStringLiteral(" "));
    notes_->setText(notes.isEmpty() ? QString()
                    : n == 0        ? tr("<b>Why nobody is named:</b> %1").arg(joined)
                                    : tr("<b>Note:</b> %1").arg(joined));
    notes_->setVisible(!notes.isEmpty());
    showStatus();
}

void TracePanel::selectSuspectRows(int row) {
    suspects_->selectionModel()->select(
        QItemSelection(suspects_->model()->index(row, 0),
                       suspects_->model()->index(row + 1, kSuspectColumns - 1)),
        QItemSelectionModel::ClearAndSelect);
}

void TracePanel::fitEvidence() {
    // Spanned cells count for nothing in the table's own row heights: measured here, at the
    // width the table shows them.
    const int width = std::max(80, suspects_->viewport()->width() - 8);
    const QFontMetrics fm(suspects_->font());
    for (int row = 1; row < suspects_->rowCount(); row += 2)
        if (const QTableWidgetItem* evidence = suspects_->item(row, 0))
            suspects_->setRowHeight(
                row, fm.boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap, evidence->text())
                             .height() +
                         6);
}

void TracePanel::showMessage(const QString& text) {
    message_->setText(text);
    stack_->setCurrentIndex(1);
    summary_->clear();
    suspects_->clearSpans();
    suspects_->setRowCount(0);
    notes_->clear();
    notes_->hide();
    showStatus();
}

QString TracePanel::message() const {
    return stack_->currentIndex() == 1 ? message_->text() : QString();
}

void TracePanel::showStatus() {
    if (!records_) {
        status_->clear();
        return;
    }
    QString text = rounds_.size() == 1 ? tr("1 round final on the ledger")
                                       : tr("%1 rounds final on the ledger").arg(rounds_.size());
    if (unfinal_ > 0)
        text += ended_ ? tr(" (%1 more not final as the run ended, left out)").arg(unfinal_)
                       : tr(" (%1 more not final yet)").arg(unfinal_);
    text += tr(", at %1 s").arg(sim::toSeconds(records_->filledAt()), 0, 'f', 3);
    status_->setText(text);
}

}  // namespace dais::studio
