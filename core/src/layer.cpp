#include "dais/core/layer.h"
#include "dais/core/node_attributes.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <regex>
#include <set>

#include "dais/core/scenario.h"
#include "dais/core/units.h"
#include "json_util.h"

namespace dais::core {

using detail::childPointer;
using detail::didYouMean;
using detail::quote;

std::string_view paramTypeName(ParamType t) {
    switch (t) {
        case ParamType::Bool:
            return "bool";
        case ParamType::Integer:
            return "integer";
        case ParamType::Real:
            return "real";
        case ParamType::String:
            return "string";
        case ParamType::Choice:
            return "choice";
        case ParamType::Duration:
            return "duration";
        case ParamType::Size:
            return "size";
        case ParamType::Bandwidth:
            return "bandwidth";
    }
    return "?";
}

const ParamSpec* LayerDescriptor::param(std::string_view n) const {
    for (const ParamSpec& p : params)
        if (p.name == n) return &p;
    return nullptr;
}

const ParamSpec* LayerDescriptor::attribute(std::string_view n) const {
    for (const ParamSpec& p : attributes)
        if (p.name == n) return &p;
    return nullptr;
}

const MetricSpec* LayerDescriptor::metric(std::string_view n) const {
    for (const MetricSpec& m : metrics)
        if (m.name == n) return &m;
    return nullptr;
}

sim::NodeStateCode LayerDescriptor::nodeState(std::string_view n) const {
    for (std::size_t k = 0; k < nodeStates.size(); ++k)
        if (nodeStates[k].name == n) return static_cast<sim::NodeStateCode>(k);
    return sim::kNoNodeState;
}

EventKind LayerDescriptor::eventKind(std::string_view n) const {
    for (std::size_t k = 0; k < eventKinds.size() && k < kNoEventKind; ++k)
        if (eventKinds[k].name == n) return static_cast<EventKind>(k);
    return kNoEventKind;
}

const TableSpec* LayerDescriptor::table(std::string_view n) const {
    for (const TableSpec& t : tables)
        if (t.name == n) return &t;
    return nullptr;
}

namespace detail {
void checkFailed(const char* cond, std::string_view message, const char* file, int line) {
    std::string where = file;
    if (const auto slash = where.find_last_of('/'); slash != std::string::npos)
        where.erase(0, slash + 1);
    throw LayerError(std::string(message) + " (check failed: " + cond + ", at " + where + ":" +
                     std::to_string(line) + ")");
}
}  // namespace detail

namespace {

bool isNumericType(ParamType t) {
    return t == ParamType::Integer || t == ParamType::Real || t == ParamType::Duration ||
           t == ParamType::Size || t == ParamType::Bandwidth;
}

/// "an integer", "a duration" — the start of "expected ..." messages.
std::string expectedText(const ParamSpec& p) {
    std::string base;
    switch (p.type) {
        case ParamType::Bool:
            return "true or false";
        case ParamType::Integer:
            base = "an integer";
            break;
        case ParamType::Real:
            base = "a number";
            break;
        case ParamType::String:
            return "a string";
        case ParamType::Choice: {
            std::string s = "one of ";
            for (std::size_t i = 0; i < p.choices.size(); ++i)
                s += (i ? ", " : "") + quote(p.choices[i]);
            return s;
        }
        case ParamType::Duration:
            base = "a duration (\"250ms\", or seconds)";
            break;
        case ParamType::Size:
            base = "a size (\"64kB\", or bytes)";
            break;
        case ParamType::Bandwidth:
            base = "a bandwidth (\"10Mbps\", or bit/s)";
            break;
    }
    return base;
}

std::string numberText(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string rangeText(const ParamSpec& p) {
    const char* unit = p.type == ParamType::Duration    ? " s"
                       : p.type == ParamType::Size      ? " B"
                       : p.type == ParamType::Bandwidth ? " bit/s"
                                                        : "";
    if (p.min && p.max) return "in [" + numberText(*p.min) + ", " + numberText(*p.max) + "]" + unit;
    if (p.min) return ">= " + numberText(*p.min) + unit;
    if (p.max) return "<= " + numberText(*p.max) + unit;
    return "";
}

/// The value in its base unit, or an error message ("expected ..., got ...").
Result<double> numericValue(const ParamSpec& p, const nlohmann::json& v) {
    const std::string got = ", got " + detail::showValue(detail::Json(v));
    if (p.type == ParamType::Integer) {
        if (!v.is_number() || !detail::isIntegral(detail::Json(v)))
            return Error{"expected " + expectedText(p) + got};
        return v.get<double>();
    }
    if (p.type == ParamType::Real) {
        if (!v.is_number()) return Error{"expected " + expectedText(p) + got};
        return v.get<double>();
    }
    if (v.is_number()) {
        const double x = v.get<double>();
        if (!(x >= 0)) return Error{"expected " + expectedText(p) + " >= 0" + got};
        return x;
    }
    if (!v.is_string()) return Error{"expected " + expectedText(p) + got};
    const std::string& s = v.get_ref<const std::string&>();
    switch (p.type) {
        case ParamType::Duration: {
            auto d = parseDuration(s);
            if (!d) return Error{d.error().message};
            return static_cast<double>(*d) / static_cast<double>(sim::kSecond);
        }
        case ParamType::Size: {
            auto b = parseSize(s);
            if (!b) return Error{b.error().message};
            return *b;
        }
        default: {
            auto b = parseBandwidth(s);
            if (!b) return Error{b.error().message};
            return *b;
        }
    }
}

}  // namespace

double paramNumber(const ParamSpec& p, const nlohmann::json& value) {
    return numericValue(p, value).value();
}

std::string checkParamValue(const ParamSpec& p, const nlohmann::json& v) {
    const std::string got = ", got " + detail::showValue(detail::Json(v));
    switch (p.type) {
        case ParamType::Bool:
            return v.is_boolean() ? "" : "expected " + expectedText(p) + got;
        case ParamType::String:
            return v.is_string() ? "" : "expected " + expectedText(p) + got;
        case ParamType::Choice: {
            if (v.is_string()) {
                const auto& s = v.get_ref<const std::string&>();
                for (const std::string& c : p.choices)
                    if (c == s) return "";
                return "expected " + expectedText(p) + got + didYouMean(s, p.choices);
            }
            return "expected " + expectedText(p) + got;
        }
        default:
            break;
    }
    const Result<double> x = numericValue(p, v);
    if (!x) return x.error().message;
    if ((p.min && *x < *p.min) || (p.max && *x > *p.max))
        return "expected " + expectedText(p) + " " + rangeText(p) + got;
    return "";
}

namespace {

/// The mistakes a parameter or attribute declaration can have; `what` is "parameter" or
/// "attribute".
void checkParamSpecs(const std::vector<ParamSpec>& specs, const std::string& who, const char* what,
                     std::vector<std::string>& problems) {
    static const std::regex kName("[a-z][a-z0-9_]*");
    std::set<std::string> seen;
    for (const ParamSpec& p : specs) {
        const std::string where = who + what + " " + quote(p.name) + ": ";
        if (!std::regex_match(p.name, kName))
            problems.push_back(where + "names are lower-case letters, digits and '_'");
        if (p.name == "enabled") problems.push_back(where + "\"enabled\" is reserved");
        if (!seen.insert(p.name).second) problems.push_back(where + "declared twice");
        if (p.help.empty()) problems.push_back(where + "has no help text");
        if (!isNumericType(p.type) && (p.min || p.max))
            problems.push_back(where + "a range only applies to numeric " + what + "s");
        if (p.min && p.max && *p.min > *p.max)
            problems.push_back(where + "min is greater than max");
        if (p.type == ParamType::Choice && p.choices.empty())
            problems.push_back(where + "a choice needs at least one choice");
        if (p.type != ParamType::Choice && !p.choices.empty())
            problems.push_back(where + "only choice " + what + "s have choices");
        if (p.defaultValue.is_null())
            problems.push_back(where + "has no default value");
        else if (const std::string m = checkParamValue(p, p.defaultValue); !m.empty())
            problems.push_back(where + "the default is invalid: " + m);
    }
}

}  // namespace

std::vector<std::string> checkDescriptor(const LayerDescriptor& d) {
    std::vector<std::string> problems;
    const std::string who = "layer " + quote(d.id) + ": ";
    static const std::regex kId("[a-z][a-z0-9_-]*");
    if (!std::regex_match(d.id, kId))
        problems.push_back(who + "the id must be lower-case letters, digits, '-' or '_', " +
                           "starting with a letter");
    if (d.id == "enabled") problems.push_back(who + "\"enabled\" cannot be a layer id");
    if (d.name.empty()) problems.push_back(who + "the name is empty");
    if (d.version.empty()) problems.push_back(who + "the version is empty");
    if (d.summary.empty()) problems.push_back(who + "the summary is empty");
    checkParamSpecs(d.params, who, "parameter", problems);
    checkParamSpecs(d.attributes, who, "attribute", problems);
    std::set<std::string> seen;
    for (const MetricSpec& m : d.metrics) {
        const std::string where = who + "metric " + quote(m.name) + ": ";
        if (m.name.rfind(d.id + ".", 0) != 0 || m.name.size() <= d.id.size() + 1)
            problems.push_back(where + "names start with the layer id and a dot (" + d.id +
                               ".something)");
        if (!seen.insert(m.name).second) problems.push_back(where + "declared twice");
        if (m.unit.empty()) problems.push_back(where + "has no unit (use \"1\" for counts)");
        if (m.help.empty()) problems.push_back(where + "has no help text");
    }
    seen.clear();
    if (d.nodeStates.size() > 255) problems.push_back(who + "declares more than 255 node states");
    for (const NodeStateSpec& s : d.nodeStates) {
        const std::string where = who + "node state " + quote(s.name) + ": ";
        const bool words =
            !s.name.empty() && s.name.front() != ' ' && s.name.back() != ' ' &&
            std::all_of(s.name.begin(), s.name.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' || c == '-';
            });
        if (!words) problems.push_back(where + "names are lower-case words");
        if (!seen.insert(s.name).second) problems.push_back(where + "declared twice");
        const bool hex =
            s.colour.size() == 7 && s.colour[0] == '#' &&
            std::all_of(s.colour.begin() + 1, s.colour.end(), [](char c) {
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            });
        if (!hex) problems.push_back(where + "the colour is not \"#rrggbb\": " + quote(s.colour));
        if (s.help.empty()) problems.push_back(where + "has no help text");
    }
    seen.clear();
    for (const RoleSpec& r : d.roles)
        if (r.role.empty() || !seen.insert(r.role).second)
            problems.push_back(who + "role " + quote(r.role) + " is empty or declared twice");
    for (const std::string& s : d.provides)
        if (s.empty()) problems.push_back(who + "provides an empty service id");
    for (const ServiceUse& u : d.uses)
        if (u.service.empty()) problems.push_back(who + "uses an empty service id");
    seen.clear();
    for (const TableSpec& t : d.tables) {
        if (!seen.insert(t.name).second)
            problems.push_back(who + "table " + quote(t.name) + ": declared twice");
        for (std::string& p : checkTableSpec(t, d.id))
            problems.push_back(who + p);
    }
    for (std::string& p : checkEventKinds(d.eventKinds, d.id))
        problems.push_back(who + p);
    return problems;
}

std::optional<LayerSettings> validateLayerSettings(const LayerDescriptor& d,
                                                   const nlohmann::json& settings,
                                                   const std::string& pointer,
                                                   std::vector<JsonIssue>& problems) {
    const std::size_t before = problems.size();
    if (!settings.is_object()) {
        problems.push_back({pointer, "expected an object of parameters, got " +
                                         detail::showValue(detail::Json(settings))});
        return std::nullopt;
    }
    LayerSettings out;
    out.id = d.id;
    out.descriptor = &d;
    nlohmann::json values = nlohmann::json::object();
    std::vector<std::string> names{"enabled"};
    for (const ParamSpec& p : d.params)
        names.push_back(p.name);
    for (const auto& [key, value] : settings.items()) {
        const std::string at = childPointer(pointer, key);
        if (key == "enabled") {
            if (!value.is_boolean())
                problems.push_back(
                    {at, "expected true or false, got " + detail::showValue(detail::Json(value))});
            else
                out.enabled = value.get<bool>();
            continue;
        }
        const ParamSpec* p = d.param(key);
        if (!p) {
            problems.push_back({at, "layer " + quote(d.id) + " has no parameter " + quote(key) +
                                        didYouMean(key, names)});
            continue;
        }
        if (const std::string m = checkParamValue(*p, value); !m.empty())
            problems.push_back({at, m});
        else
            values[key] = value;
    }
    for (const ParamSpec& p : d.params)
        if (!values.contains(p.name)) values[p.name] = p.defaultValue;
    if (problems.size() != before) return std::nullopt;
    out.params = LayerParams(&d, std::move(values));
    return out;
}

const nlohmann::json& LayerParams::get(std::string_view name,
                                       std::initializer_list<ParamType> types) const {
    const ParamSpec* p = descriptor_ ? descriptor_->param(name) : nullptr;
    if (!p)
        throw LayerError("the layer reads parameter " + quote(name) +
                         ", which its descriptor does not declare");
    bool typeOk = false;
    for (ParamType t : types)
        typeOk = typeOk || t == p->type;
    if (!typeOk)
        throw LayerError("the layer reads parameter " + quote(name) + " as " +
                         std::string(paramTypeName(*types.begin())) + ", but it is declared as " +
                         std::string(paramTypeName(p->type)));
    return values_.at(std::string(name));
}

bool LayerParams::flag(std::string_view name) const {
    return get(name, {ParamType::Bool}).get<bool>();
}

std::int64_t LayerParams::integer(std::string_view name) const {
    return static_cast<std::int64_t>(std::llround(get(name, {ParamType::Integer}).get<double>()));
}

double LayerParams::real(std::string_view name) const {
    return get(name, {ParamType::Real, ParamType::Integer}).get<double>();
}

const std::string& LayerParams::text(std::string_view name) const {
    return get(name, {ParamType::String, ParamType::Choice}).get_ref<const std::string&>();
}

sim::SimTime LayerParams::duration(std::string_view name) const {
    const ParamSpec& p = *descriptor_->param(name);
    const double s = numericValue(p, get(name, {ParamType::Duration})).value();
    return sim::fromSeconds(s);
}

std::uint64_t LayerParams::bytes(std::string_view name) const {
    const ParamSpec& p = *descriptor_->param(name);
    return static_cast<std::uint64_t>(
        std::llround(numericValue(p, get(name, {ParamType::Size})).value()));
}

double LayerParams::bitsPerSecond(std::string_view name) const {
    const ParamSpec& p = *descriptor_->param(name);
    return numericValue(p, get(name, {ParamType::Bandwidth})).value();
}

sim::MetricId LayerContext::defineMetric(std::string_view name) {
    const MetricSpec* m = settings_.descriptor->metric(name);
    if (!m)
        throw LayerError("the layer defines metric " + quote(name) +
                         ", which its descriptor does not declare");
    return sim_.metrics().define(sim::MetricInfo{m->name, m->unit, m->help, m->type, m->scope});
}

sim::NodeStateCode LayerContext::nodeState(std::string_view name) const {
    const sim::NodeStateCode code = descriptor().nodeState(name);
    if (code == sim::kNoNodeState)
        throw LayerError("layer \"" + settings_.id + "\" sets the node state \"" +
                         std::string(name) + "\", which its descriptor does not declare");
    return code;
}

sim::ComputeOccupancy& LayerContext::compute() {
    std::unique_ptr<sim::ComputeOccupancy>& slot = compute_ != nullptr ? *compute_ : ownCompute_;
    if (!slot) slot = std::make_unique<sim::ComputeOccupancy>(sim_, net_);
    return *slot;
}

const NodeAttributes& LayerContext::attributes() {
    if (!attributes_) attributes_ = NodeAttributes::build(descriptor(), scenario_, net_);
    return *attributes_;
}

EventKind LayerContext::eventKind(std::string_view name) const {
    const EventKind code = descriptor().eventKind(name);
    if (code == kNoEventKind)
        throw LayerError("layer \"" + settings_.id + "\" records events of kind \"" +
                         std::string(name) + "\", which its descriptor does not declare");
    return code;
}

std::vector<sim::NodeIndex> LayerContext::nodesWithRole(std::string_view role) const {
    std::vector<sim::NodeIndex> out;
    const auto n = static_cast<sim::NodeIndex>(net_.nodeCount());
    for (sim::NodeIndex i = 0; i < n; ++i)
        if (role.empty() || net_.role(i) == role) out.push_back(i);
    return out;
}

void LayerContext::fail(std::string_view message) const {
    throw LayerError(std::string(message), childPointer("/layers", settings_.id));
}

void LayerContext::failParam(std::string_view param, std::string_view message) const {
    throw LayerError(std::string(message),
                     childPointer(childPointer("/layers", settings_.id), param));
}

}  // namespace dais::core

namespace dais::core {

namespace {

/// Gateways the "regions" topologies of a network will make (at most one per region each).
std::uint64_t gatewayCount(const sim::NetworkSpec& n) {
    std::set<std::string> gateways;
    for (const sim::TopologySpec& t : n.topologies) {
        if (t.kind != sim::TopologySpec::Kind::Regions) continue;
        if (t.regionOrder.empty())
            for (const sim::RegionSpec& r : n.regions)
                gateways.insert(r.id + ".gw");
        else
            for (const std::string& r : t.regionOrder)
                gateways.insert(r + ".gw");
    }
    for (const sim::NodeSpec& node : n.nodes)
        gateways.erase(node.id);  // written out: counted with the nodes
    return gateways.size();
}

}  // namespace

std::uint64_t LayerEstimateContext::nodeCount() const {
    const sim::NetworkSpec& n = scenario_.network;
    std::uint64_t count = n.nodes.size() + gatewayCount(n);
    for (const sim::GroupSpec& g : n.groups)
        count += g.count;
    return count;
}

std::uint64_t LayerEstimateContext::nodeCountWithRole(std::string_view role) const {
    const sim::NetworkSpec& n = scenario_.network;
    std::uint64_t count = role == "gateway" ? gatewayCount(n) : 0;
    for (const sim::NodeSpec& node : n.nodes)
        if (node.role == role) ++count;
    for (const sim::GroupSpec& g : n.groups)
        if (g.member.role == role) count += g.count;
    return count;
}

std::string LayerEstimateContext::resolvePath(std::string_view file) const {
    std::filesystem::path p{std::string(file)};
    if (p.is_relative() && !scenario_.sourcePath.empty())
        p = std::filesystem::path(scenario_.sourcePath).parent_path() / p;
    return p.string();
}

void LayerEstimateContext::need(std::string_view param, std::string what, double bytes) {
    const std::string layer = childPointer("/layers", settings_.id);
    needs_.push_back(
        {param.empty() ? layer : childPointer(layer, param), std::move(what), bytes, false});
}

void LayerEstimateContext::failParam(std::string_view param, std::string_view message) const {
    throw LayerError(std::string(message),
                     childPointer(childPointer("/layers", settings_.id), param));
}

}  // namespace dais::core
