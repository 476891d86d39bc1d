// The secure-aggregation service: sessions opened, inputs submitted, the server's steps (waiting
// for each step's messages, handing on keys and shares, naming the survivors, unmasking) and
// the sum delivered. The parties' side is in secagg_party.cpp.
#include "secure_aggregation_service.h"

#include <algorithm>
#include <cmath>

#include "dais/core/layer.h"

namespace dais::layers::crypto {

using sim::NodeIndex;
using sim::SimTime;

namespace {

/// Timer data of the server's step timers: the session and the step it was set for, or one of
/// these.
std::uint64_t stepData(std::uint64_t session, unsigned step) {
    return (session << 3) | step;
}
constexpr unsigned kCheck = 6;     // check the step now
constexpr unsigned kDeadline = 7;  // the session's deadline

}  // namespace

SecureAggregationService::SecureAggregationService(core::LayerContext& ctx,
                                                   core::SimNodeRuntime& runtime,
                                                   const Config& config, const Metrics& metrics)
    : ctx_(&ctx), cfg_(config), m_(metrics), sim_(&ctx.simulation()), runtime_(&runtime) {
    display_ = ctx.display();
    states_.advertising = ctx.nodeState("advertising keys");
    states_.sharing = ctx.nodeState("sharing keys");
    states_.masking = ctx.nodeState("masking");
    states_.unmasking = ctx.nodeState("unmasking");
    states_.dropped = ctx.nodeState("dropped out");
    core::NodeTransport& t = runtime_->transport();
    keys_.open(t, "secagg.keys", &SecureAggregationService::onKeys, this,
               &SecureAggregationService::onKeysLost);
    keyList_.open(t, "secagg.key_list", &SecureAggregationService::onKeyList, this,
                  &SecureAggregationService::onKeyListLost);
    shares_.open(t, "secagg.shares", &SecureAggregationService::onShares, this,
                 &SecureAggregationService::onSharesLost);
    inbox_.open(t, "secagg.share_inbox", &SecureAggregationService::onInbox, this,
                &SecureAggregationService::onInboxLost);
    masked_.open(t, "secagg.masked_input", &SecureAggregationService::onMasked, this,
                 &SecureAggregationService::onMaskedLost);
    survivors_.open(t, "secagg.survivors", &SecureAggregationService::onSurvivors, this,
                    &SecureAggregationService::onSurvivorsLost);
    unmask_.open(t, "secagg.unmask", &SecureAggregationService::onUnmask, this,
                 &SecureAggregationService::onUnmaskLost);
}

SecureAggregationService::~SecureAggregationService() = default;

SecureAggregationService::Run* SecureAggregationService::find(SessionId id) {
    const auto it = runs_.find(id);
    return it == runs_.end() ? nullptr : it->second.get();
}

SecureAggregationService::Record& SecureAggregationService::record(SessionId id) {
    return records_[id - 1];
}

core::Result<SecureAggregationService::SessionId> SecureAggregationService::open(
    const Session& spec, Collect collect) {
    if (std::string problem = core::sessionProblem(spec, sim_->now()); !problem.empty())
        return core::Error{problem};
    const std::size_t n = spec.parties.size();
    if (n >= (std::size_t{1} << 24))
        return core::Error{"secure aggregation of " + std::to_string(n) +
                           " parties: at most 16,777,215 in one session"};
    const secagg::Ring ring =
        secagg::Ring::forParties(static_cast<unsigned>(cfg_.valueBits), n, spec.scale);
    if (ring.bits > 64)
        return core::Error{"secure aggregation of " + std::to_string(n) + " parties needs " +
                           std::to_string(ring.bits) + "-bit words (value_bits " +
                           std::to_string(cfg_.valueBits) + " + ceil(log2 " + std::to_string(n) +
                           ")), more than 64: lower value_bits of layer " +
                           std::string(ctx_->layerId())};
    auto run = std::make_unique<Run>();
    Run& r = *run;
    r.id = next_++;
    r.spec = spec;
    r.collect = std::move(collect);
    r.opened = sim_->now();
    r.config.sessionTag = r.id;
    r.config.length = spec.length;
    r.config.ring = ring;
    r.config.threshold = spec.threshold;
    sim::RngStream graphRng = ctx_->rng(spec.server, "secagg/graph/" + std::to_string(r.id));
    secagg::Key32 graphSeed;
    for (auto& b : graphSeed)
        b = static_cast<std::uint8_t>(graphRng.next());
    secagg::SeededWords graphWords(graphSeed);
    if (cfg_.protocol == SecAggProtocol::SecAggPlus) {
        std::size_t k = static_cast<std::size_t>(cfg_.neighbours);
        if (k == 0) k = secagg::defaultNeighbours(n);
        r.graph = std::make_unique<secagg::Neighbourhood>(
            secagg::Neighbourhood::harary(n, k, graphWords));
    } else {
        r.graph = std::make_unique<secagg::Neighbourhood>(secagg::Neighbourhood::complete(n));
    }
    r.config.shareThreshold = r.graph->isComplete()
                                  ? spec.threshold
                                  : secagg::shareThresholdFor(spec.threshold, n, r.graph->degree());
    r.server = std::make_unique<secagg::Server>(r.config, *r.graph);
    r.parties.resize(n);
    for (std::uint32_t p = 0; p < n; ++p) {
        PartyState& ps = r.parties[p];
        ps.node = spec.parties[p];
        r.local.emplace(ps.node, p);
        sim::RngStream rng = ctx_->rng(ps.node, "secagg/" + std::to_string(r.id));
        secagg::Key32 seed;
        for (auto& b : seed)
            b = static_cast<std::uint8_t>(rng.next());
        ps.random = std::make_unique<secagg::SeededWords>(seed);
        ps.dropsOut = cfg_.dropout > 0 && rng.uniform() < cfg_.dropout;
    }
    records_.push_back(Record{});
    Record& rec = records_.back();
    rec.id = r.id;
    rec.server = spec.server;
    rec.plus = !r.graph->isComplete();
    rec.parties = static_cast<std::uint32_t>(n);
    rec.neighbours = static_cast<std::uint32_t>(r.graph->degree());
    rec.threshold = static_cast<std::uint32_t>(spec.threshold);
    rec.state = "keys";
    rec.opened = r.opened;
    sim_->metrics().add(m_.sessions, 1);
    const SessionId id = r.id;
    runs_.emplace(id, std::move(run));
    Run& live = *runs_.at(id);
    if (spec.deadline != SimTime(sim::kTimeNever))
        node(spec.server)
            .at(spec.deadline, &SecureAggregationService::onStepTimer, this,
                stepData(id, kDeadline));
    for (std::uint32_t p = 0; p < n; ++p)
        advertise(live, p);
    setStepTimer(live);
    return id;
}

core::Result<void> SecureAggregationService::submit(SessionId id, NodeIndex party,
                                                    std::span<const double> input) {
    Run* r = find(id);
    if (r == nullptr || r->step == Step::Ended)
        return core::Error{"no secure-aggregation session " + std::to_string(id) + " under way"};
    const auto it = r->local.find(party);
    if (it == r->local.end())
        return core::Error{"node " + std::to_string(party) + " is not a party of session " +
                           std::to_string(id)};
    PartyState& ps = r->parties[it->second];
    if (ps.hasInput)
        return core::Error{"node " + std::to_string(party) + " submitted twice to session " +
                           std::to_string(id)};
    if (input.size() != r->spec.length)
        return core::Error{"an input of " + std::to_string(input.size()) + " values to session " +
                           std::to_string(id) + ", which sums " + std::to_string(r->spec.length)};
    ps.hasInput = true;
    if (ps.gone) return {};  // it dropped out: its input goes nowhere
    ps.input.resize(input.size());
    const std::size_t saturated = r->config.ring.encode(input, ps.input);
    if (saturated > 0) sim_->metrics().add(m_.saturated, static_cast<double>(saturated));
    // It masks in an event of its own, so a party that drops out there is never reported from
    // inside this call.
    node(party).after(0, &SecureAggregationService::onPartyReady, this, (id << 24) | it->second);
    return {};
}

bool SecureAggregationService::close(SessionId id) {
    Run* r = find(id);
    if (r == nullptr || r->step == Step::Ended || r->inputsClosed) return false;
    r->inputsClosed = true;
    poke(*r);
    return true;
}

// ---- the server's steps

void SecureAggregationService::setStepTimer(Run& r) {
    node(r.spec.server)
        .after(cfg_.stepTimeout, &SecureAggregationService::onStepTimer, this,
               stepData(r.id, static_cast<unsigned>(r.step)));
}

void SecureAggregationService::onStepTimer(void* self, NodeIndex, std::uint64_t data) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(data >> 3);
    if (r == nullptr) return;
    const unsigned step = data & 7;
    if (step == kDeadline) {
        s.close(r->id);
        return;
    }
    if (step == kCheck) {
        s.checkStep(*r);
        return;
    }
    if (step != static_cast<unsigned>(r->step)) return;
    switch (r->step) {
        case Step::Keys:
            s.endKeys(*r);
            break;
        case Step::Shares:
            s.endShares(*r);
            break;
        case Step::Unmasking:
            s.endUnmasking(*r);
            break;
        default:
            break;
    }
}

template <class T>
void SecureAggregationService::sendFromServer(Run& r, core::MessageChannel<T>& ch, std::uint32_t p,
                                              std::uint64_t bytes, T msg) {
    PartyState& ps = r.parties[p];
    ps.bytes += bytes;
    r.bytes += bytes;
    sim_->metrics().add(m_.bytes, static_cast<double>(bytes));
    if (node(r.spec.server).send(ch, ps.node, bytes, std::move(msg)) == 0) partyGone(r, p);
}

void SecureAggregationService::endKeys(Run& r) {
    const std::size_t got = r.server->advertised();
    record(r.id).advertised = static_cast<std::uint32_t>(got);
    for (std::uint32_t p = 0; p < r.parties.size(); ++p)
        if (!r.server->advertisedBy(p)) partyGone(r, p);
    if (!node(r.spec.server).up()) return abort(r, "the server is down");
    if (got < r.config.threshold)
        return abort(r, std::to_string(got) + " parties advertised keys, threshold " +
                            std::to_string(r.config.threshold));
    r.step = Step::Shares;
    record(r.id).state = "shares";
    for (std::uint32_t p = 0; p < r.parties.size(); ++p) {
        if (r.parties[p].gone) continue;
        std::vector<secagg::Advertisement> keys = r.server->keysFor(p);
        const std::uint64_t bytes = keys.size() * secagg::Advertisement::kWireBytes;
        sendFromServer(r, keyList_, p, bytes, KeyListMsg{r.id, p, std::move(keys)});
    }
    setStepTimer(r);
}

void SecureAggregationService::endShares(Run& r) {
    const std::size_t got = r.server->shared();
    record(r.id).shared = static_cast<std::uint32_t>(got);
    for (std::uint32_t p = 0; p < r.parties.size(); ++p)
        if (!r.server->sharedBy(p)) partyGone(r, p);
    if (!node(r.spec.server).up()) return abort(r, "the server is down");
    if (got < r.config.threshold)
        return abort(r, std::to_string(got) + " parties shared keys, threshold " +
                            std::to_string(r.config.threshold));
    r.step = Step::Inputs;
    record(r.id).state = "inputs";
    for (std::uint32_t p = 0; p < r.parties.size(); ++p) {
        if (r.parties[p].gone) continue;
        std::vector<secagg::SealedShares> inbox = r.server->sharesFor(p);
        const std::uint64_t bytes = inbox.size() * secagg::SealedShares::kWireBytes;
        sendFromServer(r, inbox_, p, bytes, SharesMsg{r.id, p, std::move(inbox)});
    }
    if (r.inputsClosed) closeInputs(r);
}

void SecureAggregationService::closeInputs(Run& r) {
    if (r.step != Step::Inputs) return;
    const std::vector<std::uint32_t> survivors = r.server->survivors();
    record(r.id).masked = static_cast<std::uint32_t>(survivors.size());
    for (std::uint32_t p = 0; p < r.parties.size(); ++p)
        if (!r.parties[p].arrived) partyGone(r, p);
    if (!node(r.spec.server).up()) return abort(r, "the server is down");
    if (survivors.size() < r.config.threshold)
        return abort(r, std::to_string(survivors.size()) + " masked inputs, threshold " +
                            std::to_string(r.config.threshold));
    r.step = Step::Unmasking;
    record(r.id).state = "unmasking";
    for (const std::uint32_t p : survivors) {
        secagg::SurvivorList list;
        list.parties = r.server->survivorsFor(p);
        list.total = static_cast<std::uint32_t>(survivors.size());
        const std::uint64_t bytes = list.wireBytes();
        sendFromServer(r, survivors_, p, bytes, SurvivorsMsg{r.id, p, std::move(list)});
    }
    setStepTimer(r);
}

void SecureAggregationService::endUnmasking(Run& r) {
    if (r.step != Step::Unmasking) return;
    record(r.id).unmasked = static_cast<std::uint32_t>(r.server->responded());
    if (!node(r.spec.server).up()) return abort(r, "the server is down");
    const secagg::Work before = r.server->work();
    auto sum = r.server->finish();
    if (!sum) return abort(r, sum.error().message);
    const secagg::Work& w = r.server->work();
    const OperationCosts c = cfg_.costs();
    // The server's work since the inputs came in, plus adding them up.
    const double seconds =
        static_cast<double>(w.keyPairs - before.keyPairs) * c.keyPair +
        static_cast<double>(w.agreements - before.agreements) * c.agreement +
        static_cast<double>(w.interpolation - before.interpolation) * c.interpolation +
        static_cast<double>(w.maskWords - before.maskWords) * c.maskWord +
        static_cast<double>(w.inputWords) * c.inputWord;
    finish(r, std::move(sum.value()), seconds);
}

void SecureAggregationService::finish(Run& r, std::vector<std::uint64_t> words,
                                      double serverSeconds) {
    r.step = Step::Ended;
    Sum s;
    s.session = r.id;
    s.outcome = Outcome::Revealed;
    s.values.reserve(words.size());
    for (const std::uint64_t w : words)
        s.values.push_back(r.config.ring.decode(w));
    std::uint64_t protocolBytes = 0;
    for (std::uint32_t p = 0; p < r.parties.size(); ++p) {
        const PartyState& ps = r.parties[p];
        (ps.arrived ? s.included : s.dropped).push_back(ps.node);
        protocolBytes += ps.bytes - ps.inputBytes;
    }
    s.bytesPerParty = r.parties.empty() ? 0 : protocolBytes / r.parties.size();
    sim::Metrics& m = sim_->metrics();
    m.add(m_.dropoutsSurvived, static_cast<double>(s.dropped.size()));
    m.observe(m_.serverTime, serverSeconds);
    record(r.id).serverTime = serverSeconds;
    pending_.emplace(r.id, std::move(s));
    // The sum is the server's once it has computed it.
    const core::NodeContext server = node(r.spec.server);
    const double speed = server.speed(core::NodeCompute::Unit::Cpu);
    if (serverSeconds > 0 && speed > 0) {
        if (server.compute(serverSeconds * cfg_.referenceGflops * 1e9, core::NodeCompute::Unit::Cpu,
                           &SecureAggregationService::onServerDone, this, r.id) != 0)
            return;
    } else if (serverSeconds > 0 &&
               server.after(sim::fromSeconds(serverSeconds),
                            &SecureAggregationService::onServerTimer, this, r.id) != 0) {
        return;
    }
    deliverSum(r.id);
}

void SecureAggregationService::onServerDone(void* self, const core::NodeCompute::Finished& f) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (!f.completed) {  // the server crashed while unmasking: the sum is lost with it
        if (Run* r = s.find(f.data); r != nullptr) {
            s.pending_.erase(f.data);
            r->step = Step::Unmasking;
            s.abort(*r, "the server went down while unmasking");
        }
        return;
    }
    s.deliverSum(f.data);
}

void SecureAggregationService::onServerTimer(void* self, NodeIndex, std::uint64_t data) {
    static_cast<SecureAggregationService*>(self)->deliverSum(data);
}

void SecureAggregationService::deliverSum(SessionId id) {
    const auto it = pending_.find(id);
    Run* r = find(id);
    if (it == pending_.end() || r == nullptr) return;
    Sum s = std::move(it->second);
    pending_.erase(it);
    s.finishedAt = sim_->now();
    sim::Metrics& m = sim_->metrics();
    m.add(m_.revealed, 1);
    m.observe(m_.sessionTime, sim::toSeconds(s.finishedAt - r->opened));
    const double plainBytes =
        static_cast<double>(r->spec.length) * static_cast<double>(r->config.ring.valueBits) / 8;
    for (const PartyState& ps : r->parties) {
        if (ps.seconds > 0) m.observe(m_.partyTime, ps.seconds);
        if (ps.arrived && plainBytes > 0)
            m.observe(m_.expansion, static_cast<double>(ps.bytes) / plainBytes);
        display_.clear(ps.node);
    }
    Record& rec = record(id);
    rec.state = "revealed";
    rec.ended = s.finishedAt;
    rec.bytes = r->bytes;
    Collect collect = std::move(r->collect);
    runs_.erase(id);
    collect(s);
}

void SecureAggregationService::abort(Run& r, const std::string& why) {
    r.step = Step::Ended;
    Sum s;
    s.session = r.id;
    s.outcome = Outcome::Aborted;
    s.reason = why;
    s.finishedAt = sim_->now();
    for (PartyState& ps : r.parties) {
        s.dropped.push_back(ps.node);
        if (ps.seconds > 0) sim_->metrics().observe(m_.partyTime, ps.seconds);
        if (ps.task != 0) node(ps.node).cancelCompute(ps.task);
        if (ps.timer != 0) node(ps.node).cancel(ps.timer);
        display_.clear(ps.node);
    }
    sim_->metrics().add(m_.aborted, 1);
    sim_->metrics().observe(m_.sessionTime, sim::toSeconds(s.finishedAt - r.opened));
    Record& rec = record(r.id);
    rec.state = "aborted: " + why;
    rec.ended = s.finishedAt;
    rec.bytes = r.bytes;
    const SessionId id = r.id;
    Collect collect = std::move(r.collect);
    runs_.erase(id);  // r is gone from here on
    collect(s);
}

void SecureAggregationService::partyGone(Run& r, std::uint32_t p) {
    PartyState& ps = r.parties[p];
    if (ps.gone) return;
    ps.gone = true;
    poke(r);
    if (ps.arrived) {  // its input is in: it just never unmasks
        display_.state(ps.node, states_.dropped);
        return;
    }
    if (ps.task != 0) node(ps.node).cancelCompute(ps.task);
    if (ps.timer != 0) node(ps.node).cancel(ps.timer);
    ps.task = 0;
    ps.timer = 0;
    ps.computing = Act::None;
    ps.input.clear();
    ps.inbox.clear();
    display_.state(ps.node, states_.dropped);
    display_.activity(ps.node, sim::NodeActivity::Idle);
    if (!ps.reported) {
        ps.reported = true;
        r.unreported.push_back(p);
    }
}

void SecureAggregationService::poke(Run& r) {
    if (r.poked) return;
    r.poked =
        node(r.spec.server)
            .after(0, &SecureAggregationService::onStepTimer, this, stepData(r.id, kCheck)) != 0;
}

void SecureAggregationService::checkStep(Run& r) {
    r.poked = false;
    const SessionId id = r.id;
    if (!r.unreported.empty() && r.spec.progress) {
        const std::vector<std::uint32_t> gone = std::move(r.unreported);
        r.unreported.clear();
        const auto progress = r.spec.progress;  // the caller may close the session meanwhile
        for (const std::uint32_t p : gone)
            progress(r.parties[p].node, false);
    }
    r.unreported.clear();
    Run* live = find(id);
    if (live == nullptr) return;
    switch (live->step) {
        case Step::Keys:
            if (allIn(*live, [&](std::uint32_t p) { return live->server->advertisedBy(p); }))
                endKeys(*live);
            break;
        case Step::Shares:
            if (allIn(*live, [&](std::uint32_t p) { return live->server->sharedBy(p); }))
                endShares(*live);
            break;
        case Step::Inputs:
            if (live->inputsClosed ||
                allIn(*live, [&](std::uint32_t p) { return live->parties[p].arrived; }))
                closeInputs(*live);
            break;
        case Step::Unmasking:
            if (allIn(*live, [&](std::uint32_t p) {
                    return !live->parties[p].arrived || live->server->respondedBy(p);
                }))
                endUnmasking(*live);
            break;
        case Step::Ended:
            break;
    }
}

ThreatFacts SecureAggregationService::threatFacts() const {
    ThreatFacts f;
    for (const Record& rec : records_) {
        // The weakest session: the smallest share of colluders it withstands.
        const bool weaker = f.sessions == 0 ||
                            static_cast<double>(rec.threshold) / rec.parties <
                                static_cast<double>(f.threshold) / static_cast<double>(f.parties);
        ++f.sessions;
        f.plus = f.plus || rec.plus;
        if (weaker) {
            f.threshold = rec.threshold;
            f.parties = rec.parties;
            f.neighbours = rec.neighbours;
        }
    }
    return f;
}

void SecureAggregationService::inspect(core::TableWriter& out) const {
    out.reserve(records_.size());
    for (const Record& rec : records_) {
        auto row = out.row();
        row.integer(static_cast<std::int64_t>(rec.id))
            .node(rec.server)
            .text(rec.plus ? "secagg+" : "secagg")
            .integer(rec.parties)
            .integer(rec.neighbours)
            .integer(rec.threshold)
            .integer(rec.advertised)
            .integer(rec.shared)
            .integer(rec.masked)
            .integer(rec.unmasked)
            .text(rec.state)
            .time(rec.opened);
        if (rec.ended == SimTime(sim::kTimeNever))
            row.none();
        else
            row.time(rec.ended);
        row.bytes(rec.bytes).real(rec.serverTime);
    }
}

}  // namespace dais::layers::crypto
