#include "dais/sim/ladder_queue.h"

#include <cassert>

namespace dais::sim {

void LadderQueue::clear() {
    nodes_.clear();
    free_ = kNil;
    topHead_ = kNil;
    topCount_ = 0;
    topMin_ = kTimeNever;
    topMax_ = -kTimeNever;
    topStart_ = -kTimeNever;
    rungCount_ = 0;
    bottom_.clear();
    size_ = 0;
}

std::size_t LadderQueue::memoryBytes() const {
    std::size_t bytes = nodes_.capacity() * sizeof(Node) + bottom_.memoryBytes();
    for (const Rung& r : rungs_) bytes += r.heads.capacity() * sizeof(std::uint32_t);
    return bytes;
}

// Precondition: Bottom is empty and the queue is not. Finds the earliest non-empty bucket of
// the innermost rung, splitting it into a finer rung while it is crowded, and moves it into
// Bottom; when every rung is used up, Top becomes the new rung 0.
void LadderQueue::refill() {
    assert(bottom_.empty() && size_ > 0);
    for (;;) {
        while (rungCount_ > 0) {
            Rung& r = rungs_[rungCount_ - 1];
            while (r.current < r.heads.size() && r.heads[r.current] == kNil) ++r.current;
            if (r.current < r.heads.size()) break;
            --rungCount_;
        }
        if (rungCount_ == 0) {
            spreadTopIntoRung();
            if (!bottom_.empty()) return;
            continue;
        }
        Rung& r = rungs_[rungCount_ - 1];
        const std::uint32_t b = r.current++;
        const std::uint32_t head = r.heads[b];
        r.heads[b] = kNil;
        if (listLength(head, kThreshold + 1) > kThreshold && r.width > 1 &&
            rungCount_ < kMaxRungs) {
            spreadListIntoRung(head, listLength(head, ~0u), r.start + r.width * b, r.width);
            continue;
        }
        moveListToBottom(head);
        return;
    }
}

std::uint32_t LadderQueue::listLength(std::uint32_t head, std::uint32_t limit) const {
    std::uint32_t count = 0;
    for (std::uint32_t n = head; n != kNil && count < limit; n = nodes_[n].next) ++count;
    return count;
}

void LadderQueue::spreadTopIntoRung() {
    assert(topCount_ > 0);
    const std::uint32_t head = topHead_;
    const std::uint32_t count = topCount_;
    const SimTime lo = topMin_, hi = topMax_;
    topHead_ = kNil;
    topCount_ = 0;
    topMin_ = kTimeNever;
    topMax_ = -kTimeNever;
    if (count <= kThreshold || lo == hi) {
        moveListToBottom(head);
        topStart_ = hi < kTimeNever ? hi + 1 : kTimeNever;
        return;
    }
    spreadListIntoRung(head, count, lo, hi - lo + 1);
    topStart_ = rungs_[0].end();
}

// Relinks `count` nodes (a list starting at head, all within [start, start + span)) into the
// buckets of a new innermost rung of about `count` buckets. No allocation: nodes stay put.
void LadderQueue::spreadListIntoRung(std::uint32_t head, std::uint32_t count, SimTime start,
                                     SimTime span) {
    Rung& r = rungs_[rungCount_++];
    r.start = start;
    r.width = span / count + (span % count != 0 ? 1 : 0);
    if (r.width < 1) r.width = 1;
    const SimTime buckets = (span + r.width - 1) / r.width;
    r.current = 0;
    r.heads.assign(static_cast<std::size_t>(buckets), kNil);
    for (std::uint32_t n = head; n != kNil;) {
        const std::uint32_t next = nodes_[n].next;
        const auto b = static_cast<std::size_t>((nodes_[n].event.time - start) / r.width);
        nodes_[n].next = r.heads[b];
        r.heads[b] = n;
        n = next;
    }
}

// Bottom holds every event before the innermost rung's current bucket (or before Top when there
// are no rungs). Spreads them over a new innermost rung reaching up to that boundary, then takes
// the first bucket back, so Bottom is small again.
void LadderQueue::spillBottomIntoRung() {
    const SimTime boundary = rungCount_ > 0 ? rungs_[rungCount_ - 1].currentStart() : topStart_;
    SimTime lo = kTimeNever;
    std::uint32_t head = kNil;
    for (const Event& e : bottom_) {
        lo = e.time < lo ? e.time : lo;
        linkInto(head, e);
    }
    const auto count = static_cast<std::uint32_t>(bottom_.size());
    bottom_.clear();
    spreadListIntoRung(head, count, lo, boundary - lo);
    refill();
}

void LadderQueue::moveListToBottom(std::uint32_t head) {
    for (std::uint32_t n = head; n != kNil;) {
        const std::uint32_t next = nodes_[n].next;
        bottom_.push(nodes_[n].event);
        nodes_[n].next = free_;
        free_ = n;
        n = next;
    }
}

}  // namespace dais::sim
