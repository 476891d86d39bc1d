#pragma once
// One compute occupancy per node, shared by every layer of a run: work in FLOPs becomes a finish
// time from the node's speed and from what else the node computes at the same time.
//
// A node has two processors, its CPU (resources.cpu_gflops) and its GPU (resources.gpu_tflops).
// Each is shared evenly among the tasks it runs (processor sharing, as a time-shared scheduler
// does): n tasks each progress at speed / n, and when one starts or ends the others' finish
// times move. So a node that trains for federated learning and serves a market's job at once
// does both at half speed, and neither layer has to know of the other. A node that crashes
// loses what it was computing: its tasks end, not completed.

#include <cstdint>
#include <vector>

#include "dais/sim/network.h"
#include "dais/sim/paged_vector.h"
#include "dais/sim/simulation.h"

namespace dais::sim {

class ComputeOccupancy final : private FaultListener {
  public:
    enum class Unit : std::uint8_t { Cpu, Gpu };
    using TaskId = std::uint64_t;

    /// How a task ended.
    struct Finished {
        TaskId task = 0;
        NodeIndex node = 0;
        bool completed = false;  ///< false: the node crashed or the task was cancelled
        SimTime startedAt = 0;
        std::uint64_t data = 0;  ///< as given to start()
    };
    /// Hears that a task ended, on the run's thread, inside a kernel event.
    using DoneFn = void (*)(void* self, const Finished& f);

    /// Both must outlive it.
    ComputeOccupancy(Simulation& sim, Network& net);
    ~ComputeOccupancy() override;
    ComputeOccupancy(const ComputeOccupancy&) = delete;
    ComputeOccupancy& operator=(const ComputeOccupancy&) = delete;

    /// The node's speed, FLOP/s (0: it has no such processor): what equip() set, else what the
    /// scenario's resources say.
    double speed(NodeIndex node, Unit unit) const;
    /// Gives the node a processor of `flopsPerSecond` (> 0), or sets its speed: a layer that
    /// knows a node's hardware (a market's catalogue of GPUs and CPUs) equips it at set-up. The
    /// tasks running on it go on at the new speed. The last call wins.
    void equip(NodeIndex node, Unit unit, double flopsPerSecond);
    /// Starts `flops` (> 0) of work on the node; `done` hears when it ends. 0 (and nothing
    /// started) when the node is down or has no such processor.
    TaskId start(NodeIndex node, double flops, Unit unit, DoneFn done, void* self,
                 std::uint64_t data = 0);
    /// Ends a running task, not completed (its `done` hears it). False when it is not running.
    bool cancel(TaskId task);
    /// When `flops` started now on the node would finish if nothing else started or ended
    /// meanwhile; kTimeNever when it cannot run there.
    SimTime estimate(NodeIndex node, double flops, Unit unit) const;
    /// Tasks running on one processor of the node.
    std::size_t running(NodeIndex node, Unit unit) const;
    /// Work left of a running task, FLOPs, as of now; 0 when it is not running.
    double remaining(TaskId task) const;

  private:
    static constexpr std::uint32_t kNone = 0xffffffffu;
    /// A task, in a slot of tasks_; a free slot is on the free list through `next`. Its id is
    /// its slot and the slot's generation, so an id outlives no task.
    struct Task {
        double left = 0;  // FLOPs, as of its processor's `since`
        SimTime startedAt = 0;
        DoneFn done = nullptr;
        void* self = nullptr;
        std::uint64_t data = 0;
        std::uint32_t processor = kNone;  // index into processors_, or kNone: the slot is free
        std::uint32_t next = kNone;       // the next task on its processor, or the next free slot
        std::uint32_t generation = 0;
    };
    /// One processor of one node that has computed; nodes that never do cost one index each.
    struct Processor {
        std::uint32_t key = 0;                      // node << 1 | unit
        std::uint32_t first = kNone, last = kNone;  // its running tasks, in start order
        std::uint32_t count = 0;
        double speed = 0;   // FLOP/s
        SimTime since = 0;  // when `left` of its tasks was last brought up to date
        EventId next{};     // its next completion
    };
    static std::uint32_t key(NodeIndex node, Unit unit) {
        return (node << 1) | static_cast<std::uint32_t>(unit);
    }
    static TaskId idOf(std::uint32_t slot, std::uint32_t generation) {
        return (static_cast<TaskId>(generation) << 32) | (static_cast<TaskId>(slot) + 1);
    }
    /// The slot of a running task, or kNone.
    std::uint32_t slotOf(TaskId id) const;
    /// The processor of (node, unit), or nullptr when it has never computed.
    const Processor* find(NodeIndex node, Unit unit) const;
    Processor& processor(NodeIndex node, Unit unit);
    /// The speed the scenario's resources give (node, unit).
    double declaredSpeed(NodeIndex node, Unit unit) const;
    /// Brings the processor's tasks' work left up to now.
    void advance(Processor& p, double speed);
    /// Schedules the processor's next completion (after a change).
    void reschedule(Processor& p, double speed);
    /// Takes task `slot` off its processor's list (it is on it).
    void unlink(Processor& p, std::uint32_t slot);
    void onDone(Simulation& sim, const Event& e);
    /// Frees a task's slot (off its processor already) and tells its owner how it ended.
    void end(std::uint32_t slot, bool completed);
    void onNodeUp(NodeIndex node, bool up) override;

    Simulation& sim_;
    Network& net_;
    KindId kind_ = 0;
    PagedVector<Task> tasks_;
    std::uint32_t freeTask_ = kNone;
    std::vector<std::uint32_t> processorOf_;  // per key, or kNone
    PagedVector<Processor> processors_;       // in pages: no doubling for a hundred thousand nodes
    std::uint32_t processorCount_ = 0;
    std::vector<std::uint32_t> finished_;  // scratch: the tasks one completion ends
};

}  // namespace dais::sim
