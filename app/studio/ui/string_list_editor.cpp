#include "ui/string_list_editor.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>

namespace dais::studio {

StringListEditor::StringListEditor(const QStringList& values, const QString& noun, QWidget* parent)
    : QWidget(parent), values_(values), noun_(noun) {
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(3);
    list_ = new QListWidget(this);
    list_->setObjectName("entries");
    // Renaming is this editor's own line over the row (startRename), not the list's delegate:
    // what is typed goes through rename() and nothing else.
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setToolTip(
        tr("Double-click a %1 (or press F2) to rename it; Delete removes it.").arg(noun_));
    list_->installEventFilter(this);
    v->addWidget(list_);
    auto* row = new QHBoxLayout;
    row->setSpacing(3);
    newEntry_ = new QLineEdit(this);
    newEntry_->setObjectName("newEntry");
    newEntry_->setPlaceholderText(tr("New %1").arg(noun_));
    add_ = new QPushButton(tr("Add"), this);
    add_->setObjectName("add");
    remove_ = new QPushButton(tr("Remove"), this);
    remove_->setObjectName("remove");
    row->addWidget(newEntry_, 1);
    row->addWidget(add_);
    row->addWidget(remove_);
    v->addLayout(row);
    message_ = new QLabel(this);
    message_->setObjectName("message");
    message_->setWordWrap(true);
    message_->setStyleSheet("color: #d03030");
    message_->hide();
    v->addWidget(message_);
    setFocusProxy(newEntry_);
    // As tall as its rows need: a form that has room to spare keeps it below the list, not
    // between the label and the list.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    fillList();

    const auto addTyped = [this] {
        if (add(newEntry_->text())) newEntry_->clear();
    };
    connect(newEntry_, &QLineEdit::returnPressed, this, addTyped);
    connect(add_, &QPushButton::clicked, this, addTyped);
    connect(remove_, &QPushButton::clicked, this, [this] { removeAt(list_->currentRow()); });
    connect(list_, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { startRename(list_->row(item)); });
    connect(list_, &QListWidget::currentRowChanged, this,
            [this](int current) { remove_->setEnabled(current >= 0); });
    remove_->setEnabled(false);
}

void StringListEditor::fillList() {
    const QSignalBlocker quiet(list_);
    list_->clear();
    for (const QString& value : values_)
        new QListWidgetItem(value, list_);
    // Tall enough for a few rows, no taller than its entries need.
    const int rows = std::clamp(static_cast<int>(values_.size()), 2, 6);
    list_->setFixedHeight(rows * list_->fontMetrics().height() * 3 / 2 + 2 * list_->frameWidth() +
                          4);
}

QString StringListEditor::message() const {
    return message_->isHidden() ? QString() : message_->text();
}

void StringListEditor::showMessage(const QString& text) {
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
}

QString StringListEditor::refusal(const QString& text, int row) const {
    const QString entry = text.trimmed();
    if (entry.isEmpty()) return tr("A %1 cannot be empty.").arg(noun_);
    for (int i = 0; i < values_.size(); ++i)
        if (i != row && values_[i].compare(entry, Qt::CaseInsensitive) == 0)
            return tr("\"%1\" is already a %2.").arg(values_[i], noun_);
    return {};
}

bool StringListEditor::add(const QString& text) {
    if (const QString why = refusal(text, -1); !why.isEmpty()) {
        showMessage(why);
        return false;
    }
    showMessage({});
    values_ << text.trimmed();
    fillList();
    list_->setCurrentRow(static_cast<int>(values_.size()) - 1);
    emit edited(values_);
    return true;
}

bool StringListEditor::rename(int row, const QString& text) {
    QListWidgetItem* item = list_->item(row);
    if (!item || row >= values_.size()) return false;
    if (const QString why = refusal(text, row); !why.isEmpty()) {
        showMessage(why);
        item->setText(values_[row]);  // the row keeps its name
        return false;
    }
    showMessage({});
    item->setText(text.trimmed());
    if (values_[row] == text.trimmed()) return true;
    values_[row] = text.trimmed();
    emit edited(values_);
    return true;
}

void StringListEditor::removeAt(int row) {
    if (row < 0 || row >= values_.size()) return;
    showMessage({});
    values_.removeAt(row);
    fillList();
    list_->setCurrentRow(std::min(row, static_cast<int>(values_.size()) - 1));
    emit edited(values_);
}

void StringListEditor::startRename(int row) {
    QListWidgetItem* item = list_->item(row);
    if (!item) return;
    delete renaming_;
    renaming_ = new QLineEdit(item->text(), list_->viewport());
    renaming_->setObjectName("rename");
    renaming_->setGeometry(list_->visualItemRect(item));
    renaming_->selectAll();
    renaming_->installEventFilter(this);
    renaming_->show();
    renaming_->setFocus();
    QLineEdit* line = renaming_;
    connect(line, &QLineEdit::editingFinished, this, [this, line, row] {
        // Return, or the focus leaving the line: the rename is tried once, and the line goes.
        if (renaming_ != line) return;
        renaming_ = nullptr;
        const QString text = line->text();
        line->deleteLater();
        rename(row, text);
        list_->setFocus();
    });
}

bool StringListEditor::eventFilter(QObject* watched, QEvent* event) {
    if (watched == renaming_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        QLineEdit* line = renaming_;
        renaming_ = nullptr;  // given up: nothing is renamed
        line->deleteLater();
        list_->setFocus();
        return true;
    }
    if (watched == list_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_F2) {
        startRename(list_->currentRow());
        return true;
    }
    // While a row is renamed, keys go to its line, not to the list.
    if (watched == list_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Delete) {
        removeAt(list_->currentRow());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace dais::studio
