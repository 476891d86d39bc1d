// What a federation will hold in memory, estimated from its settings and the scenario before
// anything is built (Layer::estimateMemory): the data set, the clients' bookkeeping, and the
// model's parameters in every copy a round keeps (the server's, the training threads', each
// selected client's update). A data file is checked here, before it is read: it must be a
// regular file, and its size says how many rows it holds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "dais/fl/dataset.h"
#include "federation.h"

namespace dais::layers::federated {

namespace {

/// The data a federation will hold: its shape, what it costs and the parameter that drives it.
struct DataShape {
    double inputs = 0, classes = 0;
    double bytes = 0;
    std::string param, what;
};

/// Rows, feature columns and classes of a CSV file, from its size and its first 64 KiB.
struct CsvShape {
    double rows = 0, features = 0, classes = 2;
};

CsvShape csvShape(const std::string& path, double size, const std::string& labelColumn) {
    CsvShape s;
    std::ifstream in(path, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    const std::size_t eol = head.find('\n');
    if (eol == std::string::npos) return s;  // one line, or none: no rows to count
    s.features = static_cast<double>(std::count(head.begin(), head.begin() + eol, ','));
    const std::size_t lastEol = head.rfind('\n');
    const auto rows = static_cast<double>(std::count(head.begin() + eol + 1, head.end(), '\n'));
    // The classes seen in the label column of the rows at hand (at least two).
    std::vector<std::string> fields;
    auto split = [&](std::size_t from, std::size_t to) {
        fields.clear();
        std::size_t start = from;
        for (std::size_t i = from; i <= to; ++i)
            if (i == to || head[i] == ',' || head[i] == '\r') {
                fields.push_back(head.substr(start, i - start));
                start = i + 1;
                if (i < to && head[i] == '\r') break;
            }
    };
    split(0, eol);
    const auto label = std::find(fields.begin(), fields.end(), labelColumn) - fields.begin();
    std::vector<std::string> seen;
    for (std::size_t at = eol + 1; at < lastEol;) {
        const std::size_t end = head.find('\n', at);
        split(at, end);
        if (static_cast<std::size_t>(label) < fields.size() &&
            std::find(seen.begin(), seen.end(), fields[label]) == seen.end())
            seen.push_back(fields[label]);
        at = end + 1;
    }
    s.classes = std::max(2.0, static_cast<double>(seen.size()));
    if (rows > 0) {
        const double perRow = static_cast<double>(lastEol - eol) / rows;
        s.rows = (size - static_cast<double>(eol + 1)) / perRow;
    }
    return s;
}

DataShape dataShape(const Config& cfg, core::LayerEstimateContext& ctx, double clients) {
    DataShape d;
    const double testShare = 1 + cfg.testFraction;
    switch (cfg.data) {
        case DataSource::Synthetic:
        case DataSource::SyntheticIid:
            // FedProx Synthetic: 60 features, 10 classes; devices are made on demand, and the
            // global test set holds the test rows of the first 200 (about 7 MB).
            d.inputs = 60;
            d.classes = 10;
            d.param = "data";
            d.what = "the global test set of the synthetic data";
            d.bytes = 8e6 * std::min(clients, 200.0) / 200.0;
            return d;
        case DataSource::Blobs: {
            d.inputs = static_cast<double>(cfg.blobDimension);
            d.classes = static_cast<double>(cfg.blobClasses);
            const auto rows = static_cast<double>(cfg.blobSamples);
            d.param = "blob_samples";
            d.what = "the blobs data set, " + sim::countText(rows) + " samples of " +
                     sim::countText(d.inputs) + " features";
            // The features, the test rows gathered apart, and per row a label and indices.
            d.bytes = rows * d.inputs * sizeof(double) * testShare + rows * 16;
            return d;
        }
        case DataSource::Csv: {
            d.param = "data_file";
            d.classes = 2;
            if (cfg.dataFile.empty()) return d;  // set-up says what is missing
            const std::string path = ctx.resolvePath(cfg.dataFile);
            if (const std::string kind = fl::nonRegularFileKind(path); !kind.empty())
                ctx.failParam("data_file", "data: " + path + ": not a regular file (" + kind + ")");
            std::error_code ec;
            const auto size = static_cast<double>(std::filesystem::file_size(path, ec));
            if (ec) return d;  // missing or unreadable: set-up says so
            const CsvShape shape = csvShape(path, size, cfg.labelColumn);
            d.inputs = std::max(1.0, shape.features);
            d.classes = shape.classes;
            d.what =
                "the data file " + path + " (" + sim::memoryText(size) +
                (shape.rows > 0 ? ", about " + sim::countText(std::round(shape.rows)) +
                                      " rows of " + sim::countText(shape.features) + " features)"
                                : ", read whole)");
            // The text while it is read (a growing buffer, then its copy), each value as a number
            // in a list and in the data set, the test rows gathered apart, and per row a label.
            d.bytes = 3 * size + shape.rows * (d.inputs * sizeof(double) * (1 + testShare) + 48);
            return d;
        }
    }
    return d;
}

}  // namespace

void Federation::estimateMemory(core::LayerEstimateContext& ctx) const {
    const Config cfg = definition().read(ctx.params());
    const auto clients = static_cast<double>(ctx.nodeCountWithRole(cfg.clientRole));
    if (clients == 0) return;  // set-up says so
    const DataShape data = dataShape(cfg, ctx, clients);
    ctx.need(data.param, data.what, data.bytes);
    // Per client: its node, availability, churn state, edge and malice.
    ctx.need("client_role", sim::countText(clients) + " clients", clients * 32);

    // The model's parameters, from its shape alone.
    std::vector<std::size_t> hidden;
    if (cfg.model == ModelKind::Mlp) hidden = parseWidths(cfg.hidden);
    const fl::ModelSpec spec{static_cast<std::size_t>(std::max(1.0, data.inputs)),
                             static_cast<std::size_t>(std::max(2.0, data.classes)), hidden};
    double parameters = 0, widest = 0, in = static_cast<double>(spec.inputs);
    for (const std::size_t w : hidden) {
        parameters += (in + 1) * static_cast<double>(w);
        widest = std::max(widest, static_cast<double>(w));
        in = static_cast<double>(w);
    }
    parameters += (in + 1) * static_cast<double>(spec.classes);

    // Copies a round keeps: each selected client's update, and the server's matrix of them;
    // the global model and the strategy's state; per training thread, its parameters, gradient,
    // momentum and start, and its scratch for a batch.
    double perRound = cfg.mode == Mode::Async ? static_cast<double>(cfg.concurrency)
                                              : std::max(static_cast<double>(cfg.minClients),
                                                         std::round(cfg.fraction * clients));
    perRound = std::min(perRound, clients);
    const double threads =
        cfg.threads > 0 ? static_cast<double>(cfg.threads)
                        : std::max(1.0, static_cast<double>(std::thread::hardware_concurrency()));
    const double clientCopies = 2 * perRound;
    const double serverCopies = 6 + 4 * threads;
    double bytes =
        parameters * sizeof(double) * (clientCopies + serverCopies) +
        threads * static_cast<double>(cfg.batchSize) * (widest + in) * sizeof(double) * 2;
    if (cfg.aggregator == Rule::Krum || cfg.aggregator == Rule::MultiKrum ||
        cfg.aggregator == Rule::Bulyan)
        bytes += perRound * perRound * sizeof(double);
    if (cfg.aggregator != Rule::Mean) bytes += perRound * parameters * sizeof(double);

    const std::string model = spec.describe() + " of " + sim::countText(parameters) + " parameters";
    // Many clients a round: the updates are what to cut down. Few: the model itself.
    if (clientCopies >= 10 * serverCopies) {
        const std::string param = cfg.mode == Mode::Async                           ? "concurrency"
                                  : perRound == static_cast<double>(cfg.minClients) ? "min_clients"
                                                                                    : "fraction";
        ctx.need(param,
                 "the updates of " + sim::countText(perRound) +
                     " clients a round, each a copy of the model " + model,
                 bytes);
        return;
    }
    const std::string param = cfg.model == ModelKind::Mlp     ? "hidden"
                              : cfg.data == DataSource::Blobs ? "blob_dimension"
                              : cfg.data == DataSource::Csv   ? "data_file"
                                                              : "model";
    char copies[64];
    std::snprintf(copies, sizeof copies, "%.0f", clientCopies + serverCopies);
    ctx.need(param,
             "the model " + model + ", in " + copies + " copies (the server's, " +
                 sim::countText(threads) + " training threads' and the updates of " +
                 sim::countText(perRound) + " clients a round)",
             bytes);
}

}  // namespace dais::layers::federated
