#include "dais/sim/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

namespace dais::sim {

std::string_view metricTypeName(MetricType t) {
    switch (t) {
        case MetricType::Counter:
            return "counter";
        case MetricType::Gauge:
            return "gauge";
        case MetricType::Distribution:
            return "distribution";
    }
    return "?";
}

std::string_view metricScopeName(MetricScope s) {
    switch (s) {
        case MetricScope::Global:
            return "global";
        case MetricScope::Node:
            return "node";
        case MetricScope::Group:
            return "group";
        case MetricScope::Link:
            return "link";
        case MetricScope::Flow:
            return "flow";
    }
    return "?";
}

// Log-linear buckets: 128 per power of two, so a bucket spans 1/256 of its value at most.
namespace {
constexpr int kSubBuckets = 128;
}

int Summary::bucketOf(double v) {
    int e;
    const double m = std::frexp(v, &e);  // v = m * 2^e, m in [0.5, 1)
    const int sub = std::min(kSubBuckets - 1, static_cast<int>((m - 0.5) * 2 * kSubBuckets));
    return e * kSubBuckets + sub;
}

void Summary::add(double v) {
    if (!std::isfinite(v)) return;  // a NaN or infinity would poison every statistic
    ++n_;
    const double d = v - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (v - mean_);
    sum_ += v;
    if (n_ == 1 || v < min_) min_ = v;
    if (n_ == 1 || v > max_) max_ = v;
    if (v <= 0) {
        ++nonPositive_;
        return;
    }
    const std::size_t slot = bucket(bucketOf(v));
    ++counts_[slot];
    sums_[slot] += v;
}

std::size_t Summary::bucket(int b) {
    if (counts_.empty()) {
        base_ = b;
        counts_.assign(1, 0);
        sums_.assign(1, 0.0);
    } else if (b < base_) {
        const auto grow = static_cast<std::size_t>(base_ - b);
        counts_.insert(counts_.begin(), grow, 0);
        sums_.insert(sums_.begin(), grow, 0.0);
        base_ = b;
    } else if (b - base_ >= static_cast<int>(counts_.size())) {
        counts_.resize(static_cast<std::size_t>(b - base_ + 1), 0);
        sums_.resize(counts_.size(), 0.0);
    }
    return static_cast<std::size_t>(b - base_);
}

double Summary::stddev() const {
    return std::sqrt(variance());
}

double Summary::quantile(double q) const {
    if (n_ == 0) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = static_cast<std::uint64_t>(std::llround(q * static_cast<double>(n_ - 1)));
    if (rank == 0) return min_;  // the extremes are known exactly
    if (rank == n_ - 1) return max_;
    if (rank < nonPositive_) return min_ >= 0 ? 0.0 : min_;
    std::uint64_t seen = nonPositive_;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen > rank) return sums_[i] / static_cast<double>(counts_[i]);
    }
    return max_;
}

void Summary::merge(const Summary& o) {
    if (o.n_ == 0) return;
    if (n_ == 0) {
        *this = o;
        return;
    }
    const double n = static_cast<double>(n_), m = static_cast<double>(o.n_);
    const double d = o.mean_ - mean_;
    mean_ += d * m / (n + m);
    m2_ += o.m2_ + d * d * n * m / (n + m);
    n_ += o.n_;
    sum_ += o.sum_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
    nonPositive_ += o.nonPositive_;
    for (std::size_t i = 0; i < o.counts_.size(); ++i) {
        if (o.counts_[i] == 0) continue;
        const std::size_t slot = bucket(o.base_ + static_cast<int>(i));
        counts_[slot] += o.counts_[i];
        sums_[slot] += o.sums_[i];
    }
}

namespace {

template <class T>
void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
bool take(std::string_view& in, T& v) {
    if (in.size() < sizeof v) return false;
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return true;
}

}  // namespace

std::string Summary::encode() const {
    std::string out;
    put(out, std::uint32_t{1});  // format
    put(out, n_);
    for (double v : {mean_, m2_, min_, max_, sum_})
        put(out, v);
    put(out, nonPositive_);
    put(out, base_);
    put(out, static_cast<std::uint64_t>(counts_.size()));
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        put(out, counts_[i]);
        put(out, sums_[i]);
    }
    return out;
}

bool Summary::decode(std::string_view in) {
    Summary s;
    std::uint32_t format = 0;
    std::uint64_t buckets = 0;
    if (!take(in, format) || format != 1 || !take(in, s.n_) || !take(in, s.mean_) ||
        !take(in, s.m2_) || !take(in, s.min_) || !take(in, s.max_) || !take(in, s.sum_) ||
        !take(in, s.nonPositive_) || !take(in, s.base_) || !take(in, buckets) ||
        buckets != in.size() / (sizeof(std::uint64_t) + sizeof(double)) ||
        in.size() % (sizeof(std::uint64_t) + sizeof(double)) != 0)
        return false;
    s.counts_.resize(buckets);
    s.sums_.resize(buckets);
    for (std::size_t i = 0; i < buckets; ++i)
        if (!take(in, s.counts_[i]) || !take(in, s.sums_[i])) return false;
    *this = std::move(s);
    return true;
}

MetricId Metrics::define(MetricInfo info) {
    assert(find(info.name) < 0 && "metric defined twice");
    infos_.push_back(std::move(info));
    values_.push_back(0.0);
    summaries_.emplace_back();
    nodes_.emplace_back();
    nodeVersions_.push_back(0);
    const auto id = static_cast<MetricId>(infos_.size() - 1);
    if (perNode(id)) nodes_[id].assign(nodeCount_, emptyNodeValue(id));
    return id;
}

void Metrics::setNodeCount(std::size_t nodes) {
    nodeCount_ = nodes;
    for (MetricId id = 0; id < infos_.size(); ++id)
        if (perNode(id)) nodes_[id].resize(nodes, emptyNodeValue(id));
}

double Metrics::value(MetricId id) const {
    if (!perNode(id)) return values_[id];
    double sum = 0;
    for (double v : nodes_[id])
        if (!std::isnan(v)) sum += v;
    return sum;
}

std::int64_t Metrics::find(std::string_view name) const {
    for (std::size_t i = 0; i < infos_.size(); ++i)
        if (infos_[i].name == name) return static_cast<std::int64_t>(i);
    return -1;
}

MetricValue Metrics::read(MetricId id) const {
    MetricValue v;
    v.info = &infos_[id];
    if (perNode(id)) {
        // The nodes that have a value (a gauge's unset nodes left out).
        std::vector<double> x;
        x.reserve(nodes_[id].size());
        for (double y : nodes_[id])
            if (!std::isnan(y)) x.push_back(y);
        v.count = x.size();
        if (x.empty()) return v;
        double sum = 0, lo = x.front(), hi = x.front();
        for (double y : x) {
            sum += y;
            lo = std::min(lo, y);
            hi = std::max(hi, y);
        }
        const double mean = sum / static_cast<double>(x.size());
        double squares = 0;
        for (double y : x)
            squares += (y - mean) * (y - mean);
        v.value = sum;
        v.stddev = x.size() > 1 ? std::sqrt(squares / static_cast<double>(x.size() - 1)) : 0.0;
        v.min = lo;
        v.max = hi;
        // Nearest-rank quantiles: the smallest value with at least q of the nodes at or below.
        std::vector<double>& scratch = x;  // reordered by the ranks, after the sums
        auto rank = [&](double q) {
            const auto k =
                static_cast<std::size_t>(std::ceil(q * static_cast<double>(scratch.size())));
            const auto at = scratch.begin() + static_cast<std::ptrdiff_t>(k == 0 ? 0 : k - 1);
            std::nth_element(scratch.begin(), at, scratch.end());
            return *at;
        };
        v.p50 = rank(0.50);
        v.p95 = rank(0.95);
        v.p99 = rank(0.99);
        return v;
    }
    if (infos_[id].type != MetricType::Distribution) {
        v.value = values_[id];
        return v;
    }
    const Summary& s = summaries_[id];
    v.value = s.mean();
    v.count = s.count();
    v.stddev = s.stddev();
    v.min = s.min();
    v.max = s.max();
    v.p50 = s.quantile(0.50);
    v.p95 = s.quantile(0.95);
    v.p99 = s.quantile(0.99);
    return v;
}

std::vector<MetricValue> Metrics::readAll() const {
    std::vector<MetricValue> all;
    all.reserve(infos_.size());
    for (MetricId i = 0; i < infos_.size(); ++i)
        all.push_back(read(i));
    return all;
}

}  // namespace dais::sim
