#pragma once
// Labelled tabular data: one column of features per sample (so a sample is contiguous and a
// mini-batch is a gather of columns), integer labels 0..classes-1. Clients never copy data:
// they see it through a DataView, a list of row numbers into one shared Dataset.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "dais/sim/rng.h"

namespace dais::fl {

struct Dataset {
    Eigen::MatrixXd features;          ///< features() x size(): one column per sample
    std::vector<std::int32_t> labels;  ///< size() labels in [0, classes)
    std::size_t classes = 0;
    std::vector<std::string> featureNames;  ///< may be empty
    std::vector<std::string> classNames;    ///< may be empty

    std::size_t size() const { return labels.size(); }
    std::size_t dimension() const { return static_cast<std::size_t>(features.rows()); }
    /// Samples per class.
    std::vector<std::size_t> classCounts() const;
};

/// Some rows of a dataset: either an explicit list of row numbers (not owned) or the range
/// [first, first + count).
struct DataView {
    const Dataset* data = nullptr;
    std::span<const std::uint32_t> rows;  ///< used when not empty
    std::uint32_t first = 0;
    std::uint32_t count = 0;

    static DataView all(const Dataset& d) {
        return {&d, {}, 0, static_cast<std::uint32_t>(d.size())};
    }
    static DataView of(const Dataset& d, std::span<const std::uint32_t> rows) {
        return {&d, rows, 0, static_cast<std::uint32_t>(rows.size())};
    }
    std::size_t size() const { return count; }
    std::uint32_t row(std::size_t i) const {
        return rows.empty() ? first + static_cast<std::uint32_t>(i) : rows[i];
    }
    std::int32_t label(std::size_t i) const { return data->labels[row(i)]; }
};

/// Errors in data files and generator settings. what() names the file, line and column.
class DataError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Reads a comma-separated file with a header line. `labelColumn` names the label; every other
/// column must be numeric. Labels that are all non-negative integers are used as class numbers
/// (classes = largest + 1); otherwise each distinct text is a class, numbered in sorted order
/// ("benign" 0, "malignant" 1). Blank lines are skipped; a trailing '\r' is ignored; fields are
/// not quoted. Throws DataError "file:line:column: message" (1-based; the column counts
/// characters) for a missing label column, a wrong number of fields, an empty or non-numeric
/// cell, or a non-finite number.
/// A path that is not a regular file (a device such as /dev/zero, a named pipe, a directory) is
/// refused before it is opened: "/dev/zero: not a regular file (a character device)".
Dataset loadCsv(const std::string& path, const std::string& labelColumn);
/// What `path` is when it is there but not a regular file, for messages ("a character device",
/// "a named pipe", "a directory"); "" for a regular file or a path that does not exist.
std::string nonRegularFileKind(const std::string& path);
/// The same from text in memory; `name` stands for the file in messages.
Dataset parseCsv(std::string_view text, const std::string& name, const std::string& labelColumn);

/// Per-feature mean and standard deviation (population, divide by n) of some rows; a feature
/// with zero spread gets std 1, so it standardises to 0 rather than to NaN.
struct Standardizer {
    Eigen::VectorXd mean, stddev;
    static Standardizer fit(const DataView& rows);
    /// x := (x - mean) / std for every sample of `d` (fit on training rows, apply to all).
    void apply(Dataset& d) const;
};

/// Row numbers of a train/test split.
struct Split {
    std::vector<std::uint32_t> train, test;
};
/// Stratified: in every class, round(n_c * testFraction) of its rows, chosen uniformly from the
/// stream, go to the test side. Both sides are sorted by row number.
Split stratifiedSplit(const DataView& rows, double testFraction, sim::RngStream& rng);

/// Isotropic Gaussian blobs: `classes` centres uniform in [-box, box]^dimension, samples
/// N(centre, spread^2 I), labels round-robin (so classes differ in size by at most one).
Dataset makeBlobs(std::size_t samples, std::size_t dimension, std::size_t classes, double spread,
                  double box, sim::RngStream& rng);

}  // namespace dais::fl
