// The compute-market service as another layer uses it: a renter layer quotes and submits jobs
// to the DePIN market and hears one outcome for each: done and paid what the quote said, no
// provider for requirements nobody meets or a price limit nobody accepts, a missed deadline
// refunded, a cancelled job refunded, a redundant job verified; a malformed job is refused at
// once. Tokens are conserved through it all.
#include <QtTest>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/compute_market.h"
#include "dais/core/layer_registry.h"
#include "dais/core/payments.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/layers/depin.h"

using namespace dais;
using Market = core::ComputeMarket;

namespace {

/// What the renter saw.
struct Seen {
    std::vector<std::pair<std::string, Market::Outcome>> outcomes;  // by the job's name
    Market::Quote quote;
    std::string refused;  // the malformed job's error
    core::Amount balanceBefore = 0, balanceAfter = 0;
};
Seen seen;

/// Submits its jobs as the run starts, on its node (role "renter").
class RenterLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "renter";
        d.name = "Renter";
        d.version = "0.1.0";
        d.summary = "Rents compute through the compute-market service; for tests.";
        d.uses = {{std::string(Market::kId), true, "it rents compute"},
                  {"payments", true, "it pays for it"}};
        d.roles = {{"renter", true, "the node that rents"}};
        return {d, [] { return std::unique_ptr<core::Layer>(new RenterLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        for (sim::NodeIndex i = 0; i < ctx.network().nodeCount(); ++i)
            if (ctx.network().role(i) == "renter") me_ = i;
    }
    void start(core::LayerContext& ctx) override {
        auto* market = ctx.services().find<Market>();
        auto* payments = ctx.services().find<core::Payments>();
        QVERIFY(market != nullptr && payments != nullptr);
        seen.balanceBefore = *payments->balance(payments->nodeAccount(me_));
        const auto job = [&](double gflop) {
            Market::Job j;
            j.submitter = me_;
            j.payer = payments->nodeAccount(me_);
            j.flops = gflop * 1e9;
            return j;
        };
        const auto submit = [&](const std::string& name, const Market::Job& j) {
            auto id = market->submit(
                j, [name](const Market::Outcome& o) { seen.outcomes.emplace_back(name, o); });
            if (!id) qFatal("%s refused: %s", name.c_str(), id.error().message.c_str());
            return *id;
        };
        market->quote(job(1), [](const Market::Quote& q) { seen.quote = q; });
        submit("plain", job(1));
        Market::Job h100 = job(1);
        h100.requirements.hardwareClass = "h100-sxm";
        submit("h100", h100);
        Market::Job cheap = job(1);
        cheap.maxPrice = 1;  // one unit of the token: nobody is that cheap
        submit("cheap", cheap);
        Market::Job hurried = job(2);
        hurried.deadline = sim::kSecond;  // 2 s of work on a 1 GFLOP/s provider
        submit("hurried", hurried);
        market->cancel(submit("cancelled", job(50)));
        Market::Job checked = job(1);
        checked.redundancy = 3;
        checked.verification = Market::Verification::Redundant;
        submit("checked", checked);
        Market::Job checkedCancelled = job(50);
        checkedCancelled.redundancy = 3;
        checkedCancelled.verification = Market::Verification::Redundant;
        market->cancel(submit("checked-cancelled", checkedCancelled));
        Market::Job bad = job(1);
        bad.flops = 0;
        auto refused =
            market->submit(bad, [](const Market::Outcome&) { qFatal("heard a refusal"); });
        if (!refused) seen.refused = refused.error().message;
        payments_ = payments;
    }
    void finish(core::LayerContext&) override {
        seen.balanceAfter = *payments_->balance(payments_->nodeAccount(me_));
    }

  private:
    sim::NodeIndex me_ = 0;
    core::Payments* payments_ = nullptr;
};

const Market::Outcome* outcome(const std::string& name) {
    for (const auto& [n, o] : seen.outcomes)
        if (n == name) return &o;
    return nullptr;
}

}  // namespace

class TestDepinService : public QObject {
    Q_OBJECT

  private slots:
    void everyJobEndsWithItsOutcome() {
        core::LayerRegistry registry;
        QVERIFY(registry.add(layers::depin::factory()).ok());
        QVERIFY(registry.add(RenterLayer::factory()).ok());
        // Four providers at 1 GFLOP/s and 3.6 tokens an hour: 1 GFLOP costs 0.001 tokens.
        const nlohmann::json doc = {
            {"format", "dais-scenario"},
            {"version", 1},
            {"meta", {{"name", "service"}}},
            {"network",
             {{"nodes",
               {{{"id", "renter"}, {"role", "renter"}}, {{"id", "client"}, {"role", "client"}}}},
              {"groups",
               {{{"id", "providers"},
                 {"count", 4},
                 {"role", "provider"},
                 {"attach", "renter"},
                 {"resources", {{"cpu_gflops", 1}}},
                 {"attributes", {{"depin", {{"price", 3.6}}}}}}}}}},
            {"layers",
             {{"depin", {{"arrival_rate", 1e-9}, {"job_size", "fixed"}}},
              {"renter", nlohmann::json::object()}}},
            {"payments", {{"endowments", {{{"nodes", {"renter"}}, {"amount", 1}}}}}},
            {"run", {{"seed", 1}, {"until", "100s"}}}};
        auto s = core::loadScenarioText(doc.dump(), "service.dais.json", {}, &registry);
        QVERIFY2(s.ok(), s ? "" : s.error().message.c_str());
        auto r = core::ScenarioRun::prepare(*s);
        QVERIFY2(r.ok(), r ? "" : r.error().message.c_str());
        const core::RunReport report = (*r)->run();
        QCOMPARE(report.status, core::RunStatus::Completed);  // tokens conserved

        QVERIFY(seen.quote.available);
        QCOMPARE(seen.quote.price, core::Amount{1000});  // 0.001 tokens of 6 decimals
        QCOMPARE(seen.quote.expectedFinish, sim::kSecond);
        QVERIFY(seen.refused.find("FLOPs") != std::string::npos);

        QCOMPARE(seen.outcomes.size(), std::size_t(7));
        QCOMPARE(outcome("checked-cancelled")->status, Market::Status::Cancelled);
        const Market::Outcome* plain = outcome("plain");
        QVERIFY(plain != nullptr && plain->done());
        QCOMPARE(plain->paid, seen.quote.price);
        QVERIFY(!plain->verified);
        QCOMPARE(outcome("h100")->status, Market::Status::NoProvider);
        QCOMPARE(outcome("cheap")->status, Market::Status::NoProvider);
        QCOMPARE(outcome("hurried")->status, Market::Status::MissedDeadline);
        QCOMPARE(outcome("hurried")->paid, core::Amount{0});
        QCOMPARE(outcome("cancelled")->status, Market::Status::Cancelled);
        const Market::Outcome* checked = outcome("checked");
        QVERIFY(checked->done() && checked->verified);
        QCOMPARE(checked->paid, core::Amount{3000});  // three runs
        // What the renter paid: the plain job and the three runs of the checked one.
        QCOMPARE(seen.balanceBefore - seen.balanceAfter, core::Amount{4000});
    }
};

QTEST_GUILESS_MAIN(TestDepinService)
#include "tst_depin_service.moc"
