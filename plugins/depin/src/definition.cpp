// The DePIN layer's one declaration: every parameter bound to its Config field, every choice to
// its enum, every metric to its handle (config.h).
#include "config.h"

namespace dais::layers::depin {

const Definition& definition() {
    static const Definition definition = [] {
        Definition d("depin", "DePIN compute market", "0.1.0");
        d.summary(
            "A market of pooled compute: providers (nodes of the provider role) sell their "
            "fastest processor, at the edge or in the cloud; jobs arrive at the clients (Poisson, "
            "in bursts, or from a trace), are matched to providers by a policy (random, cheapest, "
            "nearest, least loaded, reputation, or a sealed-bid auction) through an order book "
            "or the providers' own queues, send their input over the network, compute on the "
            "provider's processor (shared with the run's other layers), send their result back, "
            "and are paid for in escrow. A provider that crashes loses its job, which runs again "
            "elsewhere.");
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
        d.uses("payments", false,
               "payment escrow pays providers through it; without a ledger, core settles at once");
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
        d.table("depin.providers", "Providers",
                "One row per provider: whether it is up, what it does now and has done, and what "
                "it charges and earns.")
            .node("node", "The provider.")
            .text("state", "up and free, busy (running a job), or offline.")
            .real("speed", "TFLOP/s", "Its fastest processor, which it sells.")
            .real("price", "tokens/h", "What it charges per hour of that processor.")
            .real("reputation", "", "How much the market trusts it, 0 to 1.")
            .integer("queued", "jobs", "Jobs in its own queue or on their way to it (queues).")
            .real("backlog", "GFLOP", "Work queued at it or running on it.")
            .integer("jobs", "jobs", "Jobs it finished.")
            .real("busy", "s", "Time it spent on the jobs it finished.")
            .real("income", "tokens", "What it was paid.");
        d.table("depin.jobs", "Jobs in the market",
                "One row per job in the market now: where it is and how long it has been there.")
            .integer("job", "", "Its slot in the market (reused once it ends).")
            .node("client", "Where it came from, and where its result goes.")
            .node("provider", "The provider that runs it or will (empty while in the book).")
            .text("state", "book, sent (input on its way), queued, running or returning.")
            .time("arrived", "When it arrived.")
            .real("work", "GFLOP", "Its work.");
        d.nodeState("busy", "#d9822b", "The provider is running a job.");
        d.nodeState("offline", "#8a8a8a", "The provider is down; its job went back to the book.");
        d.counter("depin.jobs_submitted", &Metrics::submitted, "jobs", "Jobs that arrived.");
        d.counter("depin.jobs_done", &Metrics::done, "jobs", "Jobs that ran to the end.");
        d.counter("depin.jobs_waited", &Metrics::waited, "jobs",
                  "Jobs that could not start when they arrived: no free provider (book), or "
                  "their provider busy (queues).");
        d.counter("depin.jobs_preempted", &Metrics::preempted, "jobs",
                  "Jobs whose provider crashed, or whose input was lost on its way to the "
                  "provider (each went back to the head of the book).");
        d.counter("depin.jobs_failed", &Metrics::failed, "jobs",
                  "Jobs whose result was lost on its way back (the client was down or cut "
                  "off).");
        d.counter("depin.bytes", &Metrics::bytes, "B", "Input and output bytes sent.");
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
                       "provider's queue, and in any run it lost.");
        d.distribution("depin.transfer", &Metrics::transfer, "s",
                       "Time a job's input and output spent on the network (of the run that "
                       "finished it).");
        d.distribution("depin.compute", &Metrics::compute, "s",
                       "Time a job computed on its provider (of the run that finished it).");
        d.distribution("depin.response", &Metrics::response, "s",
                       "Time from a job's arrival to its end: its result back at the client "
                       "(wait + transfer + compute).");
        d.gauge("depin.in_system", &Metrics::inSystem, "jobs", "Jobs waiting or running now.");
        d.gauge("depin.mean_in_system", &Metrics::meanInSystem, "jobs",
                "Jobs waiting or running, averaged over time since the first arrival could "
                "come (L in Little's law, L = lambda W).");
        d.gauge("depin.queued", &Metrics::queued, "jobs", "Jobs waiting in the book now.");
        d.gauge("depin.providers_online", &Metrics::online, "providers", "Providers up now.");
        d.gauge("depin.availability", &Metrics::availability, "1",
                "The share of providers up, averaged over time since the run began: what an "
                "outage or churn cost the market's capacity.");
        return d;
    }();
    return definition;
}

}  // namespace dais::layers::depin
