#pragma once
// Experiments: the "experiments" section of a scenario file, expanded into the runs of a sweep,
// and the statistics that summarise a sweep per point.
//
// An experiment names parameters (paths as --set takes them) and the values to give them, as a
// grid (every combination) or as random samples of ranges, plus the seeds each point runs with.
// planSweep() expands one experiment into points and runs and checks every point against the
// loader before anything runs, so a sweep never fails half-way on a typo. The executor that
// runs a plan is in sweep.h.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/json_schema.h"
#include "dais/core/result.h"

namespace dais::core {

class LayerRegistry;

/// A parameter drawn at random by a "random" experiment.
struct RandomParameter {
    /// How the value is written into the scenario: a plain number, or a quantity with its
    /// base unit appended ("0.0125s", "2.5e+07bps", "1500B").
    enum class Quantity { Number, Duration, Bandwidth, Size };

    std::string path;  ///< as --set takes it
    /// Non-empty: the value is one of these, each equally likely (min/max are then unused).
    std::vector<nlohmann::json> choices;
    double min = 0, max = 0;  ///< inclusive range, in the quantity's base unit
    bool log = false;         ///< uniform in log(value)
    bool integer = false;     ///< whole numbers from ceil(min) to floor(max)
    Quantity quantity = Quantity::Number;
};

/// One experiment of a scenario file, as written (checked, not yet expanded).
struct Experiment {
    enum class Kind {
        Replicates,  ///< neither grid nor random: one point, the scenario as it is
        Grid,
        Random,
    };

    std::string id;
    std::string description;
    std::string pointer;  ///< JSON pointer of the experiment in its file, "/experiments/0"
    Kind kind = Kind::Replicates;
    /// Grid: each parameter path with its values, in file order.
    std::vector<std::pair<std::string, std::vector<nlohmann::json>>> grid;
    std::uint64_t samples = 0;  ///< Random: how many points
    std::vector<RandomParameter> random;
    /// "seeds": N is kept as seedCount = N; a list as seedList.
    std::uint64_t seedCount = 1;
    std::vector<std::uint64_t> seedList;
    /// Metric selectors to summarise; empty: every final metric.
    std::vector<std::string> metrics;

    /// The seeds every point runs with, given the scenario's run.seed.
    std::vector<std::uint64_t> seeds(std::uint64_t runSeed) const;
};

/// Reads a schema-valid "experiments" array. Problems the schema cannot see (a duplicate id,
/// both "grid" and "random", an empty grid, a seed listed twice, min > max, the seed used as a
/// parameter) are appended to `problems` with their JSON pointers.
std::vector<Experiment> parseExperiments(const nlohmann::ordered_json& section,
                                         std::vector<JsonIssue>& problems);

/// One parameter's value at a point.
struct ParameterValue {
    std::string path;
    nlohmann::json value;

    /// "PATH=VALUE", as --set takes it.
    std::string assignment() const;
};

/// One point of a sweep: a value for each parameter of the experiment.
struct SweepPoint {
    std::size_t index = 0;
    std::vector<ParameterValue> values;  ///< in the experiment's parameter order

    /// The point's --set assignments.
    std::vector<std::string> overrides() const;
    /// "network.traffic.probe.rate=800, run.until=\"10s\"", for messages.
    std::string label() const;
};

/// One run of a sweep: a point at a seed.
struct SweepRunSpec {
    std::size_t index = 0;      ///< position in the plan: point * seeds + replicate
    std::size_t point = 0;      ///< index into SweepPlan::points
    std::size_t replicate = 0;  ///< index into SweepPlan::seeds
    std::uint64_t seed = 0;
};

/// A sweep ready to run: everything a run needs to rebuild its simulation on its own (the
/// scenario text, the sweep's own overrides, the point's overrides and the seed), so runs can
/// execute on any thread or in any process and give the same results.
struct SweepPlan {
    std::string
        sourceName;  ///< the file as given (messages use its base name; layers resolve files by it)
    std::string scenarioText;                ///< the scenario file as read
    std::vector<std::string> baseOverrides;  ///< --set given for the whole sweep
    std::string scenarioName;                ///< meta.name, else the file name
    /// The scenario's validated document after the base overrides (what the store keeps).
    nlohmann::json baseDocument;
    Experiment experiment;
    std::vector<std::string> parameters;  ///< the parameter paths, in column order
    std::vector<SweepPoint> points;
    std::vector<std::uint64_t> seeds;  ///< the seeds of every point, in replicate order
    std::vector<SweepRunSpec> runs;    ///< point-major: run = point * seeds.size() + replicate
    /// The metric selectors to summarise (the experiment's, else every final metric of the
    /// base scenario, in definition order).
    std::vector<std::string> metrics;
    const LayerRegistry* layers = nullptr;  ///< passed to the loader; nullptr: the installed

    /// Every override of a run: the base overrides, then the point's.
    std::vector<std::string> overridesOf(const SweepRunSpec& run) const;
};

/// Limits that keep a typo ("samples": 1e6 with 100 seeds) from starting a sweep that never
/// ends.
inline constexpr std::uint64_t kMaxSweepRuns = 1'000'000;

/// The experiments of a scenario text (after `overrides`), checked. The error lists every
/// problem, one per line, as "file: /pointer: message".
Result<std::vector<Experiment>> loadExperiments(std::string_view text, std::string_view sourceName,
                                                const std::vector<std::string>& overrides = {},
                                                const LayerRegistry* layers = nullptr);

/// Expands experiment `experimentId` of a scenario text into a plan and checks every point:
/// each parameter path must exist, each value must give a valid scenario on its own, and every
/// point as a whole; each metric must be one the scenario reports. All problems are listed, one
/// per line, as "file: /experiments/0/grid/PATH/2: /network/...: message" (a value),
/// "file: /experiments/0/grid: point 7 (a=1, b=2): /network/...: message" (a combination),
/// "file: /experiments/0/random: point 3 (...): ..." (a random point). Never throws.
Result<SweepPlan> planSweep(std::string_view text, std::string_view sourceName,
                            const std::vector<std::string>& overrides,
                            std::string_view experimentId, const LayerRegistry* layers = nullptr);

// ---- statistics ---------------------------------------------------------------------------

/// The sample statistics of one metric at one point, over its replicates.
struct SampleStats {
    std::size_t n = 0;
    double mean = 0;       ///< NaN if n == 0
    double stddev = 0;     ///< sample standard deviation (n - 1 in the denominator); 0 if n < 2
    double halfWidth = 0;  ///< of the 95% confidence interval of the mean; NaN if n < 2

    /// The 95% confidence interval: mean -/+ halfWidth (Student t with n - 1 degrees of
    /// freedom, which assumes the replicates are independent and roughly normal).
    double lower() const { return mean - halfWidth; }
    double upper() const { return mean + halfWidth; }
};

/// n, mean, standard deviation and the 95% confidence interval of the mean.
SampleStats sampleStats(std::span<const double> values);

/// The p-quantile of Student's t distribution with `df` > 0 degrees of freedom (df may be
/// infinite: the normal distribution), for 0 < p < 1. Accurate to about 1e-12.
double studentTQuantile(double p, double df);

}  // namespace dais::core
