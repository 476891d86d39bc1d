#pragma once
// Named metrics that models update cheaply in the loop and observers read out.

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dais/sim/time.h"

namespace dais::sim {

enum class MetricType { Counter, Gauge, Distribution };
/// What one value of the metric describes (the whole run, one node, a group, a link...).
enum class MetricScope { Global, Node, Group, Link, Flow };

std::string_view metricTypeName(MetricType t);
std::string_view metricScopeName(MetricScope s);

/// Streaming summary of a distribution: exact count, mean, variance (Welford), min, max, and
/// quantiles from a log-linear histogram (128 buckets per power of two). A quantile is the
/// mean of the values in its bucket: within 0.8% of the exact order statistic, and exact when
/// the bucket holds one distinct value (integer data such as hop counts).
class Summary {
  public:
    void add(double v);
    std::uint64_t count() const { return n_; }
    double mean() const { return n_ ? mean_ : 0.0; }
    double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
    double stddev() const;
    double min() const { return n_ ? min_ : 0.0; }
    double max() const { return n_ ? max_ : 0.0; }
    double sum() const { return sum_; }
    /// q in [0, 1]; 0 if empty.
    double quantile(double q) const;
    void merge(const Summary& other);
    /// The whole summary as bytes and back, bit for bit (checkpoints). decode returns false,
    /// leaving the summary untouched, on bytes that are not a summary.
    std::string encode() const;
    bool decode(std::string_view bytes);

  private:
    static int bucketOf(double v);
    std::size_t bucket(int b);  ///< the slot of bucket b, growing the range to hold it
    std::uint64_t n_ = 0;
    double mean_ = 0, m2_ = 0, min_ = 0, max_ = 0, sum_ = 0;
    std::uint64_t nonPositive_ = 0;  // values <= 0 are counted apart from the log buckets
    int base_ = 0;                   // bucket index of counts_[0]
    std::vector<std::uint64_t> counts_;
    std::vector<double> sums_;  // per bucket, so a quantile is the mean of its bucket's values
};

using MetricId = std::uint32_t;

/// One metric's declaration: what it measures and in which unit.
struct MetricInfo {
    std::string name;  ///< dotted, e.g. "net.latency" or "traffic.bg.delivered"
    std::string unit;  ///< "s", "B", "messages", "1" for ratios
    std::string help;
    MetricType type = MetricType::Counter;
    MetricScope scope = MetricScope::Global;
};

/// A metric's value at one moment, as observers and summaries see it.
struct MetricValue {
    const MetricInfo* info = nullptr;
    double value = 0;  ///< counter total, gauge value, or distribution mean
    std::uint64_t count = 0;
    double stddev = 0, min = 0, max = 0, p50 = 0, p95 = 0, p99 = 0;
};

/// The registry of a run's metrics. Updates are a vector index away; names are resolved once.
///
/// A counter or gauge of scope Node has a value per node (a balance, a reputation, the jobs a
/// node has done), set with setNode/addNode and read one by one (nodeValue, nodeValues) by
/// whoever shows nodes. Read as a whole (read, readAll, samples) it is the total over the nodes,
/// with count the number of nodes, min and max the smallest and largest node's value and p50,
/// p95 and p99 the nodes' quantiles at that moment. Every node has 0 until set.
class Metrics {
  public:
    MetricId define(MetricInfo info);
    /// The id of a defined metric, or -1 if unknown.
    std::int64_t find(std::string_view name) const;

    void add(MetricId id, double delta) { values_[id] += delta; }
    void set(MetricId id, double v) { values_[id] = v; }
    void observe(MetricId id, double v) { summaries_[id].add(v); }

    /// How many nodes node-scoped metrics have a slot for (the network sets it when it is
    /// built); metrics defined before and after are sized alike. A node-scoped counter counts
    /// from 0 at every node; a node-scoped gauge has no value at a node (NaN) until it is set
    /// there, so that its total and spread describe the nodes it is about (the clients' local
    /// accuracy, not the server's).
    void setNodeCount(std::size_t nodes);
    std::size_t nodeCount() const { return nodeCount_; }
    /// Node-scoped counters and gauges: one node's value.
    void setNode(MetricId id, std::uint32_t node, double v) {
        nodes_[id][node] = v;
        ++nodeVersions_[id];
    }
    void addNode(MetricId id, std::uint32_t node, double delta) {
        double& x = nodes_[id][node];
        x = std::isnan(x) ? delta : x + delta;
        ++nodeVersions_[id];
    }
    /// One node's value; NaN for a gauge not set at that node.
    double nodeValue(MetricId id, std::uint32_t node) const { return nodes_[id][node]; }
    /// Every node's value, by node index (empty for a metric that is not node-scoped; NaN for a
    /// gauge's nodes that have no value).
    std::span<const double> nodeValues(MetricId id) const { return nodes_[id]; }
    /// Grows whenever a node's value changes: a reader copies the values only when it moved.
    std::uint64_t nodeVersion(MetricId id) const { return nodeVersions_[id]; }
    bool perNode(MetricId id) const {
        return infos_[id].scope == MetricScope::Node && infos_[id].type != MetricType::Distribution;
    }
    /// Replaces a distribution's summary (a run resumed from a checkpoint).
    void restore(MetricId id, Summary s) { summaries_[id] = std::move(s); }

    /// A counter's total or a gauge's value; for a node-scoped one, the total over the nodes
    /// that have a value (read() gives their count and spread).
    double value(MetricId id) const;
    const Summary& summary(MetricId id) const { return summaries_[id]; }
    const MetricInfo& info(MetricId id) const { return infos_[id]; }
    std::size_t size() const { return infos_.size(); }

    MetricValue read(MetricId id) const;
    std::vector<MetricValue> readAll() const;

  private:
    std::vector<MetricInfo> infos_;
    std::vector<double> values_;
    std::vector<Summary> summaries_;
    /// What a node-scoped metric holds at a node before anything is reported: 0 for a counter,
    /// no value (NaN) for a gauge.
    double emptyNodeValue(MetricId id) const {
        return infos_[id].type == MetricType::Counter ? 0.0
                                                      : std::numeric_limits<double>::quiet_NaN();
    }
    std::vector<std::vector<double>> nodes_;  // per metric: per node, for node-scoped ones
    std::vector<std::uint64_t> nodeVersions_;
    std::size_t nodeCount_ = 0;
};

}  // namespace dais::sim
