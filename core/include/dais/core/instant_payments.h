#pragma once
// The payments service of a run without a ledger: every movement settles at once, off-chain,
// at the simulation's current time. Balances are a vector indexed by account; holds a vector
// indexed by hold id; reasons are interned, so a movement costs a few array operations.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dais/core/payments.h"
#include "dais/sim/simulation.h"

namespace dais::core {

class InstantPayments final : public Payments {
  public:
    /// The movements kept in memory by default: the most recent 2^20 (about 40 MB at most).
    static constexpr std::size_t kDefaultKeptMovements = std::size_t{1} << 20;

    /// `nodes` node accounts, all at 0. `sim` gives each movement its time; it may be null
    /// (time 0), as in tests and benchmarks.
    InstantPayments(Token token, std::size_t nodes, const sim::Simulation* sim = nullptr,
                    std::size_t keptMovements = kDefaultKeptMovements);

    const Token& token() const override { return token_; }
    AccountId nodeAccount(sim::NodeIndex n) const override;
    AccountId systemAccount(std::string_view name) override;
    std::size_t accountCount() const override { return balances_.size(); }
    std::string accountName(AccountId account) const override;
    Result<Amount> balance(AccountId account) const override;
    Result<Amount> held(HoldId hold) const override;

    Result<void> transfer(AccountId from, AccountId to, Amount amount, std::string_view reason,
                          Settled done = {}) override;
    Result<HoldId> hold(AccountId from, Amount amount, std::string_view reason,
                        Settled done = {}) override;
    Result<void> release(HoldId hold, AccountId to, Amount amount, std::string_view reason,
                         Settled done = {}) override;
    Result<void> refund(HoldId hold, std::string_view reason, Settled done = {}) override;
    Result<void> mint(AccountId to, Amount amount, std::string_view reason,
                      Settled done = {}) override;
    Result<void> burn(AccountId from, Amount amount, std::string_view reason,
                      Settled done = {}) override;

    Totals totals() const override { return totals_; }
    std::span<const Movement> movements() const override { return log_; }
    std::string_view reasonText(std::uint32_t reason) const override;
    /// Movements no longer kept (the oldest, dropped to bound memory).
    std::uint64_t droppedMovements() const { return dropped_; }

    /// Defines payments.supply (whole tokens in circulation), payments.transfers,
    /// payments.volume (whole tokens paid by transfers and releases) and, when `metrics` holds
    /// node values for every node account (the network's metrics do), payments.balance (each
    /// node's balance in whole tokens, node-scoped) in `metrics`, and keeps them current with
    /// every movement.
    void attachMetrics(sim::Metrics& metrics);

  private:
    struct Hold {
        AccountId from = 0;
        Amount amount = 0;  // 0 once closed
    };
    sim::SimTime now() const { return sim_ != nullptr ? sim_->now() : 0; }
    Error refusal(std::string_view what, std::string_view reason) const;
    /// Checks that `account` exists.
    Result<void> known(AccountId account, std::string_view reason) const;
    /// Checks an amount (> 0, or >= 0 when `zeroAllowed`).
    Result<void> positive(Amount amount, std::string_view reason, bool zeroAllowed = false) const;
    /// Checks that `account` has `amount` to give.
    Result<void> covers(AccountId account, Amount amount, std::string_view reason) const;
    /// Checks that `account` can receive `amount` without passing kMaxAmount.
    Result<void> fits(AccountId account, Amount amount, std::string_view reason) const;
    std::uint32_t intern(std::string_view reason);
    void record(MovementKind kind, AccountId from, AccountId to, Amount amount, HoldId hold,
                std::string_view reason, const Settled& done);

    Token token_;
    std::size_t nodes_;
    const sim::Simulation* sim_;
    std::size_t kept_;
    std::vector<Amount> balances_;
    std::vector<std::string> systemNames_;  // of accounts nodes_, nodes_ + 1, ...
    std::vector<Hold> holds_;               // hold id h is holds_[h - 1]
    std::vector<Movement> log_;
    std::uint64_t dropped_ = 0;
    std::vector<std::string> reasons_;
    std::unordered_map<std::string, std::uint32_t> reasonIndex_;
    std::string lastReason_;  // the most recent reason and its index: repeats skip the hash
    std::uint32_t lastReasonIndex_ = 0;
    Totals totals_;
    sim::Metrics* metrics_ = nullptr;
    sim::MetricId supplyMetric_ = 0, transfersMetric_ = 0, volumeMetric_ = 0, balanceMetric_ = 0;
    bool nodeBalances_ = false;  // payments.balance is kept
    double unitsPerToken_ = 1;
};

}  // namespace dais::core
