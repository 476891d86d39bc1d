#pragma once
// A block of the ledger as it is hashed, signed and sent: a fixed-size header that names its
// parent by hash and its transactions by their Merkle root, and the producer's signature of the
// header's hash. The header's bytes are its real encoding (little-endian fields, 108 bytes), so
// the hash every node checks is a real SHA-256 of what travels, and a block's size on the wire is
// its header, its signature and its transactions.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "dais/core/digest.h"
#include "dais/sim/time.h"

namespace dais::ledger {

struct BlockHeader {
    std::uint32_t version = 1;
    std::uint64_t height = 0;    ///< 0: the genesis block
    core::Digest parent{};       ///< the parent's hash; all zeros for the genesis block
    core::Digest txRoot{};       ///< Merkle root of its transactions' ids
    sim::SimTime time = 0;       ///< when it was made
    std::uint32_t producer = 0;  ///< the node that made and signed it
    std::uint64_t nonce = 0;     ///< proof of work's nonce, or the slot or view of other rules
    std::uint32_t txCount = 0;
    std::uint64_t txBytes = 0;  ///< its transactions' bytes on the wire

    static constexpr std::size_t kEncodedBytes = 4 + 8 + 32 + 32 + 8 + 4 + 8 + 4 + 8;
    bool operator==(const BlockHeader&) const = default;
};

using Signature = std::array<std::uint8_t, 64>;
inline constexpr std::uint64_t kSignatureBytes = 64;

using EncodedHeader = std::array<std::byte, BlockHeader::kEncodedBytes>;
EncodedHeader encode(const BlockHeader& h);
/// The header the bytes encode; nullopt for bytes no header encodes (an unknown version).
std::optional<BlockHeader> decode(std::span<const std::byte, BlockHeader::kEncodedBytes> bytes);

/// SHA-256 of the header's encoding: the block's name.
core::Digest blockHash(const BlockHeader& h);

/// Bytes of the whole block on the wire.
inline std::uint64_t blockWireBytes(const BlockHeader& h) {
    return BlockHeader::kEncodedBytes + kSignatureBytes + h.txBytes;
}

}  // namespace dais::ledger
