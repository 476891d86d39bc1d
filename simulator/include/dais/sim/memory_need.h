#pragma once
// Memory as a run meets it: what one part of a run will need (estimated before anything is
// built, so that a scenario too big for the machine is refused before it allocates), the failure
// of a run whose memory budget is spent while it runs, and memory sizes and counts written for
// the messages that say so.

#include <cstdint>
#include <string>

#include "dais/sim/time.h"

namespace dais::sim {

/// What one part of a run will hold in memory, estimated from the scenario before it is built.
struct MemoryNeed {
    /// The JSON pointer of the scenario value that drives it, the one to change to need less
    /// ("/network/groups/2/count", "/layers/federated/hidden").
    std::string pointer;
    /// What it is, for a person: "40,000,001 nodes and 40,000,000 links".
    std::string what;
    double bytes = 0;
    /// Held by what grows while the run goes (messages in flight), which the run's memory budget
    /// counts as it grows (Simulation::takeMemory): not set aside from the budget beforehand.
    bool whileRunning = false;
};

/// Thrown when what grows during a run (messages in flight, pending events, a layer's state per
/// rumour) would take more memory than the run's budget (Simulation::takeMemory) has left. Its
/// message names what grew, by its scenario JSON pointer when it has one, and the simulated
/// time. The run ends as failed, as for any RunFailure.
class MemoryExhausted : public RunFailure {
  public:
    using RunFailure::RunFailure;
};

/// A memory size for messages, in binary units with two or three significant digits:
/// "512 bytes", "1.5 KiB", "48 MiB", "9.4 GiB", "73 TiB".
std::string memoryText(double bytes);
/// A count for messages, with thousands separators: "40,000,000"; beyond 10^15 in exponent form
/// ("5e+18").
std::string countText(double n);

}  // namespace dais::sim
