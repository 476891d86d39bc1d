#pragma once
// The payments service on the chain. Every movement after the run starts is a ledger record
// signed by the node that pays (a node account's own node; the ledger's first node that is up
// for the system accounts: treasury, escrow, burn; a release or refund by whoever is owed, as a
// call to an escrow contract), carried to the block producers, and settles when it is final: the
// payee is credited only then, and `done` hears it at that time, or hears that it failed (its
// record dropped: the payer cut off past record_timeout). What the payer could spend is checked
// when it asks, against its settled balance plus what is on its way in, less what is on its way
// out; a payer whose node is down cannot sign and is refused at once.
//
// Movements settle in the order they were asked, per paying account (as an account's nonce
// orders its transactions): a release or refund waits for its hold, a burn for the credit that
// funds it. A movement whose record is final but whose funds did not arrive (the credit it
// counted on failed) fails then. The settled state (balances, holds, the log, conservation) is
// kept by core's InstantPayments, to which final movements are applied; movements made before
// the run starts (the scenario's endowments) are the genesis allocation and settle at once.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "dais/core/instant_payments.h"
#include "dais/core/layer.h"
#include "dais/core/ledger_service.h"
#include "dais/core/payments.h"

namespace dais::layers::ledger {

class BlockRelay;

class ChainPayments final : public core::Payments {
  public:
    /// `nodes` node accounts at 0; `sim` times the movements.
    ChainPayments(core::Token token, std::size_t nodes, const sim::Simulation* sim);
    /// From now on movements go through `ledger`, signed by nodes that run it (`relay`).
    void setUp(core::LayerContext& ctx, const Metrics& m, core::LedgerService& ledger,
               const BlockRelay& relay);

    const core::Token& token() const override { return settled_.token(); }
    core::AccountId nodeAccount(sim::NodeIndex n) const override { return settled_.nodeAccount(n); }
    core::AccountId systemAccount(std::string_view name) override;
    std::size_t accountCount() const override { return settled_.accountCount(); }
    std::string accountName(core::AccountId account) const override {
        return settled_.accountName(account);
    }
    core::Result<core::Amount> balance(core::AccountId account) const override {
        return settled_.balance(account);
    }
    core::Result<core::Amount> held(core::HoldId hold) const override;

    core::Result<void> transfer(core::AccountId from, core::AccountId to, core::Amount amount,
                                std::string_view reason, core::Settled done = {}) override;
    core::Result<core::HoldId> hold(core::AccountId from, core::Amount amount,
                                    std::string_view reason, core::Settled done = {}) override;
    core::Result<void> release(core::HoldId hold, core::AccountId to, core::Amount amount,
                               std::string_view reason, core::Settled done = {}) override;
    core::Result<void> refund(core::HoldId hold, std::string_view reason,
                              core::Settled done = {}) override;
    core::Result<void> mint(core::AccountId to, core::Amount amount, std::string_view reason,
                            core::Settled done = {}) override;
    core::Result<void> burn(core::AccountId from, core::Amount amount, std::string_view reason,
                            core::Settled done = {}) override;

    Totals totals() const override { return settled_.totals(); }
    std::span<const core::Movement> movements() const override { return settled_.movements(); }
    std::string_view reasonText(std::uint32_t reason) const override {
        return settled_.reasonText(reason);
    }

  private:
    enum class State : std::uint8_t { Waiting, Final, Done };
    struct Pending {
        core::MovementKind kind = core::MovementKind::Transfer;
        core::AccountId from = kNoAccount, to = kNoAccount;
        core::Amount amount = 0;
        core::HoldId hold = 0;  // ours: the hold it makes, releases or refunds
        std::string reason;
        core::Settled done;
        sim::SimTime submittedAt = 0;
        State state = State::Waiting;
    };
    struct Hold {
        core::AccountId payer = kNoAccount;
        core::Amount amount = 0;   // asked
        core::HoldId settled = 0;  // the settled state's hold, once the hold settled
        bool closing = false;      // a release or refund was asked
        bool failed = false;       // the hold itself failed
    };

    bool started() const { return ledger_ != nullptr; }
    /// What `account` may still pay: settled, plus on its way in, less on its way out.
    core::Amount available(core::AccountId account) const;
    core::Result<void> check(core::AccountId account, std::string_view reason) const;
    /// The node that signs for the system accounts: the ledger's first node, or while it is
    /// down the first ledger node that is up; kNone when none is.
    sim::NodeIndex operatorNode() const;
    /// The node that signs for `account`, or an error when it is down.
    core::Result<sim::NodeIndex> signer(core::AccountId account, std::string_view reason) const;
    /// The node that signs a release or refund of `h` to `to`: the first of payee, payer and the
    /// ledger's first node that is up; an error when none is.
    core::Result<sim::NodeIndex> closer(const Hold& h, core::AccountId to,
                                        std::string_view reason) const;
    /// Records the movement on the chain; its index.
    std::size_t submit(Pending p, sim::NodeIndex signer);
    /// The queue movement `index` waits in: its paying account's, or its hold's.
    static std::uint64_t queueOf(const Pending& p, std::size_t index);
    void receipt(std::size_t index, const core::LedgerService::Receipt& r);
    /// Applies what can be applied at the front of queue `q`.
    void drain(std::uint64_t q);
    /// Ends movement i: settled (applied) or failed with `why`.
    void end(std::size_t i, bool settled, std::string why);
    core::Result<void> applySettled(Pending& p);

    core::InstantPayments settled_;
    sim::Simulation* sim_ = nullptr;
    const sim::Network* net_ = nullptr;
    const Metrics* m_ = nullptr;
    core::LedgerService* ledger_ = nullptr;
    const BlockRelay* relay_ = nullptr;
    sim::NodeIndex treasuryNode_ = 0;
    core::AccountId escrow_ = kNoAccount;
    std::vector<Pending> pending_;
    std::vector<Hold> holds_;                        // ours, id - 1
    std::vector<core::Amount> incoming_, outgoing_;  // per account, not yet settled
    std::map<std::uint64_t, std::deque<std::size_t>> queues_;
};

}  // namespace dais::layers::ledger
