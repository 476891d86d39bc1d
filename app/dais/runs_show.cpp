// dais runs show: one stored run, its record, parameters, layer versions, final metrics,
// sampled metrics and annotations, for people or as JSON.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "dais/core/digest.h"
#include "event_text.h"
#include "metric_text.h"
#include "runs_subcommands.h"
#include "table_text.h"

namespace dais::app {

namespace {

/// What `show` prints besides the run's record.
struct RunDetails {
    std::vector<core::MetricReport> finals;
    std::vector<store::SampledMetric> sampled;
    std::vector<store::Annotation> notes;
    std::vector<store::StoredTable> tables;
    std::optional<store::StoredEventCounts> events;
};

void printShowJson(const store::RunRecord& r, const RunDetails& d) {
    nlohmann::json j = runJson(r);
    j["final_metrics"] = finalMetricsJson(d.finals);
    nlohmann::json sm = nlohmann::json::array();
    for (const auto& x : d.sampled)
        sm.push_back({{"name", x.name}, {"unit", x.unit}, {"samples", x.samples}});
    j["sampled_metrics"] = sm;
    nlohmann::json an = nlohmann::json::array();
    for (const auto& x : d.notes)
        an.push_back({{"at", isoTime(x.createdAt)}, {"text", x.text}});
    j["annotations"] = an;
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : d.tables)
        tables.push_back({{"name", t.name},
                          {"title", t.title},
                          {"rows", t.rows},
                          {"filled_at", sim::toSeconds(t.filledAt)}});
    j["tables"] = tables;
    if (d.events)
        j["run_events"] = {
            {"kept", d.events->kept}, {"dropped", d.events->dropped}, {"limit", d.events->limit}};
    std::printf("%s\n", j.dump(2).c_str());
}

/// The run's record, one field a line.
void printRecord(const store::RunRecord& r) {
    std::printf("run          %lld (%s)\n", static_cast<long long>(r.id),
                std::string(runStatusName(r.status)).c_str());
    if (!r.error.empty()) std::printf("error        %s\n", r.error.c_str());
    std::printf("scenario     %s (hash %s)\n", r.scenarioName.c_str(), r.scenarioHash.c_str());
    std::printf("seed         %llu\n", static_cast<unsigned long long>(r.seed));
    std::printf("started      %s on %s (process %lld)\n", localTime(r.startedAt).c_str(),
                r.host.c_str(), static_cast<long long>(r.pid));
    if (r.finishedAt) std::printf("finished     %s\n", localTime(*r.finishedAt).c_str());
    if (r.sweep)
        std::printf("sweep        %lld, point %lld, replicate %lld\n",
                    static_cast<long long>(*r.sweep), static_cast<long long>(r.pointIndex),
                    static_cast<long long>(r.replicate));
    if (r.status != store::RunStatus::Running) {
        std::printf("events       %s\n", groupDigits(r.events).c_str());
        std::printf("simulated    %s\n", sim::formatTime(r.simulatedTime).c_str());
        std::printf("wall time    %.3f s\n", r.wallSeconds);
        if (!r.fingerprint.empty()) std::printf("fingerprint  %s\n", r.fingerprint.c_str());
    }
}

/// A JSON object's members, one "key  value" a line under a title.
void printObject(const char* title, const nlohmann::json& o) {
    std::printf("\n%s\n", title);
    if (o.empty()) return void(std::printf("  (none)\n"));
    std::size_t width = 0;
    for (const auto& [k, v] : o.items())
        width = std::max(width, k.size());
    for (const auto& [k, v] : o.items())
        std::printf("  %-*s  %s\n", static_cast<int>(width), k.c_str(),
                    v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
}

void printShowText(const store::RunRecord& r, const RunDetails& d) {
    printRecord(r);
    printObject("parameters", r.parameters);
    printObject("layers", r.layerVersions);
    if (!d.finals.empty()) {
        std::size_t width = 0;
        for (const auto& m : d.finals)
            width = std::max(width, m.name.size());
        std::printf("\nmetrics\n");
        for (const auto& m : d.finals)
            std::printf("  %-*s  %s\n", static_cast<int>(width), m.name.c_str(),
                        metricLine(m).c_str());
    }
    if (!d.sampled.empty()) {
        std::uint64_t most = 0;
        for (const auto& m : d.sampled)
            most = std::max(most, m.samples);
        std::printf("\nsamples      %zu metrics, up to %s samples each (dais runs export %lld)\n",
                    d.sampled.size(), groupDigits(most).c_str(), static_cast<long long>(r.id));
    }
    if (!d.tables.empty()) {
        std::size_t width = 0;
        for (const auto& t : d.tables)
            width = std::max(width, t.name.size());
        std::printf("\ntables (dais runs show %lld --table NAME)\n", static_cast<long long>(r.id));
        for (const auto& t : d.tables)
            std::printf("  %-*s  %s, %s row%s\n", static_cast<int>(width), t.name.c_str(),
                        t.title.c_str(), groupDigits(t.rows).c_str(), t.rows == 1 ? "" : "s");
    }
    if (d.events) {
        std::printf("\nevents       %s kept (dais runs show %lld --events)\n",
                    groupDigits(d.events->kept).c_str(), static_cast<long long>(r.id));
        if (d.events->dropped > 0)
            std::printf("             %s more recorded and not kept (a run keeps its first %s)\n",
                        groupDigits(d.events->dropped).c_str(),
                        groupDigits(d.events->limit).c_str());
    }
    if (!d.notes.empty()) {
        std::printf("\nannotations\n");
        for (const auto& n : d.notes)
            std::printf("  %s  %s\n", localTime(n.createdAt).c_str(), n.text.c_str());
    }
}

}  // namespace

namespace {

/// The rows to print: as --rows says, else all of them for JSON, else the default.
core::Result<std::optional<std::size_t>> rowsToPrint(const RunsArgs& a) {
    if (!a.rows.empty()) return parseRowLimit(a.rows);
    return a.json ? std::nullopt : std::optional<std::size_t>(kDefaultTableRows);
}

/// `dais runs show ID --table NAME`: one stored table, as `dais run --inspect` prints it.
int showTable(const RunsArgs& a, const store::RunStore& s, const store::RunRecord& r) {
    const auto limit = rowsToPrint(a);
    if (!limit) return fail("runs show: " + limit.error().message, kExitUsage);
    const std::optional<std::size_t> rows = *limit;
    auto stored = s.tables(r.id);
    if (!stored) return fail(stored.error().message, kExitFailure);
    std::vector<std::string> names;
    for (const auto& t : *stored)
        names.push_back(t.name);
    const auto name = resolveTableName(a.table, names, "in run " + std::to_string(r.id), "it has");
    if (!name) return fail("runs show: --table: " + name.error().message, kExitUsage);
    auto table = s.table(r.id, *name);
    if (!table) return fail(table.error().message, kExitBadInput);
    if (a.json)
        std::printf("%s\n", tableJson(*table, rows).dump(2).c_str());
    else
        printTable(*table, rows);
    return kExitOk;
}

/// `dais runs show ID --events`: the run's stored events, those of a kind, a node or a digest.
int showEvents(const RunsArgs& a, const store::RunStore& s, const store::RunRecord& r) {
    const std::string run = "run " + std::to_string(r.id);
    const auto limit = rowsToPrint(a);
    if (!limit) return fail("runs show: " + limit.error().message, kExitUsage);
    const std::optional<std::size_t> rows = *limit;
    store::EventQuery query;
    if (!a.digest.empty()) {
        if (!core::isDigestPrefix(a.digest))
            return fail(
                "runs show: --digest: expected the start of a digest, 1 to 64 hex digits "
                "(0-9, a-f), got \"" +
                    a.digest + "\"",
                kExitUsage);
        query.digestPrefix = a.digest;
    }
    auto counts = s.eventCounts(r.id);
    if (!counts) return fail(counts.error().message, kExitFailure);
    if (!*counts) {
        if (!a.kind.empty() || !a.node.empty())
            return fail("runs show: " + run +
                            " kept no events (runs of sweeps and runs stored "
                            "before events were kept have none)",
                        kExitBadInput);
        if (a.json)
            std::printf("%s\n", eventsJson({}, rows).dump(2).c_str());
        else
            std::printf("%s kept no events\n", run.c_str());
        return kExitOk;
    }
    if (!a.node.empty()) {
        auto names = s.nodeNames(r.id);
        if (!names) return fail(names.error().message, kExitFailure);
        const std::optional<std::uint32_t> node = *names ? (*names)->find(a.node) : std::nullopt;
        if (!node)
            return fail("runs show: --node: " + run + " has no node \"" + a.node +
                            "\" (nodes are named as the events show them: hospital-3, "
                            "phones[12], #17)",
                        kExitUsage);
        query.node = *node;
    }
    if (!a.kind.empty()) {
        auto have = s.eventKinds(r.id);
        if (!have) return fail(have.error().message, kExitFailure);
        auto kinds = resolveEventKinds(a.kind, *have, "among the events of " + run);
        if (!kinds) return fail("runs show: --kind: " + kinds.error().message, kExitUsage);
        query.kinds = std::move(kinds).value();
    }
    auto events = s.events(r.id, query);
    if (!events) return fail(events.error().message, kExitFailure);
    const EventListing listing{std::move(events).value(), (*counts)->dropped, (*counts)->limit};
    if (a.json)
        std::printf("%s\n", eventsJson(listing, rows).dump(2).c_str());
    else
        printEvents(listing, rows);
    return kExitOk;
}

}  // namespace

int runsShow(RunsArgs& a) {
    if (a.words.size() != 1)
        return fail("runs show: which run? (usage: dais runs show ID)", kExitUsage);
    if (int c = a.allowOnly("show", {"json", "table", "rows", "events", "kind", "node", "digest"}))
        return c;
    if (!a.rows.empty() && a.table.empty() && !a.events)
        return fail("runs show: --rows: only with --table NAME or --events", kExitUsage);
    if (a.events && !a.table.empty())
        return fail("runs show: --table and --events: one at a time", kExitUsage);
    for (const auto& [name, given] : {std::pair<const char*, bool>{"kind", !a.kind.empty()},
                                      {"node", !a.node.empty()},
                                      {"digest", !a.digest.empty()}})
        if (given && !a.events)
            return fail(std::string("runs show: --") + name + ": only with --events", kExitUsage);
    const auto ids = parseRunIds(a.words, "show");
    if (!ids) return kExitUsage;
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const auto& s = stored.store;
    const store::RunRecord& r = stored.runs.front();
    if (!a.table.empty()) return showTable(a, *s, r);
    if (a.events) return showEvents(a, *s, r);
    auto metrics = s->finalMetrics(r.id);
    auto sampled = s->sampledMetrics(r.id);
    auto notes = s->annotations(r.id);
    auto tables = s->tables(r.id);
    if (!metrics) return fail(metrics.error().message, kExitFailure);
    if (!sampled) return fail(sampled.error().message, kExitFailure);
    if (!notes) return fail(notes.error().message, kExitFailure);
    if (!tables) return fail(tables.error().message, kExitFailure);
    auto events = s->eventCounts(r.id);
    if (!events) return fail(events.error().message, kExitFailure);
    const RunDetails details{std::move(metrics).value(), std::move(sampled).value(),
                             std::move(notes).value(), std::move(tables).value(), *events};
    if (a.json)
        printShowJson(r, details);
    else
        printShowText(r, details);
    return kExitOk;
}

}  // namespace dais::app
