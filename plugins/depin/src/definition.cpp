// The DePIN layer's one declaration: every parameter bound to its Config field, every choice to
// its enum, every metric to its handle (config.h).
#include "config.h"
#include "hardware_catalogue.h"

namespace dais::layers::depin {

namespace {

std::vector<std::string> hardwareChoices() {
    std::vector<std::string> choices = {"node"};
    for (const HardwareClass& c : hardwareCatalogue())
        choices.emplace_back(c.id);
    return choices;
}

}  // namespace

const Definition& definition() {
    static const Definition definition = [] {
        Definition d("depin", "DePIN compute market", "0.3.0");
        d.summary(
            "A market of pooled compute: providers (nodes of the provider role) sell a GPU or CPU "
            "from the catalogue or their own processor, at the edge or in the cloud; jobs of "
            "several kinds (inference, rendering, training steps, or one of your own) arrive at "
            "the clients (Poisson, in bursts, or from a trace), are matched by a policy (random, "
            "cheapest, nearest, least loaded, reputation, or a sealed-bid auction) through an "
            "order book or the providers' own queues, send their input over the network, compute "
            "on the provider's processor (shared with the run's other layers), send their result "
            "back, and are paid for in escrow. Results can be checked by majority vote, spot "
            "checks or zero-knowledge proofs (through a proof service) against dishonest "
            "providers, whose stakes are slashed; an emission rewards providers, a burn-and-mint "
            "token can price it, and providers leave a market that does not cover their costs. "
            "Other layers rent compute through the compute-market service.");
        d.role("provider", false, "Nodes that sell their compute (role set by provider_role).");
        d.role("client", false, "Nodes that submit jobs (role set by client_role).");
        d.text("provider_role", &Config::providerRole, "provider", "",
               "Nodes of this role are the providers.");
        d.text("client_role", &Config::clientRole, "client", "",
               "Nodes of this role submit the jobs, each arrival from one picked uniformly.");
        d.real("arrival_rate", &Config::arrivalRate, 1.0, "jobs/s",
               "Jobs per second from all the clients together, in the long run.")
            .range(1e-9, 1e9);
        d.choice("arrival", &Config::arrival, ArrivalKind::Poisson,
                 {{"poisson", ArrivalKind::Poisson},
                  {"bursty", ArrivalKind::Bursty},
                  {"trace", ArrivalKind::Trace}},
                 "How jobs arrive: a Poisson process; in bursts (calm spells and bursts of "
                 "exponential lengths mean_calm and mean_burst, burst_factor times the calm rate "
                 "in a burst; the long-run rate stays arrival_rate); or as a trace file lists "
                 "them (trace_file).");
        d.text("trace_file", &Config::traceFile, "", "",
               "trace: a CSV file, relative to the scenario's folder: a header, then one job a "
               "line in time order; columns time (s from start, required), gflop, input_bytes, "
               "output_bytes, client (a node's name); a column left out takes the layer's "
               "setting, a job without a client comes from one picked at random.");
        d.real("burst_factor", &Config::burstFactor, 10.0, "",
               "bursty: how many times the calm rate jobs arrive at in a burst.")
            .range(1, 1e6);
        d.duration("mean_burst", &Config::meanBurst, "10s", "bursty: mean length of a burst.")
            .range(1e-6, 1e9);
        d.duration("mean_calm", &Config::meanCalm, "60s", "bursty: mean length of a calm spell.")
            .range(1e-6, 1e9);
        d.real("job_gflop", &Config::jobGflop, 1.0, "GFLOP",
               "Mean work of a job; a provider computes it at its fastest processor's speed.")
            .range(1e-12, 1e15);
        d.choice("job_size", &Config::jobSize, JobSize::Exponential,
                 {{"exponential", JobSize::Exponential}, {"fixed", JobSize::Fixed}},
                 "How job sizes vary: exponentially around job_gflop (service times are then "
                 "exponential on identical providers: an M/M/c queue), or all the same (M/D/c).");
        d.size("input_bytes", &Config::inputBytes, 0,
               "Data a job sends from its client to its provider before it can run, a real "
               "message over the network (0: the data is already there).");
        d.size("output_bytes", &Config::outputBytes, 0,
               "Result a job sends back from its provider to its client (0: none; the job ends "
               "when its compute does).");
        d.choice("matching", &Config::matching, Matching::Book,
                 {{"book", Matching::Book}, {"queues", Matching::Queues}},
                 "book: jobs wait in the market's order book and the policy picks among the "
                 "free providers when one is needed (a pool; M/M/c with identical providers); "
                 "queues: the policy sends each job at once to a provider that is up, where it "
                 "waits in that provider's own queue, first come first served.");
        d.choice("policy", &Config::policy, PolicyKind::Random,
                 {{"random", PolicyKind::Random},
                  {"cheapest", PolicyKind::Cheapest},
                  {"nearest", PolicyKind::Nearest},
                  {"least-loaded", PolicyKind::LeastLoaded},
                  {"reputation", PolicyKind::Reputation},
                  {"auction-first", PolicyKind::AuctionFirst},
                  {"auction-second", PolicyKind::AuctionSecond}},
                 "How a provider is picked among the candidates: uniformly; the lowest price for "
                 "the job (price x hours); the nearest to the job's client; the one that would "
                 "finish it first (its queued work plus the job's, over its speed); drawn "
                 "with probability proportional to reputation; or a sealed-bid reverse auction "
                 "among them, the lowest bid winning and paid its own bid (first price, bids at "
                 "the symmetric equilibrium) or the second-lowest (second price, bids at cost).");
        d.real("cost_variation", &Config::costVariation, 0.0, "",
               "Auctions: a provider's cost for a job is its cost attribute times a uniform draw "
               "in [1 - v, 1 + v].")
            .range(0, 1);
        d.integer("candidates", &Config::candidates, 0, "providers",
                  "How many candidates the policy looks at, drawn uniformly (with repeats) from "
                  "those it may pick; 0: all of them (a look at every provider per job: keep it "
                  "for small markets).")
            .range(0, 1e6);
        d.choice("payment", &Config::payment, Payment::Escrow,
                 {{"escrow", Payment::Escrow}, {"none", Payment::None}},
                 "escrow: when a job is matched, its price (the price per hour of the match, "
                 "posted or set by an auction, times the hours the provider's processor needs) "
                 "is held from the client's account; it goes to "
                 "the provider when the result is back, and back to the client if the run is "
                 "lost; a client that cannot pay loses the job. none: compute is free.");
        d.provides("compute-market");
        d.uses("payments", false,
               "payment escrow pays providers through it; without a ledger, core settles at once");
        d.uses("ledger", false, "record_results needs it: without one no result is recorded");
        d.uses("proofs", false,
               "verification proof: providers prove their results through it (the crypto layer "
               "provides it); without it, proof verification is refused");
        d.attribute("price", core::ParamType::Real, 1.0, "tokens/h",
                    "What a provider charges per hour of its processor.")
            .range(0, 1e12);
        d.attribute("cost", core::ParamType::Real, 0.5, "tokens/h",
                    "What an hour of its processor costs a provider (power, wear): its bid's "
                    "basis in auctions.")
            .range(0, 1e12);
        d.attribute("reputation", core::ParamType::Real, 1.0, "",
                    "How much the market trusts a provider, 0 to 1.")
            .range(0, 1);
        d.duration("deadline", &Config::deadline, "0s",
                   "How long after it arrives a job's result is due (0: no deadline). A job "
                   "still finishes after it, and counts in depin.deadline_misses.")
            .atLeast(0);
        d.duration("start", &Config::start, "0s", "When the first jobs may arrive.").atLeast(0);
        d.duration("stop", &Config::stop, "0s",
                   "When jobs stop arriving (0: never); those in the market still finish.")
            .atLeast(0);
        d.text("job_mix", &Config::jobMix, "custom", "",
               "The kinds of job that arrive, with weights: \"inference:8,render:2\". custom is "
               "the job job_gflop, input_bytes, output_bytes, job_memory_gb and deadline "
               "describe; inference (a 7-billion-parameter model answering 512 tokens: 7.2 TFLOP, "
               "16 GB, due in 10 s, first in a priority queue), training (one step of a "
               "1-billion-parameter model on 500,000 tokens: 3 PFLOP, 2 GB of weights back, 24 "
               "GB, due in an hour, last) and render (a production frame: 300 TFLOP, 500 MB of "
               "scene in, 50 MB out, 12 GB, due in 15 minutes) are fixed profiles (README).");
        d.real("job_memory_gb", &Config::jobMemoryGb, 0.0, "GB",
               "Memory a custom job needs on its provider's processor; a provider with less "
               "(resources.memory_gb, or its hardware's) cannot take it (0: any).")
            .range(0, 1e9);
        d.real("budget", &Config::budget, 0.0, "tokens",
               "The most a job may cost (its provider's price per hour x the hours it needs); "
               "providers dearer for it are passed over (0: any price).")
            .range(0, 1e15);
        d.choice("queue", &Config::discipline, Discipline::Fifo,
                 {{"fifo", Discipline::Fifo}, {"priority", Discipline::Priority}},
                 "How waiting jobs are ordered, in the book and in providers' queues: first come "
                 "first served, or by their kind's priority (inference, then render and custom, "
                 "then training; first come first served within one), without interrupting a "
                 "job that runs.");
        d.choice("precision", &Config::precision, Precision::Fp32,
                 {{"fp32", Precision::Fp32}, {"fp16", Precision::Fp16}},
                 "Which peak of catalogue hardware jobs run at: 32-bit, or 16-bit on tensor "
                 "cores where the part has them.");
        d.real("efficiency", &Config::efficiency, 0.5, "",
               "The share of catalogue hardware's peak a job sustains (large-model training "
               "reaches about 0.46 of peak: Chowdhery et al., PaLM, 2022).")
            .range(1e-6, 1);
        d.real("token_usd", &Config::tokenUsd, 1.0, "USD",
               "A token's price in US dollars, which turns catalogue hardware's typical price "
               "into a provider's price in tokens when its price attribute is not given.")
            .range(1e-12, 1e12);
        d.choice("verification", &Config::verification, Verification::None,
                 {{"none", Verification::None},
                  {"redundant", Verification::Redundant},
                  {"spot", Verification::Spot},
                  {"proof", Verification::Proof}},
                 "How the market checks results: it trusts them; redundant: `redundancy` "
                 "different providers run each job and the result a majority returns is accepted "
                 "(no majority: the job runs again, up to max_rounds); spot: a share spot_rate of "
                 "results is re-run on trusted hardware before it is accepted, so an audited "
                 "job's result waits as long again; proof: the provider proves each result in "
                 "zero knowledge after computing it (the proof service's prover time, on its CPU), "
                 "the proof travels with the result and the client verifies it before accepting "
                 "(needs a proof service: the crypto layer provides one).");
        d.integer("redundancy", &Config::redundancy, 3, "providers",
                  "redundant: how many providers run each job.")
            .range(2, 9);
        d.integer("max_rounds", &Config::maxRounds, 3, "",
                  "redundant: how many times a job runs on `redundancy` providers before, with "
                  "no majority, it is rejected.")
            .range(1, 100);
        d.real("spot_rate", &Config::spotRate, 0.1, "",
               "spot: the share of results re-run to check them.")
            .range(0, 1);
        d.real("dishonest", &Config::dishonest, 0.0, "",
               "The share of providers that cheat, drawn at random: such a provider returns a "
               "wrong result for a job with probability cheat_rate.")
            .range(0, 1);
        d.real("cheat_rate", &Config::cheatRate, 1.0, "",
               "How often a dishonest provider cheats on a job it takes.")
            .range(0, 1);
        d.real("cheat_effort", &Config::cheatEffort, 0.0, "",
               "The share of a job's work a cheater computes before it returns its wrong result "
               "(0: none; it saves the whole compute).")
            .range(0, 1);
        d.flag("collusion", &Config::collusion, false,
               "Cheaters return the same wrong result, so they can outvote honest providers; "
               "otherwise each wrong result differs and never makes a majority.");
        d.real("slash_fraction", &Config::slashFraction, 0.5, "",
               "The share of its stake a provider caught cheating loses (burned).")
            .range(0, 1);
        d.flag("record_results", &Config::recordResults, false,
               "Record every accepted result on the run's ledger (topic market.result, signed by "
               "the provider): the job's client, provider, kind, work and price, so that who "
               "computed what for whom, and for how much, can be audited from the chain. Each "
               "record pays its fee and waits for its finality (the ledger's metrics show both).");
        d.flag("slash_failures", &Config::slashFailures, false,
               "A provider that loses a job it was running (it crashed or went down) is slashed "
               "too, as for a wrong result: a market that punishes unreliable providers.");
        d.real("min_stake", &Config::minStake, 0.0, "tokens",
               "A provider whose stake falls below this after a slash is expelled from the "
               "market (0: never).")
            .atLeast(0);
        d.real("reputation_rate", &Config::reputationRate, 0.05, "",
               "How fast reputation follows outcomes: after each job it moves this share of the "
               "way to 1 (accepted) or 0 (caught cheating, or the job lost on a crash).")
            .range(0, 1);
        d.duration("epoch", &Config::epoch, "1h",
                   "How often the market pays rewards, updates the token's price and lets "
                   "providers decide whether to stay.")
            .range(1e-3, 1e9);
        d.real("emission", &Config::emission, 0.0, "tokens",
               "Tokens minted each epoch as rewards to providers (0: none): uptime_share of it by "
               "the time each was up in the market during the epoch, the rest by the value of "
               "the jobs each finished. Needs the payments service.")
            .range(0, 1e15);
        d.duration("emission_halving", &Config::emissionHalving, "0s",
                   "The emission halves every this long (0: it stays the same), as in "
                   "Bitcoin's schedule and those of DePIN networks modelled on it.")
            .atLeast(0);
        d.real("uptime_share", &Config::uptimeShare, 1.0, "",
               "The share of each epoch's emission paid for uptime; the rest pays for work.")
            .range(0, 1);
        d.integer("leave_after", &Config::leaveAfter, 0, "epochs",
                  "A provider whose income (payments and rewards, at the token's price) falls "
                  "below its cost (its cost attribute for each hour it was up) this many epochs "
                  "in a row leaves the market; one that left comes back once the income per "
                  "provider-hour of those in the market would have covered its cost this many "
                  "epochs in a row (0: providers never leave).")
            .range(0, 1e6);
        d.choice("token_model", &Config::tokenModel, TokenModel::Fixed,
                 {{"fixed", TokenModel::Fixed}, {"burn-and-mint", TokenModel::BurnAndMint}},
                 "fixed: the token keeps its price token_usd, and clients pay providers. "
                 "burn-and-mint: prices are pegged to the dollar (a price of p tokens an hour is "
                 "p x token_usd dollars), a client pays a job by burning tokens worth its price "
                 "at the token's price then, and providers earn only the emission; each epoch "
                 "the price moves by the ratio of tokens burned to tokens minted to the power "
                 "price_response (at most halving or doubling), so it rests where burns match "
                 "the emission: the burn-and-mint equilibrium (README).");
        d.real("price_response", &Config::priceResponse, 0.5, "",
               "burn-and-mint: how strongly the price follows burns over mints each epoch.")
            .range(0, 4);
        d.attribute("hardware", core::ParamType::Choice, "node", "",
                    "What a provider sells: node (the node's resources: its faster processor) or "
                    "a class of the catalogue (README), whose processor the market gives the "
                    "node at `efficiency` of its peak, with its memory and typical price.")
            .choices(hardwareChoices());
        d.attribute("online_hours", core::ParamType::Real, 24.0, "h",
                    "Hours a day the provider offers its hardware (24: always), from "
                    "online_from; out of them it finishes the job it has and takes no more.")
            .range(0, 24);
        d.attribute("online_from", core::ParamType::Real, 0.0, "h",
                    "When its hours begin, in hours after midnight (the run starts at "
                    "midnight): 18 for an evening's gamer lending a GPU overnight.")
            .range(0, 24);
        d.real("diurnal_jitter", &Config::diurnalJitter, 0.0, "h",
               "Each provider's online_from shifted by a uniform draw of up to half this many "
               "hours either way, so a group's members do not all switch at once.")
            .range(0, 24);
        d.attribute("stake", core::ParamType::Real, 0.0, "tokens",
                    "Tokens a provider locks to take part, held from its account at the start; "
                    "slashed when it is caught cheating. Needs the payments service.")
            .range(0, 1e15);
        d.table("depin.providers", "Providers",
                "One row per provider: whether it is up, what it does now and has done, and what "
                "it charges and earns.")
            .node("node", "The provider.")
            .text("state", "up and free, busy (running a job), offline, away, left, or expelled.")
            .text("hardware", "Its catalogue class, or node (its own resources).")
            .real("speed", "TFLOP/s", "The processor it sells, sustained.")
            .real("price", "tokens/h", "What it charges per hour of that processor.")
            .real("reputation", "", "How much the market trusts it, 0 to 1.")
            .integer("queued", "jobs", "Jobs in its own queue or on their way to it (queues).")
            .real("backlog", "GFLOP", "Work queued at it or running on it.")
            .integer("jobs", "jobs", "Jobs it finished.")
            .real("busy", "s", "Time it spent on the jobs it finished.")
            .real("income", "tokens", "What it was paid.")
            .text("honest", "yes, or no: it cheats (dishonest).")
            .real("stake", "tokens", "What it has locked now (after slashes).")
            .integer("caught", "", "Times it was caught returning a wrong result.");
        d.table("depin.classes", "Providers by region and hardware",
                "One row per region and hardware class: how many providers, how many are in the "
                "market now, how busy they were and what they earned.")
            .text("region", "The region (empty: nodes outside any region).")
            .text("hardware", "The catalogue class, or node (the nodes' own resources).")
            .integer("providers", "providers", "Providers of this region and class.")
            .integer("online", "providers", "Of them, in the market now.")
            .real("utilisation", "1",
                  "Their busy time (of finished jobs) over their number times the time so far.")
            .integer("jobs", "jobs", "Jobs they finished.")
            .real("income", "tokens", "What they were paid and rewarded.");
        d.table("depin.jobs", "Jobs in the market",
                "One row per job in the market now: where it is and how long it has been there.")
            .integer("job", "", "Its slot in the market (reused once it ends).")
            .node("client", "Where it came from, and where its result goes.")
            .node("provider", "The provider that runs it or will (empty while in the book).")
            .text("state",
                  "book, sent (input on its way), queued, running, returning, checking (a spot "
                  "check re-runs it, or its proof is verified), voting (its result waits for the "
                  "other runs) or proving (its provider proves its result).")
            .time("arrived", "When it arrived.")
            .real("work", "GFLOP", "Its work.")
            .text("kind", "custom, inference, training or render.")
            .integer("round", "", "redundant: which run of its job on `redundancy` providers.");
        d.nodeState("busy", "#d9822b", "The provider is running a job.");
        d.nodeState("offline", "#8a8a8a", "The provider is down; its job went back to the book.");
        d.nodeState("away", "#a9a9d6",
                    "Out of the provider's hours (online_hours): its owner uses it.");
        d.nodeState("left", "#b7b7b7",
                    "The provider left the market: it lost money leave_after epochs in a row.");
        d.nodeState("slashed", "#c23b22",
                    "The provider was caught cheating and lost stake (now expelled when its stake "
                    "fell below min_stake).");
        d.counter("depin.jobs_submitted", &Metrics::submitted, "jobs", "Jobs that arrived.");
        d.counter("depin.jobs_done", &Metrics::done, "jobs", "Jobs that ran to the end.");
        d.counter("depin.results_recorded", &Metrics::resultsRecorded, "jobs",
                  "Accepted results whose record became final on the ledger (record_results).");
        d.counter("depin.jobs_waited", &Metrics::waited, "jobs",
                  "Jobs that could not start when they arrived: no free provider (book), or "
                  "their provider busy (queues).");
        d.counter("depin.jobs_preempted", &Metrics::preempted, "jobs",
                  "Jobs whose provider crashed, or whose input was lost on its way to the "
                  "provider (each went back to the head of the book).");
        d.counter("depin.jobs_failed", &Metrics::failed, "jobs",
                  "Jobs whose result was lost on its way back (the client was down or cut "
                  "off).");
        d.counter("depin.bytes", &Metrics::bytes, "B",
                  "Input and output bytes sent, with the proofs that travel with results.");
        d.counter("depin.deadline_misses", &Metrics::missed, "jobs",
                  "Jobs whose result came back after their deadline.");
        d.counter("depin.jobs_unaffordable", &Metrics::unaffordable, "jobs",
                  "Jobs dropped because their client could not pay the price when matched.");
        d.counter("depin.spent", &Metrics::spent, "tokens", "What clients paid for finished jobs.");
        d.distribution("depin.cost", &Metrics::cost, "tokens", "What a finished job cost.");
        d.distribution("depin.price", &Metrics::price, "tokens/h",
                       "The price per hour a job was matched at: the provider's posted price, or "
                       "what the auction set.");
        d.counter("depin.income", &Metrics::income, "tokens", "What a provider was paid.",
                  sim::MetricScope::Node);
        d.counter("depin.provider_jobs", &Metrics::providerJobs, "jobs",
                  "Jobs a provider computed to the end.", sim::MetricScope::Node);
        d.counter("depin.busy_time", &Metrics::busyTime, "s",
                  "Time a provider spent on jobs it finished, from its match to its result "
                  "leaving (its utilisation, over the run's time).",
                  sim::MetricScope::Node);
        d.distribution("depin.wait", &Metrics::wait, "s",
                       "Time a job spent neither on the network nor computing: in the book or a "
                       "provider's queue, in any run it lost, and while its result was checked.");
        d.distribution("depin.transfer", &Metrics::transfer, "s",
                       "Time a job's input and output spent on the network (of the run that "
                       "finished it).");
        d.distribution("depin.compute", &Metrics::compute, "s",
                       "Time a job computed on its provider (of the run that finished it), its "
                       "proof included with verification proof.");
        d.distribution("depin.response", &Metrics::response, "s",
                       "Time from a job's arrival to its end: its result back at the client "
                       "(wait + transfer + compute).");
        const auto byKind = [&](const char* kind, sim::MetricId Metrics::*wait,
                                sim::MetricId Metrics::*response) {
            d.distribution(std::string("depin.wait_") + kind, wait, "s",
                           std::string("depin.wait of ") + kind +
                               " jobs (observed when job_mix has more than one kind).");
            d.distribution(std::string("depin.response_") + kind, response, "s",
                           std::string("depin.response of ") + kind +
                               " jobs (observed when job_mix has more than one kind).");
        };
        byKind("custom", &Metrics::waitCustom, &Metrics::responseCustom);
        byKind("inference", &Metrics::waitInference, &Metrics::responseInference);
        byKind("training", &Metrics::waitTraining, &Metrics::responseTraining);
        byKind("render", &Metrics::waitRender, &Metrics::responseRender);
        d.gauge("depin.in_system", &Metrics::inSystem, "jobs", "Jobs waiting or running now.");
        d.gauge("depin.mean_in_system", &Metrics::meanInSystem, "jobs",
                "Jobs waiting or running, averaged over time since the first arrival could "
                "come (L in Little's law, L = lambda W).");
        d.gauge("depin.queued", &Metrics::queued, "jobs", "Jobs waiting in the book now.");
        d.gauge("depin.providers_online", &Metrics::online, "providers", "Providers up now.");
        d.counter("depin.jobs_unserved", &Metrics::unserved, "jobs",
                  "Jobs no provider of the market could ever take (memory, budget or too few "
                  "providers for the redundancy), or, with proof verification, too large for "
                  "the proof service to prove.");
        d.counter("depin.results_wrong", &Metrics::wrong, "results",
                  "Wrong results dishonest providers returned (each run counts).");
        d.counter("depin.cheats_caught", &Metrics::caught, "results",
                  "Wrong results verification caught: outvoted, found by a spot check, or "
                  "whose proof failed.");
        d.counter("depin.wrong_accepted", &Metrics::wrongAccepted, "jobs",
                  "Jobs whose accepted result was wrong: cheating verification missed.");
        d.counter("depin.jobs_rejected", &Metrics::rejected, "jobs",
                  "Jobs verification rejected: no majority in max_rounds rounds.");
        d.counter("depin.verification_gflop", &Metrics::verificationWork, "GFLOP",
                  "Work done only to check results: the runs beyond the first of a redundant "
                  "job, and spot checks' re-runs.");
        d.counter("depin.audits", &Metrics::audits, "jobs", "Results re-run by a spot check.");
        d.counter("depin.slashed", &Metrics::slashed, "tokens",
                  "Stake taken from providers caught cheating (burned).");
        d.counter("depin.providers_expelled", &Metrics::expelled, "providers",
                  "Providers expelled because their stake fell below min_stake.");
        d.gauge("depin.staked", &Metrics::staked, "tokens", "Stake locked by providers now.");
        d.gauge("depin.utilisation", &Metrics::utilisation, "1",
                "A provider's busy time (of finished jobs) over the time so far.",
                sim::MetricScope::Node);
        d.gauge("depin.reputation", &Metrics::reputation, "1", "A provider's reputation, 0 to 1.",
                sim::MetricScope::Node);
        d.gauge("depin.stake", &Metrics::stake, "tokens", "A provider's stake now.",
                sim::MetricScope::Node);
        d.counter("depin.rewards", &Metrics::rewards, "tokens",
                  "Tokens minted to providers as rewards (emission).");
        d.counter("depin.burned", &Metrics::burned, "tokens",
                  "Tokens clients burned to pay for jobs (burn-and-mint).");
        d.gauge("depin.token_price", &Metrics::tokenPrice, "USD",
                "The token's price: token_usd, or as burn-and-mint moves it each epoch.");
        d.gauge("depin.token_supply", &Metrics::supply, "tokens",
                "Tokens in existence: all minted (endowments, rewards) less all burned.");
        d.counter("depin.providers_left", &Metrics::left, "providers",
                  "Times a provider left the market because it lost money.");
        d.counter("depin.providers_joined", &Metrics::joined, "providers",
                  "Times a provider that had left came back because the market paid again.");
        d.gauge("depin.availability", &Metrics::availability, "1",
                "The share of providers up, averaged over time since the run began: what an "
                "outage or churn cost the market's capacity.");
        d.distribution("depin.proof_time", &Metrics::proofTime, "s",
                       "verification proof: time a provider spent proving a result, after its "
                       "compute and before the result left (part of depin.compute).");
        d.distribution("depin.verify_time", &Metrics::verifyTime, "s",
                       "verification proof: time a client spent verifying a result's proof "
                       "before accepting or rejecting it (part of depin.wait).");
        d.counter("depin.proof_bytes", &Metrics::proofBytes, "B",
                  "verification proof: bytes of the proofs sent with results (also in "
                  "depin.bytes).");
        d.counter("depin.proofs_rejected", &Metrics::proofRejected, "results",
                  "verification proof: results whose proof failed verification, each a wrong "
                  "result caught (also in depin.cheats_caught); the job runs again.");
        return d;
    }();
    return definition;
}

}  // namespace dais::layers::depin
