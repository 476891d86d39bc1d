// The cross-layer service interfaces and what core gives every provider: SHA-256 digests (FIPS
// 180-4 test vectors), the checks a secure-aggregation session and a compute job must pass, and
// a ledger's receipts as a consumer reads them.
#include <QtTest>

#include <string>

#include "dais/core/compute_market.h"
#include "dais/core/digest.h"
#include "dais/core/ledger_service.h"
#include "dais/core/scenario.h"
#include "dais/core/secure_aggregation.h"
#include "dais/sim/simulation.h"
#include "test_layers.h"

using namespace dais;

class TestServices : public QObject {
    Q_OBJECT
  private slots:
    void sha256MatchesTheStandardsVectors() {
        // FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the empty message.
        QCOMPARE(core::hexText(core::sha256("abc")),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(core::hexText(core::sha256("")),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(
            core::hexText(core::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        // A million 'a', fed in uneven pieces: the block boundaries fall anywhere.
        core::Sha256 h;
        const std::string piece(997, 'a');
        std::size_t left = 1'000'000;
        while (left > 0) {
            const std::size_t n = std::min(left, piece.size());
            h.add(std::string_view(piece).substr(0, n));
            left -= n;
        }
        QCOMPARE(core::hexText(h.finish()),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        // Messages of 55, 56 and 64 bytes cross the padding's edge cases.
        QCOMPARE(core::hexText(core::sha256(std::string(55, 'a'))),
                 std::string("9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"));
        QCOMPARE(core::hexText(core::sha256(std::string(56, 'a'))),
                 std::string("b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"));
        QCOMPARE(core::hexText(core::sha256(std::string(64, 'a'))),
                 std::string("ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"));
    }

    void digestsReadBackFromHex() {
        const core::Digest d = core::sha256("abc");
        QCOMPARE(core::parseDigest(core::hexText(d)), std::optional<core::Digest>(d));
        QCOMPARE(
            core::parseDigest("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
            std::optional<core::Digest>(d));
        QCOMPARE(core::shortHex(d), std::string("ba7816bf"));
        QVERIFY(!core::parseDigest("ba7816bf"));                  // too short
        QVERIFY(!core::parseDigest(std::string(63, '0') + "g"));  // not hexadecimal
        QVERIFY(core::isDigestPrefix("BA78"));
        QVERIFY(core::isDigestPrefix(core::hexText(d)));
        QVERIFY(!core::isDigestPrefix(""));
        QVERIFY(!core::isDigestPrefix("ba7x"));
        QVERIFY(!core::isDigestPrefix(core::hexText(d) + "0"));
        // Weights are digested as the bytes they lie in.
        const double values[] = {1.5, -2.0};
        QCOMPARE(core::sha256(std::span<const double>(values)),
                 core::sha256(std::as_bytes(std::span<const double>(values))));
    }

    void secureAggregationSessionsAreChecked() {
        core::SecureAggregator::Session s;
        s.server = 0;
        s.parties = {1, 2, 3};
        s.length = 4;
        s.threshold = 2;
        s.deadline = 10 * sim::kSecond;
        QCOMPARE(core::sessionProblem(s, 0), std::string());
        auto problem = [&](auto change) {
            core::SecureAggregator::Session t = s;
            change(t);
            return core::sessionProblem(t, 5 * sim::kSecond);
        };
        QVERIFY(problem([](auto& t) { t.parties.clear(); }).find("needs parties") !=
                std::string::npos);
        QCOMPARE(problem([](auto& t) {
                     t.parties = {1, 2, 1};
                 }),
                 std::string("node #1 is a party of the session twice"));
        QVERIFY(problem([](auto& t) { t.length = 0; }).find("at least one value") !=
                std::string::npos);
        QCOMPARE(problem([](auto& t) { t.threshold = 4; }),
                 std::string("threshold 4 is outside 1..3 (the session's parties)"));
        QVERIFY(!problem([](auto& t) { t.threshold = 0; }).empty());
        QVERIFY(!problem([](auto& t) { t.scale = 0; }).empty());
        QVERIFY(
            !problem([](auto& t) { t.scale = std::numeric_limits<double>::infinity(); }).empty());
        QCOMPARE(problem([](auto& t) { t.deadline = sim::kSecond; }),
                 std::string("the session's deadline has passed"));
    }

    void computeJobsAreChecked() {
        core::ComputeMarket::Job job;
        job.flops = 1e12;
        QCOMPARE(core::jobProblem(job), std::string());
        auto problem = [&](auto change) {
            core::ComputeMarket::Job j = job;
            change(j);
            return core::jobProblem(j);
        };
        QVERIFY(!problem([](auto& j) { j.flops = 0; }).empty());
        QVERIFY(!problem([](auto& j) { j.flops = std::nan(""); }).empty());
        QVERIFY(!problem([](auto& j) { j.redundancy = 0; }).empty());
        QVERIFY(!problem([](auto& j) { j.spotRate = 1.5; }).empty());
        QVERIFY(!problem([](auto& j) { j.maxPrice = -1; }).empty());
        QVERIFY(!problem([](auto& j) { j.requirements.minReputation = 2; }).empty());
        QCOMPARE(core::ComputeMarket::statusName(core::ComputeMarket::Status::MissedDeadline),
                 std::string_view("missed deadline"));
    }

    void ledgerReceiptsProveTheirRecords() {
        // The test ledger commits one record per block, a second after it is submitted.
        sim::Simulation sim;
        testing::ToyLedgerLayer ledger("toyledger");
        core::LayerDescriptor d = testing::ToyLedgerLayer::descriptor("toyledger");
        core::LayerSettings settings;
        settings.id = "toyledger";
        settings.descriptor = &d;
        core::Scenario scenario;
        sim::NetworkSpec spec;
        spec.nodes.push_back(sim::NodeSpec{"n0", "", "", {}, {}, {}});
        auto net = sim::Network::build(sim, spec);
        QVERIFY2(net.ok(), net.ok() ? "" : net.error().message.c_str());
        core::ServiceRegistry services;
        core::LayerContext ctx(settings, scenario, sim, *net.value(), services);
        ledger.setup(ctx);
        std::vector<core::LedgerService::Receipt> receipts;
        core::LedgerService::Transaction a, b;
        a.from = 0;
        a.topic = "federated.round";
        a.digest = core::sha256("round 1");
        b = a;
        b.digest = core::sha256("round 2");
        ledger.record(a, [&](const auto& r) { receipts.push_back(r); });
        ledger.record(b, [&](const auto& r) { receipts.push_back(r); });
        sim.run();
        QCOMPARE(receipts.size(), std::size_t(2));
        QVERIFY(receipts[0].final());
        QCOMPARE(receipts[0].height, std::uint64_t(1));
        QCOMPARE(receipts[1].height, std::uint64_t(2));
        QCOMPARE(receipts[0].finalAt, sim::kSecond);
        QVERIFY(ledger.verify(a, receipts[0]));
        QVERIFY(!ledger.verify(b, receipts[0]));  // the receipt proves a, not b
        core::LedgerService::Receipt forged = receipts[1];
        forged.height = 1;
        QVERIFY(!ledger.verify(b, forged));
        core::LedgerService::Query q;
        q.digest = b.digest;
        const auto found = ledger.query(q);
        QCOMPARE(found.size(), std::size_t(1));
        QCOMPARE(found[0].receipt.height, std::uint64_t(2));
        q = {};
        q.topic = "federated.round";
        QCOMPARE(ledger.query(q).size(), std::size_t(2));
        q.topic = "other";
        QVERIFY(ledger.query(q).empty());
    }
};

QTEST_GUILESS_MAIN(TestServices)
#include "tst_services.moc"
