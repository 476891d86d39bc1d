// The federated layer's one declaration: every parameter bound to its Config field, every
// choice to its enum, every metric to its handle (config.h).
#include <sstream>
#include <string>
#include <vector>

#include "config.h"
#include "federation.h"

namespace dais::layers::federated {

namespace {

/// The roles it reads, and the data each client holds: where it comes from and how it is split.
void defineRolesAndData(Definition& d) {
    d.text("client_role", &Config::clientRole, "client", "", "Nodes of this role are the clients.");
    d.text("server_role", &Config::serverRole, "server", "",
           "The first node of this role is the server.");
    d.choice("data", &Config::data, DataSource::Synthetic,
             {{"synthetic", DataSource::Synthetic},
              {"synthetic-iid", DataSource::SyntheticIid},
              {"blobs", DataSource::Blobs},
              {"csv", DataSource::Csv}},
             "Where the data comes from: the FedProx Synthetic(alpha, beta) generator (one device "
             "per client), its IID variant, Gaussian blobs, or a CSV file (data_file).");
    d.text("data_file", &Config::dataFile, "", "",
           "csv: the file, relative to the scenario file's folder (or absolute).");
    d.text("label_column", &Config::labelColumn, "label", "",
           "csv: the column that holds the label.");
    d.real("synthetic_alpha", &Config::syntheticAlpha, 1.0, "",
           "Synthetic: how much the device models differ (standard deviation of u_k).")
        .range(0, 100);
    d.real("synthetic_beta", &Config::syntheticBeta, 1.0, "",
           "Synthetic: how much the device inputs differ (standard deviation of B_k).")
        .range(0, 100);
    d.integer("blob_samples", &Config::blobSamples, 10000, "samples", "blobs: samples in all.")
        .range(10, 1e8);
    d.integer("blob_dimension", &Config::blobDimension, 20, "features",
              "blobs: features per sample.")
        .range(1, 1e5);
    d.integer("blob_classes", &Config::blobClasses, 10, "classes", "blobs: classes.")
        .range(2, 1000);
    d.real("blob_spread", &Config::blobSpread, 1.0, "",
           "blobs: standard deviation of each blob; centres are uniform in [-4, 4]^dimension.")
        .range(0.001, 1000);
    d.real("test_fraction", &Config::testFraction, 0.2, "",
           "Pooled data: share of the rows held out as the global test set.")
        .range(0, 0.9);
    d.real("client_test_fraction", &Config::clientTestFraction, 0.2, "",
           "Share of each client's rows kept as its own test set.")
        .range(0, 0.9);
    d.choice("partition", &Config::partition, fl::PartitionScheme::Iid,
             {{"iid", fl::PartitionScheme::Iid},
              {"dirichlet-client", fl::PartitionScheme::DirichletClient},
              {"dirichlet-class", fl::PartitionScheme::DirichletClass},
              {"shards", fl::PartitionScheme::Shards},
              {"power-law", fl::PartitionScheme::PowerLaw}},
             "Pooled data: how the training rows are shared between clients. dirichlet-client: "
             "each client's class mix ~ Dir(alpha * prior) (Hsu et al. 2019); dirichlet-class: "
             "each class split over clients by Dir(alpha); shards: k label-sorted shards per "
             "client (McMahan et al. 2017); power-law: IID labels, sizes from a power law.");
    d.real("partition_alpha", &Config::partitionAlpha, 0.5, "", "Dirichlet concentration.")
        .range(0.001, 1000);
    d.integer("shards_per_client", &Config::shardsPerClient, 2, "shards",
              "shards: shards per client.")
        .range(1, 1000);
}

/// The model and how its parameters travel.
void defineModel(Definition& d) {
    d.choice("model", &Config::model, ModelKind::Logistic,
             {{"logistic", ModelKind::Logistic}, {"mlp", ModelKind::Mlp}},
             "Multinomial logistic regression, or an MLP with ReLU hidden layers.");
    d.text("hidden", &Config::hidden, "64", "units",
           "mlp: hidden layer widths, comma-separated (\"128,64\").");
    d.choice("wire", &Config::wire, fl::WireFormat::Float32,
             {{"float32", fl::WireFormat::Float32}, {"float64", fl::WireFormat::Float64}},
             "How parameters travel: 4 or 8 bytes each (the arithmetic is float64 either way).");
}

/// What each client does in a round.
void defineLocalTraining(Definition& d) {
    d.integer("rounds", &Config::rounds, 20, "rounds", "Rounds of federated training.")
        .range(1, 1e6);
    d.real("fraction", &Config::fraction, 0.1, "", "Share of the clients picked each round.")
        .range(0, 1);
    d.integer("min_clients", &Config::minClients, 2, "clients",
              "At least this many clients per round.")
        .range(1, 1e7);
    d.integer("epochs", &Config::epochs, 1, "epochs", "Local epochs per round.").range(1, 1000);
    d.integer("batch_size", &Config::batchSize, 32, "samples", "Local mini-batch size.")
        .range(1, 1e6);
    d.real("learning_rate", &Config::learningRate, 0.05, "", "Client learning rate.").range(0, 100);
    d.real("momentum", &Config::momentum, 0.0, "", "Client SGD momentum.").range(0, 0.999);
    d.real("weight_decay", &Config::weightDecay, 0.0, "", "Client L2 weight decay.").range(0, 10);
    d.real("mu", &Config::mu, 0.0, "",
           "FedProx proximal term mu/2 ||w - w_global||^2 (0: plain FedAvg training).")
        .range(0, 100);
}

/// How the server turns updates into the next model.
void defineServer(Definition& d) {
    d.choice("strategy", &Config::strategy, StrategyKind::FedAvg,
             {{"fedavg", StrategyKind::FedAvg},
              {"fedavgm", StrategyKind::FedAvgM},
              {"fedadam", StrategyKind::FedAdam},
              {"fedyogi", StrategyKind::FedYogi},
              {"fedadagrad", StrategyKind::FedAdagrad},
              {"qfedavg", StrategyKind::QFedAvg}},
             "The server's strategy.");
    d.real("server_lr", &Config::serverLr, 1.0, "",
           "Server learning rate (FedAvg, FedAvgM; the eta of FedAdam/Yogi/Adagrad).")
        .range(0, 100);
    d.real("server_momentum", &Config::serverMomentum, 0.9, "", "FedAvgM: server momentum.")
        .range(0, 0.999);
    d.real("beta1", &Config::beta1, 0.9, "", "FedAdam/Yogi/Adagrad: first-moment decay.")
        .range(0, 0.999);
    d.real("beta2", &Config::beta2, 0.99, "", "FedAdam/Yogi: second-moment decay.")
        .range(0, 0.99999);
    d.real("tau", &Config::tau, 1e-3, "", "FedAdam/Yogi/Adagrad: adaptivity tau.").range(1e-12, 10);
    d.real("q", &Config::q, 1.0, "", "q-FedAvg: the fairness exponent q.").range(0, 100);
    d.real("lipschitz", &Config::lipschitz, 1.0, "", "q-FedAvg: the Lipschitz estimate L (1/lr).")
        .range(1e-9, 1e9);
}

/// Robust aggregation against Byzantine updates.
void defineRobustness(Definition& d) {
    d.choice("aggregator", &Config::aggregator, Rule::Mean,
             {{"mean", Rule::Mean},
              {"krum", Rule::Krum},
              {"multi-krum", Rule::MultiKrum},
              {"median", Rule::Median},
              {"trimmed-mean", Rule::TrimmedMean},
              {"bulyan", Rule::Bulyan}},
             "How updates are combined: the sample-weighted mean, or a robust rule.");
    d.integer("byzantine", &Config::byzantine, 0, "clients",
              "Krum, Multi-Krum, Bulyan: the number f of Byzantine clients tolerated.")
        .range(0, 1e6);
    d.real("trim", &Config::trim, 0.1, "", "Trimmed mean: share trimmed at each end.")
        .range(0, 0.49);
}

/// Round deadlines and what becomes of the clients that miss them.
void defineDeadlines(Definition& d) {
    d.duration("deadline", &Config::deadline, 0,
               "Round deadline after the model is sent (0: none, wait for every client).")
        .range(0, 1e7);
    d.choice("stragglers", &Config::stragglers, Stragglers::Drop,
             {{"drop", Stragglers::Drop}, {"partial", Stragglers::Partial}},
             "What a client that cannot finish by the deadline does: its late update is "
             "dropped, or it sends the partial work it can finish in time.");
    d.real("default_gflops", &Config::defaultGflops, 10.0, "GFLOP/s",
           "Compute speed of a client whose node declares none.")
        .range(0.001, 1e9);
    d.choice("compute", &Config::compute, ComputeSource::Own,
             {{"own", ComputeSource::Own}, {"rent", ComputeSource::Rent}},
             "Where a client trains: on its own processor, or on a provider it rents for each "
             "round from the run's compute market (a layer providing compute-market, such as "
             "depin): its model goes to the provider, the training takes the time and the price "
             "the market gives it, paid from the client's account, and the update comes back to "
             "the client, which sends it on as usual (its data is taken to be with the "
             "provider). A client the market cannot serve misses the round.");
    d.real("rent_max_price", &Config::rentMaxPrice, 0.0, "tokens",
           "compute rent: the most a client pays for one round's training (0: any price).")
        .range(0, 1e15);
    d.text("rent_hardware", &Config::rentHardware, "", "",
           "compute rent: the hardware class (of the market's catalogue) a client rents; "
           "empty: any.");
    d.uses("compute-market", false, "compute: rent trains clients on rented providers");
}

/// Differential privacy (DP-FedAvg).
void definePrivacy(Definition& d) {
    d.real("dp_clip", &Config::dpClip, 0.0, "",
           "DP-FedAvg: clip each update to this L2 norm (0: no differential privacy).")
        .range(0, 1e9);
    d.real("dp_noise", &Config::dpNoise, 1.0, "", "DP-FedAvg: noise multiplier z.").range(0, 1e6);
    d.real("dp_delta", &Config::dpDelta, 1e-5, "", "DP-FedAvg: the delta of the reported epsilon.")
        .range(1e-12, 0.1);
}

/// Malicious clients and the target that ends training.
void defineAttacks(Definition& d) {
    d.choice("attack", &Config::attack, Attack::None,
             {{"none", Attack::None},
              {"label-flip", Attack::LabelFlip},
              {"sign-flip", Attack::SignFlip},
              {"gaussian", Attack::Gaussian},
              {"model-replacement", Attack::ModelReplacement}},
             "What malicious clients do. label-flip: train on labels c -> C-1-c; sign-flip: send "
             "-attack_scale times the honest update; gaussian: add noise of sigma attack_scale; "
             "model-replacement: train on flipped labels and boost the update by attack_scale x "
             "(clients per round / server_lr), so that averaging leaves the attacker's model "
             "(Bagdasaryan et al. 2020).");
    d.real("attackers", &Config::attackers, 0.0, "", "Share of the clients that are malicious.")
        .range(0, 1);
    d.real("attack_scale", &Config::attackScale, 1.0, "",
           "sign-flip: the scale of the flipped update; gaussian: the noise sigma; "
           "model-replacement: a factor on the paper's boost.")
        .range(0, 1e6);
    d.integer("attack_from", &Config::attackFrom, 1, "rounds",
              "The round from which the malicious clients attack (async: the model version); "
              "before it they behave honestly, so a run shows the model good, then hit.")
        .range(1, 1000000000);
    d.duration("round_interval", &Config::roundInterval, 0,
               "The least time from the start of one round to the start of the next, as a "
               "deployment that trains on a schedule (hospitals every few minutes) runs them. "
               "0: the next round starts the moment the last one ends. Synchronous rounds.");
    d.integer("release_every", &Config::releaseEvery, 0, "rounds",
              "Every this many rounds the server proposes the new model as a release, put to "
              "the vote of the run's governance service (a DAO on the ledger). Each voting "
              "client tests the candidate and the last accepted model on the rows it holds "
              "(training and test) and votes no when the candidate is more than "
              "release_tolerance worse; the server tests on the global test set; malicious "
              "clients vote for every candidate. A rejected release rolls the federation back to "
              "the last accepted model (rounds made since are dropped) and, with ban_culprits, "
              "the server traces the rounds since it through the ledger and proposes to ban the "
              "clients the trace names. 0: no votes (synchronous rounds only).")
        .range(0, 1000000000);
    d.real("release_tolerance", &Config::releaseTolerance, 0.02, "",
           "release votes: the accuracy (0..1) a candidate may lose on a voter's own rows "
           "against the last accepted model and still get its yes.")
        .range(0, 1);
    d.flag("ban_culprits", &Config::banCulprits, true,
           "release votes: after a rejection, trace the rounds since the last accepted model "
           "through the ledger's round records and propose to ban every client the trace "
           "names (honest voters vote yes for the clients the same trace names; malicious "
           "ones no for their own).");
    d.real("target_accuracy", &Config::targetAccuracy, 0.0, "",
           "Report the round and time at which test accuracy first reaches this (0: none).")
        .range(0, 1);
}

/// When clients are online.
void defineAvailability(Definition& d) {
    d.choice("availability", &Config::availability, Availability::Always,
             {{"always", Availability::Always},
              {"churn", Availability::Churn},
              {"diurnal", Availability::Diurnal}},
             "When a client can take part: always (while its node is up); churn: on and off in "
             "turns of exponential length (mean_on, mean_off); diurnal: available with a "
             "probability that follows the time of day, highest at peak_hour (phones charging "
             "at night). A client that goes away before it uploads drops out. This is the "
             "device's willingness to train, not a failure: its node stays up (a churn fault "
             "in the network's faults takes nodes down).");
    d.duration("mean_on", &Config::meanOn, "10min", "churn: mean time on.").range(0.001, 1e7);
    d.duration("mean_off", &Config::meanOff, "10min", "churn: mean time off.").range(0.001, 1e7);
    d.real("peak_hour", &Config::peakHour, 3.0, "h",
           "diurnal: the hour (from the start of the run) when most clients are available.")
        .range(0, 24);
    d.real("min_availability", &Config::minAvailability, 0.1, "",
           "diurnal: the share of clients available at the quietest hour.")
        .range(0, 1);
    d.real("max_availability", &Config::maxAvailability, 0.9, "",
           "diurnal: the share of clients available at peak_hour.")
        .range(0, 1);
}

/// Synchronous rounds or buffered asynchronous aggregation (FedBuff).
void defineAsynchrony(Definition& d) {
    d.choice("mode", &Config::mode, Mode::Sync, {{"sync", Mode::Sync}, {"async", Mode::Async}},
             "sync: rounds; the server waits for the round's clients (or the deadline). async: "
             "FedBuff (Nguyen et al. 2022): concurrency clients train at all times, each on the "
             "model it was sent; the server steps once buffer_size updates have arrived, each "
             "scaled by 1/(1 + staleness)^staleness_exponent, and sends the new model to the "
             "next clients. rounds then counts server steps.");
    d.integer("concurrency", &Config::concurrency, 10, "clients",
              "async: clients training at once.")
        .range(1, 1e7);
    d.integer("buffer_size", &Config::bufferSize, 5, "updates",
              "async: updates the server waits for before it steps.")
        .range(1, 1e7);
    d.real("staleness_exponent", &Config::stalenessExponent, 0.5, "",
           "async: an update made on a model s steps old counts 1/(1 + s)^a (FedBuff: 0.5).")
        .range(0, 10);
}

/// Edge aggregators and secure aggregation.
void defineTopology(Definition& d) {
    d.choice("hierarchy", &Config::hierarchy, Hierarchy::Auto,
             {{"auto", Hierarchy::Auto}, {"flat", Hierarchy::Flat}},
             "auto: when nodes have the aggregator role, each client reports to the aggregator "
             "of its region, which combines its clients' updates and sends one to the server "
             "(clients of regions without one report to the server). flat: every client reports "
             "to the server.");
    d.text("aggregator_role", &Config::aggregatorRole, "aggregator", "",
           "Nodes of this role are edge aggregators.");
    d.choice("secure_aggregation", &Config::secureAggregation, SecureAggregation::Auto,
             {{"auto", SecureAggregation::Auto},
              {"off", SecureAggregation::Off},
              {"required", SecureAggregation::Required}},
             "Sum the updates through the secure-aggregation service, so the server sees only "
             "the sum: auto uses it when a layer of the run provides it; required refuses to "
             "run without it; off never uses it.");
    d.real("secure_threshold", &Config::secureThreshold, 0.5, "",
           "Secure aggregation: the fewest of a round's clients whose updates may be summed, "
           "as a fraction of those selected (rounded up). With fewer the sum is not revealed and "
           "the round makes no step. It also bounds collusion: fewer clients than this, even "
           "with the server, learn nothing of an honest client's update.")
        .range(0.01, 1);
    d.real("secure_scale", &Config::secureScale, 1048576, "",
           "Secure aggregation: updates travel as integers, each value rounded to a multiple of "
           "1/secure_scale, so the sum is exact up to half that per value and client.")
        .range(1, 1e12);
}

/// Checkpoints, resuming, and the threads that train clients.
void defineCheckpoints(Definition& d) {
    d.integer("checkpoint_every", &Config::checkpointEvery, 0, "rounds",
              "Save the federation's whole state every this many rounds (0: never), as "
              "checkpoint_dir/seed<seed>-round<r>.dflck.")
        .range(0, 1e6);
    d.text("checkpoint_dir", &Config::checkpointDir, "checkpoints", "",
           "Folder of the checkpoints (relative to the working directory).");
    d.text("resume_from", &Config::resumeFrom, "", "",
           "Start from this checkpoint: the rounds after it run as they would have, from the "
           "simulated time it was taken. Parameters may differ from the checkpoint's (a fork); "
           "the model, data and strategy must fit its state.");
    d.integer("threads", &Config::threads, 0, "threads",
              "Worker threads for local training (0: one per core). Results do not depend on it.")
        .range(0, 1024);
}

/// The roles it uses and the services it takes from other layers.
void defineNeeds(Definition& d) {
    d.role("client", false, "clients train on their own data");
    d.role("server", false, "the server aggregates");
    d.role("aggregator", false, "edge aggregators combine their region's updates");
    d.uses("secure-aggregation", false,
           "without it the server sees each client's update (secure_aggregation auto)");
    d.uses("update-review", false,
           "without a reviewer the server counts every update that arrives in time");
    d.uses("ledger", false, "without a ledger the rounds are not recorded");
    d.uses("governance", false,
           "release_every needs it: without one no model version is put to a vote");
}

/// What it measures.
void defineMetrics(Definition& d) {
    d.gauge("federated.round", &Metrics::round, "rounds", "Rounds completed.");
    d.gauge("federated.accuracy", &Metrics::accuracy, "1",
            "Global test accuracy after the last round.");
    d.gauge("federated.loss", &Metrics::loss, "nats",
            "Global test loss (cross-entropy) after the last round.");
    d.distribution("federated.loss_change", &Metrics::lossChange, "nats",
                   "Absolute change of the global test loss from one round to the next: how "
                   "steadily training goes.");
    d.gauge("federated.client_accuracy.p10", &Metrics::p10, "1",
            "10th percentile of the participants' accuracy on their own test rows.");
    d.gauge("federated.client_accuracy.p50", &Metrics::p50, "1", "Median participant accuracy.");
    d.gauge("federated.client_accuracy.p90", &Metrics::p90, "1",
            "90th percentile of participant accuracy.");
    d.gauge("federated.participants", &Metrics::participants, "clients",
            "Clients whose update was aggregated last round.");
    d.counter("federated.bytes.down", &Metrics::bytesDown, "B",
              "Model bytes sent toward clients (every hop).");
    d.counter("federated.bytes.up", &Metrics::bytesUp, "B",
              "Update bytes sent toward the server (every hop).");
    d.counter("federated.bytes.server", &Metrics::bytesServer, "B",
              "Bytes in and out of the server: with edge aggregators, far less than up + down.");
    d.counter("federated.stragglers", &Metrics::stragglers, "clients",
              "Updates that missed the deadline.");
    d.counter("federated.dropouts", &Metrics::dropouts, "clients",
              "Clients lost on the way: crashed before their update left (counted when they "
              "crash), or their model or update lost by the network.");
    d.counter("federated.server_crashes", &Metrics::serverCrashes, "crashes",
              "Times the server crashed. A round under way is lost (it counts among the rounds, "
              "with no update); training resumes, from the last global model, when the server "
              "recovers.");
    d.counter("federated.updates_discarded", &Metrics::discarded, "updates",
              "Updates the server had received and lost in a crash: those of the round under way "
              "(sync), or the buffer not yet applied (async).");
    d.counter("federated.partial", &Metrics::partial, "clients", "Clients that sent partial work.");
    d.distribution("federated.round_time", &Metrics::roundTime, "s", "Simulated time per round.");
    d.distribution("federated.update_norm", &Metrics::updateNorm, "L2",
                   "L2 norm of each aggregated client update.");
    d.distribution("federated.staleness", &Metrics::staleness, "steps",
                   "async: how many server steps old the model of each aggregated update was.");
    d.gauge("federated.epsilon", &Metrics::epsilon, "eps", "DP: epsilon spent so far at dp_delta.");
    d.gauge("federated.rounds_to_target", &Metrics::roundsToTarget, "rounds",
            "First round reaching target_accuracy (0 until then).");
    d.gauge("federated.time_to_target", &Metrics::timeToTarget, "s",
            "Simulated time when target_accuracy was reached.");
    d.gauge("federated.local_accuracy", &Metrics::localAccuracy, "1",
            "Per client: the accuracy of the global model on the client's own test data, the "
            "last time its update was aggregated (the studio can colour clients by it).",
            sim::MetricScope::Node);
    d.counter("federated.client_updates", &Metrics::clientUpdates, "updates",
              "Per client: its updates that reached the server (through an edge aggregator or "
              "not) in time to be aggregated.",
              sim::MetricScope::Node);
    d.counter("federated.rejected", &Metrics::rejected, "updates",
              "Updates that arrived in time and that a reviewer (a layer providing update-review: "
              "a ban list, a reputation bar) vetoed; they are not aggregated.");
    d.counter("federated.secure_aborts", &Metrics::secureAborts, "rounds",
              "Rounds whose secure aggregation aborted: fewer updates than secure_threshold made "
              "it through, so the sum was not revealed and the model did not move.");
    d.counter("federated.rented_trainings", &Metrics::rented, "trainings",
              "Client trainings done on rented providers (compute: rent).");
    d.counter("federated.rent_spent", &Metrics::rentSpent, "tokens",
              "What clients paid the compute market for their trainings.");
    d.counter("federated.releases_accepted", &Metrics::releasesAccepted, "releases",
              "Model versions the governance vote accepted (release_every).");
    d.counter("federated.releases_rejected", &Metrics::releasesRejected, "releases",
              "Model versions the vote did not accept (rejected or no quorum).");
    d.counter("federated.rollbacks", &Metrics::rollbacks, "rollbacks",
              "Times the federation went back to the last accepted model version after a "
              "rejection, dropping the rounds made on the rejected one.");
    d.counter("federated.banned", &Metrics::banned, "clients",
              "Clients banned by a governance vote; they are not selected again and their "
              "updates are refused.");
    d.counter("federated.rounds_recorded", &Metrics::recorded, "rounds",
              "Rounds recorded on a ledger (a layer providing the ledger service): the digest of "
              "the new model and of every update in it, final on the chain.");
}

/// What the studio shows of each client's part in the current round.
void defineNodeStates(Definition& d) {
    d.nodeState("selected", "#8e9aaf",
                "Picked for the round: the model is on its way, or the client trains or uploads.");
    d.nodeState("delivered", "#2e9e5b", "Its update for the round reached the server in time.");
    d.nodeState("poisoned", "#b5179e",
                "A malicious client whose poisoned update reached the server in time.");
    d.nodeState("dropped out", "#8b4513",
                "Lost to the round: it crashed or went away before its update left, or the network "
                "lost its model or update.");
    d.nodeState("late", "#f08c00", "Its update missed the round's deadline (a straggler).");
    d.nodeState("rejected", "#d62828",
                "Its update arrived in time and a reviewer vetoed it (a ban, a reputation bar).");
    d.nodeState("banned", "#495057",
                "Banned by a governance vote: never selected again, its updates refused.");
    d.nodeState("malicious", "#7b2cbf",
                "Attacks when it is selected (attack, attackers); not selected this round.");
}

/// The events it records, so that an update can be followed from the client that sent it to the
/// round that took it in: an update's digest is SHA-256 of its weights, bit for bit.
void defineEvents(Definition& d) {
    d.eventKind("federated.update_sent",
                "An honest client's update left it for the server (or its edge aggregator); the "
                "digest is SHA-256 of the update's weights.");
    d.eventKind("federated.update_poisoned",
                "A malicious client's update, poisoned by the attack the detail names, left it; "
                "the digest is SHA-256 of the poisoned weights.");
    d.eventKind("federated.update_accepted",
                "A client's update reached the server in time and went into the round's "
                "aggregate; the node is the client, the digest the update's.");
    d.eventKind("federated.update_late",
                "A client's update missed the round's deadline and was left out; the node is the "
                "client, the digest the update's.");
    d.eventKind("federated.update_rejected",
                "A client's update arrived in time and a reviewer (a layer providing "
                "update-review) vetoed it; the detail gives the reason, the digest the update's.");
    d.eventKind("federated.round_closed",
                "The server aggregated a round (or an asynchronous step); the digest is SHA-256 "
                "of the new global model's weights.");
}

/// The tables of its entities, as `dais run --inspect` prints them and the studio shows them
/// (filled in tables.cpp).
void defineTables(Definition& d) {
    d.table("federated.clients", "Clients",
            "One row per client: its data, how often it took part, what became of its updates, "
            "and how its last aggregated update trained (since the run began or resumed).")
        .node("node", "The client.")
        .integer("samples", "samples", "Training samples it holds.")
        .integer("selected", "times",
                 "Rounds it was picked for (async: times it was sent the model).")
        .integer("delivered", "updates", "Its updates that the server aggregated.")
        .integer("dropouts", "times",
                 "Times it dropped out: crashed or went away before its update left, or its "
                 "model or update was lost (federated.dropouts, per client).")
        .integer("late", "updates",
                 "Its updates that missed a deadline (federated.stragglers, per client).")
        .integer("rejected", "updates", "Its updates that a reviewer vetoed.")
        .real("loss", "nats",
              "Mean training loss of its last aggregated update (empty until one is).")
        .real("accuracy", "1",
              "Accuracy of the global model it trained from on its own test rows, for its last "
              "aggregated update (empty without test rows).")
        .flag("attacker", "It is one of the malicious clients (attack, attackers).")
        .flag("banned", "A governance vote banned it (release_every, ban_culprits).")
        .flag("up", "The node is up now.")
        .key("node");
    d.table("federated.rounds", "Rounds",
            "One row per round (async: per server step), in order: when it ran, what it got, and "
            "the global model it made.")
        .integer("round", "", "The round's number (async: the server step's).")
        .time("start", "When it started (async: the step before, or the start of training).")
        .time("end",
              "When the server aggregated, or lost the round in a crash (empty while it "
              "goes on).")
        .integer("selected", "clients",
                 "Clients picked for it (async: clients sent the model since the step before).")
        .integer("delivered", "updates", "Updates the server aggregated.")
        .integer("dropped", "clients", "Clients that dropped out while it went on.")
        .integer("late", "updates", "Updates that missed its deadline.")
        .integer("rejected", "updates", "Updates a reviewer vetoed.")
        .real("accuracy", "1", "Global test accuracy after it (empty until it is aggregated).")
        .real("loss", "nats", "Global test loss after it (empty until it is aggregated).")
        .text("outcome",
              "\"under way\", \"aggregated\", \"aborted\" (secure aggregation had too few "
              "updates) or \"lost\" (the server crashed).")
        .text("model", "SHA-256 of the global model after it (the first 16 hex digits).")
        .integer("block", "", "The ledger block that records it (empty: not recorded).")
        .key("round");
}

Definition define() {
    Definition d("federated", "Federated learning", "0.2.0");
    d.summary(
        "Federated learning over the simulated network. Clients train a model on their own data "
        "(multinomial logistic regression or an MLP, mini-batch SGD, real arithmetic); only "
        "parameters travel, as messages of their real size; compute time comes from each "
        "client's speed. The server aggregates with FedAvg, FedAvgM, FedAdam, FedYogi, "
        "FedAdagrad or q-FedAvg, optionally through a robust rule (Krum, Multi-Krum, median, "
        "trimmed mean, Bulyan), with DP-FedAvg and a Renyi-DP accountant, against optional "
        "attackers. Stragglers miss the round deadline; crashed clients drop out. Rounds are "
        "synchronous or asynchronous (FedBuff), flat or through edge aggregators; the state "
        "checkpoints between rounds, to resume or fork from.");

    defineRolesAndData(d);
    defineModel(d);
    defineLocalTraining(d);
    defineServer(d);
    defineRobustness(d);
    defineDeadlines(d);
    definePrivacy(d);
    defineAttacks(d);
    defineAvailability(d);
    defineAsynchrony(d);
    defineTopology(d);
    defineCheckpoints(d);
    defineNeeds(d);
    defineMetrics(d);
    defineNodeStates(d);
    defineEvents(d);
    defineTables(d);
    return d;
}

}  // namespace

const Definition& definition() {
    static const Definition d = define();
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
