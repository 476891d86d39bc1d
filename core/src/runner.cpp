#include "dais/core/runner.h"

#include <exception>
#include <functional>
#include <new>

namespace dais::core {

std::string_view runnerStateName(RunnerState s) {
    switch (s) {
        case RunnerState::Ready:
            return "ready";
        case RunnerState::Running:
            return "running";
        case RunnerState::Paused:
            return "paused";
        case RunnerState::Completed:
            return "completed";
        case RunnerState::Stopped:
            return "stopped";
        case RunnerState::Failed:
            return "failed";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------
// KernelSession

sim::StopReason KernelSession::advance(sim::SimTime t) {
    if (done()) return sim::StopReason::QueueEmpty;
    const sim::SimTime until = std::min(t, horizon_);
    sim::StopReason r = sim::StopReason::Stopped;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        r = until == sim::kTimeNever ? sim_.run() : sim_.runUntil(until);
    } catch (const sim::RunEnding&) {
        done_ = true;  // an event abandoned because the run was asked to end: a stop
    } catch (const std::bad_alloc&) {
        failure_ =
            "the run failed: out of memory while running at t=" + sim::formatTime(sim_.now());
    } catch (const std::exception& e) {
        failure_ = std::string("the run failed: ") + e.what();
    } catch (...) {
        failure_ = "the run failed: unknown exception";
    }
    wallSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r == sim::StopReason::QueueEmpty || (r == sim::StopReason::Horizon && until == horizon_))
        done_ = true;
    return r;
}

bool KernelSession::step() {
    if (done()) return false;
    bool ran = false;
    try {
        auto once = [](const sim::Simulation&) { return true; };
        const sim::StopReason r = sim_.runUntil(sim::ConditionRef(once), horizon_);
        ran = r == sim::StopReason::Predicate;
        if (r == sim::StopReason::QueueEmpty || r == sim::StopReason::Horizon) done_ = true;
    } catch (const sim::RunEnding&) {
        done_ = true;
    } catch (const std::bad_alloc&) {
        failure_ =
            "the run failed: out of memory while running at t=" + sim::formatTime(sim_.now());
    } catch (const std::exception& e) {
        failure_ = std::string("the run failed: ") + e.what();
    }
    return ran;
}

RunReport KernelSession::finish(bool stopped) {
    sim_.notifyRunEnd();
    RunReport r;
    r.status = !failure_.empty() ? RunStatus::Failed
               : stopped         ? RunStatus::Stopped
                                 : RunStatus::Completed;
    r.error = failure_;
    r.seed = sim_.seed();
    r.queue = sim_.queueKind();
    r.horizon = horizon_;
    r.events = sim_.executed();
    r.simulatedTime = sim_.now();
    r.wallSeconds = wallSeconds_;
    r.fingerprint = sim_.fingerprint().hex();
    return r;
}

// ---------------------------------------------------------------------------------------------
// Runner

/// Collects the kernel's samples on the worker thread until the next batch goes out.
class Runner::Sampler final : public sim::Observer {
  public:
    void onSample(sim::SimTime time, std::span<const sim::MetricValue> values) override {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const sim::MetricValue& v = values[i];
            points.push_back(
                MetricPoint{time, static_cast<std::uint32_t>(i), v.value, v.count, v.p50, v.p95});
        }
        metricCount = std::max(metricCount, values.size());
    }
    std::vector<MetricPoint> points;
    std::size_t metricCount = 0;
};

Runner::Runner(std::unique_ptr<RunSession> session) : Runner(std::move(session), Options{}) {}

Runner::Runner(std::unique_ptr<RunSession> session, Options options)
    : session_(std::move(session)), options_(options), sampler_(std::make_unique<Sampler>()) {
    if (!(options_.publishRate > 0)) options_.publishRate = 30;
    if (!(options_.tableRate > 0)) options_.tableRate = 4;
    session_->limitEvents(options_.maxEvents);
    sim::Simulation& sim = session_->simulation();
    sim.addObserver(sampler_.get());
    if (options_.keepAlive) sim.setKeepAlive(true);
    if (!options_.journalPath.empty()) sim.recordJournal(&journal_);
}

Runner::~Runner() {
    if (worker_.joinable()) {
        stop();
        worker_.join();
    }
    if (ticker_.joinable()) {
        {
            std::lock_guard lock(tickMutex_);
            tickerQuit_ = true;
        }
        tickCv_.notify_all();
        ticker_.join();
    }
}

void Runner::addListener(RunnerListener* listener) {
    if (state() == RunnerState::Ready && listener) listeners_.push_back(listener);
}

void Runner::addObserver(sim::Observer* observer) {
    if (state() == RunnerState::Ready && observer) session_->simulation().addObserver(observer);
}

void Runner::start() {
    if (worker_.joinable()) return;
    state_.store(options_.startPaused ? RunnerState::Paused : RunnerState::Running,
                 std::memory_order_release);
    worker_ = std::thread([this] { work(); });
    ticker_ = std::thread([this] { tick(); });
}

void Runner::post(const std::function<void(Commands&)>& change) {
    {
        std::lock_guard lock(mutex_);
        if (finished_) return;
        change(commands_);
    }
    wake_.notify_all();
    // Interrupts the event loop after its current event; the worker then reads the commands.
    session_->simulation().stop();
}

void Runner::resume() {
    post([](Commands& c) {
        c.resume = true;
        c.pause = false;
    });
}

void Runner::pause() {
    post([](Commands& c) {
        c.pause = true;
        c.resume = false;
    });
}

void Runner::step(std::uint64_t n) {
    if (n == 0) return;
    post([n](Commands& c) { c.steps += n; });
}

void Runner::runUntil(sim::SimTime t) {
    post([t](Commands& c) {
        c.until = t;
        c.hasUntil = true;
    });
}

void Runner::stop() {
    post([](Commands& c) { c.stop = true; });
    // Work inside the current event may be long (a training round): let it end early.
    session_->simulation().requestEnd();
}

void Runner::watchTables(std::vector<std::string> names) {
    {
        std::lock_guard lock(mutex_);
        watchRequest_ = std::move(names);
        watchVersion_.fetch_add(1, std::memory_order_release);
        if (finished_) return;
        commands_.tables = true;
    }
    // A paused run publishes at once; a running one with its next snapshot.
    wake_.notify_all();
}

bool Runner::setSpeed(double speed) {
    return session_->simulation().setPacing(speed);
}

bool Runner::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (timeout == std::chrono::milliseconds::max()) {
        finishedCv_.wait(lock, [this] { return finished_; });
        return true;
    }
    return finishedCv_.wait_for(lock, timeout, [this] { return finished_; });
}

std::shared_ptr<const RunReport> Runner::report() const {
    std::lock_guard lock(mutex_);
    return report_;
}

template <class F>
void Runner::notify(F&& f) {
    for (RunnerListener* l : listeners_) {
        try {
            f(*l);
        } catch (const std::exception& e) {
            if (listenerFailure_.empty())
                listenerFailure_ = std::string("a run listener failed: ") + e.what();
        } catch (...) {
            if (listenerFailure_.empty()) listenerFailure_ = "a run listener failed";
        }
    }
}

void Runner::setState(RunnerState s) {
    if (state_.exchange(s, std::memory_order_acq_rel) == s) return;
    notify([s](RunnerListener& l) { l.onState(s); });
}

std::shared_ptr<const MetricCatalog> Runner::catalog() {
    const sim::Metrics& m = session_->simulation().metrics();
    if (!catalog_ || catalog_->metrics.size() != m.size()) {
        auto c = std::make_shared<MetricCatalog>();
        c->metrics.reserve(m.size());
        for (sim::MetricId i = 0; i < m.size(); ++i)
            c->metrics.push_back(m.info(i));
        catalog_ = std::move(c);
    }
    return catalog_;
}

void Runner::refreshTables(bool force, const RunReport* final) {
    const bool changed = watchVersion_.load(std::memory_order_acquire) != watchSeen_;
    if (changed) {
        std::vector<std::shared_ptr<const InspectorTable>> copies;
        std::lock_guard lock(mutex_);
        copies.reserve(watchRequest_.size());
        for (const std::string& name : watchRequest_) {
            // A table still watched keeps its last fill.
            std::shared_ptr<const InspectorTable> kept;
            for (std::size_t i = 0; i < watched_.size(); ++i)
                if (watched_[i] == name) kept = tableCopies_[i];
            copies.push_back(std::move(kept));
        }
        watched_ = watchRequest_;
        tableCopies_ = std::move(copies);
        watchSeen_ = watchVersion_.load(std::memory_order_acquire);
    }
    if (watched_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t executed = session_->simulation().executed();
    const auto period = std::chrono::duration<double>(1.0 / options_.tableRate);
    // Tables change only with events; a paused run (a forced snapshot) shows them as they are.
    const bool all =
        final != nullptr || (executed != tablesExecuted_ && (force || now - lastTables_ >= period));
    if (!all && !changed) return;
    for (std::size_t i = 0; i < watched_.size(); ++i) {
        if (!all && tableCopies_[i]) continue;
        std::shared_ptr<const InspectorTable> table;
        if (final != nullptr)
            for (const auto& t : final->tables)
                if (t && t->name() == watched_[i]) table = t;
        if (!table)
            if (auto filled = session_->inspect(watched_[i]))
                table = std::make_shared<const InspectorTable>(std::move(filled).value());
        tableCopies_[i] = std::move(table);
    }
    if (all) {
        lastTables_ = now;
        tablesExecuted_ = executed;
    }
}

void Runner::publishEvents() {
    const RunEventLog* log = session_->eventLog();
    if (log == nullptr || listeners_.empty()) return;
    const std::vector<RunEvent>& all = log->events();
    if (all.size() <= eventsSent_ && log->dropped() == eventsDroppedSent_) return;
    auto batch = std::make_shared<RunEvents>();
    batch->catalog = log->catalog();
    batch->nodes = log->nodes();
    batch->limit = log->limit();
    if (all.size() > eventsSent_)
        batch->events.assign(all.begin() + static_cast<std::ptrdiff_t>(eventsSent_), all.end());
    batch->dropped = log->dropped() - eventsDroppedSent_;
    eventsSent_ = all.size();
    eventsDroppedSent_ = log->dropped();
    const std::shared_ptr<const RunEvents> b = std::move(batch);
    notify([&b](RunnerListener& l) { l.onEvents(b); });
}

void Runner::publish(bool force, const RunReport* final) {
    const auto now = std::chrono::steady_clock::now();
    const auto period = std::chrono::duration<double>(1.0 / options_.publishRate);
    if (!force && now - lastPublish_ < period) return;
    const double sinceLast = std::chrono::duration<double>(now - lastPublish_).count();
    lastPublish_ = now;

    sim::Simulation& sim = session_->simulation();
    const auto cat = catalog();
    if (!sampler_->points.empty()) {
        auto batch = std::make_shared<MetricBatch>();
        batch->catalog = cat;
        batch->points = std::move(sampler_->points);
        sampler_->points.clear();
        const std::shared_ptr<const MetricBatch> b = std::move(batch);
        notify([&b](RunnerListener& l) { l.onMetrics(b); });
    }
    publishEvents();
    auto snap = std::make_shared<RunnerSnapshot>();
    snap->state = state();
    snap->now = sim.now();
    snap->horizon = session_->horizon();
    snap->executed = sim.executed();
    snap->pending = sim.pending();
    snap->wallSeconds = session_->wallSeconds();
    snap->speed = sim.pacing();
    const double wallDelta = snap->wallSeconds - lastWall_;
    if (wallDelta > 0 && sinceLast > 0)
        rate_ = static_cast<double>(snap->executed - lastExecuted_) / sinceLast;
    else if (snap->executed == lastExecuted_)
        rate_ = 0;
    snap->eventsPerSecond = rate_;
    lastExecuted_ = snap->executed;
    lastWall_ = snap->wallSeconds;
    snap->catalog = cat;
    const std::vector<sim::MetricValue> values = sim.metrics().readAll();
    snap->metrics.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        snap->metrics.push_back(MetricPoint{sim.now(), static_cast<std::uint32_t>(i),
                                            values[i].value, values[i].count, values[i].p50,
                                            values[i].p95});
    const sim::Metrics& metrics = sim.metrics();
    nodeCopies_.resize(metrics.size());
    for (sim::MetricId id = 0; id < metrics.size(); ++id) {
        if (!metrics.perNode(id)) continue;
        NodeCopy& copy = nodeCopies_[id];
        if (copy.version != metrics.nodeVersion(id) || !copy.values) {
            const std::span<const double> latest = metrics.nodeValues(id);
            copy.values = std::make_shared<const std::vector<double>>(latest.begin(), latest.end());
            copy.version = metrics.nodeVersion(id);
        }
        snap->nodeMetrics.push_back({id, copy.values});
    }
    refreshTables(force, final);
    for (const auto& t : tableCopies_)
        if (t) snap->tables.push_back(t);
    const std::shared_ptr<const RunnerSnapshot> s = std::move(snap);
    notify([&s](RunnerListener& l) { l.onSnapshot(s); });
}

void Runner::finishRun(bool stopped) {
    RunReport report = session_->finish(stopped);
    if (!options_.journalPath.empty()) {
        const sim::Result<void> written = sim::writeJournalFile(journal_, options_.journalPath);
        if (!written.ok()) {
            report.error = report.error.empty() ? written.error().message
                                                : report.error + "\n" + written.error().message;
            report.status = RunStatus::Failed;
        }
    }
    auto finalState = [&report] {
        return report.status == RunStatus::Failed    ? RunnerState::Failed
               : report.status == RunStatus::Stopped ? RunnerState::Stopped
                                                     : RunnerState::Completed;
    };
    state_.store(finalState(), std::memory_order_release);
    publish(true, &report);
    // A listener that failed, even on the last snapshot, fails the run.
    if (!listenerFailure_.empty() && report.status != RunStatus::Failed) {
        report.status = RunStatus::Failed;
        report.error = listenerFailure_;
    }
    const RunnerState final = finalState();
    state_.store(final, std::memory_order_release);
    auto shared = std::make_shared<const RunReport>(std::move(report));
    notify([final](RunnerListener& l) { l.onState(final); });
    notify([&shared](RunnerListener& l) { l.onFinished(shared); });
    {
        std::lock_guard lock(mutex_);
        report_ = shared;
        finished_ = true;
    }
    finishedCv_.notify_all();
    {
        std::lock_guard lock(tickMutex_);
        tickerQuit_ = true;
    }
    tickCv_.notify_all();
}

/// Interrupts the event loop once per publishing period, so the worker can publish even when
/// the loop would otherwise run for a long time.
void Runner::tick() {
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / options_.publishRate));
    std::unique_lock lock(tickMutex_);
    while (!tickerQuit_) {
        tickCv_.wait_for(lock, period, [this] { return tickerQuit_; });
        if (!tickerQuit_ && looping_.load(std::memory_order_acquire)) session_->simulation().stop();
    }
}

void Runner::work() {
    sim::SimTime until = sim::kTimeNever;  // a pending run-until target
    std::uint64_t steps = 0;
    bool running = !options_.startPaused;
    lastPublish_ = std::chrono::steady_clock::now();
    try {
        notify([this](RunnerListener& l) { l.onState(state()); });
        publish(true);
        for (;;) {
            Commands c;
            {
                std::unique_lock lock(mutex_);
                // Idle (paused, nothing to step): sleep until a command arrives.
                if (!running && steps == 0 && until == sim::kTimeNever) {
                    wake_.wait(lock, [this] {
                        return commands_.stop || commands_.resume || commands_.pause ||
                               commands_.steps > 0 || commands_.hasUntil || commands_.tables;
                    });
                }
                c = commands_;
                commands_ = Commands{};
            }
            if (c.stop) {
                finishRun(true);
                return;
            }
            if (c.pause) {
                running = false;
                until = sim::kTimeNever;
                steps = 0;
            }
            if (c.resume) running = true;
            if (c.hasUntil) {
                until = c.until;
                running = false;
            }
            steps += c.steps;

            if (!listenerFailure_.empty()) {
                finishRun(false);
                return;
            }
            if (running || until != sim::kTimeNever) {
                setState(RunnerState::Running);
                looping_.store(true, std::memory_order_release);
                session_->advance(running ? sim::kTimeNever : until);
                looping_.store(false, std::memory_order_release);
                if (!running && session_->simulation().now() >= until) {
                    until = sim::kTimeNever;
                    if (!session_->done()) {
                        setState(RunnerState::Paused);
                        publish(true);
                    }
                }
            } else if (steps > 0) {
                setState(RunnerState::Running);
                if (session_->step()) --steps;
                if (steps == 0 && !session_->done()) {
                    setState(RunnerState::Paused);
                    publish(true);
                }
            } else {
                setState(RunnerState::Paused);
                publish(true);
                continue;
            }
            if (session_->done()) {
                finishRun(false);
                return;
            }
            publish(false);
        }
    } catch (const std::bad_alloc&) {
        if (listenerFailure_.empty())
            listenerFailure_ =
                "the runner failed: out of memory while reporting the run's progress";
    } catch (const std::exception& e) {
        if (listenerFailure_.empty())
            listenerFailure_ = std::string("the runner failed: ") + e.what();
    } catch (...) {
        if (listenerFailure_.empty()) listenerFailure_ = "the runner failed";
    }
    // Only a defect gets here (sessions do not throw): end the run as failed, never the process.
    try {
        finishRun(false);
    } catch (...) {
        std::lock_guard lock(mutex_);
        finished_ = true;
        finishedCv_.notify_all();
    }
}

}  // namespace dais::core
