#include "dais/fl/partition.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "dais/fl/random.h"

namespace dais::fl {

namespace {

constexpr std::string_view kNames[] = {"iid", "dirichlet-client", "dirichlet-class", "shards",
                                       "power-law"};

using Assignment = std::vector<std::uint32_t>;  // per position of the view: its client

void iid(const DataView& rows, std::size_t K, sim::RngStream& rng, Assignment& a) {
    const std::size_t n = rows.size();
    std::vector<std::uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    shuffle(rng, std::span<std::uint32_t>(perm));
    for (std::size_t i = 0; i < n; ++i)
        a[perm[i]] = static_cast<std::uint32_t>(i * K / n);
}

/// Row positions of the view by class, each class in a random order.
std::vector<std::vector<std::uint32_t>> pools(const DataView& rows, sim::RngStream& rng) {
    std::vector<std::vector<std::uint32_t>> byClass(rows.data->classes);
    for (std::size_t i = 0; i < rows.size(); ++i)
        byClass[static_cast<std::size_t>(rows.label(i))].push_back(static_cast<std::uint32_t>(i));
    for (auto& p : byClass)
        shuffle(rng, std::span<std::uint32_t>(p));
    return byClass;
}

void dirichletClient(const DataView& rows, const PartitionOptions& o, sim::RngStream& rng,
                     Assignment& a) {
    const std::size_t n = rows.size(), K = o.clients, C = rows.data->classes;
    auto byClass = pools(rows, rng);
    // The prior: the classes' shares of the rows; classes absent from the view get no mass.
    std::vector<std::size_t> present;
    std::vector<double> conc;
    for (std::size_t c = 0; c < C; ++c)
        if (!byClass[c].empty()) {
            present.push_back(c);
            conc.push_back(o.alpha * static_cast<double>(byClass[c].size()) /
                           static_cast<double>(n));
        }
    const std::size_t P = present.size();
    std::vector<double> mix(K * P);
    for (std::size_t k = 0; k < K; ++k)
        dirichlet(rng, conc, std::span<double>(mix.data() + k * P, P));
    std::vector<std::size_t> quota(K);
    for (std::size_t k = 0; k < K; ++k)
        quota[k] = n / K + (k < n % K ? 1 : 0);
    // Round robin, one row per client per pass: each client draws the class of its next row
    // from its own mix, renormalised over the classes that still have rows, so no client is
    // left only the leftovers.
    std::size_t left = n;
    while (left > 0) {
        for (std::size_t k = 0; k < K && left > 0; ++k) {
            if (quota[k] == 0) continue;
            const double* q = mix.data() + k * P;
            double total = 0;
            for (std::size_t j = 0; j < P; ++j)
                if (!byClass[present[j]].empty()) total += q[j];
            std::size_t pick = P;
            if (total > 0) {
                double u = rng.uniform() * total;
                for (std::size_t j = 0; j < P; ++j) {
                    if (byClass[present[j]].empty()) continue;
                    pick = j;
                    u -= q[j];
                    if (u < 0) break;
                }
            } else {  // the client's classes are used up: any remaining row, uniformly
                std::uint64_t r = rng.below(left);
                for (std::size_t j = 0; j < P; ++j) {
                    const std::size_t m = byClass[present[j]].size();
                    if (r < m) {
                        pick = j;
                        break;
                    }
                    r -= m;
                }
            }
            auto& pool = byClass[present[pick]];
            a[pool.back()] = static_cast<std::uint32_t>(k);
            pool.pop_back();
            --quota[k];
            --left;
        }
    }
}

void dirichletClass(const DataView& rows, const PartitionOptions& o, sim::RngStream& rng,
                    Assignment& a) {
    const std::size_t K = o.clients;
    const auto byClass = pools(rows, rng);
    const std::vector<double> conc(K, o.alpha);
    std::vector<double> p(K);
    std::vector<std::size_t> sizes(K);
    for (int attempt = 0;; ++attempt) {
        if (attempt == 1000)
            throw DataError("dirichlet-class: no draw in 1000 gave every client at least " +
                            std::to_string(o.minClientSize) +
                            " rows; raise alpha or lower the minimum");
        std::fill(sizes.begin(), sizes.end(), 0);
        for (const auto& pool : byClass) {
            dirichlet(rng, conc, p);
            // Cut points floor(cumulative share * class size), as numpy's split of a class.
            const double m = static_cast<double>(pool.size());
            double cum = 0;
            std::size_t from = 0;
            for (std::size_t k = 0; k < K; ++k) {
                cum += p[k];
                const std::size_t to =
                    k + 1 == K ? pool.size()
                               : std::min(pool.size(), static_cast<std::size_t>(cum * m));
                for (std::size_t i = from; i < to; ++i)
                    a[pool[i]] = static_cast<std::uint32_t>(k);
                sizes[k] += to - std::min(from, to);
                from = std::max(from, to);
            }
        }
        if (*std::min_element(sizes.begin(), sizes.end()) >= o.minClientSize) return;
    }
}

void shards(const DataView& rows, const PartitionOptions& o, sim::RngStream& rng, Assignment& a) {
    const std::size_t n = rows.size(), K = o.clients, S = K * o.shardsPerClient;
    if (o.shardsPerClient == 0) throw DataError("shards: shards per client must be >= 1");
    if (S > n)
        throw DataError("shards: " + std::to_string(S) + " shards need at least as many rows, " +
                        "the data has " + std::to_string(n));
    // Sorted by label, ties in random order; shard s is [s n / S, (s + 1) n / S).
    std::vector<std::uint32_t> sorted;
    sorted.reserve(n);
    for (const auto& pool : pools(rows, rng))
        sorted.insert(sorted.end(), pool.begin(), pool.end());
    std::vector<std::uint32_t> shardOwner(S);
    for (std::size_t s = 0; s < S; ++s)
        shardOwner[s] = static_cast<std::uint32_t>(s / o.shardsPerClient);
    shuffle(rng, std::span<std::uint32_t>(shardOwner));
    for (std::size_t s = 0; s < S; ++s)
        for (std::size_t i = s * n / S; i < (s + 1) * n / S; ++i)
            a[sorted[i]] = shardOwner[s];
}

void powerLaw(const DataView& rows, const PartitionOptions& o, sim::RngStream& rng, Assignment& a) {
    const std::size_t n = rows.size(), K = o.clients;
    if (!(o.powerExponent > 0)) throw DataError("power-law: the exponent must be > 0");
    if (K * o.minClientSize > n)
        throw DataError("power-law: " + std::to_string(K) + " clients of at least " +
                        std::to_string(o.minClientSize) + " rows need " +
                        std::to_string(K * o.minClientSize) + ", the data has " +
                        std::to_string(n));
    // Weights ~ Pareto(1, exponent); the rows above the minimum are shared in proportion,
    // rounded by largest remainders.
    std::vector<double> w(K);
    double total = 0;
    for (double& x : w) {
        x = rng.pareto(1.0, o.powerExponent);
        total += x;
    }
    const std::size_t spare = n - K * o.minClientSize;
    std::vector<std::size_t> sizes(K);
    std::vector<std::pair<double, std::uint32_t>> remainders(K);
    std::size_t given = 0;
    for (std::size_t k = 0; k < K; ++k) {
        const double exact = static_cast<double>(spare) * w[k] / total;
        const double whole = std::floor(exact);
        sizes[k] = o.minClientSize + static_cast<std::size_t>(whole);
        given += static_cast<std::size_t>(whole);
        remainders[k] = {exact - whole, static_cast<std::uint32_t>(k)};
    }
    std::sort(remainders.begin(), remainders.end(), [](const auto& x, const auto& y) {
        return x.first > y.first || (x.first == y.first && x.second < y.second);
    });
    for (std::size_t i = 0; given < spare; ++i, ++given)
        ++sizes[remainders[i % K].second];
    std::vector<std::uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    shuffle(rng, std::span<std::uint32_t>(perm));
    std::size_t at = 0;
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t i = 0; i < sizes[k]; ++i)
            a[perm[at++]] = static_cast<std::uint32_t>(k);
}

}  // namespace

std::string_view schemeName(PartitionScheme s) {
    return kNames[static_cast<std::size_t>(s)];
}

PartitionScheme schemeFromName(std::string_view name) {
    for (std::size_t i = 0; i < std::size(kNames); ++i)
        if (kNames[i] == name) return static_cast<PartitionScheme>(i);
    std::string all;
    for (std::string_view n : kNames)
        all += (all.empty() ? "" : ", ") + std::string(n);
    throw DataError("unknown partition scheme \"" + std::string(name) + "\" (known: " + all + ")");
}

DataView Partition::trainView(const Dataset& d, std::size_t k) const {
    const ClientSlice& s = slices_[k];
    return DataView::of(d, std::span<const std::uint32_t>(indices_).subspan(s.offset, s.train));
}

DataView Partition::testView(const Dataset& d, std::size_t k) const {
    const ClientSlice& s = slices_[k];
    return DataView::of(
        d, std::span<const std::uint32_t>(indices_).subspan(s.offset + s.train, s.test));
}

Partition Partition::make(const DataView& rows, const PartitionOptions& o) {
    const std::size_t n = rows.size(), K = o.clients;
    if (K == 0) throw DataError("a partition needs at least one client");
    if (n > 0xffffffffu) throw DataError("a partition holds at most 2^32 - 1 rows");
    if (!(o.testFraction >= 0.0 && o.testFraction < 1.0))
        throw DataError("a client test fraction must be in [0, 1)");
    if ((o.scheme == PartitionScheme::DirichletClient ||
         o.scheme == PartitionScheme::DirichletClass) &&
        !(o.alpha > 0.0))
        throw DataError(std::string(schemeName(o.scheme)) + ": alpha must be > 0");
    if (o.scheme != PartitionScheme::DirichletClass && K > n)
        throw DataError(std::string(schemeName(o.scheme)) + ": " + std::to_string(K) +
                        " clients but only " + std::to_string(n) + " rows");

    sim::RngStream rng(o.seed, kRngLayer, 0,
                       std::string("partition.") + std::string(schemeName(o.scheme)));
    Assignment a(n);
    switch (o.scheme) {
        case PartitionScheme::Iid:
            iid(rows, K, rng, a);
            break;
        case PartitionScheme::DirichletClient:
            dirichletClient(rows, o, rng, a);
            break;
        case PartitionScheme::DirichletClass:
            dirichletClass(rows, o, rng, a);
            break;
        case PartitionScheme::Shards:
            shards(rows, o, rng, a);
            break;
        case PartitionScheme::PowerLaw:
            powerLaw(rows, o, rng, a);
            break;
    }

    // Counting sort by client: one shared array, a slice per client.
    Partition p;
    p.slices_.resize(K);
    for (std::uint32_t k : a)
        ++p.slices_[k].train;
    std::uint32_t offset = 0;
    for (ClientSlice& s : p.slices_) {
        s.offset = offset;
        offset += s.train;
    }
    p.indices_.resize(n);
    std::vector<std::uint32_t> fill(K, 0);
    for (std::size_t i = 0; i < n; ++i)
        p.indices_[p.slices_[a[i]].offset + fill[a[i]]++] = rows.row(i);
    if (o.testFraction > 0) {
        for (std::size_t k = 0; k < K; ++k) {
            ClientSlice& s = p.slices_[k];
            sim::RngStream split(o.seed, kRngLayer, k, "partition.split");
            shuffle(split, std::span<std::uint32_t>(p.indices_).subspan(s.offset, s.train));
            const auto test = static_cast<std::uint32_t>(
                std::llround(static_cast<double>(s.train) * o.testFraction));
            s.test = test;
            s.train -= test;
        }
    }
    return p;
}

}  // namespace dais::fl
