#pragma once
// The inbox of a run: input that other threads (a network receiver) post while the run goes.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "dais/sim/event.h"
#include "dais/sim/wall_clock.h"

namespace dais::sim {

/// Input for a run from outside it, posted from any thread. The run's thread takes what waits
/// between events, never inside one, and schedules each input as an ordinary event of its kind
/// at the simulated time its arrival is assigned (Simulation::setPacing, PaceMapping): the
/// handler sees it like any other event, and reads the input's bytes, if any, with
/// Simulation::inputBytes. Inputs taken together run in posting order at equal times.
///
/// Bounded: at most kMaxInputs inputs holding at most kMaxBytes bytes wait at once; a post
/// beyond that is refused, not queued. Each Simulation owns one (Simulation::inbox()); it lives
/// as long as the Simulation, and posts end when the run does (Simulation::notifyRunEnd).
class Inbox {
  public:
    /// Inputs waiting to be taken, at most.
    static constexpr std::size_t kMaxInputs = 65'536;
    /// Bytes of the waiting inputs' bodies, at most (256 MiB).
    static constexpr std::size_t kMaxBytes = std::size_t{256} << 20;

    /// One input as posted.
    struct Input {
        KindId kind = 0;
        TargetId target = 0;
        std::uint64_t data = 0;
        std::uint16_t aux = 0;
        std::vector<std::byte> bytes;
        std::int64_t wallNs = 0;  ///< arrival, on the run's WallClock
    };

    /// Posts an input for `target`: an event of `kind` (a kind registered with the run) with the
    /// payload words `data` and `aux`, and optionally `bytes` (copied; the handler reads them
    /// with Simulation::inputBytes). Wakes a run that waits. Safe from any thread. False, and
    /// nothing posted, when the inbox is full (kMaxInputs inputs or kMaxBytes bytes waiting),
    /// the kind is not a registered one, or the run has ended.
    bool post(KindId kind, TargetId target, std::uint64_t data = 0, std::uint16_t aux = 0,
              std::span<const std::byte> bytes = {});
    /// Inputs waiting to be taken.
    std::size_t waiting() const;
    /// True once the run has ended: posts are refused.
    bool closed() const;

    Inbox(const Inbox&) = delete;
    Inbox& operator=(const Inbox&) = delete;

  private:
    friend class Simulation;
    using Notify = void (*)(void* self);
    Inbox(Notify notify, void* self, WallClock* clock)
        : notify_(notify), self_(self), clock_(clock) {}
    void setClock(WallClock* clock);
    void setKindCount(std::size_t n) { kinds_.store(n, std::memory_order_release); }
    void close();
    /// Moves every waiting input into `out` (emptied first), in posting order.
    void takeAll(std::vector<Input>& out);

    Notify notify_;
    void* self_;
    mutable std::mutex mutex_;  // guards what follows
    WallClock* clock_;
    std::vector<Input> waiting_;
    std::size_t bytes_ = 0;
    bool closed_ = false;
    std::atomic<std::size_t> kinds_{0};  // kinds registered; 0 (the kernel's) is never posted
};

}  // namespace dais::sim
