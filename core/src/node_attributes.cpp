#include "dais/core/node_attributes.h"

#include <cmath>

#include "dais/core/scenario.h"

namespace dais::core {

NodeAttributes::Value NodeAttributes::valueOf(const ParamSpec& spec, const nlohmann::json& v) {
    Value out;
    switch (spec.type) {
        case ParamType::Bool:
            out.number = v.get<bool>() ? 1 : 0;
            break;
        case ParamType::String:
        case ParamType::Choice:
            out.text = v.get<std::string>();
            break;
        default:
            out.number = paramNumber(spec, v);
            break;
    }
    return out;
}

std::shared_ptr<const NodeAttributes> NodeAttributes::build(const LayerDescriptor& layer,
                                                            const Scenario& scenario,
                                                            const sim::Network& network) {
    auto out = std::make_shared<NodeAttributes>();
    out->layer_ = layer.id;
    out->net_ = &network;
    out->columns_.resize(layer.attributes.size());
    for (std::size_t a = 0; a < layer.attributes.size(); ++a) {
        Column& c = out->columns_[a];
        c.spec = &layer.attributes[a];
        c.fallback = valueOf(*c.spec, c.spec->defaultValue);
        c.groupSlot.assign(network.groupCount(), -1);
    }
    for (const NodeAttributeEntry& e : scenario.nodeAttributes) {
        const auto mine = e.values.find(layer.id);
        if (mine == e.values.end() || !mine->is_object()) continue;
        sim::GroupIndex group = sim::kNone;
        sim::NodeIndex node = sim::kNone;
        if (e.group)
            group = network.findGroup(e.target);
        else
            node = network.findNode(e.target);
        if (group == sim::kNone && node == sim::kNone) continue;
        for (std::size_t a = 0; a < out->columns_.size(); ++a) {
            Column& c = out->columns_[a];
            const auto v = mine->find(c.spec->name);
            if (v == mine->end()) continue;
            const auto slot = static_cast<std::int32_t>(c.values.size());
            c.values.push_back(valueOf(*c.spec, *v));
            if (e.group)
                c.groupSlot[group] = slot;
            else
                c.nodeSlot[node] = slot;
        }
    }
    return out;
}

NodeAttributes::Id NodeAttributes::id(std::string_view name) const {
    for (std::size_t a = 0; a < columns_.size(); ++a)
        if (columns_[a].spec->name == name) return static_cast<Id>(a);
    throw LayerError("layer \"" + layer_ + "\" reads node attribute \"" + std::string(name) +
                     "\", which its descriptor does not declare");
}

std::int32_t NodeAttributes::slot(sim::NodeIndex node, Id a) const {
    const Column& c = columns_[a];
    const sim::GroupIndex g = net_->groupOf(node);
    if (g != sim::kNone) return c.groupSlot[g];
    const auto it = c.nodeSlot.find(node);
    return it == c.nodeSlot.end() ? -1 : it->second;
}

const NodeAttributes::Value& NodeAttributes::at(sim::NodeIndex node, Id a) const {
    const std::int32_t s = slot(node, a);
    return s < 0 ? columns_[a].fallback : columns_[a].values[static_cast<std::size_t>(s)];
}

double NodeAttributes::number(sim::NodeIndex node, Id a) const {
    const ParamType t = columns_[a].spec->type;
    if (t == ParamType::String || t == ParamType::Choice)
        throw LayerError("layer \"" + layer_ + "\" reads text attribute \"" +
                         columns_[a].spec->name + "\" as a number");
    return at(node, a).number;
}

std::int64_t NodeAttributes::integer(sim::NodeIndex node, Id a) const {
    return static_cast<std::int64_t>(std::llround(number(node, a)));
}

sim::SimTime NodeAttributes::duration(sim::NodeIndex node, Id a) const {
    if (columns_[a].spec->type != ParamType::Duration)
        throw LayerError("layer \"" + layer_ + "\" reads attribute \"" + columns_[a].spec->name +
                         "\" as a duration, but it is declared as " +
                         std::string(paramTypeName(columns_[a].spec->type)));
    return sim::fromSeconds(number(node, a));
}

const std::string& NodeAttributes::text(sim::NodeIndex node, Id a) const {
    const ParamType t = columns_[a].spec->type;
    if (t != ParamType::String && t != ParamType::Choice)
        throw LayerError("layer \"" + layer_ + "\" reads attribute \"" + columns_[a].spec->name +
                         "\" as text, but it is declared as " + std::string(paramTypeName(t)));
    return at(node, a).text;
}

}  // namespace dais::core
