#pragma once
// Selfish mining (Eyal and Sirer, "Majority is not Enough", FC 2014, Algorithm 1): a miner that
// keeps its blocks back and publishes them only to orphan the honest miners' work. Its lead is
// the length of its private branch over the public one since they forked:
// - it finds a block: it keeps it, unless the two branches were tied with one block each, when
//   it publishes and wins the race;
// - the others find one: with no lead it gives up and mines on theirs; with a lead of 1 it
//   publishes its block and races (the honest miners that see its block first, a share gamma,
//   mine on it); with a lead of 2 it publishes all and wins; with more, it publishes the block
//   that matches their height and keeps the rest.
#include <cstdint>

#include "block_relay.h"

namespace dais::layers::ledger {

class SelfishMiner {
  public:
    SelfishMiner(BlockRelay& relay, std::uint32_t node);
    /// It found block b (made kept back, on its private tip).
    void found(BlockId b);
    std::uint32_t node() const { return node_; }

  private:
    void heard(BlockId b);
    std::uint64_t branchLength() const;

    BlockRelay& relay_;
    std::uint32_t node_;
    BlockId public_ = 0;  // the best block the others have shown it
};

}  // namespace dais::layers::ledger
