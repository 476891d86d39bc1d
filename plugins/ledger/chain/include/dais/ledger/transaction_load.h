#pragma once
// The everyday transactions of a ledger (payments between users that no layer of the run
// makes), as a model that scales to 10,000 nodes: they are counted, not carried one by one.
//
// They arrive as a Poisson process over the whole network, each in one of a few fee classes
// (a fee rate in tokens per byte and a share of the arrivals) with the same mean size. A
// transaction reaches node i a fixed relay lag after it arrives (the lag of i, from 0 to the
// spread of relay: Bitcoin's trickled announcements take a few seconds to cover the network),
// so a node's mempool at time t holds the transactions that arrived up to t minus its lag,
// less those the chain it follows has already taken. What a chain has taken is kept per block
// as running totals by class, so a fork's blocks give their transactions back to the mempool
// of whoever leaves it, exactly, without a list per node.
//
// A block takes from its producer's mempool the best-paying classes first, up to its size. A
// node that receives a compact block lacks the transactions it took that had not reached that
// node yet: those that arrived between the receiver's horizon and the producer's (missing()).

#include <cstdint>
#include <deque>
#include <vector>

#include "dais/sim/rng.h"
#include "dais/sim/time.h"

namespace dais::ledger {

struct FeeClass {
    double feeRate = 0;  ///< tokens (smallest units) per byte
    double share = 0;    ///< of the arrivals, > 0
};

/// Counts of transactions by fee class: running totals along a chain, or a block's take.
struct ClassCounts {
    std::vector<std::uint64_t> count;
    std::uint64_t total() const;
};

class TransactionLoad {
  public:
    struct Settings {
        double ratePerSecond = 0;  ///< arrivals over the whole network; 0: none
        double meanBytes = 250;    ///< a transaction's size on the wire
        std::vector<FeeClass> classes{{1, 1}};
        sim::SimTime spread = 0;  ///< the largest relay lag (the oldest arrival a query needs)
    };
    TransactionLoad(Settings settings, sim::RngStream rng);

    std::size_t classes() const { return settings_.classes.size(); }
    const FeeClass& feeClass(std::size_t c) const { return settings_.classes[c]; }
    double meanBytes() const { return settings_.meanBytes; }

    /// Generates the arrivals up to `now` and forgets those older than now - spread. Called with
    /// times that never decrease.
    void advance(sim::SimTime now);
    /// Transactions of class c that arrived at or before `t` (now - spread <= t <= now).
    std::uint64_t arrived(std::size_t c, sim::SimTime t) const;

    /// What a block of at most `capacityBytes` of transactions takes, best class first, from a
    /// mempool of the arrivals up to `horizon` less what the chain has taken (`taken`, running
    /// totals of the block it extends). `reservedBytes`: room already used by other
    /// transactions (records the layers make).
    ClassCounts fill(sim::SimTime horizon, const ClassCounts& taken, std::uint64_t capacityBytes,
                     std::uint64_t reservedBytes) const;
    /// Of a block's take `take` made at `producerHorizon` on a chain that had taken `before`,
    /// how many a node whose horizon is `receiverHorizon` has not heard of: per class, the
    /// arrivals between the two horizons, in the proportion the block took of what was there.
    std::uint64_t missing(const ClassCounts& take, const ClassCounts& before,
                          sim::SimTime producerHorizon, sim::SimTime receiverHorizon) const;

  private:
    Settings settings_;
    sim::RngStream rng_;
    sim::CategoricalSampler classOf_;
    double meanGapNs_ = 0;
    sim::SimTime next_ = 0;  // the next arrival, not yet counted
    // Per class: the times of the arrivals not yet forgotten, oldest first, and how many were
    // forgotten before them.
    std::vector<std::deque<sim::SimTime>> window_;
    std::vector<std::uint64_t> before_;
};

}  // namespace dais::ledger
