#pragma once
// What a run of a scenario will need of memory, part by part, estimated before anything is
// built: the network's nodes, links (with the expected links of its topology generators),
// routes and background messages in flight (sim::Network::estimateMemory), and each enabled
// layer's own needs (Layer::estimateMemory). ScenarioRun::prepare compares the total with the
// memory limit (memory_limit.h) and refuses a scenario that cannot fit, naming the value to
// change.

#include <string>
#include <vector>

#include "dais/core/memory_limit.h"
#include "dais/sim/memory_need.h"

namespace dais::core {

/// The parts of a run and what each will hold.
struct MemoryEstimate {
    std::vector<sim::MemoryNeed> needs;

    /// Bytes of every need together.
    double total() const;
    /// The need that holds the most, or nullptr when there are none.
    const sim::MemoryNeed* largest() const;
};

/// Why a run with this estimate cannot fit in `limit`, or "" when it can. Names the largest need
/// by its JSON pointer, what it is and how much it holds, then the whole run when the rest is
/// not small, and the limit with where it comes from: "/network/groups/0/count: about 9.4 GiB
/// for 40,000,001 nodes and 40,000,000 links, more than the 2 GiB allowed by DAIS_MEMORY_LIMIT".
std::string memoryRefusal(const MemoryEstimate& estimate, const MemoryLimit& limit);

}  // namespace dais::core
