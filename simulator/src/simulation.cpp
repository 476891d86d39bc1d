#include "dais/sim/simulation.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <string>
#include <utility>

#include "dais/sim/number_text.h"

namespace dais::sim {

namespace {

/// now <= t <= kTimeLatest, in one comparison: below now, t - now wraps to a huge value.
bool schedulable(SimTime t, SimTime now) {
    return static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(now) <
           static_cast<std::uint64_t>(kTimeNever - now);
}

constexpr double kMinSpeed = 0.1;
constexpr double kMaxSpeed = 1000.0;
// A paced run that falls further behind the wall clock than this forgets the debt instead of
// racing to catch up, so a slow stretch is not followed by a burst (not in keep-alive, whose
// mapping to wall time stays fixed).
constexpr std::int64_t kMaxPacingLagNs = 250'000'000;
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
    : config_(config),
      realClock_(std::make_unique<SteadyWallClock>()),
      clock_(realClock_.get()),
      inbox_(&Simulation::onInput, this, realClock_.get()) {
    kinds_.push_back({nullptr, nullptr, "kernel.sample"});  // kSampleKind, handled in the loop
    inbox_.setKindCount(kinds_.size());
}

Simulation::~Simulation() = default;

KindId Simulation::registerKind(std::string_view name, Handler fn, void* self) {
    assert(fn != nullptr && kinds_.size() < 0xffff);
    kinds_.push_back({fn, self, std::string(name)});
    inbox_.setKindCount(kinds_.size());
    return static_cast<KindId>(kinds_.size() - 1);
}

std::string_view Simulation::kindName(KindId k) const {
    return k < kinds_.size() ? std::string_view(kinds_[k].name) : std::string_view("?");
}

EventId Simulation::scheduleAt(SimTime t, TargetId target, KindId kind, std::uint64_t data,
                               std::uint16_t aux) {
    if (!schedulable(t, now_)) [[unlikely]]
        refuseTime(t, target, kind);
    assert(kind < kinds_.size());
    const Event e{t, nextSeq_++, target, kind, aux, data};
    push(e);
    return {t, e.seq};
}

void Simulation::scheduleReserved(SimTime t, std::uint64_t seq, TargetId target, KindId kind,
                                  std::uint64_t data, std::uint16_t aux) {
    if (!schedulable(t, now_)) [[unlikely]]
        refuseTime(t, target, kind);
    assert(kind < kinds_.size());
    if (seq == 0 || seq >= nextSeq_ || (t == lastTime_ && seq <= lastSeq_)) [[unlikely]]
        throw std::logic_error("event \"" + std::string(kindName(kind)) + "\" for target " +
                               std::to_string(target) + ": sequence number " + std::to_string(seq) +
                               " was not reserved or has passed");
    push(Event{t, seq, target, kind, aux, data});
}

void Simulation::push(const Event& e) {
    if (topHeld_) {
        // The event being dispatched is still the queue's top: replace it in one operation
        // instead of a pop now and a push later.
        topHeld_ = false;
        config_.queue == QueueKind::Heap ? heap_.replaceTop(e) : ladder_.replaceTop(e);
    } else {
        config_.queue == QueueKind::Heap ? heap_.push(e) : ladder_.push(e);
    }
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

std::uint64_t Simulation::nextCheckpoint() const {
    std::uint64_t next = (executed_ | kPublishMask) + 1;
    if (replayNext_ < replay_.size()) {
        const std::uint64_t point = replay_[replayNext_].point;
        if (point > executed_ && point < next) next = point;
    }
    return next;
}

void Simulation::atCheckpoint(const Event& running) {
    if ((executed_ & kPublishMask) == 0) everyFewThousand(running);
    // The loop returns after this event, and drive() schedules the journal's input.
    if (replayNext_ < replay_.size() && replay_[replayNext_].point == executed_)
        interrupt_.fetch_or(kReplayBit, std::memory_order_relaxed);
    checkpoint_ = nextCheckpoint();
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
    inbox_.setClock(clock_);
    interrupt(kModeBit);
}

PaceMapping Simulation::paceMapping() const {
    std::lock_guard lock(paceMutex_);
    return publishedPace_;
}

void Simulation::setAnchor(const PaceMapping& m) {
    pace_ = m;
    anchorClock_ = clock_;
    std::lock_guard lock(paceMutex_);
    publishedPace_ = m;
}

// At the start of a run call and after an interrupt: anchors the mapping of simulated to wall
// time when pacing starts, and moves it when the speed or the clock changed, keeping simulated
// time continuous at that moment. Otherwise the mapping stays as it was, however often the
// loop is interrupted.
void Simulation::updatePacing() {
    const double speed = speed_.load(std::memory_order_relaxed);
    if (speed == pace_.speed && clock_ == anchorClock_) return;
    if (!(speed > 0)) {
        setAnchor({});
        return;
    }
    const std::int64_t wall = clock_->nowNs();
    SimTime from = std::max(now_, pacedTo_);
    if (pace_.paced() && clock_ == anchorClock_) from = std::max(now_, pace_.simTimeAt(wall));
    setAnchor({wall, from, speed});
}

void Simulation::setKeepAlive(bool on) {
    keepAlive_.store(on, std::memory_order_relaxed);
    interrupt(kModeBit);
}

std::span<const std::byte> Simulation::inputBytes(const Event& e) const {
    const auto it = heldBytes_.find(e.seq);
    if (it == heldBytes_.end()) return {};
    return it->second.bytes;
}

void Simulation::recordJournal(Journal* journal) {
    journal_ = journal;
    if (journal_ != nullptr) journal_->seed = config_.seed;
}

Result<void> Simulation::replayJournal(const Journal& journal) {
    if (journal.seed != config_.seed)
        return Error{"the journal was recorded with seed " + std::to_string(journal.seed) +
                     ", this run has seed " + std::to_string(config_.seed)};
    std::vector<ReplayInput> inputs;
    inputs.reserve(journal.entries.size());
    for (std::size_t i = 0; i < journal.entries.size(); ++i) {
        const JournalEntry& e = journal.entries[i];
        KindId kind = 0;
        for (std::size_t k = 1; k < kinds_.size(); ++k) {
            if (kinds_[k].name != e.kind) continue;
            if (kind != 0)
                return Error{"journal entry " + groupDigits(i + 1) +
                             ": more than one event kind \"" + e.kind +
                             "\" is registered in this run"};
            kind = static_cast<KindId>(k);
        }
        if (kind == 0)
            return Error{"journal entry " + groupDigits(i + 1) + ": no event kind \"" + e.kind +
                         "\" is registered in this run"};
        if (e.point < executed_ || (i > 0 && e.point < inputs.back().point))
            return Error{"journal entry " + groupDigits(i + 1) + ": taken after " +
                         groupDigits(e.point) + " events, but this run has executed " +
                         groupDigits(std::max(executed_, i > 0 ? inputs.back().point : 0))};
        inputs.push_back({e.point, e.time, kind, e.target, e.data, e.aux, e.bytes});
    }
    replay_ = std::move(inputs);
    replayNext_ = 0;
    checkpoint_ = nextCheckpoint();
    return {};
}

// Between events: what the inbox holds becomes events, at now() or, paced, at the simulated time
// each input's arrival maps to.
void Simulation::drainInbox() {
    inbox_.takeAll(taken_);
    for (Inbox::Input& in : taken_) {
        const SimTime t = pace_.paced() ? std::max(now_, pace_.simTimeAt(in.wallNs)) : now_;
        scheduleInput(t, in.kind, in.target, in.data, in.aux, std::move(in.bytes));
    }
    taken_.clear();
}

void Simulation::injectReplay() {
    while (replayNext_ < replay_.size() && replay_[replayNext_].point <= executed_) {
        ReplayInput& in = replay_[replayNext_];
        if (in.point != executed_ || in.time < now_)
            throw RunFailure("the journal does not fit this run: its entry " +
                             groupDigits(replayNext_ + 1) + " (\"" +
                             std::string(kindName(in.kind)) + "\" for target " +
                             std::to_string(in.target) + " at " + formatTime(in.time) + ", after " +
                             groupDigits(in.point) + " events) comes at " + formatTime(now_) +
                             ", after " + groupDigits(executed_) + " events");
        ++replayNext_;
        scheduleInput(in.time, in.kind, in.target, in.data, in.aux, std::move(in.bytes));
    }
    checkpoint_ = nextCheckpoint();
}

void Simulation::scheduleInput(SimTime t, KindId kind, TargetId target, std::uint64_t data,
                               std::uint16_t aux, std::vector<std::byte> bytes) {
    // Bytes of inputs that have run (or were cancelled and dropped) are released.
    std::erase_if(heldBytes_, [this](const auto& held) {
        return held.second.time < lastTime_ ||
               (held.second.time == lastTime_ && held.first <= lastSeq_);
    });
    if (journal_ != nullptr)
        journal_->entries.push_back({executed_, t, kinds_[kind].name, target, data, aux, bytes});
    const EventId id = scheduleAt(t, target, kind, data, aux);
    if (!bytes.empty()) heldBytes_.emplace(id.seq, HeldBytes{t, std::move(bytes)});
    // Sampling that stopped when the run ran out of events goes on with the input.
    if (sampleInterval_ > 0 && !nextSample_.valid() && now_ < kTimeNever - sampleInterval_)
        nextSample_ = scheduleAt(now_ + sampleInterval_, 0, kSampleKind);
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
    inbox_.close();
    publish();
    for (Observer* o : observers_)
        o->onRunEnd(*this);
}

// Waits until the wall clock reaches the moment simulated time t is due. Returns false if an
// interrupt (stop, speed change, input) arrived while waiting; the caller then re-examines its
// state.
bool Simulation::paceUntil(SimTime t) {
    std::int64_t due = pace_.wallTimeAt(t);
    std::int64_t wall = clock_->nowNs();
    if (due < wall - kMaxPacingLagNs && !keepAlive()) {
        // Forget the debt: go on from where pacing had reached.
        setAnchor({wall, std::max(now_, pacedTo_), pace_.speed});
        due = pace_.wallTimeAt(t);
    }
    for (;;) {
        // How far simulated time has come by this wall time (short of the event), shown to
        // observers and kept for the next run call should this one be interrupted.
        pacedTo_ = std::max(now_, std::min(pace_.simTimeAt(wall), t));
        publishedNow_.store(pacedTo_, std::memory_order_relaxed);
        if (wall >= due) break;
        if (interrupt_.load(std::memory_order_relaxed) != 0) return false;
        clock_->waitUntilNs(due, wake_);
        wall = clock_->nowNs();
    }
    return true;
}

bool Simulation::idle(bool paced, SimTime horizon) {
    if (paced && horizon != kTimeNever) return paceUntil(horizon);
    for (;;) {
        if (paced) {
            pacedTo_ = std::max(now_, pace_.simTimeAt(clock_->nowNs()));
            publishedNow_.store(pacedTo_, std::memory_order_relaxed);
        }
        if (interrupt_.load(std::memory_order_relaxed) != 0) return false;
        if (paced)
            clock_->waitUntilNs(WallClock::kNoDeadline, wake_);
        else
            wake_.wait();
    }
}

template <class Q, bool kPaced, bool kTraced>
StopReason Simulation::loop(Q& q, SimTime horizon, const ConditionRef* cond) {
    for (;;) {
        if (interrupt_.load(std::memory_order_relaxed) != 0) return StopReason::Stopped;
        if (q.empty()) {
            if (!keepAlive()) return StopReason::QueueEmpty;
            if (idle(kPaced, horizon)) return StopReason::Horizon;
            continue;
        }
        const Event& top = q.top();
        if (top.time > horizon) {
            if (!kPaced || !keepAlive()) return StopReason::Horizon;
            if (idle(kPaced, horizon)) return StopReason::Horizon;
            continue;
        }
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
        if (++executed_ == checkpoint_) [[unlikely]]
            atCheckpoint(ev);
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
        const std::uint32_t bits =
            interrupt_.fetch_and(kStopBit | kEndBit, std::memory_order_relaxed);
        // The mapping to wall time stays as anchored unless the speed or the clock changed: a
        // driver that interrupts the loop often (to publish progress or take a command) must
        // not make it drift, nor take back the time already waited.
        updatePacing();
        const bool paced = pace_.paced();
        if (replayNext_ < replay_.size()) injectReplay();
        if ((bits & kInputBit) != 0) drainInbox();
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
        // Only a mode change (pacing, tracing, clock, keep-alive) or input: go round.
    }
    if ((r == StopReason::Horizon || r == StopReason::QueueEmpty) && horizon != kTimeNever &&
        horizon > now_) {
        now_ = horizon;
        // A paced run that jumped ahead to its horizon goes on from there.
        if (pace_.paced() && !keepAlive() && pace_.simTimeAt(clock_->nowNs()) < now_)
            setAnchor({clock_->nowNs(), now_, pace_.speed});
    }
    return r;
}

}  // namespace dais::sim
