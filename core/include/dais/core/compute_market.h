#pragma once
// The compute-market service: jobs run on the providers of a market (pooled GPUs and CPUs, edge
// sites, cloud data centres), paid for in the run's token.
//
// A consumer asks what a job would cost (quote) or submits it. The market matches the job to a
// provider that meets its requirements (posted prices, or an auction of sealed bids), holds the
// price in escrow from the payer's account, moves the input over the network, runs the job, moves
// the output back, verifies the result if asked, and then releases the payment to the provider
// on an accepted result or refunds the payer. Every job ends with exactly one outcome.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "dais/core/payments.h"
#include "dais/core/result.h"
#include "dais/core/services.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::core {

class ComputeMarket : public Service {
  public:
    static constexpr std::string_view kId = "compute-market";
    using JobId = std::uint64_t;

    /// What a provider must have to take the job.
    struct Requirements {
        double minFlopsPerSecond = 0;      ///< sustained speed
        std::uint64_t minMemoryBytes = 0;  ///< accelerator (or host) memory for the job
        std::string hardwareClass;         ///< "" any, else a class of the market's catalogue
        std::string region;                ///< "" any, else a region of the network
        double minReputation = 0;          ///< 0..1
    };

    /// How the market checks that a provider did the work.
    enum class Verification : std::uint8_t {
        None,       ///< results are trusted
        Redundant,  ///< `redundancy` providers run it; the majority result is accepted
        Spot,       ///< a fraction `spotRate` of results is re-run by a trusted verifier
        Proof,      ///< the provider proves the execution; the market verifies the proof
    };

    struct Job {
        sim::NodeIndex submitter = 0;  ///< the input comes from here, the output goes back here
        AccountId payer = 0;  ///< pays, through the payments service (usually the submitter's)
        std::string kind;     ///< "inference", "training", "render": a market may price kinds apart
        double flops = 0;     ///< work to do, > 0
        std::uint64_t inputBytes = 0;   ///< sent from the submitter to the provider
        std::uint64_t outputBytes = 0;  ///< sent back
        Requirements requirements;
        sim::SimTime deadline = sim::kTimeNever;  ///< the output must be back by then
        Amount maxPrice = 0;                      ///< the most the payer pays; 0 = any price
        std::uint32_t redundancy = 1;             ///< providers that run it, >= 1
        Verification verification = Verification::None;
        double spotRate = 0;  ///< Spot: the fraction of results re-run, 0..1
    };

    /// What the market would do with a job now.
    struct Quote {
        bool available = false;
        sim::NodeIndex provider = 0;
        Amount price = 0;
        sim::SimTime expectedFinish = 0;
        std::string reason;  ///< why not available
    };

    enum class Status : std::uint8_t {
        Done,            ///< the result is back and accepted; the provider is paid
        NoProvider,      ///< nobody meets the requirements at the price
        MissedDeadline,  ///< the result was not back by the deadline; refunded
        ProviderFailed,  ///< the provider crashed or left, and no other took the job over
        Rejected,        ///< verification failed; refunded, the provider may be slashed
        Cancelled,       ///< cancel() was called; refunded as the market's rules say
        Unaffordable,    ///< the payer could not cover the price
    };
    static std::string_view statusName(Status s);

    struct Outcome {
        JobId job = 0;
        Status status = Status::NoProvider;
        sim::NodeIndex provider = 0;  ///< who ran it (the accepted one, with redundancy)
        sim::SimTime startedAt = 0;   ///< the lease began
        sim::SimTime finishedAt = 0;  ///< the output was back (or the job ended otherwise)
        Amount paid = 0;              ///< what the payer paid in the end
        bool verified = false;        ///< the result was checked and passed
        std::string reason;           ///< what went wrong, for every status but Done
        bool done() const { return status == Status::Done; }
    };

    /// Asks what the job would cost and when it would finish, committing nothing: a posted-price
    /// market answers at once, an auction after its bidding window. `answer` is called once.
    virtual void quote(const Job& job, std::function<void(const Quote&)> answer) = 0;
    /// Submits a job; `done` is called once with its outcome. A job that cannot be valid
    /// (flops <= 0, redundancy 0, a spot rate outside 0..1, an unknown hardware class) is
    /// refused with the reason and `done` is never called.
    virtual Result<JobId> submit(const Job& job, std::function<void(const Outcome&)> done) = 0;
    /// Cancels a job: its `done` is called with Cancelled. False for an unknown or finished job.
    virtual bool cancel(JobId job) = 0;
};

/// Checks what every market must refuse in a job: the problem, or "".
std::string jobProblem(const ComputeMarket::Job& job);

}  // namespace dais::core
