// Planning a sweep (sweep_planning.h), and `dais validate`'s check of a file's experiments
// (commands.h), which plans them the same way.
#include "sweep_planning.h"

#include <cstdio>
#include <utility>

#include "cli.h"
#include "commands.h"
#include "dais/core/experiment.h"
#include "dais/core/scenario.h"

namespace dais::app {

int readSweepScenario(const std::string& file, std::string& text) {
    auto content = core::readScenarioText(file);
    if (!content) {
        std::fprintf(stderr, "%s\n", content.error().message.c_str());
        return kExitBadInput;
    }
    text = std::move(content).value();
    return kExitOk;
}

int planExperiments(const std::string& file, const std::string& text,
                    const std::vector<std::string>& overrides, const std::string& experiment,
                    std::vector<core::SweepPlan>& plans, std::string& problems) {
    std::vector<std::string> ids;
    if (!experiment.empty()) {
        ids.push_back(experiment);
    } else {
        auto experiments = core::loadExperiments(text, file, overrides);
        if (!experiments) {
            problems = experiments.error().message;
            return kExitBadInput;
        }
        for (const core::Experiment& x : *experiments)
            ids.push_back(x.id);
        if (ids.empty()) ids.push_back("");  // planSweep explains what is missing
    }
    int code = kExitOk;
    for (const std::string& id : ids) {
        auto plan = core::planSweep(text, file, overrides, id);
        if (!plan) {
            problems += (problems.empty() ? "" : "\n") + plan.error().message;
            code = kExitBadInput;
            continue;
        }
        plans.push_back(std::move(plan.value()));
    }
    return code;
}

int agreeOnOutcome(Cluster* cluster, int code, const std::string& problems) {
    const bool lead = cluster == nullptr || cluster->rank() == 0;
    if (lead && !problems.empty()) std::fprintf(stderr, "%s\n", problems.c_str());
    if (cluster == nullptr) return code;
    const int leadCode = std::stoi(cluster->broadcast(std::to_string(code)));
    const int worst = cluster->maxOf(code);
    if (!lead && !problems.empty() && leadCode == kExitOk)
        std::fprintf(stderr, "dais: rank %d on %s:\n%s\n", cluster->rank(), cluster->host().c_str(),
                     problems.c_str());
    return worst;
}

std::string pointsTimesSeeds(const core::SweepPlan& plan) {
    return groupDigits(plan.points.size()) +
           (plan.points.size() == 1 ? " point x " : " points x ") + groupDigits(plan.seeds.size()) +
           (plan.seeds.size() == 1 ? " seed" : " seeds");
}

int checkExperiments(const std::string& file, const std::vector<std::string>& overrides,
                     std::vector<std::string>& summary) {
    std::string text;
    if (const int code = readSweepScenario(file, text); code != kExitOk) return code;
    std::vector<core::SweepPlan> plans;
    std::string problems;
    if (const int code = planExperiments(file, text, overrides, "", plans, problems);
        code != kExitOk) {
        std::fprintf(stderr, "%s\n", problems.c_str());
        return code;
    }
    for (const core::SweepPlan& p : plans)
        summary.push_back("experiment " + p.experiment.id + ": " + pointsTimesSeeds(p) + " = " +
                          groupDigits(p.runs.size()) + (p.runs.size() == 1 ? " run" : " runs"));
    return kExitOk;
}

}  // namespace dais::app
