#pragma once
// The market: the DePIN layer's state and event handlers. Internal to the layer.
//
// Jobs arrive at the clients as one Poisson process (a kernel event per arrival, the gap drawn
// from the layer's arrival stream); each waits in the order book, first come first served,
// until a provider is free; the provider runs it on its fastest processor through the run's
// compute occupancy, so the time it takes is its work over the speed the node gives it then.
// Providers are kept as indices into flat arrays (no per-provider strings or objects), jobs in
// a pool whose slots are reused once a job ends, so memory does not grow with finished jobs.
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "arrivals.h"
#include "config.h"
#include "dais/core/layer.h"
#include "dais/core/node_context.h"
#include "dais/core/payments.h"
#include "dais/core/sim_node_runtime.h"
#include "job_trace.h"
#include "policy.h"

namespace dais::layers::depin {

class Market final : public core::Layer, private sim::FaultListener {
  public:
    void estimateMemory(core::LayerEstimateContext& ctx) const override;
    void setup(core::LayerContext& ctx) override;
    void start(core::LayerContext& ctx) override;
    void inspect(std::string_view table, core::TableWriter& out) override;
    void finish(core::LayerContext& ctx) override;

  private:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    struct Job {
        sim::SimTime arrived = 0, started = 0;    // started: its provider took it
        sim::SimTime inputSent = 0, inputAt = 0;  // its input left the client, reached the provider
        sim::SimTime computeFrom = 0, computeTo = 0;
        bool rerun = false;  // it lost a run: it goes before the others
        bool live = false;   // the slot holds a job in the market
        double flops = 0;
        sim::NodeIndex client = 0;
        std::uint32_t provider = kNone;  // the provider running it, or whose queue holds it
        std::uint32_t nextFree = kNone;  // the next free slot, or the next job in a queue
        core::HoldId hold = 0;           // its price, held in escrow while it runs
        core::Amount price = 0;
        double rate = -1;  // tokens per hour, set when it was matched (-1: not yet)
        std::uint64_t inputBytes = 0, outputBytes = 0;
    };

    void findNodes(core::LayerContext& ctx);
    void openTrace(core::LayerContext& ctx);
    void onArrival(sim::Simulation& sim, const sim::Event& e);
    void scheduleArrival(sim::SimTime after);
    /// Gives job `j` to a provider, or queues it; `atHead`: a job that lost its run goes before
    /// the others (and is not counted as waiting again).
    void place(std::uint32_t j, bool atHead);
    static void addTo(std::vector<std::uint32_t>& set, std::vector<std::uint32_t>& at,
                      std::uint32_t p);
    static void removeFrom(std::vector<std::uint32_t>& set, std::vector<std::uint32_t>& at,
                           std::uint32_t p);
    /// The candidates for a job among `pool` (providers that may be up): those up, or a uniform
    /// sample of cfg_.candidates of them. Empty when none is up.
    std::span<const std::uint32_t> candidatesFrom(const std::vector<std::uint32_t>& pool);
    /// Queues: appends job j to provider p's own queue (at its head: a job that lost its run).
    void enqueue(std::uint32_t p, std::uint32_t j, bool atHead);
    /// Starts job j on provider p: false when the job was dropped instead (its client cannot pay,
    /// or is down and cannot send its input); p is then still free.
    bool run(std::uint32_t j, std::uint32_t provider);
    /// Sends job j's input from its client to provider p; false when the client is down.
    bool sendInput(std::uint32_t j, std::uint32_t p);
    /// Drops job j, counting it in metric `why`.
    void drop(std::uint32_t j, sim::MetricId why);
    /// Job j's input is at its provider: it computes.
    void compute(std::uint32_t j);
    /// The provider running job j lost it (crashed, or its input never came): back to the book.
    void preempt(std::uint32_t j);
    static void onComputed(void* self, const core::NodeCompute::Finished& f);
    /// What crosses the network for a job: its input, then its result.
    struct Transfer {
        std::uint32_t job = 0;
    };
    static void onInput(void* self, const sim::Delivery& d, Transfer& t);
    static void onInputLost(void* self, const sim::Loss& l, Transfer& t);
    static void onOutput(void* self, const sim::Delivery& d, Transfer& t);
    static void onOutputLost(void* self, const sim::Loss& l, Transfer& t);
    /// The provider of job j is done with it: `finished` it (its result sent, or nothing to
    /// send), or gave it up.
    void release(std::uint32_t j, bool finished);
    void jobDone(std::uint32_t j);
    /// Holds job j's price on provider p from its client; false (the job dropped) when the
    /// client cannot pay.
    bool hold(std::uint32_t j, std::uint32_t p);
    /// Gives a lost run's price back to its client.
    void refund(std::uint32_t j);
    /// Provider p is free: it takes the next job in the book.
    void providerFree(std::uint32_t p);
    void onNodeUp(sim::NodeIndex node, bool up) override;
    std::uint32_t newJob();
    std::uint32_t jobIndex(const Job& job) const {
        return static_cast<std::uint32_t>(&job - jobs_.data());
    }
    void freeJob(std::uint32_t j);
    /// Jobs in the system changed by `delta`: integrate the old count over the time it held.
    void inSystem(int delta);

    sim::Simulation* sim_ = nullptr;
    sim::Network* net_ = nullptr;
    std::unique_ptr<core::SimNodeRuntime> runtime_;
    core::NodeDisplay display_;
    sim::NodeStateCode busyState_ = 0, offlineState_ = 0;
    Config cfg_;
    Metrics m_{};
    sim::KindId arrivalKind_ = 0;
    core::Payments* payments_ = nullptr;  // escrow: from start()
    double unitsPerToken_ = 1;
    core::MessageChannel<Transfer> inputs_, outputs_;
    Arrivals arrivals_;
    JobTrace trace_;            // arrival: trace
    TraceJob nextFromTrace_{};  // the job of the arrival scheduled now
    sim::RngStream clientPicks_, sizes_, picks_;

    // providers, by their index p (flat arrays)
    std::vector<sim::NodeIndex> providers_;
    std::vector<core::NodeCompute::Unit> unit_;
    std::vector<std::uint32_t> running_;     // the job it runs, or kNone
    std::vector<std::uint32_t> idle_;        // free providers that are up, in no order
    std::vector<std::uint32_t> idleAt_;      // each provider's place in idle_, or kNone
    std::vector<std::uint32_t> providerOf_;  // per node: its provider index, or kNone
    std::vector<double> speed_, price_, cost_, reputation_;
    std::vector<double> backlog_;             // FLOPs queued at or running on each provider
    std::vector<std::uint32_t> online_;       // providers up, in no order (queues)
    std::vector<std::uint32_t> onlineAt_;     // each one's place in online_, or kNone
    std::vector<std::uint32_t> head_, tail_;  // each provider's own queue (queues), or kNone
    std::unique_ptr<Policy> policy_;
    ProviderTable table_;
    std::vector<std::uint32_t> sample_;  // candidates drawn for one job
    std::vector<sim::NodeIndex> clients_;

    // jobs
    std::vector<Job> jobs_;
    std::uint32_t freeJob_ = kNone;
    std::deque<std::uint32_t> book_;  // waiting jobs, first come first served

    /// Providers up changed: integrate the old count over the time it held.
    void onlineChanged();
    sim::SimTime lastOnlineChange_ = 0;
    double onlineIntegral_ = 0;  // provider-seconds up
    std::size_t onlineCount_ = 0;

    // Little's law: jobs in the system, integrated over time
    std::int64_t inSystem_ = 0;
    sim::SimTime lastChange_ = 0;
    double integral_ = 0;  // job-seconds
};

}  // namespace dais::layers::depin
