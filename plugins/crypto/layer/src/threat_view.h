#pragma once
// The threat view: who can see what in this run, with and without each protection the privacy
// layer offers, and the collusion threshold of its secure aggregation. One row per observer and
// protection, in the table crypto.threats (`dais run --inspect crypto.threats`, the studio's
// inspector).

#include <cstddef>

#include "dais/core/inspector.h"

namespace dais::layers::crypto {

/// What the run did, as far as the threat view needs it.
struct ThreatFacts {
    std::size_t sessions = 0;  ///< secure-aggregation sessions opened
    bool plus = false;         ///< of them, SecAgg+ (sparse) ones
    /// The weakest session: the fewest parties any step could go on with, of how many.
    std::size_t threshold = 0, parties = 0;
    std::size_t neighbours = 0;       ///< SecAgg+: k
    bool encryptedInference = false;  ///< the run sends inference requests under FHE
    int fheSecurityBits = 128;
    std::size_t smpcParties = 0;  ///< parties of the SMPC training (0: none)
    bool smpcMacs = false;        ///< SPDZ's MACs
};

/// The table's rows for `facts`.
void writeThreats(const ThreatFacts& facts, core::TableWriter& out);

}  // namespace dais::layers::crypto
