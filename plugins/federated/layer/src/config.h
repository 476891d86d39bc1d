#pragma once
// The federated layer's parameters and metrics, as its definition (definition.cpp) declares
// them: one field per parameter, choices as enums, one handle per metric. Internal to the layer.

#include <cstddef>
#include <cstdint>
#include <string>

#include "dais/core/layer_definition.h"
#include "dais/fl/model.h"
#include "dais/fl/partition.h"
#include "federation_data.h"

namespace dais::layers::federated {

enum class ModelKind { Logistic, Mlp };
enum class StrategyKind { FedAvg, FedAvgM, FedAdam, FedYogi, FedAdagrad, QFedAvg };
enum class Rule { Mean, Krum, MultiKrum, Median, TrimmedMean, Bulyan };
enum class ComputeSource { Own, Rent };
enum class Stragglers { Drop, Partial };
enum class Attack { None, LabelFlip, SignFlip, Gaussian, ModelReplacement };
enum class Availability { Always, Churn, Diurnal };
enum class Mode { Sync, Async };
enum class Hierarchy { Auto, Flat };
enum class SecureAggregation { Auto, Off, Required };

struct Config {
    // who takes part
    std::string clientRole, serverRole, aggregatorRole;
    // data
    DataSource data = DataSource::Synthetic;
    std::string dataFile, labelColumn;
    double syntheticAlpha = 0, syntheticBeta = 0;
    std::size_t blobSamples = 0, blobDimension = 0, blobClasses = 0;
    double blobSpread = 0, testFraction = 0, clientTestFraction = 0;
    fl::PartitionScheme partition = fl::PartitionScheme::Iid;
    double partitionAlpha = 0;
    std::size_t shardsPerClient = 0;
    // model and local training
    ModelKind model = ModelKind::Logistic;
    std::string hidden;
    fl::WireFormat wire = fl::WireFormat::Float32;
    std::size_t epochs = 0, batchSize = 0;
    double learningRate = 0, momentum = 0, weightDecay = 0, mu = 0;
    // rounds and the server
    std::uint64_t rounds = 0;
    double fraction = 0;
    std::size_t minClients = 0;
    StrategyKind strategy = StrategyKind::FedAvg;
    double serverLr = 0, serverMomentum = 0, beta1 = 0, beta2 = 0, tau = 0, q = 0, lipschitz = 0;
    Rule aggregator = Rule::Mean;
    std::size_t byzantine = 0;
    double trim = 0;
    sim::SimTime deadline = 0;
    Stragglers stragglers = Stragglers::Drop;
    double defaultGflops = 0;
    ComputeSource compute = ComputeSource::Own;
    double rentMaxPrice = 0;  // tokens a round's training may cost (0: any)
    std::string rentHardware;
    // differential privacy
    double dpClip = 0, dpNoise = 0, dpDelta = 0;
    // attacks
    Attack attack = Attack::None;
    double attackers = 0, attackScale = 0;
    std::int64_t attackFrom = 1;
    double targetAccuracy = 0;
    // availability
    Availability availability = Availability::Always;
    sim::SimTime meanOn = 0, meanOff = 0;
    double peakHour = 0, minAvailability = 0, maxAvailability = 0;
    // asynchronous training, hierarchy, secure aggregation
    Mode mode = Mode::Sync;
    std::size_t concurrency = 0, bufferSize = 0;
    double stalenessExponent = 0;
    Hierarchy hierarchy = Hierarchy::Auto;
    SecureAggregation secureAggregation = SecureAggregation::Auto;
    double secureThreshold = 0, secureScale = 0;
    // checkpoints, threads
    std::uint64_t checkpointEvery = 0;
    std::string checkpointDir, resumeFrom;
    std::size_t threads = 0;
    sim::SimTime roundInterval = 0;
    // governance
    std::int64_t releaseEvery = 0;
    double releaseTolerance = 0;
    bool banCulprits = true;
};

struct Metrics {
    sim::MetricId round, accuracy, loss, lossChange, p10, p50, p90, participants, bytesDown,
        bytesUp, bytesServer, stragglers, dropouts, partial, roundTime, updateNorm, staleness,
        epsilon, roundsToTarget, timeToTarget, serverCrashes, discarded, localAccuracy,
        clientUpdates, rejected, secureAborts, recorded, rented, rentSpent;
    sim::MetricId releasesAccepted, releasesRejected, rollbacks, banned;
};

using Definition = core::LayerDefinition<Config, Metrics>;

/// The layer's one declaration (definition.cpp).
const Definition& definition();

}  // namespace dais::layers::federated
