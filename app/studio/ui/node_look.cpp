#include "ui/node_look.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "dais/core/layer_registry.h"

namespace dais::studio {

QColor scaleColour(double fraction) {
    // Viridis (van der Walt and Smith, matplotlib 2.0, 2015) sampled at nine points and
    // interpolated between them.
    static constexpr std::array<QRgb, 9> kStops = {0x440154, 0x472c7a, 0x3b528b, 0x2c728e, 0x21908d,
                                                   0x27ad81, 0x5cc863, 0xaadc32, 0xfde725};
    const double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
    const double at = f * (kStops.size() - 1);
    const auto k = std::min<std::size_t>(static_cast<std::size_t>(at), kStops.size() - 2);
    const double t = at - static_cast<double>(k);
    const QColor a(kStops[k]), b(kStops[k + 1]);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

void NodeLook::reset(std::size_t nodes, std::vector<std::string> layers) {
    layers_ = std::move(layers);
    down_.assign(nodes, 0);
    working_.assign(nodes, 0);
    waiting_.assign(nodes, 0);
    states_.clear();
    stateLayers_.clear();
    stateLayerOf_.assign(layers_.size(), -1);
    for (std::size_t k = 0; k < layers_.size(); ++k) {
        const core::LayerFactory* f = core::LayerRegistry::installed().find(layers_[k]);
        if (f == nullptr || f->descriptor.nodeStates.empty()) continue;
        StateLayer s;
        s.layer = static_cast<int>(k);
        s.id = QString::fromStdString(layers_[k]);
        s.name = QString::fromStdString(f->descriptor.name);
        for (const core::NodeStateSpec& spec : f->descriptor.nodeStates)
            s.states.push_back({QString::fromStdString(spec.name),
                                QColor(QString::fromStdString(spec.colour)),
                                QString::fromStdString(spec.help)});
        stateLayerOf_[k] = static_cast<int>(stateLayers_.size());
        stateLayers_.push_back(std::move(s));
        states_.emplace_back(nodes, sim::kNoNodeState);
    }
    if (ring_ >= static_cast<int>(stateLayers_.size())) ring_ = kActivityRing;
    values_.reset();
    low_ = high_ = 0;
    ranged_ = false;
}

void NodeLook::setInitiallyDown(std::uint32_t node) {
    if (node < down_.size()) down_[node] = 1;
}

bool NodeLook::apply(const ActivityBatch::NodeChange& c) {
    if (c.node >= down_.size()) return false;
    using C = ActivityBatch::NodeChange;
    switch (c.kind) {
        case C::Down:
        case C::Up: {
            const char down = c.kind == C::Down;
            if (down_[c.node] == down) return false;
            down_[c.node] = down;
            return true;
        }
        case C::Activity: {
            const std::uint32_t bit = 1u << (std::clamp<int>(c.source, 1, 32) - 1);
            const std::uint32_t w = working_[c.node], v = waiting_[c.node];
            const auto a = static_cast<sim::NodeActivity>(c.value);
            working_[c.node] = a == sim::NodeActivity::Working ? w | bit : w & ~bit;
            waiting_[c.node] = a == sim::NodeActivity::Waiting ? v | bit : v & ~bit;
            return working_[c.node] != w || waiting_[c.node] != v;
        }
        case C::State: {
            const int layer = static_cast<int>(c.source) - 1;
            if (layer < 0 || layer >= static_cast<int>(stateLayerOf_.size())) return false;
            const int s = stateLayerOf_[static_cast<std::size_t>(layer)];
            if (s < 0) return false;
            std::uint16_t& at = states_[static_cast<std::size_t>(s)][c.node];
            if (at == c.value) return false;
            at = c.value;
            return s == ring_;
        }
    }
    return false;
}

NodeState NodeLook::activity(std::uint32_t node) const {
    if (node >= down_.size()) return NodeState::Idle;
    if (down_[node]) return NodeState::Down;
    if (working_[node]) return NodeState::Working;
    if (waiting_[node]) return NodeState::Waiting;
    return NodeState::Idle;
}

void NodeLook::setRing(int ring) {
    ring_ = ring >= 0 && ring < static_cast<int>(stateLayers_.size()) ? ring : kActivityRing;
}

QColor NodeLook::ringColour(std::uint32_t node) const {
    if (node >= down_.size()) return {};
    if (ring_ == kActivityRing) {
        const NodeState s = activity(node);
        return s == NodeState::Idle ? QColor() : stateColor(s);
    }
    if (down_[node]) return stateColor(NodeState::Down);
    const auto r = static_cast<std::size_t>(ring_);
    const std::uint16_t code = states_[r][node];
    const auto& entries = stateLayers_[r].states;
    return code < entries.size() ? entries[code].colour : QColor();
}

std::vector<LookEntry> NodeLook::ringEntries() const {
    const LookEntry down{QObject::tr("down"), stateColor(NodeState::Down),
                         QObject::tr("Crashed, or in a region that is out, until it recovers.")};
    if (ring_ == kActivityRing)
        return {{QObject::tr("working"), stateColor(NodeState::Working),
                 QObject::tr("Computing for some layer: training, running a job, proving.")},
                {QObject::tr("waiting"), stateColor(NodeState::Waiting),
                 QObject::tr("Waiting for others: a server collecting updates, a buyer awaiting "
                             "offers.")},
                down};
    std::vector<LookEntry> out = stateLayers_[static_cast<std::size_t>(ring_)].states;
    out.push_back(down);
    return out;
}

void NodeLook::setFillMetric(std::optional<std::uint32_t> metric) {
    if (metric == fillMetric_) return;
    fillMetric_ = metric;
    values_.reset();
    low_ = high_ = 0;
    ranged_ = false;
}

bool NodeLook::applySnapshot(const core::RunnerSnapshot& snapshot) {
    if (!fillMetric_) return false;
    for (const core::RunnerSnapshot::NodeValues& nv : snapshot.nodeMetrics) {
        if (nv.metric != *fillMetric_) continue;
        if (nv.values == values_) return false;
        values_ = nv.values;
        for (const double v : *values_) {
            if (!std::isfinite(v)) continue;
            low_ = ranged_ ? std::min(low_, v) : v;
            high_ = ranged_ ? std::max(high_, v) : v;
            ranged_ = true;
        }
        return true;
    }
    return false;
}

double NodeLook::value(std::uint32_t node) const {
    return values_ && node < values_->size() ? (*values_)[node]
                                             : std::numeric_limits<double>::quiet_NaN();
}

QColor NodeLook::colourOf(double v) const {
    // In 32 steps: the eye tells no more apart, and icons are cached per colour.
    const double f = high_ > low_ ? (v - low_) / (high_ - low_) : 0.5;
    return scaleColour(std::round(std::clamp(f, 0.0, 1.0) * 32) / 32);
}

QColor NodeLook::fillColour(std::uint32_t node) const {
    const double v = value(node);
    if (!fillMetric_ || std::isnan(v)) return {};
    return colourOf(v);
}

}  // namespace dais::studio
