#include "dais/core/scenario_run.h"

#include <chrono>
#include <exception>
#include <new>
#include <optional>

#include "dais/core/instant_payments.h"
#include "dais/core/json_pointer.h"
#include "dais/core/payments.h"
#include "dais/core/services.h"
#include "endowments.h"

namespace dais::core {

std::string_view runStatusName(RunStatus s) {
    switch (s) {
        case RunStatus::Completed:
            return "completed";
        case RunStatus::Stopped:
            return "stopped";
        case RunStatus::Failed:
            return "failed";
    }
    return "?";
}

const MetricReport* RunReport::metric(std::string_view name) const {
    for (const MetricReport& m : metrics)
        if (m.name == name) return &m;
    return nullptr;
}

const InspectorTable* RunReport::table(std::string_view name) const {
    for (const auto& t : tables)
        if (t && t->name() == name) return t.get();
    return nullptr;
}

std::vector<const TableSpec*> scenarioTables(const Scenario& scenario) {
    std::vector<const TableSpec*> out;
    for (const LayerSettings& s : scenario.layerSettings)
        if (s.enabled && s.descriptor != nullptr)
            for (const TableSpec& t : s.descriptor->tables)
                out.push_back(&t);
    return out;
}

Result<InspectorTable> RunSession::inspect(std::string_view name) {
    return Error{"no table \"" + std::string(name) + "\": this run has no tables"};
}

/// One enabled layer of the run, with the context it sees.
struct ScenarioRun::LayerSlot {
    const LayerSettings* settings;
    std::unique_ptr<Layer> layer;
    std::unique_ptr<LayerContext> context;
};

ScenarioRun::ScenarioRun() = default;
ScenarioRun::~ScenarioRun() = default;

template <class F>
bool ScenarioRun::guarded(std::string_view what, std::string_view phase, F&& f) {
    try {
        f();
        return true;
    } catch (const sim::RunEnding&) {
        // Long work inside an event, abandoned because the run was asked to end: a stop.
        ended_ = true;
    } catch (const std::bad_alloc&) {
        outOfMemory_ = true;
        const std::string file = scenario_.sourceName + ": out of memory while ";
        failure_ = phase.empty() ? std::string(what) + ": " + file +
                                       "running at t=" + sim::formatTime(sim_ ? sim_->now() : 0)
                                 : file + std::string(phase);
    } catch (const sim::MemoryExhausted& e) {
        failure_ = std::string(what) + ": " + e.what() + memoryNote();
    } catch (const LayerError& e) {
        failure_ = std::string(what) + ": " + e.what();
        failurePointer_ = e.pointer();
    } catch (const std::exception& e) {
        failure_ = std::string(what) + ": " + e.what();
    } catch (...) {
        failure_ = std::string(what) + ": unknown exception";
    }
    return false;
}

std::string ScenarioRun::memoryNote() const {
    double fixed = 0;
    for (const sim::MemoryNeed& n : estimate_.needs)
        if (!n.whileRunning) fixed += n.bytes;
    return " (the network and the layers take about " + sim::memoryText(fixed) + " of the " +
           sim::memoryText(static_cast<double>(limit_.bytes)) + " " + limit_.source + ")";
}

Result<std::unique_ptr<ScenarioRun>> ScenarioRun::prepare(const Scenario& scenario,
                                                          const RunOptions& options) {
    const std::string& file = scenario.sourceName;
    std::unique_ptr<ScenarioRun> run(new ScenarioRun());
    run->scenario_ = scenario;
    run->name_ = scenario.meta.name.empty() ? file : scenario.meta.name;
    run->horizon_ = options.until.value_or(scenario.run.until);
    if (run->horizon_ == sim::kTimeNever) {
        // Traffic without an end would run forever: say which flow, and what to do.
        for (std::size_t i = 0; i < scenario.network.traffic.size(); ++i)
            if (const sim::TrafficSpec& t = scenario.network.traffic[i]; t.stop == sim::kTimeNever)
                return Error{file + ": " + childPointer("/network/traffic", i) +
                             ": the run never ends: traffic \"" + t.id +
                             "\" has no stop time and run.until is not set (add \"until\" to "
                             "\"run\", or pass --until)"};
    }
    if (const std::string why = sampleIntervalProblem(scenario.run.sampleInterval, run->horizon_);
        !why.empty())
        return Error{file + ": /run/sample_interval: " + why};
    if (options.memoryLimit) {
        run->limit_ = *options.memoryLimit;
    } else {
        auto limit = currentMemoryLimit();
        if (!limit) return Error{file + ": " + limit.error().message};
        run->limit_ = *limit;
    }
    // A layer's failure in set-up points at what to change, if it says; otherwise at its
    // settings. Running out of memory says where it happened.
    auto setUpError = [&](const std::string& id) {
        if (run->outOfMemory_) return Error{run->failure_};
        const std::string at =
            run->failurePointer_.empty() ? childPointer("/layers", id) : run->failurePointer_;
        return Error{file + ": " + at + ": " + run->failure_};
    };

    // Layers are made first: each estimates what it will hold before anything is built.
    for (const LayerSettings& s : run->scenario_.layerSettings) {
        if (!s.enabled) continue;
        LayerSlot slot{&s, nullptr, nullptr};
        const bool made = run->guarded("layer \"" + s.id + "\" could not be created",
                                       "creating layer \"" + s.id + "\"",
                                       [&] { slot.layer = s.factory->create(); });
        if (!made || !slot.layer)
            return made ? Error{file + ": layer \"" + s.id + "\" could not be created"}
                   : run->outOfMemory_ ? Error{run->failure_}
                                       : Error{file + ": " + run->failure_};
        for (const TableSpec& t : s.descriptor->tables)
            run->tables_.push_back({std::make_shared<const TableSpec>(t), run->layers_.size()});
        run->layers_.push_back(std::move(slot));
    }
    run->finalTables_ = options.finalTables;
    run->estimate_.needs = sim::Network::estimateMemory(scenario.network, run->horizon_);
    for (LayerSlot& slot : run->layers_) {
        const std::string& id = slot.settings->id;
        LayerEstimateContext ctx(*slot.settings, run->scenario_);
        if (!run->guarded("layer \"" + id + "\" failed to set up",
                          "setting up layer \"" + id + "\"",
                          [&] { slot.layer->estimateMemory(ctx); }))
            return setUpError(id);
        for (const sim::MemoryNeed& n : ctx.needs())
            run->estimate_.needs.push_back(n);
    }
    if (const std::string why = memoryRefusal(run->estimate_, run->limit_); !why.empty())
        return Error{file + ": " + why};

    run->sim_ = std::make_unique<sim::Simulation>(sim::Simulation::Config{
        options.seed.value_or(scenario.run.seed), options.queue.value_or(scenario.run.queue)});
    {
        // What grows while the run goes may take what the estimate leaves of the limit.
        double fixed = 0;
        for (const sim::MemoryNeed& n : run->estimate_.needs)
            if (!n.whileRunning) fixed += n.bytes;
        const double left = static_cast<double>(run->limit_.bytes) - fixed;
        run->sim_->setMemoryBudget(left >= static_cast<double>(sim::Simulation::kUnlimitedMemory)
                                       ? sim::Simulation::kUnlimitedMemory
                                   : left > 0 ? static_cast<std::uint64_t>(left)
                                              : 0);
    }
    if (options.observer) run->sim_->addObserver(options.observer);
    if (options.trace) run->sim_->setTracing(true);
    std::optional<sim::Result<std::unique_ptr<sim::Network>>> network;
    try {
        network.emplace(sim::Network::build(*run->sim_, scenario.network));
    } catch (const std::bad_alloc&) {
        return Error{file + ": out of memory while building the network (estimated at about " +
                     sim::memoryText(run->estimate_.total()) + " for the whole run, of the " +
                     sim::memoryText(static_cast<double>(run->limit_.bytes)) + " " +
                     run->limit_.source + ")"};
    }
    if (!*network) {
        // Messages that name their element by its pointer ("/network/traffic/0 ...") keep it.
        const std::string& why = network->error().message;
        return Error{file + (why.starts_with("/network/") ? ": " : ": /network: ") + why};
    }
    run->network_ = std::move(**network);
    if (scenario.run.sampleInterval > 0) run->sim_->setSampleInterval(scenario.run.sampleInterval);

    // Layers: let all offer their services, then set each up. Each records its events into the
    // run's log, tagged with its place in the run.
    if (options.events && !run->layers_.empty()) {
        auto catalog = std::make_shared<RunEventCatalog>();
        for (const LayerSlot& slot : run->layers_)
            catalog->layers.push_back({slot.settings->id, slot.settings->descriptor->eventKinds});
        run->nodeNames_ = std::make_shared<const NodeNames>(NodeNames::of(*run->network_));
        run->events_ = std::make_unique<RunEventLog>(std::move(catalog), run->nodeNames_,
                                                     *run->sim_, run->network_->nodeCount(), true);
    }
    run->services_ = std::make_unique<ServiceRegistry>();
    for (std::size_t k = 0; k < run->layers_.size(); ++k) {
        run->layers_[k].context = std::make_unique<LayerContext>(
            *run->layers_[k].settings, run->scenario_, *run->sim_, *run->network_, *run->services_,
            static_cast<sim::ActivitySource>(k + 1), &run->compute_);
        run->layers_[k].context->setEvents(
            EventRecorder(run->events_.get(), static_cast<std::uint16_t>(k)));
    }
    for (LayerSlot& slot : run->layers_) {
        const std::string& id = slot.settings->id;
        if (!run->guarded("layer \"" + id + "\" failed to offer its services",
                          "setting up layer \"" + id + "\"",
                          [&] { slot.layer->provideServices(*run->services_, *slot.context); }))
            return run->outOfMemory_ ? Error{run->failure_} : Error{file + ": " + run->failure_};
        for (const std::string& svc : slot.settings->descriptor->provides)
            if (run->services_->find(svc, id) == nullptr)
                return Error{file + ": layer \"" + id +
                             "\" declares that it provides the service \"" + svc +
                             "\" but did not offer it"};
    }
    // Money for the layers that use it (or for a scenario that has a "payments" section),
    // settled at once, unless a layer (a ledger) provides it; then the endowments.
    bool usesPayments = scenario.payments.present;
    for (const LayerSlot& slot : run->layers_)
        for (const ServiceUse& use : slot.settings->descriptor->uses)
            usesPayments = usesPayments || use.service == Payments::kId;
    if (usesPayments && run->services_->find(Payments::kId) == nullptr) {
        run->payments_ = std::make_unique<InstantPayments>(
            scenario.payments.token, run->network_->nodeCount(), run->sim_.get());
        run->payments_->attachMetrics(run->sim_->metrics());
        run->services_->provide<Payments>(run->payments_.get(), "core");
    }
    if (Payments* payments = run->services_->find<Payments>();
        payments && scenario.payments.present) {
        const Token& want = scenario.payments.token;
        const Token& have = payments->token();
        if (have.symbol != want.symbol || have.decimals != want.decimals)
            return Error{file + ": /payments/token: the scenario's token is " + want.symbol +
                         " with " + std::to_string(want.decimals) +
                         " decimals, but the payments provided by a layer use " + have.symbol +
                         " with " + std::to_string(have.decimals)};
        if (auto minted = detail::mintEndowments(*payments, scenario.payments, *run->network_);
            !minted)
            return Error{file + ": " + minted.error().message};
    }
    for (LayerSlot& slot : run->layers_) {
        const std::string& id = slot.settings->id;
        const std::size_t portsBefore = run->network_->portCount();
        if (run->guarded("layer \"" + id + "\" failed to set up", "setting up layer \"" + id + "\"",
                         [&] { slot.layer->setup(*slot.context); })) {
            // Messages about the ports it opened name the layer.
            for (std::size_t p = portsBefore; p < run->network_->portCount(); ++p)
                run->network_->setPortOwner(static_cast<sim::PortId>(p),
                                            childPointer("/layers", id));
            continue;
        }
        if (run->ended_) return Error{file + ": stopped while layer \"" + id + "\" was setting up"};
        return setUpError(id);
    }
    // Every layer is set up: each may now use the others' services.
    for (LayerSlot& slot : run->layers_) {
        const std::string& id = slot.settings->id;
        if (run->guarded("layer \"" + id + "\" failed to start", "starting layer \"" + id + "\"",
                         [&] { slot.layer->start(*slot.context); }))
            continue;
        if (run->ended_) return Error{file + ": stopped while layer \"" + id + "\" was starting"};
        return setUpError(id);
    }
    return run;
}

std::vector<std::string> ScenarioRun::layerIds() const {
    std::vector<std::string> ids;
    for (const LayerSlot& slot : layers_)
        ids.push_back(slot.settings->id);
    return ids;
}

sim::StopReason ScenarioRun::advance(sim::SimTime t) {
    if (done()) return sim::StopReason::QueueEmpty;
    sim::Simulation& sim = *sim_;
    const sim::SimTime until = std::min(t, horizon_);
    sim::StopReason r = sim::StopReason::Stopped;
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = guarded("the run failed", {}, [&] {
        r = until == sim::kTimeNever ? sim.run() : sim.runUntil(until);
    });
    wallSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!ok) return sim::StopReason::Stopped;
    if (r == sim::StopReason::QueueEmpty || (r == sim::StopReason::Horizon && until == horizon_) ||
        (horizon_ != sim::kTimeNever && sim.now() >= horizon_ && r != sim::StopReason::Stopped))
        done_ = true;
    return r;
}

bool ScenarioRun::step() {
    if (done()) return false;
    sim::Simulation& sim = *sim_;
    bool ran = false;
    const auto t0 = std::chrono::steady_clock::now();
    // A step never goes past the horizon.
    const bool ok = guarded("the run failed", {}, [&] {
        auto once = [](const sim::Simulation&) { return true; };
        const sim::StopReason r = sim.runUntil(sim::ConditionRef(once), horizon_);
        ran = r == sim::StopReason::Predicate;
        if (r == sim::StopReason::QueueEmpty || r == sim::StopReason::Horizon) done_ = true;
    });
    wallSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return ok && ran;
}

std::vector<std::string> ScenarioRun::tableNames() const {
    std::vector<std::string> names;
    names.reserve(tables_.size());
    for (const TableSlot& t : tables_)
        names.push_back(t.spec->name);
    return names;
}

Result<InspectorTable> ScenarioRun::inspect(std::string_view name) {
    const TableSlot* slot = nullptr;
    for (const TableSlot& t : tables_)
        if (t.spec->name == name) slot = &t;
    if (slot == nullptr) {
        std::string have;
        for (const TableSlot& t : tables_)
            have += (have.empty() ? "" : ", ") + t.spec->name;
        return Error{"no table \"" + std::string(name) + "\" in this run (" +
                     (have.empty() ? "its layers publish none" : "it has: " + have) + ")"};
    }
    LayerSlot& layer = layers_[slot->layer];
    const std::string what =
        "layer \"" + layer.settings->id + "\" failed to fill table \"" + slot->spec->name + "\"";
    std::string why;
    try {
        if (!nodeNames_ && slot->spec->nodeColumn())
            nodeNames_ = std::make_shared<const NodeNames>(NodeNames::of(*network_));
        InspectorTable table(slot->spec, sim_->now(), nodeNames_);
        TableWriter writer(table);
        layer.layer->inspect(slot->spec->name, writer);
        writer.finish();
        return table;
    } catch (const std::bad_alloc&) {
        why = what + ": out of memory";
    } catch (const std::exception& e) {
        why = what + ": " + e.what();
    } catch (...) {
        why = what + ": unknown exception";
    }
    // A layer that cannot say what it holds is broken: the run fails, as for any of its
    // failures, unless it has already been reported.
    if (!reported_ && !failed()) failure_ = why;
    return Error{why};
}

void ScenarioRun::limitEvents(std::size_t limit) {
    if (events_) events_->setLimit(limit);
}

RunReport ScenarioRun::run() {
    while (!done()) {
        advance(horizon_);
        // Only stop() returns early without finishing: the caller asked to end the run.
        if (!done()) return finish(true);
    }
    return finish(false);
}

RunReport ScenarioRun::finish(bool stopped) {
    sim::Simulation& sim = *sim_;
    stopped = stopped || ended_;
    RunReport r;
    if (!finished_) {
        finished_ = true;
        if (!failed()) {
            for (LayerSlot& slot : layers_)
                if (!guarded("layer \"" + slot.settings->id + "\" failed to finish",
                             "finishing layer \"" + slot.settings->id + "\"",
                             [&] { slot.layer->finish(*slot.context); }))
                    break;
        }
        // Money is conserved, whoever provides it: a run that lost or made some is wrong.
        if (const Payments* payments = services_->find<Payments>(); payments && !failed())
            if (auto conserved = payments->checkConservation(); !conserved)
                failure_ = conserved.error().message;
        network_->finish();
        sim.notifyRunEnd();
        // The tables as the run ended, for the store; a table its layer fails to fill fails a
        // run that had not failed, and is left out of one that had.
        if (finalTables_)
            for (const TableSlot& t : tables_)
                if (auto table = inspect(t.spec->name))
                    endTables_.push_back(
                        std::make_shared<const InspectorTable>(std::move(table).value()));
        reported_ = true;
    }
    r.tables = endTables_;
    if (events_) r.runEvents = events_->close();
    r.status = failed() ? RunStatus::Failed : stopped ? RunStatus::Stopped : RunStatus::Completed;
    r.error = failure_;
    r.scenarioName = name_;
    r.seed = sim.seed();
    r.queue = sim.queueKind();
    r.horizon = horizon_;
    r.nodes = network_->nodeCount();
    r.links = network_->linkCount();
    r.events = sim.executed();
    r.simulatedTime = sim.now();
    r.stopReason = failed()             ? sim::StopReason::Stopped
                   : stopped            ? sim::StopReason::Stopped
                   : sim.pending() == 0 ? sim::StopReason::QueueEmpty
                                        : sim::StopReason::Horizon;
    r.wallSeconds = wallSeconds_;
    r.fingerprint = sim.fingerprint().hex();
    for (const LayerSlot& slot : layers_)
        r.layerVersions[slot.settings->id] = slot.settings->descriptor->version;
    for (const sim::MetricValue& v : sim.metrics().readAll()) {
        MetricReport m;
        m.name = v.info->name;
        m.unit = v.info->unit;
        m.help = v.info->help;
        m.type = v.info->type;
        m.scope = v.info->scope;
        m.value = v.value;
        m.count = v.count;
        // A node-scoped counter or gauge reads as the total over the nodes; its mean is per node.
        const bool perNode = v.info->scope == sim::MetricScope::Node &&
                             v.info->type != sim::MetricType::Distribution;
        m.mean = perNode && v.count > 0 ? v.value / static_cast<double>(v.count) : v.value;
        m.stddev = v.stddev;
        m.min = v.min;
        m.max = v.max;
        m.p50 = v.p50;
        m.p95 = v.p95;
        m.p99 = v.p99;
        r.metrics.push_back(std::move(m));
    }
    r.busiestLinks = network_->busiestLinks(5);
    return r;
}

}  // namespace dais::core
