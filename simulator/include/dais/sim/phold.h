#pragma once
// PHOLD (Fujimoto 1990), the standard synthetic workload for discrete-event kernels: N logical
// processes pass P events each around at random, with almost no model work, so the run time is
// the cost of the queue and the dispatch loop.

#include <cstdint>
#include <vector>

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
    std::uint64_t handled(std::uint32_t lp) const { return handled_[lp]; }
    /// Expected events for the configuration: N * P * end / (mean + lookahead).
    static double expectedEvents(const PholdConfig& c);

private:
    void onEvent(Simulation& sim, const Event& e);
    SimTime delay(RngStream& rng) const {
        return config_.lookahead +
               static_cast<SimTime>(-std::log(rng.uniformPositive()) * static_cast<double>(config_.mean));
    }
    Simulation& sim_;
    PholdConfig config_;
    KindId kind_;
    std::vector<RngStream> rng_;
    std::vector<std::uint64_t> handled_;
};

struct PholdResult {
    std::uint64_t events = 0;
    std::uint64_t fingerprint = 0;
    double wallSeconds = 0;       ///< the event loop only (set-up excluded)
    std::size_t pendingAtEnd = 0;
    std::size_t queueBytes = 0;   ///< memory held by the queue at the end
};

/// Builds a simulation, runs PHOLD to config.end and reports.
PholdResult runPhold(const PholdConfig& config);

}  // namespace dais::sim
