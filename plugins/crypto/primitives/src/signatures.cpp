// Ed25519 through libsodium's crypto_sign_* (RFC 8032), and the derivation of a node's seed
// from the run seed.
#include "dais/crypto/signatures.h"

#include <sodium.h>

#include <algorithm>

#include "dais/crypto/hashes.h"
#include "dais/crypto/sodium_init.h"
#include "sodium_input.h"

namespace dais::crypto {

static_assert(kEd25519PublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kEd25519SecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(kEd25519SeedBytes == crypto_sign_SEEDBYTES);
static_assert(kEd25519SignatureBytes == crypto_sign_BYTES);

namespace {

constexpr std::string_view kNodeSeedDomain = "dais/crypto/ed25519-node-seed/v1";
static_assert(kNodeSeedDomain.size() == 32);

void putLittleEndian(std::uint64_t value, std::byte* out) {
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<std::byte>(value >> (8 * i));
}

}  // namespace

Ed25519Seed ed25519NodeSeed(std::uint64_t runSeed, std::uint64_t nodeIndex) {
    std::array<std::byte, kNodeSeedDomain.size() + 16> message;
    std::transform(kNodeSeedDomain.begin(), kNodeSeedDomain.end(), message.begin(),
                   [](char c) { return static_cast<std::byte>(c); });
    putLittleEndian(runSeed, message.data() + kNodeSeedDomain.size());
    putLittleEndian(nodeIndex, message.data() + kNodeSeedDomain.size() + 8);
    return blake2b256(message);
}

Ed25519KeyPair Ed25519KeyPair::fromSeed(const Ed25519Seed& seed) {
    initSodium();
    Ed25519KeyPair pair;
    crypto_sign_seed_keypair(pair.publicKey_.data(), pair.secretKey_.data(), seed.data());
    return pair;
}

Ed25519KeyPair Ed25519KeyPair::forNode(std::uint64_t runSeed, std::uint64_t nodeIndex) {
    Ed25519Seed seed = ed25519NodeSeed(runSeed, nodeIndex);
    Ed25519KeyPair pair = fromSeed(seed);
    sodium_memzero(seed.data(), seed.size());
    return pair;
}

Ed25519KeyPair& Ed25519KeyPair::operator=(const Ed25519KeyPair& other) {
    if (this != &other) {
        publicKey_ = other.publicKey_;
        secretKey_ = other.secretKey_;  // overwrites the old secret key in place
    }
    return *this;
}

Ed25519KeyPair::~Ed25519KeyPair() {
    sodium_memzero(secretKey_.data(), secretKey_.size());
}

Ed25519Signature Ed25519KeyPair::sign(std::span<const std::byte> message) const {
    initSodium();
    Ed25519Signature signature;
    crypto_sign_detached(signature.data(), nullptr, detail::sodiumInput(message), message.size(),
                         secretKey_.data());
    return signature;
}

bool verifySignature(std::span<const std::uint8_t> publicKey, std::span<const std::byte> message,
                     std::span<const std::uint8_t> signature) {
    if (publicKey.size() != kEd25519PublicKeyBytes || signature.size() != kEd25519SignatureBytes)
        return false;
    initSodium();
    return crypto_sign_verify_detached(signature.data(), detail::sodiumInput(message),
                                       message.size(), publicKey.data()) == 0;
}

}  // namespace dais::crypto
