#include "job_trace.h"

#include <charconv>
#include <cmath>
#include <string_view>

#include "dais/core/layer.h"

namespace dais::layers::depin {

namespace {

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        std::string_view f =
            line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
        while (!f.empty() && (f.front() == ' ' || f.front() == '\t'))
            f.remove_prefix(1);
        while (!f.empty() && (f.back() == ' ' || f.back() == '\t' || f.back() == '\r'))
            f.remove_suffix(1);
        fields.push_back(f);
        if (comma == std::string_view::npos) return fields;
        start = comma + 1;
    }
}

std::optional<double> number(std::string_view text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

}  // namespace

sim::Result<void> JobTrace::open(const std::string& path, const sim::Network& network) {
    path_ = path;
    network_ = &network;
    std::ifstream check(path);
    if (!check) return sim::Error{path + ": cannot be read"};
    std::string header;
    if (!std::getline(check, header)) return sim::Error{path + ": empty, expected a header row"};
    bool hasTime = false;
    for (std::string_view name : split(header)) {
        if (name == "time") {
            columns_.push_back(Column::Time);
            hasTime = true;
        } else if (name == "gflop") {
            columns_.push_back(Column::Gflop);
        } else if (name == "input_bytes") {
            columns_.push_back(Column::Input);
        } else if (name == "output_bytes") {
            columns_.push_back(Column::Output);
        } else if (name == "client") {
            columns_.push_back(Column::Client);
        } else {
            return sim::Error{path + ":1: unknown column \"" + std::string(name) +
                              "\" (columns: time, gflop, input_bytes, output_bytes, client)"};
        }
    }
    if (!hasTime) return sim::Error{path + ":1: no column \"time\""};
    // The whole file, checked before the run starts.
    std::string line;
    std::uint64_t number = 1;
    sim::SimTime previous = 0;
    while (std::getline(check, line)) {
        ++number;
        if (line.empty() || line == "\r") continue;
        auto job = parse(line, number, previous);
        if (!job) return job.error();
        previous = job->time;
        ++jobs_;
    }
    in_.open(path);
    std::getline(in_, header);
    line_ = 1;
    return {};
}

sim::Result<TraceJob> JobTrace::parse(const std::string& line, std::uint64_t lineNumber,
                                      sim::SimTime previous) const {
    const std::vector<std::string_view> fields = split(line);
    const std::string where = path_ + ":" + std::to_string(lineNumber) + ": ";
    if (fields.size() != columns_.size())
        return sim::Error{where + std::to_string(fields.size()) + " fields, the header has " +
                          std::to_string(columns_.size())};
    TraceJob job;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string_view f = fields[i];
        if (columns_[i] == Column::Client) {
            if (f.empty()) continue;
            const sim::NodeIndex node = network_->findNode(f);
            if (node == sim::kNone)
                return sim::Error{where + "client: no node named \"" + std::string(f) + "\""};
            job.client = node;
            continue;
        }
        const std::optional<double> v = number(f);
        const char* name = columns_[i] == Column::Time    ? "time"
                           : columns_[i] == Column::Gflop ? "gflop"
                           : columns_[i] == Column::Input ? "input_bytes"
                                                          : "output_bytes";
        if (!v || *v < 0)
            return sim::Error{where + name + ": expected a number >= 0, got \"" + std::string(f) +
                              "\""};
        switch (columns_[i]) {
            case Column::Time:
                if (!sim::durationFromSeconds(*v, job.time))
                    return sim::Error{where + "time: beyond the longest simulated time"};
                if (job.time < previous)
                    return sim::Error{where + "time: " + std::string(f) +
                                      " s comes before the line above's; the file must be in "
                                      "time order"};
                break;
            case Column::Gflop:
                if (*v <= 0) return sim::Error{where + "gflop: a job's work must be > 0"};
                job.gflop = *v;
                break;
            case Column::Input:
                job.inputBytes = static_cast<std::uint64_t>(*v);
                break;
            case Column::Output:
                job.outputBytes = static_cast<std::uint64_t>(*v);
                break;
            case Column::Client:
                break;
        }
    }
    return job;
}

std::optional<TraceJob> JobTrace::next() {
    std::string line;
    while (std::getline(in_, line)) {
        ++line_;
        if (line.empty() || line == "\r") continue;
        auto job = parse(line, line_, previous_);
        if (!job)  // it was checked when the run was set up: the file changed since
            throw core::LayerError(job.error().message + " (the file changed during the run)",
                                   "/layers/depin/trace_file");
        previous_ = job->time;
        return *job;
    }
    return std::nullopt;
}

}  // namespace dais::layers::depin
