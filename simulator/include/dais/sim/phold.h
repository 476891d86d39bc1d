#pragma once
// PHOLD (Fujimoto 1990), the standard synthetic workload for discrete-event kernels: N logical
// processes pass P events each around at random, with almost no model work, so the run time is
// the cost of the queue and the dispatch loop.

#include <cstdint>
#include <memory>

#include "dais/sim/memory.h"
#include "dais/sim/simulation.h"

namespace dais::sim {

struct PholdConfig {
    std::uint32_t lps = 1000;        ///< N logical processes
    std::uint32_t eventsPerLp = 1;   ///< P events per LP at the start (the population is N*P)
    SimTime end = 11'000 * kSecond;  ///< count the events with time <= end
    double remote = 0.9;             ///< probability that an event goes to a uniform random LP
    SimTime mean = kSecond;          ///< mean of the exponential part of each delay
    SimTime lookahead = kSecond / 10;
    std::uint64_t seed = 1;
    QueueKind queue = QueueKind::Heap;
};

/// The PHOLD model over a Simulation: one event kind, one counter and one stream per LP.
class Phold {
  public:
    Phold(Simulation& sim, const PholdConfig& config);
    /// Schedules the initial population.
    void start();
    std::uint64_t handled(std::uint32_t lp) const { return lps_[lp].handled; }
    /// Expected events for the configuration: N * P * end / (mean + lookahead).
    static double expectedEvents(const PholdConfig& c);

  private:
    void onEvent(Simulation& sim, const Event& e);
    SimTime delay(RngStream& rng) const {
        return config_.lookahead + static_cast<SimTime>(-std::log(rng.uniformPositive()) *
                                                        static_cast<double>(config_.mean));
    }
    /// One LP's whole state in 32 aligned bytes, so that handling an event touches one cache
    /// line of model state (the stream and the counter side by side) rather than two.
    struct alignas(32) Lp {
        RngStream rng;
        std::uint64_t handled = 0;
    };
    static_assert(sizeof(Lp) == 32);

    Simulation& sim_;
    PholdConfig config_;
    KindId kind_;
    struct FreeLps {
        std::size_t bytes;
        void operator()(Lp* p) const { freeBlock(p, bytes, alignof(Lp)); }
    };
    using LpArray = std::unique_ptr<Lp[], FreeLps>;
    /// The LP array is read at random, once per event: a big one goes on huge pages.
    static LpArray allocateLps(std::uint32_t n);
    LpArray lps_;
};

struct PholdResult {
    std::uint64_t events = 0;
    std::uint64_t fingerprint = 0;
    double wallSeconds = 0;  ///< the event loop only (set-up excluded)
    std::size_t pendingAtEnd = 0;
    std::size_t queueBytes = 0;  ///< memory held by the queue at the end
};

/// Builds a simulation, runs PHOLD to config.end and reports.
PholdResult runPhold(const PholdConfig& config);

}  // namespace dais::sim
