// Secure aggregation of a synchronous round, through the layer that provides the service: a
// session per round with the selected clients as parties; each client submits its update at its
// own node when its training ends, as [n_k (x_k - x), n_k] (with DP-FedAvg: [clip(x_k - x), 1]),
// and it travels masked in the service's messages instead of the layer's own; the service tells
// the server whose input arrived (or who dropped out), which settles that client's part of the
// round. When the round closes, so does the session, and from the sum the server takes the
// sample-weighted mean update (or the clipped sum to noise), knowing nothing of any one client.
// Below the threshold the session aborts and the round makes no step.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "federation.h"

namespace dais::layers::federated {

void Federation::openSecureSession() {
    sessionOpen_ = false;
    if (selected_.empty()) return;
    core::SecureAggregator::Session s;
    s.server = server_;
    s.parties.reserve(selected_.size());
    for (const std::size_t k : selected_)
        s.parties.push_back(clients_[k]);
    s.length = static_cast<std::size_t>(strategy_->parameters().size()) + 1;
    s.threshold = std::max<std::size_t>(
        1, static_cast<std::size_t>(
               std::ceil(cfg_.secureThreshold * static_cast<double>(selected_.size()) - 1e-9)));
    s.deadline = deadline_;
    s.scale = cfg_.secureScale;
    const std::uint64_t round = round_;
    s.progress = [this, round](sim::NodeIndex party, bool arrived) {
        onSecureProgress(round, party, arrived);
    };
    secureSlot_.clear();
    for (std::size_t slot = 0; slot < selected_.size(); ++slot)
        secureSlot_.emplace(clients_[selected_[slot]], slot);
    auto opened = secure_->open(
        s, [this, round](const core::SecureAggregator::Sum& sum) { onSecureSum(round, sum); });
    if (!opened)
        ctx_->fail("the secure-aggregation service refused the round's session: " +
                   opened.error().message);
    session_ = opened.value();
    sessionOpen_ = true;
}

void Federation::submitSecure(std::size_t slot) {
    if (!sessionOpen_) return;
    const Eigen::VectorXd& global = strategy_->parameters();
    const Eigen::Index dim = global.size();
    const fl::ClientResult& r = resultOf(slot);
    Eigen::VectorXd v(dim + 1);
    if (dp_) {
        v.head(dim) = dp_->clip(r.vector - global).clipped;
        v[dim] = 1;
    } else {
        v.head(dim) = r.samples * (r.vector - global);
        v[dim] = r.samples;
    }
    const auto submitted = secure_->submit(session_, clients_[selected_[slot]],
                                           std::span<const double>(v.data(), v.size()));
    if (!submitted)
        ctx_->fail("the secure-aggregation service refused a client's update: " +
                   submitted.error().message);
}

void Federation::onSecureProgress(std::uint64_t round, sim::NodeIndex party, bool arrived) {
    if (round != round_ || !roundOpen_ || !sessionOpen_) return;
    const auto it = secureSlot_.find(party);
    if (it == secureSlot_.end() || work_[it->second].state != Work::State::Pending) return;
    clientDone(it->second, arrived ? Work::State::Received : Work::State::Lost);
}

void Federation::onSecureSum(std::uint64_t round, const core::SecureAggregator::Sum& sum) {
    // A session of a round the server lost in a crash ends unheard.
    if (round != round_ || !sessionOpen_ || sum.session != session_) return;
    sessionOpen_ = false;
    const auto dim = static_cast<std::size_t>(strategy_->parameters().size());
    if (sum.outcome == core::SecureAggregator::Outcome::Revealed && sum.values.size() != dim + 1)
        ctx_->fail("the secure-aggregation service returned a sum of " +
                   std::to_string(sum.values.size()) + " values for inputs of " +
                   std::to_string(dim + 1));
    sim::Metrics& m = sim_->metrics();
    // Parties the protocol lost after the server had received their update were counted in;
    // they drop out now. The others never submitted: already noted as lost or late.
    std::vector<sim::NodeIndex> lost = sum.dropped;
    std::sort(lost.begin(), lost.end());
    auto isLost = [&](sim::NodeIndex n) { return std::binary_search(lost.begin(), lost.end(), n); };
    std::size_t dropped = 0;
    for (std::size_t slot = 0; slot < selected_.size(); ++slot)
        if (work_[slot].state == Work::State::Received && isLost(clients_[selected_[slot]])) {
            noteDropout(selected_[slot], true);
            ++dropped;
        }
    m.add(m_.dropouts, static_cast<double>(dropped));
    std::size_t kept = 0;
    for (std::size_t i = 0; i < contributors_.size(); ++i) {
        if (isLost(contributors_[i])) continue;
        contributors_[kept] = contributors_[i];
        if (i < contributorDigests_.size()) contributorDigests_[kept] = contributorDigests_[i];
        if (i < contributorSizes_.size()) contributorSizes_[kept] = contributorSizes_[i];
        ++kept;
    }
    contributors_.resize(kept);
    contributorDigests_.resize(std::min(contributorDigests_.size(), kept));
    contributorSizes_.resize(std::min(contributorSizes_.size(), kept));
    char note[200];
    if (sum.outcome == core::SecureAggregator::Outcome::Aborted) {
        m.add(m_.secureAborts, 1);
        participants_ = 0;
        contributors_.clear();
        contributorDigests_.clear();
        contributorSizes_.clear();
        std::snprintf(note, sizeof note, ", secure aggregation aborted (%zu dropped): %s", dropped,
                      sum.reason.c_str());
        endRound(note, true);
        return;
    }
    participants_ = sum.included.size();
    const double weight = sum.values.back();
    if (participants_ > 0 && weight > 0) {
        const Eigen::Map<const Eigen::VectorXd> values(sum.values.data(),
                                                       static_cast<Eigen::Index>(dim));
        if (dp_)
            applyNoisedSum(values, participants_);
        else {
            const fl::ClientResult mean = fl::ClientResult::delta(0, values / weight, weight);
            strategy_->step(std::span<const fl::ClientResult>(&mean, 1));
        }
    }
    std::snprintf(note, sizeof note,
                  ", secure aggregation of %zu (%zu dropped, %llu protocol bytes each)",
                  participants_, dropped, static_cast<unsigned long long>(sum.bytesPerParty));
    endRound(note);
}

}  // namespace dais::layers::federated
