#pragma once
// When jobs arrive: a Poisson process, or a bursty one (a two-state Markov-modulated Poisson
// process: calm spells and bursts of exponential lengths, the rate in a burst burst_factor
// times the calm rate, the two chosen so that the long-run rate is arrival_rate). Internal to
// the layer.
#include "config.h"
#include "dais/sim/rng.h"
#include "dais/sim/time.h"

namespace dais::layers::depin {

class Arrivals {
  public:
    Arrivals() = default;
    Arrivals(const Config& cfg, sim::RngStream rng);
    /// The next arrival after `now`; false when it would be beyond the longest simulated time.
    bool next(sim::SimTime now, sim::SimTime& at);

  private:
    sim::RngStream rng_;
    bool bursty_ = false;
    double calmRate_ = 0, burstRate_ = 0;  // arrivals per second in each state
    double meanCalm_ = 0, meanBurst_ = 0;  // seconds
    bool inBurst_ = false;
    double switchAt_ = 0;  // seconds: when the state changes next
};

}  // namespace dais::layers::depin
