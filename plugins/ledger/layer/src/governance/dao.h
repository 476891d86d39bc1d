#pragma once
// The governance service on the chain: a DAO whose proposals and votes are ledger records. A
// proposal is a record its proposer signs; once it is final the vote opens for `vote_period`.
// Every voter (a ledger node of voter_role that is up) judges it by the ballot the layer the
// topic is about has set (a federated layer tests a model on the voter's own data) and, unless
// it abstains, sends its vote as a record of its own. A vote counts when it is final on the
// chain before the period ends, with the voter's weight (its stake attribute, or one per head);
// a vote that arrives later is late and does not. At the deadline the proposal passes when the
// votes cast carry at least `quorum` of all the voters' weight and more than `pass_share` of
// the cast weight says yes; the subscribers of its topic hear the decision either way.
//
// What a vote costs is therefore the ledger's own: the fees of its record, and the time to
// finality, which a partition or a crashed validator stretches past the deadline.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "dais/core/governance.h"
#include "dais/core/layer.h"
#include "dais/core/ledger_service.h"
#include "dais/core/run_events.h"

namespace dais::layers::ledger {

class Dao final : public core::Governance {
  public:
    /// The service exists from before set-up, so that layers may subscribe and set ballots in
    /// their own set-up, whichever comes first; proposals wait for setUp.
    Dao() = default;
    /// `weight`: per network node, its voting weight; 0 for a node that does not vote.
    void setUp(core::LayerContext& ctx, const Config& cfg, const Metrics& m,
               core::LedgerService& ledger, std::vector<double> weight);

    core::Result<ProposalId> propose(const Proposal& proposal) override;
    void subscribe(std::string_view topic, std::function<void(const Decision&)> listener) override;
    void setBallot(std::string_view topic, Ballot ballot) override;

    /// The proposals table, oldest first.
    void inspect(core::TableWriter& out) const;

  private:
    struct Entry {
        Proposal proposal;
        sim::SimTime submittedAt = 0, openedAt = sim::kTimeNever, deadline = sim::kTimeNever;
        double yes = 0, no = 0;
        std::uint32_t cast = 0, late = 0;
        bool decided = false;
        Decision decision;
    };

    void open(ProposalId id, const core::LedgerService::Receipt& receipt);
    void onDeadline(sim::Simulation& sim, const sim::Event& e);
    void decide(ProposalId id, bool passed, std::string outcome);

    sim::Simulation* sim_ = nullptr;
    sim::Network* net_ = nullptr;
    const Config* cfg_ = nullptr;
    const Metrics* m_ = nullptr;
    core::LedgerService* ledger_ = nullptr;
    std::vector<double> weight_;
    double totalWeight_ = 0;
    sim::KindId deadlineKind_ = 0;
    core::EventRecorder events_;
    core::EventKind decisionEvent_ = 0;
    std::vector<Entry> entries_;  // proposal id - 1
    std::map<std::string, std::vector<std::function<void(const Decision&)>>, std::less<>>
        listeners_;
    std::map<std::string, Ballot, std::less<>> ballots_;
};

}  // namespace dais::layers::ledger
