#pragma once
// A scenario file ("format": "dais-scenario"): one JSON document that describes a network, the
// layers running on it and how to run it. This header reads such files, applies command-line
// overrides (--set), validates them against the embedded JSON Schema (the single source of truth
// for the format's structure, resources/schema/dais-scenario-v<N>.schema.json) and turns them
// into the plain specs the simulator builds from. Every problem of a file is reported at once,
// as lines of the form "phones.dais.json: /network/groups/2/count: expected an integer >= 1,
// got -5".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/experiment.h"
#include "dais/core/json_schema.h"
#include "dais/core/layer.h"
#include "dais/core/node_attributes.h"
#include "dais/core/payments.h"
#include "dais/core/result.h"
#include "dais/sim/event_queue.h"
#include "dais/sim/network_spec.h"
#include "dais/sim/time.h"

namespace dais::core {

class LayerRegistry;

/// The newest scenario format version this build reads.
inline constexpr int kScenarioFormatVersion = 1;
/// The most nodes (named nodes plus every group member) a scenario may describe.
inline constexpr std::uint64_t kMaxScenarioNodes = 50'000'000;
/// At most this many problems are listed for one file.
inline constexpr std::size_t kMaxReportedProblems = 50;

/// How to run a scenario (the "run" section).
struct RunSpec {
    std::uint64_t seed = 1;                ///< seeds every random stream of the run
    sim::SimTime until = sim::kTimeNever;  ///< horizon; kTimeNever = until no events are left
    sim::QueueKind queue = sim::QueueKind::Ladder;  ///< pending-event set implementation
    sim::SimTime sampleInterval = 0;                ///< metric sampling period; 0 = none
};

/// Why periodic samples every `interval` make no sense for a run of `horizon`: a run takes at
/// most sim::Simulation::kSampleBudget samples at the interval asked, then ever fewer, so an
/// interval that would need more than a thousand times that many is a slip ("1ns" for a
/// minute), refused with the least interval that keeps every sample. "" when the interval is
/// fine, 0 (no sampling), or the horizon unknown.
std::string sampleIntervalProblem(sim::SimTime interval, sim::SimTime horizon);

/// The run's money (the "payments" section): its token and what accounts hold at the start.
struct PaymentsSpec {
    /// What one endowment gives `amount` to: every node it names (node ids, group ids, members),
    /// every node of `role`, or the system account `account`; exactly one of the three is set.
    struct Endowment {
        std::vector<std::string> nodes;
        std::string role;
        std::string account;
        Amount amount = 0;    ///< in the token's smallest units, each
        std::string pointer;  ///< "/payments/endowments/2", for messages
    };
    bool present = false;  ///< the scenario has the section: the run has payments
    Token token;
    std::vector<Endowment> endowments;
};

/// A validated scenario.
struct Scenario {
    /// About the scenario, for the studio's library and info tab.
    struct Meta {
        std::string name;
        std::string description;  ///< teaching text, Markdown
        std::string author;
        std::vector<std::string> tags;
    };

    int version = kScenarioFormatVersion;  ///< format version the file was written for
    std::string sourceName;                ///< file base name, as used in messages
    /// The path it was read from (for text, the name it was given): layers resolve the files a
    /// scenario names relative to its folder.
    std::string sourcePath;
    Meta meta;
    sim::NetworkSpec network;
    RunSpec run;
    PaymentsSpec payments;
    nlohmann::json layers = nlohmann::json::object();  ///< per-layer settings, keyed by layer id
    /// The layers section validated against the layers' descriptors, in document order
    /// (disabled layers included, with enabled = false).
    std::vector<LayerSettings> layerSettings;
    /// The layer attributes the network's nodes and groups are given (node_attributes.h), one
    /// entry per node or group that has any, templates merged in.
    std::vector<NodeAttributeEntry> nodeAttributes;
    /// The experiments that `dais sweep` runs, in document order (a plain run ignores them).
    std::vector<Experiment> experiments;
    nlohmann::json ui = nlohmann::json::object();  ///< studio state, kept as it was
    nlohmann::json document;  ///< the whole validated document, after overrides
};

/// Reads, overrides, validates and converts a scenario file. A missing file, a directory or an
/// unreadable file give an error naming the path; problems inside the file are all listed, one
/// per line, prefixed with the file's base name. The "layers" section is checked against the
/// descriptors of `layers` (nullptr: LayerRegistry::installed()), which must outlive the
/// scenario. Never throws.
Result<Scenario> loadScenarioFile(const std::string& path,
                                  const std::vector<std::string>& overrides = {},
                                  const LayerRegistry* layers = nullptr);

/// The same for text already in memory; `sourceName` names it in messages (its base name is
/// used, so a path is fine).
Result<Scenario> loadScenarioText(std::string_view text, std::string_view sourceName,
                                  const std::vector<std::string>& overrides = {},
                                  const LayerRegistry* layers = nullptr);

/// The same for a document already parsed (the sweep planner parses a file once and checks
/// each point on a copy). Duplicate keys are the parser's to find, so only text can report them.
Result<Scenario> loadScenarioDocument(nlohmann::ordered_json document, std::string_view sourceName,
                                      const std::vector<std::string>& overrides = {},
                                      const LayerRegistry* layers = nullptr);

/// A scenario file's text, with the loader's checks: a missing file, a directory, something
/// that is not a regular file (a pipe, a device) or a file over the size limit is refused with
/// a message naming the path.
Result<std::string> readScenarioText(const std::string& path);

/// Applies one "PATH=VALUE" override, as given to --set. PATH is dotted ("run.seed",
/// "network.groups.0.count") or a JSON pointer ("/run/seed"); an array element may also be named
/// by its "id" ("network.groups.phones.count"). VALUE is JSON if it parses as JSON, else a
/// string ("run.until=30s"). A member that does not exist yet may be added only if the schema
/// knows it (missing parent objects are created). The value itself is not checked here: the
/// loader validates the document after all overrides, so a bad value gets the usual message.
/// Never throws; on error the document is unchanged.
Result<void> applyOverride(nlohmann::ordered_json& doc, std::string_view assignment);
Result<void> applyOverride(nlohmann::json& doc, std::string_view assignment);

/// The JSON Schema of the newest format version, as embedded at build time.
std::string_view scenarioSchemaText();
/// That schema, loaded (an error only if the build embedded a broken schema).
const Result<JsonSchema>& scenarioSchema();

}  // namespace dais::core
