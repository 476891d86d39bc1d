// Payments settled at once, off-chain.
#include "dais/core/instant_payments.h"

#include <algorithm>
#include <utility>

namespace dais::core {

InstantPayments::InstantPayments(Token token, std::size_t nodes, const sim::Simulation* sim,
                                 std::size_t keptMovements)
    : token_(std::move(token)),
      nodes_(nodes),
      sim_(sim),
      kept_(std::max<std::size_t>(keptMovements, 2)),
      balances_(nodes, 0) {}

AccountId InstantPayments::nodeAccount(sim::NodeIndex n) const {
    return n < nodes_ ? static_cast<AccountId>(n) : kNoAccount;
}

AccountId InstantPayments::systemAccount(std::string_view name) {
    for (std::size_t i = 0; i < systemNames_.size(); ++i)
        if (systemNames_[i] == name) return static_cast<AccountId>(nodes_ + i);
    systemNames_.emplace_back(name);
    balances_.push_back(0);
    return static_cast<AccountId>(balances_.size() - 1);
}

std::string InstantPayments::accountName(AccountId account) const {
    if (account < nodes_) return "node " + std::to_string(account);
    if (account < balances_.size()) return systemNames_[account - nodes_];
    return "account " + std::to_string(account);
}

Result<Amount> InstantPayments::balance(AccountId account) const {
    if (account >= balances_.size())
        return Error{"payments: no account " + std::to_string(account) + " (there are " +
                     std::to_string(balances_.size()) + ")"};
    return balances_[account];
}

Result<Amount> InstantPayments::held(HoldId hold) const {
    if (hold == 0 || hold > holds_.size())
        return Error{"payments: no hold " + std::to_string(hold)};
    return holds_[hold - 1].amount;
}

Error InstantPayments::refusal(std::string_view what, std::string_view reason) const {
    return Error{"payments: " + std::string(what) + " (for \"" + std::string(reason) + "\")"};
}

Result<void> InstantPayments::known(AccountId account, std::string_view reason) const {
    if (account < balances_.size()) return {};
    return refusal("no account " + std::to_string(account), reason);
}

Result<void> InstantPayments::positive(Amount amount, std::string_view reason,
                                       bool zeroAllowed) const {
    if (amount > 0 || (zeroAllowed && amount == 0)) return {};
    return refusal("an amount must be " + std::string(zeroAllowed ? "0 or more" : "positive") +
                       ", not " + amountText(amount, token_),
                   reason);
}

Result<void> InstantPayments::covers(AccountId account, Amount amount,
                                     std::string_view reason) const {
    if (balances_[account] >= amount) return {};
    return refusal(accountName(account) + " has " + amountText(balances_[account], token_) +
                       ", less than the " + amountText(amount, token_) + " asked",
                   reason);
}

Result<void> InstantPayments::fits(AccountId account, Amount amount,
                                   std::string_view reason) const {
    if (balances_[account] <= kMaxAmount - amount) return {};
    return refusal(accountName(account) + "'s balance would pass the largest amount (" +
                       amountText(kMaxAmount, token_) + ")",
                   reason);
}

void InstantPayments::attachMetrics(sim::Metrics& metrics) {
    metrics_ = &metrics;
    unitsPerToken_ = 1;
    for (int i = 0; i < std::clamp(token_.decimals, 0, 18); ++i)
        unitsPerToken_ *= 10;
    supplyMetric_ = metrics.define({"payments.supply", token_.symbol,
                                    "Money in circulation: minted less burned, in whole tokens.",
                                    sim::MetricType::Gauge, sim::MetricScope::Global});
    transfersMetric_ =
        metrics.define({"payments.transfers", "transfers", "Transfers between accounts.",
                        sim::MetricType::Counter, sim::MetricScope::Global});
    volumeMetric_ = metrics.define({"payments.volume", token_.symbol,
                                    "Money paid by transfers and released holds, in whole tokens.",
                                    sim::MetricType::Counter, sim::MetricScope::Global});
    metrics.set(supplyMetric_,
                static_cast<double>(totals_.minted - totals_.burned) / unitsPerToken_);
    nodeBalances_ = metrics.nodeCount() >= nodes_;
    if (!nodeBalances_) return;
    balanceMetric_ = metrics.define({"payments.balance", token_.symbol,
                                     "Each node's balance, in whole tokens (not counting what it "
                                     "holds in escrow); the total is what all nodes hold.",
                                     sim::MetricType::Gauge, sim::MetricScope::Node});
    for (std::size_t n = 0; n < nodes_; ++n)
        metrics.setNode(balanceMetric_, static_cast<std::uint32_t>(n),
                        static_cast<double>(balances_[n]) / unitsPerToken_);
}

std::uint32_t InstantPayments::intern(std::string_view reason) {
    if (!reasons_.empty() && reason == lastReason_) return lastReasonIndex_;
    auto it = reasonIndex_.find(std::string(reason));
    if (it == reasonIndex_.end()) {
        it = reasonIndex_.emplace(std::string(reason), static_cast<std::uint32_t>(reasons_.size()))
                 .first;
        reasons_.emplace_back(reason);
    }
    lastReason_.assign(reason);
    lastReasonIndex_ = it->second;
    return it->second;
}

std::string_view InstantPayments::reasonText(std::uint32_t reason) const {
    return reason < reasons_.size() ? std::string_view(reasons_[reason]) : std::string_view();
}

void InstantPayments::record(MovementKind kind, AccountId from, AccountId to, Amount amount,
                             HoldId hold, std::string_view reason, const Settled& done) {
    if (log_.size() >= kept_) {
        // Drop the older half: memory stays bounded and the log contiguous, at an amortised
        // cost of one move per movement.
        const std::size_t drop = log_.size() / 2;
        log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(drop));
        dropped_ += drop;
    }
    Movement m;
    m.time = now();
    m.kind = kind;
    m.from = from;
    m.to = to;
    m.amount = amount;
    m.hold = hold;
    m.reason = intern(reason);
    log_.push_back(m);
    ++totals_.movements;
    if (metrics_ != nullptr) {
        if (nodeBalances_) {
            for (AccountId a : {from, to})
                if (a < nodes_)
                    metrics_->setNode(balanceMetric_, static_cast<std::uint32_t>(a),
                                      static_cast<double>(balances_[a]) / unitsPerToken_);
        }
        const double tokens = static_cast<double>(amount) / unitsPerToken_;
        switch (kind) {
            case MovementKind::Transfer:
                metrics_->add(transfersMetric_, 1);
                metrics_->add(volumeMetric_, tokens);
                break;
            case MovementKind::Release:
                metrics_->add(volumeMetric_, tokens);
                break;
            case MovementKind::Mint:
            case MovementKind::Burn:
                metrics_->set(supplyMetric_, static_cast<double>(totals_.minted - totals_.burned) /
                                                 unitsPerToken_);
                break;
            default:
                break;
        }
    }
    if (done) done(Settlement{true, m.time, {}});
}

namespace {
/// Adds to a running total that only reports; it stops at the largest amount.
void addSaturated(Amount& total, Amount amount) {
    total = total > Payments::kMaxAmount - amount ? Payments::kMaxAmount : total + amount;
}
}  // namespace

Result<void> InstantPayments::transfer(AccountId from, AccountId to, Amount amount,
                                       std::string_view reason, Settled done) {
    if (auto r = known(from, reason); !r) return r;
    if (auto r = known(to, reason); !r) return r;
    if (auto r = positive(amount, reason); !r) return r;
    if (auto r = covers(from, amount, reason); !r) return r;
    if (from != to)
        if (auto r = fits(to, amount, reason); !r) return r;
    balances_[from] -= amount;
    balances_[to] += amount;
    ++totals_.transfers;
    addSaturated(totals_.volume, amount);
    record(MovementKind::Transfer, from, to, amount, 0, reason, done);
    return {};
}

Result<HoldId> InstantPayments::hold(AccountId from, Amount amount, std::string_view reason,
                                     Settled done) {
    if (auto r = known(from, reason); !r) return r.error();
    if (auto r = positive(amount, reason); !r) return r.error();
    if (auto r = covers(from, amount, reason); !r) return r.error();
    balances_[from] -= amount;
    totals_.balances -= amount;
    totals_.escrowed += amount;
    holds_.push_back({from, amount});
    const HoldId id = holds_.size();
    record(MovementKind::Hold, from, kNoAccount, amount, id, reason, done);
    return id;
}

Result<void> InstantPayments::release(HoldId id, AccountId to, Amount amount,
                                      std::string_view reason, Settled done) {
    if (id == 0 || id > holds_.size()) return refusal("no hold " + std::to_string(id), reason);
    Hold& h = holds_[id - 1];
    if (h.amount == 0)
        return refusal("hold " + std::to_string(id) + " was already released or refunded", reason);
    if (auto r = known(to, reason); !r) return r;
    if (auto r = positive(amount, reason, true); !r) return r;
    if (amount > h.amount)
        return refusal("hold " + std::to_string(id) + " holds " + amountText(h.amount, token_) +
                           ", less than the " + amountText(amount, token_) + " to release",
                       reason);
    if (auto r = fits(to, amount, reason); !r) return r;
    const Amount back = h.amount - amount;
    balances_[to] += amount;
    balances_[h.from] += back;
    totals_.balances += h.amount;
    totals_.escrowed -= h.amount;
    addSaturated(totals_.volume, amount);
    const AccountId payer = h.from;
    h.amount = 0;
    // A release of part of a hold is two movements, the payment and the refund of the rest;
    // `done` hears of the first.
    if (amount > 0) record(MovementKind::Release, payer, to, amount, id, reason, done);
    if (back > 0)
        record(MovementKind::Refund, kNoAccount, payer, back, id, reason,
               amount > 0 ? Settled{} : done);
    return {};
}

Result<void> InstantPayments::refund(HoldId id, std::string_view reason, Settled done) {
    if (id == 0 || id > holds_.size()) return refusal("no hold " + std::to_string(id), reason);
    return release(id, holds_[id - 1].from, 0, reason, std::move(done));
}

Result<void> InstantPayments::mint(AccountId to, Amount amount, std::string_view reason,
                                   Settled done) {
    if (auto r = known(to, reason); !r) return r;
    if (auto r = positive(amount, reason); !r) return r;
    // Every balance and hold is part of the supply, so a supply that fits keeps them all in
    // range.
    if (totals_.minted - totals_.burned > kMaxAmount - amount)
        return refusal(
            "the supply would pass the largest amount (" + amountText(kMaxAmount, token_) + ")",
            reason);
    if (totals_.minted > kMaxAmount - amount)
        return refusal("the money minted in this run would pass the largest amount (" +
                           amountText(kMaxAmount, token_) + ")",
                       reason);
    balances_[to] += amount;
    totals_.balances += amount;
    totals_.minted += amount;
    record(MovementKind::Mint, kNoAccount, to, amount, 0, reason, done);
    return {};
}

Result<void> InstantPayments::burn(AccountId from, Amount amount, std::string_view reason,
                                   Settled done) {
    if (auto r = known(from, reason); !r) return r;
    if (auto r = positive(amount, reason); !r) return r;
    if (auto r = covers(from, amount, reason); !r) return r;
    balances_[from] -= amount;
    totals_.balances -= amount;
    totals_.burned += amount;
    record(MovementKind::Burn, from, kNoAccount, amount, 0, reason, done);
    return {};
}

}  // namespace dais::core
