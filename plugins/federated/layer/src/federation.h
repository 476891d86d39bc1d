#pragma once
// The federation: the federated layer's state and event handlers. Internal to the layer.
//
// The code is in one file per part, in the order a run meets them:
//   config.h        the layer's parameters (one field each) and metrics (one handle each)
//   definition.cpp  the one declaration of them: types, defaults, ranges, units, help
//   estimate.cpp    the memory it will hold, estimated from its settings before set-up
//   federated.cpp   set-up: data, model, strategy, privacy, attackers, availability
//   rounds.cpp      synchronous rounds: select, send, aggregate, evaluate, directly or through
//                   edge aggregators, optionally by secure aggregation
//   client.cpp      the client role, as code on the client's node: receive the model, train on
//                   its own processor, send the update back
//   async.cpp       asynchronous FedBuff-style training
//   crashes.cpp     what a crash of the server, a client or an edge aggregator does at once
//   checkpoint.cpp  the federation's state saved between rounds, and resumed from
//   tables.cpp      the clients and rounds tables (federated.clients, federated.rounds)
//
// Every random draw comes from a stream named by the run's seed, a node, a purpose and the
// round ("train/12"), never from a stream that advances across rounds: the round number is the
// whole of the random state, which is what makes checkpoints exact and results independent of
// the number of training threads.

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config.h"
#include "dais/core/compute_market.h"
#include "dais/core/digest.h"
#include "dais/core/governance.h"
#include "dais/core/layer.h"
#include "dais/core/ledger_service.h"
#include "dais/core/message_channel.h"
#include "dais/core/node_context.h"
#include "dais/core/secure_aggregation.h"
#include "dais/core/sim_node_runtime.h"
#include "dais/core/update_review.h"
#include "dais/fl/attacks.h"
#include "dais/fl/dp_fedavg.h"
#include "dais/fl/model.h"
#include "dais/fl/rdp_accountant.h"
#include "dais/fl/strategy.h"
#include "dais/fl/train.h"
#include "federation_data.h"

namespace dais::layers::federated {

/// "128,64" -> {128, 64}; throws core::LayerError naming the text.
std::vector<std::size_t> parseWidths(const std::string& text);

/// A client's local training on a model it received: what it was asked to do and, once run, what
/// it made. Its result is a function of the model, the client's data and its stream alone, so
/// the arithmetic may run at any time before the result is read; it runs for every client
/// training at that moment at once, on the worker threads (Federation::runTrainings).
struct LocalTraining {
    std::size_t client = 0;
    std::shared_ptr<const Eigen::VectorXd> start;  // the weights it received
    std::string stream;                            // its training stream's purpose: "train/12"
    std::size_t maxSteps = 0;                      // 0: all its epochs
    std::size_t steps = 0, fullSteps = 0;          // what it does, of all its epochs' steps
    std::uint64_t attackRound = 0;                 // a malicious client's attack is made for it
    std::size_t cohort = 0;                        // updates the server combines at once
    bool done = false;
    fl::ClientResult result;  // its update: the weights it trained
    core::Digest digest{};    // SHA-256 of its weights, made with them when someone will ask
    bool digested = false;
    double accuracy =
        std::numeric_limits<double>::quiet_NaN();  // the received model, own test rows
};

/// The model on its way to a client: the weights (one copy shared by the round's messages) and
/// the ticket the update comes back with.
struct ModelMessage {
    std::uint64_t ticket = 0;  // the round and slot (sync) or the dispatch (async)
    std::shared_ptr<const Eigen::VectorXd> weights;
    sim::NodeIndex reportTo = 0;              // the server, or the client's edge aggregator
    sim::SimTime reportBy = sim::kTimeNever;  // when the update must be there
    std::string stream;                       // the purpose of the client's training stream
    std::uint64_t attackRound = 0;
    std::size_t cohort = 0;
};

/// A client's update on its way back: the weights it trained, with the ticket.
struct UpdateMessage {
    std::uint64_t ticket = 0;
    std::shared_ptr<LocalTraining> training;
};

/// What a client did with one round's model, and how far its update got.
struct Work {
    enum class State : std::uint8_t {
        Pending,   // training or uploading
        AtEdge,    // received by its edge aggregator, not yet forwarded
        Received,  // at the server in time: aggregated
        Lost,      // dropped out (crashed, unreachable, went away)
        Late,      // missed a deadline
        Rejected,  // arrived in time, vetoed by a reviewer
    };
    std::shared_ptr<LocalTraining> training;  // what it trains (see Federation::trainingFor)
    fl::ClientResult result;                  // its update, once read (resultOf)
    bool haveResult = false;
    std::size_t steps = 0, fullSteps = 0;
    double accuracy = std::numeric_limits<double>::quiet_NaN();  // global model on its test rows
    State state = State::Pending;
    bool uploaded = false;  // its update has left the client: a crash no longer stops it
    core::Digest digest{};  // SHA-256 of the update's weights, once someone needed it
    bool digested = false;
};

/// An edge aggregator of a hierarchical federation: an aggregator node and the clients of its
/// region.
struct EdgeAggregator {
    sim::NodeIndex node = 0;
    // this round
    std::vector<std::size_t> slots;  // the round's selected clients it serves
    std::size_t pending = 0;         // of them, still to be heard from
    sim::SimTime modelAt = 0;        // when the model reached it
    sim::SimTime deadline = sim::kTimeNever;
    bool forwarded = false;
    bool settled = false;  // its part of the round is over: its update arrived or was lost
};

/// FedBuff: a client training on a model version, dispatched asynchronously.
struct Dispatch {
    std::size_t client = 0;
    std::uint64_t version = 0;  // server steps done when it got the model
    std::shared_ptr<const Eigen::VectorXd> model;
    std::shared_ptr<LocalTraining> training;  // what it trains (see Federation::trainingFor)
    bool uploaded = false;  // the update has left the client: a crash no longer stops it
    bool settled = false;   // the update arrived, or the client dropped out
};

/// What the clients table shows of one client, kept as the run goes.
struct ClientRecord {
    std::uint32_t selected = 0, delivered = 0, dropouts = 0, late = 0, rejected = 0;
    double loss = std::numeric_limits<double>::quiet_NaN();      // of its last aggregated update
    double accuracy = std::numeric_limits<double>::quiet_NaN();  // the same update's, own test rows
};

/// What the rounds table shows of one round (async: one server step).
struct RoundRecord {
    enum class Outcome : std::uint8_t { UnderWay, Aggregated, Aborted, Lost };
    std::uint64_t round = 0;
    sim::SimTime start = 0, end = sim::kTimeNever;
    std::uint32_t selected = 0, delivered = 0, dropped = 0, late = 0, rejected = 0;
    core::Digest model{};     // of the global model after it, once aggregated
    std::uint64_t block = 0;  // the ledger block that records it; 0: not recorded
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    double loss = std::numeric_limits<double>::quiet_NaN();
    Outcome outcome = Outcome::UnderWay;
};

class Federation final : public core::Layer, private sim::FaultListener {
  public:
    void estimateMemory(core::LayerEstimateContext& ctx) const override;
    void setup(core::LayerContext& ctx) override;
    void finish(core::LayerContext& ctx) override;
    void inspect(std::string_view table, core::TableWriter& out) override;

  private:
    // --- set-up (federated.cpp)
    void setupData(core::LayerContext& ctx);
    void setupAttackers(core::LayerContext& ctx);
    /// Parameters that cannot go together end the run here, before any round.
    void checkCombinations(core::LayerContext& ctx) const;
    void setupAvailability();
    void setupHierarchy(core::LayerContext& ctx);
    void setupSecureAggregation(core::LayerContext& ctx);
    void setupGovernance(core::LayerContext& ctx);

    // governance (governance.cpp): release votes, rollbacks and bans
    /// After a round closed with `model`: proposes it as a release when one is due.
    void proposeRelease(const core::Digest& model);
    void onRelease(const core::Governance::Decision& d);
    void onBan(const core::Governance::Decision& d);
    std::optional<bool> releaseBallot(sim::NodeIndex voter, core::Governance::ProposalId id);
    std::optional<bool> banBallot(sim::NodeIndex voter, core::Governance::ProposalId id,
                                  const core::Governance::Proposal& p);
    /// Traces the rounds after the last accepted release up to `upTo` through the ledger and
    /// proposes to ban the clients the trace names.
    void proposeBans(std::uint64_t upTo);
    bool banned(std::size_t k) const { return !banned_.empty() && banned_[k] != 0; }
    /// The client index of a network node, or kNone.
    std::uint32_t clientIndexOf(sim::NodeIndex n);
    /// The ports and event kinds of synchronous rounds (with edges) or of async training.
    void registerHandlers();
    std::unique_ptr<fl::Strategy> makeStrategy(Eigen::VectorXd initial) const;
    bool available(std::size_t client);
    double secondsPerStep(std::size_t client) const;
    /// Client k's steps for all its epochs: its batches per epoch times the epochs.
    std::size_t stepsOf(std::size_t client) const {
        return (data_->trainSize(client) + train_.batchSize - 1) / train_.batchSize * train_.epochs;
    }
    /// FLOPs of one training step (one batch, forward and backward).
    double flopsPerStep() const;
    /// How long client k computes `steps` training steps for, alone on its fastest processor.
    /// When simulated time cannot hold that, the run fails naming the client, its compute speed
    /// and where the speed comes from.
    sim::SimTime computeTime(std::size_t client, std::size_t steps) const;
    [[noreturn, gnu::cold]] void computeTooLong(std::size_t client, std::size_t steps,
                                                double seconds) const;
    /// Client k's training data, label-flipped when it is a malicious label flipper.
    ClientData trainingData(std::size_t k, std::uint64_t round) const;
    /// What a malicious client k makes of its result (trained from `start`) before sending it;
    /// perRound: the updates the server combines at once (model replacement's boost).
    void attack(std::size_t k, fl::ClientResult& result, const Eigen::VectorXd& start,
                std::uint64_t round, std::size_t perRound) const;
    /// Runs job(i) for i in [0, count) on the worker threads; rethrows the first failure.
    void parallel(std::size_t count,
                  const std::function<void(std::size_t, fl::LocalTrainer&)>& job);

    // --- the client role (client.cpp): code on the client's node
    static void onModelMessage(void* self, const sim::Delivery& d, ModelMessage& m);
    static void onModelLost(void* self, const sim::Loss& l, ModelMessage& m);
    void clientReceives(core::NodeContext node, const sim::Delivery& d, ModelMessage& m);
    static void onComputed(void* self, const core::NodeCompute::Finished& f);
    static void onComputeTimer(void* self, sim::NodeIndex node, std::uint64_t id);
    static void onGiveUp(void* self, sim::NodeIndex node, std::uint64_t id);
    void clientTrained(std::uint64_t id);
    /// A training of client k that is still running is gone: the client crashed.
    void forgetTrainings(std::size_t client);
    /// Runs every local training started and not yet run, at once on the worker threads.
    void runTrainings();
    const LocalTraining& trained(LocalTraining& t) {
        if (!t.done) runTrainings();
        return t;
    }
    void train(LocalTraining& t, fl::LocalTrainer& trainer) const;
    /// Whether the work a ticket names is still wanted.
    bool ticketOpen(std::uint64_t ticket) const;
    /// The training kept for a ticket. When a model goes out, the run prepares the training the
    /// client will most likely do (all its epochs, on that model, with its stream), so that the
    /// arithmetic of a whole round runs at once however the messages trickle in; a client that
    /// plans otherwise (partial work) replaces it with its own, and the prepared one is dropped
    /// unrun.
    std::shared_ptr<LocalTraining>& trainingFor(std::uint64_t ticket);
    std::shared_ptr<LocalTraining> prepareTraining(std::size_t client,
                                                   std::shared_ptr<const Eigen::VectorXd> start,
                                                   std::string stream, std::uint64_t attackRound,
                                                   std::size_t cohort);
    /// Selected client `slot`'s update, once it reached the server or its edge (runs the
    /// arithmetic when it has not run yet).
    fl::ClientResult& resultOf(std::size_t slot);
    /// The client went away before it could upload (availability).
    void clientWentAway(std::uint64_t ticket);
    /// A client training now: its ticket, its work, what it waits for.
    struct Running {
        sim::NodeIndex node = 0;
        sim::NodeIndex reportTo = 0;
        std::uint64_t ticket = 0;
        std::shared_ptr<LocalTraining> training;
        core::NodeCompute::TaskId task = 0;     // on its processor, or
        core::TimerId timer = 0;                // when it has none, a timer for its compute time
        core::TimerId giveUp = 0;               // it stops when its report is due
        core::ComputeMarket::JobId rented = 0;  // compute rent: its training in the market
    };
    /// compute rent: submits run `id`'s training to the market; false when nothing started.
    bool rent(core::NodeContext node, std::uint64_t id, double flops, sim::SimTime reportBy);
    void rentEnded(std::uint64_t id, const core::ComputeMarket::Outcome& o);

    // --- synchronous rounds (rounds.cpp)
    void onRoundStart(sim::Simulation& sim, const sim::Event& e);
    static void onDeadline(void* self, sim::NodeIndex node, std::uint64_t round);
    /// The round's deadline came: the clients not heard from are late, and the round closes.
    void roundDue(std::uint64_t round);
    static void onEdgeDeadline(void* self, sim::NodeIndex node, std::uint64_t data);
    static void onUpdateMessage(void* self, const sim::Delivery& d, UpdateMessage& u);
    static void onUpdateLost(void* self, const sim::Loss& l, UpdateMessage& u);
    static void onEdgeModel(void* self, sim::Network& net, const sim::Delivery& d);
    static void onEdgeUpdate(void* self, sim::Network& net, const sim::Delivery& d);
    static void onEdgeLost(void* self, sim::Network& net, const sim::Loss& l);
    void startRound();
    /// Sends the round's model to selected client `slot`, from `from` (the server or its edge),
    /// to report back to `from` by `reportBy`.
    void sendModel(sim::NodeIndex from, std::size_t slot, sim::SimTime reportBy);
    void clientDone(std::size_t slot, Work::State state);
    void edgeForward(std::size_t edge);
    void closeRound();
    /// Aggregates the round's results into the global model, then ends the round.
    void aggregate(std::vector<fl::ClientResult> results);
    /// Secure aggregation: a session per round, opened with the round's clients as parties;
    /// each client submits its update at its own node when its training ends, and the update
    /// travels masked in the service's messages; the service says as each reaches the server
    /// (or its client drops out), closing the round closes the session, and the sum (or the
    /// abort) comes back to onSecureSum.
    void openSecureSession();
    void submitSecure(std::size_t slot);
    void onSecureProgress(std::uint64_t round, sim::NodeIndex party, bool arrived);
    void onSecureSum(std::uint64_t round, const core::SecureAggregator::Sum& sum);
    /// The veto point: whether the reviewers let `acceptor` count the update (client k's
    /// result, made on `base`); notes and shows a rejection.
    bool reviewed(std::size_t k, const fl::ClientResult& result, const Eigen::VectorXd& base,
                  sim::NodeIndex acceptor, const core::Digest& digest);
    /// SHA-256 of weights, bit for bit: how events, reviewers and the ledger name an update or
    /// a model, so one digest traces it through all three.
    static core::Digest weightsDigest(const Eigen::VectorXd& v) {
        return core::sha256(std::span<const double>(v.data(), static_cast<std::size_t>(v.size())));
    }
    /// The digest of a client's update, computed once (from the update it sent, or is sending);
    /// none for a client the model never reached.
    const core::Digest& updateDigest(Work& w) {
        if (w.digested) return w.digest;
        if (w.haveResult) {
            w.digest = weightsDigest(w.result.vector);
            w.digested = true;
        } else if (w.training) {
            const LocalTraining& t = trained(*w.training);
            w.digest = t.digested ? t.digest : weightsDigest(t.result.vector);
            w.digested = true;
        }
        return w.digest;
    }
    /// Whether updates need their digests: someone reviews or records them.
    bool digestsUpdates() const { return !reviewers_.empty() || ledger_ != nullptr; }
    /// Notes the new model's digest in the round's record, tells the reviewers how the round went
    /// and records it on the ledger.
    void reportRound(const std::vector<sim::NodeIndex>& contributors,
                     const std::vector<core::Digest>& updates, double accuracy);
    /// The length of a client's update as the node that accepts it sees it: the distance of the
    /// proposed model from `base`; NaN under secure aggregation, which shows no single update.
    double updateSize(const fl::ClientResult& r, const Eigen::VectorXd& base) const {
        if (secure_ != nullptr) return std::numeric_limits<double>::quiet_NaN();
        return r.kind == fl::ClientResult::Kind::Parameters ? (r.vector - base).norm()
                                                            : r.vector.norm();
    }
    /// The digest of client k's data manifest in the current round (its training rows,
    /// features and labels, as it trains on them), computed once for honest and attacking.
    const core::Digest& manifest(std::size_t k);
    /// DP-FedAvg: noise the sum of clipped updates and step the strategy with the mean.
    void applyNoisedSum(Eigen::VectorXd sum, std::size_t participants);
    /// `aborted`: secure aggregation revealed nothing, so the model did not move.
    void endRound(const std::string& note, bool aborted = false);
    /// Sends a model (down) or an update (up) and counts its bytes.
    void sendBytes(sim::NodeIndex from, sim::NodeIndex to, sim::PortId port, std::uint64_t payload,
                   bool down, std::uint64_t bytes);
    void countBytes(sim::NodeIndex from, sim::NodeIndex to, bool down, std::uint64_t bytes);

    // --- asynchronous training (async.cpp)
    void startAsync();
    void dispatch(std::size_t count);
    static void onAsyncUpdate(void* self, const sim::Delivery& d, UpdateMessage& u);
    static void onAsyncLost(void* self, const sim::Loss& l, UpdateMessage& u);
    void asyncDropped(std::uint64_t id);
    void serverStep();

    // --- crashes and recoveries (crashes.cpp)
    void onNodeUp(sim::NodeIndex node, bool up) override;
    void serverCrashed();
    void serverRecovered();
    void clientCrashed(std::size_t client);
    /// Edge aggregator `edge` can no longer send its clients' work: the model never reached it,
    /// its update was lost, or it crashed before forwarding. Its clients still out drop out.
    void edgeLost(std::size_t edge);
    /// Client k's number, or kNotClient when the node is not a client.
    std::size_t clientOf(sim::NodeIndex node) const;
    static constexpr std::size_t kNotClient = static_cast<std::size_t>(-1);

    // --- the tables (tables.cpp): what happened to each client and in each round
    /// Client k dropped out (`aggregated`: after its update was counted in, as secure
    /// aggregation reports it).
    void noteDropout(std::size_t client, bool aggregated = false);
    void noteLate(std::size_t client);
    void noteAggregated(std::size_t client, double loss, double accuracy);
    /// The round record under way (sync), or nullptr.
    RoundRecord* openRound();

    // --- checkpoints (checkpoint.cpp)
    void saveCheckpoint() const;
    /// Restores the state saved in resume_from; returns when the next round starts.
    sim::SimTime resume(core::LayerContext& ctx);

    static std::uint64_t pack(std::uint64_t round, std::size_t slot) {
        return (round << 32) | slot;
    }

    core::LayerContext* ctx_ = nullptr;
    sim::Simulation* sim_ = nullptr;
    sim::Network* net_ = nullptr;
    /// What drives each node's code: timers, messages, processors (node_runtime.h).
    std::unique_ptr<core::SimNodeRuntime> runtime_;
    core::NodeContext node(sim::NodeIndex i) const { return core::NodeContext(*runtime_, i); }
    core::MessageChannel<ModelMessage> models_;
    core::MessageChannel<UpdateMessage> updates_;
    std::unordered_map<std::uint64_t, Running> running_;  // by its own number
    core::ComputeMarket* market_ = nullptr;               // compute rent
    core::Payments* payments_ = nullptr;  // who pays for rented compute, when there is money
    std::uint64_t nextRunning_ = 1;
    std::vector<std::shared_ptr<LocalTraining>> unrun_;  // started, arithmetic not yet run
    core::NodeDisplay display_;
    /// The codes of the node states it shows (definition.cpp declares them).
    struct Shown {
        sim::NodeStateCode selected, delivered, poisoned, droppedOut, late, rejected, malicious,
            banned;
    } shown_{};
    /// Shows client k's part in the round; what it is between rounds: malicious or nothing.
    void showClient(std::size_t k, sim::NodeStateCode state) const {
        display_.state(clients_[k], state);
    }
    void showAtRest(std::size_t k) const {
        display_.state(clients_[k], banned(k)       ? shown_.banned
                                    : malicious_[k] ? shown_.malicious
                                                    : sim::kNoNodeState);
    }
    /// An update of client k arrived in time: delivered, or poisoned from a malicious client.
    void showDelivered(std::size_t k) const {
        showClient(k, attacking(k, round_) ? shown_.poisoned : shown_.delivered);
    }
    /// Whether client k attacks in `round`: it is malicious and the attack has begun.
    bool attacking(std::size_t k, std::uint64_t round) const {
        return malicious_[k] && round >= static_cast<std::uint64_t>(cfg_.attackFrom);
    }
    /// The events it records (definition.cpp declares their kinds).
    core::EventRecorder events_;
    struct EventKinds {
        core::EventKind sent, poisoned, accepted, late, rejected, closed;
    } kinds_{};
    /// Records event `kind` about the update of the round's selected client `slot`, identified
    /// by its digest (computed once). Call only when events_.on().
    void recordUpdate(core::EventKind kind, std::size_t slot);

    std::unique_ptr<FederationData> data_;
    std::unique_ptr<fl::Model> model_;
    std::unique_ptr<fl::Strategy> strategy_;
    std::unique_ptr<fl::DpFedAvg> dp_;
    fl::RdpAccountant accountant_;
    std::unique_ptr<fl::UpdateAttack> attack_;
    std::vector<char> malicious_;
    core::SecureAggregator* secure_ = nullptr;
    core::SecureAggregator::SessionId session_ = 0;
    bool sessionOpen_ = false;  // a session for the round under way
    std::unordered_map<sim::NodeIndex, std::size_t> secureSlot_;  // a party's slot this round
    std::vector<core::UpdateReview*> reviewers_;
    core::LedgerService* ledger_ = nullptr;
    std::vector<sim::NodeIndex> rejected_;  // this round's vetoed clients (this server step's)
    // The clients whose updates this round's (this step's) model is made of, with the updates'
    // digests when someone reviews or records them.
    std::vector<sim::NodeIndex> contributors_;
    std::vector<core::Digest> contributorDigests_;
    std::vector<double> contributorSizes_;  // their updates' lengths (NaN where unseen)
    std::vector<core::Digest> manifests_;   // per client, honest then attacking, once computed
    std::vector<char> manifested_;
    std::vector<std::uint32_t> clientOf_;  // per network node: its client index, or kNone
    // governance
    struct Release {
        std::uint64_t round = 0;
        std::uint64_t lineage = 0;  // the rollbacks before it: a later one voids it
        fl::ServerState state;
    };
    core::Governance* governance_ = nullptr;
    std::map<core::Governance::ProposalId, Release> releases_;  // proposed, not decided
    fl::ServerState accepted_;  // the last accepted model (at first the initial one)
    std::uint64_t acceptedRound_ = 0;
    std::uint64_t lineage_ = 0;       // rollbacks so far
    std::uint64_t roundLineage_ = 0;  // lineage_ when the round in progress started
    std::vector<char> banned_, banProposed_;
    std::map<core::Governance::ProposalId, std::vector<std::string>> traced_;  // ban: named
    /// Churn: each client's current state and when it next changes (16 bytes a client),
    /// advanced on demand from the client's own stream.
    struct Churn {
        sim::SimTime next = 0;
        std::uint32_t changes = 0;
        bool on = true;
    };
    std::vector<Churn> churn_;
    fl::TrainOptions train_;
    sim::NodeIndex server_ = 0;
    std::vector<sim::NodeIndex> clients_;
    std::uint64_t seed_ = 1;
    Config cfg_;                      // the parameters, read once
    std::uint64_t messageBytes_ = 0;  // a model or an update on the wire
    bool async() const { return cfg_.mode == Mode::Async; }
    /// Malicious clients train on flipped labels (label flipping, model replacement).
    bool flipsLabels() const {
        return cfg_.attack == Attack::LabelFlip || cfg_.attack == Attack::ModelReplacement;
    }
    std::size_t threads_ = 1;

    // synchronous rounds
    std::uint64_t round_ = 0;  // the round in progress (1-based); 0 before the first
    sim::SimTime roundStart_ = 0, deadline_ = sim::kTimeNever;
    std::shared_ptr<const Eigen::VectorXd> roundModel_;  // the model this round's clients get
    std::vector<std::size_t> selected_;                  // client numbers of this round, ascending
    std::vector<Work> work_;                             // one per selected client
    std::size_t outstanding_ = 0;  // direct clients and edges still to be heard from
    bool roundOpen_ = false;
    bool targetReached_ = false;
    /// The server is down and held training back (a lost round, a round or a dispatch it could
    /// not start): training resumes when it recovers.
    bool resumeOnRecovery_ = false;
    std::size_t participants_ = 0;    // clients whose work is in the last aggregate
    std::vector<double> accuracies_;  // their accuracy on their own test rows

    // hierarchy: client k reports to edges_[edgeOf_[k]], or to the server if kNoEdge
    static constexpr std::uint32_t kNoEdge = 0xffffffffu;
    std::vector<EdgeAggregator> edges_;
    std::vector<std::uint32_t> edgeOf_;

    // asynchronous training
    std::vector<Dispatch> dispatches_;   // by id; finished ones keep only their client
    std::vector<std::uint64_t> buffer_;  // dispatch ids whose updates wait for the next step
    std::vector<char> busy_;             // per client: training now
    std::vector<std::uint64_t> clientDispatch_;  // per client: its dispatch while busy
    std::uint64_t dispatchCount_ = 0;            // dispatch rounds so far (streams, diurnal draws)
    std::size_t inFlight_ = 0;                   // clients training or uploading now
    bool finished_ = false;                      // rounds reached: later updates are ignored
    std::shared_ptr<const Eigen::VectorXd> current_;  // the model version handed out

    // the tables: per client, per round, and (async) since the last server step
    std::vector<ClientRecord> clientRecords_;
    std::vector<RoundRecord> roundRecords_;
    std::uint32_t sentSinceStep_ = 0, droppedSinceStep_ = 0;

    sim::PortId edgeModelPort_ = 0, edgeUpdatePort_ = 0;
    sim::KindId roundKind_ = 0;
    Metrics m_{};
};

}  // namespace dais::layers::federated
