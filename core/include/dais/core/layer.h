#pragma once
// The layer API. A layer (federated learning, a compute market, a ledger...) is a model that runs
// on the simulated network. It declares itself once, in a LayerDescriptor: its parameters with
// their types, defaults, ranges, units and help; the node roles it works on; the metrics it emits;
// the services it provides to and uses from other layers. Scenario validation, --set, sweeps, the
// run store and the studio's property panels are all derived from that descriptor.
//
// At run time the runner creates one Layer object per enabled layer of the scenario and asks each
// for an estimate of the memory it will hold (estimateMemory, from its settings alone, before
// anything is built), lets every layer offer its services, then calls setup() on each with a
// LayerContext: the simulation, the network, the validated parameters and the services. From
// there the layer lives in the kernel's events. A layer that detects a broken invariant calls
// DAIS_CHECK or LayerContext::fail(): the run ends as failed with that message and the process
// carries on.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/inspector.h"
#include "dais/core/json_schema.h"
#include "dais/core/run_events.h"
#include "dais/sim/compute_occupancy.h"
#include "dais/sim/memory_need.h"
#include "dais/sim/metrics.h"
#include "dais/sim/network.h"
#include "dais/sim/rng.h"
#include "dais/sim/simulation.h"

namespace dais::core {

struct Scenario;
class ServiceRegistry;
class NodeAttributes;

/// The value types a layer parameter can have. Durations, sizes and bandwidths are written in
/// scenario files as strings with units ("250ms", "4MiB", "100Mbps") or bare numbers of seconds,
/// bytes and bit/s.
enum class ParamType { Bool, Integer, Real, String, Choice, Duration, Size, Bandwidth };
std::string_view paramTypeName(ParamType t);

/// One parameter of a layer.
struct ParamSpec {
    std::string name;  ///< as written in the scenario: "fanout" in layers.gossip.fanout
    ParamType type = ParamType::Real;
    nlohmann::json defaultValue;  ///< in the form a scenario file would write it
    /// Inclusive bounds, in the type's base unit (seconds, bytes, bit/s) for durations, sizes
    /// and bandwidths. Only for numeric types.
    std::optional<double> min, max;
    std::string unit;  ///< shown next to the value: "messages", "s", "%"
    std::string help;  ///< one or two sentences, shown as a tooltip and by `dais layers`
    std::vector<std::string> choices;  ///< the allowed values of a Choice parameter
};

/// One metric a layer emits. Names start with the layer id and a dot ("gossip.coverage").
struct MetricSpec {
    std::string name;
    std::string unit;
    sim::MetricType type = sim::MetricType::Counter;
    sim::MetricScope scope = sim::MetricScope::Global;
    std::string help;
};

/// A node role the layer acts on ("client", "server"...). A required role must have at least
/// one node in the network, or the scenario is refused with a message that says so.
struct RoleSpec {
    std::string role;
    bool required = false;
    std::string help;
};

/// A state the layer's nodes can be in, beyond the activity every layer reports (idle, working,
/// waiting): "training", "mining", "rented", "malicious". The studio draws a node's state as a
/// ring in the state's colour and explains it in the canvas's legend.
struct NodeStateSpec {
    std::string name;    ///< lower-case words: "dropped out"
    std::string colour;  ///< a hint for displays, "#rrggbb"
    std::string help;    ///< one sentence, shown in the legend's tooltip
};

/// A service the layer uses from another layer (see services.h).
struct ServiceUse {
    std::string service;    ///< a service id, e.g. "ledger"
    bool required = false;  ///< false: the layer runs without it (and says what it skips)
    std::string why;        ///< shown when the service is missing
};

/// Everything DAIS knows about a layer without running it.
struct LayerDescriptor {
    std::string id;       ///< lower-case identifier, the key under "layers" in a scenario
    std::string name;     ///< human name, "Gossip broadcast"
    std::string version;  ///< the layer's own version, recorded with every run ("1.2.0")
    std::string summary;  ///< one paragraph for the layers panel and `dais layers`
    std::vector<ParamSpec> params;
    std::vector<RoleSpec> roles;
    std::vector<MetricSpec> metrics;
    /// The states it sets on nodes, at most 255 (a node state's code is its index here).
    std::vector<NodeStateSpec> nodeStates;
    std::vector<std::string> provides;  ///< service ids this layer offers
    std::vector<ServiceUse> uses;
    /// The tables of its entities it publishes (inspector.h), filled by Layer::inspect.
    std::vector<TableSpec> tables;
    /// What it reads of each node (node_attributes.h): a provider's price, a GPU class, a
    /// stake, a data file. Written in a scenario per node, group or template, under
    /// "attributes": {"<layer id>": {...}}, and checked like parameters.
    std::vector<ParamSpec> attributes;
    /// The kinds of events it records (run_events.h); a kind's code is its index here.
    std::vector<EventKindSpec> eventKinds;

    const ParamSpec* param(std::string_view name) const;
    const ParamSpec* attribute(std::string_view name) const;
    const MetricSpec* metric(std::string_view name) const;
    const TableSpec* table(std::string_view name) const;
    /// The code of a declared node state (its index), or sim::kNoNodeState.
    sim::NodeStateCode nodeState(std::string_view name) const;
    /// The code of a declared event kind (its index), or kNoEventKind.
    EventKind eventKind(std::string_view name) const;
};

/// What a layer shows of its nodes in displays (the studio's canvas), tagged with the layer: what
/// each node is busy with, and the layer's own node states. A small value to keep (it holds the
/// network and the layer's tag); it never changes what the simulation does. Reports cost one
/// test when nothing displays the run; on() tells a layer whether to compute what it would
/// report.
class NodeDisplay {
  public:
    NodeDisplay() = default;
    NodeDisplay(sim::Network* network, sim::ActivitySource source)
        : net_(network), source_(source) {}
    /// Something displays the run (the network has an activity sink).
    bool on() const { return net_ != nullptr && net_->hasActivitySinks(); }
    void activity(sim::NodeIndex node, sim::NodeActivity a) const {
        if (net_) net_->setActivity(node, a, source_);
    }
    /// Sets a node's state (a code from LayerContext::nodeState), or clears it (kNoNodeState).
    void state(sim::NodeIndex node, sim::NodeStateCode code) const {
        if (net_) net_->setNodeState(node, source_, code);
    }
    void clear(sim::NodeIndex node) const { state(node, sim::kNoNodeState); }
    sim::ActivitySource source() const { return source_; }

  private:
    sim::Network* net_ = nullptr;
    sim::ActivitySource source_ = 0;
};

/// Checks one value of a parameter or attribute against its spec (type, unit, range, choices):
/// "" when it is fine, else the message ("expected a duration ..., got ...").
std::string checkParamValue(const ParamSpec& p, const nlohmann::json& value);
/// A valid numeric value (Integer, Real, Duration, Size, Bandwidth) in its base unit: seconds,
/// bytes, bit/s.
double paramNumber(const ParamSpec& p, const nlohmann::json& value);

/// Checks a descriptor for mistakes a layer author can make: a bad id, duplicate or
/// badly named parameters, metrics, tables and event kinds, a default outside its range or not
/// among its choices, an empty version, a table without columns or with a key or parent it does
/// not have.
/// Returns every problem, one per line, prefixed with the layer id.
std::vector<std::string> checkDescriptor(const LayerDescriptor& d);

/// The thrown form of a layer's failure; the runner turns it into a failed run. `pointer`, when
/// set, is the JSON pointer of what in the scenario to change ("/layers/federated/data_file").
class LayerError : public std::runtime_error {
  public:
    explicit LayerError(const std::string& message, std::string pointer = {})
        : std::runtime_error(message), pointer_(std::move(pointer)) {}
    const std::string& pointer() const { return pointer_; }

  private:
    std::string pointer_;
};

/// Ends the run as failed with a message naming the condition, file and line. For layer code:
/// unlike assert(), it never ends the process and is never compiled out.
#define DAIS_CHECK(cond, message)                                                  \
    do {                                                                           \
        if (!(cond)) [[unlikely]]                                                  \
            ::dais::core::detail::checkFailed(#cond, message, __FILE__, __LINE__); \
    } while (false)

namespace detail {
[[noreturn]] void checkFailed(const char* cond, std::string_view message, const char* file,
                              int line);
}  // namespace detail

/// A layer's parameter values, checked against its descriptor and completed with defaults.
/// Values are read in their base unit. Asking for an undeclared parameter, or with the wrong
/// type, is a defect in the layer and throws LayerError.
class LayerParams {
  public:
    LayerParams() = default;
    LayerParams(const LayerDescriptor* descriptor, nlohmann::json values)
        : descriptor_(descriptor), values_(std::move(values)) {}

    bool flag(std::string_view name) const;
    std::int64_t integer(std::string_view name) const;
    double real(std::string_view name) const;              ///< Real or Integer parameters
    const std::string& text(std::string_view name) const;  ///< String or Choice parameters
    sim::SimTime duration(std::string_view name) const;
    std::uint64_t bytes(std::string_view name) const;
    double bitsPerSecond(std::string_view name) const;

    /// The values as written (defaults filled in), keyed by parameter name.
    const nlohmann::json& values() const { return values_; }

  private:
    const nlohmann::json& get(std::string_view name, std::initializer_list<ParamType> types) const;
    const LayerDescriptor* descriptor_ = nullptr;
    nlohmann::json values_ = nlohmann::json::object();
};

/// A scenario's settings for one layer, validated.
struct LayerSettings {
    std::string id;
    bool enabled = true;
    LayerParams params;
    const LayerDescriptor* descriptor = nullptr;
    const struct LayerFactory* factory = nullptr;  ///< set by the scenario loader
};

/// Validates the settings object of `layers.<id>` against a descriptor: every parameter known,
/// of the right type and in range; "enabled" (bool) is the only other key. Problems are
/// appended with JSON pointers under `pointer` (e.g. "/layers/gossip").
std::optional<LayerSettings> validateLayerSettings(const LayerDescriptor& d,
                                                   const nlohmann::json& settings,
                                                   const std::string& pointer,
                                                   std::vector<JsonIssue>& problems);

/// What a layer sees of the run it is part of. Valid from setup() to the end of the run.
class LayerContext {
  public:
    /// `source`: the layer's tag on what it shows of its nodes (NodeDisplay); a run numbers its
    /// layers 1, 2, ... in the order they are set up.
    /// `compute`: where the run keeps its processors, shared by its layers and made on first
    /// use (nullptr: the context keeps its own, for a layer run alone).
    LayerContext(const LayerSettings& settings, const Scenario& scenario, sim::Simulation& sim,
                 sim::Network& network, ServiceRegistry& services, sim::ActivitySource source = 0,
                 std::unique_ptr<sim::ComputeOccupancy>* compute = nullptr)
        : settings_(settings),
          scenario_(scenario),
          sim_(sim),
          net_(network),
          services_(services),
          source_(source),
          compute_(compute) {}

    std::string_view layerId() const { return settings_.id; }
    const LayerDescriptor& descriptor() const { return *settings_.descriptor; }
    const LayerParams& params() const { return settings_.params; }
    const Scenario& scenario() const { return scenario_; }
    sim::Simulation& simulation() { return sim_; }
    sim::Network& network() { return net_; }
    const sim::Simulation& simulation() const { return sim_; }
    const sim::Network& network() const { return net_; }
    ServiceRegistry& services() { return services_; }

    /// Defines one of the metrics the descriptor declares, with its declared unit, type, scope
    /// and help; a name the descriptor does not declare is a defect (LayerError).
    sim::MetricId defineMetric(std::string_view name);
    /// Every node's CPU and GPU, shared by all layers of the run (compute_occupancy.h): work
    /// started here competes with the other layers' work on the same node. Ask for it in
    /// setup(): it registers its event kind when first asked for.
    sim::ComputeOccupancy& compute();
    /// What the layer shows of its nodes (activity and states), tagged with the layer.
    NodeDisplay display() { return NodeDisplay(&net_, source_); }
    /// The code of one of the node states the descriptor declares; an undeclared name is a
    /// defect (LayerError).
    sim::NodeStateCode nodeState(std::string_view name) const;
    /// Where the layer records its events (run_events.h), tagged with the layer.
    EventRecorder events() const { return events_; }
    /// The code of one of the event kinds the descriptor declares; an undeclared name is a
    /// defect (LayerError).
    EventKind eventKind(std::string_view name) const;
    /// Set by the run before setup(): where events() records.
    void setEvents(EventRecorder recorder) { events_ = recorder; }
    /// The layer's random stream for (node, purpose), independent of every other stream.
    sim::RngStream rng(std::uint64_t node, std::string_view purpose) const {
        return sim_.rng(settings_.id, node, purpose);
    }
    /// Nodes of a role, in index order (every node if role is empty).
    std::vector<sim::NodeIndex> nodesWithRole(std::string_view role) const;
    /// The attributes the descriptor declares, at every node: as the scenario writes them for
    /// the node, its group or its template, else the declared default. Built on first use.
    const NodeAttributes& attributes();
    /// Ends the run as failed with this message, pointing at the layer's settings
    /// ("/layers/<id>").
    [[noreturn]] void fail(std::string_view message) const;
    /// The same, pointing at one of the layer's parameters ("/layers/<id>/<param>"): for a
    /// value that cannot work in this scenario.
    [[noreturn]] void failParam(std::string_view param, std::string_view message) const;

  private:
    const LayerSettings& settings_;
    const Scenario& scenario_;
    sim::Simulation& sim_;
    sim::Network& net_;
    ServiceRegistry& services_;
    sim::ActivitySource source_;
    std::unique_ptr<sim::ComputeOccupancy>* compute_;
    std::unique_ptr<sim::ComputeOccupancy> ownCompute_;
    std::shared_ptr<const NodeAttributes> attributes_;
    EventRecorder events_;
};

/// What a layer sees before anything of its run is built: its settings and the scenario. From
/// them it estimates the memory it will hold (Layer::estimateMemory), so that a run that cannot
/// fit in the machine is refused before it allocates, naming the parameter to change.
class LayerEstimateContext {
  public:
    LayerEstimateContext(const LayerSettings& settings, const Scenario& scenario)
        : settings_(settings), scenario_(scenario) {}

    std::string_view layerId() const { return settings_.id; }
    const LayerParams& params() const { return settings_.params; }
    const Scenario& scenario() const { return scenario_; }
    /// The nodes the network will have, counted from the scenario: every node written out, every
    /// group member and every gateway a "regions" topology makes.
    std::uint64_t nodeCount() const;
    /// Of them, the nodes of a role (gateways made by topologies have the role "gateway").
    std::uint64_t nodeCountWithRole(std::string_view role) const;
    /// A file the settings name, as the layer will open it: relative to the scenario's folder.
    std::string resolvePath(std::string_view file) const;
    /// The layer will hold about `bytes` for `what` ("the blob data set: 10,000 samples of 20
    /// features"), and holds more with a larger value of parameter `param` ("": of the layer as a
    /// whole). The run is refused when every need together exceeds the memory limit, naming the
    /// largest need as "/layers/<id>/<param>: about 9.4 GiB for <what>, ...".
    void need(std::string_view param, std::string what, double bytes);
    const std::vector<sim::MemoryNeed>& needs() const { return needs_; }
    /// A value that cannot work, found before anything is built (a data file that is a device):
    /// refuses the scenario pointing at the parameter, as LayerContext::failParam does.
    [[noreturn]] void failParam(std::string_view param, std::string_view message) const;

  private:
    const LayerSettings& settings_;
    const Scenario& scenario_;
    std::vector<sim::MemoryNeed> needs_;
};

/// One layer in one run. Created by its factory for every run, destroyed when the run ends.
class Layer {
  public:
    virtual ~Layer() = default;
    /// Estimates the memory the layer will hold, from its settings and the scenario alone
    /// (LayerEstimateContext::need). Called before the network is built and before any
    /// setup(). A layer whose memory does not grow with its settings or the network need not
    /// say anything. What grows while the run goes and cannot be told from the settings (state
    /// per rumour, per job) is taken from the run's budget as it grows
    /// (sim::Simulation::takeMemory), and the run fails cleanly when that is spent.
    virtual void estimateMemory(LayerEstimateContext& /*ctx*/) const {}
    /// Offers services to the other layers (services.h). Called for every layer of the run
    /// before any setup(); `ctx` gives the layer's parameters and the scenario (a ledger's
    /// payments are in the scenario's token), its network is built but nothing is set up.
    virtual void provideServices(ServiceRegistry& /*services*/, const LayerContext& /*ctx*/) {}
    /// Builds the layer's state: event kinds, network ports, metrics, first events.
    virtual void setup(LayerContext& ctx) = 0;
    /// Called once every layer of the run has set up, in the same order, before the first
    /// event: the place to use another layer's services, whose providers are all set up by
    /// now (in setup() a provider set up later is not ready yet).
    virtual void start(LayerContext& /*ctx*/) {}
    /// The run is over (completed or stopped): bring final metrics up to date.
    virtual void finish(LayerContext& /*ctx*/) {}
    /// Fills one of the tables the descriptor declares, one row per entity as it stands now
    /// (see TableWriter). Called on the run's thread between events, while the run goes (as often
    /// as a viewer refreshes it, a few times a wall second at most) and after it ends, also after
    /// a failure. It must only read: a run is the same whether or not anyone inspects it.
    virtual void inspect(std::string_view /*table*/, TableWriter& /*out*/) {}
};

/// How the registry makes a layer: its descriptor and a function that creates an instance.
struct LayerFactory {
    LayerDescriptor descriptor;
    std::unique_ptr<Layer> (*create)() = nullptr;
};

}  // namespace dais::core
