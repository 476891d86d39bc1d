#pragma once
// The simulator's NodeTransport: messages through a run's network (sim::Network), with the
// run's memory budget for what they hold in flight.
#include <deque>
#include <string_view>

#include "dais/core/node_runtime.h"
#include "dais/sim/network.h"
#include "dais/sim/simulation.h"

namespace dais::core {

class NetworkTransport final : public NodeTransport {
  public:
    /// The network must outlive it.
    explicit NetworkTransport(sim::Network& net) : net_(net) {}
    NetworkTransport(const NetworkTransport&) = delete;
    NetworkTransport& operator=(const NetworkTransport&) = delete;

    sim::PortId openPort(std::string_view name, DeliverFn onDeliver, void* self,
                         LostFn onLost) override;
    sim::MessageId send(sim::NodeIndex from, sim::NodeIndex to, std::uint64_t bytes,
                        sim::PortId port, std::uint64_t payload) override {
        return net_.send(from, to, bytes, port, payload);
    }
    bool up(sim::NodeIndex node) const override { return net_.nodeUp(node); }
    bool takeMemory(std::uint64_t bytes) override { return net_.simulation().takeMemory(bytes); }
    std::uint64_t memoryLeft() const override;

  private:
    struct Port {
        DeliverFn deliver = nullptr;
        LostFn lost = nullptr;
        void* self = nullptr;
    };
    static void deliverTo(void* port, sim::Network& net, const sim::Delivery& d);
    static void loseTo(void* port, sim::Network& net, const sim::Loss& l);

    sim::Network& net_;
    std::deque<Port> ports_;  // stable addresses: each is its port's context
};

}  // namespace dais::core
