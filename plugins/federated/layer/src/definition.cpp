// The federated layer's descriptor: every parameter, role, service and metric it has.
#include <sstream>
#include <string>
#include <vector>

#include "federation.h"

namespace dais::layers::federated {

using core::MetricSpec;
using core::ParamSpec;
using core::ParamType;
using sim::MetricScope;
using sim::MetricType;

core::LayerDescriptor describe() {
    core::LayerDescriptor d;
    d.id = "federated";
    d.name = "Federated learning";
    d.version = "0.2.0";
    d.summary =
        "Federated learning over the simulated network. Clients train a model on their own data "
        "(multinomial logistic regression or an MLP, mini-batch SGD, real arithmetic); only "
        "parameters travel, as messages of their real size; compute time comes from each "
        "client's speed. The server aggregates with FedAvg, FedAvgM, FedAdam, FedYogi, "
        "FedAdagrad or q-FedAvg, optionally through a robust rule (Krum, Multi-Krum, median, "
        "trimmed mean, Bulyan), with DP-FedAvg and a Renyi-DP accountant, against optional "
        "attackers. Stragglers miss the round deadline; crashed clients drop out. Rounds are "
        "synchronous or asynchronous (FedBuff), flat or through edge aggregators; the state "
        "checkpoints between rounds, to resume or fork from.";
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
         "What malicious clients do. label-flip: train on labels c -> C-1-c; sign-flip: send "
         "-attack_scale times the honest update; gaussian: add noise of sigma attack_scale; "
         "model-replacement: train on flipped labels and boost the update by attack_scale x "
         "(clients per round / server_lr), so that averaging leaves the attacker's model "
         "(Bagdasaryan et al. 2020).",
         {"none", "label-flip", "sign-flip", "gaussian", "model-replacement"}},
        {"attackers", R, 0.0, 0.0, 1.0, "", "Share of the clients that are malicious.", {}},
        {"attack_scale", R, 1.0, 0.0, 1e6, "",
         "sign-flip: the scale of the flipped update; gaussian: the noise sigma; "
         "model-replacement: a factor on the paper's boost.", {}},
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
        {"mode", C, "sync", {}, {}, "",
         "sync: rounds; the server waits for the round's clients (or the deadline). async: "
         "FedBuff (Nguyen et al. 2022): concurrency clients train at all times, each on the "
         "model it was sent; the server steps once buffer_size updates have arrived, each "
         "scaled by 1/(1 + staleness)^staleness_exponent, and sends the new model to the next "
         "clients. rounds then counts server steps.", {"sync", "async"}},
        {"concurrency", I, 10, 1.0, 1e7, "clients", "async: clients training at once.", {}},
        {"buffer_size", I, 5, 1.0, 1e7, "updates",
         "async: updates the server waits for before it steps.", {}},
        {"staleness_exponent", R, 0.5, 0.0, 10.0, "",
         "async: an update made on a model s steps old counts 1/(1 + s)^a (FedBuff: 0.5).", {}},
        {"hierarchy", C, "auto", {}, {}, "",
         "auto: when nodes have the aggregator role, each client reports to the aggregator of "
         "its region, which combines its clients' updates and sends one to the server "
         "(clients of regions without one report to the server). flat: every client reports "
         "to the server.", {"auto", "flat"}},
        {"aggregator_role", S, "aggregator", {}, {}, "", "Nodes of this role are edge aggregators.",
         {}},
        {"secure_aggregation", C, "auto", {}, {}, "",
         "Sum the updates through the secure-aggregation service, so the server sees only the "
         "sum: auto uses it when a layer of the run provides it; required refuses to run "
         "without it; off never uses it.", {"auto", "off", "required"}},
        {"checkpoint_every", I, 0, 0.0, 1e6, "rounds",
         "Save the federation's whole state every this many rounds (0: never), as "
         "checkpoint_dir/seed<seed>-round<r>.dflck.", {}},
        {"checkpoint_dir", S, "checkpoints", {}, {}, "",
         "Folder of the checkpoints (relative to the working directory).", {}},
        {"resume_from", S, "", {}, {}, "",
         "Start from this checkpoint: the rounds after it run as they would have, from the "
         "simulated time it was taken. Parameters may differ from the checkpoint's (a fork); "
         "the model, data and strategy must fit its state.", {}},
        {"threads", I, 0, 0.0, 1024.0, "threads",
         "Worker threads for local training (0: one per core). Results do not depend on it.", {}},
    };
    // clang-format on
    d.roles = {{"client", false, "clients train on their own data"},
               {"server", false, "the server aggregates"},
               {"aggregator", false, "edge aggregators combine their region's updates"}};
    d.uses = {{"secure-aggregation", false,
               "without it the server sees each client's update (secure_aggregation auto)"}};
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
        c("federated.bytes.down", "B", "Model bytes sent toward clients (every hop)."),
        c("federated.bytes.up", "B", "Update bytes sent toward the server (every hop)."),
        c("federated.bytes.server", "B",
          "Bytes in and out of the server: with edge aggregators, far less than up + down."),
        c("federated.stragglers", "clients", "Updates that missed the deadline."),
        c("federated.dropouts", "clients", "Clients lost on the way (crashed, unreachable)."),
        c("federated.partial", "clients", "Clients that sent partial work."),
        h("federated.round_time", "s", "Simulated time per round."),
        h("federated.update_norm", "L2", "L2 norm of each aggregated client update."),
        h("federated.staleness", "steps",
          "async: how many server steps old the model of each aggregated update was."),
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

}  // namespace dais::layers::federated
