#include "dais/core/scenario.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "dais/core/layer_registry.h"
#include "dais/sim/number_text.h"
#include "dais/sim/simulation.h"
#include "json_text.h"
#include "json_util.h"
#include "scenario_build.h"
#include "scenario_schema_data.h"

namespace dais::core {
namespace {

using detail::Json;

/// Files larger than this are refused rather than read into memory.
constexpr std::uintmax_t kMaxFileBytes = 64u * 1024u * 1024u;

std::string baseName(std::string_view name) {
    std::string base = std::filesystem::path(name).filename().string();
    return base.empty() ? std::string(name) : base;
}

}  // namespace

Error detail::reportIssues(const std::string& file, const std::vector<JsonIssue>& issues) {
    std::string text;
    const std::size_t shown = std::min(issues.size(), kMaxReportedProblems);
    for (std::size_t i = 0; i < shown; ++i) {
        if (!text.empty()) text += '\n';
        text += file + ": ";
        if (!issues[i].pointer.empty()) text += detail::shownPointer(issues[i].pointer) + ": ";
        text += issues[i].message;
    }
    if (issues.size() > shown) {
        text += "\n" + file + ": (stopped after " + std::to_string(shown) + " problems)";
    }
    return Error{text};
}

namespace {

Error report(const std::string& file, const std::vector<JsonIssue>& issues) {
    return detail::reportIssues(file, issues);
}

Error syntaxReport(const std::string& file, const detail::JsonSyntaxError& e) {
    if (!e.located) return Error{file + ": invalid JSON: " + e.message};
    return Error{file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) +
                 ": invalid JSON: " + e.message};
}

Result<void> applyOverrides(Json& doc, const std::vector<std::string>& overrides,
                            const std::string& file) {
    std::string problems;
    for (const std::string& assignment : overrides) {
        const Result<void> applied = applyOverride(doc, assignment);
        if (applied.ok()) continue;
        if (!problems.empty()) problems += '\n';
        problems += file + ": --set " + detail::clipped(detail::printable(assignment), 120) + ": " +
                    applied.error().message;
    }
    if (problems.empty()) return {};
    return Error{problems};
}

/// Problems that make the rest of the document meaningless to check: not a scenario at all,
/// or written for a newer format than this build knows.
std::vector<JsonIssue> checkFormatAndVersion(const Json& doc) {
    if (!doc.is_object()) return {};
    if (const auto format = doc.find("format"); format != doc.end() && *format != "dais-scenario") {
        return {{"/format", "expected \"dais-scenario\", got " + detail::showValue(*format) +
                                " (this is not a DAIS scenario file)"}};
    }
    const auto version = doc.find("version");
    if (version != doc.end() && detail::isIntegral(*version) &&
        detail::compareNumbers(*version, Json(kScenarioFormatVersion)) > 0) {
        return {{"/version", "written for format version " + detail::showValue(*version) +
                                 "; this build reads versions up to " +
                                 std::to_string(kScenarioFormatVersion)}};
    }
    return {};
}

/// Overrides, validates and converts a parsed document.
Result<Scenario> fromDocument(Json doc, const std::string& file,
                              const std::vector<std::string>& overrides,
                              const LayerRegistry& layers) {
    const Result<JsonSchema>& schema = scenarioSchema();
    if (!schema.ok()) return Error{file + ": internal error: " + schema.error().message};
    if (Result<void> applied = applyOverrides(doc, overrides, file); !applied.ok()) {
        return applied.error();
    }
    if (auto fatal = checkFormatAndVersion(doc); !fatal.empty()) return report(file, fatal);
    if (auto issues = schema->validate(doc, kMaxReportedProblems + 1); !issues.empty()) {
        return report(file, issues);
    }
    Scenario scenario;
    std::vector<JsonIssue> issues =
        detail::buildScenario(doc, scenario, kMaxReportedProblems + 1, layers);
    // The experiments' own rules (unique ids, seeds listed once, sensible ranges); their points
    // are checked when a sweep is planned (experiment.h).
    if (const auto experiments = doc.find("experiments"); experiments != doc.end())
        scenario.experiments = parseExperiments(*experiments, issues);
    if (!issues.empty()) return report(file, issues);
    scenario.sourceName = file;
    scenario.document = nlohmann::json(doc);
    return scenario;
}

Result<Scenario> load(std::string_view text, const std::string& file,
                      const std::vector<std::string>& overrides, const LayerRegistry& layers) {
    detail::ParsedJson parsed = detail::parseJson(text);
    if (parsed.syntaxError) return syntaxReport(file, *parsed.syntaxError);
    if (!parsed.duplicateKeys.empty()) return report(file, parsed.duplicateKeys);
    return fromDocument(std::move(parsed.value), file, overrides, layers);
}

std::string lowercaseFirst(std::string text) {
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z')
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

/// What a file that is not a regular file is, for messages.
std::string_view fileKind(std::filesystem::file_type type) {
    using T = std::filesystem::file_type;
    switch (type) {
        case T::directory:
            return "a directory";
        case T::fifo:
            return "a named pipe";
        case T::socket:
            return "a socket";
        case T::character:
        case T::block:
            return "a device";
        default:
            return "not a regular file";
    }
}

}  // namespace

Result<std::string> readScenarioText(const std::string& path) {
    const std::string what = "cannot read \"" + path + "\": ";
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) return Error{what + "no such file"};
    // Reading a pipe or a device could wait forever or never end: only regular files.
    if (status.type() != std::filesystem::file_type::regular && !ec)
        return Error{what + "it is " + std::string(fileKind(status.type())) +
                     ", not a scenario file"};
    if (!ec && std::filesystem::file_size(path, ec) > kMaxFileBytes && !ec)
        return Error{what + "larger than the limit of " + std::to_string(kMaxFileBytes >> 20) +
                     " MiB for a scenario file"};
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) return Error{what + lowercaseFirst(std::generic_category().message(errno))};
    std::string content;
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
        content.append(buffer, n);
        if (content.size() > kMaxFileBytes) {
            return Error{what + "larger than the limit of " + std::to_string(kMaxFileBytes >> 20) +
                         " MiB for a scenario file"};
        }
    }
    if (std::ferror(file.get()))
        return Error{what + lowercaseFirst(std::generic_category().message(errno))};
    return content;
}

Result<Scenario> loadScenarioText(std::string_view text, std::string_view sourceName,
                                  const std::vector<std::string>& overrides,
                                  const LayerRegistry* layers) {
    std::string file = "<scenario>";
    try {
        file = baseName(sourceName);
        Result<Scenario> s =
            load(text, file, overrides, layers ? *layers : LayerRegistry::installed());
        if (s) s->sourcePath = std::string(sourceName);
        return s;
    } catch (const std::exception& e) {
        return Error{file + ": internal error while loading: " + e.what()};
    }
}

Result<Scenario> loadScenarioDocument(nlohmann::ordered_json document, std::string_view sourceName,
                                      const std::vector<std::string>& overrides,
                                      const LayerRegistry* layers) {
    std::string file = "<scenario>";
    try {
        file = baseName(sourceName);
        Result<Scenario> s = fromDocument(std::move(document), file, overrides,
                                          layers ? *layers : LayerRegistry::installed());
        if (s) s->sourcePath = std::string(sourceName);
        return s;
    } catch (const std::exception& e) {
        return Error{file + ": internal error while loading: " + e.what()};
    }
}

Result<Scenario> loadScenarioFile(const std::string& path,
                                  const std::vector<std::string>& overrides,
                                  const LayerRegistry* layers) {
    try {
        Result<std::string> content = readScenarioText(path);
        if (!content.ok()) return content.error();
        return loadScenarioText(content.value(), path, overrides, layers);
    } catch (const std::exception& e) {
        return Error{"cannot read \"" + path + "\": " + e.what()};
    }
}

std::string_view scenarioSchemaText() {
    return {detail::kScenarioSchemaV1, detail::kScenarioSchemaV1Size};
}

const Result<JsonSchema>& scenarioSchema() {
    static const Result<JsonSchema> schema = [] {
        try {
            return JsonSchema::fromText(scenarioSchemaText());
        } catch (const std::exception& e) {
            return Result<JsonSchema>(Error{std::string("embedded schema: ") + e.what()});
        }
    }();
    return schema;
}

std::string sampleIntervalProblem(sim::SimTime interval, sim::SimTime horizon) {
    constexpr auto kBudget = static_cast<sim::SimTime>(sim::Simulation::kSampleBudget);
    // Beyond the budget samples thin out (Simulation::setSampleInterval), so a long run with a
    // short interval costs no more than a bounded number of samples. An interval a thousand
    // times too short for the budget is a slip (1ns for 1s), refused with the one that fits.
    if (interval <= 0 || horizon == sim::kTimeNever || horizon <= 0) return "";
    if (horizon / interval <= kBudget * 1000) return "";
    const sim::SimTime least = horizon / kBudget + (horizon % kBudget != 0);
    return sim::formatTime(interval) + " would sample the " + sim::formatTime(horizon) + " run " +
           sim::groupDigits(static_cast<std::uint64_t>(horizon / interval)) +
           " times; a run takes at most " + sim::groupDigits(static_cast<std::uint64_t>(kBudget)) +
           " samples at the interval asked and ever fewer after: use at least " +
           sim::formatTime(least) + " to keep them all (or 0 for no periodic samples)";
}

}  // namespace dais::core
