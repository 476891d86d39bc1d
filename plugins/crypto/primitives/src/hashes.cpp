// SHA-256 and BLAKE2b through libsodium: crypto_hash_sha256 and crypto_generichash (BLAKE2b,
// unkeyed). libsodium's states are placed in the Hasher's own storage, so hashing in pieces
// allocates nothing.
#include "dais/crypto/hashes.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <string>

#include "dais/crypto/sodium_init.h"
#include "sodium_input.h"

namespace dais::crypto {

std::string_view hashAlgorithmName(HashAlgorithm algorithm) {
    switch (algorithm) {
        case HashAlgorithm::Sha256:
            return "sha256";
        case HashAlgorithm::Blake2b256:
            return "blake2b";
    }
    return "unknown";
}

std::optional<HashAlgorithm> parseHashAlgorithm(std::string_view name) {
    if (name == "sha256") return HashAlgorithm::Sha256;
    if (name == "blake2b") return HashAlgorithm::Blake2b256;
    return std::nullopt;
}

core::Digest sha256(std::span<const std::byte> data) {
    initSodium();
    core::Digest out;
    crypto_hash_sha256(out.data(), detail::sodiumInput(data), data.size());
    return out;
}

core::Digest blake2b256(std::span<const std::byte> data) {
    initSodium();
    core::Digest out;
    crypto_generichash(out.data(), out.size(), detail::sodiumInput(data), data.size(), nullptr, 0);
    return out;
}

core::Digest hash(HashAlgorithm algorithm, std::span<const std::byte> data) {
    return algorithm == HashAlgorithm::Sha256 ? sha256(data) : blake2b256(data);
}

core::Result<std::vector<std::uint8_t>> blake2b(std::span<const std::byte> data,
                                                std::size_t outputBytes) {
    static_assert(kBlake2bMinOutputBytes == crypto_generichash_BYTES_MIN);
    static_assert(kBlake2bMaxOutputBytes == crypto_generichash_BYTES_MAX);
    if (outputBytes < kBlake2bMinOutputBytes || outputBytes > kBlake2bMaxOutputBytes)
        return core::Error{
            "BLAKE2b output length must be " + std::to_string(kBlake2bMinOutputBytes) + " to " +
            std::to_string(kBlake2bMaxOutputBytes) + " bytes, got " + std::to_string(outputBytes)};
    initSodium();
    std::vector<std::uint8_t> out(outputBytes);
    crypto_generichash(out.data(), out.size(), detail::sodiumInput(data), data.size(), nullptr, 0);
    return out;
}

Hasher::Hasher(HashAlgorithm algorithm) : algorithm_(algorithm) {
    static_assert(sizeof(crypto_hash_sha256_state) <= kStateBytes &&
                  alignof(crypto_hash_sha256_state) <= kStateAlignment);
    static_assert(sizeof(crypto_generichash_state) <= kStateBytes &&
                  alignof(crypto_generichash_state) <= kStateAlignment);
    initSodium();
    start();
}

// libsodium's states are plain bytes without pointers; memcpy copies them and (C++20) begins
// the lifetime of the copied state in the destination's storage.
Hasher::Hasher(const Hasher& other) : algorithm_(other.algorithm_) {
    std::memcpy(state_.data(), other.state_.data(), kStateBytes);
}

Hasher& Hasher::operator=(const Hasher& other) {
    if (this != &other) {
        algorithm_ = other.algorithm_;
        std::memcpy(state_.data(), other.state_.data(), kStateBytes);
    }
    return *this;
}

void Hasher::start() {
    if (algorithm_ == HashAlgorithm::Sha256)
        crypto_hash_sha256_init(new (state()) crypto_hash_sha256_state);
    else
        crypto_generichash_init(new (state()) crypto_generichash_state, nullptr, 0,
                                crypto_generichash_BYTES);
}

Hasher& Hasher::add(std::span<const std::byte> data) {
    if (algorithm_ == HashAlgorithm::Sha256)
        crypto_hash_sha256_update(std::launder(static_cast<crypto_hash_sha256_state*>(state())),
                                  detail::sodiumInput(data), data.size());
    else
        crypto_generichash_update(std::launder(static_cast<crypto_generichash_state*>(state())),
                                  detail::sodiumInput(data), data.size());
    return *this;
}

core::Digest Hasher::finish() {
    static_assert(crypto_generichash_BYTES == sizeof(core::Digest));
    core::Digest out;
    if (algorithm_ == HashAlgorithm::Sha256)
        crypto_hash_sha256_final(std::launder(static_cast<crypto_hash_sha256_state*>(state())),
                                 out.data());
    else
        crypto_generichash_final(std::launder(static_cast<crypto_generichash_state*>(state())),
                                 out.data(), out.size());
    start();
    return out;
}

}  // namespace dais::crypto
