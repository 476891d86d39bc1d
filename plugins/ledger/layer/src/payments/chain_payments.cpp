// The payments of chain_payments.h: movements checked when asked, recorded on the chain, applied
// to the settled state in order once final.
#include "chain_payments.h"

#include <nlohmann/json.hpp>

#include "block_relay.h"
#include "dais/core/digest.h"

namespace dais::layers::ledger {

namespace {

constexpr std::uint64_t kHoldQueue = std::uint64_t{1} << 40;
constexpr std::uint64_t kOwnQueue = std::uint64_t{2} << 40;

core::Error refused(const std::string& what, std::string_view reason) {
    return core::Error{"payments: " + what + " (for \"" + std::string(reason) + "\")"};
}

}  // namespace

ChainPayments::ChainPayments(core::Token token, std::size_t nodes, const sim::Simulation* sim)
    : settled_(std::move(token), nodes, sim), incoming_(nodes, 0), outgoing_(nodes, 0) {}

void ChainPayments::setUp(core::LayerContext& ctx, const Metrics& m, core::LedgerService& ledger,
                          const BlockRelay& relay) {
    sim_ = &ctx.simulation();
    net_ = &ctx.network();
    m_ = &m;
    ledger_ = &ledger;
    relay_ = &relay;
    treasuryNode_ = relay.node(0);
    settled_.attachMetrics(sim_->metrics());
}

core::AccountId ChainPayments::systemAccount(std::string_view name) {
    const core::AccountId a = settled_.systemAccount(name);
    if (a >= incoming_.size()) {
        incoming_.resize(a + 1, 0);
        outgoing_.resize(a + 1, 0);
    }
    return a;
}

core::Result<core::Amount> ChainPayments::held(core::HoldId hold) const {
    if (hold == 0 || hold > holds_.size())
        return core::Error{"payments: no hold " + std::to_string(hold)};
    const Hold& h = holds_[hold - 1];
    if (h.settled != 0) return settled_.held(h.settled);
    return h.failed ? 0 : h.amount;
}

core::Amount ChainPayments::available(core::AccountId account) const {
    return *settled_.balance(account) + incoming_[account] - outgoing_[account];
}

core::Result<void> ChainPayments::check(core::AccountId account, std::string_view reason) const {
    if (account < settled_.accountCount()) return {};
    return refused("no account " + std::to_string(account), reason);
}

sim::NodeIndex ChainPayments::operatorNode() const {
    if (net_->nodeUp(treasuryNode_)) return treasuryNode_;
    for (std::uint32_t p = 0; p < relay_->size(); ++p)
        if (relay_->up(p)) return relay_->node(p);
    return sim::kNone;
}

core::Result<sim::NodeIndex> ChainPayments::signer(core::AccountId account,
                                                   std::string_view reason) const {
    if (account >= net_->nodeCount()) {  // a system account: the first ledger node that is up
        const sim::NodeIndex n = operatorNode();
        if (n == sim::kNone) return refused("no node that runs the ledger is up", reason);
        return n;
    }
    if (!net_->nodeUp(account))
        return refused(
            net_->nodeName(account) + ", which signs for " + accountName(account) + ", is down",
            reason);
    return account;
}

core::Result<sim::NodeIndex> ChainPayments::closer(const Hold& h, core::AccountId to,
                                                   std::string_view reason) const {
    // Escrow is a contract: whoever is owed calls it (the payee claims, else the payer takes
    // back), or a ledger node that is up for the system accounts.
    for (const core::AccountId a : {to, h.payer})
        if (a != kNoAccount && a < net_->nodeCount() && net_->nodeUp(a)) return a;
    const sim::NodeIndex n = operatorNode();
    if (n == sim::kNone)
        return refused("nobody who could close the hold (payee, payer, a ledger node) is up",
                       reason);
    return n;
}

std::uint64_t ChainPayments::queueOf(const Pending& p, std::size_t index) {
    switch (p.kind) {
        case core::MovementKind::Release:
        case core::MovementKind::Refund:
            return kHoldQueue + p.hold;
        case core::MovementKind::Mint:  // pays nobody's money: waits for nothing
            return kOwnQueue + index;
        default:
            return p.from;
    }
}

std::size_t ChainPayments::submit(Pending p, sim::NodeIndex signer) {
    const std::size_t index = pending_.size();
    p.submittedAt = sim_->now();
    nlohmann::json j;
    j["n"] = index;  // two equal payments are two transactions
    j["kind"] = std::string(core::movementKindName(p.kind));
    if (p.from != kNoAccount) j["from"] = accountName(p.from);
    if (p.to != kNoAccount) j["to"] = accountName(p.to);
    j["amount"] = p.amount;
    if (p.hold != 0) j["hold"] = p.hold;
    j["reason"] = p.reason;
    core::LedgerService::Transaction tx;
    tx.from = signer;
    tx.topic = "payments." + std::string(core::movementKindName(p.kind));
    tx.content = j.dump();
    tx.digest = core::sha256(tx.content);
    const std::uint64_t queue = queueOf(p, index);
    pending_.push_back(std::move(p));
    queues_[queue].push_back(index);
    sim_->metrics().add(m_->paymentsSubmitted, 1);
    ledger_->record(tx,
                    [this, index](const core::LedgerService::Receipt& r) { receipt(index, r); });
    return index;
}

void ChainPayments::receipt(std::size_t index, const core::LedgerService::Receipt& r) {
    Pending& p = pending_[index];
    if (p.state != State::Waiting) return;
    if (r.final())
        p.state = State::Final;
    else
        end(index, false, "its record was not final: " + r.reason);
    drain(queueOf(pending_[index], index));
}

void ChainPayments::drain(std::uint64_t q) {
    const auto it = queues_.find(q);
    if (it == queues_.end()) return;
    std::deque<std::size_t>& queue = it->second;  // a nested drain adds or drops other queues
    while (!queue.empty()) {
        const std::size_t i = queue.front();
        Pending& p = pending_[i];
        if (p.state == State::Done) {
            queue.pop_front();
            continue;
        }
        if (p.state != State::Final) break;
        // Read before end(): a caller told of the end may ask for more, growing pending_.
        const core::MovementKind kind = p.kind;
        const core::HoldId hold = p.hold;
        if (kind == core::MovementKind::Release || kind == core::MovementKind::Refund) {
            const Hold& h = holds_[hold - 1];
            if (h.failed) {
                end(i, false, "its hold never settled");
                continue;
            }
            if (h.settled == 0) break;  // the hold is on its way
        }
        const core::Result<void> applied = applySettled(p);
        end(i, applied.ok(), applied.ok() ? std::string() : applied.error().message);
        if (kind == core::MovementKind::Hold) drain(kHoldQueue + hold);
    }
    if (queue.empty()) queues_.erase(it);
}

core::Result<void> ChainPayments::applySettled(Pending& p) {
    switch (p.kind) {
        case core::MovementKind::Transfer:
            return settled_.transfer(p.from, p.to, p.amount, p.reason);
        case core::MovementKind::Hold: {
            auto id = settled_.hold(p.from, p.amount, p.reason);
            if (!id) return id.error();
            holds_[p.hold - 1].settled = id.value();
            return {};
        }
        case core::MovementKind::Release:
            return settled_.release(holds_[p.hold - 1].settled, p.to, p.amount, p.reason);
        case core::MovementKind::Refund:
            return settled_.refund(holds_[p.hold - 1].settled, p.reason);
        case core::MovementKind::Mint:
            return settled_.mint(p.to, p.amount, p.reason);
        case core::MovementKind::Burn:
            return settled_.burn(p.from, p.amount, p.reason);
    }
    return core::Error{"payments: unknown movement"};
}

void ChainPayments::end(std::size_t i, bool settled, std::string why) {
    Pending& p = pending_[i];
    // What it reserved is settled or given up.
    switch (p.kind) {
        case core::MovementKind::Transfer:
            outgoing_[p.from] -= p.amount;
            incoming_[p.to] -= p.amount;
            break;
        case core::MovementKind::Hold:
            outgoing_[p.from] -= p.amount;
            if (!settled) holds_[p.hold - 1].failed = true;
            break;
        case core::MovementKind::Release:
        case core::MovementKind::Refund: {
            Hold& h = holds_[p.hold - 1];
            if (p.to != kNoAccount) incoming_[p.to] -= p.amount;
            incoming_[h.payer] -= h.amount - p.amount;
            if (!settled) h.closing = false;  // it may be released or refunded again
            break;
        }
        case core::MovementKind::Mint:
            incoming_[p.to] -= p.amount;
            break;
        case core::MovementKind::Burn:
            outgoing_[p.from] -= p.amount;
            break;
    }
    p.state = State::Done;
    sim::Metrics& M = sim_->metrics();
    M.add(settled ? m_->paymentsSettled : m_->paymentsFailed, 1);
    if (settled) M.observe(m_->paymentLatency, sim::toSeconds(sim_->now() - p.submittedAt));
    if (!settled)
        sim_->trace(p.from < net_->nodeCount() ? p.from : treasuryNode_, "ledger",
                    "payment failed (" + p.reason + "): " + why);
    if (p.done) {
        const core::Settled done = std::move(p.done);
        done(core::Settlement{settled, sim_->now(), std::move(why)});
    }
}

// --- the movements ---------------------------------------------------------------------------

core::Result<void> ChainPayments::transfer(core::AccountId from, core::AccountId to,
                                           core::Amount amount, std::string_view reason,
                                           core::Settled done) {
    if (!started()) return settled_.transfer(from, to, amount, reason, std::move(done));
    if (auto ok = check(from, reason); !ok) return ok;
    if (auto ok = check(to, reason); !ok) return ok;
    if (amount <= 0) return refused("an amount must be positive", reason);
    if (available(from) < amount)
        return refused(accountName(from) + " has " + core::amountText(available(from), token()) +
                           " to spend (settled and on its way), less than the " +
                           core::amountText(amount, token()) + " asked",
                       reason);
    auto by = signer(from, reason);
    if (!by) return by.error();
    outgoing_[from] += amount;
    incoming_[to] += amount;
    submit(
        {core::MovementKind::Transfer, from, to, amount, 0, std::string(reason), std::move(done)},
        by.value());
    return {};
}

core::Result<core::HoldId> ChainPayments::hold(core::AccountId from, core::Amount amount,
                                               std::string_view reason, core::Settled done) {
    if (!started()) {
        auto id = settled_.hold(from, amount, reason, std::move(done));
        if (!id) return id.error();
        holds_.push_back({from, amount, id.value(), false, false});
        return static_cast<core::HoldId>(holds_.size());
    }
    if (auto ok = check(from, reason); !ok) return ok.error();
    if (amount <= 0) return refused("an amount must be positive", reason);
    if (available(from) < amount)
        return refused(accountName(from) + " has " + core::amountText(available(from), token()) +
                           " to spend (settled and on its way), less than the " +
                           core::amountText(amount, token()) + " to hold",
                       reason);
    auto by = signer(from, reason);
    if (!by) return by.error();
    holds_.push_back({from, amount, 0, false, false});
    const auto id = static_cast<core::HoldId>(holds_.size());
    outgoing_[from] += amount;
    submit({core::MovementKind::Hold, from, kNoAccount, amount, id, std::string(reason),
            std::move(done)},
           by.value());
    return id;
}

core::Result<void> ChainPayments::release(core::HoldId hold, core::AccountId to,
                                          core::Amount amount, std::string_view reason,
                                          core::Settled done) {
    if (hold == 0 || hold > holds_.size())
        return refused("no hold " + std::to_string(hold), reason);
    Hold& h = holds_[hold - 1];
    if (!started()) return settled_.release(h.settled, to, amount, reason, std::move(done));
    if (h.closing || h.failed || (h.settled != 0 && *settled_.held(h.settled) == 0))
        return refused("hold " + std::to_string(hold) + " is closed", reason);
    if (auto ok = check(to, reason); !ok) return ok;
    if (amount < 0 || amount > h.amount)
        return refused("a release must be 0 up to the " + core::amountText(h.amount, token()) +
                           " held, not " + core::amountText(amount, token()),
                       reason);
    auto by = closer(h, to, reason);
    if (!by) return by.error();
    h.closing = true;
    incoming_[to] += amount;
    incoming_[h.payer] += h.amount - amount;
    submit({core::MovementKind::Release, h.payer, to, amount, hold, std::string(reason),
            std::move(done)},
           by.value());
    return {};
}

core::Result<void> ChainPayments::refund(core::HoldId hold, std::string_view reason,
                                         core::Settled done) {
    if (hold == 0 || hold > holds_.size())
        return refused("no hold " + std::to_string(hold), reason);
    Hold& h = holds_[hold - 1];
    if (!started()) return settled_.refund(h.settled, reason, std::move(done));
    if (h.closing || h.failed || (h.settled != 0 && *settled_.held(h.settled) == 0))
        return refused("hold " + std::to_string(hold) + " is closed", reason);
    auto by = closer(h, kNoAccount, reason);
    if (!by) return by.error();
    h.closing = true;
    incoming_[h.payer] += h.amount;
    submit({core::MovementKind::Refund, h.payer, kNoAccount, 0, hold, std::string(reason),
            std::move(done)},
           by.value());
    return {};
}

core::Result<void> ChainPayments::mint(core::AccountId to, core::Amount amount,
                                       std::string_view reason, core::Settled done) {
    if (!started()) return settled_.mint(to, amount, reason, std::move(done));
    if (auto ok = check(to, reason); !ok) return ok;
    if (amount <= 0) return refused("an amount must be positive", reason);
    if (available(to) > kMaxAmount - amount)
        return refused(accountName(to) + "'s balance would pass the largest amount", reason);
    auto by = signer(kNoAccount, reason);
    if (!by) return by.error();
    incoming_[to] += amount;
    submit(
        {core::MovementKind::Mint, kNoAccount, to, amount, 0, std::string(reason), std::move(done)},
        by.value());
    return {};
}

core::Result<void> ChainPayments::burn(core::AccountId from, core::Amount amount,
                                       std::string_view reason, core::Settled done) {
    if (!started()) return settled_.burn(from, amount, reason, std::move(done));
    if (auto ok = check(from, reason); !ok) return ok;
    if (amount <= 0) return refused("an amount must be positive", reason);
    if (available(from) < amount)
        return refused(accountName(from) + " has " + core::amountText(available(from), token()) +
                           " to spend (settled and on its way), less than the " +
                           core::amountText(amount, token()) + " to burn",
                       reason);
    auto by = signer(from, reason);
    if (!by) return by.error();
    outgoing_[from] += amount;
    submit({core::MovementKind::Burn, from, kNoAccount, amount, 0, std::string(reason),
            std::move(done)},
           by.value());
    return {};
}

}  // namespace dais::layers::ledger
