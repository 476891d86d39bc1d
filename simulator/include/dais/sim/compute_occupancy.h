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
#include <unordered_map>
#include <vector>

#include "dais/sim/network.h"
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

    /// The node's speed, FLOP/s (0: it has no such processor).
    double speed(NodeIndex node, Unit unit) const;
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
    struct Task {
        NodeIndex node = 0;
        Unit unit = Unit::Cpu;
        double left = 0;  // FLOPs, as of its processor's `since`
        SimTime startedAt = 0;
        DoneFn done = nullptr;
        void* self = nullptr;
        std::uint64_t data = 0;
    };
    /// One processor of one node.
    struct Processor {
        std::vector<TaskId> tasks;  // running, in start order
        SimTime since = 0;          // when `left` of its tasks was last brought up to date
        EventId next{};             // its next completion
    };
    static std::uint64_t key(NodeIndex node, Unit unit) {
        return (static_cast<std::uint64_t>(node) << 1) | static_cast<std::uint64_t>(unit);
    }
    /// Brings the processor's tasks' work left up to now.
    void advance(Processor& p, double speed);
    /// Schedules the processor's next completion (after a change).
    void reschedule(std::uint64_t k, Processor& p, double speed);
    void onDone(Simulation& sim, const Event& e);
    void end(TaskId id, bool completed);
    void onNodeUp(NodeIndex node, bool up) override;

    Simulation& sim_;
    Network& net_;
    KindId kind_ = 0;
    TaskId nextId_ = 1;
    std::unordered_map<TaskId, Task> tasks_;
    std::unordered_map<std::uint64_t, Processor> processors_;
};

}  // namespace dais::sim
