#pragma once
// Partitioners: which rows of one shared dataset each client holds. A partition is a single
// array of row numbers, client after client, and per client an offset, a training count and a
// test count (12 bytes): a client's rows are never copied. Every scheme is seeded and gives the
// same partition for the same seed on every machine.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dais/fl/dataset.h"

namespace dais::fl {

/// One client's rows: indices[offset, offset + train) are its training rows, the next `test`
/// its test rows.
struct ClientSlice {
    std::uint32_t offset = 0;
    std::uint32_t train = 0;
    std::uint32_t test = 0;
    std::uint32_t size() const { return train + test; }
};
static_assert(sizeof(ClientSlice) == 12);

enum class PartitionScheme {
    Iid,              ///< "iid": a random permutation cut into equal parts
    DirichletClient,  ///< "dirichlet-client": each client's class mix ~ Dir(alpha * prior)
    DirichletClass,   ///< "dirichlet-class": each class split over clients by Dir(alpha)
    Shards,           ///< "shards": sorted by label, cut into shards, k shards per client
    PowerLaw,         ///< "power-law": IID labels, client sizes from a power law
};
/// "iid", "dirichlet-client", "dirichlet-class", "shards", "power-law".
std::string_view schemeName(PartitionScheme s);
/// The scheme of a name; throws DataError listing the names for an unknown one.
PartitionScheme schemeFromName(std::string_view name);

struct PartitionOptions {
    PartitionScheme scheme = PartitionScheme::Iid;
    std::size_t clients = 10;
    double alpha = 0.5;  ///< Dirichlet concentration (both Dirichlet schemes)
    std::size_t shardsPerClient = 2;
    double powerExponent = 1.5;     ///< power-law: Pareto shape of the client weights
    std::size_t minClientSize = 1;  ///< power-law and dirichlet-class: redraw/top up to this
    double testFraction = 0.0;      ///< per client: round(size * f) rows go to its test side
    std::uint64_t seed = 1;
};

class Partition {
  public:
    std::size_t clients() const { return slices_.size(); }
    const ClientSlice& slice(std::size_t k) const { return slices_[k]; }
    DataView trainView(const Dataset& d, std::size_t k) const;
    DataView testView(const Dataset& d, std::size_t k) const;
    /// Every client's rows, for checks: indices()[slice.offset ...].
    std::span<const std::uint32_t> indices() const { return indices_; }
    /// Bytes a client costs while idle: its slice (the row numbers it holds, 4 bytes each, are
    /// the shared index array, counted by indexBytes()).
    static constexpr std::size_t bytesPerClient() { return sizeof(ClientSlice); }
    std::size_t indexBytes() const { return indices_.size() * sizeof(std::uint32_t); }

    /// Builds a partition of the rows of `rows` (a view of a dataset) for options.clients
    /// clients. Throws DataError when the options cannot be met (more clients than rows, shards
    /// of zero rows, a client size minimum that Dirichlet draws cannot reach).
    static Partition make(const DataView& rows, const PartitionOptions& options);

  private:
    std::vector<std::uint32_t> indices_;
    std::vector<ClientSlice> slices_;
};

}  // namespace dais::fl
