// The market against queueing theory: a pool of c identical providers with Poisson arrivals and
// exponential job sizes is an M/M/c queue, whose probability of waiting and mean wait Erlang's C
// formula gives; after an outage takes providers away it is the smaller pool's queue; and
// Little's law (jobs in the system = arrival rate x time in the system) holds. Inputs and
// results cross the network for real, and jobs whose provider crashes run again elsewhere.
// The policies: random dispatch to providers' own queues splits the arrivals into independent
// M/M/1 queues; the least loaded does far better; the cheapest and the nearest get the work.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include <fstream>

#include <QTemporaryDir>
#include <nlohmann/json.hpp>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/layers/depin.h"

using namespace dais;

namespace {

/// Erlang C for c servers at offered load a = lambda / mu (a < c): the probability that an
/// arrival waits, and the mean wait in units of 1 / mu.
struct ErlangC {
    double waitProbability = 0, meanWait = 0;
    double responseOver1s = 0;  // P(wait + service > 1 s), first come first served
};
ErlangC erlangC(int c, double a) {
    double term = 1, sum = 0;  // a^k / k!
    for (int k = 0; k < c; ++k) {
        sum += term;
        term *= a / (k + 1);
    }
    const double rho = a / c;
    const double tail = term / (1 - rho);  // a^c / c! / (1 - rho)
    ErlangC e;
    e.waitProbability = tail / (sum + tail);
    e.meanWait = e.waitProbability / (c - a);  // P(wait) / (c mu - lambda), mu = 1
    // A job that waits does so for an exponential time at rate theta = c mu - lambda; the
    // response is that plus an exponential service at mu = 1 (a sum of two exponentials).
    const double theta = c - a, t = 1;
    const double sumOver = std::abs(theta - 1) < 1e-12
                               ? std::exp(-t) * (1 + t)
                               : (theta * std::exp(-t) - std::exp(-theta * t)) / (theta - 1);
    e.responseOver1s = (1 - e.waitProbability) * std::exp(-t) + e.waitProbability * sumOver;
    return e;
}

/// c providers at 1 GFLOP/s and one client; jobs of 1 GFLOP on average (mu = 1 per second).
std::string pool(int c, double rate, int seed, const std::string& faults = "[]") {
    return R"({"format": "dais-scenario", "version": 1, "meta": {"name": "pool"},
               "network": {"nodes": [{"id": "client", "role": "client"}],
                           "groups": [{"id": "providers", "count": )" +
           std::to_string(c) +
           R"(, "role": "provider", "attach": "client", "resources": {"cpu_gflops": 1}}],
                           "faults": )" +
           faults + R"(},
               "layers": {"depin": {"arrival_rate": )" +
           std::to_string(rate) + R"(, "job_gflop": 1, "payment": "none", "deadline": "1s"}},
               "run": {"seed": )" +
           std::to_string(seed) + R"(, "until": "20000s"}})";
}

double metric(const core::RunReport& r, const char* name) {
    const auto* m = r.metric(name);
    if (m == nullptr) qFatal("no metric %s", name);
    return m->value;
}

struct Replications {
    std::vector<double> wait, waited, little, missed;
    double mean(const std::vector<double>& v) const {
        double s = 0;
        for (double x : v)
            s += x;
        return s / static_cast<double>(v.size());
    }
    double standardError(const std::vector<double>& v) const {
        const double m = mean(v);
        double s = 0;
        for (double x : v)
            s += (x - m) * (x - m);
        return std::sqrt(s / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    }
};

}  // namespace

class TestDepinQueue : public QObject {
    Q_OBJECT
    core::LayerRegistry registry_;

    core::RunReport run(const std::string& text) {
        auto s = core::loadScenarioText(text, "pool.dais.json", {}, &registry_);
        if (!s) qFatal("%s", s.error().message.c_str());
        auto r = core::ScenarioRun::prepare(*s);
        if (!r) qFatal("%s", r.error().message.c_str());
        core::RunReport report = (*r)->run();
        if (report.status != core::RunStatus::Completed) qFatal("the run did not complete");
        return report;
    }

    /// Eight runs of 20,000 s (about 60,000 jobs each at 3 a second) with their own seeds: the
    /// spread of their means gives the standard error the checks allow for.
    Replications replicate(int c, double rate, const std::string& faults = "[]") {
        Replications r;
        for (int seed = 1; seed <= 8; ++seed) {
            const core::RunReport report = run(pool(c, rate, seed, faults));
            const double submitted = metric(report, "depin.jobs_submitted");
            r.wait.push_back(report.metric("depin.wait")->mean);
            r.waited.push_back(metric(report, "depin.jobs_waited") / submitted);
            r.missed.push_back(metric(report, "depin.deadline_misses") /
                               metric(report, "depin.jobs_done"));
            // Little's law over the run: L against lambda W.
            const double lambda = submitted / 20000.0;
            r.little.push_back(metric(report, "depin.mean_in_system") /
                               (lambda * report.metric("depin.response")->mean));
        }
        return r;
    }

    /// Empty when the runs' mean is within four standard errors of `theory`, else what it is.
    static QString offTheory(const Replications& r, const std::vector<double>& runs, double theory,
                             const char* what) {
        const double mean = r.mean(runs), se = r.standardError(runs);
        if (std::abs(mean - theory) < 4 * se) return {};
        return QString("%1: %2 (standard error %3), theory %4")
            .arg(what)
            .arg(mean)
            .arg(se)
            .arg(theory);
    }

    void compare(const Replications& r, const ErlangC& theory) {
        QString off = offTheory(r, r.wait, theory.meanWait, "mean wait (s), Erlang C");
        QVERIFY2(off.isEmpty(), qPrintable(off));
        QVERIFY(r.standardError(r.wait) < 0.05 * theory.meanWait);  // the runs tell apart
        // A deadline of 1 s is missed as often as M/M/c's response exceeds 1 s.
        off = offTheory(r, r.missed, theory.responseOver1s, "deadline missed");
        QVERIFY2(off.isEmpty(), qPrintable(off));
        off = offTheory(r, r.waited, theory.waitProbability, "P(wait), Erlang C");
        QVERIFY2(off.isEmpty(), qPrintable(off));
        for (double ratio : r.little)
            QVERIFY2(std::abs(ratio - 1) < 0.01,
                     qPrintable(QString("L / lambda W = %1").arg(ratio)));
    }

  private slots:
    void initTestCase() { QVERIFY(registry_.add(layers::depin::factory()).ok()); }

    void erlangCFormula() {
        // Hand-checked values: M/M/1 at rho 0.5 waits with probability 0.5, for 1 / mu on
        // average; M/M/2 at a = 1 with probability 1/3, for 1/3.
        QCOMPARE(erlangC(1, 0.5).waitProbability, 0.5);
        QCOMPARE(erlangC(1, 0.5).meanWait, 1.0);
        QVERIFY(std::abs(erlangC(2, 1).waitProbability - 1.0 / 3) < 1e-12);
        QVERIFY(std::abs(erlangC(2, 1).meanWait - 1.0 / 3) < 1e-12);
    }

    void poolMatchesErlangC() {
        // Four providers, three jobs a second: rho = 0.75.
        compare(replicate(4, 3), erlangC(4, 3));
    }

    void transfersCrossTheNetwork() {
        // One provider 10 ms and 100 Mbit/s away; a job sends 1 MB (80 ms on the wire) and gets
        // 100 kB back (8 ms), and computes 1 GFLOP at 1 GFLOP/s; the few jobs that wait only add
        // their wait.
        const std::string text =
            R"({"format": "dais-scenario", "version": 1, "meta": {"name": "far"},
            "network": {"nodes": [{"id": "client", "role": "client"},
                                  {"id": "gpu", "role": "provider", "resources": {"cpu_gflops": 1}}],
                        "links": [{"from": "client", "to": "gpu", "latency": "10ms",
                                   "bandwidth": "100Mbps"}]},
            "layers": {"depin": {"arrival_rate": 0.01, "job_gflop": 1, "job_size": "fixed",
                                 "input_bytes": 1000000, "output_bytes": 100000,
                                 "payment": "none"}},
            "run": {"seed": 3, "until": "20000s"}})";
        const core::RunReport r = run(text);
        QVERIFY(metric(r, "depin.jobs_done") > 150);
        QVERIFY2(std::abs(r.metric("depin.transfer")->mean - 0.108) < 1e-6,
                 qPrintable(QString::number(r.metric("depin.transfer")->mean)));
        QVERIFY(std::abs(r.metric("depin.compute")->mean - 1.0) < 1e-6);
        QVERIFY(std::abs(r.metric("depin.response")->mean - r.metric("depin.wait")->mean - 1.108) <
                1e-6);
        QCOMPARE(metric(r, "depin.bytes"), 1.1e6 * metric(r, "depin.jobs_submitted"));
        // With providers' own queues the input travels at once and the job joins the queue when
        // it is there: the same transfer at least, more when an input must queue on the link
        // behind the one before (in the book, an input travels only once its provider is free).
        std::string queues = text;
        queues.replace(queues.find(R"("payment": "none")"), 17,
                       R"("payment": "none", "matching": "queues")");
        const core::RunReport q = run(queues);
        QVERIFY(std::abs(q.metric("depin.transfer")->min - 0.108) < 1e-6);
        QVERIFY(q.metric("depin.transfer")->mean > 0.108);
        QVERIFY(std::abs(q.metric("depin.response")->mean - q.metric("depin.wait")->mean -
                         q.metric("depin.transfer")->mean - 1.0) < 1e-6);
    }

    void jobsOfACrashedProviderRunElsewhere() {
        // Providers fail and recover all the time (churn): every job that arrived ends, or is
        // still in the market when the run does.
        const std::string churn =
            R"([{"at": "0s", "kind": "churn", "targets": ["providers"], "mean_up": "20s",
                 "mean_down": "5s"}])";
        std::string text = pool(4, 2, 5, churn);
        text.replace(text.find(R"("job_gflop": 1)"), 14,
                     R"("job_gflop": 1, "input_bytes": 100000, "output_bytes": 1000)");
        const core::RunReport r = run(text);
        QVERIFY(metric(r, "depin.jobs_preempted") > 100);
        QCOMPARE(metric(r, "depin.jobs_failed"), 0.0);  // the client never goes down
        QCOMPARE(metric(r, "depin.jobs_submitted"),
                 metric(r, "depin.jobs_done") + metric(r, "depin.in_system"));
        QVERIFY(metric(r, "depin.providers_online") <= 4);
        // Up 20 s and down 5 s on average: available 80% of the time (four providers over
        // 20,000 s, about 3,200 changes).
        QVERIFY2(std::abs(metric(r, "depin.availability") - 0.8) < 0.02,
                 qPrintable(QString::number(metric(r, "depin.availability"))));
    }

    void randomDispatchMakesIndependentQueues() {
        // Five providers with queues of their own, four jobs a second sent at random: each is an
        // M/M/1 queue at rho = 0.8, whose mean time in system is 1 / (mu - lambda / c) = 5 s.
        // Sent to the least loaded instead, the pool is close to one M/M/5 queue (1.55 s).
        auto settings = [](const char* policy, int seed) {
            std::string text = pool(5, 4, seed);
            text.replace(text.find(R"("job_gflop": 1)"), 14,
                         std::string(R"("job_gflop": 1, "matching": "queues", "policy": ")") +
                             policy + "\"");
            return text;
        };
        std::vector<double> random, least;
        for (int seed = 1; seed <= 8; ++seed) {
            random.push_back(run(settings("random", seed)).metric("depin.response")->mean);
            least.push_back(run(settings("least-loaded", seed)).metric("depin.response")->mean);
        }
        const Replications r;
        const QString off = offTheory(r, random, 5.0, "random dispatch, mean response (s)");
        QVERIFY2(off.isEmpty(), qPrintable(off));
        const double w = r.mean(random);
        const double l = r.mean(least);
        const double mmc = 1 + erlangC(5, 4).meanWait;  // the pool's M/M/5 response
        QVERIFY2(l < 0.4 * w && l > 0.95 * mmc,
                 qPrintable(QString("least loaded: %1 s, M/M/5 %2 s").arg(l).arg(mmc)));
    }

    void cheapestAndNearestGetTheWork() {
        // A cheap slow edge box 1 km from the client and a dear fast data centre 1,000 km away.
        auto market = [&](const char* matching, const char* policy) {
            nlohmann::json provider = {{"role", "provider"}};
            nlohmann::json edge = provider, cloud = provider;
            edge.update({{"id", "edge"},
                         {"position", {1, 0}},
                         {"resources", {{"cpu_gflops", 1}}},
                         {"attributes", {{"depin", {{"price", 1}}}}}});
            cloud.update({{"id", "cloud"},
                          {"position", {1000, 0}},
                          {"resources", {{"cpu_gflops", 4}}},
                          {"attributes", {{"depin", {{"price", 10}}}}}});
            nlohmann::json doc = {
                {"format", "dais-scenario"},
                {"version", 1},
                {"meta", {{"name", "two"}}},
                {"network",
                 {{"nodes",
                   {{{"id", "client"}, {"role", "client"}, {"position", {0, 0}}}, edge, cloud}},
                  {"links",
                   {{{"from", "client"}, {"to", "edge"}}, {{"from", "client"}, {"to", "cloud"}}}}}},
                {"layers",
                 {{"depin",
                   {{"arrival_rate", 0.5},
                    {"matching", matching},
                    {"policy", policy},
                    {"payment", "none"}}}}},
                {"run", {{"seed", 2}, {"until", "4000s"}}}};
            return run(doc.dump());
        };
        // Each provider's jobs: the node metric's spread over the three nodes, the client's 0
        // the least, so the median is the provider with fewer jobs.
        const core::RunReport cheapest = market("book", "cheapest");
        const auto* jobs = cheapest.metric("depin.provider_jobs");
        QVERIFY2(jobs->max > 1.5 * jobs->p50,  // the edge takes every job it is free for
                 qPrintable(QString("%1 and %2 jobs").arg(jobs->max).arg(jobs->p50)));
        const core::RunReport nearest = market("queues", "nearest");
        QCOMPARE(nearest.metric("depin.provider_jobs")->max, metric(nearest, "depin.jobs_done"));
        // The data centre computes four times as fast and is seldom busy at this load: the least
        // loaded sends it nearly everything, and jobs end sooner than at the edge.
        const core::RunReport least = market("queues", "least-loaded");
        QVERIFY(least.metric("depin.provider_jobs")->max > 0.9 * metric(least, "depin.jobs_done"));
        QVERIFY(least.metric("depin.response")->mean <
                0.5 * nearest.metric("depin.response")->mean);
    }

    void escrowPaysProvidersForResults() {
        // Two providers at 1 GFLOP/s charge 3.6 tokens an hour: a 1 GFLOP job costs 0.001
        // tokens. The client has 1 token, enough for 1,000 jobs; it submits one a second for
        // 2,000 s. Under churn some runs are lost and refunded, never paid.
        const std::string churn =
            R"([{"at": "0s", "kind": "churn", "targets": ["providers"], "mean_up": "60s",
                 "mean_down": "10s"}])";
        nlohmann::json doc = nlohmann::json::parse(pool(2, 1, 4, churn));
        doc["layers"]["depin"] = {
            {"arrival_rate", 1}, {"job_gflop", 1}, {"job_size", "fixed"}, {"output_bytes", 1000}};
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"price", 3.6}}}};
        doc["payments"] = {{"endowments", {{{"nodes", {"client"}}, {"amount", 1}}}}};
        doc["run"]["until"] = "2000s";
        const core::RunReport r = run(doc.dump());
        const double done = metric(r, "depin.jobs_done");
        QCOMPARE(done, 1000.0);  // exactly what the token pays for
        QVERIFY(metric(r, "depin.jobs_unaffordable") > 900);
        QVERIFY(metric(r, "depin.jobs_preempted") > 0);  // runs lost and refunded
        QVERIFY(std::abs(metric(r, "depin.spent") - 1.0) < 1e-9);
        QVERIFY(std::abs(metric(r, "depin.income") - 1.0) < 1e-9);
        QVERIFY(std::abs(r.metric("depin.cost")->mean - 0.001) < 1e-12);
        QCOMPARE(r.status, core::RunStatus::Completed);  // tokens were conserved
    }

    // The providers and jobs tables agree with the metrics, and looking at them while the run goes
    // changes nothing.
    void tablesAgreeWithTheMetrics() {
        const std::string churn =
            R"([{"at": "0s", "kind": "churn", "targets": ["providers"], "mean_up": "60s",
                 "mean_down": "10s"}])";
        nlohmann::json doc = nlohmann::json::parse(pool(4, 3, 6, churn));
        doc["layers"]["depin"].update({{"input_bytes", 10000},
                                       {"output_bytes", 1000},
                                       {"matching", "queues"},
                                       {"policy", "least-loaded"},
                                       {"payment", "escrow"}});
        doc["network"]["groups"][0]["attributes"] = {{"depin", {{"price", 3.6}}}};
        doc["payments"] = {{"endowments", {{{"nodes", {"client"}}, {"amount", 1000}}}}};
        doc["run"]["until"] = "500s";
        const core::RunReport plain = run(doc.dump());

        auto s = core::loadScenarioText(doc.dump(), "pool.dais.json", {}, &registry_);
        QVERIFY(s.ok());
        auto prepared = core::ScenarioRun::prepare(*s);
        QVERIFY(prepared.ok());
        core::ScenarioRun& live = **prepared;
        std::size_t seen = 0;
        for (sim::SimTime t = 0; !live.done(); t += 7 * sim::kSecond) {
            live.advance(t);
            auto jobs = live.inspect("depin.jobs");
            QVERIFY2(jobs.ok(), jobs ? "" : jobs.error().message.c_str());
            seen += jobs->rowCount();
            auto providers = live.inspect("depin.providers");
            QVERIFY(providers.ok());
            QCOMPARE(providers->rowCount(), std::size_t(4));
        }
        QVERIFY(seen > 0);
        const core::RunReport r = live.finish();
        QCOMPARE(r.fingerprint, plain.fingerprint);

        const core::InspectorTable* providers = r.table("depin.providers");
        const core::InspectorTable* jobs = r.table("depin.jobs");
        QVERIFY(providers != nullptr && jobs != nullptr);
        const std::size_t done = *providers->spec().column("jobs");
        const std::size_t income = *providers->spec().column("income");
        double jobsDone = 0, paid = 0;
        for (std::size_t i = 0; i < providers->rowCount(); ++i) {
            jobsDone += providers->number(i, done);
            paid += providers->number(i, income);
        }
        QCOMPARE(jobsDone, metric(r, "depin.jobs_done"));
        QVERIFY(std::abs(paid - metric(r, "depin.spent")) < 1e-9);
        QCOMPARE(static_cast<double>(jobs->rowCount()), metric(r, "depin.in_system"));
        QVERIFY(metric(r, "depin.jobs_preempted") > 0);
    }

    // Five providers bid for each job; each one's cost is uniform on [0, 2] tokens an hour. Both
    // auctions pay on average the expected second-lowest of five costs, 2 x 2 / 6 (revenue
    // equivalence); the first price varies less. Jobs come so rarely that all five are nearly
    // always free to bid.
    void auctionsPayTheExpectedSecondLowestCost() {
        auto auction = [&](const char* policy) {
            nlohmann::json doc = nlohmann::json::parse(pool(5, 0.005, 8));
            doc["layers"]["depin"].update({{"policy", policy},
                                           {"cost_variation", 1},
                                           {"job_size", "fixed"},
                                           {"payment", "none"}});
            doc["network"]["groups"][0]["attributes"] = {{"depin", {{"cost", 1}}}};
            doc["run"]["until"] = "4000000s";
            return run(doc.dump());
        };
        const double theory = 2.0 * 2.0 / 6.0;
        double spread[2] = {0, 0};
        int i = 0;
        for (const char* policy : {"auction-second", "auction-first"}) {
            const core::RunReport r = auction(policy);
            const core::MetricReport* price = r.metric("depin.price");
            QVERIFY(price->count > 15000);
            const double se = price->stddev / std::sqrt(static_cast<double>(price->count));
            QVERIFY2(std::abs(price->mean - theory) < 4 * se,
                     qPrintable(QString("%1: mean price %2 (standard error %3), theory %4")
                                    .arg(policy)
                                    .arg(price->mean)
                                    .arg(se)
                                    .arg(theory)));
            spread[i++] = price->stddev;
        }
        QVERIFY2(spread[1] < spread[0],
                 qPrintable(QString("spread: second %1, first %2").arg(spread[0]).arg(spread[1])));
    }

    // Bursty arrivals keep the long-run rate but come in bursts of ten times the calm rate, more
    // than the pool can take: the same pool at the same mean load waits far longer.
    void burstsKeepTheRateAndLengthenTheWait() {
        nlohmann::json doc = nlohmann::json::parse(pool(4, 2.4, 9));
        const core::RunReport poisson = run(doc.dump());
        doc["layers"]["depin"]["arrival"] = "bursty";
        const core::RunReport bursty = run(doc.dump());
        const double rate = metric(bursty, "depin.jobs_submitted") / 20000.0;
        QVERIFY2(std::abs(rate - 2.4) < 0.24, qPrintable(QString::number(rate)));
        const double calm = poisson.metric("depin.wait")->mean;
        QVERIFY(std::abs(calm - erlangC(4, 2.4).meanWait) < 0.2 * erlangC(4, 2.4).meanWait);
        QVERIFY2(bursty.metric("depin.wait")->mean > 5 * calm,
                 qPrintable(QString("bursty %1 s, Poisson %2 s")
                                .arg(bursty.metric("depin.wait")->mean)
                                .arg(calm)));
    }

    // Jobs from a trace arrive when the file says, with the work, sizes and client it gives; a
    // bad line fails the run before it starts, naming the file, line and column.
    void traceFileReplaysItsJobs() {
        QTemporaryDir dir;
        const std::string file = dir.filePath("jobs.csv").toStdString();
        auto write = [&](const std::string& text) {
            std::ofstream out(file);
            out << text;
        };
        write(
            "time,gflop,input_bytes,client\n"
            "1,2,0,providers[0]\n"  // a provider may submit too: any node named
            "1.5,4,1000000,client\n"
            "10,1,0,\n");
        nlohmann::json doc = nlohmann::json::parse(pool(2, 1, 1));
        doc["layers"]["depin"].update({{"arrival", "trace"}, {"trace_file", file}});
        const core::RunReport r = run(doc.dump());
        QCOMPARE(metric(r, "depin.jobs_submitted"), 3.0);
        QCOMPARE(metric(r, "depin.jobs_done"), 3.0);
        QCOMPARE(metric(r, "depin.bytes"), 1e6);
        QCOMPARE(r.metric("depin.compute")->max, 4.0);  // 4 GFLOP at 1 GFLOP/s
        QCOMPARE(r.metric("depin.compute")->min, 1.0);

        auto refusal = [&](const std::string& text) {
            write(text);
            auto s = core::loadScenarioText(doc.dump(), "pool.dais.json", {}, &registry_);
            if (!s) return QString::fromStdString(s.error().message);
            auto prepared = core::ScenarioRun::prepare(*s);
            if (!prepared) return QString::fromStdString(prepared.error().message);
            const core::RunReport failed = (*prepared)->run();
            return QString::fromStdString(failed.error);
        };
        QString why = refusal("time,gflop\n1,2\n2,x\n");
        QVERIFY2(why.contains("jobs.csv:3: gflop: expected a number >= 0, got \"x\""),
                 qPrintable(why));
        why = refusal("time,gflop\n2,1\n1,1\n");
        QVERIFY2(why.contains("jobs.csv:3: time: 1 s comes before"), qPrintable(why));
        why = refusal("time,cores\n1,2\n");
        QVERIFY2(why.contains("jobs.csv:1: unknown column \"cores\""), qPrintable(why));
        why = refusal("time,client\n1,nobody\n");
        QVERIFY2(why.contains("jobs.csv:2: client: no node named \"nobody\""), qPrintable(why));
        why = refusal("gflop\n1\n");
        QVERIFY2(why.contains("no column \"time\""), qPrintable(why));
    }

    // A market too large for the memory allowed is refused before anything is built, naming what
    // needs the most (the network's three million nodes; the market's own arrays, about 120
    // bytes a provider, come second) and the whole run's need.
    void aMarketTooLargeIsRefused() {
        auto s = core::loadScenarioText(pool(3'000'000, 1, 1), "pool.dais.json", {}, &registry_);
        QVERIFY(s.ok());
        core::RunOptions o;
        o.memoryLimit = core::MemoryLimit{std::uint64_t{512} << 20, "allowed here"};
        auto r = core::ScenarioRun::prepare(*s, o);
        QVERIFY(!r.ok());
        const QString why = QString::fromStdString(r.error().message);
        QVERIFY2(why.contains("/network/groups/0/count: about 529 MiB for 3,000,001 nodes"),
                 qPrintable(why));
        QVERIFY2(
            why.contains("about 878 MiB for the whole run, more than the 512 MiB allowed here"),
            qPrintable(why));
    }

    // The bundled edge-vs-cloud at half the edge's capacity: sending each job to the box that
    // would finish it first beats random picks on mean latency by far (about 64 ms against 87).
    void latencyAwareSchedulingBeatsRandomInEdgeVsCloud() {
        std::ifstream in(std::string(DAIS_SOURCE_DIR) + "/scenarios/edge-vs-cloud.dais.json");
        nlohmann::json doc = nlohmann::json::parse(in);
        doc.erase("experiments");
        double mean[2] = {0, 0};
        int i = 0;
        for (const char* policy : {"random", "least-loaded"}) {
            doc["layers"]["depin"]["policy"] = policy;
            mean[i++] = run(doc.dump()).metric("depin.response")->mean;
        }
        QVERIFY2(mean[1] < 0.8 * mean[0], qPrintable(QString("%1 %2").arg(mean[0]).arg(mean[1])));
    }

    // A client cut off from every provider cannot send its inputs: each job fails after a few
    // lost inputs instead of being sent again at once, for ever, at the same instant; and a
    // client that is down submits nothing.
    void aClientCutOffFailsItsJobs() {
        nlohmann::json doc = nlohmann::json::parse(pool(4, 3, 11));
        doc["network"]["regions"] = {{{"id", "home"}, {"center", {0, 0}}, {"radius", 1}}};
        doc["network"]["nodes"][0]["region"] = "home";
        doc["network"]["faults"] = {
            {{"at", "100s"}, {"kind", "partition"}, {"targets", {"home"}}, {"duration", "50s"}},
            {{"at", "300s"}, {"kind", "crash"}, {"targets", {"client"}}, {"duration", "50s"}}};
        for (const char* matching : {"book", "queues"}) {
            doc["layers"]["depin"].update(
                {{"input_bytes", 1000}, {"matching", matching}, {"policy", "least-loaded"}});
            doc["run"]["until"] = "500s";
            const core::RunReport r = run(doc.dump());
            const double failed = metric(r, "depin.jobs_failed");
            // About 150 jobs arrive in the 50 s cut off; those in flight may finish.
            QVERIFY2(failed > 100 && failed < 200, qPrintable(QString::number(failed)));
            QVERIFY(r.events < 100000);
            // Nothing arrives while the client is down: about 3 x 450 s of arrivals.
            const double submitted = metric(r, "depin.jobs_submitted");
            QVERIFY2(std::abs(submitted - 1350) < 4 * std::sqrt(1350.0),
                     qPrintable(QString::number(submitted)));
        }
    }

    void poolAfterAnOutageMatchesTheSmallerPool() {
        // Two of the four providers go down for good at the start: the market is an M/M/2 queue
        // (rho = 0.6), not an M/M/4 one.
        const std::string outage =
            R"([{"at": "0s", "kind": "crash", "targets": ["providers[0]", "providers[1]"]}])";
        const Replications r = replicate(4, 1.2, outage);
        compare(r, erlangC(2, 1.2));
        QVERIFY(r.mean(r.wait) > 3 * erlangC(4, 1.2).meanWait);
    }
};

QTEST_GUILESS_MAIN(TestDepinQueue)
#include "tst_depin_queue.moc"
