#pragma once
// Topology generators of the network model (internal to dais_simulator). Each takes the member
// nodes in order and appends the links it makes as node pairs; randomness comes from the
// stream the caller passes (keyed by the topology's index).

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dais/sim/rng.h"

namespace dais::sim::topo {

using Node = std::uint32_t;
using Edge = std::pair<Node, Node>;

/// Every pair of members: n(n-1)/2 links.
void fullMesh(std::span<const Node> members, std::vector<Edge>& out);
/// The hub linked to every member but itself.
void star(Node hub, std::span<const Node> members, std::vector<Edge>& out);
/// members[i] - members[i+1], closed into a cycle for n >= 3 (n links; 1 for n = 2).
void ring(std::span<const Node> members, std::vector<Edge>& out);
/// A complete k-ary tree in breadth-first order: members[i]'s parent is members[(i-1)/k].
void tree(std::span<const Node> members, std::uint32_t arity, std::vector<Edge>& out);
/// G(n, p) by geometric skipping over the pairs (Batagelj and Brandes, "Efficient generation
/// of large random networks", Phys. Rev. E 71, 2005): O(n + links), not O(n^2).
void erdosRenyi(std::span<const Node> members, double p, RngStream& rng, std::vector<Edge>& out);
/// Preferential attachment (Barabasi and Albert 1999): a clique of m+1 members, then each
/// further member links to m distinct earlier ones chosen with probability proportional to
/// their degree. m(m+1)/2 + (n-m-1)m links. Requires 1 <= m < n.
void barabasiAlbert(std::span<const Node> members, std::uint32_t m, RngStream& rng,
                    std::vector<Edge>& out);
/// Waxman (1988): each pair linked with probability alpha * exp(-d / (beta * L)), L the
/// largest distance between members. Pairs are visited cell pair by cell pair on a grid,
/// with geometric skipping at each cell pair's highest probability and thinning to the exact
/// one, so the work is O(n + candidates) and the memory O(n + links).
/// xs, ys: positions of all nodes (indexed by node).
void waxman(std::span<const Node> members, std::span<const double> xs, std::span<const double> ys,
            double alpha, double beta, RngStream& rng, std::vector<Edge>& out);
/// The largest distance between two of the points (convex hull and rotating calipers).
double diameter(std::span<const Node> members, std::span<const double> xs,
                std::span<const double> ys);
/// Joins the components that the members fall into (counting every link in `existing`
/// among all `nodeCount` nodes) with one link per extra component: a random member of each
/// component, in order of first appearance, to a random member of the components before it.
void joinComponents(std::size_t nodeCount, std::span<const Edge> existing,
                    std::span<const Node> members, RngStream& rng, std::vector<Edge>& out);

/// Disjoint sets over 0..n-1 (union by size, path halving).
class UnionFind {
  public:
    explicit UnionFind(std::size_t n);
    std::uint32_t find(std::uint32_t x);
    bool unite(std::uint32_t a, std::uint32_t b);

  private:
    std::vector<std::uint32_t> parent_, size_;
};

}  // namespace dais::sim::topo
