// A party's side of secure aggregation: it computes each step's message for real on arrival of
// what the step needs, takes the computing time that work costs on its node, then sends it;
// and the deliveries and losses of every message of the protocol.
#include <algorithm>

#include "secure_aggregation_service.h"

namespace dais::layers::crypto {

using sim::NodeIndex;

namespace {

/// Timer and task data of a party's work: the session and the party's number in it.
std::uint64_t partyData(std::uint64_t session, std::uint32_t p) {
    return (session << 24) | p;
}

bool dropsAt(DropoutStep a, DropoutStep b) {
    return a == b;
}

}  // namespace

bool SecureAggregationService::stays(Run& r, std::uint32_t p, DropoutStep step) {
    PartyState& ps = r.parties[p];
    if (ps.gone) return false;
    if (node(ps.node).up() && !(ps.dropsOut && dropsAt(cfg_.dropoutStep, step))) return true;
    partyGone(r, p);
    return false;
}

void SecureAggregationService::advertise(Run& r, std::uint32_t p) {
    PartyState& ps = r.parties[p];
    if (!stays(r, p, DropoutStep::Advertise)) return;
    ps.party = std::make_unique<secagg::Party>(r.config, *r.graph, p, *ps.random);
    ps.advertisement = ps.party->advertise();
    charge(r, p, Act::Advertise);
}

void SecureAggregationService::shareKeys(Run& r, std::uint32_t p,
                                         const std::vector<secagg::Advertisement>& keys) {
    PartyState& ps = r.parties[p];
    if (!stays(r, p, DropoutStep::Share)) return;
    auto shares = ps.party->shareKeys(keys, *ps.random);
    if (!shares) {  // too few neighbours to share with: it leaves the protocol
        partyGone(r, p);
        return;
    }
    ps.shares = std::move(shares.value());
    charge(r, p, Act::Share);
}

void SecureAggregationService::tryMask(Run& r, std::uint32_t p) {
    PartyState& ps = r.parties[p];
    if (r.step != Step::Inputs || ps.gone || !ps.hasInbox || !ps.hasInput ||
        ps.computing != Act::None || ps.arrived)
        return;
    if (!stays(r, p, DropoutStep::Mask)) return;
    auto masked = ps.party->maskInput(ps.input, std::move(ps.inbox));
    const double quantising = static_cast<double>(ps.input.size()) * cfg_.costInputWord;
    ps.input = {};
    ps.inbox = {};
    if (!masked) {
        partyGone(r, p);
        return;
    }
    ps.masked = std::move(masked.value());
    charge(r, p, Act::Mask, quantising);
}

void SecureAggregationService::unmask(Run& r, std::uint32_t p,
                                      const secagg::SurvivorList& survivors) {
    PartyState& ps = r.parties[p];
    if (!stays(r, p, DropoutStep::Unmask)) return;
    auto response = ps.party->unmask(survivors.parties, survivors.total);
    if (!response) {  // it refuses to reveal (too few survivors): it stays silent
        partyGone(r, p);
        return;
    }
    ps.response = std::move(response.value());
    charge(r, p, Act::Unmask);
}

void SecureAggregationService::charge(Run& r, std::uint32_t p, Act what, double extraSeconds) {
    PartyState& ps = r.parties[p];
    const secagg::Work& w = ps.party->work();
    const OperationCosts c = cfg_.costs();
    const secagg::Work& b = ps.charged;
    const double seconds = extraSeconds + static_cast<double>(w.keyPairs - b.keyPairs) * c.keyPair +
                           static_cast<double>(w.agreements - b.agreements) * c.agreement +
                           static_cast<double>(w.sealed - b.sealed) * c.seal +
                           static_cast<double>(w.shareTerms - b.shareTerms) * c.shareTerm +
                           static_cast<double>(w.maskWords - b.maskWords) * c.maskWord +
                           static_cast<double>(w.inputWords - b.inputWords) * c.inputWord;
    ps.charged = w;
    ps.computing = what;
    const sim::NodeStateCode state = what == Act::Advertise ? states_.advertising
                                     : what == Act::Share   ? states_.sharing
                                     : what == Act::Mask    ? states_.masking
                                                            : states_.unmasking;
    display_.state(ps.node, state);
    const core::NodeContext n = node(ps.node);
    const double speed = n.speed(core::NodeCompute::Unit::Cpu);
    // Time on this node: the reference seconds scaled by its CPU, or as they are without one.
    ps.seconds += speed > 0 ? seconds * cfg_.referenceGflops * 1e9 / speed : seconds;
    sim_->metrics().addNode(m_.nodeTime, ps.node,
                            speed > 0 ? seconds * cfg_.referenceGflops * 1e9 / speed : seconds);
    if (seconds > 0) {
        display_.activity(ps.node, sim::NodeActivity::Working);
        if (speed > 0)
            ps.task = n.compute(seconds * cfg_.referenceGflops * 1e9, core::NodeCompute::Unit::Cpu,
                                &SecureAggregationService::onPartyDone, this, partyData(r.id, p));
        else
            ps.timer = n.after(sim::fromSeconds(seconds), &SecureAggregationService::onPartyTimer,
                               this, partyData(r.id, p));
        if (ps.task != 0 || ps.timer != 0) return;
    }
    partyComputed(r.id, p);
}

void SecureAggregationService::onPartyDone(void* self, const core::NodeCompute::Finished& f) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(f.data >> 24);
    if (r == nullptr || r->step == Step::Ended) return;
    const auto p = static_cast<std::uint32_t>(f.data & 0xffffff);
    r->parties[p].task = 0;
    if (!f.completed) {  // its node crashed while it computed
        s.partyGone(*r, p);
        return;
    }
    s.partyComputed(r->id, p);
}

void SecureAggregationService::onPartyTimer(void* self, NodeIndex, std::uint64_t data) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(data >> 24); r != nullptr) {
        r->parties[data & 0xffffff].timer = 0;
        s.partyComputed(r->id, static_cast<std::uint32_t>(data & 0xffffff));
    }
}

void SecureAggregationService::partyComputed(SessionId id, std::uint32_t p) {
    Run* r = find(id);
    if (r == nullptr) return;
    PartyState& ps = r->parties[p];
    const Act what = ps.computing;
    ps.computing = Act::None;
    display_.activity(ps.node, sim::NodeActivity::Idle);
    if (ps.gone) return;
    switch (what) {
        case Act::Advertise:
            sendFromParty(*r, p, keys_, secagg::Advertisement::kWireBytes,
                          KeysMsg{id, ps.advertisement});
            break;
        case Act::Share: {
            const std::uint64_t bytes = ps.shares.size() * secagg::SealedShares::kWireBytes;
            sendFromParty(*r, p, shares_, bytes, SharesMsg{id, p, std::move(ps.shares)});
            ps.shares = {};
            break;
        }
        case Act::Mask: {
            const std::uint64_t bytes = ps.masked.wireBytes(r->config.ring);
            ps.inputBytes += bytes;
            sendFromParty(*r, p, masked_, bytes, MaskedMsg{id, std::move(ps.masked)});
            ps.masked = {};
            break;
        }
        case Act::Unmask: {
            const std::uint64_t bytes = ps.response.wireBytes();  // before the move below
            sendFromParty(*r, p, unmask_, bytes, UnmaskMsg{id, std::move(ps.response)});
            ps.response = {};
            break;
        }
        case Act::None:
            break;
    }
}

template <class T>
void SecureAggregationService::sendFromParty(Run& r, std::uint32_t p, core::MessageChannel<T>& ch,
                                             std::uint64_t bytes, T msg) {
    PartyState& ps = r.parties[p];
    ps.bytes += bytes;
    r.bytes += bytes;
    sim_->metrics().add(m_.bytes, static_cast<double>(bytes));
    if (node(ps.node).send(ch, r.spec.server, bytes, std::move(msg)) == 0) partyGone(r, p);
}

void SecureAggregationService::onPartyReady(void* self, NodeIndex, std::uint64_t data) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(data >> 24); r != nullptr)
        s.tryMask(*r, static_cast<std::uint32_t>(data & 0xffffff));
}

// ---- deliveries at the server

void SecureAggregationService::onKeys(void* self, const sim::Delivery&, KeysMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(m.session);
    if (r == nullptr || r->step != Step::Keys || r->parties[m.keys.party].gone) return;
    const auto ok = r->server->receive(m.keys);
    DAIS_CHECK(ok, "the server refused keys: " + (ok ? std::string() : ok.error().message));
    s.poke(*r);
}

void SecureAggregationService::onShares(void* self, const sim::Delivery&, SharesMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(m.session);
    if (r == nullptr || r->step != Step::Shares || r->parties[m.party].gone) return;
    const auto ok = r->server->receive(m.party, std::move(m.shares));
    DAIS_CHECK(ok, "the server refused shares: " + (ok ? std::string() : ok.error().message));
    s.poke(*r);
}

void SecureAggregationService::onMasked(void* self, const sim::Delivery&, MaskedMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(m.session);
    if (r == nullptr || r->step != Step::Inputs) return;  // too late: it counts as dropped
    PartyState& ps = r->parties[m.masked.party];
    if (ps.gone) return;
    const auto ok = r->server->receive(m.masked);
    DAIS_CHECK(ok,
               "the server refused a masked input: " + (ok ? std::string() : ok.error().message));
    ps.arrived = true;
    ps.reported = true;
    s.poke(*r);
    if (r->spec.progress) r->spec.progress(ps.node, true);
}

void SecureAggregationService::onUnmask(void* self, const sim::Delivery&, UnmaskMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(m.session);
    if (r == nullptr || r->step != Step::Unmasking) return;
    const auto ok = r->server->receive(m.response);
    DAIS_CHECK(ok,
               "the server refused revealed shares: " + (ok ? std::string() : ok.error().message));
    s.poke(*r);
}

// ---- deliveries at the parties

void SecureAggregationService::onKeyList(void* self, const sim::Delivery&, KeyListMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Shares)
        s.shareKeys(*r, m.party, m.keys);
}

void SecureAggregationService::onInbox(void* self, const sim::Delivery&, SharesMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    Run* r = s.find(m.session);
    if (r == nullptr || r->step != Step::Inputs) return;
    PartyState& ps = r->parties[m.party];
    if (ps.gone) return;
    ps.inbox = std::move(m.shares);
    ps.hasInbox = true;
    s.display_.state(ps.node, s.states_.masking);
    s.tryMask(*r, m.party);
}

void SecureAggregationService::onSurvivors(void* self, const sim::Delivery&, SurvivorsMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Unmasking)
        s.unmask(*r, m.party, m.survivors);
}

// ---- losses: the party drops out (after its input arrived, it just never unmasks)

void SecureAggregationService::onKeysLost(void* self, const sim::Loss&, KeysMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Keys)
        s.partyGone(*r, m.keys.party);
}
void SecureAggregationService::onKeyListLost(void* self, const sim::Loss&, KeyListMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Shares)
        s.partyGone(*r, m.party);
}
void SecureAggregationService::onSharesLost(void* self, const sim::Loss&, SharesMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Shares)
        s.partyGone(*r, m.party);
}
void SecureAggregationService::onInboxLost(void* self, const sim::Loss&, SharesMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Inputs)
        s.partyGone(*r, m.party);
}
void SecureAggregationService::onMaskedLost(void* self, const sim::Loss&, MaskedMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr && r->step == Step::Inputs)
        s.partyGone(*r, m.masked.party);
}
void SecureAggregationService::onSurvivorsLost(void* self, const sim::Loss&, SurvivorsMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr) s.partyGone(*r, m.party);
}
void SecureAggregationService::onUnmaskLost(void* self, const sim::Loss&, UnmaskMsg& m) {
    auto& s = *static_cast<SecureAggregationService*>(self);
    if (Run* r = s.find(m.session); r != nullptr) s.partyGone(*r, m.response.party);
}

}  // namespace dais::layers::crypto
