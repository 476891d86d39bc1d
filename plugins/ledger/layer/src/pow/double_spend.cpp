// A double-spending attacker: pre-mine a block, pay, mine in secret, publish once the merchant
// has accepted and the secret branch is longer, or give up far behind.
#include "pow/double_spend.h"

namespace dais::layers::ledger {

DoubleSpender::DoubleSpender(BlockRelay& relay, std::uint32_t node, std::uint64_t confirmations,
                             std::uint64_t giveUpBehind)
    : relay_(relay), node_(node), confirmations_(confirmations), giveUpBehind_(giveUpBehind) {
    relay_.withhold(node_, [this](BlockId b) { heard(b); });
}

void DoubleSpender::found(BlockId b) {
    if (!attacking_) {
        // The pre-mined block: the attempt starts, and the payment goes out to the network.
        attacking_ = true;
        forkedAt_ = relay_.tree().parent(b);
        return;
    }
    settle();
}

void DoubleSpender::heard(BlockId b) {
    const auto& tree = relay_.tree();
    if (tree.chainWork(b) <= tree.chainWork(public_)) return;
    public_ = b;
    if (!attacking_) {  // between attempts it mines on the public tip
        relay_.follow(node_, b);
        return;
    }
    settle();
}

/// Publishes when the merchant has accepted and the secret branch is longer; gives up when it
/// is hopelessly behind.
void DoubleSpender::settle() {
    const auto& tree = relay_.tree();
    const BlockId mine = relay_.tip(node_);
    const std::uint64_t base = tree.height(forkedAt_);
    const std::uint64_t secret = tree.height(mine) - base;
    // The honest branch since the fork (public_ may not descend from forkedAt_ if the network
    // itself forked; its height still counts the work the merchant sees).
    const std::uint64_t honest = tree.height(public_) > base ? tree.height(public_) - base : 0;
    const bool accepted = honest >= confirmations_;
    if (accepted && secret > honest) {
        relay_.publish(node_, mine);
        ++successes_;
        attacking_ = false;
        return;
    }
    if (honest >= secret + giveUpBehind_) {
        ++failures_;
        attacking_ = false;
        relay_.follow(node_, public_);
    }
}

}  // namespace dais::layers::ledger
