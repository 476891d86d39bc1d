#pragma once
// The scenario being edited: its JSON document, where it is saved, its undo history and what
// the validator thinks of it. Every edit is a list of changes at JSON pointers that the undo
// stack can take back; the document is validated by the same loader the CLI uses, and each
// problem is kept with the pointer it names, so the panels can show it next to the field.

#include <QObject>
#include <QString>
#include <QStringList>
#include <QUndoStack>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/result.h"
#include "dais/core/scenario.h"

namespace dais::studio {

using Json = nlohmann::ordered_json;

/// One edit at a JSON pointer: sets the value there, or removes it when `after` is empty. In
/// an array, `insert` puts the value before the element at that index (or at the end for
/// index "-" or the array's size) instead of replacing it.
struct Change {
    std::string pointer;
    std::optional<Json> after;
    bool insert = false;
};

/// A problem the validator found, with the JSON pointer it names ("" for the whole file).
struct Problem {
    std::string pointer;
    std::string message;
};

class ScenarioDocument : public QObject {
    Q_OBJECT
  public:
    explicit ScenarioDocument(QObject* parent = nullptr);
    ~ScenarioDocument() override;

    /// An empty, valid scenario (one region-less network without nodes).
    void newScenario();
    /// Reads a scenario file. The document is replaced only when the file is JSON of the
    /// dais-scenario format; problems inside it are kept and shown like edits' problems.
    core::Result<void> open(const QString& path);
    /// Writes the document (two-space indented JSON) to `path`, atomically, and makes it the
    /// document's file.
    core::Result<void> saveAs(const QString& path);
    core::Result<void> save() { return saveAs(path_); }

    const Json& json() const { return doc_; }
    /// The value at a pointer, or nullptr when there is none.
    const Json* at(const std::string& pointer) const;
    QString path() const { return path_; }
    /// "hospitals.dais.json", or "untitled" for a new document.
    QString displayName() const;
    bool modified() const { return !undo_.isClean(); }
    QUndoStack* undoStack() { return &undo_; }

    /// Applies changes as one undoable step named `text`. Consecutive steps with the same
    /// non-zero `mergeKey` merge into one (typing in a field, nudging a node).
    void apply(const QString& text, std::vector<Change> changes, int mergeKey = 0);
    void set(const QString& text, const std::string& pointer, Json value, int mergeKey = 0) {
        apply(text, {{pointer, std::move(value)}}, mergeKey);
    }
    void remove(const QString& text, const std::string& pointer) {
        apply(text, {{pointer, std::nullopt}});
    }

    /// Validates now (edits validate on their own shortly after they happen).
    void validate();
    const std::vector<Problem>& problems() const { return problems_; }
    /// Problems at `pointer` or below it.
    std::vector<Problem> problemsAt(const std::string& pointer) const;
    /// The last document that validated, as a scenario (nullptr before any did).
    std::shared_ptr<const core::Scenario> scenario() const { return scenario_; }
    /// True when the current document validated without problems.
    bool valid() const { return problems_.empty() && scenario_ && validatedRevision_ == revision_; }
    /// Counts every change to the document.
    std::uint64_t revision() const { return revision_; }

    /// An id not yet used by a node, group, region or template: "<stem>-1", "<stem>-2"...
    std::string freshId(const std::string& stem) const;

  signals:
    /// The document changed at these pointers (all of it after new or open).
    void changed(const QStringList& pointers);
    /// A new document was made or opened.
    void reset();
    void validated();
    void pathChanged(const QString& path);

  private:
    class EditCommand;
    void replace(Json doc, const QString& path);
    void touched(const QStringList& pointers);
    void scheduleValidation();

    Json doc_;
    QString path_;
    QUndoStack undo_;
    std::vector<Problem> problems_;
    std::shared_ptr<const core::Scenario> scenario_;
    std::uint64_t revision_ = 0, validatedRevision_ = 0;
    bool validationPending_ = false;
};

/// A string member of an object, or "" when it is absent or not a string (documents being
/// edited may hold anything).
inline std::string stringAt(const Json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Splits a validator message "file: /a/b: text" into its pointer and text.
Problem parseProblem(const std::string& line);
/// Applies one change to a document, creating missing parent objects. Returns the change that
/// undoes it, or nullopt when the pointer cannot be written (the document is then unchanged).
std::optional<Change> applyChange(Json& doc, const Change& change);

}  // namespace dais::studio
