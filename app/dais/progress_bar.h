#pragma once
// The progress bars of `dais run` and `dais sweep`: one line on stderr, redrawn while the work
// goes on ("[#########.....................]  30%  ..."). A short task shows none on a
// terminal; asked for explicitly, a bar draws at least its final frame, so a log records it.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "dais/sim/simulation.h"
#include "dais/sim/time.h"

namespace dais::app {

/// Whether stderr is a terminal (where a bar is drawn unless asked otherwise).
bool stderrIsTerminal();

/// "[#########.....................]  30%": a bar 30 characters wide for a fraction from 0 to 1.
std::string barAndPercent(double fraction);

/// Draws a one-line progress bar on stderr from another thread while the run goes on. On a
/// terminal a short run shows none; asked for explicitly (`always`), the bar draws at least
/// its final frame, so a log records how the run went.
class ProgressBar {
  public:
    /// `sim` must outlive the bar; `horizon` kTimeNever: no end to measure against.
    ProgressBar(const sim::Simulation& sim, sim::SimTime horizon, bool always);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Stops drawing and clears the line; the destructor does it when not called.
    void finish();

  private:
    void loop();
    void draw(const sim::Simulation::Progress& p, double wall);

    const sim::Simulation& sim_;
    sim::SimTime horizon_;
    bool always_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    bool drawn_ = false;
    std::thread thread_;
};

/// The bar of `dais sweep`: "[#####.....]  12/36 runs  1 failed  3.2 s", redrawn from the
/// sweep's own loop (no thread of its own).
class SweepProgressBar {
  public:
    /// `enabled`: draw at all; `always`: draw at least the final frame.
    SweepProgressBar(bool enabled, bool always) : enabled_(enabled), always_(always) {}
    ~SweepProgressBar() { finish(); }
    SweepProgressBar(const SweepProgressBar&) = delete;
    SweepProgressBar& operator=(const SweepProgressBar&) = delete;

    /// Records how far the sweep is; redraws when the last frame is old enough.
    void update(std::size_t finished, std::size_t total, std::size_t failed);
    /// Stops drawing and clears the line; the destructor does it when not called.
    void finish();

  private:
    void draw(std::chrono::steady_clock::time_point now);

    bool enabled_, always_;
    bool drawn_ = false, finished_ = false;
    std::size_t done_ = 0, total_ = 0, failed_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_;
};

}  // namespace dais::app
