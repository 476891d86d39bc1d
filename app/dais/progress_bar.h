#pragma once
// The progress bar of `dais run`: one line on stderr, redrawn from its own thread while the
// run goes on.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "dais/sim/simulation.h"
#include "dais/sim/time.h"

namespace dais::app {

/// Whether stderr is a terminal (where a bar is drawn unless asked otherwise).
bool stderrIsTerminal();

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

}  // namespace dais::app
