#include "dais/sim/inbox.h"

#include <utility>

namespace dais::sim {

bool Inbox::post(KindId kind, TargetId target, std::uint64_t data, std::uint16_t aux,
                 std::span<const std::byte> bytes) {
    if (kind == 0 || kind >= kinds_.load(std::memory_order_acquire)) return false;
    if (bytes.size() > kMaxBytes) return false;
    std::vector<std::byte> body(bytes.begin(), bytes.end());
    {
        std::lock_guard lock(mutex_);
        if (closed_ || waiting_.size() >= kMaxInputs || bytes.size() > kMaxBytes - bytes_)
            return false;
        // Stamped under the lock, so that arrival times follow the posting order.
        waiting_.push_back(Input{kind, target, data, aux, std::move(body), clock_->nowNs()});
        bytes_ += bytes.size();
    }
    notify_(self_);
    return true;
}

std::size_t Inbox::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
}

bool Inbox::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

void Inbox::setClock(WallClock* clock) {
    std::lock_guard lock(mutex_);
    clock_ = clock;
}

void Inbox::close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    waiting_.clear();
    bytes_ = 0;
}

void Inbox::takeAll(std::vector<Input>& out) {
    out.clear();
    std::lock_guard lock(mutex_);
    waiting_.swap(out);
    bytes_ = 0;
}

}  // namespace dais::sim
