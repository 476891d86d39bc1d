#pragma once
// What a layer reads of each node beyond its role, region and resources: a provider's price and
// hardware class, a validator's stake, a hospital's data file, a live node's endpoint. A layer
// declares its attributes in its descriptor, typed like parameters (type, default, range, unit,
// help); a scenario writes values per node, per group (every member alike) or per template,
// under the layer's id:
//
//     {"id": "gpus", "count": 500, "attributes": {"market": {"hardware": "rtx-4090",
//                                                           "price": 0.35}}}
//
// The loader checks every value as it checks parameters, pointing at what is wrong. At run time
// a layer reads them by handle; a group's members share one stored value, so a group of 100,000
// costs what one node costs.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/layer.h"
#include "dais/sim/network.h"

namespace dais::core {

struct Scenario;

/// Attribute values a scenario writes for one node or group: {"<layer>": {"<name>": value}},
/// its template chain's merged under its own (the entry's value wins).
struct NodeAttributeEntry {
    std::string target;  ///< the node's or group's id
    bool group = false;
    nlohmann::json values = nlohmann::json::object();
};

/// One layer's attributes at every node of a run.
class NodeAttributes {
  public:
    using Id = std::uint32_t;

    /// The declared attributes of `layer` from the scenario's entries, over the built network.
    /// `layer` must outlive the result (a registered layer's descriptor does).
    static std::shared_ptr<const NodeAttributes> build(const LayerDescriptor& layer,
                                                       const Scenario& scenario,
                                                       const sim::Network& network);

    /// The handle of a declared attribute; an undeclared name is a defect (LayerError).
    Id id(std::string_view name) const;
    std::size_t size() const { return columns_.size(); }
    const ParamSpec& spec(Id a) const { return *columns_[a].spec; }

    /// Whether the scenario gives the node a value (for it, its group or template), not the
    /// default.
    bool given(sim::NodeIndex node, Id a) const { return slot(node, a) >= 0; }
    /// Integer, Real, Bool (0 or 1) values as written; Duration in seconds, Size in bytes,
    /// Bandwidth in bit/s. A text attribute read as a number is a defect (LayerError).
    double number(sim::NodeIndex node, Id a) const;
    std::int64_t integer(sim::NodeIndex node, Id a) const;
    bool flag(sim::NodeIndex node, Id a) const { return number(node, a) != 0; }
    sim::SimTime duration(sim::NodeIndex node, Id a) const;
    /// String and Choice values; a number read as text is a defect (LayerError).
    const std::string& text(sim::NodeIndex node, Id a) const;

  private:
    struct Value {
        double number = 0;
        std::string text;
    };
    struct Column {
        const ParamSpec* spec = nullptr;
        Value fallback;
        std::vector<std::int32_t> groupSlot;                        ///< per group, or -1
        std::unordered_map<sim::NodeIndex, std::int32_t> nodeSlot;  ///< explicit nodes
        std::vector<Value> values;
    };
    static Value valueOf(const ParamSpec& spec, const nlohmann::json& v);
    std::int32_t slot(sim::NodeIndex node, Id a) const;
    const Value& at(sim::NodeIndex node, Id a) const;

    std::string layer_;
    const sim::Network* net_ = nullptr;
    std::vector<Column> columns_;
};

}  // namespace dais::core
