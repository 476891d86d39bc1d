#pragma once
// The market: the DePIN layer's state and event handlers. Internal to the layer.
//
// Jobs arrive at the clients (a kernel event per arrival); each waits in the order book until a
// provider that can take it is free (book), or goes at once to a provider's own queue (queues);
// the provider runs it on the processor it sells through the run's compute occupancy, so the time
// it takes is its work over the speed the node gives it then. A job verified by redundancy runs
// on several providers at once, each run a record of its own tied to the job's vote.
//
// Providers are kept as indices into flat arrays (no per-provider strings or objects; identical
// providers share one class record), jobs and votes in paged pools whose slots are reused once
// they end, so memory does not grow with finished jobs.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "arrivals.h"
#include "config.h"
#include "dais/core/compute_market.h"
#include "dais/core/layer.h"
#include "dais/core/ledger_service.h"
#include "dais/core/node_context.h"
#include "dais/core/payments.h"
#include "dais/core/proof_service.h"
#include "dais/core/sim_node_runtime.h"
#include "dais/sim/paged_vector.h"
#include "job_kinds.h"
#include "job_trace.h"
#include "policy.h"

namespace dais::layers::depin {

class Market final : public core::Layer, public core::ComputeMarket, private sim::FaultListener {
  public:
    void estimateMemory(core::LayerEstimateContext& ctx) const override;
    void setup(core::LayerContext& ctx) override;
    void start(core::LayerContext& ctx) override;
    void inspect(std::string_view table, core::TableWriter& out) override;
    void finish(core::LayerContext& ctx) override;
    void provideServices(core::ServiceRegistry& services, const core::LayerContext&) override;

    // The compute-market service (market_service.cpp): other layers' jobs in the same market.
    void quote(const core::ComputeMarket::Job& job,
               std::function<void(const Quote&)> answer) override;
    core::Result<JobId> submit(const core::ComputeMarket::Job& job,
                               std::function<void(const Outcome&)> done) override;
    bool cancel(JobId job) override;

  private:
    static constexpr std::uint32_t kNone = 0xffffffffu;
    static constexpr std::size_t kMaxRedundancy = 9;
    static constexpr std::uint8_t kMaxInputLosses = 3;

    /// Where a run is: waiting in the book, its input on the way, in its provider's queue,
    /// computing, its result on the way back, its result being checked, waiting for the
    /// vote, or its provider proving its result.
    enum class Phase : std::uint8_t {
        Book,
        Sent,
        Queued,
        Running,
        Returning,
        Checking,
        Voting,
        Proving
    };
    /// One run of a job on one provider (a redundant job has one per provider).
    struct Job {
        sim::SimTime arrived = 0, started = 0;  // started: its provider took it
        sim::SimTime mark = 0;                  // when its present phase began
        sim::SimTime transferTime = 0;          // its input's and its result's ways, of this run
        sim::SimTime computeTime = 0;           // its compute, of this run
        double flops = 0;
        std::uint64_t inputBytes = 0, outputBytes = 0;
        core::HoldId hold = 0;  // its price, held in escrow while it runs
        core::Amount price = 0;
        sim::NodeIndex client = 0;
        std::uint32_t provider = kNone;  // the provider running it, or whose queue holds it
        std::uint32_t nextFree = kNone;  // the next free slot, or the next job in a queue
        std::uint32_t vote = kNone;      // redundant: its job's vote
        float rate = -1;                 // tokens per hour, set when matched (-1: not yet)
        std::uint32_t external = 0;      // a job of the service: its record's number (0: none)
        JobKind kind = JobKind::Custom;
        std::uint8_t priority = 1;     // 0 goes first (queue: priority)
        bool rerun = false;            // it lost a run: it goes before the others
        bool live = false;             // the slot holds a job in the market
        bool wrong = false;            // its provider cheated on this run
        bool returned = false;         // redundant: its result is back, waiting for the vote
        std::uint8_t inputLosses = 0;  // its input was lost on the way this many times
        Phase phase = Phase::Book;
    };
    static_assert(sizeof(Job) <= 112, "a run's record is kept small: the market holds one per run");

    /// A redundant job: its runs on different providers and what they returned.
    struct Vote {
        sim::SimTime arrived = 0;
        std::array<std::uint32_t, kMaxRedundancy> runs{};  // this round's runs (kNone: ended)
        std::uint32_t nextFree = kNone;
        std::uint8_t ended = 0, right = 0, wrong = 0;  // of this round's runs
        std::uint8_t round = 1;
        std::uint8_t size = 0;  // runs a round
        bool decided = false, acceptedRight = false;
        bool late = false;  // a service job decided after its deadline: its runs are refunded
        bool live = false;
    };

    void findNodes(core::LayerContext& ctx);
    /// The class of a provider from its node's resources, attributes and the catalogue.
    ProviderClass classOf(core::LayerContext& ctx, sim::NodeIndex node);
    void chooseDishonest(core::LayerContext& ctx);
    void openTrace(core::LayerContext& ctx);
    void onArrival(sim::Simulation& sim, const sim::Event& e);
    void scheduleArrival(sim::SimTime after);
    /// Whether some provider of the market (up or not) could ever take a job of that kind and
    /// work, `runs` of them at once.
    bool servable(const Job& job, std::size_t runs) const;
    /// The memory job needs on its provider, GB (0: any).
    double memoryNeed(const Job& job) const;
    /// Whether a provider of class c could take the job: its memory and the job's budget.
    bool fits(const Job& job, const ProviderClass& c) const;
    /// Whether provider p may take job j: memory, budget, and not two runs of one vote.
    bool eligible(std::uint32_t j, std::uint32_t p) const;
    /// Gives job `j` to a provider, or queues it; `atHead`: a job that lost its run goes before
    /// the others (and is not counted as waiting again).
    void place(std::uint32_t j, bool atHead);
    /// Waits job j in the book (at the head of its priority: a job that lost its run).
    void toBook(std::uint32_t j, bool atHead);
    static void addTo(std::vector<std::uint32_t>& set, std::vector<std::uint32_t>& at,
                      std::uint32_t p);
    static void removeFrom(std::vector<std::uint32_t>& set, std::vector<std::uint32_t>& at,
                           std::uint32_t p);
    /// The candidates for job j among `pool` (providers that may be up): those up that may take
    /// it, or a uniform sample of cfg_.candidates of them. Empty when none is.
    std::span<const std::uint32_t> candidatesFor(std::uint32_t j,
                                                 const std::vector<std::uint32_t>& pool);
    /// Queues: puts job j in provider p's own queue (at its head: a job that lost its run).
    void enqueue(std::uint32_t p, std::uint32_t j, bool atHead);
    /// Starts job j on provider p: false when the job was dropped instead (its client cannot pay,
    /// or is down and cannot send its input); p is then still free.
    bool run(std::uint32_t j, std::uint32_t provider);
    /// Sends job j's input from its client to provider p; false when the client is down.
    bool sendInput(std::uint32_t j, std::uint32_t p);
    /// Drops run j, counting it in metric `why`.
    void drop(std::uint32_t j, sim::MetricId why);
    /// Job j's input is at its provider: it computes.
    void compute(std::uint32_t j);
    /// The provider running job j lost it (crashed, or its input never came): back to the book.
    void preempt(std::uint32_t j);
    static void onComputed(void* self, const core::NodeCompute::Finished& f);
    /// Run j is computed (and proven, with `proofBytes` of proof): its result leaves for its
    /// client, or, with nothing to send, is back at once.
    void returnResult(std::uint32_t j, std::uint64_t proofBytes);
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
    /// Run j's result is back at its client: verified, then accepted.
    void resultBack(std::uint32_t j);
    /// Run j's result is accepted (`checked`: by a spot check): the job is done, its provider
    /// paid.
    void accept(std::uint32_t j, bool checked = false);

    // the service's jobs (market_service.cpp)
    /// A job of the service: what it asked for and who hears how it ends.
    struct External {
        core::ComputeMarket::Job spec;
        std::function<void(const Outcome&)> done;
        std::int32_t hardware = -1, region = -1;  // required: catalogue class, region index
    };
    /// Whether provider p meets external job e's requirements (all but being up and free).
    bool meets(const External& e, const Job& job, std::uint32_t p) const;
    /// The price in token units of `flops` at provider p at `rate` tokens an hour.
    core::Amount priceUnits(double rate, double flops, std::uint32_t p) const;
    /// Ends external job `serial` with `status`; run j (or kNone) tells who ran it and what was
    /// paid.
    void finishExternal(std::uint32_t serial, Status status, std::uint32_t j, std::string reason,
                        core::Amount paid = 0, bool verified = false);
    void onNoProvider(sim::Simulation& sim, const sim::Event& e);
    /// The external job of run j ended without a result (dropped), with metric `why`.
    void externalDropped(std::uint32_t j, sim::MetricId why);
    std::unordered_map<std::uint32_t, External> externals_;
    std::uint32_t nextExternal_ = 1;
    sim::KindId noProviderKind_ = 0;
    /// How long after it arrives job's result is due (0: no deadline).
    sim::SimTime deadlineOf(const Job& job) const;
    /// Observes a finished job's times: since `arrived`, of run j.
    void observeDone(std::uint32_t j, sim::SimTime arrived);
    /// Pays run j's provider what was held, or nothing when the job was free.
    void pay(std::uint32_t j);
    /// Holds job j's price on provider p from its client; false (the job dropped) when the
    /// client cannot pay.
    bool hold(std::uint32_t j, std::uint32_t p);
    /// Gives a lost run's price back to its client.
    void refund(std::uint32_t j);
    /// Provider p is free: it takes the next job of its own queue, or of the book.
    void providerFree(std::uint32_t p);
    /// The first job in the book provider p may take, taken out of it; kNone when none.
    std::uint32_t takeFromBook(std::uint32_t p);
    void onNodeUp(sim::NodeIndex node, bool up) override;
    /// Provider p leaves the market (down, or expelled): its queue goes to others.
    void providerGone(std::uint32_t p);
    std::uint32_t newJob();
    /// A fresh record (value-initialised, live) from a pool with its free list through the
    /// records' nextFree, a page taken from the run's memory budget when none is free.
    template <class T>
    std::uint32_t takeSlot(sim::PagedVector<T>& pool, std::uint32_t& free, const char* what) {
        if (free == kNone) {
            if (!sim_->takeMemory(sim::PagedVector<T>::kPageBytes))
                throw sim::MemoryExhausted("depin: " + std::to_string(pool.size()) + " " + what +
                                           " in the market at once would take more than the "
                                           "memory left to the run");
            const std::size_t first = pool.grow();
            for (std::size_t i = pool.size(); i-- > first;) {
                pool[i].nextFree = free;
                free = static_cast<std::uint32_t>(i);
            }
        }
        const std::uint32_t slot = free;
        free = pool[slot].nextFree;
        pool[slot] = T{};
        pool[slot].live = true;
        return slot;
    }
    void freeJob(std::uint32_t j);
    /// Jobs in the system changed by `delta`: integrate the old count over the time it held.
    void inSystem(int delta);

    // verification (verification.cpp)
    /// Redundant: job j (its first run, already set up) becomes `runs` runs in a vote.
    void openVote(std::uint32_t j, std::size_t runs);
    /// A new run of vote v, a copy of `model`'s job (not placed yet).
    std::uint32_t newRun(const Job& model, std::uint32_t v);
    /// Redundant: run j of a vote ended with a result (`returned`) or without one.
    void voteRun(std::uint32_t j, bool returned);
    /// Settles run j against its vote's decision: paid, or refunded (and caught if wrong).
    void settleRun(std::uint32_t v, std::uint32_t j);
    /// The record of run j's service job, or nullptr (a layer's own job, or one cancelled).
    const External* externalOf(const Job& job) const;
    /// Redundant: starts the vote's next round, or rejects the job after the last.
    void nextRound(std::uint32_t v, std::uint32_t model);
    void freeVote(std::uint32_t v);
    /// Spot checks: re-runs job j on trusted hardware; its result waits for the check.
    void audit(std::uint32_t j);
    void onAudit(sim::Simulation& sim, const sim::Event& e);
    /// Run j's wrong result was caught by a check: its provider is not paid and is punished,
    /// and the job runs again, first in line.
    void rerunCaught(std::uint32_t j);

    // proofs of execution (verification proof, verification.cpp)
    /// Whether run j's result is proven: its job asks for proof verification.
    bool proves(const Job& job) const;
    /// What run j's proof states: its job's identity and work.
    core::ProofService::Statement statementOf(std::uint32_t j) const;
    /// The digest of the result run j returns: the job's right result, or a cheater's own.
    core::Digest resultOf(std::uint32_t j) const;
    /// Whether the proof service can prove job j (verification proof: else it is unserved).
    bool provable(std::uint32_t j) const;
    /// Run j is computed: its provider proves the result on its processor.
    void startProof(std::uint32_t j);
    /// Run j's proof is made: it travels with the result.
    void proved(std::uint32_t j);
    /// Run j's result and proof are back: the client verifies the proof, taking the verifier's
    /// time, then accepts the result or rejects it.
    void checkProof(std::uint32_t j);
    void proofChecked(std::uint32_t j);
    core::ProofService* proofs_ = nullptr;   // the proof service, if the run has one
    core::LedgerService* ledger_ = nullptr;  // record_results: the ledger the results go on
    /// Records job j's accepted result on the ledger (record_results).
    void recordResult(std::uint32_t j, bool checked);
    /// Proofs on their way with their results, or being verified, by run.
    std::unordered_map<std::uint32_t, core::ProofService::Proof> proofsInFlight_;
    /// Provider p returned a wrong result that was caught: slashed, its reputation down.
    void caught(std::uint32_t p);
    /// Moves provider p's reputation towards `outcome` (1 good, 0 bad).
    void judge(std::uint32_t p, double outcome);
    void lockStakes(core::LayerContext& ctx);

    // rewards, the token and providers' choices (incentives.cpp)
    bool incentives() const {
        return cfg_.emission > 0 || cfg_.leaveAfter > 0 ||
               cfg_.tokenModel == TokenModel::BurnAndMint;
    }
    void openEpochs(core::LayerContext& ctx);
    void onEpoch(sim::Simulation& sim, const sim::Event& e);
    /// Provider p begins or stops being up in the market (uptime for rewards).
    void availableChanged(std::uint32_t p, bool available);
    /// Whether provider p is in the market: not expelled, not left.
    bool inMarket(std::uint32_t p) const { return (flags_[p] & (kExpelled | kLeft | kAway)) == 0; }
    void leave(std::uint32_t p);
    void rejoin(std::uint32_t p);
    /// Provider p is back in the market (its window opened, or it rejoined), if nothing else
    /// keeps it out and its node is up.
    void comeBack(std::uint32_t p);

    // the hours providers offer their hardware (availability.cpp)
    void openDiurnal(core::LayerContext& ctx);
    void onDiurnal(sim::Simulation& sim, const sim::Event& e);
    void goAway(std::uint32_t p);
    struct Window {
        float from = 0, hours = 24;  // it opens at `from` o'clock for `hours` hours a day
    };
    std::vector<Window> window_;  // per provider, when some provider is not always there
    sim::KindId diurnalKind_ = 0;
    sim::NodeStateCode awayState_ = 0;
    /// Pays run j's held price: to its provider, or burned (burn-and-mint).
    void settlePayment(std::uint32_t j);
    void slash(std::uint32_t p);
    void expel(std::uint32_t p);

    sim::Simulation* sim_ = nullptr;
    sim::Network* net_ = nullptr;
    std::unique_ptr<core::SimNodeRuntime> runtime_;
    core::NodeDisplay display_;
    sim::NodeStateCode busyState_ = 0, offlineState_ = 0, slashedState_ = 0;
    Config cfg_;
    Metrics m_{};
    JobMix mix_;
    sim::KindId arrivalKind_ = 0, auditKind_ = 0;
    core::Payments* payments_ = nullptr;  // escrow or stakes: from start()
    double unitsPerToken_ = 1;
    core::AccountId slashAccount_ = 0;
    core::MessageChannel<Transfer> inputs_, outputs_;
    Arrivals arrivals_;
    JobTrace trace_;            // arrival: trace
    TraceJob nextFromTrace_{};  // the job of the arrival scheduled now
    sim::RngStream clientPicks_, sizes_, picks_, kinds_, cheats_, audits_;

    // providers, by their index p (flat arrays)
    std::vector<sim::NodeIndex> providers_;
    std::vector<std::uint32_t> classOf_;
    std::vector<ProviderClass> classes_;
    std::vector<std::uint32_t> classCount_;  // providers of each class
    std::vector<std::uint32_t> running_;     // the job it runs, or kNone
    std::vector<std::uint32_t> idle_;        // free providers that are up, in no order
    std::vector<std::uint32_t> idleAt_;      // each provider's place in idle_, or kNone
    std::vector<std::uint32_t> providerOf_;  // per node: its provider index, or kNone
    std::vector<float> reputation_;
    std::vector<double> backlog_;             // FLOPs queued at or running on each provider
    std::vector<std::uint32_t> online_;       // providers up, in no order (queues)
    std::vector<std::uint32_t> onlineAt_;     // each one's place in online_, or kNone
    std::vector<std::uint32_t> head_, tail_;  // each provider's own queue (queues), or kNone
    enum : std::uint8_t { kDishonest = 1, kExpelled = 2, kLeft = 4, kAway = 8 };
    std::vector<std::uint8_t> flags_;
    std::vector<std::uint32_t> caughtCount_;  // verification: times each was caught
    std::vector<core::Amount> stake_;         // stakes: what each has locked now
    std::vector<core::HoldId> stakeHold_;
    double staked_ = 0;  // tokens
    // incentives: per provider, this epoch
    std::vector<sim::SimTime> upSince_;  // when it was last up in the market (kTimeNever: not)
    std::vector<float> uptime_;          // seconds up in the market
    std::vector<float> earned_;          // value of the jobs it finished, tokens at start price
    std::vector<double> incomeMark_;     // its income metric when the epoch began
    std::vector<std::uint8_t> losses_;   // epochs in a row it lost money
    sim::SimTime epochStart_ = 0;
    double price_ = 0;          // the token's price, USD
    double burnedInEpoch_ = 0;  // tokens
    core::AccountId burnAccount_ = 0;
    sim::KindId epochKind_ = 0;
    sim::NodeStateCode leftState_ = 0;
    std::unique_ptr<Policy> policy_;
    ProviderTable table_;
    std::vector<std::uint32_t> sample_;  // candidates drawn for one job
    std::vector<sim::NodeIndex> clients_;

    // jobs and votes
    sim::PagedVector<Job> jobs_;
    std::uint32_t freeJob_ = kNone;
    sim::PagedVector<Vote> votes_;
    std::uint32_t freeVote_ = kNone;
    std::array<std::deque<std::uint32_t>, 3> book_;  // waiting jobs, by priority
    std::size_t booked_ = 0;

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
