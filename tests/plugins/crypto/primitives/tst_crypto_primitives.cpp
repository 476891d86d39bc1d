// The privacy layer's cryptographic primitives against published answers and independent
// computations: SHA-256 (FIPS 180-2 examples, and core's own implementation on inputs of every
// padding case), BLAKE2b (RFC 7693 Appendix A), Ed25519 (RFC 8032 §7.1, and every single-bit
// change of message, signature and key rejected), and RFC 6962 Merkle trees (roots and audit
// paths against a recursive computation written here from the RFC's definitions; every
// changed byte, index, size or path length rejected).
#include <QtTest>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "dais/core/digest.h"
#include "dais/crypto/hashes.h"
#include "dais/crypto/merkle_tree.h"
#include "dais/crypto/signatures.h"

using namespace dais;
using core::Digest;
using crypto::HashAlgorithm;

namespace {

std::span<const std::byte> bytesOf(std::string_view text) {
    return std::as_bytes(std::span(text));
}

std::vector<std::uint8_t> fromHex(std::string_view hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

QString hexOf(std::span<const std::uint8_t> bytes) {
    QString out;
    for (std::uint8_t b : bytes)
        out += QString::asprintf("%02x", b);
    return out;
}

/// Deterministic test bytes (SplitMix64).
std::vector<std::byte> testBytes(std::size_t n, std::uint64_t seed) {
    std::vector<std::byte> out(n);
    std::uint64_t x = seed;
    for (auto& b : out) {
        x += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        b = static_cast<std::byte>(z ^ (z >> 31));
    }
    return out;
}

// ---- RFC 6962 §2.1 written out recursively, as the RFC states it --------------------------
// SHA-256 through core's own implementation, so the library's tree is checked against code that
// shares nothing with it; BLAKE2b through the library's one-call function.

Digest referenceHash(HashAlgorithm algorithm, const std::vector<std::byte>& data) {
    if (algorithm == HashAlgorithm::Sha256) return core::Sha256().add(data).finish();
    return crypto::blake2b256(data);
}

Digest referenceLeafHash(HashAlgorithm algorithm, std::span<const std::byte> leaf) {
    std::vector<std::byte> input{std::byte{0x00}};
    input.insert(input.end(), leaf.begin(), leaf.end());
    return referenceHash(algorithm, input);
}

Digest referenceNodeHash(HashAlgorithm algorithm, const Digest& left, const Digest& right) {
    std::vector<std::byte> input{std::byte{0x01}};
    for (const Digest* d : {&left, &right}) {
        const auto b = std::as_bytes(std::span(*d));
        input.insert(input.end(), b.begin(), b.end());
    }
    return referenceHash(algorithm, input);
}

/// The largest power of two smaller than n (n > 1).
std::size_t splitPoint(std::size_t n) {
    std::size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

using Leaves = std::vector<std::vector<std::byte>>;

/// MTH(D[lo:hi]).
Digest referenceRoot(HashAlgorithm algorithm, const Leaves& d, std::size_t lo, std::size_t hi) {
    const std::size_t n = hi - lo;
    if (n == 0) return referenceHash(algorithm, {});
    if (n == 1) return referenceLeafHash(algorithm, d[lo]);
    const std::size_t k = splitPoint(n);
    return referenceNodeHash(algorithm, referenceRoot(algorithm, d, lo, lo + k),
                             referenceRoot(algorithm, d, lo + k, hi));
}

/// PATH(m, D[lo:hi]), RFC 6962 §2.1.1.
std::vector<Digest> referencePath(HashAlgorithm algorithm, std::size_t m, const Leaves& d,
                                  std::size_t lo, std::size_t hi) {
    const std::size_t n = hi - lo;
    if (n == 1) return {};
    const std::size_t k = splitPoint(n);
    std::vector<Digest> path;
    if (m < k) {
        path = referencePath(algorithm, m, d, lo, lo + k);
        path.push_back(referenceRoot(algorithm, d, lo + k, hi));
    } else {
        path = referencePath(algorithm, m - k, d, lo + k, hi);
        path.push_back(referenceRoot(algorithm, d, lo, lo + k));
    }
    return path;
}

/// The shape of PATH(m, D[0:n]) (m < n): for each digest from the leaf up, whether it is the
/// right-hand sibling ('R') or the left-hand one ('L').
std::string referencePathShape(std::uint64_t m, std::uint64_t n) {
    if (n == 1) return {};
    const std::uint64_t k = splitPoint(n);
    return m < k ? referencePathShape(m, k) + 'R' : referencePathShape(m - k, n - k) + 'L';
}

/// The root a path leads to by the recursive definition: its last element is the sibling of
/// the subtree holding leaf m, on the side the split at k puts it. nullopt when the path does
/// not fit the shape of a tree of n leaves.
std::optional<Digest> referenceRootFromPath(HashAlgorithm algorithm, const Digest& leafHash,
                                            std::uint64_t m, std::uint64_t n,
                                            std::vector<Digest> path) {
    if (m >= n) return std::nullopt;
    if (n == 1) return path.empty() ? std::optional(leafHash) : std::nullopt;
    if (path.empty()) return std::nullopt;
    const Digest sibling = path.back();
    path.pop_back();
    const std::uint64_t k = splitPoint(n);
    if (m < k) {
        const auto below = referenceRootFromPath(algorithm, leafHash, m, k, path);
        if (!below) return std::nullopt;
        return referenceNodeHash(algorithm, *below, sibling);
    }
    const auto below = referenceRootFromPath(algorithm, leafHash, m - k, n - k, path);
    if (!below) return std::nullopt;
    return referenceNodeHash(algorithm, sibling, *below);
}

/// n distinct leaves of different lengths (leaf i has i % 7 + 1 bytes of its own).
Leaves makeLeaves(std::size_t n, std::uint64_t seed = 1) {
    Leaves leaves;
    for (std::size_t i = 0; i < n; ++i) {
        auto bytes = testBytes(i % 7 + 1, seed * 1000003 + i);
        bytes.push_back(static_cast<std::byte>(i));
        bytes.push_back(static_cast<std::byte>(i >> 8));
        bytes.push_back(static_cast<std::byte>(i >> 16));
        leaves.push_back(std::move(bytes));
    }
    return leaves;
}

std::vector<std::span<const std::byte>> spansOf(const Leaves& leaves) {
    return {leaves.begin(), leaves.end()};
}

crypto::MerkleTree treeOf(const Leaves& leaves, HashAlgorithm algorithm) {
    const auto spans = spansOf(leaves);
    return crypto::MerkleTree::fromLeaves(spans, algorithm);
}

/// A proof of one leaf, and the check the tampering test repeats with pieces changed.
struct InclusionProofCheck {
    HashAlgorithm algorithm;
    std::vector<std::byte> leaf;
    crypto::InclusionProof proof;
    Digest root;

    Digest leafHash() const { return referenceLeafHash(algorithm, leaf); }
    bool accepts(const std::vector<std::byte>& l, const crypto::InclusionProof& p,
                 const Digest& r) const {
        return crypto::verifyInclusion(algorithm, std::span<const std::byte>(l), p, r);
    }
};

const HashAlgorithm kAlgorithms[] = {HashAlgorithm::Sha256, HashAlgorithm::Blake2b256};

}  // namespace

class TestCryptoPrimitives : public QObject {
    Q_OBJECT

  private slots:
    // ---- hashes --------------------------------------------------------------------------

    void hashAlgorithmNames() {
        QCOMPARE(crypto::parseHashAlgorithm("sha256"), std::optional(HashAlgorithm::Sha256));
        QCOMPARE(crypto::parseHashAlgorithm("blake2b"), std::optional(HashAlgorithm::Blake2b256));
        for (HashAlgorithm a : kAlgorithms)
            QCOMPARE(crypto::parseHashAlgorithm(crypto::hashAlgorithmName(a)), std::optional(a));
        for (std::string_view bad : {"", "SHA256", "sha-256", "blake2", "blake2b512", "md5"})
            QVERIFY2(!crypto::parseHashAlgorithm(bad).has_value(), std::string(bad).c_str());
    }

    void sha256KnownAnswers() {
        // FIPS 180-2, Appendix B.1 and B.2, and the empty message.
        const std::pair<std::string_view, std::string_view> cases[] = {
            {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
            {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
            {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        };
        for (const auto& [message, expected] : cases) {
            QCOMPARE(hexOf(crypto::sha256(message)), QString::fromLatin1(expected));
            QCOMPARE(hexOf(crypto::hash(HashAlgorithm::Sha256, message)),
                     QString::fromLatin1(expected));
            QCOMPARE(hexOf(crypto::Hasher(HashAlgorithm::Sha256).add(message).finish()),
                     QString::fromLatin1(expected));
        }
    }

    void blake2bKnownAnswers() {
        // RFC 7693 Appendix A: BLAKE2b-512("abc").
        const auto abc = crypto::blake2b(bytesOf("abc"), 64);
        QVERIFY(abc.ok());
        QCOMPARE(hexOf(*abc),
                 QString("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                         "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"));
        // BLAKE2b-512 and BLAKE2b-256 of the empty string.
        const auto empty = crypto::blake2b({}, 64);
        QVERIFY(empty.ok());
        QCOMPARE(hexOf(*empty),
                 QString("786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
                         "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"));
        const QString empty256("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
        QCOMPARE(hexOf(crypto::blake2b256("")), empty256);
        QCOMPARE(hexOf(crypto::hash(HashAlgorithm::Blake2b256, "")), empty256);
        QCOMPARE(hexOf(crypto::Hasher(HashAlgorithm::Blake2b256).finish()), empty256);
        const auto viaLength = crypto::blake2b({}, 32);
        QVERIFY(viaLength.ok());
        QCOMPARE(hexOf(*viaLength), empty256);
        // The output length is a parameter, not a truncation.
        QVERIFY(hexOf(*empty).left(64) != empty256);
    }

    void blake2bOutputLengthIsChecked() {
        for (std::size_t bad :
             {std::size_t{0}, std::size_t{15}, std::size_t{65}, std::size_t{1000}}) {
            const auto r = crypto::blake2b(bytesOf("abc"), bad);
            QVERIFY(!r.ok());
            QCOMPARE(QString::fromStdString(r.error().message),
                     QString("BLAKE2b output length must be 16 to 64 bytes, got %1").arg(bad));
        }
        for (std::size_t good : {std::size_t{16}, std::size_t{33}, std::size_t{64}}) {
            const auto r = crypto::blake2b(bytesOf("abc"), good);
            QVERIFY(r.ok());
            QCOMPARE(r->size(), good);
        }
    }

    void incrementalEqualsOneShot() {
        const auto data = testBytes(300, 7);
        const std::span<const std::byte> all(data);
        for (HashAlgorithm a : kAlgorithms) {
            const Digest whole = crypto::hash(a, all);
            crypto::Hasher hasher(a);
            QCOMPARE(hasher.algorithm(), a);
            for (std::size_t cut = 0; cut <= data.size(); ++cut) {
                // finish() starts over, so one hasher serves every cut.
                const Digest pieces = hasher.add(all.first(cut)).add(all.subspan(cut)).finish();
                QVERIFY2(pieces == whole, qPrintable(QString("cut at %1").arg(cut)));
            }
            // Byte by byte, and a copy taken halfway continues on its own.
            for (std::size_t i = 0; i < 150; ++i)
                hasher.add(all.subspan(i, 1));
            crypto::Hasher copy = hasher;
            hasher.add(all.subspan(150));
            copy.add(all.subspan(150));
            QVERIFY(hasher.finish() == whole);
            QVERIFY(copy.finish() == whole);
            const Digest zeros{};
            QVERIFY(crypto::Hasher(a).add(zeros).finish() ==
                    crypto::hash(a, std::as_bytes(std::span(zeros))));
        }
        QVERIFY(crypto::sha256("abc") != crypto::blake2b256("abc"));
    }

    void coreSha256AgreesWithLibsodium() {
        // Every padding case: empty, within one block, the 55/56 and 63/64/65 edges where the
        // length no longer fits, two and more blocks, and a long input.
        const std::size_t lengths[] = {0,   1,   3,   31,   32,   55,   56,   57,    63,
                                       64,  65,  111, 112,  119,  120,  127,  128,   129,
                                       191, 192, 200, 1000, 4095, 4096, 4097, 100001};
        std::uint64_t seed = 11;
        for (std::size_t n : lengths) {
            const auto data = testBytes(n, ++seed);
            const Digest fromCore = core::sha256(std::span<const std::byte>(data));
            const Digest fromSodium = crypto::sha256(data);
            QVERIFY2(fromCore == fromSodium,
                     qPrintable(QString("%1 bytes: core %2, libsodium %3")
                                    .arg(n)
                                    .arg(hexOf(fromCore), hexOf(fromSodium))));
            // Both incremental, in pieces of 37 bytes.
            core::Sha256 coreHasher;
            crypto::Hasher sodiumHasher(HashAlgorithm::Sha256);
            for (std::size_t at = 0; at < n; at += 37) {
                const auto piece =
                    std::span<const std::byte>(data).subspan(at, std::min<std::size_t>(37, n - at));
                coreHasher.add(piece);
                sodiumHasher.add(piece);
            }
            QVERIFY(coreHasher.finish() == fromSodium);
            QVERIFY(sodiumHasher.finish() == fromSodium);
        }
        QVERIFY(core::sha256(std::string_view("abc")) == crypto::sha256("abc"));
    }

    // ---- Ed25519 -------------------------------------------------------------------------

    void ed25519Rfc8032Vectors() {
        QCOMPARE(crypto::kEd25519PublicKeyBytes, std::size_t{32});
        QCOMPARE(crypto::kEd25519SignatureBytes, std::size_t{64});
        struct Vector {
            std::string_view seed, publicKey, message, signature;
        };
        // RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (the one byte 0x72).
        const Vector vectors[] = {
            {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
             "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
             "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
             "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
            {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
             "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
             "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e"
             "458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        };
        for (const Vector& v : vectors) {
            const auto seedBytes = fromHex(v.seed);
            crypto::Ed25519Seed seed;
            std::copy(seedBytes.begin(), seedBytes.end(), seed.begin());
            const auto pair = crypto::Ed25519KeyPair::fromSeed(seed);
            QCOMPARE(hexOf(pair.publicKey()), QString::fromLatin1(v.publicKey));
            const auto message = fromHex(v.message);
            const auto messageBytes = std::as_bytes(std::span(message));
            const auto signature = pair.sign(messageBytes);
            QCOMPARE(hexOf(signature), QString::fromLatin1(v.signature));
            QVERIFY(crypto::verifySignature(pair.publicKey(), messageBytes, signature));
            // And from the published bytes alone.
            QVERIFY(
                crypto::verifySignature(fromHex(v.publicKey), messageBytes, fromHex(v.signature)));
        }
    }

    void ed25519EveryBitFlipFails() {
        const auto pair = crypto::Ed25519KeyPair::forNode(2024, 5);
        auto message = testBytes(100, 3);
        auto signature = pair.sign(message);
        auto publicKey = pair.publicKey();
        QVERIFY(crypto::verifySignature(publicKey, message, signature));
        int rejected = 0;
        const auto flipEach = [&](auto& bytes, const char* what) {
            for (std::size_t i = 0; i < bytes.size(); ++i)
                for (int bit = 0; bit < 8; ++bit) {
                    bytes[i] ^= static_cast<std::remove_reference_t<decltype(bytes[i])>>(1 << bit);
                    QVERIFY2(!crypto::verifySignature(publicKey, message, signature),
                             qPrintable(QString("%1 byte %2 bit %3").arg(what).arg(i).arg(bit)));
                    bytes[i] ^= static_cast<std::remove_reference_t<decltype(bytes[i])>>(1 << bit);
                    ++rejected;
                }
            QVERIFY(crypto::verifySignature(publicKey, message, signature));  // restored
        };
        flipEach(message, "message");
        flipEach(signature, "signature");
        flipEach(publicKey, "public key");
        QCOMPARE(rejected, (100 + 64 + 32) * 8);
    }

    void ed25519WrongLengthsFail() {
        const auto pair = crypto::Ed25519KeyPair::forNode(1, 0);
        const auto signature = pair.sign("hello");
        const std::span<const std::uint8_t> sig(signature), key(pair.publicKey());
        QVERIFY(crypto::verifySignature(key, "hello", sig));
        QVERIFY(!crypto::verifySignature(key, "hello", sig.first(63)));
        QVERIFY(!crypto::verifySignature(key, "hello", sig.first(32)));
        QVERIFY(!crypto::verifySignature(key, "hello", {}));
        std::vector<std::uint8_t> longer(sig.begin(), sig.end());
        longer.push_back(0);
        QVERIFY(!crypto::verifySignature(key, "hello", longer));
        QVERIFY(!crypto::verifySignature(key.first(31), "hello", sig));
        QVERIFY(!crypto::verifySignature({}, "hello", sig));
        std::vector<std::uint8_t> longKey(key.begin(), key.end());
        longKey.push_back(0);
        QVERIFY(!crypto::verifySignature(longKey, "hello", sig));
        // All-zero key and signature: a small-order point, rejected rather than accepted.
        QVERIFY(!crypto::verifySignature(crypto::Ed25519PublicKey{}, "hello",
                                         crypto::Ed25519Signature{}));
        // Another node's key.
        QVERIFY(!crypto::verifySignature(crypto::Ed25519KeyPair::forNode(1, 1).publicKey(), "hello",
                                         sig));
    }

    void ed25519DeterministicNodeKeys() {
        const auto a = crypto::Ed25519KeyPair::forNode(42, 3);
        const auto b = crypto::Ed25519KeyPair::forNode(42, 3);
        QCOMPARE(hexOf(a.publicKey()), hexOf(b.publicKey()));
        QCOMPARE(hexOf(a.sign("round 1")), hexOf(b.sign("round 1")));
        const auto c = crypto::Ed25519KeyPair::fromSeed(crypto::ed25519NodeSeed(42, 3));
        QCOMPARE(hexOf(c.publicKey()), hexOf(a.publicKey()));
        // Copies sign alike.
        auto d = crypto::Ed25519KeyPair::forNode(0, 0);
        d = a;
        QCOMPARE(hexOf(d.sign("x")), hexOf(a.sign("x")));

        std::set<QString> keys;
        for (std::uint64_t node = 0; node < 200; ++node)
            keys.insert(hexOf(crypto::Ed25519KeyPair::forNode(42, node).publicKey()));
        for (std::uint64_t run = 0; run < 50; ++run)
            keys.insert(hexOf(crypto::Ed25519KeyPair::forNode(1000 + run, 3).publicKey()));
        QCOMPARE(keys.size(), std::size_t{250});
        // Run seed and node index are not interchangeable.
        QVERIFY(crypto::ed25519NodeSeed(1, 2) != crypto::ed25519NodeSeed(2, 1));
    }

    void ed25519NodeSeedIsTheDocumentedHash() {
        // BLAKE2b-256("dais/crypto/ed25519-node-seed/v1" || runSeed LE64 || nodeIndex LE64).
        const std::uint64_t run = 0x0102030405060708ULL, node = 0xa0b0c0d0e0f00011ULL;
        std::string message = "dais/crypto/ed25519-node-seed/v1";
        for (int i = 0; i < 8; ++i)
            message.push_back(static_cast<char>(run >> (8 * i)));
        for (int i = 0; i < 8; ++i)
            message.push_back(static_cast<char>(node >> (8 * i)));
        QCOMPARE(message.size(), std::size_t{48});
        QCOMPARE(hexOf(crypto::ed25519NodeSeed(run, node)), hexOf(crypto::blake2b256(message)));
    }

    // ---- Merkle trees --------------------------------------------------------------------

    void merkleEmptyTree() {
        for (HashAlgorithm a : kAlgorithms) {
            const crypto::MerkleTree empty(a);
            QCOMPARE(empty.size(), std::uint64_t{0});
            QVERIFY(empty.leafHashes().empty());
            QCOMPARE(hexOf(empty.root()), hexOf(crypto::hash(a, "")));
            QCOMPARE(hexOf(crypto::MerkleTree::fromLeaves({}, a).root()),
                     hexOf(crypto::hash(a, "")));
            QCOMPARE(hexOf(crypto::MerkleTree::fromLeafHashes({}, a).root()),
                     hexOf(crypto::hash(a, "")));
            const auto proof = empty.proof(0);
            QVERIFY(!proof.ok());
            QCOMPARE(QString::fromStdString(proof.error().message),
                     QString("no inclusion proof for leaf 0: the Merkle tree is empty"));
        }
        QCOMPARE(hexOf(crypto::MerkleTree().root()),
                 QString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    void merkleKnownAnswers() {
        // The leaves of Certificate Transparency's reference test suite and the roots of their
        // first 1 to 8 leaves (SHA-256).
        const std::string_view leafHex[] = {"",
                                            "00",
                                            "10",
                                            "2021",
                                            "3031",
                                            "40414243",
                                            "5051525354555657",
                                            "606162636465666768696a6b6c6d6e6f"};
        const std::string_view roots[] = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
        Leaves leaves;
        for (std::size_t n = 1; n <= 8; ++n) {
            const auto bytes = fromHex(leafHex[n - 1]);
            const auto b = std::as_bytes(std::span(bytes));
            leaves.emplace_back(b.begin(), b.end());
            QCOMPARE(hexOf(treeOf(leaves, HashAlgorithm::Sha256).root()),
                     QString::fromLatin1(roots[n - 1]));
        }
    }

    void merkleNoDuplicatedLastLeaf() {
        // Three leaves: H(1 || H(1 || l0 || l1) || l2), the third moving up unpaired; and the
        // list with the last leaf repeated has another root (Bitcoin's tree gives both one).
        for (HashAlgorithm a : kAlgorithms) {
            const Leaves three = makeLeaves(3);
            Leaves four = three;
            four.push_back(three.back());
            const auto l = [&](int i) { return crypto::merkleLeafHash(a, three[i]); };
            const Digest expected =
                crypto::merkleNodeHash(a, crypto::merkleNodeHash(a, l(0), l(1)), l(2));
            QCOMPARE(hexOf(treeOf(three, a).root()), hexOf(expected));
            QVERIFY(treeOf(four, a).root() != treeOf(three, a).root());
            // One leaf: the root is the leaf's hash, H(0x00 || leaf), not the leaf's plain hash.
            const Leaves one = makeLeaves(1);
            QCOMPARE(hexOf(treeOf(one, a).root()), hexOf(crypto::merkleLeafHash(a, one[0])));
            QVERIFY(treeOf(one, a).root() != crypto::hash(a, one[0]));
        }
    }

    void merkleLeavesOfEveryLength() {
        // Short leaves are hashed in one call, long ones in pieces; both are H(0x00 || leaf).
        for (HashAlgorithm a : kAlgorithms) {
            Leaves leaves;
            for (std::size_t length :
                 {0, 1, 31, 32, 33, 64, 127, 128, 129, 130, 255, 256, 1000, 70000})
                leaves.push_back(testBytes(length, 500 + length));
            for (const auto& leaf : leaves)
                QVERIFY2(crypto::merkleLeafHash(a, leaf) == referenceLeafHash(a, leaf),
                         qPrintable(QString("leaf of %1 bytes").arg(leaf.size())));
            const auto tree = treeOf(leaves, a);
            QCOMPARE(hexOf(tree.root()), hexOf(referenceRoot(a, leaves, 0, leaves.size())));
            for (std::size_t i = 0; i < leaves.size(); ++i)
                QVERIFY(crypto::verifyInclusion(a, leaves[i], *tree.proof(i), tree.root()));
        }
    }

    void merkleRootsAndProofsAllSizes() {
        for (HashAlgorithm a : kAlgorithms) {
            for (std::size_t n = 1; n <= 70; ++n) {
                const Leaves leaves = makeLeaves(n, n);
                const auto tree = treeOf(leaves, a);
                QCOMPARE(tree.size(), std::uint64_t{n});
                QCOMPARE(tree.algorithm(), a);
                QCOMPARE(hexOf(tree.root()), hexOf(referenceRoot(a, leaves, 0, n)));
                for (std::size_t i = 0; i < n; ++i) {
                    const auto proof = tree.proof(i);
                    QVERIFY(proof.ok());
                    QCOMPARE(proof->index, std::uint64_t{i});
                    QCOMPARE(proof->treeSize, std::uint64_t{n});
                    const auto expected = referencePath(a, i, leaves, 0, n);
                    QCOMPARE(proof->path.size(), expected.size());
                    for (std::size_t j = 0; j < expected.size(); ++j)
                        QCOMPARE(hexOf(proof->path[j]), hexOf(expected[j]));
                    QCOMPARE(proof->wireBytes(), std::uint64_t{16 + 32 * expected.size()});
                    QVERIFY2(crypto::verifyInclusion(a, leaves[i], *proof, tree.root()),
                             qPrintable(QString("n %1 index %2").arg(n).arg(i)));
                    QVERIFY(crypto::verifyInclusion(a, tree.leafHashes()[i], *proof, tree.root()));
                    QCOMPARE(hexOf(tree.leafHashes()[i]), hexOf(referenceLeafHash(a, leaves[i])));
                }
            }
        }
        // The algorithm matters.
        const Leaves leaves = makeLeaves(10);
        QVERIFY(treeOf(leaves, HashAlgorithm::Sha256).root() !=
                treeOf(leaves, HashAlgorithm::Blake2b256).root());
    }

    void merkleTamperedProofsFail() {
        std::size_t otherSizes = 0, rejectedSizes = 0;
        for (HashAlgorithm a : kAlgorithms) {
            for (std::uint64_t n = 1; n <= 70; ++n) {
                const Leaves leaves = makeLeaves(n, 100 + n);
                const auto tree = treeOf(leaves, a);
                const Digest root = tree.root();
                for (std::uint64_t i = 0; i < n; ++i) {
                    const QString where = QString("n %1 index %2: ").arg(n).arg(i);
                    const InclusionProofCheck check{a, leaves[i], *tree.proof(i), root};
                    QVERIFY(check.accepts(check.leaf, check.proof, check.root));

                    // Any byte of the leaf, of a path digest, of the root.
                    for (std::size_t b = 0; b < check.leaf.size(); ++b) {
                        auto leaf = check.leaf;
                        leaf[b] ^= std::byte{0x01};
                        QVERIFY2(!check.accepts(leaf, check.proof, root),
                                 qPrintable(where + QString("leaf byte %1").arg(b)));
                    }
                    for (std::size_t p = 0; p < check.proof.path.size(); ++p)
                        for (std::size_t b = 0; b < 32; ++b) {
                            auto proof = check.proof;
                            proof.path[p][b] ^= 0x80;
                            QVERIFY2(!check.accepts(check.leaf, proof, root),
                                     qPrintable(where + QString("path %1 byte %2").arg(p).arg(b)));
                        }
                    for (std::size_t b = 0; b < 32; ++b) {
                        Digest other = root;
                        other[b] ^= 0x01;
                        QVERIFY2(!check.accepts(check.leaf, check.proof, other),
                                 qPrintable(where + QString("root byte %1").arg(b)));
                    }

                    // Every other index, in the tree and beyond it.
                    for (std::uint64_t j = 0; j < n + 3; ++j) {
                        if (j == i) continue;
                        auto proof = check.proof;
                        proof.index = j;
                        QVERIFY2(!check.accepts(check.leaf, proof, root),
                                 qPrintable(where + QString("claimed index %1").arg(j)));
                    }
                    auto huge = check.proof;
                    huge.index = ~std::uint64_t{0};
                    QVERIFY(!check.accepts(check.leaf, huge, root));

                    // Other tree sizes: the recursive verifier and the iterative one agree on
                    // every size, and a size is accepted exactly when it gives the leaf a path of
                    // the same shape (the same siblings on the same sides), which hashes to the
                    // same root; every other size, including each with another path length, is
                    // rejected.
                    const std::string shape = referencePathShape(i, n);
                    for (std::uint64_t m = 0; m <= 2 * n + 2; ++m) {
                        if (m == n) continue;
                        auto proof = check.proof;
                        proof.treeSize = m;
                        const auto expected =
                            referenceRootFromPath(a, check.leafHash(), i, m, proof.path);
                        const bool accepted = check.accepts(check.leaf, proof, root);
                        QVERIFY2(accepted == (expected.has_value() && *expected == root),
                                 qPrintable(where + QString("claimed size %1").arg(m)));
                        const bool sameShape = m > i && referencePathShape(i, m) == shape;
                        QVERIFY2(accepted == sameShape,
                                 qPrintable(where + QString("claimed size %1").arg(m)));
                        if (!accepted) ++rejectedSizes;
                        ++otherSizes;
                    }

                    // A path one digest short (either end) or one long.
                    if (!check.proof.path.empty()) {
                        auto shortEnd = check.proof;
                        shortEnd.path.pop_back();
                        QVERIFY(!check.accepts(check.leaf, shortEnd, root));
                        auto shortStart = check.proof;
                        shortStart.path.erase(shortStart.path.begin());
                        QVERIFY(!check.accepts(check.leaf, shortStart, root));
                    }
                    for (const Digest& extra : {root, Digest{}, tree.leafHashes()[i]}) {
                        auto longEnd = check.proof;
                        longEnd.path.push_back(extra);
                        QVERIFY(!check.accepts(check.leaf, longEnd, root));
                        auto longStart = check.proof;
                        longStart.path.insert(longStart.path.begin(), extra);
                        QVERIFY(!check.accepts(check.leaf, longStart, root));
                    }

                    // Size 0, and a proof checked with the other algorithm.
                    auto zero = check.proof;
                    zero.treeSize = 0;
                    zero.index = 0;
                    QVERIFY(!check.accepts(check.leaf, zero, root));
                    const HashAlgorithm other = a == HashAlgorithm::Sha256
                                                    ? HashAlgorithm::Blake2b256
                                                    : HashAlgorithm::Sha256;
                    QVERIFY(!crypto::verifyInclusion(other, check.leaf, check.proof, root));
                }
            }
        }
        // Most other sizes change the shape (72% of those tried); leaf 0 of 5 leaves under a
        // claimed size of 6, the example of verifyInclusion's comment, does not.
        QVERIFY(rejectedSizes > otherSizes / 2);
        const Leaves five = makeLeaves(5);
        const auto tree = treeOf(five, HashAlgorithm::Sha256);
        auto proof = *tree.proof(0);
        proof.treeSize = 6;
        QVERIFY(crypto::verifyInclusion(HashAlgorithm::Sha256, five[0], proof, tree.root()));
    }

    void merkleInnerNodeIsNoLeaf() {
        // Leaf 0 of 8 leaves: its path is l1, H(l2 l3), H(l4..l7). The node H(l0 l1) with the
        // last two of those hashes to the root, like leaf 0 of a 4-leaf tree.
        for (HashAlgorithm a : kAlgorithms) {
            const Leaves leaves = makeLeaves(8);
            const auto tree = treeOf(leaves, a);
            const auto full = *tree.proof(0);
            const auto hashes = tree.leafHashes();
            const Digest node01 = crypto::merkleNodeHash(a, hashes[0], hashes[1]);
            const crypto::InclusionProof upper{0, 4, {full.path[1], full.path[2]}};
            // Given as a hash under a size of 4 it verifies: the root does not bind the size,
            // which the verifier must take from what it trusts along with the root ...
            QVERIFY(crypto::verifyInclusion(a, node01, upper, tree.root()));
            // ... and under the true size, 8, the path is too short.
            QVERIFY(!crypto::verifyInclusion(a, node01, {0, 8, upper.path}, tree.root()));
            // Given as a leaf's bytes (the 64 bytes of its children), even under size 4, it
            // fails: its leaf hash is H(0x00 || l0 || l1), never the node's H(0x01 || l0 || l1).
            std::vector<std::byte> nodeBytes;
            for (const Digest& d : {hashes[0], hashes[1]}) {
                const auto b = std::as_bytes(std::span(d));
                nodeBytes.insert(nodeBytes.end(), b.begin(), b.end());
            }
            QVERIFY(!crypto::verifyInclusion(a, std::span<const std::byte>(nodeBytes), upper,
                                             tree.root()));
        }
    }

    void merkleFromLeafHashesEqualsFromLeaves() {
        for (HashAlgorithm a : kAlgorithms) {
            for (std::size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 64, 65, 70, 1000, 1025}) {
                const Leaves leaves = makeLeaves(n, 7);
                const auto fromLeaves = treeOf(leaves, a);
                std::vector<Digest> hashes;
                for (const auto& leaf : leaves)
                    hashes.push_back(crypto::merkleLeafHash(a, leaf));
                const auto fromHashes = crypto::MerkleTree::fromLeafHashes(hashes, a);
                QCOMPARE(hexOf(fromHashes.root()), hexOf(fromLeaves.root()));
                QCOMPARE(fromHashes.size(), fromLeaves.size());
                for (std::size_t i = 0; i < n; i += 1 + n / 20) {
                    const auto p = fromHashes.proof(i), q = fromLeaves.proof(i);
                    QVERIFY(p.ok() && q.ok());
                    QVERIFY(p->path == q->path);
                    QVERIFY(crypto::verifyInclusion(a, hashes[i], *p, fromLeaves.root()));
                }
            }
        }
    }

    void merkleProofIndexOutOfRange() {
        const Leaves leaves = makeLeaves(10);
        const auto tree = treeOf(leaves, HashAlgorithm::Sha256);
        for (std::uint64_t bad : {std::uint64_t{10}, std::uint64_t{11}, ~std::uint64_t{0}}) {
            const auto proof = tree.proof(bad);
            QVERIFY(!proof.ok());
            QCOMPARE(QString::fromStdString(proof.error().message),
                     QString("no inclusion proof for leaf %1: the Merkle tree has 10 leaves "
                             "(indices 0 to 9)")
                         .arg(bad));
        }
    }

    void merkleLargeTree() {
        // 2^17 + 3 leaves: a full left subtree of 2^17 leaves, and three leaves beside it.
        const std::size_t n = (std::size_t{1} << 17) + 3;
        Leaves leaves(n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t value = i * 0x9e3779b97f4a7c15ULL;
            const auto b = std::as_bytes(std::span(&value, 1));
            leaves[i].assign(b.begin(), b.end());
        }
        for (HashAlgorithm a : kAlgorithms) {
            const auto tree = treeOf(leaves, a);
            QCOMPARE(tree.size(), std::uint64_t{n});
            QCOMPARE(hexOf(tree.root()), hexOf(referenceRoot(a, leaves, 0, n)));
            const std::vector<Digest> hashes(tree.leafHashes().begin(), tree.leafHashes().end());
            QVERIFY(crypto::MerkleTree::fromLeafHashes(hashes, a).root() == tree.root());
            // Leaf 0: 17 siblings in the left subtree and the right part's root. The last leaf:
            // the pair beside it and the left subtree's root. The first of the three: its
            // neighbour, the third leaf, and the left subtree's root.
            QCOMPARE(tree.proof(0)->path.size(), std::size_t{18});
            QCOMPARE(tree.proof(n - 1)->path.size(), std::size_t{2});
            QCOMPARE(tree.proof(n - 3)->path.size(), std::size_t{3});
            for (std::size_t i = 0; i < n; i += 997) {
                const auto proof = tree.proof(i);
                QVERIFY(proof.ok());
                QVERIFY(crypto::verifyInclusion(a, leaves[i], *proof, tree.root()));
                QVERIFY(!crypto::verifyInclusion(a, leaves[(i + 1) % n], *proof, tree.root()));
            }
            for (std::size_t i : {n - 3, n - 2, n - 1}) {
                const auto proof = tree.proof(i);
                QVERIFY(crypto::verifyInclusion(a, hashes[i], *proof, tree.root()));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCryptoPrimitives)
#include "tst_crypto_primitives.moc"
