// The privacy layer's integrity service as another layer uses it, through a run: a node's
// signature verifies under its key and under no other, and any changed bit of the message or the
// signature fails; keys are the run seed's (the same in two runs of one seed, others under another
// seed, each node's the primitives' key for its index); the hashes are SHA-256 and BLAKE2b-256;
// Merkle proofs verify for every leaf of trees of 1 to 33 leaves, their roots are RFC 6962's, and
// any changed byte of the leaf, the path or the root fails; bad nodes and indices are refused with
// a message; the costs are the layer's parameters.
#include <QtTest>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../../federated/fl_layer_util.h"
#include "dais/core/digest.h"
#include "dais/core/integrity.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/crypto/hashes.h"
#include "dais/crypto/merkle_tree.h"
#include "dais/crypto/signatures.h"
#include "dais/layers/crypto.h"

using namespace dais;
using Integrity = core::IntegrityService;
using nlohmann::json;

namespace {

constexpr std::size_t kNodes = 5;
constexpr std::size_t kMaxLeaves = 33;

/// What the checker saw, all counted so that the test can say what failed.
struct Seen {
    std::vector<Integrity::PublicKey> keys;
    Integrity::Signature signature{};
    bool signedVerifies = false, verifiesUnderNode = false;
    std::size_t otherKeysAccepting = 0;  // other nodes' keys the signature verified under
    std::size_t messageChanges = 0, messageChangesAccepted = 0;
    std::size_t signatureChanges = 0, signatureChangesAccepted = 0;
    bool deterministic = false;
    std::string badSign, badKey;
    bool badNodeVerifies = true;
    core::Digest sha{}, blake{};
    // Merkle
    std::size_t proofs = 0, proofsFailing = 0;
    std::size_t rootsUnlikeRfc = 0, wireBytesWrong = 0;
    std::size_t changes = 0, changesAccepted = 0;
    std::size_t otherIndexAccepted = 0;
    std::string badIndex, emptyIndex;
    core::Digest emptyRoot{};
    Integrity::Costs costs;
};
Seen seen;

std::vector<std::byte> bytesOf(std::string_view text) {
    const auto b = std::as_bytes(std::span(text));
    return {b.begin(), b.end()};
}

/// The digest of leaf i of a test tree.
core::Digest leafOf(std::size_t i) {
    return core::sha256("leaf " + std::to_string(i));
}

/// Uses the integrity service in start(): signs, verifies, hashes and proves, and writes what it
/// saw into `seen`.
class Checker final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "checker";
        d.name = "Integrity checker";
        d.version = "0.1.0";
        d.summary = "Signs, hashes and proves through the integrity service; for tests.";
        d.uses = {{std::string(Integrity::kId), true, "it checks it"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new Checker()); }};
    }
    void setup(core::LayerContext&) override {}
    void start(core::LayerContext& ctx) override {
        Integrity* s = ctx.services().find<Integrity>();
        QVERIFY(s != nullptr);
        seen = Seen{};
        for (sim::NodeIndex n = 0; n < kNodes; ++n) {
            auto key = s->publicKey(n);
            QVERIFY2(key.ok(), key ? "" : key.error().message.c_str());
            seen.keys.push_back(*key);
        }
        signatures(*s);
        merkle(*s);
        seen.sha = s->hash(Integrity::Hash::Sha256, bytesOf("abc"));
        seen.blake = s->hash(Integrity::Hash::Blake2b, bytesOf("abc"));
        seen.costs = s->costs();
    }

  private:
    static void signatures(Integrity& s) {
        std::vector<std::byte> message = bytesOf(
            "block 17: 3 transactions, parent 9f2c, a hundred bytes or so to sign as a node would");
        auto sig = s.sign(1, message);
        QVERIFY2(sig.ok(), sig ? "" : sig.error().message.c_str());
        seen.signature = *sig;
        seen.signedVerifies = s.verify(seen.keys[1], message, *sig);
        seen.verifiesUnderNode = s.verify(sim::NodeIndex{1}, message, *sig);
        for (sim::NodeIndex n = 0; n < kNodes; ++n)
            if (n != 1) seen.otherKeysAccepting += s.verify(seen.keys[n], message, *sig);
        seen.deterministic = s.sign(1, message).value() == *sig;
        // Every bit of the message, then of the signature.
        for (std::size_t i = 0; i < message.size(); ++i)
            for (int bit = 0; bit < 8; ++bit) {
                message[i] ^= static_cast<std::byte>(1 << bit);
                ++seen.messageChanges;
                seen.messageChangesAccepted += s.verify(seen.keys[1], message, *sig);
                message[i] ^= static_cast<std::byte>(1 << bit);
            }
        Integrity::Signature changed = *sig;
        for (std::size_t i = 0; i < changed.size(); ++i)
            for (int bit = 0; bit < 8; ++bit) {
                changed[i] ^= static_cast<std::uint8_t>(1 << bit);
                ++seen.signatureChanges;
                seen.signatureChangesAccepted += s.verify(seen.keys[1], message, changed);
                changed[i] ^= static_cast<std::uint8_t>(1 << bit);
            }
        auto bad = s.sign(kNodes, message);
        if (!bad) seen.badSign = bad.error().message;
        auto badKey = s.publicKey(kNodes + 7);
        if (!badKey) seen.badKey = badKey.error().message;
        seen.badNodeVerifies = s.verify(sim::NodeIndex{kNodes}, message, *sig);
    }

    static void merkle(Integrity& s) {
        for (std::size_t n = 1; n <= kMaxLeaves; ++n) {
            std::vector<core::Digest> leaves;
            for (std::size_t i = 0; i < n; ++i)
                leaves.push_back(leafOf(i));
            const core::Digest root = s.merkleRoot(leaves);
            // RFC 6962 over the 32-byte leaves, as the primitives compute it.
            std::vector<std::span<const std::byte>> spans;
            for (const core::Digest& d : leaves)
                spans.push_back(std::as_bytes(std::span(d)));
            seen.rootsUnlikeRfc += crypto::MerkleTree::fromLeaves(spans).root() != root;
            for (std::size_t i = 0; i < n; ++i) {
                auto proof = s.inclusionProof(leaves, i);
                if (!proof) {
                    ++seen.proofsFailing;
                    continue;
                }
                ++seen.proofs;
                seen.proofsFailing += !s.verifyInclusion(leaves[i], *proof, root);
                seen.wireBytesWrong += proof->wireBytes() != 16 + 32 * proof->path.size();
                // Any changed byte of the leaf, of a path digest or of the root.
                core::Digest leaf = leaves[i];
                for (std::size_t b = 0; b < leaf.size(); ++b) {
                    leaf[b] ^= 0x01;
                    ++seen.changes;
                    seen.changesAccepted += s.verifyInclusion(leaf, *proof, root);
                    leaf[b] ^= 0x01;
                }
                Integrity::InclusionProof changed = *proof;
                for (core::Digest& d : changed.path)
                    for (std::size_t b = 0; b < d.size(); ++b) {
                        d[b] ^= 0x80;
                        ++seen.changes;
                        seen.changesAccepted += s.verifyInclusion(leaves[i], changed, root);
                        d[b] ^= 0x80;
                    }
                core::Digest r = root;
                for (std::size_t b = 0; b < r.size(); ++b) {
                    r[b] ^= 0x01;
                    ++seen.changes;
                    seen.changesAccepted += s.verifyInclusion(leaves[i], *proof, r);
                    r[b] ^= 0x01;
                }
                // The proof of leaf i does not show any other leaf at i, nor leaf i elsewhere.
                for (std::size_t k = 0; k < n; ++k) {
                    if (k == i) continue;
                    seen.otherIndexAccepted += s.verifyInclusion(leaves[k], *proof, root);
                    Integrity::InclusionProof moved = *proof;
                    moved.index = k;
                    seen.otherIndexAccepted += s.verifyInclusion(leaves[i], moved, root);
                }
            }
            if (n == 10) {
                auto bad = s.inclusionProof(leaves, 10);
                if (!bad) seen.badIndex = bad.error().message;
            }
        }
        auto empty = s.inclusionProof({}, 0);
        if (!empty) seen.emptyIndex = empty.error().message;
        seen.emptyRoot = s.merkleRoot({});
    }
};

}  // namespace

class TestCryptoIntegrity : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    json scenario(std::uint64_t seed) const {
        return json{{"format", "dais-scenario"},
                    {"version", 1},
                    {"meta", {{"name", "integrity"}}},
                    {"network",
                     {{"nodes", {{{"id", "hub"}}}},
                      {"groups", {{{"id", "nodes"}, {"count", kNodes - 1}, {"attach", "hub"}}}}}},
                    {"layers", {{"crypto", json::object()}, {"checker", json::object()}}},
                    {"run", {{"seed", seed}, {"until", "1s"}}}};
    }

    void run(const json& doc) {
        const core::RunReport report = fltest::runText(doc.dump(), registry_);
        if (report.status != core::RunStatus::Completed)
            qFatal("the run did not complete: %s", report.error.c_str());
    }

  private slots:
    void initTestCase() {
        QVERIFY(registry_.add(layers::crypto::factory()).ok());
        QVERIFY(registry_.add(Checker::factory()).ok());
    }

    void aSignatureVerifiesOnlyUnderItsKeyAndUnchanged() {
        run(scenario(3));
        QVERIFY(seen.signedVerifies);
        QVERIFY(seen.verifiesUnderNode);
        QVERIFY(seen.deterministic);
        QCOMPARE(seen.otherKeysAccepting, std::size_t(0));
        QVERIFY(seen.messageChanges > 600);
        QCOMPARE(seen.messageChangesAccepted, std::size_t(0));
        QCOMPARE(seen.signatureChanges, std::size_t(8 * Integrity::kSignatureBytes));
        QCOMPARE(seen.signatureChangesAccepted, std::size_t(0));
        QVERIFY(!seen.badNodeVerifies);
        QVERIFY2(seen.badSign.find("no node 5") != std::string::npos &&
                     seen.badSign.find("5 nodes") != std::string::npos,
                 seen.badSign.c_str());
        QVERIFY2(seen.badKey.find("no node 12") != std::string::npos, seen.badKey.c_str());
    }

    void keysComeFromTheRunSeed() {
        run(scenario(3));
        const std::vector<Integrity::PublicKey> first = seen.keys;
        run(scenario(3));
        QVERIFY(seen.keys == first);
        for (std::size_t n = 0; n < kNodes; ++n) {
            QVERIFY(crypto::Ed25519KeyPair::forNode(3, n).publicKey() == first[n]);
            for (std::size_t m = 0; m < n; ++m)
                QVERIFY(first[m] != first[n]);
        }
        run(scenario(4));
        for (std::size_t n = 0; n < kNodes; ++n)
            QVERIFY(seen.keys[n] != first[n]);
    }

    void hashesAreSha256AndBlake2b() {
        run(scenario(3));
        QCOMPARE(core::hexText(seen.sha),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QVERIFY(seen.blake == crypto::blake2b256("abc"));
        QVERIFY(seen.blake != seen.sha);
        QCOMPARE(Integrity::hashName(Integrity::Hash::Blake2b), std::string_view("blake2b"));
        QVERIFY(Integrity::parseHash("sha256") == Integrity::Hash::Sha256);
        QVERIFY(!Integrity::parseHash("md5").has_value());
    }

    void merkleProofsVerifyForEveryLeafAndNoChange() {
        run(scenario(3));
        QCOMPARE(seen.proofs, kMaxLeaves * (kMaxLeaves + 1) / 2);
        QCOMPARE(seen.proofsFailing, std::size_t(0));
        QCOMPARE(seen.rootsUnlikeRfc, std::size_t(0));
        QCOMPARE(seen.wireBytesWrong, std::size_t(0));
        QVERIFY(seen.changes > 30000);
        QCOMPARE(seen.changesAccepted, std::size_t(0));
        QCOMPARE(seen.otherIndexAccepted, std::size_t(0));
        QVERIFY2(seen.badIndex.find("leaf 10") != std::string::npos &&
                     seen.badIndex.find("0 to 9") != std::string::npos,
                 seen.badIndex.c_str());
        QVERIFY2(seen.emptyIndex.find("empty") != std::string::npos, seen.emptyIndex.c_str());
        QVERIFY(seen.emptyRoot == core::sha256(std::string_view()));
    }

    void costsAreTheLayersParameters() {
        run(scenario(3));
        QCOMPARE(seen.costs.sign, 1.5e-5);
        QCOMPARE(seen.costs.verify, 4.4e-5);
        QCOMPARE(seen.costs.referenceFlopsPerSecond, 50e9);
        QVERIFY(seen.costs.sha256PerByte > seen.costs.blake2bPerByte);
        QCOMPARE(seen.costs.merkleRoot(4), 4 * seen.costs.merkleLeaf + 3 * seen.costs.merkleNode);
        json doc = scenario(3);
        doc["layers"]["crypto"] = {{"cost_sign", 2e-5}, {"cost_verify", 1e-4}};
        run(doc);
        QCOMPARE(seen.costs.sign, 2e-5);
        QCOMPARE(seen.costs.verify, 1e-4);
    }
};

QTEST_GUILESS_MAIN(TestCryptoIntegrity)
#include "tst_crypto_integrity.moc"
