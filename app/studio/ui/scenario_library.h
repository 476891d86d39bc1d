#pragma once
// The scenario library: the scenarios that come with DAIS (and any folder a person adds with
// DAIS_SCENARIOS), each with its name, tags and teaching description, browsable before opening
// one — the studio's "models library".

#include <QDialog>
#include <QString>
#include <QStringList>

#include <vector>

QT_BEGIN_NAMESPACE
class QLineEdit;
class QListWidget;
class QTextBrowser;
class QPushButton;
QT_END_NAMESPACE

namespace dais::studio {

/// The folders searched for scenarios, in order, those that exist: each folder of
/// $DAIS_SCENARIOS (':'-separated), `<program>/../share/dais/scenarios` (an installed studio)
/// and the source tree's scenarios/ (a studio run from its build tree). `programFolder` is the
/// running program's folder by default; give it where no QCoreApplication exists.
QStringList scenarioFolders(const QString& programFolder = {});

/// The scenario the studio opens when it is given none: the default scenario of the first
/// folder that has it, or "" when none has.
QString defaultScenarioPath(const QString& programFolder = {});

/// One scenario of the library, read from its file's "meta" object.
struct LibraryEntry {
    QString path;
    QString name;  ///< meta.name, else the file name
    QString author;
    QStringList tags;
    QString description;  ///< Markdown
    QString problem;      ///< why the file could not be read ("" when it could)
};

/// The scenarios (*.dais.json) of these folders, sorted by name; a file that is not a scenario
/// is listed with its problem, so a broken library file is visible instead of missing.
std::vector<LibraryEntry> readLibrary(const QStringList& folders);

/// A dialog listing the library: a filter field, the scenarios, and the chosen one's
/// description; Open (or a double click) accepts with the chosen path.
class ScenarioLibraryDialog : public QDialog {
    Q_OBJECT
  public:
    explicit ScenarioLibraryDialog(const QStringList& folders, QWidget* parent = nullptr);

    /// The chosen scenario's path ("" when none is chosen).
    QString chosenPath() const;
    /// Chooses the entry with this file path; false when it is not listed.
    bool choose(const QString& path);

    QListWidget* list() const { return list_; }
    QTextBrowser* description() const { return description_; }
    QLineEdit* filterEdit() const { return filter_; }

  private:
    void showCurrent();
    void applyFilter(const QString& text);

    std::vector<LibraryEntry> entries_;
    QLineEdit* filter_;
    QListWidget* list_;
    QTextBrowser* description_;
    QPushButton* open_;
};

}  // namespace dais::studio
