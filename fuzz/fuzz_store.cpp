// Fuzz target: a run store file, as `dais runs` and the studio open it. The bytes are written to
// a file, which is opened read-only and then read-write (which may mark runs interrupted or
// migrate an older schema); each open store lists its runs and reads the first few of them
// whole. Then the file and SQLite's companions (-wal, -shm, -journal) are removed.
//
// A store that refuses a file promises to leave it untouched: a refused file whose bytes
// changed, or beside which companions were left, is reported on stderr (once per kind of open
// and problem); with DAIS_FUZZ_STORE_STRICT=1 in the environment it aborts, so that it counts
// as a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "dais/store/run_store.h"
#include "fuzz_files.h"

namespace {

using namespace dais;
namespace fs = std::filesystem;

constexpr std::size_t kRunsToRead = 4;
constexpr const char* kCompanions[] = {"-wal", "-shm", "-journal"};

void readRun(const store::RunStore& s, const store::RunRecord& r) {
    (void)s.run(r.id);
    (void)s.finalMetrics(r.id);
    if (const auto metrics = s.sampledMetrics(r.id); metrics && !metrics->empty())
        (void)s.samples(r.id, metrics->front().name);
    (void)s.visitSamples(r.id, [](const store::SampledMetric&, const store::Sample&) {});
    (void)s.trace(r.id, 16);
    (void)s.annotations(r.id);
    if (const auto tables = s.tables(r.id))
        for (const store::StoredTable& t : *tables)
            (void)s.table(r.id, t.name);
    (void)s.scenario(r.scenarioHash);
    if (r.sweep) {
        (void)s.sweep(*r.sweep);
        (void)s.sweepRuns(*r.sweep);
    }
}

void readStore(const store::RunStore& s) {
    const auto runs = s.listRuns();
    if (!runs) return;
    for (std::size_t i = 0; i < runs->size() && i < kRunsToRead; ++i)
        readRun(s, (*runs)[i]);
    store::RunFilter filter;
    filter.status = store::RunStatus::Interrupted;
    filter.limit = 2;
    (void)s.listRuns(filter);
}

/// Companions of `file` that exist.
std::string companionsOf(const fs::path& file) {
    std::string found;
    for (const char* suffix : kCompanions) {
        std::error_code ec;
        if (fs::exists(file.string() + suffix, ec))
            found += std::string(found.empty() ? "" : ", ") + suffix;
    }
    return found;
}

void removeAll(const fs::path& file) {
    std::error_code ec;
    fs::remove(file, ec);
    for (const char* suffix : kCompanions)
        fs::remove(file.string() + suffix, ec);
}

/// Reports a refused open that did not leave the file as it was.
void untouchedBroken(bool readOnly, int problem, const std::string& what) {
    static bool told[2][2] = {};
    const char* strict = std::getenv("DAIS_FUZZ_STORE_STRICT");
    const bool abort = strict != nullptr && std::string_view(strict) == "1";
    if (told[readOnly][problem] && !abort) return;
    told[readOnly][problem] = true;
    std::fprintf(stderr, "dais fuzz: a %s open refused the file and %s\n",
                 readOnly ? "read-only" : "read-write", what.c_str());
    if (abort) std::abort();
}

void open(const fs::path& file, std::string_view bytes, store::StoreOptions::Mode mode) {
    store::StoreOptions options;
    options.mode = mode;
    const bool readOnly = mode == store::StoreOptions::Mode::ReadOnly;
    {
        const auto opened = store::RunStore::open(file.string(), options);
        if (opened) {
            readStore(**opened);
            return;
        }
    }
    if (fuzz::readFile(file) != bytes) untouchedBroken(readOnly, 0, "changed it");
    if (const std::string left = companionsOf(file); !left.empty())
        untouchedBroken(readOnly, 1, "left " + left + " beside it");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path file = fuzz::scratchFolder() / "runs.sqlite";
    removeAll(file);
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    fuzz::writeFile(file, bytes);
    open(file, bytes, store::StoreOptions::Mode::ReadOnly);
    // The read-write open starts from the same bytes, with nothing beside them.
    removeAll(file);
    fuzz::writeFile(file, bytes);
    open(file, bytes, store::StoreOptions::Mode::ReadWrite);
    removeAll(file);
    return 0;
}
