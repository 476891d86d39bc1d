#pragma once
// The governance service: proposals a community votes on (a DAO), and decisions other layers act
// on. A proposal names a topic ("federated.reject-model", "federated.ban-node",
// "market.reward-rate"), what it is about (a node, a digest, a value) and a text; the provider
// runs the vote (by stake, by head, by reputation; quorum and period are its parameters) and
// announces each decision to the subscribers of its topic. Layers never include each other: a
// learning layer subscribes to the topics it acts on, whoever provides the votes.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "dais/core/digest.h"
#include "dais/core/result.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

class Governance : public Service {
  public:
    static constexpr std::string_view kId = "governance";
    using ProposalId = std::uint64_t;

    struct Proposal {
        sim::NodeIndex proposer = 0;
        std::string topic;
        std::optional<sim::NodeIndex> node;  ///< the node it is about (a ban)
        std::optional<Digest> subject;       ///< the thing it is about (a model version)
        double value = 0;                    ///< a new value (a rate, a threshold)
        std::string text;
    };

    struct Decision {
        ProposalId id = 0;
        Proposal proposal;
        bool passed = false;
        double yes = 0, no = 0;  ///< weight of the votes, in the provider's measure
        double turnout = 0;      ///< 0..1 of the weight that could vote
        sim::SimTime decidedAt = 0;
        std::string outcome;  ///< in words: "passed", "rejected", "no quorum", "not recorded"
    };

    /// Puts a proposal to the vote. Refused (with the reason) for a proposer the provider does
    /// not let propose, or a topic nobody subscribed to.
    virtual Result<ProposalId> propose(const Proposal& proposal) = 0;
    /// Calls `listener` with every decision on `topic`, passed or not, as it is taken.
    virtual void subscribe(std::string_view topic,
                           std::function<void(const Decision&)> listener) = 0;

    /// How a voter judges a proposal: yes (true), no (false) or abstain (nullopt). The layer a
    /// topic is about knows what its voters see (a model on their own data, the ledger's
    /// records) and how honest and malicious voters judge; the provider only counts.
    using Ballot = std::function<std::optional<bool>(sim::NodeIndex voter, ProposalId id,
                                                     const Proposal& proposal)>;
    /// Sets how voters judge proposals of `topic`; without a ballot every voter abstains.
    virtual void setBallot(std::string_view topic, Ballot ballot) = 0;
};

}  // namespace dais::core
