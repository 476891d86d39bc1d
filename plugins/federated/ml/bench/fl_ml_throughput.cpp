// Local-training throughput of the federated-learning core on one thread: clients of
// Synthetic(1, 1) trained one after another with one reusable LocalTrainer, as the layer does.
//   fl_ml_throughput [devices] [epochs] [batch]
// prints samples per second for logistic regression and for an MLP, and the time to generate
// the devices' data.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "dais/fl/random.h"
#include "dais/fl/synthetic.h"
#include "dais/fl/train.h"

using namespace dais;
using namespace dais::fl;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

void run(const char* name, const Model& m, const std::vector<Dataset>& devices,
         const TrainOptions& o) {
    sim::RngStream init(1, kRngLayer, 0, "init");
    const Eigen::VectorXd w0 = m.initialParameters(init);
    LocalTrainer trainer;
    Eigen::VectorXd out;
    std::size_t samples = 0, steps = 0;
    double check = 0;
    const auto t0 = Clock::now();
    for (std::size_t k = 0; k < devices.size(); ++k) {
        sim::RngStream rng(1, kRngLayer, k, "train");
        const TrainStats s = trainer.train(m, w0, DataView::all(devices[k]), o, rng, out);
        samples += s.samples;
        steps += s.steps;
        check += out[0];
    }
    const double t = seconds(t0, Clock::now());
    std::printf(
        "%-28s %7zu params  %9zu samples  %7zu steps  %7.3f s  %10.0f samples/s  "
        "%7.1f us/client (check %.6g)\n",
        name, m.parameterCount(), samples, steps, t, static_cast<double>(samples) / t,
        1e6 * t / static_cast<double>(devices.size()), check);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t devicesN = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200;
    TrainOptions o;
    o.epochs = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 20;
    o.batchSize = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 10;
    o.learningRate = 0.01;

    SyntheticConfig c;
    c.devices = devicesN;
    c.maximum = 2000;
    const SyntheticFederated s(c);
    const auto t0 = Clock::now();
    std::vector<Dataset> devices;
    std::size_t rows = 0;
    for (std::size_t k = 0; k < devicesN; ++k) {
        devices.push_back(s.device(k));
        rows += devices.back().size();
    }
    const double tg = seconds(t0, Clock::now());
    std::printf("Synthetic(1,1): %zu devices, %zu samples generated in %.3f s (%.0f samples/s)\n",
                devicesN, rows, tg, static_cast<double>(rows) / tg);
    std::printf("local training: %zu epochs, batch %zu, one thread\n", o.epochs, o.batchSize);
    run("logistic(60->10)", Model(ModelSpec::logistic(60, 10)), devices, o);
    run("mlp(60-64->10)", Model(ModelSpec::mlp(60, {64}, 10)), devices, o);
    run("mlp(60-200-200->10)", Model(ModelSpec::mlp(60, {200, 200}, 10)), devices, o);
    o.batchSize = 64;
    std::printf("local training: %zu epochs, batch %zu, one thread\n", o.epochs, o.batchSize);
    run("logistic(60->10)", Model(ModelSpec::logistic(60, 10)), devices, o);
    run("mlp(60-200-200->10)", Model(ModelSpec::mlp(60, {200, 200}, 10)), devices, o);
    return 0;
}
