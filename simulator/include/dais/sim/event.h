#pragma once
// The event record that the queues store and the kernel dispatches.

#include <cstdint>
#include <type_traits>

#include "dais/sim/time.h"

namespace dais::sim {

/// Handler tag of an event: an index into the simulation's table of registered kinds.
using KindId = std::uint16_t;
/// Whatever an event is addressed to (a node, a link, a logical process); the model decides.
using TargetId = std::uint32_t;

/// A scheduled event: 32 bytes of plain data, copied by value through the queues.
/// Order is (time, seq): seq is the insertion sequence, unique within a run, so events at
/// equal times run in the order they were scheduled.
struct Event {
    SimTime time;
    std::uint64_t seq;
    TargetId target;
    KindId kind;
    std::uint16_t aux;   ///< small payload (a hop index, a flag) at no extra cost
    std::uint64_t data;  ///< payload: a message slot, an index, a value
};
static_assert(sizeof(Event) == 32 && std::is_trivially_copyable_v<Event>);

/// Strict (time, seq) order: true if a runs before b.
constexpr bool runsBefore(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

/// Identifies a scheduled event so that it can be cancelled. seq 0 is never used.
struct EventId {
    SimTime time = 0;
    std::uint64_t seq = 0;
    constexpr bool valid() const { return seq != 0; }
    friend constexpr bool operator==(const EventId&, const EventId&) = default;
};

}  // namespace dais::sim
