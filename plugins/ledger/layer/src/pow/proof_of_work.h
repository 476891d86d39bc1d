#pragma once
// Proof of work. Each miner finds blocks as a Poisson process of rate h / D: its hash power over
// the difficulty (expected hashes) of a block on its tip. The network's next block is one draw
// of the sum of these processes, and its finder is drawn in proportion to its rate; a process is
// memoryless, so after any change of a rate (a miner down, a new difficulty) drawing the next
// block afresh is exact. A block's work in the fork choice is its difficulty. Every `retarget`
// blocks the difficulty is multiplied by the interval aimed at over the time the last `retarget`
// blocks took, at most by 4 either way, as Bitcoin does.
#include <cstdint>
#include <memory>
#include <vector>

#include "block_relay.h"
#include "config.h"
#include "consensus.h"
#include "pow/double_spend.h"
#include "pow/selfish_mining.h"

namespace dais::layers::ledger {

class ProofOfWork final : public Consensus {
  public:
    /// `hashPower`: per ledger node (0: it does not mine).
    ProofOfWork(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg,
                std::vector<double> hashPower);
    void start() override;
    void tipChanged(std::uint32_t p, BlockId tip) override;
    bool final(std::uint32_t p, BlockId b, BlockId tip) const override;
    void nodeUp(std::uint32_t p, bool up) override;

    /// The difficulty of a block on `parent`.
    double difficultyAfter(BlockId parent) const;
    std::size_t miners() const { return miners_.size(); }
    /// Ledger node p mines selfishly from now on (it must mine).
    void makeSelfish(std::uint32_t p);
    /// Ledger node p attacks merchants who wait for `confirmations` blocks by double spending,
    /// giving up `giveUpBehind` blocks behind (it must mine).
    void makeDoubleSpender(std::uint32_t p, std::uint64_t confirmations,
                           std::uint64_t giveUpBehind);
    const DoubleSpender* doubleSpender() const { return doubleSpender_.get(); }
    /// The selfish miner's ledger index, or sim::kNone.
    std::uint32_t selfish() const { return selfish_ ? selfish_->node() : sim::kNone; }

  private:
    void onFound(sim::Simulation& sim, const sim::Event& e);
    void setRate(std::size_t m, double rate);
    void schedule();
    std::size_t drawMiner(double u) const;

    sim::Simulation* sim_;
    BlockRelay& relay_;
    const Config& cfg_;
    std::vector<std::uint32_t> miners_;   // ledger indices of the miners
    std::vector<std::uint32_t> minerOf_;  // per ledger node: its miner index, or kNone
    std::vector<double> power_;           // per miner
    std::vector<double> difficulty_;      // per miner: of a block on its tip
    std::vector<double> rate_;            // per miner: power / difficulty, 0 while down
    std::vector<double> fenwick_;         // sums of rate_ for drawing the finder
    double total_ = 0;
    double firstDifficulty_ = 0;
    sim::RngStream rng_;
    sim::KindId foundKind_ = 0;
    sim::EventId next_{};
    bool started_ = false;
    std::unique_ptr<SelfishMiner> selfish_;
    std::unique_ptr<DoubleSpender> doubleSpender_;
};

}  // namespace dais::layers::ledger
