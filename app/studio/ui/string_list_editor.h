#pragma once
// The property panel's editor of a list of strings (a scenario's tags): one entry a row, renamed
// in place (double-click or F2, then Return; Esc gives up), added from the line under the list
// (Return or Add) and removed with Remove (or Delete). An empty entry, or one the list already
// holds (ignoring case), is refused with a message under the list and changes nothing. Every
// accepted change hands the whole new list to `edited`, which the panel makes one undoable edit of
// the document.

#include <QStringList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace dais::studio {

class StringListEditor final : public QWidget {
    Q_OBJECT
  public:
    /// `noun` names one entry in the messages ("tag").
    StringListEditor(const QStringList& values, const QString& noun, QWidget* parent = nullptr);

    QStringList values() const { return values_; }
    /// What the user adds, renames and removes with (tests drive them).
    QListWidget* list() const { return list_; }
    QLineEdit* newEntry() const { return newEntry_; }
    QPushButton* addButton() const { return add_; }
    QPushButton* removeButton() const { return remove_; }
    /// The line over a row being renamed (nullptr when none is).
    QLineEdit* renameLine() const { return renaming_; }
    /// Opens the line over a row to rename it in place (what double-click and F2 do).
    void startRename(int row);
    /// Why the last change was refused; "" when it was accepted.
    QString message() const;

    /// Adds an entry; false (with the message shown) when it is refused.
    bool add(const QString& text);
    /// Renames the entry of a row; false (with the message shown) when it is refused.
    bool rename(int row, const QString& text);
    void removeAt(int row);

  signals:
    void edited(const QStringList& values);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    /// Why `text` cannot be the entry of `row` (-1: a new entry); "" when it can.
    QString refusal(const QString& text, int row) const;
    void showMessage(const QString& text);
    void fillList();

    QStringList values_;
    QString noun_;
    QListWidget* list_ = nullptr;
    QLineEdit* newEntry_ = nullptr;
    QPushButton* add_ = nullptr;
    QPushButton* remove_ = nullptr;
    QLabel* message_ = nullptr;
    QLineEdit* renaming_ = nullptr;
};

}  // namespace dais::studio
