#include "ui/property_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

#include "dais/core/json_pointer.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "ui/endowments_editor.h"
#include "ui/string_list_editor.h"

namespace dais::studio {

namespace {

/// The schema with its $ref followed (one level of #/$defs/...).
const Json& resolve(const Json& root, const Json& schema) {
    if (schema.is_object() && schema.contains("$ref")) {
        const std::string ref = schema["$ref"].get<std::string>();
        const std::string prefix = "#/$defs/";
        if (ref.rfind(prefix, 0) == 0) {
            const auto& defs = root["$defs"];
            if (const auto it = defs.find(ref.substr(prefix.size())); it != defs.end()) return *it;
        }
    }
    return schema;
}

QString describe(const Json& root, const Json& field) {
    QString help = QString::fromStdString(stringAt(field, "description"));
    const Json& r = resolve(root, field);
    if (&r != &field && r.contains("description") && help.isEmpty())
        help = QString::fromStdString(r["description"].get<std::string>());
    return help;
}

QString valueText(const Json* v) {
    if (!v || v->is_null()) return {};
    if (v->is_string()) return QString::fromStdString(v->get<std::string>());
    if (v->is_array() && v->size() == 2 && (*v)[0].is_number() && (*v)[1].is_number())
        return QStringLiteral("%1, %2").arg((*v)[0].get<double>()).arg((*v)[1].get<double>());
    return QString::fromStdString(v->dump());
}

/// The schema's "type" when it is one type ("string"), else "" (a list of types, or none).
std::string typeOf(const Json& schema) {
    const auto it = schema.find("type");
    return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

PropertyPanel::PropertyPanel(ScenarioDocument* document, QWidget* parent)
    : QWidget(parent), doc_(document) {
    schema_ = Json::parse(core::scenarioSchemaText(), nullptr, false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    title_ = new QLabel(this);
    QFont f = title_->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    title_->setFont(f);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title_);
    layout->addWidget(summary_);
    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll_, 1);
    connect(doc_, &ScenarioDocument::validated, this, &PropertyPanel::refreshProblems);
    connect(doc_, &ScenarioDocument::reset, this, [this] { showTarget(""); });
    connect(doc_, &ScenarioDocument::changed, this, [this](const QStringList& pointers) {
        // Values changed under the form (undo, redo, a move on the canvas): show them.
        for (const QString& p : pointers) {
            const std::string s = p.toStdString();
            if (s.empty() || target_.empty() || s.rfind(target_, 0) == 0 ||
                target_.rfind(s, 0) == 0) {
                // Later: the change may come from one of this form's editors.
                if (!rebuildPending_) {
                    rebuildPending_ = true;
                    QTimer::singleShot(0, this, [this] {
                        rebuildPending_ = false;
                        if (!doc_->at(target_)) target_.clear();  // what it showed is gone
                        rebuild();
                    });
                }
                return;
            }
        }
    });
    showTarget("");
}

void PropertyPanel::showTarget(const std::string& pointer) {
    target_ = pointer;
    rebuild();
}

void PropertyPanel::rebuild() {
    fields_.clear();
    form_ = new QWidget;
    formLayout_ = new QFormLayout(form_);
    formLayout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    formLayout_->setLabelAlignment(Qt::AlignRight);
    const Json& props = schema_["properties"];
    const Json& defs = schema_["$defs"];
    if (target_.empty()) {
        title_->setText(tr("Scenario"));
        summary_->setText(
            tr("The scenario's name and how it runs. Select a node, group, link "
               "or layer to edit it."));
        addSchemaFields("/meta", resolve(schema_, props["meta"]), tr("About"));
        addSchemaFields("/run", resolve(schema_, props["run"]), tr("Run"));
        addPaymentsFields(resolve(schema_, props["payments"]));
    } else if (target_.rfind("/layers/", 0) == 0) {
        const std::string id = target_.substr(8);
        addLayerFields(id);
    } else {
        static const std::vector<std::pair<std::string, std::string>> kinds = {
            {"/network/nodes/", "node"},
            {"/network/groups/", "group"},
            {"/network/links/", "link"},
            {"/network/regions/", "region"}};
        for (const auto& [prefix, def] : kinds)
            if (target_.rfind(prefix, 0) == 0) {
                const Json* element = doc_->at(target_);
                QString name = QString::fromStdString(def);
                name[0] = name[0].toUpper();
                if (element && element->contains("id"))
                    name += " " + valueText(&(*element)["id"]);
                else if (element && element->contains("from"))
                    name +=
                        " " + valueText(&(*element)["from"]) + " – " + valueText(&(*element)["to"]);
                title_->setText(name);
                summary_->setText(QString::fromStdString(stringAt(defs[def], "description")));
                addSchemaFields(target_, defs[def], QString());
            }
    }
    scroll_->setWidget(form_);
    refreshProblems();
    if (!focusAfterRebuild_.empty()) {
        if (QWidget* editor = editorFor(focusAfterRebuild_)) editor->setFocus();
        focusAfterRebuild_.clear();
    }
}

void PropertyPanel::addSchemaFields(const std::string& base, const Json& schema,
                                    const QString& section) {
    if (!section.isEmpty()) {
        auto* header = new QLabel("<b>" + section.toHtmlEscaped() + "</b>", form_);
        formLayout_->addRow(header);
    }
    if (!schema.contains("properties")) return;
    for (const auto& [name, raw] : schema["properties"].items()) {
        const Json& field = resolve(schema_, raw);
        const std::string pointer = core::childPointer(base, name);
        const QString help = describe(schema_, raw);
        QString label = QString::fromStdString(name);
        label.replace('_', ' ');
        // Nested objects without their own properties (access links, resources) get a section.
        if (typeOf(field) == "object" && field.contains("properties") && name != "description") {
            auto* header = new QLabel("<i>" + label.toHtmlEscaped() + "</i>", form_);
            header->setToolTip(help);
            formLayout_->addRow(header);
            addSchemaFields(pointer, field, QString());
            continue;
        }
        if (typeOf(field) == "boolean") {
            auto* box = new QCheckBox(form_);
            const Json* v = doc_->at(pointer);
            box->setChecked(v && v->is_boolean() && v->get<bool>());
            connect(box, &QCheckBox::toggled, this, [this, pointer, label](bool on) {
                doc_->set(tr("Set %1").arg(label), pointer, on);
            });
            addField(label, pointer, box, help);
            continue;
        }
        if (field.contains("enum")) {
            auto* combo = new QComboBox(form_);
            combo->addItem(tr("(default)"), QString());
            for (const Json& e : field["enum"]) {
                const QString text = valueText(&e);
                combo->addItem(text, text);
            }
            const Json* v = doc_->at(pointer);
            combo->setCurrentIndex(std::max(0, combo->findData(valueText(v))));
            connect(combo, &QComboBox::activated, this, [this, pointer, label, combo](int) {
                const QString value = combo->currentData().toString();
                if (value.isEmpty())
                    doc_->remove(tr("Reset %1").arg(label), pointer);
                else
                    doc_->set(tr("Set %1").arg(label), pointer, value.toStdString());
            });
            addField(label, pointer, combo, help);
            continue;
        }
        if (name == "description" && base == "/meta") continue;  // the description panel
        if (QWidget* list = stringListEditor(pointer, field, label)) {
            addField(label, pointer, list, help);
            continue;
        }
        addField(label, pointer, textEditor(pointer, field, QString()), help);
    }
}

void PropertyPanel::addPaymentsFields(const Json& schema) {
    auto* header = new QLabel("<b>" + tr("Payments") + "</b>", form_);
    formLayout_->addRow(header);
    // The section is there or not: with it, the run has money even if no layer uses it.
    const bool present = doc_->at("/payments") != nullptr;
    auto* on = new QCheckBox(tr("accounts and a token"), form_);
    on->setObjectName("paymentsOn");
    on->setChecked(present);
    connect(on, &QCheckBox::toggled, this, [this](bool checked) {
        if (checked)
            doc_->set(tr("Add payments"), "/payments",
                      Json{{"token", {{"symbol", "DAIS"}, {"decimals", 6}}},
                           {"endowments", Json::array()}});
        else
            doc_->remove(tr("Remove payments"), "/payments");
    });
    addField(tr("money"), "/payments", on, QString::fromStdString(stringAt(schema, "description")));
    if (!present || !schema.contains("properties")) return;
    const Json& props = schema["properties"];
    addSchemaFields("/payments/token", resolve(schema_, props["token"]), QString());
    const Json* current = doc_->at("/payments/endowments");
    auto* endowments = new EndowmentsEditor(current ? *current : Json::array(), form_);
    connect(endowments, &EndowmentsEditor::edited, this, [this](const Json& value) {
        doc_->set(tr("Set endowments"), "/payments/endowments", value);
    });
    addField(tr("endowments"), "/payments/endowments", endowments,
             describe(schema_, props["endowments"]));
}

QWidget* PropertyPanel::stringListEditor(const std::string& pointer, const Json& schema,
                                         const QString& label) {
    if (typeOf(schema) != "array") return nullptr;
    const auto items = schema.find("items");
    if (items == schema.end() || typeOf(resolve(schema_, *items)) != "string") return nullptr;
    QStringList values;
    if (const Json* v = doc_->at(pointer)) {
        // Anything but a list of strings is shown (and fixed) as JSON text.
        if (!v->is_array()) return nullptr;
        for (const Json& e : *v) {
            if (!e.is_string()) return nullptr;
            values << QString::fromStdString(e.get<std::string>());
        }
    }
    QString noun = label;  // "tags": one is a "tag"
    if (noun.endsWith('s')) noun.chop(1);
    auto* editor = new StringListEditor(values, noun, form_);
    connect(editor, &StringListEditor::edited, this,
            [this, pointer, label](const QStringList& now) {
                focusAfterRebuild_ = pointer;  // keep typing in the list after the form is rebuilt
                if (now.isEmpty()) {
                    doc_->remove(tr("Clear %1").arg(label), pointer);
                    return;
                }
                Json array = Json::array();
                for (const QString& v : now)
                    array.push_back(v.toStdString());
                doc_->set(tr("Set %1").arg(label), pointer, std::move(array));
            });
    return editor;
}

QWidget* PropertyPanel::textEditor(const std::string& pointer, const Json& schema,
                                   const QString& placeholder) {
    auto* edit = new QLineEdit(form_);
    edit->setText(valueText(doc_->at(pointer)));
    edit->setPlaceholderText(placeholder);
    const std::string type = typeOf(schema);
    // Numbers, positions and lists are JSON; durations, sizes and bandwidths may be either a
    // number or text with a unit, which the JSON reading below tells apart.
    const bool numeric = type == "number" || type == "integer" || type == "array" ||
                         schema.contains("oneOf") || schema.contains("anyOf");
    connect(edit, &QLineEdit::editingFinished, this, [this, pointer, edit, numeric] {
        if (!edit->isModified()) return;
        edit->setModified(false);
        commitText(pointer, edit->text(), numeric);  // the form is rebuilt afterwards
    });
    return edit;
}

void PropertyPanel::commitText(const std::string& pointer, const QString& text, bool numeric) {
    const QString name = QString::fromStdString(pointer.substr(pointer.rfind('/') + 1));
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        doc_->remove(tr("Reset %1").arg(name), pointer);
        return;
    }
    Json value = trimmed.toStdString();
    if (numeric) {
        // "12, 40" is a position; otherwise JSON when it reads as JSON.
        Json parsed = Json::parse(trimmed.toStdString(), nullptr, false);
        if (parsed.is_discarded() && trimmed.contains(','))
            parsed = Json::parse("[" + trimmed.toStdString() + "]", nullptr, false);
        if (!parsed.is_discarded()) value = std::move(parsed);
    }
    doc_->set(tr("Set %1").arg(name), pointer, std::move(value));
}

void PropertyPanel::addLayerFields(const std::string& id) {
    const core::LayerFactory* factory = core::LayerRegistry::installed().find(id);
    const std::string base = core::childPointer("/layers", id);
    if (!factory) {
        title_->setText(QString::fromStdString(id));
        summary_->setText(tr("No installed layer has the id \"%1\": the scenario cannot run "
                             "until it is removed or the layer's plugin is installed.")
                              .arg(QString::fromStdString(id)));
        return;
    }
    const core::LayerDescriptor& d = factory->descriptor;
    title_->setText(QStringLiteral("%1 %2").arg(QString::fromStdString(d.name),
                                                QString::fromStdString(d.version)));
    summary_->setText(QString::fromStdString(d.summary));
    for (const core::ParamSpec& p : d.params) {
        const std::string pointer = core::childPointer(base, p.name);
        QString help = QString::fromStdString(p.help);
        if (p.min || p.max)
            help += tr("\nRange: %1 to %2")
                        .arg(p.min ? QString::number(*p.min) : QStringLiteral("−∞"),
                             p.max ? QString::number(*p.max) : QStringLiteral("∞"));
        if (!p.unit.empty()) help += tr("\nUnit: %1").arg(QString::fromStdString(p.unit));
        help += tr("\nDefault: %1").arg(QString::fromStdString(p.defaultValue.dump()));
        QString label = QString::fromStdString(p.name);
        label.replace('_', ' ');
        if (!p.unit.empty()) label += QStringLiteral(" (%1)").arg(QString::fromStdString(p.unit));
        const Json* v = doc_->at(pointer);
        QWidget* editor = nullptr;
        if (p.type == core::ParamType::Bool) {
            auto* box = new QCheckBox(form_);
            box->setChecked(v ? v->is_boolean() && v->get<bool>()
                              : p.defaultValue.is_boolean() && p.defaultValue.get<bool>());
            connect(box, &QCheckBox::toggled, this, [this, pointer, label](bool on) {
                doc_->set(tr("Set %1").arg(label), pointer, on);
            });
            editor = box;
        } else if (p.type == core::ParamType::Choice) {
            auto* combo = new QComboBox(form_);
            for (const std::string& c : p.choices)
                combo->addItem(QString::fromStdString(c), QString::fromStdString(c));
            const QString current =
                v ? valueText(v) : QString::fromStdString(p.defaultValue.get<std::string>());
            combo->setCurrentIndex(std::max(0, combo->findData(current)));
            connect(combo, &QComboBox::activated, this, [this, pointer, label, combo](int) {
                doc_->set(tr("Set %1").arg(label), pointer,
                          combo->currentData().toString().toStdString());
            });
            editor = combo;
        } else {
            const bool numeric =
                p.type == core::ParamType::Integer || p.type == core::ParamType::Real ||
                p.type == core::ParamType::Duration || p.type == core::ParamType::Size ||
                p.type == core::ParamType::Bandwidth;
            Json schema = {{"type", numeric ? "number" : "string"}};
            if (numeric) schema = {{"oneOf", Json::array()}};
            const Json defaultValue = Json::parse(p.defaultValue.dump());
            editor = textEditor(pointer, schema, valueText(&defaultValue));
        }
        addField(label, pointer, editor, help);
    }
}

void PropertyPanel::addField(const QString& label, const std::string& pointer, QWidget* editor,
                             const QString& help) {
    auto* box = new QWidget(form_);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    v->addWidget(editor);
    auto* problem = new QLabel(box);
    problem->setWordWrap(true);
    problem->setStyleSheet("color: #d03030");
    problem->hide();
    v->addWidget(problem);
    editor->setToolTip(help);
    editor->setObjectName(QString::fromStdString(pointer));
    auto* l = new QLabel(label, form_);
    l->setToolTip(help);
    formLayout_->addRow(l, box);
    fields_.push_back({pointer, editor, problem});
}

void PropertyPanel::refreshProblems() {
    for (Field& f : fields_) {
        QStringList messages;
        for (const Problem& p : doc_->problemsAt(f.pointer))
            messages << QString::fromStdString(p.message);
        f.problem->setText(messages.join('\n'));
        f.problem->setVisible(!messages.isEmpty());
        f.editor->setStyleSheet(messages.isEmpty() ? QString()
                                                   : QStringLiteral("border: 1px solid #d03030"));
    }
}

QWidget* PropertyPanel::editorFor(const std::string& pointer) const {
    for (const Field& f : fields_)
        if (f.pointer == pointer) return f.editor;
    return nullptr;
}

QString PropertyPanel::problemFor(const std::string& pointer) const {
    for (const Field& f : fields_)
        if (f.pointer == pointer) return f.problem->isHidden() ? QString() : f.problem->text();
    return {};
}

}  // namespace dais::studio
