#pragma once
// One node's view of its layer's run, for code written as handlers per role: a client, a server,
// a miner, a provider. A handler is given the context of the node it runs on and reaches the
// world only through it: who it is, the time, messages from it, its timers, its random streams,
// its resources and attributes, and work on its processors. Behind it stands a NodeRuntime
// (node_runtime.h): the simulator drives every node of a run through one; a live node drives
// itself through another, and the handler is the same code in both.
//
//     void Provider::onJob(core::NodeContext node, Job& job) {
//         if (node.attributes().number(node.self(), cheatRate_) > 0) ...  // its own attributes
//         node.compute(job.flops, core::NodeCompute::Unit::Gpu, &Provider::onDone, this, job.id);
//         node.after(job.deadline - node.now(), &Provider::onLate, this, job.id);
//     }
//
// A context is two words: make one where a handler needs it (NodeContext(runtime, node)).
#include <cstdint>
#include <string_view>
#include <utility>

#include "dais/core/message_channel.h"
#include "dais/core/node_runtime.h"
#include "dais/sim/time.h"

namespace dais::core {

class NodeContext {
  public:
    NodeContext(NodeRuntime& runtime, sim::NodeIndex self) : rt_(&runtime), self_(self) {}

    sim::NodeIndex self() const { return self_; }
    sim::SimTime now() const { return rt_->clock().now(); }
    /// Whether this node (or another) is up.
    bool up() const { return rt_->transport().up(self_); }
    bool up(sim::NodeIndex node) const { return rt_->transport().up(node); }

    /// Sends a record from this node, as its own size on the wire (MessageChannel::send).
    template <SizedMessage T>
    sim::MessageId send(MessageChannel<T>& channel, sim::NodeIndex to, T record) const {
        return channel.send(self_, to, std::move(record));
    }
    /// Sends a record from this node as `bytes` on the wire.
    template <class T>
    sim::MessageId send(MessageChannel<T>& channel, sim::NodeIndex to, std::uint64_t bytes,
                        T record) const {
        return channel.send(self_, to, bytes, std::move(record));
    }

    /// A timer on this node at time `t` (NodeClock::setTimer: lost when the node crashes).
    TimerId at(sim::SimTime t, NodeClock::TimerFn fn, void* self, std::uint64_t data = 0) const {
        return rt_->clock().setTimer(self_, t, fn, self, data);
    }
    /// A timer `delay` from now; 0 (no timer) when that is past the end of simulated time.
    TimerId after(sim::SimTime delay, NodeClock::TimerFn fn, void* self,
                  std::uint64_t data = 0) const {
        sim::SimTime t;
        if (!sim::addTime(now(), delay, t)) return 0;
        return at(t, fn, self, data);
    }
    bool cancel(TimerId id) const { return rt_->clock().cancelTimer(id); }

    /// The layer's random stream for this node and a purpose ("train/12").
    sim::RngStream rng(std::string_view purpose) const { return rt_->rng(self_, purpose); }
    /// What the scenario declares of this node's hardware; nullptr when nothing.
    const sim::Resources* resources() const { return rt_->resources(self_); }
    /// The layer's attributes; read this node's with self().
    const NodeAttributes& attributes() const { return rt_->attributes(); }

    /// Work on this node's processor (NodeCompute::start): 0 when it is down or has no such
    /// processor.
    NodeCompute::TaskId compute(double flops, NodeCompute::Unit unit, NodeCompute::DoneFn done,
                                void* self, std::uint64_t data = 0) const {
        return rt_->compute().start(self_, flops, unit, done, self, data);
    }
    bool cancelCompute(NodeCompute::TaskId task) const { return rt_->compute().cancel(task); }
    double speed(NodeCompute::Unit unit) const { return rt_->compute().speed(self_, unit); }
    /// Its faster processor (the CPU when it has neither).
    NodeCompute::Unit fastestUnit() const {
        return speed(NodeCompute::Unit::Gpu) > speed(NodeCompute::Unit::Cpu)
                   ? NodeCompute::Unit::Gpu
                   : NodeCompute::Unit::Cpu;
    }
    /// When `flops` started now would end; kTimeNever when they cannot run here.
    sim::SimTime estimate(double flops, NodeCompute::Unit unit) const {
        return rt_->compute().estimate(self_, flops, unit);
    }

    NodeRuntime& runtime() const { return *rt_; }

  private:
    NodeRuntime* rt_;
    sim::NodeIndex self_;
};

}  // namespace dais::core
