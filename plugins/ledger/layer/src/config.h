#pragma once
// The ledger layer's parameters and metrics, as its definition (definition.cpp) declares them:
// one field per parameter, choices as enums, one handle per metric. Internal to the layer.
#include <cstdint>
#include <string>

#include "dais/core/layer_definition.h"

namespace dais::layers::ledger {

enum class ConsensusKind { ProofOfWork, Bft, ProofOfStake };
/// What the Byzantine validators of bft do.
enum class ByzantineBehaviour {
    Silent,      ///< never votes, proposes nor asks for a view change
    Equivocate,  ///< proposes two conflicting blocks as leader, votes for every block it sees
};
/// How a DAO vote is weighed: by the voter's stake attribute, or one vote per voter.
enum class VoteWeight { Stake, Head };
/// Where a node's peers come from: random outbound connections (Bitcoin's), or its links.
enum class PeerSource { Random, Links };
/// How a new block travels from a node to its peers.
enum class RelayMode {
    Inv,      ///< announce (INV), the peer asks (GETDATA), then the block
    Push,     ///< the whole block, unasked
    Compact,  ///< BIP 152: compact blocks, unasked to high-bandwidth peers, announced to others
};

struct Config {
    std::string role, minerRole, relayRole, lightRole;
    ConsensusKind consensus = ConsensusKind::ProofOfWork;
    PeerSource peers = PeerSource::Random;
    std::int64_t outbound = 0, maxInbound = 0;
    RelayMode relay = RelayMode::Inv;
    std::int64_t highBandwidthPeers = 0;
    bool announceAll = false;
    sim::SimTime interval = 0;
    std::uint64_t blockSize = 0;
    std::int64_t retarget = 0;
    std::int64_t confirmations = 0;
    sim::SimTime blockCheck = 0, txCheck = 0;
    double referenceGflops = 0;
    double txRate = 0;
    std::uint64_t txSize = 0;
    std::string feeClasses;
    sim::SimTime txSpread = 0;
    sim::SimTime recordTimeout = 0;
    std::string selfishMiner;
    double selfishShare = 0;
    std::string doubleSpender;
    double doubleSpendShare = 0;
    std::int64_t doubleSpendGiveUp = 0;
    // governance (the DAO)
    std::string voterRole;
    VoteWeight voteWeight = VoteWeight::Stake;
    sim::SimTime votePeriod = 0;
    double quorum = 0, passShare = 0;
    sim::SimTime viewTimeout = 0;
    std::string bftByzantine;
    ByzantineBehaviour bftBehaviour = ByzantineBehaviour::Silent;
    std::int64_t slotsPerEpoch = 0;  // pos
};

struct Metrics {
    sim::MetricId blocks, stale, staleRate, height, reorgs, reorgDepth, forkDepth;
    sim::MetricId propagation50, propagation90, propagationAll, blockInterval, finalityTime;
    sim::MetricId inv, getdata, blockMessages, headerMessages, compact, blockTxn, txMessages, bytes,
        duplicates, lost, missingTx;
    sim::MetricId txConfirmed, tps, fees, blockBytes, mempool;
    sim::MetricId recordsSubmitted, recordsFinal, recordsDropped, recordsReverted, recordLatency,
        recordFees;
    sim::MetricId nodeBlocks, verifiedHeight, divergence, selfishRevenue, doubleSpends,
        doubleSpendSuccess;
    sim::MetricId proposals, proposalsPassed, ballots, turnout, decisionTime;
    sim::MetricId paymentsSubmitted, paymentsSettled, paymentsFailed, paymentLatency;
    sim::MetricId views, viewChanges, committed, commitLatency, votes, newViews, conflictingCommits;
    sim::MetricId slots, missedSlots, attestations, attestationMessages, justifiedEpochs,
        finalizedEpochs, epochsWithoutFinality;
};

using Definition = core::LayerDefinition<Config, Metrics>;
const Definition& definition();

}  // namespace dais::layers::ledger
