#pragma once
// What drives a node's code. A layer can be written as handlers per role (a client, a server, a
// miner, a provider), each running on one node and seeing only that node through a NodeContext
// (node_context.h). Behind the context stands a NodeRuntime: a clock with timers, a transport
// for messages and the node's processors. In a simulation they are the run's simulated time,
// network and compute occupancy, for every node at once (SimNodeRuntime); on a live machine they
// are its wall clock, its sockets and its own processors, for the one node it runs. Handlers
// written against these interfaces run on both.
#include <cstdint>
#include <string_view>

#include "dais/sim/compute_occupancy.h"
#include "dais/sim/network.h"
#include "dais/sim/rng.h"
#include "dais/sim/time.h"

namespace dais::core {

class NodeAttributes;

/// A timer's number; 0 is no timer.
using TimerId = std::uint64_t;

/// The time and timers of the nodes a runtime drives.
class NodeClock {
  public:
    /// A timer's handler, called on the node the timer was set for.
    using TimerFn = void (*)(void* self, sim::NodeIndex node, std::uint64_t data);

    virtual ~NodeClock() = default;
    virtual sim::SimTime now() const = 0;
    /// Calls fn(self, node, data) at time `at` (at once, but never inside this call, when `at`
    /// is past). A node that crashes loses its timers, as a machine that restarts does: a timer
    /// set before the crash never fires, also after the node recovers. A timer is neither set
    /// for a node that is down nor at kTimeNever: both return 0.
    virtual TimerId setTimer(sim::NodeIndex node, sim::SimTime at, TimerFn fn, void* self,
                             std::uint64_t data = 0) = 0;
    /// Stops a timer before it fires; false when it fired, was stopped or was lost in a crash.
    virtual bool cancelTimer(TimerId id) = 0;
};

/// How the nodes' messages travel: a message is a number of bytes on the wire and one payload
/// word for the receiver (MessageChannel turns the word into a typed record).
class NodeTransport {
  public:
    using DeliverFn = void (*)(void* self, const sim::Delivery& d);
    using LostFn = void (*)(void* self, const sim::Loss& l);

    virtual ~NodeTransport() = default;
    /// Opens a port named `name` ("market.offer"): a message sent to it reaches onDeliver at its
    /// destination, or onLost (may be null) where it was lost.
    virtual sim::PortId openPort(std::string_view name, DeliverFn onDeliver, void* self,
                                 LostFn onLost) = 0;
    /// Sends a message; 0 when it was refused at once (its sender is down). Delivery or loss
    /// come later, never inside send().
    virtual sim::MessageId send(sim::NodeIndex from, sim::NodeIndex to, std::uint64_t bytes,
                                sim::PortId port, std::uint64_t payload) = 0;
    /// Whether a node is up: not crashed (live: connected).
    virtual bool up(sim::NodeIndex node) const = 0;
    /// Takes memory for what the transport holds of messages in flight from the run's budget;
    /// false, taking nothing, when that is spent. memoryLeft() says what is left.
    virtual bool takeMemory(std::uint64_t bytes) = 0;
    virtual std::uint64_t memoryLeft() const = 0;
};

/// The processors of the nodes a runtime drives: work in FLOPs on a node's CPU or GPU, done when
/// it is done (sim::ComputeOccupancy in a simulation; the machine itself when live).
class NodeCompute {
  public:
    using Unit = sim::ComputeOccupancy::Unit;
    using TaskId = sim::ComputeOccupancy::TaskId;
    using Finished = sim::ComputeOccupancy::Finished;
    using DoneFn = sim::ComputeOccupancy::DoneFn;

    virtual ~NodeCompute() = default;
    /// The node's speed on a processor, FLOP/s; 0 when it has none.
    virtual double speed(sim::NodeIndex node, Unit unit) const = 0;
    /// Starts work on the node; done hears when it ends (completed, or not: a crash, a cancel).
    /// 0, starting nothing, when the node is down or has no such processor.
    virtual TaskId start(sim::NodeIndex node, double flops, Unit unit, DoneFn done, void* self,
                         std::uint64_t data = 0) = 0;
    virtual bool cancel(TaskId task) = 0;
    /// When `flops` started now would end if nothing else changed; kTimeNever when it cannot run.
    virtual sim::SimTime estimate(sim::NodeIndex node, double flops, Unit unit) const = 0;
};

/// The clock, transport and compute of one layer's nodes, with what each node knows of itself.
class NodeRuntime {
  public:
    virtual ~NodeRuntime() = default;
    virtual NodeClock& clock() = 0;
    virtual NodeTransport& transport() = 0;
    virtual NodeCompute& compute() = 0;
    /// The layer's random stream for (node, purpose), as LayerContext::rng gives it: the same
    /// numbers in a simulation and on a live node of the same run.
    virtual sim::RngStream rng(sim::NodeIndex node, std::string_view purpose) const = 0;
    /// What the scenario declares of a node's hardware; nullptr when it declares nothing.
    virtual const sim::Resources* resources(sim::NodeIndex node) const = 0;
    /// The layer's node attributes (node_attributes.h).
    virtual const NodeAttributes& attributes() = 0;
};

}  // namespace dais::core
