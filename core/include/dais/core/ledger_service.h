#pragma once
// The ledger service: records on a chain of blocks, with what a consumer needs to trust them.
//
// A consumer submits a transaction that records a digest under a topic ("federated.round"),
// signed by the node it comes from; the ledger carries it over the network to whoever makes
// blocks, and calls back once it is final by the ledger's rule (k confirmations, a finality
// vote) or dropped. The receipt names the block and carries a Merkle proof of inclusion. A
// record that was final may still be reverted by a deeper reorganisation than the rule allows
// for (a 51% attack): watchers registered with onReorg hear of every reorganisation.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/payments.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

class LedgerService : public Service {
  public:
    static constexpr std::string_view kId = "ledger";

    struct Transaction {
        sim::NodeIndex from = 0;  ///< signs it (the ledger holds the node's key)
        std::string topic;        ///< what kind of record: "federated.round", "market.result"
        Digest digest{};          ///< what is recorded
        /// The record itself, carried in full for those who must read it back (an audit trail:
        /// round_audit.h); empty: only the digest is on the chain.
        std::string content;
        std::uint64_t bytes = 0;  ///< payload beyond the digest and the content, for size and fee
        Amount fee = 0;           ///< offered, in the payments token; 0: the ledger's minimum
    };

    enum class Status : std::uint8_t {
        Final,     ///< in a block that the ledger's rule considers final
        Dropped,   ///< never made it into a block (the sender was cut off, the fee too low)
        Reverted,  ///< was in a block that a reorganisation left off the chain
    };

    struct Receipt {
        Status status = Status::Dropped;
        Digest txId{};             ///< hash of the signed transaction
        std::uint64_t height = 0;  ///< of the block that holds it
        Digest blockHash{};
        Digest txRoot{};            ///< Merkle root of the block's transactions
        std::uint32_t index = 0;    ///< position in the block
        std::vector<Digest> proof;  ///< Merkle path from the transaction to txRoot
        sim::SimTime submittedAt = 0;
        sim::SimTime finalAt = 0;
        Amount fee = 0;      ///< paid
        std::string reason;  ///< why dropped or reverted
        bool final() const { return status == Status::Final; }
    };

    /// Submits a transaction; `done` is called once: final or dropped.
    virtual void record(const Transaction& tx, std::function<void(const Receipt&)> done) = 0;

    /// Which final records to list: every field set must match.
    struct Query {
        std::string topic;  ///< "" any
        std::optional<sim::NodeIndex> from;
        std::optional<Digest> digest;
        std::uint64_t fromHeight = 0;
        std::uint64_t toHeight = UINT64_MAX;
        std::size_t limit = SIZE_MAX;
    };
    struct Entry {
        Transaction tx;
        Receipt receipt;
    };
    /// Final records on the chain as it stands, oldest first.
    virtual std::vector<Entry> query(const Query& q) const = 0;
    /// Whether `receipt` proves `tx` is in the block at its height on the chain as it stands:
    /// the transaction hashes to txId, the proof leads from it to txRoot, and that block is
    /// the chain's at that height.
    virtual bool verify(const Transaction& tx, const Receipt& receipt) const = 0;

    /// The chain switched branches: blocks above forkHeight were replaced.
    struct Reorg {
        std::uint64_t forkHeight = 0;
        Digest oldTip{}, newTip{};
        std::vector<Digest> reverted;  ///< txIds of final records no longer on the chain
        sim::SimTime at = 0;
    };
    using WatchId = std::uint64_t;
    /// Calls `watcher` at every reorganisation, until stopWatching.
    virtual WatchId onReorg(std::function<void(const Reorg&)> watcher) = 0;
    virtual void stopWatching(WatchId id) = 0;
};

}  // namespace dais::core
