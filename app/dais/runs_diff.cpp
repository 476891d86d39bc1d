// dais runs diff: two stored runs side by side, the parameters that differ (every value of the
// two effective scenarios, by JSON pointer) and the final metrics with their difference, for
// people or as JSON.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dais/store/parameter_difference.h"
#include "metric_text.h"
#include "runs_subcommands.h"

namespace dais::app {

namespace {

using store::RunRecord;

/// One compared figure of two runs' final metrics: a value, or a distribution's mean or p95.
struct Figure {
    std::string name, unit;
    std::optional<double> a, b;
};

/// The figures of two runs' final metrics, in the order the runs name them.
std::vector<Figure> compareFinals(const std::vector<core::MetricReport>& ma,
                                  const std::vector<core::MetricReport>& mb) {
    std::vector<Figure> figures;
    auto add = [&](const std::vector<core::MetricReport>& ms, bool first) {
        for (const auto& m : ms) {
            std::vector<std::pair<std::string, double>> parts;
            if (m.type == sim::MetricType::Distribution)
                parts = {{m.name + " mean", m.mean}, {m.name + " p95", m.p95}};
            else
                parts = {{m.name, m.value}};
            for (const auto& [name, v] : parts) {
                auto it = std::find_if(figures.begin(), figures.end(),
                                       [&](const Figure& f) { return f.name == name; });
                if (it == figures.end()) it = figures.insert(figures.end(), {name, m.unit, {}, {}});
                (first ? it->a : it->b) = v;
            }
        }
    };
    add(ma, true);
    add(mb, false);
    return figures;
}

/// `dais runs diff --json`.
void printDiffJson(const RunRecord& x, const RunRecord& y,
                   const std::vector<store::ParameterDifference>& changes,
                   const std::vector<Figure>& figures) {
    nlohmann::json params = nlohmann::json::array();
    for (const auto& c : changes)
        params.push_back({{"path", c.pointer},
                          {"a", c.values[0].value_or(nlohmann::json())},
                          {"b", c.values[1].value_or(nlohmann::json())}});
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& f : figures) {
        nlohmann::json j = {{"name", f.name},
                            {"unit", f.unit},
                            {"a", f.a ? nlohmann::json(*f.a) : nlohmann::json()},
                            {"b", f.b ? nlohmann::json(*f.b) : nlohmann::json()}};
        j["difference"] = f.a && f.b ? nlohmann::json(*f.b - *f.a) : nlohmann::json();
        metrics.push_back(j);
    }
    const nlohmann::json out = {
        {"a", runJson(x)}, {"b", runJson(y)}, {"parameters", params}, {"metrics", metrics}};
    std::printf("%s\n", out.dump(2).c_str());
}

/// The parameters that differ, one a line: the pointer, then each run's value.
void printParameterChanges(const std::vector<store::ParameterDifference>& changes,
                           const std::string& ha, const std::string& hb) {
    std::printf("\nparameters\n");
    if (changes.empty()) return void(std::printf("  the same\n"));
    auto text = [](const std::optional<nlohmann::json>& v) {
        if (!v) return std::string("(absent)");
        return v->is_string() ? v->get<std::string>() : v->dump();
    };
    std::size_t w = 0, wa = ha.size();
    for (const auto& c : changes) {
        w = std::max(w, c.pointer.size());
        wa = std::max(wa, text(c.values[0]).size());
    }
    wa = std::min<std::size_t>(wa, 40);
    std::printf("  %-*s  %-*s  %s\n", static_cast<int>(w), "", static_cast<int>(wa), ha.c_str(),
                hb.c_str());
    for (const auto& c : changes)
        std::printf("  %-*s  %-*s  %s\n", static_cast<int>(w), c.pointer.c_str(),
                    static_cast<int>(wa), text(c.values[0]).c_str(), text(c.values[1]).c_str());
}

/// "+2.5 ms (+12.0%)": the second value less the first, and the change as a share of the first.
std::string differenceText(const Figure& f) {
    if (!f.a || !f.b) return "-";
    const double d = *f.b - *f.a;
    if (d == 0) return "0";
    std::string diff = (d > 0 ? "+" : "") + metricNumber(d, f.unit);
    if (*f.a != 0 && std::isfinite(d)) {
        char pct[32];
        std::snprintf(pct, sizeof pct, " (%+.1f%%)", 100 * d / std::abs(*f.a));
        diff += pct;
    }
    return diff;
}

/// The final metrics side by side with their difference.
void printFigures(const std::vector<Figure>& figures, const std::string& ha,
                  const std::string& hb) {
    std::printf("\nmetrics\n");
    if (figures.empty()) return void(std::printf("  (neither run has final metrics)\n"));
    std::size_t w = 0;
    for (const auto& f : figures)
        w = std::max(w, f.name.size());
    std::printf("  %-*s  %16s  %16s  %16s\n", static_cast<int>(w), "", ha.c_str(), hb.c_str(),
                "difference");
    for (const auto& f : figures) {
        auto val = [&](const std::optional<double>& v) {
            return v ? metricNumber(*v, f.unit) : std::string("-");
        };
        std::printf("  %-*s  %16s  %16s  %16s\n", static_cast<int>(w), f.name.c_str(),
                    val(f.a).c_str(), val(f.b).c_str(), differenceText(f).c_str());
    }
}

/// `dais runs diff` for people.
void printDiffText(const RunRecord& x, const RunRecord& y,
                   const std::vector<store::ParameterDifference>& changes,
                   const std::vector<Figure>& figures) {
    const std::string ha = "run " + std::to_string(x.id), hb = "run " + std::to_string(y.id);
    for (const auto& [h, r] : {std::pair{&ha, &x}, std::pair{&hb, &y}})
        std::printf("%s  %s, seed %llu, %s\n", h->c_str(), r->scenarioName.c_str(),
                    static_cast<unsigned long long>(r->seed),
                    std::string(runStatusName(r->status)).c_str());
    printParameterChanges(changes, ha, hb);
    printFigures(figures, ha, hb);
}

}  // namespace

int runsDiff(RunsArgs& a) {
    if (a.words.size() != 2)
        return fail("runs diff: which two runs? (usage: dais runs diff ID ID)", kExitUsage);
    if (int c = a.allowOnly("diff", {"json"})) return c;
    const auto ids = parseRunIds(a.words, "diff");
    if (!ids) return kExitUsage;
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const auto& s = stored.store;
    const RunRecord &x = stored.runs[0], &y = stored.runs[1];

    // A scenario that cannot be read leaves the run's parameters and seed to compare.
    auto valuesOf = [&](const RunRecord& r) {
        auto v = store::runValues(*s, r);
        return v ? std::move(v).value() : store::runValues(r, nlohmann::json());
    };
    const std::vector<store::ParameterDifference> changes =
        store::parameterDifferences({valuesOf(x), valuesOf(y)});
    auto mx = s->finalMetrics(x.id), my = s->finalMetrics(y.id);
    if (!mx) return fail(mx.error().message, kExitFailure);
    if (!my) return fail(my.error().message, kExitFailure);
    const std::vector<Figure> figures = compareFinals(*mx, *my);
    if (a.json)
        printDiffJson(x, y, changes, figures);
    else
        printDiffText(x, y, changes, figures);
    return kExitOk;
}

}  // namespace dais::app
