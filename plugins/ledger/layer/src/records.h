#pragma once
// The ledger service: records other layers make (a round's digest, a market's result) become
// real transactions, signed by their sender with its Ed25519 key, flooded from peer to peer to
// the block producers, taken into blocks by fee rate beside the everyday load, and final once
// the consensus rule says so on the chain of the node they entered by. A receipt names the block
// and carries the RFC 6962 Merkle path from the transaction's id to the block's root.
//
// Unlike the everyday load, records travel one message per peer and record: they are few (a
// federated round makes one), and whether they reach a producer at all (a sender cut off by a
// partition) is part of what a run shows.
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include "block_relay.h"
#include "config.h"
#include "consensus.h"
#include "dais/core/integrity.h"
#include "dais/core/ledger_service.h"

namespace dais::layers::ledger {

class Records final : public core::LedgerService, public BlockContents {
  public:
    Records(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg, const Metrics& m,
            core::IntegrityService& integrity);
    /// The rule that says when a block is final; records are checked again whenever it says
    /// blocks became final for a node.
    void setConsensus(Consensus* consensus) {
        consensus_ = consensus;
        consensus->onFinality([this](std::uint32_t p) { tipChanged(p, relay_.tip(p)); });
    }

    // the ledger service
    void record(const Transaction& tx, std::function<void(const Receipt&)> done) override;
    std::vector<Entry> query(const Query& q) const override;
    bool verify(const Transaction& tx, const Receipt& receipt) const override;
    WatchId onReorg(std::function<void(const Reorg&)> watcher) override;
    void stopWatching(WatchId id) override;

    // what blocks carry
    Pick pick(std::uint32_t p, BlockId parent, double minFeeRate, std::uint64_t room) override;
    void included(BlockId b, std::span<const std::uint32_t> records) override;
    std::uint64_t missingBytes(std::uint32_t q, BlockId b) const override;

    /// The transaction id of a record: SHA-256 of its fields as submitted.
    static core::Digest transactionId(const Transaction& tx);
    void inspect(core::TableWriter& out) const;

  private:
    enum class State : std::uint8_t { Waiting, InBlock, Final, Dropped, Reverted };
    struct Record {
        Transaction tx;
        core::Digest id{};
        std::uint64_t wireBytes = 0;
        double feeRate = 0;
        std::uint32_t entry = 0;  // the ledger node it entered by
        sim::SimTime submittedAt = 0, finalAt = 0;
        std::vector<BlockId> blocks;       // every block that took it, on any branch
        std::vector<std::uint64_t> heard;  // bit per ledger node: has heard of it
        std::function<void(const Receipt&)> done;
        sim::EventId timeout{};
        State state = State::Waiting;
        bool told = false;  // done was called
    };

    static void onDeliveryThunk(void* self, sim::Network&, const sim::Delivery& d) {
        static_cast<Records*>(self)->onDelivery(d);
    }
    void onDelivery(const sim::Delivery& d);
    void onTimeout(sim::Simulation& sim, const sim::Event& e);
    void tipChanged(std::uint32_t p, BlockId tip);
    void bestReorg(BlockId oldTip, BlockId newTip);
    void hear(std::uint32_t q, std::uint32_t index, std::uint32_t fromEdge);
    bool heard(const Record& r, std::uint32_t q) const { return (r.heard[q >> 6] >> (q & 63)) & 1; }
    /// The block of r on the chain ending at tip, or kNoBlock.
    BlockId blockOn(const Record& r, BlockId tip) const;
    Receipt receipt(const Record& r, BlockId b, Status status) const;
    void finalize(Record& r, BlockId b);

    sim::Simulation* sim_;
    sim::Network* net_;
    BlockRelay& relay_;
    const Consensus* consensus_ = nullptr;
    const Config& cfg_;
    const Metrics& m_;
    core::IntegrityService& integrity_;
    double defaultFeeRate_ = 0;
    sim::PortId port_ = 0;
    sim::KindId timeoutKind_ = 0;
    core::EventRecorder events_;
    core::EventKind recordEvent_ = 0;
    std::vector<Record> records_;
    std::map<core::Digest, std::uint32_t> byId_;
    std::vector<std::uint32_t> open_;       // records not final (waiting, in a block, reverted)
    std::vector<std::uint32_t> waitingAt_;  // per ledger node: open records that entered there
    std::map<WatchId, std::function<void(const Reorg&)>> watchers_;
    WatchId nextWatch_ = 1;
};

}  // namespace dais::layers::ledger
