// Asynchronous training after FedBuff (Nguyen et al., "Federated Learning with Buffered
// Asynchronous Aggregation", AISTATS 2022). concurrency clients train at all times, each on the
// model version it was sent. Updates collect in a buffer; once buffer_size have arrived the
// server steps with their mean, each scaled by 1/(1 + s)^a for an update s server steps stale
// (the paper's choice is a = 1/2), and the mean goes to the strategy as one update (FedAvg:
// x += server_lr * mean). Each client that reports, or drops out, is replaced at once by a new
// one, picked uniformly among the idle available clients.
//
// Each client trains on its own node (client.cpp) with the model its dispatch carries, on a
// stream named by the dispatch, and sends its update back as a message.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "federation.h"

namespace dais::layers::federated {

using sim::NodeIndex;
using sim::SimTime;

void Federation::startAsync() {
    roundStart_ = sim_->now();
    current_ = std::make_shared<const Eigen::VectorXd>(strategy_->parameters());
    busy_.assign(clients_.size(), 0);
    clientDispatch_.assign(clients_.size(), 0);
    dispatch(cfg_.concurrency);
}

/// Sends the current model to up to `count` idle clients that are up and available.
void Federation::dispatch(std::size_t count) {
    if (finished_ || count == 0) return;
    if (!net_->nodeUp(server_)) {  // a crashed server sends nothing
        resumeOnRecovery_ = true;
        return;
    }
    ++dispatchCount_;
    std::vector<std::size_t> idle;
    for (std::size_t k = 0; k < clients_.size(); ++k)
        if (!busy_[k] && net_->nodeUp(clients_[k]) && available(k) && !banned(k)) idle.push_back(k);
    sim::RngStream rng(seed_, "federated", server_, "dispatch/" + std::to_string(dispatchCount_));
    const std::size_t n = std::min(count, idle.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = i + static_cast<std::size_t>(rng.below(idle.size() - i));
        std::swap(idle[i], idle[j]);
        const std::size_t k = idle[i];
        Dispatch d;
        d.client = k;
        d.version = round_;
        d.model = current_;
        busy_[k] = 1;
        showClient(k, shown_.selected);
        ++inFlight_;
        ++clientRecords_[k].selected;
        ++sentSinceStep_;
        const std::uint64_t id = dispatches_.size();
        clientDispatch_[k] = id;
        dispatches_.push_back(std::move(d));
        countBytes(server_, clients_[k], true, messageBytes_);
        ModelMessage m;
        m.ticket = id;
        m.weights = current_;
        m.reportTo = server_;
        m.stream = "dispatch-train/" + std::to_string(id);
        m.attackRound = round_ + 1;
        m.cohort = cfg_.bufferSize;
        dispatches_[id].training = prepareTraining(k, m.weights, m.stream, m.attackRound, m.cohort);
        node(server_).send(models_, clients_[k], messageBytes_, std::move(m));
    }
    // Nobody to train and nothing on the way: look again in a minute.
    if (inFlight_ == 0) sim_->scheduleIn(sim::fromSeconds(60), server_, roundKind_, 1);
}

void Federation::onAsyncLost(void* self, const sim::Loss&, UpdateMessage& u) {
    static_cast<Federation*>(self)->asyncDropped(u.ticket);
}

void Federation::asyncDropped(std::uint64_t id) {
    Dispatch& x = dispatches_[id];
    if (x.settled) return;  // dropped out when it crashed; its model was then lost on the way
    x.settled = true;
    sim_->metrics().add(m_.dropouts, 1);
    showClient(x.client, shown_.droppedOut);
    noteDropout(x.client);
    busy_[x.client] = 0;
    x.model.reset();
    x.training.reset();
    --inFlight_;
    dispatch(cfg_.concurrency - inFlight_);
}

void Federation::onAsyncUpdate(void* self, const sim::Delivery&, UpdateMessage& u) {
    auto& f = *static_cast<Federation*>(self);
    Dispatch& x = f.dispatches_[u.ticket];
    if (x.settled) return;
    x.training = std::move(u.training);
    x.settled = true;
    f.busy_[x.client] = 0;
    f.showDelivered(x.client);
    --f.inFlight_;
    if (f.finished_) {
        x.model.reset();
        x.training.reset();
        return;
    }
    f.buffer_.push_back(u.ticket);
    if (f.buffer_.size() >= f.cfg_.bufferSize) f.serverStep();
    f.dispatch(f.cfg_.concurrency - f.inFlight_);
}

void Federation::serverStep() {
    const std::vector<std::uint64_t> ids = std::move(buffer_);
    buffer_.clear();
    std::vector<fl::ClientResult> results(ids.size());
    std::vector<double> accuracy(ids.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<double> loss(ids.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<core::Digest> digests(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        LocalTraining& t = *dispatches_[ids[i]].training;
        trained(t);
        loss[i] = t.result.lossAfter;
        accuracy[i] = t.accuracy;
        if (digestsUpdates()) digests[i] = t.digested ? t.digest : weightsDigest(t.result.vector);
        results[i] = std::move(t.result);
        dispatches_[ids[i]].training.reset();
    }
    // Each update against the model it was made on, scaled for staleness; the buffer's plain
    // mean is the step (each counts once, as in FedBuff).
    std::vector<fl::ClientResult> updates;
    updates.reserve(ids.size());
    accuracies_.clear();
    contributors_.clear();
    contributorDigests_.clear();
    contributorSizes_.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        Dispatch& x = dispatches_[ids[i]];
        const core::Digest& digest = digests[i];
        if (!reviewed(x.client, results[i], *x.model, server_, digest)) {
            x.model.reset();
            continue;
        }
        contributors_.push_back(clients_[x.client]);
        if (digestsUpdates()) {
            contributorDigests_.push_back(digest);
            contributorSizes_.push_back(updateSize(results[i], *x.model));
        }
        const auto staleness = static_cast<double>(round_ - x.version);
        Eigen::VectorXd u = results[i].vector - *x.model;
        sim_->metrics().observe(m_.updateNorm, u.norm());
        sim_->metrics().observe(m_.staleness, staleness);
        u *= std::pow(1.0 + staleness, -cfg_.stalenessExponent);
        updates.push_back(fl::ClientResult::delta(x.client, std::move(u), 1.0));
        if (!std::isnan(accuracy[i])) {
            accuracies_.push_back(accuracy[i]);
            sim_->metrics().setNode(m_.localAccuracy, clients_[x.client], accuracy[i]);
        }
        sim_->metrics().addNode(m_.clientUpdates, clients_[x.client], 1);
        noteAggregated(x.client, loss[i], accuracy[i]);
        x.model.reset();
    }
    if (!updates.empty()) strategy_->step(updates);
    ++round_;
    participants_ = updates.size();
    endRound("");
    roundStart_ = sim_->now();
    current_ = std::make_shared<const Eigen::VectorXd>(strategy_->parameters());
    if (round_ >= cfg_.rounds) finished_ = true;
}

}  // namespace dais::layers::federated
