#include "dais/sim/phold.h"

#include <chrono>
#include <new>

namespace dais::sim {

Phold::Phold(Simulation& sim, const PholdConfig& config)
    : sim_(sim),
      config_(config),
      kind_(sim.registerKind<&Phold::onEvent>("phold.event", *this)),
      lps_(allocateLps(config.lps)) {
    for (std::uint32_t i = 0; i < config.lps; ++i)
        new (&lps_[i]) Lp{sim.rng("phold", i, "event"), 0};
    // The next event's LP is a random line of a big array: start loading it early.
    sim.setPrefetch(kind_, [](void* self, const Event& next) {
        __builtin_prefetch(&static_cast<Phold*>(self)->lps_[next.target], 1);
    });
}

Phold::LpArray Phold::allocateLps(std::uint32_t n) {
    const std::size_t bytes = std::size_t{n} * sizeof(Lp);
    return LpArray(static_cast<Lp*>(allocateBlock(bytes, alignof(Lp))), FreeLps{bytes});
}

void Phold::start() {
    for (std::uint32_t i = 0; i < config_.lps; ++i)
        for (std::uint32_t p = 0; p < config_.eventsPerLp; ++p)
            sim_.scheduleAt(delay(lps_[i].rng), i, kind_);
}

void Phold::onEvent(Simulation& sim, const Event& e) {
    const std::uint32_t i = e.target;
    Lp& lp = lps_[i];
    ++lp.handled;
    RngStream& rng = lp.rng;
    const auto j =
        rng.uniform() < config_.remote ? static_cast<std::uint32_t>(rng.below(config_.lps)) : i;
    sim.scheduleIn(delay(rng), j, kind_);
}

double Phold::expectedEvents(const PholdConfig& c) {
    return static_cast<double>(c.lps) * c.eventsPerLp * static_cast<double>(c.end) /
           static_cast<double>(c.mean + c.lookahead);
}

PholdResult runPhold(const PholdConfig& config) {
    Simulation sim({config.seed, config.queue});
    Phold model(sim, config);
    model.start();
    const auto t0 = std::chrono::steady_clock::now();
    sim.runUntil(config.end);
    const auto t1 = std::chrono::steady_clock::now();
    PholdResult r;
    r.events = sim.executed();
    r.fingerprint = sim.fingerprint().value();
    r.wallSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.pendingAtEnd = sim.pending();
    r.queueBytes = sim.queueMemoryBytes();
    return r;
}

}  // namespace dais::sim
