// The "experiments" section: reading it, and expanding one experiment into a checked plan.

#include "dais/core/experiment.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/core/units.h"
#include "dais/sim/number_text.h"
#include "dais/sim/rng.h"
#include "json_text.h"
#include "json_util.h"
#include "scenario_override_undo.h"
#include "scenario_variants.h"

namespace dais::core {
namespace {

using detail::childPointer;
using detail::Json;
using detail::quote;
using detail::showValue;

/// Whole numbers up to this size are exact in a double; integer ranges stay within it.
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

/// The statistics a distribution metric offers as "NAME.STAT".
constexpr std::string_view kStatistics[] = {"mean", "stddev", "min", "max",
                                            "p50",  "p95",    "p99", "count"};

/// The members a path names, whichever way it is written ("run.seed", "/run/seed").
std::vector<std::string> pathTokens(std::string_view path) {
    if (!path.empty() && path.front() == '/') return detail::splitPointer(path);
    return detail::splitDotted(path);
}

bool isSeedPath(std::string_view path) {
    return pathTokens(path) == std::vector<std::string>{"run", "seed"};
}

std::string plural(std::uint64_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

/// Reads a range bound: a number, or a quantity with a unit.
struct Bound {
    double value = 0;
    RandomParameter::Quantity quantity = RandomParameter::Quantity::Number;
};

std::optional<Bound> readBound(const Json& v) {
    using Q = RandomParameter::Quantity;
    if (v.is_number()) return Bound{v.get<double>(), Q::Number};
    if (!v.is_string()) return std::nullopt;
    const std::string text = v.get<std::string>();
    if (const auto d = parseDuration(text)) return Bound{sim::toSeconds(*d), Q::Duration};
    if (const auto b = parseBandwidth(text)) return Bound{*b, Q::Bandwidth};
    if (const auto s = parseSize(text)) return Bound{*s, Q::Size};
    return std::nullopt;
}

std::string quantityNoun(RandomParameter::Quantity q) {
    switch (q) {
        case RandomParameter::Quantity::Number:
            return "a number";
        case RandomParameter::Quantity::Duration:
            return "a duration";
        case RandomParameter::Quantity::Bandwidth:
            return "a bandwidth";
        case RandomParameter::Quantity::Size:
            return "a size";
    }
    return "a value";
}

/// A drawn or bound value as the scenario file would hold it.
Json writeValue(const RandomParameter& p, double x) {
    using Q = RandomParameter::Quantity;
    Json number = p.integer ? Json(static_cast<std::int64_t>(x)) : Json(x);
    switch (p.quantity) {
        case Q::Number:
            return number;
        case Q::Duration:
            return Json(number.dump() + "s");
        case Q::Bandwidth:
            return Json(number.dump() + "bps");
        case Q::Size:
            return Json(number.dump() + "B");
    }
    return number;
}

/// The range a parameter really draws from: whole-number bounds for integer ranges.
std::pair<double, double> effectiveRange(const RandomParameter& p) {
    if (!p.integer) return {p.min, p.max};
    return {std::ceil(p.min), std::floor(p.max)};
}

/// Draws one value of `p` from `rng`.
Json draw(const RandomParameter& p, sim::RngStream& rng) {
    if (!p.choices.empty()) return p.choices[rng.below(p.choices.size())];
    const auto [lo, hi] = effectiveRange(p);
    if (p.integer && !p.log) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return writeValue(p, lo + static_cast<double>(rng.below(span)));
    }
    const double u = rng.uniform();
    if (p.integer) {  // log scale over [lo, hi + 1), rounded down: each k weighs log((k+1)/k)
        const double a = std::log(lo), b = std::log(hi + 1);
        return writeValue(p, std::clamp(std::floor(std::exp(a + u * (b - a))), lo, hi));
    }
    if (p.log) {
        const double a = std::log(lo), b = std::log(hi);
        return writeValue(p, std::clamp(std::exp(a + u * (b - a)), lo, hi));
    }
    return writeValue(p, lo + u * (hi - lo));
}

class ExperimentReader {
  public:
    explicit ExperimentReader(std::vector<JsonIssue>& problems) : problems_(problems) {}

    std::vector<Experiment> read(const Json& section) {
        std::vector<Experiment> out;
        if (!section.is_array()) return out;
        std::map<std::string, std::string> firstAt;
        for (std::size_t i = 0; i < section.size(); ++i) {
            const Json& e = section[i];
            if (!e.is_object()) continue;
            Experiment x;
            x.pointer = childPointer("/experiments", i);
            x.id = e.value("id", "");
            x.description = e.value("description", "");
            const std::string idPointer = childPointer(x.pointer, "id");
            if (const auto [it, fresh] = firstAt.emplace(x.id, idPointer); !fresh)
                problem(idPointer, "duplicate experiment id " + quote(x.id) + " (first at " +
                                       it->second + ")");
            readPoints(e, x);
            readSeeds(e, x);
            readMetrics(e, x);
            checkSize(x);
            out.push_back(std::move(x));
        }
        return out;
    }

  private:
    void problem(std::string pointer, std::string message) {
        problems_.push_back({std::move(pointer), std::move(message)});
    }

    /// Refuses the seed as a parameter and a parameter named twice.
    void checkPath(const std::string& path, const std::string& pointer,
                   std::vector<std::vector<std::string>>& seen) {
        if (isSeedPath(path))
            return problem(pointer,
                           "the seed is not a parameter: list the seeds in \"seeds\" (a count "
                           "or a list)");
        std::vector<std::string> tokens = pathTokens(path);
        if (std::find(seen.begin(), seen.end(), tokens) != seen.end())
            return problem(pointer, "this parameter is already set by another path");
        seen.push_back(std::move(tokens));
    }

    void readPoints(const Json& e, Experiment& x) {
        const bool hasGrid = e.contains("grid"), hasRandom = e.contains("random");
        if (hasGrid && hasRandom)
            return problem(x.pointer,
                           "an experiment has \"grid\" or \"random\", not both (split it in two)");
        std::vector<std::vector<std::string>> seen;
        if (hasGrid) {
            x.kind = Experiment::Kind::Grid;
            const Json& grid = e["grid"];
            const std::string gridPointer = childPointer(x.pointer, "grid");
            if (grid.empty())
                problem(gridPointer,
                        "the grid lists no parameters (write \"PATH\": [value, ...], e.g. "
                        "\"network.traffic.0.rate\": [100, 200])");
            for (const auto& [path, values] : grid.items()) {
                checkPath(path, childPointer(gridPointer, path), seen);
                std::vector<nlohmann::json> list;
                for (const Json& v : values)
                    list.emplace_back(v);
                x.grid.emplace_back(path, std::move(list));
            }
        } else if (hasRandom) {
            x.kind = Experiment::Kind::Random;
            const Json& random = e["random"];
            x.samples = random.value("samples", std::uint64_t{0});
            const std::string paramsPointer =
                childPointer(childPointer(x.pointer, "random"), "parameters");
            const Json& params = random["parameters"];
            if (params.empty())
                problem(paramsPointer,
                        "no parameters to draw (write \"PATH\": {\"min\": ..., \"max\": ...} or "
                        "\"PATH\": {\"choices\": [...]})");
            for (const auto& [path, spec] : params.items()) {
                const std::string pointer = childPointer(paramsPointer, path);
                checkPath(path, pointer, seen);
                x.random.push_back(readRandom(path, spec, pointer));
            }
        }
    }

    RandomParameter readRandom(const std::string& path, const Json& spec,
                               const std::string& pointer) {
        RandomParameter p;
        p.path = path;
        if (spec.contains("choices")) {
            for (const Json& c : spec["choices"])
                p.choices.emplace_back(c);
            return p;
        }
        p.log = spec.value("log", false);
        p.integer = spec.value("integer", false);
        const auto min = readBound(spec["min"]);
        const auto max = readBound(spec["max"]);
        const char* kQuantity =
            "expected a number or a quantity with a unit (\"10ms\", \"100Mbps\", \"1500B\"), got ";
        if (!min) problem(childPointer(pointer, "min"), kQuantity + showValue(spec["min"]));
        if (!max) problem(childPointer(pointer, "max"), kQuantity + showValue(spec["max"]));
        if (!min || !max) return p;
        if (min->quantity != max->quantity) {
            problem(childPointer(pointer, "max"), "expected " + quantityNoun(min->quantity) +
                                                      " like min, got " + showValue(spec["max"]));
            return p;
        }
        p.quantity = min->quantity;
        p.min = min->value;
        p.max = max->value;
        if (p.min > p.max) {
            problem(pointer, "min (" + showValue(spec["min"]) + ") is greater than max (" +
                                 showValue(spec["max"]) + ")");
        } else if (p.log && p.min <= 0) {
            problem(childPointer(pointer, "min"),
                    "a log scale needs min > 0, got " + showValue(spec["min"]));
        } else if (p.integer &&
                   (std::abs(p.min) > kMaxExactInteger || std::abs(p.max) > kMaxExactInteger)) {
            problem(pointer, "whole numbers are drawn between -2^53 and 2^53 only");
        } else if (p.integer && std::ceil(p.min) > std::floor(p.max)) {
            problem(pointer, "no whole number lies between min (" + showValue(spec["min"]) +
                                 ") and max (" + showValue(spec["max"]) + ")");
        }
        return p;
    }

    void readSeeds(const Json& e, Experiment& x) {
        const auto seeds = e.find("seeds");
        if (seeds == e.end()) return;
        if (seeds->is_number_integer()) {
            x.seedCount = seeds->get<std::uint64_t>();
            return;
        }
        std::map<std::uint64_t, std::size_t> firstAt;
        const std::string pointer = childPointer(x.pointer, "seeds");
        for (std::size_t i = 0; i < seeds->size(); ++i) {
            const std::uint64_t seed = (*seeds)[i].get<std::uint64_t>();
            if (const auto [it, fresh] = firstAt.emplace(seed, i); !fresh) {
                problem(childPointer(pointer, i), "seed " + std::to_string(seed) +
                                                      " is listed twice (first at " +
                                                      childPointer(pointer, it->second) + ")");
            }
            x.seedList.push_back(seed);
        }
        x.seedCount = x.seedList.size();
    }

    void readMetrics(const Json& e, Experiment& x) {
        const auto metrics = e.find("metrics");
        if (metrics == e.end()) return;
        const std::string pointer = childPointer(x.pointer, "metrics");
        for (std::size_t i = 0; i < metrics->size(); ++i) {
            const std::string name = (*metrics)[i].get<std::string>();
            if (std::find(x.metrics.begin(), x.metrics.end(), name) != x.metrics.end())
                problem(childPointer(pointer, i), "metric " + quote(name) + " is listed twice");
            x.metrics.push_back(name);
        }
    }

    void checkSize(const Experiment& x) {
        // Saturating at just above the limit keeps every product far from overflow.
        constexpr std::uint64_t kCap = kMaxSweepRuns + 1;
        std::uint64_t points = 1;
        if (x.kind == Experiment::Kind::Grid) {
            for (const auto& [path, values] : x.grid)
                points = std::min<std::uint64_t>(points * values.size(), kCap);
        } else if (x.kind == Experiment::Kind::Random) {
            points = std::min<std::uint64_t>(x.samples, kCap);
        }
        if (points * std::min<std::uint64_t>(x.seedCount, kCap) > kMaxSweepRuns)
            problem(x.pointer, "more than " + sim::groupDigits(kMaxSweepRuns) +
                                   " runs (points x seeds); split the experiment");
    }

    std::vector<JsonIssue>& problems_;
};

/// The base file name used in messages: what the loader prefixes its lines with.
std::string messagePrefix(const std::string& file) {
    return file + ": ";
}

/// "file: /pointer: message" lines.
Error report(const std::string& file, const std::vector<JsonIssue>& issues) {
    std::string text;
    const std::size_t shown = std::min(issues.size(), kMaxReportedProblems);
    for (std::size_t i = 0; i < shown; ++i) {
        if (!text.empty()) text += '\n';
        text += messagePrefix(file);
        if (!issues[i].pointer.empty()) text += issues[i].pointer + ": ";
        text += issues[i].message;
    }
    if (issues.size() > shown)
        text +=
            "\n" + messagePrefix(file) + "(stopped after " + std::to_string(shown) + " problems)";
    return Error{text};
}

/// The loader's message for a point, as lines without the file prefix.
std::vector<std::string> loaderLines(const std::string& source, const std::string& message) {
    // The loader names the file by its base name.
    const std::string file = std::filesystem::path(source).filename().string();
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= message.size()) {
        const std::size_t end = std::min(message.find('\n', start), message.size());
        std::string line = message.substr(start, end - start);
        if (line.rfind(messagePrefix(file), 0) == 0) line.erase(0, messagePrefix(file).size());
        if (!line.empty()) lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

/// Which metric a selector names: an exact metric, or a distribution's statistic.
bool selectorKnown(const std::string& selector, const sim::Metrics& metrics) {
    if (metrics.find(selector) >= 0) return true;
    const std::size_t dot = selector.rfind('.');
    if (dot == std::string::npos) return false;
    const std::string_view stat = std::string_view(selector).substr(dot + 1);
    const std::int64_t id = metrics.find(selector.substr(0, dot));
    return id >= 0 &&
           metrics.info(static_cast<sim::MetricId>(id)).type == sim::MetricType::Distribution &&
           std::find(std::begin(kStatistics), std::end(kStatistics), stat) != std::end(kStatistics);
}

std::vector<std::string> selectorCandidates(const sim::Metrics& metrics) {
    std::vector<std::string> names;
    for (sim::MetricId i = 0; i < metrics.size(); ++i) {
        const sim::MetricInfo& info = metrics.info(i);
        names.push_back(info.name);
        if (info.type == sim::MetricType::Distribution)
            for (std::string_view stat : kStatistics)
                names.push_back(info.name + "." + std::string(stat));
    }
    return names;
}

/// Expands an experiment and checks every point.
class Planner {
  public:
    /// `doc` is the base document, with the base overrides applied; it is changed while a point
    /// is checked and restored.
    Planner(SweepPlan& plan, Json& doc) : plan_(plan), doc_(doc) {}

    std::vector<JsonIssue> run(std::uint64_t runSeed) {
        const Experiment& x = plan_.experiment;
        switch (x.kind) {
            case Experiment::Kind::Replicates:
                plan_.points.push_back({});
                break;
            case Experiment::Kind::Grid:
                expandGrid();
                break;
            case Experiment::Kind::Random:
                expandRandom(runSeed);
                break;
        }
        plan_.seeds = x.seeds(runSeed);
        if (full()) return std::move(problems_);
        checkPoints();
        if (problems_.empty()) checkMetrics();
        for (std::size_t p = 0; p < plan_.points.size(); ++p)
            for (std::size_t r = 0; r < plan_.seeds.size(); ++r)
                plan_.runs.push_back({plan_.runs.size(), p, r, plan_.seeds[r]});
        return std::move(problems_);
    }

  private:
    bool full() const { return problems_.size() > kMaxReportedProblems; }

    void expandGrid() {
        const Experiment& x = plan_.experiment;
        std::size_t count = 1;
        for (const auto& [path, values] : x.grid) {
            plan_.parameters.push_back(path);
            count *= values.size();
        }
        // Mixed-radix counting, the last parameter fastest.
        std::vector<std::size_t> digit(x.grid.size(), 0);
        for (std::size_t i = 0; i < count; ++i) {
            SweepPoint point;
            point.index = i;
            for (std::size_t k = 0; k < x.grid.size(); ++k)
                point.values.push_back({x.grid[k].first, x.grid[k].second[digit[k]]});
            plan_.points.push_back(std::move(point));
            for (std::size_t k = x.grid.size(); k-- > 0;) {
                if (++digit[k] < x.grid[k].second.size()) break;
                digit[k] = 0;
            }
        }
    }

    void expandRandom(std::uint64_t runSeed) {
        const Experiment& x = plan_.experiment;
        plan_.points.resize(x.samples);
        for (std::size_t i = 0; i < plan_.points.size(); ++i)
            plan_.points[i].index = i;
        for (const RandomParameter& p : x.random) {
            plan_.parameters.push_back(p.path);
            // One stream per parameter, keyed by the experiment and the path: adding a
            // parameter does not change the draws of the others.
            sim::RngStream rng(runSeed, "experiments", 0, x.id + "/" + p.path);
            for (SweepPoint& point : plan_.points)
                point.values.push_back({p.path, draw(p, rng)});
        }
    }

    /// Loads the base scenario with `extra` overrides; the loader's problem lines, if any.
    std::vector<std::string> tryLoad(const std::vector<std::string>& extra) {
        // Each point differs from the base in a few values: checking what they change keeps
        // planning a large file's big grid fast.
        if (!variants_)
            variants_ =
                std::make_unique<detail::ScenarioVariants>(doc_, plan_.sourceName, registry());
        const Result<void> checked = variants_->check(extra);
        if (checked.ok()) return {};
        return loaderLines(plan_.sourceName, checked.error().message);
    }

    const LayerRegistry& registry() const {
        return plan_.layers != nullptr ? *plan_.layers : LayerRegistry::installed();
    }

    void problemLines(const std::string& pointer, const std::string& lead,
                      const std::vector<std::string>& lines) {
        for (const std::string& line : lines)
            if (!full()) problems_.push_back({pointer, lead + line});
    }

    /// Checks that a path names something the schema allows, and for a layer parameter
    /// ("layers.<id>.<param>") that the layer declares it; false (reported) if not.
    bool checkPath(const std::string& path, const nlohmann::json& value,
                   const std::string& pointer) {
        Result<detail::OverrideUndo> applied =
            detail::applyOverrideUndoable(doc_, ParameterValue{path, value}.assignment());
        if (!applied.ok()) {
            problems_.push_back({pointer, applied.error().message});
            return false;
        }
        detail::undoOverride(doc_, applied.value());
        const std::vector<std::string> tokens = pathTokens(path);
        if (tokens.size() != 3 || tokens[0] != "layers" || tokens[2] == "enabled") return true;
        const LayerFactory* layer = registry().find(tokens[1]);
        if (layer == nullptr) return true;  // the loader names the unknown layer
        const LayerDescriptor& d = layer->descriptor;
        if (d.param(tokens[2]) != nullptr) return true;
        std::vector<std::string> names;
        for (const ParamSpec& param : d.params)
            names.push_back(param.name);
        problems_.push_back({pointer, "layer " + quote(d.id) + " has no parameter " +
                                          quote(tokens[2]) + detail::didYouMean(tokens[2], names)});
        return false;
    }

    void checkPoints() {
        const Experiment& x = plan_.experiment;
        // A value bad on its own is reported once, at its place in the file.
        std::vector<std::vector<bool>> bad;
        if (x.kind == Experiment::Kind::Grid) {
            const std::string gridPointer = childPointer(x.pointer, "grid");
            for (const auto& [path, values] : x.grid) {
                const std::string pointer = childPointer(gridPointer, path);
                std::vector<bool> flags(values.size(), false);
                if (!checkPath(path, values.front(), pointer)) {
                    flags.assign(values.size(), true);
                } else {
                    for (std::size_t j = 0; j < values.size() && !full(); ++j) {
                        const auto lines = tryLoad({ParameterValue{path, values[j]}.assignment()});
                        flags[j] = !lines.empty();
                        problemLines(childPointer(pointer, j), "", lines);
                    }
                }
                bad.push_back(std::move(flags));
            }
            // With one parameter each point is one value, already checked.
            if (x.grid.size() < 2) return;
        } else if (x.kind == Experiment::Kind::Random) {
            const std::string paramsPointer =
                childPointer(childPointer(x.pointer, "random"), "parameters");
            bool anyBad = false;
            for (const RandomParameter& p : x.random) {
                const std::string pointer = childPointer(paramsPointer, p.path);
                const nlohmann::json sample =
                    p.choices.empty() ? nlohmann::json(writeValue(p, p.min)) : p.choices.front();
                if (!checkPath(p.path, sample, pointer)) {
                    anyBad = true;
                    continue;
                }
                // The extremes of a range, or every choice, each on its own.
                std::vector<std::pair<std::string, nlohmann::json>> probes;
                if (p.choices.empty()) {
                    const auto [lo, hi] = effectiveRange(p);
                    probes = {{childPointer(pointer, "min"), writeValue(p, lo)},
                              {childPointer(pointer, "max"), writeValue(p, hi)}};
                } else {
                    for (std::size_t j = 0; j < p.choices.size(); ++j)
                        probes.emplace_back(childPointer(childPointer(pointer, "choices"), j),
                                            p.choices[j]);
                }
                for (const auto& [at, value] : probes) {
                    if (full()) return;
                    const auto lines = tryLoad({ParameterValue{p.path, value}.assignment()});
                    anyBad = anyBad || !lines.empty();
                    problemLines(at, "", lines);
                }
            }
            // Points drawn from a bad range would only repeat the problem.
            if (anyBad) return;
        } else {
            return;  // one point: the base scenario, already loaded
        }
        const std::string where =
            childPointer(x.pointer, x.kind == Experiment::Kind::Grid ? "grid" : "random");
        for (const SweepPoint& point : plan_.points) {
            if (full()) return;
            if (x.kind == Experiment::Kind::Grid && pointHasBadValue(point, bad)) continue;
            problemLines(where,
                         "point " + std::to_string(point.index) + " (" + point.label() + "): ",
                         tryLoad(point.overrides()));
        }
    }

    bool pointHasBadValue(const SweepPoint& point, const std::vector<std::vector<bool>>& bad) {
        const Experiment& x = plan_.experiment;
        for (std::size_t k = 0; k < x.grid.size(); ++k) {
            const auto& values = x.grid[k].second;
            const auto it = std::find(values.begin(), values.end(), point.values[k].value);
            if (it != values.end() && bad[k][static_cast<std::size_t>(it - values.begin())])
                return true;
        }
        return false;
    }

    /// Builds the first run (without running it) to learn the scenario's metrics.
    void checkMetrics() {
        const Experiment& x = plan_.experiment;
        const SweepRunSpec first{0, 0, 0, plan_.seeds.front()};
        Result<Scenario> s = loadScenarioDocument(doc_, plan_.sourceName,
                                                  plan_.points.front().overrides(), plan_.layers);
        if (!s.ok()) {  // checked above; only a defect gets here
            problems_.push_back({x.pointer, "point 0: " + s.error().message});
            return;
        }
        RunOptions options;
        options.seed = first.seed;
        auto run = ScenarioRun::prepare(*s, options);
        if (!run.ok()) {
            const std::string label = plan_.points.front().label();
            problemLines(x.pointer, label.empty() ? "" : "point 0 (" + label + "): ",
                         loaderLines(plan_.sourceName, run.error().message));
            return;
        }
        const sim::Metrics& metrics = (*run)->simulation().metrics();
        if (x.metrics.empty()) {
            for (sim::MetricId i = 0; i < metrics.size(); ++i)
                plan_.metrics.push_back(metrics.info(i).name);
            return;
        }
        const std::string pointer = childPointer(x.pointer, "metrics");
        for (std::size_t i = 0; i < x.metrics.size(); ++i) {
            const std::string& m = x.metrics[i];
            if (!selectorKnown(m, metrics))
                problems_.push_back({childPointer(pointer, i),
                                     "unknown metric " + quote(m) +
                                         detail::didYouMean(m, selectorCandidates(metrics))});
        }
        plan_.metrics = x.metrics;
    }

    SweepPlan& plan_;
    Json& doc_;
    std::unique_ptr<detail::ScenarioVariants> variants_;
    std::vector<JsonIssue> problems_;
};

/// The base scenario, its ordered document and its experiments, checked.
struct Loaded {
    Scenario scenario;
    Json document;
    std::vector<Experiment> experiments;
};

/// Parses the text once; the loader checks the parsed document (the text only for the
/// messages of a file that does not parse).
Result<Loaded> loadBase(std::string_view text, std::string_view sourceName,
                        const std::vector<std::string>& overrides, const LayerRegistry* layers) {
    detail::ParsedJson parsed = detail::parseJson(text);
    if (parsed.syntaxError || !parsed.duplicateKeys.empty()) {
        Result<Scenario> refused = loadScenarioText(text, sourceName, overrides, layers);
        if (!refused.ok()) return refused.error();
    }
    Result<Scenario> scenario = loadScenarioDocument(parsed.value, sourceName, overrides, layers);
    if (!scenario.ok()) return scenario.error();
    Loaded out{std::move(scenario.value()), std::move(parsed.value), {}};
    for (const std::string& o : overrides)
        if (Result<void> applied = applyOverride(out.document, o); !applied.ok())
            return Error{out.scenario.sourceName + ": internal error: " + applied.error().message};
    out.experiments = out.scenario.experiments;  // checked by the loader
    return out;
}

}  // namespace

std::vector<std::uint64_t> Experiment::seeds(std::uint64_t runSeed) const {
    if (!seedList.empty()) return seedList;
    std::vector<std::uint64_t> out;
    for (std::uint64_t i = 0; i < seedCount; ++i)
        out.push_back(runSeed + i);  // wraps modulo 2^64, like every seed
    return out;
}

std::vector<Experiment> parseExperiments(const nlohmann::ordered_json& section,
                                         std::vector<JsonIssue>& problems) {
    return ExperimentReader(problems).read(section);
}

std::string ParameterValue::assignment() const {
    return path + "=" + value.dump();
}

std::vector<std::string> SweepPoint::overrides() const {
    std::vector<std::string> out;
    for (const ParameterValue& v : values)
        out.push_back(v.assignment());
    return out;
}

std::string SweepPoint::label() const {
    std::string out;
    for (const ParameterValue& v : values)
        out += (out.empty() ? "" : ", ") + v.path + "=" + showValue(Json(v.value));
    return out;
}

std::vector<std::string> SweepPlan::overridesOf(const SweepRunSpec& run) const {
    std::vector<std::string> out = baseOverrides;
    for (const ParameterValue& v : points.at(run.point).values)
        out.push_back(v.assignment());
    return out;
}

Result<std::vector<Experiment>> loadExperiments(std::string_view text, std::string_view sourceName,
                                                const std::vector<std::string>& overrides,
                                                const LayerRegistry* layers) {
    try {
        Result<Loaded> loaded = loadBase(text, sourceName, overrides, layers);
        if (!loaded.ok()) return loaded.error();
        return std::move(loaded->experiments);
    } catch (const std::exception& e) {
        return Error{std::string(sourceName) + ": internal error: " + e.what()};
    }
}

Result<SweepPlan> planSweep(std::string_view text, std::string_view sourceName,
                            const std::vector<std::string>& overrides,
                            std::string_view experimentId, const LayerRegistry* layers) {
    try {
        Result<Loaded> loaded = loadBase(text, sourceName, overrides, layers);
        if (!loaded.ok()) return loaded.error();
        const std::string& file = loaded->scenario.sourceName;
        const std::vector<Experiment>& experiments = loaded->experiments;
        std::vector<std::string> ids;
        for (const Experiment& x : experiments)
            ids.push_back(x.id);
        const Experiment* chosen = nullptr;
        if (experiments.empty()) {
            return Error{file +
                         ": no experiments to run (add an \"experiments\" section: a list of "
                         "{\"id\", \"grid\" or \"random\", \"seeds\", \"metrics\"})"};
        }
        if (experimentId.empty()) {
            if (experiments.size() > 1) {
                std::string list;
                for (const std::string& id : ids)
                    list += (list.empty() ? "" : ", ") + id;
                return Error{file + ": which experiment? the file has " +
                             plural(experiments.size(), "experiment") + ": " + list};
            }
            chosen = &experiments.front();
        } else {
            for (const Experiment& x : experiments)
                if (x.id == experimentId) chosen = &x;
            if (chosen == nullptr) {
                std::string list;
                for (const std::string& id : ids)
                    list += (list.empty() ? "" : ", ") + id;
                return Error{file + ": no experiment " + quote(experimentId) +
                             detail::didYouMean(experimentId, ids) + " (the file has: " + list +
                             ")"};
            }
        }

        SweepPlan plan;
        plan.sourceName = std::string(sourceName);  // a path: layers resolve files by it
        plan.scenarioText = std::string(text);
        plan.baseOverrides = overrides;
        plan.scenarioName = loaded->scenario.meta.name.empty() ? file : loaded->scenario.meta.name;
        plan.baseDocument = loaded->scenario.document;
        plan.experiment = *chosen;
        plan.layers = layers;
        std::vector<JsonIssue> problems =
            Planner(plan, loaded->document).run(loaded->scenario.run.seed);
        if (!problems.empty()) return report(file, problems);
        return plan;
    } catch (const std::exception& e) {
        return Error{std::string(sourceName) + ": internal error: " + e.what()};
    }
}

}  // namespace dais::core
