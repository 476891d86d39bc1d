#pragma once
// The DePIN layer's parameters and metrics, as its definition (definition.cpp) declares them:
// one field per parameter, choices as enums, one handle per metric. Internal to the layer.
#include <cstdint>
#include <string>

#include "dais/core/layer_definition.h"
#include "policy.h"

namespace dais::layers::depin {

enum class JobSize { Exponential, Fixed };
enum class Matching { Book, Queues };
enum class Payment { None, Escrow };
enum class ArrivalKind { Poisson, Bursty, Trace };

struct Config {
    std::string providerRole, clientRole;
    double arrivalRate = 0;  // jobs per second, all clients together
    ArrivalKind arrival = ArrivalKind::Poisson;
    double burstFactor = 0;
    sim::SimTime meanBurst = 0, meanCalm = 0;
    std::string traceFile;
    double jobGflop = 0;  // mean work of a job
    JobSize jobSize = JobSize::Exponential;
    std::uint64_t inputBytes = 0, outputBytes = 0;  // 0: no transfer that way
    Matching matching = Matching::Book;
    PolicyKind policy = PolicyKind::Random;
    std::size_t candidates = 0;  // 0: every candidate
    Payment payment = Payment::Escrow;
    double costVariation = 0;
    sim::SimTime start = 0, stop = 0;  // when jobs arrive (stop 0: until the run ends)
    sim::SimTime deadline = 0;         // a job's result is due this long after it arrives
};

struct Metrics {
    sim::MetricId submitted, done, waited, preempted, failed, wait, transfer, compute, response,
        inSystem, meanInSystem, queued, online, bytes, providerJobs, busyTime, unaffordable, spent,
        cost, income, price, missed, availability;
};

using Definition = core::LayerDefinition<Config, Metrics>;
const Definition& definition();

}  // namespace dais::layers::depin
