#pragma once
// `dais bench ...` commands: benchmark programs that print figures.

#include <string>
#include <vector>

namespace dais::app {

/// `dais bench phold [options]`; args are the words after "phold". Returns the exit code.
int benchPhold(const std::vector<std::string>& args);

}  // namespace dais::app
