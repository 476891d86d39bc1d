#include "dais/core/secure_aggregation.h"

#include <algorithm>
#include <cmath>

namespace dais::core {

std::string sessionProblem(const SecureAggregator::Session& s, sim::SimTime now) {
    if (s.parties.empty()) return "a secure-aggregation session needs parties";
    std::vector<sim::NodeIndex> sorted = s.parties;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return "node #" + std::to_string(*std::adjacent_find(sorted.begin(), sorted.end())) +
               " is a party of the session twice";
    if (s.length == 0) return "a secure-aggregation session sums vectors of at least one value";
    if (s.threshold < 1 || s.threshold > s.parties.size())
        return "threshold " + std::to_string(s.threshold) + " is outside 1.." +
               std::to_string(s.parties.size()) + " (the session's parties)";
    if (!(s.scale > 0) || !std::isfinite(s.scale))
        return "the fixed-point scale must be a finite number > 0";
    if (s.deadline < now) return "the session's deadline has passed";
    return {};
}

}  // namespace dais::core
