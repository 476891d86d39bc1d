// The federated-learning layer: set-up. The layer reads its parameters once, builds the data,
// the model and the server's strategy, picks the malicious clients, places clients under edge
// aggregators, looks for a secure-aggregation provider, and schedules the first round (or
// resumes from a checkpoint). federation.h says where the rest is.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dais/core/scenario.h"
#include "dais/fl/fedavg.h"
#include "dais/fl/fedopt.h"
#include "dais/fl/qfedavg.h"
#include "dais/fl/robust.h"
#include "dais/layers/federated.h"
#include "federation.h"

namespace dais::layers::federated {

using sim::NodeIndex;
using sim::SimTime;

void Federation::setup(core::LayerContext& ctx) {
    ctx_ = &ctx;
    sim_ = &ctx.simulation();
    net_ = &ctx.network();
    p_ = &ctx.params();
    const core::LayerParams& p = *p_;
    seed_ = sim_->seed();

    const auto servers = ctx.nodesWithRole(p.text("server_role"));
    if (servers.empty())
        ctx.fail("no node has the server role \"" + p.text("server_role") +
                 "\" (set layers.federated.server_role)");
    server_ = servers.front();
    clients_ = ctx.nodesWithRole(p.text("client_role"));
    if (clients_.empty())
        ctx.fail("no node has the client role \"" + p.text("client_role") +
                 "\" (set layers.federated.client_role)");

    setupData(ctx);
    const fl::ModelSpec spec =
        p.text("model") == "mlp"
            ? fl::ModelSpec::mlp(data_->inputs(), parseWidths(p.text("hidden")), data_->classes())
            : fl::ModelSpec::logistic(data_->inputs(), data_->classes());
    model_ = std::make_unique<fl::Model>(spec);
    sim::RngStream initRng(seed_, "federated", server_, "init");
    strategy_ = makeStrategy(model_->initialParameters(initRng));

    train_.learningRate = p.real("learning_rate");
    train_.momentum = p.real("momentum");
    train_.weightDecay = p.real("weight_decay");
    train_.proximalMu = p.real("mu");
    train_.epochs = static_cast<std::size_t>(p.integer("epochs"));
    train_.batchSize = static_cast<std::size_t>(p.integer("batch_size"));

    cfg_.async = p.text("mode") == "async";
    if (p.real("dp_clip") > 0) {
        if (p.text("aggregator") != "mean" ||
            (p.text("strategy") != "fedavg" && p.text("strategy") != "fedavgm"))
            ctx.fail(
                "DP-FedAvg (dp_clip > 0) works with strategy fedavg or fedavgm and the mean "
                "aggregator");
        if (cfg_.async) ctx.fail("DP-FedAvg (dp_clip > 0) needs rounds: use mode sync");
        fl::DpFedAvgConfig c;
        c.clipNorm = p.real("dp_clip");
        c.noiseMultiplier = p.real("dp_noise");
        dp_ = std::make_unique<fl::DpFedAvg>(c);
    }

    setupAttackers(ctx);
    setupAvailability(ctx);

    cfg_.messageBytes = model_->wireBytes(p.text("wire") == "float64" ? fl::WireFormat::Float64
                                                                      : fl::WireFormat::Float32);
    cfg_.partial = p.text("stragglers") == "partial";
    cfg_.defaultFlops = p.real("default_gflops") * 1e9;
    cfg_.fraction = p.real("fraction");
    cfg_.target = p.real("target_accuracy");
    cfg_.serverLr = p.real("server_lr");
    cfg_.rounds = static_cast<std::uint64_t>(p.integer("rounds"));
    cfg_.concurrency = static_cast<std::size_t>(p.integer("concurrency"));
    cfg_.bufferSize = static_cast<std::size_t>(p.integer("buffer_size"));
    cfg_.stalenessExponent = p.real("staleness_exponent");
    cfg_.checkpointEvery = static_cast<std::uint64_t>(p.integer("checkpoint_every"));
    cfg_.checkpointDir = p.text("checkpoint_dir");
    if (cfg_.async) {
        if (cfg_.bufferSize > cfg_.concurrency)
            ctx.fail("async: buffer_size (" + std::to_string(cfg_.bufferSize) +
                     ") is larger than concurrency (" + std::to_string(cfg_.concurrency) +
                     "): the server would wait for updates that never come");
        if (p.duration("deadline") > 0)
            ctx.fail("async has no rounds to give a deadline: set deadline to 0");
        if (p.text("strategy") == "qfedavg") ctx.fail("q-FedAvg needs rounds: use mode sync");
        if (cfg_.checkpointEvery > 0 || !p.text("resume_from").empty())
            ctx.fail(
                "checkpoints are taken between rounds, and async training has no such moment: "
                "use mode sync");
    }

    const auto t = p.integer("threads");
    threads_ = t > 0 ? static_cast<std::size_t>(t)
                     : std::max<std::size_t>(1, std::thread::hardware_concurrency());

    setupHierarchy(ctx);
    setupSecureAggregation(ctx);
    defineMetrics(ctx);

    // The model before any round.
    const fl::Evaluation e0 = fl::evaluate(*model_, strategy_->parameters(), data_->globalTest());
    sim_->metrics().set(m_.accuracy, e0.accuracy);
    sim_->metrics().set(m_.loss, e0.loss);

    if (cfg_.async) {
        modelPort_ = net_->registerPort("federated.model", &Federation::onAsyncModel, this,
                                        &Federation::onAsyncLost);
        updatePort_ = net_->registerPort("federated.update", &Federation::onAsyncUpdate, this,
                                         &Federation::onAsyncLost);
        trainedKind_ = sim_->registerKind<&Federation::onAsyncTrained>("federated.trained", *this);
        roundKind_ = sim_->registerKind<&Federation::onRoundStart>("federated.round", *this);
    } else {
        modelPort_ =
            net_->registerPort("federated.model", &Federation::onModel, this, &Federation::onLost);
        updatePort_ = net_->registerPort("federated.update", &Federation::onUpdate, this,
                                         &Federation::onLost);
        roundKind_ = sim_->registerKind<&Federation::onRoundStart>("federated.round", *this);
        trainedKind_ = sim_->registerKind<&Federation::onTrained>("federated.trained", *this);
        deadlineKind_ = sim_->registerKind<&Federation::onDeadline>("federated.deadline", *this);
        if (!edges_.empty()) {
            edgeModelPort_ = net_->registerPort("federated.edge-model", &Federation::onEdgeModel,
                                                this, &Federation::onEdgeLost);
            edgeUpdatePort_ = net_->registerPort("federated.edge-update", &Federation::onEdgeUpdate,
                                                 this, &Federation::onEdgeLost);
            edgeDeadlineKind_ =
                sim_->registerKind<&Federation::onEdgeDeadline>("federated.edge-deadline", *this);
        }
    }

    ctx.simulation().trace(server_, "federated",
                           "data " + data_->describe() + "; model " + spec.describe() + ", " +
                               std::to_string(model_->parameterCount()) + " parameters");
    if (!p.text("resume_from").empty())
        sim_->scheduleAt(resume(ctx), server_, roundKind_);
    else
        sim_->scheduleIn(0, server_, roundKind_);
}

void Federation::setupData(core::LayerContext& ctx) {
    const core::LayerParams& p = *p_;
    DataOptions o;
    o.source = p.text("data");
    if (o.source == "csv") {
        if (p.text("data_file").empty()) ctx.fail("data \"csv\" needs data_file");
        std::filesystem::path file(p.text("data_file"));
        if (file.is_relative() && !ctx.scenario().sourcePath.empty())
            file = std::filesystem::path(ctx.scenario().sourcePath).parent_path() / file;
        o.file = file.string();
        o.labelColumn = p.text("label_column");
    }
    o.alpha = p.real("synthetic_alpha");
    o.beta = p.real("synthetic_beta");
    o.samples = static_cast<std::size_t>(p.integer("blob_samples"));
    o.dimension = static_cast<std::size_t>(p.integer("blob_dimension"));
    o.classes = static_cast<std::size_t>(p.integer("blob_classes"));
    o.spread = p.real("blob_spread");
    o.testFraction = p.real("test_fraction");
    o.clientTestFraction = p.real("client_test_fraction");
    o.partition.scheme = fl::schemeFromName(p.text("partition"));
    o.partition.alpha = p.real("partition_alpha");
    o.partition.shardsPerClient = static_cast<std::size_t>(p.integer("shards_per_client"));
    o.seed = seed_;
    try {
        data_ = std::make_unique<FederationData>(o, clients_.size());
    } catch (const std::exception& e) {
        ctx.fail(std::string("data: ") + e.what());
    }
}

void Federation::setupAttackers(core::LayerContext&) {
    const core::LayerParams& p = *p_;
    const std::string attack = p.text("attack");
    malicious_.assign(clients_.size(), 0);
    cfg_.attackScale = p.real("attack_scale");
    if (attack == "none" || p.real("attackers") <= 0) return;
    // The malicious clients: a seeded choice of round(attackers * N) of them.
    std::vector<std::size_t> order(clients_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    sim::RngStream rng(seed_, "federated", 0, "attackers");
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(i))]);
    const auto bad = static_cast<std::size_t>(
        std::llround(p.real("attackers") * static_cast<double>(clients_.size())));
    for (std::size_t i = 0; i < bad; ++i)
        malicious_[order[i]] = 1;
    cfg_.labelFlip = attack == "label-flip" || attack == "model-replacement";
    cfg_.modelReplacement = attack == "model-replacement";
    if (attack == "sign-flip" || attack == "gaussian") {
        fl::AttackOptions a;
        a.kind = attack == "sign-flip" ? fl::AttackOptions::Kind::SignFlip
                                       : fl::AttackOptions::Kind::GaussianNoise;
        a.scale = cfg_.attackScale;
        a.sigma = cfg_.attackScale;
        attack_ = std::make_unique<fl::UpdateAttack>(a, seed_);
    }
}

void Federation::setupAvailability(core::LayerContext& ctx) {
    const core::LayerParams& p = *p_;
    const std::string av = p.text("availability");
    availability_ = av == "churn"     ? Availability::Churn
                    : av == "diurnal" ? Availability::Diurnal
                                      : Availability::Always;
    cfg_.meanOn = sim::toSeconds(p.duration("mean_on"));
    cfg_.meanOff = sim::toSeconds(p.duration("mean_off"));
    cfg_.peakHour = p.real("peak_hour");
    cfg_.minAvailability = p.real("min_availability");
    cfg_.maxAvailability = p.real("max_availability");
    if (cfg_.minAvailability > cfg_.maxAvailability)
        ctx.fail("min_availability is greater than max_availability");
    if (availability_ != Availability::Churn) return;
    churn_.resize(clients_.size());
    const double on = cfg_.meanOn, off = cfg_.meanOff;
    for (std::size_t k = 0; k < clients_.size(); ++k) {
        // Start in the stationary state: on with probability on / (on + off).
        sim::RngStream rng(seed_, "federated", clients_[k], "churn");
        churn_[k].on = rng.uniform() < on / (on + off);
        churn_[k].next = sim::fromSeconds(rng.exponential(churn_[k].on ? on : off));
    }
}

/// Each client reports to the aggregator of its region, the nearest one if the region has
/// several; clients without one report to the server.
void Federation::setupHierarchy(core::LayerContext& ctx) {
    const core::LayerParams& p = *p_;
    edgeOf_.clear();
    edges_.clear();
    if (p.text("hierarchy") == "flat") return;
    const std::vector<NodeIndex> aggregators = ctx.nodesWithRole(p.text("aggregator_role"));
    if (aggregators.empty()) return;
    if (cfg_.async) ctx.fail("edge aggregators work with rounds: use mode sync or hierarchy flat");
    if (dp_)
        ctx.fail(
            "DP-FedAvg clips each client's update at the server, which edge aggregators hide: "
            "use hierarchy flat");
    if (p.text("strategy") == "qfedavg")
        ctx.fail("q-FedAvg needs each client's loss at the server: use hierarchy flat");
    edgeOf_.assign(clients_.size(), kNoEdge);
    for (NodeIndex a : aggregators) {
        Edge e;
        e.node = a;
        edges_.push_back(e);
    }
    for (std::size_t k = 0; k < clients_.size(); ++k) {
        const NodeIndex c = clients_[k];
        const sim::RegionIndex region = net_->regionOf(c);
        if (region == sim::kNone) continue;
        double best = 0;
        for (std::size_t e = 0; e < edges_.size(); ++e) {
            const NodeIndex a = edges_[e].node;
            if (net_->regionOf(a) != region) continue;
            const double d = std::hypot(net_->x(a) - net_->x(c), net_->y(a) - net_->y(c));
            if (edgeOf_[k] == kNoEdge || d < best) {
                edgeOf_[k] = static_cast<std::uint32_t>(e);
                best = d;
            }
        }
    }
    std::vector<std::size_t> served(edges_.size(), 0);
    for (std::uint32_t e : edgeOf_)
        if (e != kNoEdge) ++served[e];
    std::string text = "edge aggregators:";
    for (std::size_t e = 0; e < edges_.size(); ++e)
        text +=
            " " + net_->nodeName(edges_[e].node) + " (" + std::to_string(served[e]) + " clients)";
    const auto direct =
        static_cast<std::size_t>(std::count(edgeOf_.begin(), edgeOf_.end(), kNoEdge));
    sim_->trace(server_, "federated",
                text + "; " + std::to_string(direct) + " clients report to the server");
}

void Federation::setupSecureAggregation(core::LayerContext& ctx) {
    const core::LayerParams& p = *p_;
    const std::string mode = p.text("secure_aggregation");
    if (mode == "off") return;
    secure_ = ctx.services().find<core::SecureAggregator>();
    if (!secure_) {
        if (mode == "required")
            ctx.fail(
                "secure_aggregation is required but no layer of the run provides the "
                "secure-aggregation service");
        return;
    }
    // The server sees only the sum: rules that look at each update cannot run.
    std::string why;
    if (p.text("aggregator") != "mean")
        why = "the " + p.text("aggregator") + " aggregator looks at each update";
    else if (p.text("strategy") == "qfedavg")
        why = "q-FedAvg needs each client's loss";
    else if (cfg_.async)
        why = "async training aggregates updates one buffer at a time";
    else if (!edges_.empty())
        why = "edge aggregators already combine the updates";
    if (!why.empty()) {
        if (mode == "required")
            ctx.fail("secure aggregation shows the server only the sum, but " + why);
        sim_->trace(server_, "federated",
                    "secure aggregation (from layer " +
                        ctx.services().providerOf(core::SecureAggregator::kId) +
                        ") not used: " + why);
        secure_ = nullptr;
        return;
    }
    sim_->trace(server_, "federated",
                "updates are summed by secure aggregation (layer " +
                    ctx.services().providerOf(core::SecureAggregator::kId) + ")");
}

void Federation::defineMetrics(core::LayerContext& ctx) {
    m_.round = ctx.defineMetric("federated.round");
    m_.accuracy = ctx.defineMetric("federated.accuracy");
    m_.loss = ctx.defineMetric("federated.loss");
    m_.lossChange = ctx.defineMetric("federated.loss_change");
    m_.p10 = ctx.defineMetric("federated.client_accuracy.p10");
    m_.p50 = ctx.defineMetric("federated.client_accuracy.p50");
    m_.p90 = ctx.defineMetric("federated.client_accuracy.p90");
    m_.participants = ctx.defineMetric("federated.participants");
    m_.bytesDown = ctx.defineMetric("federated.bytes.down");
    m_.bytesUp = ctx.defineMetric("federated.bytes.up");
    m_.bytesServer = ctx.defineMetric("federated.bytes.server");
    m_.stragglers = ctx.defineMetric("federated.stragglers");
    m_.dropouts = ctx.defineMetric("federated.dropouts");
    m_.partial = ctx.defineMetric("federated.partial");
    m_.roundTime = ctx.defineMetric("federated.round_time");
    m_.updateNorm = ctx.defineMetric("federated.update_norm");
    m_.staleness = ctx.defineMetric("federated.staleness");
    m_.epsilon = ctx.defineMetric("federated.epsilon");
    m_.roundsToTarget = ctx.defineMetric("federated.rounds_to_target");
    m_.timeToTarget = ctx.defineMetric("federated.time_to_target");
}

std::unique_ptr<fl::Strategy> Federation::makeStrategy(Eigen::VectorXd initial) const {
    const core::LayerParams& p = *p_;
    const std::string s = p.text("strategy");
    std::unique_ptr<fl::Strategy> out;
    if (s == "fedavg") {
        out = std::make_unique<fl::FedAvg>(std::move(initial),
                                           fl::FedAvg::Options{p.real("server_lr")});
    } else if (s == "fedavgm") {
        out = std::make_unique<fl::FedAvgM>(
            std::move(initial),
            fl::FedAvgM::Options{p.real("server_lr"), p.real("server_momentum")});
    } else if (s == "qfedavg") {
        out = std::make_unique<fl::QFedAvg>(std::move(initial),
                                            fl::QFedAvg::Options{p.real("q"), p.real("lipschitz")});
    } else {
        fl::FedOptOptions o;
        o.eta = p.real("server_lr");
        o.beta1 = p.real("beta1");
        o.beta2 = p.real("beta2");
        o.tau = p.real("tau");
        if (s == "fedadam")
            out = std::make_unique<fl::FedAdam>(std::move(initial), o);
        else if (s == "fedyogi")
            out = std::make_unique<fl::FedYogi>(std::move(initial), o);
        else
            out = std::make_unique<fl::FedAdagrad>(std::move(initial), o);
    }
    const std::string a = p.text("aggregator");
    const auto f = static_cast<std::size_t>(p.integer("byzantine"));
    std::shared_ptr<const fl::Aggregator> rule;
    if (a == "krum")
        rule = std::make_shared<fl::Krum>(f);
    else if (a == "multi-krum")
        rule = std::make_shared<fl::MultiKrum>(f);
    else if (a == "median")
        rule = std::make_shared<fl::CoordinateMedian>();
    else if (a == "trimmed-mean")
        rule = std::make_shared<fl::TrimmedMean>(p.real("trim"));
    else if (a == "bulyan")
        rule = std::make_shared<fl::Bulyan>(f);
    if (rule) out->setAggregator(std::move(rule));
    return out;
}

double Federation::secondsPerStep(std::size_t client) const {
    // Forward and backward pass: about 6 floating-point operations per parameter per sample
    // (2 for the forward multiply-adds, 4 for the backward ones).
    const sim::Resources* r = net_->node(clients_[client]).resources;
    double flops = r ? std::max(r->cpuGflops * 1e9, r->gpuTflops * 1e12) : 0;
    if (flops <= 0) flops = cfg_.defaultFlops;
    return 6.0 * static_cast<double>(model_->parameterCount()) *
           static_cast<double>(train_.batchSize) / flops;
}

/// Whether client k can take part now (its node being up is checked separately).
bool Federation::available(std::size_t k) {
    const SimTime now = sim_->now();
    switch (availability_) {
        case Availability::Always:
            return true;
        case Availability::Churn: {
            Churn& c = churn_[k];
            if (c.next <= now) {
                // Walk the on/off turns up to now; each turn's length comes from the client's
                // stream, numbered by the turn, so the history is the same however it is read.
                const double on = cfg_.meanOn, off = cfg_.meanOff;
                while (c.next <= now) {
                    c.on = !c.on;
                    ++c.changes;
                    sim::RngStream rng(seed_, "federated", clients_[k],
                                       "churn/" + std::to_string(c.changes));
                    c.next +=
                        std::max<SimTime>(1, sim::fromSeconds(rng.exponential(c.on ? on : off)));
                }
            }
            return c.on;
        }
        case Availability::Diurnal: {
            // p(t) = lo + (hi - lo) (1 + cos(2 pi (hour - peak) / 24)) / 2
            constexpr double kPi = 3.14159265358979323846;
            const double hour = std::fmod(sim::toSeconds(now) / 3600.0, 24.0);
            const double lo = cfg_.minAvailability, hi = cfg_.maxAvailability;
            const double prob =
                lo + (hi - lo) * 0.5 * (1 + std::cos(2 * kPi * (hour - cfg_.peakHour) / 24));
            // Asked once per round in sync mode, and per dispatch in async mode.
            sim::RngStream rng(seed_, "federated", clients_[k],
                               "diurnal/" + std::to_string(cfg_.async ? dispatchCount_ : round_));
            return rng.uniform() < prob;
        }
    }
    return true;
}

void Federation::parallel(std::size_t count,
                          const std::function<void(std::size_t, fl::LocalTrainer&)>& job) {
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto worker = [&] {
        fl::LocalTrainer trainer;
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= count) return;
            try {
                job(i, trainer);
            } catch (...) {
                std::lock_guard lock(failureMutex);
                if (!failure) failure = std::current_exception();
            }
        }
    };
    const std::size_t n = std::min(threads_, std::max<std::size_t>(1, count));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < n; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool)
        t.join();
    if (failure) std::rethrow_exception(failure);
}

void Federation::finish(core::LayerContext&) {}

core::LayerFactory factory() {
    return {describe(), [] { return std::unique_ptr<core::Layer>(new Federation()); }};
}

}  // namespace dais::layers::federated
