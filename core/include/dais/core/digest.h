#pragma once
// Digests that name what layers hand each other: a model update, a round's record, a block, a
// job's result. SHA-256 (FIPS 180-4), computed here so that core needs no cryptography library;
// a layer with one (signatures, Merkle proofs) uses the same 32-byte values.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dais::core {

/// A 32-byte digest (SHA-256).
using Digest = std::array<std::uint8_t, 32>;

/// SHA-256 over data given in pieces.
class Sha256 {
  public:
    Sha256();
    Sha256& add(std::span<const std::byte> data);
    Sha256& add(std::string_view text) { return add(std::as_bytes(std::span(text))); }
    /// Adds another digest (a Merkle node, a record of records).
    Sha256& add(const std::array<std::uint8_t, 32>& digest) {
        return add(std::as_bytes(std::span(digest)));
    }
    /// Adds a value's bytes as it lies in memory (little-endian on every machine DAIS builds
    /// for): for numbers and arrays of numbers.
    template <class T>
    Sha256& addValue(const T& value) {
        return add(std::as_bytes(std::span<const T, 1>(&value, 1)));
    }
    template <class T>
    Sha256& addValues(std::span<const T> values) {
        return add(std::as_bytes(values));
    }
    /// The digest of everything added; the object starts over afterwards.
    Digest finish();

  private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> h_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;  ///< bytes added
};

Digest sha256(std::span<const std::byte> data);
inline Digest sha256(std::string_view text) {
    return sha256(std::as_bytes(std::span(text)));
}
/// SHA-256 of the bytes of `values` as they lie in memory (a model's weights, bit for bit).
inline Digest sha256(std::span<const double> values) {
    return sha256(std::as_bytes(values));
}

/// Lower-case hexadecimal, 64 characters.
std::string hexText(const Digest& d);
/// The first `chars` hexadecimal characters, for tables and traces ("3a7bd3e2").
std::string shortHex(const Digest& d, std::size_t chars = 8);
/// A digest from its 64 hexadecimal characters (either case); nullopt for anything else.
std::optional<Digest> parseDigest(std::string_view hex);
/// Whether `text` can start a digest's hexadecimal text: 1 to 64 hex digits (either case), as
/// a person types to find one.
bool isDigestPrefix(std::string_view text);

}  // namespace dais::core
