#include "dais/sim/ladder_queue.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "dais/sim/memory.h"

namespace dais::sim {

namespace {

// Hints that a node will be read soon. A 40-byte node may straddle two cache lines.
inline void prefetchNode(const void* p) {
    __builtin_prefetch(p);
    __builtin_prefetch(static_cast<const char*>(p) + 39);
}

}  // namespace

LadderQueue::BucketArray::~BucketArray() {
    if (data_ != nullptr) freeBlock(data_, capacity_ * sizeof(std::uint32_t), 64);
}

void LadderQueue::BucketArray::reset(std::size_t n) {
    if (n > capacity_) {
        // An eighth more than asked, so that a population that grows a little between spreads
        // does not reallocate every time.
        const std::size_t cap = n + n / 8;
        auto* fresh = static_cast<std::uint32_t*>(allocateBlock(cap * sizeof(std::uint32_t), 64));
        if (data_ != nullptr) freeBlock(data_, capacity_ * sizeof(std::uint32_t), 64);
        data_ = fresh;
        capacity_ = cap;
    }
    std::fill_n(data_, n, kNil);
}

LadderQueue::~LadderQueue() {
    for (Node* c : chunks_)
        ::operator delete(c);
}

void LadderQueue::clear() {
    used_ = 0;
    free_ = kNil;
    std::fill(std::begin(topHeads_), std::end(topHeads_), kNil);
    topCount_ = 0;
    topMin_ = kTimeNever;
    topMax_ = -kTimeNever;
    topStart_ = -kTimeNever;
    rungCount_ = 0;
    bottomEnd_ = -kTimeNever;
    bottom_.clear();
    spillAt_ = kBottomMax;
    size_ = 0;
}

void LadderQueue::reserve(std::size_t n) {
    while (capacity_ < n && capacity_ < kNil)
        addCapacity();
}

std::size_t LadderQueue::memoryBytes() const {
    std::size_t bytes = std::size_t{capacity_} * sizeof(Node) + chunks_.capacity() * sizeof(Node*) +
                        bottom_.memoryBytes();
    for (const Rung& r : rungs_)
        bytes += r.heads.capacity() * sizeof(std::uint32_t);
    return bytes;
}

// Node storage: chunk 0 grows by doubling up to kChunkNodes (so a small queue stays small);
// after that whole chunks are added and nodes never move.
void LadderQueue::addCapacity() {
    if (capacity_ >= kNil - kChunkNodes) std::abort();  // node indices are 32-bit
    if (capacity_ < kChunkNodes) {
        const std::uint32_t cap =
            capacity_ == 0 ? kFirstChunkNodes : std::min(2 * capacity_, kChunkNodes);
        Node* fresh = static_cast<Node*>(::operator new (std::size_t{cap} * sizeof(Node)));
        if (capacity_ > 0) {
            std::memcpy(static_cast<void*>(fresh), chunks_[0],
                        std::size_t{capacity_} * sizeof(Node));
            ::operator delete(chunks_[0]);
            chunks_[0] = fresh;
        } else {
            chunks_.push_back(fresh);
        }
        capacity_ = cap;
        return;
    }
    chunks_.push_back(static_cast<Node*>(::operator new (std::size_t{kChunkNodes} * sizeof(Node))));
    capacity_ += kChunkNodes;
}

// Precondition: Bottom is empty and the queue is not. Moves the next kBatchLists non-empty
// buckets of the innermost rung into Bottom (spreading Top into a new rung 0 when every rung is
// used up), and spreads an overfull Bottom over a finer rung. `spilled` is the size of a Bottom
// that the caller has just spilled (0 if none).
void LadderQueue::refill(std::size_t spilled) {
    assert(bottom_.empty() && size_ > 0);
    for (;;) {
        while (rungCount_ > 0) {
            Rung& r = rungs_[rungCount_ - 1];
            while (r.current < r.buckets && r.heads[r.current] == kNil)
                ++r.current;
            if (r.current < r.buckets) break;
            --rungCount_;
        }
        if (rungCount_ == 0) {
            spreadTop();
            if (bottom_.empty()) continue;
            break;
        }
        Rung& r = rungs_[rungCount_ - 1];
        std::uint32_t lists[kBatchLists];
        std::uint32_t n = 0;
        while (n < batchLists_ && r.current < r.buckets) {
            std::uint32_t& h = r.heads[r.current++];
            if (h != kNil) {
                lists[n++] = h;
                h = kNil;
            }
        }
        if (r.current < r.buckets) {
            r.curStart = r.start + static_cast<SimTime>(std::uint64_t{r.current} << r.shift);
            prefetchNextBatch(r);
        } else {
            --rungCount_;  // the last bucket also holds everything up to the next boundary
        }
        setBottomEnd();
        moveListsToBottom(lists, n);
        // An overfull Bottom is spread over a finer rung, as long as that makes progress: a
        // batch of that rung must come back smaller than what was spilled.
        const std::size_t bottomSize = bottom_.size();
        if (bottomSize > kBottomMax && (spilled == 0 || bottomSize < spilled) && spillBottom()) {
            spilled = bottomSize;
            continue;
        }
        break;
    }
    spillAt_ = std::max(kBottomMax, 2 * bottom_.size());
}

// Asks for the first nodes of the buckets the next batch will take (looking a few batches' worth
// of buckets ahead at most), so that its walk starts with them in the cache.
void LadderQueue::prefetchNextBatch(const Rung& r) const {
    std::uint32_t found = 0;
    const std::uint32_t end = std::min(r.buckets, r.current + 4 * batchLists_);
    for (std::uint32_t b = r.current; b < end && found < batchLists_; ++b) {
        const std::uint32_t h = r.heads[b];
        if (h != kNil) {
            prefetchNode(&node(h));
            ++found;
        }
    }
}

void LadderQueue::spreadTop() {
    assert(topCount_ > 0);
    std::uint32_t lists[kTopLists];
    std::uint32_t n = 0;
    for (std::uint32_t& h : topHeads_) {
        if (h != kNil) lists[n++] = h;
        h = kNil;
    }
    const std::uint64_t count = topCount_;
    const SimTime lo = topMin_, hi = topMax_;
    topCount_ = 0;
    topMin_ = kTimeNever;
    topMax_ = -kTimeNever;
    if (count <= kSpreadMin || lo == hi) {
        topStart_ = hi < kTimeNever ? hi + 1 : kTimeNever;
        setBottomEnd();
        moveListsToBottom(lists, n);
        return;
    }
    const std::size_t nodeBytes = std::size_t{capacity_} * sizeof(Node);
    batchLists_ = nodeBytes <= (std::size_t{1} << 20)   ? 2
                  : nodeBytes <= (std::size_t{8} << 20) ? 4
                                                        : kBatchLists;
    Rung& r = newRung(lo, hi, count);
    __extension__ using I128 = __int128;
    const I128 end = static_cast<I128>(r.start) + (static_cast<I128>(r.buckets) << r.shift);
    topStart_ = end > kTimeNever ? kTimeNever : static_cast<SimTime>(end);
    setBottomEnd();
    relinkIntoRung(r, lists, n);
}

// A new innermost rung starting at lo whose buckets (a power of two ns wide) cover [lo, hi] with
// at most about `count` buckets; its last bucket also takes anything later.
LadderQueue::Rung& LadderQueue::newRung(SimTime lo, SimTime hi, std::uint64_t count) {
    assert(rungCount_ < kMaxRungs && hi >= lo && count > 0);
    Rung& r = rungs_[rungCount_++];
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t width = span / count + 1;  // the smallest power of two >= this
    r.shift = width <= 1 ? 0u : static_cast<unsigned>(std::bit_width(width - 1));
    r.buckets = static_cast<std::uint32_t>((span >> r.shift) + 1);
    r.start = lo;
    r.curStart = lo;
    r.current = 0;
    r.heads.reset(r.buckets);
    return r;
}

// Relinks the nodes of n lists into the buckets of r, walking the lists side by side so that
// their cache misses overlap. Nodes stay where they are.
void LadderQueue::relinkIntoRung(Rung& r, std::uint32_t* lists, std::uint32_t n) {
    for (std::uint32_t j = 0; j < n; ++j)
        prefetchNode(&node(lists[j]));
    while (n > 0) {
        for (std::uint32_t j = 0; j < n;) {
            const std::uint32_t k = lists[j];
            Node& nd = node(k);
            const std::uint32_t next = nd.next;
            std::uint32_t& head = r.heads[r.bucketOf(nd.event.time)];
            nd.next = head;
            head = k;
            if (next != kNil) {
                prefetchNode(&node(next));
                lists[j++] = next;
            } else {
                lists[j] = lists[--n];
            }
        }
    }
}

void LadderQueue::moveListsToBottom(std::uint32_t* lists, std::uint32_t n) {
    while (n > 0) {
        for (std::uint32_t j = 0; j < n;) {
            const std::uint32_t k = lists[j];
            const Node& nd = node(k);
            const std::uint32_t next = nd.next;
            bottom_.push(nd.event);
            freeNode(k);
            if (next != kNil) {
                prefetchNode(&node(next));
                lists[j++] = next;
            } else {
                lists[j] = lists[--n];
            }
        }
    }
}

// Bottom holds every event before bottomEnd_. Spreads them over a new innermost rung reaching up
// to that boundary; Bottom is then empty and the caller refills it. Returns false (and leaves
// Bottom alone) when that cannot help: one time only, or no rung left.
bool LadderQueue::spillBottom() {
    SimTime lo = kTimeNever, hi = -kTimeNever;
    for (const Event& e : bottom_) {
        lo = std::min(lo, e.time);
        hi = std::max(hi, e.time);
    }
    // Fewer distinct times than a batch has buckets would come back whole in the next batch.
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span < kBatchLists || rungCount_ == kMaxRungs) {
        spillAt_ = 2 * bottom_.size();
        return false;
    }
    Rung& r = newRung(lo, hi, bottom_.size());
    for (const Event& e : bottom_)
        link(r.heads[r.bucketOf(e.time)], e);
    // Bottom keeps the memory it grew to: the next burst reuses it. Giving it back after every
    // spill and growing it again burst after burst left the allocator's heap in pieces, and a
    // run of bursts (blocks relayed every ten minutes) grew four times in memory.
    bottom_.clear();
    setBottomEnd();
    return true;
}

}  // namespace dais::sim
