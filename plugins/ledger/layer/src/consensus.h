#pragma once
// What a consensus rule is to the rest of the ledger layer: it decides who makes the next block
// and when (BlockRelay::produce), what a block weighs in the fork choice, and when a block is
// final in a node's view. One folder each (pow/, bft/, ...).
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "dais/ledger/block_tree.h"

namespace dais::layers::ledger {

class Consensus {
  public:
    virtual ~Consensus() = default;
    /// The run begins: schedule the first block.
    virtual void start() = 0;
    /// Node p (a dense ledger index) now follows `tip`.
    virtual void tipChanged(std::uint32_t /*p*/, dais::ledger::BlockId /*tip*/) {}
    /// Whether block b is final for node p, whose tip is `tip` (b on its chain).
    virtual bool final(std::uint32_t p, dais::ledger::BlockId b,
                       dais::ledger::BlockId tip) const = 0;
    /// A node went down or came back.
    virtual void nodeUp(std::uint32_t /*p*/, bool /*up*/) {}

    /// Called when blocks may have become final for node p other than by a change of its tip
    /// (a BFT commit on a quorum certificate): (node p).
    void onFinality(std::function<void(std::uint32_t)> listener) {
        finalityListeners_.push_back(std::move(listener));
    }

  protected:
    void finalityChanged(std::uint32_t p) const {
        for (const auto& listener : finalityListeners_)
            listener(p);
    }

  private:
    std::vector<std::function<void(std::uint32_t)>> finalityListeners_;
};

}  // namespace dais::layers::ledger
