#include "dais/core/network_transport.h"

namespace dais::core {

sim::PortId NetworkTransport::openPort(std::string_view name, DeliverFn onDeliver, void* self,
                                       LostFn onLost) {
    Port& p = ports_.emplace_back(Port{onDeliver, onLost, self});
    return net_.registerPort(name, &NetworkTransport::deliverTo, &p, &NetworkTransport::loseTo);
}

std::uint64_t NetworkTransport::memoryLeft() const {
    const sim::Simulation& sim = net_.simulation();
    const std::uint64_t budget = sim.memoryBudget();
    if (budget == sim::Simulation::kUnlimitedMemory) return budget;
    return budget > sim.memoryTaken() ? budget - sim.memoryTaken() : 0;
}

void NetworkTransport::deliverTo(void* port, sim::Network&, const sim::Delivery& d) {
    const Port& p = *static_cast<const Port*>(port);
    p.deliver(p.self, d);
}

void NetworkTransport::loseTo(void* port, sim::Network&, const sim::Loss& l) {
    const Port& p = *static_cast<const Port*>(port);
    if (p.lost != nullptr) p.lost(p.self, l);
}

}  // namespace dais::core
