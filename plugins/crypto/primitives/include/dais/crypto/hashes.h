#pragma once
// Hashes over libsodium: SHA-256 (FIPS 180-4) and BLAKE2b (RFC 7693) with a 32-byte output, in
// one call or over data given in pieces. Both give core::Digest, the 32-byte value layers
// already hand each other; SHA-256 here is bit for bit core's own (dais/core/digest.h), which
// core computes without libsodium. BLAKE2b is the faster of the two on 64-bit processors.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/result.h"

namespace dais::crypto {

/// The hash functions with a 32-byte output this library offers.
enum class HashAlgorithm {
    Sha256,      ///< SHA-256, FIPS 180-4
    Blake2b256,  ///< BLAKE2b with a 32-byte output and no key, RFC 7693
};

/// The name a scenario parameter gives the algorithm: "sha256" or "blake2b".
std::string_view hashAlgorithmName(HashAlgorithm algorithm);
/// The algorithm named "sha256" or "blake2b" (exactly, lower case); nullopt for anything else.
std::optional<HashAlgorithm> parseHashAlgorithm(std::string_view name);

core::Digest sha256(std::span<const std::byte> data);
inline core::Digest sha256(std::string_view text) {
    return sha256(std::as_bytes(std::span(text)));
}
core::Digest blake2b256(std::span<const std::byte> data);
inline core::Digest blake2b256(std::string_view text) {
    return blake2b256(std::as_bytes(std::span(text)));
}
/// The digest of `data` under `algorithm`.
core::Digest hash(HashAlgorithm algorithm, std::span<const std::byte> data);
inline core::Digest hash(HashAlgorithm algorithm, std::string_view text) {
    return hash(algorithm, std::as_bytes(std::span(text)));
}

/// The output lengths libsodium allows for BLAKE2b, in bytes.
inline constexpr std::size_t kBlake2bMinOutputBytes = 16;
inline constexpr std::size_t kBlake2bMaxOutputBytes = 64;

/// Unkeyed BLAKE2b with an output of `outputBytes` bytes (16 to 64; 64 is BLAKE2b-512). The
/// output length is a parameter of the function, not a truncation: BLAKE2b-256 is not the first
/// half of BLAKE2b-512. An error names a length out of range.
core::Result<std::vector<std::uint8_t>> blake2b(std::span<const std::byte> data,
                                                std::size_t outputBytes);

/// SHA-256 or BLAKE2b-256 over data given in pieces: the same digest as the one-call functions
/// over the concatenation. A copy continues independently from the state it was copied in.
class Hasher {
  public:
    explicit Hasher(HashAlgorithm algorithm = HashAlgorithm::Sha256);
    Hasher(const Hasher& other);
    Hasher& operator=(const Hasher& other);
    ~Hasher() = default;

    HashAlgorithm algorithm() const { return algorithm_; }

    Hasher& add(std::span<const std::byte> data);
    Hasher& add(std::string_view text) { return add(std::as_bytes(std::span(text))); }
    /// Adds another digest (a Merkle node, a record of records).
    Hasher& add(const core::Digest& digest) { return add(std::as_bytes(std::span(digest))); }

    /// The digest of everything added; the object starts over afterwards.
    core::Digest finish();

  private:
    /// Room for libsodium's state of either algorithm (BLAKE2b's is 384 bytes, aligned to 64),
    /// so that this header needs none of libsodium's; src/hashes.cpp checks that it fits.
    static constexpr std::size_t kStateBytes = 384;
    static constexpr std::size_t kStateAlignment = 64;

    void start();
    void* state() { return state_.data(); }

    HashAlgorithm algorithm_;
    alignas(kStateAlignment) std::array<std::byte, kStateBytes> state_;
};

}  // namespace dais::crypto
