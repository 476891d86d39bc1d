#pragma once
// The property panel: a form for what is selected (the scenario, a node, a group, a link, a
// region or a layer), generated from the scenario format's JSON Schema and from the layers'
// parameter descriptors, so every field has its type, range, unit and help (a list of strings,
// such as the scenario's tags, is edited as a list). An edit is an undoable change of the
// document; a value the validator refuses is shown in red under its field with the validator's
// own message.

#include <QWidget>

#include <string>
#include <vector>

#include "ui/scenario_document.h"

class QFormLayout;
class QLabel;
class QScrollArea;

namespace dais::studio {

class PropertyPanel : public QWidget {
    Q_OBJECT
  public:
    explicit PropertyPanel(ScenarioDocument* document, QWidget* parent = nullptr);

    /// Shows the form of the element at `pointer`: "" for the scenario, "/network/nodes/3",
    /// "/network/groups/0", "/network/links/2", "/network/regions/1" or "/layers/<id>".
    void showTarget(const std::string& pointer);
    const std::string& target() const { return target_; }
    /// The editor of a field, by its JSON pointer (tests use it to type into).
    QWidget* editorFor(const std::string& pointer) const;
    /// The inline message shown under a field ("" when it is valid).
    QString problemFor(const std::string& pointer) const;

  private:
    struct Field {
        std::string pointer;
        QWidget* editor = nullptr;
        QLabel* problem = nullptr;
    };
    void rebuild();
    void refreshProblems();
    void addSchemaFields(const std::string& base, const Json& schema, const QString& section);
    void addLayerFields(const std::string& id);
    /// The scenario's money: whether it has any, its token and its endowments.
    void addPaymentsFields(const Json& schema);
    void addField(const QString& label, const std::string& pointer, QWidget* editor,
                  const QString& help);
    QWidget* textEditor(const std::string& pointer, const Json& schema, const QString& placeholder);
    /// A StringListEditor for an array of strings (the scenario's tags); nullptr for any other
    /// field, or when the document holds something else than strings there.
    QWidget* stringListEditor(const std::string& pointer, const Json& schema, const QString& label);
    void commitText(const std::string& pointer, const QString& text, bool numeric);

    ScenarioDocument* doc_;
    std::string target_;
    QLabel* title_ = nullptr;
    QLabel* summary_ = nullptr;
    QWidget* form_ = nullptr;
    QFormLayout* formLayout_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    std::vector<Field> fields_;
    bool rebuildPending_ = false;
    std::string focusAfterRebuild_;  // the field whose editor takes the focus once rebuilt
    Json schema_;                    // the scenario format's schema, $defs resolved on use
};

}  // namespace dais::studio
