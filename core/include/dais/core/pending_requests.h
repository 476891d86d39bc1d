#pragma once
// Request and response with a timeout, for protocols between nodes: a server that waits for a
// client's update until the round's deadline, a buyer that waits for offers, a node that asks a
// peer for a block. The asker keeps what it needs to remember of each request (its State) here,
// with a timer on its own node (NodeClock): the answer takes the state back and stops the timer;
// without an answer by the deadline, the timeout handler gets the state, once. Whatever comes
// second is refused: an answer after the timeout, a second answer, an answer to a request that
// was never made. Ids carry a generation, so a stale id never reaches another request's state.
//
//     core::PendingRequests<Ask> asks_;
//     asks_.open(runtime.clock(), &Buyer::onNoAnswer, this);
//     const core::RequestId id = asks_.expect(me, deadline, Ask{job});
//     node.send(calls_, provider, Call{id, job});               // the id travels with the call
//     ...
//     if (std::optional<Ask> ask = asks_.answer(reply.request)) { ... } // else: late or stray
//
// A node that crashes loses its timers, and with them its requests' timeouts: the layer hears of
// the crash (a fault listener) and calls forgetNode for the node. It must outlive the run's
// events (a member of the layer, as the channels are).
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "dais/core/node_runtime.h"

namespace dais::core {

/// A request's number; 0 is no request.
using RequestId = std::uint64_t;

template <class State>
class PendingRequests {
  public:
    /// The request's node heard nothing by the deadline; the state is the handler's to keep.
    using TimeoutFn = void (*)(void* self, sim::NodeIndex node, State& state);

    PendingRequests() = default;
    PendingRequests(const PendingRequests&) = delete;
    PendingRequests& operator=(const PendingRequests&) = delete;

    /// Call once, before the first request.
    void open(NodeClock& clock, TimeoutFn onTimeout, void* self) {
        clock_ = &clock;
        timeout_ = onTimeout;
        self_ = self;
    }

    /// Waits for the answer to a request `node` makes, until `deadline` (kTimeNever: as long
    /// as it takes). The id goes out with the request and comes back with the answer. 0, keeping
    /// nothing, when the node is down (it can set no timer).
    RequestId expect(sim::NodeIndex node, sim::SimTime deadline, State state) {
        const std::uint32_t slot = take();
        Slot& s = slots_[slot];
        s.state.emplace(std::move(state));
        s.node = node;
        s.timer = 0;
        const RequestId id = idOf(slot);
        if (deadline != sim::kTimeNever) {
            s.timer = clock_->setTimer(node, deadline, &PendingRequests::onTimer, this, id);
            if (s.timer == 0) {
                release(slot);
                return 0;
            }
        }
        return id;
    }

    /// The answer to `id` came: the request's state, and its timeout stops. nullopt when it is
    /// not pending: answered before, timed out, forgotten, or never made.
    std::optional<State> answer(RequestId id) { return forget(id); }

    /// The state of a pending request, left in place; nullptr when it is not pending.
    State* find(RequestId id) {
        const std::uint32_t slot = slotOf(id);
        return slot == kNoSlot ? nullptr : &*slots_[slot].state;
    }

    /// Stops waiting for `id` (the asker gave up): its state, without a timeout.
    std::optional<State> forget(RequestId id) {
        const std::uint32_t slot = slotOf(id);
        if (slot == kNoSlot) return std::nullopt;
        if (slots_[slot].timer != 0) clock_->cancelTimer(slots_[slot].timer);
        std::optional<State> state = std::move(slots_[slot].state);
        release(slot);
        return state;
    }

    /// The requests `node` waits on went down with it: fn(id, state) for each, then they are
    /// forgotten (their timeouts never fire).
    template <class Fn>
    void forgetNode(sim::NodeIndex node, Fn&& fn) {
        for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
            Slot& s = slots_[slot];
            if ((s.generation & 1u) == 0 || s.node != node) continue;
            const RequestId id = idOf(slot);
            if (s.timer != 0) clock_->cancelTimer(s.timer);
            State state = std::move(*s.state);
            release(slot);
            fn(id, state);
        }
    }

    /// Requests waiting for their answer.
    std::size_t pending() const { return live_; }

  private:
    struct Slot {
        std::optional<State> state;
        TimerId timer = 0;
        sim::NodeIndex node = 0;
        std::uint32_t generation = 0;  // odd while the slot holds a request
        std::uint32_t nextFree = 0;
    };
    static constexpr std::uint32_t kNoSlot = 0xffffffffu;

    RequestId idOf(std::uint32_t slot) const {
        return (std::uint64_t{slots_[slot].generation} << 32) | slot;
    }
    std::uint32_t slotOf(RequestId id) const {
        const auto slot = static_cast<std::uint32_t>(id);
        const auto generation = static_cast<std::uint32_t>(id >> 32);
        if (slot >= slots_.size() || (generation & 1u) == 0 ||
            slots_[slot].generation != generation)
            return kNoSlot;
        return slot;
    }
    std::uint32_t take() {
        if (free_ == kNoSlot) {
            slots_.emplace_back();
            free_ = static_cast<std::uint32_t>(slots_.size() - 1);
            slots_.back().nextFree = kNoSlot;
        }
        const std::uint32_t slot = free_;
        free_ = slots_[slot].nextFree;
        ++slots_[slot].generation;
        ++live_;
        return slot;
    }
    void release(std::uint32_t slot) {
        Slot& s = slots_[slot];
        s.state.reset();
        ++s.generation;
        s.nextFree = free_;
        free_ = slot;
        --live_;
    }
    static void onTimer(void* self, sim::NodeIndex node, std::uint64_t id) {
        auto& p = *static_cast<PendingRequests*>(self);
        const std::uint32_t slot = p.slotOf(id);
        if (slot == kNoSlot) return;
        p.slots_[slot].timer = 0;  // it fired
        State state = std::move(*p.slots_[slot].state);
        p.release(slot);
        p.timeout_(p.self_, node, state);
    }

    NodeClock* clock_ = nullptr;
    TimeoutFn timeout_ = nullptr;
    void* self_ = nullptr;
    std::vector<Slot> slots_;
    std::uint32_t free_ = kNoSlot;
    std::size_t live_ = 0;
};

}  // namespace dais::core
