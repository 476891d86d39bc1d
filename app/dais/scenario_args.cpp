#include "scenario_args.h"

namespace dais::app {

int ScenarioArgs::take(Args& args) {
    auto value = args.option("set");
    if (value) {
        if (!*value) return printError(value->error().message), kExitUsage;
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
