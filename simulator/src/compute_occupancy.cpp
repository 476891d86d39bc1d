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
    const Processor* p = find(node, unit);
    return p != nullptr ? p->speed : declaredSpeed(node, unit);
}

double ComputeOccupancy::declaredSpeed(NodeIndex node, Unit unit) const {
    const Resources* r = node < net_.nodeCount() ? net_.resources(node) : nullptr;
    if (r == nullptr) return 0;
    return unit == Unit::Cpu ? r->cpuGflops * 1e9 : r->gpuTflops * 1e12;
}

std::uint32_t ComputeOccupancy::slotOf(TaskId id) const {
    const TaskId slot = (id & 0xffffffffu) - 1;
    if (id == 0 || slot >= tasks_.size()) return kNone;
    const Task& t = tasks_[static_cast<std::size_t>(slot)];
    if (t.processor == kNone || t.generation != static_cast<std::uint32_t>(id >> 32)) return kNone;
    return static_cast<std::uint32_t>(slot);
}

const ComputeOccupancy::Processor* ComputeOccupancy::find(NodeIndex node, Unit unit) const {
    const std::uint32_t k = key(node, unit);
    if (k >= processorOf_.size() || processorOf_[k] == kNone) return nullptr;
    return &processors_[processorOf_[k]];
}

ComputeOccupancy::Processor& ComputeOccupancy::processor(NodeIndex node, Unit unit) {
    const std::uint32_t k = key(node, unit);
    if (processorOf_.empty()) processorOf_.assign(2 * net_.nodeCount(), kNone);
    if (processorOf_[k] == kNone) {
        if (processorCount_ == processors_.size()) processors_.grow();
        processorOf_[k] = processorCount_++;
        Processor p{k};
        p.speed = declaredSpeed(node, unit);
        processors_[processorOf_[k]] = p;
    }
    return processors_[processorOf_[k]];
}

void ComputeOccupancy::equip(NodeIndex node, Unit unit, double flopsPerSecond) {
    if (!(flopsPerSecond > 0) || node >= net_.nodeCount()) return;
    Processor& p = processor(node, unit);
    if (p.count > 0) advance(p, p.speed);
    p.speed = flopsPerSecond;
    if (p.count > 0) reschedule(p, p.speed);
}

void ComputeOccupancy::advance(Processor& p, double speed) {
    const SimTime now = sim_.now();
    if (now > p.since && p.count > 0) {
        const double done = speed / static_cast<double>(p.count) * toSeconds(now - p.since);
        for (std::uint32_t i = p.first; i != kNone; i = tasks_[i].next)
            tasks_[i].left = std::max(0.0, tasks_[i].left - done);
    }
    p.since = now;
}

void ComputeOccupancy::reschedule(Processor& p, double speed) {
    if (p.next.valid()) sim_.cancel(p.next);
    p.next = {};
    if (p.count == 0) return;
    double least = std::numeric_limits<double>::infinity();
    for (std::uint32_t i = p.first; i != kNone; i = tasks_[i].next)
        least = std::min(least, tasks_[i].left);
    const double seconds = least * static_cast<double>(p.count) / speed;
    // Rounded up to the nanosecond, so the work is done when the event comes.
    const double ns = std::ceil(seconds * 1e9);
    SimTime at = kTimeNever;
    if (ns < 9e18 && addTime(sim_.now(), static_cast<SimTime>(ns), at))
        p.next = sim_.scheduleAt(at, static_cast<TargetId>(p.key >> 1), kind_, p.key);
}

void ComputeOccupancy::unlink(Processor& p, std::uint32_t slot) {
    std::uint32_t before = kNone;
    for (std::uint32_t i = p.first; i != slot; i = tasks_[i].next)
        before = i;
    const std::uint32_t after = tasks_[slot].next;
    if (before == kNone)
        p.first = after;
    else
        tasks_[before].next = after;
    if (p.last == slot) p.last = before;
    --p.count;
}

ComputeOccupancy::TaskId ComputeOccupancy::start(NodeIndex node, double flops, Unit unit,
                                                 DoneFn done, void* self, std::uint64_t data) {
    if (!(speed(node, unit) > 0) || !(flops > 0) || !net_.nodeUp(node)) return 0;
    if (freeTask_ == kNone) {
        const auto first = static_cast<std::uint32_t>(tasks_.grow());
        for (std::uint32_t i = static_cast<std::uint32_t>(tasks_.size()); i-- > first;) {
            tasks_[i].next = freeTask_;
            freeTask_ = i;
        }
    }
    Processor& p = processor(node, unit);
    const double s = p.speed;
    advance(p, s);
    const std::uint32_t slot = freeTask_;
    Task& t = tasks_[slot];
    freeTask_ = t.next;
    t.left = flops;
    t.startedAt = sim_.now();
    t.done = done;
    t.self = self;
    t.data = data;
    t.processor = processorOf_[key(node, unit)];
    t.next = kNone;
    if (p.last == kNone)
        p.first = slot;
    else
        tasks_[p.last].next = slot;
    p.last = slot;
    ++p.count;
    reschedule(p, s);
    return idOf(slot, t.generation);
}

SimTime ComputeOccupancy::estimate(NodeIndex node, double flops, Unit unit) const {
    const double s = speed(node, unit);
    if (!(s > 0) || !net_.nodeUp(node)) return kTimeNever;
    // Processor sharing with no new arrivals: the tasks with less work left than `flops` finish
    // first, each freeing its share; simulate the departures in order.
    std::vector<double> left;
    if (const Processor* p = find(node, unit); p != nullptr && p->count > 0) {
        const double done = s / static_cast<double>(p->count) * toSeconds(sim_.now() - p->since);
        for (std::uint32_t i = p->first; i != kNone; i = tasks_[i].next)
            left.push_back(std::max(0.0, tasks_[i].left - done));
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
    const Processor* p = find(node, unit);
    return p == nullptr ? 0 : p->count;
}

double ComputeOccupancy::remaining(TaskId task) const {
    const std::uint32_t slot = slotOf(task);
    if (slot == kNone) return 0;
    const Task& t = tasks_[slot];
    const Processor& p = processors_[t.processor];
    const double done = p.speed / static_cast<double>(p.count) * toSeconds(sim_.now() - p.since);
    return std::max(0.0, t.left - done);
}

void ComputeOccupancy::onDone(Simulation&, const Event& e) {
    const auto k = static_cast<std::uint32_t>(e.data);
    if (k >= processorOf_.size() || processorOf_[k] == kNone) return;
    Processor& p = processors_[processorOf_[k]];
    p.next = {};
    const double s = p.speed;
    advance(p, s);
    // What is left of a finished task is rounding: less than a nanosecond of its share.
    const double slack = s / static_cast<double>(p.count) * 1e-9 * 2;
    finished_.clear();
    std::uint32_t before = kNone;
    for (std::uint32_t i = p.first; i != kNone;) {
        const std::uint32_t next = tasks_[i].next;
        if (tasks_[i].left <= slack) {
            finished_.push_back(i);
            if (before == kNone)
                p.first = next;
            else
                tasks_[before].next = next;
            if (p.last == i) p.last = before;
            --p.count;
        } else {
            before = i;
        }
        i = next;
    }
    reschedule(p, s);
    // An owner may start or cancel tasks from its callback; neither touches finished_, and
    // the slots still to end are not free yet, so none is reused meanwhile.
    for (const std::uint32_t slot : finished_)
        end(slot, true);
}

void ComputeOccupancy::end(std::uint32_t slot, bool completed) {
    Task& t = tasks_[slot];
    const Finished f{idOf(slot, t.generation),
                     static_cast<NodeIndex>(processors_[t.processor].key >> 1), completed,
                     t.startedAt, t.data};
    const DoneFn done = t.done;
    void* self = t.self;
    t.processor = kNone;
    ++t.generation;
    t.next = freeTask_;
    freeTask_ = slot;
    if (done) done(self, f);
}

bool ComputeOccupancy::cancel(TaskId task) {
    const std::uint32_t slot = slotOf(task);
    if (slot == kNone) return false;
    Processor& p = processors_[tasks_[slot].processor];
    const double s = p.speed;
    advance(p, s);
    unlink(p, slot);
    reschedule(p, s);
    end(slot, false);
    return true;
}

void ComputeOccupancy::onNodeUp(NodeIndex node, bool up) {
    if (up) return;
    for (const Unit unit : {Unit::Cpu, Unit::Gpu}) {
        const std::uint32_t k = key(node, unit);
        if (k >= processorOf_.size() || processorOf_[k] == kNone) continue;
        Processor& p = processors_[processorOf_[k]];
        if (p.count == 0) continue;
        std::vector<std::uint32_t> lost;
        for (std::uint32_t i = p.first; i != kNone; i = tasks_[i].next)
            lost.push_back(i);
        p.first = p.last = kNone;
        p.count = 0;
        if (p.next.valid()) sim_.cancel(p.next);
        p.next = {};
        for (const std::uint32_t slot : lost)
            end(slot, false);
    }
}

}  // namespace dais::sim
