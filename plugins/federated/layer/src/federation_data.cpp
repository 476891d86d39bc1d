#include "federation_data.h"

#include <algorithm>

namespace dais::layers::federated {

namespace {

/// A dataset holding the given rows of another.
std::shared_ptr<fl::Dataset> gather(const fl::Dataset& from, std::span<const std::uint32_t> rows) {
    auto d = std::make_shared<fl::Dataset>();
    d->classes = from.classes;
    d->features.resize(from.features.rows(), static_cast<Eigen::Index>(rows.size()));
    d->labels.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        d->features.col(static_cast<Eigen::Index>(i)) = from.features.col(rows[i]);
        d->labels[i] = from.labels[rows[i]];
    }
    return d;
}

/// A dataset holding the rows of a view.
std::shared_ptr<fl::Dataset> gather(const fl::DataView& view) {
    std::vector<std::uint32_t> rows(view.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i] = view.row(i);
    return gather(*view.data, rows);
}

}  // namespace

FederationData::FederationData(const DataOptions& options, std::size_t clients)
    : options_(options), clients_(clients) {
    if (clients == 0) throw fl::DataError("the federation has no clients");
    sim::RngStream rng(options.seed, "federated", 0, "data");
    if (options.source == DataSource::Synthetic || options.source == DataSource::SyntheticIid) {
        fl::SyntheticConfig c;
        c.alpha = options.alpha;
        c.beta = options.beta;
        c.iid = options.source == DataSource::SyntheticIid;
        c.devices = clients;
        c.seed = options.seed;
        synthetic_ = std::make_unique<fl::SyntheticFederated>(c);
        inputs_ = c.dimension;
        classes_ = c.classes;
        // The global test set: the test rows of the first devices (all of them when few).
        std::vector<std::shared_ptr<const fl::Dataset>> parts;
        std::size_t total = 0;
        const std::size_t devices = std::min(clients, options.maxTestDevices);
        for (std::size_t k = 0; k < devices; ++k) {
            ClientData cd = client(k);
            parts.push_back(gather(cd.test));
            total += parts.back()->size();
        }
        test_ = std::make_shared<fl::Dataset>();
        test_->classes = classes_;
        test_->features.resize(static_cast<Eigen::Index>(inputs_),
                               static_cast<Eigen::Index>(total));
        Eigen::Index at = 0;
        for (const auto& p : parts) {
            test_->features.middleCols(at, static_cast<Eigen::Index>(p->size())) = p->features;
            test_->labels.insert(test_->labels.end(), p->labels.begin(), p->labels.end());
            at += static_cast<Eigen::Index>(p->size());
        }
        description_ = std::string(c.iid ? "synthetic-iid" : "synthetic") + "(" +
                       std::to_string(options.alpha) + ", " + std::to_string(options.beta) + "), " +
                       std::to_string(clients) + " devices";
        return;
    }
    fl::Dataset all;
    if (options.source == DataSource::Csv) {
        all = fl::loadCsv(options.file, options.labelColumn);
        description_ = options.file;
    } else {
        all = fl::makeBlobs(options.samples, options.dimension, options.classes, options.spread,
                            4.0, rng);
        description_ = "blobs";
    }
    pool_ = std::make_shared<fl::Dataset>(std::move(all));
    inputs_ = pool_->dimension();
    classes_ = pool_->classes;
    const fl::Split split =
        fl::stratifiedSplit(fl::DataView::all(*pool_), options.testFraction, rng);
    // Standardise with the training rows' statistics only, then apply to every row.
    fl::Standardizer::fit(fl::DataView::of(*pool_, split.train)).apply(*pool_);
    trainRows_ = split.train;
    test_ = gather(*pool_, split.test);
    fl::PartitionOptions p = options.partition;
    p.clients = clients;
    p.testFraction = options.clientTestFraction;
    p.seed = options.seed;
    partition_ = fl::Partition::make(fl::DataView::of(*pool_, trainRows_), p);
    description_ += ", " + std::to_string(pool_->size()) + " rows, " +
                    std::string(fl::schemeName(p.scheme)) + " over " + std::to_string(clients) +
                    " clients";
}

std::size_t FederationData::trainSize(std::size_t k) const {
    if (synthetic_) {
        const std::size_t n = synthetic_->deviceSize(k);
        return n -
               static_cast<std::size_t>(static_cast<double>(n) * options_.clientTestFraction + 0.5);
    }
    return partition_.slice(k).train;
}

ClientData FederationData::client(std::size_t k) const {
    ClientData c;
    if (synthetic_) {
        auto d = std::make_shared<fl::Dataset>(synthetic_->device(k));
        // The device's own split, from its own stream.
        sim::RngStream rng(options_.seed, "federated", k, "device-split");
        const std::size_t n = d->size();
        const std::size_t test =
            static_cast<std::size_t>(static_cast<double>(n) * options_.clientTestFraction + 0.5);
        auto rows = std::make_shared<std::vector<std::uint32_t>>(n);
        for (std::size_t i = 0; i < n; ++i)
            (*rows)[i] = static_cast<std::uint32_t>(i);
        for (std::size_t i = n; i > 1; --i)
            std::swap((*rows)[i - 1], (*rows)[static_cast<std::size_t>(rng.below(i))]);
        // Reorder the device's samples so that train and test are contiguous ranges.
        auto shuffled = gather(*d, *rows);
        c.owned = shuffled;
        c.train = fl::DataView{shuffled.get(), {}, 0, static_cast<std::uint32_t>(n - test)};
        c.test = fl::DataView{shuffled.get(),
                              {},
                              static_cast<std::uint32_t>(n - test),
                              static_cast<std::uint32_t>(test)};
        return c;
    }
    c.train = partition_.trainView(*pool_, k);
    c.test = partition_.testView(*pool_, k);
    return c;
}

}  // namespace dais::layers::federated
