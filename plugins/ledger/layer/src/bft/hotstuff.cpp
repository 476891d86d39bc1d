// Chained HotStuff over the block relay: the validators and their Byzantine minority, proposals
// and votes, certificates, the lock and the three-chain commit, the pacemaker's timeouts and
// NEW-VIEW messages, and what the run reports.
#include "bft/hotstuff.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <string>

namespace dais::layers::ledger {

namespace {

/// The nonce bit that tells an equivocating leader's second block from its first (a real
/// equivocator would vary anything else, its transactions say; the view is the nonce's rest).
constexpr std::uint64_t kTwin = std::uint64_t{1} << 63;
/// A vote: type, view, block hash, voter, Ed25519 signature.
constexpr std::uint64_t kVoteBytes = 1 + 8 + 32 + 4 + 64;
/// A NEW-VIEW: type, view asked for, sender, Ed25519 signature; its QC comes on top, and its
/// latest vote (view, block hash, signature) when it carries one.
constexpr std::uint64_t kNewViewBytes = 1 + 8 + 4 + 64;
constexpr std::uint64_t kCarriedVoteBytes = 8 + 32 + 64;
/// A quorum certificate: view and block hash, then per vote the voter and its signature.
constexpr std::uint64_t kCertificateHead = 8 + 32;
constexpr std::uint64_t kCertificateVote = 4 + 64;
/// A timeout certificate: the view, then per NEW-VIEW its sender, its QC's view and signature.
constexpr std::uint64_t kTimeoutHead = 8;
constexpr std::uint64_t kTimeoutVote = 4 + 8 + 64;
/// The view timer doubles after each failed view, up to this many times.
constexpr std::uint32_t kMaxDoublings = 6;

constexpr std::uint64_t kTypeShift = 62;
constexpr std::uint64_t kVoterMask = (std::uint64_t{1} << 30) - 1;

}  // namespace

HotStuff::HotStuff(core::LayerContext& ctx, BlockRelay& relay, const Config& cfg, const Metrics& m,
                   core::IntegrityService& integrity)
    : sim_(&ctx.simulation()),
      net_(&ctx.network()),
      relay_(relay),
      cfg_(cfg),
      m_(m),
      costs_(integrity.costs()) {
    validatorOf_.assign(relay_.size(), sim::kNone);
    for (std::uint32_t p = 0; p < relay_.size(); ++p) {
        if (!relay_.mayProduce(p)) continue;
        validatorOf_[p] = static_cast<std::uint32_t>(validators_.size());
        Validator v;
        v.node = p;
        const sim::Resources* res = net_->resources(relay_.node(p));
        if (res != nullptr && res->cpuGflops > 0 && costs_.referenceFlopsPerSecond > 0)
            v.cpuScale = costs_.referenceFlopsPerSecond / (res->cpuGflops * 1e9);
        validators_.push_back(std::move(v));
    }
    if (validators_.empty())
        ctx.failParam("miner_role", "no ledger node validates: none has the role \"" +
                                        cfg_.minerRole +
                                        "\" (relay nodes and light clients do "
                                        "not validate)");
    const auto n = validators();
    f_ = (n - 1) / 3;
    quorum_ = (n + f_) / 2 + 1;
    for (Validator& v : validators_)
        v.asked.assign(n, 0);
    chooseByzantine(ctx);

    committed_.assign(relay_.size(), relay_.genesis());
    lastCommit_.assign(relay_.size(), -1);
    port_ =
        net_->registerPort("ledger.bft", &HotStuff::onDeliveryThunk, this, &HotStuff::onLossThunk);
    timerKind_ = sim_->registerKind<&HotStuff::onTimer>("ledger.bft_timer", *this);
    voteKind_ = sim_->registerKind<&HotStuff::onVoteReady>("ledger.bft_vote", *this);
    certifiedKind_ = sim_->registerKind<&HotStuff::onCertified>("ledger.bft_certified", *this);
    proposeKind_ = sim_->registerKind<&HotStuff::onProposeTime>("ledger.bft_propose", *this);
    newViewKind_ = sim_->registerKind<&HotStuff::onNewViewChecked>("ledger.bft_new_view", *this);
    relay_.onBlock([this](std::uint32_t p, BlockId b) { received(p, b); });
    // A node follows only blocks that extend what it has committed.
    relay_.setFollows(
        [this](std::uint32_t p, BlockId b) { return relay_.tree().isAncestor(committed_[p], b); });
}

/// bft_byzantine: a count (that many validators drawn from the run's seed) or a comma-separated
/// list of node ids, each a validator.
void HotStuff::chooseByzantine(core::LayerContext& ctx) {
    const std::string& text = cfg_.bftByzantine;
    if (text.empty()) return;
    const Role role =
        cfg_.bftBehaviour == ByzantineBehaviour::Silent ? Role::Silent : Role::Equivocate;
    const auto n = validators();
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        if (text.size() > 9 || std::stoull(text) > n)
            ctx.failParam("bft_byzantine",
                          text + " Byzantine validators, but there are only " + std::to_string(n));
        const auto k = static_cast<std::uint32_t>(std::stoull(text));
        std::vector<std::uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        sim::RngStream rng = ctx.rng(0, "byzantine");
        for (std::uint32_t i = 0; i < k; ++i) {
            std::swap(order[i], order[i + rng.below(n - i)]);
            validators_[order[i]].role = role;
        }
        return;
    }
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        std::string id = text.substr(at, comma - at);
        id.erase(0, id.find_first_not_of(' '));
        id.erase(id.find_last_not_of(' ') + 1);
        const sim::NodeIndex node = net_->findNode(id);
        if (node == sim::kNone)
            ctx.failParam("bft_byzantine",
                          "expected a count or comma-separated node ids; there is no node \"" + id +
                              "\" in \"" + text + "\"");
        const std::uint32_t p = relay_.indexOf(node);
        if (p == sim::kNone || validatorOf_[p] == sim::kNone)
            ctx.failParam("bft_byzantine", "\"" + id +
                                               "\" is not a validator (a ledger node of "
                                               "miner_role)");
        validators_[validatorOf_[p]].role = role;
        at = comma + 1;
    }
}

std::uint64_t HotStuff::viewOf(BlockId b) const {
    return relay_.tree().header(b).nonce & ~kTwin;
}

std::uint32_t HotStuff::validatorAt(sim::NodeIndex node) const {
    const std::uint32_t p = relay_.indexOf(node);
    return p == sim::kNone ? sim::kNone : validatorOf_[p];
}

bool HotStuff::honest(std::uint32_t p) const {
    return validatorOf_[p] == sim::kNone || validators_[validatorOf_[p]].role == Role::Honest;
}

std::uint64_t HotStuff::certificateBytes() const {
    return kCertificateHead + kCertificateVote * quorum_;
}

std::uint64_t HotStuff::timeoutCertificateBytes() const {
    return kTimeoutHead + kTimeoutVote * quorum_;
}

sim::SimTime HotStuff::cpu(const Validator& v, double seconds) const {
    return static_cast<sim::SimTime>(std::llround(seconds * v.cpuScale * 1e9));
}

sim::SimTime HotStuff::viewLength(const Validator& v) const {
    return cfg_.interval +
           cfg_.viewTimeout * (sim::SimTime{1} << std::min(v.failures, kMaxDoublings));
}

void HotStuff::start() {
    for (std::uint32_t i = 0; i < validators(); ++i)
        enterView(i, 1);
}

bool HotStuff::final(std::uint32_t p, BlockId b, BlockId) const {
    return relay_.tree().isAncestor(b, committed_[p]);
}

void HotStuff::nodeUp(std::uint32_t p, bool up) {
    const std::uint32_t i = validatorOf_[p];
    if (i == sim::kNone || !up) return;
    // Back from a crash with what it had stored: its view starts afresh.
    validators_[i].deadline = sim_->now() + viewLength(validators_[i]);
    armTimer(i);
    tryPropose(i);
}

// --- blocks and certificates -------------------------------------------------------------------

/// Node p got block b: b's QC certifies b's parent; a validator then considers voting for it.
void HotStuff::received(std::uint32_t p, BlockId b) {
    if (b == relay_.genesis()) return;
    certified(p, relay_.tree().parent(b));
    const std::uint32_t i = validatorOf_[p];
    if (i == sim::kNone) return;
    if (b == validators_[i].highQC) certified(p, b);  // it knew b's QC before it had b
    consider(i, b);
    tryPropose(i);  // a leader may have waited for this block
}

/// Node p knows a QC for block c: its highest QC and view move on; with c in hand it locks
/// c's parent (the two-chain) and commits c's grandparent if the three have consecutive views.
void HotStuff::certified(std::uint32_t p, BlockId c) {
    const auto& tree = relay_.tree();
    const std::uint64_t w = viewOf(c);
    const std::uint32_t i = validatorOf_[p];
    if (i != sim::kNone) {
        Validator& v = validators_[i];
        if (w > viewOf(v.highQC)) {
            v.highQC = c;
            v.failures = 0;  // progress
        }
        enterView(i, w + 1);
    }
    if (c == relay_.genesis() || !relay_.has(p, c)) return;
    const BlockId b2 = tree.parent(c);
    if (i != sim::kNone && viewOf(b2) > viewOf(validators_[i].locked)) validators_[i].locked = b2;
    if (b2 == relay_.genesis()) return;
    const BlockId b3 = tree.parent(b2);
    if (b3 != relay_.genesis() && w == viewOf(b2) + 1 && viewOf(b2) == viewOf(b3) + 1)
        commit(p, b3);
}

/// Validator i's vote on proposal b.
void HotStuff::consider(std::uint32_t i, BlockId b) {
    Validator& v = validators_[i];
    const auto& tree = relay_.tree();
    const std::uint64_t w = viewOf(b);
    if (tree.header(b).producer != relay_.node(validators_[leader(w)].node)) return;
    switch (v.role) {
        case Role::Silent:
            return;
        case Role::Equivocate:  // whatever it is shown, lock or no lock, twins included
            if (w + 1 < v.view) return;
            castVote(i, b);
            enterView(i, w + 1);
            return;
        case Role::Honest:
            break;
    }
    if (w < v.view) return;  // a view it has left
    // A later view: its leader holds a QC of the view before, or 2f + 1 NEW-VIEW messages for
    // it (the timeout certificate the block carries).
    enterView(i, w);
    const BlockId justify = tree.parent(b);
    const bool safe = tree.isAncestor(v.locked, b) || viewOf(justify) > viewOf(v.locked);
    if (w <= v.lastVoted || !safe) return;
    v.lastVoted = w;
    castVote(i, b);
    enterView(i, w + 1);
}

/// The vote leaves once the replica has checked the QC (and timeout certificate) the proposal
/// carries and signed: quorum signature checks each, and one signature, on its CPU.
void HotStuff::castVote(std::uint32_t i, BlockId b) {
    Validator& v = validators_[i];
    const bool byCertificate = viewOf(relay_.tree().parent(b)) + 1 == viewOf(b);
    const double seconds =
        static_cast<double>(quorum_) * costs_.verify * (byCertificate ? 1 : 2) + costs_.sign;
    v.busy = std::max(sim_->now(), v.busy) + cpu(v, seconds);
    v.voted = b;
    sim_->scheduleAt(v.busy, relay_.node(v.node), voteKind_, b);
}

void HotStuff::onVoteReady(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t i = validatorAt(static_cast<sim::NodeIndex>(e.target));
    Validator& v = validators_[i];
    if (!relay_.up(v.node)) return;
    const auto b = static_cast<BlockId>(e.data);
    ++v.votes;
    sim::Metrics& M = sim_->metrics();
    M.add(m_.votes, 1);
    const std::uint32_t l = leader(viewOf(b) + 1);
    if (l == i) {  // its own, at hand
        tally(l, i, b, false);
        return;
    }
    const sim::MessageId id =
        net_->send(relay_.node(v.node), relay_.node(validators_[l].node), kVoteBytes, port_,
                   (static_cast<std::uint64_t>(Type::Vote) << kTypeShift) |
                       (static_cast<std::uint64_t>(i) << 32) | b);
    DAIS_CHECK(id != 0, "the network refused a vote");
    M.add(m_.bytes, static_cast<double>(kVoteBytes));
}

/// Validator l counts `voter`'s vote for b: as the leader of the view after b's, from a vote
/// message (each but its own checked on its CPU, the quorum's last check making the QC), or
/// from a NEW-VIEW, checked with it (any validator, the QC at once).
void HotStuff::tally(std::uint32_t l, std::uint32_t voter, BlockId b, bool fromNewView) {
    Validator& v = validators_[l];
    const std::uint64_t w = viewOf(b);
    if (v.role == Role::Silent || viewOf(v.highQC) >= w) return;
    if (!fromNewView && (leader(w + 1) != l || v.view > w + 1)) return;
    Tally& t = v.tallies[b];
    if (t.voters.empty()) t.voters.assign(validators_.size(), 0);
    if (t.voters[voter] != 0) return;
    t.voters[voter] = 1;
    ++t.count;
    if (!fromNewView && voter != l) v.busy = std::max(sim_->now(), v.busy) + cpu(v, costs_.verify);
    if (t.count < quorum_ || t.certified) return;
    t.certified = true;
    if (fromNewView)
        certified(v.node, b);
    else
        sim_->scheduleAt(std::max(sim_->now(), v.busy), relay_.node(v.node), certifiedKind_, b);
}

void HotStuff::onCertified(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t i = validatorAt(static_cast<sim::NodeIndex>(e.target));
    const Validator& v = validators_[i];
    if (!relay_.up(v.node)) return;
    const auto b = static_cast<BlockId>(e.data);
    certified(v.node, b);
    tryPropose(i);
}

/// Node p commits c and every block below it it had not committed.
void HotStuff::commit(std::uint32_t p, BlockId c) {
    const auto& tree = relay_.tree();
    const BlockId old = committed_[p];
    if (viewOf(c) <= viewOf(old)) return;
    sim::Metrics& M = sim_->metrics();
    const bool good = honest(p);
    if (good) {
        // Honest commits must lie on one chain: each extends the node's own and is on a chain
        // with the latest any honest node made.
        const bool conflict = !tree.isAncestor(old, c) || !(tree.isAncestor(highestCommit_, c) ||
                                                            tree.isAncestor(c, highestCommit_));
        if (conflict) {
            M.add(m_.conflictingCommits, 1);
            const BlockId other = tree.isAncestor(old, c) ? highestCommit_ : old;
            if (sim_->tracing())
                sim_->trace(relay_.node(p), "ledger",
                            "conflicting commit: block " + core::shortHex(tree.hash(c), 16) +
                                " is not on one chain with block " +
                                core::shortHex(tree.hash(other), 16) +
                                ", which an honest node committed before");
        }
        if (tree.isAncestor(highestCommit_, c)) highestCommit_ = c;
    }
    committed_[p] = c;
    lastCommit_[p] = sim_->now();
    if (good) {
        std::vector<BlockId> newly;
        for (BlockId x = c; x != relay_.genesis() && !tree.isAncestor(x, old); x = tree.parent(x))
            newly.push_back(x);
        if (decided_.size() < tree.size()) decided_.resize(tree.size(), 0);
        for (auto it = newly.rbegin(); it != newly.rend(); ++it) {
            const double age = sim::toSeconds(sim_->now() - relay_.madeAt(*it));
            M.observe(m_.commitLatency, age);
            if (decided_[*it] != 0) continue;
            decided_[*it] = 1;
            M.add(m_.committed, 1);
            M.observe(m_.finalityTime, age);
            if (sim_->tracing())
                sim_->trace(relay_.node(p), "ledger",
                            "commit: block " + core::shortHex(tree.hash(*it), 16) + " at height " +
                                std::to_string(tree.height(*it)) + " (view " +
                                std::to_string(viewOf(*it)) + "), " + sim::formatSeconds(age) +
                                " after it was proposed");
        }
    }
    finalityChanged(p);
}

// --- views -------------------------------------------------------------------------------------

void HotStuff::enterView(std::uint32_t i, std::uint64_t view) {
    Validator& v = validators_[i];
    if (view <= v.view) return;
    v.view = view;
    if (v.role == Role::Honest) maxView_ = std::max(maxView_, view);
    v.deadline = sim_->now() + viewLength(v);
    if (relay_.up(v.node)) armTimer(i);
    for (auto it = v.tallies.begin(); it != v.tallies.end();)
        it = viewOf(it->first) + 2 < view ? v.tallies.erase(it) : std::next(it);
    tryPropose(i);
}

/// One pending timer event per validator: it fires, and goes back to sleep until the deadline
/// if the view moved on meanwhile; a deadline brought forward (progress resets the doubling)
/// moves it.
void HotStuff::armTimer(std::uint32_t i) {
    Validator& v = validators_[i];
    if (v.timer.valid()) {
        if (v.timerAt <= v.deadline) return;
        sim_->cancel(v.timer);
    }
    v.timerAt = v.deadline;
    v.timer = sim_->scheduleAt(v.deadline, relay_.node(v.node), timerKind_);
}

void HotStuff::onTimer(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t i = validatorAt(static_cast<sim::NodeIndex>(e.target));
    Validator& v = validators_[i];
    v.timer = {};
    if (!relay_.up(v.node)) return;  // it sets its timer again when it comes back
    if (sim_->now() < v.deadline) {
        armTimer(i);
        return;
    }
    timeout(i);
}

/// No progress in validator i's view in time: it gives the view up and asks for the next.
void HotStuff::timeout(std::uint32_t i) {
    Validator& v = validators_[i];
    const std::uint64_t failed = v.view;
    ++v.timeouts;
    ++v.failures;
    if (v.role == Role::Honest) {
        if (failedView_.size() <= failed) failedView_.resize(failed + 1, 0);
        if (failedView_[failed] == 0) {
            failedView_[failed] = 1;
            sim_->metrics().add(m_.viewChanges, 1);
            if (sim_->tracing()) {
                const auto name = [this](std::uint32_t k) {
                    return net_->nodeName(relay_.node(validators_[k].node));
                };
                sim_->trace(relay_.node(v.node), "ledger",
                            "view change: view " + std::to_string(failed) + " (leader " +
                                name(leader(failed)) + ") made no progress at " + name(i) +
                                "; NEW-VIEW for view " + std::to_string(failed + 1) + " (leader " +
                                name(leader(failed + 1)) + "), next timeout " +
                                sim::formatSeconds(sim::toSeconds(viewLength(v))));
            }
        }
    }
    askFor(i, failed + 1);
}

/// Validator i moves to `view` and tells every validator, with its highest QC (NEW-VIEW).
void HotStuff::askFor(std::uint32_t i, std::uint64_t view) {
    Validator& v = validators_[i];
    v.asked[i] = std::max(v.asked[i], view);
    enterView(i, view);
    if (v.role == Role::Silent) return;
    const auto index = static_cast<std::uint64_t>(newViews_.size());
    const bool carries = v.voted != kNoBlock && viewOf(v.voted) > viewOf(v.highQC);
    newViews_.push_back({i, view, v.highQC, carries ? v.voted : kNoBlock});
    if (carries) tally(i, i, v.voted, true);
    const std::uint64_t bytes =
        kNewViewBytes + certificateBytes() + (carries ? kCarriedVoteBytes : 0);
    sim::Metrics& M = sim_->metrics();
    for (std::uint32_t j = 0; j < validators(); ++j) {
        if (j == i) continue;
        const sim::MessageId id =
            net_->send(relay_.node(v.node), relay_.node(validators_[j].node), bytes, port_,
                       (static_cast<std::uint64_t>(Type::NewView) << kTypeShift) | index);
        DAIS_CHECK(id != 0, "the network refused a NEW-VIEW message");
        M.add(m_.newViews, 1);
        M.add(m_.bytes, static_cast<double>(bytes));
    }
}

void HotStuff::onDelivery(const sim::Delivery& d) {
    const std::uint32_t at = validatorAt(d.to);
    DAIS_CHECK(at != sim::kNone, "a consensus message reached a node that does not validate");
    const auto type = static_cast<Type>(d.payload >> kTypeShift);
    if (type == Type::Vote) {
        tally(at, static_cast<std::uint32_t>((d.payload >> 32) & kVoterMask),
              static_cast<BlockId>(d.payload), false);
        return;
    }
    DAIS_CHECK(type == Type::NewView, "a consensus message of an unknown type arrived");
    // Its signature, its QC's and its vote's are checked on the receiver's CPU first.
    Validator& v = validators_[at];
    v.busy =
        std::max(sim_->now(), v.busy) + cpu(v, static_cast<double>(2 + quorum_) * costs_.verify);
    sim_->scheduleAt(v.busy, d.to, newViewKind_, d.payload & ~(std::uint64_t{3} << kTypeShift));
}

void HotStuff::onLoss(const sim::Loss&) {
    sim_->metrics().add(m_.lost, 1);
}

void HotStuff::onNewViewChecked(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t i = validatorAt(static_cast<sim::NodeIndex>(e.target));
    if (!relay_.up(validators_[i].node)) return;
    heard(i, newViews_[e.data]);
}

/// Validator i heard a NEW-VIEW: it takes the QC, joins a view f + 1 validators have asked for
/// beyond its own, and proposes if it leads a view 2f + 1 have asked for.
void HotStuff::heard(std::uint32_t i, const NewView& nv) {
    Validator& v = validators_[i];
    if (v.role == Role::Silent) return;
    v.asked[nv.from] = std::max(v.asked[nv.from], nv.view);
    if (viewOf(nv.highQC) > viewOf(v.highQC)) certified(v.node, nv.highQC);
    if (nv.vote != kNoBlock) tally(i, nv.from, nv.vote, true);
    const std::uint64_t join = askedBy(v, f_ + 1);
    if (join > v.view) {
        ++v.failures;
        askFor(i, join);
    }
    tryPropose(i);
}

/// The k-th latest view the validators have asked i for (k >= 1).
std::uint64_t HotStuff::askedBy(const Validator& v, std::uint32_t k) const {
    std::vector<std::uint64_t> a = v.asked;
    std::nth_element(a.begin(), a.begin() + (k - 1), a.end(), std::greater<>());
    return a[k - 1];
}

// --- proposing ---------------------------------------------------------------------------------

/// Validator i leads its view, has not proposed in it, and holds a QC of the view before or
/// 2f + 1 NEW-VIEW messages for it.
bool HotStuff::mayPropose(std::uint32_t i) const {
    const Validator& v = validators_[i];
    if (leader(v.view) != i || v.proposed >= v.view || v.role == Role::Silent || !relay_.up(v.node))
        return false;
    return viewOf(v.highQC) + 1 == v.view || askedBy(v, quorum_) >= v.view;
}

/// Schedules validator i's proposal (once it has the block to extend, `interval` after it was
/// made); the proposal itself runs in an event of its own.
void HotStuff::tryPropose(std::uint32_t i) {
    Validator& v = validators_[i];
    if (v.proposePending || !mayPropose(i)) return;
    if (!relay_.has(v.node, v.highQC)) {  // fetched first, from its producer
        relay_.learnOf(v.node, relay_.indexOf(relay_.tree().header(v.highQC).producer), v.highQC);
        return;
    }
    v.proposePending = true;
    sim_->scheduleAt(std::max(sim_->now(), relay_.madeAt(v.highQC) + cfg_.interval),
                     relay_.node(v.node), proposeKind_);
}

void HotStuff::onProposeTime(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t i = validatorAt(static_cast<sim::NodeIndex>(e.target));
    Validator& v = validators_[i];
    v.proposePending = false;
    if (!mayPropose(i) || !relay_.has(v.node, v.highQC) ||
        relay_.madeAt(v.highQC) + cfg_.interval > sim_->now()) {
        tryPropose(i);
        return;
    }
    propose(i, v.highQC, viewOf(v.highQC) + 1 == v.view);
}

/// The leader's block on its highest QC, carrying that QC (and, after a view change, the
/// timeout certificate); an equivocator makes two and shows each to half its peers.
void HotStuff::propose(std::uint32_t i, BlockId parent, bool byCertificate) {
    Validator& v = validators_[i];
    const std::uint64_t w = v.view;
    v.proposed = w;
    ++v.proposals;
    const std::uint64_t extra =
        certificateBytes() + (byCertificate ? 0 : timeoutCertificateBytes());
    const auto work = static_cast<double>(w - viewOf(parent));
    if (v.role != Role::Equivocate) {
        relay_.produceOn(v.node, parent, work, w, extra);
        return;
    }
    const BlockId a = relay_.produceOn(v.node, parent, work, w, extra, false);
    const BlockId b = relay_.produceOn(v.node, parent, work, w | kTwin, extra, false);
    const PeerGraph& g = relay_.peers();
    const std::uint32_t half = g.begin(v.node) + g.degree(v.node) / 2;
    for (std::uint32_t e = g.begin(v.node); e < g.end(v.node); ++e)
        relay_.sendBlock(v.node, e, e < half ? a : b);
    if (sim_->tracing())
        sim_->trace(relay_.node(v.node), "ledger",
                    "equivocation: two blocks for view " + std::to_string(w) + ", " +
                        core::shortHex(relay_.tree().hash(a), 16) + " and " +
                        core::shortHex(relay_.tree().hash(b), 16));
    received(v.node, a);
    received(v.node, b);
}

// --- what the run shows ------------------------------------------------------------------------

void HotStuff::finish() {
    sim_->metrics().set(m_.views, static_cast<double>(maxView_));
}

void HotStuff::inspect(core::TableWriter& out) const {
    static constexpr const char* kRoles[] = {"honest", "silent", "equivocate"};
    const auto& tree = relay_.tree();
    out.reserve(validators_.size());
    for (const Validator& v : validators_) {
        const BlockId c = committed_[v.node];
        auto row = out.row();
        row.node(relay_.node(v.node))
            .text(kRoles[static_cast<int>(v.role)])
            .flag(relay_.up(v.node))
            .integer(static_cast<std::int64_t>(v.view))
            .integer(static_cast<std::int64_t>(viewOf(v.locked)))
            .integer(static_cast<std::int64_t>(viewOf(v.highQC)))
            .integer(static_cast<std::int64_t>(tree.height(c)))
            .text(core::shortHex(tree.hash(c), 16));
        if (lastCommit_[v.node] < 0)
            row.none();
        else
            row.time(lastCommit_[v.node]);
        row.integer(static_cast<std::int64_t>(v.votes))
            .integer(static_cast<std::int64_t>(v.proposals))
            .integer(static_cast<std::int64_t>(v.timeouts));
    }
}

}  // namespace dais::layers::ledger
