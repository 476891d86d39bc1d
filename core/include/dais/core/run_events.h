#pragma once
// Structured run events: what a layer records about one thing that happened to one node, so
// that an anomaly can be traced to where it came from. An event has a simulated time and a
// layer (both implicit), a kind the layer declares in its descriptor (EventKindSpec, like its
// metrics and node states), a node (or none), an optional digest identifying the thing it is
// about (a model update, a block, a job: digest.h) and a short detail text.
//
// A layer resolves its kinds once in setup (LayerContext::eventKind) and keeps the small handle
// LayerContext::events() returns; EventRecorder::record then appends to its run's RunEventLog.
// When the run keeps no events (RunOptions::events off, as in sweeps) a record costs one test,
// and on() tells a layer whether to compute a digest at all. Events are part of what a run
// reports (RunReport::runEvents), never of its fingerprint: recording changes nothing in the
// simulation. A run keeps at most a bounded number of them (the first ones), counting the rest.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/digest.h"
#include "dais/core/inspector.h"
#include "dais/sim/network.h"
#include "dais/sim/time.h"

namespace dais::sim {
class Simulation;
}

namespace dais::core {

/// One kind of event a layer records, declared in its descriptor.
struct EventKindSpec {
    std::string name;  ///< the layer id, a dot and lower-case letters, digits and '_'
    std::string help;  ///< one sentence, for `dais layers` and tooltips
};

/// A layer's code for one of its declared event kinds: its index in the descriptor
/// (LayerContext::eventKind).
using EventKind = std::uint16_t;
/// No kind: what LayerDescriptor::eventKind returns for a name it does not declare.
inline constexpr EventKind kNoEventKind = 0xffff;
/// The node of an event about no node in particular.
inline constexpr sim::NodeIndex kNoEventNode = sim::kNone;

/// One event as a run keeps it.
struct RunEvent {
    sim::SimTime time = 0;
    sim::NodeIndex node = kNoEventNode;
    std::uint16_t layer = 0;  ///< index into RunEventCatalog::layers
    EventKind kind = 0;       ///< index into that layer's kinds
    bool hasDigest = false;
    Digest digest{};
    std::string detail;
};

/// The kinds of a run's events: every layer of the run, in the order they were set up, with the
/// kinds it declares.
struct RunEventCatalog {
    struct Layer {
        std::string id;
        std::vector<EventKindSpec> kinds;
    };
    std::vector<Layer> layers;

    /// The kind of an event of this run.
    const EventKindSpec& kind(const RunEvent& e) const { return layers[e.layer].kinds[e.kind]; }
    const std::string& layerId(const RunEvent& e) const { return layers[e.layer].id; }
    /// The kind's name without its layer's prefix: "update_accepted".
    std::string_view shortName(const RunEvent& e) const;
    /// Every kind's full name, in catalog order.
    std::vector<std::string> kindNames() const;
};

/// Events of a run: those it kept (RunReport::runEvents), or those recorded since the previous
/// batch (RunnerListener::onEvents). Immutable once handed out.
struct RunEvents {
    std::shared_ptr<const RunEventCatalog> catalog;
    std::shared_ptr<const NodeNames> nodes;  ///< names the events' nodes
    std::vector<RunEvent> events;            ///< in the order recorded, so in time order
    /// Recorded beyond the limit and not kept (in a batch: since the previous batch).
    std::uint64_t dropped = 0;
    std::size_t limit = 0;  ///< the most events the run keeps

    /// "hospital-3", or "" for an event about no node.
    std::string nodeName(const RunEvent& e) const;
};

/// Where a run's layers record their events. Used on the run's thread only.
class RunEventLog {
  public:
    static constexpr std::size_t kDefaultLimit = 1'000'000;
    /// Bytes of an event's detail kept; longer texts are cut (at a character's start).
    static constexpr std::size_t kMaxDetail = 200;

    /// `nodeCount`: the network's nodes (an event's node must be one of them, or none).
    RunEventLog(std::shared_ptr<const RunEventCatalog> catalog,
                std::shared_ptr<const NodeNames> nodes, const sim::Simulation& sim,
                std::size_t nodeCount, bool on);

    bool on() const { return on_; }
    /// The most events kept; those beyond are counted. Lowering it below what is kept drops
    /// the newest.
    void setLimit(std::size_t limit);
    std::size_t limit() const { return kept_->limit; }

    /// Appends an event of layer `layer` (catalog index) at the simulation's time. A kind the
    /// layer does not declare, or a node the network does not have, is a defect of the layer:
    /// LayerError. Does nothing once the log is closed or when it is off.
    void record(std::uint16_t layer, EventKind kind, sim::NodeIndex node, const Digest* digest,
                std::string_view detail);

    const std::vector<RunEvent>& events() const { return kept_->events; }
    std::uint64_t dropped() const { return kept_->dropped; }
    const std::shared_ptr<const RunEventCatalog>& catalog() const { return kept_->catalog; }
    const std::shared_ptr<const NodeNames>& nodes() const { return kept_->nodes; }
    /// Ends recording and hands out what was kept (the same object on every call).
    std::shared_ptr<const RunEvents> close();

  private:
    std::shared_ptr<RunEvents> kept_;
    const sim::Simulation& sim_;
    std::size_t nodeCount_ = 0;
    bool on_ = true;
};

/// The handle a layer keeps to record its events (LayerContext::events()), tagged with the
/// layer. A small value; a default one records nothing.
class EventRecorder {
  public:
    EventRecorder() = default;
    EventRecorder(RunEventLog* log, std::uint16_t layer) : log_(log), layer_(layer) {}

    /// The run keeps events: worth computing a digest for one.
    bool on() const { return log_ != nullptr && log_->on(); }
    /// Records an event of `kind` (a code from LayerContext::eventKind) about `node`
    /// (kNoEventNode: none), identified by `digest`.
    void record(EventKind kind, sim::NodeIndex node, const Digest& digest,
                std::string_view detail = {}) const {
        if (on()) log_->record(layer_, kind, node, &digest, detail);
    }
    /// The same, about nothing a digest identifies.
    void record(EventKind kind, sim::NodeIndex node, std::string_view detail = {}) const {
        if (on()) log_->record(layer_, kind, node, nullptr, detail);
    }

  private:
    RunEventLog* log_ = nullptr;
    std::uint16_t layer_ = 0;
};

/// Checks a layer's event kinds: each named "<layerId>.<lower-case letters, digits, '_'>",
/// once, with help; at most 65,535 of them. One problem per line.
std::vector<std::string> checkEventKinds(const std::vector<EventKindSpec>& kinds,
                                         std::string_view layerId);

}  // namespace dais::core
