#pragma once
// Joint training by secure multi-party computation, played over the simulated network: the
// parties of a role (banks that will not show each other their customers) train a linear or
// logistic model on data split between them, by additive secret sharing with Beaver triples
// (SPDZ-style). The plan comes from the cost model (dais/crypto/smpc_cost.h): first each party
// generates its triples (the offline phase, computing time on its CPU), then every round of the
// online phase is real messages between the parties with the plan's bytes, and each party goes
// on to the next round when it has heard from every party that sends to it, after the round's
// local arithmetic. A party that goes down stalls the computation: SMPC needs all of them.

#include <cstdint>
#include <memory>
#include <vector>

#include "dais/core/message_channel.h"
#include "dais/core/node_context.h"
#include "dais/core/sim_node_runtime.h"
#include "dais/crypto/smpc_cost.h"

namespace dais::layers::crypto {

class SmpcTraining {
  public:
    struct Settings {
        std::vector<sim::NodeIndex> parties;
        dais::crypto::TrainingProblem problem;
        dais::crypto::SmpcSetup setup;
        dais::crypto::SmpcConstants constants;
        sim::SimTime start = 0;
        double secondsPerOperation = 0;  ///< a field operation on the reference machine
        double referenceFlops = 0;       ///< the reference machine's CPU, FLOP/s
    };
    struct Handles {
        sim::MetricId time, onlineTime, offlineTime, bytes, rounds, finished;
        sim::NodeStateCode offline, online, waiting;
    };
    /// Makes the plan (its error is the caller's to report) and opens the port.
    static core::Result<std::unique_ptr<SmpcTraining>> make(core::SimNodeRuntime& runtime,
                                                            sim::Simulation& sim,
                                                            core::NodeDisplay display,
                                                            Settings settings, Handles handles);
    /// Schedules the start.
    void begin();
    std::size_t parties() const { return parties_.size(); }

  private:
    struct Share {
        std::uint32_t round = 0, from = 0;
    };
    struct Party {
        std::uint32_t round = 0;  // the round it works on
        bool computing = false;
        // Messages heard, by round, for rounds it has not finished (a faster party runs ahead).
        std::vector<std::pair<std::uint32_t, std::uint32_t>> heard;  // (round, count)
        bool done = false;
    };

    SmpcTraining(core::SimNodeRuntime& runtime, sim::Simulation& sim, core::NodeDisplay display,
                 Settings settings, Handles handles, dais::crypto::TrainingPlan plan);
    core::NodeContext node(std::uint32_t p) const {
        return core::NodeContext(*runtime_, parties_[p]);
    }
    const dais::crypto::SmpcRound& roundAt(std::uint64_t r) const;
    void startRound(std::uint32_t p);
    void maybeCompute(std::uint32_t p);
    std::uint32_t& heardIn(Party& party, std::uint32_t round);
    std::uint32_t expected(std::uint32_t p, std::uint32_t round) const;
    void charge(std::uint32_t p, double seconds, bool offline);
    static void onStart(void* self, sim::NodeIndex node, std::uint64_t data);
    static void onShare(void* self, const sim::Delivery& d, Share& s);
    static void onDone(void* self, const core::NodeCompute::Finished& f);
    static void onTimer(void* self, sim::NodeIndex node, std::uint64_t data);
    void computed(std::uint32_t p);

    core::SimNodeRuntime* runtime_;
    sim::Simulation* sim_;
    core::NodeDisplay display_;
    Settings s_;
    Handles h_;
    dais::crypto::TrainingPlan plan_;
    std::vector<sim::NodeIndex> parties_;
    std::vector<Party> state_;
    core::MessageChannel<Share> shares_;
    std::uint64_t totalRounds_ = 0, epochRounds_ = 0;
    std::size_t finishedParties_ = 0;
    sim::SimTime onlineFrom_ = 0;
};

}  // namespace dais::layers::crypto
