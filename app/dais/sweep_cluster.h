#pragma once
// A sweep spread over the processes of an MPI job (`mpirun -n 4 dais sweep ...`): which process
// this is, and the messages that carry run results to rank 0, which writes them all. MPI is
// started only when the process was launched by mpirun; a build without MPI says so.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dais/core/result.h"

namespace dais::app {

/// True when Open MPI's mpirun started this process (OMPI_COMM_WORLD_SIZE is set).
bool startedByMpirun();

/// How many processes mpirun started on this machine (1 outside mpirun).
int localProcesses();

/// This process's place in an MPI job. Only the thread that joined calls its functions; worker
/// threads never touch MPI.
class Cluster {
  public:
    /// Starts MPI (MPI_Init_thread, funnelled). Fails if this build has no MPI support.
    static core::Result<std::unique_ptr<Cluster>> join();
    /// Ends MPI (MPI_Finalize).
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    /// This machine's name as MPI knows it.
    std::string host() const;

    /// Collective: the largest of every process's value.
    int maxOf(int value);
    /// Collective: rank 0's text, on every process.
    std::string broadcast(const std::string& text);

    /// Sends one message to rank 0 (returns once MPI holds it).
    void send(std::span<const std::uint8_t> bytes);
    /// Rank 0: the next message from any other rank, if one has arrived (`wait`: wait for one).
    std::optional<std::vector<std::uint8_t>> receive(bool wait);

    /// Ends every process of the job with `code` (after a defect: no process may hang waiting
    /// for this one).
    [[noreturn]] void abort(int code);

  private:
    Cluster() = default;
    int rank_ = 0;
    int size_ = 1;
};

}  // namespace dais::app
