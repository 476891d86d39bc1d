// The network model's builder: turns a validated NetworkSpec into nodes (explicit ones, region
// gateways, group members and their placement), links (explicit, group access links, topology
// generators) with their properties, compressed adjacency and the routing core, then defines
// the network's metrics and schedules its traffic and faults. Everything that happens once,
// before the run; what happens during the run is in network.cpp.
#include "dais/sim/network.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include "network_internal.h"
#include "network_topology.h"

namespace dais::sim {

using net::durationNs;
using net::kMaxRouteWeight;
using net::routeWeightNs;

namespace {

constexpr double kNsPerKm = 5000.0;  // light in fibre: 200,000 km/s
constexpr std::size_t kMaxLinks = 0x7fffffff;

std::string_view faultName(FaultSpec::Kind k) {
    switch (k) {
        case FaultSpec::Kind::Crash:
            return "crash";
        case FaultSpec::Kind::Recover:
            return "recover";
        case FaultSpec::Kind::LinkDown:
            return "link-down";
        case FaultSpec::Kind::LinkUp:
            return "link-up";
        case FaultSpec::Kind::Partition:
            return "partition";
        case FaultSpec::Kind::Heal:
            return "heal";
        case FaultSpec::Kind::RegionOutage:
            return "region-outage";
        case FaultSpec::Kind::Churn:
            return "churn";
    }
    return "?";
}

std::string fmt(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// hashName of "<group>[<k>]" without building a std::string per member.
std::uint64_t memberHash(std::string& buf, std::size_t prefix, std::uint64_t k) {
    buf.resize(prefix);
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, k);
    buf.append(digits, r.ptr);
    buf.push_back(']');
    return hashName(buf);
}

/// A point uniformly in the disc (cx, cy, r) by rejection from the square: arithmetic only,
/// so placements are identical on every machine.
void placeInDisc(RngStream rng, const RegionSpec& reg, double& x, double& y) {
    double u, v;
    do {
        u = 2.0 * rng.uniform() - 1.0;
        v = 2.0 * rng.uniform() - 1.0;
    } while (u * u + v * v >= 1.0);
    x = reg.x + reg.radius * u;
    y = reg.y + reg.radius * v;
}
}  // namespace

class Network::Builder {
  public:
    Builder(Simulation& sim, const NetworkSpec& spec, Network& net)
        : sim_(sim), spec_(spec), net_(net) {}

    bool run() {
        if (sim_.metrics().find("net.messages.sent") >= 0)
            return fail("this simulation already has a network (build it once per run)");
        for (const auto step : {&Builder::regions, &Builder::explicitNodes, &Builder::gatewayNodes,
                                &Builder::groupNodes, &Builder::placeNodes, &Builder::explicitLinks,
                                &Builder::groupLinks, &Builder::topologies, &Builder::finishLinks,
                                &Builder::traffic, &Builder::faults, &Builder::hookUp}) {
            at_.clear();  // a step names its element as it comes to it
            if (!(this->*step)()) return false;
        }
        return true;
    }
    /// Why run() failed.
    const std::string& error() const { return error_; }

  private:
    using Edge = topo::Edge;
    struct Range {
        NodeIndex first;
        std::uint32_t count;
    };
    /// An explicit node or gateway whose region and position are placed once all nodes exist.
    struct Pending {
        RegionIndex region;
        std::optional<double> x, y;
    };

    bool fail(std::string msg) {
        // A message that names its element by pointer already says where.
        error_ = at_.empty() || msg.starts_with('/') ? std::move(msg) : at_ + ": " + msg;
        return false;
    }
    /// Marks the element being built, so that a failure names it: "/network/traffic/3".
    void at(std::string_view section, std::size_t index) {
        at_ = "/network/" + std::string(section) + "/" + std::to_string(index);
    }
    std::size_t n() const { return net_.x_.size(); }

    /// A single node: an explicit id or a member name.
    NodeIndex nodeOf(const std::string& id) const { return net_.findNode(id); }

    /// A node id, a group id (all its members) or a member name.
    bool resolve(const std::string& id, Range& out) const {
        if (const NodeIndex i = net_.findNode(id); i != kNone) {
            out = {i, 1};
            return true;
        }
        if (const GroupIndex g = net_.findGroup(id); g != kNone) {
            out = {net_.groups_[g].first, net_.groups_[g].count};
            return true;
        }
        return false;
    }

    /// Expands ids into distinct nodes in order of first mention; empty = every node.
    bool members(const std::vector<std::string>& ids, const std::string& what,
                 std::vector<NodeIndex>& out) {
        out.clear();
        if (ids.empty()) {
            out.resize(n());
            for (std::size_t i = 0; i < n(); ++i)
                out[i] = static_cast<NodeIndex>(i);
            return true;
        }
        std::vector<bool> seen(n(), false);
        for (const std::string& id : ids) {
            Range r;
            if (!resolve(id, r)) return fail(what + ": unknown node or group '" + id + "'");
            for (std::uint32_t k = 0; k < r.count; ++k) {
                const NodeIndex v = r.first + k;
                if (!seen[v]) {
                    seen[v] = true;
                    out.push_back(v);
                }
            }
        }
        return true;
    }

    bool variateOk(const Variate& v, const std::string& what) {
        const std::string where = what + ": ";
        if (!std::isfinite(v.a) || !std::isfinite(v.b))
            return fail(where + "parameters must be finite");
        switch (v.kind) {
            case Variate::Kind::Constant:
                break;
            case Variate::Kind::Uniform:
                if (v.b < v.a)
                    return fail(where + "uniform max (" + fmt(v.b) + ") is below min (" + fmt(v.a) +
                                ")");
                break;
            case Variate::Kind::Exponential:
                if (v.a < 0) return fail(where + "exponential mean must be >= 0, got " + fmt(v.a));
                break;
            case Variate::Kind::Normal:
                if (v.b < 0) return fail(where + "normal stddev must be >= 0, got " + fmt(v.b));
                break;
            case Variate::Kind::LogNormal:
                if (v.a <= 0 || v.b < 0)
                    return fail(where + "log-normal needs median > 0 and sigma >= 0, got " +
                                fmt(v.a) + ", " + fmt(v.b));
                break;
            case Variate::Kind::Pareto:
                if (v.a <= 0 || v.b <= 0)
                    return fail(where + "pareto needs scale > 0 and shape > 0, got " + fmt(v.a) +
                                ", " + fmt(v.b));
                break;
        }
        return true;
    }

    /// The index of a (deduplicated) property set.
    bool props(const LinkProps& p, const std::string& what, std::uint32_t& out) {
        if (!(p.bandwidthBps > 0) || !std::isfinite(p.bandwidthBps))
            return fail(what + ": bandwidth must be a positive number of bit/s, got " +
                        fmt(p.bandwidthBps));
        if (!(p.loss >= 0 && p.loss <= 1))
            return fail(what + ": loss must be within [0, 1], got " + fmt(p.loss));
        if (!variateOk(p.latency, what + ": latency")) return false;
        char key[4 * sizeof(double) + 2];
        std::memcpy(key, &p.latency.a, sizeof(double));
        std::memcpy(key + 8, &p.latency.b, sizeof(double));
        std::memcpy(key + 16, &p.bandwidthBps, sizeof(double));
        std::memcpy(key + 24, &p.loss, sizeof(double));
        key[32] = static_cast<char>(p.latency.kind);
        key[33] = p.latencyFromDistance ? 1 : 0;
        auto [it, fresh] = propsIndex_.try_emplace(std::string(key, sizeof key),
                                                   static_cast<std::uint32_t>(net_.props_.size()));
        out = it->second;
        if (!fresh) return true;
        Props q;
        q.spec = p;
        q.constant = p.latency.kind == Variate::Kind::Constant;
        if (q.constant && !(durationNs(p.latency.a, q.latencyNs) && q.latencyNs != kTimeNever))
            return fail(what + ": a latency of " + formatSeconds(p.latency.a * 1e-9) +
                        " is beyond " + longestTimeText());
        const double mean = p.latency.mean();
        q.meanNs = routeWeightNs(std::isfinite(mean) ? mean : 1e30);
        q.nsPerByte = 8e9 / p.bandwidthBps;
        q.bwInt = (p.bandwidthBps == std::floor(p.bandwidthBps) && p.bandwidthBps <= 9e15)
                      ? static_cast<std::uint64_t>(p.bandwidthBps)
                      : 0;
        q.random = !q.constant || p.loss > 0;
        net_.props_.push_back(q);
        return true;
    }

    /// The links added from here on come from the spec item at `pointer` (see linkOrigin()).
    void origin(std::string pointer) {
        net_.linkOrigins_.emplace_back(static_cast<LinkIndex>(edges_.size()), std::move(pointer));
    }

    void addEdge(NodeIndex a, NodeIndex b, std::uint32_t p) {
        edges_.emplace_back(a, b);
        edgeProps_.push_back(p);
    }

    // --- regions and nodes -----------------------------------------------------------------

    bool regions() {
        net_.regions_ = spec_.regions;
        for (std::size_t r = 0; r < spec_.regions.size(); ++r) {
            const RegionSpec& reg = spec_.regions[r];
            at("regions", r);
            if (!(reg.radius >= 0) || !std::isfinite(reg.x) || !std::isfinite(reg.y) ||
                !std::isfinite(reg.radius))
                return fail("region '" + reg.id +
                            "': centre and radius must be finite, radius >= 0");
            if (!regionIndex_.try_emplace(reg.id, static_cast<RegionIndex>(r)).second)
                return fail("region '" + reg.id + "' is defined twice");
        }
        return true;
    }

    bool region(const std::string& id, const std::string& what, RegionIndex& out) {
        out = kNone;
        if (id.empty()) return true;
        const auto it = regionIndex_.find(id);
        if (it == regionIndex_.end()) return fail(what + ": unknown region '" + id + "'");
        out = it->second;
        return true;
    }

    /// The regions a "regions" topology covers, in matrix order.
    bool topologyRegions(const TopologySpec& t, const std::string& what,
                         std::vector<RegionIndex>& out) {
        out.clear();
        if (t.regionOrder.empty()) {
            for (RegionIndex r = 0; r < spec_.regions.size(); ++r)
                out.push_back(r);
            return true;
        }
        for (const std::string& id : t.regionOrder) {
            RegionIndex r;
            if (!region(id, what, r)) return false;
            if (std::find(out.begin(), out.end(), r) != out.end())
                return fail(what + ": region '" + id + "' is listed twice");
            out.push_back(r);
        }
        return true;
    }

    // Nodes in index order: explicit nodes, gateways, then each group's members.

    bool explicitNodes() {
        Network& N = net_;
        for (std::size_t i = 0; i < spec_.nodes.size(); ++i) {
            const NodeSpec& s = spec_.nodes[i];
            at("nodes", i);
            const std::string what = "node '" + s.id + "'";
            if (s.id.empty()) return fail("a node has an empty id");
            if (!N.explicitIndex_.try_emplace(s.id, static_cast<NodeIndex>(N.explicit_.size()))
                     .second)
                return fail(what + " is defined twice");
            RegionIndex r;
            if (!region(s.region, what, r)) return false;
            if ((s.x && !std::isfinite(*s.x)) || (s.y && !std::isfinite(*s.y)))
                return fail(what + ": coordinates must be finite");
            N.explicit_.push_back({s.id, s.role, s.resources});
            pending_.push_back({r, s.x, s.y});
        }
        return true;
    }

    /// Gateways of "regions" topologies that the spec does not name itself.
    bool gatewayNodes() {
        Network& N = net_;
        for (std::size_t t = 0; t < spec_.topologies.size(); ++t) {
            const TopologySpec& ts = spec_.topologies[t];
            if (ts.kind != TopologySpec::Kind::Regions) continue;
            at("topologies", t);
            std::vector<RegionIndex> regs;
            if (!topologyRegions(ts, "topology " + std::to_string(t) + " (regions)", regs))
                return false;
            for (RegionIndex r : regs) {
                const std::string gw = spec_.regions[r].id + ".gw";
                if (!N.explicitIndex_.try_emplace(gw, static_cast<NodeIndex>(N.explicit_.size()))
                         .second)
                    continue;
                N.explicit_.push_back({gw, "gateway", {}});
                pending_.push_back({r, spec_.regions[r].x, spec_.regions[r].y});
            }
        }
        return true;
    }

    bool groupNodes() {
        Network& N = net_;
        std::uint64_t total = N.explicit_.size();
        for (std::size_t gi = 0; gi < spec_.groups.size(); ++gi) {
            const GroupSpec& g = spec_.groups[gi];
            at("groups", gi);
            const std::string what = "group '" + g.id + "'";
            if (g.id.empty()) return fail("a group has an empty id");
            if (N.explicitIndex_.count(g.id) != 0) return fail(what + ": a node has the same id");
            if (!N.groupIndex_.try_emplace(g.id, static_cast<GroupIndex>(N.groups_.size())).second)
                return fail(what + " is defined twice");
            RegionIndex r;
            if (!region(g.member.region, what, r)) return false;
            if (total + g.count >= kNone)
                return fail(what + ": the network would have more than 4,294,967,294 nodes");
            N.groups_.push_back(
                {g.id, static_cast<NodeIndex>(total), g.count, g.member.role, g.member.resources});
            groupRegion_.push_back(r);
            total += g.count;
        }
        nodeCount_ = total;
        return true;
    }

    /// The per-node arrays: names' hashes, regions and positions (given, or drawn in the
    /// region's disc).
    bool placeNodes() {
        Network& N = net_;
        const std::size_t n = nodeCount_;
        N.x_.assign(n, 0.0);
        N.y_.assign(n, 0.0);
        N.region_.assign(n, kNone);
        N.up_.assign(n, 1);
        hash_.resize(n);
        for (std::size_t i = 0; i < N.explicit_.size(); ++i) {
            const Pending& p = pending_[i];
            hash_[i] = hashName(N.explicit_[i].id);
            N.region_[i] = p.region;
            if (p.region != kNone && !(p.x && p.y))
                placeInDisc(sim_.rng("network", hash_[i], "placement"), spec_.regions[p.region],
                            N.x_[i], N.y_[i]);
            if (p.x) N.x_[i] = *p.x;
            if (p.y) N.y_[i] = *p.y;
        }
        std::string buf;
        for (std::size_t gi = 0; gi < N.groups_.size(); ++gi) {
            const Group& g = N.groups_[gi];
            const RegionIndex r = groupRegion_[gi];
            buf = g.id;
            buf.push_back('[');
            const std::size_t prefix = buf.size();
            for (std::uint32_t k = 0; k < g.count; ++k) {
                const NodeIndex i = g.first + k;
                hash_[i] = memberHash(buf, prefix, k);
                N.region_[i] = r;
                if (r != kNone)
                    placeInDisc(sim_.rng("network", hash_[i], "placement"), spec_.regions[r],
                                N.x_[i], N.y_[i]);
            }
        }
        std::vector<Pending>().swap(pending_);
        std::vector<RegionIndex>().swap(groupRegion_);
        return true;
    }

    // --- links -----------------------------------------------------------------------------

    bool explicitLinks() {
        for (std::size_t l = 0; l < spec_.links.size(); ++l) {
            const LinkSpec& s = spec_.links[l];
            at("links", l);
            const std::string what =
                "link " + std::to_string(l) + " (" + s.from + " - " + s.to + ")";
            const NodeIndex a = nodeOf(s.from), b = nodeOf(s.to);
            for (const auto& [v, id] : {std::pair{a, &s.from}, std::pair{b, &s.to}}) {
                if (v != kNone) continue;
                if (net_.findGroup(*id) != kNone)
                    return fail(what + ": '" + *id +
                                "' is a group, not a node (use a topology or attachTo)");
                return fail(what + ": unknown node '" + *id + "'");
            }
            if (a == b) return fail(what + ": a link needs two different nodes");
            std::uint32_t p;
            if (!props(s.props, what, p)) return false;
            origin("/network/links/" + std::to_string(l));
            addEdge(a, b, p);
        }
        return true;
    }

    bool groupLinks() {
        for (std::size_t gi = 0; gi < spec_.groups.size(); ++gi) {
            const GroupSpec& s = spec_.groups[gi];
            if (s.attachTo.empty()) continue;
            at("groups", gi);
            const std::string what = "group '" + s.id + "'";
            const NodeIndex to = nodeOf(s.attachTo);
            if (to == kNone) return fail(what + ": attachTo names no node: '" + s.attachTo + "'");
            const Group& g = net_.groups_[gi];
            if (to >= g.first && to - g.first < g.count)
                return fail(what + ": a group cannot attach to its own member");
            std::uint32_t p;
            if (!props(s.access, what + ": access link", p)) return false;
            if (edges_.size() + g.count > kMaxLinks) return fail(what + ": too many links");
            origin("/network/groups/" + std::to_string(gi) + "/access");
            for (std::uint32_t k = 0; k < g.count; ++k)
                addEdge(g.first + k, to, p);
        }
        return true;
    }

    bool topologies() {
        std::vector<NodeIndex> mem;
        std::vector<Edge> made;
        for (std::size_t t = 0; t < spec_.topologies.size(); ++t) {
            const TopologySpec& s = spec_.topologies[t];
            at("topologies", t);
            const std::string what =
                "topology " + std::to_string(t) + " (" + std::string(topologyName(s.kind)) + ")";
            if (!members(s.members, what, mem)) return false;
            std::uint32_t p;
            if (!props(s.link, what, p)) return false;
            RngStream rng = sim_.rng("network", t, "topology");
            origin("/network/topologies/" + std::to_string(t) + "/link");
            made.clear();
            if (!generate(s, t, what, mem, p, rng, made)) return false;
            for (const Edge& e : made)
                addEdge(e.first, e.second, p);
            if (s.ensureConnected && (s.kind == TopologySpec::Kind::ErdosRenyi ||
                                      s.kind == TopologySpec::Kind::Waxman)) {
                made.clear();
                topo::joinComponents(n(), edges_, mem, rng, made);
                for (const Edge& e : made)
                    addEdge(e.first, e.second, p);
            }
        }
        return true;
    }

    /// The links one topology makes among its members (the "regions" kind adds its own).
    bool generate(const TopologySpec& s, std::size_t index, const std::string& what,
                  const std::vector<NodeIndex>& mem, std::uint32_t p, RngStream& rng,
                  std::vector<Edge>& made) {
        const double m = static_cast<double>(mem.size());
        const double room = static_cast<double>(kMaxLinks - edges_.size());
        switch (s.kind) {
            case TopologySpec::Kind::FullMesh:
                if (m * (m - 1) / 2 > room)
                    return fail(what + ": a full mesh of " + std::to_string(mem.size()) +
                                " nodes has too many links");
                topo::fullMesh(mem, made);
                break;
            case TopologySpec::Kind::Star: {
                if (mem.empty()) break;
                NodeIndex hub = mem.front();
                if (!s.hub.empty()) {
                    hub = nodeOf(s.hub);
                    if (hub == kNone) return fail(what + ": unknown hub node '" + s.hub + "'");
                }
                topo::star(hub, mem, made);
                break;
            }
            case TopologySpec::Kind::Ring:
                topo::ring(mem, made);
                break;
            case TopologySpec::Kind::Tree:
                if (s.arity < 1) return fail(what + ": arity must be >= 1");
                topo::tree(mem, s.arity, made);
                break;
            case TopologySpec::Kind::ErdosRenyi:
                if (!(s.p >= 0 && s.p <= 1))
                    return fail(what + ": p must be within [0, 1], got " + fmt(s.p));
                if (s.p * m * (m - 1) / 2 > room / 2)
                    return fail(what + ": about " + fmt(s.p * m * (m - 1) / 2) +
                                " links expected: too many");
                topo::erdosRenyi(mem, s.p, rng, made);
                break;
            case TopologySpec::Kind::BarabasiAlbert:
                if (s.m < 1) return fail(what + ": m must be >= 1");
                if (s.m >= mem.size())
                    return fail(what + ": m (" + std::to_string(s.m) +
                                ") must be less than the member count (" +
                                std::to_string(mem.size()) + ")");
                if (static_cast<double>(s.m) * m > room) return fail(what + ": too many links");
                topo::barabasiAlbert(mem, s.m, rng, made);
                break;
            case TopologySpec::Kind::Waxman:
                if (!(s.alpha > 0 && s.alpha <= 1))
                    return fail(what + ": alpha must be within (0, 1], got " + fmt(s.alpha));
                if (!(s.beta > 0) || !std::isfinite(s.beta))
                    return fail(what + ": beta must be > 0, got " + fmt(s.beta));
                // Refused before generating: the links alone would not fit in memory.
                if (const double expected = expectedTopologyLinks(s, m); expected > room)
                    return fail(what + ": at least about " +
                                countText(std::round(expected / 1e6) * 1e6) +
                                " links expected: too many");
                topo::waxman(mem, net_.x_, net_.y_, s.alpha, s.beta, rng, made);
                if (made.size() > room) return fail(what + ": too many links");
                break;
            case TopologySpec::Kind::Regions:
                if (!regionsTopology(s, index, what, mem, p)) return false;
                break;
        }
        return true;
    }

    bool regionsTopology(const TopologySpec& s, std::size_t index, const std::string& what,
                         const std::vector<NodeIndex>& mem, std::uint32_t accessProps) {
        std::vector<RegionIndex> regs;
        if (!topologyRegions(s, what, regs)) return false;
        const std::size_t R = regs.size();
        if (!s.latencyMatrix.empty()) {
            if (s.latencyMatrix.size() != R)
                return fail(what + ": the latency matrix needs " + std::to_string(R) + " rows");
            for (const auto& row : s.latencyMatrix)
                if (row.size() != R)
                    return fail(what + ": every latency matrix row needs " + std::to_string(R) +
                                " entries");
        }
        std::vector<NodeIndex> gw(spec_.regions.size(), kNone);
        for (RegionIndex r : regs)
            gw[r] = nodeOf(spec_.regions[r].id + ".gw");
        for (NodeIndex v : mem) {
            const RegionIndex r = net_.region_[v];
            if (r == kNone || gw[r] == kNone || gw[r] == v) continue;
            addEdge(v, gw[r], accessProps);
        }
        for (std::size_t i = 0; i < R; ++i)
            for (std::size_t j = i + 1; j < R; ++j) {
                LinkProps lp = s.link;
                lp.bandwidthBps = s.interBandwidthBps;
                lp.loss = 0;
                if (!s.latencyMatrix.empty()) {
                    lp.latency = Variate::constant(static_cast<double>(s.latencyMatrix[i][j]));
                    lp.latencyFromDistance = false;
                }
                std::uint32_t p;
                if (!props(lp,
                           what + ": gateway link " + spec_.regions[regs[i]].id + " - " +
                               spec_.regions[regs[j]].id,
                           p))
                    return false;
                if (i == 0 && j == 1) origin("/network/topologies/" + std::to_string(index));
                addEdge(gw[regs[i]], gw[regs[j]], p);
            }
        return true;
    }

    bool finishLinks() {
        Network& N = net_;
        const std::size_t L = edges_.size();
        if (L > kMaxLinks) return fail("the network has more than 2^31 links");
        N.links_.resize(L);
        N.dirs_.assign(2 * L, Direction{});
        linkStreams();
        if (!linkRecords()) return false;
        adjacency();
        routingCore();
        return true;
    }

    /// Stream keys from the endpoints' names (and an ordinal among parallel links), so that
    /// a link's draws do not depend on what else the network holds.
    void linkStreams() {
        Network& N = net_;
        const std::size_t L = edges_.size();
        std::vector<std::pair<std::uint64_t, LinkIndex>> keys(L);
        for (LinkIndex l = 0; l < L; ++l) {
            const auto [a, b] = edges_[l];
            const std::uint64_t ha = std::min(hash_[a], hash_[b]),
                                hb = std::max(hash_[a], hash_[b]);
            keys[l] = {mix64(ha ^ mix64(hb + 0x9e3779b97f4a7c15ULL)), l};
        }
        std::sort(keys.begin(), keys.end());
        for (std::size_t k = 0; k < L; ++k) {
            std::uint64_t ordinal = 0;
            while (ordinal < k && keys[k - ordinal - 1].first == keys[k].first)
                ++ordinal;
            Link& lk = N.links_[keys[k].second];
            lk.rngKey = mix64(keys[k].first + ordinal * 0xd1b54a32d192ed03ULL);
        }
    }

    /// Endpoints, properties, state and the distance part of the latency.
    bool linkRecords() {
        Network& N = net_;
        const std::size_t L = edges_.size();
        for (LinkIndex l = 0; l < L; ++l) {
            const auto [a, b] = edges_[l];
            Link& lk = N.links_[l];
            lk.a = a;
            lk.b = b;
            lk.props = edgeProps_[l];
            lk.epoch = 0;
            lk.down = 0;
            lk.draws = 0;
            lk.extraNs = 0;
            if (N.props_[lk.props].spec.latencyFromDistance) {
                const double dx = N.x_[a] - N.x_[b], dy = N.y_[a] - N.y_[b];
                const double km = std::sqrt(dx * dx + dy * dy);
                if (!durationNs(km * kNsPerKm, lk.extraNs) || lk.extraNs == kTimeNever)
                    return fail(N.linkOrigin(l) + ": over its length of " + fmt(km) +
                                " km, light takes " + formatSeconds(km * kNsPerKm * 1e-9) +
                                ", beyond " + longestTimeText());
            }
        }
        return true;
    }

    /// Adjacency in compressed rows, in link order; the edge list is not needed after it.
    void adjacency() {
        Network& N = net_;
        const std::size_t L = edges_.size();
        N.adjStart_.assign(n() + 1, 0);
        for (const Edge& e : edges_) {
            ++N.adjStart_[e.first + 1];
            ++N.adjStart_[e.second + 1];
        }
        for (std::size_t i = 0; i < n(); ++i)
            N.adjStart_[i + 1] += N.adjStart_[i];
        N.adj_.resize(2 * L);
        std::vector<std::uint32_t> fill(N.adjStart_.begin(), N.adjStart_.end() - 1);
        for (LinkIndex l = 0; l < L; ++l) {
            const auto [a, b] = edges_[l];
            N.adj_[fill[a]++] = {b, l};
            N.adj_[fill[b]++] = {a, l};
        }
        std::vector<Edge>().swap(edges_);
        std::vector<std::uint32_t>().swap(edgeProps_);
    }

    /// The core: leaves are never on another node's path, so routing trees leave them out.
    void routingCore() {
        Network& N = net_;
        N.coreIndex_.assign(n(), kNone);
        for (NodeIndex i = 0; i < n(); ++i)
            if (N.degree(i) >= 2) {
                N.coreIndex_[i] = static_cast<std::uint32_t>(N.coreNode_.size());
                N.coreNode_.push_back(i);
            }
        N.coreAdjStart_.assign(N.coreNode_.size() + 1, 0);
        for (std::size_t c = 0; c < N.coreNode_.size(); ++c) {
            std::uint32_t k = 0;
            for (const Adjacent& a : N.adjacency(N.coreNode_[c]))
                k += N.coreIndex_[a.node] != kNone ? 1 : 0;
            N.coreAdjStart_[c + 1] = N.coreAdjStart_[c] + k;
        }
        N.coreAdj_.reserve(N.coreAdjStart_.back());
        for (const NodeIndex v : N.coreNode_)
            for (const Adjacent& a : N.adjacency(v))
                if (N.coreIndex_[a.node] != kNone)
                    N.coreAdj_.push_back({N.coreIndex_[a.node], a.link});
    }

    // --- traffic and faults ----------------------------------------------------------------

    bool nodeSet(const std::vector<std::string>& ids, const std::string& what, NodeSet& out) {
        for (const std::string& id : ids) {
            Range r;
            if (!resolve(id, r)) return fail(what + ": unknown node or group '" + id + "'");
            if (r.count == 0) continue;
            if (!out.first.empty()) {
                const std::uint64_t lastCount =
                    out.end.back() - (out.end.size() > 1 ? out.end[out.end.size() - 2] : 0);
                if (out.first.back() + lastCount == r.first) {  // consecutive groups: one range
                    out.end.back() += r.count;
                    continue;
                }
            }
            out.first.push_back(r.first);
            out.end.push_back(out.total() + r.count);
        }
        if (out.total() == 0) return fail(what + ": no nodes");
        return true;
    }

    bool traffic() {
        std::unordered_map<std::string, int> seen;
        net_.flows_.reserve(spec_.traffic.size());
        for (std::size_t i = 0; i < spec_.traffic.size(); ++i) {
            const TrafficSpec& s = spec_.traffic[i];
            at("traffic", i);
            const std::string what = "traffic '" + s.id + "'";
            if (s.id.empty()) return fail("a traffic flow has an empty id");
            if (!seen.try_emplace(s.id, 0).second) return fail(what + " is defined twice");
            if (sim_.metrics().find("traffic." + s.id + ".sent") >= 0)
                return fail(what + ": its metrics already exist in this simulation");
            if (!(s.ratePerSecond > 0) || !std::isfinite(s.ratePerSecond))
                return fail(what + ": rate must be a positive number per second, got " +
                            fmt(s.ratePerSecond));
            if (!variateOk(s.sizeBytes, what + ": size")) return false;
            if (s.start < 0) return fail(what + ": start must be >= 0");
            Flow f;
            f.id = s.id;
            f.process = s.process;
            f.gapNs = 1e9 / s.ratePerSecond;
            f.size = s.sizeBytes;
            f.start = std::max(s.start, sim_.now());
            f.stop = s.stop;
            if (!nodeSet(s.from, what + ": from", f.from) || !nodeSet(s.to, what + ": to", f.to))
                return false;
            if (f.to.total() == 1 && f.from.total() == 1 && f.to.first[0] == f.from.first[0])
                return fail(what + ": the only destination is the only source");
            f.rng = sim_.rng("traffic", hashName(s.id), "flow");
            net_.flows_.push_back(std::move(f));
        }
        return true;
    }

    bool faults() {
        for (std::size_t k = 0; k < spec_.faults.size(); ++k) {
            const FaultSpec& s = spec_.faults[k];
            at("faults", k);
            const std::string what =
                "fault " + std::to_string(k) + " (" + std::string(faultName(s.kind)) + ")";
            if (s.at < 0) return fail(what + ": time must be >= 0");
            if (s.at > kTimeLatest)
                return fail("/network/faults/" + std::to_string(k) + " (" +
                            std::string(faultName(s.kind)) + "): its time is beyond " +
                            longestTimeText());
            if (s.duration && *s.duration < 0) return fail(what + ": duration must be >= 0");
            if (s.targets.empty()) return fail(what + ": no targets");
            Fault f;
            f.kind = s.kind;
            f.label = what;
            if (s.kind == FaultSpec::Kind::Churn && (s.meanUp <= 0 || s.meanDown <= 0))
                return fail(what + ": churn needs mean times up and down > 0");
            f.meanUp = s.meanUp;
            f.meanDown = s.meanDown;
            switch (s.kind) {
                case FaultSpec::Kind::Crash:
                case FaultSpec::Kind::Recover:
                case FaultSpec::Kind::Churn:
                    for (const std::string& id : s.targets) {
                        Range r;
                        if (!resolve(id, r))
                            return fail(what + ": unknown node or group '" + id + "'");
                        f.nodes.emplace_back(r.first, r.count);
                    }
                    break;
                case FaultSpec::Kind::LinkDown:
                case FaultSpec::Kind::LinkUp: {
                    if (s.targets.size() != 2)
                        return fail(what + ": a link is named by its two node ids");
                    const NodeIndex a = nodeOf(s.targets[0]), b = nodeOf(s.targets[1]);
                    if (a == kNone) return fail(what + ": unknown node '" + s.targets[0] + "'");
                    if (b == kNone) return fail(what + ": unknown node '" + s.targets[1] + "'");
                    for (const Adjacent& adj : net_.adjacency(a))
                        if (adj.node == b) f.links.push_back(adj.link);
                    if (f.links.empty())
                        return fail(what + ": no link between '" + s.targets[0] + "' and '" +
                                    s.targets[1] + "'");
                    break;
                }
                case FaultSpec::Kind::Partition:
                case FaultSpec::Kind::Heal:
                case FaultSpec::Kind::RegionOutage:
                    for (const std::string& id : s.targets) {
                        const auto it = regionIndex_.find(id);
                        if (it == regionIndex_.end())
                            return fail(what + ": unknown region '" + id + "'");
                        f.regions.push_back(it->second);
                    }
                    std::sort(f.regions.begin(), f.regions.end());
                    f.regions.erase(std::unique(f.regions.begin(), f.regions.end()),
                                    f.regions.end());
                    break;
            }
            net_.faults_.push_back(std::move(f));
        }
        return true;
    }

    // --- kernel hooks ------------------------------------------------------------------------

    /// Metrics, event kinds and the first events of traffic and faults.
    bool hookUp() {
        Network& N = net_;
        N.seed_ = sim_.seed();
        N.ports_.push_back({"traffic", nullptr, nullptr, nullptr});  // kTrafficPort
        N.portPrefetch_.push_back(nullptr);
        defineMetrics();
        N.hopKind_ = sim_.registerKind<&Network::onHop>("net.hop", N);
        // Messages in flight are scattered over their pool, and links over theirs: a hop is
        // otherwise a cache miss on each. Load what the next hop needs while this event runs.
        sim_.setPrefetch(N.hopKind_, [](void* self, const Event& next) {
            static_cast<const Network*>(self)->prefetchHop(next);
        });
        N.dropKind_ = sim_.registerKind<&Network::onDrop>("net.drop", N);
        N.faultKind_ = sim_.registerKind<&Network::onFault>("net.fault", N);
        // Only a network with churn has the kind, so the kinds of every other run (and with
        // them their fingerprints) stay as they were.
        if (std::any_of(spec_.faults.begin(), spec_.faults.end(),
                        [](const FaultSpec& f) { return f.kind == FaultSpec::Kind::Churn; }))
            N.churnKind_ = sim_.registerKind<&Network::onChurn>("net.churn", N);
        sim_.addSampleHook(
            [](void* self, Simulation&) { static_cast<Network*>(self)->updateGauges(); }, &N);
        return scheduleTraffic() && scheduleFaults();
    }

    void defineMetrics() {
        Network& N = net_;
        Metrics& M = sim_.metrics();
        M.setNodeCount(N.nodeCount());  // node-scoped metrics hold a value per node
        auto def = [&](std::string name, std::string unit, std::string help, MetricType type,
                       MetricScope scope = MetricScope::Global) {
            return M.define({std::move(name), std::move(unit), std::move(help), type, scope});
        };
        using T = MetricType;
        N.m_.sent =
            def("net.messages.sent", "messages", "messages handed to the network", T::Counter);
        N.m_.delivered = def("net.messages.delivered", "messages",
                             "messages that reached their destination", T::Counter);
        N.m_.lost =
            def("net.messages.lost", "messages", "messages lost for any reason", T::Counter);
        N.m_.lostRandom =
            def("net.messages.lost.random", "messages", "messages lost to link loss", T::Counter);
        N.m_.lostDown = def("net.messages.lost.down", "messages",
                            "messages lost to a node or link that was down", T::Counter);
        N.m_.lostUnreachable =
            def("net.messages.lost.unreachable", "messages", "messages with no route", T::Counter);
        N.m_.bytes = def("net.bytes.delivered", "B", "payload bytes delivered", T::Counter);
        N.m_.latency = def("net.latency", "s", "time from send to delivery", T::Distribution);
        N.m_.hops =
            def("net.hops", "links", "links crossed by delivered messages", T::Distribution);
        N.m_.utilMean = def("net.link_utilisation.mean", "1",
                            "mean over link directions of the fraction of time transmitting",
                            T::Gauge, MetricScope::Link);
        N.m_.utilMax = def("net.link_utilisation.max", "1",
                           "largest fraction of time a link direction was transmitting", T::Gauge,
                           MetricScope::Link);
        for (Flow& f : N.flows_) {
            const std::string p = "traffic." + f.id;
            f.sent = def(p + ".sent", "messages", "messages the flow sent", T::Counter,
                         MetricScope::Flow);
            f.delivered = def(p + ".delivered", "messages", "messages of the flow delivered",
                              T::Counter, MetricScope::Flow);
            f.lost = def(p + ".lost", "messages", "messages of the flow lost", T::Counter,
                         MetricScope::Flow);
            f.latency = def(p + ".latency", "s", "send-to-delivery time of the flow",
                            T::Distribution, MetricScope::Flow);
        }
    }

    /// Each flow's event kind and first emission: at its start (constant), or a gap after it
    /// (Poisson). A first emission that cannot be represented fails the build (RunFailure).
    bool scheduleTraffic() {
        Network& N = net_;
        for (std::size_t i = 0; i < N.flows_.size(); ++i) {
            Flow& f = N.flows_[i];
            f.kind = sim_.registerKind<&Network::onEmit>("traffic." + f.id, N);
            SimTime first;
            if (N.nextEmission(static_cast<std::uint32_t>(i), f.start, first))
                sim_.scheduleAt(first, static_cast<TargetId>(i), f.kind, i);
        }
        return true;
    }

    /// Each fault, and its end if it has a duration.
    bool scheduleFaults() {
        Network& N = net_;
        for (std::size_t k = 0; k < N.faults_.size(); ++k) {
            const FaultSpec& s = spec_.faults[k];
            const SimTime at = std::max(s.at, sim_.now());
            SimTime end = 0;
            if (s.duration && !addTime(at, *s.duration, end))
                return fail("/network/faults/" + std::to_string(k) + " (" +
                            std::string(faultName(s.kind)) + "): lasting " +
                            formatSeconds(toSeconds(*s.duration)) + " from " +
                            formatSeconds(toSeconds(at)) + ", it would end at " +
                            formatSeconds(toSeconds(at) + toSeconds(*s.duration)) + ", beyond " +
                            longestTimeText());
            sim_.scheduleAt(at, static_cast<TargetId>(k), N.faultKind_, k, 0);
            if (s.duration) sim_.scheduleAt(end, static_cast<TargetId>(k), N.faultKind_, k, 1);
        }
        return true;
    }

    Simulation& sim_;
    const NetworkSpec& spec_;
    Network& net_;
    std::string error_;
    std::string at_;  // the element being built, as a JSON pointer into the spec
    std::unordered_map<std::string, RegionIndex> regionIndex_;
    std::vector<Pending> pending_;          // per explicit node, until placed
    std::vector<RegionIndex> groupRegion_;  // per group, until placed
    std::uint64_t nodeCount_ = 0;
    std::vector<std::uint64_t> hash_;  // per node: hashName(id), while building
    std::vector<Edge> edges_;
    std::vector<std::uint32_t> edgeProps_;
    std::unordered_map<std::string, std::uint32_t> propsIndex_;
};

Network::Network(Simulation& sim) : sim_(sim) {}
Network::~Network() = default;

Result<std::unique_ptr<Network>> Network::build(Simulation& sim, const NetworkSpec& spec) {
    std::unique_ptr<Network> net(new Network(sim));
    Builder b(sim, spec, *net);
    try {
        if (!b.run()) return Error{b.error()};
    } catch (const RunFailure& e) {  // a first event beyond the longest simulated time
        return Error{e.what()};
    }
    return net;
}

}  // namespace dais::sim
