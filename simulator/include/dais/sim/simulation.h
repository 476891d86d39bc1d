#pragma once
// The discrete-event kernel: schedule, cancel, run, step, run-until, stop and real-time pacing
// over a choice of event queues, with a fingerprint of every run; input from other threads
// (an inbox), a keep-alive mode for live runs, and a journal that replays their input.

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dais/sim/event.h"
#include "dais/sim/event_queue.h"
#include "dais/sim/fingerprint.h"
#include "dais/sim/heap_queue.h"
#include "dais/sim/inbox.h"
#include "dais/sim/journal.h"
#include "dais/sim/ladder_queue.h"
#include "dais/sim/memory_need.h"
#include "dais/sim/metrics.h"
#include "dais/sim/observer.h"
#include "dais/sim/pace_mapping.h"
#include "dais/sim/result.h"
#include "dais/sim/rng.h"
#include "dais/sim/wall_clock.h"

namespace dais::sim {

/// Why a run call returned.
enum class StopReason {
    QueueEmpty,  ///< no events left
    Horizon,     ///< the next event lies after the requested time
    Predicate,   ///< the run-until condition became true
    Stopped,     ///< stop() was called
};
std::string_view stopReasonName(StopReason r);

/// A non-owning reference to a callable `bool(const Simulation&)`, for run-until conditions.
class ConditionRef {
  public:
    template <class F>
    ConditionRef(F& f)  // NOLINT: implicit by design, like std::function_ref
        : self_(&f),
          call_([](void* s, const Simulation& sim) { return (*static_cast<F*>(s))(sim); }) {}
    bool operator()(const Simulation& sim) const { return call_(self_, sim); }

  private:
    void* self_;
    bool (*call_)(void*, const Simulation&);
};

/// Thrown by a model that abandons long work inside an event because the run was asked to end
/// (Simulation::checkEnd). The run ends as stopped, not failed; what the event had done is
/// left as it was.
class RunEnding : public std::exception {
  public:
    const char* what() const noexcept override { return "the run was asked to end"; }
};

/// The simulation kernel. One instance is one run; it is driven from one thread at a time.
/// stop(), requestEnd(), setPacing(), setKeepAlive(), progress(), paceMapping() and
/// inbox().post() may be called from any thread.
class Simulation {
  public:
    struct Config {
        std::uint64_t seed = 1;
        QueueKind queue = QueueKind::Ladder;
    };
    /// An event handler: a plain function with a context pointer, no allocation per event.
    using Handler = void (*)(void* self, Simulation& sim, const Event& e);

    Simulation();
    explicit Simulation(Config config);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    // --- event kinds -------------------------------------------------------------------------
    /// Registers a handler under a name ("net.deliver"); the returned id goes into events.
    KindId registerKind(std::string_view name, Handler fn, void* self);
    /// Registers a member function `void T::method(Simulation&, const Event&)`.
    template <auto Method, class T>
    KindId registerKind(std::string_view name, T& self) {
        return registerKind(
            name,
            [](void* p, Simulation& s, const Event& e) { (static_cast<T*>(p)->*Method)(s, e); },
            &self);
    }
    std::string_view kindName(KindId k) const;
    /// A hint for the kind's handler: called with the event that will probably run next,
    /// before the current one runs, so the model can prefetch that event's state and overlap
    /// its cache miss with the current handler. It must not change anything.
    using Prefetch = void (*)(void* self, const Event& next);
    void setPrefetch(KindId k, Prefetch fn) { kinds_[k].prefetch = fn; }
    std::size_t kindCount() const { return kinds_.size(); }

    // --- scheduling --------------------------------------------------------------------------
    /// Schedules an event at absolute time t, now() <= t <= kTimeLatest. Any other t fails the
    /// run: it throws RunFailure naming the event's kind, its target and t (a time computed past
    /// the end of simulated time, or one that wrapped around).
    EventId scheduleAt(SimTime t, TargetId target, KindId kind, std::uint64_t data = 0,
                       std::uint16_t aux = 0);
    /// Schedules an event delay >= 0 after now(); a sum beyond kTimeLatest fails the run as
    /// scheduleAt does.
    EventId scheduleIn(SimTime delay, TargetId target, KindId kind, std::uint64_t data = 0,
                       std::uint16_t aux = 0) {
        SimTime t;
        if (!addTime(now_, delay, t)) [[unlikely]]
            refuseDelay(delay, target, kind);
        return scheduleAt(t, target, kind, data, aux);
    }
    /// Cancels a pending event. Returns false if it already ran, was cancelled, or is unknown.
    bool cancel(EventId id);
    /// Takes the sequence number an event scheduled now would get, for an event the caller
    /// schedules later with scheduleReserved: it then runs exactly where it would have run had it
    /// been scheduled now. A model that holds back events it knows will run in order (the
    /// arrivals queued on a link) keeps the queue small this way without changing the run.
    std::uint64_t reserveSeq() { return nextSeq_++; }
    /// Schedules an event with a sequence number from reserveSeq. Its (t, seq) must come after
    /// the event running now (else std::logic_error); t as for scheduleAt.
    void scheduleReserved(SimTime t, std::uint64_t seq, TargetId target, KindId kind,
                          std::uint64_t data = 0, std::uint16_t aux = 0);

    // --- running -----------------------------------------------------------------------------
    /// Runs until no events remain or stop() is called.
    StopReason run();
    /// Runs every event with time <= t, then advances now() to t (unless stopped first).
    StopReason runUntil(SimTime t);
    /// Runs until cond(sim) is true after an event, no events remain, the next event lies
    /// after horizon, or stop() is called.
    StopReason runUntil(ConditionRef cond, SimTime horizon = kTimeNever);
    /// Executes exactly one event; returns false if there was none.
    bool step();
    /// Asks the running loop to return after the current event. Safe from any thread and from
    /// handlers; a stop requested while idle makes the next run call return at once.
    void stop() { interrupt(kStopBit); }
    /// Asks the run to end, for good: like stop(), and long work inside an event (a training
    /// round over a million clients, generating a data set) may be abandoned. Such work polls
    /// checkEnd() at a fine grain. Later run calls return at once. Safe from any thread.
    void requestEnd() { interrupt(kStopBit | kEndBit); }
    bool endRequested() const {
        return (interrupt_.load(std::memory_order_relaxed) & kEndBit) != 0;
    }
    /// For long work inside an event, from any thread: throws RunEnding once the run is asked
    /// to end, so that the run ends as stopped within moments instead of finishing the event.
    void checkEnd() const {
        if (endRequested()) throw RunEnding();
    }

    /// Real-time pacing: speed = simulated seconds per wall-clock second, within [0.1, 1000];
    /// 0 turns pacing off (as fast as possible). Returns false (and changes nothing) for a
    /// speed outside that range. Safe from any thread, also while running. A paced run follows
    /// one fixed mapping of simulated to wall time (paceMapping), anchored when it starts and
    /// moved only when the speed or the clock changes.
    bool setPacing(double speed);
    double pacing() const { return speed_.load(std::memory_order_relaxed); }
    /// Replaces the wall clock used for pacing and for stamping input (not owned). nullptr
    /// restores the real one.
    void setWallClock(WallClock* clock);
    /// The mapping of simulated to wall time the run paces by, as last anchored; not paced
    /// (speed 0) before a paced run call or while pacing is off. Safe from any thread.
    PaceMapping paceMapping() const;

    // --- outside input: live and mixed runs ---------------------------------------------------
    /// The run's inbox, which other threads fill with input (see Inbox). The run takes what
    /// waits between events and schedules each input at now() when not paced, or, when paced,
    /// at the simulated time its wall arrival maps to (paceMapping), but never before now().
    Inbox& inbox() { return inbox_; }
    /// The bytes posted with the input event `e`, for its handler; empty for any other event.
    /// Valid until the handler returns.
    std::span<const std::byte> inputBytes(const Event& e) const;
    /// Keep-alive (off by default): a run call that runs out of events does not return
    /// QueueEmpty but waits, without spinning, for input, stop() or requestEnd() (each wakes it
    /// at once). Paced, simulated time goes on with the wall clock while it waits, and the run
    /// returns Horizon when the wall clock reaches its horizon; not paced, simulated time stands
    /// still until input comes. Off, a run pays nothing for it. Safe from any thread.
    void setKeepAlive(bool on);
    bool keepAlive() const { return keepAlive_.load(std::memory_order_relaxed); }
    /// Records every input the run takes from its inbox, in order, into `journal` (not owned;
    /// nullptr stops recording); sets the journal's seed.
    void recordJournal(Journal* journal);
    /// Schedules the inputs of a recorded journal again, each at its recorded time and at the
    /// same point of the run (after as many model events as when it was taken), with no thread
    /// and no clock: the same model and seed then give the same run and fingerprint. Call it
    /// before the run; an error names the entry whose kind this run has not registered, or a
    /// seed that differs. A journal that does not fit the run as it goes fails it (RunFailure).
    Result<void> replayJournal(const Journal& journal);

    // --- state -------------------------------------------------------------------------------
    SimTime now() const { return now_; }
    /// Model events executed so far (internal sampling events are not counted).
    std::uint64_t executed() const { return executed_; }
    /// Events scheduled and not yet executed or cancelled.
    std::size_t pending() const;
    std::uint64_t seed() const { return config_.seed; }
    QueueKind queueKind() const { return config_.queue; }
    const Fingerprint& fingerprint() const { return fingerprint_; }
    /// Folds a digest of what a model computed into the fingerprint (see Fingerprint).
    void foldIntoFingerprint(std::uint64_t digest) { fingerprint_.foldValue(digest); }
    /// Bytes held by the pending-event set (for memory-per-event measurements).
    std::size_t queueMemoryBytes() const;

    // --- memory ------------------------------------------------------------------------------
    /// What the pending-event set holds per event, about: for estimates made before a run.
    static constexpr std::size_t kBytesPerPendingEvent = 48;
    static constexpr std::uint64_t kUnlimitedMemory = ~std::uint64_t{0};
    /// The memory what grows while the run goes may take: the pending-event set, and what models
    /// take with takeMemory (messages in flight, a layer's state per rumour or job). Unlimited
    /// by default. The event loop compares the queue's memory with what is left every few
    /// thousand events, never per event, and fails the run with MemoryExhausted when the queue
    /// has outgrown it.
    void setMemoryBudget(std::uint64_t bytes) { memoryBudget_ = bytes; }
    std::uint64_t memoryBudget() const { return memoryBudget_; }
    /// Takes `bytes` of the budget for something that grows; false, taking nothing, when the
    /// budget less what is taken and what the event queue holds cannot spare them. For growth
    /// (a pool doubling, a new slot), never per event; on false the caller fails the run with a
    /// MemoryExhausted that names what grew.
    bool takeMemory(std::uint64_t bytes);
    /// Gives back what takeMemory took (a block released after it was replaced by a larger one).
    void giveBackMemory(std::uint64_t bytes) { memoryTaken_ -= std::min(memoryTaken_, bytes); }
    /// Bytes taken with takeMemory and not given back.
    std::uint64_t memoryTaken() const { return memoryTaken_; }

    /// A snapshot another thread can read while the run goes on, updated every few thousand
    /// events and at every return from a run call.
    struct Progress {
        SimTime now = 0;
        std::uint64_t executed = 0;
    };
    Progress progress() const {
        return {publishedNow_.load(std::memory_order_relaxed),
                publishedExecuted_.load(std::memory_order_relaxed)};
    }

    /// The named random stream (layer, node, purpose) of this run's seed.
    RngStream rng(std::string_view layer, std::uint64_t node, std::string_view purpose) const {
        return RngStream(config_.seed, layer, node, purpose);
    }

    // --- observation -------------------------------------------------------------------------
    Metrics& metrics() { return metrics_; }
    const Metrics& metrics() const { return metrics_; }
    void addObserver(Observer* o);
    void removeObserver(Observer* o);
    /// Turns per-event and trace callbacks on or off; off costs nothing in the loop.
    void setTracing(bool on);
    bool tracing() const { return tracing_; }
    /// Sends a trace record to observers if tracing is on.
    void trace(TargetId node, std::string_view category, std::string_view text);
    /// Sends every metric to the observers' onSample each `interval` of simulated time
    /// (0 = never). Sampling does not change the run: it is not part of the fingerprint.
    ///
    /// What sampling may cost is bounded, whatever the interval and however long the run: the
    /// first kSampleBudget samples come at `interval`; after that each stretch takes half as
    /// many samples at twice the interval (so every stretch covers the same simulated time),
    /// down to kSampleFloor samples a stretch. A run thus takes at most about 2 x kSampleBudget
    /// periodic samples plus kSampleFloor per doubling (at most 63 doublings).
    void setSampleInterval(SimTime interval);
    static constexpr std::uint64_t kSampleBudget = 100'000;
    static constexpr std::uint64_t kSampleFloor = 1'000;
    /// The interval periodic samples are taken at now (larger than asked once the budget of
    /// samples at the asked interval is spent).
    SimTime sampleInterval() const { return sampleInterval_; }
    /// A moment worth recording whatever the interval (the end of a training round): the
    /// observers get a sample of every metric now. Like periodic samples, it is not part of
    /// the fingerprint.
    void sampleNow();
    /// A model's chance to bring derived metrics (utilisations, averages) up to date just
    /// before they are sampled. Hooks must only update metrics: they run outside the event
    /// order and the fingerprint.
    using SampleHook = void (*)(void* self, Simulation& sim);
    void addSampleHook(SampleHook fn, void* self);
    /// Calls onRunStart on observers (once, before the first event) — run calls do it
    /// themselves; exposed so a driver can announce a run it has not started yet.
    void notifyRunStart();
    /// Calls onRunEnd on observers; the driver decides when a run has ended. Closes the inbox:
    /// later posts are refused and what still waits is dropped.
    void notifyRunEnd();

  private:
    struct KindEntry {
        Handler fn;
        void* self;
        std::string name;
        Prefetch prefetch = nullptr;
    };
    static constexpr std::uint32_t kStopBit = 1;
    static constexpr std::uint32_t kModeBit = 2;
    static constexpr std::uint32_t kEndBit = 4;
    static constexpr std::uint32_t kInputBit = 8;    // the inbox has input
    static constexpr std::uint32_t kReplayBit = 16;  // a journal's input is due
    static constexpr KindId kSampleKind = 0;

    /// An input the run schedules: taken from the inbox or replayed from a journal.
    struct ReplayInput {
        std::uint64_t point;
        SimTime time;
        KindId kind;
        TargetId target;
        std::uint64_t data;
        std::uint16_t aux;
        std::vector<std::byte> bytes;
    };
    struct HeldBytes {
        SimTime time;
        std::vector<std::byte> bytes;
    };

    void interrupt(std::uint32_t bit) {
        interrupt_.fetch_or(bit, std::memory_order_relaxed);
        wake_.signal();
    }
    static void onInput(void* self) { static_cast<Simulation*>(self)->interrupt(kInputBit); }
    /// Into the queue (or in place of the running event, while it is still the queue's top).
    void push(const Event& e);
    [[noreturn, gnu::cold, gnu::noinline]] void refuseTime(SimTime t, TargetId target,
                                                           KindId kind) const;
    [[noreturn, gnu::cold, gnu::noinline]] void refuseDelay(SimTime delay, TargetId target,
                                                            KindId kind) const;
    /// Every few thousand events: progress for other threads, and the queue's memory against the
    /// budget.
    [[gnu::cold, gnu::noinline]] void everyFewThousand(const Event& running);
    /// When the count of executed events reaches checkpoint_: every few thousand events, and
    /// where a replayed journal has input.
    [[gnu::cold, gnu::noinline]] void atCheckpoint(const Event& running);
    std::uint64_t nextCheckpoint() const;
    /// Keep-alive with nothing to run before the horizon: waits for input or an interrupt
    /// (false) or, paced, for the wall clock to reach the horizon (true).
    [[gnu::cold, gnu::noinline]] bool idle(bool paced, SimTime horizon);
    void updatePacing();
    void setAnchor(const PaceMapping& m);
    void drainInbox();
    void injectReplay();
    void scheduleInput(SimTime t, KindId kind, TargetId target, std::uint64_t data,
                       std::uint16_t aux, std::vector<std::byte> bytes);
    [[noreturn, gnu::cold, gnu::noinline]] void refuseQueueMemory(const Event& running) const;
    StopReason drive(SimTime horizon, const ConditionRef* cond);
    template <class Q, bool kPaced, bool kTraced>
    StopReason loop(Q& q, SimTime horizon, const ConditionRef* cond);
    bool paceUntil(SimTime t);
    void publish() {
        publishedNow_.store(std::max(now_, pacedTo_), std::memory_order_relaxed);
        publishedExecuted_.store(executed_, std::memory_order_relaxed);
    }
    void onSampleEvent();
    std::size_t queueSize() const;

    Config config_;
    HeapQueue heap_;
    LadderQueue ladder_;
    std::vector<KindEntry> kinds_;
    std::unordered_set<std::uint64_t> cancelled_;
    SimTime now_ = 0;
    SimTime lastTime_ = -1;  // (time, seq) of the last event taken from the queue
    std::uint64_t lastSeq_ = 0;
    std::uint64_t nextSeq_ = 1;
    std::uint64_t executed_ = 0;
    std::uint64_t checkpoint_ = 4096;  // see atCheckpoint
    bool topHeld_ = false;  // the dispatched event is still the queue's top (see scheduleAt)
    bool running_ = false;
    bool started_ = false;
    bool tracing_ = false;
    Fingerprint fingerprint_;
    Metrics metrics_;
    std::vector<Observer*> observers_;
    std::vector<std::pair<SampleHook, void*>> sampleHooks_;
    SimTime sampleInterval_ = 0;
    std::uint64_t stretchLeft_ = 0;    // periodic samples left at the current interval
    std::uint64_t stretchBudget_ = 0;  // samples in the current stretch
    EventId nextSample_{};

    std::atomic<std::uint32_t> interrupt_{0};
    std::atomic<double> speed_{0.0};
    std::atomic<SimTime> publishedNow_{0};
    /// How far real-time pacing had brought simulated time while it waited for the next event
    /// (worker thread only); pacing resumes from here after an interrupt.
    SimTime pacedTo_ = 0;
    std::atomic<std::uint64_t> publishedExecuted_{0};
    std::unique_ptr<WallClock> realClock_;
    WallClock* clock_ = nullptr;
    PaceMapping pace_;                  // worker thread's copy
    WallClock* anchorClock_ = nullptr;  // the clock pace_ was anchored on
    mutable std::mutex paceMutex_;      // guards publishedPace_
    PaceMapping publishedPace_;
    std::uint64_t memoryBudget_ = kUnlimitedMemory;
    std::uint64_t memoryTaken_ = 0;

    Wakeup wake_;
    std::atomic<bool> keepAlive_{false};
    Inbox inbox_;
    std::vector<Inbox::Input> taken_;                         // inputs being scheduled
    std::unordered_map<std::uint64_t, HeldBytes> heldBytes_;  // input bytes by event seq
    Journal* journal_ = nullptr;
    std::vector<ReplayInput> replay_;
    std::size_t replayNext_ = 0;
};

}  // namespace dais::sim
