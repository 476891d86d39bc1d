// The DAO of dao.h: proposals and votes as ledger records, tallied at the deadline.
#include "dao.h"

#include <nlohmann/json.hpp>

#include "dais/core/digest.h"

namespace dais::layers::ledger {

namespace {

constexpr std::string_view kProposalTopic = "governance.proposal";
constexpr std::string_view kVoteTopic = "governance.vote";

}  // namespace

void Dao::setUp(core::LayerContext& ctx, const Config& cfg, const Metrics& m,
                core::LedgerService& ledger, std::vector<double> weight) {
    sim_ = &ctx.simulation();
    net_ = &ctx.network();
    cfg_ = &cfg;
    m_ = &m;
    ledger_ = &ledger;
    weight_ = std::move(weight);
    for (double w : weight_)
        totalWeight_ += w;
    deadlineKind_ = sim_->registerKind<&Dao::onDeadline>("ledger.vote_deadline", *this);
    events_ = ctx.events();
    decisionEvent_ = ctx.eventKind("ledger.decision");
}

core::Result<Dao::ProposalId> Dao::propose(const Proposal& proposal) {
    if (sim_ == nullptr) return core::Error{"the governance service is not set up yet"};
    if (!listeners_.contains(proposal.topic))
        return core::Error{"nobody acts on proposals of topic \"" + proposal.topic + "\""};
    if (proposal.proposer >= net_->nodeCount())
        return core::Error{"the proposer is not a node of the network"};
    if (!(totalWeight_ > 0)) return core::Error{"no node has a vote (voter_role, stake)"};
    const ProposalId id = entries_.size() + 1;
    Entry e;
    e.proposal = proposal;
    e.submittedAt = sim_->now();
    e.decision.id = id;
    e.decision.proposal = proposal;
    entries_.push_back(std::move(e));
    sim_->metrics().add(m_->proposals, 1);

    nlohmann::json j;
    j["proposal"] = id;
    j["topic"] = proposal.topic;
    j["node"] = proposal.node ? nlohmann::json(net_->nodeName(*proposal.node)) : nlohmann::json();
    j["subject"] =
        proposal.subject ? nlohmann::json(core::hexText(*proposal.subject)) : nlohmann::json();
    j["value"] = proposal.value;
    j["text"] = proposal.text;
    core::LedgerService::Transaction tx;
    tx.from = proposal.proposer;
    tx.topic = std::string(kProposalTopic);
    tx.content = j.dump();
    tx.digest = core::sha256(tx.content);
    sim_->trace(proposal.proposer, "ledger",
                "proposal " + std::to_string(id) + " (" + proposal.topic + "): " + proposal.text);
    ledger_->record(tx, [this, id](const core::LedgerService::Receipt& r) { open(id, r); });
    return id;
}

void Dao::subscribe(std::string_view topic, std::function<void(const Decision&)> listener) {
    auto it = listeners_.find(topic);
    if (it == listeners_.end())
        it = listeners_.emplace(std::string(topic), decltype(it->second){}).first;
    it->second.push_back(std::move(listener));
}

void Dao::setBallot(std::string_view topic, Ballot ballot) {
    auto it = ballots_.find(topic);
    if (it == ballots_.end())
        ballots_.emplace(std::string(topic), std::move(ballot));
    else
        it->second = std::move(ballot);
}

void Dao::open(ProposalId id, const core::LedgerService::Receipt& receipt) {
    Entry& e = entries_[id - 1];
    if (!receipt.final()) {
        decide(id, false, "not recorded" + (receipt.reason.empty() ? "" : ": " + receipt.reason));
        return;
    }
    e.openedAt = sim_->now();
    e.deadline = e.openedAt + cfg_->votePeriod;
    sim_->scheduleIn(cfg_->votePeriod, e.proposal.proposer, deadlineKind_, id);
    const auto ballot = ballots_.find(e.proposal.topic);
    if (ballot == ballots_.end()) return;  // every voter abstains
    // Each voter that is up judges the proposal now, in the block the vote opened with, and
    // sends its vote as a record of its own.
    for (sim::NodeIndex v = 0; v < weight_.size(); ++v) {
        if (!(weight_[v] > 0) || !net_->nodeUp(v)) continue;
        const std::optional<bool> vote = ballot->second(v, id, e.proposal);
        if (!vote) continue;
        nlohmann::json j;
        j["proposal"] = id;
        j["vote"] = *vote ? "yes" : "no";
        core::LedgerService::Transaction tx;
        tx.from = v;
        tx.topic = std::string(kVoteTopic);
        tx.content = j.dump();
        tx.digest = core::sha256(tx.content);
        const bool yes = *vote;
        ledger_->record(tx, [this, id, v, yes](const core::LedgerService::Receipt& r) {
            Entry& en = entries_[id - 1];
            if (!r.final()) return;
            if (en.decided || r.finalAt > en.deadline) {
                ++en.late;
                return;
            }
            (yes ? en.yes : en.no) += weight_[v];
            ++en.cast;
            sim_->metrics().add(m_->ballots, 1);
        });
    }
}

void Dao::onDeadline(sim::Simulation&, const sim::Event& e) {
    const ProposalId id = e.data;
    Entry& en = entries_[id - 1];
    if (en.decided) return;
    const double cast = en.yes + en.no;
    const double turnout = cast / totalWeight_;
    en.decision.yes = en.yes;
    en.decision.no = en.no;
    en.decision.turnout = turnout;
    if (turnout < cfg_->quorum)
        decide(id, false, "no quorum");
    else if (en.yes > cfg_->passShare * cast)
        decide(id, true, "passed");
    else
        decide(id, false, "rejected");
}

void Dao::decide(ProposalId id, bool passed, std::string outcome) {
    Entry& en = entries_[id - 1];
    en.decided = true;
    Decision& d = en.decision;
    d.passed = passed;
    d.decidedAt = sim_->now();
    d.outcome = std::move(outcome);
    sim::Metrics& M = sim_->metrics();
    if (passed) M.add(m_->proposalsPassed, 1);
    if (en.openedAt != sim::kTimeNever) M.observe(m_->turnout, d.turnout);
    M.observe(m_->decisionTime, sim::toSeconds(d.decidedAt - en.submittedAt));
    char line[160];
    std::snprintf(line, sizeof line, "proposal %llu (%s): %s, yes %.4g, no %.4g, turnout %.1f%%",
                  static_cast<unsigned long long>(id), d.proposal.topic.c_str(), d.outcome.c_str(),
                  d.yes, d.no, 100 * d.turnout);
    sim_->trace(d.proposal.proposer, "ledger", line);
    if (events_.on()) {
        if (d.proposal.subject)
            events_.record(decisionEvent_, d.proposal.proposer, *d.proposal.subject, line);
        else
            events_.record(decisionEvent_, d.proposal.proposer, line);
    }
    const auto it = listeners_.find(d.proposal.topic);
    if (it == listeners_.end()) return;
    const Decision copy = d;  // a listener may propose again, growing entries_
    for (const auto& listener : it->second)
        listener(copy);
}

void Dao::inspect(core::TableWriter& out) const {
    out.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        const Proposal& p = e.proposal;
        auto row = out.row();
        row.integer(static_cast<std::int64_t>(i + 1)).text(p.topic).node(p.proposer);
        if (p.node)
            row.node(*p.node);
        else
            row.none();
        row.text(p.subject ? core::shortHex(*p.subject, 16) : std::string());
        row.real(p.value).text(p.text).time(e.submittedAt);
        if (e.openedAt != sim::kTimeNever)
            row.time(e.openedAt);
        else
            row.none();
        row.real(e.yes).real(e.no).integer(e.cast).integer(e.late);
        if (e.decided)
            row.real(e.decision.turnout).time(e.decision.decidedAt).text(e.decision.outcome);
        else
            row.none().none().text("open");
    }
}

}  // namespace dais::layers::ledger
