// Blocks as they are hashed and sent, and the block tree: the encoding round-trips, forks share
// exactly their common prefix, fork choice follows work and then arrival, bad blocks are
// refused, and a chain whose block k has any byte changed fails verification exactly at k.
#include <QtTest>

#include <cstring>

#include "dais/ledger/block.h"
#include "dais/ledger/block_presence.h"
#include "dais/ledger/block_tree.h"
#include "dais/ledger/transaction_load.h"

using namespace dais;
using namespace dais::ledger;

namespace {

/// A stand-in signature for the tree's own tests (the layer signs with Ed25519 through the
/// integrity service): SHA-256 of the producer's number and the block's hash, twice over.
Signature sign(const BlockHeader& h, const core::Digest& hash) {
    const core::Digest a = core::Sha256().addValue(h.producer).add(hash).finish();
    const core::Digest b = core::Sha256().add(a).finish();
    Signature s{};
    std::memcpy(s.data(), a.data(), 32);
    std::memcpy(s.data() + 32, b.data(), 32);
    return s;
}

BlockHeader child(const BlockTree& t, BlockId parent, std::uint64_t nonce) {
    BlockHeader h;
    h.height = t.height(parent) + 1;
    h.parent = t.hash(parent);
    h.txRoot = core::sha256("transactions " + std::to_string(nonce));
    h.time = static_cast<sim::SimTime>(h.height) * 600 * sim::kSecond;
    h.producer = static_cast<std::uint32_t>(nonce % 7);
    h.nonce = nonce;
    h.txCount = 2000;
    h.txBytes = 1'000'000;
    return h;
}

/// A tree with a genesis block and a chain of `length` blocks on it; returns the tip.
BlockId grow(BlockTree& t, BlockId from, std::size_t length, std::uint64_t seed) {
    for (std::size_t i = 0; i < length; ++i) {
        const BlockHeader h = child(t, from, seed * 1000 + i);
        from = t.add(h, sign(h, blockHash(h))).value();
    }
    return from;
}

BlockId genesis(BlockTree& t) {
    BlockHeader g;
    return t.add(g, sign(g, blockHash(g))).value();
}

}  // namespace

class TestLedgerChain : public QObject {
    Q_OBJECT

  private slots:
    void headersRoundTrip() {
        BlockTree t;
        const BlockHeader h = child(t, genesis(t), 42);
        QCOMPARE(BlockHeader::kEncodedBytes, std::size_t{108});
        const EncodedHeader bytes = encode(h);
        const auto back = decode(bytes);
        QVERIFY(back.has_value());
        QVERIFY(*back == h);
        QCOMPARE(blockWireBytes(h), std::uint64_t{108 + 64 + 1'000'000});
        EncodedHeader other = bytes;
        other[0] = std::byte{2};  // version 2 is not a header of this ledger
        QVERIFY(!decode(other).has_value());
        QCOMPARE(blockHash(*back), blockHash(h));
    }

    void forksShareTheirPrefix() {
        BlockTree t;
        const BlockId g = genesis(t);
        const BlockId main = grow(t, g, 100, 1);
        const BlockId at60 = t.ancestorAt(main, 60);
        const BlockId fork = grow(t, at60, 50, 2);
        QCOMPARE(t.size(), std::size_t{151});
        QCOMPARE(t.height(main), std::uint64_t{100});
        QCOMPARE(t.height(fork), std::uint64_t{110});
        QCOMPARE(t.commonAncestor(main, fork), at60);
        QCOMPARE(t.commonAncestor(fork, main), at60);
        QCOMPARE(t.commonAncestor(main, t.ancestorAt(main, 30)), t.ancestorAt(main, 30));
        QVERIFY(t.isAncestor(at60, fork));
        QVERIFY(t.isAncestor(g, main));
        QVERIFY(!t.isAncestor(t.ancestorAt(main, 61), fork));
        QCOMPARE(t.ancestorAt(main, 101), kNoBlock);
        for (std::uint64_t h = 0; h <= 100; h += 7) {  // by parent pointers, step by step
            BlockId b = main;
            while (t.height(b) > h)
                b = t.parent(b);
            QCOMPARE(t.ancestorAt(main, h), b);
        }
        // Fork choice: the longer chain (more work); at equal work the one seen first.
        QVERIFY(t.better(fork, main));
        const BlockId rival = grow(t, at60, 50, 3);
        QVERIFY(t.better(fork, rival));
        QVERIFY(!t.better(rival, fork));
        QCOMPARE(t.find(t.hash(rival)).value(), rival);
    }

    void badBlocksAreRefused() {
        BlockTree t;
        BlockHeader notGenesis;
        notGenesis.height = 3;
        QVERIFY(!t.add(notGenesis, {}).ok());
        const BlockId g = genesis(t);
        BlockHeader orphan = child(t, g, 1);
        orphan.parent = core::sha256("nobody");
        const auto refused = t.add(orphan, {});
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.find("parent") != std::string::npos);
        BlockHeader tall = child(t, g, 2);
        tall.height = 5;
        QVERIFY(!t.add(tall, {}).ok());
        const BlockHeader ok = child(t, g, 3);
        QVERIFY(t.add(ok, {}).ok());
        QVERIFY(!t.add(ok, {}).ok());                 // already there
        QVERIFY(!t.add(child(t, g, 4), {}, 0).ok());  // no work
    }

    void aChangedByteFailsExactlyAtItsBlock() {
        BlockTree t;
        const BlockId tip = grow(t, genesis(t), 20, 5);
        const std::vector<SignedBlock> chain = t.chain(tip);
        QCOMPARE(chain.size(), std::size_t{21});
        ChainChecks checks;
        checks.signature = [](const BlockHeader& h, const core::Digest& hash, const Signature& s) {
            return s == sign(h, hash);
        };
        QVERIFY(!firstInvalid(chain, checks).has_value());
        for (const std::uint64_t k : {0u, 1u, 7u, 19u, 20u}) {
            for (std::size_t i = 0; i < BlockHeader::kEncodedBytes; ++i) {
                std::vector<SignedBlock> bad = chain;
                bad[k].header[i] ^= std::byte{0x01};
                const auto at = firstInvalid(bad, checks);
                QVERIFY2(at.has_value() && *at == k,
                         qPrintable(QString("block %1 byte %2: %3")
                                        .arg(k)
                                        .arg(i)
                                        .arg(at ? QString::number(*at) : "none")));
            }
            for (std::size_t i = 0; i < 64; ++i) {
                std::vector<SignedBlock> bad = chain;
                bad[k].signature[i] ^= 0x80;
                QCOMPARE(firstInvalid(bad, checks).value_or(999), k);
            }
        }
    }

    void presenceIsABitPerNodeAndBlock() {
        BlockPresence p(10'000);
        QVERIFY(p.give(3, 0));
        QVERIFY(!p.give(3, 0));
        QVERIFY(p.give(3, 9'999));
        QVERIFY(p.give(3, 64));
        QVERIFY(!p.give(3, 10'000));  // no such node
        QVERIFY(p.has(3, 0) && p.has(3, 64) && p.has(3, 9'999));
        QVERIFY(!p.has(3, 1) && !p.has(2, 0) && !p.has(4, 0) && !p.has(1'000, 0));
        QCOMPARE(p.holders(3), std::size_t{3});
        QCOMPARE(p.holders(0), std::size_t{0});
        for (std::uint32_t n = 0; n < 10'000; ++n)
            p.give(1'007, n);
        QCOMPARE(p.holders(1'007), std::size_t{10'000});
        // 1,008 blocks over 10,000 nodes: 157 words a block.
        QCOMPARE(p.bytes(), std::size_t{1'008 * 157 * 8});
    }

    /// Arrivals are a Poisson process split by share; a block takes the best-paying class
    /// first; what a chain took is not offered again; a receiver behind the producer lacks what
    /// arrived in between, in the proportion the block took.
    void transactionLoadCountsAndFills() {
        using namespace dais::ledger;
        TransactionLoad::Settings s;
        s.ratePerSecond = 100;
        s.meanBytes = 100;
        s.classes = {{1, 0.75}, {10, 0.25}};
        s.spread = 10'000'000'000;  // 10 s
        TransactionLoad load(s, dais::sim::RngStream(1, "test", 0, "tx"));
        const dais::sim::SimTime t = 1000'000'000'000;  // 1,000 s
        load.advance(t);
        const double low = static_cast<double>(load.arrived(0, t));
        const double high = static_cast<double>(load.arrived(1, t));
        // 100,000 expected, standard deviation 316; shares 3:1.
        QVERIFY(std::abs(low + high - 100'000) < 1'500);
        QVERIFY(std::abs(high / (low + high) - 0.25) < 0.01);
        // Arrivals up to an earlier time in the window are fewer.
        QVERIFY(load.arrived(1, t - 5'000'000'000) < load.arrived(1, t));

        ClassCounts none{{0, 0}};
        // Room for 30,000 transactions: all of the high class, the rest from the low one.
        const ClassCounts take = load.fill(t, none, 3'000'000, 0);
        QCOMPARE(take.count[1], load.arrived(1, t));
        QCOMPARE(take.count[0] + take.count[1], std::uint64_t{30'000});
        // Room taken by records leaves less for the load.
        QCOMPARE(load.fill(t, none, 3'000'000, 1'000'000).total(), std::uint64_t{20'000});
        // On a chain that has taken those, the rest waits.
        const ClassCounts next = load.fill(t, take, 100'000'000, 0);
        QCOMPARE(next.count[1], std::uint64_t{0});
        QCOMPARE(next.count[0], load.arrived(0, t) - take.count[0]);
        // A receiver whose horizon is 2 s behind lacks the high class's last 2 s of arrivals
        // (the block took all of it) and a share of the low class's.
        const dais::sim::SimTime behind = t - 2'000'000'000;
        const std::uint64_t lacking = load.missing(take, none, t, behind);
        const double highGap = static_cast<double>(load.arrived(1, t) - load.arrived(1, behind));
        const double lowGap = static_cast<double>(load.arrived(0, t) - load.arrived(0, behind));
        const double expected = highGap + lowGap * static_cast<double>(take.count[0]) / low;
        QVERIFY(std::abs(static_cast<double>(lacking) - expected) <= 1);
        QCOMPARE(load.missing(take, none, t, t), std::uint64_t{0});
    }
};

QTEST_APPLESS_MAIN(TestLedgerChain)
#include "tst_ledger_chain.moc"
