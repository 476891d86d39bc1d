#pragma once
// The wall clock a paced or live run follows, and the wake-up that interrupts its waiting.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace dais::sim {

/// Wakes a run that waits for wall time or for input: the kernel signals it when input is
/// posted, when the run is asked to stop or end, and when its pacing or clock changes. A signal
/// given while nobody waits is kept for the next wait, so none is lost.
class Wakeup {
  public:
    /// Signals the waiter. Safe from any thread.
    void signal();
    /// Takes a pending signal without waiting; true if there was one.
    bool take();
    /// Waits until signalled or until the steady clock reaches `deadline`, and takes the signal;
    /// true if signalled.
    bool waitUntil(std::chrono::steady_clock::time_point deadline);
    /// Waits until signalled, and takes the signal.
    void wait();

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool signalled_ = false;
};

/// Wall-clock source for real-time pacing and for stamping input; replaceable so tests need not
/// sleep. nowNs() is called from the threads that post input too, so it must be safe from any
/// thread when a run takes input (the steady clock is).
class WallClock {
  public:
    /// "No deadline" for waitUntilNs.
    static constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
    /// Longest sleep of the default waitUntilNs, so that a signal is seen within it.
    static constexpr std::int64_t kWaitSliceNs = 20'000'000;

    virtual ~WallClock() = default;
    virtual std::int64_t nowNs() = 0;
    virtual void sleepUntilNs(std::int64_t wallNs) = 0;
    /// Waits until wall time `wallNs`, or until `wake` is signalled, and may return earlier: the
    /// caller looks at the clock and its state again. The default sleeps with sleepUntilNs for at
    /// most kWaitSliceNs unless a signal is pending; a clock that can wait on the signal itself
    /// overrides it, as the steady clock does, so that a stop or an input wakes a run at once.
    virtual void waitUntilNs(std::int64_t wallNs, Wakeup& wake);
};

/// The steady clock of the process: what a run follows unless given another.
class SteadyWallClock final : public WallClock {
  public:
    std::int64_t nowNs() override;
    void sleepUntilNs(std::int64_t wallNs) override;
    void waitUntilNs(std::int64_t wallNs, Wakeup& wake) override;
};

}  // namespace dais::sim
