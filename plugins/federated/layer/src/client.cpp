// The client role, as code on the client's node (core::NodeContext). A model arrives with a
// ticket, the time its update is due and where it goes. The client plans the steps it will do
// (all its epochs, or with partial work what fits before its report is due), computes them on
// its own processor, shared with whatever else the node computes for other layers, and sends
// the update it made (the weights) back with the ticket. A client that has not finished when its
// report is due gives up, freeing its processor; a client that crashes loses its work.
//
// The arithmetic of a training runs when its result is first read, for every client training at
// that moment at once on the worker threads: a result depends only on the model the client
// received, its data and its stream, never on when it is computed, so this is the same as
// computing each when its model arrives, and as fast as the machine's cores allow.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "federation.h"

namespace dais::layers::federated {

using sim::NodeIndex;
using sim::SimTime;

void Federation::onModelMessage(void* self, const sim::Delivery& d, ModelMessage& m) {
    auto& f = *static_cast<Federation*>(self);
    f.clientReceives(f.node(d.to), d, m);
}

void Federation::clientReceives(core::NodeContext node, const sim::Delivery& d, ModelMessage& m) {
    const std::size_t k = clientOf(node.self());
    DAIS_CHECK(k != kNotClient, "a model reached a node that is not a client");
    if (!ticketOpen(m.ticket)) return;  // its round is over, or it dropped out already
    const std::size_t fullSteps = stepsOf(k);
    std::size_t maxSteps = 0;  // all its epochs
    const core::NodeCompute::Unit unit = node.fastestUnit();
    const bool hasProcessor = node.speed(unit) > 0;
    if (m.reportBy != sim::kTimeNever && cfg_.stragglers == Stragglers::Partial && fullSteps > 0) {
        // The client plans to be done in time: it expects the upload to take as long as the
        // download did, and does the steps that fit in what is left, at the speed its processor
        // gives it now.
        const SimTime download = d.now - d.sentAt;
        const SimTime left = m.reportBy - d.now - download;
        const double flops = static_cast<double>(fullSteps) * flopsPerStep();
        SimTime done = hasProcessor ? node.estimate(flops, unit) : sim::kTimeNever;
        if (!hasProcessor && !sim::addTime(d.now, computeTime(k, fullSteps), done))
            done = sim::kTimeNever;
        double perStep = secondsPerStep(k);
        if (hasProcessor && done != sim::kTimeNever)
            perStep = sim::toSeconds(done - d.now) / static_cast<double>(fullSteps);
        if (done == sim::kTimeNever || !sim::addTime(done, download, done) || done > m.reportBy) {
            const auto fit =
                static_cast<std::size_t>(std::max(0.0, sim::toSeconds(left) / perStep));
            maxSteps = std::clamp<std::size_t>(fit, 1, fullSteps);
        }
    }
    std::shared_ptr<LocalTraining>& t = trainingFor(m.ticket);
    if (!t || t->maxSteps != maxSteps || t->start != m.weights || t->stream != m.stream) {
        t = prepareTraining(k, std::move(m.weights), std::move(m.stream), m.attackRound, m.cohort);
        t->maxSteps = maxSteps;
        if (maxSteps != 0) t->steps = maxSteps;
    }
    display_.activity(node.self(), sim::NodeActivity::Working);

    const std::uint64_t id = nextRunning_++;
    Running& r = running_[id];
    r.node = node.self();
    r.reportTo = m.reportTo;
    r.ticket = m.ticket;
    r.training = t;
    // The time it would take alone, checked first: a run fails clearly when simulated time
    // cannot hold it.
    const SimTime alone = computeTime(k, r.training->steps);
    const double flops = static_cast<double>(r.training->steps) * flopsPerStep();
    if (market_ != nullptr && flops > 0) {
        if (!rent(node, id, flops, m.reportBy)) return;
    } else if (hasProcessor && flops > 0) {
        r.task = node.compute(flops, unit, &Federation::onComputed, this, id);
    } else {  // no processor declared: it computes at default_gflops, alone
        r.timer = node.after(alone, &Federation::onComputeTimer, this, id);
    }
    if (r.task == 0 && r.timer == 0 && r.rented == 0) {  // the client is down: nothing starts
        running_.erase(id);
        return;
    }
    if (m.reportBy != sim::kTimeNever)
        r.giveUp = node.at(m.reportBy, &Federation::onGiveUp, this, id);
}

void Federation::onModelLost(void* self, const sim::Loss&, ModelMessage& m) {
    auto& f = *static_cast<Federation*>(self);
    if (f.async()) {
        f.asyncDropped(m.ticket);
        return;
    }
    const std::uint64_t round = m.ticket >> 32;
    const std::size_t slot = m.ticket & 0xffffffffu;
    if (round != f.round_ || !f.roundOpen_ || f.work_[slot].state != Work::State::Pending) return;
    f.clientDone(slot, Work::State::Lost);
}

void Federation::onComputed(void* self, const core::NodeCompute::Finished& fin) {
    auto& f = *static_cast<Federation*>(self);
    if (fin.completed) f.clientTrained(fin.data);
}

void Federation::onComputeTimer(void* self, NodeIndex, std::uint64_t id) {
    static_cast<Federation*>(self)->clientTrained(id);
}

void Federation::onGiveUp(void* self, NodeIndex node, std::uint64_t id) {
    auto& f = *static_cast<Federation*>(self);
    const auto it = f.running_.find(id);
    if (it == f.running_.end()) return;
    Running r = std::move(it->second);
    f.running_.erase(it);
    if (r.task != 0) f.node(node).cancelCompute(r.task);
    if (r.timer != 0) f.node(node).cancel(r.timer);
    if (r.rented != 0) f.market_->cancel(r.rented);  // its outcome finds it gone
    f.display_.activity(node, sim::NodeActivity::Idle);
}

bool Federation::rent(core::NodeContext node, std::uint64_t id, double flops, SimTime reportBy) {
    core::ComputeMarket::Job job;
    job.submitter = node.self();
    job.payer = payments_ != nullptr ? payments_->nodeAccount(node.self()) : 0;
    job.kind = "training";
    job.flops = flops;
    job.inputBytes = messageBytes_;  // the model goes to the provider, the update comes back
    job.outputBytes = messageBytes_;
    job.deadline = reportBy;
    if (cfg_.rentMaxPrice > 0 && payments_ != nullptr)
        job.maxPrice = static_cast<core::Amount>(
            std::llround(cfg_.rentMaxPrice * std::pow(10.0, payments_->token().decimals)));
    job.requirements.hardwareClass = cfg_.rentHardware;
    auto submitted = market_->submit(
        job, [this, id](const core::ComputeMarket::Outcome& o) { rentEnded(id, o); });
    if (!submitted) {
        throw core::LayerError("federated: the compute market refused a client's training: " +
                               submitted.error().message);
    }
    running_[id].rented = *submitted;
    return true;
}

void Federation::rentEnded(std::uint64_t id, const core::ComputeMarket::Outcome& o) {
    const auto it = running_.find(id);
    if (it == running_.end()) return;  // it gave up, or its client crashed
    if (o.done()) {
        sim::Metrics& metrics = sim_->metrics();
        metrics.add(m_.rented, 1);
        if (payments_ != nullptr)
            metrics.add(m_.rentSpent,
                        static_cast<double>(o.paid) / std::pow(10.0, payments_->token().decimals));
        clientTrained(id);
        return;
    }
    // The market could not serve it (no provider, too dear, too late, lost): it misses the round.
    const NodeIndex client = it->second.node;
    if (it->second.giveUp != 0) node(client).cancel(it->second.giveUp);
    running_.erase(it);
    display_.activity(client, sim::NodeActivity::Idle);
}

void Federation::clientTrained(std::uint64_t id) {
    const auto it = running_.find(id);
    if (it == running_.end()) return;
    Running r = std::move(it->second);
    running_.erase(it);
    core::NodeContext node = this->node(r.node);
    if (r.giveUp != 0) node.cancel(r.giveUp);
    display_.activity(r.node, sim::NodeActivity::Idle);
    const std::size_t k = r.training->client;
    if (cfg_.availability == Availability::Churn && !available(k)) {
        clientWentAway(r.ticket);  // it went away before it could upload
        return;
    }
    if (!ticketOpen(r.ticket)) return;
    if (async()) {
        dispatches_[r.ticket].uploaded = true;
    } else {
        const std::size_t slot = r.ticket & 0xffffffffu;
        work_[slot].uploaded = true;
        if (events_.on()) recordUpdate(attacking(k, round_) ? kinds_.poisoned : kinds_.sent, slot);
        if (secure_ != nullptr) {  // the update leaves masked, in the service's messages
            work_[slot].training = std::move(r.training);
            submitSecure(slot);
            return;
        }
    }
    countBytes(r.node, r.reportTo, false, messageBytes_);
    node.send(updates_, r.reportTo, messageBytes_, UpdateMessage{r.ticket, std::move(r.training)});
}

void Federation::forgetTrainings(std::size_t client) {
    for (auto it = running_.begin(); it != running_.end();)
        if (it->second.training->client == client) {
            // Its timers went down with it; a task on its processor ended without completing;
            // a training it rented is called off.
            const core::ComputeMarket::JobId rented = it->second.rented;
            it = running_.erase(it);
            if (rented != 0) market_->cancel(rented);
        } else {
            ++it;
        }
}

bool Federation::ticketOpen(std::uint64_t ticket) const {
    if (async()) return ticket < dispatches_.size() && !dispatches_[ticket].settled;
    const std::uint64_t round = ticket >> 32;
    const std::size_t slot = ticket & 0xffffffffu;
    return round == round_ && roundOpen_ && slot < work_.size() &&
           work_[slot].state == Work::State::Pending;
}

std::shared_ptr<LocalTraining>& Federation::trainingFor(std::uint64_t ticket) {
    return async() ? dispatches_[ticket].training : work_[ticket & 0xffffffffu].training;
}

std::shared_ptr<LocalTraining> Federation::prepareTraining(
    std::size_t client, std::shared_ptr<const Eigen::VectorXd> start, std::string stream,
    std::uint64_t attackRound, std::size_t cohort) {
    auto t = std::make_shared<LocalTraining>();
    t->client = client;
    t->start = std::move(start);
    t->stream = std::move(stream);
    t->attackRound = attackRound;
    t->cohort = cohort;
    t->fullSteps = stepsOf(client);
    t->steps = t->fullSteps;
    unrun_.push_back(t);
    return t;
}

void Federation::clientWentAway(std::uint64_t ticket) {
    if (async()) {
        asyncDropped(ticket);
        return;
    }
    if (ticketOpen(ticket)) clientDone(ticket & 0xffffffffu, Work::State::Lost);
}

void Federation::runTrainings() {
    std::vector<std::shared_ptr<LocalTraining>> batch;
    batch.reserve(unrun_.size());
    for (std::shared_ptr<LocalTraining>& t : unrun_)  // held elsewhere: someone will read it
        if (!t->done && t.use_count() > 1) batch.push_back(std::move(t));
    unrun_.clear();
    parallel(batch.size(),
             [&](std::size_t i, fl::LocalTrainer& trainer) { train(*batch[i], trainer); });
}

void Federation::train(LocalTraining& t, fl::LocalTrainer& trainer) const {
    const std::size_t k = t.client;
    const ClientData cd = trainingData(k, t.attackRound);
    fl::TrainOptions opt = train_;
    opt.maxSteps = t.maxSteps;
    sim::RngStream rng(seed_, "federated", clients_[k], t.stream);
    Eigen::VectorXd out;
    const fl::TrainStats st = trainer.train(*model_, *t.start, cd.train, opt, rng, out);
    DAIS_CHECK(st.steps == t.steps, "a client did another number of steps than it planned");
    t.result = fl::ClientResult::parameters(
        k, std::move(out), static_cast<double>(st.samples) / static_cast<double>(train_.epochs));
    t.result.lossAfter = st.meanLoss;
    attack(k, t.result, *t.start, t.attackRound, t.cohort);
    if (cd.test.size() > 0) t.accuracy = fl::evaluate(*model_, *t.start, cd.test).accuracy;
    if (events_.on() ||
        digestsUpdates()) {  // its digest will be asked for: make it here, in parallel
        t.digest = weightsDigest(t.result.vector);
        t.digested = true;
    }
    t.done = true;
}

}  // namespace dais::layers::federated
