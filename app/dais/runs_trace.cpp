// dais runs trace: from an accuracy drop back to the nodes that caused it, over the federated
// rounds a stored run recorded on its ledger (core/anomaly_trace.h), for people or as JSON.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.h"
#include "dais/core/anomaly_trace.h"
#include "dais/core/digest.h"
#include "dais/core/inspector.h"
#include "dais/core/round_audit.h"
#include "runs_subcommands.h"

namespace dais::app {

namespace {

constexpr const char* kRecordsTable = "ledger.records";

std::string percent(double v) {
    if (!std::isfinite(v)) return "?";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
    return buf;
}

std::string points(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f points", 100 * v);
    return buf;
}

nlohmann::json traceJson(const core::TraceResult& t, std::size_t rounds, std::size_t unfinal) {
    nlohmann::json j;
    j["rounds"] = rounds;
    j["rounds_not_final"] = unfinal;
    nlohmann::json anomalies = nlohmann::json::array();
    for (const auto& a : t.anomalies)
        anomalies.push_back(
            {{"round", a.round},
             {"accuracy_before",
              std::isfinite(a.before) ? nlohmann::json(a.before) : nlohmann::json()},
             {"accuracy", std::isfinite(a.after) ? nlohmann::json(a.after) : nlohmann::json()},
             {"named", a.named},
             {"peak_round", a.named ? nlohmann::json() : nlohmann::json(a.peak)}});
    j["anomalies"] = anomalies;
    nlohmann::json suspects = nlohmann::json::array();
    for (const auto& s : t.suspects) {
        nlohmann::json updates = nlohmann::json::array();
        for (const core::Digest& d : s.updates)
            updates.push_back(core::hexText(d));
        suspects.push_back(
            {{"node", s.node},
             {"score", std::isfinite(s.score) ? nlohmann::json(s.score) : nlohmann::json("inf")},
             {"rounds", s.rounds},
             {"updates", updates},
             {"evidence", s.evidence}});
    }
    j["culprits"] = suspects;
    j["notes"] = t.notes;
    return j;
}

void printTrace(store::RunId id, const core::TraceResult& t, std::size_t rounds,
                std::size_t unfinal) {
    std::printf("run %lld: %zu federated round(s) final on the ledger", static_cast<long long>(id),
                rounds);
    if (unfinal > 0) std::printf(" (%zu more not final as the run ended, left out)", unfinal);
    std::printf("\n");
    if (!t.anomalies.empty()) {
        std::printf("\nanomalies\n");
        for (const auto& a : t.anomalies)
            if (a.named)
                std::printf("  round %llu (named): accuracy %s, the round before %s\n",
                            static_cast<unsigned long long>(a.round), percent(a.after).c_str(),
                            percent(a.before).c_str());
            else
                std::printf("  round %llu: accuracy %s, %s below the peak of round %llu\n",
                            static_cast<unsigned long long>(a.round), percent(a.after).c_str(),
                            points(a.before - a.after).c_str(),
                            static_cast<unsigned long long>(a.peak));
    }
    if (!t.suspects.empty()) {
        std::printf("\nculprits, strongest evidence first\n");
        for (const auto& s : t.suspects) {
            // The first few rounds with its update's digest (dais runs show --events --digest
            // follows one); --json lists them all.
            constexpr std::size_t kShown = 4;
            std::string list;
            for (std::size_t i = 0; i < s.rounds.size() && i < kShown; ++i)
                list += (i ? ", " : "") + std::to_string(s.rounds[i]) + " (update " +
                        core::shortHex(s.updates[i], 16) + ")";
            if (s.rounds.size() > kShown)
                list += " and " + std::to_string(s.rounds.size() - kShown) + " more";
            std::printf("  %s\n    %s\n    rounds: %s\n", s.node.c_str(), s.evidence.c_str(),
                        list.c_str());
        }
    }
    for (const std::string& n : t.notes)
        std::printf("\nnote: %s\n", n.c_str());
}

}  // namespace

int runsTrace(RunsArgs& a) {
    if (a.words.size() != 1)
        return fail("runs trace: which run? (usage: dais runs trace ID [--round N,...])",
                    kExitUsage);
    if (int c = a.allowOnly("trace", {"json", "round", "drop"})) return c;
    core::TraceOptions options;
    if (!a.round.empty()) {
        std::string_view rest = a.round;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            const std::string_view word = rest.substr(0, comma);
            const auto n = parseUnsigned(word);
            if (!n || *n == 0)
                return fail(
                    "runs trace: --round: expected round numbers from 1, separated by "
                    "commas, got \"" +
                        a.round + "\"",
                    kExitUsage);
            options.rounds.push_back(*n);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    }
    if (!a.drop.empty()) {
        char* end = nullptr;
        const double d = std::strtod(a.drop.c_str(), &end);
        if (end != a.drop.c_str() + a.drop.size() || !(d > 0 && d < 1))
            return fail(
                "runs trace: --drop: expected the accuracy lost as a fraction between 0 "
                "and 1 (0.05: five points), got \"" +
                    a.drop + "\"",
                kExitUsage);
        options.drop = d;
    }
    const auto ids = parseRunIds(a.words, "trace");
    if (!ids) return kExitUsage;
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, false, stored)) return code;
    const store::RunRecord& r = stored.runs.front();
    auto tables = stored.store->tables(r.id);
    if (!tables) return fail(tables.error().message, kExitFailure);
    bool found = false;
    for (const auto& t : *tables)
        found = found || t.name == kRecordsTable;
    if (!found)
        return fail("runs trace: run " + std::to_string(r.id) +
                        " kept no ledger records (table ledger.records): it ran without the "
                        "ledger layer, or in a sweep, whose runs keep no tables",
                    kExitBadInput);
    auto table = stored.store->table(r.id, kRecordsTable);
    if (!table) return fail(table.error().message, kExitBadInput);
    std::size_t unfinal = 0;
    auto rounds = core::finalRoundAudits(*table, &unfinal);
    if (!rounds)
        return fail("runs trace: run " + std::to_string(r.id) + ": " + rounds.error().message,
                    kExitBadInput);
    const core::TraceResult result = core::traceAnomaly(*rounds, options);
    if (a.json)
        std::printf("%s\n", traceJson(result, rounds->size(), unfinal).dump(2).c_str());
    else
        printTrace(r.id, result, rounds->size(), unfinal);
    return kExitOk;
}

}  // namespace dais::app
