#pragma once
// Memory for the kernel's big arrays (queues, per-LP state).

#include <cstddef>

namespace dais::sim {

/// `bytes` of memory aligned to `align` (a power of two). Blocks of several MiB are placed on
/// transparent huge pages where the system offers them: arrays that big are read at random,
/// and 2 MiB pages spare most of their TLB misses. Release with freeBlock and the same size and
/// alignment. Throws std::bad_alloc when out of memory.
void* allocateBlock(std::size_t bytes, std::size_t align);
void freeBlock(void* p, std::size_t bytes, std::size_t align) noexcept;

}  // namespace dais::sim
