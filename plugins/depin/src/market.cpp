// The market, in the order a run meets it: set-up (who provides, who submits), arrivals, the
// order book, runs on the providers' processors, their ends, and providers that crash and
// recover. market.h says how it is kept.
#include "market.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "dais/core/digest.h"
#include "dais/core/node_attributes.h"
#include "dais/core/scenario.h"
#include "dais/layers/depin.h"
#include "hardware_catalogue.h"

namespace dais::layers::depin {

using sim::NodeIndex;
using sim::SimTime;

void Market::estimateMemory(core::LayerEstimateContext& ctx) const {
    // Per provider: its flat arrays (about 60 bytes) and, once it computes, its processor in the
    // run's compute occupancy (about 50 bytes); per node, its provider number. The jobs in the
    // market grow with the load and are taken from the run's budget a page at a time.
    const Config cfg = definition().read(ctx.params());
    const auto providers = static_cast<double>(ctx.nodeCountWithRole(cfg.providerRole));
    const auto nodes = static_cast<double>(ctx.nodeCount());
    ctx.need("provider_role", sim::countText(providers) + " providers",
             providers * 110 + nodes * 12);
}

void Market::setup(core::LayerContext& ctx) {
    sim_ = &ctx.simulation();
    net_ = &ctx.network();
    cfg_ = definition().read(ctx.params());
    m_ = definition().defineMetrics(ctx);
    display_ = ctx.display();
    busyState_ = ctx.nodeState("busy");
    offlineState_ = ctx.nodeState("offline");
    slashedState_ = ctx.nodeState("slashed");
    leftState_ = ctx.nodeState("left");
    awayState_ = ctx.nodeState("away");
    price_ = cfg_.tokenUsd;
    sim_->metrics().set(m_.tokenPrice, price_);
    if (auto mix = parseJobMix(cfg_.jobMix); mix)
        mix_ = *mix;
    else
        ctx.failParam("job_mix", mix.error().message);
    runtime_ = std::make_unique<core::SimNodeRuntime>(ctx);
    findNodes(ctx);
    chooseDishonest(ctx);
    // Layer-wide streams: node 0, a purpose each.
    arrivals_ = Arrivals(cfg_, ctx.rng(0, "arrivals"));
    if (cfg_.arrival == ArrivalKind::Trace) openTrace(ctx);
    clientPicks_ = ctx.rng(0, "clients");
    sizes_ = ctx.rng(0, "sizes");
    picks_ = ctx.rng(0, "picks");
    kinds_ = ctx.rng(0, "kinds");
    cheats_ = ctx.rng(0, "cheats");
    audits_ = ctx.rng(0, "audits");
    arrivalKind_ = sim_->registerKind<&Market::onArrival>("depin.arrival", *this);
    inputs_.open(runtime_->transport(), "depin.input", &Market::onInput, this,
                 &Market::onInputLost);
    outputs_.open(runtime_->transport(), "depin.output", &Market::onOutput, this,
                  &Market::onOutputLost);
    net_->addFaultListener(this);
    openDiurnal(ctx);
    if (incentives()) openEpochs(ctx);
    // Spot checks and the service's refusals may come from other layers' jobs too.
    auditKind_ = sim_->registerKind<&Market::onAudit>("depin.audit", *this);
    noProviderKind_ = sim_->registerKind<&Market::onNoProvider>("depin.no_provider", *this);
    lastChange_ = cfg_.start;
    scheduleArrival(cfg_.start);
    // Looked up now, not in start(): a layer that starts before the market may submit jobs
    // with proof verification from its own start(). start() checks that it is there.
    proofs_ = ctx.services().find<core::ProofService>();
    if (cfg_.recordResults) {
        ledger_ = ctx.services().find<core::LedgerService>();
        if (ledger_ == nullptr)
            ctx.failParam("record_results", "no ledger in the run (the ledger layer provides one)");
    }
}

void Market::openTrace(core::LayerContext& ctx) {
    if (cfg_.traceFile.empty()) ctx.failParam("trace_file", "arrival \"trace\" needs trace_file");
    std::filesystem::path file(cfg_.traceFile);
    if (file.is_relative() && !ctx.scenario().sourcePath.empty())
        file = std::filesystem::path(ctx.scenario().sourcePath).parent_path() / file;
    if (auto opened = trace_.open(file.string(), *net_); !opened)
        ctx.failParam("trace_file", opened.error().message);
}

void Market::start(core::LayerContext& ctx) {
    if (cfg_.verification == depin::Verification::Proof) {
        proofs_ = ctx.services().find<core::ProofService>();
        if (proofs_ == nullptr)
            ctx.failParam("verification",
                          "verification \"proof\" needs a proof service (\"proofs\"), and no "
                          "layer of this run provides one: add the crypto layer (layers.crypto), "
                          "which does");
        // Every kind of the mix must be provable at its mean size (larger draws that are not
        // go unserved).
        for (std::size_t k = 0; k < kJobKinds; ++k) {
            const auto kind = static_cast<JobKind>(k);
            const bool inMix = mix_.single
                                   ? mix_.only == kind
                                   : mix_.cumulative[k] > (k == 0 ? 0.0 : mix_.cumulative[k - 1]);
            if (!inMix || cfg_.arrival == ArrivalKind::Trace) continue;
            core::ProofService::Statement s;
            s.flops = (kind == JobKind::Custom ? cfg_.jobGflop : profileOf(kind).gflop) * 1e9;
            if (auto cost = proofs_->cost(s); !cost)
                ctx.failParam("verification", "the mean " + std::string(kindName(kind)) +
                                                  " job cannot be proven: " + cost.error().message);
        }
    }
    const core::NodeAttributes& attributes = ctx.attributes();
    const core::NodeAttributes::Id stake = attributes.id("stake");
    bool anyStake = false;
    for (const NodeIndex node : providers_)
        if (attributes.number(node, stake) > 0) {
            anyStake = true;
            break;
        }
    if (cfg_.payment != Payment::Escrow && !anyStake && cfg_.emission <= 0) return;
    payments_ = ctx.services().find<core::Payments>();
    if (payments_ == nullptr) {
        if (cfg_.payment == Payment::Escrow)
            ctx.failParam("payment", "no payments service in the run");
        if (anyStake)
            ctx.failParam("stake",
                          "providers lock stakes, but there is no payments service in the run");
        ctx.failParam("emission",
                      "rewards are minted, but there is no payments service in the run");
    }
    unitsPerToken_ = std::pow(10.0, payments_->token().decimals);
    burnAccount_ = payments_->systemAccount("depin.burned");
    if (anyStake) lockStakes(ctx);
    const core::Payments::Totals t = payments_->totals();
    sim_->metrics().set(m_.supply, static_cast<double>(t.minted - t.burned) / unitsPerToken_);
}

ProviderClass Market::classOf(core::LayerContext& ctx, NodeIndex node) {
    const core::NodeAttributes& attributes = ctx.attributes();
    const core::NodeAttributes::Id price = attributes.id("price");
    const core::NodeAttributes::Id cost = attributes.id("cost");
    const core::NodeAttributes::Id hardware = attributes.id("hardware");
    sim::ComputeOccupancy& compute = ctx.compute();
    ProviderClass c;
    const std::string& id = attributes.text(node, hardware);
    if (const HardwareClass* h = id == "node" ? nullptr : findHardware(id); h != nullptr) {
        const double peak = cfg_.precision == Precision::Fp16 ? h->fp16Tflops : h->fp32Tflops;
        c.speed = peak * 1e12 * cfg_.efficiency;
        c.gpu = h->gpu;
        c.memoryGb = h->memoryGb;
        c.hardware = static_cast<std::int32_t>(h - hardwareCatalogue().data());
        compute.equip(node, c.gpu ? core::NodeCompute::Unit::Gpu : core::NodeCompute::Unit::Cpu,
                      c.speed);
        c.price = attributes.given(node, price) ? attributes.number(node, price)
                                                : h->usdPerHour / cfg_.tokenUsd;
    } else {
        const double cpu = compute.speed(node, core::NodeCompute::Unit::Cpu);
        const double gpu = compute.speed(node, core::NodeCompute::Unit::Gpu);
        if (cpu <= 0 && gpu <= 0)
            ctx.failParam("provider_role",
                          "provider \"" + net_->nodeName(node) +
                              "\" has no processor to sell: give it resources.cpu_gflops or "
                              "resources.gpu_tflops, or a hardware class (attribute hardware)");
        c.gpu = gpu > cpu;
        c.speed = std::max(cpu, gpu);
        const sim::Resources* r = net_->resources(node);
        c.memoryGb = r != nullptr ? r->memoryGb : 0.0;
        c.price = attributes.number(node, price);
    }
    c.cost = attributes.number(node, cost);
    return c;
}

void Market::findNodes(core::LayerContext& ctx) {
    const auto nodes = static_cast<NodeIndex>(net_->nodeCount());
    providerOf_.assign(nodes, kNone);
    // The arrays are sized once: growing them by doubling would leave up to half unused.
    std::size_t count = 0;
    for (NodeIndex i = 0; i < nodes; ++i)
        count += net_->role(i) == cfg_.providerRole;
    providers_.reserve(count);
    classOf_.reserve(count);
    for (NodeIndex i = 0; i < nodes; ++i) {
        const std::string_view role = net_->role(i);
        if (role == cfg_.clientRole) clients_.push_back(i);
        if (role != cfg_.providerRole) continue;
        providerOf_[i] = static_cast<std::uint32_t>(providers_.size());
        providers_.push_back(i);
        // Identical providers (a group's members) share one class: the last one made, usually.
        const ProviderClass c = classOf(ctx, i);
        std::uint32_t k = kNone;
        if (!classes_.empty() && classes_.back() == c)
            k = static_cast<std::uint32_t>(classes_.size() - 1);
        for (std::uint32_t i2 = 0; k == kNone && i2 < classes_.size() && i2 < 256; ++i2)
            if (classes_[i2] == c) k = i2;
        if (k == kNone) {
            k = static_cast<std::uint32_t>(classes_.size());
            classes_.push_back(c);
            classCount_.push_back(0);
        }
        classOf_.push_back(k);
        ++classCount_[k];
    }
    if (providers_.empty())
        ctx.failParam("provider_role",
                      "no node has the provider role \"" + cfg_.providerRole + "\"");
    if (clients_.empty())
        ctx.failParam("client_role", "no node has the client role \"" + cfg_.clientRole + "\"");
    const std::size_t n = providers_.size();
    running_.assign(n, kNone);
    idleAt_.assign(n, kNone);
    onlineAt_.assign(n, kNone);
    head_.assign(n, kNone);
    tail_.assign(n, kNone);
    backlog_.assign(n, 0.0);
    flags_.assign(n, 0);
    online_.reserve(n);  // sized once, as the other arrays
    if (cfg_.matching == Matching::Book) idle_.reserve(n);
    const core::NodeAttributes& attributes = ctx.attributes();
    const core::NodeAttributes::Id reputation = attributes.id("reputation");
    reputation_.resize(n);
    sim::Metrics& metrics = sim_->metrics();
    for (std::uint32_t p = 0; p < n; ++p) {
        reputation_[p] = static_cast<float>(attributes.number(providers_[p], reputation));
        metrics.setNode(m_.reputation, providers_[p], reputation_[p]);
        if (!net_->nodeUp(providers_[p])) continue;
        addTo(online_, onlineAt_, p);
        if (cfg_.matching == Matching::Book) addTo(idle_, idleAt_, p);
    }
    metrics.set(m_.online, static_cast<double>(online_.size()));
    onlineCount_ = online_.size();
    metrics.set(m_.availability,
                static_cast<double>(onlineCount_) / static_cast<double>(providers_.size()));
    policy_ = makePolicy(cfg_.policy, cfg_.costVariation);
    table_ = ProviderTable{&providers_, &classOf_, &classes_, &reputation_, &backlog_, net_};
    if (cfg_.verification == depin::Verification::Redundant && cfg_.redundancy > n)
        ctx.failParam("redundancy", "each job runs on " + std::to_string(cfg_.redundancy) +
                                        " different providers, but the market has " +
                                        std::to_string(n));
}

void Market::chooseDishonest(core::LayerContext& ctx) {
    if (cfg_.dishonest <= 0) return;
    // Exactly round(share x providers) of them, drawn without replacement, so a run's share is
    // the one asked for.
    const std::size_t n = providers_.size();
    auto want = static_cast<std::size_t>(std::llround(cfg_.dishonest * static_cast<double>(n)));
    sim::RngStream rng = ctx.rng(0, "dishonest");
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t p = 0; p < n; ++p)
        order[p] = p;
    for (std::size_t i = 0; i < want && i < n; ++i) {
        const std::size_t k = i + static_cast<std::size_t>(rng.below(n - i));
        std::swap(order[i], order[k]);
        flags_[order[i]] |= kDishonest;
    }
}

// --- arrivals ------------------------------------------------------------------------------

void Market::scheduleArrival(SimTime after) {
    SimTime at;
    std::optional<NodeIndex> from;
    if (cfg_.arrival == ArrivalKind::Trace) {
        std::optional<TraceJob> next = trace_.next();
        if (!next || !sim::addTime(cfg_.start, next->time, at)) return;  // the trace is done
        nextFromTrace_ = *next;
        from = next->client;
    } else if (!arrivals_.next(after, at)) {
        return;  // beyond the longest simulated time: no more
    }
    if (cfg_.stop > 0 && at >= cfg_.stop) return;
    const NodeIndex client =
        from ? *from : clients_[static_cast<std::size_t>(clientPicks_.below(clients_.size()))];
    sim_->scheduleAt(at, client, arrivalKind_);
}

void Market::onArrival(sim::Simulation& sim, const sim::Event& e) {
    if (!net_->nodeUp(static_cast<NodeIndex>(e.target))) {  // a client that is down submits nothing
        scheduleArrival(sim.now());
        return;
    }
    const std::uint32_t j = newJob();
    Job& job = jobs_[j];
    job.arrived = sim.now();
    job.client = static_cast<NodeIndex>(e.target);
    job.kind = mix_.single ? mix_.only : mix_.pick(kinds_.uniform());
    double mean = cfg_.jobGflop * 1e9;
    job.inputBytes = cfg_.inputBytes;
    job.outputBytes = cfg_.outputBytes;
    job.priority = 1;
    if (job.kind != JobKind::Custom) {
        const JobProfile profile = profileOf(job.kind);
        mean = profile.gflop * 1e9;
        job.inputBytes = profile.inputBytes;
        job.outputBytes = profile.outputBytes;
        job.priority = profile.priority;
    }
    if (cfg_.discipline == Discipline::Fifo) job.priority = 1;
    job.flops = cfg_.jobSize == JobSize::Exponential ? sizes_.exponential(mean) : mean;
    if (job.flops <= 0) job.flops = mean;      // an exponential draw of exactly zero
    if (cfg_.arrival == ArrivalKind::Trace) {  // what the trace says of the job comes first
        const TraceJob& t = nextFromTrace_;
        if (t.gflop) job.flops = *t.gflop * 1e9;
        if (t.inputBytes) job.inputBytes = *t.inputBytes;
        if (t.outputBytes) job.outputBytes = *t.outputBytes;
    }
    sim.metrics().add(m_.submitted, 1);
    const std::size_t runs =
        cfg_.verification == depin::Verification::Redundant ? cfg_.redundancy : 1;
    if (!servable(job, runs) || !provable(j)) {
        sim.metrics().add(m_.unserved, 1);
        freeJob(j);
    } else {
        inSystem(+1);
        if (runs > 1)
            openVote(j, runs);
        else
            place(j, false);
    }
    scheduleArrival(sim.now());
}

// --- the order book and the providers ------------------------------------------------------

double Market::memoryNeed(const Job& job) const {
    return job.kind == JobKind::Custom ? cfg_.jobMemoryGb : profileOf(job.kind).memoryGb;
}

bool Market::servable(const Job& job, std::size_t runs) const {
    std::size_t able = 0;
    if (const External* e = externalOf(job)) {
        for (std::uint32_t p = 0; p < providers_.size() && able < runs; ++p)
            able += inMarket(p) && meets(*e, job, p);
        return able >= runs;
    }
    for (std::size_t k = 0; k < classes_.size(); ++k)
        if (fits(job, classes_[k])) able += classCount_[k];
    return able >= runs;
}

bool Market::fits(const Job& job, const ProviderClass& c) const {
    const double need = memoryNeed(job);
    if (need > 0 && c.memoryGb > 0 && c.memoryGb < need) return false;
    return cfg_.budget <= 0 || c.price * job.flops / c.speed / 3600.0 <= cfg_.budget;
}

bool Market::eligible(std::uint32_t j, std::uint32_t p) const {
    const Job& job = jobs_[j];
    if (!inMarket(p)) return false;
    if (job.external != 0) {
        if (const External* e = externalOf(job); e != nullptr && !meets(*e, job, p)) return false;
    } else if (!fits(job, classes_[classOf_[p]])) {
        return false;
    }
    if (job.vote == kNone) return true;
    for (const std::uint32_t r : votes_[job.vote].runs)
        if (r != kNone && r != j && jobs_[r].provider == p) return false;
    return true;
}

void Market::toBook(std::uint32_t j, bool atHead) {
    if (!atHead) sim_->metrics().add(m_.waited, 1);
    jobs_[j].rate = -1;  // priced by the provider that takes it
    jobs_[j].phase = Phase::Book;
    std::deque<std::uint32_t>& book = book_[jobs_[j].priority];
    if (atHead)
        book.push_front(j);
    else
        book.push_back(j);
    ++booked_;
    sim_->metrics().set(m_.queued, static_cast<double>(booked_));
}

void Market::place(std::uint32_t j, bool atHead) {
    jobs_[j].transferTime = jobs_[j].computeTime = 0;  // a run that was lost counts as waiting
    const bool queues = cfg_.matching == Matching::Queues;
    const std::span<const std::uint32_t> candidates = candidatesFor(j, queues ? online_ : idle_);
    if (candidates.empty()) {  // nobody free (book), or nobody up (queues): the book holds it
        toBook(j, atHead);
        return;
    }
    Job& job = jobs_[j];
    const Pick pick = policy_->choose(JobView{job.client, job.flops}, candidates, table_, picks_);
    const std::uint32_t p = pick.provider;
    job.rate = static_cast<float>(pick.pricePerHour);
    sim_->metrics().observe(m_.price, pick.pricePerHour);
    if (queues) {
        // The job goes to the provider at once, its input with it; it joins the provider's queue
        // when the input is there.
        if (!atHead && running_[p] != kNone) sim_->metrics().add(m_.waited, 1);
        job.rerun = atHead;
        if (job.inputBytes == 0) {
            enqueue(p, j, atHead);
            providerFree(p);  // it starts the job if it was doing nothing
            return;
        }
        job.provider = p;
        backlog_[p] += job.flops;
        if (!sendInput(j, p)) drop(j, m_.failed);
        return;
    }
    removeFrom(idle_, idleAt_, p);
    if (!run(j, p)) providerFree(p);  // the job was dropped: the provider is still free
}

std::span<const std::uint32_t> Market::candidatesFor(std::uint32_t j,
                                                     const std::vector<std::uint32_t>& pool) {
    // A provider that went down a moment ago (a region going dark, before the layer hears of
    // each node) is still in the pool: it is passed over.
    sample_.clear();
    if (pool.empty()) return {};
    const auto fit = [&](std::uint32_t p) { return net_->nodeUp(providers_[p]) && eligible(j, p); };
    if (cfg_.candidates > 0) {
        for (std::size_t i = 0; i < cfg_.candidates; ++i) {
            const std::uint32_t p = pool[static_cast<std::size_t>(picks_.below(pool.size()))];
            if (fit(p)) sample_.push_back(p);
        }
        if (!sample_.empty()) return sample_;
    }
    // Every one of them (or every draw missed: look at them all).
    for (std::uint32_t p : pool)
        if (fit(p)) sample_.push_back(p);
    return sample_;
}

void Market::enqueue(std::uint32_t p, std::uint32_t j, bool atHead) {
    Job& job = jobs_[j];
    job.provider = p;
    job.phase = Phase::Queued;
    backlog_[p] += job.flops;
    if (atHead || head_[p] == kNone || jobs_[head_[p]].priority > job.priority) {
        job.nextFree = head_[p];
        head_[p] = j;
        if (tail_[p] == kNone) tail_[p] = j;
        return;
    }
    // After the last job of its priority or a higher one (first come first served within one).
    std::uint32_t after = tail_[p];
    if (jobs_[after].priority > job.priority) {
        after = head_[p];
        while (jobs_[after].nextFree != kNone &&
               jobs_[jobs_[after].nextFree].priority <= job.priority)
            after = jobs_[after].nextFree;
    }
    job.nextFree = jobs_[after].nextFree;
    jobs_[after].nextFree = j;
    if (tail_[p] == after) tail_[p] = j;
}

void Market::addTo(std::vector<std::uint32_t>& set, std::vector<std::uint32_t>& at,
                   std::uint32_t p) {
    if (at[p] != kNone) return;
    at[p] = static_cast<std::uint32_t>(set.size());
    set.push_back(p);
}

void Market::removeFrom(std::vector<std::uint32_t>& set, std::vector<std::uint32_t>& at,
                        std::uint32_t p) {
    const std::uint32_t i = at[p];
    if (i == kNone) return;
    set[i] = set.back();
    at[set[i]] = i;
    set.pop_back();
    at[p] = kNone;
}

bool Market::run(std::uint32_t j, std::uint32_t p) {
    Job& job = jobs_[j];
    if (job.provider != p) backlog_[p] += job.flops;  // not counted in its queue already
    job.provider = p;
    if (job.rate < 0) {  // taken from the book: the provider's posted price
        job.rate = static_cast<float>(table_.price(p));
        sim_->metrics().observe(m_.price, table_.price(p));
    }
    if (cfg_.payment == Payment::Escrow && !hold(j, p)) {
        drop(j, m_.unaffordable);  // its client cannot pay
        return false;
    }
    job.started = sim_->now();
    running_[p] = j;
    display_.state(providers_[p], busyState_);
    // With queues the input is there already; in the book the lease starts at the match and
    // the input travels during it.
    if (job.inputBytes == 0 || cfg_.matching == Matching::Queues) {
        if (job.inputBytes == 0) job.transferTime = 0;
        compute(j);
        return true;
    }
    if (!sendInput(j, p)) {
        refund(j);
        running_[p] = kNone;
        display_.clear(providers_[p]);
        drop(j, m_.failed);
        return false;
    }
    return true;
}

bool Market::sendInput(std::uint32_t j, std::uint32_t p) {
    Job& job = jobs_[j];
    job.mark = sim_->now();
    job.transferTime = 0;
    job.phase = Phase::Sent;
    sim_->metrics().add(m_.bytes, static_cast<double>(job.inputBytes));
    if (core::NodeContext(*runtime_, job.client)
            .send(inputs_, providers_[p], job.inputBytes, Transfer{j}) != 0)
        return true;
    return false;  // the client is down and cannot send its input
}

void Market::drop(std::uint32_t j, sim::MetricId why) {
    Job& job = jobs_[j];
    if (job.provider != kNone) backlog_[job.provider] -= job.flops;
    sim_->metrics().add(why, 1);
    if (job.vote != kNone) {  // one run of a redundant job: the vote goes on without it
        job.provider = kNone;
        voteRun(j, false);
        return;
    }
    if (job.external != 0) {
        if (externalOf(job) == nullptr) {  // cancelled: counted out of the system then
            freeJob(j);
            return;
        }
        externalDropped(j, why);
    }
    inSystem(-1);
    freeJob(j);
}

void Market::onInput(void* self, const sim::Delivery& d, Transfer& t) {
    auto& m = *static_cast<Market*>(self);
    Job& job = m.jobs_[t.job];
    job.transferTime = d.now - job.mark;
    if (m.cfg_.matching == Matching::Book) {
        m.compute(t.job);
        return;
    }
    // Queues: the job joins its provider's queue now that its input is there.
    const std::uint32_t p = job.provider;
    m.backlog_[p] -= job.flops;  // enqueue counts it again
    m.enqueue(p, t.job, job.rerun);
    m.providerFree(p);
}

void Market::onInputLost(void* self, const sim::Loss&, Transfer& t) {
    auto& m = *static_cast<Market*>(self);
    Job& job = m.jobs_[t.job];
    // A client that went down, or is cut off from every provider, cannot send its input: after
    // a few tries the job fails (trying again at once would never end).
    if (!m.net_->nodeUp(job.client) || ++job.inputLosses >= kMaxInputLosses) {
        const std::uint32_t p = job.provider;
        m.backlog_[p] -= job.flops;
        job.provider = kNone;
        m.refund(t.job);
        if (m.cfg_.matching == Matching::Book) {
            m.running_[p] = kNone;
            if (m.net_->nodeUp(m.providers_[p]) && m.inMarket(p)) m.display_.clear(m.providers_[p]);
        }
        m.drop(t.job, m.m_.failed);
        m.providerFree(p);
        return;
    }
    if (m.cfg_.matching == Matching::Book) {
        m.preempt(t.job);
        return;
    }
    // Queues: the input never reached the provider; the job goes to another (or the same).
    m.backlog_[job.provider] -= job.flops;
    job.provider = kNone;
    m.sim_->metrics().add(m.m_.preempted, 1);
    m.place(t.job, true);
}

void Market::compute(std::uint32_t j) {
    Job& job = jobs_[j];
    const std::uint32_t p = job.provider;
    job.mark = sim_->now();
    job.phase = Phase::Running;
    // A dishonest provider decides now whether it cheats on this run; one that does computes
    // only the share cheat_effort of the work (at least one FLOP, so its result comes back
    // through the processor like any other).
    job.wrong = (flags_[p] & kDishonest) != 0 && cheats_.uniform() < cfg_.cheatRate;
    const double work = job.wrong ? std::max(1.0, job.flops * cfg_.cheatEffort) : job.flops;
    const auto unit =
        table_.of(p).gpu ? core::NodeCompute::Unit::Gpu : core::NodeCompute::Unit::Cpu;
    if (runtime_->compute().start(providers_[p], work, unit, &Market::onComputed, this, j) == 0)
        preempt(j);  // its provider went down while the input was on its way
}

void Market::onComputed(void* self, const core::NodeCompute::Finished& f) {
    auto& m = *static_cast<Market*>(self);
    const auto j = static_cast<std::uint32_t>(f.data);
    if (!f.completed) {  // its provider crashed
        m.judge(m.jobs_[j].provider, 0);
        if (m.cfg_.slashFailures) m.slash(m.jobs_[j].provider);
        m.preempt(j);
        return;
    }
    Job& job = m.jobs_[j];
    if (job.phase == Phase::Proving) {
        m.proved(j);
        return;
    }
    if (m.proves(job)) {
        m.startProof(j);
        return;
    }
    job.computeTime = m.sim_->now() - job.mark;
    m.returnResult(j, 0);
}

void Market::returnResult(std::uint32_t j, std::uint64_t proofBytes) {
    Job& job = jobs_[j];
    job.mark = sim_->now();
    job.phase = Phase::Returning;
    const std::uint64_t bytes = job.outputBytes + proofBytes;
    if (bytes == 0) {
        release(j, true);
        resultBack(j);
        return;
    }
    sim_->metrics().add(m_.bytes, static_cast<double>(bytes));
    if (proofBytes > 0) sim_->metrics().add(m_.proofBytes, static_cast<double>(proofBytes));
    const NodeIndex provider = providers_[job.provider];
    release(j, true);  // the provider is free once its result is on its way
    core::NodeContext(*runtime_, provider).send(outputs_, job.client, bytes, Transfer{j});
}

void Market::onOutput(void* self, const sim::Delivery&, Transfer& t) {
    static_cast<Market*>(self)->resultBack(t.job);
}

void Market::onOutputLost(void* self, const sim::Loss&, Transfer& t) {
    auto& m = *static_cast<Market*>(self);
    m.proofsInFlight_.erase(t.job);  // lost with the result
    m.refund(t.job);
    m.jobs_[t.job].provider = kNone;  // released already: nothing of it is on the provider
    m.drop(t.job, m.m_.failed);
}

void Market::preempt(std::uint32_t j) {
    const std::uint32_t p = jobs_[j].provider;
    running_[p] = kNone;
    backlog_[p] -= jobs_[j].flops;
    jobs_[j].provider = kNone;
    refund(j);
    sim_->metrics().add(m_.preempted, 1);
    if (net_->nodeUp(providers_[p]) && inMarket(p)) display_.clear(providers_[p]);
    place(j, true);
    providerFree(p);  // if it is up (its input was lost on the way), it takes the next job
}

void Market::release(std::uint32_t j, bool finished) {
    const std::uint32_t p = jobs_[j].provider;
    const NodeIndex node = providers_[p];
    if (finished) {
        sim::Metrics& metrics = sim_->metrics();
        metrics.addNode(m_.providerJobs, node, 1);
        metrics.addNode(m_.busyTime, node, sim::toSeconds(sim_->now() - jobs_[j].started));
        if (sim_->now() > 0)
            metrics.setNode(m_.utilisation, node,
                            metrics.nodeValue(m_.busyTime, node) / sim::toSeconds(sim_->now()));
    }
    running_[p] = kNone;
    backlog_[p] -= jobs_[j].flops;
    if (inMarket(p))
        display_.clear(node);
    else if ((flags_[p] & kLeft) != 0)
        display_.state(node, leftState_);
    else if ((flags_[p] & kAway) != 0)
        display_.state(node, awayState_);
    providerFree(p);
}

void Market::resultBack(std::uint32_t j) {
    Job& job = jobs_[j];
    job.transferTime += sim_->now() - job.mark;  // its result's way back
    job.phase = Phase::Checking;
    if (job.wrong) sim_->metrics().add(m_.wrong, 1);
    if (job.vote != kNone) {
        voteRun(j, true);
        return;
    }
    if (proofsInFlight_.contains(j)) {
        checkProof(j);
        return;
    }
    const External* e = externalOf(job);
    const bool spot = e != nullptr ? e->spec.verification == core::ComputeMarket::Verification::Spot
                                   : cfg_.verification == depin::Verification::Spot;
    const double rate = e != nullptr ? e->spec.spotRate : cfg_.spotRate;
    if (spot && audits_.uniform() < rate) {
        audit(j);
        return;
    }
    if (job.wrong) sim_->metrics().add(m_.wrongAccepted, 1);  // nobody checked it
    accept(j);
}

void Market::accept(std::uint32_t j, bool checked) {
    Job& job = jobs_[j];
    if (job.external != 0) {
        const External* e = externalOf(job);
        if (e == nullptr) {  // cancelled: its price went back, its result is thrown away
            refund(j);
            freeJob(j);
            return;
        }
        observeDone(j, job.arrived);
        judge(job.provider, 1);
        if (e->spec.deadline != sim::kTimeNever && sim_->now() > e->spec.deadline) {
            refund(j);
            finishExternal(job.external, Status::MissedDeadline, j,
                           "the result came back after the deadline", 0, checked);
        } else {
            const core::Amount paid = job.hold != 0 ? job.price : 0;
            recordResult(j, checked);
            pay(j);
            finishExternal(job.external, Status::Done, j, {}, paid, checked);
        }
        inSystem(-1);
        freeJob(j);
        return;
    }
    observeDone(j, job.arrived);
    recordResult(j, checked);
    pay(j);
    judge(job.provider, 1);
    inSystem(-1);
    freeJob(j);
}

void Market::recordResult(std::uint32_t j, bool checked) {
    if (ledger_ == nullptr) return;
    const Job& job = jobs_[j];
    const NodeIndex provider = providers_[job.provider];
    // The record, in full: who computed what for whom, and for how much.
    nlohmann::json r;
    r["client"] = net_->nodeName(job.client);
    r["provider"] = net_->nodeName(provider);
    r["kind"] = std::string(kindName(job.kind));
    r["flops"] = job.flops;
    r["price"] = job.price;
    r["checked"] = checked;
    r["at"] = sim::toSeconds(sim_->now());
    core::LedgerService::Transaction tx;
    tx.from = provider;
    tx.topic = "market.result";
    tx.content = r.dump();
    tx.digest = core::sha256(tx.content);
    ledger_->record(tx, [this](const core::LedgerService::Receipt& receipt) {
        if (receipt.final()) sim_->metrics().add(m_.resultsRecorded, 1);
    });
}

const Market::External* Market::externalOf(const Job& job) const {
    if (job.external == 0) return nullptr;
    const auto it = externals_.find(job.external);
    return it == externals_.end() ? nullptr : &it->second;
}

sim::SimTime Market::deadlineOf(const Job& job) const {
    if (const External* e = externalOf(job))
        return e->spec.deadline == sim::kTimeNever ? 0 : e->spec.deadline - job.arrived;
    return job.kind == JobKind::Custom ? cfg_.deadline : profileOf(job.kind).deadline;
}

void Market::observeDone(std::uint32_t j, SimTime arrived) {
    const Job& job = jobs_[j];
    sim::Metrics& metrics = sim_->metrics();
    const SimTime now = sim_->now();
    metrics.add(m_.done, 1);
    const SimTime deadline = deadlineOf(job);
    if (deadline > 0 && now - arrived > deadline) metrics.add(m_.missed, 1);
    // Of the time since it arrived: its input's and its result's ways, its compute, and the
    // rest waiting (in the book or a queue, any run it lost, and any check of its result).
    const SimTime transfer = job.transferTime;
    const SimTime compute = job.computeTime;
    const double wait = sim::toSeconds(now - arrived - transfer - compute);
    const double response = sim::toSeconds(now - arrived);
    metrics.observe(m_.wait, wait);
    metrics.observe(m_.transfer, sim::toSeconds(transfer));
    metrics.observe(m_.compute, sim::toSeconds(compute));
    metrics.observe(m_.response, response);
    if (mix_.single) return;
    static constexpr std::array<std::pair<sim::MetricId Metrics::*, sim::MetricId Metrics::*>,
                                kJobKinds>
        kByKind = {{{&Metrics::waitCustom, &Metrics::responseCustom},
                    {&Metrics::waitInference, &Metrics::responseInference},
                    {&Metrics::waitTraining, &Metrics::responseTraining},
                    {&Metrics::waitRender, &Metrics::responseRender}}};
    const auto& [w, r] = kByKind[static_cast<std::size_t>(job.kind)];
    metrics.observe(m_.*w, wait);
    metrics.observe(m_.*r, response);
}

void Market::pay(std::uint32_t j) {
    Job& job = jobs_[j];
    sim::Metrics& metrics = sim_->metrics();
    if (!earned_.empty())
        earned_[job.provider] += static_cast<float>(static_cast<double>(job.rate) * job.flops /
                                                    table_.speed(job.provider) / 3600.0);
    if (job.hold != 0 && cfg_.tokenModel == TokenModel::BurnAndMint) {
        // The result is accepted: what was held is burned; the provider earns the emission.
        auto paid = payments_->release(job.hold, burnAccount_, job.price, "depin: job paid");
        DAIS_CHECK(paid.ok(), "the market could not take a job's price from escrow");
        auto burned = payments_->burn(burnAccount_, job.price, "depin: burned for a job");
        DAIS_CHECK(burned.ok(), "the market could not burn a job's price");
        job.hold = 0;
        const double tokens = static_cast<double>(job.price) / unitsPerToken_;
        burnedInEpoch_ += tokens;
        metrics.add(m_.burned, tokens);
        metrics.add(m_.spent, tokens);
        metrics.observe(m_.cost, tokens);
    } else if (job.hold != 0) {
        // The result is accepted: the provider is paid what was held.
        const NodeIndex provider = providers_[job.provider];
        const auto paid = payments_->release(job.hold, payments_->nodeAccount(provider), job.price,
                                             "depin: job paid");
        DAIS_CHECK(paid.ok(), "the market could not pay a provider from escrow");
        job.hold = 0;
        const double tokens = static_cast<double>(job.price) / unitsPerToken_;
        metrics.add(m_.spent, tokens);
        metrics.observe(m_.cost, tokens);
        metrics.addNode(m_.income, provider, tokens);
    } else if (cfg_.payment == Payment::Escrow) {
        metrics.observe(m_.cost, 0.0);
    }
}

core::Amount Market::priceUnits(double rate, double flops, std::uint32_t p) const {
    // Burn-and-mint: the price is pegged to the dollar, paid in tokens at their price now.
    const double peg = cfg_.tokenModel == TokenModel::BurnAndMint ? cfg_.tokenUsd / price_ : 1.0;
    const double units = std::round(rate * flops / table_.speed(p) / 3600.0 * peg * unitsPerToken_);
    return units >= static_cast<double>(core::Payments::kMaxAmount)
               ? core::Payments::kMaxAmount
               : static_cast<core::Amount>(units);
}

bool Market::hold(std::uint32_t j, std::uint32_t p) {
    Job& job = jobs_[j];
    job.price = priceUnits(static_cast<double>(job.rate), job.flops, p);
    job.hold = 0;
    if (job.price <= 0) return true;  // free
    const External* e = externalOf(job);
    if (job.external != 0 && e == nullptr) return false;  // cancelled meanwhile
    const auto held =
        payments_->hold(e != nullptr ? e->spec.payer : payments_->nodeAccount(job.client),
                        job.price, "depin: job matched");
    if (!held.ok()) return false;
    job.hold = held.value();
    return true;
}

void Market::refund(std::uint32_t j) {
    Job& job = jobs_[j];
    if (job.hold == 0) return;
    const auto back = payments_->refund(job.hold, "depin: run lost");
    DAIS_CHECK(back.ok(), "the market could not refund a client from escrow");
    job.hold = 0;
}

std::uint32_t Market::takeFromBook(std::uint32_t p) {
    for (std::deque<std::uint32_t>& book : book_)
        for (auto it = book.begin(); it != book.end(); ++it) {
            if (!eligible(*it, p)) continue;
            const std::uint32_t j = *it;
            book.erase(it);
            --booked_;
            sim_->metrics().set(m_.queued, static_cast<double>(booked_));
            return j;
        }
    return kNone;
}

void Market::providerFree(std::uint32_t p) {
    // The network is asked, not online_: a crash ends the provider's work before the layer hears of
    // the crash itself. A job it takes may be dropped at once (its client cannot pay): it takes
    // the next, in a loop, never in a chain of calls.
    if (!net_->nodeUp(providers_[p]) || running_[p] != kNone || !inMarket(p)) return;
    while (head_[p] != kNone) {  // queues: the next job of its own
        const std::uint32_t j = head_[p];
        head_[p] = jobs_[j].nextFree;
        if (head_[p] == kNone) tail_[p] = kNone;
        if (run(j, p)) return;
    }
    for (std::uint32_t j = takeFromBook(p); j != kNone; j = takeFromBook(p))
        if (run(j, p)) return;
    if (cfg_.matching == Matching::Book) addTo(idle_, idleAt_, p);
}

void Market::onNodeUp(NodeIndex node, bool up) {
    const std::uint32_t p = providerOf_[node];
    if (p == kNone || !inMarket(p) || (onlineAt_[p] != kNone) == up)
        return;  // no change for the market
    if (up) {
        comeBack(p);
        return;
    }
    display_.state(node, offlineState_);
    providerGone(p);
}

void Market::providerGone(std::uint32_t p) {
    removeFrom(idle_, idleAt_, p);
    removeFrom(online_, onlineAt_, p);
    sim_->metrics().set(m_.online, static_cast<double>(online_.size()));
    onlineChanged();
    availableChanged(p, false);
    // Queues: the jobs waiting for it go to other providers, the oldest first in each queue.
    std::vector<std::uint32_t> waiting;
    for (std::uint32_t j = head_[p]; j != kNone; j = jobs_[j].nextFree)
        waiting.push_back(j);
    head_[p] = tail_[p] = kNone;
    for (auto it = waiting.rbegin(); it != waiting.rend(); ++it) {
        backlog_[p] -= jobs_[*it].flops;
        jobs_[*it].provider = kNone;
        place(*it, true);
    }
}

// --- jobs and the count in the system ------------------------------------------------------

std::uint32_t Market::newJob() {
    return takeSlot(jobs_, freeJob_, "jobs");
}

void Market::freeJob(std::uint32_t j) {
    jobs_[j].live = false;
    jobs_[j].nextFree = freeJob_;
    freeJob_ = j;
}

void Market::inSystem(int delta) {
    const SimTime now = sim_->now();
    integral_ += static_cast<double>(inSystem_) * sim::toSeconds(now - lastChange_);
    lastChange_ = now;
    inSystem_ += delta;
    sim::Metrics& metrics = sim_->metrics();
    metrics.set(m_.inSystem, static_cast<double>(inSystem_));
    if (now > cfg_.start)
        metrics.set(m_.meanInSystem, integral_ / sim::toSeconds(now - cfg_.start));
}

void Market::onlineChanged() {
    const SimTime now = sim_->now();
    onlineIntegral_ += static_cast<double>(onlineCount_) * sim::toSeconds(now - lastOnlineChange_);
    lastOnlineChange_ = now;
    onlineCount_ = online_.size();
    if (now > 0)
        sim_->metrics().set(m_.availability, onlineIntegral_ / sim::toSeconds(now) /
                                                 static_cast<double>(providers_.size()));
}

void Market::finish(core::LayerContext&) {
    inSystem(0);
    onlineChanged();
}

void Market::inspect(std::string_view table, core::TableWriter& out) {
    const sim::Metrics& metrics = sim_->metrics();
    if (table == "depin.providers") {
        // Jobs on their way to each provider or in its queue (queues).
        std::vector<std::uint32_t> queued(providers_.size(), 0);
        for (std::uint32_t j = 0; j < jobs_.size(); ++j) {
            const Job& job = jobs_[j];
            if (job.live && job.provider != kNone &&
                (job.phase == Phase::Sent || job.phase == Phase::Queued) &&
                running_[job.provider] != j)
                ++queued[job.provider];
        }
        out.reserve(providers_.size());
        for (std::uint32_t p = 0; p < providers_.size(); ++p) {
            const NodeIndex node = providers_[p];
            const ProviderClass& c = table_.of(p);
            const char* state = (flags_[p] & kExpelled) != 0 ? "expelled"
                                : (flags_[p] & kLeft) != 0   ? "left"
                                : (flags_[p] & kAway) != 0   ? "away"
                                : !net_->nodeUp(node)        ? "offline"
                                : running_[p] != kNone       ? "busy"
                                                             : "up";
            const std::string_view hardware =
                c.hardware < 0 ? std::string_view("node")
                               : hardwareCatalogue()[static_cast<std::size_t>(c.hardware)].id;
            out.row()
                .node(node)
                .text(state)
                .text(hardware)
                .real(c.speed / 1e12)
                .real(c.price)
                .real(reputation_[p])
                .integer(queued[p])
                .real(backlog_[p] < 1 ? 0.0 : backlog_[p] / 1e9)  // sums of doubles: no dust
                .integer(static_cast<std::int64_t>(metrics.nodeValue(m_.providerJobs, node)))
                .real(metrics.nodeValue(m_.busyTime, node))
                .real(metrics.nodeValue(m_.income, node))
                .text((flags_[p] & kDishonest) != 0 ? "no" : "yes")
                .real(stake_.empty() ? 0.0 : static_cast<double>(stake_[p]) / unitsPerToken_)
                .integer(caughtCount_.empty() ? 0 : caughtCount_[p]);
        }
        return;
    }
    if (table == "depin.classes") {
        // Keyed by region and hardware, in the order first met.
        struct Row {
            std::string region, hardware;
            std::int64_t providers = 0, online = 0, jobs = 0;
            double busy = 0, income = 0;
        };
        std::vector<Row> rows;
        std::map<std::pair<std::uint32_t, std::int32_t>, std::size_t> at;
        const std::span<const sim::RegionSpec> regions = net_->regions();
        for (std::uint32_t p = 0; p < providers_.size(); ++p) {
            const NodeIndex node = providers_[p];
            const auto region = static_cast<std::uint32_t>(net_->regionOf(node));
            const ProviderClass& c = table_.of(p);
            const auto [it, fresh] = at.emplace(std::pair{region, c.hardware}, rows.size());
            if (fresh) {
                Row r;
                if (region < regions.size()) r.region = regions[region].id;
                r.hardware =
                    c.hardware < 0
                        ? "node"
                        : std::string(hardwareCatalogue()[static_cast<std::size_t>(c.hardware)].id);
                rows.push_back(std::move(r));
            }
            Row& r = rows[it->second];
            ++r.providers;
            r.online += onlineAt_[p] != kNone;
            r.jobs += static_cast<std::int64_t>(metrics.nodeValue(m_.providerJobs, node));
            r.busy += metrics.nodeValue(m_.busyTime, node);
            r.income += metrics.nodeValue(m_.income, node);
        }
        const double now = sim::toSeconds(sim_->now());
        for (const Row& r : rows)
            out.row()
                .text(r.region)
                .text(r.hardware)
                .integer(r.providers)
                .integer(r.online)
                .real(now > 0 ? r.busy / (static_cast<double>(r.providers) * now) : 0.0)
                .integer(r.jobs)
                .real(r.income);
        return;
    }
    if (table != "depin.jobs") return;
    for (std::uint32_t j = 0; j < jobs_.size(); ++j) {
        const Job& job = jobs_[j];
        if (!job.live) continue;
        static constexpr const char* kPhase[] = {"book",      "sent",     "queued", "running",
                                                 "returning", "checking", "voting", "proving"};
        const char* state = job.provider == kNone ? "book" : kPhase[static_cast<int>(job.phase)];
        auto row = out.row();
        row.integer(j).node(job.client);
        if (job.provider == kNone)
            row.none();
        else
            row.node(providers_[job.provider]);
        row.text(state).time(job.arrived).real(job.flops / 1e9).text(kindName(job.kind));
        row.integer(job.vote == kNone ? 1 : votes_[job.vote].round);
    }
}

core::LayerFactory factory() {
    core::LayerFactory f;
    f.descriptor = definition().descriptor();
    f.create = []() -> std::unique_ptr<core::Layer> { return std::make_unique<Market>(); };
    return f;
}

}  // namespace dais::layers::depin
