// The ledger's nodes and block propagation, in the order a block meets them: made by its
// producer, announced or sent to peers, fetched, rebuilt (compact), validated, adopted, passed
// on; then losses and retries, and what the run reports at its end.
#include "block_relay.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "dais/ledger/block.h"

namespace dais::layers::ledger {

namespace {

using dais::ledger::BlockHeader;

// Bitcoin's P2P sizes: a 24-byte message header; an inventory entry of 36 bytes.
constexpr std::uint64_t kMessageHeader = 24;
constexpr std::uint64_t kInvBytes = kMessageHeader + 1 + 36;  // INV or GETDATA of one block
constexpr std::uint64_t kShortIdBytes = 6;                    // BIP 152 short transaction id
constexpr std::uint64_t kIndexBytes = 2;                      // a GETBLOCKTXN index (varint)
constexpr sim::SimTime kRetryAfter = 5'000'000'000;           // a failed fetch is asked again
constexpr std::uint32_t kRetries = 5;
constexpr std::uint32_t kNoEdge = 0xffffffffu;

/// The leaf that stands for a block's share of one fee class of everyday transactions: the class,
/// how many of them the chain had taken before, and how many the block takes.
core::Digest batchLeaf(std::size_t feeClass, std::uint64_t before, std::uint64_t count) {
    core::Sha256 h;
    h.add("dais.ledger.batch").addValue(static_cast<std::uint64_t>(feeClass)).addValue(before);
    h.addValue(count);
    return h.finish();
}

}  // namespace

BlockRelay::BlockRelay(core::LayerContext& ctx, const Config& cfg, const Metrics& m,
                       core::IntegrityService& integrity, std::vector<sim::NodeIndex> nodes,
                       PeerGraph peers)
    : sim_(&ctx.simulation()),
      net_(&ctx.network()),
      cfg_(cfg),
      m_(m),
      integrity_(integrity),
      nodes_(std::move(nodes)),
      peers_(std::move(peers)),
      presence_(nodes_.size()),
      pending_(nodes_.size()),
      validating_(nodes_.size()),
      load_({}, ctx.rng(0, "transactions")) {
    const auto n = static_cast<std::uint32_t>(nodes_.size());
    indexOf_.assign(net_->nodeCount(), sim::kNone);
    for (std::uint32_t p = 0; p < n; ++p)
        indexOf_[nodes_[p]] = p;
    edges_.assign(peers_.edges(), EdgeState{});
    heardAt_.assign(peers_.edges(), 0);
    if (!cfg_.announceAll) measureEdges();
    hbCount_ =
        cfg_.relay == RelayMode::Compact ? static_cast<std::uint32_t>(cfg_.highBandwidthPeers) : 0;
    hbTo_.assign(peers_.edges(), 0);
    hb_.assign(static_cast<std::size_t>(n) * hbCount_, kNoEdge);
    views_.resize(n);
    cpuScale_.resize(n, 1.0);
    relayNode_.assign(n, 0);
    lightNode_.assign(n, 0);
    for (std::uint32_t p = 0; p < n; ++p) {
        const std::string_view r = net_->role(nodes_[p]);
        relayNode_[p] = !cfg_.relayRole.empty() && r == cfg_.relayRole;
        lightNode_[p] = !cfg_.lightRole.empty() && r == cfg_.lightRole;
    }
    sim::RngStream lags = ctx.rng(0, "relay lags");
    for (std::uint32_t p = 0; p < n; ++p) {
        views_[p].lag =
            static_cast<sim::SimTime>(lags.uniform() * static_cast<double>(cfg_.txSpread));
        const sim::Resources* r = net_->resources(nodes_[p]);
        if (r != nullptr && r->cpuGflops > 0) cpuScale_[p] = cfg_.referenceGflops / r->cpuGflops;
    }
    threshold50_ = (n + 1) / 2;
    threshold90_ = static_cast<std::uint32_t>(std::ceil(0.9 * n));

    dais::ledger::TransactionLoad::Settings load;
    load.ratePerSecond = cfg_.txRate;
    load.meanBytes = static_cast<double>(cfg_.txSize);
    load.spread = cfg_.txSpread;
    load.classes = parseFeeClasses(cfg_.feeClasses).value();  // checked by the layer
    load_ = dais::ledger::TransactionLoad(std::move(load), ctx.rng(0, "transactions"));

    // The genesis block: made by nobody at time 0, held by every node.
    BlockHeader g;
    g.producer = 0;
    const auto genesis = tree_.add(g, {}, 1);
    DAIS_CHECK(genesis.ok(), "the genesis block could not be made");
    BlockInfo info;
    info.taken.count.assign(load_.classes(), 0);
    info.holders = n;
    info.verified = true;
    blocks_.push_back(std::move(info));
    for (std::uint32_t p = 0; p < n; ++p)
        presence_.give(0, p);

    display_ = ctx.display();
    bestState_ = ctx.nodeState("best chain");
    behindState_ = ctx.nodeState("behind");
    forkState_ = ctx.nodeState("fork");
    events_ = ctx.events();
    blockEvent_ = ctx.eventKind("ledger.block");
    port_ =
        net_->registerPort("ledger", &BlockRelay::onDeliveryThunk, this, &BlockRelay::onLossThunk);
    validatedKind_ = sim_->registerKind<&BlockRelay::onValidated>("ledger.validated", *this);
    // Nodes' state is scattered over ten thousand of them: a delivery or a validation is
    // otherwise a cache miss on each of the node's edges it reads.
    net_->setPortPrefetch(port_, [](void* self, sim::NodeIndex to) {
        static_cast<const BlockRelay*>(self)->prefetchNode(to);
    });
    sim_->setPrefetch(validatedKind_, [](void* self, const sim::Event& next) {
        static_cast<const BlockRelay*>(self)->prefetchNode(
            static_cast<sim::NodeIndex>(next.target));
    });
    retryKind_ = sim_->registerKind<&BlockRelay::onRetry>("ledger.retry", *this);
    net_->addFaultListener(this);
    if (display_.on())
        for (std::uint32_t p = 0; p < n; ++p)
            showState(p);
}

BlockRelay::~BlockRelay() = default;

/// Each peer edge's one-way latency: the links' mean latencies along the route its messages
/// take, as the network stands at set-up.
void BlockRelay::measureEdges() {
    edgeLatency_.assign(peers_.edges(), 0);
    for (std::uint32_t p = 0; p < size(); ++p)
        for (std::uint32_t e = peers_.begin(p); e < peers_.end(p); ++e) {
            const std::vector<sim::NodeIndex> path = net_->path(nodes_[p], nodes_[peers_.peer(e)]);
            sim::SimTime latency = 0;
            for (std::size_t i = 0; i + 1 < path.size(); ++i) {
                // The link between two steps, found from the end with fewer links (a gateway
                // has thousands).
                sim::NodeIndex from = path[i], to = path[i + 1];
                if (net_->adjacency(from).size() > net_->adjacency(to).size()) std::swap(from, to);
                sim::SimTime best = sim::kTimeNever;
                for (const sim::Adjacent& a : net_->adjacency(from))
                    if (a.node == to) best = std::min(best, net_->link(a.link).meanLatency);
                latency += best == sim::kTimeNever ? 0 : best;
            }
            edgeLatency_[e] = latency;
        }
}

core::Result<std::vector<dais::ledger::FeeClass>> parseFeeClasses(const std::string& text) {
    std::vector<dais::ledger::FeeClass> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        const std::size_t colon = item.find(':');
        char* end = nullptr;
        dais::ledger::FeeClass c;
        bool ok = colon != std::string::npos;
        if (ok) {
            const std::string fee = item.substr(0, colon), share = item.substr(colon + 1);
            c.feeRate = std::strtod(fee.c_str(), &end);
            ok = !fee.empty() && *end == '\0' && c.feeRate >= 0 && std::isfinite(c.feeRate);
            c.share = std::strtod(share.c_str(), &end);
            ok = ok && !share.empty() && *end == '\0' && c.share > 0 && std::isfinite(c.share);
        }
        if (!ok)
            return core::Error{
                "expected fee:share pairs, comma-separated (\"50:0.5,5:0.5\"; a "
                "fee >= 0 per byte, a share > 0), got \"" +
                item + "\" in \"" + text + "\""};
        out.push_back(c);
        at = comma + 1;
    }
    return out;
}

// --- making a block ----------------------------------------------------------------------------

sim::SimTime BlockRelay::horizon(std::uint32_t p) const {
    const sim::SimTime now = sim_->now();
    return now > views_[p].lag ? now - views_[p].lag : 0;
}

BlockId BlockRelay::produceOn(std::uint32_t p, BlockId parent, double work, std::uint64_t nonce,
                              std::uint64_t extraBytes, bool publish) {
    DAIS_CHECK(presence_.has(parent, p), "a node made a block on one it does not have");
    const sim::SimTime now = sim_->now();
    load_.advance(now);
    const sim::SimTime h = horizon(p);
    const dais::ledger::ClassCounts& before = blocks_[parent].taken;
    const std::uint64_t capacity = cfg_.blockSize;

    // Records compete by fee rate with the everyday load: they go in when they pay at least the
    // lowest class the block would take without them (anything, when the block has room).
    const dais::ledger::ClassCounts plain = load_.fill(h, before, capacity, 0);
    double minRate = 0;
    if (static_cast<double>(plain.total()) * load_.meanBytes() + load_.meanBytes() >
        static_cast<double>(capacity)) {
        minRate = 1e300;
        for (std::size_t c = 0; c < plain.count.size(); ++c)
            if (plain.count[c] > 0) minRate = std::min(minRate, load_.feeClass(c).feeRate);
    }
    BlockContents::Pick pick;
    if (contents_ != nullptr) pick = contents_->pick(p, parent, minRate, capacity);
    const dais::ledger::ClassCounts take =
        pick.bytes == 0 ? plain : load_.fill(h, before, capacity, pick.bytes);

    BlockInfo info;
    info.madeAt = now;
    info.horizon = h;
    info.extraBytes = extraBytes;
    info.records = std::move(pick.records);
    info.leaves = std::move(pick.leaves);
    info.taken.count.resize(take.count.size());
    double everydayFees = 0;
    for (std::size_t c = 0; c < take.count.size(); ++c) {
        info.taken.count[c] = before.count[c] + take.count[c];
        if (take.count[c] == 0) continue;
        everydayFees +=
            static_cast<double>(take.count[c]) * load_.meanBytes() * load_.feeClass(c).feeRate;
        info.leaves.push_back(batchLeaf(c, before.count[c], take.count[c]));
    }
    info.fees = pick.fees + static_cast<std::int64_t>(std::llround(everydayFees));

    BlockHeader header;
    header.height = tree_.height(parent) + 1;
    header.parent = tree_.hash(parent);
    header.txRoot = integrity_.merkleRoot(info.leaves);
    header.time = now;
    header.producer = nodes_[p];
    header.nonce = nonce;
    header.txCount = static_cast<std::uint32_t>(take.total() + info.records.size());
    header.txBytes = pick.bytes + static_cast<std::uint64_t>(std::llround(
                                      static_cast<double>(take.total()) * load_.meanBytes()));
    const core::Digest hash = dais::ledger::blockHash(header);
    const auto signature = integrity_.sign(nodes_[p], std::as_bytes(std::span(hash)));
    DAIS_CHECK(signature.ok(), "a block could not be signed: " + signature.error().message);
    const auto added = tree_.add(header, *signature, work);
    DAIS_CHECK(added.ok(), "a block could not join the tree: " + added.error().message);
    const BlockId id = *added;
    info.verified = true;  // its producer knows its own signature
    blocks_.push_back(std::move(info));
    if (contents_ != nullptr) contents_->included(id, blocks_[id].records);

    sim::Metrics& M = sim_->metrics();
    M.add(m_.blocks, 1);
    M.addNode(m_.nodeBlocks, nodes_[p], 1);
    M.add(m_.fees, static_cast<double>(blocks_[id].fees));
    M.observe(m_.blockBytes, static_cast<double>(wireBytes(id)));
    if (events_.on())
        events_.record(blockEvent_, nodes_[p], hash, "height " + std::to_string(header.height));
    if (publish) {
        adopt(p, id, kNoEdge);
    } else {  // kept back: its producer mines on it, nobody else hears of it yet
        presence_.give(id, p);
        ++blocks_[id].holders;
        setTip(p, id);
    }
    return id;
}

// --- messages ----------------------------------------------------------------------------------

void BlockRelay::send(std::uint32_t p, std::uint32_t edge, Type type, BlockId b,
                      std::uint64_t bytes) {
    const std::uint32_t q = peers_.peer(edge);
    const sim::MessageId id =
        net_->send(nodes_[p], nodes_[q], bytes, port_, pack(type, b, peers_.reverse(edge)));
    DAIS_CHECK(id != 0, "the network refused a ledger message");
    sim::Metrics& M = sim_->metrics();
    M.add(m_.bytes, static_cast<double>(bytes));
    switch (type) {
        case Type::Inv:
            M.add(m_.inv, 1);
            break;
        case Type::GetData:
        case Type::GetCompact:
        case Type::GetHeader:
            M.add(m_.getdata, 1);
            break;
        case Type::Header:
            M.add(m_.headerMessages, 1);
            break;
        case Type::Block:
            M.add(m_.blockMessages, 1);
            break;
        case Type::Compact:
            M.add(m_.compact, 1);
            break;
        case Type::GetBlockTxn:
        case Type::BlockTxn:
            M.add(m_.blockTxn, 1);
            break;
    }
}

std::uint64_t BlockRelay::compactBytes(BlockId b) const {
    return kMessageHeader + BlockHeader::kEncodedBytes + dais::ledger::kSignatureBytes + 8 + 3 +
           kShortIdBytes * tree_.header(b).txCount + blocks_[b].extraBytes;
}

void BlockRelay::onDelivery(const sim::Delivery& d) {
    const auto type = static_cast<Type>(d.payload >> 60);
    const auto b = static_cast<BlockId>((d.payload >> 32) & 0x0fffffffu);
    const auto edge = static_cast<std::uint32_t>(d.payload);
    const std::uint32_t q = indexOf(d.to);
    DAIS_CHECK(q != sim::kNone && b < tree_.size() && edge < peers_.edges(),
               "a ledger message arrived that no ledger node sent");
    switch (type) {
        case Type::Inv:
            announced(q, edge, b);
            break;
        case Type::GetData:
            send(q, edge, Type::Block, b, kMessageHeader + wireBytes(b));
            break;
        case Type::GetCompact:
            send(q, edge, Type::Compact, b, compactBytes(b));
            break;
        case Type::Block:
            received(q, edge, b, false);
            break;
        case Type::Compact:
            received(q, edge, b, true);
            break;
        case Type::GetBlockTxn: {
            // What the asker lacked when it asked, sent back with the block's hash.
            const std::uint32_t asker = peers_.peer(edge);
            const std::uint64_t count = (d.bytes - kMessageHeader - 32 - 3) / kIndexBytes;
            send(q, edge, Type::BlockTxn, b,
                 kMessageHeader + 32 + 3 +
                     static_cast<std::uint64_t>(static_cast<double>(count) * load_.meanBytes()) +
                     (contents_ ? contents_->missingBytes(asker, b) : 0));
            break;
        }
        case Type::BlockTxn:
            rebuilt(q, edge, b);
            break;
        case Type::GetHeader:
            send(q, edge, Type::Header, b,
                 kMessageHeader + 1 + BlockHeader::kEncodedBytes + dais::ledger::kSignatureBytes +
                     blocks_[b].extraBytes);
            break;
        case Type::Header:
            received(q, edge, b, false);
            break;
        default:
            DAIS_CHECK(false, "a ledger message of an unknown type arrived");
    }
}

void BlockRelay::prefetchNode(sim::NodeIndex n) const {
    const std::uint32_t q = indexOf(n);
    if (q == sim::kNone) return;
    __builtin_prefetch(&views_[q]);
    // Its edges lie side by side: a line at a time, up to eight lines (a hub's are read anyway).
    constexpr std::uint32_t kPerLine = 64 / sizeof(EdgeState);
    const std::uint32_t first = peers_.begin(q);
    const std::uint32_t end = std::min(peers_.end(q), first + 8 * kPerLine);
    for (std::uint32_t e = first; e < end; e += kPerLine)
        __builtin_prefetch(&edges_[e]);
    if (end > first) {
        __builtin_prefetch(&edges_[end - 1]);
        __builtin_prefetch(&hbTo_[first]);
    }
    peers_.prefetch(q);
}

bool BlockRelay::peerKnows(std::uint32_t edge, BlockId b) const {
    const EdgeState& s = edges_[edge];
    if (tree_.isAncestor(b, s.known)) return true;
    // An announcement that was counted and not sent tells its receiver when it would have
    // arrived.
    return s.heard != kNoBlock && tree_.isAncestor(b, s.heard) && sim_->now() >= heardAt_[edge];
}

/// Node q heard from the peer on `edge` that it has block b.
void BlockRelay::announced(std::uint32_t q, std::uint32_t edge, BlockId b) {
    if (!peerKnows(edge, b)) edges_[edge].known = b;
    if (presence_.has(b, q)) return;
    View& v = views_[q];
    if (v.want == kNoBlock || tree_.better(b, v.want)) {
        v.want = b;
        v.wantFrom = edge;
        v.retries = 0;
    }
    fetchWanted(q);
}

/// Asks for the lowest block q lacks on the way to the best block it heard of.
void BlockRelay::fetchWanted(std::uint32_t q) {
    View& v = views_[q];
    if (v.want == kNoBlock) return;
    if (presence_.has(v.want, q)) {
        v.want = kNoBlock;
        return;
    }
    BlockId a = v.want;
    while (!presence_.has(tree_.parent(a), q))
        a = tree_.parent(a);
    if (pending_.has(a, q)) return;
    pending_.give(a, q);
    send(q, v.wantFrom,
         lightNode_[q]                      ? Type::GetHeader
         : cfg_.relay == RelayMode::Compact ? Type::GetCompact
                                            : Type::GetData,
         a, kInvBytes);
}

/// A whole block, or a compact one, reached q from the peer on `edge`.
void BlockRelay::received(std::uint32_t q, std::uint32_t edge, BlockId b, bool compact) {
    if (!peerKnows(edge, b)) edges_[edge].known = b;
    if (presence_.has(b, q) || validating_.has(b, q)) {
        sim_->metrics().add(m_.duplicates, 1);
        return;
    }
    if (!presence_.has(tree_.parent(b), q)) {  // ahead of its parent: fetch in order
        announced(q, edge, b);
        return;
    }
    if (!compact) {
        if (relayNode_[q]) cutThrough(q, edge, b);
        check(q, edge, b);
        return;
    }
    // Rebuild from the mempool; ask for what it lacks.
    load_.advance(sim_->now());
    const BlockId parent = tree_.parent(b);
    dais::ledger::ClassCounts take = blocks_[b].taken;
    for (std::size_t c = 0; c < take.count.size(); ++c)
        take.count[c] -= blocks_[parent].taken.count[c];
    const sim::SimTime now = sim_->now();
    const std::uint64_t lacking = load_.missing(take, blocks_[parent].taken, blocks_[b].horizon,
                                                now > views_[q].lag ? now - views_[q].lag : 0);
    const std::uint64_t recordBytes = contents_ ? contents_->missingBytes(q, b) : 0;
    sim_->metrics().observe(m_.missingTx, static_cast<double>(lacking));
    if (lacking == 0 && recordBytes == 0) {
        rebuilt(q, edge, b);
        return;
    }
    pending_.give(b, q);
    send(q, edge, Type::GetBlockTxn, b, kMessageHeader + 32 + 3 + kIndexBytes * lacking);
}

/// q has every transaction of compact block b: it passes it on at once to the peers that asked
/// for compact blocks unasked (BIP 152 allows it before validation), then validates it.
void BlockRelay::rebuilt(std::uint32_t q, std::uint32_t edge, BlockId b) {
    if (presence_.has(b, q) || validating_.has(b, q)) {
        sim_->metrics().add(m_.duplicates, 1);
        return;
    }
    if (relayNode_[q]) cutThrough(q, edge, b);
    for (std::uint32_t e = peers_.begin(q); e < peers_.end(q); ++e) {
        if (e == edge || !hbTo_[e] || peerKnows(e, b)) continue;
        edges_[e].known = b;
        send(q, e, Type::Compact, b, compactBytes(b));
    }
    chooseHighBandwidth(q, edge);
    check(q, edge, b);
}

/// q has all of b (from the peer on `edge`) and checks it; onValidated follows.
void BlockRelay::check(std::uint32_t q, std::uint32_t edge, BlockId b) {
    validating_.give(b, q);
    pending_.give(b, q);
    sim_->scheduleIn(checkTime(q, b), nodes_[q], validatedKind_,
                     (static_cast<std::uint64_t>(b) << 32) | edge);
}

/// A relay node passes a block that has reached it whole on to every peer not known to have it,
/// at once and unchecked: compact with compact relay (the peers rebuild it), else whole.
void BlockRelay::cutThrough(std::uint32_t q, std::uint32_t edge, BlockId b) {
    for (std::uint32_t e = peers_.begin(q); e < peers_.end(q); ++e) {
        if (e == edge || lightNode_[peers_.peer(e)] || peerKnows(e, b)) continue;
        edges_[e].known = b;
        if (cfg_.relay == RelayMode::Compact)
            send(q, e, Type::Compact, b, compactBytes(b));
        else
            send(q, e, Type::Block, b, kMessageHeader + wireBytes(b));
    }
}

/// BIP 152: the peer that gave q a new block first becomes one of its high-bandwidth peers,
/// replacing the one that has been one longest.
void BlockRelay::chooseHighBandwidth(std::uint32_t q, std::uint32_t edge) {
    if (hbCount_ == 0) return;
    std::uint32_t* list = hb_.data() + static_cast<std::size_t>(q) * hbCount_;
    std::uint32_t* end = list + hbCount_;
    std::uint32_t* at = std::find(list, end, edge);
    if (at == end) {
        at = std::find(list, end, kNoEdge);
        if (at == end) {  // full: the oldest goes
            hbTo_[peers_.reverse(list[0])] = 0;
            at = list;
        }
    }
    std::rotate(at, at + 1, end);  // the chosen one last: the newest
    end[-1] = edge;
    hbTo_[peers_.reverse(edge)] = 1;
}

sim::SimTime BlockRelay::checkTime(std::uint32_t p, BlockId b) const {
    if (lightNode_[p])  // a header: its signature only
        return static_cast<sim::SimTime>(
            std::llround(integrity_.costs().verify * cpuScale_[p] * 1e9));
    const double seconds =
        (sim::toSeconds(cfg_.blockCheck) +
         static_cast<double>(tree_.header(b).txCount) * sim::toSeconds(cfg_.txCheck)) *
        cpuScale_[p];
    return static_cast<sim::SimTime>(std::llround(seconds * 1e9));
}

void BlockRelay::onValidated(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t q = indexOf(static_cast<sim::NodeIndex>(e.target));
    const auto b = static_cast<BlockId>(e.data >> 32);
    const auto edge = static_cast<std::uint32_t>(e.data);
    validating_.take(b, q);
    pending_.take(b, q);
    if (!up(q)) return;  // it crashed while checking; it will fetch the block again
    BlockInfo& info = blocks_[b];
    if (!info.verified) {  // every node checks the same bytes: once, for real
        const core::Digest& hash = tree_.hash(b);
        info.verified = integrity_.verify(tree_.header(b).producer, std::as_bytes(std::span(hash)),
                                          tree_.signature(b));
        DAIS_CHECK(info.verified, "block " + core::shortHex(hash) + " has a bad signature");
    }
    adopt(q, b, edge);
}

// --- adopting and passing on -------------------------------------------------------------------

void BlockRelay::adopt(std::uint32_t p, BlockId b, std::uint32_t fromEdge) {
    if (!presence_.give(b, p)) return;
    BlockInfo& info = blocks_[b];
    ++info.holders;
    const double age = sim::toSeconds(sim_->now() - info.madeAt);
    sim::Metrics& M = sim_->metrics();
    if (info.holders == threshold50_) M.observe(m_.propagation50, age);
    if (info.holders == threshold90_) M.observe(m_.propagation90, age);
    if (info.holders == size()) M.observe(m_.propagationAll, age);
    for (const auto& listener : blockListeners_)
        listener(p, b);
    if (p == withholder_ && fromEdge != kNoEdge) {  // its strategy decides what it follows
        fetchWanted(p);
        withheld_(b);
        return;
    }
    if (forkChoice_) {  // the consensus rule's choice; every valid block is passed on
        const BlockId head = forkChoice_(p);
        if (head != views_[p].tip) setTip(p, head);
        relay(p, b, fromEdge);
        fetchWanted(p);
        return;
    }
    // More work wins; between equal work the node keeps the tip it saw first (Bitcoin's rule).
    if (tree_.chainWork(b) > tree_.chainWork(views_[p].tip) && (!follows_ || follows_(p, b))) {
        setTip(p, b);
        relay(p, b, fromEdge);
    }
    fetchWanted(p);
}

void BlockRelay::relay(std::uint32_t p, BlockId b, std::uint32_t fromEdge) {
    if (lightNode_[p]) return;  // a light client passes nothing on
    // An announcement reads the peer's side of the edge, scattered over the network: ask for
    // all of them before the first is needed, so that their loads overlap.
    for (std::uint32_t e = peers_.begin(p); e < peers_.end(p); ++e)
        __builtin_prefetch(&edges_[peers_.reverse(e)]);
    for (std::uint32_t e = peers_.begin(p); e < peers_.end(p); ++e) {
        if (e == fromEdge || peerKnows(e, b)) continue;
        edges_[e].known = b;
        if (lightNode_[peers_.peer(e)]) {  // light clients are only told
            announce(p, e, b);
            continue;
        }
        switch (cfg_.relay) {
            case RelayMode::Inv:
                announce(p, e, b);
                break;
            case RelayMode::Push:
                send(p, e, Type::Block, b, kMessageHeader + wireBytes(b));
                break;
            case RelayMode::Compact:
                if (hbTo_[e])
                    send(p, e, Type::Compact, b, compactBytes(b));
                else
                    announce(p, e, b);
                break;
        }
    }
}

/// An announcement of b from p on edge e. One the peer would only take note of (it holds b, or
/// is fetching or checking it) is counted and not sent, unless announce_all: what the peer
/// learns from it, that p has b, it learns when the announcement would have arrived (after the
/// path's latency); a peer that holds b has passed it on already, so it learns it at once.
void BlockRelay::announce(std::uint32_t p, std::uint32_t e, BlockId b) {
    const std::uint32_t q = peers_.peer(e);
    const bool holds = presence_.has(b, q);
    if (cfg_.announceAll || !(holds || pending_.has(b, q))) {
        send(p, e, Type::Inv, b, kInvBytes);
        return;
    }
    const std::uint32_t back = peers_.reverse(e);
    if (holds) {
        if (!peerKnows(back, b)) edges_[back].known = b;
    } else if (!peerKnows(back, b)) {
        edges_[back].heard = b;
        heardAt_[back] = sim_->now() + edgeLatency_[e];
    }
    sim::Metrics& M = sim_->metrics();
    M.add(m_.inv, 1);
    M.add(m_.bytes, static_cast<double>(kInvBytes));
}

void BlockRelay::setTip(std::uint32_t p, BlockId b) {
    const BlockId old = views_[p].tip;
    views_[p].tip = b;
    if (!tree_.isAncestor(old, b)) {
        sim_->metrics().add(m_.reorgs, 1);
        sim_->metrics().observe(
            m_.reorgDepth,
            static_cast<double>(tree_.height(old) - tree_.height(tree_.commonAncestor(old, b))));
    }
    for (const auto& listener : tipListeners_)
        listener(p, old, b);
    // The best chain is what the nodes follow in the open: a block kept back is not on it.
    if (tree_.chainWork(b) > tree_.chainWork(best_) && !(p == withholder_ && keptBack(p, b))) {
        const BlockId oldBest = best_;
        best_ = b;
        if (!tree_.isAncestor(oldBest, b))
            for (const auto& listener : reorgListeners_)
                listener(oldBest, b);
        if (display_.on())
            for (std::uint32_t i = 0; i < size(); ++i)
                showState(i);
        return;
    }
    if (forkChoice_ && old == best_ && b != best_ && chooseBestAgain()) return;
    showState(p);
}

/// With a consensus rule's fork choice a node may leave the best chain for one of less work;
/// once nobody follows it, the best chain is the tip of the most work a node follows (the first
/// such node's). Returns whether it changed.
bool BlockRelay::chooseBestAgain() {
    BlockId chosen = views_[0].tip;
    for (const View& v : views_) {
        if (v.tip == best_) return false;
        if (tree_.chainWork(v.tip) > tree_.chainWork(chosen)) chosen = v.tip;
    }
    const BlockId oldBest = best_;
    best_ = chosen;
    if (!tree_.isAncestor(oldBest, chosen))
        for (const auto& listener : reorgListeners_)
            listener(oldBest, chosen);
    if (display_.on())
        for (std::uint32_t i = 0; i < size(); ++i)
            showState(i);
    return true;
}

void BlockRelay::withhold(std::uint32_t p, std::function<void(BlockId)> onBlock) {
    withholder_ = p;
    withheld_ = std::move(onBlock);
}

void BlockRelay::follow(std::uint32_t p, BlockId b) {
    if (views_[p].tip != b) setTip(p, b);
}

void BlockRelay::publish(std::uint32_t p, BlockId upTo) {
    // The blocks kept back up to upTo, oldest first.
    std::vector<BlockId> unpublished;
    for (BlockId b = upTo; b != 0 && blocks_[b].holders == 1 && presence_.has(b, p);
         b = tree_.parent(b))
        unpublished.push_back(b);
    for (auto it = unpublished.rbegin(); it != unpublished.rend(); ++it)
        relay(p, *it, kNoEdge);
}

void BlockRelay::sendBlock(std::uint32_t p, std::uint32_t e, BlockId b) {
    edges_[e].known = b;
    send(p, e, Type::Block, b, kMessageHeader + wireBytes(b));
}

void BlockRelay::learnOf(std::uint32_t q, std::uint32_t from, BlockId b) {
    if (presence_.has(b, q)) return;
    for (std::uint32_t e = peers_.begin(q); e < peers_.end(q); ++e)
        if (peers_.peer(e) == from) {
            announced(q, e, b);
            return;
        }
    for (std::uint32_t e = peers_.begin(q); e < peers_.end(q); ++e)
        if (peerKnows(e, b)) {
            announced(q, e, b);
            return;
        }
}

void BlockRelay::showState(std::uint32_t p) {
    if (!display_.on()) return;
    const BlockId t = views_[p].tip;
    display_.state(nodes_[p], t == best_                   ? bestState_
                              : tree_.isAncestor(t, best_) ? behindState_
                                                           : forkState_);
}

// --- losses ------------------------------------------------------------------------------------

void BlockRelay::onLoss(const sim::Loss& l) {
    sim_->metrics().add(m_.lost, 1);
    const auto type = static_cast<Type>(l.payload >> 60);
    const auto b = static_cast<BlockId>((l.payload >> 32) & 0x0fffffffu);
    switch (type) {
        case Type::GetData:
        case Type::GetCompact:
        case Type::GetBlockTxn:
        case Type::GetHeader:
            requestFailed(indexOf(l.from), b);
            break;
        case Type::Block:
        case Type::Compact:
        case Type::BlockTxn:
        case Type::Header: {
            const std::uint32_t q = indexOf(l.to);
            if (pending_.has(b, q) && !validating_.has(b, q)) requestFailed(q, b);
            break;
        }
        default:
            break;  // a lost announcement: the next one will do
    }
}

void BlockRelay::requestFailed(std::uint32_t q, BlockId b) {
    pending_.take(b, q);
    View& v = views_[q];
    if (v.retries >= kRetries || v.want == kNoBlock) return;
    ++v.retries;
    sim_->scheduleIn(kRetryAfter, nodes_[q], retryKind_);
}

/// Asks again, of the next peer known to have the wanted block.
void BlockRelay::onRetry(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t q = indexOf(static_cast<sim::NodeIndex>(e.target));
    View& v = views_[q];
    if (v.want == kNoBlock || !up(q)) return;
    const std::uint32_t first = peers_.begin(q), degree = peers_.degree(q);
    for (std::uint32_t i = 1; i <= degree; ++i) {
        const std::uint32_t edge = first + (v.wantFrom - first + i) % degree;
        if (peerKnows(edge, v.want)) {
            v.wantFrom = edge;
            break;
        }
    }
    fetchWanted(q);
}

void BlockRelay::onNodeUp(sim::NodeIndex node, bool isUp) {
    const std::uint32_t p = indexOf(node);
    if (p == sim::kNone) return;
    for (const auto& listener : upListeners_)
        listener(p, isUp);
    if (!isUp) return;
    views_[p].retries = 0;
    fetchWanted(p);
}

// --- the end -----------------------------------------------------------------------------------

void BlockRelay::finish() {
    sim::Metrics& M = sim_->metrics();
    const auto made = static_cast<double>(tree_.size() - 1);
    const std::uint64_t height = tree_.height(best_);
    const double stale = made - static_cast<double>(height);
    M.set(m_.height, static_cast<double>(height));
    M.set(m_.stale, stale);
    M.set(m_.staleRate, made > 0 ? stale / made : 0);
    // Lost branches: each leaf off the best chain, by its blocks off it.
    std::vector<char> hasChild(tree_.size(), 0);
    for (BlockId b = 1; b < tree_.size(); ++b)
        hasChild[tree_.parent(b)] = 1;
    for (BlockId b = 1; b < tree_.size(); ++b)
        if (!hasChild[b] && !tree_.isAncestor(b, best_))
            M.observe(m_.forkDepth,
                      static_cast<double>(tree_.height(b) -
                                          tree_.height(tree_.commonAncestor(b, best_))));
    // Time to finality: a block is final once the block `confirmations - 1` above it is made
    // (other rules observe it as their blocks become final).
    const auto depth = static_cast<std::uint64_t>(std::max<std::int64_t>(cfg_.confirmations, 1));
    for (std::uint64_t h = 1;
         cfg_.consensus == ConsensusKind::ProofOfWork && h + depth - 1 <= height; ++h) {
        const BlockId b = tree_.ancestorAt(best_, h);
        const BlockId last = tree_.ancestorAt(best_, h + depth - 1);
        M.observe(m_.finalityTime, sim::toSeconds(blocks_[last].madeAt - blocks_[b].madeAt));
    }
    std::uint64_t transactions = 0;
    for (BlockId b = best_; b != 0; b = tree_.parent(b)) {
        transactions += tree_.header(b).txCount;
        M.observe(m_.blockInterval,
                  sim::toSeconds(blocks_[b].madeAt - blocks_[tree_.parent(b)].madeAt));
    }
    M.set(m_.txConfirmed, static_cast<double>(transactions));
    const double seconds = sim::toSeconds(sim_->now());
    M.set(m_.tps, seconds > 0 ? static_cast<double>(transactions) / seconds : 0);
    load_.advance(sim_->now());
    std::uint64_t waiting = 0;
    for (std::size_t c = 0; c < load_.classes(); ++c) {
        const std::uint64_t arrived = load_.arrived(c, sim_->now());
        waiting += arrived - std::min(arrived, blocks_[best_].taken.count[c]);
    }
    M.set(m_.mempool, static_cast<double>(waiting));

    // The best chain, checked as a node that is handed it would check it.
    const std::vector<dais::ledger::SignedBlock> chain = tree_.chain(best_);
    dais::ledger::ChainChecks checks;
    checks.signature = [this](const BlockHeader& h, const core::Digest& hash,
                              const dais::ledger::Signature& signature) {
        if (h.height == 0) return true;  // the genesis block is nobody's
        const auto id = tree_.find(hash);
        return integrity_.verify(h.producer, std::as_bytes(std::span(hash)), signature) && id &&
               integrity_.merkleRoot(blocks_[*id].leaves) == h.txRoot;
    };
    const auto failed = dais::ledger::firstInvalid(chain, checks);
    M.set(m_.verifiedHeight,
          failed ? static_cast<double>(*failed) - 1 : static_cast<double>(height));
    std::uint64_t divergence = 0;
    for (std::uint32_t p = 0; p < size(); ++p) {
        if (!up(p)) continue;
        const BlockId common = tree_.commonAncestor(views_[p].tip, best_);
        divergence = std::max(divergence, height - tree_.height(common));
    }
    M.set(m_.divergence, static_cast<double>(divergence));
}

void BlockRelay::inspectBlocks(core::TableWriter& out) const {
    out.reserve(tree_.size());
    for (BlockId b = 0; b < tree_.size(); ++b) {
        const BlockHeader& h = tree_.header(b);
        auto row = out.row();
        row.text(core::shortHex(tree_.hash(b), 16));
        if (b == 0)
            row.text("");
        else
            row.text(core::shortHex(tree_.hash(tree_.parent(b)), 16));
        row.integer(static_cast<std::int64_t>(h.height));
        if (b == 0)
            row.none();
        else
            row.node(h.producer);
        row.time(blocks_[b].madeAt)
            .integer(h.txCount)
            .integer(static_cast<std::int64_t>(blocks_[b].records.size()))
            .bytes(wireBytes(b))
            .integer(blocks_[b].fees)
            .integer(blocks_[b].holders)
            .flag(tree_.isAncestor(b, best_));
    }
}

}  // namespace dais::layers::ledger
