// The payments service's instant provider: exact integer movements, refusals that name what is
// wrong and move nothing, escrow, supply bounds, the movement log's bound, and conservation under
// random movements checked against an independent model.
#include <QtTest>

#include <map>
#include <random>
#include <vector>

#include "dais/core/instant_payments.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "test_layers.h"

using namespace dais;
using core::Amount;
using core::InstantPayments;
using core::MovementKind;
using core::Payments;

namespace {

constexpr Amount kToken = 1'000'000;  // units per token at 6 decimals

/// A provider whose totals do not add up, for the conservation check.
class LeakyPayments final : public Payments {
  public:
    explicit LeakyPayments(Totals t) : totals_(t) {}
    const core::Token& token() const override { return token_; }
    core::AccountId nodeAccount(sim::NodeIndex) const override { return 0; }
    core::AccountId systemAccount(std::string_view) override { return 0; }
    std::size_t accountCount() const override { return 1; }
    std::string accountName(core::AccountId) const override { return "node 0"; }
    core::Result<Amount> balance(core::AccountId) const override { return totals_.balances; }
    core::Result<Amount> held(core::HoldId) const override { return Amount{0}; }
    core::Result<void> transfer(core::AccountId, core::AccountId, Amount, std::string_view,
                                core::Settled) override {
        return {};
    }
    core::Result<core::HoldId> hold(core::AccountId, Amount, std::string_view,
                                    core::Settled) override {
        return core::HoldId{1};
    }
    core::Result<void> release(core::HoldId, core::AccountId, Amount, std::string_view,
                               core::Settled) override {
        return {};
    }
    core::Result<void> refund(core::HoldId, std::string_view, core::Settled) override { return {}; }
    core::Result<void> mint(core::AccountId, Amount, std::string_view, core::Settled) override {
        return {};
    }
    core::Result<void> burn(core::AccountId, Amount, std::string_view, core::Settled) override {
        return {};
    }
    Totals totals() const override { return totals_; }
    std::span<const core::Movement> movements() const override { return {}; }
    std::string_view reasonText(std::uint32_t) const override { return {}; }

  private:
    core::Token token_;
    Totals totals_;
};

/// Pays at t = 1 s through whichever payments service the run has: 100 DAIS minted to a
/// treasury, 10 paid to node 0, 5 of node 0's held and 3 of them released to node 1.
class PayerLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "payer";
        d.name = "Payer";
        d.version = "0.1.0";
        d.summary = "Moves money once; for tests.";
        d.uses = {{std::string(Payments::kId), true, "it pays"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new PayerLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        payments_ = ctx.services().find<Payments>();
        DAIS_CHECK(payments_ != nullptr, "no payments");
        kind_ = ctx.simulation().registerKind<&PayerLayer::onPay>("payer.pay", *this);
        ctx.simulation().scheduleIn(sim::kSecond, 0, kind_);
    }

  private:
    void onPay(sim::Simulation&, const sim::Event&) {
        const auto treasury = payments_->systemAccount("treasury");
        DAIS_CHECK(payments_->mint(treasury, 100 * kToken, "endowment").ok(), "mint");
        DAIS_CHECK(
            payments_->transfer(treasury, payments_->nodeAccount(0), 10 * kToken, "wage").ok(),
            "transfer");
        auto h = payments_->hold(payments_->nodeAccount(0), 5 * kToken, "job");
        DAIS_CHECK(h.ok(), "hold");
        DAIS_CHECK(payments_->release(*h, payments_->nodeAccount(1), 3 * kToken, "job done").ok(),
                   "release");
    }
    Payments* payments_ = nullptr;
    sim::KindId kind_ = 0;
};

/// Provides a payments service whose books do not balance.
class LeakyBankLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "leakybank";
        d.name = "Leaky bank";
        d.version = "0.1.0";
        d.summary = "Payments whose totals do not add up; for tests.";
        d.provides = {std::string(Payments::kId)};
        return {d, [] { return std::unique_ptr<core::Layer>(new LeakyBankLayer()); }};
    }
    void provideServices(core::ServiceRegistry& s, const core::LayerContext&) override {
        s.provide<Payments>(&bank_, "leakybank");
    }
    void setup(core::LayerContext&) override {}

  private:
    static Payments::Totals books() {
        Payments::Totals t;
        t.minted = 3 * kToken;
        t.balances = 2 * kToken;
        return t;
    }
    LeakyPayments bank_{books()};
};

QString errorOf(const core::Result<void>& r) {
    return r ? QString() : QString::fromStdString(r.error().message);
}

}  // namespace

class TestPayments : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<core::LayerRegistry> registry_ = [] {
        auto r = std::make_unique<core::LayerRegistry>();
        (void)r->add(PayerLayer::factory());
        (void)r->add(LeakyBankLayer::factory());
        return r;
    }();

    core::RunReport runOf(const std::string& layers) {
        auto s = core::loadScenarioText(testing::scenarioWithLayers(layers), "pay.dais.json", {},
                                        registry_.get());
        if (!s) qFatal("%s", s.error().message.c_str());
        auto run = core::ScenarioRun::prepare(*s);
        if (!run) qFatal("%s", run.error().message.c_str());
        return (*run)->run();
    }
    static int metricIndex(const core::RunReport& r, std::string_view name) {
        for (std::size_t i = 0; i < r.metrics.size(); ++i)
            if (r.metrics[i].name == name) return static_cast<int>(i);
        return -1;
    }
    static double metric(const core::RunReport& r, std::string_view name) {
        const int i = metricIndex(r, name);
        if (i < 0) qFatal("no metric %s", std::string(name).c_str());
        return r.metrics[static_cast<std::size_t>(i)].value;
    }

  private slots:
    void amountsAsText() {
        const core::Token usdc{"USDC", 6};
        QCOMPARE(core::amountText(12'500'000, usdc), std::string("12.5 USDC"));
        QCOMPARE(core::amountText(1, usdc), std::string("0.000001 USDC"));
        QCOMPARE(core::amountText(-1, usdc), std::string("-0.000001 USDC"));
        QCOMPARE(core::amountText(1'234'567'000'000, usdc), std::string("1,234,567 USDC"));
        QCOMPARE(core::amountText(0, usdc), std::string("0 USDC"));
        QCOMPARE(core::amountText(7, core::Token{"SAT", 0}), std::string("7 SAT"));
        QCOMPARE(core::amountText(Payments::kMaxAmount, core::Token{"ETH", 18}),
                 std::string("9.223372036854775807 ETH"));
        QCOMPARE(core::amountText(std::numeric_limits<Amount>::min(), core::Token{"ETH", 18}),
                 std::string("-9.223372036854775808 ETH"));
    }

    void transfersMoveExactAmounts() {
        InstantPayments p({"DAIS", 6}, 3);
        const auto treasury = p.systemAccount("treasury");
        QCOMPARE(treasury, core::AccountId{3});
        QCOMPARE(p.systemAccount("treasury"), treasury);  // opened once
        QCOMPARE(p.accountName(treasury), std::string("treasury"));
        QCOMPARE(p.accountName(1), std::string("node 1"));
        QVERIFY(p.mint(treasury, 10 * kToken, "endowment").ok());
        // A million transfers of a ten-millionth... of a token would drift in floating point.
        for (int i = 0; i < 100'000; ++i)
            QVERIFY(p.transfer(treasury, static_cast<core::AccountId>(i % 3), 1, "drip").ok());
        QCOMPARE(*p.balance(0), Amount{33'334});
        QCOMPARE(*p.balance(1), Amount{33'333});
        QCOMPARE(*p.balance(2), Amount{33'333});
        QCOMPARE(*p.balance(treasury), 10 * kToken - 100'000);
        const auto t = p.totals();
        QCOMPARE(t.transfers, std::uint64_t{100'000});
        QCOMPARE(t.volume, Amount{100'000});
        QCOMPARE(t.minted, 10 * kToken);
        QCOMPARE(t.balances, 10 * kToken);
        QVERIFY(p.checkConservation().ok());
    }

    void refusalsNameWhatIsWrongAndMoveNothing() {
        InstantPayments p({"DAIS", 6}, 2);
        QVERIFY(p.mint(0, 5 * kToken, "endowment").ok());
        const auto before = p.totals();
        QCOMPARE(errorOf(p.transfer(0, 1, 6 * kToken, "rent")),
                 QString("payments: node 0 has 5 DAIS, less than the 6 DAIS asked (for \"rent\")"));
        QCOMPARE(errorOf(p.transfer(0, 7, kToken, "rent")),
                 QString("payments: no account 7 (for \"rent\")"));
        QCOMPARE(errorOf(p.transfer(0, 1, 0, "rent")),
                 QString("payments: an amount must be positive, not 0 DAIS (for \"rent\")"));
        QCOMPARE(
            errorOf(p.transfer(0, 1, -3, "rent")),
            QString("payments: an amount must be positive, not -0.000003 DAIS (for \"rent\")"));
        QCOMPARE(errorOf(p.burn(1, 1, "fee")),
                 QString("payments: node 1 has 0 DAIS, less than the 0.000001 DAIS asked (for "
                         "\"fee\")"));
        QCOMPARE(errorOf(p.refund(9, "cancel")), QString("payments: no hold 9 (for \"cancel\")"));
        auto hold = p.hold(1, kToken, "job");
        QVERIFY(!hold.ok());
        QVERIFY(p.mint(1, Payments::kMaxAmount - 5 * kToken, "whale").ok());
        QCOMPARE(errorOf(p.mint(0, 1, "more")),
                 QString("payments: the supply would pass the largest amount "
                         "(9,223,372,036,854.775807 DAIS) (for \"more\")"));
        QCOMPARE(*p.balance(0), 5 * kToken);
        QCOMPARE(p.totals().movements, before.movements + 1);  // only the whale's mint
        QVERIFY(p.checkConservation().ok());
    }

    void escrowReleasesPartAndRefundsTheRest() {
        InstantPayments p({"DAIS", 6}, 3);
        QVERIFY(p.mint(0, 10 * kToken, "endowment").ok());
        std::vector<core::Settlement> heard;
        auto h =
            p.hold(0, 4 * kToken, "job 1", [&](const core::Settlement& s) { heard.push_back(s); });
        QVERIFY(h.ok());
        QCOMPARE(heard.size(), std::size_t{1});
        QVERIFY(heard.front().settled);
        QCOMPARE(*p.balance(0), 6 * kToken);
        QCOMPARE(*p.held(*h), 4 * kToken);
        QCOMPARE(p.totals().escrowed, 4 * kToken);
        QVERIFY(p.checkConservation().ok());
        // The provider did 3 tokens' worth: paid 3, the payer gets 1 back.
        QCOMPARE(errorOf(p.release(*h, 1, 5 * kToken, "job 1 done")),
                 QString("payments: hold 1 holds 4 DAIS, less than the 5 DAIS to release (for "
                         "\"job 1 done\")"));
        QVERIFY(p.release(*h, 1, 3 * kToken, "job 1 done").ok());
        QCOMPARE(*p.balance(0), 7 * kToken);
        QCOMPARE(*p.balance(1), 3 * kToken);
        QCOMPARE(*p.held(*h), Amount{0});
        QCOMPARE(p.totals().escrowed, Amount{0});
        QCOMPARE(errorOf(p.refund(*h, "again")),
                 QString("payments: hold 1 was already released or refunded (for \"again\")"));
        // A whole refund.
        auto h2 = p.hold(1, kToken, "job 2");
        QVERIFY(h2.ok());
        QVERIFY(p.refund(*h2, "job 2 cancelled").ok());
        QCOMPARE(*p.balance(1), 3 * kToken);
        const auto log = p.movements();
        QCOMPARE(log.size(), std::size_t{6});
        QCOMPARE(log[2].kind, MovementKind::Release);
        QCOMPARE(log[2].amount, 3 * kToken);
        QCOMPARE(log[3].kind, MovementKind::Refund);
        QCOMPARE(log[3].to, core::AccountId{0});
        QCOMPARE(log[3].amount, kToken);
        QCOMPARE(p.reasonText(log[3].reason), std::string_view("job 1 done"));
        QCOMPARE(log[5].kind, MovementKind::Refund);
        QVERIFY(p.checkConservation().ok());
    }

    void movementsCarryTheSimulatedTime() {
        sim::Simulation sim;
        InstantPayments p({"DAIS", 6}, 1, &sim);
        sim.runUntil(sim::fromSeconds(2.5));
        QVERIFY(p.mint(0, 1, "at 2.5 s").ok());
        QCOMPARE(p.movements().size(), std::size_t{1});
        QCOMPARE(p.movements()[0].time, sim::fromSeconds(2.5));
    }

    void movementLogIsBounded() {
        InstantPayments p({"DAIS", 6}, 2, nullptr, 1000);
        QVERIFY(p.mint(0, 1'000'000, "endowment").ok());
        for (int i = 0; i < 100'000; ++i)
            QVERIFY(p.transfer(0, 1, 1, "tick").ok());
        QVERIFY(p.movements().size() <= 1000);
        QVERIFY(p.movements().size() >= 500);
        QCOMPARE(p.droppedMovements() + p.movements().size(), std::uint64_t{100'001});
        QCOMPARE(p.movements().back().kind, MovementKind::Transfer);
        QCOMPARE(p.totals().movements, std::uint64_t{100'001});
    }

    void conservationHoldsUnderRandomMovements_data() {
        QTest::addColumn<std::uint64_t>("seed");
        for (std::uint64_t seed : {1u, 2u, 3u, 42u, 1234u})
            QTest::newRow(qPrintable(QString("seed %1").arg(seed))) << seed;
    }
    void conservationHoldsUnderRandomMovements() {
        // Random transfers, holds, releases, refunds, mints and burns, many of them refused
        // (overdrafts, unknown accounts and holds, amounts of 0 or less, holds closed twice). An
        // independent model of balances and holds predicts which are refused and what each
        // balance is; conservation must hold after every movement.
        QFETCH(std::uint64_t, seed);
        std::mt19937_64 rng(seed);
        constexpr std::size_t kNodes = 20;
        InstantPayments p({"DAIS", 6}, kNodes, nullptr, 4096);
        sim::Metrics metrics;
        metrics.setNodeCount(kNodes);
        p.attachMetrics(metrics);
        const sim::MetricId balance = static_cast<sim::MetricId>(metrics.find("payments.balance"));
        const auto treasury = p.systemAccount("treasury");
        const auto accounts = p.accountCount();
        std::vector<Amount> model(accounts, 0);
        std::map<core::HoldId, std::pair<core::AccountId, Amount>> holds;  // open ones
        Amount minted = 0, burned = 0;
        core::HoldId lastHold = 0;
        auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        auto account = [&] {
            // Now and then one that does not exist.
            return static_cast<core::AccountId>(pick(accounts + 2));
        };
        auto amount = [&]() -> Amount {
            switch (pick(5)) {
                case 0:
                    return -static_cast<Amount>(pick(10));
                case 1:
                    return static_cast<Amount>(pick(3 * kToken));
                default:
                    return static_cast<Amount>(pick(kToken)) + 1;
            }
        };
        int refused = 0;
        for (int step = 0; step < 20'000; ++step) {
            const auto from = account(), to = account();
            const Amount a = amount();
            const bool fromOk = from < accounts, toOk = to < accounts;
            bool expectOk = false;
            core::Result<void> r;
            switch (pick(6)) {
                case 0:  // transfer
                    expectOk = fromOk && toOk && a > 0 && model[from] >= a;
                    r = p.transfer(from, to, a, "transfer");
                    if (expectOk) model[from] -= a, model[to] += a;
                    break;
                case 1: {  // hold
                    expectOk = fromOk && a > 0 && model[from] >= a;
                    auto h = p.hold(from, a, "hold");
                    r = h ? core::Result<void>{} : core::Result<void>{h.error()};
                    if (expectOk) {
                        model[from] -= a;
                        holds[++lastHold] = {from, a};
                        QCOMPARE(*h, lastHold);
                    }
                    break;
                }
                case 2: {  // release part of a hold (or of one that is closed or unknown)
                    const core::HoldId id = pick(lastHold + 2);
                    const auto it = holds.find(id);
                    const Amount pay = it == holds.end() ? a : a % (it->second.second + 1);
                    expectOk = it != holds.end() && toOk && pay >= 0 && pay <= it->second.second;
                    r = p.release(id, to, pay, "release");
                    if (expectOk) {
                        model[to] += pay;
                        model[it->second.first] += it->second.second - pay;
                        holds.erase(it);
                    }
                    break;
                }
                case 3: {  // refund
                    const core::HoldId id = pick(lastHold + 2);
                    const auto it = holds.find(id);
                    expectOk = it != holds.end();
                    r = p.refund(id, "refund");
                    if (expectOk) {
                        model[it->second.first] += it->second.second;
                        holds.erase(it);
                    }
                    break;
                }
                case 4: {  // mint, to the treasury or to any account
                    const core::AccountId target = pick(4) == 0 ? treasury : to;
                    expectOk = target < accounts && a > 0;
                    r = p.mint(target, a, "mint");
                    if (expectOk) model[target] += a, minted += a;
                    break;
                }
                default:  // burn
                    expectOk = fromOk && a > 0 && model[from] >= a;
                    r = p.burn(from, a, "burn");
                    if (expectOk) model[from] -= a, burned += a;
                    break;
            }
            QVERIFY2(
                r.ok() == expectOk,
                qPrintable(
                    QString("step %1: %2").arg(step).arg(r ? QString("accepted") : errorOf(r))));
            if (!r) ++refused;
            QVERIFY2(p.checkConservation().ok(), qPrintable(errorOf(p.checkConservation())));
        }
        QVERIFY(refused > 1000);
        for (core::AccountId a = 0; a < accounts; ++a)
            QCOMPARE(*p.balance(a), model[a]);
        // Each node's balance metric followed its balance, in whole tokens.
        for (std::uint32_t n = 0; n < kNodes; ++n)
            QCOMPARE(metrics.nodeValue(balance, n), static_cast<double>(model[n]) / kToken);
        Amount escrowed = 0;
        for (const auto& [id, h] : holds) {
            QCOMPARE(*p.held(id), h.second);
            escrowed += h.second;
        }
        const auto t = p.totals();
        QCOMPARE(t.minted, minted);
        QCOMPARE(t.burned, burned);
        QCOMPARE(t.escrowed, escrowed);
    }

    void aRunWithoutALedgerHasMoney() {
        // The payer requires "payments" and no layer provides it: core's instant payments do, the
        // scenario validates, and the run's metrics count what moved.
        const auto r = runOf(R"({"payer": {}})");
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.status, core::RunStatus::Completed);
        QCOMPARE(metric(r, "payments.supply"), 100.0);
        QCOMPARE(metric(r, "payments.transfers"), 1.0);
        QCOMPARE(metric(r, "payments.volume"), 13.0);  // 10 transferred, 3 released
        // Node 0 got 10, held 5, paid 3 of them to node 1 and got 2 back.
        const core::MetricReport* balance = r.metric("payments.balance");
        QVERIFY(balance != nullptr);
        QCOMPARE(balance->scope, sim::MetricScope::Node);
        QCOMPARE(balance->value, 10.0);
        QCOMPARE(balance->max, 7.0);
        QCOMPARE(balance->count, std::uint64_t(r.nodes));
    }

    void amountsFromText() {
        const core::Token usdc{"USDC", 2};
        QCOMPARE(*core::parseAmount("12.5", usdc), Amount{1250});
        QCOMPARE(*core::parseAmount("0.01", usdc), Amount{1});
        QCOMPARE(*core::parseAmount("7", usdc), Amount{700});
        QCOMPARE(*core::parseAmount("92233720368547758.07", usdc), Payments::kMaxAmount);
        auto why = [&](std::string_view text) {
            const auto r = core::parseAmount(text, usdc);
            return r ? QString("(accepted)") : QString::fromStdString(r.error().message);
        };
        QCOMPARE(why("0.125"), QString("\"0.125\" has 3 decimals; USDC has 2"));
        QCOMPARE(why("92233720368547758.08"),
                 QString("\"92233720368547758.08\" USDC is more than the largest amount, "
                         "92,233,720,368,547,758.07 USDC"));
        for (const char* bad : {"", ".5", "5.", "-1", "1e3", "1,000", " 1", "one"})
            QCOMPARE(why(bad), QString("\"%1\" is not an amount of USDC: write whole tokens, "
                                       "optionally with decimals, e.g. \"12.5\"")
                                   .arg(bad));
        QCOMPARE(why("3.0"), QString("(accepted)"));
        QCOMPARE(core::parseAmount("3.0", core::Token{"X", 0}).error().message,
                 std::string("\"3.0\" has 1 decimals; X has 0 (whole tokens only)"));
        QVERIFY(core::validTokenSymbol("DAIS"));
        QVERIFY(core::validTokenSymbol("usdc2"));
        QVERIFY(!core::validTokenSymbol("2X"));
        QVERIFY(!core::validTokenSymbol("A-B"));
        QVERIFY(!core::validTokenSymbol("ABCDEFGHIJKLM"));
        QVERIFY(!core::validTokenSymbol(""));
    }

    // The "payments" section: its token and endowments reach the run's money before any layer
    // starts, and a scenario with it has money even if no layer uses it.
    void scenarioEndowmentsAreMinted() {
        const std::string text = R"({"format": "dais-scenario", "version": 1,
          "network": {"nodes": [{"id": "hub", "role": "hub"}],
                      "groups": [{"id": "gpus", "count": 4, "role": "gpu", "attach": "hub"},
                                 {"id": "phones", "count": 3, "role": "phone", "attach": "hub"}]},
          "payments": {"token": {"symbol": "USDC", "decimals": 2},
                       "endowments": [{"nodes": ["hub", "phones[1]"], "amount": 12.5},
                                      {"role": "gpu", "amount": "0.25"},
                                      {"nodes": ["phones"], "amount": 0.1},
                                      {"account": "treasury", "amount": 1000}]},
          "run": {"seed": 1}})";
        auto s = core::loadScenarioText(text, "pay.dais.json", {}, registry_.get());
        QVERIFY2(s.ok(), s ? "" : s.error().message.c_str());
        QVERIFY(s->payments.present);
        QCOMPARE(s->payments.token.symbol, std::string("USDC"));
        QCOMPARE(s->payments.endowments.size(), std::size_t(4));
        QCOMPARE(s->payments.endowments[2].amount, Amount{10});
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY2(run.ok(), run ? "" : run.error().message.c_str());
        auto* payments = (*run)->services().find<Payments>();
        QVERIFY(payments != nullptr);
        QCOMPARE(payments->token().symbol, std::string("USDC"));
        const core::RunReport r = (*run)->run();
        QCOMPARE(r.status, core::RunStatus::Completed);
        // hub 12.5; phones 0.1 each and phones[1] 12.5 more; gpus 0.25 each; treasury 1000.
        QCOMPARE(*payments->balance(payments->nodeAccount(0)), Amount{1250});
        QCOMPARE(*payments->balance(payments->nodeAccount(6)), Amount{1260});  // phones[1]
        QCOMPARE(*payments->balance(payments->nodeAccount(1)), Amount{25});    // gpus[0]
        QCOMPARE(*payments->balance(payments->systemAccount("treasury")), Amount{100'000});
        QCOMPARE(metric(r, "payments.supply"), 12.5 * 2 + 0.25 * 4 + 0.1 * 3 + 1000);
        const core::MetricReport* balance = r.metric("payments.balance");
        QVERIFY(balance != nullptr);
        QCOMPARE(balance->unit, std::string("USDC"));
        QCOMPARE(balance->max, 12.6);
        QCOMPARE(balance->min, 0.1);
        QCOMPARE(balance->count, std::uint64_t(8));
        QVERIFY(std::abs(balance->value - (12.5 * 2 + 0.25 * 4 + 0.1 * 3)) < 1e-9);
    }

    void badPaymentsSectionsAreRefused_data() {
        QTest::addColumn<QString>("payments");
        QTest::addColumn<QString>("error");
        QTest::newRow("symbol") << R"({"token": {"symbol": "U-S"}})"
                                << "/payments/token/symbol: expected 1 to 12 letters and digits, "
                                   "starting with a letter, got \"U-S\"";
        QTest::newRow("decimals") << R"({"token": {"decimals": 2},
            "endowments": [{"role": "phone", "amount": "0.125"}]})"
                                  << "/payments/endowments/0/amount: \"0.125\" has 3 decimals; "
                                     "DAIS has 2";
        QTest::newRow("nobody") << R"({"endowments": [{"amount": 5}]})"
                                << "/payments/endowments/0: an endowment names who gets it: "
                                   "\"nodes\", \"role\" or \"account\"";
        QTest::newRow("two")
            << R"({"endowments": [{"role": "phone", "account": "x", "amount": 5}]})"
            << "/payments/endowments/0: an endowment names one of \"nodes\", "
               "\"role\" and \"account\", not several";
        QTest::newRow("unknown node") << R"({"endowments": [{"nodes": ["a", "z"], "amount": 5}]})"
                                      << "/payments/endowments/0/nodes/1: unknown node \"z\"";
        QTest::newRow("unknown role") << R"({"endowments": [{"role": "gpu", "amount": 5}]})"
                                      << "/payments/endowments/0/role: no node has role \"gpu\"; "
                                         "the network's roles are: cloud, phone";
        QTest::newRow("zero") << R"({"endowments": [{"role": "phone", "amount": "0"}]})"
                              << "/payments/endowments/0/amount: expected an amount greater than "
                                 "0, got \"0\"";
        QTest::newRow("text") << R"({"endowments": [{"role": "phone", "amount": "ten"}]})"
                              << "/payments/endowments/0/amount: \"ten\" is not an amount of "
                                 "DAIS: write whole tokens, optionally with decimals, e.g. "
                                 "\"12.5\"";
        QTest::newRow("too much") << R"({"endowments": [{"role": "phone", "amount": 9e12},
                                                        {"role": "cloud", "amount": 9e12}]})"
                                  << "";  // each fits; together they pass the largest supply
    }
    void badPaymentsSectionsAreRefused() {
        QFETCH(QString, payments);
        QFETCH(QString, error);
        std::string text = testing::scenarioWithLayers("{}");
        text.insert(text.rfind(", \"run\""), ", \"payments\": " + payments.toStdString());
        auto s = core::loadScenarioText(text, "pay.dais.json", {}, registry_.get());
        if (!error.isEmpty()) {
            QVERIFY(!s.ok());
            QCOMPARE(QString::fromStdString(s.error().message), "pay.dais.json: " + error);
            return;
        }
        QVERIFY2(s.ok(), s ? "" : s.error().message.c_str());
        auto run = core::ScenarioRun::prepare(*s);
        QVERIFY(!run.ok());
        QCOMPARE(QString::fromStdString(run.error().message),
                 QString("pay.dais.json: /payments/endowments/1: payments: the supply would pass "
                         "the largest amount (9,223,372,036,854.775807 DAIS) (for \"endowment\")"));
    }

    void aRunWhoseMoneyIsNotConservedFails() {
        const auto r = runOf(R"({"payer": {}, "leakybank": {}})");
        QCOMPARE(r.status, core::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(r.error),
                 QString("payments: money was not conserved: 3 DAIS minted less 0 DAIS burned is "
                         "3 DAIS, but the balances (2 DAIS) and escrow (0 DAIS) come to 2 DAIS"));
        QVERIFY(metricIndex(r, "payments.supply") < 0);  // core's payments were not made
    }

    void conservationCheckNamesBothSides() {
        Payments::Totals t;
        t.minted = 10 * kToken;
        t.burned = kToken;
        t.balances = 8 * kToken;
        t.escrowed = 500'000;
        LeakyPayments leaky(t);
        QCOMPARE(errorOf(leaky.checkConservation()),
                 QString("payments: money was not conserved: 10 DAIS minted less 1 DAIS burned is "
                         "9 DAIS, but the balances (8 DAIS) and escrow (0.5 DAIS) come to 8.5 "
                         "DAIS"));
    }
};

QTEST_APPLESS_MAIN(TestPayments)
#include "tst_payments.moc"
