// The network's memory, estimated from its spec before anything is built
// (Network::estimateMemory): its nodes, the links written out and those the topology generators
// will make (their expected number, from the generators' parameters), the route cache, and the
// background traffic's messages in flight.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>

#include "dais/sim/network.h"
#include "network_topology.h"

namespace dais::sim {

namespace {

/// A rough count, to three significant digits: what an estimate can claim.
double roughly(double v) {
    if (!(v > 0) || !std::isfinite(v)) return v;
    const double scale = std::pow(10.0, std::floor(std::log10(v)) - 2);
    return std::round(v / scale) * scale;
}

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// Nodes a list of node and group ids stands for (empty: every node). Ids named twice count
/// twice: an estimate may err on the large side.
double memberCount(const std::vector<std::string>& ids,
                   const std::unordered_map<std::string, double>& groupSize, double allNodes) {
    if (ids.empty()) return allNodes;
    double m = 0;
    for (const std::string& id : ids) {
        const auto it = groupSize.find(id);
        m += it != groupSize.end() ? it->second : 1;
    }
    return std::min(m, allNodes);
}

// The mean distance between two points drawn uniformly in a disc, over the disc's diameter:
// 128 / (45 pi) radii over two.
constexpr double kMeanDiscDistance = 128.0 / (45.0 * 3.14159265358979323846) / 2.0;

/// "12 Tbit/s", "40 Gbit/s", "800 kbit/s".
std::string bitRateText(double bps) {
    static constexpr const char* kUnits[] = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"};
    std::size_t u = 0;
    while (bps >= 1000 && u + 1 < std::size(kUnits)) {
        bps /= 1000;
        ++u;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.3g %s", bps, kUnits[u]);
    return buf;
}

/// The most links a member of topology t can have (an upper bound: random generators may give
/// one member many).
double maxDegree(const TopologySpec& t, double m) {
    switch (t.kind) {
        case TopologySpec::Kind::Ring:
            return 2;
        case TopologySpec::Kind::Tree:
            return t.arity + 1.0;
        case TopologySpec::Kind::Regions:
            return 1;
        default:
            return std::max(0.0, m - 1);
    }
}

/// An upper bound on the bytes per second the links of these nodes (node ids, group ids or
/// member names) can carry in one direction: every link of every one of them at its bandwidth.
double linkCapacity(const NetworkSpec& spec, const std::vector<std::string>& ids,
                    const std::unordered_map<std::string, double>& groupSize, double allNodes) {
    double bps = 0;
    for (const std::string& id : ids) {
        const auto group = groupSize.find(id);
        const GroupSpec* member = nullptr;  // the group of a member name "g[12]"
        if (group == groupSize.end() && id.ends_with(']'))
            for (const GroupSpec& g : spec.groups)
                if (id.size() > g.id.size() + 2 && id.starts_with(g.id) && id[g.id.size()] == '[')
                    member = &g;
        const double count = group != groupSize.end() ? group->second : 1;
        for (const GroupSpec& g : spec.groups)
            if ((g.id == id || &g == member) && !g.attachTo.empty())
                bps += (member ? 1 : g.count) * g.access.bandwidthBps;
        if (group == groupSize.end() && member == nullptr) {
            for (const LinkSpec& l : spec.links)
                if (l.from == id || l.to == id) bps += l.props.bandwidthBps;
            for (const GroupSpec& g : spec.groups)
                if (g.attachTo == id) bps += g.count * g.access.bandwidthBps;
        }
        for (const TopologySpec& t : spec.topologies) {
            const bool in = t.members.empty() ||
                            std::find(t.members.begin(), t.members.end(),
                                      member ? member->id : id) != t.members.end() ||
                            (t.kind == TopologySpec::Kind::Star && t.hub == id);
            if (!in) continue;
            const double m = memberCount(t.members, groupSize, allNodes);
            bps += (member ? 1 : count) * maxDegree(t, m) * t.link.bandwidthBps;
        }
        // The gateway of a "regions" topology links to every member of its region: no bound.
        for (const TopologySpec& t : spec.topologies)
            if (t.kind == TopologySpec::Kind::Regions)
                for (const RegionSpec& r : spec.regions)
                    if (id == r.id + ".gw") return std::numeric_limits<double>::infinity();
    }
    return bps / 8;
}

}  // namespace

double Network::expectedTopologyLinks(const TopologySpec& t, double members) {
    const double m = std::max(0.0, members);
    const double pairs = m * (m - 1) / 2;
    switch (t.kind) {
        case TopologySpec::Kind::FullMesh:
            return pairs;
        case TopologySpec::Kind::Star:
        case TopologySpec::Kind::Tree:
            return std::max(0.0, m - 1);
        case TopologySpec::Kind::Ring:
            return m >= 3 ? m : m == 2 ? 1 : 0;
        case TopologySpec::Kind::ErdosRenyi:
            return std::clamp(t.p, 0.0, 1.0) * pairs;
        case TopologySpec::Kind::BarabasiAlbert: {
            const double k = t.m;
            if (k < 1 || k >= m) return 0;
            return k * (k + 1) / 2 + (m - k - 1) * k;
        }
        case TopologySpec::Kind::Waxman:
            // P(u, v) = alpha exp(-d / (beta L)) >= alpha exp(-1 / beta) for every pair; for
            // members spread evenly over a disc, E[exp(-d / (beta L))] >= exp(-E[d] / (beta L))
            // (Jensen), with E[d] / L = 0.453. A lower bound: the scenario may need more.
            if (!(t.beta > 0) || !(t.alpha > 0)) return 0;
            return std::min(t.alpha, 1.0) * pairs * std::exp(-kMeanDiscDistance / t.beta);
        case TopologySpec::Kind::Regions:
            return m;  // each member to its gateway (the gateways' mesh is counted apart)
    }
    return 0;
}

namespace {

/// Bytes of one node, one link and one message in flight, at the peak of building and running.
struct UnitBytes {
    double node = 0, link = 0, message = 0;
};

/// What the spec's nodes come to: each group's size, the regions' gateways and every node.
struct NodeCounts {
    std::unordered_map<std::string, double> groupSize;
    double gateways = 0, nodes = 0;
};

NodeCounts countNodes(const NetworkSpec& spec) {
    NodeCounts c;
    for (const TopologySpec& t : spec.topologies)
        if (t.kind == TopologySpec::Kind::Regions)
            c.gateways += static_cast<double>(t.regionOrder.empty() ? spec.regions.size()
                                                                    : t.regionOrder.size());
    c.nodes = static_cast<double>(spec.nodes.size()) + c.gateways;
    for (const GroupSpec& g : spec.groups) {
        c.groupSize[g.id] += g.count;
        c.nodes += g.count;
    }
    return c;
}

/// The nodes and the links written out (groups' access links among them), charged to the
/// largest group's count.
MemoryNeed structureNeed(const NetworkSpec& spec, const NodeCounts& c, const UnitBytes& unit) {
    double accessLinks = 0, largestGroup = 0;
    std::size_t largest = spec.groups.size();
    for (std::size_t g = 0; g < spec.groups.size(); ++g) {
        const GroupSpec& s = spec.groups[g];
        if (!s.attachTo.empty()) accessLinks += s.count;
        if (s.count > largestGroup) {
            largestGroup = s.count;
            largest = g;
        }
    }
    const double links = static_cast<double>(spec.links.size()) + accessLinks;
    MemoryNeed n;
    n.pointer = largest < spec.groups.size()
                    ? "/network/groups/" + std::to_string(largest) + "/count"
                    : std::string(spec.nodes.empty() ? "/network" : "/network/nodes");
    n.what = countText(c.nodes) + " nodes" +
             (links > 0 ? " and " + countText(links) + (links == 1 ? " link" : " links")
                        : std::string());
    n.bytes = c.nodes * unit.node + links * unit.link;
    return n;
}

/// The links topology `i` is expected to make, charged to the parameter that sets how many.
MemoryNeed topologyNeed(const NetworkSpec& spec, std::size_t i, double members, double unitLink) {
    const TopologySpec& t = spec.topologies[i];
    double made = Network::expectedTopologyLinks(t, members);
    if (t.kind == TopologySpec::Kind::Regions) {
        const double r =
            static_cast<double>(t.regionOrder.empty() ? spec.regions.size() : t.regionOrder.size());
        made += r * (r - 1) / 2;  // the gateways' mesh
    }
    std::string param = "members";
    std::string how;
    switch (t.kind) {
        case TopologySpec::Kind::ErdosRenyi:
            param = "p";
            how = " (p " + fmt(t.p) + ")";
            break;
        case TopologySpec::Kind::BarabasiAlbert:
            param = "m";
            how = " (m " + std::to_string(t.m) + ")";
            break;
        case TopologySpec::Kind::Waxman:
            // A beta of 1 or more reaches across the whole area: the graph is nearly complete.
            if (t.beta >= 1) param = "beta";
            how = " (alpha " + fmt(t.alpha) + ", beta " + fmt(t.beta) + ")";
            break;
        default:
            break;
    }
    MemoryNeed n;
    n.pointer = "/network/topologies/" + std::to_string(i) + "/" + param;
    n.what = "about " + countText(roughly(made)) + " links expected from the " +
             std::string(topologyName(t.kind)) + " topology over " + countText(members) + " nodes" +
             how;
    n.bytes = made * unitLink;
    return n;
}

/// The nodes routes run over: those with two links or more, at most the explicit nodes, the
/// gateways and every generator's members (every node when a generator takes them all).
double coreNodes(const NetworkSpec& spec, const NodeCounts& c) {
    double core = static_cast<double>(spec.nodes.size()) + c.gateways;
    for (const TopologySpec& t : spec.topologies) {
        if (t.members.empty()) return c.nodes;
        for (const std::string& id : t.members)
            if (const auto it = c.groupSize.find(id); it != c.groupSize.end()) core += it->second;
    }
    return std::min(core, c.nodes);
}

/// The shortest mean latency of any link the spec makes, in nanoseconds (0 when none is known).
double shortestLatencyNs(const NetworkSpec& spec) {
    double shortest = std::numeric_limits<double>::infinity();
    auto consider = [&](const LinkProps& p) {
        const double mean = p.latency.mean();
        if (std::isfinite(mean)) shortest = std::min(shortest, std::max(0.0, mean));
    };
    for (const LinkSpec& l : spec.links)
        consider(l.props);
    for (const GroupSpec& g : spec.groups)
        if (!g.attachTo.empty()) consider(g.access);
    for (const TopologySpec& t : spec.topologies)
        consider(t.link);
    return std::isfinite(shortest) ? shortest : 0;
}

/// Flow `i`'s messages in flight: its rate times the time a message is in flight (at least the
/// shortest link latency), or, when it sends more bytes than the links of its sources can send
/// or its destinations' can receive, what piles up for as long as it runs. Empty below one.
std::optional<MemoryNeed> trafficNeed(const NetworkSpec& spec, std::size_t i, const NodeCounts& c,
                                      double minLatencyNs, SimTime horizon, double unitMessage) {
    const TrafficSpec& f = spec.traffic[i];
    if (!(f.ratePerSecond > 0) || !std::isfinite(f.ratePerSecond)) return std::nullopt;
    double inFlight = f.ratePerSecond * minLatencyNs * 1e-9;
    std::string why = " in flight (" + fmt(f.ratePerSecond) + " per second for at least " +
                      formatSeconds(minLatencyNs * 1e-9) + " each)";
    const double size = f.sizeBytes.mean();
    const SimTime end = std::min(f.stop, horizon);
    if (size > 0 && std::isfinite(size) && end != kTimeNever && end > f.start) {
        const double carry = std::min(linkCapacity(spec, f.from, c.groupSize, c.nodes),
                                      linkCapacity(spec, f.to, c.groupSize, c.nodes));  // B/s
        const double piling = f.ratePerSecond - carry / size;  // messages per second
        const double piled = piling * toSeconds(end - f.start);
        if (piling > 0 && piled > inFlight) {
            inFlight = piled;
            why = " piled up in flight by " + formatTime(end) + ": it sends " +
                  bitRateText(f.ratePerSecond * size * 8) +
                  ", and the links of its sources and destinations carry at most " +
                  bitRateText(carry * 8);
        }
    }
    if (!(inFlight >= 1)) return std::nullopt;
    MemoryNeed n;
    n.pointer = "/network/traffic/" + std::to_string(i) + "/rate";
    n.what =
        "about " + countText(roughly(inFlight)) + " messages of traffic \"" + f.id + "\"" + why;
    n.bytes = inFlight * unitMessage;
    n.whileRunning = true;
    return n;
}

}  // namespace

std::vector<MemoryNeed> Network::estimateMemory(const NetworkSpec& spec, SimTime horizon) {
    UnitBytes unit;
    // A node: position, region, state, adjacency index and routing index, and while building,
    // its name's hash and its place in member lists.
    unit.node = 2 * sizeof(double) + sizeof(RegionIndex) + sizeof(std::uint8_t) +
                2 * sizeof(std::uint32_t) + sizeof(std::uint64_t) + sizeof(NodeIndex);
    // A link at the peak of building: the link, its two directions, its two adjacency entries,
    // and the edge list it is built from (with the slack of a growing vector).
    unit.link = sizeof(Link) + 2 * sizeof(Direction) + 2 * sizeof(Adjacent) +
                2 * sizeof(topo::Edge) + 2 * sizeof(std::uint32_t);
    // A message in flight: its slot in the pool and its pending hop event in the queue.
    unit.message = sizeof(Msg) + Simulation::kBytesPerPendingEvent;

    const NodeCounts counts = countNodes(spec);
    std::vector<MemoryNeed> needs{structureNeed(spec, counts, unit)};
    for (std::size_t i = 0; i < spec.topologies.size(); ++i)
        needs.push_back(topologyNeed(
            spec, i, memberCount(spec.topologies[i].members, counts.groupSize, counts.nodes),
            unit.link));

    // The route cache (one tree of 4 bytes per core node per destination, up to its limit) and
    // the scratch memory of one shortest-path computation.
    const double core = coreNodes(spec, counts);
    MemoryNeed routes;
    routes.pointer = "/network";
    routes.what = "routes over " + countText(core) + " nodes";
    routes.bytes =
        std::min(static_cast<double>(kDefaultRouteCacheBytes), core * core * sizeof(LinkIndex)) +
        core * (sizeof(LinkIndex) + sizeof(SimTime) + sizeof(std::uint32_t) + sizeof(HeapItem));
    needs.push_back(std::move(routes));

    const double minLatencyNs = shortestLatencyNs(spec);
    for (std::size_t i = 0; i < spec.traffic.size(); ++i)
        if (auto n = trafficNeed(spec, i, counts, minLatencyNs, horizon, unit.message))
            needs.push_back(std::move(*n));
    return needs;
}

}  // namespace dais::sim
