#include "dais/sim/wall_clock.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace dais::sim {

void Wakeup::signal() {
    {
        std::lock_guard lock(mutex_);
        signalled_ = true;
    }
    cv_.notify_all();
}

bool Wakeup::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(signalled_, false);
}

bool Wakeup::waitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, deadline, [this] { return signalled_; });
    return std::exchange(signalled_, false);
}

void Wakeup::wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return signalled_; });
    signalled_ = false;
}

void WallClock::waitUntilNs(std::int64_t wallNs, Wakeup& wake) {
    if (wake.take()) return;
    const std::int64_t now = nowNs();
    const bool far =
        wallNs > now && static_cast<std::uint64_t>(wallNs) - static_cast<std::uint64_t>(now) >
                            static_cast<std::uint64_t>(kWaitSliceNs);
    sleepUntilNs(far ? now + kWaitSliceNs : wallNs);
}

std::int64_t SteadyWallClock::nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void SteadyWallClock::sleepUntilNs(std::int64_t wallNs) {
    std::this_thread::sleep_until(
        std::chrono::steady_clock::time_point(std::chrono::nanoseconds(wallNs)));
}

void SteadyWallClock::waitUntilNs(std::int64_t wallNs, Wakeup& wake) {
    if (wallNs == kNoDeadline)
        wake.wait();
    else
        wake.waitUntil(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(wallNs)));
}

}  // namespace dais::sim
