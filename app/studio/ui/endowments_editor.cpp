#include "ui/endowments_editor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace dais::studio {

namespace {

using Json = nlohmann::json;

/// The kinds of recipient, as the scenario names their key.
const QStringList& kinds() {
    static const QStringList k = {"nodes", "role", "account"};
    return k;
}

QString amountText(const Json& a) {
    if (a.is_string()) return QString::fromStdString(a.get<std::string>());
    if (a.is_number_integer()) return QString::number(a.get<long long>());
    if (a.is_number()) return QString::number(a.get<double>(), 'g', 17);
    return {};
}

}  // namespace

EndowmentsEditor::EndowmentsEditor(const Json& endowments, QWidget* parent) : QWidget(parent) {
    setObjectName("endowmentsEditor");
    table_ = new QTableWidget(0, 3, this);
    table_->setHorizontalHeaderLabels({tr("to"), tr("tokens each"), tr("who")});
    // The kind and the amount take what they need; who gets it, last, takes the rest.
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setColumnWidth(Kind, table_->fontMetrics().horizontalAdvance("account") + 44);
    table_->setColumnWidth(Amount, table_->fontMetrics().horizontalAdvance("tokens each") + 16);
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(
        std::max(table_->verticalHeader()->defaultSectionSize(), QComboBox().sizeHint().height()));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setToolTip(
        tr("Who gets what when the run starts: the nodes named (ids, groups or members such as "
           "phones[3], separated by commas), every node of a role, or one system account"));
    add_ = new QPushButton(tr("Add"), this);
    remove_ = new QPushButton(tr("Remove"), this);
    remove_->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(add_);
    buttons->addWidget(remove_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_);
    layout->addLayout(buttons);

    filling_ = true;
    // By index: what the scenario holds may be anything, and is shown as far as it makes sense.
    const std::size_t count = endowments.is_array() ? endowments.size() : 0;
    for (std::size_t i = 0; i < count; ++i) {
        const Json& e = endowments[i];
        if (!e.is_object()) continue;
        QString kind = "role", who;
        const auto text = [&e](const char* key) {
            return e.contains(key) && e[key].is_string()
                       ? QString::fromStdString(e[key].get<std::string>())
                       : QString();
        };
        if (e.contains("nodes") && e["nodes"].is_array()) {
            kind = "nodes";
            const Json& nodes = e["nodes"];
            QStringList names;
            for (std::size_t k = 0; k < nodes.size(); ++k)
                if (nodes[k].is_string())
                    names << QString::fromStdString(nodes[k].get<std::string>());
            who = names.join(", ");
        } else if (e.contains("account")) {
            kind = "account";
            who = text("account");
        } else {
            who = text("role");
        }
        insertRow(kind, who, e.contains("amount") ? amountText(e["amount"]) : QString());
    }
    filling_ = false;
    table_->setFixedHeight(table_->horizontalHeader()->height() +
                           table_->verticalHeader()->defaultSectionSize() * 4 + 4);

    connect(add_, &QPushButton::clicked, this, &EndowmentsEditor::addRow);
    connect(remove_, &QPushButton::clicked, this, [this] { removeRow(table_->currentRow()); });
    connect(table_, &QTableWidget::itemSelectionChanged, this,
            [this] { remove_->setEnabled(table_->currentRow() >= 0); });
    connect(table_, &QTableWidget::itemChanged, this, [this] {
        if (!filling_) emit edited(value());
    });
}

void EndowmentsEditor::insertRow(const QString& kind, const QString& who, const QString& amount) {
    const int row = table_->rowCount();
    table_->insertRow(row);
    auto* combo = new QComboBox(table_);
    combo->addItems(kinds());
    combo->setCurrentIndex(std::max(0, static_cast<int>(kinds().indexOf(kind))));
    table_->setCellWidget(row, Kind, combo);
    connect(combo, &QComboBox::activated, this, [this] { emit edited(value()); });
    // Full texts in tooltips: a narrow panel cuts them.
    auto* w = new QTableWidgetItem(who);
    w->setToolTip(who);
    table_->setItem(row, Who, w);
    auto* a = new QTableWidgetItem(amount);
    a->setToolTip(amount);
    a->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table_->setItem(row, Amount, a);
}

void EndowmentsEditor::addRow() {
    filling_ = true;
    insertRow("role", "", "100");
    filling_ = false;
    table_->setCurrentCell(table_->rowCount() - 1, Who);
    emit edited(value());
}

void EndowmentsEditor::removeRow(int row) {
    if (row < 0 || row >= table_->rowCount()) return;
    table_->removeRow(row);
    emit edited(value());
}

Json EndowmentsEditor::value() const {
    Json out = Json::array();
    for (int row = 0; row < table_->rowCount(); ++row) {
        const auto* combo = qobject_cast<QComboBox*>(table_->cellWidget(row, Kind));
        const QString kind = combo ? combo->currentText() : "role";
        const QString who = table_->item(row, Who) ? table_->item(row, Who)->text().trimmed() : "";
        const QString amount =
            table_->item(row, Amount) ? table_->item(row, Amount)->text().trimmed() : "";
        Json e = Json::object();
        if (kind == "nodes") {
            Json names = Json::array();
            for (const QString& n : who.split(',', Qt::SkipEmptyParts))
                names.push_back(n.trimmed().toStdString());
            e["nodes"] = std::move(names);
        } else {
            e[kind.toStdString()] = who.toStdString();
        }
        // A whole number stays a number; anything else is the exact text (the validator says
        // what is wrong with it).
        bool whole = false;
        const long long n = amount.toLongLong(&whole);
        if (whole)
            e["amount"] = n;
        else
            e["amount"] = amount.toStdString();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace dais::studio
