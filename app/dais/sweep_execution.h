#pragma once
// Running the runs of a planned sweep: on this process's threads and, under mpirun, dealt out
// between the processes, rank 0 gathering every result in run order and writing it into the run
// store as it arrives.

#include <cstddef>
#include <string>
#include <vector>

#include "cli.h"
#include "dais/core/sweep.h"
#include "dais/store/sweep_recorder.h"
#include "progress_bar.h"
#include "sweep_cluster.h"

namespace dais::app {

/// What running one sweep gave.
struct SweepExecution {
    std::vector<core::SweepRunResult> results;  ///< the lead's: every run, in order, no samples
    double wallSeconds = 0;
    bool interrupted = false;
    std::string storeError;  ///< the first error writing the store

    /// How many of the results have this status.
    std::size_t count(core::SweepRunStatus status) const;
};

/// Whether this process prints: always, except the ranks other than 0 of an MPI job (which
/// print errors only, and only those that rank 0 cannot know about).
bool isLead();

/// The cores this process may run on (its CPU affinity), shared with the other processes
/// mpirun started on this machine.
unsigned defaultJobs();

/// Reports a defect and ends the process; under MPI, every process of the job (none may wait
/// for this one).
[[noreturn]] void defect(Cluster* cluster, const std::string& message);

/// Runs this process's share of the plan's runs, `jobs` at a time. Rank 0 (or the only
/// process) gathers every result, records it with `recorder` (when given) and draws `bar`;
/// the other ranks send theirs to rank 0 and return an empty execution. `interrupt` (when
/// given) cancels the runs not yet started.
SweepExecution executeSweep(const core::SweepPlan& plan, unsigned jobs, bool recordSamples,
                            Cluster* cluster, store::SweepRecorder* recorder, SweepProgressBar* bar,
                            const InterruptWatch* interrupt);

}  // namespace dais::app
