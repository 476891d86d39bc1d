// The run store's small public functions: run status names, the default path, the scenario
// hash, parameters from overrides, and a run's finish from its report.
#include "dais/store/run_store.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace dais::store {

namespace fs = std::filesystem;

std::string_view runStatusName(RunStatus s) {
    switch (s) {
        case RunStatus::Running:
            return "running";
        case RunStatus::Completed:
            return "completed";
        case RunStatus::Failed:
            return "failed";
        case RunStatus::Stopped:
            return "stopped";
        case RunStatus::Interrupted:
            return "interrupted";
    }
    return "running";
}

std::optional<RunStatus> parseRunStatus(std::string_view name) {
    for (auto s : {RunStatus::Running, RunStatus::Completed, RunStatus::Failed, RunStatus::Stopped,
                   RunStatus::Interrupted})
        if (runStatusName(s) == name) return s;
    return std::nullopt;
}

std::string defaultStorePath() {
    if (const char* p = std::getenv("DAIS_STORE"); p != nullptr && *p != '\0') return p;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0')
        return (fs::path(x) / "dais" / "runs.sqlite").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home != nullptr && *home != '\0' ? home : ".") / ".local" / "share" / "dais" /
            "runs.sqlite")
        .string();
}

std::string scenarioHash(std::string_view documentText) {
    // FNV-1a, 64 bits (Fowler, Noll and Vo).
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : documentText) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

nlohmann::json overridesToParameters(const std::vector<std::string>& overrides) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& o : overrides) {
        const auto eq = o.find('=');
        const std::string path = o.substr(0, eq);
        const std::string text = eq == std::string::npos ? std::string() : o.substr(eq + 1);
        auto value = nlohmann::json::parse(text, nullptr, false);
        params[path] = value.is_discarded() ? nlohmann::json(text) : value;
    }
    return params;
}

RunFinish RunFinish::fromReport(const core::RunReport& report) {
    RunFinish f;
    switch (report.status) {
        case core::RunStatus::Completed:
            f.status = RunStatus::Completed;
            break;
        case core::RunStatus::Stopped:
            f.status = RunStatus::Stopped;
            break;
        case core::RunStatus::Failed:
            f.status = RunStatus::Failed;
            break;
    }
    f.error = report.error;
    for (const auto& [layer, version] : report.layerVersions)
        f.layerVersions[layer] = version;
    f.wallSeconds = report.wallSeconds;
    f.events = report.events;
    f.simulatedTime = report.simulatedTime;
    f.fingerprint = report.fingerprint;
    f.metrics = report.metrics;
    f.runEvents = report.runEvents;
    f.tables = report.tables;
    return f;
}

}  // namespace dais::store
