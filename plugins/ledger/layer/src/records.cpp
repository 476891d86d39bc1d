// The ledger service's records: submitted, flooded to the producers, taken into blocks, final on
// their entry node's chain or dropped at their timeout, reverted by reorganisations, queried and
// verified against the best chain.
#include "records.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "dais/ledger/block.h"

namespace dais::layers::ledger {

namespace {
constexpr std::uint32_t kFromOutside = 0xffffffffu;  // a record entering from its sender
constexpr std::uint64_t kTxOverhead = 24 + 4 + 2 + 32 + 8 + 8 + 64;  // header, fields, signature
}  // namespace

Records::Records(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg, const Metrics& m,
                 core::IntegrityService& integrity)
    : sim_(&ctx.simulation()),
      net_(&ctx.network()),
      relay_(relay),
      cfg_(cfg),
      m_(m),
      integrity_(integrity) {
    // A record that names no fee pays the best class's rate: it gets into the next block.
    for (std::size_t c = 0; c < relay_.load().classes(); ++c)
        defaultFeeRate_ = std::max(defaultFeeRate_, relay_.load().feeClass(c).feeRate);
    waitingAt_.assign(relay_.size(), 0);
    events_ = ctx.events();
    recordEvent_ = ctx.eventKind("ledger.record");
    port_ = net_->registerPort("ledger.tx", &Records::onDeliveryThunk, this);
    timeoutKind_ = sim_->registerKind<&Records::onTimeout>("ledger.record_timeout", *this);
    relay_.onTipChange([this](std::uint32_t p, BlockId, BlockId tip) { tipChanged(p, tip); });
    relay_.onBestReorg([this](BlockId oldTip, BlockId newTip) { bestReorg(oldTip, newTip); });
    relay_.setContents(this);
}

core::Digest Records::transactionId(const Transaction& tx) {
    core::Sha256 h;
    h.add("dais.ledger.record").addValue(static_cast<std::uint32_t>(tx.from));
    h.addValue(static_cast<std::uint64_t>(tx.topic.size())).add(tx.topic).add(tx.digest);
    h.addValue(static_cast<std::uint64_t>(tx.content.size())).add(tx.content);
    h.addValue(tx.bytes).addValue(tx.fee);
    return h.finish();
}

// --- submitting and flooding -------------------------------------------------------------------

void Records::record(const Transaction& tx, std::function<void(const Receipt&)> done) {
    const core::Digest id = transactionId(tx);
    if (const auto it = byId_.find(id); it != byId_.end()) {
        // The same transaction again: it is the same record; the caller hears when it does.
        Record& r = records_[it->second];
        auto first = std::move(r.done);
        r.done = [first = std::move(first), done = std::move(done)](const Receipt& receipt) {
            if (first) first(receipt);
            if (done) done(receipt);
        };
        return;
    }
    const auto index = static_cast<std::uint32_t>(records_.size());
    Record r;
    r.tx = tx;
    r.id = id;
    r.wireBytes = kTxOverhead + tx.topic.size() + tx.content.size() + tx.bytes;
    r.feeRate = tx.fee > 0 ? static_cast<double>(tx.fee) / static_cast<double>(r.wireBytes)
                           : defaultFeeRate_;
    r.submittedAt = sim_->now();
    r.heard.assign((relay_.size() + 63) / 64, 0);
    r.done = std::move(done);
    // It enters the ledger at its sender if the sender runs it, else at a ledger node drawn for
    // the sender (its wallet's server), where it travels first.
    std::uint32_t entry = relay_.indexOf(tx.from);
    if (entry == sim::kNone) {
        sim::RngStream rng = sim_->rng("ledger", tx.from, "entry");
        entry = static_cast<std::uint32_t>(rng.below(relay_.size()));
    }
    r.entry = entry;
    r.timeout = sim_->scheduleIn(cfg_.recordTimeout, relay_.node(entry), timeoutKind_, index);
    records_.push_back(std::move(r));
    byId_.emplace(id, index);
    open_.push_back(index);
    ++waitingAt_[entry];
    sim_->metrics().add(m_.recordsSubmitted, 1);
    if (relay_.node(entry) == tx.from) {
        hear(entry, index, kFromOutside);
    } else {
        const sim::MessageId msg =
            net_->send(tx.from, relay_.node(entry), records_[index].wireBytes, port_,
                       (static_cast<std::uint64_t>(index) << 32) | kFromOutside);
        DAIS_CHECK(msg != 0, "the network refused a record");
        sim_->metrics().add(m_.txMessages, 1);
        sim_->metrics().add(m_.bytes, static_cast<double>(records_[index].wireBytes));
    }
}

void Records::onDelivery(const sim::Delivery& d) {
    const auto index = static_cast<std::uint32_t>(d.payload >> 32);
    const auto edge = static_cast<std::uint32_t>(d.payload);
    const std::uint32_t q = relay_.indexOf(d.to);
    DAIS_CHECK(index < records_.size() && q != sim::kNone, "a record arrived that nobody sent");
    hear(q, index, edge);
}

/// Node q hears of record `index` (from the peer on fromEdge) and passes it on to its other peers.
void Records::hear(std::uint32_t q, std::uint32_t index, std::uint32_t fromEdge) {
    Record& r = records_[index];
    if (heard(r, q) || r.state == State::Dropped) return;
    r.heard[q >> 6] |= std::uint64_t{1} << (q & 63);
    const PeerGraph& g = relay_.peers();
    for (std::uint32_t e = g.begin(q); e < g.end(q); ++e) {
        if (e == fromEdge) continue;
        const sim::MessageId msg =
            net_->send(relay_.node(q), relay_.node(g.peer(e)), r.wireBytes, port_,
                       (static_cast<std::uint64_t>(index) << 32) | g.reverse(e));
        DAIS_CHECK(msg != 0, "the network refused a record");
        sim_->metrics().add(m_.txMessages, 1);
        sim_->metrics().add(m_.bytes, static_cast<double>(r.wireBytes));
    }
}

// --- into blocks -------------------------------------------------------------------------------

BlockId Records::blockOn(const Record& r, BlockId tip) const {
    for (const BlockId b : r.blocks)
        if (relay_.onChain(b, tip)) return b;
    return kNoBlock;
}

BlockContents::Pick Records::pick(std::uint32_t p, BlockId parent, double minFeeRate,
                                  std::uint64_t room) {
    Pick out;
    std::vector<std::uint32_t> candidates;
    for (const std::uint32_t i : open_) {
        const Record& r = records_[i];
        if (heard(r, p) && r.feeRate >= minFeeRate && blockOn(r, parent) == kNoBlock)
            candidates.push_back(i);
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [this](std::uint32_t a, std::uint32_t b) {
                         return records_[a].feeRate > records_[b].feeRate;
                     });
    for (const std::uint32_t i : candidates) {
        const Record& r = records_[i];
        if (out.bytes + r.wireBytes > room) continue;
        out.records.push_back(i);
        out.leaves.push_back(r.id);
        out.bytes += r.wireBytes;
        out.fees +=
            static_cast<std::int64_t>(std::llround(r.feeRate * static_cast<double>(r.wireBytes)));
    }
    return out;
}

void Records::included(BlockId b, std::span<const std::uint32_t> records) {
    for (const std::uint32_t i : records) {
        Record& r = records_[i];
        r.blocks.push_back(b);
        if (r.state == State::Waiting) r.state = State::InBlock;
    }
}

std::uint64_t Records::missingBytes(std::uint32_t q, BlockId b) const {
    std::uint64_t bytes = 0;
    for (const std::uint32_t i : relay_.records(b))
        if (!heard(records_[i], q)) bytes += records_[i].wireBytes;
    return bytes;
}

// --- final, dropped, reverted ------------------------------------------------------------------

void Records::tipChanged(std::uint32_t p, BlockId tip) {
    if (waitingAt_[p] == 0 || consensus_ == nullptr) return;
    for (std::size_t k = 0; k < open_.size();) {
        Record& r = records_[open_[k]];
        const BlockId b = r.entry == p ? blockOn(r, tip) : kNoBlock;
        if (b != kNoBlock && consensus_->final(p, b, tip)) {
            finalize(r, b);
            open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(k));
            --waitingAt_[p];
            continue;
        }
        ++k;
    }
}

core::LedgerService::Receipt Records::receipt(const Record& r, BlockId b, Status status) const {
    Receipt out;
    out.status = status;
    out.txId = r.id;
    out.submittedAt = r.submittedAt;
    out.finalAt = r.finalAt;
    out.fee = static_cast<core::Amount>(std::llround(r.feeRate * static_cast<double>(r.wireBytes)));
    if (b == kNoBlock) return out;
    const auto& tree = relay_.tree();
    out.height = tree.height(b);
    out.blockHash = tree.hash(b);
    out.txRoot = tree.header(b).txRoot;
    const auto leaves = relay_.leaves(b);
    const auto at = std::find(leaves.begin(), leaves.end(), r.id);
    out.index = static_cast<std::uint32_t>(at - leaves.begin());
    if (auto proof = integrity_.inclusionProof(leaves, out.index)) out.proof = proof->path;
    return out;
}

void Records::finalize(Record& r, BlockId b) {
    const bool again = r.told;
    r.state = State::Final;
    r.finalAt = sim_->now();
    if (r.timeout.valid()) {
        sim_->cancel(r.timeout);
        r.timeout = {};
    }
    if (again) return;  // final again after a reorganisation: already told and counted
    r.told = true;
    sim::Metrics& M = sim_->metrics();
    M.add(m_.recordsFinal, 1);
    M.observe(m_.recordLatency, sim::toSeconds(r.finalAt - r.submittedAt));
    const Receipt out = receipt(r, b, Status::Final);
    M.add(m_.recordFees, static_cast<double>(out.fee));
    if (events_.on())
        events_.record(recordEvent_, r.tx.from, r.tx.digest,
                       r.tx.topic + " in block " + std::to_string(out.height));
    if (r.done) r.done(out);
}

void Records::onTimeout(sim::Simulation&, const sim::Event& e) {
    const auto index = static_cast<std::uint32_t>(e.data);
    Record& r = records_[index];
    r.timeout = {};
    if (r.state == State::Final || r.state == State::Dropped) return;
    const auto it = std::find(open_.begin(), open_.end(), index);
    if (it != open_.end()) {
        open_.erase(it);
        --waitingAt_[r.entry];
    }
    std::uint32_t heardBy = 0;
    for (const std::uint64_t w : r.heard)
        heardBy += static_cast<std::uint32_t>(std::popcount(w));
    r.state = State::Dropped;
    sim_->metrics().add(m_.recordsDropped, 1);
    Receipt out = receipt(r, kNoBlock, Status::Dropped);
    out.reason =
        heardBy == 0 ? "no ledger node received it (its sender is down or cut off)"
        : r.blocks.empty()
            ? "no block took it within " + sim::formatSeconds(sim::toSeconds(cfg_.recordTimeout)) +
                  " (" + std::to_string(heardBy) + " of " + std::to_string(relay_.size()) +
                  " ledger nodes had heard of it)"
            : "not final within " + sim::formatSeconds(sim::toSeconds(cfg_.recordTimeout)) +
                  " on the chain of the node it entered by";
    r.told = true;
    if (r.done) r.done(out);
}

void Records::bestReorg(BlockId oldTip, BlockId newTip) {
    Reorg reorg;
    const auto& tree = relay_.tree();
    reorg.forkHeight = tree.height(tree.commonAncestor(oldTip, newTip));
    reorg.oldTip = tree.hash(oldTip);
    reorg.newTip = tree.hash(newTip);
    reorg.at = sim_->now();
    for (std::uint32_t i = 0; i < records_.size(); ++i) {
        Record& r = records_[i];
        if (r.state != State::Final || blockOn(r, newTip) != kNoBlock) continue;
        r.state = State::Reverted;
        reorg.reverted.push_back(r.id);
        open_.push_back(i);
        ++waitingAt_[r.entry];
        sim_->metrics().add(m_.recordsReverted, 1);
    }
    for (const auto& [id, watcher] : watchers_)
        watcher(reorg);
}

core::LedgerService::WatchId Records::onReorg(std::function<void(const Reorg&)> watcher) {
    const WatchId id = nextWatch_++;
    watchers_.emplace(id, std::move(watcher));
    return id;
}

void Records::stopWatching(WatchId id) {
    watchers_.erase(id);
}

// --- reading -----------------------------------------------------------------------------------

std::vector<core::LedgerService::Entry> Records::query(const Query& q) const {
    std::vector<Entry> out;
    const BlockId best = relay_.best();
    for (const Record& r : records_) {
        if (!q.topic.empty() && r.tx.topic != q.topic) continue;
        if (q.from && r.tx.from != *q.from) continue;
        if (q.digest && r.tx.digest != *q.digest) continue;
        const BlockId b = blockOn(r, best);
        if (b == kNoBlock || consensus_ == nullptr || !consensus_->final(r.entry, b, best))
            continue;
        const std::uint64_t h = relay_.tree().height(b);
        if (h < q.fromHeight || h > q.toHeight) continue;
        out.push_back({r.tx, receipt(r, b, Status::Final)});
    }
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
        return a.receipt.height != b.receipt.height ? a.receipt.height < b.receipt.height
                                                    : a.receipt.index < b.receipt.index;
    });
    if (out.size() > q.limit) out.resize(q.limit);
    return out;
}

bool Records::verify(const Transaction& tx, const Receipt& receipt) const {
    if (transactionId(tx) != receipt.txId) return false;
    const auto& tree = relay_.tree();
    const BlockId best = relay_.best();
    if (receipt.height > tree.height(best)) return false;
    const BlockId b = tree.ancestorAt(best, receipt.height);
    if (tree.hash(b) != receipt.blockHash || tree.header(b).txRoot != receipt.txRoot) return false;
    core::IntegrityService::InclusionProof proof;
    proof.index = receipt.index;
    proof.treeSize = relay_.leaves(b).size();
    proof.path = receipt.proof;
    return integrity_.verifyInclusion(receipt.txId, proof, receipt.txRoot);
}

void Records::inspect(core::TableWriter& out) const {
    out.reserve(records_.size());
    const BlockId best = relay_.best();
    for (std::uint32_t i = 0; i < records_.size(); ++i) {
        const Record& r = records_[i];
        auto row = out.row();
        row.integer(i + 1).text(r.tx.topic).node(r.tx.from).text(core::shortHex(r.tx.digest, 16));
        row.time(r.submittedAt);
        const BlockId b = blockOn(r, best);
        if (b == kNoBlock)
            row.none();
        else
            row.integer(static_cast<std::int64_t>(relay_.tree().height(b)));
        if (r.state == State::Final)
            row.time(r.finalAt);
        else
            row.none();
        static constexpr const char* kNames[] = {"waiting", "in a block", "final", "dropped",
                                                 "reverted"};
        row.text(kNames[static_cast<int>(r.state)]);
        row.text(r.tx.content);
    }
}

}  // namespace dais::layers::ledger
