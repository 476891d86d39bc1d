// The bits of block presence.
#include "dais/ledger/block_presence.h"

#include <bit>

namespace dais::ledger {

bool BlockPresence::give(BlockId b, std::uint32_t node) {
    if (node >= nodes_) return false;
    const std::size_t need = (static_cast<std::size_t>(b) + 1) * words_;
    if (bits_.size() < need) bits_.resize(need, 0);
    std::uint64_t& w = bits_[static_cast<std::size_t>(b) * words_ + node / 64];
    const std::uint64_t bit = std::uint64_t{1} << (node % 64);
    if (w & bit) return false;
    w |= bit;
    return true;
}

void BlockPresence::take(BlockId b, std::uint32_t node) {
    const std::size_t at = static_cast<std::size_t>(b) * words_ + node / 64;
    if (node < nodes_ && at < bits_.size()) bits_[at] &= ~(std::uint64_t{1} << (node % 64));
}

bool BlockPresence::has(BlockId b, std::uint32_t node) const {
    const std::size_t at = static_cast<std::size_t>(b) * words_ + node / 64;
    return node < nodes_ && at < bits_.size() && (bits_[at] >> (node % 64)) & 1;
}

std::size_t BlockPresence::holders(BlockId b) const {
    std::size_t n = 0;
    const std::size_t from = static_cast<std::size_t>(b) * words_;
    for (std::size_t i = 0; i < words_ && from + i < bits_.size(); ++i)
        n += static_cast<std::size_t>(std::popcount(bits_[from + i]));
    return n;
}

}  // namespace dais::ledger
