#pragma once
// A ladder queue (Tang, Goh and Thng, "Ladder Queue: An O(1) Priority Queue Structure for
// Large-Scale Discrete Event Simulation", ACM TOMACS 15(3), 2005), with a small heap as its
// bottom rung so that buckets of equal timestamps need no special case, and with its linked
// lists walked several at a time so that their cache misses overlap.

#include <bit>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dais/sim/event_queue.h"
#include "dais/sim/heap_queue.h"

namespace dais::sim {

/// Events far in the future wait unsorted in Top. When the near future is exhausted, Top is
/// spread over the buckets of rung 0, whose width is sized from the live population (a power of
/// two near (max - min) / count), so a bucket holds about one event whatever the population.
/// The next few non-empty buckets move into Bottom (a heap), which serves top() and pop();
/// a Bottom that grows past kBottomMax is spread over a finer rung. Insertion touches one
/// bucket and dequeueing walks buckets in time order, so the cost per event does not grow with
/// the population.
///
/// The cost that remains is memory latency: an event's node is written at insertion and read
/// again when its bucket comes due, long after it has left the cache. Buckets are therefore
/// moved kBatchLists at a time, their lists walked side by side, and the first nodes of the
/// next batch are prefetched, so the misses overlap instead of queuing behind one another.
///
/// How many buckets a batch takes depends on where the nodes live: when they fit in the cache
/// there are no misses to overlap and a small Bottom is cheaper, so 2; up to 8 MiB of nodes, 4;
/// beyond, 16 (measured with `dais bench phold`: 2 vs 16 lists is 22% faster on `small`, 4 vs
/// 16 7% faster on `dense`, 16 vs 4 7% faster on `large`).
///
/// Memory: 40 bytes per node, nodes allocated in chunks (no reallocation spike, bounded slack),
/// 4 bytes per bucket (at most one bucket per event in a rung), plus Bottom.
///
/// Ordering is exact (time, seq) for any sequence of pushes, also ones earlier than the last
/// pop. Seqs are assumed to grow with insertion order only for events at kTimeNever itself.
class LadderQueue {
  public:
    /// Most buckets moved into Bottom at once; their lists are walked in an interleaved way.
    static constexpr std::uint32_t kBatchLists = 16;
    /// A Top holding at most this many events (or one time only) goes straight to Bottom.
    static constexpr std::uint32_t kSpreadMin = 32;
    static constexpr std::size_t kMaxRungs = 8;
    /// Bottom size beyond which its events are spread over a new rung, so that a burst of
    /// near-future events does not turn the queue into one big heap.
    static constexpr std::size_t kBottomMax = 256;

    LadderQueue() = default;
    LadderQueue(const LadderQueue&) = delete;
    LadderQueue& operator=(const LadderQueue&) = delete;
    ~LadderQueue();

    static std::string_view name() { return "ladder queue"; }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    /// Requires !empty(). Bottom is never empty while the queue is not (see refill()).
    const Event& top() const { return bottom_.top(); }
    /// Most likely the event after top() (nullptr if not at hand): a hint for prefetching.
    const Event* peekNext() const { return bottom_.peekNext(); }

    void push(const Event& e) {
        ++size_;
        if (e.time < bottomEnd_) {
            pushBottom(e);
            return;
        }
        placeAbove(e);
        if (bottom_.empty()) refill();
    }
    void pop() {
        bottom_.pop();
        if (--size_ > 0 && bottom_.empty()) refill();
    }
    void replaceTop(const Event& e) {
        if (e.time < bottomEnd_) {
            bottom_.replaceTop(e);
            return;
        }
        bottom_.pop();
        placeAbove(e);
        if (bottom_.empty()) refill();
    }
    void clear();
    void reserve(std::size_t n);
    std::size_t memoryBytes() const;

  private:
    static constexpr std::uint32_t kNil = 0xffffffffu;
    static constexpr std::uint32_t kTopLists =
        8;                                       // Top is kept as this many lists, walked together
    static constexpr unsigned kChunkShift = 10;  // 1024 nodes (40 KiB) per chunk
    static constexpr std::uint32_t kChunkNodes = 1u << kChunkShift;
    static constexpr std::uint32_t kFirstChunkNodes = 256;  // chunk 0 grows up to kChunkNodes

    struct Node {
        Event event;
        std::uint32_t next;
    };
    /// The bucket heads of a rung: a plain array that keeps its memory from one use to the next
    /// (and sits on huge pages when big: insertion reads it at random).
    class BucketArray {
      public:
        BucketArray() = default;
        BucketArray(const BucketArray&) = delete;
        BucketArray& operator=(const BucketArray&) = delete;
        ~BucketArray();
        std::uint32_t& operator[](std::size_t i) { return data_[i]; }
        std::uint32_t operator[](std::size_t i) const { return data_[i]; }
        std::size_t capacity() const { return capacity_; }
        /// n entries, all kNil.
        void reset(std::size_t n);

      private:
        std::uint32_t* data_ = nullptr;
        std::size_t capacity_ = 0;
    };
    struct Rung {
        SimTime start = 0;     ///< time of bucket 0
        SimTime curStart = 0;  ///< start of the current bucket: earlier ones are consumed
        unsigned shift = 0;    ///< bucket width is 2^shift ns
        std::uint32_t current = 0;
        std::uint32_t buckets = 0;
        BucketArray heads;  ///< per bucket: first node or kNil
        /// Bucket of time t >= start; the last bucket also takes anything later.
        std::uint32_t bucketOf(SimTime t) const {
            const std::uint64_t b =
                (static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(start)) >> shift;
            return b < buckets ? static_cast<std::uint32_t>(b) : buckets - 1;
        }
    };

    Node& node(std::uint32_t n) { return chunks_[n >> kChunkShift][n & (kChunkNodes - 1)]; }
    const Node& node(std::uint32_t n) const {
        return chunks_[n >> kChunkShift][n & (kChunkNodes - 1)];
    }
    std::uint32_t allocNode() {
        if (free_ != kNil) {
            const std::uint32_t n = free_;
            free_ = node(n).next;
            return n;
        }
        if (used_ == capacity_) addCapacity();
        return used_++;
    }
    void freeNode(std::uint32_t n) {
        node(n).next = free_;
        free_ = n;
    }
    void link(std::uint32_t& head, const Event& e) {
        const std::uint32_t n = allocNode();
        Node& nd = node(n);
        nd.event = e;
        nd.next = head;
        head = n;
    }

    void pushBottom(const Event& e) {
        bottom_.push(e);
        if (const std::size_t n = bottom_.size(); n > spillAt_ && spillBottom()) refill(n);
    }
    /// Puts an event at or after bottomEnd_ into Top or the outermost rung whose unconsumed
    /// range holds it.
    void placeAbove(const Event& e) {
        if (e.time >= topStart_) {
            link(topHeads_[topCount_ % kTopLists], e);
            ++topCount_;
            if (e.time < topMin_) topMin_ = e.time;
            if (e.time > topMax_) topMax_ = e.time;
            return;
        }
        for (std::size_t i = 0;; ++i) {
            Rung& r = rungs_[i];
            if (e.time >= r.curStart) {
                link(r.heads[r.bucketOf(e.time)], e);
                return;
            }
        }
    }
    void setBottomEnd() {
        bottomEnd_ = rungCount_ > 0 ? rungs_[rungCount_ - 1].curStart : topStart_;
    }
    void addCapacity();
    void refill(std::size_t spilled = 0);
    void spreadTop();
    Rung& newRung(SimTime lo, SimTime hi, std::uint64_t count);
    void relinkIntoRung(Rung& r, std::uint32_t* lists, std::uint32_t n);
    void moveListsToBottom(std::uint32_t* lists, std::uint32_t n);
    bool spillBottom();
    void prefetchNextBatch(const Rung& r) const;

    std::vector<Node*> chunks_;
    std::uint32_t capacity_ = 0;  // nodes allocated
    std::uint32_t used_ = 0;      // nodes ever handed out since the last clear (the rest are fresh)
    std::uint32_t free_ = kNil;

    std::uint32_t topHeads_[kTopLists] = {kNil, kNil, kNil, kNil, kNil, kNil, kNil, kNil};
    std::uint64_t topCount_ = 0;
    SimTime topMin_ = kTimeNever, topMax_ = -kTimeNever;
    SimTime topStart_ = -kTimeNever;  ///< events at or after this go to Top
    Rung rungs_[kMaxRungs];
    std::size_t rungCount_ = 0;
    SimTime bottomEnd_ = -kTimeNever;  ///< events before this go to Bottom
    DaryHeap<4> bottom_;
    std::size_t spillAt_ = kBottomMax;
    std::uint32_t batchLists_ = 2;  ///< buckets per batch, see the class comment
    std::size_t size_ = 0;
};
static_assert(EventQueue<LadderQueue>);

}  // namespace dais::sim
