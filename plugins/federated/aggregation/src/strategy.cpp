#include "dais/fl/strategy.h"

#include <bit>
#include <cmath>

#include "dais/fl/error.h"

namespace dais::fl {

ClientResult ClientResult::parameters(std::uint64_t id, Eigen::VectorXd x, double samples) {
    ClientResult r;
    r.id = id;
    r.kind = Kind::Parameters;
    r.vector = std::move(x);
    r.samples = samples;
    return r;
}

ClientResult ClientResult::delta(std::uint64_t id, Eigen::VectorXd update, double samples) {
    ClientResult r;
    r.id = id;
    r.kind = Kind::Delta;
    r.vector = std::move(update);
    r.samples = samples;
    return r;
}

namespace {

/// Bitwise equality of two vectors (so NaN == NaN and -0 != +0: "the same bits").
bool sameBits(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    if (a.size() != b.size()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i)
        if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
    return true;
}

}  // namespace

bool ServerState::operator==(const ServerState& other) const {
    if (strategy != other.strategy || round != other.round ||
        !sameBits(parameters, other.parameters) || moments.size() != other.moments.size())
        return false;
    for (auto a = moments.begin(), b = other.moments.begin(); a != moments.end(); ++a, ++b)
        if (a->first != b->first || !sameBits(a->second, b->second)) return false;
    return true;
}

Strategy::Strategy(Eigen::VectorXd initial)
    : global_(std::move(initial)),
      aggregator_(std::make_shared<WeightedMean>(WeightedMean::Weighting::Samples)) {
    if (global_.size() == 0)
        throw AggregationError("a strategy needs initial parameters: got an empty vector");
    for (Eigen::Index i = 0; i < global_.size(); ++i)
        if (!std::isfinite(global_[i]))
            throw AggregationError("a strategy needs finite initial parameters: got " +
                                   formatNumber(global_[i]) + " at index " + std::to_string(i));
}

void Strategy::require(bool ok, const std::string& what, const std::string& parameter,
                       double value) const {
    if (!ok)
        throw AggregationError(name() + " needs " + what + ": got " + parameter + " = " +
                               formatNumber(value));
}

void Strategy::setAggregator(std::shared_ptr<const Aggregator> aggregator) {
    if (!aggregator) throw AggregationError(name() + " needs an aggregator: got none");
    aggregator_ = std::move(aggregator);
}

Eigen::VectorXd& Strategy::addMoment(const std::string& momentName, Eigen::VectorXd initial) {
    auto [it, inserted] = moments_.emplace(momentName, std::move(initial));
    if (!inserted) throw AggregationError("state vector declared twice: " + momentName);
    return it->second;
}

Eigen::VectorXd Strategy::aggregate(const Round& round) {
    Aggregate a = aggregator_->aggregate(round.updates, round.samples);
    pendingSelected_ = std::move(a.selected);
    return std::move(a.value);
}

const Eigen::VectorXd& Strategy::step(std::span<const ClientResult> results) {
    const Eigen::Index d = global_.size();
    const auto n = static_cast<Eigen::Index>(results.size());
    if (n == 0) throw AggregationError(name() + " needs at least one client result: got none");
    Eigen::MatrixXd updates(d, n);
    Eigen::VectorXd samples(n);
    for (Eigen::Index k = 0; k < n; ++k) {
        const ClientResult& r = results[static_cast<std::size_t>(k)];
        const std::string who = name() + ": client " + std::to_string(r.id);
        if (r.vector.size() != d)
            throw AggregationError(who + " sent " + std::to_string(r.vector.size()) +
                                   " values; the model has " + std::to_string(d));
        for (Eigen::Index i = 0; i < d; ++i)
            if (!std::isfinite(r.vector[i]))
                throw AggregationError(who + " sent " + formatNumber(r.vector[i]) + " at index " +
                                       std::to_string(i));
        if (!std::isfinite(r.samples) || r.samples < 0)
            throw AggregationError(who + " reports samples = " + formatNumber(r.samples) +
                                   "; samples must be finite and >= 0");
        if (r.kind == ClientResult::Kind::Parameters)
            updates.col(k) = r.vector - global_;
        else
            updates.col(k) = r.vector;
        samples[k] = r.samples;
    }
    pendingSelected_.clear();
    Eigen::VectorXd next = global_;
    advance(Round{updates, samples, results}, next);
    global_.swap(next);
    lastSelected_ = std::move(pendingSelected_);
    ++round_;
    return global_;
}

ServerState Strategy::state() const {
    return ServerState{name(), round_, global_, moments_};
}

void Strategy::restore(const ServerState& s) {
    if (s.strategy != name())
        throw AggregationError(name() + " cannot restore the state of " + s.strategy);
    if (s.parameters.size() != global_.size())
        throw AggregationError(name() + " cannot restore a state of dimension " +
                               std::to_string(s.parameters.size()) + ": the model has " +
                               std::to_string(global_.size()));
    bool sameSet = s.moments.size() == moments_.size();
    for (const auto& [key, value] : moments_) {
        const auto it = s.moments.find(key);
        if (it == s.moments.end()) {
            sameSet = false;
            break;
        }
        if (it->second.size() != value.size())
            throw AggregationError(name() + " cannot restore state vector " + key +
                                   " of dimension " + std::to_string(it->second.size()) +
                                   ": expected " + std::to_string(value.size()));
    }
    if (!sameSet) {
        std::string expected;
        for (const auto& entry : moments_)
            expected += (expected.empty() ? "" : ", ") + entry.first;
        throw AggregationError(name() + " cannot restore a state whose vectors differ from {" +
                               expected + "}");
    }
    global_ = s.parameters;
    round_ = s.round;
    for (auto& [key, value] : moments_)
        value = s.moments.at(key);
    lastSelected_.clear();
}

}  // namespace dais::fl
