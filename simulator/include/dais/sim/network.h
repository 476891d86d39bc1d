#pragma once
// The network model: nodes, groups, duplex links with latency, bandwidth and loss, FIFO
// serialisation per link direction, store-and-forward routing over cached shortest-path
// trees, scheduled faults, topology generators, background traffic and the messaging API the
// layers build on. Built once from a validated NetworkSpec over a Simulation.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dais/sim/memory_need.h"
#include "dais/sim/network_spec.h"
#include "dais/sim/result.h"
#include "dais/sim/simulation.h"

namespace dais::sim {

using NodeIndex = std::uint32_t;
using LinkIndex = std::uint32_t;
using RegionIndex = std::uint32_t;
using GroupIndex = std::uint32_t;
using PortId = std::uint32_t;
/// A message's number, unique within a network (1, 2, ...); 0 means "no message".
using MessageId = std::uint64_t;

inline constexpr std::uint32_t kNone = 0xffffffffu;

/// A draw of a Variate (in its own unit). Normal draws may be negative; callers clamp.
double drawVariate(const Variate& v, RngStream& rng);

/// Why a message did not arrive.
enum class LossReason : std::uint16_t {
    Random,       ///< the link's loss probability struck
    NodeDown,     ///< the sender, the next node or the receiver was down
    LinkDown,     ///< the link failed while the message was on it
    Unreachable,  ///< no route to the destination over links and nodes that are up
};
std::string_view lossReasonName(LossReason r);

/// What a receiving port sees.
struct Delivery {
    MessageId id = 0;
    NodeIndex from = 0, to = 0;
    std::uint64_t bytes = 0;
    std::uint64_t payload = 0;  ///< the sender's word: an index, a handle, a value
    SimTime sentAt = 0;
    SimTime now = 0;
    std::uint32_t hops = 0;
};

/// What a port's loss handler sees.
struct Loss {
    MessageId id = 0;
    NodeIndex from = 0, to = 0;
    NodeIndex at = 0;  ///< the node where the message was when it was lost
    std::uint64_t bytes = 0;
    std::uint64_t payload = 0;
    SimTime sentAt = 0;
    SimTime now = 0;
    LossReason reason = LossReason::Random;
};

class Network;
/// Port handlers: plain functions with a context pointer (no allocation, no std::function).
using DeliveryFn = void (*)(void* self, Network& net, const Delivery& d);
using LossFn = void (*)(void* self, Network& net, const Loss& l);
/// A receiver's hint (Network::setPortPrefetch): called while the event before runs when the
/// next event will probably bring a message on its port to node `to`, so that the receiver can
/// ask for the memory it will touch and overlap those cache misses with that event. It must
/// only prefetch: the delivery may not follow (a loss, a different event first).
using ArrivalPrefetchFn = void (*)(void* self, NodeIndex to);

/// A node as the CLI and the studio see it (names of group members are made on demand).
struct NodeView {
    NodeIndex index = 0;
    std::string id;
    std::string_view role;
    std::string_view region;  ///< empty if none
    double x = 0, y = 0;      ///< km
    bool up = true;
    GroupIndex group = kNone;  ///< the group the node belongs to, or kNone
    const Resources* resources = nullptr;
};

/// A link as the CLI and the studio see it. Direction 0 is a -> b, direction 1 is b -> a.
struct LinkView {
    LinkIndex index = 0;
    NodeIndex a = 0, b = 0;
    bool up = true;
    const LinkProps* props = nullptr;
    SimTime distanceLatency = 0;  ///< the distance part of the latency (latencyFromDistance)
    SimTime meanLatency = 0;      ///< mean one-way propagation delay: the routing weight (capped)
    std::uint64_t bytes[2] = {0, 0};  ///< bytes that entered each direction
};

/// A group's members are the consecutive nodes first .. first + count - 1.
struct GroupView {
    std::string_view id;
    NodeIndex first = 0;
    std::uint32_t count = 0;
};

/// One link direction's load over the run so far (for run summaries).
struct LinkLoad {
    std::string from, to;
    LinkIndex link = 0;
    double utilisation = 0;  ///< fraction of the elapsed time the direction was transmitting
    std::uint64_t bytes = 0;
};

/// One neighbour in the adjacency list.
struct Adjacent {
    NodeIndex node;
    LinkIndex link;
};

/// What a node is busy with, as layers report it for display (the studio colours nodes by it).
/// It never changes what the simulation does.
enum class NodeActivity : std::uint8_t {
    Idle,     ///< nothing under way
    Working,  ///< computing: training a model, running a job, proving
    Waiting,  ///< waiting for others: a server collecting updates, a buyer awaiting offers
};
std::string_view nodeActivityName(NodeActivity a);

/// Who reports an activity or a node state: 0 for code that does not say; a run numbers its
/// layers from 1 in the order they are set up, so a display can keep each layer's report apart
/// (a node training for one layer and idle for another is working).
using ActivitySource = std::uint16_t;
/// A layer's own state of a node: the index of the state among those the layer declares.
using NodeStateCode = std::uint16_t;
/// The node has no state of that layer (cleared, or never set).
inline constexpr NodeStateCode kNoNodeState = 0xffff;

/// The end of one message, delivered or lost, for displays that draw messages end to end
/// (a sequence chart): who sent it to whom on which port, when it left and when it ended.
struct MessageEnd {
    MessageId id = 0;
    NodeIndex from = 0, to = 0;
    PortId port = 0;
    std::uint64_t bytes = 0;
    SimTime sentAt = 0, endedAt = 0;
    bool delivered = true;
    LossReason reason = LossReason::Random;  ///< why it was lost (when not delivered)
};

/// Receives what the network does as it happens, for animation: every hop a message starts,
/// the end of every message, nodes going down and up, and the activities and states layers
/// report. Called on the simulation's thread, only while added; must be quick. Without a sink
/// the network pays one test per hop.
class ActivitySink {
  public:
    virtual ~ActivitySink() = default;
    /// A message of `bytes` leaves `from` over `link` at `start` (when its transmission begins)
    /// and reaches `to` at `arrive`.
    virtual void onHop(SimTime /*start*/, SimTime /*arrive*/, NodeIndex /*from*/, NodeIndex /*to*/,
                       LinkIndex /*link*/, PortId /*port*/, std::uint64_t /*bytes*/) {}
    /// A message was delivered to its port's handler, or lost (just before its handlers run).
    virtual void onMessageEnd(const MessageEnd& /*end*/) {}
    virtual void onNodeUp(SimTime /*time*/, NodeIndex /*node*/, bool /*up*/) {}
    /// What a node is busy with, as one source (a layer) reports it.
    virtual void onActivity(SimTime /*time*/, NodeIndex /*node*/, NodeActivity /*activity*/,
                            ActivitySource /*source*/) {}
    /// A layer's own state of a node (kNoNodeState: none).
    virtual void onNodeState(SimTime /*time*/, NodeIndex /*node*/, ActivitySource /*source*/,
                             NodeStateCode /*state*/) {}
};

/// What a layer hears of the faults that strike the network, at the simulated time they happen
/// (Simulation::now()), whatever applied them: a scheduled fault of the scenario, a fault's end
/// after its duration, or a layer's own call to setNodeUp. A node or a link is reported only when
/// its state changes: crashing a node that is down says nothing. A region outage reports every
/// node that goes down, then the regions; a partition reports once, after its links are cut or
/// restored (a heal of no partition says nothing). Listeners are called
/// in the order they were added, after the network's own state has changed, so a listener sees
/// the network as it is after the fault and may send messages, schedule events or apply other
/// faults; it must not add or remove listeners from inside a call.
class FaultListener {
  public:
    virtual ~FaultListener() = default;
    /// A node crashed (up = false) or recovered (up = true).
    virtual void onNodeUp(NodeIndex /*node*/, bool /*up*/) {}
    /// A link failed or was repaired (setLinkUp; links a partition cuts are reported as the
    /// partition).
    virtual void onLinkUp(LinkIndex /*link*/, bool /*up*/) {}
    /// The regions went dark (up = false: every node in them crashed) or came back.
    virtual void onRegionsUp(std::span<const RegionIndex> /*regions*/, bool /*up*/) {}
    /// The regions were cut off from all other nodes (cut = true) or the cut healed.
    virtual void onPartition(std::span<const RegionIndex> /*regions*/, bool /*cut*/) {}
};

/// The network model over a Simulation (which must outlive it). Nodes are indexed 0..n-1:
/// first the explicit nodes in spec order, then gateways made by "regions" topologies, then
/// each group's members in consecutive ranges. Messages are store-and-forward: one kernel
/// event per hop arrival, FIFO serialisation per link direction, shortest paths by mean
/// latency. Not copyable; all calls come from the simulation's thread.
///
/// Loss rules: a message is lost at its next node if the link it crossed failed while it was
/// on it (LinkDown, even if the link is back up by then), if that link's loss probability
/// struck (Random), or if the node is down on arrival (NodeDown); at the sender if the sender
/// is down (NodeDown) or no route leads on over links and nodes that are up (Unreachable).
/// Routes may lead to a destination that is down: the message then dies there (NodeDown).
/// What a node had already put on its links keeps going when it crashes. Node state is a flag
/// (the last crash or recovery wins); a link is up when it is neither failed by setLinkUp nor
/// cut by any active partition. Nodes without a region are outside every partitioned set.
class Network {
  public:
    /// The trace category of the faults the network applies (crashes, link cuts, outages);
    /// layers trace under their own ids.
    static constexpr std::string_view kFaultTraceCategory = "fault";

    /// Builds the network, defines its metrics and schedules its traffic and faults. Fails
    /// with a message naming the offending item on errors the spec can still hold (unknown
    /// ids, generator parameters out of range, a second network on one simulation). The
    /// message starts with the item's JSON pointer when there is one ("/network/traffic/3:
    /// traffic 'video': ..."): NetworkSpec's lists are a scenario's network section's, in order.
    static Result<std::unique_ptr<Network>> build(Simulation& sim, const NetworkSpec& spec);
    /// What building `spec` and running it until `horizon` will hold, estimated before anything
    /// is built, one need per part, each named by the scenario value that drives it: the nodes and
    /// the links written out (named by the largest group's count), each topology's expected links
    /// (by its parameter: beta, p, m or members), the route cache, and each traffic flow's
    /// messages in flight (by its rate): rate x the shortest link latency, or, when the flow sends
    /// more bytes than the links of its sources or of its destinations can carry, the messages
    /// that pile up until it stops. Generated links are expected values (for Waxman a lower
    /// bound), so an estimate errs on the small side there.
    static std::vector<MemoryNeed> estimateMemory(const NetworkSpec& spec,
                                                  SimTime horizon = kTimeNever);
    /// The links a topology generator makes over `members` nodes, on average (for Waxman, a
    /// lower bound: members spread evenly over a disc); "regions" counts its members' links only.
    static double expectedTopologyLinks(const TopologySpec& t, double members);
    /// The route cache's default limit (setRouteCacheLimit).
    static constexpr std::size_t kDefaultRouteCacheBytes = std::size_t(256) << 20;
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // --- structure -----------------------------------------------------------------------------
    std::size_t nodeCount() const { return x_.size(); }
    std::size_t linkCount() const { return links_.size(); }
    NodeView node(NodeIndex i) const;
    LinkView link(LinkIndex l) const;
    /// "hospital-3" or "phones[12]"; the member form is made on demand.
    std::string nodeName(NodeIndex i) const;
    /// Where link l comes from, for messages: the JSON pointer of the spec item that made it, as
    /// in a scenario's network section, and its ends: "/network/links/0 (client - server)",
    /// "/network/groups/1/access (phones[12] - gw)", "/network/topologies/0/link (r3 - r7)".
    std::string linkOrigin(LinkIndex l) const;
    /// Index of an explicit node id or a member name ("phones[12]"), or kNone.
    NodeIndex findNode(std::string_view name) const;
    double x(NodeIndex i) const { return x_[i]; }
    double y(NodeIndex i) const { return y_[i]; }
    RegionIndex regionOf(NodeIndex i) const { return region_[i]; }
    /// The node's role ("phone", "server"...); empty for gateways made by topologies.
    std::string_view role(NodeIndex i) const;
    /// The node's compute and storage; nullptr for gateways made by topologies (they have none).
    const Resources* resources(NodeIndex i) const;
    bool nodeUp(NodeIndex i) const { return up_[i] != 0; }
    bool linkUp(LinkIndex l) const { return links_[l].down == 0; }
    std::uint32_t degree(NodeIndex i) const { return adjStart_[i + 1] - adjStart_[i]; }
    std::span<const Adjacent> adjacency(NodeIndex i) const {
        return {adj_.data() + adjStart_[i], adj_.data() + adjStart_[i + 1]};
    }
    /// The other end of link l seen from node i.
    NodeIndex otherEnd(LinkIndex l, NodeIndex i) const {
        return links_[l].a == i ? links_[l].b : links_[l].a;
    }
    std::size_t groupCount() const { return groups_.size(); }
    GroupView group(GroupIndex g) const;
    GroupIndex findGroup(std::string_view id) const;
    /// The group node i belongs to, or kNone.
    GroupIndex groupOf(NodeIndex i) const;
    std::span<const RegionSpec> regions() const { return regions_; }
    RegionIndex findRegion(std::string_view id) const;

    // --- messaging -----------------------------------------------------------------------------
    /// Registers a receiver (a layer, a test). Names are for display and need not be unique.
    /// onLoss, if given, hears of every message sent to this port that is lost.
    PortId registerPort(std::string_view name, DeliveryFn fn, void* self, LossFn onLoss = nullptr);
    std::string_view portName(PortId p) const { return ports_[p].name; }
    std::size_t portCount() const { return ports_.size(); }
    /// Names what sends on port p, for messages about it: the JSON pointer of the layer that
    /// registered it ("/layers/gossip"). A port without one is named by its name.
    void setPortOwner(PortId p, std::string pointer) { ports_[p].owner = std::move(pointer); }
    /// Gives port p a prefetch hint (see ArrivalPrefetchFn); it changes no result, only speed.
    void setPortPrefetch(PortId p, ArrivalPrefetchFn fn);
    /// Sends `bytes` from one node to another; the port's handler runs on arrival. from == to
    /// delivers at once (in a zero-delay event). Handlers never run inside send(): losses that
    /// send() detects (sender down, no route) are reported in a zero-delay event too.
    MessageId send(NodeIndex from, NodeIndex to, std::uint64_t bytes, PortId port,
                   std::uint64_t payload = 0);
    /// Messages sent and not yet delivered or lost. The pool that holds them takes its memory
    /// from the simulation's budget (Simulation::takeMemory) as it grows; when the budget is spent
    /// the run fails with MemoryExhausted naming the flow or the port (its owner) that holds the
    /// most messages in flight.
    std::size_t inFlight() const { return inFlight_; }

    // --- routing -------------------------------------------------------------------------------
    /// The nodes a message from -> to would visit now (both ends included), or empty if
    /// unreachable. Uses (and fills) the route cache like messages do.
    std::vector<NodeIndex> path(NodeIndex from, NodeIndex to);
    /// Caps the memory of the route cache: one tree per destination, of 4 bytes per core node
    /// (a node with two or more links; leaves such as group members attached to a gateway
    /// route through their one link and need no entries). At least one tree is always kept.
    /// Default 256 MiB.
    void setRouteCacheLimit(std::size_t bytes);
    std::size_t routeCacheTrees() const { return routeMap_.size(); }
    std::size_t routeCacheBytes() const;
    /// Shortest-path trees computed so far (cache misses).
    std::uint64_t routeComputations() const { return routeComputations_; }

    // --- faults --------------------------------------------------------------------------------
    /// Crashes (false) or recovers (true) one node. Messages arriving at a down node are lost.
    void setNodeUp(NodeIndex i, bool up);
    void setGroupUp(GroupIndex g, bool up);
    /// Every node in the regions crashes (false) or recovers (true).
    void setRegionsUp(std::span<const RegionIndex> regions, bool up);
    /// Fails (false) or repairs (true) a link; messages on a failing link are lost.
    void setLinkUp(LinkIndex l, bool up);
    /// cut = true: links between the listed regions and all other nodes fail. cut = false
    /// heals a partition of the same set of regions (a no-op if there is none). Returns the
    /// number of links the partition cuts (0 for a heal without a partition).
    std::size_t partition(std::span<const RegionIndex> regions, bool cut);

    /// Adds a listener to the faults (see FaultListener); it must stay valid while added or
    /// until the network is destroyed. Adding one twice adds it once.
    void addFaultListener(FaultListener* listener);
    void removeFaultListener(FaultListener* listener);

    // --- activity, for display ---------------------------------------------------------------
    /// Sends hops, message ends, node state changes and activities to `sink` too, in the order
    /// sinks were added; it must stay valid while added. Adding one twice adds it once.
    void addActivitySink(ActivitySink* sink);
    void removeActivitySink(ActivitySink* sink);
    bool hasActivitySinks() const { return !sinks_.empty(); }
    /// A layer reports what a node is busy with; forwarded to the sinks, if any.
    void setActivity(NodeIndex i, NodeActivity a, ActivitySource source = 0) {
        if (i < nodeCount())
            for (ActivitySink* s : sinks_)
                s->onActivity(sim_.now(), i, a, source);
    }
    /// A layer reports its own state of a node (kNoNodeState: none); forwarded to the sinks.
    void setNodeState(NodeIndex i, ActivitySource source, NodeStateCode state) {
        if (i < nodeCount())
            for (ActivitySink* s : sinks_)
                s->onNodeState(sim_.now(), i, source, state);
    }

    // --- metrics -------------------------------------------------------------------------------
    /// Updates the link-utilisation gauges to now(); call at the end of a run.
    void finish() { updateGauges(); }
    /// Updates the gauges now (finish() does the same, and so does every metric sample).
    void updateGauges();
    /// Fraction of the time so far that a link direction (0: a -> b, 1: b -> a) transmitted.
    double utilisation(LinkIndex l, int direction) const;
    /// The k busiest link directions by utilisation (then bytes, then index).
    std::vector<LinkLoad> busiestLinks(std::size_t k) const;
    /// Bytes held by the network's structure, split so that per-node and per-link costs can
    /// be reported. The route cache and messages in flight are counted apart.
    struct MemoryUse {
        std::size_t nodes = 0;     ///< per-node arrays (position, region, state, adjacency index)
        std::size_t links = 0;     ///< links, link directions and both adjacency entries
        std::size_t other = 0;     ///< explicit nodes' names, groups, properties, indexes
        std::size_t routes = 0;    ///< the route cache
        std::size_t messages = 0;  ///< the message pool
        std::size_t structure() const { return nodes + links + other; }
    };
    MemoryUse memoryUse() const;

    Simulation& simulation() { return sim_; }

  private:
    struct Props {
        LinkProps spec;
        SimTime latencyNs = 0;    // Constant latency, rounded
        SimTime meanNs = 0;       // mean latency for routing, rounded and capped
        std::uint64_t bwInt = 0;  // bandwidth as an integer when it is one, else 0
        double nsPerByte = 0;     // 8e9 / bandwidth
        bool constant = true;     // latency needs no draw
        bool random = false;      // any draw needed (latency or loss)
    };
    struct Link {
        NodeIndex a, b;
        std::uint32_t props;
        std::uint16_t epoch;   // bumped when the link goes down (messages on it are lost)
        std::uint16_t down;    // bit 15: set by setLinkUp(false); low bits: partitions cutting it
        SimTime extraNs;       // distance latency
        std::uint64_t rngKey;  // key of the link's random stream (stable across additions)
        std::uint64_t draws;   // counter of the link's random stream
    };
    struct Direction {
        SimTime busyUntil = 0;
        SimTime busyNs = 0;
        std::uint64_t bytes = 0;
        // Over a link of constant latency, arrivals at the far end come in the order they were
        // sent: only the first is an event in the queue (its message leads), the others wait
        // behind it in a list through their messages. The last one's message, or kNone.
        std::uint32_t tail = kNone;
    };
    struct Msg {
        NodeIndex from, to, anchor;
        PortId port;
        std::uint32_t flow;
        std::uint32_t dir;  // link * 2 + direction it is on, or kNone
        std::uint32_t hops;
        std::uint32_t treeSlot, treeStamp;
        std::uint16_t epoch;
        std::uint8_t lostRandom;
        std::uint8_t nextHint;  // what the arrival after it tells the prefetch hint (network.cpp)
        std::uint64_t bytes, payload;
        SimTime sentAt;
        MessageId id;
        // Its arrival on `dir` is the event in the queue (it leads) or waits behind the one
        // before it; the arrival after it on the same direction, kept here so that the next
        // event is made from this message alone: its message, time and reserved sequence number.
        std::uint32_t nextWait = kNone;
        LinkIndex lastLink = kNone;  // the link `to` hangs off `anchor` by, or kNone
        SimTime nextArrive = 0;
        std::uint64_t nextSeq = 0;
    };
    struct Port {
        std::string name;
        DeliveryFn fn;
        LossFn onLoss;
        void* self;
        std::string owner = {};  // the JSON pointer of what sends on it, or empty
    };
    struct Group {
        std::string id;
        NodeIndex first;
        std::uint32_t count;
        std::string role;
        Resources resources;
    };
    struct Explicit {
        std::string id, role;
        Resources resources;
    };
    struct Tree {
        NodeIndex root = kNone;
        std::uint32_t stamp = 0;  // 0 = invalid
        std::uint64_t lastUse = 0;
        std::vector<LinkIndex> next;  // per core node: the link towards root, or kNone
    };
    /// A set of nodes as ranges, for uniform draws (traffic endpoints).
    struct NodeSet {
        std::vector<NodeIndex> first;
        std::vector<std::uint64_t> end;  // cumulative counts
        std::uint64_t total() const { return end.empty() ? 0 : end.back(); }
        NodeIndex pick(RngStream& rng) const;
    };
    struct Flow {
        std::string id;
        TrafficSpec::Process process;
        double gapNs;
        Variate size;
        SimTime start, stop;
        NodeSet from, to;
        RngStream rng;
        std::uint64_t emitted = 0;
        KindId kind = 0;
        MetricId sent = 0, delivered = 0, lost = 0, latency = 0;
    };
    struct Fault {
        FaultSpec::Kind kind;
        std::string label;
        std::vector<std::pair<NodeIndex, std::uint32_t>> nodes;  // ranges (first, count)
        std::vector<LinkIndex> links;
        std::vector<RegionIndex> regions;
        // churn: the means, each node's count of changes (by its place in `nodes`), whether
        // it goes on, and its random stream's key
        SimTime meanUp = 0, meanDown = 0;
        std::vector<std::uint32_t> changes;
        bool churning = false;
        StreamKey churnKey{};
    };
    struct HeapItem {
        SimTime dist;
        std::uint32_t hops;
        NodeIndex node;
    };
    struct MetricIds {
        MetricId sent, delivered, lost, lostRandom, lostDown, lostUnreachable, bytes, latency, hops,
            utilMean, utilMax;
    };
    class Builder;
    friend class Builder;

    explicit Network(Simulation& sim);

    void onHop(Simulation& sim, const Event& e);
    /// The kernel's prefetch hint for a hop event: its message, the link it arrives over and,
    /// at the destination, what the receiver asks for.
    void prefetchHop(const Event& e) const;
    /// Sets m's destination, the node it hangs off (its anchor) and the link between them.
    void address(Msg& m, NodeIndex to) const;
    /// What the hop event of message m arriving at `next` tells the prefetch hint, in its aux
    /// (see network.cpp).
    std::uint8_t hopHint(const Msg& m, NodeIndex next) const;
    /// The arrival of message `slot` at `next` at `arrive`, over direction `d`; `inOrder`: the
    /// link's latency is constant, so arrivals on it come in the order they were sent.
    void queueArrival(std::uint32_t slot, std::uint32_t d, NodeIndex next, SimTime arrive,
                      bool inOrder);
    /// The leading arrival m, at `at`, has come: the next one waiting becomes an event.
    void nextArrival(const Msg& m, NodeIndex at);
    void onDrop(Simulation& sim, const Event& e);
    void onFault(Simulation& sim, const Event& e);
    /// One churning node changes state (target: the fault, data: the node's place in it).
    void onChurn(Simulation& sim, const Event& e);
    /// Churn fault k starts (every node up, each scheduled to go down) or ends (every node up).
    void startChurn(std::size_t k, bool start);
    /// When node `place` of churn fault k changes state next, `up` being its state now.
    void scheduleChurn(std::size_t k, std::uint32_t place, bool up);
    void onEmit(Simulation& sim, const Event& e);

    std::uint32_t allocMsg();
    /// Doubles the message pool, taking the memory from the simulation's budget.
    [[gnu::cold, gnu::noinline]] void growMessages();
    [[noreturn, gnu::cold, gnu::noinline]] void refuseMessages() const;
    // What a time that cannot be represented fails the run with (RunFailure), naming the link
    // or flow and the value. Off the hot path.
    std::string flowOrigin(std::uint32_t flow) const;
    std::string messageText(const Msg& m) const;
    [[noreturn, gnu::cold, gnu::noinline]] void transmissionTooLong(const Msg& m, LinkIndex li,
                                                                    SimTime start) const;
    [[noreturn, gnu::cold, gnu::noinline]] void arrivalTooLate(const Msg& m, LinkIndex li,
                                                               SimTime end, double latencyNs) const;
    [[noreturn, gnu::cold, gnu::noinline]] void emissionTooLate(std::uint32_t flow, SimTime from,
                                                                double gapNs) const;
    MessageId sendImpl(NodeIndex from, NodeIndex to, std::uint64_t bytes, PortId port,
                       std::uint64_t payload, std::uint32_t flow);
    void forward(std::uint32_t slot, NodeIndex at, bool inEvent);
    LinkIndex nextLink(Msg& m, NodeIndex at);
    void deliver(std::uint32_t slot, NodeIndex at);
    void lose(std::uint32_t slot, LossReason reason, NodeIndex at);
    /// The time `bytes` take to send at p's bandwidth; false when simulated time cannot hold it.
    static bool txTime(std::uint64_t bytes, const Props& p, SimTime& out);
    /// The time of flow f's next message after the one sent at `now`, or false when the flow
    /// sends no more: the next one would come at or after its stop. Fails the run when that time
    /// cannot be represented and the flow has no stop.
    bool nextEmission(std::uint32_t f, SimTime now, SimTime& out);
    const LinkIndex* treeFor(NodeIndex root, std::uint32_t& slot, std::uint32_t& stamp);
    void computeTree(Tree& t);
    void invalidateRoutes();
    void changeLink(LinkIndex l, std::uint16_t down);
    void applyFault(std::size_t index, bool opposite);
    bool isLeaf(NodeIndex i) const { return degree(i) <= 1; }

    Simulation& sim_;
    std::vector<ActivitySink*> sinks_;
    std::vector<FaultListener*> faultListeners_;
    // nodes (structure of arrays: about 25 bytes per node plus adjacency)
    std::vector<double> x_, y_;
    std::vector<RegionIndex> region_;
    std::vector<std::uint8_t> up_;
    std::vector<std::uint32_t> adjStart_;  // n + 1
    std::vector<Adjacent> adj_;
    // the core: nodes with two or more links, and the links between them (routing runs here)
    std::vector<std::uint32_t> coreIndex_;  // per node: its core index, or kNone for leaves
    std::vector<NodeIndex> coreNode_;       // per core node: its node (increasing)
    std::vector<std::uint32_t> coreAdjStart_;
    std::vector<Adjacent> coreAdj_;  // .node is a core index
    std::vector<Explicit> explicit_;
    std::vector<Group> groups_;
    std::unordered_map<std::string, NodeIndex> explicitIndex_;
    std::unordered_map<std::string, GroupIndex> groupIndex_;
    std::vector<RegionSpec> regions_;
    // links
    std::vector<Props> props_;
    std::vector<Link> links_;
    std::vector<Direction> dirs_;  // 2 per link
    /// (first link, JSON pointer of the spec item that made it and the links after it), in link
    /// order: what linkOrigin() names.
    std::vector<std::pair<LinkIndex, std::string>> linkOrigins_;
    std::vector<std::vector<RegionIndex>> partitions_;
    // messages
    std::vector<Msg> msgs_;
    std::uint32_t freeMsg_ = kNone;
    std::size_t inFlight_ = 0;
    MessageId nextMessageId_ = 1;
    std::vector<Port> ports_;
    // routing
    std::vector<Tree> trees_;
    std::unordered_map<NodeIndex, std::uint32_t> routeMap_;
    std::size_t routeCacheLimit_ = kDefaultRouteCacheBytes;
    std::uint32_t nextStamp_ = 1;
    std::uint64_t useClock_ = 0;
    std::uint64_t routeComputations_ = 0;
    std::vector<SimTime> dist_;
    std::vector<std::uint32_t> hopCount_;
    std::vector<HeapItem> heap_;
    std::vector<std::uint32_t> freeTrees_;
    // traffic, faults
    std::vector<Flow> flows_;
    std::vector<Fault> faults_;
    // kernel hooks
    KindId hopKind_ = 0, dropKind_ = 0, faultKind_ = 0, churnKind_ = 0;
    MetricIds m_{};
    std::uint64_t seed_ = 0;
    std::vector<ArrivalPrefetchFn> portPrefetch_;  // per port, or nullptr
};

}  // namespace dais::sim
