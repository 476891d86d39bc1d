#include "scenario_build.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "dais/core/services.h"
#include "dais/core/units.h"
#include "json_util.h"

namespace dais::core::detail {
namespace {

using sim::SimTime;

// ---- Reading values the schema has already checked -----------------------------------------

const Json& emptyArray() {
    static const Json kEmpty = Json::array();
    return kEmpty;
}

const Json& emptyObject() {
    static const Json kEmpty = Json::object();
    return kEmpty;
}

const Json* find(const Json& object, std::string_view key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const Json& arrayAt(const Json& object, std::string_view key) {
    const Json* v = find(object, key);
    return v != nullptr && v->is_array() ? *v : emptyArray();
}

const Json& objectAt(const Json& object, std::string_view key) {
    const Json* v = find(object, key);
    return v != nullptr && v->is_object() ? *v : emptyObject();
}

std::optional<std::string> stringAt(const Json& object, std::string_view key) {
    const Json* v = find(object, key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
}

double numberOr(const Json& object, std::string_view key, double fallback) {
    const Json* v = find(object, key);
    return v != nullptr && v->is_number() ? v->get<double>() : fallback;
}

bool boolOr(const Json& object, std::string_view key, bool fallback) {
    const Json* v = find(object, key);
    return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

/// A non-negative integral number as uint64 (the schema bounds it; doubles are integral).
std::uint64_t toUnsigned(const Json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) return v.get<std::int64_t>() < 0 ? 0 : v.get<std::uint64_t>();
    const double d = v.is_number() ? v.get<double>() : 0;
    return d > 0 && d < 18446744073709551616.0 ? static_cast<std::uint64_t>(d) : 0;
}

SimTime durationOf(const Json& v) {
    if (v.is_number()) return sim::fromSeconds(v.get<double>());
    const Result<SimTime> t = v.is_string() ? parseDuration(v.get<std::string>()) : Error{};
    return t.ok() ? t.value() : 0;
}

double bandwidthOf(const Json& v) {
    if (v.is_number()) return v.get<double>();
    const Result<double> b = v.is_string() ? parseBandwidth(v.get<std::string>()) : Error{};
    return b.ok() ? b.value() : 0;
}

double sizeOf(const Json& v) {
    if (v.is_number()) return v.get<double>();
    const Result<double> s = v.is_string() ? parseSize(v.get<std::string>()) : Error{};
    return s.ok() ? s.value() : 0;
}

std::string expected(const std::string& phrase, const Json& got) {
    return "expected " + phrase + ", got " + showValue(got);
}

/// A reference to one member of a group: "phones[12]".
struct MemberRef {
    std::string group;
    std::optional<std::uint64_t> index;  ///< empty if the number is too large to hold
};

std::optional<MemberRef> parseMemberRef(std::string_view name) {
    const auto open = name.rfind('[');
    if (name.size() < 4 || name.back() != ']' || open == std::string_view::npos || open == 0) {
        return std::nullopt;
    }
    const std::string_view digits = name.substr(open + 1, name.size() - open - 2);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    MemberRef ref{std::string(name.substr(0, open)), std::nullopt};
    std::uint64_t index = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (ec == std::errc() && end == digits.data() + digits.size()) ref.index = index;
    return ref;
}

/// Fields a node gets from its template chain and its own entry; unset ones fall through.
struct Traits {
    std::optional<std::string> role, region;
    std::optional<double> cpuGflops, gpuTflops, memoryGb, storageGb;
    /// Layer attributes: {"<layer>": {"<name>": value}}, or null when none are written.
    Json attributes;

    static Traits of(const Json& entry) {
        const Json& res = objectAt(entry, "resources");
        const auto number = [&](std::string_view key) -> std::optional<double> {
            const Json* v = find(res, key);
            return v != nullptr && v->is_number() ? std::optional(v->get<double>()) : std::nullopt;
        };
        const Json* attributes = find(entry, "attributes");
        return {stringAt(entry, "role"),
                stringAt(entry, "region"),
                number("cpu_gflops"),
                number("gpu_tflops"),
                number("memory_gb"),
                number("storage_gb"),
                attributes != nullptr && attributes->is_object() ? *attributes : Json()};
    }

    /// This, with every field that `top` sets taken from `top`.
    Traits under(const Traits& top) const {
        Traits t = *this;
        if (top.role) t.role = top.role;
        if (top.region) t.region = top.region;
        if (top.cpuGflops) t.cpuGflops = top.cpuGflops;
        if (top.gpuTflops) t.gpuTflops = top.gpuTflops;
        if (top.memoryGb) t.memoryGb = top.memoryGb;
        if (top.storageGb) t.storageGb = top.storageGb;
        if (top.attributes.is_object()) {
            if (!t.attributes.is_object()) t.attributes = Json::object();
            for (const auto& [layer, values] : top.attributes.items()) {
                if (!values.is_object()) continue;
                Json& mine = t.attributes[layer];
                if (!mine.is_object()) mine = Json::object();
                for (const auto& [name, value] : values.items())
                    mine[name] = value;
            }
        }
        return t;
    }

    sim::NodeSpec toNode() const {
        sim::NodeSpec n;
        n.role = role.value_or("");
        n.region = region.value_or("");
        n.resources = {cpuGflops.value_or(0), gpuTflops.value_or(0), memoryGb.value_or(0),
                       storageGb.value_or(0)};
        return n;
    }
};

enum class Quantity { Time, Size };

/// Ids of one namespace, each with the pointer of its first declaration.
class IdSpace {
  public:
    explicit IdSpace(std::string kind) : kind_(std::move(kind)) {}

    /// Records `id` declared at `pointer`; returns the message if it was taken already.
    std::optional<std::string> declare(const std::string& id, const std::string& pointer,
                                       const std::string& kind) {
        const auto [it, inserted] = first_.emplace(id, Entry{pointer, kind});
        if (inserted) {
            order_.push_back(id);
            return std::nullopt;
        }
        std::string message =
            "duplicate " + kind + " id " + quote(id) + " (first at " + it->second.pointer;
        if (it->second.kind != kind) message += "; nodes and groups share one set of ids";
        return message + ")";
    }
    std::optional<std::string> declare(const std::string& id, const std::string& pointer) {
        return declare(id, pointer, kind_);
    }

    bool contains(const std::string& id) const { return first_.count(id) != 0; }
    const std::string* kindOf(const std::string& id) const {
        const auto it = first_.find(id);
        return it == first_.end() ? nullptr : &it->second.kind;
    }
    const std::vector<std::string>& ids() const { return order_; }
    bool empty() const { return first_.empty(); }

  private:
    struct Entry {
        std::string pointer;
        std::string kind;
    };
    std::string kind_;
    std::unordered_map<std::string, Entry> first_;
    std::vector<std::string> order_;
};

// ---- The builder ----------------------------------------------------------------------------

class Builder {
  public:
    Builder(const Json& doc, Scenario& out, const LayerRegistry& layers)
        : doc_(&doc), out_(&out), layers_(layers) {}

    std::vector<JsonIssue> build(std::size_t maxIssues) {
        readMeta();
        readRun();
        checkLayers();
        const Json& net = objectAt(*doc_, "network");
        readRegions(net);
        declareTemplates(net);
        declareNodesAndGroups(net);
        declareGateways(net);
        resolveTemplates(net);
        readNodes(net);
        readGroups(net);
        readLinks(net);
        readTopologies(net);
        readTraffic(net);
        readFaults(net);
        for (const sim::NodeSpec& n : out_->network.nodes)
            nodeRoles_.insert(n.role);
        checkLayerNeeds(out_->network.groups);
        readPayments(out_->network.groups);
        out_->version = static_cast<int>(toUnsigned(doc_->value("version", Json(1))));
        out_->layers = nlohmann::json(objectAt(*doc_, "layers"));
        out_->ui = nlohmann::json(objectAt(*doc_, "ui"));
        return listProblems(maxIssues);
    }

    /// The problems of `doc`, the document built last with the places `changed` (JSON
    /// pointers) changed and valid by the schema, found by reading again only the sections the
    /// changes can affect: meta, run and layers always (they are small), and traffic, faults,
    /// links, topologies and groups when changed (all that names nodes when a group changed).
    /// Nothing when a change reaches what the rest is declared against (ids, nodes, templates,
    /// regions, gateways): that needs a whole build.
    std::optional<std::vector<JsonIssue>> rebuildChanged(const Json& doc,
                                                         const std::vector<std::string>& changed,
                                                         std::size_t maxIssues) {
        std::set<std::string> sections;
        for (const std::string& pointer : changed) {
            const std::vector<std::string> t = splitPointer(pointer);
            if (t.empty()) return std::nullopt;
            if (t[0] == "meta" || t[0] == "run" || t[0] == "layers" || t[0] == "ui") continue;
            if (t[0] != "network" || t.size() < 2) return std::nullopt;
            const std::string& section = t[1];
            // A field of one element, not the element or the section: what the element is
            // (its id, a topology's generator and regions) stays as declared.
            const std::string field = t.size() >= 4 ? t[3] : "";
            if (section == "links" || section == "traffic" || section == "faults" ||
                (section == "groups" && !field.empty() && field != "id") ||
                (section == "topologies" && !field.empty() && field != "generator" &&
                 field != "latency_matrix")) {
                sections.insert(section);
                continue;
            }
            return std::nullopt;
        }
        const Json* const builtDoc = doc_;
        Scenario* const built = out_;
        const auto builtCounts = groupCounts_;
        Scenario variant;
        doc_ = &doc;
        out_ = &variant;
        problems_.clear();
        readMeta();
        readRun();
        checkLayers();
        const Json& net = objectAt(doc, "network");
        const bool groups = sections.count("groups") != 0;
        if (groups) {
            countGroups(net);
            readGroups(net);
        }
        if (groups || sections.count("links") != 0) readLinks(net);
        if (groups || sections.count("topologies") != 0) readTopologies(net);
        if (groups || sections.count("traffic") != 0) readTraffic(net);
        if (groups || sections.count("faults") != 0) readFaults(net);
        checkLayerNeeds(groups ? variant.network.groups : built->network.groups);
        if (groups) readPayments(variant.network.groups);
        std::vector<JsonIssue> issues = listProblems(maxIssues);
        problems_.clear();
        groupCounts_ = builtCounts;
        doc_ = builtDoc;
        out_ = built;
        return issues;
    }

  private:
    /// A problem found, and maybe a word to suggest a correction for (computed only for the
    /// problems that are listed: a large file with many bad references stays fast).
    struct Problem {
        JsonIssue issue;
        std::string word;
        const std::vector<std::string>* candidates = nullptr;
    };

    void error(const std::string& pointer, std::string message) {
        problems_.push_back({{pointer, std::move(message)}, {}, nullptr});
    }
    /// The message followed by " (did you mean ...?)" if one of `candidates` is close to `word`.
    void errorSuggesting(const std::string& pointer, std::string message, const std::string& word,
                         const std::vector<std::string>& candidates) {
        problems_.push_back({{pointer, std::move(message)}, word, &candidates});
    }

    std::vector<JsonIssue> listProblems(std::size_t maxIssues) {
        std::vector<std::string> pointers;
        for (const Problem& p : problems_)
            pointers.push_back(p.issue.pointer);
        std::vector<JsonIssue> listed;
        for (std::size_t index : documentOrder(*doc_, pointers)) {
            if (listed.size() == maxIssues) break;
            Problem& p = problems_[index];
            if (p.candidates != nullptr) p.issue.message += didYouMean(p.word, *p.candidates);
            listed.push_back(std::move(p.issue));
        }
        return listed;
    }

    // -- meta, run, layers

    void readMeta() {
        const Json& meta = objectAt(*doc_, "meta");
        out_->meta.name = stringAt(meta, "name").value_or("");
        out_->meta.description = stringAt(meta, "description").value_or("");
        out_->meta.author = stringAt(meta, "author").value_or("");
        for (const Json& tag : arrayAt(meta, "tags"))
            out_->meta.tags.push_back(tag.get<std::string>());
    }

    void readRun() {
        const Json& run = objectAt(*doc_, "run");
        RunSpec& spec = out_->run;
        if (const Json* seed = find(run, "seed")) spec.seed = toUnsigned(*seed);
        if (const Json* until = find(run, "until")) {
            spec.until = durationOf(*until);
            if (spec.until <= 0) error("/run/until", expected("a duration > 0", *until));
        }
        if (const Json* queue = find(run, "queue")) {
            spec.queue = *queue == "ladder" ? sim::QueueKind::Ladder : sim::QueueKind::Heap;
        }
        if (const Json* interval = find(run, "sample_interval")) {
            spec.sampleInterval = durationOf(*interval);
            if (const std::string why = sampleIntervalProblem(spec.sampleInterval, spec.until);
                !why.empty())
                error("/run/sample_interval", why);
        }
    }

    void checkLayers() {
        layerIds_ = layers_.ids();
        for (const auto& [id, settings] : objectAt(*doc_, "layers").items()) {
            const std::string ptr = childPointer("/layers", id);
            const LayerFactory* factory = layers_.find(id);
            if (factory == nullptr) {
                if (layerIds_.empty()) {
                    error(ptr, "unknown layer " + quote(id) + " (no layers are installed)");
                } else {
                    std::string installed;
                    for (const std::string& l : layerIds_)
                        installed += (installed.empty() ? "" : ", ") + l;
                    errorSuggesting(
                        ptr, "unknown layer " + quote(id) + " (installed: " + installed + ")", id,
                        layerIds_);
                }
                continue;
            }
            std::vector<JsonIssue> issues;
            std::optional<LayerSettings> s =
                validateLayerSettings(factory->descriptor, nlohmann::json(settings), ptr, issues);
            for (JsonIssue& issue : issues)
                error(issue.pointer, std::move(issue.message));
            if (!s) continue;
            s->factory = factory;
            out_->layerSettings.push_back(std::move(*s));
        }
    }

    /// What enabled layers need from the rest of the scenario: nodes of their required roles,
    /// and the services they require from another enabled layer.
    /// The roles of the network's nodes and groups (gateways, which have none, left out).
    std::set<std::string> networkRoles(const std::vector<sim::GroupSpec>& groups) const {
        std::set<std::string> roles = nodeRoles_;
        for (const sim::GroupSpec& g : groups)
            roles.insert(g.member.role);
        roles.erase("");
        return roles;
    }
    /// "cloud, phone", or "none".
    static std::string rolesText(const std::set<std::string>& roles) {
        std::string have;
        for (const std::string& role : roles)
            have += (have.empty() ? "" : ", ") + role;
        return have.empty() ? "none" : have;
    }

    void checkLayerNeeds(const std::vector<sim::GroupSpec>& groups) {
        const std::set<std::string> roles = networkRoles(groups);
        std::map<std::string, std::string> provided;  // service -> enabled layer
        for (const LayerSettings& s : out_->layerSettings)
            if (s.enabled)
                for (const std::string& svc : s.descriptor->provides)
                    provided.emplace(svc, s.id);
        for (const LayerSettings& s : out_->layerSettings) {
            if (!s.enabled) continue;
            const std::string ptr = childPointer("/layers", s.id);
            for (const RoleSpec& r : s.descriptor->roles) {
                if (!r.required || roles.count(r.role) != 0) continue;
                error(ptr, "layer " + quote(s.id) + " needs at least one node with role " +
                               quote(r.role) + " (" + r.help +
                               "); the network's roles are: " + rolesText(roles));
            }
            for (const ServiceUse& u : s.descriptor->uses) {
                if (!u.required || provided.count(u.service) != 0 || providedByCore(u.service))
                    continue;
                std::string providers;
                for (const LayerFactory* f : layers_.layers())
                    for (const std::string& svc : f->descriptor.provides)
                        if (svc == u.service)
                            providers += (providers.empty() ? "" : ", ") + f->descriptor.id;
                error(ptr,
                      "layer " + quote(s.id) + " needs the service " + quote(u.service) + " (" +
                          u.why + "), which no enabled layer provides; " +
                          (providers.empty() ? std::string("no installed layer provides it")
                                             : "enable a layer that provides it: " + providers));
            }
        }
    }

    // -- payments

    void readPayments(const std::vector<sim::GroupSpec>& groups) {
        const Json* section = find(*doc_, "payments");
        PaymentsSpec& spec = out_->payments;
        spec = PaymentsSpec{};
        if (section == nullptr) return;
        spec.present = true;
        const Json& token = objectAt(*section, "token");
        if (const Json* symbol = find(token, "symbol")) {
            spec.token.symbol = symbol->get<std::string>();
            if (!validTokenSymbol(spec.token.symbol))
                error("/payments/token/symbol",
                      expected("1 to 12 letters and digits, starting with a letter", *symbol));
        }
        if (const Json* decimals = find(token, "decimals"))
            spec.token.decimals = static_cast<int>(toUnsigned(*decimals));
        const std::set<std::string> roles = networkRoles(groups);
        const Json& list = arrayAt(*section, "endowments");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Json& entry = list[i];
            PaymentsSpec::Endowment e;
            e.pointer = childPointer("/payments/endowments", i);
            const int named = (find(entry, "nodes") != nullptr) + (find(entry, "role") != nullptr) +
                              (find(entry, "account") != nullptr);
            if (named != 1) {
                error(e.pointer, named == 0 ? "an endowment names who gets it: \"nodes\", "
                                              "\"role\" or \"account\""
                                            : "an endowment names one of \"nodes\", \"role\" "
                                              "and \"account\", not several");
                continue;
            }
            if (const Json* nodes = find(entry, "nodes"))
                e.nodes = nodeSet(*nodes, e.pointer + "/nodes");
            if (const Json* role = find(entry, "role")) {
                e.role = role->get<std::string>();
                if (roles.count(e.role) == 0)
                    error(e.pointer + "/role",
                          "no node has role " + quote(e.role) +
                              "; the network's roles are: " + rolesText(roles));
            }
            if (const Json* account = find(entry, "account")) {
                e.account = account->get<std::string>();
                if (e.account.empty()) error(e.pointer + "/account", "an account needs a name");
            }
            const Json& amount = entry.at("amount");
            std::string text;
            if (amount.is_string()) {
                text = amount.get<std::string>();
            } else if (amount.is_number_integer() || amount.is_number_unsigned()) {
                text = amount.dump();
            } else {
                // The shortest text that reads back as the same number: 0.1 is "0.1".
                char buf[64];
                const auto r = std::to_chars(buf, buf + sizeof buf, amount.get<double>(),
                                             std::chars_format::fixed);
                text.assign(buf, r.ptr);
            }
            const Result<Amount> units = parseAmount(text, spec.token);
            if (!units) {
                error(e.pointer + "/amount", units.error().message);
                continue;
            }
            if (*units <= 0) {
                error(e.pointer + "/amount", expected("an amount greater than 0", amount));
                continue;
            }
            e.amount = *units;
            spec.endowments.push_back(std::move(e));
        }
    }

    // -- regions and templates

    void readRegions(const Json& net) {
        const Json& regions = arrayAt(net, "regions");
        for (std::size_t i = 0; i < regions.size(); ++i) {
            const Json& r = regions[i];
            const std::string ptr = childPointer("/network/regions", i);
            sim::RegionSpec spec;
            spec.id = stringAt(r, "id").value_or("");
            if (auto dup = regionIds_.declare(spec.id, ptr + "/id")) error(ptr + "/id", *dup);
            const Json& center = arrayAt(r, "center");
            if (center.size() == 2) {
                spec.x = center[0].get<double>();
                spec.y = center[1].get<double>();
            }
            spec.radius = numberOr(r, "radius", 0);
            out_->network.regions.push_back(std::move(spec));
        }
    }

    void declareTemplates(const Json& net) {
        const Json& templates = arrayAt(net, "templates");
        for (std::size_t i = 0; i < templates.size(); ++i) {
            const std::string ptr = childPointer("/network/templates", i) + "/id";
            const std::string id = stringAt(templates[i], "id").value_or("");
            if (auto dup = templateIds_.declare(id, ptr)) {
                error(ptr, *dup);
            } else {
                templateIndex_.emplace(id, i);
            }
        }
    }

    /// Checks every template's `extends` and `region`, reports cycles (once each) and computes
    /// every template's resolved traits.
    void resolveTemplates(const Json& net) {
        const Json& templates = arrayAt(net, "templates");
        const std::size_t n = templates.size();
        std::vector<std::optional<std::size_t>> parent(n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::string ptr = childPointer("/network/templates", i);
            if (const Json* region = find(templates[i], "region"))
                checkRegion(*region, ptr + "/region");
            checkAttributes(templates[i], ptr);
            if (const Json* extends = find(templates[i], "extends")) {
                parent[i] = templateRef(*extends, ptr + "/extends");
            }
        }
        breakCycles(templates, parent);
        templateTraits_.assign(n, std::nullopt);
        for (std::size_t i = 0; i < n; ++i)
            resolveChain(templates, parent, i);
    }

    /// Finds each cycle of `extends` links, reports it at the link that closes it (seen from
    /// its earliest template) and removes that link.
    void breakCycles(const Json& templates, std::vector<std::optional<std::size_t>>& parent) {
        enum : char { kUnseen, kOnPath, kDone };
        std::vector<char> state(parent.size(), kUnseen);
        for (std::size_t start = 0; start < parent.size(); ++start) {
            std::vector<std::size_t> path;
            std::optional<std::size_t> j = start;
            while (j && state[*j] == kUnseen) {
                state[*j] = kOnPath;
                path.push_back(*j);
                j = parent[*j];
            }
            if (j && state[*j] == kOnPath) {
                const auto from = std::find(path.begin(), path.end(), *j);
                std::vector<std::size_t> cycle(from, path.end());
                const auto earliest = std::min_element(cycle.begin(), cycle.end());
                std::rotate(cycle.begin(), earliest, cycle.end());
                std::string chain;
                for (std::size_t t : cycle)
                    chain += stringAt(templates[t], "id").value_or("") + " -> ";
                chain += stringAt(templates[cycle.front()], "id").value_or("");
                error(childPointer("/network/templates", cycle.back()) + "/extends",
                      "templates form a cycle: " + chain);
                parent[cycle.back()] = std::nullopt;
            }
            for (std::size_t t : path)
                state[t] = kDone;
        }
    }

    /// Checks what an entry (a node, group or template) writes under "attributes": each key an
    /// installed layer, each value one of that layer's declared node attributes, valid.
    void checkAttributes(const Json& entry, const std::string& ptr) {
        const Json* attributes = find(entry, "attributes");
        if (attributes == nullptr || !attributes->is_object()) return;  // the schema says so
        for (const auto& [layer, values] : attributes->items()) {
            const std::string at = childPointer(ptr + "/attributes", layer);
            const LayerFactory* factory = layers_.find(layer);
            if (factory == nullptr) {
                errorSuggesting(at, "attributes for unknown layer " + quote(layer), layer,
                                layerIds_);
                continue;
            }
            const LayerDescriptor& d = factory->descriptor;
            if (!values.is_object()) {
                error(at, "expected an object of layer " + quote(layer) +
                              "'s node attributes, got " + showValue(values));
                continue;
            }
            for (const auto& [name, value] : values.items()) {
                const ParamSpec* spec = d.attribute(name);
                if (spec == nullptr) {
                    // Kept by the builder: suggestions are made when the problems are listed.
                    std::vector<std::string>& names = attributeNames_[layer];
                    names.clear();
                    for (const ParamSpec& a : d.attributes)
                        names.push_back(a.name);
                    std::string declared;
                    for (const std::string& n : names)
                        declared += (declared.empty() ? "" : ", ") + n;
                    errorSuggesting(childPointer(at, name),
                                    "layer " + quote(layer) + " has no node attribute " +
                                        quote(name) + " (it declares " +
                                        (declared.empty() ? "none" : declared) + ")",
                                    name, names);
                    continue;
                }
                if (const std::string m = checkParamValue(*spec, nlohmann::json(value)); !m.empty())
                    error(childPointer(at, name), m);
            }
        }
    }

    /// Resolves template `i` after its ancestors, without recursion (chains may be long).
    void resolveChain(const Json& templates, const std::vector<std::optional<std::size_t>>& parent,
                      std::size_t i) {
        std::vector<std::size_t> chain;
        for (std::optional<std::size_t> j = i; j && !templateTraits_[*j]; j = parent[*j]) {
            chain.push_back(*j);
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const std::optional<std::size_t> up = parent[*it];
            const Traits base = up ? *templateTraits_[*up] : Traits{};
            templateTraits_[*it] = base.under(Traits::of(templates[*it]));
        }
    }

    std::optional<std::size_t> templateRef(const Json& v, const std::string& ptr) {
        const std::string id = v.get<std::string>();
        if (const auto it = templateIndex_.find(id); it != templateIndex_.end()) return it->second;
        if (templateIds_.empty()) {
            error(ptr, "unknown template " + quote(id) + " (no templates are defined)");
        } else {
            errorSuggesting(ptr, "unknown template " + quote(id), id, templateIds_.ids());
        }
        return std::nullopt;
    }

    void checkRegion(const Json& v, const std::string& ptr) {
        const std::string id = v.get<std::string>();
        if (regionIds_.contains(id)) return;
        if (regionIds_.empty()) {
            error(ptr, "unknown region " + quote(id) + " (no regions are defined)");
        } else {
            errorSuggesting(ptr, "unknown region " + quote(id), id, regionIds_.ids());
        }
    }

    /// A node's or group's traits: its template's, overridden by its own.
    Traits traitsOf(const Json& entry, const std::string& ptr) {
        Traits base;
        if (const Json* t = find(entry, "template")) {
            if (const auto index = templateRef(*t, ptr + "/template"))
                base = *templateTraits_[*index];
        }
        if (const Json* region = find(entry, "region")) checkRegion(*region, ptr + "/region");
        return base.under(Traits::of(entry));
    }

    // -- nodes and groups

    void declareNodesAndGroups(const Json& net) {
        const Json& nodes = arrayAt(net, "nodes");
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const std::string ptr = childPointer("/network/nodes", i) + "/id";
            if (auto dup = nodeIds_.declare(stringAt(nodes[i], "id").value_or(""), ptr, "node")) {
                error(ptr, *dup);
            }
        }
        const Json& groups = arrayAt(net, "groups");
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const std::string ptr = childPointer("/network/groups", i) + "/id";
            const std::string id = stringAt(groups[i], "id").value_or("");
            if (auto dup = nodeIds_.declare(id, ptr, "group")) {
                error(ptr, *dup);
            } else {
                groupNames_.push_back(id);
            }
        }
        countGroups(net);
    }

    /// The members of each group (the first group of an id counts), and the network's size.
    void countGroups(const Json& net) {
        const Json& groups = arrayAt(net, "groups");
        groupCounts_.clear();
        std::uint64_t total = arrayAt(net, "nodes").size();
        bool reported = false;
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const std::string ptr = childPointer("/network/groups", i);
            const std::string id = stringAt(groups[i], "id").value_or("");
            const std::uint64_t count = toUnsigned(groups[i].value("count", Json(1)));
            const std::string* kind = nodeIds_.kindOf(id);
            if (kind != nullptr && *kind == "group") groupCounts_.emplace(id, count);
            total += count;
            if (total > kMaxScenarioNodes && !reported) {
                reported = true;
                error(ptr + "/count", "the network would have " + std::to_string(total) +
                                          " nodes or more; this build supports at most " +
                                          std::to_string(kMaxScenarioNodes));
            }
        }
    }

    /// Gateways of "regions" topologies ("<region>.gw") exist even if no node declares them.
    void declareGateways(const Json& net) {
        for (const Json& topology : arrayAt(net, "topologies")) {
            if (topology.value("generator", "") != "regions") continue;
            for (const Json& region : arrayAt(objectAt(topology, "latency_matrix"), "order")) {
                gateways_.insert(region.get<std::string>() + ".gw");
            }
        }
        nodeNames_ = nodeIds_.ids();
        nodeNames_.insert(nodeNames_.end(), gateways_.begin(), gateways_.end());
    }

    void readNodes(const Json& net) {
        const Json& nodes = arrayAt(net, "nodes");
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const Json& entry = nodes[i];
            const std::string ptr = childPointer("/network/nodes", i);
            const Traits traits = traitsOf(entry, ptr);
            sim::NodeSpec node = traits.toNode();
            node.id = stringAt(entry, "id").value_or("");
            checkAttributes(entry, ptr);
            if (traits.attributes.is_object())
                out_->nodeAttributes.push_back({node.id, false, nlohmann::json(traits.attributes)});
            const Json& position = arrayAt(entry, "position");
            if (position.size() == 2) {
                node.x = position[0].get<double>();
                node.y = position[1].get<double>();
            }
            out_->network.nodes.push_back(std::move(node));
        }
    }

    void readGroups(const Json& net) {
        const Json& groups = arrayAt(net, "groups");
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const Json& entry = groups[i];
            const std::string ptr = childPointer("/network/groups", i);
            sim::GroupSpec group;
            group.id = stringAt(entry, "id").value_or("");
            group.count = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(toUnsigned(entry.value("count", Json(1))), UINT32_MAX));
            const Traits traits = traitsOf(entry, ptr);
            group.member = traits.toNode();
            checkAttributes(entry, ptr);
            if (traits.attributes.is_object())
                out_->nodeAttributes.push_back({group.id, true, nlohmann::json(traits.attributes)});
            if (const Json* attach = find(entry, "attach")) {
                checkNode(*attach, ptr + "/attach", false);
                group.attachTo = attach->get<std::string>();
            }
            group.access = linkProps(objectAt(entry, "access"), ptr + "/access");
            out_->network.groups.push_back(std::move(group));
        }
    }

    // -- references to nodes

    /// Checks that `v` names a node (or, with `groupAllowed`, a group): a node id, a gateway of
    /// a regions topology, or a group member "g[i]" with i < count.
    void checkNode(const Json& v, const std::string& ptr, bool groupAllowed) {
        const std::string name = v.get<std::string>();
        if (const std::string* kind = nodeIds_.kindOf(name)) {
            if (*kind == "group" && !groupAllowed) {
                error(ptr, quote(name) + " is a group; name one node, e.g. its member " +
                               quote(name + "[0]"));
            }
            return;
        }
        if (gateways_.count(name) != 0) return;
        if (const auto member = parseMemberRef(name)) return checkMember(*member, name, ptr);
        errorSuggesting(ptr, "unknown node " + quote(name), name, nodeNames_);
    }

    void checkMember(const MemberRef& member, const std::string& name, const std::string& ptr) {
        const auto group = groupCounts_.find(member.group);
        if (group == groupCounts_.end()) {
            errorSuggesting(ptr, "unknown group " + quote(member.group) + " in " + quote(name),
                            member.group, groupNames_);
        } else if (!member.index || *member.index >= group->second) {
            error(ptr, quote(name) + " is out of range: group " + quote(member.group) + " has " +
                           membersPhrase(member.group, group->second));
        }
    }

    /// "10 members (phones[0] .. phones[9])", "1 member (solo[0])".
    static std::string membersPhrase(const std::string& group, std::uint64_t count) {
        const std::string first = group + "[0]";
        if (count == 1) return "1 member (" + first + ")";
        return std::to_string(count) + " members (" + first + " .. " + group + "[" +
               std::to_string(count - 1) + "])";
    }

    std::vector<std::string> nodeSet(const Json& list, const std::string& ptr) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < list.size(); ++i) {
            checkNode(list[i], childPointer(ptr, i), true);
            names.push_back(list[i].get<std::string>());
        }
        return names;
    }

    // -- links, variates, quantities

    sim::LinkProps linkProps(const Json& entry, const std::string& ptr) {
        sim::LinkProps props;
        if (const Json* latency = find(entry, "latency")) {
            props.latency = variate(*latency, ptr + "/latency", Quantity::Time);
        }
        props.latencyFromDistance =
            boolOr(entry, "latency_from_distance", props.latencyFromDistance);
        if (const Json* bandwidth = find(entry, "bandwidth")) {
            props.bandwidthBps = positiveBandwidth(*bandwidth, ptr + "/bandwidth");
        }
        props.loss = numberOr(entry, "loss", props.loss);
        return props;
    }

    double positiveBandwidth(const Json& v, const std::string& ptr) {
        const double bps = bandwidthOf(v);
        if (!(bps > 0)) error(ptr, expected("a bandwidth > 0", v));
        return bps;
    }

    double quantity(const Json& v, Quantity q) {
        return q == Quantity::Time ? static_cast<double>(durationOf(v)) : sizeOf(v);
    }

    /// A quantity that must be above zero (a log-normal median, a Pareto scale).
    double positiveQuantity(const Json& v, const std::string& ptr, Quantity q) {
        const double x = quantity(v, q);
        if (!(x > 0))
            error(ptr, expected(q == Quantity::Time ? "a duration > 0" : "a size > 0", v));
        return x;
    }

    sim::Variate variate(const Json& v, const std::string& ptr, Quantity q) {
        using Kind = sim::Variate::Kind;
        if (!v.is_object()) return sim::Variate::constant(quantity(v, q));
        const std::string dist = v.value("dist", "constant");
        const auto param = [&](const char* key) { return quantity(v.value(key, Json(0)), q); };
        if (dist == "uniform") {
            const double lo = param("min"), hi = param("max");
            if (hi < lo) {
                error(ptr + "/max",
                      expected("a value >= min (" + showValue(v["min"]) + ")", v["max"]));
            }
            return {Kind::Uniform, lo, hi};
        }
        if (dist == "exponential") return {Kind::Exponential, param("mean"), 0};
        if (dist == "normal") return {Kind::Normal, param("mean"), param("stddev")};
        if (dist == "lognormal") {
            return {Kind::LogNormal, positiveQuantity(v["median"], ptr + "/median", q),
                    numberOr(v, "sigma", 1)};
        }
        if (dist == "pareto") {
            return {Kind::Pareto, positiveQuantity(v["scale"], ptr + "/scale", q),
                    numberOr(v, "shape", 1)};
        }
        return sim::Variate::constant(param("value"));
    }

    void readLinks(const Json& net) {
        const Json& links = arrayAt(net, "links");
        for (std::size_t i = 0; i < links.size(); ++i) {
            const Json& entry = links[i];
            const std::string ptr = childPointer("/network/links", i);
            sim::LinkSpec link;
            link.from = stringAt(entry, "from").value_or("");
            link.to = stringAt(entry, "to").value_or("");
            checkNode(entry["from"], ptr + "/from", false);
            checkNode(entry["to"], ptr + "/to", false);
            if (link.from == link.to) {
                error(ptr + "/to", expected("a node other than \"from\"", entry["to"]));
            }
            link.props = linkProps(entry, ptr);
            out_->network.links.push_back(std::move(link));
        }
    }

    // -- topologies

    void readTopologies(const Json& net) {
        static const std::map<std::string, sim::TopologySpec::Kind> kKinds = {
            {"full_mesh", sim::TopologySpec::Kind::FullMesh},
            {"star", sim::TopologySpec::Kind::Star},
            {"ring", sim::TopologySpec::Kind::Ring},
            {"tree", sim::TopologySpec::Kind::Tree},
            {"erdos_renyi", sim::TopologySpec::Kind::ErdosRenyi},
            {"barabasi_albert", sim::TopologySpec::Kind::BarabasiAlbert},
            {"waxman", sim::TopologySpec::Kind::Waxman},
            {"regions", sim::TopologySpec::Kind::Regions},
        };
        const Json& topologies = arrayAt(net, "topologies");
        for (std::size_t i = 0; i < topologies.size(); ++i) {
            const Json& entry = topologies[i];
            const std::string ptr = childPointer("/network/topologies", i);
            sim::TopologySpec t;
            const auto kind = kKinds.find(entry.value("generator", ""));
            if (kind != kKinds.end()) t.kind = kind->second;
            t.members = nodeSet(arrayAt(entry, "members"), ptr + "/members");
            t.link = linkProps(objectAt(entry, "link"), ptr + "/link");
            if (const Json* hub = find(entry, "hub")) {
                checkNode(*hub, ptr + "/hub", false);
                t.hub = hub->get<std::string>();
            }
            if (const Json* arity = find(entry, "arity"))
                t.arity = static_cast<std::uint32_t>(toUnsigned(*arity));
            if (const Json* m = find(entry, "m")) t.m = static_cast<std::uint32_t>(toUnsigned(*m));
            t.p = numberOr(entry, "p", t.p);
            t.alpha = numberOr(entry, "alpha", t.alpha);
            t.beta = numberOr(entry, "beta", t.beta);
            t.ensureConnected = boolOr(entry, "connected", t.ensureConnected);
            if (const Json* matrix = find(entry, "latency_matrix")) {
                readLatencyMatrix(*matrix, ptr + "/latency_matrix", t);
            }
            if (const Json* bandwidth = find(entry, "inter_bandwidth")) {
                t.interBandwidthBps = positiveBandwidth(*bandwidth, ptr + "/inter_bandwidth");
            }
            out_->network.topologies.push_back(std::move(t));
        }
    }

    void readLatencyMatrix(const Json& matrix, const std::string& ptr, sim::TopologySpec& t) {
        t.regionOrder = matrixOrder(arrayAt(matrix, "order"), ptr + "/order");
        const Json& rows = arrayAt(matrix, "latency");
        if (!isSquare(rows, t.regionOrder.size(), ptr + "/latency")) return;
        t.latencyMatrix.assign(rows.size(), std::vector<SimTime>(rows.size(), 0));
        for (std::size_t r = 0; r < rows.size(); ++r) {
            for (std::size_t c = 0; c < rows.size(); ++c) {
                t.latencyMatrix[r][c] = durationOf(rows[r][c]);
            }
        }
        checkSymmetric(rows, t, ptr + "/latency");
    }

    /// The region ids of a latency matrix's rows, each known and listed once.
    std::vector<std::string> matrixOrder(const Json& order, const std::string& ptr) {
        std::vector<std::string> ids;
        std::unordered_map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < order.size(); ++i) {
            const std::string id = order[i].get<std::string>();
            checkRegion(order[i], childPointer(ptr, i));
            if (const auto [first, fresh] = seen.emplace(id, i); !fresh) {
                error(childPointer(ptr, i), "region " + quote(id) + " is listed twice (first at " +
                                                childPointer(ptr, first->second) + ")");
            }
            ids.push_back(id);
        }
        return ids;
    }

    /// Whether `rows` is an n-by-n matrix; reports the rows that are not.
    bool isSquare(const Json& rows, std::size_t n, const std::string& ptr) {
        const auto count = [](std::size_t k, const char* what) {
            return std::to_string(k) + " " + what + " (one per region in \"order\")";
        };
        if (rows.size() != n) {
            error(ptr, "expected " + count(n, "rows") + ", got " + std::to_string(rows.size()));
            return false;
        }
        bool square = true;
        for (std::size_t r = 0; r < n; ++r) {
            if (rows[r].size() == n) continue;
            square = false;
            error(childPointer(ptr, r),
                  "expected " + count(n, "entries") + ", got " + std::to_string(rows[r].size()));
        }
        return square;
    }

    /// Reports each entry below the diagonal that differs from its mirror image.
    void checkSymmetric(const Json& rows, const sim::TopologySpec& t, const std::string& ptr) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
            for (std::size_t c = 0; c < r; ++c) {
                if (t.latencyMatrix[r][c] == t.latencyMatrix[c][r]) continue;
                error(childPointer(childPointer(ptr, r), c),
                      expected(showValue(rows[c][r]) + " (the latency from " +
                                   quote(t.regionOrder[c]) + " to " + quote(t.regionOrder[r]) +
                                   "; the matrix must be symmetric)",
                               rows[r][c]));
            }
        }
    }

    // -- traffic and faults

    void readTraffic(const Json& net) {
        const Json& flows = arrayAt(net, "traffic");
        IdSpace ids("traffic");
        for (std::size_t i = 0; i < flows.size(); ++i) {
            const Json& entry = flows[i];
            const std::string ptr = childPointer("/network/traffic", i);
            sim::TrafficSpec flow;
            if (const auto id = stringAt(entry, "id")) {
                flow.id = *id;
                if (auto dup = ids.declare(*id, ptr + "/id")) error(ptr + "/id", *dup);
            }
            flow.from = nodeSet(arrayAt(entry, "from"), ptr + "/from");
            flow.to = nodeSet(arrayAt(entry, "to"), ptr + "/to");
            if (entry.value("process", "poisson") == "constant")
                flow.process = sim::TrafficSpec::Process::Constant;
            flow.ratePerSecond = numberOr(entry, "rate", flow.ratePerSecond);
            if (const Json* size = find(entry, "size"))
                flow.sizeBytes = variate(*size, ptr + "/size", Quantity::Size);
            if (const Json* begin = find(entry, "start")) flow.start = durationOf(*begin);
            if (const Json* stop = find(entry, "stop")) {
                flow.stop = durationOf(*stop);
                const Json* start = find(entry, "start");
                if (start != nullptr && flow.stop < flow.start) {
                    error(ptr + "/stop",
                          expected("a time >= start (" + showValue(*start) + ")", *stop));
                }
            }
            out_->network.traffic.push_back(std::move(flow));
        }
    }

    void readFaults(const Json& net) {
        using Kind = sim::FaultSpec::Kind;
        static const std::map<std::string, Kind> kKinds = {
            {"crash", Kind::Crash},
            {"recover", Kind::Recover},
            {"link_down", Kind::LinkDown},
            {"link_up", Kind::LinkUp},
            {"partition", Kind::Partition},
            {"heal", Kind::Heal},
            {"region_outage", Kind::RegionOutage},
            {"churn", Kind::Churn},
        };
        const Json& faults = arrayAt(net, "faults");
        for (std::size_t i = 0; i < faults.size(); ++i) {
            const Json& entry = faults[i];
            const std::string ptr = childPointer("/network/faults", i);
            sim::FaultSpec fault;
            const auto kind = kKinds.find(entry.value("kind", ""));
            if (kind != kKinds.end()) fault.kind = kind->second;
            if (const Json* at = find(entry, "at")) fault.at = durationOf(*at);
            if (const Json* duration = find(entry, "duration")) {
                fault.duration = durationOf(*duration);
                if (*fault.duration <= 0)
                    error(ptr + "/duration", expected("a duration > 0", *duration));
            }
            fault.targets = faultTargets(arrayAt(entry, "targets"), ptr + "/targets", fault.kind);
            for (const auto& [key, mean] :
                 {std::pair{"mean_up", &fault.meanUp}, std::pair{"mean_down", &fault.meanDown}}) {
                const Json* v = find(entry, key);
                if (fault.kind != Kind::Churn) {
                    if (v != nullptr)
                        error(ptr + "/" + key, std::string(key) + " applies only to churn");
                    continue;
                }
                if (v == nullptr) {
                    error(ptr, std::string("churn needs ") + key + " (the mean time a node stays " +
                                   (mean == &fault.meanUp ? "up" : "down") + ")");
                    continue;
                }
                *mean = durationOf(*v);
                if (*mean <= 0) error(ptr + "/" + key, expected("a duration > 0", *v));
            }
            out_->network.faults.push_back(std::move(fault));
        }
    }

    std::vector<std::string> faultTargets(const Json& targets, const std::string& ptr,
                                          sim::FaultSpec::Kind kind) {
        using Kind = sim::FaultSpec::Kind;
        std::vector<std::string> names;
        const bool linkFault = kind == Kind::LinkDown || kind == Kind::LinkUp;
        const bool regionFault =
            kind == Kind::Partition || kind == Kind::Heal || kind == Kind::RegionOutage;
        if (linkFault && targets.size() != 2) {
            error(ptr, expected("exactly two node ids (the ends of the link)", targets));
        }
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const std::string at = childPointer(ptr, i);
            if (regionFault) {
                checkRegion(targets[i], at);
            } else {
                checkNode(targets[i], at, !linkFault);
            }
            names.push_back(targets[i].get<std::string>());
        }
        return names;
    }

    const Json* doc_;  ///< the document read (rebuildChanged points it at a variant)
    Scenario* out_;    ///< what it fills
    std::vector<Problem> problems_;
    IdSpace regionIds_{"region"};
    IdSpace templateIds_{"template"};
    IdSpace nodeIds_{"node"};
    std::unordered_map<std::string, std::size_t> templateIndex_;
    std::vector<std::optional<Traits>> templateTraits_;
    std::unordered_map<std::string, std::uint64_t> groupCounts_;
    std::set<std::string> nodeRoles_;  ///< the roles of single nodes (groups' are read again)
    const LayerRegistry& layers_;
    std::vector<std::string> layerIds_;
    std::map<std::string, std::vector<std::string>> attributeNames_;  // by layer, for suggestions
    std::set<std::string> gateways_;       ///< ordered, so suggestions are the same on every run
    std::vector<std::string> nodeNames_;   ///< node, group and gateway ids, for suggestions
    std::vector<std::string> groupNames_;  ///< group ids, for suggestions
};

}  // namespace

std::vector<JsonIssue> buildScenario(const Json& doc, Scenario& out, std::size_t maxIssues,
                                     const LayerRegistry& layers) {
    return Builder(doc, out, layers).build(maxIssues);
}

struct ScenarioRebuild::State {
    State(const Json& doc, const LayerRegistry& layers) : builder(doc, built, layers) {}
    Scenario built;
    Builder builder;
};

ScenarioRebuild::ScenarioRebuild(const Json& doc, const LayerRegistry& layers)
    : state_(std::make_unique<State>(doc, layers)) {
    state_->builder.build(kMaxReportedProblems);
}

ScenarioRebuild::~ScenarioRebuild() = default;

std::optional<std::vector<JsonIssue>> ScenarioRebuild::changed(
    const Json& doc, const std::vector<std::string>& changed, std::size_t maxIssues) {
    return state_->builder.rebuildChanged(doc, changed, maxIssues);
}

}  // namespace dais::core::detail
