#include "dais/core/run_events.h"

#include <regex>
#include <set>

#include "dais/core/layer.h"
#include "dais/sim/simulation.h"

namespace dais::core {

std::string_view RunEventCatalog::shortName(const RunEvent& e) const {
    const std::string& name = kind(e).name;
    const std::string& layer = layerId(e);
    if (name.size() > layer.size() && name.compare(0, layer.size(), layer) == 0 &&
        name[layer.size()] == '.')
        return std::string_view(name).substr(layer.size() + 1);
    return name;
}

std::vector<std::string> RunEventCatalog::kindNames() const {
    std::vector<std::string> out;
    for (const Layer& l : layers)
        for (const EventKindSpec& k : l.kinds)
            out.push_back(k.name);
    return out;
}

std::string RunEvents::nodeName(const RunEvent& e) const {
    if (e.node == kNoEventNode) return {};
    if (nodes) return nodes->name(e.node);
    return "#" + std::to_string(e.node);
}

RunEventLog::RunEventLog(std::shared_ptr<const RunEventCatalog> catalog,
                         std::shared_ptr<const NodeNames> nodes, const sim::Simulation& sim,
                         std::size_t nodeCount, bool on)
    : kept_(std::make_shared<RunEvents>()), sim_(sim), nodeCount_(nodeCount), on_(on) {
    kept_->catalog = std::move(catalog);
    kept_->nodes = std::move(nodes);
    kept_->limit = kDefaultLimit;
}

void RunEventLog::setLimit(std::size_t limit) {
    kept_->limit = limit;
    if (kept_->events.size() > limit) {
        kept_->dropped += kept_->events.size() - limit;
        kept_->events.resize(limit);
    }
}

void RunEventLog::record(std::uint16_t layer, EventKind kind, sim::NodeIndex node,
                         const Digest* digest, std::string_view detail) {
    if (!on_) return;
    const RunEventCatalog& catalog = *kept_->catalog;
    if (layer >= catalog.layers.size()) throw LayerError("an event of an unknown layer");
    const RunEventCatalog::Layer& l = catalog.layers[layer];
    if (kind >= l.kinds.size()) [[unlikely]]
        throw LayerError("layer \"" + l.id + "\" records an event of kind code " +
                         std::to_string(kind) + ", which its descriptor does not declare (it " +
                         "declares " + std::to_string(l.kinds.size()) + " event kinds)");
    if (node != kNoEventNode && node >= nodeCount_) [[unlikely]]
        throw LayerError("layer \"" + l.id + "\" records event \"" + l.kinds[kind].name +
                         "\" about node " + std::to_string(node) + ", but the network has " +
                         std::to_string(nodeCount_) + " nodes");
    if (kept_->events.size() >= kept_->limit) {
        ++kept_->dropped;
        return;
    }
    RunEvent& e = kept_->events.emplace_back();
    e.time = sim_.now();
    e.node = node;
    e.layer = layer;
    e.kind = kind;
    if (digest) {
        e.hasDigest = true;
        e.digest = *digest;
    }
    if (detail.size() > kMaxDetail) {
        std::size_t cut = kMaxDetail;
        while (cut > 0 && (static_cast<unsigned char>(detail[cut]) & 0xc0) == 0x80)
            --cut;
        detail = detail.substr(0, cut);
    }
    e.detail.assign(detail);
}

std::shared_ptr<const RunEvents> RunEventLog::close() {
    on_ = false;
    return kept_;
}

std::vector<std::string> checkEventKinds(const std::vector<EventKindSpec>& kinds,
                                         std::string_view layerId) {
    std::vector<std::string> problems;
    static const std::regex kName("[a-z][a-z0-9_]*");
    if (kinds.size() > 65535) problems.push_back("declares more than 65,535 event kinds");
    std::set<std::string> seen;
    const std::string prefix = std::string(layerId) + ".";
    for (const EventKindSpec& k : kinds) {
        const std::string where = "event kind \"" + k.name + "\": ";
        if (k.name.rfind(prefix, 0) != 0 || !std::regex_match(k.name.substr(prefix.size()), kName))
            problems.push_back(where + "names are the layer id, a dot and lower-case letters, " +
                               "digits and '_' (" + prefix + "something)");
        if (!seen.insert(k.name).second) problems.push_back(where + "declared twice");
        if (k.help.empty()) problems.push_back(where + "has no help text");
    }
    return problems;
}

}  // namespace dais::core
