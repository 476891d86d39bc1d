// Selfish mining: Eyal and Sirer's state machine over the private and public branches.
#include "pow/selfish_mining.h"

namespace dais::layers::ledger {

SelfishMiner::SelfishMiner(BlockRelay& relay, std::uint32_t node) : relay_(relay), node_(node) {
    relay_.withhold(node_, [this](BlockId b) { heard(b); });
}

std::uint64_t SelfishMiner::branchLength() const {
    const auto& tree = relay_.tree();
    const BlockId mine = relay_.tip(node_);
    return tree.height(mine) - tree.height(tree.commonAncestor(mine, public_));
}

void SelfishMiner::found(BlockId b) {
    const auto& tree = relay_.tree();
    // The lead before this block; a tie of one block each is the race it now wins.
    const std::int64_t lead = static_cast<std::int64_t>(tree.height(tree.parent(b))) -
                              static_cast<std::int64_t>(tree.height(public_));
    if (lead == 0 && branchLength() == 2) relay_.publish(node_, b);
}

void SelfishMiner::heard(BlockId b) {
    const auto& tree = relay_.tree();
    if (tree.chainWork(b) <= tree.chainWork(public_)) return;  // not a longer public chain
    const BlockId mine = relay_.tip(node_);
    const std::int64_t lead = static_cast<std::int64_t>(tree.height(mine)) -
                              static_cast<std::int64_t>(tree.height(public_));
    public_ = b;
    if (tree.isAncestor(mine, b) || lead <= 0) {  // nothing kept back that could win: theirs
        relay_.follow(node_, b);
        return;
    }
    if (lead == 1 || lead == 2) {  // a race on even terms, or a win: publish everything
        relay_.publish(node_, mine);
        return;
    }
    // Far ahead: publish as much as they have, keep the rest.
    relay_.publish(node_, tree.ancestorAt(mine, tree.height(b)));
}

}  // namespace dais::layers::ledger
