// Proof of work: the mining process, the finder's draw, and difficulty retargeting.
#include "pow/proof_of_work.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace dais::layers::ledger {

ProofOfWork::ProofOfWork(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg,
                         std::vector<double> hashPower)
    : sim_(&ctx.simulation()), relay_(relay), cfg_(cfg), rng_(ctx.rng(0, "mining")) {
    minerOf_.assign(relay_.size(), sim::kNone);
    double power = 0;
    for (std::uint32_t p = 0; p < relay_.size(); ++p) {
        if (!(hashPower[p] > 0)) continue;
        minerOf_[p] = static_cast<std::uint32_t>(miners_.size());
        miners_.push_back(p);
        power_.push_back(hashPower[p]);
        power += hashPower[p];
    }
    // The first difficulty makes the expected interval the one aimed at.
    firstDifficulty_ = power * sim::toSeconds(cfg_.interval);
    difficulty_.assign(miners_.size(), firstDifficulty_);
    rate_.assign(miners_.size(), 0);
    fenwick_.assign(miners_.size() + 1, 0);
    for (std::size_t m = 0; m < miners_.size(); ++m)
        setRate(m, relay_.up(miners_[m]) ? power_[m] / firstDifficulty_ : 0);
    foundKind_ = sim_->registerKind<&ProofOfWork::onFound>("ledger.pow_found", *this);
}

double ProofOfWork::difficultyAfter(BlockId parent) const {
    const auto& tree = relay_.tree();
    if (parent == relay_.genesis()) return firstDifficulty_;
    const double d = tree.chainWork(parent) - tree.chainWork(tree.parent(parent));
    const std::uint64_t height = tree.height(parent) + 1;
    const auto every = static_cast<std::uint64_t>(cfg_.retarget);
    if (every == 0 || height % every != 0) return d;
    // The last `every` intervals, from the block `every` below the parent to the parent (the
    // first time, from the genesis block: one fewer).
    const BlockId first = tree.ancestorAt(parent, height > every ? height - 1 - every : 0);
    const double took = sim::toSeconds(relay_.madeAt(parent) - relay_.madeAt(first));
    const double aimed = sim::toSeconds(cfg_.interval) *
                         static_cast<double>(tree.height(parent) - tree.height(first));
    const double factor = std::clamp(took > 0 ? aimed / took : 4.0, 0.25, 4.0);
    return d * factor;
}

void ProofOfWork::setRate(std::size_t m, double rate) {
    const double delta = rate - rate_[m];
    if (delta == 0) return;
    rate_[m] = rate;
    total_ += delta;
    for (std::size_t i = m + 1; i < fenwick_.size(); i += i & (~i + 1))
        fenwick_[i] += delta;
}

std::size_t ProofOfWork::drawMiner(double u) const {
    // The miner where the running sum of rates passes u (Fenwick descent).
    std::size_t at = 0;
    std::size_t step = std::bit_floor(fenwick_.size() - 1);
    for (; step > 0; step >>= 1)
        if (at + step < fenwick_.size() && fenwick_[at + step] <= u) {
            at += step;
            u -= fenwick_[at];
        }
    // Rounding may land past the end or on a miner of rate 0: take the nearest that mines.
    at = std::min(at, rate_.size() - 1);
    for (std::size_t i = at; i < rate_.size(); ++i)
        if (rate_[i] > 0) return i;
    for (std::size_t i = at; i-- > 0;)
        if (rate_[i] > 0) return i;
    return at;
}

void ProofOfWork::start() {
    started_ = true;
    schedule();
}

void ProofOfWork::schedule() {
    if (!started_) return;
    if (next_.valid()) {
        sim_->cancel(next_);
        next_ = {};
    }
    // Recompute the sum now and then: many small updates drift.
    double sum = 0;
    for (const double r : rate_)
        sum += r;
    total_ = sum;
    if (!(total_ > 0)) return;  // nobody mines
    const double seconds = rng_.exponential(1.0 / total_);
    if (!(seconds < 9.2e9)) return;  // beyond any run
    next_ = sim_->scheduleIn(static_cast<sim::SimTime>(std::llround(seconds * 1e9)), 0, foundKind_);
}

void ProofOfWork::onFound(sim::Simulation&, const sim::Event&) {
    next_ = {};
    const std::size_t m = drawMiner(rng_.uniform() * total_);
    const std::uint32_t p = miners_[m];
    if (selfish_ && p == selfish_->node())
        selfish_->found(relay_.produce(p, difficulty_[m], rng_.next(), false));
    else if (doubleSpender_ && p == doubleSpender_->node())
        doubleSpender_->found(relay_.produce(p, difficulty_[m], rng_.next(), false));
    else
        relay_.produce(p, difficulty_[m], rng_.next());
    schedule();
}

void ProofOfWork::tipChanged(std::uint32_t p, BlockId tip) {
    const std::uint32_t m = minerOf_[p];
    if (m == sim::kNone) return;
    const double d = difficultyAfter(tip);
    if (d == difficulty_[m]) return;
    difficulty_[m] = d;
    setRate(m, relay_.up(p) ? power_[m] / d : 0);
    if (next_.valid()) schedule();  // a rate changed: draw the next block afresh
}

void ProofOfWork::nodeUp(std::uint32_t p, bool up) {
    const std::uint32_t m = minerOf_[p];
    if (m == sim::kNone) return;
    setRate(m, up ? power_[m] / difficulty_[m] : 0);
    schedule();
}

void ProofOfWork::makeSelfish(std::uint32_t p) {
    selfish_ = std::make_unique<SelfishMiner>(relay_, p);
}

void ProofOfWork::makeDoubleSpender(std::uint32_t p, std::uint64_t confirmations,
                                    std::uint64_t giveUpBehind) {
    doubleSpender_ = std::make_unique<DoubleSpender>(relay_, p, confirmations, giveUpBehind);
}

bool ProofOfWork::final(std::uint32_t, BlockId b, BlockId tip) const {
    const auto& tree = relay_.tree();
    return tree.isAncestor(b, tip) &&
           tree.height(tip) + 1 >= tree.height(b) + static_cast<std::uint64_t>(cfg_.confirmations);
}

}  // namespace dais::layers::ledger
