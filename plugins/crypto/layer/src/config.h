#pragma once
// The privacy layer's parameters and metrics, as its definition (definition.cpp) declares them:
// one field per parameter, choices as enums, one handle per metric. Internal to the layer.
#include <cstdint>

#include "dais/core/layer_definition.h"

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
    // OperationCosts, one parameter each
    double costKeyPair = 0, costAgreement = 0, costSeal = 0, costShareTerm = 0,
           costInterpolation = 0, costMaskWord = 0, costInputWord = 0;
    OperationCosts costs() const {
        return {costKeyPair,       costAgreement, costSeal,     costShareTerm,
                costInterpolation, costMaskWord,  costInputWord};
    }
};

struct Metrics {
    sim::MetricId sessions, revealed, aborted, dropoutsSurvived, partyTime, nodeTime, serverTime,
        sessionTime, bytes, expansion, saturated;
};

using Definition = core::LayerDefinition<Config, Metrics>;
const Definition& definition();

}  // namespace dais::layers::crypto
