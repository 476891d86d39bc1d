#include "dais/sim/memory.h"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace dais::sim {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Below this a block stays on ordinary pages: rounding it up to whole huge pages would cost too
// large a share of its size.
constexpr std::size_t kHugeFrom = std::size_t{4} << 20;
std::size_t roundedHuge(std::size_t bytes) {
    return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}
}  // namespace

void* allocateBlock(std::size_t bytes, std::size_t align) {
    if (bytes < kHugeFrom) return ::operator new (bytes, std::align_val_t{align});
    const std::size_t rounded = roundedHuge(bytes);
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

void freeBlock(void* p, std::size_t bytes, std::size_t align) noexcept {
    if (bytes < kHugeFrom)
        ::operator delete (p, std::align_val_t{align});
    else
        std::free(p);
}

}  // namespace dais::sim
