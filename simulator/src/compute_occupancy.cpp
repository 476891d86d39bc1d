#include "dais/sim/compute_occupancy.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dais::sim {

ComputeOccupancy::ComputeOccupancy(Simulation& sim, Network& net) : sim_(sim), net_(net) {
    kind_ = sim_.registerKind<&ComputeOccupancy::onDone>("compute.done", *this);
    net_.addFaultListener(this);
}

ComputeOccupancy::~ComputeOccupancy() {
    net_.removeFaultListener(this);
}

double ComputeOccupancy::speed(NodeIndex node, Unit unit) const {
    const Resources* r = node < net_.nodeCount() ? net_.resources(node) : nullptr;
    if (r == nullptr) return 0;
    return unit == Unit::Cpu ? r->cpuGflops * 1e9 : r->gpuTflops * 1e12;
}

void ComputeOccupancy::advance(Processor& p, double speed) {
    const SimTime now = sim_.now();
    if (now > p.since && !p.tasks.empty()) {
        const double done = speed / static_cast<double>(p.tasks.size()) * toSeconds(now - p.since);
        for (const TaskId id : p.tasks) {
            Task& t = tasks_.at(id);
            t.left = std::max(0.0, t.left - done);
        }
    }
    p.since = now;
}

void ComputeOccupancy::reschedule(std::uint64_t k, Processor& p, double speed) {
    if (p.next.valid()) sim_.cancel(p.next);
    p.next = {};
    if (p.tasks.empty()) return;
    double least = std::numeric_limits<double>::infinity();
    for (const TaskId id : p.tasks)
        least = std::min(least, tasks_.at(id).left);
    const double seconds = least * static_cast<double>(p.tasks.size()) / speed;
    // Rounded up to the nanosecond, so the work is done when the event comes.
    const double ns = std::ceil(seconds * 1e9);
    SimTime at = kTimeNever;
    if (ns < 9e18 && addTime(sim_.now(), static_cast<SimTime>(ns), at))
        p.next = sim_.scheduleAt(at, static_cast<TargetId>(k >> 1), kind_, k);
}

ComputeOccupancy::TaskId ComputeOccupancy::start(NodeIndex node, double flops, Unit unit,
                                                 DoneFn done, void* self, std::uint64_t data) {
    const double s = speed(node, unit);
    if (!(s > 0) || !(flops > 0) || !net_.nodeUp(node)) return 0;
    const std::uint64_t k = key(node, unit);
    Processor& p = processors_[k];
    advance(p, s);
    const TaskId id = nextId_++;
    tasks_.emplace(id, Task{node, unit, flops, sim_.now(), done, self, data});
    p.tasks.push_back(id);
    reschedule(k, p, s);
    return id;
}

SimTime ComputeOccupancy::estimate(NodeIndex node, double flops, Unit unit) const {
    const double s = speed(node, unit);
    if (!(s > 0) || !net_.nodeUp(node)) return kTimeNever;
    // Processor sharing with no new arrivals: the tasks with less work left than `flops` finish
    // first, each freeing its share; simulate the departures in order.
    std::vector<double> left;
    if (const auto it = processors_.find(key(node, unit)); it != processors_.end()) {
        const Processor& p = it->second;
        const double done = p.tasks.empty() ? 0.0
                                            : s / static_cast<double>(p.tasks.size()) *
                                                  toSeconds(sim_.now() - p.since);
        for (const TaskId id : p.tasks)
            left.push_back(std::max(0.0, tasks_.at(id).left - done));
    }
    std::sort(left.begin(), left.end());
    double seconds = 0, served = 0;  // work each remaining task has received since now
    std::size_t n = left.size() + 1;
    for (const double l : left) {
        if (l >= flops) break;
        seconds += (l - served) * static_cast<double>(n) / s;
        served = l;
        --n;
    }
    seconds += (flops - served) * static_cast<double>(n) / s;
    SimTime at = kTimeNever;
    return addTime(sim_.now(), fromSeconds(seconds), at) ? at : kTimeNever;
}

std::size_t ComputeOccupancy::running(NodeIndex node, Unit unit) const {
    const auto it = processors_.find(key(node, unit));
    return it == processors_.end() ? 0 : it->second.tasks.size();
}

double ComputeOccupancy::remaining(TaskId task) const {
    const auto it = tasks_.find(task);
    if (it == tasks_.end()) return 0;
    const Task& t = it->second;
    const auto p = processors_.find(key(t.node, t.unit));
    const double done = speed(t.node, t.unit) / static_cast<double>(p->second.tasks.size()) *
                        toSeconds(sim_.now() - p->second.since);
    return std::max(0.0, t.left - done);
}

void ComputeOccupancy::onDone(Simulation&, const Event& e) {
    const std::uint64_t k = e.data;
    const auto it = processors_.find(k);
    if (it == processors_.end()) return;
    Processor& p = it->second;
    p.next = {};
    const auto node = static_cast<NodeIndex>(k >> 1);
    const Unit unit = static_cast<Unit>(k & 1);
    const double s = speed(node, unit);
    advance(p, s);
    // What is left of a finished task is rounding: less than a nanosecond of its share.
    const double slack = s / static_cast<double>(p.tasks.size()) * 1e-9 * 2;
    std::vector<TaskId> finished;
    for (const TaskId id : p.tasks)
        if (tasks_.at(id).left <= slack) finished.push_back(id);
    std::erase_if(p.tasks, [&](TaskId id) {
        return std::find(finished.begin(), finished.end(), id) != finished.end();
    });
    reschedule(k, p, s);
    for (const TaskId id : finished)
        end(id, true);
}

void ComputeOccupancy::end(TaskId id, bool completed) {
    const auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    const Task t = it->second;
    tasks_.erase(it);
    if (t.done) t.done(t.self, Finished{id, t.node, completed, t.startedAt, t.data});
}

bool ComputeOccupancy::cancel(TaskId task) {
    const auto it = tasks_.find(task);
    if (it == tasks_.end()) return false;
    const std::uint64_t k = key(it->second.node, it->second.unit);
    Processor& p = processors_.at(k);
    const double s = speed(it->second.node, it->second.unit);
    advance(p, s);
    std::erase(p.tasks, task);
    reschedule(k, p, s);
    end(task, false);
    return true;
}

void ComputeOccupancy::onNodeUp(NodeIndex node, bool up) {
    if (up) return;
    for (const Unit unit : {Unit::Cpu, Unit::Gpu}) {
        const auto it = processors_.find(key(node, unit));
        if (it == processors_.end() || it->second.tasks.empty()) continue;
        Processor& p = it->second;
        const std::vector<TaskId> lost = std::move(p.tasks);
        p.tasks.clear();
        if (p.next.valid()) sim_.cancel(p.next);
        p.next = {};
        for (const TaskId id : lost)
            end(id, false);
    }
}

}  // namespace dais::sim
