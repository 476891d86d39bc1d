// The sweep executor: a pool of worker threads that each build and run whole scenarios.

#include <algorithm>
#include <new>
#include <numeric>

#include "dais/core/scenario.h"
#include "dais/core/sweep.h"
#include "dais/sim/observer.h"

namespace dais::core {
namespace {

/// Keeps a run's metric samples in memory.
class SampleRecorder : public sim::Observer {
  public:
    explicit SampleRecorder(RecordedSamples& out) : out_(out) {}
    void onSample(sim::SimTime time, std::span<const sim::MetricValue> values) override {
        // readAll() lists metrics by id, so column i is always metric i; metrics defined during
        // the run only add columns.
        while (out_.metrics.size() < values.size())
            out_.metrics.push_back(*values[out_.metrics.size()].info);
        RecordedSamples::Row row{time, {values.begin(), values.end()}};
        for (sim::MetricValue& v : row.values)
            v.info = nullptr;
        out_.rows.push_back(std::move(row));
    }

  private:
    RecordedSamples& out_;
};

}  // namespace

std::vector<sim::MetricValue> RecordedSamples::valuesOf(std::size_t i) const {
    std::vector<sim::MetricValue> values = rows.at(i).values;
    for (std::size_t k = 0; k < values.size() && k < metrics.size(); ++k)
        values[k].info = &metrics[k];
    values.resize(std::min(values.size(), metrics.size()));
    return values;
}

std::string_view sweepRunStatusName(SweepRunStatus s) {
    switch (s) {
        case SweepRunStatus::Completed:
            return "completed";
        case SweepRunStatus::Failed:
            return "failed";
        case SweepRunStatus::Cancelled:
            return "cancelled";
    }
    return "unknown";
}

// ---- SweepExecutor --------------------------------------------------------------------------

SweepExecutor::SweepExecutor(const SweepPlan& plan, SweepOptions options)
    : plan_(plan), options_(std::move(options)) {
    if (!options_.runs) {
        order_.resize(plan_.runs.size());
        std::iota(order_.begin(), order_.end(), std::size_t{0});
    } else {
        for (std::size_t i : *options_.runs)
            if (i < plan_.runs.size()) order_.push_back(i);
    }
    const unsigned jobs = std::max(1u, options_.jobs);
    const std::size_t workers =
        std::min<std::size_t>(jobs, std::max<std::size_t>(order_.size(), 1));
    active_.assign(workers, nullptr);
    workers_.reserve(workers);
    std::string failure;
    for (std::size_t w = 0; w < workers; ++w) {
        try {
            workers_.emplace_back([this, w] { work(w); });
        } catch (const std::exception& e) {  // the system refused another thread
            failure = e.what();
            break;
        }
    }
    if (!workers_.empty()) return;  // fewer workers than asked still run every run
    // Not even one thread: every run is reported failed rather than never.
    for (std::size_t k = nextRun_.exchange(order_.size()); k < order_.size(); ++k) {
        SweepRunResult r;
        const SweepRunSpec& spec = plan_.runs[order_[k]];
        r.index = spec.index;
        r.point = spec.point;
        r.replicate = spec.replicate;
        r.seed = spec.seed;
        r.status = SweepRunStatus::Failed;
        r.error = "cannot start a worker thread: " + failure;
        results_.push_back(std::move(r));
        failed_.fetch_add(1);
        finished_.fetch_add(1);
    }
}

SweepExecutor::~SweepExecutor() {
    cancel();
    for (std::thread& t : workers_)
        t.join();
}

void SweepExecutor::work(std::size_t worker) {
    while (true) {
        const std::size_t k = nextRun_.fetch_add(1);
        if (k >= order_.size()) return;
        SweepRunResult result = runOne(plan_.runs[order_[k]], worker);
        if (result.status == SweepRunStatus::Failed) failed_.fetch_add(1);
        {
            std::lock_guard lock(mutex_);
            results_.push_back(std::move(result));
            finished_.fetch_add(1);
        }
        ready_.notify_all();
    }
}

SweepRunResult SweepExecutor::runOne(const SweepRunSpec& spec, std::size_t worker) {
    SweepRunResult r;
    r.index = spec.index;
    r.point = spec.point;
    r.replicate = spec.replicate;
    r.seed = spec.seed;
    auto cancelled = [&r] {
        r.status = SweepRunStatus::Cancelled;
        r.error = "cancelled";
        r.report = {};
        r.samples = {};
        return r;
    };
    if (cancel_.load()) return cancelled();
    try {
        Result<Scenario> scenario = loadScenarioText(plan_.scenarioText, plan_.sourceName,
                                                     plan_.overridesOf(spec), plan_.layers);
        if (!scenario.ok()) {
            r.status = SweepRunStatus::Failed;
            r.error = scenario.error().message;
            return r;
        }
        SampleRecorder recorder(r.samples);
        RunOptions options;
        options.seed = spec.seed;
        options.finalTables = false;  // a sweep keeps its runs' metrics, not their tables
        options.events = false;       // nor their events
        if (options_.recordSamples) options.observer = &recorder;
        auto run = ScenarioRun::prepare(*scenario, options);
        if (!run.ok()) {
            r.status = SweepRunStatus::Failed;
            r.error = run.error().message;
            return r;
        }
        {
            std::lock_guard lock(mutex_);
            if (cancel_.load()) return cancelled();
            active_[worker] = run->get();
        }
        struct Deactivate {
            SweepExecutor& self;
            std::size_t worker;
            ~Deactivate() {
                std::lock_guard lock(self.mutex_);
                self.active_[worker] = nullptr;
            }
        } deactivate{*this, worker};
        r.report = (*run)->run();
        if (r.report.status == RunStatus::Failed) {
            r.status = SweepRunStatus::Failed;
            r.error = r.report.error;
            return r;
        }
        if (r.report.status == RunStatus::Stopped && cancel_.load()) {
            // Stopped mid-way: what it did until then stays with the result.
            r.status = SweepRunStatus::Cancelled;
            r.error = "cancelled";
            return r;
        }
        r.status = SweepRunStatus::Completed;
        return r;
    } catch (const std::bad_alloc&) {
        // The run and its samples are gone with the exception: what is left is the fact.
        r.status = SweepRunStatus::Failed;
        r.error = plan_.sourceName + ": out of memory while running run " +
                  std::to_string(spec.index + 1) + " (seed " + std::to_string(spec.seed) + ")";
        r.report = {};
        r.samples = {};
        return r;
    } catch (const std::exception& e) {
        r.status = SweepRunStatus::Failed;
        r.error = plan_.sourceName + ": internal error in the run: " + e.what();
        r.report = {};
        r.samples = {};
        return r;
    }
}

std::optional<SweepRunResult> SweepExecutor::next() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !results_.empty() || handedOut_ == order_.size(); });
    if (results_.empty()) return std::nullopt;
    SweepRunResult r = std::move(results_.front());
    results_.pop_front();
    ++handedOut_;
    return r;
}

std::optional<SweepRunResult> SweepExecutor::next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout,
                    [this] { return !results_.empty() || handedOut_ == order_.size(); });
    if (results_.empty()) return std::nullopt;
    SweepRunResult r = std::move(results_.front());
    results_.pop_front();
    ++handedOut_;
    return r;
}

bool SweepExecutor::done() const {
    std::lock_guard lock(mutex_);
    return handedOut_ == order_.size();
}

void SweepExecutor::cancel() {
    std::lock_guard lock(mutex_);
    cancel_.store(true);
    for (ScenarioRun* run : active_)
        if (run != nullptr) run->simulation().stop();
}

SweepProgress SweepExecutor::progress() const {
    return {order_.size(), finished_.load(), failed_.load(), cancel_.load()};
}

// ---- ResultSequencer ------------------------------------------------------------------------

ResultSequencer::ResultSequencer(std::vector<std::size_t> indices) : order_(std::move(indices)) {}

ResultSequencer::ResultSequencer(std::size_t count) : order_(count) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
}

void ResultSequencer::push(SweepRunResult result) {
    const std::size_t index = result.index;
    waiting_.insert_or_assign(index, std::move(result));
}

std::optional<SweepRunResult> ResultSequencer::pop() {
    if (position_ == order_.size()) return std::nullopt;
    const auto it = waiting_.find(order_[position_]);
    if (it == waiting_.end()) return std::nullopt;
    SweepRunResult r = std::move(it->second);
    waiting_.erase(it);
    ++position_;
    return r;
}

// ---- runSweep -------------------------------------------------------------------------------

void runSweep(const SweepPlan& plan, const SweepOptions& options,
              const std::function<void(SweepRunResult&&)>& sink, const std::atomic<bool>* cancel,
              const std::function<void(const SweepProgress&)>& onProgress) {
    std::vector<std::size_t> order;
    if (options.runs) {
        order = *options.runs;
    } else {
        order.resize(plan.runs.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
    }
    std::sort(order.begin(), order.end());
    order.erase(std::remove_if(order.begin(), order.end(),
                               [&](std::size_t i) { return i >= plan.runs.size(); }),
                order.end());
    ResultSequencer sequencer(order);
    SweepExecutor executor(plan, options);
    constexpr std::chrono::milliseconds kPoll{50};
    while (!executor.done()) {
        std::optional<SweepRunResult> r =
            cancel != nullptr ? executor.next(kPoll) : executor.next();
        if (cancel != nullptr && cancel->load() && !executor.cancelled()) executor.cancel();
        if (!r) continue;
        sequencer.push(std::move(*r));
        if (onProgress) onProgress(executor.progress());
        while (std::optional<SweepRunResult> inOrder = sequencer.pop())
            sink(std::move(*inOrder));
    }
}

}  // namespace dais::core
