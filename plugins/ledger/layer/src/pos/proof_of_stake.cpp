// Proof of stake (Gasper): slots and proposers, committees and attestations, their aggregation
// and gossip, the LMD-GHOST fork choice, Casper FFG justification and finality, and what the
// run reports.
#include "pos/proof_of_stake.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "dais/core/node_attributes.h"

namespace dais::layers::ledger {

namespace {

/// Aggregators per committee: its first members in the shuffled order. Ethereum aims at 16,
/// drawn by each member's selection proof; a few keep a committee's votes from depending on
/// one node while the aggregates stay linear in the nodes.
constexpr std::uint32_t kAggregators = 4;
/// AttestationData in SSZ: slot 8, committee index 8, head root 32, source and target
/// checkpoints (epoch 8, root 32) 40 each.
constexpr std::uint64_t kDataBytes = 8 + 8 + 32 + 40 + 40;
/// A BLS12-381 signature.
constexpr std::uint64_t kBlsBytes = 96;
/// An attestation on its committee's subnet: data, signature and the aggregation bits (one per
/// member, and the SSZ end bit), with the offset of its bit list: about 230 B.
std::uint64_t singleBytes(std::uint32_t committee) {
    return 4 + kDataBytes + kBlsBytes + committee / 8 + 1;
}
/// A signed aggregate and proof: the aggregator's index, the aggregated attestation (its
/// signature the BLS aggregate of the members'), the selection proof and the aggregator's
/// signature: about 430 B.
std::uint64_t aggregateBytes(std::uint32_t committee) {
    return 8 + singleBytes(committee) + kBlsBytes + kBlsBytes + 4;
}
/// What a block carries beyond the relay's header and transactions: the RANDAO reveal (a BLS
/// signature) and one aggregated attestation per distinct vote of the previous slot.
constexpr std::uint64_t kRandaoBytes = kBlsBytes;

constexpr std::uint64_t kTypeShift = 62;
constexpr std::uint64_t kPhaseShift = 62;

}  // namespace

ProofOfStake::ProofOfStake(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg,
                           const Metrics& m)
    : sim_(&ctx.simulation()),
      net_(&ctx.network()),
      relay_(relay),
      cfg_(cfg),
      m_(m),
      epochSlots_(static_cast<std::uint64_t>(std::max<std::int64_t>(cfg.slotsPerEpoch, 1))),
      randao_(ctx.rng(0, "randao")),
      shuffling_(ctx.rng(0, "committees")) {
    const core::NodeAttributes& attributes = ctx.attributes();
    const auto stake = attributes.id("stake");
    validatorOf_.assign(relay_.size(), sim::kNone);
    std::vector<double> weights;
    for (std::uint32_t p = 0; p < relay_.size(); ++p) {
        if (!relay_.mayProduce(p)) continue;
        const double s = attributes.number(relay_.node(p), stake);
        if (!(s > 0)) continue;
        validatorOf_[p] = static_cast<std::uint32_t>(validators_.size());
        validators_.push_back({p, s});
        weights.push_back(s);
        totalStake_ += s;
    }
    if (validators_.empty())
        ctx.failParam("miner_role",
                      "pos: no ledger node validates: none " +
                          (cfg_.minerRole.empty() ? std::string("has")
                                                  : "of the role \"" + cfg_.minerRole + "\" has") +
                          " a stake above 0 (the stake attribute; relay nodes and light clients "
                          "do not validate)");
    proposers_ = sim::CategoricalSampler(weights);
    order_.resize(validators_.size());
    std::iota(order_.begin(), order_.end(), 0u);

    const auto n = validators();
    views_.resize(relay_.size());
    for (View& v : views_) {
        v.latestSlot.assign(n, -1);
        v.latest.assign(n, kNoBlock);
        v.applied.assign(n, kNoBlock);
        v.ffgEpoch.assign(n, 0);
        v.justified.push_back({0, relay_.genesis()});  // genesis is justified and final
    }
    children_.resize(1);
    carried_.resize(1);
    decided_.assign(1, 1);
    epochJustified_.assign(1, 1);
    epochFinalized_.assign(1, 1);

    port_ = net_->registerPort("ledger.pos", &ProofOfStake::onDeliveryThunk, this,
                               &ProofOfStake::onLossThunk);
    slotKind_ = sim_->registerKind<&ProofOfStake::onSlot>("ledger.pos_slot", *this);
    relay_.onBlock([this](std::uint32_t p, BlockId b) { blockArrived(p, b); });
    relay_.setForkChoice([this](std::uint32_t p) { return head(p); });
}

void ProofOfStake::start() {
    sim_->scheduleAt(0, 0, slotKind_, (kPropose << kPhaseShift) | 0);
}

std::uint64_t ProofOfStake::slotOf(BlockId b) const {
    return b == relay_.genesis() ? 0 : relay_.tree().header(b).nonce;
}

bool ProofOfStake::final(std::uint32_t p, BlockId b, BlockId tip) const {
    const BlockId f = views_[p].finalized.root;
    const auto& tree = relay_.tree();
    return tree.isAncestor(b, f) && tree.isAncestor(f, tip);
}

void ProofOfStake::nodeUp(std::uint32_t p, bool up) {
    if (up) views_[p].dirty = true;  // it heads what it heard before it went down, until asked
}

// --- slots -------------------------------------------------------------------------------------

void ProofOfStake::onSlot(sim::Simulation&, const sim::Event& e) {
    const auto phase = static_cast<Phase>(e.data >> kPhaseShift);
    const std::uint64_t slot = e.data & ((std::uint64_t{1} << kPhaseShift) - 1);
    switch (phase) {
        case kPropose:
            propose(slot);
            sim_->scheduleAt(slotStart(slot) + cfg_.interval / 3, 0, slotKind_,
                             (std::uint64_t{kAttest} << kPhaseShift) | slot);
            return;
        case kAttest:
            attest(slot);
            sim_->scheduleAt(slotStart(slot) + 2 * cfg_.interval / 3, 0, slotKind_,
                             (std::uint64_t{kAggregate} << kPhaseShift) | slot);
            return;
        case kAggregate:
            aggregate(slot);
            sim_->scheduleAt(slotStart(slot + 1), 0, slotKind_,
                             (std::uint64_t{kPropose} << kPhaseShift) | (slot + 1));
            return;
    }
}

/// The validators in a shuffled order for the epoch, committee after committee.
void ProofOfStake::shuffle(std::uint64_t) {
    for (std::size_t i = order_.size(); i > 1; --i)
        std::swap(order_[i - 1], order_[shuffling_.below(i)]);
}

std::uint32_t ProofOfStake::committeeBegin(std::uint64_t slot) const {
    return static_cast<std::uint32_t>(order_.size() * (slot % epochSlots_) / epochSlots_);
}

std::uint32_t ProofOfStake::committeeEnd(std::uint64_t slot) const {
    return static_cast<std::uint32_t>(order_.size() * (slot % epochSlots_ + 1) / epochSlots_);
}

std::uint32_t ProofOfStake::aggregators(std::uint64_t slot) const {
    return std::min(kAggregators, committeeEnd(slot) - committeeBegin(slot));
}

/// The slot's start: at an epoch's, every node that is up processes the epoch that ended (FFG)
/// and the committees are drawn; heads move to what the votes say; the proposer proposes.
void ProofOfStake::propose(std::uint64_t slot) {
    sim::Metrics& M = sim_->metrics();
    M.add(m_.slots, 1);
    if (slot % epochSlots_ == 0) {
        const std::uint64_t epoch = slot / epochSlots_;
        if (epoch > 0) {
            for (std::uint32_t p = 0; p < relay_.size(); ++p)
                if (relay_.up(p)) processEpoch(p, epoch);
            withoutFinality_ = std::max(withoutFinality_, epoch - maxFinalEpoch_);
            M.set(m_.epochsWithoutFinality, static_cast<double>(withoutFinality_));
        }
        shuffle(epoch);
    }
    for (std::uint32_t p = 0; p < relay_.size(); ++p)
        if (views_[p].dirty && relay_.up(p)) refresh(p);
    if (slot == 0) return;  // the genesis block's
    const auto i = static_cast<std::uint32_t>(proposers_(randao_));
    Validator& v = validators_[i];
    if (!relay_.up(v.node)) {
        ++v.missed;
        M.add(m_.missedSlots, 1);
        if (sim_->tracing())
            sim_->trace(relay_.node(v.node), "ledger",
                        "missed slot " + std::to_string(slot) + ": its proposer " +
                            std::string(net_->nodeName(relay_.node(v.node))) + " is down");
        return;
    }
    ++v.proposed;
    View& view = views_[v.node];
    const BlockId parent = head(v.node);
    const std::uint32_t size = committeeEnd(slot - 1) - committeeBegin(slot - 1);
    const std::uint64_t included =
        view.heardSlot + 1 == slot ? static_cast<std::uint64_t>(view.heard.size()) : 0;
    relay_.produceOn(v.node, parent, static_cast<double>(slot - slotOf(parent)), slot,
                     kRandaoBytes + included * singleBytes(size));
}

/// A third into the slot: the committee's members that are up attest, each to its head and
/// from its latest justified checkpoint to the epoch's checkpoint on its chain; the attestation
/// goes to the committee's aggregators.
void ProofOfStake::attest(std::uint64_t slot) {
    sim::Metrics& M = sim_->metrics();
    const std::uint32_t begin = committeeBegin(slot), end = committeeEnd(slot);
    const std::uint32_t size = end - begin, aggs = aggregators(slot);
    const std::uint64_t epoch = slot / epochSlots_;
    for (std::uint32_t k = begin; k < end; ++k) {
        const std::uint32_t i = order_[k];
        Validator& v = validators_[i];
        if (!relay_.up(v.node)) continue;
        View& view = views_[v.node];
        const BlockId h = head(v.node);
        if (h != relay_.tip(v.node)) relay_.follow(v.node, h);
        const Data data{slot, h, view.lastJustified, checkpointOn(h, epoch)};
        ++v.attested;
        M.add(m_.attestations, 1);
        apply(v.node, i, data);  // its own vote, at once
        const auto index = static_cast<std::uint64_t>(singles_.size());
        singles_.push_back({i, data});
        for (std::uint32_t a = begin; a < begin + aggs; ++a) {
            const std::uint32_t to = validators_[order_[a]].node;
            if (to == v.node) {
                view.inbox.push_back(static_cast<std::uint32_t>(index));
                continue;
            }
            const std::uint64_t bytes = singleBytes(size);
            const sim::MessageId id =
                net_->send(relay_.node(v.node), relay_.node(to), bytes, port_,
                           (static_cast<std::uint64_t>(Type::Single) << kTypeShift) | index);
            DAIS_CHECK(id != 0, "the network refused an attestation");
            M.add(m_.attestationMessages, 1);
            M.add(m_.bytes, static_cast<double>(bytes));
        }
    }
}

/// Two thirds into the slot: each aggregator that is up sends every other ledger node one
/// aggregate per distinct attestation of the slot it holds.
void ProofOfStake::aggregate(std::uint64_t slot) {
    sim::Metrics& M = sim_->metrics();
    const std::uint32_t begin = committeeBegin(slot);
    const std::uint32_t size = committeeEnd(slot) - begin;
    const std::uint64_t bytes = aggregateBytes(size);
    for (std::uint32_t a = begin; a < begin + aggregators(slot); ++a) {
        const std::uint32_t p = validators_[order_[a]].node;
        View& view = views_[p];
        std::vector<std::uint32_t> inbox;
        std::swap(inbox, view.inbox);
        if (!relay_.up(p)) continue;
        const std::size_t first = aggregates_.size();
        for (const std::uint32_t s : inbox) {
            const Single& single = singles_[s];
            if (single.data.slot != slot) continue;  // too late for its own slot
            auto it = std::find_if(aggregates_.begin() + static_cast<std::ptrdiff_t>(first),
                                   aggregates_.end(),
                                   [&](const Aggregate& g) { return g.data == single.data; });
            if (it == aggregates_.end()) {
                aggregates_.push_back({single.data, {}});
                it = aggregates_.end() - 1;
            }
            if (std::find(it->validators.begin(), it->validators.end(), single.validator) ==
                it->validators.end())
                it->validators.push_back(single.validator);
        }
        for (std::size_t g = first; g < aggregates_.size(); ++g) {
            for (const std::uint32_t i : aggregates_[g].validators)
                apply(p, i, aggregates_[g].data);
            for (std::uint32_t q = 0; q < relay_.size(); ++q) {
                if (q == p) continue;
                const sim::MessageId id =
                    net_->send(relay_.node(p), relay_.node(q), bytes, port_,
                               (static_cast<std::uint64_t>(Type::Aggregate) << kTypeShift) | g);
                DAIS_CHECK(id != 0, "the network refused an aggregate attestation");
                M.add(m_.attestationMessages, 1);
                M.add(m_.bytes, static_cast<double>(bytes));
            }
        }
    }
}

void ProofOfStake::onDelivery(const sim::Delivery& d) {
    const std::uint32_t q = relay_.indexOf(d.to);
    DAIS_CHECK(q != sim::kNone, "an attestation reached a node that does not run the ledger");
    const auto type = static_cast<Type>(d.payload >> kTypeShift);
    const std::uint64_t index = d.payload & ((std::uint64_t{1} << kTypeShift) - 1);
    if (type == Type::Single) {
        views_[q].inbox.push_back(static_cast<std::uint32_t>(index));
        return;
    }
    DAIS_CHECK(type == Type::Aggregate, "a consensus message of an unknown type arrived");
    const Aggregate& g = aggregates_[index];
    for (const std::uint32_t i : g.validators)
        apply(q, i, g.data);
}

void ProofOfStake::onLoss(const sim::Loss&) {
    sim_->metrics().add(m_.lost, 1);
}

// --- what a node knows -------------------------------------------------------------------------

/// Node p hears validator i's attestation: its latest LMD vote if newer than the one it has, its
/// FFG vote if it is i's first for that target epoch; and notes what its next block would carry.
void ProofOfStake::apply(std::uint32_t p, std::uint32_t i, const Data& data) {
    View& v = views_[p];
    if (data.slot > v.heardSlot) {
        v.heardSlot = data.slot;
        v.heard.clear();
    }
    if (data.slot == v.heardSlot &&
        std::find(v.heard.begin(), v.heard.end(), data) == v.heard.end())
        v.heard.push_back(data);
    if (static_cast<std::int64_t>(data.slot) > v.latestSlot[i]) {
        v.latestSlot[i] = static_cast<std::int64_t>(data.slot);
        v.latest[i] = data.head;
        v.dirty = true;
        if (relay_.has(p, data.head))
            move(p, i, data.head);
        else
            v.waiting.emplace_back(data.head, i);
    }
    if (data.target.epoch > data.source.epoch && data.target.epoch > v.ffgEpoch[i]) {
        v.ffgEpoch[i] = data.target.epoch;
        v.links[{data.source, data.target}] += validators_[i].stake;
    }
}

/// Validator i's stake at node p moves from the chain of its previous vote to `to`'s: every
/// block from `to` up weighs it, the blocks of the old path below the common ancestor no more.
void ProofOfStake::move(std::uint32_t p, std::uint32_t i, BlockId to) {
    View& v = views_[p];
    const auto& tree = relay_.tree();
    if (v.weight.size() < tree.size()) v.weight.resize(tree.size(), 0);
    const double s = validators_[i].stake;
    const BlockId from = v.applied[i];
    v.applied[i] = to;
    if (from == kNoBlock) {
        for (BlockId x = to;; x = tree.parent(x)) {
            v.weight[x] += s;
            if (x == relay_.genesis()) break;
        }
        return;
    }
    const BlockId common = tree.commonAncestor(from, to);
    for (BlockId x = from; x != common; x = tree.parent(x))
        v.weight[x] -= s;
    for (BlockId x = to; x != common; x = tree.parent(x))
        v.weight[x] += s;
}

/// Node p has a new block: the tree learns of its children (and a new block the checkpoints of
/// its producer), p takes the block's checkpoints if they are newer than its own, and the votes
/// that waited for it count.
void ProofOfStake::blockArrived(std::uint32_t p, BlockId b) {
    const auto& tree = relay_.tree();
    while (children_.size() < tree.size()) {
        const auto c = static_cast<BlockId>(children_.size());
        children_.emplace_back();
        children_[tree.parent(c)].push_back(c);
        const View& producer = views_[relay_.indexOf(tree.header(c).producer)];
        carried_.emplace_back(producer.lastJustified, producer.finalized);
    }
    View& v = views_[p];
    const auto& [justified, finalized] = carried_[b];
    if (justified.epoch > v.lastJustified.epoch) {
        if (!isJustified(v, justified)) v.justified.push_back(justified);
        v.lastJustified = justified;
    }
    if (finalized.epoch > v.finalized.epoch) finalize(p, finalized);
    if (v.waiting.empty()) return;
    auto keep = v.waiting.begin();
    for (auto it = v.waiting.begin(); it != v.waiting.end(); ++it) {
        if (v.latest[it->second] != it->first) continue;  // a newer vote replaced it
        if (it->first == b)
            move(p, it->second, b);
        else
            *keep++ = *it;
    }
    v.waiting.erase(keep, v.waiting.end());
}

/// LMD-GHOST: from p's latest justified checkpoint (if p has its block; else its finalized one,
/// else the genesis block) down to the heaviest child, ties to the larger hash, to a leaf.
BlockId ProofOfStake::head(std::uint32_t p) {
    View& v = views_[p];
    const auto& tree = relay_.tree();
    if (v.weight.size() < tree.size()) v.weight.resize(tree.size(), 0);
    v.dirty = false;
    BlockId x = relay_.has(p, v.lastJustified.root) ? v.lastJustified.root
                : relay_.has(p, v.finalized.root)   ? v.finalized.root
                                                    : relay_.genesis();
    for (;;) {
        BlockId best = kNoBlock;
        for (const BlockId c : children_[x]) {
            if (!relay_.has(p, c)) continue;
            if (best == kNoBlock || v.weight[c] > v.weight[best] ||
                (v.weight[c] == v.weight[best] && tree.hash(c) > tree.hash(best)))
                best = c;
        }
        if (best == kNoBlock) return x;
        x = best;
    }
}

/// Node p's tip moves to its head, if its votes changed it.
void ProofOfStake::refresh(std::uint32_t p) {
    const BlockId h = head(p);
    if (h != relay_.tip(p)) relay_.follow(p, h);
}

/// The checkpoint of `epoch` on the chain ending at `head`: the block of the epoch's first slot,
/// or the latest before it when that slot is empty.
ProofOfStake::Checkpoint ProofOfStake::checkpointOn(BlockId head, std::uint64_t epoch) const {
    const std::uint64_t first = epoch * epochSlots_;
    BlockId x = head;
    while (slotOf(x) > first)
        x = relay_.tree().parent(x);
    return {epoch, x};
}

bool ProofOfStake::isJustified(const View& v, const Checkpoint& c) const {
    return std::find(v.justified.begin(), v.justified.end(), c) != v.justified.end();
}

// --- Casper FFG ---------------------------------------------------------------------------------

/// At the start of `epoch`, node p justifies the checkpoints up to the epoch that ended that
/// votes from a justified source carry with 2/3 of all stake, and finalizes the latest
/// justified checkpoint whose successor epoch's checkpoint is justified from it.
void ProofOfStake::processEpoch(std::uint32_t p, std::uint64_t epoch) {
    View& v = views_[p];
    bool changed = true;
    while (changed) {
        changed = false;
        for (const auto& [link, stake] : v.links) {
            const auto& [source, target] = link;
            if (target.epoch >= epoch || !supermajority(stake) || isJustified(v, target) ||
                !isJustified(v, source))
                continue;
            justify(p, target, stake);
            changed = true;
        }
    }
    Checkpoint last = v.finalized;
    for (const auto& [link, stake] : v.links) {
        const auto& [source, target] = link;
        if (target.epoch == source.epoch + 1 && source.epoch > last.epoch && supermajority(stake) &&
            isJustified(v, source) && isJustified(v, target))
            last = source;
    }
    if (last.epoch > v.finalized.epoch) finalize(p, last);
    // What finality settled is no longer needed.
    const std::uint64_t f = v.finalized.epoch;
    std::erase_if(v.links, [f](const auto& l) { return l.first.second.epoch <= f; });
    std::erase_if(v.justified, [f](const Checkpoint& c) { return c.epoch < f; });
}

void ProofOfStake::justify(std::uint32_t p, const Checkpoint& c, double stake) {
    View& v = views_[p];
    v.justified.push_back(c);
    if (c.epoch > v.lastJustified.epoch) v.lastJustified = c;
    v.dirty = true;  // the fork choice starts from it
    if (epochJustified_.size() <= c.epoch) epochJustified_.resize(c.epoch + 1, 0);
    if (epochJustified_[c.epoch] != 0) return;
    epochJustified_[c.epoch] = 1;
    sim_->metrics().add(m_.justifiedEpochs, 1);
    if (sim_->tracing())
        sim_->trace(relay_.node(p), "ledger",
                    "justified: epoch " + std::to_string(c.epoch) + ", checkpoint " +
                        core::shortHex(relay_.tree().hash(c.root), 16) + " (slot " +
                        std::to_string(slotOf(c.root)) + "), " +
                        std::to_string(static_cast<int>(100 * stake / totalStake_)) +
                        "% of the stake voted for it");
}

/// Node p finalizes checkpoint c and every block below it.
void ProofOfStake::finalize(std::uint32_t p, const Checkpoint& c) {
    View& v = views_[p];
    const auto& tree = relay_.tree();
    sim::Metrics& M = sim_->metrics();
    // Safety: what nodes finalize lies on one chain.
    if (!tree.isAncestor(v.finalized.root, c.root) ||
        !(tree.isAncestor(highestFinal_, c.root) || tree.isAncestor(c.root, highestFinal_))) {
        M.add(m_.conflictingCommits, 1);
        if (sim_->tracing())
            sim_->trace(relay_.node(p), "ledger",
                        "conflicting finality: checkpoint " +
                            core::shortHex(tree.hash(c.root), 16) + " is not on one chain with " +
                            core::shortHex(tree.hash(highestFinal_), 16));
    }
    if (tree.isAncestor(highestFinal_, c.root)) highestFinal_ = c.root;
    v.finalized = c;
    if (decided_.size() < tree.size()) decided_.resize(tree.size(), 0);
    for (BlockId x = c.root; decided_[x] == 0; x = tree.parent(x)) {
        decided_[x] = 1;
        M.observe(m_.finalityTime, sim::toSeconds(sim_->now() - relay_.madeAt(x)));
    }
    maxFinalEpoch_ = std::max(maxFinalEpoch_, c.epoch);
    if (epochFinalized_.size() <= c.epoch) epochFinalized_.resize(c.epoch + 1, 0);
    if (epochFinalized_[c.epoch] == 0) {
        epochFinalized_[c.epoch] = 1;
        M.add(m_.finalizedEpochs, 1);
        if (sim_->tracing())
            sim_->trace(
                relay_.node(p), "ledger",
                "finalized: epoch " + std::to_string(c.epoch) + ", checkpoint " +
                    core::shortHex(tree.hash(c.root), 16) + " at height " +
                    std::to_string(tree.height(c.root)) + ", " +
                    sim::formatSeconds(sim::toSeconds(sim_->now() - relay_.madeAt(c.root))) +
                    " after it was made");
    }
    finalityChanged(p);
}

// --- what the run shows ------------------------------------------------------------------------

void ProofOfStake::finish() {
    sim_->metrics().set(m_.epochsWithoutFinality, static_cast<double>(withoutFinality_));
}

void ProofOfStake::inspect(core::TableWriter& out) const {
    const auto& tree = relay_.tree();
    out.reserve(relay_.size());
    for (std::uint32_t p = 0; p < relay_.size(); ++p) {
        const View& v = views_[p];
        const std::uint32_t i = validatorOf_[p];
        const BlockId tip = relay_.tip(p);
        auto row = out.row();
        row.node(relay_.node(p))
            .real(i == sim::kNone ? 0 : validators_[i].stake)
            .flag(relay_.up(p))
            .text(core::shortHex(tree.hash(tip), 16))
            .integer(static_cast<std::int64_t>(slotOf(tip)))
            .integer(static_cast<std::int64_t>(v.lastJustified.epoch))
            .text(core::shortHex(tree.hash(v.lastJustified.root), 16))
            .integer(static_cast<std::int64_t>(v.finalized.epoch))
            .text(core::shortHex(tree.hash(v.finalized.root), 16))
            .integer(static_cast<std::int64_t>(i == sim::kNone ? 0 : validators_[i].proposed))
            .integer(static_cast<std::int64_t>(i == sim::kNone ? 0 : validators_[i].missed))
            .integer(static_cast<std::int64_t>(i == sim::kNone ? 0 : validators_[i].attested));
    }
}

}  // namespace dais::layers::ledger
