#pragma once
// Update-level attacks: what a malicious client sends instead of its honest result. The layer
// decides which clients are malicious; an attack rewrites their results before the server sees
// them. Each works on either kind of result (parameters or update), keeping its kind.

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <string>

#include "dais/fl/strategy.h"
#include "dais/sim/rng.h"

namespace dais::fl {

/// Sign flipping: the update u = x_k - x becomes -scale * u (scale > 0; 1 is the plain flip).
Eigen::VectorXd signFlip(const Eigen::VectorXd& update, double scale);

/// Model replacement (Bagdasaryan, Veit, Hua, Estrin, Shmatikov, "How To Backdoor Federated
/// Learning", AISTATS 2020, eq. 3): to replace the global model x by a target X, the attacker
/// sends L = gamma (X - x) + x, i.e. the update gamma (X - x), boosted by gamma (the paper's
/// gamma = n / eta: n clients per round, eta the server learning rate, so that averaging
/// leaves X when the honest updates roughly cancel).
Eigen::VectorXd modelReplacement(const Eigen::VectorXd& global, const Eigen::VectorXd& target,
                                 double boost);

/// The random stream of an attack draw: one per (seed, client, round, purpose), so draws depend
/// on nothing else (no state to checkpoint, no order between clients).
sim::RngStream attackStream(std::uint64_t seed, std::uint64_t client, std::uint64_t round,
                            std::string_view purpose);

struct AttackOptions {
    enum class Kind {
        None,
        SignFlip,          // update -> -scale * update
        ModelReplacement,  // update -> boost * (target - global)
        GaussianNoise,     // update -> update + N(0, sigma^2 I), or N(0, sigma^2 I) alone
    };
    Kind kind = Kind::None;
    double scale = 1.0;      // SignFlip: > 0
    double boost = 1.0;      // ModelReplacement: gamma > 0
    Eigen::VectorXd target;  // ModelReplacement: the model X to plant, of the model's size
    double sigma = 1.0;      // GaussianNoise: >= 0
    bool replace = false;    // GaussianNoise: send pure noise instead of update + noise
};

/// An attack as configured, applied to the malicious clients' results round by round.
class UpdateAttack {
  public:
    /// Throws AggregationError for options out of range. seed: the run's seed (noise streams).
    UpdateAttack(AttackOptions options, std::uint64_t seed);

    const AttackOptions& options() const { return options_; }

    /// Rewrites one result (a malicious client's) for round `round`, given the global
    /// parameters x the client started from.
    void apply(ClientResult& result, const Eigen::VectorXd& global, std::uint64_t round) const;
    /// Rewrites the results whose ids are in `malicious` (any order), leaves the others.
    void apply(std::span<ClientResult> results, std::span<const std::uint64_t> malicious,
               const Eigen::VectorXd& global, std::uint64_t round) const;

    static std::string kindName(AttackOptions::Kind kind);

  private:
    AttackOptions options_;
    std::uint64_t seed_;
};

}  // namespace dais::fl
