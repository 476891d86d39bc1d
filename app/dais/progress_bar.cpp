#include "progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli.h"

namespace dais::app {

namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

bool stderrIsTerminal() {
    return isatty(fileno(stderr)) != 0;
}

ProgressBar::ProgressBar(const sim::Simulation& sim, sim::SimTime horizon, bool always)
    : sim_(sim), horizon_(horizon), always_(always) {
    thread_ = std::thread([this] { loop(); });
}

ProgressBar::~ProgressBar() {
    finish();
}

void ProgressBar::finish() {
    {
        std::lock_guard lock(mutex_);
        if (done_) return;
        done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    if (always_ && !drawn_) draw(sim_.progress(), secondsSince(start_));
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

void ProgressBar::loop() {
    std::unique_lock lock(mutex_);
    // The first frame waits a little, so that short runs do not flash a bar.
    while (!wake_.wait_for(lock, std::chrono::milliseconds(drawn_ ? 100 : 400),
                           [this] { return done_; }))
        draw(sim_.progress(), secondsSince(start_));
}

void ProgressBar::draw(const sim::Simulation::Progress& p, double wall) {
    constexpr int kWidth = 30;
    char bar[kWidth + 1] = {};
    std::string head;
    if (horizon_ != sim::kTimeNever && horizon_ > 0) {
        const double f = std::min(1.0, static_cast<double>(p.now) / static_cast<double>(horizon_));
        const int filled = static_cast<int>(f * kWidth);
        for (int i = 0; i < kWidth; ++i)
            bar[i] = i < filled ? '#' : '.';
        char pct[16];
        std::snprintf(pct, sizeof pct, "%3.0f%%", f * 100);
        head = std::string("[") + bar + "] " + pct + "  " + sim::formatTime(p.now) + " of " +
               sim::formatTime(horizon_);
    } else {
        head = sim::formatTime(p.now);
    }
    const std::string rate = siNumber(wall > 0 ? static_cast<double>(p.executed) / wall : 0);
    std::fprintf(stderr, "\r\033[K%s  %s events  %s events/s", head.c_str(),
                 groupDigits(p.executed).c_str(), rate.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

}  // namespace dais::app
