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

std::string barAndPercent(double fraction) {
    constexpr int kWidth = 30;
    const double f = std::clamp(fraction, 0.0, 1.0);
    std::string bar(kWidth, '.');
    bar.replace(0, static_cast<std::size_t>(f * kWidth), static_cast<std::size_t>(f * kWidth), '#');
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%%", f * 100);
    return "[" + bar + "] " + pct;
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
    std::string head;
    if (horizon_ != sim::kTimeNever && horizon_ > 0) {
        head = barAndPercent(static_cast<double>(p.now) / static_cast<double>(horizon_)) + "  " +
               sim::formatTime(p.now) + " of " + sim::formatTime(horizon_);
    } else {
        head = sim::formatTime(p.now);
    }
    const std::string rate = siNumber(wall > 0 ? static_cast<double>(p.executed) / wall : 0);
    std::fprintf(stderr, "\r\033[K%s  %s events  %s events/s", head.c_str(),
                 groupDigits(p.executed).c_str(), rate.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void SweepProgressBar::update(std::size_t finished, std::size_t total, std::size_t failed) {
    done_ = finished;
    total_ = total;
    failed_ = failed;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const auto due =
        drawn_ ? last_ + std::chrono::milliseconds(100) : start_ + std::chrono::milliseconds(400);
    if (now >= due) draw(now);
}

void SweepProgressBar::finish() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    if (always_ && !drawn_) draw(std::chrono::steady_clock::now());
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

void SweepProgressBar::draw(std::chrono::steady_clock::time_point now) {
    const double f = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    const double wall = std::chrono::duration<double>(now - start_).count();
    const std::string failed = failed_ == 0 ? "" : "  " + groupDigits(failed_) + " failed";
    std::fprintf(stderr, "\r\033[K%s  %s/%s runs%s  %.1f s", barAndPercent(f).c_str(),
                 groupDigits(done_).c_str(), groupDigits(total_).c_str(), failed.c_str(), wall);
    std::fflush(stderr);
    drawn_ = true;
    last_ = now;
}

}  // namespace dais::app
