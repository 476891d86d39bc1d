#include "ui/scenario_document.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QTimer>
#include <QUndoCommand>

#include <algorithm>
#include <fstream>
#include <set>

#include "dais/core/json_pointer.h"
#include "dais/core/layer_registry.h"

namespace dais::studio {

namespace {

/// The parent's pointer and the last token, unescaped, of a pointer ("/a/b~1c" -> "/a", "b/c").
std::pair<std::string, std::string> parentAndLastToken(const std::string& pointer) {
    const std::size_t slash = pointer.rfind('/');
    if (slash == std::string::npos) return {"", pointer};
    return {pointer.substr(0, slash), core::unescapePointerToken(pointer.substr(slash + 1))};
}

std::optional<std::size_t> arrayIndex(const std::string& token, std::size_t size, bool insert) {
    if (token == "-") return insert ? std::optional<std::size_t>(size) : std::nullopt;
    if (token.empty() || token.size() > 9 || token.find_first_not_of("0123456789") != token.npos)
        return std::nullopt;
    const std::size_t i = std::stoul(token);
    if (i > size || (i == size && !insert)) return std::nullopt;
    return i;
}

}  // namespace

std::optional<Change> applyChange(Json& doc, const Change& change) {
    if (change.pointer.empty()) {  // the whole document
        if (!change.after || !change.after->is_object()) return std::nullopt;
        Change inverse{"", doc};
        doc = *change.after;
        return inverse;
    }
    const auto [parentPointer, token] = parentAndLastToken(change.pointer);
    Json* parent = &doc;
    try {
        const Json::json_pointer ptr(parentPointer);
        if (!doc.contains(ptr)) {
            if (!change.after) return Change{change.pointer, std::nullopt};  // nothing to remove
            // Inserting into a list that does not exist yet makes the list.
            const bool list = change.insert || token == "-";
            doc[ptr] = list ? Json::array() : Json::object();
        }
        parent = &doc[ptr];
    } catch (const Json::exception&) {
        return std::nullopt;
    }
    if (parent->is_array()) {
        const auto i = arrayIndex(token, parent->size(), change.insert);
        if (!i) return std::nullopt;
        const std::string at = parentPointer + "/" + std::to_string(*i);
        if (change.insert) {
            if (!change.after) return std::nullopt;
            parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(*i), *change.after);
            return Change{at, std::nullopt};
        }
        Json before = (*parent)[*i];
        if (change.after)
            (*parent)[*i] = *change.after;
        else
            parent->erase(parent->begin() + static_cast<std::ptrdiff_t>(*i));
        return Change{at, std::move(before), !change.after};
    }
    if (!parent->is_object()) return std::nullopt;
    std::optional<Json> before;
    if (const auto it = parent->find(token); it != parent->end()) before = *it;
    if (change.after)
        (*parent)[token] = *change.after;
    else
        parent->erase(token);
    return Change{change.pointer, std::move(before)};
}

Problem parseProblem(const std::string& line) {
    // "name: /pointer: text", or "name: text" for the file as a whole.
    std::size_t start = line.find(": ");
    start = start == std::string::npos ? 0 : start + 2;
    if (start < line.size() && line[start] == '/') {
        const std::size_t end = line.find(": ", start);
        if (end != std::string::npos)
            return {line.substr(start, end - start), line.substr(end + 2)};
    }
    return {"", line.substr(start)};
}

/// One undoable step: changes applied in order, undone in reverse with their inverses.
class ScenarioDocument::EditCommand final : public QUndoCommand {
  public:
    EditCommand(ScenarioDocument& doc, const QString& text, std::vector<Change> changes,
                int mergeKey)
        : QUndoCommand(text), doc_(doc), changes_(std::move(changes)), mergeKey_(mergeKey) {}

    int id() const override { return mergeKey_ == 0 ? -1 : mergeKey_; }
    bool mergeWith(const QUndoCommand* other) override {
        const auto* o = dynamic_cast<const EditCommand*>(other);
        if (!o || o->mergeKey_ != mergeKey_) return false;
        // Keep this step's inverses (the state before the first edit) and add the later
        // edit's changes, already applied, after ours.
        for (const Change& c : o->changes_)
            changes_.push_back(c);
        std::vector<Change> inverses = o->inverses_;
        for (Change& c : inverses_)
            inverses.push_back(std::move(c));
        inverses_ = std::move(inverses);
        return true;
    }
    void redo() override {
        inverses_.clear();
        QStringList pointers;
        for (const Change& c : changes_) {
            if (auto inverse = applyChange(doc_.doc_, c)) {
                inverses_.push_back(std::move(*inverse));
                pointers << QString::fromStdString(c.pointer);
            }
        }
        std::reverse(inverses_.begin(), inverses_.end());  // undone last to first
        doc_.touched(pointers);
    }
    void undo() override {
        QStringList pointers;
        for (const Change& c : inverses_) {
            applyChange(doc_.doc_, c);
            pointers << QString::fromStdString(c.pointer);
        }
        doc_.touched(pointers);
    }

  private:
    ScenarioDocument& doc_;
    std::vector<Change> changes_;
    std::vector<Change> inverses_;  // in the order that undoes
    int mergeKey_;
};

ScenarioDocument::ScenarioDocument(QObject* parent) : QObject(parent) {
    connect(&undo_, &QUndoStack::cleanChanged, this, [this] { emit pathChanged(path_); });
    newScenario();
}

ScenarioDocument::~ScenarioDocument() = default;

void ScenarioDocument::newScenario() {
    Json doc = Json::object();
    doc["format"] = "dais-scenario";
    doc["version"] = core::kScenarioFormatVersion;
    doc["meta"]["name"] = "Untitled";
    doc["meta"]["description"] =
        "Describe what this scenario shows, what to try and what to expect.";
    doc["network"]["nodes"] = Json::array();
    doc["layers"] = Json::object();
    doc["run"]["seed"] = 1;
    doc["run"]["until"] = "60s";
    doc["run"]["sample_interval"] = "1s";
    replace(std::move(doc), QString());
}

core::Result<void> ScenarioDocument::open(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists()) return core::Error{path.toStdString() + ": no such file"};
    if (info.isDir()) return core::Error{path.toStdString() + ": is a folder, not a scenario"};
    std::ifstream in(path.toStdString(), std::ios::binary);
    if (!in) return core::Error{path.toStdString() + ": cannot be read"};
    const auto size = static_cast<std::size_t>(info.size());
    std::string text(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    Json doc = Json::parse(text, nullptr, false);
    const std::string name = info.fileName().toStdString();
    if (doc.is_discarded()) return core::Error{name + ": not valid JSON"};
    if (!doc.is_object() || stringAt(doc, "format") != "dais-scenario")
        return core::Error{name + ": not a DAIS scenario (\"format\" is not \"dais-scenario\")"};
    replace(std::move(doc), info.absoluteFilePath());
    return {};
}

core::Result<void> ScenarioDocument::saveAs(const QString& path) {
    if (path.isEmpty()) return core::Error{"choose a file name to save to"};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return core::Error{path.toStdString() + ": " + file.errorString().toStdString()};
    const std::string text = doc_.dump(2) + "\n";
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit())
        return core::Error{path.toStdString() + ": " + file.errorString().toStdString()};
    path_ = QFileInfo(path).absoluteFilePath();
    undo_.setClean();
    emit pathChanged(path_);
    return {};
}

const Json* ScenarioDocument::at(const std::string& pointer) const {
    try {
        const Json::json_pointer ptr(pointer);
        return doc_.contains(ptr) ? &doc_.at(ptr) : nullptr;
    } catch (const Json::exception&) {
        return nullptr;
    }
}

QString ScenarioDocument::displayName() const {
    return path_.isEmpty() ? tr("untitled") : QFileInfo(path_).fileName();
}

void ScenarioDocument::apply(const QString& text, std::vector<Change> changes, int mergeKey) {
    if (changes.empty()) return;
    undo_.push(new EditCommand(*this, text, std::move(changes), mergeKey));
}

void ScenarioDocument::replace(Json doc, const QString& path) {
    doc_ = std::move(doc);
    path_ = path;
    undo_.clear();
    ++revision_;
    scenario_.reset();
    // Views forget the old document first, then see the new one validated.
    emit reset();
    validate();
    emit changed({QString()});
    emit pathChanged(path_);
}

void ScenarioDocument::touched(const QStringList& pointers) {
    ++revision_;
    scheduleValidation();
    emit changed(pointers);
}

void ScenarioDocument::scheduleValidation() {
    if (validationPending_) return;
    validationPending_ = true;
    QTimer::singleShot(120, this, [this] {
        validationPending_ = false;
        validate();
    });
}

void ScenarioDocument::validate() {
    const std::string name =
        path_.isEmpty() ? "untitled.dais.json" : QFileInfo(path_).fileName().toStdString();
    // Relative data files resolve against the document's folder, as they do for the CLI.
    const std::string source = path_.isEmpty() ? name : path_.toStdString();
    auto result = core::loadScenarioText(doc_.dump(), source);
    problems_.clear();
    if (result) {
        scenario_ = std::make_shared<const core::Scenario>(std::move(result.value()));
    } else {
        std::size_t start = 0;
        const std::string& text = result.error().message;
        while (start < text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            if (end > start) problems_.push_back(parseProblem(text.substr(start, end - start)));
            start = end + 1;
        }
    }
    validatedRevision_ = revision_;
    emit validated();
}

std::vector<Problem> ScenarioDocument::problemsAt(const std::string& pointer) const {
    std::vector<Problem> out;
    for (const Problem& p : problems_)
        if (p.pointer == pointer || (p.pointer.size() > pointer.size() &&
                                     p.pointer.compare(0, pointer.size(), pointer) == 0 &&
                                     p.pointer[pointer.size()] == '/'))
            out.push_back(p);
    return out;
}

std::string ScenarioDocument::freshId(const std::string& stem) const {
    std::set<std::string> used;
    if (const Json* net = at("/network"))
        for (const char* section : {"nodes", "groups", "regions", "templates"})
            if (const auto it = net->find(section); it != net->end() && it->is_array())
                for (const Json& e : *it)
                    if (e.is_object() && e.contains("id") && e["id"].is_string())
                        used.insert(e["id"].get<std::string>());
    for (int k = 1;; ++k) {
        std::string id = stem + "-" + std::to_string(k);
        if (!used.count(id)) return id;
    }
}

}  // namespace dais::studio
