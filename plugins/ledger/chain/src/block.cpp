// The header's encoding: every field little-endian, in declaration order.
#include "dais/ledger/block.h"

#include <cstring>

namespace dais::ledger {

namespace {

template <class T>
void put(std::byte*& at, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        *at++ = static_cast<std::byte>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff);
}

template <class T>
T take(const std::byte*& at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v |= static_cast<std::uint64_t>(*at++) << (8 * i);
    return static_cast<T>(v);
}

}  // namespace

EncodedHeader encode(const BlockHeader& h) {
    EncodedHeader out{};
    std::byte* at = out.data();
    put(at, h.version);
    put(at, h.height);
    std::memcpy(at, h.parent.data(), 32);
    at += 32;
    std::memcpy(at, h.txRoot.data(), 32);
    at += 32;
    put(at, static_cast<std::uint64_t>(h.time));
    put(at, h.producer);
    put(at, h.nonce);
    put(at, h.txCount);
    put(at, h.txBytes);
    return out;
}

std::optional<BlockHeader> decode(std::span<const std::byte, BlockHeader::kEncodedBytes> bytes) {
    const std::byte* at = bytes.data();
    BlockHeader h;
    h.version = take<std::uint32_t>(at);
    if (h.version != 1) return std::nullopt;
    h.height = take<std::uint64_t>(at);
    std::memcpy(h.parent.data(), at, 32);
    at += 32;
    std::memcpy(h.txRoot.data(), at, 32);
    at += 32;
    h.time = static_cast<sim::SimTime>(take<std::uint64_t>(at));
    h.producer = take<std::uint32_t>(at);
    h.nonce = take<std::uint64_t>(at);
    h.txCount = take<std::uint32_t>(at);
    h.txBytes = take<std::uint64_t>(at);
    return h;
}

core::Digest blockHash(const BlockHeader& h) {
    const EncodedHeader bytes = encode(h);
    return core::sha256(std::span<const std::byte>(bytes));
}

}  // namespace dais::ledger
