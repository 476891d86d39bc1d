// When providers offer their hardware: a consumer GPU whose owner games in the evening or a
// workstation lent out at night is in the market only `online_hours` a day, from `online_from`
// (hours after midnight, simulated time 0 being midnight), shifted for each provider by a
// uniform draw of up to `diurnal_jitter` hours either way so a group does not switch as one.
// Crashes and churn come on top, from the network's faults.
#include <cmath>

#include "dais/core/node_attributes.h"
#include "market.h"

namespace dais::layers::depin {

using sim::NodeIndex;
using sim::SimTime;

void Market::openDiurnal(core::LayerContext& ctx) {
    const core::NodeAttributes& attributes = ctx.attributes();
    const core::NodeAttributes::Id hours = attributes.id("online_hours");
    const core::NodeAttributes::Id from = attributes.id("online_from");
    bool any = false;
    for (const NodeIndex node : providers_)
        if (attributes.number(node, hours) < 24) {
            any = true;
            break;
        }
    if (!any) return;
    diurnalKind_ = sim_->registerKind<&Market::onDiurnal>("depin.diurnal", *this);
    sim::RngStream rng = ctx.rng(0, "diurnal");
    window_.assign(providers_.size(), Window{});
    for (std::uint32_t p = 0; p < providers_.size(); ++p) {
        const double h = attributes.number(providers_[p], hours);
        if (h >= 24) continue;
        Window& w = window_[p];
        w.hours = static_cast<float>(h);
        if (h <= 0) {  // never offered
            goAway(p);
            continue;
        }
        const double shift = cfg_.diurnalJitter * (rng.uniform() - 0.5);
        w.from = static_cast<float>(
            std::fmod(attributes.number(providers_[p], from) + shift + 48.0, 24.0));
        // The run starts at midnight: in the window, or out of it until it opens.
        const double into = std::fmod(48.0 - w.from, 24.0);  // hours since it last opened
        const bool in = into < w.hours;
        if (!in) goAway(p);
        const double next = in ? w.hours - into : 24.0 - into;
        sim_->scheduleAt(sim::fromSeconds(next * 3600.0), providers_[p], diurnalKind_, p);
    }
}

void Market::onDiurnal(sim::Simulation& sim, const sim::Event& e) {
    const auto p = static_cast<std::uint32_t>(e.data);
    const Window& w = window_[p];
    double after;
    if ((flags_[p] & kAway) != 0) {  // its window opens
        flags_[p] &= static_cast<std::uint8_t>(~kAway);
        comeBack(p);
        after = w.hours;
    } else {
        goAway(p);
        after = 24.0 - w.hours;
    }
    SimTime next = sim::kTimeNever;
    if (w.hours > 0 && sim::addTime(sim.now(), sim::fromSeconds(after * 3600.0), next))
        sim.scheduleAt(next, providers_[p], diurnalKind_, p);
}

void Market::goAway(std::uint32_t p) {
    // It finishes the run it has and takes no more until its window opens again.
    flags_[p] |= kAway;
    if (onlineAt_[p] != kNone) providerGone(p);
    if (running_[p] == kNone && (flags_[p] & kExpelled) == 0)
        display_.state(providers_[p], awayState_);
}

void Market::comeBack(std::uint32_t p) {
    const NodeIndex node = providers_[p];
    if (!inMarket(p) || !net_->nodeUp(node)) return;  // it comes back with its node, or not at all
    addTo(online_, onlineAt_, p);
    sim_->metrics().set(m_.online, static_cast<double>(online_.size()));
    onlineChanged();
    availableChanged(p, true);
    display_.clear(node);
    providerFree(p);
}

}  // namespace dais::layers::depin
