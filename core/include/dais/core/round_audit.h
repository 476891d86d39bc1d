#pragma once
// What a learning layer writes on a ledger about each round, so that anyone who reads the chain
// can tell what went into each model: the round, the new model's digest and accuracy, and per
// update its sender, its digest, its size (distance from the model it started from, where the
// server could see it) and the digest of the sender's data manifest. The text is compact JSON; a
// ledger record carries it in full and is named by its SHA-256, so an auditor, a tracer or
// `dais trace` over a stored run needs nothing but the chain.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/result.h"

namespace dais::core {

struct RoundAudit {
    static constexpr std::string_view kTopic = "federated.round";

    std::string layer;  ///< the learning layer: "federated"
    std::uint64_t round = 0;
    std::string server;  ///< node id of the server that closed the round
    Digest model{};      ///< SHA-256 of the new global model's parameters
    /// Of the new model on the server's test set, 0..1; NaN where unknown.
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    struct Update {
        std::string node;  ///< the contributor's node id
        Digest digest{};   ///< SHA-256 of the update as it was sent
        /// L2 distance of the proposed model from the round's starting model; NaN where the
        /// server could not see the update (secure aggregation).
        double norm = std::numeric_limits<double>::quiet_NaN();
        Digest manifest{};  ///< SHA-256 of the contributor's data manifest
    };
    std::vector<Update> updates;        ///< those aggregated, in order
    std::vector<std::string> rejected;  ///< node ids whose updates a reviewer vetoed
};

/// The record's text: compact JSON, digests in hexadecimal, unknown numbers as null.
std::string encodeRoundAudit(const RoundAudit& audit);
/// Reads a record's text back; an error names the field that is wrong.
Result<RoundAudit> decodeRoundAudit(std::string_view text);

class InspectorTable;
/// The round records final on a ledger, from its records table (columns topic, status and
/// content, as the ledger layer's "ledger.records" has them), oldest first. `unfinal` counts the
/// round records left out because they were not final when the table was filled. An error
/// names the table's row whose record does not read.
Result<std::vector<RoundAudit>> finalRoundAudits(const InspectorTable& records,
                                                 std::size_t* unfinal = nullptr);

}  // namespace dais::core
