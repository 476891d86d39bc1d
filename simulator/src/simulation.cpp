#include "dais/sim/simulation.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <thread>

namespace dais::sim {

namespace {

class SteadyClock final : public WallClock {
  public:
    std::int64_t nowNs() override {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    void sleepUntilNs(std::int64_t wallNs) override {
        std::this_thread::sleep_until(
            std::chrono::steady_clock::time_point(std::chrono::nanoseconds(wallNs)));
    }
};

constexpr double kMinSpeed = 0.1;
constexpr double kMaxSpeed = 1000.0;
// A paced run that falls further behind the wall clock than this forgets the debt instead of
// racing to catch up, so a slow stretch is not followed by a burst.
constexpr std::int64_t kMaxPacingLagNs = 250'000'000;
// Longest single sleep while pacing, so stop() and speed changes take effect promptly.
constexpr std::int64_t kPacingSliceNs = 20'000'000;
// Progress is published every 2^12 events.
constexpr std::uint64_t kPublishMask = (1u << 12) - 1;

}  // namespace

std::string_view queueKindName(QueueKind k) {
    return k == QueueKind::Heap ? "heap" : "ladder";
}

bool parseQueueKind(std::string_view text, QueueKind& out) {
    if (text == "heap")
        out = QueueKind::Heap;
    else if (text == "ladder")
        out = QueueKind::Ladder;
    else
        return false;
    return true;
}

std::string_view stopReasonName(StopReason r) {
    switch (r) {
        case StopReason::QueueEmpty:
            return "no events left";
        case StopReason::Horizon:
            return "time limit reached";
        case StopReason::Predicate:
            return "condition met";
        case StopReason::Stopped:
            return "stopped";
    }
    return "?";
}

Simulation::Simulation() : Simulation(Config{}) {}

Simulation::Simulation(Config config)
    : config_(config), realClock_(std::make_unique<SteadyClock>()), clock_(realClock_.get()) {
    kinds_.push_back({nullptr, nullptr, "kernel.sample"});  // kSampleKind, handled in the loop
}

Simulation::~Simulation() = default;

KindId Simulation::registerKind(std::string_view name, Handler fn, void* self) {
    assert(fn != nullptr && kinds_.size() < 0xffff);
    kinds_.push_back({fn, self, std::string(name)});
    return static_cast<KindId>(kinds_.size() - 1);
}

std::string_view Simulation::kindName(KindId k) const {
    return k < kinds_.size() ? std::string_view(kinds_[k].name) : std::string_view("?");
}

EventId Simulation::scheduleAt(SimTime t, TargetId target, KindId kind, std::uint64_t data,
                               std::uint16_t aux) {
    // now_ <= t <= kTimeLatest, in one comparison: below now_, t - now_ wraps to a huge value.
    if (static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(now_) >=
        static_cast<std::uint64_t>(kTimeNever - now_)) [[unlikely]]
        refuseTime(t, target, kind);
    assert(kind < kinds_.size());
    const Event e{t, nextSeq_++, target, kind, aux, data};
    if (topHeld_) {
        // The event being dispatched is still the queue's top: replace it in one operation
        // instead of a pop now and a push later.
        topHeld_ = false;
        config_.queue == QueueKind::Heap ? heap_.replaceTop(e) : ladder_.replaceTop(e);
    } else {
        config_.queue == QueueKind::Heap ? heap_.push(e) : ladder_.push(e);
    }
    return {t, e.seq};
}

void Simulation::refuseTime(SimTime t, TargetId target, KindId kind) const {
    const std::string what =
        "event \"" + std::string(kindName(kind)) + "\" for target " + std::to_string(target) + ": ";
    if (t < now_)
        throw RunFailure(what + "scheduled at " + formatTime(t) + ", before now (" +
                         formatTime(now_) + ")");
    throw RunFailure(what + "scheduled at \"never\" (" + std::to_string(t) + " ns), later than " +
                     longestTimeText());
}

void Simulation::refuseDelay(SimTime delay, TargetId target, KindId kind) const {
    throw RunFailure("event \"" + std::string(kindName(kind)) + "\" for target " +
                     std::to_string(target) + ": scheduled " + formatSeconds(toSeconds(delay)) +
                     " after now (" + formatTime(now_) + "), beyond " + longestTimeText());
}

bool Simulation::cancel(EventId id) {
    if (!id.valid() || id.seq >= nextSeq_) return false;
    // Events leave the queue in (time, seq) order, so anything at or before the last one taken
    // has already run or been dropped.
    if (id.time < lastTime_ || (id.time == lastTime_ && id.seq <= lastSeq_)) return false;
    return cancelled_.insert(id.seq).second;
}

std::size_t Simulation::queueSize() const {
    return config_.queue == QueueKind::Heap ? heap_.size() : ladder_.size();
}

std::size_t Simulation::pending() const {
    std::size_t n = queueSize() - cancelled_.size();
    if (topHeld_) --n;
    if (nextSample_.valid()) --n;
    return n;
}

std::size_t Simulation::queueMemoryBytes() const {
    return config_.queue == QueueKind::Heap ? heap_.memoryBytes() : ladder_.memoryBytes();
}

bool Simulation::takeMemory(std::uint64_t bytes) {
    const std::uint64_t held = memoryTaken_ + queueMemoryBytes();
    if (memoryBudget_ != kUnlimitedMemory && (held > memoryBudget_ || bytes > memoryBudget_ - held))
        return false;
    memoryTaken_ += bytes;
    return true;
}

void Simulation::everyFewThousand(const Event& running) {
    publish();
    if (memoryBudget_ == kUnlimitedMemory) return;
    if (memoryTaken_ + queueMemoryBytes() > memoryBudget_) refuseQueueMemory(running);
}

void Simulation::refuseQueueMemory(const Event& running) const {
    throw MemoryExhausted(
        "the event queue: at t=" + formatTime(now_) + ", " +
        countText(static_cast<double>(pending())) + " events are pending (" +
        memoryText(static_cast<double>(queueMemoryBytes())) + "; the event running: \"" +
        std::string(kindName(running.kind)) + "\"), and what else has grown in the run holds " +
        memoryText(static_cast<double>(memoryTaken_)) + ": more than the " +
        memoryText(static_cast<double>(memoryBudget_)) + " of memory left to the run");
}

StopReason Simulation::run() {
    return drive(kTimeNever, nullptr);
}

StopReason Simulation::runUntil(SimTime t) {
    return drive(t, nullptr);
}

StopReason Simulation::runUntil(ConditionRef cond, SimTime horizon) {
    return drive(horizon, &cond);
}

bool Simulation::step() {
    const std::uint64_t before = executed_;
    auto once = [](const Simulation&) { return true; };
    const ConditionRef cond(once);
    drive(kTimeNever, &cond);
    return executed_ != before;
}

bool Simulation::setPacing(double speed) {
    if (speed != 0.0 && !(speed >= kMinSpeed && speed <= kMaxSpeed)) return false;
    speed_.store(speed, std::memory_order_relaxed);
    interrupt(kModeBit);
    return true;
}

void Simulation::setWallClock(WallClock* clock) {
    clock_ = clock ? clock : realClock_.get();
    interrupt(kModeBit);
}

void Simulation::addObserver(Observer* o) {
    if (std::find(observers_.begin(), observers_.end(), o) == observers_.end())
        observers_.push_back(o);
}

void Simulation::removeObserver(Observer* o) {
    observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
}

void Simulation::setTracing(bool on) {
    tracing_ = on;
    interrupt(kModeBit);
}

void Simulation::trace(TargetId node, std::string_view category, std::string_view text) {
    if (!tracing_) return;
    const TraceRecord r{now_, node, category, text};
    for (Observer* o : observers_)
        o->onTrace(r);
}

void Simulation::setSampleInterval(SimTime interval) {
    assert(interval >= 0);
    if (nextSample_.valid()) cancel(nextSample_);
    nextSample_ = {};
    sampleInterval_ = interval;
    stretchBudget_ = stretchLeft_ = kSampleBudget;
    // A sample due at or after kTimeNever would never come: there is none.
    if (interval > 0 && now_ < kTimeNever - interval)
        nextSample_ = scheduleAt(now_ + interval, 0, kSampleKind);
}

void Simulation::addSampleHook(SampleHook fn, void* self) {
    sampleHooks_.emplace_back(fn, self);
}

void Simulation::sampleNow() {
    if (observers_.empty()) return;
    for (const auto& [fn, self] : sampleHooks_)
        fn(self, *this);
    const std::vector<MetricValue> values = metrics_.readAll();
    for (Observer* o : observers_)
        o->onSample(now_, values);
}

void Simulation::onSampleEvent() {
    nextSample_ = {};
    sampleNow();
    // The budget (setSampleInterval): when a stretch is spent, the next one takes half as many
    // samples at twice the interval.
    if (--stretchLeft_ == 0) {
        if (sampleInterval_ > kTimeNever / 2) return;
        sampleInterval_ *= 2;
        stretchBudget_ = std::max(kSampleFloor, stretchBudget_ / 2);
        stretchLeft_ = stretchBudget_;
    }
    // Keep sampling while the model still has work; a lone sampling event must not keep an
    // otherwise finished run alive.
    if (queueSize() > cancelled_.size() && now_ < kTimeNever - sampleInterval_)
        nextSample_ = scheduleAt(now_ + sampleInterval_, 0, kSampleKind);
}

void Simulation::notifyRunStart() {
    if (started_) return;
    started_ = true;
    for (Observer* o : observers_)
        o->onRunStart(*this);
}

void Simulation::notifyRunEnd() {
    publish();
    for (Observer* o : observers_)
        o->onRunEnd(*this);
}

// Waits until the wall clock reaches the moment simulated time t is due. Returns false if an
// interrupt (stop, speed change) arrived while waiting; the caller then re-examines its state.
bool Simulation::paceUntil(SimTime t) {
    const auto due = paceWallAnchor_ + static_cast<std::int64_t>(
                                           static_cast<double>(t - paceSimAnchor_) / paceSpeed_);
    std::int64_t wall = clock_->nowNs();
    if (wall - due > kMaxPacingLagNs) {
        paceWallAnchor_ = wall;
        paceSimAnchor_ = t;
        return true;
    }
    for (;;) {
        // How far simulated time has come by this wall time (short of the event), shown to
        // observers and kept for the next run call should this one be interrupted.
        const auto reached =
            paceSimAnchor_ +
            static_cast<SimTime>(static_cast<double>(wall - paceWallAnchor_) * paceSpeed_);
        pacedTo_ = std::max(now_, std::min(reached, t));
        publishedNow_.store(pacedTo_, std::memory_order_relaxed);
        if (wall >= due) break;
        if (interrupt_.load(std::memory_order_relaxed) != 0) return false;
        clock_->sleepUntilNs(std::min(due, wall + kPacingSliceNs));
        wall = clock_->nowNs();
    }
    return true;
}

template <class Q, bool kPaced, bool kTraced>
StopReason Simulation::loop(Q& q, SimTime horizon, const ConditionRef* cond) {
    for (;;) {
        if (interrupt_.load(std::memory_order_relaxed) != 0) return StopReason::Stopped;
        if (q.empty()) return StopReason::QueueEmpty;
        const Event& top = q.top();
        if (top.time > horizon) return StopReason::Horizon;
        if (!cancelled_.empty() && cancelled_.erase(top.seq) != 0) {
            lastTime_ = top.time;
            lastSeq_ = top.seq;
            q.pop();
            continue;
        }
        if constexpr (kPaced) {
            if (!paceUntil(top.time)) continue;
        }
        const Event ev = top;
        lastTime_ = now_ = ev.time;
        lastSeq_ = ev.seq;
        if (ev.kind == kSampleKind) {
            q.pop();
            onSampleEvent();
            continue;
        }
        fingerprint_.fold(ev);
        if ((++executed_ & kPublishMask) == 0) [[unlikely]]
            everyFewThousand(ev);
        if constexpr (kTraced) {
            for (Observer* o : observers_)
                o->onEvent(*this, ev);
        }
        if (const Event* next = q.peekNext(); next != nullptr) {
            const KindEntry& nk = kinds_[next->kind];
            if (nk.prefetch != nullptr) nk.prefetch(nk.self, *next);
        }
        topHeld_ = true;
        const KindEntry& k = kinds_[ev.kind];
        k.fn(k.self, *this, ev);
        if (topHeld_) {
            topHeld_ = false;
            q.pop();
        }
        if (cond != nullptr && (*cond)(*this)) return StopReason::Predicate;
    }
}

StopReason Simulation::drive(SimTime horizon, const ConditionRef* cond) {
    assert(!running_ && "run calls do not nest");
    // A handler may throw (a model's failure, a time beyond the latest): the kernel is then
    // left between events, the failed one taken from the queue, and a driver may still read
    // its state and metrics.
    struct Running {
        Simulation& s;
        ~Running() {
            if (s.topHeld_) {
                s.topHeld_ = false;
                s.config_.queue == QueueKind::Heap ? s.heap_.pop() : s.ladder_.pop();
            }
            s.running_ = false;
            s.publish();
        }
    } running{*this};
    running_ = true;
    notifyRunStart();
    StopReason r;
    for (;;) {
        interrupt_.fetch_and(~kModeBit, std::memory_order_relaxed);
        paceSpeed_ = speed_.load(std::memory_order_relaxed);
        const bool paced = paceSpeed_ > 0;
        if (paced) {
            // Pacing goes on from the simulated time it had reached while waiting, not from the
            // last event: a driver that interrupts the loop often (to publish progress, take a
            // command or change the speed) must not take back the time already waited, or a
            // gap between events longer than its period would never be crossed.
            paceWallAnchor_ = clock_->nowNs();
            paceSimAnchor_ = std::max(now_, pacedTo_);
        }
        auto go = [&](auto& q) {
            using Q = std::remove_reference_t<decltype(q)>;
            if (paced)
                return tracing_ ? loop<Q, true, true>(q, horizon, cond)
                                : loop<Q, true, false>(q, horizon, cond);
            return tracing_ ? loop<Q, false, true>(q, horizon, cond)
                            : loop<Q, false, false>(q, horizon, cond);
        };
        r = config_.queue == QueueKind::Heap ? go(heap_) : go(ladder_);
        if (r != StopReason::Stopped) break;
        if ((interrupt_.load(std::memory_order_relaxed) & kStopBit) != 0) {
            interrupt_.fetch_and(~kStopBit, std::memory_order_relaxed);
            break;
        }
        // Only a mode change (pacing, tracing, clock): go round with the new settings.
    }
    if ((r == StopReason::Horizon || r == StopReason::QueueEmpty) && horizon != kTimeNever &&
        horizon > now_)
        now_ = horizon;
    return r;
}

}  // namespace dais::sim
