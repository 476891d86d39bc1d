// --set PATH=VALUE: changing one value of a scenario document before it is validated.

#include <algorithm>

#include "dais/core/scenario.h"
#include "json_text.h"
#include "json_util.h"
#include "scenario_override_undo.h"

namespace dais::core {
namespace {

using detail::childPointer;
using detail::Json;
using detail::quote;

struct Assignment {
    std::vector<std::string> path;
    Json value;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

/// The value as JSON if it is JSON ("5", "true", "[1, 2]", "\"x\""), else as a plain string.
Json parseValue(std::string_view text) {
    detail::ParsedJson parsed = detail::parseJson(text);
    if (parsed.syntaxError || !parsed.duplicateKeys.empty()) return Json(std::string(text));
    return std::move(parsed.value);
}

Result<Assignment> parseAssignment(std::string_view text) {
    // A scenario file is UTF-8 JSON; so is what --set puts into it.
    if (const std::size_t bad = detail::invalidUtf8At(text); bad != std::string_view::npos) {
        return Error{"not UTF-8 text: byte " + std::to_string(bad + 1) + " of the assignment (" +
                     detail::printable(text.substr(bad, 1)) + ") is not part of a character"};
    }
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) return Error{"expected PATH=VALUE, e.g. run.seed=7"};
    const std::string_view path = trim(text.substr(0, eq));
    if (path.empty()) return Error{"the path before \"=\" is empty"};
    Assignment a;
    a.path = path.front() == '/' ? detail::splitPointer(path) : detail::splitDotted(path);
    if (path.front() != '/' &&
        std::any_of(a.path.begin(), a.path.end(), [](const std::string& p) { return p.empty(); })) {
        return Error{"the path " + quote(path) + " has an empty part"};
    }
    a.value = parseValue(text.substr(eq + 1));
    return a;
}

std::string where(const std::string& pointer) {
    return pointer.empty() ? std::string("the document") : detail::shownPointer(pointer);
}

std::string kindOf(const Json& v) {
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    return "null";
}

/// The element of `array` that `token` names: an index, or the element whose "id" is token.
Result<std::size_t> elementIndex(const Json& array, const std::string& token,
                                 const std::string& pointer) {
    const bool numeric = !token.empty() && token.size() < 19 &&
                         token.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) {
        const std::size_t index = std::stoull(token);
        if (index < array.size()) return index;
        return Error{"index " + token + " is out of range: " + where(pointer) + " has " +
                     std::to_string(array.size()) + (array.size() == 1 ? " element" : " elements")};
    }
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const Json& element = array[i];
        if (!element.is_object() || !element.contains("id") || !element["id"].is_string()) continue;
        if (element["id"] == token) return i;
        ids.push_back(element["id"].get<std::string>());
    }
    return Error{"no element with id " + quote(token) + " in " + where(pointer) +
                 detail::didYouMean(token, ids)};
}

/// Checks that the schema allows every member of `path` from `first` on inside a new object
/// governed by `schema`, and builds that nest of objects around `value`.
Result<Json> newMembers(const JsonSchema& schema, const Json* memberSchema,
                        const std::vector<std::string>& path, std::size_t first, Json value,
                        std::string pointer) {
    for (std::size_t i = first; i < path.size(); ++i) {
        const Json& resolved = schema.resolve(*memberSchema);
        const bool anything = resolved.is_boolean() && resolved.get<bool>();
        const bool isObject =
            resolved.is_object() && resolved.contains("type") && resolved["type"] == "object";
        const bool isArray =
            resolved.is_object() && resolved.contains("type") && resolved["type"] == "array";
        if (isArray) {
            return Error{"cannot create " + detail::shownPointer(childPointer(pointer, path[i])) +
                         ": " + where(pointer) +
                         " does not exist, and array elements are never created"};
        }
        if (!anything && !isObject) {
            return Error{"cannot create " + detail::shownPointer(childPointer(pointer, path[i])) +
                         ": " + where(pointer) + " is not an object"};
        }
        const JsonSchema::Member m = schema.member(*memberSchema, Json::object(), path[i]);
        if (m.schema == nullptr)
            return Error{detail::shownPointer(childPointer(pointer, path[i])) + ": " + m.problem};
        memberSchema = m.schema;
        pointer = childPointer(pointer, path[i]);
    }
    for (std::size_t i = path.size(); i > first; --i)
        value = Json{{path[i - 1], std::move(value)}};
    return value;
}

/// Applies `a` to `doc`; `undo` learns what changed.
Result<void> apply(Json& doc, const Assignment& a, const JsonSchema& schema,
                   detail::OverrideUndo& undo) {
    static const Json kAnything = true;
    if (a.path.empty()) return Error{"cannot replace the whole document"};
    Json* node = &doc;
    const Json* nodeSchema = &schema.root();
    std::string pointer;
    for (std::size_t i = 0; i < a.path.size(); ++i) {
        const std::string& token = a.path[i];
        if (node->is_array()) {
            const Result<std::size_t> index = elementIndex(*node, token, pointer);
            if (!index.ok()) return index.error();
            const Json* elementSchema = schema.element(*nodeSchema, index.value());
            nodeSchema = elementSchema != nullptr ? elementSchema : &kAnything;
            node = &(*node)[index.value()];
            pointer = childPointer(pointer, index.value());
        } else if (node->is_object()) {
            const JsonSchema::Member m = schema.member(*nodeSchema, *node, token);
            if (!node->contains(token)) {
                if (m.schema == nullptr)
                    return Error{detail::shownPointer(childPointer(pointer, token)) + ": " +
                                 m.problem};
                Result<Json> created = newMembers(schema, m.schema, a.path, i + 1, a.value,
                                                  childPointer(pointer, token));
                if (!created.ok()) return created.error();
                (*node)[token] = std::move(created.value());
                undo = {childPointer(pointer, token), std::nullopt};
                return {};
            }
            nodeSchema = m.schema != nullptr ? m.schema : &kAnything;  // validation will report it
            node = &(*node)[token];
            pointer = childPointer(pointer, token);
        } else {
            return Error{where(pointer) + " is " + kindOf(*node) + ", so it has no member " +
                         quote(token)};
        }
    }
    undo = {pointer, std::move(*node)};
    *node = a.value;
    return {};
}

}  // namespace

namespace detail {

Result<OverrideUndo> applyOverrideUndoable(Json& doc, std::string_view assignment) {
    try {
        const Result<JsonSchema>& schema = scenarioSchema();
        if (!schema.ok()) return Error{"internal error: " + schema.error().message};
        const Result<Assignment> a = parseAssignment(assignment);
        if (!a.ok()) return a.error();
        OverrideUndo undo;
        if (Result<void> applied = apply(doc, a.value(), schema.value(), undo); !applied.ok())
            return applied.error();
        return undo;
    } catch (const std::exception& e) {
        return Error{std::string("internal error: ") + e.what()};
    }
}

void undoOverride(Json& doc, OverrideUndo& undo) {
    const std::vector<std::string> tokens = splitPointer(undo.pointer);
    if (tokens.empty()) return;
    Json* parent = &doc;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i)
        parent = parent->is_array() ? &(*parent)[std::stoul(tokens[i])] : &(*parent)[tokens[i]];
    const std::string& last = tokens.back();
    if (!undo.previous) {
        parent->erase(last);
    } else if (parent->is_array()) {
        (*parent)[std::stoul(last)] = std::move(*undo.previous);
    } else {
        (*parent)[last] = std::move(*undo.previous);
    }
}

}  // namespace detail

Result<void> applyOverride(Json& doc, std::string_view assignment) {
    const Result<detail::OverrideUndo> applied = detail::applyOverrideUndoable(doc, assignment);
    if (!applied.ok()) return applied.error();
    return {};
}

Result<void> applyOverride(nlohmann::json& doc, std::string_view assignment) {
    try {
        Json ordered(doc);
        Result<void> applied = applyOverride(ordered, assignment);
        if (applied.ok()) doc = nlohmann::json(ordered);
        return applied;
    } catch (const std::exception& e) {
        return Error{std::string("internal error: ") + e.what()};
    }
}

}  // namespace dais::core
