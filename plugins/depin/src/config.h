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
enum class Discipline { Fifo, Priority };
enum class Precision { Fp32, Fp16 };
enum class Verification { None, Redundant, Spot, Proof };
enum class TokenModel { Fixed, BurnAndMint };

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
    std::string jobMix;                // "inference:8,render:2"
    double jobMemoryGb = 0;            // custom jobs' memory need
    double budget = 0;                 // tokens a job may cost at most (0: any)
    Discipline discipline = Discipline::Fifo;
    Precision precision = Precision::Fp32;
    double efficiency = 0;  // catalogue hardware: sustained share of peak
    double tokenUsd = 0;    // a token's price in USD (catalogue prices into tokens)
    Verification verification = Verification::None;
    std::size_t redundancy = 0, maxRounds = 0;
    double spotRate = 0;
    double dishonest = 0, cheatRate = 0, cheatEffort = 0;
    bool collusion = false;
    double slashFraction = 0, minStake = 0, reputationRate = 0;
    bool slashFailures = false;
    bool recordResults = false;
    TokenModel tokenModel = TokenModel::Fixed;
    double priceResponse = 0;
    sim::SimTime epoch = 0, emissionHalving = 0;
    double emission = 0, uptimeShare = 0;
    std::size_t leaveAfter = 0;
    double diurnalJitter = 0;  // hours
};

struct Metrics {
    sim::MetricId submitted, done, waited, preempted, failed, wait, transfer, compute, response,
        inSystem, meanInSystem, queued, online, bytes, providerJobs, busyTime, unaffordable, spent,
        cost, income, price, missed, availability, unserved, wrong, caught, wrongAccepted, rejected,
        verificationWork, audits, slashed, expelled, staked, utilisation, reputation, stake,
        waitCustom, waitInference, waitTraining, waitRender, responseCustom, responseInference,
        responseTraining, responseRender, rewards, burned, tokenPrice, supply, left, joined;
    sim::MetricId proofTime, verifyTime, proofBytes, proofRejected;
    sim::MetricId resultsRecorded;
};

using Definition = core::LayerDefinition<Config, Metrics>;
const Definition& definition();

}  // namespace dais::layers::depin
