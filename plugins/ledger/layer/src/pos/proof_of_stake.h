#pragma once
// Proof of stake as Ethereum's beacon chain runs it: Gasper (Buterin et al., "Combining GHOST
// and Casper", 2020), the LMD-GHOST fork choice under Casper FFG finality (Buterin and
// Griffith, "Casper the Friendly Finality Gadget", 2017).
//
// Validators are the ledger nodes of miner_role (every ledger node when it is empty; relay
// nodes and light clients aside) with a stake above 0: their `stake` attribute is their
// effective balance. Time runs in slots of `interval` (Ethereum: 12 s) and epochs of
// slots_per_epoch slots (32). Slot s starts at s x interval; slot 0 holds the genesis block.
//
// - Proposers. Each slot one validator is drawn in proportion to stake from the run's seed (a
//   stand-in for RANDAO, which every node can compute alike). At the slot's start it makes a
//   real block (BlockRelay::produceOn) on the head its fork choice gives; one that is down
//   misses the slot, which stays empty.
// - Committees. At each epoch's start the validators are shuffled from the seed and cut into
//   slots_per_epoch committees, one per slot, so each attests once an epoch. A third into its
//   slot every member that is up attests: its head (the LMD vote) and the FFG vote from its
//   latest justified checkpoint (source) to the epoch's checkpoint on its head's chain
//   (target: the block at the epoch's first slot, or the latest before it when that slot is
//   empty). It sends the attestation to its committee's aggregators (its first
//   min(4, size) members, a fixed stand-in for Ethereum's 16 drawn by selection proof); two
//   thirds into the slot each aggregator that is up sends every other ledger node one aggregate
//   per distinct attestation it holds (the gossip of aggregates, each a message along the
//   network's route: the gossip mesh's extra hops and duplicates are left out). That is
//   c x a + a x N messages a slot for committees of c, a aggregators and N nodes, linear in
//   the nodes: a few hundred validators run in seconds, where every attestation to every
//   node would be N^2 / slots_per_epoch.
// - Fork choice (LMD-GHOST). Every node keeps, per validator, the latest attestation it heard
//   and weighs each block by the stake of the validators whose latest head is it or below it
//   (kept incrementally: a validator's new vote moves its stake from the old path to the new
//   one). From its latest justified checkpoint it descends to the heaviest child, ties to the
//   larger hash, down to a leaf: its head. Votes for blocks it lacks wait for them.
// - Finality (Casper FFG). At each epoch's start every node that is up looks at the votes it
//   has heard: a checkpoint is justified when votes from a justified source to it carry at
//   least 2/3 of all stake; a justified checkpoint is finalized when the checkpoint of the
//   next epoch is justified from it (the k = 1 rule). Genesis is both. A block is final for a
//   node once it is at or below the node's finalized checkpoint on its chain.
// - Checkpoints in the chain's state. A block carries its proposer's latest justified and
//   finalized checkpoints (in Ethereum the beacon state computes them from the attestations
//   the chain includes); a node that gets a block takes them when they are newer than its own,
//   as the fork choice store does on every block. Without it, nodes that justified different
//   epochs during a partition would vote from different sources after it, none with 2/3.
//
// Counted from the votes nodes hear, not from those blocks include (a simplification of the
// beacon state's accounting); no proposer boost, no filtering of branches by their justified
// checkpoint, no inactivity leak, no rewards nor slashing; BLS checks take no CPU time.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "block_relay.h"
#include "config.h"
#include "consensus.h"

namespace dais::layers::ledger {

class ProofOfStake final : public Consensus {
  public:
    /// A bad parameter (no validator with a stake) fails the run naming it.
    ProofOfStake(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg, const Metrics& m);
    void start() override;
    bool final(std::uint32_t p, BlockId b, BlockId tip) const override;
    void nodeUp(std::uint32_t p, bool up) override;

    std::uint32_t validators() const { return static_cast<std::uint32_t>(validators_.size()); }
    /// Writes the checkpoints table: per ledger node its head and checkpoints.
    void inspect(core::TableWriter& out) const;
    /// The end of the run: the longest stretch without finality.
    void finish();

  private:
    /// An epoch and its boundary block.
    struct Checkpoint {
        std::uint64_t epoch = 0;
        BlockId root = 0;
        friend auto operator<=>(const Checkpoint&, const Checkpoint&) = default;
    };
    /// What an attestation says: its slot, the LMD vote and the FFG vote.
    struct Data {
        std::uint64_t slot = 0;
        BlockId head = 0;
        Checkpoint source, target;
        friend bool operator==(const Data&, const Data&) = default;
    };
    struct Single {
        std::uint32_t validator = 0;
        Data data;
    };
    struct Aggregate {
        Data data;
        std::vector<std::uint32_t> validators;
    };
    struct Validator {
        std::uint32_t node = 0;  // ledger index
        double stake = 0;
        std::uint64_t proposed = 0, missed = 0, attested = 0;
    };
    /// What one ledger node knows.
    struct View {
        std::vector<std::int64_t> latestSlot;  // per validator: slot of its latest LMD vote, -1
        std::vector<BlockId> latest;           // per validator: that vote's head
        std::vector<BlockId> applied;          // per validator: the block its stake weighs on
        std::vector<double> weight;            // per block: stake of the latest votes at or below
        std::vector<std::pair<BlockId, std::uint32_t>> waiting;  // votes for blocks it lacks
        std::vector<std::uint64_t> ffgEpoch;  // per validator: target epoch of its counted vote
        std::map<std::pair<Checkpoint, Checkpoint>, double> links;  // FFG votes: stake by link
        std::vector<Checkpoint> justified;
        Checkpoint lastJustified, finalized;
        std::vector<std::uint32_t> inbox;  // as an aggregator: attestations of the slot
        std::uint64_t heardSlot = 0;       // the latest slot it heard aggregates of
        std::vector<Data> heard;           // their distinct attestations (for its next block)
        bool dirty = false;                // its head may have changed
    };
    enum class Type : std::uint8_t { Single = 1, Aggregate = 2 };
    enum Phase : std::uint64_t { kPropose = 0, kAttest = 1, kAggregate = 2 };

    static void onDeliveryThunk(void* self, sim::Network&, const sim::Delivery& d) {
        static_cast<ProofOfStake*>(self)->onDelivery(d);
    }
    static void onLossThunk(void* self, sim::Network&, const sim::Loss& l) {
        static_cast<ProofOfStake*>(self)->onLoss(l);
    }
    void onDelivery(const sim::Delivery& d);
    void onLoss(const sim::Loss& l);
    void onSlot(sim::Simulation& sim, const sim::Event& e);

    std::uint64_t slotOf(BlockId b) const;
    sim::SimTime slotStart(std::uint64_t slot) const { return cfg_.interval * slot; }
    void shuffle(std::uint64_t epoch);
    std::uint32_t committeeBegin(std::uint64_t slot) const;
    std::uint32_t committeeEnd(std::uint64_t slot) const;
    std::uint32_t aggregators(std::uint64_t slot) const;
    void propose(std::uint64_t slot);
    void attest(std::uint64_t slot);
    void aggregate(std::uint64_t slot);
    void apply(std::uint32_t p, std::uint32_t validator, const Data& data);
    void move(std::uint32_t p, std::uint32_t validator, BlockId to);
    void blockArrived(std::uint32_t p, BlockId b);
    BlockId head(std::uint32_t p);
    void refresh(std::uint32_t p);
    Checkpoint checkpointOn(BlockId head, std::uint64_t epoch) const;
    bool isJustified(const View& v, const Checkpoint& c) const;
    bool supermajority(double stake) const { return 3 * stake >= 2 * totalStake_; }
    void processEpoch(std::uint32_t p, std::uint64_t epoch);
    void justify(std::uint32_t p, const Checkpoint& c, double stake);
    void finalize(std::uint32_t p, const Checkpoint& c);

    sim::Simulation* sim_;
    sim::Network* net_;
    BlockRelay& relay_;
    const Config& cfg_;
    const Metrics& m_;
    std::uint64_t epochSlots_ = 1;
    std::vector<Validator> validators_;
    std::vector<std::uint32_t> validatorOf_;  // per ledger node: its validator index, or kNone
    double totalStake_ = 0;
    sim::CategoricalSampler proposers_;
    sim::RngStream randao_, shuffling_;
    std::vector<std::uint32_t> order_;  // the epoch's shuffled validators, committee by committee
    std::vector<View> views_;
    std::vector<std::vector<BlockId>> children_;
    std::vector<Single> singles_;
    std::vector<Aggregate> aggregates_;
    std::vector<std::pair<Checkpoint, Checkpoint>> carried_;  // per block: justified, finalized
    std::vector<char> decided_;                               // per block: some node finalized it
    std::vector<char> epochJustified_;   // per epoch: some node justified its checkpoint
    std::vector<char> epochFinalized_;   // per epoch: some node finalized its checkpoint
    BlockId highestFinal_ = 0;           // the latest block a node finalized
    std::uint64_t maxFinalEpoch_ = 0;    // the latest epoch a node finalized
    std::uint64_t withoutFinality_ = 0;  // the longest stretch of epochs without finality
    sim::PortId port_ = 0;
    sim::KindId slotKind_ = 0;
};

}  // namespace dais::layers::ledger
