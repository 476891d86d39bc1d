#include "dais/fl/dataset.h"

#include <algorithm>
#include <cmath>

#include "dais/fl/random.h"

namespace dais::fl {

std::vector<std::size_t> Dataset::classCounts() const {
    std::vector<std::size_t> counts(classes, 0);
    for (std::int32_t y : labels)
        ++counts[static_cast<std::size_t>(y)];
    return counts;
}

Standardizer Standardizer::fit(const DataView& rows) {
    const auto dim = static_cast<Eigen::Index>(rows.data->dimension());
    Standardizer s;
    s.mean = Eigen::VectorXd::Zero(dim);
    s.stddev = Eigen::VectorXd::Zero(dim);
    const std::size_t n = rows.size();
    if (n == 0) {
        s.stddev.setOnes();
        return s;
    }
    for (std::size_t i = 0; i < n; ++i)
        s.mean += rows.data->features.col(rows.row(i));
    s.mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i)
        s.stddev += (rows.data->features.col(rows.row(i)) - s.mean).array().square().matrix();
    s.stddev = (s.stddev / static_cast<double>(n)).array().sqrt().matrix();
    for (Eigen::Index j = 0; j < dim; ++j)
        if (!(s.stddev[j] > 0.0)) s.stddev[j] = 1.0;
    return s;
}

void Standardizer::apply(Dataset& d) const {
    d.features.colwise() -= mean;
    d.features.array().colwise() /= stddev.array();
}

Split stratifiedSplit(const DataView& rows, double testFraction, sim::RngStream& rng) {
    if (!(testFraction >= 0.0 && testFraction <= 1.0))
        throw DataError("a test fraction must be in [0, 1]");
    std::vector<std::vector<std::uint32_t>> byClass(rows.data->classes);
    for (std::size_t i = 0; i < rows.size(); ++i)
        byClass[static_cast<std::size_t>(rows.label(i))].push_back(rows.row(i));
    Split s;
    for (auto& members : byClass) {
        shuffle(rng, std::span<std::uint32_t>(members));
        const auto nTest = static_cast<std::size_t>(
            std::llround(static_cast<double>(members.size()) * testFraction));
        s.test.insert(s.test.end(), members.begin(), members.begin() + static_cast<long>(nTest));
        s.train.insert(s.train.end(), members.begin() + static_cast<long>(nTest), members.end());
    }
    std::sort(s.train.begin(), s.train.end());
    std::sort(s.test.begin(), s.test.end());
    return s;
}

Dataset makeBlobs(std::size_t samples, std::size_t dimension, std::size_t classes, double spread,
                  double box, sim::RngStream& rng) {
    if (dimension == 0 || classes < 2) throw DataError("blobs need a dimension and two classes");
    const auto dim = static_cast<Eigen::Index>(dimension);
    Eigen::MatrixXd centres(dim, static_cast<Eigen::Index>(classes));
    for (Eigen::Index c = 0; c < centres.cols(); ++c)
        for (Eigen::Index j = 0; j < dim; ++j)
            centres(j, c) = rng.uniform(-box, box);
    Dataset d;
    d.classes = classes;
    d.features.resize(dim, static_cast<Eigen::Index>(samples));
    d.labels.resize(samples);
    for (std::size_t i = 0; i < samples; ++i) {
        const std::size_t c = i % classes;
        d.labels[i] = static_cast<std::int32_t>(c);
        for (Eigen::Index j = 0; j < dim; ++j)
            d.features(j, static_cast<Eigen::Index>(i)) =
                rng.normal(centres(j, static_cast<Eigen::Index>(c)), spread);
    }
    return d;
}

}  // namespace dais::fl
