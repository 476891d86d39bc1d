#pragma once
// A d-ary min-heap of Events, laid out so that each node's children share cache lines.

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string_view>
#include <utility>

#include "dais/sim/event_queue.h"

namespace dais::sim {

/// d-ary heap over a flat array of 32-byte Events. With D = 4 the four children of a node
/// fill two adjacent cache lines (the array is offset so that every child group starts on a
/// 128-byte boundary), so a sift-down touches two lines per level over log4(n) levels.
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

    static std::string_view name() { return D == 2 ? "binary heap" : D == 4 ? "4-ary heap" : "d-ary heap"; }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    const Event& top() const { return data_[0]; }
    std::size_t memoryBytes() const { return capacity_ * sizeof(Event); }

    void push(const Event& e) {
        if (size_ == capacity_) grow(capacity_ ? capacity_ * 2 : 1024);
        siftUp(size_++, e);
    }
    void pop() {
        --size_;
        if (size_ > 0) siftDown(0, data_[size_]);
    }
    void replaceTop(const Event& e) { siftDown(0, e); }
    void clear() { size_ = 0; }
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
            std::size_t m = c;
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
        void* raw = ::operator new[]((cap + kPad) * sizeof(Event), std::align_val_t{kAlign});
        Event* fresh = static_cast<Event*>(raw) + kPad;
        for (std::size_t k = 0; k < size_; ++k) fresh[k] = data_[k];
        release();
        data_ = fresh;
        capacity_ = cap;
    }
    void release() {
        if (data_) ::operator delete[](data_ - kPad, std::align_val_t{kAlign});
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
