// Secure aggregation (Bonawitz et al. 2017; SecAgg+, Bell et al. 2020) run in memory: the
// unmasked sum is the plain sum of the quantised inputs, exactly, whoever drops out between the
// steps; below the threshold nothing is revealed; the server's view of one input is uniform.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "dais/crypto/secagg/local_session.h"
#include "dais/crypto/secagg/neighbourhood.h"
#include "dais/crypto/secagg/protocol.h"
#include "dais/crypto/secagg/ring.h"
#include "dais/crypto/secagg/shamir.h"
#include "dais/crypto/secagg/traffic.h"

using namespace dais::crypto::secagg;

namespace {

__extension__ typedef unsigned __int128 u128;

Key32 seedOf(std::uint64_t n) {
    Key32 k{};
    for (int b = 0; b < 8; ++b)
        k[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(n >> (8 * b));
    return k;
}

struct SessionResult {
    bool revealed = false;
    std::string reason;
    std::vector<std::uint64_t> sum;       // ring words
    std::vector<std::uint64_t> expected;  // plain sum of the survivors' quantised inputs
    std::vector<std::uint32_t> survivors;
    std::uint64_t bytesSent0 = 0, bytesReceived0 = 0;  // party 0's traffic
    std::vector<std::uint64_t> maskedOfParty0;
};

/// Party p's quantised input: values in [-100, 100] from a stream of its own.
std::vector<std::uint64_t> inputOf(std::uint32_t p, std::size_t m, const Ring& ring,
                                   std::uint64_t seed) {
    std::mt19937_64 values(seed * 7919 + p);
    std::vector<double> v(m);
    for (double& x : v)
        x = std::uniform_real_distribution<double>(-100, 100)(values);
    std::vector<std::uint64_t> q(m);
    ring.encode(v, q);
    return q;
}

/// One session of n parties with inputs of m values; `drop` lists who drops out when.
SessionResult runSession(std::size_t n, std::size_t m, std::size_t threshold, std::size_t k,
                         const std::vector<std::pair<std::uint32_t, DropAt>>& drop,
                         unsigned valueBits = 24, std::uint64_t seed = 1) {
    LocalSession s;
    s.parties = n;
    s.length = m;
    s.threshold = threshold;
    s.neighbours = k;
    s.ring = Ring::forParties(valueBits, n, 1 << 10);
    s.seed = seed;
    s.drops.assign(n, DropAt::Never);
    for (const auto& [p, at] : drop)
        s.drops[p] = at;
    s.input = [&](std::uint32_t p, std::span<std::uint64_t> out) {
        const auto q = inputOf(p, m, s.ring, seed);
        std::copy(q.begin(), q.end(), out.begin());
    };
    s.watch = 0;
    const LocalSessionResult r = runLocalSession(s);
    SessionResult out;
    out.revealed = r.revealed;
    out.reason = r.reason;
    out.sum = r.sum;
    out.survivors = r.survivors;
    out.bytesSent0 = r.watchedSent;
    out.bytesReceived0 = r.watchedReceived;
    out.maskedOfParty0 = r.watchedMasked;
    if (!r.revealed) return out;
    out.expected.assign(m, 0);
    for (const std::uint32_t p : out.survivors) {
        const auto q = inputOf(p, m, s.ring, seed);
        for (std::size_t i = 0; i < m; ++i)
            out.expected[i] += q[i];
    }
    for (auto& w : out.expected)
        w &= s.ring.mask();
    return out;
}

std::vector<std::pair<std::uint32_t, DropAt>> dropShare(std::size_t n, double fraction, DropAt at,
                                                        std::uint64_t seed) {
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
    const auto count = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(n)));
    std::vector<std::pair<std::uint32_t, DropAt>> out;
    for (std::size_t i = 0; i < count; ++i)
        out.emplace_back(order[i], at);
    return out;
}

class RandomFromStd final : public RandomWords {
  public:
    explicit RandomFromStd(std::uint64_t s) : g_(s) {}
    std::uint64_t next() override { return g_(); }

  private:
    std::mt19937_64 g_;
};

}  // namespace

class TestCryptoSecagg : public QObject {
    Q_OBJECT

  private slots:
    void fieldArithmeticMatchesWideIntegers() {
        std::mt19937_64 g(3);
        for (int i = 0; i < 100000; ++i) {
            const std::uint64_t a = g() % kFieldPrime, b = g() % kFieldPrime;
            const auto wide = static_cast<std::uint64_t>((static_cast<u128>(a) * b) % kFieldPrime);
            QCOMPARE(fieldMul(a, b), wide);
            QCOMPARE(fieldAdd(a, b),
                     static_cast<std::uint64_t>((static_cast<u128>(a) + b) % kFieldPrime));
            QCOMPARE(fieldAdd(fieldSub(a, b), b), a);
        }
        for (const std::uint64_t a : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{59},
                                      kFieldPrime - 1, std::uint64_t{0x123456789abcdef}})
            QCOMPARE(fieldMul(a, fieldInverse(a)), 1ull);
        QCOMPARE(fieldMul(kFieldPrime - 1, kFieldPrime - 1), 1ull);  // (-1)^2
    }

    void shamirReconstructsFromAnyThresholdSubset() {
        RandomFromStd r(5);
        const Secret s = makeSecret(r);
        std::vector<std::uint32_t> holders(12);
        std::iota(holders.begin(), holders.end(), 3u);
        const std::vector<Share> shares = split(s, holders, 5, r);
        QCOMPARE(shares.size(), std::size_t{12});
        std::mt19937_64 g(9);
        for (int trial = 0; trial < 50; ++trial) {
            std::vector<Share> pick = shares;
            std::shuffle(pick.begin(), pick.end(), g);
            pick.resize(5 + static_cast<std::size_t>(trial % 8));
            const auto back = reconstruct(pick);
            QVERIFY(back.ok());
            QVERIFY(back.value() == s);
            pick.resize(4);  // one fewer than the threshold: not the secret
            QVERIFY(reconstruct(pick).value() != s);
        }
        std::vector<Share> twice = {shares[0], shares[0], shares[1], shares[2], shares[3]};
        QVERIFY(!reconstruct(twice).ok());
        QVERIFY(!reconstruct(std::span<const Share>()).ok());
    }

    void ringRoundTripsAndSaturates() {
        const Ring r = Ring::forParties(16, 1024, 256);
        QCOMPARE(r.bits, 26u);
        const std::vector<double> v = {0.0, 1.5, -1.5, 127.99, -128.0, 500.0, -500.0, NAN};
        std::vector<std::uint64_t> q(v.size());
        QCOMPARE(r.encode(v, q), std::size_t{3});
        QCOMPARE(r.decode(q[0]), 0.0);
        QCOMPARE(r.decode(q[1] & r.mask()), 1.5);
        QCOMPARE(r.decode(q[2] & r.mask()), -1.5);
        QCOMPARE(r.decode(q[4] & r.mask()), -128.0);
        QCOMPARE(r.decode(q[5] & r.mask()), 32767.0 / 256);  // saturated high
        QCOMPARE(r.decode(q[6] & r.mask()), -128.0);         // saturated low
        QCOMPARE(r.packedBytes(8), std::uint64_t{26});
        QCOMPARE(ceilLog2(1), 0u);
        QCOMPARE(ceilLog2(1000), 10u);
        QCOMPARE(ceilLog2(1024), 10u);
        QCOMPARE(ceilLog2(1025), 11u);
    }

    void masksCancelAndStreamContinues() {
        std::vector<std::uint64_t> w(5000);
        std::iota(w.begin(), w.end(), 0ull);
        const auto original = w;
        applyMask(seedOf(1), 1, w);
        QVERIFY(w != original);
        applyMask(seedOf(1), -1, w);
        QVERIFY(w == original);
        std::vector<std::uint64_t> whole(5000), part(3000);
        generateMask(seedOf(2), whole);
        generateMask(seedOf(2), part);
        QVERIFY(std::equal(part.begin(), part.end(), whole.begin()));
        std::vector<std::uint64_t> other(3000);
        generateMask(seedOf(3), other);
        QVERIFY(other != part);
    }

    void sealedSharesDetectEveryChange() {
        const Key32 key = seedOf(77);
        std::vector<std::uint8_t> plain(72, 0x5a);
        const auto box = seal(key, 9, 1, 2, plain);
        QCOMPARE(box.size(), plain.size() + kSealOverhead);
        QVERIFY(open(key, 9, 1, 2, box).value() == plain);
        for (std::size_t i = 0; i < box.size(); ++i) {
            auto bad = box;
            bad[i] ^= 1;
            QVERIFY(!open(key, 9, 1, 2, bad).ok());
        }
        QVERIFY(!open(key, 10, 1, 2, box).ok());  // another session
        QVERIFY(!open(key, 9, 2, 1, box).ok());   // the other direction
    }

    void keyAgreementIsSymmetric() {
        const KeyPair a = keyPairFrom(seedOf(11)), b = keyPairFrom(seedOf(12));
        const auto ab = agree(a.secret, a.pub, b.pub, KeyPurpose::PairwiseMask);
        const auto ba = agree(b.secret, b.pub, a.pub, KeyPurpose::PairwiseMask);
        QVERIFY(ab.ok() && ba.ok());
        QVERIFY(ab.value() == ba.value());
        QVERIFY(agree(a.secret, a.pub, b.pub, KeyPurpose::ShareCipher).value() != ab.value());
        const Key32 zero{};  // a low-order point
        QVERIFY(!agree(a.secret, a.pub, zero, KeyPurpose::PairwiseMask).ok());
    }

    void sumIsExactUnderDropouts_data() {
        QTest::addColumn<double>("fraction");
        QTest::addColumn<int>("at");
        QTest::addColumn<int>("k");
        QTest::newRow("none") << 0.0 << int(DropAt::Mask) << 0;
        QTest::newRow("10% after the key exchange") << 0.1 << int(DropAt::Mask) << 0;
        QTest::newRow("30% after the key exchange") << 0.3 << int(DropAt::Mask) << 0;
        QTest::newRow("30% before sharing keys") << 0.3 << int(DropAt::Share) << 0;
        QTest::newRow("30% before advertising") << 0.3 << int(DropAt::Advertise) << 0;
        QTest::newRow("30% before unmasking") << 0.3 << int(DropAt::Unmask) << 0;
        QTest::newRow("SecAgg+ 10% after the key exchange") << 0.1 << int(DropAt::Mask) << 12;
        QTest::newRow("SecAgg+ 30% before unmasking") << 0.3 << int(DropAt::Unmask) << 20;
    }
    void sumIsExactUnderDropouts() {
        QFETCH(double, fraction);
        QFETCH(int, at);
        QFETCH(int, k);
        const std::size_t n = 40, m = 257;
        const auto drop = dropShare(n, fraction, static_cast<DropAt>(at), 21);
        const SessionResult r = runSession(n, m, 20, static_cast<std::size_t>(k), drop);
        QVERIFY2(r.revealed, r.reason.c_str());
        const std::size_t expectedSurvivors =
            static_cast<DropAt>(at) == DropAt::Unmask ? n : n - drop.size();
        QCOMPARE(r.survivors.size(), expectedSurvivors);
        QVERIFY(r.sum == r.expected);
    }

    void belowTheThresholdNothingIsRevealed() {
        const std::size_t n = 20;
        // 8 of 20 drop after the key exchange: 12 inputs, threshold 13.
        const SessionResult r = runSession(n, 64, 13, 0, dropShare(n, 0.4, DropAt::Mask, 4));
        QVERIFY(!r.revealed);
        QVERIFY(r.sum.empty());
        QVERIFY2(r.reason.find("threshold") != std::string::npos, r.reason.c_str());
        // Too few unmask: 12 of 20 masked, threshold 10, but 11 of them vanish before unmasking.
        std::vector<std::pair<std::uint32_t, DropAt>> late;
        for (std::uint32_t p = 0; p < 11; ++p)
            late.emplace_back(p, DropAt::Unmask);
        const SessionResult s = runSession(n, 64, 10, 0, late);
        QVERIFY(!s.revealed);
        QVERIFY2(s.reason.find("needed") != std::string::npos, s.reason.c_str());
    }

    void aPartyNeverRevealsBothSecretsOfANeighbour() {
        const Neighbourhood g = Neighbourhood::complete(3);
        Config c;
        c.length = 4;
        c.ring = Ring::forParties(16, 3, 1);
        c.threshold = c.shareThreshold = 2;
        std::vector<SeededWords> random = {SeededWords(seedOf(1)), SeededWords(seedOf(2)),
                                           SeededWords(seedOf(3))};
        std::vector<Party> p;
        for (std::uint32_t i = 0; i < 3; ++i)
            p.emplace_back(c, g, i, random[i]);
        Server s(c, g);
        for (auto& x : p)
            QVERIFY(s.receive(x.advertise()).ok());
        for (std::uint32_t i = 0; i < 3; ++i)
            QVERIFY(s.receive(i, p[i].shareKeys(s.keysFor(i), random[i]).value()).ok());
        const std::vector<std::uint64_t> x(4, 1);
        for (std::uint32_t i = 0; i < 2; ++i)  // party 2 drops after sharing
            QVERIFY(s.receive(p[i].maskInput(x, s.sharesFor(i)).value()).ok());
        const std::vector<std::uint32_t> survivors = {0, 1};
        const auto r = p[0].unmask(survivors, 2).value();
        for (const RevealedShare& sh : r.shares)
            QCOMPARE(sh.selfSeed, sh.of != 2);  // the dropped party's key, the others' seeds
        // A server that names party 2 a survivor when it is not cannot make party 0 reveal its
        // self seed: party 2 shared, so party 0 reveals b_2 only if told 2 survived; the server
        // refuses a response that contradicts its own survivors.
        RevealedShare forged{2, true, r.shares.back().share};
        UnmaskResponse bad = r;
        bad.shares.back() = forged;
        QVERIFY(!s.receive(bad).ok());
        // Below the threshold a party reveals nothing.
        const std::vector<std::uint32_t> alone = {0};
        QVERIFY(!p[0].unmask(alone, 1).ok());
    }

    void serverViewOfAnInputIsUniform() {
        // Party 0's input is all zeros; its masked input, as the server sees it, must look like
        // uniform R-bit words: a chi-square test on the top 8 bits (255 degrees of freedom;
        // 330.5 is the 0.1% critical value) and on the low 8 bits.
        const std::size_t m = 1 << 16;
        const SessionResult r = runSession(5, m, 3, 0, {}, 24, 3);
        QVERIFY(r.revealed);
        const Ring ring = Ring::forParties(24, 5, 1 << 10);
        for (const unsigned shift : {ring.bits - 8, 0u}) {
            std::vector<double> counts(256, 0);
            for (const std::uint64_t w : r.maskedOfParty0)
                counts[(w >> shift) & 0xff] += 1;
            const double expected = static_cast<double>(m) / 256;
            double chi2 = 0;
            for (const double c : counts)
                chi2 += (c - expected) * (c - expected) / expected;
            QVERIFY2(chi2 < 330.5, qPrintable(QString("chi-square %1").arg(chi2)));
        }
    }

    void trafficMatchesTheMessagesAndThePaper() {
        // Measured in a session equals the model.
        const std::size_t n = 16, m = 1000;
        const SessionResult r = runSession(n, m, 8, 0, {}, 16, 5);
        QVERIFY(r.revealed);
        const PartyTraffic t = partyTraffic(n - 1, m, Ring::forParties(16, n, 1 << 10));
        QCOMPARE(r.bytesSent0, t.sent);
        QCOMPARE(r.bytesReceived0, t.received);
        // The paper's expansion (Bonawitz et al. 2017, section 7.1): 1.73x and 1.98x.
        QVERIFY(std::abs(paperExpansion(1 << 10, 1 << 20, 16) - 1.73) < 0.005);
        QVERIFY(std::abs(paperExpansion(1 << 14, 1 << 24, 16) - 1.98) < 0.005);
        // The real messages (party numbers, Poly1305 tags) stay within 5% of it.
        const double e10 = expansion((1 << 10) - 1, 1 << 20, Ring::forParties(16, 1 << 10, 1));
        const double e14 = expansion((1 << 14) - 1, 1 << 24, Ring::forParties(16, 1 << 14, 1));
        QVERIFY2(std::abs(e10 / 1.73 - 1) < 0.05, qPrintable(QString::number(e10)));
        QVERIFY2(std::abs(e14 / 1.98 - 1) < 0.05, qPrintable(QString::number(e14)));
    }

    void hararyGraphIsRegularAndSymmetric() {
        RandomFromStd r(8);
        const Neighbourhood g = Neighbourhood::harary(100, 10, r);
        QVERIFY(!g.isComplete());
        QCOMPARE(g.degree(), std::size_t{10});
        for (std::uint32_t u = 0; u < 100; ++u) {
            const auto nb = g.of(u);
            QCOMPARE(nb.size(), std::size_t{10});
            QVERIFY(std::is_sorted(nb.begin(), nb.end()));
            for (const std::uint32_t v : nb) {
                QVERIFY(v != u);
                QVERIFY(g.adjacent(v, u));
            }
        }
        QVERIFY(Neighbourhood::harary(10, 9, r).isComplete());
        QCOMPARE(shareThresholdFor(50, 100, 10), std::size_t{6});  // > half of 11 holders
        QCOMPARE(shareThresholdFor(80, 100, 10), std::size_t{9});  // 0.8 x 11, rounded up
        QCOMPARE(shareThresholdFor(7, 10, 9), std::size_t{7});     // complete: the threshold
        QCOMPARE(defaultNeighbours(1000), std::size_t{30});        // 3 log2 1000 = 29.9
        QCOMPARE(defaultNeighbours(100), std::size_t{20});         // 3 log2 100 = 19.9
    }
};

QTEST_APPLESS_MAIN(TestCryptoSecagg)
#include "tst_crypto_secagg.moc"
