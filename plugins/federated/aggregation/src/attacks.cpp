#include "dais/fl/attacks.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "dais/fl/error.h"

namespace dais::fl {

Eigen::VectorXd signFlip(const Eigen::VectorXd& update, double scale) {
    return -scale * update;
}

Eigen::VectorXd modelReplacement(const Eigen::VectorXd& global, const Eigen::VectorXd& target,
                                 double boost) {
    return boost * (target - global);
}

sim::RngStream attackStream(std::uint64_t seed, std::uint64_t client, std::uint64_t round,
                            std::string_view purpose) {
    const sim::StreamKey base = sim::StreamKey::make(seed, "federated", client, purpose);
    // Fold the round into the key, so every round has its own stream.
    const std::uint64_t k0 = sim::mix64(base.k0 ^ sim::mix64(round + 0x243f6a8885a308d3ULL));
    return sim::RngStream(sim::StreamKey{k0, sim::mix64(base.k1 ^ k0)});
}

std::string UpdateAttack::kindName(AttackOptions::Kind kind) {
    switch (kind) {
        case AttackOptions::Kind::None:
            return "none";
        case AttackOptions::Kind::SignFlip:
            return "sign flipping";
        case AttackOptions::Kind::ModelReplacement:
            return "model replacement";
        case AttackOptions::Kind::GaussianNoise:
            return "Gaussian noise";
    }
    return "unknown";
}

UpdateAttack::UpdateAttack(AttackOptions options, std::uint64_t seed)
    : options_(std::move(options)), seed_(seed) {
    const std::string who = kindName(options_.kind);
    auto need = [&](bool ok, const std::string& what, double value) {
        if (!ok) throw AggregationError(who + " needs " + what + ": got " + formatNumber(value));
    };
    switch (options_.kind) {
        case AttackOptions::Kind::None:
            break;
        case AttackOptions::Kind::SignFlip:
            need(std::isfinite(options_.scale) && options_.scale > 0, "scale > 0", options_.scale);
            break;
        case AttackOptions::Kind::ModelReplacement:
            need(std::isfinite(options_.boost) && options_.boost > 0, "boost > 0", options_.boost);
            if (options_.target.size() == 0)
                throw AggregationError(who + " needs a target model: got none");
            break;
        case AttackOptions::Kind::GaussianNoise:
            need(std::isfinite(options_.sigma) && options_.sigma >= 0, "sigma >= 0",
                 options_.sigma);
            break;
    }
}

void UpdateAttack::apply(ClientResult& result, const Eigen::VectorXd& global,
                         std::uint64_t round) const {
    if (options_.kind == AttackOptions::Kind::None) return;
    if (result.vector.size() != global.size())
        throw AggregationError(kindName(options_.kind) + ": client " + std::to_string(result.id) +
                               " has " + std::to_string(result.vector.size()) +
                               " values; the model has " + std::to_string(global.size()));
    const bool asParameters = result.kind == ClientResult::Kind::Parameters;
    Eigen::VectorXd update = asParameters ? Eigen::VectorXd(result.vector - global) : result.vector;
    switch (options_.kind) {
        case AttackOptions::Kind::None:
            break;
        case AttackOptions::Kind::SignFlip:
            update = signFlip(update, options_.scale);
            break;
        case AttackOptions::Kind::ModelReplacement:
            if (options_.target.size() != global.size())
                throw AggregationError(kindName(options_.kind) + " needs a target of the model's " +
                                       "size: got " + std::to_string(options_.target.size()) +
                                       " values; the model has " + std::to_string(global.size()));
            update = modelReplacement(global, options_.target, options_.boost);
            break;
        case AttackOptions::Kind::GaussianNoise: {
            sim::RngStream rng = attackStream(seed_, result.id, round, "attack.gaussian");
            if (options_.replace) update.setZero();
            for (Eigen::Index i = 0; i < update.size(); ++i)
                update[i] += rng.normal(0.0, options_.sigma);
            break;
        }
    }
    result.vector = asParameters ? Eigen::VectorXd(global + update) : update;
}

void UpdateAttack::apply(std::span<ClientResult> results, std::span<const std::uint64_t> malicious,
                         const Eigen::VectorXd& global, std::uint64_t round) const {
    std::vector<std::uint64_t> ids(malicious.begin(), malicious.end());
    std::sort(ids.begin(), ids.end());
    for (ClientResult& r : results)
        if (std::binary_search(ids.begin(), ids.end(), r.id)) apply(r, global, round);
}

}  // namespace dais::fl
