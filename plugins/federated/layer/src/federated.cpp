// The federated-learning layer. Read it from the top: the descriptor (what the layer takes and
// emits), then the Federation, in the order a round meets it: the server picks clients and sends
// them the model; each client trains on its own data (real arithmetic, done for all the round's
// clients at once on worker threads, since the result depends only on the model, the client's
// data and its stream) and uploads after its compute time; the server aggregates what arrived
// by the deadline and evaluates the new model.
#include "dais/layers/federated.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dais/core/scenario.h"
#include "dais/fl/attacks.h"
#include "dais/fl/dp_fedavg.h"
#include "dais/fl/fedavg.h"
#include "dais/fl/fedopt.h"
#include "dais/fl/model.h"
#include "dais/fl/qfedavg.h"
#include "dais/fl/rdp_accountant.h"
#include "dais/fl/robust.h"
#include "dais/fl/train.h"
#include "federation_data.h"

namespace dais::layers::federated {

namespace {

using core::MetricSpec;
using core::ParamSpec;
using core::ParamType;
using sim::MetricScope;
using sim::MetricType;
using sim::NodeIndex;
using sim::SimTime;

// --- the descriptor ----------------------------------------------------------------------------

core::LayerDescriptor describe() {
    core::LayerDescriptor d;
    d.id = "federated";
    d.name = "Federated learning";
    d.version = "0.1.0";
    d.summary =
        "Federated learning over the simulated network. Clients train a model on their own data "
        "(multinomial logistic regression or an MLP, mini-batch SGD, real arithmetic); only "
        "parameters travel, as messages of their real size; compute time comes from each "
        "client's speed. The server aggregates with FedAvg, FedAvgM, FedAdam, FedYogi, "
        "FedAdagrad or q-FedAvg, optionally through a robust rule (Krum, Multi-Krum, median, "
        "trimmed mean, Bulyan), with DP-FedAvg and a Renyi-DP accountant, against optional "
        "attackers. Stragglers miss the round deadline; crashed clients drop out.";
    const auto R = ParamType::Real;
    const auto I = ParamType::Integer;
    const auto C = ParamType::Choice;
    const auto S = ParamType::String;
    // clang-format off
    d.params = {
        {"client_role", S, "client", {}, {}, "", "Nodes of this role are the clients.", {}},
        {"server_role", S, "server", {}, {}, "", "The first node of this role is the server.", {}},
        {"data", C, "synthetic", {}, {}, "",
         "Where the data comes from: the FedProx Synthetic(alpha, beta) generator (one device per "
         "client), its IID variant, Gaussian blobs, or a CSV file (data_file).",
         {"synthetic", "synthetic-iid", "blobs", "csv"}},
        {"data_file", S, "", {}, {}, "",
         "csv: the file, relative to the scenario file's folder (or absolute).", {}},
        {"label_column", S, "label", {}, {}, "", "csv: the column that holds the label.", {}},
        {"synthetic_alpha", R, 1.0, 0.0, 100.0, "",
         "Synthetic: how much the device models differ (standard deviation of u_k).", {}},
        {"synthetic_beta", R, 1.0, 0.0, 100.0, "",
         "Synthetic: how much the device inputs differ (standard deviation of B_k).", {}},
        {"blob_samples", I, 10000, 10.0, 1e8, "samples", "blobs: samples in all.", {}},
        {"blob_dimension", I, 20, 1.0, 1e5, "features", "blobs: features per sample.", {}},
        {"blob_classes", I, 10, 2.0, 1000.0, "classes", "blobs: classes.", {}},
        {"blob_spread", R, 1.0, 0.001, 1000.0, "",
         "blobs: standard deviation of each blob; centres are uniform in [-4, 4]^dimension.", {}},
        {"test_fraction", R, 0.2, 0.0, 0.9, "",
         "Pooled data: share of the rows held out as the global test set.", {}},
        {"client_test_fraction", R, 0.2, 0.0, 0.9, "",
         "Share of each client's rows kept as its own test set.", {}},
        {"partition", C, "iid", {}, {}, "",
         "Pooled data: how the training rows are shared between clients. dirichlet-client: each "
         "client's class mix ~ Dir(alpha * prior) (Hsu et al. 2019); dirichlet-class: each class "
         "split over clients by Dir(alpha); shards: k label-sorted shards per client (McMahan et "
         "al. 2017); power-law: IID labels, sizes from a power law.",
         {"iid", "dirichlet-client", "dirichlet-class", "shards", "power-law"}},
        {"partition_alpha", R, 0.5, 0.001, 1000.0, "", "Dirichlet concentration.", {}},
        {"shards_per_client", I, 2, 1.0, 1000.0, "shards", "shards: shards per client.", {}},
        {"model", C, "logistic", {}, {}, "",
         "Multinomial logistic regression, or an MLP with ReLU hidden layers.",
         {"logistic", "mlp"}},
        {"hidden", S, "64", {}, {}, "units",
         "mlp: hidden layer widths, comma-separated (\"128,64\").", {}},
        {"wire", C, "float32", {}, {}, "",
         "How parameters travel: 4 or 8 bytes each (the arithmetic is float64 either way).",
         {"float32", "float64"}},
        {"rounds", I, 20, 1.0, 1e6, "rounds", "Rounds of federated training.", {}},
        {"fraction", R, 0.1, 0.0, 1.0, "", "Share of the clients picked each round.", {}},
        {"min_clients", I, 2, 1.0, 1e7, "clients", "At least this many clients per round.", {}},
        {"epochs", I, 1, 1.0, 1000.0, "epochs", "Local epochs per round.", {}},
        {"batch_size", I, 32, 1.0, 1e6, "samples", "Local mini-batch size.", {}},
        {"learning_rate", R, 0.05, 0.0, 100.0, "", "Client learning rate.", {}},
        {"momentum", R, 0.0, 0.0, 0.999, "", "Client SGD momentum.", {}},
        {"weight_decay", R, 0.0, 0.0, 10.0, "", "Client L2 weight decay.", {}},
        {"mu", R, 0.0, 0.0, 100.0, "",
         "FedProx proximal term mu/2 ||w - w_global||^2 (0: plain FedAvg training).", {}},
        {"strategy", C, "fedavg", {}, {}, "",
         "The server's strategy.",
         {"fedavg", "fedavgm", "fedadam", "fedyogi", "fedadagrad", "qfedavg"}},
        {"server_lr", R, 1.0, 0.0, 100.0, "",
         "Server learning rate (FedAvg, FedAvgM; the eta of FedAdam/Yogi/Adagrad).", {}},
        {"server_momentum", R, 0.9, 0.0, 0.999, "", "FedAvgM: server momentum.", {}},
        {"beta1", R, 0.9, 0.0, 0.999, "", "FedAdam/Yogi/Adagrad: first-moment decay.", {}},
        {"beta2", R, 0.99, 0.0, 0.99999, "", "FedAdam/Yogi: second-moment decay.", {}},
        {"tau", R, 1e-3, 1e-12, 10.0, "", "FedAdam/Yogi/Adagrad: adaptivity tau.", {}},
        {"q", R, 1.0, 0.0, 100.0, "", "q-FedAvg: the fairness exponent q.", {}},
        {"lipschitz", R, 1.0, 1e-9, 1e9, "", "q-FedAvg: the Lipschitz estimate L (1/lr).", {}},
        {"aggregator", C, "mean", {}, {}, "",
         "How updates are combined: the sample-weighted mean, or a robust rule.",
         {"mean", "krum", "multi-krum", "median", "trimmed-mean", "bulyan"}},
        {"byzantine", I, 0, 0.0, 1e6, "clients",
         "Krum, Multi-Krum, Bulyan: the number f of Byzantine clients tolerated.", {}},
        {"trim", R, 0.1, 0.0, 0.49, "", "Trimmed mean: share trimmed at each end.", {}},
        {"deadline", ParamType::Duration, 0, 0.0, 1e7, "s",
         "Round deadline after the model is sent (0: none, wait for every client).", {}},
        {"stragglers", C, "drop", {}, {}, "",
         "What a client that cannot finish by the deadline does: its late update is dropped, or "
         "it sends the partial work it can finish in time.", {"drop", "partial"}},
        {"default_gflops", R, 10.0, 0.001, 1e9, "GFLOP/s",
         "Compute speed of a client whose node declares none.", {}},
        {"dp_clip", R, 0.0, 0.0, 1e9, "",
         "DP-FedAvg: clip each update to this L2 norm (0: no differential privacy).", {}},
        {"dp_noise", R, 1.0, 0.0, 1e6, "", "DP-FedAvg: noise multiplier z.", {}},
        {"dp_delta", R, 1e-5, 1e-12, 0.1, "", "DP-FedAvg: the delta of the reported epsilon.", {}},
        {"attack", C, "none", {}, {}, "",
         "What malicious clients do.", {"none", "label-flip", "sign-flip", "gaussian"}},
        {"attackers", R, 0.0, 0.0, 1.0, "", "Share of the clients that are malicious.", {}},
        {"attack_scale", R, 1.0, 0.0, 1e6, "",
         "sign-flip: the scale of the flipped update; gaussian: the noise sigma.", {}},
        {"target_accuracy", R, 0.0, 0.0, 1.0, "",
         "Report the round and time at which test accuracy first reaches this (0: none).", {}},
        {"availability", C, "always", {}, {}, "",
         "When a client can take part: always (while its node is up); churn: on and off in "
         "turns of exponential length (mean_on, mean_off); diurnal: available with a "
         "probability that follows the time of day, highest at peak_hour (phones charging at "
         "night). A client that goes away before it uploads drops out.",
         {"always", "churn", "diurnal"}},
        {"mean_on", ParamType::Duration, "10min", 0.001, 1e7, "s", "churn: mean time on.", {}},
        {"mean_off", ParamType::Duration, "10min", 0.001, 1e7, "s", "churn: mean time off.", {}},
        {"peak_hour", R, 3.0, 0.0, 24.0, "h",
         "diurnal: the hour (from the start of the run) when most clients are available.", {}},
        {"min_availability", R, 0.1, 0.0, 1.0, "",
         "diurnal: the share of clients available at the quietest hour.", {}},
        {"max_availability", R, 0.9, 0.0, 1.0, "",
         "diurnal: the share of clients available at peak_hour.", {}},
        {"threads", I, 0, 0.0, 1024.0, "threads",
         "Worker threads for local training (0: one per core). Results do not depend on it.", {}},
    };
    // clang-format on
    d.roles = {{"client", false, "clients train on their own data"},
               {"server", false, "the server aggregates"}};
    auto g = [](const char* name, const char* unit, const char* help) {
        return MetricSpec{name, unit, MetricType::Gauge, MetricScope::Global, help};
    };
    auto c = [](const char* name, const char* unit, const char* help) {
        return MetricSpec{name, unit, MetricType::Counter, MetricScope::Global, help};
    };
    auto h = [](const char* name, const char* unit, const char* help) {
        return MetricSpec{name, unit, MetricType::Distribution, MetricScope::Global, help};
    };
    d.metrics = {
        g("federated.round", "rounds", "Rounds completed."),
        g("federated.accuracy", "1", "Global test accuracy after the last round."),
        g("federated.loss", "nats", "Global test loss (cross-entropy) after the last round."),
        h("federated.loss_change", "nats",
          "Absolute change of the global test loss from one round to the next: how steadily "
          "training goes."),
        g("federated.client_accuracy.p10", "1",
          "10th percentile of the participants' accuracy on their own test rows."),
        g("federated.client_accuracy.p50", "1", "Median participant accuracy."),
        g("federated.client_accuracy.p90", "1", "90th percentile of participant accuracy."),
        g("federated.participants", "clients", "Clients whose update was aggregated last round."),
        c("federated.bytes.down", "B", "Model bytes sent to clients."),
        c("federated.bytes.up", "B", "Update bytes sent to the server."),
        c("federated.stragglers", "clients", "Updates that missed the deadline."),
        c("federated.dropouts", "clients", "Clients lost on the way (crashed, unreachable)."),
        c("federated.partial", "clients", "Clients that sent partial work."),
        h("federated.round_time", "s", "Simulated time per round."),
        h("federated.update_norm", "L2", "L2 norm of each aggregated client update."),
        g("federated.epsilon", "eps", "DP: epsilon spent so far at dp_delta."),
        g("federated.rounds_to_target", "rounds",
          "First round reaching target_accuracy (0 until then)."),
        g("federated.time_to_target", "s", "Simulated time when target_accuracy was reached."),
    };
    return d;
}

std::vector<std::size_t> parseWidths(const std::string& text) {
    std::vector<std::size_t> out;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        std::size_t pos = 0;
        unsigned long v = 0;
        try {
            v = std::stoul(part, &pos);
        } catch (const std::exception&) {
            pos = 0;
        }
        while (pos < part.size() && part[pos] == ' ')
            ++pos;
        if (pos != part.size() || v == 0 || v > 100000)
            throw core::LayerError("hidden: expected widths like \"128,64\", got \"" + text + "\"");
        out.push_back(v);
    }
    if (out.empty()) throw core::LayerError("hidden: no widths in \"" + text + "\"");
    return out;
}

// --- the federation ----------------------------------------------------------------------------

/// What a client did with one round's model.
struct Work {
    fl::ClientResult result;
    std::size_t steps = 0, fullSteps = 0;
    SimTime computeTime = 0;
    double accuracy = std::numeric_limits<double>::quiet_NaN();  // global model on its test rows
    bool received = false;
};

class Federation final : public core::Layer {
  public:
    void setup(core::LayerContext& ctx) override;
    void finish(core::LayerContext& ctx) override;

  private:
    // event handlers
    void onRoundStart(sim::Simulation& sim, const sim::Event& e);
    void onTrained(sim::Simulation& sim, const sim::Event& e);
    void onDeadline(sim::Simulation& sim, const sim::Event& e);
    static void onModel(void* self, sim::Network& net, const sim::Delivery& d);
    static void onUpdate(void* self, sim::Network& net, const sim::Delivery& d);
    static void onLost(void* self, sim::Network& net, const sim::Loss& l);

    void startRound();
    bool available(std::size_t client);
    void trainAll();
    void trainClient(std::size_t i, std::size_t maxSteps, fl::LocalTrainer& trainer);
    void finishRound();
    double secondsPerStep(std::size_t client, std::size_t batch) const;
    std::unique_ptr<fl::Strategy> makeStrategy(Eigen::VectorXd initial) const;

    static std::uint64_t pack(std::uint64_t round, std::size_t slot) {
        return (round << 32) | slot;
    }

    core::LayerContext* ctx_ = nullptr;
    sim::Simulation* sim_ = nullptr;
    sim::Network* net_ = nullptr;
    const core::LayerParams* p_ = nullptr;

    std::unique_ptr<FederationData> data_;
    std::unique_ptr<fl::Model> model_;
    std::unique_ptr<fl::Strategy> strategy_;
    std::unique_ptr<fl::DpFedAvg> dp_;
    fl::RdpAccountant accountant_;
    std::unique_ptr<fl::UpdateAttack> attack_;
    std::vector<char> malicious_;
    /// Churn: each client's current state and when it next changes (16 bytes a client),
    /// advanced on demand from the client's own stream.
    struct Churn {
        SimTime next = 0;
        std::uint32_t changes = 0;
        bool on = true;
    };
    std::vector<Churn> churn_;
    enum class Availability { Always, Churn, Diurnal } availability_ = Availability::Always;
    fl::TrainOptions train_;
    NodeIndex server_ = 0;
    std::vector<NodeIndex> clients_;
    std::uint64_t seed_ = 1;
    /// Settings read on every client or round, taken from the parameters once.
    struct Settings {
        std::uint64_t messageBytes = 0;  // a model or an update on the wire
        bool partial = false, labelFlip = false;
        double defaultFlops = 0, fraction = 0, target = 0;
        double meanOn = 0, meanOff = 0, peakHour = 0, minAvailability = 0, maxAvailability = 0;
        std::uint64_t rounds = 0;
    } cfg_;
    std::size_t threads_ = 1;
    std::unique_ptr<fl::LocalTrainer> trainer_ = std::make_unique<fl::LocalTrainer>();

    std::uint64_t round_ = 0;  // the round in progress (1-based); 0 before the first
    SimTime roundStart_ = 0, deadline_ = sim::kTimeNever;
    std::vector<std::size_t> selected_;  // client numbers of this round, ascending
    std::vector<Work> work_;             // one per selected client
    std::size_t outstanding_ = 0;        // selected clients still to be heard from
    bool roundOpen_ = false;
    bool targetReached_ = false;

    sim::PortId modelPort_ = 0, updatePort_ = 0;
    sim::KindId roundKind_ = 0, trainedKind_ = 0, deadlineKind_ = 0;
    struct Ids {
        sim::MetricId round, accuracy, loss, p10, p50, p90, participants, bytesDown, bytesUp,
            stragglers, dropouts, partial, roundTime, updateNorm, epsilon, roundsToTarget,
            timeToTarget, lossChange;
    } m_{};
};

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

    if (p.real("dp_clip") > 0) {
        if (p.text("aggregator") != "mean" ||
            (p.text("strategy") != "fedavg" && p.text("strategy") != "fedavgm"))
            ctx.fail(
                "DP-FedAvg (dp_clip > 0) works with strategy fedavg or fedavgm and the mean "
                "aggregator");
        fl::DpFedAvgConfig c;
        c.clipNorm = p.real("dp_clip");
        c.noiseMultiplier = p.real("dp_noise");
        dp_ = std::make_unique<fl::DpFedAvg>(c);
    }

    const std::string attack = p.text("attack");
    malicious_.assign(clients_.size(), 0);
    if (attack != "none" && p.real("attackers") > 0) {
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
        if (attack != "label-flip") {
            fl::AttackOptions a;
            a.kind = attack == "sign-flip" ? fl::AttackOptions::Kind::SignFlip
                                           : fl::AttackOptions::Kind::GaussianNoise;
            a.scale = p.real("attack_scale");
            a.sigma = p.real("attack_scale");
            attack_ = std::make_unique<fl::UpdateAttack>(a, seed_);
        }
    }

    const std::string av = p.text("availability");
    availability_ = av == "churn"     ? Availability::Churn
                    : av == "diurnal" ? Availability::Diurnal
                                      : Availability::Always;
    if (availability_ == Availability::Churn) {
        churn_.resize(clients_.size());
        const double on = sim::toSeconds(p.duration("mean_on"));
        const double off = sim::toSeconds(p.duration("mean_off"));
        for (std::size_t k = 0; k < clients_.size(); ++k) {
            // Start in the stationary state: on with probability on / (on + off).
            sim::RngStream rng(seed_, "federated", clients_[k], "churn");
            churn_[k].on = rng.uniform() < on / (on + off);
            churn_[k].next = sim::fromSeconds(rng.exponential(churn_[k].on ? on : off));
        }
    }
    if (p.real("min_availability") > p.real("max_availability"))
        ctx.fail("min_availability is greater than max_availability");

    cfg_.messageBytes = model_->wireBytes(p.text("wire") == "float64" ? fl::WireFormat::Float64
                                                                      : fl::WireFormat::Float32);
    cfg_.partial = p.text("stragglers") == "partial";
    cfg_.labelFlip = attack == "label-flip";
    cfg_.defaultFlops = p.real("default_gflops") * 1e9;
    cfg_.fraction = p.real("fraction");
    cfg_.target = p.real("target_accuracy");
    cfg_.meanOn = sim::toSeconds(p.duration("mean_on"));
    cfg_.meanOff = sim::toSeconds(p.duration("mean_off"));
    cfg_.peakHour = p.real("peak_hour");
    cfg_.minAvailability = p.real("min_availability");
    cfg_.maxAvailability = p.real("max_availability");
    cfg_.rounds = static_cast<std::uint64_t>(p.integer("rounds"));

    const auto t = p.integer("threads");
    threads_ = t > 0 ? static_cast<std::size_t>(t)
                     : std::max<std::size_t>(1, std::thread::hardware_concurrency());

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
    m_.stragglers = ctx.defineMetric("federated.stragglers");
    m_.dropouts = ctx.defineMetric("federated.dropouts");
    m_.partial = ctx.defineMetric("federated.partial");
    m_.roundTime = ctx.defineMetric("federated.round_time");
    m_.updateNorm = ctx.defineMetric("federated.update_norm");
    m_.epsilon = ctx.defineMetric("federated.epsilon");
    m_.roundsToTarget = ctx.defineMetric("federated.rounds_to_target");
    m_.timeToTarget = ctx.defineMetric("federated.time_to_target");

    // The model before any round.
    const fl::Evaluation e0 = fl::evaluate(*model_, strategy_->parameters(), data_->globalTest());
    sim_->metrics().set(m_.accuracy, e0.accuracy);
    sim_->metrics().set(m_.loss, e0.loss);

    modelPort_ =
        net_->registerPort("federated.model", &Federation::onModel, this, &Federation::onLost);
    updatePort_ =
        net_->registerPort("federated.update", &Federation::onUpdate, this, &Federation::onLost);
    roundKind_ = sim_->registerKind<&Federation::onRoundStart>("federated.round", *this);
    trainedKind_ = sim_->registerKind<&Federation::onTrained>("federated.trained", *this);
    deadlineKind_ = sim_->registerKind<&Federation::onDeadline>("federated.deadline", *this);
    sim_->scheduleIn(0, server_, roundKind_);
    ctx.simulation().trace(server_, "federated",
                           "data " + data_->describe() + "; model " + spec.describe() + ", " +
                               std::to_string(model_->parameterCount()) + " parameters");
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

double Federation::secondsPerStep(std::size_t client, std::size_t batch) const {
    // Forward and backward pass: about 6 floating-point operations per parameter per sample
    // (2 for the forward multiply-adds, 4 for the backward ones).
    const sim::Resources* r = net_->node(clients_[client]).resources;
    double flops = r ? std::max(r->cpuGflops * 1e9, r->gpuTflops * 1e12) : 0;
    if (flops <= 0) flops = cfg_.defaultFlops;
    return 6.0 * static_cast<double>(model_->parameterCount()) * static_cast<double>(batch) / flops;
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
            sim::RngStream rng(seed_, "federated", clients_[k],
                               "diurnal/" + std::to_string(round_));
            return rng.uniform() < prob;
        }
    }
    return true;
}

void Federation::onRoundStart(sim::Simulation&, const sim::Event&) {
    startRound();
}

void Federation::startRound() {
    ++round_;
    roundStart_ = sim_->now();
    const core::LayerParams& p = *p_;
    const std::size_t n = clients_.size();
    // Clients that are up now can be picked. With differential privacy each is picked
    // independently with probability q (Poisson sampling, as the accountant assumes); without,
    // max(min_clients, round(fraction * N)) of them uniformly without replacement.
    std::vector<std::size_t> up;
    for (std::size_t k = 0; k < n; ++k)
        if (net_->nodeUp(clients_[k]) && available(k)) up.push_back(k);
    sim::RngStream rng(seed_, "federated", server_, "select/" + std::to_string(round_));
    selected_.clear();
    const double q = p.real("fraction");
    if (dp_) {
        for (std::size_t k : up)
            if (rng.uniform() < q) selected_.push_back(k);
    } else {
        const auto want = std::min<std::size_t>(
            up.size(), std::max<std::size_t>(
                           static_cast<std::size_t>(p.integer("min_clients")),
                           static_cast<std::size_t>(std::llround(q * static_cast<double>(n)))));
        for (std::size_t i = 0; i < want; ++i) {
            const std::size_t j = i + static_cast<std::size_t>(rng.below(up.size() - i));
            std::swap(up[i], up[j]);
        }
        selected_.assign(up.begin(), up.begin() + static_cast<std::ptrdiff_t>(want));
        std::sort(selected_.begin(), selected_.end());
    }
    work_.assign(selected_.size(), Work{});
    outstanding_ = selected_.size();
    roundOpen_ = true;
    const SimTime limit = p.duration("deadline");
    deadline_ = limit > 0 ? roundStart_ + limit : sim::kTimeNever;
    trainAll();
    const std::uint64_t bytes = cfg_.messageBytes;
    for (std::size_t i = 0; i < selected_.size(); ++i) {
        net_->send(server_, clients_[selected_[i]], bytes, modelPort_, pack(round_, i));
        sim_->metrics().add(m_.bytesDown, static_cast<double>(bytes));
    }
    if (deadline_ != sim::kTimeNever) sim_->scheduleAt(deadline_, server_, deadlineKind_, round_);
    if (selected_.empty()) finishRound();
}

/// Local training of selected client i of the round: full work, or at most maxSteps steps.
void Federation::trainClient(std::size_t i, std::size_t maxSteps, fl::LocalTrainer& trainer) {
    const Eigen::VectorXd& global = strategy_->parameters();
    const std::size_t k = selected_[i];
    ClientData cd = data_->client(k);
    if (cfg_.labelFlip && malicious_[k]) {
        // Label flipping (Tolpegin et al. 2020): class c becomes C - 1 - c.
        auto flipped = std::make_shared<fl::Dataset>();
        flipped->classes = data_->classes();
        flipped->features.resize(static_cast<Eigen::Index>(data_->inputs()),
                                 static_cast<Eigen::Index>(cd.train.size()));
        flipped->labels.resize(cd.train.size());
        for (std::size_t r = 0; r < cd.train.size(); ++r) {
            flipped->features.col(static_cast<Eigen::Index>(r)) =
                cd.train.data->features.col(cd.train.row(r));
            flipped->labels[r] =
                static_cast<std::int32_t>(data_->classes()) - 1 - cd.train.label(r);
        }
        cd.train = fl::DataView::all(*flipped);
        cd.owned = flipped;
    }
    Work& w = work_[i];
    const std::size_t perEpoch = (cd.train.size() + train_.batchSize - 1) / train_.batchSize;
    w.fullSteps = perEpoch * train_.epochs;
    fl::TrainOptions opt = train_;
    opt.maxSteps = maxSteps;
    sim::RngStream rng(seed_, "federated", clients_[k], "train/" + std::to_string(round_));
    Eigen::VectorXd out;
    const fl::TrainStats st = trainer.train(*model_, global, cd.train, opt, rng, out);
    w.steps = st.steps;
    w.computeTime =
        sim::fromSeconds(static_cast<double>(st.steps) * secondsPerStep(k, train_.batchSize));
    w.result = fl::ClientResult::parameters(
        k, std::move(out), static_cast<double>(st.samples) / static_cast<double>(train_.epochs));
    w.result.lossAfter = st.meanLoss;
    if (cd.test.size() > 0) w.accuracy = fl::evaluate(*model_, global, cd.test).accuracy;
}

/// Local training of every client of the round, on worker threads. A client's result depends
/// only on the global model, its data and its own stream, so it is the same whatever the
/// number of threads; training is done up front and the events only carry the timing.
void Federation::trainAll() {
    const std::size_t count = selected_.size();
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto worker = [&] {
        fl::LocalTrainer trainer;
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= count) return;
            try {
                trainClient(i, 0, trainer);
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

void Federation::onModel(void* self, sim::Network&, const sim::Delivery& d) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = d.payload >> 32;
    const std::size_t slot = d.payload & 0xffffffffu;
    if (round != f.round_ || !f.roundOpen_) return;
    Work& w = f.work_[slot];
    if (f.deadline_ != sim::kTimeNever && f.cfg_.partial) {
        // The client plans to be done in time: it expects the upload to take as long as the
        // download did, and does the steps that fit in what is left.
        const SimTime download = d.now - f.roundStart_;
        const SimTime left = f.deadline_ - d.now - download;
        if (d.now + w.computeTime + download > f.deadline_) {
            const double step = f.secondsPerStep(f.selected_[slot], f.train_.batchSize);
            const auto fit = static_cast<std::size_t>(std::max(0.0, sim::toSeconds(left) / step));
            f.trainClient(slot, std::max<std::size_t>(1, fit), *f.trainer_);
        }
    }
    f.sim_->scheduleIn(w.computeTime, d.to, f.trainedKind_, d.payload);
}

void Federation::onTrained(sim::Simulation&, const sim::Event& e) {
    const std::uint64_t round = e.data >> 32;
    if (round != round_ || !roundOpen_) return;
    const std::size_t slot = e.data & 0xffffffffu;
    if (availability_ == Availability::Churn && !available(selected_[slot])) {
        // The client went away before it could upload (the phone was unplugged).
        sim_->metrics().add(m_.dropouts, 1);
        if (--outstanding_ == 0) finishRound();
        return;
    }
    const std::uint64_t bytes = cfg_.messageBytes;
    net_->send(clients_[selected_[slot]], server_, bytes, updatePort_, e.data);
    sim_->metrics().add(m_.bytesUp, static_cast<double>(bytes));
}

void Federation::onUpdate(void* self, sim::Network&, const sim::Delivery& d) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = d.payload >> 32;
    if (round != f.round_ || !f.roundOpen_) {
        f.sim_->metrics().add(f.m_.stragglers, 1);  // arrived after its round was closed
        return;
    }
    f.work_[d.payload & 0xffffffffu].received = true;
    if (--f.outstanding_ == 0) f.finishRound();
}

void Federation::onLost(void* self, sim::Network&, const sim::Loss& l) {
    auto& f = *static_cast<Federation*>(self);
    const std::uint64_t round = l.payload >> 32;
    if (round != f.round_ || !f.roundOpen_) return;
    f.sim_->metrics().add(f.m_.dropouts, 1);
    if (--f.outstanding_ == 0) f.finishRound();
}

void Federation::onDeadline(sim::Simulation&, const sim::Event& e) {
    if (e.data != round_ || !roundOpen_) return;
    sim_->metrics().add(m_.stragglers, static_cast<double>(outstanding_));
    finishRound();
}

void Federation::finishRound() {
    roundOpen_ = false;
    sim::Metrics& m = sim_->metrics();
    const Eigen::VectorXd& global = strategy_->parameters();
    std::vector<fl::ClientResult> results;
    std::vector<double> accuracies;
    for (std::size_t i = 0; i < work_.size(); ++i) {
        Work& w = work_[i];
        if (!w.received) continue;
        if (w.steps < w.fullSteps) m.add(m_.partial, 1);
        if (!std::isnan(w.accuracy)) accuracies.push_back(w.accuracy);
        if (attack_ && malicious_[selected_[i]]) attack_->apply(w.result, global, round_);
        results.push_back(std::move(w.result));
    }
    for (const fl::ClientResult& r : results) {
        const double norm = r.kind == fl::ClientResult::Kind::Parameters
                                ? (r.vector - global).norm()
                                : r.vector.norm();
        m.observe(m_.updateNorm, norm);
    }
    m.set(m_.participants, static_cast<double>(results.size()));
    if (!results.empty()) {
        if (dp_) {
            // DP-FedAvg: clip every update, add noise to the sum, divide by the expected number
            // of participants, and hand the noised mean update to the server optimiser.
            Eigen::VectorXd sum = Eigen::VectorXd::Zero(global.size());
            for (const fl::ClientResult& r : results)
                sum += dp_->clip(r.vector - global).clipped;
            const double expected = cfg_.fraction * static_cast<double>(clients_.size());
            sim::RngStream noise = fl::dpNoiseStream(seed_, server_, round_);
            Eigen::VectorXd mean = dp_->noise(sum, dp_->divisor(expected, results.size()), noise);
            const fl::ClientResult one = fl::ClientResult::delta(0, std::move(mean), 1.0);
            strategy_->step(std::span<const fl::ClientResult>(&one, 1));
        } else {
            strategy_->step(results);
        }
    }
    std::string privacy;
    if (dp_) {
        accountant_.step(cfg_.fraction, p_->real("dp_noise"));
        const fl::PrivacySpent spent = accountant_.epsilon(p_->real("dp_delta"));
        m.set(m_.epsilon, spent.epsilon);
        char text[160];
        std::snprintf(text, sizeof text, ", epsilon %.4g at delta %g (%.*s, order %g)",
                      spent.epsilon, spent.delta, static_cast<int>(spent.conversionName.size()),
                      spent.conversionName.data(), spent.order);
        privacy = text;
    }
    const fl::Evaluation e = fl::evaluate(*model_, strategy_->parameters(), data_->globalTest());
    m.observe(m_.lossChange, std::abs(e.loss - m.value(m_.loss)));
    m.set(m_.accuracy, e.accuracy);
    m.set(m_.loss, e.loss);
    m.set(m_.round, static_cast<double>(round_));
    if (!accuracies.empty()) {
        std::sort(accuracies.begin(), accuracies.end());
        auto pct = [&](double f) {
            return accuracies[static_cast<std::size_t>(
                std::floor(f * static_cast<double>(accuracies.size() - 1) + 0.5))];
        };
        m.set(m_.p10, pct(0.1));
        m.set(m_.p50, pct(0.5));
        m.set(m_.p90, pct(0.9));
    }
    m.observe(m_.roundTime, sim::toSeconds(sim_->now() - roundStart_));
    const double target = cfg_.target;
    if (!targetReached_ && target > 0 && e.accuracy >= target) {
        targetReached_ = true;
        m.set(m_.roundsToTarget, static_cast<double>(round_));
        m.set(m_.timeToTarget, sim::toSeconds(sim_->now()));
    }
    char line[200];
    std::snprintf(line, sizeof line,
                  "round %llu: %zu of %zu clients, accuracy %.4f, loss %.4f, %.3f s",
                  static_cast<unsigned long long>(round_), results.size(), selected_.size(),
                  e.accuracy, e.loss, sim::toSeconds(sim_->now() - roundStart_));
    sim_->trace(server_, "federated", line + privacy);
    work_.clear();
    if (round_ < cfg_.rounds) sim_->scheduleIn(0, server_, roundKind_);
}

void Federation::finish(core::LayerContext&) {}

}  // namespace

core::LayerFactory factory() {
    return {describe(), [] { return std::unique_ptr<core::Layer>(new Federation()); }};
}

}  // namespace dais::layers::federated
