#pragma once
// The update-review service: a veto over what a learning layer accepts, and a record of what it
// did. Before a federated server (or edge aggregator) counts a client's update, it asks every
// provider of "update-review" in the run; any one may reject it (a banned node, a reputation
// below a bar, an update another layer proved wrong). Each round's outcome is then reported to
// them all, so a ledger can record it and a governance layer can put it to a vote.
//
// Reviews are synchronous: decided at the moment the update is accepted, from what the reviewer
// already knows, so a review adds no simulated time (a reviewer that must ask the network does
// so ahead, e.g. when a vote ends, and keeps the answer).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

class UpdateReview : public Service {
  public:
    static constexpr std::string_view kId = "update-review";

    struct Update {
        std::string_view layer;   ///< the learning layer: "federated"
        std::uint64_t round = 0;  ///< 1, 2, ... (async: the server's model version)
        sim::NodeIndex client = 0;
        sim::NodeIndex acceptor = 0;  ///< the server or edge aggregator that counts it
        Digest digest{};              ///< SHA-256 of the update's values, as the client sent them
        double samples = 0;           ///< the weight it would have
        /// Distance of the proposed model from the current one (L2); NaN where the acceptor
        /// cannot see the update (secure aggregation).
        double norm = 0;
    };
    struct Verdict {
        bool accept = true;
        std::string reason;  ///< why rejected
    };
    virtual Verdict review(const Update& update) = 0;

    /// A round's result: the new global model and what went into it.
    struct Round {
        std::string_view layer;
        std::uint64_t round = 0;
        sim::NodeIndex server = 0;
        Digest model{};  ///< SHA-256 of the global model's parameters after the round
        std::vector<sim::NodeIndex> contributors;
        std::vector<Digest> updates;           ///< their updates' digests, in the same order
        std::vector<sim::NodeIndex> rejected;  ///< updates a reviewer vetoed
        double accuracy = 0;                   ///< of the new model on the test set
        sim::SimTime at = 0;
    };
    virtual void roundClosed(const Round& /*round*/) {}
};

}  // namespace dais::core
