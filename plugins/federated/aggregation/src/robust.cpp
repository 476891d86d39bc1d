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
    const Eigen::MatrixXd byCoordinate = updates.transpose();  // one column per coordinate
    std::vector<double> values(static_cast<std::size_t>(n));
    Aggregate out;
    out.value.resize(updates.rows());
    const auto mid = static_cast<std::size_t>(n / 2);
    for (Eigen::Index c = 0; c < updates.rows(); ++c) {
        std::copy_n(byCoordinate.col(c).data(), n, values.begin());
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid),
                         values.end());
        const double upper = values[mid];
        if (n % 2 == 1) {
            out.value[c] = upper;
        } else {
            const double lower = *std::max_element(
                values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
            out.value[c] = 0.5 * (lower + upper);
        }
    }
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
    const Eigen::Index k = trimmed(n);
    const Eigen::MatrixXd byCoordinate = updates.transpose();
    std::vector<double> values(static_cast<std::size_t>(n));
    Aggregate out;
    out.value.resize(updates.rows());
    for (Eigen::Index c = 0; c < updates.rows(); ++c) {
        std::copy_n(byCoordinate.col(c).data(), n, values.begin());
        std::sort(values.begin(), values.end());
        double s = 0.0;
        for (Eigen::Index i = k; i < n - k; ++i)
            s += values[static_cast<std::size_t>(i)];
        out.value[c] = s / static_cast<double>(n - 2 * k);
    }
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
    std::vector<double> values(static_cast<std::size_t>(theta));
    std::vector<double> sorted(values.size());
    Aggregate out;
    out.value.resize(updates.rows());
    for (Eigen::Index c = 0; c < updates.rows(); ++c) {
        for (Eigen::Index i = 0; i < theta; ++i)
            values[static_cast<std::size_t>(i)] = updates(c, selected[static_cast<std::size_t>(i)]);
        sorted = values;
        std::sort(sorted.begin(), sorted.end());
        const auto mid = static_cast<std::size_t>(theta / 2);
        const double median = theta % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
        // The beta values closest to the median form a window of the sorted values; slide it
        // from the left, keeping ties towards the smaller values (deterministic).
        std::size_t lo = 0;
        const auto width = static_cast<std::size_t>(beta);
        for (std::size_t start = 1; start + width <= sorted.size(); ++start) {
            // Moving right drops sorted[start - 1] and adds sorted[start + width - 1].
            const double dropped = median - sorted[start - 1];
            const double added = sorted[start + width - 1] - median;
            if (added < dropped)
                lo = start;
            else
                break;
        }
        double s = 0.0;
        for (std::size_t i = lo; i < lo + width; ++i)
            s += sorted[i];
        out.value[c] = s / static_cast<double>(beta);
    }
    out.selected = std::move(selected);
    return out;
}

}  // namespace dais::fl
