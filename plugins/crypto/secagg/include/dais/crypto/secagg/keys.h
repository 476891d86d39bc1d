#pragma once
// The key material of secure aggregation (libsodium): X25519 key pairs, the pairwise secrets
// two parties agree on, masks expanded from a seed, and the authenticated encryption of shares.
//
// - Key agreement: X25519 (RFC 7748). The agreed point is never used directly: a 32-byte key is
//   BLAKE2b-256 of a purpose label, the point and both public keys in a fixed order, so both
//   parties derive the same key and keys for different purposes never coincide.
// - Masks: a seed keys ChaCha20 (RFC 8439's cipher, original 64-bit-nonce form) and the key
//   stream, read as little-endian 64-bit words, is the mask; masks are added or subtracted in
//   64-bit arithmetic (the ring's words).
// - Shares travel to their holder through the server, sealed with ChaCha20-Poly1305 (IETF) under
//   the key the two parties agreed on, with a nonce made of both party numbers and the
//   direction, so no key and nonce are ever used twice; the session tag is authenticated too.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "dais/core/result.h"

namespace dais::crypto::secagg {

using Key32 = std::array<std::uint8_t, 32>;

struct KeyPair {
    Key32 secret{};  ///< X25519 scalar
    Key32 pub{};
    static constexpr std::uint64_t kPublicBytes = 32;
};

/// The key pair of a 32-byte secret (random bytes of the party's own stream).
KeyPair keyPairFrom(const Key32& secret);

enum class KeyPurpose : std::uint8_t { PairwiseMask = 1, ShareCipher = 2 };

/// The key `mine` and `theirs` agree on for a purpose; refused for a public key of low order
/// (the agreed point would be all zeros).
core::Result<Key32> agree(const Key32& mySecret, const Key32& myPublic, const Key32& theirPublic,
                          KeyPurpose purpose);

/// Adds (sign > 0) or subtracts the mask of `seed` to `words`, word by word modulo 2^64.
void applyMask(const Key32& seed, int sign, std::span<std::uint64_t> words);
/// The mask of `seed` written into `words` (the generator alone, for comparison).
void generateMask(const Key32& seed, std::span<std::uint64_t> words);

/// Bytes a sealed box adds to its plaintext (the Poly1305 tag).
inline constexpr std::uint64_t kSealOverhead = 16;

/// Seals `plain` from party `from` to party `to` under `key`.
std::vector<std::uint8_t> seal(const Key32& key, std::uint64_t sessionTag, std::uint32_t from,
                               std::uint32_t to, std::span<const std::uint8_t> plain);
/// Opens a sealed box; refused when it was altered, or sealed for another session or pair.
core::Result<std::vector<std::uint8_t>> open(const Key32& key, std::uint64_t sessionTag,
                                             std::uint32_t from, std::uint32_t to,
                                             std::span<const std::uint8_t> sealed);

}  // namespace dais::crypto::secagg
