#pragma once
// `dais bench ...` commands: benchmark programs that print figures.

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

/// `dais bench phold [options]`; args are the words after "phold". Returns the exit code.
int benchPhold(const std::vector<std::string>& args);
/// `dais bench runner [options]`: PHOLD through the runner against the bare kernel.
int benchRunner(const std::vector<std::string>& args);
/// `dais bench store [options]`: metric rows into the run store against plain SQLite.
int benchStore(const std::vector<std::string>& args);
/// `dais bench fl [options]`: a federated round through the layer against a plain training loop.
int benchFl(const std::vector<std::string>& args);

}  // namespace dais::app
