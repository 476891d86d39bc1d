#include "dais/core/sim_node_runtime.h"

#include <string>

#include "dais/sim/memory_need.h"

namespace dais::core {

SimNodeRuntime::SimNodeRuntime(LayerContext& ctx)
    : ctx_(ctx),
      sim_(ctx.simulation()),
      net_(ctx.network()),
      occupancy_(ctx.compute()),
      incarnation_(ctx.network().nodeCount(), 0),
      transport_(ctx.network()) {
    timerKind_ =
        sim_.registerKind<&SimNodeRuntime::onTimer>(std::string(ctx.layerId()) + ".timer", *this);
    net_.addFaultListener(this);
}

SimNodeRuntime::~SimNodeRuntime() {
    net_.removeFaultListener(this);
}

TimerId SimNodeRuntime::setTimer(sim::NodeIndex node, sim::SimTime at, TimerFn fn, void* self,
                                 std::uint64_t data) {
    if (at == sim::kTimeNever || !net_.nodeUp(node)) return 0;
    if (freeTimer_ == kNoSlot) {
        const std::size_t old = timers_.size();
        const std::size_t more = old == 0 ? 64 : old;
        if (old + more >= kNoSlot || !sim_.takeMemory(more * sizeof(Timer)))
            throw sim::MemoryExhausted(
                std::string(ctx_.layerId()) + ": " +
                sim::countText(static_cast<double>(old + more)) +
                " timers set at once would take more than the memory "
                "left to the run (" +
                sim::memoryText(static_cast<double>(transport_.memoryLeft())) + ")");
        timers_.resize(old + more);
        for (std::size_t i = old + more; i-- > old;) {
            timers_[i].nextFree = freeTimer_;
            freeTimer_ = static_cast<std::uint32_t>(i);
        }
    }
    const std::uint32_t slot = freeTimer_;
    Timer& t = timers_[slot];
    freeTimer_ = t.nextFree;
    ++t.generation;
    t.fn = fn;
    t.self = self;
    t.data = data;
    t.node = node;
    t.incarnation = incarnation_[node];
    const std::uint64_t id = (std::uint64_t{t.generation} << 32) | slot;
    t.event = sim_.scheduleAt(std::max(at, sim_.now()), node, timerKind_, id);
    ++liveTimers_;
    return id;
}

std::uint32_t SimNodeRuntime::timerSlot(TimerId id) const {
    const auto slot = static_cast<std::uint32_t>(id);
    const auto generation = static_cast<std::uint32_t>(id >> 32);
    if (slot >= timers_.size() || (generation & 1u) == 0 || timers_[slot].generation != generation)
        return kNoSlot;
    return slot;
}

void SimNodeRuntime::releaseTimer(std::uint32_t slot) {
    Timer& t = timers_[slot];
    ++t.generation;
    t.nextFree = freeTimer_;
    freeTimer_ = slot;
    --liveTimers_;
}

bool SimNodeRuntime::cancelTimer(TimerId id) {
    const std::uint32_t slot = timerSlot(id);
    if (slot == kNoSlot) return false;
    Timer& t = timers_[slot];
    const bool lost = t.incarnation != incarnation_[t.node];
    sim_.cancel(t.event);
    releaseTimer(slot);
    return !lost;
}

void SimNodeRuntime::onTimer(sim::Simulation&, const sim::Event& e) {
    const std::uint32_t slot = timerSlot(e.data);
    if (slot == kNoSlot) return;
    const Timer t = timers_[slot];
    releaseTimer(slot);
    if (t.incarnation != incarnation_[t.node]) return;  // the node crashed since: lost
    t.fn(t.self, t.node, t.data);
}

void SimNodeRuntime::onNodeUp(sim::NodeIndex node, bool up) {
    if (!up && node < incarnation_.size()) ++incarnation_[node];
}

}  // namespace dais::core
