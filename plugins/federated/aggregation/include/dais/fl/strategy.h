#pragma once
// The server side of a federation: a strategy holds the global parameters and its optimiser
// state, and each round turns the clients' results into the next global parameters. A new
// strategy is one class: its name, its state vectors (declared once with addMoment()) and
// advance(), the update rule of one round.

#include <Eigen/Dense>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dais/fl/aggregator.h"

namespace dais::fl {

/// What one client sends back after local training.
struct ClientResult {
    /// What `vector` holds: the client's new parameters x_k, or its update x_k - x (the new
    /// parameters minus the global parameters it started from).
    enum class Kind { Parameters, Delta };

    std::uint64_t id = 0;
    Kind kind = Kind::Delta;
    Eigen::VectorXd vector;
    /// The number of samples it trained on (the weight of sample-weighted rules); >= 0.
    double samples = 0;
    /// Its training loss F_k at the global parameters before local training (q-FedAvg's
    /// F_k(w^t)), and after; NaN when not measured.
    double lossBefore = std::numeric_limits<double>::quiet_NaN();
    double lossAfter = std::numeric_limits<double>::quiet_NaN();

    static ClientResult parameters(std::uint64_t id, Eigen::VectorXd x, double samples);
    static ClientResult delta(std::uint64_t id, Eigen::VectorXd update, double samples);
};

/// Everything a strategy needs to resume exactly: its name (checked on restore), the number of
/// rounds done, the global parameters and every named state vector (momentum, moments).
struct ServerState {
    std::string strategy;
    std::uint64_t round = 0;
    Eigen::VectorXd parameters;
    std::map<std::string, Eigen::VectorXd> moments;

    /// Equal bit for bit (every double by its IEEE bits).
    bool operator==(const ServerState& other) const;
};

class Strategy {
  public:
    /// initial: the global parameters x_0 (non-empty, finite).
    explicit Strategy(Eigen::VectorXd initial);
    virtual ~Strategy() = default;
    Strategy(const Strategy&) = delete;
    Strategy& operator=(const Strategy&) = delete;

    /// The strategy's name as messages and checkpoints show it ("FedAdam").
    virtual std::string name() const = 0;

    const Eigen::VectorXd& parameters() const { return global_; }
    Eigen::Index dimension() const { return global_.size(); }
    /// Rounds completed.
    std::uint64_t round() const { return round_; }

    /// One round: checks the results (at least one; each of the model's dimension, finite,
    /// samples finite and >= 0), turns them into updates x_k - x and applies the strategy's
    /// rule. Throws AggregationError, leaving the state untouched, when a precondition fails.
    const Eigen::VectorXd& step(std::span<const ClientResult> results);

    /// The rule that combines the round's updates (default: the sample-weighted mean). Robust
    /// rules plug in here. Strategies with their own combination rule refuse it.
    virtual void setAggregator(std::shared_ptr<const Aggregator> aggregator);
    const Aggregator& aggregator() const { return *aggregator_; }
    /// The columns (positions in the last step's results) the aggregator picked, if it picks.
    const std::vector<Eigen::Index>& lastSelected() const { return lastSelected_; }

    ServerState state() const;
    /// Restores a state taken from a strategy of the same name and dimension; throws
    /// AggregationError otherwise.
    void restore(const ServerState& state);

  protected:
    /// One round's input, checked: the updates x_k - x as columns, the sample counts, and the
    /// results themselves (for losses and ids).
    struct Round {
        const Eigen::MatrixXd& updates;
        const Eigen::VectorXd& samples;
        std::span<const ClientResult> results;
    };
    /// The rule: move `x` (the global parameters) to the next round's.
    virtual void advance(const Round& round, Eigen::VectorXd& x) = 0;
    /// The aggregator's combination of the round's updates (Delta_t).
    Eigen::VectorXd aggregate(const Round& round);
    /// Declares a state vector, saved and restored with the state; the reference stays valid.
    Eigen::VectorXd& addMoment(const std::string& name, Eigen::VectorXd initial);
    /// For constructors: throws AggregationError "<name> needs <what>: got <name> = <value>"
    /// unless ok.
    void require(bool ok, const std::string& what, const std::string& parameter,
                 double value) const;

  private:
    Eigen::VectorXd global_;
    std::uint64_t round_ = 0;
    std::map<std::string, Eigen::VectorXd> moments_;
    std::shared_ptr<const Aggregator> aggregator_;
    std::vector<Eigen::Index> lastSelected_;
    std::vector<Eigen::Index> pendingSelected_;
};

/// A state as bytes and back, exactly (every double bit for bit; little-endian, versioned).
std::string encodeState(const ServerState& state);
/// Throws AggregationError on bytes that are not a complete state of this format.
ServerState decodeState(std::string_view bytes);

}  // namespace dais::fl
