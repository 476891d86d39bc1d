#pragma once
// The ledger's nodes and how blocks travel between them. Every block is stored once, in the
// block tree; a node's view is its tip and its presence bits. A node that makes a block or
// validates one it received adopts it when its chain has more work than its tip's, and passes it
// on to its peers by the relay mode: announce and be asked (INV, GETDATA), push it whole, or
// send a compact block (BIP 152) that the receiver rebuilds from its mempool. Every message is a
// network message of its real size; validation takes the node's CPU time.
//
// Peers remember what the other side has (Bitcoin's per-peer inventory): a block is never
// announced to a peer that announced it or one of its descendants. A node fetches a block it
// heard of from the peer that announced it, its missing ancestors first; a lost request or
// answer is asked again of another peer that announced it, a few seconds later.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config.h"
#include "dais/core/digest.h"
#include "dais/core/integrity.h"
#include "dais/core/layer.h"
#include "dais/core/run_events.h"
#include "dais/ledger/block.h"
#include "dais/ledger/block_presence.h"
#include "dais/ledger/block_tree.h"
#include "dais/ledger/transaction_load.h"
#include "dais/sim/network.h"
#include "peers.h"

namespace dais::layers::ledger {

using dais::ledger::BlockId;
using dais::ledger::kNoBlock;

/// What goes into a block beyond the everyday load: the records other layers make (Records).
class BlockContents {
  public:
    virtual ~BlockContents() = default;
    struct Pick {
        std::vector<std::uint32_t> records;
        std::vector<core::Digest> leaves;  ///< their transaction ids, in block order
        std::uint64_t bytes = 0;
        std::int64_t fees = 0;
    };
    /// The records node p would put in a block on `parent`: those it has heard of, not on the
    /// chain ending at parent, paying at least `minFeeRate` per byte, best first, in `room` bytes.
    virtual Pick pick(std::uint32_t p, BlockId parent, double minFeeRate, std::uint64_t room) = 0;
    /// Block b was made with these records.
    virtual void included(BlockId b, std::span<const std::uint32_t> records) = 0;
    /// Bytes of b's records node q has not heard of.
    virtual std::uint64_t missingBytes(std::uint32_t q, BlockId b) const = 0;
};

/// The fee classes of the everyday transactions from "fee:share,fee:share" (the fee_classes
/// parameter); an error says what is wrong.
core::Result<std::vector<dais::ledger::FeeClass>> parseFeeClasses(const std::string& text);

class BlockRelay final : private sim::FaultListener {
  public:
    BlockRelay(core::LayerContext& ctx, const Config& cfg, const Metrics& m,
               core::IntegrityService& integrity, std::vector<sim::NodeIndex> nodes,
               PeerGraph peers);
    ~BlockRelay() override;
    BlockRelay(const BlockRelay&) = delete;
    BlockRelay& operator=(const BlockRelay&) = delete;

    void setContents(BlockContents* contents) { contents_ = contents; }
    /// Called whenever a node's tip changes: (node p, old tip, new tip).
    void onTipChange(std::function<void(std::uint32_t, BlockId, BlockId)> listener) {
        tipListeners_.push_back(std::move(listener));
    }
    /// Called whenever the best chain's tip changes to a block that does not extend it.
    void onBestReorg(std::function<void(BlockId oldTip, BlockId newTip)> listener) {
        reorgListeners_.push_back(std::move(listener));
    }
    /// Called when a ledger node goes down (false) or comes back (true).
    void onUpChange(std::function<void(std::uint32_t, bool)> listener) {
        upListeners_.push_back(std::move(listener));
    }
    /// Called whenever node p gets a block it did not have (made or validated), before its fork
    /// choice looks at it: (node p, block).
    void onBlock(std::function<void(std::uint32_t, BlockId)> listener) {
        blockListeners_.push_back(std::move(listener));
    }
    /// A consensus rule's veto in the fork choice: node p follows a block of more work (takes it
    /// as its tip and passes it on) only if `follows(p, b)` (BFT: only blocks that extend what p
    /// has committed). None: more work wins.
    void setFollows(std::function<bool(std::uint32_t, BlockId)> follows) {
        follows_ = std::move(follows);
    }
    /// A consensus rule's own fork choice, in place of more work wins (proof of stake:
    /// LMD-GHOST): `head(p)` is node p's head, asked each time p gets a block; the rule moves p's
    /// tip itself otherwise (follow()) when its votes change the head. With one set, every
    /// block a node validates is passed on whether or not it becomes the head (a valid block is
    /// gossiped, as Ethereum's nodes do), and the best chain, the tip of the most work any node
    /// follows, is looked for again when the last node that followed it leaves it. Work still
    /// orders what a node fetches first.
    void setForkChoice(std::function<BlockId(std::uint32_t)> head) {
        forkChoice_ = std::move(head);
    }

    // --- the nodes ---
    std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
    sim::NodeIndex node(std::uint32_t p) const { return nodes_[p]; }
    /// The dense ledger index of a network node, or sim::kNone.
    std::uint32_t indexOf(sim::NodeIndex n) const {
        return n < indexOf_.size() ? indexOf_[n] : sim::kNone;
    }
    bool up(std::uint32_t p) const { return net_->nodeUp(nodes_[p]); }
    /// Whether node p may make blocks: of miner_role (any role when it is empty), and neither a
    /// relay node nor a light client.
    bool mayProduce(std::uint32_t p) const {
        return (cfg_.minerRole.empty() || net_->role(nodes_[p]) == cfg_.minerRole) &&
               !relayNode_[p] && !lightNode_[p];
    }
    const PeerGraph& peers() const { return peers_; }
    sim::Network& network() { return *net_; }
    sim::Simulation& simulation() { return *sim_; }

    // --- the chain ---
    const dais::ledger::BlockTree& tree() const { return tree_; }
    BlockId genesis() const { return 0; }
    BlockId tip(std::uint32_t p) const { return views_[p].tip; }
    bool has(std::uint32_t p, BlockId b) const { return presence_.has(b, p); }
    /// The best chain: the tip with the most work that any node follows.
    BlockId best() const { return best_; }
    /// Whether b is on the chain ending at `tip`.
    bool onChain(BlockId b, BlockId tip) const { return tree_.isAncestor(b, tip); }
    sim::SimTime madeAt(BlockId b) const { return blocks_[b].madeAt; }
    std::int64_t fees(BlockId b) const { return blocks_[b].fees; }
    /// Transactions in b (everyday ones and records).
    std::uint64_t transactions(BlockId b) const { return tree_.header(b).txCount; }
    std::span<const core::Digest> leaves(BlockId b) const { return blocks_[b].leaves; }
    std::span<const std::uint32_t> records(BlockId b) const { return blocks_[b].records; }
    /// The everyday transactions.
    const dais::ledger::TransactionLoad& load() const { return load_; }

    /// Node p makes a block on its tip now, of `work` (its weight in the fork choice) with
    /// `nonce` in its header, signs it, adopts it and passes it on (or, unless `publish`, keeps
    /// it back and mines on it). Returns the block.
    BlockId produce(std::uint32_t p, double work, std::uint64_t nonce, bool publish = true) {
        return produceOn(p, views_[p].tip, work, nonce, 0, publish);
    }
    /// The same on `parent` (a block p has), the block carrying `extraBytes` of consensus data
    /// beyond its header and transactions (a quorum certificate), which travel with it in every
    /// message that carries the block whole or compact.
    BlockId produceOn(std::uint32_t p, BlockId parent, double work, std::uint64_t nonce,
                      std::uint64_t extraBytes, bool publish = true);
    /// p sends b (a block it has) whole to the peer on its edge e, whatever the relay mode: a
    /// producer that shows different peers different blocks.
    void sendBlock(std::uint32_t p, std::uint32_t e, BlockId b);
    /// Node q learns that ledger node `from` has block b, as from an announcement: it fetches b
    /// (its missing ancestors first) if it lacks it, from `from` when they are peers, else from
    /// a peer known to have it.
    void learnOf(std::uint32_t q, std::uint32_t from, BlockId b);

    // --- a miner with a strategy of its own (selfish mining) ---
    /// Node p no longer follows the fork choice: every block it receives is handed to
    /// `onBlock`, and p's tip is what follow() sets.
    void withhold(std::uint32_t p, std::function<void(BlockId)> onBlock);
    /// p's tip becomes b (a block p has).
    void follow(std::uint32_t p, BlockId b);
    /// p passes on its kept-back blocks up to `upTo`, oldest first.
    void publish(std::uint32_t p, BlockId upTo);
    /// Whether b is p's and kept back.
    bool keptBack(std::uint32_t p, BlockId b) const {
        return blocks_[b].holders == 1 && presence_.has(b, p);
    }

    /// Writes the blocks table.
    void inspectBlocks(core::TableWriter& out) const;
    /// The end of the run: stale blocks, fork depths, throughput.
    void finish();

  private:
    struct View {
        BlockId tip = 0;
        BlockId want = kNoBlock;     // the best block it heard of and lacks
        std::uint32_t wantFrom = 0;  // the edge it heard of it on
        std::uint32_t retries = 0;
        sim::SimTime lag = 0;  // its relay lag for everyday transactions
    };
    struct BlockInfo {
        sim::SimTime madeAt = 0;
        sim::SimTime horizon = 0;         // the producer's transaction horizon
        dais::ledger::ClassCounts taken;  // everyday transactions taken by the chain up to it
        std::vector<std::uint32_t> records;
        std::vector<core::Digest> leaves;  // its transaction ids, records first, in order
        std::int64_t fees = 0;
        std::uint64_t extraBytes = 0;  // consensus data it carries (a quorum certificate)
        std::uint32_t holders = 0;
        bool verified = false;  // its signature was checked (once: every node checks the same)
    };
    enum class Type : std::uint8_t {
        Inv = 1,
        GetData,
        Block,
        Compact,
        GetCompact,
        GetBlockTxn,
        BlockTxn,
        GetHeader,
        Header
    };

    static constexpr std::uint64_t pack(Type t, BlockId b, std::uint32_t edge) {
        return (static_cast<std::uint64_t>(t) << 60) | (static_cast<std::uint64_t>(b) << 32) | edge;
    }
    static void onDeliveryThunk(void* self, sim::Network&, const sim::Delivery& d) {
        static_cast<BlockRelay*>(self)->onDelivery(d);
    }
    static void onLossThunk(void* self, sim::Network&, const sim::Loss& l) {
        static_cast<BlockRelay*>(self)->onLoss(l);
    }
    void onDelivery(const sim::Delivery& d);
    void onLoss(const sim::Loss& l);
    /// Asks for what a message or a validated block at node n will touch first: its view and
    /// its side of its edges (a hint; changes nothing).
    void prefetchNode(sim::NodeIndex n) const;
    void onValidated(sim::Simulation& sim, const sim::Event& e);
    void onRetry(sim::Simulation& sim, const sim::Event& e);
    void onNodeUp(sim::NodeIndex node, bool up) override;

    void send(std::uint32_t p, std::uint32_t edge, Type type, BlockId b, std::uint64_t bytes);
    void measureEdges();
    void announce(std::uint32_t p, std::uint32_t e, BlockId b);
    void announced(std::uint32_t q, std::uint32_t edge, BlockId b);
    void received(std::uint32_t q, std::uint32_t edge, BlockId b, bool compact);
    void rebuilt(std::uint32_t q, std::uint32_t edge, BlockId b);
    void check(std::uint32_t q, std::uint32_t edge, BlockId b);
    void adopt(std::uint32_t p, BlockId b, std::uint32_t fromEdge);
    void relay(std::uint32_t p, BlockId b, std::uint32_t fromEdge);
    void fetchWanted(std::uint32_t q);
    void requestFailed(std::uint32_t q, BlockId b);
    void chooseHighBandwidth(std::uint32_t q, std::uint32_t edge);
    void cutThrough(std::uint32_t q, std::uint32_t edge, BlockId b);
    void setTip(std::uint32_t p, BlockId b);
    bool chooseBestAgain();
    void showState(std::uint32_t p);
    bool peerKnows(std::uint32_t edge, BlockId b) const;
    sim::SimTime checkTime(std::uint32_t p, BlockId b) const;
    std::uint64_t compactBytes(BlockId b) const;
    /// A whole block's bytes on the wire, its message header aside.
    std::uint64_t wireBytes(BlockId b) const {
        return dais::ledger::blockWireBytes(tree_.header(b)) + blocks_[b].extraBytes;
    }
    sim::SimTime horizon(std::uint32_t p) const;

    sim::Simulation* sim_;
    sim::Network* net_;
    const Config& cfg_;
    const Metrics& m_;
    core::IntegrityService& integrity_;
    BlockContents* contents_ = nullptr;
    std::vector<sim::NodeIndex> nodes_;
    std::vector<std::uint32_t> indexOf_;
    PeerGraph peers_;
    /// What p knows of q, per edge p -> q, in one place (it is read for every announcement and
    /// every arrival): eight bytes, so that a node's sixteen edges take two cache lines.
    struct EdgeState {
        BlockId known = 0;         // the best block p knows q has
        BlockId heard = kNoBlock;  // one q announced in one counted and not sent (heardAt_)
    };
    std::vector<EdgeState> edges_;
    std::vector<sim::SimTime> heardAt_;      // per edge: when p takes note of `heard`
    std::vector<sim::SimTime> edgeLatency_;  // per edge: one-way latency of its route
    std::vector<char> hbTo_;  // per edge p -> q: q asked p for compact blocks unasked
    std::vector<std::uint32_t>
        hb_;  // per node: the edges of its high-bandwidth peers, oldest first
    std::uint32_t hbCount_ = 0;
    std::vector<View> views_;
    std::vector<double> cpuScale_;  // per node: reference speed over its CPU speed
    std::vector<char> relayNode_;   // per node: of the relay network (passes blocks on unchecked)
    std::vector<char> lightNode_;   // per node: a light client (headers only, passes nothing on)
    dais::ledger::BlockTree tree_;
    // Per block and node: has it (validated, on its tree); has asked for it or is checking it;
    // is checking it.
    dais::ledger::BlockPresence presence_, pending_, validating_;
    std::vector<BlockInfo> blocks_;
    dais::ledger::TransactionLoad load_;
    BlockId best_ = 0;
    std::uint32_t threshold50_ = 0, threshold90_ = 0;
    sim::PortId port_ = 0;
    sim::KindId validatedKind_ = 0, retryKind_ = 0;
    core::NodeDisplay display_;
    sim::NodeStateCode bestState_ = 0, behindState_ = 0, forkState_ = 0;
    core::EventRecorder events_;
    core::EventKind blockEvent_ = 0;
    std::vector<std::function<void(std::uint32_t, BlockId, BlockId)>> tipListeners_;
    std::vector<std::function<void(BlockId, BlockId)>> reorgListeners_;
    std::vector<std::function<void(std::uint32_t, bool)>> upListeners_;
    std::vector<std::function<void(std::uint32_t, BlockId)>> blockListeners_;
    std::function<bool(std::uint32_t, BlockId)> follows_;
    std::function<BlockId(std::uint32_t)> forkChoice_;
    std::uint32_t withholder_ = sim::kNone;
    std::function<void(BlockId)> withheld_;
};

}  // namespace dais::layers::ledger
