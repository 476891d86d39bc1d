// X25519, BLAKE2b, ChaCha20 and ChaCha20-Poly1305 from libsodium.
#include "dais/crypto/secagg/keys.h"

#include <sodium.h>

#include <cstring>

#include "dais/crypto/sodium_init.h"

namespace dais::crypto::secagg {

KeyPair keyPairFrom(const Key32& secret) {
    initSodium();
    KeyPair k;
    k.secret = secret;
    crypto_scalarmult_base(k.pub.data(), k.secret.data());
    return k;
}

core::Result<Key32> agree(const Key32& mySecret, const Key32& myPublic, const Key32& theirPublic,
                          KeyPurpose purpose) {
    initSodium();
    std::uint8_t point[crypto_scalarmult_BYTES];
    if (crypto_scalarmult(point, mySecret.data(), theirPublic.data()) != 0)
        return core::Error{"key agreement with a public key of low order"};
    const bool mineFirst = std::memcmp(myPublic.data(), theirPublic.data(), 32) < 0;
    const Key32& first = mineFirst ? myPublic : theirPublic;
    const Key32& second = mineFirst ? theirPublic : myPublic;
    crypto_generichash_state h;
    crypto_generichash_init(&h, nullptr, 0, 32);
    static constexpr char kLabel[] = "dais secagg key";
    crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(kLabel),
                              sizeof kLabel - 1);
    const auto p = static_cast<unsigned char>(purpose);
    crypto_generichash_update(&h, &p, 1);
    crypto_generichash_update(&h, point, sizeof point);
    crypto_generichash_update(&h, first.data(), 32);
    crypto_generichash_update(&h, second.data(), 32);
    Key32 key;
    crypto_generichash_final(&h, key.data(), key.size());
    sodium_memzero(point, sizeof point);
    return key;
}

namespace {

constexpr std::size_t kBlockWords = 2048;  // 16 KiB of key stream at a time, in cache

template <class Combine>
void streamWords(const Key32& seed, std::span<std::uint64_t> words, Combine combine) {
    initSodium();
    static constexpr unsigned char kNonce[crypto_stream_chacha20_NONCEBYTES] = {};
    alignas(64) std::uint64_t block[kBlockWords];
    std::uint64_t counter = 0;  // in 64-byte ChaCha20 blocks
    for (std::size_t at = 0; at < words.size(); at += kBlockWords) {
        const std::size_t n = std::min(kBlockWords, words.size() - at);
        const std::size_t bytes = n * sizeof(std::uint64_t);
        // Each piece starts on a ChaCha20 block boundary (16 KiB is 256 blocks), so the stream
        // is the same as one call over the whole vector.
        std::memset(block, 0, bytes);
        crypto_stream_chacha20_xor_ic(reinterpret_cast<unsigned char*>(block),
                                      reinterpret_cast<const unsigned char*>(block), bytes, kNonce,
                                      counter, seed.data());
        counter += bytes / 64;
        combine(words.subspan(at, n), block);
    }
}

}  // namespace

void applyMask(const Key32& seed, int sign, std::span<std::uint64_t> words) {
    if (sign > 0)
        streamWords(seed, words, [](std::span<std::uint64_t> w, const std::uint64_t* m) {
            for (std::size_t i = 0; i < w.size(); ++i)
                w[i] += m[i];
        });
    else
        streamWords(seed, words, [](std::span<std::uint64_t> w, const std::uint64_t* m) {
            for (std::size_t i = 0; i < w.size(); ++i)
                w[i] -= m[i];
        });
}

void generateMask(const Key32& seed, std::span<std::uint64_t> words) {
    streamWords(seed, words, [](std::span<std::uint64_t> w, const std::uint64_t* m) {
        std::memcpy(w.data(), m, w.size() * sizeof(std::uint64_t));
    });
}

namespace {

void nonceAndData(std::uint64_t sessionTag, std::uint32_t from, std::uint32_t to,
                  unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES],
                  unsigned char ad[16]) {
    std::memset(nonce, 0, crypto_aead_chacha20poly1305_ietf_NPUBBYTES);
    for (int b = 0; b < 4; ++b) {
        nonce[b] = static_cast<unsigned char>(from >> (8 * b));
        nonce[4 + b] = static_cast<unsigned char>(to >> (8 * b));
    }
    for (int b = 0; b < 8; ++b)
        ad[b] = static_cast<unsigned char>(sessionTag >> (8 * b));
    for (int b = 0; b < 4; ++b) {
        ad[8 + b] = static_cast<unsigned char>(from >> (8 * b));
        ad[12 + b] = static_cast<unsigned char>(to >> (8 * b));
    }
}

}  // namespace

std::vector<std::uint8_t> seal(const Key32& key, std::uint64_t sessionTag, std::uint32_t from,
                               std::uint32_t to, std::span<const std::uint8_t> plain) {
    initSodium();
    unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES], ad[16];
    nonceAndData(sessionTag, from, to, nonce, ad);
    std::vector<std::uint8_t> out(plain.size() + kSealOverhead);
    unsigned long long written = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, plain.data(), plain.size(), ad,
                                              sizeof ad, nullptr, nonce, key.data());
    out.resize(static_cast<std::size_t>(written));
    return out;
}

core::Result<std::vector<std::uint8_t>> open(const Key32& key, std::uint64_t sessionTag,
                                             std::uint32_t from, std::uint32_t to,
                                             std::span<const std::uint8_t> sealed) {
    initSodium();
    if (sealed.size() < kSealOverhead) return core::Error{"a sealed share shorter than its tag"};
    unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES], ad[16];
    nonceAndData(sessionTag, from, to, nonce, ad);
    std::vector<std::uint8_t> out(sealed.size() - kSealOverhead);
    unsigned long long written = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, sealed.data(),
                                                  sealed.size(), ad, sizeof ad, nonce,
                                                  key.data()) != 0)
        return core::Error{"a sealed share failed authentication (altered, or not for this pair)"};
    out.resize(static_cast<std::size_t>(written));
    return out;
}

}  // namespace dais::crypto::secagg
