#pragma once
// A growable array kept in fixed-size pages: it grows a page at a time, so it never holds more
// than one page of unused slots, never copies its elements, and never has the old and the new
// block alive at once as a doubling vector does while it moves. References to elements stay
// valid as it grows. For pools of records whose number follows the load (jobs in a market, tasks
// on processors), which keep their own free lists through their records' fields.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace dais::sim {

template <class T, std::size_t PageSlots = 1024>
class PagedVector {
    static_assert(PageSlots > 0 && (PageSlots & (PageSlots - 1)) == 0,
                  "a page holds a power of two of slots");

  public:
    static constexpr std::size_t kPageSlots = PageSlots;
    static constexpr std::size_t kPageBytes = sizeof(T) * PageSlots;

    /// Slots held (pages x kPageSlots), each a value-initialised T until written.
    std::size_t size() const { return pages_.size() * PageSlots; }
    bool empty() const { return pages_.empty(); }

    /// Adds a page; returns the index of its first slot.
    std::size_t grow() {
        const std::size_t first = size();
        pages_.push_back(std::make_unique<T[]>(PageSlots));
        return first;
    }

    T& operator[](std::size_t i) { return pages_[i / PageSlots][i % PageSlots]; }
    const T& operator[](std::size_t i) const { return pages_[i / PageSlots][i % PageSlots]; }

    /// Bytes held by the pages and the page table.
    std::size_t bytes() const {
        return pages_.size() * kPageBytes + pages_.capacity() * sizeof(std::unique_ptr<T[]>);
    }

  private:
    std::vector<std::unique_ptr<T[]>> pages_;
};

}  // namespace dais::sim
