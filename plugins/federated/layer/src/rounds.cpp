// Synchronous rounds, in the order a round meets them: the server picks clients and sends them
// the model, directly or through their edge aggregator; each client trains on its own data and
// sends its update back (client.cpp); edge aggregators combine their clients' updates and send
// one; the server aggregates what arrived by the deadline, through secure aggregation when a
// layer provides it, and evaluates the new model. Deadlines are timers on the node that waits:
// the server's for the round, an edge aggregator's for its clients.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "dais/core/digest.h"
#include "dais/fl/attacks.h"
#include "federation.h"

namespace dais::layers::federated {

using sim::NodeIndex;
using sim::SimTime;

namespace {

/// A 64-bit digest of a parameter vector, bit for bit.
std::uint64_t digest(const Eigen::VectorXd& x) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        std::uint64_t bits;
        std::memcpy(&bits, &x[i], sizeof bits);
        h = (h ^ bits) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

/// The attack's name as the scenario writes it.
const char* attackName(Attack a) {
    switch (a) {
        case Attack::LabelFlip:
            return "label-flip";
        case Attack::SignFlip:
            return "sign-flip";
        case Attack::Gaussian:
            return "gaussian";
        case Attack::ModelReplacement:
            return "model-replacement";
        case Attack::None:
            break;
    }
    return "none";
}

}  // namespace

void Federation::recordUpdate(core::EventKind kind, std::size_t slot) {
    Work& w = work_[slot];
    const std::size_t k = selected_[slot];
    updateDigest(w);
    std::string detail = "round " + std::to_string(round_);
    if (attacking(k, round_)) detail += std::string(", poisoned (") + attackName(cfg_.attack) + ")";
    events_.record(kind, clients_[k], w.digest, detail);
}

void Federation::onRoundStart(sim::Simulation&, const sim::Event& e) {
    if (!net_->nodeUp(server_)) {  // a crashed server starts nothing
        resumeOnRecovery_ = true;
        return;
    }
    if (!async())
        startRound();
    else if (e.data == 0)
        startAsync();
    else
        dispatch(cfg_.concurrency - inFlight_);  // a retry after nobody was available
}

void Federation::sendBytes(NodeIndex from, NodeIndex to, sim::PortId port, std::uint64_t payload,
                           bool down, std::uint64_t bytes) {
    net_->send(from, to, bytes, port, payload);
    countBytes(from, to, down, bytes);
}

void Federation::countBytes(NodeIndex from, NodeIndex to, bool down, std::uint64_t bytes) {
    sim::Metrics& m = sim_->metrics();
    m.add(down ? m_.bytesDown : m_.bytesUp, static_cast<double>(bytes));
    if (from == server_ || to == server_) m.add(m_.bytesServer, static_cast<double>(bytes));
}

void Federation::startRound() {
    ++round_;
    roundStart_ = sim_->now();
    roundLineage_ = lineage_;
    const std::size_t n = clients_.size();
    // Clients that are up now can be picked. With differential privacy each is picked
    // independently with probability q (Poisson sampling, as the accountant assumes); without,
    // max(min_clients, round(fraction * N)) of them uniformly without replacement.
    std::vector<std::size_t> up;
    for (std::size_t k = 0; k < n; ++k)
        if (net_->nodeUp(clients_[k]) && available(k) && !banned(k)) up.push_back(k);
    sim::RngStream rng(seed_, "federated", server_, "select/" + std::to_string(round_));
    for (std::size_t k : selected_)
        showAtRest(k);
    selected_.clear();
    const double q = cfg_.fraction;
    if (dp_) {
        for (std::size_t k : up)
            if (rng.uniform() < q) selected_.push_back(k);
    } else {
        const auto want = std::min<std::size_t>(
            up.size(), std::max<std::size_t>(cfg_.minClients, static_cast<std::size_t>(std::llround(
                                                                  q * static_cast<double>(n)))));
        for (std::size_t i = 0; i < want; ++i) {
            const std::size_t j = i + static_cast<std::size_t>(rng.below(up.size() - i));
            std::swap(up[i], up[j]);
        }
        selected_.assign(up.begin(), up.begin() + static_cast<std::ptrdiff_t>(want));
        std::sort(selected_.begin(), selected_.end());
    }
    work_.assign(selected_.size(), Work{});
    for (std::size_t k : selected_)
        showClient(k, shown_.selected);
    roundOpen_ = true;
    for (std::size_t k : selected_)
        ++clientRecords_[k].selected;
    RoundRecord record;
    record.round = round_;
    record.start = roundStart_;
    record.selected = static_cast<std::uint32_t>(selected_.size());
    roundRecords_.push_back(record);
    // A deadline past the longest simulated time never comes: the round waits for every client.
    if (cfg_.deadline <= 0 || !sim::addTime(roundStart_, cfg_.deadline, deadline_))
        deadline_ = sim::kTimeNever;
    rejected_.clear();
    if (secure_) openSecureSession();
    roundModel_ = std::make_shared<const Eigen::VectorXd>(strategy_->parameters());

    // The model goes to each direct client, and once to each edge aggregator with clients in
    // the round, which hands it on.
    outstanding_ = 0;
    for (EdgeAggregator& e : edges_) {
        e.slots.clear();
        e.pending = 0;
        e.forwarded = false;
        e.deadline = sim::kTimeNever;
        e.settled = false;
    }
    for (std::size_t i = 0; i < selected_.size(); ++i) {
        const std::size_t k = selected_[i];
        if (!edgeOf_.empty() && edgeOf_[k] != kNoEdge) {
            edges_[edgeOf_[k]].slots.push_back(i);
            continue;
        }
        sendModel(server_, i, deadline_);
        ++outstanding_;
    }
    for (std::size_t e = 0; e < edges_.size(); ++e) {
        if (edges_[e].slots.empty()) continue;
        edges_[e].pending = edges_[e].slots.size();
        sendBytes(server_, edges_[e].node, edgeModelPort_, pack(round_, e), true, messageBytes_);
        ++outstanding_;
    }
    if (deadline_ != sim::kTimeNever)
        node(server_).at(deadline_, &Federation::onDeadline, this, round_);
    display_.activity(server_, sim::NodeActivity::Waiting);
    if (outstanding_ == 0) closeRound();
}

ClientData Federation::trainingData(std::size_t k, std::uint64_t round) const {
    ClientData cd = data_->client(k);
    if (!flipsLabels() || !attacking(k, round)) return cd;
    // Label flipping (Tolpegin et al. 2020): class c becomes C - 1 - c.
    auto flipped = std::make_shared<fl::Dataset>();
    flipped->classes = data_->classes();
    flipped->features.resize(static_cast<Eigen::Index>(data_->inputs()),
                             static_cast<Eigen::Index>(cd.train.size()));
    flipped->labels.resize(cd.train.size());
    for (std::size_t r = 0; r < cd.train.size(); ++r) {
        flipped->features.col(static_cast<Eigen::Index>(r)) =
            cd.train.data->features.col(cd.train.row(r));
        flipped->labels[r] = static_cast<std::int32_t>(data_->classes()) - 1 - cd.train.label(r);
    }
    cd.train = fl::DataView::all(*flipped);
    cd.owned = flipped;
    return cd;
}

void Federation::attack(std::size_t k, fl::ClientResult& result, const Eigen::VectorXd& start,
                        std::uint64_t round, std::size_t perRound) const {
    if (!attacking(k, round)) return;
    if ((cfg_.attack == Attack::ModelReplacement)) {
        // The attacker's model X was trained on flipped labels; it sends gamma (X - x) + x with
        // gamma = n / eta, so that the server's average lands on X (Bagdasaryan et al. 2020).
        const double gamma = cfg_.attackScale * static_cast<double>(perRound) / cfg_.serverLr;
        result.vector = fl::modelReplacement(start, result.vector, gamma);
    } else if (attack_) {
        attack_->apply(result, start, round);
    }
}

fl::ClientResult& Federation::resultOf(std::size_t slot) {
    Work& w = work_[slot];
    if (!w.haveResult) {
        LocalTraining& t = *w.training;
        trained(t);
        w.result = std::move(t.result);
        w.steps = t.steps;
        w.fullSteps = t.fullSteps;
        w.accuracy = t.accuracy;
        if (t.digested && !w.digested) {
            w.digest = t.digest;
            w.digested = true;
        }
        w.haveResult = true;
        w.training.reset();
    }
    return w.result;
}

void Federation::sendModel(NodeIndex from, std::size_t slot, SimTime reportBy) {
    const NodeIndex to = clients_[selected_[slot]];
    countBytes(from, to, true, messageBytes_);
    ModelMessage m;
    m.ticket = pack(round_, slot);
    m.weights = roundModel_;
    m.reportTo = from;
    m.reportBy = reportBy;
    m.stream = "train/" + std::to_string(round_);
    m.attackRound = round_;
    m.cohort = selected_.size();
    if (!work_[slot].training)
        work_[slot].training =
            prepareTraining(selected_[slot], m.weights, m.stream, m.attackRound, m.cohort);
    node(from).send(models_, to, messageBytes_, std::move(m));
}

void Federation::onUpdateMessage(void* self, const sim::Delivery&, UpdateMessage& u) {
    auto& f = *static_cast<Federation*>(self);
    // An update for a closed round (or past its edge's deadline) was counted as a straggler
    // when the deadline passed.
    if (!f.ticketOpen(u.ticket)) return;
    const std::size_t slot = u.ticket & 0xffffffffu;
    Work& w = f.work_[slot];
    w.training = std::move(u.training);  // its arithmetic runs when someone reads it
    f.clientDone(slot, Work::State::Received);
}

void Federation::onUpdateLost(void* self, const sim::Loss&, UpdateMessage& u) {
    auto& f = *static_cast<Federation*>(self);
    if (!f.ticketOpen(u.ticket)) return;
    f.clientDone(u.ticket & 0xffffffffu, Work::State::Lost);
}

/// A client's update reached the node it reports to, or the client dropped out.
void Federation::clientDone(std::size_t slot, Work::State state) {
    const std::size_t k = selected_[slot];
    if (state == Work::State::Lost) {
        sim_->metrics().add(m_.dropouts, 1);
        showClient(k, shown_.droppedOut);
        noteDropout(k);
    }
    const std::uint32_t edge = edgeOf_.empty() ? kNoEdge : edgeOf_[k];
    if (state == Work::State::Received && (!reviewers_.empty() || banned(k)) &&
        !reviewed(k, resultOf(slot), strategy_->parameters(),
                  edge == kNoEdge ? server_ : edges_[edge].node, updateDigest(work_[slot])))
        state = Work::State::Rejected;
    if (edge == kNoEdge) {
        if (state == Work::State::Received) showDelivered(k);
        work_[slot].state = state;
        if (--outstanding_ == 0) closeRound();
        return;
    }
    work_[slot].state = state == Work::State::Received ? Work::State::AtEdge : state;
    EdgeAggregator& e = edges_[edge];
    if (--e.pending == 0 && !e.forwarded) edgeForward(edge);
}

void Federation::onDeadline(void* self, NodeIndex, std::uint64_t round) {
    static_cast<Federation*>(self)->roundDue(round);
}

void Federation::roundDue(std::uint64_t round) {
    if (round != round_ || !roundOpen_) return;
    std::size_t late = 0;
    for (std::size_t slot = 0; slot < work_.size(); ++slot)
        if (Work& w = work_[slot];
            w.state == Work::State::Pending || w.state == Work::State::AtEdge) {
            w.state = Work::State::Late;
            showClient(selected_[slot], shown_.late);
            ++late;
            noteLate(selected_[slot]);
            if (events_.on()) recordUpdate(kinds_.late, slot);
        }
    sim_->metrics().add(m_.stragglers, static_cast<double>(late));
    closeRound();
}

// --- edge aggregators ------------------------------------------------------------------------

void Federation::onEdgeModel(void* self, sim::Network&, const sim::Delivery& d) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = d.payload >> 32;
    const std::size_t edge = d.payload & 0xffffffffu;
    if (round != f.round_ || !f.roundOpen_) return;
    EdgeAggregator& e = f.edges_[edge];
    if (e.forwarded) return;  // its clients all dropped out before the model came
    e.modelAt = d.now;
    if (f.deadline_ != sim::kTimeNever) {
        // The edge must be done in time for its own upload. It allows twice as long as the
        // model took to reach it: every edge uploads at about the same moment, over the same
        // links into the server.
        SimTime twice;  // the model's way there and back; longer than the deadline allows
        e.deadline = __builtin_mul_overflow(d.now - f.roundStart_, 2, &twice)
                         ? d.now
                         : std::max(d.now, f.deadline_ - twice);
        f.node(e.node).at(e.deadline, &Federation::onEdgeDeadline, self, d.payload);
    }
    for (std::size_t slot : e.slots)
        f.sendModel(e.node, slot, e.deadline);
}

void Federation::onEdgeDeadline(void* self, NodeIndex, std::uint64_t data) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = data >> 32;
    const std::size_t edge = data & 0xffffffffu;
    if (round != f.round_ || !f.roundOpen_ || f.edges_[edge].forwarded) return;
    f.edgeForward(edge);
}

/// The edge sends the server what its clients sent it: one combined update (or a short note
/// that it has none). Its clients not heard from by now are stragglers.
void Federation::edgeForward(std::size_t edge) {
    EdgeAggregator& e = edges_[edge];
    e.forwarded = true;
    std::size_t late = 0, held = 0;
    for (std::size_t slot : e.slots) {
        Work& w = work_[slot];
        if (w.state == Work::State::Pending) {
            w.state = Work::State::Late;
            showClient(selected_[slot], shown_.late);
            ++late;
            noteLate(selected_[slot]);
            if (events_.on()) recordUpdate(kinds_.late, slot);
        }
        held += w.state == Work::State::AtEdge;
    }
    sim_->metrics().add(m_.stragglers, static_cast<double>(late));
    constexpr std::uint64_t kNothingBytes = 64;
    sendBytes(e.node, server_, edgeUpdatePort_, pack(round_, edge), false,
              held > 0 ? messageBytes_ : kNothingBytes);
}

void Federation::onEdgeUpdate(void* self, sim::Network&, const sim::Delivery& d) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = d.payload >> 32;
    const std::size_t edge = d.payload & 0xffffffffu;
    if (round != f.round_ || !f.roundOpen_) return;  // late: counted at the deadline
    if (f.edges_[edge].settled) return;
    f.edges_[edge].settled = true;
    for (std::size_t slot : f.edges_[edge].slots)
        if (f.work_[slot].state == Work::State::AtEdge) {
            f.work_[slot].state = Work::State::Received;
            f.showDelivered(f.selected_[slot]);
        }
    if (--f.outstanding_ == 0) f.closeRound();
}

void Federation::onEdgeLost(void* self, sim::Network&, const sim::Loss& l) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = l.payload >> 32;
    const std::size_t edge = l.payload & 0xffffffffu;
    if (round != f.round_ || !f.roundOpen_) return;
    // The model never reached the edge, or its update never reached the server: its clients'
    // work is lost with it.
    f.edgeLost(edge);
}

// --- aggregation -------------------------------------------------------------------------------

void Federation::closeRound() {
    roundOpen_ = false;
    display_.activity(server_, sim::NodeActivity::Idle);
    sim::Metrics& m = sim_->metrics();
    std::vector<fl::ClientResult> results;
    accuracies_.clear();
    participants_ = 0;
    contributors_.clear();
    contributorDigests_.clear();
    contributorSizes_.clear();
    // Direct clients' results as they are; each edge's clients as one sample-weighted mean, as
    // the edge computed it.
    runTrainings();  // the round's arithmetic not yet run, all at once
    std::vector<Eigen::VectorXd> edgeSum(edges_.size());
    std::vector<double> edgeSamples(edges_.size(), 0.0);
    for (std::size_t i = 0; i < work_.size(); ++i) {
        Work& w = work_[i];
        if (w.state != Work::State::Received) continue;
        resultOf(i);
        ++participants_;
        if (w.steps < w.fullSteps) m.add(m_.partial, 1);
        if (!std::isnan(w.accuracy)) {
            accuracies_.push_back(w.accuracy);
            m.setNode(m_.localAccuracy, clients_[selected_[i]], w.accuracy);
        }
        m.addNode(m_.clientUpdates, clients_[selected_[i]], 1);
        noteAggregated(selected_[i], w.result.lossAfter, w.accuracy);
        contributors_.push_back(clients_[selected_[i]]);
        if (digestsUpdates()) {
            contributorDigests_.push_back(updateDigest(w));
            contributorSizes_.push_back(updateSize(w.result, strategy_->parameters()));
        }
        if (events_.on()) recordUpdate(kinds_.accepted, i);
        const std::uint32_t edge = edgeOf_.empty() ? kNoEdge : edgeOf_[selected_[i]];
        if (edge == kNoEdge) {
            results.push_back(std::move(w.result));
            continue;
        }
        if (edgeSum[edge].size() == 0)
            edgeSum[edge] = Eigen::VectorXd::Zero(w.result.vector.size());
        edgeSum[edge] += w.result.samples * w.result.vector;
        edgeSamples[edge] += w.result.samples;
    }
    for (std::size_t e = 0; e < edges_.size(); ++e)
        if (edgeSamples[e] > 0)
            results.push_back(fl::ClientResult::parameters(
                clients_.size() + e, edgeSum[e] / edgeSamples[e], edgeSamples[e]));
    aggregate(std::move(results));
}

void Federation::aggregate(std::vector<fl::ClientResult> results) {
    if (roundLineage_ != lineage_) {  // a vote rolled the model back while the round ran
        endRound("its updates were made on a model since rejected by vote: dropped", true);
        return;
    }
    const Eigen::VectorXd& global = strategy_->parameters();
    if (!secure_)  // secure aggregation shows the server no single update
        for (const fl::ClientResult& r : results) {
            const double norm = r.kind == fl::ClientResult::Kind::Parameters
                                    ? (r.vector - global).norm()
                                    : r.vector.norm();
            sim_->metrics().observe(m_.updateNorm, norm);
        }
    if (secure_) {  // the updates went to the round's secure-aggregation session
        if (sessionOpen_)
            secure_->close(session_);
        else
            endRound("");
        return;
    }
    if (results.empty()) {
        endRound("");
        return;
    }
    if (dp_) {
        // DP-FedAvg: clip every update, add noise to the sum, divide by the expected number of
        // participants, and hand the noised mean update to the server optimiser.
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(global.size());
        for (const fl::ClientResult& r : results)
            sum += dp_->clip(r.vector - global).clipped;
        applyNoisedSum(std::move(sum), results.size());
    } else {
        strategy_->step(results);
    }
    endRound("");
}

void Federation::applyNoisedSum(Eigen::VectorXd sum, std::size_t participants) {
    const double expected = cfg_.fraction * static_cast<double>(clients_.size());
    sim::RngStream noise = fl::dpNoiseStream(seed_, server_, round_);
    Eigen::VectorXd mean = dp_->noise(sum, dp_->divisor(expected, participants), noise);
    const fl::ClientResult one = fl::ClientResult::delta(0, std::move(mean), 1.0);
    strategy_->step(std::span<const fl::ClientResult>(&one, 1));
}

/// The round's bookkeeping once the global model has moved: evaluation, metrics, the trace
/// line, a checkpoint, and the next round.
void Federation::endRound(const std::string& note, bool aborted) {
    sim::Metrics& m = sim_->metrics();
    m.set(m_.participants, static_cast<double>(participants_));
    std::string privacy;
    if (dp_) {
        accountant_.step(cfg_.fraction, cfg_.dpNoise);
        const fl::PrivacySpent spent = accountant_.epsilon(cfg_.dpDelta);
        m.set(m_.epsilon, spent.epsilon);
        char text[160];
        std::snprintf(text, sizeof text, ", epsilon %.4g at delta %g (%.*s, order %g)",
                      spent.epsilon, spent.delta, static_cast<int>(spent.conversionName.size()),
                      spent.conversionName.data(), spent.order);
        privacy = text;
    }
    const Eigen::VectorXd& global = strategy_->parameters();
    sim_->foldIntoFingerprint(digest(global));  // the fingerprint shows what was learnt
    const fl::Evaluation e = fl::evaluate(*model_, global, data_->globalTest());
    m.observe(m_.lossChange, std::abs(e.loss - m.value(m_.loss)));
    m.set(m_.accuracy, e.accuracy);
    m.set(m_.loss, e.loss);
    m.set(m_.round, static_cast<double>(round_));
    if (!accuracies_.empty()) {
        std::sort(accuracies_.begin(), accuracies_.end());
        auto pct = [&](double f) {
            return accuracies_[static_cast<std::size_t>(
                std::floor(f * static_cast<double>(accuracies_.size() - 1) + 0.5))];
        };
        m.set(m_.p10, pct(0.1));
        m.set(m_.p50, pct(0.5));
        m.set(m_.p90, pct(0.9));
    }
    m.observe(m_.roundTime, sim::toSeconds(sim_->now() - roundStart_));
    if (async()) {
        RoundRecord record;
        record.round = round_;
        record.start = roundStart_;
        record.selected = std::exchange(sentSinceStep_, 0);
        record.dropped = std::exchange(droppedSinceStep_, 0);
        roundRecords_.push_back(record);
    }
    if (RoundRecord* record = roundRecords_.empty() ? nullptr : &roundRecords_.back();
        record != nullptr && record->round == round_ &&
        record->outcome == RoundRecord::Outcome::UnderWay) {
        record->end = sim_->now();
        record->delivered = static_cast<std::uint32_t>(participants_);
        record->accuracy = e.accuracy;
        record->loss = e.loss;
        record->outcome =
            aborted ? RoundRecord::Outcome::Aborted : RoundRecord::Outcome::Aggregated;
    }
    reportRound(contributors_, contributorDigests_, e.accuracy);
    const double target = cfg_.targetAccuracy;
    if (!targetReached_ && target > 0 && e.accuracy >= target) {
        targetReached_ = true;
        m.set(m_.roundsToTarget, static_cast<double>(round_));
        m.set(m_.timeToTarget, sim::toSeconds(sim_->now()));
    }
    char line[200];
    std::snprintf(line, sizeof line,
                  "%s %llu: %zu of %zu clients, accuracy %.4f, loss %.4f, %.3f s",
                  async() ? "step" : "round", static_cast<unsigned long long>(round_),
                  participants_, async() ? cfg_.bufferSize : selected_.size(), e.accuracy, e.loss,
                  sim::toSeconds(sim_->now() - roundStart_));
    sim_->trace(server_, "federated", line + privacy + note);
    if (events_.on()) events_.record(kinds_.closed, server_, weightsDigest(global), line);
    sim_->sampleNow();  // every round's figures reach the observers (and the run store)
    if (async()) return;
    work_.clear();
    if (cfg_.checkpointEvery > 0 && round_ % cfg_.checkpointEvery == 0) saveCheckpoint();
    if (round_ < cfg_.rounds) {
        // On a schedule, the next round starts round_interval after this one did.
        const sim::SimTime next = std::max(sim_->now(), roundStart_ + cfg_.roundInterval);
        sim_->scheduleAt(next, server_, roundKind_);
    }
}

}  // namespace dais::layers::federated
