#pragma once
// Structured messages for layers that speak protocols (INV/GETDATA, calls for proposals, rounds
// of secure aggregation, agents' tasks). A MessageChannel<T> is a port whose messages are
// records of type T: send() moves the record into a pool and hands the transport (node_runtime.h;
// in a simulation the run's network) a handle as its payload word, with the record's real size in
// bytes on the wire; the record stays in its slot while the message crosses the network (never
// copied per hop), is moved out to the layer's handler when it is delivered or lost, and destroyed
// when the handler returns. Records still in flight when the run ends are destroyed with the
// channel. Slots are reused, so after the pool has grown to the most messages in flight a message
// costs no allocation.
//
//     struct Offer { std::uint64_t job; core::Amount price; std::uint64_t wireBytes() const; };
//     core::MessageChannel<Offer> offers_;
//     offers_.open(runtime.transport(), "market.offer", &Market::onOffer, this, &Market::onLost);
//     offers_.send(provider, buyer, Offer{job, price});          // bytes = wireBytes()
//     static void onOffer(void* self, const sim::Delivery& d, Offer& offer) { ... }
//
// A handle carries the slot and a generation, so a payload that is not one of the channel's
// live messages (a stray message on its port) fails the run naming the channel instead of
// reading another message's record.

#include <concepts>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dais/core/layer.h"
#include "dais/core/node_runtime.h"
#include "dais/sim/memory_need.h"
#include "dais/sim/network.h"

namespace dais::core {

/// A record that knows its size on the wire.
template <class T>
concept SizedMessage = requires(const T& t) {
    { t.wireBytes() } -> std::convertible_to<std::uint64_t>;
};

template <class T>
class MessageChannel {
  public:
    /// The layer's handlers; the record is destroyed when they return (move it out to keep it).
    using DeliverFn = void (*)(void* self, const sim::Delivery& d, T& record);
    using LostFn = void (*)(void* self, const sim::Loss& l, T& record);

    MessageChannel() = default;
    MessageChannel(const MessageChannel&) = delete;
    MessageChannel& operator=(const MessageChannel&) = delete;
    /// Records still in flight (the run ended before they arrived) are destroyed here.
    ~MessageChannel() {
        for (Slot& s : slots_)
            if (s.generation & 1u) s.record().~T();
    }

    /// Opens the channel's port on `transport` (named `name`, e.g. "market.offer"). onLost may
    /// be null: a lost record is then destroyed unseen. Call once, in setup().
    void open(NodeTransport& transport, std::string_view name, DeliverFn onDeliver, void* self,
              LostFn onLost = nullptr) {
        net_ = &transport;
        name_ = name;
        deliver_ = onDeliver;
        lost_ = onLost;
        self_ = self;
        port_ =
            transport.openPort(name, &MessageChannel::onDelivery, this, &MessageChannel::onLoss);
    }

    /// Sends `record` from one node to another as `bytes` on the wire; 0 if the network
    /// refused it (it then holds nothing). Delivery or loss comes later, never inside send().
    sim::MessageId send(sim::NodeIndex from, sim::NodeIndex to, std::uint64_t bytes, T record) {
        const std::uint32_t slot = allocate(std::move(record));
        const sim::MessageId id =
            net_->send(from, to, bytes, port_, handle(slot, slots_[slot].generation));
        if (id == 0) release(slot);
        return id;
    }
    /// The same, with the record's own size on the wire.
    sim::MessageId send(sim::NodeIndex from, sim::NodeIndex to, T record) requires SizedMessage<T> {
        const std::uint64_t bytes = record.wireBytes();
        return send(from, to, bytes, std::move(record));
    }

    sim::PortId port() const { return port_; }
    const std::string& name() const { return name_; }
    /// Records sent and not yet delivered or lost.
    std::size_t inFlight() const { return live_; }
    /// Slots the pool holds (the most records that were in flight at once).
    std::size_t capacity() const { return slots_.size(); }

  private:
    struct Slot {
        alignas(T) unsigned char bytes[sizeof(T)];
        std::uint32_t generation = 0;  // odd while the slot holds a record
        std::uint32_t nextFree = 0;
        T& record() { return *std::launder(reinterpret_cast<T*>(bytes)); }
    };
    static constexpr std::uint32_t kNoSlot = 0xffffffffu;

    static std::uint64_t handle(std::uint32_t slot, std::uint32_t generation) {
        return (std::uint64_t{generation} << 32) | slot;
    }

    std::uint32_t allocate(T&& record) {
        if (freeHead_ == kNoSlot) grow();
        const std::uint32_t slot = freeHead_;
        Slot& s = slots_[slot];
        freeHead_ = s.nextFree;
        ::new (static_cast<void*>(s.bytes)) T(std::move(record));
        ++s.generation;
        ++live_;
        return slot;
    }

    void release(std::uint32_t slot) {
        Slot& s = slots_[slot];
        s.record().~T();
        ++s.generation;
        s.nextFree = freeHead_;
        freeHead_ = slot;
        --live_;
    }

    /// Doubles the pool, taking the memory from the run's budget.
    [[gnu::noinline]] void grow() {
        const std::size_t old = slots_.size();
        const std::size_t more = old == 0 ? 64 : old;
        if (old + more > kNoSlot) failRun("more than 4 billion messages in flight");
        if (!net_->takeMemory(more * sizeof(Slot)))
            throw sim::MemoryExhausted(
                name_ + ": " + sim::countText(static_cast<double>(old + more)) +
                " messages in flight would hold " +
                sim::memoryText(static_cast<double>((old + more) * sizeof(Slot))) +
                ", more than the memory left to the run (" +
                sim::memoryText(static_cast<double>(net_->memoryLeft())) + ")");
        // Records live in place: a larger pool moves them, as their handles are slot numbers.
        std::vector<Slot> bigger(old + more);
        for (std::size_t i = 0; i < old; ++i) {
            bigger[i].generation = slots_[i].generation;
            bigger[i].nextFree = slots_[i].nextFree;
            if (slots_[i].generation & 1u) {
                ::new (static_cast<void*>(bigger[i].bytes)) T(std::move(slots_[i].record()));
                slots_[i].record().~T();
            }
        }
        slots_.swap(bigger);
        for (std::size_t i = old + more; i-- > old;) {
            slots_[i].nextFree = freeHead_;
            freeHead_ = static_cast<std::uint32_t>(i);
        }
    }

    /// The slot a payload names, or a failed run when it names none of the live records.
    std::uint32_t slotOf(std::uint64_t payload) {
        const auto slot = static_cast<std::uint32_t>(payload);
        const auto generation = static_cast<std::uint32_t>(payload >> 32);
        if (slot >= slots_.size() || slots_[slot].generation != generation ||
            (generation & 1u) == 0) [[unlikely]]
            failRun("a message arrived that the channel did not send (payload " +
                    std::to_string(payload) + ")");
        return slot;
    }

    [[noreturn, gnu::cold]] void failRun(const std::string& what) const {
        throw LayerError(name_ + ": " + what);
    }

    // The record leaves its slot (one move, not a copy) before the handler runs: the handler
    // may send on this channel, which may grow the pool, and the slot is free for it to reuse.
    T takeOut(std::uint64_t payload) {
        const std::uint32_t slot = slotOf(payload);
        T record(std::move(slots_[slot].record()));
        release(slot);
        return record;
    }
    static void onDelivery(void* self, const sim::Delivery& d) {
        auto& c = *static_cast<MessageChannel*>(self);
        T record = c.takeOut(d.payload);
        c.deliver_(c.self_, d, record);
    }
    static void onLoss(void* self, const sim::Loss& l) {
        auto& c = *static_cast<MessageChannel*>(self);
        T record = c.takeOut(l.payload);
        if (c.lost_ != nullptr) c.lost_(c.self_, l, record);
    }

    NodeTransport* net_ = nullptr;
    std::string name_;
    DeliverFn deliver_ = nullptr;
    LostFn lost_ = nullptr;
    void* self_ = nullptr;
    sim::PortId port_ = 0;
    std::vector<Slot> slots_;
    std::uint32_t freeHead_ = kNoSlot;
    std::size_t live_ = 0;
};

}  // namespace dais::core
