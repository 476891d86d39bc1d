#pragma once
// The structure of a built network, copied out for the studio's canvas: where every node is,
// what it is, which group and region it belongs to, and which nodes are linked. The canvas
// draws from this copy and never from the network of a run, which lives on the run's thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/result.h"
#include "dais/sim/network.h"
#include "dais/sim/network_spec.h"

namespace dais::studio {

/// What a network is made of (nodes, links, groups, regions), not where the studio draws it:
/// the canvas computes where to draw each node from it.
struct NetworkStructure {
    static constexpr std::uint32_t kNone = sim::kNone;

    struct Node {
        std::string id;  ///< explicit nodes and gateways; empty for group members
        std::string role;
        std::uint32_t region = kNone;
        std::uint32_t group = kNone;
        double x = 0, y = 0;  ///< km
        bool up = true;
    };
    struct Group {
        std::string id, role;
        std::uint32_t first = 0, count = 0;  ///< members are nodes first .. first + count - 1
        std::uint32_t attachTo = kNone;      ///< the node every member links to, if any
    };
    struct Link {
        std::uint32_t a = 0, b = 0;
    };

    std::vector<Node> nodes;  ///< indexed as the network indexes them
    std::vector<Link> links;  ///< indexed as the network indexes them
    std::vector<Group> groups;
    std::vector<sim::RegionSpec> regions;
    /// A run's layers, by the tag on what they show of their nodes: activity source k is
    /// layers[k - 1] (core::NodeDisplay). Empty for a network drawn from a scenario alone.
    std::vector<std::string> layers;
    /// A run's ports by id (what layers' messages are called: "federated.model"). Empty for a
    /// network drawn from a scenario alone.
    std::vector<std::string> ports;

    /// Copies a built network's structure (call on the thread that owns the network).
    static NetworkStructure of(const sim::Network& network);
    /// Builds `spec` on a scratch simulation seeded with `seed` (placement in regions depends
    /// on it) and copies its structure: what a run of that seed will have.
    static core::Result<NetworkStructure> build(const sim::NetworkSpec& spec, std::uint64_t seed);

    /// A node's display name: its id, or "<group>[<k>]" for a group member.
    std::string name(std::uint32_t node) const;
    /// The node a display name names (what layers' records call it: "server", "clients[11]"),
    /// or kNone.
    std::uint32_t find(std::string_view name) const;
};

}  // namespace dais::studio
