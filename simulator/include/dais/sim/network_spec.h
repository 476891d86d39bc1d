#pragma once
// A plain description of a network: what a scenario file's "network" section becomes after
// validation, and what the network model is built from. Units are SI base units (seconds are
// SimTime nanoseconds, sizes are bytes, bandwidths are bits per second, distances are km).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dais/sim/time.h"

namespace dais::sim {

/// A random quantity (a latency, a message size, a gap): constant or a distribution.
/// Parameters are in the quantity's base unit (ns for times, bytes for sizes).
struct Variate {
    enum class Kind { Constant, Uniform, Exponential, Normal, LogNormal, Pareto };
    Kind kind = Kind::Constant;
    double a = 0;  ///< Constant: value; Uniform: min; Exponential: mean; Normal: mean;
                   ///< LogNormal: median; Pareto: scale (the minimum)
    double b = 0;  ///< Uniform: max; Normal: stddev; LogNormal: sigma of ln(x); Pareto: shape
    static Variate constant(double v) { return {Kind::Constant, v, 0}; }
    /// The distribution's mean (infinite for Pareto with shape <= 1).
    double mean() const;
};

/// What a node can do: compute and memory, for layers that model work.
struct Resources {
    double cpuGflops = 0;  ///< sustained CPU throughput, GFLOP/s
    double gpuTflops = 0;  ///< sustained GPU throughput, TFLOP/s (0 = no GPU)
    double memoryGb = 0;
    double storageGb = 0;
};

struct RegionSpec {
    std::string id;
    double x = 0, y = 0;  ///< centre, km on a plane
    double radius = 0;    ///< members of groups are placed uniformly in this disc, km
};

/// Node templates let many nodes share role, resources and so on; `extends` chains are
/// resolved (and checked for cycles) before the model sees NodeSpecs.
struct NodeSpec {
    std::string id;
    std::string role;            ///< "phone", "hospital", "edge-gpu", "router"...
    std::string region;          ///< a RegionSpec id, or empty
    std::optional<double> x, y;  ///< km; unset = placed in the region's disc (or at 0,0)
    Resources resources;
};

/// A link's properties without its endpoints (used by links, groups and generators).
struct LinkProps {
    Variate latency = Variate::constant(1e6);  ///< one-way propagation delay, ns (default 1 ms)
    bool latencyFromDistance = false;          ///< latency = distance / (2/3 c) + latency, per link
    double bandwidthBps = 1e9;                 ///< per direction
    double loss = 0;                           ///< probability that a message is lost on this link
};

struct LinkSpec {
    std::string from, to;  ///< node ids
    LinkProps props;
};

/// Many identical nodes written once: "5,000 phones in eu-west attached to gw-eu".
/// Members are named "<id>[<index>]" (phones[0] .. phones[4999]).
struct GroupSpec {
    std::string id;
    std::uint32_t count = 1;
    NodeSpec member;       ///< role, region, resources of every member (its id is unused)
    std::string attachTo;  ///< node id each member links to, or empty (no links of its own)
    LinkProps access;      ///< the member's link to attachTo
};

/// Links made by a generator over a set of nodes (node ids or group ids; a group stands for
/// all its members; empty = every node).
struct TopologySpec {
    enum class Kind { FullMesh, Star, Ring, Tree, ErdosRenyi, BarabasiAlbert, Waxman, Regions };
    Kind kind = Kind::FullMesh;
    std::vector<std::string> members;
    LinkProps link;           ///< properties of the links made
    std::string hub;          ///< Star: the centre (default: the first member)
    std::uint32_t arity = 2;  ///< Tree: children per node
    double p = 0.1;           ///< ErdosRenyi: edge probability
    std::uint32_t m = 2;      ///< BarabasiAlbert: edges per new node
    double alpha = 0.4;       ///< Waxman: P(u,v) = alpha * exp(-d(u,v) / (beta * L))
    double beta = 0.1;
    bool ensureConnected = true;  ///< ErdosRenyi, Waxman: add links joining components
    /// Regions: each region's members link to a gateway node ("<region>.gw", created if no
    /// node of that id exists) with `link`; gateways are fully meshed with the latency matrix.
    std::vector<std::string> regionOrder;  ///< row/column order of the matrix
    std::vector<std::vector<SimTime>> latencyMatrix;
    double interBandwidthBps = 10e9;
};

/// The name of a topology generator in messages ("erdos-renyi").
std::string_view topologyName(TopologySpec::Kind kind);

/// Background traffic: messages from a random member of `from` to a random member of `to`
/// (never to itself), as a Poisson process or at a constant rate.
struct TrafficSpec {
    enum class Process { Poisson, Constant };
    std::string id;
    std::vector<std::string> from, to;  ///< node or group ids
    Process process = Process::Poisson;
    double ratePerSecond = 1;  ///< messages per simulated second, whole flow
    Variate sizeBytes = Variate::constant(1500);
    SimTime start = 0;
    SimTime stop = kTimeNever;
};

/// A scheduled fault. Node faults take node or group ids; region faults take region ids.
struct FaultSpec {
    enum class Kind {
        Crash,     ///< nodes go down (messages to, from and through them are lost)
        Recover,   ///< nodes come back
        LinkDown,  ///< the link between two nodes fails (both directions)
        LinkUp,
        Partition,     ///< links between the listed regions and all others fail
        Heal,          ///< undoes a Partition of the same regions
        RegionOutage,  ///< every node in the listed regions crashes
        /// From `at`, each listed node alternates between up and down, for exponentially
        /// distributed times of means meanUp and meanDown (each node independently, from its
        /// own stream), until `duration` ends, when every node comes back up.
        Churn,
    };
    Kind kind = Kind::Crash;
    SimTime at = 0;
    std::optional<SimTime> duration;   ///< if set, the opposite fault follows after it
    SimTime meanUp = 0, meanDown = 0;  ///< Churn: mean time up and down, > 0
    std::vector<std::string> targets;  ///< node/group ids, region ids, or a link's two node ids
};

struct NetworkSpec {
    std::vector<RegionSpec> regions;
    std::vector<NodeSpec> nodes;
    std::vector<GroupSpec> groups;
    std::vector<LinkSpec> links;
    std::vector<TopologySpec> topologies;
    std::vector<TrafficSpec> traffic;
    std::vector<FaultSpec> faults;
};

}  // namespace dais::sim
