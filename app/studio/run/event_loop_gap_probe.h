#pragma once
// How long a thread goes without turning its event loop: a timer on that thread notes the time
// between its firings. A gap much longer than the timer's interval is time the thread spent on
// something else (a long slot, a paint, a blocked call). The studio's tests and
// dais-studio-bench measure the GUI thread's stalls during runs with it.

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace dais::studio {

class EventLoopGapProbe {
  public:
    /// The time between two firings, in nanoseconds on the probe's clock.
    struct Gap {
        qint64 end = 0;      ///< when it ended
        qint64 length = 0;   ///< how long it was
        qint64 sampled = 0;  ///< how much the sample grew over it (0 without a sample)
    };

    /// A probe that fires every `intervalMs` (0: at every turn of the event loop) once started,
    /// timed on `clock` (already started). Gaps longer than `keepOverNs` are kept (all of them
    /// by default); the longest is known in any case. `sample`, when given, is read at each
    /// firing (the thread's CPU time, say) and its growth kept with each gap.
    EventLoopGapProbe(const QElapsedTimer& clock, int intervalMs, qint64 keepOverNs = -1,
                      std::function<qint64()> sample = {})
        : clock_(clock), keepOverNs_(keepOverNs), sample_(std::move(sample)) {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(intervalMs);
        QObject::connect(&timer_, &QTimer::timeout, [this] { fired(); });
    }

    void start() {
        last_ = -1;
        timer_.start();
    }
    void stop() { timer_.stop(); }
    /// Room for this many gaps up front, so that keeping them does not stall the thread.
    void reserve(std::size_t gaps) { gaps_.reserve(gaps); }
    /// The probe's timer (to name it, say, so that it can be told apart in traces).
    QTimer& timer() { return timer_; }

    const std::vector<Gap>& gaps() const { return gaps_; }
    /// The longest gap so far (0 before two firings).
    qint64 longest() const { return longest_; }

  private:
    void fired() {
        const qint64 now = clock_.nsecsElapsed();
        const qint64 sample = sample_ ? sample_() : 0;
        if (last_ >= 0) {
            const qint64 length = now - last_;
            longest_ = std::max(longest_, length);
            if (length > keepOverNs_) gaps_.push_back({now, length, sample - lastSample_});
        }
        last_ = now;
        lastSample_ = sample;
    }

    const QElapsedTimer& clock_;
    const qint64 keepOverNs_;
    std::function<qint64()> sample_;
    QTimer timer_;
    qint64 last_ = -1, lastSample_ = 0, longest_ = 0;
    std::vector<Gap> gaps_;
};

}  // namespace dais::studio
