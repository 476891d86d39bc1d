#include "dais/core/json_schema.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

#include "dais/core/units.h"
#include "json_util.h"

namespace dais::core {
namespace {

using Json = JsonSchema::Json;
using detail::childPointer;
using detail::quote;
using detail::showValue;

constexpr auto kSupportedKeywords = std::to_array<std::string_view>({
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "$ref",
    "title",
    "description",
    "default",
    "examples",
    "x-expected",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "items",
    "prefixItems",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "format",
});

/// Keywords that may sit next to $ref: annotations and definitions, which do not validate.
constexpr auto kRefSiblings =
    std::to_array<std::string_view>({"description", "title", "$comment", "default", "examples",
                                     "x-expected", "$defs", "$schema", "$id"});

constexpr auto kTypeNames = std::to_array<std::string_view>(
    {"integer", "number", "string", "boolean", "object", "array", "null"});

constexpr auto kFormats = std::to_array<std::string_view>({"duration", "bandwidth", "size", "id"});

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

bool isIdCharacter(char c, bool first) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || c == '_' || (!first && (c == '-' || c == '.' || c == ':'));
}

bool isId(std::string_view text) {
    if (text.empty() || text.size() > 128) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!isIdCharacter(text[i], i == 0)) return false;
    }
    return true;
}

// ---- Phrases for messages -------------------------------------------------------------------

std::string typeNoun(std::string_view type) {
    if (type == "integer") return "an integer";
    if (type == "number") return "a number";
    if (type == "string") return "a string";
    if (type == "boolean") return "true or false";
    if (type == "object") return "an object";
    if (type == "array") return "an array";
    return "null";
}

std::string formatPhrase(std::string_view format) {
    if (format == "duration") return "a duration like \"10ms\" or \"1.5s\"";
    if (format == "bandwidth") return "a bandwidth like \"100Mbps\" or \"1 Gbps\"";
    if (format == "size") return "a size like \"1500B\" or \"4KiB\"";
    return "an id like \"gw-eu\" (letters, digits, \"_\", \"-\", \".\", \":\")";
}

/// The noun of a number checked against bounds: "an integer", "a duration in seconds"...
std::string numberNoun(const Json& s) {
    if (const auto f = s.find("format"); f != s.end()) {
        const std::string format = f->get<std::string>();
        if (format == "duration") return "a duration in seconds";
        if (format == "bandwidth") return "a bandwidth in bit/s";
        if (format == "size") return "a size in bytes";
    }
    const auto t = s.find("type");
    const bool wantsInteger =
        t != s.end() && (*t == "integer" ||
                         (t->is_array() && std::find(t->begin(), t->end(), "integer") != t->end()));
    return wantsInteger ? "an integer" : "a number";
}

/// " >= 1", " from 0 to 1", " > 0 and <= 1000000", or "" for a schema without bounds.
std::string boundsPhrase(const Json& s) {
    std::string lower, upper;
    if (s.contains("minimum")) lower = ">= " + showValue(s["minimum"]);
    if (s.contains("exclusiveMinimum")) lower = "> " + showValue(s["exclusiveMinimum"]);
    if (s.contains("maximum")) upper = "<= " + showValue(s["maximum"]);
    if (s.contains("exclusiveMaximum")) upper = "< " + showValue(s["exclusiveMaximum"]);
    if (s.contains("minimum") && s.contains("maximum")) {
        return " from " + showValue(s["minimum"]) + " to " + showValue(s["maximum"]);
    }
    if (!lower.empty() && !upper.empty()) return " " + lower + " and " + upper;
    if (!lower.empty()) return " " + lower;
    if (!upper.empty()) return " " + upper;
    return {};
}

std::string itemCountPhrase(const Json& s) {
    const auto count = [](const Json& n) {
        return std::to_string(n.get<std::uint64_t>()) + (n == 1 ? " item" : " items");
    };
    const bool hasMin = s.contains("minItems"), hasMax = s.contains("maxItems");
    if (hasMin && hasMax && s["minItems"] == s["maxItems"])
        return "an array of " + count(s["minItems"]);
    if (hasMin && hasMax) {
        return "an array of " + showValue(s["minItems"]) + " to " + count(s["maxItems"]);
    }
    if (hasMin && s["minItems"] == 1) return "a non-empty array";
    if (hasMin) return "an array of at least " + count(s["minItems"]);
    if (hasMax) return "an array of at most " + count(s["maxItems"]);
    return "an array";
}

std::string oneOfPhrase(const Json& values) {
    if (values.size() == 1) return showValue(values.front());
    std::string out = "one of ";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i == 0 ? "" : ", ") + showValue(values[i]);
    }
    return out;
}

std::string expected(const std::string& phrase, const Json& got) {
    return "expected " + phrase + ", got " + showValue(got);
}

bool typeMatches(std::string_view type, const Json& v) {
    if (type == "integer") return detail::isIntegral(v);
    if (type == "number") return v.is_number();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    return v.is_null();
}

bool typeListMatches(const Json& type, const Json& v) {
    if (type.is_string()) return typeMatches(type.get<std::string>(), v);
    return std::any_of(type.begin(), type.end(),
                       [&](const Json& t) { return typeMatches(t.get<std::string>(), v); });
}

std::vector<std::string> propertyNames(const Json& objectSchema) {
    std::vector<std::string> names;
    if (const auto p = objectSchema.find("properties"); p != objectSchema.end()) {
        for (const auto& [name, sub] : p->items())
            names.push_back(name);
    }
    return names;
}

bool hasProperty(const Json& objectSchema, std::string_view key) {
    const auto p = objectSchema.find("properties");
    return p != objectSchema.end() && p->contains(key);
}

/// The alternative of a oneOf/anyOf that a value was matched to by its discriminator, with
/// what is needed to explain fields that belong to other alternatives.
struct Branch {
    std::string key;    ///< discriminator, e.g. "generator"
    std::string value;  ///< its value in the instance, e.g. "star"
    std::vector<const Json*> others;
};

std::string unknownField(const Json& objectSchema, std::string_view key, const Branch* branch) {
    std::string message = "unknown field " + quote(key);
    if (branch != nullptr &&
        std::any_of(branch->others.begin(), branch->others.end(),
                    [&](const Json* other) { return hasProperty(*other, key); })) {
        return message + " (not applicable when " + quote(branch->key) + " is " +
               quote(branch->value) + ")";
    }
    return message + detail::didYouMean(key, propertyNames(objectSchema));
}

/// The property that every alternative pins with "const" (e.g. "dist"), if there is one.
std::optional<std::string> discriminatorKey(const std::vector<const Json*>& alternatives) {
    if (alternatives.size() < 2) return std::nullopt;
    const auto pins = [](const Json& alt, const std::string& key) {
        const auto p = alt.find("properties");
        return p != alt.end() && p->contains(key) && (*p)[key].is_object() &&
               (*p)[key].contains("const");
    };
    for (const std::string& key : propertyNames(*alternatives.front())) {
        if (std::all_of(alternatives.begin(), alternatives.end(),
                        [&](const Json* alt) { return pins(*alt, key); })) {
            return key;
        }
    }
    return std::nullopt;
}

/// The alternative whose discriminator `key` has the value `object` gives it, and the
/// others; empty if none matches or the object has no such key.
std::optional<Branch> chooseBranch(const std::vector<const Json*>& alternatives,
                                   const std::string& key, const Json& object,
                                   const Json** chosen) {
    const auto value = object.find(key);
    if (value == object.end()) return std::nullopt;
    for (const Json* alt : alternatives) {
        if ((*alt)["properties"][key]["const"] != *value) continue;
        Branch branch{key, value->is_string() ? value->get<std::string>() : showValue(*value), {}};
        for (const Json* other : alternatives) {
            if (other != alt) branch.others.push_back(other);
        }
        *chosen = alt;
        return branch;
    }
    return std::nullopt;
}

/// Schemas may only nest alternatives and $refs this deep (a guard against cyclic schemas).
constexpr int kMaxSchemaNesting = 32;

const Json& alternativesOf(const Json& s) {
    return s.contains("oneOf") ? s["oneOf"] : s["anyOf"];
}

bool isAlternatives(const Json& s) {
    return s.is_object() && (s.contains("oneOf") || s.contains("anyOf"));
}

const Json& trueSchema() {
    static const Json kTrue = true;
    return kTrue;
}

// ---- The validator --------------------------------------------------------------------------

class Validator {
  public:
    Validator(const JsonSchema& schema, std::size_t maxIssues)
        : schema_(schema), maxIssues_(maxIssues) {}

    void check(const Json& rawSchema, const Json& v, const std::string& ptr,
               const Branch* branch = nullptr) {
        if (full()) return;
        if (depth_ > kMaxDepth) return report(ptr, "the schema nests too deeply here");
        const Reach reach = reachOf(ptr);
        if (reach == Reach::None) return;  // unchanged, so valid as it was
        const std::vector<std::string>* const changed = changed_;
        if (reach == Reach::Under) changed_ = nullptr;  // all of it is new: check it all
        ++depth_;
        checkResolved(schema_.resolve(rawSchema), v, ptr, branch);
        --depth_;
        changed_ = changed;
    }

    /// Checks only what lies on the way to, or under, one of `changed` (JsonSchema::
    /// validateChanged).
    void onlyChanged(const std::vector<std::string>& changed) { changed_ = &changed; }

    std::vector<JsonIssue> issues;

  private:
    /// Instances nest at most kMaxJsonDepth (200) deep; alternatives add a level each.
    static constexpr int kMaxDepth = 1000;

    /// Where a place stands to the changed ones: apart from all of them, on the way to one
    /// (an ancestor, whose own keywords are checked), or at or under one (checked whole).
    enum class Reach { None, Along, Under };

    static bool within(std::string_view place, std::string_view top) {
        return place.starts_with(top) && (place.size() == top.size() || place[top.size()] == '/');
    }

    Reach reachOf(const std::string& ptr) const {
        if (changed_ == nullptr) return Reach::Under;
        Reach reach = Reach::None;
        for (const std::string& c : *changed_) {
            if (within(ptr, c)) return Reach::Under;
            if (within(c, ptr)) reach = Reach::Along;
        }
        return reach;
    }

    /// The elements of the array at `ptr` that lead to a changed place, in order.
    std::vector<std::size_t> changedElements(const std::string& ptr, std::size_t size) const {
        std::vector<std::size_t> out;
        for (const std::string& c : *changed_) {
            if (!within(c, ptr) || c.size() == ptr.size()) continue;
            const std::string_view rest = std::string_view(c).substr(ptr.size() + 1);
            const std::string_view token = rest.substr(0, rest.find('/'));
            std::size_t index = 0;
            const auto [end, error] =
                std::from_chars(token.data(), token.data() + token.size(), index);
            if (error == std::errc() && end == token.data() + token.size() && index < size)
                out.push_back(index);
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    void checkResolved(const Json& s, const Json& v, const std::string& ptr, const Branch* branch) {
        if (s.is_boolean()) {
            if (!s.get<bool>()) report(ptr, "no value is allowed here");
            return;
        }
        if (isAlternatives(s)) return checkAlternatives(s, v, ptr);
        if (const auto t = s.find("type"); t != s.end() && !typeListMatches(*t, v)) {
            return report(ptr, expected(phrase(s), v));
        }
        if (const auto c = s.find("const"); c != s.end() && *c != v) {
            return report(ptr, expected(showValue(*c), v));
        }
        if (const auto e = s.find("enum");
            e != s.end() && std::find(e->begin(), e->end(), v) == e->end()) {
            return report(ptr, expected(oneOfPhrase(*e), v));
        }
        if (v.is_number()) checkBounds(s, v, ptr);
        if (v.is_string()) checkFormat(s, v, ptr);
        if (v.is_array()) checkArray(s, v, ptr);
        if (v.is_object()) checkObject(s, v, ptr, branch);
    }

    bool full() const { return issues.size() >= maxIssues_; }
    void report(const std::string& ptr, std::string message) {
        if (!full()) issues.push_back({ptr, std::move(message)});
    }

    /// The noun phrase for what `rawSchema` accepts, used when a value has the wrong type:
    /// "an integer >= 1", "a duration like ... or a distribution object".
    std::string phrase(const Json& rawSchema) const {
        std::vector<std::string> parts;
        addPhrases(rawSchema, parts, 0);
        return parts.empty() ? "a valid value" : join(parts);
    }

    /// Adds the phrases of `rawSchema` to `parts` (alternatives flattened, no repeats).
    void addPhrases(const Json& rawSchema, std::vector<std::string>& parts, int depth) const {
        const Json& s = schema_.resolve(rawSchema);
        if (depth > kMaxSchemaNesting) return;
        if (isAlternatives(s) && !s.contains("x-expected")) {
            for (const Json& alt : alternativesOf(s))
                addPhrases(alt, parts, depth + 1);
            return;
        }
        const auto t = s.is_object() ? s.find("type") : s.end();
        if (t != s.end() && t->is_array() && !s.contains("format")) {
            for (const Json& name : *t)
                addPhrase(typeNoun(name.get<std::string>()), parts);
            return;
        }
        addPhrase(singlePhrase(s), parts);
    }

    static void addPhrase(std::string phrase, std::vector<std::string>& parts) {
        if (std::find(parts.begin(), parts.end(), phrase) == parts.end()) {
            parts.push_back(std::move(phrase));
        }
    }

    /// The phrase of a schema that is not a list of alternatives or types.
    static std::string singlePhrase(const Json& s) {
        if (s.is_boolean()) return s.get<bool>() ? "any value" : "no value";
        if (s.contains("x-expected")) return s["x-expected"].get<std::string>();
        if (s.contains("format")) return formatPhrase(s["format"].get<std::string>());
        if (s.contains("const")) return showValue(s["const"]);
        if (s.contains("enum")) return oneOfPhrase(s["enum"]);
        const auto t = s.find("type");
        const std::string type = t != s.end() && t->is_string() ? t->get<std::string>() : "";
        if (type == "integer" || type == "number") return typeNoun(type) + boundsPhrase(s);
        if (type == "array") return itemCountPhrase(s);
        return type.empty() ? "any value" : typeNoun(type);
    }

    static std::string join(const std::vector<std::string>& parts) {
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i)
            out += (i == 0 ? "" : " or ") + parts[i];
        return out;
    }

    void checkBounds(const Json& s, const Json& v, const std::string& ptr) {
        struct Bound {
            const char* keyword;
            const char* symbol;
            bool (*fails)(int order);
        };
        static constexpr std::array kBounds = {
            Bound{"minimum", ">=", [](int order) { return order < 0; }},
            Bound{"exclusiveMinimum", ">", [](int order) { return order <= 0; }},
            Bound{"maximum", "<=", [](int order) { return order > 0; }},
            Bound{"exclusiveMaximum", "<", [](int order) { return order >= 0; }},
        };
        for (const Bound& b : kBounds) {
            const auto limit = s.find(b.keyword);
            if (limit != s.end() && b.fails(detail::compareNumbers(v, *limit))) {
                return report(
                    ptr, expected(numberNoun(s) + " " + b.symbol + " " + showValue(*limit), v));
            }
        }
    }

    void checkFormat(const Json& s, const Json& v, const std::string& ptr) {
        const auto f = s.find("format");
        if (f != s.end() &&
            !JsonSchema::matchesFormat(f->get<std::string>(), v.get<std::string>())) {
            report(ptr, expected(formatPhrase(f->get<std::string>()), v));
        }
    }

    void checkArray(const Json& s, const Json& v, const std::string& ptr) {
        const auto tooFew = s.contains("minItems") && v.size() < s["minItems"].get<std::uint64_t>();
        const auto tooMany =
            s.contains("maxItems") && v.size() > s["maxItems"].get<std::uint64_t>();
        if (tooFew || tooMany) return report(ptr, expected(itemCountPhrase(s), v));
        const auto checkItem = [&](std::size_t i) {
            if (const Json* item = schema_.element(s, i)) check(*item, v[i], childPointer(ptr, i));
        };
        if (changed_ != nullptr) {
            for (std::size_t i : changedElements(ptr, v.size()))
                if (!full()) checkItem(i);
            return;
        }
        for (std::size_t i = 0; i < v.size() && !full(); ++i)
            checkItem(i);
    }

    void checkObject(const Json& s, const Json& v, const std::string& ptr, const Branch* branch) {
        if (const auto r = s.find("required"); r != s.end()) {
            for (const Json& name : *r) {
                if (!v.contains(name.get<std::string>())) {
                    report(ptr, "missing required field " + quote(name.get<std::string>()));
                }
            }
        }
        const auto props = s.find("properties");
        const auto extra = s.find("additionalProperties");
        for (const auto& [key, value] : v.items()) {
            if (full()) return;
            const std::string child = childPointer(ptr, key);
            if (reachOf(child) == Reach::None) continue;
            if (props != s.end() && props->contains(key)) {
                check((*props)[key], value, child);
            } else if (extra != s.end() && extra->is_boolean() && !extra->get<bool>()) {
                report(child, unknownField(s, key, branch));
            } else if (extra != s.end() && extra->is_object()) {
                check(*extra, value, child);
            }
        }
    }

    void checkAlternatives(const Json& s, const Json& v, const std::string& ptr) {
        // Which alternative applies may turn on the change: check the value whole.
        const std::vector<std::string>* const changed = changed_;
        changed_ = nullptr;
        checkAlternativesOf(s, v, ptr);
        changed_ = changed;
    }

    void checkAlternativesOf(const Json& s, const Json& v, const std::string& ptr) {
        std::vector<const Json*> fitting;
        for (const Json& alt : alternativesOf(s)) {
            const Json& resolved = schema_.resolve(alt);
            if (acceptsType(resolved, v)) fitting.push_back(&resolved);
        }
        if (fitting.empty()) return report(ptr, expected(phrase(s), v));
        if (v.is_object()) {
            if (const auto key = discriminatorKey(fitting)) {
                return checkDiscriminated(fitting, *key, v, ptr);
            }
        }
        if (fitting.size() == 1) return check(*fitting.front(), v, ptr);
        checkFirstThatFits(s, fitting, v, ptr);
    }

    /// Several alternatives take this JSON type: accept if one (for oneOf: exactly one) takes
    /// the value, else report the issues of the alternative that came closest.
    void checkFirstThatFits(const Json& s, const std::vector<const Json*>& fitting, const Json& v,
                            const std::string& ptr) {
        std::size_t passes = 0;
        std::optional<std::vector<JsonIssue>> closest;
        for (const Json* alt : fitting) {
            Validator trial(schema_, maxIssues_);
            trial.depth_ = depth_;
            trial.check(*alt, v, ptr);
            if (trial.issues.empty()) {
                ++passes;
            } else if (!closest || trial.issues.size() < closest->size()) {
                closest = std::move(trial.issues);
            }
        }
        if (passes == 1 || (passes > 1 && !s.contains("oneOf"))) return;
        if (passes > 1) return report(ptr, expected("exactly one of " + phrase(s), v));
        for (JsonIssue& issue : *closest)
            report(issue.pointer, std::move(issue.message));
    }

    void checkDiscriminated(const std::vector<const Json*>& alternatives, const std::string& key,
                            const Json& v, const std::string& ptr) {
        if (!v.contains(key)) return report(ptr, "missing required field " + quote(key));
        const Json* chosen = nullptr;
        if (const auto branch = chooseBranch(alternatives, key, v, &chosen)) {
            return check(*chosen, v, ptr, &*branch);
        }
        Json options = Json::array();
        for (const Json* alt : alternatives)
            options.push_back((*alt)["properties"][key]["const"]);
        report(childPointer(ptr, key), expected(oneOfPhrase(options), v[key]));
    }

    /// Whether `s` (resolved) could take a value of v's JSON type at all.
    bool acceptsType(const Json& s, const Json& v, int depth = 0) const {
        if (depth > kMaxSchemaNesting) return false;
        if (s.is_boolean()) return s.get<bool>();
        if (const auto t = s.find("type"); t != s.end()) return typeListMatches(*t, v);
        if (isAlternatives(s)) {
            const Json& alts = alternativesOf(s);
            return std::any_of(alts.begin(), alts.end(), [&](const Json& alt) {
                return acceptsType(schema_.resolve(alt), v, depth + 1);
            });
        }
        if (const auto c = s.find("const"); c != s.end())
            return c->type() == v.type() || (c->is_number() && v.is_number());
        return true;
    }

    const JsonSchema& schema_;
    std::size_t maxIssues_;
    int depth_ = 0;
    /// With validateChanged, the changed places; null when everything is checked.
    const std::vector<std::string>* changed_ = nullptr;
};

}  // namespace

// ---- JsonSchema -----------------------------------------------------------------------------

JsonSchema::JsonSchema(Json doc) : doc_(std::move(doc)) {}

Result<JsonSchema> JsonSchema::fromJson(Json schema) {
    JsonSchema result(std::move(schema));
    std::vector<std::string> problems;
    result.lint(result.doc_, "", problems, 0);
    if (problems.empty()) return result;
    std::string message = "invalid schema:";
    for (const std::string& p : problems)
        message += "\n  " + p;
    return Error{message};
}

Result<JsonSchema> JsonSchema::fromText(std::string_view text) {
    Json doc = Json::parse(text, nullptr, false);
    if (doc.is_discarded()) return Error{"invalid schema: not valid JSON"};
    return fromJson(std::move(doc));
}

std::vector<JsonIssue> JsonSchema::validate(const Json& instance, std::size_t maxIssues) const {
    Validator validator(*this, maxIssues);
    validator.check(doc_, instance, "");
    return std::move(validator.issues);
}

std::vector<JsonIssue> JsonSchema::validateChanged(const Json& instance,
                                                   const std::vector<std::string>& changed,
                                                   std::size_t maxIssues) const {
    Validator validator(*this, maxIssues);
    validator.onlyChanged(changed);
    validator.check(doc_, instance, "");
    return std::move(validator.issues);
}

const JsonSchema::Json* JsonSchema::resolveReference(std::string_view ref) const {
    if (ref.empty() || ref.front() != '#') return nullptr;
    const Json* node = &doc_;
    for (const std::string& token : detail::splitPointer(ref.substr(1))) {
        if (!node->is_object() || !node->contains(token)) return nullptr;
        node = &(*node)[token];
    }
    return node;
}

const JsonSchema::Json& JsonSchema::resolve(const Json& schema) const {
    const Json* s = &schema;
    for (int hops = 0; hops < 32 && s->is_object() && s->contains("$ref"); ++hops) {
        const Json& ref = (*s)["$ref"];
        const Json* target = ref.is_string() ? resolveReference(ref.get<std::string>()) : nullptr;
        if (target == nullptr) return trueSchema();  // fromJson rejects such schemas
        s = target;
    }
    return *s;
}

void JsonSchema::collectObjectAlternatives(const Json& schema, std::vector<const Json*>& out,
                                           int depth) const {
    if (depth > kMaxSchemaNesting) return;
    for (const Json& alt : alternativesOf(schema)) {
        const Json& r = resolve(alt);
        if (isAlternatives(r)) {
            collectObjectAlternatives(r, out, depth + 1);
        } else if (r.is_object() && r.contains("type") && r["type"] == "object") {
            out.push_back(&r);
        }
    }
}

JsonSchema::Member JsonSchema::member(const Json& objectSchema, const Json& object,
                                      std::string_view key) const {
    const Json& s = resolve(objectSchema);
    if (s.is_boolean()) {
        if (s.get<bool>()) return {&trueSchema(), {}};
        return {nullptr, "no value is allowed here"};
    }
    if (isAlternatives(s)) return alternativeMember(s, object, key);
    if (hasProperty(s, key)) return {&s["properties"][std::string(key)], {}};
    const auto extra = s.find("additionalProperties");
    if (extra == s.end() || (extra->is_boolean() && extra->get<bool>())) {
        return {&trueSchema(), {}};
    }
    if (extra->is_object()) return {&*extra, {}};
    return {nullptr, unknownField(s, key, nullptr)};
}

JsonSchema::Member JsonSchema::alternativeMember(const Json& schema, const Json& object,
                                                 std::string_view key) const {
    std::vector<const Json*> objects;
    collectObjectAlternatives(schema, objects, 0);
    const auto discriminator = discriminatorKey(objects);
    const Json* chosen = nullptr;
    const auto branch = discriminator && object.is_object()
                            ? chooseBranch(objects, *discriminator, object, &chosen)
                            : std::nullopt;
    if (branch) {
        if (hasProperty(*chosen, key)) return {&(*chosen)["properties"][std::string(key)], {}};
        return {nullptr, unknownField(*chosen, key, &*branch)};
    }
    // No alternative chosen yet: any of them may have the member.
    for (const Json* alt : objects) {
        if (hasProperty(*alt, key)) return {&(*alt)["properties"][std::string(key)], {}};
    }
    return {nullptr, "unknown field " + quote(key)};
}

const JsonSchema::Json* JsonSchema::element(const Json& arraySchema, std::size_t index) const {
    const Json& s = resolve(arraySchema);
    if (s.is_boolean()) return &s;
    if (const auto prefix = s.find("prefixItems"); prefix != s.end() && index < prefix->size()) {
        return &(*prefix)[index];
    }
    if (const auto items = s.find("items"); items != s.end()) return &*items;
    return s.contains("type") && s["type"] != "array" ? nullptr : &trueSchema();
}

bool JsonSchema::isSupportedKeyword(std::string_view keyword) {
    return contains(kSupportedKeywords, keyword);
}

bool JsonSchema::matchesFormat(std::string_view format, std::string_view text) {
    if (format == "duration") return parseDuration(text).ok();
    if (format == "bandwidth") return parseBandwidth(text).ok();
    if (format == "size") return parseSize(text).ok();
    if (format == "id") return isId(text);
    return false;
}

void JsonSchema::lint(const Json& s, const std::string& where, std::vector<std::string>& problems,
                      int depth) const {
    const auto problem = [&](const std::string& what) {
        problems.push_back((where.empty() ? "/" : where) + ": " + what);
    };
    if (depth > 64) return problem("nested too deeply");
    if (s.is_boolean()) return;
    if (!s.is_object()) return problem("a schema must be an object or a boolean");
    for (const auto& [keyword, value] : s.items()) {
        if (!isSupportedKeyword(keyword)) problem("unsupported keyword " + quote(keyword));
        if (s.contains("$ref") && keyword != "$ref" && !contains(kRefSiblings, keyword)) {
            problem("keyword " + quote(keyword) + " next to $ref (only annotations may be)");
        }
    }
    if (const auto ref = s.find("$ref"); ref != s.end()) {
        if (!ref->is_string() || resolveReference(ref->get<std::string>()) == nullptr) {
            problem("$ref " + showValue(*ref) + " leads nowhere");
        } else if (resolve(s).is_object() && resolve(s).contains("$ref")) {
            problem("$ref " + showValue(*ref) + " is part of a cycle");
        }
    }
    if (const auto f = s.find("format"); f != s.end()) {
        if (!f->is_string() || !contains(kFormats, f->get<std::string>())) {
            problem("unsupported format " + showValue(*f));
        }
    }
    if (const auto t = s.find("type"); t != s.end()) {
        const auto known = [](const Json& n) {
            return n.is_string() && contains(kTypeNames, n.get<std::string>());
        };
        if (!(known(*t) ||
              (t->is_array() && !t->empty() && std::all_of(t->begin(), t->end(), known)))) {
            problem("invalid type " + showValue(*t));
        }
    }
    for (const char* keyword : {"properties", "$defs"}) {
        if (const auto map = s.find(keyword); map != s.end() && map->is_object()) {
            for (const auto& [name, sub] : map->items()) {
                lint(sub, childPointer(childPointer(where, keyword), name), problems, depth + 1);
            }
        }
    }
    for (const char* keyword : {"prefixItems", "oneOf", "anyOf"}) {
        if (const auto list = s.find(keyword); list != s.end()) {
            if (!list->is_array() || list->empty())
                problem(std::string(keyword) + " must be a non-empty array");
            for (std::size_t i = 0; list->is_array() && i < list->size(); ++i) {
                lint((*list)[i], childPointer(childPointer(where, keyword), i), problems,
                     depth + 1);
            }
        }
    }
    for (const char* keyword : {"items", "additionalProperties"}) {
        if (const auto sub = s.find(keyword); sub != s.end()) {
            lint(*sub, childPointer(where, keyword), problems, depth + 1);
        }
    }
    for (const char* keyword : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
        if (s.contains(keyword) && !s[keyword].is_number())
            problem(std::string(keyword) + " must be a number");
    }
    for (const char* keyword : {"minItems", "maxItems"}) {
        if (s.contains(keyword) && !s[keyword].is_number_unsigned() &&
            !(s[keyword].is_number_integer() && s[keyword].get<std::int64_t>() >= 0)) {
            problem(std::string(keyword) + " must be a non-negative integer");
        }
    }
    if (const auto r = s.find("required"); r != s.end()) {
        if (!r->is_array() ||
            !std::all_of(r->begin(), r->end(), [](const Json& n) { return n.is_string(); })) {
            problem("required must be an array of strings");
        }
    }
    if (const auto e = s.find("enum"); e != s.end() && (!e->is_array() || e->empty())) {
        problem("enum must be a non-empty array");
    }
    if (const auto x = s.find("x-expected"); x != s.end() && !x->is_string()) {
        problem("x-expected must be a string");
    }
}

}  // namespace dais::core
