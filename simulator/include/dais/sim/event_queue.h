#pragma once
// The one interface every pending-event set implements. The kernel is compiled once per
// implementation (a template over this concept), so choosing a queue costs nothing per event.

#include <concepts>
#include <cstddef>
#include <string_view>

#include "dais/sim/event.h"

namespace dais::sim {

/// A priority queue of Events in (time, seq) order.
/// top() and pop() require !empty(). replaceTop(e) is pop() followed by push(e), which some
/// implementations do in one pass; it is the common case of a handler that schedules one event.
/// Pushed events are never earlier than the last popped one (causality), which calendar-style
/// queues rely on. peekNext() is a cheap guess at the event after top() (or nullptr), used
/// only as a prefetch hint.
template <class Q>
concept EventQueue = requires(Q q, const Q cq, const Event& e, std::size_t n) {
    {q.push(e)};
    { cq.top() } -> std::same_as<const Event&>;
    {q.pop()};
    {q.replaceTop(e)};
    { cq.size() } -> std::convertible_to<std::size_t>;
    { cq.empty() } -> std::convertible_to<bool>;
    {q.clear()};
    {q.reserve(n)};
    { cq.memoryBytes() } -> std::convertible_to<std::size_t>;
    { cq.peekNext() } -> std::same_as<const Event*>;
    { Q::name() } -> std::convertible_to<std::string_view>;
};

/// The queue implementations a run can choose from.
enum class QueueKind {
    Heap,    ///< 4-ary heap of 32-byte entries: the least memory per pending event
    Ladder,  ///< ladder queue (Tang, Goh and Thng 2005): O(1) amortised, the fastest (default)
};

std::string_view queueKindName(QueueKind k);
/// Parses "heap" or "ladder"; returns false on anything else.
bool parseQueueKind(std::string_view text, QueueKind& out);

}  // namespace dais::sim
