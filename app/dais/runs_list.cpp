// dais runs list: the stored runs, newest first, filtered by status, scenario or sweep, as a
// table or as JSON.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "runs_subcommands.h"

namespace dais::app {

namespace {

/// The filter the options ask for; on a bad value prints it and returns kExitUsage.
int readFilter(const RunsArgs& a, store::RunFilter& filter) {
    if (!a.status.empty()) {
        filter.status = store::parseRunStatus(a.status);
        if (!filter.status)
            return fail(
                "--status: expected running, completed, failed, stopped or interrupted, "
                "got \"" +
                    a.status + "\"",
                kExitUsage);
    }
    if (!a.scenario.empty()) filter.scenario = a.scenario;
    if (!a.sweep.empty()) {
        const auto id = parseRunId(a.sweep);
        if (!id) return fail("--sweep: expected a sweep id, got \"" + a.sweep + "\"", kExitUsage);
        filter.sweep = *id;
    }
    if (!a.limit.empty()) {
        const auto n = parseUnsigned(a.limit);
        if (!n || *n == 0)
            return fail("--limit: expected a whole number from 1, got \"" + a.limit + "\"",
                        kExitUsage);
        filter.limit = static_cast<std::size_t>(*n);
    }
    return kExitOk;
}

/// One run a line: id, status, start, scenario, seed, events, wall time, fingerprint and its
/// place in a sweep.
void printRunTable(const std::vector<store::RunRecord>& runs) {
    std::size_t nameWidth = 8;
    for (const auto& r : runs)
        nameWidth = std::max(nameWidth, r.scenarioName.size());
    nameWidth = std::min<std::size_t>(nameWidth, 32);
    std::size_t seedWidth = 4;
    for (const auto& r : runs)
        seedWidth = std::max(seedWidth, std::to_string(r.seed).size());
    std::printf("%6s  %-11s  %-19s  %-*s  %*s  %13s  %10s  %s\n", "ID", "STATUS", "STARTED",
                static_cast<int>(nameWidth), "SCENARIO", static_cast<int>(seedWidth), "SEED",
                "EVENTS", "WALL", "FINGERPRINT");
    for (const auto& r : runs) {
        char wall[32];
        std::snprintf(wall, sizeof wall, "%.3f s", r.wallSeconds);
        const bool ended = r.status != store::RunStatus::Running;
        std::printf("%6lld  %-11s  %-19s  %-*s  %*llu  %13s  %10s  %-16s",
                    static_cast<long long>(r.id), std::string(runStatusName(r.status)).c_str(),
                    localTime(r.startedAt).c_str(), static_cast<int>(nameWidth),
                    r.scenarioName.substr(0, nameWidth).c_str(), static_cast<int>(seedWidth),
                    static_cast<unsigned long long>(r.seed),
                    ended ? groupDigits(r.events).c_str() : "-", ended ? wall : "-",
                    r.fingerprint.empty() ? "-" : r.fingerprint.c_str());
        if (r.sweep)
            std::printf("  sweep %lld point %lld replicate %lld", static_cast<long long>(*r.sweep),
                        static_cast<long long>(r.pointIndex), static_cast<long long>(r.replicate));
        std::printf("\n");
    }
}

}  // namespace

int runsList(RunsArgs& a) {
    if (!a.words.empty())
        return fail("runs list: unexpected argument \"" + a.words.front() + "\"", kExitUsage);
    if (int c = a.allowOnly("list", {"json", "status", "scenario", "sweep", "limit"})) return c;
    store::RunFilter filter;
    if (const int code = readFilter(a, filter)) return code;
    auto opened = openStore(a.store, false);
    if (!opened) return fail(opened.error().message, kExitBadInput);
    const auto& s = *opened;
    auto runs = s->listRuns(filter);
    if (!runs) return fail(runs.error().message, kExitFailure);
    if (a.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : *runs)
            out.push_back(runJson(r));
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    if (runs->empty()) {
        std::printf("no runs in %s\n", s->path().c_str());
        return kExitOk;
    }
    printRunTable(*runs);
    return kExitOk;
}

}  // namespace dais::app
