#pragma once
// Small layers for the core suites, linked statically: a ticker that can fail on demand, and a
// ledger provider with a consumer that requires it.

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "dais/core/layer.h"
#include "dais/core/layer_definition.h"
#include "dais/core/layer_registry.h"
#include "dais/core/ledger_service.h"
#include "dais/core/node_attributes.h"
#include "dais/core/services.h"

namespace dais::testing {

/// Ticks every `period` on node 0, `count` times, showing node 0 as "ticking" until the last
/// tick, then "done" (label "b": it asks for a state it does not declare, a defect); fails at
/// tick `fail_at` (DAIS_CHECK) or
/// throws at tick `throw_at` (a plain exception), when those are >= 0. At tick `busy_at` it works
/// inside the event until the run is asked to end (polling checkEnd), for at most 60 s of wall
/// time; `busyFinished` says whether such work ran to its end instead of being abandoned.
class TickerLayer final : public core::Layer {
  public:
    static inline std::atomic<bool> busyStarted{false}, busyFinished{false};
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "ticker";
        d.name = "Ticker";
        d.version = "1.0.0";
        d.summary = "Ticks at a fixed period; for tests.";
        d.params = {
            {"period",
             core::ParamType::Duration,
             "1s",
             0.001,
             3600.0,
             "s",
             "Time between ticks.",
             {}},
            {"count", core::ParamType::Integer, 10, 0.0, 1e9, "ticks", "How many ticks.", {}},
            {"fail_at",
             core::ParamType::Integer,
             -1,
             -1.0,
             1e9,
             "",
             "Tick that fails a check.",
             {}},
            {"throw_at", core::ParamType::Integer, -1, -1.0, 1e9, "", "Tick that throws.", {}},
            {"label", core::ParamType::Choice, "a", {}, {}, "", "A choice.", {"a", "b"}},
            {"busy_at", core::ParamType::Integer, -1, -1.0, 1e9, "", "Tick that works long.", {}},
        };
        d.metrics = {{"ticker.ticks", "1", sim::MetricType::Counter, sim::MetricScope::Global,
                      "Ticks so far."}};
        d.nodeStates = {{"ticking", "#2e9e5b", "More ticks to come."},
                        {"done", "#868e96", "Ticked its last."}};
        return {d, [] { return std::unique_ptr<core::Layer>(new TickerLayer()); }};
    }

    void setup(core::LayerContext& ctx) override {
        period_ = ctx.params().duration("period");
        count_ = ctx.params().integer("count");
        failAt_ = ctx.params().integer("fail_at");
        throwAt_ = ctx.params().integer("throw_at");
        busyAt_ = ctx.params().integer("busy_at");
        ticks_ = ctx.defineMetric("ticker.ticks");
        display_ = ctx.display();
        ticking_ = ctx.nodeState("ticking");
        done_state_ = ctx.nodeState(ctx.params().text("label") == "b" ? "ticked" : "done");
        kind_ = ctx.simulation().registerKind<&TickerLayer::onTick>("ticker.tick", *this);
        if (count_ > 0) ctx.simulation().scheduleIn(period_, 0, kind_);
    }

  private:
    void onTick(sim::Simulation& sim, const sim::Event&) {
        ++done_;
        display_.state(0, done_ < count_ ? ticking_ : done_state_);
        display_.activity(0, done_ < count_ ? sim::NodeActivity::Waiting : sim::NodeActivity::Idle);
        sim.metrics().add(ticks_, 1);
        DAIS_CHECK(done_ != failAt_, "the ticker was told to fail");
        if (done_ == throwAt_)
            throw std::runtime_error("the ticker threw at tick " + std::to_string(done_));
        if (done_ == busyAt_) {
            busyStarted = true;
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            while (std::chrono::steady_clock::now() < end) {
                sim.checkEnd();
                std::this_thread::yield();
            }
            busyFinished = true;
        }
        if (done_ < count_) sim.scheduleIn(period_, 0, kind_);
    }
    sim::SimTime period_ = 0;
    std::int64_t count_ = 0, failAt_ = -1, throwAt_ = -1, busyAt_ = -1, done_ = 0;
    sim::MetricId ticks_ = 0;
    sim::KindId kind_ = 0;
    core::NodeDisplay display_;
    sim::NodeStateCode ticking_ = 0, done_state_ = 0;
};

/// A ledger that commits every record one second after it is submitted. Two of them
/// (toyledger, toyledger2) provide the same service in one run.
class ToyLedgerLayer final : public core::Layer, public core::LedgerService {
  public:
    explicit ToyLedgerLayer(std::string id) : id_(std::move(id)) {}
    static core::LayerFactory factory() {
        return {descriptor("toyledger"),
                [] { return std::unique_ptr<core::Layer>(new ToyLedgerLayer("toyledger")); }};
    }
    static core::LayerFactory secondFactory() {
        return {descriptor("toyledger2"),
                [] { return std::unique_ptr<core::Layer>(new ToyLedgerLayer("toyledger2")); }};
    }
    static core::LayerDescriptor descriptor(const std::string& id) {
        core::LayerDescriptor d;
        d.id = id;
        d.name = "Toy ledger";
        d.version = "0.1.0";
        d.summary = "Commits records after one second; for tests.";
        d.provides = {std::string(core::LedgerService::kId)};
        d.metrics = {{id + ".records", "1", sim::MetricType::Counter, sim::MetricScope::Global,
                      "Records committed."}};
        return d;
    }
    void provideServices(core::ServiceRegistry& s, const core::LayerContext&) override {
        s.provide<core::LedgerService>(this, id_);
    }
    void setup(core::LayerContext& ctx) override {
        sim_ = &ctx.simulation();
        records_ = ctx.defineMetric(id_ + ".records");
        kind_ = sim_->registerKind<&ToyLedgerLayer::onCommit>("toyledger.commit", *this);
    }
    /// One record per block: the block's transaction root is the transaction's id, so the
    /// proof is empty.
    void record(const Transaction& tx, std::function<void(const Receipt&)> done) override {
        pending_.push_back({tx, std::move(done), sim_->now()});
        sim_->scheduleIn(sim::kSecond, 0, kind_, pending_.size() - 1);
    }
    std::vector<Entry> query(const Query& q) const override {
        std::vector<Entry> out;
        for (const Entry& e : chain_)
            if ((q.topic.empty() || e.tx.topic == q.topic) && (!q.from || *q.from == e.tx.from) &&
                (!q.digest || *q.digest == e.tx.digest) && e.receipt.height >= q.fromHeight &&
                e.receipt.height <= q.toHeight && out.size() < q.limit)
                out.push_back(e);
        return out;
    }
    bool verify(const Transaction& tx, const Receipt& r) const override {
        return r.height >= 1 && r.height <= chain_.size() && r.txId == txId(tx) &&
               chain_[r.height - 1].receipt.txId == r.txId && r.txRoot == r.txId && r.proof.empty();
    }
    WatchId onReorg(std::function<void(const Reorg&)>) override { return 1; }
    void stopWatching(WatchId) override {}
    static core::Digest txId(const Transaction& tx) {
        return core::Sha256().addValue(tx.from).add(tx.topic).add(tx.digest).finish();
    }

  private:
    struct Pending {
        Transaction tx;
        std::function<void(const Receipt&)> done;
        sim::SimTime submittedAt = 0;
    };
    void onCommit(sim::Simulation& sim, const sim::Event& e) {
        sim.metrics().add(records_, 1);
        Pending& p = pending_[e.data];
        Receipt r;
        r.status = Status::Final;
        r.txId = txId(p.tx);
        r.height = chain_.size() + 1;
        r.blockHash = core::Sha256().addValue(r.height).add(r.txId).finish();
        r.txRoot = r.txId;
        r.submittedAt = p.submittedAt;
        r.finalAt = sim.now();
        chain_.push_back({p.tx, r});
        p.done(r);
    }
    std::string id_;
    sim::Simulation* sim_ = nullptr;
    std::vector<Pending> pending_;
    std::vector<Entry> chain_;
    sim::MetricId records_ = 0;
    sim::KindId kind_ = 0;
};

/// Records a digest on a ledger (the first, or the one its parameter names) as the run starts;
/// requires the ledger service.
class NotaryLayer final : public core::Layer {
  public:
    static core::LayerFactory factory() {
        core::LayerDescriptor d;
        d.id = "notary";
        d.name = "Notary";
        d.version = "0.1.0";
        d.summary = "Records one digest on a ledger as the run starts; for tests.";
        d.params = {{"ledger",
                     core::ParamType::String,
                     "",
                     {},
                     {},
                     "",
                     "The layer whose ledger to use; empty: the first.",
                     {}}};
        d.uses = {{std::string(core::LedgerService::kId), true, "it records digests"}};
        d.roles = {{"cloud", true, "the notary runs on a cloud node"}};
        d.metrics = {{"notary.committed_at", "s", sim::MetricType::Gauge, sim::MetricScope::Global,
                      "When the digest was committed."}};
        return {d, [] { return std::unique_ptr<core::Layer>(new NotaryLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        const std::string& which = ctx.params().text("ledger");
        ledger_ = which.empty() ? ctx.services().find<core::LedgerService>()
                                : ctx.services().find<core::LedgerService>(which);
        DAIS_CHECK(ledger_ != nullptr, "no ledger");
        sim_ = &ctx.simulation();
        committed_ = ctx.defineMetric("notary.committed_at");
    }
    /// Every layer is set up: the ledger is ready, whichever order the layers came in.
    void start(core::LayerContext&) override {
        core::LedgerService::Transaction tx;
        tx.topic = "test";
        tx.digest = core::sha256("notarised");
        ledger_->record(tx, [this](const core::LedgerService::Receipt& r) {
            sim_->metrics().set(committed_, sim::toSeconds(r.finalAt));
        });
    }

  private:
    core::LedgerService* ledger_ = nullptr;
    sim::Simulation* sim_ = nullptr;
    sim::MetricId committed_ = 0;
};

/// Reads its node attributes at every node as the run starts and keeps what it read (price,
/// hardware, stake, warm-up) for the test to look at.
class PricerLayer final : public core::Layer {
  public:
    struct Seen {
        double price = 0;
        std::string hardware;
        std::int64_t stake = 0;
        sim::SimTime warmup = 0;
        bool priceGiven = false;
    };
    static inline std::vector<Seen> seen;
    static core::LayerFactory factory() {
        core::LayerDefinition<core::NoMetrics> d("pricer", "Pricer", "1.0.0");
        d.summary("Reads node attributes; for tests.");
        d.attribute("price", core::ParamType::Real, 1.0, "DAIS/h", "Price of an hour.")
            .range(0, 100);
        d.attribute("hardware", core::ParamType::Choice, "cpu", "", "What computes.")
            .choices({"cpu", "gpu"});
        d.attribute("stake", core::ParamType::Integer, 0, "DAIS", "Stake held.").range(0, 1e9);
        d.attribute("warmup", core::ParamType::Duration, "1s", "s", "Time to start.");
        return {d.descriptor(), [] { return std::unique_ptr<core::Layer>(new PricerLayer()); }};
    }
    void setup(core::LayerContext& ctx) override {
        const core::NodeAttributes& a = ctx.attributes();
        const auto price = a.id("price"), hardware = a.id("hardware"), stake = a.id("stake"),
                   warmup = a.id("warmup");
        seen.clear();
        for (sim::NodeIndex n = 0; n < ctx.network().nodeCount(); ++n)
            seen.push_back({a.number(n, price), a.text(n, hardware), a.integer(n, stake),
                            a.duration(n, warmup), a.given(n, price)});
    }
};

/// A registry with the test layers.
inline std::unique_ptr<core::LayerRegistry> testRegistry() {
    auto r = std::make_unique<core::LayerRegistry>();
    (void)r->add(TickerLayer::factory());
    (void)r->add(ToyLedgerLayer::factory());
    (void)r->add(ToyLedgerLayer::secondFactory());
    (void)r->add(NotaryLayer::factory());
    (void)r->add(PricerLayer::factory());
    return r;
}

/// A two-node scenario with the given "layers" object (JSON text) and run section.
inline std::string scenarioWithLayers(const std::string& layers,
                                      const std::string& run = R"({"seed": 1, "until": "60s"})") {
    return R"({"format": "dais-scenario", "version": 1, "meta": {"name": "t"},
      "network": {"nodes": [{"id": "a", "role": "phone"}, {"id": "b", "role": "cloud"}],
                  "links": [{"from": "a", "to": "b", "latency": "5ms", "bandwidth": "10Mbps"}]},
      "layers": )" +
           layers + R"(, "run": )" + run + "}";
}

}  // namespace dais::testing
