// Running the runs of a planned sweep, on threads and over the processes of an MPI job
// (sweep_execution.h).
#include "sweep_execution.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

namespace dais::app {

using core::SweepRunStatus;

std::size_t SweepExecution::count(SweepRunStatus status) const {
    return static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(),
                      [status](const core::SweepRunResult& r) { return r.status == status; }));
}

bool isLead() {
    if (!startedByMpirun()) return true;
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    return rank == nullptr || std::string_view(rank) == "0";
}

unsigned defaultJobs() {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        unsigned allowed = 0;
        for (int c = 0; c < CPU_SETSIZE; ++c)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
            allowed += CPU_ISSET(c, &set) ? 1 : 0;
#pragma GCC diagnostic pop
        if (allowed > 0) cores = std::min(cores, allowed);
    }
    if (startedByMpirun())
        cores = std::min(cores, std::max(1u, std::max(1u, std::thread::hardware_concurrency()) /
                                                 static_cast<unsigned>(localProcesses())));
    return std::max(1u, cores);
}

[[noreturn]] void defect(Cluster* cluster, const std::string& message) {
    printError("internal error: " + message);
    if (cluster != nullptr) cluster->abort(kExitFailure);
    std::exit(kExitFailure);
}

SweepExecution executeSweep(const core::SweepPlan& plan, unsigned jobs, bool recordSamples,
                            Cluster* cluster, store::SweepRecorder* recorder, SweepProgressBar* bar,
                            const InterruptWatch* interrupt) {
    const auto start = std::chrono::steady_clock::now();
    const std::size_t size = cluster != nullptr ? static_cast<std::size_t>(cluster->size()) : 1;
    const std::size_t rank = cluster != nullptr ? static_cast<std::size_t>(cluster->rank()) : 0;
    core::SweepOptions options;
    options.jobs = jobs;
    options.recordSamples = recordSamples;
    // Runs are dealt out in turn, so expensive points (high load, long horizons) spread evenly.
    std::vector<std::size_t> mine;
    for (std::size_t i = rank; i < plan.runs.size(); i += size)
        mine.push_back(i);
    options.runs = mine;
    SweepExecution out;
    std::optional<core::SweepExecutor> executor;
    if (!mine.empty()) executor.emplace(plan, options);

    if (rank != 0) {  // the other ranks send everything to rank 0 as it finishes
        while (std::optional<core::SweepRunResult> r = executor ? executor->next() : std::nullopt)
            cluster->send(core::encodeRunResult(*r));
        return out;
    }

    core::ResultSequencer sequencer(plan.runs.size());
    std::size_t finished = 0, failed = 0;
    auto arrived = [&](core::SweepRunResult&& r) {
        ++finished;
        if (r.status == SweepRunStatus::Failed) ++failed;
        sequencer.push(std::move(r));
    };
    const auto poll = std::chrono::milliseconds(cluster != nullptr ? 2 : 50);
    while (!sequencer.done()) {
        const bool localDone = !executor || executor->done();
        if (!localDone)
            if (std::optional<core::SweepRunResult> r = executor->next(poll))
                arrived(std::move(*r));
        if (cluster != nullptr) {
            // With nothing left to run here, wait for the other ranks instead of polling.
            while (std::optional<std::vector<std::uint8_t>> bytes = cluster->receive(localDone)) {
                core::Result<core::SweepRunResult> r = core::decodeRunResult(*bytes);
                if (!r.ok()) defect(cluster, r.error().message);
                arrived(std::move(r.value()));
                if (localDone) break;
            }
        } else if (localDone && !sequencer.done()) {
            defect(cluster, "the sweep ended with runs missing");
        }
        if (interrupt != nullptr && interrupt->requested() && executor && !executor->cancelled()) {
            executor->cancel();
            out.interrupted = true;
        }
        while (std::optional<core::SweepRunResult> r = sequencer.pop()) {
            if (recorder != nullptr && out.storeError.empty())
                if (core::Result<void> stored = recorder->record(plan, *r); !stored.ok())
                    out.storeError = stored.error().message;
            r->samples = {};  // stored; the summary needs only the final figures
            out.results.push_back(std::move(*r));
        }
        if (bar != nullptr) bar->update(finished, plan.runs.size(), failed);
    }
    out.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace dais::app
