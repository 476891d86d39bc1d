// A process that records runs into a store, for the tests that kill it or let it exit without
// finishing its run.
//   store_crash_writer PATH record COMMIT_MS   records samples until killed; after each sample
//                                              prints "SAMPLE_INDEX MICROSECONDS" (the steady
//                                              clock when it was queued)
//   store_crash_writer PATH leave              begins a run, stores a few samples, exits
//                                              without finishing it
// Both print "run ID" first.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "dais/store/run_store.h"

namespace {

using namespace dais;

constexpr int kMetrics =
    10;  // 10,000 rows a second: the commit interval, not the batch size, commits

std::vector<sim::MetricInfo> metricInfos() {
    std::vector<sim::MetricInfo> infos;
    for (int i = 0; i < kMetrics; ++i)
        infos.push_back({"m" + std::to_string(i), "1", "a test metric",
                         i % 4 == 0 ? sim::MetricType::Distribution : sim::MetricType::Counter,
                         sim::MetricScope::Global});
    return infos;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: store_crash_writer PATH record COMMIT_MS | PATH leave\n");
        return 2;
    }
    const std::string path = argv[1], mode = argv[2];
    store::StoreOptions options;
    if (mode == "record" && argc > 3)
        options.commitInterval = std::chrono::milliseconds(std::atoi(argv[3]));
    auto opened = store::RunStore::open(path, options);
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
    }
    store::RunStore& s = **opened;
    auto hash = s.putScenario("crash test", R"({"format": "dais-scenario"})");
    if (!hash) return std::fprintf(stderr, "%s\n", hash.error().message.c_str()), 1;
    store::RunStart start;
    start.scenarioHash = *hash;
    start.scenarioName = "crash test";
    start.seed = 7;
    auto writer = s.beginRun(start);
    if (!writer) return std::fprintf(stderr, "%s\n", writer.error().message.c_str()), 1;
    std::printf("run %lld\n", static_cast<long long>((*writer)->id()));
    std::fflush(stdout);

    const auto infos = metricInfos();
    std::vector<sim::MetricValue> values(kMetrics);
    for (int i = 0; i < kMetrics; ++i)
        values[i].info = &infos[i];
    auto sampleAt = [&](std::int64_t k) {
        for (int i = 0; i < kMetrics; ++i) {
            values[i].value = static_cast<double>(k * kMetrics + i);
            values[i].count = static_cast<std::uint64_t>(k);
            values[i].p50 = values[i].p95 = values[i].p99 = 1.5;
        }
        (*writer)->sample(k * 1'000'000, values);
    };

    if (mode == "leave") {
        for (int k = 0; k < 10; ++k)
            sampleAt(k);
        if (auto f = s.flush(); !f)
            return std::fprintf(stderr, "%s\n", f.error().message.c_str()), 1;
        std::fflush(stdout);
        _exit(0);  // no destructors: the run stays "running", as after a crash
    }

    // Record one sample per millisecond until killed.
    const auto begin = std::chrono::steady_clock::now();
    for (std::int64_t k = 0;; ++k) {
        std::this_thread::sleep_until(begin + std::chrono::milliseconds(k));
        sampleAt(k);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - begin)
                            .count();
        std::printf("%lld %lld\n", static_cast<long long>(k), static_cast<long long>(us));
        std::fflush(stdout);
    }
}
