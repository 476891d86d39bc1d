#include "sweep_cluster.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string_view>

#ifdef DAIS_HAVE_MPI
#include <mpi.h>
#endif

namespace dais::app {

bool startedByMpirun() {
    return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr;
}

int localProcesses() {
    const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (local == nullptr) return 1;
    const int n = std::atoi(local);
    return n > 0 ? n : 1;
}

#ifdef DAIS_HAVE_MPI

namespace {
constexpr int kResultTag = 1;
}

core::Result<std::unique_ptr<Cluster>> Cluster::join() {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return core::Error{"MPI did not start"};
    std::unique_ptr<Cluster> c(new Cluster());
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size_);
    return c;
}

Cluster::~Cluster() {
    MPI_Finalize();
}

std::string Cluster::host() const {
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    return std::string(name, static_cast<std::size_t>(length));
}

int Cluster::maxOf(int value) {
    int result = value;
    MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return result;
}

std::string Cluster::broadcast(const std::string& text) {
    unsigned long long size = text.size();
    MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    std::string out = rank_ == 0 ? text : std::string(size, '\0');
    // In pieces, as MPI counts are ints.
    for (unsigned long long at = 0; at < size;) {
        const int n = static_cast<int>(std::min<unsigned long long>(size - at, INT_MAX));
        MPI_Bcast(out.data() + at, n, MPI_CHAR, 0, MPI_COMM_WORLD);
        at += static_cast<unsigned long long>(n);
    }
    return out;
}

void Cluster::send(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) abort(1);
    MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, kResultTag, MPI_COMM_WORLD);
}

std::optional<std::vector<std::uint8_t>> Cluster::receive(bool wait) {
    MPI_Status status;
    if (wait) {
        MPI_Probe(MPI_ANY_SOURCE, kResultTag, MPI_COMM_WORLD, &status);
    } else {
        int arrived = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, kResultTag, MPI_COMM_WORLD, &arrived, &status);
        if (arrived == 0) return std::nullopt;
    }
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count));
    MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, kResultTag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    return bytes;
}

void Cluster::abort(int code) {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
}

#else  // no MPI in this build: a cluster can never be joined

core::Result<std::unique_ptr<Cluster>> Cluster::join() {
    return core::Error{
        "this dais was built without MPI support, so it cannot share a sweep between the "
        "processes mpirun started (install libopenmpi-dev and rebuild, or run dais sweep "
        "without mpirun)"};
}

Cluster::~Cluster() = default;
std::string Cluster::host() const {
    return {};
}
int Cluster::maxOf(int value) {
    return value;
}
std::string Cluster::broadcast(const std::string& text) {
    return text;
}
void Cluster::send(std::span<const std::uint8_t>) {}
std::optional<std::vector<std::uint8_t>> Cluster::receive(bool) {
    return std::nullopt;
}
void Cluster::abort(int code) {
    std::_Exit(code);
}

#endif

}  // namespace dais::app
