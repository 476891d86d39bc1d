// The ledger layer as the run sees it: it offers the ledger, governance and payments services,
// picks its nodes and their peers at set-up, builds the relay, the records and the consensus
// rule (proof of work, HotStuff or proof of stake), starts it, and shows its blocks, records,
// proposals and the rule's own tables.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bft/hotstuff.h"
#include "block_relay.h"
#include "config.h"
#include "dais/core/integrity.h"
#include "dais/core/node_attributes.h"
#include "dais/core/scenario.h"
#include "dais/core/services.h"
#include "dais/layers/ledger.h"
#include "governance/dao.h"
#include "payments/chain_payments.h"
#include "peers.h"
#include "pos/proof_of_stake.h"
#include "pow/proof_of_work.h"
#include "records.h"

namespace dais::layers::ledger {

namespace {

class LedgerLayer final : public core::Layer {
  public:
    /// What grows with the nodes and the blocks: per node its view, per peer connection what
    /// each side knows of the other, and per block and node three bits (has it, asked for it,
    /// checking it). The messages in flight are the network's.
    void estimateMemory(core::LayerEstimateContext& ctx) const override {
        const Config cfg = definition().read(ctx.params());
        const double nodes = static_cast<double>(
            cfg.role.empty() ? ctx.nodeCount() - ctx.nodeCountWithRole("gateway")
                             : ctx.nodeCountWithRole(cfg.role));
        const double edges = 2 * nodes * static_cast<double>(cfg.outbound);
        const double perNode = 64 + 4 * static_cast<double>(cfg.highBandwidthPeers);
        const double perEdge = 8 + 8 + 8 + 4 + 4 + 1;
        ctx.need("role", sim::countText(nodes) + " ledger nodes and their peer connections",
                 nodes * perNode + edges * perEdge);
        const sim::SimTime until = ctx.scenario().run.until;
        if (until != sim::kTimeNever) {
            const double blocks = 1.1 * sim::toSeconds(until) / sim::toSeconds(cfg.interval);
            ctx.need("interval",
                     sim::countText(blocks) + " blocks (with stale ones) held by " +
                         sim::countText(nodes) + " nodes",
                     blocks * (3 * nodes / 8 + 600));
        }
    }

    void provideServices(core::ServiceRegistry& services, const core::LayerContext& ctx) override {
        // Money on the chain, in the scenario's token; the endowments minted before set-up are
        // the genesis allocation.
        payments_ = std::make_unique<ChainPayments>(ctx.scenario().payments.token,
                                                    ctx.network().nodeCount(), &ctx.simulation());
        services.provide(static_cast<core::Payments*>(payments_.get()),
                         definition().descriptor().id);
        services.provide(static_cast<core::LedgerService*>(&proxy_), definition().descriptor().id);
        services.provide(static_cast<core::Governance*>(&dao_), definition().descriptor().id);
    }

    void setup(core::LayerContext& ctx) override {
        cfg_ = definition().read(ctx.params());
        m_ = definition().defineMetrics(ctx);
        if (auto classes = parseFeeClasses(cfg_.feeClasses); !classes)
            ctx.failParam("fee_classes", classes.error().message);
        auto* integrity = ctx.services().find<core::IntegrityService>();
        DAIS_CHECK(integrity != nullptr, "the ledger needs the integrity service");

        std::vector<sim::NodeIndex> nodes = ledgerNodes(ctx);
        const auto n = static_cast<std::uint32_t>(nodes.size());
        PeerGraph peers;
        if (cfg_.peers == PeerSource::Random) {
            sim::RngStream rng = ctx.rng(0, "peers");
            peers = PeerGraph::random(n, static_cast<std::uint32_t>(cfg_.outbound),
                                      static_cast<std::uint32_t>(cfg_.maxInbound), rng);
        } else {
            peers = linkPeers(ctx.network(), nodes);
        }
        if (peers.edges() == 0)
            ctx.failParam(cfg_.peers == PeerSource::Random ? "max_inbound" : "peers",
                          cfg_.peers == PeerSource::Random
                              ? "no node accepts a connection, so no block can travel"
                              : "no two ledger nodes have a link between them, so no block can "
                                "travel");
        std::vector<double> power = hashPower(ctx, nodes);
        std::uint32_t selfish = sim::kNone, spender = sim::kNone;
        const bool bft = cfg_.consensus == ConsensusKind::Bft;
        const bool pos = cfg_.consensus == ConsensusKind::ProofOfStake;
        if (bft && !(cfg_.selfishMiner.empty() && cfg_.doubleSpender.empty()))
            ctx.failParam(cfg_.selfishMiner.empty() ? "double_spender" : "selfish_miner",
                          "an attack on proof of work; with consensus bft, name Byzantine "
                          "validators in bft_byzantine");
        if (pos && !(cfg_.selfishMiner.empty() && cfg_.doubleSpender.empty()))
            ctx.failParam(cfg_.selfishMiner.empty() ? "double_spender" : "selfish_miner",
                          "an attack on proof of work; consensus pos has none");
        if (!cfg_.selfishMiner.empty())
            selfish =
                attacker(ctx, "selfish_miner", cfg_.selfishMiner, cfg_.selfishShare, nodes, power);
        if (!cfg_.doubleSpender.empty())
            spender = attacker(ctx, "double_spender", cfg_.doubleSpender, cfg_.doubleSpendShare,
                               nodes, power);
        if (selfish != sim::kNone && selfish == spender)
            ctx.failParam("double_spender", "the double spender cannot be the selfish miner too");

        relay_ = std::make_unique<BlockRelay>(ctx, cfg_, m_, *integrity, std::move(nodes),
                                              std::move(peers));
        proxy_.records = std::make_unique<Records>(ctx, *relay_, cfg_, m_, *integrity);
        if (bft) {
            auto hotstuff = std::make_unique<HotStuff>(ctx, *relay_, cfg_, m_, *integrity);
            bft_ = hotstuff.get();
            consensus_ = std::move(hotstuff);
        }
        if (pos) {
            auto gasper = std::make_unique<ProofOfStake>(ctx, *relay_, cfg_, m_);
            pos_ = gasper.get();
            consensus_ = std::move(gasper);
        }
        std::unique_ptr<ProofOfWork> pow;
        if (!bft && !pos) pow = std::make_unique<ProofOfWork>(ctx, *relay_, cfg_, std::move(power));
        if (pow && pow->miners() == 0)
            ctx.failParam("miner_role", "no ledger node mines: none has the role \"" +
                                            cfg_.minerRole + "\" and a hash_power above 0");
        if (pow && selfish != sim::kNone) pow->makeSelfish(selfish);
        if (pow && spender != sim::kNone)
            pow->makeDoubleSpender(spender, static_cast<std::uint64_t>(cfg_.confirmations),
                                   static_cast<std::uint64_t>(cfg_.doubleSpendGiveUp));
        pow_ = pow.get();
        selfish_ = selfish == sim::kNone ? sim::kNone : relay_->node(selfish);
        if (pow) consensus_ = std::move(pow);
        proxy_.records->setConsensus(consensus_.get());
        relay_->onTipChange(
            [this](std::uint32_t p, BlockId, BlockId tip) { consensus_->tipChanged(p, tip); });
        relay_->onUpChange([this](std::uint32_t p, bool up) { consensus_->nodeUp(p, up); });
        dao_.setUp(ctx, cfg_, m_, proxy_, voteWeights(ctx));
        payments_->setUp(ctx, m_, proxy_, *relay_);
    }

    void start(core::LayerContext&) override { consensus_->start(); }

    void finish(core::LayerContext& ctx) override {
        if (!relay_) return;
        relay_->finish();
        if (bft_) bft_->finish();
        if (pos_) pos_->finish();
        if (const DoubleSpender* d = pow_ ? pow_->doubleSpender() : nullptr) {
            sim::Metrics& M = ctx.simulation().metrics();
            M.set(m_.doubleSpends, static_cast<double>(d->ended()));
            M.set(m_.doubleSpendSuccess, d->ended() > 0 ? static_cast<double>(d->successes()) /
                                                              static_cast<double>(d->ended())
                                                        : 0);
        }
        if (selfish_ == sim::kNone) return;
        // The selfish miner's share of the best chain.
        const auto& tree = relay_->tree();
        double mine = 0, all = 0;
        for (BlockId b = relay_->best(); b != relay_->genesis(); b = tree.parent(b)) {
            ++all;
            mine += tree.header(b).producer == selfish_;
        }
        ctx.simulation().metrics().set(m_.selfishRevenue, all > 0 ? mine / all : 0);
    }

    void inspect(std::string_view table, core::TableWriter& out) override {
        if (!relay_) return;
        if (table == "ledger.blocks") relay_->inspectBlocks(out);
        if (table == "ledger.records") proxy_.records->inspect(out);
        if (table == "ledger.proposals") dao_.inspect(out);
        if (table == "ledger.validators" && bft_) bft_->inspect(out);
        if (table == "ledger.checkpoints" && pos_) pos_->inspect(out);
    }

  private:
    /// The nodes that run the ledger: those of its role, or every node that has a role.
    std::vector<sim::NodeIndex> ledgerNodes(core::LayerContext& ctx) const {
        sim::Network& net = ctx.network();
        std::vector<sim::NodeIndex> nodes;
        for (sim::NodeIndex i = 0; i < net.nodeCount(); ++i) {
            const std::string_view r = net.role(i);
            if (cfg_.role.empty() ? !r.empty() : r == cfg_.role) nodes.push_back(i);
        }
        if (nodes.size() < 2)
            ctx.failParam("role", std::to_string(nodes.size()) + " node(s) " +
                                      (cfg_.role.empty() ? std::string("have a role")
                                                         : "have the role \"" + cfg_.role + "\"") +
                                      "; a ledger needs two or more");
        return nodes;
    }

    /// Per network node, its weight in the DAO's votes: ledger nodes of voter_role (all of them
    /// when it is empty) by their stake attribute or one each; 0 for the others.
    std::vector<double> voteWeights(core::LayerContext& ctx) const {
        sim::Network& net = ctx.network();
        const core::NodeAttributes& attributes = ctx.attributes();
        const auto stake = attributes.id("stake");
        std::vector<double> weight(net.nodeCount(), 0);
        for (std::uint32_t p = 0; p < relay_->size(); ++p) {
            const sim::NodeIndex n = relay_->node(p);
            if (!cfg_.voterRole.empty() && net.role(n) != cfg_.voterRole) continue;
            weight[n] = cfg_.voteWeight == VoteWeight::Head ? 1.0 : attributes.number(n, stake);
        }
        if (!cfg_.voterRole.empty() &&
            std::none_of(weight.begin(), weight.end(), [](double w) { return w > 0; }))
            ctx.failParam("voter_role", "no node that runs the ledger has the role \"" +
                                            cfg_.voterRole + "\" and a stake above 0");
        return weight;
    }

    /// The peer graph of the links between ledger nodes.
    static PeerGraph linkPeers(sim::Network& net, const std::vector<sim::NodeIndex>& nodes) {
        std::vector<std::uint32_t> index(net.nodeCount(), sim::kNone);
        for (std::uint32_t p = 0; p < nodes.size(); ++p)
            index[nodes[p]] = p;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
        for (std::uint32_t p = 0; p < nodes.size(); ++p)
            for (const sim::Adjacent& a : net.adjacency(nodes[p]))
                if (index[a.node] != sim::kNone && index[a.node] != p)
                    edges.emplace_back(p, index[a.node]);
        return PeerGraph::fromEdges(static_cast<std::uint32_t>(nodes.size()), edges);
    }

    /// Each ledger node's hash power: its attribute, 0 outside miner_role.
    std::vector<double> hashPower(core::LayerContext& ctx,
                                  const std::vector<sim::NodeIndex>& nodes) const {
        const core::NodeAttributes& attributes = ctx.attributes();
        const auto a = attributes.id("hash_power");
        std::vector<double> power(nodes.size(), 0);
        for (std::size_t p = 0; p < nodes.size(); ++p)
            if ((cfg_.minerRole.empty() || ctx.network().role(nodes[p]) == cfg_.minerRole) &&
                (cfg_.relayRole.empty() || ctx.network().role(nodes[p]) != cfg_.relayRole) &&
                (cfg_.lightRole.empty() || ctx.network().role(nodes[p]) != cfg_.lightRole))
                power[p] = attributes.number(nodes[p], a);
        return power;
    }

    /// An attacking miner's ledger index (parameter `param` names it); its hash power set to
    /// `share` of the total when share > 0.
    static std::uint32_t attacker(core::LayerContext& ctx, const char* param, const std::string& id,
                                  double share, const std::vector<sim::NodeIndex>& nodes,
                                  std::vector<double>& power) {
        const sim::NodeIndex n = ctx.network().findNode(id);
        const auto it = std::find(nodes.begin(), nodes.end(), n);
        if (it == nodes.end())
            ctx.failParam(param, "\"" + id + "\" is not a node that runs the ledger");
        const auto p = static_cast<std::uint32_t>(it - nodes.begin());
        if (share > 0) {
            double others = 0;
            for (std::size_t i = 0; i < power.size(); ++i)
                if (i != p) others += power[i];
            power[p] = others * share / (1 - share);
        }
        if (!(power[p] > 0))
            ctx.failParam(param, "\"" + id +
                                     "\" does not mine (no hash power, or not of "
                                     "miner_role)");
        return p;
    }

    /// What the registry holds from before set-up: the records, built in setup().
    struct Proxy final : core::LedgerService {
        std::unique_ptr<Records> records;
        void record(const Transaction& tx, std::function<void(const Receipt&)> done) override {
            DAIS_CHECK(records != nullptr, "the ledger service is not set up yet");
            records->record(tx, std::move(done));
        }
        std::vector<Entry> query(const Query& q) const override {
            return records ? records->query(q) : std::vector<Entry>{};
        }
        bool verify(const Transaction& tx, const Receipt& receipt) const override {
            return records && records->verify(tx, receipt);
        }
        WatchId onReorg(std::function<void(const Reorg&)> watcher) override {
            DAIS_CHECK(records != nullptr, "the ledger service is not set up yet");
            return records->onReorg(std::move(watcher));
        }
        void stopWatching(WatchId id) override {
            if (records) records->stopWatching(id);
        }
    };

    Config cfg_;
    Metrics m_{};
    std::unique_ptr<BlockRelay> relay_;
    Proxy proxy_;
    Dao dao_;
    std::unique_ptr<ChainPayments> payments_;
    std::unique_ptr<Consensus> consensus_;
    sim::NodeIndex selfish_ = sim::kNone;
    ProofOfWork* pow_ = nullptr;
    HotStuff* bft_ = nullptr;
    ProofOfStake* pos_ = nullptr;
};

}  // namespace

core::LayerFactory factory() {
    core::LayerFactory f;
    f.descriptor = definition().descriptor();
    f.create = []() -> std::unique_ptr<core::Layer> { return std::make_unique<LedgerLayer>(); };
    return f;
}

}  // namespace dais::layers::ledger
