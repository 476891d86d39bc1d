// The federation under a DAO's governance (the governance service): every release_every rounds
// the server proposes the new model as a release; voters test it on their own data; a rejected
// release rolls the federation back to the last accepted model, and the server traces the
// rounds since it through the ledger's round records and proposes to ban the clients the trace
// names. Honest voters judge by what they can see themselves; malicious clients vote for their
// own side.
#include <algorithm>
#include <string>

#include "dais/core/anomaly_trace.h"
#include "dais/core/round_audit.h"
#include "federation.h"

namespace dais::layers::federated {

namespace {

constexpr std::string_view kReleaseTopic = "federated.release";
constexpr std::string_view kBanTopic = "federated.ban-node";

}  // namespace

void Federation::setupGovernance(core::LayerContext& ctx) {
    banned_.assign(clients_.size(), 0);
    banProposed_.assign(clients_.size(), 0);
    if (cfg_.releaseEvery <= 0) return;
    governance_ = ctx.services().find<core::Governance>();
    if (governance_ == nullptr)
        ctx.failParam("release_every",
                      "release votes need a layer that provides governance (the ledger's DAO)");
    if (async())
        ctx.failParam("release_every", "release votes need synchronous rounds (mode sync)");
    accepted_ = strategy_->state();
    acceptedRound_ = 0;
    governance_->subscribe(kReleaseTopic,
                           [this](const core::Governance::Decision& d) { onRelease(d); });
    governance_->subscribe(kBanTopic, [this](const core::Governance::Decision& d) { onBan(d); });
    governance_->setBallot(
        kReleaseTopic, [this](sim::NodeIndex v, core::Governance::ProposalId id,
                              const core::Governance::Proposal&) { return releaseBallot(v, id); });
    governance_->setBallot(
        kBanTopic, [this](sim::NodeIndex v, core::Governance::ProposalId id,
                          const core::Governance::Proposal& p) { return banBallot(v, id, p); });
}

std::uint32_t Federation::clientIndexOf(sim::NodeIndex n) {
    if (clientOf_.empty()) {
        clientOf_.assign(net_->nodeCount(), sim::kNone);
        for (std::size_t k = 0; k < clients_.size(); ++k)
            clientOf_[clients_[k]] = static_cast<std::uint32_t>(k);
    }
    return n < clientOf_.size() ? clientOf_[n] : sim::kNone;
}

void Federation::proposeRelease(const core::Digest& model) {
    if (governance_ == nullptr || round_ % static_cast<std::uint64_t>(cfg_.releaseEvery) != 0)
        return;
    core::Governance::Proposal p;
    p.proposer = server_;
    p.topic = std::string(kReleaseTopic);
    p.subject = model;
    p.value = static_cast<double>(round_);
    p.text = "release the model of round " + std::to_string(round_);
    auto id = governance_->propose(p);
    if (!id) {
        sim_->trace(server_, "federated",
                    "round " + std::to_string(round_) + ": no release vote: " + id.error().message);
        return;
    }
    releases_[id.value()] = Release{round_, lineage_, strategy_->state()};
}

std::optional<bool> Federation::releaseBallot(sim::NodeIndex voter,
                                              core::Governance::ProposalId id) {
    const auto it = releases_.find(id);
    if (it == releases_.end()) return std::nullopt;
    const Eigen::VectorXd& candidate = it->second.state.parameters;
    const Eigen::VectorXd& accepted = accepted_.parameters;
    // The server tests on the global test set; a client on all the rows it holds, training and
    // test (a few dozen rows of its own: its test rows alone would make its vote a coin toss
    // between two models a point apart).
    std::vector<fl::DataView> views;
    ClientData cd;
    if (voter == server_) {
        views.push_back(data_->globalTest());
    } else {
        const std::uint32_t k = clientIndexOf(voter);
        if (k == sim::kNone || banned(k)) return std::nullopt;
        if (attacking(k, round_)) return true;  // it wants its poisoned model through
        cd = data_->client(k);
        views = {cd.train, cd.test};
    }
    double now = 0, before = 0, rows = 0;
    for (const fl::DataView& v : views) {
        if (v.size() == 0) continue;
        const auto n = static_cast<double>(v.size());
        now += n * fl::evaluate(*model_, candidate, v).accuracy;
        before += n * fl::evaluate(*model_, accepted, v).accuracy;
        rows += n;
    }
    if (rows == 0) return std::nullopt;  // nothing of its own to test on
    return now / rows >= before / rows - cfg_.releaseTolerance;
}

std::optional<bool> Federation::banBallot(sim::NodeIndex voter, core::Governance::ProposalId id,
                                          const core::Governance::Proposal& p) {
    if (!p.node) return std::nullopt;
    const std::uint32_t target = clientIndexOf(*p.node);
    if (target == sim::kNone) return std::nullopt;
    const std::uint32_t k = voter == server_ ? sim::kNone : clientIndexOf(voter);
    if (voter != server_ && (k == sim::kNone || banned(k))) return std::nullopt;
    if (k != sim::kNone && attacking(k, round_) && malicious_[target]) return false;
    // Every honest voter reads the same final records and runs the same trace: the server's,
    // kept with the proposal.
    const auto it = traced_.find(id);
    if (it == traced_.end()) return std::nullopt;
    return std::find(it->second.begin(), it->second.end(), net_->nodeName(*p.node)) !=
           it->second.end();
}

void Federation::onRelease(const core::Governance::Decision& d) {
    const auto it = releases_.find(d.id);
    if (it == releases_.end()) return;
    const Release release = std::move(it->second);
    releases_.erase(it);
    const std::string round = "round " + std::to_string(release.round);
    if (release.lineage != lineage_) {
        sim_->trace(server_, "federated",
                    "release vote on the model of " + round +
                        " ignored: it was made on a model "
                        "since rejected");
        return;
    }
    if (d.passed) {
        sim_->metrics().add(m_.releasesAccepted, 1);
        accepted_ = release.state;
        acceptedRound_ = release.round;
        sim_->trace(server_, "federated", "the model of " + round + " is accepted by vote");
        return;
    }
    sim_->metrics().add(m_.releasesRejected, 1);
    sim_->metrics().add(m_.rollbacks, 1);
    strategy_->restore(accepted_);
    ++lineage_;
    sim_->trace(server_, "federated",
                "the model of " + round + " is " + d.outcome + ": back to the model of round " +
                    std::to_string(acceptedRound_) + "; rounds made on it are dropped");
    if (cfg_.banCulprits) proposeBans(release.round);
}

void Federation::proposeBans(std::uint64_t upTo) {
    if (ledger_ == nullptr) return;
    core::LedgerService::Query q;
    q.topic = std::string(core::RoundAudit::kTopic);
    std::vector<core::RoundAudit> rounds;
    for (const core::LedgerService::Entry& e : ledger_->query(q))
        if (auto a = core::decodeRoundAudit(e.tx.content);
            a && a->layer == "federated" && a->server == net_->nodeName(server_))
            rounds.push_back(std::move(a).value());
    core::TraceOptions options;
    for (const core::RoundAudit& a : rounds)
        if (a.round > acceptedRound_ && a.round <= upTo) options.rounds.push_back(a.round);
    if (options.rounds.empty()) return;
    const core::TraceResult trace = core::traceAnomaly(rounds, options);
    std::vector<std::string> named;
    for (const core::TraceSuspect& s : trace.suspects)
        named.push_back(s.node);
    for (const core::TraceSuspect& s : trace.suspects) {
        const sim::NodeIndex n = net_->findNode(s.node);
        const std::uint32_t k = clientIndexOf(n);
        if (k == sim::kNone || banned_[k] || banProposed_[k]) continue;
        core::Governance::Proposal p;
        p.proposer = server_;
        p.topic = std::string(kBanTopic);
        p.node = n;
        p.text = "ban " + s.node + ": " + s.evidence;
        auto id = governance_->propose(p);
        if (!id) continue;
        banProposed_[k] = 1;
        traced_[id.value()] = named;
    }
    if (trace.suspects.empty())
        sim_->trace(server_, "federated",
                    "the trace of rounds " + std::to_string(acceptedRound_ + 1) + " to " +
                        std::to_string(upTo) + " names nobody" +
                        (trace.notes.empty() ? "" : ": " + trace.notes.front()));
}

void Federation::onBan(const core::Governance::Decision& d) {
    if (!d.proposal.node) return;
    const std::uint32_t k = clientIndexOf(*d.proposal.node);
    if (k == sim::kNone) return;
    banProposed_[k] = 0;
    if (!d.passed || banned_[k]) return;
    banned_[k] = 1;
    sim_->metrics().add(m_.banned, 1);
    showAtRest(k);
    sim_->trace(clients_[k], "federated", "banned by vote: not selected again");
}

}  // namespace dais::layers::federated
