#include "run/message_log.h"

#include <algorithm>
#include <map>

#include "run/run_controller.h"

namespace dais::studio {

MessageLog::MessageLog(QObject* parent) : QObject(parent) {}

void MessageLog::attach(RunController* controller) {
    connect(controller, &RunController::prepared, this,
            [this](std::shared_ptr<const NetworkStructure> s) { reset(std::move(s)); });
    connect(controller, &RunController::activity, this,
            [this](std::shared_ptr<const ActivityBatch> b) { append(*b); });
}

void MessageLog::reset(std::shared_ptr<const NetworkStructure> structure) {
    structure_ = std::move(structure);
    chunks_.clear();
    size_ = 0;
    perNode_.assign(structure_ ? structure_->nodes.size() : 0, 0);
    dropped_ = 0;
    longest_ = 0;
    byName_.clear();
    emit cleared();
}

void MessageLog::append(const ActivityBatch& batch) {
    dropped_ += batch.droppedMessages;
    if (batch.messages.empty()) return;
    const std::size_t first = size_;
    for (const sim::MessageEnd& m : batch.messages) {
        if (chunks_.empty() || chunks_.back().size() == kChunk) {
            chunks_.emplace_back();
            chunks_.back().reserve(kChunk);
        }
        chunks_.back().push_back(m);
        ++size_;
        longest_ = std::max(longest_, m.endedAt - m.sentAt);
        if (m.from < perNode_.size()) ++perNode_[m.from];
        if (m.to < perNode_.size() && m.to != m.from) ++perNode_[m.to];
    }
    emit appended(first);
}

QString MessageLog::portName(sim::PortId port) const {
    if (structure_ && port < structure_->ports.size())
        return QString::fromStdString(structure_->ports[port]);
    return tr("port %1").arg(port);
}

QString MessageLog::nodeName(std::uint32_t node) const {
    if (structure_ && node < structure_->nodes.size())
        return QString::fromStdString(structure_->name(node));
    return tr("node %1").arg(node);
}

std::uint32_t MessageLog::nodeNamed(const QString& name) const {
    if (!structure_) return sim::kNone;
    if (byName_.empty())
        for (std::uint32_t i = 0; i < structure_->nodes.size(); ++i)
            byName_.emplace(structure_->name(i), i);
    const auto it = byName_.find(name.trimmed().toStdString());
    return it == byName_.end() ? sim::kNone : it->second;
}

std::vector<std::uint32_t> MessageLog::busiest(std::size_t n) const {
    if (n == 0 || perNode_.empty()) return {};
    const auto top = static_cast<std::uint32_t>(std::max_element(perNode_.begin(), perNode_.end()) -
                                                perNode_.begin());
    if (perNode_[top] == 0) return {};
    std::map<std::uint32_t, std::uint64_t> peers;
    for (const auto& chunk : chunks_)
        for (const sim::MessageEnd& m : chunk) {
            if (m.from == top && m.to != top) ++peers[m.to];
            if (m.to == top && m.from != top) ++peers[m.from];
        }
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
    for (const auto& [node, count] : peers)
        order.emplace_back(count, node);
    // Most messages first; among equals, the lower index (the order nodes are written in).
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::uint32_t> out{top};
    for (const auto& [count, node] : order) {
        if (out.size() >= n) break;
        out.push_back(node);
    }
    return out;
}

}  // namespace dais::studio
