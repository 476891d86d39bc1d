// The writer thread: the queue of rows and tasks, and the batches it commits.
#include "dais/store/run_store.h"

#include <algorithm>

#include "schema_apply.h"
#include "sqlite_util.h"
#include "store_impl.h"

namespace dais::store {

using detail::SampleRow;
using detail::Stmt;
using detail::TraceRow;

RunStore::Impl::~Impl() {
    if (thread.joinable()) {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        wake.notify_all();
        space.notify_all();
        thread.join();
    }
    // Statements go before their connection.
    insertSample = Stmt();
    insertTrace = Stmt();
    insertMetric = Stmt();
    updateProgress = Stmt();
}

void RunStore::Impl::push(Other op, bool urgent) {
    std::unique_lock lock(mutex);
    while (queuedRows >= options.maxQueuedRows && !stopping)
        space.wait(lock);
    const bool wasEmpty = queue.empty();
    if (wasEmpty) oldest = std::chrono::steady_clock::now();
    const bool row = std::holds_alternative<TraceRow>(op);
    queue.others.emplace_back(queue.samples.size(), std::move(op));
    if (row) ++queuedRows;  // tasks do not count towards a batch's rows
    if (urgent) ++waiting;
    const bool notify = wasEmpty || urgent || queuedRows == options.commitRows;
    lock.unlock();
    if (notify) wake.notify_one();
}

void RunStore::Impl::pushRows(std::vector<SampleRow>& rows) {
    std::unique_lock lock(mutex);
    while (queuedRows >= options.maxQueuedRows && !stopping)
        space.wait(lock);
    const bool wasEmpty = queue.empty();
    if (wasEmpty) oldest = std::chrono::steady_clock::now();
    const std::size_t before = queuedRows;
    queue.samples.insert(queue.samples.end(), rows.begin(), rows.end());
    queuedRows += rows.size();
    const bool notify =
        wasEmpty || (before < options.commitRows && queuedRows >= options.commitRows);
    lock.unlock();
    if (notify) wake.notify_one();
}

void RunStore::Impl::pushProgress(RunId run, const RunProgress& progress) {
    std::unique_lock lock(mutex);
    const bool wasEmpty = queue.empty();
    if (wasEmpty) oldest = std::chrono::steady_clock::now();
    auto& queued = queue.progress;
    const auto it = std::find_if(queued.begin(), queued.end(),
                                 [run](const auto& entry) { return entry.first == run; });
    if (it != queued.end())
        it->second = progress;
    else
        queued.emplace_back(run, progress);
    lock.unlock();
    if (wasEmpty) wake.notify_one();
}

core::Result<void> RunStore::Impl::runTask(std::function<core::Result<void>(Impl&)> fn) {
    if (readOnly) return error("opened read-only; this needs a store opened for writing");
    auto task = std::make_shared<Task>();
    task->run = std::move(fn);
    task->wait = true;
    push(task, true);
    std::unique_lock lock(task->mutex);
    task->cv.wait(lock, [&] { return task->done; });
    return std::move(task->result);
}

void RunStore::Impl::postTask(std::function<core::Result<void>(Impl&)> fn) {
    if (readOnly) return;
    auto task = std::make_shared<Task>();
    task->run = std::move(fn);
    push(std::move(task), false);
}

void RunStore::Impl::writerLoop() {
    Batch batch;
    std::unique_lock lock(mutex);
    for (;;) {
        while (!stopping && waiting == 0 && queuedRows < options.commitRows) {
            if (queue.empty()) {
                wake.wait(lock);
            } else if (wake.wait_until(lock, oldest + options.commitInterval) ==
                       std::cv_status::timeout) {
                break;
            }
        }
        if (queue.empty()) {
            if (stopping) return;
            continue;
        }
        std::swap(batch, queue);
        queuedRows = 0;
        waiting = 0;
        lock.unlock();
        space.notify_all();
        commit(batch);
        batch.clear();
        lock.lock();
    }
}

int RunStore::Impl::writeSample(const SampleRow& r) {
    Stmt& s = insertSample;
    s.bind(1, r.key);
    s.bind(2, static_cast<std::int64_t>(r.metric));
    s.bind(3, r.t);
    s.bind(4, r.value);
    if (r.distribution) {
        s.bind(5, static_cast<std::int64_t>(r.count));
        s.bind(6, r.p50);
        s.bind(7, r.p95);
        s.bind(8, r.p99);
    } else {
        s.bindNull(5);
        s.bindNull(6);
        s.bindNull(7);
        s.bindNull(8);
    }
    const int rc = s.step();
    s.reset();
    return rc;
}

int RunStore::Impl::writeTrace(const TraceRow& r) {
    Stmt& s = insertTrace;
    s.bind(1, r.key);
    s.bind(2, r.t);
    s.bind(3, static_cast<std::int64_t>(r.node));
    s.bindStatic(4, r.category);
    s.bindStatic(5, r.text);
    const int rc = s.step();
    s.reset();
    return rc;
}

int RunStore::Impl::writeProgress(RunId run, const RunProgress& p) {
    Stmt& s = updateProgress;
    s.bind(1, static_cast<std::int64_t>(p.events));
    s.bind(2, p.simulatedTime);
    s.bind(3, p.wallSeconds);
    s.bind(4, run);
    const int rc = s.step();
    s.reset();
    return rc;
}

void RunStore::Impl::commit(Batch& batch) {
    txError.clear();
    // Another process writing to the same store holds the lock for a transaction at a
    // time; each attempt waits up to the busy timeout (10 s) before the rows are given up.
    core::Result<void> begun;
    for (int attempt = 0; attempt < 6; ++attempt) {
        begun = detail::execSql(writeDb.get(), "BEGIN IMMEDIATE");
        if (begun || (sqlite3_errcode(writeDb.get()) & 0xff) != SQLITE_BUSY) break;
    }
    bool ok = begun.ok();
    if (!ok) txError = begun.error().message;
    int rc = SQLITE_OK;
    std::size_t next = 0;  // the next sample to write
    auto samplesUpTo = [&](std::size_t end) {
        for (; ok && next < end; ++next)
            if (rc = writeSample(batch.samples[next]); rc != SQLITE_DONE) ok = false, fail(rc);
    };
    for (const auto& [run, progress] : batch.progress)
        if (ok && (rc = writeProgress(run, progress)) != SQLITE_DONE) ok = false, fail(rc);
    std::uint64_t rows = batch.samples.size();
    for (auto& [before, op] : batch.others) {
        samplesUpTo(before);
        if (!ok) break;
        if (const auto* t = std::get_if<TraceRow>(&op)) {
            ++rows;
            if (rc = writeTrace(*t); rc != SQLITE_DONE) ok = false, fail(rc);
        } else {
            auto& task = *std::get<std::shared_ptr<Task>>(op);
            task.result = task.run(*this);
            if (!txError.empty()) ok = false;
        }
    }
    samplesUpTo(batch.samples.size());
    if (ok) {
        if (auto committed = detail::execSql(writeDb.get(), "COMMIT"); !committed)
            ok = false, txError = committed.error().message;
    }
    if (ok) {
        commits.fetch_add(1, std::memory_order_relaxed);
        committedRows.fetch_add(rows, std::memory_order_relaxed);
    } else {
        if (sqlite3_get_autocommit(writeDb.get()) == 0)
            (void)detail::execSql(writeDb.get(), "ROLLBACK");
        const std::string message = path + ": could not write to the run store (" + txError +
                                    "); the last " + std::to_string(batch.size()) +
                                    " writes are lost";
        std::lock_guard lock(mutex);
        if (writeError.empty()) writeError = message;
    }
    for (auto& [before, op] : batch.others) {
        auto* task = std::get_if<std::shared_ptr<Task>>(&op);
        if (task == nullptr || !(*task)->wait) continue;
        std::lock_guard lock((*task)->mutex);
        if (!ok) (*task)->result = core::Error{writeErrorCopy()};
        (*task)->done = true;
        (*task)->cv.notify_all();
    }
}

std::string RunStore::Impl::writeErrorCopy() {
    std::lock_guard lock(mutex);
    return writeError;
}

}  // namespace dais::store
