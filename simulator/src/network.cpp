#include "dais/sim/network.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "network_topology.h"

namespace dais::sim {

namespace {

constexpr std::uint16_t kManualDown = 0x8000;          // Link::down bit set by setLinkUp(false)
constexpr double kNsPerKm = 5000.0;                    // light in fibre: 200,000 km/s
constexpr SimTime kMaxDelay = SimTime(1) << 60;        // ~36 years; sums of a few stay below 2^63
constexpr SimTime kMaxRouteWeight = SimTime(1) << 50;  // per link, so path sums cannot overflow
constexpr std::uint64_t kMaxBytes = std::uint64_t(1) << 50;
constexpr PortId kTrafficPort = 0;
constexpr std::size_t kMaxLinks = 0x7fffffff;

SimTime clampNs(double v) {
    if (!(v > 0)) return 0;  // also NaN
    if (v >= static_cast<double>(kMaxDelay)) return kMaxDelay;
    return static_cast<SimTime>(std::llround(v));
}

std::string_view topologyName(TopologySpec::Kind k) {
    switch (k) {
        case TopologySpec::Kind::FullMesh:
            return "full-mesh";
        case TopologySpec::Kind::Star:
            return "star";
        case TopologySpec::Kind::Ring:
            return "ring";
        case TopologySpec::Kind::Tree:
            return "tree";
        case TopologySpec::Kind::ErdosRenyi:
            return "erdos-renyi";
        case TopologySpec::Kind::BarabasiAlbert:
            return "barabasi-albert";
        case TopologySpec::Kind::Waxman:
            return "waxman";
        case TopologySpec::Kind::Regions:
            return "regions";
    }
    return "?";
}

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
// Building
// =============================================================================================

class Network::Builder {
  public:
    Builder(Simulation& sim, const NetworkSpec& spec, std::string& error, Network& net)
        : sim_(sim), spec_(spec), error_(error), net_(net) {}

    bool run() {
        if (sim_.metrics().find("net.messages.sent") >= 0)
            return fail("this simulation already has a network (build it once per run)");
        return regions() && nodes() && explicitLinks() && groupLinks() && topologies() &&
               finishLinks() && traffic() && faults() && hookUp();
    }

  private:
    using Edge = topo::Edge;
    struct Range {
        NodeIndex first;
        std::uint32_t count;
    };

    bool fail(std::string msg) {
        error_ = std::move(msg);
        return false;
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
        q.latencyNs = clampNs(p.latency.a);
        const double mean = p.latency.mean();
        q.meanNs = std::min(clampNs(std::isfinite(mean) ? mean : 1e30), kMaxRouteWeight);
        q.nsPerByte = 8e9 / p.bandwidthBps;
        q.bwInt = (p.bandwidthBps == std::floor(p.bandwidthBps) && p.bandwidthBps <= 9e15)
                      ? static_cast<std::uint64_t>(p.bandwidthBps)
                      : 0;
        q.random = !q.constant || p.loss > 0;
        net_.props_.push_back(q);
        return true;
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

    bool nodes() {
        Network& N = net_;
        struct Pending {
            RegionIndex region;
            std::optional<double> x, y;
        };
        std::vector<Pending> pending;
        for (const NodeSpec& s : spec_.nodes) {
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
            pending.push_back({r, s.x, s.y});
        }
        // Gateways of "regions" topologies that the spec does not name itself.
        for (std::size_t t = 0; t < spec_.topologies.size(); ++t) {
            const TopologySpec& ts = spec_.topologies[t];
            if (ts.kind != TopologySpec::Kind::Regions) continue;
            std::vector<RegionIndex> regs;
            if (!topologyRegions(ts, "topology " + std::to_string(t) + " (regions)", regs))
                return false;
            for (RegionIndex r : regs) {
                const std::string gw = spec_.regions[r].id + ".gw";
                if (!N.explicitIndex_.try_emplace(gw, static_cast<NodeIndex>(N.explicit_.size()))
                         .second)
                    continue;
                N.explicit_.push_back({gw, "gateway", {}});
                pending.push_back({r, spec_.regions[r].x, spec_.regions[r].y});
            }
        }
        std::uint64_t total = N.explicit_.size();
        std::vector<RegionIndex> groupRegion;
        for (const GroupSpec& g : spec_.groups) {
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
            groupRegion.push_back(r);
            total += g.count;
        }
        const std::size_t n = total;
        N.x_.assign(n, 0.0);
        N.y_.assign(n, 0.0);
        N.region_.assign(n, kNone);
        N.up_.assign(n, 1);
        hash_.resize(n);
        for (std::size_t i = 0; i < N.explicit_.size(); ++i) {
            const Pending& p = pending[i];
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
            const RegionIndex r = groupRegion[gi];
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
        return true;
    }

    // --- links -----------------------------------------------------------------------------

    bool explicitLinks() {
        for (std::size_t l = 0; l < spec_.links.size(); ++l) {
            const LinkSpec& s = spec_.links[l];
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
            addEdge(a, b, p);
        }
        return true;
    }

    bool groupLinks() {
        for (std::size_t gi = 0; gi < spec_.groups.size(); ++gi) {
            const GroupSpec& s = spec_.groups[gi];
            if (s.attachTo.empty()) continue;
            const std::string what = "group '" + s.id + "'";
            const NodeIndex to = nodeOf(s.attachTo);
            if (to == kNone) return fail(what + ": attachTo names no node: '" + s.attachTo + "'");
            const Group& g = net_.groups_[gi];
            if (to >= g.first && to - g.first < g.count)
                return fail(what + ": a group cannot attach to its own member");
            std::uint32_t p;
            if (!props(s.access, what + ": access link", p)) return false;
            if (edges_.size() + g.count > kMaxLinks) return fail(what + ": too many links");
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
            const std::string what =
                "topology " + std::to_string(t) + " (" + std::string(topologyName(s.kind)) + ")";
            if (!members(s.members, what, mem)) return false;
            std::uint32_t p;
            if (!props(s.link, what, p)) return false;
            RngStream rng = sim_.rng("network", t, "topology");
            made.clear();
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
                    topo::waxman(mem, net_.x_, net_.y_, s.alpha, s.beta, rng, made);
                    if (made.size() > room) return fail(what + ": too many links");
                    break;
                case TopologySpec::Kind::Regions:
                    if (!regionsTopology(s, what, mem, p)) return false;
                    break;
            }
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

    bool regionsTopology(const TopologySpec& s, const std::string& what,
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
        // Stream keys from the endpoints' names (and an ordinal among parallel links), so that
        // a link's draws do not depend on what else the network holds.
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
                lk.extraNs =
                    std::min(clampNs(std::sqrt(dx * dx + dy * dy) * kNsPerKm), kMaxRouteWeight);
            }
        }
        // Adjacency in compressed rows, in link order.
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
        // The core: leaves are never on another node's path, so routing trees leave them out.
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
        return true;
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
        for (const TrafficSpec& s : spec_.traffic) {
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
            const std::string what =
                "fault " + std::to_string(k) + " (" + std::string(faultName(s.kind)) + ")";
            if (s.at < 0) return fail(what + ": time must be >= 0");
            if (s.duration && *s.duration < 0) return fail(what + ": duration must be >= 0");
            if (s.targets.empty()) return fail(what + ": no targets");
            Fault f;
            f.kind = s.kind;
            f.label = what;
            switch (s.kind) {
                case FaultSpec::Kind::Crash:
                case FaultSpec::Kind::Recover:
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

    bool hookUp() {
        Network& N = net_;
        N.seed_ = sim_.seed();
        N.ports_.push_back({"traffic", nullptr, nullptr, nullptr});  // kTrafficPort
        Metrics& M = sim_.metrics();
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
        N.hopKind_ = sim_.registerKind<&Network::onHop>("net.hop", N);
        N.dropKind_ = sim_.registerKind<&Network::onDrop>("net.drop", N);
        N.faultKind_ = sim_.registerKind<&Network::onFault>("net.fault", N);
        sim_.addSampleHook(
            [](void* self, Simulation&) { static_cast<Network*>(self)->updateGauges(); }, &N);
        for (std::size_t i = 0; i < N.flows_.size(); ++i) {
            Flow& f = N.flows_[i];
            f.kind = sim_.registerKind<&Network::onEmit>("traffic." + f.id, N);
            SimTime first = f.start;
            if (f.process == TrafficSpec::Process::Poisson)
                first = std::min(kMaxDelay, f.start + clampNs(f.rng.exponential(f.gapNs)));
            if (first < f.stop) sim_.scheduleAt(first, static_cast<TargetId>(i), f.kind, i);
        }
        for (std::size_t k = 0; k < N.faults_.size(); ++k) {
            const FaultSpec& s = spec_.faults[k];
            const SimTime at = std::max(s.at, sim_.now());
            sim_.scheduleAt(at, static_cast<TargetId>(k), N.faultKind_, k, 0);
            if (s.duration && at <= kMaxDelay)
                sim_.scheduleAt(at + std::min(*s.duration, kMaxDelay), static_cast<TargetId>(k),
                                N.faultKind_, k, 1);
        }
        return true;
    }

    Simulation& sim_;
    const NetworkSpec& spec_;
    std::string& error_;
    Network& net_;
    std::unordered_map<std::string, RegionIndex> regionIndex_;
    std::vector<std::uint64_t> hash_;  // per node: hashName(id), while building
    std::vector<Edge> edges_;
    std::vector<std::uint32_t> edgeProps_;
    std::unordered_map<std::string, std::uint32_t> propsIndex_;
};

Network::Network(Simulation& sim) : sim_(sim) {}
Network::~Network() = default;

std::unique_ptr<Network> Network::build(Simulation& sim, const NetworkSpec& spec,
                                        std::string& error) {
    std::unique_ptr<Network> net(new Network(sim));
    Builder b(sim, spec, error, *net);
    if (!b.run()) return nullptr;
    return net;
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
    v.meanLatency = props_[k.props].meanNs + k.extraNs;
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
    return static_cast<PortId>(ports_.size() - 1);
}

std::uint32_t Network::allocMsg() {
    if (freeMsg_ != kNone) {
        const std::uint32_t s = freeMsg_;
        freeMsg_ = msgs_[s].from;
        return s;
    }
    msgs_.emplace_back();
    return static_cast<std::uint32_t>(msgs_.size() - 1);
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
    msgs_[slot] = Msg{from,    to,    anchorOf(to),
                      port,    flow,  kNone,
                      0,       kNone, 0,
                      0,       0,     std::min(bytes, kMaxBytes),
                      payload, now,   id};
    ++inFlight_;
    Metrics& M = sim_.metrics();
    M.add(m_.sent, 1);
    if (flow != kNone) M.add(flows_[flow].sent, 1);
    if (!up_[from]) {
        sim_.scheduleAt(now, from, dropKind_, slot,
                        static_cast<std::uint16_t>(LossReason::NodeDown));
    } else if (from == to) {
        sim_.scheduleAt(now, to, hopKind_, slot);
    } else {
        forward(slot, from, false);
    }
    return id;
}

SimTime Network::txTime(std::uint64_t bytes, const Props& p) const {
    // ceil(bytes * 8e9 / bandwidth) ns, exact in integers when the bandwidth is one.
    if (p.bwInt != 0 && bytes <= kMaxBytes / 8) {
        const std::uint64_t bits = bytes * 8;
        std::uint64_t hi;
        const std::uint64_t lo = mulWide(bits, 1'000'000'000ULL, hi);
        if (hi == 0 && lo <= ~std::uint64_t(0) - p.bwInt)
            return static_cast<SimTime>((lo + p.bwInt - 1) / p.bwInt);
    }
    return clampNs(std::ceil(static_cast<double>(bytes) * p.nsPerByte));
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
    const SimTime tx = txTime(m.bytes, p);
    dir.busyUntil = std::max(sim_.now(), dir.busyUntil) + tx;
    dir.busyNs += tx;
    dir.bytes += m.bytes;
    SimTime latency = p.latencyNs;
    m.lostRandom = 0;
    if (p.random) {
        RngStream rng(StreamKey::make(seed_, "network", l.rngKey, "link"), l.draws);
        if (!p.constant) latency = clampNs(drawVariate(p.spec.latency, rng));
        if (p.spec.loss > 0 && rng.bernoulli(p.spec.loss)) m.lostRandom = 1;
        l.draws = rng.counter();
    }
    m.dir = 2 * li + d;
    m.epoch = l.epoch;
    const SimTime arrive = dir.busyUntil + latency + l.extraNs;
    if (activity_) activity_->onHop(dir.busyUntil - tx, arrive, at, next, li, m.port, m.bytes);
    sim_.scheduleAt(arrive, next, hopKind_, slot);
}

LinkIndex Network::nextLink(Msg& m, NodeIndex at) {
    LinkIndex l;
    if (at == m.anchor) {
        l = adj_[adjStart_[m.to]].link;  // the destination hangs off this node
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
            const SimTime nd = h.dist + props_[l.props].meanNs + l.extraNs;
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
    m.to = to;
    m.anchor = anchorOf(to);
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
    if (activity_) activity_->onNodeUp(sim_.now(), i, up);
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
    changeLink(l, up ? static_cast<std::uint16_t>(d & ~kManualDown)
                     : static_cast<std::uint16_t>(d | kManualDown));
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
    }
    if (tracing) {
        std::string text = f.label + ": " + what;
        if (opposite) text += " (end of duration)";
        sim_.trace(target, "fault", text);
    }
}

void Network::onFault(Simulation&, const Event& e) {
    applyFault(static_cast<std::size_t>(e.data), e.aux != 0);
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
    const std::uint64_t bytes =
        size >= static_cast<double>(kMaxBytes)
            ? kMaxBytes
            : std::max<std::uint64_t>(
                  1, static_cast<std::uint64_t>(std::llround(std::max(0.0, size))));
    ++f.emitted;
    if (dst != kNone) sendImpl(src, dst, bytes, kTrafficPort, 0, fi);
    SimTime next;
    if (f.process == TrafficSpec::Process::Poisson) {
        next = e.time + clampNs(f.rng.exponential(f.gapNs));
    } else {
        next = f.start + clampNs(static_cast<double>(f.emitted) * f.gapNs);
    }
    if (next < f.stop && next < kMaxDelay) sim.scheduleAt(next, e.target, f.kind, e.data);
}

// =============================================================================================
// Gauges
// =============================================================================================

double Network::utilisation(LinkIndex l, int direction) const {
    const SimTime now = sim_.now();
    if (now <= 0 || l >= linkCount()) return 0;
    const Direction& d = dirs_[2 * std::size_t(l) + (direction ? 1 : 0)];
    const SimTime busy =
        d.busyNs - std::max<SimTime>(0, d.busyUntil - now);  // minus the queued future
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
    std::vector<Item> items;
    items.reserve(2 * linkCount());
    for (std::size_t d = 0; d < 2 * linkCount(); ++d)
        items.push_back({utilisation(static_cast<LinkIndex>(d / 2), static_cast<int>(d % 2)),
                         dirs_[d].bytes, d});
    k = std::min(k, items.size());
    std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(k), items.end(),
                      [](const Item& a, const Item& b) {
                          if (a.u != b.u) return a.u > b.u;
                          if (a.bytes != b.bytes) return a.bytes > b.bytes;
                          return a.dir < b.dir;
                      });
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
