#pragma once
// The simulator's NodeRuntime: every node of a layer driven by the run's kernel. Timers are
// kernel events of one kind per layer ("<layer>.timer"), messages go through the run's network
// (NetworkTransport), work runs on the run's compute occupancy, shared with the other layers.
#include <cstdint>
#include <vector>

#include "dais/core/layer.h"
#include "dais/core/network_transport.h"
#include "dais/core/node_runtime.h"

namespace dais::core {

class SimNodeRuntime final : public NodeRuntime,
                             private NodeClock,
                             private NodeCompute,
                             private sim::FaultListener {
  public:
    /// Make it in the layer's setup(): it registers the layer's timer kind and the run's compute
    /// occupancy, as every kind of event must be known before the first event.
    explicit SimNodeRuntime(LayerContext& ctx);
    ~SimNodeRuntime() override;
    SimNodeRuntime(const SimNodeRuntime&) = delete;
    SimNodeRuntime& operator=(const SimNodeRuntime&) = delete;

    NodeClock& clock() override { return *this; }
    NodeTransport& transport() override { return transport_; }
    NodeCompute& compute() override { return *this; }
    sim::RngStream rng(sim::NodeIndex node, std::string_view purpose) const override {
        return ctx_.rng(node, purpose);
    }
    const sim::Resources* resources(sim::NodeIndex node) const override {
        return net_.resources(node);
    }
    const NodeAttributes& attributes() override { return ctx_.attributes(); }

    /// Timers set and not yet fired, stopped or found lost.
    std::size_t timersPending() const { return liveTimers_; }

  private:
    // --- NodeClock
    sim::SimTime now() const override { return sim_.now(); }
    TimerId setTimer(sim::NodeIndex node, sim::SimTime at, TimerFn fn, void* self,
                     std::uint64_t data) override;
    bool cancelTimer(TimerId id) override;
    // --- NodeCompute
    double speed(sim::NodeIndex node, Unit unit) const override {
        return occupancy_.speed(node, unit);
    }
    TaskId start(sim::NodeIndex node, double flops, Unit unit, DoneFn done, void* self,
                 std::uint64_t data) override {
        return occupancy_.start(node, flops, unit, done, self, data);
    }
    bool cancel(TaskId task) override { return occupancy_.cancel(task); }
    sim::SimTime estimate(sim::NodeIndex node, double flops, Unit unit) const override {
        return occupancy_.estimate(node, flops, unit);
    }
    // --- crashes: a node that goes down loses its timers
    void onNodeUp(sim::NodeIndex node, bool up) override;

    struct Timer {
        TimerFn fn = nullptr;
        void* self = nullptr;
        std::uint64_t data = 0;
        sim::EventId event{};
        sim::NodeIndex node = 0;
        std::uint32_t incarnation = 0;  // the node's crash count when it was set
        std::uint32_t generation = 0;   // odd while the slot holds a timer
        std::uint32_t nextFree = 0;
    };
    static constexpr std::uint32_t kNoSlot = 0xffffffffu;
    void onTimer(sim::Simulation& sim, const sim::Event& e);
    void releaseTimer(std::uint32_t slot);
    /// The slot a timer id names while it is set, else kNoSlot.
    std::uint32_t timerSlot(TimerId id) const;

    LayerContext& ctx_;
    sim::Simulation& sim_;
    sim::Network& net_;
    sim::ComputeOccupancy& occupancy_;
    sim::KindId timerKind_ = 0;
    std::vector<Timer> timers_;
    std::uint32_t freeTimer_ = kNoSlot;
    std::size_t liveTimers_ = 0;
    std::vector<std::uint32_t> incarnation_;  // per node: how often it crashed
    NetworkTransport transport_;
};

}  // namespace dais::core
