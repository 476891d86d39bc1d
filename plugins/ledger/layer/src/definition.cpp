// The ledger layer's one declaration: every parameter bound to its Config field, every choice to
// its enum, every metric to its handle (config.h).
#include <string>

#include "config.h"

namespace dais::layers::ledger {

const Definition& definition() {
    static const Definition definition = [] {
        Definition d("ledger", "Ledger", "0.1.0");
        d.summary(
            "A chain of hashed, signed blocks over the simulated network. Miners find blocks as "
            "a Poisson process in proportion to their hash power (proof of work, difficulty "
            "retargeted as Bitcoin does), or a permissioned set of validators agrees on them by "
            "chained HotStuff (bft: a leader per view proposes, 2f + 1 signed votes certify, a "
            "three-chain of certified blocks commits, a view timer and NEW-VIEW messages replace "
            "a crashed or Byzantine leader), or validators propose in slots by stake and attest "
            "(pos: Ethereum's Gasper, LMD-GHOST under Casper FFG finality); each block is a real "
            "108-byte header named by its SHA-256, signed by its producer with the integrity "
            "service (the crypto layer), "
            "with the Merkle root of its transactions. Blocks travel between peers as messages "
            "of their real size: announced and fetched (INV, GETDATA), pushed whole, or as BIP "
            "152 compact blocks whose missing transactions are fetched; every node validates "
            "what it receives before passing it on and follows the chain with the most work, so "
            "forks, stale blocks and reorganisations come out of the network, not a formula. "
            "Everyday transactions are a counted load by fee class (no message per "
            "transaction); records other layers make through the ledger service are real "
            "transactions, flooded to the miners, with Merkle receipts once they are "
            "`confirmations` deep (pow), committed (bft) or finalized (pos).");
        d.provides("ledger");
        d.provides("governance");
        d.provides("payments");
        d.uses("integrity", true,
               "producers sign their blocks and records are signed by their senders with the "
               "nodes' Ed25519 keys; the crypto layer provides it");
        d.role("miner", false,
               "Nodes that produce blocks: miners (pow) or validators (bft, pos); the role set by "
               "miner_role.");

        d.text("role", &Config::role, "", "",
               "The node role that runs the ledger (keeps the chain, relays blocks). Empty: every "
               "node that has a role; gateways made by topologies have none and only route.");
        d.text("miner_role", &Config::minerRole, "", "",
               "The role of the nodes that produce blocks, among those that run the ledger. "
               "Empty: every node that runs it and has hash power (the hash_power attribute); "
               "bft: every node that runs it is a validator (relay nodes and light clients "
               "aside); pos: every such node with a stake above 0.");
        d.choice("consensus", &Config::consensus, ConsensusKind::ProofOfWork,
                 {{"pow", ConsensusKind::ProofOfWork},
                  {"bft", ConsensusKind::Bft},
                  {"pos", ConsensusKind::ProofOfStake}},
                 "How blocks are made and chosen. pow: proof of work; miners find blocks as a "
                 "Poisson process of rate hash_power / difficulty each, and every node follows "
                 "the chain with the most work (between equal work, the one it saw first). bft: "
                 "chained HotStuff (Yin et al., PODC 2019) among the validators (miner_role); n "
                 "of them tolerate f = floor((n - 1) / 3) Byzantine ones. Views are led in turn; "
                 "the leader proposes a block on the highest quorum certificate (QC) it knows, "
                 "replicas vote (109 B, signed) to the next leader, whose 2f + 1 votes make the "
                 "block's QC, carried by the next proposal. A replica locks on the block two "
                 "certificates deep and never votes twice in a view nor against its lock unless "
                 "shown a later QC; a block is committed, and final, when it heads three "
                 "certified blocks of consecutive views. A view without progress for "
                 "view_timeout (doubling while it lasts) ends with NEW-VIEW messages. pos: proof "
                 "of stake as Ethereum runs it (Gasper: Buterin et al. 2020). Time runs in slots "
                 "of `interval` (12 s) and epochs of slots_per_epoch slots (32). Each slot one "
                 "validator (miner_role, weighted by its stake attribute) is drawn from the "
                 "run's seed, a stand-in for RANDAO, and proposes a block on the head of its "
                 "fork choice; one that is down leaves its slot empty. Every validator attests "
                 "once an epoch, in its committee's slot, a third into it: to its head (the LMD "
                 "vote) and from its latest justified checkpoint to the epoch's checkpoint (the "
                 "block of the epoch's first slot: the FFG vote); attestations go to the "
                 "committee's aggregators, whose aggregates (about 430 B) reach every node two "
                 "thirds into the slot. Fork choice: LMD-GHOST, from the latest justified "
                 "checkpoint down the subtrees with the most stake in their validators' latest "
                 "votes. At each epoch's start a checkpoint with 2/3 of all stake voting for it "
                 "from a justified one is justified, and a justified checkpoint whose next "
                 "epoch's is justified from it is finalized (Casper FFG, Buterin and Griffith "
                 "2017) with every block below it: records are final then, two to three epochs "
                 "after their slot. Without 2/3 of the stake online and in touch nothing is "
                 "finalized (no inactivity leak).");
        d.choice("peers", &Config::peers, PeerSource::Random,
                 {{"random", PeerSource::Random}, {"links", PeerSource::Links}},
                 "Whom a node talks to. random: each node opens `outbound` connections to other "
                 "nodes drawn at random that still accept inbound ones (at most max_inbound "
                 "each), as Bitcoin's nodes do; messages follow the network's routes. links: the "
                 "nodes it has a link to that run the ledger.");
        d.integer("outbound", &Config::outbound, 8, "peers",
                  "random peers: connections each node opens (Bitcoin Core: 8).")
            .range(1, 10000);
        d.integer("max_inbound", &Config::maxInbound, 125, "peers",
                  "random peers: connections a node accepts (Bitcoin Core: 125 in all).")
            .range(0, 100000);
        d.choice(
            "relay", &Config::relay, RelayMode::Inv,
            {{"inv", RelayMode::Inv}, {"push", RelayMode::Push}, {"compact", RelayMode::Compact}},
            "How a node passes on a block it has validated. inv: it announces the block "
            "(INV, 61 B) to the peers not known to have it; a peer that lacks it asks "
            "(GETDATA, 61 B) and gets the block, one round trip more per hop (Bitcoin before "
            "2016). push: it sends the whole block unasked, so a peer may get it twice. "
            "compact: BIP 152; each node asks the hb_peers peers that most recently gave it "
            "a new block first to send compact blocks (header, 6-byte short ids) unasked, "
            "before validating them; other peers get an announcement and ask for the compact "
            "block; the receiver rebuilds the block from its mempool and fetches the "
            "transactions it has not seen (GETBLOCKTXN, BLOCKTXN).");
        d.integer("hb_peers", &Config::highBandwidthPeers, 3, "peers",
                  "compact relay: high-bandwidth peers per node (BIP 152: 3).")
            .range(0, 1000);
        d.text("light_role", &Config::lightRole, "", "",
               "The role of light clients (SPV, as in section 8 of Nakamoto's paper): they "
               "follow the chain by its headers alone, asking a peer for the header of each "
               "block they hear of (GETHEADERS) and checking only its signature; they neither "
               "mine nor pass blocks on, and full nodes only announce blocks to them. Empty: "
               "none.");
        d.text("relay_role", &Config::relayRole, "", "",
               "The role of the nodes of a relay network (as FIBRE and Falcon serve Bitcoin's "
               "miners): they run the ledger but do not mine, and pass every new block on to "
               "all their peers the moment it has reached them whole, unasked and before "
               "checking it (as a compact block with compact relay, else whole). Link the "
               "miners to them with fast links and use peers: links. Empty: none.");
        d.flag(
            "announce_all", &Config::announceAll, false,
            "Put every block announcement on the wire. By default an announcement to a peer "
            "that holds the block, or is fetching or checking it, when it is sent is counted "
            "(ledger.messages.inv, ledger.bytes) but not sent: the peer would only note that "
            "the sender has the block, which it then notes when the announcement would have "
            "arrived (after the path's mean latency, queues left out), and its 61 bytes are "
            "negligible beside the blocks. On, every message is on the wire and a large run "
            "is slower (on 10,000 Bitcoin nodes nearly half the messages are such announcements).");
        d.duration("interval", &Config::interval, "600s",
                   "The block interval the difficulty aims at: the first difficulty is the "
                   "miners' total hash power times this, and every retarget blocks it is "
                   "adjusted to bring the interval back to it. bft: the least time between a "
                   "block and its parent; a leader that has its certificate sooner waits (1ms: "
                   "propose as fast as votes come). pos: the slot (Ethereum: 12 s).")
            .range(1e-3, 1e9);
        d.size("block_size", &Config::blockSize, "1MB",
               "Most bytes of transactions a block carries (Bitcoin's limit was 1 MB).")
            .range(0, 1e10);
        d.integer("retarget", &Config::retarget, 2016, "blocks",
                  "pow: blocks between difficulty adjustments (Bitcoin: 2016). The new difficulty "
                  "is the old times interval x retarget over the time the last retarget blocks "
                  "took, by at most a factor 4 either way. 0: never.")
            .range(0, 1e9);
        d.integer("confirmations", &Config::confirmations, 6, "blocks",
                  "pow: confirmations a record needs before the ledger service calls it final: "
                  "its block and the blocks on top of it (Bitcoin's custom: 6).")
            .range(0, 1000);
        d.duration(
             "block_check", &Config::blockCheck, "50ms",
             "Time a node takes to check a block before it passes it on, beyond its "
             "transactions, on the reference machine: header, signature, Merkle root, "
             "storage. Scaled by the node's CPU speed (reference_gflops over its cpu_gflops).")
            .range(0, 1e6);
        d.duration("tx_check", &Config::txCheck, "50us",
                   "Time to check one transaction of a block on the reference machine (its "
                   "signatures and inputs).")
            .range(0, 1e3);
        d.real("reference_gflops", &Config::referenceGflops, 100, "GFLOP/s",
               "The CPU speed at which block_check and tx_check hold; nodes without resources "
               "take them as they are.")
            .range(1e-6, 1e12);
        d.real("tx_rate", &Config::txRate, 3, "tx/s",
               "Everyday transactions arriving in the whole network per simulated second (a "
               "Poisson process; Bitcoin carried 3 to 7 a second). They are counted by fee "
               "class, not sent one by one (see the layer's README).")
            .range(0, 1e7);
        d.size("tx_size", &Config::txSize, "250B", "Mean bytes of an everyday transaction.")
            .range(1, 1e8);
        d.text("fee_classes", &Config::feeClasses, "50:0.25,20:0.25,10:0.25,2:0.25", "",
               "Fee classes of the everyday transactions: fee:share pairs, comma-separated; the "
               "fee in smallest token units per byte, the share of the arrivals. Miners take the "
               "best-paying first, so with more demand than room, low fees wait.");
        d.duration("tx_spread", &Config::txSpread, "2s",
                   "How long a transaction takes to reach every node: each node hears of it "
                   "after its own relay lag, drawn once per node between 0 and this (Bitcoin's "
                   "trickled announcements take seconds). A compact block lacks the transactions "
                   "it holds that the receiver has not heard of yet.")
            .range(0, 1e6);
        d.duration("record_timeout", &Config::recordTimeout, "2h",
                   "How long a record made through the ledger service may wait for a block "
                   "before the service gives up on it (dropped).")
            .range(1e-3, 1e12);
        d.text("selfish_miner", &Config::selfishMiner, "", "",
               "pow: the id of a miner that mines selfishly (Eyal and Sirer, FC 2014): it keeps "
               "its blocks back and publishes them only to orphan the others' (a lead of 1 when "
               "they find a block: it publishes and races; 2: it publishes all and wins; more: it "
               "publishes as much as they have). Empty: every miner is honest.");
        d.real("selfish_share", &Config::selfishShare, 0, "",
               "pow: the selfish miner's share of all hash power; 0 leaves its hash_power as "
               "given. Eyal and Sirer: with gamma the share of honest miners that mine on its "
               "block in a race, selfish mining pays above a share of (1 - gamma) / (3 - 2 "
               "gamma); ledger.selfish_revenue is its share of the best chain.")
            .range(0, 0.99);
        d.text("double_spender", &Config::doubleSpender, "", "",
               "pow: the id of a miner that double spends against merchants who wait for "
               "`confirmations` blocks (Rosenfeld 2014): it mines a block in secret, pays, keeps "
               "mining its own branch, and publishes it once the payment has its confirmations "
               "and its branch is longer, undoing the payment. Empty: nobody attacks.");
        d.real("double_spend_share", &Config::doubleSpendShare, 0, "",
               "pow: the attacker's share of all hash power; 0 leaves its hash_power as given.")
            .range(0, 0.99);
        d.integer("double_spend_give_up", &Config::doubleSpendGiveUp, 20, "blocks",
                  "pow: how many blocks behind the honest branch the attacker gives an attempt "
                  "up (the chance of catching up from z behind is (q/p)^z).")
            .range(1, 100000);
        d.duration("view_timeout", &Config::viewTimeout, "3s",
                   "bft: how long a validator waits for progress in a view (a proposal it can "
                   "vote for, then the next view's), beyond `interval`, before it gives the view "
                   "up and sends NEW-VIEW with its highest QC to every validator. Doubles after "
                   "each view in a row that failed (up to 64 times), and is back to this once a "
                   "new QC is seen. Keep it well above two network crossings.")
            .range(1e-6, 1e6);
        d.text("bft_byzantine", &Config::bftByzantine, "", "",
               "bft: the Byzantine validators: a count (that many drawn at random from the run's "
               "seed) or a comma-separated list of node ids. Up to f = floor((n - 1) / 3) of n "
               "they cannot make honest validators commit conflicting blocks nor stop "
               "progress for long; more can (ledger.conflicting_commits). Empty: none.");
        d.choice("bft_behaviour", &Config::bftBehaviour, ByzantineBehaviour::Silent,
                 {{"silent", ByzantineBehaviour::Silent},
                  {"equivocate", ByzantineBehaviour::Equivocate}},
                 "bft: what the Byzantine validators do. silent: nothing; they never vote, "
                 "propose nor ask for a view change (as if crashed, but they still relay blocks). "
                 "equivocate: as leader, two conflicting blocks for its view, each sent to half "
                 "its peers; as replica, a vote for every proposal it sees, both of a pair "
                 "included, whatever its lock.");
        d.integer("slots_per_epoch", &Config::slotsPerEpoch, 32, "slots",
                  "pos: slots in an epoch (Ethereum: 32). Every validator attests once an "
                  "epoch, the validators cut into this many committees, one per slot; "
                  "justification and finality advance once an epoch, so a block is final two to "
                  "three epochs after its slot.")
            .range(1, 100000);
        d.text("voter_role", &Config::voterRole, "", "",
               "governance: the role of the nodes that vote on proposals (a DAO's members), "
               "among those that run the ledger. Empty: every node that runs it.");
        d.choice("vote_weight", &Config::voteWeight, VoteWeight::Stake,
                 {{"stake", VoteWeight::Stake}, {"head", VoteWeight::Head}},
                 "governance: what a vote weighs. stake: the voter's stake attribute (a "
                 "token-weighted DAO); head: one vote per voter.");
        d.duration("vote_period", &Config::votePeriod, "60s",
                   "governance: how long a vote stays open once its proposal is final on the "
                   "chain; a vote counts when it is final before the period ends.");
        d.real("quorum", &Config::quorum, 0.5, "",
               "governance: the share of all voters' weight that must vote for a decision; "
               "below it the proposal fails for want of a quorum.")
            .range(0, 1);
        d.real("pass_share", &Config::passShare, 0.5, "",
               "governance: a proposal passes when more than this share of the weight cast "
               "says yes (0.5: a simple majority; 0.6667: two thirds).")
            .range(0, 1);
        d.attribute("stake", core::ParamType::Real, 1.0, "",
                    "governance: a voter's weight with vote_weight stake (tokens staked, in any "
                    "unit: only ratios matter). 0: it does not vote. pos: a validator's "
                    "effective balance: its chance to propose and the weight of its "
                    "attestations; 0: it does not validate.")
            .range(0, 1e18);
        d.attribute("hash_power", core::ParamType::Real, 1.0, "",
                    "pow: a miner's share of the work, relative to the others (any unit: only "
                    "ratios matter). 0: the node does not mine.")
            .range(0, 1e18);

        d.counter("ledger.blocks", &Metrics::blocks, "blocks", "Blocks made, stale ones included.");
        d.gauge("ledger.blocks.stale", &Metrics::stale, "blocks",
                "Blocks not on the best chain as the run ends (stale or orphaned): made while "
                "another block of the same height was on its way.");
        d.gauge("ledger.stale_rate", &Metrics::staleRate, "1",
                "Stale blocks over all blocks made, as the run ends (Gervais et al.'s stale "
                "rate).");
        d.gauge("ledger.height", &Metrics::height, "blocks", "Height of the best chain.");
        d.counter("ledger.reorgs", &Metrics::reorgs, "switches",
                  "Times a node switched its tip to another branch (not a child of its tip).");
        d.distribution("ledger.reorg_depth", &Metrics::reorgDepth, "blocks",
                       "Per switch of a node to another branch: blocks of its old chain it "
                       "left.");
        d.distribution("ledger.fork_depth", &Metrics::forkDepth, "blocks",
                       "Per branch that lost, as the run ends: its blocks off the best chain.");
        d.distribution("ledger.propagation_50", &Metrics::propagation50, "s",
                       "Per block that reached half of the ledger's nodes: seconds from its "
                       "making until then (Decker and Wattenhofer's and Gervais et al.'s "
                       "propagation time).");
        d.distribution("ledger.propagation_90", &Metrics::propagation90, "s",
                       "Per block that reached 90% of the ledger's nodes: seconds until then.");
        d.distribution("ledger.propagation_all", &Metrics::propagationAll, "s",
                       "Per block that reached every ledger node: seconds until the last one.");
        d.distribution("ledger.block_interval", &Metrics::blockInterval, "s",
                       "Seconds between a best-chain block and its parent.");
        d.distribution("ledger.finality_time", &Metrics::finalityTime, "s",
                       "Per best-chain block that became final by the ledger's rule (pow: "
                       "`confirmations` blocks, its own included), as the run ends: seconds from "
                       "its making until the block that made it final was made. bft: per "
                       "committed block, seconds from its proposal until the first honest node "
                       "committed it (about three views). pos: per finalized block, seconds "
                       "from its making until the first node finalized it (two to three epochs "
                       "of slots).");
        d.counter("ledger.messages.inv", &Metrics::inv, "messages", "Block announcements sent.");
        d.counter("ledger.messages.getdata", &Metrics::getdata, "messages", "Block requests sent.");
        d.counter("ledger.messages.block", &Metrics::blockMessages, "messages",
                  "Whole blocks sent.");
        d.counter("ledger.messages.header", &Metrics::headerMessages, "messages",
                  "Headers sent to light clients (with the producer's signature).");
        d.counter("ledger.messages.compact", &Metrics::compact, "messages", "Compact blocks sent.");
        d.counter("ledger.messages.blocktxn", &Metrics::blockTxn, "messages",
                  "Requests for a compact block's missing transactions and their answers.");
        d.counter("ledger.messages.tx", &Metrics::txMessages, "messages",
                  "Copies of records (service transactions) flooded between peers.");
        d.counter("ledger.bytes", &Metrics::bytes, "B", "Bytes of every ledger message sent.");
        d.counter("ledger.duplicates", &Metrics::duplicates, "messages",
                  "Blocks received by a node that had them already (push relay sends them).");
        d.counter("ledger.messages.lost", &Metrics::lost, "messages",
                  "Ledger messages the network lost (a node or link down, partitions).");
        d.distribution("ledger.compact_missing", &Metrics::missingTx, "transactions",
                       "Per compact block rebuilt: transactions the receiver had not heard of "
                       "and fetched.");
        d.gauge("ledger.transactions", &Metrics::txConfirmed, "transactions",
                "Transactions on the best chain as the run ends (everyday ones and records).");
        d.gauge("ledger.tps", &Metrics::tps, "tx/s",
                "Transactions on the best chain per simulated second of the run.");
        d.counter("ledger.fees", &Metrics::fees, "units",
                  "Fees of the transactions in the blocks made, in smallest token units.");
        d.distribution("ledger.block_bytes", &Metrics::blockBytes, "B",
                       "Per block made: its size on the wire.");
        d.gauge("ledger.mempool", &Metrics::mempool, "transactions",
                "Everyday transactions waiting for the best chain as the run ends.");
        d.counter("ledger.records.submitted", &Metrics::recordsSubmitted, "records",
                  "Records other layers submitted through the ledger service.");
        d.counter("ledger.records.final", &Metrics::recordsFinal, "records",
                  "Records that became final (confirmations deep on their sender's chain).");
        d.counter("ledger.records.dropped", &Metrics::recordsDropped, "records",
                  "Records given up after record_timeout (the sender cut off, fees too low).");
        d.counter("ledger.records.reverted", &Metrics::recordsReverted, "records",
                  "Final records whose block a later reorganisation took off the best chain.");
        d.distribution("ledger.record_latency", &Metrics::recordLatency, "s",
                       "Per final record: seconds from its submission until it was final (what "
                       "recording really costs in time).");
        d.counter("ledger.records.fees", &Metrics::recordFees, "units",
                  "Fees the final records paid, in smallest token units.");
        d.counter("ledger.payments.submitted", &Metrics::paymentsSubmitted, "payments",
                  "Movements of money (transfers, holds, releases, refunds, mints, burns) asked "
                  "of the payments service after the run started, each a record on the chain.");
        d.counter("ledger.payments.settled", &Metrics::paymentsSettled, "payments",
                  "Movements that settled: final on the chain and applied in their order.");
        d.counter("ledger.payments.failed", &Metrics::paymentsFailed, "payments",
                  "Movements accepted when asked that failed later: their record was dropped "
                  "(the payer cut off past record_timeout) or the funds they counted on did not "
                  "arrive.");
        d.distribution("ledger.payment_latency", &Metrics::paymentLatency, "s",
                       "Per settled movement: seconds from the ask to its settlement.");
        d.counter("ledger.governance.proposals", &Metrics::proposals, "proposals",
                  "Proposals put to the DAO's vote (through the governance service).");
        d.counter("ledger.governance.passed", &Metrics::proposalsPassed, "proposals",
                  "Proposals that passed: quorum reached and more than pass_share said yes.");
        d.counter("ledger.governance.votes", &Metrics::ballots, "votes",
                  "Votes that counted: final on the chain before their vote's period ended.");
        d.distribution("ledger.governance.turnout", &Metrics::turnout, "1",
                       "Per decided proposal: the share of all voters' weight that voted in "
                       "time.");
        d.distribution("ledger.governance.decision_time", &Metrics::decisionTime, "s",
                       "Per proposal: seconds from its submission to its decision (its record's "
                       "time to finality plus vote_period).");
        d.counter("ledger.node_blocks", &Metrics::nodeBlocks, "blocks", "Per node: blocks it made.",
                  sim::MetricScope::Node);

        d.gauge("ledger.verified_height", &Metrics::verifiedHeight, "blocks",
                "As the run ends, the best chain checked from the genesis block up: each block's "
                "header decodes, names its parent's hash, has its parent's height plus one, "
                "carries its producer's valid Ed25519 signature of its hash, and its Merkle root "
                "is that of its transactions. Equal to ledger.height when every block passes; "
                "else the height below the first that fails.");
        d.gauge("ledger.divergence", &Metrics::divergence, "blocks",
                "As the run ends, the most blocks of the best chain that a ledger node that is "
                "up does not follow (its chain leaves the best one that far below its tip): "
                "honest nodes agree on all but this many of the newest blocks.");
        d.gauge("ledger.selfish_revenue", &Metrics::selfishRevenue, "1",
                "The selfish miner's share of the best chain's blocks as the run ends (its "
                "relative revenue); compare with its share of the hash power.");
        d.gauge("ledger.double_spends", &Metrics::doubleSpends, "attempts",
                "Double-spending attempts that ended (succeeded or were given up) as the run "
                "ends.");
        d.gauge("ledger.double_spend_success", &Metrics::doubleSpendSuccess, "1",
                "Of them, the share that undid a payment after it had its confirmations; "
                "Rosenfeld's formula gives it from the attacker's share and the confirmations.");
        d.gauge("ledger.views", &Metrics::views, "views",
                "bft: the latest view an honest validator reached as the run ends (views are "
                "numbered from 1; each has one leader).");
        d.counter("ledger.view_changes", &Metrics::viewChanges, "views",
                  "bft: views some honest validator gave up for lack of progress (a leader "
                  "crashed, cut off, silent or equivocating, or no quorum), asking for the next "
                  "with NEW-VIEW.");
        d.counter("ledger.committed", &Metrics::committed, "blocks",
                  "bft: blocks committed by an honest node (each counted once; a block is "
                  "committed when it heads three certified blocks of consecutive views, and with "
                  "it every block below).");
        d.distribution("ledger.commit_latency", &Metrics::commitLatency, "s",
                       "bft: per block and honest node that committed it, seconds from its "
                       "proposal until that node committed it: three views and the crossing that "
                       "brings the third QC (the leader that forms it commits one crossing "
                       "sooner).");
        d.counter("ledger.messages.vote", &Metrics::votes, "messages",
                  "bft: votes cast (109 B each: view, block hash, voter, Ed25519 signature); a "
                  "leader's vote for the view before its own stays with it.");
        d.counter("ledger.messages.new_view", &Metrics::newViews, "messages",
                  "bft: NEW-VIEW messages sent (a view given up, with the sender's highest QC).");
        d.counter("ledger.conflicting_commits", &Metrics::conflictingCommits, "commits",
                  "bft: commits by honest nodes of a block that is not on one chain with every "
                  "block honest nodes committed before. 0 while at most f validators are "
                  "Byzantine; the safety HotStuff proves. pos: checkpoints a node finalized "
                  "that are not on one chain with every checkpoint finalized before (0 unless "
                  "a third of the stake votes twice).");
        d.counter("ledger.slots", &Metrics::slots, "slots",
                  "pos: slots that began (slot 0 holds the genesis block).");
        d.counter("ledger.missed_slots", &Metrics::missedSlots, "slots",
                  "pos: slots left empty because their proposer was down.");
        d.counter("ledger.attestations", &Metrics::attestations, "attestations",
                  "pos: attestations cast (each validator that is up, once an epoch, in its "
                  "committee's slot).");
        d.counter("ledger.messages.attestation", &Metrics::attestationMessages, "messages",
                  "pos: attestations sent to their committee's aggregators (about 230 B) and "
                  "aggregates sent by the aggregators to every node (about 430 B).");
        d.counter("ledger.justified_epochs", &Metrics::justifiedEpochs, "epochs",
                  "pos: epochs whose checkpoint some node justified (2/3 of all stake voted "
                  "for it from a justified checkpoint).");
        d.counter("ledger.finalized_epochs", &Metrics::finalizedEpochs, "epochs",
                  "pos: epochs whose checkpoint some node finalized (justified, and the next "
                  "epoch's checkpoint justified from it).");
        d.gauge("ledger.epochs_without_finality", &Metrics::epochsWithoutFinality, "epochs",
                "pos: the longest the chain went without finality: at each epoch's start, its "
                "number less the latest epoch a node has finalized, the most of the run. 2 "
                "when every epoch is finalized in turn (Ethereum's finality delay); more "
                "during a partition or with a third of the stake offline.");
        d.nodeState("best chain", "#2f9e44", "Its tip is the tip of the best chain.");
        d.nodeState("behind", "#f08c00",
                    "Its tip is on the best chain but below its tip: a block is on its way.");
        d.nodeState("fork", "#ae3ec9", "Its tip is on another branch than the best chain.");

        d.table("ledger.blocks", "Blocks",
                "Every block made, as a tree by parent: who made it, when, what it carries and "
                "how far it got. Branches off the best chain are stale.")
            .text("hash", "The block's SHA-256, in hex (its first 16 digits).")
            .text("parent", "Its parent's hash (empty for the genesis block).")
            .integer("height", "", "Blocks below it.")
            .node("producer", "The node that made and signed it.")
            .time("made", "When it was made.")
            .integer("transactions", "", "Transactions it carries, records included.")
            .integer("records", "", "Records of other layers among them.")
            .bytes("size", "Its size on the wire.")
            .integer("fees", "units", "Fees of its transactions.")
            .integer("reached", "nodes", "Ledger nodes that have it.")
            .flag("best", "It is on the best chain.")
            .key("hash")
            .parent("parent");
        d.table("ledger.validators", "Validators",
                "bft: each validator as the run ends: its view, lock, highest QC and what it "
                "committed.")
            .node("node", "The validator.")
            .text("behaviour", "honest, silent or equivocate.")
            .flag("up", "It is up.")
            .integer("view", "", "The view whose proposal it waits for.")
            .integer("locked", "", "View of its locked block (two certificates deep).")
            .integer("high_qc", "", "View of the block of the highest QC it knows.")
            .integer("committed", "", "Height of the latest block it committed.")
            .text("committed_hash", "That block's hash (its first 16 hex digits).")
            .time("last_commit", "When it last committed.")
            .integer("votes", "", "Votes it cast.")
            .integer("proposals", "", "Blocks it proposed as leader.")
            .integer("timeouts", "", "Views it gave up.")
            .key("node");
        d.table("ledger.checkpoints", "Checkpoints",
                "pos: each ledger node as the run ends: the head of its fork choice and the "
                "latest checkpoints it justified and finalized.")
            .node("node", "The node.")
            .real("stake", "", "Its stake (0: not a validator).")
            .flag("up", "It is up.")
            .text("head", "Its head's hash (its first 16 hex digits).")
            .integer("head_slot", "", "The slot of its head.")
            .integer("justified_epoch", "", "The epoch of its latest justified checkpoint.")
            .text("justified", "That checkpoint's block (its first 16 hex digits).")
            .integer("finalized_epoch", "", "The epoch of its finalized checkpoint.")
            .text("finalized", "That checkpoint's block (its first 16 hex digits).")
            .integer("proposed", "", "Blocks it proposed.")
            .integer("missed", "", "Slots it missed, down when it was to propose.")
            .integer("attested", "", "Attestations it cast.")
            .key("node");
        d.table("ledger.records", "Records",
                "Every record made through the ledger service, oldest first.")
            .integer("record", "", "Its number: 1 for the first.")
            .text("topic", "What kind of record (\"federated.round\").")
            .node("from", "The node that signed it.")
            .text("digest", "What it records (first 16 hex digits).")
            .time("submitted", "When it was submitted.")
            .integer("block", "", "Height of the best-chain block that holds it, if any.")
            .time("final", "When it became final.")
            .text("status", "waiting, in a block, final, dropped or reverted.")
            .text("content",
                  "The record in full where its maker carries it (a federated round: "
                  "its model, accuracy and every update with its size); else empty.")
            .key("record");

        d.table("ledger.proposals", "Proposals",
                "Every proposal put to the DAO's vote, oldest first, with its votes and outcome.")
            .integer("proposal", "", "Its number: 1 for the first.")
            .text("topic", "What it is about (\"federated.release\", \"federated.ban-node\").")
            .node("proposer", "The node that proposed it.")
            .node("about", "The node it is about (a ban), if any.")
            .text("subject", "The digest of what it is about (a model), first 16 hex digits.")
            .real("value", "", "A value it proposes (a round, a rate).")
            .text("text", "What the proposer says.")
            .time("submitted", "When it was submitted.")
            .time("opened", "When its record was final and the vote opened.")
            .real("yes", "", "Weight of the yes votes that counted.")
            .real("no", "", "Weight of the no votes that counted.")
            .integer("votes", "", "Votes that counted.")
            .integer("late", "", "Votes final only after the period ended: not counted.")
            .real("turnout", "1", "Share of all voters' weight that voted in time.")
            .time("decided", "When it was decided.")
            .text("outcome", "passed, rejected, no quorum, not recorded, or open.")
            .key("proposal");
        d.eventKind("ledger.decision",
                    "A proposal was decided; the node is its proposer, the digest what it was "
                    "about (a model), the detail the outcome and the votes.");
        d.eventKind("ledger.block",
                    "A block was made; the digest is its hash, the node its producer.");
        d.eventKind("ledger.record",
                    "A record became final; the digest is what it records, the node its "
                    "sender, the detail its topic and block.");
        return d;
    }();
    return definition;
}

}  // namespace dais::layers::ledger
