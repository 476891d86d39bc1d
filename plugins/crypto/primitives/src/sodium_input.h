#pragma once
// Byte spans as libsodium takes its input (internal to this library).

#include <cstddef>
#include <span>

namespace dais::crypto::detail {

/// The bytes of `data` as an unsigned char pointer that is never null, even for an empty span:
/// libsodium may copy zero bytes from it, which a null pointer would make undefined.
inline const unsigned char* sodiumInput(std::span<const std::byte> data) {
    static const unsigned char nothing = 0;
    return data.empty() ? &nothing : reinterpret_cast<const unsigned char*>(data.data());
}

}  // namespace dais::crypto::detail
