// The network model at run time: structure queries, sending and forwarding messages (FIFO
// serialisation per link direction, propagation, store-and-forward hops), delivery and loss,
// the route cache and its shortest-path trees, faults, background traffic and the link
// utilisation gauges. Building the network from its spec is in network_build.cpp.
#include "dais/sim/network.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "network_internal.h"

namespace dais::sim {

using net::durationNs;
using net::kMaxRouteWeight;
using net::kTrafficPort;

namespace {

constexpr std::uint16_t kManualDown = 0x8000;  // Link::down bit set by setLinkUp(false)
// Up to this many bytes, bytes * 8e9 fits in 128 bits with room: txTime is exact in integers.
constexpr std::uint64_t kMaxExactBytes = std::uint64_t(1) << 50;
// Messages are smaller than 2^64 bytes (1.8e19), the range of std::uint64_t.
constexpr double kMessageBytesLimit = 18446744073709551616.0;

// A hop event names its message and what the kernel's prefetch hint should ask for. data: the
// message's slot (low 32 bits) and the direction it arrives over (high 32 bits; kNone when it
// goes to its own sender). aux: kHopLeads when it leads the arrivals waiting on its direction
// (nextArrival), and above it the hop's hint (hopHint): kHintFinal when it arrives at its
// destination, and then 1 + its port from bit 1 of the hint when that port has a prefetch
// hint. The hint fits in a byte, so that a message can keep the one of the arrival waiting
// behind it (Msg::nextHint).
constexpr std::uint16_t kHopLeads = 1;
constexpr unsigned kHopHintShift = 1;
constexpr std::uint8_t kHintFinal = 1;
constexpr unsigned kHintPortShift = 1;
constexpr std::size_t kHintPorts = 127;

std::uint16_t hopAux(bool leads, std::uint8_t hint) {
    return static_cast<std::uint16_t>((hint << kHopHintShift) | (leads ? kHopLeads : 0));
}

std::uint64_t hopData(std::uint32_t slot, std::uint32_t dir) {
    return (static_cast<std::uint64_t>(dir) << 32) | slot;
}

/// Asks for the first and the last cache line of the `bytes` at p (a hint; changes nothing).
void prefetchBytes(const void* p, std::size_t bytes) {
    __builtin_prefetch(p);
    __builtin_prefetch(static_cast<const char*>(p) + bytes - 1);
}

/// "100 Mbit/s", "0.001 bit/s".
std::string bandwidthText(double bps) {
    static constexpr std::pair<double, const char*> kUnits[] = {
        {1e12, "Tbit/s"}, {1e9, "Gbit/s"}, {1e6, "Mbit/s"}, {1e3, "kbit/s"}};
    char buf[48];
    for (const auto& [scale, unit] : kUnits)
        if (bps >= scale) {
            std::snprintf(buf, sizeof buf, "%.4g %s", bps / scale, unit);
            return buf;
        }
    std::snprintf(buf, sizeof buf, "%.4g bit/s", bps);
    return buf;
}

/// "12,500 bytes", "1e+18 bytes".
std::string bytesText(double bytes) {
    char buf[48];
    if (bytes >= 1e15) {
        std::snprintf(buf, sizeof buf, "%.3g bytes", bytes);
        return buf;
    }
    std::string digits = std::to_string(static_cast<std::uint64_t>(bytes)), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out + (bytes == 1 ? " byte" : " bytes");
}

/// A time in nanoseconds held as a double, also past the end of simulated time.
std::string nsText(double ns) {
    return formatSeconds(ns * 1e-9);
}

}  // namespace

double drawVariate(const Variate& v, RngStream& rng) {
    switch (v.kind) {
        case Variate::Kind::Constant:
            return v.a;
        case Variate::Kind::Uniform:
            return rng.uniform(v.a, v.b);
        case Variate::Kind::Exponential:
            return rng.exponential(v.a);
        case Variate::Kind::Normal:
            return rng.normal(v.a, v.b);
        case Variate::Kind::LogNormal:
            return v.a > 0 ? rng.lognormal(std::log(v.a), v.b) : 0.0;
        case Variate::Kind::Pareto:
            return rng.pareto(v.a, v.b);
    }
    return v.a;
}

std::string_view lossReasonName(LossReason r) {
    switch (r) {
        case LossReason::Random:
            return "loss";
        case LossReason::NodeDown:
            return "node down";
        case LossReason::LinkDown:
            return "link down";
        case LossReason::Unreachable:
            return "unreachable";
    }
    return "?";
}

NodeIndex Network::NodeSet::pick(RngStream& rng) const {
    if (first.size() == 1) return first[0] + static_cast<NodeIndex>(rng.below(end[0]));
    const std::uint64_t k = rng.below(total());
    const auto idx =
        static_cast<std::size_t>(std::upper_bound(end.begin(), end.end(), k) - end.begin());
    const std::uint64_t base = idx ? end[idx - 1] : 0;
    return first[idx] + static_cast<NodeIndex>(k - base);
}
// =============================================================================================
// Structure
// =============================================================================================

GroupIndex Network::groupOf(NodeIndex i) const {
    if (i < explicit_.size() || groups_.empty()) return kNone;
    const auto it = std::upper_bound(groups_.begin(), groups_.end(), i,
                                     [](NodeIndex v, const Group& g) { return v < g.first; });
    if (it == groups_.begin()) return kNone;
    const auto g = static_cast<GroupIndex>(it - groups_.begin() - 1);
    return i - groups_[g].first < groups_[g].count ? g : kNone;
}

std::string Network::linkOrigin(LinkIndex l) const {
    if (l >= linkCount()) return "?";
    const auto it = std::upper_bound(
        linkOrigins_.begin(), linkOrigins_.end(), l,
        [](LinkIndex v, const std::pair<LinkIndex, std::string>& o) { return v < o.first; });
    const std::string where =
        it == linkOrigins_.begin() ? "link " + std::to_string(l) : std::prev(it)->second;
    return where + " (" + nodeName(links_[l].a) + " - " + nodeName(links_[l].b) + ")";
}

std::string Network::nodeName(NodeIndex i) const {
    if (i < explicit_.size()) return explicit_[i].id;
    const GroupIndex g = groupOf(i);
    if (g == kNone) return "?";
    return groups_[g].id + "[" + std::to_string(i - groups_[g].first) + "]";
}

NodeIndex Network::findNode(std::string_view name) const {
    if (const auto it = explicitIndex_.find(std::string(name)); it != explicitIndex_.end())
        return it->second;
    if (name.size() < 4 || name.back() != ']') return kNone;
    const std::size_t open = name.rfind('[');
    if (open == std::string_view::npos || open == 0) return kNone;
    const std::string_view digits = name.substr(open + 1, name.size() - open - 2);
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return kNone;  // canonical only
    std::uint64_t k = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return kNone;
    const GroupIndex g = findGroup(name.substr(0, open));
    if (g == kNone || k >= groups_[g].count) return kNone;
    return groups_[g].first + static_cast<NodeIndex>(k);
}

GroupIndex Network::findGroup(std::string_view id) const {
    const auto it = groupIndex_.find(std::string(id));
    return it == groupIndex_.end() ? kNone : it->second;
}

RegionIndex Network::findRegion(std::string_view id) const {
    for (RegionIndex r = 0; r < regions_.size(); ++r)
        if (regions_[r].id == id) return r;
    return kNone;
}

GroupView Network::group(GroupIndex g) const {
    return {groups_[g].id, groups_[g].first, groups_[g].count};
}

std::string_view Network::role(NodeIndex i) const {
    if (i < explicit_.size()) return explicit_[i].role;
    const GroupIndex g = groupOf(i);
    return g == kNone ? std::string_view() : std::string_view(groups_[g].role);
}

const Resources* Network::resources(NodeIndex i) const {
    if (i < explicit_.size()) return &explicit_[i].resources;
    const GroupIndex g = groupOf(i);
    return g == kNone ? nullptr : &groups_[g].resources;
}

NodeView Network::node(NodeIndex i) const {
    NodeView v;
    v.index = i;
    v.id = nodeName(i);
    v.region = region_[i] == kNone ? std::string_view() : std::string_view(regions_[region_[i]].id);
    v.x = x_[i];
    v.y = y_[i];
    v.up = up_[i] != 0;
    v.group = groupOf(i);
    if (i < explicit_.size()) {
        v.role = explicit_[i].role;
        v.resources = &explicit_[i].resources;
    } else if (v.group != kNone) {
        v.role = groups_[v.group].role;
        v.resources = &groups_[v.group].resources;
    }
    return v;
}

LinkView Network::link(LinkIndex l) const {
    const Link& k = links_[l];
    LinkView v;
    v.index = l;
    v.a = k.a;
    v.b = k.b;
    v.up = k.down == 0;
    v.props = &props_[k.props].spec;
    v.distanceLatency = k.extraNs;
    v.meanLatency = props_[k.props].meanNs + std::min(k.extraNs, kMaxRouteWeight);
    v.bytes[0] = dirs_[2 * l].bytes;
    v.bytes[1] = dirs_[2 * l + 1].bytes;
    return v;
}

Network::MemoryUse Network::memoryUse() const {
    MemoryUse m;
    m.nodes = x_.capacity() * sizeof(double) + y_.capacity() * sizeof(double) +
              region_.capacity() * sizeof(RegionIndex) + up_.capacity() +
              adjStart_.capacity() * sizeof(std::uint32_t) +
              coreIndex_.capacity() * sizeof(std::uint32_t);
    m.links = links_.capacity() * sizeof(Link) + dirs_.capacity() * sizeof(Direction) +
              adj_.capacity() * sizeof(Adjacent);
    m.other = sizeof(*this) + props_.capacity() * sizeof(Props) +
              coreNode_.capacity() * sizeof(NodeIndex) +
              coreAdjStart_.capacity() * sizeof(std::uint32_t) +
              coreAdj_.capacity() * sizeof(Adjacent) + explicit_.capacity() * sizeof(Explicit) +
              groups_.capacity() * sizeof(Group);
    for (const Explicit& e : explicit_)
        m.other += e.id.capacity() + e.role.capacity();
    // An unordered_map node: the key, the value and about two pointers of bookkeeping.
    m.other +=
        explicitIndex_.size() * (sizeof(std::string) + sizeof(NodeIndex) + 2 * sizeof(void*));
    m.other += groupIndex_.size() * (sizeof(std::string) + sizeof(GroupIndex) + 2 * sizeof(void*));
    m.routes = routeCacheBytes() + dist_.capacity() * sizeof(SimTime) +
               hopCount_.capacity() * sizeof(std::uint32_t) + heap_.capacity() * sizeof(HeapItem);
    m.messages = msgs_.capacity() * sizeof(Msg);
    return m;
}

// =============================================================================================
// Messages
// =============================================================================================

PortId Network::registerPort(std::string_view name, DeliveryFn fn, void* self, LossFn onLoss) {
    ports_.push_back({std::string(name), fn, onLoss, self});
    portPrefetch_.push_back(nullptr);
    return static_cast<PortId>(ports_.size() - 1);
}

void Network::setPortPrefetch(PortId p, ArrivalPrefetchFn fn) {
    if (p < portPrefetch_.size()) portPrefetch_[p] = fn;
}

void Network::address(Msg& m, NodeIndex to) const {
    m.to = to;
    m.anchor = to;
    m.lastLink = kNone;
    if (degree(to) == 1) {
        const Adjacent& a = adj_[adjStart_[to]];
        m.anchor = a.node;
        m.lastLink = a.link;
    }
}

std::uint8_t Network::hopHint(const Msg& m, NodeIndex next) const {
    if (next != m.to) return 0;
    if (m.port < kHintPorts && portPrefetch_[m.port] != nullptr)
        return static_cast<std::uint8_t>(kHintFinal | ((m.port + 1) << kHintPortShift));
    return kHintFinal;
}

void Network::prefetchHop(const Event& e) const {
    prefetchBytes(msgs_.data() + static_cast<std::uint32_t>(e.data), sizeof(Msg));
    const auto d = static_cast<std::uint32_t>(e.data >> 32);
    if (d == kNone) return;
    prefetchBytes(links_.data() + (d >> 1), sizeof(Link));
    __builtin_prefetch(dirs_.data() + d);
    const unsigned hint = e.aux >> kHopHintShift;
    if ((hint & kHintFinal) == 0) return;
    // At its destination: the receiver answers or passes it on, most often over the same link.
    __builtin_prefetch(dirs_.data() + (d ^ 1));
    if (const unsigned p = hint >> kHintPortShift; p != 0)
        portPrefetch_[p - 1](ports_[p - 1].self, e.target);
}

std::uint32_t Network::allocMsg() {
    if (freeMsg_ != kNone) {
        const std::uint32_t s = freeMsg_;
        freeMsg_ = msgs_[s].from;
        return s;
    }
    if (msgs_.size() == msgs_.capacity()) [[unlikely]]
        growMessages();
    msgs_.emplace_back();
    return static_cast<std::uint32_t>(msgs_.size() - 1);
}

void Network::growMessages() {
    const std::size_t old = msgs_.capacity();
    const std::size_t wanted = std::max<std::size_t>(64, 2 * old);
    // While the pool moves, the old block and the new one are both held.
    if (!sim_.takeMemory(wanted * sizeof(Msg))) refuseMessages();
    msgs_.reserve(wanted);
    sim_.giveBackMemory(old * sizeof(Msg));
}

void Network::refuseMessages() const {
    // Who holds the messages in flight: each flow, and each port for the rest.
    std::vector<char> isFree(msgs_.size(), 0);
    for (std::uint32_t s = freeMsg_; s != kNone; s = msgs_[s].from)
        isFree[s] = 1;
    std::vector<std::size_t> perFlow(flows_.size(), 0), perPort(ports_.size(), 0);
    for (std::size_t s = 0; s < msgs_.size(); ++s)
        if (!isFree[s])
            ++(msgs_[s].flow != kNone ? perFlow[msgs_[s].flow] : perPort[msgs_[s].port]);
    const auto flow = std::max_element(perFlow.begin(), perFlow.end());
    const auto port = std::max_element(perPort.begin(), perPort.end());
    const double n = static_cast<double>(inFlight_);
    std::string text;
    if (flow != perFlow.end() && (port == perPort.end() || *flow >= *port)) {
        const auto f = static_cast<std::uint32_t>(flow - perFlow.begin());
        char rate[48];
        std::snprintf(rate, sizeof rate, "%.4g", 1e9 / flows_[f].gapNs);
        text = flowOrigin(f) + ": at t=" + formatTime(sim_.now()) + ", " + countText(n) +
               " messages are in flight, " + countText(static_cast<double>(*flow)) +
               " of them this flow's (" + rate + " per second)";
    } else {
        const Port& p = ports_[static_cast<std::size_t>(port - perPort.begin())];
        text = (p.owner.empty() ? "port \"" + p.name + "\"" : p.owner) +
               ": at t=" + formatTime(sim_.now()) + ", " + countText(n) +
               " messages are in flight, " + countText(static_cast<double>(*port)) +
               " of them on port \"" + p.name + "\"";
    }
    throw MemoryExhausted(
        text + "; with " + countText(static_cast<double>(sim_.pending())) + " pending events (" +
        memoryText(static_cast<double>(sim_.queueMemoryBytes())) + "), doubling their pool (" +
        memoryText(static_cast<double>(msgs_.capacity() * sizeof(Msg))) + ", " +
        countText(static_cast<double>(msgs_.capacity())) + " messages) would take more than the " +
        memoryText(static_cast<double>(sim_.memoryBudget())) + " of memory left to the run");
}

std::string_view nodeActivityName(NodeActivity a) {
    switch (a) {
        case NodeActivity::Idle:
            return "idle";
        case NodeActivity::Working:
            return "working";
        case NodeActivity::Waiting:
            return "waiting";
    }
    return "?";
}

MessageId Network::send(NodeIndex from, NodeIndex to, std::uint64_t bytes, PortId port,
                        std::uint64_t payload) {
    if (port == kTrafficPort || port >= ports_.size()) return 0;
    return sendImpl(from, to, bytes, port, payload, kNone);
}

MessageId Network::sendImpl(NodeIndex from, NodeIndex to, std::uint64_t bytes, PortId port,
                            std::uint64_t payload, std::uint32_t flow) {
    if (from >= nodeCount() || to >= nodeCount()) return 0;
    const std::uint32_t slot = allocMsg();
    const MessageId id = nextMessageId_++;
    const SimTime now = sim_.now();
    Msg& m = msgs_[slot];
    m = Msg{from, to, to, port, flow, kNone, 0, kNone, 0, 0, 0, 0, bytes, payload, now, id};
    address(m, to);
    ++inFlight_;
    Metrics& M = sim_.metrics();
    M.add(m_.sent, 1);
    if (flow != kNone) M.add(flows_[flow].sent, 1);
    if (!up_[from]) {
        sim_.scheduleAt(now, from, dropKind_, slot,
                        static_cast<std::uint16_t>(LossReason::NodeDown));
    } else if (from == to) {
        sim_.scheduleAt(now, to, hopKind_, hopData(slot, kNone), hopAux(false, hopHint(m, to)));
    } else {
        forward(slot, from, false);
    }
    return id;
}

bool Network::txTime(std::uint64_t bytes, const Props& p, SimTime& out) {
    // ceil(bytes * 8e9 / bandwidth) ns, exact in integers when the bandwidth is one.
    if (p.bwInt != 0 && bytes <= kMaxExactBytes / 8) {
        const std::uint64_t bits = bytes * 8;
        std::uint64_t hi;
        const std::uint64_t lo = mulWide(bits, 1'000'000'000ULL, hi);
        if (hi == 0 && lo <= ~std::uint64_t(0) - p.bwInt) {
            const std::uint64_t ns = (lo + p.bwInt - 1) / p.bwInt;
            out = static_cast<SimTime>(ns);
            return ns < static_cast<std::uint64_t>(kTimeNever);
        }
    }
    return durationNs(std::ceil(static_cast<double>(bytes) * p.nsPerByte), out) &&
           out != kTimeNever;
}

std::string Network::flowOrigin(std::uint32_t flow) const {
    return "/network/traffic/" + std::to_string(flow) + " (\"" + flows_[flow].id + "\")";
}

std::string Network::messageText(const Msg& m) const {
    return (m.flow != kNone ? "a message of flow \"" + flows_[m.flow].id + "\""
                            : "a message to port \"" + ports_[m.port].name + "\"") +
           " (" + bytesText(static_cast<double>(m.bytes)) + ")";
}

void Network::transmissionTooLong(const Msg& m, LinkIndex li, SimTime start) const {
    const Props& p = props_[links_[li].props];
    const double txNs = std::ceil(static_cast<double>(m.bytes) * p.nsPerByte);
    std::string text = linkOrigin(li) + ": sending " + messageText(m) + " at " +
                       bandwidthText(p.spec.bandwidthBps) + " takes " + nsText(txNs);
    const SimTime now = sim_.now();
    if (txNs < static_cast<double>(kTimeNever)) {
        text += " and would end at " + nsText(static_cast<double>(start) + txNs);
        if (start > now)
            text += " (after " + nsText(static_cast<double>(start - now)) +
                    " of messages queued before it)";
    }
    throw RunFailure(text + ", beyond " + longestTimeText());
}

void Network::arrivalTooLate(const Msg& m, LinkIndex li, SimTime end, double latencyNs) const {
    throw RunFailure(
        linkOrigin(li) + ": " + messageText(m) + " sent by " + nsText(static_cast<double>(end)) +
        " with a propagation delay of " + nsText(latencyNs) + " would arrive at " +
        nsText(static_cast<double>(end) + latencyNs) + ", beyond " + longestTimeText());
}

void Network::emissionTooLate(std::uint32_t flow, SimTime from, double gapNs) const {
    const Flow& f = flows_[flow];
    char rate[48];
    std::snprintf(rate, sizeof rate, "%.4g", 1e9 / f.gapNs);
    throw RunFailure(flowOrigin(flow) + ": its next message would come " + nsText(gapNs) +
                     " after " + nsText(static_cast<double>(from)) + " (" + rate +
                     " messages per second), at " + nsText(static_cast<double>(from) + gapNs) +
                     ", beyond " + longestTimeText());
}

void Network::forward(std::uint32_t slot, NodeIndex at, bool inEvent) {
    Msg& m = msgs_[slot];
    const LinkIndex li = nextLink(m, at);
    if (li == kNone) {
        if (inEvent)
            lose(slot, LossReason::Unreachable, at);
        else
            sim_.scheduleAt(sim_.now(), at, dropKind_, slot,
                            static_cast<std::uint16_t>(LossReason::Unreachable));
        return;
    }
    Link& l = links_[li];
    const std::uint32_t d = l.a == at ? 0 : 1;
    const NodeIndex next = d ? l.a : l.b;
    Direction& dir = dirs_[2 * li + d];
    const Props& p = props_[l.props];
    // Every time here is exact, or the run fails naming the link (see time.h).
    const SimTime start = std::max(sim_.now(), dir.busyUntil);
    SimTime tx, end;
    if (!txTime(m.bytes, p, tx) || !addTime(start, tx, end)) [[unlikely]]
        transmissionTooLong(m, li, start);
    dir.busyUntil = end;
    dir.busyNs += tx;
    dir.bytes += m.bytes;
    SimTime latency = p.latencyNs;
    m.lostRandom = 0;
    if (p.random) {
        RngStream rng(StreamKey::make(seed_, "network", l.rngKey, "link"), l.draws);
        if (!p.constant) {
            const double drawn = drawVariate(p.spec.latency, rng);
            if (!durationNs(drawn, latency)) [[unlikely]]
                arrivalTooLate(m, li, end, drawn + static_cast<double>(l.extraNs));
        }
        if (p.spec.loss > 0 && rng.bernoulli(p.spec.loss)) m.lostRandom = 1;
        l.draws = rng.counter();
    }
    m.dir = 2 * li + d;
    m.epoch = l.epoch;
    SimTime arrive;
    if (!addTime(end, latency, arrive) || !addTime(arrive, l.extraNs, arrive)) [[unlikely]]
        arrivalTooLate(m, li, end, static_cast<double>(latency) + static_cast<double>(l.extraNs));
    for (ActivitySink* sink : sinks_)
        sink->onHop(start, arrive, at, next, li, m.port, m.bytes);
    queueArrival(slot, m.dir, next, arrive, p.constant);
}

// A busy direction holds many messages at once (a node sending a block to each of its peers),
// and every one of them as an event would make the event queue as big as all the messages in
// flight. Over a link of constant latency their arrivals come in order, so only the first is an
// event; each of the others becomes one when the one before it has come, with the sequence
// number it would have had, so every event runs exactly when and in the order it would have.
void Network::queueArrival(std::uint32_t slot, std::uint32_t d, NodeIndex next, SimTime arrive,
                           bool inOrder) {
    Msg& m = msgs_[slot];
    m.nextWait = kNone;
    bool leads = false;
    if (inOrder) {
        Direction& dir = dirs_[d];
        if (dir.tail != kNone) {  // behind the last one queued: wait
            Msg& before = msgs_[dir.tail];
            before.nextWait = slot;
            before.nextHint = hopHint(m, next);
            before.nextArrive = arrive;
            before.nextSeq = sim_.reserveSeq();
            dir.tail = slot;
            return;
        }
        leads = true;
        dir.tail = slot;
    }
    sim_.scheduleAt(arrive, next, hopKind_, hopData(slot, d), hopAux(leads, hopHint(m, next)));
}

void Network::nextArrival(const Msg& m, NodeIndex at) {
    if (m.nextWait == kNone) {
        dirs_[m.dir].tail = kNone;  // it was the last
        return;
    }
    sim_.scheduleReserved(m.nextArrive, m.nextSeq, at, hopKind_, hopData(m.nextWait, m.dir),
                          hopAux(true, m.nextHint));
}

LinkIndex Network::nextLink(Msg& m, NodeIndex at) {
    LinkIndex l;
    if (at == m.anchor) {
        l = m.lastLink;  // the destination hangs off this node
    } else if (degree(at) == 1) {
        l = adj_[adjStart_[at]].link;  // a leaf has one way out
    } else if (coreIndex_[at] == kNone || coreIndex_[m.anchor] == kNone) {
        return kNone;  // an isolated node, or a destination in a two-node component
    } else {
        l = treeFor(m.anchor, m.treeSlot, m.treeStamp)[coreIndex_[at]];
    }
    if (l == kNone || links_[l].down != 0) return kNone;
    return l;
}

void Network::onHop(Simulation&, const Event& e) {
    const auto slot = static_cast<std::uint32_t>(e.data);
    Msg& m = msgs_[slot];
    const NodeIndex at = e.target;
    // Here at the destination's anchor the message goes on over the destination's own link, one
    // among many and seldom cached: ask for it now, to overlap with the work before forward().
    if (m.lastLink != kNone && at == m.anchor) {
        prefetchBytes(links_.data() + m.lastLink, sizeof(Link));
        prefetchBytes(dirs_.data() + 2 * m.lastLink, 2 * sizeof(Direction));
    }
    if (e.aux & kHopLeads) nextArrival(m, at);
    if (m.dir != kNone) {
        const Link& l = links_[m.dir >> 1];
        if (l.down != 0 || l.epoch != m.epoch) return lose(slot, LossReason::LinkDown, at);
        if (m.lostRandom) return lose(slot, LossReason::Random, at);
        ++m.hops;
    }
    if (!up_[at]) return lose(slot, LossReason::NodeDown, at);
    if (at == m.to) return deliver(slot, at);
    forward(slot, at, true);
}

void Network::onDrop(Simulation&, const Event& e) {
    lose(static_cast<std::uint32_t>(e.data), static_cast<LossReason>(e.aux), e.target);
}

void Network::deliver(std::uint32_t slot, NodeIndex) {
    Msg& m = msgs_[slot];
    const SimTime now = sim_.now();
    const Delivery d{m.id, m.from, m.to, m.bytes, m.payload, m.sentAt, now, m.hops};
    const double latency = toSeconds(now - m.sentAt);
    Metrics& M = sim_.metrics();
    M.add(m_.delivered, 1);
    M.add(m_.bytes, static_cast<double>(m.bytes));
    M.observe(m_.latency, latency);
    M.observe(m_.hops, m.hops);
    if (m.flow != kNone) {
        const Flow& f = flows_[m.flow];
        M.add(f.delivered, 1);
        M.observe(f.latency, latency);
    }
    const Port& port = ports_[m.port];
    for (ActivitySink* sink : sinks_)
        sink->onMessageEnd(MessageEnd{m.id, m.from, m.to, m.port, m.bytes, m.sentAt, now, true});
    m.from = freeMsg_;
    freeMsg_ = slot;
    --inFlight_;
    if (port.fn) port.fn(port.self, *this, d);
}

void Network::lose(std::uint32_t slot, LossReason reason, NodeIndex at) {
    Msg& m = msgs_[slot];
    const Loss l{m.id, m.from, m.to, at, m.bytes, m.payload, m.sentAt, sim_.now(), reason};
    Metrics& M = sim_.metrics();
    M.add(m_.lost, 1);
    M.add(reason == LossReason::Random        ? m_.lostRandom
          : reason == LossReason::Unreachable ? m_.lostUnreachable
                                              : m_.lostDown,
          1);
    if (m.flow != kNone) M.add(flows_[m.flow].lost, 1);
    const Port& port = ports_[m.port];
    for (ActivitySink* sink : sinks_)
        sink->onMessageEnd(
            MessageEnd{m.id, m.from, m.to, m.port, m.bytes, m.sentAt, l.now, false, reason});
    m.from = freeMsg_;
    freeMsg_ = slot;
    --inFlight_;
    if (port.onLoss) port.onLoss(port.self, *this, l);
}

// =============================================================================================
// Routing
// =============================================================================================

const LinkIndex* Network::treeFor(NodeIndex root, std::uint32_t& slot, std::uint32_t& stamp) {
    if (slot < trees_.size() && stamp != 0 && trees_[slot].stamp == stamp) {
        Tree& t = trees_[slot];
        t.lastUse = ++useClock_;
        return t.next.data();
    }
    if (const auto it = routeMap_.find(root); it != routeMap_.end()) {
        Tree& t = trees_[it->second];
        t.lastUse = ++useClock_;
        slot = it->second;
        stamp = t.stamp;
        return t.next.data();
    }
    const std::size_t perTree = std::max<std::size_t>(1, coreNode_.size()) * sizeof(LinkIndex);
    const std::size_t maxTrees = std::max<std::size_t>(1, routeCacheLimit_ / perTree);
    std::uint32_t s;
    if (routeMap_.size() >= maxTrees) {  // evict the least recently used tree
        s = kNone;
        for (std::uint32_t k = 0; k < trees_.size(); ++k)
            if (trees_[k].stamp != 0 && (s == kNone || trees_[k].lastUse < trees_[s].lastUse))
                s = k;
        routeMap_.erase(trees_[s].root);
    } else if (!freeTrees_.empty()) {
        s = freeTrees_.back();
        freeTrees_.pop_back();
    } else {
        s = static_cast<std::uint32_t>(trees_.size());
        trees_.emplace_back();
    }
    Tree& t = trees_[s];
    t.root = root;
    t.stamp = nextStamp_++;
    if (nextStamp_ == 0) nextStamp_ = 1;
    t.lastUse = ++useClock_;
    computeTree(t);
    routeMap_.emplace(root, s);
    slot = s;
    stamp = t.stamp;
    return t.next.data();
}

void Network::computeTree(Tree& t) {
    // Dijkstra over the core from the destination (links are symmetric) by (mean latency,
    // hops); among equal paths the parent with the lower index wins, then the lower link
    // index. Every equally good parent is settled before its child, so the choice is
    // canonical. Core indices increase with node indices, so comparing them compares nodes.
    ++routeComputations_;
    const std::size_t n = coreNode_.size();
    const std::uint32_t root = coreIndex_[t.root];
    t.next.assign(n, kNone);
    dist_.assign(n, std::numeric_limits<SimTime>::max());
    hopCount_.assign(n, kNone);
    heap_.clear();
    auto later = [](const HeapItem& a, const HeapItem& b) {
        return a.dist != b.dist   ? a.dist > b.dist
               : a.hops != b.hops ? a.hops > b.hops
                                  : a.node > b.node;
    };
    dist_[root] = 0;
    hopCount_[root] = 0;
    heap_.push_back({0, 0, root});
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        const HeapItem h = heap_.back();
        heap_.pop_back();
        const std::uint32_t v = h.node;
        if (h.dist != dist_[v] || h.hops != hopCount_[v]) continue;  // superseded entry
        for (std::uint32_t k = coreAdjStart_[v]; k < coreAdjStart_[v + 1]; ++k) {
            const Adjacent& a = coreAdj_[k];
            const std::uint32_t u = a.node;
            const Link& l = links_[a.link];
            if (l.down != 0 || up_[coreNode_[u]] == 0 || u == root) continue;
            const SimTime nd =
                h.dist + props_[l.props].meanNs + std::min(l.extraNs, kMaxRouteWeight);
            const std::uint32_t nh = h.hops + 1;
            if (nd < dist_[u] || (nd == dist_[u] && nh < hopCount_[u])) {
                dist_[u] = nd;
                hopCount_[u] = nh;
                t.next[u] = a.link;
                // A core leaf has nothing to relax: it needs its entry, not a turn in the heap.
                if (coreAdjStart_[u + 1] - coreAdjStart_[u] > 1) {
                    heap_.push_back({nd, nh, u});
                    std::push_heap(heap_.begin(), heap_.end(), later);
                }
            } else if (nd == dist_[u] && nh == hopCount_[u]) {
                const std::uint32_t parent = coreIndex_[otherEnd(t.next[u], coreNode_[u])];
                if (v < parent || (v == parent && a.link < t.next[u])) t.next[u] = a.link;
            }
        }
    }
}

void Network::invalidateRoutes() {
    if (routeMap_.empty()) return;
    for (std::uint32_t s = 0; s < trees_.size(); ++s)
        if (trees_[s].stamp != 0) {
            trees_[s].stamp = 0;
            freeTrees_.push_back(s);
        }
    routeMap_.clear();
}

void Network::setRouteCacheLimit(std::size_t bytes) {
    routeCacheLimit_ = bytes;
    invalidateRoutes();
    trees_.clear();
    freeTrees_.clear();
}

std::size_t Network::routeCacheBytes() const {
    std::size_t b = 0;
    for (const Tree& t : trees_)
        b += t.next.capacity() * sizeof(LinkIndex);
    return b;
}

std::vector<NodeIndex> Network::path(NodeIndex from, NodeIndex to) {
    if (from >= nodeCount() || to >= nodeCount() || !up_[from]) return {};
    std::vector<NodeIndex> p{from};
    if (from == to) return p;
    Msg m{};
    address(m, to);
    m.treeSlot = kNone;
    NodeIndex at = from;
    for (std::size_t guard = 0; guard < nodeCount(); ++guard) {
        const LinkIndex l = nextLink(m, at);
        if (l == kNone) return {};
        at = otherEnd(l, at);
        p.push_back(at);
        if (at == to) return p;
        if (!up_[at]) return {};
    }
    return {};
}

// =============================================================================================
// Faults
// =============================================================================================

void Network::setNodeUp(NodeIndex i, bool up) {
    if (i >= nodeCount() || (up_[i] != 0) == up) return;
    up_[i] = up ? 1 : 0;
    if (!isLeaf(i)) invalidateRoutes();  // a leaf is never on anyone else's path
    for (ActivitySink* sink : sinks_)
        sink->onNodeUp(sim_.now(), i, up);
    for (FaultListener* l : faultListeners_)
        l->onNodeUp(i, up);
}

namespace {
template <class T>
void addOnce(std::vector<T*>& list, T* item) {
    if (item && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}
}  // namespace

void Network::addFaultListener(FaultListener* listener) {
    addOnce(faultListeners_, listener);
}

void Network::removeFaultListener(FaultListener* listener) {
    std::erase(faultListeners_, listener);
}

void Network::addActivitySink(ActivitySink* sink) {
    addOnce(sinks_, sink);
}

void Network::removeActivitySink(ActivitySink* sink) {
    std::erase(sinks_, sink);
}

void Network::setGroupUp(GroupIndex g, bool up) {
    if (g >= groups_.size()) return;
    for (std::uint32_t k = 0; k < groups_[g].count; ++k)
        setNodeUp(groups_[g].first + k, up);
}

void Network::setRegionsUp(std::span<const RegionIndex> regions, bool up) {
    std::vector<bool> in(regions_.size(), false);
    for (RegionIndex r : regions)
        if (r < in.size()) in[r] = true;
    for (NodeIndex i = 0; i < nodeCount(); ++i)
        if (region_[i] != kNone && in[region_[i]]) setNodeUp(i, up);
    for (FaultListener* l : faultListeners_)
        l->onRegionsUp(regions, up);
}

void Network::changeLink(LinkIndex l, std::uint16_t down) {
    Link& k = links_[l];
    const bool wasUp = k.down == 0, isUp = down == 0;
    k.down = down;
    if (wasUp && !isUp) ++k.epoch;  // whatever is on the link now is lost
    if (wasUp != isUp && !isLeaf(k.a) && !isLeaf(k.b)) invalidateRoutes();
}

void Network::setLinkUp(LinkIndex l, bool up) {
    if (l >= linkCount()) return;
    const std::uint16_t d = links_[l].down;
    if (((d & kManualDown) == 0) == up) return;
    changeLink(l, up ? static_cast<std::uint16_t>(d & ~kManualDown)
                     : static_cast<std::uint16_t>(d | kManualDown));
    for (FaultListener* listener : faultListeners_)
        listener->onLinkUp(l, up);
}

std::size_t Network::partition(std::span<const RegionIndex> regions, bool cut) {
    std::vector<RegionIndex> set(regions.begin(), regions.end());
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    if (cut) {
        partitions_.push_back(set);
    } else {
        const auto it = std::find(partitions_.begin(), partitions_.end(), set);
        if (it == partitions_.end()) return 0;
        partitions_.erase(it);
    }
    std::vector<bool> in(regions_.size(), false);
    for (RegionIndex r : set)
        if (r < in.size()) in[r] = true;
    auto inside = [&](NodeIndex v) { return region_[v] != kNone && in[region_[v]]; };
    std::size_t changed = 0;
    for (LinkIndex l = 0; l < linkCount(); ++l) {
        const Link& k = links_[l];
        if (inside(k.a) == inside(k.b)) continue;
        ++changed;
        changeLink(l, static_cast<std::uint16_t>(cut ? k.down + 1 : k.down - 1));
    }
    for (FaultListener* l : faultListeners_)
        l->onPartition(set, cut);
    return changed;
}

void Network::applyFault(std::size_t index, bool opposite) {
    const Fault& f = faults_[index];
    std::string what;
    const bool tracing = sim_.tracing();
    TargetId target = static_cast<TargetId>(index);
    switch (f.kind) {
        case FaultSpec::Kind::Crash:
        case FaultSpec::Kind::Recover: {
            const bool up = (f.kind == FaultSpec::Kind::Recover) != opposite;
            std::uint64_t count = 0;
            for (const auto& [first, n] : f.nodes) {
                for (std::uint32_t k = 0; k < n; ++k)
                    setNodeUp(first + k, up);
                count += n;
            }
            if (!f.nodes.empty()) target = f.nodes.front().first;
            if (tracing) what = (up ? "recover " : "crash ") + std::to_string(count) + " node(s)";
            break;
        }
        case FaultSpec::Kind::LinkDown:
        case FaultSpec::Kind::LinkUp: {
            const bool up = (f.kind == FaultSpec::Kind::LinkUp) != opposite;
            for (LinkIndex l : f.links)
                setLinkUp(l, up);
            target = links_[f.links.front()].a;
            if (tracing)
                what = std::string(up ? "link up " : "link down ") +
                       nodeName(links_[f.links.front()].a) + " - " +
                       nodeName(links_[f.links.front()].b);
            break;
        }
        case FaultSpec::Kind::Partition:
        case FaultSpec::Kind::Heal: {
            const bool cut = (f.kind == FaultSpec::Kind::Partition) != opposite;
            const std::size_t links = partition(f.regions, cut);
            if (tracing)
                what = (cut ? "partition: " : "heal: ") + std::to_string(links) + " link(s) " +
                       (cut ? "cut" : "restored");
            break;
        }
        case FaultSpec::Kind::RegionOutage:
            setRegionsUp(f.regions, opposite);
            if (tracing) what = opposite ? "regions back up" : "region outage";
            break;
        case FaultSpec::Kind::Churn: {
            startChurn(index, !opposite);
            std::uint64_t count = 0;
            for (const auto& [first, n] : f.nodes)
                count += n;
            if (!f.nodes.empty()) target = f.nodes.front().first;
            if (tracing)
                what = opposite ? "churn ends: " + std::to_string(count) + " node(s) up"
                                : "churn of " + std::to_string(count) + " node(s), mean " +
                                      formatSeconds(toSeconds(f.meanUp)) + " up, " +
                                      formatSeconds(toSeconds(f.meanDown)) + " down";
            break;
        }
    }
    if (tracing) {
        std::string text = f.label + ": " + what;
        if (opposite) text += " (end of duration)";
        sim_.trace(target, kFaultTraceCategory, text);
    }
}

void Network::onFault(Simulation&, const Event& e) {
    applyFault(static_cast<std::size_t>(e.data), e.aux != 0);
}

namespace {
/// The node at `place` of a fault's node ranges.
NodeIndex nodeAtPlace(const std::vector<std::pair<NodeIndex, std::uint32_t>>& ranges,
                      std::uint32_t place) {
    for (const auto& [first, n] : ranges) {
        if (place < n) return first + place;
        place -= n;
    }
    return kNone;
}
}  // namespace

void Network::startChurn(std::size_t k, bool start) {
    Fault& f = faults_[k];
    if (!start) {  // the end: every node back up; changes still scheduled find it over
        f.churning = false;
        for (const auto& [first, n] : f.nodes)
            for (std::uint32_t i = 0; i < n; ++i)
                setNodeUp(first + i, true);
        return;
    }
    if (f.churning) return;
    f.churning = true;
    f.churnKey = StreamKey::make(seed_, "network", k, "churn");
    std::uint32_t places = 0;
    for (const auto& [first, n] : f.nodes)
        places += n;
    f.changes.assign(places, 0);
    std::uint32_t place = 0;
    for (const auto& [first, n] : f.nodes)
        for (std::uint32_t i = 0; i < n; ++i, ++place) {
            setNodeUp(first + i, true);
            scheduleChurn(k, place, true);
        }
}

void Network::scheduleChurn(std::size_t k, std::uint32_t place, bool up) {
    Fault& f = faults_[k];
    // Draw number `changes` of this node: the same sequence whatever else the run does.
    RngStream rng(f.churnKey, (static_cast<std::uint64_t>(place) << 32) | f.changes[place]++);
    const double mean = toSeconds(up ? f.meanUp : f.meanDown);
    SimTime at = 0;
    if (!addTime(sim_.now(), fromSeconds(rng.exponential(mean)), at)) return;  // never again
    sim_.scheduleAt(at, static_cast<TargetId>(k), churnKind_, place, up ? 0 : 1);
}

void Network::onChurn(Simulation&, const Event& e) {
    const std::size_t k = e.target;
    if (k >= faults_.size() || !faults_[k].churning) return;
    const auto place = static_cast<std::uint32_t>(e.data);
    const NodeIndex node = nodeAtPlace(faults_[k].nodes, place);
    if (node == kNone) return;
    const bool up = e.aux != 0;  // aux 1: it was down and comes back
    setNodeUp(node, up);
    scheduleChurn(k, place, up);
}

// =============================================================================================
// Traffic
// =============================================================================================

void Network::onEmit(Simulation& sim, const Event& e) {
    const auto fi = static_cast<std::uint32_t>(e.data);
    Flow& f = flows_[fi];
    const NodeIndex src = f.from.pick(f.rng);
    NodeIndex dst = kNone;
    if (f.to.total() == 1) {
        dst = f.to.first[0] == src ? kNone : f.to.first[0];
    } else {
        for (int tries = 0; tries < 64 && dst == kNone; ++tries) {
            const NodeIndex c = f.to.pick(f.rng);
            if (c != src) dst = c;
        }
    }
    const double size = drawVariate(f.size, f.rng);
    if (!(size < kMessageBytesLimit)) [[unlikely]]
        throw RunFailure(flowOrigin(fi) + ": drew a message of " + bytesText(size) +
                         ", more than a message can hold (" + bytesText(kMessageBytesLimit) + ")");
    const std::uint64_t bytes =
        size < 9e18 ? std::max<std::uint64_t>(
                          1, static_cast<std::uint64_t>(std::llround(std::max(0.0, size))))
                    : static_cast<std::uint64_t>(size);
    ++f.emitted;
    if (dst != kNone) sendImpl(src, dst, bytes, kTrafficPort, 0, fi);
    SimTime next;
    if (nextEmission(fi, e.time, next)) sim.scheduleAt(next, e.target, f.kind, e.data);
}

bool Network::nextEmission(std::uint32_t fi, SimTime now, SimTime& out) {
    Flow& f = flows_[fi];
    // A Poisson flow draws its gap from now; a constant one counts from its start, so that
    // rounding never accumulates.
    const bool poisson = f.process == TrafficSpec::Process::Poisson;
    const SimTime from = poisson ? now : f.start;
    const double gapNs =
        poisson ? f.rng.exponential(f.gapNs) : static_cast<double>(f.emitted) * f.gapNs;
    SimTime gap;
    if (!durationNs(gapNs, gap) || !addTime(from, gap, out)) [[unlikely]] {
        // Past the end of simulated time is after any stop the flow has: it is over.
        if (f.stop != kTimeNever) return false;
        emissionTooLate(fi, from, gapNs);
    }
    return out < f.stop;
}

// =============================================================================================
// Gauges
// =============================================================================================

double Network::utilisation(LinkIndex l, int direction) const {
    const SimTime now = sim_.now();
    if (now <= 0 || l >= linkCount()) return 0;
    const Direction& d = dirs_[2 * std::size_t(l) + (direction ? 1 : 0)];
    // Minus the queued future; busyNs <= busyUntil, as transmissions on a direction never overlap.
    const SimTime busy = d.busyNs - std::max<SimTime>(0, d.busyUntil - now);
    return static_cast<double>(busy) / static_cast<double>(now);
}

void Network::updateGauges() {
    double sum = 0, max = 0;
    const std::size_t dirs = 2 * linkCount();
    for (std::size_t k = 0; k < dirs; ++k) {
        const double u = utilisation(static_cast<LinkIndex>(k / 2), static_cast<int>(k % 2));
        sum += u;
        max = std::max(max, u);
    }
    Metrics& M = sim_.metrics();
    M.set(m_.utilMean, dirs ? sum / static_cast<double>(dirs) : 0.0);
    M.set(m_.utilMax, max);
}

std::vector<LinkLoad> Network::busiestLinks(std::size_t k) const {
    struct Item {
        double u;
        std::uint64_t bytes;
        std::size_t dir;
    };
    const auto busier = [](const Item& a, const Item& b) {
        if (a.u != b.u) return a.u > b.u;
        if (a.bytes != b.bytes) return a.bytes > b.bytes;
        return a.dir < b.dir;
    };
    // The k busiest so far, in a heap whose top is the least busy of them: memory in k, not in
    // the links, so a report on a large network costs no copy of its links.
    std::vector<Item> items;
    k = std::min(k, 2 * linkCount());
    items.reserve(k);
    for (std::size_t d = 0; d < 2 * linkCount() && k > 0; ++d) {
        const Item item{utilisation(static_cast<LinkIndex>(d / 2), static_cast<int>(d % 2)),
                        dirs_[d].bytes, d};
        if (items.size() < k) {
            items.push_back(item);
            std::push_heap(items.begin(), items.end(), busier);
        } else if (busier(item, items.front())) {
            std::pop_heap(items.begin(), items.end(), busier);
            items.back() = item;
            std::push_heap(items.begin(), items.end(), busier);
        }
    }
    std::sort_heap(items.begin(), items.end(), busier);
    std::vector<LinkLoad> out;
    out.reserve(k);
    for (std::size_t i = 0; i < k; ++i) {
        const auto l = static_cast<LinkIndex>(items[i].dir / 2);
        const bool back = items[i].dir % 2 != 0;
        const NodeIndex from = back ? links_[l].b : links_[l].a,
                        to = back ? links_[l].a : links_[l].b;
        out.push_back({nodeName(from), nodeName(to), l, items[i].u, items[i].bytes});
    }
    return out;
}

}  // namespace dais::sim
