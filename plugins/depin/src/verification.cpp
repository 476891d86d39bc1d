// How the market checks results, and what cheating costs a provider: redundant runs with a
// majority vote, spot checks that re-run a share of results, proofs of execution verified by the
// client, reputation that follows outcomes, and stakes slashed when a provider is caught.
// market.h says how votes are kept.
//
// Majority vote: a job runs on `redundancy` different providers; the result that `redundancy`/2
// + 1 of them return is accepted. Honest providers return the one right result; each cheater's
// wrong result differs from every other (so it never makes a majority), unless they collude and
// return the same wrong result, which a majority of cheaters in one job then gets accepted. A
// round with no majority (too many runs wrong or lost) runs again on new providers, up to
// max_rounds.
//
// Proofs: a provider proves its result after computing it, through the run's proof service
// (dais/core/proof_service.h). The prover is a CPU program in the benchmarks the service's costs
// come from, so the proof is work on the provider's CPU: the cost's prove seconds times its
// reference speed, in FLOPs, taking prove seconds x reference / cpu_gflops; a provider without a
// CPU (catalogue hardware sells a GPU alone) holds its processor for the benchmark's seconds as
// they are. The provider stays busy meanwhile and is paid for none of it: its price is for the
// job's work. A cheater pretends to prove as it pretended to compute, spending cheat_effort of
// the prover's work on a proof that cannot verify. The proof's bytes travel with the result; the
// client verifies it in the verifier's time on its own CPU (the benchmark's without one), then
// accepts the result, or rejects it and catches the cheater as a failed spot check does.
#include <algorithm>
#include <cmath>
#include <string>

#include "dais/core/node_attributes.h"
#include "market.h"

namespace dais::layers::depin {

using sim::NodeIndex;
using sim::SimTime;

void Market::openVote(std::uint32_t j, std::size_t size) {
    const std::uint32_t v = takeSlot(votes_, freeVote_, "redundant jobs");
    votes_[v].arrived = jobs_[j].arrived;
    votes_[v].size = static_cast<std::uint8_t>(size);
    votes_[v].runs.fill(kNone);
    jobs_[j].vote = v;
    votes_[v].runs[0] = j;
    // The other runs, copies of the first; every run is placed once all exist.
    for (std::size_t i = 1; i < votes_[v].size; ++i)
        votes_[v].runs[i] = newRun(jobs_[j], v);
    sim_->metrics().add(m_.verificationWork,
                        jobs_[j].flops / 1e9 * static_cast<double>(votes_[v].size - 1));
    const std::array<std::uint32_t, kMaxRedundancy> runs = votes_[v].runs;
    for (std::size_t i = 0; i < votes_[v].size; ++i)
        place(runs[i], false);
}

std::uint32_t Market::newRun(const Job& model, std::uint32_t v) {
    const std::uint32_t r = newJob();
    Job& run = jobs_[r];
    run.arrived = model.arrived;
    run.client = model.client;
    run.kind = model.kind;
    run.priority = model.priority;
    run.flops = model.flops;
    run.inputBytes = model.inputBytes;
    run.outputBytes = model.outputBytes;
    run.vote = v;
    run.external = model.external;
    return r;
}

void Market::voteRun(std::uint32_t j, bool returned) {
    const std::uint32_t v = jobs_[j].vote;
    Vote& vote = votes_[v];
    ++vote.ended;
    if (!returned) {  // lost: it counts as no result; its slot is freed below
        for (std::uint32_t& r : vote.runs)
            if (r == j) r = kNone;
    } else {
        jobs_[j].returned = true;
        jobs_[j].phase = Phase::Voting;
        if (jobs_[j].wrong)
            ++vote.wrong;
        else
            ++vote.right;
    }
    const std::size_t majority = votes_[v].size / 2 + 1;
    if (vote.decided) {
        if (returned) settleRun(v, j);
    } else if (vote.right >= majority || (cfg_.collusion && vote.wrong >= majority)) {
        vote.decided = true;
        vote.acceptedRight = vote.right >= majority;
        // A cancelled service job left the system when it was cancelled.
        const bool cancelled = jobs_[j].external != 0 && externalOf(jobs_[j]) == nullptr;
        if (!cancelled) {
            observeDone(j, vote.arrived);
            if (!vote.acceptedRight) sim_->metrics().add(m_.wrongAccepted, 1);
            inSystem(-1);
        }
        const std::array<std::uint32_t, kMaxRedundancy> runs = vote.runs;
        if (const External* e = externalOf(jobs_[j])) {
            vote.late = e->spec.deadline != sim::kTimeNever && sim_->now() > e->spec.deadline;
            // What the payer pays: the runs that returned the accepted result, and those still
            // running, whose price is held and paid when they return it.
            core::Amount paid = 0;
            for (const std::uint32_t r : runs)
                if (r != kNone && jobs_[r].hold != 0 && !vote.late &&
                    (!jobs_[r].returned || vote.acceptedRight != jobs_[r].wrong))
                    paid += jobs_[r].price;
            if (vote.late)
                finishExternal(jobs_[j].external, Status::MissedDeadline, j,
                               "the result came back after the deadline", 0, true);
            else
                finishExternal(jobs_[j].external, Status::Done, j, {}, paid, true);
        }
        for (const std::uint32_t r : runs)
            if (r != kNone && jobs_[r].returned) settleRun(v, r);
    } else if (vote.ended == votes_[v].size) {
        nextRound(v, j);
        if (!returned) freeJob(j);
        return;
    }
    if (!returned) freeJob(j);
    if (votes_[v].decided && votes_[v].ended == votes_[v].size) freeVote(v);
}

void Market::settleRun(std::uint32_t v, std::uint32_t j) {
    Vote& vote = votes_[v];
    const Job& run = jobs_[j];
    const std::uint32_t p = run.provider;
    if (vote.acceptedRight != run.wrong) {  // it returned the accepted result
        if (vote.late)
            refund(j);
        else
            pay(j);
        judge(p, 1);
    } else {
        refund(j);
        if (run.wrong) {
            sim_->metrics().add(m_.caught, 1);
            caught(p);
        } else {  // honest, outvoted by colluding cheaters: the protocol punishes it all the same
            judge(p, 0);
            slash(p);
        }
    }
    for (std::uint32_t& r : vote.runs)
        if (r == j) r = kNone;
    freeJob(j);
}

void Market::nextRound(std::uint32_t v, std::uint32_t model) {
    // Every run of the round ended and none made a majority: nobody is paid, nobody can be
    // blamed; the job runs again on new providers, or is rejected after the last round.
    Job spec = jobs_[model];
    Vote& vote = votes_[v];
    const std::array<std::uint32_t, kMaxRedundancy> runs = vote.runs;
    for (const std::uint32_t r : runs)
        if (r != kNone) {
            refund(r);
            freeJob(r);
        }
    vote.runs.fill(kNone);
    // A cancelled service job left the system when it was cancelled: it never runs again.
    const bool cancelled = spec.external != 0 && externalOf(spec) == nullptr;
    if (cancelled || vote.round >= cfg_.maxRounds) {
        if (!cancelled) {
            sim_->metrics().add(m_.rejected, 1);
            inSystem(-1);
        }
        if (externalOf(spec) != nullptr)
            finishExternal(
                spec.external, Status::Rejected, kNone,
                "no majority of the runs agreed in " + std::to_string(vote.round) + " rounds");
        freeVote(v);
        return;
    }
    ++vote.round;
    vote.ended = vote.right = vote.wrong = 0;
    for (std::size_t i = 0; i < votes_[v].size; ++i)
        votes_[v].runs[i] = newRun(spec, v);
    sim_->metrics().add(m_.verificationWork,
                        spec.flops / 1e9 * static_cast<double>(votes_[v].size));
    const std::array<std::uint32_t, kMaxRedundancy> fresh = votes_[v].runs;
    for (std::size_t i = 0; i < votes_[v].size; ++i)
        place(fresh[i], true);
}

void Market::freeVote(std::uint32_t v) {
    votes_[v].live = false;
    votes_[v].nextFree = freeVote_;
    freeVote_ = v;
}

// --- spot checks -----------------------------------------------------------------------------

void Market::audit(std::uint32_t j) {
    // The check re-runs the job on trusted hardware as fast as its provider's: the result waits
    // that long, and the work is the check's cost.
    const Job& job = jobs_[j];
    sim_->metrics().add(m_.audits, 1);
    sim_->metrics().add(m_.verificationWork, job.flops / 1e9);
    SimTime at = sim::kTimeNever;
    if (!sim::addTime(sim_->now(), sim::fromSeconds(job.flops / table_.speed(job.provider)), at))
        at = sim::kTimeNever;
    sim_->scheduleAt(at, job.client, auditKind_, j);
}

namespace {

/// The aux of a depin.audit event that ends a proof's verification (a spot check's is 0).
constexpr std::uint16_t kProofCheck = 1;

}  // namespace

void Market::onAudit(sim::Simulation&, const sim::Event& e) {
    const auto j = static_cast<std::uint32_t>(e.data);
    if (e.aux == kProofCheck) {
        proofChecked(j);
        return;
    }
    if (!jobs_[j].wrong) {
        accept(j);
        return;
    }
    rerunCaught(j);
}

void Market::rerunCaught(std::uint32_t j) {
    // Caught: the provider is not paid and is punished; the job runs again, first in line.
    Job& job = jobs_[j];
    sim_->metrics().add(m_.caught, 1);
    refund(j);
    caught(job.provider);
    job.provider = kNone;
    job.wrong = false;
    job.rate = -1;
    job.started = job.mark = job.transferTime = job.computeTime = 0;
    job.phase = Phase::Book;
    place(j, true);
}

// --- proofs of execution ---------------------------------------------------------------------

bool Market::proves(const Job& job) const {
    if (job.external != 0) {
        const External* e = externalOf(job);
        return e != nullptr && e->spec.verification == core::ComputeMarket::Verification::Proof;
    }
    return cfg_.verification == depin::Verification::Proof;
}

core::ProofService::Statement Market::statementOf(std::uint32_t j) const {
    // The job's identity: where and when it arrived, its slot, its service record and its
    // work; a run that goes again after a failed check proves the same statement.
    const Job& job = jobs_[j];
    core::ProofService::Statement s;
    s.digest = core::Sha256()
                   .add("depin/job/v1")
                   .addValue(job.arrived)
                   .addValue(job.client)
                   .addValue(j)
                   .addValue(job.external)
                   .addValue(job.flops)
                   .finish();
    s.flops = job.flops;
    return s;
}

core::Digest Market::resultOf(std::uint32_t j) const {
    const Job& job = jobs_[j];
    core::Sha256 h;
    h.add(statementOf(j).digest);
    if (!job.wrong) return h.add("right").finish();
    return h.add("wrong").addValue(job.provider).finish();  // each cheater's differs
}

bool Market::provable(std::uint32_t j) const {
    if (cfg_.verification != depin::Verification::Proof || jobs_[j].external != 0) return true;
    core::ProofService::Statement s;
    s.flops = jobs_[j].flops;
    return proofs_ != nullptr && proofs_->cost(s).ok();
}

void Market::startProof(std::uint32_t j) {
    Job& job = jobs_[j];
    const SimTime now = sim_->now();
    job.computeTime = now - job.mark;
    job.mark = now;
    job.phase = Phase::Proving;
    const core::Result<core::ProofService::Cost> cost = proofs_->cost(statementOf(j));
    DAIS_CHECK(cost.ok(), "depin: a job the market took cannot be proven: " + cost.error().message);
    const std::uint32_t p = job.provider;
    const NodeIndex node = providers_[p];
    const double share = job.wrong ? cfg_.cheatEffort : 1.0;
    core::NodeCompute& compute = runtime_->compute();
    auto unit = core::NodeCompute::Unit::Cpu;
    double work = cost->proveFlops() * share;
    if (compute.speed(node, unit) <= 0) {  // no CPU: its processor, for the benchmark's time
        unit = table_.of(p).gpu ? core::NodeCompute::Unit::Gpu : core::NodeCompute::Unit::Cpu;
        work = cost->proveSeconds * share * compute.speed(node, unit);
    }
    if (compute.start(node, std::max(1.0, work), unit, &Market::onComputed, this, j) == 0)
        preempt(j);  // its provider went down as it finished computing
}

void Market::proved(std::uint32_t j) {
    Job& job = jobs_[j];
    const SimTime proving = sim_->now() - job.mark;
    job.computeTime += proving;
    sim_->metrics().observe(m_.proofTime, sim::toSeconds(proving));
    core::Result<core::ProofService::Proof> proof =
        proofs_->prove(providers_[job.provider], statementOf(j), resultOf(j), !job.wrong);
    DAIS_CHECK(proof.ok(),
               "depin: a job the market took cannot be proven: " + proof.error().message);
    const std::uint64_t bytes = proof->bytes;
    proofsInFlight_.insert_or_assign(j, std::move(proof.value()));
    returnResult(j, bytes);
}

void Market::checkProof(std::uint32_t j) {
    Job& job = jobs_[j];
    job.mark = sim_->now();
    const core::Result<core::ProofService::Cost> cost = proofs_->cost(statementOf(j));
    DAIS_CHECK(cost.ok(), "depin: a proven job's proof cannot be costed: " + cost.error().message);
    // The verifier's time on the client's CPU, or the benchmark's without one: the result waits
    // for it (the milliseconds of a verification are not counted against the client's other
    // work).
    const double cpu = runtime_->compute().speed(job.client, core::NodeCompute::Unit::Cpu);
    const double seconds = cpu > 0 ? cost->verifyFlops() / cpu : cost->verifySeconds;
    SimTime at = sim::kTimeNever;
    if (!sim::addTime(sim_->now(), sim::fromSeconds(seconds), at)) at = sim::kTimeNever;
    sim_->scheduleAt(at, job.client, auditKind_, j, kProofCheck);
}

void Market::proofChecked(std::uint32_t j) {
    Job& job = jobs_[j];
    sim_->metrics().observe(m_.verifyTime, sim::toSeconds(sim_->now() - job.mark));
    const auto it = proofsInFlight_.find(j);
    DAIS_CHECK(it != proofsInFlight_.end(), "depin: a result under verification has no proof");
    const core::ProofService::Proof proof = it->second;
    proofsInFlight_.erase(it);
    if (proofs_->verify(proof, statementOf(j).digest, resultOf(j))) {
        DAIS_CHECK(!job.wrong, "depin: the proof of a wrong result verified");
        accept(j, true);
        return;
    }
    DAIS_CHECK(job.wrong, "depin: the proof of a right result failed verification");
    sim_->metrics().add(m_.proofRejected, 1);
    if (job.external != 0 && externalOf(job) == nullptr) {
        // Cancelled: caught all the same, but the job left the market when it was cancelled.
        sim_->metrics().add(m_.caught, 1);
        refund(j);
        caught(job.provider);
        freeJob(j);
        return;
    }
    rerunCaught(j);
}

// --- reputation and stakes -------------------------------------------------------------------

void Market::caught(std::uint32_t p) {
    if (caughtCount_.empty()) caughtCount_.assign(providers_.size(), 0);
    ++caughtCount_[p];
    judge(p, 0);
    slash(p);
}

void Market::judge(std::uint32_t p, double outcome) {
    if (cfg_.reputationRate <= 0) return;
    float& r = reputation_[p];
    r += static_cast<float>(cfg_.reputationRate * (outcome - r));
    sim_->metrics().setNode(m_.reputation, providers_[p], r);
}

void Market::lockStakes(core::LayerContext& ctx) {
    const core::NodeAttributes& attributes = ctx.attributes();
    const core::NodeAttributes::Id stake = attributes.id("stake");
    stake_.assign(providers_.size(), 0);
    stakeHold_.assign(providers_.size(), 0);
    slashAccount_ = payments_->systemAccount("depin.slashed");
    for (std::uint32_t p = 0; p < providers_.size(); ++p) {
        const NodeIndex node = providers_[p];
        const double tokens = attributes.number(node, stake);
        const auto units = static_cast<core::Amount>(std::llround(tokens * unitsPerToken_));
        if (units <= 0) continue;
        auto held = payments_->hold(payments_->nodeAccount(node), units, "depin: stake locked");
        if (!held)
            ctx.failParam("stake", "provider \"" + net_->nodeName(node) +
                                       "\" cannot lock its stake: " + held.error().message +
                                       " (give it an endowment of at least the stake)");
        stake_[p] = units;
        stakeHold_[p] = held.value();
        staked_ += tokens;
        sim_->metrics().setNode(m_.stake, node, tokens);
    }
    sim_->metrics().set(m_.staked, staked_);
}

void Market::slash(std::uint32_t p) {
    if (!stake_.empty() && stake_[p] > 0 && cfg_.slashFraction > 0) {
        const NodeIndex node = providers_[p];
        const core::Amount have = stake_[p];
        const auto cut = std::clamp<core::Amount>(
            static_cast<core::Amount>(std::llround(static_cast<double>(have) * cfg_.slashFraction)),
            1, have);
        // The hold pays the cut to the slash account and gives the rest back, which is locked
        // again; the cut is burned.
        auto paid = payments_->release(stakeHold_[p], slashAccount_, cut, "depin: stake slashed");
        DAIS_CHECK(paid.ok(), "the market could not slash a provider's stake");
        auto burned = payments_->burn(slashAccount_, cut, "depin: slashed stake burned");
        DAIS_CHECK(burned.ok(), "the market could not burn a slashed stake");
        stakeHold_[p] = 0;
        stake_[p] = have - cut;
        if (stake_[p] > 0) {
            auto again =
                payments_->hold(payments_->nodeAccount(node), stake_[p], "depin: stake locked");
            DAIS_CHECK(again.ok(), "the market could not lock a slashed provider's stake again");
            stakeHold_[p] = again.value();
        }
        const double tokens = static_cast<double>(cut) / unitsPerToken_;
        staked_ -= tokens;
        sim::Metrics& metrics = sim_->metrics();
        metrics.add(m_.slashed, tokens);
        metrics.set(m_.staked, staked_);
        metrics.setNode(m_.stake, node, static_cast<double>(stake_[p]) / unitsPerToken_);
    }
    const double left = stake_.empty() ? 0.0 : static_cast<double>(stake_[p]) / unitsPerToken_;
    if (cfg_.minStake > 0 && left < cfg_.minStake) expel(p);
}

void Market::expel(std::uint32_t p) {
    if ((flags_[p] & kExpelled) != 0) return;
    // It finishes the run it has (its result is checked like any other) and takes no more.
    flags_[p] |= kExpelled;
    sim_->metrics().add(m_.expelled, 1);
    display_.state(providers_[p], slashedState_);
    if (onlineAt_[p] != kNone) providerGone(p);
}

}  // namespace dais::layers::depin
