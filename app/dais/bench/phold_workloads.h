#pragma once
// The PHOLD configurations that `dais bench phold` and `dais bench runner` measure, so both
// measure the same loads.

#include <cstdint>
#include <string>
#include <vector>

#include "dais/sim/time.h"

namespace dais::app {

/// A PHOLD configuration (remote 0.9, mean 1 s, lookahead 0.1 s throughout).
struct PholdWorkload {
    std::string name;
    std::uint32_t lps;
    std::uint32_t perLp;
    sim::SimTime end;
};
/// The standard configurations: small, large, dense.
const std::vector<PholdWorkload>& pholdWorkloads();

}  // namespace dais::app
