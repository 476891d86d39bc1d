#pragma once
// Tracing an anomaly back to the nodes that caused it, from the rounds a ledger recorded
// (round_audit.h) and nothing else. An anomaly is a decline (the rounds after a peak of accuracy
// that stay below it, once one of them is more than `drop` below it) or a round a person names. Two
// kinds of evidence point at a contributor of such a round:
//
// - Its update stood out: where the server saw the updates, the update's size (its distance
//   from the starting model) is an outlier among that round's by the modified z-score of
//   Iglewicz and Hoaglin (1993), 0.6745 (x - median) / MAD, above `outlierZ` (their 3.5).
//   Boosted, sign-flipped or noisy updates are several times longer than honest ones.
// - Its presence goes with losses: where updates are hidden (secure aggregation), rounds are
//   the only evidence, as in group testing: the accuracy change of the rounds it contributed
//   to against those it did not, by Welch's t, below -`associationT`. This needs rounds
//   without the node (partial participation) and enough of them.
//
// A contributor is named when its update was an outlier in most of the anomalous rounds it
// joined, or, where no update of it was seen, when its association passes the bar. What the
// trace cannot tell (no anomaly, no evidence) it says in `notes` rather than guessing.

#include <cstdint>
#include <string>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/round_audit.h"

namespace dais::core {

struct TraceOptions {
    /// Rounds a person names as anomalous; empty: the declines deeper than `drop`.
    std::vector<std::uint64_t> rounds;
    double drop = 0.05;       ///< accuracy lost below the peak before (0..1)
    double outlierZ = 3.5;    ///< modified z-score of an update's size that marks it
    double associationT = 3;  ///< |Welch t| of the accuracy change with a node that marks it
};

struct TraceSuspect {
    std::string node;
    std::vector<std::uint64_t> rounds;  ///< the anomalous rounds it contributed to
    std::vector<Digest> updates;        ///< its updates in those rounds
    double score = 0;                   ///< the evidence's strength: a z-score or -t
    std::string evidence;               ///< in words, with the figures
};

struct TraceResult {
    struct Anomaly {
        std::uint64_t round = 0;
        /// The accuracy it fell from (the peak before it; a named round: the round before) and
        /// its own.
        double before = 0, after = 0;
        bool named = false;      ///< named by a person rather than found
        std::uint64_t peak = 0;  ///< found: the round of the peak it fell from
    };
    std::vector<Anomaly> anomalies;
    std::vector<TraceSuspect> suspects;  ///< strongest evidence first
    std::vector<std::string> notes;      ///< what could not be told, and why
};

/// Traces over `rounds` (any order; one record per round, the last wins).
TraceResult traceAnomaly(const std::vector<RoundAudit>& rounds, const TraceOptions& options = {});

}  // namespace dais::core
