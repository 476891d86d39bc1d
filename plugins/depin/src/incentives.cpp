// Rewards, the token and providers' choices, once an epoch: the emission minted to providers by
// uptime and work, the burn-and-mint price of the token, and providers that leave a market that
// does not pay their costs and come back when it does.
//
// Burn-and-mint: clients burn tokens worth the dollar price of their jobs, providers are paid by
// the emission. The supply shrinks while burns exceed the emission and grows while they fall
// short; it is stable when the tokens burned per epoch equal those minted, which happens at the
// price P* = D / E for a dollar demand D and an emission E per epoch (Samani, "New Models for
// Utility Tokens", Multicoin Capital, 2018). How fast the price gets there is this layer's
// assumption: each epoch it is multiplied by (burned / minted)^price_response, bounded to
// [1/2, 2] so one quiet epoch does not wipe it out.
#include <algorithm>
#include <cmath>

#include "market.h"

namespace dais::layers::depin {

using sim::NodeIndex;
using sim::SimTime;

void Market::openEpochs(core::LayerContext& ctx) {
    if (cfg_.tokenModel == TokenModel::BurnAndMint && cfg_.payment != Payment::Escrow)
        ctx.failParam("token_model",
                      "burn-and-mint needs payment \"escrow\": clients burn tokens "
                      "to pay for their jobs");
    const std::size_t n = providers_.size();
    upSince_.assign(n, sim::kTimeNever);
    uptime_.assign(n, 0.0f);
    earned_.assign(n, 0.0f);
    incomeMark_.assign(n, 0.0);
    losses_.assign(n, 0);
    for (const std::uint32_t p : online_)
        upSince_[p] = 0;
    epochKind_ = sim_->registerKind<&Market::onEpoch>("depin.epoch", *this);
    sim_->scheduleAt(cfg_.epoch, 0, epochKind_);
}

void Market::availableChanged(std::uint32_t p, bool available) {
    if (upSince_.empty()) return;
    const SimTime now = sim_->now();
    if (available) {
        if (upSince_[p] == sim::kTimeNever) upSince_[p] = now;
        return;
    }
    if (upSince_[p] == sim::kTimeNever) return;
    uptime_[p] += static_cast<float>(sim::toSeconds(now - std::max(upSince_[p], epochStart_)));
    upSince_[p] = sim::kTimeNever;
}

void Market::onEpoch(sim::Simulation& sim, const sim::Event&) {
    const SimTime now = sim.now();
    sim::Metrics& metrics = sim.metrics();
    const std::size_t n = providers_.size();
    double totalUptime = 0, totalEarned = 0;
    for (std::uint32_t p = 0; p < n; ++p) {
        if (upSince_[p] != sim::kTimeNever) {
            uptime_[p] +=
                static_cast<float>(sim::toSeconds(now - std::max(upSince_[p], epochStart_)));
            upSince_[p] = now;
        }
        totalUptime += uptime_[p];
        totalEarned += earned_[p];
    }

    // The emission, by uptime and by work.
    const double halvings = cfg_.emissionHalving > 0
                                ? sim::toSeconds(epochStart_) / sim::toSeconds(cfg_.emissionHalving)
                                : 0.0;
    const double emission = cfg_.emission * std::pow(0.5, halvings);
    double minted = 0;
    if (emission > 0 && payments_ != nullptr) {
        for (std::uint32_t p = 0; p < n; ++p) {
            double share = 0;
            if (totalUptime > 0) share += cfg_.uptimeShare * uptime_[p] / totalUptime;
            if (totalEarned > 0) share += (1 - cfg_.uptimeShare) * earned_[p] / totalEarned;
            const auto units =
                static_cast<core::Amount>(std::floor(emission * share * unitsPerToken_));
            if (units <= 0) continue;
            const NodeIndex node = providers_[p];
            const auto done = payments_->mint(payments_->nodeAccount(node), units, "depin: reward");
            DAIS_CHECK(done.ok(), "the market could not mint a provider's reward");
            const double tokens = static_cast<double>(units) / unitsPerToken_;
            minted += tokens;
            metrics.addNode(m_.income, node, tokens);
        }
        metrics.add(m_.rewards, minted);
    }

    // The token's price (burn-and-mint).
    if (cfg_.tokenModel == TokenModel::BurnAndMint && minted > 0) {
        const double ratio = std::max(burnedInEpoch_, 1e-12) / minted;
        price_ *= std::clamp(std::pow(ratio, cfg_.priceResponse), 0.5, 2.0);
    }
    metrics.set(m_.tokenPrice, price_);
    if (payments_ != nullptr) {
        const core::Payments::Totals t = payments_->totals();
        metrics.set(m_.supply, static_cast<double>(t.minted - t.burned) / unitsPerToken_);
    }

    // Providers weigh what the epoch paid them, at the token's price, against their costs.
    if (cfg_.leaveAfter > 0) {
        double income = 0, upHours = 0;  // over the providers in the market
        std::vector<double> paid(n, 0.0);
        for (std::uint32_t p = 0; p < n; ++p) {
            const double total = metrics.nodeValue(m_.income, providers_[p]);
            paid[p] = (total - incomeMark_[p]) * price_ / cfg_.tokenUsd;  // in start-price tokens
            if (inMarket(p)) {
                income += paid[p];
                upHours += uptime_[p] / 3600.0;
            }
        }
        const double perHour = upHours > 0 ? income / upHours : 0.0;
        for (std::uint32_t p = 0; p < n; ++p) {
            const double cost = table_.cost(p);
            if ((flags_[p] & kExpelled) != 0) continue;
            if ((flags_[p] & kLeft) != 0) {  // as patient coming back as leaving
                if (perHour < cost)
                    losses_[p] = 0;
                else if (++losses_[p] >= cfg_.leaveAfter)
                    rejoin(p);
                continue;
            }
            if (uptime_[p] <= 0) continue;  // down all epoch: nothing to weigh
            if (paid[p] < cost * uptime_[p] / 3600.0) {
                if (++losses_[p] >= cfg_.leaveAfter) leave(p);
            } else {
                losses_[p] = 0;
            }
        }
    }
    for (std::uint32_t p = 0; p < n; ++p) {
        uptime_[p] = 0;
        earned_[p] = 0;
        incomeMark_[p] = metrics.nodeValue(m_.income, providers_[p]);
    }
    epochStart_ = now;
    burnedInEpoch_ = 0;
    SimTime next = sim::kTimeNever;
    if (sim::addTime(now, cfg_.epoch, next)) sim.scheduleAt(next, 0, epochKind_);
}

void Market::leave(std::uint32_t p) {
    // It finishes the run it has and takes no more.
    flags_[p] |= kLeft;
    losses_[p] = 0;
    sim_->metrics().add(m_.left, 1);
    if (onlineAt_[p] != kNone) {
        providerGone(p);
        if (running_[p] == kNone) display_.state(providers_[p], leftState_);
    }
}

void Market::rejoin(std::uint32_t p) {
    flags_[p] &= static_cast<std::uint8_t>(~kLeft);
    losses_[p] = 0;
    sim_->metrics().add(m_.joined, 1);
    comeBack(p);
}

}  // namespace dais::layers::depin
