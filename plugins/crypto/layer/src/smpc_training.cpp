// The SMPC training plan played round by round over the network.
#include "smpc_training.h"

#include <algorithm>

namespace dais::layers::crypto {

namespace costs = dais::crypto;

core::Result<std::unique_ptr<SmpcTraining>> SmpcTraining::make(core::SimNodeRuntime& runtime,
                                                               sim::Simulation& sim,
                                                               core::NodeDisplay display,
                                                               Settings settings, Handles handles) {
    settings.setup.parties = static_cast<int>(settings.parties.size());
    auto plan = costs::trainingPlan(settings.problem, settings.setup, settings.constants);
    if (!plan) return plan.error();
    return std::unique_ptr<SmpcTraining>(new SmpcTraining(
        runtime, sim, display, std::move(settings), handles, std::move(plan.value())));
}

SmpcTraining::SmpcTraining(core::SimNodeRuntime& runtime, sim::Simulation& sim,
                           core::NodeDisplay display, Settings settings, Handles handles,
                           costs::TrainingPlan plan)
    : runtime_(&runtime),
      sim_(&sim),
      display_(display),
      s_(std::move(settings)),
      h_(handles),
      plan_(std::move(plan)),
      parties_(s_.parties),
      state_(parties_.size()) {
    epochRounds_ = static_cast<std::uint64_t>(plan_.batchesPerEpoch) * plan_.batchRounds.size() +
                   plan_.lastBatchRounds.size();
    totalRounds_ = plan_.setupRounds.size() +
                   static_cast<std::uint64_t>(plan_.epochs) * epochRounds_ +
                   plan_.finishRounds.size();
    shares_.open(runtime.transport(), "smpc.share", &SmpcTraining::onShare, this);
}

const costs::SmpcRound& SmpcTraining::roundAt(std::uint64_t r) const {
    if (r < plan_.setupRounds.size()) return plan_.setupRounds[r];
    r -= plan_.setupRounds.size();
    const std::uint64_t epochs = static_cast<std::uint64_t>(plan_.epochs);
    if (r < epochs * epochRounds_) {
        const std::uint64_t e = r % epochRounds_;
        const std::uint64_t batched =
            static_cast<std::uint64_t>(plan_.batchesPerEpoch) * plan_.batchRounds.size();
        if (e < batched) return plan_.batchRounds[e % plan_.batchRounds.size()];
        return plan_.lastBatchRounds[e - batched];
    }
    return plan_.finishRounds[r - epochs * epochRounds_];
}

void SmpcTraining::begin() {
    for (std::uint32_t p = 0; p < parties_.size(); ++p)
        node(p).at(s_.start, &SmpcTraining::onStart, this, p);
}

void SmpcTraining::onStart(void* self, sim::NodeIndex, std::uint64_t data) {
    auto& t = *static_cast<SmpcTraining*>(self);
    const auto p = static_cast<std::uint32_t>(data);
    t.state_[p].computing = true;  // the offline phase: its triples
    t.display_.state(t.parties_[p], t.h_.offline);
    t.charge(p, t.plan_.preprocessingSeconds, true);
}

std::uint32_t SmpcTraining::expected(std::uint32_t p, std::uint32_t round) const {
    const costs::SmpcRound& r = roundAt(round);
    std::uint32_t n = 0;
    for (std::size_t j = 0; j < r.bytes.size(); ++j)
        if (j != p && r.bytes[j][p] > 0) ++n;
    return n;
}

std::uint32_t& SmpcTraining::heardIn(Party& party, std::uint32_t round) {
    for (auto& [r, count] : party.heard)
        if (r == round) return count;
    party.heard.emplace_back(round, 0);
    return party.heard.back().second;
}

void SmpcTraining::startRound(std::uint32_t p) {
    Party& party = state_[p];
    if (party.round == totalRounds_) {
        party.done = true;
        display_.clear(parties_[p]);
        if (++finishedParties_ == parties_.size()) {
            sim::Metrics& m = sim_->metrics();
            const double now = sim::toSeconds(sim_->now());
            m.observe(h_.time, now - sim::toSeconds(s_.start));
            m.observe(h_.onlineTime, now - sim::toSeconds(onlineFrom_));
            m.add(h_.rounds, static_cast<double>(totalRounds_));
            m.add(h_.finished, 1);
        }
        return;
    }
    const costs::SmpcRound& r = roundAt(party.round);
    for (std::uint32_t j = 0; j < parties_.size(); ++j) {
        const double bytes = j == p ? 0 : r.bytes[p][j];
        if (bytes <= 0) continue;
        const auto wire = static_cast<std::uint64_t>(bytes + 0.5);
        sim_->metrics().add(h_.bytes, static_cast<double>(wire));
        node(p).send(shares_, parties_[j], wire, Share{party.round, p});
    }
    display_.state(parties_[p], h_.waiting);
    maybeCompute(p);
}

void SmpcTraining::maybeCompute(std::uint32_t p) {
    Party& party = state_[p];
    if (party.computing || party.done) return;
    std::uint32_t& heard = heardIn(party, party.round);
    if (heard < expected(p, party.round)) return;
    const std::uint32_t round = party.round;
    party.heard.erase(std::remove_if(party.heard.begin(), party.heard.end(),
                                     [&](const auto& h) { return h.first == round; }),
                      party.heard.end());
    party.computing = true;
    display_.state(parties_[p], h_.online);
    charge(p, roundAt(round).localOperationsPerParty * s_.secondsPerOperation, false);
}

void SmpcTraining::charge(std::uint32_t p, double seconds, bool offline) {
    const core::NodeContext n = node(p);
    const std::uint64_t data = (std::uint64_t{p} << 1) | (offline ? 1 : 0);
    const double speed = n.speed(core::NodeCompute::Unit::Cpu);
    if (seconds > 0 && speed > 0 &&
        n.compute(seconds * s_.referenceFlops, core::NodeCompute::Unit::Cpu, &SmpcTraining::onDone,
                  this, data) != 0)
        return;
    // No CPU declared: the reference time; nothing to compute: the next event at this time (a
    // long plan never recurses).
    n.after(speed > 0 ? 0 : sim::fromSeconds(std::max(0.0, seconds)), &SmpcTraining::onTimer, this,
            data);
}

void SmpcTraining::onDone(void* self, const core::NodeCompute::Finished& f) {
    if (f.completed) static_cast<SmpcTraining*>(self)->computed(static_cast<std::uint32_t>(f.data));
}

void SmpcTraining::onTimer(void* self, sim::NodeIndex, std::uint64_t data) {
    static_cast<SmpcTraining*>(self)->computed(static_cast<std::uint32_t>(data));
}

void SmpcTraining::computed(std::uint32_t data) {
    const std::uint32_t p = data >> 1;
    const bool offline = (data & 1) != 0;
    Party& party = state_[p];
    party.computing = false;
    if (offline) {
        const double took = sim::toSeconds(sim_->now() - s_.start);
        sim_->metrics().observe(h_.offlineTime, took);
        onlineFrom_ = std::max(onlineFrom_, sim_->now());
    } else {
        ++party.round;
    }
    startRound(p);
}

void SmpcTraining::onShare(void* self, const sim::Delivery& d, Share& s) {
    auto& t = *static_cast<SmpcTraining*>(self);
    const auto at = std::find(t.parties_.begin(), t.parties_.end(), d.to);
    if (at == t.parties_.end()) return;
    const auto p = static_cast<std::uint32_t>(at - t.parties_.begin());
    Party& party = t.state_[p];
    if (party.done || s.round < party.round) return;
    ++t.heardIn(party, s.round);
    if (s.round == party.round) t.maybeCompute(p);
}

}  // namespace dais::layers::crypto
