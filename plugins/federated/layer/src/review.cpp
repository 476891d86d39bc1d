// What other layers see of the federation and may change: the veto point where the server (or an
// edge aggregator) accepts a client's update, asking every layer that provides update-review;
// and each round's report, to those reviewers and, when the run has a ledger, as a record on it
// (the digest of the new model and of every update that went into it).
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "dais/core/round_audit.h"
#include "federation.h"

namespace dais::layers::federated {

bool Federation::reviewed(std::size_t k, const fl::ClientResult& result,
                          const Eigen::VectorXd& base, sim::NodeIndex acceptor,
                          const core::Digest& digest) {
    auto refuse = [&](const std::string& reason) {
        sim_->metrics().add(m_.rejected, 1);
        ++clientRecords_[k].rejected;
        if (RoundRecord* r = openRound()) ++r->rejected;
        rejected_.push_back(clients_[k]);
        showClient(k, shown_.rejected);
        if (events_.on())
            events_.record(kinds_.rejected, clients_[k], digest,
                           "round " + std::to_string(round_) + ": " + reason);
        sim_->trace(clients_[k], "federated",
                    std::string(async() ? "step " : "round ") + std::to_string(round_) +
                        ": update rejected" + (reason.empty() ? "" : ": " + reason));
        return false;
    };
    if (banned(k)) return refuse("banned by a governance vote");
    if (reviewers_.empty()) return true;
    core::UpdateReview::Update u;
    u.layer = "federated";
    u.round = round_;
    u.client = clients_[k];
    u.acceptor = acceptor;
    u.digest = digest;
    u.samples = result.samples;
    u.norm = secure_ != nullptr ? std::numeric_limits<double>::quiet_NaN()
                                : (result.vector - base).norm();
    for (core::UpdateReview* reviewer : reviewers_) {
        const core::UpdateReview::Verdict v = reviewer->review(u);
        if (!v.accept) return refuse(v.reason);
    }
    return true;
}

void Federation::reportRound(const std::vector<sim::NodeIndex>& contributors,
                             const std::vector<core::Digest>& updates, double accuracy) {
    const Eigen::VectorXd& global = strategy_->parameters();
    const core::Digest model = weightsDigest(global);
    if (!roundRecords_.empty() && roundRecords_.back().round == round_)
        roundRecords_.back().model = model;
    proposeRelease(model);
    if (!digestsUpdates()) return;
    core::UpdateReview::Round r;
    r.layer = "federated";
    r.round = round_;
    r.server = server_;
    r.model = model;
    r.contributors = contributors;
    r.updates = updates;
    r.rejected = std::move(rejected_);
    rejected_.clear();
    r.accuracy = accuracy;
    r.at = sim_->now();
    for (core::UpdateReview* reviewer : reviewers_)
        reviewer->roundClosed(r);
    if (!ledger_) return;
    // The record, in full so that anyone who reads the chain can trace a round: the new model
    // and its accuracy, and each contributor with its update's digest, its length and its data
    // manifest; named by its SHA-256.
    core::RoundAudit audit;
    audit.layer = "federated";
    audit.round = r.round;
    audit.server = net_->nodeName(server_);
    audit.model = r.model;
    audit.accuracy = accuracy;
    for (std::size_t i = 0; i < contributors.size(); ++i) {
        core::RoundAudit::Update u;
        u.node = net_->nodeName(contributors[i]);
        u.digest = updates[i];
        if (i < contributorSizes_.size()) u.norm = contributorSizes_[i];
        if (const std::uint32_t k = clientIndexOf(contributors[i]); k != sim::kNone)
            u.manifest = manifest(k);
        audit.updates.push_back(std::move(u));
    }
    for (sim::NodeIndex n : r.rejected)
        audit.rejected.push_back(net_->nodeName(n));
    core::LedgerService::Transaction tx;
    tx.from = server_;
    tx.topic = std::string(core::RoundAudit::kTopic);
    tx.content = core::encodeRoundAudit(audit);
    tx.digest = core::sha256(tx.content);
    const std::uint64_t round = round_;
    ledger_->record(tx, [this, round](const core::LedgerService::Receipt& receipt) {
        if (!receipt.final()) {
            sim_->trace(server_, "federated",
                        "round " + std::to_string(round) + " was not recorded on the ledger" +
                            (receipt.reason.empty() ? "" : ": " + receipt.reason));
            return;
        }
        sim_->metrics().add(m_.recorded, 1);
        for (auto it = roundRecords_.rbegin(); it != roundRecords_.rend(); ++it)
            if (it->round == round) {
                it->block = receipt.height;
                break;
            }
        sim_->trace(server_, "federated",
                    "round " + std::to_string(round) + " recorded in block " +
                        std::to_string(receipt.height) + " (transaction " +
                        core::shortHex(receipt.txId, 16) + ")");
    });
}

const core::Digest& Federation::manifest(std::size_t k) {
    if (manifests_.empty()) {
        manifests_.resize(2 * clients_.size());
        manifested_.assign(2 * clients_.size(), 0);
    }
    const std::size_t slot = 2 * k + (flipsLabels() && attacking(k, round_) ? 1 : 0);
    if (manifested_[slot]) return manifests_[slot];
    // What the client trains on, as a data manifest names it: the shape, then every training
    // row's features and label, bit for bit. A client that alters its data (flipped labels)
    // has another manifest.
    const ClientData cd = trainingData(k, round_);
    core::Sha256 h;
    h.add("dais.data-manifest").addValue(static_cast<std::uint64_t>(data_->inputs()));
    h.addValue(static_cast<std::uint64_t>(data_->classes()));
    h.addValue(static_cast<std::uint64_t>(cd.train.size()));
    for (std::size_t i = 0; i < cd.train.size(); ++i) {
        const auto col = cd.train.data->features.col(cd.train.row(i));
        h.addValues(std::span<const double>(col.data(), static_cast<std::size_t>(col.size())));
        h.addValue(cd.train.label(i));
    }
    manifests_[slot] = h.finish();
    manifested_[slot] = 1;
    return manifests_[slot];
}

}  // namespace dais::layers::federated
