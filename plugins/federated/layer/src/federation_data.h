#pragma once
// Where the federation's data comes from: a pooled data set (a CSV file or Gaussian blobs)
// split into a global test set and per-client index views, or the FedProx Synthetic generator
// whose devices are made on demand. Internal to the federated layer.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dais/fl/dataset.h"
#include "dais/fl/partition.h"
#include "dais/fl/synthetic.h"

namespace dais::layers::federated {

/// Where the data comes from.
enum class DataSource { Synthetic, SyntheticIid, Blobs, Csv };

struct DataOptions {
    DataSource source = DataSource::Synthetic;
    std::string file;  ///< csv: the path (already resolved)
    std::string labelColumn = "label";
    double alpha = 1, beta = 1;                                 ///< synthetic
    std::size_t samples = 10000, dimension = 20, classes = 10;  ///< blobs
    double spread = 1.0;                                        ///< blobs
    double testFraction = 0.2;        ///< pooled data: rows held out as the global test set
    double clientTestFraction = 0.2;  ///< each client's own test rows
    fl::PartitionOptions partition;   ///< pooled data: how the training rows are shared
    std::size_t maxTestDevices =
        200;  ///< synthetic: devices whose test rows form the global test set
    std::uint64_t seed = 1;
};

/// A client's data: owned (a synthetic device, a label-flipped copy) or a view of the pool.
struct ClientData {
    std::shared_ptr<const fl::Dataset> owned;
    fl::DataView train, test;
};

class FederationData {
  public:
    /// Throws fl::DataError with a message a person can act on.
    FederationData(const DataOptions& options, std::size_t clients);

    std::size_t inputs() const { return inputs_; }
    std::size_t classes() const { return classes_; }
    std::size_t clients() const { return clients_; }
    /// Training rows of client k (for weighting before the data is made).
    std::size_t trainSize(std::size_t k) const;
    /// Client k's data; for synthetic devices it is generated now, from the device's stream.
    ClientData client(std::size_t k) const;
    /// The global test set.
    fl::DataView globalTest() const { return fl::DataView::all(*test_); }
    /// A short description for traces: "synthetic(1,1), 30 devices, 60 features, 10 classes".
    const std::string& describe() const { return description_; }

  private:
    DataOptions options_;
    std::size_t clients_ = 0, inputs_ = 0, classes_ = 0;
    std::unique_ptr<fl::SyntheticFederated> synthetic_;
    std::shared_ptr<fl::Dataset> pool_;  // pooled data (standardised)
    std::vector<std::uint32_t> trainRows_;
    fl::Partition partition_;
    std::shared_ptr<fl::Dataset> test_;
    std::string description_;
};

}  // namespace dais::layers::federated
