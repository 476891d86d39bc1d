#include "dais/fl/robust.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "dais/fl/error.h"

namespace dais::fl {

namespace {

std::string sizeBound(const std::string& rule, const char* bound, Eigen::Index n, std::size_t f) {
    return rule + " needs n >= " + bound + " clients: got n = " + std::to_string(n) +
           " with f = " + std::to_string(f);
}

void checkNonEmpty(const std::string& rule, Eigen::Index n) {
    if (n < 1) throw AggregationError(rule + " needs at least one client: got n = 0");
}

/// The columns of `among` ordered by score, ties by column.
std::vector<Eigen::Index> byScore(const Eigen::VectorXd& scores, std::vector<Eigen::Index> among) {
    std::stable_sort(among.begin(), among.end(), [&](Eigen::Index a, Eigen::Index b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && a < b);
    });
    return among;
}

std::vector<Eigen::Index> allColumns(Eigen::Index n) {
    std::vector<Eigen::Index> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), Eigen::Index{0});
    return all;
}

/// The mean of the chosen columns, summed in the given order.
Eigen::VectorXd meanOf(const Eigen::MatrixXd& updates, const std::vector<Eigen::Index>& cols) {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(updates.rows());
    for (Eigen::Index c : cols)
        sum += updates.col(c);
    return sum / static_cast<double>(cols.size());
}

/// Calls visit(c, values) for every coordinate c, with `values` the c-th entries of the chosen
/// columns (all when `cols` is empty), in column order, in a buffer the visitor may reorder.
/// Blocks of coordinates are transposed at a time, so the values of one coordinate are
/// contiguous without a full d x n copy.
template <typename Visit>
void forEachCoordinate(const Eigen::MatrixXd& updates, const std::vector<Eigen::Index>& cols,
                       Visit&& visit) {
    constexpr Eigen::Index kBlock = 256;
    const Eigen::Index d = updates.rows();
    const auto n = cols.empty() ? updates.cols() : static_cast<Eigen::Index>(cols.size());
    Eigen::MatrixXd block(n, kBlock);  // one column per coordinate of the block
    std::vector<double> values(static_cast<std::size_t>(n));
    for (Eigen::Index r = 0; r < d; r += kBlock) {
        const Eigen::Index b = std::min(kBlock, d - r);
        for (Eigen::Index j = 0; j < n; ++j) {
            const Eigen::Index col = cols.empty() ? j : cols[static_cast<std::size_t>(j)];
            block.row(j).head(b) = updates.col(col).segment(r, b).transpose();
        }
        for (Eigen::Index c = 0; c < b; ++c) {
            std::copy_n(block.col(c).data(), n, values.begin());
            visit(r + c, values);
        }
    }
}

}  // namespace

Eigen::VectorXd krumScores(const Eigen::MatrixXd& dist, std::size_t f,
                           const std::vector<Eigen::Index>& among) {
    const Eigen::Index n = dist.rows();
    const std::vector<Eigen::Index> set = among.empty() ? allColumns(n) : among;
    const auto size = static_cast<std::ptrdiff_t>(set.size());
    const std::ptrdiff_t neighbours =
        std::max<std::ptrdiff_t>(0, size - static_cast<std::ptrdiff_t>(f) - 2);
    Eigen::VectorXd scores = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
    std::vector<double> row;
    row.reserve(set.size());
    for (Eigen::Index i : set) {
        row.clear();
        for (Eigen::Index j : set)
            if (j != i) row.push_back(dist(i, j));
        std::sort(row.begin(), row.end());
        double s = 0.0;
        for (std::ptrdiff_t k = 0; k < neighbours; ++k)
            s += row[static_cast<std::size_t>(k)];
        scores[i] = s;
    }
    return scores;
}

// ---- Krum, Multi-Krum ----

void Krum::check(Eigen::Index n) const {
    if (n < static_cast<Eigen::Index>(2 * f_ + 3))
        throw AggregationError(sizeBound(name(), "2f + 3", n, f_));
}

Aggregate Krum::compute(const Eigen::MatrixXd& updates, const Eigen::VectorXd&) const {
    const Eigen::VectorXd scores = krumScores(pairwiseSquaredDistances(updates), f_);
    const Eigen::Index best = byScore(scores, allColumns(updates.cols())).front();
    return {updates.col(best), {best}};
}

std::size_t MultiKrum::selectedCount(Eigen::Index n) const {
    return m_ == 0 ? static_cast<std::size_t>(n) - f_ : m_;
}

void MultiKrum::check(Eigen::Index n) const {
    if (n < static_cast<Eigen::Index>(2 * f_ + 3))
        throw AggregationError(sizeBound(name(), "2f + 3", n, f_));
    if (m_ > static_cast<std::size_t>(n))
        throw AggregationError(name() + " needs m <= n: got m = " + std::to_string(m_) +
                               " with n = " + std::to_string(n));
}

Aggregate MultiKrum::compute(const Eigen::MatrixXd& updates, const Eigen::VectorXd&) const {
    const Eigen::VectorXd scores = krumScores(pairwiseSquaredDistances(updates), f_);
    std::vector<Eigen::Index> order = byScore(scores, allColumns(updates.cols()));
    order.resize(selectedCount(updates.cols()));
    Aggregate out;
    out.value = meanOf(updates, order);
    out.selected = std::move(order);
    return out;
}

// ---- coordinate-wise median, trimmed mean ----

void CoordinateMedian::check(Eigen::Index n) const {
    checkNonEmpty(name(), n);
}

Aggregate CoordinateMedian::compute(const Eigen::MatrixXd& updates, const Eigen::VectorXd&) const {
    const Eigen::Index n = updates.cols();
    const auto mid = static_cast<std::size_t>(n / 2);
    Aggregate out;
    out.value.resize(updates.rows());
    forEachCoordinate(updates, {}, [&](Eigen::Index c, std::vector<double>& values) {
        const auto middle = values.begin() + static_cast<std::ptrdiff_t>(mid);
        std::nth_element(values.begin(), middle, values.end());
        const double upper = *middle;
        out.value[c] =
            n % 2 == 1 ? upper : 0.5 * (*std::max_element(values.begin(), middle) + upper);
    });
    return out;
}

TrimmedMean::TrimmedMean(double beta, std::size_t f) : beta_(beta), f_(f) {
    if (!(beta >= 0.0 && beta < 0.5))
        throw AggregationError("trimmed mean needs 0 <= beta < 0.5: got beta = " +
                               formatNumber(beta));
}

Eigen::Index TrimmedMean::trimmed(Eigen::Index n) const {
    return static_cast<Eigen::Index>(std::floor(beta_ * static_cast<double>(n)));
}

void TrimmedMean::check(Eigen::Index n) const {
    checkNonEmpty(name(), n);
    const Eigen::Index k = trimmed(n);
    if (k < static_cast<Eigen::Index>(f_))
        throw AggregationError(name() + " needs floor(beta n) >= f to trim every malicious " +
                               "value: got n = " + std::to_string(n) +
                               ", beta = " + formatNumber(beta_) + " (" + std::to_string(k) +
                               " per side) with f = " + std::to_string(f_));
}

Aggregate TrimmedMean::compute(const Eigen::MatrixXd& updates, const Eigen::VectorXd&) const {
    const Eigen::Index n = updates.cols();
    const auto k = static_cast<std::size_t>(trimmed(n));
    const auto keep = static_cast<std::size_t>(n) - 2 * k;
    Aggregate out;
    out.value.resize(updates.rows());
    forEachCoordinate(updates, {}, [&](Eigen::Index c, std::vector<double>& values) {
        std::sort(values.begin(), values.end());
        double s = 0.0;
        for (std::size_t i = k; i < k + keep; ++i)
            s += values[i];
        out.value[c] = s / static_cast<double>(keep);
    });
    return out;
}

// ---- Bulyan ----

void Bulyan::check(Eigen::Index n) const {
    if (n < static_cast<Eigen::Index>(4 * f_ + 3))
        throw AggregationError(sizeBound(name(), "4f + 3", n, f_));
}

Aggregate Bulyan::compute(const Eigen::MatrixXd& updates, const Eigen::VectorXd&) const {
    const Eigen::Index n = updates.cols();
    const auto f = static_cast<Eigen::Index>(f_);
    const Eigen::Index theta = n - 2 * f;
    const Eigen::Index beta = theta - 2 * f;
    const Eigen::MatrixXd dist = pairwiseSquaredDistances(updates);

    // Selection: Krum, applied again and again to the clients not yet selected.
    std::vector<Eigen::Index> remaining = allColumns(n);
    std::vector<Eigen::Index> selected;
    selected.reserve(static_cast<std::size_t>(theta));
    while (static_cast<Eigen::Index>(selected.size()) < theta) {
        const Eigen::VectorXd scores = krumScores(dist, f_, remaining);
        const Eigen::Index best = byScore(scores, remaining).front();
        selected.push_back(best);
        remaining.erase(std::find(remaining.begin(), remaining.end(), best));
    }

    // Aggregation: per coordinate, the beta selected values closest to their median.
    const auto width = static_cast<std::size_t>(beta);
    Aggregate out;
    out.value.resize(updates.rows());
    forEachCoordinate(updates, selected, [&](Eigen::Index c, std::vector<double>& sorted) {
        std::sort(sorted.begin(), sorted.end());
        const std::size_t mid = sorted.size() / 2;
        const double median =
            sorted.size() % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
        // The beta values closest to the median form a window of the sorted values. Sliding it
        // right by one drops sorted[start - 1] and adds sorted[start + width - 1]; that helps
        // while the added value is closer to the median than the dropped one, i.e. while
        // sorted[start + width - 1] + sorted[start - 1] < 2 median; the left side grows with
        // start, so once false it stays false. Ties stay left.
        std::size_t lo = 0;
        for (std::size_t start = 1; start + width <= sorted.size(); ++start) {
            if (sorted[start + width - 1] - median < median - sorted[start - 1])
                lo = start;
            else
                break;
        }
        double s = 0.0;
        for (std::size_t i = lo; i < lo + width; ++i)
            s += sorted[i];
        out.value[c] = s / static_cast<double>(beta);
    });
    out.selected = std::move(selected);
    return out;
}

}  // namespace dais::fl
