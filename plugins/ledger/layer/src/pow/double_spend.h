#pragma once
// A double-spending attacker against a merchant who waits for k confirmations (Rosenfeld,
// "Analysis of Hashrate-Based Double Spending", 2014). The attacker first mines a block in
// secret on the public tip; then it pays the merchant, whose payment goes into the next honest
// block, and keeps mining its own branch, which spends the same coins elsewhere. Once the
// honest branch holds the payment under k blocks (the merchant hands over the goods) and the
// attacker's branch is longer, it publishes: every node switches to it and the payment is
// undone. It gives up when it has fallen so far behind that catching up is hopeless.
#include <cstdint>

#include "block_relay.h"

namespace dais::layers::ledger {

class DoubleSpender {
  public:
    /// `confirmations`: blocks the merchant waits for, the payment's own included;
    /// `giveUpBehind`: how many blocks behind the attacker abandons an attempt.
    DoubleSpender(BlockRelay& relay, std::uint32_t node, std::uint64_t confirmations,
                  std::uint64_t giveUpBehind);
    void found(BlockId b);
    std::uint32_t node() const { return node_; }
    /// Attempts that ended, and those that undid the payment.
    std::uint64_t ended() const { return successes_ + failures_; }
    std::uint64_t successes() const { return successes_; }

  private:
    void heard(BlockId b);
    void settle();

    BlockRelay& relay_;
    std::uint32_t node_;
    std::uint64_t confirmations_, giveUpBehind_;
    BlockId public_ = 0;    // the best block the others have shown it
    BlockId forkedAt_ = 0;  // the block both branches grow from, while it attacks
    bool attacking_ = false;
    std::uint64_t successes_ = 0, failures_ = 0;
};

}  // namespace dais::layers::ledger
