#pragma once
// A ladder queue (Tang, Goh and Thng, "Ladder Queue: An O(1) Priority Queue Structure for
// Large-Scale Discrete Event Simulation", ACM TOMACS 15(3), 2005), with a small heap as its
// bottom rung so that buckets of equal timestamps need no special case.

#include <cstdint>
#include <string_view>
#include <vector>

#include "dais/sim/event_queue.h"
#include "dais/sim/heap_queue.h"

namespace dais::sim {

/// Events far in the future wait unsorted in Top. When the near future is exhausted, Top is
/// spread over the buckets of rung 0, whose width is sized from the live population
/// ((max - min) / count), so a bucket holds about one event whatever the population. The
/// next non-empty bucket moves into Bottom (a heap); a bucket holding more than kThreshold
/// events is first spread over a finer rung. Insertion touches one bucket and dequeueing walks
/// buckets in time order, so the cost per event does not grow with the population and the
/// memory walk is mostly sequential.
class LadderQueue {
public:
    static constexpr std::uint32_t kThreshold = 48;  ///< events per bucket before a finer rung
    static constexpr std::size_t kMaxRungs = 8;
    /// Bottom size beyond which its events are spread over a new rung, so that a burst of
    /// near-future events does not turn the queue into one big heap.
    static constexpr std::size_t kBottomMax = 4096;

    static std::string_view name() { return "ladder queue"; }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    /// Requires !empty(). Bottom is never empty while the queue is not (see refill()).
    const Event& top() const { return bottom_.top(); }

    void push(const Event& e) {
        ++size_;
        place(e);
        if (bottom_.empty()) refill();
    }
    void pop() {
        bottom_.pop();
        if (--size_ > 0 && bottom_.empty()) refill();
    }
    void replaceTop(const Event& e) {
        pop();
        push(e);
    }
    void clear();
    void reserve(std::size_t n) { nodes_.reserve(n); }
    std::size_t memoryBytes() const;

private:
    static constexpr std::uint32_t kNil = 0xffffffffu;
    struct Node {
        Event event;
        std::uint32_t next;
    };
    struct Rung {
        SimTime start = 0;         ///< time of bucket 0
        SimTime width = 1;         ///< ns per bucket, >= 1
        std::uint32_t current = 0; ///< next bucket to take; earlier ones are consumed
        std::vector<std::uint32_t> heads;  ///< per bucket: first node or kNil
        SimTime currentStart() const { return start + width * current; }
        /// First time after the rung, saturated (a rung may reach the end of time).
        SimTime end() const {
            SimTime span, sum;
            if (__builtin_mul_overflow(width, static_cast<SimTime>(heads.size()), &span) ||
                __builtin_add_overflow(start, span, &sum))
                return kTimeNever;
            return sum;
        }
    };

    /// Puts an event where it belongs: Top, the outermost rung whose unconsumed range holds
    /// it, or Bottom.
    void place(const Event& e) {
        if (e.time >= topStart_) {
            linkInto(topHead_, e);
            ++topCount_;
            if (e.time < topMin_) topMin_ = e.time;
            if (e.time > topMax_) topMax_ = e.time;
            return;
        }
        for (std::size_t i = 0; i < rungCount_; ++i) {
            Rung& r = rungs_[i];
            if (e.time >= r.currentStart()) {
                const auto b = static_cast<std::size_t>((e.time - r.start) / r.width);
                linkInto(r.heads[b], e);
                return;
            }
        }
        bottom_.push(e);
        if (bottom_.size() > kBottomMax && rungCount_ < kMaxRungs) spillBottomIntoRung();
    }
    void linkInto(std::uint32_t& head, const Event& e) {
        std::uint32_t n;
        if (free_ != kNil) {
            n = free_;
            free_ = nodes_[n].next;
            nodes_[n] = Node{e, head};
        } else {
            n = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{e, head});
        }
        head = n;
    }
    void refill();
    void spreadTopIntoRung();
    void spreadListIntoRung(std::uint32_t head, std::uint32_t count, SimTime start, SimTime span);
    void moveListToBottom(std::uint32_t head);
    void spillBottomIntoRung();
    std::uint32_t listLength(std::uint32_t head, std::uint32_t limit) const;

    std::vector<Node> nodes_;
    std::uint32_t free_ = kNil;
    std::uint32_t topHead_ = kNil;
    std::uint32_t topCount_ = 0;
    SimTime topMin_ = kTimeNever, topMax_ = -kTimeNever;
    SimTime topStart_ = -kTimeNever;  ///< events at or after this go to Top
    Rung rungs_[kMaxRungs];
    std::size_t rungCount_ = 0;
    DaryHeap<4> bottom_;
    std::size_t size_ = 0;
};
static_assert(EventQueue<LadderQueue>);

}  // namespace dais::sim
