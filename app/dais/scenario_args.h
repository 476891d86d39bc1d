#pragma once
// The scenario file and `--set` options that `dais validate` and `dais run` share.

#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "dais/core/result.h"
#include "dais/core/scenario.h"

namespace dais::app {

/// What is wrong with a --set's word as a command-line word (no "=", nothing before it), or
/// nothing; whether the path and value fit the scenario is the loader's to say.
std::optional<std::string> assignmentProblem(const std::string& assignment);

struct ScenarioArgs {
    std::string command;  ///< for messages: "validate", "run"
    std::string file;
    std::vector<std::string> overrides;

    /// Consumes the next word: a --set, the file, or (an error) an unknown option or a second
    /// file. Returns kExitOk, or kExitUsage after saying why.
    int take(Args& args);
    /// kExitOk when a file was named, else kExitUsage after saying so.
    int requireFile() const;
    /// Loads the file with the overrides (every problem in the error's message).
    core::Result<core::Scenario> load() const;
};

}  // namespace dais::app
