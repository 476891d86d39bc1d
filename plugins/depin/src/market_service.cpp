// The compute-market service: jobs other layers submit (a federated client renting a GPU for its
// round, an agent buying inference) go through the same market as the layer's own arrivals: the
// same book or queues, policy, escrow, verification and providers, with the job's own
// requirements, price limit, deadline, redundancy and payer. Each ends with one outcome. A job
// verified by proof needs the run's proof service (verification.cpp).
#include <algorithm>
#include <cmath>
#include <span>

#include "hardware_catalogue.h"
#include "market.h"

namespace dais::layers::depin {

using sim::NodeIndex;
using sim::SimTime;

namespace {

JobKind kindOf(std::string_view name) {
    for (std::size_t k = 0; k < kJobKinds; ++k)
        if (kindName(static_cast<JobKind>(k)) == name) return static_cast<JobKind>(k);
    return JobKind::Custom;
}

}  // namespace

void Market::provideServices(core::ServiceRegistry& services, const core::LayerContext&) {
    services.provide(static_cast<core::ComputeMarket*>(this), definition().descriptor().id);
}

bool Market::meets(const External& e, const Job& job, std::uint32_t p) const {
    const core::ComputeMarket::Requirements& need = e.spec.requirements;
    const ProviderClass& c = table_.of(p);
    if (c.speed < need.minFlopsPerSecond) return false;
    if (need.minMemoryBytes > 0 && c.memoryGb > 0 &&
        c.memoryGb * 1e9 < static_cast<double>(need.minMemoryBytes))
        return false;
    if (e.hardware >= 0 && c.hardware != e.hardware) return false;
    if (e.region >= 0 && static_cast<std::int32_t>(net_->regionOf(providers_[p])) != e.region)
        return false;
    if (reputation_[p] < need.minReputation) return false;
    return e.spec.maxPrice <= 0 || priceUnits(table_.price(p), job.flops, p) <= e.spec.maxPrice;
}

void Market::quote(const core::ComputeMarket::Job& spec, std::function<void(const Quote&)> answer) {
    Quote q;
    if (const std::string problem = core::jobProblem(spec); !problem.empty()) {
        q.reason = problem;
        answer(q);
        return;
    }
    External e{spec, {}, -1, -1};
    if (!spec.requirements.hardwareClass.empty())
        if (const HardwareClass* h = findHardware(spec.requirements.hardwareClass))
            e.hardware = static_cast<std::int32_t>(h - hardwareCatalogue().data());
    Job probe;
    probe.flops = spec.flops;
    probe.client = spec.submitter;
    // The providers up that meet the job, and the policy's pick among them, as if it came now.
    sample_.clear();
    for (const std::uint32_t p : online_)
        if (meets(e, probe, p)) sample_.push_back(p);
    if (sample_.empty()) {
        q.reason = "no provider up meets the job's requirements and price limit";
        answer(q);
        return;
    }
    sim::RngStream rng = picks_;  // a look, not a draw: the market's own stream does not move
    const Pick pick = policy_->choose(JobView{spec.submitter, spec.flops}, sample_, table_, rng);
    const std::uint32_t p = pick.provider;
    const NodeIndex node = providers_[p];
    q.available = true;
    q.provider = node;
    q.price = priceUnits(pick.pricePerHour, spec.flops, p);
    const auto unit =
        table_.of(p).gpu ? core::NodeCompute::Unit::Gpu : core::NodeCompute::Unit::Cpu;
    // Its queue ahead of it, then its own work as the processor would share it now.
    const SimTime compute = runtime_->compute().estimate(node, spec.flops, unit);
    SimTime finish = compute;
    if (compute != sim::kTimeNever && backlog_[p] > 0)
        (void)sim::addTime(compute, sim::fromSeconds(backlog_[p] / table_.speed(p)), finish);
    q.expectedFinish = finish;
    answer(q);
}

core::Result<core::ComputeMarket::JobId> Market::submit(const core::ComputeMarket::Job& spec,
                                                        std::function<void(const Outcome&)> done) {
    if (const std::string problem = core::jobProblem(spec); !problem.empty())
        return core::Error{"depin: " + problem};
    if (spec.submitter >= net_->nodeCount())
        return core::Error{"depin: the submitter is not a node of the network"};
    if (spec.redundancy > kMaxRedundancy)
        return core::Error{"depin: a job runs on at most " + std::to_string(kMaxRedundancy) +
                           " providers"};
    if (spec.verification == core::ComputeMarket::Verification::Proof) {
        if (proofs_ == nullptr)
            return core::Error{
                "depin: proof verification needs a proof service (\"proofs\"), and no layer of "
                "this run provides one: add the crypto layer (layers.crypto), which does"};
        if (spec.redundancy != 1)
            return core::Error{
                "depin: a job verified by proof runs on one provider: redundancy "
                "must be 1, got " +
                std::to_string(spec.redundancy)};
        core::ProofService::Statement s;
        s.flops = spec.flops;
        if (auto cost = proofs_->cost(s); !cost)
            return core::Error{"depin: " + cost.error().message};
    }
    External e{spec, std::move(done), -1, -1};
    if (!spec.requirements.hardwareClass.empty()) {
        const HardwareClass* h = findHardware(spec.requirements.hardwareClass);
        if (h == nullptr)
            return core::Error{"depin: \"" + spec.requirements.hardwareClass +
                               "\" is not a hardware class of the catalogue"};
        e.hardware = static_cast<std::int32_t>(h - hardwareCatalogue().data());
    }
    if (!spec.requirements.region.empty()) {
        const std::span<const sim::RegionSpec> regions = net_->regions();
        for (std::size_t r = 0; r < regions.size(); ++r)
            if (regions[r].id == spec.requirements.region) e.region = static_cast<std::int32_t>(r);
        if (e.region < 0)
            return core::Error{"depin: \"" + spec.requirements.region +
                               "\" is not a region of the network"};
    }
    const std::uint32_t serial = nextExternal_++;
    const std::uint32_t j = newJob();
    Job& job = jobs_[j];
    job.arrived = sim_->now();
    job.client = spec.submitter;
    job.kind = kindOf(spec.kind);
    job.priority = cfg_.discipline == Discipline::Priority && job.kind != JobKind::Custom
                       ? profileOf(job.kind).priority
                       : 1;
    job.flops = spec.flops;
    job.inputBytes = spec.inputBytes;
    job.outputBytes = spec.outputBytes;
    job.external = serial;
    const std::size_t runs = spec.redundancy;
    externals_.emplace(serial, std::move(e));
    sim_->metrics().add(m_.submitted, 1);
    if (!servable(job, runs)) {
        sim_->metrics().add(m_.unserved, 1);
        freeJob(j);
        sim_->scheduleAt(sim_->now(), spec.submitter, noProviderKind_, serial);
        return core::ComputeMarket::JobId{serial};
    }
    inSystem(+1);
    if (runs > 1)
        openVote(j, runs);
    else
        place(j, false);
    return core::ComputeMarket::JobId{serial};
}

void Market::onNoProvider(sim::Simulation&, const sim::Event& e) {
    finishExternal(static_cast<std::uint32_t>(e.data), Status::NoProvider, kNone,
                   "no provider of the market meets the job's requirements and price limit");
}

bool Market::cancel(JobId id) {
    const auto it = externals_.find(static_cast<std::uint32_t>(id));
    if (it == externals_.end()) return false;
    // Its runs waiting in the book leave it; runs already matched are refunded and go on to
    // the end, their results thrown away.
    for (std::uint32_t j = 0; j < jobs_.size(); ++j) {
        Job& job = jobs_[j];
        if (!job.live || job.external != id) continue;
        refund(j);
        for (std::deque<std::uint32_t>& book : book_)
            if (const auto at = std::find(book.begin(), book.end(), j); at != book.end()) {
                book.erase(at);
                --booked_;
                if (job.vote != kNone) {
                    for (std::uint32_t& r : votes_[job.vote].runs)
                        if (r == j) r = kNone;
                    if (++votes_[job.vote].ended == votes_[job.vote].size) freeVote(job.vote);
                }
                freeJob(j);
            }
    }
    sim_->metrics().set(m_.queued, static_cast<double>(booked_));
    inSystem(-1);
    finishExternal(static_cast<std::uint32_t>(id), Status::Cancelled, kNone, "cancelled");
    return true;
}

void Market::finishExternal(std::uint32_t serial, Status status, std::uint32_t j,
                            std::string reason, core::Amount paid, bool verified) {
    const auto it = externals_.find(serial);
    if (it == externals_.end()) return;
    std::function<void(const Outcome&)> done = std::move(it->second.done);
    // Runs of a job that ended this way (cancelled, or late runs of a vote) find no record and
    // are thrown away.
    externals_.erase(it);
    Outcome o;
    o.job = serial;
    o.status = status;
    o.paid = paid;
    o.verified = verified;
    o.finishedAt = sim_->now();
    o.reason = std::move(reason);
    if (j != kNone && jobs_[j].provider != kNone) {
        o.provider = providers_[jobs_[j].provider];
        o.startedAt = jobs_[j].started;
    }
    if (done) done(o);
}

void Market::externalDropped(std::uint32_t j, sim::MetricId why) {
    const std::uint32_t serial = jobs_[j].external;
    if (why == m_.unaffordable)
        finishExternal(serial, Status::Unaffordable, j, "the payer could not cover the price");
    else
        finishExternal(serial, Status::ProviderFailed, j,
                       "the run was lost (the provider or the submitter was cut off)");
}

}  // namespace dais::layers::depin
