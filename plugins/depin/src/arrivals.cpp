#include "arrivals.h"

namespace dais::layers::depin {

Arrivals::Arrivals(const Config& cfg, sim::RngStream rng) : rng_(rng) {
    bursty_ = cfg.arrival == ArrivalKind::Bursty;
    if (!bursty_) {
        calmRate_ = cfg.arrivalRate;
        return;
    }
    // The long-run rate is the time-weighted mean of the two: calm share f at rate r, bursts at
    // k r, so arrival_rate = r (f + k (1 - f)).
    meanCalm_ = sim::toSeconds(cfg.meanCalm);
    meanBurst_ = sim::toSeconds(cfg.meanBurst);
    const double f = meanCalm_ / (meanCalm_ + meanBurst_);
    calmRate_ = cfg.arrivalRate / (f + cfg.burstFactor * (1 - f));
    burstRate_ = cfg.burstFactor * calmRate_;
    // It starts in the stationary state: in a burst with probability 1 - f.
    inBurst_ = rng_.uniform() >= f;
    switchAt_ = sim::toSeconds(cfg.start) + rng_.exponential(inBurst_ ? meanBurst_ : meanCalm_);
}

bool Arrivals::next(sim::SimTime now, sim::SimTime& at) {
    using sim::SimTime;
    double t = sim::toSeconds(now);
    if (bursty_) {
        // Memoryless: a gap that crosses a change of state is drawn again from there.
        for (;;) {
            const double gap = rng_.exponential(1.0 / (inBurst_ ? burstRate_ : calmRate_));
            if (t + gap < switchAt_) {
                t += gap;
                break;
            }
            t = switchAt_;
            inBurst_ = !inBurst_;
            switchAt_ = t + rng_.exponential(inBurst_ ? meanBurst_ : meanCalm_);
        }
        return sim::durationFromSeconds(t, at);
    }
    SimTime gap;
    return sim::durationFromSeconds(rng_.exponential(1.0 / calmRate_), gap) &&
           sim::addTime(now, gap, at);
}

}  // namespace dais::layers::depin
