#include "dais/store/parameter_difference.h"

#include <algorithm>

#include "dais/core/json_pointer.h"

namespace dais::store {

using Json = nlohmann::json;

namespace {

/// Every leaf of `j` under `pointer` into `out`.
void addLeaves(const Json& j, const std::string& pointer, std::map<std::string, Json>& out) {
    if (j.is_object() && !j.empty()) {
        for (const auto& [k, v] : j.items())
            addLeaves(v, core::childPointer(pointer, k), out);
    } else if (j.is_array() && !j.empty()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            addLeaves(j[i], core::childPointer(pointer, i), out);
    } else {
        out[pointer.empty() ? std::string("/") : pointer] = j;
    }
}

/// Puts `value` at `pointer`, replacing what was there and below it.
void overlay(const std::string& pointer, const Json& value, std::map<std::string, Json>& out) {
    const std::string below = pointer + "/";
    for (auto it = out.lower_bound(below); it != out.end() && it->first.starts_with(below);)
        it = out.erase(it);
    out.erase(pointer);
    addLeaves(value, pointer, out);
}

std::vector<std::string> dottedTokens(std::string_view path) {
    std::vector<std::string> tokens;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        tokens.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) return tokens;
        start = dot + 1;
    }
}

/// The index of the element of `array` that `token` names (an index, or an element's "id").
std::optional<std::size_t> elementIndex(const Json& array, const std::string& token) {
    if (!token.empty() && token.size() < 19 &&
        token.find_first_not_of("0123456789") == std::string::npos)
        return static_cast<std::size_t>(std::stoull(token));
    for (std::size_t i = 0; i < array.size(); ++i) {
        const Json& e = array[i];
        if (e.is_object() && e.contains("id") && e["id"] == token) return i;
    }
    return std::nullopt;
}

}  // namespace

std::string parameterPointer(std::string_view path, const Json& document) {
    const std::vector<std::string> tokens =
        path.starts_with('/') ? core::splitPointer(path) : dottedTokens(path);
    std::string pointer;
    const Json* node = &document;
    for (const std::string& token : tokens) {
        const Json* next = nullptr;
        if (node != nullptr && node->is_array()) {
            if (const auto i = elementIndex(*node, token)) {
                pointer = core::childPointer(pointer, *i);
                next = *i < node->size() ? &(*node)[*i] : nullptr;
                node = next;
                continue;
            }
        } else if (node != nullptr && node->is_object() && node->contains(token)) {
            next = &(*node)[token];
        }
        pointer = core::childPointer(pointer, token);
        node = next;
    }
    return pointer;
}

RunValues runValues(const RunRecord& run, const Json& document) {
    RunValues out;
    Json doc = document;
    if (doc.is_object()) doc.erase("ui");  // the studio's view state, not a parameter
    if (!doc.is_null()) addLeaves(doc, "", out.values);
    for (const auto& [path, value] : run.parameters.items()) {
        const std::string pointer = parameterPointer(path, doc);
        overlay(pointer, value, out.values);
        out.given.insert(pointer);
    }
    const std::string seed = "/run/seed";
    const auto scenarioSeed = out.values.find(seed);
    if (scenarioSeed == out.values.end() || scenarioSeed->second != Json(run.seed))
        out.given.insert(seed);
    out.values[seed] = run.seed;
    return out;
}

core::Result<RunValues> runValues(const RunStore& store, const RunRecord& run) {
    auto scenario = store.scenario(run.scenarioHash);
    if (!scenario) return scenario.error();
    Json doc = Json::parse(scenario->document, nullptr, false);
    if (doc.is_discarded()) doc = nullptr;
    return runValues(run, doc);
}

std::vector<ParameterDifference> parameterDifferences(const std::vector<RunValues>& runs) {
    std::set<std::string> pointers;
    for (const RunValues& r : runs)
        for (const auto& [p, v] : r.values)
            pointers.insert(p);
    std::vector<ParameterDifference> out;
    for (const std::string& p : pointers) {
        ParameterDifference d{p, {}, false};
        for (const RunValues& r : runs) {
            const auto it = r.values.find(p);
            d.values.push_back(it == r.values.end() ? std::nullopt
                                                    : std::optional<Json>(it->second));
            d.given = d.given || r.given.count(p) != 0;
        }
        const bool same = std::all_of(d.values.begin(), d.values.end(),
                                      [&](const auto& v) { return v == d.values.front(); });
        if (!same) out.push_back(std::move(d));
    }
    return out;
}

}  // namespace dais::store
