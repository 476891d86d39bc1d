#include "trace_printer.h"

#include <algorithm>
#include <cstdio>

namespace dais::app {

TracePrinter::TracePrinter(const std::string& categories) {
    std::size_t start = 0;
    while (start <= categories.size()) {
        const std::size_t comma = std::min(categories.find(',', start), categories.size());
        categories_.push_back(categories.substr(start, comma - start));
        start = comma + 1;
    }
    all_ = std::find(categories_.begin(), categories_.end(), "all") != categories_.end();
}

std::vector<std::string> TracePrinter::unknownCategories(
    const std::vector<std::string>& layers) const {
    std::vector<std::string> unknown;
    for (const std::string& c : categories_)
        if (c != "all" && c != sim::Network::kFaultTraceCategory &&
            std::find(layers.begin(), layers.end(), c) == layers.end())
            unknown.push_back(c);
    return unknown;
}

void TracePrinter::nameNodes(const sim::Network& network) {
    network_ = &network;
    for (const Held& h : held_)
        print(h.time, h.node, h.category, h.text);
    held_.clear();
}

void TracePrinter::onTrace(const sim::TraceRecord& r) {
    if (!all_ && std::find(categories_.begin(), categories_.end(), r.category) == categories_.end())
        return;
    if (!network_)
        held_.push_back({r.time, r.node, std::string(r.category), std::string(r.text)});
    else
        print(r.time, r.node, r.category, r.text);
}

void TracePrinter::print(sim::SimTime t, sim::TargetId node, std::string_view category,
                         std::string_view text) const {
    const std::string name =
        node < network_->nodeCount() ? network_->nodeName(node) : "#" + std::to_string(node);
    std::fprintf(stderr, "%14.6f s  %-16s %.*s: %.*s\n", sim::toSeconds(t), name.c_str(),
                 static_cast<int>(category.size()), category.data(), static_cast<int>(text.size()),
                 text.data());
}

}  // namespace dais::app
