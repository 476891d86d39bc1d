#pragma once
// The privacy layer's parameters and metrics, as its definition (definition.cpp) declares them:
// one field per parameter, choices as enums, one handle per metric. Internal to the layer.
#include <cstdint>
#include <string>

#include "dais/core/layer_definition.h"
#include "dais/core/proof_service.h"
#include "dais/crypto/fhe_parameters.h"
#include "dais/crypto/fhe_security.h"
#include "dais/crypto/model_operations.h"
#include "dais/crypto/smpc_cost.h"

namespace dais::layers::crypto {

enum class SecAggProtocol { SecAgg, SecAggPlus };
/// When the parties that `dropout` picks vanish: before they advertise keys, before they share
/// them, after sharing (before their masked input), or after their masked input (before
/// unmasking).
enum class DropoutStep { Advertise, Share, Mask, Unmask };

/// Seconds each secure-aggregation operation takes on the reference machine.
struct OperationCosts {
    double keyPair = 0;        ///< an X25519 key pair
    double agreement = 0;      ///< an X25519 agreement and its key derivation
    double seal = 0;           ///< sealing or opening one pair of shares
    double shareTerm = 0;      ///< one Shamir polynomial term (a field multiply-add)
    double interpolation = 0;  ///< one Lagrange term
    double maskWord = 0;       ///< one 64-bit mask word generated and added
    double inputWord = 0;      ///< one value quantised or summed in the clear
};

struct Config {
    SecAggProtocol protocol = SecAggProtocol::SecAgg;
    std::int64_t neighbours = 0;  // SecAgg+: 0 picks k from the number of parties
    std::int64_t valueBits = 0;
    sim::SimTime stepTimeout = 0;
    double dropout = 0;
    DropoutStep dropoutStep = DropoutStep::Mask;
    double referenceGflops = 0;
    // The integrity and proof services.
    double costSign = 0, costVerify = 0;
    core::ProofService::System proofSystem = core::ProofService::System::Plonk;
    double proofReferenceGflops = 0;
    // The cost models' calibrated constants, overridable (defaults: costs/README.md).
    double zkpGroth16Seconds = 0, zkpPlonkSeconds = 0, zkpStarkSeconds = 0;
    double fheNttSeconds = 0, fheProductSeconds = 0, fheBootstrapSeconds = 0;
    double smpcTripleSeconds = 0;
    // OperationCosts, one parameter each
    double costKeyPair = 0, costAgreement = 0, costSeal = 0, costShareTerm = 0,
           costInterpolation = 0, costMaskWord = 0, costInputWord = 0;
    OperationCosts costs() const {
        return {costKeyPair,       costAgreement, costSeal,     costShareTerm,
                costInterpolation, costMaskWord,  costInputWord};
    }

    // Encrypted inference (fhe_*): off while fheRate is 0.
    double fheRate = 0;
    std::string fheClientRole, fheProviderRole, fheModel, fheModulus;
    dais::crypto::Activation fheActivation = dais::crypto::Activation::Polynomial;
    std::int64_t fheDegree = 0, fheRingDimension = 0, fheScaleBits = 0, fhePlainModulus = 0;
    dais::crypto::FheScheme fheScheme = dais::crypto::FheScheme::Ckks;
    dais::crypto::HeSecurityLevel fheSecurity = dais::crypto::HeSecurityLevel::Classical128;
    bool fheBootstrap = true, fheBabySteps = false;
    sim::SimTime fheStart = 0, fheStop = 0;

    // Joint training by SMPC (smpc_*): off while smpcRole is empty.
    std::string smpcRole;
    std::int64_t smpcSamples = 0, smpcFeatures = 0, smpcBatch = 0, smpcEpochs = 0,
                 smpcSigmoidDegree = 0, smpcFieldBits = 0;
    dais::crypto::DataSplit smpcSplit = dais::crypto::DataSplit::ByRows;
    dais::crypto::Regression smpcRegression = dais::crypto::Regression::Linear;
    dais::crypto::SmpcSecurity smpcSecurity = dais::crypto::SmpcSecurity::MaliciousSpdz;
    dais::crypto::OpeningPattern smpcOpening = dais::crypto::OpeningPattern::AllToAll;
    sim::SimTime smpcStart = 0;
    double costFieldOperation = 0;
};

struct Metrics {
    sim::MetricId sessions, revealed, aborted, dropoutsSurvived, partyTime, nodeTime, serverTime,
        sessionTime, bytes, expansion, saturated;
    sim::MetricId fheRequests, fheDone, fheLatency, fheProviderTime, fheBytes, fheKeyBytes,
        fheSlowdown;
    sim::MetricId smpcTime, smpcOnlineTime, smpcOfflineTime, smpcBytes, smpcRounds, smpcFinished;
};

using Definition = core::LayerDefinition<Config, Metrics>;
const Definition& definition();

}  // namespace dais::layers::crypto
