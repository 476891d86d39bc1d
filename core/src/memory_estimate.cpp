#include "dais/core/memory_estimate.h"

namespace dais::core {

double MemoryEstimate::total() const {
    double t = 0;
    for (const sim::MemoryNeed& n : needs)
        t += n.bytes;
    return t;
}

const sim::MemoryNeed* MemoryEstimate::largest() const {
    const sim::MemoryNeed* best = nullptr;
    for (const sim::MemoryNeed& n : needs)
        if (best == nullptr || n.bytes > best->bytes) best = &n;
    return best;
}

std::string memoryRefusal(const MemoryEstimate& estimate, const MemoryLimit& limit) {
    const double total = estimate.total();
    const sim::MemoryNeed* largest = estimate.largest();
    if (largest == nullptr || !(total > static_cast<double>(limit.bytes))) return {};
    const sim::MemoryNeed& big = *largest;
    std::string text = big.pointer + ": about " + sim::memoryText(big.bytes) + " for " + big.what;
    // The rest of the run is worth a word when it changes the picture.
    if (total - big.bytes > 0.05 * total)
        text += ", about " + sim::memoryText(total) + " for the whole run";
    return text + ", more than the " + sim::memoryText(static_cast<double>(limit.bytes)) + " " +
           limit.source;
}

}  // namespace dais::core
