#include "network_topology.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dais::sim::topo {

void fullMesh(std::span<const Node> members, std::vector<Edge>& out) {
    const std::size_t n = members.size();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            out.emplace_back(members[i], members[j]);
}

void star(Node hub, std::span<const Node> members, std::vector<Edge>& out) {
    for (Node v : members)
        if (v != hub) out.emplace_back(hub, v);
}

void ring(std::span<const Node> members, std::vector<Edge>& out) {
    const std::size_t n = members.size();
    if (n < 2) return;
    for (std::size_t i = 0; i + 1 < n; ++i)
        out.emplace_back(members[i], members[i + 1]);
    if (n >= 3) out.emplace_back(members[n - 1], members[0]);
}

void tree(std::span<const Node> members, std::uint32_t arity, std::vector<Edge>& out) {
    for (std::size_t i = 1; i < members.size(); ++i)
        out.emplace_back(members[(i - 1) / arity], members[i]);
}

void erdosRenyi(std::span<const Node> members, double p, RngStream& rng, std::vector<Edge>& out) {
    const auto n = static_cast<std::int64_t>(members.size());
    if (!(p > 0) || n < 2) return;
    if (p >= 1) {
        fullMesh(members, out);
        return;
    }
    // Pairs (v, w), w < v, in row order; the gap to the next present pair is geometric.
    const double lq = std::log1p(-p);
    std::int64_t v = 1, w = -1;
    while (v < n) {
        const double skip = std::floor(std::log(rng.uniformPositive()) / lq);
        if (skip > 4e18) break;  // beyond every remaining pair
        w += 1 + static_cast<std::int64_t>(skip);
        while (w >= v && v < n) {
            w -= v;
            ++v;
        }
        if (v < n)
            out.emplace_back(members[static_cast<std::size_t>(w)],
                             members[static_cast<std::size_t>(v)]);
    }
}

void barabasiAlbert(std::span<const Node> members, std::uint32_t m, RngStream& rng,
                    std::vector<Edge>& out) {
    const std::size_t n = members.size();
    if (m == 0 || m >= n) return;
    // Every link end once: drawing uniformly from it is drawing a node in proportion to degree.
    std::vector<std::uint32_t> ends;
    ends.reserve(2 * (static_cast<std::size_t>(m) * (m + 1) / 2 + (n - m - 1) * m));
    for (std::uint32_t i = 0; i <= m; ++i)
        for (std::uint32_t j = i + 1; j <= m; ++j) {
            out.emplace_back(members[i], members[j]);
            ends.push_back(i);
            ends.push_back(j);
        }
    std::vector<std::uint32_t> targets;
    targets.reserve(m);
    for (std::size_t t = m + 1; t < n; ++t) {
        targets.clear();
        while (targets.size() < m) {
            const std::uint32_t k = ends[rng.below(ends.size())];
            if (std::find(targets.begin(), targets.end(), k) == targets.end()) targets.push_back(k);
        }
        for (std::uint32_t k : targets) {
            out.emplace_back(members[k], members[t]);
            ends.push_back(k);
            ends.push_back(static_cast<std::uint32_t>(t));
        }
    }
}

namespace {

struct Point {
    double x, y;
    friend bool operator<(const Point& a, const Point& b) {
        return a.x < b.x || (a.x == b.x && a.y < b.y);
    }
    friend bool operator==(const Point& a, const Point& b) { return a.x == b.x && a.y == b.y; }
};

double cross(Point o, Point a, Point b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}
double dist2(Point a, Point b) {
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

}  // namespace

double diameter(std::span<const Node> members, std::span<const double> xs,
                std::span<const double> ys) {
    std::vector<Point> pts;
    pts.reserve(members.size());
    for (Node v : members)
        pts.push_back({xs[v], ys[v]});
    std::sort(pts.begin(), pts.end());
    pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
    if (pts.size() < 2) return 0;
    // Andrew's monotone chain: the hull counter-clockwise, without collinear points.
    std::vector<Point> hull(2 * pts.size());
    std::size_t k = 0;
    for (const Point& p : pts) {
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0)
            --k;
        hull[k++] = p;
    }
    for (std::size_t i = pts.size() - 1, lower = k + 1; i-- > 0;) {
        while (k >= lower && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0)
            --k;
        hull[k++] = pts[i];
    }
    hull.resize(k - 1);
    const std::size_t h = hull.size();
    if (h < 2) return std::sqrt(dist2(pts.front(), pts.back()));
    // Rotating calipers: for each hull edge advance the antipodal point while it gets farther.
    double best = 0;
    std::size_t j = 1;
    for (std::size_t i = 0; i < j; ++i) {
        for (;; j = (j + 1) % h) {
            best = std::max(best, dist2(hull[i], hull[j]));
            const Point a = hull[(j + 1) % h], b = hull[j];
            const Point c = hull[i + 1], d = hull[i];
            if ((a.x - b.x) * (c.y - d.y) - (a.y - b.y) * (c.x - d.x) >= 0) break;
        }
    }
    return std::sqrt(best);
}

void waxman(std::span<const Node> members, std::span<const double> xs, std::span<const double> ys,
            double alpha, double beta, RngStream& rng, std::vector<Edge>& out) {
    const std::size_t n = members.size();
    if (n < 2 || !(alpha > 0)) return;
    alpha = std::min(alpha, 1.0);
    const double L = diameter(members, xs, ys);
    const double scale = beta * L;
    auto prob = [&](double d) { return scale > 0 ? alpha * std::exp(-d / scale) : alpha; };

    double minX = xs[members[0]], maxX = minX, minY = ys[members[0]], maxY = minY;
    for (Node v : members) {
        minX = std::min(minX, xs[v]);
        maxX = std::max(maxX, xs[v]);
        minY = std::min(minY, ys[v]);
        maxY = std::max(maxY, ys[v]);
    }
    const double extent = std::max(maxX - minX, maxY - minY);
    // G x G cells: about 16n cell pairs at most, and no finer than needed for a cell pair's
    // probabilities to stay within a small factor of each other (cells of beta*L/4).
    std::size_t g =
        static_cast<std::size_t>(std::floor(std::pow(32.0 * static_cast<double>(n), 0.25)));
    if (beta > 0) g = std::min(g, static_cast<std::size_t>(std::ceil(4.0 / beta)));
    if (!(extent > 0) || g < 1) g = 1;
    const double cell = g > 1 ? extent / static_cast<double>(g) : 1.0;
    auto cellOf = [&](Node v) {
        if (g == 1) return std::size_t(0);
        const auto cx = std::min(g - 1, static_cast<std::size_t>((xs[v] - minX) / cell));
        const auto cy = std::min(g - 1, static_cast<std::size_t>((ys[v] - minY) / cell));
        return cy * g + cx;
    };
    const std::size_t cells = g * g;
    std::vector<std::uint32_t> start(cells + 1, 0), order(n);
    for (Node v : members)
        ++start[cellOf(v) + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    {
        std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
        for (std::size_t k = 0; k < n; ++k)
            order[fill[cellOf(members[k])]++] = members[k];
    }
    auto visit = [&](const Node* a, std::size_t na, const Node* b, std::size_t nb, bool same,
                     double pmax) {
        const std::uint64_t pairs =
            same ? std::uint64_t(na) * (na - 1) / 2 : std::uint64_t(na) * nb;
        if (pairs == 0 || !(pmax > 0)) return;
        const double lq = pmax < 1 ? std::log1p(-pmax) : 0.0;
        std::uint64_t idx = 0;
        bool first = true;
        for (;;) {
            std::uint64_t step = 1;
            if (pmax < 1) {
                const double skip = std::floor(std::log(rng.uniformPositive()) / lq);
                if (skip >= static_cast<double>(pairs)) return;
                step += static_cast<std::uint64_t>(skip);
            }
            if (first) {
                idx = step - 1;
                first = false;
            } else {
                idx += step;
            }
            if (idx >= pairs) return;
            Node u, v;
            if (same) {  // idx -> (i, j), j < i, in row order
                auto i = static_cast<std::uint64_t>(
                    (1.0 + std::sqrt(1.0 + 8.0 * static_cast<double>(idx))) / 2.0);
                while (i * (i - 1) / 2 > idx)
                    --i;
                while ((i + 1) * i / 2 <= idx)
                    ++i;
                u = a[idx - i * (i - 1) / 2];
                v = a[i];
            } else {
                u = a[idx / nb];
                v = b[idx % nb];
            }
            const double dx = xs[u] - xs[v], dy = ys[u] - ys[v];
            const double p = prob(std::sqrt(dx * dx + dy * dy));
            if (p >= pmax || rng.uniform() * pmax < p)
                out.emplace_back(std::min(u, v), std::max(u, v));
        }
    };
    for (std::size_t c1 = 0; c1 < cells; ++c1) {
        const std::size_t n1 = start[c1 + 1] - start[c1];
        if (n1 == 0) continue;
        const auto x1 = static_cast<std::int64_t>(c1 % g), y1 = static_cast<std::int64_t>(c1 / g);
        for (std::size_t c2 = c1; c2 < cells; ++c2) {
            const std::size_t n2 = start[c2 + 1] - start[c2];
            if (n2 == 0) continue;
            const auto x2 = static_cast<std::int64_t>(c2 % g),
                       y2 = static_cast<std::int64_t>(c2 / g);
            const double gx =
                static_cast<double>(std::max<std::int64_t>(0, std::abs(x1 - x2) - 1)) * cell;
            const double gy =
                static_cast<double>(std::max<std::int64_t>(0, std::abs(y1 - y2) - 1)) * cell;
            visit(order.data() + start[c1], n1, order.data() + start[c2], n2, c1 == c2,
                  prob(std::sqrt(gx * gx + gy * gy)));
        }
    }
}

UnionFind::UnionFind(std::size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), 0u);
}

std::uint32_t UnionFind::find(std::uint32_t x) {
    while (parent_[x] != x) {
        parent_[x] = parent_[parent_[x]];
        x = parent_[x];
    }
    return x;
}

bool UnionFind::unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return true;
}

void joinComponents(std::size_t nodeCount, std::span<const Edge> existing,
                    std::span<const Node> members, RngStream& rng, std::vector<Edge>& out) {
    if (members.size() < 2) return;
    UnionFind uf(nodeCount);
    for (const Edge& e : existing)
        uf.unite(e.first, e.second);
    // Component numbers in order of first appearance among the members.
    std::vector<std::uint32_t> compOfRoot(nodeCount, 0xffffffffu), comp(members.size());
    std::uint32_t comps = 0;
    for (std::size_t k = 0; k < members.size(); ++k) {
        std::uint32_t& c = compOfRoot[uf.find(members[k])];
        if (c == 0xffffffffu) c = comps++;
        comp[k] = c;
    }
    if (comps < 2) return;
    std::vector<std::uint32_t> start(comps + 1, 0);
    for (std::uint32_t c : comp)
        ++start[c + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<Node> ordered(members.size());
    {
        std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
        for (std::size_t k = 0; k < members.size(); ++k)
            ordered[fill[comp[k]]++] = members[k];
    }
    for (std::uint32_t c = 1; c < comps; ++c) {
        const Node a = ordered[start[c] + rng.below(start[c + 1] - start[c])];
        const Node b = ordered[rng.below(start[c])];
        out.emplace_back(b, a);
    }
}

}  // namespace dais::sim::topo
