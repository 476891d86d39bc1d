#pragma once
// Chained HotStuff (Yin, Malkhi, Reiter, Gueta and Abraham, "HotStuff: BFT Consensus with
// Linearity and Responsiveness", PODC 2019) for a permissioned set of validators: the nodes of
// miner_role. With n validators it tolerates f = floor((n - 1) / 3) Byzantine ones (Castro and
// Liskov's bound, OSDI 1999); a quorum is the least q with two quorums sharing f + 1
// validators, 2f + 1 when n = 3f + 1.
//
// Views are numbered from 1, each led in turn by one validator (round robin). The leader of view
// v makes a real block (BlockRelay::produceOn: hashed, signed, with transactions and records)
// on the block of the highest quorum certificate (QC) it knows and the relay carries it, the QC
// travelling with it. A replica that gets the proposal of its view votes for it (a signed
// message to the leader of view v + 1) if it extends its locked block or carries a QC of a
// later view than the lock (the safeNode predicate), never twice in a view, then waits for
// view v + 1. The next leader turns 2f + 1 votes into the QC of the block and proposes on it.
// Every block's QC is carried by its child, so a block b with parent b1, grandparent b2 and
// great-grandparent b3 tells its receiver that b1 is certified (its highest QC), locks b2 (the
// two-chain) and commits b3 and everything below it when b1, b2 and b3 have consecutive views
// (the three-chain).
//
// Pacemaker: a replica that sees no progress in its view for `interval` + view_timeout, doubled
// after each consecutive failure, asks for the next view with a NEW-VIEW message to every
// validator: its highest QC, and its latest vote if that is for a block newer than the QC (the
// vote went to the leader of the view it gives up, which may have crashed). The leader of a view
// proposes on 2f + 1 of them (they form the timeout certificate the proposal carries), on the
// highest QC it knows or can now form from the votes they carry, so a crashed leader costs its
// own view and not the certificate of the block before it. A replica that hears f + 1
// validators ask for a later view than its own joins them, so honest validators meet in one view
// again after a partition (Bracha's amplification, as DiemBFT's pacemaker does).
//
// A block's weight in the fork choice is its view over its parent's, so a chain weighs the view
// of its tip: every node follows the highest-view proposal it holds that extends the block it
// committed. Records are final on a node once it has committed their block.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "block_relay.h"
#include "config.h"
#include "consensus.h"
#include "dais/core/integrity.h"

namespace dais::layers::ledger {

class HotStuff final : public Consensus {
  public:
    /// The validators are the ledger nodes of miner_role (every ledger node when it is empty),
    /// relay nodes and light clients aside; bft_byzantine names the Byzantine ones. A bad
    /// parameter fails the run naming it.
    HotStuff(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg, const Metrics& m,
             core::IntegrityService& integrity);
    void start() override;
    bool final(std::uint32_t p, BlockId b, BlockId tip) const override;
    void nodeUp(std::uint32_t p, bool up) override;

    std::uint32_t validators() const { return static_cast<std::uint32_t>(validators_.size()); }
    /// Byzantine validators tolerated, and votes in a quorum.
    std::uint32_t faults() const { return f_; }
    std::uint32_t quorum() const { return quorum_; }
    /// The view block b was proposed in (its header's nonce).
    std::uint64_t viewOf(BlockId b) const;
    /// Writes the validators table.
    void inspect(core::TableWriter& out) const;
    /// The end of the run: views reached.
    void finish();

  private:
    enum class Role : std::uint8_t { Honest, Silent, Equivocate };
    /// Votes for one block at the leader of the next view.
    struct Tally {
        std::vector<char> voters;
        std::uint32_t count = 0;
        bool certified = false;
    };
    struct Validator {
        std::uint32_t node = 0;  // ledger index
        Role role = Role::Honest;
        double cpuScale = 1;          // seconds of the reference machine to its seconds
        std::uint64_t view = 0;       // the view whose proposal it waits for
        std::uint64_t lastVoted = 0;  // the latest view it voted in
        BlockId voted = kNoBlock;     // the block of its latest vote
        std::uint64_t proposed = 0;   // the latest view it proposed in
        BlockId locked = 0, highQC = 0;
        std::uint32_t failures = 0;  // views in a row that ended without progress
        sim::SimTime deadline = 0;   // its view ends without progress at
        sim::EventId timer{};        // its pending timer event, due at timerAt
        sim::SimTime timerAt = 0;
        sim::SimTime busy = 0;  // its CPU is busy checking signatures until
        bool proposePending = false;
        std::map<BlockId, Tally> tallies;  // as the next leader: votes per block
        std::vector<std::uint64_t> asked;  // per validator: the latest view it asked for
        std::uint64_t votes = 0, proposals = 0, timeouts = 0;
    };
    /// A NEW-VIEW message: sent once, delivered to every validator.
    struct NewView {
        std::uint32_t from = 0;  // validator
        std::uint64_t view = 0;
        BlockId highQC = 0;
        BlockId vote = kNoBlock;  // its latest vote, for a block newer than highQC
    };
    enum class Type : std::uint8_t { Vote = 1, NewView = 2 };

    static void onDeliveryThunk(void* self, sim::Network&, const sim::Delivery& d) {
        static_cast<HotStuff*>(self)->onDelivery(d);
    }
    static void onLossThunk(void* self, sim::Network&, const sim::Loss& l) {
        static_cast<HotStuff*>(self)->onLoss(l);
    }
    void onDelivery(const sim::Delivery& d);
    void onLoss(const sim::Loss& l);
    void onTimer(sim::Simulation& sim, const sim::Event& e);
    void onVoteReady(sim::Simulation& sim, const sim::Event& e);
    void onCertified(sim::Simulation& sim, const sim::Event& e);
    void onProposeTime(sim::Simulation& sim, const sim::Event& e);
    void onNewViewChecked(sim::Simulation& sim, const sim::Event& e);

    void chooseByzantine(core::LayerContext& ctx);
    std::uint32_t leader(std::uint64_t view) const {
        return static_cast<std::uint32_t>(view % validators_.size());
    }
    std::uint32_t validatorAt(sim::NodeIndex node) const;
    void received(std::uint32_t p, BlockId b);
    void certified(std::uint32_t p, BlockId c);
    void consider(std::uint32_t i, BlockId b);
    void castVote(std::uint32_t i, BlockId b);
    void tally(std::uint32_t l, std::uint32_t voter, BlockId b, bool fromNewView);
    void commit(std::uint32_t p, BlockId c);
    void enterView(std::uint32_t i, std::uint64_t view);
    void armTimer(std::uint32_t i);
    void timeout(std::uint32_t i);
    void askFor(std::uint32_t i, std::uint64_t view);
    void heard(std::uint32_t i, const NewView& nv);
    bool mayPropose(std::uint32_t i) const;
    void tryPropose(std::uint32_t i);
    void propose(std::uint32_t i, BlockId parent, bool byCertificate);
    std::uint64_t askedBy(const Validator& v, std::uint32_t k) const;
    sim::SimTime cpu(const Validator& v, double seconds) const;
    sim::SimTime viewLength(const Validator& v) const;
    bool honest(std::uint32_t p) const;
    std::uint64_t certificateBytes() const;
    std::uint64_t timeoutCertificateBytes() const;

    sim::Simulation* sim_;
    sim::Network* net_;
    BlockRelay& relay_;
    const Config& cfg_;
    const Metrics& m_;
    core::IntegrityService::Costs costs_;
    std::vector<Validator> validators_;
    std::vector<std::uint32_t> validatorOf_;  // per ledger node: its validator index, or kNone
    std::uint32_t f_ = 0, quorum_ = 1;
    std::vector<BlockId> committed_;        // per ledger node: its latest committed block
    std::vector<sim::SimTime> lastCommit_;  // per ledger node: when it last committed, or -1
    std::vector<char> decided_;             // per block: an honest node has committed it
    std::vector<char> failedView_;          // per view: some honest validator timed out in it
    BlockId highestCommit_ = 0;             // the latest block an honest node committed
    std::uint64_t maxView_ = 0;             // the latest view an honest validator reached
    std::vector<NewView> newViews_;
    sim::PortId port_ = 0;
    sim::KindId timerKind_ = 0, voteKind_ = 0, certifiedKind_ = 0, proposeKind_ = 0,
                newViewKind_ = 0;
};

}  // namespace dais::layers::ledger
