#pragma once
// Ed25519 signatures (RFC 8032) through libsodium: key pairs from a 32-byte seed, detached
// signatures, verification. Simulations must be reproducible, so a node's key pair is derived
// from the run seed and the node's index (ed25519NodeSeed); the keys are then as secret as the
// run seed, which is right for a simulation and wrong for anything else.
//
// Sizes are constants so that network models can count the bytes a signature or a key adds to
// a message. Verification is libsodium's: it also rejects a non-canonical S, a small-order
// public key or R, and a public key that is not a point's canonical encoding.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace dais::crypto {

inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
inline constexpr std::size_t kEd25519SecretKeyBytes = 64;  ///< libsodium's: seed || public key
inline constexpr std::size_t kEd25519SeedBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

using Ed25519PublicKey = std::array<std::uint8_t, kEd25519PublicKeyBytes>;
using Ed25519Seed = std::array<std::uint8_t, kEd25519SeedBytes>;
using Ed25519Signature = std::array<std::uint8_t, kEd25519SignatureBytes>;

/// The seed of node `nodeIndex`'s signing key in the run with seed `runSeed`: BLAKE2b-256 of the
/// 32 ASCII characters "dais/crypto/ed25519-node-seed/v1" followed by `runSeed` and `nodeIndex`
/// as 8-byte little-endian integers (48 bytes). The fixed prefix keeps these seeds apart from
/// anything else derived from the run seed; changing the derivation means changing "v1".
Ed25519Seed ed25519NodeSeed(std::uint64_t runSeed, std::uint64_t nodeIndex);

/// An Ed25519 key pair: the 32-byte public key and libsodium's 64-byte secret key. Every copy
/// wipes its secret key (sodium_memzero) when it is destroyed or assigned over.
class Ed25519KeyPair {
  public:
    /// The key pair RFC 8032 derives from the 32-byte secret seed.
    static Ed25519KeyPair fromSeed(const Ed25519Seed& seed);
    /// The key pair of node `nodeIndex` in the run with seed `runSeed`
    /// (fromSeed(ed25519NodeSeed(runSeed, nodeIndex))).
    static Ed25519KeyPair forNode(std::uint64_t runSeed, std::uint64_t nodeIndex);

    Ed25519KeyPair(const Ed25519KeyPair& other) = default;
    Ed25519KeyPair& operator=(const Ed25519KeyPair& other);
    ~Ed25519KeyPair();

    const Ed25519PublicKey& publicKey() const { return publicKey_; }

    /// The detached signature of `message` (deterministic: the same key and message always give
    /// the same signature).
    Ed25519Signature sign(std::span<const std::byte> message) const;
    Ed25519Signature sign(std::string_view message) const {
        return sign(std::as_bytes(std::span(message)));
    }

  private:
    Ed25519KeyPair() = default;

    Ed25519PublicKey publicKey_{};
    std::array<std::uint8_t, kEd25519SecretKeyBytes> secretKey_{};
};

/// Whether `signature` is `publicKey`'s valid Ed25519 signature of `message`. False, never an
/// error, for anything else: a key of other than 32 bytes, a signature of other than 64 bytes,
/// a key that is no valid point, a wrong signature.
bool verifySignature(std::span<const std::uint8_t> publicKey, std::span<const std::byte> message,
                     std::span<const std::uint8_t> signature);
inline bool verifySignature(std::span<const std::uint8_t> publicKey, std::string_view message,
                            std::span<const std::uint8_t> signature) {
    return verifySignature(publicKey, std::as_bytes(std::span(message)), signature);
}

}  // namespace dais::crypto
