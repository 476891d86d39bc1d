// The market, in the order a run meets it: set-up (who provides, who submits), arrivals, the
// order book, runs on the providers' processors, their ends, and providers that crash and
// recover. market.h says how it is kept.
#include "market.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>

#include "dais/core/node_attributes.h"
#include "dais/core/scenario.h"
#include "dais/layers/depin.h"

namespace dais::layers::depin {

using sim::NodeIndex;
using sim::SimTime;

void Market::estimateMemory(core::LayerEstimateContext& ctx) const {
    // Per provider: its flat arrays (about 90 bytes) and, once it computes, its processor in the
    // run's compute occupancy (about 130 bytes); per node, its provider number. The jobs in the
    // market grow with the load and are taken from the run's budget as they come.
    const Config cfg = definition().read(ctx.params());
    const auto providers = static_cast<double>(ctx.nodeCountWithRole(cfg.providerRole));
    const auto nodes = static_cast<double>(ctx.nodeCount());
    ctx.need("provider_role", sim::countText(providers) + " providers",
             providers * 220 + nodes * 4);
}

void Market::setup(core::LayerContext& ctx) {
    sim_ = &ctx.simulation();
    net_ = &ctx.network();
    cfg_ = definition().read(ctx.params());
    m_ = definition().defineMetrics(ctx);
    display_ = ctx.display();
    busyState_ = ctx.nodeState("busy");
    offlineState_ = ctx.nodeState("offline");
    runtime_ = std::make_unique<core::SimNodeRuntime>(ctx);
    findNodes(ctx);
    // Layer-wide streams: node 0, a purpose each.
    arrivals_ = Arrivals(cfg_, ctx.rng(0, "arrivals"));
    if (cfg_.arrival == ArrivalKind::Trace) openTrace(ctx);
    clientPicks_ = ctx.rng(0, "clients");
    sizes_ = ctx.rng(0, "sizes");
    picks_ = ctx.rng(0, "picks");
    arrivalKind_ = sim_->registerKind<&Market::onArrival>("depin.arrival", *this);
    inputs_.open(runtime_->transport(), "depin.input", &Market::onInput, this,
                 &Market::onInputLost);
    outputs_.open(runtime_->transport(), "depin.output", &Market::onOutput, this,
                  &Market::onOutputLost);
    net_->addFaultListener(this);
    lastChange_ = cfg_.start;
    scheduleArrival(cfg_.start);
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
    if (cfg_.payment != Payment::Escrow) return;
    payments_ = ctx.services().find<core::Payments>();
    if (payments_ == nullptr) ctx.failParam("payment", "no payments service in the run");
    unitsPerToken_ = std::pow(10.0, payments_->token().decimals);
}

void Market::findNodes(core::LayerContext& ctx) {
    const auto nodes = static_cast<NodeIndex>(net_->nodeCount());
    providerOf_.assign(nodes, kNone);
    core::NodeCompute& compute = runtime_->compute();
    const core::NodeAttributes& attributes = ctx.attributes();
    const core::NodeAttributes::Id price = attributes.id("price");
    const core::NodeAttributes::Id reputation = attributes.id("reputation");
    const core::NodeAttributes::Id cost = attributes.id("cost");
    // The arrays are sized once: growing them by doubling would leave up to half unused.
    std::size_t count = 0;
    for (NodeIndex i = 0; i < nodes; ++i)
        count += net_->role(i) == cfg_.providerRole;
    providers_.reserve(count);
    unit_.reserve(count);
    speed_.reserve(count);
    price_.reserve(count);
    reputation_.reserve(count);
    cost_.reserve(count);
    for (NodeIndex i = 0; i < nodes; ++i) {
        const std::string_view role = net_->role(i);
        if (role == cfg_.clientRole) clients_.push_back(i);
        if (role != cfg_.providerRole) continue;
        const double cpu = compute.speed(i, core::NodeCompute::Unit::Cpu);
        const double gpu = compute.speed(i, core::NodeCompute::Unit::Gpu);
        if (cpu <= 0 && gpu <= 0)
            ctx.failParam("provider_role", "provider \"" + net_->nodeName(i) +
                                               "\" has no processor to sell: give it "
                                               "resources.cpu_gflops or resources.gpu_tflops");
        providerOf_[i] = static_cast<std::uint32_t>(providers_.size());
        providers_.push_back(i);
        unit_.push_back(gpu > cpu ? core::NodeCompute::Unit::Gpu : core::NodeCompute::Unit::Cpu);
        speed_.push_back(std::max(cpu, gpu));
        price_.push_back(attributes.number(i, price));
        reputation_.push_back(attributes.number(i, reputation));
        cost_.push_back(attributes.number(i, cost));
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
    for (std::uint32_t p = 0; p < n; ++p) {
        if (!net_->nodeUp(providers_[p])) continue;
        addTo(online_, onlineAt_, p);
        if (cfg_.matching == Matching::Book) addTo(idle_, idleAt_, p);
    }
    sim_->metrics().set(m_.online, static_cast<double>(online_.size()));
    onlineCount_ = online_.size();
    sim_->metrics().set(m_.availability,
                        static_cast<double>(onlineCount_) / static_cast<double>(providers_.size()));
    policy_ = makePolicy(cfg_.policy, cfg_.costVariation);
    table_ = ProviderTable{&providers_, &speed_, &price_, &cost_, &reputation_, &backlog_, net_};
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
    const std::uint32_t j = newJob();
    Job& job = jobs_[j];
    job.arrived = sim.now();
    job.client = static_cast<NodeIndex>(e.target);
    const double mean = cfg_.jobGflop * 1e9;
    job.flops = cfg_.jobSize == JobSize::Exponential ? sizes_.exponential(mean) : mean;
    if (job.flops <= 0) job.flops = mean;  // an exponential draw of exactly zero
    job.inputBytes = cfg_.inputBytes;
    job.outputBytes = cfg_.outputBytes;
    if (cfg_.arrival == ArrivalKind::Trace) {  // what the trace says of the job comes first
        const TraceJob& t = nextFromTrace_;
        if (t.gflop) job.flops = *t.gflop * 1e9;
        if (t.inputBytes) job.inputBytes = *t.inputBytes;
        if (t.outputBytes) job.outputBytes = *t.outputBytes;
    }
    sim.metrics().add(m_.submitted, 1);
    inSystem(+1);
    place(j, false);
    scheduleArrival(sim.now());
}

// --- the order book and the providers ------------------------------------------------------

void Market::place(std::uint32_t j, bool atHead) {
    const bool queues = cfg_.matching == Matching::Queues;
    const std::span<const std::uint32_t> candidates = candidatesFrom(queues ? online_ : idle_);
    if (candidates.empty()) {  // nobody free (book), or nobody up (queues): the book holds it
        if (!atHead) sim_->metrics().add(m_.waited, 1);
        jobs_[j].rate = -1;  // priced by the provider that takes it
        if (atHead)
            book_.push_front(j);
        else
            book_.push_back(j);
        sim_->metrics().set(m_.queued, static_cast<double>(book_.size()));
        return;
    }
    Job& job = jobs_[j];
    const Pick pick = policy_->choose(JobView{job.client, job.flops}, candidates, table_, picks_);
    const std::uint32_t p = pick.provider;
    job.rate = pick.pricePerHour;
    sim_->metrics().observe(m_.price, job.rate);
    if (queues) {
        // The job goes to the provider at once, its input with it; it joins the provider's queue
        // when the input is there.
        if (!atHead && running_[p] != kNone) sim_->metrics().add(m_.waited, 1);
        jobs_[j].rerun = atHead;
        if (job.inputBytes == 0) {
            enqueue(p, j, atHead);
            providerFree(p);  // it starts the job if it was doing nothing
            return;
        }
        jobs_[j].provider = p;
        backlog_[p] += jobs_[j].flops;
        if (!sendInput(j, p)) drop(j, m_.failed);
        return;
    }
    removeFrom(idle_, idleAt_, p);
    if (!run(j, p)) providerFree(p);  // the job was dropped: the provider is still free
}

std::span<const std::uint32_t> Market::candidatesFrom(const std::vector<std::uint32_t>& pool) {
    // A provider that went down a moment ago (a region going dark, before the layer hears of
    // each node) is still in the pool: it is passed over.
    sample_.clear();
    if (pool.empty()) return {};
    if (cfg_.candidates == 0) {
        for (std::uint32_t p : pool)
            if (net_->nodeUp(providers_[p])) sample_.push_back(p);
        return sample_;
    }
    for (std::size_t i = 0; i < cfg_.candidates; ++i) {
        const std::uint32_t p = pool[static_cast<std::size_t>(picks_.below(pool.size()))];
        if (net_->nodeUp(providers_[p])) sample_.push_back(p);
    }
    if (sample_.empty())  // every draw was down: look at them all
        for (std::uint32_t p : pool)
            if (net_->nodeUp(providers_[p])) sample_.push_back(p);
    return sample_;
}

void Market::enqueue(std::uint32_t p, std::uint32_t j, bool atHead) {
    Job& job = jobs_[j];
    job.provider = p;
    backlog_[p] += job.flops;
    if (atHead || head_[p] == kNone) {
        job.nextFree = head_[p];
        head_[p] = j;
        if (tail_[p] == kNone) tail_[p] = j;
        return;
    }
    job.nextFree = kNone;
    jobs_[tail_[p]].nextFree = j;
    tail_[p] = j;
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
        job.rate = price_[p];
        sim_->metrics().observe(m_.price, job.rate);
    }
    if (payments_ != nullptr && !hold(j, p)) {
        drop(j, m_.unaffordable);  // its client cannot pay
        return false;
    }
    job.started = sim_->now();
    running_[p] = j;
    display_.state(providers_[p], busyState_);
    // With queues the input is there already; in the book the lease starts at the match and
    // the input travels during it.
    if (job.inputBytes == 0 || cfg_.matching == Matching::Queues) {
        if (job.inputBytes == 0) job.inputSent = job.inputAt = job.started;
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
    job.inputSent = sim_->now();
    job.inputAt = 0;
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
    inSystem(-1);
    freeJob(j);
}

void Market::onInput(void* self, const sim::Delivery& d, Transfer& t) {
    auto& m = *static_cast<Market*>(self);
    Job& job = m.jobs_[t.job];
    job.inputAt = d.now;
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
    if (m.cfg_.matching == Matching::Book) {
        m.preempt(t.job);
        return;
    }
    // Queues: the input never reached the provider; the job goes to another (or the same).
    Job& job = m.jobs_[t.job];
    m.backlog_[job.provider] -= job.flops;
    job.provider = kNone;
    m.sim_->metrics().add(m.m_.preempted, 1);
    m.place(t.job, true);
}

void Market::compute(std::uint32_t j) {
    Job& job = jobs_[j];
    const std::uint32_t p = job.provider;
    job.computeFrom = sim_->now();
    if (runtime_->compute().start(providers_[p], job.flops, unit_[p], &Market::onComputed, this,
                                  j) == 0)
        preempt(j);  // its provider went down while the input was on its way
}

void Market::onComputed(void* self, const core::NodeCompute::Finished& f) {
    auto& m = *static_cast<Market*>(self);
    const auto j = static_cast<std::uint32_t>(f.data);
    if (!f.completed) {  // its provider crashed
        m.preempt(j);
        return;
    }
    Job& job = m.jobs_[j];
    job.computeTo = m.sim_->now();
    if (job.outputBytes == 0) {
        m.release(j, true);
        m.jobDone(j);
        return;
    }
    m.sim_->metrics().add(m.m_.bytes, static_cast<double>(job.outputBytes));
    const NodeIndex provider = m.providers_[job.provider];
    m.release(j, true);  // the provider is free once its result is on its way
    core::NodeContext(*m.runtime_, provider)
        .send(m.outputs_, job.client, job.outputBytes, Transfer{j});
}

void Market::onOutput(void* self, const sim::Delivery&, Transfer& t) {
    static_cast<Market*>(self)->jobDone(t.job);
}

void Market::onOutputLost(void* self, const sim::Loss&, Transfer& t) {
    auto& m = *static_cast<Market*>(self);
    m.sim_->metrics().add(m.m_.failed, 1);
    m.refund(t.job);
    m.inSystem(-1);
    m.freeJob(t.job);
}

void Market::preempt(std::uint32_t j) {
    const std::uint32_t p = jobs_[j].provider;
    running_[p] = kNone;
    backlog_[p] -= jobs_[j].flops;
    jobs_[j].provider = kNone;
    refund(j);
    sim_->metrics().add(m_.preempted, 1);
    if (net_->nodeUp(providers_[p])) display_.clear(providers_[p]);
    place(j, true);
    providerFree(p);  // if it is up (its input was lost on the way), it takes the next job
}

void Market::release(std::uint32_t j, bool finished) {
    const std::uint32_t p = jobs_[j].provider;
    if (finished) {
        sim::Metrics& metrics = sim_->metrics();
        metrics.addNode(m_.providerJobs, providers_[p], 1);
        metrics.addNode(m_.busyTime, providers_[p], sim::toSeconds(sim_->now() - jobs_[j].started));
    }
    running_[p] = kNone;
    backlog_[p] -= jobs_[j].flops;
    display_.clear(providers_[p]);
    providerFree(p);
}

void Market::jobDone(std::uint32_t j) {
    const Job job = jobs_[j];
    sim::Metrics& metrics = sim_->metrics();
    const SimTime now = sim_->now();
    metrics.add(m_.done, 1);
    if (cfg_.deadline > 0 && now - job.arrived > cfg_.deadline) metrics.add(m_.missed, 1);
    // Of the time since it arrived: its input's and its result's ways, its compute, and the
    // rest waiting (in the book or a queue, and any run it lost).
    const SimTime transfer = (job.inputAt - job.inputSent) + (now - job.computeTo);
    const SimTime compute = job.computeTo - job.computeFrom;
    metrics.observe(m_.wait, sim::toSeconds(now - job.arrived - transfer - compute));
    metrics.observe(m_.transfer, sim::toSeconds(transfer));
    metrics.observe(m_.compute, sim::toSeconds(compute));
    metrics.observe(m_.response, sim::toSeconds(now - job.arrived));
    if (job.hold != 0) {
        // The result is back: the provider is paid what was held.
        const NodeIndex provider = providers_[job.provider];
        const auto paid = payments_->release(job.hold, payments_->nodeAccount(provider), job.price,
                                             "depin: job paid");
        DAIS_CHECK(paid.ok(), "the market could not pay a provider from escrow");
        const double tokens = static_cast<double>(job.price) / unitsPerToken_;
        metrics.add(m_.spent, tokens);
        metrics.observe(m_.cost, tokens);
        metrics.addNode(m_.income, provider, tokens);
    } else if (payments_ != nullptr) {
        metrics.observe(m_.cost, 0.0);
    }
    inSystem(-1);
    freeJob(j);
}

bool Market::hold(std::uint32_t j, std::uint32_t p) {
    Job& job = jobs_[j];
    const double hours = job.flops / speed_[p] / 3600.0;
    const double units = std::round(job.rate * hours * unitsPerToken_);
    job.price = units >= static_cast<double>(core::Payments::kMaxAmount)
                    ? core::Payments::kMaxAmount
                    : static_cast<core::Amount>(units);
    job.hold = 0;
    if (job.price <= 0) return true;  // free
    const auto held =
        payments_->hold(payments_->nodeAccount(job.client), job.price, "depin: job matched");
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

void Market::providerFree(std::uint32_t p) {
    // The network is asked, not online_: a crash ends the provider's work before the layer hears of
    // the crash itself. A job it takes may be dropped at once (its client cannot pay): it takes
    // the next, in a loop, never in a chain of calls.
    if (!net_->nodeUp(providers_[p]) || running_[p] != kNone) return;
    while (head_[p] != kNone) {  // queues: the next job of its own
        const std::uint32_t j = head_[p];
        head_[p] = jobs_[j].nextFree;
        if (head_[p] == kNone) tail_[p] = kNone;
        if (run(j, p)) return;
    }
    while (!book_.empty()) {
        const std::uint32_t j = book_.front();
        book_.pop_front();
        sim_->metrics().set(m_.queued, static_cast<double>(book_.size()));
        if (run(j, p)) return;
    }
    if (cfg_.matching == Matching::Book) addTo(idle_, idleAt_, p);
}

void Market::onNodeUp(NodeIndex node, bool up) {
    const std::uint32_t p = providerOf_[node];
    if (p == kNone || (onlineAt_[p] != kNone) == up) return;  // no change for the market
    if (up) {
        addTo(online_, onlineAt_, p);
        sim_->metrics().set(m_.online, static_cast<double>(online_.size()));
        onlineChanged();
        display_.clear(node);
        providerFree(p);
        return;
    }
    removeFrom(idle_, idleAt_, p);
    removeFrom(online_, onlineAt_, p);
    sim_->metrics().set(m_.online, static_cast<double>(online_.size()));
    onlineChanged();
    display_.state(node, offlineState_);
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
    if (freeJob_ == kNone) {
        if (!sim_->takeMemory(sizeof(Job) * std::max<std::size_t>(64, jobs_.size())))
            throw sim::MemoryExhausted("depin: " + std::to_string(jobs_.size()) +
                                       " jobs in the market at once would take more than the "
                                       "memory left to the run");
        const std::size_t old = jobs_.size();
        jobs_.resize(std::max<std::size_t>(64, old * 2));
        for (std::size_t i = jobs_.size(); i-- > old;) {
            jobs_[i].nextFree = freeJob_;
            freeJob_ = static_cast<std::uint32_t>(i);
        }
    }
    const std::uint32_t j = freeJob_;
    freeJob_ = jobs_[j].nextFree;
    jobs_[j] = Job{};
    jobs_[j].live = true;
    return j;
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
        for (const Job& job : jobs_)
            if (job.live && job.provider != kNone && job.computeTo == 0 &&
                running_[job.provider] != jobIndex(job))
                ++queued[job.provider];
        out.reserve(providers_.size());
        for (std::uint32_t p = 0; p < providers_.size(); ++p) {
            const NodeIndex node = providers_[p];
            const char* state = !net_->nodeUp(node)    ? "offline"
                                : running_[p] != kNone ? "busy"
                                                       : "up";
            out.row()
                .node(node)
                .text(state)
                .real(speed_[p] / 1e12)
                .real(price_[p])
                .real(reputation_[p])
                .integer(queued[p])
                .real(backlog_[p] < 1 ? 0.0 : backlog_[p] / 1e9)  // sums of doubles: no dust
                .integer(static_cast<std::int64_t>(metrics.nodeValue(m_.providerJobs, node)))
                .real(metrics.nodeValue(m_.busyTime, node))
                .real(metrics.nodeValue(m_.income, node));
        }
        return;
    }
    if (table != "depin.jobs") return;
    for (std::uint32_t j = 0; j < jobs_.size(); ++j) {
        const Job& job = jobs_[j];
        if (!job.live) continue;
        const char* state = "book";
        if (job.provider != kNone) {
            if (running_[job.provider] == j)
                state = job.computeFrom != 0 && job.computeTo == 0 ? "running" : "sent";
            else if (job.computeTo != 0)
                state = "returning";
            else
                state = job.inputAt != 0 || job.inputBytes == 0 ? "queued" : "sent";
        }
        auto row = out.row();
        row.integer(j).node(job.client);
        if (job.provider == kNone)
            row.none();
        else
            row.node(providers_[job.provider]);
        row.text(state).time(job.arrived).real(job.flops / 1e9);
    }
}

core::LayerFactory factory() {
    core::LayerFactory f;
    f.descriptor = definition().descriptor();
    f.create = []() -> std::unique_ptr<core::Layer> { return std::make_unique<Market>(); };
    return f;
}

}  // namespace dais::layers::depin
