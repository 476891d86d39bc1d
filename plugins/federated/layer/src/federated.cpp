// The federated-learning layer: set-up. The layer reads its parameters once, builds the data,
// the model and the server's strategy, picks the malicious clients, places clients under edge
// aggregators, looks for a secure-aggregation provider, and schedules the first round (or
// resumes from a checkpoint). federation.h says where the rest is.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
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
    display_ = ctx.display();
    shown_ = {ctx.nodeState("selected"),    ctx.nodeState("delivered"), ctx.nodeState("poisoned"),
              ctx.nodeState("dropped out"), ctx.nodeState("late"),      ctx.nodeState("rejected"),
              ctx.nodeState("malicious"),   ctx.nodeState("banned")};
    events_ = ctx.events();
    kinds_ = {
        ctx.eventKind("federated.update_sent"),     ctx.eventKind("federated.update_poisoned"),
        ctx.eventKind("federated.update_accepted"), ctx.eventKind("federated.update_late"),
        ctx.eventKind("federated.update_rejected"), ctx.eventKind("federated.round_closed")};
    cfg_ = definition().read(ctx.params());
    seed_ = sim_->seed();

    const auto servers = ctx.nodesWithRole(cfg_.serverRole);
    if (servers.empty())
        ctx.failParam("server_role", "no node has the server role \"" + cfg_.serverRole +
                                         "\" (set layers.federated.server_role)");
    server_ = servers.front();
    clients_ = ctx.nodesWithRole(cfg_.clientRole);
    if (clients_.empty())
        ctx.failParam("client_role", "no node has the client role \"" + cfg_.clientRole +
                                         "\" (set layers.federated.client_role)");

    clientRecords_.assign(clients_.size(), ClientRecord{});

    setupData(ctx);
    const fl::ModelSpec spec =
        cfg_.model == ModelKind::Mlp
            ? fl::ModelSpec::mlp(data_->inputs(), parseWidths(cfg_.hidden), data_->classes())
            : fl::ModelSpec::logistic(data_->inputs(), data_->classes());
    model_ = std::make_unique<fl::Model>(spec);
    sim::RngStream initRng(seed_, "federated", server_, "init");
    strategy_ = makeStrategy(model_->initialParameters(initRng));

    train_.learningRate = cfg_.learningRate;
    train_.momentum = cfg_.momentum;
    train_.weightDecay = cfg_.weightDecay;
    train_.proximalMu = cfg_.mu;
    train_.epochs = cfg_.epochs;
    train_.batchSize = cfg_.batchSize;

    checkCombinations(ctx);
    if (cfg_.dpClip > 0) {
        fl::DpFedAvgConfig c;
        c.clipNorm = cfg_.dpClip;
        c.noiseMultiplier = cfg_.dpNoise;
        dp_ = std::make_unique<fl::DpFedAvg>(c);
    }

    setupAttackers(ctx);
    setupAvailability();
    messageBytes_ = model_->wireBytes(cfg_.wire);
    threads_ = cfg_.threads > 0 ? cfg_.threads
                                : std::max<std::size_t>(1, std::thread::hardware_concurrency());

    setupHierarchy(ctx);
    setupSecureAggregation(ctx);
    for (const std::string& layer : ctx.services().providers(core::UpdateReview::kId))
        reviewers_.push_back(ctx.services().find<core::UpdateReview>(layer));
    ledger_ = ctx.services().find<core::LedgerService>();
    setupGovernance(ctx);
    if (cfg_.compute == ComputeSource::Rent) {
        market_ = ctx.services().find<core::ComputeMarket>();
        if (market_ == nullptr)
            ctx.failParam("compute",
                          "rent needs a compute market in the run (a layer that "
                          "provides compute-market, such as depin)");
        payments_ = ctx.services().find<core::Payments>();
    }
    m_ = definition().defineMetrics(ctx);

    // The model before any round.
    const fl::Evaluation e0 = fl::evaluate(*model_, strategy_->parameters(), data_->globalTest());
    sim_->metrics().set(m_.accuracy, e0.accuracy);
    sim_->metrics().set(m_.loss, e0.loss);

    registerHandlers();
    net_->addFaultListener(this);
    ctx.simulation().trace(server_, "federated",
                           "data " + data_->describe() + "; model " + spec.describe() + ", " +
                               std::to_string(model_->parameterCount()) + " parameters");
    if (!cfg_.resumeFrom.empty())
        sim_->scheduleAt(resume(ctx), server_, roundKind_);
    else
        sim_->scheduleIn(0, server_, roundKind_);
}

void Federation::checkCombinations(core::LayerContext& ctx) const {
    if (cfg_.dpClip > 0) {
        if (cfg_.aggregator != Rule::Mean ||
            (cfg_.strategy != StrategyKind::FedAvg && cfg_.strategy != StrategyKind::FedAvgM))
            ctx.failParam(
                "dp_clip",
                "DP-FedAvg (dp_clip > 0) works with strategy fedavg or fedavgm and the mean "
                "aggregator");
        if (async()) ctx.failParam("mode", "DP-FedAvg (dp_clip > 0) needs rounds: use mode sync");
    }
    if (cfg_.minAvailability > cfg_.maxAvailability)
        ctx.failParam("min_availability", "min_availability is greater than max_availability");
    if (!async()) return;
    if (cfg_.bufferSize > cfg_.concurrency)
        ctx.failParam("buffer_size", "async: buffer_size (" + std::to_string(cfg_.bufferSize) +
                                         ") is larger than concurrency (" +
                                         std::to_string(cfg_.concurrency) +
                                         "): the server would wait for updates that never come");
    if (cfg_.deadline > 0)
        ctx.failParam("deadline", "async has no rounds to give a deadline: set deadline to 0");
    if (cfg_.strategy == StrategyKind::QFedAvg)
        ctx.failParam("mode", "q-FedAvg needs rounds: use mode sync");
    if (cfg_.checkpointEvery > 0 || !cfg_.resumeFrom.empty())
        ctx.failParam(
            "mode",
            "checkpoints are taken between rounds, and async training has no such moment: use "
            "mode sync");
}

void Federation::registerHandlers() {
    // Every client runs its role on its own node (client.cpp): models come to it and updates
    // leave it as messages that carry the weights.
    runtime_ = std::make_unique<core::SimNodeRuntime>(*ctx_);
    models_.open(runtime_->transport(), "federated.model", &Federation::onModelMessage, this,
                 &Federation::onModelLost);
    if (async()) {
        updates_.open(runtime_->transport(), "federated.update", &Federation::onAsyncUpdate, this,
                      &Federation::onAsyncLost);
        roundKind_ = sim_->registerKind<&Federation::onRoundStart>("federated.round", *this);
        return;
    }
    updates_.open(runtime_->transport(), "federated.update", &Federation::onUpdateMessage, this,
                  &Federation::onUpdateLost);
    roundKind_ = sim_->registerKind<&Federation::onRoundStart>("federated.round", *this);
    if (edges_.empty()) return;
    edgeModelPort_ = net_->registerPort("federated.edge-model", &Federation::onEdgeModel, this,
                                        &Federation::onEdgeLost);
    edgeUpdatePort_ = net_->registerPort("federated.edge-update", &Federation::onEdgeUpdate, this,
                                         &Federation::onEdgeLost);
}

void Federation::setupData(core::LayerContext& ctx) {
    DataOptions o;
    o.source = cfg_.data;
    if (o.source == DataSource::Csv) {
        if (cfg_.dataFile.empty()) ctx.failParam("data_file", "data \"csv\" needs data_file");
        std::filesystem::path file(cfg_.dataFile);
        if (file.is_relative() && !ctx.scenario().sourcePath.empty())
            file = std::filesystem::path(ctx.scenario().sourcePath).parent_path() / file;
        o.file = file.string();
        o.labelColumn = cfg_.labelColumn;
    }
    o.alpha = cfg_.syntheticAlpha;
    o.beta = cfg_.syntheticBeta;
    o.samples = cfg_.blobSamples;
    o.dimension = cfg_.blobDimension;
    o.classes = cfg_.blobClasses;
    o.spread = cfg_.blobSpread;
    o.testFraction = cfg_.testFraction;
    o.clientTestFraction = cfg_.clientTestFraction;
    o.partition.scheme = cfg_.partition;
    o.partition.alpha = cfg_.partitionAlpha;
    o.partition.shardsPerClient = cfg_.shardsPerClient;
    o.seed = seed_;
    try {
        data_ = std::make_unique<FederationData>(o, clients_.size());
    } catch (const std::exception& e) {
        ctx.failParam(o.source == DataSource::Csv ? "data_file" : "data",
                      std::string("data: ") + e.what());
    }
}

void Federation::setupAttackers(core::LayerContext&) {
    malicious_.assign(clients_.size(), 0);
    if (cfg_.attack == Attack::None || cfg_.attackers <= 0) return;
    // The malicious clients: a seeded choice of round(attackers * N) of them.
    std::vector<std::size_t> order(clients_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    sim::RngStream rng(seed_, "federated", 0, "attackers");
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(i))]);
    const auto bad = static_cast<std::size_t>(
        std::llround(cfg_.attackers * static_cast<double>(clients_.size())));
    for (std::size_t i = 0; i < bad; ++i)
        malicious_[order[i]] = 1;
    for (std::size_t k = 0; k < clients_.size(); ++k)
        if (malicious_[k]) showAtRest(k);
    if (cfg_.attack == Attack::SignFlip || cfg_.attack == Attack::Gaussian) {
        fl::AttackOptions a;
        a.kind = cfg_.attack == Attack::SignFlip ? fl::AttackOptions::Kind::SignFlip
                                                 : fl::AttackOptions::Kind::GaussianNoise;
        a.scale = cfg_.attackScale;
        a.sigma = cfg_.attackScale;
        attack_ = std::make_unique<fl::UpdateAttack>(a, seed_);
    }
}

void Federation::setupAvailability() {
    if (cfg_.availability != Availability::Churn) return;
    churn_.resize(clients_.size());
    const double on = sim::toSeconds(cfg_.meanOn), off = sim::toSeconds(cfg_.meanOff);
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
    edgeOf_.clear();
    edges_.clear();
    if (cfg_.hierarchy == Hierarchy::Flat) return;
    const std::vector<NodeIndex> aggregators = ctx.nodesWithRole(cfg_.aggregatorRole);
    if (aggregators.empty()) return;
    if (async())
        ctx.failParam("hierarchy",
                      "edge aggregators work with rounds: use mode sync or hierarchy flat");
    if (dp_)
        ctx.failParam(
            "hierarchy",
            "DP-FedAvg clips each client's update at the server, which edge aggregators hide: "
            "use hierarchy flat");
    if (cfg_.strategy == StrategyKind::QFedAvg)
        ctx.failParam("hierarchy",
                      "q-FedAvg needs each client's loss at the server: use hierarchy flat");
    edgeOf_.assign(clients_.size(), kNoEdge);
    for (NodeIndex a : aggregators) {
        EdgeAggregator e;
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
    const SecureAggregation mode = cfg_.secureAggregation;
    if (mode == SecureAggregation::Off) return;
    secure_ = ctx.services().find<core::SecureAggregator>();
    if (!secure_) {
        if (mode == SecureAggregation::Required)
            ctx.failParam("secure_aggregation",
                          "secure_aggregation is required but no layer of the run provides the "
                          "secure-aggregation service");
        return;
    }
    // The server sees only the sum: rules that look at each update cannot run.
    std::string why;
    if (cfg_.aggregator != Rule::Mean)
        why = "the " + ctx.params().text("aggregator") + " aggregator looks at each update";
    else if (cfg_.strategy == StrategyKind::QFedAvg)
        why = "q-FedAvg needs each client's loss";
    else if (async())
        why = "async training aggregates updates one buffer at a time";
    else if (!edges_.empty())
        why = "edge aggregators already combine the updates";
    if (!why.empty()) {
        if (mode == SecureAggregation::Required)
            ctx.failParam("secure_aggregation",
                          "secure aggregation shows the server only the sum, but " + why);
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

std::unique_ptr<fl::Strategy> Federation::makeStrategy(Eigen::VectorXd initial) const {
    std::unique_ptr<fl::Strategy> out;
    fl::FedOptOptions o;
    o.eta = cfg_.serverLr;
    o.beta1 = cfg_.beta1;
    o.beta2 = cfg_.beta2;
    o.tau = cfg_.tau;
    switch (cfg_.strategy) {
        case StrategyKind::FedAvg:
            out = std::make_unique<fl::FedAvg>(std::move(initial),
                                               fl::FedAvg::Options{cfg_.serverLr});
            break;
        case StrategyKind::FedAvgM:
            out = std::make_unique<fl::FedAvgM>(
                std::move(initial), fl::FedAvgM::Options{cfg_.serverLr, cfg_.serverMomentum});
            break;
        case StrategyKind::QFedAvg:
            out = std::make_unique<fl::QFedAvg>(std::move(initial),
                                                fl::QFedAvg::Options{cfg_.q, cfg_.lipschitz});
            break;
        case StrategyKind::FedAdam:
            out = std::make_unique<fl::FedAdam>(std::move(initial), o);
            break;
        case StrategyKind::FedYogi:
            out = std::make_unique<fl::FedYogi>(std::move(initial), o);
            break;
        case StrategyKind::FedAdagrad:
            out = std::make_unique<fl::FedAdagrad>(std::move(initial), o);
            break;
    }
    const std::size_t f = cfg_.byzantine;
    std::shared_ptr<const fl::Aggregator> rule;
    switch (cfg_.aggregator) {
        case Rule::Mean:
            break;
        case Rule::Krum:
            rule = std::make_shared<fl::Krum>(f);
            break;
        case Rule::MultiKrum:
            rule = std::make_shared<fl::MultiKrum>(f);
            break;
        case Rule::Median:
            rule = std::make_shared<fl::CoordinateMedian>();
            break;
        case Rule::TrimmedMean:
            rule = std::make_shared<fl::TrimmedMean>(cfg_.trim);
            break;
        case Rule::Bulyan:
            rule = std::make_shared<fl::Bulyan>(f);
            break;
    }
    if (rule) out->setAggregator(std::move(rule));
    return out;
}

double Federation::flopsPerStep() const {
    // Forward and backward pass: about 6 floating-point operations per parameter per sample
    // (2 for the forward multiply-adds, 4 for the backward ones).
    return 6.0 * static_cast<double>(model_->parameterCount()) *
           static_cast<double>(train_.batchSize);
}

double Federation::secondsPerStep(std::size_t client) const {
    const sim::Resources* r = net_->node(clients_[client]).resources;
    double flops = r ? std::max(r->cpuGflops * 1e9, r->gpuTflops * 1e12) : 0;
    if (flops <= 0) flops = cfg_.defaultGflops * 1e9;
    return flopsPerStep() / flops;
}

SimTime Federation::computeTime(std::size_t client, std::size_t steps) const {
    const double seconds = static_cast<double>(steps) * secondsPerStep(client);
    SimTime t;
    if (!sim::durationFromSeconds(seconds, t)) [[unlikely]]
        computeTooLong(client, steps, seconds);
    return t;
}

void Federation::computeTooLong(std::size_t client, std::size_t steps, double seconds) const {
    const sim::Resources* r = net_->node(clients_[client]).resources;
    const double cpu = r ? r->cpuGflops * 1e9 : 0, gpu = r ? r->gpuTflops * 1e12 : 0;
    std::string speed;
    char value[32];
    if (cpu > 0 && cpu >= gpu) {
        std::snprintf(value, sizeof value, "%g", r->cpuGflops);
        speed = std::string(value) + " GFLOP/s (its resources.cpu_gflops)";
    } else if (gpu > 0) {
        std::snprintf(value, sizeof value, "%g", r->gpuTflops);
        speed = std::string(value) + " TFLOP/s (its resources.gpu_tflops)";
    } else {
        std::snprintf(value, sizeof value, "%g", cfg_.defaultGflops);
        speed = std::string(value) + " GFLOP/s (/layers/" + std::string(ctx_->layerId()) +
                "/default_gflops)";
    }
    std::string text = "/layers/" + std::string(ctx_->layerId()) + ": client \"" +
                       net_->nodeName(clients_[client]) + "\" computes at " + speed + ": " +
                       std::to_string(steps) + " training steps take " +
                       sim::formatSeconds(seconds);
    if (seconds < sim::toSeconds(sim::kTimeLatest))
        text += " and would end at " + sim::formatSeconds(sim::toSeconds(sim_->now()) + seconds);
    throw core::LayerError(text + ", beyond " + sim::longestTimeText());
}

/// Whether client k can take part now (its node being up is checked separately).
bool Federation::available(std::size_t k) {
    const SimTime now = sim_->now();
    switch (cfg_.availability) {
        case Availability::Always:
            return true;
        case Availability::Churn: {
            Churn& c = churn_[k];
            if (c.next <= now) {
                // Walk the on/off turns up to now; each turn's length comes from the client's
                // stream, numbered by the turn, so the history is the same however it is read.
                const double on = sim::toSeconds(cfg_.meanOn), off = sim::toSeconds(cfg_.meanOff);
                while (c.next <= now) {
                    c.on = !c.on;
                    ++c.changes;
                    sim::RngStream rng(seed_, "federated", clients_[k],
                                       "churn/" + std::to_string(c.changes));
                    // A turn that would end past the longest simulated time never ends.
                    const SimTime turn =
                        std::max<SimTime>(1, sim::fromSeconds(rng.exponential(c.on ? on : off)));
                    if (!sim::addTime(c.next, turn, c.next)) c.next = sim::kTimeNever;
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
                               "diurnal/" + std::to_string(async() ? dispatchCount_ : round_));
            return rng.uniform() < prob;
        }
    }
    return true;
}

void Federation::parallel(std::size_t count,
                          const std::function<void(std::size_t, fl::LocalTrainer&)>& job) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> abandoned{false};
    std::exception_ptr failure;
    std::size_t failedAt = count;  // the job that failed first in index order
    std::mutex failureMutex;
    auto worker = [&] {
        fl::LocalTrainer trainer;
        while (!abandoned.load(std::memory_order_relaxed)) {
            const std::size_t i = next.fetch_add(1);
            if (i >= count) return;
            try {
                // A round over a million clients takes long: a stop ends it between clients.
                sim_->checkEnd();
                job(i, trainer);
            } catch (...) {
                // Jobs start in index order and every started one finishes, so the failure of
                // the lowest index is the same however many threads run them.
                std::lock_guard lock(failureMutex);
                if (i < failedAt) {
                    failure = std::current_exception();
                    failedAt = i;
                }
                abandoned.store(true, std::memory_order_relaxed);
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
    return {definition().descriptor(),
            [] { return std::unique_ptr<core::Layer>(new Federation()); }};
}

}  // namespace dais::layers::federated
