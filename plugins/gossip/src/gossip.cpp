// The gossip layer. Read it from the top: the definition says what the layer is to the rest of
// DAIS; the Gossip class is the model, in the order a run meets it (setup, rumour arrivals,
// copies arriving or lost, the end of a rumour, the end of the run).
#include "dais/layers/gossip.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/layer_definition.h"

namespace dais::layers::gossip {

namespace {

using sim::MetricId;
using sim::NodeIndex;
using sim::SimTime;

// --- the declaration ---------------------------------------------------------------------------

enum class Peers { Random, Neighbours };
enum class Mode { Once, Mongering };

/// The layer's parameters, as the definition below fills them.
struct Config {
    std::string role;
    double fanout = 0;
    Peers peers = Peers::Random;
    Mode mode = Mode::Once;
    double stopK = 1;
    std::uint32_t ttl = 0;  // 0: no limit
    double rumourRate = 0;
    std::int64_t rumours = 0;
    std::uint64_t messageSize = 0;
    SimTime start = 0;
};

/// The layer's metrics, by handle.
struct Metrics {
    MetricId started, skipped, finished, complete, unfinished, activeMax, sent, lost, duplicates,
        ttlExpired, coverage, coverageUp, delay, hops, timeTo99, timeToLast, traffic, nodeSent;
};

using Definition = core::LayerDefinition<Config, Metrics>;

Definition define() {
    Definition d("gossip", "Gossip broadcast", "1.0.0");
    d.summary(
        "Push gossip (epidemic broadcast). Rumours start at random participating nodes, as a "
        "Poisson process; a node that hears a rumour for the first time pushes it to `fanout` "
        "peers chosen at random, and every copy is a message over the simulated network. Mode "
        "\"once\" is infect-and-die; \"mongering\" is Demers et al.'s rumour mongering with "
        "feedback and a coin: a copy that reaches a node that already knew is passed on to one "
        "more peer unless a coin with probability 1/stop_k stops it. Measures coverage, delay "
        "and traffic per rumour, to compare with the epidemic theory.");

    d.text("role", &Config::role, "", "",
           "The node role that takes part (\"peer\", \"phone\"...). Empty: every node that has a "
           "role; gateways made by topologies have none and only route.");
    d.real("fanout", &Config::fanout, 3, "peers",
           "Peers a node pushes a rumour to when it first hears it. A fraction is a probability: "
           "1.5 pushes to one peer, and to a second one half of the time. Capped by the number "
           "of peers there are.")
        .range(0.1, 1000);
    d.choice("peers", &Config::peers, Peers::Random,
             {{"random", Peers::Random}, {"neighbours", Peers::Neighbours}},
             "Where peers come from: \"random\", any participating node (the uniform mixing of "
             "the epidemic theory); \"neighbours\", the participating nodes the node has a link "
             "to.");
    d.choice("mode", &Config::mode, Mode::Once,
             {{"once", Mode::Once}, {"mongering", Mode::Mongering}},
             "\"once\": a node pushes only when it first hears a rumour (infect-and-die). "
             "\"mongering\": a copy that reaches a node that already knew is passed on to one "
             "more random peer, unless a coin with probability 1/stop_k stops it (Demers et al., "
             "feedback and coin).");
    d.real("stop_k", &Config::stopK, 2, "",
           "Mongering only: an unnecessary push (to a node that already knew) stops with "
           "probability 1/stop_k. 1 is the same as \"once\"; larger values reach more nodes with "
           "more messages.")
        .range(1, 1000);
    d.integer("ttl", &Config::ttl, 0, "hops",
              "Most gossip hops a rumour travels from its origin: a node that receives a copy at "
              "hop ttl does not push it on. 0: no limit.")
        .range(0, 65535);
    d.real("rumour_rate", &Config::rumourRate, 1, "1/s",
           "Rumours started per simulated second, over all participants (a Poisson process; "
           "each rumour starts at a participant drawn uniformly, and not at all if that node is "
           "down).")
        .range(0.001, 1e6);
    d.integer("rumours", &Config::rumours, 100, "rumours",
              "How many rumour arrivals there are in all; the run's horizon may end them sooner.")
        .range(1, 1e9);
    d.size("message_size", &Config::messageSize, "1kB",
           "Bytes of every copy of a rumour on the wire.")
        .range(1, 1e9);
    d.duration("start", &Config::start, "0s", "When the rumour arrivals begin.").atLeast(0);

    d.counter("gossip.rumours.started", &Metrics::started, "rumours", "Rumours started.");
    d.counter("gossip.rumours.skipped", &Metrics::skipped, "rumours",
              "Rumour arrivals at a node that was down: not started.");
    d.counter("gossip.rumours.finished", &Metrics::finished, "rumours",
              "Rumours whose last copy has arrived or been lost; coverage, traffic and time to "
              "last describe these.");
    d.counter("gossip.rumours.complete", &Metrics::complete, "rumours",
              "Finished rumours that reached every participant.");
    d.gauge("gossip.rumours.unfinished", &Metrics::unfinished, "rumours",
            "Rumours still spreading when the run ended (left out of coverage and traffic).");
    d.gauge("gossip.rumours.active_max", &Metrics::activeMax, "rumours",
            "Most rumours spreading at once; each holds one bit per participant.");
    d.counter("gossip.messages.sent", &Metrics::sent, "messages", "Copies of rumours sent.");
    d.counter("gossip.messages.lost", &Metrics::lost, "messages",
              "Copies lost by the network (link loss, a node or link down, no route).");
    d.counter("gossip.duplicates", &Metrics::duplicates, "messages",
              "Copies that reached a node that already knew the rumour.");
    d.counter("gossip.ttl_expired", &Metrics::ttlExpired, "messages",
              "First receipts that were not pushed on because the copy had made ttl hops.");
    d.distribution("gossip.coverage", &Metrics::coverage, "1",
                   "Per finished rumour: the fraction of participants that heard it, its origin "
                   "included. Infect-and-die with random peers: about c, where c = 1 - exp(-fanout "
                   "c).");
    d.distribution("gossip.coverage_up", &Metrics::coverageUp, "1",
                   "Per finished rumour: of the participants up when it finished, the fraction "
                   "that heard it. Where nodes crash, coverage counts the crashed as missed and "
                   "this does not: it tells a rumour that failed to spread from one that had "
                   "fewer nodes to reach.");
    d.distribution("gossip.delay", &Metrics::delay, "s",
                   "Per first receipt: seconds from the rumour's start until the node heard it.");
    d.distribution("gossip.hops", &Metrics::hops, "hops",
                   "Per first receipt: gossip hops from the origin (network hops are in "
                   "net.hops).");
    d.distribution("gossip.time_to_99", &Metrics::timeTo99, "s",
                   "Per rumour that reached 99% of the participants: seconds from its start until "
                   "then.");
    d.distribution("gossip.time_to_last", &Metrics::timeToLast, "s",
                   "Per finished rumour: seconds from its start until its last first receipt.");
    d.distribution("gossip.traffic", &Metrics::traffic, "messages",
                   "Per finished rumour: copies sent per participant (Demers et al.'s traffic m; "
                   "with random peers, the fraction missed is about exp(-m)).");
    d.counter("gossip.node_sent", &Metrics::nodeSent, "messages",
              "Per participant: copies of rumours it sent (where the load of spreading falls).",
              sim::MetricScope::Node);

    // One rumour at a time is shown on the studio's canvas, as it spreads (Demers et al.'s
    // susceptible, infective and removed).
    d.nodeState("origin", "#d6336c", "Where the rumour shown started.");
    d.nodeState("informed", "#2f9e44", "Has heard the rumour shown, and pushed it on.");
    d.nodeState("stopped", "#868e96",
                "Mongering: heard the rumour shown and then stopped pushing it (the coin fell).");

    d.table("gossip.rumours", "Rumours",
            "One row per rumour started, oldest first (the latest 100,000 when more have "
            "started): where it began, how far it got and what it cost.")
        .integer("rumour", "", "The rumour's number: 1 for the first one started.")
        .node("origin", "The participant it started at.")
        .time("started", "When it started.")
        .integer("reached", "participants", "Participants that have heard it, its origin included.")
        .real("coverage", "1",
              "Of the participants, the fraction that have heard it (gossip.coverage, once it has "
              "finished).")
        .integer("sent", "messages", "Copies of it sent so far.")
        .time("last_reached",
              "When its last new participant heard it, once it has finished spreading (empty "
              "while copies are in flight).")
        .flag("spreading", "Copies of it are still in flight.")
        .key("rumour");

    // What happened to each rumour, for tracing one: its digest is that of its number.
    d.eventKind("gossip.rumour_started",
                "A rumour started at its origin; the digest identifies the rumour (SHA-256 of its "
                "number as 8 bytes, least significant first).");
    d.eventKind("gossip.rumour_stopped",
                "A rumour's last copy arrived or was lost: it stopped spreading. The node is its "
                "origin; the detail says how far it got and what it cost.");
    return d;
}

const Definition& definition() {
    static const Definition d = define();
    return d;
}

// --- the model ---------------------------------------------------------------------------------

/// A copy's payload word: the rumour's slot in the low 32 bits, the copy's gossip hop count in
/// the high 32 bits. A slot is reused only once no copy of its rumour is left in flight.
constexpr std::uint64_t packPayload(std::uint32_t slot, std::uint32_t hops) {
    return (std::uint64_t{hops} << 32) | slot;
}
constexpr std::uint32_t slotOf(std::uint64_t payload) {
    return static_cast<std::uint32_t>(payload);
}
constexpr std::uint32_t hopsOf(std::uint64_t payload) {
    return static_cast<std::uint32_t>(payload >> 32);
}

constexpr std::uint32_t kNotParticipant = sim::kNone;

/// What identifies rumour `number` in events: SHA-256 of the number as 8 bytes, least
/// significant first.
core::Digest rumourDigest(std::uint64_t number) {
    std::byte bytes[8];
    for (std::size_t i = 0; i < 8; ++i)
        bytes[i] = static_cast<std::byte>(number >> (8 * i));
    return core::sha256(bytes);
}

class Gossip final : public core::Layer, private sim::FaultListener {
  public:
    void estimateMemory(core::LayerEstimateContext& ctx) const override;
    void setup(core::LayerContext& ctx) override;
    void finish(core::LayerContext& ctx) override;
    void inspect(std::string_view table, core::TableWriter& out) override;

  private:
    /// One rumour while it spreads. Its state is one bit per participant, reused by the next
    /// rumour once this one's last copy has arrived or been lost.
    struct Rumour {
        std::vector<std::uint64_t> known;  // bit p: participant p has heard it
        SimTime startedAt = 0;
        SimTime lastReceipt = 0;
        std::uint64_t reached = 0;    // participants that know it, the origin included
        std::uint64_t reachedUp = 0;  // of them, those up now
        std::uint64_t inFlight = 0;   // copies sent and not yet delivered or lost
        std::uint64_t sent = 0;
        std::uint64_t number = 0;  // 1 for the first rumour started
        NodeIndex origin = 0;
    };
    /// What the rumours table shows of a rumour: written when it starts and when it ends; while
    /// it spreads, its Rumour slot has the figures.
    struct RumourRecord {
        std::uint64_t number = 0;
        SimTime startedAt = 0, lastReceipt = 0;
        std::uint64_t reached = 0, sent = 0;
        NodeIndex origin = 0;
        std::uint32_t slot = 0;
        bool finished = false;
    };
    static constexpr std::size_t kHistory = 100'000;  // rumours the table keeps at most
    void findParticipants(core::LayerContext& ctx);
    void findNeighbours();
    void scheduleArrival(SimTime after);

    // Event and port handlers: plain member functions, called through the kernel's and the
    // network's function pointers with `this` as context. Nothing is allocated per call.
    void onArrival(sim::Simulation& sim, const sim::Event& e);
    static void onDeliveryThunk(void* self, sim::Network&, const sim::Delivery& d) {
        static_cast<Gossip*>(self)->onDelivery(d);
    }
    static void onLossThunk(void* self, sim::Network&, const sim::Loss& l) {
        static_cast<Gossip*>(self)->onLoss(l);
    }
    void onDelivery(const sim::Delivery& d);
    void onLoss(const sim::Loss& l);
    /// A participant crashed or recovered: the count of participants up, and of those up that
    /// know each spreading rumour, follow.
    void onNodeUp(NodeIndex node, bool up) override;

    std::uint32_t newRumour();
    void recordStart(std::uint32_t slot, NodeIndex origin);
    RumourRecord* recordOf(std::uint64_t number);
    [[noreturn, gnu::cold]] void tooManyRumours(std::uint64_t bytes) const;
    void endRumour(std::uint32_t slot);
    std::uint32_t drawFanout(std::uint32_t self);
    void push(std::uint32_t slot, std::uint32_t self, std::uint32_t count, std::uint32_t hops);
    NodeIndex candidate(std::uint32_t self, std::uint32_t c) const;

    sim::Simulation* sim_ = nullptr;
    sim::Network* net_ = nullptr;
    Metrics m_{};
    // The canvas follows one rumour from start to end, then the next one to start: the slot it
    // follows (kNone: none), and the codes of the states it shows.
    core::NodeDisplay display_;
    std::uint32_t shownSlot_ = sim::kNone;
    sim::NodeStateCode originState_ = 0, informedState_ = 0, stoppedState_ = 0;
    // The events it records: a rumour starting and stopping, identified by its digest.
    core::EventRecorder events_;
    core::EventKind startedEvent_ = 0, stoppedEvent_ = 0;
    sim::KindId arrivalKind_ = 0;
    sim::PortId port_ = 0;

    // parameters, read once, and what follows from them
    Config cfg_;
    std::uint32_t fanoutWhole_ = 0;
    double fanoutFraction_ = 0;
    bool randomPeers_ = true;
    bool mongering_ = false;
    double stopProbability_ = 1;
    double meanGapNs_ = 0;
    std::int64_t arrivalsLeft_ = 0;

    // participants: dense indices 0..P-1, and the way back from a node index
    std::vector<NodeIndex> participants_;
    std::vector<std::uint32_t> participantOf_;  // per node: its index, or kNotParticipant
    std::uint64_t threshold99_ = 0;             // participants that make 99%
    // peers = "neighbours": each participant's participating neighbours (compressed rows)
    std::vector<std::uint32_t> neighbourStart_;
    std::vector<NodeIndex> neighbours_;

    // Random streams, one per (node, purpose): a node's draws depend on its own history only,
    // never on the order of events elsewhere, and the purposes do not disturb each other.
    sim::RngStream arrivals_;              // layer-wide: arrival gaps and origins
    std::vector<sim::RngStream> peerRng_;  // per participant: fanout rounding and peer choice
    std::vector<sim::RngStream> coinRng_;  // per participant: the mongering coin
    std::vector<std::uint32_t> marks_;     // scratch for sampling peers without replacement
    std::uint32_t stamp_ = 0;

    std::vector<Rumour> rumours_;
    std::vector<char> spreading_;  // per slot: its rumour is spreading (not a free slot)
    std::vector<std::uint32_t> freeSlots_;
    std::uint64_t participantsUp_ = 0;
    std::uint64_t active_ = 0, activeMax_ = 0;

    // The rumours table: rumour n in history_[(n - 1) % historyCap_], the oldest overwritten
    // once it is full. Its memory comes from the run's budget as it grows; when the budget
    // cannot spare more, the table keeps fewer rumours (the run goes on as it would).
    std::vector<RumourRecord> history_;
    std::size_t historyCap_ = kHistory;
    std::uint64_t startedCount_ = 0;
};

/// What the layer holds whatever happens: per participant its random streams (two in
/// mongering), its index and a scratch mark, per node its participant index, and one rumour's
/// bit per participant. Rumours that spread at once take more, from the run's budget as they
/// start (newRumour); their copies in flight are the network's.
void Gossip::estimateMemory(core::LayerEstimateContext& ctx) const {
    const Config cfg = definition().read(ctx.params());
    const auto nodes = static_cast<double>(ctx.nodeCount());
    double participants = nodes;
    if (!cfg.role.empty()) participants = static_cast<double>(ctx.nodeCountWithRole(cfg.role));
    const double perParticipant =
        sizeof(sim::RngStream) * (cfg.mode == Mode::Mongering ? 2.0 : 1.0) + sizeof(NodeIndex) +
        sizeof(std::uint32_t) + 1.0 / 8;
    ctx.need("role",
             sim::countText(participants) + " gossip participants among " + sim::countText(nodes) +
                 " nodes",
             participants * perParticipant + nodes * sizeof(std::uint32_t));
}

void Gossip::setup(core::LayerContext& ctx) {
    sim_ = &ctx.simulation();
    net_ = &ctx.network();
    cfg_ = definition().read(ctx.params());
    fanoutWhole_ = static_cast<std::uint32_t>(std::floor(cfg_.fanout));
    fanoutFraction_ = cfg_.fanout - std::floor(cfg_.fanout);
    randomPeers_ = cfg_.peers == Peers::Random;
    mongering_ = cfg_.mode == Mode::Mongering;
    stopProbability_ = 1.0 / cfg_.stopK;
    meanGapNs_ = 1e9 / cfg_.rumourRate;
    arrivalsLeft_ = cfg_.rumours;

    findParticipants(ctx);
    if (!randomPeers_) findNeighbours();
    const std::size_t n = participants_.size();
    threshold99_ = static_cast<std::uint64_t>(std::ceil(0.99 * static_cast<double>(n)));
    marks_.assign(n, 0);
    arrivals_ = ctx.rng(0, "arrivals");  // a layer-wide stream: node 0, a purpose of its own
    peerRng_.reserve(n);
    for (NodeIndex node : participants_)
        peerRng_.push_back(ctx.rng(node, "peers"));
    if (mongering_) {
        coinRng_.reserve(n);
        for (NodeIndex node : participants_)
            coinRng_.push_back(ctx.rng(node, "coin"));
    }

    m_ = definition().defineMetrics(ctx);
    display_ = ctx.display();
    originState_ = ctx.nodeState("origin");
    informedState_ = ctx.nodeState("informed");
    stoppedState_ = ctx.nodeState("stopped");
    events_ = ctx.events();
    startedEvent_ = ctx.eventKind("gossip.rumour_started");
    stoppedEvent_ = ctx.eventKind("gossip.rumour_stopped");

    arrivalKind_ = sim_->registerKind<&Gossip::onArrival>("gossip.arrival", *this);
    port_ = net_->registerPort("gossip", &Gossip::onDeliveryThunk, this, &Gossip::onLossThunk);
    for (NodeIndex node : participants_)
        participantsUp_ += net_->nodeUp(node);
    net_->addFaultListener(this);
    scheduleArrival(cfg_.start);
}

void Gossip::findParticipants(core::LayerContext& ctx) {
    const std::string& role = cfg_.role;
    const auto nodes = static_cast<NodeIndex>(net_->nodeCount());
    participantOf_.assign(nodes, kNotParticipant);
    for (NodeIndex i = 0; i < nodes; ++i) {
        const std::string_view r = net_->role(i);
        if (role.empty() ? !r.empty() : r == role) {
            participantOf_[i] = static_cast<std::uint32_t>(participants_.size());
            participants_.push_back(i);
        }
    }
    if (!participants_.empty()) return;
    if (role.empty()) ctx.failParam("role", "no node has a role, so no node takes part in gossip");
    std::vector<std::string_view> roles;
    for (NodeIndex i = 0; i < nodes; ++i)
        if (!net_->role(i).empty()) roles.push_back(net_->role(i));
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    std::string have;
    for (std::string_view r : roles)
        have += (have.empty() ? "" : ", ") + std::string(r);
    ctx.failParam("role", "no node has role \"" + role +
                              "\"; the network's roles are: " + (have.empty() ? "none" : have));
}

void Gossip::findNeighbours() {
    neighbourStart_.assign(1, 0);
    for (NodeIndex node : participants_) {
        const auto first = neighbours_.size();
        for (const sim::Adjacent& a : net_->adjacency(node))
            if (a.node != node && participantOf_[a.node] != kNotParticipant)
                neighbours_.push_back(a.node);
        // Two links between the same nodes make one neighbour.
        const auto begin = neighbours_.begin() + static_cast<std::ptrdiff_t>(first);
        std::sort(begin, neighbours_.end());
        neighbours_.erase(std::unique(begin, neighbours_.end()), neighbours_.end());
        neighbourStart_.push_back(static_cast<std::uint32_t>(neighbours_.size()));
    }
}

// --- rumour arrivals ---------------------------------------------------------------------------

/// The next arrival of the Poisson process, addressed to its origin (drawn now).
void Gossip::scheduleArrival(SimTime after) {
    if (arrivalsLeft_ <= 0) return;
    --arrivalsLeft_;
    const double gapNs = arrivals_.exponential(meanGapNs_);
    const auto origin = participants_[arrivals_.below(participants_.size())];
    SimTime at;
    if (!(gapNs < 9223372036854775808.0) ||  // 2^63 ns
        !sim::addTime(after, static_cast<SimTime>(gapNs), at)) [[unlikely]] {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%g", 1e9 / meanGapNs_);
        throw core::LayerError(
            "/layers/gossip: the next rumour would arrive " + sim::formatSeconds(gapNs * 1e-9) +
            " after " + sim::formatSeconds(sim::toSeconds(after)) + " (rumour_rate " + rate +
            " per second), at " + sim::formatSeconds(sim::toSeconds(after) + gapNs * 1e-9) +
            ", beyond " + sim::longestTimeText());
    }
    sim_->scheduleAt(at, origin, arrivalKind_);
}

void Gossip::onArrival(sim::Simulation& sim, const sim::Event& e) {
    scheduleArrival(e.time);
    sim::Metrics& M = sim.metrics();
    const NodeIndex origin = e.target;
    if (!net_->nodeUp(origin)) {  // a crashed node starts nothing
        M.add(m_.skipped, 1);
        return;
    }
    const std::uint32_t slot = newRumour();
    Rumour& r = rumours_[slot];
    const std::uint32_t self = participantOf_[origin];
    r.known[self >> 6] |= std::uint64_t{1} << (self & 63);
    r.reached = r.reachedUp = 1;
    r.startedAt = r.lastReceipt = e.time;
    r.number = ++startedCount_;
    r.origin = origin;
    recordStart(slot, origin);
    if (events_.on())
        events_.record(startedEvent_, origin, rumourDigest(r.number),
                       "rumour " + std::to_string(r.number));
    M.add(m_.started, 1);
    if (shownSlot_ == sim::kNone && display_.on()) {
        shownSlot_ = slot;
        display_.state(origin, originState_);
    }
    push(slot, self, drawFanout(self), 1);
    if (r.inFlight == 0) endRumour(slot);  // nobody to push to
}

std::uint32_t Gossip::newRumour() {
    std::uint32_t slot;
    if (!freeSlots_.empty()) {
        slot = freeSlots_.back();
        freeSlots_.pop_back();
        std::fill(rumours_[slot].known.begin(), rumours_[slot].known.end(), 0);
    } else {
        // A rumour more at once than ever before: its bits come from the run's budget.
        const std::uint64_t bytes = (participants_.size() + 63) / 64 * 8 + sizeof(Rumour);
        if (!sim_->takeMemory(bytes)) tooManyRumours(bytes);
        slot = static_cast<std::uint32_t>(rumours_.size());
        rumours_.emplace_back();
        rumours_.back().known.assign((participants_.size() + 63) / 64, 0);
        spreading_.push_back(0);
    }
    spreading_[slot] = 1;
    Rumour& r = rumours_[slot];
    r.inFlight = r.sent = 0;
    activeMax_ = std::max(activeMax_, ++active_);
    return slot;
}

void Gossip::recordStart(std::uint32_t slot, NodeIndex origin) {
    const Rumour& r = rumours_[slot];
    const RumourRecord record{r.number, r.startedAt, r.startedAt, 1, 0, origin, slot, false};
    if (history_.size() < historyCap_ && history_.size() == history_.capacity()) {
        const std::size_t grown =
            std::min(historyCap_, std::max<std::size_t>(64, history_.capacity() * 2));
        if (sim_->takeMemory((grown - history_.capacity()) * sizeof(RumourRecord)))
            history_.reserve(grown);
        else
            historyCap_ = history_.size();  // keep the rumours it has room for
    }
    if (history_.size() < historyCap_)
        history_.push_back(record);
    else if (historyCap_ > 0)
        history_[(r.number - 1) % historyCap_] = record;
}

Gossip::RumourRecord* Gossip::recordOf(std::uint64_t number) {
    if (historyCap_ == 0) return nullptr;
    const std::size_t i = (number - 1) % historyCap_;
    return i < history_.size() && history_[i].number == number ? &history_[i] : nullptr;
}

void Gossip::tooManyRumours(std::uint64_t bytes) const {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", cfg_.rumourRate);
    throw sim::MemoryExhausted(
        "/layers/gossip/rumour_rate: at t=" + sim::formatTime(sim_->now()) + ", " +
        sim::countText(static_cast<double>(active_ + 1)) + " rumours would be spreading at once (" +
        rate + " start per second), each holding " + sim::memoryText(static_cast<double>(bytes)) +
        " (a bit per participant); with " + sim::countText(static_cast<double>(net_->inFlight())) +
        " copies in flight, more than the " +
        sim::memoryText(static_cast<double>(sim_->memoryBudget())) + " of memory left to the run");
}

// --- copies arriving ---------------------------------------------------------------------------

void Gossip::onDelivery(const sim::Delivery& d) {
    const std::uint32_t slot = slotOf(d.payload);
    const std::uint32_t hops = hopsOf(d.payload);
    const std::uint32_t self = participantOf_[d.to];
    DAIS_CHECK(slot < rumours_.size() && rumours_[slot].inFlight > 0 && self != kNotParticipant,
               "a gossip copy arrived that no rumour sent");
    Rumour& r = rumours_[slot];
    --r.inFlight;
    sim::Metrics& M = sim_->metrics();
    const bool mayPush = cfg_.ttl == 0 || hops < cfg_.ttl;
    std::uint64_t& word = r.known[self >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (self & 63);
    if ((word & bit) == 0) {  // first receipt
        word |= bit;
        ++r.reached;
        ++r.reachedUp;  // it was delivered, so the node is up
        r.lastReceipt = d.now;
        M.observe(m_.delay, sim::toSeconds(d.now - r.startedAt));
        M.observe(m_.hops, hops);
        if (r.reached == threshold99_) M.observe(m_.timeTo99, sim::toSeconds(d.now - r.startedAt));
        if (slot == shownSlot_) display_.state(d.to, informedState_);
        if (mayPush)
            push(slot, self, drawFanout(self), hops + 1);
        else
            M.add(m_.ttlExpired, 1);
    } else {  // an unnecessary push
        M.add(m_.duplicates, 1);
        if (mongering_ && mayPush) {
            if (!coinRng_[self].bernoulli(stopProbability_))
                push(slot, self, 1, hops + 1);
            else if (slot == shownSlot_)
                display_.state(d.to, stoppedState_);
        }
    }
    if (r.inFlight == 0) endRumour(slot);
}

void Gossip::onLoss(const sim::Loss& l) {
    const std::uint32_t slot = slotOf(l.payload);
    DAIS_CHECK(slot < rumours_.size() && rumours_[slot].inFlight > 0,
               "a gossip copy was lost that no rumour sent");
    sim_->metrics().add(m_.lost, 1);
    if (--rumours_[slot].inFlight == 0) endRumour(slot);
}

void Gossip::endRumour(std::uint32_t slot) {
    const Rumour& r = rumours_[slot];
    sim::Metrics& M = sim_->metrics();
    const auto n = static_cast<double>(participants_.size());
    M.add(m_.finished, 1);
    if (r.reached == participants_.size()) M.add(m_.complete, 1);
    M.observe(m_.coverage, static_cast<double>(r.reached) / n);
    if (participantsUp_ > 0)
        M.observe(m_.coverageUp,
                  static_cast<double>(r.reachedUp) / static_cast<double>(participantsUp_));
    M.observe(m_.traffic, static_cast<double>(r.sent) / n);
    M.observe(m_.timeToLast, sim::toSeconds(r.lastReceipt - r.startedAt));
    if (events_.on()) {
        char detail[160];
        std::snprintf(
            detail, sizeof detail, "rumour %llu reached %llu of %zu participants with %llu copies",
            static_cast<unsigned long long>(r.number), static_cast<unsigned long long>(r.reached),
            participants_.size(), static_cast<unsigned long long>(r.sent));
        events_.record(stoppedEvent_, r.origin, rumourDigest(r.number), detail);
    }
    if (RumourRecord* record = recordOf(r.number)) {
        record->reached = r.reached;
        record->sent = r.sent;
        record->lastReceipt = r.lastReceipt;
        record->finished = true;
    }
    --active_;
    if (slot == shownSlot_) {  // the canvas forgets it, ready for the next one
        for (std::size_t w = 0; w < r.known.size(); ++w)
            for (std::uint64_t bits = r.known[w]; bits != 0; bits &= bits - 1)
                display_.clear(
                    participants_[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))]);
        shownSlot_ = sim::kNone;
    }
    spreading_[slot] = 0;
    freeSlots_.push_back(slot);
}

void Gossip::onNodeUp(NodeIndex node, bool up) {
    const std::uint32_t self = participantOf_[node];
    if (self == kNotParticipant) return;
    if (up)
        ++participantsUp_;
    else
        --participantsUp_;
    const std::uint64_t bit = std::uint64_t{1} << (self & 63);
    for (std::size_t slot = 0; slot < rumours_.size(); ++slot) {
        Rumour& r = rumours_[slot];
        if (!spreading_[slot] || (r.known[self >> 6] & bit) == 0) continue;
        if (up)
            ++r.reachedUp;
        else
            --r.reachedUp;
    }
}

// --- pushing -----------------------------------------------------------------------------------

/// The fanout of one push: its whole part, plus one with the probability of its fraction.
std::uint32_t Gossip::drawFanout(std::uint32_t self) {
    if (fanoutFraction_ == 0) return fanoutWhole_;
    return fanoutWhole_ + (peerRng_[self].bernoulli(fanoutFraction_) ? 1 : 0);
}

/// Peer number c of participant `self`, c in [0, number of its candidates).
NodeIndex Gossip::candidate(std::uint32_t self, std::uint32_t c) const {
    if (!randomPeers_) return neighbours_[neighbourStart_[self] + c];
    return participants_[c < self ? c : c + 1];  // every participant but self
}

/// Sends `count` copies from participant `self` to distinct peers drawn uniformly (Floyd's
/// algorithm: exactly `count` draws, a random subset of the candidates).
void Gossip::push(std::uint32_t slot, std::uint32_t self, std::uint32_t count, std::uint32_t hops) {
    const auto candidates = randomPeers_ ? static_cast<std::uint32_t>(participants_.size() - 1)
                                         : neighbourStart_[self + 1] - neighbourStart_[self];
    count = std::min(count, candidates);
    if (count == 0) return;
    if (++stamp_ == 0) {  // the marks wrapped: clear them once every 2^32 pushes
        std::fill(marks_.begin(), marks_.end(), 0);
        stamp_ = 1;
    }
    Rumour& r = rumours_[slot];
    sim::RngStream& rng = peerRng_[self];
    const NodeIndex from = participants_[self];
    for (std::uint32_t j = candidates - count; j < candidates; ++j) {
        auto c = static_cast<std::uint32_t>(rng.below(std::uint64_t{j} + 1));
        if (marks_[c] == stamp_) c = j;
        marks_[c] = stamp_;
        const sim::MessageId id =
            net_->send(from, candidate(self, c), cfg_.messageSize, port_, packPayload(slot, hops));
        DAIS_CHECK(id != 0, "the network refused a gossip copy");
        ++r.inFlight;
        ++r.sent;
    }
    sim_->metrics().add(m_.sent, count);
    sim_->metrics().addNode(m_.nodeSent, from, count);
}

void Gossip::finish(core::LayerContext&) {
    sim::Metrics& M = sim_->metrics();
    M.set(m_.unfinished, static_cast<double>(active_));
    M.set(m_.activeMax, static_cast<double>(activeMax_));
}

void Gossip::inspect(std::string_view table, core::TableWriter& out) {
    if (table != "gossip.rumours") return;
    const auto n = static_cast<double>(participants_.size());
    const std::size_t count = history_.size();
    if (count == 0) return;
    // Oldest first: once the history is full, the oldest is where the next one will go.
    const std::size_t first = count < historyCap_ ? 0 : startedCount_ % count;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const RumourRecord& rec = history_[(first + i) % count];
        std::uint64_t reached = rec.reached, sent = rec.sent;
        if (!rec.finished) {  // its slot has its figures
            const Rumour& r = rumours_[rec.slot];
            reached = r.reached;
            sent = r.sent;
        }
        auto row = out.row();
        row.integer(static_cast<std::int64_t>(rec.number))
            .node(rec.origin)
            .time(rec.startedAt)
            .integer(static_cast<std::int64_t>(reached))
            .real(static_cast<double>(reached) / n)
            .integer(static_cast<std::int64_t>(sent));
        if (rec.finished)
            row.time(rec.lastReceipt);
        else
            row.none();
        row.flag(!rec.finished);
    }
}

}  // namespace

core::LayerFactory factory() {
    return core::LayerFactory{definition().descriptor(), []() -> std::unique_ptr<core::Layer> {
                                  return std::make_unique<Gossip>();
                              }};
}

}  // namespace dais::layers::gossip
