// What a crash does, at the moment it happens. The network tells the layer of every node that
// goes down or comes back (a crash fault, a region outage, a node of a group); the layer acts at
// once instead of waiting for a deadline or for a message that can no longer come:
//   - a client that crashes before its update has left drops out now (an update already on its
//     way keeps going, as the network carries what a node had sent);
//   - an edge aggregator that crashes before forwarding takes its clients' work with it;
//   - a server that crashes loses the round under way (or, async, the buffer it had not yet
//     applied) and starts nothing until it recovers; the global model survives the crash, as a
//     server keeps it on disk, and training resumes from it when the server is back.
#include <algorithm>
#include <string>

#include "federation.h"

namespace dais::layers::federated {

using sim::NodeIndex;

void Federation::onNodeUp(NodeIndex node, bool up) {
    if (node == server_) {
        if (up)
            serverRecovered();
        else
            serverCrashed();
        return;
    }
    if (up) return;  // a client that recovers is picked again like any other
    if (const std::size_t k = clientOf(node); k != kNotClient) clientCrashed(k);
    if (async() || !roundOpen_) return;
    for (std::size_t e = 0; e < edges_.size(); ++e)
        if (edges_[e].node == node && !edges_[e].forwarded) edgeLost(e);
}

std::size_t Federation::clientOf(NodeIndex node) const {
    const auto it = std::lower_bound(clients_.begin(), clients_.end(), node);
    return it != clients_.end() && *it == node ? static_cast<std::size_t>(it - clients_.begin())
                                               : kNotClient;
}

void Federation::serverCrashed() {
    sim::Metrics& m = sim_->metrics();
    m.add(m_.serverCrashes, 1);
    display_.activity(server_, sim::NodeActivity::Idle);
    std::size_t discarded = 0;
    std::string line = "the server crashed";
    if (async()) {
        discarded = buffer_.size();
        for (std::uint64_t id : buffer_) {
            dispatches_[id].model.reset();
            dispatches_[id].training.reset();
        }
        buffer_.clear();
    } else if (roundOpen_) {
        // The round's events still to come find it closed and do nothing.
        roundOpen_ = false;
        if (sessionOpen_) {  // the session ends; its sum, if any, goes unheard
            sessionOpen_ = false;
            secure_->close(session_);
        }
        for (const Work& w : work_)
            discarded += w.state == Work::State::Received || w.state == Work::State::AtEdge;
        work_.clear();
        selected_.clear();
        if (RoundRecord* record = openRound()) {
            record->end = sim_->now();
            record->outcome = RoundRecord::Outcome::Lost;
        }
        m.set(m_.round, static_cast<double>(round_));
        line += "; round " + std::to_string(round_) + " is lost";
        resumeOnRecovery_ = true;
    }
    m.add(m_.discarded, static_cast<double>(discarded));
    if (discarded > 0) line += ", with " + std::to_string(discarded) + " update(s) it had received";
    sim_->trace(server_, "federated", line);
    sim_->sampleNow();
}

void Federation::serverRecovered() {
    if (!resumeOnRecovery_) return;  // nothing was held back: what is under way goes on
    resumeOnRecovery_ = false;
    sim_->trace(server_, "federated", "the server recovered; training resumes");
    if (async())
        dispatch(cfg_.concurrency - inFlight_);
    else if (round_ < cfg_.rounds)
        sim_->scheduleIn(0, server_, roundKind_);
}

void Federation::clientCrashed(std::size_t k) {
    forgetTrainings(k);  // what it was computing is lost
    if (async()) {
        if (!busy_.empty() && busy_[k]) {
            const std::uint64_t id = clientDispatch_[k];
            if (!dispatches_[id].uploaded && !dispatches_[id].settled) asyncDropped(id);
        }
        return;
    }
    if (!roundOpen_) return;
    const auto it = std::lower_bound(selected_.begin(), selected_.end(), k);
    if (it == selected_.end() || *it != k) return;
    const auto slot = static_cast<std::size_t>(it - selected_.begin());
    const Work& w = work_[slot];
    if (w.state != Work::State::Pending || w.uploaded) return;
    display_.activity(clients_[k], sim::NodeActivity::Idle);
    clientDone(slot, Work::State::Lost);
}

void Federation::edgeLost(std::size_t edge) {
    EdgeAggregator& e = edges_[edge];
    if (e.settled) return;
    e.settled = true;
    e.forwarded = true;
    std::size_t lost = 0;
    for (std::size_t slot : e.slots) {
        Work& w = work_[slot];
        if (w.state == Work::State::Pending || w.state == Work::State::AtEdge) {
            w.state = Work::State::Lost;
            showClient(selected_[slot], shown_.droppedOut);
            ++lost;
            noteDropout(selected_[slot]);
        }
    }
    sim_->metrics().add(m_.dropouts, static_cast<double>(lost));
    if (--outstanding_ == 0) closeRound();
}

}  // namespace dais::layers::federated
