#include "scenario_args.h"

#include <algorithm>

namespace dais::app {

std::optional<std::string> assignmentProblem(const std::string& assignment) {
    const std::size_t eq = assignment.find('=');
    if (eq == std::string::npos)
        return "needs PATH=VALUE, e.g. --set run.seed=7 (got \"" +
               assignment.substr(0, std::min<std::size_t>(assignment.size(), 60)) + "\")";
    if (assignment.find_first_not_of(" \t") >= eq)
        return std::string("needs a path before \"=\", e.g. --set run.seed=7");
    return std::nullopt;
}

int ScenarioArgs::take(Args& args) {
    auto value = args.option("set");
    if (value) {
        if (!*value) return printError(value->error().message), kExitUsage;
        if (const auto wrong = assignmentProblem(**value)) {
            printError(command + ": --set " + *wrong);
            return kExitUsage;
        }
        overrides.push_back(**value);
    } else if (args.peek().rfind("--", 0) == 0) {
        printError(command + ": unknown option " + args.peek() + " (see dais " + command +
                   " --help)");
        return kExitUsage;
    } else if (file.empty()) {
        file = args.take();
    } else {
        printError(command + ": one file at a time (got \"" + file + "\" and \"" + args.peek() +
                   "\")");
        return kExitUsage;
    }
    return kExitOk;
}

int ScenarioArgs::requireFile() const {
    if (!file.empty()) return kExitOk;
    printError(command + ": which scenario file? (usage: dais " + command + " FILE)");
    return kExitUsage;
}

core::Result<core::Scenario> ScenarioArgs::load() const {
    return core::loadScenarioFile(file, overrides);
}

}  // namespace dais::app
