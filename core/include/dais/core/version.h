#pragma once
// Versions a user or a file may need to know: the program's and the scenario format's.

#include <string_view>

namespace dais::core {

/// The program version, "MAJOR.MINOR.PATCH".
std::string_view versionString();

}  // namespace dais::core
