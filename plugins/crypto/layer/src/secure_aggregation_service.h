#pragma once
// The secure-aggregation service of the privacy layer: core::SecureAggregator over the network.
//
// Every session runs the real protocol (dais/crypto/secagg): its parties' key pairs, shares,
// masks and the server's unmasking are computed on the real vectors; each step's messages cross
// the run's network with their real sizes (ports secagg.keys, secagg.key_list, secagg.shares,
// secagg.share_inbox, secagg.masked_input, secagg.survivors, secagg.unmask); and each party's
// computing time comes from the operations it performed (OperationCosts on the reference
// machine, scaled by its node's CPU, which it shares with the node's other work). A party
// whose node is down when it should act, whose message is lost, or whom `dropout` picks,
// drops out; the server waits step_timeout at each step, and a step with fewer parties than
// the threshold aborts the session, revealing nothing.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config.h"
#include "dais/core/inspector.h"
#include "dais/core/message_channel.h"
#include "dais/core/node_context.h"
#include "dais/core/secure_aggregation.h"
#include "dais/core/sim_node_runtime.h"
#include "dais/crypto/secagg/protocol.h"
#include "threat_view.h"

namespace dais::layers::crypto {

namespace secagg = dais::crypto::secagg;

class SecureAggregationService final : public core::SecureAggregator {
  public:
    /// Opens the protocol's ports on the layer's runtime; call in the layer's setup().
    SecureAggregationService(core::LayerContext& ctx, core::SimNodeRuntime& runtime,
                             const Config& config, const Metrics& metrics);
    ~SecureAggregationService() override;

    core::Result<SessionId> open(const Session& session, Collect collect) override;
    core::Result<void> submit(SessionId session, sim::NodeIndex party,
                              std::span<const double> input) override;
    bool close(SessionId session) override;

    /// The crypto.sessions table.
    void inspect(core::TableWriter& out) const;
    /// What the threat view needs to know of the sessions so far.
    ThreatFacts threatFacts() const;

  private:
    enum class Step : std::uint8_t { Keys, Shares, Inputs, Unmasking, Ended };
    /// What a party is computing before it sends.
    enum class Act : std::uint8_t { None, Advertise, Share, Mask, Unmask };

    struct PartyState {
        sim::NodeIndex node = 0;
        std::unique_ptr<secagg::SeededWords> random;
        std::unique_ptr<secagg::Party> party;
        std::vector<std::uint64_t> input;  // quantised, until masked
        bool hasInput = false, hasInbox = false;
        std::vector<secagg::SealedShares> inbox;
        Act computing = Act::None;
        core::NodeCompute::TaskId task = 0;
        core::TimerId timer = 0;
        // The message computed, sent when the computing time is over.
        secagg::Advertisement advertisement;
        std::vector<secagg::SealedShares> shares;
        secagg::MaskedInput masked;
        secagg::UnmaskResponse response;
        secagg::Work charged;   // work already turned into time
        bool dropsOut = false;  // picked by `dropout` to vanish at dropout_step
        bool gone = false, arrived = false, reported = false;
        double seconds = 0;                       // computing time this session
        std::uint64_t bytes = 0, inputBytes = 0;  // sent and received; of them, the masked input
    };

    struct Run {
        SessionId id = 0;
        Session spec;
        Collect collect;
        secagg::Config config;
        std::unique_ptr<secagg::Neighbourhood> graph;
        std::unique_ptr<secagg::Server> server;
        std::vector<PartyState> parties;
        std::unordered_map<sim::NodeIndex, std::uint32_t> local;
        Step step = Step::Keys;
        bool inputsClosed = false;  // the caller closed the session, or its deadline passed
        bool poked = false;         // a check of the step is on its way
        std::vector<std::uint32_t> unreported;  // dropped out, the caller not yet told
        std::uint64_t bytes = 0;
        sim::SimTime opened = 0;
    };

    /// What the sessions table shows of a session, kept after it ends.
    struct Record {
        SessionId id = 0;
        sim::NodeIndex server = 0;
        bool plus = false;
        std::uint32_t parties = 0, neighbours = 0, threshold = 0;
        std::uint32_t advertised = 0, shared = 0, masked = 0, unmasked = 0;
        std::string state;
        sim::SimTime opened = 0, ended = sim::kTimeNever;
        std::uint64_t bytes = 0;
        double serverTime = 0;
    };

    // Messages: the session, and what the step carries.
    struct KeysMsg {
        SessionId session;
        secagg::Advertisement keys;
    };
    struct KeyListMsg {
        SessionId session;
        std::uint32_t party;
        std::vector<secagg::Advertisement> keys;
    };
    struct SharesMsg {
        SessionId session;
        std::uint32_t party;
        std::vector<secagg::SealedShares> shares;
    };
    struct MaskedMsg {
        SessionId session;
        secagg::MaskedInput masked;
    };
    struct SurvivorsMsg {
        SessionId session;
        std::uint32_t party;
        secagg::SurvivorList survivors;
    };
    struct UnmaskMsg {
        SessionId session;
        secagg::UnmaskResponse response;
    };

    core::NodeContext node(sim::NodeIndex n) const { return core::NodeContext(*runtime_, n); }
    Run* find(SessionId id);
    Record& record(SessionId id);

    // The server's side (secure_aggregation_service.cpp).
    void setStepTimer(Run& r);
    static void onStepTimer(void* self, sim::NodeIndex node, std::uint64_t data);
    void endKeys(Run& r);
    void endShares(Run& r);
    void closeInputs(Run& r);
    void endUnmasking(Run& r);
    void abort(Run& r, const std::string& why);
    void finish(Run& r, std::vector<std::uint64_t> sum, double serverSeconds);
    static void onServerDone(void* self, const core::NodeCompute::Finished& f);
    static void onServerTimer(void* self, sim::NodeIndex node, std::uint64_t data);
    void deliverSum(SessionId id);
    /// The party left the protocol; the caller hears of it, and the step is checked, in an
    /// event of their own (never inside open(), submit() or close()).
    void partyGone(Run& r, std::uint32_t p);
    /// Checks the step at this time, in an event of its own: tells the caller who dropped out,
    /// and ends the step when every party still in it has answered.
    void poke(Run& r);
    void checkStep(Run& r);
    template <class T>
    void sendFromServer(Run& r, core::MessageChannel<T>& ch, std::uint32_t p, std::uint64_t bytes,
                        T msg);

    // A party's side (secagg_party.cpp): each step computes its message for real, then takes
    // the computing time the work costs on the party's node before the message leaves.
    /// Whether the party goes on with `step`: false (and it drops out) when its node is down or
    /// `dropout` picked it to vanish there.
    bool stays(Run& r, std::uint32_t p, DropoutStep step);
    void advertise(Run& r, std::uint32_t p);
    void shareKeys(Run& r, std::uint32_t p, const std::vector<secagg::Advertisement>& keys);
    void tryMask(Run& r, std::uint32_t p);
    void unmask(Run& r, std::uint32_t p, const secagg::SurvivorList& survivors);
    /// Turns the party's new work into time on its node, then sends what `what` computed.
    void charge(Run& r, std::uint32_t p, Act what, double extraSeconds = 0);
    static void onPartyDone(void* self, const core::NodeCompute::Finished& f);
    static void onPartyTimer(void* self, sim::NodeIndex node, std::uint64_t data);
    static void onPartyReady(void* self, sim::NodeIndex node, std::uint64_t data);
    void partyComputed(SessionId id, std::uint32_t p);
    template <class T>
    void sendFromParty(Run& r, std::uint32_t p, core::MessageChannel<T>& ch, std::uint64_t bytes,
                       T msg);
    /// Whether every party still in the protocol has done what `done` asks.
    template <class Done>
    static bool allIn(const Run& r, Done done) {
        for (std::uint32_t p = 0; p < r.parties.size(); ++p)
            if (!r.parties[p].gone && !done(p)) return false;
        return true;
    }

    // Deliveries and losses.
    static void onKeys(void* self, const sim::Delivery& d, KeysMsg& m);
    static void onKeyList(void* self, const sim::Delivery& d, KeyListMsg& m);
    static void onShares(void* self, const sim::Delivery& d, SharesMsg& m);
    static void onInbox(void* self, const sim::Delivery& d, SharesMsg& m);
    static void onMasked(void* self, const sim::Delivery& d, MaskedMsg& m);
    static void onSurvivors(void* self, const sim::Delivery& d, SurvivorsMsg& m);
    static void onUnmask(void* self, const sim::Delivery& d, UnmaskMsg& m);
    static void onKeysLost(void* self, const sim::Loss& l, KeysMsg& m);
    static void onKeyListLost(void* self, const sim::Loss& l, KeyListMsg& m);
    static void onSharesLost(void* self, const sim::Loss& l, SharesMsg& m);
    static void onInboxLost(void* self, const sim::Loss& l, SharesMsg& m);
    static void onMaskedLost(void* self, const sim::Loss& l, MaskedMsg& m);
    static void onSurvivorsLost(void* self, const sim::Loss& l, SurvivorsMsg& m);
    static void onUnmaskLost(void* self, const sim::Loss& l, UnmaskMsg& m);

    core::LayerContext* ctx_;
    const Config& cfg_;
    const Metrics& m_;
    sim::Simulation* sim_;
    core::SimNodeRuntime* runtime_;
    core::NodeDisplay display_;
    struct States {
        sim::NodeStateCode advertising, sharing, masking, unmasking, dropped;
    } states_{};
    core::MessageChannel<KeysMsg> keys_;
    core::MessageChannel<KeyListMsg> keyList_;
    core::MessageChannel<SharesMsg> shares_, inbox_;
    core::MessageChannel<MaskedMsg> masked_;
    core::MessageChannel<SurvivorsMsg> survivors_;
    core::MessageChannel<UnmaskMsg> unmask_;
    std::map<SessionId, std::unique_ptr<Run>> runs_;
    // Sums computed by the server, delivered when its computing time is over.
    std::map<SessionId, Sum> pending_;
    std::vector<Record> records_;  // by session id - 1
    SessionId next_ = 1;
};

}  // namespace dais::layers::crypto
