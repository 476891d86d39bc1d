// dais runs annotate and dais runs delete: the subcommands that change the run store, which
// they never create.
#include <cstdio>
#include <string>

#include "runs_subcommands.h"

namespace dais::app {

int runsAnnotate(RunsArgs& a) {
    if (a.words.size() < 2)
        return fail(
            "runs annotate: expected a run id and a note (usage: dais runs annotate ID "
            "TEXT)",
            kExitUsage);
    if (int c = a.allowOnly("annotate", {})) return c;
    const auto ids = parseRunIds({a.words.front()}, "annotate");
    if (!ids) return kExitUsage;
    std::string text;
    for (std::size_t i = 1; i < a.words.size(); ++i)
        text += (i > 1 ? " " : "") + a.words[i];
    if (text.find_first_not_of(" \t\n") == std::string::npos)
        return fail("runs annotate: the note is empty", kExitUsage);
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, true, stored)) return code;
    if (auto r = stored.store->annotate(ids->front(), text); !r)
        return fail(r.error().message, kExitFailure);
    std::printf("annotated run %lld\n", static_cast<long long>(ids->front()));
    return kExitOk;
}

int runsDelete(RunsArgs& a) {
    if (a.words.empty())
        return fail("runs delete: which runs? (usage: dais runs delete ID...)", kExitUsage);
    if (int c = a.allowOnly("delete", {})) return c;
    const auto ids = parseRunIds(a.words, "delete");
    if (!ids) return kExitUsage;
    // Every id must be known before anything is deleted.
    StoredRuns stored;
    if (const int code = openRuns(a.store, *ids, true, stored)) return code;
    const auto& s = stored.store;
    for (const auto& r : stored.runs)
        if (r.status == store::RunStatus::Running)
            return fail(s->path() + ": run " + std::to_string(r.id) +
                            " is still running (process " + std::to_string(r.pid) + " on " +
                            r.host + ")",
                        kExitFailure);
    for (const store::RunId id : *ids) {
        if (auto r = s->deleteRun(id); !r) return fail(r.error().message, kExitFailure);
        std::printf("deleted run %lld\n", static_cast<long long>(id));
    }
    return kExitOk;
}

}  // namespace dais::app
