// dais bench fl: what a federated round costs through the layer, against a plain loop over the
// same arithmetic. The layer runs in a real scenario (a server and a group of clients, the
// federated plugin from the installed registry); the plain loop makes the same clients' data,
// trains them with the same options and random streams, one after another or on worker threads,
// and averages them. Every measurement is a fresh child process (this program re-executed in a
// hidden --child mode), so its peak resident memory is that measurement's own.

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/core/layer_registry.h"
#include "dais/core/scenario.h"
#include "dais/core/scenario_run.h"
#include "dais/fl/dataset.h"
#include "dais/fl/model.h"
#include "dais/fl/random.h"
#include "dais/fl/synthetic.h"
#include "dais/fl/train.h"
#include "measurement.h"

namespace dais::app {
namespace {

constexpr const char* kHelp = R"(usage: dais bench fl [options]

Measures one round of federated averaging in which every client trains (fraction 1), on the
FedProx Synthetic(1, 1) data (one device per client, made on demand), with 1 local epoch of
SGD, batch 10, learning rate 0.01, seed 1:
  logistic   10,000 clients, multinomial logistic regression (60 -> 10, 610 parameters)
  mlp        100 clients, an MLP with two hidden layers of 200 (54,410 parameters)
(1) through the layer: a scenario of a server and a group of clients, built in memory and run
    with the federated plugin of the installed registry (rounds 1, threads T). Set-up (the
    network, the global test set, the initial model) is timed apart from the round;
(2) a plain loop over the same arithmetic: for each client, make its device's data, train it
    from the global model with the layer's options and random stream, evaluate the global model
    on its test rows; clients one after another (1 thread) or shared by T threads; then the
    sample-weighted mean and its accuracy on the global test set. Its accuracy must be the
    layer's round-1 accuracy (the same arithmetic), or a warning says they differ.
Then their ratio, and the layer's overhead per client outside the arithmetic:
(layer round - plain round) / clients. Last, the memory of an idle virtual client: a scenario
of 100,000 clients is prepared (not run) with and without the federated layer, and the
difference in resident and allocated memory is divided by 100,000.

Every measurement is a fresh process, so its peak resident memory (peak RSS) is its own;
figures are medians of --repeat measurements, the layer and the plain loop alternating.

options:
  --workload NAME  logistic or mlp (may be repeated; default: both)
  --threads LIST   training threads, e.g. 1,2 (may be repeated; default 1 and 2)
  --repeat N       measurements of each, median reported (default 3)
  --clients N      clients of the logistic workload (default 10000)
  --json           print the figures as JSON on stdout

columns: clients/s and samples/s/core (samples trained, per thread) of the layer's round;
round s its wall time; setup s the preparation before it; peak RSS of the process; plain s and
plain RSS the same for the plain loop; ratio = layer round / plain round.
)";

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kSeed = 1;
constexpr std::size_t kEpochs = 1, kBatch = 10;
constexpr double kLearningRate = 0.01;
constexpr double kClientTestFraction = 0.2;    // the layer's client_test_fraction default
constexpr std::size_t kTestDevices = 200;      // devices whose test rows form the global test set
constexpr std::size_t kIdleClients = 100'000;  // clients of the idle-memory scenario

struct Workload {
    std::string name;
    std::string model;   // logistic or mlp
    std::string hidden;  // mlp widths
    std::size_t clients;
};

std::vector<Workload> workloads(std::size_t logisticClients) {
    return {{"logistic", "logistic", "", logisticClients}, {"mlp", "mlp", "200,200", 100}};
}

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

std::string megabytes(double bytes) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f MB", bytes / 1048576.0);
    return b;
}

// --- the arithmetic, as the layer does it -----------------------------------------------------

fl::SyntheticConfig syntheticConfig(std::size_t clients) {
    fl::SyntheticConfig c;
    c.alpha = 1;
    c.beta = 1;
    c.devices = clients;
    c.seed = kSeed;
    return c;
}

fl::ModelSpec modelSpec(const Workload& w) {
    const fl::SyntheticConfig c = syntheticConfig(1);
    if (w.model == "logistic") return fl::ModelSpec::logistic(c.dimension, c.classes);
    std::vector<std::size_t> widths;
    std::stringstream in(w.hidden);
    std::string part;
    while (std::getline(in, part, ','))
        widths.push_back(std::stoul(part));
    return fl::ModelSpec::mlp(c.dimension, widths, c.classes);
}

fl::TrainOptions trainOptions() {
    fl::TrainOptions o;
    o.learningRate = kLearningRate;
    o.epochs = kEpochs;
    o.batchSize = kBatch;
    return o;
}

std::size_t testRows(std::size_t deviceSize) {
    return static_cast<std::size_t>(static_cast<double>(deviceSize) * kClientTestFraction + 0.5);
}

/// Client k's device and its train/test split: the device's rows in the order of the stream
/// "device-split", the first ones for training, the last testRows() for its own test.
struct Client {
    fl::Dataset device;
    std::vector<std::uint32_t> rows;
    std::size_t train = 0;

    fl::DataView trainView() const { return fl::DataView::of(device, {rows.data(), train}); }
    fl::DataView testView() const {
        return fl::DataView::of(device, {rows.data() + train, rows.size() - train});
    }
};

Client makeClient(const fl::SyntheticFederated& generator, std::size_t k) {
    Client c{generator.device(k), {}, 0};
    const std::size_t n = c.device.size();
    c.rows.resize(n);
    std::iota(c.rows.begin(), c.rows.end(), 0u);
    sim::RngStream rng(kSeed, "federated", k, "device-split");
    fl::shuffle(rng, std::span<std::uint32_t>(c.rows));
    c.train = n - testRows(n);
    return c;
}

/// The global test set: the test rows of the first devices, in order.
fl::Dataset globalTestSet(const fl::SyntheticFederated& generator) {
    const std::size_t devices = std::min(generator.devices(), kTestDevices);
    std::size_t total = 0;
    for (std::size_t k = 0; k < devices; ++k)
        total += testRows(generator.deviceSize(k));
    fl::Dataset test;
    test.classes = generator.config().classes;
    test.features.resize(static_cast<Eigen::Index>(generator.config().dimension),
                         static_cast<Eigen::Index>(total));
    test.labels.reserve(total);
    Eigen::Index at = 0;
    for (std::size_t k = 0; k < devices; ++k) {
        const Client c = makeClient(generator, k);
        const fl::DataView v = c.testView();
        for (std::size_t i = 0; i < v.size(); ++i, ++at) {
            test.features.col(at) = c.device.features.col(v.row(i));
            test.labels.push_back(v.label(i));
        }
    }
    return test;
}

/// Training samples of the largest client.
std::uint64_t largestClient(std::size_t clients) {
    const fl::SyntheticFederated generator(syntheticConfig(clients));
    std::size_t largest = 0;
    for (std::size_t k = 0; k < clients; ++k) {
        const std::size_t n = generator.deviceSize(k);
        largest = std::max(largest, n - testRows(n));
    }
    return largest * kEpochs;
}

/// Bytes the global test set holds (features and labels).
std::uint64_t globalTestBytes(std::size_t clients) {
    const fl::SyntheticFederated generator(syntheticConfig(clients));
    std::uint64_t rows = 0;
    for (std::size_t k = 0; k < std::min(clients, kTestDevices); ++k)
        rows += testRows(generator.deviceSize(k));
    return rows * (generator.config().dimension * sizeof(double) + sizeof(std::int32_t));
}

// --- the scenario ---------------------------------------------------------------------------

std::string scenarioText(const Workload& w, std::size_t clients, unsigned threads, bool federated) {
    nlohmann::json layer = {{"enabled", federated},
                            {"data", "synthetic"},
                            {"synthetic_alpha", 1},
                            {"synthetic_beta", 1},
                            {"model", w.model},
                            {"rounds", 1},
                            {"fraction", 1.0},
                            {"min_clients", 1},
                            {"epochs", kEpochs},
                            {"batch_size", kBatch},
                            {"learning_rate", kLearningRate},
                            {"threads", threads}};
    if (w.model == "mlp") layer["hidden"] = w.hidden;
    const nlohmann::json s = {
        {"format", "dais-scenario"},
        {"version", 1},
        {"meta", {{"name", "bench fl " + w.name}}},
        {"network",
         {{"nodes",
           nlohmann::json::array(
               {{{"id", "server"}, {"role", "server"}, {"resources", {{"cpu_gflops", 100}}}}})},
          {"groups",
           nlohmann::json::array({{{"id", "clients"},
                                   {"count", clients},
                                   {"role", "client"},
                                   {"attach", "server"},
                                   {"resources", {{"cpu_gflops", 10}}},
                                   {"access", {{"latency", "20ms"}, {"bandwidth", "20Mbps"}}}}})}}},
        {"layers", {{"federated", layer}}},
        {"run", {{"seed", kSeed}}}};
    return s.dump();
}

// --- child mode -----------------------------------------------------------------------------
// `--child layer|plain WORKLOAD CLIENTS THREADS` or `--child idle on|off CLIENTS`: one
// measurement, printed as one line of numbers.

/// Loads and prepares a scenario with the installed layers; prints the error and returns null.
std::unique_ptr<core::ScenarioRun> prepare(const std::string& text) {
    const core::LayerRegistry& registry = core::LayerRegistry::installed();
    if (registry.find("federated") == nullptr) {
        std::string folders;
        for (const std::string& f : core::LayerRegistry::pluginFolders())
            folders += (folders.empty() ? "" : ", ") + f;
        printError("bench fl: the federated layer is not installed (plugin folders: " +
                   (folders.empty() ? std::string("none") : folders) + ")");
        return nullptr;
    }
    auto s = core::loadScenarioText(text, "bench-fl.dais.json", {}, &registry);
    if (!s) return printError("bench fl: " + s.error().message), nullptr;
    auto run = core::ScenarioRun::prepare(*s);
    if (!run) return printError("bench fl: " + run.error().message), nullptr;
    return std::move(run.value());
}

int childLayer(const Workload& w, std::size_t clients, unsigned threads) {
    (void)core::LayerRegistry::installed();  // the plugins load before the clock starts
    const auto t0 = Clock::now();
    const std::unique_ptr<core::ScenarioRun> run = prepare(scenarioText(w, clients, threads, true));
    if (!run) return kExitFailure;
    const auto t1 = Clock::now();
    const core::RunReport r = run->run();
    const auto t2 = Clock::now();
    if (r.status != core::RunStatus::Completed)
        return printError("bench fl: the run failed: " + r.error), kExitFailure;
    const core::MetricReport* accuracy = r.metric("federated.accuracy");
    const core::MetricReport* loss = r.metric("federated.loss");
    const core::MetricReport* participants = r.metric("federated.participants");
    if (!accuracy || !loss || !participants)
        return printError("bench fl: the run reported no federated metrics"), kExitFailure;
    std::printf("%.9f %.9f %.17g %.17g %.0f\n", seconds(t0, t1), seconds(t1, t2), accuracy->value,
                loss->value, participants->value);
    return kExitOk;
}

/// One thread's share of the plain loop.
struct Partial {
    Eigen::VectorXd sum;  // sum of n_k (x_k - x)
    double weight = 0;    // sum of n_k
    double dataSeconds = 0, trainSeconds = 0, evalSeconds = 0, check = 0;
    std::uint64_t samples = 0, clients = 0;
};

int childPlain(const Workload& w, std::size_t clients, unsigned threads) {
    const auto t0 = Clock::now();
    const fl::SyntheticFederated generator(syntheticConfig(clients));
    const fl::Model model(modelSpec(w));
    sim::RngStream init(kSeed, "federated", 0, "init");  // the server is node 0
    const Eigen::VectorXd global = model.initialParameters(init);
    const fl::Dataset test = globalTestSet(generator);
    const fl::TrainOptions options = trainOptions();

    const auto t1 = Clock::now();
    std::atomic<std::size_t> next{0};
    std::vector<Partial> partials(threads);
    auto worker = [&](Partial& p) {
        fl::LocalTrainer trainer;
        Eigen::VectorXd out;
        p.sum = Eigen::VectorXd::Zero(global.size());
        for (;;) {
            const std::size_t k = next.fetch_add(1);
            if (k >= clients) return;
            const auto a = Clock::now();
            const Client c = makeClient(generator, k);
            const auto b = Clock::now();
            // Client k is node k + 1: the group follows the server.
            sim::RngStream rng(kSeed, "federated", k + 1, "train/1");
            const fl::TrainStats st =
                trainer.train(model, global, c.trainView(), options, rng, out);
            const double n = static_cast<double>(st.samples) / static_cast<double>(kEpochs);
            p.sum += n * (out - global);
            p.weight += n;
            const auto d = Clock::now();
            if (c.train < c.rows.size())
                p.check += fl::evaluate(model, global, c.testView()).accuracy;
            const auto e = Clock::now();
            p.dataSeconds += seconds(a, b);
            p.trainSeconds += seconds(b, d);
            p.evalSeconds += seconds(d, e);
            p.samples += st.samples;
            ++p.clients;
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker, std::ref(partials[t]));
    worker(partials[0]);
    for (std::thread& t : pool)
        t.join();
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(global.size());
    Partial all;
    for (const Partial& p : partials) {
        sum += p.sum;
        all.weight += p.weight;
        all.dataSeconds += p.dataSeconds;
        all.trainSeconds += p.trainSeconds;
        all.evalSeconds += p.evalSeconds;
        all.samples += p.samples;
        all.clients += p.clients;
    }
    const Eigen::VectorXd averaged = global + sum / all.weight;
    const fl::Evaluation e = fl::evaluate(model, averaged, fl::DataView::all(test));
    const auto t2 = Clock::now();
    std::printf("%.9f %.9f %.17g %.17g %llu %llu %.9f %.9f %.9f\n", seconds(t0, t1),
                seconds(t1, t2), e.accuracy, e.loss, static_cast<unsigned long long>(all.clients),
                static_cast<unsigned long long>(all.samples), all.dataSeconds, all.trainSeconds,
                all.evalSeconds);
    return kExitOk;
}

/// Resident memory now, from /proc/self/status (bytes; 0 if unreadable).
double residentBytes() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) * 1024.0;
    return 0;
}

int childIdle(bool federated, std::size_t clients) {
    (void)core::LayerRegistry::installed();
    const Workload w = workloads(clients).front();
    const auto t0 = Clock::now();
    const std::unique_ptr<core::ScenarioRun> run = prepare(scenarioText(w, clients, 1, federated));
    if (!run) return kExitFailure;
    const auto t1 = Clock::now();
    const struct mallinfo2 m = mallinfo2();
    std::printf("%.0f %.0f %.9f\n", residentBytes(), static_cast<double>(m.uordblks + m.hblkhd),
                seconds(t0, t1));
    return kExitOk;
}

int runChild(const std::vector<std::string>& args) {
    const auto word = [&](std::size_t i) {
        return i < args.size() ? parseUnsigned(args[i]) : std::nullopt;
    };
    const std::string kind = args.size() > 1 ? args[1] : "";
    if (kind == "idle" && args.size() == 4 && (args[2] == "on" || args[2] == "off") && word(3) &&
        *word(3) > 0)
        return childIdle(args[2] == "on", *word(3));
    const auto clients = word(3), threads = word(4);
    if ((kind == "layer" || kind == "plain") && args.size() == 5 && clients && *clients > 0 &&
        threads && *threads > 0 && *threads <= 1024) {
        for (const Workload& w : workloads(*clients))
            if (w.name == args[2])
                return kind == "layer" ? childLayer(w, *clients, static_cast<unsigned>(*threads))
                                       : childPlain(w, *clients, static_cast<unsigned>(*threads));
    }
    printError("bench fl: malformed --child arguments");
    return kExitUsage;
}

// --- parent: one child per measurement ------------------------------------------------------

/// What a measurement child printed (its line of numbers) and its peak resident memory.
struct ChildFigures {
    std::vector<double> values;
    double peakRss = 0;
};

/// Runs `dais bench fl --child ARGS...` in a fresh process (runMeasurement) and reads its line
/// of numbers and its peak RSS.
core::Result<ChildFigures> measure(const std::vector<std::string>& childArgs) {
    std::vector<std::string> args = {"--child"};
    args.insert(args.end(), childArgs.begin(), childArgs.end());
    auto m = runMeasurement("fl", args, runChild);
    if (!m) return m.error();
    ChildFigures f;
    std::istringstream in(m->out);
    for (double v; in >> v;)
        f.values.push_back(v);
    f.peakRss = m->peakRssBytes;
    return f;
}

struct LayerSample {
    double setup = 0, round = 0, accuracy = 0, loss = 0, participants = 0, rss = 0;
};
struct PlainSample {
    double setup = 0, round = 0, accuracy = 0, loss = 0, clients = 0, samples = 0;
    double data = 0, train = 0, eval = 0, rss = 0;
};

/// One (workload, threads): its measurements and their medians.
struct Result {
    Workload workload;
    unsigned threads = 1;
    std::vector<LayerSample> layer;
    std::vector<PlainSample> plain;

    template <class S, class F>
    static double med(const std::vector<S>& v, F f) {
        std::vector<double> x;
        for (const S& s : v)
            x.push_back(f(s));
        return median(x);
    }
    double layerRound() const {
        return med(layer, [](const LayerSample& s) { return s.round; });
    }
    double layerSetup() const {
        return med(layer, [](const LayerSample& s) { return s.setup; });
    }
    double layerRss() const {
        return med(layer, [](const LayerSample& s) { return s.rss; });
    }
    double plainRound() const {
        return med(plain, [](const PlainSample& s) { return s.round; });
    }
    double plainRss() const {
        return med(plain, [](const PlainSample& s) { return s.rss; });
    }
    /// Shares of the plain loop's thread time: making data, training, evaluating.
    double plainShare(double PlainSample::*part) const {
        return med(plain, [part](const PlainSample& s) {
            return s.*part / std::max(1e-12, s.data + s.train + s.eval);
        });
    }
};

struct Options {
    std::vector<Workload> workloads;
    std::vector<unsigned> threads;
    std::uint64_t repeat = 3, clients = 10'000;
    bool json = false;
};

/// Parses "1,2" into `into`; false on anything else.
bool parseThreads(const std::string& text, std::vector<unsigned>& into) {
    std::stringstream in(text);
    std::string part;
    std::vector<unsigned> out;
    while (std::getline(in, part, ',')) {
        const auto n = parseUnsigned(part);
        if (!n || *n == 0 || *n > 64) return false;
        out.push_back(static_cast<unsigned>(*n));
    }
    if (out.empty() || text.back() == ',') return false;
    for (unsigned t : out)
        if (std::find(into.begin(), into.end(), t) == into.end()) into.push_back(t);
    return true;
}

/// What an idle virtual client costs: a whole group prepared, not run, with and without the
/// layer.
struct IdleCost {
    double rss = 0, malloc = 0;            ///< bytes per client
    double testSet = 0;                    ///< bytes of the global test set, shared by all
    double prepareOn = 0, prepareOff = 0;  ///< seconds to prepare, with and without the layer
};

/// Reads the options of `dais bench fl` into `o`. Returns an exit code when the command ends
/// here (help shown, or a usage error said), nullopt to go on.
std::optional<int> parseOptions(const std::vector<std::string>& words, Options& o) {
    Args args(words);
    std::vector<std::string> names;
    while (!args.done()) {
        if (args.flag("help")) return std::fputs(kHelp, stdout), kExitOk;
        if (auto value = args.option("workload")) {
            if (!*value) return printError(value->error().message), kExitUsage;
            const std::string& v = **value;
            if (v != "logistic" && v != "mlp")
                return printError("bench fl: --workload: expected logistic or mlp, got \"" + v +
                                  "\""),
                       kExitUsage;
            if (std::find(names.begin(), names.end(), v) == names.end()) names.push_back(v);
        } else if (auto threads = args.option("threads")) {
            if (!*threads) return printError(threads->error().message), kExitUsage;
            if (!parseThreads(**threads, o.threads))
                return printError(
                           "bench fl: --threads: expected thread counts from 1 to 64 separated "
                           "by commas, got \"" +
                           **threads + "\""),
                       kExitUsage;
        } else if (auto repeat = args.option("repeat")) {
            if (!*repeat) return printError(repeat->error().message), kExitUsage;
            const auto n = parseUnsigned(**repeat);
            if (!n || *n == 0 || *n > 100)
                return printError("bench fl: --repeat: expected 1 to 100, got \"" + **repeat +
                                  "\""),
                       kExitUsage;
            o.repeat = *n;
        } else if (auto clients = args.option("clients")) {
            if (!*clients) return printError(clients->error().message), kExitUsage;
            const auto n = parseUnsigned(**clients);
            if (!n || *n == 0 || *n > 1'000'000)
                return printError("bench fl: --clients: expected 1 to 1000000, got \"" + **clients +
                                  "\""),
                       kExitUsage;
            o.clients = *n;
        } else if (args.flag("json")) {
            o.json = true;
        } else {
            printError("bench fl: unknown option " + args.peek() + " (see dais bench fl --help)");
            return kExitUsage;
        }
    }
    for (const Workload& w : workloads(o.clients))
        if (names.empty() || std::find(names.begin(), names.end(), w.name) != names.end())
            o.workloads.push_back(w);
    if (o.threads.empty()) o.threads = {1, 2};
    return std::nullopt;
}

/// Measures every (workload, threads) `o.repeat` times, the layer and the plain loop
/// alternating. The error names the measurement that failed.
core::Result<std::vector<Result>> measureRounds(const Options& o, bool progress) {
    std::vector<Result> results;
    for (const Workload& w : o.workloads)
        for (unsigned t : o.threads)
            results.push_back({w, t, {}, {}});
    auto failed = [](const std::string& what, const std::string& error) {
        return core::Error{what + ": " + error};
    };
    // Repeats go round the whole set, the layer and the plain loop alternating, so a slow
    // spell of a shared machine is spread over every figure instead of hitting one.
    for (std::uint64_t rep = 0; rep < o.repeat; ++rep) {
        for (Result& r : results) {
            const std::string what = r.workload.name + ", " + std::to_string(r.threads) +
                                     " thread" + (r.threads == 1 ? "" : "s");
            const std::vector<std::string> common = {
                r.workload.name, std::to_string(r.workload.clients), std::to_string(r.threads)};
            if (progress)
                std::fprintf(stderr, "\r  %s, measurement %llu of %llu ...          ", what.c_str(),
                             static_cast<unsigned long long>(rep + 1),
                             static_cast<unsigned long long>(o.repeat));
            std::vector<std::string> a = {"layer"};
            a.insert(a.end(), common.begin(), common.end());
            auto layer = measure(a);
            if (!layer) return failed(what + ", the layer", layer.error().message);
            const std::vector<double>& v = layer->values;
            if (v.size() != 5) return failed(what + ", the layer", "unreadable figures");
            r.layer.push_back({v[0], v[1], v[2], v[3], v[4], layer->peakRss});
            a[0] = "plain";
            auto plain = measure(a);
            if (!plain) return failed(what + ", the plain loop", plain.error().message);
            const std::vector<double>& p = plain->values;
            if (p.size() != 9) return failed(what + ", the plain loop", "unreadable figures");
            r.plain.push_back(
                {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], plain->peakRss});
        }
    }
    return results;
}

/// Memory of an idle virtual client: kIdleClients prepared, not run, with and without the
/// layer.
core::Result<IdleCost> measureIdle() {
    const std::string idleClients = std::to_string(kIdleClients);
    auto on = measure({"idle", "on", idleClients});
    if (!on) return core::Error{"idle clients: " + on.error().message};
    auto off = measure({"idle", "off", idleClients});
    if (!off) return core::Error{"idle clients: " + off.error().message};
    const std::vector<double>&von = on->values, &voff = off->values;
    if (von.size() != 3 || voff.size() != 3) return core::Error{"idle clients: unreadable figures"};
    const double n = static_cast<double>(kIdleClients);
    return IdleCost{(von[0] - voff[0]) / n, (von[1] - voff[1]) / n,
                    static_cast<double>(globalTestBytes(kIdleClients)), von[2], voff[2]};
}

/// Checks that every measurement trained every client, and that the plain loop's averaged
/// model has the layer's accuracy (the same arithmetic; the sums are taken in another order,
/// so the loss may differ in its last digits). One note per disagreement; none: they agree.
std::vector<std::string> disagreements(const std::vector<Result>& results) {
    std::vector<std::string> notes;
    for (const Result& r : results) {
        const std::string what = r.workload.name + " with " + std::to_string(r.threads) +
                                 " thread" + (r.threads == 1 ? "" : "s");
        const auto clients = static_cast<double>(r.workload.clients);
        for (const LayerSample& s : r.layer)
            if (s.participants != clients || s.accuracy != r.layer.front().accuracy)
                notes.push_back(what + ": the layer's rounds differ (participants " +
                                std::to_string(s.participants) + " of " +
                                std::to_string(r.workload.clients) + ")");
        for (const PlainSample& s : r.plain)
            if (s.clients != clients)
                notes.push_back(what + ": the plain loop trained " + std::to_string(s.clients) +
                                " clients");
        const LayerSample& l = r.layer.front();
        const PlainSample& p = r.plain.front();
        if (l.accuracy != p.accuracy || std::abs(l.loss - p.loss) > 1e-9 * std::abs(l.loss)) {
            char text[240];
            std::snprintf(text, sizeof text,
                          "%s: WARNING: the layer and the plain loop disagree: accuracy %.6f "
                          "against %.6f, loss %.12g against %.12g",
                          what.c_str(), l.accuracy, p.accuracy, l.loss, p.loss);
            notes.push_back(text);
        }
    }
    return notes;
}

/// `dais bench fl --json`.
void printJson(const Options& o, const std::vector<Result>& results, const IdleCost& idle,
               const std::vector<std::string>& notes) {
    const bool same = notes.empty();
    const double idleRss = idle.rss, idleMalloc = idle.malloc, idleTest = idle.testSet;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const Result& r : results) {
        const double clients = static_cast<double>(r.workload.clients);
        const double samples = r.plain.front().samples;
        const double lr = r.layerRound(), pr = r.plainRound();
        nlohmann::ordered_json runs = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < r.layer.size(); ++i)
            runs.push_back({{"layer_setup_s", r.layer[i].setup},
                            {"layer_round_s", r.layer[i].round},
                            {"layer_peak_rss_bytes", r.layer[i].rss},
                            {"plain_round_s", r.plain[i].round},
                            {"plain_peak_rss_bytes", r.plain[i].rss}});
        rows.push_back({{"workload", r.workload.name},
                        {"model", modelSpec(r.workload).describe()},
                        {"parameters", fl::Model(modelSpec(r.workload)).parameterCount()},
                        {"clients", r.workload.clients},
                        {"samples", samples},
                        {"largest_client_samples", largestClient(r.workload.clients)},
                        {"threads", r.threads},
                        {"setup_s", r.layerSetup()},
                        {"round_s", lr},
                        {"clients_per_s", clients / lr},
                        {"samples_per_s_per_core", samples / lr / r.threads},
                        {"peak_rss_bytes", r.layerRss()},
                        {"plain_round_s", pr},
                        {"plain_clients_per_s", clients / pr},
                        {"plain_samples_per_s_per_core", samples / pr / r.threads},
                        {"plain_peak_rss_bytes", r.plainRss()},
                        {"plain_data_share", r.plainShare(&PlainSample::data)},
                        {"plain_train_share", r.plainShare(&PlainSample::train)},
                        {"plain_eval_share", r.plainShare(&PlainSample::eval)},
                        {"ratio", lr / pr},
                        {"overhead_us_per_client", 1e6 * (lr - pr) / clients},
                        {"layer_accuracy", r.layer.front().accuracy},
                        {"plain_accuracy", r.plain.front().accuracy},
                        {"layer_loss", r.layer.front().loss},
                        {"plain_loss", r.plain.front().loss},
                        {"runs", runs}});
    }
    const nlohmann::ordered_json doc = {{"benchmark", "fl"},
                                        {"seed", kSeed},
                                        {"data", "synthetic(1, 1)"},
                                        {"epochs", kEpochs},
                                        {"batch_size", kBatch},
                                        {"learning_rate", kLearningRate},
                                        {"repeat", o.repeat},
                                        {"same_arithmetic", same},
                                        {"results", rows},
                                        {"idle",
                                         {{"clients", kIdleClients},
                                          {"rss_bytes_per_client", idleRss},
                                          {"malloc_bytes_per_client", idleMalloc},
                                          {"global_test_set_bytes", idleTest},
                                          {"prepare_s_with_layer", idle.prepareOn},
                                          {"prepare_s_without_layer", idle.prepareOff},
                                          {"within_1_kb", std::max(idleRss, idleMalloc) < 1024}}},
                                        {"notes", notes}};
    std::printf("%s\n", doc.dump(2).c_str());
}

/// The figures as tables for people.
void printTables(const Options& o, const std::vector<Result>& results, const IdleCost& idle,
                 const std::vector<std::string>& notes) {
    const bool same = notes.empty();
    const double n = static_cast<double>(kIdleClients);
    const double idleRss = idle.rss, idleMalloc = idle.malloc, idleTest = idle.testSet;
    std::printf(
        "one round of FedAvg, every client training (fraction 1): Synthetic(1, 1) data, %zu "
        "epoch, batch %zu, learning rate %g, seed %llu; median of %llu, each measurement a "
        "fresh process\n\n",
        kEpochs, kBatch, kLearningRate, static_cast<unsigned long long>(kSeed),
        static_cast<unsigned long long>(o.repeat));
    for (const Workload& w : o.workloads) {
        const fl::Model m(modelSpec(w));
        const auto it = std::find_if(results.begin(), results.end(),
                                     [&](const Result& r) { return r.workload.name == w.name; });
        const double samples = it->plain.front().samples;
        const auto largest = largestClient(w.clients);
        std::printf(
            "%-9s %s clients, %s, %s parameters, %s samples trained per round (the largest "
            "client %s, %.1f%%)\n",
            w.name.c_str(), groupDigits(w.clients).c_str(), m.spec().describe().c_str(),
            groupDigits(m.parameterCount()).c_str(),
            groupDigits(static_cast<std::uint64_t>(samples)).c_str(), groupDigits(largest).c_str(),
            100 * static_cast<double>(largest) / samples);
    }
    std::printf("\n%-9s %7s %8s %8s %10s %14s %10s | %8s %10s %6s %16s\n", "workload", "threads",
                "setup s", "round s", "clients/s", "samples/s/core", "peak RSS", "plain s",
                "plain RSS", "ratio", "overhead");
    for (const Result& r : results) {
        const double clients = static_cast<double>(r.workload.clients);
        const double lr = r.layerRound(), pr = r.plainRound();
        std::printf("%-9s %7u %8.3f %8.3f %10s %14s %10s | %8.3f %10s %5.2fx %9.1f us/client\n",
                    r.workload.name.c_str(), r.threads, r.layerSetup(), lr,
                    siNumber(clients / lr).c_str(),
                    siNumber(r.plain.front().samples / lr / r.threads).c_str(),
                    megabytes(r.layerRss()).c_str(), pr, megabytes(r.plainRss()).c_str(), lr / pr,
                    1e6 * (lr - pr) / clients);
    }
    std::printf("\nthe plain loop's thread time: making the data / training / evaluating\n");
    for (const Result& r : results)
        std::printf("  %-9s %u thread%s  %4.1f%% / %4.1f%% / %4.1f%%\n", r.workload.name.c_str(),
                    r.threads, r.threads == 1 ? " " : "s", 100 * r.plainShare(&PlainSample::data),
                    100 * r.plainShare(&PlainSample::train),
                    100 * r.plainShare(&PlainSample::eval));
    std::printf("\naccuracy on the global test set after the round (layer, plain loop):\n");
    for (const Result& r : results)
        std::printf("  %-9s %u thread%s  %.4f, %.4f  loss %.6f, %.6f\n", r.workload.name.c_str(),
                    r.threads, r.threads == 1 ? " " : "s", r.layer.front().accuracy,
                    r.plain.front().accuracy, r.layer.front().loss, r.plain.front().loss);
    std::printf("  %s\n", same ? "the same: the plain loop does the layer's arithmetic"
                               : "DIFFERENT: see the warnings below");
    std::printf(
        "\nmemory per idle virtual client (%s synthetic clients prepared, not run, with and "
        "without the layer):\n  %.0f B resident, %.0f B allocated: %s the 1 KB target\n  (of "
        "which the global test set, a fixed %s, is %.0f B a client)\n",
        groupDigits(kIdleClients).c_str(), idleRss, idleMalloc,
        std::max(idleRss, idleMalloc) < 1024 ? "within" : "NOT within", megabytes(idleTest).c_str(),
        idleTest / n);
    for (const std::string& note : notes)
        std::printf("%s\n", note.c_str());
}

}  // namespace

int benchFl(const std::vector<std::string>& words) {
    if (!words.empty() && words[0] == "--child") return runChild(words);
    Options o;
    if (const auto done = parseOptions(words, o)) return *done;
    const bool progress = !o.json && isatty(STDERR_FILENO) != 0;
    auto fail = [&](const core::Error& e) {
        if (progress) std::fprintf(stderr, "\n");
        printError("bench fl: " + e.message);
        return kExitFailure;
    };
    auto results = measureRounds(o, progress);
    if (!results) return fail(results.error());
    if (progress) std::fprintf(stderr, "\r  idle clients ...%40s", "");
    auto idle = measureIdle();
    if (!idle) return fail(idle.error());
    if (progress) std::fprintf(stderr, "\r%60s\r", "");
    const std::vector<std::string> notes = disagreements(*results);
    if (o.json)
        printJson(o, *results, *idle, notes);
    else
        printTables(o, *results, *idle, notes);
    return notes.empty() ? kExitOk : kExitFailure;
}

}  // namespace dais::app
