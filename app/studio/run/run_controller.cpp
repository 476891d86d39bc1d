#include "run/run_controller.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <new>
#include <random>
#include <thread>
#include <unordered_set>
#include <utility>

#include "dais/core/scenario_run.h"
#include "dais/sim/network.h"
#include "dais/sim/observer.h"
#include "dais/store/run_recorder.h"
#include "dais/store/run_store.h"

namespace dais::studio {

namespace {

void registerMetaTypes() {
    static std::once_flag once;
    std::call_once(once, [] {
        qRegisterMetaType<core::RunnerState>("dais::core::RunnerState");
        qRegisterMetaType<std::shared_ptr<const NetworkStructure>>(
            "std::shared_ptr<const dais::studio::NetworkStructure>");
        qRegisterMetaType<std::shared_ptr<const core::RunnerSnapshot>>(
            "std::shared_ptr<const dais::core::RunnerSnapshot>");
        qRegisterMetaType<std::shared_ptr<const core::MetricBatch>>(
            "std::shared_ptr<const dais::core::MetricBatch>");
        qRegisterMetaType<std::shared_ptr<const TraceBatch>>(
            "std::shared_ptr<const dais::studio::TraceBatch>");
        qRegisterMetaType<std::shared_ptr<const core::RunEvents>>(
            "std::shared_ptr<const dais::core::RunEvents>");
        qRegisterMetaType<std::shared_ptr<const ActivityBatch>>(
            "std::shared_ptr<const dais::studio::ActivityBatch>");
        qRegisterMetaType<std::shared_ptr<const core::RunReport>>(
            "std::shared_ptr<const dais::core::RunReport>");
    });
}

std::uint64_t randomSeed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

bool validSpeed(double speed) {
    return speed == 0 || (speed >= 0.1 && speed <= 1000);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Session: one run. Its control thread prepares the scenario, starts the runner, waits for the
// end and finishes the stored record; the runner's worker calls the listener, observer and
// sink parts. Everything the GUI thread reads is in the outbox, behind outboxMutex_.

class RunController::Session final : public core::RunnerListener,
                                     public sim::Observer,
                                     public sim::ActivitySink {
  public:
    /// What one delivery to the GUI thread carries.
    struct Delivery {
        std::shared_ptr<const NetworkStructure> layout;  ///< set once, when prepared
        std::optional<qint64> runId;
        std::string failure;
        std::vector<std::string> warnings;
        std::vector<core::RunnerState> states;
        std::shared_ptr<const core::RunnerSnapshot> snapshot;
        std::shared_ptr<const core::MetricBatch> metrics;
        std::shared_ptr<const TraceBatch> traces;
        std::shared_ptr<const core::RunEvents> events;
        std::shared_ptr<const ActivityBatch> activity;
        std::shared_ptr<const core::RunReport> report;
        bool ended = false;  ///< the control thread has nothing left to do
    };

    Session(RunController* target, std::shared_ptr<const core::Scenario> scenario,
            const StartOptions& options, std::uint64_t seed)
        : target_(target),
          scenario_(std::move(scenario)),
          options_(options),
          seed_(seed),
          startPaused_(options.startPaused),
          speed_(options.speed),
          animate_(options.animate) {}

    ~Session() override { join(); }

    void begin() {
        thread_ = std::thread([this] { main(); });
    }
    void join() {
        if (thread_.joinable()) thread_.join();
    }
    /// No more deliveries to the controller (it is going away).
    void detach() {
        std::lock_guard lock(targetMutex_);
        target_ = nullptr;
    }

    // --- commands, from the GUI thread -------------------------------------------------------
    void stop() {
        std::lock_guard lock(controlMutex_);
        stopRequested_ = true;
        if (runner_) runner_->stop();
    }
    void pause() {
        std::lock_guard lock(controlMutex_);
        if (runner_) {
            runner_->pause();
        } else {
            startPaused_ = true;
            deferred_.clear();
        }
    }
    void resume() {
        std::lock_guard lock(controlMutex_);
        if (runner_) {
            runner_->resume();
        } else {
            startPaused_ = false;
            deferred_.clear();
        }
    }
    void step(std::uint64_t n) {
        std::lock_guard lock(controlMutex_);
        if (runner_) {
            runner_->step(n);
        } else {
            startPaused_ = true;
            deferred_.push_back([n](core::Runner& r) { r.step(n); });
        }
    }
    void runUntil(sim::SimTime t) {
        std::lock_guard lock(controlMutex_);
        if (runner_)
            runner_->runUntil(t);
        else
            deferred_.push_back([t](core::Runner& r) { r.runUntil(t); });
    }
    void setSpeed(double speed) {
        std::lock_guard lock(controlMutex_);
        speed_ = speed;
        if (runner_) runner_->setSpeed(speed);
    }
    void setAnimate(bool on) { animate_.store(on, std::memory_order_relaxed); }
    void watchTables(std::vector<std::string> names) {
        std::lock_guard lock(controlMutex_);
        watched_ = names;
        if (runner_) runner_->watchTables(std::move(names));
    }

    /// Everything produced since the previous call (GUI thread).
    Delivery take() {
        posted_.store(false, std::memory_order_release);
        Delivery d;
        std::lock_guard lock(outboxMutex_);
        d.layout = std::exchange(layout_, nullptr);
        d.runId = std::exchange(runId_, std::nullopt);
        d.failure = std::exchange(failure_, std::string());
        d.warnings.swap(warnings_);
        d.states.swap(states_);
        d.snapshot = std::exchange(snapshot_, nullptr);
        if (!points_.empty()) {
            auto batch = std::make_shared<core::MetricBatch>();
            batch->catalog = catalog_;
            batch->points.swap(points_);
            d.metrics = std::move(batch);
        }
        if (!lines_.empty() || linesDropped_ > 0) {
            auto batch = std::make_shared<TraceBatch>();
            batch->lines.swap(lines_);
            batch->dropped = std::exchange(linesDropped_, 0);
            d.traces = std::move(batch);
        }
        if (events_) d.events = std::exchange(events_, nullptr);
        if (!hops_.empty() || !changes_.empty() || hopsDropped_ > 0 || !messages_.empty() ||
            messagesDropped_ > 0) {
            auto batch = std::make_shared<ActivityBatch>();
            batch->now = now_;
            batch->hops.swap(hops_);
            batch->changes.swap(changes_);
            batch->messages.swap(messages_);
            batch->droppedHops = std::exchange(hopsDropped_, 0);
            batch->droppedMessages = std::exchange(messagesDropped_, 0);
            d.activity = std::move(batch);
            compactAt_ = kCompactChanges;
        }
        d.report = std::exchange(report_, nullptr);
        d.ended = ended_;
        return d;
    }

    // --- RunnerListener (the runner's worker thread) -----------------------------------------
    void onState(core::RunnerState state) override {
        {
            std::lock_guard lock(outboxMutex_);
            if (states_.empty() || states_.back() != state) states_.push_back(state);
            // Many steps while the GUI thread is busy: keep the first and the latest.
            if (states_.size() > 64) states_.erase(states_.begin() + 1, states_.end() - 1);
        }
        post();
    }
    void onMetrics(const std::shared_ptr<const core::MetricBatch>& batch) override {
        {
            std::lock_guard lock(outboxMutex_);
            catalog_ = batch->catalog;
            points_.insert(points_.end(), batch->points.begin(), batch->points.end());
        }
        post();
    }
    void onEvents(const std::shared_ptr<const core::RunEvents>& batch) override {
        {
            std::lock_guard lock(outboxMutex_);
            // Batches the GUI thread has not taken yet become one.
            if (!events_) {
                events_ = std::make_shared<core::RunEvents>();
                events_->catalog = batch->catalog;
                events_->nodes = batch->nodes;
                events_->limit = batch->limit;
            }
            events_->events.insert(events_->events.end(), batch->events.begin(),
                                   batch->events.end());
            events_->dropped += batch->dropped;
        }
        post();
    }
    void onSnapshot(const std::shared_ptr<const core::RunnerSnapshot>& snapshot) override {
        {
            std::lock_guard lock(outboxMutex_);
            snapshot_ = snapshot;
            now_ = std::max(now_, snapshot->now);
        }
        post();
    }

    // --- Observer (the preparing thread, then the worker) ------------------------------------
    void onTrace(const sim::TraceRecord& r) override {
        if (storeObserver_) {
            storeObserver_->onTrace(r);
        } else if (holdForStore_) {
            held_.push_back(
                TraceLine{r.time, r.node, std::string(r.category), std::string(r.text)});
        }
        std::lock_guard lock(outboxMutex_);
        if (lines_.size() < kMaxTraceLines)
            lines_.push_back(
                TraceLine{r.time, r.node, std::string(r.category), std::string(r.text)});
        else
            ++linesDropped_;
    }
    void onSample(sim::SimTime time, std::span<const sim::MetricValue> values) override {
        if (storeObserver_) storeObserver_->onSample(time, values);
    }

    // --- ActivitySink (the worker) -----------------------------------------------------------
    void onHop(sim::SimTime start, sim::SimTime arrive, sim::NodeIndex from, sim::NodeIndex to,
               sim::LinkIndex link, sim::PortId /*port*/, std::uint64_t bytes) override {
        if (!animate_.load(std::memory_order_relaxed)) return;
        std::lock_guard lock(outboxMutex_);
        if (hops_.size() < kMaxHops)
            hops_.push_back(ActivityBatch::Hop{start, arrive, from, to, link, bytes});
        else
            ++hopsDropped_;
    }
    void onMessageEnd(const sim::MessageEnd& end) override {
        std::lock_guard lock(outboxMutex_);
        if (messagesRecorded_ < kMaxRecordedMessages) {
            messages_.push_back(end);
            ++messagesRecorded_;
        } else {
            ++messagesDropped_;
        }
    }
    void onNodeUp(sim::SimTime time, sim::NodeIndex node, bool up) override {
        change(time, node, up ? ActivityBatch::NodeChange::Up : ActivityBatch::NodeChange::Down);
    }
    void onActivity(sim::SimTime time, sim::NodeIndex node, sim::NodeActivity a,
                    sim::ActivitySource source) override {
        change({time, node, ActivityBatch::NodeChange::Activity, source,
                static_cast<std::uint16_t>(a)});
    }
    void onNodeState(sim::SimTime time, sim::NodeIndex node, sim::ActivitySource source,
                     sim::NodeStateCode state) override {
        change({time, node, ActivityBatch::NodeChange::State, source, state});
    }

  private:
    void change(sim::SimTime time, std::uint32_t node, ActivityBatch::NodeChange::Kind kind) {
        change({time, node, kind, 0, 0});
    }
    void change(const ActivityBatch::NodeChange& c) {
        std::lock_guard lock(outboxMutex_);
        changes_.push_back(c);
        if (changes_.size() > compactAt_) compactChanges();
    }

    /// Keeps the latest change of every node of each kind: up/down, each layer's activity, each
    /// layer's state (outbox locked).
    void compactChanges() {
        std::unordered_set<std::uint64_t> seen;
        std::vector<ActivityBatch::NodeChange> kept;
        for (auto it = changes_.rbegin(); it != changes_.rend(); ++it) {
            using C = ActivityBatch::NodeChange;
            const std::uint64_t channel = it->kind == C::Down || it->kind == C::Up ? 0
                                          : it->kind == C::Activity
                                              ? 1 + 2 * std::uint64_t{it->source}
                                              : 2 + 2 * std::uint64_t{it->source};
            if (it->node >= nodeCount_ || !seen.insert(channel << 32 | it->node).second) continue;
            kept.push_back(*it);
        }
        std::reverse(kept.begin(), kept.end());
        changes_.swap(kept);
        compactAt_ = std::max(kCompactChanges, 2 * changes_.size());
    }

    /// Asks for one delivery on the GUI thread, unless one is already on its way.
    void post() {
        if (posted_.exchange(true, std::memory_order_acq_rel)) return;
        std::lock_guard lock(targetMutex_);
        if (target_ == nullptr) return;
        RunController* target = target_;
        QMetaObject::invokeMethod(
            target, [target, self = this] { target->deliverFrom(self); }, Qt::QueuedConnection);
    }

    /// Queues a warning; it goes out with the next delivery.
    void warn(std::string message) {
        std::lock_guard lock(outboxMutex_);
        warnings_.push_back(std::move(message));
    }

    void end(std::shared_ptr<const core::RunReport> report) {
        {
            std::lock_guard lock(outboxMutex_);
            report_ = std::move(report);
            ended_ = true;
        }
        post();
    }

    void beginStore() {
        holdForStore_ = false;
        recorder_.emplace(*options_.store);
        auto begun = recorder_->begin(*scenario_, seed_, options_.parameters, options_.until);
        if (!begun) {
            held_.clear();
            recorder_.reset();
            return warn("the run is not stored: " + begun.error().message);
        }
        storeObserver_ = recorder_->observer();
        for (const TraceLine& t : held_)
            storeObserver_->onTrace(sim::TraceRecord{t.time, t.node, t.category, t.text});
        held_.clear();
        std::lock_guard lock(outboxMutex_);
        runId_ = *begun;
    }

    /// The control thread. Running out of memory anywhere on it (the run itself reports its own)
    /// ends the run as failed, saying where.
    void main() {
        try {
            control();
        } catch (const std::bad_alloc&) {
            {
                std::lock_guard lock(outboxMutex_);
                failure_ = scenario_->sourceName + ": out of memory while " + phase_;
                states_.push_back(core::RunnerState::Failed);
            }
            end(nullptr);
        }
    }

    void control() {
        phase_ = "preparing the run";
        core::RunOptions runOptions;
        runOptions.seed = seed_;
        runOptions.until = options_.until;
        runOptions.observer = this;
        runOptions.trace = options_.trace;
        auto prepared = core::ScenarioRun::prepare(*scenario_, runOptions);
        if (!prepared) {
            {
                std::lock_guard lock(outboxMutex_);
                failure_ = prepared.error().message;
                states_.push_back(core::RunnerState::Failed);
            }
            return end(nullptr);
        }
        std::unique_ptr<core::ScenarioRun> run = std::move(prepared).value();
        phase_ = "laying out the network for the canvas";
        auto structure = std::make_shared<NetworkStructure>(NetworkStructure::of(run->network()));
        structure->layers = run->layerIds();
        for (sim::PortId p = 0; p < run->network().portCount(); ++p)
            structure->ports.emplace_back(run->network().portName(p));
        std::shared_ptr<const NetworkStructure> layout = std::move(structure);
        nodeCount_ = layout->nodes.size();
        run->network().addActivitySink(this);
        {
            std::lock_guard lock(controlMutex_);
            if (stopRequested_) {
                run.reset();
                {
                    std::lock_guard outbox(outboxMutex_);
                    states_.push_back(core::RunnerState::Stopped);
                }
                return end(nullptr);
            }
        }
        phase_ = "recording the run";
        if (options_.store) beginStore();
        holdForStore_ = false;
        phase_ = "starting the run";
        {
            std::lock_guard lock(outboxMutex_);
            layout_ = std::move(layout);
        }
        post();

        std::unique_ptr<core::Runner> runner;
        {
            std::lock_guard lock(controlMutex_);
            core::Runner::Options ro;
            ro.startPaused = startPaused_;
            runner = std::make_unique<core::Runner>(std::move(run), ro);
            runner->addListener(this);
            runner->setSpeed(speed_);
            runner->watchTables(watched_);
            runner->start();
            for (const auto& command : deferred_)
                command(*runner);
            deferred_.clear();
            if (stopRequested_) runner->stop();
            runner_ = runner.get();
        }
        runner->wait();
        std::shared_ptr<const core::RunReport> report = runner->report();
        {
            std::lock_guard lock(controlMutex_);
            runner_ = nullptr;
        }
        runner.reset();  // the simulation and its network go; nothing calls us any more
        if (recorder_ && report) {
            auto r = recorder_->finish(*report);
            if (!r) warn("the run store could not finish the run: " + r.error().message);
        }
        end(std::move(report));
    }

    // Set once, read by every thread.
    std::mutex targetMutex_;
    RunController* target_;
    const std::shared_ptr<const core::Scenario> scenario_;
    const StartOptions options_;
    const std::uint64_t seed_;
    std::thread thread_;
    std::atomic<bool> posted_{false};

    // Commands, guarded by controlMutex_.
    std::mutex controlMutex_;
    core::Runner* runner_ = nullptr;
    bool stopRequested_ = false;
    bool startPaused_;
    double speed_;
    std::vector<std::string> watched_ = options_.watchTables;
    std::vector<std::function<void(core::Runner&)>> deferred_;
    std::atomic<bool> animate_;

    // The control thread, then (once the runner starts) the worker.
    std::string phase_;  ///< what the control thread is doing, for a failure
    std::size_t nodeCount_ = 0;
    std::optional<store::RunRecorder> recorder_;
    sim::Observer* storeObserver_ = nullptr;  ///< the recorder's, once the run is recorded
    bool holdForStore_ = options_.store != nullptr;
    std::vector<TraceLine> held_;  ///< set-up traces waiting for the store's record

    // The outbox, guarded by outboxMutex_.
    std::mutex outboxMutex_;
    std::shared_ptr<const NetworkStructure> layout_;
    std::optional<qint64> runId_;
    std::string failure_;
    std::vector<std::string> warnings_;
    std::vector<core::RunnerState> states_;
    std::shared_ptr<const core::RunnerSnapshot> snapshot_;
    std::shared_ptr<const core::MetricCatalog> catalog_;
    std::vector<core::MetricPoint> points_;
    std::vector<TraceLine> lines_;
    std::uint64_t linesDropped_ = 0;
    std::shared_ptr<core::RunEvents> events_;  ///< the run's events not yet delivered
    sim::SimTime now_ = 0;
    std::vector<ActivityBatch::Hop> hops_;
    std::vector<ActivityBatch::NodeChange> changes_;
    std::uint64_t hopsDropped_ = 0;
    std::vector<sim::MessageEnd> messages_;
    std::size_t messagesRecorded_ = 0;
    std::uint64_t messagesDropped_ = 0;
    std::size_t compactAt_ = kCompactChanges;
    std::shared_ptr<const core::RunReport> report_;
    bool ended_ = false;
};

// ---------------------------------------------------------------------------------------------
// RunController

RunController::RunController(QObject* parent) : QObject(parent) {
    registerMetaTypes();
}

RunController::~RunController() {
    std::vector<std::shared_ptr<Session>> all = retiring_;
    if (current_) all.push_back(current_);
    for (const auto& s : all) {
        s->detach();
        s->stop();
    }
    for (const auto& s : all)
        s->join();
}

void RunController::start(const core::Scenario& scenario, const StartOptions& options) {
    scenario_ = std::make_shared<const core::Scenario>(scenario);
    options_ = options;
    if (!validSpeed(options_.speed)) options_.speed = 0;
    seed_ = options.seed.value_or(scenario.run.seed);
    retire();
    pendingStart_ = true;
    state_ = core::RunnerState::Ready;
    storedRunId_.reset();
    emit preparing();
    if (retiring_.empty() && pendingStart_) launch();
}

void RunController::restart(std::optional<std::uint64_t> seed) {
    if (!scenario_) return;
    StartOptions options = options_;
    options.seed = seed ? *seed : randomSeed();
    const std::shared_ptr<const core::Scenario> scenario = scenario_;
    start(*scenario, options);
}

void RunController::launch() {
    pendingStart_ = false;
    StartOptions options = options_;
    options.watchTables = watchedTables();
    current_ = std::make_shared<Session>(this, scenario_, options, seed_.value_or(0));
    current_->begin();
}

void RunController::retire() {
    if (!current_) return;
    current_->stop();
    retiring_.push_back(std::move(current_));
    current_.reset();
}

void RunController::deliverFrom(Session* raw) {
    // Find the session: it may have been retired since it asked.
    std::shared_ptr<Session> session;
    if (current_.get() == raw) session = current_;
    for (const auto& s : retiring_)
        if (s.get() == raw) session = s;
    if (!session) return;
    Session::Delivery d = session->take();
    const auto live = [&] { return current_ == session; };
    if (live()) {
        if (d.runId) storedRunId_ = d.runId;
        if (d.layout) emit prepared(d.layout);
        for (const std::string& w : d.warnings)
            if (live()) emit warning(QString::fromStdString(w));
        if (!d.failure.empty() && live()) emit failed(QString::fromStdString(d.failure));
        for (core::RunnerState s : d.states)
            if (live()) {
                state_ = s;
                emit stateChanged(s);
            }
        if (d.metrics && live()) emit metrics(d.metrics);
        if (d.traces && live()) emit traces(d.traces);
        if (d.events && live()) emit events(d.events);
        if (d.activity && live()) emit activity(d.activity);
        if (d.snapshot && live()) emit snapshot(d.snapshot);
        if (d.report && live()) emit finished(d.report);
    }
    if (!d.ended) return;
    session->join();
    if (current_ == session) {
        current_.reset();
    } else {
        retiring_.erase(std::remove(retiring_.begin(), retiring_.end(), session), retiring_.end());
        if (retiring_.empty() && pendingStart_) launch();
    }
}

bool RunController::busy() const {
    return current_ != nullptr || pendingStart_;
}

void RunController::resume() {
    if (current_) current_->resume();
}

void RunController::pause() {
    if (current_) current_->pause();
}

void RunController::step(std::uint64_t n) {
    if (current_ && n > 0) current_->step(n);
}

void RunController::runUntil(sim::SimTime t) {
    if (current_) current_->runUntil(t);
}

void RunController::stop() {
    if (current_) current_->stop();
    // A start waiting for the previous run to end is called off too.
    pendingStart_ = false;
}

void RunController::setSpeed(double speed) {
    if (!validSpeed(speed)) return;
    options_.speed = speed;
    if (current_) current_->setSpeed(speed);
}

void RunController::watchTables(std::vector<std::string> tables) {
    options_.watchTables = std::move(tables);
    if (current_) current_->watchTables(watchedTables());
}

void RunController::watchMoreTables(const QString& viewer, std::vector<std::string> tables) {
    if (tables.empty())
        viewerTables_.erase(viewer);
    else
        viewerTables_[viewer] = std::move(tables);
    if (current_) current_->watchTables(watchedTables());
}

std::vector<std::string> RunController::watchedTables() const {
    std::vector<std::string> all = options_.watchTables;
    for (const auto& [viewer, tables] : viewerTables_)
        for (const std::string& t : tables)
            if (std::find(all.begin(), all.end(), t) == all.end()) all.push_back(t);
    return all;
}

void RunController::setAnimate(bool on) {
    options_.animate = on;
    if (current_) current_->setAnimate(on);
}

}  // namespace dais::studio
