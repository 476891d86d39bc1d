// The market's checks and incentives against what theory says they do:
// - majority vote over three runs accepts no wrong result from 20% cheaters that do not collude;
//   colluding cheaters get a wrong result accepted exactly when two of a job's three providers,
//   drawn without replacement, are theirs (the hypergeometric probability);
// - spot checks at rate s against a share d of cheating runs let d(1 - s) / (1 - d s) of jobs
//   end with a wrong result, after s / (1 - d s) checks a job on average;
// - stakes: a cheater caught loses its share of stake, burned, and is expelled below the
//   minimum, and every token is accounted for;
// - hardware from the catalogue runs at its peak times the efficiency, at its typical price, and
//   takes only the jobs that fit its memory;
// - a priority queue gives each kind the mean wait Cobham's formula gives the non-preemptive
//   M/G/1 priority queue.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/layers/depin.h"

using namespace dais;
using nlohmann::json;

namespace {

/// n providers at 1 GFLOP/s and one client; jobs of 1 GFLOP on average.
json market(int providers, double rate, int seed, const std::string& until) {
    return json{
        {"format", "dais-scenario"},
        {"version", 1},
        {"meta", {{"name", "verification"}}},
        {"network",
         {{"nodes", {{{"id", "client"}, {"role", "client"}}}},
          {"groups",
           {{{"id", "providers"},
             {"count", providers},
             {"role", "provider"},
             {"attach", "client"},
             {"resources", {{"cpu_gflops", 1}}}}}}}},
        {"layers", {{"depin", {{"arrival_rate", rate}, {"job_gflop", 1}, {"payment", "none"}}}}},
        {"run", {{"seed", seed}, {"until", until}}}};
}

double metric(const core::RunReport& r, const char* name) {
    const auto* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->value;
}

/// Empty when `observed` successes of `trials` are within four standard errors of probability
/// p, else what they are.
QString offBinomial(double observed, double trials, double p, const char* what) {
    const double share = observed / trials, se = std::sqrt(p * (1 - p) / trials);
    if (std::abs(share - p) < 4 * se) return {};
    return QString("%1: %2 of %3 (%4), theory %5, standard error %6")
        .arg(what)
        .arg(observed)
        .arg(trials)
        .arg(share)
        .arg(p)
        .arg(se);
}

double choose(int n, int k) {
    double c = 1;
    for (int i = 0; i < k; ++i)
        c = c * (n - i) / (i + 1);
    return c;
}

}  // namespace

class TestDepinVerification : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    core::RunReport run(const json& doc) {
        auto s = core::loadScenarioText(doc.dump(), "verification.dais.json", {}, &registry_);
        if (!s) qFatal("%s", s.error().message.c_str());
        auto r = core::ScenarioRun::prepare(*s);
        if (!r) qFatal("%s", r.error().message.c_str());
        core::RunReport report = (*r)->run();
        if (report.status != core::RunStatus::Completed)
            qFatal("the run did not complete: %s", report.error.c_str());
        return report;
    }

  private slots:
    void initTestCase() {
        auto added = registry_.add(layers::depin::factory());
        QVERIFY2(added.ok(), added ? "" : added.error().message.c_str());
    }

    // Ten of fifty providers cheat on every job and compute nothing; each job runs on three
    // different providers, drawn at random. Wrong results never agree, so only the honest result
    // can make a majority: none wrong is accepted. A round with two or three cheaters (the
    // hypergeometric q = 0.098) has no majority and runs again; after three such rounds, q^3 of
    // the jobs, the job is rejected.
    void majorityVoteAcceptsNoWrongResult() {
        json doc = market(50, 10, 1, "2000s");
        doc["layers"]["depin"].update({{"verification", "redundant"},
                                       {"redundancy", 3},
                                       {"dishonest", 0.2},
                                       {"matching", "queues"},
                                       {"policy", "random"},
                                       {"payment", "escrow"}});
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"price", 3.6}}}};
        doc["payments"] = {{"endowments", {{{"nodes", {"client"}}, {"amount", 1000000}}}}};
        const core::RunReport r = run(doc);
        const double submitted = metric(r, "depin.jobs_submitted");
        const double ended = submitted - metric(r, "depin.in_system");
        QCOMPARE(metric(r, "depin.wrong_accepted"), 0.0);
        QVERIFY(metric(r, "depin.results_wrong") > 5000);
        QVERIFY(metric(r, "depin.cheats_caught") > 1000);
        QVERIFY(metric(r, "depin.cheats_caught") <= metric(r, "depin.results_wrong"));
        const double q = (choose(10, 2) * choose(40, 1) + choose(10, 3)) / choose(50, 3);
        const QString off =
            offBinomial(metric(r, "depin.jobs_rejected"), ended, q * q * q, "jobs rejected");
        QVERIFY2(off.isEmpty(), qPrintable(off));
        QCOMPARE(metric(r, "depin.jobs_done") + metric(r, "depin.jobs_rejected"), ended);
        QCOMPARE(r.status, core::RunStatus::Completed);  // tokens were conserved
    }

    // With collusion, the three providers of a job are drawn uniformly without replacement
    // (random dispatch): a wrong result is accepted when two or three of them cheat.
    void collusionWinsAsOftenAsTheHypergeometricSays() {
        json doc = market(50, 10, 2, "1000s");
        doc["layers"]["depin"].update({{"verification", "redundant"},
                                       {"redundancy", 3},
                                       {"dishonest", 0.2},
                                       {"collusion", true},
                                       {"matching", "queues"},
                                       {"policy", "random"},
                                       {"cheat_effort", 1}});
        const core::RunReport r = run(doc);
        const double theory =
            (choose(10, 2) * choose(40, 1) + choose(10, 3)) / choose(50, 3);  // 0.0980
        const double decided = metric(r, "depin.jobs_done");
        QVERIFY(decided > 9000);
        const QString off = offBinomial(metric(r, "depin.wrong_accepted"), decided, theory,
                                        "wrong results accepted");
        QVERIFY2(off.isEmpty(), qPrintable(off));
    }

    // Spot checks of half the results against 20% cheating runs.
    void spotChecksCatchWhatTheoryPredicts() {
        json doc = market(50, 20, 3, "1000s");
        doc["layers"]["depin"].update({{"verification", "spot"},
                                       {"spot_rate", 0.5},
                                       {"dishonest", 0.2},
                                       {"matching", "queues"},
                                       {"policy", "random"}});
        const core::RunReport r = run(doc);
        const double d = 0.2, s = 0.5;
        const double done = metric(r, "depin.jobs_done");
        QVERIFY(done > 15000);
        QString off = offBinomial(metric(r, "depin.wrong_accepted"), done,
                                  d * (1 - s) / (1 - d * s), "wrong results accepted");
        QVERIFY2(off.isEmpty(), qPrintable(off));
        const double checksPerJob = metric(r, "depin.audits") / done;
        QVERIFY2(std::abs(checksPerJob - s / (1 - d * s)) < 0.02,
                 qPrintable(QString::number(checksPerJob)));
        QVERIFY(metric(r, "depin.cheats_caught") > 0);
    }

    // Stakes of 100 tokens, half slashed at each catch, expelled below 30: every cheater is
    // caught at least twice and expelled (results of its runs still in a vote may cost it more
    // after that); every slashed token is burned, the rest stays locked.
    void cheatersLoseTheirStakesAndLeave() {
        json doc = market(50, 10, 4, "2000s");
        doc["layers"]["depin"].update({{"verification", "redundant"},
                                       {"redundancy", 3},
                                       {"dishonest", 0.2},
                                       {"slash_fraction", 0.5},
                                       {"min_stake", 30}});
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"stake", 100}}}};
        doc["payments"] = {{"endowments", {{{"role", "provider"}, {"amount", 100}}}}};
        const core::RunReport r = run(doc);
        QCOMPARE(metric(r, "depin.providers_expelled"), 10.0);
        QCOMPARE(metric(r, "depin.wrong_accepted"), 0.0);
        QCOMPARE(r.status, core::RunStatus::Completed);  // conserved: slashed burned, rest held
        // The table tells the cheaters: expelled, at most 25 tokens left, low reputation.
        const core::InspectorTable* t = r.table("depin.providers");
        QVERIFY(t != nullptr);
        const std::size_t honest = *t->spec().column("honest"), state = *t->spec().column("state"),
                          stake = *t->spec().column("stake"), caught = *t->spec().column("caught"),
                          reputation = *t->spec().column("reputation");
        double worstHonest = 1, bestCheater = 0, left = 0;
        for (std::size_t i = 0; i < t->rowCount(); ++i) {
            if (t->string(i, honest) == "no") {
                QCOMPARE(t->string(i, state), std::string("expelled"));
                QVERIFY(t->number(i, stake) <= 25);
                QVERIFY(t->number(i, caught) >= 2);
                // Each catch halves the stake (rounded to the token's unit).
                QVERIFY(std::abs(t->number(i, stake) - 100 / std::pow(2, t->number(i, caught))) <
                        1e-5);
                bestCheater = std::max(bestCheater, t->number(i, reputation));
                left += t->number(i, stake);
            } else {
                QCOMPARE(t->number(i, stake), 100.0);
                worstHonest = std::min(worstHonest, t->number(i, reputation));
            }
        }
        QVERIFY(std::abs(metric(r, "depin.slashed") - (1000 - left)) < 1e-5);
        QVERIFY(std::abs(metric(r, "depin.staked") - (4000 + left)) < 1e-5);
        QVERIFY2(bestCheater < worstHonest,
                 qPrintable(QString("%1 %2").arg(bestCheater).arg(worstHonest)));
    }

    // With slash_failures, a provider that crashes with a job loses stake for it: churn slashes
    // the providers it catches working, and only those; every slashed token is burned.
    void failuresAreSlashedWhenAsked() {
        json doc = market(10, 5, 13, "2000s");
        doc["network"]["faults"] = {{{"at", "0s"},
                                     {"kind", "churn"},
                                     {"targets", {"providers"}},
                                     {"mean_up", "200s"},
                                     {"mean_down", "20s"}}};
        doc["layers"]["depin"].update({{"slash_failures", true}, {"slash_fraction", 0.1}});
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"stake", 100}}}};
        doc["payments"] = {{"endowments", {{{"role", "provider"}, {"amount", 100}}}}};
        const core::RunReport r = run(doc);
        QVERIFY(metric(r, "depin.jobs_preempted") > 0);
        QVERIFY(metric(r, "depin.slashed") > 0);
        QVERIFY(std::abs(metric(r, "depin.staked") + metric(r, "depin.slashed") - 1000) < 1e-6);
        QCOMPARE(metric(r, "depin.cheats_caught"), 0.0);
        QCOMPARE(r.status, core::RunStatus::Completed);
    }

    // An H100 in 16-bit at half its peak computes 494.5 TFLOP a second, at 12.29 tokens an hour
    // when a token is a dollar; a T4 has too little memory for a training step.
    void catalogueHardwareSetsSpeedPriceAndMemory() {
        json doc = market(2, 0.01, 5, "20000s");
        doc["network"]["groups"][0].erase("resources");
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"hardware", "h100-sxm"}}}};
        doc["layers"]["depin"].update({{"precision", "fp16"},
                                       {"efficiency", 0.5},
                                       {"job_gflop", 494500},
                                       {"job_size", "fixed"}});
        core::RunReport r = run(doc);
        QVERIFY(metric(r, "depin.jobs_done") > 100);
        QVERIFY(std::abs(r.metric("depin.compute")->mean - 1.0) < 1e-6);
        QVERIFY(std::abs(r.metric("depin.price")->mean - 12.29) < 1e-9);
        const core::InspectorTable* t = r.table("depin.providers");
        QCOMPARE(t->string(0, *t->spec().column("hardware")), std::string("h100-sxm"));
        QVERIFY(std::abs(t->number(0, *t->spec().column("speed")) - 494.5) < 1e-9);
        // By region and class: one row, both providers, every job, the busy share of their time.
        const core::InspectorTable* classes = r.table("depin.classes");
        QVERIFY(classes != nullptr);
        QCOMPARE(classes->rowCount(), std::size_t(1));
        QCOMPARE(classes->string(0, *classes->spec().column("hardware")), std::string("h100-sxm"));
        QCOMPARE(classes->number(0, *classes->spec().column("providers")), 2.0);
        QCOMPARE(classes->number(0, *classes->spec().column("jobs")), metric(r, "depin.jobs_done"));
        const double busy = r.metric("depin.busy_time")->value;
        QVERIFY(std::abs(classes->number(0, *classes->spec().column("utilisation")) -
                         busy / (2 * 20000.0)) < 1e-9);

        doc["layers"]["depin"]["job_mix"] = "training";
        doc["network"]["groups"][0]["attributes"]["depin"]["hardware"] = "t4";
        r = run(doc);
        QVERIFY(metric(r, "depin.jobs_submitted") > 100);
        QCOMPARE(metric(r, "depin.jobs_unserved"), metric(r, "depin.jobs_submitted"));
        doc["network"]["groups"][0]["attributes"]["depin"]["hardware"] = "a100-sxm";
        r = run(doc);
        QCOMPARE(metric(r, "depin.jobs_unserved"), 0.0);
        QVERIFY(metric(r, "depin.jobs_done") > 100);
    }

    // One provider computing an inference request in 1 s on average and a render frame in
    // 41.7 s; 0.2 requests and 0.012 frames a second (load 0.7). Non-preemptive priority,
    // inference first: Cobham's formula, W_k = W0 / ((1 - s_{k-1})(1 - s_k)) with W0 the sum of
    // lambda_i E[S_i^2] / 2 and s_k the load of the classes up to k.
    void priorityQueueMeetsCobhamsFormula() {
        const double inferenceS = 1.0, renderS = 3e5 / 7.2e3;
        const double li = 0.2, lr = 0.012;
        // A render's input takes 4 ms on the 1 Tbit/s link and is part of its service.
        const double t = 500e6 * 8 / 1e12;
        const double es2i = 2 * inferenceS * inferenceS;
        const double es2r = t * t + 2 * t * renderS + 2 * renderS * renderS;
        const double w0 = (li * es2i + lr * es2r) / 2;
        const double si = li * inferenceS, sr = si + lr * (renderS + t);
        const double theoryI = w0 / (1 - si), theoryR = w0 / ((1 - si) * (1 - sr));
        std::vector<double> wi, wr;
        for (int seed = 1; seed <= 8; ++seed) {
            json doc = market(1, li + lr, 10 + seed, "200000s");
            doc["network"]["groups"][0]["resources"]["cpu_gflops"] = 7200;
            doc["network"]["groups"][0]["access"] = {{"latency", "0ms"}, {"bandwidth", "1000Gbps"}};
            doc["layers"]["depin"].update(
                {{"job_mix", "inference:200,render:12"}, {"queue", "priority"}});
            const core::RunReport r = run(doc);
            wi.push_back(r.metric("depin.wait_inference")->mean);
            wr.push_back(r.metric("depin.wait_render")->mean);
        }
        auto check = [](const std::vector<double>& runs, double theory, const char* what) {
            double mean = 0, var = 0;
            for (double x : runs)
                mean += x / static_cast<double>(runs.size());
            for (double x : runs)
                var += (x - mean) * (x - mean) / static_cast<double>(runs.size() - 1);
            const double se = std::sqrt(var / static_cast<double>(runs.size()));
            QVERIFY2(std::abs(mean - theory) < 4 * se,
                     qPrintable(QString("%1: %2 (standard error %3), theory %4")
                                    .arg(what)
                                    .arg(mean)
                                    .arg(se)
                                    .arg(theory)));
        };
        check(wi, theoryI, "inference wait");
        check(wr, theoryR, "render wait");
        QVERIFY(theoryR > 3 * theoryI);
    }

    // Ten providers, five of them down for the first five of ten one-hour epochs; 100 tokens
    // an epoch by uptime: the always-up ones get 100/5 for those epochs and 100/10 after, the
    // others 0 and then 100/10.
    void rewardsFollowUptime() {
        json doc = market(5, 1e-6, 6, "36000s");
        doc["network"]["groups"].push_back(doc["network"]["groups"][0]);
        doc["network"]["groups"][1]["id"] = "late";
        doc["network"]["faults"] = {
            {{"at", "0s"}, {"kind", "crash"}, {"targets", {"late"}}, {"duration", "18000s"}}};
        doc["layers"]["depin"].update({{"emission", 100}, {"epoch", "1h"}});
        doc["payments"] = json::object();
        const core::RunReport r = run(doc);
        QVERIFY(std::abs(metric(r, "depin.rewards") - 1000) < 1e-3);
        const core::InspectorTable* t = r.table("depin.providers");
        const std::size_t income = *t->spec().column("income");
        for (std::size_t i = 0; i < t->rowCount(); ++i) {
            const double expected = i < 5 ? 5 * 20 + 5 * 10 : 5 * 10;
            QVERIFY2(std::abs(t->number(i, income) - expected) < 1e-3,
                     qPrintable(QString("%1: %2").arg(i).arg(t->number(i, income))));
        }
        QCOMPARE(r.status, core::RunStatus::Completed);
    }

    // The emission halves every two hours: epoch k (starting at k hours) mints E 2^(-k/2).
    void theEmissionHalvesOnSchedule() {
        json doc = market(3, 1e-6, 7, "36000s");
        doc["layers"]["depin"].update(
            {{"emission", 64}, {"epoch", "1h"}, {"emission_halving", "2h"}});
        doc["payments"] = json::object();
        const core::RunReport r = run(doc);
        double expected = 0;
        for (int k = 0; k < 10; ++k)
            expected += 64 * std::pow(0.5, k / 2.0);
        // Each provider's share is rounded down to the token's unit.
        QVERIFY2(
            std::abs(metric(r, "depin.rewards") - expected) < 1e-4,
            qPrintable(QString("%1 against %2").arg(metric(r, "depin.rewards")).arg(expected)));
        QVERIFY(std::abs(metric(r, "depin.token_supply") - metric(r, "depin.rewards")) < 1e-9);
    }

    // Ten providers share 10 tokens an hour: 1 each. Those whose hour costs 3 lose money and
    // leave after two epochs; the rest then earn 2 an hour, still short of 3, so they stay away.
    void providersWhoLoseMoneyLeave() {
        json doc = market(5, 1e-6, 8, "36000s");
        doc["network"]["groups"].push_back(doc["network"]["groups"][0]);
        doc["network"]["groups"][1]["id"] = "dear";
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"cost", 0.5}}}};
        doc["network"]["groups"][1]["attributes"] = {{"depin", {{"cost", 3}}}};
        doc["layers"]["depin"].update({{"emission", 10}, {"epoch", "1h"}, {"leave_after", 2}});
        doc["payments"] = json::object();
        const core::RunReport r = run(doc);
        QCOMPARE(metric(r, "depin.providers_left"), 5.0);
        QCOMPARE(metric(r, "depin.providers_joined"), 0.0);
        QCOMPARE(metric(r, "depin.providers_online"), 5.0);
        const core::InspectorTable* t = r.table("depin.providers");
        const std::size_t state = *t->spec().column("state");
        for (std::size_t i = 5; i < 10; ++i)
            QCOMPARE(t->string(i, state), std::string("left"));
        // Two epochs at 1 token, then eight at 2: 18 for each who stayed.
        QVERIFY(std::abs(t->number(0, *t->spec().column("income")) - 18) < 1e-3);
    }

    // Burn-and-mint: a client spends 3.6 dollars an hour (a job of a thousandth of a dollar a
    // second) and the market mints 36 tokens an hour: burns match mints at 0.1 dollars a token,
    // and the price settles there from 1 dollar.
    void burnAndMintSettlesWhereBurnsMatchTheEmission() {
        json doc = market(4, 1, 9, "108000s");
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"price", 3.6}}}};
        doc["layers"]["depin"].update({{"job_size", "fixed"},
                                       {"payment", "escrow"},
                                       {"token_model", "burn-and-mint"},
                                       {"emission", 36},
                                       {"epoch", "1h"}});
        doc["payments"] = {{"endowments", {{{"nodes", {"client"}}, {"amount", 10000}}}}};
        const core::RunReport r = run(doc);
        const double price = metric(r, "depin.token_price");
        QVERIFY2(std::abs(price - 0.1) < 0.002, qPrintable(QString::number(price)));
        QVERIFY(std::abs(metric(r, "depin.token_supply") -
                         (10000 + metric(r, "depin.rewards") - metric(r, "depin.burned"))) < 1e-6);
        QVERIFY(metric(r, "depin.income") > 0);  // providers are paid by the emission
        QCOMPARE(r.status, core::RunStatus::Completed);
    }

    // Providers lent out eight hours a night, from 18:00: in the market a third of the time, all
    // of them at 20:00 and none at noon; with their starts spread over four hours the share
    // stays a third, and jobs go on being served by the ones in their hours.
    void providersComeAndGoWithTheirHours() {
        for (const double jitter : {0.0, 4.0}) {
            json doc = market(100, 0.5, 12, "864000s");
            doc["network"]["groups"][0]["attributes"] = {
                {"depin", {{"online_hours", 8}, {"online_from", 18}}}};
            doc["layers"]["depin"]["diurnal_jitter"] = jitter;
            const core::RunReport r = run(doc);
            const double share = metric(r, "depin.availability");
            QVERIFY2(std::abs(share - 1.0 / 3) < 0.005, qPrintable(QString::number(share)));
            if (jitter > 0) continue;
            QVERIFY(metric(r, "depin.jobs_done") > 0.9 * metric(r, "depin.jobs_submitted"));
            for (const auto& [until, online] : {std::pair{"72000s", 100.0}, {"43200s", 0.0}}) {
                doc["run"]["until"] = until;
                QCOMPARE(metric(run(doc), "depin.providers_online"), online);
            }
        }
    }

    void badMixesAreRefusedByName() {
        json doc = market(2, 1, 1, "10s");
        for (const char* mix : {"inference:-1", "video:1", "custom:0", "inference:x"}) {
            doc["layers"]["depin"]["job_mix"] = mix;
            auto s = core::loadScenarioText(doc.dump(), "bad.dais.json", {}, &registry_);
            QVERIFY(s.ok());
            auto r = core::ScenarioRun::prepare(*s);
            QVERIFY2(!r.ok(), mix);
            QVERIFY2(r.error().message.find("job_mix") != std::string::npos,
                     r.error().message.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestDepinVerification)
#include "tst_depin_verification.moc"
