#pragma once
// Money, for every layer with an economy (a compute market, a ledger, agents): accounts with
// integer balances in the smallest unit of one named token, and the movements between them:
// transfer, hold in escrow and release or refund, mint and burn, each with a reason and the
// simulated time. It is the "payments" service: a ledger layer may provide it with on-chain
// settlement (confirmation latency, fees, failure when partitioned); a run in which no layer
// does gets InstantPayments, which settles at once, off-chain.
//
// Amounts are integers (as wei are to ether): a sum of a million transfers is exact, and
// conservation (balances plus escrow equal minted minus burned) holds to the unit, so it is
// checked at the end of every run.

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "dais/core/result.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

/// An amount in the token's smallest unit.
using Amount = std::int64_t;
/// An account: node n's is n; system accounts ("treasury", "escrow", "burn") follow the nodes.
using AccountId = std::uint32_t;
/// Money held in escrow, from one account, until it is released or refunded.
using HoldId = std::uint64_t;

/// The token a run's money is counted in.
struct Token {
    std::string symbol = "DAIS";
    int decimals = 6;  ///< smallest units per whole token: 10^decimals (0 to 18)
};

/// "12.5 DAIS" for 12,500,000 units of a 6-decimal token: whole tokens with the digits grouped,
/// the fraction without trailing zeros.
std::string amountText(Amount amount, const Token& token);

/// The smallest units of "12.5" whole tokens (digits, optionally a point and at most
/// token.decimals more digits), exactly: 12,500,000 for a 6-decimal token. Refused, with a
/// message that says why: anything else, more decimals than the token has, more than the
/// largest amount (Payments::kMaxAmount units).
Result<Amount> parseAmount(std::string_view text, const Token& token);
/// Whether `symbol` can name a token: 1 to 12 letters and digits, starting with a letter.
bool validTokenSymbol(std::string_view symbol);

enum class MovementKind : std::uint8_t { Transfer, Hold, Release, Refund, Mint, Burn };
/// "transfer", "hold", "release", "refund", "mint", "burn".
std::string_view movementKindName(MovementKind kind);

/// One movement of money, as it settled.
struct Movement {
    sim::SimTime time = 0;
    AccountId from = 0, to = 0;  ///< kNoAccount where there is none (a mint's from, a burn's to)
    Amount amount = 0;
    HoldId hold = 0;           ///< the hold it made, released or refunded; 0 for others
    std::uint32_t reason = 0;  ///< index into Payments::reasonText
    MovementKind kind = MovementKind::Transfer;
};

/// How a movement accepted by the service ended.
struct Settlement {
    bool settled = false;  ///< false: it failed after it was accepted (on a ledger)
    sim::SimTime at = 0;
    std::string failure;  ///< why it failed
};
using Settled = std::function<void(const Settlement&)>;

/// The "payments" service.
class Payments : public Service {
  public:
    static constexpr std::string_view kId = "payments";
    static constexpr AccountId kNoAccount = std::numeric_limits<AccountId>::max();
    static constexpr Amount kMaxAmount = std::numeric_limits<Amount>::max();

    virtual const Token& token() const = 0;

    // --- accounts ----------------------------------------------------------------------------
    /// Node `n`'s account (every node has one from the start).
    virtual AccountId nodeAccount(sim::NodeIndex n) const = 0;
    /// The system account called `name` ("treasury", "escrow", "burn"), opened on first use.
    virtual AccountId systemAccount(std::string_view name) = 0;
    virtual std::size_t accountCount() const = 0;
    /// "node 12" or the system account's name.
    virtual std::string accountName(AccountId account) const = 0;
    /// The balance, or an error for an account that does not exist.
    virtual Result<Amount> balance(AccountId account) const = 0;
    /// What hold `hold` still holds (0 once released or refunded), or an error if unknown.
    virtual Result<Amount> held(HoldId hold) const = 0;

    // --- movements ---------------------------------------------------------------------------
    // A movement the service refuses at once (an unknown account or hold, an amount that is not
    // positive, an overdraft, a balance beyond kMaxAmount) is returned as an error naming the
    // accounts and amounts, and nothing moves. An accepted one settles, and `done`, when given,
    // hears how it ended: at once here, later (or failed) on a ledger.

    virtual Result<void> transfer(AccountId from, AccountId to, Amount amount,
                                  std::string_view reason, Settled done = {}) = 0;
    /// Takes `amount` from `from` into escrow; the hold's id.
    virtual Result<HoldId> hold(AccountId from, Amount amount, std::string_view reason,
                                Settled done = {}) = 0;
    /// Pays `amount` of the hold to `to` and gives what is left back to its payer; the hold is
    /// then closed. `amount` may be 0 (all refunded) up to the amount held.
    virtual Result<void> release(HoldId hold, AccountId to, Amount amount, std::string_view reason,
                                 Settled done = {}) = 0;
    /// Gives the whole hold back to its payer and closes it.
    virtual Result<void> refund(HoldId hold, std::string_view reason, Settled done = {}) = 0;
    /// New money for `to`.
    virtual Result<void> mint(AccountId to, Amount amount, std::string_view reason,
                              Settled done = {}) = 0;
    /// Money taken out of circulation from `from`.
    virtual Result<void> burn(AccountId from, Amount amount, std::string_view reason,
                              Settled done = {}) = 0;

    // --- what happened -----------------------------------------------------------------------
    struct Totals {
        Amount minted = 0, burned = 0;
        Amount balances = 0;  ///< the sum of every account's balance
        Amount escrowed = 0;  ///< held and not yet released or refunded
        std::uint64_t movements = 0, transfers = 0;
        Amount volume = 0;  ///< the sum of the transfers' and releases' amounts paid
    };
    virtual Totals totals() const = 0;
    /// The movements kept, oldest first (a provider may keep only the most recent; totals and
    /// conservation count every movement).
    virtual std::span<const Movement> movements() const = 0;
    virtual std::string_view reasonText(std::uint32_t reason) const = 0;

    /// Conservation: balances + escrow = minted - burned. The error gives both sides.
    Result<void> checkConservation() const;
};

}  // namespace dais::core
