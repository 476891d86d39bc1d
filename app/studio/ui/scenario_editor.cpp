#include "ui/scenario_editor.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "dais/core/json_pointer.h"

namespace dais::studio {

namespace {

/// A position as the document keeps it: to the metre, enough for any network and readable in
/// the file.
Json positionJson(const QPointF& p) {
    auto round = [](double v) { return std::round(v * 1000) / 1000; };
    return Json::array({round(p.x()), round(p.y())});
}

/// Index of the element with this id in /network/<section>, or -1.
int findById(const ScenarioDocument& doc, const char* section, const std::string& id) {
    const Json* list = doc.at(std::string("/network/") + section);
    if (!list || !list->is_array()) return -1;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Json& e = (*list)[i];
        if (e.is_object() && stringAt(e, "id") == id) return static_cast<int>(i);
    }
    return -1;
}

bool isGroupPointer(const std::string& pointer) {
    return pointer.rfind("/network/groups/", 0) == 0;
}

}  // namespace

// --- reading -----------------------------------------------------------------------------------
std::string ScenarioEditor::pointerOf(const char* section, const std::string& id) const {
    const int index = findById(*doc_, section, id);
    if (index < 0) return {};
    return core::childPointer(std::string("/network/") + section, static_cast<std::size_t>(index));
}

std::string ScenarioEditor::idAt(const std::string& pointer) const {
    const Json* id = doc_->at(pointer + "/id");
    return id && id->is_string() ? id->get<std::string>() : std::string();
}

bool ScenarioEditor::hasPosition(const std::string& nodeId) const {
    const int index = findById(*doc_, "nodes", nodeId);
    return index >= 0 &&
           doc_->json()["network"]["nodes"][static_cast<std::size_t>(index)].contains("position");
}

std::optional<QPointF> ScenarioEditor::studioPosition(const std::string& id) const {
    const Json* p = doc_->at(studioPositionPointer(id));
    if (!p || !p->is_array() || p->size() != 2 || !(*p)[0].is_number() || !(*p)[1].is_number())
        return std::nullopt;
    return QPointF((*p)[0].get<double>(), (*p)[1].get<double>());
}

std::string ScenarioEditor::studioPositionPointer(const std::string& id) {
    return core::childPointer("/ui/positions", id);
}

// --- adding ------------------------------------------------------------------------------------
std::string ScenarioEditor::addNode(const QString& role, const QPointF& position) {
    const std::string id = doc_->freshId(role.isEmpty() ? "node" : role.toStdString());
    Json element = {{"id", id}};
    if (!role.isEmpty()) element["role"] = role.toStdString();
    element["position"] = positionJson(position);
    doc_->apply(tr("Add %1").arg(QString::fromStdString(id)),
                {{"/network/nodes/-", element, true}});
    return id;
}

std::string ScenarioEditor::addGroup(const QString& role, const std::string& regionId,
                                     const QPointF& position) {
    const std::string id = doc_->freshId(role.isEmpty() ? "node" : role.toStdString());
    Json element = {{"id", id}};
    element["count"] = kNewGroupCount;
    if (!role.isEmpty()) element["role"] = role.toStdString();
    if (!regionId.empty()) element["region"] = regionId;
    std::vector<Change> changes{{"/network/groups/-", element, true}};
    // In a region, the run places the members; elsewhere the group stands where it was put.
    if (regionId.empty()) changes.push_back({studioPositionPointer(id), positionJson(position)});
    doc_->apply(tr("Add group %1").arg(QString::fromStdString(id)), std::move(changes));
    return id;
}

core::Result<void> ScenarioEditor::link(const std::string& fromPointer,
                                        const std::string& toPointer) {
    if (fromPointer.empty() || toPointer.empty() || fromPointer == toPointer) return {};
    const std::string from = idAt(fromPointer), to = idAt(toPointer);
    if (from.empty() || to.empty()) return {};
    const bool fromGroup = isGroupPointer(fromPointer), toGroup = isGroupPointer(toPointer);
    if (fromGroup && toGroup)
        return core::Error{
            tr("Two groups cannot be linked directly: attach each to a node.").toStdString()};
    if (fromGroup || toGroup) {
        // Every member of the group links to the node.
        const std::string& group = fromGroup ? fromPointer : toPointer;
        const std::string& node = fromGroup ? to : from;
        doc_->set(tr("Attach %1 to %2")
                      .arg(QString::fromStdString(idAt(group)), QString::fromStdString(node)),
                  group + "/attach", node);
        return {};
    }
    const Json link = {
        {"from", from}, {"to", to}, {"latency", kNewLinkLatency}, {"bandwidth", kNewLinkBandwidth}};
    doc_->apply(tr("Link %1 and %2").arg(QString::fromStdString(from), QString::fromStdString(to)),
                {{"/network/links/-", link, true}});
    return {};
}

// --- removing ----------------------------------------------------------------------------------
void ScenarioEditor::remove(const std::vector<std::string>& pointers) {
    // Removed from the end of each list, so that the indexes of the others hold.
    std::map<std::string, std::set<std::size_t, std::greater<>>> doomed;
    std::set<std::string> ids;
    for (const std::string& p : pointers) {
        const std::size_t slash = p.rfind('/');
        if (p.empty() || slash == std::string::npos) continue;
        doomed[p.substr(0, slash)].insert(std::stoul(p.substr(slash + 1)));
        if (const std::string id = idAt(p); !id.empty()) ids.insert(id);
    }
    if (doomed.empty()) return;
    // Links that end at a removed node go with it; groups attached to it lose the attachment.
    if (const Json* links = doc_->at("/network/links"); links && links->is_array())
        for (std::size_t i = 0; i < links->size(); ++i) {
            const Json& l = (*links)[i];
            if (ids.count(stringAt(l, "from")) || ids.count(stringAt(l, "to")))
                doomed["/network/links"].insert(i);
        }
    std::vector<Change> changes;
    if (const Json* groups = doc_->at("/network/groups"); groups && groups->is_array())
        for (std::size_t i = 0; i < groups->size(); ++i)
            if (ids.count(stringAt((*groups)[i], "attach")) && !doomed["/network/groups"].count(i))
                changes.push_back(
                    {core::childPointer("/network/groups", i) + "/attach", std::nullopt});
    int count = 0;
    for (const auto& [list, indexes] : doomed)
        for (std::size_t i : indexes) {
            changes.push_back({core::childPointer(list, i), std::nullopt});
            ++count;
        }
    for (const std::string& id : ids)
        if (doc_->at(studioPositionPointer(id)))
            changes.push_back({studioPositionPointer(id), std::nullopt});
    doc_->apply(
        count == 1
            ? tr("Delete %1").arg(ids.empty() ? tr("link") : QString::fromStdString(*ids.begin()))
            : tr("Delete %1 items").arg(count),
        std::move(changes));
}

// --- placing -----------------------------------------------------------------------------------
void ScenarioEditor::move(const std::vector<Move>& moves) {
    std::vector<Change> changes;
    QString name;
    for (const Move& m : moves) {
        const std::string id = idAt(m.pointer);
        if (id.empty()) continue;
        name = QString::fromStdString(id);
        if (m.pointer.rfind("/network/nodes/", 0) == 0 && doc_->at(m.pointer + "/position"))
            changes.push_back({m.pointer + "/position", positionJson(m.position)});
        else
            changes.push_back({studioPositionPointer(id), positionJson(m.position)});
    }
    if (changes.empty()) return;
    doc_->apply(
        changes.size() == 1 ? tr("Move %1").arg(name) : tr("Move %1 items").arg(changes.size()),
        std::move(changes));
}

void ScenarioEditor::replaceStudioPositions(
    const QString& text, const std::vector<std::pair<std::string, QPointF>>& positions) {
    Json all = Json::object();
    for (const auto& [id, position] : positions)
        all[id] = positionJson(position);
    doc_->apply(text, {{"/ui/positions", std::move(all)}});
}

}  // namespace dais::studio
