#pragma once
// A d-ary min-heap of Events, laid out so that each node's children share cache lines.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string_view>
#include <utility>

#include "dais/sim/event_queue.h"
#include "dais/sim/memory.h"

namespace dais::sim {

/// d-ary heap over a flat array of 32-byte Events. With D = 4 the four children of a node
/// fill two adjacent cache lines (the array is offset so that every child group starts on a
/// 128-byte boundary), so a sift-down touches two lines per level over log4(n) levels. In a
/// heap too big for the cache the levels below the top few are misses that each wait for the
/// one before; a sift-down therefore prefetches the grandchildren (D*D consecutive entries) one
/// level ahead. Measured with `dais bench phold` on `large` (10^6 pending): D = 4 with that
/// prefetch beats D = 4 without it by ~10%, D = 8 by ~15%, and D = 2 with it equals it; keeping
/// the keys in an array of their own (16-byte keys, payloads beside) was ~1.5x slower, as each
/// level then touches a line of keys and a line of payloads in two different places.
template <unsigned D>
class DaryHeap {
    static_assert(D >= 2 && D <= 16);

  public:
    DaryHeap() = default;
    DaryHeap(const DaryHeap&) = delete;
    DaryHeap& operator=(const DaryHeap&) = delete;
    DaryHeap(DaryHeap&& o) noexcept { swap(o); }
    DaryHeap& operator=(DaryHeap&& o) noexcept {
        swap(o);
        return *this;
    }
    ~DaryHeap() { release(); }

    static std::string_view name() {
        return D == 2 ? "binary heap" : D == 4 ? "4-ary heap" : "d-ary heap";
    }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    const Event& top() const { return data_[0]; }
    std::size_t memoryBytes() const { return capacity_ * sizeof(Event); }

    void push(const Event& e) {
        if (size_ == capacity_)
            grow(capacity_ < kInitialCapacity ? kInitialCapacity : capacity_ + capacity_ / 2);
        siftUp(size_++, e);
    }
    void pop() {
        --size_;
        if (size_ > 0) siftDown(0, data_[size_]);
    }
    void replaceTop(const Event& e) { siftDown(0, e); }
    void clear() { size_ = 0; }
    /// Empties the heap and gives back its memory beyond the initial capacity.
    void clearAndShrink() {
        size_ = 0;
        if (capacity_ > kInitialCapacity) release();
    }
    /// The entry that would be top() after a pop(), or nullptr if none: a hint for prefetching
    /// what the next event will touch.
    const Event* peekNext() const {
        if (size_ < 2) return nullptr;
        std::size_t m = 1;
        const std::size_t end = D + 1 < size_ ? D + 1 : size_;
        for (std::size_t k = 2; k < end; ++k)
            if (runsBefore(data_[k], data_[m])) m = k;
        return data_ + m;
    }
    /// The entries in heap order (not sorted), for moving them elsewhere in bulk.
    const Event* begin() const { return data_; }
    const Event* end() const { return data_ + size_; }
    void reserve(std::size_t n) {
        if (n > capacity_) grow(n);
    }

  private:
    // Children of i are D*i+1 .. D*i+D. Storing element k at slot k + kPad puts every child
    // group at a multiple of D slots, which the allocation aligns to D * 32 bytes.
    static constexpr std::size_t kPad = D - 1;
    static constexpr std::size_t kAlign = D * sizeof(Event) < 64 ? 64 : D * sizeof(Event);
    // Growing by half (not doubling) keeps the memory within 1.5x of the largest size reached:
    // at most 48 bytes per entry at the peak population. A small heap starts small.
    static constexpr std::size_t kInitialCapacity = 64;
    // Entries below this index (the top 128 KiB) are taken to stay cached: no prefetching there.
    static constexpr std::size_t kPrefetchFrom = 4096;

    // (time, seq) as one unsigned 128-bit number, so that comparisons need no branch.
    __extension__ using Key = unsigned __int128;
    static Key keyOf(const Event& e) {
        return (static_cast<Key>(static_cast<std::uint64_t>(e.time) ^ (std::uint64_t{1} << 63))
                << 64) |
               e.seq;
    }

    void siftUp(std::size_t i, const Event& e) {
        while (i > 0) {
            const std::size_t p = (i - 1) / D;
            if (!runsBefore(e, data_[p])) break;
            data_[i] = data_[p];
            i = p;
        }
        data_[i] = e;
    }
    void siftDown(std::size_t i, Event e) {
        const std::size_t n = size_;
        for (;;) {
            const std::size_t c = D * i + 1;
            if (c >= n) break;
            // Deep in a big heap every level is a cache miss that the next level waits for. The
            // grandchildren of i are D*D consecutive entries: ask for them now, one level ahead.
            // One prefetch per group: the group is aligned to D * 32 bytes, and the hardware
            // fetches the second line of an aligned pair along with the first; asking for every
            // line instead queues more misses than the core can track and was ~7% slower.
            if (c >= kPrefetchFrom && D * c + 1 < n) {
                const char* g = reinterpret_cast<const char*>(data_ + D * c + 1);
                for (std::size_t k = 0; k < D * D * sizeof(Event); k += D * sizeof(Event))
                    __builtin_prefetch(g + k);
            }
            std::size_t m = c;
            if constexpr (D == 4) {
                if (c + 4 <= n) {
                    // A full group: a branch-free tournament of four (time, seq) keys.
                    const Key k0 = keyOf(data_[c]), k1 = keyOf(data_[c + 1]);
                    const Key k2 = keyOf(data_[c + 2]), k3 = keyOf(data_[c + 3]);
                    const bool b01 = k1 < k0, b23 = k3 < k2;
                    const Key ka = b01 ? k1 : k0, kb = b23 ? k3 : k2;
                    const std::size_t a = c + b01, b = c + 2 + b23;
                    const bool bab = kb < ka;
                    m = bab ? b : a;
                    if (!((bab ? kb : ka) < keyOf(e))) break;
                    data_[i] = data_[m];
                    i = m;
                    continue;
                }
            }
            const std::size_t end = c + D < n ? c + D : n;
            for (std::size_t k = c + 1; k < end; ++k)
                if (runsBefore(data_[k], data_[m])) m = k;
            if (!runsBefore(data_[m], e)) break;
            data_[i] = data_[m];
            i = m;
        }
        data_[i] = e;
    }
    void grow(std::size_t cap) {
        void* raw = allocateBlock((cap + kPad) * sizeof(Event), kAlign);
        Event* fresh = static_cast<Event*>(raw) + kPad;
        for (std::size_t k = 0; k < size_; ++k)
            fresh[k] = data_[k];
        release();
        data_ = fresh;
        capacity_ = cap;
    }
    void release() {
        if (data_) freeBlock(data_ - kPad, (capacity_ + kPad) * sizeof(Event), kAlign);
        data_ = nullptr;
        capacity_ = 0;
    }
    void swap(DaryHeap& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(capacity_, o.capacity_);
    }

    Event* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

/// The heap the kernel uses; the arity was chosen by `dais bench phold` (see simulator/README.md).
using HeapQueue = DaryHeap<4>;
static_assert(EventQueue<HeapQueue>);

}  // namespace dais::sim
