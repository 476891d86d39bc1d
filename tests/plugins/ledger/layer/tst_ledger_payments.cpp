// The ledger's payments (the payments service on the chain): a transfer settles when its record
// is final, not before; what a payer may spend counts what is on its way; holds, releases and
// burns settle in the order they were asked; a payer cut off by a partition is accepted and then
// fails, a payer whose node is down is refused at once; the scenario's endowments are the
// genesis allocation; money is conserved.
#include <QtTest>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dais/core/payments.h"
#include "ledger_test_util.h"

using namespace dais;
using namespace ledgertest;

namespace {

/// Runs `steps` at their times; keeps what the payments service answered and how each
/// movement ended.
class PayerLayer final : public core::Layer {
  public:
    struct Step {
        sim::SimTime at = 0;
        std::function<void(core::Payments&)> act;
    };
    static inline std::vector<Step> steps;
    static inline std::vector<core::Settlement> settled;  // in the order they ended
    static inline std::vector<std::string> settledWhat;
    static inline std::function<void(core::Payments&)> atEnd;

    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "payer";
        d.name = "Payer";
        d.version = "0.1.0";
        d.summary = "Moves money at given times; for tests.";
        d.uses = {{std::string(core::Payments::kId), true, "it pays"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new PayerLayer()); }};
    }
    /// A callback for a movement's end that notes it under `what`.
    static core::Settled note(std::string what) {
        return [what = std::move(what)](const core::Settlement& s) {
            settled.push_back(s);
            settledWhat.push_back(what);
        };
    }
    void setup(core::LayerContext& ctx) override {
        payments_ = ctx.services().find<core::Payments>();
        settled.clear();
        settledWhat.clear();
        kind_ = ctx.simulation().registerKind<&PayerLayer::onStep>("payer.step", *this);
        for (std::size_t i = 0; i < steps.size(); ++i)
            ctx.simulation().scheduleAt(steps[i].at, 0, kind_, i);
    }
    void finish(core::LayerContext&) override {
        if (atEnd) atEnd(*payments_);
    }

  private:
    void onStep(sim::Simulation&, const sim::Event& e) { steps[e.data].act(*payments_); }
    core::Payments* payments_ = nullptr;
    sim::KindId kind_ = 0;
};

const core::LayerRegistry& payerRegistry() {
    static const core::LayerRegistry* const r = [] {
        auto* reg = new core::LayerRegistry();
        for (const auto& f :
             {layers::crypto::factory(), layers::ledger::factory(), PayerLayer::factory()})
            if (auto added = reg->add(f); !added) qFatal("%s", added.error().message.c_str());
        return reg;
    }();
    return *r;
}

/// Six miners 20 ms apart, a block every 2 s, final at 2 confirmations; miners[0] starts with
/// 100 tokens (2 decimals), the others with none.
nlohmann::json payScenario() {
    nlohmann::json doc = meshScenario(
        6, "20ms", {{"interval", "2s"}, {"confirmations", 2}, {"record_timeout", "60s"}});
    doc["payments"] = {{"token", {{"symbol", "TOK"}, {"decimals", 2}}},
                       {"endowments", {{{"nodes", {"miners[0]"}}, {"amount", 100}}}}};
    doc["layers"]["payer"] = nlohmann::json::object();
    doc["run"]["until"] = "300s";
    return doc;
}

constexpr core::Amount kToken = 100;  // units per token (2 decimals)

}  // namespace

class TestLedgerPayments : public QObject {
    Q_OBJECT

  private slots:
    void init() {
        PayerLayer::steps.clear();
        PayerLayer::atEnd = nullptr;
    }

    /// The payee is credited when the transfer's record is final, a few blocks after it was
    /// asked, not when it was asked.
    void transferSettlesWhenFinal() {
        core::Amount before = -1, justAfter = -1, end0 = -1, end1 = -1;
        PayerLayer::steps = {{sim::fromSeconds(1), [&](core::Payments& p) {
                                  before = *p.balance(p.nodeAccount(0));
                                  QVERIFY(p.transfer(p.nodeAccount(0), p.nodeAccount(1),
                                                     10 * kToken, "rent", PayerLayer::note("rent"))
                                              .ok());
                                  justAfter = *p.balance(p.nodeAccount(1));
                              }}};
        PayerLayer::atEnd = [&](core::Payments& p) {
            end0 = *p.balance(p.nodeAccount(0));
            end1 = *p.balance(p.nodeAccount(1));
            QVERIFY(p.checkConservation().ok());
            QCOMPARE(p.totals().minted, 100 * kToken);
        };
        const core::RunReport r = run(payScenario(), std::nullopt, payerRegistry());
        QCOMPARE(before, 100 * kToken);  // the endowment: the genesis allocation
        QCOMPARE(justAfter, core::Amount{0});
        QCOMPARE(PayerLayer::settled.size(), std::size_t{1});
        const core::Settlement& s = PayerLayer::settled.front();
        QVERIFY(s.settled);
        // Two confirmations of 2 s blocks: seconds, not at once and not minutes.
        const double latency = sim::toSeconds(s.at) - 1;
        QVERIFY2(latency > 0.5 && latency < 40, std::to_string(latency).c_str());
        QCOMPARE(metric(r, "ledger.payment_latency").mean, latency);
        QCOMPARE(metric(r, "ledger.payments.settled").value, 1.0);
        QCOMPARE(end0, 90 * kToken);
        QCOMPARE(end1, 10 * kToken);
    }

    /// What is on its way out counts at once: 60 then 60 of 100 is refused the second time,
    /// with a message that says what is left.
    void spendingCountsWhatIsOnItsWay() {
        std::string refusal;
        PayerLayer::steps = {{sim::fromSeconds(1), [&](core::Payments& p) {
                                  QVERIFY(p.transfer(0, 1, 60 * kToken, "first").ok());
                                  auto second = p.transfer(0, 2, 60 * kToken, "second");
                                  QVERIFY(!second.ok());
                                  refusal = second.error().message;
                                  QVERIFY(p.transfer(0, 2, 40 * kToken, "third").ok());
                              }}};
        run(payScenario(), std::nullopt, payerRegistry());
        QVERIFY2(refusal.find("40 TOK to spend") != std::string::npos, refusal.c_str());
        QVERIFY(refusal.find("second") != std::string::npos);
    }

    /// A hold, its release to a burn account and the burn, asked at once: they settle in that
    /// order (the release waits for the hold, the burn for the credit that funds it) and the
    /// rest of the hold goes back to the payer.
    void holdsReleasesAndBurnsSettleInOrder() {
        PayerLayer::steps = {
            {sim::fromSeconds(1), [&](core::Payments& p) {
                 const core::AccountId burnt = p.systemAccount("burnt");
                 auto hold = p.hold(0, 30 * kToken, "job", PayerLayer::note("hold"));
                 QVERIFY(hold.ok());
                 QCOMPARE(*p.held(*hold), 30 * kToken);
                 QVERIFY(
                     p.release(*hold, burnt, 20 * kToken, "job done", PayerLayer::note("release"))
                         .ok());
                 QVERIFY(!p.refund(*hold, "twice").ok());  // it is closing
                 QVERIFY(p.burn(burnt, 20 * kToken, "fee burnt", PayerLayer::note("burn")).ok());
             }}};
        core::Payments::Totals totals;
        core::Amount payer = -1;
        PayerLayer::atEnd = [&](core::Payments& p) {
            totals = p.totals();
            payer = *p.balance(0);
            QVERIFY(p.checkConservation().ok());
        };
        run(payScenario(), std::nullopt, payerRegistry());
        QCOMPARE(PayerLayer::settledWhat, (std::vector<std::string>{"hold", "release", "burn"}));
        for (const auto& s : PayerLayer::settled)
            QVERIFY(s.settled);
        QVERIFY(PayerLayer::settled[0].at <= PayerLayer::settled[1].at);
        QVERIFY(PayerLayer::settled[1].at <= PayerLayer::settled[2].at);
        QCOMPARE(payer, 80 * kToken);
        QCOMPARE(totals.burned, 20 * kToken);
        QCOMPARE(totals.escrowed, core::Amount{0});
    }

    /// A payer cut off by a partition signs its transfer, but the record reaches nobody: after
    /// record_timeout the transfer fails with the reason, and what it had reserved is free
    /// again. A payer whose node is down cannot sign and is refused at once.
    void cutOffPayerFailsAndDownPayerIsRefused() {
        // "island" (node 0) alone in a region that a partition cuts off; "downed" (node 1)
        // crashes; four miners (nodes 2 to 5) go on.
        nlohmann::json doc = payScenario();
        doc["network"]["regions"] = {{{"id", "main"}, {"center", {0, 0}}, {"radius", 100}},
                                     {{"id", "island"}, {"center", {5000, 0}}, {"radius", 10}}};
        // The island does not mine: its records can only be taken into blocks elsewhere. (A
        // miner cut off would put its own payment on its own branch.)
        doc["network"]["nodes"] = {{{"id", "island"},
                                    {"role", "miner"},
                                    {"region", "island"},
                                    {"attributes", {{"ledger", {{"hash_power", 0}}}}}},
                                   {{"id", "downed"}, {"role", "miner"}, {"region", "main"}}};
        doc["network"]["groups"][0]["count"] = 4;
        doc["network"]["groups"][0]["region"] = "main";
        doc["network"]["topologies"][0]["members"] = {"island", "downed", "miners"};
        doc["payments"]["endowments"] = {{{"nodes", {"island", "downed"}}, {"amount", 50}}};
        doc["network"]["faults"] = {
            {{"at", "0.5s"}, {"kind", "partition"}, {"targets", {"island"}}},
            {{"at", "0.5s"}, {"kind", "crash"}, {"targets", {"downed"}}}};
        std::string down;
        core::Amount after = -1;
        PayerLayer::steps = {{sim::fromSeconds(1),
                              [&](core::Payments& p) {
                                  QVERIFY(p.transfer(0, 2, 50 * kToken, "from the island",
                                                     PayerLayer::note("island"))
                                              .ok());
                                  auto refused = p.transfer(1, 2, 1 * kToken, "from the crashed");
                                  QVERIFY(!refused.ok());
                                  down = refused.error().message;
                              }},
                             {sim::fromSeconds(100), [&](core::Payments& p) {
                                  // The failed transfer's 50 are free again: all of it can be asked
                                  // once more.
                                  QVERIFY(p.transfer(0, 3, 50 * kToken, "again").ok());
                                  after = *p.balance(0);
                              }}};
        const core::RunReport r = run(doc, std::nullopt, payerRegistry());
        QVERIFY2(down.find("is down") != std::string::npos, down.c_str());
        QVERIFY(down.find("downed") != std::string::npos);
        QCOMPARE(PayerLayer::settled.size(), std::size_t{1});
        const core::Settlement& s = PayerLayer::settled.front();
        QVERIFY(!s.settled);
        QVERIFY2(s.failure.find("not final") != std::string::npos, s.failure.c_str());
        QVERIFY(sim::toSeconds(s.at) >= 60);
        QCOMPARE(after, 50 * kToken);  // nothing left the island's account
        QCOMPARE(metric(r, "ledger.payments.failed").value, 2.0);  // both island transfers
    }

    /// A system account (the treasury) is signed for by the ledger's first node, or while it is
    /// down by the next that is up: a crash does not freeze it.
    void systemAccountsPayWhileTheFirstNodeIsDown() {
        nlohmann::json doc = payScenario();
        doc["payments"]["endowments"] = {{{"account", "treasury"}, {"amount", 100}}};
        doc["network"]["faults"] = {
            {{"at", "0.5s"}, {"kind", "crash"}, {"targets", {"miners[0]"}}}};
        core::Amount paid = -1;
        PayerLayer::steps = {{sim::fromSeconds(1), [&](core::Payments& p) {
                                  QVERIFY(p.transfer(p.systemAccount("treasury"), 2, 30 * kToken,
                                                     "grant", PayerLayer::note("grant"))
                                              .ok());
                              }}};
        PayerLayer::atEnd = [&](core::Payments& p) { paid = *p.balance(2); };
        run(doc, std::nullopt, payerRegistry());
        QCOMPARE(PayerLayer::settled.size(), std::size_t{1});
        QVERIFY(PayerLayer::settled.front().settled);
        QCOMPARE(paid, 30 * kToken);
    }
};

QTEST_GUILESS_MAIN(TestLedgerPayments)
#include "tst_ledger_payments.moc"
